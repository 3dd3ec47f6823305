package bench

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/engine/live"
	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// End to end through the embedded broker (SASL_SSL, SCRAM-SHA-512, ACLs):
// the seed-shaped stateless query run by engine/live against a raw franz-go
// pass-through of the same records, measured in the same run; then the
// query again under exactly-once. Both consume
// in a consumer group, produce with the same (idempotent) producer
// settings, wait for the acknowledgements and commit after every poll; the
// time of each is until every input offset is committed.
//
//	go test ./bench -run '^$' -bench Kafka -benchtime 3x

const (
	kafkaRecords    = 200_000
	kafkaPartitions = 4
	kafkaInput      = "bench_mortgages"
)

const kafkaScript = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM s (client_id STRING, city STRING, action STRING, type STRING, credit_score INT)
	WITH (kafka_topic='bench_mortgages', value_format='JSON');
CREATE STREAM o WITH (kafka_topic='bench_qualified') AS SELECT client_id, city, action FROM s
	WHERE type = 'Residential' AND credit_score > 750;`

// kafkaValue is input record i, about 200 bytes of JSON: a third are
// Residential, a fifth have credit_score > 750.
func kafkaValue(rng *rand.Rand, i int) []byte {
	kinds := [...]string{"Residential", "Commercial", "Industrial"}
	cities := [...]string{"Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lima", "Oslo", "Perth"}
	actions := [...]string{"login", "logout", "purchase", "view", "refund"}
	return fmt.Appendf(nil, `{"client_id":"client-%08d","city":"%s","action":"%s","type":"%s","credit_score":%d,"note":"mortgage application received through the partner portal, reference %010d"}`,
		i, cities[rng.IntN(len(cities))], actions[rng.IntN(len(actions))], kinds[rng.IntN(len(kinds))], 500+rng.IntN(350), rng.Int64N(1e10))
}

type kafkaBench struct {
	b          *broker.Broker
	admin, svc *config.Config
}

func startKafkaBench(b *testing.B) *kafkaBench {
	b.Helper()
	ctx := context.Background()
	br, err := broker.Start(ctx, broker.Options{
		StateDir: b.TempDir(),
		Prefixes: []string{"bench", "_confluent-ksql-bench"},
		Topics:   []string{kafkaInput, "bench_qualified"},
		InMemory: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	kb := &kafkaBench{b: br, admin: kafkaUserConfig(b, br, broker.AdminUser), svc: kafkaUserConfig(b, br, broker.ServiceUser)}
	if err := br.CreateTopics(ctx, kafkaPartitions, kafkaInput, "bench_passthrough", "bench_qualified"); err != nil {
		b.Fatal(err)
	}
	cl := kafkaClient(b, kb.admin, kafka.ProducerOpts(kb.admin)...)
	defer cl.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range kafkaRecords {
		cl.Produce(ctx, &kgo.Record{Topic: kafkaInput, Key: fmt.Appendf(nil, "k%d", i), Value: kafkaValue(rng, i)}, func(_ *kgo.Record, err error) {
			if err != nil {
				b.Error(err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	return kb
}

func kafkaUserConfig(b *testing.B, br *broker.Broker, user string) *config.Config {
	props, err := br.ClientConfig(user)
	if err != nil {
		b.Fatal(err)
	}
	cfg, _, err := config.Load(config.Options{Defaults: props, Environ: []string{}, Flags: map[string]string{
		// Commit after every poll, as the pass-through does.
		"ksql.streams.commit.interval.ms": "0",
		"wasmstream.status.interval":      "0",
	}})
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

func kafkaClient(b *testing.B, cfg *config.Config, extra ...kgo.Opt) *kgo.Client {
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		b.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		b.Fatal(err)
	}
	return cl
}

// passThrough consumes the input in group, produces a copy of every record
// to the pass-through topic, and commits each poll once its copies are
// acknowledged: the least any consume-process-produce program does.
func (kb *kafkaBench) passThrough(b *testing.B, group string) time.Duration {
	ctx := context.Background()
	opts := append(kafka.ProducerOpts(kb.svc), kafka.ConsumerOpts(kb.svc)...)
	opts = append(opts, kgo.ConsumerGroup(group), kgo.ConsumeTopics(kafkaInput),
		kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll())
	cl := kafkaClient(b, kb.svc, opts...)
	defer cl.Close()
	start := time.Now()
	n := 0
	for n < kafkaRecords {
		fs := cl.PollRecords(ctx, live.DefaultMaxPollRecords)
		if err := fs.Err0(); err != nil {
			b.Fatal(err)
		}
		var recs []*kgo.Record
		fs.EachRecord(func(r *kgo.Record) {
			out := &kgo.Record{Topic: "bench_passthrough", Key: append([]byte(nil), r.Key...), Value: append([]byte(nil), r.Value...), Timestamp: r.Timestamp}
			cl.Produce(ctx, out, nil)
			recs = append(recs, r)
		})
		n += len(recs)
		if err := cl.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		if err := cl.CommitRecords(ctx, recs...); err != nil {
			b.Fatal(err)
		}
		cl.AllowRebalance()
	}
	return time.Since(start)
}

// query runs the script on the engine with the service id, and returns
// when the query's group has committed every input offset.
func (kb *kafkaBench) query(b *testing.B, serviceID string, eos bool) time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := *kb.svc
	cfg.ServiceID = serviceID
	if eos {
		cfg.Processing.ProcessingGuarantee = config.Setting[string]{Value: "exactly_once_v2", Set: true}
	}
	start := time.Now()
	prod, err := kafka.NewProducer(&cfg)
	if err != nil {
		b.Fatal(err)
	}
	store := kafka.NewStore(prod)
	defer store.Close(context.Background())
	e, err := engine.New(ctx, engine.WithTopicStore(store), engine.WithServiceID(cfg.ServiceID))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	if err := e.Execute(ctx, kafkaScript); err != nil {
		b.Fatal(err)
	}
	group := kafka.ServiceGroup(serviceID, e.Queries()[0].ID())
	done := make(chan error, 1)
	go func() {
		done <- live.Run(ctx, e, live.Options{Config: &cfg, Store: store, Logger: slog.New(slog.DiscardHandler)})
	}()
	adm := kadm.NewClient(kafkaClient(b, kb.admin))
	defer adm.Close()
	for {
		select {
		case err := <-done:
			b.Fatalf("query stopped early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
		os, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			continue
		}
		var committed int64
		os.Each(func(o kadm.OffsetResponse) { committed += o.At })
		if committed >= kafkaRecords {
			break
		}
	}
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// BenchmarkKafkaEndToEnd reports the records per second of the raw
// pass-through and of the query, and their ratio (the target is
// at least 0.7).
func BenchmarkKafkaEndToEnd(b *testing.B) {
	kb := startKafkaBench(b)
	var raw, q, eos time.Duration
	i := 0
	for b.Loop() {
		i++
		raw += kb.passThrough(b, fmt.Sprintf("bench-raw-%d", i))
		q += kb.query(b, fmt.Sprintf("bench%d_", i), false)
		eos += kb.query(b, fmt.Sprintf("bench%d_eos_", i), true)
	}
	rawRate := float64(i*kafkaRecords) / raw.Seconds()
	qRate := float64(i*kafkaRecords) / q.Seconds()
	b.ReportMetric(rawRate, "raw-rec/s")
	b.ReportMetric(qRate, "query-rec/s")
	b.ReportMetric(qRate/rawRate, "ratio")
	// The same query under exactly-once (a transaction per poll).
	b.ReportMetric(float64(i*kafkaRecords)/eos.Seconds(), "query-eos-rec/s")
	// The query's output, as a check that it did its work: about 9% of the
	// input passes the filter, written twice per iteration (at-least-once,
	// exactly-once); end offsets also count the exactly-once runs'
	// transaction markers (one per partition and transaction).
	adm := kadm.NewClient(kafkaClient(b, kb.admin))
	defer adm.Close()
	for _, topic := range []string{"bench_qualified", "bench_passthrough"} {
		ends, err := adm.ListEndOffsets(context.Background(), topic)
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
		b.ReportMetric(float64(n)/float64(i), topic+"/iter")
	}
	b.ReportMetric(0, "ns/op")
}
