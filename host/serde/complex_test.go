package serde

import (
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// complexCols is a schema with every complex type, nested.
var complexCols = []sdk.Column{
	{Name: "S", Type: sdk.TypeStruct, Desc: sdk.StructOf(
		sdk.Field{Name: "A", Type: sdk.Scalar(sdk.TypeInt)},
		sdk.Field{Name: "b", Type: sdk.ArrayOf(sdk.Scalar(sdk.TypeDouble))},
		sdk.Field{Name: "C", Type: sdk.Scalar(sdk.TypeBoolean)},
	)},
	{Name: "L", Type: sdk.TypeArray, Desc: sdk.ArrayOf(sdk.ArrayOf(sdk.Scalar(sdk.TypeString)))},
	{Name: "M", Type: sdk.TypeMap, Desc: sdk.MapOf(sdk.Scalar(sdk.TypeString), sdk.Scalar(sdk.TypeBigInt))},
}

func TestJSONComplexRoundTrip(t *testing.T) {
	s := mustNew(t, "JSON", complexCols, Options{Wrap: true})
	tests := []struct{ in, out string }{
		// Struct fields match case-insensitively, an exact match first;
		// missing ones are NULL; names are written as declared.
		{`{"s":{"a":1,"b":[1.5,null],"c":true},"l":[["x",null],[]],"m":{"k":2,"j":null}}`,
			`{"S":{"A":1,"b":[1.5,null],"C":true},"L":[["x",null],[]],"M":{"k":2,"j":null}}`},
		{`{"S":{"a":1,"A":2,"b":[],"B":[3]}}`, `{"S":{"A":2,"b":[],"C":null},"L":null,"M":null}`},
		{`{"S":{},"L":null,"M":{}}`, `{"S":{"A":null,"b":null,"C":null},"L":null,"M":{}}`},
		// Elements are coerced as columns are.
		{`{"S":{"A":"12","b":["2.5",7]},"L":[[1,true,{"x":1}]],"M":{"a":"9"}}`,
			`{"S":{"A":12,"b":[2.5,7.0],"C":null},"L":[["1","true","{\"x\":1}"]],"M":{"a":9}}`},
	}
	for _, tt := range tests {
		row := make([]sdk.Value, len(complexCols))
		if err := s.Decode([]byte(tt.in), row); err != nil {
			t.Errorf("Decode(%s): %v", tt.in, err)
			continue
		}
		for i, v := range row {
			if !v.Null && !sdk.CxValid(complexCols[i].Desc, []byte(v.S)) {
				t.Errorf("Decode(%s): column %d is not a valid encoding", tt.in, i)
			}
		}
		got, err := s.Encode(nil, row)
		if err != nil || string(got) != tt.out {
			t.Errorf("Encode(Decode(%s)) = %s, %v, want %s", tt.in, got, err, tt.out)
		}
	}
}

func TestJSONComplexBareValue(t *testing.T) {
	s := mustNew(t, "JSON", complexCols[:1], Options{})
	row := make([]sdk.Value, 1)
	if err := s.Decode([]byte(` {"A": 3} `), row); err != nil {
		t.Fatal(err)
	}
	got, err := s.Encode(nil, row)
	if err != nil || string(got) != `{"A":3,"b":null,"C":null}` {
		t.Errorf("Encode = %s, %v", got, err)
	}
}

func TestJSONComplexErrors(t *testing.T) {
	s := mustNew(t, "JSON", complexCols, Options{Wrap: true})
	for _, in := range []string{
		`{"S":[1]}`,
		`{"S":{"A":"x"}}`,
		`{"S":{"A":3000000000}}`,
		`{"L":{"a":1}}`,
		`{"L":[1]}`,
		`{"M":[1]}`,
		`{"M":{"a":true}}`,
		`{"S":{"A":1}`,
	} {
		row := make([]sdk.Value, len(complexCols))
		err := s.Decode([]byte(in), row)
		if err == nil {
			t.Errorf("Decode(%s) accepted", in)
			continue
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("Decode(%s): %T is not a *Error", in, err)
		}
	}
	// A malformed encoding (a module bug) is an error, not a panic.
	bad := []sdk.Value{{Type: sdk.TypeStruct, S: "\x08\x05\x00\x00\x00"}, sdk.Null(sdk.TypeArray), sdk.Null(sdk.TypeMap)}
	if _, err := s.Encode(nil, bad); err == nil {
		t.Error("Encode of a malformed struct succeeded")
	}
}

func TestComplexTypesRejected(t *testing.T) {
	for _, f := range []string{"DELIMITED", "KAFKA"} {
		_, err := New(f, complexCols[1:2], Options{})
		if err == nil || !strings.Contains(err.Error(), "does not support type 'ARRAY'") {
			t.Errorf("%s: %v, want the format to refuse ARRAY", f, err)
		}
	}
	if _, err := New("JSON", []sdk.Column{{Name: "X", Type: sdk.TypeArray}}, Options{}); err == nil {
		t.Error("an ARRAY column without a descriptor accepted")
	}
}
