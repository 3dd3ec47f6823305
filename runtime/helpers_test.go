package runtime

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// Test modules are built with the team's encoder, as sql2wasm builds real
// ones: a manifest, a fixed-size memory, stages over sdk.Layout regions.

const testQueryID = "CSAS_TEST_0"

// stageSpec describes one stage of a test module; body emits the code of
// the stage function (param 0 is rows) and must leave an i32 status.
type stageSpec struct {
	export  string
	inputs  []sdk.Column
	outputs []sdk.Column
	body    func(f *wasm.Func, l sdk.Layout, imp map[string]uint32)
}

type modSpec struct {
	pages    uint32          // memory pages (default 4)
	memMin   uint32          // override of the memory minimum (0: pages)
	memMax   uint32          // override of the memory maximum (0: pages)
	capacity uint32          // batch capacity (default 64)
	stages   []stageSpec     // default: one copy stage
	imports  []sdk.Intrinsic // intrinsics to import (default none)
	rawImps  []rawImport     // other imports
	extra    func(m *wasm.Module, imp map[string]uint32)
	manifest func(m *sdk.Manifest) // changes to the manifest
	noMan    bool                  // leave the manifest out
	memName  string                // memory export name (default sdk.MemoryExport)
}

type rawImport struct {
	module, name    string
	params, results []wasm.ValType
}

func valTypes(ts []sdk.ValType) []wasm.ValType {
	out := make([]wasm.ValType, len(ts))
	for i, t := range ts {
		out[i] = wasm.ValType(t)
	}
	return out
}

var (
	colA  = sdk.Column{Name: "A", Type: sdk.TypeBigInt}
	colS  = sdk.Column{Name: "S", Type: sdk.TypeString}
	colA1 = sdk.Column{Name: "A1", Type: sdk.TypeBigInt}
	colS1 = sdk.Column{Name: "S1", Type: sdk.TypeString}
)

// layoutsFor places the stages one after the other from address 1024.
func layoutsFor(spec *modSpec) []sdk.Layout {
	base := uint32(1024)
	out := make([]sdk.Layout, len(spec.stages))
	for i, st := range spec.stages {
		l := sdk.Layout{
			Base: base, Capacity: spec.capacity,
			Inputs: uint32(len(st.inputs)), Outputs: uint32(len(st.outputs)),
			InDataSize: 4096, HeapSize: 4096,
		}
		out[i] = l
		base = l.End()
	}
	return out
}

// buildModule encodes a test module; it fails the test on encoder errors.
func buildModule(t testing.TB, spec modSpec) []byte {
	t.Helper()
	bin, err := encodeModule(spec)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func encodeModule(spec modSpec) ([]byte, error) {
	if spec.pages == 0 {
		spec.pages = 4
	}
	if spec.capacity == 0 {
		spec.capacity = 64
	}
	if spec.stages == nil {
		spec.stages = []stageSpec{copyStage("stage_copy")}
	}
	if spec.memName == "" {
		spec.memName = sdk.MemoryExport
	}
	m := wasm.NewModule()
	imp := map[string]uint32{}
	imports := spec.imports
	if !slices.ContainsFunc(imports, func(in sdk.Intrinsic) bool { return in.Name == sdk.IntrCheckCancel }) {
		cc, _ := sdk.LookupIntrinsic(sdk.IntrCheckCancel)
		imports = append(slices.Clip(imports), cc) // every stage loop calls it
	}
	for _, in := range imports {
		imp[in.Name] = m.ImportFunc(sdk.IntrinsicsModule, in.Name, m.AddType(valTypes(in.Params), valTypes(in.Results)))
	}
	for _, ri := range spec.rawImps {
		imp[ri.module+"."+ri.name] = m.ImportFunc(ri.module, ri.name, m.AddType(ri.params, ri.results))
	}
	memMin, memMax := spec.pages, spec.pages
	if spec.memMin != 0 {
		memMin = spec.memMin
	}
	if spec.memMax != 0 {
		memMax = spec.memMax
	}
	m.SetMemory(memMin, memMax, spec.memName)
	stageT := m.AddType([]wasm.ValType{wasm.I32}, []wasm.ValType{wasm.I32})
	layouts := layoutsFor(&spec)
	man := &sdk.Manifest{
		ABIVersion: sdk.ABIVersion, Compiler: "runtime-test", QueryID: testQueryID, Kind: "CSAS",
		SQL:         "CREATE STREAM OUT AS SELECT * FROM IN;",
		Sources:     []sdk.Source{{Name: "IN", Kind: sdk.Stream, Topic: "in", Columns: []sdk.Column{colA, colS}, KeyFormat: sdk.FormatKafka, ValueFormat: sdk.FormatJSON}},
		Sink:        sdk.Source{Name: "OUT", Kind: sdk.Stream, Topic: "OUT", Columns: []sdk.Column{colA1, colS1}, KeyFormat: sdk.FormatKafka, ValueFormat: sdk.FormatJSON},
		Pipeline:    sdk.Pipeline{Inputs: []sdk.InputStep{{Source: 0, Stage: 0}}, Final: -1},
		MemoryPages: spec.pages,
	}
	for i, st := range spec.stages {
		f := m.AddFunc(st.export, stageT)
		st.body(f, layouts[i], imp)
		m.Export(st.export, wasm.ExternFunc, f.Index())
		man.Stages = append(man.Stages, sdk.Stage{Export: st.export, Inputs: st.inputs, Outputs: st.outputs, Layout: layouts[i]})
	}
	if spec.extra != nil {
		spec.extra(m, imp)
	}
	if spec.manifest != nil {
		spec.manifest(man)
	}
	if !spec.noMan {
		payload, err := man.Marshal()
		if err != nil {
			return nil, err
		}
		m.AddCustomSection(sdk.ManifestSection, payload)
	}
	bin, err := m.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode test module: %w", err)
	}
	return bin, nil
}

// rowLoop emits "for i := 0; i < rows; i++ { body(i) }; status 0", checking
// the cancel flag every sdk.CancelCheckRows rows as generated code does.
func rowLoop(f *wasm.Func, l sdk.Layout, imp map[string]uint32, body func(i uint32)) {
	i := f.AddLocal(wasm.I32)
	f.Block(wasm.BlockEmpty)
	f.Loop(wasm.BlockEmpty)
	f.LocalGet(i)
	f.LocalGet(0)
	f.I32GeU()
	f.BrIf(1)
	cancelCheck(f, l, imp, i)
	body(i)
	f.LocalGet(i)
	f.I32Const(1)
	f.I32Add()
	f.LocalSet(i)
	f.Br(0)
	f.End()
	f.End()
	f.I32Const(sdk.StatusOK)
}

// cancelCheck emits: if i % CancelCheckRows == 0 && check_cancel(base) {
// status row = i; return StatusCancelled }, as generated code does.
func cancelCheck(f *wasm.Func, l sdk.Layout, imp map[string]uint32, i uint32) {
	f.LocalGet(i)
	f.I32Const(sdk.CancelCheckRows - 1)
	f.I32And()
	f.I32Eqz()
	f.If(wasm.BlockEmpty)
	f.I32Const(int32(l.Base))
	f.Call(imp[sdk.IntrCheckCancel])
	f.If(wasm.BlockEmpty)
	f.I32Const(0)
	f.LocalGet(i)
	f.I32Store(2, l.Base+sdk.HdrStatusRow)
	f.I32Const(sdk.StatusCancelled)
	f.Return()
	f.End()
	f.End()
}

// copyStage: A1 = A + 1, S1 = S, every row emitted.
func copyStage(export string) stageSpec {
	return stageSpec{
		export: export, inputs: []sdk.Column{colA, colS}, outputs: []sdk.Column{colA1, colS1},
		body: func(f *wasm.Func, l sdk.Layout, imp map[string]uint32) {
			i8 := f.AddLocal(wasm.I32)
			rowLoop(f, l, imp, func(i uint32) {
				f.LocalGet(i)
				f.I32Const(3)
				f.I32Shl()
				f.LocalSet(i8)
				for c := 0; c < 2; c++ { // validity
					f.LocalGet(i)
					f.LocalGet(i)
					f.I32Load8U(0, l.InValid(c))
					f.I32Store8(0, l.OutValid(c))
				}
				f.LocalGet(i8)
				f.LocalGet(i8)
				f.I64Load(3, l.InValues(0))
				f.I64Const(1)
				f.I64Add()
				f.I64Store(3, l.OutValues(0))
				f.LocalGet(i8)
				f.LocalGet(i8)
				f.I64Load(3, l.InValues(1))
				f.I64Store(3, l.OutValues(1))
				f.LocalGet(i)
				f.I32Const(sdk.SelEmit)
				f.I32Store8(0, l.Sel())
			})
		},
	}
}

// upperStage: S1 = str_upper(S), stopping with StatusHeapFull when the
// intrinsic returns -1.
func upperStage(export string) stageSpec {
	return stageSpec{
		export: export, inputs: []sdk.Column{colS}, outputs: []sdk.Column{colS1},
		body: func(f *wasm.Func, l sdk.Layout, imp map[string]uint32) {
			i8 := f.AddLocal(wasm.I32)
			slot := f.AddLocal(wasm.I64)
			r := f.AddLocal(wasm.I64)
			rowLoop(f, l, imp, func(i uint32) {
				f.LocalGet(i)
				f.I32Const(3)
				f.I32Shl()
				f.LocalSet(i8)
				f.LocalGet(i)
				f.LocalGet(i)
				f.I32Load8U(0, l.InValid(0))
				f.I32Store8(0, l.OutValid(0))
				f.LocalGet(i8)
				f.I64Load(3, l.InValues(0))
				f.LocalSet(slot)
				f.I32Const(int32(l.Base))
				f.LocalGet(slot)
				f.I32WrapI64()
				f.LocalGet(slot)
				f.I64Const(32)
				f.I64ShrU()
				f.I32WrapI64()
				f.Call(imp[sdk.IntrUpper])
				f.LocalTee(r)
				f.I64Const(-1)
				f.I64Eq()
				f.If(wasm.BlockEmpty)
				f.I32Const(0)
				f.LocalGet(i)
				f.I32Store(2, l.Base+sdk.HdrStatusRow)
				f.I32Const(sdk.StatusHeapFull)
				f.Return()
				f.End()
				f.LocalGet(i8)
				f.LocalGet(r)
				f.I64Store(3, l.OutValues(0))
				f.LocalGet(i)
				f.I32Const(sdk.SelEmit)
				f.I32Store8(0, l.Sel())
			})
		},
	}
}

// simpleStage is a stage with no columns whose body is given directly.
func simpleStage(export string, body func(f *wasm.Func, l sdk.Layout)) stageSpec {
	return stageSpec{export: export, body: func(f *wasm.Func, l sdk.Layout, _ map[string]uint32) { body(f, l) }}
}

// engines runs a test on the compiler and the interpreter.
var engines = []struct {
	name        string
	interpreter bool
}{{"compiler", false}, {"interpreter", true}}

func newRuntime(t testing.TB, cfg Config) *Runtime {
	t.Helper()
	ctx := context.Background()
	rt, err := New(ctx, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close(ctx) })
	return rt
}

func mustInstance(t testing.TB, rt *Runtime, bin []byte) *Instance {
	t.Helper()
	ctx := context.Background()
	m, err := rt.Load(ctx, bin)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	in, err := m.Instantiate(ctx)
	if err != nil {
		t.Fatalf("Instantiate: %v", err)
	}
	t.Cleanup(func() { _ = in.Close(ctx) })
	return in
}
