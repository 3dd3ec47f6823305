package serde

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// The fuzz targets check, for any input: no panic; every error is a *Error;
// and what decodes re-encodes to something that decodes to the same row
// (decode(encode(row)) == row). Seed corpora are in testdata/fuzz.

// fuzzSerdes returns serdes of one format over schemas that exercise its
// shapes: an object/record of every type, a bare single value, a key.
func fuzzSerdes(t *testing.T, format string) []Serde {
	t.Helper()
	two := []sdk.Column{col("K", sdk.TypeInt), col("k2", sdk.TypeString)}
	var out []Serde
	switch format {
	case "JSON":
		out = append(out,
			mustNew(t, format, allTypes, Options{Wrap: true}),
			mustNew(t, format, []sdk.Column{col("name", sdk.TypeString), col("NAME", sdk.TypeDouble)}, Options{Wrap: true}),
			mustNew(t, format, []sdk.Column{col("V", sdk.TypeString)}, Options{}),
			mustNew(t, format, []sdk.Column{col("V", sdk.TypeBigInt)}, Options{}),
			mustNew(t, format, []sdk.Column{col("K", sdk.TypeDouble)}, Options{Key: true}),
			mustNew(t, format, two, Options{Key: true}),
			mustNew(t, format, complexCols, Options{Wrap: true}),
			mustNew(t, format, complexCols[:1], Options{}),
			mustNew(t, format, decimalCols, Options{Wrap: true}),
		)
	case "DELIMITED":
		out = append(out,
			mustNew(t, format, allTypes, Options{}),
			mustNew(t, format, allTypes, Options{Delimiter: "|"}),
			mustNew(t, format, []sdk.Column{col("V", sdk.TypeString)}, Options{}),
			mustNew(t, format, []sdk.Column{col("V", sdk.TypeDouble)}, Options{Delimiter: "TAB"}),
			mustNew(t, format, two, Options{Key: true, Delimiter: "§"}),
			mustNew(t, format, decimalCols[:2], Options{}),
		)
	case "KAFKA":
		for _, c := range allTypes[1:] {
			out = append(out, mustNew(t, format, []sdk.Column{c}, Options{}))
		}
	}
	return out
}

func fuzzRoundTrip(t *testing.T, s Serde, data []byte) {
	row := make([]sdk.Value, len(s.Columns()))
	err := s.Decode(data, row)
	if err != nil {
		var se *Error
		if !errors.As(err, &se) {
			t.Fatalf("%s Decode(%q) error %v is not a *Error", s.Format(), data, err)
		}
		if se.Error() == "" || strings.Contains(se.Reason, "\n") && s.Format() != "JSON" {
			t.Fatalf("%s Decode(%q): unreadable error %q", s.Format(), data, se.Error())
		}
		return
	}
	for i, v := range row {
		if v.Type != s.Columns()[i].Type {
			t.Fatalf("%s Decode(%q): column %d has type %v, want %v", s.Format(), data, i, v.Type, s.Columns()[i].Type)
		}
	}
	views := make([]sdk.Value, len(row))
	if err := StringViews(s).Decode(data, views); err != nil || !sameRow(row, views) {
		t.Fatalf("%s StringViews Decode(%q) = %s, %v; Decode gave %s", s.Format(), data, fmtRow(views), err, fmtRow(row))
	}
	enc, err := s.Encode(nil, row)
	if err != nil {
		t.Fatalf("%s Encode(Decode(%q) = %s): %v", s.Format(), data, fmtRow(row), err)
	}
	again := make([]sdk.Value, len(row))
	if err := s.Decode(enc, again); err != nil {
		t.Fatalf("%s Decode(Encode(%s) = %q): %v (input %q)", s.Format(), fmtRow(row), enc, err, data)
	}
	if !sameRow(row, again) {
		t.Fatalf("%s round trip of %q: %s -> %q -> %s", s.Format(), data, fmtRow(row), enc, fmtRow(again))
	}
}

func FuzzJSONDecode(f *testing.F) {
	for _, s := range []string{benchJSON, benchJSONLower, `{"B":true,"I":1.5e1,"S":{"a":[1,"\u00e9"]}}`, `"\ud83d\ude00"`, `-0.0`, `null`, `[1,{"a":null}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range fuzzSerdes(t, "JSON") {
			row := make([]sdk.Value, len(s.Columns()))
			if s.Decode(data, row) == nil && !json.Valid(data) {
				// The scanner is strict: it must not accept what is not
				// JSON (encoding/json is lenient only about UTF-8, which
				// the scanner checks).
				t.Fatalf("Decode accepted invalid JSON %q", data)
			}
			fuzzRoundTrip(t, s, data)
		}
	})
}

func FuzzDelimitedDecode(f *testing.F) {
	for _, s := range []string{`true,1,2,3.5,x`, `"a""b",1,,"",`, "\r\n" + `" x ",-1,+2,1e400,"1\n2"`, `1|2|3|4|5`, `a§b`, `"unterminated`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range fuzzSerdes(t, "DELIMITED") {
			fuzzRoundTrip(t, s, data)
		}
	})
}

func FuzzKafkaDecode(f *testing.F) {
	for _, b := range [][]byte{{0, 0, 0, 1}, {0x7f, 0xf8, 0, 0, 0, 0, 0, 1}, {}, []byte("héllo"), {0xff}} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range fuzzSerdes(t, "KAFKA") {
			fuzzRoundTrip(t, s, data)
		}
	})
}
