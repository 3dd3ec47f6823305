package codegen

import (
	"math"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Plan builders for tests: plans are built by hand, independent of the
// parser and the analyzer.

var (
	tB = sdk.TypeBoolean
	tI = sdk.TypeInt
	tL = sdk.TypeBigInt
	tD = sdk.TypeDouble
	tS = sdk.TypeString
)

func col(i int, t sdk.Type) *plan.Col            { return &plan.Col{Index: i, T: t} }
func cInt(v int32) *plan.Const                   { return &plan.Const{V: sdk.Int(v)} }
func cBig(v int64) *plan.Const                   { return &plan.Const{V: sdk.BigInt(v)} }
func cDbl(v float64) *plan.Const                 { return &plan.Const{V: sdk.Double(v)} }
func cStr(v string) *plan.Const                  { return &plan.Const{V: sdk.Str(v)} }
func cBool(v bool) *plan.Const                   { return &plan.Const{V: sdk.Bool(v)} }
func cNull(t sdk.Type) *plan.Const               { return &plan.Const{V: sdk.Null(t)} }
func at(e plan.Expr, off int) plan.Expr          { setPos(e, token.PosOf(off)); return e }
func not(x plan.Expr) *plan.Unary                { return &plan.Unary{Op: plan.OpNot, X: x, T: tB} }
func neg(x plan.Expr) *plan.Unary                { return &plan.Unary{Op: plan.OpNeg, X: x, T: x.Type()} }
func isNull(x plan.Expr) *plan.IsNull            { return &plan.IsNull{X: x} }
func isNotNull(x plan.Expr) *plan.IsNull         { return &plan.IsNull{X: x, Not: true} }
func conv(x plan.Expr, t sdk.Type) *plan.Convert { return &plan.Convert{X: x, To: t} }
func convN(x plan.Expr, t sdk.Type) *plan.Convert {
	return &plan.Convert{X: x, To: t, NullOnError: true}
}

func bin(op plan.Op, x, y plan.Expr) *plan.Binary {
	t := x.Type()
	if t == sdk.TypeUnknown {
		t = y.Type()
	}
	if isCmp(op) || op == plan.OpAnd || op == plan.OpOr {
		t = tB
	}
	return &plan.Binary{Op: op, X: x, Y: y, T: t}
}

func and(x, y plan.Expr) *plan.Binary { return bin(plan.OpAnd, x, y) }
func or(x, y plan.Expr) *plan.Binary  { return bin(plan.OpOr, x, y) }

func call(fn plan.Func, t sdk.Type, args ...plan.Expr) *plan.Call {
	return &plan.Call{Fn: fn, T: t, Args: args}
}

func caseOf(t sdk.Type, els plan.Expr, condThen ...plan.Expr) *plan.Case {
	c := &plan.Case{T: t, Else: els}
	for i := 0; i+1 < len(condThen); i += 2 {
		c.Whens = append(c.Whens, plan.When{Cond: condThen[i], Then: condThen[i+1]})
	}
	return c
}

func like(x, pat plan.Expr, esc int32, isNot bool) *plan.Like {
	return &plan.Like{X: x, Pattern: pat, Escape: esc, Not: isNot}
}

func setPos(e plan.Expr, p token.Pos) {
	switch e := e.(type) {
	case *plan.Const:
		e.At = p
	case *plan.Col:
		e.At = p
	case *plan.Unary:
		e.At = p
	case *plan.Binary:
		e.At = p
	case *plan.IsNull:
		e.At = p
	case *plan.Convert:
		e.At = p
	case *plan.Case:
		e.At = p
	case *plan.Like:
		e.At = p
	case *plan.Call:
		e.At = p
	}
}

func cols(types ...sdk.Type) []sdk.Column {
	out := make([]sdk.Column, len(types))
	for i, t := range types {
		out[i] = sdk.Column{Name: string(rune('A' + i)), Type: t}
	}
	return out
}

// query wraps stages into a stateless query.
func query(stages ...*plan.Stage) *plan.Query {
	for i, st := range stages {
		if st != nil && st.Export == "" {
			st.Export = "stage_" + string(rune('0'+i))
		}
	}
	src := sdk.Source{Name: "S", Kind: sdk.Stream, Topic: "s", KeyFormat: sdk.FormatKafka, ValueFormat: sdk.FormatJSON}
	if len(stages) > 0 && stages[0] != nil {
		src.Columns = stages[0].Inputs
	}
	return &plan.Query{
		ID: "CSAS_OUT_0", Kind: "CSAS", SQL: "SELECT ...",
		Sources:  []sdk.Source{src},
		Sink:     sdk.Source{Name: "OUT", Kind: sdk.Stream, Topic: "OUT", KeyFormat: sdk.FormatKafka, ValueFormat: sdk.FormatJSON},
		Stages:   stages,
		Pipeline: sdk.Pipeline{Inputs: []sdk.InputStep{{Source: 0, Stage: 0}}, Final: -1},
	}
}

func outs(es ...plan.Expr) []plan.Output {
	o := make([]plan.Output, len(es))
	for i, e := range es {
		o[i] = plan.Output{Name: "O" + string(rune('0'+i%10)), Expr: e}
	}
	return o
}

// Values.
var (
	vNullB = sdk.Null(tB)
	vNullI = sdk.Null(tI)
	vNullL = sdk.Null(tL)
	vNullD = sdk.Null(tD)
	vNullS = sdk.Null(tS)
)

func vI(v int32) sdk.Value   { return sdk.Int(v) }
func vL(v int64) sdk.Value   { return sdk.BigInt(v) }
func vD(v float64) sdk.Value { return sdk.Double(v) }
func vS(v string) sdk.Value  { return sdk.Str(v) }
func vB(v bool) sdk.Value    { return sdk.Bool(v) }

// sameValue compares two values, NaN equal to any NaN.
func sameValue(a, b sdk.Value) bool {
	if !a.Null && !b.Null && a.Type == sdk.TypeDouble && b.Type == sdk.TypeDouble && math.IsNaN(a.F) && math.IsNaN(b.F) {
		return true
	}
	return a.Equal(b)
}

// generate compiles q or fails the test.
func generate(t testing.TB, q *plan.Query) ([]byte, *sdk.Manifest) {
	t.Helper()
	bin, m, err := Generate(q)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return bin, m
}

// evalRows compiles a one-stage query with the single output e over inputs
// and returns, per engine, the result rows.
func evalRows(t testing.TB, inputs []sdk.Column, rows [][]sdk.Value, filter plan.Expr, es ...plan.Expr) map[string][]rowResult {
	t.Helper()
	q := query(&plan.Stage{Inputs: inputs, Filter: filter, Outputs: outs(es...)})
	bin, m := generate(t, q)
	res := map[string][]rowResult{}
	for _, e := range engines(t) {
		in := instantiate(t, e, bin, m)
		status, srow, rr := in.run(t, 0, rows, batchOpts{})
		if status != sdk.StatusOK {
			t.Fatalf("%s: status %d at row %d", e.name, status, srow)
		}
		res[e.name] = rr
	}
	status, srow, rr := runRuntime(t, bin, rows)
	if status != sdk.StatusOK {
		t.Fatalf("runtime: status %d at row %d", status, srow)
	}
	res["runtime"] = rr
	return res
}
