package codegen

import (
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// Version is the version of the code generator; it changes whenever the code
// it emits for the same plan changes.
const Version = "0.1.0"

// Compiler is the value of sdk.Manifest.Compiler in every module.
const Compiler = "sql2wasm " + Version

// constBase is the address of the constant area. Addresses below it stay
// zero, so a string slot with address 0 is never a real constant.
const constBase = 8

// maxDepth bounds the nesting of expressions, so a hostile plan cannot
// exhaust the Go stack.
const maxDepth = 400

// ErrInvalidPlan is wrapped by every error Generate returns for a plan that
// breaks the contract of package plan (a bug in the analyzer, not in the
// user's SQL).
var ErrInvalidPlan = errors.New("invalid plan")

// Option changes how Generate lays out a module.
type Option func(*options)

type options struct {
	capacity uint32
}

// WithBatchCapacity sets the number of rows of every stage's batch (default
// sdk.DefaultBatchCapacity); the manifest carries it, so the host follows.
// Benchmarks use larger batches.
func WithBatchCapacity(rows uint32) Option { return func(o *options) { o.capacity = rows } }

// Generate compiles a planned query into a WebAssembly module and returns the
// module's bytes and its manifest (which is also embedded in the module).
// The same plan and options always yield the same bytes.
func Generate(q *plan.Query, opts ...Option) ([]byte, *sdk.Manifest, error) {
	if q == nil {
		return nil, nil, fmt.Errorf("codegen: %w: no query", ErrInvalidPlan)
	}
	o := options{capacity: sdk.DefaultBatchCapacity}
	for _, opt := range opts {
		opt(&o)
	}
	if o.capacity == 0 || o.capacity > 1<<16 {
		return nil, nil, fmt.Errorf("codegen: batch capacity %d out of range 1..65536", o.capacity)
	}
	if err := checkQuery(q); err != nil {
		return nil, nil, fmt.Errorf("codegen: query %s: %w", q.ID, err)
	}
	// Pass 1 finds which intrinsics, helpers and constants the code uses;
	// pass 2 emits the final module with exactly those. Two passes are
	// simpler than patching function indices and addresses afterwards, and
	// generation is cheap.
	first := newGen(q, nil, o)
	if err := first.build(); err != nil {
		return nil, nil, fmt.Errorf("codegen: query %s: %w", q.ID, err)
	}
	g := newGen(q, first, o)
	if err := g.build(); err != nil {
		return nil, nil, fmt.Errorf("codegen: query %s: %w", q.ID, err)
	}
	bin, err := g.encode()
	if err != nil {
		return nil, nil, fmt.Errorf("codegen: query %s: %w", q.ID, err)
	}
	return bin, g.manifest, nil
}

// helper identifies a private function the generated code may call.
type helper int

const (
	helperStrEq helper = iota
	helperFmod
	helperRoundTo
	helperStrContains
	numHelpers
)

var helperNames = [numHelpers]string{"str_eq", "fmod", "round_to", "str_contains"}

// gen holds the state of one generation pass.
type gen struct {
	q    *plan.Query
	prev *gen // the first pass, whose usage this pass emits; nil in pass 1
	opts options
	m    *wasm.Module

	// intrinsic index in sdk.Intrinsics -> function index; -1 when unused.
	intrFunc [32]int64
	usedIntr [32]bool
	helpFunc [numHelpers]uint32
	usedHelp [numHelpers]bool

	consts     []byte
	constAddrs map[string]uint32
	pow10Addr  uint32 // address of the f64 table 10^0..10^22, 0 if absent

	layouts  []sdk.Layout
	scratch  []uint32 // per stage: address of its list of passing rows
	manifest *sdk.Manifest
}

func newGen(q *plan.Query, prev *gen, o options) *gen {
	g := &gen{q: q, prev: prev, opts: o, m: wasm.NewModule(), constAddrs: map[string]uint32{}}
	for i := range g.intrFunc {
		g.intrFunc[i] = -1
	}
	return g
}

// build declares everything and emits the stage functions.
func (g *gen) build() error {
	// Function index space: imports, helpers, stages.
	n := uint32(0)
	for i, in := range sdk.Intrinsics {
		if g.prev != nil && !g.prev.usedIntr[i] {
			continue
		}
		params := make([]wasm.ValType, len(in.Params))
		for j, p := range in.Params {
			params[j] = wasm.ValType(p)
		}
		results := make([]wasm.ValType, len(in.Results))
		for j, r := range in.Results {
			results[j] = wasm.ValType(r)
		}
		g.intrFunc[i] = int64(g.m.ImportFunc(sdk.IntrinsicsModule, in.Name, g.m.AddType(params, results)))
		n++
	}
	for h := helper(0); h < numHelpers; h++ {
		if g.prev == nil || g.prev.usedHelp[h] {
			g.helpFunc[h] = n
			n++
		}
	}

	// Constants: pass 2 starts from pass 1's pool so that the area has its
	// final size before any address is handed out.
	if g.prev != nil {
		g.consts = append(g.consts, g.prev.consts...)
		for k, v := range g.prev.constAddrs {
			g.constAddrs[k] = v
		}
		g.pow10Addr = g.prev.pow10Addr
	}
	// After the constants, the lists of passing rows of two-pass stages
	// (4 bytes a row), then the stage regions.
	base := alignUp(constBase+uint32(len(g.consts)), 8)
	if g.prev == nil {
		base = 1 << 20 // a placeholder: pass 1's addresses are thrown away
	}
	g.scratch = make([]uint32, len(g.q.Stages))
	for i, st := range g.q.Stages {
		if twoPass(st) {
			g.scratch[i] = base
			base += g.opts.capacity * 4
		}
	}
	base = alignUp(base, 64)
	for _, st := range g.q.Stages {
		l := sdk.Layout{
			Base:       base,
			Capacity:   g.opts.capacity,
			Inputs:     uint32(len(st.Inputs)),
			Outputs:    uint32(len(st.Outputs)),
			InDataSize: sdk.DefaultInDataSize,
			HeapSize:   sdk.DefaultHeapSize,
		}
		g.layouts = append(g.layouts, l)
		base = l.End()
	}
	pages := sdk.Pages(base)
	if pages > wasm.MaxPages {
		return fmt.Errorf("memory for %d stages needs %d pages, more than the %d a module can have", len(g.q.Stages), pages, wasm.MaxPages)
	}

	helperFuncs := make(map[helper]*wasm.Func)
	for h := helper(0); h < numHelpers; h++ {
		if g.prev == nil || g.prev.usedHelp[h] {
			helperFuncs[h] = g.declareHelper(h)
		}
	}
	stageType := g.m.AddType([]wasm.ValType{wasm.I32}, []wasm.ValType{wasm.I32})
	for i, st := range g.q.Stages {
		f := g.m.AddFunc(st.Export, stageType)
		if err := g.emitStage(f, st, g.layouts[i], g.scratch[i]); err != nil {
			return fmt.Errorf("stage %q: %w", st.Export, err)
		}
		g.m.Export(st.Export, wasm.ExternFunc, f.Index())
	}
	for h := helper(0); h < numHelpers; h++ {
		// Pass 1 declares every helper (their indices must be known
		// before the stages are emitted) but needs the bodies of the used
		// ones only.
		if f := helperFuncs[h]; f != nil && g.usedHelp[h] {
			g.emitHelper(h, f)
		}
	}
	g.m.SetMemory(pages, pages, sdk.MemoryExport)
	if len(g.consts) > 0 {
		g.m.AddData(constBase, g.consts)
	}

	g.manifest = &sdk.Manifest{
		ABIVersion:  sdk.ABIVersion,
		Compiler:    Compiler,
		QueryID:     g.q.ID,
		Kind:        g.q.Kind,
		SQL:         g.q.SQL,
		Sources:     g.q.Sources,
		Sink:        g.q.Sink,
		Pipeline:    g.q.Pipeline,
		MemoryPages: pages,
	}
	for i, st := range g.q.Stages {
		ms := sdk.Stage{Export: st.Export, Inputs: st.Inputs, Layout: g.layouts[i]}
		for _, o := range st.Outputs {
			ms.Outputs = append(ms.Outputs, plan.ColumnOf(o.Name, o.Expr, o.Key))
		}
		g.manifest.Stages = append(g.manifest.Stages, ms)
	}
	if err := g.manifest.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPlan, err)
	}
	return nil
}

// declareHelper adds the function of helper h (its body comes after the
// stages) and returns it.
func (g *gen) declareHelper(h helper) *wasm.Func {
	var t uint32
	switch h {
	case helperStrEq:
		t = g.m.AddType([]wasm.ValType{wasm.I32, wasm.I32, wasm.I32}, []wasm.ValType{wasm.I32})
	case helperFmod:
		t = g.m.AddType([]wasm.ValType{wasm.F64, wasm.F64}, []wasm.ValType{wasm.F64})
	case helperRoundTo:
		t = g.m.AddType([]wasm.ValType{wasm.F64, wasm.I32}, []wasm.ValType{wasm.F64})
	case helperStrContains:
		t = g.m.AddType([]wasm.ValType{wasm.I32, wasm.I32, wasm.I32, wasm.I32}, []wasm.ValType{wasm.I32})
	}
	return g.m.AddFunc(helperNames[h], t)
}

// encode produces the final bytes: the module, its manifest section and its
// positions section.
func (g *gen) encode() ([]byte, error) {
	mf, err := g.manifest.Marshal()
	if err != nil {
		return nil, err
	}
	g.m.AddCustomSection(sdk.ManifestSection, mf)
	bin, pos, err := g.m.EncodeWithPositions()
	if err != nil {
		return nil, fmt.Errorf("encode module: %w", err)
	}
	if len(pos) > 0 {
		bin = wasm.AppendCustomSection(bin, sdk.PositionsSection, encodePositions(pos))
	}
	return bin, nil
}

// encodePositions writes the positions section (see the package doc). The
// encoder reports entries grouped by function in index order, sorted by
// offset; tags are token.Pos values (offset+1), written as 0-based offsets.
func encodePositions(pos []wasm.PosEntry) []byte {
	var out []byte
	for i := 0; i < len(pos); {
		j := i
		for j < len(pos) && pos[j].FuncIndex == pos[i].FuncIndex {
			j++
		}
		out = wasm.AppendULEB128(out, uint64(pos[i].FuncIndex))
		out = wasm.AppendULEB128(out, uint64(j-i))
		for _, p := range pos[i:j] {
			out = wasm.AppendULEB128(out, uint64(p.CodeOffset))
			out = wasm.AppendULEB128(out, uint64(p.Tag-1))
		}
		i = j
	}
	return out
}

// intrinsic returns the function index of the named intrinsic and records
// its use.
func (g *gen) intrinsic(name string) uint32 {
	for i, in := range sdk.Intrinsics {
		if in.Name == name {
			g.usedIntr[i] = true
			if g.intrFunc[i] < 0 {
				// Cannot happen: pass 2 imports everything pass 1 used
				// and both passes emit the same code.
				return 0
			}
			return uint32(g.intrFunc[i])
		}
	}
	return 0
}

// helper returns the function index of helper h and records its use.
func (g *gen) helper(h helper) uint32 {
	g.usedHelp[h] = true
	if h == helperRoundTo {
		g.pow10Table() // allocated while the constant area can still grow
	}
	return g.helpFunc[h]
}

// constString returns the address of s in the constant area, adding it on
// first use.
func (g *gen) constString(s string) uint32 {
	if a, ok := g.constAddrs[s]; ok {
		return a
	}
	a := constBase + uint32(len(g.consts))
	g.consts = append(g.consts, s...)
	g.constAddrs[s] = a
	return a
}

// pow10Table returns the address of the f64 table of 10^0 .. 10^22 (exact
// doubles), adding it on first use.
func (g *gen) pow10Table() uint32 {
	if g.pow10Addr != 0 {
		return g.pow10Addr
	}
	for len(g.consts)%8 != 0 {
		g.consts = append(g.consts, 0)
	}
	g.pow10Addr = constBase + uint32(len(g.consts))
	p := 1.0
	for i := 0; i <= 22; i++ {
		g.consts = appendF64(g.consts, p)
		p *= 10
	}
	return g.pow10Addr
}

func alignUp(n, a uint32) uint32 { return (n + a - 1) / a * a }
