package state

import (
	"fmt"
	"math"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
)

// Acc is the state of one aggregate function call for one group (and
// window). It is a plain value so that a group's accumulators are one slice
// and updating them allocates nothing; which fields are used depends on the
// function. The zero Acc is the initial state of every function.
type Acc struct {
	// N counts rows (COUNT_STAR) or non-NULL values (COUNT, AVG).
	N int64 `msgpack:"n,omitempty"`
	// I holds an integer sum, minimum, maximum or kept value; F the DOUBLE
	// equivalent; S a STRING minimum, maximum or kept value.
	I int64   `msgpack:"i,omitempty"`
	F float64 `msgpack:"f,omitempty"`
	S string  `msgpack:"s,omitempty"`
	// Seq is the sequence number of the kept value (LATEST_BY_OFFSET,
	// EARLIEST_BY_OFFSET), so that merging two session accumulators keeps
	// the later (earlier) one.
	Seq int64 `msgpack:"seq,omitempty"`
	// L holds the elements of an ARRAY result (TOPK, TOPKDISTINCT,
	// COLLECT_LIST, COLLECT_SET), N of them, one after another in the
	// complex encoding (sdk.CxAppendInt ...), so that the result is a
	// header away; or N entries of LATEST_BY_OFFSET(x, N),
	// EARLIEST_BY_OFFSET(x, N) and ATTR (see agg_offset.go). These
	// functions allocate as their arrays grow.
	L []byte `msgpack:"l,omitempty"`
	// The flags come last, together, so that an Acc is 80 bytes, not 96:
	// every live window holds one per aggregate call.

	// Set says a value was kept (MIN, MAX, LATEST_BY_OFFSET,
	// EARLIEST_BY_OFFSET): before the first non-NULL value the result is
	// NULL.
	Set bool `msgpack:"set,omitempty"`
	// IsNull says the kept value is NULL (*_BY_OFFSET_KEEP_NULLS).
	IsNull bool `msgpack:"z,omitempty"`
	// Overflow says a DECIMAL sum exceeded its precision: ksqlDB fails
	// the query (see Failer).
	Overflow bool `msgpack:"o,omitempty"`
}

// Func is an aggregate function: how an accumulator starts (the zero Acc),
// takes a value (Add), gives one back (Remove, for aggregations over a
// table, where an updated row first subtracts its old value), combines with
// another (Merge, when session windows merge) and yields its result.
type Func interface {
	// Add folds one argument value into a. seq orders the adds (it grows
	// with each input record), for the *_BY_OFFSET functions.
	Add(a *Acc, v sdk.Value, seq int64)
	// Remove undoes Add of v. It returns false when the function cannot
	// undo (ksqlDB refuses such functions on a table source).
	Remove(a *Acc, v sdk.Value) bool
	// Merge folds b into a.
	Merge(a, b *Acc)
	// Result is the aggregate's current value.
	Result(a *Acc) sdk.Value
}

// Failer is implemented by the functions whose Add can fail, as ksqlDB's
// UDAF throws: SUM of a DECIMAL whose result no longer fits its precision.
// After Add the caller asks Failed and, on an error, stops the query as
// ksqlDB does.
type Failer interface {
	// Failed returns the error that an Add into a caused, or nil.
	Failed(a *Acc) error
}

// NewCall returns the accumulator functions of one aggregate call of a
// manifest, whose (first) argument has type arg (sdk.TypeUnknown for none).
// The executor builds every accumulator through it, so that a call's
// literal parameters (c.Params) reach the function.
func NewCall(c sdk.AggregateCall, arg sdk.Type) (Func, error) {
	switch c.Func {
	case sdk.AggTopK, sdk.AggTopKDistinct, sdk.AggCollectList, sdk.AggCollectSet:
		return newArrayFunc(c.Func, c.Params, arg)
	case sdk.AggLatestByOffset, sdk.AggEarliestByOffset, sdk.AggLatestByOffsetKeepNulls, sdk.AggEarliestByOffsetKeepNulls:
		switch len(c.Params) {
		case 0:
		case 1:
			// (x, N): an ARRAY of N values.
			return newByOffsetN(c.Func, c.Params[0], arg)
		default:
			return nil, fmt.Errorf("aggregate function %s takes at most 1 parameter, got %d", c.Func, len(c.Params))
		}
	case sdk.AggSumList:
		// The argument is an ARRAY; the result has its element type.
		if arg != sdk.TypeArray || !c.Result.Type.IsNumeric() || len(c.Params) > 0 {
			return nil, fmt.Errorf("aggregate function %s does not accept an argument of type %s giving %s", c.Func, arg, c.Result.Type)
		}
		return sumList{typ: c.Result.Type}, nil
	}
	if len(c.Params) > 0 {
		return nil, fmt.Errorf("aggregate function %s takes no parameters, got %d", c.Func, len(c.Params))
	}
	f, _, err := NewFunc(c.Func, arg)
	return f, err
}

// NewFunc returns the accumulator functions of aggregate fn (one of the
// sdk.Agg* names) for an argument of type arg (ignored by COUNT_STAR), and
// the result type, following ksqlDB: COUNT and COUNT_STAR give BIGINT, SUM
// the argument's type, AVG DOUBLE, the others the argument's type. The
// functions with literal parameters (TOPK, COLLECT_LIST,
// LATEST_BY_OFFSET(x, N) ...) are built by NewCall.
func NewFunc(fn string, arg sdk.Type) (Func, sdk.Type, error) {
	switch fn {
	case sdk.AggCountStar:
		return countStar{}, sdk.TypeBigInt, nil
	case sdk.AggCount:
		return count{}, sdk.TypeBigInt, nil
	case sdk.AggSum:
		switch arg {
		case sdk.TypeInt, sdk.TypeBigInt:
			return sumInt{typ: arg}, arg, nil
		case sdk.TypeDouble:
			return sumDouble{}, arg, nil
		}
		if arg.IsDecimal() {
			return sumDecimal{typ: arg}, arg, nil
		}
	case sdk.AggAvg:
		if arg.IsNumeric() {
			return avg{}, sdk.TypeDouble, nil
		}
	case sdk.AggMin, sdk.AggMax:
		if arg.IsNumeric() || arg.IsDecimal() || arg == sdk.TypeString || arg == sdk.TypeBoolean {
			// A DECIMAL compares by its unscaled value: one type, one scale.
			return minMax{typ: arg, max: fn == sdk.AggMax}, arg, nil
		}
	case sdk.AggLatestByOffset, sdk.AggEarliestByOffset, sdk.AggLatestByOffsetKeepNulls, sdk.AggEarliestByOffsetKeepNulls:
		if arg != sdk.TypeUnknown {
			latest := fn == sdk.AggLatestByOffset || fn == sdk.AggLatestByOffsetKeepNulls
			keep := fn == sdk.AggLatestByOffsetKeepNulls || fn == sdk.AggEarliestByOffsetKeepNulls
			return byOffset{typ: arg, latest: latest, keepNulls: keep}, arg, nil
		}
	case sdk.AggAttr:
		if arg.IsKnown() {
			return attr{typ: arg}, arg, nil
		}
	case sdk.AggTopK, sdk.AggTopKDistinct, sdk.AggCollectList, sdk.AggCollectSet:
		return nil, sdk.TypeUnknown, fmt.Errorf("aggregate function %s has parameters: build it with NewCall", fn)
	default:
		return nil, sdk.TypeUnknown, fmt.Errorf("unknown aggregate function %s", fn)
	}
	return nil, sdk.TypeUnknown, fmt.Errorf("aggregate function %s does not accept an argument of type %s", fn, arg)
}

// countStar is COUNT(*) (and COUNT of a literal): rows.
type countStar struct{}

func (countStar) Add(a *Acc, _ sdk.Value, _ int64) { a.N++ }
func (countStar) Remove(a *Acc, _ sdk.Value) bool  { a.N--; return true }
func (countStar) Merge(a, b *Acc)                  { a.N += b.N }
func (countStar) Result(a *Acc) sdk.Value          { return sdk.BigInt(a.N) }

// count is COUNT(col): non-NULL values.
type count struct{}

func (count) Add(a *Acc, v sdk.Value, _ int64) {
	if !v.Null {
		a.N++
	}
}

func (count) Remove(a *Acc, v sdk.Value) bool {
	if !v.Null {
		a.N--
	}
	return true
}
func (count) Merge(a, b *Acc)         { a.N += b.N }
func (count) Result(a *Acc) sdk.Value { return sdk.BigInt(a.N) }

// sumInt is SUM of INT or BIGINT. As ksqlDB's, it starts at 0 and ignores
// NULLs, so its result is never NULL; INT sums wrap as Java ints do.
type sumInt struct{ typ sdk.Type }

func (s sumInt) Add(a *Acc, v sdk.Value, _ int64) {
	if !v.Null {
		a.I = s.wrap(a.I + intOf(v))
	}
}

func (s sumInt) Remove(a *Acc, v sdk.Value) bool {
	if !v.Null {
		a.I = s.wrap(a.I - intOf(v))
	}
	return true
}
func (s sumInt) Merge(a, b *Acc) { a.I = s.wrap(a.I + b.I) }
func (s sumInt) Result(a *Acc) sdk.Value {
	return sdk.Value{Type: s.typ, I: a.I}
}

func (s sumInt) wrap(i int64) int64 {
	if s.typ == sdk.TypeInt {
		return int64(int32(i))
	}
	return i
}

// sumDouble is SUM of DOUBLE: starts at 0.0, ignores NULLs.
type sumDouble struct{}

func (sumDouble) Add(a *Acc, v sdk.Value, _ int64) {
	if !v.Null {
		a.F += floatOf(v)
	}
}

func (sumDouble) Remove(a *Acc, v sdk.Value) bool {
	if !v.Null {
		a.F -= floatOf(v)
	}
	return true
}
func (sumDouble) Merge(a, b *Acc)         { a.F += b.F }
func (sumDouble) Result(a *Acc) sdk.Value { return sdk.Double(a.F) }

// sumDecimal is SUM of a DECIMAL(p, s): the unscaled sum, with the
// argument's type. As ksqlDB's DecimalSumKudaf, an Add whose sum reaches
// 10^(p-s) in magnitude fails ("Numeric field overflow"); the sum then
// keeps its previous value.
type sumDecimal struct{ typ sdk.Type }

func (s sumDecimal) Add(a *Acc, v sdk.Value, _ int64) {
	if v.Null || a.Overflow {
		return
	}
	if sum := a.I + v.I; s.fits(sum) {
		a.I = sum
	} else {
		a.Overflow = true
	}
}

// fits reports whether an unscaled sum has at most p digits. Both
// operands have at most 18, so their sum cannot wrap an int64.
func (s sumDecimal) fits(sum int64) bool {
	lim := sdk.Pow10(s.typ.Precision())
	return sum < lim && sum > -lim
}

func (sumDecimal) Remove(a *Acc, v sdk.Value) bool {
	if !v.Null {
		a.I -= v.I
	}
	return true
}

func (s sumDecimal) Merge(a, b *Acc) {
	a.Overflow = a.Overflow || b.Overflow
	if sum := a.I + b.I; s.fits(sum) {
		a.I = sum
	} else {
		a.Overflow = true
	}
}

func (s sumDecimal) Result(a *Acc) sdk.Value { return sdk.Decimal(s.typ, a.I) }

// Failed implements Failer.
func (s sumDecimal) Failed(a *Acc) error {
	if !a.Overflow {
		return nil
	}
	p, sc := s.typ.Precision(), s.typ.Scale()
	return fmt.Errorf("Numeric field overflow: A field with precision %d and scale %d must round to an absolute value less than 10^%d (SUM of %s)",
		p, sc, p-sc, s.typ)
}

// sumList is SUM_LIST of ARRAY<INT>, ARRAY<BIGINT> or ARRAY<DOUBLE>, as
// ksqlDB's ListSumUdaf: each array's non-NULL elements are summed, then
// the array's sum is added (INT wraps as Java's int does); NULL arrays are
// ignored.
type sumList struct{ typ sdk.Type }

func (s sumList) Add(a *Acc, v sdk.Value, _ int64) {
	if !v.Null {
		i, f := s.sum(v.S)
		a.I, a.F = s.wrap(a.I+i), a.F+f
	}
}

func (s sumList) Remove(a *Acc, v sdk.Value) bool {
	if !v.Null {
		i, f := s.sum(v.S)
		a.I, a.F = s.wrap(a.I-i), a.F-f
	}
	return true
}

func (s sumList) Merge(a, b *Acc) { a.I, a.F = s.wrap(a.I+b.I), a.F+b.F }

func (s sumList) Result(a *Acc) sdk.Value {
	if s.typ == sdk.TypeDouble {
		return sdk.Double(a.F)
	}
	return sdk.Value{Type: s.typ, I: a.I}
}

// sum adds up the elements of an encoded array.
func (s sumList) sum(enc string) (int64, float64) {
	b := []byte(enc) // a copy when longer than 32 bytes: SUM_LIST is rare
	var i int64
	var f float64
	_, n, at, ok := sdk.CxCount(b)
	if !ok {
		return 0, 0
	}
	for ; n > 0; n-- {
		end := sdk.CxSkip(b, at)
		if end < 0 {
			break
		}
		switch b[at] {
		case sdk.CxInt:
			x, _ := sdk.CxInt64(b[at:end])
			i = s.wrap(i + x)
		case sdk.CxDouble:
			x, _ := sdk.CxFloat64(b[at:end])
			f += x
		}
		at = end
	}
	return i, f
}

func (s sumList) wrap(i int64) int64 {
	if s.typ == sdk.TypeInt {
		return int64(int32(i))
	}
	return i
}

// avg is AVG: the sum (as DOUBLE) and count of the non-NULL values; 0.0
// before any, as ksqlDB's AverageUdaf maps an empty aggregate.
type avg struct{}

func (avg) Add(a *Acc, v sdk.Value, _ int64) {
	if !v.Null {
		a.F += floatOf(v)
		a.N++
	}
}

func (avg) Remove(a *Acc, v sdk.Value) bool {
	if !v.Null {
		a.F -= floatOf(v)
		a.N--
	}
	return true
}
func (avg) Merge(a, b *Acc) { a.F += b.F; a.N += b.N }
func (avg) Result(a *Acc) sdk.Value {
	if a.N == 0 {
		return sdk.Double(0)
	}
	return sdk.Double(a.F / float64(a.N))
}

// minMax is MIN or MAX: NULLs are ignored; NULL before the first value.
type minMax struct {
	typ sdk.Type
	max bool
}

func (m minMax) Add(a *Acc, v sdk.Value, _ int64) {
	if v.Null {
		return
	}
	if !a.Set {
		a.Set = true
		m.keep(a, v)
		return
	}
	c := compare(m.typ, a, v)
	if (m.max && c < 0) || (!m.max && c > 0) {
		m.keep(a, v)
	}
}

func (m minMax) keep(a *Acc, v sdk.Value) {
	switch m.typ {
	case sdk.TypeDouble:
		a.F = floatOf(v)
	case sdk.TypeString:
		a.S = strings.Clone(v.S) // v may be a view, valid during the call
	default:
		a.I = intOf(v)
	}
}

// Remove cannot undo a minimum or maximum.
func (minMax) Remove(*Acc, sdk.Value) bool { return false }

func (m minMax) Merge(a, b *Acc) {
	if b.Set {
		m.Add(a, m.Result(b), 0)
	}
}

func (m minMax) Result(a *Acc) sdk.Value { return kept(m.typ, a) }

// byOffset is LATEST_BY_OFFSET or EARLIEST_BY_OFFSET, ignoring NULL values
// (ksqlDB's default) unless keepNulls.
type byOffset struct {
	typ       sdk.Type
	latest    bool
	keepNulls bool
}

func (b byOffset) Add(a *Acc, v sdk.Value, seq int64) {
	if (v.Null && !b.keepNulls) || (a.Set && !b.latest) {
		return
	}
	a.Set, a.Seq, a.IsNull = true, seq, v.Null
	if v.Null {
		return
	}
	switch {
	case b.typ == sdk.TypeDouble:
		a.F = floatOf(v)
	case b.typ.IsVarLen():
		a.S = strings.Clone(v.S) // v may be a view, valid during the call
	default:
		a.I = intOf(v)
	}
}

// Remove cannot undo: the previous value is not kept.
func (byOffset) Remove(*Acc, sdk.Value) bool { return false }

func (b byOffset) Merge(a, o *Acc) {
	if !o.Set {
		return
	}
	if !a.Set || (b.latest && o.Seq > a.Seq) || (!b.latest && o.Seq < a.Seq) {
		*a = *o
	}
}

func (b byOffset) Result(a *Acc) sdk.Value { return kept(b.typ, a) }

// kept returns the value an accumulator keeps, NULL if none.
func kept(t sdk.Type, a *Acc) sdk.Value {
	if !a.Set || a.IsNull {
		return sdk.Null(t)
	}
	switch {
	case t == sdk.TypeDouble:
		return sdk.Double(a.F)
	case t.IsVarLen():
		return sdk.Value{Type: t, S: a.S}
	}
	return sdk.Value{Type: t, I: a.I}
}

// compare orders the kept value of a against v (-1, 0, 1). Doubles order
// as Java's Double.compareTo: NaN above everything.
func compare(t sdk.Type, a *Acc, v sdk.Value) int {
	switch t {
	case sdk.TypeDouble:
		x, y := a.F, floatOf(v)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		case math.IsNaN(x) && !math.IsNaN(y):
			return 1
		case !math.IsNaN(x) && math.IsNaN(y):
			return -1
		}
		return 0
	case sdk.TypeString:
		switch {
		case a.S < v.S:
			return -1
		case a.S > v.S:
			return 1
		}
		return 0
	}
	x, y := a.I, intOf(v)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func intOf(v sdk.Value) int64 {
	if v.Type == sdk.TypeDouble {
		return int64(v.F)
	}
	return v.I
}

func floatOf(v sdk.Value) float64 {
	if v.Type == sdk.TypeDouble {
		return v.F
	}
	return float64(v.I)
}
