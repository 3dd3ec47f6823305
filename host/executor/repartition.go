package executor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/sdk"
)

// Repartitioning: when an operator's key is not a source's Kafka key (GROUP
// BY a value column, a join on one), the rows of that input go through the
// query's repartition topic, keyed by the operator key and partitioned as
// Kafka's default partitioner would (murmur2 of the key bytes), so each key
// reaches one task on whichever instance owns that partition. The query
// reads the topic back like a source (Process accepts its records) and
// applies them in the task of their partition.
//
// A record of the topic:
//
//	key:       the operator key: for a join, encoded as the key of a side
//	           that is not repartitioned (so the rows meet that side's
//	           partition), else in the encoding below
//	value:     version (1), change kind, input index (uvarint), values
//	timestamp: the row's time (ROWTIME, or its TIMESTAMP column)
//
// Values: a count (uvarint), then per value a type byte (sdk.Type; with
// 0x80 set for NULL, then nothing more), then DOUBLE as 8 bytes big-endian,
// STRING, BYTES and complex values as a uvarint length and bytes, every
// other type as a zig-zag varint.

// repartitionVersion is the first byte of every value the query writes.
const repartitionVersion = 1

// changeJoinRow marks a row of a join's input (the aggregation's changes
// are changeAdd etc.); changeChainRow a join result re-keyed for the next
// join of a chain (its input number is chainInput(step)).
const (
	changeJoinRow  = 16
	changeChainRow = 17
)

// chainInput is the input number of the rows re-keyed for the chained join
// of the given step: after the sources' and the between stage's.
func (p *pipeline) chainInput(step int) int { return len(p.inputs) + 1 + step }

// RepartitionTopic is where a stateful query writes the rows of its
// repartitioned inputs (see sdk.InputStep.Repartition).
type RepartitionTopic struct {
	// Name is the internal topic, e.g. ksqlDB's
	// _confluent-ksql-<service id>query_<query id>-Aggregate-GroupBy-repartition.
	Name string
	// Partitions is the topic's partition count.
	Partitions int
}

// repartition writes and reads a query's repartition topic.
type repartition struct {
	topic      string
	partitions int32
	// joinKey encodes a repartitioned source's join key as the key of a
	// side that is not repartitioned; chainKeys, per chained join that
	// re-keys the result, as its right side's key (nil: the values
	// encoding).
	joinKey   *keyEncoder
	chainKeys map[int]*keyEncoder
	keyBuf    []byte
	valBuf    []byte
	out       Record
	vals      []sdk.Value // decoding scratch
}

// newRepartition prepares the repartition of a pipeline's inputs, or
// returns nil when no input needs one.
func newRepartition(q *Query, p *pipeline, cfg RepartitionTopic) (*repartition, error) {
	need := p.between != nil && p.between.in.repartition
	for _, pi := range p.inputs {
		need = need || pi.repartition
	}
	for j := q.man.Pipeline.Operator.Join; j != nil && !p.single; j = j.Next {
		need = need || j.RepartitionLeft
	}
	if !need {
		return nil, nil
	}
	if cfg.Name == "" || cfg.Partitions <= 0 {
		return nil, fmt.Errorf("query %s: its GROUP BY or join key is not its source's key, so it repartitions, but it was given no repartition topic", q.id)
	}
	r := &repartition{topic: cfg.Name, partitions: int32(cfg.Partitions), chainKeys: map[int]*keyEncoder{}}
	j := q.man.Pipeline.Operator.Join
	if j == nil {
		return r, nil
	}
	// Join rows must land in the partition where the other side's rows
	// with that key are: encode the key as that side does.
	for i, pi := range p.inputs {
		if pi.repartition {
			continue
		}
		enc, err := newKeyEncoder(q, p, i)
		if err != nil {
			return nil, err
		}
		if enc != nil {
			r.joinKey = enc
			break
		}
	}
	for step := 0; j != nil; j, step = j.Next, step+1 {
		if j.RepartitionLeft {
			enc, err := newKeyEncoder(q, p, j.Right)
			if err != nil {
				return nil, err
			}
			r.chainKeys[step] = enc
		}
	}
	return r, nil
}

// keyEncoder encodes a key value as an input's single key column is
// encoded on its topic.
type keyEncoder struct {
	serde serde.Serde
	typ   sdk.Type
	one   [1]sdk.Value
}

// newKeyEncoder returns the key encoder of input in, nil when its key is
// not a single column.
func newKeyEncoder(q *Query, p *pipeline, in int) (*keyEncoder, error) {
	keys := p.inputs[in].q.keySerde.Columns()
	if len(keys) != 1 {
		return nil, nil
	}
	ks, err := serde.NewKey(&q.man.Sources[q.man.Pipeline.Inputs[in].Source])
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.id, err)
	}
	return &keyEncoder{serde: ks, typ: keys[0].Type}, nil
}

// produce writes one change of input in to the repartition topic: its
// partition follows partKey (encoded by enc, or in the values encoding when
// enc is nil), its value holds vals. rec is the source record (for
// errors).
func (r *repartition) produce(ctx context.Context, q *Query, rec *Record, kind, in int, ts int64, enc *keyEncoder, partKey []sdk.Value, vals ...[]sdk.Value) error {
	var err error
	r.keyBuf = r.keyBuf[:0]
	if enc != nil && len(partKey) == 1 {
		enc.one[0] = convert(partKey[0], enc.typ)
		if r.keyBuf, err = enc.serde.Encode(r.keyBuf, enc.one[:]); err != nil {
			return fmt.Errorf("query %s: encode the repartition key: %w", q.id, err)
		}
	} else {
		r.keyBuf = appendValues(r.keyBuf, partKey)
	}
	v := append(r.valBuf[:0], repartitionVersion, byte(kind))
	v = binary.AppendUvarint(v, uint64(in))
	n := 0
	for _, vs := range vals {
		n += len(vs)
	}
	v = binary.AppendUvarint(v, uint64(n))
	for _, vs := range vals {
		v = appendValueList(v, vs)
	}
	r.valBuf = v
	r.out = Record{Topic: r.topic, Partition: int32(toPositive(murmur2(r.keyBuf)) % uint32(r.partitions)),
		Key: r.keyBuf, Value: r.valBuf, Timestamp: ts}
	if err := q.out.Produce(ctx, &r.out); err != nil {
		return &QueryError{Query: q.id, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
			Err: fmt.Errorf("write to the repartition topic %s: %w", r.topic, err)}
	}
	return nil
}

// decode reads a repartition record's value. The values' strings are views
// of b, valid while the record is.
func (r *repartition) decode(b []byte) (kind, in int, vals []sdk.Value, err error) {
	if len(b) < 2 || b[0] != repartitionVersion {
		return 0, 0, nil, errors.New("not a repartition record of this version")
	}
	kind = int(b[1])
	b = b[2:]
	u, n := binary.Uvarint(b)
	if n <= 0 || u > math.MaxInt32 {
		return 0, 0, nil, errors.New("bad input index")
	}
	in = int(u)
	b = b[n:]
	r.vals, err = decodeValues(b, r.vals[:0])
	return kind, in, r.vals, err
}

// appendValues appends a count and values.
func appendValues(dst []byte, vals []sdk.Value) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(vals)))
	return appendValueList(dst, vals)
}

// appendValueList appends values without their count.
func appendValueList(dst []byte, vals []sdk.Value) []byte {
	for _, v := range vals {
		if v.Null {
			dst = append(dst, byte(v.Type)|0x80)
			continue
		}
		dst = append(dst, byte(v.Type))
		switch {
		case v.Type == sdk.TypeDouble:
			dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(v.F))
		case v.Type.IsVarLen():
			dst = binary.AppendUvarint(dst, uint64(len(v.S)))
			dst = append(dst, v.S...)
		default:
			dst = binary.AppendVarint(dst, v.I)
		}
	}
	return dst
}

// decodeValues reads what appendValues wrote, appending to dst.
func decodeValues(b []byte, dst []sdk.Value) ([]sdk.Value, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return dst, errors.New("bad value count")
	}
	b = b[n:]
	for range count {
		if len(b) == 0 {
			return dst, errors.New("truncated values")
		}
		t := b[0]
		b = b[1:]
		v := sdk.Value{Type: sdk.Type(t &^ 0x80)}
		if t&0x80 != 0 {
			v.Null = true
			dst = append(dst, v)
			continue
		}
		switch {
		case v.Type == sdk.TypeDouble:
			if len(b) < 8 {
				return dst, errors.New("truncated DOUBLE")
			}
			v.F = math.Float64frombits(binary.BigEndian.Uint64(b))
			b = b[8:]
		case v.Type.IsVarLen():
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return dst, errors.New("truncated string")
			}
			if l > 0 {
				v.S = unsafe.String(&b[n], int(l))
			}
			b = b[n+int(l):]
		default:
			i, n := binary.Varint(b)
			if n <= 0 {
				return dst, errors.New("truncated integer")
			}
			v.I = i
			b = b[n:]
		}
		dst = append(dst, v)
	}
	if len(b) != 0 {
		return dst, errors.New("trailing bytes")
	}
	return dst, nil
}

// processRepartitioned applies records of the repartition topic, each in
// the task of its partition.
func (p *pipeline) processRepartitioned(ctx context.Context, q *Query, recs []Record) error {
	for i := range recs {
		rec := &recs[i]
		kind, in, vals, err := p.rep.decode(rec.Value)
		if err == nil && !p.repartitioned(in) {
			err = fmt.Errorf("input %d is not repartitioned", in)
		}
		if err != nil {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogDeserialization, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: fmt.Sprintf("bad repartition record: %v", err)})
			continue
		}
		if err := p.enterTask(q, rec.Partition); err != nil {
			return err
		}
		var bad string
		switch {
		case kind == changeChainRow && p.join != nil:
			n := p.join
			for step := in - len(p.inputs) - 1; step > 0 && n != nil; step-- {
				n = n.next
			}
			if n == nil || !n.repartitionLeft {
				bad = fmt.Sprintf("no join of the chain takes re-keyed rows of input %d", in)
				break
			}
			if bad = mismatch(vals, n.off[1], func(j int) sdk.Type { return p.opCols[j].Type }); bad != "" {
				break
			}
			err = n.rekeyed(ctx, q, p, vals, rec)
		case kind == changeJoinRow && p.join != nil:
			pi := p.inputs[in]
			if bad = mismatch(vals, len(pi.cols), func(j int) sdk.Type { return pi.cols[j].Type }); bad != "" {
				break
			}
			copy(pi.row, vals)
			err = p.joinInput(ctx, q, in, rec, rowMeta{rec: i, rowtime: rec.Timestamp}, nil, false)
		case kind != changeJoinRow && p.agg != nil && in == p.aggPlan.index:
			pl := p.aggPlan
			nk := len(pl.key)
			if bad = mismatch(vals, nk+len(pl.argv), func(j int) sdk.Type {
				if j < nk {
					return pl.in.cols[pl.groupBy[j]].Type
				}
				return pl.argType[j-nk]
			}); bad != "" {
				break
			}
			err = p.agg.apply(ctx, q, p, rec, kind, vals[:nk], vals[nk:], rec.Timestamp)
		default:
			bad = fmt.Sprintf("change kind %d does not fit the operator", kind)
		}
		if err != nil {
			return err
		}
		if bad != "" {
			q.log.Log(ctx, LogEntry{Query: q.id, Kind: LogDeserialization, Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset,
				Reason: "bad repartition record: " + bad})
		}
	}
	return p.flush(ctx, q)
}

// repartitioned reports whether repartition records of input in are
// expected: a repartitioned source, or the between stage.
func (p *pipeline) repartitioned(in int) bool {
	if in >= 0 && in < len(p.inputs) {
		return p.inputs[in].repartition
	}
	if p.between != nil && in == len(p.inputs) {
		return p.between.in.repartition
	}
	_, ok := p.rep.chainKeys[in-len(p.inputs)-1]
	return ok
}

// mismatch says how a repartition record's values differ from the n
// columns of the given types the query wrote there ("" when they fit): the
// topic is read back from Kafka, where anything may have been written.
func mismatch(vals []sdk.Value, n int, typ func(int) sdk.Type) string {
	if len(vals) != n {
		return fmt.Sprintf("%d values for %d columns", len(vals), n)
	}
	for j, v := range vals {
		if t := typ(j); v.Type != t {
			return fmt.Sprintf("value %d is of type %d, not %d", j, v.Type, t)
		}
	}
	return ""
}
