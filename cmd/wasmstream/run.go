package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/engine/live"
	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// runRun implements `wasmstream run [flags] QUERIES.sql...`: it runs the
// scripts' persistent queries on Kafka until interrupted. With no
// bootstrap.servers configured it starts the embedded secured broker and
// connects to it as the least-privilege wasmstream user.
//
// The scripts are first run on an in-memory engine: a mistake in the SQL
// stops start-up before anything connects, and the topics and groups the
// queries need are known for the embedded broker's ACLs and the preflight
// check of a real cluster's.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	cf.register(fs)
	var rf runFlags
	rf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wasmstream run [--config FILE] [--set KEY=VALUE]... QUERIES.sql|MODULE.wasm...")
		fmt.Fprintln(stderr, "\nRuns the persistent queries of ksqlDB scripts, or of modules compiled by sql2wasm, on Kafka")
		fmt.Fprintln(stderr, "until interrupted. Ctrl-C stops cleanly: the current batch is finished, its outputs")
		fmt.Fprintln(stderr, "acknowledged, its offsets committed. Without bootstrap.servers it starts the embedded")
		fmt.Fprintln(stderr, "secured broker (in DIR/broker of --state-dir). A status line per query every")
		fmt.Fprintln(stderr, "wasmstream.status.interval. Details: docs/run.md.")
		fs.PrintDefaults()
	}
	// Flags may come after the files too (run q.sql --state-dir D).
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "wasmstream run: no script given (want QUERIES.sql or MODULE.wasm...)")
		return 2
	}
	if err := rf.configure(fs, &cf); err != nil {
		fmt.Fprintf(stderr, "wasmstream run: %v\n", err)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "wasmstream run: %v\n", err)
		return 1
	}
	scripts, err := readScripts(files)
	if err != nil {
		return fail(err)
	}
	logLevel := slog.LevelError
	if rf.verbose {
		logLevel = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel}))

	cfg, err := cf.load("run", nil, stderr)
	if err != nil {
		return fail(err)
	}
	plan, err := planScripts(ctx, scripts, cfg.ServiceID)
	if err != nil {
		return fail(err)
	}
	if len(cfg.BootstrapServers) == 0 {
		opts := broker.Options{
			StateDir:  embeddedBrokerDir(cfg.StateDir),
			Listen:    rf.listen,
			ServiceID: cfg.ServiceID,
			// The groups and internal topics of the queries are named
			// _confluent-ksql-<service id>...: the service user owns both
			// prefixes.
			Prefixes: []string{cfg.ServiceID, "_confluent-ksql-" + cfg.ServiceID},
			Topics:   plan.userTopics(cfg.ServiceID),
		}
		if rf.verbose {
			opts.Logger = logger
		}
		b, err := broker.Start(ctx, opts)
		if errors.Is(err, syscall.EADDRINUSE) {
			return fail(fmt.Errorf("%w\n(no bootstrap.servers is configured, so run starts the embedded broker; if `wasmstream broker` is already running, connect to it instead: --config %s)",
				err, filepath.Join(opts.StateDir, "client-"+broker.ServiceUser+".properties")))
		}
		if err != nil {
			return fail(err)
		}
		defer b.Close()
		props, err := b.ClientConfig(broker.ServiceUser)
		if err != nil {
			return fail(err)
		}
		if cfg, err = cf.load("run", props, io.Discard); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Embedded Kafka broker at %s (%s); connecting as %s. Client files: %s\n",
			strings.Join(b.Addrs(), ","), b.Protocol(), broker.ServiceUser, opts.StateDir)
	}
	if g := cfg.Processing.ProcessingGuarantee; g.Set && strings.HasPrefix(g.Value, "exactly_once") {
		// Each exactly-once query's transactional id is its group's name.
		plan.needs.TransactionalIDs = plan.needs.Groups
	}
	if err := kafka.Preflight(ctx, cfg, plan.needs); err != nil {
		return fail(err)
	}
	prod, err := kafka.NewProducer(cfg)
	if err != nil {
		return fail(kafka.Explain(err, cfg))
	}
	store := kafka.NewStore(prod)
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), live.DefaultStopTimeout)
		defer cancel()
		_ = store.Close(sctx)
	}()
	// Records a query cannot process are logged (as ksqlDB's processing
	// log does) and counted in the status line.
	counts := live.NewCountingLog(executor.NewSlogProcessingLog(slog.New(slog.NewTextHandler(stderr, nil))))
	e, err := engine.New(ctx,
		engine.WithTopicStore(store),
		engine.WithServiceID(cfg.ServiceID),
		engine.WithProcessingLog(counts),
		engine.WithLogger(logger),
		engine.WithConfig(cfg.Entries()),
		engine.WithOutput(stdout),
	)
	if err != nil {
		return fail(err)
	}
	defer e.Close(context.WithoutCancel(ctx))
	for _, s := range scripts {
		if err := s.apply(ctx, e); err != nil {
			return fail(err)
		}
	}
	// INSERT ... VALUES in the scripts must be delivered before the
	// queries start: a failure there is a start-up failure.
	if err := prod.Flush(ctx); err != nil {
		return fail(err)
	}
	guarantee := "at-least-once"
	if len(plan.needs.TransactionalIDs) > 0 {
		guarantee = "exactly-once"
	}
	for _, q := range e.Queries() {
		fmt.Fprintf(stdout, "Query %s: %s -> %s (consumer group %s, %s)\n", q.ID(),
			strings.Join(q.SourceTopics(), ","), q.SinkTopic(), kafka.ServiceGroup(cfg.ServiceID, q.ID()), guarantee)
	}
	err = live.Run(ctx, e, liveOptions(cfg, store, stdout, counts, logger, rf.verbose))
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(stdout, "wasmstream run: stopped")
	return 0
}

// runFlags are run's flags besides the configuration's (configFlags).
type runFlags struct {
	listen  string
	verbose bool
	// idle is --emit-final-idle, a shorthand for
	// wasmstream.emit.final.idle.ms (see configure).
	idle time.Duration
}

// emitFinalIdleKey is the configuration key --emit-final-idle sets.
const emitFinalIdleKey = "wasmstream.emit.final.idle.ms"

// register adds the flags to fs.
func (r *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.listen, "broker-listen", DefaultBrokerListen, "`ADDR` the embedded broker listens on, when no bootstrap.servers is configured (port 0 picks a free one)")
	fs.BoolVar(&r.verbose, "v", false, "log the Kafka clients' and the broker's messages")
	fs.DurationVar(&r.idle, "emit-final-idle", 0, "close EMIT FINAL windows after the input has been quiet this long (stream time then follows the wall clock); overrides "+emitFinalIdleKey+", whose default 0 waits for a later record as ksqlDB does")
}

// configure passes the flags that stand for configuration keys to cf, once
// fs is parsed. --emit-final-idle, when given (0 included), becomes a
// flag-layer value of wasmstream.emit.final.idle.ms: it wins over the file,
// the environment and --set, and SHOW PROPERTIES shows the value in effect.
func (r *runFlags) configure(fs *flag.FlagSet, cf *configFlags) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "emit-final-idle" })
	if !given {
		return nil
	}
	if r.idle < 0 {
		return fmt.Errorf("--emit-final-idle %s: must not be negative", r.idle)
	}
	// The key is whole milliseconds; a positive duration below one stays
	// on (1ms) rather than turning the feature off.
	ms := (r.idle + time.Millisecond - 1) / time.Millisecond
	cf.set = append(cf.set, [2]string{emitFinalIdleKey, strconv.FormatInt(int64(ms), 10)})
	return nil
}

// liveOptions builds the options of live.Run from the effective
// configuration: the checkpoint directory under wasmstream.state.dir and
// ksql.service.id, EMIT FINAL's idle close from
// wasmstream.emit.final.idle.ms (which --emit-final-idle overrides), and
// with verbose the Kafka clients' log.
func liveOptions(cfg *config.Config, store *kafka.Store, status io.Writer, counts *live.CountingLog, logger *slog.Logger, verbose bool) live.Options {
	opts := live.Options{Config: cfg, Store: store, Status: status, Counts: counts, Logger: logger,
		CheckpointDir: filepath.Join(cfg.StateDir, "checkpoints", cfg.ServiceID), EmitFinalIdle: cfg.EmitFinalIdle}
	if verbose {
		opts.ClientOpts = append(opts.ClientOpts, kgo.WithLogger(kafka.Logger(logger, kgo.LogLevelInfo)))
	}
	return opts
}

// script is a SQL script or a compiled module (wasm set), in the order
// given on the command line.
type script struct {
	name, text string
	wasm       []byte
}

func readScripts(paths []string) ([]script, error) {
	var out []script
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(filepath.Ext(p), ".wasm") {
			out = append(out, script{name: p, wasm: data})
		} else {
			out = append(out, script{name: p, text: string(data)})
		}
	}
	return out, nil
}

// apply runs a script's statements, or starts a module's query.
func (s script) apply(ctx context.Context, e *engine.Engine) error {
	var err error
	if s.wasm != nil {
		_, err = e.StartModule(ctx, s.wasm)
	} else {
		err = e.Execute(ctx, s.text)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return nil
}

// runPlan is what the scripts will do on the cluster.
type runPlan struct {
	needs kafka.Needs
	// topics are every topic the scripts name.
	topics []string
}

// userTopics are the topics outside the service id's prefix, which the
// embedded broker must grant the service user explicitly.
func (p runPlan) userTopics(serviceID string) []string {
	var out []string
	for _, t := range p.topics {
		if !strings.HasPrefix(t, serviceID) {
			out = append(out, t)
		}
	}
	return out
}

// planScripts runs the scripts on an in-memory engine that creates missing
// topics, to check them and to learn the topics and groups they use.
func planScripts(ctx context.Context, scripts []script, serviceID string) (runPlan, error) {
	e, err := engine.New(ctx, engine.WithAutoCreateTopics(), engine.WithServiceID(serviceID),
		engine.WithProcessingLog(executor.NewSlogProcessingLog(slog.New(slog.DiscardHandler))), engine.WithOutput(io.Discard))
	if err != nil {
		return runPlan{}, err
	}
	defer e.Close(ctx)
	for _, s := range scripts {
		if err := s.apply(ctx, e); err != nil {
			return runPlan{}, err
		}
	}
	var p runPlan
	all, read, write, create := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range e.Sources() {
		all[s.Topic] = true
		if s.Partitions > 0 {
			create[s.Topic] = true // CREATE ... WITH (PARTITIONS=n) creates it when missing
		}
	}
	for _, q := range e.Queries() {
		for _, t := range q.SourceTopics() {
			all[t] = true
			if !create[t] {
				read[t] = true
			}
		}
		all[q.SinkTopic()] = true
		write[q.SinkTopic()] = true
		create[q.SinkTopic()] = true
		for _, t := range q.InternalTopics() {
			// The query creates, writes and reads back its repartition
			// topic (under the service id's prefix).
			all[t], create[t], write[t] = true, true, true
		}
		p.needs.Groups = append(p.needs.Groups, kafka.ServiceGroup(serviceID, q.ID()))
	}
	if len(e.Queries()) == 0 {
		return p, errors.New("the scripts start no persistent query (CREATE STREAM ... AS SELECT, INSERT INTO ... SELECT)")
	}
	p.topics = keys(all)
	p.needs.ReadTopics, p.needs.WriteTopics, p.needs.CreateTopics = keys(read), keys(write), keys(create)
	return p, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
