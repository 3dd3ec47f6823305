package state

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/wasmstream/wasmstream/sdk"
)

// Group is the state of one group (and window): its key, its accumulators
// and what was emitted for it.
type Group struct {
	// Key holds the values of the GROUP BY columns.
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

	id string // map key: encoded key (and window)
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
	win        *Windows
	emitFinal  bool
	groups     map[string]*Group   // non-windowed and time-windowed groups
	sessions   map[string][]*Group // session windows, by encoded group key
	streamTime int64
	seq        int64
	nextSweep  int64
	buf        []byte
	wins       []Window
	open       groupHeap // EMIT FINAL: groups not emitted yet, by window end
}

// NewAggregation returns an empty aggregation for the given functions.
// win is nil for a non-windowed aggregation.
func NewAggregation(funcs []Func, win *Windows, emitFinal bool) *Aggregation {
	a := &Aggregation{funcs: funcs, win: win, emitFinal: emitFinal && win != nil, streamTime: math.MinInt64}
	a.reset()
	return a
}

func (a *Aggregation) reset() {
	a.groups = map[string]*Group{}
	a.sessions = map[string][]*Group{}
	a.open = a.open[:0]
	a.streamTime, a.seq, a.nextSweep = math.MinInt64, 0, math.MinInt64
}

// StreamTime returns the largest timestamp the aggregation has seen
// (math.MinInt64 before the first record).
func (a *Aggregation) StreamTime() int64 { return a.streamTime }

// Len returns the number of groups (windows included) held.
func (a *Aggregation) Len() int {
	n := len(a.groups)
	for _, s := range a.sessions {
		n += len(s)
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
		g := a.group(key, Window{}, true)
		a.add(g, args, ts)
		err = a.changed(g, emit)
	case a.win.Type == sdk.WindowSession:
		late, err = a.addSession(key, args, ts, emit)
	default:
		closeTime := a.closeTime()
		a.wins = a.win.Assign(a.wins[:0], ts)
		for _, w := range a.wins {
			if w.End <= closeTime {
				late++
				continue
			}
			g := a.group(key, w, true)
			if g.Closed {
				late++
				continue
			}
			a.add(g, args, ts)
			if err = a.changed(g, emit); err != nil {
				return late, err
			}
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
	g := a.group(key, Window{}, false)
	if g == nil {
		return nil
	}
	for i, f := range a.funcs {
		if !f.Remove(&g.Accs[i], args[i]) {
			return ErrCannotUndo
		}
	}
	g.TS = max(g.TS, ts)
	return a.changed(g, emit)
}

func (a *Aggregation) add(g *Group, args []sdk.Value, ts int64) {
	for i, f := range a.funcs {
		f.Add(&g.Accs[i], args[i], a.seq)
	}
	g.TS = max(g.TS, ts)
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

// group finds (or, when create is set, creates) the group of key in w.
func (a *Aggregation) group(key []sdk.Value, w Window, create bool) *Group {
	a.buf = AppendKey(a.buf[:0], key)
	if a.win != nil {
		a.buf = appendWindow(a.buf, w)
	}
	if g, ok := a.groups[string(a.buf)]; ok {
		return g
	}
	if !create {
		return nil
	}
	g := &Group{Key: cloneRow(nil, key), Win: w, Accs: make([]Acc, len(a.funcs)), TS: math.MinInt64, id: string(a.buf)}
	a.groups[g.id] = g
	if a.win != nil {
		a.waitFinal(g)
	}
	return g
}

// addSession merges the record into the sessions of its key it falls
// within the gap of, as Kafka Streams' KStreamSessionWindowAggregate does:
// the merged sessions are removed (a tombstone each, with the old session's
// end as timestamp) and the merged session is emitted.
func (a *Aggregation) addSession(key, args []sdk.Value, ts int64, emit func(Update) error) (int, error) {
	a.buf = AppendKey(a.buf[:0], key)
	list := a.sessions[string(a.buf)]
	gap := a.win.Size
	merged := Window{Start: ts, End: ts}
	var acc []Acc
	// Sessions beyond the retention are gone from Kafka Streams' session
	// store even before they are swept.
	horizon := a.streamTime - a.win.Retention
	for _, s := range list {
		if s.Win.End < ts-gap || s.Win.Start > ts+gap || s.Win.End < horizon {
			continue
		}
		if acc == nil {
			acc = slices.Clone(s.Accs)
		} else {
			for j, f := range a.funcs {
				f.Merge(&acc[j], &s.Accs[j])
			}
		}
		merged.Start, merged.End = min(merged.Start, s.Win.Start), max(merged.End, s.Win.End)
	}
	if merged.End < a.closeTime() {
		return 1, nil
	}
	g := &Group{Key: cloneRow(nil, key), Win: merged, Accs: acc, TS: math.MinInt64, id: string(appendWindow(a.buf, merged))}
	if acc == nil {
		g.Accs = make([]Acc, len(a.funcs))
	}
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
			for j := range acc {
				g.Accs[j] = acc[j]
			}
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
	if !slices.Contains(keep, g) {
		a.waitFinal(g)
		keep = append(keep, g)
		slices.SortFunc(keep, func(x, y *Group) int { return cmp.Compare(x.Win.Start, y.Win.Start) })
	}
	if len(keep) == 0 {
		delete(a.sessions, string(a.buf))
	} else {
		a.sessions[string(a.buf)] = keep
	}
	a.add(g, args, ts)
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
		next := a.open[0].Win.End + a.win.Grace // the stream time that closes it
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
	for len(a.open) > 0 && a.open[0].Win.End <= closeTime {
		g := heap.Pop(&a.open).(*Group)
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

// groupHeap orders the groups waiting for EMIT FINAL by window end, then
// key: the order Kafka Streams emits closed windows in.
type groupHeap []*Group

func (h groupHeap) Len() int { return len(h) }
func (h groupHeap) Less(i, j int) bool {
	if h[i].Win.End != h[j].Win.End {
		return h[i].Win.End < h[j].Win.End
	}
	return h[i].id < h[j].id
}
func (h groupHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *groupHeap) Push(x any)   { *h = append(*h, x.(*Group)) }
func (h *groupHeap) Pop() any {
	old := *h
	g := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return g
}

// waitFinal queues a new group for EMIT FINAL.
func (a *Aggregation) waitFinal(g *Group) {
	if a.emitFinal {
		heap.Push(&a.open, g)
	}
}

// expire drops the windows that closed and are older than the retention.
func (a *Aggregation) expire() {
	closeTime := a.closeTime()
	horizon := a.streamTime - a.win.Retention
	for id, g := range a.groups {
		if g.Win.End <= closeTime && g.Win.Start < horizon && (g.Closed || !a.emitFinal) {
			delete(a.groups, id)
		}
	}
	for id, list := range a.sessions {
		keep := list[:0]
		for _, g := range list {
			if g.Win.End < closeTime && g.Win.End < horizon && (g.Closed || !a.emitFinal) {
				continue
			}
			keep = append(keep, g)
		}
		if len(keep) == 0 {
			delete(a.sessions, id)
		} else {
			a.sessions[id] = keep
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
// the same state gives the same bytes.
func (a *Aggregation) Snapshot() ([]byte, error) {
	s := aggSnapshot{Version: 1, StreamTime: a.streamTime, Seq: a.seq}
	for _, g := range a.groups {
		s.Groups = append(s.Groups, g)
	}
	slices.SortFunc(s.Groups, func(x, y *Group) int { return cmp.Compare(x.id, y.id) })
	ids := make([]string, 0, len(a.sessions))
	for id := range a.sessions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		s.Sessions = append(s.Sessions, a.sessions[id]...)
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
	a.reset()
	a.streamTime, a.seq = s.StreamTime, s.Seq
	for _, g := range append(s.Groups, s.Sessions...) {
		if len(g.Accs) != len(a.funcs) {
			return fmt.Errorf("restore aggregation: a group has %d accumulators, the query %d", len(g.Accs), len(a.funcs))
		}
	}
	for _, g := range s.Groups {
		a.buf = AppendKey(a.buf[:0], g.Key)
		if a.win != nil {
			a.buf = appendWindow(a.buf, g.Win)
		}
		g.id = string(a.buf)
		a.groups[g.id] = g
	}
	for _, g := range s.Sessions {
		id := string(AppendKey(nil, g.Key))
		g.id = id + string(appendWindow(nil, g.Win))
		a.sessions[id] = append(a.sessions[id], g)
	}
	for _, g := range append(s.Groups, s.Sessions...) {
		if !g.Closed && a.win != nil {
			a.waitFinal(g)
		}
	}
	return nil
}

// Result returns the value of call i of a group.
func (a *Aggregation) Result(g *Group, i int) sdk.Value { return a.funcs[i].Result(&g.Accs[i]) }
