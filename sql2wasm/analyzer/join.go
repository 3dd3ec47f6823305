package analyzer

import (
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// joinAnalysis is the analysis of a two-source join. The query becomes
//
//	per side: an input stage that outputs the side's columns the query
//	  reads, as ALIAS_COLUMN, and its join key
//	  -> sdk.Join in the host
//	  -> final stage: the WHERE and the SELECT list over both sides'
//	     columns, the joined record's ROWTIME and the join key.
//
// The sink's key is the join key, as ksqlDB defines it: named after the
// first SELECT item that is a join column, or, for a FULL OUTER join or
// one on two expressions, the synthetic ROWKEY the query must select.
type joinAnalysis struct {
	join  *ast.Join
	sides [2]*joinSide
	typ   string // sdk.Join*
	// rowkey is the join scope index of the synthetic ROWKEY, -1 when the
	// key is a source column.
	rowkey  int
	keyType sdk.Type
	// foreignKey marks a table-table join on a left column that is not the
	// left's primary key: the result is keyed by the left's primary key.
	foreignKey bool
}

// joinSide is one source of a join.
type joinSide struct {
	ref   *ast.SourceRef
	src   *sdk.Source
	alias string
	scope *Scope // the side's input stage
	first int    // join scope index of the side's first column
	// key is the side's operand of the ON equality; keyCol its join scope
	// index when it is a plain column of the side, else the index of the
	// hidden column that carries the computed key.
	key     ast.Expr
	keyExpr plan.Expr // over the side's scope
	keyCol  int
	isCol   bool
	keyName string // the input stage output holding the join key
}

// keyFormat is the key format of a join's result: the left source's, or
// the right's when the left is keyless, or the session default when both
// are.
func (ja *joinAnalysis) keyFormat(props Properties) string {
	for _, side := range ja.sides {
		if f := side.src.KeyFormat; f != sdk.FormatNone && f != "" {
			return f
		}
	}
	if f := props[PropDefaultKeyFormat]; f != "" {
		return strings.ToUpper(f)
	}
	return sdk.FormatKafka
}

// joinKeywords prints a join kind as ksqlDB's messages do.
var joinKeywords = map[ast.JoinKind]string{
	ast.JoinInner: "[INNER] JOIN",
	ast.JoinLeft:  "LEFT [OUTER] JOIN",
	ast.JoinRight: "RIGHT [OUTER] JOIN",
	ast.JoinFull:  "[FULL] OUTER JOIN",
}

// analyzeJoin plans `left JOIN right ON a = b`.
func (a *Analyzer) analyzeJoin(sel *ast.Select, j *ast.Join, sinkName string) (*queryAnalysis, *Error) {
	if _, ok := j.Left.(*ast.Join); ok {
		return nil, notSupported(j.JoinPos, "multi-way joins")
	}
	if j.On == nil {
		return nil, errorf(j.JoinPos, "A JOIN needs an ON clause.")
	}
	lref, ok := j.Left.(*ast.SourceRef)
	if !ok {
		return nil, notSupported(j.Left.Pos(), "this FROM clause")
	}
	ja := &joinAnalysis{join: j, rowkey: -1}
	for i, ref := range []*ast.SourceRef{lref, j.Right} {
		src := a.cat.get(ref.Name.Name)
		if src == nil {
			return nil, errorf(ref.Name.Pos(), "Source `%s` does not exist.", ref.Name.Name)
		}
		alias := src.Name
		if ref.Alias != nil {
			alias = ref.Alias.Name
		}
		ja.sides[i] = &joinSide{ref: ref, src: src, alias: alias, scope: newScope(src, alias)}
	}
	l, r := ja.sides[0], ja.sides[1]
	if l.src.Name == r.src.Name {
		return nil, errorf(r.ref.Pos(), "Can not join '%s' to '%s': self joins are not yet supported.", l.src.Name, r.src.Name)
	}
	if l.alias == r.alias {
		return nil, errorf(r.ref.Pos(), "Can not join two sources with the same alias: %s.", l.alias)
	}
	if err := windowedJoin(l, r); err != nil {
		return nil, err
	}
	aggregated := sel.GroupBy != nil || sel.Window != nil || sel.Having != nil
	for _, it := range sel.Items {
		aggregated = aggregated || (it.Expr != nil && hasAggregate(it.Expr))
	}
	if aggregated {
		// A name that resolves nowhere is an error whatever wasmstream
		// supports (group-by.json "windowed join with window bounds").
		s := ja.scope()
		for _, it := range sel.Items {
			var err *Error
			walkColumnRefs(it.Expr, func(ref *ast.ColumnRef) {
				if _, r, _ := s.lookup(ref); err == nil && (r == unknownColumn || r == unknownSource) && !strings.HasPrefix(ref.Name.Name, "ROWKEY") {
					err = errorf(ref.Pos(), "SELECT column '%s' cannot be resolved.", refText(ref))
				}
			})
			if err != nil {
				return nil, err
			}
		}
		return nil, notSupported(j.JoinPos, "aggregation over a join")
	}
	if sel.Emit == ast.EmitFinal {
		return nil, errorf(sel.EmitPos, "EMIT FINAL is only supported for windowed aggregations.")
	}

	q := &queryAnalysis{a: a, sel: sel, src: l.src, sinkName: sinkName, join: ja}
	q.sources = []*sdk.Source{l.src, r.src}
	q.scope = ja.scope()
	if err := q.joinCondition(); err != nil {
		return nil, err
	}
	if err := q.joinKinds(); err != nil {
		return nil, err
	}
	for i, side := range ja.sides {
		if !side.isCol {
			// The final stage reads a computed key through a hidden column.
			side.keyName = fmt.Sprintf("%s_KSQL_JOIN_KEY", side.alias)
			q.scope.cols = append(q.scope.cols, scopeColumn{source: i, col: sdk.Column{Type: side.keyExpr.Type()},
				qualifiedOnly: true, input: side.keyName})
			q.scope.used = append(q.scope.used, false)
			side.keyCol = len(q.scope.cols) - 1
		}
	}
	seen := map[string]bool{}
	for _, c := range q.scope.cols {
		if c.input == "" {
			continue
		}
		if seen[c.input] {
			// ALIAS_COLUMN names the operator's row; S.A_B and S_A.B both
			// spell S_A_B.
			return nil, notSupported(j.JoinPos, fmt.Sprintf("a join whose aliases and column names both spell %s", c.input))
		}
		seen[c.input] = true
	}
	if !ja.foreignKey && (ja.typ == sdk.JoinFull || (!l.isCol && !r.isCol)) {
		ja.rowkey = ja.addRowkey(q.scope)
	}
	if err := q.resolveNames(); err != nil {
		return nil, err
	}
	if err := q.joinWhere(); err != nil {
		return nil, err
	}
	if err := q.joinProjection(); err != nil {
		return nil, err
	}
	q.buildJoinInputs()
	return q, nil
}

// windowedJoin applies ksqlDB's rules for joins of windowed sources, which
// wasmstream does not run yet.
func windowedJoin(l, r *joinSide) *Error {
	lw, rw := l.src.Window, r.src.Window
	switch {
	case lw == nil && rw == nil:
		return nil
	case lw == nil || rw == nil:
		w, nw := l, r
		if lw == nil {
			w, nw = r, l
		}
		return errorf(r.ref.Pos(), "Can not join windowed source to non-windowed source.\n`%s` is %s windowed\n`%s` is not windowed",
			w.src.Name, w.src.Window.Type, nw.src.Name)
	case (lw.Type == sdk.WindowSession) != (rw.Type == sdk.WindowSession):
		return errorf(r.ref.Pos(), "Incompatible windowed sources.\nLeft source: %s\nRight source: %s\n"+
			"Session windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\n"+
			"Hopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources", lw.Type, rw.Type)
	}
	return notSupported(l.ref.Pos(), "joins of windowed sources")
}

// scope returns the final stage's scope: each side's columns (found by
// name or alias.name, read as ALIAS_NAME), its pseudo-columns (by
// alias.name only) and its hidden join key; then the joined record's
// ROWTIME.
func (ja *joinAnalysis) scope() *Scope {
	s := &Scope{}
	for i, side := range ja.sides {
		s.sources = append(s.sources, scopeSource{src: side.src, alias: side.alias})
		side.first = len(s.cols)
		for _, c := range side.scope.cols {
			s.cols = append(s.cols, scopeColumn{source: i, col: c.col, pseudo: c.pseudo,
				qualifiedOnly: c.pseudo, input: side.alias + "_" + c.col.Name})
		}
	}
	s.sources = append(s.sources, scopeSource{src: &sdk.Source{}, alias: ""})
	s.cols = append(s.cols, scopeColumn{source: 2, col: sdk.Column{Name: "ROWTIME", Type: sdk.TypeBigInt}, pseudo: true})
	s.used = make([]bool, len(s.cols))
	return s
}

// addRowkey adds the synthetic key column, named ROWKEY unless a source
// has a column of that name (then ROWKEY_1, ROWKEY_2, ...).
func (ja *joinAnalysis) addRowkey(s *Scope) int {
	taken := map[string]bool{}
	for _, side := range ja.sides {
		for _, c := range side.src.Columns {
			taken[c.Name] = true
		}
	}
	name := "ROWKEY"
	for n := 1; taken[name]; n++ {
		name = fmt.Sprintf("ROWKEY_%d", n)
	}
	s.cols = append(s.cols, scopeColumn{source: 2, col: sdk.Column{Name: name, Type: ja.keyType}})
	s.used = append(s.used, false)
	return len(s.cols) - 1
}

// joinCondition checks ON: one equality whose sides each read exactly
// one of the two sources, with keys of one type.
func (q *queryAnalysis) joinCondition() *Error {
	ja := q.join
	on := unparen(ja.join.On)
	onText := formatExpr(on, nil)
	b, ok := on.(*ast.Binary)
	if !ok || b.Op != ast.OpEq {
		if ok && b.Op == ast.OpAnd {
			return errorf(on.Pos(), "Invalid join condition: joins on multiple conditions are not yet supported. Got %s.", onText)
		}
		return errorf(on.Pos(), "Unsupported join expression: %s. Joins require one equality between a column or expression of each source.", onText)
	}
	var badQualifier *Error
	walkColumnRefs(on, func(ref *ast.ColumnRef) {
		if _, r, _ := q.scope.lookup(ref); r == unknownSource && badQualifier == nil {
			badQualifier = errorf(ref.Pos(), "'%s' is not a valid stream/table name or alias.", ref.Qualifier.Name)
		}
	})
	if badQualifier != nil {
		return badQualifier
	}
	var sidesOf [2]int
	for k, operand := range []ast.Expr{b.X, b.Y} {
		seen := map[int]bool{}
		var err *Error
		walkColumnRefs(operand, func(ref *ast.ColumnRef) {
			if err != nil {
				return
			}
			i, r, cands := q.scope.lookup(ref)
			switch r {
			case unknownSource:
				err = errorf(ref.Pos(), "'%s' is not a valid stream/table name or alias.", ref.Qualifier.Name)
			case unknownColumn:
				err = errorf(ref.Pos(), "JOIN ON column '%s' cannot be resolved.", refText(ref))
			case ambiguousColumn:
				err = errorf(ref.Pos(), "Column '%s' is ambiguous. Could be %s.", ref.Name.Name, strings.Join(cands, " or "))
			default:
				if src := q.scope.cols[i].source; src < 2 {
					seen[src] = true
				} else {
					err = errorf(ref.Pos(), "Invalid comparison expression '%s' in join '%s'. Each side of the join comparision must contain references from exactly one source.",
						formatExpr(operand, nil), onText)
				}
			}
		})
		if err != nil {
			return err
		}
		if len(seen) != 1 {
			return errorf(operand.Pos(), "Invalid comparison expression '%s' in join '%s'. Each side of the join comparision must contain references from exactly one source.",
				formatExpr(operand, nil), onText)
		}
		for s := range seen {
			sidesOf[k] = s
		}
	}
	if sidesOf[0] == sidesOf[1] {
		name := ja.sides[sidesOf[0]].alias
		return errorf(on.Pos(), "Each side of the join must reference exactly one source and not the same source. Left side references `%s` and right references `%s`", name, name)
	}
	ja.sides[sidesOf[0]].key = b.X
	ja.sides[sidesOf[1]].key = b.Y
	for i, side := range ja.sides {
		c := &exprChecker{scope: side.scope, clause: "JOIN ON", props: q.a.props}
		e, err := c.check(side.key)
		if err != nil {
			return err
		}
		if isNull(e) {
			return errorf(side.key.Pos(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		side.keyExpr = e
		side.keyCol = -1
		if ref, ok := unparen(side.key).(*ast.ColumnRef); ok {
			// A side's pseudo-column (a.ROWOFFSET) is a join column too.
			if k, r, _ := q.scope.lookup(ref); r == resolved && q.scope.cols[k].source == i {
				side.keyCol, side.isCol = k, true
			}
		}
	}
	l, r := ja.sides[0], ja.sides[1]
	if l.keyExpr.Type() != r.keyExpr.Type() {
		x, y := ja.sides[sidesOf[0]], ja.sides[sidesOf[1]]
		return errorf(on.Pos(), "Invalid join condition: types don't match. Got %s{%s} = %s{%s}.",
			q.plainCanonical(x.key), typeName(x.keyExpr.Type()), q.plainCanonical(y.key), typeName(y.keyExpr.Type()))
	}
	ja.keyType = l.keyExpr.Type()
	return nil
}

// plainCanonical is canonical without back-quotes, as ksqlDB prints join
// conditions.
func (q *queryAnalysis) plainCanonical(e ast.Expr) string {
	return strings.ReplaceAll(q.canonical(e), "`", "")
}

// isPrimaryKey reports whether the side joins on its table's only
// primary key column.
func (side *joinSide) isPrimaryKey(s *Scope) bool {
	if !side.isCol || !s.cols[side.keyCol].col.Key {
		return false
	}
	n := 0
	for _, c := range side.src.Columns {
		if c.Key {
			n++
		}
	}
	return n == 1
}

// joinKinds applies ksqlDB's rules for the kinds of the two sources and
// the join type.
func (q *queryAnalysis) joinKinds() *Error {
	ja := q.join
	j := ja.join
	l, r := ja.sides[0], ja.sides[1]
	got := fmt.Sprintf("%s %s %s", l.src.Name, joinKeywords[j.Kind], r.src.Name)
	on := unparen(j.On).(*ast.Binary)
	onText := q.plainCanonical(on.X) + " = " + q.plainCanonical(on.Y)
	ja.typ = map[ast.JoinKind]string{ast.JoinInner: sdk.JoinInner, ast.JoinLeft: sdk.JoinLeft,
		ast.JoinRight: sdk.JoinRight, ast.JoinFull: sdk.JoinFull}[j.Kind]
	switch {
	case l.src.Kind == sdk.Stream && r.src.Kind == sdk.Stream:
		q.resultKind = sdk.Stream
		if j.Within == nil {
			return errorf(j.JoinPos, "Stream-Stream joins must have a WITHIN clause specified. None was provided. "+
				"To learn about how to specify a WITHIN clause with a stream-stream join, please visit: "+
				"https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select")
		}
	case l.src.Kind == sdk.Table && r.src.Kind == sdk.Stream:
		return errorf(j.JoinPos, "Invalid join order: table-stream joins are not supported; only stream-table joins. Got %s.", got)
	case l.src.Kind == sdk.Stream:
		q.resultKind = sdk.Stream
		if j.Within != nil {
			return errorf(j.Within.Pos(), "A window definition was provided for a Stream-Table join. These joins are not windowed. "+
				"Please drop the window definition (ie. the WITHIN clause) and try to submit your query again.")
		}
		switch j.Kind {
		case ast.JoinFull:
			return errorf(j.JoinPos, "Invalid join type: full-outer join not supported for stream-table join. Got %s.", got)
		case ast.JoinRight:
			return errorf(j.JoinPos, "Invalid join type: right-outer join not supported for stream-table join. Got %s.", got)
		}
		if !r.isPrimaryKey(q.scope) {
			return errorf(j.On.Pos(), "Invalid join condition: stream-table joins require to join on the table's primary key. Got %s.", onText)
		}
	default:
		q.resultKind = sdk.Table
		if j.Within != nil {
			return errorf(j.Within.Pos(), "A window definition was provided for a Table-Table join. These joins are not windowed. "+
				"Please drop the window definition (ie. the WITHIN clause) and try to submit your query again.")
		}
		if !r.isPrimaryKey(q.scope) {
			return errorf(j.On.Pos(), "Invalid join condition: table-table joins require to join on the primary key of the right input table. Got %s.", onText)
		}
		if !l.isPrimaryKey(q.scope) {
			switch j.Kind {
			case ast.JoinRight:
				return errorf(j.JoinPos, "RIGHT OUTER JOIN on a foreign key is not supported")
			case ast.JoinFull:
				return errorf(j.JoinPos, "FULL OUTER JOIN on a foreign key is not supported")
			}
			ja.foreignKey = true
		}
	}
	return nil
}

// joinWhere types the WHERE clause over the joined row.
func (q *queryAnalysis) joinWhere() *Error {
	if q.sel.Where == nil {
		return nil
	}
	e, err := q.finalJoinChecker("WHERE").check(q.sel.Where)
	if err != nil {
		if err.phase == phaseType {
			return withPrefix(err, "Error in WHERE expression: ")
		}
		return err
	}
	if isNull(e) {
		e = coerce(e, sdk.TypeBoolean)
	}
	if e.Type() != sdk.TypeBoolean {
		return errorf(q.sel.Where.Pos(), "Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.",
			formatExpr(q.sel.Where, nil), typeName(e.Type()))
	}
	q.finalFilter = e
	return nil
}

// joinKeyValue returns the value of the join key in the joined row: the
// left key, the right key, or for a FULL OUTER join whichever side is
// there.
func (q *queryAnalysis) joinKeyValue(at ast.Node) plan.Expr {
	ja := q.join
	switch ja.typ {
	case sdk.JoinInner, sdk.JoinLeft:
		return q.scope.use(ja.sides[0].keyCol, at)
	case sdk.JoinRight:
		return q.scope.use(ja.sides[1].keyCol, at)
	}
	l := q.scope.use(ja.sides[0].keyCol, at)
	r := q.scope.use(ja.sides[1].keyCol, at)
	return &plan.Call{At: at.Pos(), Fn: plan.FnCoalesce, Args: []plan.Expr{l, r}, T: ja.keyType}
}

// finalJoinChecker returns a checker over the joined row; the synthetic
// ROWKEY reads the join key.
func (q *queryAnalysis) finalJoinChecker(clause string) *exprChecker {
	c := q.checker(clause)
	if q.join.rowkey >= 0 {
		c.subst = func(e ast.Expr) (plan.Expr, *Error, bool) {
			ref, ok := e.(*ast.ColumnRef)
			if !ok {
				return nil, nil, false
			}
			if i, r, _ := q.scope.lookup(ref); r == resolved && i == q.join.rowkey {
				return q.joinKeyValue(ref), nil, true
			}
			return nil, nil, false
		}
	}
	return c
}

// inBoth reports whether both sources have a column of this name.
func (ja *joinAnalysis) inBoth(name string) bool {
	for _, side := range ja.sides {
		found := false
		for _, c := range side.src.Columns {
			found = found || c.Name == name
		}
		if !found {
			return false
		}
	}
	return true
}

// joinItem is one item of a join's projection, `*` expanded.
type joinItem struct {
	name string
	pos  token.Pos
	ast  ast.Expr
	col  int // join scope index of a plain column, else -1
	expr plan.Expr
}

// joinProjection expands and types the SELECT list and picks the key.
func (q *queryAnalysis) joinProjection() *Error {
	ja := q.join
	s := q.scope
	taken := map[string]bool{}
	for _, c := range s.cols {
		taken[c.col.Name] = true
		if c.input != "" {
			taken[c.input] = true
		}
	}
	gen := &aliasGenerator{used: taken}
	var items []joinItem
	sideCols := func(side int, pos token.Pos) {
		js := ja.sides[side]
		add := func(i int) {
			ref := &ast.ColumnRef{Qualifier: &ast.Ident{NamePos: pos, Name: js.alias}, Name: &ast.Ident{NamePos: pos, Name: s.cols[i].col.Name}}
			items = append(items, joinItem{name: s.cols[i].input, pos: pos, ast: ref, col: i})
		}
		if q.sel.PartitionBy == nil {
			for k := range js.src.Columns {
				add(js.first + k)
			}
			return
		}
		// Before a PARTITION BY, ksqlDB's join schema has each side's value
		// columns, then its pseudo-columns, then its key columns.
		for k, c := range js.src.Columns {
			if !c.Key {
				add(js.first + k)
			}
		}
		for k := range pseudoColumns {
			add(js.first + len(js.src.Columns) + k)
		}
		for k, c := range js.src.Columns {
			if c.Key {
				add(js.first + k)
			}
		}
	}
	for _, it := range q.sel.Items {
		if it.Expr == nil {
			pos := it.Pos()
			if it.Qualifier != nil {
				found := false
				for i, side := range ja.sides {
					if side.alias == it.Qualifier.Name {
						sideCols(i, pos)
						found = true
					}
				}
				if !found {
					return errorf(pos, "SELECT column '%s.*' cannot be resolved.", it.Qualifier.Name)
				}
				continue
			}
			if ja.rowkey >= 0 {
				ref := &ast.ColumnRef{Name: &ast.Ident{NamePos: pos, Name: s.cols[ja.rowkey].col.Name}}
				items = append(items, joinItem{name: s.cols[ja.rowkey].col.Name, pos: pos, ast: ref, col: ja.rowkey})
			}
			sideCols(0, pos)
			sideCols(1, pos)
			continue
		}
		ji := joinItem{pos: it.Pos(), ast: it.Expr, col: -1}
		ref, isRef := unparen(it.Expr).(*ast.ColumnRef)
		if isRef {
			if i, r, _ := s.lookup(ref); r == resolved {
				ji.col = i
			}
		}
		switch {
		case it.Alias != nil:
			ji.name = it.Alias.Name
		case isRef && ref.Qualifier != nil && ja.inBoth(ref.Name.Name):
			// A column name both sources have is prefixed with the alias
			// that chose it; a name only one has stays as it is.
			ji.name = ref.Qualifier.Name + "_" + ref.Name.Name
		case isRef:
			ji.name = ref.Name.Name
		default:
			ji.name = gen.next()
		}
		if err := reservedAlias(ji.name, it, isRef && strings.EqualFold(ref.Name.Name, ji.name)); err != nil {
			return err
		}
		items = append(items, ji)
	}
	c := q.finalJoinChecker("SELECT")
	for i := range items {
		e, err := c.check(items[i].ast)
		if err != nil {
			return err
		}
		if isNull(e) {
			return errorf(items[i].pos, "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		items[i].expr = e
	}

	if q.sel.PartitionBy != nil {
		return q.joinPartitionBy(items)
	}
	if ja.foreignKey {
		return q.foreignKeyProjection(items)
	}

	// The key: the first item that is a join column (or the synthetic
	// ROWKEY).
	var cands []int
	if ja.rowkey >= 0 {
		cands = []int{ja.rowkey}
	} else {
		on := unparen(ja.join.On).(*ast.Binary)
		for _, operand := range []ast.Expr{on.X, on.Y} {
			for _, side := range ja.sides {
				if side.key == operand && side.isCol {
					cands = append(cands, side.keyCol)
				}
			}
		}
	}
	keyAt := -1
	for i, it := range items {
		for _, cnd := range cands {
			if it.col == cnd && keyAt < 0 {
				keyAt = i
			}
		}
	}
	if keyAt < 0 {
		var texts []string
		for _, cnd := range cands {
			if cnd == ja.rowkey {
				texts = append(texts, s.cols[cnd].col.Name)
			} else {
				texts = append(texts, s.qualifiedName(cnd))
			}
		}
		what := "expression"
		if len(texts) > 1 {
			what = "expressions"
		}
		msg := fmt.Sprintf("Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"+
			"The query used to build `%s` must include the join %s %s in its projection (eg, SELECT %s...).",
			q.sinkName, what, strings.Join(texts, " or "), texts[0])
		if ja.rowkey >= 0 {
			msg += fmt.Sprintf("\n%s was added as a synthetic key column because the join criteria did not match any source column. "+
				"This expression must be included in the projection and may be aliased.", texts[0])
		}
		return errorf(q.sel.Pos(), "%s", msg)
	}
	key := items[keyAt]
	keyExpr := key.expr
	if ja.rowkey < 0 {
		// The record key is the join key, which a selected join column of
		// the side that is missing (outer joins) would not hold.
		keyExpr = q.joinKeyValue(key.ast)
	}
	q.keys = []outColumn{{name: key.name, expr: keyExpr, pos: key.pos}}
	for i, it := range items {
		if i != keyAt {
			q.values = append(q.values, outColumn{name: it.name, expr: it.expr, pos: it.pos})
		}
	}
	if len(q.values) == 0 {
		return errorf(q.sel.Pos(), "The projection contains no value columns.")
	}
	return q.checkDuplicates()
}

// foreignKeyProjection picks the key of a foreign-key join: the left
// table's primary key columns, in their order, each of which the
// projection must select.
func (q *queryAnalysis) foreignKeyProjection(items []joinItem) *Error {
	left := q.join.sides[0]
	isKey := make([]bool, len(items))
	for k, c := range left.src.Columns {
		if !c.Key {
			continue
		}
		at := -1
		for i, it := range items {
			if it.col == left.first+k && at < 0 {
				at = i
			}
		}
		if at < 0 {
			return errorf(q.sel.Pos(), "Primary key column missing in projection. For foreign-key table-table joins, the projection "+
				"must include all primary key columns from the left input table (`%s`). Missing column: `%s`.", left.alias, c.Name)
		}
		isKey[at] = true
		q.keys = append(q.keys, outColumn{name: items[at].name, expr: items[at].expr, pos: items[at].pos})
	}
	for i, it := range items {
		if !isKey[i] {
			q.values = append(q.values, outColumn{name: it.name, expr: it.expr, pos: it.pos})
		}
	}
	if len(q.values) == 0 {
		return errorf(q.sel.Pos(), "The projection contains no value columns.")
	}
	return q.checkDuplicates()
}

// joinPartitionBy makes the PARTITION BY expressions of a stream join
// the sink's key, as partitionKeys does for a single source: each must be
// an item of the projection, which names it. The join key is then an
// ordinary column.
func (q *queryAnalysis) joinPartitionBy(items []joinItem) *Error {
	exprs := q.sel.PartitionBy
	if len(exprs) == 0 {
		return errorf(q.sel.Pos(), "PARTITION BY requires at least one expression")
	}
	if q.resultKind == sdk.Table {
		return errorf(exprs[0].Pos(), "Cannot repartition a TABLE source.")
	}
	pb := &partitionBy{}
	q.partition = pb
	isKey := make([]bool, len(items))
	if lit, ok := unparen(exprs[0]).(*ast.Literal); ok && lit.Kind == ast.LitNull && len(exprs) == 1 {
		pb.null = true
	} else {
		c := q.finalJoinChecker("PARTITION BY")
		var missing []string
		for _, e := range exprs {
			if _, err := c.check(e); err != nil {
				return err
			}
			canon := q.canonical(e)
			at := -1
			for i, it := range items {
				if !isKey[i] && q.canonical(it.ast) == canon {
					if at >= 0 {
						return errorf(q.sel.Pos(), "The projection contains a key column (`%s`) more than once, aliased as: %s and %s.",
							items[at].name, items[at].name, it.name)
					}
					at = i
				}
			}
			if at < 0 {
				missing = append(missing, canon)
				continue
			}
			isKey[at] = true
			q.keys = append(q.keys, outColumn{name: items[at].name, expr: items[at].expr, pos: items[at].pos})
		}
		if len(missing) > 0 {
			what := "expression"
			if len(missing) > 1 {
				what = "expressions"
			}
			return errorf(q.sel.Pos(), "The query used to build `%s` must include the partitioning %s %s in its projection (eg, SELECT %s...).",
				q.sinkName, what, joinNames(missing), strings.Join(missing, ", "))
		}
	}
	for i, it := range items {
		if !isKey[i] {
			q.values = append(q.values, outColumn{name: it.name, expr: it.expr, pos: it.pos})
		}
	}
	if len(q.values) == 0 {
		return errorf(q.sel.Pos(), "The projection contains no value columns.")
	}
	return q.checkDuplicates()
}

// buildJoinInputs assembles each side's input stage from the columns the
// final stage reads, and the operator.
func (q *queryAnalysis) buildJoinInputs() {
	ja := q.join
	s := q.scope
	for _, side := range ja.sides {
		var outs []plan.Output
		for k := range side.scope.cols {
			if j := side.first + k; s.used[j] || j == side.keyCol {
				outs = append(outs, plan.Output{Name: s.cols[j].input, Expr: side.scope.use(k, nil)})
			}
		}
		if side.isCol {
			side.keyName = s.cols[side.keyCol].input
		} else {
			outs = append(outs, plan.Output{Name: side.keyName, Expr: side.keyExpr})
		}
		q.inputStages = append(q.inputStages, &plan.Stage{Inputs: side.scope.finish(), Outputs: outs})
	}
	op := &sdk.Join{Type: ja.typ, Left: 0, Right: 1, LeftKey: ja.sides[0].keyName, RightKey: ja.sides[1].keyName,
		ForeignKey: ja.foreignKey}
	if w := ja.join.Within; w != nil {
		ms := func(d *ast.Duration) int64 {
			if d == nil {
				return -1
			}
			u, _ := durationUnit(d.Unit)
			return d.Value * u.Milliseconds()
		}
		op.Within = &sdk.JoinWindow{BeforeMs: ms(w.Before), AfterMs: ms(w.After), GraceMs: ms(w.Grace)}
		if w.After == nil {
			op.Within.AfterMs = op.Within.BeforeMs
		}
	}
	q.operator = &sdk.Operator{Join: op}
	q.finalScope = s
}
