package serde

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/wasmstream/wasmstream/sdk"
)

// kafkaSerde is ksqlDB's KAFKA format: one column written with Kafka's own
// primitive serializers. INT is 4 bytes and BIGINT 8 bytes, big-endian two's
// complement; DOUBLE is the 8-byte big-endian IEEE-754 bits; STRING is the
// UTF-8 bytes. A null record is NULL and NULL is a null record. BOOLEAN has no
// Kafka serializer and is refused, as ksqlDB refuses it.
type kafkaSerde struct {
	cols  []sdk.Column // the one column, as Columns returns it
	col   sdk.Column
	key   bool
	views bool // a STRING value aliases the input (StringViews)
}

func newKafka(cols []sdk.Column, opts Options) (Serde, error) {
	if len(cols) != 1 {
		return nil, fmt.Errorf("the 'KAFKA' format only supports a single field, got: %s", columnList(cols))
	}
	if cols[0].Type == sdk.TypeBoolean {
		return nil, fmt.Errorf("the 'KAFKA' format does not support type 'BOOLEAN'")
	}
	return &kafkaSerde{cols: cols, col: cols[0], key: opts.Key}, nil
}

func (s *kafkaSerde) Format() string          { return sdk.FormatKafka }
func (s *kafkaSerde) Columns() []sdk.Column   { return s.cols }
func (s *kafkaSerde) IsNull(data []byte) bool { return data == nil }

func (s *kafkaSerde) err(reason string) error {
	return &Error{Format: sdk.FormatKafka, Key: s.key, Field: s.col.Name, Reason: reason}
}

// Decode implements Serde. As Kafka's deserializers, it reads nil as NULL
// and an empty record as the empty STRING, and refuses a number of the
// wrong size.
func (s *kafkaSerde) Decode(data []byte, row []sdk.Value) error {
	if len(row) != 1 {
		return rowLenError(sdk.FormatKafka, s.key, len(row), 1)
	}
	t := s.col.Type
	if data == nil {
		row[0] = sdk.Value{Type: t, Null: true}
		return nil
	}
	switch t {
	case sdk.TypeInt:
		if len(data) != 4 {
			return s.err(fmt.Sprintf("expected 4 bytes for an INTEGER, got %d", len(data)))
		}
		row[0] = sdk.Value{Type: t, I: int64(int32(binary.BigEndian.Uint32(data)))}
	case sdk.TypeBigInt:
		if len(data) != 8 {
			return s.err(fmt.Sprintf("expected 8 bytes for a BIGINT, got %d", len(data)))
		}
		row[0] = sdk.Value{Type: t, I: int64(binary.BigEndian.Uint64(data))}
	case sdk.TypeDouble:
		if len(data) != 8 {
			return s.err(fmt.Sprintf("expected 8 bytes for a DOUBLE, got %d", len(data)))
		}
		row[0] = sdk.Value{Type: t, F: math.Float64frombits(binary.BigEndian.Uint64(data))}
	default:
		if s.views {
			row[0] = sdk.Value{Type: t, S: view(data)}
		} else {
			row[0] = sdk.Value{Type: t, S: string(data)}
		}
	}
	return nil
}

// Encode implements Serde.
func (s *kafkaSerde) Encode(dst []byte, row []sdk.Value) ([]byte, error) {
	if len(row) != 1 {
		return nil, rowLenError(sdk.FormatKafka, s.key, len(row), 1)
	}
	v := row[0]
	if v.Null {
		return nil, nil
	}
	if v.Type != s.col.Type {
		return nil, typeError(sdk.FormatKafka, s.key, s.col, v.Type)
	}
	dst = nonNil(dst)
	switch v.Type {
	case sdk.TypeInt:
		return binary.BigEndian.AppendUint32(dst, uint32(int32(v.I))), nil
	case sdk.TypeBigInt:
		return binary.BigEndian.AppendUint64(dst, uint64(v.I)), nil
	case sdk.TypeDouble:
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.F)), nil
	default:
		return append(dst, v.S...), nil
	}
}
