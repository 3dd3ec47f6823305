package analyzer

import (
	"maps"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Session properties the analyzer reads. Their names and meaning are
// ksqlDB's; SET and UNSET change them for the statements that follow.
const (
	// PropDefaultKeyFormat is the key format of CREATE statements that name
	// none (default KAFKA).
	PropDefaultKeyFormat = "ksql.persistence.default.format.key"
	// PropDefaultValueFormat is the value format of CREATE statements that
	// name none; without it such a statement is an error.
	PropDefaultValueFormat = "ksql.persistence.default.format.value"
	// PropWrapSingleValues is the default of WRAP_SINGLE_VALUE for sources
	// with one value column ("true" unless set).
	PropWrapSingleValues = "ksql.persistence.wrap.single.values"
	// PropOutputTopicPrefix is put before the sink name to make the topic of
	// a CREATE ... AS SELECT without KAFKA_TOPIC.
	PropOutputTopicPrefix = "ksql.output.topic.name.prefix"
	// PropNewQueryPlanner selects ksqlDB's new planner; the only difference
	// the analyzer models is the order of key columns in a projection.
	PropNewQueryPlanner = "ksql.new.query.planner.enabled"
	// PropSubstringLegacyArgs selects ksqlDB's pre-5.1 SUBSTRING; only the
	// current semantics are implemented.
	PropSubstringLegacyArgs = "ksql.functions.substring.legacy.args"
)

// Properties are session properties (ksqlDB's "ksql.*" configuration) by
// name.
type Properties map[string]string

func (p Properties) clone() Properties { return maps.Clone(p) }

func (p Properties) bool(name string, def bool) bool {
	v, ok := p[name]
	if !ok {
		return def
	}
	return strings.EqualFold(strings.TrimSpace(v), "true")
}

// withProp is one checked WITH property.
type withProp struct {
	pos token.Pos
	lit *ast.Literal
}

// withProps are the WITH properties of one statement, by upper-cased name.
type withProps map[string]withProp

// The WITH properties, as ksqlDB spells them.
const (
	wKafkaTopic      = "KAFKA_TOPIC"
	wKeyFormat       = "KEY_FORMAT"
	wValueFormat     = "VALUE_FORMAT"
	wFormat          = "FORMAT"
	wPartitions      = "PARTITIONS"
	wReplicas        = "REPLICAS"
	wValueDelimiter  = "VALUE_DELIMITER"
	wKeyDelimiter    = "KEY_DELIMITER"
	wWrapSingleValue = "WRAP_SINGLE_VALUE"
	wTimestamp       = "TIMESTAMP"
	wTimestampFormat = "TIMESTAMP_FORMAT"
	wWindowType      = "WINDOW_TYPE"
	wWindowSize      = "WINDOW_SIZE"
)

// Properties ksqlDB knows but wasmstream does not implement yet: accepted
// by the parser, rejected here with "not supported yet".
var unsupportedWith = map[string]bool{
	"KEY_SCHEMA_ID": true, "VALUE_SCHEMA_ID": true,
	"KEY_SCHEMA_FULL_NAME": true, "VALUE_SCHEMA_FULL_NAME": true,
	"VALUE_AVRO_SCHEMA_FULL_NAME":          true,
	"KEY_PROTOBUF_NULLABLE_REPRESENTATION": true, "VALUE_PROTOBUF_NULLABLE_REPRESENTATION": true,
	"RETENTION_MS": true, "CLEANUP_POLICY": true, "SOURCE_CONNECTOR": true,
}

// Which properties each statement accepts.
var (
	createWith = map[string]bool{
		wKafkaTopic: true, wKeyFormat: true, wValueFormat: true, wFormat: true,
		wPartitions: true, wReplicas: true, wValueDelimiter: true, wKeyDelimiter: true,
		wWrapSingleValue: true, wTimestamp: true, wTimestampFormat: true,
		wWindowType: true, wWindowSize: true,
	}
	createAsWith = map[string]bool{
		wKafkaTopic: true, wKeyFormat: true, wValueFormat: true, wFormat: true,
		wPartitions: true, wReplicas: true, wValueDelimiter: true, wKeyDelimiter: true,
		wWrapSingleValue: true, wTimestamp: true, wTimestampFormat: true,
	}
)

// parseWith checks the names of a WITH clause against the set a statement
// accepts and indexes them. Duplicates are an error, as in ksqlDB.
func parseWith(props []*ast.Property, accepted map[string]bool) (withProps, *Error) {
	out := make(withProps, len(props))
	for _, p := range props {
		name := strings.ToUpper(p.Name)
		if _, dup := out[name]; dup {
			return nil, errorf(p.Pos(), "Duplicate property in WITH clause: %s", name)
		}
		if unsupportedWith[name] {
			return nil, notSupported(p.Pos(), "WITH property "+name)
		}
		if !accepted[name] {
			return nil, errorf(p.Pos(), "Invalid config variable(s) in the WITH clause: %s", name)
		}
		out[name] = withProp{pos: p.Pos(), lit: p.Value}
	}
	return out, nil
}

func (w withProps) has(name string) bool { _, ok := w[name]; return ok }

// str returns a property as a string. Any literal is accepted, as ksqlDB
// converts numbers and booleans to their text.
func (w withProps) str(name string) (string, token.Pos, bool) {
	p, ok := w[name]
	if !ok {
		return "", token.NoPos, false
	}
	if p.lit == nil || p.lit.Kind == ast.LitNull {
		return "", p.pos, false
	}
	return p.lit.Value, p.pos, true
}

// int returns a property as a positive int.
func (w withProps) int(name string) (int, bool, *Error) {
	s, pos, ok := w.str(name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, false, errorf(pos, "Invalid value %s for property %s: expected a positive integer", s, name)
	}
	return n, true, nil
}

// boolean returns a property as a boolean: TRUE/FALSE or the strings
// 'true'/'false'.
func (w withProps) boolean(name string) (value, set bool, err *Error) {
	s, pos, ok := w.str(name)
	if !ok {
		return false, false, nil
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, false, errorf(pos, "Invalid value %s for property %s: expected true or false", s, name)
}
