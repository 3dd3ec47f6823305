package runtime

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// cxValue encodes {A: 7, L: ["x", NULL, "z"], M: {"k": 1.5}} of type cxType.
var cxType = sdk.StructOf(
	sdk.Field{Name: "A", Type: sdk.Scalar(sdk.TypeBigInt)},
	sdk.Field{Name: "L", Type: sdk.ArrayOf(sdk.Scalar(sdk.TypeString))},
	sdk.Field{Name: "M", Type: sdk.MapOf(sdk.Scalar(sdk.TypeString), sdk.Scalar(sdk.TypeDouble))},
)

func cxValue() []byte {
	v := sdk.CxAppendHeader(nil, sdk.CxStruct, 3)
	v = sdk.CxAppendInt(v, 7)
	v = sdk.CxAppendHeader(v, sdk.CxArray, 3)
	v = sdk.CxAppendString(v, "x")
	v = append(v, sdk.CxNull)
	v = sdk.CxAppendString(v, "z")
	v = sdk.CxAppendHeader(v, sdk.CxMap, 1)
	v = sdk.CxAppendString(v, "k")
	return sdk.CxAppendDouble(v, 1.5)
}

func TestComplexAccessIntrinsics(t *testing.T) {
	h := newHarness(t, true)
	p, n := h.str(string(cxValue()))
	field := func(i int) string {
		return h.result(h.mustCall(sdk.IntrCxField, p, n, uint64(uint32(i))))
	}
	if got := field(0); got != string(sdk.CxAppendInt(nil, 7)) {
		t.Errorf("field 0 = %x", got)
	}
	if got := field(3); got != "" {
		t.Errorf("field 3 = %x, want none", got)
	}
	list := field(1)
	lp, ln := h.str(list)
	elem := func(i int32) string { return h.result(h.mustCall(sdk.IntrCxIndex, lp, ln, uint64(uint32(i)))) }
	for _, tt := range []struct {
		i    int32
		want string
	}{
		{1, string(sdk.CxAppendString(nil, "x"))},
		{2, string([]byte{sdk.CxNull})},
		{3, string(sdk.CxAppendString(nil, "z"))},
		{-1, string(sdk.CxAppendString(nil, "z"))},
		{-3, string(sdk.CxAppendString(nil, "x"))},
		{0, ""}, {4, ""}, {-4, ""}, {math.MinInt32, ""},
	} {
		if got := elem(tt.i); got != tt.want {
			t.Errorf("element %d = %x, want %x", tt.i, got, tt.want)
		}
	}
	m := field(2)
	mp, mn := h.str(m)
	kp, kn := h.str("k")
	if got := h.result(h.mustCall(sdk.IntrCxLookup, mp, mn, kp, kn)); got != string(sdk.CxAppendDouble(nil, 1.5)) {
		t.Errorf("m['k'] = %x", got)
	}
	kp, kn = h.str("K")
	if got := h.result(h.mustCall(sdk.IntrCxLookup, mp, mn, kp, kn)); got != "" {
		t.Errorf("m['K'] = %x, want none", got)
	}
	// The wrong kind of value, and malformed ones, give nothing.
	if got := h.result(h.mustCall(sdk.IntrCxIndex, p, n, 1)); got != "" {
		t.Errorf("a struct indexed as an array gave %x", got)
	}
	bp, bn := h.str("\x06\xff\xff\xff\x7f\x00")
	if got := h.result(h.mustCall(sdk.IntrCxIndex, bp, bn, 2)); got != "" {
		t.Errorf("a truncated array gave %x", got)
	}
}

func TestComplexBuildIntrinsic(t *testing.T) {
	h := newHarness(t, true)
	sp, sn := h.str("hi")
	inner := sdk.CxAppendHeader(nil, sdk.CxArray, 1)
	inner = sdk.CxAppendInt(inner, 5)
	ip, in := h.str(string(inner))
	recs := make([]byte, 5*16)
	put := func(k int, v uint64, tag byte) {
		binary.LittleEndian.PutUint64(recs[16*k:], v)
		recs[16*k+8] = tag
	}
	put(0, 42, sdk.CxInt)
	put(1, math.Float64bits(-0.5), sdk.CxDouble)
	put(2, sp|sn<<32, sdk.CxString)
	put(3, 0, sdk.CxTrue)
	put(4, ip|in<<32, sdk.CxArray)
	rp, _ := h.str(string(recs))
	got := h.result(h.mustCall(sdk.IntrCxBuild, h.base(), uint64(sdk.CxStruct), 5, rp))
	want := sdk.CxAppendHeader(nil, sdk.CxStruct, 5)
	want = sdk.CxAppendInt(want, 42)
	want = sdk.CxAppendDouble(want, -0.5)
	want = sdk.CxAppendString(want, "hi")
	want = append(want, sdk.CxTrue)
	want = append(want, inner...)
	if got != string(want) {
		t.Errorf("cx_build = %x, want %x", got, want)
	}
	// A bad tag or a malformed nested value is a trap, not a panic.
	if _, err := h.call(sdk.IntrCxBuild, h.base(), 99, 1, rp); err == nil {
		t.Error("tag 99 accepted")
	}
	put(0, ip|(in-1)<<32, sdk.CxArray)
	rp, _ = h.str(string(recs))
	if _, err := h.call(sdk.IntrCxBuild, h.base(), uint64(sdk.CxArray), 1, rp); err == nil {
		t.Error("a truncated nested array accepted")
	}
}

func TestComplexCast(t *testing.T) {
	tests := []struct {
		name     string
		from, to *sdk.TypeDesc
		v        []byte
		want     []byte
	}{
		{"array of bigint to array of string and int",
			sdk.ArrayOf(sdk.Scalar(sdk.TypeBigInt)), sdk.ArrayOf(sdk.Scalar(sdk.TypeString)),
			sdk.CxAppendInt(sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxArray, 2), 2147483648), -1),
			sdk.CxAppendString(sdk.CxAppendString(sdk.CxAppendHeader(nil, sdk.CxArray, 2), "2147483648"), "-1")},
		{"bigint to int wraps",
			sdk.ArrayOf(sdk.Scalar(sdk.TypeBigInt)), sdk.ArrayOf(sdk.Scalar(sdk.TypeInt)),
			sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxArray, 1), 2147483648),
			sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxArray, 1), -2147483648)},
		{"a string that is no number is NULL",
			sdk.ArrayOf(sdk.Scalar(sdk.TypeString)), sdk.ArrayOf(sdk.Scalar(sdk.TypeInt)),
			sdk.CxAppendString(sdk.CxAppendString(sdk.CxAppendHeader(nil, sdk.CxArray, 2), " 10 "), "x"),
			append(sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxArray, 2), 10), sdk.CxNull)},
		{"struct fields by name",
			sdk.StructOf(sdk.Field{Name: "F0", Type: sdk.Scalar(sdk.TypeBigInt)}, sdk.Field{Name: "F1", Type: sdk.Scalar(sdk.TypeString)}),
			sdk.StructOf(sdk.Field{Name: "F3", Type: sdk.Scalar(sdk.TypeString)}, sdk.Field{Name: "F0", Type: sdk.Scalar(sdk.TypeDouble)}),
			sdk.CxAppendString(sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxStruct, 2), 1), "3"),
			sdk.CxAppendDouble(append(sdk.CxAppendHeader(nil, sdk.CxStruct, 2), sdk.CxNull), 1)},
		{"map to string",
			sdk.MapOf(sdk.Scalar(sdk.TypeString), sdk.Scalar(sdk.TypeInt)), sdk.Scalar(sdk.TypeString),
			sdk.CxAppendInt(sdk.CxAppendString(sdk.CxAppendHeader(nil, sdk.CxMap, 1), "this"), 1),
			[]byte("{this=1}")},
		{"array and struct to string",
			sdk.ArrayOf(sdk.StructOf(sdk.Field{Name: "A", Type: sdk.Scalar(sdk.TypeDouble)}, sdk.Field{Name: "B", Type: sdk.Scalar(sdk.TypeInt)})),
			sdk.Scalar(sdk.TypeString),
			append(sdk.CxAppendDouble(sdk.CxAppendHeader(sdk.CxAppendHeader(nil, sdk.CxArray, 2), sdk.CxStruct, 2), 1), sdk.CxNull, sdk.CxNull),
			[]byte("[Struct{A=1.0}, null]")},
	}
	h := newHarness(t, true)
	for _, tt := range tests {
		h.reset(h.l.HeapSize)
		p, n := h.str(string(tt.v))
		fp, fn := h.str(string(sdk.AppendTypeDesc(nil, tt.from)))
		tp, tn := h.str(string(sdk.AppendTypeDesc(nil, tt.to)))
		got := h.result(h.mustCall(sdk.IntrCxCast, h.base(), p, n, fp, fn, tp, tn))
		if got != string(tt.want) {
			t.Errorf("%s: cx_cast = %q, want %q", tt.name, got, tt.want)
		}
	}
	// A value that does not match its type is a trap.
	h.reset(h.l.HeapSize)
	p, n := h.str("\x06\x01\x00\x00\x00\x05")
	d := string(sdk.AppendTypeDesc(nil, sdk.ArrayOf(sdk.Scalar(sdk.TypeString))))
	fp, fn := h.str(d)
	if _, err := h.call(sdk.IntrCxCast, h.base(), p, n, fp, fn, fp, fn); err == nil {
		t.Error("a malformed value was cast")
	}
}

func TestComplexJSONIntrinsic(t *testing.T) {
	h := newHarness(t, true)
	tests := []struct {
		d    *sdk.TypeDesc
		v    []byte
		want string
	}{
		{cxType, cxValue(), `{"A":7,"L":["x",null,"z"],"M":{"k":1.5}}`},
		{sdk.Scalar(sdk.TypeString), sdk.CxAppendString(nil, "a\"\\\n\x01é\xff"), `"a\"\\\n\u0001é` + "\uFFFD" + `"`},
		{sdk.Scalar(sdk.TypeBytes), sdk.CxAppendString(nil, "!"), `"IQ=="`},
		{sdk.Scalar(sdk.TypeDouble), sdk.CxAppendDouble(nil, math.Inf(-1)), `"-Infinity"`},
		{sdk.Scalar(sdk.TypeDouble), sdk.CxAppendDouble(nil, 1e21), `1.0E21`},
		{sdk.Scalar(sdk.TypeBoolean), sdk.CxAppendBool(nil, false), `false`},
	}
	for _, tt := range tests {
		h.reset(h.l.HeapSize)
		p, n := h.str(string(tt.v))
		dp, dn := h.str(string(sdk.AppendTypeDesc(nil, tt.d)))
		if got := h.result(h.mustCall(sdk.IntrCxJSON, h.base(), p, n, dp, dn)); got != tt.want {
			t.Errorf("cx_json(%s) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestComplexArrayFnIntrinsic(t *testing.T) {
	arr := func(vs ...any) string {
		b := sdk.CxAppendHeader(nil, sdk.CxArray, len(vs))
		for _, v := range vs {
			switch v := v.(type) {
			case nil:
				b = append(b, sdk.CxNull)
			case int:
				b = sdk.CxAppendInt(b, int64(v))
			case float64:
				b = sdk.CxAppendDouble(b, v)
			case string:
				b = sdk.CxAppendString(b, v)
			}
		}
		return string(b)
	}
	m := sdk.CxAppendHeader(nil, sdk.CxMap, 2)
	m = sdk.CxAppendInt(sdk.CxAppendString(m, "foo"), 1)
	m = append(sdk.CxAppendString(m, "bar"), sdk.CxNull)
	tests := []struct {
		name string
		fn   int32
		a, b string
		want string
	}{
		{"distinct", sdk.CxFnDistinct, arr(0, nil, 1, 0, nil, -1), "", arr(0, nil, 1, -1)},
		{"union", sdk.CxFnUnion, arr(0, 0, 1), arr(1, -2, 0), arr(0, 1, -2)},
		{"except", sdk.CxFnExcept, arr(0, 0, 1, 0, -1), arr(1, -2), arr(0, -1)},
		{"intersect", sdk.CxFnIntersect, arr(0, 0, 1, 0, -1), arr(1, -2, 0), arr(0, 1)},
		{"concat", sdk.CxFnConcat, arr(1, 1), arr(nil), arr(1, 1, nil)},
		{"concat with a NULL side", sdk.CxFnConcat, "", arr(2), arr(2)},
		{"map keys", sdk.CxFnMapKeys, string(m), "", arr("foo", "bar")},
		{"map values", sdk.CxFnMapValues, string(m), "", arr(1, nil)},
		{"sort strings, NULLs last", sdk.CxFnSortAsc, arr("b", nil, "a", "B"), "", arr("B", "a", "b", nil)},
		{"sort doubles descending", sdk.CxFnSortDesc, arr(0.5, nil, math.NaN(), -1.0), "", arr(math.NaN(), 0.5, -1.0, nil)},
	}
	h := newHarness(t, true)
	for _, tt := range tests {
		h.reset(h.l.HeapSize)
		ap, an := h.str(tt.a)
		bp, bn := h.str(tt.b)
		if got := h.result(h.mustCall(sdk.IntrCxArrayFn, h.base(), uint64(uint32(tt.fn)), ap, an, bp, bn)); got != tt.want {
			t.Errorf("%s: got %x, want %x", tt.name, got, tt.want)
		}
	}
	if _, err := h.call(sdk.IntrCxArrayFn, h.base(), 99, 0, 0, 0, 0); err == nil {
		t.Error("operation 99 accepted")
	}
}
