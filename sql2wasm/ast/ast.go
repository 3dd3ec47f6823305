// Package ast declares the syntax tree of the ksqlDB SQL dialect as the parser
// produces it.
//
// The tree records what was written and where (every node has a compact
// token.Pos); it knows nothing of types, the catalog or code generation. Later
// passes keep their results in side tables keyed by node.
package ast

import "github.com/wasmstream/wasmstream/sql2wasm/token"

// Node is any node of the tree.
type Node interface {
	// Pos is the position of the node's first character.
	Pos() token.Pos
}

// Statement is one statement of a script.
type Statement interface {
	Node
	stmtNode()
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Ident is an identifier. Name is upper-cased unless the identifier was
// quoted with backticks (or double quotes), in which case it is kept as written.
type Ident struct {
	NamePos token.Pos
	Name    string
	Quoted  bool
}

// Pos implements Node.
func (x *Ident) Pos() token.Pos { return x.NamePos }

// SourceKind distinguishes STREAM and TABLE in statements.
type SourceKind int

// Source kinds.
const (
	KindStream SourceKind = iota + 1
	KindTable
)

// String returns STREAM or TABLE.
func (k SourceKind) String() string {
	if k == KindTable {
		return "TABLE"
	}
	return "STREAM"
}

// TypeExpr is a written SQL type. Name is upper-cased (e.g. INT, VARCHAR,
// DECIMAL, ARRAY, MAP, STRUCT). Args holds type parameters (element types of
// ARRAY/MAP), Params numeric parameters (DECIMAL(p, s)), Fields the fields of
// a STRUCT. The parser accepts every type ksqlDB has; the analyzer decides
// which are supported.
type TypeExpr struct {
	TypePos token.Pos
	Name    string
	Args    []*TypeExpr
	Params  []int
	Fields  []*ColumnDef
}

// Pos implements Node.
func (x *TypeExpr) Pos() token.Pos { return x.TypePos }

// ColumnDef is one element of a CREATE STREAM/TABLE column list (or a STRUCT
// field).
type ColumnDef struct {
	Name       *Ident
	Type       *TypeExpr
	Key        bool // KEY
	PrimaryKey bool // PRIMARY KEY
	Headers    bool // HEADERS or HEADER('key'): not supported yet, but parsed
	// HeaderKey is the key of HEADER('key'); nil for HEADERS and for columns
	// that are not headers.
	HeaderKey *Literal
}

// Pos implements Node.
func (x *ColumnDef) Pos() token.Pos { return x.Name.Pos() }

// Property is one entry of a WITH (...) clause. Name is upper-cased.
type Property struct {
	NamePos token.Pos
	Name    string
	Value   *Literal
}

// Pos implements Node.
func (x *Property) Pos() token.Pos { return x.NamePos }

// CreateSource is CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name
// (columns) WITH (properties).
type CreateSource struct {
	CreatePos   token.Pos
	Kind        SourceKind
	OrReplace   bool
	IfNotExists bool
	Source      bool // CREATE SOURCE STREAM/TABLE (read-only)
	Name        *Ident
	Columns     []*ColumnDef
	Props       []*Property
}

// CreateAsSelect is CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name
// [WITH (properties)] AS SELECT ...
type CreateAsSelect struct {
	CreatePos   token.Pos
	Kind        SourceKind
	OrReplace   bool
	IfNotExists bool
	Name        *Ident
	Props       []*Property
	Query       *Select
}

// InsertInto is INSERT INTO target [WITH (properties)] SELECT ...
type InsertInto struct {
	InsertPos token.Pos
	Target    *Ident
	Props     []*Property
	Query     *Select
}

// InsertValues is INSERT INTO target [(columns)] VALUES (values).
type InsertValues struct {
	InsertPos token.Pos
	Target    *Ident
	Columns   []*Ident // nil when no column list was written
	Values    []Expr
}

// DropSource is DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC].
type DropSource struct {
	DropPos     token.Pos
	Kind        SourceKind
	IfExists    bool
	Name        *Ident
	DeleteTopic bool
}

// QueryStatement is a transient SELECT (a push or pull query).
type QueryStatement struct {
	Query *Select
}

// SetProperty is SET 'name' = 'value'.
type SetProperty struct {
	SetPos token.Pos
	Name   string
	Value  string
}

// UnsetProperty is UNSET 'name'.
type UnsetProperty struct {
	UnsetPos token.Pos
	Name     string
}

// Show is SHOW|LIST <what>, e.g. SHOW PROPERTIES, SHOW STREAMS, SHOW QUERIES.
// What is the upper-cased word(s) after SHOW.
type Show struct {
	ShowPos token.Pos
	What    string
}

// Describe is DESCRIBE [EXTENDED] name.
type Describe struct {
	DescribePos token.Pos
	Name        *Ident
	Extended    bool
}

// TerminateQuery is TERMINATE query_id | ALL.
type TerminateQuery struct {
	TerminatePos token.Pos
	ID           string // upper-cased; "ALL" for TERMINATE ALL
}

// Pos implements Node.
func (x *CreateSource) Pos() token.Pos { return x.CreatePos }

// Pos implements Node.
func (x *CreateAsSelect) Pos() token.Pos { return x.CreatePos }

// Pos implements Node.
func (x *InsertInto) Pos() token.Pos { return x.InsertPos }

// Pos implements Node.
func (x *InsertValues) Pos() token.Pos { return x.InsertPos }

// Pos implements Node.
func (x *DropSource) Pos() token.Pos { return x.DropPos }

// Pos implements Node.
func (x *QueryStatement) Pos() token.Pos { return x.Query.Pos() }

// Pos implements Node.
func (x *SetProperty) Pos() token.Pos { return x.SetPos }

// Pos implements Node.
func (x *UnsetProperty) Pos() token.Pos { return x.UnsetPos }

// Pos implements Node.
func (x *Show) Pos() token.Pos { return x.ShowPos }

// Pos implements Node.
func (x *Describe) Pos() token.Pos { return x.DescribePos }

// Pos implements Node.
func (x *TerminateQuery) Pos() token.Pos { return x.TerminatePos }

func (*CreateSource) stmtNode()   {}
func (*CreateAsSelect) stmtNode() {}
func (*InsertInto) stmtNode()     {}
func (*InsertValues) stmtNode()   {}
func (*DropSource) stmtNode()     {}
func (*QueryStatement) stmtNode() {}
func (*SetProperty) stmtNode()    {}
func (*UnsetProperty) stmtNode()  {}
func (*Show) stmtNode()           {}
func (*Describe) stmtNode()       {}
func (*TerminateQuery) stmtNode() {}
