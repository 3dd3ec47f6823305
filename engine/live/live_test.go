package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/engine/live"
	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// cluster is an embedded broker over SASL_SSL with ACLs, and the
// configurations of its admin and of the least-privilege service user.
type cluster struct {
	b            *broker.Broker
	admin, svc   *config.Config
	serviceID    string
	inputs, outs []string
}

func startCluster(t *testing.T, serviceID string, topics ...string) *cluster {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Start(ctx, broker.Options{
		StateDir:  t.TempDir(),
		ServiceID: serviceID,
		Prefixes:  []string{serviceID, "_confluent-ksql-" + serviceID},
		Topics:    topics,
		InMemory:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return &cluster{b: b, admin: userConfig(t, b, broker.AdminUser, serviceID), svc: userConfig(t, b, broker.ServiceUser, serviceID), serviceID: serviceID}
}

func userConfig(t *testing.T, b *broker.Broker, user, serviceID string, more ...string) *config.Config {
	t.Helper()
	props, err := b.ClientConfig(user)
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]string{
		"ksql.service.id":            serviceID,
		"wasmstream.status.interval": "50ms",
	}
	for i := 0; i+1 < len(more); i += 2 {
		flags[more[i]] = more[i+1]
	}
	cfg, _, err := config.Load(config.Options{Defaults: props, Environ: []string{}, Flags: flags})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Security.Protocol != config.SASLSSL {
		t.Fatalf("protocol %s, want SASL_SSL", cfg.Security.Protocol)
	}
	return cfg
}

func client(t *testing.T, cfg *config.Config, extra ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func produce(t *testing.T, cfg *config.Config, topic string, from, to int) {
	t.Helper()
	cl := client(t, cfg)
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(value(i))})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// value is input record i: every third is not Residential, and credit
// scores cycle through 700..799.
func value(i int) string {
	typ := "Residential"
	if i%3 == 0 {
		typ = "Commercial"
	}
	return fmt.Sprintf(`{"CLIENT_ID":%d,"CITY":"c%d","ACTION":"a%d","TYPE":"%s","CREDIT_SCORE":%d}`, i, i%7, i, typ, 700+i%100)
}

// want is the output the seed-shaped query gives for inputs [from, to).
func want(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		if i%3 != 0 && 700+i%100 > 750 {
			out = append(out, fmt.Sprintf(`k%d={"CLIENT_ID":%d,"CITY":"c%d","ACTION":"a%d"}`, i, i, i%7, i))
		}
	}
	sort.Strings(out)
	return out
}

// consume reads n records of topic from the start (no group), as the admin.
func consume(t *testing.T, cfg *config.Config, topic string, n int, extra ...kgo.Opt) []string {
	t.Helper()
	cl := client(t, cfg, append([]kgo.Opt{kgo.ConsumeTopics(topic), kgo.ConsumeStartOffset(kgo.NewOffset().AtStart())}, extra...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []string
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records of %s before the timeout", len(out), n, topic)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, string(r.Key)+"="+string(r.Value)) })
	}
	// Anything more would be a duplicate: give it a moment to show up.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	cl.PollFetches(ctx2).EachRecord(func(r *kgo.Record) { out = append(out, string(r.Key)+"="+string(r.Value)) })
	sort.Strings(out)
	return out
}

const script = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM s (k VARCHAR KEY, client_id INT, city VARCHAR, action VARCHAR, type VARCHAR, credit_score INT)
  WITH (kafka_topic='mortgages', value_format='JSON');
CREATE STREAM qualified WITH (kafka_topic='qualified', partitions=2) AS
  SELECT k, client_id, city, action FROM s WHERE type = 'Residential' AND credit_score > 750;
`

// runner runs the script on Kafka as the service user until stopped.
type runner struct {
	cancel context.CancelFunc
	done   chan error
	status *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startRun(t *testing.T, c *cluster) *runner { return startRunWith(t, c, script, "") }

// startRunWith runs src, with checkpoints in dir ("" for none).
func startRunWith(t *testing.T, c *cluster, src, dir string) *runner {
	t.Helper()
	return startRunOpts(t, c, src, func(o *live.Options) { o.CheckpointDir = dir })
}

// startRunOpts runs src with the options set by opt.
func startRunOpts(t *testing.T, c *cluster, src string, opt func(*live.Options)) *runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	prod, err := kafka.NewProducer(c.svc)
	if err != nil {
		t.Fatal(err)
	}
	store := kafka.NewStore(prod)
	counts := live.NewCountingLog(nil)
	e, err := engine.New(ctx, engine.WithTopicStore(store), engine.WithServiceID(c.serviceID), engine.WithProcessingLog(counts))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Execute(ctx, src); err != nil {
		t.Fatal(err)
	}
	r := &runner{cancel: cancel, done: make(chan error, 1), status: &syncBuffer{}}
	go func() {
		opts := live.Options{Config: c.svc, Store: store, Status: r.status, Counts: counts,
			Logger: slog.New(slog.DiscardHandler)}
		opt(&opts)
		err := live.Run(ctx, e, opts)
		r.done <- err
		_ = store.Close(context.Background())
		_ = e.Close(context.Background())
	}()
	return r
}

func (r *runner) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestStatelessQueryOnKafka(t *testing.T) {
	c := startCluster(t, "live_", "mortgages", "qualified")
	if err := c.b.CreateTopics(context.Background(), 3, "mortgages"); err != nil {
		t.Fatal(err)
	}
	produce(t, c.admin, "mortgages", 0, 300)
	// A record that is not JSON: logged, counted as an error, skipped.
	cl := client(t, c.admin)
	if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "mortgages", Key: []byte("bad"), Value: []byte("{not json")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	r := startRun(t, c)
	w := want(0, 300)
	got := consume(t, c.admin, "qualified", len(w))
	r.stop(t)
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	st := r.status.String()
	if !strings.Contains(st, fmt.Sprintf("CSAS_QUALIFIED_0 STOPPED: in 301, out %d, lag 0, errors 1", len(w))) {
		t.Errorf("status lines do not show the final figures (in 301, out %d, errors 1):\n%s", len(w), st)
	}
	// The sink topic was created with the statement's PARTITIONS.
	if n := kafka.NewStore(mustProducer(t, c.admin)).Partitions("qualified"); n != 2 {
		t.Errorf("qualified has %d partitions, want 2", n)
	}
}

func mustProducer(t *testing.T, cfg *config.Config) *kafka.Producer {
	t.Helper()
	p, err := kafka.NewProducer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// TestRestartContinuesFromCommittedOffsets stops a query cleanly, produces
// more input, and starts it again with the same service id: the second run
// reads only the new records (no duplicates) and misses none.
func TestRestartContinuesFromCommittedOffsets(t *testing.T) {
	c := startCluster(t, "restart_", "mortgages", "qualified")
	if err := c.b.CreateTopics(context.Background(), 2, "mortgages"); err != nil {
		t.Fatal(err)
	}
	produce(t, c.admin, "mortgages", 0, 200)
	r := startRun(t, c)
	consume(t, c.admin, "qualified", len(want(0, 200)))
	r.stop(t)

	produce(t, c.admin, "mortgages", 200, 500)
	r = startRun(t, c)
	w := want(0, 500)
	got := consume(t, c.admin, "qualified", len(w))
	r.stop(t)
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("after the restart, %d output records, want %d (duplicates or losses):\ngot:\n%s\nwant:\n%s", len(got), len(w), strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	// The second run read exactly the 300 new records.
	if st := r.status.String(); !strings.Contains(st, "in 300,") {
		t.Errorf("second run's status does not say it read the 300 new records:\n%s", st)
	}
}

// TestDeliveryFailureStopsTheQuery runs the query as a user that may read
// the source and describe the sink but not write it: the query stops with
// an explained ACL error, and no input offset is committed past the
// records whose outputs were refused.
func TestDeliveryFailureStopsTheQuery(t *testing.T) {
	ctx := context.Background()
	const user = "limited"
	p := "User:" + user
	var acls []broker.ACL
	acls = append(acls, broker.Allow(p, kmsg.ACLResourceTypeTopic, "mortgages", kmsg.ACLOperationRead)...)
	acls = append(acls, broker.Allow(p, kmsg.ACLResourceTypeTopic, "qualified", kmsg.ACLOperationDescribe)...)
	// WRITE on another topic lets the idempotent producer start (without
	// it, the refusal is IDEMPOTENT_WRITE on the cluster).
	acls = append(acls, broker.Allow(p, kmsg.ACLResourceTypeTopic, "other", kmsg.ACLOperationWrite)...)
	acls = append(acls, broker.AllowPrefixed(p, kmsg.ACLResourceTypeGroup, "_confluent-ksql-lim_", kmsg.ACLOperationRead)...)
	b, err := broker.Start(ctx, broker.Options{StateDir: t.TempDir(), InMemory: true, Users: []broker.User{{Name: user, ACLs: acls}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.CreateTopics(ctx, 2, "mortgages", "qualified"); err != nil {
		t.Fatal(err)
	}
	c := &cluster{b: b, admin: userConfig(t, b, broker.AdminUser, "lim_"), svc: userConfig(t, b, user, "lim_"), serviceID: "lim_"}
	produce(t, c.admin, "mortgages", 0, 100)
	r := startRun(t, c)
	var runErr error
	select {
	case runErr = <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the query did not stop on the refused writes")
	}
	r.cancel()
	var acl *kafka.ACLError
	if !errors.As(runErr, &acl) || acl.Resource != "qualified" || acl.Operation != kmsg.ACLOperationWrite {
		t.Fatalf("run: %v, want an ACL error for WRITE on topic qualified", runErr)
	}
	if !strings.Contains(runErr.Error(), "CSAS_QUALIFIED_0") || !strings.Contains(runErr.Error(), "User:limited") {
		t.Errorf("the error does not name the query and the principal: %v", runErr)
	}
	if st := r.status.String(); !strings.Contains(st, "FAILED") {
		t.Errorf("status does not show the failure:\n%s", st)
	}
	adm := kadm.NewClient(client(t, c.admin))
	offs, err := adm.FetchOffsets(ctx, kafka.ServiceGroup("lim_", "CSAS_QUALIFIED_0"))
	if err != nil {
		t.Fatal(err)
	}
	offs.Each(func(o kadm.OffsetResponse) {
		if o.At > 0 {
			t.Errorf("offset %d committed on %s[%d] although no output was delivered", o.At, o.Topic, o.Partition)
		}
	})
}

// TestTwoInstancesShareTheGroup runs two instances with the same service
// id: they split the partitions in the query's consumer group, and
// together produce every output exactly once.
func TestTwoInstancesShareTheGroup(t *testing.T) {
	c := startCluster(t, "pair_", "mortgages", "qualified")
	if err := c.b.CreateTopics(context.Background(), 4, "mortgages"); err != nil {
		t.Fatal(err)
	}
	r1 := startRun(t, c)
	r2 := startRun(t, c)
	produce(t, c.admin, "mortgages", 0, 400)
	w := want(0, 400)
	got := consume(t, c.admin, "qualified", len(w))
	r1.stop(t)
	r2.stop(t)
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("%d output records, want %d:\n%s", len(got), len(w), strings.Join(got, "\n"))
	}
	// Between them they read every input record once.
	in1, in2 := finalIn(t, r1.status.String()), finalIn(t, r2.status.String())
	if in1+in2 != 400 {
		t.Errorf("the instances read %d and %d records, want 400 in all", in1, in2)
	}
}

// finalIn returns the input count of the last status line.
func finalIn(t *testing.T, status string) int {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(status), "\n")
	var n int
	last := lines[len(lines)-1]
	i := strings.Index(last, ": in ")
	if i < 0 {
		t.Fatalf("no status line: %q", status)
	}
	if _, err := fmt.Sscanf(last[i:], ": in %d,", &n); err != nil {
		t.Fatalf("status line %q: %v", last, err)
	}
	return n
}

const countScript = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM s (k VARCHAR KEY, client_id INT, city VARCHAR, action VARCHAR, type VARCHAR, credit_score INT)
  WITH (kafka_topic='mortgages', value_format='JSON');
CREATE TABLE per_city WITH (kafka_topic='per_city') AS SELECT city, COUNT(*) AS n FROM s GROUP BY city;
`

// waitOut waits until a status line says the query's sink received at
// least n records: with a repartition topic the rows read reach the sink
// only after another trip through Kafka, so "in" alone does not say a
// stop would find them done.
func (r *runner) waitOut(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(r.status.String(), "\n") {
			var out int
			if i := strings.Index(line, ", out "); i >= 0 {
				if _, err := fmt.Sscanf(line[i:], ", out %d,", &out); err == nil && out >= n {
					return
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the query did not write %d records:\n%s", n, r.status.String())
}

// waitIn waits until the last status line says the query read n records.
func (r *runner) waitIn(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if st := r.status.String(); strings.Contains(st, fmt.Sprintf(": in %d,", n)) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the query did not read %d records:\n%s", n, r.status.String())
}

// lastPerKey reads a whole topic (nothing produces to it any more) and
// returns the last value of each key: it reads until a poll brings nothing
// for a second. (End offsets are no stop mark: under exactly-once they
// also count transaction markers, which are not records.)
func lastPerKey(t *testing.T, cfg *config.Config, topic string) map[string]string {
	t.Helper()
	cl := client(t, cfg, kgo.ConsumeTopics(topic), kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()))
	out := map[string]string{}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		n := 0
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			out[string(r.Key)] = string(r.Value)
			n++
		})
		cancel()
		if n == 0 && len(out) > 0 {
			break
		}
	}
	return out
}

// cityCounts is the last count per city that COUNT(*) GROUP BY city gives
// for input records 0..n-1, record i being of city c<city(i)>.
func cityCounts(n int, city func(i int) int) map[string]string {
	counts := map[int]int{}
	for i := range n {
		counts[city(i)]++
	}
	want := map[string]string{}
	for c, k := range counts {
		want[fmt.Sprintf("c%d", c)] = fmt.Sprintf(`{"N":%d}`, k)
	}
	return want
}

// TestStatefulRestartRestoresTheCheckpoint counts records per city, stops,
// and goes on with more input: the counts go on from where they were (the
// checkpoint restored the state) and the second run reads only the new
// records.
func TestStatefulRestartRestoresTheCheckpoint(t *testing.T) {
	c := startCluster(t, "count_", "mortgages", "per_city")
	if err := c.b.CreateTopics(context.Background(), 2, "mortgages"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	produce(t, c.admin, "mortgages", 0, 200)
	r := startRunWith(t, c, countScript, dir)
	r.waitIn(t, 200)
	r.waitOut(t, 200)
	r.stop(t)
	// GROUP BY city repartitions: "in" and "out" count the source's and
	// the sink's records, not the repartition topic's.
	if st := r.status.String(); !strings.Contains(st, "in 200, out 200,") {
		t.Errorf("status lines do not say in 200, out 200:\n%s", st)
	}

	produce(t, c.admin, "mortgages", 200, 500)
	r = startRunWith(t, c, countScript, dir)
	r.waitIn(t, 300)
	r.waitOut(t, 300)
	r.stop(t)

	want := cityCounts(500, func(i int) int { return i % 7 })
	got := lastPerKey(t, c.admin, "per_city")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("last count per city %v, want %v", got, want)
	}
}

// TestExactlyOnce runs the query with processing.guarantee=exactly_once_v2:
// each batch is a transaction with its offsets; a read_committed consumer
// sees every output once, across a restart.
func TestExactlyOnce(t *testing.T) {
	c := startCluster(t, "eos_", "mortgages", "qualified")
	c.svc = userConfig(t, c.b, broker.ServiceUser, "eos_", "ksql.streams.processing.guarantee", "exactly_once_v2")
	if err := c.b.CreateTopics(context.Background(), 3, "mortgages"); err != nil {
		t.Fatal(err)
	}
	produce(t, c.admin, "mortgages", 0, 200)
	r := startRun(t, c)
	committed := kgo.FetchIsolationLevel(kgo.ReadCommitted())
	consume(t, c.admin, "qualified", len(want(0, 200)), committed)
	r.stop(t)

	produce(t, c.admin, "mortgages", 200, 400)
	r = startRun(t, c)
	w := want(0, 400)
	got := consume(t, c.admin, "qualified", len(w), committed)
	r.stop(t)
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("%d committed outputs, want %d:\n%s", len(got), len(w), strings.Join(got, "\n"))
	}
	if st := r.status.String(); !strings.Contains(st, "STOPPED: in 200,") {
		t.Errorf("the second run did not read exactly the 200 new records:\n%s", st)
	}
	// The outputs were written in transactions: the group's offsets were
	// committed by the transactional producer, not by the consumer.
	adm := kadm.NewClient(client(t, c.admin))
	txs, err := adm.ListTransactions(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	txs.Each(func(tx kadm.ListedTransaction) {
		found = found || tx.TxnID == kafka.ServiceGroup("eos_", "CSAS_QUALIFIED_0")
	})
	if !found {
		t.Errorf("no transactional id %s on the broker: %v", kafka.ServiceGroup("eos_", "CSAS_QUALIFIED_0"), txs)
	}
}

// eosCounts runs the per-city count under exactly-once in two runs over
// 200 then 300 more records, with prepare called between the runs, and
// checks the last count per city is right over all 500.
func eosCounts(t *testing.T, serviceID string, prepare func(c *cluster, dir string)) {
	t.Helper()
	c := startCluster(t, serviceID, "mortgages", "per_city")
	c.svc = userConfig(t, c.b, broker.ServiceUser, serviceID, "ksql.streams.processing.guarantee", "exactly_once_v2")
	if err := c.b.CreateTopics(context.Background(), 2, "mortgages"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	produce(t, c.admin, "mortgages", 0, 200)
	r := startRunWith(t, c, countScript, dir)
	r.waitIn(t, 200)
	r.waitOut(t, 200)
	r.stop(t)
	if prepare != nil {
		prepare(c, dir)
	}
	produce(t, c.admin, "mortgages", 200, 500)
	r = startRunWith(t, c, countScript, dir)
	r.waitIn(t, 300)
	r.waitOut(t, 300)
	r.stop(t)

	want := cityCounts(500, func(i int) int { return i % 7 })
	if got := lastPerKey(t, c.admin, "per_city"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("last count per city %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "CTAS_PER_CITY_0.ckpt.pending")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a pending checkpoint is left: %v", err)
	}
}

// groupOffsets returns the committed offsets of a query's group.
func groupOffsets(t *testing.T, c *cluster, serviceID string) []executor.Offset {
	t.Helper()
	adm := kadm.NewClient(client(t, c.admin))
	offs, err := adm.FetchOffsets(context.Background(), kafka.ServiceGroup(serviceID, "CTAS_PER_CITY_0"))
	if err != nil {
		t.Fatal(err)
	}
	var out []executor.Offset
	offs.Each(func(o kadm.OffsetResponse) {
		out = append(out, executor.Offset{Topic: o.Topic, Partition: o.Partition, Next: o.At})
	})
	if len(out) == 0 {
		t.Fatal("the group committed no offset")
	}
	return out
}

func writePending(t *testing.T, dir string, offsets []executor.Offset, state []byte) {
	t.Helper()
	data, err := json.Marshal(struct {
		Offsets []executor.Offset `json:"offsets"`
		State   []byte            `json:"state"`
	}{offsets, state})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CTAS_PER_CITY_0.ckpt.pending"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestExactlyOnceStateful: a stateful query under exactly-once keeps its
// state across a restart, and resolves a pending checkpoint left by a
// crash by the group's committed offsets.
func TestExactlyOnceStateful(t *testing.T) {
	t.Run("restart", func(t *testing.T) { eosCounts(t, "eosc_", nil) })
	t.Run("pending of a transaction that did not commit", func(t *testing.T) {
		eosCounts(t, "eosa_", func(c *cluster, dir string) {
			offs := groupOffsets(t, c, "eosa_")
			for i := range offs {
				offs[i].Next += 50 // ahead of what the group committed
			}
			writePending(t, dir, offs, []byte("state of a batch whose transaction aborted"))
		})
	})
	t.Run("pending of a transaction that committed", func(t *testing.T) {
		eosCounts(t, "eosb_", func(c *cluster, dir string) {
			// The crash came between the commit and the rename: only the
			// pending checkpoint has the state.
			ckpt := filepath.Join(dir, "CTAS_PER_CITY_0.ckpt")
			state, err := os.ReadFile(ckpt)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(ckpt); err != nil {
				t.Fatal(err)
			}
			writePending(t, dir, groupOffsets(t, c, "eosb_"), state)
		})
	})
}
