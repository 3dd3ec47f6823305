package analyzer

import (
	"fmt"

	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Error is a semantic error at a position of the analyzed script. Pos is
// compact; callers expand it to file:line:col with the token.File of the
// script when they report it.
type Error struct {
	Pos token.Pos
	Msg string

	// phase says when ksqlDB would have found the error, which decides the
	// prefix a clause puts before it (see exprChecker).
	phase errPhase
}

// errPhase orders the checks of a query the way ksqlDB runs them.
type errPhase uint8

const (
	phaseOther   errPhase = iota // DDL, names: no clause prefix
	phaseType                    // expression typing ("Error in WHERE expression: ")
	phaseCodegen                 // coercion and CAST checks ("Invalid Predicate: ")
)

// Error returns the message. It carries no position because an Error does
// not know its file; see package sql2wasm for positioned reporting.
func (e *Error) Error() string { return e.Msg }

// errorf returns an *Error at pos.
func errorf(pos token.Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// notSupported returns the error for dialect features wasmstream does not
// implement yet. The wording is fixed so that users (and our conformance
// runner) can tell "not yet" from "wrong".
func notSupported(pos token.Pos, what string) *Error {
	return &Error{Pos: pos, Msg: "not supported yet: " + what}
}

// withPrefix returns a copy of err with prefix added to its message, as
// ksqlDB prefixes errors with the clause they come from ("Error in WHERE
// expression: ...").
func withPrefix(err *Error, prefix string) *Error {
	return &Error{Pos: err.Pos, Msg: prefix + err.Msg, phase: err.phase}
}
