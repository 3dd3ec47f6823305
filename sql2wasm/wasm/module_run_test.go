package wasm

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
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

func TestRunMemoryCopyFillAndData(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 1, "memory")
	m.AddData(100, []byte("hello, world"))
	ty := m.AddType([]ValType{I32, I32, I32}, nil)
	cp := m.AddFunc("copy", ty) // copy(dst, src, n)
	cp.LocalGet(0)
	cp.LocalGet(1)
	cp.LocalGet(2)
	cp.MemoryCopy()
	fill := m.AddFunc("fill", ty) // fill(dst, byte, n)
	fill.LocalGet(0)
	fill.LocalGet(1)
	fill.LocalGet(2)
	fill.MemoryFill()
	m.Export("copy", ExternFunc, cp.Index())
	m.Export("fill", ExternFunc, fill.Index())
	runOnBoth(t, m, nil, func(t *testing.T, mod api.Module) {
		read := func(off, n uint32) string {
			b, ok := mod.Memory().Read(off, n)
			if !ok {
				t.Fatalf("read [%d,+%d) out of range", off, n)
			}
			return string(b)
		}
		if got := read(100, 12); got != "hello, world" {
			t.Fatalf("data segment: memory holds %q", got)
		}
		// A Go model of the same operations: copy has memmove semantics
		// like memory.copy.
		model := []byte("hello, world")
		call(t, mod, "copy", 200, 100, 12)
		call(t, mod, "copy", 202, 200, 5) // overlapping, forward
		copy(model[2:7], model[0:5])
		if got, want := read(200, 12), string(model); got != want {
			t.Errorf("after copies: %q, want %q", got, want)
		}
		call(t, mod, "fill", 201, 0x12A, 3) // only the low byte counts
		copy(model[1:4], "\x2a\x2a\x2a")
		if got, want := read(200, 12), string(model); got != want {
			t.Errorf("after fill: %q, want %q", got, want)
		}
		if _, err := mod.ExportedFunction("copy").Call(context.Background(), PageSize-2, 0, 4); err == nil {
			t.Error("out-of-bounds memory.copy did not trap")
		}
	})
}

// TestRunLoadsStores stores a value with every store width and reads it
// back with every load of that width, checking sign and zero extension.
func TestRunLoadsStores(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 1, "")
	type access struct {
		name  string
		store func(*Code)
		load  func(*Code)
		typ   ValType
		in    uint64
		want  uint64
	}
	st := func(f func(*Code, uint32, uint32), align uint32) func(*Code) {
		return func(c *Code) { f(c, align, 8) } // offset 8 on top of the address
	}
	cases := []access{
		{"i32.store8/load8_s", st((*Code).I32Store8, 0), st((*Code).I32Load8S, 0), I32, 0x1F0, i32(-16)},
		{"i32.store8/load8_u", st((*Code).I32Store8, 0), st((*Code).I32Load8U, 0), I32, 0x1F0, 0xF0},
		{"i32.store16/load16_s", st((*Code).I32Store16, 1), st((*Code).I32Load16S, 1), I32, 0x18001, i32(-32767)},
		{"i32.store16/load16_u", st((*Code).I32Store16, 0), st((*Code).I32Load16U, 0), I32, 0x18001, 0x8001},
		{"i32.store/load", st((*Code).I32Store, 2), st((*Code).I32Load, 2), I32, 0xDEADBEEF, 0xDEADBEEF},
		{"i64.store8/load8_s", st((*Code).I64Store8, 0), st((*Code).I64Load8S, 0), I64, 0x80, i64(-128)},
		{"i64.store8/load8_u", st((*Code).I64Store8, 0), st((*Code).I64Load8U, 0), I64, 0x80, 0x80},
		{"i64.store16/load16_s", st((*Code).I64Store16, 1), st((*Code).I64Load16S, 1), I64, 0xFFFF, i64(-1)},
		{"i64.store16/load16_u", st((*Code).I64Store16, 1), st((*Code).I64Load16U, 1), I64, 0xFFFF, 0xFFFF},
		{"i64.store32/load32_s", st((*Code).I64Store32, 2), st((*Code).I64Load32S, 2), I64, 0x1_8000_0000, i64(math.MinInt32)},
		{"i64.store32/load32_u", st((*Code).I64Store32, 2), st((*Code).I64Load32U, 2), I64, 0x1_8000_0000, 0x8000_0000},
		{"i64.store/load", st((*Code).I64Store, 3), st((*Code).I64Load, 3), I64, 0x0123_4567_89AB_CDEF, 0x0123_4567_89AB_CDEF},
		{"f32.store/load", st((*Code).F32Store, 2), st((*Code).F32Load, 2), F32, f32(-0.75), f32(-0.75)},
		{"f64.store/load", st((*Code).F64Store, 3), st((*Code).F64Load, 3), F64, f64(1e300), f64(1e300)},
	}
	for i, c := range cases {
		// roundtrip(addr, v) = store v at addr+8, load from addr+8
		f := m.AddFunc(c.name, m.AddType([]ValType{I32, c.typ}, []ValType{c.typ}))
		f.LocalGet(0)
		f.LocalGet(1)
		c.store(&f.Code)
		f.LocalGet(0)
		c.load(&f.Code)
		m.Export(fmt.Sprintf("a%d", i), ExternFunc, f.Index())
	}
	runOnBoth(t, m, nil, func(t *testing.T, mod api.Module) {
		for i, c := range cases {
			if got := call(t, mod, fmt.Sprintf("a%d", i), 1000, c.in)[0] & mask(c.typ); got != c.want&mask(c.typ) {
				t.Errorf("%s(%#x) = %#x, want %#x", c.name, c.in, got, c.want&mask(c.typ))
			}
		}
	})
}

// TestRunControl covers if/else with a result, br_table, select, return,
// globals and memory.size/grow.
func TestRunControl(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 3, "")
	counter := m.AddGlobalI64(true, 40)
	m.AddGlobalF64(false, 2.5) // global 1, exported below
	m.Export("half_five", ExternGlobal, 1)
	m.Export("counter", ExternGlobal, counter)

	// abs(x i64) i64 via if/else with a result.
	abs := m.AddFunc("abs", m.AddType([]ValType{I64}, []ValType{I64}))
	abs.LocalGet(0)
	abs.I64Const(0)
	abs.I64LtS()
	abs.If(BlockI64)
	abs.I64Const(0)
	abs.LocalGet(0)
	abs.I64Sub()
	abs.Else()
	abs.LocalGet(0)
	abs.End()

	// classify(x i32) i32: br_table over 0, 1, 2; default 99.
	cls := m.AddFunc("classify", m.AddType([]ValType{I32}, []ValType{I32}))
	cls.Block(BlockEmpty) // depth 3 from inside: default
	cls.Block(BlockEmpty) // 2
	cls.Block(BlockEmpty) // 1
	cls.Block(BlockEmpty) // 0
	cls.LocalGet(0)
	cls.BrTable([]uint32{0, 1, 2}, 3)
	cls.End()
	cls.I32Const(10)
	cls.Return()
	cls.End()
	cls.I32Const(11)
	cls.Return()
	cls.End()
	cls.I32Const(12)
	cls.Return()
	cls.End()
	cls.I32Const(99)

	// pick(a, b f64, c i32) f64 = c ? a : b
	pick := m.AddFunc("pick", m.AddType([]ValType{F64, F64, I32}, []ValType{F64}))
	pick.LocalGet(0)
	pick.LocalGet(1)
	pick.LocalGet(2)
	pick.Select()

	// bump() i64: counter += 2, return it (global.get/set).
	bump := m.AddFunc("bump", m.AddType(nil, []ValType{I64}))
	bump.GlobalGet(counter)
	bump.I64Const(2)
	bump.I64Add()
	bump.GlobalSet(counter)
	bump.GlobalGet(counter)

	// grow(n) i32 = memory.grow(n) * 100 + memory.size
	grow := m.AddFunc("grow", m.AddType([]ValType{I32}, []ValType{I32}))
	grow.LocalGet(0)
	grow.MemoryGrow()
	grow.I32Const(100)
	grow.I32Mul()
	grow.MemorySize()
	grow.I32Add()

	for _, f := range []*Func{abs, cls, pick, bump, grow} {
		m.Export(f.Name(), ExternFunc, f.Index())
	}
	runOnBoth(t, m, nil, func(t *testing.T, mod api.Module) {
		for _, x := range []int64{-5, 0, 7, math.MinInt64 + 1} {
			want := x
			if x < 0 {
				want = -x
			}
			if got := int64(call(t, mod, "abs", i64(x))[0]); got != want {
				t.Errorf("abs(%d) = %d", x, got)
			}
		}
		for x, want := range map[int32]uint64{0: 10, 1: 11, 2: 12, 3: 99, -1: 99} {
			if got := call(t, mod, "classify", i32(x))[0]; got != want {
				t.Errorf("classify(%d) = %d, want %d", x, got, want)
			}
		}
		if got := call(t, mod, "pick", f64(1.5), f64(-2), 1)[0]; got != f64(1.5) {
			t.Errorf("pick true = %v", math.Float64frombits(got))
		}
		if got := call(t, mod, "pick", f64(1.5), f64(-2), 0)[0]; got != f64(-2) {
			t.Errorf("pick false = %v", math.Float64frombits(got))
		}
		call(t, mod, "bump")
		if got := call(t, mod, "bump")[0]; got != 44 {
			t.Errorf("bump twice from 40 = %d, want 44", got)
		}
		if got := mod.ExportedGlobal("counter").Get(); got != 44 {
			t.Errorf("exported counter = %d, want 44", got)
		}
		if got := mod.ExportedGlobal("half_five").Get(); got != f64(2.5) {
			t.Errorf("exported f64 global = %#x", got)
		}
		if got := call(t, mod, "grow", 1)[0]; got != 1*100+2 {
			t.Errorf("grow(1) = %d, want 102 (old size 1, new size 2)", got)
		}
		if got := call(t, mod, "grow", 5)[0]; got != i32(-1*100+2) {
			t.Errorf("grow(5) beyond max = %d, want -98 (-1*100 + size 2)", int32(got))
		}
	})
}

// TestRunHostImport calls an imported host function and checks that a
// trap names the function from the name section.
func TestRunHostImport(t *testing.T) {
	m := NewModule()
	scale := m.ImportFunc("env", "scale", m.AddType([]ValType{I64}, []ValType{I64}))
	f := m.AddFunc("stage_project", m.AddType([]ValType{I64}, []ValType{I64}))
	f.LocalGet(0)
	f.Call(scale)
	f.I64Const(1)
	f.I64Add()
	boom := m.AddFunc("stage_boom", m.AddType(nil, nil))
	boom.Unreachable()
	m.Export("project", ExternFunc, f.Index())
	m.Export("boom", ExternFunc, boom.Index())

	setup := func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
				stack[0] = uint64(int64(stack[0]) * 10)
			}), []api.ValueType{api.ValueTypeI64}, []api.ValueType{api.ValueTypeI64}).
			Export("scale").Instantiate(ctx)
		if err != nil {
			t.Fatalf("host module: %v", err)
		}
	}
	runOnBoth(t, m, setup, func(t *testing.T, mod api.Module) {
		if got := int64(call(t, mod, "project", i64(-4))[0]); got != -39 {
			t.Errorf("project(-4) = %d, want -39", got)
		}
		_, err := mod.ExportedFunction("boom").Call(context.Background())
		if err == nil || !strings.Contains(err.Error(), "stage_boom") {
			t.Errorf("trap error %v does not name stage_boom", err)
		}
	})
}
