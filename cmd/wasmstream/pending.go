package main

import (
	"fmt"
	"io"
)

func notYet(stderr io.Writer, name string) int {
	fmt.Fprintf(stderr, "wasmstream %s: not supported yet: this command is not connected to Kafka in this build\n", name)
	return 2
}
