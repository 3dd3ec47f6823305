package executor

import (
	"context"
	"math"
	"slices"
)

// Tasks: a stateful query keeps its operator state per task, one task per
// partition of the operator's input, as Kafka Streams does. Without a
// repartition the operator's input partitions are the sources' (which are
// co-partitioned: partition p of every source holds the same keys), so
// task p gets partition p of each source; a repartitioned input reaches
// the task of its repartition topic partition. Every task has its own
// stream time, so a quiet or lagging partition neither closes nor delays
// another's windows. A query marked SingleTask (a foreign-key join) is one
// task over all partitions.

// opTask is the operator state of one task.
type opTask struct {
	partition int32
	agg       *aggOp
	join      *joinOp
}

// enterTask makes the task of the given partition (of the operator's
// input) current: p.agg and p.join are its state until the next call.
func (p *pipeline) enterTask(q *Query, partition int32) error {
	if p.single {
		partition = 0
	}
	if p.cur != nil && p.cur.partition == partition {
		return nil
	}
	t, ok := p.tasks[partition]
	if !ok {
		var err error
		if t, err = p.newTask(q, partition); err != nil {
			return err
		}
		p.tasks[partition] = t
	}
	p.cur, p.agg, p.join = t, t.agg, t.join
	return nil
}

// newTask creates the operator state of a task.
func (p *pipeline) newTask(q *Query, partition int32) (*opTask, error) {
	t := &opTask{partition: partition}
	if j := q.man.Pipeline.Operator.Join; j != nil {
		// The join's constructor also derives the operator's columns,
		// which the pipeline has already: build them aside.
		cols := p.opCols
		p.opCols = nil
		var err error
		t.join, err = newJoinOp(q, p, j)
		p.opCols = cols
		if err != nil {
			return nil, err
		}
	}
	if p.aggPlan != nil {
		var err error
		if t.agg, err = p.aggPlan.newOp(q); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// sortedTasks returns the tasks in partition order.
func (p *pipeline) sortedTasks() []*opTask {
	out := make([]*opTask, 0, len(p.tasks))
	for _, t := range p.tasks {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *opTask) int { return int(a.partition) - int(b.partition) })
	return out
}

// streamTime returns the largest stream time of the tasks' aggregations,
// math.MinInt64 before any record.
func (p *pipeline) streamTime() int64 {
	st := int64(math.MinInt64)
	for _, t := range p.tasks {
		if t.agg != nil {
			st = max(st, t.agg.a.StreamTime())
		}
	}
	return st
}

// advance moves every task's aggregation to stream time t (see
// Query.AdvanceStreamTime).
func (p *pipeline) advance(ctx context.Context, q *Query, t int64) error {
	rec := &Record{Partition: -1, Offset: -1}
	for _, task := range p.sortedTasks() {
		op := task.agg
		if op == nil {
			continue
		}
		p.cur, p.agg, p.join = task, task.agg, task.join
		op.ctx, op.q, op.p, op.rec = ctx, q, p, rec
		err := op.a.AdvanceTo(t, op.updateFn)
		op.rec = nil
		if err != nil {
			return err
		}
	}
	return p.flush(ctx, q) // the final stage's pending rows
}
