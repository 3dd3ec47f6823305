package serde

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/wasmstream/wasmstream/sdk"
)

// This file converts between JSON and the complex encoding of ARRAY, MAP and
// STRUCT values (sdk.CxArray...), with ksqlDB's JSON rules: STRUCT field
// names match case-insensitively on read (an exact match first) and are
// written as declared; a missing field is NULL; elements are coerced as
// top-level columns are (numbers from numeric strings, anything into
// STRING). The writing is sdk.AppendComplexJSON, which TO_JSON_STRING
// shares.

// decodeComplexJSON appends the encoding of the validated JSON value raw, of
// type d, to dst. It reports an error naming the path of a value it cannot
// convert.
func decodeComplexJSON(dst []byte, d *sdk.TypeDesc, raw []byte) ([]byte, error) {
	dst, _, err := cxFromJSON(dst, d, raw, skipWS(raw, 0), 0)
	return dst, err
}

// cxFromJSON decodes the JSON value at raw[i:] (validated) as type d and
// returns the offset after it.
func cxFromJSON(dst []byte, d *sdk.TypeDesc, raw []byte, i, depth int) ([]byte, int, error) {
	if depth > sdk.MaxTypeDepth {
		return nil, 0, fmt.Errorf("value nested more than %d levels deep", sdk.MaxTypeDepth)
	}
	end, err := skipValue(raw, i, depth)
	if err != nil {
		return nil, 0, err
	}
	v := raw[i:end]
	if v[0] == 'n' {
		return append(dst, sdk.CxNull), end, nil
	}
	bad := func() ([]byte, int, error) {
		return nil, 0, fmt.Errorf("cannot convert a JSON %s to %s", kindOf(v[0]), d)
	}
	if d.Type.IsDecimal() {
		text := v
		if v[0] == '"' {
			text = []byte(stringValue(v))
		} else if v[0] != '-' && !isDigit(v[0]) {
			return bad()
		}
		dv, ok := parseDecimalText(d.Type, text)
		if !ok {
			return nil, 0, fmt.Errorf("cannot convert %s to %s", quoteRaw(v), d)
		}
		return sdk.CxAppendInt(dst, dv.I), end, nil
	}
	switch d.Type {
	case sdk.TypeBytes:
		if v[0] != '"' {
			return bad()
		}
		b, ok := decodeBase64(v[1 : len(v)-1])
		if !ok {
			return nil, 0, fmt.Errorf("cannot decode the string as base64 BYTES")
		}
		return sdk.CxAppendString(dst, b), end, nil
	case sdk.TypeBoolean:
		switch v[0] {
		case 't':
			return append(dst, sdk.CxTrue), end, nil
		case 'f':
			return append(dst, sdk.CxFalse), end, nil
		}
		return bad()
	case sdk.TypeInt, sdk.TypeBigInt:
		bits := 64
		if d.Type == sdk.TypeInt {
			bits = 32
		}
		switch {
		case v[0] == '-' || isDigit(v[0]):
			n, ok := jsonInteger(v, bits)
			if !ok {
				return nil, 0, fmt.Errorf("number %s is out of range for %s", quoteRaw(v), d)
			}
			return sdk.CxAppendInt(dst, n), end, nil
		case v[0] == '"':
			if n, ok := parseJavaInt([]byte(stringValue(v)), bits); ok {
				return sdk.CxAppendInt(dst, n), end, nil
			}
			return nil, 0, fmt.Errorf("cannot parse %s as %s", quoteRaw(v[1:len(v)-1]), d)
		}
		return bad()
	case sdk.TypeDouble:
		switch {
		case v[0] == '-' || isDigit(v[0]):
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil && !isRangeErr(err) {
				return nil, 0, fmt.Errorf("cannot parse %s as DOUBLE", quoteRaw(v))
			}
			return sdk.CxAppendDouble(dst, f), end, nil
		case v[0] == '"':
			if f, ok := parseJavaDouble([]byte(stringValue(v))); ok {
				return sdk.CxAppendDouble(dst, f), end, nil
			}
			return nil, 0, fmt.Errorf("cannot parse %s as DOUBLE", quoteRaw(v[1:len(v)-1]))
		}
		return bad()
	case sdk.TypeString:
		var text []byte
		switch v[0] {
		case '"':
			text = unescaped(v[1 : len(v)-1])
		case 't', 'f':
			text = v
		case '{':
			text = appendCompactJSON(nil, v)
		case '[':
			text = appendKsqlArrayText(nil, v)
		default:
			text = appendJavaNumberText(nil, v)
		}
		return appendCxBytes(dst, text), end, nil
	case sdk.TypeArray:
		if v[0] != '[' {
			return bad()
		}
		start := len(dst)
		dst = sdk.CxAppendHeader(dst, sdk.CxArray, 0)
		n := 0
		j := skipWS(raw, i+1)
		for raw[j] != ']' {
			if dst, j, err = cxFromJSON(dst, d.Elem, raw, j, depth+1); err != nil {
				return nil, 0, err
			}
			n++
			j = skipWS(raw, j)
			if raw[j] == ',' {
				j = skipWS(raw, j+1)
			}
		}
		binary.LittleEndian.PutUint32(dst[start+1:], uint32(n))
		return dst, end, nil
	case sdk.TypeMap:
		if v[0] != '{' {
			return bad()
		}
		start := len(dst)
		dst = sdk.CxAppendHeader(dst, sdk.CxMap, 0)
		n := 0
		err := eachMember(raw, i, func(key []byte, vi int) error {
			if d.Key != nil && d.Key.Type != sdk.TypeString {
				return fmt.Errorf("JSON only supports MAP types with STRING keys")
			}
			dst = appendCxBytes(dst, unescaped(key))
			var err error
			dst, _, err = cxFromJSON(dst, d.Elem, raw, vi, depth+1)
			n++
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		binary.LittleEndian.PutUint32(dst[start+1:], uint32(n))
		return dst, end, nil
	case sdk.TypeStruct:
		if v[0] != '{' {
			return bad()
		}
		// Where each field's value is: an exact name match wins over a
		// case-insensitive one. Small structs keep the table on the stack.
		var atBuf [16]int
		var exactBuf [16]bool
		at, exact := atBuf[:0], exactBuf[:0]
		if len(d.Fields) > len(atBuf) {
			at, exact = make([]int, 0, len(d.Fields)), make([]bool, 0, len(d.Fields))
		}
		at, exact = at[:len(d.Fields)], exact[:len(d.Fields)]
		err := eachMember(raw, i, func(key []byte, vi int) error {
			name := unescaped(key)
			for f := range d.Fields {
				switch {
				case string(name) == d.Fields[f].Name:
					at[f], exact[f] = vi+1, true
				case !exact[f] && upperEqualsRunes(name, d.Fields[f].Name):
					at[f] = vi + 1
				}
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		dst = sdk.CxAppendHeader(dst, sdk.CxStruct, len(d.Fields))
		for f := range d.Fields {
			if at[f] == 0 {
				dst = append(dst, sdk.CxNull)
				continue
			}
			if dst, _, err = cxFromJSON(dst, d.Fields[f].Type, raw, at[f]-1, depth+1); err != nil {
				return nil, 0, fmt.Errorf("field %s: %w", d.Fields[f].Name, err)
			}
		}
		return dst, end, nil
	}
	return nil, 0, fmt.Errorf("unsupported type %s", d)
}

// eachMember calls f with the raw key (without quotes) and the offset of
// the value of every member of the validated JSON object at raw[i].
func eachMember(raw []byte, i int, f func(key []byte, vi int) error) error {
	j := skipWS(raw, i+1)
	for j < len(raw) && raw[j] != '}' {
		kend, _, err := scanString(raw, j)
		if err != nil {
			return err
		}
		key := raw[j+1 : kend-1]
		j = skipWS(raw, kend)
		j = skipWS(raw, j+1) // the colon
		if err := f(key, j); err != nil {
			return err
		}
		if j, err = skipValue(raw, j, 0); err != nil {
			return err
		}
		j = skipWS(raw, j)
		if j < len(raw) && raw[j] == ',' {
			j = skipWS(raw, j+1)
		}
	}
	return nil
}

// appendComplexJSON appends the complex value enc of type d as JSON, with
// doubles as Java prints them. It returns an error when enc is not a valid
// encoding of d.
func appendComplexJSON(dst []byte, d *sdk.TypeDesc, enc string) ([]byte, error) {
	// The encoding is only read: no copy of it.
	return sdk.AppendComplexJSON(dst, d, unsafe.Slice(unsafe.StringData(enc), len(enc)), appendJavaDouble)
}

// unescaped returns the contents of a JSON string (without its quotes)
// with escapes resolved; it copies only when there are escapes.
func unescaped(body []byte) []byte {
	if bytes.IndexByte(body, '\\') < 0 {
		return body
	}
	return appendUnescaped(nil, body)
}

// appendCxBytes appends a CxString element of the given bytes.
func appendCxBytes(dst, b []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(append(dst, sdk.CxString), uint32(len(b)))
	return append(dst, b...)
}
