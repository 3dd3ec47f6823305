package engine

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/wasmstream/wasmstream/host/executor"
)

func newTestEngine(t *testing.T, opts ...Option) (*Engine, *executor.MemoryProcessingLog) {
	t.Helper()
	plog := &executor.MemoryProcessingLog{}
	e, err := New(context.Background(), append([]Option{WithProcessingLog(plog), WithClock(func() time.Time { return time.UnixMilli(42) })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e, plog
}

func TestEngineFilterProject(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	if err := e.Topics().CreateTopic("test_topic", 1); err != nil {
		t.Fatal(err)
	}
	err := e.Execute(ctx, `
		CREATE STREAM INPUT (id INT KEY, name STRING, age INT) WITH (kafka_topic='test_topic', value_format='JSON');
		CREATE STREAM OUTPUT AS SELECT id, UCASE(name) AS name, age + 1 AS next FROM INPUT WHERE age >= 18;`)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{`{"name":"a","age":20}`, `{"name":"b","age":10}`, `{"name":"c","age":"x"}`, `{"name":"d","age":30}`} {
		key := binary.BigEndian.AppendUint32(nil, uint32(i))
		if err := e.Topics().Produce(ctx, &executor.Record{Topic: "test_topic", Key: key, Value: []byte(v), Timestamp: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.Topics().Records("OUTPUT") {
		got = append(got, string(r.Value))
	}
	want := []string{`{"NAME":"A","NEXT":21}`, `{"NAME":"D","NEXT":31}`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("outputs %v, want %v", got, want)
	}
	if n := len(plog.Entries()); n != 1 {
		t.Errorf("%d processing-log entries, want 1: %+v", n, plog.Entries())
	}
}

func TestEngineStatements(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		script  []string
		wantErr string
		check   func(t *testing.T, e *Engine)
	}{
		{
			name:    "missing topic",
			script:  []string{"CREATE STREAM s (v INT) WITH (kafka_topic='nope', value_format='JSON');"},
			wantErr: "Kafka topic does not exist: nope",
			check: func(t *testing.T, e *Engine) {
				if _, ok := e.Source("S"); ok {
					t.Error("a refused CREATE registered its source")
				}
			},
		},
		{
			name:   "PARTITIONS creates the topic",
			script: []string{"CREATE STREAM s (v INT) WITH (kafka_topic='t4', value_format='JSON', partitions=4);"},
			check: func(t *testing.T, e *Engine) {
				if n := e.Topics().Partitions("t4"); n != 4 {
					t.Errorf("topic has %d partitions, want 4", n)
				}
			},
		},
		{
			name: "sink topic gets the source's partitions",
			script: []string{
				"CREATE STREAM s (v INT) WITH (kafka_topic='t3', value_format='JSON', partitions=3);",
				"CREATE STREAM o AS SELECT * FROM s;",
			},
			check: func(t *testing.T, e *Engine) {
				if n := e.Topics().Partitions("O"); n != 3 {
					t.Errorf("sink topic has %d partitions, want 3", n)
				}
				if qs := e.Queries(); len(qs) != 1 || qs[0].ID() != "CSAS_O_0" || qs[0].SinkTopic() != "O" || qs[0].SourceTopics()[0] != "t3" {
					t.Errorf("queries %v", qs)
				}
			},
		},
		{
			name: "INSERT VALUES uses the clock unless ROWTIME is given",
			script: []string{
				"CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
				"INSERT INTO s (k, v) VALUES ('a', 1);",
				"INSERT INTO s (ROWTIME, k, v) VALUES (7, 'b', 2);",
			},
			check: func(t *testing.T, e *Engine) {
				recs := e.Topics().Records("s")
				if len(recs) != 2 || recs[0].Timestamp != 42 || recs[1].Timestamp != 7 || string(recs[1].Key) != "b" || string(recs[1].Value) != `{"V":2}` {
					t.Errorf("records %+v", recs)
				}
			},
		},
		{
			name: "DROP terminates the query writing the source",
			script: []string{
				"CREATE STREAM s (v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
				"CREATE STREAM o AS SELECT * FROM s;",
				"DROP STREAM o;",
			},
			check: func(t *testing.T, e *Engine) {
				if _, ok := e.Source("O"); ok {
					t.Error("O still in the catalog")
				}
				if n := len(e.Queries()); n != 0 {
					t.Errorf("%d queries left", n)
				}
				if !e.Topics().HasTopic("O") {
					t.Error("DROP without DELETE TOPIC deleted the topic")
				}
			},
		},
		{
			name: "SET changes the default format",
			script: []string{
				"SET 'ksql.persistence.default.format.value' = 'DELIMITED';",
				"CREATE STREAM s (v INT, w STRING) WITH (kafka_topic='s', partitions=1);",
			},
			check: func(t *testing.T, e *Engine) {
				s, ok := e.Source("S")
				if !ok || s.ValueFormat != "DELIMITED" {
					t.Errorf("source %+v", s)
				}
				if e.Properties()["ksql.persistence.default.format.value"] != "DELIMITED" {
					t.Errorf("properties %v", e.Properties())
				}
			},
		},
		{
			name:    "syntax error names line and column",
			script:  []string{"CREATE STREAM s (v INT) WITH (kafka_topic='s', value_format='JSON');\nSELEC * FROM s;"},
			wantErr: "2:1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			if err := e.Topics().CreateTopic("s", 1); err != nil {
				t.Fatal(err)
			}
			var err error
			for _, s := range tt.script {
				if err = e.Execute(ctx, s); err != nil {
					break
				}
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

func TestEnginePumpChain(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM a (k STRING KEY, n INT) WITH (kafka_topic='a', value_format='JSON', partitions=2);
		CREATE STREAM b AS SELECT k, n * 2 AS n FROM a;
		CREATE STREAM c AS SELECT k, n FROM b WHERE n > 2;
		INSERT INTO a (k, n) VALUES ('x', 1);
		INSERT INTO a (k, n) VALUES ('y', 2);
		INSERT INTO a (k, n) VALUES ('z', 3);`)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range e.Topics().Records("C") {
		got[string(r.Key)] = string(r.Value)
	}
	want := map[string]string{"y": `{"N":4}`, "z": `{"N":6}`}
	if len(got) != len(want) || got["y"] != want["y"] || got["z"] != want["z"] {
		t.Errorf("C = %v, want %v", got, want)
	}
	// Pumping again reads nothing new.
	before := e.Topics().Len("B")
	if err := e.Pump(ctx); err != nil || e.Topics().Len("B") != before {
		t.Errorf("second pump: %v, B grew from %d to %d", err, before, e.Topics().Len("B"))
	}
}

func TestIsNotSupported(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t)
	err := e.Execute(ctx, "CREATE STREAM s (v TIMESTAMP) WITH (kafka_topic='s', value_format='JSON', partitions=1);")
	if !IsNotSupported(err) {
		t.Errorf("TIMESTAMP column: %v is not reported as not supported", err)
	}
	if IsNotSupported(e.Execute(ctx, "DROP STREAM nope;")) {
		t.Error("an unknown source is reported as not supported")
	}
}
