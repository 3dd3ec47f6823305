package qtt

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/sdk"
)

// spec decodes an expected value spec from JSON text, as the loader does.
func spec(t *testing.T, text string) any {
	t.Helper()
	v, err := decodeJSON([]byte(text))
	if err != nil {
		t.Fatalf("bad spec %s: %v", text, err)
	}
	return v
}

func dec(t *testing.T, s string) decimal {
	t.Helper()
	d, ok := parseDecimal(s)
	if !ok {
		t.Fatalf("bad decimal %q", s)
	}
	return d
}

func TestMatchesNumbers(t *testing.T) {
	tests := []struct {
		name     string
		actual   any
		expected string
		want     bool
	}{
		{"int equal", jInt(8), `8`, true},
		{"int differs", jInt(8), `9`, false},
		{"int vs decimal expected truncates (intValue)", jInt(1), `1.5`, true},
		{"int vs decimal expected 100.0", jInt(100), `100.0`, true},
		{"long equal", jLong(1 << 40), `1099511627776`, true},
		{"long vs int expected", jLong(5), `5`, true},
		{"long differs", jLong(1 << 40), `1099511627777`, false},
		{"double within 1e-6", jDouble(0.1 + 0.2), `0.3`, true},
		{"double beyond 1e-6", jDouble(0.300002), `0.3`, false},
		{"double vs int expected", jDouble(3), `3`, true},
		{"decimal same scale", dec(t, "100.0"), `100.0`, true},
		{"decimal scale differs 1.50 vs 1.5", dec(t, "1.50"), `1.5`, false},
		{"decimal scale differs 1.5 vs 1.50", dec(t, "1.5"), `1.50`, false},
		{"decimal scale>0 vs int expected", dec(t, "100.0"), `100`, false},
		{"decimal scale 0 vs int expected", dec(t, "100"), `100`, true},
		{"decimal negative scale vs int expected", dec(t, "1E+2"), `100`, true},
		{"decimal scale 0 vs long expected", dec(t, "5000000000"), `5000000000`, true},
		{"decimal exact text", dec(t, "55555.555555555555555555"), `55555.555555555555555555`, true},
		{"decimal exact text differs", dec(t, "55555.555555555555555556"), `55555.555555555555555555`, false},
		{"decimal vs exponent expected", dec(t, "1.0E+10"), `1.0E10`, true},
		{"decimal vs exponent expected other scale", dec(t, "10000000000.0"), `1.0E10`, false},
		{"string never matches number", "8", `8`, false},
		{"null never matches number", nil, `8`, false},
		{"bigint actual never matches", jBigInt{}, `8`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Matches(tt.actual, spec(t, tt.expected)); got != tt.want {
				t.Errorf("Matches(%s, %s) = %v, want %v", formatActual(tt.actual), tt.expected, got, tt.want)
			}
		})
	}
}

func TestMatchesStructure(t *testing.T) {
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		actual   any
		expected string
		want     bool
	}{
		{"exact field names", obj("NAME", "a"), `{"NAME": "a"}`, true},
		{"upper-cased lookup", obj("NAME", "a"), `{"name": "a"}`, true},
		{"no lower-case lookup", obj("name", "a"), `{"NAME": "a"}`, false},
		{"field order ignored", obj("ID", jInt(1), "AGE", jInt(20)), `{"AGE": 20, "ID": 1}`, true},
		{"extra actual field", obj("ID", jInt(1), "AGE", jInt(20)), `{"ID": 1}`, false},
		{"missing actual field", obj("ID", jInt(1)), `{"ID": 1, "AGE": 20}`, false},
		{"missing field expected null still counts fields", obj("ID", jInt(1), "X", jInt(2)), `{"ID": 1, "Y": null}`, true},
		{"null field", obj("A", nil), `{"A": null}`, true},
		{"null vs value", obj("A", jInt(0)), `{"A": null}`, false},
		{"exact null falls back to upper", obj("a", nil, "A", jInt(1)), `{"a": 1, "b": null}`, true},
		{"nested object", obj("S", obj("F", "x")), `{"S": {"f": "x"}}`, true},
		{"array equal", []any{jInt(1), jInt(2)}, `[1, 2]`, true},
		{"array length", []any{jInt(1)}, `[1, 2]`, false},
		{"array order", []any{jInt(2), jInt(1)}, `[1, 2]`, false},
		{"object vs string", "x", `{"A": 1}`, false},
		{"string equal", "foo", `"foo"`, true},
		{"string vs decimal by value and scale", dec(t, "1.50"), `"1.50"`, true},
		{"string vs decimal scale differs", dec(t, "1.5"), `"1.50"`, false},
		{"string vs bytes base64", jBytes("!"), `"IQ=="`, true},
		{"string vs int", jInt(1), `"1"`, false},
		{"bool", true, `true`, true},
		{"bool differs", false, `true`, false},
		{"bool vs string", "true", `true`, false},
		{"null", nil, `null`, true},
		{"null vs empty string", "", `null`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Matches(tt.actual, spec(t, tt.expected)); got != tt.want {
				t.Errorf("Matches(%s, %s) = %v, want %v", formatActual(tt.actual), tt.expected, got, tt.want)
			}
		})
	}
}

func TestParseActualJSON(t *testing.T) {
	tests := []struct {
		in    string
		exact bool
		want  string // formatActual of the result
		typ   string
	}{
		{`1`, true, `1`, "jInt"},
		{`5000000000`, true, `5000000000`, "jLong"},
		{`100.0`, true, `100.0`, "decimal"},
		{`100.0`, false, `100.0`, "jDouble"},
		{`{"A":1.50}`, true, `{"A":1.50}`, "map"},
	}
	for _, tt := range tests {
		v, err := parseActualJSON([]byte(tt.in), tt.exact)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := formatActual(v); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
		var typ string
		switch v.(type) {
		case jInt:
			typ = "jInt"
		case jLong:
			typ = "jLong"
		case decimal:
			typ = "decimal"
		case jDouble:
			typ = "jDouble"
		case map[string]any:
			typ = "map"
		}
		if typ != tt.typ {
			t.Errorf("%s: type %s, want %s", tt.in, typ, tt.typ)
		}
	}
	if _, err := parseActualJSON([]byte(`{"A":`), true); err == nil {
		t.Error("truncated JSON: no error")
	}
}

func TestDecimal(t *testing.T) {
	tests := []struct {
		in       string
		unscaled string
		scale    int32
		str      string
		long     int64
	}{
		{"1.50", "150", 2, "1.50", 1},
		{"-1.5", "-15", 1, "-1.5", -1},
		{"1e5", "1", -5, "1E+5", 100000},
		{"1.0E10", "10", -9, "1.0E+10", 10000000000},
		{"0.000001", "1", 6, "0.000001", 0},
		{"0.0000001", "1", 7, "1E-7", 0},
		{"123", "123", 0, "123", 123},
	}
	for _, tt := range tests {
		d := dec(t, tt.in)
		if d.unscaled.String() != tt.unscaled || d.scale != tt.scale {
			t.Errorf("%s: unscaled %s scale %d, want %s %d", tt.in, d.unscaled, d.scale, tt.unscaled, tt.scale)
		}
		if d.String() != tt.str {
			t.Errorf("%s: String %s, want %s", tt.in, d.String(), tt.str)
		}
		if d.longValue() != tt.long {
			t.Errorf("%s: longValue %d, want %d", tt.in, d.longValue(), tt.long)
		}
	}
	for _, bad := range []string{"", "-", ".", "1.2.3", "1e", "abc", "1e99999999999"} {
		if _, ok := parseDecimal(bad); ok {
			t.Errorf("parseDecimal(%q) accepted", bad)
		}
	}
}

func TestJavaDoubleString(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{100, "100.0"},
		{1.5, "1.5"},
		{0.001, "0.001"},
		{0.0001, "1.0E-4"},
		{1e7, "1.0E7"},
		{9999999, "9999999.0"},
		{1.2345e10, "1.2345E10"},
		{-2.5, "-2.5"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := javaDoubleString(tt.in); got != tt.want {
			t.Errorf("javaDoubleString(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSpecSerdeKafka(t *testing.T) {
	col := func(typ sdk.Type) []sdk.Column { return []sdk.Column{{Name: "X", Type: typ}} }
	tests := []struct {
		name  string
		cols  []sdk.Column
		spec  string
		bytes []byte
		back  string // formatActual after deserialize
	}{
		{"int", col(sdk.TypeInt), `2`, []byte{0, 0, 0, 2}, `2`},
		{"bigint narrowed", col(sdk.TypeBigInt), `2`, []byte{0, 0, 0, 0, 0, 0, 0, 2}, `2`},
		{"bigint max int stays long", col(sdk.TypeBigInt), `2147483647`, []byte{0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}, `2147483647`},
		{"double", col(sdk.TypeDouble), `2.5`, binary.BigEndian.AppendUint64(nil, math.Float64bits(2.5)), `2.5`},
		{"string", col(sdk.TypeString), `"bar"`, []byte("bar"), `"bar"`},
		{"no columns is a string", nil, `"x"`, []byte("x"), `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := specSerde{format: "KAFKA", cols: tt.cols, exact: true}
			sp := spec(t, tt.spec)
			raw, _ := rawJSON(sp)
			b, err := s.serialize(sp, raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != string(tt.bytes) {
				t.Fatalf("serialize = %x, want %x", b, tt.bytes)
			}
			v, _, err := s.deserialize(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatActual(v); got != tt.back {
				t.Errorf("deserialize = %s, want %s", got, tt.back)
			}
			if !Matches(v, sp) {
				t.Errorf("round trip of %s does not match itself", tt.spec)
			}
		})
	}
	// The narrowed BIGINT is an Integer: it is the 'bigint max int stays
	// long' case's counterpart.
	v, _, _ := specSerde{format: "KAFKA", cols: col(sdk.TypeBigInt)}.deserialize([]byte{0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff})
	if _, ok := v.(jLong); !ok {
		t.Errorf("BIGINT 2147483647 decoded as %T, want jLong (the narrowing is strict)", v)
	}
	if _, err := (specSerde{format: "KAFKA", cols: col(sdk.TypeInt)}).serialize("x", []byte(`"x"`), nil); err == nil {
		t.Error("a string spec for an INT column serialized without error")
	}
}

func TestSpecSerdeWindows(t *testing.T) {
	timeKey := specSerde{format: "KAFKA", cols: []sdk.Column{{Name: "K", Type: sdk.TypeInt}},
		window: &sdk.KeyWindow{Type: sdk.WindowTumbling, SizeMs: 30000}}
	b, err := timeKey.serialize(spec(t, `1`), []byte(`1`), &Window{Start: 60000, End: 90000, Type: "TIME"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 12 {
		t.Fatalf("time-windowed key has %d bytes, want 4+8", len(b))
	}
	k, w, err := timeKey.deserialize(b)
	if err != nil {
		t.Fatal(err)
	}
	if *w != (Window{Start: 60000, End: 90000, Type: "TIME"}) || formatActual(k) != "1" {
		t.Errorf("time window round trip: key %s window %+v", formatActual(k), *w)
	}

	sessKey := specSerde{format: "JSON", window: &sdk.KeyWindow{Type: sdk.WindowSession}}
	b, err = sessKey.serialize(spec(t, `"a"`), []byte(`"a"`), &Window{Start: 10, End: 20, Type: "SESSION"})
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint64(b[len(b)-16:]); got != 20 {
		t.Errorf("session key: end first, got %d", got)
	}
	k, w, err = sessKey.deserialize(b)
	if err != nil {
		t.Fatal(err)
	}
	if *w != (Window{Start: 10, End: 20, Type: "SESSION"}) || k != "a" {
		t.Errorf("session window round trip: key %v window %+v", k, *w)
	}
	if _, _, err := sessKey.deserialize([]byte("x")); err == nil {
		t.Error("short session key: no error")
	}
}

func TestRecordDiff(t *testing.T) {
	ts := func(v int64) *int64 { return &v }
	exp := func(key, value string, mod func(*Record)) *Record {
		r := &Record{Key: mustSpec(key), Value: mustSpec(value)}
		if mod != nil {
			mod(r)
		}
		return r
	}
	act := func(key, value any, tsv int64, mod func(*actualRecord)) actualRecord {
		a := actualRecord{key: key, value: value}
		a.rec.Timestamp = tsv
		if mod != nil {
			mod(&a)
		}
		return a
	}
	win := &Window{Start: 0, End: 30000, Type: "TIME"}
	tests := []struct {
		name        string
		exp         *Record
		act         actualRecord
		outputsOnly bool
		want        string // "" for a match, else a substring of the difference
	}{
		{"match", exp(`1`, `{"A":1}`, nil), act(jInt(1), map[string]any{"A": jInt(1)}, 5, nil), false, ""},
		{"key differs", exp(`1`, `{"A":1}`, nil), act(jInt(2), map[string]any{"A": jInt(1)}, 0, nil), false, "key"},
		{"value differs", exp(`1`, `{"A":1}`, nil), act(jInt(1), map[string]any{"A": jInt(2)}, 0, nil), false, "value"},
		{"timestamp unchecked when absent", exp(`1`, `null`, nil), act(jInt(1), nil, 99, nil), false, ""},
		{"timestamp checked", exp(`1`, `null`, func(r *Record) { r.Timestamp = ts(5) }), act(jInt(1), nil, 6, nil), false, "timestamp"},
		{"timestamp 0 skipped in outputs-only tests", exp(`1`, `null`, func(r *Record) { r.Timestamp = ts(0) }), act(jInt(1), nil, 1700000000000, nil), true, ""},
		{"timestamp 0 checked with inputs", exp(`1`, `null`, func(r *Record) { r.Timestamp = ts(0) }), act(jInt(1), nil, 1700000000000, nil), false, "timestamp"},
		{"window matches", exp(`1`, `null`, func(r *Record) { r.Window = win }), act(jInt(1), nil, 0, func(a *actualRecord) { a.window = &Window{0, 30000, "TIME"} }), false, ""},
		{"window end differs", exp(`1`, `null`, func(r *Record) { r.Window = win }), act(jInt(1), nil, 0, func(a *actualRecord) { a.window = &Window{0, 60000, "TIME"} }), false, "window"},
		{"window type differs", exp(`1`, `null`, func(r *Record) { r.Window = win }), act(jInt(1), nil, 0, func(a *actualRecord) { a.window = &Window{0, 30000, "SESSION"} }), false, "window"},
		{"window expected, none actual", exp(`1`, `null`, func(r *Record) { r.Window = win }), act(jInt(1), nil, 0, nil), false, "windowed"},
		{"windowed actual, none expected", exp(`1`, `null`, nil), act(jInt(1), nil, 0, func(a *actualRecord) { a.window = win }), false, "windowed"},
		{"no expected headers means none", exp(`1`, `null`, nil), act(jInt(1), nil, 0, func(a *actualRecord) { a.rec.Headers = []executor.Header{{Key: "h"}} }), false, "headers"},
		{"headers match", exp(`1`, `null`, func(r *Record) { r.Headers = []Header{{Key: "h", Value: []byte("!")}} }),
			act(jInt(1), nil, 0, func(a *actualRecord) { a.rec.Headers = []executor.Header{{Key: "h", Value: []byte("!")}} }), false, ""},
		{"null header value differs from empty", exp(`1`, `null`, func(r *Record) { r.Headers = []Header{{Key: "h"}} }),
			act(jInt(1), nil, 0, func(a *actualRecord) { a.rec.Headers = []executor.Header{{Key: "h", Value: []byte{}}} }), false, "headers"},
		{"undecodable value", exp(`1`, `null`, nil), act(jInt(1), nil, 0, func(a *actualRecord) { a.valueErr = errTest }), false, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := recordDiff(tt.exp, tt.act, tt.outputsOnly)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("recordDiff = %q, want %q", got, tt.want)
			}
		})
	}
}

var errTest = errors.New("test error")

func mustSpec(text string) any {
	v, err := decodeJSON([]byte(text))
	if err != nil {
		panic(err)
	}
	return v
}
