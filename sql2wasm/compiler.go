package sql2wasm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/analyzer"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/codegen"
	"github.com/wasmstream/wasmstream/sql2wasm/parser"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/scanner"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Option configures a Compiler.
type Option func(*config)

type config struct {
	props   map[string]string
	codegen []codegen.Option
}

// WithProperties sets the initial session properties (ksqlDB's "ksql.*"
// configuration, such as ksql.persistence.default.format.value). SET and
// UNSET statements change them afterwards. The map is copied.
func WithProperties(props map[string]string) Option {
	return func(c *config) {
		for k, v := range props {
			c.props[k] = v
		}
	}
}

// WithBatchCapacity sets the number of rows of every stage's batch in the
// modules the compiler generates (default sdk.DefaultBatchCapacity).
func WithBatchCapacity(rows uint32) Option {
	return func(c *config) { c.codegen = append(c.codegen, codegen.WithBatchCapacity(rows)) }
}

// Compiler compiles statements one after the other, keeping what earlier
// statements declared: the catalog of streams and tables, the session
// properties and the persistent queries with their ids. A Compiler is not
// safe for concurrent use.
type Compiler struct {
	an  *analyzer.Analyzer
	cfg config
}

// NewCompiler returns a compiler with an empty catalog.
func NewCompiler(opts ...Option) *Compiler {
	cfg := config{props: map[string]string{}}
	for _, o := range opts {
		o(&cfg)
	}
	return &Compiler{an: analyzer.New(cfg.props), cfg: cfg}
}

// Catalog returns the compiler's catalog of streams and tables. Its methods
// only read, and return copies.
func (c *Compiler) Catalog() *analyzer.Catalog { return c.an.Catalog() }

// Properties returns a copy of the current session properties.
func (c *Compiler) Properties() map[string]string { return c.an.Properties() }

// Queries returns the ids of the persistent queries compiled so far and not
// terminated or dropped, sorted.
func (c *Compiler) Queries() []string { return c.an.Queries() }

// Kind says what a statement does.
type Kind int

// The kinds of statement.
const (
	// CreateSource declares a stream or table over an existing topic.
	CreateSource Kind = iota + 1
	// DropSource removes a stream or table from the catalog.
	DropSource
	// Query is a persistent query (CREATE ... AS SELECT, INSERT INTO ...
	// SELECT): Result.Module is its WebAssembly module.
	Query
	// InsertValues is INSERT INTO ... VALUES: Result.Module computes the row
	// (one stage, no inputs, run on a one-row batch); it is not a persistent
	// query.
	InsertValues
	// SetProperty is SET 'name' = 'value'.
	SetProperty
	// UnsetProperty is UNSET 'name'.
	UnsetProperty
	// Show is SHOW, LIST or DESCRIBE: nothing to compile.
	Show
	// Other is any other statement, such as TERMINATE.
	Other
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case CreateSource:
		return "CreateSource"
	case DropSource:
		return "DropSource"
	case Query:
		return "Query"
	case InsertValues:
		return "InsertValues"
	case SetProperty:
		return "SetProperty"
	case UnsetProperty:
		return "UnsetProperty"
	case Show:
		return "Show"
	case Other:
		return "Other"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Result is what compiling one statement produced.
type Result struct {
	Kind Kind
	// Statement is the statement's syntax tree.
	Statement ast.Statement
	// SQL is the statement's text.
	SQL string
	// Source is the declared stream or table (CreateSource), the sink of a
	// query (Query) or the target of INSERT VALUES.
	Source *sdk.Source
	// Dropped names the source a DROP removed ("" for DROP IF EXISTS of a
	// missing one).
	Dropped string
	// Terminated lists the ids of the queries the statement stopped
	// (TERMINATE, or DROP of a query's sink).
	Terminated []string
	// Skipped is set when IF NOT EXISTS found the source already there.
	Skipped bool
	// QueryID is the id of a persistent query, e.g. CSAS_OUTPUT_0.
	QueryID string
	// Plan is the typed plan the module was generated from.
	Plan *plan.Query
	// Module is the WebAssembly module of a Query or InsertValues.
	Module []byte
	// Manifest is the module's manifest (also embedded in Module).
	Manifest *sdk.Manifest
	// Property and Value are the property a SET or UNSET changed.
	Property, Value string

	// analyzed is what Commit applies to the compiler's state.
	analyzed *analyzer.Result
}

// Statement is one statement of a script with the text it was parsed from,
// so that errors can name file:line:col and manifests can carry the SQL.
type Statement struct {
	ast.Statement
	// SQL is the statement's text, from its first token to its ';'.
	SQL  string
	file *token.File
}

// Parse parses a script of statements. filename is used in error positions
// and may be empty. On a syntax error it returns an ErrorList of every error
// found (at most parser.MaxErrors), sorted by position, and no statements.
func Parse(filename, src string) ([]*Statement, error) {
	stmts, err := parser.ParseScript(filename, src)
	if err != nil {
		return nil, err
	}
	file := token.NewFile(filename, src)
	ends := semicolons(src)
	out := make([]*Statement, len(stmts))
	for i, s := range stmts {
		start := s.Pos().Offset()
		limit := len(src)
		if i+1 < len(stmts) {
			limit = stmts[i+1].Pos().Offset()
		}
		end := limit
		for _, e := range ends {
			if e >= start && e < limit {
				end = e + 1
				break
			}
		}
		text := ""
		if start >= 0 && start <= end && end <= len(src) {
			text = strings.TrimSpace(src[start:end])
		}
		out[i] = &Statement{Statement: s, SQL: text, file: file}
	}
	return out, nil
}

// semicolons returns the offsets of the ';' tokens of src (not those in
// strings or comments).
func semicolons(src string) []int {
	var s scanner.Scanner
	s.Init(src, nil)
	var out []int
	for {
		t := s.Scan()
		if t.Kind == token.EOF {
			return out
		}
		if t.Kind == token.SEMICOLON {
			out = append(out, t.Pos.Offset())
		}
	}
}

// Compile compiles one statement against what the compiler knows so far and,
// when it succeeds, records its effect: CREATE registers a source, a CREATE
// ... AS SELECT its sink, DROP removes a source, SET and UNSET change
// properties. A statement that fails changes nothing. Errors carry the
// statement's file:line:col (see Error and FormatError).
//
// Compile is Prepare followed by Commit.
func (c *Compiler) Compile(stmt *Statement) (*Result, error) {
	res, err := c.Prepare(stmt)
	if err != nil {
		return nil, err
	}
	c.Commit(res)
	return res, nil
}

// Commit records the effect of a statement Prepare compiled. A caller
// that cannot run what it compiled (a missing topic, a query shape its
// executor refuses) simply does not commit it. Results must be committed
// in the order they were prepared, each before the next statement is
// prepared; committing nil does nothing.
func (c *Compiler) Commit(res *Result) {
	if res == nil {
		return
	}
	c.an.Commit(res.analyzed)
}

// Prepare compiles one statement as Compile does, module included, but
// leaves the compiler's state (catalog, properties, queries) unchanged until
// the result is passed to Commit.
func (c *Compiler) Prepare(stmt *Statement) (*Result, error) {
	if stmt == nil || stmt.Statement == nil {
		return nil, errors.New("sql2wasm: no statement")
	}
	res, err := c.an.Analyze(stmt.Statement, stmt.SQL)
	if err != nil {
		return nil, stmt.errorAt(err)
	}
	out := &Result{
		Statement:  stmt.Statement,
		SQL:        stmt.SQL,
		Source:     res.Source,
		Dropped:    res.Dropped,
		Terminated: res.Terminated,
		Skipped:    res.Skipped,
		Property:   res.Property,
		Value:      res.Value,
		Plan:       res.Query,
		analyzed:   res,
	}
	switch res.Kind {
	case analyzer.KindCreateSource:
		out.Kind = CreateSource
	case analyzer.KindDropSource:
		out.Kind = DropSource
	case analyzer.KindQuery:
		out.Kind = Query
	case analyzer.KindInsertValues:
		out.Kind = InsertValues
	case analyzer.KindSetProperty:
		out.Kind = SetProperty
	case analyzer.KindUnsetProperty:
		out.Kind = UnsetProperty
	case analyzer.KindShow:
		out.Kind = Show
	default:
		out.Kind = Other
	}
	if res.Query != nil && !res.Skipped {
		if out.Kind == Query {
			out.QueryID = res.Query.ID
		}
		bin, man, err := codegen.Generate(res.Query, c.cfg.codegen...)
		if err != nil {
			return nil, stmt.errorAt(err)
		}
		out.Module, out.Manifest = bin, man
	}
	return out, nil
}

// errorAt turns an error of a pass into an *Error with the statement's
// file:line:col: the analyzer's position when it has one, else the
// statement's start.
func (s *Statement) errorAt(err error) error {
	pos := s.Pos()
	msg := err.Error()
	var ae *analyzer.Error
	if errors.As(err, &ae) {
		msg = ae.Msg
		if ae.Pos.IsValid() {
			pos = ae.Pos
		}
	}
	file := s.file
	if file == nil {
		file = token.NewFile("", "")
	}
	return &Error{Pos: file.Position(pos), Msg: msg}
}

// CompileScript parses a script and compiles its statements in order with a
// new Compiler. It returns the results of the statements compiled before
// the first error, and that error.
func CompileScript(filename, src string, opts ...Option) ([]*Result, error) {
	stmts, err := Parse(filename, src)
	if err != nil {
		return nil, err
	}
	c := NewCompiler(opts...)
	out := make([]*Result, 0, len(stmts))
	for _, s := range stmts {
		res, err := c.Compile(s)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}
