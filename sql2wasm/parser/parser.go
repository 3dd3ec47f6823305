// Package parser reads ksqlDB-dialect SQL into the syntax tree of package
// ast.
//
// The parser is a hand-written recursive-descent parser over the tokens of
// package scanner; it follows ksqlDB's grammar (reserved words, clause order,
// operator precedence) so that a script means here what it means in ksqlDB.
// Syntax that ksqlDB has and wasmstream does not support yet (subscripts,
// struct dereference, lambdas, constructors of ARRAY, MAP and STRUCT values,
// variables, statements such as EXPLAIN) is rejected with an error that says
// "not supported yet: <what>", never read as something else.
//
// Every error names the line and column, what was expected and what was
// found. After an error the parser skips to the next ';' and goes on, so one
// run reports the errors of several statements (at most MaxErrors).
//
// Operator precedence, from loosest to tightest, as in ksqlDB:
//
//	OR
//	AND
//	NOT
//	= <> != < <= > >=, IS [NOT] NULL, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN
//	||
//	+ -
//	* / %
//	unary - +
//
// A minus sign written directly before a number is part of the literal
// (-1 is one Literal with Value "-1"), as in ksqlDB, so that -2147483648 is
// an INT.
package parser

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/scanner"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// MaxDepth is the deepest nesting of expressions and types the parser
// accepts. It keeps hostile input from exhausting the stack here and in the
// passes that walk the tree recursively; real queries stay far below it.
const MaxDepth = 1000

// ParseScript parses a script of statements separated by ';' (the last ';'
// may be left out). filename is used in error positions only and may be
// empty. On error it returns the statements that parsed and an ErrorList,
// sorted by position.
func ParseScript(filename, src string) ([]ast.Statement, error) {
	p := newParser(filename, src)
	stmts := p.script()
	return stmts, p.err()
}

// ParseStatement parses exactly one statement (an optional ';' may follow).
func ParseStatement(filename, src string) (ast.Statement, error) {
	p := newParser(filename, src)
	var stmt ast.Statement
	p.protect(func() {
		if p.tok.Kind == token.EOF {
			p.expected("a statement")
		}
		stmt = p.statement()
		p.got(token.SEMICOLON)
		if p.tok.Kind != token.EOF {
			p.expected("end of input")
		}
	})
	if err := p.err(); err != nil {
		return nil, err
	}
	return stmt, nil
}

// ParseExpr parses a single expression, such as `a + 1 > b`.
func ParseExpr(src string) (ast.Expr, error) {
	p := newParser("", src)
	var x ast.Expr
	p.protect(func() {
		x = p.expr()
		if p.tok.Kind != token.EOF {
			p.expected("end of expression")
		}
	})
	if err := p.err(); err != nil {
		return nil, err
	}
	return x, nil
}

// bailout unwinds the parser from the point of a syntax error to the
// statement loop; it never leaves the package (see protect).
type bailout struct{}

type parser struct {
	file *token.File
	toks []token.Token // the whole script, ending with EOF
	i    int           // index of tok in toks
	tok  token.Token   // current token

	errs      ErrorList
	lexErrors map[token.Pos]bool // positions of scanner errors
	depth     int                // current nesting, see enter
}

func newParser(filename, src string) *parser {
	p := &parser{file: token.NewFile(filename, src)}
	var s scanner.Scanner
	s.Init(src, func(pos token.Pos, msg string) {
		if p.lexErrors == nil {
			p.lexErrors = make(map[token.Pos]bool)
		}
		p.lexErrors[pos] = true
		p.errs.Add(p.file.Position(pos), msg)
	})
	for {
		t := s.Scan()
		p.toks = append(p.toks, t)
		if t.Kind == token.EOF {
			break
		}
	}
	p.tok = p.toks[0]
	return p
}

func (p *parser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	p.errs.Sort()
	if len(p.errs) > MaxErrors {
		p.errs = p.errs[:MaxErrors]
	}
	return p.errs
}

// protect runs f and stops the unwinding of a syntax error there.
func (p *parser) protect(f func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(bailout); !is {
				panic(r)
			}
			ok = false
		}
	}()
	p.depth = 0
	f()
	return true
}

// script parses statements until the end of the input, skipping to the next
// ';' after an error.
func (p *parser) script() []ast.Statement {
	var stmts []ast.Statement
	for p.tok.Kind != token.EOF && len(p.errs) < MaxErrors {
		if p.got(token.SEMICOLON) {
			continue // an empty statement
		}
		var stmt ast.Statement
		ok := p.protect(func() {
			stmt = p.statement()
			if p.tok.Kind != token.SEMICOLON && p.tok.Kind != token.EOF {
				p.expected("';'")
			}
		})
		if ok {
			stmts = append(stmts, stmt)
			continue
		}
		for p.tok.Kind != token.SEMICOLON && p.tok.Kind != token.EOF {
			p.next()
		}
	}
	return stmts
}

// ---- tokens ----

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
}

// peek returns the kind of the token n places after the current one.
func (p *parser) peek(n int) token.Kind {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n].Kind
	}
	return token.EOF
}

// got consumes the current token if it is of kind k.
func (p *parser) got(k token.Kind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	return false
}

// expect consumes a token of kind k and returns its position, or fails.
func (p *parser) expect(k token.Kind) token.Pos {
	pos := p.tok.Pos
	if p.tok.Kind != k {
		p.expected(quoteKind(k))
	}
	p.next()
	return pos
}

func quoteKind(k token.Kind) string {
	if k.IsOperator() {
		return "'" + k.String() + "'"
	}
	return k.String()
}

// ---- errors ----

// errorAt records an error and unwinds to the statement loop. An error at the
// position of a scanner error is not recorded: the scanner's message says
// what is wrong there.
func (p *parser) errorAt(pos token.Pos, msg string) {
	if !p.lexErrors[pos] {
		p.errs.Add(p.file.Position(pos), msg)
	}
	panic(bailout{})
}

// expected fails with "expected <what> but found <current token>".
func (p *parser) expected(what string) {
	msg := "expected " + what + " but found " + p.found()
	if p.tok.Kind.IsReserved() && strings.Contains(what, "name") {
		msg += fmt.Sprintf(" (a reserved word: write `%s` to use it as a name)", p.tok.Lit)
	}
	p.errorAt(p.tok.Pos, msg)
}

// unsupported fails with "not supported yet: <what>".
func (p *parser) unsupported(pos token.Pos, what string) {
	p.errorAt(pos, "not supported yet: "+what)
}

// found describes the current token as written.
func (p *parser) found() string {
	t := p.tok
	if t.Kind == token.EOF {
		return "end of input"
	}
	text := p.file.Src[t.Pos.Offset():t.End.Offset()]
	if len(text) > 40 {
		text = text[:37] + "..."
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if t.Kind == token.STRING {
		return "string " + text
	}
	return "'" + text + "'"
}

// enter counts one level of nesting and fails beyond MaxDepth; the caller
// undoes it with p.depth--.
func (p *parser) enter() {
	p.depth++
	if p.depth > MaxDepth {
		p.errorAt(p.tok.Pos, fmt.Sprintf("expression nested too deeply (more than %d levels)", MaxDepth))
	}
}

// ---- names ----

// isIdent reports whether the current token can be an identifier: an
// unquoted or quoted identifier, or a non-reserved keyword.
func (p *parser) isIdent() bool {
	k := p.tok.Kind
	return k == token.IDENT || k == token.QIDENT || k.IsKeyword() && !k.IsReserved()
}

// ident parses an identifier; what names it in the error message.
func (p *parser) ident(what string) *ast.Ident {
	if p.tok.Kind == token.VARIABLE {
		p.unsupported(p.tok.Pos, "variable substitution ${"+p.tok.Lit+"}")
	}
	if !p.isIdent() {
		p.expected(what)
	}
	id := &ast.Ident{NamePos: p.tok.Pos, Name: p.tok.Lit, Quoted: p.tok.Kind == token.QIDENT}
	p.next()
	return id
}

// ---- statements ----

func (p *parser) statement() ast.Statement {
	switch p.tok.Kind {
	case token.SELECT:
		return &ast.QueryStatement{Query: p.query()}
	case token.CREATE:
		return p.create()
	case token.INSERT:
		return p.insert()
	case token.DROP:
		return p.drop()
	case token.SET:
		return p.set()
	case token.UNSET:
		pos := p.tok.Pos
		p.next()
		return &ast.UnsetProperty{UnsetPos: pos, Name: p.propertyString()}
	case token.SHOW, token.LIST:
		return p.show()
	case token.DESCRIBE:
		return p.describe()
	case token.TERMINATE:
		pos := p.tok.Pos
		p.next()
		if p.got(token.ALL) {
			return &ast.TerminateQuery{TerminatePos: pos, ID: "ALL"}
		}
		return &ast.TerminateQuery{TerminatePos: pos, ID: p.ident("query id or ALL").Name}
	case token.EXPLAIN, token.PRINT, token.DEFINE, token.UNDEFINE, token.ALTER,
		token.ASSERT, token.RUN, token.RESET:
		p.unsupported(p.tok.Pos, p.tok.Lit+" statements")
	}
	p.expected("a statement (SELECT, CREATE, INSERT, DROP, SET, UNSET, SHOW, LIST, DESCRIBE or TERMINATE)")
	return nil
}

// sourceKind parses STREAM or TABLE.
func (p *parser) sourceKind() ast.SourceKind {
	switch p.tok.Kind {
	case token.STREAM:
		p.next()
		return ast.KindStream
	case token.TABLE:
		p.next()
		return ast.KindTable
	}
	p.expected("STREAM or TABLE")
	return 0
}

func (p *parser) create() ast.Statement {
	pos := p.expect(token.CREATE)
	orReplace := false
	if p.got(token.OR) {
		p.expect(token.REPLACE)
		orReplace = true
	}
	source := false
	switch p.tok.Kind {
	case token.SOURCE:
		if p.peek(1) == token.CONNECTOR {
			p.unsupported(p.tok.Pos, "CREATE SOURCE CONNECTOR")
		}
		source = true
		p.next()
	case token.SINK:
		if p.peek(1) == token.CONNECTOR {
			p.unsupported(p.tok.Pos, "CREATE SINK CONNECTOR")
		}
	case token.TYPE:
		p.unsupported(p.tok.Pos, "CREATE TYPE")
	}
	kind := p.sourceKind()
	ifNotExists := false
	if p.got(token.IF) {
		p.expect(token.NOT)
		p.expect(token.EXISTS)
		ifNotExists = true
	}
	name := p.ident("stream or table name")
	var cols []*ast.ColumnDef
	if p.tok.Kind == token.LPAREN {
		cols = p.tableElements()
		p.checkKeys(kind, cols)
	}
	var props []*ast.Property
	if p.tok.Kind == token.WITH {
		props = p.properties()
	}
	if p.tok.Kind == token.AS {
		if source || cols != nil {
			what := "column list"
			if source {
				what = "SOURCE"
			}
			p.errorAt(p.tok.Pos, fmt.Sprintf("expected ';' but found 'AS' (CREATE ... AS SELECT cannot have a %s)", what))
		}
		p.next()
		if p.tok.Kind != token.SELECT {
			p.expected("SELECT")
		}
		return &ast.CreateAsSelect{
			CreatePos: pos, Kind: kind, OrReplace: orReplace, IfNotExists: ifNotExists,
			Name: name, Props: props, Query: p.query(),
		}
	}
	return &ast.CreateSource{
		CreatePos: pos, Kind: kind, OrReplace: orReplace, IfNotExists: ifNotExists,
		Source: source, Name: name, Columns: cols, Props: props,
	}
}

// tableElements parses (name type [KEY|PRIMARY KEY|HEADERS|HEADER('k')], ...).
func (p *parser) tableElements() []*ast.ColumnDef {
	p.expect(token.LPAREN)
	var cols []*ast.ColumnDef
	for {
		col := &ast.ColumnDef{Name: p.ident("column name")}
		col.Type = p.typeExpr()
		switch p.tok.Kind {
		case token.KEY:
			p.next()
			col.Key = true
		case token.PRIMARY:
			p.next()
			p.expect(token.KEY)
			col.PrimaryKey = true
		case token.HEADERS:
			p.next()
			col.Headers = true
		case token.HEADER:
			p.next()
			p.expect(token.LPAREN)
			if p.tok.Kind != token.STRING {
				p.expected("header key string")
			}
			col.Headers = true
			col.HeaderKey = &ast.Literal{ValuePos: p.tok.Pos, Kind: ast.LitString, Value: p.tok.Lit}
			p.next()
			p.expect(token.RPAREN)
		}
		cols = append(cols, col)
		if !p.got(token.COMMA) {
			break
		}
	}
	if p.tok.Kind != token.RPAREN {
		p.expected("',' or ')'")
	}
	p.next()
	return cols
}

// checkKeys rejects KEY in a table and PRIMARY KEY in a stream, as ksqlDB's
// parser does, with its message.
func (p *parser) checkKeys(kind ast.SourceKind, cols []*ast.ColumnDef) {
	for _, c := range cols {
		switch {
		case kind == ast.KindTable && c.Key:
			p.errorAt(c.Pos(), fmt.Sprintf("Column %s is a 'KEY' column: please use 'PRIMARY KEY' for tables.", quoteName(c.Name)))
		case kind == ast.KindStream && c.PrimaryKey:
			p.errorAt(c.Pos(), fmt.Sprintf("Column %s is a 'PRIMARY KEY' column: please use 'KEY' for streams.", quoteName(c.Name)))
		}
	}
}

// quoteName writes a name as ksqlDB's messages do: in backticks.
func quoteName(id *ast.Ident) string {
	return "`" + strings.ReplaceAll(id.Name, "`", "``") + "`"
}

// properties parses WITH (name = literal, ...).
func (p *parser) properties() []*ast.Property {
	p.expect(token.WITH)
	p.expect(token.LPAREN)
	var props []*ast.Property
	for {
		prop := &ast.Property{NamePos: p.tok.Pos}
		if p.tok.Kind == token.STRING {
			prop.Name = strings.ToUpper(p.tok.Lit)
			p.next()
		} else {
			prop.Name = strings.ToUpper(p.ident("property name").Name)
		}
		p.expect(token.EQ)
		prop.Value = p.literal("property value (a string, number or boolean)")
		props = append(props, prop)
		if !p.got(token.COMMA) {
			break
		}
	}
	if p.tok.Kind != token.RPAREN {
		p.expected("',' or ')'")
	}
	p.next()
	return props
}

// literal parses NULL, TRUE, FALSE, a string or a number with an optional
// minus sign.
func (p *parser) literal(what string) *ast.Literal {
	switch p.tok.Kind {
	case token.NULL, token.TRUE, token.FALSE, token.STRING:
		lit := p.simpleLiteral()
		return lit
	case token.MINUS:
		if p.peek(1).IsNumber() {
			return p.number()
		}
	case token.INTEGER, token.DECIMAL, token.FLOAT:
		return p.number()
	case token.VARIABLE:
		p.unsupported(p.tok.Pos, "variable substitution ${"+p.tok.Lit+"}")
	}
	p.expected(what)
	return nil
}

// simpleLiteral turns the current NULL, TRUE, FALSE or STRING token into a
// literal.
func (p *parser) simpleLiteral() *ast.Literal {
	lit := &ast.Literal{ValuePos: p.tok.Pos, Value: p.tok.Lit}
	switch p.tok.Kind {
	case token.NULL:
		lit.Kind = ast.LitNull
	case token.TRUE, token.FALSE:
		lit.Kind = ast.LitBool
	default:
		lit.Kind = ast.LitString
	}
	p.next()
	return lit
}

// number parses [-] INTEGER|DECIMAL|FLOAT into a literal. Like ksqlDB's
// parser it rejects an integer outside the BIGINT range and a floating-point
// number outside the DOUBLE range, with ksqlDB's messages.
func (p *parser) number() *ast.Literal {
	pos := p.tok.Pos
	sign := ""
	if p.got(token.MINUS) {
		sign = "-"
	}
	lit := &ast.Literal{ValuePos: pos, Value: sign + p.tok.Lit}
	switch p.tok.Kind {
	case token.INTEGER:
		lit.Kind = ast.LitInteger
		if _, err := strconv.ParseInt(lit.Value, 10, 64); err != nil {
			p.errorAt(pos, "Invalid numeric literal: "+lit.Value)
		}
	case token.DECIMAL:
		lit.Kind = ast.LitDecimal
	case token.FLOAT:
		lit.Kind = ast.LitFloat
		if _, err := strconv.ParseFloat(lit.Value, 64); err != nil {
			p.errorAt(pos, "Number overflows DOUBLE: "+lit.Value)
		}
	default:
		p.expected("number")
	}
	p.next()
	return lit
}

// propertyString parses the quoted name or value of SET and UNSET.
func (p *parser) propertyString() string {
	if p.tok.Kind == token.VARIABLE {
		p.unsupported(p.tok.Pos, "variable substitution ${"+p.tok.Lit+"}")
	}
	if p.tok.Kind != token.STRING {
		p.expected("a quoted property name or value such as 'auto.offset.reset'")
	}
	s := p.tok.Lit
	p.next()
	return s
}

func (p *parser) set() ast.Statement {
	pos := p.expect(token.SET)
	name := p.propertyString()
	p.expect(token.EQ)
	return &ast.SetProperty{SetPos: pos, Name: name, Value: p.propertyString()}
}

func (p *parser) insert() ast.Statement {
	pos := p.expect(token.INSERT)
	p.expect(token.INTO)
	target := p.ident("stream or table name")
	switch p.tok.Kind {
	case token.LPAREN, token.VALUES:
		var cols []*ast.Ident
		if p.got(token.LPAREN) {
			cols = []*ast.Ident{}
			for {
				cols = append(cols, p.ident("column name"))
				if !p.got(token.COMMA) {
					break
				}
			}
			if p.tok.Kind != token.RPAREN {
				p.expected("',' or ')'")
			}
			p.next()
		}
		p.expect(token.VALUES)
		p.expect(token.LPAREN)
		values := []ast.Expr{}
		if p.tok.Kind != token.RPAREN {
			for {
				values = append(values, p.valueExpr())
				if !p.got(token.COMMA) {
					break
				}
			}
		}
		if p.tok.Kind != token.RPAREN {
			p.expected("',' or ')'")
		}
		p.next()
		return &ast.InsertValues{InsertPos: pos, Target: target, Columns: cols, Values: values}
	case token.WITH, token.SELECT:
		var props []*ast.Property
		if p.tok.Kind == token.WITH {
			props = p.properties()
		}
		if p.tok.Kind != token.SELECT {
			p.expected("SELECT")
		}
		return &ast.InsertInto{InsertPos: pos, Target: target, Props: props, Query: p.query()}
	}
	p.expected("SELECT, VALUES, WITH or '('")
	return nil
}

func (p *parser) drop() ast.Statement {
	pos := p.expect(token.DROP)
	switch p.tok.Kind {
	case token.TYPE:
		p.unsupported(p.tok.Pos, "DROP TYPE")
	case token.CONNECTOR:
		p.unsupported(p.tok.Pos, "DROP CONNECTOR")
	}
	d := &ast.DropSource{DropPos: pos, Kind: p.sourceKind()}
	if p.got(token.IF) {
		p.expect(token.EXISTS)
		d.IfExists = true
	}
	d.Name = p.ident("stream or table name")
	if p.got(token.DELETE) {
		p.expect(token.TOPIC)
		d.DeleteTopic = true
	}
	return d
}

// show parses SHOW|LIST and what follows it, as ksqlDB's grammar has it.
func (p *parser) show() ast.Statement {
	pos := p.tok.Pos
	p.next()
	var words []string
	take := func() { words = append(words, p.tok.Lit); p.next() }
	extended := func() {
		if p.tok.Kind == token.EXTENDED {
			take()
		}
	}
	switch p.tok.Kind {
	case token.PROPERTIES, token.FUNCTIONS, token.TYPES, token.VARIABLES:
		take()
	case token.ALL:
		take()
		if p.tok.Kind != token.TOPICS {
			p.expected("TOPICS")
		}
		take()
		extended()
	case token.TOPICS, token.STREAMS, token.TABLES, token.QUERIES:
		take()
		extended()
	case token.SOURCE, token.SINK:
		take()
		if p.tok.Kind != token.CONNECTORS {
			p.expected("CONNECTORS")
		}
		take()
	case token.CONNECTORS:
		take()
	case token.CONNECTOR:
		take()
		if p.tok.Kind != token.PLUGINS {
			p.expected("PLUGINS")
		}
		take()
	default:
		p.expected("PROPERTIES, STREAMS, TABLES, QUERIES, TOPICS, FUNCTIONS, TYPES, VARIABLES or CONNECTORS")
	}
	return &ast.Show{ShowPos: pos, What: strings.Join(words, " ")}
}

// describe parses DESCRIBE name [EXTENDED], and the older DESCRIBE EXTENDED
// name.
func (p *parser) describe() ast.Statement {
	d := &ast.Describe{DescribePos: p.expect(token.DESCRIBE)}
	switch {
	case p.tok.Kind == token.EXTENDED:
		p.next()
		d.Extended = true
		d.Name = p.ident("stream or table name")
		return d
	case p.tok.Kind == token.STREAMS:
		p.unsupported(p.tok.Pos, "DESCRIBE STREAMS")
	case (p.tok.Kind == token.FUNCTION || p.tok.Kind == token.CONNECTOR) && p.peek(1) != token.EOF &&
		p.peek(1) != token.SEMICOLON && p.peek(1) != token.EXTENDED:
		p.unsupported(p.tok.Pos, "DESCRIBE "+p.tok.Lit)
	}
	d.Name = p.ident("stream or table name")
	if p.got(token.EXTENDED) {
		d.Extended = true
	}
	return d
}
