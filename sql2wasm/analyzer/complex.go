package analyzer

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// castComplex checks a CAST from or to ARRAY, MAP or STRUCT.
func (c *exprChecker) castComplex(x *ast.Cast, v plan.Expr, to *sdk.TypeDesc) (plan.Expr, *Error) {
	from := plan.DescOf(v)
	if from.Equal(to) {
		return v, nil
	}
	return nil, notSupported(x.Pos(), "CAST from "+from.String()+" to "+to.String())
}
