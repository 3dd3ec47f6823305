package wasm

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Known encodings from the LEB128 definition (DWARF 4, appendix C) and the
// WebAssembly spec's integer rules.
var ulebCases = []struct {
	v   uint64
	enc []byte
}{
	{0, []byte{0x00}},
	{1, []byte{0x01}},
	{63, []byte{0x3F}},
	{64, []byte{0x40}},
	{127, []byte{0x7F}},
	{128, []byte{0x80, 0x01}},
	{129, []byte{0x81, 0x01}},
	{300, []byte{0xAC, 0x02}},
	{16383, []byte{0xFF, 0x7F}},
	{16384, []byte{0x80, 0x80, 0x01}},
	{624485, []byte{0xE5, 0x8E, 0x26}},
	{math.MaxUint32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},
	{1 << 32, []byte{0x80, 0x80, 0x80, 0x80, 0x10}},
	{math.MaxUint64, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
}

var slebCases = []struct {
	v   int64
	enc []byte
}{
	{0, []byte{0x00}},
	{1, []byte{0x01}},
	{-1, []byte{0x7F}},
	{63, []byte{0x3F}},
	{64, []byte{0xC0, 0x00}},
	{-64, []byte{0x40}},
	{-65, []byte{0xBF, 0x7F}},
	{127, []byte{0xFF, 0x00}},
	{-128, []byte{0x80, 0x7F}},
	{128, []byte{0x80, 0x01}},
	{-123456, []byte{0xC0, 0xBB, 0x78}},
	{math.MaxInt32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x07}},
	{math.MinInt32, []byte{0x80, 0x80, 0x80, 0x80, 0x78}},
	{math.MaxInt64, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}},
	{math.MinInt64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}},
}

func TestAppendULEB128(t *testing.T) {
	for _, c := range ulebCases {
		got := AppendULEB128([]byte{0xAA}, c.v) // appends, keeps the prefix
		if want := append([]byte{0xAA}, c.enc...); !bytes.Equal(got, want) {
			t.Errorf("AppendULEB128(%d) = % x, want % x", c.v, got, want)
		}
		if n := ulebLen(c.v); n != len(c.enc) {
			t.Errorf("ulebLen(%d) = %d, want %d", c.v, n, len(c.enc))
		}
		bits := uint(64)
		if c.v <= math.MaxUint32 {
			bits = 32
		}
		v, n, err := readULEB(append(c.enc, 0x55), bits)
		if err != nil || v != c.v || n != len(c.enc) {
			t.Errorf("readULEB(% x, %d) = %d, %d, %v; want %d, %d", c.enc, bits, v, n, err, c.v, len(c.enc))
		}
	}
}

func TestAppendSLEB128(t *testing.T) {
	for _, c := range slebCases {
		got := AppendSLEB128(nil, c.v)
		if !bytes.Equal(got, c.enc) {
			t.Errorf("AppendSLEB128(%d) = % x, want % x", c.v, got, c.enc)
		}
		bits := uint(64)
		if c.v >= math.MinInt32 && c.v <= math.MaxInt32 {
			bits = 32
		}
		v, n, err := readSLEB(c.enc, bits)
		if err != nil || v != c.v || n != len(c.enc) {
			t.Errorf("readSLEB(% x, %d) = %d, %d, %v; want %d", c.enc, bits, v, n, err, c.v)
		}
	}
}

// TestReadLEBRejects covers the spec's rules for malformed integers: too
// long, unused bits set (or not sign-extended), truncated.
func TestReadLEBRejects(t *testing.T) {
	cases := []struct {
		name   string
		enc    []byte
		bits   uint
		signed bool
		want   error
	}{
		{"u32 empty", nil, 32, false, errLEBTruncated},
		{"u32 truncated", []byte{0x80}, 32, false, errLEBTruncated},
		{"u32 six bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, errLEBOverflow},
		{"u32 bit 32 set", []byte{0x80, 0x80, 0x80, 0x80, 0x10}, 32, false, errLEBOverflow},
		{"u32 top bits set", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 32, false, errLEBOverflow},
		{"u64 eleven bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64, false, errLEBOverflow},
		{"u64 bit 64 set", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, 64, false, errLEBOverflow},
		{"s32 truncated", []byte{0xFF, 0xFF}, 32, true, errLEBTruncated},
		{"s32 six bytes", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 32, true, errLEBOverflow},
		{"s32 unused bits not sign (positive)", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 32, true, errLEBOverflow},
		{"s32 unused bits not sign (negative)", []byte{0x80, 0x80, 0x80, 0x80, 0x70}, 32, true, errLEBOverflow},
		{"s64 unused bits not sign", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 64, true, errLEBOverflow},
		{"s64 unused bits not sign (negative)", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7E}, 64, true, errLEBOverflow},
		{"s64 eleven bytes", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 64, true, errLEBOverflow},
	}
	for _, c := range cases {
		var err error
		if c.signed {
			_, _, err = readSLEB(c.enc, c.bits)
		} else {
			_, _, err = readULEB(c.enc, c.bits)
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// TestReadLEBAcceptsPadded checks that non-minimal encodings within the
// length limit decode (the spec allows them; our encoder never writes them).
func TestReadLEBAcceptsPadded(t *testing.T) {
	if v, n, err := readULEB([]byte{0x80, 0x80, 0x80, 0x80, 0x00}, 32); v != 0 || n != 5 || err != nil {
		t.Errorf("padded u32 zero = %d, %d, %v", v, n, err)
	}
	if v, n, err := readSLEB([]byte{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 32); v != -1 || n != 5 || err != nil {
		t.Errorf("padded s32 -1 = %d, %d, %v", v, n, err)
	}
}

func TestLEBRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		// Spread values over all magnitudes, not just large ones.
		u := rng.Uint64() >> rng.UintN(64)
		s := int64(u)
		if rng.IntN(2) == 0 {
			s = -s
		}
		if v, _, err := readULEB(AppendULEB128(nil, u), 64); err != nil || v != u {
			t.Fatalf("u64 %d round-trips to %d, %v", u, v, err)
		}
		if v, _, err := readSLEB(AppendSLEB128(nil, s), 64); err != nil || v != s {
			t.Fatalf("s64 %d round-trips to %d, %v", s, v, err)
		}
		s32 := int32(s)
		if v, _, err := readSLEB(AppendSLEB128(nil, int64(s32)), 32); err != nil || v != int64(s32) {
			t.Fatalf("s32 %d round-trips to %d, %v", s32, v, err)
		}
		u32 := uint32(u)
		if v, _, err := readULEB(AppendULEB128(nil, uint64(u32)), 32); err != nil || v != uint64(u32) {
			t.Fatalf("u32 %d round-trips to %d, %v", u32, v, err)
		}
	}
}

func BenchmarkAppendSLEB128(b *testing.B) {
	buf := make([]byte, 0, 16)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendSLEB128(buf[:0], int64(i)*-7919)
	}
}
