package qtt

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/wasmstream/wasmstream/sdk"
)

// specSerde converts between the "value spec" JSON form of a test file and
// record bytes, for one side (key or value) of one topic. It mirrors the
// test-only serdes of ksqlDB's runner (ValueSpecJsonSerdeSupplier,
// StringSerdeSupplier for DELIMITED, KafkaSerdeSupplier, NoneSerdeSupplier),
// not ksqlDB's production serdes: the harness must not share code with the
// engine under test, or a serde bug would cancel itself out.
type specSerde struct {
	format string
	// cols are the key or value columns (KAFKA needs the single column's type).
	cols []sdk.Column
	// window is set for a windowed key.
	window *sdk.KeyWindow
	// exact is false when use.exact.numeric.comparison is false: JSON floats
	// then decode as Double instead of BigDecimal.
	exact bool
}

// errSchemaRegistry marks formats that need a schema registry.
var errSchemaRegistry = errors.New("needs a schema registry")

// schemaRegistryFormat reports whether a format needs a schema registry.
func schemaRegistryFormat(f string) bool {
	switch strings.ToUpper(f) {
	case "AVRO", "PROTOBUF", "JSON_SR", "PROTOBUF_NOSR":
		return true
	}
	return false
}

// serialize turns a spec into record bytes. raw is the spec's exact JSON
// text, written as is for JSON so that numbers keep their text.
func (s specSerde) serialize(spec any, raw json.RawMessage, win *Window) ([]byte, error) {
	b, err := s.serializeInner(spec, raw)
	if err != nil {
		return nil, err
	}
	if s.window != nil && win != nil {
		// Kafka Streams' windowed serializers: inner key, then the window.
		if s.window.Type == sdk.WindowSession {
			b = binary.BigEndian.AppendUint64(b, uint64(win.End))
		}
		b = binary.BigEndian.AppendUint64(b, uint64(win.Start))
	}
	return b, nil
}

func (s specSerde) serializeInner(spec any, raw json.RawMessage) ([]byte, error) {
	format := strings.ToUpper(s.format)
	if schemaRegistryFormat(format) {
		return nil, fmt.Errorf("format %s: %w", format, errSchemaRegistry)
	}
	if spec == nil {
		return nil, nil
	}
	switch format {
	case sdk.FormatJSON:
		out := make([]byte, len(raw))
		copy(out, raw)
		return out, nil
	case sdk.FormatDelimited:
		return []byte(scalarText(spec)), nil
	case sdk.FormatNone:
		return nil, nil
	case sdk.FormatKafka, "":
		return s.serializeKafka(spec)
	}
	return nil, fmt.Errorf("cannot serialize format %q", s.format)
}

func (s specSerde) serializeKafka(spec any) ([]byte, error) {
	if len(s.cols) == 0 {
		// ksqlDB's runner uses a string serde here so tests can pass data
		// that the query ignores.
		return []byte(scalarText(spec)), nil
	}
	if len(s.cols) != 1 {
		return nil, errors.New("KAFKA format only supports single column schemas")
	}
	t := s.cols[0].Type
	switch t {
	case sdk.TypeString:
		str, ok := spec.(string)
		if !ok {
			return nil, fmt.Errorf("cannot serialize %s as STRING", formatExpected(spec))
		}
		return []byte(str), nil
	case sdk.TypeBytes:
		// QTT writes BYTES as base64 text, as ksqlDB's JSON does.
		str, ok := spec.(string)
		if !ok {
			return nil, fmt.Errorf("cannot serialize %s as BYTES", formatExpected(spec))
		}
		b, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return nil, fmt.Errorf("cannot serialize %s as BYTES: %w", formatExpected(spec), err)
		}
		return b, nil
	case sdk.TypeInt, sdk.TypeBigInt, sdk.TypeDouble:
		n, ok := spec.(json.Number)
		if !ok {
			return nil, fmt.Errorf("cannot serialize %s as %s", formatExpected(spec), t)
		}
		nn, ok := classifyNumber(n)
		if !ok {
			return nil, fmt.Errorf("invalid number %s", n)
		}
		switch t {
		case sdk.TypeInt:
			return binary.BigEndian.AppendUint32(nil, uint32(nn.intValue())), nil
		case sdk.TypeBigInt:
			return binary.BigEndian.AppendUint64(nil, uint64(nn.longValue())), nil
		default:
			return binary.BigEndian.AppendUint64(nil, math.Float64bits(nn.doubleValue())), nil
		}
	}
	return nil, fmt.Errorf("type %s is not supported by the KAFKA format", t)
}

// deserialize turns record bytes into an actual value (see Matches) and the
// window of a windowed key.
func (s specSerde) deserialize(b []byte) (any, *Window, error) {
	var win *Window
	if s.window != nil && b != nil {
		switch s.window.Type {
		case sdk.WindowSession:
			if len(b) < 16 {
				return nil, nil, fmt.Errorf("session-windowed key of %d bytes is too short", len(b))
			}
			end := int64(binary.BigEndian.Uint64(b[len(b)-16:]))
			start := int64(binary.BigEndian.Uint64(b[len(b)-8:]))
			win = &Window{Start: start, End: end, Type: "SESSION"}
			b = b[:len(b)-16]
		default:
			if len(b) < 8 {
				return nil, nil, fmt.Errorf("time-windowed key of %d bytes is too short", len(b))
			}
			start := int64(binary.BigEndian.Uint64(b[len(b)-8:]))
			win = &Window{Start: start, End: start + s.window.SizeMs, Type: "TIME"}
			b = b[:len(b)-8]
		}
	}
	v, err := s.deserializeInner(b)
	return v, win, err
}

func (s specSerde) deserializeInner(b []byte) (any, error) {
	if b == nil {
		return nil, nil
	}
	switch strings.ToUpper(s.format) {
	case sdk.FormatJSON:
		return parseActualJSON(b, s.exact)
	case sdk.FormatDelimited:
		return utf8String(b), nil
	case sdk.FormatNone:
		return nil, nil
	case sdk.FormatKafka, "":
		return s.deserializeKafka(b)
	}
	return nil, fmt.Errorf("cannot deserialize format %q", s.format)
}

func (s specSerde) deserializeKafka(b []byte) (any, error) {
	if len(s.cols) != 1 {
		return utf8String(b), nil
	}
	switch t := s.cols[0].Type; t {
	case sdk.TypeString:
		return utf8String(b), nil
	case sdk.TypeBytes:
		return base64.StdEncoding.EncodeToString(b), nil
	case sdk.TypeInt:
		if len(b) != 4 {
			return nil, fmt.Errorf("size of data received by IntegerDeserializer is not 4 but %d", len(b))
		}
		return jInt(int32(binary.BigEndian.Uint32(b))), nil
	case sdk.TypeBigInt:
		if len(b) != 8 {
			return nil, fmt.Errorf("size of data received by LongDeserializer is not 8 but %d", len(b))
		}
		v := int64(binary.BigEndian.Uint64(b))
		// ksqlDB's runner narrows a BIGINT strictly inside the int range.
		if math.MinInt32 < v && v < math.MaxInt32 {
			return jInt(int32(v)), nil
		}
		return jLong(v), nil
	case sdk.TypeDouble:
		if len(b) != 8 {
			return nil, fmt.Errorf("size of data received by DoubleDeserializer is not 8 but %d", len(b))
		}
		f := math.Float64frombits(binary.BigEndian.Uint64(b))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return jDouble(f), nil
		}
		// BigDecimal.valueOf(double): the text of Double.toString.
		d, _ := parseDecimal(javaDoubleString(f))
		return d, nil
	default:
		return nil, fmt.Errorf("type %s is not supported by the KAFKA format", t)
	}
}

// utf8String decodes bytes as Java's new String(bytes, UTF_8) does:
// invalid sequences become U+FFFD.
func utf8String(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
