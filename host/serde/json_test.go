package serde

import (
	"errors"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func col(name string, t sdk.Type) sdk.Column { return sdk.Column{Name: name, Type: t} }

// mustNew builds a serde or fails the test.
func mustNew(t testing.TB, format string, cols []sdk.Column, opts Options) Serde {
	t.Helper()
	s, err := New(format, cols, opts)
	if err != nil {
		t.Fatalf("New(%s, %v): %v", format, cols, err)
	}
	return s
}

// sameRow compares rows, NULLs by type-less equality.
func sameRow(a, b []sdk.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func fmtRow(r []sdk.Value) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = v.GoString()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

var allTypes = []sdk.Column{
	col("B", sdk.TypeBoolean), col("I", sdk.TypeInt), col("L", sdk.TypeBigInt),
	col("D", sdk.TypeDouble), col("S", sdk.TypeString),
}

func TestJSONDecode(t *testing.T) {
	null := func(t sdk.Type) sdk.Value { return sdk.Null(t) }
	tests := []struct {
		name string
		cols []sdk.Column
		opts Options
		in   string
		want []sdk.Value
		err  string // substring of the error, when one is expected
	}{
		{name: "all types", cols: allTypes, opts: Options{Wrap: true},
			in:   `{"B":true,"I":-12,"L":9223372036854775807,"D":1.5,"S":"x"}`,
			want: []sdk.Value{sdk.Bool(true), sdk.Int(-12), sdk.BigInt(math.MaxInt64), sdk.Double(1.5), sdk.Str("x")}},
		{name: "missing fields and null are NULL", cols: allTypes, opts: Options{Wrap: true},
			in:   `{"I":null, "other": [1, {"x": "y"}]}`,
			want: []sdk.Value{null(sdk.TypeBoolean), null(sdk.TypeInt), null(sdk.TypeBigInt), null(sdk.TypeDouble), null(sdk.TypeString)}},
		{name: "case-insensitive lookup (where.json {name} into NAME)", cols: []sdk.Column{col("NAME", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"name":"a"}`, want: []sdk.Value{sdk.Str("a")}},
		{name: "mixed-case field (group-by.json {Id} into ID)", cols: []sdk.Column{col("ID", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"Id":"1"}`, want: []sdk.Value{sdk.Str("1")}},
		{name: "exact name wins over upper-cased", cols: []sdk.Column{col("A", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"A":1,"a":2}`, want: []sdk.Value{sdk.Int(1)}},
		{name: "exact name wins even when later", cols: []sdk.Column{col("A", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"a":2,"A":1}`, want: []sdk.Value{sdk.Int(1)}},
		{name: "quoted lower-case column matches only exactly", cols: []sdk.Column{col("name", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"NAME":"x"}`, want: []sdk.Value{null(sdk.TypeString)}},
		{name: "one field feeds a quoted and an unquoted column", cols: []sdk.Column{col("name", sdk.TypeString), col("NAME", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"name":"x"}`, want: []sdk.Value{sdk.Str("x"), sdk.Str("x")}},
		{name: "duplicate field: last wins", cols: []sdk.Column{col("A", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"A":"bad","A":3}`, want: []sdk.Value{sdk.Int(3)}},
		{name: "escaped field name", cols: []sdk.Column{col("AB", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"\u0061b":7}`, want: []sdk.Value{sdk.Int(7)}},
		{name: "non-ASCII upper-casing", cols: []sdk.Column{col("ÉTÉ", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"été":7}`, want: []sdk.Value{sdk.Int(7)}},
		{name: "BIGINT exact beyond float64", cols: []sdk.Column{col("L", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":9007199254740993}`, want: []sdk.Value{sdk.BigInt(9007199254740993)}},
		{name: "BIGINT min", cols: []sdk.Column{col("L", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":-9223372036854775808}`, want: []sdk.Value{sdk.BigInt(math.MinInt64)}},
		{name: "BIGINT out of range", cols: []sdk.Column{col("L", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":9223372036854775808}`, err: `JSON value: field "L": number "9223372036854775808" is out of range for BIGINT`},
		{name: "INT out of range", cols: []sdk.Column{col("I", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"I":2147483648}`, err: "out of range for INTEGER"},
		{name: "INT min", cols: []sdk.Column{col("I", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"I":-2147483648}`, want: []sdk.Value{sdk.Int(math.MinInt32)}},
		{name: "fraction into INT truncates toward zero", cols: []sdk.Column{col("I", sdk.TypeInt), col("J", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"I":1.9,"J":-1.9}`, want: []sdk.Value{sdk.Int(1), sdk.Int(-1)}},
		{name: "1.0 into BIGINT", cols: []sdk.Column{col("L", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":1.0}`, want: []sdk.Value{sdk.BigInt(1)}},
		{name: "exponent into BIGINT", cols: []sdk.Column{col("L", sdk.TypeBigInt), col("M", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":1.5e3,"M":12e-1}`, want: []sdk.Value{sdk.BigInt(1500), sdk.BigInt(1)}},
		{name: "huge exponent into BIGINT", cols: []sdk.Column{col("L", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":1e999999999999}`, err: "out of range"},
		{name: "zero with huge exponent", cols: []sdk.Column{col("L", sdk.TypeBigInt)}, opts: Options{Wrap: true},
			in: `{"L":0e999999999999}`, want: []sdk.Value{sdk.BigInt(0)}},
		{name: "numeric string into INT", cols: []sdk.Column{col("I", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"I":"-42"}`, want: []sdk.Value{sdk.Int(-42)}},
		{name: "bad string into INT", cols: []sdk.Column{col("AGE", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"age":"abc"}`, err: `JSON value: field "AGE": cannot parse "abc" as INTEGER`},
		{name: "decimal string into INT is refused (Integer.parseInt)", cols: []sdk.Column{col("I", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"I":"1.0"}`, err: "cannot parse"},
		{name: "exact double", cols: []sdk.Column{col("D", sdk.TypeDouble)}, opts: Options{Wrap: true},
			in: `{"D":55555.555555555555555555}`, want: []sdk.Value{sdk.Double(55555.555555555555555555)}},
		{name: "integer into DOUBLE", cols: []sdk.Column{col("D", sdk.TypeDouble)}, opts: Options{Wrap: true},
			in: `{"D":100}`, want: []sdk.Value{sdk.Double(100)}},
		{name: "string into DOUBLE (Double.parseDouble)", cols: []sdk.Column{col("D", sdk.TypeDouble), col("E", sdk.TypeDouble), col("F", sdk.TypeDouble)}, opts: Options{Wrap: true},
			in: `{"D":" 1.5 ","E":"NaN","F":"-Infinity"}`, want: []sdk.Value{sdk.Double(1.5), sdk.Double(math.NaN()), sdk.Double(math.Inf(-1))}},
		{name: "Go-only float syntax refused", cols: []sdk.Column{col("D", sdk.TypeDouble)}, opts: Options{Wrap: true},
			in: `{"D":"inf"}`, err: `cannot parse "inf" as DOUBLE`},
		{name: "number into STRING keeps its text", cols: []sdk.Column{col("S", sdk.TypeString), col("T", sdk.TypeString), col("U", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":12,"T":1.50,"U":1e2}`, want: []sdk.Value{sdk.Str("12"), sdk.Str("1.50"), sdk.Str("1E+2")}},
		{name: "boolean into STRING", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":true}`, want: []sdk.Value{sdk.Str("true")}},
		{name: "object into STRING is compact JSON", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":{ "a" : [1, "\u0041"], "b":null }}`, want: []sdk.Value{sdk.Str(`{"a":[1,"A"],"b":null}`)}},
		{name: "array into STRING as ksqlDB renders it", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":["a", 1, null, [true]]}`, want: []sdk.Value{sdk.Str(`[a, 1, null, [true]]`)}},
		{name: "string into BOOLEAN is refused (JsonSerdeUtils.toBoolean)", cols: []sdk.Column{col("B", sdk.TypeBoolean)}, opts: Options{Wrap: true},
			in: `{"B":"true"}`, err: "cannot convert a JSON string to BOOLEAN"},
		{name: "number into BOOLEAN is refused", cols: []sdk.Column{col("B", sdk.TypeBoolean)}, opts: Options{Wrap: true},
			in: `{"B":1}`, err: "cannot convert a JSON number to BOOLEAN"},
		{name: "object into INT is refused", cols: []sdk.Column{col("I", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"I":{"x":1}}`, err: "cannot convert a JSON object to INTEGER"},
		{name: "string escapes", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00"}`, want: []sdk.Value{sdk.Str("a\"b\\c/d\n\té😀")}},
		{name: "lone surrogate becomes U+FFFD", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":"\ud83dx"}`, want: []sdk.Value{sdk.Str("\ufffdx")}},
		{name: "literal null record", cols: allTypes[:2], opts: Options{Wrap: true},
			in: ` null `, want: []sdk.Value{null(sdk.TypeBoolean), null(sdk.TypeInt)}},
		{name: "not an object", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `[1,2]`, err: "expected a JSON object, found a JSON array"},
		{name: "empty", cols: allTypes[:2], opts: Options{Wrap: true},
			in: ``, err: "empty data"},
		{name: "trailing data", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{} x`, err: "unexpected data after the JSON document"},
		{name: "syntax: missing colon", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{"B" true}`, err: "expected ':'"},
		{name: "syntax: leading zero", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{"I":01}`, err: "leading zeros"},
		{name: "syntax: bad skipped value", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{"X":[1,}`, err: "invalid JSON"},
		{name: "syntax: raw control char", cols: allTypes[:2], opts: Options{Wrap: true},
			in: "{\"X\":\"a\x01\"}", err: "control character"},
		{name: "syntax: invalid UTF-8", cols: allTypes[:2], opts: Options{Wrap: true},
			in: "{\"X\":\"a\xff\"}", err: "invalid UTF-8"},
		{name: "syntax: unterminated", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{"B":true`, err: "unexpected end of data"},
		{name: "syntax: unquoted text names the word", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			in: `{"S":nobody}`, err: "invalid JSON at offset 5: unexpected word 'nobody', expected null"},
		{name: "syntax: misspelt literal in a skipped field", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{"X":[tru]}`, err: "invalid JSON at offset 6: unexpected word 'tru', expected true"},
		{name: "syntax: misspelt BOOLEAN", cols: []sdk.Column{col("B", sdk.TypeBoolean)}, opts: Options{Wrap: true},
			in: `{"B":falsey}`, err: "invalid JSON at offset 5: unexpected word 'falsey', expected false"},
		{name: "syntax: text instead of a document", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `not json`, err: "invalid JSON at offset 0: unexpected word 'not', expected null"},
		{name: "too deep", cols: allTypes[:2], opts: Options{Wrap: true},
			in: `{"X":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`, err: "nesting too deep"},
		// json.json "INT - value - anonymous - deserialize": a bare value.
		{name: "json.json unwrapped INT", cols: []sdk.Column{col("V", sdk.TypeInt)}, opts: Options{Wrap: false},
			in: `10`, want: []sdk.Value{sdk.Int(10)}},
		{name: "json.json unwrapped BOOLEAN", cols: []sdk.Column{col("V", sdk.TypeBoolean)},
			in: `false`, want: []sdk.Value{sdk.Bool(false)}},
		{name: "unwrapped null", cols: []sdk.Column{col("V", sdk.TypeBoolean)},
			in: `null`, want: []sdk.Value{null(sdk.TypeBoolean)}},
		{name: "wrapped single value is an object", cols: []sdk.Column{col("V", sdk.TypeInt)}, opts: Options{Wrap: true},
			in: `{"V":3}`, want: []sdk.Value{sdk.Int(3)}},
		// json.json "BIGINT - key": a single key column is bare.
		{name: "json.json BIGINT key", cols: []sdk.Column{col("K", sdk.TypeBigInt)}, opts: Options{Key: true, Wrap: true},
			in: `998877665544332211`, want: []sdk.Value{sdk.BigInt(998877665544332211)}},
		{name: "multi-column key is an object", cols: []sdk.Column{col("F1", sdk.TypeInt), col("F2", sdk.TypeString)}, opts: Options{Key: true},
			in: `{"F1": 1, "F2": "a"}`, want: []sdk.Value{sdk.Int(1), sdk.Str("a")}},
		{name: "key error says key", cols: []sdk.Column{col("K", sdk.TypeInt)}, opts: Options{Key: true},
			in: `"x"`, err: `JSON key: field "K": cannot parse "x" as INTEGER`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, "json", tc.cols, tc.opts)
			row := make([]sdk.Value, len(tc.cols))
			err := s.Decode([]byte(tc.in), row)
			if tc.err != "" {
				var se *Error
				if !errors.As(err, &se) {
					t.Fatalf("Decode(%q) = %v, want a *Error containing %q", tc.in, err, tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Decode(%q) error = %q, want it to contain %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%q): %v", tc.in, err)
			}
			if !sameRow(row, tc.want) {
				t.Fatalf("Decode(%q) = %s, want %s", tc.in, fmtRow(row), fmtRow(tc.want))
			}
			for i, v := range row {
				if v.Type != tc.cols[i].Type {
					t.Errorf("column %d has type %v, want %v", i, v.Type, tc.cols[i].Type)
				}
			}
		})
	}
}

func TestJSONDecodeReusesRow(t *testing.T) {
	s := mustNew(t, "JSON", allTypes, Options{Wrap: true})
	row := make([]sdk.Value, len(allTypes))
	if err := s.Decode([]byte(`{"B":true,"I":1,"L":2,"D":3,"S":"x"}`), row); err != nil {
		t.Fatal(err)
	}
	if err := s.Decode([]byte(`{"I":5}`), row); err != nil {
		t.Fatal(err)
	}
	want := []sdk.Value{sdk.Null(sdk.TypeBoolean), sdk.Int(5), sdk.Null(sdk.TypeBigInt), sdk.Null(sdk.TypeDouble), sdk.Null(sdk.TypeString)}
	if !sameRow(row, want) {
		t.Fatalf("second decode = %s, want %s (stale values left over)", fmtRow(row), fmtRow(want))
	}
}

func TestJSONEncode(t *testing.T) {
	tests := []struct {
		name string
		cols []sdk.Column
		opts Options
		row  []sdk.Value
		want string // "<nil>" for a null record
	}{
		{name: "all types", cols: allTypes, opts: Options{Wrap: true},
			row:  []sdk.Value{sdk.Bool(true), sdk.Int(-12), sdk.BigInt(math.MaxInt64), sdk.Double(100), sdk.Str("x")},
			want: `{"B":true,"I":-12,"L":9223372036854775807,"D":100.0,"S":"x"}`},
		{name: "nulls", cols: allTypes, opts: Options{Wrap: true},
			row:  []sdk.Value{sdk.Null(sdk.TypeBoolean), sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeBigInt), sdk.Null(sdk.TypeDouble), sdk.Null(sdk.TypeString)},
			want: `{"B":null,"I":null,"L":null,"D":null,"S":null}`},
		{name: "string escapes as Jackson", cols: []sdk.Column{col("S", sdk.TypeString)}, opts: Options{Wrap: true},
			row:  []sdk.Value{sdk.Str("a\"b\\c/\n\t\x01é\xff")},
			want: `{"S":"a\"b\\c/\n\t\u0001é` + "\ufffd" + `"}`},
		{name: "doubles as Java", cols: []sdk.Column{col("A", sdk.TypeDouble), col("B", sdk.TypeDouble), col("C", sdk.TypeDouble), col("D", sdk.TypeDouble)}, opts: Options{Wrap: true},
			row:  []sdk.Value{sdk.Double(1e7), sdk.Double(0.001), sdk.Double(0.0001), sdk.Double(-0.5)},
			want: `{"A":1.0E7,"B":0.001,"C":1.0E-4,"D":-0.5}`},
		{name: "NaN and infinities are quoted", cols: []sdk.Column{col("A", sdk.TypeDouble), col("B", sdk.TypeDouble)}, opts: Options{Wrap: true},
			row:  []sdk.Value{sdk.Double(math.NaN()), sdk.Double(math.Inf(-1))},
			want: `{"A":"NaN","B":"-Infinity"}`},
		{name: "quoted column name", cols: []sdk.Column{col(`we"ird`, sdk.TypeInt)}, opts: Options{Wrap: true},
			row: []sdk.Value{sdk.Int(1)}, want: `{"we\"ird":1}`},
		// json.json "DOUBLE - value - anonymous - serialize".
		{name: "json.json unwrapped DOUBLE", cols: []sdk.Column{col("V", sdk.TypeDouble)},
			row: []sdk.Value{sdk.Double(9876.54321)}, want: `9876.54321`},
		// json.json "serialize anonymous primitive - value": NULL -> null record.
		{name: "json.json unwrapped NULL is a null record", cols: []sdk.Column{col("FOO", sdk.TypeBoolean)},
			row: []sdk.Value{sdk.Null(sdk.TypeBoolean)}, want: "<nil>"},
		{name: "json.json serialize nested primitive", cols: []sdk.Column{col("FOO", sdk.TypeBoolean)}, opts: Options{Wrap: true},
			row: []sdk.Value{sdk.Null(sdk.TypeBoolean)}, want: `{"FOO":null}`},
		{name: "json.json STRING key", cols: []sdk.Column{col("K", sdk.TypeString)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Str("Hey")}, want: `"Hey"`},
		{name: "null key", cols: []sdk.Column{col("K", sdk.TypeString)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Null(sdk.TypeString)}, want: "<nil>"},
		{name: "multi-column key", cols: []sdk.Column{col("F1", sdk.TypeInt), col("F2", sdk.TypeInt)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Int(1), sdk.Null(sdk.TypeInt)}, want: `{"F1":1,"F2":null}`},
		// partition-by.json "multiple columns - select explicit": a key of
		// several columns is an object even when they are all NULL (the
		// executor keeps a null source key null when it passes unchanged,
		// as multi-col-keys.json "select * from stream" expects).
		{name: "partition-by.json all-NULL multi-column key is an object", cols: []sdk.Column{col("ID", sdk.TypeInt), col("AGE", sdk.TypeInt)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeInt)}, want: `{"ID":null,"AGE":null}`},
		{name: "multi-column key with one NULL", cols: []sdk.Column{col("K", sdk.TypeInt), col("K2", sdk.TypeInt)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Null(sdk.TypeInt), sdk.Int(2)}, want: `{"K":null,"K2":2}`},
		{name: "single NULL key is a null record", cols: []sdk.Column{col("K", sdk.TypeInt)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Null(sdk.TypeInt)}, want: "<nil>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, "JSON", tc.cols, tc.opts)
			out, err := s.Encode(nil, tc.row)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got := string(out)
			if out == nil {
				got = "<nil>"
			}
			if got != tc.want {
				t.Fatalf("Encode = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestJSONEncodeAppends(t *testing.T) {
	s := mustNew(t, "JSON", []sdk.Column{col("A", sdk.TypeInt)}, Options{Wrap: true})
	out, err := s.Encode([]byte("prefix"), []sdk.Value{sdk.Int(1)})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `prefix{"A":1}` {
		t.Fatalf("Encode appended %q", out)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, f := range []string{"JSON", "DELIMITED", "KAFKA"} {
		cols := []sdk.Column{col("A", sdk.TypeInt)}
		s := mustNew(t, f, cols, Options{Wrap: true})
		if _, err := s.Encode(nil, []sdk.Value{sdk.Str("x")}); err == nil || !strings.Contains(err.Error(), `cannot encode a STRING value in a INTEGER column`) {
			t.Errorf("%s: Encode of a mistyped value: err = %v", f, err)
		}
		if _, err := s.Encode(nil, nil); err == nil {
			t.Errorf("%s: Encode of a short row: no error", f)
		}
		if err := s.Decode([]byte("1"), make([]sdk.Value, 2)); err == nil {
			t.Errorf("%s: Decode into a long row: no error", f)
		}
	}
}

func TestJSONIsNull(t *testing.T) {
	s := mustNew(t, "JSON", allTypes, Options{Wrap: true})
	for in, want := range map[string]bool{"null": true, " null\n": true, "nul": false, "nullx": false, "{}": false, "": false} {
		if got := s.IsNull([]byte(in)); got != want {
			t.Errorf("IsNull(%q) = %v, want %v", in, got, want)
		}
	}
	if !s.IsNull(nil) {
		t.Error("IsNull(nil) = false")
	}
}

func TestNew(t *testing.T) {
	one := []sdk.Column{col("A", sdk.TypeInt)}
	tests := []struct {
		format string
		cols   []sdk.Column
		opts   Options
		err    string
	}{
		{format: "AVRO", cols: one, err: "not supported yet: AVRO format"},
		{format: "protobuf", cols: one, err: "not supported yet: PROTOBUF format"},
		{format: "JSON_SR", cols: one, err: "not supported yet: JSON_SR format"},
		{format: "FOO", cols: one, err: "unknown format: FOO"},
		{format: "", cols: one, err: "no value format"},
		// formats.json "override key format - with unsupported type".
		{format: "KAFKA", cols: []sdk.Column{col("K", sdk.TypeBoolean)}, opts: Options{Key: true}, err: "the 'KAFKA' format does not support type 'BOOLEAN'"},
		{format: "KAFKA", cols: []sdk.Column{col("A", sdk.TypeInt), col("B", sdk.TypeInt)}, err: "the 'KAFKA' format only supports a single field, got: `A` INTEGER, `B` INTEGER"},
		{format: "NONE", cols: one, err: "'NONE' format can only be used when no columns are defined"},
		{format: "JSON", cols: []sdk.Column{col("X", sdk.TypeUnknown)}, err: "does not support type 'UNKNOWN'"},
		// delimited.json "validate cannot specify delimiter with json format".
		{format: "JSON", cols: one, opts: Options{Delimiter: "|"}, err: "JSON does not support the following configs: [delimiter]"},
		{format: "json", cols: one},
		{format: "NONE", cols: nil},
		{format: "KAFKA", cols: nil},
		{format: "", cols: one, opts: Options{Key: true}},
	}
	for _, tc := range tests {
		_, err := New(tc.format, tc.cols, tc.opts)
		if tc.err == "" {
			if err != nil {
				t.Errorf("New(%q, %v): %v", tc.format, tc.cols, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("New(%q, %v) error = %v, want %q", tc.format, tc.cols, err, tc.err)
		}
	}
}

func TestNewKeyValue(t *testing.T) {
	src := &sdk.Source{
		Name: "S",
		Columns: []sdk.Column{
			{Name: "K", Type: sdk.TypeString, Key: true},
			{Name: "V", Type: sdk.TypeInt},
		},
		KeyFormat: "KAFKA", ValueFormat: "JSON", WrapSingleValue: true,
	}
	k, err := NewKey(src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewValue(src)
	if err != nil {
		t.Fatal(err)
	}
	if k.Format() != "KAFKA" || len(k.Columns()) != 1 || k.Columns()[0].Name != "K" {
		t.Errorf("key serde: %s %v", k.Format(), k.Columns())
	}
	out, err := v.Encode(nil, []sdk.Value{sdk.Int(3)})
	if err != nil || string(out) != `{"V":3}` {
		t.Errorf("value Encode = %s, %v", out, err)
	}
	// A keyless stream gets the NONE serde, whatever its key format (json.json "keyless JSON").
	keyless := &sdk.Source{Name: "T", Columns: []sdk.Column{{Name: "V", Type: sdk.TypeInt}}, KeyFormat: "JSON", ValueFormat: "JSON", WrapSingleValue: true}
	k, err = NewKey(keyless)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Decode([]byte(`garbage`), nil); err != nil {
		t.Errorf("keyless Decode: %v", err)
	}
	if out, err := k.Encode(make([]byte, 0, 8), nil); out != nil || err != nil {
		t.Errorf("keyless Encode = %q, %v; want nil", out, err)
	}
	src.ValueFormat = "AVRO"
	if _, err := NewValue(src); err == nil || err.Error() != "value of S: not supported yet: AVRO format" {
		t.Errorf("NewValue(AVRO) error = %v", err)
	}
}

func TestUpperASCII8(t *testing.T) {
	for _, in := range []string{"", "a", "abcdefgh", "AbZz09@[`{", "été", "\x80\xff\x7fza"} {
		b := []byte(in)
		want := []byte(in)
		for i, c := range want {
			if c >= 'a' && c <= 'z' {
				want[i] = c - 32
			}
		}
		if got, w := upperASCII8(load8(b)), load8(want); got != w {
			t.Errorf("upperASCII8(%q) = %x, want %x", in, got, w)
		}
	}
}

func TestErrorLogValue(t *testing.T) {
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	err := &Error{Format: "JSON", Field: "AGE", Reason: "cannot parse \"abc\" as INTEGER"}
	log.Info("record dropped", "topic", "users", "error", err)
	want := `level=INFO msg="record dropped" topic=users error.format=JSON error.side=value error.field=AGE error.reason="cannot parse \"abc\" as INTEGER"` + "\n"
	if buf.String() != want {
		t.Errorf("log line:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestScanStringEveryByte puts every byte value at every offset of a string
// long enough for the eight-byte fast path and checks the scanner stops
// exactly where it must.
func TestScanStringEveryByte(t *testing.T) {
	for k := 0; k < 18; k++ {
		for c := 0; c < 256; c++ {
			body := strings.Repeat("a", k) + string([]byte{byte(c)}) + strings.Repeat("a", 9)
			data := []byte(`"` + body + `"`)
			end, _, err := scanString(data, 0)
			switch {
			case c == '"':
				if err != nil || end != k+2 {
					t.Fatalf("quote at %d: end %d, err %v", k, end, err)
				}
			case c == '\\' || c < 0x20 || c >= 0x80:
				if err == nil {
					t.Fatalf("byte %#x at %d: accepted", c, k)
				}
			default:
				if err != nil || end != len(data) {
					t.Fatalf("byte %#x at %d: end %d, err %v", c, k, end, err)
				}
			}
		}
	}
}
