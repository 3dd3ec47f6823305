package analyzer

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// in rewrites `x [NOT] IN (a, b, ...)`.
//
// As in ksqlDB (CoercionUtil.coerceUserList), x and the list are brought to
// one common type first: numbers widen; a string literal counts as the
// number it spells when the others are numbers (and as a boolean among
// booleans); a non-string literal turns into its text among strings; any
// other mismatch is an error. Then `x IN (...)` is true when x equals an
// element and false otherwise, never NULL: ksqlDB's InListEvaluator skips
// NULL elements and answers false for a NULL x, so `x NOT IN (...)` is true
// for a NULL x.
func (c *exprChecker) in(x *ast.In) (plan.Expr, *Error) {
	items := append([]ast.Expr{x.X}, x.List...)
	typed := make([]plan.Expr, len(items))
	for i, a := range items {
		e, err := c.check(a)
		if err != nil {
			return nil, err
		}
		typed[i] = e
	}
	for _, e := range typed {
		if e.Type().IsComplex() {
			return c.inComplex(x, items, typed)
		}
	}

	common, err := c.listType(items, typed)
	if err != nil {
		return nil, err
	}

	pos := x.X.Pos()
	// A common DECIMAL wider than wasmstream's (BIGINT with a fraction)
	// is not needed: every item is an exact number, compared with x exactly
	// in its own type.
	wide := common == typeWideDecimal
	var match plan.Expr
	if !isNull(typed[0]) && common != sdk.TypeUnknown {
		v := convertListItem(typed[0], items[0], common)
		for i := 1; i < len(typed); i++ {
			if isNull(typed[i]) {
				continue
			}
			var y plan.Expr
			if wide {
				v, y = exactItems(typed[0], typed[i], items[i])
			} else {
				y = convertListItem(typed[i], items[i], common)
			}
			eq := &plan.Binary{At: items[i].Pos(), Op: plan.OpEq, X: v,
				Y: y, T: sdk.TypeBoolean}
			match = orEq(pos, match, eq)
		}
	}
	return inResult(pos, match, x.Not), nil
}

// orEq adds eq to a disjunction of an IN list's equalities (nil: none).
func orEq(pos token.Pos, match, eq plan.Expr) plan.Expr {
	if match == nil {
		return eq
	}
	return &plan.Binary{At: pos, Op: plan.OpOr, X: match, Y: eq, T: sdk.TypeBoolean}
}

// inResult is the value of x [NOT] IN (...) from the disjunction of its
// equalities: TRUE when one holds, else FALSE (also when they are NULL),
// negated for NOT IN.
func inResult(pos token.Pos, match plan.Expr, not bool) plan.Expr {
	var out plan.Expr
	if match == nil {
		out = &plan.Const{At: pos, V: sdk.Bool(false)}
	} else {
		out = &plan.Case{At: pos, Whens: []plan.When{{Cond: match, Then: &plan.Const{At: pos, V: sdk.Bool(true)}}},
			Else: &plan.Const{At: pos, V: sdk.Bool(false)}, T: sdk.TypeBoolean}
	}
	if not {
		out = &plan.Unary{At: pos, Op: plan.OpNot, X: out, T: sdk.TypeBoolean}
	}
	return out
}

// exactItems returns x and the IN item e (written as a) ready for an exact
// comparison: a numeric string literal becomes a constant of the type it
// spells; two integers are compared as BIGINT, anything with a DECIMAL as
// it is (see exactCompare).
func exactItems(x, e plan.Expr, a ast.Expr) (plan.Expr, plan.Expr) {
	if lit, ok := unparen(a).(*ast.Literal); ok && lit.Kind == ast.LitString {
		t, _ := stringNumericType(lit.Value)
		e = &plan.Const{At: e.Pos(), V: parseNumber(lit.Value, t)}
	}
	if exactCompare(x.Type(), e.Type()) {
		return x, e
	}
	t := widerNumeric(x.Type(), e.Type())
	return coerce(x, t), coerce(e, t)
}

// listType finds the common type of a list of expressions (IN lists,
// ARRAY and MAP constructors) with ksqlDB's CoercionUtil.coerceUserList
// rules (see in); typed[i] is the checked items[i].
func (c *exprChecker) listType(items []ast.Expr, typed []plan.Expr) (sdk.Type, *Error) {
	common := sdk.TypeUnknown
	for i, e := range typed {
		a := unparen(items[i])
		if common == sdk.TypeUnknown {
			common = e.Type()
			continue
		}
		if isNull(e) {
			continue
		}
		if lit, ok := a.(*ast.Literal); ok && lit.Kind == ast.LitString {
			if isNumeric(common) {
				src, ok := stringNumericType(lit.Value)
				if !ok {
					name := common.String()
					if isDecimalish(common) {
						name = "DECIMAL"
					}
					return sdk.TypeUnknown, c.genErr(a.Pos(), "invalid input syntax for type %s: \"%s\".", name, lit.Value)
				}
				switch {
				case src == sdk.TypeDouble || common == sdk.TypeDouble:
					common = sdk.TypeDouble
				case isDecimalish(src) || isDecimalish(common):
					common = widerNumeric(common, src)
				case canWiden(src, common):
				default:
					common = src
				}
				continue
			}
			if common == sdk.TypeBoolean {
				if _, ok := laxBool(lit.Value); !ok {
					return sdk.TypeUnknown, c.genErr(a.Pos(), "invalid input syntax for type BOOLEAN: \"%s\".", lit.Value)
				}
				continue
			}
		}
		if isNumeric(common) && isNumeric(e.Type()) {
			common = widerNumeric(common, e.Type())
			continue
		}
		_, isLit := a.(*ast.Literal)
		if t, ok := listCoercion(e.Type(), common, isLit); ok {
			common = t
			continue
		}
		if t, ok := listCoercion(common, e.Type(), isLit); ok {
			common = t
			continue
		}
		return sdk.TypeUnknown, c.genErr(a.Pos(), "operator does not exist: %s = %s (%s)\nHint: You might need to add explicit type casts.",
			common, e.Type(), formatExpr(a, nil))
	}
	return common, nil
}

// listCoercion is ksqlDB's DefaultSqlValueCoercer.canCoerce: an expression
// may widen to a wider number; a literal (lax) may also become a STRING.
func listCoercion(from, to sdk.Type, lax bool) (sdk.Type, bool) {
	if canWiden(from, to) {
		return to, true
	}
	if lax && to == sdk.TypeString && (isNumeric(from) || from == sdk.TypeBoolean) {
		return sdk.TypeString, true
	}
	return sdk.TypeUnknown, false
}

// convertListItem converts one element of an IN list to the common type:
// literals become constants of that type, other expressions a Convert.
func convertListItem(e plan.Expr, a ast.Expr, t sdk.Type) plan.Expr {
	if e.Type() == t {
		return e
	}
	lit, ok := unparen(a).(*ast.Literal)
	if !ok {
		return coerce(e, t)
	}
	pos := e.Pos()
	switch {
	case lit.Kind == ast.LitString && isNumeric(t):
		return &plan.Const{At: pos, V: parseNumber(lit.Value, t)}
	case lit.Kind == ast.LitString && t == sdk.TypeBoolean:
		b, _ := laxBool(lit.Value)
		return &plan.Const{At: pos, V: sdk.Bool(b)}
	case t == sdk.TypeString:
		return &plan.Const{At: pos, V: sdk.Str(literalText(lit))}
	}
	return coerce(e, t)
}

// literalText is the text a literal turns into as a STRING: booleans in
// lower case, integers without leading zeros, decimals as written.
func literalText(lit *ast.Literal) string {
	switch lit.Kind {
	case ast.LitBool:
		return strings.ToLower(lit.Value)
	case ast.LitInteger:
		if n, ok := new(big.Int).SetString(lit.Value, 10); ok {
			return n.String()
		}
	}
	return lit.Value
}

var numberText = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// stringNumericType returns the type of the number a string spells, as
// ksqlDB's CoercionUtil decides it: digits only are INT or BIGINT when they
// fit (strictly inside the range), anything else numeric is DECIMAL, which
// is DOUBLE here.
func stringNumericType(s string) (sdk.Type, bool) {
	s = strings.TrimSpace(s)
	if !numberText.MatchString(s) {
		return sdk.TypeUnknown, false
	}
	if !strings.ContainsAny(s, ".eE") {
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err == nil && n > math.MinInt32 && n < math.MaxInt32:
			return sdk.TypeInt, true
		case err == nil && n > math.MinInt64 && n < math.MaxInt64:
			return sdk.TypeBigInt, true
		}
	}
	// ksqlDB reads other numbers as DECIMAL (Java's BigDecimal), with the
	// digits written; an exponent moves the scale, and a negative scale
	// becomes 0 with as many more digits ('2e1' is DECIMAL(2, 0)).
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 1000 || e < -1000 {
			return typeWideDecimal, true // far more than 18 digits either way
		}
		mant, exp = s[:i], e
	}
	digits := strings.TrimLeft(strings.TrimLeft(mant, "+-"), "0")
	scale := 0
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		scale = len(digits) - i - 1
		digits = strings.TrimLeft(digits[:i]+digits[i+1:], "0")
	}
	scale -= exp
	precision := max(len(digits), 1)
	if scale < 0 {
		precision, scale = precision-scale, 0
	}
	// Wider than this ABI's DECIMAL: the callers refuse a constructor of
	// it ("not supported yet"), and IN compares it exactly.
	return decimalOrWide(max(precision, scale), scale), true
}

// parseNumber converts the text of a numeric string literal to a value of
// numeric type t (stringNumericType already accepted it).
func parseNumber(s string, t sdk.Type) sdk.Value {
	s = strings.TrimSpace(s)
	switch t {
	case sdk.TypeInt:
		n, _ := strconv.ParseInt(s, 10, 32)
		return sdk.Int(int32(n))
	case sdk.TypeBigInt:
		n, _ := strconv.ParseInt(s, 10, 64)
		return sdk.BigInt(n)
	}
	if t.IsDecimal() {
		u, _ := sdk.ParseDecimal(s, t.Precision(), t.Scale())
		return sdk.Decimal(t, u)
	}
	f, _ := strconv.ParseFloat(s, 64)
	return sdk.Double(f)
}

// laxBool reads a boolean the way ksqlDB's lax coercer does.
func laxBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y":
		return true, true
	case "false", "f", "no", "n":
		return false, true
	}
	return false, false
}
