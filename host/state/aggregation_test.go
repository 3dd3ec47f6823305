package state

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/wasmstream/wasmstream/sdk"
)

// TestKeyValues checks that a key held by the aggregation equals the key
// given, and that its strings are parts of the key's encoding, not the
// caller's bytes (which may be a record's, valid only during the call).
func TestKeyValues(t *testing.T) {
	long := strings.Repeat("x", 300) // a two-byte uvarint length
	tests := [][]sdk.Value{
		{sdk.Str("dev-00001")},
		{sdk.BigInt(7), sdk.Str(""), sdk.Null(sdk.TypeString), sdk.Str(long)},
		{sdk.Double(2.5), sdk.Value{Type: sdk.TypeArray, S: "\x01\x02"}, sdk.Str("b"), sdk.Int(-3)},
		{sdk.Null(sdk.TypeDouble), sdk.Str(long + long)},
	}
	for k, key := range tests {
		in := make([]sdk.Value, len(key))
		for i, v := range key { // the caller's bytes, overwritten after the call
			in[i] = v
			in[i].S = string([]byte(v.S))
		}
		enc := string(AppendKey(nil, in))
		got := keyValues(enc, in)
		if !reflect.DeepEqual(got, key) {
			t.Errorf("key %d: keyValues gives %v", k, got)
		}
		lo := uintptr(unsafe.Pointer(unsafe.StringData(enc)))
		for i, v := range got {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(v.S))); v.S != "" && (p < lo || p+uintptr(len(v.S)) > lo+uintptr(len(enc))) {
				t.Errorf("key %d: value %d (%v, %d bytes) is not part of the key's encoding", k, i, v.Type, len(v.S))
			}
		}
	}
}

// TestAggregationKeepsItsKey checks that the key an update carries does not
// change when the caller reuses the buffer it passed the key in.
func TestAggregationKeepsItsKey(t *testing.T) {
	w := NewWindows(&sdk.Window{Type: sdk.WindowHopping, SizeMs: 10, AdvanceMs: 5, GraceMs: 0, RetentionMs: -1})
	a := NewAggregation([]Func{mustFunc(t, sdk.AggCountStar, 0)}, &w, false)
	buf := []byte("key-a")
	var groups []*Group
	emit := func(u Update) error { groups = append(groups, u.Group); return nil }
	for ts := range int64(12) {
		buf[4] = byte('a' + ts%3)
		if _, err := a.Add([]sdk.Value{sdk.Str(unsafe.String(&buf[0], len(buf)))}, []sdk.Value{{}}, ts, emit); err != nil {
			t.Fatal(err)
		}
	}
	copy(buf, "zzzzz")
	seen := map[string]bool{}
	for _, g := range groups {
		seen[g.Key[0].S] = true
	}
	if want := map[string]bool{"key-a": true, "key-b": true, "key-c": true}; !reflect.DeepEqual(seen, want) {
		t.Errorf("keys of the updates %v, want %v", seen, want)
	}
}

// TestManyWindowsPerKey feeds records out of order into many windows of
// few keys (a long grace), so that windows are found and created anywhere
// in a key's list, and checks every update against a count per key and
// window kept aside, and that each key's windows stay in order.
func TestManyWindowsPerKey(t *testing.T) {
	for _, tt := range []struct {
		name string
		win  sdk.Window
	}{
		{"tumbling", sdk.Window{Type: sdk.WindowTumbling, SizeMs: 10, GraceMs: 100_000, RetentionMs: -1}},
		{"hopping", sdk.Window{Type: sdk.WindowHopping, SizeMs: 40, AdvanceMs: 10, GraceMs: 100_000, RetentionMs: -1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWindows(&tt.win)
			a := NewAggregation([]Func{mustFunc(t, sdk.AggCountStar, 0)}, &w, false)
			type kw struct {
				key   string
				start int64
			}
			want := map[kw]int64{}
			rng := rand.New(rand.NewPCG(3, 4))
			updates := 0
			emit := func(u Update) error {
				k := kw{u.Group.Key[0].S, u.Win.Start}
				want[k]++
				if got := a.Result(u.Group, 0).I; got != want[k] || u.Win.End != u.Win.Start+w.Size {
					t.Fatalf("window %v of %s: count %d, want %d", u.Win, k.key, got, want[k])
				}
				updates++
				return nil
			}
			for range 3000 {
				key := []sdk.Value{sdk.Str(string(rune('a' + rng.IntN(3))))}
				if _, err := a.Add(key, []sdk.Value{{}}, rng.Int64N(5000), emit); err != nil {
					t.Fatal(err)
				}
			}
			if updates < 3000 || a.Len() != len(want) {
				t.Errorf("%d updates, %d windows held, %d seen", updates, a.Len(), len(want))
			}
			for id, ref := range a.keys {
				if !slices.IsSortedFunc(ref.kg.wins, func(x, y *Group) int { return cmpWindow(x.Win, y.Win) }) {
					t.Errorf("the windows of key %q are out of order", id)
				}
			}
		})
	}
}

// TestAddToWindowsAllocatesNothing checks that a record whose windows
// exist allocates nothing, whether they are the key's last (tumbling) or
// found in its list (hopping, non-windowed after a restore).
func TestAddToWindowsAllocatesNothing(t *testing.T) {
	tumbling := NewWindows(&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 1000, GraceMs: -1, RetentionMs: -1})
	hopping := NewWindows(&sdk.Window{Type: sdk.WindowHopping, SizeMs: 1000, AdvanceMs: 100, GraceMs: -1, RetentionMs: -1})
	for _, tt := range []struct {
		name string
		win  *Windows
	}{{"non-windowed", nil}, {"tumbling", &tumbling}, {"hopping", &hopping}} {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAggregation([]Func{mustFunc(t, sdk.AggSum, sdk.TypeBigInt)}, tt.win, false)
			keys := [][]sdk.Value{{sdk.Str("a")}, {sdk.Str("b")}}
			args := []sdk.Value{sdk.BigInt(1)}
			emit := func(Update) error { return nil }
			for i := range 2000 { // creates the windows, grows the map
				if _, err := a.Add(keys[i%2], args, int64(i%500), emit); err != nil {
					t.Fatal(err)
				}
			}
			snap, err := a.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Restore(snap); err != nil { // no key's last window known
				t.Fatal(err)
			}
			i := 0
			allocs := testing.AllocsPerRun(500, func() {
				i++
				if _, err := a.Add(keys[i%2], args, int64(i%500), emit); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per record", allocs)
			}
		})
	}
}

// BenchmarkAggregationWindowed is the state's part of bench's
// BenchmarkWindowedCount: COUNT(*) per device over tumbling 5-second windows
// (default grace, so that none expires), 1M events from 10,000 devices,
// event time advancing 1 ms per 10 events (20 windows per device). The
// update callback reads what the executor reads: the key's values, its
// string, the result. It reports events/s and the live heap per window
// (after a collection, measured on a first run outside the timing).
func BenchmarkAggregationWindowed(b *testing.B) {
	const events, devices, perMs = 1_000_000, 10_000, 10
	keys := make([][]sdk.Value, devices)
	for i := range keys {
		keys[i] = []sdk.Value{sdk.Str(fmt.Sprintf("dev-%05d", i))}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	order := make([]int32, events)
	for i := range order {
		order[i] = int32(rng.IntN(devices))
	}
	w := NewWindows(&sdk.Window{Type: sdk.WindowTumbling, SizeMs: 5000, GraceMs: -1, RetentionMs: -1})
	f, _, err := NewFunc(sdk.AggCountStar, sdk.TypeUnknown)
	if err != nil {
		b.Fatal(err)
	}
	args := []sdk.Value{{}}
	var row [1]sdk.Value
	var sum int64
	run := func() *Aggregation {
		a := NewAggregation([]Func{f}, &w, false)
		emit := func(u Update) error {
			copy(row[:], u.Group.Key)
			sum += int64(len(row[0].S)) + a.Result(u.Group, 0).I
			return nil
		}
		for i, k := range order {
			if _, err := a.Add(keys[k], args, int64(i/perMs), emit); err != nil {
				b.Fatal(err)
			}
		}
		return a
	}

	before := liveHeap()
	a := run()
	perWindow := float64(liveHeap()-before) / float64(a.Len())
	windows := a.Len()
	runtime.KeepAlive(a)
	a = nil

	b.ReportAllocs()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(b.N)*events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(perWindow, "B/window")
	b.ReportMetric(float64(windows), "windows")
}

// liveHeap returns the live heap after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
