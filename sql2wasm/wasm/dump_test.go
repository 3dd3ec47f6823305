package wasm

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden and the FuzzDump seed corpus")

// buildShowcase builds a module shaped like generated code: an intrinsic
// import, an exported memory, globals, a data segment, a custom section
// and stage functions using blocks, loops, if/else, br_table, memory
// accesses with offsets, floats and the 0xFC instructions.
func buildShowcase() *Module {
	m := NewModule()
	match := m.ImportFunc("wasmstream", "regex_match", m.AddType([]ValType{I32, I32}, []ValType{I32}))
	m.SetMemory(2, 16, "memory")
	cancel := m.AddGlobalI32(true, 0)
	m.AddGlobalF64(false, math.Inf(-1))
	m.AddData(1024, []byte("abc\x00\"\\\n"))
	m.AddCustomSection("wasmstream.manifest", bytes.Repeat([]byte{0xA5}, 40))

	// stage_filter(rows i32, n i32) i32: count the rows whose i64 column
	// (8 bytes per row from rows+16) is above 10 and whose validity byte
	// (at rows, one per row) is set; store the count at rows+8.
	f := m.AddFunc("stage_filter", m.AddType([]ValType{I32, I32}, []ValType{I32}))
	i := f.AddLocal(I32)
	cnt := f.AddLocal(I32)
	v := f.AddLocal(I64)
	f.SetPos(7)
	f.Block(BlockEmpty)
	f.LocalGet(1)
	f.I32Eqz()
	f.BrIf(0)
	f.Loop(BlockEmpty)
	f.GlobalGet(cancel)
	f.BrIf(1)
	f.LocalGet(0)
	f.LocalGet(i)
	f.I32Add()
	f.I32Load8U(0, 0)
	f.If(BlockEmpty)
	f.SetPos(21)
	f.LocalGet(0)
	f.LocalGet(i)
	f.I32Const(3)
	f.I32Shl()
	f.I32Add()
	f.I64Load(3, 16)
	f.LocalTee(v)
	f.I64Const(10)
	f.I64GtS()
	f.LocalGet(cnt)
	f.I32Add()
	f.LocalSet(cnt)
	f.End()
	f.LocalGet(i)
	f.I32Const(1)
	f.I32Add()
	f.LocalTee(i)
	f.LocalGet(1)
	f.I32LtU()
	f.BrIf(0)
	f.End()
	f.End()
	f.LocalGet(0)
	f.LocalGet(cnt)
	f.I32Store(2, 8)
	f.LocalGet(cnt)

	// stage_convert(x f64) i64: -1 when x >= 2, else the saturating
	// truncation of x * 1.5 (br_table picks; NaN truncates to 0).
	g := m.AddFunc("stage_convert", m.AddType([]ValType{F64}, []ValType{I64}))
	g.Block(BlockEmpty) // default target: x >= 2
	g.Block(BlockEmpty) // targets 0 and 1: x < 2 or NaN
	g.LocalGet(0)
	g.I32TruncSatF64U()
	g.BrTable([]uint32{0, 0}, 1)
	g.End()
	g.LocalGet(0)
	g.F64Const(1.5)
	g.F64Mul()
	g.I64TruncSatF64S()
	g.Return()
	g.End()
	g.I64Const(-1)
	g.F32Const(float32(math.NaN()))
	g.F32Const(float32(math.Copysign(0, -1)))
	g.F32Add()
	g.F64PromoteF32()
	g.F64Const(math.Float64frombits(0x7FF0000000000123))
	g.F64Max()
	g.I64ReinterpretF64()
	g.Drop()

	// stage_copy(dst, src, n i32) i32: copy, fill a guard, grow, and ask
	// the intrinsic.
	h := m.AddFunc("stage_copy", m.AddType([]ValType{I32, I32, I32}, []ValType{I32}))
	h.LocalGet(0)
	h.LocalGet(1)
	h.LocalGet(2)
	h.MemoryCopy()
	h.LocalGet(0)
	h.LocalGet(2)
	h.I32Add()
	h.I32Const(0xFF)
	h.I32Const(4)
	h.MemoryFill()
	h.I32Const(0)
	h.MemoryGrow()
	h.MemorySize()
	h.I32Ne()
	h.If(BlockI32)
	h.Unreachable()
	h.Else()
	h.LocalGet(0)
	h.LocalGet(2)
	h.Call(match)
	h.End()

	for _, fn := range []*Func{f, g, h} {
		m.Export(fn.Name(), ExternFunc, fn.Index())
	}
	m.Export("cancel", ExternGlobal, cancel)
	return m
}

// regexHost provides wasmstream.regex_match(ptr, len) = len * 2 + 1.
func regexHost(t *testing.T, ctx context.Context, r wazero.Runtime) {
	_, err := r.NewHostModuleBuilder("wasmstream").NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
			stack[0] = uint64(uint32(stack[1])*2 + 1)
		}), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).
		Export("regex_match").Instantiate(ctx)
	if err != nil {
		t.Fatalf("host module: %v", err)
	}
}

// TestRunShowcase runs the golden module's functions, so the listing in
// the golden file is of code known to work.
func TestRunShowcase(t *testing.T) {
	runOnBoth(t, buildShowcase(), regexHost, func(t *testing.T, mod api.Module) {
		const rows = 4096
		vals := []int64{5, 11, 100, -3, 12}
		valid := []byte{1, 1, 0, 1, 1}
		want := 0
		for k, v := range vals {
			mod.Memory().WriteUint64Le(rows+16+8*uint32(k), uint64(v))
			mod.Memory().WriteByte(rows+uint32(k), valid[k])
			if valid[k] == 1 && v > 10 {
				want++
			}
		}
		if got := call(t, mod, "stage_filter", rows, uint64(len(vals)))[0]; got != uint64(want) {
			t.Errorf("stage_filter = %d, want %d", got, want)
		}
		if got, _ := mod.Memory().ReadUint32Le(rows + 8); got != uint32(want) {
			t.Errorf("stored count = %d, want %d", got, want)
		}
		for _, c := range []struct{ x float64 }{{0.5}, {1.9}, {2}, {7}, {math.NaN()}, {1e300}} {
			got := int64(call(t, mod, "stage_convert", f64(c.x))[0])
			want := int64(-1)
			if math.IsNaN(c.x) || c.x < 2 {
				want = satI64(c.x * 1.5)
			}
			if got != want {
				t.Errorf("stage_convert(%v) = %d, want %d", c.x, got, want)
			}
		}
		mod.Memory().Write(100, []byte("abcdef"))
		if got := call(t, mod, "stage_copy", 200, 100, 6)[0]; got != 13 {
			t.Errorf("stage_copy returned %d, want 13 from the intrinsic", got)
		}
		if b, _ := mod.Memory().Read(200, 10); string(b) != "abcdef\xff\xff\xff\xff" {
			t.Errorf("memory after stage_copy: %q", b)
		}
	})
}

// satI64 is Go's model of i64.trunc_sat_f64_s.
func satI64(x float64) int64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	}
	return int64(x)
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("Dump differs from %s (run go test -update after checking the change):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

func TestDumpGolden(t *testing.T) {
	cases := []struct {
		name  string
		build func() *Module
	}{
		{"dump_showcase", buildShowcase},
		{"dump_unnamed", func() *Module {
			// No names, a duplicate name (calls fall back to indices) and a
			// name that is not a plain WAT identifier.
			m := NewModule()
			ty := m.AddType(nil, []ValType{I32})
			a := m.AddFunc("", ty)
			a.I32Const(-2147483648)
			b := m.AddFunc("dup", ty)
			b.Call(a.Index())
			c := m.AddFunc("dup", ty)
			c.Call(b.Index())
			d := m.AddFunc("has space(1)", ty)
			d.Call(d.Index())
			m.Export("a", ExternFunc, a.Index())
			m.Export("d", ExternFunc, d.Index())
			return m
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bin, err := c.build().Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Dump(bin)
			if err != nil {
				t.Fatalf("Dump: %v", err)
			}
			checkGolden(t, c.name, got)
			again, _ := Dump(bin)
			if again != got {
				t.Error("Dump is not deterministic")
			}
			if c.name == "dump_unnamed" { // the showcase runs in TestRunShowcase
				runBinOnBoth(t, bin, nil, func(t *testing.T, mod api.Module) {
					if got := call(t, mod, "a")[0]; got != i32(math.MinInt32) {
						t.Errorf("a() = %#x", got)
					}
				})
			}
		})
	}
}

// rawModule builds a binary module from raw sections: id followed by
// contents, with the size computed.
func rawModule(sections ...[]byte) []byte {
	out := append([]byte(nil), magicVersion...)
	for _, s := range sections {
		out = append(out, s[0])
		out = AppendULEB128(out, uint64(len(s)-1))
		out = append(out, s[1:]...)
	}
	return out
}

// oneFunc returns the sections of a module with one () -> () function
// whose body (locals and instructions) is body.
func oneFunc(body ...byte) [][]byte {
	code := append([]byte{secCode, 1}, AppendULEB128(nil, uint64(len(body)))...)
	return [][]byte{
		{secType, 1, 0x60, 0, 0},
		{secFunction, 1, 0},
		append(code, body...),
	}
}

func TestDumpErrors(t *testing.T) {
	deep := []byte{0}
	for i := 0; i <= dumpMaxDepth; i++ {
		deep = append(deep, opBlock, byte(BlockEmpty))
	}
	cases := []struct {
		name string
		bin  []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"wrong version", []byte{0, 'a', 's', 'm', 2, 0, 0, 0}, "bad magic or version"},
		{"truncated section size", append(append([]byte(nil), magicVersion...), secType, 0x80), "truncated"},
		{"section beyond input", append(append([]byte(nil), magicVersion...), secType, 5, 1), "exceeds the input"},
		{"unknown section", rawModule([]byte{13}), "unknown section id 13"},
		{"sections out of order", rawModule([]byte{secFunction, 0}, []byte{secType, 0}), "out of order"},
		{"repeated section", rawModule([]byte{secType, 0}, []byte{secType, 0}), "out of order or repeated"},
		{"trailing bytes in section", rawModule([]byte{secType, 0, 0}), "trailing bytes"},
		{"vector too long", rawModule([]byte{secType, 0x7F}), "vector length 127 exceeds"},
		{"bad type form", rawModule([]byte{secType, 1, 0x5F, 0, 0}), "unsupported form"},
		{"bad value type", rawModule([]byte{secType, 1, 0x60, 1, 0x7B, 0}), "unsupported value type 0x7b"},
		{"function type out of range", rawModule([]byte{secType, 0}, []byte{secFunction, 1, 0}), "type index 0 out of range"},
		{"unknown opcode", rawModule(oneFunc(0, 0xFF, opEnd)...), "unknown opcode 0xff"},
		{"unknown 0xfc opcode", rawModule(oneFunc(0, opPrefixFC, 9, opEnd)...), "unknown opcode 0xfc 9"},
		{"body without end", rawModule(oneFunc(0, opNop)...), "body ends without end"},
		{"bytes after end", rawModule(oneFunc(0, opEnd, opNop)...), "1 bytes after the final end"},
		{"else outside block", rawModule(oneFunc(0, opElse, opEnd)...), "else outside a block"},
		{"bad block type", rawModule(oneFunc(0, opBlock, 0x00, opEnd, opEnd)...), "unsupported block type"},
		{"too deep", rawModule(oneFunc(deep...)...), "nested deeper than 256"},
		{"too many locals", rawModule(oneFunc(2, 0x80, 0x80, 0x04, byte(I32), 1, byte(I64), opEnd)...), "more than 65536 locals"},
		{"nonzero memory index", rawModule(oneFunc(0, 0x3F, 1, 0x1A, opEnd)...), "memory index 1 not supported"},
		{"missing code", rawModule([]byte{secType, 1, 0x60, 0, 0}, []byte{secFunction, 1, 0}), "function section declares 1 functions, code section has 0"},
		{"code without function", rawModule([]byte{secCode, 1, 2, 0, opEnd}), "code entry 0 has no function section entry"},
		{"bad s32 constant", rawModule(oneFunc(0, opI32Const, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x1A, opEnd)...), "out of range"},
		{"bad name section", rawModule(append([]byte{secCustom, 4}, "name\x01\x05\x01\x00\x09ab"...)), "name section"},
		{"bad import kind", rawModule([]byte{secImport, 1, 1, 'a', 1, 'b', 7}), "unknown kind 0x07"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Dump(c.bin)
			if err == nil {
				t.Fatalf("Dump succeeded:\n%.500s\nwant error containing %q", out, c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "wasm: dump: at byte ") {
				t.Errorf("error %q lacks the byte offset prefix", err)
			}
		})
	}
}

// TestDumpImportsOfEveryKind decodes imports this package does not emit
// (tables, memories, globals), as found in hand-written plugin modules.
func TestDumpImportsOfEveryKind(t *testing.T) {
	imp := []byte{secImport, 3}
	imp = append(imp, 3, 'e', 'n', 'v', 3, 'm', 'e', 'm', byte(ExternMemory), 0x01, 1, 2)
	imp = append(imp, 3, 'e', 'n', 'v', 1, 't', byte(ExternTable), 0x70, 0x00, 4)
	imp = append(imp, 3, 'e', 'n', 'v', 1, 'g', byte(ExternGlobal), byte(I64), 1)
	got, err := Dump(rawModule(imp))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`(import "env" "mem" (memory (;0;) 1 2))`,
		`(import "env" "t" (table (;0;) 4 funcref))`,
		`(import "env" "g" (global (;0;) (mut i64)))`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dump lacks %s:\n%s", want, got)
		}
	}
}

// TestDumpTruncated cuts a real module at every byte: a cut inside a
// section must be an error, a cut at a section boundary is a valid
// (smaller) module, and nothing panics.
func TestDumpTruncated(t *testing.T) {
	bin, err := buildShowcase().Encode()
	if err != nil {
		t.Fatal(err)
	}
	boundary := map[int]bool{8: true}
	r := reader{b: bin, off: 8}
	for !r.eof() {
		r.byte()
		size, _ := r.u32()
		r.bytes(size)
		boundary[r.off] = true
	}
	for i := 0; i < len(bin); i++ {
		_, err := Dump(bin[:i])
		if !boundary[i] && err == nil {
			t.Errorf("Dump of %d-byte prefix (cut inside a section) succeeded", i)
		}
	}
}

// TestDumpMutations flips every byte of a small module to several values;
// Dump must return normally each time (FuzzDump explores further).
func TestDumpMutations(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 1, "memory")
	f := buildSumI64(m)
	m.Export("sum", ExternFunc, f.Index())
	bin, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	mut := make([]byte, len(bin))
	for i := range bin {
		for _, v := range []byte{0x00, 0x01, 0x40, 0x7F, 0x80, 0xFC, 0xFF, bin[i] ^ 0x01} {
			copy(mut, bin)
			mut[i] = v
			Dump(mut) // must not panic; errors are expected
		}
	}
}

// TestDumpFloatFormats checks the WAT spelling of float constants.
func TestDumpFloatFormats(t *testing.T) {
	cases := []struct {
		bits  uint64
		width int
		want  string
	}{
		{math.Float64bits(1.5), 64, "1.5"},
		{math.Float64bits(-0.0 * -1), 64, "0"},
		{math.Float64bits(math.Copysign(0, -1)), 64, "-0"},
		{math.Float64bits(1e300), 64, "1e+300"},
		{math.Float64bits(math.Inf(1)), 64, "inf"},
		{math.Float64bits(math.Inf(-1)), 64, "-inf"},
		{0x7FF8000000000000, 64, "nan"},
		{0xFFF8000000000000, 64, "-nan"},
		{0x7FF0000000000123, 64, "nan:0x123"},
		{uint64(math.Float32bits(0.1)), 32, "0.1"},
		{0x7FC00000, 32, "nan"},
		{0x7F800001, 32, "nan:0x1"},
	}
	for _, c := range cases {
		var v float64
		if c.width == 32 {
			v = float64(math.Float32frombits(uint32(c.bits)))
		} else {
			v = math.Float64frombits(c.bits)
		}
		if got := formatFloat(v, c.bits, c.width); got != c.want {
			t.Errorf("formatFloat(%#x, %d) = %q, want %q", c.bits, c.width, got, c.want)
		}
	}
}

// seedModules are the encodings the FuzzDump seed corpus is made of.
func seedModules(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{}
	add := func(name string, m *Module) {
		bin, err := m.Encode()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		seeds[name] = bin
	}
	add("showcase", buildShowcase())
	sum := NewModule()
	sum.SetMemory(1, 1, "memory")
	sum.Export("sum", ExternFunc, buildSumI64(sum).Index())
	add("sum_i64", sum)
	add("empty", NewModule())
	var ops []byte // every opcode once, as a body prefix Dump must decode or reject
	for op, info := range opTable {
		if info.imm == immNone && info.name != "else" && info.name != "end" {
			ops = append(ops, byte(op))
		}
	}
	seeds["all_simple_ops"] = rawModule(oneFunc(append(append([]byte{0}, ops...), opEnd)...)...)
	return seeds
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzDump with -update and
// otherwise checks that the committed corpus holds every seed.
func TestWriteFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDump")
	for name, bin := range seedModules(t) {
		path := filepath.Join(dir, name)
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", bin)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test -update)", err)
		} else if string(got) != content {
			t.Errorf("%s is stale (run go test -update)", path)
		}
	}
}

// FuzzDump checks that Dump never panics, and that whatever it accepts it
// prints deterministically as a complete listing.
func FuzzDump(f *testing.F) {
	for _, bin := range seedModules(f) {
		f.Add(bin)
	}
	f.Fuzz(func(t *testing.T, bin []byte) {
		out, err := Dump(bin)
		if err != nil {
			return
		}
		if !strings.HasPrefix(out, "(module\n") || !strings.HasSuffix(out, ")\n") {
			t.Fatalf("incomplete listing:\n%s", out)
		}
		if again, _ := Dump(bin); again != out {
			t.Fatal("Dump is not deterministic")
		}
	})
}
