package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm"
	"github.com/wasmstream/wasmstream/sql2wasm/analyzer"
	"github.com/wasmstream/wasmstream/sql2wasm/codegen"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the input is wrong: a compile error, an unreadable file
	exitUsage = 2 // the command line is wrong
)

const usage = `usage:
  sql2wasm compile [-o DIR] [-p name=value]... FILE.sql
      compile every persistent query of FILE.sql into DIR/<query id>.wasm
  sql2wasm inspect [--dump] FILE.wasm
      print a module's manifest and exports (--dump: and its code)
  sql2wasm version
`

// run is the whole command, testable in-process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "compile":
		return compile(args[1:], stdout, stderr)
	case "inspect":
		return inspect(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "%s (ABI %d)\n", codegen.Compiler, sdk.ABIVersion)
		return exitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "sql2wasm: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// props collects repeated -p name=value flags.
type props map[string]string

// String implements flag.Value.
func (p props) String() string { return "" }

// Set implements flag.Value: it adds one name=value.
func (p props) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	p[strings.TrimSpace(name)] = value
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, which flag.Parse alone does not allow.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func compile(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", ".", "directory to write the modules to")
	p := props{}
	fs.Var(p, "p", "session property name=value, as SET would (repeatable)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "sql2wasm compile: want one .sql file, got %d\n%s", len(files), usage)
		return exitUsage
	}
	file := files[0]
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "sql2wasm: %v\n", err)
		return exitError
	}
	stmts, err := sql2wasm.Parse(file, string(src))
	if err != nil {
		fmt.Fprintln(stderr, sql2wasm.FormatError(err, string(src)))
		return exitError
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "sql2wasm: %v\n", err)
		return exitError
	}
	c := sql2wasm.NewCompiler(sql2wasm.WithProperties(p))
	written := 0
	for _, s := range stmts {
		res, err := c.Compile(s)
		if err != nil {
			fmt.Fprintln(stderr, sql2wasm.FormatError(err, string(src)))
			return exitError
		}
		switch res.Kind {
		case sql2wasm.Query:
			if res.Skipped {
				fmt.Fprintf(stdout, "%s exists already: skipped\n", res.Source.Name)
				continue
			}
			name := filepath.Join(*out, strings.ToLower(res.QueryID)+".wasm")
			if err := os.WriteFile(name, res.Module, 0o644); err != nil {
				fmt.Fprintf(stderr, "sql2wasm: %v\n", err)
				return exitError
			}
			written++
			fmt.Fprintf(stdout, "%s: %s %s -> %s (%d bytes)\n", res.QueryID, strings.ToLower(res.Source.Kind.String()),
				res.Source.Name, name, len(res.Module))
		case sql2wasm.InsertValues:
			fmt.Fprintf(stdout, "INSERT VALUES into %s: not a persistent query, no module written\n", res.Source.Name)
		case sql2wasm.CreateSource:
			if !res.Skipped {
				fmt.Fprintf(stdout, "declared %s %s\n", strings.ToLower(res.Source.Kind.String()), res.Source.Name)
			}
		case sql2wasm.DropSource:
			if res.Dropped != "" {
				fmt.Fprintf(stdout, "dropped %s\n", res.Dropped)
			}
		}
	}
	fmt.Fprintf(stdout, "%d module(s) written to %s\n", written, *out)
	return exitOK
}

func inspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dump := fs.Bool("dump", false, "also print the module's code")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "sql2wasm inspect: want one .wasm file, got %d\n%s", len(files), usage)
		return exitUsage
	}
	bin, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "sql2wasm: %v\n", err)
		return exitError
	}
	info, err := sql2wasm.Inspect(bin)
	if err != nil {
		fmt.Fprintf(stderr, "sql2wasm: %s: %v\n", files[0], err)
		return exitError
	}
	printManifest(stdout, info, len(bin))
	if *dump {
		text, err := wasm.Dump(bin)
		if err != nil {
			fmt.Fprintf(stderr, "sql2wasm: %s: %v\n", files[0], err)
			return exitError
		}
		fmt.Fprintf(stdout, "\n%s", text)
	}
	return exitOK
}

// printManifest writes a module's manifest for people.
func printManifest(w io.Writer, info *sql2wasm.ModuleInfo, size int) {
	m := info.Manifest
	fmt.Fprintf(w, "query:     %s (%s)\n", m.QueryID, m.Kind)
	fmt.Fprintf(w, "compiler:  %s, ABI %d\n", m.Compiler, m.ABIVersion)
	fmt.Fprintf(w, "sql:       %s\n", strings.ReplaceAll(m.SQL, "\n", "\n           "))
	for i := range m.Sources {
		fmt.Fprintf(w, "source %d:  %s\n", i, analyzer.FormatSource(&m.Sources[i]))
	}
	fmt.Fprintf(w, "sink:      %s\n", analyzer.FormatSource(&m.Sink))
	for _, in := range m.Pipeline.Inputs {
		name := "?"
		if in.Source >= 0 && in.Source < len(m.Sources) {
			name = m.Sources[in.Source].Name
		}
		via := ""
		if in.Repartition && !m.Pipeline.SingleTask {
			via = " -> repartition topic"
		}
		fmt.Fprintf(w, "pipeline:  source %s -> %s%s\n", name, stageName(m, in.Stage), via)
	}
	if op := m.Pipeline.Operator; op != nil {
		for _, line := range strings.Split(strings.TrimSuffix(analyzer.FormatOperator(op), "\n"), "\n") {
			fmt.Fprintf(w, "operator:  %s\n", line)
		}
		if b := m.Pipeline.Between; b != nil {
			via := ""
			if b.Repartition && !m.Pipeline.SingleTask {
				via = " -> repartition topic"
			}
			fmt.Fprintf(w, "between:   join -> %s%s -> aggregate\n", stageName(m, b.Stage), via)
		}
		if m.Pipeline.SingleTask {
			fmt.Fprintf(w, "tasks:     one over all partitions\n")
		} else {
			fmt.Fprintf(w, "tasks:     one per input partition\n")
		}
	}
	fmt.Fprintf(w, "final:     %s\n", stageName(m, m.Pipeline.Final))
	for _, st := range m.Stages {
		fmt.Fprintf(w, "stage %s:\n", st.Export)
		fmt.Fprintf(w, "  inputs:  %s\n", columns(st.Inputs))
		fmt.Fprintf(w, "  outputs: %s\n", columns(st.Outputs))
		l := st.Layout
		fmt.Fprintf(w, "  layout:  base %d, capacity %d rows, in-data %d, heap %d, end %d\n",
			l.Base, l.Capacity, l.InDataSize, l.HeapSize, l.End())
	}
	fmt.Fprintf(w, "memory:    %d pages (%d KiB)\n", m.MemoryPages, uint64(m.MemoryPages)*sdk.PageSize/1024)
	var ex []string
	for _, e := range info.Exports {
		ex = append(ex, e.Name+" ("+e.Kind+")")
	}
	fmt.Fprintf(w, "exports:   %s\n", strings.Join(ex, ", "))
	fmt.Fprintf(w, "sections:  %s\n", strings.Join(info.CustomSections, ", "))
	fmt.Fprintf(w, "size:      %d bytes\n", size)
}

func stageName(m *sdk.Manifest, i int) string {
	if i < 0 || i >= len(m.Stages) {
		return "none"
	}
	return m.Stages[i].Export
}

func columns(cols []sdk.Column) string {
	if len(cols) == 0 {
		return "none"
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + " " + c.Type.String()
		if c.Key {
			parts[i] += " KEY"
		}
	}
	return strings.Join(parts, ", ")
}
