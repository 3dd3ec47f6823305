package serde

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
)

// Serde decodes and encodes one side of a source's records: its key or its
// value. It is built once per source and side (NewKey, NewValue, New) from the
// columns it handles and the source's format options, keeps no per-record
// state, and is safe for concurrent use by several goroutines.
//
// A row is a []sdk.Value with one entry per column, in column order (the order
// of Columns). Decode overwrites the entries of a caller-owned row, so one row
// can be reused for every record; Encode appends to a caller-owned buffer.
type Serde interface {
	// Format returns the name of the format, as ksqlDB spells it: JSON,
	// DELIMITED, KAFKA or NONE.
	Format() string

	// Columns returns the columns the serde handles, in row order. The
	// caller must not modify the returned slice.
	Columns() []sdk.Column

	// Decode parses one record key or value into row, which must have
	// exactly len(Columns()) entries. Every entry is overwritten: a column
	// that the data does not mention becomes NULL. A null record (nil data,
	// and for JSON also the literal null) sets every column to NULL; use
	// IsNull to tell such a record (a tombstone) from a row of NULLs.
	//
	// Decode allocates only for the STRING values it returns. A record that
	// cannot be decoded gives a *Error; the contents of row are then
	// unspecified.
	Decode(data []byte, row []sdk.Value) error

	// Encode appends the encoding of row to dst and returns the extended
	// buffer. It does not allocate beyond growing dst.
	//
	// It returns a nil slice when the row encodes to a null record: a NULL
	// single-column key, a single unwrapped value (KAFKA, or JSON without
	// WRAP_SINGLE_VALUE) that is NULL, and for NONE always. A key of
	// several columns is a record even when all its columns are NULL
	// ({"A":null,"B":null} in JSON, "," in DELIMITED), as ksqlDB writes a
	// key it built; a caller that passes a null key through unchanged
	// writes nil itself (IsNull tells it the key was null). An empty but
	// present record (an empty KAFKA string) is returned as a non-nil
	// empty slice. Callers that reuse a buffer should keep it separately:
	// a nil result does not hand the buffer back.
	Encode(dst []byte, row []sdk.Value) ([]byte, error)

	// IsNull reports whether data is a null record: nil, and for JSON also
	// the literal null (with optional white space around it). For a table
	// such a value is a tombstone.
	IsNull(data []byte) bool
}

// Options are the format settings New needs besides the format and the
// columns. NewKey and NewValue fill them from a sdk.Source.
type Options struct {
	// Key marks a key serde. A key with a single column is always written as
	// the bare value (as ksqlDB does for keys), and error messages say "key".
	Key bool
	// Wrap says whether a value with a single column is written as an object
	// holding that column (WRAP_SINGLE_VALUE=true, ksqlDB's default) or as
	// the bare value. Only JSON distinguishes the two: KAFKA is always bare,
	// DELIMITED has no wrapper. Ignored for keys and for several columns.
	Wrap bool
	// Delimiter is the DELIMITED field separator: a single character, or
	// the words TAB or SPACE. Empty means a comma.
	Delimiter string
}

// NewKey returns the serde for the key of src: its key columns in KeyFormat,
// with KeyDelimiter. A source without key columns (a keyless stream) gets the
// NONE serde whatever its key format, as ksqlDB ignores the key of such a
// stream.
func NewKey(src *sdk.Source) (Serde, error) {
	s, err := New(src.KeyFormat, src.KeyColumns(), Options{Key: true, Delimiter: src.KeyDelimiter})
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", src.Name, err)
	}
	return s, nil
}

// NewValue returns the serde for the value of src: its value columns in
// ValueFormat, with WrapSingleValue and ValueDelimiter.
func NewValue(src *sdk.Source) (Serde, error) {
	s, err := New(src.ValueFormat, src.ValueColumns(), Options{Wrap: src.WrapSingleValue, Delimiter: src.ValueDelimiter})
	if err != nil {
		return nil, fmt.Errorf("value of %s: %w", src.Name, err)
	}
	return s, nil
}

// New returns a serde for the given format (case-insensitive) over cols. It
// fails for a format that needs a schema registry ("not supported yet: AVRO
// format"), an unknown format, a column type the format cannot hold, or a
// column count the format does not allow (KAFKA holds one column, NONE none).
func New(format string, cols []sdk.Column, opts Options) (Serde, error) {
	f := strings.ToUpper(strings.TrimSpace(format))
	if f == "" {
		if !opts.Key {
			return nil, fmt.Errorf("no value format given")
		}
		f = sdk.FormatKafka // ksqlDB's default key format
	}
	switch f {
	case "AVRO", "PROTOBUF", "PROTOBUF_NOSR", "JSON_SR":
		return nil, fmt.Errorf("not supported yet: %s format", f)
	case sdk.FormatJSON, sdk.FormatDelimited, sdk.FormatKafka, sdk.FormatNone:
	default:
		return nil, fmt.Errorf("unknown format: %s", format)
	}
	if f != sdk.FormatNone && opts.Delimiter != "" && f != sdk.FormatDelimited {
		return nil, fmt.Errorf("%s does not support the following configs: [delimiter]", f)
	}
	if len(cols) == 0 {
		// Keyless streams, and values without columns: nothing to read,
		// whatever the declared format. A key is then always null; a value
		// is written as the format writes an empty row, so that it stays
		// distinct from a tombstone.
		n := &noneSerde{format: f, key: opts.Key}
		if !opts.Key {
			switch f {
			case sdk.FormatJSON:
				n.empty = []byte("{}")
			case sdk.FormatDelimited:
				n.empty = []byte{}
			}
		}
		return n, nil
	}
	if f == sdk.FormatNone {
		return nil, fmt.Errorf("the 'NONE' format can only be used when no columns are defined, got: %s", columnList(cols))
	}
	for _, c := range cols {
		switch c.Type {
		case sdk.TypeBoolean, sdk.TypeInt, sdk.TypeBigInt, sdk.TypeDouble, sdk.TypeString:
		case sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
			// Only JSON writes complex values; their full type must be known.
			if f != sdk.FormatJSON {
				return nil, fmt.Errorf("the '%s' format does not support type '%s', column: `%s`", f, c.Type, c.Name)
			}
			if c.Desc == nil || c.Desc.Type != c.Type || c.Desc.Check() != nil {
				return nil, fmt.Errorf("column `%s` of type %s has no valid type descriptor", c.Name, c.Type)
			}
		default:
			if formatSupports(f, c.Type) {
				continue
			}
			return nil, fmt.Errorf("the '%s' format does not support type '%s', column: `%s`", f, typeFamily(c.Type), c.Name)
		}
	}
	switch f {
	case sdk.FormatJSON:
		return newJSON(cols, opts), nil
	case sdk.FormatDelimited:
		return newDelimited(cols, opts)
	default:
		return newKafka(cols, opts)
	}
}

// columnList renders columns as ksqlDB does in format errors:
// "`A` INTEGER, `B` STRING".
func columnList(cols []sdk.Column) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + c.Name + "` " + c.TypeString())
	}
	return b.String()
}

// Error is a record that could not be decoded or a row that could not be
// encoded. Its message is meant for a processing-log entry, e.g.
//
//	JSON value: field "AGE": cannot parse "abc" as INTEGER
type Error struct {
	// Format is the format's name (JSON, DELIMITED, KAFKA).
	Format string
	// Key is true for a record key, false for a value.
	Key bool
	// Field names the column concerned; empty when the error is about the
	// record as a whole (bad syntax, wrong number of fields).
	Field string
	// Reason says what is wrong, in a few words.
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	side := "value"
	if e.Key {
		side = "key"
	}
	if e.Field == "" {
		return e.Format + " " + side + ": " + e.Reason
	}
	return e.Format + " " + side + ": field " + quoteName(e.Field) + ": " + e.Reason
}

// LogValue implements slog.LogValuer, so that a processing-log entry built
// with log/slog carries the error's parts as fields (format, side, field,
// reason) besides its message.
func (e *Error) LogValue() slog.Value {
	side := "value"
	if e.Key {
		side = "key"
	}
	attrs := []slog.Attr{slog.String("format", e.Format), slog.String("side", side)}
	if e.Field != "" {
		attrs = append(attrs, slog.String("field", e.Field))
	}
	return slog.GroupValue(append(attrs, slog.String("reason", e.Reason))...)
}

// quoteName quotes a column name for an error message.
func quoteName(s string) string { return `"` + s + `"` }

// maxQuoted bounds how much of a bad value an error message repeats, so that
// one malformed megabyte does not become a megabyte of processing log.
const maxQuoted = 64

// quoteValue quotes raw input for an error message, shortened to maxQuoted
// bytes.
func quoteValue(b []byte) string {
	if len(b) > maxQuoted {
		return fmt.Sprintf("%q...", b[:maxQuoted])
	}
	return fmt.Sprintf("%q", b)
}

// setNulls sets every entry of row to the NULL of its column's type.
func setNulls(row []sdk.Value, cols []sdk.Column) {
	for i := range row {
		row[i] = sdk.Value{Type: cols[i].Type, Null: true}
	}
}

// rowLenError reports a row whose length does not match the columns: a
// programming error of the caller, reported rather than panicking.
func rowLenError(format string, key bool, got, want int) error {
	return &Error{Format: format, Key: key, Reason: fmt.Sprintf("row has %d values for %d columns", got, want)}
}

// typeError reports a value whose type is not its column's.
func typeError(format string, key bool, col sdk.Column, got sdk.Type) error {
	return &Error{Format: format, Key: key, Field: col.Name,
		Reason: fmt.Sprintf("cannot encode a %s value in a %s column", got, col.Type)}
}

// allNull reports whether every value of row is NULL.
func allNull(row []sdk.Value) bool {
	for i := range row {
		if !row[i].Null {
			return false
		}
	}
	return true
}

// nonNil returns dst, or an empty non-nil slice when dst is nil, so that an
// empty encoding is not mistaken for a null record.
func nonNil(dst []byte) []byte {
	if dst == nil {
		return make([]byte, 0) // zero-size: does not allocate
	}
	return dst
}

// noneSerde reads nothing: the key of a keyless stream, or a side without
// columns. It writes a null record, or for a value the format's empty row.
type noneSerde struct {
	format string
	key    bool
	// empty is the encoding of the empty row; nil for a null record.
	empty []byte
}

func (n *noneSerde) Format() string          { return n.format }
func (n *noneSerde) Columns() []sdk.Column   { return nil }
func (n *noneSerde) IsNull(data []byte) bool { return data == nil }

func (n *noneSerde) Decode(_ []byte, row []sdk.Value) error {
	if len(row) != 0 {
		return rowLenError(n.format, n.key, len(row), 0)
	}
	return nil
}

func (n *noneSerde) Encode(dst []byte, row []sdk.Value) ([]byte, error) {
	if len(row) != 0 {
		return nil, rowLenError(n.format, n.key, len(row), 0)
	}
	if n.empty == nil {
		return nil, nil
	}
	return append(nonNil(dst), n.empty...), nil
}
