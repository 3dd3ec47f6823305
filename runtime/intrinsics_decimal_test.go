package runtime

import (
	"math"
	"testing"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
)

func TestDecimalIntrinsics(t *testing.T) {
	h := newHarness(t, true)
	parses := []struct {
		s     string
		p, s2 int32
		want  int64
		err   uint32
	}{
		{"10.12", 5, 3, 10120, 0}, {" -1.005 ", 4, 2, -101, 0}, {"1e2", 5, 1, 1000, 0},
		{"abc", 4, 2, 0, 1}, {"123.4", 4, 2, 0, 1}, {"", 4, 2, 0, 1},
	}
	for _, c := range parses {
		h.reset(h.l.HeapSize)
		p, n := h.str(c.s)
		got := int64(h.mustCall(sdk.IntrDecParse, h.base(), p, n, api.EncodeI32(c.p), api.EncodeI32(c.s2)))
		if got != c.want || h.intrinsicError() != c.err {
			t.Errorf("dec_parse(%q, %d, %d) = %d (error flag %d), want %d (%d)", c.s, c.p, c.s2, got, h.intrinsicError(), c.want, c.err)
		}
	}
	doubles := []struct {
		f    float64
		want int64
		err  uint32
	}{{1.005, 101, 0}, {-2.675, -268, 0}, {math.NaN(), 0, 1}, {math.Inf(1), 0, 1}, {1e10, 0, 1}}
	for _, c := range doubles {
		h.reset(h.l.HeapSize)
		got := int64(h.mustCall(sdk.IntrDecFromDouble, h.base(), api.EncodeF64(c.f), api.EncodeI32(5), api.EncodeI32(2)))
		if got != c.want || h.intrinsicError() != c.err {
			t.Errorf("dec_from_double(%v) = %d (error flag %d), want %d (%d)", c.f, got, h.intrinsicError(), c.want, c.err)
		}
	}
	h.reset(h.l.HeapSize)
	if got := h.result(h.mustCall(sdk.IntrDecFormat, h.base(), api.EncodeI64(-5), api.EncodeI32(3))); got != "-0.005" {
		t.Errorf("dec_format(-5, 3) = %q", got)
	}
	h.reset(2)
	if r := h.mustCall(sdk.IntrDecFormat, h.base(), 12345, api.EncodeI32(2)); r != heapFull {
		t.Errorf("dec_format into a 2-byte heap = %#x, want heap full", r)
	}
	// A precision the ABI does not have is a protocol error: the call traps.
	if _, err := h.call(sdk.IntrDecParse, h.base(), 0, 0, api.EncodeI32(19), api.EncodeI32(0)); err == nil {
		t.Error("dec_parse with precision 19 did not trap")
	}
}

func TestMathAndBytesIntrinsics(t *testing.T) {
	h := newHarness(t, true)
	if got := api.DecodeF64(h.mustCall(sdk.IntrMathExp, api.EncodeF64(10))); got != 22026.465794806718 {
		t.Errorf("math_exp(10) = %v", got)
	}
	if got := api.DecodeF64(h.mustCall(sdk.IntrMathLn, api.EncodeF64(1))); got != 0 {
		t.Errorf("math_ln(1) = %v", got)
	}
	cases := []struct {
		s      string
		pos    int32
		hasLen int32
		n      int32
		want   string
	}{
		{"some_string", 6, 0, 0, "string"}, {"short", 6, 0, 0, ""}, {"abcdef", -3, 1, 2, "de"},
		{"abcdef", 0, 1, 2, "ab"}, {"abc", -10, 0, 0, "abc"}, {"abc", 2, 1, -1, ""}, {"abc", 100, 1, 5, ""},
	}
	for _, c := range cases {
		h.reset(h.l.HeapSize)
		p, n := h.str(c.s)
		got := h.result(h.mustCall(sdk.IntrBytesSubstr, p, n, api.EncodeI32(c.pos), api.EncodeI32(c.hasLen), api.EncodeI32(c.n)))
		if got != c.want {
			t.Errorf("bytes_substring(%q, %d, %d, %d) = %q, want %q", c.s, c.pos, c.hasLen, c.n, got, c.want)
		}
	}
}

// TestCorrectLn: LN rounds correctly (Java's Math.log), where Go's
// math.Log may be one ulp off; the expected values are the correctly
// rounded logarithms.
func TestCorrectLn(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{3, 1.0986122886681098}, {2, 0.6931471805599453}, {1, 0}, {math.E, 1},
		{10, 2.302585092994046}, {0.5, -0.6931471805599453}, {1e-300, -690.7755278982137},
		{1.0000000001, 1.000000082690371e-10}, {math.MaxFloat64, 709.782712893384},
	} {
		if got := correctLn(c.x); got != c.want {
			t.Errorf("ln(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(correctLn(-1)) || !math.IsInf(correctLn(0), -1) || !math.IsInf(correctLn(math.Inf(1)), 1) {
		t.Error("ln of -1, 0, +Inf")
	}
}

func TestCompareSignedBytes(t *testing.T) {
	for _, c := range []struct {
		a, b string
		sign int32
	}{{"a", "b", -1}, {"b", "a", 1}, {"ab", "ab", 0}, {"a", "ab", -1}, {"\xff", "\x01", -1}, {"", "", 0}} {
		got := compareSignedBytes([]byte(c.a), []byte(c.b))
		if (got < 0 && c.sign >= 0) || (got > 0 && c.sign <= 0) || (got == 0 && c.sign != 0) {
			t.Errorf("compare(%q, %q) = %d, want sign %d", c.a, c.b, got, c.sign)
		}
	}
}
