package analyzer

import (
	"strconv"
	"strings"

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
	if !castableComplex(from, to) {
		return nil, c.genErr(x.Pos(), "Cast of %s to %s is not supported", from, to)
	}
	cv := &plan.Convert{At: x.Pos(), X: v, To: to.Type}
	if to.Type.IsComplex() {
		cv.ToDesc = to
	}
	return cv, nil
}

// castableComplex applies ksqlDB's rules for CAST with complex types: to
// STRING, or to the same kind of complex type with castable parts (STRUCT
// fields are matched by name, so any field set goes).
func castableComplex(from, to *sdk.TypeDesc) bool {
	if to.Type == sdk.TypeString {
		return true
	}
	if from.Type != to.Type {
		return !from.Type.IsComplex() && !to.Type.IsComplex() && castAllowed(from.Type, to.Type)
	}
	switch to.Type {
	case sdk.TypeArray:
		return castableComplex(from.Elem, to.Elem)
	case sdk.TypeMap:
		return castableComplex(from.Key, to.Key) && castableComplex(from.Elem, to.Elem)
	case sdk.TypeStruct:
		for _, tf := range to.Fields {
			for _, ff := range from.Fields {
				if ff.Name == tf.Name && !castableComplex(ff.Type, tf.Type) {
					return false
				}
			}
		}
	}
	return true
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

// elementsType finds the common type of constructor elements and makes
// every element that type: scalars with ksqlDB's list coercion (as IN
// lists: a string literal among numbers is the number it spells...),
// complex values of one shape, or STRUCTs of different fields merged into
// one STRUCT with all their fields (matched by name). what names the
// elements in the all-NULL error.
func (c *exprChecker) elementsType(pos token.Pos, what string, items []ast.Expr, args []plan.Expr) (*sdk.TypeDesc, *Error) {
	var descs []*sdk.TypeDesc
	complexArgs := false
	for _, a := range args {
		if !isNull(a) {
			descs = append(descs, plan.DescOf(a))
			complexArgs = complexArgs || a.Type().IsComplex()
		}
	}
	if len(descs) == 0 {
		return nil, errorf(pos, "Cannot construct %s with all NULL %s", map[string]string{"elements": "an array", "keys": "a map", "values": "a map"}[what], what)
	}
	var d *sdk.TypeDesc
	if complexArgs {
		d = descs[0]
		for _, ad := range descs[1:] {
			switch {
			case sameShape(d, ad):
			case d.Type == sdk.TypeStruct && ad.Type == sdk.TypeStruct:
				u, ok := unionStruct(d, ad)
				if !ok {
					return nil, typeErr(pos, "Cannot construct %s: %s and %s do not match", what, d, ad)
				}
				d = u
			default:
				return nil, typeErr(pos, "Cannot construct %s: %s and %s do not match", what, d, ad)
			}
		}
		for i, a := range args {
			v, bad := coercePart(a, d)
			if bad != nil {
				return nil, c.genErr(items[i].Pos(), "invalid input syntax for type %s: \"%s\".", bad.t, bad.text)
			}
			if v == nil {
				return nil, typeErr(items[i].Pos(), "Cannot construct %s: %s and %s do not match", what, d, plan.DescOf(a))
			}
			args[i] = v
		}
		return d, nil
	}
	common, err := c.listType(items, args)
	if err != nil {
		return nil, err
	}
	if common == typeWideDecimal {
		return nil, wideErr(pos)
	}
	d = sdk.Scalar(common)
	for i, a := range args {
		if isNull(a) {
			args[i] = typedAs(a, d)
		} else {
			args[i] = convertListItem(a, items[i], common)
		}
	}
	return d, nil
}

// unionStruct merges two STRUCT types: the fields of a, widened where b
// has a wider number, then those of b that a lacks.
func unionStruct(a, b *sdk.TypeDesc) (*sdk.TypeDesc, bool) {
	fields := append([]sdk.Field(nil), a.Fields...)
	for _, bf := range b.Fields {
		found := false
		for i, af := range fields {
			if af.Name != bf.Name {
				continue
			}
			found = true
			switch {
			case isNumeric(af.Type.Type) && isNumeric(bf.Type.Type) && !af.Type.Type.IsComplex():
				fields[i].Type = sdk.Scalar(widerNumeric(af.Type.Type, bf.Type.Type))
			case !sameShape(af.Type, bf.Type):
				return nil, false
			}
		}
		if !found {
			fields = append(fields, bf)
		}
	}
	return sdk.StructOf(fields...), true
}

// typedAs makes e an expression of type d: a typed NULL for the NULL
// literal, a numeric widening, e itself otherwise.
func typedAs(e plan.Expr, d *sdk.TypeDesc) plan.Expr {
	if isNull(e) {
		k := &plan.Const{At: e.Pos(), V: sdk.Null(d.Type)}
		if d.Type.IsComplex() {
			k.D = d
		}
		return k
	}
	if isNumeric(e.Type()) && isNumeric(d.Type) && e.Type() != d.Type {
		return coerce(e, d.Type)
	}
	return e
}

// arrayCons types ARRAY[e, ...].
func (c *exprChecker) arrayCons(x *ast.ArrayCons) (plan.Expr, *Error) {
	if len(x.Elems) == 0 {
		return nil, notSupported(x.Pos(), "empty ARRAY[] constructors")
	}
	args := make([]plan.Expr, len(x.Elems))
	for i, e := range x.Elems {
		v, err := c.check(e)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	d, err := c.elementsType(x.Pos(), "elements", x.Elems, args)
	if err != nil {
		return nil, err
	}
	return &plan.Construct{At: x.Pos(), Args: args, D: sdk.ArrayOf(d)}, nil
}

// mapCons types MAP(k := v, ...): STRING keys, values of one type.
func (c *exprChecker) mapCons(x *ast.MapCons) (plan.Expr, *Error) {
	if len(x.Keys) == 0 {
		return nil, notSupported(x.Pos(), "empty MAP() constructors")
	}
	keys := make([]plan.Expr, len(x.Keys))
	vals := make([]plan.Expr, len(x.Values))
	for i := range x.Keys {
		k, err := c.check(x.Keys[i])
		if err != nil {
			return nil, err
		}
		keys[i] = k
		if vals[i], err = c.check(x.Values[i]); err != nil {
			return nil, err
		}
	}
	kd, err := c.elementsType(x.Pos(), "keys", x.Keys, keys)
	if err != nil {
		return nil, err
	}
	if kd.Type.IsComplex() {
		return nil, errorf(x.Pos(), "Map keys must be primitive types, got: %s", kd)
	}
	vd, err := c.elementsType(x.Pos(), "values", x.Values, vals)
	if err != nil {
		return nil, err
	}
	args := make([]plan.Expr, 0, 2*len(keys))
	for i := range keys {
		args = append(args, keys[i], vals[i])
	}
	return &plan.Construct{At: x.Pos(), Args: args, D: sdk.MapOf(kd, vd)}, nil
}

// structCons types STRUCT(name := v, ...): one field per argument, in order.
func (c *exprChecker) structCons(x *ast.StructCons) (plan.Expr, *Error) {
	args := make([]plan.Expr, len(x.Values))
	fields := make([]sdk.Field, len(x.Values))
	seen := map[string]bool{}
	for i, e := range x.Values {
		name := x.Names[i].Name
		if seen[name] {
			return nil, errorf(x.Names[i].Pos(), "Duplicate field names found in STRUCT: '%s'", name)
		}
		seen[name] = true
		v, err := c.check(e)
		if err != nil {
			return nil, err
		}
		if isNull(v) {
			return nil, errorf(e.Pos(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		args[i] = v
		fields[i] = sdk.Field{Name: name, Type: plan.DescOf(v)}
	}
	return &plan.Construct{At: x.Pos(), Args: args, D: sdk.StructOf(fields...)}, nil
}

// genericComplex types COALESCE, IFNULL and NULLIF over complex values:
// every argument of the first one's shape (numeric parts widened as the
// constructors' are), the result of its type.
func genericComplex(x *ast.Call, fn plan.Func, args []plan.Expr) (plan.Expr, bool) {
	var d *sdk.TypeDesc
	for _, a := range args {
		if isNull(a) {
			continue
		}
		ad := plan.DescOf(a)
		if d == nil {
			d = ad
			continue
		}
		if !sameShape(d, ad) {
			return nil, false
		}
	}
	out := make([]plan.Expr, len(args))
	for i, a := range args {
		out[i] = typedAs(a, d)
	}
	return &plan.Call{At: x.Pos(), Fn: fn, Args: out, T: d.Type, D: d}, true
}

// complexExpr prints the complex-value expressions as ksqlDB does in
// messages: s->F, a[1], ARRAY[1, 2], MAP('a':=1), STRUCT(F:=1).
func (f formatter) complexExpr(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Deref:
		f.expr(x.X)
		f.w("->" + quoteName(x.Field.Name))
	case *ast.Subscript:
		f.expr(x.X)
		f.w("[")
		f.expr(x.Index)
		f.w("]")
	case *ast.ArrayCons:
		f.w("ARRAY[")
		f.list(x.Elems)
		f.w("]")
	case *ast.MapCons:
		f.w("MAP(")
		for i := range x.Keys {
			if i > 0 {
				f.w(", ")
			}
			f.expr(x.Keys[i])
			f.w(":=")
			f.expr(x.Values[i])
		}
		f.w(")")
	case *ast.StructCons:
		f.w("STRUCT(")
		for i := range x.Names {
			if i > 0 {
				f.w(", ")
			}
			f.w(quoteName(x.Names[i].Name) + ":=")
			f.expr(x.Values[i])
		}
		f.w(")")
	default:
		return false
	}
	return true
}

// inComplex rewrites `x [NOT] IN (...)` over complex values: every element
// is brought to x's type (constructors by coercing their parts, STRUCT
// fields by name as ksqlDB's coercer does), then compared by encoding.
func (c *exprChecker) inComplex(x *ast.In, items []ast.Expr, typed []plan.Expr) (plan.Expr, *Error) {
	pos := x.X.Pos()
	var target *sdk.TypeDesc
	for _, e := range typed {
		if !isNull(e) {
			target = plan.DescOf(e)
			break
		}
	}
	var match plan.Expr
	for i := 1; i < len(typed); i++ {
		if isNull(typed[i]) {
			continue
		}
		y, err := c.coerceComplex(items[i], typed[i], target)
		if err != nil {
			return nil, err
		}
		if extraFields(typed[i], target) {
			// A STRUCT with a field x's type lacks never equals x.
			continue
		}
		if isNull(typed[0]) {
			continue
		}
		eq := &plan.Binary{At: items[i].Pos(), Op: plan.OpEq, X: typed[0], Y: y, T: sdk.TypeBoolean}
		match = orEq(pos, match, eq)
	}
	return inResult(pos, match, x.Not), nil
}

// coerceComplex brings e (written as a) to type to, or fails with ksqlDB's
// "operator does not exist" message.
func (c *exprChecker) coerceComplex(a ast.Expr, e plan.Expr, to *sdk.TypeDesc) (plan.Expr, *Error) {
	out, bad := coercePart(e, to)
	if bad != nil {
		return nil, c.genErr(a.Pos(), "invalid input syntax for type %s: \"%s\".", bad.t, bad.text)
	}
	if out == nil {
		return nil, c.genErr(a.Pos(), "operator does not exist: %s = %s (%s)\nHint: You might need to add explicit type casts.",
			to, plan.DescOf(e), formatExpr(a, nil))
	}
	return out, nil
}

// badLiteral is a string literal that does not spell a value of type t.
type badLiteral struct {
	t    sdk.Type
	text string
}

// coercePart brings e to type to: the same shape as it is, constructors
// part by part, string literals to the numbers they spell, numbers
// widened. It returns nil when it cannot, with the string literal that is
// not a number if that is why.
func coercePart(e plan.Expr, to *sdk.TypeDesc) (plan.Expr, *badLiteral) {
	if isNull(e) {
		return typedAs(e, to), nil
	}
	d := plan.DescOf(e)
	if isNumeric(d.Type) && isNumeric(to.Type) && canWiden(d.Type, to.Type) {
		return coerce(e, to.Type), nil
	}
	if sameShape(d, to) {
		return e, nil
	}
	if k, ok := e.(*plan.Const); ok && k.V.Type == sdk.TypeString && to.Type.IsNumeric() {
		if _, ok := stringNumericType(k.V.S); !ok {
			return nil, &badLiteral{to.Type, k.V.S}
		}
		return &plan.Const{At: k.At, V: parseNumber(k.V.S, to.Type)}, nil
	}
	k, ok := e.(*plan.Construct)
	if !ok || k.D.Type != to.Type {
		return nil, nil
	}
	var args []plan.Expr
	switch to.Type {
	case sdk.TypeArray, sdk.TypeMap:
		for i, a := range k.Args {
			part := to.Elem
			if to.Type == sdk.TypeMap && i%2 == 0 {
				part = to.Key
			}
			v, bad := coercePart(a, part)
			if v == nil {
				return nil, bad
			}
			args = append(args, v)
		}
	default:
		for _, f := range to.Fields {
			var v plan.Expr = &plan.Const{At: k.At, V: sdk.Null(f.Type.Type), D: complexDesc(f.Type)}
			for i, kf := range k.D.Fields {
				if kf.Name == f.Name {
					var bad *badLiteral
					if v, bad = coercePart(k.Args[i], f.Type); v == nil {
						return nil, bad
					}
				}
			}
			args = append(args, v)
		}
	}
	return &plan.Construct{At: k.At, Args: args, D: to}, nil
}

// complexDesc returns d for a complex type and nil for a scalar (the
// descriptor plan nodes carry).
func complexDesc(d *sdk.TypeDesc) *sdk.TypeDesc {
	if d.Type.IsComplex() {
		return d
	}
	return nil
}

// extraFields reports whether e is a STRUCT constructor with a field that
// type to has not.
func extraFields(e plan.Expr, to *sdk.TypeDesc) bool {
	k, ok := e.(*plan.Construct)
	if !ok || k.D.Type != sdk.TypeStruct || to.Type != sdk.TypeStruct {
		return false
	}
	for _, kf := range k.D.Fields {
		found := false
		for _, f := range to.Fields {
			found = found || f.Name == kf.Name
		}
		if !found {
			return true
		}
	}
	return false
}

// field names a struct field dereference as ksqlDB does: the field's name,
// or NAME_1, NAME_2... when a column or an earlier name has it.
func (g *aliasGenerator) field(name string) string {
	alias := name
	for i := 1; g.used[alias]; i++ {
		alias = name + "_" + strconv.Itoa(i)
	}
	g.used[alias] = true
	return alias
}

// derefAll expands the select item s->* into one item per field of the
// STRUCT s, each named by its field (as s->f is).
func (q *queryAnalysis) derefAll(c *exprChecker, x *ast.DerefAll, gen *aliasGenerator) ([]selectItem, *Error) {
	v, err := c.check(x.X)
	if err != nil {
		return nil, err
	}
	d := plan.DescOf(v)
	if d.Type != sdk.TypeStruct {
		return nil, errorf(x.Arrow, "Expected STRUCT type, got: %s", typeName(v.Type()))
	}
	out := make([]selectItem, 0, len(d.Fields))
	for i, f := range d.Fields {
		if i > 0 {
			// A reference per item, as every item is planned on its own.
			if v, err = c.check(x.X); err != nil {
				return nil, err
			}
		}
		field := &ast.Deref{X: x.X, Arrow: x.Arrow, Field: &ast.Ident{NamePos: x.Arrow, Name: f.Name, Quoted: true}}
		out = append(out, selectItem{
			name:  gen.field(f.Name),
			pos:   x.Pos(),
			expr:  &plan.Element{At: x.Arrow, X: v, Kind: plan.ElemField, Field: i, D: f.Type},
			col:   -1,
			canon: q.canonical(field),
		})
	}
	return out, nil
}

// caseComplex finishes a CASE whose results are ARRAY, MAP or STRUCT
// values: all of one shape (numeric parts may differ between INT and
// BIGINT), the result of the first one's type.
func caseComplex(x *ast.Case, whens []plan.When, els plan.Expr) (plan.Expr, *Error) {
	var d *sdk.TypeDesc
	results := make([]plan.Expr, 0, len(whens)+1)
	for _, w := range whens {
		results = append(results, w.Then)
	}
	if els != nil {
		results = append(results, els)
	}
	for _, r := range results {
		if isNull(r) {
			continue
		}
		rd := plan.DescOf(r)
		if d == nil {
			d = rd
		} else if !sameShape(d, rd) {
			return nil, typeErr(r.Pos(), "Invalid Case expression. Type for all 'THEN' clauses should be the same.\n"+
				"Types: %s and %s.", d, rd)
		}
	}
	for i := range whens {
		whens[i].Then = typedAs(whens[i].Then, d)
	}
	if els == nil {
		els = &plan.Const{At: x.Pos(), V: sdk.Null(d.Type)}
	}
	return &plan.Case{At: x.Pos(), Whens: whens, Else: typedAs(els, d), T: d.Type, D: d}, nil
}

// toJSON resolves TO_JSON_STRING(x) for an x of any known type.
func toJSON(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
	if len(args) != 1 || args[0].Type() == sdk.TypeUnknown {
		return nil, false
	}
	return &plan.ToJSON{At: call.Pos(), X: args[0]}, true
}

// arrayFn resolves the collection functions of cx_array_fn: n arrays of
// one shape (MAP_KEYS: a map), and for ARRAY_SORT an optional literal
// 'ASC' or 'DESC'.
func arrayFn(op int, n int) func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
	return func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		fn := op // per call: the closure is shared by every query
		if fn == sdk.CxFnSortAsc && len(args) == 2 {
			k, ok := args[1].(*plan.Const)
			if !ok || k.V.Type != sdk.TypeString || k.V.Null {
				return nil, false
			}
			switch strings.ToUpper(k.V.S) {
			case "ASC":
			case "DESC":
				fn = sdk.CxFnSortDesc
			default:
				return nil, false
			}
			args = args[:1]
		}
		if len(args) != n {
			return nil, false
		}
		var d *sdk.TypeDesc
		onMap := fn == sdk.CxFnMapKeys || fn == sdk.CxFnMapValues
		for _, a := range args {
			if isNull(a) {
				continue
			}
			ad := plan.DescOf(a)
			switch {
			case onMap && ad.Type != sdk.TypeMap:
				return nil, false
			case !onMap && ad.Type != sdk.TypeArray:
				return nil, false
			case d == nil:
				d = ad
			case !sameShape(d, ad):
				return nil, false
			}
		}
		if d == nil {
			return nil, false
		}
		if onMap {
			for i, a := range args {
				args[i] = typedAs(a, d)
			}
			if fn == sdk.CxFnMapKeys {
				return &plan.ArrayFn{At: call.Pos(), Fn: fn, Args: args, D: sdk.ArrayOf(d.Key)}, true
			}
			return &plan.ArrayFn{At: call.Pos(), Fn: fn, Args: args, D: sdk.ArrayOf(d.Elem)}, true
		}
		if (fn == sdk.CxFnSortAsc || fn == sdk.CxFnSortDesc) && (d.Elem.Type.IsComplex() || d.Elem.Type == sdk.TypeBytes) {
			return nil, false
		}
		for i, a := range args {
			args[i] = typedAs(a, d)
		}
		return &plan.ArrayFn{At: call.Pos(), Fn: fn, Args: args, D: d}, true
	}
}
