package executor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/sdk"
)

// ErrNotSupported marks a query shape the executor cannot run yet (joins,
// aggregations, several sources).
var ErrNotSupported = errors.New("not supported yet")

// QueryError is the error of a query that failed and stopped: a trap in its
// module, a deadline, a sink that refused records. Other queries keep
// running.
type QueryError struct {
	Query string
	// Topic, Partition and Offset locate the first input record of the batch
	// that failed (Offset -1 when the failure is not about a batch).
	Topic     string
	Partition int32
	Offset    int64
	Err       error
}

// Error implements error.
func (e *QueryError) Error() string {
	msg := e.Err.Error()
	if strings.HasPrefix(msg, "query "+e.Query) {
		return msg // the runtime's errors already name the query and offset
	}
	if e.Offset >= 0 {
		return fmt.Sprintf("query %s failed in the batch at %s[%d] offset %d: %s", e.Query, e.Topic, e.Partition, e.Offset, msg)
	}
	return fmt.Sprintf("query %s failed: %s", e.Query, msg)
}

// Unwrap returns the cause.
func (e *QueryError) Unwrap() error { return e.Err }

// QueryConfig is what NewQuery needs.
type QueryConfig struct {
	// Manifest describes the query: its source, sink and stages.
	Manifest *sdk.Manifest
	// Instances creates a module instance per task.
	Instances InstanceFactory
	// Sink receives the produced records.
	Sink Sink
	// Log receives processing-log entries (nil: they are dropped).
	Log ProcessingLog
	// Filtered says the query has a WHERE clause. On a stream, ksqlDB's
	// filter drops a record with a null value, while a projection alone
	// maps it to a record with the (projected) key and a null value.
	Filtered bool
	// Repartition is the topic for the rows of inputs the manifest marks
	// for repartitioning (sdk.InputStep.Repartition); the caller creates
	// it and feeds its records back to Process. Unused by other queries.
	Repartition RepartitionTopic
	// SingleTask runs a stateful query as one task over all partitions of
	// its inputs, as sdk.Pipeline.SingleTask does (the caller sets it for a
	// join whose inputs are not co-partitioned).
	SingleTask bool
}

// input bindings: where a stage input column (or a sink column of a query
// without a stage) takes its value from.
type bindKind uint8

const (
	bindKey bindKind = iota
	bindValue
	bindRowTime
	bindRowPartition
	bindRowOffset
	bindWindowStart
	bindWindowEnd
)

type binding struct {
	kind  bindKind
	index int // into the key or value row
	typ   sdk.Type
}

// Query is a running persistent query with one source: a task (module
// instance, batch, reusable rows and buffers) per input partition.
//
// A Query is not safe for concurrent use; run each on one goroutine (tasks of
// different queries are independent).
type Query struct {
	id       string
	man      *sdk.Manifest
	src      *sdk.Source
	sink     *sdk.Source
	stage    int // index into man.Stages, -1 for none
	table    bool
	filtered bool

	keySerde, valSerde   serde.Serde
	sinkKey, sinkVal     serde.Serde
	inputs               []binding // per stage input column
	tsIndex              int       // value-row index of the source's TIMESTAMP column, or -1
	tsKey                bool      // the TIMESTAMP column is a key column
	outKey, outVal       []int     // per sink key/value column: stage output index
	passKey, passVal     []binding // without a stage: per sink key/value column
	outTS                int       // stage output index of the sink's TIMESTAMP column, or -1
	windowIn, windowSink *sdk.KeyWindow
	// nullKeyPasses: the sink's key columns are the source's (in number
	// and type), so a null source key that reaches the sink with only
	// NULL key columns is written as a null key, as ksqlDB writes a key
	// it never rebuilt. A key rebuilt with PARTITION BY is written even
	// when all its columns are NULL ({"A":null,"B":null}). The manifest
	// does not say whether the key was rebuilt, so a PARTITION BY giving
	// a key of the source key's types counts as unchanged.
	nullKeyPasses bool

	instances InstanceFactory
	pipe      *pipeline         // the stateful path (pipeline.go), nil for a stateless query
	offsets   map[taskKey]int64 // next offset per input partition (checkpoint.go)
	out       Sink
	log       ProcessingLog
	tasks     map[taskKey]*task
	err       error
}

type taskKey struct {
	topic     string
	partition int32
}

// NewQuery prepares a query. It checks that the manifest describes a query
// the executor can run and builds the serdes; tasks (module instances) are
// created on the first records of each input partition.
func NewQuery(cfg QueryConfig) (*Query, error) {
	man := cfg.Manifest
	if man == nil {
		return nil, errors.New("new query: no manifest")
	}
	if cfg.Sink == nil {
		return nil, fmt.Errorf("query %s: no sink", man.QueryID)
	}
	if needsPipeline(man) {
		return newStatefulQuery(cfg) // pipeline.go
	}
	if len(man.Sources) != 1 || len(man.Pipeline.Inputs) != 1 {
		return nil, fmt.Errorf("query %s: %w: a query of %d sources without a join", man.QueryID, ErrNotSupported, len(man.Sources))
	}
	q := &Query{
		id:        man.QueryID,
		man:       man,
		src:       &man.Sources[man.Pipeline.Inputs[0].Source],
		sink:      &man.Sink,
		stage:     man.Pipeline.Inputs[0].Stage,
		instances: cfg.Instances,
		out:       cfg.Sink,
		log:       cfg.Log,
		tasks:     map[taskKey]*task{},
		offsets:   map[taskKey]int64{},
		tsIndex:   -1,
		outTS:     -1,
		filtered:  cfg.Filtered,
	}
	if q.log == nil {
		q.log = discardLog{}
	}
	q.table = q.src.Kind == sdk.Table
	q.windowIn = q.src.Window
	q.windowSink = q.sink.Window
	q.nullKeyPasses = sameTypes(q.src.KeyColumns(), q.sink.KeyColumns())
	if q.src.TimestampFormat != "" {
		return nil, fmt.Errorf("query %s: %w: TIMESTAMP_FORMAT", q.id, ErrNotSupported)
	}
	var err error
	if q.keySerde, err = serde.NewKey(q.src); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	if q.valSerde, err = serde.NewValue(q.src); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	// A stateless query is done with a decoded row within Process: its
	// strings are copied into the batch or encoded, never kept. So they
	// can share the record's bytes instead of being copied (an allocation
	// per STRING column and record); records are not modified while they
	// are processed.
	q.keySerde, q.valSerde = serde.StringViews(q.keySerde), serde.StringViews(q.valSerde)
	if q.sinkKey, err = serde.NewKey(q.sink); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	if q.sinkVal, err = serde.NewValue(q.sink); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	if c := q.src.TimestampColumn; c != "" {
		if i := indexOf(q.src.ValueColumns(), c); i >= 0 {
			q.tsIndex = i
		} else if i := indexOf(q.src.KeyColumns(), c); i >= 0 {
			q.tsIndex, q.tsKey = i, true
		} else {
			return nil, fmt.Errorf("query %s: the TIMESTAMP column %s is not a column of %s", q.id, c, q.src.Name)
		}
	}
	if q.stage < 0 {
		if q.passKey, err = q.bindAll(q.sink.KeyColumns()); err != nil {
			return nil, err
		}
		if q.passVal, err = q.bindAll(q.sink.ValueColumns()); err != nil {
			return nil, err
		}
		if q.sink.TimestampColumn != "" {
			return nil, fmt.Errorf("query %s: %w: a TIMESTAMP column on a sink without a stage", q.id, ErrNotSupported)
		}
		return q, nil
	}
	if q.stage >= len(man.Stages) {
		return nil, fmt.Errorf("query %s: pipeline refers to stage %d of %d", q.id, q.stage, len(man.Stages))
	}
	st := &man.Stages[q.stage]
	if q.inputs, err = q.bindAll(st.Inputs); err != nil {
		return nil, err
	}
	if q.outKey, err = outputIndexes(q.id, st, q.sink.KeyColumns()); err != nil {
		return nil, err
	}
	if q.outVal, err = outputIndexes(q.id, st, q.sink.ValueColumns()); err != nil {
		return nil, err
	}
	if c := q.sink.TimestampColumn; c != "" {
		for j, o := range st.Outputs {
			if o.Name == c {
				q.outTS = j
			}
		}
		if q.outTS < 0 || (st.Outputs[q.outTS].Type != sdk.TypeBigInt && st.Outputs[q.outTS].Type != sdk.TypeInt) {
			return nil, fmt.Errorf("query %s: the sink's TIMESTAMP column %s is not a BIGINT output", q.id, c)
		}
	}
	return q, nil
}

// sameTypes reports whether a and b have the same column types in order.
func sameTypes(a, b []sdk.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}

// allNull reports whether every value of row is NULL.
func allNull(row []sdk.Value) bool {
	for i := range row {
		if !row[i].Null {
			return false
		}
	}
	return true
}

func indexOf(cols []sdk.Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// bindAll finds, for each column by name, where its value comes from: the
// source's key or value columns, or a pseudo-column.
func (q *Query) bindAll(cols []sdk.Column) ([]binding, error) {
	keys, vals := q.src.KeyColumns(), q.src.ValueColumns()
	out := make([]binding, len(cols))
	for i, c := range cols {
		b := binding{typ: c.Type}
		if j := indexOf(keys, c.Name); j >= 0 {
			b.kind, b.index = bindKey, j
		} else if j := indexOf(vals, c.Name); j >= 0 {
			b.kind, b.index = bindValue, j
		} else {
			switch c.Name {
			case "ROWTIME":
				b.kind = bindRowTime
			case "ROWPARTITION":
				b.kind = bindRowPartition
			case "ROWOFFSET":
				b.kind = bindRowOffset
			case "WINDOWSTART":
				b.kind = bindWindowStart
			case "WINDOWEND":
				b.kind = bindWindowEnd
			default:
				return nil, fmt.Errorf("query %s: input column %s is neither a column of %s nor a pseudo-column", q.id, c.Name, q.src.Name)
			}
		}
		out[i] = b
	}
	return out, nil
}

// outputIndexes maps each sink column to the stage output of the same name.
func outputIndexes(id string, st *sdk.Stage, cols []sdk.Column) ([]int, error) {
	out := make([]int, len(cols))
	for i, c := range cols {
		out[i] = -1
		for j, o := range st.Outputs {
			if o.Name == c.Name {
				out[i] = j
				break
			}
		}
		if out[i] < 0 {
			return nil, fmt.Errorf("query %s: sink column %s is not an output of stage %s", id, c.Name, st.Export)
		}
	}
	return out, nil
}

// ID returns the query id.
func (q *Query) ID() string { return q.id }

// Manifest returns the query's manifest.
func (q *Query) Manifest() *sdk.Manifest { return q.man }

// Err returns the error that stopped the query, or nil while it runs.
func (q *Query) Err() error { return q.err }

// Process runs the query on records of its source topic. Consecutive records
// of the same partition form a task's batch(es); records must be in offset
// order per partition. Records that cannot be processed are dropped and
// logged; Process returns an error only when the query fails (a trap, a
// deadline, a sink error), after which the query is stopped and every
// further call returns that error.
func (q *Query) Process(ctx context.Context, recs []Record) error {
	if q.err != nil {
		return q.err
	}
	for start := 0; start < len(recs); {
		end := start + 1
		for end < len(recs) && recs[end].Topic == recs[start].Topic && recs[end].Partition == recs[start].Partition {
			end++
		}
		if err := q.processRun(ctx, recs[start:end]); err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				err = &QueryError{Query: q.id, Topic: recs[start].Topic, Partition: recs[start].Partition, Offset: -1, Err: err}
			}
			q.err = err
			return err
		}
		q.offsets[taskKey{recs[start].Topic, recs[start].Partition}] = recs[end-1].Offset + 1
		start = end
	}
	return nil
}

// processRun processes consecutive records of one partition: through the
// pipeline of a stateful query, or by the partition's task.
func (q *Query) processRun(ctx context.Context, run []Record) error {
	if q.pipe != nil {
		return q.pipe.process(ctx, q, run)
	}
	if run[0].Topic != q.src.Topic {
		return fmt.Errorf("query %s reads topic %q, not %q", q.id, q.src.Topic, run[0].Topic)
	}
	t, err := q.task(ctx, run[0].Topic, run[0].Partition)
	if err != nil {
		return err
	}
	return t.process(ctx, q, run)
}

// Close releases the query's module instances.
func (q *Query) Close(ctx context.Context) error {
	var errs []error
	if q.pipe != nil {
		errs = append(errs, q.pipe.close(ctx))
	}
	for k, t := range q.tasks {
		if t.inst != nil {
			errs = append(errs, t.inst.Close(ctx))
		}
		delete(q.tasks, k)
	}
	return errors.Join(errs...)
}

func (q *Query) task(ctx context.Context, topic string, partition int32) (*task, error) {
	k := taskKey{topic, partition}
	if t, ok := q.tasks[k]; ok {
		return t, nil
	}
	t := &task{
		keyRow: make([]sdk.Value, len(q.keySerde.Columns())),
		valRow: make([]sdk.Value, len(q.valSerde.Columns())),
		outKey: make([]sdk.Value, len(q.sink.KeyColumns())),
		outVal: make([]sdk.Value, len(q.sink.ValueColumns())),
	}
	if q.stage >= 0 {
		if q.instances == nil {
			return nil, errors.New("no module instances")
		}
		inst, err := q.instances.NewInstance(ctx)
		if err != nil {
			return nil, fmt.Errorf("instantiate: %w", err)
		}
		b, err := inst.Batch(q.stage)
		if err != nil {
			return nil, errors.Join(err, inst.Close(ctx))
		}
		t.inst, t.batch = inst, b
		t.view, _ = b.(outputViewer)
		t.meta = make([]rowMeta, b.Capacity())
		if q.table {
			// A table row that is deleted needs its key after the stage
			// ran; the stage computes no outputs for it.
			t.rowKeys = make([][]sdk.Value, b.Capacity())
			for i := range t.rowKeys {
				t.rowKeys[i] = make([]sdk.Value, len(t.keyRow))
			}
		}
	}
	q.tasks[k] = t
	return t, nil
}

// task is the state of one input partition: its instance and batch, and
// rows and buffers reused for every record.
type task struct {
	inst           StageInstance
	batch          StageBatch
	view           outputViewer // batch, when it gives STRING outputs as views
	keyRow, valRow []sdk.Value
	outKey, outVal []sdk.Value
	meta           []rowMeta
	rowKeys        [][]sdk.Value // per batch row, for tables only
	keyBuf, valBuf []byte
	pseudo         sdk.Value // the value of a pseudo-column being written
	out            Record
	// decoded is the index (in the current Process call) up to which
	// records were decoded, so that records decoded again after a batch was
	// cut (full heap) are not logged twice.
	decoded int
	// fresh: the record being decoded was not decoded before (log it).
	fresh bool
}

// rowMeta is what the host remembers of a batch row.
type rowMeta struct {
	rec       int // index in the records being processed
	rowtime   int64
	win       winBounds
	tombstone bool // no value: emit the key with a null value
	nullKey   bool // the source record has a null key
}

type winBounds struct {
	ok         bool
	start, end int64
}

func (t *task) process(ctx context.Context, q *Query, recs []Record) error {
	t.decoded = 0
	if q.stage < 0 {
		for i := range recs {
			m, ok := t.decode(ctx, q, recs, i)
			if ok {
				m.rec = i
				if err := t.emitPass(ctx, q, recs, m); err != nil {
					return err
				}
			}
		}
		return nil
	}
	capacity := t.batch.Capacity()
	for i := 0; i < len(recs); {
		t.batch.Reset()
		rows := 0
		for i < len(recs) && rows < capacity {
			m, ok := t.decode(ctx, q, recs, i)
			if !ok {
				i++
				continue
			}
			if !t.write(q, &recs[i], m, rows) {
				if rows == 0 {
					t.logDrop(ctx, q, recs, i, LogDeserialization, "record too large for the stage's input string area")
					t.batch.Reset()
					i++
					continue
				}
				break // cut the batch here; the record starts the next one
			}
			m.rec = i
			t.meta[rows] = m
			if q.table {
				copy(t.rowKeys[rows], t.keyRow)
			}
			rows++
			i++
		}
		if rows == 0 {
			continue
		}
		n, skip, err := t.run(ctx, q, recs, rows)
		if err != nil {
			return err
		}
		for r := 0; r < n; r++ {
			if !q.table && t.batch.Sel(r) == sdk.SelDrop {
				continue // the common case of a selective filter, kept cheap
			}
			if err := t.emit(ctx, q, recs, r); err != nil {
				return err
			}
		}
		switch {
		case skip:
			i = t.meta[0].rec + 1 // the first row alone overflowed the heap
		case n < rows:
			i = t.meta[n].rec // reload the rows that did not fit the heap
		}
	}
	return nil
}

// run calls the stage, with fewer rows while the output heap overflows. It
// returns how many rows have valid results. When a single row overflows the
// heap on its own, it is logged and dropped: run returns 0 rows and skip.
func (t *task) run(ctx context.Context, q *Query, recs []Record, rows int) (n int, skip bool, err error) {
	n = rows
	for {
		first := &recs[t.meta[0].rec]
		status, statusRow, err := t.batch.Run(ctx, n, first.Offset)
		if err != nil {
			return 0, false, &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset, Err: err}
		}
		switch status {
		case sdk.StatusOK:
			return n, false, nil
		case sdk.StatusHeapFull:
			// The heap is empty at the start of every call, so a full heap
			// at row 0 means that row alone does not fit.
			if n == 1 || statusRow == 0 {
				t.logDrop(ctx, q, recs, t.meta[0].rec, LogEvaluation, "the row's results do not fit the stage's output heap")
				return 0, true, nil
			}
			if statusRow < 0 || statusRow >= n {
				n = (n + 1) / 2
			} else {
				n = statusRow
			}
		case sdk.StatusCancelled:
			return 0, false, &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset,
				Err: errors.New("the stage was cancelled (batch deadline)")}
		default:
			return 0, false, &QueryError{Query: q.id, Topic: first.Topic, Partition: first.Partition, Offset: first.Offset,
				Err: fmt.Errorf("the stage returned unknown status %d", status)}
		}
	}
}

// logDrop writes a processing-log entry for record i, which is dropped.
func (t *task) logDrop(ctx context.Context, q *Query, recs []Record, i int, kind LogKind, reason string) {
	r := &recs[i]
	q.log.Log(ctx, LogEntry{Query: q.id, Kind: kind, Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Reason: reason})
}

// logDecode logs a record dropped while decoding, unless it was logged
// already: records after a heap-full cut are decoded again.
func (t *task) logDecode(ctx context.Context, q *Query, recs []Record, i int, kind LogKind, reason string) {
	if !t.fresh {
		return
	}
	t.logDrop(ctx, q, recs, i, kind, reason)
}

// decode decodes record i into the task's key and value rows. It returns
// false for a record that is dropped (a stream tombstone, a record that does
// not decode, an invalid timestamp).
func (t *task) decode(ctx context.Context, q *Query, recs []Record, i int) (rowMeta, bool) {
	r := &recs[i]
	// Record i counts as decoded (and logged) from here on; a defer would
	// cost more than the rest of this function's bookkeeping.
	t.fresh = i >= t.decoded
	if t.fresh {
		t.decoded = i + 1
	}
	m := rowMeta{rowtime: r.Timestamp}
	key := r.Key
	if q.table && key == nil {
		// Kafka Streams' table source skips records without a key.
		t.logDecode(ctx, q, recs, i, LogDeserialization, "a table record without a key is ignored")
		return m, false
	}
	if q.windowIn != nil && key != nil {
		var ok bool
		key, m.win, ok = splitWindow(key, q.windowIn)
		if !ok {
			t.logDecode(ctx, q, recs, i, LogDeserialization, fmt.Sprintf("windowed key of %d bytes is too short for its window", len(r.Key)))
			return m, false
		}
	}
	if q.valSerde.IsNull(r.Value) {
		if !q.table && q.filtered {
			return m, false // a filter drops a stream record without a value
		}
		m.tombstone = true
	}
	if len(t.keyRow) > 0 { // a keyless stream reads no key
		m.nullKey = q.keySerde.IsNull(key)
		if err := q.keySerde.Decode(key, t.keyRow); err != nil {
			t.logDecode(ctx, q, recs, i, LogDeserialization, err.Error())
			return m, false
		}
	}
	if m.tombstone {
		for j, c := range q.valSerde.Columns() {
			t.valRow[j] = sdk.Null(c.Type)
		}
	} else if err := q.valSerde.Decode(r.Value, t.valRow); err != nil {
		t.logDecode(ctx, q, recs, i, LogDeserialization, err.Error())
		return m, false
	}
	if q.tsIndex < 0 && r.Timestamp < 0 {
		// Kafka Streams drops a record with a negative timestamp (one its
		// producer left unset); ksqlDB logs it.
		t.logDecode(ctx, q, recs, i, LogEvaluation, fmt.Sprintf("invalid timestamp %d: a record timestamp must not be negative (a producer that wrote no timestamp?)", r.Timestamp))
		return m, false
	}
	if q.tsIndex >= 0 && !m.tombstone {
		v := t.valRow[q.tsIndex]
		if q.tsKey {
			v = t.keyRow[q.tsIndex]
		}
		if v.Null || v.I < 0 {
			t.logDecode(ctx, q, recs, i, LogEvaluation, fmt.Sprintf("invalid timestamp in column %s: %s", q.src.TimestampColumn, timestampText(v)))
			return m, false
		}
		m.rowtime = v.I
	}
	return m, true
}

// splitWindow strips the window Kafka Streams' windowed serdes append to a
// key: start for time windows, end then start for session windows.
func splitWindow(key []byte, w *sdk.KeyWindow) ([]byte, winBounds, bool) {
	if w.Type == sdk.WindowSession {
		if len(key) < 16 {
			return nil, winBounds{}, false
		}
		n := len(key) - 16
		end := int64(binary.BigEndian.Uint64(key[n:]))
		start := int64(binary.BigEndian.Uint64(key[n+8:]))
		return key[:n], winBounds{ok: true, start: start, end: end}, true
	}
	if len(key) < 8 {
		return nil, winBounds{}, false
	}
	n := len(key) - 8
	start := int64(binary.BigEndian.Uint64(key[n:]))
	return key[:n], winBounds{ok: true, start: start, end: start + w.SizeMs}, true
}

// appendWindow appends a window to an encoded key as Kafka Streams'
// windowed serializers do.
func appendWindow(key []byte, w *sdk.KeyWindow, b winBounds) []byte {
	if w.Type == sdk.WindowSession {
		key = binary.BigEndian.AppendUint64(key, uint64(b.end))
	}
	return binary.BigEndian.AppendUint64(key, uint64(b.start))
}

// value returns the value a binding takes for the current record.
func (t *task) value(b binding, r *Record, m rowMeta) sdk.Value {
	switch b.kind {
	case bindKey:
		return t.keyRow[b.index]
	case bindValue:
		return t.valRow[b.index]
	case bindRowTime, bindRowPartition, bindRowOffset:
		// ksqlDB keeps these pseudo-columns with the value: a record
		// without a value has none of them.
		if m.tombstone {
			break
		}
		switch b.kind {
		case bindRowTime:
			return sdk.BigInt(m.rowtime)
		case bindRowPartition:
			return sdk.Int(r.Partition)
		default:
			return sdk.BigInt(r.Offset)
		}
	case bindWindowStart:
		if m.win.ok {
			return sdk.BigInt(m.win.start)
		}
	case bindWindowEnd:
		if m.win.ok {
			return sdk.BigInt(m.win.end)
		}
	}
	return sdk.Null(b.typ)
}

// write writes the record's input columns into batch row row. It returns
// false when the input string area is full.
func (t *task) write(q *Query, r *Record, m rowMeta, row int) bool {
	for col := range q.inputs {
		b := &q.inputs[col]
		// Key and value columns are read in place: copying a Value per
		// column costs more than the rest of the write.
		var v *sdk.Value
		switch b.kind {
		case bindValue:
			v = &t.valRow[b.index]
		case bindKey:
			v = &t.keyRow[b.index]
		default:
			t.pseudo = t.value(*b, r, m)
			v = &t.pseudo
		}
		if v.Null {
			t.batch.SetNull(col, row)
			continue
		}
		switch b.typ {
		case sdk.TypeString, sdk.TypeBytes, sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
			if !t.batch.SetString(col, row, v.S) {
				return false
			}
		case sdk.TypeDouble:
			f := v.F
			if v.Type != sdk.TypeDouble {
				f = float64(v.I)
			}
			t.batch.SetDouble(col, row, f)
		default:
			i := v.I
			if v.Type == sdk.TypeDouble {
				i = int64(v.F)
			}
			t.batch.SetInt(col, row, i)
		}
	}
	return true
}

// emit handles batch row r after the stage ran.
func (t *task) emit(ctx context.Context, q *Query, recs []Record, r int) error {
	m := t.meta[r]
	rec := &recs[m.rec]
	sel := t.batch.Sel(r)
	var err error
	switch {
	case sel >= sdk.SelError:
		t.logDrop(ctx, q, recs, m.rec, LogEvaluation, rowErrorReason(sel-sdk.SelError))
		return nil
	case sel == sdk.SelDrop && !q.table:
		return nil
	}
	// A table row that no longer passes the filter, or a tombstone, deletes
	// the key downstream, as Kafka Streams' KTable filter forwards it. A
	// stream record without a value keeps its projected key (computed
	// with NULL value columns) and has no value.
	deleted := m.tombstone || sel == sdk.SelDrop
	if deleted && !q.table {
		for j, o := range q.outKey {
			if t.outKey[j], err = t.output(o, r); err != nil {
				return t.outputError(q, rec, err)
			}
		}
	} else if deleted {
		// The stage computes no outputs for a dropped row. A table's key
		// cannot change without GROUP BY, so the sink's key is the source's
		// (perhaps renamed), column for column.
		if !t.sourceKey(q, t.rowKeys[r]) {
			return nil
		}
	} else {
		for j, o := range q.outKey {
			if t.outKey[j], err = t.output(o, r); err != nil {
				return t.outputError(q, rec, err)
			}
		}
		for j, o := range q.outVal {
			if t.outVal[j], err = t.output(o, r); err != nil {
				return t.outputError(q, rec, err)
			}
		}
	}
	ts := m.rowtime
	if q.outTS >= 0 && !deleted {
		v, err := t.batch.Output(q.outTS, r)
		if err != nil {
			return t.outputError(q, rec, err)
		}
		if v.Null || v.I < 0 {
			t.logDrop(ctx, q, recs, m.rec, LogEvaluation, fmt.Sprintf("invalid timestamp in column %s: %s", q.sink.TimestampColumn, timestampText(v)))
			return nil
		}
		ts = v.I
	}
	return t.produce(ctx, q, recs, m, rec, ts, deleted)
}

// output reads output col of batch row r for encoding: a STRING is a view of
// the module's memory when the batch can give one, since the row is encoded
// and produced before the batch runs again; else a copy.
func (t *task) output(col, r int) (sdk.Value, error) {
	if t.view != nil {
		return t.view.OutputView(col, r)
	}
	return t.batch.Output(col, r)
}

// outputError fails the query when a module's output cannot be read.
func (t *task) outputError(q *Query, rec *Record, err error) error {
	return &QueryError{Query: q.id, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset, Err: err}
}

// sourceKey copies the decoded source key into the output key row when the
// sink's key columns match the source's in number and type.
func (t *task) sourceKey(q *Query, key []sdk.Value) bool {
	src, dst := q.keySerde.Columns(), q.sink.KeyColumns()
	if len(src) != len(dst) {
		return false
	}
	for j := range dst {
		if src[j].Type != dst[j].Type || !src[j].Desc.Equal(dst[j].Desc) {
			return false
		}
		t.outKey[j] = key[j]
	}
	return true
}

// emitPass produces a record of a query without a stage.
func (t *task) emitPass(ctx context.Context, q *Query, recs []Record, m rowMeta) error {
	rec := &recs[m.rec]
	for j, b := range q.passKey {
		t.outKey[j] = t.value(b, rec, m)
	}
	if !m.tombstone {
		for j, b := range q.passVal {
			t.outVal[j] = t.value(b, rec, m)
		}
	}
	return t.produce(ctx, q, recs, m, rec, m.rowtime, m.tombstone)
}

func (t *task) produce(ctx context.Context, q *Query, recs []Record, m rowMeta, rec *Record, ts int64, deleted bool) error {
	key, err := q.sinkKey.Encode(t.keyBuf[:0], t.outKey)
	if err != nil {
		t.logDrop(ctx, q, recs, m.rec, LogSerialization, err.Error())
		return nil
	}
	if key != nil {
		t.keyBuf = key
		if m.nullKey && q.nullKeyPasses && allNull(t.outKey) {
			key = nil
		}
	}
	if q.windowSink != nil && m.win.ok {
		key = appendWindow(key, q.windowSink, m.win)
		t.keyBuf = key
	}
	var value []byte
	if !deleted {
		value, err = q.sinkVal.Encode(t.valBuf[:0], t.outVal)
		if err != nil {
			t.logDrop(ctx, q, recs, m.rec, LogSerialization, err.Error())
			return nil
		}
		if value != nil {
			t.valBuf = value
		}
	}
	t.out = Record{
		Topic:     q.sink.Topic,
		Partition: -1,
		Key:       key,
		Value:     value,
		Timestamp: ts,
		Headers:   rec.Headers,
	}
	if err := q.out.Produce(ctx, &t.out); err != nil {
		return &QueryError{Query: q.id, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
			Err: fmt.Errorf("produce to %s: %w", q.sink.Topic, err)}
	}
	return nil
}

// timestampText renders a rejected timestamp value for the processing log.
func timestampText(v sdk.Value) string {
	if v.Null {
		return "NULL"
	}
	return strconv.FormatInt(v.I, 10)
}

// rowErrorReason turns a row error code into a processing-log reason.
func rowErrorReason(code byte) string {
	switch code {
	case sdk.RowErrDivideByZero:
		return "division by zero"
	case sdk.RowErrCast:
		return "invalid CAST"
	case sdk.RowErrFunction:
		return "a function failed"
	}
	return fmt.Sprintf("row error %d", code)
}
