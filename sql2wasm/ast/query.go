package ast

import "github.com/wasmstream/wasmstream/sql2wasm/token"

// Select is a SELECT query.
type Select struct {
	SelectPos   token.Pos
	Items       []*SelectItem
	From        Relation
	Window      *Window
	Where       Expr
	GroupBy     []Expr
	PartitionBy []Expr
	Having      Expr
	Emit        EmitKind
	EmitPos     token.Pos
	Limit       *Literal
}

// Pos implements Node.
func (x *Select) Pos() token.Pos { return x.SelectPos }

// EmitKind is the EMIT clause of a query.
type EmitKind int

// Emit kinds.
const (
	EmitNone EmitKind = iota
	EmitChanges
	EmitFinal
)

// String returns CHANGES, FINAL or "" for no EMIT clause.
func (k EmitKind) String() string {
	switch k {
	case EmitChanges:
		return "CHANGES"
	case EmitFinal:
		return "FINAL"
	}
	return ""
}

// SelectItem is one item of the select list: `*`, `alias.*`, or an expression
// with an optional alias.
type SelectItem struct {
	StarPos   token.Pos // set for * and alias.*
	Qualifier *Ident    // alias in alias.*
	Expr      Expr      // nil for a star
	Alias     *Ident    // AS alias, or nil
}

// Pos implements Node.
func (x *SelectItem) Pos() token.Pos {
	if x.Expr == nil {
		if x.Qualifier != nil {
			return x.Qualifier.Pos()
		}
		return x.StarPos
	}
	return x.Expr.Pos()
}

// Relation is what a FROM clause reads: a named source or a join.
type Relation interface {
	Node
	relationNode()
}

// SourceRef is a named stream or table in FROM, with an optional alias.
type SourceRef struct {
	Name  *Ident
	Alias *Ident
}

// Pos implements Node.
func (x *SourceRef) Pos() token.Pos { return x.Name.Pos() }

// JoinKind is the kind of a join.
type JoinKind int

// Join kinds.
const (
	JoinInner JoinKind = iota + 1
	JoinLeft
	JoinRight
	JoinFull
)

// String returns the SQL keyword(s) of the join kind.
func (k JoinKind) String() string {
	switch k {
	case JoinLeft:
		return "LEFT JOIN"
	case JoinRight:
		return "RIGHT JOIN"
	case JoinFull:
		return "FULL OUTER JOIN"
	}
	return "INNER JOIN"
}

// Join is `left [INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]] JOIN right
// [WITHIN ...] ON cond`. Joins chain to the left: a JOIN b JOIN c is
// Join{Left: Join{a, b}, Right: c}.
type Join struct {
	JoinPos token.Pos
	Kind    JoinKind
	Left    Relation
	Right   *SourceRef
	Within  *Within
	On      Expr
}

// Pos implements Node.
func (x *Join) Pos() token.Pos { return x.Left.Pos() }

func (*SourceRef) relationNode() {}
func (*Join) relationNode()      {}

// Duration is a written time span such as `5 SECONDS`. Unit is upper-cased
// and singular or plural as written (MILLISECOND(S), SECOND(S), MINUTE(S),
// HOUR(S), DAY(S)).
type Duration struct {
	ValuePos token.Pos
	Value    int64
	Unit     string
}

// Pos implements Node.
func (x *Duration) Pos() token.Pos { return x.ValuePos }

// Within is the WITHIN clause of a stream-stream join: `WITHIN d` (Before ==
// After) or `WITHIN (before, after)`, optionally with GRACE PERIOD.
type Within struct {
	WithinPos token.Pos
	Before    *Duration
	After     *Duration
	Grace     *Duration
}

// Pos implements Node.
func (x *Within) Pos() token.Pos { return x.WithinPos }

// WindowKind is the kind of a WINDOW clause.
type WindowKind int

// Window kinds.
const (
	WindowTumbling WindowKind = iota + 1
	WindowHopping
	WindowSession
)

// String returns TUMBLING, HOPPING or SESSION.
func (k WindowKind) String() string {
	switch k {
	case WindowTumbling:
		return "TUMBLING"
	case WindowHopping:
		return "HOPPING"
	case WindowSession:
		return "SESSION"
	}
	return "?"
}

// Window is the WINDOW clause: TUMBLING (SIZE d [, RETENTION d] [, GRACE
// PERIOD d]), HOPPING (SIZE d, ADVANCE BY d, ...), SESSION (d, ...).
type Window struct {
	WindowPos token.Pos
	// Name is the optional name ksqlDB allows between WINDOW and the kind
	// (WINDOW w TUMBLING (...)); it has no meaning and is kept for printing.
	Name      *Ident
	Kind      WindowKind
	Size      *Duration // the gap for SESSION
	Advance   *Duration // HOPPING only
	Retention *Duration
	Grace     *Duration
}

// Pos implements Node.
func (x *Window) Pos() token.Pos { return x.WindowPos }
