package sql2wasm

import "github.com/wasmstream/wasmstream/sql2wasm/parser"

// Error is one compile error at a file:line:col position. Its Error method
// formats it as "file:line:col: message". Syntax errors and semantic errors
// have the same type, so callers handle both alike.
type Error = parser.Error

// ErrorList is a list of errors sorted by position; Parse returns one for
// syntax errors (a script can have several).
type ErrorList = parser.ErrorList

// FormatError renders err for a terminal: each error on its own line as
// file:line:col: message, followed by the source line it points into and a
// caret under the column. src must be the script that was compiled. Errors
// that are not compile errors are returned as err.Error().
func FormatError(err error, src string) string { return parser.FormatError(err, src) }
