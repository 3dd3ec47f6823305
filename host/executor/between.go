package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/sdk"
)

// An aggregation over a join: the join's result rows (p.opRow) are written
// into the between stage's batch, which computes the query's WHERE, the
// GROUP BY columns and the aggregate arguments over the joined row; its
// output rows feed the aggregation as a source's input stage rows would
// (aggregateRow), directly or through the repartition topic when the
// GROUP BY is not the join key. The join's result is a stream unless every
// side is a table; a table-table join's result updates and deletes rows by
// its key, which the aggregation subtracts as for a table source.

// between is the between stage of a pipeline.
type between struct {
	stage int
	in    *pipeInput // the aggregation's input: the stage's outputs
	batch StageBatch
	bind  []int // per stage input: index into p.opRow, or -1 - pseudo
	meta  []opOut
	keys  [][]sdk.Value
	rows  int
}

// newBetween prepares the between stage of an aggregation over a join.
func newBetween(q *Query, p *pipeline, b *sdk.BetweenStep) (*between, error) {
	if b.Stage < 0 || b.Stage >= len(q.man.Stages) {
		return nil, fmt.Errorf("query %s: between stage %d of %d", q.id, b.Stage, len(q.man.Stages))
	}
	st := &q.man.Stages[b.Stage]
	bt := &between{stage: b.Stage, in: &pipeInput{cols: st.Outputs, repartition: b.Repartition && !p.single}}
	bt.in.row = make([]sdk.Value, len(st.Outputs))
	for _, pi := range p.inputs {
		bt.in.stream = bt.in.stream || pi.stream
	}
	for _, c := range st.Inputs {
		j := indexOf(p.opCols, c.Name)
		if j < 0 {
			return nil, fmt.Errorf("query %s: between stage input %s is not an output of the join", q.id, c.Name)
		}
		bt.bind = append(bt.bind, j)
	}
	return bt, nil
}

// start takes the stage's batch, on the pipeline's first records.
func (bt *between) start(b StageBatch) {
	bt.batch = b
	bt.in.view, _ = b.(outputViewer)
	bt.meta = make([]opOut, b.Capacity())
	bt.keys = make([][]sdk.Value, b.Capacity())
}

// joined takes a result row of the join (p.opRow; a tombstone deletes the
// result of key): to the final stage, or through the between stage to the
// aggregation.
func (p *pipeline) joined(ctx context.Context, q *Query, rec *Record, ts int64, win winBounds, tombstone bool, key []sdk.Value, emitted *bool) error {
	bt := p.between
	if bt == nil {
		return p.emit(ctx, q, rec, ts, win, tombstone, key, emitted)
	}
	if emitted != nil {
		// Whether a row of this key went on: the aggregation keeps
		// what each key contributed and subtracts it on a tombstone.
		*emitted = !tombstone
	}
	row := bt.rows
	if row == len(bt.meta) {
		if err := p.flushBetween(ctx, q); err != nil {
			return err
		}
		row = 0
	}
	if row == 0 {
		bt.batch.Reset()
	}
	if !tombstone && !bt.write(p, row) {
		if row > 0 {
			if err := p.flushBetween(ctx, q); err != nil {
				return err
			}
			row = 0
			bt.batch.Reset()
		}
		if !bt.write(p, row) {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "the joined row is too large for the between stage's input string area"})
			return nil
		}
	}
	if tombstone {
		for col := range bt.bind {
			bt.batch.SetNull(col, row)
		}
	}
	bt.meta[row] = opOut{rec: rec, ts: ts, tombstone: tombstone}
	bt.keys[row] = append(bt.keys[row][:0], key...)
	bt.rows = row + 1
	return nil
}

// write writes p.opRow into batch row row.
func (bt *between) write(p *pipeline, row int) bool {
	for col, j := range bt.bind {
		if !setValue(bt.batch, col, row, p.opRow[j]) {
			return false
		}
	}
	return true
}

// flushBetween runs the between stage on its rows and hands each to the
// aggregation.
func (p *pipeline) flushBetween(ctx context.Context, q *Query) error {
	bt := p.between
	rows := bt.rows
	if rows == 0 {
		return nil
	}
	bt.rows = 0
	first := bt.meta[0].rec
	status, _, err := bt.batch.Run(ctx, rows, first.Offset)
	if err != nil {
		return &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset, Err: err}
	}
	switch status {
	case sdk.StatusOK:
	case sdk.StatusCancelled:
		return &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset,
			Err: errors.New("the stage was cancelled (batch deadline)")}
	case sdk.StatusHeapFull:
		for r := 0; r < rows; r++ {
			rec := bt.meta[r].rec
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "the between stage's output heap overflowed; the joined row was dropped"})
		}
		return nil
	default:
		return &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset,
			Err: fmt.Errorf("the stage returned unknown status %d", status)}
	}
	in := bt.in
	for r := 0; r < rows; r++ {
		m := &bt.meta[r]
		deleted := m.tombstone
		if !deleted {
			sel := bt.batch.Sel(r)
			switch {
			case sel >= sdk.SelError:
				q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: m.rec.Topic, Partition: m.rec.Partition, Offset: m.rec.Offset,
					Reason: rowErrorReason(sel - sdk.SelError)})
				continue
			case sel == sdk.SelDrop:
				if in.stream {
					continue
				}
				deleted = true // a joined table row that no longer passes WHERE
			default:
				if err := readOutputs(bt.batch, in.view, r, in.row); err != nil {
					return p.outTask.outputError(q, m.rec, err)
				}
			}
		}
		if err := p.aggregateRow(ctx, q, in, m.rec, rowMeta{rowtime: m.ts}, bt.keys[r], deleted); err != nil {
			return err
		}
	}
	return nil
}
