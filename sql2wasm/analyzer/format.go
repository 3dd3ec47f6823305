package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// formatExpr prints an expression as ksqlDB's ExpressionFormatter does in
// its messages: binary operations in parentheses, string literals quoted,
// function names upper-case. qualify, when not nil, rewrites column
// references (ksqlDB prints them qualified in PARTITION BY messages, after
// it has resolved them).
func formatExpr(e ast.Expr, qualify func(*ast.ColumnRef) string) string {
	var b strings.Builder
	f := formatter{b: &b, qualify: qualify}
	f.expr(e)
	return b.String()
}

type formatter struct {
	b       *strings.Builder
	qualify func(*ast.ColumnRef) string
}

func (f formatter) w(s string) { f.b.WriteString(s) }

func (f formatter) expr(e ast.Expr) {
	switch x := e.(type) {
	case *ast.Literal:
		f.literal(x)
	case *ast.ColumnRef:
		if f.qualify != nil {
			f.w(f.qualify(x))
			return
		}
		if x.Qualifier != nil {
			f.w(quoteName(x.Qualifier.Name) + ".")
		}
		f.w(quoteName(x.Name.Name))
	case *ast.Paren:
		f.expr(x.X)
	case *ast.Binary:
		f.w("(")
		f.expr(x.X)
		f.w(" " + x.Op.String() + " ")
		f.expr(x.Y)
		f.w(")")
	case *ast.Unary:
		switch x.Op {
		case ast.OpNot:
			f.w("(NOT ")
			f.expr(x.X)
			f.w(")")
		case ast.OpNeg:
			f.w("-")
			f.expr(x.X)
		default:
			f.w("+")
			f.expr(x.X)
		}
	case *ast.IsNull:
		f.w("(")
		f.expr(x.X)
		if x.Not {
			f.w(" IS NOT NULL)")
		} else {
			f.w(" IS NULL)")
		}
	case *ast.Like:
		f.w("(")
		f.expr(x.X)
		if x.Not {
			f.w(" NOT")
		}
		f.w(" LIKE ")
		f.expr(x.Pattern)
		if x.Escape != nil {
			f.w(" ESCAPE ")
			f.expr(x.Escape)
		}
		f.w(")")
	case *ast.Between:
		f.w("(")
		f.expr(x.X)
		if x.Not {
			f.w(" NOT")
		}
		f.w(" BETWEEN ")
		f.expr(x.Lo)
		f.w(" AND ")
		f.expr(x.Hi)
		f.w(")")
	case *ast.In:
		f.w("(")
		f.expr(x.X)
		if x.Not {
			f.w(" NOT")
		}
		f.w(" IN (")
		f.list(x.List)
		f.w("))")
	case *ast.Case:
		f.w("(CASE")
		if x.Operand != nil {
			f.w(" ")
			f.expr(x.Operand)
		}
		for _, wh := range x.Whens {
			f.w(" WHEN ")
			f.expr(wh.Cond)
			f.w(" THEN ")
			f.expr(wh.Result)
		}
		if x.Else != nil {
			f.w(" ELSE ")
			f.expr(x.Else)
		}
		f.w(" END)")
	case *ast.Cast:
		f.w("CAST(")
		f.expr(x.X)
		f.w(" AS " + typeText(x.Type) + ")")
	case *ast.Call:
		f.w(quoteName(x.Name.Name) + "(")
		if x.Distinct {
			f.w("DISTINCT ")
		}
		if x.Star {
			f.w("*")
		}
		f.list(x.Args)
		f.w(")")
	default:
		if !f.complexExpr(e) {
			f.w("?")
		}
	}
}

func (f formatter) list(xs []ast.Expr) {
	for i, a := range xs {
		if i > 0 {
			f.w(", ")
		}
		f.expr(a)
	}
}

func (f formatter) literal(x *ast.Literal) {
	switch x.Kind {
	case ast.LitString:
		f.w("'" + strings.ReplaceAll(x.Value, "'", "''") + "'")
	case ast.LitNull:
		f.w("null")
	case ast.LitBool:
		f.w(strings.ToLower(x.Value))
	default:
		f.w(x.Value)
	}
}

// typeText prints a written type the way ksqlDB names it.
func typeText(t *ast.TypeExpr) string {
	if t == nil {
		return "?"
	}
	if d, err := sqlTypeDesc(t); err == nil {
		return d.String()
	}
	return strings.ToUpper(t.Name)
}

// quoteName back-quotes a name unless it can be written bare: upper-case
// letters, digits and '_' only, not starting with a digit.
func quoteName(n string) string {
	if n == "" {
		return "``"
	}
	for i, r := range n {
		ok := r == '_' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return "`" + strings.ReplaceAll(n, "`", "``") + "`"
		}
	}
	return n
}
