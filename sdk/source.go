package sdk

import "strings"

// Column is one column of a source's schema.
type Column struct {
	Name string `msgpack:"name"`
	Type Type   `msgpack:"type"`
	// Key marks a key column (KEY in a stream, PRIMARY KEY in a table): it is
	// read from and written to the record key, not the value.
	Key bool `msgpack:"key,omitempty"`
	// Desc is the full type of a column of a complex type (ARRAY, MAP,
	// STRUCT); nil for the scalar types, which Type describes alone.
	Desc *TypeDesc `msgpack:"desc,omitempty"`
}

// SourceKind says whether a source is a stream or a table.
type SourceKind uint8

// The kinds of source.
const (
	Stream SourceKind = iota + 1
	Table
)

// String returns STREAM or TABLE.
func (k SourceKind) String() string {
	if k == Table {
		return "TABLE"
	}
	return "STREAM"
}

// Formats a source's key or value can be serialized with.
const (
	FormatKafka     = "KAFKA"
	FormatJSON      = "JSON"
	FormatDelimited = "DELIMITED"
	FormatNone      = "NONE"
)

// WindowType is the kind of window of a windowed key.
type WindowType uint8

// The window types.
const (
	WindowNone WindowType = iota
	WindowTumbling
	WindowHopping
	WindowSession
)

// String returns the window type as ksqlDB spells it.
func (w WindowType) String() string {
	switch w {
	case WindowTumbling:
		return "TUMBLING"
	case WindowHopping:
		return "HOPPING"
	case WindowSession:
		return "SESSION"
	}
	return "NONE"
}

// KeyWindow describes a windowed key: the key bytes are followed by the
// window bounds, as Kafka Streams' windowed serdes write them.
type KeyWindow struct {
	Type WindowType `msgpack:"type"`
	// SizeMs is the window size for TUMBLING and HOPPING (0 for SESSION); a
	// time-windowed key carries only its start, the end is start + SizeMs.
	SizeMs int64 `msgpack:"size_ms,omitempty"`
}

// Source is a catalog entry: a named stream or table over a Kafka topic. It is
// what CREATE STREAM / CREATE TABLE declares and what a persistent query reads
// and writes, and it is embedded in a module's manifest so the runtime needs
// no catalog of its own.
type Source struct {
	Name  string     `msgpack:"name"`
	Kind  SourceKind `msgpack:"kind"`
	Topic string     `msgpack:"topic"`
	// Columns in declaration order; key columns carry Key.
	Columns     []Column `msgpack:"columns"`
	KeyFormat   string   `msgpack:"key_format"`
	ValueFormat string   `msgpack:"value_format"`
	// WrapSingleValue says whether a single value column is written as an
	// object/record (true, the default) or as the bare value.
	WrapSingleValue bool   `msgpack:"wrap_single_value"`
	KeyDelimiter    string `msgpack:"key_delimiter,omitempty"`
	ValueDelimiter  string `msgpack:"value_delimiter,omitempty"`
	// TimestampColumn, if set, names the column that gives event time instead
	// of the record timestamp.
	TimestampColumn string `msgpack:"timestamp_column,omitempty"`
	TimestampFormat string `msgpack:"timestamp_format,omitempty"`
	Partitions      int    `msgpack:"partitions,omitempty"`
	Replicas        int    `msgpack:"replicas,omitempty"`
	// Window is set when the key is windowed.
	Window *KeyWindow `msgpack:"window,omitempty"`
	// Declared is true for a source declared by CREATE STREAM/TABLE over an
	// existing topic, false for the sink of a persistent query.
	Declared bool `msgpack:"declared,omitempty"`
}

// KeyColumns returns the key columns in order.
func (s *Source) KeyColumns() []Column {
	var out []Column
	for _, c := range s.Columns {
		if c.Key {
			out = append(out, c)
		}
	}
	return out
}

// ValueColumns returns the value columns in order.
func (s *Source) ValueColumns() []Column {
	var out []Column
	for _, c := range s.Columns {
		if !c.Key {
			out = append(out, c)
		}
	}
	return out
}

// Column returns the index of the column with the given name, or -1.
func (s *Source) Column(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// SchemaString renders the columns the way ksqlDB prints a logical schema,
// e.g. "ID INTEGER KEY, NAME STRING". Names are back-quoted only where they
// need it.
func (s *Source) SchemaString() string {
	var b strings.Builder
	for i, c := range s.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
		b.WriteByte(' ')
		b.WriteString(c.TypeString())
		if c.Key {
			if s.Kind == Table {
				b.WriteString(" PRIMARY KEY")
			} else {
				b.WriteString(" KEY")
			}
		}
	}
	return b.String()
}
