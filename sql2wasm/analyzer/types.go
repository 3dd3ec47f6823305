package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// sqlType maps a written type to an sdk.Type. Types ksqlDB has but
// wasmstream does not support yet are rejected with their name, never
// approximated (a DECIMAL read as DOUBLE would silently change results).
func sqlType(t *ast.TypeExpr) (sdk.Type, *Error) {
	switch strings.ToUpper(t.Name) {
	case "BOOLEAN":
		return sdk.TypeBoolean, nil
	case "INT", "INTEGER":
		return sdk.TypeInt, nil
	case "BIGINT":
		return sdk.TypeBigInt, nil
	case "DOUBLE":
		return sdk.TypeDouble, nil
	case "VARCHAR", "STRING":
		return sdk.TypeString, nil
	case "ARRAY", "MAP", "STRUCT":
		d, err := sqlTypeDesc(t)
		if err != nil {
			return sdk.TypeUnknown, err
		}
		return d.Type, nil
	case "DECIMAL":
		return decimalType(t)
	case "BYTES":
		return sdk.TypeBytes, nil
	case "DATE", "TIME", "TIMESTAMP":
		return sdk.TypeUnknown, notSupported(t.Pos(), strings.ToUpper(t.Name)+" type")
	}
	return sdk.TypeUnknown, errorf(t.Pos(), "Unknown type: %s", t.Name)
}

// isNumeric reports whether t is INT, BIGINT, DECIMAL or DOUBLE.
func isNumeric(t sdk.Type) bool { return t.IsNumeric() || isDecimalish(t) }

// numericRank orders the numeric types by width: INT < BIGINT < DECIMAL <
// DOUBLE, as ksqlDB widens them.
func numericRank(t sdk.Type) int {
	switch {
	case t == sdk.TypeInt:
		return 1
	case t == sdk.TypeBigInt:
		return 2
	case isDecimalish(t):
		return 3
	case t == sdk.TypeDouble:
		return 4
	}
	return 0
}

// widerNumeric returns the common type of two numeric types: the wider
// one, or for DECIMALs the DECIMAL that holds both (typeWideDecimal when
// that is wider than wasmstream's DECIMAL).
func widerNumeric(a, b sdk.Type) sdk.Type {
	if a != sdk.TypeDouble && b != sdk.TypeDouble && (isDecimalish(a) || isDecimalish(b)) {
		return widerDecimal(a, b)
	}
	if numericRank(a) >= numericRank(b) {
		return a
	}
	return b
}

// canWiden reports whether a value of type from can be used where to is
// expected without an explicit CAST: the same type, or a numeric widening
// (into a DECIMAL only when it keeps every digit, as ksqlDB's coercer).
func canWiden(from, to sdk.Type) bool {
	if from == to {
		return true
	}
	if to.IsDecimal() {
		pf, sf, ok := decimalParts(from)
		return ok && from != typeWideDecimal && to.Precision()-to.Scale() >= pf-sf && to.Scale() >= sf
	}
	return isNumeric(from) && isNumeric(to) && numericRank(from) < numericRank(to)
}

// typeName is the type as ksqlDB prints it in messages; the unknown type is
// that of the NULL literal.
func typeName(t sdk.Type) string {
	if t == sdk.TypeUnknown {
		return "NULL"
	}
	return t.String()
}

// sqlTypeDesc maps a written type to its full descriptor: the scalar types
// as sqlType does, ARRAY, MAP and STRUCT with their parts. Struct field
// names are as written (the parser upper-cases unquoted names).
func sqlTypeDesc(t *ast.TypeExpr) (*sdk.TypeDesc, *Error) {
	d, err := sqlTypeDescDepth(t, 0)
	if err == nil && d.Type.IsComplex() && d.Check() != nil {
		// A module's manifest bounds how deeply a type may nest.
		return nil, notSupported(t.Pos(), "types nested this deeply (at most 8 levels of STRUCT, 25 of ARRAY or MAP)")
	}
	return d, err
}

func sqlTypeDescDepth(t *ast.TypeExpr, depth int) (*sdk.TypeDesc, *Error) {
	if depth > sdk.MaxTypeDepth {
		return nil, errorf(t.Pos(), "type nested more than %d levels deep", sdk.MaxTypeDepth)
	}
	switch strings.ToUpper(t.Name) {
	case "ARRAY":
		if len(t.Args) != 1 {
			return nil, errorf(t.Pos(), "ARRAY needs one element type")
		}
		e, err := sqlTypeDescDepth(t.Args[0], depth+1)
		if err != nil {
			return nil, err
		}
		return sdk.ArrayOf(e), nil
	case "MAP":
		if len(t.Args) != 2 {
			return nil, errorf(t.Pos(), "MAP needs a key and a value type")
		}
		k, err := sqlTypeDescDepth(t.Args[0], depth+1)
		if err != nil {
			return nil, err
		}
		if k.Type.IsComplex() {
			return nil, errorf(t.Args[0].Pos(), "Map keys must be primitive types, got: %s", k)
		}
		v, err := sqlTypeDescDepth(t.Args[1], depth+1)
		if err != nil {
			return nil, err
		}
		return sdk.MapOf(k, v), nil
	case "STRUCT":
		fields := make([]sdk.Field, 0, len(t.Fields))
		seen := map[string]bool{}
		for _, f := range t.Fields {
			if seen[f.Name.Name] {
				return nil, errorf(f.Pos(), "Duplicate field names found in STRUCT: '%s'", f.Name.Name)
			}
			seen[f.Name.Name] = true
			ft, err := sqlTypeDescDepth(f.Type, depth+1)
			if err != nil {
				return nil, err
			}
			fields = append(fields, sdk.Field{Name: f.Name.Name, Type: ft})
		}
		return sdk.StructOf(fields...), nil
	}
	st, err := sqlType(t)
	if err != nil {
		return nil, err
	}
	return sdk.Scalar(st), nil
}
