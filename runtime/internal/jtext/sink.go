package jtext

import "unicode/utf8"

// Sink is a bounded writer over a fixed byte slice. Writes beyond the end
// set Full and are dropped; nothing is ever reallocated.
type Sink struct {
	B    []byte
	N    int
	Full bool
}

// Reset starts writing at the beginning of b.
func (s *Sink) Reset(b []byte) { s.B, s.N, s.Full = b, 0, false }

// Bytes returns what was written.
func (s *Sink) Bytes() []byte { return s.B[:s.N] }

// AddByte appends one byte.
func (s *Sink) AddByte(c byte) {
	if s.N >= len(s.B) {
		s.Full = true
		return
	}
	s.B[s.N] = c
	s.N++
}

// Add appends p.
func (s *Sink) Add(p []byte) {
	if len(p) > len(s.B)-s.N {
		s.Full = true
		return
	}
	s.N += copy(s.B[s.N:], p)
}

// AddString appends p.
func (s *Sink) AddString(p string) {
	if len(p) > len(s.B)-s.N {
		s.Full = true
		return
	}
	s.N += copy(s.B[s.N:], p)
}

// AddRune appends the UTF-8 encoding of r.
func (s *Sink) AddRune(r rune) {
	if r < utf8.RuneSelf {
		s.AddByte(byte(r))
		return
	}
	n := utf8.RuneLen(r)
	if n < 0 {
		n = len(string(utf8.RuneError)) // EncodeRune writes U+FFFD for an invalid rune
	}
	if n > len(s.B)-s.N {
		s.Full = true
		return
	}
	s.N += utf8.EncodeRune(s.B[s.N:], r)
}
