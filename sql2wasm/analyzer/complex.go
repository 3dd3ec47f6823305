package analyzer

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// castComplex checks a CAST from or to ARRAY, MAP or STRUCT.
func (c *exprChecker) castComplex(x *ast.Cast, v plan.Expr, to *sdk.TypeDesc) (plan.Expr, *Error) {
	from := plan.DescOf(v)
	if from.Equal(to) {
		return v, nil
	}
	return nil, notSupported(x.Pos(), "CAST from "+from.String()+" to "+to.String())
}

// deref types s->f: field f of a STRUCT, matched by its exact name (the
// parser upper-cases an unquoted one, as the field's declaration was).
func (c *exprChecker) deref(x *ast.Deref) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	d := plan.DescOf(v)
	if d.Type != sdk.TypeStruct {
		return nil, errorf(x.Arrow, "Expected STRUCT type, got: %s", typeName(v.Type()))
	}
	for i, f := range d.Fields {
		if f.Name == x.Field.Name {
			return &plan.Element{At: x.Arrow, X: v, Kind: plan.ElemField, Field: i, D: f.Type}, nil
		}
	}
	return nil, errorf(x.Field.Pos(), "Could not find field '%s' in '%s'.", x.Field.Name, formatExpr(x.X, nil))
}

// subscript types a[i] (an ARRAY element, i an INT) and m[k] (a MAP value,
// k a STRING).
func (c *exprChecker) subscript(x *ast.Subscript) (plan.Expr, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	idx, err := c.check(x.Index)
	if err != nil {
		return nil, err
	}
	d := plan.DescOf(v)
	switch d.Type {
	case sdk.TypeArray:
		if idx.Type() != sdk.TypeInt && !isNull(idx) {
			return nil, errorf(x.Index.Pos(), "Array index must be INTEGER, got: %s", typeName(idx.Type()))
		}
		return &plan.Element{At: x.Lbrack, X: v, Kind: plan.ElemIndex, Index: idx, D: d.Elem}, nil
	case sdk.TypeMap:
		if d.Key.Type != sdk.TypeString {
			return nil, notSupported(x.Lbrack, "subscripts of maps with "+d.Key.String()+" keys")
		}
		if idx.Type() != sdk.TypeString && !isNull(idx) {
			return nil, errorf(x.Index.Pos(), "Map key must be %s, got: %s", d.Key, typeName(idx.Type()))
		}
		return &plan.Element{At: x.Lbrack, X: v, Kind: plan.ElemKey, Index: idx, D: d.Elem}, nil
	}
	return nil, errorf(x.Lbrack, "Subscript expected either ARRAY or MAP, got: %s", typeName(v.Type()))
}

// compareComplex types = and <> between ARRAY, MAP and STRUCT values: both
// sides of the same shape, INT and BIGINT parts being interchangeable (they
// have the same encoding, so equal values have equal bytes). Ordering is
// refused, as in ksqlDB.
func compareComplex(pos token.Pos, op ast.BinaryOp, lx, rx ast.Expr, l, r plan.Expr) (plan.Expr, *Error) {
	ld, rd := plan.DescOf(l), plan.DescOf(r)
	if (op != ast.OpEq && op != ast.OpNe) || !sameShape(ld, rd) {
		return nil, typeErr(pos, "Cannot compare %s (%s) to %s (%s) with %s.",
			formatExpr(lx, nil), ld, formatExpr(rx, nil), rd, cmpNames[op])
	}
	return &plan.Binary{At: pos, Op: planOps[op], X: l, Y: r, T: sdk.TypeBoolean}, nil
}

// sameShape reports whether values of types a and b can be compared by
// their encodings.
func sameShape(a, b *sdk.TypeDesc) bool {
	if a == nil || b == nil {
		return a == b
	}
	isInt := func(t sdk.Type) bool { return t == sdk.TypeInt || t == sdk.TypeBigInt }
	if isInt(a.Type) && isInt(b.Type) {
		return true
	}
	if a.Type != b.Type || len(a.Fields) != len(b.Fields) {
		return false
	}
	switch a.Type {
	case sdk.TypeArray:
		return sameShape(a.Elem, b.Elem)
	case sdk.TypeMap:
		return sameShape(a.Key, b.Key) && sameShape(a.Elem, b.Elem)
	case sdk.TypeStruct:
		for i := range a.Fields {
			if a.Fields[i].Name != b.Fields[i].Name || !sameShape(a.Fields[i].Type, b.Fields[i].Type) {
				return false
			}
		}
	}
	return true
}

// isDeref reports whether e is a struct field dereference s->f.
func isDeref(e ast.Expr) bool {
	_, ok := unparen(e).(*ast.Deref)
	return ok
}
