// Package serde reads and writes the keys and values of Kafka records in the
// formats ksqlDB supports without a schema registry: JSON, DELIMITED, KAFKA
// and NONE, with ksqlDB's semantics.
//
// A Serde is built once per source and side (NewKey, NewValue) from the
// columns it handles and the source's options, and is then used on the hot
// path: Decode fills a caller-owned row ([]sdk.Value, one entry per column,
// in column order) and allocates only for STRING values; Encode appends to a
// caller-owned buffer and does not allocate. StringViews gives a serde whose
// Decode does not allocate at all: its STRING values share the input's bytes,
// for a caller that is done with the row before the input changes. A record
// that cannot be decoded gives a *Error that reads well in a processing log;
// no input makes the package panic.
//
// # JSON
//
// A value is an object whose fields are matched to columns by exact name,
// then by the upper-cased field name (so {"name": "a"} fills column NAME); a
// missing field or JSON null is NULL. A single-column key, and a single
// value column with WRAP_SINGLE_VALUE=false, are the bare JSON value instead
// of an object. Numbers keep their exact meaning: integers are parsed without
// a float64 round trip; a fractional number read into INT or BIGINT is
// truncated toward zero, as ksqlDB does; numeric strings are accepted for
// numeric columns ("12" into INT); a STRING column accepts any value (numbers
// and booleans become their text, objects their compact JSON text, arrays
// ksqlDB's "[a, b]" text); BOOLEAN accepts only true and false. Output
// objects use the column names as field names, without white space, and
// DOUBLE is written as Java's Double.toString writes it (100.0, 1.0E7).
//
// # DELIMITED
//
// CSV as ksqlDB writes it with Apache commons-csv: a one-character delimiter
// (VALUE_DELIMITER / KEY_DELIMITER, or the words TAB and SPACE), fields
// quoted with " and a quote inside doubled. An empty field is NULL for every
// type; the number of fields must equal the number of columns. Output quotes
// a field only where commons-csv does (see delimited.go).
//
// # KAFKA
//
// One column, written with Kafka's primitive serializers: INT as 4 bytes,
// BIGINT as 8 bytes, DOUBLE as the 8 bytes of its IEEE-754 bits, all
// big-endian; STRING as UTF-8. BOOLEAN is not supported, as in ksqlDB.
//
// # NONE
//
// The key of a keyless stream: nothing is read, a null key is written. A key
// without columns behaves so whatever its declared format; a value without
// columns reads nothing and writes its format's empty row ({} in JSON), so
// that it stays distinct from a tombstone.
//
// # Null records
//
// A null record (a Kafka tombstone, or JSON null) decodes as a row of NULLs;
// IsNull tells it apart. A NULL single-column key encodes as a null key, so
// such a null key survives a decode and encode; so does a single NULL value
// written bare (KAFKA, or JSON with WRAP_SINGLE_VALUE=false), as in ksqlDB.
// A key of several columns that are all NULL encodes as a record
// ({"A":null,"B":null}, or "," in DELIMITED): ksqlDB writes a key it built
// (PARTITION BY a, b) so, and only a null key passed through unchanged stays
// null, which the caller decides (the executor remembers that the source
// key was null).
//
// # Differences from ksqlDB
//
// Each is deliberate and keeps bad data from turning silently into wrong
// data:
//   - JSON: a number outside the range of INT or BIGINT is an error (ksqlDB
//     wraps it around); data after the JSON document is an error (ksqlDB
//     ignores it).
//   - DELIMITED: a BOOLEAN field other than true or false (in any case) is
//     an error (ksqlDB reads it as false); an empty record with a single
//     column decodes as NULL (ksqlDB fails with "No fields in record"), so
//     that the encoding of a NULL column reads back.
//   - STRING values are kept as the bytes received; ksqlDB replaces invalid
//     UTF-8 in KAFKA and DELIMITED data with U+FFFD (JSON refuses it in both).
//
// Windowed keys, as Kafka Streams writes them, are built and split by
// AppendTimeWindow, AppendSessionWindow, ParseTimeWindow and
// ParseSessionWindow.
package serde
