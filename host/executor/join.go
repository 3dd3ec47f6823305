package executor

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/wasmstream/wasmstream/host/state"
	"github.com/wasmstream/wasmstream/sdk"
)

// The kinds of join, by the kinds of their sources.
const (
	streamTable = iota + 1
	tableTable
	streamStream
	foreignKey
)

// joinOp is the join operator: stream-table (the stream record looks up
// the table as it is at that point; table updates produce nothing),
// table-table (on the primary key; both sides update and emit) and
// stream-stream (records within the WITHIN window of each other join;
// both sides are buffered).
type joinOp struct {
	typ         string
	kind        int
	side        [2]int // input index of the left and right side
	keyCol      [2]int // index of each side's join key in its input row
	off         [2]int // where each side's columns start in opRow
	rowtime     int    // index of ROWTIME in opRow
	tables      [2]*state.Table
	out         *state.Table // table-table: per key, whether a row is on the sink
	bufs        [2]*state.JoinBuffer
	before      int64 // stream-stream: a right record joins a left one at ts if in [ts-before, ts+after]
	after       int64
	grace       int64
	eager       bool // no GRACE PERIOD: outer rows are emitted at once (legacy JoinWindows)
	streamTime  int64
	nextSweep   int64
	key         [1]sdk.Value
	emptyRow    [2][]sdk.Value
	padScratchK []sdk.Value
	// byFK indexes the left rows of a foreign-key join by their foreign
	// key (encoded): the rows a right update joins. It is derived from the
	// left table (rebuilt on restore).
	byFK  map[string][]*state.Row
	fkBuf []byte
	// pending holds, per side, the unmatched records of an outer side
	// waiting for their window to close (with GRACE PERIOD), in
	// (timestamp, arrival) order. It is derived from the buffers (rebuilt
	// on restore).
	pending [2][]*state.Buffered
	cur     joinCall
	matchFn func(*state.Buffered) error
	// next is the join chained onto this one's result (n-way joins); its
	// left side is this join's result. leftTable says this join's left
	// side is the result of a table-table join (keyed by its join key);
	// fwd holds the row forwarded to next.
	next      *joinOp
	leftTable bool
	fwd       []sdk.Value
	// windowed: the sides' keys are windowed; a row's join key is its key
	// and window (windowedKey), and the result keeps the window.
	windowed bool
	// step is the join's place in the chain (0 for the first);
	// repartitionLeft says the result joined before it is re-keyed by its
	// LeftKey through the repartition topic.
	step            int
	repartitionLeft bool
}

func newJoinOp(q *Query, p *pipeline, j *sdk.Join) (*joinOp, error) {
	var head, prev *joinOp
	used := map[int]bool{j.Left: true}
	step := 0
	for jj := j; jj != nil; jj, step = jj.Next, step+1 {
		if used[jj.Right] {
			return nil, fmt.Errorf("query %s: input %d is joined twice", q.id, jj.Right)
		}
		used[jj.Right] = true
		op, err := newJoinStep(q, p, jj, prev)
		if err != nil {
			return nil, err
		}
		op.step, op.repartitionLeft = step, jj.RepartitionLeft && !p.single
		if prev == nil {
			head = op
		} else {
			prev.next = op
		}
		prev = op
	}
	if len(used) != len(p.inputs) {
		return nil, fmt.Errorf("query %s: the joins use %d of the %d inputs", q.id, len(used), len(p.inputs))
	}
	rowtime := len(p.opCols)
	p.opCols = append(p.opCols, sdk.Column{Name: "ROWTIME", Type: sdk.TypeBigInt})
	for op := head; op != nil; op = op.next {
		op.rowtime = rowtime
	}
	return head, nil
}

// newJoinStep builds one join of a chain; prev is the join whose result is
// its left side (nil for the first).
func newJoinStep(q *Query, p *pipeline, j *sdk.Join, prev *joinOp) (*joinOp, error) {
	op := &joinOp{typ: j.Type, side: [2]int{j.Left, j.Right}, streamTime: math.MinInt64, nextSweep: math.MinInt64}
	n := len(p.inputs)
	if j.Right < 0 || j.Right >= n || (prev == nil && (j.Left < 0 || j.Left >= n)) || (prev != nil && j.Left != -1) {
		return nil, fmt.Errorf("query %s: join sides %d and %d of %d inputs", q.id, j.Left, j.Right, n)
	}
	var ls bool
	op.windowed = p.inputs[j.Right].q.windowIn != nil
	if prev == nil {
		pi := p.inputs[j.Left]
		p.opCols = append(p.opCols, pi.cols...)
		ls = pi.stream
	} else {
		// The previous join's result: a stream unless both its sides
		// were tables.
		ls = prev.kind == streamStream || prev.kind == streamTable
		op.leftTable = !ls
	}
	op.keyCol[0] = indexOf(p.opCols, j.LeftKey)
	if op.keyCol[0] < 0 {
		return nil, fmt.Errorf("query %s: join key %s is not a column of the join's left side", q.id, j.LeftKey)
	}
	op.emptyRow[0] = nulls(p.opCols)
	right := p.inputs[j.Right]
	op.keyCol[1] = indexOf(right.cols, j.RightKey)
	if op.keyCol[1] < 0 {
		return nil, fmt.Errorf("query %s: join key %s is not an output of input %d", q.id, j.RightKey, j.Right)
	}
	op.off[1] = len(p.opCols)
	p.opCols = append(p.opCols, right.cols...)
	op.emptyRow[1] = nulls(right.cols)
	rs := right.stream
	switch {
	case ls && rs:
		if j.Within == nil {
			return nil, fmt.Errorf("query %s: a stream-stream join needs a WITHIN clause", q.id)
		}
		op.kind = streamStream
		op.before, op.after = j.Within.BeforeMs, j.Within.AfterMs
		op.grace = j.Within.GraceMs
		if op.grace < 0 {
			// Legacy JoinWindows.of(before).after(after): 24 hours minus
			// the window size, and NULL-padded rows at once.
			op.eager = true
			op.grace = max(24*60*60*1000-op.before-op.after, 0)
		}
		retention := op.before + op.after + op.grace
		op.bufs = [2]*state.JoinBuffer{state.NewJoinBuffer(retention), state.NewJoinBuffer(retention)}
	case ls && !rs:
		op.kind = streamTable
		if j.Type != sdk.JoinInner && j.Type != sdk.JoinLeft {
			return nil, fmt.Errorf("query %s: %w: a %s join of a stream and a table", q.id, ErrNotSupported, j.Type)
		}
		op.tables[1] = state.NewTable()
	case !ls && !rs && j.ForeignKey:
		if prev != nil {
			return nil, fmt.Errorf("query %s: %w: a foreign-key join after another join", q.id, ErrNotSupported)
		}
		op.kind = foreignKey
		if j.Type != sdk.JoinInner && j.Type != sdk.JoinLeft {
			return nil, fmt.Errorf("query %s: %w: a %s foreign-key join", q.id, ErrNotSupported, j.Type)
		}
		op.tables = [2]*state.Table{state.NewTable(), state.NewTable()}
		op.byFK = map[string][]*state.Row{}
	case !ls && !rs:
		op.kind = tableTable
		op.tables = [2]*state.Table{state.NewTable(), state.NewTable()}
		op.out = state.NewTable()
	default:
		return nil, fmt.Errorf("query %s: %w: a table joined with a stream (put the stream first)", q.id, ErrNotSupported)
	}
	return op, nil
}

// nulls returns a row of NULLs of the columns' types.
func nulls(cols []sdk.Column) []sdk.Value {
	out := make([]sdk.Value, len(cols))
	for i, c := range cols {
		out[i] = sdk.Null(c.Type)
	}
	return out
}

// step returns the join of the chain that input in feeds, and on which
// side.
func (p *pipeline) step(in int) (*joinOp, int) {
	for op := p.join; op != nil; op = op.next {
		if op.side[0] == in {
			return op, 0
		}
		if op.side[1] == in {
			return op, 1
		}
	}
	return nil, 0
}

// joinKey returns the join key of a row: the source key of a table (its
// primary key, available for deletions too), else the key column. INT keys
// compare as BIGINT so that INT and BIGINT sides match.
func (op *joinOp) joinKey(row []sdk.Value, s int, srcKey []sdk.Value, table bool) sdk.Value {
	var v sdk.Value
	if table && len(srcKey) == 1 {
		v = srcKey[0]
	} else {
		v = row[op.keyCol[s]]
	}
	if v.Type == sdk.TypeInt {
		v.Type = sdk.TypeBigInt
	}
	return v
}

// process handles one row of input in: it goes to the join of the chain
// that input feeds.
func (p *pipeline) joinInput(ctx context.Context, q *Query, in int, rec *Record, m rowMeta, srcKey []sdk.Value, deleted bool) error {
	op, s := p.step(in)
	if op == nil {
		return fmt.Errorf("query %s: input %d feeds no join", q.id, in)
	}
	pi := p.inputs[in]
	ts := m.rowtime
	if op.kind == foreignKey {
		if s == 0 {
			return op.fkLeft(ctx, q, p, pi.row, rec, ts, srcKey, deleted)
		}
		return op.fkRight(ctx, q, p, pi.row, rec, ts, srcKey, deleted)
	}
	k := op.joinKey(pi.row, s, srcKey, !pi.stream)
	if op.windowed {
		if !m.win.ok {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogDeserialization, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "a record of a windowed source without a window in its key does not join"})
			return nil
		}
		k = windowedKey(k, m.win)
	}
	return op.side1(ctx, q, p, s, pi.row, k, rec, ts, deleted)
}

// windowedKey is the join key of a windowed source's row: its key and its
// window, which must both equal the other side's for the rows to join.
func windowedKey(k sdk.Value, w winBounds) sdk.Value {
	if k.Null {
		return k
	}
	b := appendValues(nil, []sdk.Value{k})
	b = binary.BigEndian.AppendUint64(b, uint64(w.start))
	b = binary.BigEndian.AppendUint64(b, uint64(w.end))
	return sdk.Value{Type: sdk.TypeBytes, S: string(b)}
}

// keyWindow returns the window of a windowedKey.
func keyWindow(k sdk.Value) winBounds {
	if k.Null || len(k.S) < 16 {
		return winBounds{}
	}
	b := k.S[len(k.S)-16:]
	return winBounds{ok: true, start: int64(binary.BigEndian.Uint64([]byte(b[:8]))), end: int64(binary.BigEndian.Uint64([]byte(b[8:])))}
}

// side1 handles one row of side s with join key k.
func (op *joinOp) side1(ctx context.Context, q *Query, p *pipeline, s int, row []sdk.Value, k sdk.Value, rec *Record, ts int64, deleted bool) error {
	op.key[0] = k
	if op.key[0].Null {
		q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
			Reason: "the join key is NULL; the record does not join"})
		return nil
	}
	switch op.kind {
	case streamTable:
		if s == 1 {
			if deleted {
				op.tables[1].Delete(op.key[:])
			} else {
				op.tables[1].Put(op.key[:], row, ts)
			}
			return nil
		}
		r := op.tables[1].Get(op.key[:])
		if r == nil && op.typ == sdk.JoinInner {
			return nil
		}
		op.fill(p, 0, row)
		if r != nil {
			op.fill(p, 1, r.Cols)
		} else {
			op.fill(p, 1, nil)
		}
		p.opRow[op.rowtime] = sdk.BigInt(ts)
		return op.emit(ctx, q, p, rec, ts, false, op.key[:], nil)
	case tableTable:
		return op.tableTable(ctx, q, p, s, row, rec, ts, deleted)
	}
	if deleted {
		return nil // a stream-stream join ignores deletions (none reach it)
	}
	return op.streamStream(ctx, q, p, s, row, rec, ts)
}

// emit hands a result of this join on: to the next join of the chain, or
// to the final stage.
func (op *joinOp) emit(ctx context.Context, q *Query, p *pipeline, rec *Record, ts int64, tombstone bool, key []sdk.Value, emitted *bool) error {
	n := op.next
	if n == nil {
		var win winBounds
		if op.windowed && len(key) == 1 {
			win = keyWindow(key[0])
		}
		return p.joined(ctx, q, rec, ts, win, tombstone, key, emitted)
	}
	if emitted != nil {
		// An intermediate table result deletes downstream only what it
		// forwarded.
		if tombstone && !*emitted {
			return nil
		}
		*emitted = !tombstone
	}
	// The next join may overwrite the operator row while this join still
	// uses it (more matches): it gets a copy.
	op.fwd = append(op.fwd[:0], p.opRow[:n.off[1]]...)
	if n.repartitionLeft && p.rep != nil {
		// Keyed by another column than the next join's: the row meets the
		// next join's right side in the task of its new key. Only a
		// stream result is re-keyed (the compiler sees to it), so no
		// tombstone comes here.
		k := op.fwd[n.keyCol[0]]
		if k.Null {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogEvaluation, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "the join key is NULL; the record does not join"})
			return nil
		}
		return p.rep.produce(ctx, q, rec, changeChainRow, p.chainInput(n.step), ts, p.rep.chainKeys[n.step], op.fwd[n.keyCol[0]:n.keyCol[0]+1], op.fwd)
	}
	var k sdk.Value
	if n.leftTable || n.windowed {
		// A windowed result goes on with its windowed key.
		k = key[0]
	} else {
		k = op.fwd[n.keyCol[0]]
	}
	if k.Type == sdk.TypeInt {
		k.Type = sdk.TypeBigInt
	}
	return n.side1(ctx, q, p, 0, op.fwd, k, rec, ts, tombstone)
}

// fill copies one side's columns into the operator row (NULLs for nil).
func (op *joinOp) fill(p *pipeline, s int, cols []sdk.Value) {
	if cols == nil {
		cols = op.emptyRow[s]
	}
	copy(p.opRow[op.off[s]:], cols)
}

// tableTable applies an update of side s and emits what Kafka Streams'
// KTable-KTable join processors forward.
func (op *joinOp) tableTable(ctx context.Context, q *Query, p *pipeline, s int, row []sdk.Value, rec *Record, ts int64, deleted bool) error {
	this, other := op.tables[s], op.tables[1-s]
	if deleted {
		this.Delete(op.key[:])
	} else {
		this.Put(op.key[:], row, ts)
	}
	o := other.Get(op.key[:])
	// Whether the side that changed must find the other side to forward:
	// an inner join needs both; a LEFT join forwards left changes always
	// and right changes only when the left row exists; RIGHT mirrors
	// LEFT; FULL forwards everything.
	switch op.typ {
	case sdk.JoinInner:
		if o == nil {
			return nil
		}
	case sdk.JoinLeft:
		if s == 1 && o == nil {
			return nil
		}
	case sdk.JoinRight:
		if s == 0 && o == nil {
			return nil
		}
	}
	var rows [2]*state.Row
	rows[1-s] = o
	if !deleted {
		rows[s] = this.Get(op.key[:])
	}
	present := false
	switch op.typ {
	case sdk.JoinInner:
		present = rows[0] != nil && rows[1] != nil
	case sdk.JoinLeft:
		present = rows[0] != nil
	case sdk.JoinRight:
		present = rows[1] != nil
	default:
		present = rows[0] != nil || rows[1] != nil
	}
	flag := op.out.Get(op.key[:])
	if flag == nil {
		flag = op.out.Put(op.key[:], nil, ts)
	}
	outTS := ts
	if o != nil {
		outTS = max(ts, o.TS)
	}
	if !present {
		if rows[0] == nil && rows[1] == nil {
			// Neither side has the key any more: forget its flag (the
			// tombstone below still reads it).
			op.out.Delete(op.key[:])
		}
		return op.emit(ctx, q, p, rec, outTS, true, op.key[:], &flag.Emitted)
	}
	for side := range 2 {
		if rows[side] != nil {
			op.fill(p, side, rows[side].Cols)
		} else {
			op.fill(p, side, nil)
		}
	}
	p.opRow[op.rowtime] = sdk.BigInt(outTS)
	return op.emit(ctx, q, p, rec, outTS, false, op.key[:], &flag.Emitted)
}

// streamStream joins a record of side s with the buffered records of the
// other side within the window, as Kafka Streams' KStreamKStreamJoin.
func (op *joinOp) streamStream(ctx context.Context, q *Query, p *pipeline, s int, row []sdk.Value, rec *Record, ts int64) error {
	op.streamTime = max(op.streamTime, ts)
	// For the left side, right records in [ts-before, ts+after] match;
	// for the right side the window is mirrored.
	from, to := ts-op.before, ts+op.after
	if s == 1 {
		from, to = ts-op.after, ts+op.before
	}
	// Kafka Streams emits the NULL-padded rows of closed windows when a
	// record advances stream time, before joining it.
	if !op.eager && ts == op.streamTime {
		if err := op.emitClosed(ctx, q, p, rec); err != nil {
			return err
		}
	}
	// A record beyond its side's retention is not stored (its window
	// store drops it as expired); it still joins what the other side
	// holds.
	var self *state.Buffered
	if op.bufs[s].Observe(ts) {
		self = op.bufs[s].Add(op.key[:], row, ts)
	}
	op.cur = joinCall{ctx: ctx, q: q, p: p, rec: rec, s: s, row: row, ts: ts}
	if op.matchFn == nil {
		op.matchFn = op.match
	}
	err := op.bufs[1-s].Range(op.key[:], max(from, 0), max(to, 0), op.matchFn)
	matched := op.cur.matched
	op.cur = joinCall{}
	if err != nil {
		return err
	}
	if self != nil {
		self.Matched = matched
	}
	// An unmatched record of an outer side is NULL-padded at once without
	// GRACE PERIOD (legacy join windows) or when its window is already
	// past; else when its window closes (emitClosed).
	if !matched && op.pads(s) {
		if op.eager || to < op.streamTime || self == nil {
			if self == nil {
				self = &state.Buffered{Cols: row, TS: ts, Key: op.key[:]}
			}
			self.Padded = true
			if err := op.emitPadded(ctx, q, p, rec, s, self); err != nil {
				return err
			}
		} else {
			op.addPending(s, self)
		}
	}
	if op.streamTime >= op.nextSweep {
		op.bufs[0].Expire(!op.eager && op.pads(0))
		op.bufs[1].Expire(!op.eager && op.pads(1))
		op.nextSweep = op.streamTime + max(min(op.bufs[0].Retention/4, 60_000), 1)
	}
	return nil
}

// joinCall is the record a stream-stream join is matching, for match.
type joinCall struct {
	ctx     context.Context
	q       *Query
	p       *pipeline
	rec     *Record
	s       int
	row     []sdk.Value
	ts      int64
	matched bool
}

// match joins the current record (op.cur) with a buffered record of the
// other side. It is a method bound once, rather than a closure per record,
// so that matching allocates nothing.
func (op *joinOp) match(o *state.Buffered) error {
	c := &op.cur
	c.matched = true
	o.Matched = true
	op.fill(c.p, c.s, c.row)
	op.fill(c.p, 1-c.s, o.Cols)
	outTS := max(c.ts, o.TS)
	c.p.opRow[op.rowtime] = sdk.BigInt(outTS)
	return op.emit(c.ctx, c.q, c.p, c.rec, outTS, false, op.key[:], nil)
}

// pads says whether an unmatched record of side s yields a NULL-padded row.
func (op *joinOp) pads(s int) bool {
	switch op.typ {
	case sdk.JoinFull:
		return true
	case sdk.JoinLeft:
		return s == 0
	case sdk.JoinRight:
		return s == 1
	}
	return false
}

func (op *joinOp) emitPadded(ctx context.Context, q *Query, p *pipeline, rec *Record, s int, b *state.Buffered) error {
	op.fill(p, s, b.Cols)
	op.fill(p, 1-s, nil)
	p.opRow[op.rowtime] = sdk.BigInt(b.TS)
	op.padScratchK = append(op.padScratchK[:0], b.Key...)
	return op.emit(ctx, q, p, rec, b.TS, false, op.padScratchK, nil)
}

// addPending queues an unmatched record of side s until its window closes.
func (op *joinOp) addPending(s int, b *state.Buffered) {
	list := op.pending[s]
	i, _ := slices.BinarySearchFunc(list, b, func(x, y *state.Buffered) int {
		if c := cmp.Compare(x.TS, y.TS); c != 0 {
			return c
		}
		return cmp.Compare(x.Seq, y.Seq)
	})
	op.pending[s] = slices.Insert(list, i, b)
}

// repend rebuilds the pending lists from the buffers.
func (op *joinOp) repend() {
	for s := range 2 {
		op.pending[s] = op.pending[s][:0]
		if op.eager || !op.pads(s) {
			continue
		}
		_ = op.bufs[s].Each(func(b *state.Buffered) error {
			if !b.Matched && !b.Padded {
				op.pending[s] = append(op.pending[s], b)
			}
			return nil
		})
	}
}

// emitClosed emits the NULL-padded rows of unmatched records whose window
// closed (with a GRACE PERIOD, Kafka Streams holds them until then), oldest
// first, left before right on equal timestamps.
func (op *joinOp) emitClosed(ctx context.Context, q *Query, p *pipeline, rec *Record) error {
	ext := [2]int64{op.after, op.before}
	for {
		best := -1
		for s := range 2 {
			list := op.pending[s]
			for len(list) > 0 && (list[0].Matched || list[0].Padded) {
				list = list[1:]
			}
			op.pending[s] = list
			if len(list) == 0 || list[0].TS+ext[s]+op.grace >= op.streamTime {
				continue
			}
			if best < 0 || list[0].TS < op.pending[best][0].TS {
				best = s
			}
		}
		if best < 0 {
			return nil
		}
		b := op.pending[best][0]
		op.pending[best] = op.pending[best][1:]
		b.Padded = true
		if err := op.emitPadded(ctx, q, p, rec, best, b); err != nil {
			return err
		}
	}
}

// fkValue returns a left row's foreign key, INT widened to BIGINT.
func (op *joinOp) fkValue(cols []sdk.Value) sdk.Value {
	v := cols[op.keyCol[0]]
	if v.Type == sdk.TypeInt {
		v.Type = sdk.TypeBigInt
	}
	return v
}

func (op *joinOp) fkID(v sdk.Value) string {
	op.key[0] = v
	op.fkBuf = state.AppendKey(op.fkBuf[:0], op.key[:])
	return string(op.fkBuf)
}

// unindex removes a left row from the foreign-key index.
func (op *joinOp) unindex(fk sdk.Value, r *state.Row) {
	if fk.Null {
		return
	}
	id := op.fkID(fk)
	list := op.byFK[id]
	for i, x := range list {
		if x == r {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(op.byFK, id)
	} else {
		op.byFK[id] = list
	}
}

// index adds a left row to the foreign-key index, in key order.
func (op *joinOp) index(fk sdk.Value, r *state.Row) {
	if fk.Null {
		return
	}
	id := op.fkID(fk)
	list := op.byFK[id]
	i, _ := slices.BinarySearchFunc(list, r.ID(), func(x *state.Row, id string) int { return strings.Compare(x.ID(), id) })
	op.byFK[id] = slices.Insert(list, i, r)
}

// reindex rebuilds the foreign-key index from the left table.
func (op *joinOp) reindex() {
	clear(op.byFK)
	_ = op.tables[0].Each(func(r *state.Row) error {
		op.index(op.fkValue(r.Cols), r)
		return nil
	})
}

// fkLeft applies an update of the left table of a foreign-key join, as
// Kafka Streams' foreign-key join: a new row joins the right row of its
// foreign key (or NULLs for LEFT); an updated row of an INNER join that no
// longer finds one is deleted downstream; a deleted row is deleted.
func (op *joinOp) fkLeft(ctx context.Context, q *Query, p *pipeline, lrow []sdk.Value, rec *Record, ts int64, leftKey []sdk.Value, deleted bool) error {
	left := op.tables[0]
	old := left.Get(leftKey)
	if deleted {
		if old == nil {
			return nil
		}
		op.unindex(op.fkValue(old.Cols), old)
		left.Delete(leftKey)
		return op.emit(ctx, q, p, rec, ts, true, leftKey, nil)
	}
	fk := op.fkValue(lrow)
	if old != nil {
		op.unindex(op.fkValue(old.Cols), old)
	}
	row := left.Put(leftKey, lrow, ts)
	op.index(fk, row)
	var right *state.Row
	if !fk.Null {
		op.key[0] = fk
		right = op.tables[1].Get(op.key[:])
	}
	if right == nil && op.typ == sdk.JoinInner {
		if old == nil {
			return nil
		}
		return op.emit(ctx, q, p, rec, ts, true, leftKey, nil)
	}
	op.fill(p, 0, lrow)
	if right != nil {
		op.fill(p, 1, right.Cols)
	} else {
		op.fill(p, 1, nil)
	}
	p.opRow[op.rowtime] = sdk.BigInt(ts)
	return op.emit(ctx, q, p, rec, ts, false, leftKey, nil)
}

// fkRight applies an update of the right table of a foreign-key join: every
// left row referring to it is joined again (or, deleted, gets NULLs for
// LEFT and is deleted downstream for INNER), in left key order.
func (op *joinOp) fkRight(ctx context.Context, q *Query, p *pipeline, rrow []sdk.Value, rec *Record, ts int64, srcKey []sdk.Value, deleted bool) error {
	k := op.joinKey(rrow, 1, srcKey, true)
	op.key[0] = k
	if deleted {
		op.tables[1].Delete(op.key[:])
	} else {
		op.tables[1].Put(op.key[:], rrow, ts)
	}
	for _, l := range op.byFK[op.fkID(k)] {
		if deleted && op.typ == sdk.JoinInner {
			if err := op.emit(ctx, q, p, rec, ts, true, l.Key, nil); err != nil {
				return err
			}
			continue
		}
		op.fill(p, 0, l.Cols)
		if deleted {
			op.fill(p, 1, nil)
		} else {
			op.fill(p, 1, rrow)
		}
		p.opRow[op.rowtime] = sdk.BigInt(ts)
		if err := op.emit(ctx, q, p, rec, ts, false, l.Key, nil); err != nil {
			return err
		}
	}
	return nil
}

// rekeyed joins a result of the chain read back from the repartition topic
// (re-keyed by this join's LeftKey) with this join's right side.
func (op *joinOp) rekeyed(ctx context.Context, q *Query, p *pipeline, row []sdk.Value, rec *Record) error {
	k := row[op.keyCol[0]]
	if k.Type == sdk.TypeInt {
		k.Type = sdk.TypeBigInt
	}
	return op.side1(ctx, q, p, 0, row, k, rec, rec.Timestamp, false)
}
