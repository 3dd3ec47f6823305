package analyzer

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

const arrayAggStream = "CREATE STREAM S (ID INT KEY, V INT, B BIGINT, D DOUBLE, NAME STRING, DEC DECIMAL(4, 1), " +
	"M MAP<STRING, BIGINT>, F BOOLEAN, A ARRAY<INT>, STRS ARRAY<STRING>) WITH (kafka_topic='s', value_format='JSON');\n"

// TestArrayAggregates checks how TOPK, TOPKDISTINCT, COLLECT_LIST,
// COLLECT_SET, LATEST_BY_OFFSET(x, N), EARLIEST_BY_OFFSET(x, N), ATTR and
// the DECIMAL aggregates reach the host: function,
// literal parameters, result type, and what the input stage computes for
// their argument.
func TestArrayAggregates(t *testing.T) {
	tests := []struct {
		name   string
		props  map[string]string
		sql    string
		fn     string
		params []int64
		result string // the result column's full type
		arg    string // the input stage output type of the argument
		sink   string // the sink column's type
	}{
		{"topk int", nil, "CREATE TABLE O AS SELECT ID, TOPK(V, 3) AS T FROM S GROUP BY ID;",
			sdk.AggTopK, []int64{3}, "ARRAY<INTEGER>", "INTEGER", "ARRAY<INTEGER>"},
		{"topk negative-looking literal is still checked", nil, "CREATE TABLE O AS SELECT ID, TOPK(NAME, (7)) AS T FROM S GROUP BY ID;",
			sdk.AggTopK, []int64{7}, "ARRAY<STRING>", "STRING", "ARRAY<STRING>"},
		{"topkdistinct decimal", nil, "CREATE TABLE O AS SELECT ID, TOPKDISTINCT(DEC, 2) AS T FROM S GROUP BY ID;",
			sdk.AggTopKDistinct, []int64{2}, "ARRAY<DECIMAL(4, 1)>", "DECIMAL(4, 1)", "ARRAY<DECIMAL(4, 1)>"},
		{"topk with other columns: a STRUCT ordered by its sort_col", nil,
			"CREATE TABLE O AS SELECT ID, TOPK(D, NAME, B, 2) AS T FROM S GROUP BY ID;",
			sdk.AggTopK, []int64{2}, "ARRAY<STRUCT<`sort_col` DOUBLE, `col0` STRING, `col1` BIGINT>>",
			"STRUCT<`sort_col` DOUBLE, `col0` STRING, `col1` BIGINT>", "ARRAY<STRUCT<`sort_col` DOUBLE, `col0` STRING, `col1` BIGINT>>"},
		{"collect_list: no limit by default", nil, "CREATE TABLE O AS SELECT ID, COLLECT_LIST(F) AS C FROM S GROUP BY ID;",
			sdk.AggCollectList, []int64{math.MaxInt32}, "ARRAY<BOOLEAN>", "BOOLEAN", "ARRAY<BOOLEAN>"},
		{"collect_list of a MAP", map[string]string{PropCollectListLimit: "5"},
			"CREATE TABLE O AS SELECT ID, COLLECT_LIST(M) AS C FROM S GROUP BY ID;",
			sdk.AggCollectList, []int64{5}, "ARRAY<MAP<STRING, BIGINT>>", "MAP<STRING, BIGINT>", "ARRAY<MAP<STRING, BIGINT>>"},
		{"collect_set limit from the session", map[string]string{PropCollectSetLimit: "1", PropCollectListLimit: "9"},
			"CREATE TABLE O AS SELECT ID, COLLECT_SET(M['k']) AS C FROM S GROUP BY ID;",
			sdk.AggCollectSet, []int64{1}, "ARRAY<BIGINT>", "BIGINT", "ARRAY<BIGINT>"},
		{"collect_set negative limit is none", map[string]string{PropCollectSetLimit: "-1"},
			"CREATE TABLE O AS SELECT ID, COLLECT_SET(NAME) AS C FROM S GROUP BY ID;",
			sdk.AggCollectSet, []int64{math.MaxInt32}, "ARRAY<STRING>", "STRING", "ARRAY<STRING>"},
		{"sum decimal", nil, "CREATE TABLE O AS SELECT ID, SUM(DEC) AS X FROM S GROUP BY ID;",
			sdk.AggSum, nil, "DECIMAL(4, 1)", "DECIMAL(4, 1)", "DECIMAL(4, 1)"},
		{"sum_list", nil, "CREATE TABLE O AS SELECT ID, SUM_LIST(A) AS X FROM S GROUP BY ID;",
			sdk.AggSumList, nil, "INTEGER", "ARRAY<INTEGER>", "INTEGER"},
		{"max decimal", nil, "CREATE TABLE O AS SELECT ID, MAX(DEC) AS X FROM S GROUP BY ID;",
			sdk.AggMax, nil, "DECIMAL(4, 1)", "DECIMAL(4, 1)", "DECIMAL(4, 1)"},
		// latest-offset-udaf.json "latest n by offset".
		{"latest_by_offset n", nil, "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(NAME, 2) AS X FROM S GROUP BY ID;",
			sdk.AggLatestByOffset, []int64{2}, "ARRAY<STRING>", "STRING", "ARRAY<STRING>"},
		{"latest_by_offset n ignoring nulls", nil, "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(D, 3, TRUE) AS X FROM S GROUP BY ID;",
			sdk.AggLatestByOffset, []int64{3}, "ARRAY<DOUBLE>", "DOUBLE", "ARRAY<DOUBLE>"},
		{"latest_by_offset n keeping nulls", nil, "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(A, (1), false) AS X FROM S GROUP BY ID;",
			sdk.AggLatestByOffsetKeepNulls, []int64{1}, "ARRAY<ARRAY<INTEGER>>", "ARRAY<INTEGER>", "ARRAY<ARRAY<INTEGER>>"},
		// earliest-offset-udaf.json "null first - multiple - not ignoring nulls".
		{"earliest_by_offset n keeping nulls", nil, "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(DEC, 2, FALSE) AS X FROM S GROUP BY ID;",
			sdk.AggEarliestByOffsetKeepNulls, []int64{2}, "ARRAY<DECIMAL(4, 1)>", "DECIMAL(4, 1)", "ARRAY<DECIMAL(4, 1)>"},
		{"earliest_by_offset single value stays scalar", nil, "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(V, FALSE) AS X FROM S GROUP BY ID;",
			sdk.AggEarliestByOffsetKeepNulls, nil, "INTEGER", "INTEGER", "INTEGER"},
		// attr.json.
		{"attr scalar", nil, "CREATE TABLE O AS SELECT ID, ATTR(B) AS X FROM S GROUP BY ID;",
			sdk.AggAttr, nil, "BIGINT", "BIGINT", "BIGINT"},
		{"attr of a MAP", nil, "CREATE TABLE O AS SELECT ID, ATTR(M) AS X FROM S GROUP BY ID;",
			sdk.AggAttr, nil, "MAP<STRING, BIGINT>", "MAP<STRING, BIGINT>", "MAP<STRING, BIGINT>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, pos, err := runScript(t, tc.props, arrayAggStream+tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			q := res.Query
			op := q.Pipeline.Operator
			if op == nil || op.Aggregate == nil || len(op.Aggregate.Calls) != 1 {
				t.Fatalf("not one aggregate call:\n%s", FormatPlan(q))
			}
			c := op.Aggregate.Calls[0]
			if c.Func != tc.fn || !reflect.DeepEqual(c.Params, tc.params) {
				t.Errorf("call %s %v, want %s %v", c.Func, c.Params, tc.fn, tc.params)
			}
			if got := c.Result.TypeString(); got != tc.result {
				t.Errorf("result %s, want %s", got, tc.result)
			}
			if len(c.Args) != 1 {
				t.Fatalf("args %v, want one", c.Args)
			}
			in := q.Stages[q.Pipeline.Inputs[0].Stage]
			found := false
			for _, o := range in.Outputs {
				if o.Name == c.Args[0] {
					found = true
					if got := plan.ColumnOf(o.Name, o.Expr, false).TypeString(); got != tc.arg {
						t.Errorf("argument %s, want %s", got, tc.arg)
					}
				}
			}
			if !found {
				t.Errorf("argument %s is not an input stage output:\n%s", c.Args[0], FormatPlan(q))
			}
			last := q.Sink.Columns[len(q.Sink.Columns)-1]
			if got := last.TypeString(); got != tc.sink {
				t.Errorf("sink column %s %s, want %s", last.Name, got, tc.sink)
			}
		})
	}
}

// TestArrayAggregateSharing checks that TOPK's STRUCT argument does not
// take the place of its sort column, which another call reads as it is.
func TestArrayAggregateSharing(t *testing.T) {
	res, pos, err := runScript(t, nil, arrayAggStream+"CREATE TABLE O AS SELECT ID, TOPK(V, NAME, 2) AS T, MAX(V) AS M, TOPK(V, 2) AS U FROM S GROUP BY ID;")
	if err != nil {
		t.Fatalf("%s: %v", pos, err)
	}
	calls := res.Query.Pipeline.Operator.Aggregate.Calls
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	if calls[0].Args[0] == calls[1].Args[0] {
		t.Errorf("TOPK(V, NAME, 2) and MAX(V) read one column %s", calls[0].Args[0])
	}
	if calls[1].Args[0] != calls[2].Args[0] {
		t.Errorf("MAX(V) and TOPK(V, 2) read %s and %s, want one column", calls[1].Args[0], calls[2].Args[0])
	}
}

func TestArrayAggregateErrors(t *testing.T) {
	table := "CREATE TABLE T (ID INT PRIMARY KEY, V INT, NAME STRING) WITH (kafka_topic='t', value_format='JSON');\n"
	delimited := "CREATE STREAM DL (ID INT KEY, V INT) WITH (kafka_topic='d', value_format='DELIMITED');\n"
	tests := []struct {
		sql, pos, msg string
	}{
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPK(V, 'x') FROM S GROUP BY ID;", "2:30",
			"Function 'TOPK' does not accept parameters (INTEGER, STRING)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPK(V, 0) FROM S GROUP BY ID;", "2:38",
			"The k of TOPK must be a positive INT, but was 0."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPKDISTINCT(V, -1) FROM S GROUP BY ID;", "2:46",
			"The k of TOPKDISTINCT must be a positive INT, but was -1."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPK(V, V) FROM S GROUP BY ID;", "2:38",
			"Parameter 2 passed to function TOPK must be a literal constant, but was expression: 'V'"},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPK(V) FROM S GROUP BY ID;", "2:30",
			"Function 'TOPK' does not accept parameters (INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPK(F, 2) FROM S GROUP BY ID;", "2:30",
			"Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPKDISTINCT(V, NAME, 2) FROM S GROUP BY ID;", "2:30",
			"Function 'TOPKDISTINCT' does not accept parameters (INTEGER, STRING, INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, TOPK(V, NULL, 2) FROM S GROUP BY ID;", "2:38",
			"Can't infer a type of null."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, COLLECT_LIST(V, 2) FROM S GROUP BY ID;", "2:30",
			"Function 'COLLECT_LIST' does not accept parameters (INTEGER, INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, SUM_LIST(STRS) FROM S GROUP BY ID;", "2:30",
			"Function 'SUM_LIST' does not accept parameters (ARRAY<STRING>)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, AVG(DEC) FROM S GROUP BY ID;", "2:30",
			"Function 'AVG' does not accept parameters (DECIMAL(4, 1))."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(V, -2) FROM S GROUP BY ID;", "2:50",
			"earliestN must be 1 or greater: the N of LATEST_BY_OFFSET was -2."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(V, 1 + 1) FROM S GROUP BY ID;", "2:52",
			"Parameter 2 passed to function EARLIEST_BY_OFFSET must be a literal constant, but was expression: '(1 + 1)'"},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(V, 2, D > 0) FROM S GROUP BY ID;", "2:53",
			"Parameter 3 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: '(D > 0)'"},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(V, 2.5) FROM S GROUP BY ID;", "2:30",
			"Function 'LATEST_BY_OFFSET' does not accept parameters (INTEGER, DECIMAL(2, 1))."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(V, 3000000000) FROM S GROUP BY ID;", "2:30",
			"Function 'LATEST_BY_OFFSET' does not accept parameters (INTEGER, BIGINT)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(V, TRUE, 2) FROM S GROUP BY ID;", "2:30",
			"Function 'EARLIEST_BY_OFFSET' does not accept parameters (INTEGER, BOOLEAN, INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(V, 2, 3) FROM S GROUP BY ID;", "2:30",
			"Function 'EARLIEST_BY_OFFSET' does not accept parameters (INTEGER, INTEGER, INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(V, 2, TRUE, TRUE) FROM S GROUP BY ID;", "2:30",
			"Function 'EARLIEST_BY_OFFSET' does not accept parameters (INTEGER, INTEGER, BOOLEAN, BOOLEAN)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(V, 'x') FROM S GROUP BY ID;", "2:30",
			"Function 'LATEST_BY_OFFSET' does not accept parameters (INTEGER, STRING)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(NULL, 2) FROM S GROUP BY ID;", "2:30",
			"Function 'LATEST_BY_OFFSET' does not accept parameters"},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, ATTR(V, 2) FROM S GROUP BY ID;", "2:30",
			"Function 'ATTR' does not accept parameters (INTEGER, INTEGER)."},
		{arrayAggStream + "CREATE TABLE O AS SELECT ID, ATTR() FROM S GROUP BY ID;", "2:30",
			"Function 'ATTR' does not accept parameters ()."},
		{table + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(V, 2) FROM T GROUP BY ID;", "2:19",
			"The aggregation function LATEST_BY_OFFSET cannot be applied to a table source, only to a stream source."},
		{delimited + "CREATE TABLE O AS SELECT ID, ATTR(V) FROM DL GROUP BY ID;", "2:30",
			"One of the functions used in the statement has an intermediate type that the value format can not handle."},
		{delimited + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(V, 2) FROM DL GROUP BY ID;", "2:30",
			"One of the functions used in the statement has an intermediate type that the value format can not handle."},
		// collect-set.json: COLLECT_SET and TOPK are not TableUdafs;
		// COLLECT_LIST is.
		{table + "CREATE TABLE O AS SELECT ID, COLLECT_SET(V), TOPK(V, 1), COLLECT_LIST(V) FROM T GROUP BY ID;", "2:19",
			"The aggregation functions COLLECT_SET and TOPK cannot be applied to a table source, only to a stream source."},
		// topk-group-by.json "topk DELIMITED".
		{delimited + "CREATE TABLE O AS SELECT ID, TOPK(V, 3) FROM DL GROUP BY ID;", "2:30",
			"One of the functions used in the statement has an intermediate type that the value format can not handle."},
		{delimited + "CREATE TABLE O AS SELECT ID, COLLECT_LIST(V) FROM DL GROUP BY ID;", "2:30",
			"One of the functions used in the statement has an intermediate type that the value format can not handle."},
	}
	for _, tc := range tests {
		t.Run(tc.msg, func(t *testing.T) {
			_, pos, err := runScript(t, nil, tc.sql)
			if err == nil {
				t.Fatalf("no error, want %q", tc.msg)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.msg)
			}
			if pos != tc.pos {
				t.Errorf("error at %s, want %s (%v)", pos, tc.pos, err)
			}
		})
	}
	_, _, err := runScript(t, map[string]string{PropCollectListLimit: "lots"}, arrayAggStream+"CREATE TABLE O AS SELECT ID, COLLECT_LIST(V) FROM S GROUP BY ID;")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("Invalid value for %s", PropCollectListLimit)) {
		t.Errorf("a non-numeric limit: %v", err)
	}
	if _, pos, err := runScript(t, nil, table+"CREATE TABLE O AS SELECT ID, COLLECT_LIST(V) FROM T GROUP BY ID;"); err != nil {
		t.Errorf("COLLECT_LIST of a table: %s: %v", pos, err)
	}
	// ATTR is a TableUdaf in ksqlDB.
	if _, pos, err := runScript(t, nil, table+"CREATE TABLE O AS SELECT ID, ATTR(NAME) FROM T GROUP BY ID;"); err != nil {
		t.Errorf("ATTR of a table: %s: %v", pos, err)
	}
}
