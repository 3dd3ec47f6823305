// Package executor runs compiled persistent queries on records.
//
// It does not know where records come from: a Query consumes batches of
// Records for one input partition (a task) and hands what it produces to a
// Sink. The same code runs on the in-memory topics of this package (tests,
// `wasmstream test`) and, through another Sink and record source, on Kafka.
//
// A stateless query has a task per input partition. A query with a host
// operator (GROUP BY, a join) runs its whole pipeline (pipeline.go): per
// source an input stage, then the operator with its state (host/state),
// then the final stage, as one task over all the partitions of its
// sources; Snapshot and Restore checkpoint that state with the input
// offsets it reflects (checkpoint.go).
//
// Processing is deterministic: a Query does its work inside the calls made to
// it, on the caller's goroutine, and starts no goroutine of its own.
package executor

import (
	"context"
	"errors"
	"fmt"
)

// Header is one record header. A nil Value is a null header value, which
// Kafka distinguishes from an empty one.
type Header struct {
	Key   string
	Value []byte
}

// Record is one Kafka record as the executor sees it.
//
// Key or Value nil means a null key or value (a null value is a tombstone).
// Timestamp is in milliseconds since the epoch.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64
	Headers   []Header
}

// Sink receives the records a query produces.
//
// Produce is called on the query's goroutine. The record's Key, Value and
// Headers slices are only valid during the call (the executor reuses its
// encoding buffers): a Sink that keeps the record must copy them. Partition
// is -1 when the query leaves the choice to the sink (the default
// partitioner); Offset is unset.
type Sink interface {
	Produce(ctx context.Context, r *Record) error
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(ctx context.Context, r *Record) error

// Produce implements Sink.
func (f SinkFunc) Produce(ctx context.Context, r *Record) error { return f(ctx, r) }

// ErrUnknownTopic is returned for an operation on a topic that does not exist.
var ErrUnknownTopic = errors.New("unknown topic")

// TopicError is an error about one topic (and partition, when it is known).
type TopicError struct {
	Topic     string
	Partition int32 // -1 when not about a partition
	Err       error
}

// Error implements error.
func (e *TopicError) Error() string {
	if e.Partition >= 0 {
		return fmt.Sprintf("topic %q partition %d: %v", e.Topic, e.Partition, e.Err)
	}
	return fmt.Sprintf("topic %q: %v", e.Topic, e.Err)
}

// Unwrap returns the underlying error.
func (e *TopicError) Unwrap() error { return e.Err }

// cloneBytes copies b, keeping nil as nil (a null key or value stays null)
// and an empty slice as an empty non-nil slice.
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

// cloneHeaders deep-copies headers.
func cloneHeaders(hs []Header) []Header {
	if hs == nil {
		return nil
	}
	out := make([]Header, len(hs))
	for i, h := range hs {
		out[i] = Header{Key: h.Key, Value: cloneBytes(h.Value)}
	}
	return out
}

// Clone returns a deep copy of r, which can be kept after a Produce call.
func (r *Record) Clone() Record {
	c := *r
	c.Key = cloneBytes(r.Key)
	c.Value = cloneBytes(r.Value)
	c.Headers = cloneHeaders(r.Headers)
	return c
}
