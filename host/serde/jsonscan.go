package serde

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON scanner: a strict RFC 8259 reader (as Jackson's defaults are: no
// comments, no NaN literals, no leading zeros) that works on byte offsets of
// the input and never builds a tree. Skipping a value allocates nothing.

// maxDepth bounds the nesting of arrays and objects, so that hostile input
// cannot exhaust the stack.
const maxDepth = 512

// syntaxError is a JSON syntax error at a byte offset. It is turned into a
// *Error by the serde, which knows the format and side.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.off, e.msg)
}

func errAt(off int, msg string) error { return &syntaxError{off: off, msg: msg} }

// unexpected describes the byte at off (or the end of data) for a syntax
// error.
func unexpected(data []byte, off int, want string) error {
	if off >= len(data) {
		return errAt(off, "unexpected end of data, expected "+want)
	}
	c := data[off]
	if c >= 0x20 && c < 0x7f {
		return errAt(off, fmt.Sprintf("unexpected character '%c', expected %s", c, want))
	}
	return errAt(off, fmt.Sprintf("unexpected byte 0x%02x, expected %s", c, want))
}

// skipWS returns the offset of the first non-white-space byte at or after i.
func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// strFlag tells how a scanned string must be read.
type strFlag uint8

const (
	strEscaped  strFlag = 1 << iota // contains backslash escapes
	strNonASCII                     // contains bytes >= 0x80 (checked as UTF-8)
)

// strSpecial marks the bytes that end the fast path of string scanning.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// scanString scans the string starting with the quote at data[i] and returns
// the offset just past its closing quote. It validates escapes and UTF-8 and
// refuses raw control characters, as Jackson does.
func scanString(data []byte, i int) (int, strFlag, error) {
	var flags strFlag
	j := i + 1
	for {
		// Eight bytes at a time while none of them is special: a quote, a
		// backslash, a control character or a non-ASCII byte. (A borrow
		// can flag a byte falsely only above a truly special one, and the
		// byte loop below then sorts it out.)
		for j+8 <= len(data) {
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			x := binary.LittleEndian.Uint64(data[j:])
			q := x ^ (ones * '"')
			b := x ^ (ones * '\\')
			if ((x-ones*0x20)&^x|(q-ones)&^q|(b-ones)&^b|x)&highs != 0 {
				break
			}
			j += 8
		}
		for j < len(data) && !strSpecial[data[j]] {
			j++
		}
		if j >= len(data) {
			return 0, 0, errAt(len(data), "unexpected end of data in a string")
		}
		c := data[j]
		switch {
		case c == '"':
			if flags&strNonASCII != 0 && !utf8.Valid(data[i+1:j]) {
				return 0, 0, errAt(i, "invalid UTF-8 in a string")
			}
			return j + 1, flags, nil
		case c == '\\':
			flags |= strEscaped
			if j+1 >= len(data) {
				return 0, 0, errAt(len(data), "unexpected end of data in a string")
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(data) {
					return 0, 0, errAt(j, "truncated \\u escape")
				}
				for k := j + 2; k < j+6; k++ {
					if !isHex(data[k]) {
						return 0, 0, errAt(k, "invalid \\u escape")
					}
				}
				j += 6
			default:
				return 0, 0, errAt(j, fmt.Sprintf("invalid escape '\\%c'", data[j+1]))
			}
		case c < 0x20:
			return 0, 0, errAt(j, "control character in a string (must be escaped)")
		default:
			flags |= strNonASCII
			j++
		}
	}
}

// skipNumber scans the number starting at data[i] and returns the offset
// past it: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func skipNumber(data []byte, i int) (int, error) {
	s := i
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	default:
		return 0, unexpected(data, i, "a digit")
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			return 0, unexpected(data, i, "a digit after the decimal point")
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			return 0, unexpected(data, i, "a digit in the exponent")
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	// A number must not run into letters ("1x"); Jackson refuses that too.
	if i < len(data) && (isDigit(data[i]) || isIdentByte(data[i])) {
		if data[s] == '-' && i == s+2 && data[s+1] == '0' || i == s+1 && data[s] == '0' {
			return 0, errAt(s, "leading zeros are not allowed in numbers")
		}
		return 0, unexpected(data, i, "the end of the number")
	}
	return i, nil
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.'
}

// skipLiteral checks that data[i:] starts with lit (true, false, null).
func skipLiteral(data []byte, i int, lit string) (int, error) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return 0, badLiteral(data, i, lit)
	}
	j := i + len(lit)
	if j < len(data) && (isIdentByte(data[j]) || isDigit(data[j])) {
		return 0, badLiteral(data, i, lit)
	}
	return j, nil
}

// badLiteral is the error for a word at data[i] that is not the literal
// lit its first letter promised. It quotes the word (up to 20 bytes) so
// that unquoted text in a record (`{"name": nobody}`) is recognisable in
// the processing log.
func badLiteral(data []byte, i int, lit string) error {
	j := i
	for j < len(data) && j-i < 20 && (isIdentByte(data[j]) || isDigit(data[j])) {
		j++
	}
	if j == i {
		return unexpected(data, i, lit)
	}
	return errAt(i, fmt.Sprintf("unexpected word '%s', expected %s", data[i:j], lit))
}

// skipValue scans the JSON value starting at data[i] (no leading white
// space) and returns the offset just past it.
func skipValue(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return 0, unexpected(data, i, "a value")
	}
	switch c := data[i]; c {
	case '"':
		j, _, err := scanString(data, i)
		return j, err
	case '{':
		if depth >= maxDepth {
			return 0, errAt(i, "nesting too deep")
		}
		i = skipWS(data, i+1)
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		for {
			if i >= len(data) || data[i] != '"' {
				return 0, unexpected(data, i, "a field name")
			}
			j, _, err := scanString(data, i)
			if err != nil {
				return 0, err
			}
			i = skipWS(data, j)
			if i >= len(data) || data[i] != ':' {
				return 0, unexpected(data, i, "':'")
			}
			i = skipWS(data, i+1)
			if i, err = skipValue(data, i, depth+1); err != nil {
				return 0, err
			}
			i = skipWS(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipWS(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				return i + 1, nil
			}
			return 0, unexpected(data, i, "',' or '}'")
		}
	case '[':
		if depth >= maxDepth {
			return 0, errAt(i, "nesting too deep")
		}
		i = skipWS(data, i+1)
		if i < len(data) && data[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i, err = skipValue(data, i, depth+1); err != nil {
				return 0, err
			}
			i = skipWS(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipWS(data, i+1)
				continue
			}
			if i < len(data) && data[i] == ']' {
				return i + 1, nil
			}
			return 0, unexpected(data, i, "',' or ']'")
		}
	case 't':
		return skipLiteral(data, i, "true")
	case 'f':
		return skipLiteral(data, i, "false")
	case 'n':
		return skipLiteral(data, i, "null")
	default:
		if c == '-' || isDigit(c) {
			return skipNumber(data, i)
		}
		return 0, unexpected(data, i, "a value")
	}
}

// kindOf names the kind of a JSON value from its first byte, for error
// messages.
func kindOf(c byte) string {
	switch {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	}
	return "number"
}

// appendUnescaped appends the contents of the scanned string raw (without
// its quotes, already validated) with escapes resolved. Unpaired surrogate
// escapes become U+FFFD.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		e := raw[i+1]
		i += 2
		switch e {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(raw[i:]))
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if d := utf16.DecodeRune(r, rune(hex4(raw[i+2:]))); d != utf8.RuneError {
						r2 = d
						i += 6
					}
				}
				r = r2
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
	}
	return dst
}

func hex4(b []byte) uint32 {
	var v uint32
	for _, c := range b[:4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= uint32(c - '0')
		case c >= 'a' && c <= 'f':
			v |= uint32(c - 'a' + 10)
		default:
			v |= uint32(c - 'A' + 10)
		}
	}
	return v
}

// stringValue returns the Go string of a scanned JSON string value (with its
// quotes). This is the one allocation decoding a STRING costs.
func stringValue(raw []byte) string {
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' {
			var b strings.Builder
			b.Grow(len(body))
			b.Write(appendUnescaped(nil, body)) // rare path
			return b.String()
		}
	}
	return string(body)
}

// jsonEscape says how each ASCII byte is written inside a JSON string, as
// Jackson does: 0 = as is, 'u' = \u00XX, other = backslash and that byte.
var jsonEscape = func() (t [128]byte) {
	for c := 0; c < 0x20; c++ {
		t[c] = 'u'
	}
	t['"'] = '"'
	t['\\'] = '\\'
	t['\b'] = 'b'
	t['\t'] = 't'
	t['\f'] = 'f'
	t['\n'] = 'n'
	t['\r'] = 'r'
	return t
}()

const hexDigits = "0123456789ABCDEF"

// appendJSONString appends s as a quoted JSON string. Invalid UTF-8 is
// written as U+FFFD so the output is always valid JSON.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonEscape[c] == 0 {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			if e := jsonEscape[c]; e == 'u' {
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				dst = append(dst, '\\', e)
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendCompactJSON appends the validated JSON value raw as Jackson writes a
// tree: no insignificant white space, strings re-escaped canonically,
// numbers as their text. This is what ksqlDB stores in a STRING column that
// receives a JSON object.
func appendCompactJSON(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			j, _, err := scanString(raw, i)
			if err != nil { // cannot happen on validated input
				return append(dst, raw[i:]...)
			}
			dst = appendJSONString(dst, string(appendUnescaped(nil, raw[i+1:j-1])))
			i = j
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			j, err := skipNumber(raw, i)
			if err != nil {
				return append(dst, raw[i:]...)
			}
			dst = appendJavaNumberText(dst, raw[i:j])
			i = j
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// appendKsqlArrayText appends a validated JSON array as ksqlDB renders an
// array read into a STRING column: "[" elements joined by ", " "]", where
// strings appear without quotes, null as null, objects as compact JSON and
// nested arrays recursively.
func appendKsqlArrayText(dst, raw []byte) []byte {
	dst = append(dst, '[')
	i := skipWS(raw, 1)
	first := true
	for i < len(raw) && raw[i] != ']' {
		j, err := skipValue(raw, i, 0)
		if err != nil {
			break
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = appendKsqlText(dst, raw[i:j])
		i = skipWS(raw, j)
		if i < len(raw) && raw[i] == ',' {
			i = skipWS(raw, i+1)
		}
	}
	return append(dst, ']')
}

// appendKsqlText appends the text of one validated JSON value as ksqlDB's
// STRING coercion gives it.
func appendKsqlText(dst, raw []byte) []byte {
	switch raw[0] {
	case '"':
		return appendUnescaped(dst, raw[1:len(raw)-1])
	case '{':
		return appendCompactJSON(dst, raw)
	case '[':
		return appendKsqlArrayText(dst, raw)
	case 't', 'f', 'n':
		return append(dst, raw...)
	}
	return appendJavaNumberText(dst, raw)
}
