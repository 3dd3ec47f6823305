package state

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/wasmstream/wasmstream/sdk"
)

// Group is the state of one group (and window): its key, its accumulators
// and what was emitted for it.
type Group struct {
	// Key holds the values of the GROUP BY columns. The windows of a key
	// share one Key: it must not be modified.
	Key []sdk.Value `msgpack:"k"`
	// Win is the group's window (zero for a non-windowed aggregation).
	Win Window `msgpack:"w"`
	// Accs has one accumulator per aggregate call.
	Accs []Acc `msgpack:"a"`
	// TS is the largest timestamp of the records aggregated into the
	// group: the timestamp of its results, as Kafka Streams sets it.
	TS int64 `msgpack:"t"`
	// Emitted says a row of this group reached the sink and was not
	// deleted since (a HAVING that stops matching then emits a tombstone).
	Emitted bool `msgpack:"x,omitempty"`
	// Closed says EMIT FINAL emitted the group's window.
	Closed bool `msgpack:"c,omitempty"`
	// Dead says the group was removed (a session merged into another);
	// it is still valid for an Update that refers to it.
	Dead bool `msgpack:"-"`
}

// Update is one change an Aggregation emits: the group's new result, or a
// tombstone for a removed session.
type Update struct {
	Group *Group
	// Win is the window of the change (a tombstone's window is the removed
	// session's).
	Win Window
	// TS is the timestamp of the output record.
	TS int64
	// Tombstone says the group's window was removed.
	Tombstone bool
}

// keyGroup holds the groups of one GROUP BY key: the key once (its encoding
// as the map key, its values shared by the groups' Key) and the key's
// windows, in a slice: records mostly go to a key's newest windows, found
// at its end (or in keyRef.last) faster than in a map keyed by key and
// window, and a key's windows expire from its front.
type keyGroup struct {
	id string // AppendKey encoding: the Aggregation.keys map key
	// key is shared by every group's Key; its strings are parts of id, so
	// that the key's bytes are held once.
	key []sdk.Value
	// wins are the key's groups by ascending window start, then end (one,
	// with the zero window, for a non-windowed aggregation). They are
	// pointers: a group never moves, as the executor keeps &Group.Emitted
	// until its batch is flushed.
	wins []*Group
}

// keyRef is the Aggregation.keys entry of a key: its keyGroup, and the
// group a record of the key went to last, which the key's next record most
// likely goes to too (the current window). A hit goes from the map entry
// straight to the group, without reading the keyGroup and its slice (two
// cache misses, with many keys). last is nil or one of kg.wins.
type keyRef struct {
	kg   *keyGroup
	last *Group
}

// find returns the index of w in kg.wins, or where to insert it.
func (kg *keyGroup) find(w Window) (int, bool) {
	// Records mostly fall into the newest windows: look at the last few,
	// then search the others in halves (with a long grace or retention, a
	// key can hold thousands of windows).
	n := len(kg.wins)
	lo := max(0, n-findNewest)
	for i := n; i > lo; i-- {
		switch c := cmpWindow(kg.wins[i-1].Win, w); {
		case c == 0:
			return i - 1, true
		case c < 0:
			return i, false
		}
	}
	return slices.BinarySearchFunc(kg.wins[:lo], w, func(g *Group, w Window) int { return cmpWindow(g.Win, w) })
}

// findNewest is how many of a key's newest windows find looks at one by
// one: a record of a HOPPING window of up to this many advances finds all
// its windows among them.
const findNewest = 8

// cmpWindow orders windows by start, then end.
func cmpWindow(x, y Window) int {
	if c := cmp.Compare(x.Start, y.Start); c != 0 {
		return c
	}
	return cmp.Compare(x.End, y.End)
}

// Aggregation is the state of one GROUP BY operator in a task: groups with
// their accumulators, per window when the aggregation is windowed.
//
// It implements ksqlDB's semantics with record caching off: every update of
// a group is emitted (EMIT CHANGES), or a window's result once when the
// window closes (EMIT FINAL). Records for windows that closed (stream time
// beyond the window's end plus the grace period) are dropped: Add reports
// them as late.
type Aggregation struct {
	funcs      []Func
	failers    []Failer // per call, the function when it can fail, else nil
	win        *Windows
	emitFinal  bool
	keys       map[string]keyRef // by encoded key
	streamTime int64
	seq        int64
	nextSweep  int64
	buf        []byte
	wins       []Window
	accs       []Acc // addSession's scratch
	slabs      groupSlabs
	open       groupHeap // EMIT FINAL: groups not emitted yet, by window end
}

// NewAggregation returns an empty aggregation for the given functions.
// win is nil for a non-windowed aggregation.
func NewAggregation(funcs []Func, win *Windows, emitFinal bool) *Aggregation {
	a := &Aggregation{funcs: funcs, win: win, emitFinal: emitFinal && win != nil, streamTime: math.MinInt64}
	for _, f := range funcs {
		fl, _ := f.(Failer)
		a.failers = append(a.failers, fl)
	}
	a.reset()
	return a
}

func (a *Aggregation) reset() {
	a.keys = map[string]keyRef{}
	clear(a.open)
	a.open = a.open[:0]
	a.streamTime, a.seq, a.nextSweep = math.MinInt64, 0, math.MinInt64
}

// StreamTime returns the largest timestamp the aggregation has seen
// (math.MinInt64 before the first record).
func (a *Aggregation) StreamTime() int64 { return a.streamTime }

// Len returns the number of groups (windows included) held.
func (a *Aggregation) Len() int {
	n := 0
	for _, ref := range a.keys {
		n += len(ref.kg.wins)
	}
	return n
}

// ErrCannotUndo is returned by Remove for an aggregate function that
// cannot undo an Add.
var ErrCannotUndo = errors.New("aggregate function cannot remove a value")

// Add aggregates one record: key holds its group's values, args one
// argument value per call (ignored for COUNT_STAR), ts its timestamp. It
// calls emit for every change, in order. late is how many of the record's
// windows had already closed (the record was dropped for those).
func (a *Aggregation) Add(key, args []sdk.Value, ts int64, emit func(Update) error) (late int, err error) {
	a.seq++
	a.streamTime = max(a.streamTime, ts)
	switch {
	case a.win == nil:
		ref := a.lookup(key, true)
		g := ref.last
		if g == nil {
			g = a.group(ref.kg, Window{})
			a.keys[ref.kg.id] = keyRef{ref.kg, g}
		}
		if err = a.add(g, args, ts); err != nil {
			return 0, err
		}
		err = a.changed(g, emit)
	case a.win.Type == sdk.WindowSession:
		late, err = a.addSession(key, args, ts, emit)
	default:
		closeTime := a.closeTime()
		a.wins = a.win.Assign(a.wins[:0], ts)
		var ref keyRef // looked up once for all the record's windows
		var last *Group
		for _, w := range a.wins {
			if w.End <= closeTime {
				late++
				continue
			}
			if ref.kg == nil {
				// Created only for a window that takes the record, so that
				// a key never stays without windows.
				ref = a.lookup(key, true)
				last = ref.last
			}
			g := ref.last
			if g == nil || g.Win != w {
				g = a.group(ref.kg, w)
			}
			last = g
			if g.Closed {
				late++
				continue
			}
			if err = a.add(g, args, ts); err != nil {
				break
			}
			if err = a.changed(g, emit); err != nil {
				break
			}
		}
		if last != ref.last {
			// The record's newest window is the next record's likeliest.
			a.keys[ref.kg.id] = keyRef{ref.kg, last}
		}
	}
	if err != nil {
		return late, err
	}
	return late, a.advance(emit)
}

// Remove undoes Add of a record of a table source (ksqlDB's table
// aggregation subtracts an updated row's old value before adding the new
// one); it emits the group's new result. Only non-windowed aggregations
// read tables.
func (a *Aggregation) Remove(key, args []sdk.Value, ts int64, emit func(Update) error) error {
	if a.win != nil {
		return errors.New("a windowed aggregation cannot remove a record")
	}
	a.streamTime = max(a.streamTime, ts)
	ref := a.lookup(key, false)
	if ref.kg == nil {
		return nil
	}
	g := ref.kg.wins[0] // the only one: a non-windowed key's group
	for i, f := range a.funcs {
		if !f.Remove(&g.Accs[i], args[i]) {
			return ErrCannotUndo
		}
	}
	g.TS = max(g.TS, ts)
	return a.changed(g, emit)
}

// add folds a record's arguments into a group. A function that fails
// (a DECIMAL SUM beyond its precision) fails the add: ksqlDB stops the
// query then.
func (a *Aggregation) add(g *Group, args []sdk.Value, ts int64) error {
	for i, f := range a.funcs {
		f.Add(&g.Accs[i], args[i], a.seq)
	}
	g.TS = max(g.TS, ts)
	for i, fl := range a.failers {
		if fl != nil {
			if err := fl.Failed(&g.Accs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// changed emits a group's new result unless the results wait for the
// window to close.
func (a *Aggregation) changed(g *Group, emit func(Update) error) error {
	if a.emitFinal {
		return nil
	}
	return emit(Update{Group: g, Win: g.Win, TS: g.TS})
}

// closeTime is the end at or before which a window is closed. A session
// also waits for its inactivity gap, as Kafka Streams' session aggregation
// (a session ending at e can still grow with a record at e + gap).
func (a *Aggregation) closeTime() int64 {
	if a.streamTime == math.MinInt64 {
		return math.MinInt64
	}
	if a.win.Type == sdk.WindowSession {
		return a.streamTime - a.win.Grace - a.win.Size
	}
	return a.streamTime - a.win.Grace
}

// lookup finds (or, when create is set, creates) the entry of key; its kg
// is nil when there is none.
func (a *Aggregation) lookup(key []sdk.Value, create bool) keyRef {
	a.buf = AppendKey(a.buf[:0], key)
	ref, ok := a.keys[string(a.buf)] // does not allocate
	if !ok && create {
		id := string(a.buf)
		ref = keyRef{kg: &keyGroup{id: id, key: keyValues(id, key)}}
		a.keys[id] = ref
	}
	return ref
}

// group finds or creates the group of kg's key in window w.
func (a *Aggregation) group(kg *keyGroup, w Window) *Group {
	i, ok := kg.find(w)
	if ok {
		return kg.wins[i]
	}
	g := a.newGroup(kg.key, w, true)
	if kg.wins == nil && a.win != nil {
		// A key of a windowed aggregation mostly has a few windows:
		// fewer steps to grow through.
		kg.wins = make([]*Group, 0, 4)
	}
	kg.wins = slices.Insert(kg.wins, i, g)
	if a.win != nil {
		a.waitFinal(kg, g)
	}
	return g
}

// groupAccs1 and groupAccs2 hold a group together with its accumulators,
// for the usual aggregations of one or two calls: a record updates both,
// and they share cache lines.
type (
	groupAccs1 struct {
		g    Group
		accs [1]Acc
	}
	groupAccs2 struct {
		g    Group
		accs [2]Acc
	}
)

// groupSlabs allocate the groups of time windows and of non-windowed
// aggregations.
type groupSlabs struct {
	one  slab[groupAccs1]
	two  slab[groupAccs2]
	more slab[Group]
	accs slab[Acc]
}

// slabBytes is about the size of the largest chunks a slab allocates. The
// first are small, each twice the last, so that an aggregation of few
// groups (a query has one per partition) holds little more than them.
const slabBytes = 8 << 10

// slab allocates values of T in chunks of about slabBytes: one allocation
// for dozens of groups (a new window comes with a fifth of the records of
// the windowed count in bench). A chunk is freed when none of its values is
// reachable any more: the time windows of a chunk were created at about the
// same stream time and expire at about the same time, so that holds little
// beyond them. Sessions, merged and replaced all the time, are allocated
// one by one.
type slab[T any] struct {
	free  []T
	chunk int // the length of the last chunk
}

// take returns n new zero values, consecutive.
func (s *slab[T]) take(n int) []T {
	if len(s.free) < n {
		var zero T
		s.chunk = max(n, min(2*s.chunk, slabBytes/int(unsafe.Sizeof(zero))), 4)
		s.free = make([]T, s.chunk)
	}
	v := s.free[:n:n]
	s.free = s.free[n:]
	return v
}

// newGroup returns a new group of key in window w, with zero accumulators,
// from the slabs when pooled is set.
func (a *Aggregation) newGroup(key []sdk.Value, w Window, pooled bool) *Group {
	var g *Group
	switch n := len(a.funcs); {
	case n == 1:
		var c *groupAccs1
		if pooled {
			c = &a.slabs.one.take(1)[0]
		} else {
			c = new(groupAccs1)
		}
		g = &c.g
		g.Accs = c.accs[:]
	case n == 2:
		var c *groupAccs2
		if pooled {
			c = &a.slabs.two.take(1)[0]
		} else {
			c = new(groupAccs2)
		}
		g = &c.g
		g.Accs = c.accs[:]
	case pooled:
		g = &a.slabs.more.take(1)[0]
		g.Accs = a.slabs.accs.take(n)
	default:
		g = &Group{Accs: make([]Acc, n)}
	}
	g.Key, g.Win, g.TS = key, w, math.MinInt64
	return g
}

// addSession merges the record into the sessions of its key it falls
// within the gap of, as Kafka Streams' KStreamSessionWindowAggregate does:
// the merged sessions are removed (a tombstone each, with the old session's
// end as timestamp) and the merged session is emitted.
func (a *Aggregation) addSession(key, args []sdk.Value, ts int64, emit func(Update) error) (int, error) {
	kg := a.lookup(key, false).kg
	var list []*Group
	if kg != nil {
		list = kg.wins
	}
	gap := a.win.Size
	merged := Window{Start: ts, End: ts}
	acc := a.accs[:0] // the merged sessions' accumulators
	// Sessions beyond the retention are gone from Kafka Streams' session
	// store even before they are swept.
	horizon := a.streamTime - a.win.Retention
	for _, s := range list {
		if s.Win.End < ts-gap || s.Win.Start > ts+gap || s.Win.End < horizon {
			continue
		}
		if len(acc) == 0 {
			acc = append(acc, s.Accs...)
		} else {
			for j, f := range a.funcs {
				f.Merge(&acc[j], &s.Accs[j])
			}
		}
		merged.Start, merged.End = min(merged.Start, s.Win.Start), max(merged.End, s.Win.End)
	}
	defer func() { a.accs = acc[:0]; clear(acc) }() // keep no accumulator alive
	if merged.End < a.closeTime() {
		return 1, nil
	}
	if kg == nil {
		kg = a.lookup(key, true).kg
	}
	var g *Group
	keep := list[:0]
	for _, s := range list {
		if s.Win.End < ts-gap || s.Win.Start > ts+gap || s.Win.End < horizon {
			keep = append(keep, s)
			continue
		}
		if s.Win == merged {
			// The record falls inside an existing session, which keeps
			// its identity (Kafka Streams overwrites it in place).
			g = s
			copy(g.Accs, acc)
			keep = append(keep, s)
			continue
		}
		// The caller emits the tombstone only if a row of the session
		// reached the sink (Group.Emitted).
		s.Dead = true
		if err := emit(Update{Group: s, Win: s.Win, TS: s.Win.End, Tombstone: true}); err != nil {
			return 0, err
		}
	}
	clear(list[len(keep):]) // let the merged sessions go
	if g == nil {
		g = a.newGroup(kg.key, merged, false)
		copy(g.Accs, acc) // none when no session merged: zero accumulators
		a.waitFinal(kg, g)
		keep = append(keep, g)
		slices.SortFunc(keep, func(x, y *Group) int { return cmp.Compare(x.Win.Start, y.Win.Start) })
	}
	kg.wins = keep
	if err := a.add(g, args, ts); err != nil {
		return 0, err
	}
	g.TS = merged.End
	return 0, a.changed(g, emit)
}

// AdvanceTo moves stream time forward to t without a record, as if the
// stream had gone on until t, and emits the windows that thereby close
// (EMIT FINAL). It steps through the close time of each waiting window, so
// each is emitted as a record arriving exactly at its close would emit it:
// a single jump to t could put a window beyond its retention before it
// closes, and then it would never be emitted. It does nothing before the
// first record or when t is not ahead of stream time.
func (a *Aggregation) AdvanceTo(t int64, emit func(Update) error) error {
	if a.streamTime == math.MinInt64 || t <= a.streamTime || a.win == nil {
		return nil
	}
	for a.emitFinal && len(a.open) > 0 {
		next := a.open[0].g.Win.End + a.win.Grace // the stream time that closes it
		if a.win.Type == sdk.WindowSession {
			next += a.win.Size
		}
		if next > t {
			break
		}
		a.streamTime = max(a.streamTime, next)
		if err := a.advance(emit); err != nil {
			return err
		}
	}
	a.streamTime = t
	return a.advance(emit)
}

// advance emits the windows that closed (EMIT FINAL) and, from time to
// time, drops the windows beyond their retention.
func (a *Aggregation) advance(emit func(Update) error) error {
	if a.win == nil {
		return nil
	}
	if a.emitFinal {
		if err := a.emitClosed(emit); err != nil {
			return err
		}
	}
	if a.streamTime >= a.nextSweep {
		a.expire()
		a.nextSweep = a.streamTime + max(min(a.win.Retention/4, 60_000), 1)
	}
	return nil
}

// emitClosed emits, once, each window whose end plus grace stream time has
// reached, in window-end order (then key order), as Kafka Streams'
// suppression buffer evicts them.
func (a *Aggregation) emitClosed(emit func(Update) error) error {
	closeTime := a.closeTime()
	horizon := a.streamTime - a.win.Retention
	for len(a.open) > 0 && a.open[0].g.Win.End <= closeTime {
		g := heap.Pop(&a.open).(openGroup).g
		if g.Closed || g.Dead {
			continue
		}
		g.Closed = true
		if a.win.Type != sdk.WindowSession && g.Win.Start < horizon {
			// Already beyond the retention when it closed: Kafka Streams'
			// window store no longer returns it, so its final result is
			// never emitted (suppress.json, "large jump").
			continue
		}
		if err := emit(Update{Group: g, Win: g.Win, TS: g.TS}); err != nil {
			return err
		}
	}
	return nil
}

// openGroup is a group waiting for EMIT FINAL, with its encoded key.
type openGroup struct {
	g   *Group
	key string
}

// groupHeap orders the groups waiting for EMIT FINAL by window end, then
// key and window (the order of their encodings, key then window): the
// order Kafka Streams emits closed windows in.
type groupHeap []openGroup

func (h groupHeap) Len() int { return len(h) }
func (h groupHeap) Less(i, j int) bool {
	x, y := h[i].g.Win, h[j].g.Win
	if x.End != y.End {
		return x.End < y.End
	}
	if h[i].key != h[j].key {
		// Key encodings are prefix-free (the same columns, each
		// self-delimiting), so comparing them, then the windows, orders
		// as comparing whole encodings of key and window.
		return h[i].key < h[j].key
	}
	return winLess(x, y)
}
func (h groupHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *groupHeap) Push(x any)   { *h = append(*h, x.(openGroup)) }
func (h *groupHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = openGroup{}
	*h = old[:len(old)-1]
	return e
}

// winLess orders windows as their encodings (appendWindow): start, then
// end, as unsigned numbers.
func winLess(x, y Window) bool {
	if x.Start != y.Start {
		return uint64(x.Start) < uint64(y.Start)
	}
	return uint64(x.End) < uint64(y.End)
}

// waitFinal queues a new group of kg for EMIT FINAL.
func (a *Aggregation) waitFinal(kg *keyGroup, g *Group) {
	if a.emitFinal {
		heap.Push(&a.open, openGroup{g, kg.id})
	}
}

// expire drops the windows that closed and are older than the retention,
// and the keys left without windows.
func (a *Aggregation) expire() {
	closeTime := a.closeTime()
	horizon := a.streamTime - a.win.Retention
	session := a.win.Type == sdk.WindowSession
	for id, ref := range a.keys {
		kg := ref.kg
		keep := kg.wins[:0]
		i := 0
		for ; i < len(kg.wins); i++ {
			g := kg.wins[i]
			old := g.Win.End <= closeTime && g.Win.Start < horizon
			if session {
				old = g.Win.End < closeTime && g.Win.End < horizon
			} else if g.Win.Start >= horizon {
				break // nor any later window: they are by start
			}
			if old && (g.Closed || !a.emitFinal) {
				if g == ref.last {
					ref.last = nil
					a.keys[id] = ref
				}
				continue
			}
			keep = append(keep, g)
		}
		keep = append(keep, kg.wins[i:]...)
		clear(kg.wins[len(keep):]) // let the dropped groups go
		if len(keep) == 0 {
			delete(a.keys, id)
		} else {
			kg.wins = keep
		}
	}
}

// aggSnapshot is the persisted form of an Aggregation.
type aggSnapshot struct {
	Version    int      `msgpack:"v"`
	StreamTime int64    `msgpack:"st"`
	Seq        int64    `msgpack:"seq"`
	Groups     []*Group `msgpack:"g"`
	Sessions   []*Group `msgpack:"s"`
}

// Snapshot encodes the aggregation's state (msgpack), deterministically:
// the same state gives the same bytes. Groups come in the order of their
// encoded key and window (a key's time windows are held by start, and
// never start before 0), sessions by key, then as the key holds them.
func (a *Aggregation) Snapshot() ([]byte, error) {
	s := aggSnapshot{Version: 1, StreamTime: a.streamTime, Seq: a.seq}
	ids := make([]string, 0, len(a.keys))
	for id := range a.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if a.win != nil && a.win.Type == sdk.WindowSession {
			s.Sessions = append(s.Sessions, a.keys[id].kg.wins...)
		} else {
			s.Groups = append(s.Groups, a.keys[id].kg.wins...)
		}
	}
	return marshal(&s)
}

// Restore replaces the aggregation's state with a snapshot's.
func (a *Aggregation) Restore(b []byte) error {
	var s aggSnapshot
	if err := unmarshal(b, &s); err != nil {
		return fmt.Errorf("restore aggregation: %w", err)
	}
	if s.Version != 1 {
		return fmt.Errorf("restore aggregation: snapshot version %d, want 1", s.Version)
	}
	all := append(s.Groups, s.Sessions...)
	for _, g := range all {
		if g == nil {
			return errors.New("restore aggregation: the snapshot holds an empty group")
		}
		if len(g.Accs) != len(a.funcs) {
			return fmt.Errorf("restore aggregation: a group has %d accumulators, the query %d", len(g.Accs), len(a.funcs))
		}
	}
	a.reset()
	a.streamTime, a.seq = s.StreamTime, s.Seq
	kgs := make([]*keyGroup, len(all))
	for i, g := range all {
		kg := a.lookup(g.Key, true).kg
		g.Key, kgs[i] = kg.key, kg
		if i >= len(s.Groups) {
			kg.wins = append(kg.wins, g) // a key's sessions, in their order
			continue
		}
		j, found := kg.find(g.Win)
		if found {
			return fmt.Errorf("restore aggregation: the snapshot holds the group of window [%d,%d] twice", g.Win.Start, g.Win.End)
		}
		kg.wins = slices.Insert(kg.wins, j, g)
	}
	for i, g := range all {
		if !g.Closed && a.win != nil {
			a.waitFinal(kgs[i], g)
		}
	}
	return nil
}

// Result returns the value of call i of a group.
func (a *Aggregation) Result(g *Group, i int) sdk.Value { return a.funcs[i].Result(&g.Accs[i]) }
