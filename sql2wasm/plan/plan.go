// Package plan is the typed, resolved form of a query that the analyzer
// produces and the code generator consumes.
//
// Every name is resolved (a column is an index into its stage's inputs),
// every expression has its SQL type, and every implicit conversion is an
// explicit Convert node, so the code generator makes no semantic decision of
// its own. BETWEEN, IN and simple CASE are already rewritten into
// comparisons.
package plan

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Expr is a typed expression.
type Expr interface {
	// Type is the SQL type of the expression's value.
	Type() sdk.Type
	// Pos is the SQL position the expression came from (for errors and the
	// positions section).
	Pos() token.Pos
}

// Const is a constant. V.Type equals T; a NULL constant has V.Null set.
type Const struct {
	At token.Pos
	V  sdk.Value
	// D is the full type of a complex constant (nil for scalars).
	D *sdk.TypeDesc
}

// Col reads column Index of the stage's input batch.
type Col struct {
	At    token.Pos
	Index int
	T     sdk.Type
	// D is the full type of a complex column (nil for scalars).
	D *sdk.TypeDesc
}

// Op is an operator of Unary and Binary.
type Op int

// Operators. Arithmetic operands have the result's type already (the analyzer
// inserted Convert nodes); comparison operands have one common type.
const (
	OpAdd Op = iota + 1
	OpSub
	OpMul
	OpDiv
	OpMod
	OpNeg
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAnd // three-valued
	OpOr  // three-valued
	OpNot // three-valued
)

// Unary is Op X (OpNeg, OpNot).
type Unary struct {
	At token.Pos
	Op Op
	X  Expr
	T  sdk.Type
}

// Binary is X Op Y. NULL in, NULL out, except AND/OR which follow SQL's
// three-valued logic. Integer division or modulo by zero yields NULL... as
// ksqlDB does (it returns null for integer division by zero); double division
// follows IEEE.
type Binary struct {
	At   token.Pos
	Op   Op
	X, Y Expr
	T    sdk.Type
}

// IsNull is X IS [NOT] NULL; never NULL itself.
type IsNull struct {
	At  token.Pos
	X   Expr
	Not bool
}

// Convert converts X to To: the numeric widenings the analyzer inserts, and
// CAST. A conversion that can fail (STRING to a number) yields a row error
// unless NullOnError, in which case it yields NULL.
type Convert struct {
	At          token.Pos
	X           Expr
	To          sdk.Type
	NullOnError bool
	// ToDesc is the full target type of a conversion to a complex type.
	ToDesc *sdk.TypeDesc
}

// When is one arm of a Case.
type When struct {
	Cond Expr // BOOLEAN; NULL counts as false
	Then Expr // of the Case's type
}

// Case is a searched CASE. Else is never nil (the analyzer fills in a NULL
// constant).
type Case struct {
	At    token.Pos
	Whens []When
	Else  Expr
	T     sdk.Type
	// D is the full type of a complex result (nil for scalars).
	D *sdk.TypeDesc
}

// Like is X [NOT] LIKE Pattern with an optional escape code point (-1 for
// none).
type Like struct {
	At      token.Pos
	X       Expr
	Pattern Expr
	Escape  int32
	Not     bool
}

// Func identifies a built-in scalar function.
type Func int

// Built-in scalar functions. Argument types are fixed by the analyzer (after
// Convert nodes): see the comment on each.
const (
	FnAbs       Func = iota + 1 // (numeric) -> same
	FnCeil                      // (numeric) -> same; DOUBLE rounds up
	FnFloor                     // (numeric) -> same
	FnRound                     // (numeric) -> BIGINT for DOUBLE, same for integers: half away from zero... as ksqlDB
	FnRoundTo                   // (DOUBLE, INT) -> DOUBLE rounded to n decimal places
	FnUpper                     // (STRING) -> STRING
	FnLower                     // (STRING) -> STRING
	FnTrim                      // (STRING) -> STRING
	FnLTrim                     // (STRING) -> STRING
	FnRTrim                     // (STRING) -> STRING
	FnLen                       // (STRING) -> INT
	FnConcat                    // (STRING...) -> STRING; NULL arguments are skipped
	FnConcatWS                  // (STRING sep, STRING...) -> STRING; NULL sep -> NULL, NULL args skipped
	FnSubstring                 // (STRING, INT pos [, INT len]) -> STRING
	FnReplace                   // (STRING, STRING, STRING) -> STRING
	FnCoalesce                  // (T...) -> T: first non-NULL
	FnIfNull                    // (T, T) -> T
	FnNullIf                    // (T, T) -> T: NULL if equal
)

// Math and BYTES functions (a block of their own, numbered apart).
const (
	FnExp            Func = iota + 64 // (DOUBLE) -> DOUBLE: e^x
	FnLn                              // (DOUBLE) -> DOUBLE: natural logarithm
	FnSqrt                            // (DOUBLE) -> DOUBLE
	FnBytesLen                        // (BYTES) -> INT: number of bytes
	FnBytesSubstring                  // (BYTES, INT pos [, INT len]) -> BYTES, in bytes
)

// Call is a built-in function call.
type Call struct {
	At   token.Pos
	Fn   Func
	Args []Expr
	T    sdk.Type
	// D is the full type of a complex result (nil for scalars).
	D *sdk.TypeDesc
}

func (e *Const) Type() sdk.Type   { return e.V.Type }
func (e *Col) Type() sdk.Type     { return e.T }
func (e *Unary) Type() sdk.Type   { return e.T }
func (e *Binary) Type() sdk.Type  { return e.T }
func (e *IsNull) Type() sdk.Type  { return sdk.TypeBoolean }
func (e *Convert) Type() sdk.Type { return e.To }
func (e *Case) Type() sdk.Type    { return e.T }
func (e *Like) Type() sdk.Type    { return sdk.TypeBoolean }
func (e *Call) Type() sdk.Type    { return e.T }

func (e *Const) Pos() token.Pos   { return e.At }
func (e *Col) Pos() token.Pos     { return e.At }
func (e *Unary) Pos() token.Pos   { return e.At }
func (e *Binary) Pos() token.Pos  { return e.At }
func (e *IsNull) Pos() token.Pos  { return e.At }
func (e *Convert) Pos() token.Pos { return e.At }
func (e *Case) Pos() token.Pos    { return e.At }
func (e *Like) Pos() token.Pos    { return e.At }
func (e *Call) Pos() token.Pos    { return e.At }

// Output is one output column of a stage.
type Output struct {
	Name string
	Expr Expr
	Key  bool
}

// Stage is one batch function: it reads Inputs, keeps the rows for which
// Filter is TRUE (all rows when Filter is nil), and computes Outputs for them.
type Stage struct {
	// Export is the exported function name, e.g. "stage_0".
	Export  string
	Inputs  []sdk.Column
	Filter  Expr
	Outputs []Output
}

// Query is a planned persistent query (or an INSERT VALUES row).
type Query struct {
	// ID is the query id, e.g. CSAS_OUTPUT_0.
	ID string
	// Kind is CSAS, CTAS, INSERT or VALUES.
	Kind    string
	SQL     string
	Sources []sdk.Source
	Sink    sdk.Source
	Stages  []*Stage
	// Pipeline refers to Stages by index.
	Pipeline sdk.Pipeline
}

// DescOf returns the full type of e: its descriptor when e is of a complex
// type, a scalar descriptor otherwise. Nodes that can produce a complex value
// carry the descriptor; see also the Complex* nodes.
func DescOf(e Expr) *sdk.TypeDesc {
	if e == nil {
		return sdk.Scalar(sdk.TypeUnknown)
	}
	if !e.Type().IsComplex() {
		return sdk.Scalar(e.Type())
	}
	var d *sdk.TypeDesc
	switch e := e.(type) {
	case *Col:
		d = e.D
	case *Convert:
		d = e.ToDesc
	case *Case:
		d = e.D
	case *Call:
		d = e.D
	case *Const:
		d = e.D
	case Described:
		d = e.Desc()
	}
	if d == nil {
		return sdk.Scalar(e.Type())
	}
	return d
}

// Described is implemented by the nodes that operate on complex values.
type Described interface {
	Expr
	// Desc is the full type of the node's value.
	Desc() *sdk.TypeDesc
}

// ColumnOf returns the column a stage or sink gets for expression e: its
// type, and the descriptor of a complex type.
func ColumnOf(name string, e Expr, key bool) sdk.Column {
	c := sdk.Column{Name: name, Type: e.Type(), Key: key}
	if c.Type.IsComplex() {
		c.Desc = DescOf(e)
	}
	return c
}
