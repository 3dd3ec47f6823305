package executor

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/wasmstream/wasmstream/host/state"
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

// checkpointVersion is the version of the checkpoint format: 2 keeps the
// operator state per task.
const checkpointVersion = 2

// checkpoint is the persisted form of a query's state.
type checkpoint struct {
	Version int      `msgpack:"v"`
	Query   string   `msgpack:"query"`
	Offsets []Offset `msgpack:"offsets"`
	// Tasks holds the operator state of each task, in partition order.
	Tasks []taskCheckpoint `msgpack:"tasks,omitempty"`
	// Prevs holds, for a table aggregation, per source partition what each
	// source key contributed.
	Prevs []partitionStore `msgpack:"prevs,omitempty"`
}

// taskCheckpoint is the operator state of one task.
type taskCheckpoint struct {
	Partition int32  `msgpack:"partition"`
	Agg       []byte `msgpack:"agg,omitempty"`
	// Joins holds the state of each join of the chain, in order.
	Joins []joinCheckpoint `msgpack:"joins,omitempty"`
}

// partitionStore is a store of one source partition.
type partitionStore struct {
	Partition int32  `msgpack:"partition"`
	Data      []byte `msgpack:"data"`
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
	c := checkpoint{Version: checkpointVersion, Query: q.id, Offsets: q.Offsets()}
	if p := q.pipe; p != nil {
		if err := p.snapshot(&c); err != nil {
			return nil, fmt.Errorf("query %s: snapshot: %w", q.id, err)
		}
	}
	b, err := msgpack.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("query %s: snapshot: %w", q.id, err)
	}
	return b, nil
}

// snapshot saves every task's state into c.
func (p *pipeline) snapshot(c *checkpoint) error {
	for _, t := range p.sortedTasks() {
		tc := taskCheckpoint{Partition: t.partition}
		var err error
		if t.agg != nil {
			tc.Agg, err = t.agg.a.Snapshot()
		}
		for op := t.join; op != nil && err == nil; op = op.next {
			var jc joinCheckpoint
			jc, err = op.snapshot()
			tc.Joins = append(tc.Joins, jc)
		}
		if err != nil {
			return fmt.Errorf("task %d: %w", t.partition, err)
		}
		c.Tasks = append(c.Tasks, tc)
	}
	for part, prev := range p.prevs {
		b, err := prev.Snapshot()
		if err != nil {
			return err
		}
		c.Prevs = append(c.Prevs, partitionStore{Partition: part, Data: b})
	}
	slices.SortFunc(c.Prevs, func(a, b partitionStore) int { return cmp.Compare(a.Partition, b.Partition) })
	return nil
}

// restore loads every task's state from c.
func (p *pipeline) restore(q *Query, c *checkpoint) error {
	clear(p.tasks)
	p.cur, p.agg, p.join = nil, nil, nil
	for _, tc := range c.Tasks {
		t, err := p.newTask(q, tc.Partition)
		if err != nil {
			return err
		}
		if t.agg != nil {
			if tc.Agg == nil {
				return errors.New("the checkpoint lacks an aggregation the query has")
			}
			if err := t.agg.a.Restore(tc.Agg); err != nil {
				return fmt.Errorf("task %d: %w", tc.Partition, err)
			}
		}
		i := 0
		for op := t.join; op != nil; op = op.next {
			if i >= len(tc.Joins) {
				return errors.New("the checkpoint has fewer joins than the query")
			}
			if err := op.restore(tc.Joins[i]); err != nil {
				return fmt.Errorf("task %d: %w", tc.Partition, err)
			}
			i++
		}
		p.tasks[tc.Partition] = t
	}
	clear(p.prevs)
	for _, ps := range c.Prevs {
		t := state.NewTable()
		if err := t.Restore(ps.Data); err != nil {
			return fmt.Errorf("source partition %d: %w", ps.Partition, err)
		}
		p.prevs[ps.Partition] = t
	}
	return nil
}

// Restore replaces the state of a query that has not processed records yet
// with a snapshot's, offsets included (see Offsets: the caller resumes
// reading there).
func (q *Query) Restore(b []byte) error {
	var c checkpoint
	if err := msgpack.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("query %s: restore: %w", q.id, err)
	}
	if c.Version != checkpointVersion {
		return fmt.Errorf("query %s: restore: checkpoint version %d, want %d (the state was written by another version of wasmstream)", q.id, c.Version, checkpointVersion)
	}
	if c.Query != q.id {
		return fmt.Errorf("query %s: restore: the checkpoint is of query %s", q.id, c.Query)
	}
	if p := q.pipe; p != nil {
		if err := p.restore(q, &c); err != nil {
			return fmt.Errorf("query %s: restore: %w", q.id, err)
		}
	}
	clear(q.offsets)
	for _, o := range c.Offsets {
		q.offsets[taskKey{o.Topic, o.Partition}] = o.Next
	}
	return nil
}
