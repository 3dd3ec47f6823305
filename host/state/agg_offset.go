package state

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/wasmstream/wasmstream/sdk"
)

// LATEST_BY_OFFSET(x, N), EARLIEST_BY_OFFSET(x, N) and ATTR(x). Their
// accumulators keep entries in Acc.L, as the ARRAY functions keep elements
// (see agg_array.go), Acc.N of them; an entry is two elements of the
// complex encoding: an integer (the value's sequence number for the
// *_BY_OFFSET functions, its count for ATTR), then the value. The integer
// is always 9 bytes (sdk.CxInt), so that it can be read and, for ATTR,
// rewritten in place.

// entryHead is the length of an entry's integer element.
const entryHead = 9

// entryInt returns the integer of the entry at l[i:].
func entryInt(l []byte, i int) int64 {
	return int64(binary.LittleEndian.Uint64(l[i+1:]))
}

// nextEntry returns the offset of the value of the entry at l[i:] and the
// offset past it, or -1, -1 when l holds no complete entry there.
func nextEntry(l []byte, i int) (val, end int) {
	if i+entryHead > len(l) || l[i] != sdk.CxInt {
		return -1, -1
	}
	val = i + entryHead
	if end = sdk.CxSkip(l, val); end < 0 {
		return -1, -1
	}
	return val, end
}

// newByOffsetN returns LATEST_BY_OFFSET(x, n) or EARLIEST_BY_OFFSET(x, n)
// (fn is one of the four *_BY_OFFSET functions) for an argument of type
// arg.
func newByOffsetN(fn string, n int64, arg sdk.Type) (Func, error) {
	if n <= 0 || n > math.MaxInt32 {
		return nil, fmt.Errorf("aggregate function %s: N must be an INT of at least 1, got %d", fn, n)
	}
	if !arg.IsKnown() {
		return nil, fmt.Errorf("aggregate function %s does not accept an argument of type %s", fn, arg)
	}
	return byOffsetN{
		n:         n,
		latest:    fn == sdk.AggLatestByOffset || fn == sdk.AggLatestByOffsetKeepNulls,
		keepNulls: fn == sdk.AggLatestByOffsetKeepNulls || fn == sdk.AggEarliestByOffsetKeepNulls,
	}, nil
}

// byOffsetN is LATEST_BY_OFFSET(x, N) or EARLIEST_BY_OFFSET(x, N), as
// ksqlDB's latestN and earliestN: an ARRAY of the last (first) N values in
// arrival order, NULLs skipped unless keepNulls. Each entry keeps its
// value's sequence number, so that merging two session accumulators
// orders their values as they arrived.
type byOffsetN struct {
	n         int64
	latest    bool
	keepNulls bool
}

func (b byOffsetN) Add(a *Acc, v sdk.Value, seq int64) {
	if (v.Null && !b.keepNulls) || (!b.latest && a.N >= b.n) {
		return
	}
	if a.N >= b.n {
		// The oldest goes: the others move to the front, in place (as
		// TOPK's Add, never Merge, writes a's bytes), so that a full
		// accumulator takes values without allocating.
		if _, end := nextEntry(a.L, 0); end > 0 {
			a.L = a.L[:copy(a.L, a.L[end:])]
			a.N--
		}
	}
	a.L = appendElem(sdk.CxAppendInt(a.L, seq), v)
	a.N++
}

// Remove cannot undo: ksqlDB's *_BY_OFFSET functions are not table
// aggregations.
func (byOffsetN) Remove(*Acc, sdk.Value) bool { return false }

// Merge interleaves both accumulators' entries by sequence number and
// keeps the first N (EARLIEST) or the last N (LATEST), as ksqlDB's merger
// sorts the concatenated lists by sequence.
func (b byOffsetN) Merge(a, o *Acc) {
	total := a.N + o.N
	skip := int64(0) // entries dropped from the front
	keep := total
	if total > b.n {
		keep = b.n
		if b.latest {
			skip = total - b.n
		}
	}
	// A fresh slice: a's bytes may be shared (see agg_array.go).
	out := make([]byte, 0, len(a.L)+len(o.L))
	i, j := 0, 0
	var n int64
	for taken := int64(0); taken < skip+keep; taken++ {
		_, ei := nextEntry(a.L, i)
		_, ej := nextEntry(o.L, j)
		if ei < 0 && ej < 0 {
			break // both exhausted: counts and bytes disagree
		}
		var e []byte
		switch {
		case ej < 0 || (ei > 0 && entryInt(a.L, i) <= entryInt(o.L, j)):
			e, i = a.L[i:ei], ei
		default:
			e, j = o.L[j:ej], ej
		}
		if taken >= skip {
			out = append(out, e...)
			n++
		}
	}
	a.L, a.N = out, n
}

// Result is the ARRAY of the kept values, without their sequence numbers.
func (byOffsetN) Result(a *Acc) sdk.Value {
	out := make([]byte, 0, 5+len(a.L)-int(a.N)*entryHead)
	out = sdk.CxAppendHeader(out, sdk.CxArray, int(a.N))
	for i := 0; i < len(a.L); {
		val, end := nextEntry(a.L, i)
		if end < 0 {
			break
		}
		out = append(out, a.L[val:end]...)
		i = end
	}
	return sdk.Value{Type: sdk.TypeArray, S: string(out)}
}

// attr is ATTR(x), as ksqlDB's Attr: each distinct value (NULL is one) is
// an entry with the count of its rows; the result is the value of the one
// entry whose count is above 0, or NULL when there are several (or none).
// Values are equal as Java's equals has them (see equalElems). A count
// never drops below 0, and an entry whose count reached 0 stays, as in
// ksqlDB.
type attr struct{ typ sdk.Type }

// find returns the offset of the entry of l whose value is e, or -1.
func (attr) find(l, e []byte) int {
	for i := 0; i < len(l); {
		val, end := nextEntry(l, i)
		if end < 0 {
			break
		}
		if equalElems(l[val:end], e) {
			return i
		}
		i = end
	}
	return -1
}

// count adds d to the count of the entry at l[i:], not below 0.
func (attr) count(l []byte, i int, d int64) {
	binary.LittleEndian.PutUint64(l[i+1:], uint64(max(0, entryInt(l, i)+d)))
}

func (t attr) Add(a *Acc, v sdk.Value, _ int64) {
	n := len(a.L)
	a.L = appendElem(sdk.CxAppendInt(a.L, 1), v)
	if at := t.find(a.L[:n], a.L[n+entryHead:]); at >= 0 {
		a.L = a.L[:n]
		t.count(a.L, at, 1)
		return
	}
	a.N++
}

// Remove undoes an Add: ATTR is a table aggregation in ksqlDB.
func (t attr) Remove(a *Acc, v sdk.Value) bool {
	n := len(a.L)
	a.L = appendElem(a.L, v)
	at := t.find(a.L[:n], a.L[n:])
	a.L = a.L[:n]
	if at >= 0 {
		t.count(a.L, at, -1)
	}
	return true
}

// Merge adds o's counts into a's entries, as ksqlDB's merger: an entry
// of o that a lacks is added when its count is above 0.
func (t attr) Merge(a, o *Acc) {
	// A fresh slice: a's bytes may be shared (see agg_array.go).
	out := make([]byte, len(a.L), len(a.L)+len(o.L))
	copy(out, a.L)
	for j := 0; j < len(o.L); {
		val, end := nextEntry(o.L, j)
		if end < 0 {
			break
		}
		c := entryInt(o.L, j)
		if at := t.find(out, o.L[val:end]); at >= 0 {
			t.count(out, at, c)
		} else if c > 0 {
			out = append(out, o.L[j:end]...)
			a.N++
		}
		j = end
	}
	a.L = out
}

func (t attr) Result(a *Acc) sdk.Value {
	var one []byte
	for i := 0; i < len(a.L); {
		val, end := nextEntry(a.L, i)
		if end < 0 {
			break
		}
		if entryInt(a.L, i) > 0 {
			if one != nil {
				return sdk.Null(t.typ)
			}
			one = a.L[val:end]
		}
		i = end
	}
	if one == nil {
		return sdk.Null(t.typ)
	}
	return elemValue(t.typ, one)
}

// elemValue is the value of type t an element encodes: appendElem's
// inverse.
func elemValue(t sdk.Type, e []byte) sdk.Value {
	switch {
	case e[0] == sdk.CxNull:
		return sdk.Null(t)
	case t.IsComplex():
		return sdk.Value{Type: t, S: string(e)}
	case t == sdk.TypeDouble:
		f, _ := sdk.CxFloat64(e)
		return sdk.Double(f)
	case t == sdk.TypeString || t == sdk.TypeBytes:
		s, _ := sdk.CxStr(e)
		return sdk.Value{Type: t, S: string(s)}
	}
	i, _ := sdk.CxInt64(e) // BOOLEAN as 0 or 1, INT, BIGINT, DECIMAL (unscaled) ...
	return sdk.Value{Type: t, I: i}
}
