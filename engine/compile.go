package engine

import (
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/analyzer"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/codegen"
	"github.com/wasmstream/wasmstream/sql2wasm/parser"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// This file is the only one that talks to the compiler's passes.

// stmtKind is what a compiled statement does.
type stmtKind int

const (
	kindCreateSource stmtKind = iota + 1
	kindDropSource
	kindQuery
	kindInsertValues
	kindSetProperty
	kindUnsetProperty
	kindNoop // SHOW, DESCRIBE, IF NOT EXISTS of an existing source
	kindTerminate
)

// compiled is one statement, checked and (for queries and INSERT VALUES)
// compiled to a module, but not yet committed to the catalog.
type compiled struct {
	kind       stmtKind
	source     *sdk.Source
	dropped    string
	deleteTopc bool
	terminated []string
	module     []byte
	manifest   *sdk.Manifest
	property   string
	value      string
	orReplace  bool
	filtered   bool // the query has a WHERE clause
	sql        string

	res *analyzer.Result
}

// compiler wraps the analyzer (catalog, properties, query ids) and the code
// generator. Statements are compiled, then committed once the engine has
// carried them out, so that a statement the engine refuses (a missing
// topic) leaves the catalog unchanged.
type compiler struct {
	a *analyzer.Analyzer
}

func newCompiler(props map[string]string) *compiler {
	return &compiler{a: analyzer.New(props)}
}

// parsedStmt is a statement with its text.
type parsedStmt struct {
	stmt ast.Statement
	sql  string
}

// parse parses a script into statements and their texts.
func parse(src string) ([]parsedStmt, error) {
	stmts, err := parser.ParseScript("", src)
	if err != nil {
		return nil, err
	}
	out := make([]parsedStmt, len(stmts))
	for i, s := range stmts {
		start := s.Pos().Offset()
		end := len(src)
		if i+1 < len(stmts) {
			end = stmts[i+1].Pos().Offset()
		}
		if start < 0 || start > end || end > len(src) {
			start, end = 0, len(src)
		}
		out[i] = parsedStmt{stmt: s, sql: strings.TrimSpace(src[start:end])}
	}
	return out, nil
}

// compile checks one statement against the current state and compiles it.
// src is the script the statement's positions refer to.
func (c *compiler) compile(p parsedStmt, src string) (*compiled, error) {
	res, err := c.a.Analyze(p.stmt, p.sql)
	if err != nil {
		return nil, positioned(err, src)
	}
	out := &compiled{res: res, sql: p.sql, source: res.Source, dropped: res.Dropped, terminated: res.Terminated,
		property: res.Property, value: res.Value}
	if res.Skipped {
		out.kind = kindNoop
		return out, nil
	}
	switch res.Kind {
	case analyzer.KindCreateSource:
		out.kind = kindCreateSource
	case analyzer.KindDropSource:
		out.kind = kindDropSource
		if d, ok := p.stmt.(*ast.DropSource); ok {
			out.deleteTopc = d.DeleteTopic
		}
	case analyzer.KindQuery, analyzer.KindInsertValues:
		out.kind = kindQuery
		if res.Kind == analyzer.KindInsertValues {
			out.kind = kindInsertValues
		}
		switch st := p.stmt.(type) {
		case *ast.CreateAsSelect:
			out.orReplace = st.OrReplace
			out.filtered = st.Query != nil && st.Query.Where != nil
		case *ast.InsertInto:
			out.filtered = st.Query != nil && st.Query.Where != nil
		}
		bin, man, err := codegen.Generate(res.Query)
		if err != nil {
			return nil, err
		}
		out.module, out.manifest = bin, man
	case analyzer.KindSetProperty:
		out.kind = kindSetProperty
	case analyzer.KindUnsetProperty:
		out.kind = kindUnsetProperty
	case analyzer.KindTerminate:
		out.kind = kindTerminate
	default:
		out.kind = kindNoop
	}
	return out, nil
}

// commit applies a compiled statement to the catalog.
func (c *compiler) commit(s *compiled) { c.a.Commit(s.res) }

// lookup returns a catalog entry by its exact name.
func (c *compiler) lookup(name string) (sdk.Source, bool) { return c.a.Catalog().Lookup(name) }

// names returns the catalog's source names, sorted.
func (c *compiler) names() []string { return c.a.Catalog().Names() }

// positioned adds line:column to an analyzer error.
func positioned(err error, src string) error {
	ae, ok := err.(*analyzer.Error)
	if !ok || !ae.Pos.IsValid() {
		return err
	}
	pos := token.NewFile("", src).Position(ae.Pos)
	return &StatementError{Pos: pos.String(), Msg: ae.Msg, Err: err}
}

// StatementError is an error in a statement, at a position of its script.
type StatementError struct {
	// Pos is line:column in the script.
	Pos string
	Msg string
	Err error
}

// Error implements error.
func (e *StatementError) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// Unwrap returns the underlying error.
func (e *StatementError) Unwrap() error { return e.Err }
