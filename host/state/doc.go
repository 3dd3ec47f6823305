// Package state holds the host side of stateful queries: aggregate
// accumulators, window assignment, and the stores a task keeps (aggregates,
// table contents, stream-stream join buffers), with Snapshot and Restore so
// that a checkpoint can persist them together with the input offsets they
// reflect.
//
// # Tasks and stream time
//
// A task is the unit that owns state: one persistent query over one set of
// co-partitioned input partitions (partition p of each source, or of the
// query's repartition topic when its GROUP BY or join key is not the
// sources' Kafka key); the executor creates a store of this package per
// task. A foreign-key join, whose right rows meet left rows of every
// partition, is one task over all partitions. Each operator's stream time
// is the largest record
// timestamp that operator has seen in its task; it only moves forward, and
// it decides when windows close (grace period), when EMIT FINAL results are
// emitted and when state expires (retention). Records that a WHERE clause
// drops never reach the operator and so do not advance its stream time, as
// in Kafka Streams, where stream time is tracked by each processor.
//
// # Windows, grace and retention
//
// A window accepts records until stream time passes its end plus the
// grace period (a session also waits for its gap); later records are
// dropped as late. Without GRACE PERIOD the grace is ksqlDB's default,
// max(24h - size, 0), except under EMIT FINAL, where it is 0 (a window is
// emitted at its end). A window is kept for its retention after its start
// (RETENTION, by default size plus grace, as Kafka Streams' stores). EMIT
// FINAL emits a window once when it closes, but only if it is still within
// its retention then: when stream time jumps over a window's close time by
// more than that, its final result is lost, exactly as ksqlDB's own tests
// expect of Kafka Streams (suppress.json, "large jump"). A RETENTION longer
// than size plus grace avoids that.
//
// Everything here is deterministic and single-goroutine: the executor calls
// the stores from the query's goroutine, and the same inputs in the same
// order give the same outputs.
package state
