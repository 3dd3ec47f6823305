package ast

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// Debug returns a compact, deterministic description of the tree rooted at
// n for tests and debugging, such as
//
//	Binary{Op: +, X: ColumnRef{Name: A}, Y: 1}
//
// Positions are left out, and so are fields with their zero value.
// Identifiers print as their name (quoted ones in backticks), literals as
// SQL. Two trees that differ only in positions have the same Debug string.
func Debug(n Node) string {
	var b strings.Builder
	debugValue(&b, reflect.ValueOf(n))
	return b.String()
}

var (
	posType     = reflect.TypeFor[token.Pos]()
	identType   = reflect.TypeFor[*Ident]()
	literalType = reflect.TypeFor[*Literal]()
	stringer    = reflect.TypeFor[interface{ String() string }]()
)

func debugValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	switch v.Type() {
	case identType:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		id := v.Interface().(*Ident)
		if id.Quoted {
			b.WriteString(quote(id.Name, '`'))
		} else {
			b.WriteString(id.Name)
		}
		return
	case literalType:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		var p printer
		p.literal(v.Interface().(*Literal))
		b.WriteString(p.b.String())
		return
	}
	if v.Type().Implements(stringer) && v.Kind() != reflect.Pointer {
		b.WriteString(v.Interface().(interface{ String() string }).String())
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		debugValue(b, v.Elem())
	case reflect.Struct:
		t := v.Type()
		b.WriteString(t.Name())
		b.WriteByte('{')
		first := true
		for i := 0; i < t.NumField(); i++ {
			f := v.Field(i)
			if t.Field(i).Type == posType || f.IsZero() || !t.Field(i).IsExported() {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString(t.Field(i).Name)
			b.WriteString(": ")
			debugValue(b, f)
		}
		b.WriteByte('}')
	case reflect.Slice:
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			debugValue(b, v.Index(i))
		}
		b.WriteByte(']')
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	default:
		b.WriteString(v.String())
	}
}
