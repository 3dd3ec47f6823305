package main

import (
	"context"
	"fmt"
	"io"
)

// runRun is being connected to Kafka (issue 4); until then it says so
// instead of pretending to work.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return notYet(stderr, "run")
}

func notYet(stderr io.Writer, name string) int {
	fmt.Fprintf(stderr, "wasmstream %s: not supported yet: this command is not connected to Kafka in this build\n", name)
	return 2
}
