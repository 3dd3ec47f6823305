package analyzer

import (
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// insertValues handles INSERT INTO target [(columns)] VALUES (...).
//
// The row becomes a plan of one stage with no inputs whose outputs are the
// target's columns (keys first), plus ROWTIME when the statement sets it;
// the host runs it on a batch of one row and produces the result, so VALUES
// expressions are evaluated by the same generated code as queries. Columns
// the statement does not name are NULL. Without a column list the values
// are for all columns, keys first, as in ksqlDB.
func (a *Analyzer) insertValues(s *ast.InsertValues, sql string) (*Result, *Error) {
	target := a.cat.get(s.Target.Name)
	if target == nil {
		msg := fmt.Sprintf("Cannot insert values into an unknown stream/table: `%s`", s.Target.Name)
		if alt := a.cat.foldMatch(s.Target.Name); alt != "" {
			if s.Target.Quoted {
				msg += fmt.Sprintf("\nDid you mean %s? Hint: try removing double quotes from the source name.", alt)
			} else {
				msg += fmt.Sprintf("\nDid you mean \"%s\"? Hint: wrap the source name in double quotes to make it case-sensitive.", alt)
			}
		}
		return nil, errorf(s.Target.Pos(), "%s", msg)
	}
	if a.readOnly[target.Name] {
		return nil, errorf(s.Target.Pos(), "Cannot insert values into read-only %s: %s", lowerKind(target.Kind), target.Name)
	}
	if target.Window != nil {
		return nil, notSupported(s.Target.Pos(), "INSERT VALUES into a windowed source")
	}

	// The columns the values are for.
	type slot struct {
		name string
		t    sdk.Type
		col  int // index in target.Columns, or -1 for ROWTIME
	}
	var slots []slot
	if s.Columns == nil {
		for i, c := range target.Columns {
			slots = append(slots, slot{c.Name, c.Type, i})
		}
	} else {
		seen := make(map[string]bool)
		for _, id := range s.Columns {
			if seen[id.Name] {
				return nil, errorf(id.Pos(), "Column name `%s` is specified more than once.", id.Name)
			}
			seen[id.Name] = true
			if id.Name == "ROWTIME" {
				slots = append(slots, slot{"ROWTIME", sdk.TypeBigInt, -1})
				continue
			}
			if isSystemColumn(id.Name) {
				return nil, errorf(id.Pos(), "Inserting into column `%s` is not allowed.", id.Name)
			}
			i := target.Column(id.Name)
			if i < 0 {
				return nil, errorf(id.Pos(), "Column name `%s` does not exist.", id.Name)
			}
			slots = append(slots, slot{id.Name, target.Columns[i].Type, i})
		}
	}
	if len(s.Values) != len(slots) {
		names := make([]string, len(slots))
		for i, sl := range slots {
			names[i] = sl.name
		}
		vals := make([]string, len(s.Values))
		for i, v := range s.Values {
			vals[i] = formatExpr(v, nil)
		}
		return nil, errorf(s.Pos(), "Expected a value for each column. Expected Columns: [%s]. Got [%s]",
			strings.Join(names, ", "), strings.Join(vals, ", "))
	}

	c := &exprChecker{scope: emptyScope(), clause: "VALUES", props: a.props}
	exprs := make([]plan.Expr, len(target.Columns))
	var rowtime plan.Expr
	for i, v := range s.Values {
		e, err := c.check(v)
		if err != nil {
			return nil, err
		}
		sl := slots[i]
		if !isNull(e) && !canWiden(e.Type(), sl.t) {
			return nil, errorf(v.Pos(), "Expected type %s for field `%s` but got %s(%s)",
				sl.t, sl.name, typeName(e.Type()), formatExpr(v, nil))
		}
		e = coerce(e, sl.t)
		if sl.col < 0 {
			rowtime = e
		} else {
			exprs[sl.col] = e
		}
	}
	if target.Kind == sdk.Table {
		var missing []string
		for i, col := range target.Columns {
			if col.Key && (exprs[i] == nil || isTypedNull(exprs[i])) {
				missing = append(missing, col.Name)
			}
		}
		if len(missing) > 0 {
			return nil, errorf(s.Pos(), "Failed to insert values into '%s'. Value for primary key column(s) %s is required for tables",
				target.Name, strings.Join(missing, ", "))
		}
	}

	outs := make([]plan.Output, 0, len(target.Columns)+1)
	for i, col := range target.Columns {
		e := exprs[i]
		if e == nil {
			e = &plan.Const{At: s.Pos(), V: sdk.Null(col.Type)}
		}
		outs = append(outs, plan.Output{Name: col.Name, Expr: e, Key: col.Key})
	}
	if rowtime != nil {
		outs = append(outs, plan.Output{Name: "ROWTIME", Expr: rowtime})
	}
	sink := copySource(target)
	q := &plan.Query{
		ID:     "VALUES_" + strings.ToUpper(sanitizeID(target.Name)),
		Kind:   "VALUES",
		SQL:    sql,
		Sink:   sink,
		Stages: []*plan.Stage{{Export: "stage_0", Outputs: outs}},
		// No source: the host runs the final stage once on a one-row batch.
		Pipeline: sdk.Pipeline{Final: 0},
	}
	return &Result{Kind: KindInsertValues, Source: &sink, Query: q}, nil
}

// sanitizeID replaces characters that cannot appear in a query id.
func sanitizeID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
