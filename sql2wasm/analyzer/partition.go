package analyzer

import (
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// partitionBy is an analyzed PARTITION BY clause: the expressions that
// become the sink's key columns, or none for PARTITION BY NULL (the sink
// is keyless).
type partitionBy struct {
	null  bool
	exprs []partitionExpr
}

// partitionExpr is one key expression of a PARTITION BY.
type partitionExpr struct {
	ast   ast.Expr
	expr  plan.Expr
	canon string // the qualified text, to find it in the projection
	name  string // the key column's name when SELECT * provides it
	col   int    // scope index when the expression is a plain column, else -1
}

// partitionBy analyzes PARTITION BY. Its expressions are evaluated on the
// input row, so they name source columns, not the projection's aliases.
// A plain column keeps its name as the new key column's name; another
// expression is named KSQL_COL_<n> unless the projection aliases it.
func (q *queryAnalysis) partitionBy() *Error {
	exprs := q.sel.PartitionBy
	if exprs == nil {
		return nil
	}
	if len(exprs) == 0 {
		// PARTITION BY (): the parser keeps the empty list to tell it from
		// no PARTITION BY at all.
		return errorf(q.sel.Pos(), "PARTITION BY requires at least one expression")
	}
	if q.src.Kind == sdk.Table {
		return errorf(exprs[0].Pos(), "Cannot repartition a TABLE source.")
	}
	pb := &partitionBy{}
	for _, e := range exprs {
		if lit, ok := unparen(e).(*ast.Literal); ok && lit.Kind == ast.LitNull {
			if len(exprs) > 1 {
				return errorf(e.Pos(), "Cannot PARTITION BY multiple columns including NULL")
			}
			pb.null = true
			q.partition = pb
			return nil
		}
	}
	gen := newAliasGenerator(q.src.Columns)
	c := q.checker("PARTITION BY")
	for _, e := range exprs {
		pe, err := c.check(e)
		if err != nil {
			return err
		}
		if isNull(pe) {
			return errorf(e.Pos(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		p := partitionExpr{ast: e, expr: pe, canon: q.canonical(e), col: -1}
		if ref, ok := unparen(e).(*ast.ColumnRef); ok {
			p.col, _, _ = q.scope.lookup(ref)
			p.name = ref.Name.Name
		} else if d, ok := unparen(e).(*ast.Deref); ok {
			// ksqlDB names a struct field by the field.
			p.name = gen.field(d.Field.Name)
		} else {
			p.name = gen.next()
		}
		for _, prev := range pb.exprs {
			if prev.canon == p.canon {
				return errorf(e.Pos(), "The PARTITION BY clause contains %s more than once.", formatExpr(e, nil))
			}
		}
		pb.exprs = append(pb.exprs, p)
	}
	q.partition = pb
	return nil
}

// canonical prints e with every column qualified by its source, so that
// `ID` and `INPUT.ID` compare equal; it is also how ksqlDB prints
// partitioning expressions in its messages.
func (q *queryAnalysis) canonical(e ast.Expr) string {
	return formatExpr(e, func(ref *ast.ColumnRef) string {
		if i, r, _ := q.scope.lookup(ref); r == resolved {
			c := q.scope.cols[i]
			return quoteName(q.scope.sources[c.source].alias) + "." + quoteName(c.col.Name)
		}
		return refText(ref)
	})
}

// aliasGenerator makes ksqlDB's generated column names KSQL_COL_<n>,
// skipping names the source already has.
type aliasGenerator struct {
	used map[string]bool
	n    int
}

func newAliasGenerator(cols []sdk.Column) *aliasGenerator {
	g := &aliasGenerator{used: make(map[string]bool)}
	for _, c := range cols {
		g.used[c.Name] = true
	}
	return g
}

func (g *aliasGenerator) next() string {
	for {
		name := fmt.Sprintf("KSQL_COL_%d", g.n)
		g.n++
		if !g.used[name] {
			g.used[name] = true
			return name
		}
	}
}

// joinNames joins names as ksqlDB's GrammaticalJoiner does: "A", "A and
// B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
