package runtime

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/runtime/internal/jtext"
	"github.com/wasmstream/wasmstream/sdk"
)

// The intrinsics over complex values (sdk.CxArray...) return a slice of
// their argument: the encoding of one element, address in the low 32 bits
// and length in the high 32 bits; length 0 means NULL (absent). They never
// write to memory and never trust the encoding: a malformed value gives
// length 0.

// cxSlice packs the element b[i:j] of the value at guest address ptr.
func cxSlice(ptr uint32, i, j int) uint64 {
	if i < 0 || j <= i {
		return 0
	}
	return uint64(ptr+uint32(i)) | uint64(j-i)<<32
}

// cxNth returns the bounds of element n (0-based) of the array or struct
// value b, or -1, -1.
func cxNth(b []byte, want byte, n int) (int, int) {
	tag, count, i, ok := sdk.CxCount(b)
	if !ok || tag != want || n < 0 || n >= count {
		return -1, -1
	}
	for ; n > 0; n-- {
		if i = sdk.CxSkip(b, i); i < 0 {
			return -1, -1
		}
	}
	return i, sdk.CxSkip(b, i)
}

// cxField: (ptr, len, i) -> slice of STRUCT field i.
func cxField(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	b := arg(mem, stack, 0)
	i, j := cxNth(b, sdk.CxStruct, int(api.DecodeI32(stack[2])))
	stack[0] = cxSlice(api.DecodeU32(stack[0]), i, j)
}

// cxIndex: (ptr, len, i) -> slice of ARRAY element i (1-based, negative
// from the end).
func cxIndex(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	b := arg(mem, stack, 0)
	idx := int(api.DecodeI32(stack[2]))
	_, count, _, ok := sdk.CxCount(b)
	if !ok || idx == 0 {
		stack[0] = 0
		return
	}
	n := idx - 1
	if idx < 0 {
		n = count + idx
	}
	i, j := cxNth(b, sdk.CxArray, n)
	stack[0] = cxSlice(api.DecodeU32(stack[0]), i, j)
}

// cxLookup: (ptr, len, keyPtr, keyLen) -> slice of the MAP value for the
// STRING key.
func cxLookup(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	b := arg(mem, stack, 0)
	key := arg(mem, stack, 2)
	ptr := api.DecodeU32(stack[0])
	stack[0] = 0
	tag, count, i, ok := sdk.CxCount(b)
	if !ok || tag != sdk.CxMap {
		return
	}
	for ; count > 0; count-- {
		k := sdk.CxSkip(b, i)
		if k < 0 {
			return
		}
		v := sdk.CxSkip(b, k)
		if v < 0 {
			return
		}
		if s, ok := sdk.CxStr(b[i:k]); ok && string(s) == string(key) {
			stack[0] = cxSlice(ptr, k, v)
			return
		}
		i = v
	}
}

// cxBuild: (base, tag, n, recs) -> str: a constructor's value, see
// sdk.IntrCxBuild.
func cxBuild(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	tag := byte(api.DecodeU32(stack[1]))
	n := api.DecodeU32(stack[2])
	if n > 1<<20 || (tag != sdk.CxArray && tag != sdk.CxMap && tag != sdk.CxStruct) || (tag == sdk.CxMap && n%2 != 0) {
		panic(fmt.Errorf("%w: %s called with tag %d and %d elements", ErrProtocol, sdk.IntrCxBuild, tag, n))
	}
	recs := span(mem, api.DecodeU32(stack[3]), n*16)
	count := int(n)
	if tag == sdk.CxMap {
		count /= 2
	}
	out := sdk.CxAppendHeader(nil, tag, count)
	for k := 0; k < int(n); k++ {
		r := recs[k*16 : k*16+16]
		v := binary.LittleEndian.Uint64(r)
		switch r[8] {
		case sdk.CxNull, sdk.CxFalse, sdk.CxTrue:
			out = append(out, r[8])
		case sdk.CxInt:
			out = sdk.CxAppendInt(out, int64(v))
		case sdk.CxDouble:
			out = sdk.CxAppendDouble(out, math.Float64frombits(v))
		case sdk.CxString:
			out = sdk.CxAppendString(out, string(span(mem, uint32(v), uint32(v>>32))))
		case sdk.CxArray, sdk.CxMap, sdk.CxStruct:
			b := span(mem, uint32(v), uint32(v>>32))
			if len(b) == 0 || b[0] != r[8] || sdk.CxSkip(b, 0) != len(b) {
				panic(fmt.Errorf("%w: %s: element %d is not a valid complex value", ErrProtocol, sdk.IntrCxBuild, k))
			}
			out = append(out, b...)
		default:
			panic(fmt.Errorf("%w: %s: element %d has tag %d", ErrProtocol, sdk.IntrCxBuild, k, r[8]))
		}
	}
	stack[0] = heapWrite(mem, base, out)
}

// heapWrite copies b to the heap of the stage region at base and returns
// its slice, or heapFull.
func heapWrite(mem []byte, base uint32, b []byte) uint64 {
	free, ptr := heap(mem, base)
	if len(b) > len(free) {
		return heapFull
	}
	copy(free, b)
	binary.LittleEndian.PutUint32(mem[base+sdk.HdrHeapPtr:], ptr+uint32(len(b)))
	return strResult(ptr, uint32(len(b)))
}

// cxCast: (base, ptr, len, fromPtr, fromLen, toPtr, toLen) -> str, see
// sdk.IntrCxCast.
func cxCast(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	v := arg(mem, stack, 1)
	from, err := sdk.ParseTypeDesc(arg(mem, stack, 3))
	if err != nil {
		panic(fmt.Errorf("%w: %s: source type: %v", ErrProtocol, sdk.IntrCxCast, err))
	}
	to, err := sdk.ParseTypeDesc(arg(mem, stack, 5))
	if err != nil {
		panic(fmt.Errorf("%w: %s: target type: %v", ErrProtocol, sdk.IntrCxCast, err))
	}
	if !sdk.CxValid(from, v) || len(v) == 0 || v[0] == sdk.CxNull {
		panic(fmt.Errorf("%w: %s: the value is not a valid %s", ErrProtocol, sdk.IntrCxCast, from))
	}
	var out []byte
	if to.Type == sdk.TypeString {
		out, _ = cxText(nil, from, v, 0)
	} else {
		out, _ = cxConvert(nil, from, to, v, 0)
	}
	stack[0] = heapWrite(mem, base, out)
}

// cxConvert appends the element b[i:] (valid, of type from) cast to type to
// and returns the offset after it.
func cxConvert(dst []byte, from, to *sdk.TypeDesc, b []byte, i int) ([]byte, int) {
	end := sdk.CxSkip(b, i)
	if b[i] == sdk.CxNull {
		return append(dst, sdk.CxNull), end
	}
	if from.Equal(to) {
		return append(dst, b[i:end]...), end
	}
	if from.Type.IsDecimal() || to.Type.IsDecimal() {
		return cxConvertDecimal(dst, from, to, b, i, end), end
	}
	switch to.Type {
	case sdk.TypeString:
		if from.Type == sdk.TypeString {
			return append(dst, b[i:end]...), end
		}
		text, _ := cxText(nil, from, b, i)
		return sdk.CxAppendString(dst, string(text)), end
	case sdk.TypeInt, sdk.TypeBigInt:
		var v int64
		switch from.Type {
		case sdk.TypeInt, sdk.TypeBigInt:
			v, _ = sdk.CxInt64(b[i:])
		case sdk.TypeDouble:
			f, _ := sdk.CxFloat64(b[i:])
			v = javaLong(f)
			if to.Type == sdk.TypeInt {
				v = int64(javaInt(f))
			}
		case sdk.TypeString:
			s, _ := sdk.CxStr(b[i:])
			bits := 64
			if to.Type == sdk.TypeInt {
				bits = 32
			}
			var ok bool
			if v, ok = jtext.ParseInt(s, bits); !ok {
				return append(dst, sdk.CxNull), end
			}
		default:
			return append(dst, sdk.CxNull), end
		}
		if to.Type == sdk.TypeInt {
			v = int64(int32(v))
		}
		return sdk.CxAppendInt(dst, v), end
	case sdk.TypeDouble:
		switch from.Type {
		case sdk.TypeInt, sdk.TypeBigInt:
			v, _ := sdk.CxInt64(b[i:])
			return sdk.CxAppendDouble(dst, float64(v)), end
		case sdk.TypeDouble:
			return append(dst, b[i:end]...), end
		case sdk.TypeString:
			s, _ := sdk.CxStr(b[i:])
			if f, ok := jtext.ParseDouble(s); ok {
				return sdk.CxAppendDouble(dst, f), end
			}
		}
		return append(dst, sdk.CxNull), end
	case sdk.TypeBoolean:
		switch from.Type {
		case sdk.TypeBoolean:
			return append(dst, b[i]), end
		case sdk.TypeString:
			s, _ := sdk.CxStr(b[i:])
			return sdk.CxAppendBool(dst, jtext.ParseBool(s)), end
		}
		return append(dst, sdk.CxNull), end
	case sdk.TypeArray, sdk.TypeMap:
		if from.Type != to.Type {
			return append(dst, sdk.CxNull), end
		}
		tag, n, j, _ := sdk.CxCount(b[i:])
		dst = sdk.CxAppendHeader(dst, tag, n)
		j += i
		for k := 0; k < n; k++ {
			if tag == sdk.CxMap {
				dst, j = cxConvert(dst, from.Key, to.Key, b, j)
			}
			dst, j = cxConvert(dst, from.Elem, to.Elem, b, j)
		}
		return dst, end
	case sdk.TypeStruct:
		if from.Type != sdk.TypeStruct {
			return append(dst, sdk.CxNull), end
		}
		// Fields by name: where each source field starts.
		starts := make([]int, len(from.Fields))
		j := i + 5
		for k := range from.Fields {
			starts[k] = j
			j = sdk.CxSkip(b, j)
		}
		dst = sdk.CxAppendHeader(dst, sdk.CxStruct, len(to.Fields))
		for _, tf := range to.Fields {
			found := false
			for k, ff := range from.Fields {
				if ff.Name == tf.Name {
					dst, _ = cxConvert(dst, ff.Type, tf.Type, b, starts[k])
					found = true
					break
				}
			}
			if !found {
				dst = append(dst, sdk.CxNull)
			}
		}
		return dst, end
	}
	return append(dst, sdk.CxNull), end
}

// cxText appends the element b[i:] (valid, of type d) as Java prints it
// (String.valueOf of ksqlDB's value: List [1, 2], Map {a=1}, Struct
// Struct{A=1} without its NULL fields) and returns the offset after it.
func cxText(dst []byte, d *sdk.TypeDesc, b []byte, i int) ([]byte, int) {
	end := sdk.CxSkip(b, i)
	switch b[i] {
	case sdk.CxNull:
		return append(dst, "null"...), end
	case sdk.CxFalse:
		return append(dst, "false"...), end
	case sdk.CxTrue:
		return append(dst, "true"...), end
	case sdk.CxInt:
		v, _ := sdk.CxInt64(b[i:])
		if d.Type.IsDecimal() {
			return sdk.AppendDecimal(dst, v, d.Type.Scale()), end
		}
		return strconv.AppendInt(dst, v, 10), end
	case sdk.CxDouble:
		f, _ := sdk.CxFloat64(b[i:])
		return appendJavaDouble(dst, f), end
	case sdk.CxString:
		s, _ := sdk.CxStr(b[i:])
		return append(dst, s...), end
	}
	tag, n, j, _ := sdk.CxCount(b[i:])
	j += i
	switch tag {
	case sdk.CxArray:
		dst = append(dst, '[')
		for k := 0; k < n; k++ {
			if k > 0 {
				dst = append(dst, ", "...)
			}
			dst, j = cxText(dst, d.Elem, b, j)
		}
		return append(dst, ']'), end
	case sdk.CxMap:
		dst = append(dst, '{')
		for k := 0; k < n; k++ {
			if k > 0 {
				dst = append(dst, ", "...)
			}
			dst, j = cxText(dst, d.Key, b, j)
			dst = append(dst, '=')
			dst, j = cxText(dst, d.Elem, b, j)
		}
		return append(dst, '}'), end
	}
	dst = append(dst, "Struct{"...)
	first := true
	for k := 0; k < n; k++ {
		if b[j] == sdk.CxNull {
			j++
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, d.Fields[k].Name...)
		dst = append(dst, '=')
		dst, j = cxText(dst, d.Fields[k].Type, b, j)
	}
	return append(dst, '}'), end
}

// javaLong and javaInt convert a double as Java's (long) and (int) casts:
// truncation, saturation, NaN to 0.
func javaLong(f float64) int64 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func javaInt(f float64) int32 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

// cxConvertDecimal casts an element from or to a DECIMAL through its text,
// as ksqlDB's casts go through BigDecimal: to STRING and DOUBLE exactly,
// between DECIMALs and from numbers with rounding to the target scale; a
// value that does not fit is NULL.
func cxConvertDecimal(dst []byte, from, to *sdk.TypeDesc, b []byte, i, end int) []byte {
	text, _ := cxText(nil, from, b, i)
	switch {
	case to.Type == sdk.TypeString:
		return sdk.CxAppendString(dst, string(text))
	case to.Type == sdk.TypeDouble:
		if f, ok := jtext.ParseDouble(text); ok {
			return sdk.CxAppendDouble(dst, f)
		}
	case to.Type.IsDecimal() && from.Type != sdk.TypeBoolean:
		if u, ok := sdk.ParseDecimal(string(text), to.Type.Precision(), to.Type.Scale()); ok {
			return sdk.CxAppendInt(dst, u)
		}
	case to.Type == sdk.TypeInt || to.Type == sdk.TypeBigInt:
		// Java's BigDecimal.intValue/longValue truncate toward zero.
		if f, ok := jtext.ParseDouble(text); ok {
			v := javaLong(f)
			if to.Type == sdk.TypeInt {
				v = int64(int32(v))
			}
			return sdk.CxAppendInt(dst, v)
		}
	}
	return append(dst, sdk.CxNull)
}

// cxJSON: (base, ptr, len, typePtr, typeLen) -> str, see sdk.IntrCxJSON:
// the value as Jackson writes ksqlDB's value (sdk.AppendComplexJSON), with
// doubles as Double.toString.
func cxJSON(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	v := arg(mem, stack, 1)
	d, err := sdk.ParseTypeDesc(arg(mem, stack, 3))
	if err != nil {
		panic(fmt.Errorf("%w: %s: type: %v", ErrProtocol, sdk.IntrCxJSON, err))
	}
	out, err := sdk.AppendComplexJSON(nil, d, v, appendJavaDouble)
	if err != nil {
		panic(fmt.Errorf("%w: %s: the value is not a valid %s", ErrProtocol, sdk.IntrCxJSON, d))
	}
	stack[0] = heapWrite(mem, base, out)
}

// appendJavaDouble appends f as Java's Double.toString prints it.
func appendJavaDouble(dst []byte, f float64) []byte {
	var buf [32]byte // the longest is 24 bytes: -2.2250738585072014E-308
	var w jtext.Sink
	w.Reset(buf[:])
	jtext.FormatDouble(&w, f)
	return append(dst, w.Bytes()...)
}

// cxArrayFn: (base, fn, aPtr, aLen, bPtr, bLen) -> str, see
// sdk.IntrCxArrayFn.
func cxArrayFn(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	fn := api.DecodeI32(stack[1])
	a, b := arg(mem, stack, 2), arg(mem, stack, 4)
	elems := func(v []byte, want byte) [][]byte {
		if len(v) == 0 {
			return nil
		}
		tag, n, i, ok := sdk.CxCount(v)
		if !ok || tag != want {
			panic(fmt.Errorf("%w: %s: argument is not a valid value", ErrProtocol, sdk.IntrCxArrayFn))
		}
		out := make([][]byte, 0, n)
		for ; n > 0; n-- {
			j := sdk.CxSkip(v, i)
			if j < 0 {
				panic(fmt.Errorf("%w: %s: argument is not a valid value", ErrProtocol, sdk.IntrCxArrayFn))
			}
			out = append(out, v[i:j])
			i = j
		}
		return out
	}
	var res [][]byte
	switch fn {
	case sdk.CxFnMapKeys:
		res, _ = mapEntries(a)
	case sdk.CxFnMapValues:
		_, res = mapEntries(a)
	case sdk.CxFnConcat:
		res = append(elems(a, sdk.CxArray), elems(b, sdk.CxArray)...)
	case sdk.CxFnDistinct:
		res = distinct(elems(a, sdk.CxArray), nil, 0)
	case sdk.CxFnUnion:
		res = distinct(append(elems(a, sdk.CxArray), elems(b, sdk.CxArray)...), nil, 0)
	case sdk.CxFnExcept:
		res = distinct(elems(a, sdk.CxArray), elems(b, sdk.CxArray), -1)
	case sdk.CxFnIntersect:
		res = distinct(elems(a, sdk.CxArray), elems(b, sdk.CxArray), 1)
	case sdk.CxFnSortAsc, sdk.CxFnSortDesc:
		res = elems(a, sdk.CxArray)
		sortElems(res, fn == sdk.CxFnSortDesc)
	default:
		panic(fmt.Errorf("%w: %s: unknown operation %d", ErrProtocol, sdk.IntrCxArrayFn, fn))
	}
	out := sdk.CxAppendHeader(nil, sdk.CxArray, len(res))
	for _, e := range res {
		out = append(out, e...)
	}
	stack[0] = heapWrite(mem, base, out)
}

// mapEntries returns the key and the value elements of the MAP value m,
// in order.
func mapEntries(m []byte) (keys, values [][]byte) {
	tag, n, i, ok := sdk.CxCount(m)
	if !ok || tag != sdk.CxMap {
		panic(fmt.Errorf("%w: %s: argument is not a valid MAP", ErrProtocol, sdk.IntrCxArrayFn))
	}
	keys, values = make([][]byte, 0, n), make([][]byte, 0, n)
	for ; n > 0; n-- {
		k := sdk.CxSkip(m, i)
		v := sdk.CxSkip(m, k)
		if k < 0 || v < 0 {
			panic(fmt.Errorf("%w: %s: argument is not a valid MAP", ErrProtocol, sdk.IntrCxArrayFn))
		}
		keys, values = append(keys, m[i:k]), append(values, m[k:v])
		i = v
	}
	return keys, values
}

// distinct keeps the first occurrence of each element of a; with filter
// nonzero, only those that are (1) or are not (-1) among other's.
func distinct(a, other [][]byte, filter int) [][]byte {
	seen := make(map[string]bool, len(a))
	in := make(map[string]bool, len(other))
	for _, e := range other {
		in[string(e)] = true
	}
	out := a[:0:0]
	for _, e := range a {
		k := string(e)
		if seen[k] || (filter > 0 && !in[k]) || (filter < 0 && in[k]) {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

// sortElems sorts scalar elements as ksqlDB's ARRAY_SORT: by value,
// ascending or descending, NULLs last either way.
func sortElems(es [][]byte, desc bool) {
	cmp := func(x, y []byte) int {
		switch x[0] {
		case sdk.CxDouble:
			f, _ := sdk.CxFloat64(x)
			g, _ := sdk.CxFloat64(y)
			return javaDoubleCompare(f, g)
		case sdk.CxString:
			s, _ := sdk.CxStr(x)
			t, _ := sdk.CxStr(y)
			return jtext.Compare(s, t)
		default: // booleans and integers
			v, _ := sdk.CxInt64(x)
			w, _ := sdk.CxInt64(y)
			switch {
			case v < w:
				return -1
			case v > w:
				return 1
			}
			return 0
		}
	}
	slices.SortStableFunc(es, func(x, y []byte) int {
		switch {
		case x[0] == sdk.CxNull && y[0] == sdk.CxNull:
			return 0
		case x[0] == sdk.CxNull:
			return 1
		case y[0] == sdk.CxNull:
			return -1
		case desc:
			return cmp(y, x)
		}
		return cmp(x, y)
	})
}

// javaDoubleCompare orders doubles as Java's Double.compare: -0.0 before
// 0.0, NaN after everything.
func javaDoubleCompare(f, g float64) int {
	switch {
	case f < g:
		return -1
	case f > g:
		return 1
	}
	fb, gb := math.Float64bits(f), math.Float64bits(g)
	if f != f || g != g {
		switch {
		case f != f && g != g:
			return 0
		case f != f:
			return 1
		}
		return -1
	}
	switch {
	case fb == gb:
		return 0
	case int64(fb) < int64(gb):
		return -1
	}
	return 1
}
