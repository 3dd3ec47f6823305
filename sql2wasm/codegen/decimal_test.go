package codegen

import (
	"context"
	"math"
	"testing"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// Test implementations of the DECIMAL, math and BYTES intrinsics, from their
// documentation in sdk.Intrinsics.
func init() {
	testIntrinsics[sdk.IntrDecParse] = func(_ context.Context, m api.Module, s []uint64) {
		v, ok := sdk.ParseDecimal(readStr(m, s[1], s[2]), int(int32(s[3])), int(int32(s[4])))
		if !ok {
			setErr(m, uint32(s[0]))
		}
		s[0] = uint64(v)
	}
	testIntrinsics[sdk.IntrDecFromDouble] = func(_ context.Context, m api.Module, s []uint64) {
		v, ok := sdk.DecimalFromDouble(math.Float64frombits(s[1]), int(int32(s[2])), int(int32(s[3])))
		if !ok {
			setErr(m, uint32(s[0]))
		}
		s[0] = uint64(v)
	}
	testIntrinsics[sdk.IntrDecFormat] = func(_ context.Context, m api.Module, s []uint64) {
		s[0] = heapStr(m, uint32(s[0]), sdk.FormatDecimal(int64(s[1]), int(int32(s[2]))))
	}
	testIntrinsics[sdk.IntrMathExp] = func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = math.Float64bits(math.Exp(math.Float64frombits(s[0])))
	}
	testIntrinsics[sdk.IntrMathLn] = func(_ context.Context, _ api.Module, s []uint64) {
		s[0] = math.Float64bits(math.Log(math.Float64frombits(s[0])))
	}
	testIntrinsics[sdk.IntrBytesSubstr] = func(_ context.Context, m api.Module, s []uint64) {
		n := int64(uint32(s[1]))
		pos := int64(int32(s[2]))
		start := max(min(pos-1, n), 0)
		if pos < 0 {
			start = max(n+pos, 0)
		}
		end := n
		if int32(s[3]) != 0 {
			end = max(min(start+int64(int32(s[4])), n), start)
		}
		s[0] = slice(s[0]&0xffffffff, int(start), int(end))
	}
}

func dec(p, s int) sdk.Type {
	t, ok := sdk.DecimalType(p, s)
	if !ok {
		panic("bad decimal type")
	}
	return t
}

func vDec(t sdk.Type, u int64) sdk.Value { return sdk.Decimal(t, u) }

func TestDecimalExpressions(t *testing.T) {
	d43, d32, d52, d53 := dec(4, 3), dec(3, 2), dec(5, 2), dec(5, 3)
	x := col(0, d43)
	null43 := sdk.Null(d43)
	runExprCases(t, []exprCase{
		// 1.200 vs 1.20, 1.199 vs 1.20, 1.201 vs 1.20, and negatives, where
		// truncated division rounds toward zero.
		{"less than across scales", []sdk.Type{d43}, rowsOf(vDec(d43, 1200), vDec(d43, 1199), vDec(d43, 1201), vDec(d43, -1201), vDec(d43, -1199), null43),
			bin(plan.OpLt, x, &plan.Const{V: vDec(d32, 120)}), wants(vB(false), vB(true), vB(false), vB(true), vB(true), vB(false))},
		{"less than across scales, negative", []sdk.Type{d43}, rowsOf(vDec(d43, -1199), vDec(d43, -1201), vDec(d43, -1200)),
			bin(plan.OpLt, x, &plan.Const{V: vDec(d32, -120)}), wants(vB(false), vB(true), vB(false))},
		{"equal across scales", []sdk.Type{d43}, rowsOf(vDec(d43, 1200), vDec(d43, 1201)),
			bin(plan.OpEq, &plan.Const{V: vDec(d32, 120)}, x), wants(vB(true), vB(false))},
		{"bigint against decimal", []sdk.Type{tL}, rowsOf(vL(1), vL(2), vL(-2), vL(math.MaxInt64), vL(math.MinInt64)),
			bin(plan.OpGe, col(0, tL), &plan.Const{V: vDec(d32, -150)}), wants(vB(true), vB(true), vB(false), vB(true), vB(false))},
		{"add rescales", []sdk.Type{d43}, rowsOf(vDec(d43, 1234), null43),
			&plan.Binary{Op: plan.OpAdd, X: x, Y: &plan.Const{V: vDec(d32, 150)}, T: dec(5, 3)}, wants(vDec(dec(5, 3), 2734), sdk.Null(dec(5, 3)))},
		{"multiply", []sdk.Type{d43}, rowsOf(vDec(d43, -1234)),
			&plan.Binary{Op: plan.OpMul, X: x, Y: &plan.Const{V: vDec(d32, 150)}, T: dec(8, 5)}, wants(vDec(dec(8, 5), -185100))},
		{"cast up", []sdk.Type{d52}, rowsOf(vDec(d52, 1012), vDec(d52, 100), vDec(d52, 0)), conv(col(0, d52), d53),
			wants(vDec(d53, 10120), vDec(d53, 1000), vDec(d53, 0))},
		{"cast down rounds half up", []sdk.Type{d43}, rowsOf(vDec(d43, 1235), vDec(d43, -1235), vDec(d43, 1234), vDec(d43, 9999)),
			conv(x, dec(3, 2)), wants(vDec(d32, 124), vDec(d32, -124), vDec(d32, 123), sdk.Null(d32))},
		{"int too wide", []sdk.Type{tI}, rowsOf(vI(99), vI(100), vI(-100)), conv(col(0, tI), dec(4, 2)), wants(vDec(dec(4, 2), 9900), sdk.Null(dec(4, 2)), sdk.Null(dec(4, 2)))},
		{"to double", []sdk.Type{d43}, rowsOf(vDec(d43, 1200), vDec(d43, -5)), conv(x, tD), wants(vD(1.2), vD(-0.005))},
		{"to bigint truncates", []sdk.Type{d43}, rowsOf(vDec(d43, 1999), vDec(d43, -1999)), conv(x, tL), wants(vL(1), vL(-1))},
		{"to string", []sdk.Type{d43}, rowsOf(vDec(d43, 1200), vDec(d43, -5)), conv(x, tS), wants(vS("1.200"), vS("-0.005"))},
		{"from string", []sdk.Type{tS}, rowsOf(vS("1.2345"), vS(" 2 "), vS("x"), vS("12")), convN(col(0, tS), d43),
			wants(vDec(d43, 1235), vDec(d43, 2000), null43, null43)},
		{"from double", []sdk.Type{tD}, rowsOf(vD(1.0005), vD(math.NaN())), conv(col(0, tD), d43), wants(vDec(d43, 1001), null43)},
		{"negate", []sdk.Type{d43}, rowsOf(vDec(d43, 5)), &plan.Unary{Op: plan.OpNeg, X: x, T: d43}, wants(vDec(d43, -5))},
	})
}

func TestMathAndBytesFunctions(t *testing.T) {
	b := col(0, sdk.TypeBytes)
	vBy := func(s string) sdk.Value { return sdk.Value{Type: sdk.TypeBytes, S: s} }
	runExprCases(t, []exprCase{
		{"exp", []sdk.Type{tD}, rowsOf(vD(10), vD(0), vNullD), call(plan.FnExp, tD, col(0, tD)), wants(vD(math.Exp(10)), vD(1), vNullD)},
		{"ln", []sdk.Type{tD}, rowsOf(vD(math.E)), call(plan.FnLn, tD, col(0, tD)), wants(vD(1))},
		{"sqrt", []sdk.Type{tD}, rowsOf(vD(2), vD(-1)), call(plan.FnSqrt, tD, col(0, tD)), wants(vD(math.Sqrt2), vD(math.NaN()))},
		{"bytes len", []sdk.Type{sdk.TypeBytes}, rowsOf(vBy("ab\x00c"), vBy(""), sdk.Null(sdk.TypeBytes)), call(plan.FnBytesLen, tI, b),
			wants(vI(4), vI(0), vNullI)},
		{"bytes substring", []sdk.Type{sdk.TypeBytes}, rowsOf(vBy("some_string"), vBy("short")), call(plan.FnBytesSubstring, sdk.TypeBytes, b, cInt(6)),
			wants(vBy("string"), vBy(""))},
		{"bytes substring from end with length", []sdk.Type{sdk.TypeBytes}, rowsOf(vBy("abcdef")),
			call(plan.FnBytesSubstring, sdk.TypeBytes, b, cInt(-3), cInt(2)), wants(vBy("de"))},
	})
}

func init() {
	testIntrinsics[sdk.IntrBytesCompare] = func(_ context.Context, m api.Module, s []uint64) {
		a, b := readStr(m, s[0], s[1]), readStr(m, s[2], s[3])
		r := int32(0)
		for i := 0; i < len(a) && i < len(b) && r == 0; i++ {
			r = int32(int8(a[i])) - int32(int8(b[i]))
		}
		if r == 0 {
			r = int32(len(a) - len(b))
		}
		s[0] = uint64(uint32(r))
	}
}

func TestBytesComparisons(t *testing.T) {
	by := func(s string) sdk.Value { return sdk.Value{Type: sdk.TypeBytes, S: s} }
	nb := sdk.Null(sdk.TypeBytes)
	x, y := col(0, sdk.TypeBytes), col(1, sdk.TypeBytes)
	rows := pairs(by("a"), by("b"), by("b"), by("a"), by("a"), by("a"), by("a"), by("ab"), by("\xff"), by("\x01"), nb, by("a"))
	runExprCases(t, []exprCase{
		{"less than (signed bytes, shorter first)", []sdk.Type{sdk.TypeBytes, sdk.TypeBytes}, rows, bin(plan.OpLt, x, y),
			wants(vB(true), vB(false), vB(false), vB(true), vB(true), vB(false))},
		{"equal", []sdk.Type{sdk.TypeBytes, sdk.TypeBytes}, rows, bin(plan.OpEq, x, y),
			wants(vB(false), vB(false), vB(true), vB(false), vB(false), vB(false))},
	})
}

func TestDecimalDivisionAndModulo(t *testing.T) {
	d42 := dec(4, 2)
	a, b := col(0, d42), col(1, d42)
	q := dec(11, 7) // ksqlDB: scale max(6, 2+4+1), precision 4-2+2+7
	r := dec(4, 2)  // ksqlDB: min(2, 2)+2 integer digits, scale 2
	rows := pairs(vDec(d42, 1010), vDec(d42, 200), vDec(d42, 1010), vDec(d42, -200), vDec(d42, 1010), vDec(d42, 0),
		vDec(d42, 100), vDec(d42, 300), vDec(d42, -1010), vDec(d42, 300), sdk.Null(d42), vDec(d42, 100))
	runExprCases(t, []exprCase{
		{"divide: exact or NULL", []sdk.Type{d42, d42}, rows, &plan.Binary{Op: plan.OpDiv, X: a, Y: b, T: q},
			wants(vDec(q, 50500000), vDec(q, -50500000), sdk.Null(q), sdk.Null(q), sdk.Null(q), sdk.Null(q))},
		{"modulo: sign of the dividend", []sdk.Type{d42, d42}, rows, &plan.Binary{Op: plan.OpMod, X: a, Y: b, T: r},
			wants(vDec(r, 10), vDec(r, 10), sdk.Null(r), vDec(r, 100), vDec(r, -110), sdk.Null(r))},
	})
}
