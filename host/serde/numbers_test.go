package serde

import (
	"math"
	"testing"
)

func TestAppendJavaDouble(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: constant arithmetic would be exact
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1, "1.0"}, {100, "100.0"}, {-2.5, "-2.5"},
		{tenth + fifth, "0.30000000000000004"}, {0.001, "0.001"}, {0.000999, "9.99E-4"},
		{9999999, "9999999.0"}, {1e7, "1.0E7"}, {123456789, "1.23456789E8"}, {1.5e-5, "1.5E-5"},
		{9876.54321, "9876.54321"}, {654.321, "654.321"},
		// Java prints at least two digits and picks the closest two-digit decimal.
		{math.SmallestNonzeroFloat64, "4.9E-324"}, {-math.SmallestNonzeroFloat64, "-4.9E-324"},
		{1e23, "1.0E23"}, {2e-5, "2.0E-5"},
		{math.MaxFloat64, "1.7976931348623157E308"}, {2.2250738585072014e-308, "2.2250738585072014E-308"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	}
	for _, tc := range tests {
		if got := string(appendJavaDouble(nil, tc.in)); got != tc.want {
			t.Errorf("appendJavaDouble(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseJavaDouble(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true}, {" 1.5\t", 1.5, true}, {"+1", 1, true}, {"-.5", -0.5, true}, {"1.", 1, true},
		{"1e3", 1000, true}, {"1E-3", 0.001, true}, {"2d", 2, true}, {"2F", 2, true}, {"0x1.8p1", 3, true},
		{"Infinity", math.Inf(1), true}, {"-Infinity", math.Inf(-1), true}, {"1e400", math.Inf(1), true},
		{"inf", 0, false}, {"nan", 0, false}, {"Inf", 0, false}, {"1_000", 0, false}, {"", 0, false},
		{".", 0, false}, {"1e", 0, false}, {"0x1.8", 0, false}, {"abc", 0, false}, {"1.5x", 0, false}, {"d", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseJavaDouble([]byte(tc.in))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseJavaDouble(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if f, ok := parseJavaDouble([]byte("NaN")); !ok || !math.IsNaN(f) {
		t.Errorf("parseJavaDouble(NaN) = %v, %v", f, ok)
	}
}

func TestParseJavaInt(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"0", 32, 0, true}, {"+7", 32, 7, true}, {"-2147483648", 32, math.MinInt32, true}, {"2147483647", 32, math.MaxInt32, true},
		{"2147483648", 32, 0, false}, {"-2147483649", 32, 0, false},
		{"9223372036854775807", 64, math.MaxInt64, true}, {"-9223372036854775808", 64, math.MinInt64, true},
		{"9223372036854775808", 64, 0, false}, {"99999999999999999999999", 64, 0, false},
		{"", 32, 0, false}, {"-", 32, 0, false}, {"1.0", 32, 0, false}, {" 1", 32, 0, false}, {"1_0", 32, 0, false},
	}
	for _, tc := range tests {
		got, ok := parseJavaInt([]byte(tc.in), tc.bits)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseJavaInt(%q, %d) = %v, %v; want %v, %v", tc.in, tc.bits, got, ok, tc.want, tc.ok)
		}
	}
}

func TestJSONInteger(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"0", 64, 0, true}, {"-0", 64, 0, true}, {"9223372036854775807", 64, math.MaxInt64, true},
		{"-9223372036854775808", 64, math.MinInt64, true}, {"9223372036854775808", 64, 0, false},
		{"1.999", 64, 1, true}, {"-1.999", 64, -1, true}, {"0.5", 32, 0, true}, {"1e2", 32, 100, true},
		{"1.25e1", 32, 12, true}, {"125e-2", 32, 1, true}, {"1e-400", 64, 0, true}, {"0.0e400", 64, 0, true},
		{"9.223372036854775807e18", 64, math.MaxInt64, true}, {"2147483647.9", 32, math.MaxInt32, true},
		{"2147483648.0", 32, 0, false}, {"-2147483648.5", 32, math.MinInt32, true}, {"1e19", 64, 0, false},
	}
	for _, tc := range tests {
		got, ok := jsonInteger([]byte(tc.in), tc.bits)
		if ok != tc.ok || got != tc.want {
			t.Errorf("jsonInteger(%q, %d) = %v, %v; want %v, %v", tc.in, tc.bits, got, ok, tc.want, tc.ok)
		}
	}
}

func TestAppendJavaNumberText(t *testing.T) {
	// BigDecimal.toString of the exact value, as Jackson's DecimalNode.asText.
	tests := map[string]string{
		"12": "12", "-0": "0", "1.50": "1.50", "1e2": "1E+2", "1.0E2": "1.0E+2", "0.0000001": "1E-7",
		"0.000001": "0.000001", "-0.0": "0.0", "123.456": "123.456", "1E-2": "0.01", "12e-1": "1.2",
		"0.00": "0.00", "10.10": "10.10", "1.23e10": "1.23E+10",
	}
	for in, want := range tests {
		if got := string(appendJavaNumberText(nil, []byte(in))); got != want {
			t.Errorf("appendJavaNumberText(%q) = %q, want %q", in, got, want)
		}
	}
}
