package analyzer

import (
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// joinAnalysis is the analysis of a two-source join.
type joinAnalysis struct{}

// analyzeJoin plans a join.
func (a *Analyzer) analyzeJoin(sel *ast.Select, j *ast.Join, sinkName string) (*queryAnalysis, *Error) {
	return nil, notSupported(j.JoinPos, "JOIN")
}
