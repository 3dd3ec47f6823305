package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/wasmstream/wasmstream/host/executor"
)

// repartitionedScript is seed query 2 over a stream keyed by something else
// than the device (a producer that keys by sensor): GROUP BY device_id
// repartitions every event through the query's repartition topic.
const repartitionedScript = `
	CREATE STREAM saturation_events (sensor INT KEY, device_id STRING, saturation DOUBLE)
		WITH (kafka_topic='saturation_events', value_format='JSON');
	CREATE TABLE possible_malfunction AS SELECT device_id, count(*) FROM saturation_events
		WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY device_id HAVING count(*) > 3;`

// loopback is a query whose repartition topic is an in-process buffer
// (reused, so the benchmark measures the query's own path): Process runs a
// poll, then the rows it repartitioned, as a consumer of the topic would.
type loopback struct {
	q    *executor.Query
	held []executor.Record
	n    int
}

func (l *loopback) Produce(_ context.Context, r *executor.Record) error {
	if l.n == len(l.held) {
		l.held = append(l.held, executor.Record{})
	}
	h := &l.held[l.n]
	h.Topic, h.Partition, h.Offset, h.Timestamp = r.Topic, r.Partition, int64(l.n), r.Timestamp
	h.Key, h.Value = append(h.Key[:0], r.Key...), append(h.Value[:0], r.Value...)
	l.n++
	return nil
}

func (l *loopback) Process(ctx context.Context, recs []executor.Record) error {
	if err := l.q.Process(ctx, recs); err != nil {
		return err
	}
	n := l.n
	l.n = 0
	return l.q.Process(ctx, l.held[:n])
}

// BenchmarkWindowedCountRepartitioned measures what the repartition costs:
// the windowed count of the same 1M events, once from a stream keyed by the
// device (no repartition, the baseline) and once from a stream keyed by
// sensor that the query repartitions by device (encode, write to the topic,
// read back, decode), alternating poll by poll in the same process.
func BenchmarkWindowedCountRepartitioned(b *testing.B) {
	ctx := context.Background()
	keyed := genSaturation()
	recs := make([]executor.Record, len(keyed))
	for i, r := range keyed {
		r.Value = fmt.Appendf(nil, `{"device_id":%q,%s`, r.Key, r.Value[1:])
		r.Key = kafkaInt(i % 64)
		recs[i] = r
	}
	newKeyed := statefulQuery(b, windowedScript)
	mod := compile(b, repartitionedScript)
	if !mod.Manifest().Pipeline.Inputs[0].Repartition {
		b.Fatal("the query does not repartition")
	}
	newRepartitioned := func() (*loopback, *counter) {
		sink := &counter{}
		l := &loopback{}
		q, err := executor.NewQuery(executor.QueryConfig{
			Manifest: mod.Manifest(), Instances: executor.ModuleInstances{Module: mod}, Filtered: true,
			Sink: executor.SinkFunc(func(ctx context.Context, r *executor.Record) error {
				if r.Topic == "repartition" {
					return l.Produce(ctx, r)
				}
				return sink.Produce(ctx, r)
			}),
			Repartition: executor.RepartitionTopic{Name: "repartition", Partitions: 1},
		})
		if err != nil {
			b.Fatal(err)
		}
		l.q = q
		b.Cleanup(func() { _ = q.Close(ctx) })
		return l, sink
	}
	// Both give the same outputs.
	l, rsink := newRepartitioned()
	k, ksink := newKeyed()
	if err := processAll(ctx, k, keyed); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(recs); i += pollSize {
		if err := l.Process(ctx, recs[i:min(i+pollSize, len(recs))]); err != nil {
			b.Fatal(err)
		}
	}
	if *rsink != *ksink || ksink.records == 0 {
		b.Fatalf("repartitioned produced %+v, keyed %+v", *rsink, *ksink)
	}

	tm := newTiming()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		l, _ := newRepartitioned()
		k, _ := newKeyed()
		b.StartTimer()
		// timing's "engine" is the repartitioned query, its "native" the
		// keyed one; the poll alternation reads each its own records.
		if err := tm.runAlternatingPair(ctx, recs, keyed, l.Process, k.Process); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n := float64(b.N * len(recs))
	rep, key := n/tm.eng.wall.Seconds(), n/tm.nat.wall.Seconds()
	b.ReportMetric(rep, "repartitioned-rec/s")
	b.ReportMetric(key, "keyed-rec/s")
	b.ReportMetric(rep/key, "repartitioned/keyed")
	b.ReportMetric(0, "ns/op")
}
