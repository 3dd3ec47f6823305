package analyzer

import (
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// TestScopeResolution checks name resolution over two sources, as joins will
// use it: qualified names pick a source by alias, unqualified names must be
// unique, and finish renumbers columns to the used ones.
func TestScopeResolution(t *testing.T) {
	left := &sdk.Source{Name: "L", Columns: []sdk.Column{{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "A", Type: sdk.TypeString}}}
	right := &sdk.Source{Name: "R", Columns: []sdk.Column{{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "B", Type: sdk.TypeDouble}}}
	s := newScope(left, "X")
	// A second source, appended the way a join analysis would.
	s.sources = append(s.sources, scopeSource{src: right, alias: "R"})
	for _, c := range right.Columns {
		s.cols = append(s.cols, scopeColumn{source: 1, col: c})
		s.used = append(s.used, false)
	}
	ref := func(q, n string) *ast.ColumnRef {
		r := &ast.ColumnRef{Name: &ast.Ident{Name: n, NamePos: 7}}
		if q != "" {
			r.Qualifier = &ast.Ident{Name: q, NamePos: 5}
		}
		return r
	}

	b, _, err := s.column(ref("", "B"), "SELECT")
	if err != nil {
		t.Fatal(err)
	}
	xid, _, err := s.column(ref("X", "ID"), "SELECT")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.column(ref("", "ID"), "SELECT"); err == nil || err.Msg != "Column 'ID' is ambiguous. Could be any of: X.ID, R.ID" {
		t.Errorf("ambiguous ID: %v", err)
	}
	if _, _, err := s.column(ref("L", "ID"), "WHERE"); err == nil || err.Msg != "WHERE column 'L.ID' cannot be resolved." || err.Pos != 5 {
		t.Errorf("source name hidden by its alias: %v", err)
	}
	if _, _, err := s.column(ref("R", "A"), "WHERE"); err == nil || !strings.Contains(err.Msg, "'R.A' cannot be resolved") {
		t.Errorf("column of the other source: %v", err)
	}
	inputs := s.finish()
	var names []string
	for _, c := range inputs {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "ID,B" {
		t.Errorf("inputs %s, want ID,B (used columns in scope order)", got)
	}
	if xid.Index != 0 || b.Index != 1 {
		t.Errorf("renumbered indexes: X.ID %d, B %d", xid.Index, b.Index)
	}
}
