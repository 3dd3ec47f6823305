package ast

import "github.com/wasmstream/wasmstream/sql2wasm/token"

// LiteralKind is the lexical kind of a literal.
type LiteralKind int

// Literal kinds. An integer literal's SQL type (INT or BIGINT) and a decimal
// literal's (DECIMAL or DOUBLE) are decided by the analyzer from Value.
const (
	LitNull LiteralKind = iota + 1
	LitBool
	LitInteger // digits only: 42
	LitDecimal // with a point: 4.2
	LitFloat   // with an exponent: 4.2E1
	LitString  // 'text' with quotes removed and '' unescaped
)

// String returns the kind's name, such as "integer".
func (k LiteralKind) String() string {
	switch k {
	case LitNull:
		return "null"
	case LitBool:
		return "boolean"
	case LitInteger:
		return "integer"
	case LitDecimal:
		return "decimal"
	case LitFloat:
		return "float"
	case LitString:
		return "string"
	}
	return "?"
}

// Literal is a constant as written. Value holds the text: the digits of a
// number, TRUE/FALSE, or the string's content. A minus sign written directly
// before a number is part of the number's literal (Value "-1"), as in
// ksqlDB's grammar, so that -2147483648 can be an INT.
type Literal struct {
	ValuePos token.Pos
	Kind     LiteralKind
	Value    string
}

// ColumnRef names a column, optionally qualified by a source name or alias.
type ColumnRef struct {
	Qualifier *Ident
	Name      *Ident
}

// BinaryOp is a binary operator.
type BinaryOp int

// Binary operators, in no particular order. Precedence is the parser's
// business; the tree is explicit.
const (
	OpAdd BinaryOp = iota + 1
	OpSub
	OpMul
	OpDiv
	OpMod
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAnd
	OpOr
	OpConcat // ||
	// OpIsDistinct is X IS DISTINCT FROM Y: <> with NULL a value like any other.
	OpIsDistinct
	// OpIsNotDistinct is X IS NOT DISTINCT FROM Y: = with NULL equal to NULL.
	OpIsNotDistinct
)

// String returns the operator as written in SQL.
func (op BinaryOp) String() string {
	switch op {
	case OpAdd:
		return "+"
	case OpSub:
		return "-"
	case OpMul:
		return "*"
	case OpDiv:
		return "/"
	case OpMod:
		return "%"
	case OpEq:
		return "="
	case OpNe:
		return "<>"
	case OpLt:
		return "<"
	case OpLe:
		return "<="
	case OpGt:
		return ">"
	case OpGe:
		return ">="
	case OpAnd:
		return "AND"
	case OpOr:
		return "OR"
	case OpConcat:
		return "||"
	case OpIsDistinct:
		return "IS DISTINCT FROM"
	case OpIsNotDistinct:
		return "IS NOT DISTINCT FROM"
	}
	return "?"
}

// Binary is X op Y.
type Binary struct {
	OpPos token.Pos
	Op    BinaryOp
	X, Y  Expr
}

// UnaryOp is a prefix operator.
type UnaryOp int

// Unary operators.
const (
	OpNeg UnaryOp = iota + 1
	OpPlus
	OpNot
)

// String returns the operator as written in SQL.
func (op UnaryOp) String() string {
	switch op {
	case OpNeg:
		return "-"
	case OpPlus:
		return "+"
	case OpNot:
		return "NOT"
	}
	return "?"
}

// Unary is op X.
type Unary struct {
	OpPos token.Pos
	Op    UnaryOp
	X     Expr
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// Like is X [NOT] LIKE Pattern [ESCAPE Escape].
type Like struct {
	X       Expr
	Not     bool
	Pattern Expr
	Escape  Expr // nil when absent
}

// Between is X [NOT] BETWEEN Lo AND Hi.
type Between struct {
	X      Expr
	Not    bool
	Lo, Hi Expr
}

// In is X [NOT] IN (List...).
type In struct {
	X    Expr
	Not  bool
	List []Expr
}

// When is one WHEN Cond THEN Result arm of a CASE.
type When struct {
	WhenPos token.Pos
	Cond    Expr
	Result  Expr
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE Else] END. With an Operand it
// is a simple CASE (each Cond is compared to Operand), otherwise searched.
type Case struct {
	CasePos token.Pos
	Operand Expr
	Whens   []*When
	Else    Expr
}

// Cast is CAST(X AS Type).
type Cast struct {
	CastPos token.Pos
	X       Expr
	Type    *TypeExpr
}

// Call is a function call. Star is set for COUNT(*). Name is upper-cased.
type Call struct {
	Name     *Ident
	Args     []Expr
	Star     bool
	Distinct bool
	Rparen   token.Pos
}

// Paren is a parenthesized expression, kept so that printing round-trips.
type Paren struct {
	Lparen token.Pos
	X      Expr
}

// Pos implements Node.
func (x *When) Pos() token.Pos { return x.WhenPos }

// Pos implements Node.
func (x *Literal) Pos() token.Pos { return x.ValuePos }

// Pos implements Node.
func (x *ColumnRef) Pos() token.Pos {
	if x.Qualifier != nil {
		return x.Qualifier.Pos()
	}
	return x.Name.Pos()
}

// Pos implements Node.
func (x *Binary) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *Unary) Pos() token.Pos { return x.OpPos }

// Pos implements Node.
func (x *IsNull) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *Like) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *Between) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *In) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *Case) Pos() token.Pos { return x.CasePos }

// Pos implements Node.
func (x *Cast) Pos() token.Pos { return x.CastPos }

// Pos implements Node.
func (x *Call) Pos() token.Pos { return x.Name.Pos() }

// Pos implements Node.
func (x *Paren) Pos() token.Pos { return x.Lparen }

func (*Literal) exprNode()   {}
func (*ColumnRef) exprNode() {}
func (*Binary) exprNode()    {}
func (*Unary) exprNode()     {}
func (*IsNull) exprNode()    {}
func (*Like) exprNode()      {}
func (*Between) exprNode()   {}
func (*In) exprNode()        {}
func (*Case) exprNode()      {}
func (*Cast) exprNode()      {}
func (*Call) exprNode()      {}
func (*Paren) exprNode()     {}
