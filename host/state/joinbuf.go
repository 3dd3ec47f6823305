package state

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/wasmstream/wasmstream/sdk"
)

// Buffered is one record a stream-stream join buffer holds.
type Buffered struct {
	Cols []sdk.Value `msgpack:"c"`
	TS   int64       `msgpack:"t"`
	// Matched says the record joined at least one record of the other
	// side (an outer join then emits no NULL-padded row for it).
	Matched bool `msgpack:"m,omitempty"`
	// Padded says its NULL-padded row was emitted.
	Padded bool `msgpack:"p,omitempty"`
	// Seq orders records of equal timestamps by arrival.
	Seq int64       `msgpack:"q"`
	Key []sdk.Value `msgpack:"k"`
}

// JoinBuffer is one side of a stream-stream join in a task: the records of
// the last Retention milliseconds (of stream time), by key.
type JoinBuffer struct {
	// Retention is how long a record is kept after its timestamp.
	Retention int64
	byKey     map[string][]*Buffered
	// streamTime is the largest timestamp offered to this buffer: like a
	// Kafka Streams window store, each side expires by its own time.
	streamTime int64
	buf        []byte
	seq        int64
	n          int
}

// NewJoinBuffer returns an empty buffer keeping records for retention ms.
func NewJoinBuffer(retention int64) *JoinBuffer {
	return &JoinBuffer{Retention: retention, byKey: map[string][]*Buffered{}, streamTime: math.MinInt64}
}

// Observe advances the buffer's stream time to ts and reports whether a
// record at ts is still within the retention (else a window store drops
// it as expired).
func (b *JoinBuffer) Observe(ts int64) bool {
	b.streamTime = max(b.streamTime, ts)
	return ts > b.streamTime-b.Retention
}

// live reports whether a record at ts is within the retention.
func (b *JoinBuffer) live(ts int64) bool {
	return b.streamTime == math.MinInt64 || ts > b.streamTime-b.Retention
}

// Len returns the number of records held.
func (b *JoinBuffer) Len() int { return b.n }

// Add buffers a copy of a record.
func (b *JoinBuffer) Add(key, cols []sdk.Value, ts int64) *Buffered {
	b.seq++
	e := &Buffered{Cols: cloneRow(nil, cols), TS: ts, Seq: b.seq, Key: cloneRow(nil, key)}
	b.buf = AppendKey(b.buf[:0], key)
	b.byKey[string(b.buf)] = append(b.byKey[string(b.buf)], e)
	b.n++
	return e
}

// Range calls fn for each record of key with a timestamp in [from, to], in
// arrival order.
func (b *JoinBuffer) Range(key []sdk.Value, from, to int64, fn func(*Buffered) error) error {
	b.buf = AppendKey(b.buf[:0], key)
	for _, e := range b.byKey[string(b.buf)] {
		if e.TS >= from && e.TS <= to && b.live(e.TS) {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Expire drops the records beyond the retention, except the unmatched
// records of an outer side (pending) whose NULL-padded row is not emitted
// yet.
func (b *JoinBuffer) Expire(pending bool) {
	if b.streamTime == math.MinInt64 {
		return
	}
	for id, list := range b.byKey {
		keep := list[:0]
		for _, e := range list {
			if b.live(e.TS) || (pending && !e.Matched && !e.Padded) {
				keep = append(keep, e)
			} else {
				b.n--
			}
		}
		if len(keep) == 0 {
			delete(b.byKey, id)
		} else {
			b.byKey[id] = keep
		}
	}
}

// Each calls fn for every record in (timestamp, arrival) order.
func (b *JoinBuffer) Each(fn func(*Buffered) error) error {
	all := make([]*Buffered, 0, b.n)
	for _, list := range b.byKey {
		all = append(all, list...)
	}
	slices.SortFunc(all, func(x, y *Buffered) int {
		if c := cmp.Compare(x.TS, y.TS); c != 0 {
			return c
		}
		return cmp.Compare(x.Seq, y.Seq)
	})
	for _, e := range all {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

type bufSnapshot struct {
	Version    int         `msgpack:"v"`
	Seq        int64       `msgpack:"seq"`
	StreamTime int64       `msgpack:"st"`
	Records    []*Buffered `msgpack:"r"`
}

// Snapshot encodes the buffer (msgpack), deterministically.
func (b *JoinBuffer) Snapshot() ([]byte, error) {
	s := bufSnapshot{Version: 1, Seq: b.seq, StreamTime: b.streamTime}
	_ = b.Each(func(e *Buffered) error { s.Records = append(s.Records, e); return nil })
	return marshal(&s)
}

// Restore replaces the buffer's contents with a snapshot's.
func (b *JoinBuffer) Restore(data []byte) error {
	var s bufSnapshot
	if err := unmarshal(data, &s); err != nil {
		return fmt.Errorf("restore join buffer: %w", err)
	}
	if s.Version != 1 {
		return fmt.Errorf("restore join buffer: snapshot version %d, want 1", s.Version)
	}
	b.byKey, b.n, b.seq, b.streamTime = map[string][]*Buffered{}, 0, s.Seq, s.StreamTime
	for _, e := range s.Records {
		id := string(AppendKey(nil, e.Key))
		b.byKey[id] = append(b.byKey[id], e)
		b.n++
	}
	return nil
}
