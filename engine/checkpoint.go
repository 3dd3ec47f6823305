package engine

import (
	"context"

	"github.com/wasmstream/wasmstream/host/executor"
)

// Stateful reports whether the query keeps state between records (an
// aggregation, a join, a table): a host operator in its pipeline. A
// stateless query needs only its input offsets to resume; a stateful one
// also needs a checkpoint (see Checkpoint).
func (q *Query) Stateful() bool { return q.man.Pipeline.Operator != nil }

// Checkpoint encodes the query's state together with the input offsets it
// reflects (executor.Query.Snapshot). Take it between Process calls, once
// the outputs of what was processed are delivered.
func (q *Query) Checkpoint() ([]byte, error) { return q.exec.Snapshot() }

// RestoreCheckpoint replaces the state of a query that has not processed
// records yet with a checkpoint's; InputOffsets then says where to resume.
// Pump (and the in-memory store's reading back of the repartition topic)
// resumes there too.
func (q *Query) RestoreCheckpoint(b []byte) error {
	if err := q.exec.Restore(b); err != nil {
		return err
	}
	clear(q.offsets)
	for _, o := range q.exec.Offsets() {
		q.offsets[tp{o.Topic, o.Partition}] = o.Next
	}
	return nil
}

// InputOffsets returns the next offset to read of every input partition the
// query has processed (or restored) records of.
func (q *Query) InputOffsets() []executor.Offset { return q.exec.Offsets() }

// StreamTime returns the stream time of a query's aggregation (the largest
// record timestamp it has seen, in milliseconds), and false for a query
// without one or before its first record.
func (q *Query) StreamTime() (int64, bool) { return q.exec.StreamTime() }

// AdvanceStreamTime moves a query's aggregation to stream time t without a
// record, emitting the EMIT FINAL windows that thereby close (see
// executor.Query.AdvanceStreamTime).
func (q *Query) AdvanceStreamTime(ctx context.Context, t int64) error {
	return q.exec.AdvanceStreamTime(ctx, t)
}
