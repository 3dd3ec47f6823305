package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"regexp"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/engine/qtt"
	"github.com/wasmstream/wasmstream/runtime"
)

// runTest implements `wasmstream test [-run REGEX] [-v] PATH...`: it runs
// QTT-format test files (files, or directories searched for *.json), prints
// a line per failing test with the difference, a line per file, and ends
// with "N passed, M failed, K skipped". The exit code is 0 only when nothing
// failed.
func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runExpr := fs.String("run", "", "run only the tests whose full name (`file - test[ - FORMAT]`) matches this regular expression")
	verbose := fs.Bool("v", false, "report every test, skip reasons and failure causes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wasmstream test [-run REGEX] [-v] PATH...")
		fmt.Fprintln(stderr, "\nRuns test files in ksqlDB's QTT format (a file, or a directory searched for *.json).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	opts := qtt.Options{Verbose: *verbose, Out: stdout}
	if *runExpr != "" {
		re, err := regexp.Compile(*runExpr)
		if err != nil {
			fmt.Fprintf(stderr, "wasmstream test: -run: %v\n", err)
			return 2
		}
		opts.Run = re
	}
	// One runtime for every test: its intrinsics are instantiated once.
	rt, err := runtime.New(ctx, runtime.NewConfig())
	if err != nil {
		fmt.Fprintf(stderr, "wasmstream test: %v\n", err)
		return 1
	}
	defer rt.Close(context.WithoutCancel(ctx))
	opts.Runner = &qtt.Runner{EngineOptions: []engine.Option{engine.WithRuntime(rt)}}
	sum, err := qtt.RunPaths(ctx, fs.Args(), opts)
	if err != nil {
		fmt.Fprintf(stderr, "wasmstream test: %v\n", err)
		return 2
	}
	if sum.Failed > 0 {
		return 1
	}
	return 0
}
