package state

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func mustFunc(t *testing.T, fn string, arg sdk.Type) Func {
	t.Helper()
	f, _, err := NewFunc(fn, arg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFuncs(t *testing.T) {
	null := sdk.Null(sdk.TypeBigInt)
	tests := []struct {
		fn   string
		arg  sdk.Type
		add  []sdk.Value
		rem  []sdk.Value
		want sdk.Value
	}{
		{sdk.AggCountStar, sdk.TypeUnknown, []sdk.Value{null, sdk.BigInt(1)}, nil, sdk.BigInt(2)},
		{sdk.AggCount, sdk.TypeBigInt, []sdk.Value{null, sdk.BigInt(1), sdk.BigInt(5)}, nil, sdk.BigInt(2)},
		{sdk.AggCount, sdk.TypeBigInt, []sdk.Value{sdk.BigInt(1), sdk.BigInt(5)}, []sdk.Value{sdk.BigInt(5)}, sdk.BigInt(1)},
		{sdk.AggSum, sdk.TypeBigInt, []sdk.Value{null, sdk.BigInt(3), sdk.BigInt(4)}, []sdk.Value{sdk.BigInt(3)}, sdk.BigInt(4)},
		{sdk.AggSum, sdk.TypeBigInt, []sdk.Value{null}, nil, sdk.BigInt(0)},
		{sdk.AggSum, sdk.TypeInt, []sdk.Value{sdk.Int(2147483647), sdk.Int(1)}, nil, sdk.Int(-2147483648)},
		{sdk.AggSum, sdk.TypeDouble, []sdk.Value{sdk.Double(1.5), sdk.Null(sdk.TypeDouble), sdk.Double(2)}, nil, sdk.Double(3.5)},
		{sdk.AggAvg, sdk.TypeInt, []sdk.Value{sdk.Int(1), sdk.Int(2), sdk.Null(sdk.TypeInt)}, nil, sdk.Double(1.5)},
		{sdk.AggAvg, sdk.TypeInt, nil, nil, sdk.Double(0)},
		{sdk.AggMin, sdk.TypeBigInt, []sdk.Value{null, sdk.BigInt(3), sdk.BigInt(-4), sdk.BigInt(9)}, nil, sdk.BigInt(-4)},
		{sdk.AggMax, sdk.TypeString, []sdk.Value{sdk.Str("b"), sdk.Str("c"), sdk.Str("a")}, nil, sdk.Str("c")},
		{sdk.AggMax, sdk.TypeDouble, []sdk.Value{sdk.Null(sdk.TypeDouble)}, nil, sdk.Null(sdk.TypeDouble)},
		{sdk.AggLatestByOffset, sdk.TypeString, []sdk.Value{sdk.Str("a"), sdk.Str("b"), sdk.Null(sdk.TypeString)}, nil, sdk.Str("b")},
		{sdk.AggEarliestByOffset, sdk.TypeString, []sdk.Value{sdk.Null(sdk.TypeString), sdk.Str("a"), sdk.Str("b")}, nil, sdk.Str("a")},
		{sdk.AggLatestByOffsetKeepNulls, sdk.TypeString, []sdk.Value{sdk.Str("a"), sdk.Null(sdk.TypeString)}, nil, sdk.Null(sdk.TypeString)},
		{sdk.AggEarliestByOffsetKeepNulls, sdk.TypeString, []sdk.Value{sdk.Null(sdk.TypeString), sdk.Str("a")}, nil, sdk.Null(sdk.TypeString)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s(%s)%v", tt.fn, tt.arg, tt.add), func(t *testing.T) {
			f := mustFunc(t, tt.fn, tt.arg)
			var a Acc
			for i, v := range tt.add {
				f.Add(&a, v, int64(i))
			}
			for _, v := range tt.rem {
				if !f.Remove(&a, v) {
					t.Fatal("Remove refused")
				}
			}
			if got := f.Result(&a); !got.Equal(tt.want) || got.Type != tt.want.Type || got.Null != tt.want.Null {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	if _, _, err := NewFunc(sdk.AggSum, sdk.TypeString); err == nil {
		t.Error("SUM(STRING) accepted")
	}
}

func TestAssign(t *testing.T) {
	tests := []struct {
		w    *sdk.Window
		ts   int64
		want []Window
	}{
		{&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 10, GraceMs: -1, RetentionMs: -1}, 25, []Window{{20, 30}}},
		{&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 10, GraceMs: -1, RetentionMs: -1}, 0, []Window{{0, 10}}},
		{&sdk.Window{Type: sdk.WindowHopping, SizeMs: 10, AdvanceMs: 5, GraceMs: -1, RetentionMs: -1}, 12, []Window{{5, 15}, {10, 20}}},
		{&sdk.Window{Type: sdk.WindowHopping, SizeMs: 10, AdvanceMs: 5, GraceMs: -1, RetentionMs: -1}, 3, []Window{{0, 10}}},
	}
	for _, tt := range tests {
		if got := NewWindows(tt.w).Assign(nil, tt.ts); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v at %d: got %v, want %v", tt.w, tt.ts, got, tt.want)
		}
	}
	w := NewWindows(&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 1000, GraceMs: -1, RetentionMs: -1})
	if w.Grace != 24*3600*1000-1000 || w.Retention != 24*3600*1000 {
		t.Errorf("defaults: grace %d retention %d", w.Grace, w.Retention)
	}
}

// rec is one input of an aggregation test: key, value (the argument of
// every call), timestamp; remove for a table's subtraction.
type rec struct {
	key    string
	val    int64
	ts     int64
	remove bool
}

// run feeds recs and renders every update as key[start,end]=results@ts (or
// key[start,end]=null@ts for a tombstone), plus late drops.
func run(t *testing.T, a *Aggregation, recs []rec) []string {
	t.Helper()
	var out []string
	emit := func(u Update) error {
		s := fmt.Sprintf("%s[%d,%d]=", u.Group.Key[0].S, u.Win.Start, u.Win.End)
		if u.Tombstone {
			s += "null"
		} else {
			for i, f := range a.funcs {
				if i > 0 {
					s += ","
				}
				s += strings.Trim(f.Result(&u.Group.Accs[i]).GoString(), "\"")
			}
		}
		out = append(out, fmt.Sprintf("%s@%d", s, u.TS))
		return nil
	}
	for _, r := range recs {
		key := []sdk.Value{sdk.Str(r.key)}
		args := make([]sdk.Value, len(a.funcs))
		for i := range args {
			args[i] = sdk.BigInt(r.val)
		}
		if r.remove {
			if err := a.Remove(key, args, r.ts, emit); err != nil {
				t.Fatal(err)
			}
			continue
		}
		late, err := a.Add(key, args, r.ts, emit)
		if err != nil {
			t.Fatal(err)
		}
		if late > 0 {
			out = append(out, fmt.Sprintf("late %s@%d", r.key, r.ts))
		}
	}
	return out
}

func TestAggregation(t *testing.T) {
	countSum := func(t *testing.T) []Func {
		return []Func{mustFunc(t, sdk.AggCountStar, 0), mustFunc(t, sdk.AggSum, sdk.TypeBigInt)}
	}
	tumbling := NewWindows(&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 10, GraceMs: 5, RetentionMs: -1})
	session := NewWindows(&sdk.Window{Type: sdk.WindowSession, SizeMs: 10, GraceMs: 100, RetentionMs: -1})
	tests := []struct {
		name  string
		win   *Windows
		final bool
		recs  []rec
		want  []string
	}{
		{"unwindowed", nil, false,
			[]rec{{"a", 1, 5, false}, {"b", 2, 3, false}, {"a", 3, 4, false}},
			[]string{"a[0,0]=1,1@5", "b[0,0]=1,2@3", "a[0,0]=2,4@5"}},
		{"table subtract then add", nil, false,
			// count.json "count table": 0->bob, 0->john, 100->john, 100->null
			[]rec{{"bob", 1, 0, false}, {"bob", 1, 0, true}, {"john", 1, 0, false}, {"john", 1, 0, false}, {"john", 1, 0, true}},
			[]string{"bob[0,0]=1,1@0", "bob[0,0]=0,0@0", "john[0,0]=1,1@0", "john[0,0]=2,2@0", "john[0,0]=1,1@0"}},
		{"tumbling with grace", &tumbling, false,
			[]rec{{"a", 1, 1, false}, {"a", 2, 12, false}, {"a", 3, 9, false}, {"a", 4, 16, false}, {"a", 5, 3, false}},
			[]string{"a[0,10]=1,1@1", "a[10,20]=1,2@12", "a[0,10]=2,4@9", "a[10,20]=2,6@16", "late a@3"}},
		{"tumbling emit final", &tumbling, true,
			[]rec{{"a", 1, 1, false}, {"b", 2, 2, false}, {"a", 3, 14, false}, {"a", 4, 15, false}, {"a", 5, 25, false}},
			[]string{"a[0,10]=1,1@1", "b[0,10]=1,2@2", "a[10,20]=2,7@15"}},
		{"emit final loses a window stream time jumped past its retention", &tumbling, true,
			// suppress.json "large jump": [0,10) closes at 15 but is beyond
			// its retention (15 ms after its start) at 40.
			[]rec{{"a", 1, 1, false}, {"a", 2, 40, false}},
			nil},
		{"session merge", &session, false,
			[]rec{{"a", 1, 0, false}, {"a", 2, 30, false}, {"a", 3, 15, false}, {"a", 4, 25, false}},
			// gap 10: 15 starts its own session; 25 joins [15,15] and
			// [30,30].
			[]string{"a[0,0]=1,1@0", "a[30,30]=1,2@30", "a[15,15]=1,3@15",
				"a[15,15]=null@15", "a[30,30]=null@30", "a[15,30]=3,9@30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, NewAggregation(countSum(t), tt.win, tt.final), tt.recs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestSnapshotRestore stops an aggregation mid-stream, restores its
// snapshot into a fresh one and checks that it goes on exactly as an
// uninterrupted run.
func TestSnapshotRestore(t *testing.T) {
	wins := []*sdk.Window{nil,
		{Type: sdk.WindowTumbling, SizeMs: 50, GraceMs: 20, RetentionMs: -1},
		{Type: sdk.WindowHopping, SizeMs: 50, AdvanceMs: 10, GraceMs: 0, RetentionMs: 100},
		{Type: sdk.WindowSession, SizeMs: 15, GraceMs: 30, RetentionMs: -1}}
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]rec, 400)
	for i := range recs {
		recs[i] = rec{key: string(rune('a' + rng.IntN(4))), val: rng.Int64N(100) - 20, ts: int64(i*3) + rng.Int64N(60) - 30}
	}
	for _, w := range wins {
		for _, final := range []bool{false, true} {
			name := "none"
			if w != nil {
				name = w.Type.String()
			}
			t.Run(fmt.Sprintf("%s final=%v", name, final), func(t *testing.T) {
				mk := func() *Aggregation {
					funcs := []Func{mustFunc(t, sdk.AggCount, sdk.TypeBigInt), mustFunc(t, sdk.AggMax, sdk.TypeBigInt),
						mustFunc(t, sdk.AggAvg, sdk.TypeBigInt), mustFunc(t, sdk.AggLatestByOffset, sdk.TypeBigInt)}
					var ws *Windows
					if w != nil {
						x := NewWindows(w)
						ws = &x
					}
					return NewAggregation(funcs, ws, final)
				}
				checkRestoreMidway(t, mk, recs, 173)
			})
		}
	}
}

// checkRestoreMidway runs recs through an aggregation made by mk, and
// again stopping after cut records, snapshotting, restoring into a new
// one and going on: the outputs must be the same, and the restored state
// must snapshot to the same bytes.
func checkRestoreMidway(t *testing.T, mk func() *Aggregation, recs []rec, cut int) {
	t.Helper()
	whole := run(t, mk(), recs)
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
	if again, _ := second.Snapshot(); string(again) != string(snap) {
		t.Error("a restored state snapshots differently")
	}
	part = append(part, run(t, second, recs[cut:])...)
	if !reflect.DeepEqual(whole, part) {
		t.Errorf("restored run differs:\n%s\nvs uninterrupted\n%s", strings.Join(part, "\n"), strings.Join(whole, "\n"))
	}
	if len(whole) == 0 {
		t.Error("no output")
	}
}

func TestRetentionBoundsMemory(t *testing.T) {
	w := NewWindows(&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 10, GraceMs: 0, RetentionMs: 20})
	a := NewAggregation([]Func{mustFunc(t, sdk.AggCountStar, 0)}, &w, false)
	emit := func(Update) error { return nil }
	for i := range 100_000 {
		if _, err := a.Add([]sdk.Value{sdk.BigInt(int64(i % 7))}, []sdk.Value{{}}, int64(i), emit); err != nil {
			t.Fatal(err)
		}
	}
	if n := a.Len(); n > 7*10 {
		t.Errorf("%d windows held after 100000 ms of 10 ms windows with 20 ms retention", n)
	}
}

func TestTable(t *testing.T) {
	tb := NewTable()
	k := []sdk.Value{sdk.Str("k")}
	tb.Put(k, []sdk.Value{sdk.BigInt(1)}, 5)
	tb.Put([]sdk.Value{sdk.Str("j")}, []sdk.Value{sdk.BigInt(2)}, 6)
	tb.Put(k, []sdk.Value{sdk.BigInt(3)}, 7)
	if r := tb.Get(k); r == nil || r.Cols[0].I != 3 || r.TS != 7 {
		t.Fatalf("Get: %+v", r)
	}
	snap, err := tb.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if tb.Delete(k) == nil || tb.Get(k) != nil || tb.Len() != 1 {
		t.Fatal("Delete")
	}
	if err := tb.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if r := tb.Get(k); r == nil || r.Cols[0].I != 3 || tb.Len() != 2 {
		t.Fatalf("restored: %+v", r)
	}
}

func BenchmarkAggregationAdd(b *testing.B) {
	f, _, _ := NewFunc(sdk.AggSum, sdk.TypeBigInt)
	a := NewAggregation([]Func{f}, nil, false)
	key := []sdk.Value{sdk.Str("some-group-key")}
	args := []sdk.Value{sdk.BigInt(3)}
	emit := func(Update) error { return nil }
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Add(key, args, int64(i), emit)
	}
}

func TestAppendKey(t *testing.T) {
	arr := func(s string) sdk.Value { return sdk.Value{Type: sdk.TypeArray, S: s} }
	keys := [][]sdk.Value{
		{sdk.BigInt(1)}, {sdk.Int(1)}, {sdk.Null(sdk.TypeBigInt)}, {sdk.Str("a")}, {sdk.Str("a"), sdk.Str("")},
		{sdk.Str("ab")}, {arr("\x01\x02")}, {arr("\x01\x03")}, {sdk.Double(1)}, {sdk.Str(""), sdk.Str("a")},
	}
	seen := map[string]int{}
	for i, k := range keys {
		enc := string(AppendKey(nil, k))
		if j, ok := seen[enc]; ok {
			t.Errorf("keys %v and %v encode alike", keys[j], k)
		}
		seen[enc] = i
		if again := string(AppendKey(nil, k)); again != enc {
			t.Errorf("key %v encodes differently twice", k)
		}
	}
	f := mustFunc(t, sdk.AggLatestByOffset, sdk.TypeArray)
	var a Acc
	f.Add(&a, arr("\x01\x02"), 1)
	if got := f.Result(&a); got.Type != sdk.TypeArray || got.S != "\x01\x02" {
		t.Errorf("LATEST_BY_OFFSET of an ARRAY: %#v", got)
	}
}
