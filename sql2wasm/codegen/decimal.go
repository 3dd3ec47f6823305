package codegen

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// DECIMAL(p, s) values are unscaled i64 (see sdk/decimal.go); the scale is
// in the type. Arithmetic and comparisons stay in wasm; conversions from
// text and DOUBLE, and formatting, are intrinsics.

// decScale is the scale of a DECIMAL type; integers have scale 0.
func decScale(t sdk.Type) int { return t.Scale() }

// mixedDecimalCmp reports whether a comparison has a DECIMAL operand and
// operands of different scales (the analyzer leaves them so, see
// cmpOperands).
func mixedDecimalCmp(e *plan.Binary) bool {
	xt, yt := e.X.Type(), e.Y.Type()
	return (xt.IsDecimal() || yt.IsDecimal()) && decScale(xt) != decScale(yt)
}

// cmpOperands pushes two i64 whose signed comparison is that of e.X and
// e.Y. For operands of different scales sx < sy, y is split into
// q = y / 10^(sy-sx) and r = y % 10^(sy-sx) (both truncated toward zero):
// x < y exactly when x < q, or x == q and 0 < r. So the pair pushed is
// (x, q) when they differ, else (0, r): no rescaling, hence no overflow.
func (c *fn) cmpOperands(e *plan.Binary, nullL label) {
	if !mixedDecimalCmp(e) {
		c.value(e.X, nullL)
		c.value(e.Y, nullL)
		return
	}
	f := c.f
	sx, sy := decScale(e.X.Type()), decScale(e.Y.Type())
	tx, ty, q, r := c.tmp(wasm.I64), c.tmp(wasm.I64), c.tmp(wasm.I64), c.tmp(wasm.I64)
	c.value(e.X, nullL)
	f.LocalSet(tx)
	c.value(e.Y, nullL)
	f.LocalSet(ty)
	small, big, d := tx, ty, sy-sx
	if sx > sy {
		small, big, d = ty, tx, sx-sy
	}
	f.LocalGet(big)
	f.I64Const(sdk.Pow10(d))
	f.I64DivS()
	f.LocalSet(q)
	f.LocalGet(big)
	f.I64Const(sdk.Pow10(d))
	f.I64RemS()
	f.LocalSet(r)
	// pair(a, b) pushes select(a, 0, differ), select(b, r', differ) in
	// operand order: the small-scale side against q, or 0 against r.
	differ := func() {
		f.LocalGet(small)
		f.LocalGet(q)
		f.I64Ne()
	}
	if sx < sy {
		f.LocalGet(small)
		f.I64Const(0)
		differ()
		f.Select()
		f.LocalGet(q)
		f.LocalGet(r)
		differ()
		f.Select()
	} else {
		f.LocalGet(q)
		f.LocalGet(r)
		differ()
		f.Select()
		f.LocalGet(small)
		f.I64Const(0)
		differ()
		f.Select()
	}
	c.put(wasm.I64, tx)
	c.put(wasm.I64, ty)
	c.put(wasm.I64, q)
	c.put(wasm.I64, r)
}

// decArithFits reports whether decArith's i64 steps cannot overflow for
// operands x, y and result t (the analyzer's types always fit; a plan from
// elsewhere is checked). A NULL operand (TypeUnknown or its own type) is
// read as a DECIMAL of t's scale.
func decArithFits(op plan.Op, x, y, t sdk.Type) bool {
	if !x.IsDecimal() {
		x = t
	}
	if !y.IsDecimal() {
		y = t
	}
	px, sx, py, sy, s := x.Precision(), x.Scale(), y.Precision(), y.Scale(), t.Scale()
	const m = sdk.MaxDecimalPrecision
	switch op {
	case plan.OpAdd, plan.OpSub:
		return s >= sx && s >= sy && max(px-sx, py-sy)+s+1 <= m
	case plan.OpMul:
		return s == sx+sy && px+py <= m
	case plan.OpDiv:
		return s-sx+sy >= 0 && px+s-sx+sy <= m
	case plan.OpMod:
		return s >= sx && s >= sy && max(px-sx, py-sy)+s <= m
	}
	return false
}

// decArith emits + - * of DECIMALs: the analyzer chose a result type in
// which the exact result fits (ksqlDB's precision rules, at most 18 digits),
// so the only work is bringing the addends to the result's scale.
func (c *fn) decArith(e *plan.Binary, nullL label) {
	f := c.f
	s := decScale(e.T)
	operand := func(x plan.Expr) {
		c.value(x, nullL)
		if e.Op == plan.OpAdd || e.Op == plan.OpSub || e.Op == plan.OpMod {
			if d := s - decScale(x.Type()); d > 0 {
				f.I64Const(sdk.Pow10(d))
				f.I64Mul()
			}
		}
	}
	switch e.Op {
	case plan.OpDiv:
		c.decDiv(e, nullL)
		return
	case plan.OpMod:
		// Both at the result's scale (the analyzer checked that they fit),
		// then the truncated remainder, with the dividend's sign as
		// BigDecimal.remainder; NULL for a zero divisor.
		operand(e.X)
		y := c.tmp(wasm.I64)
		operand(e.Y)
		f.LocalTee(y)
		f.I64Eqz()
		c.brIf(nullL)
		f.LocalGet(y)
		f.I64RemS()
		c.put(wasm.I64, y)
		return
	}
	operand(e.X)
	operand(e.Y)
	switch e.Op {
	case plan.OpAdd:
		f.I64Add()
	case plan.OpSub:
		f.I64Sub()
	case plan.OpMul:
		f.I64Mul()
	}
}

// decDiv emits x / y as ksqlDB computes a DECIMAL quotient: exact at the
// result's scale S or NULL (a zero divisor too). x (scale sx) times
// 10^(S-sx+sy) cannot overflow: the analyzer's result precision bounds it.
func (c *fn) decDiv(e *plan.Binary, nullL label) {
	f := c.f
	num, y := c.tmp(wasm.I64), c.tmp(wasm.I64)
	c.value(e.X, nullL)
	if d := decScale(e.T) - decScale(e.X.Type()) + decScale(e.Y.Type()); d > 0 {
		f.I64Const(sdk.Pow10(d))
		f.I64Mul()
	}
	f.LocalSet(num)
	c.value(e.Y, nullL)
	f.LocalTee(y)
	f.I64Eqz()
	c.brIf(nullL)
	f.LocalGet(num)
	f.LocalGet(y)
	f.I64RemS()
	f.I64Const(0)
	f.I64Ne()
	c.brIf(nullL) // inexact
	f.LocalGet(num)
	f.LocalGet(y)
	f.I64DivS()
	c.put(wasm.I64, num)
	c.put(wasm.I64, y)
}

// decConvert emits conversions from and to DECIMAL.
func (c *fn) decConvert(e *plan.Convert, nullL label) {
	f := c.f
	from, to := e.X.Type(), e.To
	switch {
	case to.IsDecimal() && (from.IsDecimal() || from == sdk.TypeInt || from == sdk.TypeBigInt):
		c.value(e.X, nullL)
		sf, st := decScale(from), to.Scale()
		fits := intDigits(from) <= to.Precision()-st
		if st >= sf {
			// Checked before scaling up, which could otherwise overflow.
			if !fits {
				c.checkDigits(to.Precision()-(st-sf), nullL)
			}
			if st > sf {
				f.I64Const(sdk.Pow10(st - sf))
				f.I64Mul()
			}
			return
		}
		c.roundHalfUp(sdk.Pow10(sf - st))
		if !fits || intDigits(from) >= to.Precision()-st {
			// Rounding up can add a digit (9.99 to 10.0).
			c.checkDigits(to.Precision(), nullL)
		}
	case to.IsDecimal() && from == sdk.TypeString:
		p, n := c.strParts(e.X, nullL)
		c.base()
		f.LocalGet(p)
		f.LocalGet(n)
		f.I32Const(int32(to.Precision()))
		f.I32Const(int32(to.Scale()))
		f.Call(c.g.intrinsic(sdk.IntrDecParse))
		c.checkIntrinsicError(true, nullL)
		c.putParts(p, n)
	case to.IsDecimal() && from == sdk.TypeDouble:
		c.value(e.X, nullL)
		v := c.tmp(wasm.F64)
		f.LocalSet(v)
		c.base()
		f.LocalGet(v)
		c.put(wasm.F64, v)
		f.I32Const(int32(to.Precision()))
		f.I32Const(int32(to.Scale()))
		f.Call(c.g.intrinsic(sdk.IntrDecFromDouble))
		c.checkIntrinsicError(true, nullL)
	case to == sdk.TypeDouble:
		c.value(e.X, nullL)
		f.F64ConvertI64S()
		if s := from.Scale(); s > 0 {
			f.F64Const(float64(sdk.Pow10(s)))
			f.F64Div()
		}
	case to == sdk.TypeInt || to == sdk.TypeBigInt:
		c.value(e.X, nullL) // truncated toward zero, as BigDecimal.longValue
		if s := from.Scale(); s > 0 {
			f.I64Const(sdk.Pow10(s))
			f.I64DivS()
		}
		if to == sdk.TypeInt {
			f.I64Extend32S()
		}
	case to == sdk.TypeString:
		c.value(e.X, nullL)
		v := c.tmp(wasm.I64)
		f.LocalSet(v)
		c.base()
		f.LocalGet(v)
		c.put(wasm.I64, v)
		f.I32Const(int32(from.Scale()))
		f.Call(c.g.intrinsic(sdk.IntrDecFormat))
		c.checkStrResult()
	}
}

// decFallible reports whether a conversion to a DECIMAL can fail (and give
// NULL): from text or DOUBLE, or into fewer integer digits, or rounding.
func decFallible(from, to sdk.Type) bool {
	if !to.IsDecimal() || from == to {
		return false
	}
	if from != sdk.TypeInt && from != sdk.TypeBigInt && !from.IsDecimal() {
		return true
	}
	return decScale(from) > to.Scale() || intDigits(from) > to.Precision()-to.Scale()
}

// isExactNumeric reports whether t is INT, BIGINT or a DECIMAL.
func isExactNumeric(t sdk.Type) bool {
	return t == sdk.TypeInt || t == sdk.TypeBigInt || t.IsDecimal()
}

// intDigits is the number of integer digits a numeric type can have.
func intDigits(t sdk.Type) int {
	switch {
	case t == sdk.TypeInt:
		return 10
	case t == sdk.TypeBigInt:
		return 19
	case t.IsDecimal():
		return t.Precision() - t.Scale()
	}
	return 19
}

// roundHalfUp divides the i64 on the stack by d, rounding halves away from
// zero: q + (2r >= d) - (-2r >= d) with q, r truncated.
func (c *fn) roundHalfUp(d int64) {
	f := c.f
	x := c.tmp(wasm.I64)
	r := c.tmp(wasm.I64)
	f.LocalTee(x)
	f.I64Const(d)
	f.I64RemS()
	f.LocalSet(r)
	f.LocalGet(x)
	f.I64Const(d)
	f.I64DivS()
	f.LocalGet(r)
	f.I64Const(1)
	f.I64Shl()
	f.I64Const(d)
	f.I64GeS()
	f.I64ExtendI32U()
	f.I64Add()
	f.I64Const(0)
	f.LocalGet(r)
	f.I64Sub()
	f.I64Const(1)
	f.I64Shl()
	f.I64Const(d)
	f.I64GeS()
	f.I64ExtendI32U()
	f.I64Sub()
	c.put(wasm.I64, x)
	c.put(wasm.I64, r)
}

// checkDigits leaves the i64 on the stack and branches to nullL when it has
// more than p digits.
func (c *fn) checkDigits(p int, nullL label) {
	f := c.f
	v := c.tmp(wasm.I64)
	f.LocalTee(v)
	f.I64Const(sdk.Pow10(p) - 1)
	f.I64GtS()
	f.LocalGet(v)
	f.I64Const(-(sdk.Pow10(p) - 1))
	f.I64LtS()
	f.I32Or()
	c.brIf(nullL)
	f.LocalGet(v)
	c.put(wasm.I64, v)
}

// mathBytesCall emits EXP, LN, SQRT and the BYTES functions.
func (c *fn) mathBytesCall(e *plan.Call, nullL label) {
	f := c.f
	switch e.Fn {
	case plan.FnExp, plan.FnLn:
		c.value(e.Args[0], nullL)
		if e.Fn == plan.FnExp {
			f.Call(c.g.intrinsic(sdk.IntrMathExp))
		} else {
			f.Call(c.g.intrinsic(sdk.IntrMathLn))
		}
	case plan.FnSqrt:
		c.value(e.Args[0], nullL)
		f.F64Sqrt() // correctly rounded, as Java's Math.sqrt
	case plan.FnBytesLen:
		c.value(e.Args[0], nullL)
		f.I64Const(32)
		f.I64ShrU()
	case plan.FnBytesSubstring:
		p, n := c.strParts(e.Args[0], nullL)
		pos := c.tmp(wasm.I32)
		c.value(e.Args[1], nullL)
		f.I32WrapI64()
		f.LocalSet(pos)
		cnt := c.tmp(wasm.I32)
		has := int32(0)
		if len(e.Args) == 3 {
			c.value(e.Args[2], nullL)
			f.I32WrapI64()
			f.LocalSet(cnt)
			has = 1
		} else {
			f.I32Const(0)
			f.LocalSet(cnt)
		}
		f.LocalGet(p)
		f.LocalGet(n)
		f.LocalGet(pos)
		f.I32Const(has)
		f.LocalGet(cnt)
		f.Call(c.g.intrinsic(sdk.IntrBytesSubstr))
		c.put(wasm.I32, cnt)
		c.put(wasm.I32, pos)
		c.putParts(p, n)
	}
}
