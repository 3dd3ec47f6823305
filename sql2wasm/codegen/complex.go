package codegen

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// element emits s->f, a[i] and m[k]: an intrinsic finds the encoding of the
// part (a slice of the complex value, length 0 when it does not exist), and
// inline loads decode it (see sdk.CxInt...).
func (c *fn) element(e *plan.Element, nullL label) {
	f := c.f
	p, n := c.strParts(e.X, nullL)
	switch e.Kind {
	case plan.ElemField:
		f.LocalGet(p)
		f.LocalGet(n)
		f.I32Const(int32(e.Field))
		f.Call(c.g.intrinsic(sdk.IntrCxField))
	case plan.ElemIndex:
		f.LocalGet(p)
		f.LocalGet(n)
		c.value(e.Index, nullL)
		f.I32WrapI64()
		f.Call(c.g.intrinsic(sdk.IntrCxIndex))
	default:
		kp, kn := c.strParts(e.Index, nullL)
		f.LocalGet(p)
		f.LocalGet(n)
		f.LocalGet(kp)
		f.LocalGet(kn)
		f.Call(c.g.intrinsic(sdk.IntrCxLookup))
		c.putParts(kp, kn)
	}
	c.putParts(p, n)
	r := c.tmp(wasm.I64)
	a := c.tmp(wasm.I32)
	defer c.put(wasm.I64, r)
	defer c.put(wasm.I32, a)
	// Absent (length 0) or a NULL element: NULL.
	f.LocalTee(r)
	f.I64Const(32)
	f.I64ShrU()
	f.I64Eqz()
	c.brIf(nullL)
	f.LocalGet(r)
	f.I32WrapI64()
	f.LocalTee(a)
	f.I32Load8U(0, 0)
	f.I32Eqz()
	c.brIf(nullL)
	switch t := e.D.Type; {
	case t == sdk.TypeBoolean:
		f.LocalGet(a)
		f.I32Load8U(0, 0)
		f.I32Const(int32(sdk.CxTrue))
		f.I32Eq()
	case t == sdk.TypeInt, t == sdk.TypeBigInt, t.IsDecimal():
		f.LocalGet(a)
		f.I64Load(0, 1)
	case t == sdk.TypeDouble:
		f.LocalGet(a)
		f.F64Load(0, 1)
	case t == sdk.TypeString, t == sdk.TypeBytes:
		// Length at +1, bytes from +5.
		f.LocalGet(a)
		f.I32Load(0, 1)
		f.I64ExtendI32U()
		f.I64Const(32)
		f.I64Shl()
		f.LocalGet(a)
		f.I32Const(5)
		f.I32Add()
		f.I64ExtendI32U()
		f.I64Or()
	default:
		// A complex part is its own encoding.
		f.LocalGet(r)
	}
}

// checkElement checks an Element against the plan contract.
func checkElement(e *plan.Element, sub func(...plan.Expr) error, bad func(string, ...any) error) error {
	if e.D == nil || !knownType(e.D.Type) {
		return bad("element of unknown type")
	}
	if err := sub(e.X); err != nil {
		return err
	}
	d := plan.DescOf(e.X)
	switch e.Kind {
	case plan.ElemField:
		if d.Type != sdk.TypeStruct || e.Field < 0 || e.Field >= len(d.Fields) || !d.Fields[e.Field].Type.Equal(e.D) {
			return bad("field %d of %s", e.Field, d)
		}
		return nil
	case plan.ElemIndex:
		if d.Type != sdk.TypeArray || !d.Elem.Equal(e.D) || !sameOrNull(e.Index, sdk.TypeInt) {
			return bad("subscript of %s", d)
		}
	case plan.ElemKey:
		if d.Type != sdk.TypeMap || d.Key.Type != sdk.TypeString || !d.Elem.Equal(e.D) || !sameOrNull(e.Index, sdk.TypeString) {
			return bad("map subscript of %s", d)
		}
	default:
		return bad("element kind %d", e.Kind)
	}
	return sub(e.Index)
}

// construct emits ARRAY[...], MAP(...) and STRUCT(...): the elements are
// evaluated first (they may build values on the heap themselves), then
// written as 16-byte records at the heap pointer, which cx_build reads
// before it writes the value there.
func (c *fn) construct(e *plan.Construct) {
	f := c.f
	n := len(e.Args)
	vals := make([]uint32, n)
	kinds := make([]uint32, n)
	for k, a := range e.Args {
		vals[k], kinds[k] = c.tmp(wasm.I64), c.tmp(wasm.I32)
		f.I32Const(int32(sdk.CxNull))
		f.LocalSet(kinds[k])
		isNull := c.block(wasm.BlockEmpty)
		c.value(a, isNull)
		switch t := a.Type(); {
		case t == sdk.TypeBoolean:
			f.LocalTee(kinds[k])
			f.I64ExtendI32U()
			f.LocalSet(vals[k])
			f.LocalGet(kinds[k])
			f.I32Const(int32(sdk.CxFalse))
			f.I32Add()
			f.LocalSet(kinds[k])
			c.endBlock()
			continue
		case t == sdk.TypeDouble:
			f.I64ReinterpretF64()
		}
		f.LocalSet(vals[k])
		f.I32Const(int32(cxTag(a.Type())))
		f.LocalSet(kinds[k])
		c.endBlock()
	}
	p := c.tmp(wasm.I32)
	base := c.lay.Base
	f.I32Const(0)
	f.I32Load(2, base+sdk.HdrHeapPtr)
	f.LocalTee(p)
	f.I32Const(int32(16 * n))
	f.I32Add()
	f.I32Const(0)
	f.I32Load(2, base+sdk.HdrHeapEnd)
	f.I32GtU()
	f.If(wasm.BlockEmpty)
	c.returnStatus(sdk.StatusHeapFull)
	f.End()
	for k := range e.Args {
		f.LocalGet(p)
		f.LocalGet(vals[k])
		f.I64Store(0, uint32(16*k))
		f.LocalGet(p)
		f.LocalGet(kinds[k])
		f.I32Store8(0, uint32(16*k+8))
		c.put(wasm.I64, vals[k])
		c.put(wasm.I32, kinds[k])
	}
	c.base()
	f.I32Const(int32(cxTag(e.D.Type)))
	f.I32Const(int32(n))
	f.LocalGet(p)
	c.put(wasm.I32, p)
	f.Call(c.g.intrinsic(sdk.IntrCxBuild))
	c.checkStrResult()
}

// cxTag is the tag of a non-NULL element of type t (booleans excepted).
func cxTag(t sdk.Type) byte {
	if t.IsDecimal() {
		return sdk.CxInt // unscaled
	}
	switch t {
	case sdk.TypeInt, sdk.TypeBigInt:
		return sdk.CxInt
	case sdk.TypeDouble:
		return sdk.CxDouble
	case sdk.TypeString, sdk.TypeBytes:
		return sdk.CxString
	case sdk.TypeArray:
		return sdk.CxArray
	case sdk.TypeMap:
		return sdk.CxMap
	case sdk.TypeStruct:
		return sdk.CxStruct
	}
	return sdk.CxNull
}

// convertComplex emits a CAST from a complex type to another or to STRING,
// through cx_cast with both types' descriptors in data segments.
func (c *fn) convertComplex(e *plan.Convert, nullL label) {
	f := c.f
	from := plan.DescOf(e.X)
	to := e.ToDesc
	if to == nil {
		to = sdk.Scalar(e.To)
	}
	p, n := c.strParts(e.X, nullL)
	fd := string(sdk.AppendTypeDesc(nil, from))
	td := string(sdk.AppendTypeDesc(nil, to))
	c.base()
	f.LocalGet(p)
	f.LocalGet(n)
	f.I32Const(int32(c.g.constString(fd)))
	f.I32Const(int32(len(fd)))
	f.I32Const(int32(c.g.constString(td)))
	f.I32Const(int32(len(td)))
	f.Call(c.g.intrinsic(sdk.IntrCxCast))
	c.putParts(p, n)
	c.checkStrResult()
}

// checkConstruct checks a Construct against the plan contract.
func checkConstruct(e *plan.Construct, sub func(...plan.Expr) error, bad func(string, ...any) error) error {
	if e.D == nil || e.D.Check() != nil {
		return bad("constructor of an invalid type")
	}
	if err := sub(e.Args...); err != nil {
		return err
	}
	elem := func(a plan.Expr, d *sdk.TypeDesc) bool {
		if isNullConst(a) {
			return true
		}
		if a.Type() == sdk.TypeUnknown {
			return false
		}
		return plan.DescOf(a).Equal(d) || (a.Type() == d.Type && !d.Type.IsComplex())
	}
	switch e.D.Type {
	case sdk.TypeArray:
		for _, a := range e.Args {
			if !elem(a, e.D.Elem) {
				return bad("array element of type %s in %s", a.Type(), e.D)
			}
		}
	case sdk.TypeMap:
		if len(e.Args)%2 != 0 {
			return bad("map constructor with %d arguments", len(e.Args))
		}
		for k, a := range e.Args {
			d := e.D.Elem
			if k%2 == 0 {
				d = e.D.Key
			}
			if !elem(a, d) {
				return bad("map entry of type %s in %s", a.Type(), e.D)
			}
		}
	case sdk.TypeStruct:
		if len(e.Args) != len(e.D.Fields) {
			return bad("struct constructor with %d values for %d fields", len(e.Args), len(e.D.Fields))
		}
		for k, a := range e.Args {
			if !elem(a, e.D.Fields[k].Type) {
				return bad("struct field %s of type %s", e.D.Fields[k].Name, a.Type())
			}
		}
	default:
		return bad("constructor of type %s", e.D)
	}
	return nil
}

// checkComplexConvert checks a CAST from or to a complex type: complex to
// the same kind of complex type, or to STRING.
func checkComplexConvert(e *plan.Convert, bad func(string, ...any) error) error {
	from := plan.DescOf(e.X)
	switch {
	case isNullConst(e.X):
	case e.To == sdk.TypeString && from.Type.IsComplex():
	case e.ToDesc != nil && e.ToDesc.Type == e.To && e.ToDesc.Check() == nil && from.Type == e.To:
	default:
		return bad("conversion from %s to %s", from, e.To)
	}
	return nil
}

// toJSON emits TO_JSON_STRING(x) through cx_json, which renders an element
// of the complex encoding: a complex value is one; a scalar becomes one as
// the single element of an array built for it (the array's body). NULL is
// the text null, as ksqlDB writes it.
func (c *fn) toJSON(e *plan.ToJSON) {
	f := c.f
	d := plan.DescOf(e.X)
	p, n := c.tmp(wasm.I32), c.tmp(wasm.I32)
	res := c.block(wasm.BlockI64)
	isNull := c.block(wasm.BlockEmpty)
	if d.Type.IsComplex() {
		c.strPartsInto(e.X, isNull, p, n)
	} else {
		c.construct(&plan.Construct{At: e.At, Args: []plan.Expr{e.X}, D: sdk.ArrayOf(d)})
		r := c.tmp(wasm.I64)
		f.LocalSet(r)
		f.LocalGet(r)
		f.I32WrapI64()
		f.I32Const(5)
		f.I32Add()
		f.LocalSet(p)
		f.LocalGet(r)
		f.I64Const(32)
		f.I64ShrU()
		f.I32WrapI64()
		f.I32Const(5)
		f.I32Sub()
		f.LocalSet(n)
		c.put(wasm.I64, r)
	}
	td := string(sdk.AppendTypeDesc(nil, d))
	c.base()
	f.LocalGet(p)
	f.LocalGet(n)
	f.I32Const(int32(c.g.constString(td)))
	f.I32Const(int32(len(td)))
	f.Call(c.g.intrinsic(sdk.IntrCxJSON))
	c.putParts(p, n)
	c.checkStrResult()
	c.br(res)
	c.endBlock()
	f.I64Const(c.constStr("null"))
	c.endBlock()
}

// arrayFn emits the collection functions through cx_array_fn. A NULL
// argument makes the result NULL, except for ARRAY_CONCAT, where it counts
// as an empty array unless both are NULL (passed as length 0).
func (c *fn) arrayFn(e *plan.ArrayFn, nullL label) {
	f := c.f
	parts := make([][2]uint32, 2)
	concat := e.Fn == sdk.CxFnConcat
	var nulls uint32
	if concat {
		nulls = c.tmp(wasm.I32)
		f.I32Const(0)
		f.LocalSet(nulls)
	}
	for i := range parts {
		p, n := c.tmp(wasm.I32), c.tmp(wasm.I32)
		parts[i] = [2]uint32{p, n}
		f.I32Const(0)
		f.LocalSet(p)
		f.I32Const(0)
		f.LocalSet(n)
		if i >= len(e.Args) {
			continue
		}
		if !concat {
			c.strPartsInto(e.Args[i], nullL, p, n)
			continue
		}
		isNull := c.block(wasm.BlockEmpty)
		c.strPartsInto(e.Args[i], isNull, p, n)
		f.LocalGet(nulls)
		f.I32Const(-1)
		f.I32Add()
		f.LocalSet(nulls)
		c.endBlock()
		f.LocalGet(nulls)
		f.I32Const(1)
		f.I32Add()
		f.LocalSet(nulls)
	}
	if concat {
		// Each argument added 1 if NULL, 0 otherwise.
		f.LocalGet(nulls)
		f.I32Const(2)
		f.I32Eq()
		c.brIf(nullL)
		c.put(wasm.I32, nulls)
	}
	c.base()
	f.I32Const(int32(e.Fn))
	for _, pn := range parts {
		f.LocalGet(pn[0])
		f.LocalGet(pn[1])
	}
	f.Call(c.g.intrinsic(sdk.IntrCxArrayFn))
	for _, pn := range parts {
		c.putParts(pn[0], pn[1])
	}
	c.checkStrResult()
}
