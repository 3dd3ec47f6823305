package executor

import (
	"math"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// TestRepartitionValuesRoundTrip encodes rows of every kind of value as
// the repartition topic carries them and decodes them back.
func TestRepartitionValuesRoundTrip(t *testing.T) {
	dec, _ := sdk.DecimalType(10, 2)
	rows := [][]sdk.Value{
		nil,
		{sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeString), sdk.Null(sdk.TypeArray)},
		{sdk.Value{Type: sdk.TypeInt, I: math.MinInt32}, sdk.BigInt(math.MaxInt64), sdk.BigInt(-1), sdk.Value{Type: sdk.TypeBoolean, I: 1}},
		{sdk.Double(math.Inf(-1)), sdk.Double(-0.0), sdk.Double(1.5)},
		{str(""), str("héllo"), sdk.Value{Type: sdk.TypeBytes, S: "\x00\xff"}},
		{sdk.Value{Type: sdk.TypeArray, S: "\x01\x02\x03"}, sdk.Decimal(dec, -12345)},
	}
	for _, row := range rows {
		b := appendValues(nil, row)
		got, err := decodeValues(b, nil)
		if err != nil {
			t.Fatalf("%v: %v", row, err)
		}
		if len(got) != len(row) {
			t.Fatalf("%d values back, want %d", len(got), len(row))
		}
		for i := range row {
			w, g := row[i], got[i]
			if g.Type != w.Type || g.Null != w.Null || g.I != w.I || g.S != w.S || math.Float64bits(g.F) != math.Float64bits(w.F) {
				t.Errorf("value %d: %#v back, want %#v", i, g, w)
			}
		}
	}
}

// FuzzRepartitionRecord: a repartition record's value is read from Kafka,
// where anything may have been written: decoding never panics, and what
// decodes encodes back to the same bytes.
func FuzzRepartitionRecord(f *testing.F) {
	r := &repartition{}
	f.Add([]byte{repartitionVersion, changeAdd, 0, 0})
	f.Add(append([]byte{repartitionVersion, changeJoinRow, 1}, appendValues(nil, []sdk.Value{str("k"), sdk.BigInt(7), sdk.Null(sdk.TypeDouble)})...))
	f.Add([]byte{repartitionVersion, changeAdd, 0, 3, byte(sdk.TypeString), 200})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, vals, err := r.decode(b)
		if err != nil {
			return
		}
		// What decodes encodes to values that decode alike.
		once := append([]sdk.Value(nil), vals...)
		again, err := decodeValues(appendValues(nil, once), nil)
		if err != nil || len(again) != len(once) {
			t.Fatalf("%x: %v re-encoded does not decode (%v)", b, once, err)
		}
		for i := range once {
			w, g := once[i], again[i]
			if g.Type != w.Type || g.Null != w.Null || g.I != w.I || g.S != w.S || math.Float64bits(g.F) != math.Float64bits(w.F) {
				t.Fatalf("%x: value %d %#v re-decodes as %#v", b, i, w, g)
			}
		}
	})
}

func str(s string) sdk.Value { return sdk.Value{Type: sdk.TypeString, S: s} }
