package parser_test

import (
	"fmt"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/parser"
)

func ExampleParseScript() {
	src := `CREATE STREAM orders (id BIGINT KEY, amount DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM big AS SELECT id, amount * 2 AS doubled FROM orders WHERE amount > 100;`
	stmts, err := parser.ParseScript("orders.sql", src)
	if err != nil {
		fmt.Println(parser.FormatError(err, src))
		return
	}
	for _, s := range stmts {
		fmt.Printf("%T: %s\n", s, ast.Format(s))
	}

	bad := "SELECT id\nFROM orders WHERE (amount > 1 GROUP BY id;"
	_, err = parser.ParseScript("bad.sql", bad)
	fmt.Println(parser.FormatError(err, bad))
	// Output:
	// *ast.CreateSource: CREATE STREAM ORDERS (ID BIGINT KEY, AMOUNT DOUBLE) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON')
	// *ast.CreateAsSelect: CREATE STREAM BIG AS SELECT ID, AMOUNT * 2 AS DOUBLED FROM ORDERS WHERE AMOUNT > 100
	// bad.sql:2:31: expected ')' but found 'GROUP'
	//     FROM orders WHERE (amount > 1 GROUP BY id;
	//                                   ^
}
