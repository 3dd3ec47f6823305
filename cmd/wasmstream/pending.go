package main

import (
	"context"
	"fmt"
	"io"
)

// These commands are being connected to Kafka (issue 4); until then they say
// so instead of pretending to work.

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return notYet(stderr, "demo")
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return notYet(stderr, "run")
}

func runBroker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return notYet(stderr, "broker")
}

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return notYet(stderr, "config")
}

func notYet(stderr io.Writer, name string) int {
	fmt.Fprintf(stderr, "wasmstream %s: not supported yet: this command is not connected to Kafka in this build\n", name)
	return 2
}
