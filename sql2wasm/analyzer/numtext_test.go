package analyzer

import (
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// TestStringNumericType checks the type ksqlDB gives a numeric string
// literal among numbers (IN lists, ARRAY and MAP constructors): an integer
// that fits, else a DECIMAL as Java's BigDecimal reads it (an exponent
// moves the scale; a negative scale becomes 0 with more digits).
func TestStringNumericType(t *testing.T) {
	dec := func(p, s int) sdk.Type {
		d, ok := sdk.DecimalType(p, s)
		if !ok {
			t.Fatalf("DECIMAL(%d, %d)", p, s)
		}
		return d
	}
	tests := []struct {
		text string
		want sdk.Type
		ok   bool
	}{
		{"10", sdk.TypeInt, true},
		{" -7 ", sdk.TypeInt, true},
		{"3000000000", sdk.TypeBigInt, true},
		{"1.50", dec(3, 2), true},
		{"0.001", dec(3, 3), true},
		{"2e1", dec(2, 0), true},
		{"2.5E3", dec(4, 0), true},
		{"1.25e-1", dec(3, 3), true},                    // 0.125
		{"12345678901234567890", typeWideDecimal, true}, // wider than 18 digits
		{"1e400", typeWideDecimal, true},
		{"abc", sdk.TypeUnknown, false},
	}
	for _, tt := range tests {
		got, ok := stringNumericType(tt.text)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%q: %v %v, want %v %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}
