package serde

import (
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func decType(t *testing.T, p, s int) sdk.Type {
	t.Helper()
	d, ok := sdk.DecimalType(p, s)
	if !ok {
		t.Fatalf("DECIMAL(%d, %d)", p, s)
	}
	return d
}

func TestDecimalAndBytesRoundTrip(t *testing.T) {
	d62 := decType(t, 6, 2)
	cols := []sdk.Column{{Name: "D", Type: d62}, {Name: "B", Type: sdk.TypeBytes}}
	js, err := New("JSON", cols, Options{Wrap: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in, out string
		d       int64
	}{
		{`{"D":12.345,"B":"AAEC/w=="}`, `{"D":12.35,"B":"AAEC/w=="}`, 1235}, // HALF_UP to the scale
		{`{"D":"-0.5","B":""}`, `{"D":-0.50,"B":""}`, -50},                  // a numeric string, as ksqlDB reads it
		{`{"D":1e2,"B":null}`, `{"D":100.00,"B":null}`, 10000},
	}
	for _, c := range cases {
		row := make([]sdk.Value, 2)
		if err := js.Decode([]byte(c.in), row); err != nil {
			t.Errorf("decode %s: %v", c.in, err)
			continue
		}
		if row[0].Type != d62 || row[0].I != c.d {
			t.Errorf("decode %s: D = %#v, want unscaled %d", c.in, row[0], c.d)
		}
		out, err := js.Encode(nil, row)
		if err != nil || string(out) != c.out {
			t.Errorf("encode %s = %s, %v; want %s", c.in, out, err, c.out)
		}
	}
	for _, bad := range []string{`{"D":12345.6}`, `{"D":"x"}`, `{"D":true}`, `{"B":"not base64!"}`, `{"B":12}`} {
		row := make([]sdk.Value, 2)
		if err := js.Decode([]byte(bad), row); err == nil {
			t.Errorf("decode %s: no error", bad)
		}
	}

	del, err := New("DELIMITED", cols[:1], Options{})
	if err != nil {
		t.Fatal(err)
	}
	row := make([]sdk.Value, 1)
	if err := del.Decode([]byte("-12.345"), row); err != nil || row[0].I != -1235 {
		t.Fatalf("DELIMITED decode = %#v, %v", row[0], err)
	}
	if out, err := del.Encode(nil, row); err != nil || string(out) != `"-12.35"` {
		t.Errorf("DELIMITED encode = %s, %v", out, err)
	}
}

func TestBytesInDelimitedAndKafka(t *testing.T) {
	cols := []sdk.Column{{Name: "B", Type: sdk.TypeBytes}}
	del, err := New("DELIMITED", cols, Options{})
	if err != nil {
		t.Fatal(err)
	}
	row := make([]sdk.Value, 1)
	if err := del.Decode([]byte("AAEC/w=="), row); err != nil || row[0].S != "\x00\x01\x02\xff" {
		t.Fatalf("DELIMITED decode = %#v, %v", row[0], err)
	}
	if out, err := del.Encode(nil, row); err != nil || string(out) != "AAEC/w==" {
		t.Errorf("DELIMITED encode = %q, %v", out, err)
	}
	if err := del.Decode([]byte("not base64!"), row); err == nil {
		t.Error("DELIMITED decoded text that is not base64")
	}
	kafka, err := New("KAFKA", cols, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := kafka.Decode([]byte{0, 1, 0xff}, row); err != nil || row[0].S != "\x00\x01\xff" {
		t.Fatalf("KAFKA decode = %#v, %v", row[0], err)
	}
	if out, err := kafka.Encode(nil, row); err != nil || string(out) != "\x00\x01\xff" {
		t.Errorf("KAFKA encode = %q, %v", out, err)
	}
}

func TestFormatsRejectDecimal(t *testing.T) {
	d := decType(t, 4, 2)
	for _, c := range []struct {
		format string
		t      sdk.Type
		want   string
	}{
		{"KAFKA", d, "the 'KAFKA' format does not support type 'DECIMAL'"},
	} {
		_, err := New(c.format, []sdk.Column{{Name: "V", Type: c.t}}, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with %s: %v, want %q", c.format, c.t, err, c.want)
		}
	}
}

// decimalCols are the DECIMAL and BYTES columns the fuzz targets use.
var decimalCols = func() []sdk.Column {
	d62, _ := sdk.DecimalType(6, 2)
	d18, _ := sdk.DecimalType(18, 18)
	return []sdk.Column{{Name: "D", Type: d62}, {Name: "E", Type: d18}, {Name: "B", Type: sdk.TypeBytes}}
}()
