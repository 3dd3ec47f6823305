package live

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A stateful query keeps its state in this instance (its checkpoint), not
// yet in changelog topics: a second instance with the same service id
// joins the query's consumer group, takes some partitions, and starts
// their tasks from empty state. Its results would be wrong without any
// error, so the instances say so: when the group gives a stateful query
// only part of its partitions, the query logs an error naming the query,
// the group and the partitions it lacks, and its status line says SHARED.

// assigned records partitions the group gave this instance.
func (r *queryRun) assigned(_ context.Context, _ *kgo.Client, parts map[string][]int32) {
	r.mu.Lock()
	if r.owned == nil {
		r.owned = map[tp]bool{}
	}
	for t, ps := range parts {
		for _, p := range ps {
			r.owned[tp{t, p}] = true
		}
	}
	r.mu.Unlock()
	r.checkShared()
}

// checkShared compares the partitions this instance owns with all the
// partitions of a stateful query's topics.
func (r *queryRun) checkShared() {
	if !r.q.Stateful() {
		return
	}
	// Partition counts come from the cluster's metadata: ask before
	// taking the lock the poll loop needs.
	topics := slices.Compact(slices.Sorted(slices.Values(append(r.q.SourceTopics(), r.q.InternalTopics()...))))
	counts := make([]int, len(topics))
	for i, t := range topics {
		counts[i] = r.opts.Store.Partitions(t)
	}
	var missing []string
	r.mu.Lock()
	if len(r.owned) > 0 { // none: stopping, or not assigned yet
		for i, t := range topics {
			have := 0
			for p := range counts[i] {
				if r.owned[tp{t, int32(p)}] {
					have++
				}
			}
			if have < counts[i] {
				missing = append(missing, fmt.Sprintf("%s (%d of %d partitions)", t, have, counts[i]))
			}
		}
	}
	r.mu.Unlock()
	was := r.shared.Swap(len(missing) > 0)
	if len(missing) > 0 && !was {
		r.opts.Logger.Error("another instance runs this stateful query in the same consumer group: its state is kept per instance (changelog topics are to come), so the tasks it took start from empty state; run a stateful query in one instance per ksql.service.id",
			"query", r.q.ID(), "group", r.group(), "this instance has", strings.Join(missing, ", "))
	}
}
