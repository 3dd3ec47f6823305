// Package engine runs a ksqlDB script statement by statement: each statement
// is checked and compiled by sql2wasm, then carried out on the host: CREATE
// registers a source, CREATE ... AS SELECT and INSERT INTO ... SELECT start a
// persistent query on the executor, INSERT ... VALUES produces a record, DROP
// removes a source, SET and UNSET change session properties.
//
// The engine is deterministic: queries do not run in the background. A
// caller moves records through them, either all at once with Pump, or one
// query at a time with Query.Process (as `wasmstream test` does to reproduce
// the order in which ksqlDB's test runner feeds its queries).
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/runtime"
	"github.com/wasmstream/wasmstream/sdk"
)

// Option configures an Engine.
type Option func(*config)

type config struct {
	props  map[string]string
	topics *executor.MemoryTopics
	store  TopicStore // set by WithTopicStore (topics is nil then)
	log    executor.ProcessingLog
	clock  func() time.Time
	rt     *runtime.Runtime
	logger *slog.Logger
	create bool
	show   *showConfig // WithConfig, WithOutput (show.go)
	// serviceID is ksql.service.id (WithServiceID, repartition.go).
	serviceID string
}

// WithProperties sets the initial session properties (ksqlDB's "ksql.*"
// configuration, as SET would).
func WithProperties(p map[string]string) Option {
	return func(c *config) {
		for k, v := range p {
			c.props[k] = v
		}
	}
}

// WithTopics makes the engine use the given topic store (default: a new,
// empty one).
func WithTopics(t *executor.MemoryTopics) Option {
	return func(c *config) { c.topics, c.store = t, nil }
}

// WithProcessingLog sends processing-log entries to l (default: a
// SlogProcessingLog on the engine's logger).
func WithProcessingLog(l executor.ProcessingLog) Option { return func(c *config) { c.log = l } }

// WithClock sets the clock INSERT ... VALUES uses when the statement gives no
// ROWTIME (default: the wall clock, as ksqlDB).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithRuntime makes the engine use a shared runtime, which it does not close
// (default: its own, closed by Close).
func WithRuntime(rt *runtime.Runtime) Option { return func(c *config) { c.rt = rt } }

// WithAutoCreateTopics makes CREATE STREAM/TABLE create a missing topic
// (with PARTITIONS, default 1) instead of failing, as ksqlDB's test runner
// effectively does: it creates every topic its statements name before
// running them.
func WithAutoCreateTopics() Option { return func(c *config) { c.create = true } }

// WithLogger sets the logger for the engine's own messages.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// Engine executes statements against one catalog and one topic store.
// It is not safe for concurrent use.
type Engine struct {
	cfg     config
	comp    *compiler
	rt      *runtime.Runtime
	ownRT   bool
	topics  TopicStore
	mem     *executor.MemoryTopics // nil unless the store is in memory (Pump needs it)
	queries []*Query
	// declared lists source names in the order they were created, so that
	// the first source on a topic is well defined.
	declared []string
}

// New returns an engine with an empty catalog.
func New(ctx context.Context, opts ...Option) (*Engine, error) {
	cfg := config{props: map[string]string{}, clock: time.Now, logger: slog.Default(), serviceID: DefaultServiceID}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.topics == nil && cfg.store == nil {
		cfg.topics = executor.NewMemoryTopics()
	}
	if cfg.log == nil {
		cfg.log = executor.NewSlogProcessingLog(cfg.logger)
	}
	e := &Engine{cfg: cfg, comp: newCompiler(cfg.props), topics: cfg.store, mem: cfg.topics, rt: cfg.rt}
	if e.mem != nil {
		e.topics = MemoryStore(e.mem)
	}
	if e.rt == nil {
		rt, err := runtime.New(ctx, runtime.NewConfig())
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		e.rt, e.ownRT = rt, true
	}
	return e, nil
}

// Topics returns the engine's in-memory topic store, or nil when it runs on
// another TopicStore (WithTopicStore).
func (e *Engine) Topics() *executor.MemoryTopics { return e.mem }

// TopicStore returns the store the engine's topics live in.
func (e *Engine) TopicStore() TopicStore { return e.topics }

// Close stops every query and releases the modules (and the runtime, unless
// it was given with WithRuntime).
func (e *Engine) Close(ctx context.Context) error {
	var errs []error
	for _, q := range e.queries {
		errs = append(errs, q.close(ctx))
	}
	e.queries = nil
	if e.ownRT {
		errs = append(errs, e.rt.Close(ctx))
	}
	return errors.Join(errs...)
}

// ErrNotSupported is wrapped by errors about features wasmstream does not
// support yet (see IsNotSupported).
var ErrNotSupported = executor.ErrNotSupported

// IsNotSupported reports whether err is about a feature that is not
// supported yet (rather than an error in the statement or the data).
func IsNotSupported(err error) bool {
	return err != nil && (errors.Is(err, ErrNotSupported) || strings.Contains(err.Error(), "not supported yet"))
}

// Execute parses src (one or more statements) and executes the statements
// in order. It stops at the first statement that fails; the statements
// before it stay executed.
func (e *Engine) Execute(ctx context.Context, src string) error {
	stmts, err := parse(src)
	if err != nil {
		return err
	}
	for i, p := range stmts {
		if err := e.execute(ctx, p, src); err != nil {
			if len(stmts) > 1 {
				return fmt.Errorf("statement %d: %w", i+1, err)
			}
			return err
		}
	}
	return nil
}

func (e *Engine) execute(ctx context.Context, p parsedStmt, src string) error {
	if done, err := e.show(p); done {
		return err
	}
	c, err := e.comp.compile(p, src)
	if err != nil {
		return err
	}
	switch c.kind {
	case kindCreateSource:
		if err := e.ensureTopic(c.source, nil); err != nil {
			return err
		}
		e.declare(c.source.Name)
	case kindQuery:
		if err := e.startQuery(ctx, c); err != nil {
			return err
		}
		if c.manifest.Kind != "INSERT" {
			e.declare(c.source.Name)
		}
	case kindInsertValues:
		if err := e.insertValues(ctx, c); err != nil {
			return err
		}
	case kindDropSource:
		e.terminate(ctx, c.terminated)
		if c.dropped != "" {
			if c.deleteTopc {
				if src, ok := e.comp.lookup(c.dropped); ok {
					_ = e.topics.DeleteTopic(src.Topic)
				}
			}
			e.undeclare(c.dropped)
		}
	case kindTerminate:
		e.terminate(ctx, c.terminated)
	}
	e.comp.commit(c)
	return nil
}

// ensureTopic checks that a source's topic exists, creating it when the
// statement gave PARTITIONS (or, for a sink, with the partitions of its
// first source's topic), as ksqlDB does.
func (e *Engine) ensureTopic(src *sdk.Source, from *sdk.Source) error {
	if e.topics.HasTopic(src.Topic) {
		return nil
	}
	n := src.Partitions
	if n <= 0 && from != nil {
		n = e.topics.Partitions(from.Topic)
	}
	if n <= 0 {
		if from == nil && !e.cfg.create {
			return fmt.Errorf("Kafka topic does not exist: %s", src.Topic)
		}
		n = 1
	}
	return e.topics.CreateTopic(src.Topic, n, src.Replicas)
}

func (e *Engine) declare(name string) {
	e.undeclare(name)
	e.declared = append(e.declared, name)
}

func (e *Engine) undeclare(name string) {
	for i, n := range e.declared {
		if n == name {
			e.declared = append(e.declared[:i], e.declared[i+1:]...)
			return
		}
	}
}

// startQuery loads a persistent query's module and registers the query.
func (e *Engine) startQuery(ctx context.Context, c *compiled) error {
	if err := e.checkCopartitioned(c.manifest); err != nil {
		return err
	}
	mod, err := e.rt.Load(ctx, c.module)
	if err != nil {
		return err
	}
	man := mod.Manifest()
	rt, err := e.repartitionTopic(man)
	if err != nil {
		return errors.Join(err, mod.Close(ctx))
	}
	single := !e.copartitioned(man)
	if single {
		e.cfg.logger.Warn("the join's sources have different partition counts: the query runs as one task over all their partitions (in one instance)", "query", man.QueryID)
	}
	exec, err := executor.NewQuery(executor.QueryConfig{
		Manifest:    man,
		Instances:   executor.ModuleInstances{Module: mod},
		Sink:        e.topics,
		Log:         e.cfg.log,
		Filtered:    c.filtered,
		Repartition: rt,
		SingleTask:  single,
	})
	if err != nil {
		return errors.Join(err, mod.Close(ctx))
	}
	var from *sdk.Source
	if len(man.Sources) > 0 {
		from = &man.Sources[0]
	}
	if err := e.ensureTopic(&man.Sink, from); err != nil {
		return errors.Join(err, exec.Close(ctx), mod.Close(ctx))
	}
	q := &Query{id: man.QueryID, sql: c.sql, man: man, mod: mod, exec: exec, offsets: map[tp]int64{}, repartition: rt.Name, mem: e.mem}
	for i, old := range e.queries {
		if old.id == q.id {
			// CREATE OR REPLACE keeps one query per id, in its place.
			_ = old.close(ctx)
			e.queries[i] = q
			return nil
		}
	}
	e.queries = append(e.queries, q)
	return nil
}

// checkCopartitioned refuses, with ksqlDB's message, a join of two declared
// sources whose topics have different partition counts: ksqlDB joins
// partition p of one side with partition p of the other, which only works
// when both sides are partitioned alike (here too: a task per partition). As in ksqlDB's tests, foreign-key joins (which repartition)
// and sources written by persistent queries are not checked (joins.json,
// "table join pipeline", joins a 4-partition sink with a 1-partition
// table).
func (e *Engine) checkCopartitioned(man *sdk.Manifest) error {
	if man == nil || man.Pipeline.Operator == nil || man.Pipeline.Operator.Join == nil {
		return nil
	}
	j := man.Pipeline.Operator.Join
	in := man.Pipeline.Inputs
	if j.ForeignKey || j.Left < 0 || j.Left >= len(in) || j.Right < 0 || j.Right >= len(in) {
		return nil // Validate reports bad indexes
	}
	l, r := &man.Sources[in[j.Left].Source], &man.Sources[in[j.Right].Source]
	if !l.Declared || !r.Declared {
		return nil
	}
	lp, rp := e.topics.Partitions(l.Topic), e.topics.Partitions(r.Topic)
	if lp > 0 && rp > 0 && lp != rp {
		return fmt.Errorf("Can't join `%s` with `%s` since the number of partitions don't match. `%s` partitions = %d; `%s` partitions = %d. Please repartition either one so that the number of partitions match.",
			l.Name, r.Name, l.Name, lp, r.Name, rp)
	}
	return nil
}

// insertValues runs an INSERT VALUES module once.
func (e *Engine) insertValues(ctx context.Context, c *compiled) error {
	mod, err := e.rt.Load(ctx, c.module)
	if err != nil {
		return err
	}
	defer mod.Close(ctx)
	inst, err := executor.ModuleInstances{Module: mod}.NewInstance(ctx)
	if err != nil {
		return err
	}
	defer inst.Close(ctx)
	_, err = executor.InsertValues(ctx, mod.Manifest(), inst, e.topics, e.cfg.clock().UnixMilli())
	return err
}

// terminate stops the queries with the given ids.
func (e *Engine) terminate(ctx context.Context, ids []string) {
	for _, id := range ids {
		for i, q := range e.queries {
			if q.id == id {
				_ = q.close(ctx)
				e.queries = append(e.queries[:i], e.queries[i+1:]...)
				break
			}
		}
	}
}

// Source returns the catalog entry with the given name (exact, already
// case-folded as ksqlDB does: FOO for an unquoted foo).
func (e *Engine) Source(name string) (*sdk.Source, bool) {
	s, ok := e.comp.lookup(name)
	if !ok {
		return nil, false
	}
	return &s, true
}

// Sources returns the catalog, in creation order.
func (e *Engine) Sources() []*sdk.Source {
	out := make([]*sdk.Source, 0, len(e.declared))
	for _, n := range e.declared {
		if s, ok := e.Source(n); ok {
			out = append(out, s)
		}
	}
	return out
}

// SourcesOnTopic returns the sources over a topic, in creation order.
func (e *Engine) SourcesOnTopic(topic string) []*sdk.Source {
	var out []*sdk.Source
	for _, s := range e.Sources() {
		if s.Topic == topic {
			out = append(out, s)
		}
	}
	return out
}

// Properties returns the current session properties.
func (e *Engine) Properties() map[string]string { return e.comp.a.Properties() }

// Queries returns the running persistent queries in creation order.
func (e *Engine) Queries() []*Query { return append([]*Query(nil), e.queries...) }

// Pump moves records through the queries until none has anything left to
// read: each query, in creation order, reads its source topic from where it
// stopped. A query that fails stops; the others go on. Pump returns the
// errors of the queries that failed during this call.
func (e *Engine) Pump(ctx context.Context) error {
	if e.mem == nil {
		return errors.New("engine: Pump needs the in-memory topic store; run the queries with Query.Process")
	}
	var errs []error
	for progress := true; progress; {
		progress = false
		for _, q := range e.queries {
			if q.exec.Err() != nil {
				continue
			}
			n, err := q.pump(ctx, e.mem)
			if err != nil {
				errs = append(errs, err)
			}
			progress = progress || n > 0
		}
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
	}
	return errors.Join(errs...)
}

// Query is a running persistent query.
type Query struct {
	id      string
	sql     string
	man     *sdk.Manifest
	mod     *runtime.Module
	exec    *executor.Query
	offsets map[tp]int64 // next offset to read, for Pump
	// repartition is the query's repartition topic, "" for none.
	repartition string
	// mem is the engine's in-memory topic store, nil on another store.
	mem *executor.MemoryTopics
}

type tp struct {
	topic     string
	partition int32
}

// ID returns the query id, e.g. CSAS_OUTPUT_0.
func (q *Query) ID() string { return q.id }

// SQL returns the statement the query was created by.
func (q *Query) SQL() string { return q.sql }

// Manifest returns the query module's manifest.
func (q *Query) Manifest() *sdk.Manifest { return q.man }

// SourceTopics returns the topics the query reads, in source order.
func (q *Query) SourceTopics() []string {
	out := make([]string, 0, len(q.man.Sources))
	for _, s := range q.man.Sources {
		out = append(out, s.Topic)
	}
	return out
}

// InternalTopics returns the query's internal topics (its repartition
// topic), which it writes and reads back: a driver consumes them with the
// source topics and passes their records to Process.
func (q *Query) InternalTopics() []string {
	if q.repartition == "" {
		return nil
	}
	return []string{q.repartition}
}

// SinkTopic returns the topic the query writes.
func (q *Query) SinkTopic() string { return q.man.Sink.Topic }

// Err returns the error that stopped the query, or nil.
func (q *Query) Err() error { return q.exec.Err() }

// Process runs the query on records of its source topics, or of its
// internal topics (see executor.Query.Process); what it produces is
// appended to the sink topic. On the in-memory topic store, the rows the
// query writes to its repartition topic are read back and processed before
// Process returns, as ksqlDB's test driver carries a record through its
// repartition topic before the next input; on another store the caller
// consumes InternalTopics.
func (q *Query) Process(ctx context.Context, recs []executor.Record) error {
	if err := q.exec.Process(ctx, recs); err != nil {
		return err
	}
	if q.mem != nil {
		return q.drainRepartition(ctx, q.mem)
	}
	return nil
}

// pump processes what the query has not read yet; it returns how many
// records it read.
func (q *Query) pump(ctx context.Context, topics *executor.MemoryTopics) (int, error) {
	if len(q.man.Sources) > 1 || q.man.Pipeline.Operator != nil {
		// A stateful query is one task over all its partitions, with one
		// stream time: reading a partition to its end before the next
		// would make the next one's records late.
		return q.pumpByTime(ctx, topics)
	}
	n := 0
	for _, topic := range q.SourceTopics() {
		for p := int32(0); p < int32(topics.Partitions(topic)); p++ {
			k := tp{topic, p}
			for {
				recs, err := topics.Fetch(topic, p, q.offsets[k], 1024)
				if err != nil || len(recs) == 0 {
					break
				}
				q.offsets[k] = recs[len(recs)-1].Offset + 1
				n += len(recs)
				if err := q.exec.Process(ctx, recs); err != nil {
					return n, err
				}
			}
		}
	}
	return n, nil
}

// pumpByTime feeds a stateful query the way a Kafka Streams task chooses
// among its input partitions: always the buffered record with the smallest
// timestamp (ties go to the source listed first, then the lower
// partition), so that a table row and a stream row are processed in
// event-time order whichever topic or partition they are on.
func (q *Query) pumpByTime(ctx context.Context, topics *executor.MemoryTopics) (int, error) {
	type cursor struct {
		k    tp
		recs []executor.Record
	}
	var cs []*cursor
	seen := map[string]bool{}
	for _, topic := range q.SourceTopics() {
		if seen[topic] {
			continue // a self-join reads its topic once
		}
		seen[topic] = true
		for p := int32(0); p < int32(topics.Partitions(topic)); p++ {
			k := tp{topic, p}
			recs, err := topics.Fetch(topic, p, q.offsets[k], 1<<30)
			if err != nil || len(recs) == 0 {
				continue
			}
			cs = append(cs, &cursor{k: k, recs: recs})
		}
	}
	n := 0
	for {
		var next *cursor
		for _, c := range cs {
			if len(c.recs) > 0 && (next == nil || c.recs[0].Timestamp < next.recs[0].Timestamp) {
				next = c
			}
		}
		if next == nil {
			return n, nil
		}
		rec := next.recs[:1]
		next.recs = next.recs[1:]
		q.offsets[next.k] = rec[0].Offset + 1
		n++
		if err := q.Process(ctx, rec); err != nil {
			return n, err
		}
	}
}

// drainRepartition processes what the query wrote to its repartition
// topic, at once: ksqlDB's test driver also carries a record through the
// repartition topic before it reads the next input.
func (q *Query) drainRepartition(ctx context.Context, topics *executor.MemoryTopics) error {
	if q.repartition == "" {
		return nil
	}
	// A row read back can write another (a join's result, repartitioned
	// for the aggregation over it): read until the topic is drained.
	for more := true; more; {
		more = false
		for p := int32(0); p < int32(topics.Partitions(q.repartition)); p++ {
			k := tp{q.repartition, p}
			recs, err := topics.Fetch(q.repartition, p, q.offsets[k], 1<<30)
			if err != nil || len(recs) == 0 {
				continue
			}
			more = true
			q.offsets[k] = recs[len(recs)-1].Offset + 1
			if err := q.exec.Process(ctx, recs); err != nil {
				return err
			}
		}
	}
	return nil
}

func (q *Query) close(ctx context.Context) error {
	return errors.Join(q.exec.Close(ctx), q.mod.Close(ctx))
}
