package executor

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// StreamTime returns the stream time (the largest record timestamp seen, in
// milliseconds) of a query with an aggregation, the largest of its tasks',
// and false for any other query or before its first record.
func (q *Query) StreamTime() (int64, bool) {
	if q.pipe == nil || q.pipe.aggPlan == nil {
		return 0, false
	}
	t := q.pipe.streamTime()
	return t, t != math.MinInt64
}

// AdvanceStreamTime moves the stream time of each task of a query's
// aggregation forward to t (milliseconds) without a record, and emits what
// a record at t would have made final: under EMIT FINAL, the windows whose
// end plus grace t reaches. The caller decides when a quiet input justifies
// it (wasmstream run does after an idle time it is configured with); the
// executor reads no clock. It does nothing for other queries, for tasks
// before their first record, or when t is not ahead of a task's stream
// time. The advanced stream time is part of the state that Snapshot saves.
func (q *Query) AdvanceStreamTime(ctx context.Context, t int64) error {
	if q.err != nil {
		return q.err
	}
	if q.pipe == nil || q.pipe.aggPlan == nil {
		return nil
	}
	if err := q.pipe.advance(ctx, q, t); err != nil {
		var qe *QueryError
		if !errors.As(err, &qe) {
			err = &QueryError{Query: q.id, Offset: -1, Err: fmt.Errorf("advancing stream time to %d: %w", t, err)}
		}
		q.err = err
		return err
	}
	return nil
}
