package analyzer

import (
	"fmt"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// queryAnalysis is the analysis of one SELECT of a persistent query.
type queryAnalysis struct {
	a        *Analyzer
	sel      *ast.Select
	src      *sdk.Source
	scope    *Scope
	sinkName string // names the sink in key errors (`OUTPUT`)

	filter    plan.Expr
	partition *partitionBy // nil without PARTITION BY
	keys      []outColumn  // the sink's key columns, in order
	values    []outColumn  // the sink's value columns, in order

	// resultKind is what the query produces: a stream or a table.
	resultKind sdk.SourceKind

	// A stateful query (aggregation, join) has a host operator between its
	// input stages (one per source) and a final stage over the operator's
	// output rows, whose outputs are keys and values.
	agg         *aggregation
	join        *joinAnalysis
	sources     []*sdk.Source // the sources, in pipeline order (a join's two)
	inputStages []*plan.Stage
	operator    *sdk.Operator
	finalScope  *Scope
	finalFilter plan.Expr
	// between is, for an aggregation over a join, the stage between the
	// join and the aggregation (WHERE, GROUP BY expressions, aggregate
	// arguments over the joined row); nil otherwise.
	between *plan.Stage
	// sinkWindow is the sink's window when the query makes one.
	sinkWindow *sdk.KeyWindow
}

// outColumn is one column the query writes.
type outColumn struct {
	name string
	expr plan.Expr
	pos  token.Pos
}

// analyzeSelect runs the clauses of a persistent query's SELECT in
// ksqlDB's order: FROM, the check that every column name resolves (WHERE,
// PARTITION BY, then the projection), WHERE, PARTITION BY, projection.
func (a *Analyzer) analyzeSelect(sel *ast.Select, sinkName string) (*queryAnalysis, *Error) {
	if err := unsupportedClauses(sel); err != nil {
		return nil, err
	}
	if j, ok := sel.From.(*ast.Join); ok {
		return a.analyzeJoin(sel, j, sinkName)
	}
	ref := sel.From.(*ast.SourceRef)
	src := a.cat.get(ref.Name.Name)
	if src == nil {
		return nil, errorf(ref.Name.Pos(), "Source `%s` does not exist.", ref.Name.Name)
	}
	if src.Kind == sdk.Table && src.Window != nil {
		return nil, errorf(ref.Name.Pos(), "KSQL does not support persistent queries on windowed tables.")
	}
	alias := ""
	if ref.Alias != nil {
		alias = ref.Alias.Name
	}
	q := &queryAnalysis{a: a, sel: sel, src: src, scope: newScope(src, alias), sinkName: sinkName, resultKind: src.Kind}
	q.sources = []*sdk.Source{src}
	if isAggregation(sel) {
		if err := unknownAggregationFunction(sel); err != nil {
			return nil, err
		}
		if err := q.aggregate(); err != nil {
			return nil, err
		}
		return q, nil
	}
	if err := q.resolveNames(); err != nil {
		return nil, err
	}
	if err := q.where(); err != nil {
		return nil, err
	}
	if err := q.partitionBy(); err != nil {
		return nil, err
	}
	if err := q.projection(); err != nil {
		return nil, err
	}
	if sel.Emit == ast.EmitFinal {
		// ksqlDB's logical planner checks this once the query is
		// analyzed; without it the query would run as EMIT CHANGES.
		return nil, errorf(sel.EmitPos, "EMIT FINAL is only supported for windowed aggregations.")
	}
	return q, nil
}

// unknownAggregationFunction reports the first call of a function that
// does not exist in the SELECT list, GROUP BY or HAVING of an
// aggregation. ksqlDB reports `SELECT k, FOO(x) FROM s GROUP BY k` as
// "GROUP BY requires aggregate functions ..." because FOO is not an
// aggregate it knows; naming the unknown function is the error a user can
// act on.
func unknownAggregationFunction(sel *ast.Select) *Error {
	exprs := make([]ast.Expr, 0, len(sel.Items)+len(sel.GroupBy)+1)
	for _, it := range sel.Items {
		exprs = append(exprs, it.Expr)
	}
	exprs = append(exprs, sel.GroupBy...)
	exprs = append(exprs, sel.Having)
	for _, e := range exprs {
		if bad := unknownFunction(e); bad != nil {
			return errorf(bad.Pos(), "Can't find any functions with the name '%s'", funcName(bad))
		}
	}
	return nil
}

// unsupportedClauses rejects what wasmstream does not do yet.
func unsupportedClauses(sel *ast.Select) *Error {
	switch sel.From.(type) {
	case *ast.Join, *ast.SourceRef:
	default:
		return notSupported(sel.Pos(), "this FROM clause")
	}
	if sel.Limit != nil {
		return notSupported(sel.Limit.Pos(), "LIMIT in a persistent query")
	}
	return nil
}

// resolveNames checks that every column a clause names exists, before any
// typing, so that an unknown name is reported as such (ksqlDB's
// ColumnReferenceValidator runs first too).
func (q *queryAnalysis) resolveNames() *Error {
	check := func(e ast.Expr, clause string) *Error {
		var err *Error
		walkColumnRefs(e, func(ref *ast.ColumnRef) {
			if err != nil {
				return
			}
			if _, r, _ := q.scope.lookup(ref); r == unknownColumn || r == unknownSource {
				err = errorf(ref.Pos(), "%s column '%s' cannot be resolved.", clause, refText(ref))
			}
		})
		return err
	}
	if q.sel.Where != nil {
		if err := check(q.sel.Where, "WHERE"); err != nil {
			return err
		}
	}
	for _, e := range q.sel.PartitionBy {
		if err := check(e, "PARTITION BY"); err != nil {
			return err
		}
	}
	for _, it := range q.sel.Items {
		if it.Expr != nil {
			if err := check(it.Expr, "SELECT"); err != nil {
				return err
			}
		}
	}
	return nil
}

// walkColumnRefs calls f for every column reference in e.
func walkColumnRefs(e ast.Expr, f func(*ast.ColumnRef)) {
	if ref, ok := e.(*ast.ColumnRef); ok {
		f(ref)
		return
	}
	for _, c := range children(e) {
		walkColumnRefs(c, f)
	}
}

// checker returns an expression checker for a clause of this query.
func (q *queryAnalysis) checker(clause string) *exprChecker {
	return &exprChecker{scope: q.scope, clause: clause, props: q.a.props}
}

// where types the WHERE clause, which must be BOOLEAN. Type errors inside
// it get ksqlDB's "Error in WHERE expression: " prefix.
func (q *queryAnalysis) where() *Error {
	if q.sel.Where == nil {
		return nil
	}
	e, err := q.typeWhere(q.checker("WHERE"))
	q.filter = e
	return err
}

// typeWhere types the WHERE clause with c (over a source's columns, or
// over a join's row), with ksqlDB's messages.
func (q *queryAnalysis) typeWhere(c *exprChecker) (plan.Expr, *Error) {
	e, err := c.check(q.sel.Where)
	if err != nil {
		if err.phase == phaseType {
			return nil, withPrefix(err, "Error in WHERE expression: ")
		}
		return nil, err
	}
	if isNull(e) {
		e = coerce(e, sdk.TypeBoolean)
	}
	if e.Type() != sdk.TypeBoolean {
		return nil, errorf(q.sel.Where.Pos(), "Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.",
			formatExpr(q.sel.Where, nil), typeName(e.Type()))
	}
	return e, nil
}

// outputs returns the stage outputs: key columns, then value columns.
func (q *queryAnalysis) outputs() []plan.Output {
	out := make([]plan.Output, 0, len(q.keys)+len(q.values))
	for _, c := range q.keys {
		out = append(out, plan.Output{Name: c.name, Expr: c.expr, Key: true})
	}
	for _, c := range q.values {
		out = append(out, plan.Output{Name: c.name, Expr: c.expr})
	}
	return out
}

// resultColumns returns the schema the query produces, keys first.
func (q *queryAnalysis) resultColumns() []sdk.Column {
	out := make([]sdk.Column, 0, len(q.keys)+len(q.values))
	for _, c := range q.keys {
		out = append(out, plan.ColumnOf(c.name, c.expr, true))
	}
	for _, c := range q.values {
		out = append(out, plan.ColumnOf(c.name, c.expr, false))
	}
	return out
}

// buildPlan assembles the plan: for a stateless query one stage that
// filters and projects; for a stateful one an input stage per source, the
// host operator and the final stage that computes outs.
func (q *queryAnalysis) buildPlan(id, kind, sql string, sink sdk.Source, outs []plan.Output) *plan.Query {
	if q.operator != nil {
		pq := &plan.Query{ID: id, Kind: kind, SQL: sql, Sink: sink}
		for i, st := range q.inputStages {
			st.Export = fmt.Sprintf("stage_%d", i)
			pq.Stages = append(pq.Stages, st)
			pq.Sources = append(pq.Sources, copySource(q.sources[i]))
			pq.Pipeline.Inputs = append(pq.Pipeline.Inputs, sdk.InputStep{Source: i, Stage: i})
		}
		if st := q.between; st != nil {
			st.Export = fmt.Sprintf("stage_%d", len(pq.Stages))
			pq.Pipeline.Between = &sdk.BetweenStep{Stage: len(pq.Stages)}
			pq.Stages = append(pq.Stages, st)
		}
		pq.Stages = append(pq.Stages, &plan.Stage{
			Export:  fmt.Sprintf("stage_%d", len(pq.Stages)),
			Inputs:  q.finalScope.finish(),
			Filter:  q.finalFilter,
			Outputs: outs,
		})
		pq.Pipeline.Operator = q.operator
		pq.Pipeline.Final = len(pq.Stages) - 1
		markPartitioning(pq)
		return pq
	}
	inputs := q.scope.finish()
	return &plan.Query{
		ID:      id,
		Kind:    kind,
		SQL:     sql,
		Sources: []sdk.Source{copySource(q.src)},
		Sink:    sink,
		Stages: []*plan.Stage{{
			Export:  "stage_0",
			Inputs:  inputs,
			Filter:  q.filter,
			Outputs: outs,
		}},
		Pipeline: sdk.Pipeline{Inputs: []sdk.InputStep{{Source: 0, Stage: 0}}, Final: -1},
	}
}

// createAsSelect handles CREATE [OR REPLACE] STREAM|TABLE name [WITH (...)]
// AS SELECT.
func (a *Analyzer) createAsSelect(s *ast.CreateAsSelect, sql string) (*Result, *Error) {
	kind := kindOf(s.Kind)
	skip, err := a.existing(s.Name, kind, s.OrReplace, s.IfNotExists)
	if err != nil {
		return nil, err
	}
	if skip {
		return &Result{Kind: KindQuery, Source: a.cat.get(s.Name.Name), Skipped: true}, nil
	}
	if s.OrReplace && a.readOnly[s.Name.Name] {
		return nil, errorf(s.Name.Pos(), "Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.",
			lowerKind(kind), s.Name.Name, lowerKind(kind))
	}
	with, err := parseWith(s.Props, createAsWith)
	if err != nil {
		return nil, err
	}
	q, err := a.analyzeSelect(s.Query, s.Name.Name)
	if err != nil {
		return nil, err
	}
	if q.resultKind != kind {
		return nil, errorf(s.Pos(), "Invalid result type. Your SELECT query produces a %s. "+
			"Please use CREATE %s AS SELECT statement instead.", q.resultKind, q.resultKind)
	}
	sink, err := a.buildSink(s.Name, kind, with, q)
	if err != nil {
		return nil, err
	}

	prefix := "CSAS"
	if kind == sdk.Table {
		prefix = "CTAS"
	}
	res := &Result{Kind: KindQuery, Source: &sink}
	id := ""
	if s.OrReplace {
		// CREATE OR REPLACE keeps the id of the query that writes the sink.
		if _, writers := a.readersOf(s.Name.Name); len(writers) > 0 {
			id = writers[0]
		}
	}
	if id == "" {
		id = a.queryID(prefix, s.Name.Name)
		res.newQuery = true
	}
	res.Query = q.buildPlan(id, prefix, sql, sink, q.outputs())
	return res, nil
}

// insertInto handles INSERT INTO stream SELECT: the query's result must
// have the target's schema (numbers may widen to the target's types).
func (a *Analyzer) insertInto(s *ast.InsertInto, sql string) (*Result, *Error) {
	target := a.cat.get(s.Target.Name)
	if target == nil {
		return nil, errorf(s.Target.Pos(), "Source `%s` does not exist.", s.Target.Name)
	}
	if target.Kind != sdk.Stream {
		return nil, errorf(s.Target.Pos(), "INSERT INTO can only be used to insert into a stream. %s is a table.", target.Name)
	}
	if a.readOnly[target.Name] {
		return nil, errorf(s.Target.Pos(), "Cannot insert into read-only stream: %s", target.Name)
	}
	if len(s.Props) > 0 {
		return nil, notSupported(s.Props[0].Pos(), "WITH properties of INSERT INTO")
	}
	q, err := a.analyzeSelect(s.Query, target.Name)
	if err != nil {
		return nil, err
	}
	if q.resultKind != sdk.Stream {
		return nil, errorf(s.Pos(), "Incompatible data sink and query result. Data sink (%s) type is KSTREAM but select query result is KTABLE.", target.Name)
	}
	result := q.resultColumns()
	want := target.Columns
	outs := q.outputs()
	ok := len(result) == len(want)
	for i := 0; ok && i < len(result); i++ {
		r, w := result[i], want[i]
		ok = r.Name == w.Name && r.Key == w.Key && canWiden(r.Type, w.Type)
	}
	if !ok {
		return nil, errorf(s.Query.Pos(), "Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s",
			columnList(result), columnList(want))
	}
	for i := range outs {
		outs[i].Expr = coerce(outs[i].Expr, want[i].Type)
	}
	id := a.queryID("INSERT", target.Name)
	sink := copySource(target)
	return &Result{Kind: KindQuery, Source: &sink, newQuery: true,
		Query: q.buildPlan(id, "INSERT", sql, sink, outs)}, nil
}
