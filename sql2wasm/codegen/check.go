package codegen

import (
	"fmt"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// checkQuery verifies the parts of the plan contract the code generator
// relies on, so that a wrong plan is an error rather than a module that
// wazero refuses or, worse, one that computes nonsense.
func checkQuery(q *plan.Query) error {
	seen := map[string]bool{}
	for i, st := range q.Stages {
		if st == nil {
			return fmt.Errorf("%w: stage %d is nil", ErrInvalidPlan, i)
		}
		if st.Export == "" {
			return fmt.Errorf("%w: stage %d has no export name", ErrInvalidPlan, i)
		}
		if seen[st.Export] || st.Export == sdk.MemoryExport {
			return fmt.Errorf("%w: export name %q used twice", ErrInvalidPlan, st.Export)
		}
		seen[st.Export] = true
		for _, c := range st.Inputs {
			if !knownType(c.Type) {
				return fmt.Errorf("%w: stage %q: input column %q has type %s", ErrInvalidPlan, st.Export, c.Name, c.Type)
			}
		}
		if st.Filter != nil {
			if err := checkExpr(st, st.Filter, 0); err != nil {
				return fmt.Errorf("stage %q: WHERE: %w", st.Export, err)
			}
			if st.Filter.Type() != sdk.TypeBoolean {
				return fmt.Errorf("%w: stage %q: filter of type %s", ErrInvalidPlan, st.Export, st.Filter.Type())
			}
		}
		for _, o := range st.Outputs {
			if o.Expr == nil {
				return fmt.Errorf("%w: stage %q: output %q has no expression", ErrInvalidPlan, st.Export, o.Name)
			}
			if err := checkExpr(st, o.Expr, 0); err != nil {
				return fmt.Errorf("stage %q: output %q: %w", st.Export, o.Name, err)
			}
			if !knownType(o.Expr.Type()) {
				return fmt.Errorf("%w: stage %q: output %q has type %s", ErrInvalidPlan, st.Export, o.Name, o.Expr.Type())
			}
		}
	}
	return nil
}

func knownType(t sdk.Type) bool { return t.IsKnown() }

// checkExpr checks one expression tree: resolved columns, known types,
// operand types as the plan package promises them.
func checkExpr(st *plan.Stage, e plan.Expr, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("expression nested more than %d levels deep", maxDepth)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPlan}, args...)...)
	}
	sub := func(xs ...plan.Expr) error {
		for _, x := range xs {
			if x == nil {
				return bad("missing operand")
			}
			if err := checkExpr(st, x, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	switch e := e.(type) {
	case nil:
		return bad("missing expression")
	case *plan.Const:
		if !e.V.Null && !knownType(e.V.Type) {
			return bad("constant of type %s", e.V.Type)
		}
		return nil
	case *plan.Col:
		if e.Index < 0 || e.Index >= len(st.Inputs) {
			return bad("column %d of %d", e.Index, len(st.Inputs))
		}
		if e.T != st.Inputs[e.Index].Type {
			return bad("column %q used as %s but is %s", st.Inputs[e.Index].Name, e.T, st.Inputs[e.Index].Type)
		}
		return nil
	case *plan.Unary:
		if err := sub(e.X); err != nil {
			return err
		}
		switch e.Op {
		case plan.OpNeg:
			if !(e.T.IsNumeric() || e.T.IsDecimal()) || e.X.Type() != e.T {
				return bad("negation of %s as %s", e.X.Type(), e.T)
			}
		case plan.OpNot:
			if e.T != sdk.TypeBoolean || e.X.Type() != sdk.TypeBoolean {
				return bad("NOT of %s", e.X.Type())
			}
		default:
			return bad("unary operator %d", e.Op)
		}
		return nil
	case *plan.Binary:
		if err := sub(e.X, e.Y); err != nil {
			return err
		}
		xt, yt := e.X.Type(), e.Y.Type()
		switch e.Op {
		case plan.OpAdd, plan.OpSub, plan.OpMul, plan.OpDiv, plan.OpMod:
			if e.T.IsDecimal() && (xt.IsDecimal() || isNullConst(e.X)) && (yt.IsDecimal() || isNullConst(e.Y)) {
				// Operands of their own scales, brought to T's by decArith.
				if !decArithFits(e.Op, xt, yt, e.T) {
					return bad("DECIMAL arithmetic on %s and %s as %s", xt, yt, e.T)
				}
				return nil
			}
			if !e.T.IsNumeric() || !sameOrNull(e.X, e.T) || !sameOrNull(e.Y, e.T) {
				return bad("arithmetic on %s and %s as %s", xt, yt, e.T)
			}
		case plan.OpEq, plan.OpNe, plan.OpLt, plan.OpLe, plan.OpGt, plan.OpGe:
			t := xt
			if t == sdk.TypeUnknown {
				t = yt
			}
			if e.T == sdk.TypeBoolean && (xt.IsDecimal() || yt.IsDecimal()) && isExactNumeric(xt) && isExactNumeric(yt) {
				return nil // compared exactly across scales (cmpOperands)
			}
			if e.T != sdk.TypeBoolean || !knownType(t) || !sameOrNull(e.X, t) || !sameOrNull(e.Y, t) {
				return bad("comparison of %s and %s", xt, yt)
			}
		case plan.OpAnd, plan.OpOr:
			if e.T != sdk.TypeBoolean || !sameOrNull(e.X, sdk.TypeBoolean) || !sameOrNull(e.Y, sdk.TypeBoolean) {
				return bad("AND/OR of %s and %s", xt, yt)
			}
		default:
			return bad("binary operator %d", e.Op)
		}
		return nil
	case *plan.IsNull:
		return sub(e.X)
	case *plan.Element:
		return checkElement(e, sub, bad)
	case *plan.Construct:
		return checkConstruct(e, sub, bad)
	case *plan.ArrayFn:
		if e.D == nil || e.D.Type != sdk.TypeArray || len(e.Args) == 0 || len(e.Args) > 2 {
			return bad("collection function %d", e.Fn)
		}
		return sub(e.Args...)
	case *plan.ToJSON:
		if e.X == nil || !knownType(e.X.Type()) {
			return bad("TO_JSON_STRING of an unknown type")
		}
		return sub(e.X)
	case *plan.Convert:
		if err := sub(e.X); err != nil {
			return err
		}
		if !knownType(e.To) {
			return bad("conversion to %s", e.To)
		}
		if e.X.Type().IsComplex() || e.To.IsComplex() {
			return checkComplexConvert(e, bad)
		}
		if !convertible(e.X.Type(), e.To) {
			return fmt.Errorf("not supported yet: conversion from %s to %s", e.X.Type(), e.To)
		}
		return nil
	case *plan.Case:
		if len(e.Whens) == 0 || e.Else == nil {
			return bad("CASE without WHEN or ELSE")
		}
		for _, w := range e.Whens {
			if err := sub(w.Cond, w.Then); err != nil {
				return err
			}
			if !sameOrNull(w.Cond, sdk.TypeBoolean) || !sameOrNull(w.Then, e.T) {
				return bad("CASE arm of %s/%s in a CASE of %s", w.Cond.Type(), w.Then.Type(), e.T)
			}
		}
		if err := sub(e.Else); err != nil {
			return err
		}
		if !knownType(e.T) || !sameOrNull(e.Else, e.T) {
			return bad("CASE ELSE of %s in a CASE of %s", e.Else.Type(), e.T)
		}
		return nil
	case *plan.Like:
		if err := sub(e.X, e.Pattern); err != nil {
			return err
		}
		if !sameOrNull(e.X, sdk.TypeString) || !sameOrNull(e.Pattern, sdk.TypeString) {
			return bad("LIKE on %s and %s", e.X.Type(), e.Pattern.Type())
		}
		return nil
	case *plan.Call:
		if err := sub(e.Args...); err != nil {
			return err
		}
		return checkCall(e)
	}
	return bad("unknown expression %T", e)
}

// sameOrNull reports whether e has type t, or is a NULL constant (whose
// type does not matter: it never produces a value).
func sameOrNull(e plan.Expr, t sdk.Type) bool {
	if c, ok := e.(*plan.Const); ok && c.V.Null {
		return true
	}
	return e.Type() == t
}

// convertible reports whether a conversion between two types is defined
// (ksqlDB's CAST: numbers and strings both ways, booleans to and from
// strings).
func convertible(from, to sdk.Type) bool {
	if from == to || from == sdk.TypeUnknown {
		return true
	}
	switch {
	case (from.IsNumeric() || from.IsDecimal()) && (to.IsNumeric() || to.IsDecimal() || to == sdk.TypeString):
		return true
	case from == sdk.TypeString && to == sdk.TypeBytes, from == sdk.TypeBytes:
		return false
	case from == sdk.TypeString:
		return true
	case from == sdk.TypeBoolean:
		return to == sdk.TypeString
	}
	return false
}

func checkCall(e *plan.Call) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPlan}, args...)...)
	}
	n := len(e.Args)
	args := func(ts ...sdk.Type) bool {
		if n != len(ts) {
			return false
		}
		for i, t := range ts {
			if !sameOrNull(e.Args[i], t) {
				return false
			}
		}
		return true
	}
	s := sdk.TypeString
	ok := false
	switch e.Fn {
	case plan.FnAbs, plan.FnCeil, plan.FnFloor:
		ok = e.T.IsNumeric() && args(e.T)
	case plan.FnRound:
		ok = n == 1 && e.Args[0].Type().IsNumeric() &&
			(e.T == e.Args[0].Type() || (e.Args[0].Type() == sdk.TypeDouble && e.T == sdk.TypeBigInt))
	case plan.FnRoundTo:
		ok = e.T == sdk.TypeDouble && args(sdk.TypeDouble, sdk.TypeInt)
	case plan.FnUpper, plan.FnLower, plan.FnTrim, plan.FnLTrim, plan.FnRTrim:
		ok = e.T == s && args(s)
	case plan.FnLen:
		ok = e.T == sdk.TypeInt && args(s)
	case plan.FnConcat:
		ok = e.T == s
		for _, a := range e.Args {
			ok = ok && sameOrNull(a, s)
		}
	case plan.FnConcatWS:
		ok = e.T == s && n >= 1
		for _, a := range e.Args {
			ok = ok && sameOrNull(a, s)
		}
	case plan.FnSubstring:
		ok = e.T == s && (args(s, sdk.TypeInt) || args(s, sdk.TypeInt, sdk.TypeInt))
	case plan.FnReplace:
		ok = e.T == s && args(s, s, s)
	case plan.FnCoalesce, plan.FnIfNull, plan.FnNullIf:
		ok = knownType(e.T) && n >= 1
		if e.Fn != plan.FnCoalesce {
			ok = ok && n == 2
		}
		for _, a := range e.Args {
			ok = ok && sameOrNull(a, e.T)
		}
	case plan.FnExp, plan.FnLn, plan.FnSqrt:
		ok = e.T == sdk.TypeDouble && args(sdk.TypeDouble)
	case plan.FnBytesLen:
		ok = e.T == sdk.TypeInt && args(sdk.TypeBytes)
	case plan.FnBytesSubstring:
		ok = e.T == sdk.TypeBytes && (args(sdk.TypeBytes, sdk.TypeInt) || args(sdk.TypeBytes, sdk.TypeInt, sdk.TypeInt))
	default:
		return bad("unknown function %d", e.Fn)
	}
	if !ok {
		return bad("function %s with %d arguments returning %s", funcName(e.Fn), n, e.T)
	}
	return nil
}

// funcName returns the SQL name of a built-in function, for messages and
// dumps.
func funcName(f plan.Func) string {
	switch f {
	case plan.FnAbs:
		return "ABS"
	case plan.FnCeil:
		return "CEIL"
	case plan.FnFloor:
		return "FLOOR"
	case plan.FnRound, plan.FnRoundTo:
		return "ROUND"
	case plan.FnUpper:
		return "UCASE"
	case plan.FnLower:
		return "LCASE"
	case plan.FnTrim:
		return "TRIM"
	case plan.FnLTrim:
		return "LTRIM"
	case plan.FnRTrim:
		return "RTRIM"
	case plan.FnLen:
		return "LEN"
	case plan.FnConcat:
		return "CONCAT"
	case plan.FnConcatWS:
		return "CONCAT_WS"
	case plan.FnSubstring:
		return "SUBSTRING"
	case plan.FnReplace:
		return "REPLACE"
	case plan.FnCoalesce:
		return "COALESCE"
	case plan.FnIfNull:
		return "IFNULL"
	case plan.FnNullIf:
		return "NULLIF"
	case plan.FnExp:
		return "EXP"
	case plan.FnLn:
		return "LN"
	case plan.FnSqrt:
		return "SQRT"
	case plan.FnBytesLen:
		return "LEN"
	case plan.FnBytesSubstring:
		return "SUBSTRING"
	}
	return fmt.Sprintf("function(%d)", f)
}
