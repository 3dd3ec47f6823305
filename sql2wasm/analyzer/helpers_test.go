package analyzer

import (
	"errors"
	"testing"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/parser"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// runScript parses src and analyzes and commits every statement; it
// returns the last statement's result, or the first error with its
// position as line:col.
func runScript(t *testing.T, props map[string]string, src string) (*Result, string, error) {
	t.Helper()
	stmts, err := parser.ParseScript("", src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	a := New(props)
	var res *Result
	for _, s := range stmts {
		res, err = a.AnalyzeAndCommit(s, "")
		if err != nil {
			var ae *Error
			pos := ""
			if errors.As(err, &ae) {
				pos = token.NewFile("", src).Position(ae.Pos).String()
			}
			return nil, pos, err
		}
	}
	return res, "", nil
}

// mustParse parses one statement.
func mustParse(t *testing.T, src string) ast.Statement {
	t.Helper()
	s, err := parser.ParseStatement("", src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return s
}
