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
	switch e.D.Type {
	case sdk.TypeBoolean:
		f.LocalGet(a)
		f.I32Load8U(0, 0)
		f.I32Const(int32(sdk.CxTrue))
		f.I32Eq()
	case sdk.TypeInt, sdk.TypeBigInt:
		f.LocalGet(a)
		f.I64Load(0, 1)
	case sdk.TypeDouble:
		f.LocalGet(a)
		f.F64Load(0, 1)
	case sdk.TypeString:
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
