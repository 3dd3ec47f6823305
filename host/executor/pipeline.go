package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/host/state"
	"github.com/wasmstream/wasmstream/sdk"
)

// A stateful query runs its manifest's whole pipeline:
//
//	per source: input stage (WHERE, key and argument expressions)
//	  -> the host operator (aggregation or join, with its state)
//	  -> the final stage (HAVING, post-join WHERE, final projection)
//	  -> the sink's serdes
//
// The operator's state is kept per task (tasks.go), and inputs whose
// operator key is not their Kafka key go through the repartition topic
// first (repartition.go). The stages are stateless and shared by the
// tasks: one module instance, whose stages each have their own batch. The
// input stage runs on a batch of records of one source; each of its rows
// goes through the operator, whose output rows are written into the final
// stage's batch at once (their values are copied, so later updates of the
// same group cannot change them); the final batch runs when it is full and
// at the end of every input batch, and its rows are produced in order.

// pipeInput is one source of a stateful query: an inner single-source
// Query (its serdes, bindings and decoding) and the task running its input
// stage.
type pipeInput struct {
	q    *Query
	t    *task
	cols []sdk.Column // what the input offers the operator, by name
	row  []sdk.Value  // the current record's output row
	// stream says the source is a stream (a table's records update state).
	stream bool
	// repartition says the input's rows go through the repartition topic.
	repartition bool
	// keyCol is the index in row of the input's join key (joins only).
	keyCol int
	// view reads the input stage's outputs without copying strings, when
	// the batch can (the values live until the next Run, after which the
	// pipeline no longer uses them; the stores copy what they keep).
	view outputViewer
}

// opOut is what the host remembers of a row written into the final batch.
type opOut struct {
	rec       *Record
	ts        int64
	win       winBounds
	tombstone bool
	key       []sdk.Value // the operator's key, for tombstones
	emitted   *bool       // whether a row of this key is on the sink
}

// pipeline is the stateful part of a Query.
type pipeline struct {
	inputs  []*pipeInput
	byTopic map[string][]int // topic -> inputs reading it
	// opCols and opRow are the join's output row (the aggregation's, when
	// it is the only operator); outCols and outRow the row the final stage
	// or the sink reads: the same as opCols and opRow unless an
	// aggregation runs over the join (between.go).
	opCols  []sdk.Column
	opRow   []sdk.Value
	outCols []sdk.Column
	outRow  []sdk.Value
	between *between // nil unless an aggregation runs over the join

	// agg and join are the operator state of the current task (see
	// enterTask); aggPlan is what every task's aggregation shares.
	agg     *aggOp
	join    *joinOp
	aggPlan *aggPlan
	tasks   map[int32]*opTask
	cur     *opTask
	single  bool                   // one task over all partitions (sdk.Pipeline.SingleTask)
	prevs   map[int32]*state.Table // table aggregation: per source partition, each source key's group and arguments
	rep     *repartition           // nil when no input is repartitioned
	final   StageBatch
	fbind   []int // per final stage input: index into opRow, or -1 - pseudo
	fmeta   []opOut
	fkeys   [][]sdk.Value
	frows   int
	sinkOps []int // without a final stage: per sink column (key then value), index into opRow
	inst    StageInstance
	outTask *task // its outKey/outVal and buffers serve produce
	one     [1]Record
}

// pseudo-columns a final stage may read that the operator row does not
// hold.
const (
	fromRowTime = -1 - iota
	fromWindowStart
	fromWindowEnd
)

// needsPipeline reports whether a manifest needs the stateful path.
func needsPipeline(man *sdk.Manifest) bool {
	return man.Pipeline.Operator != nil || man.Pipeline.Final >= 0 || len(man.Pipeline.Inputs) > 1
}

// newPipeline prepares the stateful path of q.
func newPipeline(q *Query, rt RepartitionTopic, single bool) (*pipeline, error) {
	man := q.man
	op := man.Pipeline.Operator
	if op == nil {
		return nil, fmt.Errorf("query %s: %w: a pipeline with a final stage but no host operator", q.id, ErrNotSupported)
	}
	p := &pipeline{byTopic: map[string][]int{}, tasks: map[int32]*opTask{}, prevs: map[int32]*state.Table{},
		single: man.Pipeline.SingleTask || single}
	for i, in := range man.Pipeline.Inputs {
		pi, err := newPipeInput(q, in)
		if err != nil {
			return nil, err
		}
		pi.repartition = in.Repartition && !p.single
		p.inputs = append(p.inputs, pi)
		p.byTopic[pi.q.src.Topic] = append(p.byTopic[pi.q.src.Topic], i)
	}
	var err error
	if op.Join != nil {
		// A join built once for its columns and keys; tasks build their
		// own (newTask).
		var plan *joinOp
		if plan, err = newJoinOp(q, p, op.Join); err != nil {
			return nil, err
		}
		for in := range p.inputs {
			p.join = plan
			if jop, s := p.step(in); jop != nil {
				p.inputs[in].keyCol = jop.keyCol[s]
			}
		}
		p.join = nil
	}
	if op.Aggregate != nil {
		in := p.inputs[0]
		if b := man.Pipeline.Between; b != nil && op.Join != nil {
			if p.between, err = newBetween(q, p, b); err != nil {
				return nil, err
			}
			in = p.between.in
		}
		if p.aggPlan, err = newAggPlan(q, p, op.Aggregate, in); err != nil {
			return nil, err
		}
		if p.between != nil {
			p.aggPlan.index = len(p.inputs)
		}
	} else {
		p.outCols = p.opCols
	}
	if p.rep, err = newRepartition(q, p, rt); err != nil {
		return nil, err
	}
	p.opRow = make([]sdk.Value, len(p.opCols))
	p.outRow = p.opRow
	if op.Aggregate != nil {
		p.outRow = make([]sdk.Value, len(p.outCols))
	}
	p.outTask = &task{
		outKey: make([]sdk.Value, len(q.sink.KeyColumns())),
		outVal: make([]sdk.Value, len(q.sink.ValueColumns())),
	}
	if f := man.Pipeline.Final; f >= 0 {
		st := &man.Stages[f]
		p.fbind = make([]int, len(st.Inputs))
		for i, c := range st.Inputs {
			p.fbind[i] = indexOf(p.outCols, c.Name)
			if p.fbind[i] >= 0 {
				continue
			}
			switch c.Name {
			case "ROWTIME":
				p.fbind[i] = fromRowTime
			case "WINDOWSTART":
				p.fbind[i] = fromWindowStart
			case "WINDOWEND":
				p.fbind[i] = fromWindowEnd
			default:
				return nil, fmt.Errorf("query %s: final stage input %s is not an output of the %s", q.id, c.Name, p.opName())
			}
		}
		if q.outKey, err = outputIndexes(q.id, st, q.sink.KeyColumns()); err != nil {
			return nil, err
		}
		if q.outVal, err = outputIndexes(q.id, st, q.sink.ValueColumns()); err != nil {
			return nil, err
		}
		if c := q.sink.TimestampColumn; c != "" {
			q.outTS = indexOf(st.Outputs, c)
			if q.outTS < 0 || (st.Outputs[q.outTS].Type != sdk.TypeBigInt && st.Outputs[q.outTS].Type != sdk.TypeInt) {
				return nil, fmt.Errorf("query %s: the sink's TIMESTAMP column %s is not a BIGINT output", q.id, c)
			}
		}
	} else {
		if q.sink.TimestampColumn != "" {
			return nil, fmt.Errorf("query %s: %w: a TIMESTAMP column on a sink without a final stage", q.id, ErrNotSupported)
		}
		for _, c := range append(q.sink.KeyColumns(), q.sink.ValueColumns()...) {
			j := indexOf(p.outCols, c.Name)
			if j < 0 {
				return nil, fmt.Errorf("query %s: sink column %s is not an output of the %s", q.id, c.Name, p.opName())
			}
			p.sinkOps = append(p.sinkOps, j)
		}
	}
	return p, nil
}

func (p *pipeline) opName() string {
	if p.aggPlan != nil {
		return "aggregation"
	}
	return "join"
}

// newPipeInput builds the inner query of one source.
func newPipeInput(q *Query, in sdk.InputStep) (*pipeInput, error) {
	man := q.man
	src := &man.Sources[in.Source]
	iq := &Query{
		id: q.id, man: man, src: src, sink: q.sink, stage: in.Stage, log: q.log,
		tsIndex: -1, outTS: -1, table: src.Kind == sdk.Table, windowIn: src.Window,
		// Stateful operators ignore stream records without a value, as a
		// filter does.
		filtered: true,
	}
	if src.TimestampFormat != "" {
		return nil, fmt.Errorf("query %s: %w: TIMESTAMP_FORMAT", q.id, ErrNotSupported)
	}
	var err error
	if iq.keySerde, err = serde.NewKey(src); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	if iq.valSerde, err = serde.NewValue(src); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	// Decoded strings are views of the record: they go into the batch, or
	// into stores that copy them, within Process, while the record is
	// unchanged.
	iq.keySerde, iq.valSerde = serde.StringViews(iq.keySerde), serde.StringViews(iq.valSerde)
	if c := src.TimestampColumn; c != "" {
		if i := indexOf(src.ValueColumns(), c); i >= 0 {
			iq.tsIndex = i
		} else if i := indexOf(src.KeyColumns(), c); i >= 0 {
			iq.tsIndex, iq.tsKey = i, true
		} else {
			return nil, fmt.Errorf("query %s: the TIMESTAMP column %s is not a column of %s", q.id, c, src.Name)
		}
	}
	pi := &pipeInput{q: iq, stream: src.Kind != sdk.Table}
	if in.Stage >= 0 {
		st := &man.Stages[in.Stage]
		if iq.inputs, err = iq.bindAll(st.Inputs); err != nil {
			return nil, err
		}
		pi.cols = st.Outputs
	} else {
		// Without a stage the operator reads the source's columns and
		// pseudo-columns.
		pi.cols = append(append(append([]sdk.Column(nil), src.KeyColumns()...), src.ValueColumns()...),
			sdk.Column{Name: "ROWTIME", Type: sdk.TypeBigInt}, sdk.Column{Name: "ROWPARTITION", Type: sdk.TypeInt},
			sdk.Column{Name: "ROWOFFSET", Type: sdk.TypeBigInt})
		if iq.passVal, err = iq.bindAll(pi.cols); err != nil {
			return nil, err
		}
	}
	pi.row = make([]sdk.Value, len(pi.cols))
	return pi, nil
}

// start creates the module instance and the batches, on the first records.
func (p *pipeline) start(ctx context.Context, q *Query) error {
	if p.inst != nil {
		return nil
	}
	var inst StageInstance
	if q.instances != nil {
		var err error
		if inst, err = q.instances.NewInstance(ctx); err != nil {
			return fmt.Errorf("instantiate: %w", err)
		}
	}
	batch := func(stage int) (StageBatch, error) {
		if inst == nil {
			return nil, errors.New("no module instances")
		}
		return inst.Batch(stage)
	}
	for _, pi := range p.inputs {
		t := &task{
			keyRow: make([]sdk.Value, len(pi.q.keySerde.Columns())),
			valRow: make([]sdk.Value, len(pi.q.valSerde.Columns())),
		}
		capacity := 1
		if pi.q.stage >= 0 {
			b, err := batch(pi.q.stage)
			if err != nil {
				return errors.Join(err, closeInst(ctx, inst))
			}
			t.batch, t.inst = b, inst
			capacity = b.Capacity()
			pi.view, _ = b.(outputViewer)
		}
		t.meta = make([]rowMeta, capacity)
		t.rowKeys = make([][]sdk.Value, capacity)
		for i := range t.rowKeys {
			t.rowKeys[i] = make([]sdk.Value, len(t.keyRow))
		}
		pi.t = t
	}
	capacity := 1
	if f := q.man.Pipeline.Final; f >= 0 {
		b, err := batch(f)
		if err != nil {
			return errors.Join(err, closeInst(ctx, inst))
		}
		p.final = b
		capacity = b.Capacity()
	}
	p.fmeta = make([]opOut, capacity)
	p.fkeys = make([][]sdk.Value, capacity)
	if bt := p.between; bt != nil {
		b, err := batch(bt.stage)
		if err != nil {
			return errors.Join(err, closeInst(ctx, inst))
		}
		bt.start(b)
	}
	p.inst = inst
	if p.inst == nil {
		p.inst = noInstance{}
	}
	return nil
}

func closeInst(ctx context.Context, inst StageInstance) error {
	if inst == nil {
		return nil
	}
	return inst.Close(ctx)
}

// noInstance stands for the instance of a module without stages.
type noInstance struct{}

func (noInstance) Batch(int) (StageBatch, error) { return nil, errors.New("no stages") }
func (noInstance) Close(context.Context) error   { return nil }

func (p *pipeline) close(ctx context.Context) error {
	if p.inst == nil {
		return nil
	}
	err := p.inst.Close(ctx)
	p.inst = nil
	return err
}

// process runs records of one topic and partition through the pipeline.
func (p *pipeline) process(ctx context.Context, q *Query, recs []Record) error {
	idx, ok := p.byTopic[recs[0].Topic]
	if !ok && (p.rep == nil || recs[0].Topic != p.rep.topic) {
		return fmt.Errorf("query %s does not read topic %q", q.id, recs[0].Topic)
	}
	if err := p.start(ctx, q); err != nil {
		return err
	}
	if !ok {
		return p.processRepartitioned(ctx, q, recs)
	}
	// A topic read by two inputs (a self-join) feeds both, left first.
	for _, i := range idx {
		if err := p.processInput(ctx, q, i, recs); err != nil {
			return err
		}
	}
	return nil
}

// processInput is task.process for one input of the pipeline: decode,
// run the input stage, and hand each row to the operator.
func (p *pipeline) processInput(ctx context.Context, q *Query, in int, recs []Record) error {
	pi := p.inputs[in]
	t, iq := pi.t, pi.q
	t.decoded = 0
	capacity := len(t.meta)
	for i := 0; i < len(recs); {
		if t.batch != nil {
			t.batch.Reset()
		}
		rows := 0
		for i < len(recs) && rows < capacity {
			m, ok := t.decode(ctx, iq, recs, i)
			if !ok {
				i++
				continue
			}
			if t.batch != nil && !t.write(iq, &recs[i], m, rows) {
				if rows == 0 {
					t.logDrop(ctx, iq, recs, i, LogDeserialization, "record too large for the stage's input string area")
					t.batch.Reset()
					i++
					continue
				}
				break
			}
			m.rec = i
			t.meta[rows] = m
			copy(t.rowKeys[rows], t.keyRow)
			if t.batch == nil {
				// No stage: the operator reads the decoded columns.
				for j, b := range iq.passVal {
					pi.row[j] = t.value(b, &recs[i], m)
				}
			}
			rows++
			i++
		}
		if rows == 0 {
			continue
		}
		n := rows
		if t.batch != nil {
			var skip bool
			var err error
			if n, skip, err = t.run(ctx, iq, recs, rows); err != nil {
				return err
			}
			if skip {
				i = t.meta[0].rec + 1
			} else if n < rows {
				i = t.meta[n].rec
			}
		}
		for r := 0; r < n; r++ {
			if err := p.row(ctx, q, in, recs, r); err != nil {
				return err
			}
		}
		if err := p.flush(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// row hands batch row r of input in to the operator.
func (p *pipeline) row(ctx context.Context, q *Query, in int, recs []Record, r int) error {
	pi := p.inputs[in]
	t := pi.t
	m := t.meta[r]
	rec := &recs[m.rec]
	deleted := m.tombstone
	if t.batch != nil && !deleted {
		sel := t.batch.Sel(r)
		switch {
		case sel >= sdk.SelError:
			t.logDrop(ctx, pi.q, recs, m.rec, LogEvaluation, rowErrorReason(sel-sdk.SelError))
			return nil
		case sel == sdk.SelDrop:
			if pi.stream {
				return nil
			}
			deleted = true // a table row that no longer passes WHERE
		default:
			if err := readOutputs(t.batch, pi.view, r, pi.row); err != nil {
				return t.outputError(q, rec, err)
			}
		}
	}
	if p.aggPlan != nil && p.between == nil {
		return p.aggregateRow(ctx, q, pi, rec, m, t.rowKeys[r], deleted)
	}
	if pi.repartition {
		// Only streams are repartitioned (a table joins on its primary
		// key), so there is no deletion to carry.
		k := pi.row[pi.keyCol]
		if k.Null {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "the join key is NULL; the record does not join"})
			return nil
		}
		return p.rep.produce(ctx, q, rec, changeJoinRow, in, m.rowtime, p.rep.joinKey, pi.row[pi.keyCol:pi.keyCol+1], pi.row)
	}
	if err := p.enterTask(q, rec.Partition); err != nil {
		return err
	}
	return p.joinInput(ctx, q, in, rec, m, t.rowKeys[r], deleted)
}

// emit writes one operator output row (p.opRow) into the final batch, or
// produces it at once without a final stage. key is the operator's key
// (for a tombstone's record key); emitted tracks whether a row of this key
// is on the sink.
func (p *pipeline) emit(ctx context.Context, q *Query, rec *Record, ts int64, win winBounds, tombstone bool, key []sdk.Value, emitted *bool) error {
	if p.final == nil {
		return p.produceDirect(ctx, q, rec, ts, win, tombstone, key, emitted)
	}
	row := p.frows
	if row == len(p.fmeta) {
		if err := p.flushFinal(ctx, q); err != nil {
			return err
		}
		row = 0
	}
	if row == 0 {
		p.final.Reset()
	}
	if !tombstone {
		ok := p.writeFinal(row, ts, win)
		if !ok && row > 0 {
			if err := p.flushFinal(ctx, q); err != nil {
				return err
			}
			row = 0
			p.final.Reset()
			ok = p.writeFinal(row, ts, win)
		}
		if !ok {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "the row is too large for the final stage's input string area"})
			return nil
		}
	} else {
		for col := range p.fbind {
			p.final.SetNull(col, row)
		}
	}
	p.fmeta[row] = opOut{rec: rec, ts: ts, win: win, tombstone: tombstone, emitted: emitted}
	p.fkeys[row] = append(p.fkeys[row][:0], key...)
	p.frows = row + 1
	return nil
}

// writeFinal writes p.opRow into final batch row row.
func (p *pipeline) writeFinal(row int, ts int64, win winBounds) bool {
	for col, j := range p.fbind {
		var v sdk.Value
		switch {
		case j >= 0:
			v = p.outRow[j]
		case j == fromRowTime:
			v = sdk.BigInt(ts)
		case j == fromWindowStart && win.ok:
			v = sdk.BigInt(win.start)
		case j == fromWindowEnd && win.ok:
			v = sdk.BigInt(win.end)
		default:
			v = sdk.Value{Null: true}
		}
		if !setValue(p.final, col, row, v) {
			return false
		}
	}
	return true
}

// readOutputs reads batch row r's outputs into row: as views of the
// module's memory when the batch gives them (valid until its next Run; the
// stores copy what they keep), else as copies.
func readOutputs(b StageBatch, view outputViewer, r int, row []sdk.Value) error {
	for j := range row {
		var err error
		if view != nil {
			row[j], err = view.OutputView(j, r)
		} else {
			row[j], err = b.Output(j, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// setValue writes an operator's value into input column col of a batch
// row; false when the batch's string area is full.
func setValue(b StageBatch, col, row int, v sdk.Value) bool {
	switch {
	case v.Null:
		b.SetNull(col, row)
	case v.Type.IsVarLen():
		return b.SetString(col, row, v.S)
	case v.Type == sdk.TypeDouble:
		b.SetDouble(col, row, v.F)
	default:
		b.SetInt(col, row, v.I)
	}
	return true
}

// flush runs what the stages after the operators hold: the between stage's
// rows (into the aggregation), then the final stage's.
func (p *pipeline) flush(ctx context.Context, q *Query) error {
	if p.between != nil {
		if err := p.flushBetween(ctx, q); err != nil {
			return err
		}
	}
	return p.flushFinal(ctx, q)
}

// flushFinal runs the final stage on the rows written so far and produces
// them.
func (p *pipeline) flushFinal(ctx context.Context, q *Query) error {
	rows := p.frows
	if rows == 0 {
		return nil
	}
	p.frows = 0
	first := p.fmeta[0].rec
	status, _, err := p.final.Run(ctx, rows, first.Offset)
	if err != nil {
		return &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset, Err: err}
	}
	if status != sdk.StatusOK {
		// Run again one row at a time: a row whose results alone overflow
		// the heap is logged and dropped.
		return p.flushRows(ctx, q, rows, status)
	}
	for r := 0; r < rows; r++ {
		if err := p.produceFinal(ctx, q, r); err != nil {
			return err
		}
	}
	return nil
}

// flushRows handles a final batch that did not run in one call: the
// operator's rows are already consumed, so they cannot be re-batched; the
// status decides.
func (p *pipeline) flushRows(ctx context.Context, q *Query, rows int, status int32) error {
	first := p.fmeta[0].rec
	if status == sdk.StatusCancelled {
		return &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset,
			Err: errors.New("the stage was cancelled (batch deadline)")}
	}
	if status != sdk.StatusHeapFull {
		return &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset,
			Err: fmt.Errorf("the stage returned unknown status %d", status)}
	}
	for r := 0; r < rows; r++ {
		rec := p.fmeta[r].rec
		q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
			Reason: "the final stage's output heap overflowed; the result was dropped"})
	}
	return nil
}

// produceFinal produces final batch row r.
func (p *pipeline) produceFinal(ctx context.Context, q *Query, r int) error {
	m := &p.fmeta[r]
	t := p.outTask
	if !m.tombstone {
		sel := p.final.Sel(r)
		switch {
		case sel >= sdk.SelError:
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: m.rec.Topic, Partition: m.rec.Partition, Offset: m.rec.Offset,
				Reason: rowErrorReason(sel - sdk.SelError)})
			return nil
		case sel == sdk.SelDrop:
			// HAVING (or a post-join WHERE) no longer matches: a table
			// deletes the key downstream if a row of it is there; a
			// stream drops the row.
			if m.emitted == nil {
				return nil
			}
		default:
			var err error
			for j, o := range q.outKey {
				if t.outKey[j], err = p.final.Output(o, r); err != nil {
					return t.outputError(q, m.rec, err)
				}
			}
			for j, o := range q.outVal {
				if t.outVal[j], err = p.final.Output(o, r); err != nil {
					return t.outputError(q, m.rec, err)
				}
			}
			ts := m.ts
			if q.outTS >= 0 {
				// The sink's TIMESTAMP column gives the record timestamp.
				v, err := p.final.Output(q.outTS, r)
				if err != nil {
					return t.outputError(q, m.rec, err)
				}
				if v.Null || v.I < 0 {
					q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: m.rec.Topic, Partition: m.rec.Partition, Offset: m.rec.Offset,
						Reason: fmt.Sprintf("invalid timestamp in column %s: %s", q.sink.TimestampColumn, timestampText(v))})
					return nil
				}
				ts = v.I
			}
			if m.emitted != nil {
				*m.emitted = true
			}
			return p.produce(ctx, q, m.rec, ts, m.win, false)
		}
	}
	return p.tombstone(ctx, q, m.rec, m.ts, m.win, p.fkeys[r], m.emitted)
}

// tombstone deletes a key downstream, if a row of it was produced.
func (p *pipeline) tombstone(ctx context.Context, q *Query, rec *Record, ts int64, win winBounds, key []sdk.Value, emitted *bool) error {
	if emitted != nil {
		if !*emitted {
			return nil
		}
		*emitted = false
	}
	dst := q.sink.KeyColumns()
	if len(dst) != len(key) {
		return nil
	}
	for j := range dst {
		p.outTask.outKey[j] = convert(key[j], dst[j].Type)
	}
	return p.produce(ctx, q, rec, ts, win, true)
}

// produceDirect produces an operator row without a final stage.
func (p *pipeline) produceDirect(ctx context.Context, q *Query, rec *Record, ts int64, win winBounds, tombstone bool, key []sdk.Value, emitted *bool) error {
	if tombstone {
		return p.tombstone(ctx, q, rec, ts, win, key, emitted)
	}
	t := p.outTask
	nk := len(t.outKey)
	for j, o := range p.sinkOps {
		v := p.outRow[o]
		if j < nk {
			t.outKey[j] = v
		} else {
			t.outVal[j-nk] = v
		}
	}
	if emitted != nil {
		*emitted = true
	}
	return p.produce(ctx, q, rec, ts, win, false)
}

func (p *pipeline) produce(ctx context.Context, q *Query, rec *Record, ts int64, win winBounds, deleted bool) error {
	// task.produce logs by index into a record slice: a one-record array
	// in the pipeline avoids allocating one per output.
	p.one[0] = *rec
	return p.outTask.produce(ctx, q, p.one[:], rowMeta{win: win}, &p.one[0], ts, deleted)
}

// convert converts a key value to the sink key column's type where the
// two differ only in integer width or numeric kind.
func convert(v sdk.Value, t sdk.Type) sdk.Value {
	if v.Type == t || v.Null {
		v.Type = t
		return v
	}
	switch {
	case t == sdk.TypeDouble && (v.Type == sdk.TypeInt || v.Type == sdk.TypeBigInt):
		return sdk.Double(float64(v.I))
	case (t == sdk.TypeInt || t == sdk.TypeBigInt) && v.Type == sdk.TypeDouble:
		return sdk.Value{Type: t, I: int64(v.F)}
	case t == sdk.TypeInt || t == sdk.TypeBigInt:
		return sdk.Value{Type: t, I: v.I}
	}
	return v
}

// newStatefulQuery prepares a query with a host operator.
func newStatefulQuery(cfg QueryConfig) (*Query, error) {
	man := cfg.Manifest
	if len(man.Pipeline.Inputs) == 0 {
		return nil, fmt.Errorf("query %s: the pipeline has no inputs", man.QueryID)
	}
	q := &Query{
		id:         man.QueryID,
		man:        man,
		src:        &man.Sources[man.Pipeline.Inputs[0].Source],
		sink:       &man.Sink,
		stage:      -1,
		instances:  cfg.Instances,
		out:        cfg.Sink,
		log:        cfg.Log,
		tasks:      map[taskKey]*task{},
		offsets:    map[taskKey]int64{},
		tsIndex:    -1,
		outTS:      -1,
		windowSink: man.Sink.Window,
	}
	if q.log == nil {
		q.log = discardLog{}
	}
	var err error
	if q.sinkKey, err = serde.NewKey(q.sink); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	if q.sinkVal, err = serde.NewValue(q.sink); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	if q.pipe, err = newPipeline(q, cfg.Repartition, cfg.SingleTask); err != nil {
		return nil, err
	}
	return q, nil
}
