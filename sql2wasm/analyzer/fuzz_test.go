package analyzer

import (
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/parser"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// FuzzAnalyze feeds scripts the parser accepts to the analyzer, after a
// prelude that declares a few sources: whatever the input, the analyzer
// returns a result or an error, never panics, and every plan it makes
// names only columns of its stage's inputs.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"CREATE STREAM O AS SELECT * FROM S WHERE ID < 10;",
		"CREATE STREAM O AS SELECT ID, UCASE(NAME) AS N, V * 2 FROM S s WHERE s.NAME LIKE 'a%' PARTITION BY NAME;",
		"CREATE STREAM O AS SELECT ID, CASE V WHEN 1 THEN 'a' END AS C, V IN (1, '2', NULL) FROM S;",
		"CREATE TABLE O AS SELECT K, COALESCE(A, 1.5) AS C FROM T;",
		"INSERT INTO S (ID, NAME, ROWTIME) VALUES (1, 'x', 5);",
		"CREATE STREAM O WITH (format='DELIMITED', value_delimiter='|') AS SELECT * FROM S PARTITION BY NULL;",
		"DROP STREAM S; CREATE STREAM X (A INT KEY, B INT KEY) WITH (kafka_topic='x', value_format='KAFKA');",
		"SET 'ksql.new.query.planner.enabled' = 'true'; CREATE STREAM O AS SELECT NAME, ID FROM S;",
		"CREATE TABLE O AS SELECT NAME, COUNT(*), SUM(V) AS X, WINDOWSTART FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY NAME HAVING MAX(V) > 1;",
		"CREATE TABLE O AS SELECT ID + 1, LEN(NAME) AS L, AVG(V) FROM S WHERE V > 0 GROUP BY ID + 1, LEN(NAME);",
		"CREATE STREAM O AS SELECT S.NAME, T.A, ROWKEY FROM S FULL JOIN S2 WITHIN 1 SECOND ON S.ID = S2.ID WHERE S2.V > 1;",
		"CREATE STREAM O AS SELECT * FROM S LEFT JOIN T ON S.NAME = T.K;",
		"CREATE STREAM O AS SELECT ROWKEY AS K, S2.* FROM S JOIN S2 WITHIN (1 SECOND, 2 SECONDS) ON ABS(S.ID) = S2.ID + 1;",
		"CREATE STREAM O AS SELECT S.ID, T.A, S2.V FROM S JOIN S2 WITHIN 1 SECOND ON S.ID = S2.ID LEFT JOIN T ON S.NAME = T.K PARTITION BY S2.V;",
		"CREATE TABLE U (K STRING PRIMARY KEY, X DOUBLE) WITH (kafka_topic='u', value_format='JSON'); CREATE TABLE O AS SELECT U.K, A FROM U JOIN T ON CAST(X AS STRING) = T.K;",
		"CREATE TABLE O AS SELECT NAME, LATEST_BY_OFFSET(V, FALSE) AS L FROM S GROUP BY NAME;",
		"CREATE TABLE O AS SELECT NAME, LATEST_BY_OFFSET(V, 2, FALSE) AS L, EARLIEST_BY_OFFSET(ID, 3) AS E, ATTR(V) FROM S GROUP BY NAME;",
		"CREATE TABLE A AS SELECT 00A()FROM S WINDOW TUMBLING(SIZE 0 SECOND)GROUP BY()", // once indexed an empty GROUP BY
		"CREATE TABLE A AS SELECT COUNT(*) FROM S GROUP BY ();",
		"CREATE STREAM D (K STRING KEY, X DECIMAL(6, 2), B BYTES) WITH (kafka_topic='d', value_format='JSON'); " +
			"CREATE STREAM O AS SELECT K, X * 1.5 - ID, CAST(X AS DECIMAL(3, 1)), X IS DISTINCT FROM 2.50, COALESCE(X, V), EXP(X), SUBSTRING(B, 2) " +
			"FROM D JOIN S WITHIN 1 SECOND ON D.K = S.NAME WHERE X BETWEEN V AND 1e3 AND X IN (1, '2.5', V, 0.125);",
		"CREATE STREAM C (K STRING KEY, S STRUCT<A INT, L ARRAY<STRING>>, M MAP<STRING, DOUBLE>) WITH (kafka_topic='c', value_format='JSON'); " +
			"CREATE STREAM O AS SELECT S->A, S->L[-1], M['k'], ARRAY[1, 2.5], STRUCT(X := M), CAST(S AS STRING), IFNULL(S->L, ARRAY['x']) FROM C " +
			"WHERE S IN (STRUCT(A := 1), STRUCT(L := ARRAY['1'])) AND M <> MAP('a' := 1) PARTITION BY S->A;",
	} {
		f.Add(s)
	}
	const prelude = "CREATE STREAM S (ID INT KEY, NAME STRING, V BIGINT) WITH (kafka_topic='s', value_format='JSON');\n" +
		"CREATE TABLE T (K STRING PRIMARY KEY, A DOUBLE) WITH (kafka_topic='t', value_format='JSON');\n" +
		"CREATE STREAM S2 (ID INT KEY, V BIGINT) WITH (kafka_topic='s2', value_format='JSON');\n"
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := parser.ParseScript("", prelude+src)
		if err != nil {
			return
		}
		a := New(nil)
		for _, s := range stmts {
			res, err := a.AnalyzeAndCommit(s, "")
			if err != nil || res == nil || res.Query == nil {
				continue
			}
			for _, st := range res.Query.Stages {
				for _, o := range st.Outputs {
					checkCols(t, o.Expr, len(st.Inputs))
				}
				if st.Filter != nil {
					checkCols(t, st.Filter, len(st.Inputs))
				}
			}
		}
	})
}

// checkCols fails the test if e reads a column outside the stage's inputs
// or has no type.
func checkCols(t *testing.T, e plan.Expr, inputs int) {
	t.Helper()
	if e == nil {
		t.Fatal("nil expression in a plan")
	}
	if e.Type() == sdk.TypeUnknown {
		t.Fatalf("untyped expression %s in a plan", FormatExpr(e))
	}
	switch x := e.(type) {
	case *plan.Col:
		if x.Index < 0 || x.Index >= inputs {
			t.Fatalf("column $%d of %d inputs", x.Index, inputs)
		}
	case *plan.Unary:
		checkCols(t, x.X, inputs)
	case *plan.Binary:
		checkCols(t, x.X, inputs)
		checkCols(t, x.Y, inputs)
	case *plan.IsNull:
		checkCols(t, x.X, inputs)
	case *plan.Convert:
		checkCols(t, x.X, inputs)
	case *plan.Like:
		checkCols(t, x.X, inputs)
		checkCols(t, x.Pattern, inputs)
	case *plan.Case:
		for _, w := range x.Whens {
			checkCols(t, w.Cond, inputs)
			checkCols(t, w.Then, inputs)
		}
		checkCols(t, x.Else, inputs)
	case *plan.Call:
		for _, a := range x.Args {
			checkCols(t, a, inputs)
		}
	}
}
