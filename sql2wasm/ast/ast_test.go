package ast

import (
	"fmt"
	"strings"
	"testing"
)

// TestWalkSkipsAbsentChildren walks hand-built trees with nil fields, which
// the parser never produces but later passes may.
func TestWalkSkipsAbsentChildren(t *testing.T) {
	d := &Duration{Value: 1, Unit: "SECOND"}
	sel := &Select{
		Items: []*SelectItem{{}, {Expr: &ColumnRef{Name: &Ident{Name: "A"}}}},
		From: &Join{
			Kind:   JoinInner,
			Left:   &SourceRef{Name: &Ident{Name: "L"}},
			Right:  &SourceRef{Name: &Ident{Name: "R"}},
			Within: &Within{Before: d, After: d},
		},
		GroupBy: []Expr{&Paren{X: &Literal{Kind: LitInteger, Value: "1"}}},
	}
	var visited []string
	Inspect(sel, func(n Node) bool {
		if n != nil {
			visited = append(visited, fmt.Sprintf("%T", n))
		}
		return true
	})
	// WITHIN d names one span, so its duration is visited once.
	want := "*ast.Select *ast.SelectItem *ast.SelectItem *ast.ColumnRef *ast.Ident " +
		"*ast.Join *ast.SourceRef *ast.Ident *ast.SourceRef *ast.Ident *ast.Within *ast.Duration " +
		"*ast.Paren *ast.Literal"
	if got := strings.Join(visited, " "); got != want {
		t.Errorf("visited\n%s\nwant\n%s", got, want)
	}
}

func TestDebug(t *testing.T) {
	x := &Binary{Op: OpAdd, X: &ColumnRef{Qualifier: &Ident{Name: "t", Quoted: true}, Name: &Ident{Name: "A"}},
		Y: &Literal{Kind: LitString, Value: "it's"}}
	want := "Binary{Op: +, X: ColumnRef{Qualifier: `t`, Name: A}, Y: 'it''s'}"
	if got := Debug(x); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := Debug(nil); got != "nil" {
		t.Errorf("Debug(nil) = %q", got)
	}
}

func TestFormatStatementsByHand(t *testing.T) {
	tests := []struct {
		n    Node
		want string
	}{
		{&DropSource{Kind: KindTable, Name: &Ident{Name: "T"}, IfExists: true}, "DROP TABLE IF EXISTS T"},
		{&SetProperty{Name: "a'b", Value: "v"}, "SET 'a''b' = 'v'"},
		{&TerminateQuery{ID: "CSAS_X_1"}, "TERMINATE CSAS_X_1"},
		{&Property{Name: "KEY.FORMAT", Value: &Literal{Kind: LitString, Value: "JSON"}}, "'KEY.FORMAT'='JSON'"},
		{&TypeExpr{Name: "STRUCT", Fields: []*ColumnDef{}}, "STRUCT<>"},
		{&Window{Kind: WindowSession, Size: &Duration{Value: 5, Unit: "MINUTES"}}, "WINDOW SESSION (5 MINUTES)"},
		{&Within{Before: &Duration{Value: 1, Unit: "SECOND"}, After: &Duration{Value: 1, Unit: "SECOND"}}, "WITHIN (1 SECOND, 1 SECOND)"},
	}
	for _, tt := range tests {
		if got := Format(tt.n); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}
