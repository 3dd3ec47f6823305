package serde

import (
	"encoding/base64"
	"unsafe"

	"github.com/wasmstream/wasmstream/sdk"
)

// DECIMAL and BYTES values. A DECIMAL(p, s) value is its unscaled i64 in
// Value.I (see sdk/decimal.go): JSON writes it as a number with exactly s
// digits after the point, DELIMITED as that text; both read numbers (and
// JSON numeric strings), rounding HALF_UP to the scale as ksqlDB does. BYTES
// are raw bytes in Value.S; JSON carries them as a base64 string, as ksqlDB.

// formatSupports reports whether format f can carry a column of type t that
// is a DECIMAL or BYTES (ksqlDB: KAFKA has neither).
func formatSupports(f string, t sdk.Type) bool {
	switch {
	case t.IsDecimal():
		return f == sdk.FormatJSON || f == sdk.FormatDelimited
	case t == sdk.TypeBytes:
		return f == sdk.FormatJSON || f == sdk.FormatDelimited || f == sdk.FormatKafka
	}
	return false
}

// typeFamily names a type in format errors as ksqlDB does: DECIMAL without
// its precision and scale.
func typeFamily(t sdk.Type) string {
	if t.IsDecimal() {
		return "DECIMAL"
	}
	return t.String()
}

// parseDecimalText reads text (a number, possibly with an exponent) as a
// value of DECIMAL type t.
func parseDecimalText(t sdk.Type, text []byte) (sdk.Value, bool) {
	// The view does not outlive the call.
	u, ok := sdk.ParseDecimal(unsafe.String(unsafe.SliceData(text), len(text)), t.Precision(), t.Scale())
	if !ok {
		return sdk.Value{}, false
	}
	return sdk.Decimal(t, u), true
}

// appendDecimalText appends a DECIMAL value as plain text.
func appendDecimalText(dst []byte, v sdk.Value) []byte {
	return sdk.AppendDecimal(dst, v.I, v.Type.Scale())
}

// decodeBase64 decodes a JSON string's contents as BYTES (standard base64
// with padding, as Jackson writes byte arrays).
func decodeBase64(body []byte) (string, bool) {
	out := make([]byte, base64.StdEncoding.DecodedLen(len(body)))
	n, err := base64.StdEncoding.Decode(out, body)
	if err != nil {
		return "", false
	}
	return string(out[:n]), true
}

// appendBase64 appends the base64 text of BYTES.
func appendBase64(dst []byte, b string) []byte {
	return base64.StdEncoding.AppendEncode(dst, unsafe.Slice(unsafe.StringData(b), len(b)))
}

// appendBase64JSON appends BYTES as a JSON string of their base64.
func appendBase64JSON(dst []byte, b string) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, unsafe.Slice(unsafe.StringData(b), len(b)))
	return append(dst, '"')
}
