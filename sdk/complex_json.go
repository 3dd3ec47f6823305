package sdk

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// AppendComplexJSON appends the complex value enc (the encoding described
// at CxNull), of type d, to dst as ksqlDB's JSON serializer (Jackson) writes
// it: compact; ARRAY as a JSON array, MAP and STRUCT as objects with STRUCT
// fields by their declared names, in the type's order; NULL as null; BYTES as
// base64; DECIMAL as plain digits; doubles as appendDouble writes them, with
// NaN and the infinities quoted because JSON has no literal for them. A MAP
// key is written as the text of the key (Jackson writes a key's toString):
// STRING as is, other scalars as their text. Strings are escaped as Jackson
// escapes them, and invalid UTF-8 becomes U+FFFD, so the output is always
// valid JSON.
//
// appendDouble is a parameter because Java's Double.toString spelling is
// the caller's (the host and the runtime each have their own formatter); nil
// means Go's shortest form (strconv 'g'), which is valid JSON but not
// Java's spelling.
//
// It returns an error, and dst unchanged, when enc is not exactly one valid
// encoding of d; it never panics on bad input.
func AppendComplexJSON(dst []byte, d *TypeDesc, enc []byte, appendDouble func(dst []byte, f float64) []byte) ([]byte, error) {
	if !CxValid(d, enc) {
		return dst, fmt.Errorf("invalid %s value", d)
	}
	if appendDouble == nil {
		appendDouble = appendGoDouble
	}
	dst, _ = cxJSON(dst, d, enc, 0, appendDouble)
	return dst, nil
}

// appendGoDouble is AppendComplexJSON's default double formatter.
func appendGoDouble(dst []byte, f float64) []byte { return strconv.AppendFloat(dst, f, 'g', -1, 64) }

// cxJSON appends the element at b[i:] (valid for d, as CxValid checked)
// as JSON and returns the offset after it. The recursion is bounded by
// MaxTypeDepth, which CxValid enforces.
func cxJSON(dst []byte, d *TypeDesc, b []byte, i int, appendDouble func([]byte, float64) []byte) ([]byte, int) {
	switch tag := b[i]; tag {
	case CxNull, CxFalse, CxTrue, CxInt:
		return cxScalarText(dst, d, b, i, appendDouble)
	case CxDouble:
		f := math.Float64frombits(binary.LittleEndian.Uint64(b[i+1:]))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			dst = append(dst, '"')
			dst = appendDouble(dst, f)
			return append(dst, '"'), i + 9
		}
		return appendDouble(dst, f), i + 9
	case CxString:
		n := int(binary.LittleEndian.Uint32(b[i+1:]))
		s := b[i+5 : i+5+n]
		if d.Type == TypeBytes {
			dst = append(dst, '"')
			dst = base64.StdEncoding.AppendEncode(dst, s)
			return append(dst, '"'), i + 5 + n
		}
		return appendJSONString(dst, s), i + 5 + n
	}
	tag := b[i]
	n := int(binary.LittleEndian.Uint32(b[i+1:]))
	j := i + 5
	switch tag {
	case CxArray:
		dst = append(dst, '[')
		for k := 0; k < n; k++ {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst, j = cxJSON(dst, d.Elem, b, j, appendDouble)
		}
		return append(dst, ']'), j
	case CxMap:
		dst = append(dst, '{')
		for k := 0; k < n; k++ {
			if k > 0 {
				dst = append(dst, ',')
			}
			if s, ok := CxStr(b[j:]); ok {
				dst = appendJSONString(dst, s)
				j += 5 + len(s)
			} else {
				// A primitive key (the analyzer refuses complex ones) as its
				// text; the text is ASCII, so it needs quotes and no escapes.
				dst = append(dst, '"')
				dst, j = cxScalarText(dst, d.Key, b, j, appendDouble)
				dst = append(dst, '"')
			}
			dst = append(dst, ':')
			dst, j = cxJSON(dst, d.Elem, b, j, appendDouble)
		}
		return append(dst, '}'), j
	default: // CxStruct
		dst = append(dst, '{')
		for k := 0; k < n; k++ {
			if k > 0 {
				dst = append(dst, ',')
			}
			// The name's bytes are only read: no copy.
			name := d.Fields[k].Name
			dst = appendJSONString(dst, unsafe.Slice(unsafe.StringData(name), len(name)))
			dst = append(dst, ':')
			dst, j = cxJSON(dst, d.Fields[k].Type, b, j, appendDouble)
		}
		return append(dst, '}'), j
	}
}

// cxScalarText appends the text of the NULL, boolean, integer, DECIMAL or
// double element at b[i:] (valid for d) and returns the offset after it.
func cxScalarText(dst []byte, d *TypeDesc, b []byte, i int, appendDouble func([]byte, float64) []byte) ([]byte, int) {
	switch b[i] {
	case CxNull:
		return append(dst, "null"...), i + 1
	case CxFalse:
		return append(dst, "false"...), i + 1
	case CxTrue:
		return append(dst, "true"...), i + 1
	case CxDouble:
		return appendDouble(dst, math.Float64frombits(binary.LittleEndian.Uint64(b[i+1:]))), i + 9
	}
	// CxInt: INT, BIGINT, or a DECIMAL's unscaled value.
	v := int64(binary.LittleEndian.Uint64(b[i+1:]))
	if d.Type.IsDecimal() {
		return AppendDecimal(dst, v, d.Type.Scale()), i + 9
	}
	return strconv.AppendInt(dst, v, 10), i + 9
}

// jsonHex is the upper-case hex Jackson uses in \u00XX escapes.
const jsonHex = "0123456789ABCDEF"

// appendJSONString appends s as a JSON string as Jackson escapes it: quote,
// backslash and the control characters (the common ones by letter, the
// others as \u00XX); invalid UTF-8 becomes U+FFFD. Runs that need no escape
// are copied whole.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				start = i + 1
			}
			i += size
			continue
		}
		var esc byte
		switch c {
		case '"', '\\':
			esc = c
		case '\b':
			esc = 'b'
		case '\t':
			esc = 't'
		case '\f':
			esc = 'f'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		default:
			if c >= 0x20 {
				i++
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		if esc != 0 {
			dst = append(dst, '\\', esc)
		} else {
			dst = append(dst, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
