package runtime

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/wasmstream/wasmstream/sdk"
)

// exampleModule stands in for a module compiled by sql2wasm: one stage
// with inputs A BIGINT, S STRING and outputs A1 = A + 1, S1 = S.
func exampleModule() []byte {
	bin, err := encodeModule(modSpec{})
	if err != nil {
		log.Fatal(err)
	}
	return bin
}

// The life of a module: load (verify and compile) once, instantiate per
// goroutine, and for every batch write the inputs in place, run the stage
// and read the outputs in place.
func Example() {
	ctx := context.Background()
	rt, err := New(ctx, NewConfig().WithBatchDeadline(5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	m, err := rt.Load(ctx, exampleModule())
	if err != nil {
		log.Fatal(err) // names the query and what is wrong with the module
	}
	inst, err := m.Instantiate(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close(ctx)

	b := inst.Batch(0) // stage 0 of the manifest
	fmt.Println("stage", b.Stage().Export, "capacity", b.Capacity())
	records := []struct {
		a int64
		s string
	}{{41, "forty-one"}, {-1, "minus one"}}

	b.Reset()
	for row, r := range records {
		b.SetInt64(0, row, r.a)
		if !b.SetString(1, row, []byte(r.s)) {
			log.Fatal("input string area full: run the batch so far first")
		}
	}
	status, err := b.Run(len(records), 1000) // 1000: input offset of the first record
	if err != nil {
		log.Fatal(err) // a *TrapError or *DeadlineError naming query, stage and offset
	}
	fmt.Println("status", status)
	for row := range records {
		if b.Sel(row) != sdk.SelEmit {
			continue
		}
		s, err := b.OutString(1, row)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.OutInt64(0, row), string(s))
	}
	// Output:
	// stage stage_copy capacity 64
	// status ok
	// 42 forty-one
	// 0 minus one
}
