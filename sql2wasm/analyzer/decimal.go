package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// DECIMAL follows ksqlDB's typing (DecimalUtil, the arithmetic rules of
// ksqlDB's expression typer): an integer type reads as the DECIMAL that
// holds all its values (INT as DECIMAL(10, 0), BIGINT as DECIMAL(19, 0));
// two decimals widen to the larger scale and the larger number of integer
// digits; with a DOUBLE the result is DOUBLE. wasmstream's DECIMAL is an
// i64 (sdk.MaxDecimalPrecision digits): a result type wider than that is
// reported as not supported, never approximated.

// typeWideDecimal stands for a DECIMAL wider than sdk.MaxDecimalPrecision
// while a common type is being computed; it never reaches a plan.
const typeWideDecimal sdk.Type = 255

// decimalParts returns precision and scale of a numeric type read as a
// DECIMAL (false for DOUBLE and non-numeric types).
func decimalParts(t sdk.Type) (p, s int, ok bool) {
	switch {
	case t == sdk.TypeInt:
		return 10, 0, true
	case t == sdk.TypeBigInt:
		return 19, 0, true
	case t.IsDecimal():
		return t.Precision(), t.Scale(), true
	case t == typeWideDecimal:
		return 99, 0, true
	}
	return 0, 0, false
}

// decimalOrWide returns DECIMAL(p, s), or typeWideDecimal when p is more
// than this ABI holds.
func decimalOrWide(p, s int) sdk.Type {
	if p < s {
		p = s
	}
	if t, ok := sdk.DecimalType(p, s); ok {
		return t
	}
	return typeWideDecimal
}

// widerDecimal is ksqlDB's DecimalUtil.widen of two numeric types of which
// at least one is a DECIMAL and none a DOUBLE.
func widerDecimal(a, b sdk.Type) sdk.Type {
	pa, sa, _ := decimalParts(a)
	pb, sb, _ := decimalParts(b)
	s := max(sa, sb)
	return decimalOrWide(max(pa-sa, pb-sb)+s, s)
}

// isDecimalish reports whether t is a DECIMAL (or one too wide).
func isDecimalish(t sdk.Type) bool { return t.IsDecimal() || t == typeWideDecimal }

// exactCompare reports whether l and r compare exactly as they are: numbers
// of which one is a DECIMAL and none a DOUBLE. The code generator compares
// such operands of different scales without converting either (no
// overflow), so no common type is needed.
func exactCompare(lt, rt sdk.Type) bool {
	_, _, lok := decimalParts(lt)
	_, _, rok := decimalParts(rt)
	return lok && rok && (lt.IsDecimal() || rt.IsDecimal())
}

// wideErr is the error for a DECIMAL type that would need more digits than
// wasmstream's DECIMAL holds.
func wideErr(pos token.Pos) *Error {
	return notSupported(pos, "DECIMAL precision above 18")
}

// decimalType maps DECIMAL(p, s) as written.
func decimalType(t *ast.TypeExpr) (sdk.Type, *Error) {
	if len(t.Params) < 1 || len(t.Params) > 2 {
		return sdk.TypeUnknown, errorf(t.Pos(), "DECIMAL needs a precision and a scale: DECIMAL(p, s)")
	}
	p, s := t.Params[0], 0
	if len(t.Params) == 2 {
		s = t.Params[1]
	}
	switch {
	case p < 1:
		return sdk.TypeUnknown, errorf(t.Pos(), "DECIMAL precision must be >= 1: DECIMAL(%d, %d)", p, s)
	case s < 0 || s > p:
		return sdk.TypeUnknown, errorf(t.Pos(), "DECIMAL scale must be between 0 and precision %d: DECIMAL(%d, %d)", p, p, s)
	case p > sdk.MaxDecimalPrecision:
		return sdk.TypeUnknown, wideErr(t.Pos())
	}
	d, _ := sdk.DecimalType(p, s)
	return d, nil
}

// decimalLiteral types a number with a point as ksqlDB does: DECIMAL with
// as many digits as written (leading zeros aside) and the digits after the
// point as scale: 2.345 is DECIMAL(4, 3), 0.05 DECIMAL(2, 2).
func decimalLiteral(x *ast.Literal) (plan.Expr, *Error) {
	text := x.Value
	intPart, frac := text, ""
	if i := strings.IndexByte(text, '.'); i >= 0 {
		intPart, frac = text[:i], text[i+1:]
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	p := max(len(digits), 1, len(frac))
	t, ok := sdk.DecimalType(p, len(frac))
	if !ok {
		return nil, wideErr(x.Pos())
	}
	u, ok := sdk.ParseDecimal(text, p, len(frac))
	if !ok {
		return nil, errorf(x.Pos(), "Invalid numeric literal: %s", text)
	}
	return &plan.Const{At: x.Pos(), V: sdk.Decimal(t, u)}, nil
}

// decimalArith types + - * on numbers of which one is a DECIMAL and none
// a DOUBLE, with ksqlDB's result precision and scale. Each operand keeps its
// own scale (integers become DECIMAL(10, 0) or (19, 0)); the code generator
// rescales.
func decimalArith(pos token.Pos, op ast.BinaryOp, l, r plan.Expr) (plan.Expr, *Error) {
	p1, s1, _ := decimalParts(l.Type())
	p2, s2, _ := decimalParts(r.Type())
	var t sdk.Type
	switch op {
	case ast.OpAdd, ast.OpSub:
		s := max(s1, s2)
		t = decimalOrWide(max(p1-s1, p2-s2)+s+1, s)
	case ast.OpMul:
		t = decimalOrWide(p1+p2+1, s1+s2)
	case ast.OpDiv:
		// The exact quotient, NULL when it has more digits than the scale
		// (ksqlDB divides with RoundingMode.UNNECESSARY, which fails).
		s := max(6, s1+p2+1)
		t = decimalOrWide(p1-s1+s2+s, s)
	case ast.OpMod:
		s := max(s1, s2)
		if max(p1-s1, p2-s2)+s > sdk.MaxDecimalPrecision {
			return nil, wideErr(pos) // both operands are brought to the scale
		}
		t = decimalOrWide(min(p1-s1, p2-s2)+s, s)
	}
	if t == typeWideDecimal {
		return nil, wideErr(pos)
	}
	operand := func(e plan.Expr, p, s int) (plan.Expr, *Error) {
		if e.Type().IsDecimal() {
			return e, nil // its own scale: decArith rescales, a product adds the scales
		}
		if isNull(e) {
			return coerce(e, t), nil
		}
		d := decimalOrWide(p, s)
		if d == typeWideDecimal {
			return nil, wideErr(pos)
		}
		return coerce(e, d), nil
	}
	// A NULL operand makes the result NULL of the result type.
	if isNull(l) || isNull(r) {
		return &plan.Const{At: pos, V: sdk.Null(t)}, nil
	}
	x, err := operand(l, p1, s1)
	if err != nil {
		return nil, err
	}
	y, err := operand(r, p2, s2)
	if err != nil {
		return nil, err
	}
	return &plan.Binary{At: pos, Op: planOps[op], X: x, Y: y, T: t}, nil
}

// rescaleConst converts a constant integer or DECIMAL value to DECIMAL t
// (HALF_UP when the scale shrinks); false when it does not fit.
func rescaleConst(v sdk.Value, t sdk.Type) (sdk.Value, bool) {
	from := v.Type.Scale()
	to := t.Scale()
	u := v.I
	switch {
	case to > from:
		m := sdk.Pow10(to - from)
		if u > (1<<62)/m || u < -(1<<62)/m {
			return sdk.Value{}, false
		}
		u *= m
	case to < from:
		d := sdk.Pow10(from - to)
		q, r := u/d, u%d
		switch { // HALF_UP: halves away from zero
		case r*2 >= d:
			q++
		case -r*2 >= d:
			q--
		}
		u = q
	}
	if lim := sdk.Pow10(t.Precision()); u >= lim || u <= -lim {
		return sdk.Value{}, false
	}
	return sdk.Decimal(t, u), true
}
