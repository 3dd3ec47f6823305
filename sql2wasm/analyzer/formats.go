package analyzer

import (
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Formats that need a schema registry: ksqlDB has them, wasmstream does not
// yet.
var registryFormats = map[string]bool{
	"AVRO": true, "PROTOBUF": true, "PROTOBUF_NOSR": true, "JSON_SR": true,
}

// checkFormat validates a format name (case-insensitive) and returns it
// upper-cased.
func checkFormat(name string, pos token.Pos) (string, *Error) {
	f := strings.ToUpper(strings.TrimSpace(name))
	switch f {
	case sdk.FormatKafka, sdk.FormatJSON, sdk.FormatDelimited, sdk.FormatNone:
		return f, nil
	}
	if registryFormats[f] {
		return "", notSupported(pos, f+" format")
	}
	return "", errorf(pos, "Unknown format: %s", name)
}

// formatSupports reports whether a column of type t can be serialized in
// format f. KAFKA has no BOOLEAN (ksqlDB's KafkaSerdeFactory); the other
// formats support every type wasmstream has.
func formatSupports(f string, t sdk.Type) bool {
	if f == sdk.FormatKafka {
		return t == sdk.TypeInt || t == sdk.TypeBigInt || t == sdk.TypeDouble || t == sdk.TypeString || t == sdk.TypeBytes
	}
	return true
}

// persistence renders columns as ksqlDB's PersistenceSchema does in its
// format errors: Persistence{columns=[`K` BOOLEAN KEY], features=[]}.
func persistence(cols []sdk.Column, features string) string {
	return fmt.Sprintf("Persistence{columns=[%s], features=[%s]}", columnList(cols), features)
}

// columnList renders columns as `NAME` TYPE [KEY], comma-separated.
func columnList(cols []sdk.Column) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + c.Name + "` " + c.TypeString())
		if c.Key {
			b.WriteString(" KEY")
		}
	}
	return b.String()
}

// checkKeyFormat checks that the key columns can be serialized with format
// f, with ksqlDB's wording ("Key format does not support schema. ...").
func checkKeyFormat(f string, keys []sdk.Column, pos token.Pos) *Error {
	reason := ""
	switch {
	case f == sdk.FormatNone && len(keys) > 0:
		reason = fmt.Sprintf("The 'NONE' format can only be used when no columns are defined. Got: [%s]", columnList(keys))
	case f == sdk.FormatKafka && len(keys) > 1:
		reason = fmt.Sprintf("The 'KAFKA' format only supports a single field. Got: [%s]", columnList(keys))
	default:
		for _, c := range keys {
			if c.Desc.Contains(sdk.TypeMap) {
				return errorf(pos, "Map keys, including types that contain maps, are not supported as they may lead to "+
					"unexpected behavior due to inconsistent serialization. Key column name: `%s`. Column type: %s. "+
					"See https://github.com/confluentinc/ksql/issues/6621 for more.", c.Name, c.TypeString())
			}
			if reason = formatReason(f, c); reason != "" {
				break
			}
		}
	}
	if reason == "" {
		return nil
	}
	return errorf(pos, "Key format does not support schema.\nformat: %s\nschema: %s\nreason: %s",
		f, persistence(keys, ""), reason)
}

// checkValueFormat checks that the value columns can be serialized with
// format f.
func checkValueFormat(f string, values []sdk.Column, unwrapped bool, pos token.Pos) *Error {
	reason := ""
	switch {
	case f == sdk.FormatNone && len(values) > 0:
		reason = fmt.Sprintf("The 'NONE' format can only be used when no columns are defined. Got: [%s]", columnList(values))
	case f == sdk.FormatKafka && len(values) > 1:
		reason = fmt.Sprintf("The 'KAFKA' format only supports a single field. Got: [%s]", columnList(values))
	default:
		for _, c := range values {
			if f == sdk.FormatJSON && nonStringMapKey(c.Desc) {
				return errorf(pos, "JSON only supports MAP types with STRING keys")
			}
			if reason = formatReason(f, c); reason != "" {
				break
			}
		}
	}
	if reason == "" {
		return nil
	}
	features := ""
	if unwrapped {
		features = "UNWRAP_SINGLES"
	}
	return errorf(pos, "Value format does not support schema.\nformat: %s\nschema: %s\nreason: %s",
		f, persistence(values, features), reason)
}

// wrapping decides WRAP_SINGLE_VALUE for a value schema, with ksqlDB's
// rules: an explicit setting is only valid for one value column and only for
// formats that can wrap (JSON here; KAFKA and DELIMITED are always
// unwrapped); without one, the session default applies to single-column
// JSON values. It returns whether the single value is wrapped in an object.
func wrapping(format string, values []sdk.Column, explicit, set bool, props Properties, pos token.Pos) (bool, *Error) {
	canWrap := format == sdk.FormatJSON
	if set {
		if len(values) != 1 {
			return false, errorf(pos, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
		}
		if explicit && !canWrap {
			return false, errorf(pos, "Format '%s' does not support 'WRAP_SINGLE_VALUE' set to 'true'.", format)
		}
		return explicit && canWrap, nil
	}
	if !canWrap {
		return false, nil
	}
	if len(values) == 1 {
		return props.bool(PropWrapSingleValues, true), nil
	}
	return true, nil
}

// parseDelimiter checks a VALUE_DELIMITER or KEY_DELIMITER value: one
// character, or the words TAB and SPACE (a literal tab or space is refused,
// as ksqlDB does, because it is too easy to get wrong). It returns the value
// as the catalog keeps it and the host's serdes read it: the character
// itself, or TAB or SPACE in upper case.
func parseDelimiter(prop, v string, pos token.Pos) (string, *Error) {
	const example = "\nExample valid value: ';'"
	switch strings.ToUpper(v) {
	case "TAB", "SPACE":
		return strings.ToUpper(v), nil
	}
	if strings.TrimSpace(v) == "" {
		return "", errorf(pos, "Failed to prepare statement: Configuration %s is invalid: Delimiter cannot be empty, "+
			"if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'%s", prop, example)
	}
	if len([]rune(v)) != 1 {
		return "", errorf(pos, "Failed to prepare statement: Configuration %s is invalid: Invalid delimiter value: '%s'. "+
			"Delimiter must be a single character or TAB,SPACE%s", prop, v, example)
	}
	if v == `"` {
		return "", errorf(pos, "Failed to prepare statement: Configuration %s is invalid: "+
			"the quote character and the delimiter cannot be the same ('\"')%s", prop, example)
	}
	return v, nil
}

// formatReason says why format f cannot hold column c, or "" if it can.
// KAFKA holds only the numbers and STRING, DELIMITED no complex type.
func formatReason(f string, c sdk.Column) string {
	switch {
	case !formatSupports(f, c.Type) && c.Type.IsDecimal():
		return fmt.Sprintf("The '%s' format does not support type 'DECIMAL'", f)
	case !formatSupports(f, c.Type):
		return fmt.Sprintf("The '%s' format does not support type '%s'", f, c.Type)
	case f == sdk.FormatDelimited && c.Type.IsComplex():
		return fmt.Sprintf("The '%s' format does not support type '%s', column: `%s`", f, c.Type, c.Name)
	}
	return ""
}

// nonStringMapKey reports whether d is or contains a MAP whose keys are not
// STRING (JSON object keys are text).
func nonStringMapKey(d *sdk.TypeDesc) bool {
	if d == nil {
		return false
	}
	if d.Type == sdk.TypeMap && d.Key != nil && d.Key.Type != sdk.TypeString {
		return true
	}
	if nonStringMapKey(d.Elem) {
		return true
	}
	for _, f := range d.Fields {
		if nonStringMapKey(f.Type) {
			return true
		}
	}
	return false
}
