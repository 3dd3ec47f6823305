package wasm

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// engines are the two wazero engines every built module runs on: the
// interpreter and the compiler have independent validators and code paths,
// so a module both accept and run alike is well-formed beyond doubt.
var engines = []struct {
	name string
	cfg  func() wazero.RuntimeConfig
}{
	{"interpreter", wazero.NewRuntimeConfigInterpreter},
	{"compiler", wazero.NewRuntimeConfigCompiler},
}

// hostSetup lets a test add host modules before the module under test is
// instantiated.
type hostSetup func(t *testing.T, ctx context.Context, r wazero.Runtime)

// runOnBoth encodes m, instantiates it on both engines (after setup, if
// any) and runs check against each instance.
func runOnBoth(t *testing.T, m *Module, setup hostSetup, check func(t *testing.T, mod api.Module)) {
	t.Helper()
	bin, err := m.Encode()
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	runBinOnBoth(t, bin, setup, check)
}

func runBinOnBoth(t *testing.T, bin []byte, setup hostSetup, check func(t *testing.T, mod api.Module)) {
	t.Helper()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			ctx := context.Background()
			r := wazero.NewRuntimeWithConfig(ctx, eng.cfg())
			defer r.Close(ctx)
			if setup != nil {
				setup(t, ctx, r)
			}
			mod, err := r.Instantiate(ctx, bin)
			if err != nil {
				t.Fatalf("instantiate: %v", err)
			}
			check(t, mod)
		})
	}
}

// call calls the exported function name and returns its results.
func call(t *testing.T, mod api.Module, name string, args ...uint64) []uint64 {
	t.Helper()
	fn := mod.ExportedFunction(name)
	if fn == nil {
		t.Fatalf("no exported function %q", name)
	}
	res, err := fn.Call(context.Background(), args...)
	if err != nil {
		t.Fatalf("call %s%v: %v", name, args, err)
	}
	return res
}
