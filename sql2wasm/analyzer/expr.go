package analyzer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// exprChecker types the expressions of one clause against a scope and
// turns them into plan expressions: names resolved to input columns,
// implicit widenings made explicit, BETWEEN, IN and simple CASE rewritten.
//
// The NULL literal has no type of its own; it is a plan.Const of type
// sdk.TypeUnknown until its context gives it one (coerce). A NULL that no
// context types is an error where a value is produced (a select item).
type exprChecker struct {
	scope  *Scope
	clause string // SELECT, WHERE, PARTITION BY, VALUES: names the clause in errors
	props  Properties
	// subst, when set, is asked first about every expression: a stateful
	// query's final stage reads GROUP BY values, aggregate results and join
	// keys that the host operator computed, in place of the expressions the
	// query wrote.
	subst func(ast.Expr) (plan.Expr, *Error, bool)
}

// typeErr is an error ksqlDB's expression type manager would report.
func typeErr(pos token.Pos, format string, args ...any) *Error {
	e := errorf(pos, format, args...)
	e.phase = phaseType
	return e
}

// genErr is an error ksqlDB finds only when it generates code (list
// coercion, CAST); it is prefixed with "Invalid Predicate: " in WHERE and
// "Invalid Select: " in a projection, as ksqlDB does.
func (c *exprChecker) genErr(pos token.Pos, format string, args ...any) *Error {
	e := errorf(pos, format, args...)
	e.phase = phaseCodegen
	switch c.clause {
	case "WHERE":
		e.Msg = "Invalid Predicate: " + e.Msg
	case "SELECT":
		e.Msg = "Invalid Select: " + e.Msg
	}
	return e
}

// nullConst is the untyped NULL literal.
func nullConst(pos token.Pos) *plan.Const {
	return &plan.Const{At: pos, V: sdk.Value{Type: sdk.TypeUnknown, Null: true}}
}

// isNull reports whether e is an untyped NULL.
func isNull(e plan.Expr) bool {
	k, ok := e.(*plan.Const)
	return ok && k.V.Type == sdk.TypeUnknown
}

// coerce returns e as a value of type t: e itself, a typed NULL, a widened
// constant, or a Convert. Callers check canWiden first (or that e is NULL).
func coerce(e plan.Expr, t sdk.Type) plan.Expr {
	if e.Type() == t {
		return e
	}
	if k, ok := e.(*plan.Const); ok {
		if k.V.Null {
			return &plan.Const{At: k.At, V: sdk.Null(t)}
		}
		if v, ok := convertConst(k.V, t); ok {
			return &plan.Const{At: k.At, V: v}
		}
	}
	return &plan.Convert{At: e.Pos(), X: e, To: t}
}

// convertConst widens a numeric constant at compile time.
func convertConst(v sdk.Value, t sdk.Type) (sdk.Value, bool) {
	if !canWiden(v.Type, t) {
		return sdk.Value{}, false
	}
	switch {
	case t.IsDecimal():
		return rescaleConst(v, t)
	case t == sdk.TypeBigInt:
		return sdk.BigInt(v.I), true
	case t == sdk.TypeDouble && v.Type.IsDecimal():
		return sdk.Double(sdk.DecimalToDouble(v.I, v.Type.Scale())), true
	case t == sdk.TypeDouble:
		return sdk.Double(float64(v.I)), true
	}
	return sdk.Value{}, false
}

// check types e.
func (c *exprChecker) check(e ast.Expr) (plan.Expr, *Error) {
	if c.subst != nil && e != nil {
		if p, err, ok := c.subst(e); ok {
			return p, err
		}
	}
	switch x := e.(type) {
	case *ast.Literal:
		return literal(x)
	case *ast.ColumnRef:
		col, _, err := c.scope.column(x, c.clause)
		if err != nil {
			return nil, err
		}
		return col, nil
	case *ast.Paren:
		return c.check(x.X)
	case *ast.Unary:
		return c.unary(x)
	case *ast.Binary:
		return c.binary(x)
	case *ast.IsNull:
		return c.isNull(x)
	case *ast.Like:
		return c.like(x)
	case *ast.Between:
		return c.between(x)
	case *ast.In:
		return c.in(x)
	case *ast.Case:
		return c.caseExpr(x)
	case *ast.Cast:
		return c.cast(x)
	case *ast.Call:
		return c.call(x)
	case *ast.Deref:
		return c.deref(x)
	case *ast.DerefAll:
		// Expanded by the projection of a single-source query; elsewhere
		// (joins, other clauses) it is not built.
		return nil, notSupported(x.Arrow, "struct field dereference x->* here")
	case *ast.ArrayCons:
		return c.arrayCons(x)
	case *ast.MapCons:
		return c.mapCons(x)
	case *ast.StructCons:
		return c.structCons(x)
	case *ast.Subscript:
		return c.subscript(x)
	case nil:
		return nil, errorf(token.NoPos, "missing expression")
	}
	return nil, notSupported(e.Pos(), fmt.Sprintf("expression %T", e))
}

// literal types a constant: digits are INT when they fit 32 bits and
// BIGINT when they fit 64, as in ksqlDB; a number with a point is a
// DECIMAL with the digits written (1.5 is DECIMAL(2, 1)); a number with an
// exponent is DOUBLE.
func literal(x *ast.Literal) (plan.Expr, *Error) {
	switch x.Kind {
	case ast.LitNull:
		return nullConst(x.Pos()), nil
	case ast.LitBool:
		return &plan.Const{At: x.Pos(), V: sdk.Bool(strings.EqualFold(x.Value, "true"))}, nil
	case ast.LitString:
		return &plan.Const{At: x.Pos(), V: sdk.Str(x.Value)}, nil
	case ast.LitInteger:
		n, err := strconv.ParseInt(x.Value, 10, 64)
		if err != nil {
			return nil, errorf(x.Pos(), "Invalid numeric literal: %s", x.Value)
		}
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return &plan.Const{At: x.Pos(), V: sdk.Int(int32(n))}, nil
		}
		return &plan.Const{At: x.Pos(), V: sdk.BigInt(n)}, nil
	case ast.LitDecimal:
		return decimalLiteral(x)
	case ast.LitFloat:
		f, err := strconv.ParseFloat(x.Value, 64)
		if math.IsInf(f, 0) {
			return nil, errorf(x.Pos(), "Number overflows DOUBLE: %s", x.Value)
		}
		// An underflow (ErrRange with a zero or denormal result) is accepted,
		// as Java's Double.parseDouble accepts it.
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, errorf(x.Pos(), "Invalid numeric literal: %s", x.Value)
		}
		return &plan.Const{At: x.Pos(), V: sdk.Double(f)}, nil
	}
	return nil, errorf(x.Pos(), "unknown literal %q", x.Value)
}

func (c *exprChecker) unary(x *ast.Unary) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case ast.OpNot:
		if isNull(v) {
			return &plan.Const{At: x.OpPos, V: sdk.Null(sdk.TypeBoolean)}, nil
		}
		if v.Type() != sdk.TypeBoolean {
			return nil, typeErr(x.OpPos, "Cannot apply NOT to %s (%s): NOT requires a BOOLEAN.",
				formatExpr(x.X, nil), typeName(v.Type()))
		}
		return &plan.Unary{At: x.OpPos, Op: plan.OpNot, X: v, T: sdk.TypeBoolean}, nil
	default:
		if isNull(v) {
			return v, nil
		}
		if !isNumeric(v.Type()) {
			return nil, typeErr(x.OpPos, "Cannot apply unary %s to %s (%s): it requires a number.",
				map[ast.UnaryOp]string{ast.OpNeg: "-", ast.OpPlus: "+"}[x.Op], formatExpr(x.X, nil), typeName(v.Type()))
		}
		if x.Op == ast.OpPlus {
			return v, nil
		}
		if k, ok := v.(*plan.Const); ok && !k.V.Null && k.V.Type.IsDecimal() {
			return &plan.Const{At: x.OpPos, V: sdk.Decimal(k.V.Type, -k.V.I)}, nil
		}
		if k, ok := v.(*plan.Const); ok && !k.V.Null {
			// Fold, so that -(2147483648) typed BIGINT stays a constant.
			switch k.V.Type {
			case sdk.TypeDouble:
				return &plan.Const{At: x.OpPos, V: sdk.Double(-k.V.F)}, nil
			case sdk.TypeBigInt:
				return &plan.Const{At: x.OpPos, V: sdk.BigInt(-k.V.I)}, nil
			case sdk.TypeInt:
				if k.V.I != math.MinInt32 {
					return &plan.Const{At: x.OpPos, V: sdk.Int(int32(-k.V.I))}, nil
				}
			}
		}
		return &plan.Unary{At: x.OpPos, Op: plan.OpNeg, X: v, T: v.Type()}, nil
	}
}

// comparison operator names as ksqlDB's ComparisonExpression.Type prints
// them in "Cannot compare" errors, and their symbols.
var cmpNames = map[ast.BinaryOp]string{
	ast.OpEq: "EQUAL", ast.OpNe: "NOT_EQUAL", ast.OpLt: "LESS_THAN", ast.OpLe: "LESS_THAN_OR_EQUAL",
	ast.OpGt: "GREATER_THAN", ast.OpGe: "GREATER_THAN_OR_EQUAL",
}

var planOps = map[ast.BinaryOp]plan.Op{
	ast.OpAdd: plan.OpAdd, ast.OpSub: plan.OpSub, ast.OpMul: plan.OpMul, ast.OpDiv: plan.OpDiv,
	ast.OpMod: plan.OpMod, ast.OpEq: plan.OpEq, ast.OpNe: plan.OpNe, ast.OpLt: plan.OpLt,
	ast.OpLe: plan.OpLe, ast.OpGt: plan.OpGt, ast.OpGe: plan.OpGe, ast.OpAnd: plan.OpAnd, ast.OpOr: plan.OpOr,
}

func (c *exprChecker) binary(x *ast.Binary) (plan.Expr, *Error) {
	l, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	r, err := c.check(x.Y)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case ast.OpAnd, ast.OpOr:
		return c.logical(x, l, r)
	case ast.OpEq, ast.OpNe, ast.OpLt, ast.OpLe, ast.OpGt, ast.OpGe:
		return c.compare(x.OpPos, x.Op, x.X, x.Y, l, r)
	case ast.OpConcat:
		return c.concatOp(x, l, r)
	case ast.OpIsDistinct, ast.OpIsNotDistinct:
		return c.distinct(x, l, r)
	}
	return c.arithmetic(x, l, r)
}

func (c *exprChecker) logical(x *ast.Binary, l, r plan.Expr) (plan.Expr, *Error) {
	operand := func(e plan.Expr, a ast.Expr) (plan.Expr, *Error) {
		if isNull(e) {
			return coerce(e, sdk.TypeBoolean), nil
		}
		if e.Type() != sdk.TypeBoolean {
			return nil, typeErr(a.Pos(), "Logical operator %s requires BOOLEAN operands, but %s is %s.",
				x.Op, formatExpr(a, nil), typeName(e.Type()))
		}
		return e, nil
	}
	l, err := operand(l, x.X)
	if err != nil {
		return nil, err
	}
	r, err = operand(r, x.Y)
	if err != nil {
		return nil, err
	}
	return &plan.Binary{At: x.OpPos, Op: planOps[x.Op], X: l, Y: r, T: sdk.TypeBoolean}, nil
}

// comparable applies ksqlDB's ComparisonUtil: numbers with numbers, strings
// with strings, booleans with booleans for = and <> only. It returns the
// type both sides are compared in.
func comparable(lt, rt sdk.Type, op ast.BinaryOp) (sdk.Type, bool) {
	switch {
	case isNumeric(lt) && isNumeric(rt):
		return widerNumeric(lt, rt), true
	case lt == sdk.TypeString && rt == sdk.TypeString:
		return sdk.TypeString, true
	case lt == sdk.TypeBytes && rt == sdk.TypeBytes:
		return sdk.TypeBytes, true
	case lt == sdk.TypeBoolean && rt == sdk.TypeBoolean:
		return sdk.TypeBoolean, op == ast.OpEq || op == ast.OpNe
	}
	return sdk.TypeUnknown, false
}

// compare types `l op r`. ksqlDB refuses a comparison with the NULL
// literal (it is never true; IS NULL is what was meant).
func (c *exprChecker) compare(pos token.Pos, op ast.BinaryOp, lx, rx ast.Expr, l, r plan.Expr) (plan.Expr, *Error) {
	if k, err, ok := magicTimestamp(lx, l, r); ok {
		if err != nil {
			return nil, err
		}
		r = k
	} else if k, err, ok := magicTimestamp(rx, r, l); ok {
		if err != nil {
			return nil, err
		}
		l = k
	}
	if isNull(l) || isNull(r) {
		return nil, typeErr(pos, "Comparison with NULL not supported: %s %s %s\nUse 'IS NULL' or 'IS NOT NULL' instead.",
			typeName(l.Type()), op, typeName(r.Type()))
	}
	if l.Type().IsComplex() || r.Type().IsComplex() {
		return compareComplex(pos, op, lx, rx, l, r)
	}
	t, ok := comparable(l.Type(), r.Type(), op)
	if !ok {
		return nil, typeErr(pos, "Cannot compare %s (%s) to %s (%s) with %s.",
			formatExpr(lx, nil), typeName(l.Type()), formatExpr(rx, nil), typeName(r.Type()), cmpNames[op])
	}
	if exactCompare(l.Type(), r.Type()) {
		return &plan.Binary{At: pos, Op: planOps[op], X: l, Y: r, T: sdk.TypeBoolean}, nil
	}
	return &plan.Binary{At: pos, Op: planOps[op], X: coerce(l, t), Y: coerce(r, t), T: sdk.TypeBoolean}, nil
}

// arithmetic types + - * / %: numbers widen to the wider operand type;
// STRING + STRING concatenates (a ksqlDB extension) and is NULL when either
// side is.
func (c *exprChecker) arithmetic(x *ast.Binary, l, r plan.Expr) (plan.Expr, *Error) {
	lt, rt := l.Type(), r.Type()
	if isNull(l) && isNull(r) {
		return l, nil
	}
	if isNull(l) {
		lt = rt
	}
	if isNull(r) {
		rt = lt
	}
	switch {
	case isNumeric(lt) && isNumeric(rt) && widerNumeric(lt, rt) != sdk.TypeDouble && (isDecimalish(lt) || isDecimalish(rt)):
		return decimalArith(x.OpPos, x.Op, coerceNull(l, rt), coerceNull(r, lt))
	case isNumeric(lt) && isNumeric(rt):
		t := widerNumeric(lt, rt)
		if isNull(l) || isNull(r) {
			return &plan.Const{At: x.OpPos, V: sdk.Null(t)}, nil
		}
		return &plan.Binary{At: x.OpPos, Op: planOps[x.Op], X: coerce(l, t), Y: coerce(r, t), T: t}, nil
	case x.Op == ast.OpAdd && lt == sdk.TypeString && rt == sdk.TypeString:
		return strictConcat(x.OpPos, coerce(l, sdk.TypeString), coerce(r, sdk.TypeString)), nil
	}
	return nil, typeErr(x.OpPos, "Error processing expression: %s. Unsupported arithmetic types. %s %s",
		formatExpr(x, nil), typeName(l.Type()), typeName(r.Type()))
}

// concatOp types `a || b`: STRING operands.
func (c *exprChecker) concatOp(x *ast.Binary, l, r plan.Expr) (plan.Expr, *Error) {
	for _, side := range []struct {
		e plan.Expr
		a ast.Expr
	}{{l, x.X}, {r, x.Y}} {
		if !isNull(side.e) && side.e.Type() != sdk.TypeString {
			return nil, typeErr(x.OpPos, "Error processing expression: %s. Unsupported types for ||. %s %s",
				formatExpr(x, nil), typeName(l.Type()), typeName(r.Type()))
		}
	}
	return strictConcat(x.OpPos, coerce(l, sdk.TypeString), coerce(r, sdk.TypeString)), nil
}

// strictConcat concatenates two strings, NULL if either is NULL (CONCAT
// itself skips NULL arguments, which + and || do not).
func strictConcat(pos token.Pos, l, r plan.Expr) plan.Expr {
	if isTypedNull(l) || isTypedNull(r) {
		return &plan.Const{At: pos, V: sdk.Null(sdk.TypeString)}
	}
	concat := &plan.Call{At: pos, Fn: plan.FnConcat, Args: []plan.Expr{l, r}, T: sdk.TypeString}
	// Only operands that can be NULL need a test; constants here are not.
	var anyNull plan.Expr
	for _, e := range []plan.Expr{l, r} {
		if _, isConst := e.(*plan.Const); isConst {
			continue
		}
		var test plan.Expr = &plan.IsNull{At: pos, X: e}
		if anyNull != nil {
			test = &plan.Binary{At: pos, Op: plan.OpOr, X: anyNull, Y: test, T: sdk.TypeBoolean}
		}
		anyNull = test
	}
	if anyNull == nil {
		return concat
	}
	return &plan.Case{At: pos,
		Whens: []plan.When{{Cond: anyNull, Then: &plan.Const{At: pos, V: sdk.Null(sdk.TypeString)}}},
		Else:  concat,
		T:     sdk.TypeString,
	}
}

// distinct types `l IS [NOT] DISTINCT FROM r`, a comparison in which NULL
// is a value: it is rewritten to
// CASE WHEN l IS NULL THEN r IS [NOT] NULL WHEN r IS NULL THEN d ELSE l <> r (or =) END,
// which is never NULL.
func (c *exprChecker) distinct(x *ast.Binary, l, r plan.Expr) (plan.Expr, *Error) {
	same := x.Op == ast.OpIsNotDistinct
	pos := x.OpPos
	lNull, rNull := isTypedNull(l), isTypedNull(r)
	switch {
	case lNull && rNull:
		return &plan.Const{At: pos, V: sdk.Bool(same)}, nil
	case lNull || rNull:
		other := l
		if lNull {
			other = r
		}
		if _, isConst := other.(*plan.Const); isConst {
			return &plan.Const{At: pos, V: sdk.Bool(!same)}, nil
		}
		return &plan.IsNull{At: pos, X: other, Not: !same}, nil
	}
	op := ast.OpNe
	if same {
		op = ast.OpEq
	}
	cmp, err := c.compare(pos, op, x.X, x.Y, l, r)
	if err != nil {
		return nil, err
	}
	return &plan.Case{At: pos,
		Whens: []plan.When{
			{Cond: &plan.IsNull{At: pos, X: l}, Then: &plan.IsNull{At: pos, X: r, Not: !same}},
			{Cond: &plan.IsNull{At: pos, X: r}, Then: &plan.Const{At: pos, V: sdk.Bool(!same)}},
		},
		Else: cmp,
		T:    sdk.TypeBoolean,
	}, nil
}

// coerceNull gives an untyped NULL type t; other expressions are returned
// as they are.
func coerceNull(e plan.Expr, t sdk.Type) plan.Expr {
	if isNull(e) {
		return coerce(e, t)
	}
	return e
}

func isTypedNull(e plan.Expr) bool {
	k, ok := e.(*plan.Const)
	return ok && k.V.Null
}

func (c *exprChecker) isNull(x *ast.IsNull) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	if k, ok := v.(*plan.Const); ok {
		// A constant's nullness is known now; the plan never asks a NULL of
		// unknown type whether it is NULL.
		return &plan.Const{At: x.X.Pos(), V: sdk.Bool(k.V.Null != x.Not)}, nil
	}
	return &plan.IsNull{At: x.X.Pos(), X: v, Not: x.Not}, nil
}

func (c *exprChecker) like(x *ast.Like) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	p, err := c.check(x.Pattern)
	if err != nil {
		return nil, err
	}
	for _, side := range []struct {
		e plan.Expr
		a ast.Expr
	}{{v, x.X}, {p, x.Pattern}} {
		if !isNull(side.e) && side.e.Type() != sdk.TypeString {
			return nil, typeErr(side.a.Pos(), "LIKE requires STRING operands, but %s is %s.",
				formatExpr(side.a, nil), typeName(side.e.Type()))
		}
	}
	esc := int32(-1)
	if x.Escape != nil {
		lit, ok := unparen(x.Escape).(*ast.Literal)
		if !ok || lit.Kind != ast.LitString || len([]rune(lit.Value)) != 1 {
			return nil, typeErr(x.Escape.Pos(), "The ESCAPE of LIKE must be a string of one character, not %s.",
				formatExpr(x.Escape, nil))
		}
		esc = []rune(lit.Value)[0]
	}
	return &plan.Like{At: x.X.Pos(), X: coerce(v, sdk.TypeString), Pattern: coerce(p, sdk.TypeString),
		Escape: esc, Not: x.Not}, nil
}

// between rewrites `x [NOT] BETWEEN lo AND hi` to `[NOT] (x >= lo AND x <=
// hi)`, all three compared in one type.
func (c *exprChecker) between(x *ast.Between) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	lo, err := c.check(x.Lo)
	if err != nil {
		return nil, err
	}
	hi, err := c.check(x.Hi)
	if err != nil {
		return nil, err
	}
	for _, bound := range []*plan.Expr{&lo, &hi} {
		if k, err, ok := magicTimestamp(x.X, v, *bound); ok {
			if err != nil {
				return nil, err
			}
			*bound = k
		}
	}
	for _, side := range []struct {
		e plan.Expr
		a ast.Expr
	}{{lo, x.Lo}, {hi, x.Hi}} {
		if isNull(v) || isNull(side.e) {
			return nil, typeErr(x.Pos(), "Comparison with NULL not supported: %s BETWEEN %s\nUse 'IS NULL' or 'IS NOT NULL' instead.",
				typeName(v.Type()), typeName(side.e.Type()))
		}
		if _, ok := comparable(v.Type(), side.e.Type(), ast.OpLe); !ok {
			return nil, typeErr(x.Pos(), "Cannot compare %s (%s) to %s (%s) with BETWEEN.",
				formatExpr(x.X, nil), typeName(v.Type()), formatExpr(side.a, nil), typeName(side.e.Type()))
		}
	}
	t := v.Type()
	if isNumeric(t) {
		t = widerNumeric(widerNumeric(t, lo.Type()), hi.Type())
	}
	pos := x.X.Pos()
	vl, lo2, vh, hi2 := coerce(v, t), coerce(lo, t), coerce(v, t), coerce(hi, t)
	if isDecimalish(t) {
		// Exact comparisons of each pair, without a common DECIMAL type.
		vl, lo2, vh, hi2 = v, lo, v, hi
	}
	ge := &plan.Binary{At: pos, Op: plan.OpGe, X: vl, Y: lo2, T: sdk.TypeBoolean}
	le := &plan.Binary{At: pos, Op: plan.OpLe, X: vh, Y: hi2, T: sdk.TypeBoolean}
	var out plan.Expr = &plan.Binary{At: pos, Op: plan.OpAnd, X: ge, Y: le, T: sdk.TypeBoolean}
	if x.Not {
		out = &plan.Unary{At: pos, Op: plan.OpNot, X: out, T: sdk.TypeBoolean}
	}
	return out, nil
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

// caseExpr types CASE. Like ksqlDB, every THEN and the ELSE must have the
// same type (NULL fits any); a simple CASE becomes a searched one comparing
// the operand to each WHEN value; a missing ELSE is NULL.
func (c *exprChecker) caseExpr(x *ast.Case) (plan.Expr, *Error) {
	var operand plan.Expr
	if x.Operand != nil {
		var err *Error
		if operand, err = c.check(x.Operand); err != nil {
			return nil, err
		}
	}
	whens := make([]plan.When, 0, len(x.Whens))
	t := sdk.TypeUnknown
	for _, w := range x.Whens {
		cond, err := c.check(w.Cond)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = c.compare(w.WhenPos, ast.OpEq, x.Operand, w.Cond, operand, cond); err != nil {
				return nil, err
			}
		} else if isNull(cond) {
			cond = coerce(cond, sdk.TypeBoolean)
		} else if cond.Type() != sdk.TypeBoolean {
			return nil, typeErr(w.Cond.Pos(), "WHEN operand type should be boolean.\nType for '%s' is %s",
				formatExpr(w.Cond, nil), typeName(cond.Type()))
		}
		res, err := c.check(w.Result)
		if err != nil {
			return nil, err
		}
		if !isNull(res) {
			if t == sdk.TypeUnknown {
				t = res.Type()
			} else if res.Type() != t {
				return nil, typeErr(w.Result.Pos(), "Invalid Case expression. Type for all 'THEN' clauses should be the same.\n"+
					"THEN expression 'WHEN %s THEN %s' has type: %s.\nPrevious THEN expression(s) type: %s.",
					formatExpr(w.Cond, nil), formatExpr(w.Result, nil), typeName(res.Type()), typeName(t))
			}
		}
		whens = append(whens, plan.When{Cond: cond, Then: res})
	}
	var els plan.Expr
	if x.Else != nil {
		var err *Error
		if els, err = c.check(x.Else); err != nil {
			return nil, err
		}
		if !isNull(els) {
			if t == sdk.TypeUnknown {
				t = els.Type()
			} else if els.Type() != t {
				return nil, typeErr(x.Else.Pos(), "Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\n"+
					"THEN type: %s.\nDEFAULT type: %s.", typeName(t), typeName(els.Type()))
			}
		}
	}
	if t == sdk.TypeUnknown {
		return nil, typeErr(x.Pos(), "Invalid Case expression. All case branches have NULL type")
	}
	if t.IsComplex() {
		return caseComplex(x, whens, els)
	}
	for i := range whens {
		whens[i].Then = coerce(whens[i].Then, t)
	}
	if els == nil {
		els = &plan.Const{At: x.Pos(), V: sdk.Null(t)}
	}
	return &plan.Case{At: x.Pos(), Whens: whens, Else: coerce(els, t), T: t}, nil
}

// castAllowed says which CASTs ksqlDB supports between the types
// wasmstream has: any type to STRING, STRING to any type, numbers to
// numbers. BOOLEAN and the numbers do not convert into each other.
func castAllowed(from, to sdk.Type) bool {
	switch {
	case from == to, to == sdk.TypeString, from == sdk.TypeString:
		return true
	case isNumeric(from) && isNumeric(to):
		return true
	}
	return false
}

func (c *exprChecker) cast(x *ast.Cast) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	toDesc, err := sqlTypeDesc(x.Type)
	if err != nil {
		return nil, err
	}
	to := toDesc.Type
	if isNull(v) {
		if to.IsComplex() {
			return &plan.Const{At: x.Pos(), V: sdk.Null(to), D: toDesc}, nil
		}
		return &plan.Const{At: x.Pos(), V: sdk.Null(to)}, nil
	}
	if to.IsComplex() || v.Type().IsComplex() {
		return c.castComplex(x, v, toDesc)
	}
	if !castAllowed(v.Type(), to) {
		return nil, c.genErr(x.Pos(), "Cast of %s to %s is not supported", typeName(v.Type()), to)
	}
	if v.Type() == to {
		return v, nil
	}
	// A STRING that does not spell a value of the target type makes the CAST
	// NULL: ksqlDB logs the failed evaluation and writes NULL for the column
	// (its PARTITION BY and projection tests expect the row, with a NULL).
	return &plan.Convert{At: x.Pos(), X: v, To: to, NullOnError: v.Type() == sdk.TypeString}, nil
}
