package parser

import (
	"strconv"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// expr parses a full (boolean) expression: OR, the loosest operator.
func (p *parser) expr() ast.Expr {
	p.enter()
	x := p.and()
	n := 0
	for p.tok.Kind == token.OR {
		pos := p.tok.Pos
		p.next()
		p.enter() // a chain a OR b OR c is a tree as deep as it is long
		n++
		x = &ast.Binary{OpPos: pos, Op: ast.OpOr, X: x, Y: p.and()}
	}
	p.depth -= n + 1
	return x
}

func (p *parser) and() ast.Expr {
	x := p.not()
	n := 0
	for p.tok.Kind == token.AND {
		pos := p.tok.Pos
		p.next()
		p.enter()
		n++
		x = &ast.Binary{OpPos: pos, Op: ast.OpAnd, X: x, Y: p.not()}
	}
	p.depth -= n
	return x
}

func (p *parser) not() ast.Expr {
	if p.tok.Kind == token.NOT {
		pos := p.tok.Pos
		p.next()
		p.enter()
		x := &ast.Unary{OpPos: pos, Op: ast.OpNot, X: p.not()}
		p.depth--
		return x
	}
	return p.predicated()
}

var comparisons = map[token.Kind]ast.BinaryOp{
	token.EQ: ast.OpEq, token.NE: ast.OpNe, token.LT: ast.OpLt,
	token.LE: ast.OpLe, token.GT: ast.OpGt, token.GE: ast.OpGe,
}

// predicated parses a value expression followed by at most one predicate:
// a comparison, [NOT] BETWEEN, [NOT] IN, [NOT] LIKE or IS [NOT] NULL. As in
// ksqlDB, predicates do not chain: a = b = c is an error.
func (p *parser) predicated() ast.Expr {
	x := p.valueExpr()
	if op, ok := comparisons[p.tok.Kind]; ok {
		pos := p.tok.Pos
		p.next()
		return &ast.Binary{OpPos: pos, Op: op, X: x, Y: p.valueExpr()}
	}
	not := false
	if p.tok.Kind == token.NOT {
		switch p.peek(1) {
		case token.BETWEEN, token.IN, token.LIKE:
			not = true
			p.next()
		default:
			p.next()
			p.expected("BETWEEN, IN or LIKE after NOT")
		}
	}
	switch p.tok.Kind {
	case token.BETWEEN:
		p.next()
		lo := p.valueExpr()
		p.expect(token.AND)
		return &ast.Between{X: x, Not: not, Lo: lo, Hi: p.valueExpr()}
	case token.IN:
		p.next()
		p.expect(token.LPAREN)
		in := &ast.In{X: x, Not: not}
		for {
			in.List = append(in.List, p.expr())
			if !p.got(token.COMMA) {
				break
			}
		}
		if p.tok.Kind != token.RPAREN {
			p.expected("',' or ')'")
		}
		p.next()
		return in
	case token.LIKE:
		p.next()
		like := &ast.Like{X: x, Not: not, Pattern: p.valueExpr()}
		if p.got(token.ESCAPE) {
			if p.tok.Kind != token.STRING {
				p.expected("escape character string")
			}
			like.Escape = p.simpleLiteral()
		}
		return like
	case token.IS:
		p.next()
		isNot := p.got(token.NOT)
		switch p.tok.Kind {
		case token.NULL:
			p.next()
			return &ast.IsNull{X: x, Not: isNot}
		case token.DISTINCT:
			pos := p.tok.Pos
			p.next()
			if p.tok.Kind != token.FROM {
				p.expected("FROM")
			}
			p.next()
			op := ast.OpIsDistinct
			if isNot {
				op = ast.OpIsNotDistinct
			}
			return &ast.Binary{OpPos: pos, Op: op, X: x, Y: p.valueExpr()}
		}
		p.expected("NULL")
	}
	return x
}

// valueExpr parses an expression without boolean operators or predicates:
// ||, the loosest of the value operators, as in ksqlDB.
func (p *parser) valueExpr() ast.Expr {
	x := p.additive()
	n := 0
	for p.tok.Kind == token.CONCAT {
		pos := p.tok.Pos
		p.next()
		p.enter()
		n++
		x = &ast.Binary{OpPos: pos, Op: ast.OpConcat, X: x, Y: p.additive()}
	}
	p.depth -= n
	return x
}

func (p *parser) additive() ast.Expr {
	x := p.multiplicative()
	n := 0
	for {
		var op ast.BinaryOp
		switch p.tok.Kind {
		case token.PLUS:
			op = ast.OpAdd
		case token.MINUS:
			op = ast.OpSub
		default:
			p.depth -= n
			return x
		}
		pos := p.tok.Pos
		p.next()
		p.enter()
		n++
		x = &ast.Binary{OpPos: pos, Op: op, X: x, Y: p.multiplicative()}
	}
}

func (p *parser) multiplicative() ast.Expr {
	x := p.unary()
	n := 0
	for {
		var op ast.BinaryOp
		switch p.tok.Kind {
		case token.STAR:
			op = ast.OpMul
		case token.SLASH:
			op = ast.OpDiv
		case token.PERCENT:
			op = ast.OpMod
		default:
			p.depth -= n
			return x
		}
		pos := p.tok.Pos
		p.next()
		p.enter()
		n++
		x = &ast.Binary{OpPos: pos, Op: op, X: x, Y: p.unary()}
	}
}

// unary parses a prefix - or + and then a primary expression. A minus sign
// directly before a number becomes part of the literal, as in ksqlDB.
func (p *parser) unary() ast.Expr {
	switch p.tok.Kind {
	case token.MINUS, token.PLUS:
		if p.tok.Kind == token.MINUS && p.peek(1).IsNumber() {
			return p.postfix(p.number())
		}
		pos, op := p.tok.Pos, ast.OpNeg
		if p.tok.Kind == token.PLUS {
			op = ast.OpPlus
		}
		p.next()
		p.enter()
		x := &ast.Unary{OpPos: pos, Op: op, X: p.unary()}
		p.depth--
		return x
	}
	return p.postfix(p.primary())
}

// postfix parses subscripts x[i] and struct field dereferences x->f after a
// primary expression, and rejects AT TIME ZONE.
func (p *parser) postfix(x ast.Expr) ast.Expr {
	n := 0
	defer func() { p.depth -= n }()
	for {
		switch p.tok.Kind {
		case token.LBRACK:
			pos := p.tok.Pos
			p.next()
			p.enter()
			n++
			idx := p.expr()
			p.expect(token.RBRACK)
			x = &ast.Subscript{X: x, Lbrack: pos, Index: idx}
		case token.ARROW:
			pos := p.tok.Pos
			p.next()
			p.enter()
			n++
			if p.tok.Kind == token.STAR {
				// Only a select item may be x->*; the analyzer checks.
				p.next()
				x = &ast.DerefAll{X: x, Arrow: pos}
				continue
			}
			x = &ast.Deref{X: x, Arrow: pos, Field: p.ident("field name")}
		case token.AT:
			p.unsupported(p.tok.Pos, "AT TIME ZONE")
		default:
			return x
		}
	}
}

// constructor parses ARRAY[...], MAP(k := v, ...) and STRUCT(f := v, ...).
func (p *parser) constructor() ast.Expr {
	pos := p.tok.Pos
	kind := p.tok.Kind
	p.next()
	p.enter()
	defer func() { p.depth-- }()
	switch kind {
	case token.ARRAY:
		p.expect(token.LBRACK)
		a := &ast.ArrayCons{ArrayPos: pos}
		if p.tok.Kind != token.RBRACK {
			for {
				a.Elems = append(a.Elems, p.expr())
				if !p.got(token.COMMA) {
					break
				}
			}
		}
		p.expect(token.RBRACK)
		return a
	case token.MAP:
		p.expect(token.LPAREN)
		m := &ast.MapCons{MapPos: pos}
		if p.tok.Kind != token.RPAREN {
			for {
				m.Keys = append(m.Keys, p.expr())
				p.expect(token.ASSIGN)
				m.Values = append(m.Values, p.expr())
				if !p.got(token.COMMA) {
					break
				}
			}
		}
		p.expect(token.RPAREN)
		return m
	}
	p.expect(token.LPAREN)
	s := &ast.StructCons{StructPos: pos}
	if p.tok.Kind != token.RPAREN {
		for {
			s.Names = append(s.Names, p.ident("field name"))
			p.expect(token.ASSIGN)
			s.Values = append(s.Values, p.expr())
			if !p.got(token.COMMA) {
				break
			}
		}
	}
	p.expect(token.RPAREN)
	return s
}

func (p *parser) primary() ast.Expr {
	switch p.tok.Kind {
	case token.NULL, token.TRUE, token.FALSE, token.STRING:
		return p.simpleLiteral()
	case token.INTEGER, token.DECIMAL, token.FLOAT:
		return p.number()
	case token.VARIABLE:
		p.unsupported(p.tok.Pos, "variable substitution ${"+p.tok.Lit+"}")
	case token.CASE:
		return p.caseExpr()
	case token.CAST:
		return p.cast()
	case token.LPAREN:
		pos := p.tok.Pos
		p.next()
		x := &ast.Paren{Lparen: pos, X: p.expr()}
		if p.tok.Kind != token.RPAREN {
			p.expected("')'")
		}
		p.next()
		return x
	case token.ARRAY:
		if p.peek(1) == token.LBRACK {
			return p.constructor()
		}
	case token.MAP, token.STRUCT:
		if p.peek(1) == token.LPAREN {
			return p.constructor()
		}
	}
	if !p.isIdent() {
		p.expected("expression")
	}
	switch p.peek(1) {
	case token.STRING:
		if p.tok.Kind != token.QIDENT {
			p.unsupported(p.tok.Pos, "typed literal "+p.tok.Lit+" '...'")
		}
	case token.LAMBDA:
		p.unsupported(p.tok.Pos, "lambda functions")
	}
	name := p.ident("column name")
	switch p.tok.Kind {
	case token.LPAREN:
		return p.call(name)
	case token.DOT:
		p.next()
		return &ast.ColumnRef{Qualifier: name, Name: p.ident("column name")}
	}
	return &ast.ColumnRef{Name: name}
}

// call parses the arguments of a function call: (*), (DISTINCT x) or a
// list of expressions.
func (p *parser) call(name *ast.Ident) ast.Expr {
	c := &ast.Call{Name: name}
	p.expect(token.LPAREN)
	switch {
	case p.tok.Kind == token.STAR:
		p.next()
		c.Star = true
	case p.tok.Kind != token.RPAREN:
		c.Distinct = p.got(token.DISTINCT)
		for {
			c.Args = append(c.Args, p.argument())
			if !p.got(token.COMMA) {
				break
			}
		}
	}
	if p.tok.Kind != token.RPAREN {
		p.expected("',' or ')'")
	}
	c.Rparen = p.tok.Pos
	p.next()
	return c
}

// argument parses one function argument, rejecting the lambdas and time
// unit arguments that ksqlDB allows there.
func (p *parser) argument() ast.Expr {
	if p.lambdaAhead() {
		p.unsupported(p.tok.Pos, "lambda functions")
	}
	if isTimeUnit(p.tok.Kind) && p.tok.Kind.IsReserved() {
		switch p.peek(1) {
		case token.COMMA, token.RPAREN:
			p.unsupported(p.tok.Pos, "time unit "+p.tok.Lit+" as a function argument")
		}
	}
	return p.expr()
}

// lambdaAhead reports whether a lambda x => ... or (x, y) => ... starts at
// the current token.
func (p *parser) lambdaAhead() bool {
	if p.tok.Kind != token.LPAREN {
		return p.peek(1) == token.LAMBDA
	}
	for i := p.i + 1; i+1 < len(p.toks); i += 2 {
		k := p.toks[i].Kind
		if k != token.IDENT && k != token.QIDENT && !(k.IsKeyword() && !k.IsReserved()) {
			return false
		}
		switch p.toks[i+1].Kind {
		case token.COMMA:
			continue
		case token.RPAREN:
			return i+2 < len(p.toks) && p.toks[i+2].Kind == token.LAMBDA
		}
		return false
	}
	return false
}

// caseExpr parses CASE [operand] WHEN c THEN r ... [ELSE e] END.
func (p *parser) caseExpr() ast.Expr {
	c := &ast.Case{CasePos: p.expect(token.CASE)}
	p.enter()
	switch p.tok.Kind {
	case token.WHEN:
	case token.ELSE, token.END, token.THEN:
		p.expected("WHEN")
	default:
		c.Operand = p.valueExpr()
	}
	if p.tok.Kind != token.WHEN {
		p.expected("WHEN")
	}
	for p.tok.Kind == token.WHEN {
		w := &ast.When{WhenPos: p.tok.Pos}
		p.next()
		w.Cond = p.expr()
		p.expect(token.THEN)
		w.Result = p.expr()
		c.Whens = append(c.Whens, w)
	}
	if p.got(token.ELSE) {
		c.Else = p.expr()
	}
	if p.tok.Kind != token.END {
		if c.Else == nil {
			p.expected("WHEN, ELSE or END")
		}
		p.expected("END")
	}
	p.next()
	p.depth--
	return c
}

// cast parses CAST(x AS type).
func (p *parser) cast() ast.Expr {
	c := &ast.Cast{CastPos: p.expect(token.CAST)}
	p.expect(token.LPAREN)
	c.X = p.expr()
	p.expect(token.AS)
	c.Type = p.typeExpr()
	p.expect(token.RPAREN)
	return c
}

// typeExpr parses a SQL type: a name with optional numeric parameters,
// DECIMAL(p, s), ARRAY<T>, MAP<K, V>, STRUCT<name T, ...>, or the older
// postfix form T ARRAY.
func (p *parser) typeExpr() *ast.TypeExpr {
	p.enter()
	t := &ast.TypeExpr{TypePos: p.tok.Pos}
	switch p.tok.Kind {
	case token.ARRAY:
		p.next()
		t.Name = "ARRAY"
		p.expect(token.LT)
		t.Args = []*ast.TypeExpr{p.typeExpr()}
		p.expect(token.GT)
	case token.MAP:
		p.next()
		t.Name = "MAP"
		p.expect(token.LT)
		k := p.typeExpr()
		p.expect(token.COMMA)
		t.Args = []*ast.TypeExpr{k, p.typeExpr()}
		p.expect(token.GT)
	case token.STRUCT:
		p.next()
		t.Name = "STRUCT"
		p.expect(token.LT)
		t.Fields = []*ast.ColumnDef{}
		if p.tok.Kind != token.GT {
			for {
				f := &ast.ColumnDef{Name: p.ident("field name")}
				f.Type = p.typeExpr()
				t.Fields = append(t.Fields, f)
				if !p.got(token.COMMA) {
					break
				}
			}
		}
		if p.tok.Kind != token.GT {
			p.expected("',' or '>'")
		}
		p.next()
	case token.DECIMALKW:
		p.next()
		t.Name = "DECIMAL"
		p.expect(token.LPAREN)
		t.Params = []int{p.typeParam()}
		p.expect(token.COMMA)
		t.Params = append(t.Params, p.typeParam())
		p.expect(token.RPAREN)
	default:
		if !p.isIdent() {
			p.expected("type name")
		}
		t.Name = p.tok.Lit
		if p.tok.Kind == token.QIDENT {
			t.Name = upperASCII(t.Name)
		}
		p.next()
		if p.got(token.LPAREN) {
			t.Params = []int{}
			for {
				t.Params = append(t.Params, p.typeParam())
				if !p.got(token.COMMA) {
					break
				}
			}
			if p.tok.Kind != token.RPAREN {
				p.expected("',' or ')'")
			}
			p.next()
		}
	}
	for p.tok.Kind == token.ARRAY {
		p.next()
		p.enter()
		t = &ast.TypeExpr{TypePos: t.TypePos, Name: "ARRAY", Args: []*ast.TypeExpr{t}}
	}
	p.depth--
	return t
}

// typeParam parses one numeric type parameter, such as the 10 of
// DECIMAL(10, 2).
func (p *parser) typeParam() int {
	switch p.tok.Kind {
	case token.INTEGER:
	case token.STRINGKW:
		p.unsupported(p.tok.Pos, "STRING as a type parameter")
	default:
		p.expected("integer type parameter")
	}
	n, err := strconv.Atoi(p.tok.Lit)
	if err != nil || n > 1<<31-1 {
		p.errorAt(p.tok.Pos, "type parameter out of range: "+p.tok.Lit)
	}
	p.next()
	return n
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
