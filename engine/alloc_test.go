package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/runtime"
	"github.com/wasmstream/wasmstream/sql2wasm"
)

// compiledQuery compiles a script whose last statement is a persistent
// query and returns an executor query for it that produces into sink.
func compiledQuery(t testing.TB, script string, sink executor.Sink) *loopbackQuery {
	t.Helper()
	ctx := context.Background()
	results, err := sql2wasm.CompileScript("", script)
	if err != nil {
		t.Fatal(err)
	}
	last := results[len(results)-1]
	rt, err := runtime.New(ctx, runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(ctx) })
	mod, err := rt.Load(ctx, last.Module)
	if err != nil {
		t.Fatal(err)
	}
	l := &loopbackQuery{topic: "repartition"}
	q, err := executor.NewQuery(executor.QueryConfig{Manifest: mod.Manifest(), Instances: executor.ModuleInstances{Module: mod},
		Sink: executor.SinkFunc(func(ctx context.Context, r *executor.Record) error {
			if r.Topic == l.topic {
				l.hold(r)
				return nil
			}
			return sink.Produce(ctx, r)
		}),
		Filtered:    true,
		Repartition: executor.RepartitionTopic{Name: l.topic, Partitions: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Query = q
	t.Cleanup(func() { _ = q.Close(ctx) })
	return l
}

// loopbackQuery is a query whose repartition topic is a buffer it reads
// back at the end of each Process call (reusing its storage, so that
// allocation tests measure the query's own path).
type loopbackQuery struct {
	*executor.Query
	topic  string
	held   []executor.Record
	n      int
	offset int64
}

func (l *loopbackQuery) hold(r *executor.Record) {
	if l.n == len(l.held) {
		l.held = append(l.held, executor.Record{})
	}
	h := &l.held[l.n]
	h.Topic, h.Partition, h.Offset, h.Timestamp = r.Topic, r.Partition, l.offset, r.Timestamp
	h.Key = append(h.Key[:0], r.Key...)
	h.Value = append(h.Value[:0], r.Value...)
	l.n++
	l.offset++
}

// Process runs the query on recs, then on what it repartitioned.
func (l *loopbackQuery) Process(ctx context.Context, recs []executor.Record) error {
	if err := l.Query.Process(ctx, recs); err != nil {
		return err
	}
	if l.n == 0 {
		return nil
	}
	// Repartitioned rows make no further repartitioned rows.
	n := l.n
	l.n = 0
	return l.Query.Process(ctx, l.held[:n])
}

const allocScript = `
	CREATE STREAM s (id INT KEY, a INT, b BIGINT, c DOUBLE) WITH (kafka_topic='s', value_format='JSON');
	CREATE STREAM o AS SELECT id, a + b AS ab, c * 2 AS c2 FROM s WHERE a > 0;`

func allocRecords(n int) []executor.Record {
	recs := make([]executor.Record, n)
	for i := range recs {
		recs[i] = executor.Record{
			Topic: "s", Offset: int64(i), Timestamp: int64(i),
			Key:   binary.BigEndian.AppendUint32(nil, uint32(i)),
			Value: []byte(fmt.Sprintf(`{"a":%d,"b":%d,"c":%d.5}`, i%7-1, i, i)),
		}
	}
	return recs
}

// TestProcessDoesNotAllocate checks the executor's hot path on a compiled
// query with numeric columns: decoding, batch writes, the stage call,
// reading outputs, encoding and producing reuse their rows and buffers.
func TestProcessDoesNotAllocate(t *testing.T) {
	assertNoAllocs(t, allocScript, nil, allocRecords(3000))
}

// assertNoAllocs compiles script, processes setup (a table's rows), then
// recs once to warm up (tasks, groups, buffers), checks that the query's
// WHERE kept some records and dropped others, and that processing recs
// again allocates nothing.
func assertNoAllocs(t *testing.T, script string, setup, recs []executor.Record) {
	t.Helper()
	produced := 0
	q := compiledQuery(t, script, executor.SinkFunc(func(context.Context, *executor.Record) error { produced++; return nil }))
	ctx := context.Background()
	for _, batch := range [][]executor.Record{setup, recs} {
		if err := q.Process(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if produced == 0 || produced == len(recs) {
		t.Fatalf("%d of %d records produced: the filter did not run", produced, len(recs))
	}
	allocs := testing.AllocsPerRun(5, func() {
		if err := q.Process(ctx, recs); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Process allocated %.0f times per batch of %d records, want 0", allocs, len(recs))
	}
}

func BenchmarkProcessJSON(b *testing.B) { benchProcess(b, allocScript) }

// benchProcess measures records/s of the compiled script on batches of
// 4096 JSON records.
func benchProcess(b *testing.B, script string) {
	q := compiledQuery(b, script, executor.SinkFunc(func(context.Context, *executor.Record) error { return nil }))
	recs := allocRecords(4096)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := q.Process(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
}
