package sdk

import "testing"

func TestDecimalTypeRoundTrip(t *testing.T) {
	seen := map[Type]bool{}
	for p := 1; p <= MaxDecimalPrecision; p++ {
		for s := 0; s <= p; s++ {
			ty, ok := DecimalType(p, s)
			if !ok || !ty.IsDecimal() || ty.Precision() != p || ty.Scale() != s || seen[ty] {
				t.Fatalf("DecimalType(%d, %d) = %d, %v: precision %d scale %d", p, s, ty, ok, ty.Precision(), ty.Scale())
			}
			seen[ty] = true
		}
	}
	for _, bad := range [][2]int{{0, 0}, {19, 2}, {4, 5}, {4, -1}} {
		if _, ok := DecimalType(bad[0], bad[1]); ok {
			t.Errorf("DecimalType(%d, %d) accepted", bad[0], bad[1])
		}
	}
	if ty, _ := DecimalType(4, 3); ty.String() != "DECIMAL(4, 3)" {
		t.Errorf("String = %q", ty.String())
	}
	for _, other := range []Type{TypeBigInt, TypeString, TypeBytes, TypeArray} {
		if other.IsDecimal() {
			t.Errorf("%v is a decimal", other)
		}
	}
}

func TestParseFormatDecimal(t *testing.T) {
	cases := []struct {
		in       string
		p, s     int
		want     int64
		ok       bool
		rendered string
	}{
		{"10.12", 5, 3, 10120, true, "10.120"},
		{"01.00", 5, 3, 1000, true, "1.000"},
		{".12", 4, 2, 12, true, "0.12"},
		{"-12345.12", 9, 4, -123451200, true, "-12345.1200"},
		{"1.005", 4, 2, 101, true, "1.01"},    // HALF_UP
		{"-1.005", 4, 2, -101, true, "-1.01"}, // HALF_UP is away from zero
		{"1.004", 4, 2, 100, true, "1.00"},
		{"99.995", 4, 2, 0, false, ""}, // rounds to 100.00: too wide
		{"123", 4, 2, 0, false, ""},
		{"1.5e2", 4, 1, 1500, true, "150.0"},
		{"0", 3, 3, 0, true, "0.000"},
		{"abc", 4, 2, 0, false, ""},
		{"", 4, 2, 0, false, ""},
		{"1.2.3", 4, 2, 0, false, ""},
		{" 7 ", 2, 0, 7, true, "7"},
	}
	for _, c := range cases {
		got, ok := ParseDecimal(c.in, c.p, c.s)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseDecimal(%q, %d, %d) = %d, %v; want %d, %v", c.in, c.p, c.s, got, ok, c.want, c.ok)
			continue
		}
		if ok {
			if r := FormatDecimal(got, c.s); r != c.rendered {
				t.Errorf("FormatDecimal(%d, %d) = %q, want %q", got, c.s, r, c.rendered)
			}
		}
	}
	if r := FormatDecimal(-5, 3); r != "-0.005" {
		t.Errorf("FormatDecimal(-5, 3) = %q", r)
	}
	if got, ok := DecimalFromDouble(1.1, 4, 2); !ok || got != 110 {
		t.Errorf("DecimalFromDouble(1.1) = %d, %v", got, ok)
	}
	if f := DecimalToDouble(120, 2); f != 1.2 {
		t.Errorf("DecimalToDouble(120, 2) = %v", f)
	}
}
