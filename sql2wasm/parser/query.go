package parser

import (
	"strconv"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// query parses SELECT ... FROM ... and its clauses, which ksqlDB requires in
// this order: WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING, EMIT, LIMIT.
func (p *parser) query() *ast.Select {
	s := &ast.Select{SelectPos: p.expect(token.SELECT)}
	for {
		s.Items = append(s.Items, p.selectItem())
		if !p.got(token.COMMA) {
			break
		}
	}
	if p.tok.Kind != token.FROM {
		p.expected("',' or FROM")
	}
	p.next()
	s.From = p.relation()
	if p.tok.Kind == token.WINDOW {
		s.Window = p.window()
	}
	if p.got(token.WHERE) {
		s.Where = p.expr()
	}
	if p.tok.Kind == token.GROUP {
		p.next()
		p.expect(token.BY)
		s.GroupBy = p.groupingList()
	}
	if p.tok.Kind == token.PARTITION && p.peek(1) == token.BY {
		p.next()
		p.next()
		s.PartitionBy = p.groupingList()
	}
	if p.got(token.HAVING) {
		s.Having = p.expr()
	}
	if p.tok.Kind == token.EMIT {
		s.EmitPos = p.tok.Pos
		p.next()
		switch p.tok.Kind {
		case token.CHANGES:
			s.Emit = ast.EmitChanges
		case token.FINAL:
			s.Emit = ast.EmitFinal
		default:
			p.expected("CHANGES or FINAL")
		}
		p.next()
	}
	if p.tok.Kind == token.LIMIT {
		p.next()
		if p.tok.Kind != token.INTEGER {
			p.expected("a row count")
		}
		s.Limit = p.number()
	}
	return s
}

// selectItem parses *, alias.*, or expr [[AS] alias].
func (p *parser) selectItem() *ast.SelectItem {
	if p.tok.Kind == token.STAR {
		item := &ast.SelectItem{StarPos: p.tok.Pos}
		p.next()
		return item
	}
	if p.isIdent() && p.peek(1) == token.DOT && p.peek(2) == token.STAR {
		q := p.ident("source name")
		p.next()
		item := &ast.SelectItem{StarPos: p.tok.Pos, Qualifier: q}
		p.next()
		return item
	}
	item := &ast.SelectItem{Expr: p.expr()}
	if p.got(token.AS) {
		item.Alias = p.ident("column alias")
	} else if p.isIdent() {
		item.Alias = p.ident("column alias")
	}
	return item
}

// clauseAhead reports whether the current non-reserved keyword starts a
// clause (EMIT CHANGES, PARTITION BY) rather than being an alias: ksqlDB's
// grammar decides this by looking ahead, and so do we.
func (p *parser) clauseAhead() bool {
	switch p.tok.Kind {
	case token.EMIT:
		k := p.peek(1)
		return k == token.CHANGES || k == token.FINAL
	case token.PARTITION:
		return p.peek(1) == token.BY
	}
	return false
}

// relation parses the FROM clause: a source, then any number of joins.
func (p *parser) relation() ast.Relation {
	var rel ast.Relation = p.aliasedSource()
	for {
		pos := p.tok.Pos
		var kind ast.JoinKind
		switch p.tok.Kind {
		case token.JOIN:
			kind = ast.JoinInner
		case token.INNER:
			kind = ast.JoinInner
			p.next()
		case token.LEFT:
			kind = ast.JoinLeft
			p.next()
			p.got(token.OUTER)
		case token.RIGHT:
			kind = ast.JoinRight
			p.next()
			p.got(token.OUTER)
		case token.FULL:
			kind = ast.JoinFull
			p.next()
			p.got(token.OUTER)
		default:
			return rel
		}
		p.expect(token.JOIN)
		j := &ast.Join{JoinPos: pos, Kind: kind, Left: rel, Right: p.aliasedSource()}
		if p.tok.Kind == token.WITHIN {
			j.Within = p.within()
		}
		if p.tok.Kind != token.ON {
			if j.Within == nil {
				p.expected("WITHIN or ON")
			}
			p.expected("ON")
		}
		p.next()
		j.On = p.expr()
		rel = j
	}
}

// aliasedSource parses name [[AS] alias].
func (p *parser) aliasedSource() *ast.SourceRef {
	if p.tok.Kind == token.LPAREN {
		p.errorAt(p.tok.Pos, "expected stream or table name but found '(' (ksqlDB has no subqueries)")
	}
	ref := &ast.SourceRef{Name: p.ident("stream or table name")}
	if p.got(token.AS) {
		ref.Alias = p.ident("source alias")
	} else if p.isIdent() && !p.clauseAhead() {
		ref.Alias = p.ident("source alias")
	}
	return ref
}

// within parses WITHIN d | WITHIN (before, after), then [GRACE PERIOD d].
func (p *parser) within() *ast.Within {
	w := &ast.Within{WithinPos: p.expect(token.WITHIN)}
	if p.got(token.LPAREN) {
		w.Before = p.duration()
		p.expect(token.COMMA)
		w.After = p.duration()
		p.expect(token.RPAREN)
	} else {
		w.Before = p.duration()
		w.After = w.Before
	}
	if p.tok.Kind == token.GRACE {
		w.Grace = p.grace()
	}
	return w
}

// grace parses GRACE PERIOD d.
func (p *parser) grace() *ast.Duration {
	p.expect(token.GRACE)
	p.expect(token.PERIOD)
	return p.duration()
}

// window parses WINDOW [name] TUMBLING|HOPPING|SESSION (...).
func (p *parser) window() *ast.Window {
	w := &ast.Window{WindowPos: p.expect(token.WINDOW)}
	if p.tok.Kind == token.IDENT {
		switch p.peek(1) {
		case token.TUMBLING, token.HOPPING, token.SESSION:
			w.Name = p.ident("window name")
		}
	}
	switch p.tok.Kind {
	case token.TUMBLING:
		w.Kind = ast.WindowTumbling
		p.next()
		p.expect(token.LPAREN)
		p.expect(token.SIZE)
		w.Size = p.duration()
	case token.HOPPING:
		w.Kind = ast.WindowHopping
		p.next()
		p.expect(token.LPAREN)
		p.expect(token.SIZE)
		w.Size = p.duration()
		p.expect(token.COMMA)
		p.expect(token.ADVANCE)
		p.expect(token.BY)
		w.Advance = p.duration()
	case token.SESSION:
		w.Kind = ast.WindowSession
		p.next()
		p.expect(token.LPAREN)
		w.Size = p.duration()
	default:
		p.expected("TUMBLING, HOPPING or SESSION")
	}
	if p.tok.Kind == token.COMMA && p.peek(1) == token.RETENTION {
		p.next()
		p.next()
		w.Retention = p.duration()
	}
	if p.tok.Kind == token.COMMA && p.peek(1) == token.GRACE {
		p.next()
		w.Grace = p.grace()
	}
	if p.tok.Kind == token.COMMA {
		p.next()
		switch {
		case w.Retention == nil && w.Grace == nil:
			p.expected("RETENTION or GRACE PERIOD")
		case w.Grace == nil:
			p.expected("GRACE PERIOD")
		}
		p.expected("')'")
	}
	p.expect(token.RPAREN)
	return w
}

// duration parses <integer> <unit>, such as 10 SECONDS.
func (p *parser) duration() *ast.Duration {
	d := &ast.Duration{ValuePos: p.tok.Pos}
	if p.tok.Kind != token.INTEGER {
		p.expected("a duration such as 10 SECONDS")
	}
	v, err := strconv.ParseInt(p.tok.Lit, 10, 64)
	if err != nil {
		p.errorAt(p.tok.Pos, "duration out of range: "+p.tok.Lit)
	}
	d.Value = v
	p.next()
	if !isTimeUnit(p.tok.Kind) {
		p.expected("a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS)")
	}
	d.Unit = p.tok.Lit
	p.next()
	return d
}

// isTimeUnit reports whether k is one of ksqlDB's window units.
func isTimeUnit(k token.Kind) bool {
	switch k {
	case token.MILLISECOND, token.MILLISECONDS, token.SECOND, token.SECONDS,
		token.MINUTE, token.MINUTES, token.HOUR, token.HOURS, token.DAY, token.DAYS:
		return true
	}
	return false
}

// groupingList parses the expressions of GROUP BY and PARTITION BY: a list
// a, b or a parenthesized list (a, b), which may be empty. A single
// parenthesized expression (a) is an expression, as in ksqlDB's grammar.
func (p *parser) groupingList() []ast.Expr {
	if p.tok.Kind == token.LPAREN && p.parenList() {
		p.next()
		list := []ast.Expr{}
		if p.got(token.RPAREN) {
			return list
		}
		for {
			list = append(list, p.valueExpr())
			if !p.got(token.COMMA) {
				break
			}
		}
		if p.tok.Kind != token.RPAREN {
			p.expected("',' or ')'")
		}
		p.next()
		return list
	}
	var list []ast.Expr
	for {
		list = append(list, p.valueExpr())
		if !p.got(token.COMMA) {
			return list
		}
	}
}

// parenList reports whether the '(' at the current token opens a list: it
// is closed at once, or holds a ',' outside any nested parentheses.
func (p *parser) parenList() bool {
	depth := 0
	for i := p.i; i < len(p.toks); i++ {
		switch p.toks[i].Kind {
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACK:
			depth--
			if depth == 0 {
				return i == p.i+1
			}
		case token.COMMA:
			if depth == 1 {
				return true
			}
		case token.SEMICOLON, token.EOF:
			return false
		}
	}
	return false
}
