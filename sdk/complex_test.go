package sdk

import (
	"bytes"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestTypeDescString(t *testing.T) {
	tests := []struct {
		d    *TypeDesc
		want string
	}{
		{ArrayOf(Scalar(TypeInt)), "ARRAY<INTEGER>"},
		{MapOf(Scalar(TypeString), ArrayOf(Scalar(TypeDouble))), "MAP<STRING, ARRAY<DOUBLE>>"},
		{StructOf(Field{"A", Scalar(TypeBigInt)}, Field{"b", StructOf()}), "STRUCT<`A` BIGINT, `b` STRUCT<>>"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		back, err := ParseTypeDesc(AppendTypeDesc(nil, tt.d))
		if err != nil || !back.Equal(tt.d) {
			t.Errorf("%s: binary round trip gave %v, %v", tt.want, back, err)
		}
	}
	if ArrayOf(Scalar(TypeInt)).Equal(ArrayOf(Scalar(TypeBigInt))) {
		t.Error("ARRAY<INTEGER> equals ARRAY<BIGINT>")
	}
	if StructOf(Field{"A", Scalar(TypeInt)}).Equal(StructOf(Field{"a", Scalar(TypeInt)})) {
		t.Error("field names compare case-insensitively")
	}
}

func TestParseTypeDescMalformed(t *testing.T) {
	for _, b := range [][]byte{
		nil,
		{byte(TypeArray)},
		{byte(TypeStruct), 1, 0, 0, 0},
		{byte(TypeStruct), 1, 0, 0, 0, 9, 0, 0, 0, 'A'},
		{byte(TypeStruct), 0xff, 0xff, 0xff, 0x7f},
		{40},
		{byte(TypeInt), 0},
	} {
		if d, err := ParseTypeDesc(b); err == nil {
			t.Errorf("ParseTypeDesc(%v) = %v, want an error", b, d)
		}
	}
	// Nesting beyond MaxTypeDepth is refused, not recursed into.
	deep := bytes.Repeat([]byte{byte(TypeArray)}, 10000)
	if _, err := ParseTypeDesc(append(deep, byte(TypeInt))); err == nil {
		t.Error("a type nested 10000 deep was accepted")
	}
}

func TestCxEncoding(t *testing.T) {
	d := StructOf(
		Field{"A", Scalar(TypeInt)},
		Field{"L", ArrayOf(Scalar(TypeString))},
		Field{"M", MapOf(Scalar(TypeString), Scalar(TypeDouble))},
		Field{"B", Scalar(TypeBoolean)},
	)
	v := CxAppendHeader(nil, CxStruct, 4)
	v = CxAppendInt(v, -7)
	v = CxAppendHeader(v, CxArray, 2)
	v = CxAppendString(v, "x")
	v = append(v, CxNull)
	v = CxAppendHeader(v, CxMap, 1)
	v = CxAppendString(v, "k")
	v = CxAppendDouble(v, 1.5)
	v = CxAppendBool(v, true)
	if !CxValid(d, v) {
		t.Fatalf("valid value refused: %x", v)
	}
	if got := CxSkip(v, 0); got != len(v) {
		t.Errorf("CxSkip = %d, want %d", got, len(v))
	}
	// Every truncation is invalid, and so is a trailing byte.
	for n := 0; n < len(v); n++ {
		if CxValid(d, v[:n]) {
			t.Errorf("truncated to %d bytes: accepted", n)
		}
		if CxSkip(v[:n], 0) >= 0 {
			t.Errorf("CxSkip of %d bytes: not -1", n)
		}
	}
	if CxValid(d, append(append([]byte(nil), v...), 0)) {
		t.Error("trailing byte accepted")
	}
	// The wrong element type, and the wrong field count.
	if CxValid(StructOf(Field{"A", Scalar(TypeString)}), v) {
		t.Error("INT field accepted as STRING")
	}
	if CxValid(ArrayOf(Scalar(TypeInt)), CxAppendHeader(nil, CxArray, 1<<30)) {
		t.Error("a count beyond the data accepted")
	}
	n, ok := CxInt64(CxAppendInt(nil, -7))
	if !ok || n != -7 {
		t.Errorf("CxInt64 = %d, %v", n, ok)
	}
	s, ok := CxStr(CxAppendString(nil, "héllo"))
	if !ok || string(s) != "héllo" {
		t.Errorf("CxStr = %q, %v", s, ok)
	}
}

func TestCxSkipDeepNesting(t *testing.T) {
	var v []byte
	for i := 0; i < 10000; i++ {
		v = CxAppendHeader(v, CxArray, 1)
	}
	v = append(v, CxNull)
	if CxSkip(v, 0) != -1 {
		t.Error("a value nested 10000 deep was skipped")
	}
}

func TestColumnDescMsgpack(t *testing.T) {
	scalar := Column{Name: "A", Type: TypeInt}
	b, err := msgpack.Marshal(scalar)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("desc")) {
		t.Errorf("a scalar column encodes a desc: %q", b)
	}
	c := Column{Name: "S", Type: TypeStruct, Desc: StructOf(Field{"F", ArrayOf(Scalar(TypeBigInt))})}
	b, err = msgpack.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Column
	if err := msgpack.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Type != TypeStruct || !back.Desc.Equal(c.Desc) || back.TypeString() != "STRUCT<`F` ARRAY<BIGINT>>" {
		t.Errorf("round trip gave %+v", back)
	}
	if err := checkColumnDesc(Column{Name: "X", Type: TypeArray}); err == nil {
		t.Error("a complex column without a descriptor passed")
	}
	if err := checkColumnDesc(Column{Name: "X", Type: TypeArray, Desc: MapOf(Scalar(TypeString), Scalar(TypeInt))}); err == nil {
		t.Error("an ARRAY column with a MAP descriptor passed")
	}
}

// TestTypeDescDepthFitsManifest: every descriptor Check accepts fits in a
// manifest's msgpack nesting limit, as a stage column (the deepest place).
func TestTypeDescDepthFitsManifest(t *testing.T) {
	wrap := map[string]func(*TypeDesc) *TypeDesc{
		"struct": func(d *TypeDesc) *TypeDesc { return StructOf(Field{"F", d}) },
		"array":  ArrayOf,
		"map":    func(d *TypeDesc) *TypeDesc { return MapOf(Scalar(TypeString), d) },
	}
	for name, w := range wrap {
		d := Scalar(TypeInt)
		for n := 1; ; n++ {
			d = w(d)
			if d.Check() != nil {
				if n < 9 {
					t.Errorf("%s: Check refuses %d levels", name, n)
				}
				break
			}
			col := Column{Name: "C", Type: d.Type, Desc: d}
			m := &Manifest{ABIVersion: ABIVersion, MemoryPages: 1, Pipeline: Pipeline{Final: -1},
				Stages: []Stage{{Export: "s", Inputs: []Column{col}, Layout: Layout{Capacity: 1, Inputs: 1}}}}
			b, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := UnmarshalManifest(b); err != nil {
				t.Fatalf("%s: %d levels pass Check but not the manifest: %v", name, n, err)
			}
		}
	}
}
