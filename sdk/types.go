package sdk

import (
	"math"
	"strconv"
)

// Type is a SQL type that a column or an expression can have.
//
// The set grows with the dialect; a module declares the types of every column
// it exchanges with the host, so an older host refuses a newer type instead of
// misreading it.
type Type uint8

// The SQL types. The zero value is TypeUnknown, used for the NULL literal
// before it is given a type by its context.
const (
	TypeUnknown Type = iota
	TypeBoolean
	TypeInt    // 32-bit signed integer (ksqlDB INT / INTEGER).
	TypeBigInt // 64-bit signed integer.
	TypeDouble // IEEE-754 binary64.
	TypeString // UTF-8 text (ksqlDB VARCHAR / STRING).
)

// String returns the type's name as ksqlDB prints it in a schema.
func (t Type) String() string {
	switch t {
	case TypeBoolean:
		return "BOOLEAN"
	case TypeInt:
		return "INTEGER"
	case TypeBigInt:
		return "BIGINT"
	case TypeDouble:
		return "DOUBLE"
	case TypeString:
		return "STRING"
	case TypeArray:
		return "ARRAY"
	case TypeMap:
		return "MAP"
	case TypeStruct:
		return "STRUCT"
	case TypeBytes:
		return "BYTES"
	}
	if t.IsDecimal() {
		return t.decimalString()
	}
	return "UNKNOWN"
}

// IsNumeric reports whether t is INT, BIGINT or DOUBLE.
func (t Type) IsNumeric() bool { return t == TypeInt || t == TypeBigInt || t == TypeDouble }

// Value is one SQL value held by the host: a decoded field, a key, an
// aggregate result, a row of a table's state.
//
// It is a small struct rather than an interface so that rows ([]Value) can be
// reused without allocating per field. Which field holds the value depends on
// Type: I for BOOLEAN (0 or 1), INT, BIGINT and the unscaled value of a
// DECIMAL; F for DOUBLE; S for STRING and BYTES.
type Value struct {
	Type Type
	Null bool
	I    int64
	F    float64
	S    string
}

// Null returns the NULL value of type t.
func Null(t Type) Value { return Value{Type: t, Null: true} }

// Bool returns a BOOLEAN value.
func Bool(b bool) Value {
	v := Value{Type: TypeBoolean}
	if b {
		v.I = 1
	}
	return v
}

// Int returns an INT value.
func Int(i int32) Value { return Value{Type: TypeInt, I: int64(i)} }

// BigInt returns a BIGINT value.
func BigInt(i int64) Value { return Value{Type: TypeBigInt, I: i} }

// Double returns a DOUBLE value.
func Double(f float64) Value { return Value{Type: TypeDouble, F: f} }

// String returns a STRING value. (Named Str to leave String for fmt.)
func Str(s string) Value { return Value{Type: TypeString, S: s} }

// Bool reports the value of a BOOLEAN.
func (v Value) Bool() bool { return v.I != 0 }

// Equal reports whether two values are the same SQL value, with NULL equal to
// NULL: the notion of equality that keys, grouping and state stores need (not
// SQL's three-valued `=`). Doubles compare by bits so that NaN groups with NaN.
func (v Value) Equal(o Value) bool {
	if v.Null || o.Null {
		return v.Null == o.Null
	}
	if v.Type != o.Type {
		return false
	}
	switch v.Type {
	case TypeDouble:
		return math.Float64bits(v.F) == math.Float64bits(o.F)
	case TypeString, TypeBytes, TypeArray, TypeMap, TypeStruct:
		return v.S == o.S
	}
	return v.I == o.I
}

// GoString formats the value for debugging and test failures.
func (v Value) GoString() string {
	if v.Null {
		return "NULL:" + v.Type.String()
	}
	switch v.Type {
	case TypeBoolean:
		return strconv.FormatBool(v.Bool())
	case TypeInt, TypeBigInt:
		return strconv.FormatInt(v.I, 10)
	case TypeDouble:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case TypeString, TypeBytes:
		return strconv.Quote(v.S)
	case TypeArray, TypeMap, TypeStruct:
		// The encoding, for test failures (the type is not at hand).
		return v.Type.String() + strconv.Quote(v.S)
	}
	if v.Type.IsDecimal() {
		return FormatDecimal(v.I, v.Type.Scale())
	}
	return "?"
}
