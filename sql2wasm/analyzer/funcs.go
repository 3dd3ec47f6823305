package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// builtin is a scalar function wasmstream implements: resolve checks the
// typed arguments and returns the call, or ok=false when no signature
// fits (the caller reports ksqlDB's "does not accept parameters").
type builtin struct {
	// signatures lists the accepted forms for error messages.
	signatures []string
	resolve    func(call *ast.Call, args []plan.Expr) (plan.Expr, bool)
}

// builtins are the scalar functions of the stateless core, by ksqlDB name.
var builtins = map[string]builtin{
	"ABS":   {[]string{"ABS(INT)", "ABS(BIGINT)", "ABS(DOUBLE)"}, sameNumeric(plan.FnAbs)},
	"CEIL":  {[]string{"CEIL(INT)", "CEIL(BIGINT)", "CEIL(DOUBLE)"}, sameNumeric(plan.FnCeil)},
	"FLOOR": {[]string{"FLOOR(INT)", "FLOOR(BIGINT)", "FLOOR(DOUBLE)"}, sameNumeric(plan.FnFloor)},
	"ROUND": {[]string{"ROUND(INT)", "ROUND(BIGINT)", "ROUND(DOUBLE)", "ROUND(DOUBLE, INT)"}, round},
	"UCASE": {[]string{"UCASE(STRING)"}, stringFn(plan.FnUpper, sdk.TypeString)},
	"LCASE": {[]string{"LCASE(STRING)"}, stringFn(plan.FnLower, sdk.TypeString)},
	"TRIM":  {[]string{"TRIM(STRING)"}, stringFn(plan.FnTrim, sdk.TypeString)},
	"LTRIM": {[]string{"LTRIM(STRING)"}, stringFn(plan.FnLTrim, sdk.TypeString)},
	"RTRIM": {[]string{"RTRIM(STRING)"}, stringFn(plan.FnRTrim, sdk.TypeString)},
	"LEN": {[]string{"LEN(STRING)", "LEN(BYTES)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) == 1 && args[0].Type() == sdk.TypeBytes {
			return &plan.Call{At: call.Pos(), Fn: plan.FnBytesLen, Args: args, T: sdk.TypeInt}, true
		}
		return fixed(call, plan.FnLen, sdk.TypeInt, args, []sdk.Type{sdk.TypeString}, 1)
	}},
	"EXP":  {[]string{"EXP(DOUBLE)"}, doubleFn(plan.FnExp)},
	"LN":   {[]string{"LN(DOUBLE)"}, doubleFn(plan.FnLn)},
	"SQRT": {[]string{"SQRT(DOUBLE)"}, doubleFn(plan.FnSqrt)},
	"CONCAT": {[]string{"CONCAT(STRING...)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		return fixed(call, plan.FnConcat, sdk.TypeString, args, repeat(sdk.TypeString, len(args)), 1)
	}},
	"CONCAT_WS": {[]string{"CONCAT_WS(STRING, STRING...)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		return fixed(call, plan.FnConcatWS, sdk.TypeString, args, repeat(sdk.TypeString, len(args)), 2)
	}},
	"SUBSTRING": {[]string{"SUBSTRING(STRING, INT)", "SUBSTRING(STRING, INT, INT)", "SUBSTRING(BYTES, INT)", "SUBSTRING(BYTES, INT, INT)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) != 2 && len(args) != 3 {
			return nil, false
		}
		if args[0].Type() == sdk.TypeBytes {
			return fixed(call, plan.FnBytesSubstring, sdk.TypeBytes, args, []sdk.Type{sdk.TypeBytes, sdk.TypeInt, sdk.TypeInt}[:len(args)], len(args))
		}
		return fixed(call, plan.FnSubstring, sdk.TypeString, args, []sdk.Type{sdk.TypeString, sdk.TypeInt, sdk.TypeInt}[:len(args)], len(args))
	}},
	"REPLACE": {[]string{"REPLACE(STRING, STRING, STRING)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) != 3 {
			return nil, false
		}
		return fixed(call, plan.FnReplace, sdk.TypeString, args, repeat(sdk.TypeString, 3), 3)
	}},
	"TO_JSON_STRING":  {[]string{"TO_JSON_STRING(T)"}, toJSON},
	"ARRAY_DISTINCT":  {[]string{"ARRAY_DISTINCT(ARRAY<T>)"}, arrayFn(sdk.CxFnDistinct, 1)},
	"ARRAY_UNION":     {[]string{"ARRAY_UNION(ARRAY<T>, ARRAY<T>)"}, arrayFn(sdk.CxFnUnion, 2)},
	"ARRAY_EXCEPT":    {[]string{"ARRAY_EXCEPT(ARRAY<T>, ARRAY<T>)"}, arrayFn(sdk.CxFnExcept, 2)},
	"ARRAY_INTERSECT": {[]string{"ARRAY_INTERSECT(ARRAY<T>, ARRAY<T>)"}, arrayFn(sdk.CxFnIntersect, 2)},
	"ARRAY_CONCAT":    {[]string{"ARRAY_CONCAT(ARRAY<T>, ARRAY<T>)"}, arrayFn(sdk.CxFnConcat, 2)},
	"ARRAY_SORT":      {[]string{"ARRAY_SORT(ARRAY<T>)", "ARRAY_SORT(ARRAY<T>, STRING)"}, arrayFn(sdk.CxFnSortAsc, 1)},
	"MAP_KEYS":        {[]string{"MAP_KEYS(MAP<K, V>)"}, arrayFn(sdk.CxFnMapKeys, 1)},
	"MAP_VALUES":      {[]string{"MAP_VALUES(MAP<K, V>)"}, arrayFn(sdk.CxFnMapValues, 1)},
	"COALESCE": {[]string{"COALESCE(T, T...)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) == 0 {
			return nil, false
		}
		return generic(call, plan.FnCoalesce, args)
	}},
	"IFNULL": {[]string{"IFNULL(T, T)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) != 2 {
			return nil, false
		}
		return generic(call, plan.FnIfNull, args)
	}},
	"NULLIF": {[]string{"NULLIF(T, T)"}, func(call *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) != 2 {
			return nil, false
		}
		return generic(call, plan.FnNullIf, args)
	}},
}

// aggregates are ksqlDB's aggregate functions: they need GROUP BY and the
// host's state, which come with the stateful work.
var aggregates = setOf("COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX", "COLLECT_LIST",
	"COLLECT_SET", "TOPK", "TOPKDISTINCT", "HISTOGRAM", "EARLIEST_BY_OFFSET", "LATEST_BY_OFFSET",
	"STDDEV_SAMP", "STDDEV_SAMPLE", "CORRELATION", "ATTR", "SUM_LIST")

// tableFunctions are ksqlDB's table functions (one row in, many out).
var tableFunctions = setOf("EXPLODE", "CUBE_EXPLODE")

// knownScalars are ksqlDB's other built-in scalar functions: named in a
// query they get "not supported yet" rather than ksqlDB's "Can't find any
// functions", which would wrongly say the function does not exist.
var knownScalars = setOf(
	// math
	"ACOS", "ASIN", "ATAN", "ATAN2", "CBRT", "COS", "COSH", "COT", "DEGREES", "EXP", "GREATEST",
	"LEAST", "LN", "LOG", "PI", "POWER", "RADIANS", "RANDOM", "SIGN", "SIN", "SINH", "SQRT",
	"TAN", "TANH", "TRUNC", "GEO_DISTANCE", "ABS_DIFF",
	// strings and bytes
	"CHR", "ELT", "ENCODE", "FIELD", "FROM_BYTES", "TO_BYTES", "INT_FROM_BYTES", "BIGINT_FROM_BYTES", "DOUBLE_FROM_BYTES", "INITCAP", "INSTR", "LPAD", "RPAD",
	"MASK", "MASK_KEEP_LEFT", "MD5", "MASK_KEEP_RIGHT", "MASK_LEFT", "MASK_RIGHT", "REGEXP_EXTRACT",
	"REGEXP_EXTRACT_ALL", "REGEXP_REPLACE", "REGEXP_SPLIT_TO_ARRAY", "SPLIT", "SPLIT_TO_MAP", "UUID",
	// json
	"EXTRACTJSONFIELD", "IS_JSON_STRING", "JSON_ITEMS", "JSON_ARRAY_CONTAINS", "JSON_ARRAY_LENGTH", "JSON_CONCAT",
	"JSON_KEYS", "JSON_RECORDS", "TO_JSON_STRING",
	// collections and lambdas
	"ARRAY", "MAP", "STRUCT", "ARRAY_CONTAINS", "ARRAY_CONCAT", "ARRAY_DISTINCT", "ARRAY_EXCEPT",
	"ARRAY_INTERSECT", "ARRAY_JOIN", "ARRAY_LENGTH", "ARRAY_MAX", "ARRAY_MIN", "ARRAY_REMOVE",
	"ARRAY_SORT", "ARRAY_UNION", "AS_MAP", "ENTRIES", "GENERATE_SERIES", "MAP_KEYS", "MAP_VALUES",
	"MAP_UNION", "SLICE", "TRANSFORM", "REDUCE", "FILTER",
	// date and time
	"DATETOSTRING", "STRINGTODATE", "TIMESTAMPTOSTRING", "STRINGTOTIMESTAMP", "FORMAT_DATE",
	"FORMAT_TIME", "FORMAT_TIMESTAMP", "PARSE_DATE", "PARSE_TIME", "PARSE_TIMESTAMP", "UNIX_DATE",
	"UNIX_TIMESTAMP", "CONVERT_TZ", "FROM_UNIXTIME", "DATEADD", "DATESUB", "TIMEADD", "TIMESUB",
	"TIMESTAMPADD", "TIMESTAMPSUB", "FROM_DAYS",
	// urls
	"URL_DECODE_PARAM", "URL_ENCODE_PARAM", "URL_EXTRACT_FRAGMENT", "URL_EXTRACT_HOST",
	"URL_EXTRACT_PARAMETER", "URL_EXTRACT_PATH", "URL_EXTRACT_PORT", "URL_EXTRACT_PROTOCOL",
	"URL_EXTRACT_QUERY",
)

// knownFunction reports whether name (upper-cased unless quoted) is a
// function ksqlDB has, built here or not.
func knownFunction(name string) bool {
	_, built := builtins[name]
	return built || aggregates[name] || tableFunctions[name] || knownScalars[name] || name == "AS_VALUE"
}

// funcName is the name of the function x calls, upper-cased unless quoted.
func funcName(x *ast.Call) string {
	if x.Name.Quoted {
		return x.Name.Name
	}
	return strings.ToUpper(x.Name.Name)
}

// unknownFunction returns the first call in e of a function that does not
// exist, or nil. An aggregation checks its clauses with it before its
// GROUP BY rules: they tell aggregate calls from other expressions by
// name, so a misspelt aggregate (FOO(x)) would otherwise be reported as a
// missing aggregate or a column not in GROUP BY.
func unknownFunction(e ast.Expr) *ast.Call {
	if e == nil {
		return nil
	}
	if x, ok := e.(*ast.Call); ok && !knownFunction(funcName(x)) {
		return x
	}
	for _, c := range children(e) {
		if bad := unknownFunction(c); bad != nil {
			return bad
		}
	}
	return nil
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func repeat(t sdk.Type, n int) []sdk.Type {
	out := make([]sdk.Type, n)
	for i := range out {
		out[i] = t
	}
	return out
}

// call resolves a function call.
func (c *exprChecker) call(x *ast.Call) (plan.Expr, *Error) {
	name := x.Name.Name
	if !x.Name.Quoted {
		name = strings.ToUpper(name)
	}
	switch {
	case aggregates[name]:
		return nil, notSupported(x.Pos(), "aggregation ("+name+")")
	case tableFunctions[name]:
		return nil, notSupported(x.Pos(), "table functions ("+name+")")
	case x.Star || x.Distinct:
		return nil, errorf(x.Pos(), "%s(%s) is only valid for aggregate functions", name, map[bool]string{true: "*", false: "DISTINCT"}[x.Star])
	}
	args := make([]plan.Expr, len(x.Args))
	for i, a := range x.Args {
		e, err := c.check(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	if name == "AS_VALUE" {
		// AS_VALUE(k) copies a key column into the value; as an expression it
		// is k itself. The projection rules see the call, not a column, so
		// the copy is a value column.
		if len(args) != 1 {
			return nil, c.badArgs(x, name, args, []string{"AS_VALUE(T)"})
		}
		return args[0], nil
	}
	if name == "SUBSTRING" && c.props.bool(PropSubstringLegacyArgs, false) {
		return nil, notSupported(x.Pos(), PropSubstringLegacyArgs+"=true (the pre-5.1 SUBSTRING)")
	}
	b, ok := builtins[name]
	if !ok {
		if knownScalars[name] {
			return nil, notSupported(x.Pos(), "function "+name)
		}
		return nil, typeErr(x.Pos(), "Can't find any functions with the name '%s'", name)
	}
	out, ok := b.resolve(x, args)
	if !ok {
		return nil, c.badArgs(x, name, args, b.signatures)
	}
	return out, nil
}

// badArgs is ksqlDB's error for arguments no signature accepts.
func (c *exprChecker) badArgs(x *ast.Call, name string, args []plan.Expr, sigs []string) *Error {
	types := make([]string, len(args))
	for i, a := range args {
		types[i] = typeName(a.Type())
	}
	return typeErr(x.Pos(), "Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s",
		name, strings.Join(types, ", "), strings.Join(sigs, "\n"))
}

// fixed checks arguments against parameter types (NULL fits any; numbers
// widen) with at least min arguments, and returns the call.
func fixed(x *ast.Call, fn plan.Func, ret sdk.Type, args []plan.Expr, params []sdk.Type, min int) (plan.Expr, bool) {
	if len(args) < min || len(args) != len(params) {
		return nil, false
	}
	out := make([]plan.Expr, len(args))
	for i, a := range args {
		if !isNull(a) && !canWiden(a.Type(), params[i]) {
			return nil, false
		}
		out[i] = coerce(a, params[i])
	}
	return &plan.Call{At: x.Pos(), Fn: fn, Args: out, T: ret}, true
}

// sameNumeric is a one-argument numeric function returning its argument's
// type (ABS, CEIL, FLOOR).
func sameNumeric(fn plan.Func) func(*ast.Call, []plan.Expr) (plan.Expr, bool) {
	return func(x *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		if len(args) != 1 || !isNumeric(args[0].Type()) || args[0].Type().IsDecimal() {
			// CEIL, FLOOR and ABS of a DECIMAL are not supported yet.
			return nil, false
		}
		return &plan.Call{At: x.Pos(), Fn: fn, Args: args, T: args[0].Type()}, true
	}
}

// doubleFn is a one-argument DOUBLE function (numbers widen to DOUBLE).
func doubleFn(fn plan.Func) func(*ast.Call, []plan.Expr) (plan.Expr, bool) {
	return func(x *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		return fixed(x, fn, sdk.TypeDouble, args, []sdk.Type{sdk.TypeDouble}, 1)
	}
}

// stringFn is a one-argument STRING function.
func stringFn(fn plan.Func, ret sdk.Type) func(*ast.Call, []plan.Expr) (plan.Expr, bool) {
	return func(x *ast.Call, args []plan.Expr) (plan.Expr, bool) {
		return fixed(x, fn, ret, args, []sdk.Type{sdk.TypeString}, 1)
	}
}

// round is ksqlDB's ROUND: ROUND(x) keeps an integer type and gives BIGINT
// for a DOUBLE; ROUND(x, n) rounds a DOUBLE to n places (an integer x is
// widened to DOUBLE first).
func round(x *ast.Call, args []plan.Expr) (plan.Expr, bool) {
	switch len(args) {
	case 1:
		t := args[0].Type()
		switch t {
		case sdk.TypeInt, sdk.TypeBigInt:
			return &plan.Call{At: x.Pos(), Fn: plan.FnRound, Args: args, T: t}, true
		case sdk.TypeDouble:
			return &plan.Call{At: x.Pos(), Fn: plan.FnRound, Args: args, T: sdk.TypeBigInt}, true
		}
	case 2:
		return fixed(x, plan.FnRoundTo, sdk.TypeDouble, args, []sdk.Type{sdk.TypeDouble, sdk.TypeInt}, 2)
	}
	return nil, false
}

// generic is a function of one type parameter T (COALESCE, IFNULL,
// NULLIF): the arguments are brought to their common type, numbers
// widening. When every argument is NULL the result is an untyped NULL.
func generic(x *ast.Call, fn plan.Func, args []plan.Expr) (plan.Expr, bool) {
	t := sdk.TypeUnknown
	for _, a := range args {
		if isNull(a) {
			continue
		}
		switch {
		case t == sdk.TypeUnknown:
			t = a.Type()
		case isNumeric(t) && isNumeric(a.Type()) && (isDecimalish(t) || isDecimalish(a.Type())):
			// DECIMALs widen to the DECIMAL that holds both (or DOUBLE).
			if t = widerNumeric(t, a.Type()); t == typeWideDecimal {
				return nil, false
			}
		case canWiden(t, a.Type()):
			t = a.Type()
		case canWiden(a.Type(), t):
		default:
			return nil, false
		}
	}
	if t == sdk.TypeUnknown {
		return nullConst(x.Pos()), true
	}
	if t.IsComplex() {
		return genericComplex(x, fn, args)
	}
	out := make([]plan.Expr, len(args))
	for i, a := range args {
		out[i] = coerce(a, t)
	}
	return &plan.Call{At: x.Pos(), Fn: fn, Args: out, T: t}, true
}
