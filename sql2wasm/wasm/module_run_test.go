package wasm

import (
	"encoding/binary"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// buildSumI64 builds sum(ptr, n i32) i64: the sum of n i64 values stored at
// ptr, the shape of a column aggregation loop in a stage.
func buildSumI64(m *Module) *Func {
	t := m.AddType([]ValType{I32, I32}, []ValType{I64})
	f := m.AddFunc("sum_i64", t)
	i := f.AddLocal(I32)
	acc := f.AddLocal(I64)
	f.Block(BlockEmpty)
	f.LocalGet(1)
	f.I32Eqz()
	f.BrIf(0)
	f.Loop(BlockEmpty)
	// acc += load(ptr + i*8)
	f.LocalGet(acc)
	f.LocalGet(0)
	f.LocalGet(i)
	f.I32Const(3)
	f.I32Shl()
	f.I32Add()
	f.I64Load(3, 0)
	f.I64Add()
	f.LocalSet(acc)
	// i++; continue while i < n
	f.LocalGet(i)
	f.I32Const(1)
	f.I32Add()
	f.LocalTee(i)
	f.LocalGet(1)
	f.I32LtU()
	f.BrIf(0)
	f.End()
	f.End()
	f.LocalGet(acc)
	return f
}

func TestRunSumI64Column(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 2, "memory")
	f := buildSumI64(m)
	m.Export("sum", ExternFunc, f.Index())
	vals := []int64{5, -7, 1 << 40, 3, -(1 << 33), 99}
	var want int64
	for _, v := range vals {
		want += v
	}
	runOnBoth(t, m, nil, func(t *testing.T, mod api.Module) {
		buf := make([]byte, 8*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint64(buf[8*i:], uint64(v))
		}
		if !mod.Memory().Write(64, buf) {
			t.Fatal("memory write out of range")
		}
		if got := int64(call(t, mod, "sum", 64, uint64(len(vals)))[0]); got != want {
			t.Errorf("sum = %d, want %d", got, want)
		}
		if got := call(t, mod, "sum", 64, 0)[0]; got != 0 {
			t.Errorf("sum of no values = %d, want 0", got)
		}
	})
}
