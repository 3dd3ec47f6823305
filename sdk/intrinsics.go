package sdk

// ValType is a WebAssembly value type as used in intrinsic signatures.
type ValType byte

// The WebAssembly value types (their binary encodings).
const (
	I32 ValType = 0x7f
	I64 ValType = 0x7e
	F64 ValType = 0x7c
)

// Intrinsic describes one pure host function a module may import from
// IntrinsicsModule. Intrinsics do work that is complex and rarely hot (text
// casing, number formatting and parsing, LIKE patterns): correctness there is
// worth a host call, while the hot work (comparisons, arithmetic, filters)
// stays in wasm.
//
// Conventions shared by all intrinsics:
//   - A string argument is two i32: address and byte length.
//   - A string result is one i64: address in the low 32 bits, length in the
//     high 32 bits. The intrinsic writes the bytes at the stage's heap pointer
//     (the header of the stage region, whose base address is the first
//     argument of every intrinsic that returns a string) and advances it. If
//     the heap has no room it returns -1 and the stage returns
//     StatusHeapFull.
//   - An intrinsic that can fail (parsing text in a CAST) takes the stage
//     base too, and on failure writes 1 to the header's HdrIntrinsicError;
//     the stage checks and clears that field after the call and marks the
//     row SelError+RowErrCast... or NULL, as the SQL semantics require.
type Intrinsic struct {
	Name    string
	Params  []ValType
	Results []ValType
	Doc     string
}

// Names of the intrinsics.
const (
	IntrUpper        = "str_upper"
	IntrLower        = "str_lower"
	IntrTrim         = "str_trim"
	IntrLTrim        = "str_ltrim"
	IntrRTrim        = "str_rtrim"
	IntrLen          = "str_len"
	IntrSubstring    = "str_substring"
	IntrReplace      = "str_replace"
	IntrCompare      = "str_compare"
	IntrLike         = "str_like"
	IntrFormatInt    = "fmt_int"
	IntrFormatDouble = "fmt_double"
	IntrParseInt     = "parse_int"
	IntrParseDouble  = "parse_double"
	IntrParseBool    = "parse_bool"
	IntrCheckCancel  = "check_cancel"
	IntrCxField      = "cx_field"
	IntrCxIndex      = "cx_index"
	IntrCxLookup     = "cx_lookup"
	IntrCxBuild      = "cx_build"
	IntrCxCast       = "cx_cast"
	IntrCxJSON       = "cx_json"
	IntrCxArrayFn    = "cx_array_fn"
)

// The operations of cx_array_fn.
const (
	CxFnDistinct  = 1 // ARRAY_DISTINCT(a)
	CxFnUnion     = 2 // ARRAY_UNION(a, b)
	CxFnExcept    = 3 // ARRAY_EXCEPT(a, b)
	CxFnIntersect = 4 // ARRAY_INTERSECT(a, b)
	CxFnConcat    = 5 // ARRAY_CONCAT(a, b); a NULL side is passed as length 0
	CxFnMapKeys   = 6 // MAP_KEYS(m)
	CxFnSortAsc   = 7 // ARRAY_SORT(a) and ARRAY_SORT(a, 'ASC')
	CxFnSortDesc  = 8 // ARRAY_SORT(a, 'DESC')
	CxFnMapValues = 9 // MAP_VALUES(m)
)

// Names of the DECIMAL and math intrinsics.
const (
	IntrDecParse      = "dec_parse"
	IntrDecFromDouble = "dec_from_double"
	IntrDecFormat     = "dec_format"
	IntrMathExp       = "math_exp"
	IntrMathLn        = "math_ln"
	IntrBytesSubstr   = "bytes_substring"
	IntrBytesCompare  = "bytes_compare"
)

// Intrinsics is the complete list of intrinsic functions of this ABI version,
// in a fixed order. The host provides all of them; a module imports those it
// uses.
var Intrinsics = []Intrinsic{
	{IntrUpper, []ValType{I32, I32, I32}, []ValType{I64},
		"(base, ptr, len) -> str: upper-case (Unicode, as Java's String.toUpperCase)"},
	{IntrLower, []ValType{I32, I32, I32}, []ValType{I64},
		"(base, ptr, len) -> str: lower-case"},
	{IntrTrim, []ValType{I32, I32, I32}, []ValType{I64},
		"(base, ptr, len) -> str: without leading and trailing characters <= ' ' as Java's String.trim (a slice of the argument, nothing written)"},
	{IntrLTrim, []ValType{I32, I32, I32}, []ValType{I64},
		"(base, ptr, len) -> str: without leading whitespace"},
	{IntrRTrim, []ValType{I32, I32, I32}, []ValType{I64},
		"(base, ptr, len) -> str: without trailing whitespace"},
	{IntrLen, []ValType{I32, I32}, []ValType{I32},
		"(ptr, len) -> i32: length in characters (UTF-16 code units, as Java's String.length)"},
	{IntrSubstring, []ValType{I32, I32, I32, I32, I32}, []ValType{I64},
		"(base, ptr, len, pos, count) -> str: ksqlDB SUBSTRING with 1-based pos (negative counts from the end); count < 0 means to the end"},
	{IntrReplace, []ValType{I32, I32, I32, I32, I32, I32, I32}, []ValType{I64},
		"(base, ptr, len, oldPtr, oldLen, newPtr, newLen) -> str: every occurrence of old replaced by new"},
	{IntrCompare, []ValType{I32, I32, I32, I32}, []ValType{I32},
		"(aPtr, aLen, bPtr, bLen) -> i32: -1, 0 or 1 comparing as Java's String.compareTo (UTF-16 order)"},
	{IntrLike, []ValType{I32, I32, I32, I32, I32}, []ValType{I32},
		"(ptr, len, patPtr, patLen, escape) -> i32: 1 if the string matches the LIKE pattern (% and _, which as in ksqlDB do not match line terminators; escape is a code point or -1), 0 if not, -1 if the pattern ends with the escape character (an error in ksqlDB)"},
	{IntrFormatInt, []ValType{I32, I64}, []ValType{I64},
		"(base, v) -> str: decimal text of an integer"},
	{IntrFormatDouble, []ValType{I32, F64}, []ValType{I64},
		"(base, v) -> str: text of a double as Java's Double.toString"},
	{IntrParseInt, []ValType{I32, I32, I32, I32}, []ValType{I64},
		"(base, ptr, len, bits) -> i64: the integer in the trimmed text if it parses and fits in bits (32 or 64); on failure 0 and HdrIntrinsicError = 1"},
	{IntrParseDouble, []ValType{I32, I32, I32}, []ValType{F64},
		"(base, ptr, len) -> f64: the double in the trimmed text; on failure 0 and HdrIntrinsicError = 1"},
	{IntrParseBool, []ValType{I32, I32}, []ValType{I32},
		"(ptr, len) -> i32: 1 if the trimmed text is a non-empty prefix of true or yes (case-insensitive: t, tr, y, YES...), 0 otherwise, as ksqlDB's CAST(x AS BOOLEAN)"},
	{IntrCheckCancel, []ValType{I32}, []ValType{I32},
		"(base) -> i32: 1 if the stage must stop (its HdrCancel flag is raised) and return StatusCancelled; called every CancelCheckRows rows, it also lets the Go runtime stop the world for garbage collection (see HdrCancel)"},
	{IntrCxField, []ValType{I32, I32, I32}, []ValType{I64},
		"(ptr, len, i) -> slice: the encoding of field i (0-based) of the STRUCT value (a slice of the argument); length 0 if there is no such field or the value is malformed"},
	{IntrCxIndex, []ValType{I32, I32, I32}, []ValType{I64},
		"(ptr, len, i) -> slice: the encoding of element i of the ARRAY value, 1-based, negative from the end (-1 is the last); length 0 when out of range (ksqlDB's NULL)"},
	{IntrCxLookup, []ValType{I32, I32, I32, I32}, []ValType{I64},
		"(ptr, len, keyPtr, keyLen) -> slice: the encoding of the value of the MAP value's entry whose STRING key is the given text; length 0 if there is none"},
	{IntrCxBuild, []ValType{I32, I32, I32, I32}, []ValType{I64},
		"(base, tag, n, recs) -> str: writes the ARRAY, MAP or STRUCT (tag CxArray, CxMap, CxStruct) of n elements (a MAP: n/2 key-value pairs) to the heap; recs is n records of 16 bytes, an i64 value (STRING and complex: a slot; DOUBLE: its bits) and at +8 the element's tag (CxNull for NULL; a complex element is copied)"},
	{IntrCxCast, []ValType{I32, I32, I32, I32, I32, I32, I32}, []ValType{I64},
		"(base, ptr, len, fromPtr, fromLen, toPtr, toLen) -> str: the complex value of type from (binary TypeDesc) cast to type to as ksqlDB casts: element by element with CAST's rules, STRUCT fields by name (missing ones NULL), a part that fails to convert NULL; to STRING (type byte 5) it is ksqlDB's text ([1, 2], {a=1}, Struct{A=1})"},
	{IntrDecParse, []ValType{I32, I32, I32, I32, I32}, []ValType{I64},
		"(base, ptr, len, precision, scale) -> i64: the text (trimmed; sign, digits, point, exponent as Java's new BigDecimal) as the unscaled value of DECIMAL(precision, scale), rounded HALF_UP to the scale; fallible (not a number, too many digits)"},
	{IntrDecFromDouble, []ValType{I32, F64, I32, I32}, []ValType{I64},
		"(base, v, precision, scale) -> i64: the DOUBLE as DECIMAL(precision, scale), as BigDecimal.valueOf(v) rounded HALF_UP; fallible (NaN, infinite, too many digits)"},
	{IntrDecFormat, []ValType{I32, I64, I32}, []ValType{I64},
		"(base, unscaled, scale) -> str: the DECIMAL as BigDecimal.toPlainString (exactly scale digits after the point)"},
	{IntrMathExp, []ValType{F64}, []ValType{F64}, "(v) -> f64: e^v (Java's Math.exp)"},
	{IntrMathLn, []ValType{F64}, []ValType{F64}, "(v) -> f64: the natural logarithm (Java's Math.log)"},
	{IntrBytesSubstr, []ValType{I32, I32, I32, I32, I32}, []ValType{I64},
		"(ptr, len, pos, hasLen, n) -> slice: ksqlDB's SUBSTRING of BYTES, 1-based pos (negative from the end), n bytes if hasLen != 0 (a slice of the argument)"},
	{IntrBytesCompare, []ValType{I32, I32, I32, I32}, []ValType{I32},
		"(ptr1, len1, ptr2, len2) -> i32: <0, 0, >0 as Java's ByteBuffer.compareTo (bytes compared as signed, then the shorter first)"},
	{IntrCxJSON, []ValType{I32, I32, I32, I32, I32}, []ValType{I64},
		"(base, ptr, len, typePtr, typeLen) -> str: the element (complex encoding, any tag) of the given type (binary TypeDesc) as compact JSON, as ksqlDB's TO_JSON_STRING writes it with Jackson"},
	{IntrCxArrayFn, []ValType{I32, I32, I32, I32, I32, I32}, []ValType{I64},
		"(base, fn, aPtr, aLen, bPtr, bLen) -> str: the ARRAY result of operation fn (CxFn*) over the ARRAY or MAP values a and b, as ksqlDB's functions: DISTINCT, UNION, EXCEPT and INTERSECT keep the first occurrence of each element (by encoding, NULL included), in order; CONCAT appends b to a; MAP_KEYS and MAP_VALUES list the keys or the values in order; SORT orders scalar elements (numbers by value, doubles as Double.compareTo, strings as String.compareTo, FALSE before TRUE), NULLs last"},
}

// LookupIntrinsic returns the intrinsic with the given name.
func LookupIntrinsic(name string) (Intrinsic, bool) {
	for _, in := range Intrinsics {
		if in.Name == name {
			return in, true
		}
	}
	return Intrinsic{}, false
}
