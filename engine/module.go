package engine

import (
	"context"
	"fmt"

	"github.com/wasmstream/wasmstream/runtime"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// StartModule starts a persistent query from a compiled module (a .wasm
// file written by sql2wasm). The module's manifest carries the catalog
// entries of its sources and sink, so the query needs no CREATE statement:
// the catalog is left as it is. The sink topic is created when missing,
// as for a CREATE ... AS SELECT.
func (e *Engine) StartModule(ctx context.Context, wasm []byte) (*Query, error) {
	man, err := runtime.ReadManifest(wasm)
	if err != nil {
		return nil, err
	}
	switch man.Kind {
	case "CSAS", "CTAS", "INSERT":
	default:
		return nil, fmt.Errorf("module of kind %q is not a persistent query (want CSAS, CTAS or INSERT)", man.Kind)
	}
	c := &compiled{kind: kindQuery, module: wasm, manifest: man, sql: man.SQL, filtered: hasWhere(man.SQL)}
	if err := e.startQuery(ctx, c); err != nil {
		return nil, err
	}
	for _, q := range e.queries {
		if q.id == man.QueryID {
			return q, nil
		}
	}
	return nil, fmt.Errorf("module %s: the query did not start", man.QueryID)
}

// hasWhere reports whether a persistent query's statement has a WHERE
// clause (which decides, on a stream, what a record without a value
// becomes; see executor.QueryConfig.Filtered). A statement that does not
// parse counts as unfiltered.
func hasWhere(sql string) bool {
	stmts, err := parse(sql)
	if err != nil || len(stmts) != 1 {
		return false
	}
	switch st := stmts[0].stmt.(type) {
	case *ast.CreateAsSelect:
		return st.Query != nil && st.Query.Where != nil
	case *ast.InsertInto:
		return st.Query != nil && st.Query.Where != nil
	}
	return false
}
