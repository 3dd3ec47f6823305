package sdk

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
)

// The complex types. Their values are variable-length, like STRING: a slot
// holds the address and length of a complex encoding (see Cx* below), and an
// sdk.Value holds the encoding in S. A column of a complex type carries its
// full type in Column.Desc. The numbers leave room for more scalar types.
const (
	TypeArray  Type = 32 // ARRAY<T>
	TypeMap    Type = 33 // MAP<K, V>
	TypeStruct Type = 34 // STRUCT<name T, ...>
)

// IsComplex reports whether t is ARRAY, MAP or STRUCT.
func (t Type) IsComplex() bool { return t == TypeArray || t == TypeMap || t == TypeStruct }

// IsVarLen reports whether values of t are bytes in S (a slot holds address
// and length): STRING and the complex types.
func (t Type) IsVarLen() bool { return t == TypeString || t == TypeBytes || t.IsComplex() }

// IsKnown reports whether t is a type of this ABI.
func (t Type) IsKnown() bool {
	return (t >= TypeBoolean && t <= TypeBytes) || t.IsComplex() || t.IsDecimal()
}

// MaxTypeDepth bounds the nesting of complex types and of their encodings,
// so that a hostile manifest or value cannot exhaust the host's stack.
const MaxTypeDepth = 32

// TypeDesc describes a type completely: the scalar types by Type alone, an
// ARRAY by its element, a MAP by its key and value, a STRUCT by its fields.
type TypeDesc struct {
	Type Type `msgpack:"t"`
	// Elem is the element type of an ARRAY and the value type of a MAP.
	Elem *TypeDesc `msgpack:"e,omitempty"`
	// Key is the key type of a MAP.
	Key *TypeDesc `msgpack:"k,omitempty"`
	// Fields are the fields of a STRUCT, in order.
	Fields []Field `msgpack:"f,omitempty"`
}

// Field is one field of a STRUCT type. Names are as declared (upper-cased
// unless quoted).
type Field struct {
	Name string    `msgpack:"n"`
	Type *TypeDesc `msgpack:"t"`
}

// Scalar returns the descriptor of a scalar type.
func Scalar(t Type) *TypeDesc { return &TypeDesc{Type: t} }

// ArrayOf returns ARRAY<elem>.
func ArrayOf(elem *TypeDesc) *TypeDesc { return &TypeDesc{Type: TypeArray, Elem: elem} }

// MapOf returns MAP<key, value>.
func MapOf(key, value *TypeDesc) *TypeDesc { return &TypeDesc{Type: TypeMap, Key: key, Elem: value} }

// StructOf returns STRUCT<fields>.
func StructOf(fields ...Field) *TypeDesc { return &TypeDesc{Type: TypeStruct, Fields: fields} }

// Check verifies that d is well formed: known types, the parts each complex
// type needs, nesting within MaxTypeDepth, and a msgpack form shallow
// enough for a manifest (which nests at most 32 deep: about 8 levels of
// STRUCT, 25 of ARRAY).
func (d *TypeDesc) Check() error {
	if err := d.check(0); err != nil {
		return err
	}
	if d.msgpackDepth() > maxDescDepth {
		return errors.New("type nested too deeply")
	}
	return nil
}

// maxDescDepth bounds msgpackDepth so that a column's descriptor fits in a
// manifest: a stage's column sits 5 levels deep.
const maxDescDepth = 26

// msgpackDepth is how deep the msgpack form of d nests: a map per type, and
// for a STRUCT an array of field maps.
func (d *TypeDesc) msgpackDepth() int {
	if d == nil {
		return 0
	}
	inner := max(d.Elem.msgpackDepth(), d.Key.msgpackDepth())
	if d.Type == TypeStruct {
		inner = 1
		for _, f := range d.Fields {
			inner = max(inner, 1+f.Type.msgpackDepth())
		}
		inner++
	}
	return 1 + inner
}

func (d *TypeDesc) check(depth int) error {
	if d == nil {
		return errors.New("missing type")
	}
	if depth > MaxTypeDepth {
		return errors.New("type nested too deeply")
	}
	switch d.Type {
	case TypeArray:
		return d.Elem.check(depth + 1)
	case TypeMap:
		if err := d.Key.check(depth + 1); err != nil {
			return err
		}
		return d.Elem.check(depth + 1)
	case TypeStruct:
		for _, f := range d.Fields {
			if err := f.Type.check(depth + 1); err != nil {
				return err
			}
		}
		return nil
	}
	if !d.Type.IsKnown() {
		return errors.New("unknown type")
	}
	return nil
}

// Equal reports whether two descriptors are the same type (field names
// compare exactly).
func (d *TypeDesc) Equal(o *TypeDesc) bool {
	if d == nil || o == nil {
		return d == o
	}
	if d.Type != o.Type || len(d.Fields) != len(o.Fields) {
		return false
	}
	switch d.Type {
	case TypeArray:
		return d.Elem.Equal(o.Elem)
	case TypeMap:
		return d.Key.Equal(o.Key) && d.Elem.Equal(o.Elem)
	case TypeStruct:
		for i := range d.Fields {
			if d.Fields[i].Name != o.Fields[i].Name || !d.Fields[i].Type.Equal(o.Fields[i].Type) {
				return false
			}
		}
	}
	return true
}

// String renders the type as ksqlDB prints it: ARRAY<INTEGER>,
// MAP<STRING, DOUBLE>, STRUCT<`A` INTEGER, `B` STRING>.
func (d *TypeDesc) String() string {
	var b strings.Builder
	d.write(&b)
	return b.String()
}

func (d *TypeDesc) write(b *strings.Builder) {
	if d == nil {
		b.WriteString("UNKNOWN")
		return
	}
	switch d.Type {
	case TypeArray:
		b.WriteString("ARRAY<")
		d.Elem.write(b)
		b.WriteByte('>')
	case TypeMap:
		b.WriteString("MAP<")
		d.Key.write(b)
		b.WriteString(", ")
		d.Elem.write(b)
		b.WriteByte('>')
	case TypeStruct:
		b.WriteString("STRUCT<")
		for i, f := range d.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('`')
			b.WriteString(f.Name)
			b.WriteString("` ")
			f.Type.write(b)
		}
		b.WriteByte('>')
	default:
		b.WriteString(d.Type.String())
	}
}

// Contains reports whether the type is t or has a part of type t.
func (d *TypeDesc) Contains(t Type) bool {
	if d == nil {
		return false
	}
	if d.Type == t {
		return true
	}
	if d.Elem.Contains(t) || d.Key.Contains(t) {
		return true
	}
	for _, f := range d.Fields {
		if f.Type.Contains(t) {
			return true
		}
	}
	return false
}

// FullType returns the column's full type: Desc for a complex column, the scalar
// type otherwise.
func (c Column) FullType() *TypeDesc {
	if c.Desc != nil {
		return c.Desc
	}
	return Scalar(c.Type)
}

// TypeString renders the column's type as ksqlDB prints it.
func (c Column) TypeString() string {
	if c.Desc != nil && c.Type.IsComplex() {
		return c.Desc.String()
	}
	return c.Type.String()
}

// The complex encoding. A complex value is one encoded element; an element
// is a tag byte and a body:
//
//	CxNull    no body (a NULL element, field or map value)
//	CxFalse   no body
//	CxTrue    no body
//	CxInt     8 bytes, little-endian two's complement (INT, BIGINT, and
//	          the unscaled value of a DECIMAL)
//	CxDouble  8 bytes, little-endian IEEE-754 bits
//	CxString  u32 byte length (little-endian), then the bytes (STRING's
//	          UTF-8, BYTES)
//	CxArray   u32 count, then count elements
//	CxMap     u32 count, then count pairs of key and value elements
//	CxStruct  u32 count, then count field elements, in the type's order
//
// The element types come from the column's TypeDesc; the tags make the
// encoding self-describing so that intrinsics can navigate it without the
// type. The encoding is canonical (one encoding per value, given the order
// of map entries), so equality of values is equality of bytes.
const (
	CxNull   byte = 0
	CxFalse  byte = 1
	CxTrue   byte = 2
	CxInt    byte = 3
	CxDouble byte = 4
	CxString byte = 5
	CxArray  byte = 6
	CxMap    byte = 7
	CxStruct byte = 8
)

// CxAppendInt appends an integer element.
func CxAppendInt(dst []byte, v int64) []byte {
	return binary.LittleEndian.AppendUint64(append(dst, CxInt), uint64(v))
}

// CxAppendDouble appends a double element.
func CxAppendDouble(dst []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(append(dst, CxDouble), math.Float64bits(f))
}

// CxAppendBool appends a boolean element.
func CxAppendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, CxTrue)
	}
	return append(dst, CxFalse)
}

// CxAppendString appends a string element.
func CxAppendString(dst []byte, s string) []byte {
	dst = binary.LittleEndian.AppendUint32(append(dst, CxString), uint32(len(s)))
	return append(dst, s...)
}

// CxAppendHeader appends the tag and count of an array, map or struct.
func CxAppendHeader(dst []byte, tag byte, n int) []byte {
	return binary.LittleEndian.AppendUint32(append(dst, tag), uint32(n))
}

// CxSkip returns the offset just past the element at b[i:], or -1 if the
// bytes are not a complete element (nested at most MaxTypeDepth deep).
func CxSkip(b []byte, i int) int { return cxSkip(b, i, 0) }

func cxSkip(b []byte, i, depth int) int {
	if i < 0 || i >= len(b) || depth > MaxTypeDepth {
		return -1
	}
	tag := b[i]
	i++
	switch tag {
	case CxNull, CxFalse, CxTrue:
		return i
	case CxInt, CxDouble:
		if len(b)-i < 8 {
			return -1
		}
		return i + 8
	case CxString:
		if len(b)-i < 4 {
			return -1
		}
		n := int(binary.LittleEndian.Uint32(b[i:]))
		i += 4
		if n < 0 || n > len(b)-i {
			return -1
		}
		return i + n
	case CxArray, CxMap, CxStruct:
		if len(b)-i < 4 {
			return -1
		}
		n := int(binary.LittleEndian.Uint32(b[i:]))
		i += 4
		if tag == CxMap {
			n *= 2
		}
		if n < 0 || n > len(b)-i {
			// Every element has at least its tag byte.
			return -1
		}
		for ; n > 0; n-- {
			if i = cxSkip(b, i, depth+1); i < 0 {
				return -1
			}
		}
		return i
	}
	return -1
}

// CxCount returns the tag and count of the array, map or struct element
// at b[0:], and the offset of its first element; ok is false for anything
// else.
func CxCount(b []byte) (tag byte, n int, first int, ok bool) {
	if len(b) < 5 {
		return 0, 0, 0, false
	}
	switch b[0] {
	case CxArray, CxMap, CxStruct:
		n := int(binary.LittleEndian.Uint32(b[1:]))
		if n < 0 || n > len(b) {
			return 0, 0, 0, false
		}
		return b[0], n, 5, true
	}
	return 0, 0, 0, false
}

// CxInt64 returns the value of an integer or boolean element.
func CxInt64(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	switch b[0] {
	case CxFalse:
		return 0, true
	case CxTrue:
		return 1, true
	case CxInt:
		if len(b) >= 9 {
			return int64(binary.LittleEndian.Uint64(b[1:])), true
		}
	}
	return 0, false
}

// CxFloat64 returns the value of a double element.
func CxFloat64(b []byte) (float64, bool) {
	if len(b) >= 9 && b[0] == CxDouble {
		return math.Float64frombits(binary.LittleEndian.Uint64(b[1:])), true
	}
	return 0, false
}

// CxStr returns the bytes of a string element.
func CxStr(b []byte) ([]byte, bool) {
	if len(b) >= 5 && b[0] == CxString {
		n := int(binary.LittleEndian.Uint32(b[1:]))
		if n >= 0 && n <= len(b)-5 {
			return b[5 : 5+n], true
		}
	}
	return nil, false
}

// CxValid reports whether b is exactly one well-formed element of type d.
func CxValid(d *TypeDesc, b []byte) bool {
	end := cxCheck(d, b, 0, 0)
	return end == len(b)
}

// cxCheck returns the end of the element of type d at b[i:], or -1.
func cxCheck(d *TypeDesc, b []byte, i, depth int) int {
	if d == nil || i < 0 || i >= len(b) || depth > MaxTypeDepth {
		return -1
	}
	if b[i] == CxNull {
		return i + 1
	}
	want := cxTagOf(d.Type)
	if b[i] != want && !(want == CxTrue && b[i] == CxFalse) {
		return -1
	}
	switch d.Type {
	case TypeArray, TypeMap, TypeStruct:
		_, n, _, ok := CxCount(b[i:])
		if !ok {
			return -1
		}
		if d.Type == TypeStruct && n != len(d.Fields) {
			return -1
		}
		j := i + 5
		for k := 0; k < n; k++ {
			switch d.Type {
			case TypeArray:
				j = cxCheck(d.Elem, b, j, depth+1)
			case TypeMap:
				if j = cxCheck(d.Key, b, j, depth+1); j >= 0 {
					j = cxCheck(d.Elem, b, j, depth+1)
				}
			default:
				j = cxCheck(d.Fields[k].Type, b, j, depth+1)
			}
			if j < 0 {
				return -1
			}
		}
		return j
	}
	return cxSkip(b, i, depth)
}

// cxTagOf is the tag of a non-NULL element of type t (CxTrue stands for
// both booleans).
func cxTagOf(t Type) byte {
	if t.IsDecimal() {
		return CxInt // the unscaled value; the scale is the type's
	}
	switch t {
	case TypeBoolean:
		return CxTrue
	case TypeInt, TypeBigInt:
		return CxInt
	case TypeDouble:
		return CxDouble
	case TypeString, TypeBytes:
		return CxString
	case TypeArray:
		return CxArray
	case TypeMap:
		return CxMap
	case TypeStruct:
		return CxStruct
	}
	return 0xff
}

// AppendTypeDesc appends the binary form of d that intrinsics receive (a
// module keeps it in a data segment): the type byte; then for ARRAY the
// element, for MAP the key and the value, for STRUCT a u32 count and per
// field a u32 name length, the name and the field's type.
func AppendTypeDesc(dst []byte, d *TypeDesc) []byte {
	dst = append(dst, byte(d.Type))
	switch d.Type {
	case TypeArray:
		dst = AppendTypeDesc(dst, d.Elem)
	case TypeMap:
		dst = AppendTypeDesc(AppendTypeDesc(dst, d.Key), d.Elem)
	case TypeStruct:
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(d.Fields)))
		for _, f := range d.Fields {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(len(f.Name)))
			dst = append(dst, f.Name...)
			dst = AppendTypeDesc(dst, f.Type)
		}
	}
	return dst
}

// ParseTypeDesc reads the binary form written by AppendTypeDesc; it never
// panics on malformed input.
func ParseTypeDesc(b []byte) (*TypeDesc, error) {
	d, n, err := parseTypeDesc(b, 0, 0)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, errors.New("type descriptor: trailing bytes")
	}
	return d, nil
}

func parseTypeDesc(b []byte, i, depth int) (*TypeDesc, int, error) {
	bad := errors.New("type descriptor: malformed")
	if i >= len(b) || depth > MaxTypeDepth {
		return nil, 0, bad
	}
	d := &TypeDesc{Type: Type(b[i])}
	i++
	var err error
	switch d.Type {
	case TypeArray:
		d.Elem, i, err = parseTypeDesc(b, i, depth+1)
	case TypeMap:
		if d.Key, i, err = parseTypeDesc(b, i, depth+1); err == nil {
			d.Elem, i, err = parseTypeDesc(b, i, depth+1)
		}
	case TypeStruct:
		if len(b)-i < 4 {
			return nil, 0, bad
		}
		n := int(binary.LittleEndian.Uint32(b[i:]))
		i += 4
		if n < 0 || n > len(b)-i {
			return nil, 0, bad
		}
		for k := 0; k < n && err == nil; k++ {
			if len(b)-i < 4 {
				return nil, 0, bad
			}
			l := int(binary.LittleEndian.Uint32(b[i:]))
			i += 4
			if l < 0 || l > len(b)-i {
				return nil, 0, bad
			}
			f := Field{Name: string(b[i : i+l])}
			f.Type, i, err = parseTypeDesc(b, i+l, depth+1)
			d.Fields = append(d.Fields, f)
		}
	default:
		if !d.Type.IsKnown() {
			return nil, 0, bad
		}
	}
	if err != nil {
		return nil, 0, err
	}
	return d, i, nil
}
