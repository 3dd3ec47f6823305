package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/executor"
)

// Producer is an executor.Sink that produces to Kafka: asynchronously,
// idempotently unless the configuration turns idempotence off (acks 0 or 1,
// enable.idempotence=false), with the linger and batch size of the
// configuration.
//
// Produce copies the record (the executor reuses its buffers) and returns
// once the client has buffered it. Delivery is confirmed later: a caller
// that must know when its records are acknowledged (to commit the input
// offsets they cover) puts an *Acks in the context with WithAcks and waits
// on it; records produced without one are tracked by the Producer's own
// Acks (see Flush).
type Producer struct {
	cl  *kgo.Client
	cfg *config.Config
	own *Acks
}

// NewProducer connects a producer built from cfg (ClientOpts and
// ProducerOpts); extra options come last and win.
func NewProducer(cfg *config.Config, extra ...kgo.Opt) (*Producer, error) {
	opts, err := ClientOpts(cfg)
	if err != nil {
		return nil, err
	}
	opts = append(opts, SinkOpts(cfg)...)
	opts = append(opts, extra...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka producer: %w", err)
	}
	return &Producer{cl: cl, cfg: cfg, own: NewAcks(cfg)}, nil
}

// SinkOpts are the options of a client that produces queries' outputs:
// ProducerOpts, and the partitioner that keeps a partition the executor
// chose (a transactional client of engine/live uses them too).
func SinkOpts(cfg *config.Config) []kgo.Opt {
	return append(ProducerOpts(cfg), kgo.RecordPartitioner(manualOrDefault{}))
}

// Client returns the underlying franz-go client.
func (p *Producer) Client() *kgo.Client { return p.cl }

// Produce implements executor.Sink.
func (p *Producer) Produce(ctx context.Context, r *executor.Record) error {
	a, _ := ctx.Value(acksKey{}).(*Acks)
	if a == nil {
		a = p.own
	}
	if err := a.Err(); err != nil {
		return err // fail fast: a record was refused, the batch will not be committed
	}
	// One allocation holds the key and the value; a nil key or value stays
	// nil (a null key, a tombstone).
	buf := make([]byte, len(r.Key)+len(r.Value))
	kr := &kgo.Record{Topic: r.Topic, Partition: r.Partition}
	if r.Key != nil {
		kr.Key = buf[:len(r.Key):len(r.Key)]
		copy(kr.Key, r.Key)
	}
	if r.Value != nil {
		kr.Value = buf[len(r.Key):]
		copy(kr.Value, r.Value)
	}
	if r.Timestamp > 0 {
		kr.Timestamp = time.UnixMilli(r.Timestamp)
	}
	if len(r.Headers) > 0 {
		kr.Headers = make([]kgo.RecordHeader, len(r.Headers))
		for i, h := range r.Headers {
			kr.Headers[i].Key = h.Key
			if h.Value != nil { // a null value stays null, an empty one empty
				kr.Headers[i].Value = append(make([]byte, 0, len(h.Value)), h.Value...)
			}
		}
	}
	a.add()
	// ctx bounds only the wait for buffer space (max buffered records);
	// a record refused that way fails through the promise. A caller that
	// must finish its batch whatever happens (engine/live) passes a
	// context that is not cancelled.
	cl := p.cl
	if a.cl != nil {
		cl = a.cl // a query's transactional client
	}
	cl.Produce(ctx, kr, a.promise)
	return nil
}

// Flush waits until every record produced without an Acks in the context is
// acknowledged, and returns the first delivery error among them (explained).
func (p *Producer) Flush(ctx context.Context) error {
	return p.own.Wait(ctx)
}

// Close flushes (bounded by ctx) and closes the client.
func (p *Producer) Close(ctx context.Context) error {
	err := p.Flush(ctx)
	p.cl.Close()
	return err
}

type acksKey struct{}

// WithAcks returns a context that makes Producer.Produce track its records
// in a.
func WithAcks(ctx context.Context, a *Acks) context.Context {
	return context.WithValue(ctx, acksKey{}, a)
}

// Acks tracks the delivery of a set of produced records: how many are still
// in flight, how many were acknowledged, and the first error. One goroutine
// produces and waits; the client's goroutines acknowledge.
type Acks struct {
	cfg     *config.Config
	promise func(*kgo.Record, error) // a.done, allocated once
	cl      *kgo.Client              // produce through it instead of the Producer's (UseClient)
	// uncounted are topics whose records Acked leaves out (Uncounted).
	uncounted map[string]bool

	mu      sync.Mutex
	pending int
	zero    chan struct{} // closed when pending drops to 0
	err     error
	failed  atomic.Bool
	acked   atomic.Int64
	errors  atomic.Int64
}

// NewAcks returns an empty tracker; cfg (may be nil) explains delivery
// errors.
func NewAcks(cfg *config.Config) *Acks {
	a := &Acks{cfg: cfg}
	a.promise = a.done
	return a
}

// UseClient makes the records tracked by a go through cl instead of the
// Producer's own client: a query's transactional client under exactly-once,
// so that its outputs commit with its input offsets. Call it before
// producing. cl must be built with SinkOpts.
func (a *Acks) UseClient(cl *kgo.Client) { a.cl = cl }

func (a *Acks) add() {
	a.mu.Lock()
	if a.pending == 0 {
		a.zero = make(chan struct{})
	}
	a.pending++
	a.mu.Unlock()
}

func (a *Acks) done(r *kgo.Record, err error) {
	if err == nil {
		if !a.uncounted[r.Topic] {
			a.acked.Add(1)
		}
	} else {
		a.errors.Add(1)
	}
	a.mu.Lock()
	if err != nil && a.err == nil {
		a.err = a.explain(r, err)
		a.failed.Store(true)
	}
	a.pending--
	if a.pending == 0 {
		close(a.zero)
	}
	a.mu.Unlock()
}

func (a *Acks) explain(r *kgo.Record, err error) error {
	if a.cfg != nil {
		// An idempotent producer's first request (InitProducerID) needs
		// WRITE on some topic or IDEMPOTENT_WRITE on the cluster.
		err = Explain(err, a.cfg, Topic(r.Topic, kmsg.ACLOperationWrite),
			Resource{Type: kmsg.ACLResourceTypeCluster, Name: "kafka-cluster", Operation: kmsg.ACLOperationIdempotentWrite})
	}
	return fmt.Errorf("producing to %s: %w", r.Topic, err)
}

// Err returns the first delivery error, without waiting.
func (a *Acks) Err() error {
	if !a.failed.Load() {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Uncounted makes Acked leave out the records of these topics (a query's
// internal topics, whose rows it reads back: its outputs are the sink's).
// Call it before producing.
func (a *Acks) Uncounted(topics ...string) {
	if a.uncounted == nil {
		a.uncounted = map[string]bool{}
	}
	for _, t := range topics {
		a.uncounted[t] = true
	}
}

// Acked returns how many records were acknowledged so far (but those of
// Uncounted topics).
func (a *Acks) Acked() int64 { return a.acked.Load() }

// Errors returns how many records failed delivery so far.
func (a *Acks) Errors() int64 { return a.errors.Load() }

// Pending returns how many records are in flight.
func (a *Acks) Pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pending
}

// Wait blocks until no record is in flight, then returns the first delivery
// error (which stays: a failed delivery fails every later Wait, so offsets
// past a lost record are never committed). It returns ctx's error if ctx
// ends first.
func (a *Acks) Wait(ctx context.Context) error {
	a.mu.Lock()
	if a.pending == 0 {
		err := a.err
		a.mu.Unlock()
		return err
	}
	ch := a.zero
	a.mu.Unlock()
	select {
	case <-ch:
		return a.Err()
	case <-ctx.Done():
		return errors.Join(fmt.Errorf("waiting for %d records to be acknowledged: %w", a.Pending(), ctx.Err()), a.Err())
	}
}

// manualOrDefault keeps a partition the executor chose (Partition >= 0) and
// otherwise partitions as Kafka's Java client does (murmur2 of the key,
// sticky for null keys), so a key lands where ksqlDB would put it.
type manualOrDefault struct{}

func (manualOrDefault) ForTopic(t string) kgo.TopicPartitioner {
	inner := kgo.StickyKeyPartitioner(nil).ForTopic(t)
	if nb, ok := inner.(kgo.TopicPartitionerOnNewBatch); ok {
		return manualOnNewBatch{manualTopic{inner}, nb}
	}
	return manualTopic{inner}
}

type manualTopic struct{ inner kgo.TopicPartitioner }

func (m manualTopic) RequiresConsistency(r *kgo.Record) bool {
	return r.Partition >= 0 || m.inner.RequiresConsistency(r)
}

func (m manualTopic) Partition(r *kgo.Record, n int) int {
	if r.Partition >= 0 && int(r.Partition) < n {
		return int(r.Partition)
	}
	return m.inner.Partition(r, n)
}

type manualOnNewBatch struct {
	manualTopic
	nb kgo.TopicPartitionerOnNewBatch
}

func (m manualOnNewBatch) OnNewBatch() { m.nb.OnNewBatch() }
