package codegen

import (
	"encoding/binary"
	"math"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// triSet is a set of three-valued results: a filter jumps when its
// condition's result is in a set.
type triSet uint8

// The tri values are FALSE = 0, NULL = 1, TRUE = 2; a set has bit 1<<v.
const (
	setF       triSet = 1 << 0
	setN       triSet = 1 << 1
	setT       triSet = 1 << 2
	setNotTrue        = setF | setN
	setAll            = setF | setN | setT
)

// swapTF exchanges TRUE and FALSE in a set: the set for NOT x.
func swapTF(s triSet) triSet { return s&setN | (s&setF)<<2 | (s&setT)>>2 }

// canNull reports whether e can be NULL (or, for a comparison-like
// expression, whether its consumer must care): false means the code for e
// never branches to its NULL label.
func canNull(e plan.Expr) bool {
	switch e := e.(type) {
	case *plan.Const:
		return e.V.Null
	case *plan.Col:
		return true
	case *plan.Unary:
		return canNull(e.X)
	case *plan.Binary:
		switch e.Op {
		case plan.OpEq, plan.OpNe, plan.OpLt, plan.OpLe, plan.OpGt, plan.OpGe:
			return false
		case plan.OpDiv, plan.OpMod:
			if e.T != sdk.TypeDouble {
				if v, ok := intConst(e.Y); !ok || v == 0 {
					return true
				}
			}
		}
		return canNull(e.X) || canNull(e.Y)
	case *plan.IsNull, *plan.Construct, *plan.ToJSON:
		return false
	case *plan.Convert:
		return canNull(e.X) || (e.NullOnError && fallible(e.X.Type(), e.To)) || decFallible(e.X.Type(), e.To)
	case *plan.Case:
		for _, w := range e.Whens {
			if canNull(w.Then) {
				return true
			}
		}
		return canNull(e.Else)
	case *plan.Like:
		return canNull(e.X) || canNull(e.Pattern)
	case *plan.Call:
		switch e.Fn {
		case plan.FnConcat:
			return false
		case plan.FnConcatWS:
			return canNull(e.Args[0])
		case plan.FnCoalesce, plan.FnIfNull:
			for _, a := range e.Args {
				if !canNull(a) {
					return false
				}
			}
			return true
		case plan.FnNullIf, plan.FnRoundTo:
			return true
		}
		for _, a := range e.Args {
			if canNull(a) {
				return true
			}
		}
		return false
	}
	return true
}

// fallible reports whether converting from to to can fail at run time.
func fallible(from, to sdk.Type) bool {
	return from == sdk.TypeString && to != sdk.TypeString && to != sdk.TypeBoolean
}

// intConst returns the value of a non-NULL integer constant.
func intConst(e plan.Expr) (int64, bool) {
	if c, ok := e.(*plan.Const); ok && !c.V.Null && (c.V.Type == sdk.TypeInt || c.V.Type == sdk.TypeBigInt) {
		return c.V.I, true
	}
	return 0, false
}

// strConst returns the value of a non-NULL string constant.
func strConst(e plan.Expr) (string, bool) {
	if c, ok := e.(*plan.Const); ok && !c.V.Null && c.V.Type == sdk.TypeString {
		return c.V.S, true
	}
	return "", false
}

func isNullConst(e plan.Expr) bool {
	c, ok := e.(*plan.Const)
	return ok && c.V.Null
}

// enter tags the code that follows with e's position and returns the tag to
// restore when e's code is done, so that an operator's own instructions are
// not attributed to its last operand.
func (c *fn) enter(e plan.Expr) uint32 {
	prev := c.pos
	if p := e.Pos(); p.IsValid() {
		c.pos = uint32(p)
		c.f.SetPos(c.pos)
	}
	return prev
}

func (c *fn) leave(prev uint32) {
	if prev != 0 && prev != c.pos {
		c.pos = prev
		c.f.SetPos(prev)
	}
}

// value emits e in strict form: its value is left on the stack, or, when it
// is NULL, the code branches to nullL.
func (c *fn) value(e plan.Expr, nullL label) {
	defer c.leave(c.enter(e))
	f := c.f
	switch e := e.(type) {
	case *plan.Const:
		c.constValue(e.V, nullL)
	case *plan.Col:
		c.checkValid(e.Index, nullL)
		c.loadCol(e)
	case *plan.Unary:
		switch e.Op {
		case plan.OpNeg:
			switch e.T {
			case sdk.TypeDouble:
				c.value(e.X, nullL)
				f.F64Neg()
			default:
				f.I64Const(0)
				c.value(e.X, nullL)
				f.I64Sub()
				c.wrapInt(e.T)
			}
		case plan.OpNot:
			c.boolValue(e, nullL)
		}
	case *plan.Binary:
		switch e.Op {
		case plan.OpAdd, plan.OpSub, plan.OpMul, plan.OpDiv, plan.OpMod:
			c.arith(e, nullL)
		case plan.OpAnd, plan.OpOr:
			c.boolValue(e, nullL)
		default:
			c.cmpValue(e)
		}
	case *plan.IsNull:
		c.isNull(e)
	case *plan.Convert:
		if e.X.Type().IsComplex() || e.To.IsComplex() {
			c.convertComplex(e, nullL)
			break
		}
		c.convert(e, nullL)
	case *plan.Case:
		res := c.block(wasm.BlockOf(valType(e.T)))
		for _, w := range e.Whens {
			next := c.block(wasm.BlockEmpty)
			c.jump(w.Cond, setNotTrue, next)
			c.value(w.Then, nullL)
			c.br(res)
			c.endBlock()
		}
		c.value(e.Else, nullL)
		c.endBlock()
	case *plan.Like:
		c.like(e, nullL)
	case *plan.Call:
		c.call(e, nullL)
	case *plan.Element:
		c.element(e, nullL)
	case *plan.Construct:
		c.construct(e)
	case *plan.ToJSON:
		c.toJSON(e)
	case *plan.ArrayFn:
		c.arrayFn(e, nullL)
	}
}

// constValue pushes a constant.
func (c *fn) constValue(v sdk.Value, nullL label) {
	f := c.f
	if v.Null {
		// The branch makes the rest of the enclosing block unreachable,
		// where wasm's validation accepts any operands.
		c.br(nullL)
		return
	}
	switch v.Type {
	case sdk.TypeBoolean:
		if v.I != 0 {
			f.I32Const(1)
		} else {
			f.I32Const(0)
		}
	case sdk.TypeDouble:
		f.F64Const(v.F)
	case sdk.TypeString:
		f.I64Const(c.constStr(v.S))
	case sdk.TypeInt:
		f.I64Const(int64(int32(v.I))) // INT slots are sign-extended
	default:
		f.I64Const(v.I)
	}
}

// constStr returns the slot value (address | length<<32) of a constant
// string.
func (c *fn) constStr(s string) int64 {
	if s == "" {
		return 0
	}
	return int64(uint64(c.g.constString(s)) | uint64(len(s))<<32)
}

// checkValid branches to nullL when input column i is NULL in this row.
func (c *fn) checkValid(i int, nullL label) {
	c.f.LocalGet(c.row)
	c.f.I32Load8U(0, c.lay.InValid(i))
	c.f.I32Eqz()
	c.brIf(nullL)
}

// loadCol pushes a column's value for this row (validity not checked).
func (c *fn) loadCol(e *plan.Col) {
	f := c.f
	f.LocalGet(c.row8)
	off := c.lay.InValues(e.Index)
	switch e.T {
	case sdk.TypeDouble:
		f.F64Load(3, off)
	case sdk.TypeBoolean:
		f.I64Load(3, off)
		f.I64Const(0)
		f.I64Ne()
	default:
		f.I64Load(3, off)
	}
}

// wrapInt makes an i64 result of INT arithmetic wrap at 32 bits, as Java's
// int does.
func (c *fn) wrapInt(t sdk.Type) {
	if t == sdk.TypeInt {
		c.f.I64Extend32S()
	}
}

// arith emits +, -, *, / and %.
func (c *fn) arith(e *plan.Binary, nullL label) {
	f := c.f
	if e.T.IsDecimal() {
		c.decArith(e, nullL)
		return
	}
	if e.T == sdk.TypeDouble {
		c.value(e.X, nullL)
		c.value(e.Y, nullL)
		switch e.Op {
		case plan.OpAdd:
			f.F64Add()
		case plan.OpSub:
			f.F64Sub()
		case plan.OpMul:
			f.F64Mul()
		case plan.OpDiv:
			f.F64Div()
		case plan.OpMod:
			f.Call(c.g.helper(helperFmod))
		}
		return
	}
	c.value(e.X, nullL)
	switch e.Op {
	case plan.OpAdd, plan.OpSub, plan.OpMul:
		c.value(e.Y, nullL)
		switch e.Op {
		case plan.OpAdd:
			f.I64Add()
		case plan.OpSub:
			f.I64Sub()
		case plan.OpMul:
			f.I64Mul()
		}
		c.wrapInt(e.T)
		return
	}
	// Division and modulo: NULL for a zero divisor (ksqlDB), and BIGINT
	// MIN / -1 computed as a wrapping negation because i64.div_s traps on
	// it. INT operands are sign-extended i64, whose quotient cannot
	// overflow.
	div := func() {
		if e.Op == plan.OpDiv {
			f.I64DivS()
		} else {
			f.I64RemS()
		}
	}
	if v, ok := intConst(e.Y); ok && v != 0 && !(v == -1 && e.Op == plan.OpDiv && e.T == sdk.TypeBigInt) {
		f.I64Const(v)
		div()
		c.wrapInt(e.T)
		return
	}
	ty := c.tmp(wasm.I64)
	c.value(e.Y, nullL)
	f.LocalTee(ty)
	f.I64Eqz()
	c.brIf(nullL)
	if e.Op == plan.OpDiv && e.T == sdk.TypeBigInt {
		tx := c.tmp(wasm.I64)
		f.LocalSet(tx)
		f.LocalGet(ty)
		f.I64Const(-1)
		f.I64Eq()
		f.If(wasm.BlockI64)
		f.I64Const(0)
		f.LocalGet(tx)
		f.I64Sub()
		f.Else()
		f.LocalGet(tx)
		f.LocalGet(ty)
		f.I64DivS()
		f.End()
		c.put(wasm.I64, tx)
	} else {
		f.LocalGet(ty)
		div()
		c.wrapInt(e.T)
	}
	c.put(wasm.I64, ty)
}

// isNull emits X IS [NOT] NULL as an i32.
func (c *fn) isNull(e *plan.IsNull) {
	f := c.f
	yes, no := int32(1), int32(0)
	if e.Not {
		yes, no = 0, 1
	}
	switch x := e.X.(type) {
	case *plan.Col:
		f.LocalGet(c.row)
		f.I32Load8U(0, c.lay.InValid(x.Index))
		if e.Not {
			f.I32Const(0)
			f.I32Ne()
		} else {
			f.I32Eqz()
		}
		return
	case *plan.Const:
		if x.V.Null {
			f.I32Const(yes)
		} else {
			f.I32Const(no)
		}
		return
	}
	if !canNull(e.X) {
		// Still evaluated: a failing CAST inside must fail the row.
		c.value(e.X, noLabel)
		f.Drop()
		f.I32Const(no)
		return
	}
	res := c.block(wasm.BlockI32)
	isNull := c.block(wasm.BlockEmpty)
	c.value(e.X, isNull)
	f.Drop()
	f.I32Const(no)
	c.br(res)
	c.endBlock()
	f.I32Const(yes)
	c.endBlock()
}

// Booleans: jumps and three-valued values.

// boolValue emits an AND, OR or NOT in strict form via its tri value.
func (c *fn) boolValue(e plan.Expr, nullL label) {
	f := c.f
	if !canNull(e) && isFlat(e) {
		// Never NULL: its TRUE-ness is its value, without branches.
		c.flat(e, true)
		return
	}
	c.tri(e)
	if canNull(e) {
		t := c.tmp(wasm.I32)
		f.LocalTee(t)
		f.I32Const(1)
		f.I32Eq()
		c.brIf(nullL)
		f.LocalGet(t)
		c.put(wasm.I32, t)
	}
	f.I32Const(1)
	f.I32ShrU()
}

// tri emits a BOOLEAN expression as FALSE = 0, NULL = 1, TRUE = 2.
func (c *fn) tri(e plan.Expr) {
	defer c.leave(c.enter(e))
	f := c.f
	switch x := e.(type) {
	case *plan.Unary:
		if x.Op == plan.OpNot {
			f.I32Const(2)
			c.tri(x.X)
			f.I32Sub()
			return
		}
	case *plan.Binary:
		if x.Op == plan.OpAnd || x.Op == plan.OpOr {
			ta := c.tmp(wasm.I32)
			tb := c.tmp(wasm.I32)
			c.tri(x.X)
			f.LocalTee(ta)
			if x.Op == plan.OpOr {
				f.I32Const(2)
				f.I32Ne()
			}
			// AND: FALSE decides without the right operand, OR: TRUE does
			// (short-circuit, so a failing CAST there does not fail the row).
			f.If(wasm.BlockI32)
			c.tri(x.Y)
			f.LocalTee(tb)
			f.LocalGet(ta)
			f.LocalGet(tb)
			f.LocalGet(ta)
			if x.Op == plan.OpAnd {
				f.I32LtU() // min
			} else {
				f.I32GtU() // max
			}
			f.Select()
			f.Else()
			if x.Op == plan.OpAnd {
				f.I32Const(0)
			} else {
				f.I32Const(2)
			}
			f.End()
			c.put(wasm.I32, tb)
			c.put(wasm.I32, ta)
			return
		}
	}
	if !canNull(e) {
		c.value(e, noLabel)
		f.I32Const(1)
		f.I32Shl()
		return
	}
	res := c.block(wasm.BlockI32)
	isNull := c.block(wasm.BlockEmpty)
	c.value(e, isNull)
	f.I32Const(1)
	f.I32Shl()
	c.br(res)
	c.endBlock()
	f.I32Const(1)
	c.endBlock()
}

// jump branches to l when the three-valued result of the BOOLEAN e is in
// set, and falls through otherwise.
func (c *fn) jump(e plan.Expr, set triSet, l label) {
	defer c.leave(c.enter(e))
	f := c.f
	set &= setAll
	if set == 0 {
		return
	}
	switch x := e.(type) {
	case *plan.Unary:
		if x.Op == plan.OpNot {
			c.jump(x.X, swapTF(set), l)
			return
		}
	case *plan.Binary:
		switch x.Op {
		case plan.OpAnd, plan.OpOr:
			if c.jumpAndOr(x, set, l) {
				return
			}
			// {NULL} and {TRUE, FALSE}: rare, through the tri value.
			f.I32Const(1)
			c.tri(e)
			f.I32Shl()
			f.I32Const(int32(set))
			f.I32And()
			c.brIf(l)
			return
		case plan.OpEq, plan.OpNe, plan.OpLt, plan.OpLe, plan.OpGt, plan.OpGe:
			switch {
			case set&(setT|setF) == setT|setF:
				c.cmpValue(x)
				f.Drop()
				c.br(l)
			case set&setT != 0:
				c.cmpJump(x, true, l)
			case set&setF != 0:
				c.cmpJump(x, false, l)
			}
			return
		}
	case *plan.Const:
		v := setN
		if !x.V.Null {
			v = setF
			if x.V.I != 0 {
				v = setT
			}
		}
		if set&v != 0 {
			c.br(l)
		}
		return
	}
	// A leaf: column, function, CASE, LIKE, IS NULL, CAST...
	tf := set & (setT | setF)
	test := func(nullL label) {
		c.value(e, nullL)
		switch tf {
		case setT:
			c.brIf(l)
		case setF:
			f.I32Eqz()
			c.brIf(l)
		default:
			f.Drop()
			c.br(l)
		}
	}
	switch {
	case !canNull(e):
		if tf != 0 {
			test(noLabel)
		}
	case set&setN != 0 && tf != 0:
		test(l)
	case set&setN != 0: // {NULL}
		notNull := c.block(wasm.BlockEmpty)
		isNull := c.block(wasm.BlockEmpty)
		c.value(e, isNull)
		f.Drop()
		c.br(notNull)
		c.endBlock()
		c.br(l)
		c.endBlock()
	default: // NULL falls through
		skip := c.block(wasm.BlockEmpty)
		test(skip)
		c.endBlock()
	}
}

// jumpAndOr emits AND and OR as jumps for the sets where that needs no
// duplicated code, and reports whether it could.
func (c *fn) jumpAndOr(x *plan.Binary, set triSet, l label) bool {
	// OR is AND with TRUE and FALSE exchanged: a OR b = NOT (NOT a AND NOT b).
	s := set
	if x.Op == plan.OpOr {
		s = swapTF(set)
	}
	// In terms of AND (for OR read with T and F swapped):
	//   {F,N}: not-true(a) or not-true(b)
	//   {F}:   false(a) or false(b)
	//   {T}:   true(a) and true(b)
	//   {T,N}: not-false(a) and not-false(b)
	sw := func(t triSet) triSet {
		if x.Op == plan.OpOr {
			return swapTF(t)
		}
		return t
	}
	switch s {
	case setF | setN, setF:
		c.jump(x.X, sw(s), l)
		c.jump(x.Y, sw(s), l)
		return true
	case setT, setT | setN:
		skip := c.block(wasm.BlockEmpty)
		c.jump(x.X, sw(setAll&^s), skip)
		c.jump(x.Y, sw(s), l)
		c.endBlock()
		return true
	}
	return false
}

// Comparisons. A comparison with a NULL operand is FALSE, as in ksqlDB.

func isCmp(op plan.Op) bool { return op >= plan.OpEq && op <= plan.OpGe }

// cmpType is the common type of a comparison's operands.
func cmpType(e *plan.Binary) sdk.Type {
	if t := e.X.Type(); t != sdk.TypeUnknown && !isNullConst(e.X) {
		return t
	}
	return e.Y.Type()
}

// cmpValue emits a comparison as an i32 0/1.
func (c *fn) cmpValue(e *plan.Binary) {
	f := c.f
	t := cmpType(e)
	if !canNull(e.X) && !canNull(e.Y) && !t.IsVarLen() {
		c.cmpOperands(e, noLabel)
		c.cmpOp(t, e.Op)
		return
	}
	res := c.block(wasm.BlockI32)
	isFalse := c.block(wasm.BlockEmpty)
	c.cmpJump(e, false, isFalse)
	f.I32Const(1)
	c.br(res)
	c.endBlock()
	f.I32Const(0)
	c.endBlock()
}

// negate returns the operator whose result is the opposite of op's (for
// totally ordered types: not for doubles, where NaN compares false).
func negate(op plan.Op) plan.Op {
	switch op {
	case plan.OpEq:
		return plan.OpNe
	case plan.OpNe:
		return plan.OpEq
	case plan.OpLt:
		return plan.OpGe
	case plan.OpLe:
		return plan.OpGt
	case plan.OpGt:
		return plan.OpLe
	case plan.OpGe:
		return plan.OpLt
	}
	return op
}

// cmpOp emits the comparison of two values of type t on the stack.
func (c *fn) cmpOp(t sdk.Type, op plan.Op) {
	f := c.f
	switch t {
	case sdk.TypeDouble:
		switch op {
		case plan.OpEq:
			f.F64Eq()
		case plan.OpNe:
			f.F64Ne()
		case plan.OpLt:
			f.F64Lt()
		case plan.OpLe:
			f.F64Le()
		case plan.OpGt:
			f.F64Gt()
		case plan.OpGe:
			f.F64Ge()
		}
	case sdk.TypeBoolean:
		switch op {
		case plan.OpEq:
			f.I32Eq()
		case plan.OpNe:
			f.I32Ne()
		case plan.OpLt:
			f.I32LtU()
		case plan.OpLe:
			f.I32LeU()
		case plan.OpGt:
			f.I32GtU()
		case plan.OpGe:
			f.I32GeU()
		}
	default: // INT, BIGINT; also the i32 result of str_compare after conversion
		switch op {
		case plan.OpEq:
			f.I64Eq()
		case plan.OpNe:
			f.I64Ne()
		case plan.OpLt:
			f.I64LtS()
		case plan.OpLe:
			f.I64LeS()
		case plan.OpGt:
			f.I64GtS()
		case plan.OpGe:
			f.I64GeS()
		}
	}
}

// cmpJump branches to l when the comparison's result is when (a NULL
// operand makes it FALSE).
func (c *fn) cmpJump(e *plan.Binary, when bool, l label) {
	f := c.f
	nullL := l
	skip := noLabel
	if when {
		skip = c.block(wasm.BlockEmpty)
		nullL = skip
	}
	t := cmpType(e)
	switch {
	case t.IsVarLen() && (e.Op == plan.OpEq || e.Op == plan.OpNe):
		// A complex value's encoding is canonical: equal values have
		// equal bytes.
		c.strEqJump(e.X, e.Y, (e.Op == plan.OpEq) == when, l, nullL)
	case t == sdk.TypeString || t == sdk.TypeBytes:
		// Ordering: Java's compareTo through the intrinsic, then the
		// result compared with 0.
		px, lx := c.strParts(e.X, nullL)
		py, ly := c.strParts(e.Y, nullL)
		f.LocalGet(px)
		f.LocalGet(lx)
		f.LocalGet(py)
		f.LocalGet(ly)
		if t == sdk.TypeBytes {
			f.Call(c.g.intrinsic(sdk.IntrBytesCompare))
		} else {
			f.Call(c.g.intrinsic(sdk.IntrCompare))
		}
		c.putParts(px, lx)
		c.putParts(py, ly)
		f.I64ExtendI32S()
		f.I64Const(0)
		op := e.Op
		if !when {
			op = negate(op)
		}
		c.cmpOp(sdk.TypeInt, op)
		c.brIf(l)
	case t == sdk.TypeDouble:
		c.value(e.X, nullL)
		c.value(e.Y, nullL)
		c.cmpOp(t, e.Op)
		if !when {
			f.I32Eqz()
		}
		c.brIf(l)
	default:
		c.cmpOperands(e, nullL)
		op := e.Op
		if !when {
			op = negate(op)
		}
		c.cmpOp(t, op)
		c.brIf(l)
	}
	if when {
		c.endBlock()
	}
}

// strParts evaluates a STRING into two fresh i32 locals, address and length
// (release them with putParts).
func (c *fn) strParts(e plan.Expr, nullL label) (p, n uint32) {
	p, n = c.tmp(wasm.I32), c.tmp(wasm.I32)
	c.strPartsInto(e, nullL, p, n)
	return p, n
}

func (c *fn) putParts(p, n uint32) {
	c.put(wasm.I32, n)
	c.put(wasm.I32, p)
}

// strPartsInto evaluates a STRING into the locals p (address) and n
// (length).
func (c *fn) strPartsInto(e plan.Expr, nullL label, p, n uint32) {
	f := c.f
	switch x := e.(type) {
	case *plan.Col:
		defer c.leave(c.enter(e))
		c.checkValid(x.Index, nullL)
		f.LocalGet(c.row8)
		f.I32Load(2, c.lay.InValues(x.Index))
		f.LocalSet(p)
		f.LocalGet(c.row8)
		f.I32Load(2, c.lay.InValues(x.Index)+4)
		f.LocalSet(n)
		return
	case *plan.Const:
		if !x.V.Null {
			v := c.constStr(x.V.S)
			f.I32Const(int32(uint32(v)))
			f.LocalSet(p)
			f.I32Const(int32(len(x.V.S)))
			f.LocalSet(n)
			return
		}
	}
	s := c.tmp(wasm.I64)
	c.value(e, nullL)
	f.LocalTee(s)
	f.I32WrapI64()
	f.LocalSet(p)
	f.LocalGet(s)
	f.I64Const(32)
	f.I64ShrU()
	f.I32WrapI64()
	f.LocalSet(n)
	c.put(wasm.I64, s)
}

// pack makes a string slot value (i64) from the locals p and n.
func (c *fn) pack(p, n uint32) {
	f := c.f
	f.LocalGet(n)
	f.I64ExtendI32U()
	f.I64Const(32)
	f.I64Shl()
	f.LocalGet(p)
	f.I64ExtendI32U()
	f.I64Or()
}

// maxInlineEq is the longest constant string compared with inline loads;
// longer ones call the str_eq helper.
const maxInlineEq = 64

// strEqJump compares two strings for equality and branches to l when they
// are equal (jumpEq) or different (!jumpEq); NULL branches to nullL.
func (c *fn) strEqJump(x, y plan.Expr, jumpEq bool, l, nullL label) {
	f := c.f
	miss := l
	if jumpEq {
		miss = c.block(wasm.BlockEmpty)
	}
	k, kok := strConst(y)
	other := x
	if !kok {
		k, kok = strConst(x)
		other = y
	}
	if kok && !isNullConst(other) {
		// Against a constant: length first, then the bytes as a few
		// overlapping loads compared with immediates.
		p := c.tmp(wasm.I32)
		if col, ok := other.(*plan.Col); ok {
			func() {
				defer c.leave(c.enter(col))
				c.checkValid(col.Index, nullL)
				f.LocalGet(c.row8)
				f.I32Load(2, c.lay.InValues(col.Index)+4)
				f.I32Const(int32(len(k)))
				f.I32Ne()
				c.brIf(miss)
				if len(k) > 0 {
					f.LocalGet(c.row8)
					f.I32Load(2, c.lay.InValues(col.Index))
					f.LocalSet(p)
				}
			}()
		} else {
			s := c.tmp(wasm.I64)
			c.value(other, nullL)
			f.LocalTee(s)
			f.I64Const(32)
			f.I64ShrU()
			f.I64Const(int64(len(k)))
			f.I64Ne()
			c.brIf(miss)
			f.LocalGet(s)
			f.I32WrapI64()
			f.LocalSet(p)
			c.put(wasm.I64, s)
		}
		c.bytesEqConst(p, k, miss)
		c.put(wasm.I32, p)
	} else {
		px, lx := c.strParts(x, nullL)
		py, ly := c.strParts(y, nullL)
		f.LocalGet(lx)
		f.LocalGet(ly)
		f.I32Ne()
		c.brIf(miss)
		f.LocalGet(px)
		f.LocalGet(py)
		f.LocalGet(lx)
		f.Call(c.g.helper(helperStrEq))
		f.I32Eqz()
		c.brIf(miss)
		c.putParts(px, lx)
		c.putParts(py, ly)
	}
	if jumpEq {
		c.br(l)
		c.endBlock()
	}
}

// bytesEqConst branches to miss unless the len(k) bytes at address p equal
// k. Loads overlap rather than handle a tail byte by byte: a string of 11
// bytes is an i64 at 0 and an i32 at 7.
func (c *fn) bytesEqConst(p uint32, k string, miss label) {
	f := c.f
	n := len(k)
	b := []byte(k)
	cmp64 := func(off int) {
		f.LocalGet(p)
		f.I64Load(0, uint32(off))
		f.I64Const(int64(binary.LittleEndian.Uint64(b[off:])))
		f.I64Ne()
		c.brIf(miss)
	}
	cmp32 := func(off int) {
		f.LocalGet(p)
		f.I32Load(0, uint32(off))
		f.I32Const(int32(binary.LittleEndian.Uint32(b[off:])))
		f.I32Ne()
		c.brIf(miss)
	}
	switch {
	case n == 0:
	case n == 1:
		f.LocalGet(p)
		f.I32Load8U(0, 0)
		f.I32Const(int32(b[0]))
		f.I32Ne()
		c.brIf(miss)
	case n == 2, n == 3:
		f.LocalGet(p)
		f.I32Load16U(0, 0)
		f.I32Const(int32(binary.LittleEndian.Uint16(b)))
		f.I32Ne()
		c.brIf(miss)
		if n == 3 {
			f.LocalGet(p)
			f.I32Load8U(0, 2)
			f.I32Const(int32(b[2]))
			f.I32Ne()
			c.brIf(miss)
		}
	case n < 8:
		cmp32(0)
		cmp32(n - 4)
	case n <= maxInlineEq:
		off := 0
		for ; off+8 < n; off += 8 {
			cmp64(off)
		}
		cmp64(n - 8)
	default:
		f.LocalGet(p)
		f.I32Const(int32(c.g.constString(k)))
		f.I32Const(int32(n))
		f.Call(c.g.helper(helperStrEq))
		f.I32Eqz()
		c.brIf(miss)
	}
}

// appendF64 appends v as 8 little-endian bytes.
func appendF64(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}
