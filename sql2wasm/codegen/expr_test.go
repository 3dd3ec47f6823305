package codegen

import (
	"math"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// rowErr is an expected row error with its reason.
type rowErr int

// exprCase is an expression over input rows and its expected value per row
// (an sdk.Value, or a rowErr).
type exprCase struct {
	name   string
	inputs []sdk.Type
	rows   [][]sdk.Value
	expr   plan.Expr
	want   []any
}

// runExprCases checks each case as an output column and, for a BOOLEAN,
// also as a WHERE filter (the row passes exactly when the value is TRUE)
// and negated in a filter, on both engines.
func runExprCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.want) != len(tc.rows) {
				t.Fatalf("%d rows, %d expectations", len(tc.rows), len(tc.want))
			}
			in := cols(tc.inputs...)
			for eng, rr := range evalRows(t, in, tc.rows, nil, tc.expr) {
				for r, want := range tc.want {
					got := rr[r]
					switch w := want.(type) {
					case rowErr:
						if got.sel != byte(sdk.SelError+int(w)) {
							t.Errorf("%s: row %d: sel %d, want row error %d", eng, r, got.sel, w)
						}
					case sdk.Value:
						if got.sel != sdk.SelEmit {
							t.Errorf("%s: row %d: sel %d, want %#v", eng, r, got.sel, w)
						} else if !sameValue(got.out[0], w) {
							t.Errorf("%s: row %d: got %#v, want %#v", eng, r, got.out[0], w)
						}
					}
				}
			}
			if tc.expr.Type() != sdk.TypeBoolean {
				return
			}
			for _, negated := range []bool{false, true} {
				filter := tc.expr
				if negated {
					filter = not(tc.expr)
				}
				for eng, rr := range evalRows(t, in, tc.rows, filter) {
					for r, want := range tc.want {
						var wantSel byte = sdk.SelDrop
						switch w := want.(type) {
						case rowErr:
							wantSel = byte(sdk.SelError + int(w))
						case sdk.Value:
							if !w.Null && w.Bool() != negated {
								wantSel = sdk.SelEmit
							}
						}
						if rr[r].sel != wantSel {
							t.Errorf("%s: WHERE (negated %v) row %d: sel %d, want %d", eng, negated, r, rr[r].sel, wantSel)
						}
					}
				}
			}
		})
	}
}

// rowsOf makes single-column rows.
func rowsOf(vs ...sdk.Value) [][]sdk.Value {
	out := make([][]sdk.Value, len(vs))
	for i, v := range vs {
		out[i] = []sdk.Value{v}
	}
	return out
}

// pairs makes two-column rows from alternating values.
func pairs(vs ...sdk.Value) [][]sdk.Value {
	var out [][]sdk.Value
	for i := 0; i+1 < len(vs); i += 2 {
		out = append(out, []sdk.Value{vs[i], vs[i+1]})
	}
	return out
}

func wants(vs ...sdk.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// The nine combinations of two three-valued booleans, in the order
// (T,T) (T,F) (T,N) (F,T) (F,F) (F,N) (N,T) (N,F) (N,N).
var boolPairs = pairs(
	vB(true), vB(true), vB(true), vB(false), vB(true), vNullB,
	vB(false), vB(true), vB(false), vB(false), vB(false), vNullB,
	vNullB, vB(true), vNullB, vB(false), vNullB, vNullB,
)

func TestThreeValuedLogic(t *testing.T) {
	a, b := col(0, tB), col(1, tB)
	T, F, N := vB(true), vB(false), vNullB
	runExprCases(t, []exprCase{
		{"and", []sdk.Type{tB, tB}, boolPairs, and(a, b), wants(T, F, N, F, F, F, N, F, N)},
		{"or", []sdk.Type{tB, tB}, boolPairs, or(a, b), wants(T, T, T, T, F, N, T, N, N)},
		{"not", []sdk.Type{tB}, rowsOf(T, F, N), not(a), wants(F, T, N)},
		{"column", []sdk.Type{tB}, rowsOf(T, F, N), a, wants(T, F, N)},
		{"is null", []sdk.Type{tB}, rowsOf(T, F, N), isNull(a), wants(F, F, T)},
		{"is not null", []sdk.Type{tB}, rowsOf(T, F, N), isNotNull(a), wants(T, T, F)},
		{"not and", []sdk.Type{tB, tB}, boolPairs, not(and(a, b)), wants(F, T, N, T, T, T, N, T, N)},
		{"not or", []sdk.Type{tB, tB}, boolPairs, not(or(a, b)), wants(F, F, F, F, T, N, F, N, N)},
		{"and of or", []sdk.Type{tB, tB}, boolPairs, and(or(a, b), or(not(a), b)), wants(T, F, N, T, F, N, T, N, N)},
		{"or of and", []sdk.Type{tB, tB}, boolPairs, or(and(a, not(b)), and(not(a), b)), wants(F, T, N, T, F, N, N, N, N)},
		{"and null const", []sdk.Type{tB}, rowsOf(T, F, N), and(a, cNull(tB)), wants(N, F, N)},
		{"or true const", []sdk.Type{tB}, rowsOf(T, F, N), or(cBool(true), a), wants(T, T, T)},
		{"is null of and", []sdk.Type{tB, tB}, boolPairs, isNull(and(a, b)), wants(F, F, T, F, F, F, T, F, T)},
		{"and is null", []sdk.Type{tB, tB}, boolPairs, and(isNull(a), isNotNull(b)), wants(F, F, F, F, F, F, T, T, F)},
		{"eq bool", []sdk.Type{tB, tB}, boolPairs, bin(plan.OpEq, a, b), wants(T, F, F, F, T, F, F, F, F)},
		{"case of bools", []sdk.Type{tB, tB}, boolPairs, caseOf(tB, cNull(tB), a, b), wants(T, F, N, N, N, N, N, N, N)},
	})
}

func TestComparisons(t *testing.T) {
	T, F := vB(true), vB(false)
	nan := math.NaN()
	// Rows per type: less, equal, greater, a special pair, NULL left, NULL
	// right.
	ints := pairs(vI(1), vI(2), vI(2), vI(2), vI(3), vI(2), vI(math.MinInt32), vI(math.MaxInt32), vNullI, vI(1), vI(1), vNullI)
	bigs := pairs(vL(1), vL(2), vL(2), vL(2), vL(3), vL(2), vL(math.MinInt64), vL(math.MaxInt64), vNullL, vL(1), vL(1), vNullL)
	dbls := pairs(vD(1), vD(2), vD(2), vD(2), vD(3), vD(2), vD(nan), vD(1), vD(math.Copysign(0, -1)), vD(0), vNullD, vD(1))
	strs := pairs(vS("a"), vS("b"), vS("b"), vS("b"), vS("b"), vS("a"), vS(""), vS("a"), vS("ab"), vS("a"), vNullS, vS("a"))
	bools := pairs(vB(false), vB(true), vB(true), vB(true), vB(true), vB(false), vB(false), vB(false), vNullB, vB(true), vB(true), vNullB)
	var cases []exprCase
	for _, op := range []struct {
		name                    string
		op                      plan.Op
		ints, dbls, strs, bools []any
	}{
		{"eq", plan.OpEq, wants(F, T, F, F, F, F), wants(F, T, F, F, T, F), wants(F, T, F, F, F, F), wants(F, T, F, T, F, F)},
		{"ne", plan.OpNe, wants(T, F, T, T, F, F), wants(T, F, T, T, F, F), wants(T, F, T, T, T, F), wants(T, F, T, F, F, F)},
		{"lt", plan.OpLt, wants(T, F, F, T, F, F), wants(T, F, F, F, F, F), wants(T, F, F, T, F, F), wants(T, F, F, F, F, F)},
		{"le", plan.OpLe, wants(T, T, F, T, F, F), wants(T, T, F, F, T, F), wants(T, T, F, T, F, F), wants(T, T, F, T, F, F)},
		{"gt", plan.OpGt, wants(F, F, T, F, F, F), wants(F, F, T, F, F, F), wants(F, F, T, F, T, F), wants(F, F, T, F, F, F)},
		{"ge", plan.OpGe, wants(F, T, T, F, F, F), wants(F, T, T, F, T, F), wants(F, T, T, F, T, F), wants(F, T, T, T, F, F)},
	} {
		cases = append(cases,
			exprCase{"int " + op.name, []sdk.Type{tI, tI}, ints, bin(op.op, col(0, tI), col(1, tI)), op.ints},
			exprCase{"bigint " + op.name, []sdk.Type{tL, tL}, bigs, bin(op.op, col(0, tL), col(1, tL)), op.ints},
			exprCase{"double " + op.name, []sdk.Type{tD, tD}, dbls, bin(op.op, col(0, tD), col(1, tD)), op.dbls},
			exprCase{"string " + op.name, []sdk.Type{tS, tS}, strs, bin(op.op, col(0, tS), col(1, tS)), op.strs},
			exprCase{"boolean " + op.name, []sdk.Type{tB, tB}, bools, bin(op.op, col(0, tB), col(1, tB)), op.bools},
		)
	}
	// Widened operands (the analyzer's Convert nodes) and constants.
	cases = append(cases,
		exprCase{"int widened to bigint", []sdk.Type{tI, tL}, pairs(vI(-1), vL(-1), vI(math.MaxInt32), vL(math.MaxInt32+1), vNullI, vL(0)),
			bin(plan.OpLt, conv(col(0, tI), tL), col(1, tL)), wants(F, T, F)},
		exprCase{"bigint widened to double", []sdk.Type{tL, tD}, pairs(vL(3), vD(2.5), vL(1<<53+1), vD(1<<53), vL(0), vNullD),
			bin(plan.OpGt, conv(col(0, tL), tD), col(1, tD)), wants(T, F, F)},
		exprCase{"bigint narrowed to int", []sdk.Type{tL}, rowsOf(vL(1<<32+5), vL(5), vNullL),
			bin(plan.OpEq, conv(col(0, tL), tI), cInt(5)), wants(T, T, F)},
		exprCase{"int widened to double", []sdk.Type{tI}, rowsOf(vI(2), vI(1), vNullI),
			bin(plan.OpGt, conv(col(0, tI), tD), cDbl(1.5)), wants(T, F, F)},
		exprCase{"int vs constant", []sdk.Type{tI}, rowsOf(vI(750), vI(751), vNullI),
			bin(plan.OpGt, col(0, tI), cInt(750)), wants(F, T, F)},
		exprCase{"constant vs constant", []sdk.Type{tI}, rowsOf(vI(1)),
			bin(plan.OpLe, cDbl(1.5), cDbl(2)), wants(T)},
		exprCase{"string const ordering", []sdk.Type{tS}, rowsOf(vS("m"), vS("a"), vS("z"), vNullS),
			bin(plan.OpGe, col(0, tS), cStr("m")), wants(T, F, T, F)},
		exprCase{"comparison in arithmetic null", []sdk.Type{tI}, rowsOf(vI(1), vNullI),
			bin(plan.OpEq, bin(plan.OpAdd, col(0, tI), cInt(1)), cInt(2)), wants(T, F)},
	)
	runExprCases(t, cases)
}

func TestStringEquality(t *testing.T) {
	s := col(0, tS)
	T, F := vB(true), vB(false)
	long := strings.Repeat("x", 100)
	in := rowsOf(vS("Residential"), vS("Residentia"), vS("Residentiax"), vS("residential"), vS(""), vNullS,
		vS("Residentiam"), vS("a"), vS("ab"), vS("abc"), vS("abcd"), vS("abcdefg"), vS("abcdefgh"), vS("abcdefghi"), vS(long), vS("é"))
	var cases []exprCase
	for _, k := range []string{"Residential", "", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghi", long, "é", strings.Repeat("abcdefgh", 8) + "z"} {
		var w []any
		for _, r := range in {
			w = append(w, vB(!r[0].Null && r[0].S == k))
		}
		cases = append(cases, exprCase{"eq " + k[:min(len(k), 12)], []sdk.Type{tS}, in, bin(plan.OpEq, s, cStr(k)), w})
		var wn []any
		for _, r := range in {
			wn = append(wn, vB(!r[0].Null && r[0].S != k))
		}
		cases = append(cases, exprCase{"const ne " + k[:min(len(k), 12)], []sdk.Type{tS}, in, bin(plan.OpNe, cStr(k), s), wn})
	}
	// A computed string against a constant, and string columns.
	cases = append(cases,
		exprCase{"computed eq const", []sdk.Type{tS}, rowsOf(vS("ab"), vS("a"), vNullS),
			bin(plan.OpEq, call(plan.FnConcat, tS, s, cStr("b")), cStr("abb")), wants(T, F, F)},
		exprCase{"col eq col", []sdk.Type{tS, tS}, pairs(vS("abcdefghijk"), vS("abcdefghijk"), vS("abcdefghijk"), vS("abcdefghijK"), vS("x"), vS("xy"), vS(""), vS(""), vNullS, vNullS),
			bin(plan.OpEq, col(0, tS), col(1, tS)), wants(T, F, F, T, F)},
		exprCase{"eq null const", []sdk.Type{tS}, rowsOf(vS("a"), vNullS), bin(plan.OpEq, s, cNull(tS)), wants(F, F)},
	)
	runExprCases(t, cases)
}

func TestArithmetic(t *testing.T) {
	i0, i1 := col(0, tI), col(1, tI)
	l0, l1 := col(0, tL), col(1, tL)
	d0, d1 := col(0, tD), col(1, tD)
	const minI, maxI = math.MinInt32, math.MaxInt32
	const minL, maxL = math.MinInt64, math.MaxInt64
	ii := pairs(vI(7), vI(2), vI(-7), vI(2), vI(maxI), vI(1), vI(minI), vI(-1), vI(5), vI(0), vNullI, vI(1), vI(minI), vI(minI))
	ll := pairs(vL(7), vL(2), vL(-7), vL(2), vL(maxL), vL(1), vL(minL), vL(-1), vL(5), vL(0), vNullL, vL(1), vL(minL), vL(minL))
	dd := pairs(vD(7.5), vD(2), vD(-7.5), vD(2), vD(1), vD(0), vD(-1), vD(0), vD(0), vD(0), vNullD, vD(1), vD(5.3), vD(-0.1))
	N, ND := vNullI, vNullD
	nanV := vD(math.NaN())
	runExprCases(t, []exprCase{
		{"int add wraps", []sdk.Type{tI, tI}, ii, bin(plan.OpAdd, i0, i1), wants(vI(9), vI(-5), vI(minI), vI(maxI), vI(5), N, vI(0))},
		{"int sub", []sdk.Type{tI, tI}, ii, bin(plan.OpSub, i0, i1), wants(vI(5), vI(-9), vI(maxI-1), vI(minI+1), vI(5), N, vI(0))},
		{"int mul wraps", []sdk.Type{tI, tI}, ii, bin(plan.OpMul, i0, i1), wants(vI(14), vI(-14), vI(maxI), vI(minI), vI(0), N, vI(0))},
		{"int div", []sdk.Type{tI, tI}, ii, bin(plan.OpDiv, i0, i1), wants(vI(3), vI(-3), vI(maxI), vI(minI), N, N, vI(1))},
		{"int mod", []sdk.Type{tI, tI}, ii, bin(plan.OpMod, i0, i1), wants(vI(1), vI(-1), vI(0), vI(0), N, N, vI(0))},
		{"int neg wraps", []sdk.Type{tI}, rowsOf(vI(5), vI(minI), vNullI), neg(i0), wants(vI(-5), vI(minI), N)},
		{"int div const", []sdk.Type{tI}, rowsOf(vI(7), vI(minI), vNullI), bin(plan.OpDiv, i0, cInt(-1)), wants(vI(-7), vI(minI), N)},
		{"int div const zero", []sdk.Type{tI}, rowsOf(vI(7), vNullI), bin(plan.OpDiv, i0, cInt(0)), wants(N, N)},
		{"bigint add wraps", []sdk.Type{tL, tL}, ll, bin(plan.OpAdd, l0, l1), wants(vL(9), vL(-5), vL(minL), vL(maxL), vL(5), vNullL, vL(0))},
		{"bigint mul", []sdk.Type{tL, tL}, ll, bin(plan.OpMul, l0, l1), wants(vL(14), vL(-14), vL(maxL), vL(minL), vL(0), vNullL, vL(0))},
		{"bigint div", []sdk.Type{tL, tL}, ll, bin(plan.OpDiv, l0, l1), wants(vL(3), vL(-3), vL(maxL), vL(minL), vNullL, vNullL, vL(1))},
		{"bigint mod", []sdk.Type{tL, tL}, ll, bin(plan.OpMod, l0, l1), wants(vL(1), vL(-1), vL(0), vL(0), vNullL, vNullL, vL(0))},
		{"bigint div const -1", []sdk.Type{tL}, rowsOf(vL(7), vL(minL)), bin(plan.OpDiv, l0, cBig(-1)), wants(vL(-7), vL(minL))},
		{"bigint neg", []sdk.Type{tL}, rowsOf(vL(5), vL(minL)), neg(l0), wants(vL(-5), vL(minL))},
		{"double add", []sdk.Type{tD, tD}, dd, bin(plan.OpAdd, d0, d1), wants(vD(9.5), vD(-5.5), vD(1), vD(-1), vD(0), ND, vD(5.2))},
		{"double div", []sdk.Type{tD, tD}, dd, bin(plan.OpDiv, d0, d1), wants(vD(3.75), vD(-3.75), vD(math.Inf(1)), vD(math.Inf(-1)), nanV, ND, vD(fdiv(5.3, -0.1)))},
		{"double mod", []sdk.Type{tD, tD}, dd, bin(plan.OpMod, d0, d1), wants(vD(1.5), vD(-1.5), nanV, nanV, nanV, ND, vD(math.Mod(5.3, -0.1)))},
		{"double neg", []sdk.Type{tD}, rowsOf(vD(0), vD(-2.5)), neg(d0), wants(vD(math.Copysign(0, -1)), vD(2.5))},
		{"mixed with constants", []sdk.Type{tI}, rowsOf(vI(3), vNullI), bin(plan.OpAdd, bin(plan.OpMul, i0, cInt(25)), cInt(12*4+2)), wants(vI(125), N)},
	})
}

func TestDoubleModulo(t *testing.T) {
	d0, d1 := col(0, tD), col(1, tD)
	inf := math.Inf(1)
	var rows [][]sdk.Value
	var want []any
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 5.3, -5.3, 1e300, -1e300, 1e-300, 5e-324, 0.1, 123456.789, inf, -inf, math.NaN(), math.MaxFloat64}
	for _, x := range xs {
		for _, y := range xs {
			rows = append(rows, []sdk.Value{vD(x), vD(y)})
			want = append(want, vD(math.Mod(x, y)))
		}
	}
	runExprCases(t, []exprCase{{"fmod", []sdk.Type{tD, tD}, rows, bin(plan.OpMod, d0, d1), want}})
}

// fdiv divides at run time (Go folds constant expressions exactly).
func fdiv(a, b float64) float64 { return a / b }
