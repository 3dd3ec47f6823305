package codegen

import (
	"context"
	"sync"
	"testing"

	"github.com/wasmstream/wasmstream/runtime"
	"github.com/wasmstream/wasmstream/sdk"
)

// The generated modules also run through the real runtime package: its
// verification at load, its Batch API and its (Java-compatible)
// intrinsics, on wazero's compiler.

var (
	realRTOnce sync.Once
	realRT     *runtime.Runtime
	realRTErr  error
)

func realRuntime(t testing.TB) *runtime.Runtime {
	t.Helper()
	realRTOnce.Do(func() {
		realRT, realRTErr = runtime.New(context.Background(), runtime.NewConfig())
	})
	if realRTErr != nil {
		t.Fatalf("runtime.New: %v", realRTErr)
	}
	return realRT
}

// runRuntime loads bin with the runtime, runs stage 0 on rows and returns
// the results (nil with a fatal error when the runtime refuses the module).
func runRuntime(t testing.TB, bin []byte, rows [][]sdk.Value) (runtime.Status, int, []rowResult) {
	t.Helper()
	ctx := context.Background()
	mod, err := realRuntime(t).Load(ctx, bin)
	if err != nil {
		t.Fatalf("runtime: load: %v", err)
	}
	t.Cleanup(func() { mod.Close(ctx) })
	inst, err := mod.Instantiate(ctx)
	if err != nil {
		t.Fatalf("runtime: instantiate: %v", err)
	}
	t.Cleanup(func() { inst.Close(ctx) })
	b := inst.Batch(0)
	b.Reset()
	for r, row := range rows {
		for i, v := range row {
			if !b.SetValue(i, r, v) {
				t.Fatalf("runtime: in-data full")
			}
		}
	}
	status, err := b.Run(len(rows), 0)
	if err != nil {
		t.Fatalf("runtime: run: %v", err)
	}
	n := len(rows)
	if status != sdk.StatusOK {
		n = b.StatusRow()
	}
	st := b.Stage()
	var res []rowResult
	for r := 0; r < n; r++ {
		rr := rowResult{sel: b.Sel(r)}
		if rr.sel == sdk.SelEmit {
			for j := range st.Outputs {
				v, err := b.OutValue(j, r)
				if err != nil {
					t.Fatalf("runtime: output %d row %d: %v", j, r, err)
				}
				rr.out = append(rr.out, v)
			}
		}
		res = append(res, rr)
	}
	return status, b.StatusRow(), res
}
