package parser

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// MaxErrors is the number of errors after which parsing stops; a script with
// more problems than that is usually not worth reading further.
const MaxErrors = 10

// Error is one syntax error at a source position.
type Error struct {
	Pos token.Position
	Msg string
}

// Error formats the error as file:line:col: message (line:col: message when
// the script has no file name).
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is a list of errors, sorted by position by Sort. It implements
// error; ParseScript returns it when there is at least one error.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(pos token.Position, msg string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg})
}

// Len implements sort.Interface.
func (l ErrorList) Len() int { return len(l) }

// Swap implements sort.Interface.
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }

// Less implements sort.Interface: by file, line, column, then message.
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list by position.
func (l ErrorList) Sort() { sort.Sort(l) }

// Error returns the first error, and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	case 2:
		return l[0].Error() + " (and 1 more error)"
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// FormatError renders err for a person reading a terminal: every error of an
// ErrorList (or the single *Error) on its own line, followed by the source
// line it points into and a caret under the column. Errors of other types
// are returned as err.Error(). src must be the text that was parsed.
func FormatError(err error, src string) string {
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = ErrorList{one}
	default:
		if err == nil {
			return ""
		}
		return err.Error()
	}
	f := token.NewFile("", src)
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
		line := f.Line(e.Pos.Line)
		if e.Pos.Line < 1 || line == "" && e.Pos.Column > 1 {
			continue
		}
		b.WriteString("\n    ")
		b.WriteString(strings.ToValidUTF8(line, "\uFFFD"))
		b.WriteString("\n    ")
		b.WriteString(caretPad(line, e.Pos.Column))
		b.WriteByte('^')
	}
	return b.String()
}

// caretPad returns the white space that puts a caret under the 1-based byte
// column col of line: tabs stay tabs so that the caret lines up however the
// terminal expands them, and a multi-byte character counts as one column.
func caretPad(line string, col int) string {
	if col > len(line)+1 {
		col = len(line) + 1
	}
	prefix := line[:max(col-1, 0)]
	var b strings.Builder
	for len(prefix) > 0 {
		r, size := utf8.DecodeRuneInString(prefix)
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		prefix = prefix[size:]
	}
	return b.String()
}
