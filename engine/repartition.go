package engine

import (
	"fmt"

	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/sdk"
)

// DefaultServiceID is ksqlDB's default ksql.service.id.
const DefaultServiceID = "default_"

// WithServiceID sets ksql.service.id, under which the engine names the
// queries' internal topics as ksqlDB does (default DefaultServiceID).
func WithServiceID(id string) Option { return func(c *config) { c.serviceID = id } }

// ServiceID returns the engine's ksql.service.id (WithServiceID).
func (e *Engine) ServiceID() string { return e.cfg.serviceID }

// InternalTopic returns the name of a query's internal topic as Kafka
// Streams names it under ksqlDB's application id:
// _confluent-ksql-<service id>query_<query id>-<name>. One prefixed ACL on
// _confluent-ksql-<service id> then covers the consumer groups and internal
// topics of every query.
func InternalTopic(serviceID, queryID, name string) string {
	return "_confluent-ksql-" + serviceID + "query_" + queryID + "-" + name
}

// repartitionTopic returns the topic a query repartitions through, created
// when missing, or the zero value when the query needs none. It has the
// partitions of the inputs that are not repartitioned (whose partitions
// the repartitioned rows must meet), else of the largest input.
func (e *Engine) repartitionTopic(man *sdk.Manifest) (executor.RepartitionTopic, error) {
	if man.Pipeline.Operator == nil || man.Pipeline.SingleTask || !e.copartitioned(man) {
		return executor.RepartitionTopic{}, nil
	}
	b := man.Pipeline.Between
	need, largest, fixed := b != nil && b.Repartition, 0, 0
	for j := man.Pipeline.Operator.Join; j != nil; j = j.Next {
		need = need || j.RepartitionLeft
	}
	for _, in := range man.Pipeline.Inputs {
		if in.Source < 0 || in.Source >= len(man.Sources) {
			continue // Validate reports it
		}
		n := e.topics.Partitions(man.Sources[in.Source].Topic)
		largest = max(largest, n)
		if in.Repartition {
			need = true
		} else {
			fixed = max(fixed, n)
		}
	}
	if !need {
		return executor.RepartitionTopic{}, nil
	}
	parts := largest
	if fixed > 0 {
		parts = fixed
	}
	parts = max(parts, 1)
	suffix := "Aggregate-GroupBy-repartition"
	if man.Pipeline.Operator.Join != nil {
		suffix = "Join-repartition"
	}
	name := InternalTopic(e.cfg.serviceID, man.QueryID, suffix)
	if !e.topics.HasTopic(name) {
		if err := e.topics.CreateTopic(name, parts, 0); err != nil {
			return executor.RepartitionTopic{}, fmt.Errorf("create the repartition topic: %w", err)
		}
		return executor.RepartitionTopic{Name: name, Partitions: parts}, nil
	}
	// A restarted query finds its topic. A join's repartitioned rows must
	// land in the partitions of the other side, so the count must match;
	// an aggregation's only need to be consistent.
	have := e.topics.Partitions(name)
	if have != parts && fixed > 0 {
		return executor.RepartitionTopic{}, fmt.Errorf("the repartition topic %s has %d partitions but the join's sources have %d; delete the topic (it only holds rows in flight) and restart",
			name, have, parts)
	}
	return executor.RepartitionTopic{Name: name, Partitions: have}, nil
}

// copartitioned reports whether a join's inputs that are not repartitioned
// have the same partition count, so that task p can join partition p of
// each. CREATE refuses declared sources that are not (checkCopartitioned);
// a sink of another query may still differ, as ksqlDB's tests allow: such a
// join runs as one task over all partitions instead (with a warning),
// which gives the right results in one instance.
func (e *Engine) copartitioned(man *sdk.Manifest) bool {
	if man.Pipeline.Operator == nil || man.Pipeline.Operator.Join == nil {
		return true
	}
	n := 0
	for _, in := range man.Pipeline.Inputs {
		if in.Repartition || in.Source < 0 || in.Source >= len(man.Sources) {
			continue
		}
		p := e.topics.Partitions(man.Sources[in.Source].Topic)
		if n != 0 && p != n {
			return false
		}
		n = p
	}
	return true
}
