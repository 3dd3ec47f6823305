package codegen

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
)

// This file is a small stand-in for the runtime package: it instantiates a
// generated module on wazero's interpreter and compiler, with a test
// implementation of the intrinsics, writes a batch into a stage's region,
// calls the stage and reads the results back.

type engine struct {
	name string
	rt   wazero.Runtime
}

var (
	enginesOnce sync.Once
	enginesList []engine
	enginesErr  error
)

// engines returns the two wazero engines, each with the intrinsics module.
func engines(t testing.TB) []engine {
	t.Helper()
	enginesOnce.Do(func() {
		ctx := context.Background()
		for _, e := range []struct {
			name string
			cfg  wazero.RuntimeConfig
		}{
			{"interpreter", wazero.NewRuntimeConfigInterpreter()},
			{"compiler", wazero.NewRuntimeConfigCompiler()},
		} {
			rt := wazero.NewRuntimeWithConfig(ctx, e.cfg)
			if err := instantiateIntrinsics(ctx, rt); err != nil {
				enginesErr = err
				return
			}
			enginesList = append(enginesList, engine{e.name, rt})
		}
	})
	if enginesErr != nil {
		t.Fatalf("intrinsics: %v", enginesErr)
	}
	return enginesList
}

// instance is one instantiated module.
type instance struct {
	mod api.Module
	mem api.Memory
	m   *sdk.Manifest
}

func instantiate(t testing.TB, e engine, bin []byte, m *sdk.Manifest) *instance {
	t.Helper()
	ctx := context.Background()
	cm, err := e.rt.CompileModule(ctx, bin)
	if err != nil {
		t.Fatalf("%s: compile: %v", e.name, err)
	}
	mod, err := e.rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatalf("%s: instantiate: %v", e.name, err)
	}
	t.Cleanup(func() { mod.Close(ctx) })
	mem := mod.ExportedMemory(sdk.MemoryExport)
	if mem == nil {
		t.Fatalf("%s: no exported memory", e.name)
	}
	if got, want := mem.Size(), m.MemoryPages*sdk.PageSize; got != want {
		t.Fatalf("%s: memory is %d bytes, manifest says %d", e.name, got, want)
	}
	return &instance{mod: mod, mem: mem, m: m}
}

// rowResult is what a stage produced for one row.
type rowResult struct {
	sel byte
	out []sdk.Value
}

// batchOpts tweaks a batch run.
type batchOpts struct {
	heapSize int  // if > 0, HdrHeapEnd = heap start + heapSize
	cancel   bool // set the cancel flag before the call
}

// run writes rows into stage si's inputs, calls it and returns the status,
// the status row and the per-row results.
func (in *instance) run(t testing.TB, si int, rows [][]sdk.Value, o batchOpts) (status, statusRow uint32, res []rowResult) {
	t.Helper()
	st := in.m.Stages[si]
	l := st.Layout
	mem := in.mem
	w32 := func(addr, v uint32) {
		if !mem.WriteUint32Le(addr, v) {
			t.Fatalf("write %d out of range", addr)
		}
	}
	heapEnd := l.Heap() + l.HeapSize
	if o.heapSize > 0 {
		heapEnd = l.Heap() + uint32(o.heapSize)
	}
	w32(l.Base+sdk.HdrRows, uint32(len(rows)))
	w32(l.Base+sdk.HdrCancel, 0)
	if o.cancel {
		w32(l.Base+sdk.HdrCancel, 1)
	}
	w32(l.Base+sdk.HdrHeapPtr, l.Heap())
	w32(l.Base+sdk.HdrHeapEnd, heapEnd)
	w32(l.Base+sdk.HdrStatusRow, 0xFFFFFFFF)
	w32(l.Base+sdk.HdrIntrinsicError, 0)
	data := l.InData()
	for r, row := range rows {
		if len(row) != len(st.Inputs) {
			t.Fatalf("row %d has %d values, stage has %d inputs", r, len(row), len(st.Inputs))
		}
		for i, v := range row {
			valid := byte(1)
			var slot uint64
			if v.Null {
				valid = 0
				slot = 0xDEADBEEFDEADBEEF // garbage the stage must not use
			} else {
				switch st.Inputs[i].Type {
				case sdk.TypeDouble:
					slot = math.Float64bits(v.F)
				case sdk.TypeString, sdk.TypeBytes, sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
					if !mem.Write(data, []byte(v.S)) {
						t.Fatalf("in-data full")
					}
					slot = uint64(data) | uint64(len(v.S))<<32
					data += uint32(len(v.S))
				default:
					slot = uint64(v.I)
				}
			}
			mem.WriteByte(l.InValid(i)+uint32(r), valid)
			mem.WriteUint64Le(l.InValues(i)+uint32(r)*8, slot)
		}
	}
	// Poison the outputs so that a value the stage forgot to write shows.
	for r := range rows {
		mem.WriteByte(l.Sel()+uint32(r), 0xEE)
		for j := range st.Outputs {
			mem.WriteByte(l.OutValid(j)+uint32(r), 0xEE)
		}
	}
	fn := in.mod.ExportedFunction(st.Export)
	if fn == nil {
		t.Fatalf("no export %q", st.Export)
	}
	ret, err := fn.Call(context.Background(), uint64(len(rows)))
	if err != nil {
		t.Fatalf("call %s: %v", st.Export, err)
	}
	status = uint32(ret[0])
	statusRow, _ = mem.ReadUint32Le(l.Base + sdk.HdrStatusRow)
	if flag, _ := mem.ReadUint32Le(l.Base + sdk.HdrIntrinsicError); flag != 0 {
		t.Errorf("intrinsic error flag left set")
	}
	n := len(rows)
	if status != sdk.StatusOK {
		n = int(statusRow)
		if n > len(rows) {
			t.Fatalf("status %d at row %d of %d", status, statusRow, len(rows))
		}
	}
	for r := 0; r < n; r++ {
		sel, _ := mem.ReadByte(l.Sel() + uint32(r))
		rr := rowResult{sel: sel}
		if sel == sdk.SelEmit {
			for j, c := range st.Outputs {
				valid, _ := mem.ReadByte(l.OutValid(j) + uint32(r))
				slot, _ := mem.ReadUint64Le(l.OutValues(j) + uint32(r)*8)
				rr.out = append(rr.out, decodeSlot(t, mem, c.Type, valid, slot))
			}
		}
		res = append(res, rr)
	}
	return status, statusRow, res
}

func decodeSlot(t testing.TB, mem api.Memory, typ sdk.Type, valid byte, slot uint64) sdk.Value {
	switch valid {
	case 0:
		return sdk.Null(typ)
	case 1:
	default:
		t.Fatalf("validity byte %#x", valid)
	}
	switch typ {
	case sdk.TypeBoolean:
		if slot > 1 {
			t.Fatalf("boolean slot %d", slot)
		}
		return sdk.Bool(slot == 1)
	case sdk.TypeInt:
		if int64(slot) != int64(int32(slot)) {
			t.Fatalf("INT slot %#x not sign-extended", slot)
		}
		return sdk.Int(int32(slot))
	case sdk.TypeBigInt:
		return sdk.BigInt(int64(slot))
	case sdk.TypeDouble:
		return sdk.Double(math.Float64frombits(slot))
	case sdk.TypeString, sdk.TypeBytes, sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
		b, ok := mem.Read(uint32(slot), uint32(slot>>32))
		if !ok {
			t.Fatalf("string slot %#x out of memory", slot)
		}
		return sdk.Value{Type: typ, S: string(b)}
	}
	if typ.IsDecimal() {
		return sdk.Decimal(typ, int64(slot))
	}
	t.Fatalf("type %v", typ)
	return sdk.Value{}
}

// The intrinsics, implemented for tests from their documentation in
// sdk.Intrinsics.

func instantiateIntrinsics(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(sdk.IntrinsicsModule)
	for _, in := range sdk.Intrinsics {
		impl, ok := testIntrinsics[in.Name]
		if !ok {
			return fmt.Errorf("no test implementation of %s", in.Name)
		}
		params := make([]api.ValueType, len(in.Params))
		for i, p := range in.Params {
			params[i] = api.ValueType(p)
		}
		results := make([]api.ValueType, len(in.Results))
		for i, r := range in.Results {
			results[i] = api.ValueType(r)
		}
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(impl), params, results).Export(in.Name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

func readStr(m api.Module, ptr, n uint64) string {
	b, ok := m.Memory().Read(uint32(ptr), uint32(n))
	if !ok {
		panic(fmt.Sprintf("intrinsic: string %d+%d out of memory", ptr, n))
	}
	return string(b)
}

// heapStr writes s into the heap of the stage whose region starts at base
// and returns its slot value, or -1 if the heap is full.
func heapStr(m api.Module, base uint32, s string) uint64 {
	mem := m.Memory()
	hp, _ := mem.ReadUint32Le(base + sdk.HdrHeapPtr)
	end, _ := mem.ReadUint32Le(base + sdk.HdrHeapEnd)
	if uint64(hp)+uint64(len(s)) > uint64(end) {
		return math.MaxUint64 // -1
	}
	mem.Write(hp, []byte(s))
	mem.WriteUint32Le(base+sdk.HdrHeapPtr, hp+uint32(len(s)))
	return uint64(hp) | uint64(len(s))<<32
}

func setErr(m api.Module, base uint32) { m.Memory().WriteUint32Le(base+sdk.HdrIntrinsicError, 1) }

func javaTrimmable(r rune) bool { return r <= ' ' }

// slice returns the slot value of s[i:j] where s starts at ptr.
func slice(ptr uint64, i, j int) uint64 { return (ptr + uint64(i)) | uint64(j-i)<<32 }

// cancelMarker makes the test str_upper set the cancel flag.
const cancelMarker = "\x00cancel"

type goFn = func(ctx context.Context, m api.Module, stack []uint64)

var testIntrinsics = map[string]goFn{
	sdk.IntrCheckCancel: func(_ context.Context, m api.Module, s []uint64) {
		v, _ := m.Memory().ReadUint32Le(uint32(s[0]) + sdk.HdrCancel)
		s[0] = uint64(v)
	},
	sdk.IntrUpper: func(_ context.Context, m api.Module, s []uint64) {
		str := readStr(m, s[1], s[2])
		if str == cancelMarker {
			// A test hook: what the host's deadline timer does.
			m.Memory().WriteUint32Le(uint32(s[0])+sdk.HdrCancel, 1)
		}
		s[0] = heapStr(m, uint32(s[0]), strings.ToUpper(str))
	},
	sdk.IntrLower: func(_ context.Context, m api.Module, s []uint64) {
		s[0] = heapStr(m, uint32(s[0]), strings.ToLower(readStr(m, s[1], s[2])))
	},
	sdk.IntrTrim: func(_ context.Context, m api.Module, s []uint64) {
		str := readStr(m, s[1], s[2])
		t := strings.TrimLeftFunc(str, javaTrimmable)
		i := len(str) - len(t)
		t = strings.TrimRightFunc(t, javaTrimmable)
		s[0] = slice(uint64(uint32(s[1])), i, i+len(t))
	},
	sdk.IntrLTrim: func(_ context.Context, m api.Module, s []uint64) {
		str := readStr(m, s[1], s[2])
		t := strings.TrimLeftFunc(str, javaTrimmable)
		s[0] = slice(uint64(uint32(s[1])), len(str)-len(t), len(str))
	},
	sdk.IntrRTrim: func(_ context.Context, m api.Module, s []uint64) {
		str := readStr(m, s[1], s[2])
		t := strings.TrimRightFunc(str, javaTrimmable)
		s[0] = slice(uint64(uint32(s[1])), 0, len(t))
	},
	sdk.IntrLen: func(_ context.Context, m api.Module, s []uint64) {
		s[0] = uint64(len(utf16.Encode([]rune(readStr(m, s[0], s[1])))))
	},
	sdk.IntrSubstring: func(_ context.Context, m api.Module, s []uint64) {
		r := []rune(readStr(m, s[1], s[2]))
		pos, cnt := int(int32(s[3])), int(int32(s[4]))
		n := len(r)
		var start int
		if pos < 0 {
			start = max(n+pos, 0)
		} else {
			start = max(min(pos-1, n), 0)
		}
		end := n
		if cnt >= 0 {
			end = max(min(int(int32(start+cnt)), n), start) // Java int overflow
		}
		s[0] = heapStr(m, uint32(s[0]), string(r[start:end]))
	},
	sdk.IntrReplace: func(_ context.Context, m api.Module, s []uint64) {
		s[0] = heapStr(m, uint32(s[0]), strings.ReplaceAll(readStr(m, s[1], s[2]), readStr(m, s[3], s[4]), readStr(m, s[5], s[6])))
	},
	sdk.IntrCompare: func(_ context.Context, m api.Module, s []uint64) {
		a := utf16.Encode([]rune(readStr(m, s[0], s[1])))
		b := utf16.Encode([]rune(readStr(m, s[2], s[3])))
		s[0] = uint64(uint32(int32(compareU16(a, b))))
	},
	sdk.IntrLike: func(_ context.Context, m api.Module, s []uint64) {
		if likeMatch(readStr(m, s[0], s[1]), readStr(m, s[2], s[3]), int32(s[4])) {
			s[0] = 1
		} else {
			s[0] = 0
		}
	},
	sdk.IntrFormatInt: func(_ context.Context, m api.Module, s []uint64) {
		s[0] = heapStr(m, uint32(s[0]), strconv.FormatInt(int64(s[1]), 10))
	},
	sdk.IntrFormatDouble: func(_ context.Context, m api.Module, s []uint64) {
		s[0] = heapStr(m, uint32(s[0]), javaDouble(math.Float64frombits(s[1])))
	},
	sdk.IntrParseInt: func(_ context.Context, m api.Module, s []uint64) {
		v, err := strconv.ParseInt(strings.TrimFunc(readStr(m, s[1], s[2]), javaTrimmable), 10, int(uint32(s[3])))
		if err != nil {
			setErr(m, uint32(s[0]))
			v = 0
		}
		s[0] = uint64(v)
	},
	sdk.IntrParseDouble: func(_ context.Context, m api.Module, s []uint64) {
		v, err := strconv.ParseFloat(strings.TrimFunc(readStr(m, s[1], s[2]), javaTrimmable), 64)
		if err != nil {
			setErr(m, uint32(s[0]))
			v = 0
		}
		s[0] = math.Float64bits(v)
	},
	sdk.IntrParseBool: func(_ context.Context, m api.Module, s []uint64) {
		switch strings.ToLower(readStr(m, s[0], s[1])) {
		case "true", "t", "yes", "y":
			s[0] = 1
		default:
			s[0] = 0
		}
	},
}

func compareU16(a, b []uint16) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// likeMatch is SQL LIKE with % and _ over code points.
func likeMatch(s, pat string, esc int32) bool {
	type tok struct {
		r    rune
		kind byte // 'l' literal, '%', '_'
	}
	var toks []tok
	pr := []rune(pat)
	for i := 0; i < len(pr); i++ {
		switch {
		case esc >= 0 && pr[i] == rune(esc) && i+1 < len(pr):
			i++
			toks = append(toks, tok{pr[i], 'l'})
		case pr[i] == '%':
			toks = append(toks, tok{kind: '%'})
		case pr[i] == '_':
			toks = append(toks, tok{kind: '_'})
		default:
			toks = append(toks, tok{pr[i], 'l'})
		}
	}
	sr := []rune(s)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if j == len(toks) {
			return i == len(sr)
		}
		switch toks[j].kind {
		case '%':
			for k := i; k <= len(sr); k++ {
				if match(k, j+1) {
					return true
				}
			}
			return false
		case '_':
			return i < len(sr) && match(i+1, j+1)
		}
		return i < len(sr) && sr[i] == toks[j].r && match(i+1, j+1)
	}
	return match(0, 0)
}

// javaDouble approximates Java's Double.toString for the values tests use.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	a := math.Abs(f)
	if a == 0 || (a >= 1e-3 && a < 1e7) {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64)
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// le64 is a helper for tests that poke memory.
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
