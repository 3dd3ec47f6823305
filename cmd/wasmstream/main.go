// Command wasmstream runs stream-processing queries compiled to WebAssembly
// against Kafka.
//
//	wasmstream demo                      start the embedded secured broker, the seed queries and a data generator
//	wasmstream run [--config F] FILES... run SQL scripts or compiled .wasm modules
//	wasmstream test PATHS...             run QTT-format test files (ksqlDB's query-validation tests)
//	wasmstream broker                    run the embedded secured broker alone
//	wasmstream config show [--config F]  print the effective configuration, secrets hidden
//
// main is thin: every command is a function of (ctx, args, stdout, stderr) so
// that tests run it in-process.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"demo", "start the embedded secured broker, both seed queries and a data generator, and show results live", runDemo},
		{"run", "run SQL scripts or compiled modules against Kafka (the embedded broker when none is configured)", runRun},
		{"test", "run QTT-format test files and print N passed, M failed, K skipped", runTest},
		{"broker", "run the embedded secured Kafka broker alone, for kcat and other clients", runBroker},
		{"config", "config show: print the effective configuration with secrets hidden", runConfig},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "wasmstream: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "wasmstream: a secure stream processor for Apache Kafka; ksqlDB SQL compiled to WebAssembly.")
	fmt.Fprintln(w, "\nUsage: wasmstream <command> [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'wasmstream <command> -h' for a command's flags.")
}
