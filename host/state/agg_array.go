package state

import (
	"bytes"
	"fmt"
	"math"

	"github.com/wasmstream/wasmstream/sdk"
)

// The aggregate functions whose result is an ARRAY: TOPK, TOPKDISTINCT,
// COLLECT_LIST and COLLECT_SET. Their accumulator keeps the array's
// elements in Acc.L, in the complex encoding, and their count in Acc.N, so
// that any element type (scalars, DECIMAL, BYTES and complex values, which
// arrive already encoded) is kept the same way, a snapshot holds one byte
// string per accumulator, and Result only prepends the array header.
//
// Merge never writes into a's existing bytes: when session windows merge,
// the executor's copy of an accumulator may share them with a session it
// keeps.

// newArrayFunc returns the accumulator of TOPK, TOPKDISTINCT, COLLECT_LIST
// or COLLECT_SET for an argument of type arg, with its parameters: k for
// TOPK and TOPKDISTINCT, the element limit for COLLECT_LIST and
// COLLECT_SET.
func newArrayFunc(fn string, params []int64, arg sdk.Type) (Func, error) {
	if len(params) != 1 {
		return nil, fmt.Errorf("aggregate function %s takes 1 parameter, got %d", fn, len(params))
	}
	n := params[0]
	switch fn {
	case sdk.AggTopK, sdk.AggTopKDistinct:
		if n <= 0 || n > math.MaxInt32 {
			return nil, fmt.Errorf("aggregate function %s: k must be a positive INT, got %d", fn, n)
		}
		if !sortable(arg) && !(fn == sdk.AggTopK && arg == sdk.TypeStruct) {
			return nil, fmt.Errorf("aggregate function %s does not accept an argument of type %s", fn, arg)
		}
		return topK{k: n, distinct: fn == sdk.AggTopKDistinct}, nil
	default:
		if n < 0 || n > math.MaxInt32 {
			return nil, fmt.Errorf("aggregate function %s: the element limit must be an INT of at least 0, got %d", fn, n)
		}
		if !arg.IsKnown() || arg == sdk.TypeUnknown {
			return nil, fmt.Errorf("aggregate function %s does not accept an argument of type %s", fn, arg)
		}
		return collect{limit: n, set: fn == sdk.AggCollectSet}, nil
	}
}

// sortable reports whether TOPK orders values of type t.
func sortable(t sdk.Type) bool {
	return t == sdk.TypeInt || t == sdk.TypeBigInt || t == sdk.TypeDouble || t == sdk.TypeString || t.IsDecimal()
}

// collect is COLLECT_LIST (every value, NULLs included, in arrival order)
// or COLLECT_SET (the distinct values, in order of first arrival), as
// ksqlDB's CollectListUdaf and CollectSetUdaf: values beyond limit are
// ignored.
type collect struct {
	limit int64
	set   bool
}

func (c collect) Add(a *Acc, v sdk.Value, _ int64) {
	if a.N >= c.limit {
		return
	}
	n := len(a.L)
	a.L = appendElem(a.L, v)
	if c.set && findElem(a.L[:n], a.L[n:], false) >= 0 {
		a.L = a.L[:n]
		return
	}
	a.N++
}

// Remove undoes COLLECT_LIST's Add as ksqlDB does: it removes the last
// element equal to v (none if the limit dropped v). COLLECT_SET cannot
// undo (ksqlDB refuses it on a table source).
func (c collect) Remove(a *Acc, v sdk.Value) bool {
	if c.set {
		return false
	}
	n := len(a.L)
	a.L = appendElem(a.L, v)
	at := findElem(a.L[:n], a.L[n:], true)
	a.L = a.L[:n]
	if at >= 0 {
		end := sdk.CxSkip(a.L, at)
		a.L = append(a.L[:at], a.L[end:]...)
		a.N--
	}
	return true
}

func (c collect) Merge(a, b *Acc) {
	// A fresh slice: a's bytes may be shared (see above).
	out := make([]byte, len(a.L), len(a.L)+len(b.L))
	copy(out, a.L)
	for i := 0; i < len(b.L) && a.N < c.limit; {
		end := sdk.CxSkip(b.L, i)
		if end < 0 {
			break
		}
		e := b.L[i:end]
		i = end
		if c.set && findElem(out, e, false) >= 0 {
			continue
		}
		out = append(out, e...)
		a.N++
	}
	a.L = out
}

func (collect) Result(a *Acc) sdk.Value { return arrayOf(a) }

// topK is TOPK (the k largest values, largest first) or TOPKDISTINCT
// (the k largest distinct values), as ksqlDB's TopkKudaf and
// TopkDistinctKudaf: NULLs are ignored, and among equal values the one
// that came first stays first. A STRUCT argument (TOPK(x, y, ..., k))
// orders by its first field and is ignored when that field is NULL.
type topK struct {
	k        int64
	distinct bool
}

func (t topK) Add(a *Acc, v sdk.Value, _ int64) {
	if v.Null {
		return
	}
	n := len(a.L)
	a.L = appendElem(a.L, v)
	e := a.L[n:]
	if sortKey(e)[0] == sdk.CxNull {
		a.L = a.L[:n]
		return
	}
	last := -1
	if a.N > 0 {
		last = lastElem(a.L[:n])
	}
	if a.N == t.k && compareElems(e, a.L[last:n]) <= 0 {
		a.L = a.L[:n]
		return
	}
	if t.distinct && findElem(a.L[:n], e, false) >= 0 {
		a.L = a.L[:n]
		return
	}
	if a.N == t.k {
		// The new value displaces the smallest.
		copy(a.L[last:], e)
		a.L = a.L[:last+len(e)]
		n = last
		e = a.L[n:]
	} else {
		a.N++
	}
	// Insert after every element not smaller (stable, as Java's sort of
	// the list with the new value at its end).
	at := 0
	for at < n {
		end := sdk.CxSkip(a.L, at)
		if end < 0 || end > n || compareElems(a.L[at:end], e) < 0 {
			break
		}
		at = end
	}
	rotate(a.L[at:], len(e))
}

// Remove cannot undo: ksqlDB refuses TOPK on a table source.
func (topK) Remove(*Acc, sdk.Value) bool { return false }

// Merge takes the k largest of both, as ksqlDB's merger: a's first among
// equals; TOPKDISTINCT keeps one of equal values.
func (t topK) Merge(a, b *Acc) {
	out := make([]byte, 0, len(a.L)+len(b.L))
	i, j := 0, 0
	var n int64
	for n < t.k {
		var x, y []byte
		if i < len(a.L) {
			if end := sdk.CxSkip(a.L, i); end > 0 {
				x = a.L[i:end]
			}
		}
		if j < len(b.L) {
			if end := sdk.CxSkip(b.L, j); end > 0 {
				y = b.L[j:end]
			}
		}
		switch {
		case x == nil && y == nil:
			a.L, a.N = out, n
			return
		case y == nil:
			out, i = append(out, x...), i+len(x)
		case x == nil:
			out, j = append(out, y...), j+len(y)
		default:
			c := compareElems(x, y)
			switch {
			case c > 0 || (c == 0 && !t.distinct):
				out, i = append(out, x...), i+len(x)
			case c < 0:
				out, j = append(out, y...), j+len(y)
			default:
				out, i, j = append(out, x...), i+len(x), j+len(y)
			}
		}
		n++
	}
	a.L, a.N = out, n
}

func (topK) Result(a *Acc) sdk.Value { return arrayOf(a) }

// arrayOf returns the ARRAY an accumulator's elements make.
func arrayOf(a *Acc) sdk.Value {
	b := make([]byte, 0, 5+len(a.L))
	b = sdk.CxAppendHeader(b, sdk.CxArray, int(a.N))
	b = append(b, a.L...)
	return sdk.Value{Type: sdk.TypeArray, S: string(b)}
}

// appendElem appends v as an element of the complex encoding. A complex
// value is one already.
func appendElem(dst []byte, v sdk.Value) []byte {
	switch {
	case v.Null:
		return append(dst, sdk.CxNull)
	case v.Type == sdk.TypeBoolean:
		return sdk.CxAppendBool(dst, v.Bool())
	case v.Type == sdk.TypeDouble:
		return sdk.CxAppendDouble(dst, v.F)
	case v.Type == sdk.TypeString || v.Type == sdk.TypeBytes:
		return sdk.CxAppendString(dst, v.S)
	case v.Type.IsComplex():
		return append(dst, v.S...)
	}
	return sdk.CxAppendInt(dst, v.I) // INT, BIGINT, DECIMAL (unscaled)
}

// lastElem returns the offset of the last element of l.
func lastElem(l []byte) int {
	at := 0
	for i := 0; i < len(l); {
		end := sdk.CxSkip(l, i)
		if end < 0 {
			break
		}
		at, i = i, end
	}
	return at
}

// findElem returns the offset of the first (or, if last, the last)
// element of l equal to e as Java's equals finds it, or -1.
func findElem(l, e []byte, last bool) int {
	found := -1
	for i := 0; i < len(l); {
		end := sdk.CxSkip(l, i)
		if end < 0 {
			break
		}
		if equalElems(l[i:end], e) {
			found = i
			if !last {
				return found
			}
		}
		i = end
	}
	return found
}

// equalElems reports whether two encoded elements are equal values as
// Java's equals has them: maps equal whatever the order of their entries,
// doubles by their bits with every NaN one value.
func equalElems(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || x[0] != y[0] {
		return false
	}
	switch x[0] {
	case sdk.CxDouble:
		f, _ := sdk.CxFloat64(x)
		g, _ := sdk.CxFloat64(y)
		return javaDoubleBits(f) == javaDoubleBits(g)
	case sdk.CxArray, sdk.CxStruct:
		_, n, i, ok := sdk.CxCount(x)
		_, m, j, ok2 := sdk.CxCount(y)
		if !ok || !ok2 || n != m {
			return false
		}
		for ; n > 0; n-- {
			ei, ej := sdk.CxSkip(x, i), sdk.CxSkip(y, j)
			if ei < 0 || ej < 0 || !equalElems(x[i:ei], y[j:ej]) {
				return false
			}
			i, j = ei, ej
		}
		return true
	case sdk.CxMap:
		return equalMaps(x, y)
	}
	return bytes.Equal(x, y)
}

// equalMaps compares two map elements entry by entry, in any order (keys
// are unique within a map).
func equalMaps(x, y []byte) bool {
	_, n, i, ok := sdk.CxCount(x)
	_, m, first, ok2 := sdk.CxCount(y)
	if !ok || !ok2 || n != m {
		return false
	}
	for ; n > 0; n-- {
		kEnd := sdk.CxSkip(x, i)
		vEnd := sdk.CxSkip(x, kEnd)
		if kEnd < 0 || vEnd < 0 {
			return false
		}
		k, v := x[i:kEnd], x[kEnd:vEnd]
		i = vEnd
		found := false
		for c, j := m, first; c > 0 && !found; c-- {
			kj := sdk.CxSkip(y, j)
			vj := sdk.CxSkip(y, kj)
			if kj < 0 || vj < 0 {
				return false
			}
			if equalElems(y[j:kj], k) {
				if !equalElems(y[kj:vj], v) {
					return false
				}
				found = true
			}
			j = vj
		}
		if !found {
			return false
		}
	}
	return true
}

// sortKey returns the element TOPK orders e by: e itself, or the first
// field of a STRUCT (a CxNull element when it has none).
func sortKey(e []byte) []byte {
	if e[0] != sdk.CxStruct {
		return e
	}
	_, n, first, ok := sdk.CxCount(e)
	if !ok || n == 0 {
		return []byte{sdk.CxNull}
	}
	end := sdk.CxSkip(e, first)
	if end < 0 {
		return []byte{sdk.CxNull}
	}
	return e[first:end]
}

// compareElems orders two elements by their sort keys as Java's compareTo:
// integers (and DECIMAL's unscaled values, of one scale) numerically,
// doubles as Double.compareTo (-0.0 below 0.0, NaN above everything),
// strings by their UTF-8 bytes (Java compares UTF-16 units: the orders
// differ only between characters above U+FFFF and U+E000..U+FFFF).
func compareElems(x, y []byte) int {
	x, y = sortKey(x), sortKey(y)
	switch x[0] {
	case sdk.CxInt:
		a, _ := sdk.CxInt64(x)
		b, _ := sdk.CxInt64(y)
		return cmpInt(a, b)
	case sdk.CxDouble:
		a, _ := sdk.CxFloat64(x)
		b, _ := sdk.CxFloat64(y)
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return cmpInt(javaDoubleBits(a), javaDoubleBits(b))
	case sdk.CxString:
		a, _ := sdk.CxStr(x)
		b, _ := sdk.CxStr(y)
		return bytes.Compare(a, b)
	}
	return bytes.Compare(x, y)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// javaDoubleBits is Java's Double.doubleToLongBits: the bits, with every
// NaN the canonical one.
func javaDoubleBits(f float64) int64 {
	if math.IsNaN(f) {
		return 0x7ff8000000000000
	}
	return int64(math.Float64bits(f))
}

// rotate moves the last k bytes of b to its front, in place.
func rotate(b []byte, k int) {
	if k <= 0 || k >= len(b) {
		return
	}
	m := len(b) - k
	reverse(b[:m])
	reverse(b[m:])
	reverse(b)
}

func reverse(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}
