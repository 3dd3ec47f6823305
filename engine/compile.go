package engine

import (
	"errors"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm"
	"github.com/wasmstream/wasmstream/sql2wasm/analyzer"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/codegen"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// This file is the only one that talks to the compiler. It uses the
// analyzer and the code generator directly rather than sql2wasm.Compiler,
// because the facade commits a statement to its catalog as soon as it
// compiles, while the engine must be able to refuse a compiled statement (a
// missing topic, a query shape the executor cannot run yet) and leave the
// catalog as it was.

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
	stmts, err := sql2wasm.Parse("", src)
	if err != nil {
		return nil, err
	}
	out := make([]parsedStmt, len(stmts))
	for i, s := range stmts {
		out[i] = parsedStmt{stmt: s.Statement, sql: s.SQL}
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

// positioned turns an analyzer error into a positioned sql2wasm.Error
// (line:column: message), as the sql2wasm facade reports errors.
func positioned(err error, src string) error {
	var ae *analyzer.Error
	if !errors.As(err, &ae) || !ae.Pos.IsValid() {
		return err
	}
	return &sql2wasm.Error{Pos: token.NewFile("", src).Position(ae.Pos), Msg: ae.Msg}
}
