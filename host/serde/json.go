package serde

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/wasmstream/wasmstream/sdk"
)

// jsonSerde is the JSON format as ksqlDB reads and writes it (KsqlJsonDeserializer
// and Kafka Connect's JsonConverter without schemas).
type jsonSerde struct {
	cols []sdk.Column
	key  bool
	// bare: the single column is the whole document (a single-column key,
	// or a value with WRAP_SINGLE_VALUE=false); otherwise an object.
	bare bool
	// collide: some column's name is the upper-case form of another's
	// (`name` and NAME). Only then can one JSON field feed two columns, so
	// only then must field lookup go on after the first match.
	collide bool
	// prefix[c] is `{"NAME":` for the first column and `,"NAME":` for the
	// others, built once so that encoding a field name is one copy.
	prefix [][]byte
	// names[c] packs the first bytes of column c's name, so that field
	// lookup rejects most columns with an integer comparison.
	names []packedName
	// views: STRING values without escapes alias the input (StringViews).
	views bool
}

// packedName is the first 8 bytes of a name as an integer, its length, and
// whether the whole name is ASCII (only then does upper-casing keep the
// length and act on the packed form byte by byte).
type packedName struct {
	head  uint64
	n     int
	ascii bool
}

// load8 returns the first 8 bytes of b (zero-padded) as a little-endian
// integer.
func load8(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var h uint64
	for i := len(b) - 1; i >= 0; i-- {
		h = h<<8 | uint64(b[i])
	}
	return h
}

// upperASCII8 upper-cases the ASCII letters among 8 packed bytes at once
// (bytes >= 0x80 are left alone).
func upperASCII8(x uint64) uint64 {
	const ones = 0x0101010101010101
	low7 := x & (0x7f * ones)
	geA := low7 + (0x80-'a')*ones   // high bit set where byte >= 'a'
	gtZ := low7 + (0x80-'z'-1)*ones // high bit set where byte > 'z'
	mask := (geA &^ gtZ) &^ x & (0x80 * ones)
	return x - mask>>2 // 0x80>>2 == 'a'-'A'
}

func newJSON(cols []sdk.Column, opts Options) *jsonSerde {
	s := &jsonSerde{cols: cols, key: opts.Key}
	s.bare = len(cols) == 1 && (opts.Key || !opts.Wrap)
	for i := range cols {
		for j := range cols {
			if i != j && upperEquals([]byte(cols[i].Name), cols[j].Name) {
				s.collide = true
			}
		}
	}
	s.names = make([]packedName, len(cols))
	for i, c := range cols {
		h := load8([]byte(c.Name))
		ascii := true
		for j := 0; j < len(c.Name); j++ {
			ascii = ascii && c.Name[j] < utf8.RuneSelf
		}
		s.names[i] = packedName{head: h, n: len(c.Name), ascii: ascii}
	}
	s.prefix = make([][]byte, len(cols))
	for i, c := range cols {
		var p []byte
		if i == 0 {
			p = append(p, '{')
		} else {
			p = append(p, ',')
		}
		p = appendJSONString(p, c.Name)
		s.prefix[i] = append(p, ':')
	}
	return s
}

func (s *jsonSerde) Format() string        { return sdk.FormatJSON }
func (s *jsonSerde) Columns() []sdk.Column { return s.cols }

func (s *jsonSerde) IsNull(data []byte) bool {
	if data == nil {
		return true
	}
	i := skipWS(data, 0)
	if len(data)-i < 4 || string(data[i:i+4]) != "null" {
		return false
	}
	return skipWS(data, i+4) == len(data)
}

// span locates the chosen JSON value of a column in the input.
type span struct {
	start, end int32 // records are far below 2 GiB (checked in Decode)
	// level: 0 no field found, 1 found by upper-cased name, 2 by exact name.
	level uint8
	// escaped: the value is a string with backslash escapes.
	escaped bool
}

// stackSpans is how many columns are decoded without allocating the span
// table on the heap (12 bytes each on the stack).
const stackSpans = 128

func (s *jsonSerde) err(field, reason string) error {
	return &Error{Format: sdk.FormatJSON, Key: s.key, Field: field, Reason: reason}
}

// Decode implements Serde.
//
// Fields are matched as ksqlDB matches them: by exact name, else by the
// upper-cased JSON name (unquoted column names are upper case, so {"name":..}
// fills NAME). When a name occurs twice the last occurrence wins, as in
// Jackson's tree. Unknown fields are skipped without allocating.
func (s *jsonSerde) Decode(data []byte, row []sdk.Value) error {
	if len(row) != len(s.cols) {
		return rowLenError(sdk.FormatJSON, s.key, len(row), len(s.cols))
	}
	if data == nil {
		setNulls(row, s.cols)
		return nil
	}
	if len(data) > math.MaxInt32 {
		return s.err("", "record larger than 2 GiB")
	}
	i := skipWS(data, 0)
	if i == len(data) {
		return s.err("", "empty data is not a JSON document")
	}
	if s.bare {
		end, err := skipValue(data, i, 0)
		if err != nil {
			return s.err("", err.Error())
		}
		if j := skipWS(data, end); j != len(data) {
			return s.err("", errAt(j, "unexpected data after the JSON document").Error())
		}
		// Only a string with a backslash has escapes to resolve.
		return s.decodeField(0, data[i:end], bytes.IndexByte(data[i:end], '\\') >= 0, row)
	}
	if data[i] != '{' {
		if data[i] == 'n' && s.IsNull(data) {
			setNulls(row, s.cols)
			return nil
		}
		if _, err := skipValue(data, i, 0); err != nil {
			return s.err("", err.Error())
		}
		return s.err("", "expected a JSON object, found a JSON "+kindOf(data[i]))
	}

	// The span table lives on the stack; a small array for the usual
	// schemas keeps the cost of zeroing it low.
	switch n := len(s.cols); {
	case n <= 16:
		var buf [16]span
		return s.decodeObject(data, i, row, buf[:n])
	case n <= stackSpans:
		var buf [stackSpans]span
		return s.decodeObject(data, i, row, buf[:n])
	default:
		return s.decodeObject(data, i, row, make([]span, n))
	}
}

// decodeObject decodes the object at data[i] into row, using spans (zeroed,
// one per column) to note where each column's value is.
func (s *jsonSerde) decodeObject(data []byte, i int, row []sdk.Value, spans []span) error {
	end, err := s.scanObject(data, i, spans)
	if err != nil {
		return s.err("", err.Error())
	}
	if j := skipWS(data, end); j != len(data) {
		return s.err("", errAt(j, "unexpected data after the JSON document").Error())
	}
	for c := range s.cols {
		sp := spans[c]
		if sp.level == 0 {
			row[c] = sdk.Value{Type: s.cols[c].Type, Null: true}
			continue
		}
		if err := s.decodeField(c, data[sp.start:sp.end], sp.escaped, row); err != nil {
			return err
		}
	}
	return nil
}

// scanObject scans the object at data[i] and records in spans where each
// column's value is. It returns the offset past the object.
func (s *jsonSerde) scanObject(data []byte, i int, spans []span) (int, error) {
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	hint := 0 // fields usually come in column order: try the next column first
	var kbuf [64]byte
	for {
		if i >= len(data) || data[i] != '"' {
			return 0, unexpected(data, i, "a field name")
		}
		ke, flags, err := scanString(data, i)
		if err != nil {
			return 0, err
		}
		name := data[i+1 : ke-1]
		if flags&strEscaped != 0 {
			name = appendUnescaped(kbuf[:0], name)
		}
		i = skipWS(data, ke)
		if i >= len(data) || data[i] != ':' {
			return 0, unexpected(data, i, "':'")
		}
		vs := skipWS(data, i+1)
		var ve int
		var vflags strFlag
		if vs < len(data) && data[vs] == '"' {
			// The common case, scanned here so that decoding knows
			// whether the string has escapes without scanning it again.
			ve, vflags, err = scanString(data, vs)
		} else {
			ve, err = skipValue(data, vs, 1)
		}
		if err != nil {
			return 0, err
		}
		hint = s.match(name, flags == 0, spans, span{int32(vs), int32(ve), 0, vflags&strEscaped != 0}, hint)
		i = skipWS(data, ve)
		if i < len(data) && data[i] == ',' {
			i = skipWS(data, i+1)
			continue
		}
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		return 0, unexpected(data, i, "',' or '}'")
	}
}

// match records the value v for the columns the JSON field name selects and
// returns the next lookup hint. ascii says the name is pure ASCII.
func (s *jsonSerde) match(name []byte, ascii bool, spans []span, v span, hint int) int {
	n := len(s.cols)
	raw := load8(name)
	exact := -1
	for k := 0; k < n; k++ {
		c := hint + k
		if c >= n {
			c -= n
		}
		if pn := &s.names[c]; pn.head == raw && pn.n == len(name) && string(name) == s.cols[c].Name {
			exact = c
			break
		}
	}
	if exact >= 0 {
		v.level = 2
		spans[exact] = v
		hint = exact + 1
		if !s.collide {
			return hint
		}
	}
	v.level = 1
	up := upperASCII8(raw)
	for k := 0; k < n; k++ {
		c := hint + k
		if c >= n {
			c -= n
		}
		if c == exact || spans[c].level == 2 {
			continue
		}
		if pn := &s.names[c]; ascii && pn.ascii && (pn.head != up || pn.n != len(name)) {
			continue // ASCII heads differ after upper-casing: cannot match
		}
		if upperEquals(name, s.cols[c].Name) {
			spans[c] = v
			if !s.collide {
				return c + 1
			}
		}
	}
	return hint
}

// upperEquals reports whether the upper-case form of key is name, the test
// ksqlDB applies after an exact lookup fails.
func upperEquals(key []byte, name string) bool {
	i := 0
	for i < len(key) && i < len(name) {
		k, n := key[i], name[i]
		if k >= utf8.RuneSelf || n >= utf8.RuneSelf {
			return upperEqualsRunes(key[i:], name[i:])
		}
		if 'a' <= k && k <= 'z' {
			k -= 'a' - 'A'
		}
		if k != n {
			return false
		}
		i++
	}
	return i == len(key) && i == len(name)
}

func upperEqualsRunes(key []byte, name string) bool {
	for len(key) > 0 && len(name) > 0 {
		kr, ks := utf8.DecodeRune(key)
		nr, ns := utf8.DecodeRuneInString(name)
		if unicode.ToUpper(kr) != nr {
			return false
		}
		key, name = key[ks:], name[ns:]
	}
	return len(key) == 0 && len(name) == 0
}

// decodeField converts the validated JSON value raw into column c of row,
// with ksqlDB's coercions: numbers and numeric strings into INT, BIGINT and
// DOUBLE; anything but null into STRING (numbers and booleans as their text,
// objects as compact JSON); only true and false into BOOLEAN.
//
// escaped may be true when in doubt; false promises a string without escapes.
func (s *jsonSerde) decodeField(c int, raw []byte, escaped bool, row []sdk.Value) error {
	col := s.cols[c]
	first := raw[0]
	if first == 'n' {
		row[c] = sdk.Value{Type: col.Type, Null: true}
		return nil
	}
	switch col.Type {
	case sdk.TypeBoolean:
		switch first {
		case 't':
			row[c] = sdk.Value{Type: sdk.TypeBoolean, I: 1}
			return nil
		case 'f':
			row[c] = sdk.Value{Type: sdk.TypeBoolean}
			return nil
		}
	case sdk.TypeInt, sdk.TypeBigInt:
		bits := 64
		if col.Type == sdk.TypeInt {
			bits = 32
		}
		switch {
		case first == '-' || isDigit(first):
			v, ok := jsonInteger(raw, bits)
			if !ok {
				return s.err(col.Name, fmt.Sprintf("number %s is out of range for %s", quoteRaw(raw), col.Type))
			}
			row[c] = sdk.Value{Type: col.Type, I: v}
			return nil
		case first == '"':
			text, ok := s.smallString(raw)
			if ok {
				if v, ok := parseJavaInt(text, bits); ok {
					row[c] = sdk.Value{Type: col.Type, I: v}
					return nil
				}
			}
			return s.err(col.Name, fmt.Sprintf("cannot parse %s as %s", quoteRaw(raw[1:len(raw)-1]), col.Type))
		}
	case sdk.TypeDouble:
		switch {
		case first == '-' || isDigit(first):
			// A validated JSON number is valid Go syntax; ParseFloat rounds
			// the exact decimal correctly, as BigDecimal.doubleValue does.
			f, err := strconv.ParseFloat(string(raw), 64)
			if err != nil && !isRangeErr(err) {
				return s.err(col.Name, fmt.Sprintf("cannot parse %s as DOUBLE", quoteRaw(raw)))
			}
			row[c] = sdk.Value{Type: sdk.TypeDouble, F: f}
			return nil
		case first == '"':
			text, ok := s.smallString(raw)
			if ok {
				if f, ok := parseJavaDouble(text); ok {
					row[c] = sdk.Value{Type: sdk.TypeDouble, F: f}
					return nil
				}
			}
			return s.err(col.Name, fmt.Sprintf("cannot parse %s as DOUBLE", quoteRaw(raw[1:len(raw)-1])))
		}
	case sdk.TypeString:
		var v string
		switch first {
		case '"':
			switch {
			case escaped:
				v = stringValue(raw)
			case s.views:
				v = view(raw[1 : len(raw)-1])
			default:
				v = string(raw[1 : len(raw)-1])
			}
		case 't':
			v = "true"
		case 'f':
			v = "false"
		case '{':
			v = string(appendCompactJSON(nil, raw))
		case '[':
			v = string(appendKsqlArrayText(nil, raw))
		default:
			v = string(appendJavaNumberText(nil, raw))
		}
		row[c] = sdk.Value{Type: sdk.TypeString, S: v}
		return nil
	case sdk.TypeBytes:
		if first == '"' {
			if b, ok := decodeBase64(raw[1 : len(raw)-1]); ok {
				row[c] = sdk.Value{Type: sdk.TypeBytes, S: b}
				return nil
			}
			return s.err(col.Name, "cannot decode the string as base64 BYTES")
		}
	case sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
		enc, err := decodeComplexJSON(nil, col.Desc, raw)
		if err != nil {
			return s.err(col.Name, err.Error())
		}
		row[c] = sdk.Value{Type: col.Type, S: string(enc)}
		return nil
	}
	if col.Type.IsDecimal() {
		text := raw
		if first == '"' {
			text, _ = s.smallString(raw)
		}
		if v, ok := parseDecimalText(col.Type, text); ok && (first == '-' || isDigit(first) || first == '"') {
			row[c] = v
			return nil
		}
		return s.err(col.Name, fmt.Sprintf("cannot convert %s to %s", quoteRaw(raw), col.Type))
	}
	return s.err(col.Name, fmt.Sprintf("cannot convert a JSON %s to %s", kindOf(first), col.Type))
}

// smallString returns the contents of the JSON string raw for number
// parsing, resolving escapes if there are any. It reports false for strings
// too long to be a number, which keeps the copy bounded.
func (s *jsonSerde) smallString(raw []byte) ([]byte, bool) {
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' {
			if len(body) > 512 {
				return nil, false
			}
			return appendUnescaped(make([]byte, 0, len(body)), body), true
		}
	}
	return body, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// quoteRaw quotes input text for an error message.
func quoteRaw(b []byte) string { return quoteValue(b) }

// Encode implements Serde. Objects have the column names as fields, in
// column order, without white space, as ksqlDB writes them. A single-column
// key is bare, so a NULL one is a null record; a key of several columns is
// an object even when all of them are NULL.
func (s *jsonSerde) Encode(dst []byte, row []sdk.Value) ([]byte, error) {
	if len(row) != len(s.cols) {
		return nil, rowLenError(sdk.FormatJSON, s.key, len(row), len(s.cols))
	}
	if s.bare {
		if row[0].Null {
			return nil, nil
		}
		return s.appendValue(nonNil(dst), 0, row[0])
	}
	var err error
	for c := range s.cols {
		dst = append(dst, s.prefix[c]...)
		if dst, err = s.appendValue(dst, c, row[c]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendValue appends one value as JSON.
func (s *jsonSerde) appendValue(dst []byte, c int, v sdk.Value) ([]byte, error) {
	if v.Null {
		return append(dst, "null"...), nil
	}
	col := s.cols[c]
	if v.Type != col.Type {
		return nil, typeError(sdk.FormatJSON, s.key, col, v.Type)
	}
	switch col.Type {
	case sdk.TypeBoolean:
		if v.I != 0 {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case sdk.TypeInt, sdk.TypeBigInt:
		return strconv.AppendInt(dst, v.I, 10), nil
	case sdk.TypeDouble:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			// JSON has no literal for these; Jackson quotes them.
			dst = append(dst, '"')
			dst = appendJavaDouble(dst, v.F)
			return append(dst, '"'), nil
		}
		return appendJavaDouble(dst, v.F), nil
	case sdk.TypeBytes:
		return appendBase64JSON(dst, v.S), nil
	case sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
		out, err := appendComplexJSON(dst, col.Desc, v.S)
		if err != nil {
			return nil, &Error{Format: sdk.FormatJSON, Key: s.key, Field: col.Name, Reason: err.Error()}
		}
		return out, nil
	default:
		if col.Type.IsDecimal() {
			return appendDecimalText(dst, v), nil
		}
		return appendJSONString(dst, v.S), nil
	}
}
