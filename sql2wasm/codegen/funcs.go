package codegen

import (
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// base pushes the stage's base address, the first argument of intrinsics
// that write to the heap or report errors.
func (c *fn) base() { c.f.I32Const(int32(c.lay.Base)) }

// checkStrResult follows a call to a string-returning intrinsic: -1 means the
// heap is full, and the stage returns sdk.StatusHeapFull.
func (c *fn) checkStrResult() {
	f := c.f
	r := c.tmp(wasm.I64)
	f.LocalTee(r)
	f.I64Const(-1)
	f.I64Eq()
	f.If(wasm.BlockEmpty)
	c.returnStatus(sdk.StatusHeapFull)
	f.End()
	f.LocalGet(r)
	c.put(wasm.I64, r)
}

// checkIntrinsicError follows a call to a fallible intrinsic: when it set
// the header's error flag, the flag is cleared and the value becomes NULL
// (nullOnError) or the row fails with RowErrCast.
func (c *fn) checkIntrinsicError(nullOnError bool, nullL label) {
	f := c.f
	addr := c.lay.Base + sdk.HdrIntrinsicError
	f.I32Const(0)
	f.I32Load(2, addr)
	f.If(wasm.BlockEmpty)
	f.I32Const(0)
	f.I32Const(0)
	f.I32Store(2, addr)
	if nullOnError {
		c.br(nullL)
	} else {
		c.rowError(sdk.RowErrCast)
	}
	f.End()
}

// convert emits CAST and the analyzer's implicit conversions.
func (c *fn) convert(e *plan.Convert, nullL label) {
	f := c.f
	from, to := e.X.Type(), e.To
	if from == to || isNullConst(e.X) {
		c.value(e.X, nullL)
		return
	}
	if from.IsDecimal() || to.IsDecimal() {
		c.decConvert(e, nullL)
		return
	}
	switch {
	case from == sdk.TypeInt && to == sdk.TypeBigInt:
		c.value(e.X, nullL) // INT is already a sign-extended i64
	case from == sdk.TypeBigInt && to == sdk.TypeInt:
		c.value(e.X, nullL)
		f.I64Extend32S() // Java's (int): the low 32 bits
	case (from == sdk.TypeInt || from == sdk.TypeBigInt) && to == sdk.TypeDouble:
		c.value(e.X, nullL)
		f.F64ConvertI64S()
	case from == sdk.TypeDouble && to == sdk.TypeInt:
		c.value(e.X, nullL)
		f.I32TruncSatF64S() // Java's (int): toward zero, saturating, NaN -> 0
		f.I64ExtendI32S()
	case from == sdk.TypeDouble && to == sdk.TypeBigInt:
		c.value(e.X, nullL)
		f.I64TruncSatF64S()
	case (from == sdk.TypeInt || from == sdk.TypeBigInt) && to == sdk.TypeString:
		c.value(e.X, nullL)
		v := c.tmp(wasm.I64)
		f.LocalSet(v)
		c.base()
		f.LocalGet(v)
		c.put(wasm.I64, v)
		f.Call(c.g.intrinsic(sdk.IntrFormatInt))
		c.checkStrResult()
	case from == sdk.TypeDouble && to == sdk.TypeString:
		c.value(e.X, nullL)
		v := c.tmp(wasm.F64)
		f.LocalSet(v)
		c.base()
		f.LocalGet(v)
		c.put(wasm.F64, v)
		f.Call(c.g.intrinsic(sdk.IntrFormatDouble))
		c.checkStrResult()
	case from == sdk.TypeBoolean && to == sdk.TypeString:
		f.I64Const(c.constStr("true"))
		f.I64Const(c.constStr("false"))
		c.value(e.X, nullL)
		f.Select()
	case from == sdk.TypeString:
		p, n := c.strParts(e.X, nullL)
		switch to {
		case sdk.TypeBoolean:
			f.LocalGet(p)
			f.LocalGet(n)
			f.Call(c.g.intrinsic(sdk.IntrParseBool))
		case sdk.TypeInt, sdk.TypeBigInt:
			c.base()
			f.LocalGet(p)
			f.LocalGet(n)
			if to == sdk.TypeInt {
				f.I32Const(32)
			} else {
				f.I32Const(64)
			}
			f.Call(c.g.intrinsic(sdk.IntrParseInt))
			c.checkIntrinsicError(e.NullOnError, nullL)
		case sdk.TypeDouble:
			c.base()
			f.LocalGet(p)
			f.LocalGet(n)
			f.Call(c.g.intrinsic(sdk.IntrParseDouble))
			c.checkIntrinsicError(e.NullOnError, nullL)
		}
		c.putParts(p, n)
	}
}

// LIKE patterns that compile to inline code.
const (
	likeOther    = iota // anything else: the str_like intrinsic
	likeExact           // "abc"
	likePrefix          // "abc%"
	likeSuffix          // "%abc"
	likeContains        // "%abc%"
)

// likeShape classifies a constant LIKE pattern: one literal with % only at
// its ends, no _ and no escape character. Such patterns are most filters'
// patterns, and they need no intrinsic call.
func likeShape(pat string, esc int32) (int, string) {
	if strings.ContainsRune(pat, '_') || (esc >= 0 && strings.ContainsRune(pat, rune(esc))) {
		return likeOther, ""
	}
	lit := strings.TrimLeft(pat, "%")
	lead := len(lit) < len(pat)
	n := len(lit)
	lit = strings.TrimRight(lit, "%")
	trail := len(lit) < n
	if strings.Contains(lit, "%") {
		return likeOther, ""
	}
	switch {
	case lead && trail:
		return likeContains, lit
	case lead:
		return likeSuffix, lit
	case trail:
		return likePrefix, lit
	}
	return likeExact, lit
}

// like emits X [NOT] LIKE Pattern: inline for the simple shapes of
// likeShape, else through the str_like intrinsic.
func (c *fn) like(e *plan.Like, nullL label) {
	f := c.f
	if k, ok := strConst(e.Pattern); ok {
		if shape, lit := likeShape(k, e.Escape); shape != likeOther {
			c.likeInline(e, shape, lit, nullL)
			return
		}
	}
	p, n := c.strParts(e.X, nullL)
	pp, pn := c.strParts(e.Pattern, nullL)
	f.LocalGet(p)
	f.LocalGet(n)
	f.LocalGet(pp)
	f.LocalGet(pn)
	f.I32Const(e.Escape)
	f.Call(c.g.intrinsic(sdk.IntrLike))
	if e.Not {
		f.I32Eqz()
	}
	c.putParts(pp, pn)
	c.putParts(p, n)
}

// call emits a built-in function.
func (c *fn) call(e *plan.Call, nullL label) {
	f := c.f
	switch e.Fn {
	case plan.FnAbs:
		c.value(e.Args[0], nullL)
		if e.T == sdk.TypeDouble {
			f.F64Abs()
			return
		}
		// (x ^ s) - s with s = x >> 63: Java's Math.abs, which leaves
		// the minimum value as it is.
		x, s := c.tmp(wasm.I64), c.tmp(wasm.I64)
		f.LocalTee(x)
		f.I64Const(63)
		f.I64ShrS()
		f.LocalSet(s)
		f.LocalGet(x)
		f.LocalGet(s)
		f.I64Xor()
		f.LocalGet(s)
		f.I64Sub()
		c.wrapInt(e.T)
		c.put(wasm.I64, s)
		c.put(wasm.I64, x)
	case plan.FnCeil, plan.FnFloor:
		c.value(e.Args[0], nullL)
		if e.T == sdk.TypeDouble {
			if e.Fn == plan.FnCeil {
				f.F64Ceil()
			} else {
				f.F64Floor()
			}
		}
	case plan.FnRound:
		c.round(e, nullL)
	case plan.FnRoundTo:
		x, n := c.tmp(wasm.F64), c.tmp(wasm.I32)
		c.value(e.Args[0], nullL)
		f.LocalSet(x)
		c.value(e.Args[1], nullL)
		f.I32WrapI64()
		f.LocalSet(n)
		// NaN and the infinities have no decimal form: ksqlDB's
		// BigDecimal.valueOf throws, which makes the value NULL.
		f.LocalGet(x)
		f.LocalGet(x)
		f.F64Sub()
		f.F64Const(0)
		f.F64Ne()
		c.brIf(nullL)
		f.LocalGet(x)
		f.LocalGet(n)
		f.Call(c.g.helper(helperRoundTo))
		c.put(wasm.I32, n)
		c.put(wasm.F64, x)
	case plan.FnUpper, plan.FnLower, plan.FnTrim, plan.FnLTrim, plan.FnRTrim:
		name := map[plan.Func]string{
			plan.FnUpper: sdk.IntrUpper, plan.FnLower: sdk.IntrLower, plan.FnTrim: sdk.IntrTrim,
			plan.FnLTrim: sdk.IntrLTrim, plan.FnRTrim: sdk.IntrRTrim,
		}[e.Fn]
		p, n := c.strParts(e.Args[0], nullL)
		c.base()
		f.LocalGet(p)
		f.LocalGet(n)
		f.Call(c.g.intrinsic(name))
		c.checkStrResult()
		c.putParts(p, n)
	case plan.FnLen:
		p, n := c.strParts(e.Args[0], nullL)
		f.LocalGet(p)
		f.LocalGet(n)
		f.Call(c.g.intrinsic(sdk.IntrLen))
		f.I64ExtendI32S()
		c.putParts(p, n)
	case plan.FnSubstring:
		c.substring(e, nullL)
	case plan.FnReplace:
		p, n := c.strParts(e.Args[0], nullL)
		op, on := c.strParts(e.Args[1], nullL)
		np, nn := c.strParts(e.Args[2], nullL)
		c.base()
		for _, l := range []uint32{p, n, op, on, np, nn} {
			f.LocalGet(l)
		}
		f.Call(c.g.intrinsic(sdk.IntrReplace))
		c.checkStrResult()
		c.putParts(np, nn)
		c.putParts(op, on)
		c.putParts(p, n)
	case plan.FnConcat:
		c.concat(nil, e.Args, nullL)
	case plan.FnConcatWS:
		c.concat(e.Args[0], e.Args[1:], nullL)
	case plan.FnCoalesce, plan.FnIfNull:
		res := c.block(wasm.BlockOf(valType(e.T)))
		last := len(e.Args) - 1
		for i, a := range e.Args {
			if i == last || !canNull(a) {
				c.value(a, nullL)
				break
			}
			next := c.block(wasm.BlockEmpty)
			c.value(a, next)
			c.br(res)
			c.endBlock()
		}
		c.endBlock()
	case plan.FnNullIf:
		c.nullIf(e, nullL)
	case plan.FnExp, plan.FnLn, plan.FnSqrt, plan.FnBytesLen, plan.FnBytesSubstring:
		c.mathBytesCall(e, nullL)
	}
}

// round emits ROUND(x): Java's Math.round for a DOUBLE (floor(x + 0.5)
// computed exactly, then a saturating conversion where NaN gives 0), the
// value itself for an integer.
func (c *fn) round(e *plan.Call, nullL label) {
	f := c.f
	c.value(e.Args[0], nullL)
	if e.Args[0].Type() != sdk.TypeDouble {
		return
	}
	x, r := c.tmp(wasm.F64), c.tmp(wasm.F64)
	f.LocalTee(x)
	f.F64Floor()
	f.LocalTee(r)
	f.F64Const(1)
	f.F64Add()
	f.LocalGet(r)
	// x - floor(x) is exact, so comparing it with 0.5 is exactly
	// x + 0.5 >= floor(x) + 1 without the rounding of x + 0.5.
	f.LocalGet(x)
	f.LocalGet(r)
	f.F64Sub()
	f.F64Const(0.5)
	f.F64Ge()
	f.Select()
	if e.T != sdk.TypeDouble {
		f.I64TruncSatF64S()
	}
	c.put(wasm.F64, r)
	c.put(wasm.F64, x)
}

// substring emits SUBSTRING(s, pos [, len]) through the intrinsic; a
// negative length gives the empty string, as ksqlDB's max(min(start+len,
// n), start) does.
func (c *fn) substring(e *plan.Call, nullL label) {
	f := c.f
	p, n := c.strParts(e.Args[0], nullL)
	pos := c.tmp(wasm.I32)
	c.value(e.Args[1], nullL)
	f.I32WrapI64()
	f.LocalSet(pos)
	cnt := c.tmp(wasm.I32)
	if len(e.Args) == 3 {
		c.value(e.Args[2], nullL)
		f.I32WrapI64()
		f.LocalTee(cnt)
		f.I32Const(0)
		f.LocalGet(cnt)
		f.I32Const(0)
		f.I32GtS()
		f.Select()
		f.LocalSet(cnt)
	} else {
		f.I32Const(-1)
		f.LocalSet(cnt)
	}
	c.base()
	f.LocalGet(p)
	f.LocalGet(n)
	f.LocalGet(pos)
	f.LocalGet(cnt)
	f.Call(c.g.intrinsic(sdk.IntrSubstring))
	c.checkStrResult()
	c.put(wasm.I32, cnt)
	c.put(wasm.I32, pos)
	c.putParts(p, n)
}

// concat emits CONCAT (sep == nil) and CONCAT_WS inline: the arguments'
// parts go to locals (a NULL argument gets length -1), the total length is
// checked against the heap, and memory.copy assembles the result.
func (c *fn) concat(sep plan.Expr, args []plan.Expr, nullL label) {
	f := c.f
	var sp, sn uint32
	if sep != nil {
		sp, sn = c.strParts(sep, nullL)
	}
	type part struct {
		p, n     uint32
		nullable bool
	}
	var parts []part
	for _, a := range args {
		if isNullConst(a) {
			continue
		}
		pt := part{p: c.tmp(wasm.I32), n: c.tmp(wasm.I32), nullable: canNull(a)}
		if pt.nullable {
			f.I32Const(-1)
			f.LocalSet(pt.n)
			skip := c.block(wasm.BlockEmpty)
			c.strPartsInto(a, skip, pt.p, pt.n)
			c.endBlock()
		} else {
			c.strPartsInto(a, noLabel, pt.p, pt.n)
		}
		parts = append(parts, pt)
	}

	// total (i64, so that no sum of lengths can wrap).
	total := c.tmp(wasm.I64)
	f.I64Const(0)
	f.LocalSet(total)
	for _, pt := range parts {
		add := func() {
			f.LocalGet(total)
			f.LocalGet(pt.n)
			f.I64ExtendI32U()
			f.I64Add()
			if sep != nil {
				f.LocalGet(sn)
				f.I64ExtendI32U()
				f.I64Add()
			}
			f.LocalSet(total)
		}
		if pt.nullable {
			f.LocalGet(pt.n)
			f.I32Const(0)
			f.I32GeS()
			f.If(wasm.BlockEmpty)
			add()
			f.End()
		} else {
			add()
		}
	}
	if sep != nil && len(parts) > 0 {
		// One separator fewer than arguments, when there are any:
		// total = total == 0 ? 0 : total - len(sep).
		f.I64Const(0)
		f.LocalGet(total)
		f.LocalGet(sn)
		f.I64ExtendI32U()
		f.I64Sub()
		f.LocalGet(total)
		f.I64Eqz()
		f.Select()
		f.LocalSet(total)
	}

	// hp = heap pointer; if hp + total > heap end: heap full.
	hp, dst := c.tmp(wasm.I32), c.tmp(wasm.I32)
	f.I32Const(0)
	f.I32Load(2, c.lay.Base+sdk.HdrHeapPtr)
	f.LocalTee(hp)
	f.I64ExtendI32U()
	f.LocalGet(total)
	f.I64Add()
	f.I32Const(0)
	f.I32Load(2, c.lay.Base+sdk.HdrHeapEnd)
	f.I64ExtendI32U()
	f.I64GtU()
	f.If(wasm.BlockEmpty)
	c.returnStatus(sdk.StatusHeapFull)
	f.End()

	f.LocalGet(hp)
	f.LocalSet(dst)
	var first uint32
	if sep != nil {
		first = c.tmp(wasm.I32)
		f.I32Const(1)
		f.LocalSet(first)
	}
	copyTo := func(p, n uint32) {
		f.LocalGet(dst)
		f.LocalGet(p)
		f.LocalGet(n)
		f.MemoryCopy()
		f.LocalGet(dst)
		f.LocalGet(n)
		f.I32Add()
		f.LocalSet(dst)
	}
	for _, pt := range parts {
		if pt.nullable {
			f.LocalGet(pt.n)
			f.I32Const(0)
			f.I32GeS()
			f.If(wasm.BlockEmpty)
		}
		if sep != nil {
			f.LocalGet(first)
			f.I32Eqz()
			f.If(wasm.BlockEmpty)
			copyTo(sp, sn)
			f.End()
			f.I32Const(0)
			f.LocalSet(first)
		}
		copyTo(pt.p, pt.n)
		if pt.nullable {
			f.End()
		}
	}
	f.I32Const(0)
	f.LocalGet(dst)
	f.I32Store(2, c.lay.Base+sdk.HdrHeapPtr)

	// The result: (hp, dst - hp).
	f.LocalGet(dst)
	f.LocalGet(hp)
	f.I32Sub()
	f.I64ExtendI32U()
	f.I64Const(32)
	f.I64Shl()
	f.LocalGet(hp)
	f.I64ExtendI32U()
	f.I64Or()

	if sep != nil {
		c.put(wasm.I32, first)
		c.putParts(sp, sn)
	}
	c.put(wasm.I32, dst)
	c.put(wasm.I32, hp)
	c.put(wasm.I64, total)
	for i := len(parts) - 1; i >= 0; i-- {
		c.putParts(parts[i].p, parts[i].n)
	}
}

// nullIf emits NULLIF(a, b): NULL when a equals b (Java's equals: doubles by
// value with NaN equal to NaN), else a.
func (c *fn) nullIf(e *plan.Call, nullL label) {
	f := c.f
	a, b := e.Args[0], e.Args[1]
	vt := valType(e.T)
	ta := c.tmp(vt)
	c.value(a, nullL)
	f.LocalSet(ta)
	skip := c.block(wasm.BlockEmpty)
	switch e.T {
	case sdk.TypeString, sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
		// Complex values compare by their canonical encodings.
		pa, na := c.tmp(wasm.I32), c.tmp(wasm.I32)
		f.LocalGet(ta)
		f.I32WrapI64()
		f.LocalSet(pa)
		f.LocalGet(ta)
		f.I64Const(32)
		f.I64ShrU()
		f.I32WrapI64()
		f.LocalSet(na)
		pb, nb := c.strParts(b, skip)
		f.LocalGet(na)
		f.LocalGet(nb)
		f.I32Ne()
		c.brIf(skip)
		f.LocalGet(pa)
		f.LocalGet(pb)
		f.LocalGet(na)
		f.Call(c.g.helper(helperStrEq))
		c.brIf(nullL)
		c.putParts(pb, nb)
		c.putParts(pa, na)
	case sdk.TypeDouble:
		tb := c.tmp(wasm.F64)
		c.value(b, skip)
		f.LocalTee(tb)
		f.LocalGet(ta)
		f.F64Eq()
		// Double.equals: NaN equals NaN, and 0.0 differs from -0.0,
		// so compare the bits, with every NaN alike.
		f.LocalGet(ta)
		f.I64ReinterpretF64()
		f.LocalGet(tb)
		f.I64ReinterpretF64()
		f.I64Eq()
		f.I32And()
		f.LocalGet(ta)
		f.LocalGet(ta)
		f.F64Ne()
		f.LocalGet(tb)
		f.LocalGet(tb)
		f.F64Ne()
		f.I32And()
		f.I32Or()
		c.brIf(nullL)
		c.put(wasm.F64, tb)
	case sdk.TypeBoolean:
		f.LocalGet(ta)
		c.value(b, skip)
		f.I32Eq()
		c.brIf(nullL)
	default:
		f.LocalGet(ta)
		c.value(b, skip)
		f.I64Eq()
		c.brIf(nullL)
	}
	c.endBlock()
	f.LocalGet(ta)
	c.put(vt, ta)
}

// likeInline emits a LIKE of a simple shape: length test and byte compares
// against the literal at the start or the end, or the str_contains helper.
func (c *fn) likeInline(e *plan.Like, shape int, lit string, nullL label) {
	f := c.f
	yes, no := int32(1), int32(0)
	if e.Not {
		yes, no = 0, 1
	}
	p, n := c.strParts(e.X, nullL)
	res := c.block(wasm.BlockI32)
	miss := c.block(wasm.BlockEmpty)
	switch shape {
	case likeExact:
		f.LocalGet(n)
		f.I32Const(int32(len(lit)))
		f.I32Ne()
		c.brIf(miss)
		c.bytesEqConst(p, lit, miss)
	case likePrefix, likeSuffix:
		f.LocalGet(n)
		f.I32Const(int32(len(lit)))
		f.I32LtU()
		c.brIf(miss)
		if shape == likeSuffix && len(lit) > 0 {
			f.LocalGet(p)
			f.LocalGet(n)
			f.I32Add()
			f.I32Const(int32(len(lit)))
			f.I32Sub()
			f.LocalSet(p)
		}
		c.bytesEqConst(p, lit, miss)
	case likeContains:
		if len(lit) > 0 {
			f.LocalGet(p)
			f.LocalGet(n)
			f.I32Const(int32(c.g.constString(lit)))
			f.I32Const(int32(len(lit)))
			f.Call(c.g.helper(helperStrContains))
			f.I32Eqz()
			c.brIf(miss)
		}
	}
	f.I32Const(yes)
	c.br(res)
	c.endBlock()
	f.I32Const(no)
	c.endBlock()
	c.putParts(p, n)
}
