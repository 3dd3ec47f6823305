package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// exprTests map an expression to its tree, which shows precedence and
// associativity.
var exprTests = []struct {
	src, want string
}{
	{"1", "1"},
	{"-1", "-1"},
	{"- 1", "-1"},
	{"-2147483648", "-2147483648"},
	{"-a", "Unary{Op: -, X: ColumnRef{Name: A}}"},
	{"+1", "Unary{Op: +, X: 1}"},
	{"- -1", "Unary{Op: -, X: -1}"},
	{"1.5", "1.5"}, {"1.5E3", "1.5E3"}, {".5", ".5"},
	{"'it''s'", "'it''s'"},
	{"NULL", "NULL"}, {"true", "TRUE"},
	{"a", "ColumnRef{Name: A}"},
	{"t.a", "ColumnRef{Qualifier: T, Name: A}"},
	{"`t`.`My Col`", "ColumnRef{Qualifier: `t`, Name: `My Col`}"},
	{`"quoted"`, "ColumnRef{Name: `quoted`}"},
	{"key", "ColumnRef{Name: KEY}"},
	{"1 + 2 * 3", "Binary{Op: +, X: 1, Y: Binary{Op: *, X: 2, Y: 3}}"},
	{"1 - 2 - 3", "Binary{Op: -, X: Binary{Op: -, X: 1, Y: 2}, Y: 3}"},
	{"a-1", "Binary{Op: -, X: ColumnRef{Name: A}, Y: 1}"},
	{"a - -1", "Binary{Op: -, X: ColumnRef{Name: A}, Y: -1}"},
	{"8 / 4 % 3", "Binary{Op: %, X: Binary{Op: /, X: 8, Y: 4}, Y: 3}"},
	{"-a * b", "Binary{Op: *, X: Unary{Op: -, X: ColumnRef{Name: A}}, Y: ColumnRef{Name: B}}"},
	{"(1 + 2) * 3", "Binary{Op: *, X: Paren{X: Binary{Op: +, X: 1, Y: 2}}, Y: 3}"},
	{"'a' || 1 + 2", "Binary{Op: ||, X: 'a', Y: Binary{Op: +, X: 1, Y: 2}}"},
	{"a || b || c", "Binary{Op: ||, X: Binary{Op: ||, X: ColumnRef{Name: A}, Y: ColumnRef{Name: B}}, Y: ColumnRef{Name: C}}"},
	{"a = 1 OR b = 2 AND c = 3", "Binary{Op: OR, X: Binary{Op: =, X: ColumnRef{Name: A}, Y: 1}, Y: Binary{Op: AND, X: Binary{Op: =, X: ColumnRef{Name: B}, Y: 2}, Y: Binary{Op: =, X: ColumnRef{Name: C}, Y: 3}}}"},
	{"NOT a AND b", "Binary{Op: AND, X: Unary{Op: NOT, X: ColumnRef{Name: A}}, Y: ColumnRef{Name: B}}"},
	{"NOT NOT a", "Unary{Op: NOT, X: Unary{Op: NOT, X: ColumnRef{Name: A}}}"},
	{"NOT a = b", "Unary{Op: NOT, X: Binary{Op: =, X: ColumnRef{Name: A}, Y: ColumnRef{Name: B}}}"},
	{"a + 1 >= b * 2", "Binary{Op: >=, X: Binary{Op: +, X: ColumnRef{Name: A}, Y: 1}, Y: Binary{Op: *, X: ColumnRef{Name: B}, Y: 2}}"},
	{"a != b", "Binary{Op: <>, X: ColumnRef{Name: A}, Y: ColumnRef{Name: B}}"},
	{"a <> b", "Binary{Op: <>, X: ColumnRef{Name: A}, Y: ColumnRef{Name: B}}"},
	{"a IS NULL", "IsNull{X: ColumnRef{Name: A}}"},
	{"a + 1 IS NOT NULL", "IsNull{X: Binary{Op: +, X: ColumnRef{Name: A}, Y: 1}, Not: true}"},
	{"a IS DISTINCT FROM b + 1", "Binary{Op: IS DISTINCT FROM, X: ColumnRef{Name: A}, Y: Binary{Op: +, X: ColumnRef{Name: B}, Y: 1}}"},
	{"a IS NOT DISTINCT FROM b AND c", "Binary{Op: AND, X: Binary{Op: IS NOT DISTINCT FROM, X: ColumnRef{Name: A}, Y: ColumnRef{Name: B}}, Y: ColumnRef{Name: C}}"},
	{"a LIKE 'x%'", "Like{X: ColumnRef{Name: A}, Pattern: 'x%'}"},
	{"a NOT LIKE 'x!%' ESCAPE '!'", "Like{X: ColumnRef{Name: A}, Not: true, Pattern: 'x!%', Escape: '!'}"},
	{"a BETWEEN 1 AND 2 AND b", "Binary{Op: AND, X: Between{X: ColumnRef{Name: A}, Lo: 1, Hi: 2}, Y: ColumnRef{Name: B}}"},
	{"a NOT BETWEEN b - 1 AND b + 1", "Between{X: ColumnRef{Name: A}, Not: true, Lo: Binary{Op: -, X: ColumnRef{Name: B}, Y: 1}, Hi: Binary{Op: +, X: ColumnRef{Name: B}, Y: 1}}"},
	{"a IN (1, 2, b = c)", "In{X: ColumnRef{Name: A}, List: [1, 2, Binary{Op: =, X: ColumnRef{Name: B}, Y: ColumnRef{Name: C}}]}"},
	{"a NOT IN ('x')", "In{X: ColumnRef{Name: A}, Not: true, List: ['x']}"},
	{"CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END", "Case{Whens: [When{Cond: ColumnRef{Name: A}, Result: 1}, When{Cond: ColumnRef{Name: B}, Result: 2}], Else: 3}"},
	{"CASE a WHEN 1 THEN 'one' END", "Case{Operand: ColumnRef{Name: A}, Whens: [When{Cond: 1, Result: 'one'}]}"},
	{"CAST(a AS BIGINT)", "Cast{X: ColumnRef{Name: A}, Type: TypeExpr{Name: \"BIGINT\"}}"},
	{"CAST(a AS DECIMAL(10, 2))", "Cast{X: ColumnRef{Name: A}, Type: TypeExpr{Name: \"DECIMAL\", Params: [10, 2]}}"},
	{"CAST(a AS ARRAY<MAP<STRING, INT>>)", "Cast{X: ColumnRef{Name: A}, Type: TypeExpr{Name: \"ARRAY\", Args: [TypeExpr{Name: \"MAP\", Args: [TypeExpr{Name: \"STRING\"}, TypeExpr{Name: \"INT\"}]}]}}"},
	{"CAST(a AS STRUCT<f1 INT, `f2` VARCHAR>)", "Cast{X: ColumnRef{Name: A}, Type: TypeExpr{Name: \"STRUCT\", Fields: [ColumnDef{Name: F1, Type: TypeExpr{Name: \"INT\"}}, ColumnDef{Name: `f2`, Type: TypeExpr{Name: \"VARCHAR\"}}]}}"},
	{"CAST(a AS INT ARRAY)", "Cast{X: ColumnRef{Name: A}, Type: TypeExpr{Name: \"ARRAY\", Args: [TypeExpr{Name: \"INT\"}]}}"},
	{"count(*)", "Call{Name: COUNT, Star: true}"},
	{"COUNT(DISTINCT x)", "Call{Name: COUNT, Args: [ColumnRef{Name: X}], Distinct: true}"},
	{"concat(a, 'b', 1)", "Call{Name: CONCAT, Args: [ColumnRef{Name: A}, 'b', 1]}"},
	{"now()", "Call{Name: NOW}"},
	{"`myUdf`(1)", "Call{Name: `myUdf`, Args: [1]}"},
	{"replace(a, 'x', 'y')", "Call{Name: REPLACE, Args: [ColumnRef{Name: A}, 'x', 'y']}"},
	{"a[1]", "Subscript{X: ColumnRef{Name: A}, Index: 1}"},
	{"a[-1][b]", "Subscript{X: Subscript{X: ColumnRef{Name: A}, Index: -1}, Index: ColumnRef{Name: B}}"},
	{"s->f->`g`", "Deref{X: Deref{X: ColumnRef{Name: S}, Field: F}, Field: `g`}"},
	{"t.s->*", "DerefAll{X: ColumnRef{Qualifier: T, Name: S}}"},
	{"m['k']->f", "Deref{X: Subscript{X: ColumnRef{Name: M}, Index: 'k'}, Field: F}"},
	{"ARRAY[1, a]", "ArrayCons{Elems: [1, ColumnRef{Name: A}]}"},
	{"MAP('a' := 1, 'b' := x)", "MapCons{Keys: ['a', 'b'], Values: [1, ColumnRef{Name: X}]}"},
	{"STRUCT(f := 1, `g` := ARRAY[2])", "StructCons{Names: [F, `g`], Values: [1, ArrayCons{Elems: [2]}]}"},
	{"-a[1]", "Unary{Op: -, X: Subscript{X: ColumnRef{Name: A}, Index: 1}}"},
}

func TestParseExpr(t *testing.T) {
	for _, tt := range exprTests {
		x, err := ParseExpr(tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := ast.Debug(x); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.want)
		}
		again, err := ParseExpr(ast.Format(x))
		if err != nil {
			t.Errorf("%s: printed %q does not parse: %v", tt.src, ast.Format(x), err)
		} else if ast.Debug(again) != ast.Debug(x) {
			t.Errorf("%s: printed %q parses to %s", tt.src, ast.Format(x), ast.Debug(again))
		}
	}
}

// stmtTests map a statement to its printed form (keywords and unquoted names
// upper-cased, optional words made explicit), and, where the tree itself
// matters, to its Debug string.
var stmtTests = []struct {
	src, printed, debug string
}{
	{
		src:     "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='JSON');",
		printed: "CREATE STREAM TEST (ID BIGINT KEY, NAME VARCHAR, VALUE BIGINT) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON')",
		debug:   `CreateSource{Kind: STREAM, Name: TEST, Columns: [ColumnDef{Name: ID, Type: TypeExpr{Name: "BIGINT"}, Key: true}, ColumnDef{Name: NAME, Type: TypeExpr{Name: "VARCHAR"}}, ColumnDef{Name: VALUE, Type: TypeExpr{Name: "BIGINT"}}], Props: [Property{Name: "KAFKA_TOPIC", Value: 'test_topic'}, Property{Name: "VALUE_FORMAT", Value: 'JSON'}]}`,
	},
	{
		src:     "create or replace source table if not exists t (k string primary key, h bytes headers, h2 bytes header('x')) with ('partitions'=4, wrap_single_value=false, replicas=-1, x=1.5, y=null)",
		printed: "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS T (K STRING PRIMARY KEY, H BYTES HEADERS, H2 BYTES HEADER('x')) WITH (PARTITIONS=4, WRAP_SINGLE_VALUE=FALSE, REPLICAS=-1, X=1.5, Y=NULL)",
	},
	{
		src:     "CREATE TABLE `Mixed` WITH (kafka_topic='t', format='JSON')",
		printed: "CREATE TABLE `Mixed` WITH (KAFKA_TOPIC='t', FORMAT='JSON')",
	},
	{
		src:     "CREATE STREAM S2 WITH (kafka_topic='out') AS SELECT * FROM S1 EMIT CHANGES",
		printed: "CREATE STREAM S2 WITH (KAFKA_TOPIC='out') AS SELECT * FROM S1 EMIT CHANGES",
	},
	{
		src:     "CREATE TABLE T2 AS SELECT k, COUNT(*) AS cnt FROM s s1 WINDOW TUMBLING (SIZE 30 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 0 MILLISECONDS) WHERE x > 1 GROUP BY k HAVING COUNT(*) > 1 EMIT FINAL",
		printed: "CREATE TABLE T2 AS SELECT K, COUNT(*) AS CNT FROM S AS S1 WINDOW TUMBLING (SIZE 30 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 0 MILLISECONDS) WHERE X > 1 GROUP BY K HAVING COUNT(*) > 1 EMIT FINAL",
		debug:   `CreateAsSelect{Kind: TABLE, Name: T2, Query: Select{Items: [SelectItem{Expr: ColumnRef{Name: K}}, SelectItem{Expr: Call{Name: COUNT, Star: true}, Alias: CNT}], From: SourceRef{Name: S, Alias: S1}, Window: Window{Kind: TUMBLING, Size: Duration{Value: 30, Unit: "SECONDS"}, Retention: Duration{Value: 2, Unit: "DAYS"}, Grace: Duration{Unit: "MILLISECONDS"}}, Where: Binary{Op: >, X: ColumnRef{Name: X}, Y: 1}, GroupBy: [ColumnRef{Name: K}], Having: Binary{Op: >, X: Call{Name: COUNT, Star: true}, Y: 1}, Emit: FINAL}}`,
	},
	{
		src:     "SELECT * FROM s WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS) GROUP BY (a, b) EMIT CHANGES",
		printed: "SELECT * FROM S WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS) GROUP BY A, B EMIT CHANGES",
	},
	{
		src:     "SELECT * FROM s WINDOW w SESSION (5 MINUTES, GRACE PERIOD 1 HOUR) GROUP BY (a) + 1, b",
		printed: "SELECT * FROM S WINDOW W SESSION (5 MINUTES, GRACE PERIOD 1 HOUR) GROUP BY (A) + 1, B",
	},
	{
		src:     "SELECT a FROM s GROUP BY ()",
		printed: "SELECT A FROM S GROUP BY ()",
	},
	{
		src:     "SELECT a.*, b.x bx, c.y FROM a JOIN b WITHIN 10 SECONDS ON a.id = b.id LEFT OUTER JOIN c AS c WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON a.id = c.id FULL JOIN d ON d.id = a.id RIGHT JOIN e ON TRUE INNER JOIN f ON TRUE EMIT CHANGES LIMIT 10",
		printed: "SELECT A.*, B.X AS BX, C.Y FROM A INNER JOIN B WITHIN 10 SECONDS ON A.ID = B.ID LEFT JOIN C AS C WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON A.ID = C.ID FULL OUTER JOIN D ON D.ID = A.ID RIGHT JOIN E ON TRUE INNER JOIN F ON TRUE EMIT CHANGES LIMIT 10",
	},
	{
		src:     "SELECT a FROM s t WHERE t.a = 1 PARTITION BY a, b EMIT CHANGES",
		printed: "SELECT A FROM S AS T WHERE T.A = 1 PARTITION BY A, B EMIT CHANGES",
	},
	{
		// EMIT and PARTITION are not reserved, but here they start clauses.
		src:     "SELECT a FROM s PARTITION BY a EMIT CHANGES",
		printed: "SELECT A FROM S PARTITION BY A EMIT CHANGES",
		debug:   "QueryStatement{Query: Select{Items: [SelectItem{Expr: ColumnRef{Name: A}}], From: SourceRef{Name: S}, PartitionBy: [ColumnRef{Name: A}], Emit: CHANGES}}",
	},
	{
		src:     "SELECT a FROM s emit EMIT CHANGES",
		printed: "SELECT A FROM S AS EMIT EMIT CHANGES",
	},
	{
		src:     "SELECT ROWTIME, ROWPARTITION, ROWOFFSET, key, size_x FROM s",
		printed: "SELECT ROWTIME, ROWPARTITION, ROWOFFSET, KEY, SIZE_X FROM S",
	},
	{
		src:     "INSERT INTO sink WITH (QUERY_ID='q1') SELECT * FROM src",
		printed: "INSERT INTO SINK WITH (QUERY_ID='q1') SELECT * FROM SRC",
	},
	{
		src:     "INSERT INTO s (id, `name`) VALUES (1, 'a''b')",
		printed: "INSERT INTO S (ID, `name`) VALUES (1, 'a''b')",
		debug:   "InsertValues{Target: S, Columns: [ID, `name`], Values: [1, 'a''b']}",
	},
	{
		src:     "insert into s values (-1.5, null, 1 + 2)",
		printed: "INSERT INTO S VALUES (-1.5, NULL, 1 + 2)",
	},
	{
		src:     "INSERT INTO s VALUES ()",
		printed: "INSERT INTO S VALUES ()",
	},
	{src: "DROP STREAM s", printed: "DROP STREAM S"},
	{src: "drop table if exists t delete topic", printed: "DROP TABLE IF EXISTS T DELETE TOPIC"},
	{src: "SET 'auto.offset.reset' = 'earliest'", printed: "SET 'auto.offset.reset' = 'earliest'"},
	{src: "UNSET 'auto.offset.reset'", printed: "UNSET 'auto.offset.reset'"},
	{src: "SHOW PROPERTIES", printed: "SHOW PROPERTIES"},
	{src: "list streams extended", printed: "SHOW STREAMS EXTENDED"},
	{src: "SHOW ALL TOPICS", printed: "SHOW ALL TOPICS"},
	{src: "SHOW QUERIES", printed: "SHOW QUERIES"},
	{src: "DESCRIBE s", printed: "DESCRIBE S"},
	{src: "DESCRIBE EXTENDED s", printed: "DESCRIBE S EXTENDED"},
	{src: "DESCRIBE s EXTENDED", printed: "DESCRIBE S EXTENDED"},
	{src: "TERMINATE CSAS_OUTPUT_0", printed: "TERMINATE CSAS_OUTPUT_0"},
	{src: "TERMINATE ALL", printed: "TERMINATE ALL"},
	{
		src:     "SELECT -1 AS `neg`, 1 - -1, - (2), a FROM s -- comment\n /* block */ WHERE a > -5",
		printed: "SELECT -1 AS `neg`, 1 - -1, -(2), A FROM S WHERE A > -5",
	},
}

func TestParseStatements(t *testing.T) {
	for _, tt := range stmtTests {
		stmt, err := ParseStatement("", tt.src)
		if err != nil {
			t.Errorf("%s:\n%s", tt.src, FormatError(err, tt.src))
			continue
		}
		if got := ast.Format(stmt); got != tt.printed {
			t.Errorf("%s:\n printed %s\n    want %s", tt.src, got, tt.printed)
		}
		if tt.debug != "" {
			if got := ast.Debug(stmt); got != tt.debug {
				t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.debug)
			}
		}
		checkRoundTrip(t, "", tt.src, []ast.Statement{stmt})
	}
}

func TestParseScript(t *testing.T) {
	src := `-- a script
CREATE STREAM a (id INT KEY) WITH (kafka_topic='a', value_format='JSON');;
/* two */ CREATE STREAM b AS SELECT * FROM a;
SELECT * FROM b EMIT CHANGES`
	stmts, err := ParseScript("s.sql", src)
	if err != nil {
		t.Fatal(FormatError(err, src))
	}
	want := []string{
		"CREATE STREAM A (ID INT KEY) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON')",
		"CREATE STREAM B AS SELECT * FROM A",
		"SELECT * FROM B EMIT CHANGES",
	}
	if len(stmts) != len(want) {
		t.Fatalf("got %d statements, want %d", len(stmts), len(want))
	}
	for i, s := range stmts {
		if got := ast.Format(s); got != want[i] {
			t.Errorf("statement %d: got %s, want %s", i, got, want[i])
		}
	}
	// Positions point into the script.
	if p := stmts[1].Pos(); src[p.Offset():p.Offset()+6] != "CREATE" {
		t.Errorf("statement 2 starts at offset %d: %q", p.Offset(), src[p.Offset():])
	}
	if stmts, err := ParseScript("", "  -- nothing\n"); err != nil || len(stmts) != 0 {
		t.Errorf("empty script: %d statements, %v", len(stmts), err)
	}
}

// invalidTests give the position and a part of the message of the first
// error.
var invalidTests = []struct {
	src, pos, msg string
}{
	{"SELECT a\nFROM s WHERE a = (1 FROM t", "2:21", "expected ')' but found 'FROM'"},
	{"SELECT a", "1:9", "expected ',' or FROM but found end of input"},
	{"SELECT FROM s", "1:8", "expected expression but found 'FROM'"},
	{"SELECT a FROM select", "1:15", "(a reserved word: write `SELECT` to use it as a name)"},
	{"CREATE STREAM size (a INT)", "1:15", "expected stream or table name but found 'size'"},
	{"CREATE VIEW v", "1:8", "expected STREAM or TABLE but found 'VIEW'"},
	{"CREATE STREAM s (a INT,)", "1:24", "expected column name but found ')'"},
	{"CREATE STREAM s (a)", "1:19", "expected type name but found ')'"},
	{"CREATE STREAM s (a INT KEY KEY)", "1:28", "expected ',' or ')' but found 'KEY'"},
	{"CREATE STREAM s (a INT (KEY))", "1:25", "expected integer type parameter but found 'KEY'"},
	{"CREATE STREAM s (a NULL)", "1:20", "expected type name but found 'NULL'"},
	{"CREATE STREAM s (a DECIMAL)", "1:27", "expected '(' but found ')'"},
	{"CREATE STREAM s (a ARRAY<INT)", "1:29", "expected '>' but found ')'"},
	{"CREATE TABLE t (id INT KEY) WITH (kafka_topic='t')", "1:17", "Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables."},
	{"CREATE STREAM s (id INT PRIMARY KEY)", "1:18", "Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams."},
	{"CREATE STREAM s WITH (kafka_topic=)", "1:35", "expected property value (a string, number or boolean) but found ')'"},
	{"CREATE STREAM s WITH (kafka_topic='a' value_format='b')", "1:39", "expected ',' or ')' but found 'value_format'"},
	{"CREATE STREAM s (a INT) AS SELECT * FROM t", "1:25", "CREATE ... AS SELECT cannot have a column list"},
	{"CREATE STREAM s AS INSERT", "1:20", "expected SELECT but found 'INSERT'"},
	{"CREATE STREAM s AS SELECT * FROM t WHERE a = b = c", "1:48", "expected ';' but found '='"},
	{"SELECT * FROM t WHERE a NOT NULL", "1:29", "expected BETWEEN, IN or LIKE after NOT but found 'NULL'"},
	{"SELECT * FROM t WHERE a IS 1", "1:28", "expected NULL but found '1'"},
	{"SELECT * FROM t WHERE a IN ()", "1:29", "expected expression but found ')'"},
	{"SELECT * FROM t WHERE a BETWEEN 1 OR 2", "1:35", "expected AND but found 'OR'"},
	{"SELECT * FROM t WHERE a LIKE 'x' ESCAPE b", "1:41", "expected escape character string but found 'b'"},
	{"SELECT CASE END FROM t", "1:13", "expected WHEN but found 'END'"},
	{"SELECT CASE WHEN a THEN b FROM t", "1:27", "expected WHEN, ELSE or END but found 'FROM'"},
	{"SELECT CAST(a) FROM t", "1:14", "expected AS but found ')'"},
	{"SELECT f(a b) FROM t", "1:12", "expected ',' or ')' but found 'b'"},
	{"SELECT * FROM t WHERE", "1:22", "expected expression but found end of input"},
	{"SELECT * FROM t WINDOW TUMBLING (SIZE 1)", "1:40", "expected a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS) but found ')'"},
	{"SELECT * FROM t WINDOW TUMBLING (SIZE 30 bobs)", "1:42", "expected a time unit"},
	{"SELECT * FROM t WINDOW TUMBLING (SIZE 1.5 SECONDS)", "1:39", "expected a duration such as 10 SECONDS but found '1.5'"},
	{"SELECT * FROM t WINDOW TUMBLING (SIZE 1 SECOND, FOO 1 SECOND)", "1:49", "expected RETENTION or GRACE PERIOD but found 'FOO'"},
	{"SELECT * FROM t WINDOW SLIDING (SIZE 1 SECOND)", "1:24", "expected TUMBLING, HOPPING or SESSION but found 'SLIDING'"},
	{"SELECT * FROM t WINDOW HOPPING (SIZE 1 SECOND)", "1:46", "expected ',' but found ')'"},
	{"SELECT * FROM a JOIN b", "1:23", "expected WITHIN or ON but found end of input"},
	{"SELECT * FROM a LEFT b ON x", "1:22", "expected JOIN but found 'b'"},
	{"SELECT * FROM a JOIN b WITHIN 1 SECOND", "1:39", "expected ON but found end of input"},
	{"SELECT * FROM (SELECT * FROM t)", "1:15", "ksqlDB has no subqueries"},
	{"SELECT * FROM t AS x EMIT", "1:26", "expected CHANGES or FINAL but found end of input"},
	{"SELECT * FROM t LIMIT -1", "1:23", "expected a row count but found '-'"},
	{"SELECT * FROM t WHERE a = 1 WINDOW TUMBLING (SIZE 1 SECOND)", "1:29", "expected ';' but found 'WINDOW'"},
	{"SELECT * FROM t GROUP BY a AND b", "1:28", "expected ';' but found 'AND'"},
	{"SELECT * FROM t GROUP BY f3, (f2, f1)", "1:33", "expected ')' but found ','"},
	{"SELECT * FROM t GROUP a", "1:23", "expected BY but found 'a'"},
	{"INSERT INTO t (a) SELECT * FROM s", "1:19", "expected VALUES but found 'SELECT'"},
	{"INSERT INTO t VALUES (1", "1:24", "expected ',' or ')' but found end of input"},
	{"INSERT t VALUES (1)", "1:8", "expected INTO but found 't'"},
	{"DROP STREAM", "1:12", "expected stream or table name but found end of input"},
	{"DROP STREAM s DELETE", "1:21", "expected TOPIC but found end of input"},
	{"SET auto = 'x'", "1:5", "expected a quoted property name or value such as 'auto.offset.reset' but found 'auto'"},
	{"SHOW THINGS", "1:6", "expected PROPERTIES, STREAMS, TABLES"},
	{"TERMINATE", "1:10", "expected query id or ALL but found end of input"},
	{"FOO BAR", "1:1", "expected a statement (SELECT, CREATE"},
	{"SELECT 'abc FROM t", "1:8", "unterminated string literal: missing closing '"},
	{"SELECT `abc FROM t", "1:8", "unterminated quoted identifier: missing closing `"},
	{"SELECT a /* FROM t", "1:10", "unterminated comment: missing */"},
	{"SELECT a # b FROM t", "1:10", "illegal character U+0023 '#'"},
	{"SELECT 9223372036854775808 FROM t", "1:8", "Invalid numeric literal: 9223372036854775808"},
	{"SELECT -9223372036854775809 FROM t", "1:8", "Invalid numeric literal: -9223372036854775809"},
	{"SELECT 1.7976931348623159E308 FROM t", "1:8", "Number overflows DOUBLE: 1.7976931348623159E308"},
	{"SELECT 1 FROM t;\nSELECT 2 FROM t\nSELECT 3 FROM t", "3:1", "expected ';' but found 'SELECT'"},
	{"SELECT 1 FROM t; SELECT 2 FROM", "1:31", "expected stream or table name but found end of input"},

	// ksqlDB syntax we do not support yet.
	{"SELECT a[1 FROM t", "1:12", "expected ']'"},
	{"SELECT MAP('a' 1) FROM t", "1:16", "expected ':='"},
	{"SELECT transform(a, x => x + 1) FROM t", "1:21", "not supported yet: lambda functions"},
	{"SELECT transform(a, (x, y) => x + 1) FROM t", "1:21", "not supported yet: lambda functions"},
	{"SELECT ${x} FROM t", "1:8", "not supported yet: variable substitution ${x}"},
	{"SELECT a FROM ${src}", "1:15", "not supported yet: variable substitution ${src}"},
	{"SELECT TIMESTAMPADD(MILLISECONDS, 5, t) FROM t", "1:21", "not supported yet: time unit MILLISECONDS as a function argument"},
	{"SELECT * FROM t WHERE a IS DISTINCT b", "1:37", "expected FROM"},
	{"SELECT a AT TIME ZONE 'UTC' FROM t", "1:10", "not supported yet: AT TIME ZONE"},
	{"SELECT DATE '2020-01-01' FROM t", "1:8", "not supported yet: typed literal DATE"},
	{"CREATE TYPE x AS INT", "1:8", "not supported yet: CREATE TYPE"},
	{"CREATE SOURCE CONNECTOR c WITH (a='b')", "1:8", "not supported yet: CREATE SOURCE CONNECTOR"},
	{"DROP TYPE x", "1:6", "not supported yet: DROP TYPE"},
	{"EXPLAIN SELECT * FROM t", "1:1", "not supported yet: EXPLAIN statements"},
	{"ALTER STREAM s ADD COLUMN c INT", "1:1", "not supported yet: ALTER statements"},
	{"PRINT 'topic'", "1:1", "not supported yet: PRINT statements"},
	{"CREATE STREAM s (a VARCHAR(STRING))", "1:28", "not supported yet: STRING as a type parameter"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range invalidTests {
		_, err := ParseScript("", tt.src)
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Errorf("%s: got %v, want an ErrorList", tt.src, err)
			continue
		}
		first := list[0]
		if got := first.Pos.String(); got != tt.pos || !strings.Contains(first.Msg, tt.msg) {
			t.Errorf("%s:\n got %s: %s\nwant %s: ...%s...", tt.src, got, first.Msg, tt.pos, tt.msg)
		}
	}
}

// TestErrorsPerStatement checks that the parser goes on after an error and
// reports one error for each bad statement, sorted, with the file name.
func TestErrorsPerStatement(t *testing.T) {
	src := "SELECT FROM a;\nSELECT * FROM b;\nSELECT * FROM WHERE;\nDROP x"
	stmts, err := ParseScript("q.sql", src)
	if len(stmts) != 1 {
		t.Errorf("got %d good statements, want 1", len(stmts))
	}
	want := "q.sql:1:8: expected expression but found 'FROM' (and 2 more errors)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	var list ErrorList
	errors.As(err, &list)
	var got []string
	for _, e := range list {
		got = append(got, e.Pos.String())
	}
	if g := strings.Join(got, " "); g != "q.sql:1:8 q.sql:3:15 q.sql:4:6" {
		t.Errorf("positions %s", g)
	}
}

func TestErrorCap(t *testing.T) {
	src := strings.Repeat("SELECT;\n", 50)
	_, err := ParseScript("", src)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v", err)
	}
	if len(list) != MaxErrors {
		t.Errorf("got %d errors, want %d", len(list), MaxErrors)
	}
}

func TestFormatError(t *testing.T) {
	src := "SELECT a,\n\tb FROM t WHERE 'é' = (1"
	_, err := ParseScript("", src)
	want := "2:26: expected ')' but found end of input\n" +
		"    \tb FROM t WHERE 'é' = (1\n" +
		"    \t                       ^"
	if got := FormatError(err, src); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := FormatError(nil, src); got != "" {
		t.Errorf("nil error: %q", got)
	}
}

func TestNestingLimit(t *testing.T) {
	tests := []struct {
		name string
		src  string
		ok   bool
	}{
		{"parens within limit", strings.Repeat("(", MaxDepth/2) + "1" + strings.Repeat(")", MaxDepth/2), true},
		{"parens", strings.Repeat("(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), false},
		{"not", strings.Repeat("NOT ", MaxDepth+1) + "a", false},
		{"unary minus", strings.Repeat("- ", MaxDepth+1) + "a", false},
		{"chain", "1" + strings.Repeat(" + 1", MaxDepth+1), false},
		{"chain within limit", "1" + strings.Repeat(" + 1", MaxDepth/2), true},
		{"calls", strings.Repeat("f(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), false},
		{"cast types", "CAST(a AS " + strings.Repeat("ARRAY<", MaxDepth+1) + "INT" + strings.Repeat(">", MaxDepth+1) + ")", false},
		{"subscripts", "a" + strings.Repeat("[1]", MaxDepth+1), false},
		{"dereferences", "a" + strings.Repeat("->f", MaxDepth+1), false},
		{"constructors", strings.Repeat("ARRAY[", MaxDepth+1) + "1" + strings.Repeat("]", MaxDepth+1), false},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.src)
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.ok && (err == nil || !strings.Contains(err.Error(), "nested too deeply")) {
			t.Errorf("%s: got %v, want a nesting error", tt.name, err)
		}
	}
}

// TestFormatAddsParens checks that the printer keeps the shape of trees
// built by hand, which need not respect precedence.
func TestFormatAddsParens(t *testing.T) {
	a := &ast.ColumnRef{Name: &ast.Ident{Name: "A"}}
	b := &ast.ColumnRef{Name: &ast.Ident{Name: "B"}}
	one := &ast.Literal{Kind: ast.LitInteger, Value: "1"}
	tests := []struct {
		x    ast.Expr
		want string
	}{
		{&ast.Binary{Op: ast.OpMul, X: &ast.Binary{Op: ast.OpAdd, X: a, Y: one}, Y: b}, "(A + 1) * B"},
		{&ast.Binary{Op: ast.OpSub, X: a, Y: &ast.Binary{Op: ast.OpSub, X: b, Y: one}}, "A - (B - 1)"},
		{&ast.Binary{Op: ast.OpEq, X: &ast.Binary{Op: ast.OpEq, X: a, Y: b}, Y: one}, "(A = B) = 1"},
		{&ast.Unary{Op: ast.OpNeg, X: &ast.Binary{Op: ast.OpAdd, X: a, Y: one}}, "-(A + 1)"},
		{&ast.Binary{Op: ast.OpAnd, X: &ast.Binary{Op: ast.OpOr, X: a, Y: b}, Y: a}, "(A OR B) AND A"},
		{&ast.IsNull{X: &ast.Binary{Op: ast.OpEq, X: a, Y: b}}, "(A = B) IS NULL"},
		{&ast.Unary{Op: ast.OpNeg, X: &ast.Literal{Kind: ast.LitInteger, Value: "-1"}}, "- -1"},
		{&ast.ColumnRef{Name: &ast.Ident{Name: "FROM"}}, "`FROM`"},
		{&ast.ColumnRef{Name: &ast.Ident{Name: "lower"}}, "`lower`"},
		{&ast.ColumnRef{Name: &ast.Ident{Name: "1E5"}}, "`1E5`"},
		{&ast.ColumnRef{Name: &ast.Ident{Name: "1ST"}}, "1ST"},
	}
	for _, tt := range tests {
		got := ast.Format(tt.x)
		if got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
			continue
		}
		// The printed form must read back as an equal expression, with
		// parentheses where the printer added them.
		if _, err := ParseExpr(got); err != nil {
			t.Errorf("%s: %v", got, err)
		}
	}
}

func TestInspect(t *testing.T) {
	stmt, err := ParseStatement("", "SELECT a, f(b + 1) AS c FROM s JOIN t ON s.x = t.x WHERE d IS NULL")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ast.Inspect(stmt, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	if got, want := strings.Join(names, " "), "A F B C S T S X T X D"; got != want {
		t.Errorf("identifiers in source order: got %s, want %s", got, want)
	}
	// Returning false prunes the subtree.
	calls := 0
	ast.Inspect(stmt, func(n ast.Node) bool {
		if _, ok := n.(*ast.Call); ok {
			calls++
			return false
		}
		_, isIdent := n.(*ast.Ident)
		if isIdent && calls > 0 && n.(*ast.Ident).Name == "B" {
			t.Error("visited B inside a pruned call")
		}
		return true
	})
	if calls != 1 {
		t.Errorf("got %d calls", calls)
	}
}
