package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/host/executor"
)

// badRecord is one input record of a bad-input case. Every record goes to
// partition 0 of its topic, so its offset is its index among the case's
// records of that topic.
type badRecord struct {
	topic string
	key   []byte
	value string
	ts    int64
}

// badLog is an expected processing-log entry; reason is a regular
// expression the whole reason must match.
type badLog struct {
	kind   executor.LogKind
	topic  string
	offset int64
	reason string
}

// bigKey is a KAFKA-format BIGINT key.
func bigKey(i int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }

// renderKey shows a KAFKA BIGINT key as its number and a windowed one as
// key/start (time windows) or key/end/start (sessions), as Kafka Streams'
// windowed serdes append them; other keys (JSON) as their text.
func renderKey(k []byte) string {
	if k == nil {
		return "<null>"
	}
	if len(k)%8 != 0 {
		return string(k)
	}
	parts := make([]string, 0, len(k)/8)
	for i := 0; i < len(k); i += 8 {
		parts = append(parts, fmt.Sprint(int64(binary.BigEndian.Uint64(k[i:]))))
	}
	return strings.Join(parts, "/")
}

// TestBadInputRecords checks what happens to records a query cannot use
// as they are: each is dropped with a processing-log entry that names its
// topic, partition, offset and what is wrong, and the records after it are
// still processed. Outputs follow ksqlDB (../shared/qtt/SEMANTICS.md §2.5:
// bad records are dropped and processing continues; Kafka Streams drops a
// record with a negative timestamp, and ksqlDB's timestamp extractor logs
// it to the processing log).
//
// A case with a bug note describes an executor bug that is reported and
// not fixed yet: it is skipped while it fails, and fails once it passes so
// that the note is removed.
func TestBadInputRecords(t *testing.T) {
	const stream = "CREATE STREAM S (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='s', value_format='JSON');\n"
	const table = "CREATE TABLE T (ID BIGINT PRIMARY KEY, NAME STRING) WITH (kafka_topic='t', value_format='JSON');\n"
	const ssJoin = "CREATE STREAM A (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='a', value_format='JSON');\n" +
		"CREATE STREAM B (ID BIGINT KEY, W BIGINT) WITH (kafka_topic='b', value_format='JSON');\n" +
		"CREATE STREAM J AS SELECT A.ID, V, W FROM A JOIN B WITHIN 10 SECONDS ON A.ID = B.ID;"
	const tsStream = "CREATE STREAM S (ID BIGINT KEY, TS BIGINT, V BIGINT) WITH (kafka_topic='s', value_format='JSON', timestamp='TS');\n"
	tests := []struct {
		name string
		sql  string
		recs []badRecord
		sink string
		want []string // key value @timestamp, in order
		logs []badLog
		bug  string
	}{
		{
			name: "negative record timestamp into a tumbling window",
			sql:  stream + "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 1000}, {"s", bigKey(1), `{"V":1}`, -1}, {"s", bigKey(1), `{"V":1}`, -5000}, {"s", bigKey(1), `{"V":1}`, 1500}},
			sink: "C",
			want: []string{`1/1000 {"N":1} @1000`, `1/1000 {"N":2} @1500`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid .*timestamp.*-1\b.*`}, {executor.LogEvaluation, "s", 2, `invalid .*timestamp.*-5000\b.*`}},
		},
		{
			name: "negative record timestamp into a session window",
			sql:  stream + "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW SESSION (1 SECOND) GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 100}, {"s", bigKey(1), `{"V":1}`, -1}, {"s", bigKey(1), `{"V":1}`, 200}},
			sink: "C",
			want: []string{`1/100/100 {"N":1} @100`, `1/100/100 <null> @100`, `1/200/100 {"N":2} @200`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid .*timestamp.*-1\b.*`}},
		},
		{
			name: "negative record timestamp into a stream-table join",
			sql:  stream + table + "CREATE STREAM J AS SELECT S.ID, V, NAME FROM S LEFT JOIN T ON S.ID = T.ID;",
			recs: []badRecord{{"t", bigKey(1), `{"NAME":"one"}`, 1}, {"s", bigKey(1), `{"V":1}`, 10}, {"s", bigKey(1), `{"V":2}`, -1}, {"s", bigKey(1), `{"V":3}`, 11}},
			sink: "J",
			want: []string{`1 {"V":1,"NAME":"one"} @10`, `1 {"V":3,"NAME":"one"} @11`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid .*timestamp.*-1\b.*`}},
		},
		{
			name: "negative record timestamp into a projection",
			sql:  stream + "CREATE STREAM P AS SELECT * FROM S;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 1000}, {"s", bigKey(1), `{"V":2}`, -1}, {"s", bigKey(1), `{"V":3}`, 1500}},
			sink: "P",
			want: []string{`1 {"V":1} @1000`, `1 {"V":3} @1500`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid .*timestamp.*-1\b.*`}},
		},
		{
			name: "negative record timestamp into a stream-stream join",
			sql:  ssJoin,
			recs: []badRecord{{"a", bigKey(1), `{"V":2}`, -1}, {"a", bigKey(1), `{"V":3}`, 5}, {"b", bigKey(1), `{"W":4}`, 6}},
			sink: "J",
			want: []string{`1 {"V":3,"W":4} @6`},
			logs: []badLog{{executor.LogEvaluation, "a", 0, `invalid .*timestamp.*-1\b.*`}},
		},
		{
			name: "TIMESTAMP column missing, NULL or negative in a windowed aggregation",
			sql:  tsStream + "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"TS":1000,"V":1}`, 7}, {"s", bigKey(1), `{"V":1}`, 7}, {"s", bigKey(1), `{"TS":null,"V":1}`, 7},
				{"s", bigKey(1), `{"TS":-3,"V":1}`, 7}, {"s", bigKey(1), `{"TS":1200,"V":1}`, 7}},
			sink: "C",
			want: []string{`1/1000 {"N":1} @1000`, `1/1000 {"N":2} @1200`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid timestamp in column TS: NULL.*`}, {executor.LogEvaluation, "s", 2, `invalid timestamp in column TS: NULL.*`},
				{executor.LogEvaluation, "s", 3, `invalid timestamp in column TS: -3`}},
		},
		{
			name: "TIMESTAMP column NULL in a projection",
			sql:  tsStream + "CREATE STREAM P AS SELECT * FROM S;",
			recs: []badRecord{{"s", bigKey(1), `{"TS":1000,"V":1}`, 7}, {"s", bigKey(1), `{"V":2}`, 7}, {"s", bigKey(1), `{"TS":1200,"V":3}`, 7}},
			sink: "P",
			want: []string{`1 {"TS":1000,"V":1} @1000`, `1 {"TS":1200,"V":3} @1200`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid timestamp in column TS: NULL.*`}},
		},
		{
			name: "TIMESTAMP column NULL: the reason says NULL",
			sql:  tsStream + "CREATE STREAM P AS SELECT * FROM S;",
			recs: []badRecord{{"s", bigKey(1), `{"V":2}`, 7}},
			sink: "P",
			logs: []badLog{{executor.LogEvaluation, "s", 0, `invalid timestamp in column TS: NULL`}},
		},
		{
			name: "sink TIMESTAMP column negative or NULL in a projection",
			sql:  stream + "CREATE STREAM P WITH (timestamp='SINK_TS') AS SELECT ID, V AS SINK_TS, V FROM S;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 5}, {"s", bigKey(1), `{"V":-2}`, 5}, {"s", bigKey(1), `{}`, 5}, {"s", bigKey(1), `{"V":3}`, 5}},
			sink: "P",
			want: []string{`1 {"SINK_TS":1,"V":1} @1`, `1 {"SINK_TS":3,"V":3} @3`},
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid timestamp in column SINK_TS: -2`}, {executor.LogEvaluation, "s", 2, `invalid timestamp in column SINK_TS: NULL.*`}},
		},
		{
			name: "sink TIMESTAMP column negative or NULL in an aggregation",
			sql:  stream + "CREATE TABLE P WITH (timestamp='M') AS SELECT ID, MIN(V) AS M FROM S GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 5}, {"s", bigKey(1), `{"V":-2}`, 5}, {"s", bigKey(2), `{}`, 5}, {"s", bigKey(1), `{"V":3}`, 5}},
			sink: "P",
			want: []string{`1 {"M":1} @1`},
			// The group's minimum stays -2: its updates are dropped, the
			// state is not.
			logs: []badLog{{executor.LogEvaluation, "s", 1, `invalid timestamp in column M: -2`}, {executor.LogEvaluation, "s", 2, `invalid timestamp in column M: NULL.*`},
				{executor.LogEvaluation, "s", 3, `invalid timestamp in column M: -2`}},
		},
		{
			name: "null key of a table source",
			sql:  table + "CREATE TABLE C AS SELECT * FROM T;",
			recs: []badRecord{{"t", bigKey(1), `{"NAME":"a"}`, 1}, {"t", nil, `{"NAME":"b"}`, 2}, {"t", bigKey(2), `{"NAME":"c"}`, 3}},
			sink: "C",
			want: []string{`1 {"NAME":"a"} @1`, `2 {"NAME":"c"} @3`},
			logs: []badLog{{executor.LogDeserialization, "t", 1, `a table record without a key is ignored`}},
		},
		{
			name: "null key of a table source of an aggregation",
			sql:  table + "CREATE TABLE C AS SELECT NAME, COUNT(*) AS N FROM T GROUP BY NAME;",
			recs: []badRecord{{"t", bigKey(1), `{"NAME":"a"}`, 1}, {"t", nil, `{"NAME":"a"}`, 2}, {"t", bigKey(2), `{"NAME":"a"}`, 3}},
			sink: "C",
			want: []string{`a {"N":1} @1`, `a {"N":2} @3`},
			logs: []badLog{{executor.LogDeserialization, "t", 1, `a table record without a key is ignored`}},
		},
		{
			name: "null keys on both sides of a stream-table join",
			sql:  stream + table + "CREATE STREAM J AS SELECT S.ID, V, NAME FROM S LEFT JOIN T ON S.ID = T.ID;",
			recs: []badRecord{{"t", nil, `{"NAME":"nul"}`, 1}, {"t", bigKey(1), `{"NAME":"one"}`, 2},
				{"s", bigKey(1), `{"V":1}`, 10}, {"s", nil, `{"V":2}`, 11}, {"s", bigKey(3), `{"V":3}`, 12}},
			sink: "J",
			want: []string{`1 {"V":1,"NAME":"one"} @10`, `3 {"V":3,"NAME":null} @12`},
			logs: []badLog{{executor.LogDeserialization, "t", 0, `a table record without a key is ignored`},
				{executor.LogEvaluation, "s", 1, `the join key is NULL; the record does not join`}},
		},
		{
			name: "null keys and a malformed record in a stream-stream join",
			sql:  ssJoin,
			recs: []badRecord{{"a", nil, `{"V":1}`, 1}, {"b", nil, `{"W":1}`, 2}, {"a", bigKey(1), `{"V":`, 3}, {"a", bigKey(1), `{"V":3}`, 5}, {"b", bigKey(1), `{"W":4}`, 6}},
			sink: "J",
			want: []string{`1 {"V":3,"W":4} @6`},
			logs: []badLog{{executor.LogEvaluation, "a", 0, `the join key is NULL; the record does not join`},
				{executor.LogEvaluation, "b", 0, `the join key is NULL; the record does not join`},
				{executor.LogDeserialization, "a", 1, `JSON value: invalid JSON at offset 5: unexpected end of data, expected a value`}},
		},
		{
			name: "null keys in a table-table join",
			sql: "CREATE TABLE A (ID BIGINT PRIMARY KEY, V BIGINT) WITH (kafka_topic='a', value_format='JSON');\n" +
				"CREATE TABLE B (ID BIGINT PRIMARY KEY, W BIGINT) WITH (kafka_topic='b', value_format='JSON');\n" +
				"CREATE TABLE J AS SELECT A.ID, V, W FROM A JOIN B ON A.ID = B.ID;",
			recs: []badRecord{{"a", nil, `{"V":1}`, 1}, {"b", nil, `{"W":1}`, 2}, {"a", bigKey(1), `{"V":3}`, 5}, {"b", bigKey(1), `{"W":4}`, 6}},
			sink: "J",
			want: []string{`1 {"V":3,"W":4} @6`},
			logs: []badLog{{executor.LogDeserialization, "a", 0, `a table record without a key is ignored`},
				{executor.LogDeserialization, "b", 0, `a table record without a key is ignored`}},
		},
		{
			name: "null key grouped by",
			sql:  stream + "CREATE TABLE C AS SELECT ID, SUM(V) AS N FROM S GROUP BY ID;",
			recs: []badRecord{{"s", nil, `{"V":1}`, 1}, {"s", bigKey(1), `{"V":2}`, 2}},
			sink: "C",
			want: []string{`1 {"N":2} @2`},
			logs: []badLog{{executor.LogEvaluation, "s", 0, `a GROUP BY column is NULL; the row is not aggregated`}},
		},
		{
			name: "NULL GROUP BY column",
			sql:  "CREATE STREAM S (ID BIGINT KEY, V BIGINT, G STRING) WITH (kafka_topic='s', value_format='JSON');\nCREATE TABLE C AS SELECT G, SUM(V) AS N FROM S GROUP BY G;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 1}, {"s", bigKey(1), `{"V":2,"G":"a"}`, 2}},
			sink: "C",
			want: []string{`a {"N":2} @2`},
			logs: []badLog{{executor.LogEvaluation, "s", 0, `a GROUP BY column is NULL; the row is not aggregated`}},
		},
		{
			name: "malformed records into a GROUP BY",
			sql:  stream + "CREATE TABLE C AS SELECT ID, SUM(V) AS N FROM S GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 1}, {"s", bigKey(1), `{"V":`, 2}, {"s", bigKey(1), `{"V":"x"}`, 3}, {"s", bigKey(1), `[1,2]`, 4},
				{"s", []byte{1, 2, 3}, `{"V":1}`, 5}, {"s", bigKey(1), `{"V":1} x`, 6}, {"s", bigKey(1), `{"V":5}`, 7}},
			sink: "C",
			want: []string{`1 {"N":1} @1`, `1 {"N":6} @7`},
			logs: []badLog{
				{executor.LogDeserialization, "s", 1, `JSON value: invalid JSON at offset 5: unexpected end of data, expected a value`},
				{executor.LogDeserialization, "s", 2, `JSON value: field "V": cannot parse "x" as BIGINT`},
				{executor.LogDeserialization, "s", 3, `JSON value: expected a JSON object, found a JSON array`},
				{executor.LogDeserialization, "s", 4, `KAFKA key: field "ID": expected 8 bytes for a BIGINT, got 3`},
				{executor.LogDeserialization, "s", 5, `JSON value: invalid JSON at offset 8: unexpected data after the JSON document`},
			},
		},
		{
			name: "malformed DELIMITED records into a GROUP BY",
			sql:  "CREATE STREAM S (ID BIGINT KEY, V BIGINT, G STRING) WITH (kafka_topic='s', value_format='DELIMITED');\nCREATE TABLE C AS SELECT G, SUM(V) AS N FROM S GROUP BY G;",
			recs: []badRecord{{"s", bigKey(1), `1`, 1}, {"s", bigKey(1), `x,a`, 2}, {"s", bigKey(1), `1,a,b`, 3}, {"s", bigKey(1), `5,a`, 4}},
			sink: "C",
			want: []string{`a 5 @4`},
			logs: []badLog{
				{executor.LogDeserialization, "s", 0, `DELIMITED value: expected 2 fields, found 1`},
				{executor.LogDeserialization, "s", 1, `DELIMITED value: field "V": cannot parse "x" as BIGINT`},
				{executor.LogDeserialization, "s", 2, `DELIMITED value: expected 2 fields, found 3`},
			},
		},
		{
			name: "malformed JSON on both sides of a join",
			sql:  stream + table + "CREATE STREAM J AS SELECT S.ID, V, NAME FROM S JOIN T ON S.ID = T.ID;",
			recs: []badRecord{{"t", bigKey(1), `{"NAME":"one"`, 1}, {"t", bigKey(1), `{"NAME":"uno"}`, 2}, {"s", bigKey(1), `not json`, 10}, {"s", bigKey(1), `{"V":2}`, 11}},
			sink: "J",
			want: []string{`1 {"V":2,"NAME":"uno"} @11`},
			logs: []badLog{
				{executor.LogDeserialization, "s", 0, `JSON value: invalid JSON at offset 0: unexpected word 'not', expected null`},
				{executor.LogDeserialization, "t", 0, `JSON value: invalid JSON at offset 13: unexpected end of data, expected ',' or '}'`},
			},
		},
		{
			name: "late record",
			sql:  stream + "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 100}, {"s", bigKey(1), `{"V":1}`, 5000}, {"s", bigKey(1), `{"V":1}`, 200}, {"s", bigKey(1), `{"V":1}`, 5100}},
			sink: "C",
			want: []string{`1/0 {"N":1} @100`, `1/5000 {"N":1} @5000`, `1/5000 {"N":2} @5100`},
			logs: []badLog{{executor.LogLate, "s", 2, `late record: timestamp 200 is beyond the grace period of its window \(stream time 5000\)`}},
		},
		{
			name: "late record into hopping windows: one entry for the record",
			sql:  stream + "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 1500}, {"s", bigKey(1), `{"V":1}`, 3000}, {"s", bigKey(1), `{"V":1}`, 1600}},
			sink: "C",
			want: []string{`1/0 {"N":1} @1500`, `1/1000 {"N":1} @1500`, `1/2000 {"N":1} @3000`, `1/3000 {"N":1} @3000`},
			logs: []badLog{{executor.LogLate, "s", 2, `late record: timestamp 1600 is beyond the grace period of its window \(stream time 3000\)`}},
		},
		{
			name: "late record into a session window",
			sql:  stream + "CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW SESSION (1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY ID;",
			recs: []badRecord{{"s", bigKey(1), `{"V":1}`, 100}, {"s", bigKey(1), `{"V":1}`, 5000}, {"s", bigKey(1), `{"V":1}`, 200}, {"s", bigKey(1), `{"V":1}`, 5100}},
			sink: "C",
			want: []string{`1/100/100 {"N":1} @100`, `1/5000/5000 {"N":1} @5000`, `1/5000/5000 <null> @5000`, `1/5100/5000 {"N":2} @5100`},
			logs: []badLog{{executor.LogLate, "s", 2, `late record: timestamp 200 is beyond the grace period of its window \(stream time 5000\)`}},
		},
		{
			name: "join key of the wrong type in the value",
			sql: "CREATE STREAM S (ID BIGINT KEY, FK BIGINT) WITH (kafka_topic='s', value_format='JSON');\n" + table +
				"CREATE STREAM J AS SELECT S.ID, FK, NAME FROM S JOIN T ON S.FK = T.ID;",
			recs: []badRecord{{"t", bigKey(1), `{"NAME":"one"}`, 1}, {"s", bigKey(7), `{"FK":"abc"}`, 10}, {"s", bigKey(8), `{"FK":1}`, 11}},
			sink: "J",
			want: []string{`1 {"S_ID":8,"NAME":"one"} @11`},
			logs: []badLog{{executor.LogDeserialization, "s", 0, `JSON value: field "FK": cannot parse "abc" as BIGINT`}},
		},
		{
			name: "join key of the wrong type in JSON keys",
			sql: "CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', format='JSON');\n" +
				"CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='t', format='JSON');\n" +
				"CREATE STREAM J AS SELECT S.ID, V, NAME FROM S JOIN T ON S.ID = T.ID;",
			recs: []badRecord{{"t", []byte(`1`), `{"NAME":"one"}`, 1}, {"t", []byte(`"abc"`), `{"NAME":"bad"}`, 2}, {"s", []byte(`"abc"`), `{"V":1}`, 10}, {"s", []byte(`1`), `{"V":2}`, 11}},
			sink: "J",
			want: []string{`1 {"V":2,"NAME":"one"} @11`},
			logs: []badLog{
				{executor.LogDeserialization, "s", 0, `JSON key: field "ID": cannot parse "abc" as INTEGER`},
				{executor.LogDeserialization, "t", 1, `JSON key: field "ID": cannot parse "abc" as INTEGER`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e, plog := newTestEngine(t, WithAutoCreateTopics())
			if err := e.Execute(ctx, tt.sql); err != nil {
				t.Fatal(err)
			}
			qs := e.Queries()
			if len(qs) != 1 {
				t.Fatalf("%d queries, want 1", len(qs))
			}
			for _, r := range tt.recs {
				rec := executor.Record{Topic: r.topic, Key: r.key, Value: []byte(r.value), Timestamp: r.ts}
				if err := e.Topics().Produce(ctx, &rec); err != nil {
					t.Fatal(err)
				}
			}
			var problems []string
			if err := e.Pump(ctx); err != nil {
				problems = append(problems, fmt.Sprintf("the query failed: %v", err))
			}
			got := []string{}
			for _, r := range e.Topics().Records(tt.sink) {
				v := "<null>"
				if r.Value != nil {
					v = string(r.Value)
				}
				got = append(got, fmt.Sprintf("%s %s @%d", renderKey(r.Key), v, r.Timestamp))
			}
			if want := append([]string{}, tt.want...); !slices.Equal(got, want) {
				problems = append(problems, fmt.Sprintf("outputs\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t")))
			}
			problems = append(problems, checkLog(plog.Entries(), tt.logs, qs[0].ID())...)
			switch {
			case len(problems) > 0 && tt.bug != "":
				t.Skipf("executor bug: %s, reported. Today:\n%s", tt.bug, strings.Join(problems, "\n"))
			case len(problems) > 0:
				for _, p := range problems {
					t.Error(p)
				}
			case tt.bug != "":
				t.Errorf("the case passes now: delete its bug note %q", tt.bug)
			}
		})
	}
}

// checkLog compares processing-log entries with the expected ones, in
// topic and offset order (Pump interleaves topics by timestamp).
func checkLog(got []executor.LogEntry, want []badLog, query string) []string {
	slices.SortStableFunc(got, func(a, b executor.LogEntry) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Offset - b.Offset)
	})
	want = slices.Clone(want)
	slices.SortStableFunc(want, func(a, b badLog) int {
		if c := strings.Compare(a.topic, b.topic); c != 0 {
			return c
		}
		return int(a.offset - b.offset)
	})
	var problems []string
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(want):
			problems = append(problems, fmt.Sprintf("unexpected log entry %+v", got[i]))
		case i >= len(got):
			problems = append(problems, fmt.Sprintf("no log entry for %s offset %d (%s %q)", want[i].topic, want[i].offset, want[i].kind, want[i].reason))
		default:
			g, w := got[i], want[i]
			if g.Query != query || g.Kind != w.kind || g.Topic != w.topic || g.Partition != 0 || g.Offset != w.offset ||
				!regexp.MustCompile(`^(?:`+w.reason+`)$`).MatchString(g.Reason) {
				problems = append(problems, fmt.Sprintf("log entry %+v, want query %s %s %s/0 offset %d reason matching %q",
					g, query, w.kind, w.topic, w.offset, w.reason))
			}
		}
	}
	return problems
}

// TestBadInputLogsPartition checks that a processing-log entry names the
// partition of the bad record, on the stateless and the stateful path.
func TestBadInputLogsPartition(t *testing.T) {
	for _, q := range []string{
		"CREATE STREAM P AS SELECT * FROM S;",
		"CREATE TABLE P AS SELECT ID, SUM(V) AS N FROM S GROUP BY ID;",
	} {
		t.Run(q, func(t *testing.T) {
			ctx := context.Background()
			e, plog := newTestEngine(t)
			if err := e.Topics().CreateTopic("s", 2); err != nil {
				t.Fatal(err)
			}
			if err := e.Execute(ctx, "CREATE STREAM S (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='s', value_format='JSON');\n"+q); err != nil {
				t.Fatal(err)
			}
			for i, r := range []executor.Record{
				{Topic: "s", Partition: 1, Key: bigKey(1), Value: []byte(`{"V":1}`), Timestamp: 1},
				{Topic: "s", Partition: 1, Key: bigKey(1), Value: []byte(`{"V":}`), Timestamp: 2},
				{Topic: "s", Partition: 0, Key: bigKey(2), Value: []byte(`{"V":2}`), Timestamp: 3},
				{Topic: "s", Partition: 1, Key: bigKey(1), Value: []byte(`{"V":3}`), Timestamp: 4},
			} {
				if pos, err := e.Topics().Append(&r); err != nil || pos.Partition != r.Partition {
					t.Fatalf("record %d: %+v, %v", i, pos, err)
				}
			}
			if err := e.Pump(ctx); err != nil {
				t.Fatal(err)
			}
			if n := e.Topics().Len("P"); n != 3 {
				t.Errorf("%d outputs, want 3 (the records before and after the bad one)", n)
			}
			want := executor.LogEntry{Query: e.Queries()[0].ID(), Kind: executor.LogDeserialization, Topic: "s", Partition: 1, Offset: 1,
				Reason: "JSON value: invalid JSON at offset 5: unexpected character '}', expected a value"}
			if got := plog.Entries(); len(got) != 1 || got[0] != want {
				t.Errorf("log %+v, want %+v", got, want)
			}
		})
	}
}
