package plan

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// ElemKind says which part of a complex value an Element reads.
type ElemKind int

// The kinds of Element.
const (
	ElemField ElemKind = iota + 1 // STRUCT field number Field (0-based)
	ElemIndex                     // ARRAY element at Index (INT, 1-based, negative from the end)
	ElemKey                       // MAP value for the key Index (STRING)
)

// Element reads a part of the complex value X: s->f, a[i], m['k']. It is
// NULL when X is NULL, the part is NULL, or it does not exist (an index out
// of range, a missing key), as in ksqlDB.
type Element struct {
	At    token.Pos
	X     Expr
	Kind  ElemKind
	Field int
	Index Expr
	// D is the type of the part.
	D *sdk.TypeDesc
}

// Type implements Expr.
func (e *Element) Type() sdk.Type { return e.D.Type }

// Pos implements Expr.
func (e *Element) Pos() token.Pos { return e.At }

// Desc implements Described.
func (e *Element) Desc() *sdk.TypeDesc { return e.D }

// Construct builds a complex value: ARRAY[Args...], MAP(Args[0] :=
// Args[1], ...), STRUCT(fields := Args...) in D's field order. Args already
// have the element types of D (the analyzer inserted Convert nodes).
type Construct struct {
	At   token.Pos
	Args []Expr
	D    *sdk.TypeDesc
}

// Type implements Expr.
func (e *Construct) Type() sdk.Type { return e.D.Type }

// Pos implements Expr.
func (e *Construct) Pos() token.Pos { return e.At }

// Desc implements Described.
func (e *Construct) Desc() *sdk.TypeDesc { return e.D }

// ToJSON is TO_JSON_STRING(X): the JSON text of a value of any type (NULL
// for NULL).
type ToJSON struct {
	At token.Pos
	X  Expr
}

// Type implements Expr.
func (e *ToJSON) Type() sdk.Type { return sdk.TypeString }

// Pos implements Expr.
func (e *ToJSON) Pos() token.Pos { return e.At }

// ArrayFn is one of the collection functions of cx_array_fn: Fn is an
// sdk.CxFn* operation over Args (one or two ARRAY or MAP values); the
// result is an ARRAY of type D. It is NULL when an argument is, except
// that CONCAT is NULL only when both are.
type ArrayFn struct {
	At   token.Pos
	Fn   int
	Args []Expr
	D    *sdk.TypeDesc
}

// Type implements Expr.
func (e *ArrayFn) Type() sdk.Type { return sdk.TypeArray }

// Pos implements Expr.
func (e *ArrayFn) Pos() token.Pos { return e.At }

// Desc implements Described.
func (e *ArrayFn) Desc() *sdk.TypeDesc { return e.D }
