package runtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

func TestTraps(t *testing.T) {
	cases := []struct {
		name  string
		stage stageSpec
		extra func(m *wasm.Module, imp map[string]uint32)
		want  string // in wazero's message
	}{
		{"unreachable", simpleStage("stage_trap", func(f *wasm.Func, _ sdk.Layout) {
			f.Unreachable()
		}), nil, "unreachable"},
		{"out of bounds", simpleStage("stage_trap", func(f *wasm.Func, _ sdk.Layout) {
			f.I32Const(-16)
			f.I32Load(2, 0)
		}), nil, "out of bounds memory access"},
		{"divide by zero", simpleStage("stage_trap", func(f *wasm.Func, _ sdk.Layout) {
			f.I32Const(1)
			f.LocalGet(0) // rows = 0
			f.I32DivS()
		}), nil, "integer divide by zero"},
		{"stack overflow", simpleStage("stage_trap", func(f *wasm.Func, _ sdk.Layout) {
			f.LocalGet(0)
			f.Call(f.Index()) // unbounded recursion
		}), nil, "stack overflow"},
		{"bad pointer to an intrinsic", stageSpec{export: "stage_trap", body: func(f *wasm.Func, l sdk.Layout, imp map[string]uint32) {
			f.I32Const(int32(l.Base))
			f.I32Const(-100)
			f.I32Const(1000)
			f.Call(imp[sdk.IntrUpper])
			f.I32WrapI64()
		}}, nil, ErrGuestPointer.Error()},
	}
	upper, _ := sdk.LookupIntrinsic(sdk.IntrUpper)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter))
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					in := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{c.stage}, imports: []sdk.Intrinsic{upper}}))
					b := in.Batch(0)
					_, err := b.Run(0, 4711)
					var te *TrapError
					if !errors.As(err, &te) {
						t.Fatalf("Run: %v, want a *TrapError", err)
					}
					if te.QueryID != testQueryID || te.Stage != "stage_trap" || te.Offset != 4711 {
						t.Errorf("TrapError{%q, %q, %d}, want query, stage and offset", te.QueryID, te.Stage, te.Offset)
					}
					if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "input offset 4711") {
						t.Errorf("message %q lacks %q or the offset", err, c.want)
					}
					if !errors.Is(err, ErrBroken) || !errors.Is(in.Err(), ErrBroken) {
						t.Errorf("instance not broken after a trap: %v", in.Err())
					}
					if _, err2 := b.Run(0, 0); !errors.Is(err2, ErrBroken) {
						t.Errorf("Run after a trap: %v, want ErrBroken", err2)
					}
					if c.name == "stack overflow" {
						return // wazero's compiler lets the stack grow to 400 MB first: once is enough
					}
					// A new instance of the same module works (and traps again).
					in2, err := in.Module().Instantiate(t.Context())
					if err != nil {
						t.Fatal(err)
					}
					defer in2.Close(t.Context())
					if _, err := in2.Batch(0).Run(0, 0); !errors.As(err, &te) {
						t.Errorf("fresh instance: %v", err)
					}
				})
			}
		})
	}
}

// A stage returning a status outside the ABI is an error, not a success.
func TestUnknownStatus(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	in := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{simpleStage("stage_odd", func(f *wasm.Func, _ sdk.Layout) {
		f.I32Const(77)
	})}}))
	st, err := in.Batch(0).Run(0, 0)
	if !errors.Is(err, ErrProtocol) || st != 77 {
		t.Fatalf("Run = %v, %v; want status 77 and ErrProtocol", st, err)
	}
	// Returning "cancelled" without a deadline is a protocol error too.
	in2 := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{simpleStage("stage_odd", func(f *wasm.Func, _ sdk.Layout) {
		f.I32Const(sdk.StatusCancelled)
	})}}))
	if _, err := in2.Batch(0).Run(0, 0); !errors.Is(err, ErrProtocol) || errors.Is(err, ErrDeadline) {
		t.Fatalf("spontaneous cancel: %v", err)
	}
}
