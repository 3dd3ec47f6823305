package codegen

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

var (
	propSeed    = flag.Uint64("prop.seed", 1, "first seed of TestRandomExpressions")
	propModules = flag.Int("prop.modules", 60, "number of random modules TestRandomExpressions checks")
)

// TestRandomExpressions compiles random expression trees over random rows
// and compares every result with a small reference evaluator written from
// the package's documented semantics. Each module has a random filter and
// several random outputs, so filters (jumps and branch-free), values,
// NULL labels and row errors are all exercised together.
func TestRandomExpressions(t *testing.T) {
	inputs := cols(tB, tI, tI, tL, tD, tD, tS, tS)
	for k := 0; k < *propModules; k++ {
		seed := *propSeed + uint64(k)
		r := rand.New(rand.NewPCG(seed, 99))
		g := &exprGen{r: r, inputs: inputs}
		var filter plan.Expr
		if r.IntN(4) != 0 {
			filter = g.expr(tB, 4)
		}
		var es []plan.Expr
		for range 6 {
			es = append(es, g.expr(g.anyType(), 4))
		}
		rows := make([][]sdk.Value, 48)
		for i := range rows {
			rows[i] = g.row()
		}
		res := evalRows(t, inputs, rows, filter, es...)
		for eng, rr := range res {
			for i, row := range rows {
				wantSel, wantOut := refStage(filter, es, row)
				got := rr[i]
				ctx := func() string {
					return fmt.Sprintf("seed %d, %s, row %d %v\nfilter %s", seed, eng, i, fmtRow(row), fmtExpr(filter))
				}
				if got.sel != wantSel {
					t.Fatalf("%s\nsel %d, want %d", ctx(), got.sel, wantSel)
				}
				for j := range wantOut {
					if !sameValue(got.out[j], wantOut[j]) {
						t.Fatalf("%s\noutput %s\n= %#v, want %#v", ctx(), fmtExpr(es[j]), got.out[j], wantOut[j])
					}
				}
			}
		}
	}
}

// exprGen generates random typed expressions.
type exprGen struct {
	r      *rand.Rand
	inputs []sdk.Column
}

func (g *exprGen) anyType() sdk.Type {
	return []sdk.Type{tB, tI, tL, tD, tS}[g.r.IntN(5)]
}

func (g *exprGen) pick(vals ...int) int { return vals[g.r.IntN(len(vals))] }

var (
	intEdges    = []int64{0, 1, -1, 2, 7, -7, 750, math.MaxInt32, math.MinInt32}
	bigEdges    = []int64{0, 1, -1, 3, -3, math.MaxInt64, math.MinInt64, 1 << 40}
	doubleEdges = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -1.5, 2.675, 1e300, -1e-300, math.Inf(1), math.Inf(-1), math.NaN(), 3.25}
	strEdges    = []string{"", "a", "b", "ab", "Residential", "Residentiam", " 42 ", "-7", "x1", "2147483648", "1.5", "true", "yes", "abcdefghijklmnop"}
)

func (g *exprGen) value(t sdk.Type, nullPct int) sdk.Value {
	if g.r.IntN(100) < nullPct {
		return sdk.Null(t)
	}
	switch t {
	case tB:
		return vB(g.r.IntN(2) == 0)
	case tI:
		if g.r.IntN(3) == 0 {
			return vI(int32(g.r.Uint32()))
		}
		return vI(int32(intEdges[g.r.IntN(len(intEdges))]))
	case tL:
		if g.r.IntN(3) == 0 {
			return vL(int64(g.r.Uint64()))
		}
		return vL(bigEdges[g.r.IntN(len(bigEdges))])
	case tD:
		if g.r.IntN(3) == 0 {
			return vD(g.r.NormFloat64() * 1000)
		}
		return vD(doubleEdges[g.r.IntN(len(doubleEdges))])
	}
	return vS(strEdges[g.r.IntN(len(strEdges))])
}

func (g *exprGen) row() []sdk.Value {
	row := make([]sdk.Value, len(g.inputs))
	for i, c := range g.inputs {
		row[i] = g.value(c.Type, 20)
	}
	return row
}

func (g *exprGen) leaf(t sdk.Type) plan.Expr {
	if g.r.IntN(3) != 0 {
		var idx []int
		for i, c := range g.inputs {
			if c.Type == t {
				idx = append(idx, i)
			}
		}
		if len(idx) > 0 {
			i := idx[g.r.IntN(len(idx))]
			return col(i, t)
		}
	}
	return &plan.Const{V: g.value(t, 10)}
}

func (g *exprGen) expr(t sdk.Type, depth int) plan.Expr {
	if depth <= 0 || g.r.IntN(5) == 0 {
		return g.leaf(t)
	}
	d := depth - 1
	switch g.r.IntN(4) {
	case 0: // generic forms
		switch g.r.IntN(4) {
		case 0:
			return caseOf(t, g.expr(t, d), g.expr(tB, d), g.expr(t, d), g.expr(tB, d), g.expr(t, d))
		case 1:
			return call(plan.FnCoalesce, t, g.expr(t, d), g.expr(t, d), g.expr(t, d))
		case 2:
			return call(plan.FnNullIf, t, g.expr(t, d), g.expr(t, d))
		default:
			return call(plan.FnIfNull, t, g.expr(t, d), g.expr(t, d))
		}
	}
	switch t {
	case tB:
		switch g.r.IntN(7) {
		case 0:
			return and(g.expr(tB, d), g.expr(tB, d))
		case 1:
			return or(g.expr(tB, d), g.expr(tB, d))
		case 2:
			return not(g.expr(tB, d))
		case 3:
			x := g.expr(g.anyType(), d)
			if g.r.IntN(2) == 0 {
				return isNull(x)
			}
			return isNotNull(x)
		case 4:
			pats := []string{"%", "a%", "%b", "_", "R%l", "%e%"}
			return like(g.expr(tS, d), cStr(pats[g.r.IntN(len(pats))]), -1, g.r.IntN(2) == 0)
		default:
			ct := g.anyType()
			ops := []plan.Op{plan.OpEq, plan.OpNe, plan.OpLt, plan.OpLe, plan.OpGt, plan.OpGe}
			return bin(ops[g.r.IntN(len(ops))], g.expr(ct, d), g.expr(ct, d))
		}
	case tI, tL, tD:
		switch g.r.IntN(7) {
		case 0, 1, 2:
			ops := []plan.Op{plan.OpAdd, plan.OpSub, plan.OpMul, plan.OpDiv, plan.OpMod}
			return bin(ops[g.r.IntN(len(ops))], g.expr(t, d), g.expr(t, d))
		case 3:
			return neg(g.expr(t, d))
		case 4:
			from := []sdk.Type{tI, tL, tD, tS}[g.r.IntN(4)]
			return &plan.Convert{X: g.expr(from, d), To: t, NullOnError: g.r.IntN(3) != 0}
		case 5:
			if t == tI && g.r.IntN(2) == 0 {
				return call(plan.FnLen, tI, g.expr(tS, d))
			}
			fns := []plan.Func{plan.FnAbs, plan.FnCeil, plan.FnFloor, plan.FnRound}
			return call(fns[g.r.IntN(len(fns))], t, g.expr(t, d))
		default:
			if t == tL {
				return call(plan.FnRound, tL, g.expr(tD, d))
			}
			if t == tD {
				return call(plan.FnRoundTo, tD, g.expr(tD, d), cInt(int32(g.r.IntN(7)-3)))
			}
			return g.leaf(t)
		}
	case tS:
		switch g.r.IntN(7) {
		case 0:
			return call(plan.FnConcat, tS, g.expr(tS, d), g.expr(tS, d), g.expr(tS, d))
		case 1:
			return call(plan.FnConcatWS, tS, g.expr(tS, d), g.expr(tS, d), g.expr(tS, d))
		case 2:
			fns := []plan.Func{plan.FnUpper, plan.FnLower, plan.FnTrim, plan.FnLTrim, plan.FnRTrim}
			return call(fns[g.r.IntN(len(fns))], tS, g.expr(tS, d))
		case 3:
			if g.r.IntN(2) == 0 {
				return call(plan.FnSubstring, tS, g.expr(tS, d), g.expr(tI, d))
			}
			return call(plan.FnSubstring, tS, g.expr(tS, d), g.expr(tI, d), g.expr(tI, d))
		case 4:
			return call(plan.FnReplace, tS, g.expr(tS, d), g.expr(tS, d), g.expr(tS, d))
		case 5:
			from := []sdk.Type{tI, tL, tB}[g.r.IntN(3)]
			return conv(g.expr(from, d), tS)
		default:
			return g.leaf(tS)
		}
	}
	return g.leaf(t)
}

// The reference evaluator.

// errRow is a row error with its reason.
type errRow struct{ reason int }

func (e *errRow) Error() string { return "row error " + strconv.Itoa(e.reason) }

// refStage computes what a stage with this filter and these outputs gives
// for one row.
func refStage(filter plan.Expr, es []plan.Expr, row []sdk.Value) (byte, []sdk.Value) {
	if filter != nil {
		drop, err := refJump(filter, setNotTrue, row)
		if err != nil {
			return byte(sdk.SelError + err.reason), nil
		}
		if drop {
			return sdk.SelDrop, nil
		}
	}
	var out []sdk.Value
	for _, e := range es {
		v, err := refEval(e, row)
		if err != nil {
			return byte(sdk.SelError + err.reason), nil
		}
		out = append(out, v)
	}
	return sdk.SelEmit, out
}

// refJump reports whether the BOOLEAN e's result is in set, as a filter
// or a CASE condition needs it: AND and OR evaluate their right operand
// only when the left one leaves the answer open, so a row error there is
// raised only then.
func refJump(e plan.Expr, set triSet, row []sdk.Value) (bool, *errRow) {
	if x, ok := e.(*plan.Unary); ok && x.Op == plan.OpNot {
		return refJump(x.X, swapTF(set), row)
	}
	if x, ok := e.(*plan.Binary); ok && (x.Op == plan.OpAnd || x.Op == plan.OpOr) {
		s, sw := set, func(t triSet) triSet { return t }
		if x.Op == plan.OpOr {
			s, sw = swapTF(set), swapTF
		}
		switch s {
		case setF | setN, setF:
			// In terms of AND: in the set if either operand is.
			in, err := refJump(x.X, sw(s), row)
			if err != nil || in {
				return in, err
			}
			return refJump(x.Y, sw(s), row)
		case setT, setT | setN:
			// In the set only if both operands are.
			out, err := refJump(x.X, sw(setAll&^s), row)
			if err != nil || out {
				return false, err
			}
			return refJump(x.Y, sw(s), row)
		}
	}
	v, err := refEval(e, row)
	if err != nil {
		return false, err
	}
	tri := triSet(setN)
	if !v.Null {
		tri = setF
		if v.Bool() {
			tri = setT
		}
	}
	return set&tri != 0, nil
}

// refEval evaluates e; strict operators evaluate their operands left to
// right and stop at the first NULL, like the generated code.
func refEval(e plan.Expr, row []sdk.Value) (sdk.Value, *errRow) {
	t := e.Type()
	null := sdk.Null(t)
	// strict evaluates operands in order; ok is false at the first NULL
	// (or on an error).
	strict := func(xs ...plan.Expr) ([]sdk.Value, bool, *errRow) {
		var vs []sdk.Value
		for _, x := range xs {
			v, err := refEval(x, row)
			if err != nil {
				return nil, false, err
			}
			if v.Null {
				return nil, false, nil
			}
			vs = append(vs, v)
		}
		return vs, true, nil
	}
	switch x := e.(type) {
	case *plan.Const:
		if x.V.Null {
			return sdk.Null(x.V.Type), nil
		}
		return x.V, nil
	case *plan.Col:
		return row[x.Index], nil
	case *plan.Unary:
		if x.Op == plan.OpNot {
			v, err := refEval(x.X, row)
			if err != nil || v.Null {
				return sdk.Null(tB), err
			}
			return vB(!v.Bool()), nil
		}
		vs, ok, err := strict(x.X)
		if !ok {
			return null, err
		}
		if t == tD {
			return vD(-vs[0].F), nil // a sign flip, -0.0 included
		}
		return refArith(plan.OpSub, t, sdk.Value{Type: t}, vs[0]), nil
	case *plan.Binary:
		switch x.Op {
		case plan.OpAnd, plan.OpOr:
			a, err := refEval(x.X, row)
			if err != nil {
				return null, err
			}
			decisive := x.Op == plan.OpOr // OR: TRUE decides; AND: FALSE
			if !a.Null && a.Bool() == decisive {
				return vB(decisive), nil
			}
			b, err := refEval(x.Y, row)
			if err != nil {
				return null, err
			}
			if !b.Null && b.Bool() == decisive {
				return vB(decisive), nil
			}
			if a.Null || b.Null {
				return null, nil
			}
			return vB(!decisive), nil
		case plan.OpAdd, plan.OpSub, plan.OpMul, plan.OpDiv, plan.OpMod:
			vs, ok, err := strict(x.X, x.Y)
			if !ok {
				return null, err
			}
			if (x.Op == plan.OpDiv || x.Op == plan.OpMod) && t != tD && vs[1].I == 0 {
				return null, nil
			}
			return refArith(x.Op, t, vs[0], vs[1]), nil
		default:
			vs, ok, err := strict(x.X, x.Y)
			if err != nil {
				return null, err
			}
			if !ok {
				return vB(false), nil
			}
			return vB(refCompare(x.Op, vs[0], vs[1])), nil
		}
	case *plan.IsNull:
		v, err := refEval(x.X, row)
		if err != nil {
			return null, err
		}
		return vB(v.Null != x.Not), nil
	case *plan.Convert:
		vs, ok, err := strict(x.X)
		if !ok {
			return sdk.Null(x.To), err
		}
		v, good := refConvert(vs[0], x.To)
		if !good {
			if x.NullOnError {
				return sdk.Null(x.To), nil
			}
			return null, &errRow{sdk.RowErrCast}
		}
		return v, nil
	case *plan.Case:
		for _, w := range x.Whens {
			notTrue, err := refJump(w.Cond, setNotTrue, row)
			if err != nil {
				return null, err
			}
			if !notTrue {
				return refEval(w.Then, row)
			}
		}
		return refEval(x.Else, row)
	case *plan.Like:
		vs, ok, err := strict(x.X, x.Pattern)
		if !ok {
			return null, err
		}
		return vB(likeMatch(vs[0].S, vs[1].S, x.Escape) != x.Not), nil
	case *plan.Call:
		return refCall(x, row, strict)
	}
	panic(fmt.Sprintf("refEval: %T", e))
}

func refArith(op plan.Op, t sdk.Type, a, b sdk.Value) sdk.Value {
	switch t {
	case tD:
		x, y := a.F, b.F
		switch op {
		case plan.OpAdd:
			return vD(x + y)
		case plan.OpSub:
			return vD(x - y)
		case plan.OpMul:
			return vD(x * y)
		case plan.OpDiv:
			return vD(x / y)
		}
		return vD(math.Mod(x, y))
	case tI:
		x, y := int32(a.I), int32(b.I)
		switch op {
		case plan.OpAdd:
			return vI(x + y)
		case plan.OpSub:
			return vI(x - y)
		case plan.OpMul:
			return vI(x * y)
		case plan.OpDiv:
			return vI(x / y)
		}
		return vI(x % y)
	}
	x, y := a.I, b.I
	switch op {
	case plan.OpAdd:
		return vL(x + y)
	case plan.OpSub:
		return vL(x - y)
	case plan.OpMul:
		return vL(x * y)
	case plan.OpDiv:
		return vL(x / y)
	}
	return vL(x % y)
}

func refCompare(op plan.Op, a, b sdk.Value) bool {
	var c int
	switch a.Type {
	case tD:
		x, y := a.F, b.F
		switch op {
		case plan.OpEq:
			return x == y
		case plan.OpNe:
			return x != y
		case plan.OpLt:
			return x < y
		case plan.OpLe:
			return x <= y
		case plan.OpGt:
			return x > y
		}
		return x >= y
	case tS:
		c = compareU16(utf16.Encode([]rune(a.S)), utf16.Encode([]rune(b.S)))
		if op == plan.OpEq || op == plan.OpNe {
			c = strings.Compare(a.S, b.S)
		}
	default:
		switch {
		case a.I < b.I:
			c = -1
		case a.I > b.I:
			c = 1
		}
	}
	switch op {
	case plan.OpEq:
		return c == 0
	case plan.OpNe:
		return c != 0
	case plan.OpLt:
		return c < 0
	case plan.OpLe:
		return c <= 0
	case plan.OpGt:
		return c > 0
	}
	return c >= 0
}

// refConvert converts v; ok is false when a STRING does not parse.
func refConvert(v sdk.Value, to sdk.Type) (sdk.Value, bool) {
	from := v.Type
	if from == to {
		return v, true
	}
	switch {
	case from == tS:
		s := strings.TrimFunc(v.S, javaTrimmable)
		switch to {
		case tB:
			switch strings.ToLower(v.S) {
			case "true", "t", "yes", "y":
				return vB(true), true
			}
			return vB(false), true
		case tI:
			n, err := strconv.ParseInt(s, 10, 32)
			return vI(int32(n)), err == nil
		case tL:
			n, err := strconv.ParseInt(s, 10, 64)
			return vL(n), err == nil
		case tD:
			f, err := strconv.ParseFloat(s, 64)
			return vD(f), err == nil
		}
	case to == tS:
		switch from {
		case tB:
			return vS(strconv.FormatBool(v.Bool())), true
		case tD:
			return vS(javaDouble(v.F)), true
		}
		return vS(strconv.FormatInt(v.I, 10)), true
	case to == tD:
		return vD(float64(v.I)), true
	case from == tD && to == tI:
		return vI(javaD2I(v.F)), true
	case from == tD && to == tL:
		return vL(javaD2L(v.F)), true
	case to == tI:
		return vI(int32(v.I)), true
	}
	return vL(v.I), true
}

func javaD2I(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

func javaD2L(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// javaRound is Java's Math.round(double).
func javaRound(f float64) int64 {
	fl := math.Floor(f)
	if f-fl >= 0.5 {
		fl++
	}
	return javaD2L(fl)
}

func refCall(x *plan.Call, row []sdk.Value, strict func(...plan.Expr) ([]sdk.Value, bool, *errRow)) (sdk.Value, *errRow) {
	t := x.T
	null := sdk.Null(t)
	switch x.Fn {
	case plan.FnCoalesce, plan.FnIfNull:
		for _, a := range x.Args {
			v, err := refEval(a, row)
			if err != nil || !v.Null {
				return v, err
			}
		}
		return null, nil
	case plan.FnNullIf:
		a, err := refEval(x.Args[0], row)
		if err != nil || a.Null {
			return null, err
		}
		b, err := refEval(x.Args[1], row)
		if err != nil {
			return null, err
		}
		if !b.Null {
			eq := a.Equal(b)
			if t == tD && math.IsNaN(a.F) && math.IsNaN(b.F) {
				eq = true
			}
			if eq {
				return null, nil
			}
		}
		return a, nil
	case plan.FnConcat, plan.FnConcatWS:
		args := x.Args
		sep := ""
		if x.Fn == plan.FnConcatWS {
			s, err := refEval(args[0], row)
			if err != nil || s.Null {
				return null, err
			}
			sep, args = s.S, args[1:]
		}
		var parts []string
		for _, a := range args {
			v, err := refEval(a, row)
			if err != nil {
				return null, err
			}
			if !v.Null {
				parts = append(parts, v.S)
			}
		}
		return vS(strings.Join(parts, sep)), nil
	}
	vs, ok, err := strict(x.Args...)
	if !ok {
		return null, err
	}
	a := vs[0]
	switch x.Fn {
	case plan.FnAbs:
		switch t {
		case tD:
			return vD(math.Abs(a.F)), nil
		case tI:
			if int32(a.I) < 0 {
				return vI(-int32(a.I)), nil
			}
			return a, nil
		}
		if a.I < 0 {
			return vL(-a.I), nil
		}
		return a, nil
	case plan.FnCeil:
		if t == tD {
			return vD(math.Ceil(a.F)), nil
		}
		return a, nil
	case plan.FnFloor:
		if t == tD {
			return vD(math.Floor(a.F)), nil
		}
		return a, nil
	case plan.FnRound:
		switch {
		case a.Type == tD && t == tD: // half up, kept a DOUBLE
			fl := math.Floor(a.F)
			if a.F-fl >= 0.5 {
				fl++
			}
			return vD(fl), nil
		case a.Type == tD:
			return vL(javaRound(a.F)), nil
		}
		return a, nil
	case plan.FnRoundTo:
		if math.IsNaN(a.F) || math.IsInf(a.F, 0) {
			return null, nil
		}
		return vD(refRoundTo(a.F, int(vs[1].I))), nil
	case plan.FnUpper:
		return vS(strings.ToUpper(a.S)), nil
	case plan.FnLower:
		return vS(strings.ToLower(a.S)), nil
	case plan.FnTrim:
		return vS(strings.TrimFunc(a.S, javaTrimmable)), nil
	case plan.FnLTrim:
		return vS(strings.TrimLeftFunc(a.S, javaTrimmable)), nil
	case plan.FnRTrim:
		return vS(strings.TrimRightFunc(a.S, javaTrimmable)), nil
	case plan.FnLen:
		return vI(int32(len(utf16.Encode([]rune(a.S))))), nil
	case plan.FnSubstring:
		r := []rune(a.S)
		pos, n := int(int32(vs[1].I)), len(r)
		var start int
		if pos < 0 {
			start = max(n+pos, 0)
		} else {
			start = max(min(pos-1, n), 0)
		}
		end := n
		if len(vs) == 3 {
			end = max(min(int(int32(start+max(int(int32(vs[2].I)), 0))), n), start) // Java int overflow
		}
		return vS(string(r[start:end])), nil
	case plan.FnReplace:
		return vS(strings.ReplaceAll(a.S, vs[1].S, vs[2].S)), nil
	}
	panic(fmt.Sprintf("refCall: %v", x.Fn))
}

// refRoundTo rounds the shortest decimal form of f half towards positive
// infinity, with math/big-free decimal arithmetic on strconv's digits.
func refRoundTo(f float64, n int) float64 {
	if f == 0 {
		return 0
	}
	// The documented approximation: when 10^-n is below x's precision
	// (|x * 10^n| >= 2^52), x is returned as it is, where BigDecimal may
	// move it by an ulp or two.
	if math.Abs(f)*math.Pow(10, float64(n)) >= 1<<52 {
		return f
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±x, shortest
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	mant, exps, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(exps)
	digits := strings.Replace(mant, ".", "", 1)
	// value = 0.digits * 10^(exp+1); keep the digits before position
	// point+n.
	point := exp + 1
	keep := point + n
	if keep < 0 {
		return 0
	}
	if keep >= len(digits) {
		return f
	}
	up := digits[keep] > '5' || (digits[keep] == '5' && (!neg || strings.TrimRight(digits[keep+1:], "0") != ""))
	// Digits are kept as a decimal string; add one in the last place if
	// rounding away from zero for positives (or towards zero is not
	// enough for negatives).
	kept := []byte(digits[:keep])
	if up {
		i := len(kept) - 1
		for ; i >= 0 && kept[i] == '9'; i-- {
			kept[i] = '0'
		}
		if i < 0 {
			kept = append([]byte{'1'}, kept...)
			point++
		} else {
			kept[i]++
		}
	}
	txt := "0"
	if len(kept) > 0 {
		txt = "0." + string(kept) + "e" + strconv.Itoa(point)
	}
	v, _ := strconv.ParseFloat(txt, 64)
	if neg && v != 0 {
		v = -v
	}
	return v
}

func fmtRow(row []sdk.Value) string {
	var b strings.Builder
	for i, v := range row {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.GoString())
	}
	return "[" + b.String() + "]"
}

// fmtExpr prints an expression for failure messages.
func fmtExpr(e plan.Expr) string {
	switch x := e.(type) {
	case nil:
		return "<none>"
	case *plan.Const:
		return x.V.GoString()
	case *plan.Col:
		return "$" + strconv.Itoa(x.Index)
	case *plan.Unary:
		if x.Op == plan.OpNot {
			return "NOT(" + fmtExpr(x.X) + ")"
		}
		return "-(" + fmtExpr(x.X) + ")"
	case *plan.Binary:
		ops := map[plan.Op]string{plan.OpAdd: "+", plan.OpSub: "-", plan.OpMul: "*", plan.OpDiv: "/", plan.OpMod: "%",
			plan.OpEq: "=", plan.OpNe: "<>", plan.OpLt: "<", plan.OpLe: "<=", plan.OpGt: ">", plan.OpGe: ">=", plan.OpAnd: "AND", plan.OpOr: "OR"}
		return "(" + fmtExpr(x.X) + " " + ops[x.Op] + " " + fmtExpr(x.Y) + ")"
	case *plan.IsNull:
		if x.Not {
			return "(" + fmtExpr(x.X) + " IS NOT NULL)"
		}
		return "(" + fmtExpr(x.X) + " IS NULL)"
	case *plan.Convert:
		return "CAST(" + fmtExpr(x.X) + " AS " + x.To.String() + map[bool]string{true: " ?"}[x.NullOnError] + ")"
	case *plan.Case:
		s := "CASE"
		for _, w := range x.Whens {
			s += " WHEN " + fmtExpr(w.Cond) + " THEN " + fmtExpr(w.Then)
		}
		return s + " ELSE " + fmtExpr(x.Else) + " END"
	case *plan.Like:
		return "(" + fmtExpr(x.X) + map[bool]string{true: " NOT"}[x.Not] + " LIKE " + fmtExpr(x.Pattern) + ")"
	case *plan.Call:
		var args []string
		for _, a := range x.Args {
			args = append(args, fmtExpr(a))
		}
		return funcName(x.Fn) + "(" + strings.Join(args, ", ") + ")"
	}
	return "?"
}
