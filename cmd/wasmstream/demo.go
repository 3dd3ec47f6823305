package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/engine/live"
	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// The demo's cast: its service id, topics and users.
const (
	demoServiceID = "demo_"

	topicClients    = "clients"
	topicMortgages  = "mortgages"
	topicSaturation = "saturation_events"
	topicQualified  = "QUALIFIED_CLIENTS"
	topicMalfunc    = "POSSIBLE_MALFUNCTION"
	topicLarge      = "LARGE_APPLICATIONS"

	// demoIngestUser produces the input topics and may do nothing else.
	demoIngestUser = "ingest"
	// demoAnalystUser may read the result topics, and not the raw client
	// data (credit scores) behind them.
	demoAnalystUser = "analyst"
)

// demoSources declares the demo's input topics. auto.offset.reset=earliest
// makes the queries read the clients table from its first record.
const demoSources = `
SET 'auto.offset.reset'='earliest';
CREATE TABLE clients (user_id INT PRIMARY KEY, name STRING, type STRING, credit_score INT)
  WITH (kafka_topic='clients', value_format='JSON');
CREATE STREAM mortgages (mortgage_id BIGINT KEY, client_id INT, city STRING, action STRING, amount INT)
  WITH (kafka_topic='mortgages', value_format='JSON');
CREATE STREAM saturation_events (device_id STRING KEY, saturation DOUBLE)
  WITH (kafka_topic='saturation_events', value_format='JSON');
`

// demoDrain is how long the queries and the results viewer go on after the
// generator stopped, so the last input shows up in the results.
const demoDrain = 2 * time.Second

// demoQuery is one of the demo's queries.
type demoQuery struct {
	name, topic, sql string
}

// demoQueries are the two seed queries, as the project's issue states them,
// after a stateless one that shows the pipeline at work on its own.
var demoQueries = []demoQuery{
	{"large_applications", topicLarge, `CREATE STREAM large_applications AS SELECT mortgage_id, client_id, city, amount FROM mortgages WHERE action = 'APPLY' AND amount > 400000;`},
	{"qualified_clients", topicQualified, `CREATE STREAM qualified_clients AS SELECT client_id, city, action FROM mortgages m LEFT JOIN clients c ON m.client_id = c.user_id WHERE c.type = 'Residential' AND c.credit_score > 750;`},
	{"possible_malfunction", topicMalfunc, `CREATE TABLE possible_malfunction AS SELECT device_id, count(*) FROM saturation_events WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY device_id HAVING count(*) > 3;`},
}

// runDemo implements `wasmstream demo`: the embedded secured broker, the
// security it enforces, both seed queries on a generated stream, and their
// results live, for --duration.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", time.Minute, "how long the demo runs before it stops by itself")
	stateDir := fs.String("state-dir", "", "keep the broker's certificates, passwords and data in `DIR` (default: a temporary directory, removed at the end)")
	rate := fs.Int("rate", 5, "client and mortgage records per second, roughly (devices report at their own pace)")
	verbose := fs.Bool("v", false, "log the engine's and broker's warnings")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wasmstream demo [--duration 60s] [--state-dir DIR]")
		fmt.Fprintln(stderr, "\nStarts the embedded secured Kafka broker, shows what it refuses, runs the two seed queries")
		fmt.Fprintln(stderr, "(qualified_clients: a stream-table join; possible_malfunction: a windowed aggregation)")
		fmt.Fprintln(stderr, "on a generated stream of clients, mortgages and device events, and prints their results live.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wasmstream demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *duration <= 0 || *rate <= 0 {
		fmt.Fprintln(stderr, "wasmstream demo: --duration and --rate must be positive")
		return 2
	}
	d := &demo{out: stdout, rate: *rate}
	d.logger = slog.New(slog.DiscardHandler)
	if *verbose {
		d.logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if err := d.run(ctx, *stateDir, *duration); err != nil {
		fmt.Fprintf(stderr, "wasmstream demo: %v\n", err)
		return 1
	}
	return 0
}

// demo is one run of the demo.
type demo struct {
	out    io.Writer
	mu     sync.Mutex // serializes lines on out
	logger *slog.Logger
	rate   int
	broker *broker.Broker
	start  time.Time

	produced struct{ clients, mortgages, events atomic.Int64 }
	// expected counts, per result topic, the results the generated input
	// calls for.
	expected map[string]*atomic.Int64
	names    sync.Map                 // client id (int32) -> name, for readable results
	groups   []string                 // the consumer groups of the running queries
	results  map[string]*atomic.Int64 // by output topic
}

// printf writes a line to the demo's output; lines from the generator, the
// queries' status and the results interleave whole.
func (d *demo) printf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.out, format, args...)
}

// lockedWriter serializes whole writes with the demo's other output.
type lockedWriter struct{ d *demo }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	return w.d.out.Write(p)
}

func (d *demo) run(ctx context.Context, stateDir string, duration time.Duration) error {
	d.start = time.Now()
	inMemory := stateDir == ""
	if inMemory {
		dir, err := os.MkdirTemp("", "wasmstream-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		stateDir = dir
	}

	// 1. The broker.
	d.printf("== 1. The embedded Kafka broker, secured ==\n")
	opts := broker.Options{
		StateDir:   stateDir,
		ServiceID:  demoServiceID,
		Prefixes:   servicePrefixes(demoServiceID),
		Topics:     []string{topicClients, topicMortgages, topicSaturation, topicLarge, topicQualified, topicMalfunc},
		Partitions: 1,
		InMemory:   inMemory,
		Logger:     d.logger,
		Users: []broker.User{
			{Name: demoIngestUser, ACLs: concat(
				broker.Allow("", kmsg.ACLResourceTypeTopic, topicClients, kmsg.ACLOperationWrite),
				broker.Allow("", kmsg.ACLResourceTypeTopic, topicMortgages, kmsg.ACLOperationWrite),
				broker.Allow("", kmsg.ACLResourceTypeTopic, topicSaturation, kmsg.ACLOperationWrite))},
			{Name: demoAnalystUser, ACLs: concat(
				broker.Allow("", kmsg.ACLResourceTypeTopic, topicLarge, kmsg.ACLOperationRead),
				broker.Allow("", kmsg.ACLResourceTypeTopic, topicQualified, kmsg.ACLOperationRead),
				broker.Allow("", kmsg.ACLResourceTypeTopic, topicMalfunc, kmsg.ACLOperationRead))},
		},
	}
	b, err := broker.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer b.Close()
	d.broker = b
	// One partition per topic keeps the demo's output in a readable order.
	if err := b.CreateTopics(ctx, 1, opts.Topics...); err != nil {
		return err
	}
	printBrokerInfo(lockedWriter{d}, b, opts)
	d.printf("  topics: %s\n", strings.Join(opts.Topics, ", "))
	if inMemory {
		d.printf("  (the state directory is temporary and removed when the demo ends; --state-dir DIR keeps it)\n")
	}

	// 2. Security at work.
	d.printf("\n== 2. Security at work ==\n")
	if err := d.showSecurity(ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}

	// 3. The queries.
	d.printf("\n== 3. The queries: a stateless one, then the two seed queries ==\n")
	svc, err := brokerClientConfig(b, broker.ServiceUser, map[string]string{
		"ksql.service.id":            demoServiceID,
		"wasmstream.status.interval": "10s",
		"wasmstream.startup.timeout": "10s",
	})
	if err != nil {
		return err
	}
	// The generator runs for the duration; the queries and the results
	// viewer a little longer (demoDrain), so the last input is processed
	// and shown. An interruption stops everything at once.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	genCtx, stopGen := context.WithTimeout(runCtx, duration)
	defer stopGen()
	var wg sync.WaitGroup
	defer wg.Wait() // before the broker closes (deferred earlier, so later)
	defer stop()

	running, closeQueries, err := d.startQueries(runCtx, svc, &wg)
	if err != nil {
		return err
	}
	defer closeQueries()

	// 4. Data in, results out.
	d.printf("\n== 4. Live: generated input and the queries' results (for %s) ==\n", duration)
	d.results = map[string]*atomic.Int64{}
	for _, q := range demoQueries {
		d.results[q.topic] = &atomic.Int64{}
	}
	d.expected = map[string]*atomic.Int64{topicLarge: {}, topicQualified: {}, topicMalfunc: {}}
	viewerReady := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := d.viewResults(runCtx, sync.OnceFunc(func() { close(viewerReady) })); err != nil && runCtx.Err() == nil {
			d.printf("results viewer stopped: %v\n", err)
		}
	}()
	<-viewerReady
	genDone := make(chan struct{})
	go func() {
		defer close(genDone)
		if err := d.generate(genCtx); err != nil && genCtx.Err() == nil {
			d.printf("generator stopped: %v\n", err)
		}
	}()
	<-genDone
	select {
	case <-ctx.Done():
	case <-time.After(demoDrain):
	}
	stop()
	wg.Wait()
	closeQueries()

	d.printf("\n== Summary ==\n")
	d.printf("  input: %d client changes, %d mortgage events, %d device saturation events\n",
		d.produced.clients.Load(), d.produced.mortgages.Load(), d.produced.events.Load())
	for _, q := range demoQueries {
		state := "not running"
		if running[q.name] {
			state = "ran"
		}
		exp := ""
		if n := d.expected[q.topic]; n != nil {
			exp = fmt.Sprintf(" (the input calls for %d)", n.Load())
		}
		d.printf("  %-21s %s: %d results%s\n", q.name, state, d.results[q.topic].Load(), exp)
	}
	if ctx.Err() != nil {
		d.printf("  interrupted\n")
	}
	return nil
}

func concat[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// securityCase is one client the broker must turn away.
type securityCase struct {
	title string
	user  string
	// edit changes the user's configuration (a wrong password, no SASL).
	edit  func(props map[string]string)
	needs kafka.Needs
	// check says whether err is the refusal the case is about.
	check func(err error) bool
}

// showSecurity demonstrates, as Confluent's security playbook does, that
// the broker refuses a client without credentials and a wrong password, and
// denies a principal without the ACL for a topic; each with the message
// wasmstream prints for it. Then it checks that the service principal has
// exactly what the queries need.
func (d *demo) showSecurity(ctx context.Context) error {
	cases := []securityCase{
		{
			title: "a client without credentials (TLS only, no SASL)",
			user:  broker.ServiceUser,
			edit: func(p map[string]string) {
				p["security.protocol"] = string(config.SSL)
				delete(p, "sasl.mechanism")
				delete(p, "sasl.jaas.config")
			},
			needs: kafka.Needs{ReadTopics: []string{topicMortgages}},
			check: func(err error) bool {
				var ae *kafka.AuthError
				return errors.As(err, &ae) && ae.Problem == kafka.NoCredentials
			},
		},
		{
			title: "user wasmstream with a wrong password",
			user:  broker.ServiceUser,
			edit: func(p map[string]string) {
				p["sasl.jaas.config"] = `org.apache.kafka.common.security.scram.ScramLoginModule required username="wasmstream" password="not-the-password";`
			},
			needs: kafka.Needs{ReadTopics: []string{topicMortgages}},
			check: func(err error) bool {
				var ae *kafka.AuthError
				return errors.As(err, &ae) && ae.Problem == kafka.WrongCredentials
			},
		},
		{
			title: "user analyst (may read the results only) reading the raw credit data in topic clients",
			user:  demoAnalystUser,
			needs: kafka.Needs{ReadTopics: []string{topicClients}},
			check: func(err error) bool {
				var ae *kafka.ACLError
				return errors.As(err, &ae) && ae.Resource == topicClients
			},
		},
	}
	for i, c := range cases {
		props, err := d.broker.ClientConfig(c.user)
		if err != nil {
			return err
		}
		props["wasmstream.startup.timeout"] = "5s"
		if c.edit != nil {
			c.edit(props)
		}
		cfg, _, err := config.Load(config.Options{Flags: props, Environ: []string{}})
		if err != nil {
			return fmt.Errorf("security case %d: %w", i+1, err)
		}
		d.printf("  %d. %s\n", i+1, c.title)
		err = kafka.Preflight(ctx, cfg, c.needs)
		switch {
		case err == nil:
			// The broker let it in: the demo says so loudly rather than
			// pretending.
			d.printf("     UNEXPECTEDLY ACCEPTED: the broker did not refuse this client\n")
		case c.check(err):
			d.printf("     refused: %s\n", indent(err.Error(), "       "))
		default:
			d.printf("     refused, but not for the expected reason: %s\n", indent(err.Error(), "       "))
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	// And the service principal gets in, with exactly what it needs.
	svc, err := brokerClientConfig(d.broker, broker.ServiceUser, map[string]string{"wasmstream.startup.timeout": "10s", "ksql.service.id": demoServiceID})
	if err != nil {
		return err
	}
	d.printf("  %d. user wasmstream with its own credentials, for what the queries need\n", len(cases)+1)
	needs := kafka.Needs{
		ReadTopics:  []string{topicClients, topicMortgages, topicSaturation},
		WriteTopics: []string{topicLarge, topicQualified, topicMalfunc},
		Groups:      []string{kafka.ServiceGroup(demoServiceID, "CSAS_QUALIFIED_CLIENTS_0")},
	}
	if err := kafka.Preflight(ctx, svc, needs); err != nil {
		d.printf("     FAILED: %s\n", indent(err.Error(), "       "))
		return nil
	}
	d.printf("     accepted: authenticated as User:wasmstream over %s; READ on the inputs, WRITE on the results, its consumer groups\n", d.broker.Protocol())
	return nil
}

// indent indents every line of s but the first.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

// startQueries declares the sources and starts each seed query on Kafka
// through engine/live. A query the engine cannot run (a feature not
// supported yet) is reported and skipped; the others run. It returns which
// queries run and a function that stops them (idempotent).
func (d *demo) startQueries(ctx context.Context, cfg *config.Config, wg *sync.WaitGroup) (map[string]bool, func(), error) {
	running := map[string]bool{}
	prod, err := kafka.NewProducer(cfg)
	if err != nil {
		return nil, nil, err
	}
	store := kafka.NewStore(prod)
	e, err := engine.New(ctx, engine.WithTopicStore(store), engine.WithServiceID(cfg.ServiceID), engine.WithLogger(d.logger), engine.WithConfig(cfg.Entries()))
	if err != nil {
		_ = prod.Close(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	var once sync.Once
	qctx, stopQueries := context.WithCancel(ctx)
	done := make(chan struct{})
	closeAll := func() {
		once.Do(func() {
			stopQueries()
			<-done
			cctx := context.WithoutCancel(ctx)
			_ = e.Close(cctx)
			_ = prod.Close(cctx)
		})
	}
	if err := e.Execute(ctx, demoSources); err != nil {
		close(done)
		closeAll()
		return nil, nil, fmt.Errorf("declaring the demo's sources: %w", err)
	}
	d.showConnection(e)
	for _, q := range demoQueries {
		d.printf("  %s\n", q.sql)
		if err := e.Execute(ctx, q.sql); err != nil {
			if engine.IsNotSupported(err) {
				d.printf("     cannot run yet: %s\n", indent(err.Error(), "       "))
			} else {
				d.printf("     failed: %s\n", indent(err.Error(), "       "))
			}
			continue
		}
		running[q.name] = true
		d.groups = append(d.groups, kafka.ServiceGroup(demoServiceID, lastQuery(e).ID()))
		d.printf("     running: reads %s, writes %s\n", strings.Join(lastQuery(e).SourceTopics(), ", "), lastQuery(e).SinkTopic())
	}
	if len(e.Queries()) == 0 {
		d.printf("  no query runs; the generator and the broker still do\n")
		close(done)
		return running, closeAll, nil
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		err := live.Run(qctx, e, live.Options{Config: cfg, Store: store, Status: lockedWriter{d}, Logger: d.logger})
		if err != nil {
			d.printf("queries stopped: %s\n", indent(err.Error(), "  "))
		}
	}()
	return running, closeAll, nil
}

// demoShownKeys are the SHOW PROPERTIES rows the demo prints: how the
// queries connect, and the secret that stays hidden.
var demoShownKeys = map[string]bool{
	"bootstrap.servers": true, "security.protocol": true, "sasl.mechanism": true,
	"sasl.jaas.config": true, "ssl.truststore.location": true, "ksql.service.id": true,
}

// showConnection prints how the queries connect: the connection rows of
// SHOW PROPERTIES, where the password inside sasl.jaas.config is [hidden].
func (d *demo) showConnection(e *engine.Engine) {
	var rows []engine.Property
	for _, p := range e.ShowProperties() {
		if demoShownKeys[p.Key] {
			rows = append(rows, p)
		}
	}
	var b strings.Builder
	_ = engine.WriteProperties(&b, rows) // a strings.Builder does not fail
	d.printf("  The queries connect as (from SHOW PROPERTIES; every secret [hidden]):\n")
	d.printf("    %s\n", indent(b.String(), "    "))
}

func lastQuery(e *engine.Engine) *engine.Query {
	qs := e.Queries()
	return qs[len(qs)-1]
}

// waitForQueries waits until every running query's consumer group has its
// partitions assigned (the group is Stable), plus a moment for the first
// fetch, or 10 seconds at most.
//
// Why: engine/live processes a fetched batch partition by partition, not in
// timestamp order across partitions as Kafka Streams does, so a first batch
// holding both the client table and mortgages could join mortgages against
// a table not loaded yet. Starting the mortgages once the join has read the
// table makes the demo's results the ones the input calls for.
func (d *demo) waitForQueries(ctx context.Context) error {
	if len(d.groups) == 0 {
		return nil
	}
	cfg, err := brokerClientConfig(d.broker, broker.AdminUser, nil)
	if err != nil {
		return err
	}
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		groups, err := adm.DescribeGroups(wctx, d.groups...)
		stable := err == nil && len(groups) == len(d.groups)
		for _, g := range groups {
			stable = stable && g.Err == nil && g.State == "Stable" && len(g.Members) > 0
		}
		if stable {
			break
		}
		select {
		case <-wctx.Done():
			// Go on regardless: the demo runs, some early results may
			// be missing.
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
	select {
	case <-ctx.Done():
	case <-time.After(500 * time.Millisecond):
	}
	return nil
}

// demoClient is a client of the clients table.
type demoClient struct {
	ID          int32  `json:"-"`
	Name        string `json:"NAME"`
	Type        string `json:"TYPE"`
	CreditScore int    `json:"CREDIT_SCORE"`
}

var (
	demoNames  = []string{"Ana Silva", "Ben Okafor", "Chen Wei", "Dara Nolan", "Elif Yilmaz", "Femi Adeyemi", "Greta Berg", "Hiro Tanaka", "Ines Duarte", "Jonas Weber", "Kofi Mensah", "Lena Novak", "Marco Rossi", "Nora Haddad", "Omar Farouk", "Priya Nair"}
	demoCities = []string{"Lisbon", "Porto", "Madrid", "Lyon", "Berlin", "Dublin", "Milan", "Krakow"}
	demoAction = []string{"APPLY", "APPLY", "REFINANCE", "INQUIRE", "PAYOFF"}
)

// generate produces a realistic stream as the ingest user: the clients
// table first (residential and commercial clients, credit scores around the
// 750 threshold), then mortgage events, device saturation events (two
// devices misbehave: more than 3 events per 5 seconds), credit score
// changes now and then, and one client deleted.
func (d *demo) generate(ctx context.Context) error {
	cfg, err := brokerClientConfig(d.broker, demoIngestUser, map[string]string{"linger.ms": "5"})
	if err != nil {
		return err
	}
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		return err
	}
	opts = append(opts, kafka.ProducerOpts(cfg)...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	var firstErr atomic.Value
	// perWindow counts the acknowledged saturation events per device and
	// 5-second window: every event past the third in a window is one
	// result of possible_malfunction (EMIT CHANGES emits each new count).
	var windowMu sync.Mutex
	perWindow := map[string]int{}
	produce := func(topic string, key, value []byte, counts ...*atomic.Int64) {
		rec := &kgo.Record{Topic: topic, Key: key, Value: value, Timestamp: time.Now()}
		cl.Produce(ctx, rec, func(r *kgo.Record, err error) {
			if err != nil {
				if ctx.Err() == nil {
					firstErr.CompareAndSwap(nil, kafka.Explain(err, cfg, kafka.Topic(topic, kmsg.ACLOperationWrite)))
				}
				return
			}
			for _, n := range counts {
				n.Add(1)
			}
			if topic == topicSaturation {
				w := fmt.Sprintf("%s@%d", key, r.Timestamp.UnixMilli()/5000)
				windowMu.Lock()
				perWindow[w]++
				over := perWindow[w] > 3
				windowMu.Unlock()
				if over {
					d.expected[topicMalfunc].Add(1)
				}
			}
		})
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	clients := make([]demoClient, len(demoNames))
	for i, name := range demoNames {
		c := demoClient{ID: int32(i + 1), Name: name, Type: "Residential", CreditScore: 640 + rng.IntN(200)}
		if i%4 == 3 {
			c.Type = "Commercial"
		}
		clients[i] = c
		d.names.Store(c.ID, c.Name)
		produce(topicClients, intKey(c.ID), mustJSON(c), &d.produced.clients)
	}
	d.printf("input  %d clients (residential and commercial, credit scores 640-839)\n", len(clients))
	if err := cl.Flush(ctx); err != nil {
		return nil // interrupted
	}
	// Devices report saturation events at their own pace, from now on: a
	// healthy one about once per 5-second window (now and then more than
	// 3: a false alarm, as in real life), a faulty one several times a
	// second.
	var devices sync.WaitGroup
	devCtx, stopDevices := context.WithCancel(ctx)
	devices.Add(1)
	go func() {
		defer devices.Done()
		d.generateDevices(devCtx, produce)
	}()
	defer func() { stopDevices(); devices.Wait() }()

	// The bank's client table is in place before the first mortgage, and
	// the queries have started reading it.
	if err := d.waitForQueries(ctx); err != nil {
		return err
	}
	deleted := int32(0)
	tick := time.NewTicker(time.Second / time.Duration(d.rate))
	defer tick.Stop()
	var mortgageID int64 = 1000
	for i := 0; ; {
		select {
		case <-ctx.Done():
			devices.Wait()
			flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = cl.Flush(flushCtx)
			cancel()
			return nil
		case <-tick.C:
			i++
		}
		if err, _ := firstErr.Load().(error); err != nil {
			return err
		}
		switch {
		case i == 5*d.rate && deleted == 0: // one client leaves, after 5 s
			// Preferably a qualifying client, so the results show it.
			c := clients[rng.IntN(len(clients))]
			for _, q := range clients {
				if q.Type == "Residential" && q.CreditScore > 750 {
					c = q
					break
				}
			}
			deleted = c.ID
			produce(topicClients, intKey(c.ID), nil, &d.produced.clients)
			d.printf("input  client %d (%s) deleted (tombstone): their mortgages no longer qualify\n", c.ID, c.Name)
		case i%20 == 0 && rng.IntN(2) == 0: // a credit score changes
			c := &clients[rng.IntN(len(clients))]
			if c.ID == deleted {
				continue
			}
			old := c.CreditScore
			c.CreditScore = min(850, max(300, old+rng.IntN(121)-60))
			produce(topicClients, intKey(c.ID), mustJSON(c), &d.produced.clients)
			note := ""
			if c.Type == "Residential" && (old > 750) != (c.CreditScore > 750) {
				note = map[bool]string{true: ": now qualifies", false: ": no longer qualifies"}[c.CreditScore > 750]
			}
			d.printf("input  client %d (%s, %s) credit score %d -> %d%s\n", c.ID, c.Name, c.Type, old, c.CreditScore, note)
		default: // a mortgage event, sometimes for an unknown client
			mortgageID++
			client := int32(1 + rng.IntN(len(clients)+2))
			action, amount := demoAction[rng.IntN(len(demoAction))], 50_000+5000*rng.IntN(100)
			m := map[string]any{"CLIENT_ID": client, "CITY": demoCities[rng.IntN(len(demoCities))], "ACTION": action, "AMOUNT": amount}
			counts := []*atomic.Int64{&d.produced.mortgages}
			if action == "APPLY" && amount > 400000 {
				counts = append(counts, d.expected[topicLarge])
			}
			if int(client) <= len(clients) && client != deleted {
				if c := clients[client-1]; c.Type == "Residential" && c.CreditScore > 750 {
					counts = append(counts, d.expected[topicQualified])
				}
			}
			produce(topicMortgages, bigintKey(mortgageID), mustJSON(m), counts...)
		}
	}
}

// generateDevices produces saturation events until ctx ends: the faulty
// devices valve-03 and fan-06 three times a second, the others about once
// per 5-second window.
func (d *demo) generateDevices(ctx context.Context, produce func(topic string, key, value []byte, counts ...*atomic.Int64)) {
	devices := []string{"pump-01", "pump-02", "valve-03", "valve-04", "fan-05", "fan-06"}
	perSecond := map[string]float64{"valve-03": 3, "fan-06": 3}
	const healthyPerSecond = 0.2
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, dev := range devices {
			rate, faulty := perSecond[dev]
			if !faulty {
				rate = healthyPerSecond
			}
			if rng.Float64() >= rate/10 {
				continue
			}
			sat := 40 + rng.Float64()*40
			if faulty {
				sat = 92 + rng.Float64()*8
			}
			produce(topicSaturation, []byte(dev), mustJSON(map[string]any{"SATURATION": round1(sat)}), &d.produced.events)
		}
	}
}

func intKey(v int32) []byte    { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func bigintKey(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }
func round1(f float64) float64 { return float64(int(f*10)) / 10 }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only the demo's own plain values are marshalled
	}
	return b
}

// viewResults consumes the result topics as the analyst user (who may read
// nothing else) and prints every record readably. It calls ready (which
// must be idempotent) once its client is set up, or when it fails.
func (d *demo) viewResults(ctx context.Context, ready func()) error {
	defer ready()
	cfg, err := brokerClientConfig(d.broker, demoAnalystUser, nil)
	if err != nil {
		return err
	}
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		return err
	}
	opts = append(opts,
		kgo.ConsumeTopics(topicLarge, topicQualified, topicMalfunc),
		// Results of this run only (a kept --state-dir holds older ones).
		kgo.ConsumeResetOffset(kgo.NewOffset().AfterMilli(d.start.UnixMilli())),
		kgo.FetchMaxWait(200*time.Millisecond),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ready()
	updates := map[string]int{} // results per windowed key of POSSIBLE_MALFUNCTION
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil || fs.IsClientClosed() {
			return nil
		}
		for _, fe := range fs.Errors() {
			return kafka.Explain(fe.Err, cfg, kafka.Topic(fe.Topic, kmsg.ACLOperationRead))
		}
		fs.EachRecord(func(r *kgo.Record) {
			if n := d.results[r.Topic]; n != nil {
				n.Add(1)
			}
			if r.Topic == topicMalfunc && r.Value != nil {
				// The windowed table emits every new count; show a
				// window's first alarm and then every fifth count.
				k := string(r.Key)
				updates[k]++
				if n := updates[k]; n > 1 && n%5 != 0 {
					return
				}
			}
			d.printf("%s\n", d.formatResult(r))
		})
	}
}

// formatResult prints a result record as one readable line.
func (d *demo) formatResult(r *kgo.Record) string {
	ts := r.Timestamp.Format("15:04:05.000")
	var v map[string]any
	_ = json.Unmarshal(r.Value, &v)
	switch r.Topic {
	case topicLarge:
		return fmt.Sprintf("result %s large_applications    mortgage %v: client %v applies for %v in %v",
			ts, formatKey(r.Key), v["CLIENT_ID"], v["AMOUNT"], v["CITY"])
	case topicQualified:
		if v == nil {
			return fmt.Sprintf("result %s qualified_clients     client %s: (deleted)", ts, formatKey(r.Key))
		}
		who := formatKey(r.Key)
		if len(r.Key) == 4 {
			if name, ok := d.names.Load(int32(binary.BigEndian.Uint32(r.Key))); ok {
				who += " (" + name.(string) + ")"
			}
		}
		return fmt.Sprintf("result %s qualified_clients     client %s in %v: %v (residential, credit score > 750)",
			ts, who, v["CITY"], v["ACTION"])
	case topicMalfunc:
		dev, win := windowedKey(r.Key)
		if v == nil {
			return fmt.Sprintf("result %s possible_malfunction  device %s window %s: below the threshold again", ts, dev, win)
		}
		return fmt.Sprintf("result %s possible_malfunction  device %s window %s: %v saturation events (> 3 in 5 s)",
			ts, dev, win, v["KSQL_COL_0"])
	}
	return fmt.Sprintf("result %s %s %s %s", ts, r.Topic, formatKey(r.Key), r.Value)
}

// formatKey prints a KAFKA-format key: an INT or BIGINT (4 or 8 bytes,
// big-endian) as a number, text as itself, anything else in hex.
func formatKey(k []byte) string {
	switch {
	case k == nil:
		return "(null)"
	case len(k) == 4:
		return fmt.Sprint(int32(binary.BigEndian.Uint32(k)))
	case len(k) == 8:
		return fmt.Sprint(int64(binary.BigEndian.Uint64(k)))
	case utf8.Valid(k):
		return string(k)
	}
	return fmt.Sprintf("%x", k)
}

// textKey prints a STRING key, or formatKey's rendering when it is not
// text.
func textKey(k []byte) string {
	if utf8.Valid(k) && !strings.ContainsFunc(string(k), func(r rune) bool { return !unicode.IsPrint(r) }) {
		return string(k)
	}
	return formatKey(k)
}

// windowedKey splits a time-windowed KAFKA key (the key, then the window
// start in milliseconds as 8 big-endian bytes) into the key and the
// window's start and end for a 5-second tumbling window.
func windowedKey(k []byte) (string, string) {
	if len(k) <= 8 {
		return formatKey(k), "?"
	}
	start := time.UnixMilli(int64(binary.BigEndian.Uint64(k[len(k)-8:])))
	return textKey(k[:len(k)-8]), start.Format("15:04:05") + "-" + start.Add(5*time.Second).Format("15:04:05")
}
