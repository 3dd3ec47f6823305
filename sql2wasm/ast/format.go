package ast

import (
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Format prints a node back as SQL text, on one line, with keywords in upper
// case and no trailing ';'. For a tree the parser produced, parsing the
// printed text gives the same tree again (positions aside): the printer adds
// parentheses only where the tree needs them to keep its shape, which a
// parsed tree never does, because the parser keeps the parentheses it read
// as Paren nodes.
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.b.String()
}

// FormatScript prints statements separated by ";\n", with a final ';'.
func FormatScript(stmts []Statement) string {
	var p printer
	for _, s := range stmts {
		p.node(s)
		p.b.WriteString(";\n")
	}
	return p.b.String()
}

// Precedence levels of expressions, from loosest to tightest, as the parser
// reads them.
const (
	precOr = iota + 1
	precAnd
	precNot
	precPredicate // comparisons, IS NULL, LIKE, BETWEEN, IN
	precConcat
	precAdd
	precMul
	precUnary
	precPrimary
)

func binaryPrec(op BinaryOp) int {
	switch op {
	case OpOr:
		return precOr
	case OpAnd:
		return precAnd
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpIsDistinct, OpIsNotDistinct:
		return precPredicate
	case OpConcat:
		return precConcat
	case OpAdd, OpSub:
		return precAdd
	}
	return precMul
}

func exprPrec(x Expr) int {
	switch x := x.(type) {
	case *Binary:
		return binaryPrec(x.Op)
	case *Unary:
		if x.Op == OpNot {
			return precNot
		}
		return precUnary
	case *IsNull, *Like, *Between, *In:
		return precPredicate
	}
	return precPrimary
}

type printer struct {
	b strings.Builder
}

func (p *printer) str(s string) { p.b.WriteString(s) }

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case nil:
	case Expr:
		p.expr(n, 0)
	case Statement:
		p.stmt(n)
	case *Ident:
		p.ident(n)
	case *TypeExpr:
		p.typ(n)
	case *ColumnDef:
		p.columnDef(n)
	case *Property:
		p.property(n)
	case *Select:
		p.query(n)
	case *SelectItem:
		p.selectItem(n)
	case Relation:
		p.relation(n)
	case *Duration:
		p.duration(n)
	case *Within:
		p.within(n)
	case *Window:
		p.window(n)
	case *When:
		p.str("WHEN ")
		p.expr(n.Cond, 0)
		p.str(" THEN ")
		p.expr(n.Result, 0)
	}
}

// plainName reports whether s can be printed as an unquoted identifier that
// reads back as s: upper case letters, digits, '_' and '@' as the scanner
// reads them, and not a reserved word.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	digits := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z' || c == '_':
			digits = false
		case '0' <= c && c <= '9':
		case c == '@' && i > 0:
			digits = false
		default:
			return false
		}
	}
	if digits {
		return false
	}
	if '0' <= s[0] && s[0] <= '9' {
		// A digit identifier such as 1ST must not read back as a number
		// (1E5 is a number).
		rest := strings.TrimLeft(s, "0123456789")
		if len(rest) > 1 && rest[0] == 'E' && strings.Trim(rest[1:], "0123456789") == "" {
			return false
		}
	}
	return !token.Lookup(s).IsReserved()
}

// quote returns s between q characters, with q doubled inside.
func quote(s string, q byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if s[i] == q {
			b.WriteByte(q)
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(q)
	return b.String()
}

func (p *printer) name(s string, quoted bool) {
	if !quoted && plainName(s) {
		p.str(s)
		return
	}
	p.str(quote(s, '`'))
}

func (p *printer) ident(id *Ident) {
	if id == nil {
		return
	}
	p.name(id.Name, id.Quoted)
}

func (p *printer) literal(x *Literal) {
	switch x.Kind {
	case LitString:
		p.str(quote(x.Value, '\''))
	case LitNull:
		p.str("NULL")
	case LitBool:
		p.str(strings.ToUpper(x.Value))
	default:
		p.str(x.Value)
	}
}

// expr prints x, in parentheses if it binds more loosely than min.
func (p *printer) expr(x Expr, min int) {
	if x == nil {
		return
	}
	if exprPrec(x) < min {
		p.str("(")
		defer p.str(")")
	}
	if p.complexExpr(x) {
		return
	}
	switch x := x.(type) {
	case *Literal:
		p.literal(x)
	case *ColumnRef:
		if x.Qualifier != nil {
			p.ident(x.Qualifier)
			p.str(".")
		}
		p.ident(x.Name)
	case *Binary:
		prec := binaryPrec(x.Op)
		left, right := prec, prec+1
		if prec == precPredicate {
			left, right = precConcat, precConcat
		}
		p.expr(x.X, left)
		p.str(" " + x.Op.String() + " ")
		p.expr(x.Y, right)
	case *Unary:
		switch x.Op {
		case OpNot:
			p.str("NOT ")
			p.expr(x.X, precNot)
		default:
			var sub printer
			sub.expr(x.X, precUnary)
			s := sub.b.String()
			if x.Op == OpNeg {
				p.str("-")
			} else {
				p.str("+")
			}
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				p.str(" ") // "--" would start a comment
			}
			p.str(s)
		}
	case *IsNull:
		p.expr(x.X, precConcat)
		if x.Not {
			p.str(" IS NOT NULL")
		} else {
			p.str(" IS NULL")
		}
	case *Like:
		p.expr(x.X, precConcat)
		p.not(x.Not)
		p.str(" LIKE ")
		p.expr(x.Pattern, precConcat)
		if x.Escape != nil {
			p.str(" ESCAPE ")
			p.expr(x.Escape, precPrimary)
		}
	case *Between:
		p.expr(x.X, precConcat)
		p.not(x.Not)
		p.str(" BETWEEN ")
		p.expr(x.Lo, precConcat)
		p.str(" AND ")
		p.expr(x.Hi, precConcat)
	case *In:
		p.expr(x.X, precConcat)
		p.not(x.Not)
		p.str(" IN (")
		p.exprs(x.List, 0)
		p.str(")")
	case *Case:
		p.str("CASE")
		if x.Operand != nil {
			p.str(" ")
			p.expr(x.Operand, precConcat)
		}
		for _, w := range x.Whens {
			p.str(" ")
			p.node(w)
		}
		if x.Else != nil {
			p.str(" ELSE ")
			p.expr(x.Else, 0)
		}
		p.str(" END")
	case *Cast:
		p.str("CAST(")
		p.expr(x.X, 0)
		p.str(" AS ")
		p.typ(x.Type)
		p.str(")")
	case *Call:
		p.ident(x.Name)
		p.str("(")
		switch {
		case x.Star:
			p.str("*")
		case x.Distinct:
			p.str("DISTINCT ")
			fallthrough
		default:
			p.exprs(x.Args, 0)
		}
		p.str(")")
	case *Paren:
		p.str("(")
		p.expr(x.X, 0)
		p.str(")")
	}
}

func (p *printer) not(not bool) {
	if not {
		p.str(" NOT")
	}
}

func (p *printer) exprs(list []Expr, min int) {
	for i, x := range list {
		if i > 0 {
			p.str(", ")
		}
		p.expr(x, min)
	}
}

func (p *printer) typ(t *TypeExpr) {
	if t == nil {
		return
	}
	switch {
	case t.Name == "ARRAY" && len(t.Args) == 1:
		p.str("ARRAY<")
		p.typ(t.Args[0])
		p.str(">")
	case t.Name == "MAP" && len(t.Args) == 2:
		p.str("MAP<")
		p.typ(t.Args[0])
		p.str(", ")
		p.typ(t.Args[1])
		p.str(">")
	case t.Name == "STRUCT":
		p.str("STRUCT<")
		for i, f := range t.Fields {
			if i > 0 {
				p.str(", ")
			}
			p.ident(f.Name)
			p.str(" ")
			p.typ(f.Type)
		}
		p.str(">")
	default:
		if t.Name == "DECIMAL" {
			p.str(t.Name)
		} else {
			p.name(t.Name, false)
		}
		if t.Params != nil {
			p.str("(")
			for i, n := range t.Params {
				if i > 0 {
					p.str(", ")
				}
				p.str(strconv.Itoa(n))
			}
			p.str(")")
		}
	}
}

func (p *printer) columnDef(c *ColumnDef) {
	p.ident(c.Name)
	p.str(" ")
	p.typ(c.Type)
	switch {
	case c.PrimaryKey:
		p.str(" PRIMARY KEY")
	case c.Key:
		p.str(" KEY")
	case c.HeaderKey != nil:
		p.str(" HEADER(")
		p.literal(c.HeaderKey)
		p.str(")")
	case c.Headers:
		p.str(" HEADERS")
	}
}

func (p *printer) property(x *Property) {
	if plainName(x.Name) {
		p.str(x.Name)
	} else {
		p.str(quote(x.Name, '\''))
	}
	p.str("=")
	if x.Value != nil {
		p.literal(x.Value)
	}
}

func (p *printer) props(props []*Property) {
	if props == nil {
		return
	}
	p.str(" WITH (")
	for i, x := range props {
		if i > 0 {
			p.str(", ")
		}
		p.property(x)
	}
	p.str(")")
}

func (p *printer) createHead(kind SourceKind, orReplace, source, ifNotExists bool, name *Ident) {
	p.str("CREATE ")
	if orReplace {
		p.str("OR REPLACE ")
	}
	if source {
		p.str("SOURCE ")
	}
	p.str(kind.String())
	p.str(" ")
	if ifNotExists {
		p.str("IF NOT EXISTS ")
	}
	p.ident(name)
}

func (p *printer) stmt(s Statement) {
	switch s := s.(type) {
	case *CreateSource:
		p.createHead(s.Kind, s.OrReplace, s.Source, s.IfNotExists, s.Name)
		if s.Columns != nil {
			p.str(" (")
			for i, c := range s.Columns {
				if i > 0 {
					p.str(", ")
				}
				p.columnDef(c)
			}
			p.str(")")
		}
		p.props(s.Props)
	case *CreateAsSelect:
		p.createHead(s.Kind, s.OrReplace, false, s.IfNotExists, s.Name)
		p.props(s.Props)
		p.str(" AS ")
		p.query(s.Query)
	case *InsertInto:
		p.str("INSERT INTO ")
		p.ident(s.Target)
		p.props(s.Props)
		p.str(" ")
		p.query(s.Query)
	case *InsertValues:
		p.str("INSERT INTO ")
		p.ident(s.Target)
		if s.Columns != nil {
			p.str(" (")
			for i, c := range s.Columns {
				if i > 0 {
					p.str(", ")
				}
				p.ident(c)
			}
			p.str(")")
		}
		p.str(" VALUES (")
		p.exprs(s.Values, precConcat)
		p.str(")")
	case *DropSource:
		p.str("DROP ")
		p.str(s.Kind.String())
		if s.IfExists {
			p.str(" IF EXISTS")
		}
		p.str(" ")
		p.ident(s.Name)
		if s.DeleteTopic {
			p.str(" DELETE TOPIC")
		}
	case *QueryStatement:
		p.query(s.Query)
	case *SetProperty:
		p.str("SET " + quote(s.Name, '\'') + " = " + quote(s.Value, '\''))
	case *UnsetProperty:
		p.str("UNSET " + quote(s.Name, '\''))
	case *Show:
		p.str("SHOW " + s.What)
	case *Describe:
		p.str("DESCRIBE ")
		p.ident(s.Name)
		if s.Extended {
			p.str(" EXTENDED")
		}
	case *TerminateQuery:
		p.str("TERMINATE ")
		if s.ID == "ALL" {
			p.str("ALL")
		} else {
			p.name(s.ID, false)
		}
	}
}

func (p *printer) query(s *Select) {
	if s == nil {
		return
	}
	p.str("SELECT ")
	for i, item := range s.Items {
		if i > 0 {
			p.str(", ")
		}
		p.selectItem(item)
	}
	p.str(" FROM ")
	p.relation(s.From)
	if s.Window != nil {
		p.str(" ")
		p.window(s.Window)
	}
	if s.Where != nil {
		p.str(" WHERE ")
		p.expr(s.Where, 0)
	}
	if s.GroupBy != nil {
		p.str(" GROUP BY ")
		p.grouping(s.GroupBy)
	}
	if s.PartitionBy != nil {
		p.str(" PARTITION BY ")
		p.grouping(s.PartitionBy)
	}
	if s.Having != nil {
		p.str(" HAVING ")
		p.expr(s.Having, 0)
	}
	switch s.Emit {
	case EmitChanges:
		p.str(" EMIT CHANGES")
	case EmitFinal:
		p.str(" EMIT FINAL")
	}
	if s.Limit != nil {
		p.str(" LIMIT ")
		p.literal(s.Limit)
	}
}

// grouping prints the list of GROUP BY or PARTITION BY; an empty list is
// written "()".
func (p *printer) grouping(list []Expr) {
	if len(list) == 0 {
		p.str("()")
		return
	}
	p.exprs(list, precConcat)
}

func (p *printer) selectItem(item *SelectItem) {
	if item.Expr == nil {
		if item.Qualifier != nil {
			p.ident(item.Qualifier)
			p.str(".")
		}
		p.str("*")
		return
	}
	p.expr(item.Expr, 0)
	if item.Alias != nil {
		p.str(" AS ")
		p.ident(item.Alias)
	}
}

func (p *printer) relation(r Relation) {
	switch r := r.(type) {
	case *SourceRef:
		p.ident(r.Name)
		if r.Alias != nil {
			p.str(" AS ")
			p.ident(r.Alias)
		}
	case *Join:
		p.relation(r.Left)
		p.str(" " + r.Kind.String() + " ")
		p.relation(r.Right)
		if r.Within != nil {
			p.str(" ")
			p.within(r.Within)
		}
		p.str(" ON ")
		p.expr(r.On, 0)
	}
}

func (p *printer) duration(d *Duration) {
	if d == nil {
		return
	}
	p.str(strconv.FormatInt(d.Value, 10))
	p.str(" ")
	p.str(d.Unit)
}

func (p *printer) within(w *Within) {
	p.str("WITHIN ")
	if w.Before == w.After {
		p.duration(w.Before)
	} else {
		p.str("(")
		p.duration(w.Before)
		p.str(", ")
		p.duration(w.After)
		p.str(")")
	}
	if w.Grace != nil {
		p.str(" GRACE PERIOD ")
		p.duration(w.Grace)
	}
}

func (p *printer) window(w *Window) {
	p.str("WINDOW ")
	if w.Name != nil {
		p.ident(w.Name)
		p.str(" ")
	}
	switch w.Kind {
	case WindowHopping:
		p.str("HOPPING (SIZE ")
		p.duration(w.Size)
		p.str(", ADVANCE BY ")
		p.duration(w.Advance)
	case WindowSession:
		p.str("SESSION (")
		p.duration(w.Size)
	default:
		p.str("TUMBLING (SIZE ")
		p.duration(w.Size)
	}
	if w.Retention != nil {
		p.str(", RETENTION ")
		p.duration(w.Retention)
	}
	if w.Grace != nil {
		p.str(", GRACE PERIOD ")
		p.duration(w.Grace)
	}
	p.str(")")
}
