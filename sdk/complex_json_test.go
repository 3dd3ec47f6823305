package sdk

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"
)

func TestAppendComplexJSON(t *testing.T) {
	dec52, _ := DecimalType(5, 2)
	dec30, _ := DecimalType(3, 0)
	hdr := CxAppendHeader
	// sciDouble is a formatter other than the default, to show that doubles
	// (and only doubles) go through the caller's.
	sciDouble := func(dst []byte, f float64) []byte { return strconv.AppendFloat(dst, f, 'E', 1, 64) }
	tests := []struct {
		name      string
		d         *TypeDesc
		enc       []byte
		appendDbl func([]byte, float64) []byte
		want      string
	}{
		{
			name: "array of INT with a NULL",
			d:    ArrayOf(Scalar(TypeInt)),
			enc:  append(CxAppendInt(CxAppendInt(hdr(nil, CxArray, 3), 1), -2), CxNull),
			want: `[1,-2,null]`,
		},
		{
			name: "empty array, empty struct",
			d:    StructOf(Field{"A", ArrayOf(Scalar(TypeString))}, Field{"S", StructOf()}),
			enc:  hdr(hdr(hdr(nil, CxStruct, 2), CxArray, 0), CxStruct, 0),
			want: `{"A":[],"S":{}}`,
		},
		{
			name: "NULL value",
			d:    MapOf(Scalar(TypeString), Scalar(TypeInt)),
			enc:  []byte{CxNull},
			want: `null`,
		},
		{
			name: "doubles: NaN and infinities quoted",
			d:    MapOf(Scalar(TypeString), Scalar(TypeDouble)),
			enc: CxAppendDouble(CxAppendString(CxAppendDouble(CxAppendString(CxAppendDouble(CxAppendString(
				hdr(nil, CxMap, 3), "a"), 1.5), "b"), math.NaN()), "c"), math.Inf(-1)),
			want: `{"a":1.5,"b":"NaN","c":"-Inf"}`,
		},
		{
			name:      "doubles through the caller's formatter",
			d:         ArrayOf(Scalar(TypeDouble)),
			enc:       CxAppendDouble(CxAppendDouble(hdr(nil, CxArray, 2), 1.5), math.Inf(1)),
			appendDbl: sciDouble,
			want:      `[1.5E+00,"+Inf"]`,
		},
		{
			name: "struct: booleans, BYTES as base64, DECIMAL as plain digits, names as declared",
			d: StructOf(Field{"A", Scalar(TypeBoolean)}, Field{"b", Scalar(TypeBytes)},
				Field{"C", Scalar(dec52)}, Field{"D", Scalar(dec52)}, Field{"E", Scalar(TypeBigInt)}),
			enc: CxAppendInt(CxAppendInt(CxAppendInt(CxAppendString(CxAppendBool(
				hdr(nil, CxStruct, 5), true), "\x01\x02\xff"), -125), 5), math.MinInt64),
			want: `{"A":true,"b":"AQL/","C":-1.25,"D":0.05,"E":-9223372036854775808}`,
		},
		{
			name: "string escapes as Jackson's; invalid UTF-8 replaced byte by byte",
			d:    ArrayOf(Scalar(TypeString)),
			enc:  CxAppendString(hdr(nil, CxArray, 1), "q\"\\/\b\t\f\n\r\x00\x1f\x7f é\xff\xfe€"),
			want: `["q\"\\/\b\t\f\n\r\u0000\u001F` + "\x7f é\ufffd\ufffd€" + `"]`,
		},
		{
			name: "struct field names escaped",
			d:    StructOf(Field{"a\"b", Scalar(TypeInt)}),
			enc:  CxAppendInt(hdr(nil, CxStruct, 1), 7),
			want: `{"a\"b":7}`,
		},
		{
			name: "map keys: STRING escaped, a NULL key as the text null",
			d:    MapOf(Scalar(TypeString), Scalar(TypeBoolean)),
			enc:  CxAppendBool(append(CxAppendBool(CxAppendString(hdr(nil, CxMap, 2), "k\n"), false), CxNull), true),
			want: `{"k\n":false,"null":true}`,
		},
		{
			name: "map keys of other primitive types as their text",
			d:    MapOf(Scalar(dec30), Scalar(TypeInt)),
			enc:  CxAppendInt(CxAppendInt(CxAppendInt(CxAppendInt(hdr(nil, CxMap, 2), -12), 1), 999), 2),
			want: `{"-12":1,"999":2}`,
		},
		{
			name:      "map keys: a double key by the formatter, NaN unquoted inside the key",
			d:         MapOf(Scalar(TypeDouble), Scalar(TypeBoolean)),
			enc:       CxAppendBool(CxAppendDouble(CxAppendBool(CxAppendDouble(hdr(nil, CxMap, 2), 0.25), true), math.NaN()), false),
			appendDbl: sciDouble,
			want:      `{"2.5E-01":true,"NaN":false}`,
		},
		{
			name: "map keys: BYTES keys as their bytes, not base64",
			d:    MapOf(Scalar(TypeBytes), Scalar(TypeBytes)),
			enc:  CxAppendString(CxAppendString(hdr(nil, CxMap, 1), "ab"), "ab"),
			want: `{"ab":"YWI="}`,
		},
		{
			name: "nesting",
			d:    ArrayOf(MapOf(Scalar(TypeString), StructOf(Field{"X", ArrayOf(Scalar(TypeInt))}))),
			enc:  append(CxAppendInt(hdr(hdr(CxAppendString(hdr(hdr(nil, CxArray, 2), CxMap, 1), "m"), CxStruct, 1), CxArray, 1), 0), CxNull),
			want: `[{"m":{"X":[0]}},null]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("prefix:")
			got, err := AppendComplexJSON(bytes.Clone(prefix), tt.d, tt.enc, tt.appendDbl)
			if err != nil {
				t.Fatalf("AppendComplexJSON: %v", err)
			}
			if !bytes.HasPrefix(got, prefix) {
				t.Fatalf("dst was overwritten: %q", got)
			}
			got = got[len(prefix):]
			if string(got) != tt.want {
				t.Errorf("AppendComplexJSON =\n  %s\nwant\n  %s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("output is not valid JSON: %s", got)
			}
		})
	}
}

func TestAppendComplexJSONInvalid(t *testing.T) {
	arr := ArrayOf(Scalar(TypeInt))
	st := StructOf(Field{"A", Scalar(TypeInt)}, Field{"B", Scalar(TypeInt)})
	good := CxAppendInt(CxAppendHeader(nil, CxArray, 1), 5)
	tests := []struct {
		name string
		d    *TypeDesc
		enc  []byte
	}{
		{"empty", arr, nil},
		{"missing type", nil, good},
		{"truncated", arr, good[:len(good)-1]},
		{"trailing bytes", arr, append(bytes.Clone(good), CxNull)},
		{"count beyond the bytes", arr, CxAppendHeader(nil, CxArray, 1<<30)},
		{"element of the wrong type", arr, CxAppendString(CxAppendHeader(nil, CxArray, 1), "5")},
		{"struct with too few fields", st, CxAppendInt(CxAppendHeader(nil, CxStruct, 1), 1)},
		{"unknown tag", arr, append(CxAppendHeader(nil, CxArray, 1), 0x42)},
		{"map with a key and no value", MapOf(Scalar(TypeString), Scalar(TypeInt)),
			CxAppendString(CxAppendHeader(nil, CxMap, 1), "k")},
		{"nested past MaxTypeDepth", nested(MaxTypeDepth + 2), bytes.Repeat(CxAppendHeader(nil, CxArray, 1), MaxTypeDepth+2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := AppendComplexJSON(dst, tt.d, tt.enc, nil)
			if err == nil {
				t.Fatalf("AppendComplexJSON accepted it: %s", got)
			}
			if string(got) != "keep" {
				t.Errorf("on error dst = %q, want it unchanged", got)
			}
		})
	}
}

// nested is ARRAY<ARRAY<...<INT>>> with n ARRAYs.
func nested(n int) *TypeDesc {
	d := Scalar(TypeInt)
	for range n {
		d = ArrayOf(d)
	}
	return d
}

func TestAppendComplexJSONAllocs(t *testing.T) {
	d := StructOf(Field{"NAME", Scalar(TypeString)}, Field{"L", ArrayOf(Scalar(TypeDouble))})
	enc := CxAppendDouble(CxAppendHeader(CxAppendString(CxAppendHeader(nil, CxStruct, 2), "x\ny"), CxArray, 1), 2.5)
	dst := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		var err error
		if dst, err = AppendComplexJSON(dst[:0], d, enc, nil); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("AppendComplexJSON allocated %v times per call into a large enough dst, want 0", allocs)
	}
}

// FuzzAppendComplexJSON builds a type and a value of it from the fuzzer's
// bytes, encodes the value, renders it and checks that the JSON is valid
// and decodes to the value that was encoded.
func FuzzAppendComplexJSON(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 3, 2, 5, 1, 'a', 0xff, 0x80, 9, 9})
	f.Add([]byte{2, 4, 9, 3, 2, 8, 8, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{1, 1, 6, 3, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 2, 0xc3, 0x28})
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &valueGen{data: data}
		d := g.complexType(0)
		enc, want := g.value(nil, d, 0)
		if !CxValid(d, enc) {
			t.Fatalf("the generator wrote an invalid %s: %x", d, enc)
		}
		out, err := AppendComplexJSON(nil, d, enc, nil)
		if err != nil {
			t.Fatalf("AppendComplexJSON(%s): %v", d, err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON for %s: %s", d, out)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var got any
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("decoding %s: %v", out, err)
		}
		if !jsonEqual(got, want) {
			t.Fatalf("%s rendered as %s, want %#v", d, out, want)
		}
	})
}

// FuzzAppendComplexJSONBytes feeds arbitrary type descriptors and
// encodings: no panic, an error exactly when the encoding is invalid, and
// valid JSON otherwise.
func FuzzAppendComplexJSONBytes(f *testing.F) {
	f.Add(AppendTypeDesc(nil, ArrayOf(Scalar(TypeInt))), CxAppendInt(CxAppendHeader(nil, CxArray, 1), 1))
	f.Add(AppendTypeDesc(nil, MapOf(Scalar(TypeString), Scalar(TypeDouble))), CxAppendDouble(CxAppendString(CxAppendHeader(nil, CxMap, 1), "\xff"), 1))
	f.Fuzz(func(t *testing.T, desc, enc []byte) {
		d, err := ParseTypeDesc(desc)
		if err != nil {
			return
		}
		out, err := AppendComplexJSON(nil, d, enc, nil)
		if (err == nil) != CxValid(d, enc) {
			t.Fatalf("error %v, but CxValid = %v", err, CxValid(d, enc))
		}
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON for %s: %s", d, out)
		}
	})
}

// valueGen draws types and values from a fuzzer's bytes (zeros once they
// run out, so every input makes a value).
type valueGen struct{ data []byte }

func (g *valueGen) byte() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *valueGen) uint64() uint64 {
	var v uint64
	for range 8 {
		v = v<<8 | uint64(g.byte())
	}
	return v
}

func (g *valueGen) complexType(depth int) *TypeDesc {
	switch g.byte() % 3 {
	case 0:
		return ArrayOf(g.anyType(depth + 1))
	case 1:
		return MapOf(g.scalarType(), g.anyType(depth+1))
	}
	fields := make([]Field, g.byte()%4)
	for i := range fields {
		// Distinct names (JSON objects with repeated names decode lossily),
		// one of which needs escaping.
		fields[i] = Field{Name: []string{"A", "b\"", "C\x01", "Dé"}[i], Type: g.anyType(depth + 1)}
	}
	return StructOf(fields...)
}

func (g *valueGen) anyType(depth int) *TypeDesc {
	if depth < 4 && g.byte()%3 == 0 {
		return g.complexType(depth)
	}
	return g.scalarType()
}

func (g *valueGen) scalarType() *TypeDesc {
	switch g.byte() % 7 {
	case 0:
		return Scalar(TypeBoolean)
	case 1:
		return Scalar(TypeInt)
	case 2:
		return Scalar(TypeBigInt)
	case 3:
		return Scalar(TypeDouble)
	case 4:
		return Scalar(TypeBytes)
	case 5:
		p := 1 + int(g.byte())%18
		dt, _ := DecimalType(p, int(g.byte())%(p+1))
		return Scalar(dt)
	}
	return Scalar(TypeString)
}

// value appends an encoded value of type d and returns what encoding/json
// (with UseNumber) should decode its JSON to.
func (g *valueGen) value(dst []byte, d *TypeDesc, depth int) ([]byte, any) {
	if depth > 0 && g.byte()%8 == 0 {
		return append(dst, CxNull), nil
	}
	switch {
	case d.Type == TypeBoolean:
		b := g.byte()%2 == 1
		return CxAppendBool(dst, b), b
	case d.Type == TypeInt:
		v := int64(int32(g.uint64()))
		return CxAppendInt(dst, v), json.Number(strconv.FormatInt(v, 10))
	case d.Type == TypeBigInt:
		v := int64(g.uint64())
		return CxAppendInt(dst, v), json.Number(strconv.FormatInt(v, 10))
	case d.Type.IsDecimal():
		v := int64(g.uint64() % uint64(Pow10(d.Type.Precision())))
		if g.byte()%2 == 1 {
			v = -v
		}
		return CxAppendInt(dst, v), decimalNumber{v, d.Type}
	case d.Type == TypeDouble:
		f := math.Float64frombits(g.uint64())
		return CxAppendDouble(dst, f), f
	case d.Type == TypeString, d.Type == TypeBytes:
		s := make([]byte, g.byte()%8)
		for i := range s {
			s[i] = g.byte()
		}
		if d.Type == TypeBytes {
			return CxAppendString(dst, string(s)), base64.StdEncoding.EncodeToString(s)
		}
		return CxAppendString(dst, string(s)), replaceInvalid(s)
	case d.Type == TypeArray:
		n := int(g.byte() % 4)
		dst = CxAppendHeader(dst, CxArray, n)
		arr := make([]any, n)
		for i := range arr {
			dst, arr[i] = g.value(dst, d.Elem, depth+1)
		}
		return dst, arr
	case d.Type == TypeMap:
		n := int(g.byte() % 4)
		if d.Key.Type == TypeBoolean {
			n = min(n, 3) // false, true and NULL
		}
		dst = CxAppendHeader(dst, CxMap, n)
		m := make(map[string]any, n)
		for i := range n {
			// Distinct keys: the i-th is i (as text or number).
			var key string
			switch {
			case d.Key.Type == TypeString || d.Key.Type == TypeBytes:
				key = strconv.Itoa(i)
				dst = CxAppendString(dst, key)
			case d.Key.Type == TypeBoolean && i < 2:
				key = strconv.FormatBool(i == 1)
				dst = CxAppendBool(dst, i == 1)
			case d.Key.Type == TypeBoolean:
				key = "null"
				dst = append(dst, CxNull)
			case d.Key.Type == TypeDouble:
				key = strconv.FormatFloat(float64(i), 'g', -1, 64)
				dst = CxAppendDouble(dst, float64(i))
			case d.Key.Type.IsDecimal():
				key = FormatDecimal(int64(i), d.Key.Type.Scale())
				dst = CxAppendInt(dst, int64(i))
			default: // INT, BIGINT
				key = strconv.Itoa(i)
				dst = CxAppendInt(dst, int64(i))
			}
			dst, m[key] = g.value(dst, d.Elem, depth+1)
		}
		return dst, m
	}
	dst = CxAppendHeader(dst, CxStruct, len(d.Fields))
	m := make(map[string]any, len(d.Fields))
	for _, f := range d.Fields {
		dst, m[f.Name] = g.value(dst, f.Type, depth+1)
	}
	return dst, m
}

// decimalNumber is the expected decoding of a DECIMAL: a JSON number equal
// to unscaled / 10^scale of type t.
type decimalNumber struct {
	unscaled int64
	t        Type
}

// replaceInvalid is s with every byte that is not part of valid UTF-8
// replaced by U+FFFD.
func replaceInvalid(s []byte) string {
	var out []rune
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		out = append(out, r)
		s = s[size:]
	}
	return string(out)
}

// jsonEqual compares a decoded JSON value with the expected one.
func jsonEqual(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	case string:
		g, ok := got.(string)
		return ok && g == w
	case json.Number:
		g, ok := got.(json.Number)
		return ok && g == w
	case decimalNumber:
		g, ok := got.(json.Number)
		if !ok {
			return false
		}
		u, ok := ParseDecimal(string(g), w.t.Precision(), w.t.Scale())
		return ok && u == w.unscaled
	case float64:
		switch g := got.(type) {
		case string: // NaN and the infinities are quoted
			return (math.IsNaN(w) && g == "NaN") || (math.IsInf(w, 1) && g == "+Inf") || (math.IsInf(w, -1) && g == "-Inf")
		case json.Number:
			f, err := strconv.ParseFloat(string(g), 64)
			return err == nil && math.Float64bits(f) == math.Float64bits(w)
		}
		return false
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !jsonEqual(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok || !jsonEqual(gv, v) {
				return false
			}
		}
		return true
	}
	return false
}
