package codegen

import (
	"encoding/binary"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// Branch-free filters.
//
// A filter over unpredictable data pays a branch misprediction (15-20
// cycles) for about every other row when each predicate is a branch, which
// costs more than the predicates themselves. When a condition is made only
// of cheap leaves that cannot trap (comparisons of columns and constants,
// string equality with a constant, IS NULL, boolean columns) under AND, OR
// and NOT, it is evaluated as a 0/1 value without branches, all leaves
// always: "flat" form. A string's address is replaced by 0 (always in
// memory) unless its length matches the constant, so no load can fault.

// maxFlatLeaves bounds the flat form: beyond it, evaluating every leaf
// costs more than the branches it saves (a long IN list, for instance).
const maxFlatLeaves = 8

// flatLeaves returns the number of leaves of e if e has a flat form, or -1.
func flatLeaves(e plan.Expr) int {
	switch x := e.(type) {
	case *plan.Col:
		if x.T == sdk.TypeBoolean {
			return 1
		}
	case *plan.Const:
		if x.V.Null || x.V.Type == sdk.TypeBoolean {
			return 1
		}
	case *plan.IsNull:
		if _, ok := x.X.(*plan.Col); ok {
			return 1
		}
	case *plan.Like:
		if col, ok := x.X.(*plan.Col); ok {
			if k, ok := strConst(x.Pattern); ok && col.T == sdk.TypeString {
				shape, lit := likeShape(k, x.Escape)
				if shape == likeExact || shape == likePrefix || shape == likeSuffix {
					if len(lit) <= maxInlineEq {
						return 1
					}
				}
			}
		}
	case *plan.Unary:
		if x.Op == plan.OpNot {
			return flatLeaves(x.X)
		}
	case *plan.Binary:
		switch x.Op {
		case plan.OpAnd, plan.OpOr:
			a, b := flatLeaves(x.X), flatLeaves(x.Y)
			if a < 0 || b < 0 {
				return -1
			}
			return a + b
		case plan.OpEq, plan.OpNe, plan.OpLt, plan.OpLe, plan.OpGt, plan.OpGe:
			t := cmpType(x)
			if t == sdk.TypeString {
				if x.Op != plan.OpEq && x.Op != plan.OpNe {
					return -1
				}
				k, ok := strConst(x.Y)
				other := x.X
				if !ok {
					k, ok = strConst(x.X)
					other = x.Y
				}
				if _, isCol := other.(*plan.Col); ok && isCol && len(k) <= maxInlineEq {
					return 1
				}
				return -1
			}
			// Variable-length values compare by content, not by slot.
			if flatOperand(x.X) && flatOperand(x.Y) && !mixedDecimalCmp(x) && !t.IsVarLen() {
				return 1
			}
		}
	}
	return -1
}

// flatOperand reports whether a comparison operand is a column, a non-NULL
// constant, or a numeric widening of a column (which the analyzer inserts
// for `int_col > 1.5` and the like).
func flatOperand(e plan.Expr) bool {
	switch x := e.(type) {
	case *plan.Col:
		return true
	case *plan.Const:
		return !x.V.Null
	case *plan.Convert:
		col, ok := x.X.(*plan.Col)
		if !ok {
			return false
		}
		from, to := col.T, x.To
		return from == to || (from == sdk.TypeInt && to == sdk.TypeBigInt) ||
			((from == sdk.TypeInt || from == sdk.TypeBigInt) && to == sdk.TypeDouble)
	}
	return false
}

// operandCol returns the column a flat comparison operand reads, if any.
func operandCol(e plan.Expr) (*plan.Col, bool) {
	switch x := e.(type) {
	case *plan.Col:
		return x, true
	case *plan.Convert:
		col, ok := x.X.(*plan.Col)
		return col, ok
	}
	return nil, false
}

// isFlat reports whether the BOOLEAN e should be evaluated in flat form.
func isFlat(e plan.Expr) bool {
	n := flatLeaves(e)
	return n > 0 && n <= maxFlatLeaves
}

// flat pushes 1 if e's three-valued result is want (TRUE or FALSE), else 0.
func (c *fn) flat(e plan.Expr, want bool) {
	defer c.leave(c.enter(e))
	f := c.f
	switch x := e.(type) {
	case *plan.Col:
		c.validBit(x.Index)
		f.LocalGet(c.row8)
		f.I64Load(3, c.lay.InValues(x.Index))
		if want {
			f.I64Const(0)
			f.I64Ne()
		} else {
			f.I64Eqz()
		}
		f.I32And()
	case *plan.Const:
		v := !x.V.Null && (x.V.I != 0) == want
		if v {
			f.I32Const(1)
		} else {
			f.I32Const(0)
		}
	case *plan.IsNull:
		c.validBit(x.X.(*plan.Col).Index)
		if x.Not != want {
			f.I32Eqz()
		}
	case *plan.Unary: // NOT
		c.flat(x.X, !want)
	case *plan.Like:
		// TRUE: non-NULL and matching (or not, for NOT LIKE); FALSE:
		// non-NULL and the other way.
		k, _ := strConst(x.Pattern)
		shape, lit := likeShape(k, x.Escape)
		col := x.X.(*plan.Col)
		c.flatStrMatch(col, lit, shape)
		if x.Not == want {
			f.I32Eqz()
			c.validBit(col.Index)
			f.I32And()
		}
	case *plan.Binary:
		switch x.Op {
		case plan.OpAnd, plan.OpOr:
			c.flat(x.X, want)
			c.flat(x.Y, want)
			// TRUE of AND and FALSE of OR need both; the others either.
			if (x.Op == plan.OpAnd) == want {
				f.I32And()
			} else {
				f.I32Or()
			}
		default:
			// A comparison is never NULL: FALSE is NOT TRUE.
			c.flatCmp(x)
			if !want {
				f.I32Eqz()
			}
		}
	}
}

// validBit pushes 1 if input column i is not NULL in this row, else 0: the
// validity byte itself, which the ABI defines as exactly 0 or 1.
func (c *fn) validBit(i int) {
	c.f.LocalGet(c.row)
	c.f.I32Load8U(0, c.lay.InValid(i))
}

// flatCmp pushes 1 if the comparison is TRUE (both operands non-NULL and
// the relation holds), else 0.
func (c *fn) flatCmp(x *plan.Binary) {
	f := c.f
	t := cmpType(x)
	if t == sdk.TypeString {
		k, ok := strConst(x.Y)
		other := x.X
		if !ok {
			k, _ = strConst(x.X)
			other = x.Y
		}
		c.flatStrMatch(other.(*plan.Col), k, likeExact)
		if x.Op == plan.OpNe {
			// TRUE for a non-NULL column that differs.
			f.I32Eqz()
			c.validBit(other.(*plan.Col).Index)
			f.I32And()
		}
		return
	}
	nvalid := 0
	for _, o := range []plan.Expr{x.X, x.Y} {
		if col, ok := operandCol(o); ok {
			c.validBit(col.Index)
			nvalid++
		}
	}
	if nvalid == 2 {
		f.I32And()
	}
	for _, o := range []plan.Expr{x.X, x.Y} {
		col, ok := operandCol(o)
		switch {
		case !ok:
			c.value(o, noLabel)
		case o == plan.Expr(col):
			c.loadCol(col) // validity is in the bits above
		default:
			c.loadCol(col)
			if o.Type() == sdk.TypeDouble && col.T != sdk.TypeDouble {
				f.F64ConvertI64S() // INT and BIGINT widen to DOUBLE; INT to BIGINT is free
			}
		}
	}
	c.cmpOp(t, x.Op)
	if nvalid > 0 {
		f.I32And()
	}
}

// flatStrMatch pushes 1 if the string column is non-NULL and equal to k
// (likeExact), starts with k (likePrefix) or ends with k (likeSuffix).
func (c *fn) flatStrMatch(col *plan.Col, k string, shape int) {
	f := c.f
	ok := c.tmp(wasm.I32)
	// ok = valid & (len == len(k)), or len >= len(k) for a prefix or a
	// suffix.
	c.validBit(col.Index)
	f.LocalGet(c.row8)
	f.I32Load(2, c.lay.InValues(col.Index)+4)
	f.I32Const(int32(len(k)))
	if shape == likeExact {
		f.I32Eq()
	} else {
		f.I32GeU()
	}
	f.I32And()
	if len(k) == 0 {
		c.put(wasm.I32, ok)
		return
	}
	f.LocalSet(ok)
	// p = ok ? address of the bytes to compare : 0, so that every load
	// below is in memory.
	p := c.tmp(wasm.I32)
	f.LocalGet(c.row8)
	f.I32Load(2, c.lay.InValues(col.Index))
	if shape == likeSuffix {
		f.LocalGet(c.row8)
		f.I32Load(2, c.lay.InValues(col.Index)+4)
		f.I32Add()
		f.I32Const(int32(len(k)))
		f.I32Sub()
	}
	f.I32Const(0)
	f.LocalGet(ok)
	f.Select()
	f.LocalSet(p)
	f.LocalGet(ok)
	b := []byte(k)
	n := len(b)
	eq64 := func(off int) {
		f.LocalGet(p)
		f.I64Load(0, uint32(off))
		f.I64Const(int64(binary.LittleEndian.Uint64(b[off:])))
		f.I64Eq()
		f.I32And()
	}
	eq32 := func(off int) {
		f.LocalGet(p)
		f.I32Load(0, uint32(off))
		f.I32Const(int32(binary.LittleEndian.Uint32(b[off:])))
		f.I32Eq()
		f.I32And()
	}
	switch {
	case n == 1:
		f.LocalGet(p)
		f.I32Load8U(0, 0)
		f.I32Const(int32(b[0]))
		f.I32Eq()
		f.I32And()
	case n < 4:
		f.LocalGet(p)
		f.I32Load16U(0, 0)
		f.I32Const(int32(binary.LittleEndian.Uint16(b)))
		f.I32Eq()
		f.I32And()
		if n == 3 {
			f.LocalGet(p)
			f.I32Load8U(0, 2)
			f.I32Const(int32(b[2]))
			f.I32Eq()
			f.I32And()
		}
	case n < 8:
		eq32(0)
		eq32(n - 4)
	default:
		off := 0
		for ; off+8 < n; off += 8 {
			eq64(off)
		}
		eq64(n - 8)
	}
	c.put(wasm.I32, p)
	c.put(wasm.I32, ok)
}
