package runtime

import (
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// The batch hot path (write inputs, Run, read outputs) must not allocate,
// including the deadline watchdog and an intrinsic call.
func TestBatchHotPathAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	upper, _ := sdk.LookupIntrinsic(sdk.IntrUpper)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			if e.interpreter {
				t.Skip("wazero's interpreter allocates once per call and per host function call; the compiler does not")
			}
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter))
			in := mustInstance(t, rt, buildModule(t, modSpec{
				stages:  []stageSpec{copyStage("stage_copy"), upperStage("stage_upper")},
				imports: []sdk.Intrinsic{upper},
			}))
			word := []byte("hello")
			cp, up := in.Batch(0), in.Batch(1)
			var sink int64
			allocs := testing.AllocsPerRun(100, func() {
				cp.Reset()
				up.Reset()
				for row := 0; row < cp.Capacity(); row++ {
					cp.SetInt64(0, row, int64(row))
					cp.SetString(1, row, word)
					up.SetString(0, row, word)
				}
				if _, err := cp.Run(cp.Capacity(), 0); err != nil {
					t.Fatal(err)
				}
				if _, err := up.Run(up.Capacity(), 0); err != nil {
					t.Fatal(err)
				}
				for row := 0; row < cp.Capacity(); row++ {
					if cp.Sel(row) == sdk.SelEmit && !cp.OutNull(0, row) {
						sink += cp.OutInt64(0, row)
					}
					s, _ := cp.OutString(1, row)
					u, _ := up.OutString(0, row)
					sink += int64(len(s) + len(u))
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per batch, want 0", allocs)
			}
			if sink == 0 {
				t.Errorf("outputs not read")
			}
		})
	}
}
