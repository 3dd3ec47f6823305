package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/host/state"
	"github.com/wasmstream/wasmstream/sdk"
)

// The GROUP BY operator in two halves, as Kafka Streams splits it at its
// repartition topic:
//
//   - aggregateRow runs where the source's records are read (per source
//     partition): it takes the group key and the arguments from the input
//     stage's row and, for a table source, turns an update into the
//     subtraction of the key's previous row and the addition of the new one
//     (it keeps what each source key contributed, in pipeline.prevs).
//   - aggOp.apply runs in the task that owns the group (per partition of
//     the operator's input): it folds the change into the aggregation
//     state and emits the updates.
//
// Between the two, a change goes straight to the task of the source
// record's partition when the group key is the source's Kafka key, and
// through the repartition topic otherwise (repartition.go).

// Kinds of change handed from aggregateRow to a task's aggregation.
const (
	changeAdd = iota + 1
	// changeRemove subtracts a row and emits the group's new value.
	changeRemove
	// changeRemoveQuiet subtracts a row without emitting: the addition
	// that follows (same group) emits once, as Kafka Streams forwards one
	// change when a table row stays in its group.
	changeRemoveQuiet
)

// aggPlan is what every task's aggregation shares: where the group key
// and the arguments are in the input row, and scratch rows for them.
type aggPlan struct {
	spec    *sdk.Aggregate
	in      *pipeInput // the input: a source's, or the between stage's
	groupBy []int      // input row indexes of the group-by columns
	args    []int      // input row index of each call's argument, -1 for none
	argType []sdk.Type
	table   bool // the input is a table: updates subtract the previous row
	// index is the input's number in repartition records: 0, or for the
	// between stage the number after the sources'.
	index   int
	key     []sdk.Value
	argv    []sdk.Value
	prevRow []sdk.Value
}

// aggOp is the aggregation state of one task.
type aggOp struct {
	a        *state.Aggregation
	nk       int                      // group-by columns in opRow
	windowed bool                     // opRow ends with WINDOWSTART, WINDOWEND
	updateFn func(state.Update) error // op.update, bound once (a method value allocates)
	// the change being applied, for the emit callback
	ctx context.Context
	q   *Query
	p   *pipeline
	rec *Record
}

// newAggPlan checks the aggregation against its input pi and adds the
// operator's output columns (group-by columns, aggregates, window bounds)
// to p.outCols.
func newAggPlan(q *Query, p *pipeline, a *sdk.Aggregate, pi *pipeInput) (*aggPlan, error) {
	pl := &aggPlan{spec: a, table: !pi.stream, in: pi}
	for _, name := range a.GroupBy {
		j := indexOf(pi.cols, name)
		if j < 0 {
			return nil, fmt.Errorf("query %s: GROUP BY column %s is not an output of the input stage", q.id, name)
		}
		pl.groupBy = append(pl.groupBy, j)
		p.outCols = append(p.outCols, pi.cols[j])
	}
	for _, c := range a.Calls {
		arg, typ := -1, sdk.TypeUnknown
		if len(c.Args) > 0 {
			if arg = indexOf(pi.cols, c.Args[0]); arg < 0 {
				return nil, fmt.Errorf("query %s: argument %s of %s is not an output of the input stage", q.id, c.Args[0], c.Func)
			}
			typ = pi.cols[arg].Type
		}
		if _, err := state.NewCall(c, typ); err != nil {
			return nil, fmt.Errorf("query %s: %w", q.id, err)
		}
		pl.args = append(pl.args, arg)
		pl.argType = append(pl.argType, typ)
		p.outCols = append(p.outCols, c.Result)
	}
	if a.Window != nil {
		if pl.table {
			return nil, fmt.Errorf("query %s: %w: a windowed aggregation of a table", q.id, ErrNotSupported)
		}
		p.outCols = append(p.outCols, sdk.Column{Name: "WINDOWSTART", Type: sdk.TypeBigInt}, sdk.Column{Name: "WINDOWEND", Type: sdk.TypeBigInt})
	}
	pl.key = make([]sdk.Value, len(pl.groupBy))
	pl.argv = make([]sdk.Value, len(pl.args))
	return pl, nil
}

// newOp creates a task's aggregation state.
func (pl *aggPlan) newOp(q *Query) (*aggOp, error) {
	a := pl.spec
	funcs := make([]state.Func, len(a.Calls))
	for i, c := range a.Calls {
		f, err := state.NewCall(c, pl.argType[i])
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.id, err)
		}
		funcs[i] = f
	}
	op := &aggOp{nk: len(pl.groupBy)}
	var win *state.Windows
	if a.Window != nil {
		spec := *a.Window
		if a.EmitFinal && spec.GraceMs < 0 {
			// EMIT FINAL without GRACE PERIOD emits a window at its end
			// (suppress.json).
			spec.GraceMs = 0
		}
		w := state.NewWindows(&spec)
		win = &w
		op.windowed = true
	}
	op.a = state.NewAggregation(funcs, win, a.EmitFinal)
	op.updateFn = op.update
	return op, nil
}

// aggregateRow takes one row of the input (pi.row) and hands the changes
// it makes to the task owning its group.
func (p *pipeline) aggregateRow(ctx context.Context, q *Query, pi *pipeInput, rec *Record, m rowMeta, srcKey []sdk.Value, deleted bool) error {
	pl := p.aggPlan
	nullKey := false
	if !deleted {
		for i, j := range pl.groupBy {
			pl.key[i] = pi.row[j]
			nullKey = nullKey || pl.key[i].Null
		}
		for i, j := range pl.args {
			if j < 0 {
				pl.argv[i] = sdk.Value{}
			} else {
				pl.argv[i] = pi.row[j]
			}
		}
		if nullKey {
			// ksqlDB drops a row with a NULL grouping column.
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "a GROUP BY column is NULL; the row is not aggregated"})
		}
	}
	if pl.table {
		// A table: subtract the key's previous row, then add the new one.
		// Kafka Streams forwards one change when the group stays the same
		// (one record through the repartition), else two: the old group's
		// subtraction, then the new group's addition.
		prev := p.prevTable(rec.Partition)
		if old := prev.Get(srcKey); old != nil {
			k, args := old.Cols[:len(pl.key)], old.Cols[len(pl.key):]
			kind := changeRemove
			if !deleted && !nullKey && sameValues(k, pl.key) {
				kind = changeRemoveQuiet
			}
			if err := p.aggChange(ctx, q, rec, kind, k, args, m.rowtime); err != nil {
				return err
			}
			if deleted || nullKey {
				prev.Delete(srcKey)
			}
		}
		if deleted || nullKey {
			return nil
		}
		pl.prevRow = append(append(pl.prevRow[:0], pl.key...), pl.argv...)
		prev.Put(srcKey, pl.prevRow, m.rowtime)
	}
	if deleted || nullKey {
		return nil
	}
	return p.aggChange(ctx, q, rec, changeAdd, pl.key, pl.argv, m.rowtime)
}

// prevTable returns what each source key of a table source's partition
// contributed to the aggregation.
func (p *pipeline) prevTable(partition int32) *state.Table {
	t, ok := p.prevs[partition]
	if !ok {
		t = state.NewTable()
		p.prevs[partition] = t
	}
	return t
}

// aggChange hands a change to the task owning group key: through the
// repartition topic, or directly to the task of the record's partition.
func (p *pipeline) aggChange(ctx context.Context, q *Query, rec *Record, kind int, key, args []sdk.Value, ts int64) error {
	if p.rep != nil && p.aggPlan.in.repartition {
		return p.rep.produce(ctx, q, rec, kind, p.aggPlan.index, ts, nil, key, key, args)
	}
	if err := p.enterTask(q, rec.Partition); err != nil {
		return err
	}
	return p.agg.apply(ctx, q, p, rec, kind, key, args, ts)
}

// apply folds one change into the task's aggregation and emits the
// updates it makes.
func (op *aggOp) apply(ctx context.Context, q *Query, p *pipeline, rec *Record, kind int, key, args []sdk.Value, ts int64) error {
	op.ctx, op.q, op.p, op.rec = ctx, q, p, rec
	defer func() { op.rec = nil }()
	switch kind {
	case changeRemove, changeRemoveQuiet:
		emit := op.updateFn
		if kind == changeRemoveQuiet {
			emit = func(state.Update) error { return nil }
		}
		if err := op.a.Remove(key, args, ts, emit); err != nil {
			return fmt.Errorf("query %s: %w", q.id, err)
		}
		return nil
	case changeAdd:
		late, err := op.a.Add(key, args, ts, op.updateFn)
		if err != nil {
			var qe *QueryError
			if errors.As(err, &qe) {
				return err // from the final stage or the sink
			}
			// The state refused the record (a DECIMAL SUM overflowed):
			// the query stops at it, as ksqlDB's does.
			return &QueryError{Query: q.id, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset, Err: err}
		}
		if late > 0 {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogLate, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: fmt.Sprintf("late record: timestamp %d is beyond the grace period of its window (stream time %d)", ts, op.a.StreamTime())})
		}
		return nil
	}
	return fmt.Errorf("query %s: unknown aggregation change %d", q.id, kind)
}

// sameValues reports whether two keys are equal value for value.
func sameValues(a, b []sdk.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// update turns an aggregation change into an operator row.
func (op *aggOp) update(u state.Update) error {
	g := u.Group
	p := op.p
	var win winBounds
	if op.windowed {
		win = winBounds{ok: true, start: u.Win.Start, end: u.Win.End}
	}
	if !u.Tombstone {
		copy(p.outRow, g.Key)
		for i := range g.Accs {
			p.outRow[op.nk+i] = op.a.Result(g, i)
		}
		if op.windowed {
			n := op.nk + len(g.Accs)
			p.outRow[n], p.outRow[n+1] = sdk.BigInt(u.Win.Start), sdk.BigInt(u.Win.End)
		}
	}
	return p.emit(op.ctx, op.q, op.rec, u.TS, win, u.Tombstone, g.Key, &g.Emitted)
}
