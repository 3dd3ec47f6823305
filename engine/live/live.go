// Package live runs an engine's persistent queries on Kafka.
//
// Each query consumes its source topics in its own consumer group, named as
// ksqlDB names it (_confluent-ksql-<ksql.service.id>query_<query id>), so a
// restarted wasmstream, or a second instance with the same service id,
// continues where the group's committed offsets are. The records of a
// partition are processed in order, in batches, by the query's task for
// that partition (the executor keeps one per input partition); outputs are
// produced asynchronously through the engine's kafka.Store.
//
// Delivery is at-least-once by default: input offsets are committed only
// after every output record produced from the records they cover is
// acknowledged (produce, flush, then commit). With processing.guarantee
// exactly_once_v2 (or exactly_once), a query runs each batch in a
// transaction of its own transactional producer (kgo.GroupTransactSession,
// transactional.id = the query's group name) that commits the outputs and
// the input offsets together; a stateful query's checkpoint follows the
// transaction in two phases (see exactlyOnceTxn). The delivery interface is
// where the two differ.
//
// A stateful query whose GROUP BY or join key is not its sources' Kafka
// key also consumes its repartition topic (engine.Query.InternalTopics):
// the rows it wrote there keyed by the new key come back to the task of
// their partition. Stateful queries keep their state (per task) in a local
// checkpoint per query (Options.CheckpointDir), so a stateful query runs in
// one instance per service id; changelog topics, which would let a task's
// state move between instances, are to come.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// Defaults of the options.
const (
	// DefaultCommitInterval is ksqlDB's ksql.streams.commit.interval.ms.
	DefaultCommitInterval = 2 * time.Second
	// DefaultMaxPollRecords bounds one batch (max.poll.records).
	DefaultMaxPollRecords = 10000
	// DefaultStopTimeout bounds the flush and commit of a clean stop.
	DefaultStopTimeout = 30 * time.Second
)

// Options configures Run.
type Options struct {
	// Config is the effective configuration: connection, client tuning,
	// ksql.service.id, commit interval, status interval. Required.
	Config *config.Config
	// Store is the engine's topic store: the producer every query's
	// outputs go through. Required.
	Store *kafka.Store
	// Status receives a one-line status per query every
	// Config.StatusInterval (nil or a zero interval: none).
	Status io.Writer
	// Counts, when the engine's processing log is wrapped by it, adds the
	// records each query could not process to its error count.
	Counts *CountingLog
	// Logger receives the driver's messages (default slog.Default()).
	Logger *slog.Logger
	// ClientOpts are added to every consumer (a kgo logger, hooks).
	ClientOpts []kgo.Opt
	// StopTimeout bounds the final flush and commit (default
	// DefaultStopTimeout).
	StopTimeout time.Duration
	// CheckpointDir is where stateful queries (aggregations, joins,
	// tables) keep their checkpoint: one file per query, written at each
	// commit, after the outputs are acknowledged and before the offsets
	// are committed (under exactly-once: written as pending before the
	// transaction ends, kept once it committed), and restored at start. Empty: state is not kept, and
	// a restarted stateful query starts from empty state (a warning says
	// so). The state is this instance's: run a stateful query in one
	// instance per service id (changelog topics, which let state move
	// between instances, are to come).
	CheckpointDir string
	// EmitFinalIdle, when positive, closes EMIT FINAL windows on a quiet
	// input: once a stateful query has read nothing for this long, its
	// stream time moves on with the wall clock (stream time at the last
	// record plus the time elapsed since), so the last windows are emitted
	// without waiting for a later record. Zero (the default) is ksqlDB's
	// behaviour: stream time moves only with records. See
	// docs/differences.md.
	EmitFinalIdle time.Duration
}

// Run runs every persistent query of e on Kafka until ctx is done or every
// query has stopped on an error. On ctx's end each query finishes its
// batch, waits for its outputs to be acknowledged, commits, and leaves its
// group. Run returns the errors of the queries that failed (nil after a
// clean stop).
func Run(ctx context.Context, e *engine.Engine, opts Options) error {
	if opts.Config == nil || opts.Store == nil {
		return errors.New("live: Config and Store are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = DefaultStopTimeout
	}
	if id := e.ServiceID(); id != opts.Config.ServiceID {
		// The engine named the queries' internal topics under its id; the
		// consumer groups would be named under the configuration's.
		return fmt.Errorf("live: the engine's service id %q is not the configuration's ksql.service.id %q (create the engine with engine.WithServiceID)", id, opts.Config.ServiceID)
	}
	qs := e.Queries()
	if len(qs) == 0 {
		return errors.New("no persistent query to run (the scripts have no CREATE ... AS SELECT or INSERT INTO ... SELECT)")
	}
	reset := startOffset(e.Properties(), opts.Config)
	runs := make([]*queryRun, len(qs))
	for i, q := range qs {
		runs[i] = &queryRun{q: q, opts: &opts, acks: kafka.NewAcks(opts.Config), reset: reset}
		runs[i].acks.Uncounted(q.InternalTopics()...)
	}
	statusDone := make(chan struct{})
	stopStatus := make(chan struct{})
	go func() {
		defer close(statusDone)
		statusLoop(stopStatus, runs, &opts)
	}()
	var wg sync.WaitGroup
	errs := make([]error, len(runs))
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.run(ctx)
			if errs[i] != nil {
				r.state.Store("FAILED")
				opts.Logger.Error("query stopped", "query", r.q.ID(), "error", errs[i])
			} else {
				r.state.Store("STOPPED")
			}
		}()
	}
	wg.Wait()
	close(stopStatus)
	<-statusDone
	writeStatus(runs, &opts) // the final figures
	return errors.Join(errs...)
}

// startOffset is where a query starts on a partition its group has no
// committed offset for: the session's auto.offset.reset (SET
// 'auto.offset.reset'='earliest', as ksqlDB users write it), else the
// configuration's, else ksqlDB's default, latest.
func startOffset(props map[string]string, cfg *config.Config) kgo.Offset {
	v := "latest"
	if cfg.Consumer.AutoOffsetReset.Set {
		v = cfg.Consumer.AutoOffsetReset.Value
	}
	for _, k := range []string{"auto.offset.reset", "ksql.streams.auto.offset.reset"} {
		if s, ok := props[k]; ok && s != "" {
			v = strings.ToLower(strings.Trim(s, "'\" "))
		}
	}
	if v == "earliest" {
		return kgo.NewOffset().AtStart()
	}
	return kgo.NewOffset().AtEnd()
}

// queryRun is one query on Kafka: its consumer, its acknowledgements and
// its figures.
type queryRun struct {
	q     *engine.Query
	opts  *Options
	acks  *kafka.Acks
	reset kgo.Offset

	in    atomic.Int64
	lag   atomic.Int64
	state atomic.Value // string

	// ckpt is the checkpoint file of a stateful query ("" for none).
	ckpt string
	// failed is set when a batch failed half way: no checkpoint after it
	// (guarded by mu).
	failed bool

	// last processed (and, once flushed, committable) record per partition;
	// mu guards it against the revoke callback.
	mu       sync.Mutex
	done     map[tp]*kgo.Record
	lastSync time.Time
	// owned are the partitions the group gave this instance (guarded by
	// mu); shared says, for a stateful query, that another instance holds
	// some of them (shared.go).
	owned  map[tp]bool
	shared atomic.Bool
}

type tp struct {
	topic     string
	partition int32
}

// delivery is how a batch's outputs become durable together with the input
// offsets they cover. atLeastOnce flushes then commits; exactlyOnce begins
// a transaction before the batch and ends it with the offsets inside it.
type delivery interface {
	// begin is called before a batch is processed.
	begin() error
	// settle makes the outputs of what was processed so far durable and
	// commits the input offsets (force: now, else when the commit interval
	// has passed).
	settle(ctx context.Context, force bool) error
	// abort gives up what the batch produced, when it can (a query that
	// failed half way through a batch).
	abort(ctx context.Context)
}

// consumer is what the loop needs of a group consumer: a *kgo.Client, or
// the *kgo.GroupTransactSession of an exactly-once query.
type consumer interface {
	PollRecords(ctx context.Context, max int) kgo.Fetches
	AllowRebalance()
	CloseAllowingRebalance()
}

// exactlyOnce reports whether the configuration asks for exactly-once
// processing (processing.guarantee exactly_once or exactly_once_v2).
func exactlyOnce(cfg *config.Config) bool {
	g := cfg.Processing.ProcessingGuarantee
	return g.Set && strings.HasPrefix(g.Value, "exactly_once")
}

// sourceRecords counts the records of recs read from the query's sources:
// the status line's "in" leaves out the rows it reads back from its
// internal (repartition) topics.
func (r *queryRun) sourceRecords(recs []executor.Record) int {
	internal := r.q.InternalTopics()
	if len(internal) == 0 {
		return len(recs)
	}
	n := 0
	for i := range recs {
		if !slices.Contains(internal, recs[i].Topic) {
			n++
		}
	}
	return n
}

func (r *queryRun) group() string { return kafka.ServiceGroup(r.opts.Config.ServiceID, r.q.ID()) }

func (r *queryRun) run(ctx context.Context) error {
	r.state.Store("STARTING")
	r.done = map[tp]*kgo.Record{}
	cfg := r.opts.Config
	copts, err := kafka.ClientOpts(cfg)
	if err != nil {
		return err
	}
	copts = append(copts, kafka.ConsumerOpts(cfg)...)
	copts = append(copts, kafka.GroupOpts(cfg)...)
	copts = append(copts,
		kgo.ConsumerGroup(r.group()),
		// A query's internal (repartition) topics are consumed with its
		// sources: it reads back the rows it repartitioned.
		kgo.ConsumeTopics(append(r.q.SourceTopics(), r.q.InternalTopics()...)...),
		kgo.ConsumeStartOffset(r.reset),
	)
	eos := exactlyOnce(cfg)
	if eos {
		copts = append(copts, kafka.SinkOpts(cfg)...)
		copts = append(copts,
			kgo.TransactionalID(r.group()),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()),
			kgo.RequireStableFetchOffsets(),
			kgo.OnPartitionsAssigned(r.assigned),
		)
	} else {
		copts = append(copts,
			kgo.DisableAutoCommit(),
			kgo.BlockRebalanceOnPoll(),
			kgo.OnPartitionsRevoked(r.revoked),
			kgo.OnPartitionsAssigned(r.assigned),
			kgo.OnPartitionsLost(r.lost),
		)
	}
	if eos {
		// A checkpoint written for a transaction whose end was not seen
		// (a crash between the commit and the rename) is resolved first.
		if err := r.resolvePending(ctx); err != nil {
			return fmt.Errorf("query %s: %w", r.q.ID(), err)
		}
	}
	resume, err := r.restore()
	if err != nil {
		return fmt.Errorf("query %s: %w", r.q.ID(), err)
	}
	internal := map[string]bool{}
	for _, t := range r.q.InternalTopics() {
		internal[t] = true
	}
	copts = append(copts, kgo.AdjustFetchOffsetsFn(func(_ context.Context, offs map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
		for t, ps := range offs {
			for p, o := range ps {
				if next, ok := resume[tp{t, p}]; ok {
					ps[p] = kgo.NewOffset().At(next).WithEpoch(-1)
				} else if internal[t] && o == r.reset {
					// No commit yet: an internal topic is read from its
					// start whatever auto.offset.reset says (as Kafka
					// Streams does), or rows the query repartitioned
					// before the first commit would be skipped.
					ps[p] = kgo.NewOffset().AtStart()
				}
			}
		}
		return offs, nil
	}))
	copts = append(copts, r.opts.ClientOpts...)
	var (
		cl consumer
		d  delivery
	)
	if eos {
		sess, err := kgo.NewGroupTransactSession(copts...)
		if err != nil {
			return fmt.Errorf("query %s: consumer: %w", r.q.ID(), err)
		}
		r.acks.UseClient(sess.Client())
		x := &exactlyOnceTxn{r: r, sess: sess}
		if r.q.Stateful() {
			// The state as of the last committed transaction, to go back
			// to when one aborts.
			if x.last, err = r.q.Checkpoint(); err != nil {
				sess.Close()
				return fmt.Errorf("query %s: %w", r.q.ID(), err)
			}
		}
		cl, d = sess, x
	} else {
		c, err := kgo.NewClient(copts...)
		if err != nil {
			return fmt.Errorf("query %s: consumer: %w", r.q.ID(), err)
		}
		cl, d = c, &atLeastOnce{r: r, cl: c}
	}

	max := DefaultMaxPollRecords
	if cfg.Consumer.MaxPollRecords.Set && cfg.Consumer.MaxPollRecords.Value > 0 {
		max = cfg.Consumer.MaxPollRecords.Value
	}
	// Processing runs to the end of a batch even when ctx ends: a batch
	// half processed could not be committed.
	pctx := kafka.WithAcks(context.WithoutCancel(ctx), r.acks)
	var recs []executor.Record
	// A stateful query is one task with one stream time over all its
	// partitions: a poll's partitions are merged by timestamp, as a Kafka
	// Streams task picks the partition whose head record is oldest, so
	// that a table row is joined before a later stream row of another
	// topic, and no partition's records are made late by another's.
	stateful := r.q.Stateful()
	var heads [][]*kgo.Record
	lags := map[tp]int64{}
	r.state.Store("RUNNING")
	var runErr error
	idle := r.opts.EmitFinalIdle
	if !stateful {
		idle = 0
	}
	lastWall := time.Now() // wall-clock time of the last record read
	lastST, haveST := r.q.StreamTime()
	for {
		pollCtx, cancelPoll := ctx, context.CancelFunc(func() {})
		if idle > 0 {
			// Wake up to check the idle time even when nothing arrives.
			pollCtx, cancelPoll = context.WithTimeout(ctx, min(idle, time.Second))
		}
		fs := cl.PollRecords(pollCtx, max)
		cancelPoll()
		if ctx.Err() != nil || fs.IsClientClosed() {
			// Whatever this poll returned is not processed: it is not
			// committed either, and the next run reads it.
			cl.AllowRebalance()
			break
		}
		if err := r.fetchErrors(fs); err != nil {
			runErr = err
			cl.AllowRebalance()
			break
		}
		recs = recs[:0]
		heads = heads[:0]
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) == 0 {
				return
			}
			if stateful {
				heads = append(heads, p.Records)
			} else {
				for _, kr := range p.Records {
					recs = append(recs, toExecutor(kr))
				}
			}
			last := p.Records[len(p.Records)-1]
			lags[tp{p.Topic, p.Partition}] = p.HighWatermark - last.Offset - 1
		})
		if stateful {
			recs = mergeByTime(recs, heads)
		}
		if len(recs) > 0 {
			if err := d.begin(); err != nil {
				runErr = err
				cl.AllowRebalance()
				break
			}
			r.in.Add(int64(r.sourceRecords(recs)))
			if err := r.q.Process(pctx, recs); err != nil {
				runErr = err
				// The state may hold part of the failed batch: it is not
				// checkpointed any more (a restart resumes from the last
				// checkpoint, before it).
				r.mu.Lock()
				r.failed = true
				r.mu.Unlock()
				d.abort(context.WithoutCancel(ctx))
				cl.AllowRebalance()
				break
			}
			r.mu.Lock()
			fs.EachPartition(func(p kgo.FetchTopicPartition) {
				if n := len(p.Records); n > 0 {
					r.done[tp{p.Topic, p.Partition}] = p.Records[n-1]
				}
			})
			r.mu.Unlock()
			var sum int64
			for _, l := range lags {
				sum += l
			}
			r.lag.Store(sum)
		}
		if len(recs) > 0 {
			lastWall = time.Now()
			lastST, haveST = r.q.StreamTime()
		} else if quiet := time.Since(lastWall); idle > 0 && haveST && quiet >= idle {
			if err := d.begin(); err != nil {
				runErr = err
				cl.AllowRebalance()
				break
			}
			if err := r.q.AdvanceStreamTime(pctx, lastST+quiet.Milliseconds()); err != nil {
				runErr = err
				d.abort(context.WithoutCancel(ctx))
				cl.AllowRebalance()
				break
			}
		}
		clear(recs) // drop references to the fetched buffers
		// Not cut short by ctx: ending a transaction half way would leave
		// the producer in an invalid state (the stop comes at the next
		// poll).
		if err := d.settle(context.WithoutCancel(ctx), false); err != nil {
			runErr = err
			cl.AllowRebalance()
			break
		}
		cl.AllowRebalance()
	}
	// Clean stop: wait for what was produced, commit what it covers, leave
	// the group. Nothing past a failed delivery is committed.
	r.state.Store("STOPPING")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.StopTimeout)
	defer cancel()
	if err := d.settle(sctx, true); err != nil && runErr == nil {
		runErr = err
	}
	cl.CloseAllowingRebalance()
	if runErr != nil {
		return fmt.Errorf("query %s: %w", r.q.ID(), runErr)
	}
	return nil
}

// fetchErrors returns the fetch errors that retrying cannot fix (missing
// ACLs, a deleted topic), explained; the others are counted and retried by
// the client.
func (r *queryRun) fetchErrors(fs kgo.Fetches) error {
	var errs []error
	for _, fe := range fs.Errors() {
		if errors.Is(fe.Err, context.Canceled) || errors.Is(fe.Err, context.DeadlineExceeded) || errors.Is(fe.Err, kgo.ErrClientClosed) {
			continue
		}
		var ke *kerr.Error
		if errors.As(fe.Err, &ke) && ke.Retriable {
			continue
		}
		var loss *kgo.ErrDataLoss
		if errors.As(fe.Err, &loss) {
			// The broker lost records the query had read; the client
			// has moved on to where the log now is. Said, not fatal.
			r.opts.Logger.Warn("the broker lost records this query had read; it goes on from the log's new end", "query", r.q.ID(), "error", fe.Err)
			continue
		}
		res := []kafka.Resource{kafka.Topic(fe.Topic, kmsg.ACLOperationRead)}
		if errors.Is(fe.Err, kerr.GroupAuthorizationFailed) {
			res = []kafka.Resource{kafka.Group(r.group(), kmsg.ACLOperationRead)}
		}
		errs = append(errs, kafka.Explain(fe.Err, r.opts.Config, res...))
	}
	return errors.Join(errs...)
}

// toExecutor converts a fetched record; the slices are shared, not copied
// (the executor does not keep them past Process).
func toExecutor(kr *kgo.Record) executor.Record {
	rec := executor.Record{
		Topic:     kr.Topic,
		Partition: kr.Partition,
		Offset:    kr.Offset,
		Key:       kr.Key,
		Value:     kr.Value,
		Timestamp: kr.Timestamp.UnixMilli(),
	}
	if len(kr.Headers) > 0 {
		rec.Headers = make([]executor.Header, len(kr.Headers))
		for i, h := range kr.Headers {
			rec.Headers[i] = executor.Header{Key: h.Key, Value: h.Value}
		}
	}
	return rec
}

// revoked commits what was processed of the revoked partitions before
// another member takes them (rebalances happen only between batches:
// BlockRebalanceOnPoll).
func (r *queryRun) revoked(ctx context.Context, cl *kgo.Client, lost map[string][]int32) {
	d := &atLeastOnce{r: r, cl: cl}
	if err := d.settle(ctx, true); err != nil {
		r.opts.Logger.Warn("commit before a rebalance failed; the next owner re-reads", "query", r.q.ID(), "error", err)
	}
	r.forget(lost)
}

// lost forgets partitions taken away without a chance to commit.
func (r *queryRun) lost(_ context.Context, _ *kgo.Client, lost map[string][]int32) { r.forget(lost) }

func (r *queryRun) forget(parts map[string][]int32) {
	r.mu.Lock()
	for t, ps := range parts {
		for _, p := range ps {
			delete(r.done, tp{t, p})
			delete(r.owned, tp{t, p})
		}
	}
	r.mu.Unlock()
	r.checkShared()
}

// atLeastOnce flushes, then commits.
type atLeastOnce struct {
	r  *queryRun
	cl *kgo.Client
}

func (d *atLeastOnce) begin() error          { return nil }
func (d *atLeastOnce) abort(context.Context) {}

// exactlyOnceTxn runs each batch in a transaction of the query's
// transactional producer (transactional.id: the query's group name), which
// commits the batch's outputs and input offsets together; consumers reading
// with isolation.level=read_committed see each output once.
//
// A stateful query's checkpoint follows the transaction in two phases: the
// state after the batch is written as a pending checkpoint (with its
// offsets) before the transaction ends, and becomes the checkpoint once the
// transaction committed. The group's committed offsets are the record of
// that decision: at start, a pending checkpoint whose offsets are the
// group's was committed, any other was not (resolvePending).
type exactlyOnceTxn struct {
	r    *queryRun
	sess *kgo.GroupTransactSession
	open bool
	last []byte // a stateful query's state as of the last commit
}

func (d *exactlyOnceTxn) begin() error {
	if d.open {
		return nil
	}
	if err := d.sess.Begin(); err != nil {
		return d.explain(err)
	}
	d.open = true
	return nil
}

func (d *exactlyOnceTxn) explain(err error) error {
	r := d.r
	return fmt.Errorf("transaction of %s: %w", r.group(), kafka.Explain(err, r.opts.Config,
		kafka.TransactionalID(r.group(), kmsg.ACLOperationWrite), kafka.Group(r.group(), kmsg.ACLOperationRead)))
}

// settle ends the open transaction, committing: every batch is its own
// transaction (the commit interval does not apply).
func (d *exactlyOnceTxn) settle(ctx context.Context, _ bool) error {
	r := d.r
	if !d.open {
		return r.acks.Err()
	}
	d.open = false
	var state []byte
	if d.last != nil {
		var err error
		if state, err = r.q.Checkpoint(); err != nil {
			_, _ = d.sess.End(ctx, kgo.TryAbort)
			return err
		}
		if err := r.writePending(state); err != nil {
			_, _ = d.sess.End(ctx, kgo.TryAbort)
			return err
		}
	}
	committed, err := d.sess.End(ctx, kgo.TryCommit)
	if err != nil {
		return d.explain(err) // a pending checkpoint is resolved at the next start
	}
	if err := r.acks.Err(); err != nil {
		return err
	}
	if !committed {
		// A rebalance (or a refused offset commit) aborted the
		// transaction: its outputs are discarded and the client rewinds
		// to the committed offsets, so the batch is processed again, on
		// the state as of the last commit.
		r.opts.Logger.Info("transaction aborted by a rebalance; the batch is processed again", "query", r.q.ID())
		if d.last != nil {
			if err := r.q.RestoreCheckpoint(d.last); err != nil {
				return err
			}
			r.dropPending()
		}
		return nil
	}
	if d.last != nil {
		d.last = state
		if err := r.promotePending(); err != nil {
			return err
		}
	}
	return nil
}

func (d *exactlyOnceTxn) abort(ctx context.Context) {
	if d.open {
		d.open = false
		_, _ = d.sess.End(ctx, kgo.TryAbort)
	}
}

// pendingCheckpoint is a stateful exactly-once query's checkpoint written
// before its transaction ends, with the input offsets it reflects, which
// say at the next start whether the transaction committed.
type pendingCheckpoint struct {
	Offsets []executor.Offset `json:"offsets"`
	State   []byte            `json:"state"`
}

func (r *queryRun) pendingPath() string { return r.ckpt + ".pending" }

func (r *queryRun) writePending(state []byte) error {
	if r.ckpt == "" {
		return nil
	}
	data, err := json.Marshal(pendingCheckpoint{Offsets: r.q.InputOffsets(), State: state})
	if err != nil {
		return err
	}
	return writeFileSync(r.pendingPath(), data)
}

// promotePending makes the pending checkpoint the checkpoint.
func (r *queryRun) promotePending() error {
	if r.ckpt == "" {
		return nil
	}
	data, err := os.ReadFile(r.pendingPath())
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	var pc pendingCheckpoint
	if err := json.Unmarshal(data, &pc); err != nil {
		return fmt.Errorf("checkpoint %s: %w", r.pendingPath(), err)
	}
	if err := writeFileSync(r.ckpt, pc.State); err != nil {
		return err
	}
	return os.Remove(r.pendingPath())
}

func (r *queryRun) dropPending() {
	if r.ckpt != "" {
		_ = os.Remove(r.pendingPath())
	}
}

// resolvePending decides, at start, what a pending checkpoint left by a
// crash was: committed (the group's offsets are its offsets: it becomes the
// checkpoint) or not (it is dropped; the checkpoint before it stands).
func (r *queryRun) resolvePending(ctx context.Context) error {
	if !r.q.Stateful() || r.opts.CheckpointDir == "" {
		return nil
	}
	r.ckpt = filepath.Join(r.opts.CheckpointDir, r.q.ID()+".ckpt")
	data, err := os.ReadFile(r.pendingPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	var pc pendingCheckpoint
	if err := json.Unmarshal(data, &pc); err != nil || len(pc.Offsets) == 0 {
		r.opts.Logger.Warn("dropping an unreadable pending checkpoint", "query", r.q.ID(), "file", r.pendingPath())
		r.dropPending()
		return nil
	}
	actx, cancel := context.WithTimeout(ctx, r.opts.StopTimeout)
	defer cancel()
	offs, err := r.opts.Store.Admin().FetchOffsets(actx, r.group())
	if err != nil {
		return fmt.Errorf("reading the committed offsets of group %s: %w", r.group(),
			kafka.Explain(err, r.opts.Config, kafka.Group(r.group(), kmsg.ACLOperationDescribe)))
	}
	committed := true
	for _, o := range pc.Offsets {
		c, ok := offs.Lookup(o.Topic, o.Partition)
		if !ok || c.Err != nil || c.At != o.Next {
			committed = false
			break
		}
	}
	if !committed {
		r.opts.Logger.Info("dropping the checkpoint of a transaction that did not commit", "query", r.q.ID())
		r.dropPending()
		return nil
	}
	r.opts.Logger.Info("keeping the checkpoint of a transaction that committed", "query", r.q.ID())
	return r.promotePending()
}

// writeFileSync writes a file atomically and durably: a temporary file,
// synced, renamed over the old one.
func writeFileSync(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func (d *atLeastOnce) settle(ctx context.Context, force bool) error {
	r := d.r
	interval := DefaultCommitInterval
	if c := r.opts.Config.Processing.CommitInterval; c.Set {
		interval = c.Value
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.done) == 0 || (!force && time.Since(r.lastSync) < interval) {
		return r.acks.Err()
	}
	// Flushing sends what lingers at once (waiting for the acks alone
	// would add the linger to every commit); it waits for the other
	// queries' records too, which only bounds the wait by their delivery.
	if err := r.opts.Store.Client().Flush(ctx); err != nil {
		return err
	}
	if err := r.acks.Wait(ctx); err != nil {
		return err // not committed: the records are read again
	}
	if err := r.checkpoint(); err != nil {
		return err
	}
	recs := make([]*kgo.Record, 0, len(r.done))
	for _, kr := range r.done {
		recs = append(recs, kr)
	}
	if err := d.cl.CommitRecords(ctx, recs...); err != nil {
		return fmt.Errorf("committing offsets of group %s: %w", r.group(),
			kafka.Explain(err, r.opts.Config, kafka.Group(r.group(), kmsg.ACLOperationRead)))
	}
	clear(r.done)
	r.lastSync = time.Now()
	return nil
}

// restore loads the checkpoint of a stateful query, if there is one, and
// returns where to resume each partition it covers. The checkpoint wins
// over the group's committed offsets: it is written before them, so it is
// never behind, and its state reflects exactly its offsets.
func (r *queryRun) restore() (map[tp]int64, error) {
	if !r.q.Stateful() {
		return nil, nil
	}
	if r.opts.CheckpointDir == "" {
		r.opts.Logger.Warn("the state of this query is not kept: a restart starts it from empty state (no checkpoint directory)", "query", r.q.ID())
		return nil, nil
	}
	r.ckpt = filepath.Join(r.opts.CheckpointDir, r.q.ID()+".ckpt")
	data, err := os.ReadFile(r.ckpt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the checkpoint: %w", err)
	}
	if err := r.q.RestoreCheckpoint(data); err != nil {
		// Without the checkpoint the group's committed offsets would skip
		// what the lost state held: starting over needs both gone.
		return nil, fmt.Errorf("restoring the checkpoint %s: %w (to start the query over from empty state, remove the file and delete its consumer group %s, e.g. kafka-consumer-groups --delete --group %s)",
			r.ckpt, err, r.group(), r.group())
	}
	out := map[tp]int64{}
	for _, o := range r.q.InputOffsets() {
		out[tp{o.Topic, o.Partition}] = o.Next
	}
	return out, nil
}

// checkpoint writes the state of a stateful query with the offsets it
// reflects, atomically (a crash leaves the previous checkpoint).
func (r *queryRun) checkpoint() error {
	if r.ckpt == "" || r.failed {
		return nil
	}
	data, err := r.q.Checkpoint()
	if err != nil {
		return err
	}
	if err := writeFileSync(r.ckpt, data); err != nil {
		return fmt.Errorf("query %s: %w", r.q.ID(), err)
	}
	return nil
}

// CountingLog is an executor.ProcessingLog that counts entries per query
// before passing them on, so the status line shows them.
type CountingLog struct {
	next executor.ProcessingLog
	mu   sync.Mutex
	n    map[string]int64
}

// NewCountingLog counts and passes entries to next (nil: counts only).
func NewCountingLog(next executor.ProcessingLog) *CountingLog {
	return &CountingLog{next: next, n: map[string]int64{}}
}

// Log implements executor.ProcessingLog.
func (c *CountingLog) Log(ctx context.Context, e executor.LogEntry) {
	c.mu.Lock()
	c.n[e.Query]++
	c.mu.Unlock()
	if c.next != nil {
		c.next.Log(ctx, e)
	}
}

// Count returns how many entries query logged.
func (c *CountingLog) Count(query string) int64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[query]
}

func statusLoop(stop <-chan struct{}, runs []*queryRun, opts *Options) {
	iv := opts.Config.StatusInterval
	if opts.Status == nil || iv <= 0 {
		<-stop
		return
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			writeStatus(runs, opts)
		}
	}
}

func writeStatus(runs []*queryRun, opts *Options) {
	if opts.Status == nil || opts.Config.StatusInterval <= 0 {
		return
	}
	var b strings.Builder
	for _, r := range runs {
		st, _ := r.state.Load().(string)
		errs := r.acks.Errors() + opts.Counts.Count(r.q.ID())
		if r.shared.Load() {
			st += " (SHARED: another instance holds some partitions)"
		}
		fmt.Fprintf(&b, "%s %s %s: in %d, out %d, lag %d, errors %d\n",
			time.Now().Format("15:04:05"), r.q.ID(), st, r.in.Load(), r.acks.Acked(), r.lag.Load(), errs)
	}
	io.WriteString(opts.Status, b.String())
}

// mergeByTime appends the records of every partition in parts to dst in
// timestamp order, keeping each partition's own order: at each step, the
// head record with the smallest timestamp (ties: the earlier partition in
// parts). parts is consumed.
func mergeByTime(dst []executor.Record, parts [][]*kgo.Record) []executor.Record {
	for {
		next := -1
		for i, p := range parts {
			if len(p) > 0 && (next < 0 || p[0].Timestamp.Before(parts[next][0].Timestamp)) {
				next = i
			}
		}
		if next < 0 {
			return dst
		}
		dst = append(dst, toExecutor(parts[next][0]))
		parts[next] = parts[next][1:]
	}
}
