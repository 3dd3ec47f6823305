package serde

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wasmstream/wasmstream/sdk"
)

// delimitedSerde is ksqlDB's DELIMITED format: one CSV record as Apache
// commons-csv reads and writes it with CSVFormat.DEFAULT and a custom
// delimiter (KsqlDelimitedDeserializer, KsqlDelimitedSerializer).
//
// Reading: a field that starts with " is quoted and runs to the next lone ";
// "" inside it is one quote; white space may follow the closing quote. Other
// fields run to the next delimiter or line end, quotes included literally.
// Only the first record is read (ksqlDB ignores the rest); empty lines before
// it are skipped. An empty field, quoted or not, is NULL whatever its type.
//
// Writing: a field is quoted only where commons-csv's minimal quoting quotes
// it: the first field of the record when it is empty or does not start with
// an ASCII letter or digit ("-10"); any field that starts with a character up
// to '#' (space, !, ", #), contains a quote, a delimiter, CR or LF, or ends
// with a character up to space. NULL is an empty, unquoted field. DOUBLE is
// written as Java's Double.toString writes it.
type delimitedSerde struct {
	cols  []sdk.Column
	key   bool
	delim []byte // the delimiter's UTF-8 bytes, usually one
	views bool   // unquoted STRING values alias the input (StringViews)
}

// parseDelimiter reads a VALUE_DELIMITER / KEY_DELIMITER setting as ksqlDB's
// Delimiter.parse does, with its messages.
func parseDelimiter(s string) ([]byte, error) {
	switch {
	case s == "":
		return []byte{','}, nil
	case strings.TrimLeft(s, javaSpace) == "":
		return nil, fmt.Errorf("invalid delimiter: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'")
	case s == "TAB":
		return []byte{'\t'}, nil
	case s == "SPACE":
		return []byte{' '}, nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) || r == utf8.RuneError {
		return nil, fmt.Errorf("invalid delimiter value: '%s'. Delimiter must be a single character or TAB,SPACE", s)
	}
	if r == '"' {
		return nil, fmt.Errorf("invalid delimiter: the quote character and the delimiter cannot be the same ('\"')")
	}
	return []byte(s), nil
}

// javaSpace is what Java's String.trim removes: every character up to space.
// (Line breaks are among them, so they can never become a delimiter.)
const javaSpace = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f" +
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "

func newDelimited(cols []sdk.Column, opts Options) (Serde, error) {
	d, err := parseDelimiter(opts.Delimiter)
	if err != nil {
		return nil, err
	}
	return &delimitedSerde{cols: cols, key: opts.Key, delim: d}, nil
}

func (s *delimitedSerde) Format() string          { return sdk.FormatDelimited }
func (s *delimitedSerde) Columns() []sdk.Column   { return s.cols }
func (s *delimitedSerde) IsNull(data []byte) bool { return data == nil }

func (s *delimitedSerde) err(field, reason string) error {
	return &Error{Format: sdk.FormatDelimited, Key: s.key, Field: field, Reason: reason}
}

// isDelim reports whether the delimiter starts at data[i].
func (s *delimitedSerde) isDelim(data []byte, i int) bool {
	if data[i] != s.delim[0] {
		return false
	}
	return len(s.delim) == 1 || bytes.HasPrefix(data[i:], s.delim)
}

// fieldEnd says what ended a field.
type fieldEnd uint8

const (
	endDelim fieldEnd = iota // a delimiter: another field follows
	endLine                  // CR, LF or the end of the data: the record is complete
)

// Decode implements Serde.
func (s *delimitedSerde) Decode(data []byte, row []sdk.Value) error {
	n := len(s.cols)
	if len(row) != n {
		return rowLenError(sdk.FormatDelimited, s.key, len(row), n)
	}
	if data == nil {
		setNulls(row, s.cols)
		return nil
	}
	i := 0
	for i < len(data) && (data[i] == '\r' || data[i] == '\n') {
		i++ // commons-csv skips empty lines
	}
	if i == len(data) {
		if n == 1 {
			// The encoding of a single NULL column; ksqlDB fails here with
			// "No fields in record" (see the package doc).
			row[0] = sdk.Value{Type: s.cols[0].Type, Null: true}
			return nil
		}
		return s.err("", "no fields in record")
	}
	field := 0
	for {
		var tok []byte
		var escaped bool // tok holds doubled quotes to collapse
		var end fieldEnd
		if data[i] == '"' {
			j := i + 1
			for {
				q := bytes.IndexByte(data[j:], '"')
				if q < 0 {
					return s.err("", fmt.Sprintf("field %d: quoted field is not terminated", field+1))
				}
				j += q
				if j+1 < len(data) && data[j+1] == '"' {
					escaped = true
					j += 2
					continue
				}
				break
			}
			tok = data[i+1 : j]
			k := j + 1
			for {
				if k == len(data) || data[k] == '\r' || data[k] == '\n' {
					end = endLine
					break
				}
				if s.isDelim(data, k) {
					end = endDelim
					break
				}
				if !isCSVSpace(data[k]) {
					return s.err("", fmt.Sprintf("field %d: unexpected character after the closing quote", field+1))
				}
				k++
			}
			i = k
		} else {
			j := i
			for j < len(data) && data[j] != '\r' && data[j] != '\n' && !s.isDelim(data, j) {
				j++
			}
			tok = data[i:j]
			if j < len(data) && data[j] != '\r' && data[j] != '\n' {
				end = endDelim
			} else {
				end = endLine
			}
			i = j
		}
		if field < n {
			if err := s.setField(field, tok, escaped, row); err != nil {
				return err
			}
		}
		field++
		if end == endLine {
			break
		}
		i += len(s.delim)
		if i == len(data) {
			// A trailing delimiter ends with an empty last field.
			if field < n {
				row[field] = sdk.Value{Type: s.cols[field].Type, Null: true}
			}
			field++
			break
		}
	}
	if field != n {
		return s.err("", fmt.Sprintf("expected %d fields, found %d", n, field))
	}
	return nil
}

// isCSVSpace is Java's Character.isWhitespace for the ASCII range, minus
// the line ends, which end the record first.
func isCSVSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1f)
}

// setField parses one field into column c, as ksqlDB does: empty is NULL,
// otherwise Integer.parseInt, Long.parseLong, Double.parseDouble, or the
// text itself.
func (s *delimitedSerde) setField(c int, tok []byte, escaped bool, row []sdk.Value) error {
	col := s.cols[c]
	if len(tok) == 0 {
		row[c] = sdk.Value{Type: col.Type, Null: true}
		return nil
	}
	switch col.Type {
	case sdk.TypeString:
		if escaped {
			var b strings.Builder
			b.Grow(len(tok))
			for k := 0; k < len(tok); k++ {
				b.WriteByte(tok[k])
				if tok[k] == '"' {
					k++ // skip the second quote of the pair
				}
			}
			row[c] = sdk.Value{Type: sdk.TypeString, S: b.String()}
		} else if s.views {
			row[c] = sdk.Value{Type: sdk.TypeString, S: view(tok)}
		} else {
			row[c] = sdk.Value{Type: sdk.TypeString, S: string(tok)}
		}
		return nil
	case sdk.TypeBoolean:
		switch {
		case bytes.EqualFold(tok, []byte("true")):
			row[c] = sdk.Value{Type: sdk.TypeBoolean, I: 1}
			return nil
		case bytes.EqualFold(tok, []byte("false")):
			row[c] = sdk.Value{Type: sdk.TypeBoolean}
			return nil
		}
	case sdk.TypeInt, sdk.TypeBigInt:
		bits := 64
		if col.Type == sdk.TypeInt {
			bits = 32
		}
		if v, ok := parseJavaInt(tok, bits); ok {
			row[c] = sdk.Value{Type: col.Type, I: v}
			return nil
		}
	case sdk.TypeDouble:
		if f, ok := parseJavaDouble(tok); ok {
			row[c] = sdk.Value{Type: sdk.TypeDouble, F: f}
			return nil
		}
	case sdk.TypeBytes:
		if b, ok := decodeBase64(tok); ok {
			row[c] = sdk.Value{Type: sdk.TypeBytes, S: b}
			return nil
		}
	default:
		if col.Type.IsDecimal() {
			if v, ok := parseDecimalText(col.Type, tok); ok {
				row[c] = v
				return nil
			}
		}
	}
	return s.err(col.Name, fmt.Sprintf("cannot parse %s as %s", quoteValue(tok), col.Type))
}

// Encode implements Serde. A NULL single-column key is a null record; a key
// of several NULL columns is a record of empty fields (","), and a value
// always has a record, even when empty.
func (s *delimitedSerde) Encode(dst []byte, row []sdk.Value) ([]byte, error) {
	n := len(s.cols)
	if len(row) != n {
		return nil, rowLenError(sdk.FormatDelimited, s.key, len(row), n)
	}
	if s.key && len(s.cols) == 1 && row[0].Null {
		return nil, nil
	}
	dst = nonNil(dst)
	for c := range s.cols {
		if c > 0 {
			dst = append(dst, s.delim...)
		}
		v := row[c]
		if v.Null {
			continue
		}
		col := s.cols[c]
		if v.Type != col.Type {
			return nil, typeError(sdk.FormatDelimited, s.key, col, v.Type)
		}
		var tmp [40]byte
		var text []byte
		switch col.Type {
		case sdk.TypeString:
			dst = s.appendField(dst, v.S, c == 0)
			continue
		case sdk.TypeBoolean:
			if v.I != 0 {
				text = append(tmp[:0], "true"...)
			} else {
				text = append(tmp[:0], "false"...)
			}
		case sdk.TypeInt, sdk.TypeBigInt:
			text = strconv.AppendInt(tmp[:0], v.I, 10)
		case sdk.TypeDouble:
			text = appendJavaDouble(tmp[:0], v.F)
		case sdk.TypeBytes:
			text = appendBase64(tmp[:0], v.S)
		default:
			if col.Type.IsDecimal() {
				text = appendDecimalText(tmp[:0], v)
			}
		}
		if needsQuote(text, c == 0, s.delim) {
			dst = append(dst, '"')
			dst = append(dst, text...)
			dst = append(dst, '"')
		} else {
			dst = append(dst, text...)
		}
	}
	return dst, nil
}

// appendField appends a STRING field, quoted if need be, quotes doubled.
func (s *delimitedSerde) appendField(dst []byte, v string, first bool) []byte {
	if !needsQuote(v, first, s.delim) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for {
		q := strings.IndexByte(v, '"')
		if q < 0 {
			break
		}
		dst = append(dst, v[:q+1]...)
		dst = append(dst, '"')
		v = v[q+1:]
	}
	dst = append(dst, v...)
	return append(dst, '"')
}

// needsQuote is commons-csv's minimal quoting rule (the version ksqlDB
// ships, as its tests show: a first field "-10" is quoted, a later -10 is
// not).
func needsQuote[T ~string | ~[]byte](v T, first bool, delim []byte) bool {
	if len(v) == 0 {
		// An empty first field is quoted so that a record of one empty
		// field is not an empty line.
		return first
	}
	c := v[0]
	if first && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return true
	}
	if c <= '#' {
		return true
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b == '"' || b == '\n' || b == '\r' {
			return true
		}
		if b == delim[0] && (len(delim) == 1 || hasPrefixAt(v, i, delim)) {
			return true
		}
	}
	return v[len(v)-1] <= ' '
}

func hasPrefixAt[T ~string | ~[]byte](v T, i int, p []byte) bool {
	if len(v)-i < len(p) {
		return false
	}
	for k := range p {
		if v[i+k] != p[k] {
			return false
		}
	}
	return true
}
