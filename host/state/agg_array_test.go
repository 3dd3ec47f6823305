package state

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// render prints an encoded element for test expectations: [1, "a",
// null], {k: v}, (field, field).
func render(b []byte) string {
	var sb strings.Builder
	if end := renderElem(&sb, b, 0); end != len(b) {
		return fmt.Sprintf("malformed %x", b)
	}
	return sb.String()
}

func renderElem(sb *strings.Builder, b []byte, i int) int {
	end := sdk.CxSkip(b, i)
	if end < 0 {
		return -1
	}
	e := b[i:end]
	switch e[0] {
	case sdk.CxNull:
		sb.WriteString("null")
	case sdk.CxFalse, sdk.CxTrue:
		sb.WriteString(strconv.FormatBool(e[0] == sdk.CxTrue))
	case sdk.CxInt:
		v, _ := sdk.CxInt64(e)
		sb.WriteString(strconv.FormatInt(v, 10))
	case sdk.CxDouble:
		v, _ := sdk.CxFloat64(e)
		sb.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case sdk.CxString:
		s, _ := sdk.CxStr(e)
		sb.WriteString(strconv.Quote(string(s)))
	default:
		tag, n, j, _ := sdk.CxCount(e)
		open, sep, closing := "[", ", ", "]"
		if tag == sdk.CxStruct {
			open, closing = "(", ")"
		}
		if tag == sdk.CxMap {
			open, closing = "{", "}"
			n *= 2
		}
		sb.WriteString(open)
		for k := 0; k < n; k++ {
			if k > 0 {
				if tag == sdk.CxMap && k%2 == 1 {
					sb.WriteString(": ")
				} else {
					sb.WriteString(sep)
				}
			}
			if j = renderElem(sb, e, j); j < 0 {
				return -1
			}
		}
		sb.WriteString(closing)
	}
	return end
}

// Constructors of complex test values.
func cxStruct(fields ...sdk.Value) sdk.Value {
	b := sdk.CxAppendHeader(nil, sdk.CxStruct, len(fields))
	for _, f := range fields {
		b = appendElem(b, f)
	}
	return sdk.Value{Type: sdk.TypeStruct, S: string(b)}
}

func cxMap(kvs ...sdk.Value) sdk.Value {
	b := sdk.CxAppendHeader(nil, sdk.CxMap, len(kvs)/2)
	for _, f := range kvs {
		b = appendElem(b, f)
	}
	return sdk.Value{Type: sdk.TypeMap, S: string(b)}
}

func mustCall(t *testing.T, fn string, params []int64, arg sdk.Type) Func {
	t.Helper()
	f, err := NewCall(sdk.AggregateCall{Func: fn, Params: params}, arg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestArrayFuncs(t *testing.T) {
	i32 := func(v ...int32) []sdk.Value {
		out := make([]sdk.Value, len(v))
		for i, x := range v {
			out[i] = sdk.Int(x)
		}
		return out
	}
	dec := func(u int64) sdk.Value { typ, _ := sdk.DecimalType(4, 1); return sdk.Decimal(typ, u) }
	decT, _ := sdk.DecimalType(4, 1)
	nullInt := sdk.Null(sdk.TypeInt)
	nullStr := sdk.Null(sdk.TypeString)
	tests := []struct {
		name   string
		fn     string
		params []int64
		arg    sdk.Type
		add    []sdk.Value
		steps  []string // the result after each add
		rem    []sdk.Value
		after  string // the result after the removes
	}{
		// topk-group-by.json "topk integer".
		{"topk int", sdk.AggTopK, []int64{3}, sdk.TypeInt, i32(0, 100, 99, 7, 100),
			[]string{"[0]", "[100, 0]", "[100, 99, 0]", "[100, 99, 7]", "[100, 100, 99]"}, nil, ""},
		{"topk ignores null", sdk.AggTopK, []int64{2}, sdk.TypeInt, []sdk.Value{nullInt, sdk.Int(5), nullInt},
			[]string{"[]", "[5]", "[5]"}, nil, ""},
		// topk-group-by.json "topk string".
		{"topk string", sdk.AggTopK, []int64{3}, sdk.TypeString,
			[]sdk.Value{sdk.Str("a"), sdk.Str("b"), sdk.Str("c"), sdk.Str("b"), sdk.Str("d")},
			[]string{`["a"]`, `["b", "a"]`, `["c", "b", "a"]`, `["c", "b", "b"]`, `["d", "c", "b"]`}, nil, ""},
		{"topk double as Java orders", sdk.AggTopK, []int64{2}, sdk.TypeDouble,
			[]sdk.Value{sdk.Double(0), sdk.Double(math.Copysign(0, -1)), sdk.Double(math.NaN()), sdk.Double(math.Inf(1))},
			[]string{"[0]", "[0, -0]", "[NaN, 0]", "[NaN, +Inf]"}, nil, ""},
		{"topk k=1", sdk.AggTopK, []int64{1}, sdk.TypeBigInt, []sdk.Value{sdk.BigInt(3), sdk.BigInt(9), sdk.BigInt(4)},
			[]string{"[3]", "[9]", "[9]"}, nil, ""},
		{"topk decimal", sdk.AggTopK, []int64{2}, decT, []sdk.Value{dec(98), dec(-5), dec(99)},
			[]string{"[98]", "[98, -5]", "[99, 98]"}, nil, ""},
		// topk-group-by.json "topk integer struct": equal sort values
		// keep their arrival order; a NULL sort value is ignored.
		{"topk struct", sdk.AggTopK, []int64{3}, sdk.TypeStruct,
			[]sdk.Value{cxStruct(sdk.Int(0), sdk.Str("zero")), cxStruct(sdk.Int(100), sdk.Str("one")),
				cxStruct(sdk.Int(99), sdk.Str("two")), cxStruct(nullInt, sdk.Str("three")), cxStruct(sdk.Int(100), nullStr)},
			[]string{`[(0, "zero")]`, `[(100, "one"), (0, "zero")]`, `[(100, "one"), (99, "two"), (0, "zero")]`,
				`[(100, "one"), (99, "two"), (0, "zero")]`, `[(100, "one"), (100, null), (99, "two")]`}, nil, ""},
		// topk-distinct.json "topk distinct long".
		{"topkdistinct", sdk.AggTopKDistinct, []int64{3}, sdk.TypeBigInt,
			[]sdk.Value{sdk.BigInt(2147483648), sdk.BigInt(100), sdk.BigInt(99), sdk.BigInt(7), sdk.BigInt(100)},
			[]string{"[2147483648]", "[2147483648, 100]", "[2147483648, 100, 99]", "[2147483648, 100, 99]", "[2147483648, 100, 99]"}, nil, ""},
		{"topkdistinct below full", sdk.AggTopKDistinct, []int64{3}, sdk.TypeInt, i32(5, 5, 1, 5),
			[]string{"[5]", "[5]", "[5, 1]", "[5, 1]"}, nil, ""},
		// collect-list.json "collect_list decimal": NULLs are collected.
		{"collect_list", sdk.AggCollectList, []int64{math.MaxInt32}, decT,
			[]sdk.Value{dec(5009), dec(3008), sdk.Null(decT), dec(3008)},
			[]string{"[5009]", "[5009, 3008]", "[5009, 3008, null]", "[5009, 3008, null, 3008]"},
			// Undo removes the last equal element.
			[]sdk.Value{dec(3008), sdk.Null(decT), dec(1)}, "[5009, 3008]"},
		{"collect_list limit", sdk.AggCollectList, []int64{2}, sdk.TypeInt, i32(1, 2, 3),
			[]string{"[1]", "[1, 2]", "[1, 2]"}, i32(3, 1), "[2]"},
		{"collect_list limit 0", sdk.AggCollectList, []int64{0}, sdk.TypeInt, i32(1),
			[]string{"[]"}, nil, ""},
		{"collect_list structs", sdk.AggCollectList, []int64{10}, sdk.TypeStruct,
			[]sdk.Value{cxStruct(sdk.Str("a"), sdk.BigInt(1)), sdk.Null(sdk.TypeStruct)},
			[]string{`[("a", 1)]`, `[("a", 1), null]`}, nil, ""},
		// collect-set.json "collect_set decimal": one NULL.
		{"collect_set", sdk.AggCollectSet, []int64{math.MaxInt32}, sdk.TypeString,
			[]sdk.Value{sdk.Str("baz"), nullStr, sdk.Str("baz"), sdk.Str("foo"), nullStr},
			[]string{`["baz"]`, `["baz", null]`, `["baz", null]`, `["baz", null, "foo"]`, `["baz", null, "foo"]`}, nil, ""},
		// collect-set.json "collect_set with limit of 1".
		{"collect_set limit", sdk.AggCollectSet, []int64{1}, sdk.TypeInt, i32(0, 100),
			[]string{"[0]", "[0]"}, nil, ""},
		// collect-set.json "collect_set maps": maps are equal whatever
		// the order of their entries.
		{"collect_set maps", sdk.AggCollectSet, []int64{5}, sdk.TypeMap,
			[]sdk.Value{cxMap(sdk.Str("R0"), sdk.BigInt(100), sdk.Str("R2"), sdk.BigInt(2)),
				cxMap(sdk.Str("R2"), sdk.BigInt(2), sdk.Str("R0"), sdk.BigInt(100)),
				cxMap(sdk.Str("R2"), sdk.BigInt(3), sdk.Str("R0"), sdk.BigInt(100))},
			[]string{`[{"R0": 100, "R2": 2}]`, `[{"R0": 100, "R2": 2}]`, `[{"R0": 100, "R2": 2}, {"R2": 3, "R0": 100}]`}, nil, ""},
		{"collect_set NaN once", sdk.AggCollectSet, []int64{5}, sdk.TypeDouble,
			[]sdk.Value{sdk.Double(math.NaN()), sdk.Double(math.Float64frombits(0x7ff8000000000001)), sdk.Double(0), sdk.Double(math.Copysign(0, -1))},
			[]string{"[NaN]", "[NaN]", "[NaN, 0]", "[NaN, 0, -0]"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustCall(t, tt.fn, tt.params, tt.arg)
			var a Acc
			for i, v := range tt.add {
				f.Add(&a, v, int64(i))
				got := f.Result(&a)
				if got.Type != sdk.TypeArray || got.Null {
					t.Fatalf("result %#v is not an ARRAY", got)
				}
				if s := render([]byte(got.S)); s != tt.steps[i] {
					t.Errorf("after add %d: got %s, want %s", i, s, tt.steps[i])
				}
			}
			if tt.rem == nil {
				return
			}
			for _, v := range tt.rem {
				if !f.Remove(&a, v) {
					t.Fatal("Remove refused")
				}
			}
			if s := render([]byte(f.Result(&a).S)); s != tt.after {
				t.Errorf("after removes: got %s, want %s", s, tt.after)
			}
		})
	}
}

func TestArrayFuncsRemove(t *testing.T) {
	for _, fn := range []string{sdk.AggTopK, sdk.AggTopKDistinct, sdk.AggCollectSet} {
		f := mustCall(t, fn, []int64{3}, sdk.TypeInt)
		var a Acc
		f.Add(&a, sdk.Int(1), 0)
		if f.Remove(&a, sdk.Int(1)) {
			t.Errorf("%s undid an add: ksqlDB cannot", fn)
		}
	}
}

func TestArrayFuncsMerge(t *testing.T) {
	tests := []struct {
		fn     string
		params []int64
		a, b   []int64
		want   string
	}{
		{sdk.AggTopK, []int64{3}, []int64{100, 7}, []int64{100, 99}, "[100, 100, 99]"},
		{sdk.AggTopK, []int64{5}, []int64{3}, []int64{9, 1}, "[9, 3, 1]"},
		{sdk.AggTopKDistinct, []int64{3}, []int64{100, 7}, []int64{100, 99}, "[100, 99, 7]"},
		{sdk.AggTopK, []int64{2}, nil, []int64{5, 6, 1}, "[6, 5]"},
		{sdk.AggCollectList, []int64{3}, []int64{1, 2}, []int64{2, 3}, "[1, 2, 2]"},
		{sdk.AggCollectList, []int64{9}, nil, []int64{2, 3}, "[2, 3]"},
		{sdk.AggCollectSet, []int64{9}, []int64{1, 2}, []int64{2, 3, 1, 4}, "[1, 2, 3, 4]"},
		{sdk.AggCollectSet, []int64{3}, []int64{1, 2}, []int64{2, 3, 4}, "[1, 2, 3]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%v%v", tt.fn, tt.a, tt.b), func(t *testing.T) {
			f := mustCall(t, tt.fn, tt.params, sdk.TypeBigInt)
			var a, b Acc
			for _, v := range tt.a {
				f.Add(&a, sdk.BigInt(v), 0)
			}
			for _, v := range tt.b {
				f.Add(&b, sdk.BigInt(v), 0)
			}
			before := render([]byte(f.Result(&a).S))
			shared := a // a copy sharing a's bytes, as a session's clone does
			f.Merge(&a, &b)
			if got := render([]byte(f.Result(&a).S)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if got := render([]byte(f.Result(&shared).S)); got != before {
				t.Errorf("Merge wrote into the merged accumulator's old bytes: %s, was %s", got, before)
			}
		})
	}
}

func TestNewCallParams(t *testing.T) {
	decT, _ := sdk.DecimalType(10, 2)
	tests := []struct {
		fn     string
		params []int64
		arg    sdk.Type
		ok     bool
	}{
		{sdk.AggTopK, []int64{1}, sdk.TypeString, true},
		{sdk.AggTopK, []int64{3}, decT, true},
		{sdk.AggTopK, []int64{3}, sdk.TypeStruct, true},
		{sdk.AggTopK, []int64{0}, sdk.TypeInt, false},
		{sdk.AggTopK, []int64{-2}, sdk.TypeInt, false},
		{sdk.AggTopK, nil, sdk.TypeInt, false},
		{sdk.AggTopK, []int64{1, 2}, sdk.TypeInt, false},
		{sdk.AggTopK, []int64{3}, sdk.TypeBoolean, false},
		{sdk.AggTopKDistinct, []int64{3}, sdk.TypeStruct, false},
		{sdk.AggCollectList, []int64{0}, sdk.TypeBoolean, true},
		{sdk.AggCollectList, []int64{-1}, sdk.TypeBoolean, false},
		{sdk.AggCollectSet, []int64{10}, sdk.TypeArray, true},
		{sdk.AggCollectSet, []int64{10}, sdk.TypeUnknown, false},
		{sdk.AggSum, []int64{1}, sdk.TypeInt, false},
		{sdk.AggSum, nil, decT, true},
	}
	for _, tt := range tests {
		_, err := NewCall(sdk.AggregateCall{Func: tt.fn, Params: tt.params}, tt.arg)
		if (err == nil) != tt.ok {
			t.Errorf("NewCall(%s %v, %s): err %v, want ok=%v", tt.fn, tt.params, tt.arg, err, tt.ok)
		}
	}
	if _, _, err := NewFunc(sdk.AggTopK, sdk.TypeInt); err == nil {
		t.Error("NewFunc built TOPK without its k")
	}
}

func TestDecimalAggregates(t *testing.T) {
	typ, _ := sdk.DecimalType(4, 1) // |x| < 1000.0
	d := func(u int64) sdk.Value { return sdk.Decimal(typ, u) }
	sum := mustFunc(t, sdk.AggSum, typ)
	var a Acc
	// sum.json "sum decimal with overflow": 500.9 + 300.8 fits, + 400.8
	// does not.
	for _, v := range []sdk.Value{d(5009), sdk.Null(typ), d(3008)} {
		sum.Add(&a, v, 0)
	}
	if got := sum.Result(&a); got.Type != typ || got.I != 8017 {
		t.Fatalf("SUM = %#v, want 801.7", got)
	}
	if err := sum.(Failer).Failed(&a); err != nil {
		t.Fatalf("Failed before any overflow: %v", err)
	}
	sum.Add(&a, d(4008), 0)
	err := sum.(Failer).Failed(&a)
	if err == nil || !strings.Contains(err.Error(), "Numeric field overflow") {
		t.Fatalf("Failed after overflow = %v", err)
	}
	if got := sum.Result(&a); got.I != 8017 {
		t.Errorf("SUM after the failed add = %#v, want 801.7 kept", got)
	}
	var b Acc
	sum.Add(&b, d(-9999), 0)
	if !sum.Remove(&b, d(-9999)) || sum.Result(&b).I != 0 {
		t.Errorf("SUM remove: %#v", sum.Result(&b))
	}

	// max-group-by.json "max decimal group by".
	typ2, _ := sdk.DecimalType(4, 2)
	for _, tt := range []struct {
		fn   string
		want int64
	}{{sdk.AggMax, 2099}, {sdk.AggMin, -1012}} {
		f := mustFunc(t, tt.fn, typ2)
		var m Acc
		for _, u := range []int64{-1012, 0, 510, 2099, 1011} {
			f.Add(&m, sdk.Decimal(typ2, u), 0)
		}
		f.Add(&m, sdk.Null(typ2), 0)
		if got := f.Result(&m); got.Type != typ2 || got.Null || got.I != tt.want {
			t.Errorf("%s = %#v, want %d", tt.fn, got, tt.want)
		}
	}
}

func TestSumList(t *testing.T) {
	arr := func(elems ...sdk.Value) sdk.Value {
		b := sdk.CxAppendHeader(nil, sdk.CxArray, len(elems))
		for _, e := range elems {
			b = appendElem(b, e)
		}
		return sdk.Value{Type: sdk.TypeArray, S: string(b)}
	}
	tests := []struct {
		typ  sdk.Type
		add  []sdk.Value
		rem  []sdk.Value
		want sdk.Value
	}{
		// sum.json "sum list of ints into a single int".
		{sdk.TypeInt, []sdk.Value{arr(sdk.Int(1), sdk.Int(1)), arr(sdk.Int(2), sdk.Int(2)), arr(sdk.Int(100), sdk.Int(100)),
			arr(sdk.Int(100), sdk.Int(100), sdk.Null(sdk.TypeInt)), sdk.Null(sdk.TypeArray)}, nil, sdk.Int(406)},
		{sdk.TypeInt, []sdk.Value{arr(sdk.Int(math.MaxInt32), sdk.Int(1))}, nil, sdk.Int(math.MinInt32)},
		{sdk.TypeBigInt, []sdk.Value{arr(sdk.BigInt(1<<40), sdk.BigInt(5)), arr()}, []sdk.Value{arr(sdk.BigInt(5))}, sdk.BigInt(1 << 40)},
		{sdk.TypeDouble, []sdk.Value{arr(sdk.Double(1.5), sdk.Double(2))}, nil, sdk.Double(3.5)},
		{sdk.TypeDouble, nil, nil, sdk.Double(0)},
	}
	for _, tt := range tests {
		f, err := NewCall(sdk.AggregateCall{Func: sdk.AggSumList, Result: sdk.Column{Type: tt.typ}}, sdk.TypeArray)
		if err != nil {
			t.Fatal(err)
		}
		var a Acc
		for _, v := range tt.add {
			f.Add(&a, v, 0)
		}
		for _, v := range tt.rem {
			f.Remove(&a, v)
		}
		if got := f.Result(&a); !got.Equal(tt.want) {
			t.Errorf("SUM_LIST %s of %d arrays = %#v, want %#v", tt.typ, len(tt.add), got, tt.want)
		}
	}
	if _, err := NewCall(sdk.AggregateCall{Func: sdk.AggSumList, Result: sdk.Column{Type: sdk.TypeString}}, sdk.TypeArray); err == nil {
		t.Error("SUM_LIST giving STRING accepted")
	}
}

// TestArraySnapshotRestore is TestSnapshotRestore for the ARRAY
// functions: a restored aggregation goes on exactly as an uninterrupted
// one, sessions merging included.
func TestArraySnapshotRestore(t *testing.T) {
	wins := []*sdk.Window{nil,
		{Type: sdk.WindowHopping, SizeMs: 50, AdvanceMs: 10, GraceMs: 0, RetentionMs: 100},
		{Type: sdk.WindowSession, SizeMs: 15, GraceMs: 30, RetentionMs: -1}}
	rng := rand.New(rand.NewPCG(3, 4))
	recs := make([]rec, 300)
	for i := range recs {
		recs[i] = rec{key: string(rune('a' + rng.IntN(3))), val: rng.Int64N(40) - 10, ts: int64(i*3) + rng.Int64N(60) - 30}
	}
	for _, w := range wins {
		name := "none"
		if w != nil {
			name = w.Type.String()
		}
		t.Run(name, func(t *testing.T) {
			mk := func() *Aggregation {
				funcs := []Func{mustCall(t, sdk.AggTopK, []int64{4}, sdk.TypeBigInt),
					mustCall(t, sdk.AggTopKDistinct, []int64{3}, sdk.TypeBigInt),
					mustCall(t, sdk.AggCollectList, []int64{6}, sdk.TypeBigInt),
					mustCall(t, sdk.AggCollectSet, []int64{math.MaxInt32}, sdk.TypeBigInt)}
				var ws *Windows
				if w != nil {
					x := NewWindows(w)
					ws = &x
				}
				return NewAggregation(funcs, ws, false)
			}
			checkRestoreMidway(t, mk, recs, 137)
		})
	}
}
