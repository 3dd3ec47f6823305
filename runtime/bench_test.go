package runtime

import (
	"testing"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

func emptyStage(export string) stageSpec {
	return simpleStage(export, func(f *wasm.Func, _ sdk.Layout) { f.I32Const(sdk.StatusOK) })
}

// BenchmarkRunEmpty measures the fixed cost of Run: header, watchdog and
// the wasm call.
func BenchmarkRunEmpty(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"deadline", NewConfig()},
		{"nodeadline", NewConfig().WithBatchDeadline(0)},
		{"forced", NewConfig().WithForcedTermination(true)},
	} {
		b.Run(c.name, func(b *testing.B) {
			rt := newRuntime(b, c.cfg)
			in := mustInstance(b, rt, buildModule(b, modSpec{stages: []stageSpec{emptyStage("stage_empty")}}))
			bt := in.Batch(0)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bt.Run(0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBatchCopy measures a whole batch of 1024 rows: writing two
// columns, running the copy stage, reading two columns.
func BenchmarkBatchCopy(b *testing.B) {
	rt := newRuntime(b, NewConfig())
	in := mustInstance(b, rt, buildModule(b, modSpec{capacity: 1024, pages: 16}))
	bt := in.Batch(0)
	word := []byte("Residential")
	b.ReportAllocs()
	var sink int64
	for b.Loop() {
		bt.Reset()
		for row := 0; row < 1024; row++ {
			bt.SetInt64(0, row, int64(row))
			bt.SetString(1, row, word)
		}
		if _, err := bt.Run(1024, 0); err != nil {
			b.Fatal(err)
		}
		for row := 0; row < 1024; row++ {
			sink += bt.OutInt64(0, row)
			s, _ := bt.OutString(1, row)
			sink += int64(len(s))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1024), "ns/row")
	_ = sink
}

// BenchmarkIntrinsic measures one intrinsic call from wasm (through a
// forwarder, so including one Go-to-wasm call).
func BenchmarkIntrinsic(b *testing.B) {
	rt := newRuntime(b, NewConfig())
	in := mustInstance(b, rt, buildModule(b, modSpec{imports: sdk.Intrinsics, extra: forwarders}))
	l := in.m.manifest.Stages[0].Layout
	p := l.InData()
	copy(in.mem[p:], "Hello, World")
	ctx := in.ctx
	cases := []struct {
		name string
		args []uint64
	}{
		{sdk.IntrLen, []uint64{uint64(p), 12}},
		{sdk.IntrUpper, []uint64{uint64(l.Base), uint64(p), 12}},
		{sdk.IntrFormatDouble, []uint64{uint64(l.Base), api.EncodeF64(1234.5678)}},
		{sdk.IntrParseInt, []uint64{uint64(l.Base), uint64(p), 5, 32}},
		{sdk.IntrLike, []uint64{uint64(p), 12, uint64(p), 12, api.EncodeI32(-1)}},
		{sdk.IntrCompare, []uint64{uint64(p), 12, uint64(p), 11}},
		{sdk.IntrCheckCancel, []uint64{uint64(l.Base)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			fn := in.mod.ExportedFunction("fwd_" + c.name)
			stack := make([]uint64, len(c.args))
			b.ReportAllocs()
			for b.Loop() {
				// Reset the heap so that string results always fit.
				putU32(in.mem, l.Base+sdk.HdrHeapPtr, l.Heap())
				putU32(in.mem, l.Base+sdk.HdrHeapEnd, l.Heap()+l.HeapSize)
				copy(stack, c.args)
				if err := fn.CallWithStack(ctx, stack); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func putU32(mem []byte, at uint32, v uint32) {
	mem[at], mem[at+1], mem[at+2], mem[at+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// BenchmarkHostCallInLoop measures one intrinsic call made from a wasm
// loop (check_cancel on every row), without the Go-to-wasm call around it.
func BenchmarkHostCallInLoop(b *testing.B) {
	st := stageSpec{export: "stage_calls", body: func(f *wasm.Func, l sdk.Layout, imp map[string]uint32) {
		i := f.AddLocal(wasm.I32)
		f.Block(wasm.BlockEmpty)
		f.Loop(wasm.BlockEmpty)
		f.LocalGet(i)
		f.LocalGet(0)
		f.I32GeU()
		f.BrIf(1)
		f.I32Const(int32(l.Base))
		f.Call(imp[sdk.IntrCheckCancel])
		f.Drop()
		f.LocalGet(i)
		f.I32Const(1)
		f.I32Add()
		f.LocalSet(i)
		f.Br(0)
		f.End()
		f.End()
		f.I32Const(sdk.StatusOK)
	}}
	rt := newRuntime(b, NewConfig())
	in := mustInstance(b, rt, buildModule(b, modSpec{stages: []stageSpec{st}, capacity: 1024, pages: 16}))
	bt := in.Batch(0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bt.Run(1024, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1024), "ns/call")
}
