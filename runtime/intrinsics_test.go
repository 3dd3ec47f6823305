package runtime

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// forwarders exports, for every intrinsic, a function "fwd_<name>" with the
// same signature that calls it, so tests can call intrinsics from wasm with
// any arguments.
func forwarders(m *wasm.Module, imp map[string]uint32) {
	for _, in := range sdk.Intrinsics {
		f := m.AddFunc("fwd_"+in.Name, m.AddType(valTypes(in.Params), valTypes(in.Results)))
		for i := range in.Params {
			f.LocalGet(uint32(i))
		}
		f.Call(imp[in.Name])
		m.Export("fwd_"+in.Name, wasm.ExternFunc, f.Index())
	}
}

// harness calls intrinsics through the forwarders of one instance. Strings
// are placed in the input area of stage 0; results go to its heap.
type harness struct {
	t      *testing.T
	in     *Instance
	l      sdk.Layout
	cursor uint32
}

func newHarness(t *testing.T, interpreter bool) *harness {
	rt := newRuntime(t, NewConfig().WithInterpreter(interpreter))
	in := mustInstance(t, rt, buildModule(t, modSpec{imports: sdk.Intrinsics, extra: forwarders}))
	h := &harness{t: t, in: in, l: in.m.manifest.Stages[0].Layout}
	h.reset(h.l.HeapSize)
	return h
}

// reset empties the string area and gives the heap heapSize bytes.
func (h *harness) reset(heapSize uint32) {
	h.cursor = h.l.InData()
	binary.LittleEndian.PutUint32(h.in.mem[h.l.Base+sdk.HdrHeapPtr:], h.l.Heap())
	binary.LittleEndian.PutUint32(h.in.mem[h.l.Base+sdk.HdrHeapEnd:], h.l.Heap()+heapSize)
	binary.LittleEndian.PutUint32(h.in.mem[h.l.Base+sdk.HdrIntrinsicError:], 0)
}

// str places s in memory and returns its (ptr, len) arguments.
func (h *harness) str(s string) (uint64, uint64) {
	p := h.cursor
	copy(h.in.mem[p:], s)
	h.cursor += uint32(len(s))
	return uint64(p), uint64(len(s))
}

func (h *harness) call(name string, args ...uint64) ([]uint64, error) {
	fn := h.in.mod.ExportedFunction("fwd_" + name)
	if fn == nil {
		h.t.Fatalf("no forwarder for %s", name)
	}
	return fn.Call(context.Background(), args...)
}

func (h *harness) mustCall(name string, args ...uint64) uint64 {
	h.t.Helper()
	r, err := h.call(name, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", name, err)
	}
	return r[0]
}

func (h *harness) result(r uint64) string {
	h.t.Helper()
	if r == heapFull {
		h.t.Fatalf("heap full")
	}
	p, n := uint32(r), uint32(r>>32)
	return string(h.in.mem[p : p+n])
}

func (h *harness) intrinsicError() uint32 {
	return binary.LittleEndian.Uint32(h.in.mem[h.l.Base+sdk.HdrIntrinsicError:])
}

func (h *harness) base() uint64 { return uint64(h.l.Base) }

// TestIntrinsicsComplete: the host implements exactly the intrinsics of
// the ABI.
func TestIntrinsicsComplete(t *testing.T) {
	if len(intrinsicImpls) != len(sdk.Intrinsics) {
		t.Errorf("%d implementations for %d intrinsics", len(intrinsicImpls), len(sdk.Intrinsics))
	}
	for _, in := range sdk.Intrinsics {
		if intrinsicImpls[in.Name] == nil {
			t.Errorf("intrinsic %s not implemented", in.Name)
		}
	}
}

func TestStringIntrinsics(t *testing.T) {
	type strCase struct {
		name string
		args func(h *harness) []uint64
		want string
	}
	s1 := func(name, s string) strCase {
		return strCase{name, func(h *harness) []uint64 { p, n := h.str(s); return []uint64{h.base(), p, n} }, ""}
	}
	with := func(c strCase, want string) strCase { c.want = want; return c }
	sub := func(s string, pos, count int32, want string) strCase {
		return strCase{sdk.IntrSubstring, func(h *harness) []uint64 {
			p, n := h.str(s)
			return []uint64{h.base(), p, n, api.EncodeI32(pos), api.EncodeI32(count)}
		}, want}
	}
	repl := func(s, old, new, want string) strCase {
		return strCase{sdk.IntrReplace, func(h *harness) []uint64 {
			p, n := h.str(s)
			op, on := h.str(old)
			np, nn := h.str(new)
			return []uint64{h.base(), p, n, op, on, np, nn}
		}, want}
	}
	fd := func(x float64, want string) strCase {
		return strCase{sdk.IntrFormatDouble, func(h *harness) []uint64 { return []uint64{h.base(), api.EncodeF64(x)} }, want}
	}
	fi := func(x int64, want string) strCase {
		return strCase{sdk.IntrFormatInt, func(h *harness) []uint64 { return []uint64{h.base(), uint64(x)} }, want}
	}
	cases := []strCase{
		with(s1(sdk.IntrUpper, "Hello, straße"), "HELLO, STRASSE"),
		with(s1(sdk.IntrUpper, ""), ""),
		with(s1(sdk.IntrLower, "HeLLo ΟΔΟΣ"), "hello οδος"),
		with(s1(sdk.IntrTrim, " \t x y \n"), "x y"),
		with(s1(sdk.IntrTrim, "   "), ""),
		with(s1(sdk.IntrLTrim, "  x  "), "x  "),
		with(s1(sdk.IntrRTrim, "  x  "), "  x"),
		// ksqlDB's substring.json.
		sub("some_string", 6, -1, "string"),
		sub("another", 6, -1, "er"),
		sub("short", 6, -1, ""),
		sub("some_string", 6, 3, "str"),
		sub("another", 6, 3, "er"),
		sub("short", 6, 3, ""),
		sub("some string", 0, 2, "so"),
		sub("the final string", 0, 2, "th"),
		sub("some_string", -6, -1, "string"),
		sub("a😀b", 2, 2, "😀"),
		repl("hello world", "o", "0", "hell0 w0rld"),
		repl("abc", "", "-", "-a-b-c-"),
		fi(0, "0"),
		fi(-42, "-42"),
		fi(math.MinInt64, "-9223372036854775808"),
		// Java's Double.toString.
		fd(1e10, "1.0E10"),
		fd(1e-5, "1.0E-5"),
		fd(0.1, "0.1"),
		fd(100, "100.0"),
		fd(1e7, "1.0E7"),
		fd(1234567.5, "1234567.5"),
		fd(0.001, "0.001"),
		fd(-0.0001, "-1.0E-4"),
		fd(math.SmallestNonzeroFloat64, "4.9E-324"),
		fd(math.NaN(), "NaN"),
		fd(math.Inf(-1), "-Infinity"),
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			h := newHarness(t, e.interpreter)
			for _, c := range cases {
				h.reset(h.l.HeapSize)
				heapBefore := binary.LittleEndian.Uint32(h.in.mem[h.l.Base+sdk.HdrHeapPtr:])
				r := h.mustCall(c.name, c.args(h)...)
				if got := h.result(r); got != c.want {
					t.Errorf("%s: %q, want %q", c.name, got, c.want)
				}
				heapAfter := binary.LittleEndian.Uint32(h.in.mem[h.l.Base+sdk.HdrHeapPtr:])
				wrote := heapAfter - heapBefore
				switch c.name {
				case sdk.IntrTrim, sdk.IntrLTrim, sdk.IntrRTrim:
					if wrote != 0 {
						t.Errorf("%s wrote %d bytes to the heap; trims return slices", c.name, wrote)
					}
				default:
					if wrote != uint32(len(c.want)) || uint32(r) != heapBefore {
						t.Errorf("%s: result at %d, heap moved %d -> %d, want the result at the old heap pointer and the pointer advanced by %d",
							c.name, uint32(r), heapBefore, heapAfter, len(c.want))
					}
				}
			}
		})
	}
}

func TestIntrinsicHeapFull(t *testing.T) {
	h := newHarness(t, false)
	for _, name := range []string{sdk.IntrUpper, sdk.IntrLower} {
		h.reset(3)
		p, n := h.str("four")
		if r := h.mustCall(name, h.base(), p, n); r != heapFull {
			t.Errorf("%s into a 3-byte heap: %#x, want -1", name, r)
		}
		if ptr := binary.LittleEndian.Uint32(h.in.mem[h.l.Base+sdk.HdrHeapPtr:]); ptr != h.l.Heap() {
			t.Errorf("%s: a failed call moved the heap pointer", name)
		}
	}
	h.reset(3)
	if r := h.mustCall(sdk.IntrFormatDouble, h.base(), api.EncodeF64(1.5)); r == heapFull {
		t.Errorf("1.5 does not fit in 3 bytes")
	}
	if r := h.mustCall(sdk.IntrFormatDouble, h.base(), api.EncodeF64(1.5)); r != heapFull {
		t.Errorf("second 1.5 fit in the full heap")
	}
}

func TestScalarIntrinsics(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			h := newHarness(t, e.interpreter)
			i32 := func(r uint64) int32 { return api.DecodeI32(r) }

			lens := map[string]int32{"": 0, "abc": 3, "héllo": 5, "😀": 2, "日本": 2}
			for s, want := range lens {
				h.reset(h.l.HeapSize)
				p, n := h.str(s)
				if got := i32(h.mustCall(sdk.IntrLen, p, n)); got != want {
					t.Errorf("len(%q) = %d, want %d", s, got, want)
				}
			}

			cmps := []struct {
				a, b string
				want int32
			}{{"a", "b", -1}, {"b", "a", 1}, {"x", "x", 0}, {"", "a", -1}, {"\uff21", "😀", 1}}
			for _, c := range cmps {
				h.reset(h.l.HeapSize)
				ap, an := h.str(c.a)
				bp, bn := h.str(c.b)
				if got := i32(h.mustCall(sdk.IntrCompare, ap, an, bp, bn)); got != c.want {
					t.Errorf("compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
				}
			}

			likes := []struct {
				s, pat string
				esc    int32
				want   int32
			}{
				{"hello", "h%o", -1, 1}, {"hello", "h_o", -1, 0}, {"a%", `a\%`, '\\', 1},
				{"ab", `ab\`, '\\', -1}, {"a\nb", "a%b", -1, 0}, {"😀", "_", -1, 1},
			}
			for _, c := range likes {
				h.reset(h.l.HeapSize)
				p, n := h.str(c.s)
				pp, pn := h.str(c.pat)
				if got := i32(h.mustCall(sdk.IntrLike, p, n, pp, pn, api.EncodeI32(c.esc))); got != c.want {
					t.Errorf("like(%q, %q, %d) = %d, want %d", c.s, c.pat, c.esc, got, c.want)
				}
			}

			ints := []struct {
				s    string
				bits int32
				want int64
				err  uint32
			}{
				{" 42 ", 32, 42, 0}, {"2147483648", 32, 0, 1}, {"2147483648", 64, 2147483648, 0},
				{"-9223372036854775808", 64, math.MinInt64, 0}, {"4.2", 32, 0, 1}, {"", 64, 0, 1},
			}
			for _, c := range ints {
				h.reset(h.l.HeapSize)
				p, n := h.str(c.s)
				got := int64(h.mustCall(sdk.IntrParseInt, h.base(), p, n, api.EncodeI32(c.bits)))
				if got != c.want || h.intrinsicError() != c.err {
					t.Errorf("parse_int(%q, %d) = %d (error flag %d), want %d (%d)", c.s, c.bits, got, h.intrinsicError(), c.want, c.err)
				}
			}

			doubles := []struct {
				s    string
				want float64
				err  uint32
			}{{"1.5", 1.5, 0}, {" -2e3 ", -2000, 0}, {"1.5d", 1.5, 0}, {"Infinity", math.Inf(1), 0}, {"abc", 0, 1}, {"inf", 0, 1}}
			for _, c := range doubles {
				h.reset(h.l.HeapSize)
				p, n := h.str(c.s)
				got := api.DecodeF64(h.mustCall(sdk.IntrParseDouble, h.base(), p, n))
				if got != c.want || h.intrinsicError() != c.err {
					t.Errorf("parse_double(%q) = %v (error flag %d), want %v (%d)", c.s, got, h.intrinsicError(), c.want, c.err)
				}
			}

			bools := map[string]int32{"true": 1, " YES ": 1, "t": 1, "tru": 1, "false": 0, "no": 0, "": 0, "truer": 0}
			for s, want := range bools {
				h.reset(h.l.HeapSize)
				p, n := h.str(s)
				if got := i32(h.mustCall(sdk.IntrParseBool, p, n)); got != want {
					t.Errorf("parse_bool(%q) = %d, want %d", s, got, want)
				}
			}
		})
	}
}

// A hostile module passing pointers outside its memory gets a trap, never
// a host panic, and the process carries on.
func TestIntrinsicBadPointers(t *testing.T) {
	bad := uint64(0xfffffff0)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			h := newHarness(t, e.interpreter)
			cases := []struct {
				name string
				args func() []uint64
			}{
				{sdk.IntrUpper, func() []uint64 { return []uint64{h.base(), bad, 100} }},
				{sdk.IntrUpper, func() []uint64 { return []uint64{bad, 0, 0} }}, // header outside memory
				{sdk.IntrTrim, func() []uint64 { return []uint64{h.base(), 0, bad} }},
				{sdk.IntrLen, func() []uint64 { return []uint64{bad, 20} }},
				{sdk.IntrCompare, func() []uint64 { return []uint64{0, 1, bad, 32} }},
				{sdk.IntrLike, func() []uint64 { return []uint64{0, 1, 0, bad, 0} }},
				{sdk.IntrReplace, func() []uint64 { return []uint64{h.base(), 0, 1, 0, 1, bad, 1} }},
				{sdk.IntrSubstring, func() []uint64 { return []uint64{h.base(), bad, 5, 1, 1} }},
				{sdk.IntrParseInt, func() []uint64 { return []uint64{h.base(), bad, 5, 32} }},
				{sdk.IntrParseInt, func() []uint64 { return []uint64{bad, 0, 1, 32} }}, // error flag outside memory
				{sdk.IntrParseDouble, func() []uint64 { return []uint64{h.base(), bad, 5} }},
				{sdk.IntrParseBool, func() []uint64 { return []uint64{bad, 5} }},
				{sdk.IntrFormatInt, func() []uint64 { return []uint64{bad, 5} }},
				{sdk.IntrFormatDouble, func() []uint64 { return []uint64{bad, 5} }},
			}
			for _, c := range cases {
				h.reset(h.l.HeapSize)
				if _, err := h.call(c.name, c.args()...); !errors.Is(err, ErrGuestPointer) {
					t.Errorf("%s%v: %v, want a trap wrapping ErrGuestPointer", c.name, c.args(), err)
				}
			}
			// A heap pointer beyond the heap end, or an end beyond memory.
			h.reset(h.l.HeapSize)
			binary.LittleEndian.PutUint32(h.in.mem[h.l.Base+sdk.HdrHeapPtr:], h.l.Heap()+h.l.HeapSize+1)
			if _, err := h.call(sdk.IntrFormatInt, h.base(), 1); !errors.Is(err, ErrGuestPointer) {
				t.Errorf("heap pointer past its end: %v", err)
			}
			h.reset(h.l.HeapSize)
			binary.LittleEndian.PutUint32(h.in.mem[h.l.Base+sdk.HdrHeapEnd:], uint32(len(h.in.mem)+10))
			if _, err := h.call(sdk.IntrFormatInt, h.base(), 1); !errors.Is(err, ErrGuestPointer) {
				t.Errorf("heap end past memory: %v", err)
			}
			// parse_int with bits other than 32 and 64 is a protocol error.
			h.reset(h.l.HeapSize)
			p, n := h.str("1")
			if _, err := h.call(sdk.IntrParseInt, h.base(), p, n, 16); !errors.Is(err, ErrProtocol) {
				t.Errorf("parse_int bits 16: %v", err)
			}
			// The instance's functions still work after the traps.
			h.reset(h.l.HeapSize)
			p, n = h.str("ok")
			if got := h.result(h.mustCall(sdk.IntrUpper, h.base(), p, n)); got != "OK" {
				t.Errorf("after traps: %q", got)
			}
		})
	}
}
