package analyzer

import (
	"fmt"
	"strings"
	"testing"
)

// TestPartitioning checks which inputs the planner repartitions: those
// whose operator key (GROUP BY columns, join key) is not their Kafka key,
// as ksqlDB does; and which joins run as one task.
func TestPartitioning(t *testing.T) {
	const ddl = "CREATE STREAM S (ID INT KEY, K2 STRING KEY, V INT, NAME STRING) WITH (kafka_topic='s', format='JSON');\n" +
		"CREATE STREAM S1 (ID INT KEY, V INT, NAME STRING) WITH (kafka_topic='s1', format='JSON');\n" +
		"CREATE TABLE T (ID INT PRIMARY KEY, V INT, NAME STRING) WITH (kafka_topic='t', format='JSON');\n" +
		"CREATE TABLE U (ID INT PRIMARY KEY, TID INT) WITH (kafka_topic='u', format='JSON');\n"
	tests := []struct {
		sql        string
		repart     []bool
		singleTask bool
	}{
		{"CREATE TABLE O AS SELECT ID, COUNT(*) FROM S1 GROUP BY ID;", []bool{false}, false},
		{"CREATE TABLE O AS SELECT ID, K2, COUNT(*) FROM S GROUP BY ID, K2;", []bool{false}, false},
		{"CREATE TABLE O AS SELECT K2, ID, COUNT(*) FROM S GROUP BY K2, ID;", []bool{true}, false}, // not the key's order
		{"CREATE TABLE O AS SELECT ID, COUNT(*) FROM S GROUP BY ID;", []bool{true}, false},         // part of the key
		{"CREATE TABLE O AS SELECT NAME, COUNT(*) FROM S1 GROUP BY NAME;", []bool{true}, false},
		{"CREATE TABLE O AS SELECT ID + 1, COUNT(*) FROM S1 GROUP BY ID + 1;", []bool{true}, false},
		{"CREATE TABLE O AS SELECT ID, SUM(V) FROM T GROUP BY ID;", []bool{false}, false},
		{"CREATE TABLE O AS SELECT NAME, SUM(V) FROM T GROUP BY NAME;", []bool{true}, false},
		{"CREATE STREAM O AS SELECT S1.ID, T.NAME FROM S1 JOIN T ON S1.ID = T.ID;", []bool{false, false}, false},
		{"CREATE STREAM O AS SELECT T.ID, S1.NAME AS N FROM S1 JOIN T ON S1.V = T.ID;", []bool{true, false}, false},
		{"CREATE STREAM O AS SELECT S1.ID, S.V AS SV FROM S1 JOIN S WITHIN 1 MINUTE ON S1.ID = S.V;", []bool{false, true}, false},
		{"CREATE TABLE O AS SELECT T.ID, U.TID FROM T JOIN U ON T.ID = U.ID;", []bool{false, false}, false},
		{"CREATE TABLE O AS SELECT U.ID, T.NAME FROM U JOIN T ON U.TID = T.ID;", []bool{false, false}, true}, // foreign key
		{"CREATE STREAM O AS SELECT S1.ID, T.NAME, U.TID FROM S1 JOIN T ON S1.ID = T.ID JOIN U ON S1.ID = U.ID;", []bool{false, false, false}, false},
		// A stream result re-keyed for the next join goes through the
		// repartition topic.
		{"CREATE STREAM O AS SELECT T.V, S1.ID, T.NAME, U.TID FROM S1 JOIN T ON S1.ID = T.ID JOIN U ON T.V = U.ID;", []bool{false, false, false}, false},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			res, pos, err := runScript(t, nil, ddl+tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			p := res.Query.Pipeline
			var got []bool
			for _, in := range p.Inputs {
				got = append(got, in.Repartition)
			}
			rekeyed := false
			for j := p.Operator.Join; j != nil; j = j.Next {
				rekeyed = rekeyed || j.RepartitionLeft
			}
			if wantRekeyed := strings.Contains(tc.sql, "T.V = U.ID"); rekeyed != wantRekeyed {
				t.Errorf("a chained join's left side repartitioned: %v, want %v", rekeyed, wantRekeyed)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.repart) || p.SingleTask != tc.singleTask {
				t.Errorf("repartition %v single task %v, want %v %v\n%s", got, p.SingleTask, tc.repart, tc.singleTask, FormatPlan(res.Query))
			}
		})
	}
}
