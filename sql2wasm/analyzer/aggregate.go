package analyzer

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// aggregation is the analysis of a GROUP BY query. The query becomes
//
//	input stage: WHERE; outputs the GROUP BY values and aggregate arguments
//	  -> sdk.Aggregate in the host (group key, accumulators, window)
//	  -> final stage: HAVING; outputs the SELECT list over the group's
//	     key values, the aggregate results and WINDOWSTART/WINDOWEND.
//
// Names between the stages are ksqlDB's internal ones: KSQL_INTERNAL_COL_n
// for the input stage's outputs and KSQL_AGG_VARIABLE_n for the results.
type aggregation struct {
	groupBy []groupKey
	calls   []*aggCall
	byCanon map[string]*aggCall
	// args are the input stage outputs after the GROUP BY values.
	args      []plan.Output
	argByText map[string]string
	window    *sdk.Window
	final     *Scope // the operator's output row
	nInternal int
}

// groupKey is one GROUP BY expression.
type groupKey struct {
	ast   ast.Expr
	canon string
	name  string    // input stage output and operator output name
	expr  plan.Expr // over the source
}

// aggCall is one distinct aggregate function call of the query.
type aggCall struct {
	call   *ast.Call
	name   string // the function's SQL name, upper-case
	fn     string // sdk.Agg*
	args   []string
	params []int64 // sdk.AggregateCall.Params
	// elem is the full type of an ARRAY result (TOPK, COLLECT_LIST ...).
	elem   *sdk.TypeDesc
	result sdk.Column
}

// windowBounds are the names of the window bound pseudo-columns.
var windowBounds = map[string]bool{"WINDOWSTART": true, "WINDOWEND": true}

// aggName returns the upper-case name of x when it calls an aggregate
// function.
func aggName(e ast.Expr) (string, bool) {
	x, ok := e.(*ast.Call)
	if !ok {
		return "", false
	}
	name := x.Name.Name
	if !x.Name.Quoted {
		name = strings.ToUpper(name)
	}
	return name, aggregates[name]
}

// children returns the direct subexpressions of e.
func children(e ast.Expr) []ast.Expr {
	switch x := e.(type) {
	case *ast.Paren:
		return []ast.Expr{x.X}
	case *ast.Unary:
		return []ast.Expr{x.X}
	case *ast.Binary:
		return []ast.Expr{x.X, x.Y}
	case *ast.IsNull:
		return []ast.Expr{x.X}
	case *ast.Like:
		out := []ast.Expr{x.X, x.Pattern}
		if x.Escape != nil {
			out = append(out, x.Escape)
		}
		return out
	case *ast.Between:
		return []ast.Expr{x.X, x.Lo, x.Hi}
	case *ast.In:
		return append([]ast.Expr{x.X}, x.List...)
	case *ast.Case:
		var out []ast.Expr
		if x.Operand != nil {
			out = append(out, x.Operand)
		}
		for _, w := range x.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if x.Else != nil {
			out = append(out, x.Else)
		}
		return out
	case *ast.Cast:
		return []ast.Expr{x.X}
	case *ast.Call:
		return x.Args
	case *ast.Subscript:
		return []ast.Expr{x.X, x.Index}
	case *ast.Deref:
		return []ast.Expr{x.X}
	case *ast.ArrayCons:
		return x.Elems
	case *ast.MapCons:
		return append(append([]ast.Expr(nil), x.Keys...), x.Values...)
	case *ast.StructCons:
		return x.Values
	}
	return nil
}

// findAggregates calls f for every outermost aggregate call in e.
func findAggregates(e ast.Expr, f func(*ast.Call)) {
	if e == nil {
		return
	}
	if _, ok := aggName(e); ok {
		f(e.(*ast.Call))
		return
	}
	for _, c := range children(e) {
		findAggregates(c, f)
	}
}

// hasAggregate reports whether e calls an aggregate function.
func hasAggregate(e ast.Expr) bool {
	found := false
	findAggregates(e, func(*ast.Call) { found = true })
	return found
}

// isAggregation reports whether a SELECT aggregates.
func isAggregation(sel *ast.Select) bool {
	if sel.GroupBy != nil || sel.Window != nil || sel.Having != nil {
		return true
	}
	for _, it := range sel.Items {
		if it.Expr != nil && hasAggregate(it.Expr) {
			return true
		}
	}
	return false
}

// isWindowBound reports whether ref names WINDOWSTART or WINDOWEND of the
// query's (unwindowed) source.
func (q *queryAnalysis) isWindowBound(ref *ast.ColumnRef) bool {
	if !windowBounds[ref.Name.Name] || q.src.Window != nil {
		return false
	}
	return ref.Qualifier == nil || ref.Qualifier.Name == q.scope.sources[0].alias
}

// firstWindowBound returns the first window bound e names, or nil.
func (q *queryAnalysis) firstWindowBound(e ast.Expr) *ast.ColumnRef {
	var found *ast.ColumnRef
	walkColumnRefs(e, func(ref *ast.ColumnRef) {
		if found == nil && q.isWindowBound(ref) {
			found = ref
		}
	})
	return found
}

// windowBoundErr is ksqlDB's error for a window bound outside the SELECT
// of a windowed aggregation.
func windowBoundErr(ref *ast.ColumnRef) *Error {
	return errorf(ref.Pos(), "Window bounds column %s can only be used in the SELECT clause of windowed aggregations", ref.Name.Name)
}

// aggregate analyzes a GROUP BY query (or one with aggregate functions)
// in ksqlDB's order of checks.
func (q *queryAnalysis) aggregate() *Error {
	sel := q.sel
	q.resultKind = sdk.Table
	switch {
	case sel.Window != nil && sel.GroupBy == nil:
		return errorf(sel.Window.Pos(), "WINDOW clause requires a GROUP BY clause.")
	case sel.Having != nil && sel.GroupBy == nil:
		return errorf(sel.Having.Pos(), "HAVING clause requires a GROUP BY clause.")
	case sel.PartitionBy != nil:
		return errorf(sel.Pos(), "PARTITION BY and GROUP BY cannot be used in the same query.")
	case sel.Emit == ast.EmitFinal && sel.Window == nil:
		return errorf(sel.EmitPos, "EMIT FINAL is only supported for windowed aggregations.")
	case q.src.Window != nil:
		return notSupported(sel.From.Pos(), "aggregation of a windowed source")
	case sel.Window != nil && q.src.Kind == sdk.Table:
		return errorf(sel.Window.Pos(), "Windowed aggregations are not supported on tables: %s is a TABLE.", q.src.Name)
	}
	windowed := sel.Window != nil

	for _, g := range sel.GroupBy {
		var bad *ast.Call
		findAggregates(g, func(c *ast.Call) {
			if bad == nil {
				bad = c
			}
		})
		if bad != nil {
			name, _ := aggName(bad)
			return errorf(bad.Pos(), "GROUP BY does not support aggregate functions: %s is an aggregate function.", name)
		}
		if ref := q.firstWindowBound(g); ref != nil {
			return windowBoundErr(ref)
		}
	}
	if sel.Where != nil {
		if ref := q.firstWindowBound(sel.Where); ref != nil {
			return errorf(ref.Pos(), "Error in WHERE expression: Unknown column %s.", ref.Name.Name)
		}
		var bad *ast.Call
		findAggregates(sel.Where, func(c *ast.Call) {
			if bad == nil {
				bad = c
			}
		})
		if bad != nil {
			return errorf(bad.Pos(), "Aggregate functions are not allowed in WHERE: %s", formatExpr(bad, nil))
		}
	}
	if err := q.resolveAggregateNames(windowed); err != nil {
		return err
	}
	if err := q.where(); err != nil {
		return err
	}

	// The aggregate calls, SELECT first, then HAVING.
	var calls []*ast.Call
	var nested *Error
	collect := func(e ast.Expr) {
		findAggregates(e, func(c *ast.Call) {
			for _, a := range c.Args {
				if nested == nil && hasAggregate(a) {
					nested = errorf(c.Pos(), "Aggregate functions can not be nested: %s", formatExpr(c, nil))
				}
			}
			calls = append(calls, c)
		})
	}
	for _, it := range sel.Items {
		if it.Expr != nil {
			collect(it.Expr)
		}
	}
	if sel.Having != nil {
		collect(sel.Having)
	}
	if nested != nil {
		return nested
	}
	for _, c := range calls {
		for _, a := range c.Args {
			if ref := q.firstWindowBound(a); ref != nil {
				return windowBoundErr(ref)
			}
		}
	}

	ag := &aggregation{byCanon: map[string]*aggCall{}, argByText: map[string]string{}}
	q.agg = ag
	for _, g := range sel.GroupBy {
		ag.groupBy = append(ag.groupBy, groupKey{ast: g, canon: q.canonical(g)})
	}
	if sel.GroupBy != nil && len(sel.GroupBy) == 0 {
		return errorf(sel.Pos(), "GROUP BY needs at least one expression")
	}
	if sel.GroupBy != nil && len(calls) == 0 {
		return errorf(sel.GroupBy[0].Pos(), "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.")
	}
	items := q.aggregateItems()
	if err := q.checkCovered(items, windowed); err != nil {
		return err
	}
	if sel.GroupBy == nil {
		texts := make([]string, len(calls))
		for i, c := range calls {
			texts[i] = formatExpr(countRowtime(c), nil)
		}
		return errorf(sel.Pos(), "CREATE TABLE AS SELECT statement does not support aggregate function [%s] without a GROUP BY clause.",
			strings.Join(texts, ", "))
	}
	if q.src.ValueFormat == sdk.FormatKafka {
		return errorf(sel.From.Pos(), "Source(s) %s are using the 'KAFKA' value format. This format does not yet support GROUP BY.", q.src.Name)
	}

	if err := q.groupByValues(); err != nil {
		return err
	}
	for _, c := range calls {
		if err := q.addCall(c); err != nil {
			return err
		}
	}
	if err := q.tableAggregates(); err != nil {
		return err
	}
	for _, c := range ag.calls {
		if (c.fn == sdk.AggAvg || c.fn == sdk.AggAttr || c.elem != nil) && q.src.ValueFormat == sdk.FormatDelimited {
			// ksqlDB keeps AVG's running sum and count as a STRUCT, and
			// TOPK's or COLLECT_LIST's elements, LATEST_BY_OFFSET(x, N)'s
			// values and ATTR's values with their counts as an ARRAY, in
			// the source's value format.
			return errorf(c.call.Pos(), "One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.")
		}
	}
	if windowed {
		w, err := windowSpec(sel.Window)
		if err != nil {
			return err
		}
		ag.window = w
		q.sinkWindow = &sdk.KeyWindow{Type: w.Type}
		if w.Type != sdk.WindowSession {
			q.sinkWindow.SizeMs = w.SizeMs
		}
	}

	// The operator's output row is what the final stage reads.
	var cols []sdk.Column
	for _, g := range ag.groupBy {
		cols = append(cols, plan.ColumnOf(g.name, g.expr, false))
	}
	for _, c := range ag.calls {
		cols = append(cols, c.result)
	}
	if windowed {
		cols = append(cols, windowColumns...)
	}
	ag.final = columnsScope(q.scope.sources[0].alias, cols)

	if err := q.aggregateProjection(items); err != nil {
		return err
	}
	if sel.Having != nil {
		h, err := q.finalChecker("HAVING").check(sel.Having)
		if err != nil {
			if err.phase == phaseType {
				return withPrefix(err, "Error in HAVING expression: ")
			}
			return err
		}
		if isNull(h) {
			h = coerce(h, sdk.TypeBoolean)
		}
		if h.Type() != sdk.TypeBoolean {
			return errorf(sel.Having.Pos(), "Type error in HAVING expression: Should evaluate to boolean but is %s (%s) instead.",
				formatExpr(sel.Having, nil), typeName(h.Type()))
		}
		q.finalFilter = h
	}
	q.buildAggregateInput()
	return nil
}

// countRowtime prints COUNT(*) and COUNT() as ksqlDB does in messages,
// after it rewrote them to COUNT(ROWTIME).
func countRowtime(c *ast.Call) ast.Expr {
	if name, _ := aggName(c); name == "COUNT" && len(c.Args) == 0 {
		return &ast.Call{Name: c.Name, Args: []ast.Expr{&ast.ColumnRef{Name: &ast.Ident{NamePos: c.Pos(), Name: "ROWTIME"}}}}
	}
	return c
}

// resolveAggregateNames is resolveNames for an aggregation: WHERE, GROUP
// BY, the projection and HAVING; window bounds resolve in the projection
// and HAVING of a windowed aggregation.
func (q *queryAnalysis) resolveAggregateNames(windowed bool) *Error {
	check := func(e ast.Expr, clause string, bounds bool) *Error {
		var err *Error
		walkColumnRefs(e, func(ref *ast.ColumnRef) {
			if err != nil || (bounds && q.isWindowBound(ref)) {
				return
			}
			if _, r, _ := q.scope.lookup(ref); r == unknownColumn || r == unknownSource {
				err = errorf(ref.Pos(), "%s column '%s' cannot be resolved.", clause, refText(ref))
			}
		})
		return err
	}
	if q.sel.Where != nil {
		if err := check(q.sel.Where, "WHERE", false); err != nil {
			return err
		}
	}
	for _, g := range q.sel.GroupBy {
		if err := check(g, "GROUP BY", false); err != nil {
			return err
		}
	}
	for _, it := range q.sel.Items {
		if it.Expr != nil {
			if err := check(it.Expr, "SELECT", windowed); err != nil {
				return err
			}
		}
	}
	if q.sel.Having != nil {
		return check(q.sel.Having, "HAVING", windowed)
	}
	return nil
}

// aggItem is one item of an aggregation's projection, `*` expanded.
type aggItem struct {
	name  string
	pos   token.Pos
	ast   ast.Expr
	canon string
	item  *ast.SelectItem
	isRef bool
}

// aggregateItems expands `*` and names the items as expandItems does.
func (q *queryAnalysis) aggregateItems() []aggItem {
	gen := newAliasGenerator(q.src.Columns)
	var items []aggItem
	for _, it := range q.sel.Items {
		if it.Expr == nil {
			for _, c := range q.src.Columns {
				ref := &ast.ColumnRef{Name: &ast.Ident{NamePos: it.Pos(), Name: c.Name}}
				items = append(items, aggItem{name: c.Name, pos: it.Pos(), ast: ref, canon: q.canonical(ref), item: it, isRef: true})
			}
			continue
		}
		ai := aggItem{pos: it.Pos(), ast: it.Expr, canon: q.canonical(it.Expr), item: it}
		ref, isRef := unparen(it.Expr).(*ast.ColumnRef)
		ai.isRef = isRef
		switch {
		case it.Alias != nil:
			ai.name = it.Alias.Name
		case isRef:
			ai.name = ref.Name.Name
		default:
			ai.name = gen.next()
		}
		items = append(items, ai)
	}
	return items
}

// groupIndex returns the GROUP BY expression e is, or -1.
func (q *queryAnalysis) groupIndex(e ast.Expr) int {
	canon := q.canonical(e)
	for i, g := range q.agg.groupBy {
		if g.canon == canon {
			return i
		}
	}
	return -1
}

// uncovered appends the column references of e that are neither inside a
// GROUP BY expression nor inside an aggregate call (nor, in a windowed
// aggregation, window bounds).
func (q *queryAnalysis) uncovered(e ast.Expr, windowed bool, out *[]*ast.ColumnRef) {
	if q.groupIndex(e) >= 0 {
		return
	}
	if _, ok := aggName(e); ok {
		return
	}
	if ref, ok := e.(*ast.ColumnRef); ok {
		if !(windowed && q.isWindowBound(ref)) {
			*out = append(*out, ref)
		}
		return
	}
	for _, c := range children(e) {
		q.uncovered(c, windowed, out)
	}
}

// checkCovered is ksqlDB's rule that every column a SELECT item or HAVING
// reads outside an aggregate is part of a GROUP BY expression.
func (q *queryAnalysis) checkCovered(items []aggItem, windowed bool) *Error {
	var bad []string
	for _, it := range items {
		var refs []*ast.ColumnRef
		q.uncovered(it.ast, windowed, &refs)
		if len(refs) > 0 {
			bad = append(bad, formatExpr(it.ast, nil))
		}
	}
	if len(bad) > 0 {
		return errorf(q.sel.Pos(), "Non-aggregate SELECT expression(s) not part of GROUP BY: %s", strings.Join(bad, ", "))
	}
	if q.sel.Having != nil {
		var refs []*ast.ColumnRef
		q.uncovered(q.sel.Having, windowed, &refs)
		if len(refs) > 0 {
			texts := make([]string, len(refs))
			for i, r := range refs {
				texts[i] = formatExpr(r, nil)
			}
			return errorf(refs[0].Pos(), "Non-aggregate HAVING expression not part of GROUP BY: %s", strings.Join(texts, ", "))
		}
	}
	return nil
}

// internalName returns the next KSQL_INTERNAL_COL_n.
func (ag *aggregation) internalName() string {
	n := fmt.Sprintf("KSQL_INTERNAL_COL_%d", ag.nInternal)
	ag.nInternal++
	return n
}

// groupByValues types the GROUP BY expressions over the source.
func (q *queryAnalysis) groupByValues() *Error {
	c := q.checker("GROUP BY")
	for i := range q.agg.groupBy {
		g := &q.agg.groupBy[i]
		e, err := c.check(g.ast)
		if err != nil {
			return err
		}
		if isNull(e) {
			return errorf(g.ast.Pos(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		g.expr = e
		g.name = q.agg.internalName()
	}
	return nil
}

// addCall types an aggregate call's arguments over the source and decides
// its accumulator and result type. Calls that print alike share one
// accumulator.
func (q *queryAnalysis) addCall(x *ast.Call) *Error {
	ag := q.agg
	canon := q.canonical(x)
	if _, ok := ag.byCanon[canon]; ok {
		return nil
	}
	name, _ := aggName(x)
	if x.Distinct {
		return notSupported(x.Pos(), name+"(DISTINCT ...)")
	}
	c := q.checker("SELECT")
	args := make([]plan.Expr, len(x.Args))
	for i, a := range x.Args {
		e, err := c.check(a)
		if err != nil {
			return err
		}
		args[i] = e
	}
	for i, a := range args {
		// The host keeps a complex value as it keeps a STRING: only the
		// functions that just keep or collect a value take one.
		keeps := name == "LATEST_BY_OFFSET" || name == "EARLIEST_BY_OFFSET" || name == "COLLECT_LIST" || name == "COLLECT_SET" ||
			name == "SUM_LIST" || name == "ATTR"
		if t := a.Type(); t.IsComplex() && !(keeps && i == 0) {
			return notSupported(x.Args[i].Pos(), name+" of a "+t.String()+" value")
		}
	}
	call := &aggCall{call: x, name: name}
	// argText names what an argument computes, so that arguments alike
	// share one input stage output; it is the argument's text unless the
	// call builds its argument (TOPK's STRUCT).
	argText := func(i int) string { return q.canonical(x.Args[i]) }
	bad := func(sigs string) *Error {
		types := make([]string, len(args))
		for i, a := range args {
			types[i] = typeName(a.Type())
			if a.Type().IsComplex() {
				types[i] = plan.DescOf(a).String()
			}
		}
		return errorf(x.Pos(), "Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s",
			name, strings.Join(types, ", "), sigs)
	}
	var t sdk.Type
	switch name {
	case "COUNT":
		switch {
		case x.Star || len(args) == 0:
			call.fn = sdk.AggCountStar
			args = nil
		case len(args) != 1:
			return bad("COUNT(T)")
		default:
			if k, ok := args[0].(*plan.Const); ok && !k.V.Null {
				// COUNT(1) counts rows: the argument is never NULL.
				call.fn = sdk.AggCountStar
				args = nil
			} else {
				call.fn = sdk.AggCount
			}
		}
		t = sdk.TypeBigInt
	case "SUM":
		if len(args) != 1 || !isNumeric(args[0].Type()) {
			return bad("SUM(INT)\nSUM(BIGINT)\nSUM(DOUBLE)\nSUM(DECIMAL)")
		}
		if err := narrowDecimal(x, name, args[0].Type()); err != nil {
			return err
		}
		// ksqlDB's DecimalSumKudaf sums a DECIMAL in its own type.
		call.fn, t = sdk.AggSum, args[0].Type()
	case "SUM_LIST":
		// ksqlDB's ListSumUdaf: the elements' sum, in their type.
		var elem *sdk.TypeDesc
		if len(args) == 1 && args[0].Type() == sdk.TypeArray {
			elem = plan.DescOf(args[0]).Elem
		}
		if elem == nil || !elem.Type.IsNumeric() {
			return bad("SUM_LIST(ARRAY<INT>)\nSUM_LIST(ARRAY<BIGINT>)\nSUM_LIST(ARRAY<DOUBLE>)")
		}
		call.fn, t = sdk.AggSumList, elem.Type
	case "AVG":
		// ksqlDB's AverageUdaf has no DECIMAL variant.
		if len(args) != 1 || !args[0].Type().IsNumeric() {
			return bad("AVG(INT)\nAVG(BIGINT)\nAVG(DOUBLE)")
		}
		call.fn, t = sdk.AggAvg, sdk.TypeDouble
	case "MIN", "MAX":
		if len(args) != 1 || !(isNumeric(args[0].Type()) || args[0].Type() == sdk.TypeString) {
			return bad(name + "(INT)\n" + name + "(BIGINT)\n" + name + "(DOUBLE)\n" + name + "(DECIMAL)\n" + name + "(STRING)")
		}
		if err := narrowDecimal(x, name, args[0].Type()); err != nil {
			return err
		}
		call.fn, t = sdk.AggMin, args[0].Type()
		if name == "MAX" {
			call.fn = sdk.AggMax
		}
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		n, keepNulls, err := byOffsetParams(x, name, args, bad)
		if err != nil {
			return err
		}
		args = args[:1]
		if isDecimalish(args[0].Type()) {
			if err := narrowDecimal(x, name, args[0].Type()); err != nil {
				return err
			}
		}
		t = args[0].Type()
		switch {
		case name == "LATEST_BY_OFFSET" && keepNulls:
			call.fn = sdk.AggLatestByOffsetKeepNulls
		case name == "LATEST_BY_OFFSET":
			call.fn = sdk.AggLatestByOffset
		case keepNulls:
			call.fn = sdk.AggEarliestByOffsetKeepNulls
		default:
			call.fn = sdk.AggEarliestByOffset
		}
		if n > 0 {
			// (x, N): ksqlDB's latestN and earliestN, an ARRAY of N values.
			call.params = []int64{n}
			t, call.elem = sdk.TypeArray, sdk.ArrayOf(plan.DescOf(args[0]))
		}
	case "ATTR":
		// ksqlDB's Attr, a table aggregation of any type.
		if len(args) != 1 || isNull(args[0]) {
			return bad("ATTR(T)")
		}
		if isDecimalish(args[0].Type()) {
			if err := narrowDecimal(x, name, args[0].Type()); err != nil {
				return err
			}
		}
		call.fn, t = sdk.AggAttr, args[0].Type()
	case "TOPK", "TOPKDISTINCT":
		k, err := topKParam(x, name, args, bad)
		if err != nil {
			return err
		}
		call.params = []int64{k}
		call.fn = sdk.AggTopK
		if name == "TOPKDISTINCT" {
			call.fn = sdk.AggTopKDistinct
		}
		elem := plan.DescOf(args[0])
		if len(args) > 2 {
			// TOPK(x, y, ..., k): ARRAY<STRUCT<sort_col x, col0 y, ...>>,
			// ordered by x. The input stage builds the STRUCT.
			fields := []sdk.Field{{Name: "sort_col", Type: elem}}
			texts := []string{q.canonical(x.Args[0])}
			for i, a := range args[1 : len(args)-1] {
				if isNull(a) {
					return errorf(x.Args[i+1].Pos(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
				}
				fields = append(fields, sdk.Field{Name: fmt.Sprintf("col%d", i), Type: plan.DescOf(a)})
				texts = append(texts, q.canonical(x.Args[i+1]))
			}
			elem = sdk.StructOf(fields...)
			args = []plan.Expr{&plan.Construct{At: x.Pos(), Args: args[:len(args)-1], D: elem}}
			argText = func(int) string { return "TOPK STRUCT(" + strings.Join(texts, ", ") + ")" }
		} else {
			args = args[:1]
		}
		t, call.elem = sdk.TypeArray, sdk.ArrayOf(elem)
	case "COLLECT_LIST", "COLLECT_SET":
		if len(args) != 1 || isNull(args[0]) {
			return bad(name + "(T)")
		}
		if isDecimalish(args[0].Type()) {
			if err := narrowDecimal(x, name, args[0].Type()); err != nil {
				return err
			}
		}
		limit, err := q.collectLimit(x, name)
		if err != nil {
			return err
		}
		call.params = []int64{limit}
		call.fn = sdk.AggCollectList
		if name == "COLLECT_SET" {
			call.fn = sdk.AggCollectSet
		}
		t, call.elem = sdk.TypeArray, sdk.ArrayOf(plan.DescOf(args[0]))
	default:
		return notSupported(x.Pos(), "aggregate function "+name)
	}
	for i, a := range args {
		// Arguments that print alike read one input column: SUM(x) and
		// MAX(x) share x.
		text := argText(i)
		out, ok := ag.argByText[text]
		if g := q.groupIndex(x.Args[i]); !ok && g >= 0 && text == q.canonical(x.Args[i]) && ag.groupBy[g].expr.Type() == a.Type() {
			// An argument that is a GROUP BY expression reads its column.
			out, ok = ag.groupBy[g].name, true
		}
		if !ok {
			out = ag.internalName()
			ag.argByText[text] = out
			ag.args = append(ag.args, plan.Output{Name: out, Expr: a})
		}
		call.args = append(call.args, out)
	}
	call.result = sdk.Column{Name: fmt.Sprintf("KSQL_AGG_VARIABLE_%d", len(ag.calls)), Type: t}
	switch {
	case call.elem != nil:
		call.result.Desc = call.elem
	case t.IsComplex() && len(args) > 0:
		call.result.Desc = plan.DescOf(args[0])
	}
	ag.byCanon[canon] = call
	ag.calls = append(ag.calls, call)
	return nil
}

// Session properties of the aggregate functions.
const (
	// PropCollectListLimit and PropCollectSetLimit bound the arrays
	// COLLECT_LIST and COLLECT_SET build; further values are ignored.
	PropCollectListLimit = "ksql.functions.collect_list.limit"
	PropCollectSetLimit  = "ksql.functions.collect_set.limit"
)

// collectLimit returns the element limit of COLLECT_LIST or COLLECT_SET:
// the session property, or ksqlDB's default, no limit (Integer.MAX_VALUE;
// a negative setting means the same, as in ksqlDB's Collect.configure).
func (q *queryAnalysis) collectLimit(x *ast.Call, name string) (int64, *Error) {
	prop := PropCollectListLimit
	if name == "COLLECT_SET" {
		prop = PropCollectSetLimit
	}
	v, ok := q.a.props[prop]
	if !ok {
		return math.MaxInt32, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		return 0, errorf(x.Pos(), "Invalid value for %s: '%s' is not an INT.", prop, v)
	}
	if n < 0 {
		n = math.MaxInt32
	}
	return n, nil
}

// topKParam checks TOPK(x, [y, ...,] k) and TOPKDISTINCT(x, k) and returns
// k, which must be a positive INT literal; x must be ordered (INT, BIGINT,
// DOUBLE, DECIMAL, STRING).
func topKParam(x *ast.Call, name string, args []plan.Expr, bad func(string) *Error) (int64, *Error) {
	sigs := name + "(INT, INT)\n" + name + "(BIGINT, INT)\n" + name + "(DOUBLE, INT)\n" + name + "(DECIMAL, INT)\n" + name + "(STRING, INT)"
	if name == "TOPK" {
		sigs += "\nTOPK(T, ..., INT)"
	}
	if len(args) < 2 || (name == "TOPKDISTINCT" && len(args) != 2) {
		return 0, bad(sigs)
	}
	last := len(args) - 1
	if t := args[0].Type(); !(t == sdk.TypeInt || t == sdk.TypeBigInt || t == sdk.TypeDouble || t == sdk.TypeString || isDecimalish(t)) ||
		args[last].Type() != sdk.TypeInt {
		return 0, bad(sigs)
	}
	if err := narrowDecimal(x, name, args[0].Type()); err != nil {
		return 0, err
	}
	kArg := x.Args[last]
	k, ok := args[last].(*plan.Const)
	lit := unparen(kArg)
	if u, neg := lit.(*ast.Unary); neg {
		lit = unparen(u.X) // -3 is a literal to ksqlDB's grammar
	}
	if _, isLit := lit.(*ast.Literal); !isLit || !ok || k.V.Null {
		return 0, errorf(kArg.Pos(), "Parameter %d passed to function %s must be a literal constant, but was expression: '%s'",
			last+1, name, formatExpr(kArg, nil))
	}
	if k.V.I <= 0 {
		return 0, errorf(kArg.Pos(), "The k of %s must be a positive INT, but was %d.", name, k.V.I)
	}
	return k.V.I, nil
}

// byOffsetParams checks the parameters of LATEST_BY_OFFSET and
// EARLIEST_BY_OFFSET, ksqlDB's (x), (x, ignoreNulls), (x, N) and (x, N,
// ignoreNulls), where N is a positive INT literal and ignoreNulls a
// BOOLEAN literal. It returns N (0 for the single-value forms) and whether
// NULL values count (ignoreNulls FALSE).
func byOffsetParams(x *ast.Call, name string, args []plan.Expr, bad func(string) *Error) (n int64, keepNulls bool, err *Error) {
	sigs := name + "(T)\n" + name + "(T, BOOLEAN)\n" + name + "(T, INT)\n" + name + "(T, INT, BOOLEAN)"
	if len(args) < 1 || len(args) > 3 || isNull(args[0]) {
		return 0, false, bad(sigs)
	}
	for i, a := range x.Args[1:] {
		lit := unparen(a)
		if u, neg := lit.(*ast.Unary); neg {
			lit = unparen(u.X) // -3 is a literal to ksqlDB's grammar
		}
		k, ok := args[i+1].(*plan.Const)
		if _, isLit := lit.(*ast.Literal); !isLit || !ok {
			return 0, false, errorf(a.Pos(), "Parameter %d passed to function %s must be a literal constant, but was expression: '%s'",
				i+2, name, formatExpr(a, nil))
		}
		switch {
		case k.V.Null:
			return 0, false, bad(sigs)
		case i == 0 && k.V.Type == sdk.TypeInt:
			if n = k.V.I; n <= 0 {
				// ksqlDB's message, for either function.
				return 0, false, errorf(a.Pos(), "earliestN must be 1 or greater: the N of %s was %d.", name, n)
			}
		case i == len(args)-2 && k.V.Type == sdk.TypeBoolean && (i == 0 || n > 0):
			// TRUE ignores NULLs, which is the default.
			keepNulls = !k.V.Bool()
		default:
			return 0, false, bad(sigs)
		}
	}
	return n, keepNulls, nil
}

// narrowDecimal refuses a DECIMAL wider than the host's 18 digits as an
// aggregate's argument.
func narrowDecimal(x *ast.Call, name string, t sdk.Type) *Error {
	if isDecimalish(t) && !t.IsDecimal() {
		return notSupported(x.Pos(), name+" of a DECIMAL wider than 18 digits")
	}
	return nil
}

// tableAggregates refuses, on a table source, the aggregate functions that
// cannot undo a row's contribution when the row changes.
func (q *queryAnalysis) tableAggregates() *Error {
	if q.src.Kind != sdk.Table {
		return nil
	}
	var bad []string
	seen := map[string]bool{}
	for _, c := range q.agg.calls {
		switch c.fn {
		case sdk.AggCount, sdk.AggCountStar, sdk.AggSum, sdk.AggAvg, sdk.AggCollectList, sdk.AggSumList, sdk.AggAttr:
			// ksqlDB's TableUdafs: they can undo a row.
			continue
		}
		if !seen[c.name] {
			seen[c.name] = true
			bad = append(bad, c.name)
		}
	}
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return errorf(q.sel.Pos(), "The aggregation function %s cannot be applied to a table source, only to a stream source.", bad[0])
	}
	return errorf(q.sel.Pos(), "The aggregation functions %s cannot be applied to a table source, only to a stream source.", joinNames(bad))
}

// windowSpec converts a WINDOW clause.
func windowSpec(w *ast.Window) (*sdk.Window, *Error) {
	ms := func(d *ast.Duration) (int64, *Error) {
		if d == nil {
			return -1, nil
		}
		u, ok := durationUnit(d.Unit)
		if !ok {
			return 0, errorf(d.Pos(), "Unknown time unit: '%s'", d.Unit)
		}
		return d.Value * u.Milliseconds(), nil
	}
	out := &sdk.Window{}
	switch w.Kind {
	case ast.WindowTumbling:
		out.Type = sdk.WindowTumbling
	case ast.WindowHopping:
		out.Type = sdk.WindowHopping
	case ast.WindowSession:
		out.Type = sdk.WindowSession
	default:
		return nil, errorf(w.Pos(), "unknown window kind")
	}
	var err *Error
	if out.SizeMs, err = ms(w.Size); err != nil {
		return nil, err
	}
	if out.SizeMs <= 0 {
		return nil, errorf(w.Pos(), "%s window size must be positive.", out.Type)
	}
	if w.Advance != nil {
		if out.AdvanceMs, err = ms(w.Advance); err != nil {
			return nil, err
		}
		if out.AdvanceMs <= 0 || out.AdvanceMs > out.SizeMs {
			return nil, errorf(w.Advance.Pos(), "Window advance must be positive and no larger than the window size: ADVANCE BY %d %s, SIZE %d ms.",
				w.Advance.Value, w.Advance.Unit, out.SizeMs)
		}
	}
	if out.GraceMs, err = ms(w.Grace); err != nil {
		return nil, err
	}
	if out.RetentionMs, err = ms(w.Retention); err != nil {
		return nil, err
	}
	return out, nil
}

// finalChecker returns a checker for a clause of the final stage: GROUP BY
// expressions, aggregate calls and window bounds read the operator's
// output row; nothing else can name a column (checkCovered made sure).
func (q *queryAnalysis) finalChecker(clause string) *exprChecker {
	ag := q.agg
	fs := ag.final
	nGroup := len(ag.groupBy)
	subst := func(e ast.Expr) (plan.Expr, *Error, bool) {
		if i := q.groupIndex(e); i >= 0 {
			return fs.use(i, e), nil, true
		}
		if _, ok := aggName(e); ok {
			c := ag.byCanon[q.canonical(e)]
			for i, cc := range ag.calls {
				if cc == c {
					return fs.use(nGroup+i, e), nil, true
				}
			}
			return nil, errorf(e.Pos(), "internal error: aggregate %s not planned", formatExpr(e, nil)), true
		}
		if ref, ok := e.(*ast.ColumnRef); ok {
			if ag.window != nil && q.isWindowBound(ref) {
				i := nGroup + len(ag.calls)
				if ref.Name.Name == "WINDOWEND" {
					i++
				}
				return fs.use(i, e), nil, true
			}
			return nil, errorf(ref.Pos(), "%s column '%s' cannot be resolved.", clause, refText(ref)), true
		}
		return nil, nil, false
	}
	return &exprChecker{scope: fs, clause: clause, props: q.a.props, subst: subst}
}

// aggregateProjection types the SELECT items over the operator's output
// row and picks the sink's key: the items that are the GROUP BY
// expressions, in GROUP BY order.
func (q *queryAnalysis) aggregateProjection(items []aggItem) *Error {
	c := q.finalChecker("SELECT")
	exprs := make([]plan.Expr, len(items))
	for i, it := range items {
		if err := reservedAlias(it.name, it.item, it.isRef && it.item.Expr != nil && strings.EqualFold(unparen(it.item.Expr).(*ast.ColumnRef).Name.Name, it.name)); err != nil {
			return err
		}
		e, err := c.check(it.ast)
		if err != nil {
			return err
		}
		if isNull(e) {
			return errorf(it.pos, "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		exprs[i] = e
	}
	// ksqlDB's aggregation schema holds every projection item as a value
	// before it picks the key, so a key alias that another item repeats is
	// a duplicate value column there.
	seen := map[string]bool{}
	for i, it := range items {
		if seen[it.name] {
			return errorf(it.pos, "Duplicate value columns found in schema: `%s` %s", it.name, exprs[i].Type())
		}
		seen[it.name] = true
	}
	isKey := make([]bool, len(items))
	var missing []string
	for _, g := range q.agg.groupBy {
		var names []string
		at := -1
		for i, it := range items {
			if !isKey[i] && it.canon == g.canon {
				names = append(names, quoteName(it.name))
				if at < 0 {
					at = i
				}
			}
		}
		switch {
		case at < 0:
			missing = append(missing, formatExpr(g.ast, nil))
			continue
		case len(names) > 1:
			for i, n := range names {
				names[i] = "`" + strings.Trim(n, "`") + "`"
			}
			return errorf(q.sel.Pos(), "The projection contains a key column more than once: %s.", joinNames(names))
		}
		isKey[at] = true
		q.keys = append(q.keys, outColumn{name: items[at].name, expr: exprs[at], pos: items[at].pos})
	}
	if len(missing) > 0 {
		what := "expression"
		if len(missing) > 1 {
			what = "expressions"
		}
		return errorf(q.sel.Pos(), "The query used to build `%s` must include the grouping %s %s in its projection (eg, SELECT %s...).",
			q.sinkName, what, joinNames(missing), strings.Join(missing, ", "))
	}
	for i, it := range items {
		if !isKey[i] {
			q.values = append(q.values, outColumn{name: it.name, expr: exprs[i], pos: it.pos})
		}
	}
	if len(q.values) == 0 {
		return errorf(q.sel.Pos(), "The projection contains no value columns.")
	}
	return q.checkDuplicates()
}

// buildAggregateInput assembles the input stage and the operator. Rows
// whose GROUP BY values include a NULL reach the host, which drops them
// with a processing-log entry, as ksqlDB does.
func (q *queryAnalysis) buildAggregateInput() {
	ag := q.agg
	var outs []plan.Output
	var groupBy []string
	for _, g := range ag.groupBy {
		outs = append(outs, plan.Output{Name: g.name, Expr: g.expr})
		groupBy = append(groupBy, g.name)
	}
	outs = append(outs, ag.args...)
	op := &sdk.Aggregate{GroupBy: groupBy, Window: ag.window, EmitFinal: q.sel.Emit == ast.EmitFinal}
	for _, c := range ag.calls {
		op.Calls = append(op.Calls, sdk.AggregateCall{Func: c.fn, Args: c.args, Result: c.result, Params: c.params})
	}
	q.inputStages = []*plan.Stage{{Inputs: q.scope.finish(), Filter: q.filter, Outputs: outs}}
	q.operator = &sdk.Operator{Aggregate: op}
	q.finalScope = ag.final
}

// columnsScope is a scope over a row of named columns: the rows a host
// operator produces.
func columnsScope(alias string, cols []sdk.Column) *Scope {
	src := &sdk.Source{Name: alias, Columns: cols}
	s := &Scope{sources: []scopeSource{{src: src, alias: alias}}}
	for _, c := range cols {
		s.cols = append(s.cols, scopeColumn{source: 0, col: sdk.Column{Name: c.Name, Type: c.Type, Desc: c.Desc}})
	}
	s.used = make([]bool, len(s.cols))
	return s
}
