package analyzer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// joinAnalysis is the analysis of a join of two or more sources. The
// query becomes
//
//	per source: an input stage that outputs the source's columns the query
//	  reads, as ALIAS_COLUMN, and its join keys
//	  -> sdk.Join in the host (chained through Join.Next for each further
//	     JOIN of an n-way join)
//	  -> final stage: the WHERE and the SELECT list over every source's
//	     columns, the joined record's ROWTIME and the join key.
//
// The sink's key is the last join's key, as ksqlDB defines it: named after
// the first SELECT item that is a column equal to it, or, for a FULL OUTER
// join or one on two expressions, the synthetic ROWKEY the query must
// select.
type joinAnalysis struct {
	sides []*joinSide
	steps []*joinStep
	// rowkey is the join scope index of the synthetic ROWKEY, -1 when the
	// key is a source column.
	rowkey int
}

// joinSide is one source of a join.
type joinSide struct {
	ref   *ast.SourceRef
	src   *sdk.Source
	alias string
	scope *Scope // the side's input stage
	first int    // join scope index of the side's first column
}

// joinStep is one JOIN of the chain: the sources before right, already
// joined, with sides[right].
type joinStep struct {
	join  *ast.Join
	right int
	typ   string // sdk.Join*
	// keys are the operands of the ON equality: [0] reads one of the
	// sources already joined, [1] reads sides[right].
	keys    [2]*joinKey
	keyType sdk.Type
	// foreignKey marks a table-table join on a left column that is not the
	// left's primary key: the result is keyed by the left's primary key.
	foreignKey bool
}

// joinKey is one operand of a join condition.
type joinKey struct {
	side int
	ast  ast.Expr
	expr plan.Expr // over the side's scope
	// col is the join scope index of the key: the column itself when the
	// operand is a plain column (isCol), else a hidden column carrying the
	// value the side's input stage computes.
	col   int
	isCol bool
	name  string // the input stage output holding the key
}

// keyFormat is the key format of a join's result: the first source's, or
// the next one's when it is keyless, or the session default when all are.
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

// last returns the last JOIN of the chain, which keys the result.
func (ja *joinAnalysis) last() *joinStep { return ja.steps[len(ja.steps)-1] }

// joinKeywords prints a join kind as ksqlDB's messages do.
var joinKeywords = map[ast.JoinKind]string{
	ast.JoinInner: "[INNER] JOIN",
	ast.JoinLeft:  "LEFT [OUTER] JOIN",
	ast.JoinRight: "RIGHT [OUTER] JOIN",
	ast.JoinFull:  "[FULL] OUTER JOIN",
}

// flattenJoin lists the sources and JOINs of a FROM clause in order: a
// JOIN b JOIN c is sources a, b, c and JOINs (a, b), (ab, c).
func flattenJoin(r ast.Relation, refs *[]*ast.SourceRef, joins *[]*ast.Join) *Error {
	switch x := r.(type) {
	case *ast.SourceRef:
		*refs = append(*refs, x)
	case *ast.Join:
		if err := flattenJoin(x.Left, refs, joins); err != nil {
			return err
		}
		if x.On == nil {
			return errorf(x.JoinPos, "A JOIN needs an ON clause.")
		}
		*refs = append(*refs, x.Right)
		*joins = append(*joins, x)
	default:
		return notSupported(r.Pos(), "this FROM clause")
	}
	return nil
}

// analyzeJoin plans `a JOIN b ON ... [JOIN c ON ...]...`.
func (a *Analyzer) analyzeJoin(sel *ast.Select, j *ast.Join, sinkName string) (*queryAnalysis, *Error) {
	var refs []*ast.SourceRef
	var joins []*ast.Join
	if err := flattenJoin(j, &refs, &joins); err != nil {
		return nil, err
	}
	ja := &joinAnalysis{rowkey: -1}
	names, aliases := map[string]bool{}, map[string]bool{}
	for _, ref := range refs {
		src := a.cat.get(ref.Name.Name)
		if src == nil {
			return nil, errorf(ref.Name.Pos(), "Source `%s` does not exist.", ref.Name.Name)
		}
		alias := src.Name
		if ref.Alias != nil {
			alias = ref.Alias.Name
		}
		if names[src.Name] {
			if len(refs) == 2 {
				return nil, errorf(ref.Pos(), "Can not join '%s' to '%s': self joins are not yet supported.", src.Name, src.Name)
			}
			return nil, errorf(ref.Pos(), "N-way joins do not support multiple occurrences of the same source. Source: '%s'", src.Name)
		}
		if aliases[alias] {
			return nil, errorf(ref.Pos(), "Can not join two sources with the same alias: %s.", alias)
		}
		names[src.Name], aliases[alias] = true, true
		ja.sides = append(ja.sides, &joinSide{ref: ref, src: src, alias: alias, scope: newScope(src, alias)})
	}
	for _, side := range ja.sides[1:] {
		if err := windowedJoin(ja.sides[0], side); err != nil {
			return nil, err
		}
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
		return a.joinAggregation(sel, j, ja, joins, sinkName)
	}
	if sel.Emit == ast.EmitFinal {
		return nil, errorf(sel.EmitPos, "EMIT FINAL is only supported for windowed aggregations.")
	}

	q := &queryAnalysis{a: a, sel: sel, src: ja.sides[0].src, sinkName: sinkName, join: ja}
	for _, side := range ja.sides {
		q.sources = append(q.sources, side.src)
	}
	q.scope = ja.scope()
	q.resultKind = ja.sides[0].src.Kind
	for i, jj := range joins {
		st, err := q.joinStep(i, jj)
		if err != nil {
			return nil, err
		}
		ja.steps = append(ja.steps, st)
	}
	if err := q.checkWindowedKeys(); err != nil {
		return nil, err
	}
	if w := ja.sides[0].src.Window; w != nil {
		// Joined on their windowed keys, the result keeps the window.
		kw := *w
		q.sinkWindow = &kw
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
	if last := ja.last(); !last.foreignKey && (last.typ == sdk.JoinFull || len(q.keyCandidates()) == 0) {
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
	case l.src.Kind == sdk.Table || r.src.Kind == sdk.Table:
		return notSupported(l.ref.Pos(), "joins of windowed tables")
	case lw.Type != rw.Type || lw.SizeMs != rw.SizeMs:
		// The keys differ in their windows: the sides would have to be
		// repartitioned onto one window, which ksqlDB refuses.
		return errorf(r.ref.Pos(), "Implicit repartitioning of windowed sources is not supported.")
	}
	return nil
}

// checkWindowedKeys refuses a join of windowed sources that is not on
// their keys: a windowed key is joined as is (key and window), never
// repartitioned.
func (q *queryAnalysis) checkWindowedKeys() *Error {
	if q.join.sides[0].src.Window == nil {
		return nil
	}
	for _, st := range q.join.steps {
		for _, k := range st.keys {
			if !q.isPrimaryKey(k) {
				return errorf(k.ast.Pos(), "Implicit repartitioning of windowed sources is not supported.")
			}
		}
	}
	return nil
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
	s.cols = append(s.cols, scopeColumn{source: len(ja.sides), col: sdk.Column{Name: "ROWTIME", Type: sdk.TypeBigInt}, pseudo: true})
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
	s.cols = append(s.cols, scopeColumn{source: len(ja.sides), col: sdk.Column{Name: name, Type: ja.last().keyType}})
	s.used = append(s.used, false)
	return len(s.cols) - 1
}

// joinStep checks the i-th JOIN: its ON is one equality whose operands
// each read exactly one source, one of them the source this JOIN adds and
// the other one joined before, with keys of one type; and the kinds of
// what it joins allow the join type.
func (q *queryAnalysis) joinStep(i int, j *ast.Join) (*joinStep, *Error) {
	ja := q.join
	n := len(ja.sides)
	st := &joinStep{join: j, right: i + 1}
	st.typ = map[ast.JoinKind]string{ast.JoinInner: sdk.JoinInner, ast.JoinLeft: sdk.JoinLeft,
		ast.JoinRight: sdk.JoinRight, ast.JoinFull: sdk.JoinFull}[j.Kind]
	on := unparen(j.On)
	onText := formatExpr(on, nil)
	b, ok := on.(*ast.Binary)
	if !ok || b.Op != ast.OpEq {
		if ok && b.Op == ast.OpAnd {
			return nil, errorf(on.Pos(), "Invalid join condition: joins on multiple conditions are not yet supported. Got %s.", onText)
		}
		return nil, errorf(on.Pos(), "Unsupported join expression: %s. Joins require one equality between a column or expression of each source.", onText)
	}
	var badQualifier *Error
	walkColumnRefs(on, func(ref *ast.ColumnRef) {
		if _, r, _ := q.scope.lookup(ref); r == unknownSource && badQualifier == nil {
			badQualifier = errorf(ref.Pos(), "'%s' is not a valid stream/table name or alias.", ref.Qualifier.Name)
		}
	})
	if badQualifier != nil {
		return nil, badQualifier
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
			case unknownColumn:
				err = errorf(ref.Pos(), "JOIN ON column '%s' cannot be resolved.", refText(ref))
			case ambiguousColumn:
				err = errorf(ref.Pos(), "Column '%s' is ambiguous. Could be %s.", ref.Name.Name, joinOr(cands))
			default:
				if src := q.scope.cols[i].source; src < n {
					seen[src] = true
				} else {
					err = errorf(ref.Pos(), "Invalid comparison expression '%s' in join '%s'. Each side of the join comparision must contain references from exactly one source.",
						formatExpr(operand, nil), onText)
				}
			}
		})
		if err != nil {
			return nil, err
		}
		if len(seen) != 1 {
			return nil, errorf(operand.Pos(), "Invalid comparison expression '%s' in join '%s'. Each side of the join comparision must contain references from exactly one source.",
				formatExpr(operand, nil), onText)
		}
		for s := range seen {
			sidesOf[k] = s
		}
	}
	if sidesOf[0] == sidesOf[1] {
		name := ja.sides[sidesOf[0]].alias
		return nil, errorf(on.Pos(), "Each side of the join must reference exactly one source and not the same source. Left side references `%s` and right references `%s`", name, name)
	}
	right := st.right
	switch {
	case sidesOf[1] == right && sidesOf[0] < right:
		st.keys = [2]*joinKey{{side: sidesOf[0], ast: b.X}, {side: right, ast: b.Y}}
	case sidesOf[0] == right && sidesOf[1] < right:
		st.keys = [2]*joinKey{{side: sidesOf[1], ast: b.Y}, {side: right, ast: b.X}}
	default:
		return nil, errorf(on.Pos(), "A join criteria is expected to reference the source (`%s`) in the FROM clause, instead the right source references `%s` and the left source references `%s`",
			ja.sides[right].alias, ja.sides[sidesOf[1]].alias, ja.sides[sidesOf[0]].alias)
	}
	for _, key := range st.keys {
		side := ja.sides[key.side]
		c := &exprChecker{scope: side.scope, clause: "JOIN ON", props: q.a.props}
		e, err := c.check(key.ast)
		if err != nil {
			return nil, err
		}
		if isNull(e) {
			return nil, errorf(key.ast.Pos(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		key.expr = e
		if ref, ok := unparen(key.ast).(*ast.ColumnRef); ok {
			// A side's pseudo-column (a.ROWOFFSET) is a join column too.
			if k, r, _ := q.scope.lookup(ref); r == resolved && q.scope.cols[k].source == key.side {
				key.col, key.isCol = k, true
				key.name = q.scope.cols[k].input
			}
		}
	}
	if st.keys[0].expr.Type() != st.keys[1].expr.Type() {
		x, y := st.keys[0], st.keys[1]
		if x.ast != b.X {
			x, y = y, x
		}
		return nil, errorf(on.Pos(), "Invalid join condition: types don't match. Got %s{%s} = %s{%s}.",
			q.plainCanonical(x.ast), typeName(x.expr.Type()), q.plainCanonical(y.ast), typeName(y.expr.Type()))
	}
	st.keyType = st.keys[0].expr.Type()
	if st.keyType.IsComplex() {
		return nil, notSupported(on.Pos(), "joins on a "+st.keyType.String()+" key")
	}
	if err := q.joinKinds(st, q.plainCanonical(b.X)+" = "+q.plainCanonical(b.Y)); err != nil {
		return nil, err
	}
	for k, key := range st.keys {
		if key.isCol {
			continue
		}
		// The final stage reads a computed key through a hidden column.
		side := ja.sides[key.side]
		key.name = side.alias + "_KSQL_JOIN_KEY"
		if i > 0 {
			key.name = fmt.Sprintf("%s_KSQL_JOIN_KEY_%d_%d", side.alias, i, k)
		}
		q.scope.cols = append(q.scope.cols, scopeColumn{source: key.side, col: sdk.Column{Type: key.expr.Type()},
			qualifiedOnly: true, input: key.name})
		q.scope.used = append(q.scope.used, false)
		key.col = len(q.scope.cols) - 1
	}
	return st, nil
}

// joinOr lists names as "A or B", "A, B or C".
func joinOr(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// plainCanonical is canonical without back-quotes, as ksqlDB prints join
// conditions.
func (q *queryAnalysis) plainCanonical(e ast.Expr) string {
	return strings.ReplaceAll(q.canonical(e), "`", "")
}

// isPrimaryKey reports whether the key is its table's only primary key
// column.
func (q *queryAnalysis) isPrimaryKey(k *joinKey) bool {
	if !k.isCol || !q.scope.cols[k.col].col.Key {
		return false
	}
	n := 0
	for _, c := range q.join.sides[k.side].src.Columns {
		if c.Key {
			n++
		}
	}
	return n == 1
}

// isResultKey reports whether a table-table JOIN's left key is the
// primary key of what it joins: the left table's for the first JOIN, a key
// column of the result so far for a later one.
func (q *queryAnalysis) isResultKey(st *joinStep) bool {
	k := st.keys[0]
	if !q.isPrimaryKey(k) {
		return false
	}
	if st.right == 1 {
		return true
	}
	for _, c := range q.keyCandidatesOf(q.join.steps[:st.right-1]) {
		if c == k.col {
			return true
		}
	}
	return false
}

// joinKinds applies ksqlDB's rules for the kinds of what a JOIN joins
// (the result so far, in q.resultKind, and the source it adds) and its
// join type, and sets the kind of its result.
func (q *queryAnalysis) joinKinds(st *joinStep, onText string) *Error {
	ja := q.join
	j := st.join
	left, right := q.resultKind, ja.sides[st.right].src.Kind
	leftName := ja.sides[st.keys[0].side].src.Name
	if st.right == 1 {
		leftName = ja.sides[0].src.Name
	}
	got := fmt.Sprintf("%s %s %s", leftName, joinKeywords[j.Kind], ja.sides[st.right].src.Name)
	switch {
	case left == sdk.Stream && right == sdk.Stream:
		if j.Within == nil {
			return errorf(j.JoinPos, "Stream-Stream joins must have a WITHIN clause specified. None was provided. "+
				"To learn about how to specify a WITHIN clause with a stream-stream join, please visit: "+
				"https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select")
		}
	case left == sdk.Table && right == sdk.Stream:
		return errorf(j.JoinPos, "Invalid join order: table-stream joins are not supported; only stream-table joins. Got %s.", got)
	case left == sdk.Stream:
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
		if !q.isPrimaryKey(st.keys[1]) {
			return errorf(j.On.Pos(), "Invalid join condition: stream-table joins require to join on the table's primary key. Got %s.", onText)
		}
	default:
		q.resultKind = sdk.Table
		if j.Within != nil {
			return errorf(j.Within.Pos(), "A window definition was provided for a Table-Table join. These joins are not windowed. "+
				"Please drop the window definition (ie. the WITHIN clause) and try to submit your query again.")
		}
		if !q.isPrimaryKey(st.keys[1]) {
			return errorf(j.On.Pos(), "Invalid join condition: table-table joins require to join on the primary key of the right input table. Got %s.", onText)
		}
		if !q.isResultKey(st) {
			switch {
			case j.Kind == ast.JoinRight:
				return errorf(j.JoinPos, "RIGHT OUTER JOIN on a foreign key is not supported")
			case j.Kind == ast.JoinFull:
				return errorf(j.JoinPos, "FULL OUTER JOIN on a foreign key is not supported")
			case st.right > 1:
				return notSupported(j.On.Pos(), "a foreign-key join after the first join of an n-way join")
			}
			st.foreignKey = true
		}
	}
	if left == sdk.Stream || right == sdk.Stream {
		q.resultKind = sdk.Stream
	}
	return nil
}

// joinWhere types the WHERE clause over the joined row.
func (q *queryAnalysis) joinWhere() *Error {
	if q.sel.Where == nil {
		return nil
	}
	e, err := q.typeWhere(q.finalJoinChecker("WHERE"))
	q.finalFilter = e
	return err
}

// joinKeyValue returns the value of the last join's key in the joined
// row: its left key, its right key, or for a FULL OUTER join whichever
// side is there.
func (q *queryAnalysis) joinKeyValue(at ast.Node) plan.Expr {
	st := q.join.last()
	switch st.typ {
	case sdk.JoinInner, sdk.JoinLeft:
		return q.scope.use(st.keys[0].col, at)
	case sdk.JoinRight:
		return q.scope.use(st.keys[1].col, at)
	}
	l := q.scope.use(st.keys[0].col, at)
	r := q.scope.use(st.keys[1].col, at)
	return &plan.Call{At: at.Pos(), Fn: plan.FnCoalesce, Args: []plan.Expr{l, r}, T: st.keyType}
}

// keyCandidates returns the join scope indexes of the columns that can
// name the result's key, in source order.
func (q *queryAnalysis) keyCandidates() []int { return q.keyCandidatesOf(q.join.steps) }

// keyCandidatesOf returns the key columns of the result of steps: after a
// foreign-key join the left table's primary key; otherwise the columns
// among the last join's keys and the keys earlier joins (not FULL OUTER)
// equated with them, expressions included (a.x = ABS(b.y) JOIN c ON
// ABS(b.y) = c.z makes a.x a candidate).
func (q *queryAnalysis) keyCandidatesOf(steps []*joinStep) []int {
	ja := q.join
	last := steps[len(steps)-1]
	if last.foreignKey {
		side := ja.sides[last.keys[0].side]
		for k, c := range side.src.Columns {
			if c.Key {
				return []int{side.first + k}
			}
		}
		return nil
	}
	in := map[string]bool{}
	for _, k := range last.keys {
		in[q.canonical(k.ast)] = true
	}
	for changed := true; changed; {
		changed = false
		for _, st := range steps[:len(steps)-1] {
			l, r := q.canonical(st.keys[0].ast), q.canonical(st.keys[1].ast)
			if st.typ == sdk.JoinFull || st.foreignKey || in[l] == in[r] {
				continue
			}
			in[l], in[r], changed = true, true, true
		}
	}
	seen := map[int]bool{}
	var out []int
	for _, st := range steps {
		for _, k := range st.keys {
			if k.isCol && in[q.canonical(k.ast)] && !seen[k.col] {
				seen[k.col] = true
				out = append(out, k.col)
			}
		}
	}
	sort.Ints(out)
	return out
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

// inMany reports whether more than one source has a column of this name
// (every source has the pseudo-columns).
func (ja *joinAnalysis) inMany(name string) bool {
	for _, c := range pseudoColumns {
		if c.Name == name {
			return true
		}
	}
	n := 0
	for _, side := range ja.sides {
		for _, c := range side.src.Columns {
			if c.Name == name {
				n++
				break
			}
		}
	}
	return n > 1
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
			for i := range ja.sides {
				sideCols(i, pos)
			}
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
		case isRef && ref.Qualifier != nil && ja.inMany(ref.Name.Name):
			// A column name several sources have is prefixed with the
			// alias that chose it; a name only one has stays as it is.
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
	if ja.last().foreignKey {
		return q.foreignKeyProjection(items)
	}

	// The key: the first item that is a join column (or the synthetic
	// ROWKEY).
	cands := []int{ja.rowkey}
	if ja.rowkey < 0 {
		cands = q.keyCandidates()
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
			q.sinkName, what, joinOr(texts), texts[0])
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
// final stage reads and the join keys it holds, and the operator: one
// sdk.Join per JOIN, chained through Next.
func (q *queryAnalysis) buildJoinInputs() {
	ja := q.join
	s := q.scope
	keyCol := map[int]bool{}
	computed := make([][]plan.Output, len(ja.sides))
	for _, st := range ja.steps {
		for _, k := range st.keys {
			if k.isCol {
				keyCol[k.col] = true
			} else {
				computed[k.side] = append(computed[k.side], plan.Output{Name: k.name, Expr: k.expr})
			}
		}
	}
	for i, side := range ja.sides {
		var outs []plan.Output
		for k := range side.scope.cols {
			if j := side.first + k; s.used[j] || keyCol[j] {
				outs = append(outs, plan.Output{Name: s.cols[j].input, Expr: side.scope.use(k, nil)})
			}
		}
		outs = append(outs, computed[i]...)
		q.inputStages = append(q.inputStages, &plan.Stage{Inputs: side.scope.finish(), Outputs: outs})
	}
	ms := func(d *ast.Duration) int64 {
		if d == nil {
			return -1
		}
		u, _ := durationUnit(d.Unit)
		return d.Value * u.Milliseconds()
	}
	var first, prev *sdk.Join
	for i, st := range ja.steps {
		op := &sdk.Join{Type: st.typ, Left: -1, Right: st.right, LeftKey: st.keys[0].name, RightKey: st.keys[1].name,
			ForeignKey: st.foreignKey}
		if w := st.join.Within; w != nil {
			op.Within = &sdk.JoinWindow{BeforeMs: ms(w.Before), AfterMs: ms(w.After), GraceMs: ms(w.Grace)}
			if w.After == nil {
				op.Within.AfterMs = op.Within.BeforeMs
			}
		}
		if i == 0 {
			op.Left = 0
			first = op
		} else {
			prev.Next = op
		}
		prev = op
	}
	q.operator = &sdk.Operator{Join: first}
	q.finalScope = s
}

// joinAggregation analyzes a GROUP BY over a join: the join runs as any
// join, then a stage between the join and the aggregation computes the
// WHERE, the GROUP BY expressions and the aggregate arguments over the
// joined row (the join's scope), and the aggregation and its final stage
// run as over a single source whose rows are the join's results: a stream,
// unless every side is a table (then the aggregation subtracts a key's
// previous result, as over a table).
func (a *Analyzer) joinAggregation(sel *ast.Select, j *ast.Join, ja *joinAnalysis, joins []*ast.Join, sinkName string) (*queryAnalysis, *Error) {
	if err := unknownAggregationFunction(sel); err != nil {
		return nil, err
	}
	q := &queryAnalysis{a: a, sel: sel, sinkName: sinkName, join: ja, src: ja.sides[0].src, resultKind: ja.sides[0].src.Kind}
	kind := sdk.Table
	var cols []sdk.Column
	for _, side := range ja.sides {
		q.sources = append(q.sources, side.src)
		if side.src.Kind != sdk.Table {
			kind = sdk.Stream
		}
		cols = append(cols, side.src.Columns...)
	}
	q.scope = ja.scope()
	for i, jj := range joins {
		st, err := q.joinStep(i, jj)
		if err != nil {
			return nil, err
		}
		ja.steps = append(ja.steps, st)
	}
	first := ja.sides[0].src
	// What the aggregation reads: the join's results, named after the
	// first source in messages, with the first source's value format
	// (which decides, as for a source, whether the intermediate state of
	// AVG or COLLECT_LIST can be kept).
	q.src = &sdk.Source{Name: first.Name, Kind: kind, Topic: first.Topic, KeyFormat: ja.keyFormat(a.props),
		ValueFormat: first.ValueFormat, ValueDelimiter: first.ValueDelimiter, Columns: cols}
	if err := q.aggregate(); err != nil {
		return nil, err
	}
	between, agg, final := q.inputStages[0], q.operator.Aggregate, q.finalScope
	q.inputStages = nil
	q.buildJoinInputs()
	q.operator.Aggregate = agg
	q.between, q.finalScope = between, final
	return q, nil
}
