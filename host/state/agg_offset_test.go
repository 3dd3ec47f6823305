package state

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// TestByOffsetN checks LATEST_BY_OFFSET(x, N) and EARLIEST_BY_OFFSET(x, N)
// add by add, with the cases of latest-offset-udaf.json and
// earliest-offset-udaf.json.
func TestByOffsetN(t *testing.T) {
	null := sdk.Null(sdk.TypeInt)
	i32 := sdk.Int
	tests := []struct {
		name  string
		fn    string
		n     int64
		arg   sdk.Type
		add   []sdk.Value
		steps []string // the result after each add
	}{
		// "latest n by offset".
		{"latest ints", sdk.AggLatestByOffset, 2, sdk.TypeInt, []sdk.Value{i32(12), i32(21), i32(30), i32(40)},
			[]string{"[12]", "[12, 21]", "[21, 30]", "[30, 40]"}},
		{"latest strings", sdk.AggLatestByOffset, 2, sdk.TypeString, []sdk.Value{sdk.Str("foo"), sdk.Str("bar"), sdk.Str("baz")},
			[]string{`["foo"]`, `["foo", "bar"]`, `["bar", "baz"]`}},
		{"latest booleans", sdk.AggLatestByOffset, 3, sdk.TypeBoolean, []sdk.Value{sdk.Bool(true), sdk.Bool(false)},
			[]string{"[true]", "[true, false]"}},
		{"latest doubles n=1", sdk.AggLatestByOffset, 1, sdk.TypeDouble, []sdk.Value{sdk.Double(1.23), sdk.Double(2.23)},
			[]string{"[1.23]", "[2.23]"}},
		// "latest n by offset with all nulls".
		{"latest skips nulls", sdk.AggLatestByOffset, 2, sdk.TypeInt, []sdk.Value{null, i32(1), null, i32(2), null},
			[]string{"[]", "[1]", "[1]", "[1, 2]", "[1, 2]"}},
		{"latest keeps nulls", sdk.AggLatestByOffsetKeepNulls, 2, sdk.TypeInt, []sdk.Value{i32(1), null, i32(2)},
			[]string{"[1]", "[1, null]", "[null, 2]"}},
		{"latest structs", sdk.AggLatestByOffset, 2, sdk.TypeStruct,
			[]sdk.Value{cxStruct(sdk.Str("a"), sdk.BigInt(1)), sdk.Null(sdk.TypeStruct), cxStruct(sdk.Str("b"), null)},
			[]string{`[("a", 1)]`, `[("a", 1)]`, `[("a", 1), ("b", null)]`}},
		// "null first - multiple - ignoring nulls" and "not ignoring nulls".
		{"earliest skips a first null", sdk.AggEarliestByOffset, 2, sdk.TypeInt, []sdk.Value{null, i32(13)},
			[]string{"[]", "[13]"}},
		{"earliest keeps a first null", sdk.AggEarliestByOffsetKeepNulls, 2, sdk.TypeInt, []sdk.Value{null, i32(13)},
			[]string{"[null]", "[null, 13]"}},
		// "nulls later - multiple - nulls ignored" and "not ignored".
		{"earliest skips a later null", sdk.AggEarliestByOffset, 2, sdk.TypeInt, []sdk.Value{i32(12), null, i32(13), i32(14)},
			[]string{"[12]", "[12]", "[12, 13]", "[12, 13]"}},
		{"earliest keeps a later null", sdk.AggEarliestByOffsetKeepNulls, 2, sdk.TypeInt, []sdk.Value{i32(12), null, i32(13)},
			[]string{"[12]", "[12, null]", "[12, null]"}},
		{"earliest decimal", sdk.AggEarliestByOffset, 1, mustDecimal(t, 3, 2), []sdk.Value{sdk.Decimal(mustDecimal(t, 3, 2), 340), sdk.Decimal(mustDecimal(t, 3, 2), 890)},
			[]string{"[340]", "[340]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustCall(t, tt.fn, []int64{tt.n}, tt.arg)
			var a Acc
			for i, v := range tt.add {
				f.Add(&a, v, int64(i+1))
				got := f.Result(&a)
				if got.Type != sdk.TypeArray || got.Null {
					t.Fatalf("result %#v is not an ARRAY", got)
				}
				if s := render([]byte(got.S)); s != tt.steps[i] {
					t.Errorf("after add %d: got %s, want %s", i, s, tt.steps[i])
				}
			}
			if f.Remove(&a, tt.add[0]) {
				t.Error("Remove undid an add: ksqlDB's *_BY_OFFSET are no table aggregations")
			}
		})
	}
}

func mustDecimal(t *testing.T, p, s int) sdk.Type {
	t.Helper()
	typ, ok := sdk.DecimalType(p, s)
	if !ok {
		t.Fatalf("no DECIMAL(%d, %d)", p, s)
	}
	return typ
}

// TestByOffsetNMerge checks that merging two sessions orders their values
// as they arrived (by sequence number), whichever session holds them.
func TestByOffsetNMerge(t *testing.T) {
	type add struct {
		v   int64 // -1 is NULL
		seq int64
	}
	tests := []struct {
		name string
		fn   string
		n    int64
		a, b []add
		then *add // added after the merge
		want string
	}{
		// latest-offset-udaf.json "merging session windows - with nulls
		// not ignored - N": 1 at 0, NULL at 1500, then 2 at 700 joins both.
		{"latest keeps nulls", sdk.AggLatestByOffsetKeepNulls, 2, []add{{1, 1}}, []add{{-1, 2}}, &add{2, 3}, "[null, 2]"},
		// "... with nulls ignored - N".
		{"latest skips nulls", sdk.AggLatestByOffset, 2, []add{{1, 1}}, []add{{-1, 2}}, &add{2, 3}, "[1, 2]"},
		{"latest interleaves", sdk.AggLatestByOffset, 3, []add{{5, 1}, {7, 4}}, []add{{6, 2}, {8, 5}}, nil, "[6, 7, 8]"},
		{"latest b first", sdk.AggLatestByOffset, 3, []add{{7, 4}}, []add{{5, 1}, {6, 2}}, nil, "[5, 6, 7]"},
		{"latest fewer than n", sdk.AggLatestByOffset, 9, []add{{5, 3}}, []add{{6, 2}}, nil, "[6, 5]"},
		{"latest empty a", sdk.AggLatestByOffset, 2, nil, []add{{1, 1}, {2, 2}, {3, 3}}, nil, "[2, 3]"},
		{"earliest interleaves", sdk.AggEarliestByOffset, 2, []add{{5, 1}, {7, 4}}, []add{{6, 2}}, nil, "[5, 6]"},
		{"earliest b first", sdk.AggEarliestByOffset, 3, []add{{7, 4}, {9, 6}}, []add{{5, 1}, {6, 2}}, nil, "[5, 6, 7]"},
		// earliest-offset-udaf.json "merging session windows - all nulls - N".
		{"earliest all nulls", sdk.AggEarliestByOffsetKeepNulls, 2, []add{{-1, 1}}, []add{{-1, 2}}, &add{-1, 3}, "[null, null]"},
		{"both empty", sdk.AggEarliestByOffset, 2, nil, nil, nil, "[]"},
	}
	val := func(x int64) sdk.Value {
		if x < 0 {
			return sdk.Null(sdk.TypeBigInt)
		}
		return sdk.BigInt(x)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustCall(t, tt.fn, []int64{tt.n}, sdk.TypeBigInt)
			var a, b Acc
			for _, x := range tt.a {
				f.Add(&a, val(x.v), x.seq)
			}
			for _, x := range tt.b {
				f.Add(&b, val(x.v), x.seq)
			}
			before := render([]byte(f.Result(&a).S))
			shared := a // a copy sharing a's bytes, as a session's clone does
			f.Merge(&a, &b)
			if tt.then != nil {
				f.Add(&a, val(tt.then.v), tt.then.seq)
			}
			if got := render([]byte(f.Result(&a).S)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if got := render([]byte(f.Result(&shared).S)); got != before {
				t.Errorf("Merge wrote into the merged accumulator's old bytes: %s, was %s", got, before)
			}
		})
	}
}

// TestAttr checks ATTR add by add and its undo, with the cases of
// attr.json.
func TestAttr(t *testing.T) {
	s, nullStr := sdk.Str, sdk.Null(sdk.TypeString)
	arr := func(xs ...int32) sdk.Value {
		b := sdk.CxAppendHeader(nil, sdk.CxArray, len(xs))
		for _, x := range xs {
			b = appendElem(b, sdk.Int(x))
		}
		return sdk.Value{Type: sdk.TypeArray, S: string(b)}
	}
	dec := mustDecimal(t, 4, 1)
	tests := []struct {
		name  string
		arg   sdk.Type
		add   []sdk.Value
		steps []sdk.Value // the result after each add
		rem   []sdk.Value
		after []sdk.Value // the result after each remove
	}{
		// "valid attr with various scalar fields".
		{"same strings", sdk.TypeString, []sdk.Value{s("s"), s("s"), s("s")}, []sdk.Value{s("s"), s("s"), s("s")}, nil, nil},
		{"same ints", sdk.TypeInt, []sdk.Value{sdk.Int(1), sdk.Int(1)}, []sdk.Value{sdk.Int(1), sdk.Int(1)}, nil, nil},
		{"same bigints", sdk.TypeBigInt, []sdk.Value{sdk.BigInt(1 << 40)}, []sdk.Value{sdk.BigInt(1 << 40)}, nil, nil},
		{"same doubles", sdk.TypeDouble, []sdk.Value{sdk.Double(1), sdk.Double(1)}, []sdk.Value{sdk.Double(1), sdk.Double(1)}, nil, nil},
		{"same booleans", sdk.TypeBoolean, []sdk.Value{sdk.Bool(true), sdk.Bool(true)}, []sdk.Value{sdk.Bool(true), sdk.Bool(true)}, nil, nil},
		{"different booleans", sdk.TypeBoolean, []sdk.Value{sdk.Bool(false), sdk.Bool(true)}, []sdk.Value{sdk.Bool(false), sdk.Null(sdk.TypeBoolean)}, nil, nil},
		{"same decimals", dec, []sdk.Value{sdk.Decimal(dec, 15), sdk.Decimal(dec, 15)}, []sdk.Value{sdk.Decimal(dec, 15), sdk.Decimal(dec, 15)}, nil, nil},
		{"NaN equals NaN as Java's Double.equals", sdk.TypeDouble, []sdk.Value{sdk.Double(math.NaN()), sdk.Double(math.Float64frombits(0x7ff8000000000001))},
			[]sdk.Value{sdk.Double(math.NaN()), sdk.Double(math.NaN())}, nil, nil},
		{"0.0 and -0.0 differ as in Java", sdk.TypeDouble, []sdk.Value{sdk.Double(0), sdk.Double(math.Copysign(0, -1))},
			[]sdk.Value{sdk.Double(0), sdk.Null(sdk.TypeDouble)}, nil, nil},
		// "valid attr with various non-scalar fields".
		{"same arrays", sdk.TypeArray, []sdk.Value{arr(1, 2, 3), arr(1, 2, 3)}, []sdk.Value{arr(1, 2, 3), arr(1, 2, 3)}, nil, nil},
		{"same structs", sdk.TypeStruct, []sdk.Value{cxStruct(s("a"), sdk.Int(1)), cxStruct(s("a"), sdk.Int(1))},
			[]sdk.Value{cxStruct(s("a"), sdk.Int(1)), cxStruct(s("a"), sdk.Int(1))}, nil, nil},
		{"maps equal in any order", sdk.TypeMap, []sdk.Value{cxMap(s("a"), sdk.Int(1), s("b"), sdk.Int(2)), cxMap(s("b"), sdk.Int(2), s("a"), sdk.Int(1))},
			[]sdk.Value{cxMap(s("a"), sdk.Int(1), s("b"), sdk.Int(2)), cxMap(s("a"), sdk.Int(1), s("b"), sdk.Int(2))}, nil, nil},
		// "valid attr with nulls".
		{"nulls", sdk.TypeString, []sdk.Value{nullStr, nullStr}, []sdk.Value{nullStr, nullStr}, nil, nil},
		// "invalid attr".
		{"different", sdk.TypeString, []sdk.Value{s("1"), s("2"), s("3")}, []sdk.Value{s("1"), nullStr, nullStr}, nil, nil},
		// "invalid attr with nulls": NULL is a value of its own.
		{"a null among values", sdk.TypeString, []sdk.Value{s("1"), nullStr, s("1")}, []sdk.Value{s("1"), nullStr, nullStr}, nil, nil},
		// "invalid attr with nulls as first entry".
		{"a null first", sdk.TypeString, []sdk.Value{nullStr, s("2"), s("2")}, []sdk.Value{nullStr, nullStr, nullStr}, nil, nil},
		// A table's updated row takes its old value back.
		{"undo to one value", sdk.TypeString, []sdk.Value{s("1"), s("2"), s("2")}, []sdk.Value{s("1"), nullStr, nullStr},
			[]sdk.Value{s("1"), s("2"), s("2")}, []sdk.Value{s("2"), s("2"), nullStr}},
		{"undo of a value never added", sdk.TypeString, []sdk.Value{s("1")}, []sdk.Value{s("1")},
			[]sdk.Value{s("9"), nullStr}, []sdk.Value{s("1"), s("1")}},
		{"undo of a null", sdk.TypeString, []sdk.Value{nullStr, s("1")}, []sdk.Value{nullStr, nullStr},
			[]sdk.Value{nullStr}, []sdk.Value{s("1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFunc(t, sdk.AggAttr, tt.arg)
			var a Acc
			check := func(what string, i int, want sdk.Value) {
				t.Helper()
				got := f.Result(&a)
				if got.Type != tt.arg {
					t.Errorf("after %s %d: type %s, want %s", what, i, got.Type, tt.arg)
				}
				if !equalValues(got, want) {
					t.Errorf("after %s %d: got %#v, want %#v", what, i, got, want)
				}
			}
			for i, v := range tt.add {
				f.Add(&a, v, 0)
				check("add", i, tt.steps[i])
			}
			for i, v := range tt.rem {
				if !f.Remove(&a, v) {
					t.Fatal("Remove refused: ATTR is a table aggregation")
				}
				check("remove", i, tt.after[i])
			}
		})
	}
}

// equalValues compares two values as Java's equals would their objects:
// complex values by their elements (maps in any entry order).
func equalValues(x, y sdk.Value) bool {
	if x.Null || y.Null || !x.Type.IsComplex() {
		return x.Equal(y)
	}
	return x.Type == y.Type && equalElems([]byte(x.S), []byte(y.S))
}

// TestAttrCounts checks that a count stops at 0, as ksqlDB's
// Math.max(0, count - 1): removing a value twice and adding it once
// leaves it counted once.
func TestAttrCounts(t *testing.T) {
	f := mustFunc(t, sdk.AggAttr, sdk.TypeBigInt)
	var a Acc
	f.Add(&a, sdk.BigInt(1), 0)
	f.Add(&a, sdk.BigInt(2), 0)
	f.Remove(&a, sdk.BigInt(2))
	f.Remove(&a, sdk.BigInt(2))
	if got := f.Result(&a); !got.Equal(sdk.BigInt(1)) {
		t.Fatalf("after 1, 2, -2, -2: %#v, want 1", got)
	}
	f.Add(&a, sdk.BigInt(2), 0)
	if got := f.Result(&a); !got.Null {
		t.Errorf("after 2 came back: %#v, want NULL", got)
	}
	if a.N != 2 {
		t.Errorf("%d entries, want 2 (an entry stays at count 0)", a.N)
	}
}

func TestAttrMerge(t *testing.T) {
	tests := []struct {
		name       string
		a, b, remB []int64
		want       sdk.Value
	}{
		{"same value", []int64{7, 7}, []int64{7}, nil, sdk.BigInt(7)},
		{"different values", []int64{7}, []int64{8}, nil, sdk.Null(sdk.TypeBigInt)},
		{"empty a", nil, []int64{8}, nil, sdk.BigInt(8)},
		{"empty b", []int64{7}, nil, nil, sdk.BigInt(7)},
		// b's entry at count 0 is not added.
		{"b's undone value", []int64{7}, []int64{8}, []int64{8}, sdk.BigInt(7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFunc(t, sdk.AggAttr, sdk.TypeBigInt)
			var a, b Acc
			for _, v := range tt.a {
				f.Add(&a, sdk.BigInt(v), 0)
			}
			for _, v := range tt.b {
				f.Add(&b, sdk.BigInt(v), 0)
			}
			for _, v := range tt.remB {
				f.Remove(&b, sdk.BigInt(v))
			}
			shared := a // a copy sharing a's bytes, as a session's clone does
			before := string(shared.L)
			f.Merge(&a, &b)
			if got := f.Result(&a); !got.Equal(tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if string(shared.L) != before {
				t.Error("Merge wrote into the merged accumulator's old bytes")
			}
			// The merged counts add up: removing a's values leaves b's.
			for _, v := range tt.a {
				f.Remove(&a, sdk.BigInt(v))
			}
			var onlyB Acc
			for _, v := range tt.b {
				f.Add(&onlyB, sdk.BigInt(v), 0)
			}
			for _, v := range tt.remB {
				f.Remove(&onlyB, sdk.BigInt(v))
			}
			if got, want := f.Result(&a), f.Result(&onlyB); !got.Equal(want) {
				t.Errorf("after removing a's values: %#v, want b's %#v", got, want)
			}
		})
	}
}

func TestNewCallOffsetAndAttr(t *testing.T) {
	tests := []struct {
		fn     string
		params []int64
		arg    sdk.Type
		ok     bool
	}{
		{sdk.AggLatestByOffset, []int64{1}, sdk.TypeInt, true},
		{sdk.AggEarliestByOffsetKeepNulls, []int64{5}, sdk.TypeStruct, true},
		{sdk.AggLatestByOffset, []int64{0}, sdk.TypeInt, false},
		{sdk.AggEarliestByOffset, []int64{-1}, sdk.TypeInt, false},
		{sdk.AggLatestByOffset, []int64{math.MaxInt32 + 1}, sdk.TypeInt, false},
		{sdk.AggLatestByOffset, []int64{2, 1}, sdk.TypeInt, false},
		{sdk.AggLatestByOffset, []int64{2}, sdk.TypeUnknown, false},
		{sdk.AggLatestByOffset, nil, sdk.TypeInt, true},
		{sdk.AggAttr, nil, sdk.TypeMap, true},
		{sdk.AggAttr, nil, sdk.TypeUnknown, false},
		{sdk.AggAttr, []int64{1}, sdk.TypeInt, false},
	}
	for _, tt := range tests {
		_, err := NewCall(sdk.AggregateCall{Func: tt.fn, Params: tt.params}, tt.arg)
		if (err == nil) != tt.ok {
			t.Errorf("NewCall(%s %v, %s): err %v, want ok=%v", tt.fn, tt.params, tt.arg, err, tt.ok)
		}
	}
}

// TestOffsetAttrAllocs checks that the accumulators take values without
// allocating once their entries are in place: a full LATEST_BY_OFFSET(x,
// N) or EARLIEST_BY_OFFSET(x, N), and ATTR of values it holds.
func TestOffsetAttrAllocs(t *testing.T) {
	tests := []struct {
		name string
		f    Func
		rem  bool // also Remove
	}{
		{"latest n", mustCall(t, sdk.AggLatestByOffset, []int64{3}, sdk.TypeString), false},
		{"earliest n", mustCall(t, sdk.AggEarliestByOffsetKeepNulls, []int64{2}, sdk.TypeString), false},
		{"attr", mustFunc(t, sdk.AggAttr, sdk.TypeString), true},
	}
	vals := []sdk.Value{sdk.Str("a string longer than thirty-two bytes"), sdk.Str("b"), sdk.Null(sdk.TypeString)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Acc
			for i, v := range vals {
				tt.f.Add(&a, v, int64(i))
			}
			seq := int64(len(vals))
			// 100 values a run: AllocsPerRun rounds the average down, and
			// an amortized allocation is rarer than one per value.
			allocs := testing.AllocsPerRun(20, func() {
				for range 100 {
					seq++
					v := vals[seq%int64(len(vals))]
					tt.f.Add(&a, v, seq)
					if tt.rem {
						tt.f.Remove(&a, v)
					}
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per 100 values", allocs)
			}
		})
	}
}

// TestOffsetAttrSnapshotRestore is TestArraySnapshotRestore for
// LATEST_BY_OFFSET(x, N), EARLIEST_BY_OFFSET(x, N) and ATTR: a restored
// aggregation goes on exactly as an uninterrupted one, sessions merging
// included.
func TestOffsetAttrSnapshotRestore(t *testing.T) {
	wins := []*sdk.Window{nil,
		{Type: sdk.WindowTumbling, SizeMs: 40, GraceMs: 20, RetentionMs: -1},
		{Type: sdk.WindowSession, SizeMs: 15, GraceMs: 30, RetentionMs: -1}}
	rng := rand.New(rand.NewPCG(5, 6))
	recs := make([]rec, 300)
	for i := range recs {
		// Few values, so that ATTR is sometimes not NULL.
		recs[i] = rec{key: string(rune('a' + rng.IntN(4))), val: rng.Int64N(2), ts: int64(i*3) + rng.Int64N(60) - 30}
	}
	for _, w := range wins {
		name := "none"
		if w != nil {
			name = w.Type.String()
		}
		t.Run(name, func(t *testing.T) {
			mk := func() *Aggregation {
				funcs := []Func{mustCall(t, sdk.AggLatestByOffset, []int64{3}, sdk.TypeBigInt),
					mustCall(t, sdk.AggEarliestByOffset, []int64{2}, sdk.TypeBigInt),
					mustCall(t, sdk.AggLatestByOffsetKeepNulls, []int64{4}, sdk.TypeBigInt),
					mustFunc(t, sdk.AggAttr, sdk.TypeBigInt)}
				var ws *Windows
				if w != nil {
					x := NewWindows(w)
					ws = &x
				}
				return NewAggregation(funcs, ws, false)
			}
			checkRestoreMidway(t, mk, recs, 151)
		})
	}
}

// TestAttrTableSnapshotRestore checks ATTR over a table source (adds and
// removes) across a snapshot.
func TestAttrTableSnapshotRestore(t *testing.T) {
	recs := []rec{{key: "a", val: 1}, {key: "a", val: 2}, {key: "b", val: 3}, {key: "a", val: 2, remove: true},
		{key: "a", val: 1}, {key: "a", val: 1, remove: true}, {key: "a", val: 1, remove: true}, {key: "a", val: 2}}
	mk := func() *Aggregation {
		return NewAggregation([]Func{mustFunc(t, sdk.AggAttr, sdk.TypeBigInt)}, nil, false)
	}
	whole := run(t, mk(), recs)
	want := []string{"a[0,0]=1@0", "a[0,0]=NULL:BIGINT@0", "b[0,0]=3@0", "a[0,0]=1@0", "a[0,0]=1@0", "a[0,0]=1@0", "a[0,0]=NULL:BIGINT@0", "a[0,0]=2@0"}
	if len(whole) != len(want) {
		t.Fatalf("updates %q\nwant %q", whole, want)
	}
	for i := range want {
		if whole[i] != want[i] {
			t.Errorf("update %d: %s, want %s", i, whole[i], want[i])
		}
	}
	for cut := 1; cut < len(recs); cut++ {
		first := mk()
		part := run(t, first, recs[:cut])
		snap, err := first.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		second := mk()
		if err := second.Restore(snap); err != nil {
			t.Fatal(err)
		}
		part = append(part, run(t, second, recs[cut:])...)
		if fmt.Sprint(part) != fmt.Sprint(whole) {
			t.Errorf("cut at %d: %q\nwant %q", cut, part, whole)
		}
	}
}
