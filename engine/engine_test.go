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
