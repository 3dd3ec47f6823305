package serde

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func TestKafka(t *testing.T) {
	tests := []struct {
		name  string
		col   sdk.Column
		value sdk.Value
		bytes []byte // nil: a null record
	}{
		// kafka.json "INT", "BIGINT", "DOUBLE", "STRING".
		{name: "kafka.json INT", col: col("FOO", sdk.TypeInt), value: sdk.Int(2), bytes: []byte{0, 0, 0, 2}},
		{name: "negative INT", col: col("FOO", sdk.TypeInt), value: sdk.Int(-2), bytes: []byte{0xff, 0xff, 0xff, 0xfe}},
		{name: "kafka.json BIGINT", col: col("FOO", sdk.TypeBigInt), value: sdk.BigInt(2), bytes: []byte{0, 0, 0, 0, 0, 0, 0, 2}},
		{name: "BIGINT min", col: col("FOO", sdk.TypeBigInt), value: sdk.BigInt(math.MinInt64), bytes: []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
		{name: "kafka.json DOUBLE", col: col("FOO", sdk.TypeDouble), value: sdk.Double(2.2), bytes: []byte{0x40, 0x01, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}},
		{name: "kafka.json STRING", col: col("FOO", sdk.TypeString), value: sdk.Str("bar"), bytes: []byte("bar")},
		{name: "empty STRING is not NULL", col: col("FOO", sdk.TypeString), value: sdk.Str(""), bytes: []byte{}},
		{name: "NULL INT", col: col("FOO", sdk.TypeInt), value: sdk.Null(sdk.TypeInt), bytes: nil},
		{name: "NULL STRING", col: col("FOO", sdk.TypeString), value: sdk.Null(sdk.TypeString), bytes: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, "KAFKA", []sdk.Column{tc.col}, Options{})
			out, err := s.Encode(nil, []sdk.Value{tc.value})
			if err != nil {
				t.Fatal(err)
			}
			if (out == nil) != (tc.bytes == nil) || !bytes.Equal(out, tc.bytes) {
				t.Fatalf("Encode = %#v, want %#v", out, tc.bytes)
			}
			row := make([]sdk.Value, 1)
			if err := s.Decode(tc.bytes, row); err != nil {
				t.Fatal(err)
			}
			if !row[0].Equal(tc.value) || row[0].Type != tc.col.Type {
				t.Fatalf("Decode = %#v, want %#v", row[0], tc.value)
			}
			if s.IsNull(tc.bytes) != (tc.bytes == nil) {
				t.Fatalf("IsNull = %v", s.IsNull(tc.bytes))
			}
		})
	}
}

func TestKafkaDecodeErrors(t *testing.T) {
	tests := []struct {
		t    sdk.Type
		in   []byte
		want string
	}{
		{sdk.TypeInt, []byte{1, 2, 3}, `KAFKA key: field "K": expected 4 bytes for an INTEGER, got 3`},
		{sdk.TypeInt, []byte{}, "expected 4 bytes"},
		{sdk.TypeBigInt, []byte{1, 2, 3, 4}, "expected 8 bytes for a BIGINT, got 4"},
		{sdk.TypeDouble, make([]byte, 9), "expected 8 bytes for a DOUBLE, got 9"},
	}
	for _, tc := range tests {
		s := mustNew(t, "KAFKA", []sdk.Column{col("K", tc.t)}, Options{Key: true})
		err := s.Decode(tc.in, make([]sdk.Value, 1))
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%v as %v) error = %v, want %q", tc.in, tc.t, err, tc.want)
		}
	}
}

func TestWindowedKeys(t *testing.T) {
	key := []byte("k1")
	tw := AppendTimeWindow(append([]byte(nil), key...), 30000)
	if want := append([]byte("k1"), 0, 0, 0, 0, 0, 0, 0x75, 0x30); !bytes.Equal(tw, want) {
		t.Fatalf("AppendTimeWindow = %v, want %v", tw, want)
	}
	k, start, err := ParseTimeWindow(tw)
	if err != nil || !bytes.Equal(k, key) || start != 30000 {
		t.Fatalf("ParseTimeWindow = %q, %d, %v", k, start, err)
	}
	// Appending to the returned inner key must not overwrite the window.
	_ = append(k, 'x')
	if _, s2, _ := ParseTimeWindow(tw); s2 != 30000 {
		t.Fatal("inner key aliases the window bytes")
	}

	sw := AppendSessionWindow(append([]byte(nil), key...), 0, 10009)
	// SessionWindowedSerializer writes the end first, then the start.
	if want := append([]byte("k1"), 0, 0, 0, 0, 0, 0, 0x27, 0x19, 0, 0, 0, 0, 0, 0, 0, 0); !bytes.Equal(sw, want) {
		t.Fatalf("AppendSessionWindow = %v, want %v", sw, want)
	}
	k, start, end, err := ParseSessionWindow(sw)
	if err != nil || !bytes.Equal(k, key) || start != 0 || end != 10009 {
		t.Fatalf("ParseSessionWindow = %q, %d, %d, %v", k, start, end, err)
	}
	neg := AppendTimeWindow(nil, -1)
	if _, s, _ := ParseTimeWindow(neg); s != -1 {
		t.Fatalf("negative start = %d", s)
	}
	if _, _, err := ParseTimeWindow(make([]byte, 7)); err == nil {
		t.Error("ParseTimeWindow of 7 bytes: no error")
	}
	if _, _, _, err := ParseSessionWindow(make([]byte, 15)); err == nil {
		t.Error("ParseSessionWindow of 15 bytes: no error")
	}
}
