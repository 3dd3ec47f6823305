// Package sql2wasm compiles ksqlDB-dialect SQL to WebAssembly.
//
// Each persistent query (CREATE STREAM/TABLE ... AS SELECT, INSERT INTO ...
// SELECT) becomes one self-describing module: its stages are exported
// functions over columnar batches and its manifest (sdk.Manifest, in a custom
// section) carries everything a host needs to run it. Statements that declare
// sources only update the compiler's catalog.
//
// A Compiler keeps the state a script builds up, statement by statement:
//
//	c := sql2wasm.NewCompiler(sql2wasm.WithProperties(map[string]string{
//		"ksql.persistence.default.format.value": "JSON",
//	}))
//	stmts, err := sql2wasm.Parse("orders.sql", src)
//	if err != nil {
//		fmt.Println(sql2wasm.FormatError(err, src))
//		return
//	}
//	for _, s := range stmts {
//		res, err := c.Compile(s)
//		if err != nil {
//			fmt.Println(sql2wasm.FormatError(err, src))
//			return
//		}
//		if res.Kind == sql2wasm.Query {
//			os.WriteFile(strings.ToLower(res.QueryID)+".wasm", res.Module, 0o644)
//		}
//	}
//
// CompileScript does the same in one call.
//
// The passes live in their own packages and import downward only: token and
// scanner, ast, parser (syntax), analyzer (catalog, names, types, ksqlDB's
// rules; produces a plan), plan (the typed IR), codegen (plan to module) and
// wasm (the binary encoder). None of them imports the runtime or the host; a
// test keeps it that way.
package sql2wasm
