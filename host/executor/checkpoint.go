package executor

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/vmihailenco/msgpack/v5"
)

// Checkpoints: a query's state (aggregations, table contents, join
// buffers) is saved together with the input offsets it reflects, so that a
// restarted query restores both and resumes reading exactly where the
// state was taken. Snapshot is taken between Process calls, when every
// output of the records processed so far has been produced.

// Offset is the next offset to read of one input partition.
type Offset struct {
	Topic     string `msgpack:"topic"`
	Partition int32  `msgpack:"partition"`
	Next      int64  `msgpack:"next"`
}

// checkpoint is the persisted form of a query's state.
type checkpoint struct {
	Version int      `msgpack:"v"`
	Query   string   `msgpack:"query"`
	Offsets []Offset `msgpack:"offsets"`
	// Operator state, by store.
	Agg        []byte    `msgpack:"agg,omitempty"`
	Prev       []byte    `msgpack:"prev,omitempty"`
	Tables     [2][]byte `msgpack:"tables,omitempty"`
	Out        []byte    `msgpack:"out,omitempty"`
	Bufs       [2][]byte `msgpack:"bufs,omitempty"`
	StreamTime int64     `msgpack:"st,omitempty"`
	// Chain holds the state of the joins chained onto the first (n-way
	// joins), in order.
	Chain []joinCheckpoint `msgpack:"chain,omitempty"`
}

// joinCheckpoint is the state of one join.
type joinCheckpoint struct {
	Tables     [2][]byte `msgpack:"tables,omitempty"`
	Out        []byte    `msgpack:"out,omitempty"`
	Bufs       [2][]byte `msgpack:"bufs,omitempty"`
	StreamTime int64     `msgpack:"st,omitempty"`
}

// snapshot saves a join's stores.
func (op *joinOp) snapshot() (joinCheckpoint, error) {
	var c joinCheckpoint
	var err error
	snap := func(dst *[]byte, s interface{ Snapshot() ([]byte, error) }) {
		if err == nil {
			*dst, err = s.Snapshot()
		}
	}
	for i := range 2 {
		if op.tables[i] != nil {
			snap(&c.Tables[i], op.tables[i])
		}
		if op.bufs[i] != nil {
			snap(&c.Bufs[i], op.bufs[i])
		}
	}
	if op.out != nil {
		snap(&c.Out, op.out)
	}
	c.StreamTime = op.streamTime
	return c, err
}

// restore loads a join's stores and rebuilds what derives from them.
func (op *joinOp) restore(c joinCheckpoint) error {
	restore := func(data []byte, s interface{ Restore([]byte) error }) error {
		if data == nil {
			return errors.New("the checkpoint lacks a store the query has")
		}
		return s.Restore(data)
	}
	var errs []error
	for i := range 2 {
		if op.tables[i] != nil {
			errs = append(errs, restore(c.Tables[i], op.tables[i]))
		}
		if op.bufs[i] != nil {
			errs = append(errs, restore(c.Bufs[i], op.bufs[i]))
		}
	}
	if op.out != nil {
		errs = append(errs, restore(c.Out, op.out))
	}
	op.streamTime, op.nextSweep = c.StreamTime, math.MinInt64
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if op.byFK != nil {
		op.reindex()
	}
	if op.kind == streamStream {
		op.repend()
	}
	return nil
}

// Offsets returns the next offset to read of every input partition the
// query has processed records of, in topic and partition order.
func (q *Query) Offsets() []Offset {
	out := make([]Offset, 0, len(q.offsets))
	for k, next := range q.offsets {
		out = append(out, Offset{Topic: k.topic, Partition: k.partition, Next: next})
	}
	slices.SortFunc(out, func(a, b Offset) int {
		if c := cmp.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return cmp.Compare(a.Partition, b.Partition)
	})
	return out
}

// Snapshot encodes the query's state and input offsets (msgpack). Take it
// between Process calls.
func (q *Query) Snapshot() ([]byte, error) {
	c := checkpoint{Version: 1, Query: q.id, Offsets: q.Offsets()}
	if p := q.pipe; p != nil {
		var err error
		snap := func(dst *[]byte, s interface{ Snapshot() ([]byte, error) }) {
			if err == nil {
				*dst, err = s.Snapshot()
			}
		}
		if op := p.agg; op != nil {
			snap(&c.Agg, op.a)
			if op.prev != nil {
				snap(&c.Prev, op.prev)
			}
		}
		if op := p.join; op != nil && err == nil {
			var jc joinCheckpoint
			jc, err = op.snapshot()
			c.Tables, c.Out, c.Bufs, c.StreamTime = jc.Tables, jc.Out, jc.Bufs, jc.StreamTime
			for n := op.next; n != nil && err == nil; n = n.next {
				jc, err = n.snapshot()
				c.Chain = append(c.Chain, jc)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("query %s: snapshot: %w", q.id, err)
		}
	}
	b, err := msgpack.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("query %s: snapshot: %w", q.id, err)
	}
	return b, nil
}

// Restore replaces the state of a query that has not processed records yet
// with a snapshot's, offsets included (see Offsets: the caller resumes
// reading there).
func (q *Query) Restore(b []byte) error {
	var c checkpoint
	if err := msgpack.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("query %s: restore: %w", q.id, err)
	}
	if c.Version != 1 {
		return fmt.Errorf("query %s: restore: checkpoint version %d, want 1", q.id, c.Version)
	}
	if c.Query != q.id {
		return fmt.Errorf("query %s: restore: the checkpoint is of query %s", q.id, c.Query)
	}
	restore := func(data []byte, s interface{ Restore([]byte) error }) error {
		if data == nil {
			return errors.New("the checkpoint lacks a store the query has")
		}
		return s.Restore(data)
	}
	var errs []error
	if p := q.pipe; p != nil {
		if op := p.agg; op != nil {
			errs = append(errs, restore(c.Agg, op.a))
			if op.prev != nil {
				errs = append(errs, restore(c.Prev, op.prev))
			}
		}
		if op := p.join; op != nil {
			errs = append(errs, op.restore(joinCheckpoint{Tables: c.Tables, Out: c.Out, Bufs: c.Bufs, StreamTime: c.StreamTime}))
			i := 0
			for n := op.next; n != nil; n = n.next {
				if i >= len(c.Chain) {
					errs = append(errs, errors.New("the checkpoint has fewer joins than the query"))
					break
				}
				errs = append(errs, n.restore(c.Chain[i]))
				i++
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("query %s: restore: %w", q.id, err)
	}
	clear(q.offsets)
	for _, o := range c.Offsets {
		q.offsets[taskKey{o.Topic, o.Partition}] = o.Next
	}
	return nil
}
