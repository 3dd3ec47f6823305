// Package token defines the lexical tokens of the ksqlDB SQL dialect and
// source positions.
package token

import (
	"fmt"
	"sort"
)

// Pos is a compact source position: the byte offset into the script plus one,
// so that the zero value NoPos means "no position". It is expanded to
// line:column only when an error is reported (see File.Position).
type Pos int

// NoPos is the zero Pos: no position known.
const NoPos Pos = 0

// IsValid reports whether p is a position.
func (p Pos) IsValid() bool { return p != NoPos }

// Offset returns the 0-based byte offset of p.
func (p Pos) Offset() int { return int(p) - 1 }

// PosOf returns the Pos of a 0-based byte offset.
func PosOf(offset int) Pos { return Pos(offset + 1) }

// Position is a human-readable source position.
type Position struct {
	Filename string
	Line     int // 1-based
	Column   int // 1-based, in bytes
}

// String formats the position as file:line:col (or line:col without a file).
func (p Position) String() string {
	if p.Filename != "" {
		return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// File maps offsets of one script to lines.
type File struct {
	Name  string
	Src   string
	lines []int // offsets of line starts
}

// NewFile indexes the lines of src.
func NewFile(name, src string) *File {
	f := &File{Name: name, Src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Position expands p.
func (f *File) Position(p Pos) Position {
	if !p.IsValid() {
		return Position{Filename: f.Name}
	}
	off := p.Offset()
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Position{Filename: f.Name, Line: i + 1, Column: off - f.lines[i] + 1}
}

// Line returns the text of the given 1-based line, without its newline.
func (f *File) Line(line int) string {
	if line < 1 || line > len(f.lines) {
		return ""
	}
	start := f.lines[line-1]
	end := len(f.Src)
	if line < len(f.lines) {
		end = f.lines[line] - 1
	}
	if end > start && f.Src[end-1] == '\r' {
		end--
	}
	return f.Src[start:end]
}
