package analyzer

import (
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// complexSource declares a stream with every complex type.
const complexSource = "CREATE STREAM C (K STRING KEY, S STRUCT<A INT, `b` ARRAY<STRING>>, L ARRAY<BIGINT>, M MAP<STRING, DOUBLE>) " +
	"WITH (kafka_topic='c', value_format='JSON');\n"

func TestComplexSchemas(t *testing.T) {
	tests := []struct {
		name, sql, want string
	}{
		{"declared types", "CREATE STREAM O AS SELECT * FROM C;",
			"K STRING KEY, S STRUCT<`A` INTEGER, `b` ARRAY<STRING>>, L ARRAY<BIGINT>, M MAP<STRING, DOUBLE>"},
		{"parts, named by their field", "CREATE STREAM O AS SELECT K, S->A, S->`b`[-1], L[1] AS X, M['k'] FROM C;",
			"K STRING KEY, A INTEGER, KSQL_COL_0 STRING, X BIGINT, KSQL_COL_1 DOUBLE"},
		{"constructors widen their elements",
			"CREATE STREAM O AS SELECT K, ARRAY[1, 2.5E0] AS A, MAP('x' := L) AS B, STRUCT(Z := 1, `y` := S) AS C FROM C;",
			"K STRING KEY, A ARRAY<DOUBLE>, B MAP<STRING, ARRAY<BIGINT>>, C STRUCT<`Z` INTEGER, `y` STRUCT<`A` INTEGER, `b` ARRAY<STRING>>>"},
		{"casts and null functions",
			"CREATE STREAM O AS SELECT K, CAST(L AS ARRAY<STRING>) AS A, CAST(M AS STRING) AS B, IFNULL(L, ARRAY[1]) AS C, CAST(NULL AS MAP<STRING, INT>) AS D FROM C;",
			"K STRING KEY, A ARRAY<STRING>, B STRING, C ARRAY<BIGINT>, D MAP<STRING, INTEGER>"},
		{"a struct field as the new key", "CREATE STREAM O AS SELECT S->A, L FROM C PARTITION BY S->A;",
			"A INTEGER KEY, L ARRAY<BIGINT>"},
		{"equality and IN", "CREATE STREAM O AS SELECT K, L = ARRAY[1, 2] AS E, S IN (STRUCT(A := 1)) AS I FROM C WHERE M <> MAP('a' := 1.5E0);",
			"K STRING KEY, E BOOLEAN, I BOOLEAN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := runScript(t, nil, complexSource+tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Source.SchemaString(); got != tt.want {
				t.Errorf("schema\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestComplexErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{complexSource + "CREATE STREAM O AS SELECT K->A FROM C;", "Expected STRUCT type, got: STRING"},
		{complexSource + "CREATE STREAM O AS SELECT S->Z FROM C;", "Could not find field 'Z' in 'S'."},
		{complexSource + "CREATE STREAM O AS SELECT K[1] FROM C;", "Subscript expected either ARRAY or MAP, got: STRING"},
		{complexSource + "CREATE STREAM O AS SELECT L['a'] FROM C;", "Array index must be INTEGER, got: STRING"},
		{complexSource + "CREATE STREAM O AS SELECT M < M FROM C;",
			"Cannot compare M (MAP<STRING, DOUBLE>) to M (MAP<STRING, DOUBLE>) with LESS_THAN."},
		{complexSource + "CREATE STREAM O AS SELECT L = M FROM C;", "Cannot compare L (ARRAY<BIGINT>) to M"},
		{complexSource + "CREATE STREAM O AS SELECT CAST(K AS ARRAY<INT>) FROM C;", "Cast of STRING to ARRAY<INTEGER> is not supported"},
		{complexSource + "CREATE STREAM O AS SELECT * FROM C WHERE L IN (ARRAY['1', 'x']);", "invalid input syntax for type BIGINT: \"x\"."},
		{complexSource + "CREATE STREAM O AS SELECT * FROM C WHERE L IN (ARRAY[true]);",
			"operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> (ARRAY[true])"},
		{complexSource + "CREATE STREAM O AS SELECT * FROM C PARTITION BY M;", "Map keys, including types that contain maps, are not supported"},
		{"CREATE STREAM X (V ARRAY<INT>) WITH (kafka_topic='x', value_format='DELIMITED');", "The 'DELIMITED' format does not support type 'ARRAY'"},
		{"CREATE STREAM X (V MAP<INT, INT>) WITH (kafka_topic='x', value_format='JSON');", "JSON only supports MAP types with STRING keys"},
		{"CREATE STREAM X (V STRUCT<A INT, A INT>) WITH (kafka_topic='x', value_format='JSON');", "Duplicate field names found in STRUCT: 'A'"},
	}
	for _, tt := range tests {
		_, _, err := runScript(t, nil, tt.sql)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s\n got %v\nwant %q", tt.sql[strings.LastIndex(tt.sql, "\n")+1:], err, tt.want)
		}
	}
}

func TestDerefAll(t *testing.T) {
	res, _, err := runScript(t, nil, complexSource+"CREATE STREAM O AS SELECT K, S->*, S->A FROM C;")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Source.SchemaString(), "K STRING KEY, A INTEGER, b ARRAY<STRING>, A_1 INTEGER"; got != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
	for _, sql := range []string{"CREATE STREAM O AS SELECT K FROM C WHERE S->* = 1;", "CREATE STREAM O AS SELECT L->* FROM C;"} {
		if _, _, err := runScript(t, nil, complexSource+sql); err == nil {
			t.Errorf("%s: accepted", sql)
		}
	}
}

// TestArraySortDirection: a DESC sort does not change the next ASC one
// (the resolver is shared by all queries).
func TestArraySortDirection(t *testing.T) {
	for _, tt := range []struct{ sql, fn string }{
		{"CREATE STREAM O AS SELECT K, ARRAY_SORT(L, 'desc') AS A FROM C;", "desc"},
		{"CREATE STREAM O AS SELECT K, ARRAY_SORT(L) AS A FROM C;", "asc"},
	} {
		res, _, err := runScript(t, nil, complexSource+tt.sql)
		if err != nil {
			t.Fatal(err)
		}
		fn := res.Query.Stages[0].Outputs[1].Expr.(*plan.ArrayFn).Fn
		if want := map[string]int{"asc": sdk.CxFnSortAsc, "desc": sdk.CxFnSortDesc}[tt.fn]; fn != want {
			t.Errorf("%s: operation %d, want %d", tt.sql, fn, want)
		}
	}
}
