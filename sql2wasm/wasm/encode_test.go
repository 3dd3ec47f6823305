package wasm

import (
	"bytes"
	"context"
	"encoding/hex"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// hexBytes decodes hex with spaces, for readable expected encodings.
func hexBytes(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

const header = "0061736d 01000000"

// TestEncodeModules compares whole modules with encodings written out by
// hand from the binary format specification.
func TestEncodeModules(t *testing.T) {
	cases := []struct {
		name  string
		build func(m *Module)
		want  string
	}{
		{"empty", func(m *Module) {}, header},
		{"exported empty function", func(m *Module) {
			f := m.AddFunc("", m.AddType(nil, nil))
			m.Export("f", ExternFunc, f.Index())
		}, header +
			"01 04 01 60 00 00" + // type section: () -> ()
			"03 02 01 00" + // function section: type 0
			"07 05 01 01 66 00 00" + // export "f" func 0
			"0a 04 01 02 00 0b"}, // code: one body of 2 bytes: no locals, end
		{"deduplicated types", func(m *Module) {
			a := m.AddType([]ValType{I32}, []ValType{I64})
			b := m.AddType([]ValType{I32}, []ValType{I64})
			c := m.AddType([]ValType{I64}, []ValType{I32})
			if a != 0 || b != 0 || c != 1 {
				panic("unexpected type indices") // caught as a test failure below
			}
		}, header + "01 0b 02 60 01 7f 01 7e 60 01 7e 01 7f"},
		{"memory with maximum, exported", func(m *Module) {
			m.SetMemory(1, 2, "mem")
		}, header + "05 04 01 01 01 02" + "07 07 01 03 6d 65 6d 02 00"},
		{"memory without maximum", func(m *Module) {
			m.SetMemory(3, NoMax, "")
		}, header + "05 03 01 00 03"},
		{"locals grouped, function name", func(m *Module) {
			f := m.AddFunc("id", m.AddType([]ValType{I32}, []ValType{I32}))
			f.AddLocal(I64)
			f.AddLocal(I64)
			f.AddLocal(I32)
			f.LocalGet(0)
			f.End() // an explicit final end is not doubled
		}, header + "01 06 01 60 01 7f 01 7f" + "03 02 01 00" +
			"0a 0a 01 08 02 02 7e 01 7f 20 00 0b" +
			"00 0c 04 6e 61 6d 65 01 05 01 00 02 69 64"}, // name: function names {0: "id"}
		{"import", func(m *Module) {
			m.ImportFunc("env", "f", m.AddType(nil, nil))
		}, header + "01 04 01 60 00 00" +
			"02 09 01 03 65 6e 76 01 66 00 00" +
			"00 0b 04 6e 61 6d 65 01 04 01 00 01 66"},
		{"globals", func(m *Module) {
			m.AddGlobalI32(false, -1)
			m.AddGlobalI64(true, 128)
			m.AddGlobalF32(false, 1.5)
			m.AddGlobalF64(true, -2)
		}, header + "06 20 04" +
			"7f 00 41 7f 0b" +
			"7e 01 42 80 01 0b" +
			"7d 00 43 00 00 c0 3f 0b" +
			"7c 01 44 00 00 00 00 00 00 00 c0 0b"},
		{"data segment", func(m *Module) {
			m.SetMemory(1, 1, "")
			m.AddData(8, []byte("ab"))
		}, header + "05 04 01 01 01 01" + "0b 08 01 00 41 08 0b 02 61 62"},
		{"custom section", func(m *Module) {
			m.AddCustomSection("x", []byte{1, 2})
		}, header + "00 04 01 78 01 02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewModule()
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("build: %v", r)
					}
				}()
				c.build(m)
			}()
			got, err := m.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if want := hexBytes(t, c.want); !bytes.Equal(got, want) {
				t.Errorf("Encode =\n% x\nwant\n% x", got, want)
			}
			if _, err := Dump(got); err != nil {
				t.Errorf("Dump of encoded module: %v", err)
			}
			// wazero accepts and instantiates every one of them.
			runBinOnBoth(t, got, envF, func(t *testing.T, mod api.Module) {
				if mod.ExportedFunction("f") != nil {
					call(t, mod, "f")
				}
			})
		})
	}
}

// envF provides the host function env.f: () -> () that the import case
// needs.
func envF(t *testing.T, ctx context.Context, r wazero.Runtime) {
	_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) {}), nil, nil).
		Export("f").Instantiate(ctx)
	if err != nil {
		t.Fatalf("host module: %v", err)
	}
}

// TestEncodeLongSection checks a section whose size needs two LEB128 bytes,
// which exercises the size slot being shifted.
func TestEncodeLongSection(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 1, "")
	data := bytes.Repeat([]byte{0x5A}, 200)
	m.AddData(8, data)
	got, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// content: count 1, flags 0, i32.const 8, end, size 200 (c8 01), 200 bytes = 207 = cf 01
	want := append(hexBytes(t, header+"05 04 01 01 01 01"+"0b cf 01 01 00 41 08 0b c8 01"), data...)
	if !bytes.Equal(got, want) {
		t.Errorf("Encode =\n% x\nwant\n% x", got, want)
	}
	runBinOnBoth(t, got, nil, func(t *testing.T, mod api.Module) {
		if b, ok := mod.Memory().Read(8, 200); !ok || !bytes.Equal(b, data) {
			t.Error("data segment not in memory after instantiation")
		}
	})
}

func TestEncodeDeterministic(t *testing.T) {
	build := func() []byte {
		m := NewModule()
		m.SetMemory(1, 4, "memory")
		f := buildSumI64(m)
		m.Export("sum", ExternFunc, f.Index())
		m.AddCustomSection("a", []byte("x"))
		b, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := build()
	for i := 0; i < 5; i++ {
		if b := build(); !bytes.Equal(b, first) {
			t.Fatalf("build %d differs from the first", i)
		}
	}
}

// TestEncodeInstructions checks the bytes of instructions with immediates.
func TestEncodeInstructions(t *testing.T) {
	cases := []struct {
		name string
		emit func(c *Code)
		want string
	}{
		{"i32.const -1", func(c *Code) { c.I32Const(-1) }, "41 7f"},
		{"i32.const min", func(c *Code) { c.I32Const(math.MinInt32) }, "41 80 80 80 80 78"},
		{"i32.const as unsigned", func(c *Code) { c.I32Const(int32(-1 << 31)) }, "41 80 80 80 80 78"},
		{"i64.const 2^40", func(c *Code) { c.I64Const(1 << 40) }, "42 80 80 80 80 80 20"},
		{"i64.const -65", func(c *Code) { c.I64Const(-65) }, "42 bf 7f"},
		{"f32.const 1.5", func(c *Code) { c.F32Const(1.5) }, "43 00 00 c0 3f"},
		{"f64.const -2", func(c *Code) { c.F64Const(-2) }, "44 00 00 00 00 00 00 00 c0"},
		{"f64.const nan payload", func(c *Code) { c.F64Const(math.Float64frombits(0x7ff0000000000001)) }, "44 01 00 00 00 00 00 f0 7f"},
		{"i64.load", func(c *Code) { c.I64Load(3, 16) }, "29 03 10"},
		{"i32.load8_u large offset", func(c *Code) { c.I32Load8U(0, 200) }, "2d 00 c8 01"},
		{"f64.store", func(c *Code) { c.F64Store(3, 0) }, "39 03 00"},
		{"i64.store32 underaligned", func(c *Code) { c.I64Store32(0, 4) }, "3e 00 04"},
		{"memory.size", func(c *Code) { c.MemorySize() }, "3f 00"},
		{"memory.grow", func(c *Code) { c.MemoryGrow() }, "40 00"},
		{"memory.copy", func(c *Code) { c.MemoryCopy() }, "fc 0a 00 00"},
		{"memory.fill", func(c *Code) { c.MemoryFill() }, "fc 0b 00"},
		{"i64.trunc_sat_f64_s", func(c *Code) { c.I64TruncSatF64S() }, "fc 06"},
		{"i32.trunc_sat_f32_u", func(c *Code) { c.I32TruncSatF32U() }, "fc 01"},
		{"call 300", func(c *Code) { c.Call(300) }, "10 ac 02"},
		{"locals", func(c *Code) { c.LocalGet(1); c.LocalSet(2); c.LocalTee(130) }, "20 01 21 02 22 82 01"},
		{"globals", func(c *Code) { c.GlobalGet(0); c.GlobalSet(1) }, "23 00 24 01"},
		{"block types", func(c *Code) {
			c.Block(BlockEmpty)
			c.Loop(BlockI32)
			c.If(BlockOf(F64))
			c.Else()
			c.End()
			c.End()
			c.End()
		}, "02 40 03 7f 04 7c 05 0b 0b 0b"},
		{"branches", func(c *Code) {
			c.Block(BlockEmpty)
			c.Block(BlockEmpty)
			c.Br(1)
			c.BrIf(0)
			c.BrTable([]uint32{0, 1, 2}, 1)
			c.End()
			c.End()
		}, "02 40 02 40 0c 01 0d 00 0e 03 00 01 02 01 0b 0b"},
		{"misc", func(c *Code) { c.Select(); c.Drop(); c.Return(); c.Unreachable(); c.Nop() }, "1b 1a 0f 00 01"},
		{"conversions", func(c *Code) {
			c.I32WrapI64()
			c.I64ExtendI32S()
			c.I64ExtendI32U()
			c.F32DemoteF64()
			c.F64PromoteF32()
			c.I64ReinterpretF64()
			c.F64ConvertI64S()
			c.I32Extend8S()
			c.I64Extend32S()
		}, "a7 ac ad b6 bb bd b9 c0 c4"},
	}
	for _, c := range cases {
		code := newCode()
		c.emit(&code)
		if code.err != nil {
			t.Errorf("%s: %v", c.name, code.err)
			continue
		}
		if want := hexBytes(t, c.want); !bytes.Equal(code.buf, want) {
			t.Errorf("%s: got % x, want % x", c.name, code.buf, want)
		}
	}
}

// goName turns a WAT mnemonic into its method name: i32.trunc_sat_f64_u ->
// I32TruncSatF64U.
func goName(wat string) string {
	var sb strings.Builder
	for _, part := range regexp.MustCompile(`[._]`).Split(wat, -1) {
		sb.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return sb.String()
}

// TestGeneratedMethods checks every opcode table entry against the Code
// method of the same name: the method exists and emits exactly that opcode
// (and, for memory accesses, the immediates it is given).
func TestGeneratedMethods(t *testing.T) {
	type entry struct {
		info opInfo
		want []byte
	}
	var entries []entry
	for op, info := range opTable {
		if info.name != "" {
			entries = append(entries, entry{info, []byte{byte(op)}})
		}
	}
	for sub, info := range fcTable {
		if info.name != "" {
			entries = append(entries, entry{info, []byte{opPrefixFC, byte(sub)}})
		}
	}
	if len(entries) < 180 {
		t.Fatalf("opcode tables hold only %d entries", len(entries))
	}
	checked := 0
	for _, e := range entries {
		name := goName(e.info.name)
		code := newCode()
		m := reflect.ValueOf(&code).MethodByName(name)
		if !m.IsValid() {
			t.Errorf("%s: no method %s", e.info.name, name)
			continue
		}
		switch e.info.imm {
		case immNone:
			if name == "Else" || name == "End" {
				code.Block(BlockEmpty) // needs an open block; not an if, so Else also records misuse
				code.buf = code.buf[:0]
			}
			m.Call(nil)
		case immMemArg:
			m.Call([]reflect.Value{reflect.ValueOf(uint32(e.info.align)), reflect.ValueOf(uint32(5))})
			e.want = append(e.want, e.info.align, 5)
		default:
			continue // immediates covered by TestEncodeInstructions
		}
		if !bytes.Equal(code.buf, e.want) {
			t.Errorf("%s() emits % x, want % x", name, code.buf, e.want)
		}
		checked++
	}
	if checked < 160 {
		t.Errorf("checked only %d methods", checked)
	}
}

// TestPositions checks that position entries point at the instructions
// that followed each SetPos in the encoded binary.
func TestPositions(t *testing.T) {
	m := NewModule()
	m.SetMemory(1, 1, "")
	ty := m.AddType([]ValType{I32}, []ValType{I32})
	m.ImportFunc("env", "h", ty)    // shifts function indices
	first := m.AddFunc("first", ty) // no positions
	first.LocalGet(0)
	f := m.AddFunc("second", ty)
	f.AddLocal(I64) // local declarations come before the first instruction
	f.SetPos(10)
	f.LocalGet(0) // 0x20
	f.SetPos(11)
	f.SetPos(12) // replaces 11: no instruction in between
	f.I32Const(300)
	f.SetPos(12) // same tag: no new entry
	f.I32Add()
	f.SetPos(13)
	f.I32Load(2, 4) // 0x28
	f.SetPos(14)    // trailing tag: covers the implicit final end

	m.Export("second", ExternFunc, f.Index())
	bin, pos, err := m.EncodeWithPositions()
	if err != nil {
		t.Fatal(err)
	}
	runBinOnBoth(t, bin, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) {}),
				[]api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).
			Export("h").Instantiate(ctx)
		if err != nil {
			t.Fatal(err)
		}
	}, func(t *testing.T, mod api.Module) {
		mod.Memory().WriteUint32Le(2+300+4, 0xCAFE) // param + i32.const 300 + load offset 4
		if got := call(t, mod, "second", 2)[0]; got != 0xCAFE {
			t.Errorf("second(2) = %#x, want the word at 306", got)
		}
	})
	want := []struct {
		tag uint32
		op  byte
	}{{10, 0x20}, {12, 0x41}, {13, 0x28}, {14, 0x0B}}
	if len(pos) != len(want) {
		t.Fatalf("got %d entries %v, want %d", len(pos), pos, len(want))
	}
	code := sectionContents(t, bin, secCode)
	for i, p := range pos {
		if p.FuncIndex != f.Index() || p.Tag != want[i].tag {
			t.Errorf("entry %d = %+v, want func %d tag %d", i, p, f.Index(), want[i].tag)
		}
		if got := code[p.CodeOffset]; got != want[i].op {
			t.Errorf("entry %d: byte at code offset %d is %#x, want %#x", i, p.CodeOffset, got, want[i].op)
		}
		if p.BodyOffset < uint32(len(f.buf)) && f.buf[p.BodyOffset] != want[i].op {
			got := f.buf[p.BodyOffset]
			t.Errorf("entry %d: body offset %d is %#x, want %#x", i, p.BodyOffset, got, want[i].op)
		}
	}
}

// sectionContents walks the section headers of bin and returns the
// contents of the first section with the given id.
func sectionContents(t *testing.T, bin []byte, id byte) []byte {
	t.Helper()
	r := reader{b: bin, off: 8}
	for !r.eof() {
		sid, _ := r.byte()
		size, err := r.u32()
		if err != nil {
			t.Fatal(err)
		}
		body, err := r.bytes(size)
		if err != nil {
			t.Fatal(err)
		}
		if sid == id {
			return body
		}
	}
	t.Fatalf("no section %d", id)
	return nil
}

func TestAppendCustomSection(t *testing.T) {
	m := NewModule()
	bin, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	payload := bytes.Repeat([]byte{7}, 130)
	got := AppendCustomSection(bin, "pos", payload)
	want := append(hexBytes(t, header+"00 86 01 03 706f73"), payload...)
	if !bytes.Equal(got, want) {
		t.Errorf("got\n% x\nwant\n% x", got, want)
	}
}

// TestValidation checks that misuse is reported by Encode with a message
// that names the problem, and that building never panics.
func TestValidation(t *testing.T) {
	sig := func(m *Module) uint32 { return m.AddType(nil, nil) }
	fn := func(m *Module) *Func { return m.AddFunc("f", sig(m)) }
	cases := []struct {
		name  string
		build func(m *Module)
		want  string
	}{
		{"else without if", func(m *Module) { f := fn(m); f.Block(BlockEmpty); f.Else(); f.End() }, "else without an open if"},
		{"second else", func(m *Module) {
			f := fn(m)
			f.I32Const(1)
			f.If(BlockEmpty)
			f.Else()
			f.Else()
			f.End()
		}, "second else"},
		{"end after final end", func(m *Module) { f := fn(m); f.End(); f.End() }, "end without an open block"},
		{"instruction after final end", func(m *Module) { f := fn(m); f.End(); f.Nop() }, "nop after the function's final end"},
		{"unclosed block", func(m *Module) { f := fn(m); f.Block(BlockEmpty); f.Loop(BlockEmpty) }, "2 unclosed block(s); innermost loop"},
		{"branch too deep", func(m *Module) { f := fn(m); f.Block(BlockEmpty); f.Br(2); f.End() }, "br 2: only 2 enclosing labels"},
		{"br_table too deep", func(m *Module) { f := fn(m); f.I32Const(0); f.BrTable([]uint32{0}, 1) }, "br_table 1"},
		{"alignment too large", func(m *Module) { m.SetMemory(1, 1, ""); f := fn(m); f.I32Const(0); f.I32Load16U(2, 0); f.Drop() }, "alignment exponent 2 exceeds the natural alignment 1"},
		{"invalid block type", func(m *Module) { f := fn(m); f.Block(BlockType(0x12)); f.End() }, "invalid block type"},
		{"local out of range", func(m *Module) { f := fn(m); f.AddLocal(I32); f.LocalGet(1); f.Drop() }, "local index 1 out of range"},
		{"invalid local type", func(m *Module) { f := fn(m); f.AddLocal(ValType(0x70)) }, "local of invalid type"},
		{"global out of range", func(m *Module) { f := fn(m); f.GlobalGet(0); f.Drop() }, "global index 0 out of range"},
		{"call out of range", func(m *Module) { f := fn(m); f.Call(1) }, "call of function index 1 out of range"},
		{"memory instruction without memory", func(m *Module) { f := fn(m); f.MemorySize(); f.Drop() }, "uses memory but the module defines none"},
		{"export unknown function", func(m *Module) { fn(m); m.Export("g", ExternFunc, 1) }, `export "g": func index 1 out of range`},
		{"export missing memory", func(m *Module) { m.Export("memory", ExternMemory, 0) }, `export "memory": memory index 0 out of range`},
		{"export unknown global", func(m *Module) { m.AddGlobalI32(false, 0); m.Export("g", ExternGlobal, 1) }, "global index 1 out of range"},
		{"export table", func(m *Module) { m.Export("t", ExternTable, 0) }, "unsupported kind table"},
		{"duplicate export", func(m *Module) {
			f := fn(m)
			m.Export("f", ExternFunc, f.Index())
			m.Export("f", ExternFunc, f.Index())
		}, "duplicate export name"},
		{"import after function", func(m *Module) { fn(m); m.ImportFunc("env", "g", 0) }, "imports must come first"},
		{"import with unknown type", func(m *Module) { m.ImportFunc("env", "g", 3) }, "type index 3 out of range"},
		{"function with unknown type", func(m *Module) { m.AddFunc("f", 0) }, "type index 0 out of range"},
		{"invalid param type", func(m *Module) { m.AddType([]ValType{0x40}, nil) }, "invalid parameter type"},
		{"invalid result type", func(m *Module) { m.AddType(nil, []ValType{0}) }, "invalid result type"},
		{"two memories", func(m *Module) { m.SetMemory(1, 1, ""); m.SetMemory(1, 1, "") }, "memory already defined"},
		{"memory min above max", func(m *Module) { m.SetMemory(3, 2, "") }, "minimum 3 pages exceeds its maximum 2"},
		{"memory max too large", func(m *Module) { m.SetMemory(1, MaxPages+1, "") }, "maximum 65537 pages exceeds"},
		{"data beyond memory", func(m *Module) { m.SetMemory(1, 2, ""); m.AddData(PageSize-1, []byte{1, 2}) }, "exceed the initial memory of 1 pages"},
		{"data without memory", func(m *Module) { m.AddData(0, []byte{1}) }, "defines no memory"},
		{"custom name section", func(m *Module) { m.AddCustomSection("name", nil) }, `custom section "name"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewModule()
			c.build(m)
			bin, err := m.Encode()
			if err == nil {
				t.Fatalf("Encode succeeded (% x), want error containing %q", bin, c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestCodeErrReportsOffset(t *testing.T) {
	m := NewModule()
	f := m.AddFunc("stage", m.AddType(nil, nil))
	f.Nop()
	f.Nop()
	f.Else()
	if f.Err() == nil || !strings.Contains(f.Err().Error(), "at code offset 2") {
		t.Errorf("Err() = %v, want the offset of the else", f.Err())
	}
	_, err := m.Encode()
	if err == nil || !strings.Contains(err.Error(), `function 0 "stage"`) {
		t.Errorf("Encode error %v does not name the function", err)
	}
}

func BenchmarkEncode(b *testing.B) {
	m := NewModule()
	m.SetMemory(1, NoMax, "memory")
	for i := 0; i < 20; i++ {
		buildSumI64(m)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := m.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}
