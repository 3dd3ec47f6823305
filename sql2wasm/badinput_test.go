package sql2wasm

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// badInputBase declares the sources the bad-input cases query: a stream
// and a table keyed by INT, a table keyed by BIGINT and a stream whose
// value column SK is a STRING.
const badInputBase = "CREATE STREAM S (ID INT KEY, V BIGINT, NAME STRING) WITH (kafka_topic='s', value_format='JSON');\n" +
	"CREATE TABLE T (ID INT PRIMARY KEY, V BIGINT, NAME STRING) WITH (kafka_topic='t', value_format='JSON');\n" +
	"CREATE TABLE T2 (ID BIGINT PRIMARY KEY, W INT) WITH (kafka_topic='t2', value_format='JSON');\n" +
	"CREATE STREAM Q (ID INT KEY, SK STRING, X INT) WITH (kafka_topic='q', value_format='JSON');\n"

// TestBadInputErrors checks that each kind of wrong query is refused with
// a message a user can act on, at the file:line:col of what is wrong.
// The expected position is given as the first occurrence of at in the
// case's statements, so that each case says what the error points to.
func TestBadInputErrors(t *testing.T) {
	tests := []struct {
		name string
		sql  string // after badInputBase
		at   string // the text the error points to
		msg  string
	}{
		// Unknown functions in an aggregation: named as such, not as a
		// missing aggregate or a column outside GROUP BY (ksqlDB says
		// "GROUP BY requires aggregate functions ..." for the first).
		{"unknown aggregate alone", "CREATE TABLE O AS SELECT ID, FOO(V) AS F FROM S GROUP BY ID;",
			"FOO(V)", "Can't find any functions with the name 'FOO'"},
		{"unknown aggregate next to COUNT", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C, foo(V) AS F FROM S GROUP BY ID;",
			"foo(V)", "Can't find any functions with the name 'FOO'"},
		{"unknown aggregate with a star", "CREATE TABLE O AS SELECT ID, FOO(*) AS F FROM S GROUP BY ID;",
			"FOO(*)", "Can't find any functions with the name 'FOO'"},
		{"unknown function in HAVING", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID HAVING FOO(V) > 1;",
			"FOO(V)", "Can't find any functions with the name 'FOO'"},
		{"unknown function in GROUP BY", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S GROUP BY FOO(ID);",
			"FOO(ID)", "Can't find any functions with the name 'FOO'"},
		{"unknown function nested in an aggregate", "CREATE TABLE O AS SELECT ID, SUM(FOO(V)) AS C FROM S GROUP BY ID;",
			"FOO(V)", "Can't find any functions with the name 'FOO'"},
		{"unknown function in WHERE of an aggregation", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S WHERE FOO(V) > 1 GROUP BY ID;",
			"FOO(V)", "Error in WHERE expression: Can't find any functions with the name 'FOO'"},
		{"aggregate of the wrong type", "CREATE TABLE O AS SELECT ID, SUM(NAME) AS C FROM S GROUP BY ID;",
			"SUM(NAME)", "Function 'SUM' does not accept parameters (STRING).\nValid alternatives are:\nSUM(INT)\nSUM(BIGINT)\nSUM(DOUBLE)\nSUM(DECIMAL)"},

		// Join keys of different types (ksqlDB's wording, joins.json).
		{"stream-table join STRING = INT", "CREATE STREAM O AS SELECT Q.ID, T.NAME FROM Q JOIN T ON Q.SK = T.ID;",
			"Q.SK = T.ID", "Invalid join condition: types don't match. Got Q.SK{STRING} = T.ID{INTEGER}."},
		{"stream-table join on the key, STRING = INT", "CREATE STREAM O AS SELECT S.ID, T.NAME FROM S JOIN T ON S.NAME = T.ID;",
			"S.NAME = T.ID", "Invalid join condition: types don't match. Got S.NAME{STRING} = T.ID{INTEGER}."},
		{"stream-stream join STRING = INT", "CREATE STREAM O AS SELECT Q.ID, S.NAME FROM Q JOIN S WITHIN 1 MINUTE ON Q.SK = S.ID;",
			"Q.SK = S.ID", "Invalid join condition: types don't match. Got Q.SK{STRING} = S.ID{INTEGER}."},
		{"table-table join INT = BIGINT", "CREATE TABLE O AS SELECT T.ID, W FROM T JOIN T2 ON T.ID = T2.ID;",
			"T.ID = T2.ID", "Invalid join condition: types don't match. Got T.ID{INTEGER} = T2.ID{BIGINT}."},

		// WINDOW over a table.
		{"tumbling window over a table", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM T WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID;",
			"WINDOW", "Windowed aggregations are not supported on tables: T is a TABLE."},
		{"session window over a table", "CREATE TABLE O AS SELECT NAME, COUNT(*) AS C FROM T WINDOW SESSION (1 MINUTE) GROUP BY NAME;",
			"WINDOW", "Windowed aggregations are not supported on tables: T is a TABLE."},
		{"persistent query over a windowed table",
			"CREATE TABLE W AS SELECT ID, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID;\nCREATE TABLE O AS SELECT ID, C FROM W;",
			"W;", "KSQL does not support persistent queries on windowed tables."},

		// The GROUP BY rules.
		{"aggregate without GROUP BY, with a column", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S;",
			"SELECT ID", "Non-aggregate SELECT expression(s) not part of GROUP BY: ID"},
		{"aggregate without GROUP BY", "CREATE TABLE O AS SELECT COUNT(*) AS C FROM S;", // ksqlDB's wording: COUNT(*) counts ROWTIME
			"SELECT COUNT", "CREATE TABLE AS SELECT statement does not support aggregate function [COUNT(ROWTIME)] without a GROUP BY clause."},
		{"GROUP BY without aggregate", "CREATE TABLE O AS SELECT ID, V FROM S GROUP BY ID, V;",
			"ID, V;", "GROUP BY requires aggregate functions in either the SELECT or HAVING clause."},
		{"WINDOW without GROUP BY", "CREATE STREAM O AS SELECT ID, V FROM S WINDOW TUMBLING (SIZE 1 MINUTE);",
			"WINDOW", "WINDOW clause requires a GROUP BY clause."},
		{"aggregate in WHERE", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S WHERE COUNT(*) > 1 GROUP BY ID;",
			"COUNT(*) > 1", "Aggregate functions are not allowed in WHERE: COUNT(*)"},
		{"HAVING without GROUP BY", "CREATE TABLE O AS SELECT ID, V FROM S HAVING V > 1;",
			"V > 1", "HAVING clause requires a GROUP BY clause."},
		{"column not in GROUP BY", "CREATE TABLE O AS SELECT ID, V, COUNT(*) AS C FROM S GROUP BY ID;",
			"SELECT ID", "Non-aggregate SELECT expression(s) not part of GROUP BY: V"},
		{"HAVING column not in GROUP BY", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID HAVING NAME = 'x';",
			"NAME = 'x'", "Non-aggregate HAVING expression not part of GROUP BY: NAME"},
		{"aggregate in GROUP BY", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID, COUNT(*);",
			"COUNT(*);", "GROUP BY does not support aggregate functions: COUNT is an aggregate function."},
		{"nested aggregates", "CREATE TABLE O AS SELECT ID, SUM(COUNT(*)) AS C FROM S GROUP BY ID;",
			"SUM(COUNT", "Aggregate functions can not be nested: SUM(COUNT(*))"},

		// EMIT FINAL needs a windowed aggregation; without the check a
		// stateless query would run as EMIT CHANGES.
		{"EMIT FINAL on a projection", "CREATE STREAM O AS SELECT ID, V FROM S EMIT FINAL;",
			"EMIT", "EMIT FINAL is only supported for windowed aggregations."},
		{"EMIT FINAL on an unwindowed aggregation", "CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID EMIT FINAL;",
			"EMIT", "EMIT FINAL is only supported for windowed aggregations."},
		{"EMIT FINAL on a join", "CREATE STREAM O AS SELECT S.ID, T.NAME FROM S JOIN T ON S.ID = T.ID EMIT FINAL;",
			"EMIT", "EMIT FINAL is only supported for windowed aggregations."},

		// Other joins ksqlDB refuses.
		{"right join of a stream and a table", "CREATE STREAM O AS SELECT S.ID, T.NAME FROM S RIGHT JOIN T ON S.ID = T.ID;",
			"RIGHT", "Invalid join type: right-outer join not supported for stream-table join. Got S RIGHT [OUTER] JOIN T."},
		{"WITHIN on a stream-table join", "CREATE STREAM O AS SELECT S.ID, T.NAME FROM S JOIN T WITHIN 1 MINUTE ON S.ID = T.ID;",
			"WITHIN", "A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to submit your query again."},

		// Sources.
		{"unknown source", "CREATE STREAM O AS SELECT * FROM NOPE;",
			"NOPE", "Source `NOPE` does not exist."},
		{"table without a key", "CREATE TABLE X (ID INT, V STRING) WITH (kafka_topic='x', value_format='JSON');",
			"X (", "Tables require a PRIMARY KEY. Please define the PRIMARY KEY."},
		{"TIMESTAMP column that does not exist", "CREATE STREAM X (ID INT, V INT) WITH (kafka_topic='x', value_format='JSON', timestamp='NOPE');",
			"timestamp=", "The TIMESTAMP column set in the WITH clause does not exist in the schema: 'NOPE'"},
		{"TIMESTAMP column of the wrong type", "CREATE STREAM X (ID INT, V STRING) WITH (kafka_topic='x', value_format='JSON', timestamp='V');",
			"timestamp=", "Timestamp column, `V`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified."},

		// Malformed SQL.
		{"misspelt keyword", "CREATE STREAM O AS SELEC * FROM S;", "SELEC", "expected SELECT but found 'SELEC'"},
		{"empty WHERE", "CREATE STREAM O AS SELECT * FROM S WHERE;", ";", "expected expression but found ';'"},
		{"operator without operand", "CREATE STREAM O AS SELECT * FROM S\n  WHERE V = = 1;", "= 1", "expected expression but found '='"},
		{"unterminated string", "CREATE STREAM O AS SELECT * FROM S WHERE NAME = 'abc;", "'abc", "unterminated string literal: missing closing '"},

		// Features not built yet.
		{"LIMIT", "CREATE STREAM O AS SELECT ID, V FROM S LIMIT 3;", "3;", "not supported yet: LIMIT in a persistent query"},
		{"table function", "CREATE STREAM O AS SELECT ID, EXPLODE(ARRAY[1, 2]) AS X FROM S;", "EXPLODE", "not supported yet: table functions (EXPLODE)"},
		{"AVRO", "CREATE STREAM X (ID INT KEY, V INT) WITH (kafka_topic='x', value_format='AVRO');", "value_format", "not supported yet: AVRO format"},
		{"DATE", "CREATE STREAM X (ID INT KEY, D DATE) WITH (kafka_topic='x', value_format='JSON');", "DATE", "not supported yet: DATE type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := badInputBase + tt.sql
			i := strings.Index(tt.sql, tt.at)
			if i < 0 {
				t.Fatalf("%q is not in the statement", tt.at)
			}
			off := len(badInputBase) + i
			line := strings.Count(src[:off], "\n") + 1
			col := off - strings.LastIndex(src[:off], "\n")
			want := fmt.Sprintf("q.sql:%d:%d: %s", line, col, tt.msg)

			_, err := CompileScript("q.sql", src)
			var one *Error
			var list ErrorList
			switch {
			case errors.As(err, &list) && len(list) > 0:
				one = list[0]
			case errors.As(err, &one):
			default:
				t.Fatalf("error %T %v, want a positioned compile error", err, err)
			}
			if got := one.Error(); got != want {
				t.Errorf("error\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestBadInputCaret checks the terminal form of an error in a statement
// over several lines: the caret is under what is wrong.
func TestBadInputCaret(t *testing.T) {
	src := badInputBase + "CREATE TABLE O AS\n  SELECT ID, COUNT(*) AS C, FOO(V) AS F\n  FROM S GROUP BY ID;\n"
	_, err := CompileScript("q.sql", src)
	want := "q.sql:6:29: Can't find any functions with the name 'FOO'\n" +
		"      SELECT ID, COUNT(*) AS C, FOO(V) AS F\n" +
		"                                ^"
	if got := FormatError(err, src); got != want {
		t.Errorf("formatted:\n%s\nwant:\n%s", got, want)
	}
}
