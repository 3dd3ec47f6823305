package codegen

import (
	"math"

	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// emitHelper emits the body of helper function h.
func (g *gen) emitHelper(h helper, f *wasm.Func) {
	switch h {
	case helperStrEq:
		emitStrEq(f)
	case helperFmod:
		emitFmod(f)
	case helperRoundTo:
		emitRoundTo(f, g.pow10Table())
	case helperStrContains:
		emitStrContains(f)
	}
	f.End()
}

// emitStrEq: str_eq(a, b, n i32) -> i32 reports whether the n bytes at a and
// at b are equal, 8 bytes at a time, then byte by byte.
func emitStrEq(f *wasm.Func) {
	const a, b, n = 0, 1, 2
	i := f.AddLocal(wasm.I32)
	f.Block(wasm.BlockEmpty) // tail
	f.Loop(wasm.BlockEmpty)
	f.LocalGet(i)
	f.I32Const(8)
	f.I32Add()
	f.LocalGet(n)
	f.I32GtU()
	f.BrIf(1)
	f.LocalGet(a)
	f.LocalGet(i)
	f.I32Add()
	f.I64Load(0, 0)
	f.LocalGet(b)
	f.LocalGet(i)
	f.I32Add()
	f.I64Load(0, 0)
	f.I64Ne()
	f.If(wasm.BlockEmpty)
	f.I32Const(0)
	f.Return()
	f.End()
	f.LocalGet(i)
	f.I32Const(8)
	f.I32Add()
	f.LocalSet(i)
	f.Br(0)
	f.End()
	f.End()
	f.Block(wasm.BlockEmpty) // done
	f.Loop(wasm.BlockEmpty)
	f.LocalGet(i)
	f.LocalGet(n)
	f.I32GeU()
	f.BrIf(1)
	f.LocalGet(a)
	f.LocalGet(i)
	f.I32Add()
	f.I32Load8U(0, 0)
	f.LocalGet(b)
	f.LocalGet(i)
	f.I32Add()
	f.I32Load8U(0, 0)
	f.I32Ne()
	f.If(wasm.BlockEmpty)
	f.I32Const(0)
	f.Return()
	f.End()
	f.LocalGet(i)
	f.I32Const(1)
	f.I32Add()
	f.LocalSet(i)
	f.Br(0)
	f.End()
	f.End()
	f.I32Const(1)
}

// emitFmod: fmod(x, y f64) -> f64 is Java's x % y for doubles (C's fmod):
// the exact remainder of x / y truncated, with the sign of x. It is binary
// long division: t runs from the largest y*2^k not above |x| back down to
// |y|, subtracting where it fits. Each subtraction is exact (Sterbenz:
// t <= |x| < 2t), as is each doubling and halving of t, so the result is
// exact; the loop runs at most about 2100 times (the exponent range).
func emitFmod(f *wasm.Func) {
	const x, y = 0, 1
	ax := f.AddLocal(wasm.F64)
	ay := f.AddLocal(wasm.F64)
	t := f.AddLocal(wasm.F64)
	// NaN when y is 0 or NaN, or x is infinite or NaN.
	f.LocalGet(y)
	f.F64Const(0)
	f.F64Eq()
	f.LocalGet(y)
	f.LocalGet(y)
	f.F64Ne()
	f.I32Or()
	f.LocalGet(x)
	f.LocalGet(x)
	f.F64Sub()
	f.F64Const(0)
	f.F64Ne()
	f.I32Or()
	f.If(wasm.BlockEmpty)
	f.F64Const(math.NaN())
	f.Return()
	f.End()
	f.LocalGet(x)
	f.F64Abs()
	f.LocalSet(ax)
	f.LocalGet(y)
	f.F64Abs()
	f.LocalTee(ay)
	// |x| < |y| (y infinite included): x itself.
	f.LocalGet(ax)
	f.F64Gt()
	f.If(wasm.BlockEmpty)
	f.LocalGet(x)
	f.Return()
	f.End()
	// t = largest ay * 2^k <= ax.
	f.LocalGet(ay)
	f.LocalSet(t)
	f.Block(wasm.BlockEmpty)
	f.Loop(wasm.BlockEmpty)
	f.LocalGet(t)
	f.F64Const(2)
	f.F64Mul()
	f.LocalGet(ax)
	f.F64Gt()
	f.BrIf(1)
	f.LocalGet(t)
	f.F64Const(2)
	f.F64Mul()
	f.LocalSet(t)
	f.Br(0)
	f.End()
	f.End()
	// Long division.
	f.Block(wasm.BlockEmpty)
	f.Loop(wasm.BlockEmpty)
	f.LocalGet(ax)
	f.LocalGet(t)
	f.F64Ge()
	f.If(wasm.BlockEmpty)
	f.LocalGet(ax)
	f.LocalGet(t)
	f.F64Sub()
	f.LocalSet(ax)
	f.End()
	f.LocalGet(t)
	f.LocalGet(ay)
	f.F64Eq()
	f.BrIf(1)
	f.LocalGet(t)
	f.F64Const(0.5)
	f.F64Mul()
	f.LocalSet(t)
	f.Br(0)
	f.End()
	f.End()
	f.LocalGet(ax)
	f.LocalGet(x)
	f.F64Copysign()
}

// emitRoundTo: round_to(x f64, n i32) -> f64 rounds a finite x to n decimal
// places (n < 0: to tens, hundreds...) the way ksqlDB does,
// BigDecimal.valueOf(x).setScale(n, HALF_UP for x >= 0, HALF_DOWN below),
// i.e. ties towards positive infinity in the shortest decimal form of x.
//
// With s = 10^|n| (exact up to 10^22), y = x*s (or x/s) and f = floor(y),
// the tie point is the decimal (f + 0.5) / 10^n, whose nearest double is m
// = (f+0.5)/s (or *s). Since the shortest decimal of x lies in x's rounding
// interval, it is at or above the tie point exactly when x >= m; the result
// is then (f + 1) / 10^n, else f / 10^n, both correctly rounded by one
// division (or multiplication). Adding 0.0 turns -0.0 into 0.0, as
// BigDecimal has no negative zero. Beyond 22 places (either way) 10^|n| is
// not a double and the result is approximate: a corner no test of ksqlDB's
// touches.
func emitRoundTo(f *wasm.Func, pow10 uint32) {
	const x, n = 0, 1
	s := f.AddLocal(wasm.F64)
	y := f.AddLocal(wasm.F64)
	fl := f.AddLocal(wasm.F64)
	m := f.AddLocal(wasm.F64)
	k := f.AddLocal(wasm.I32)

	// k = |n|. Past 400 places nothing is left to round (the smallest
	// double has 341 decimal places with its digits): x itself, or 0
	// for n < 0.
	f.LocalGet(n)
	f.I32Const(0)
	f.LocalGet(n)
	f.I32Sub()
	f.LocalGet(n)
	f.I32Const(0)
	f.I32GeS()
	f.Select()
	f.LocalTee(k)
	f.I32Const(400)
	f.I32GtU()
	f.If(wasm.BlockEmpty)
	f.LocalGet(x)
	f.F64Const(0)
	f.LocalGet(n)
	f.I32Const(0)
	f.I32GtS()
	f.Select()
	f.F64Const(0)
	f.F64Add()
	f.Return()
	f.End()

	// s = 10^k: exact from the table up to 10^22, then by repeated
	// multiplication (inexact, only for extreme scales).
	f.I32Const(0)
	f.LocalGet(k)
	f.I32Const(22)
	f.LocalGet(k)
	f.I32Const(22)
	f.I32LtU()
	f.Select()
	f.I32Const(3)
	f.I32Shl()
	f.I32Add()
	f.F64Load(3, pow10)
	f.LocalSet(s)
	f.Block(wasm.BlockEmpty)
	f.Loop(wasm.BlockEmpty)
	f.LocalGet(k)
	f.I32Const(22)
	f.I32LeU()
	f.BrIf(1)
	f.LocalGet(s)
	f.F64Const(10)
	f.F64Mul()
	f.LocalSet(s)
	f.LocalGet(k)
	f.I32Const(1)
	f.I32Sub()
	f.LocalSet(k)
	f.Br(0)
	f.End()
	f.End()

	pick := func() { // (x >= m ? fl + 1 : fl) on the stack
		f.LocalGet(fl)
		f.F64Const(1)
		f.F64Add()
		f.LocalGet(fl)
		f.LocalGet(x)
		f.LocalGet(m)
		f.F64Ge()
		f.Select()
	}

	f.LocalGet(n)
	f.I32Const(0)
	f.I32GeS()
	f.If(wasm.BlockF64)
	{
		f.LocalGet(s)
		f.LocalGet(x)
		f.F64Mul()
		f.LocalTee(y)
		// |y| >= 2^52 (or infinite): y is an integer already, nothing
		// to round. (x is finite and so is y unless s is huge.)
		f.F64Abs()
		f.F64Const(1 << 52)
		f.F64Ge()
		f.LocalGet(x)
		f.F64Const(0)
		f.F64Eq()
		f.I32Or()
		f.If(wasm.BlockEmpty)
		f.LocalGet(x)
		f.F64Const(0)
		f.F64Add()
		f.Return()
		f.End()
		f.LocalGet(y)
		f.F64Floor()
		f.LocalTee(fl)
		f.F64Const(0.5)
		f.F64Add()
		f.LocalGet(s)
		f.F64Div()
		f.LocalSet(m)
		pick()
		f.LocalGet(s)
		f.F64Div()
	}
	f.Else()
	{
		f.LocalGet(x)
		f.LocalGet(s)
		f.F64Div()
		f.LocalTee(y)
		// |y| >= 2^52: 10^-n is below x's precision, x stays.
		f.F64Abs()
		f.F64Const(1 << 52)
		f.F64Ge()
		f.If(wasm.BlockEmpty)
		f.LocalGet(x)
		f.Return()
		f.End()
		f.LocalGet(y)
		f.F64Floor()
		f.LocalTee(fl)
		f.F64Const(0.5)
		f.F64Add()
		f.LocalGet(s)
		f.F64Mul()
		f.LocalSet(m)
		pick()
		f.LocalGet(s)
		f.F64Mul()
	}
	f.End()
	f.F64Const(0)
	f.F64Add()
}

// emitStrContains: str_contains(p, n, k, kn i32) -> i32 reports whether the
// kn bytes at k (kn >= 1) occur in the n bytes at p: a scan for the first
// byte, then a compare of the rest. Quadratic in the worst case, like
// String.contains.
func emitStrContains(f *wasm.Func) {
	const p, n, k, kn = 0, 1, 2, 3
	last := f.AddLocal(wasm.I32)
	first := f.AddLocal(wasm.I32)
	j := f.AddLocal(wasm.I32)
	// kn > n: no room.
	f.LocalGet(kn)
	f.LocalGet(n)
	f.I32GtU()
	f.If(wasm.BlockEmpty)
	f.I32Const(0)
	f.Return()
	f.End()
	// last = p + n - kn: the last start position.
	f.LocalGet(p)
	f.LocalGet(n)
	f.I32Add()
	f.LocalGet(kn)
	f.I32Sub()
	f.LocalSet(last)
	f.LocalGet(k)
	f.I32Load8U(0, 0)
	f.LocalSet(first)
	f.Loop(wasm.BlockEmpty)
	{
		f.LocalGet(p)
		f.LocalGet(last)
		f.I32GtU()
		f.If(wasm.BlockEmpty)
		f.I32Const(0)
		f.Return()
		f.End()
		f.LocalGet(p)
		f.I32Load8U(0, 0)
		f.LocalGet(first)
		f.I32Eq()
		f.If(wasm.BlockEmpty)
		{
			f.I32Const(1)
			f.LocalSet(j)
			f.Block(wasm.BlockEmpty)
			f.Loop(wasm.BlockEmpty)
			f.LocalGet(j)
			f.LocalGet(kn)
			f.I32GeU()
			f.If(wasm.BlockEmpty)
			f.I32Const(1)
			f.Return()
			f.End()
			f.LocalGet(p)
			f.LocalGet(j)
			f.I32Add()
			f.I32Load8U(0, 0)
			f.LocalGet(k)
			f.LocalGet(j)
			f.I32Add()
			f.I32Load8U(0, 0)
			f.I32Ne()
			f.BrIf(1)
			f.LocalGet(j)
			f.I32Const(1)
			f.I32Add()
			f.LocalSet(j)
			f.Br(0)
			f.End()
			f.End()
		}
		f.End()
		f.LocalGet(p)
		f.I32Const(1)
		f.I32Add()
		f.LocalSet(p)
		f.Br(0)
	}
	f.End()
	f.I32Const(0)
}
