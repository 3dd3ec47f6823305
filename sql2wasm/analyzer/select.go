package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// selectItem is one column of the projection after `*` is expanded.
type selectItem struct {
	name  string
	pos   token.Pos
	expr  plan.Expr
	col   int    // scope index when the item is a plain column reference, else -1
	canon string // qualified text, to match PARTITION BY expressions
}

// projection analyzes the select list and decides the sink's key and value
// columns with ksqlDB's rules:
//
//   - Without PARTITION BY the sink's key is the source's key: each key
//     column must be selected exactly once as a plain column (an alias
//     renames it), and keeps the source's key order (ksqlDB's new planner,
//     ksql.new.query.planner.enabled=true, uses projection order instead).
//   - With PARTITION BY the key is the partitioning expressions, in their
//     order: each must appear exactly once in the projection, or come from
//     `*`, which then expands to the new key, the source's value columns and
//     the old key columns (as values). PARTITION BY NULL makes the sink
//     keyless.
//   - Everything else is a value column, in projection order; there must be
//     at least one.
func (q *queryAnalysis) projection() *Error {
	items, err := q.expandItems()
	if err != nil {
		return err
	}
	for _, it := range items {
		if isNull(it.expr) {
			return errorf(it.pos, "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
	}

	isKey := make([]bool, len(items))
	switch {
	case q.partition != nil && q.partition.null:
		// keyless sink
	case q.partition != nil:
		if err := q.partitionKeys(items, isKey); err != nil {
			return err
		}
	default:
		if err := q.sourceKeys(items, isKey); err != nil {
			return err
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

// expandItems expands `*` and names every item: its alias, the column's
// name for a plain column, or a generated KSQL_COL_<n>.
func (q *queryAnalysis) expandItems() ([]selectItem, *Error) {
	gen := newAliasGenerator(q.src.Columns)
	c := q.checker("SELECT")
	var items []selectItem
	for _, it := range q.sel.Items {
		if it.Expr == nil {
			if it.Qualifier != nil && it.Qualifier.Name != q.scope.sources[0].alias {
				return nil, errorf(it.Pos(), "SELECT column '%s.*' cannot be resolved.", it.Qualifier.Name)
			}
			items = append(items, q.star(it.Pos())...)
			continue
		}
		if da, ok := unparen(it.Expr).(*ast.DerefAll); ok && it.Alias == nil {
			more, err := q.derefAll(c, da, gen)
			if err != nil {
				return nil, err
			}
			items = append(items, more...)
			continue
		}
		e, err := c.check(it.Expr)
		if err != nil {
			return nil, err
		}
		si := selectItem{pos: it.Pos(), expr: e, col: -1, canon: q.canonical(it.Expr)}
		ref, isRef := unparen(it.Expr).(*ast.ColumnRef)
		if isRef {
			si.col, _, _ = q.scope.lookup(ref)
		}
		switch {
		case it.Alias != nil:
			si.name = it.Alias.Name
		case isRef:
			si.name = ref.Name.Name
		case isDeref(it.Expr):
			// ksqlDB names a struct field by the field.
			si.name = gen.field(unparen(it.Expr).(*ast.Deref).Field.Name)
		default:
			si.name = gen.next()
		}
		if err := reservedAlias(si.name, it, isRef && strings.EqualFold(ref.Name.Name, si.name)); err != nil {
			return nil, err
		}
		items = append(items, si)
	}
	return items, nil
}

// reservedAlias refuses a select item named like a system column: an
// alias that is one gets ksqlDB's "reserved column name" error, and a
// system column selected under its own name must be aliased in a persistent
// query.
func reservedAlias(name string, it *ast.SelectItem, sameAsColumn bool) *Error {
	if !isSystemColumn(name) {
		return nil
	}
	sys := strings.ToUpper(name)
	if sameAsColumn {
		return errorf(it.Pos(), "Reserved column name in select: `%s`. Please remove or alias the column.", sys)
	}
	return errorf(it.Pos(), "`%s` is a reserved column name. You cannot use it as an alias for a column.", sys)
}

// star expands `*` over the source: key columns then value columns; with
// PARTITION BY, the new key, then the value columns and old key columns
// that did not become key columns. Pseudo-columns are never part of `*`.
func (q *queryAnalysis) star(pos token.Pos) []selectItem {
	var items []selectItem
	s := q.scope
	plain := func(i int) selectItem {
		return selectItem{name: s.cols[i].col.Name, pos: pos, expr: s.use(i, nil), col: i,
			canon: quoteName(s.sources[s.cols[i].source].alias) + "." + quoteName(s.cols[i].col.Name)}
	}
	var nKeys int
	for _, c := range q.src.Columns {
		if c.Key {
			nKeys++
		}
	}
	if q.partition == nil || q.partition.null {
		for i := 0; i < len(q.src.Columns); i++ {
			items = append(items, plain(i))
		}
		return items
	}
	isPart := make(map[int]bool)
	for _, p := range q.partition.exprs {
		items = append(items, selectItem{name: p.name, pos: pos, expr: p.expr, col: p.col, canon: p.canon})
		if p.col >= 0 {
			isPart[p.col] = true
		}
	}
	for i := nKeys; i < len(q.src.Columns); i++ {
		if !isPart[i] {
			items = append(items, plain(i))
		}
	}
	for i := 0; i < nKeys; i++ {
		if !isPart[i] {
			items = append(items, plain(i))
		}
	}
	return items
}

// sourceKeys marks the items that carry the source's key columns and sets
// q.keys.
func (q *queryAnalysis) sourceKeys(items []selectItem, isKey []bool) *Error {
	var keyIdx []int // scope indexes of the source's key columns
	for i, c := range q.src.Columns {
		if c.Key {
			keyIdx = append(keyIdx, i)
		}
	}
	if len(keyIdx) == 0 {
		return nil
	}
	found := make(map[int]int) // scope index -> item index
	var missing []string
	for _, k := range keyIdx {
		var names []string
		for i, it := range items {
			if it.col == k {
				names = append(names, it.name)
				found[k] = i
				isKey[i] = true
			}
		}
		if len(names) > 1 {
			return errorf(q.sel.Pos(), "The projection contains a key column (`%s`) more than once, aliased as: %s.",
				q.src.Columns[k].Name, joinNames(names))
		}
		if len(names) == 0 {
			missing = append(missing, quoteName(q.src.Columns[k].Name))
		}
	}
	if len(missing) > 0 {
		plural := ""
		if len(keyIdx) > 1 {
			plural = "s"
		}
		var all []string
		for _, k := range keyIdx {
			all = append(all, quoteName(q.src.Columns[k].Name))
		}
		return errorf(q.sel.Pos(), "The query used to build `%s` must include the key column%s %s in its projection (eg, SELECT %s...).",
			q.sinkName, plural, joinNames(all), strings.Join(all, ", "))
	}
	order := keyIdx
	if q.a.props.bool(PropNewQueryPlanner, false) {
		// The new planner keeps the key columns in projection order.
		order = nil
		for i, it := range items {
			if isKey[i] {
				order = append(order, it.col)
			}
		}
	}
	for _, k := range order {
		it := items[found[k]]
		q.keys = append(q.keys, outColumn{name: it.name, expr: it.expr, pos: it.pos})
	}
	return nil
}

// partitionKeys marks the items that are the PARTITION BY expressions and
// sets q.keys, in PARTITION BY order.
func (q *queryAnalysis) partitionKeys(items []selectItem, isKey []bool) *Error {
	missing := false
	var texts []string
	for _, p := range q.partition.exprs {
		texts = append(texts, p.canon)
		var names []string
		var at int
		for i, it := range items {
			if it.canon == p.canon && !isKey[i] {
				names = append(names, it.name)
				at = i
			}
		}
		switch len(names) {
		case 0:
			missing = true
			continue
		case 1:
		default:
			return errorf(q.sel.Pos(), "The projection contains a key column (`%s`) more than once, aliased as: %s.",
				p.name, joinNames(names))
		}
		isKey[at] = true
		it := items[at]
		q.keys = append(q.keys, outColumn{name: it.name, expr: it.expr, pos: it.pos})
	}
	if missing {
		plural := ""
		if len(texts) > 1 {
			plural = "s"
		}
		return errorf(q.sel.Pos(), "The query used to build `%s` must include the partitioning expression%s %s in its projection (eg, SELECT %s...).",
			q.sinkName, plural, joinNames(texts), strings.Join(texts, ", "))
	}
	return nil
}

// checkDuplicates refuses two output columns of the same name.
func (q *queryAnalysis) checkDuplicates() *Error {
	seen := make(map[string]bool)
	for _, k := range q.keys {
		if seen[k.name] {
			return errorf(k.pos, "Duplicate key columns found in schema: `%s` %s KEY", k.name, k.expr.Type())
		}
		seen[k.name] = true
	}
	keys := seen
	seen = make(map[string]bool)
	for _, v := range q.values {
		if keys[v.name] {
			return errorf(v.pos, "Value columns clash with key columns: `%s` %s", v.name, v.expr.Type())
		}
		if seen[v.name] {
			return errorf(v.pos, "Duplicate value columns found in schema: `%s` %s", v.name, v.expr.Type())
		}
		seen[v.name] = true
	}
	return nil
}
