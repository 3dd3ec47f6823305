package codegen

import (
	"math"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

func TestMathFunctions(t *testing.T) {
	i, l, d := col(0, tI), col(0, tL), col(0, tD)
	const minI, minL = math.MinInt32, math.MinInt64
	nd := vNullD
	runExprCases(t, []exprCase{
		{"abs int", []sdk.Type{tI}, rowsOf(vI(-3), vI(4), vI(minI), vNullI), call(plan.FnAbs, tI, i), wants(vI(3), vI(4), vI(minI), vNullI)},
		{"abs bigint", []sdk.Type{tL}, rowsOf(vL(-3), vL(minL), vNullL), call(plan.FnAbs, tL, l), wants(vL(3), vL(minL), vNullL)},
		{"abs double", []sdk.Type{tD}, rowsOf(vD(-3.1), vD(math.Copysign(0, -1)), nd), call(plan.FnAbs, tD, d), wants(vD(3.1), vD(0), nd)},
		{"ceil int", []sdk.Type{tI}, rowsOf(vI(-3), vNullI), call(plan.FnCeil, tI, i), wants(vI(-3), vNullI)},
		{"ceil double", []sdk.Type{tD}, rowsOf(vD(1.1), vD(-1.1), vD(-0.5), vD(2), nd), call(plan.FnCeil, tD, d),
			wants(vD(2), vD(-1), vD(math.Copysign(0, -1)), vD(2), nd)},
		{"floor double", []sdk.Type{tD}, rowsOf(vD(1.7), vD(-1.1), vD(-2), nd), call(plan.FnFloor, tD, d), wants(vD(1), vD(-2), vD(-2), nd)},
		{"floor bigint", []sdk.Type{tL}, rowsOf(vL(-3)), call(plan.FnFloor, tL, l), wants(vL(-3))},
		{"round double", []sdk.Type{tD}, rowsOf(vD(1.2), vD(1.7), vD(1.5), vD(-1.5), vD(-1.7), vD(-1.1), vD(0.49999999999999994),
			vD(12345.678), vD(math.NaN()), vD(math.Inf(1)), vD(-1e300), vD(4503599627370497), nd),
			call(plan.FnRound, tL, d),
			wants(vL(1), vL(2), vL(2), vL(-1), vL(-2), vL(-1), vL(0), vL(12346), vL(0), vL(math.MaxInt64), vL(math.MinInt64), vL(4503599627370497), vNullL)},
		{"round int", []sdk.Type{tI}, rowsOf(vI(7), vNullI), call(plan.FnRound, tI, i), wants(vI(7), vNullI)},
	})
}

// TestRoundTo checks ROUND(x, n) against the corpus's math.json "round"
// expectations (ksqlDB's BigDecimal HALF_UP/HALF_DOWN), plus ties whose
// binary value lies below the decimal tie.
func TestRoundTo(t *testing.T) {
	d := col(0, tD)
	type rc struct {
		x    float64
		n    int32
		want float64
	}
	cases := []rc{
		{1.2, 0, 1}, {1.2, 1, 1.2}, {1.2, 2, 1.2}, {1.2, 10, 1.2}, {1.2, -1, 0}, {1.2, -2, 0},
		{1.7, 0, 2}, {1.5, 0, 2}, {3, 0, 3}, {1.234567, 1, 1.2}, {1.234567, 2, 1.23}, {1.234567, 10, 1.234567},
		{0, 0, 0}, {111, -1, 110}, {111, -2, 100}, {111, 1, 111},
		{-1.1, 0, -1}, {-1.1, -1, 0}, {-1.5, 0, -1}, {-1.5, 1, -1.5}, {-1.7, 0, -2},
		{12345.678, 0, 12346}, {12345.678, 1, 12345.7}, {12345.678, 2, 12345.68}, {12345.678, 10, 12345.678},
		{12345.678, -1, 12350}, {12345.678, -2, 12300}, {-12345.678, 1, -12345.7}, {-12345.678, -1, -12350}, {-12345.678, -2, -12300},
		// Decimal ties that are not binary ties: 1.005 is 1.00499999999999989...
		{1.005, 2, 1.01}, {2.675, 2, 2.68}, {-2.675, 2, -2.67}, {0.125, 2, 0.13}, {-0.125, 2, -0.12}, {1.45, 1, 1.5},
		{1e300, 2, 1e300}, {123.456, 30, 123.456}, {5e22, -23, 1e23}, {4e22, -23, 0},
		// Beyond 22 places 10^n is not a double and results are approximate
		// (e.g. ROUND(1.5e-30, 30) gives 1e-30, not 2e-30): not asserted.
		{1.5e-30, 25, 0}, {1.4e-30, 30, 1e-30}, {7, 500, 7}, {7, -500, 0},
	}
	var rows [][]sdk.Value
	var want []any
	for _, c := range cases {
		rows = append(rows, []sdk.Value{vD(c.x), vI(c.n)})
		want = append(want, vD(c.want))
	}
	rows = append(rows, []sdk.Value{vD(math.NaN()), vI(1)}, []sdk.Value{vD(math.Inf(-1)), vI(1)}, []sdk.Value{vNullD, vI(1)}, []sdk.Value{vD(1), vNullI})
	want = append(want, vNullD, vNullD, vNullD, vNullD)
	runExprCases(t, []exprCase{{"round to", []sdk.Type{tD, tI}, rows, call(plan.FnRoundTo, tD, d, col(1, tI)), want}})
}

func TestStringFunctions(t *testing.T) {
	s := col(0, tS)
	ns := vNullS
	runExprCases(t, []exprCase{
		{"ucase", []sdk.Type{tS}, rowsOf(vS("abC"), vS(""), ns), call(plan.FnUpper, tS, s), wants(vS("ABC"), vS(""), ns)},
		{"lcase", []sdk.Type{tS}, rowsOf(vS("AbC"), ns), call(plan.FnLower, tS, s), wants(vS("abc"), ns)},
		{"trim", []sdk.Type{tS}, rowsOf(vS("  a b \t"), vS("   "), ns), call(plan.FnTrim, tS, s), wants(vS("a b"), vS(""), ns)},
		{"ltrim", []sdk.Type{tS}, rowsOf(vS("  a "), ns), call(plan.FnLTrim, tS, s), wants(vS("a "), ns)},
		{"rtrim", []sdk.Type{tS}, rowsOf(vS("  a "), ns), call(plan.FnRTrim, tS, s), wants(vS("  a"), ns)},
		{"len", []sdk.Type{tS}, rowsOf(vS("abc"), vS(""), vS("é😀"), ns), call(plan.FnLen, tI, s), wants(vI(3), vI(0), vI(3), vNullI)},
		{"substring pos", []sdk.Type{tS}, rowsOf(vS("some_string"), vS("another"), vS("short"), ns),
			call(plan.FnSubstring, tS, s, cInt(6)), wants(vS("string"), vS("er"), vS(""), ns)},
		{"substring pos len", []sdk.Type{tS}, rowsOf(vS("some_string"), vS("another"), vS("short")),
			call(plan.FnSubstring, tS, s, cInt(6), cInt(3)), wants(vS("str"), vS("er"), vS(""))},
		{"substring negative", []sdk.Type{tS}, rowsOf(vS("some_string")),
			call(plan.FnSubstring, tS, s, cInt(-3), cInt(2)), wants(vS("in"))},
		{"substring negative length", []sdk.Type{tS}, rowsOf(vS("some_string")),
			call(plan.FnSubstring, tS, s, cInt(2), cInt(-1)), wants(vS(""))},
		{"substring null pos", []sdk.Type{tS}, rowsOf(vS("abc")),
			call(plan.FnSubstring, tS, s, cNull(tI)), wants(ns)},
		{"replace", []sdk.Type{tS}, rowsOf(vS("a-b-c"), ns), call(plan.FnReplace, tS, s, cStr("-"), cStr("+=")), wants(vS("a+=b+=c"), ns)},
		{"replace null", []sdk.Type{tS}, rowsOf(vS("a")), call(plan.FnReplace, tS, s, cNull(tS), cStr("")), wants(ns)},
		{"concat", []sdk.Type{tS, tS}, pairs(vS("foo"), vS("bar"), vS("foo"), ns, ns, ns, vS(""), vS("")),
			call(plan.FnConcat, tS, col(0, tS), cStr("-"), col(1, tS)), wants(vS("foo-bar"), vS("foo-"), vS("-"), vS("-"))},
		{"concat nested", []sdk.Type{tS}, rowsOf(vS("foo"), vS(`\foo"`)),
			call(plan.FnConcat, tS, cStr(`"`), call(plan.FnConcat, tS, s, cStr(`\`))), wants(vS(`"foo\`), vS(`"\foo"\`))},
		{"concat all null", []sdk.Type{tS}, rowsOf(ns), call(plan.FnConcat, tS, s, cNull(tS)), wants(vS(""))},
		{"concat_ws", []sdk.Type{tS, tS, tS, tS},
			[][]sdk.Value{
				{vS("SEP"), vS("foo"), vS("bar"), vS("baz")},
				{vS("SEP"), vS("foo"), ns, vS("baz")},
				{vS("SEP"), ns, ns, ns},
				{ns, vS("foo"), vS("bar"), vS("baz")},
				{vS(""), vS("a"), vS(""), vS("b")},
			},
			call(plan.FnConcatWS, tS, col(0, tS), col(1, tS), col(2, tS), col(3, tS), cNull(tS), cStr("literal")),
			wants(vS("fooSEPbarSEPbazSEPliteral"), vS("fooSEPbazSEPliteral"), vS("literal"), ns, vS("abliteral"))},
		{"concat_ws all null", []sdk.Type{tS, tS}, pairs(vS(", "), ns),
			call(plan.FnConcatWS, tS, col(0, tS), col(1, tS)), wants(vS(""))},
		{"like", []sdk.Type{tS}, rowsOf(vS("barfoobaz"), vS("bar"), ns), like(s, cStr("%foo%"), -1, false), wants(vB(true), vB(false), vNullB)},
		{"not like", []sdk.Type{tS}, rowsOf(vS("barfoobaz"), vS("bar"), ns), like(s, cStr("%foo%"), -1, true), wants(vB(false), vB(true), vNullB)},
		{"like column pattern escape", []sdk.Type{tS, tS}, pairs(vS("%"), vS("!%"), vS("x"), vS("!%"), vS("f_o"), ns),
			like(col(0, tS), col(1, tS), '!', false), wants(vB(true), vB(false), vNullB)},
	})
}

func TestNullFunctionsAndCase(t *testing.T) {
	i0, i1 := col(0, tI), col(1, tI)
	s0 := col(0, tS)
	ni := vNullI
	runExprCases(t, []exprCase{
		{"coalesce", []sdk.Type{tI, tI}, pairs(vI(1), vI(2), ni, vI(2), ni, ni), call(plan.FnCoalesce, tI, i0, i1, i0, i1), wants(vI(1), vI(2), ni)},
		{"coalesce const", []sdk.Type{tS}, rowsOf(vS("a"), vNullS), call(plan.FnCoalesce, tS, s0, cStr("x")), wants(vS("a"), vS("x"))},
		{"coalesce never null first", []sdk.Type{tI}, rowsOf(ni), call(plan.FnCoalesce, tI, cInt(5), i0), wants(vI(5))},
		{"ifnull", []sdk.Type{tI}, rowsOf(vI(1), ni), call(plan.FnIfNull, tI, i0, cInt(10)), wants(vI(1), vI(10))},
		{"nullif int", []sdk.Type{tI}, rowsOf(vI(1), vI(10), ni), call(plan.FnNullIf, tI, i0, cInt(10)), wants(vI(1), ni, ni)},
		{"nullif string", []sdk.Type{tS, tS}, pairs(vS("x"), vS("x"), vS("X"), vS("x"), vNullS, vS("x"), vS("a"), vNullS, vS("abcdefghij"), vS("abcdefghij")),
			call(plan.FnNullIf, tS, col(0, tS), col(1, tS)), wants(vNullS, vS("X"), vNullS, vS("a"), vNullS)},
		{"nullif double", []sdk.Type{tD, tD}, pairs(vD(1), vD(1), vD(math.NaN()), vD(math.NaN()), vD(0), vD(math.Copysign(0, -1)), vD(2), vNullD),
			call(plan.FnNullIf, tD, col(0, tD), col(1, tD)), wants(vNullD, vNullD, vD(0), vD(2))},
		{"nullif bool", []sdk.Type{tB, tB}, pairs(vB(true), vB(true), vB(true), vB(false)),
			call(plan.FnNullIf, tB, col(0, tB), col(1, tB)), wants(vNullB, vB(true))},
		{"case", []sdk.Type{tI}, rowsOf(vI(1), vI(2), vI(3), ni),
			caseOf(tS, cStr("other"), bin(plan.OpEq, i0, cInt(1)), cStr("one"), bin(plan.OpLt, i0, cInt(3)), cStr("small")),
			wants(vS("one"), vS("small"), vS("other"), vS("other"))},
		{"case null else", []sdk.Type{tI}, rowsOf(vI(1), vI(2)),
			caseOf(tI, cNull(tI), bin(plan.OpEq, i0, cInt(1)), bin(plan.OpAdd, i0, cInt(10))), wants(vI(11), ni)},
		{"case then null", []sdk.Type{tI}, rowsOf(vI(1), vI(2)),
			caseOf(tD, cDbl(2.5), bin(plan.OpEq, i0, cInt(1)), cNull(tD)), wants(vNullD, vD(2.5))},
		{"case null condition", []sdk.Type{tB}, rowsOf(vNullB, vB(true)),
			caseOf(tI, cInt(0), col(0, tB), cInt(1)), wants(vI(0), vI(1))},
	})
}

func TestCasts(t *testing.T) {
	i, l, d, s, b := col(0, tI), col(0, tL), col(0, tD), col(0, tS), col(0, tB)
	nan, inf := math.NaN(), math.Inf(1)
	ns := vNullS
	runExprCases(t, []exprCase{
		{"int to bigint", []sdk.Type{tI}, rowsOf(vI(-5), vNullI), conv(i, tL), wants(vL(-5), vNullL)},
		{"bigint to int wraps", []sdk.Type{tL}, rowsOf(vL(2147483648), vL(-1), vL(1<<32+7)), conv(l, tI), wants(vI(math.MinInt32), vI(-1), vI(7))},
		{"int to double", []sdk.Type{tI}, rowsOf(vI(-5)), conv(i, tD), wants(vD(-5))},
		{"bigint to double", []sdk.Type{tL}, rowsOf(vL(1<<53 + 1)), conv(l, tD), wants(vD(1 << 53))},
		{"double to int", []sdk.Type{tD}, rowsOf(vD(1.9), vD(-1.9), vD(nan), vD(inf), vD(-inf), vD(3e9)), conv(d, tI),
			wants(vI(1), vI(-1), vI(0), vI(math.MaxInt32), vI(math.MinInt32), vI(math.MaxInt32))},
		{"double to bigint", []sdk.Type{tD}, rowsOf(vD(1.9), vD(-1.9), vD(nan), vD(1e300)), conv(d, tL),
			wants(vL(1), vL(-1), vL(0), vL(math.MaxInt64))},
		{"int to string", []sdk.Type{tI}, rowsOf(vI(-1), vI(math.MinInt32), vNullI), conv(i, tS), wants(vS("-1"), vS("-2147483648"), ns)},
		{"bigint to string", []sdk.Type{tL}, rowsOf(vL(2147483648)), conv(l, tS), wants(vS("2147483648"))},
		{"double to string", []sdk.Type{tD}, rowsOf(vD(1.5), vD(10), vNullD), conv(d, tS), wants(vS("1.5"), vS("10.0"), ns)},
		{"boolean to string", []sdk.Type{tB}, rowsOf(vB(true), vB(false), vNullB), conv(b, tS), wants(vS("true"), vS("false"), ns)},
		{"string to boolean", []sdk.Type{tS}, rowsOf(vS("true"), vS("YES"), vS("no"), vS("x"), ns), conv(s, tB),
			wants(vB(true), vB(true), vB(false), vB(false), vNullB)},
		{"string to int", []sdk.Type{tS}, rowsOf(vS("42"), vS(" -7 "), vS("2147483648"), vS("x"), ns), convN(s, tI),
			wants(vI(42), vI(-7), vNullI, vNullI, vNullI)},
		{"string to int row error", []sdk.Type{tS}, rowsOf(vS("42"), vS("x"), vS("7")), conv(s, tI),
			[]any{vI(42), rowErr(sdk.RowErrCast), vI(7)}},
		{"string to bigint", []sdk.Type{tS}, rowsOf(vS("2147483648"), vS("1.5")), convN(s, tL), wants(vL(2147483648), vNullL)},
		{"string to double", []sdk.Type{tS}, rowsOf(vS("1.5"), vS("-1e3"), vS("abc"), ns), convN(s, tD), wants(vD(1.5), vD(-1000), vNullD, vNullD)},
		{"string to double row error", []sdk.Type{tS}, rowsOf(vS("abc")), conv(s, tD), []any{rowErr(sdk.RowErrCast)}},
		{"null to int", []sdk.Type{tS}, rowsOf(vS("1")), conv(cNull(sdk.TypeUnknown), tI), wants(vNullI)},
		{"string to string", []sdk.Type{tS}, rowsOf(vS("a")), conv(s, tS), wants(vS("a"))},
		{"failed cast inside is null", []sdk.Type{tS}, rowsOf(vS("1"), vS("x")), isNull(conv(s, tI)), []any{vB(false), rowErr(sdk.RowErrCast)}},
		{"failed cast as null inside is null", []sdk.Type{tS}, rowsOf(vS("1"), vS("x")), isNull(convN(s, tI)), wants(vB(false), vB(true))},
		{"cast in filter comparison", []sdk.Type{tS}, rowsOf(vS("800"), vS("700"), vS("x")), bin(plan.OpGt, convN(s, tI), cInt(750)),
			wants(vB(true), vB(false), vB(false))},
	})
}

// TestOutputsAndFilter checks a stage with a filter and several outputs:
// columns passing through, computed values, NULLs, and dropped rows.
func TestOutputsAndFilter(t *testing.T) {
	in := []sdk.Column{{Name: "ID", Type: tS, Key: true}, {Name: "TYPE", Type: tS}, {Name: "SCORE", Type: tI}, {Name: "CITY", Type: tS}}
	filter := and(bin(plan.OpEq, col(1, tS), cStr("Residential")), bin(plan.OpGt, col(2, tI), cInt(750)))
	rows := [][]sdk.Value{
		{vS("a"), vS("Residential"), vI(800), vS("Paris")},
		{vS("b"), vS("Commercial"), vI(800), vS("Rome")},
		{vS("c"), vS("Residential"), vI(700), vS("Oslo")},
		{vS("d"), vS("Residential"), vNullI, vS("Bern")},
		{vS("e"), vNullS, vI(900), vS("Nice")},
		{vS("f"), vS("Residential"), vI(751), vNullS},
	}
	res := evalRows(t, in, rows, filter, col(0, tS), col(3, tS), bin(plan.OpAdd, col(2, tI), cInt(1)), call(plan.FnUpper, tS, col(3, tS)))
	want := []rowResult{
		{sdk.SelEmit, []sdk.Value{vS("a"), vS("Paris"), vI(801), vS("PARIS")}},
		{sel: sdk.SelDrop}, {sel: sdk.SelDrop}, {sel: sdk.SelDrop}, {sel: sdk.SelDrop},
		{sdk.SelEmit, []sdk.Value{vS("f"), vNullS, vI(752), vNullS}},
	}
	for eng, rr := range res {
		for r := range want {
			if rr[r].sel != want[r].sel {
				t.Errorf("%s: row %d: sel %d, want %d", eng, r, rr[r].sel, want[r].sel)
				continue
			}
			for j, v := range want[r].out {
				if !sameValue(rr[r].out[j], v) {
					t.Errorf("%s: row %d col %d: %#v, want %#v", eng, r, j, rr[r].out[j], v)
				}
			}
		}
	}
}

// TestZeroInputStage: an INSERT VALUES stage has no inputs; its outputs are
// constants and expressions over constants.
func TestZeroInputStage(t *testing.T) {
	st := &plan.Stage{Outputs: outs(cInt(1), cStr("hello"), call(plan.FnConcat, tS, cStr("a"), cStr("b")), cNull(tD),
		conv(cDbl(2.5), tS), bin(plan.OpMul, cBig(6), cBig(7)))}
	q := query(st)
	q.Kind, q.Sources, q.Pipeline = "VALUES", nil, sdk.Pipeline{Final: 0}
	bin, m := generate(t, q)
	want := []sdk.Value{vI(1), vS("hello"), vS("ab"), vNullD, vS("2.5"), vL(42)}
	for _, e := range engines(t) {
		in := instantiate(t, e, bin, m)
		status, _, rr := in.run(t, 0, [][]sdk.Value{{}}, batchOpts{})
		if status != sdk.StatusOK || len(rr) != 1 || rr[0].sel != sdk.SelEmit {
			t.Fatalf("%s: status %d, rows %+v", e.name, status, rr)
		}
		for j, w := range want {
			if !sameValue(rr[0].out[j], w) {
				t.Errorf("%s: output %d: %#v, want %#v", e.name, j, rr[0].out[j], w)
			}
		}
	}
}

// TestHeapFull: when the heap cannot hold a row's strings, the stage stops
// at that row with StatusHeapFull, whether the string is built inline
// (CONCAT) or by an intrinsic (UCASE).
func TestHeapFull(t *testing.T) {
	s := col(0, tS)
	for _, tc := range []struct {
		name string
		e    plan.Expr
	}{
		{"concat", call(plan.FnConcat, tS, s, s)},
		{"concat_ws", call(plan.FnConcatWS, tS, cStr(","), s, s)},
		{"intrinsic", call(plan.FnUpper, tS, s)},
		{"cast", conv(col(1, tI), tS)},
		{"two-pass", call(plan.FnConcat, tS, s, s)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var filter plan.Expr
			if tc.name == "two-pass" {
				filter = isNotNull(col(1, tI)) // branch-free: outputs in a second pass
			}
			q := query(&plan.Stage{Inputs: cols(tS, tI), Filter: filter, Outputs: outs(tc.e)})
			bin, m := generate(t, q)
			rows := [][]sdk.Value{{vS("abcd"), vI(1234)}, {vS("efgh"), vI(5678)}, {vS("ijkl"), vI(9012)}}
			for _, e := range engines(t) {
				in := instantiate(t, e, bin, m)
				// Room for exactly two rows' results (8 or 9 bytes each).
				heap := 8
				if tc.name == "concat_ws" {
					heap = 9
				}
				if tc.name == "intrinsic" || tc.name == "cast" {
					heap = 4
				}
				status, srow, rr := in.run(t, 0, rows, batchOpts{heapSize: 2 * heap})
				if status != sdk.StatusHeapFull || srow != 2 {
					t.Fatalf("%s: status %d at row %d, want heap full at row 2", e.name, status, srow)
				}
				if len(rr) != 2 || rr[0].sel != sdk.SelEmit || rr[1].sel != sdk.SelEmit {
					t.Fatalf("%s: rows before the full heap: %+v", e.name, rr)
				}
				// Enough heap: all rows.
				status, _, rr = in.run(t, 0, rows, batchOpts{})
				if status != sdk.StatusOK || len(rr) != 3 {
					t.Fatalf("%s: status %d with a large heap", e.name, status)
				}
			}
		})
	}
}

// TestCancellation: the stage checks the cancel flag before every chunk of
// CancelCheckRows rows.
func TestCancellation(t *testing.T) {
	q := query(&plan.Stage{Inputs: cols(tI), Outputs: outs(col(0, tI))})
	bin, m := generate(t, q)
	rows := make([][]sdk.Value, 200)
	for i := range rows {
		rows[i] = []sdk.Value{vI(int32(i))}
	}
	for _, e := range engines(t) {
		in := instantiate(t, e, bin, m)
		status, srow, _ := in.run(t, 0, rows, batchOpts{cancel: true})
		if status != sdk.StatusCancelled || srow != 0 {
			t.Errorf("%s: status %d at row %d, want cancelled at 0", e.name, status, srow)
		}
		status, _, rr := in.run(t, 0, rows, batchOpts{})
		if status != sdk.StatusOK || len(rr) != 200 || rr[199].out[0].I != 199 {
			t.Errorf("%s: status %d after clearing the flag", e.name, status)
		}
	}
}

// TestCancellationMidBatch: the flag set while the stage runs (here by
// the test str_upper intrinsic, on a marker string) stops the stage at the
// next chunk boundary, with the rows before it processed.
func TestCancellationMidBatch(t *testing.T) {
	// Without a filter (one pass) and with a branch-free filter (two
	// passes: the outputs are computed over the list of passing rows, and
	// the check counts passing rows). Every other row passes.
	for _, filter := range []plan.Expr{nil, bin(plan.OpEq, col(1, tI), cInt(1))} {
		q := query(&plan.Stage{Inputs: cols(tS, tI), Filter: filter, Outputs: outs(call(plan.FnUpper, tS, col(0, tS)))})
		const c = sdk.CancelCheckRows
		bin, m, err := Generate(q, WithBatchCapacity(6*c)) // room for several check intervals
		if err != nil {
			t.Fatal(err)
		}
		rows := make([][]sdk.Value, 6*c)
		for i := range rows {
			rows[i] = []sdk.Value{vS("x"), vI(int32(1 - i%2))}
		}
		rows[2*c+12] = []sdk.Value{vS(cancelMarker), vI(1)}
		want := uint32(3 * c) // the first chunk boundary after the marker
		if filter != nil {
			want = 4 * c // the check after passing row 2c: the marker is passing row c+6
		}
		for _, e := range engines(t) {
			in := instantiate(t, e, bin, m)
			status, srow, rr := in.run(t, 0, rows, batchOpts{})
			if status != sdk.StatusCancelled || srow != want {
				t.Fatalf("%s (filter %v): status %d at row %d, want cancelled at %d", e.name, filter != nil, status, srow, want)
			}
			if rr[want-2].sel != sdk.SelEmit || rr[want-2].out[0].S != "X" {
				t.Errorf("%s: row %d before the boundary: %+v", e.name, want-2, rr[want-2])
			}
		}
	}
}

// TestRowsBeyondCapacity: a host passing more rows than the capacity gets
// at most the capacity processed, never a write outside the region.
func TestRowsBeyondCapacity(t *testing.T) {
	q := query(&plan.Stage{Inputs: cols(tI), Outputs: outs(col(0, tI))})
	bin, m := generate(t, q)
	for _, e := range engines(t) {
		in := instantiate(t, e, bin, m)
		fn := in.mod.ExportedFunction("stage_0")
		l := m.Stages[0].Layout
		in.mem.WriteUint32Le(l.Base+sdk.HdrCancel, 0)
		sentinel := l.InData() // first byte after the last output column
		in.mem.WriteByte(sentinel, 0x5A)
		ret, err := fn.Call(t.Context(), uint64(l.Capacity)+1000)
		if err != nil || ret[0] != sdk.StatusOK {
			t.Fatalf("%s: %v %v", e.name, ret, err)
		}
		if b, _ := in.mem.ReadByte(sentinel); b != 0x5A {
			t.Errorf("%s: stage wrote past its output columns", e.name)
		}
	}
}

func TestLongStrings(t *testing.T) {
	long := strings.Repeat("0123456789", 50)
	runExprCases(t, []exprCase{
		{"concat long", []sdk.Type{tS}, rowsOf(vS(long)), call(plan.FnConcat, tS, col(0, tS), col(0, tS)), wants(vS(long + long))},
		{"eq long col", []sdk.Type{tS, tS}, pairs(vS(long), vS(long), vS(long), vS(long[:499]+"x")),
			bin(plan.OpEq, col(0, tS), col(1, tS)), wants(vB(true), vB(false))},
	})
}

// TestLikeShapes checks the inline LIKE shapes (exact, prefix, suffix,
// contains) and the intrinsic against the same matcher, over strings that
// hit their edges.
func TestLikeShapes(t *testing.T) {
	strs := []string{"", "a", "ab", "abc", "xabc", "abcx", "xabcx", "ababc", "aabab", "abcabc", "ba", "Residential",
		"élan", "caféé", "%", "a%c", strings.Repeat("ab", 40) + "abc"}
	var rows [][]sdk.Value
	for _, s := range strs {
		rows = append(rows, []sdk.Value{vS(s)})
	}
	rows = append(rows, []sdk.Value{vNullS})
	var cases []exprCase
	for _, pat := range []string{"abc", "", "abc%", "%abc", "%abc%", "%", "%%", "a%", "%c", "%b%", "%ab%", "%é%", "é%", "%é",
		"%abcabc%", "ab%c", "a_c", "_%", "%" + strings.Repeat("ab", 10) + "%", "a!%c"} {
		for _, isNot := range []bool{false, true} {
			var w []any
			for _, r := range rows {
				if r[0].Null {
					w = append(w, vNullB)
				} else {
					w = append(w, vB(likeMatch(r[0].S, pat, '!') != isNot))
				}
			}
			name := "like " + pat
			if isNot {
				name = "not " + name
			}
			cases = append(cases, exprCase{name, []sdk.Type{tS}, rows, like(col(0, tS), cStr(pat), '!', isNot), w})
		}
	}
	runExprCases(t, cases)
}
