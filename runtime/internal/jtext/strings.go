package jtext

import (
	"unicode"
	"unicode/utf8"
)

// decode returns the rune at s[i:] and its size; an invalid byte is
// returned as itself with ok false so callers can copy it through.
func decode(s []byte, i int) (r rune, size int, ok bool) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1, true
	}
	r, size = utf8.DecodeRune(s[i:])
	return r, size, !(r == utf8.RuneError && size == 1)
}

// Upper writes s upper-cased as Java's String.toUpperCase (root locale)
// does: the simple Unicode mapping of each character plus the unconditional
// multi-character mappings of SpecialCasing.txt (ß becomes SS).
func Upper(w *Sink, s []byte) {
	for i := 0; i < len(s); {
		r, n, ok := decode(s, i)
		switch {
		case !ok:
			w.AddByte(s[i])
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			w.AddByte(byte(r))
		default:
			if sp, found := upperSpecial[r]; found {
				w.AddString(sp)
			} else {
				w.AddRune(unicode.ToUpper(r))
			}
		}
		i += n
	}
}

// Lower writes s lower-cased as Java's String.toLowerCase (root locale)
// does: simple mappings, İ to i + combining dot above, and Σ to final ς at
// the end of a word.
func Lower(w *Sink, s []byte) {
	for i := 0; i < len(s); {
		r, n, ok := decode(s, i)
		switch {
		case !ok:
			w.AddByte(s[i])
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			w.AddByte(byte(r))
		case r == 'İ':
			w.AddString("i\u0307")
		case r == 'Σ' && finalSigma(s, i, i+n):
			w.AddRune('ς')
		default:
			w.AddRune(unicode.ToLower(r))
		}
		i += n
	}
}

func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// inWord approximates "no word boundary here" of Java's word BreakIterator,
// which ConditionalSpecialCasing uses for the final-sigma rule: letters,
// marks, digits and the characters that join a word (apostrophes, middle
// dot, full stop and colon between letters).
func inWord(r rune) bool {
	switch r {
	case '\'', '.', ':', '\u00b7', '\u2019', '\u2018', '\u0387', '\u05f4', '\u2027', '\ufe13', '\ufe52', '\ufe55', '\uff07', '\uff0e', '\uff1a':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || unicode.Is(unicode.Cf, r)
}

// finalSigma reports whether the Σ at s[start:end] ends a word: a cased
// letter precedes it within the word and none follows it.
func finalSigma(s []byte, start, end int) bool {
	before := false
	for i := start; i > 0; {
		r, n := utf8.DecodeLastRune(s[:i])
		if !inWord(r) {
			break
		}
		if isCased(r) {
			before = true
			break
		}
		i -= n
	}
	if !before {
		return false
	}
	for i := end; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		if !inWord(r) {
			break
		}
		if isCased(r) {
			return false
		}
		i += n
	}
	return true
}

// isTrimmed reports whether c is removed by Java's String.trim: every
// character up to and including the space. Such characters are ASCII, so
// trimming works on bytes.
func isTrimmed(c byte) bool { return c <= ' ' }

// Trim returns s without leading and trailing characters <= ' ', as Java's
// String.trim.
func Trim(s []byte) []byte { return RTrim(LTrim(s)) }

// LTrim returns s without leading characters <= ' '.
func LTrim(s []byte) []byte {
	i := 0
	for i < len(s) && isTrimmed(s[i]) {
		i++
	}
	return s[i:]
}

// RTrim returns s without trailing characters <= ' '.
func RTrim(s []byte) []byte {
	j := len(s)
	for j > 0 && isTrimmed(s[j-1]) {
		j--
	}
	return s[:j]
}

// Len returns the length of s in UTF-16 code units, as Java's
// String.length.
func Len(s []byte) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		i += size
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// units returns how many UTF-16 code units the rune at s[i:] takes and its
// byte size.
func units(s []byte, i int) (u, size int) {
	if s[i] < utf8.RuneSelf {
		return 1, 1
	}
	r, size := utf8.DecodeRune(s[i:])
	if r >= 0x10000 {
		return 2, size
	}
	return 1, size
}

// Substring writes ksqlDB's SUBSTRING(s, pos[, length]): pos is 1-based
// (0 acts as 1) and negative counts from the end; length < 0 means "to the
// end" (the two-argument form; the analyzer maps a negative SQL length to 0,
// as ksqlDB's result for it is empty). Indexes are UTF-16 code units, as in
// Java; cutting through a surrogate pair yields '?' for the lone half, as
// Java's UTF-8 encoder writes it. The arithmetic is 32-bit and wraps like
// Java's int.
func Substring(w *Sink, s []byte, pos, length int32, toEnd bool) {
	n := int32(Len(s))
	var start int32
	if pos < 0 {
		start = max(n+pos, 0)
	} else {
		start = max(min(pos-1, n), 0)
	}
	end := n
	if !toEnd {
		end = max(min(start+length, n), start) // start+length wraps as in Java
	}
	if start >= end {
		return
	}
	// Walk to the byte positions of code units start and end.
	u := int32(0)
	i := 0
	for i < len(s) && u < start {
		cu, size := units(s, i)
		if u+int32(cu) > start {
			// start is inside a surrogate pair: the low half stands alone.
			w.AddByte('?')
			u += int32(cu)
			i += size
			break
		}
		u += int32(cu)
		i += size
	}
	from := i
	for i < len(s) && u < end {
		cu, size := units(s, i)
		if u+int32(cu) > end {
			w.Add(s[from:i])
			w.AddByte('?') // end cuts a surrogate pair: the high half alone
			return
		}
		u += int32(cu)
		i += size
	}
	w.Add(s[from:i])
}

// Replace writes s with every non-overlapping occurrence of old replaced by
// repl, scanning left to right, as Java's String.replace(CharSequence,
// CharSequence). An empty old inserts repl before every character and at
// the end; unlike Java, which inserts between the two halves of a surrogate
// pair too, this inserts at character boundaries only.
func Replace(w *Sink, s, old, repl []byte) {
	if len(old) == 0 {
		w.Add(repl)
		for i := 0; i < len(s); {
			_, n, _ := decode(s, i)
			w.Add(s[i : i+n])
			w.Add(repl)
			i += n
		}
		return
	}
	for {
		j := index(s, old)
		if j < 0 {
			w.Add(s)
			return
		}
		w.Add(s[:j])
		w.Add(repl)
		s = s[j+len(old):]
	}
}

func index(s, sep []byte) int {
	n := len(sep)
	for i := 0; i+n <= len(s); i++ {
		if s[i] == sep[0] && string(s[i:i+n]) == string(sep) {
			return i
		}
	}
	return -1
}

// u16 iterates over the UTF-16 code units of UTF-8 text.
type u16 struct {
	s   []byte
	i   int
	low uint16 // pending low surrogate, or 0
}

func (it *u16) next() (uint16, bool) {
	if it.low != 0 {
		c := it.low
		it.low = 0
		return c, true
	}
	if it.i >= len(it.s) {
		return 0, false
	}
	c := it.s[it.i]
	if c < utf8.RuneSelf {
		it.i++
		return uint16(c), true
	}
	r, size := utf8.DecodeRune(it.s[it.i:])
	it.i += size
	if r >= 0x10000 {
		r -= 0x10000
		it.low = uint16(0xdc00 + r&0x3ff)
		return uint16(0xd800 + r>>10), true
	}
	return uint16(r), true
}

// Compare compares a and b as Java's String.compareTo does, by UTF-16 code
// units, and returns -1, 0 or 1. For most text this is the UTF-8 byte order;
// it differs for characters above U+FFFF, which sort before U+E000..U+FFFF.
func Compare(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) && i == len(b) {
		return 0
	}
	// Back up to the start of the character where they differ.
	for k := 0; k < utf8.UTFMax-1 && i > 0 && !(runeStartAt(a, i) && runeStartAt(b, i)); k++ {
		i--
	}
	x, y := u16{s: a, i: i}, u16{s: b, i: i}
	for {
		cx, okx := x.next()
		cy, oky := y.next()
		switch {
		case !okx && !oky:
			return 0
		case !okx:
			return -1
		case !oky:
			return 1
		case cx < cy:
			return -1
		case cx > cy:
			return 1
		}
	}
}

func runeStartAt(s []byte, i int) bool { return i >= len(s) || utf8.RuneStart(s[i]) }
