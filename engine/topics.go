package engine

import (
	"context"

	"github.com/wasmstream/wasmstream/host/executor"
)

// TopicStore is where the engine's topics live: the in-memory topics of
// executor.MemoryTopics (tests, `wasmstream test`) or a Kafka cluster
// (`wasmstream run`, see engine/live). CREATE checks and creates topics
// through it, DROP ... DELETE TOPIC deletes them, and every persistent query
// and INSERT ... VALUES produces into it (it is the queries' executor.Sink).
//
// Methods are called on the engine's goroutine, except Produce, which is
// called on the goroutine that runs the query (see executor.Sink: the
// record's slices are only valid during the call).
type TopicStore interface {
	executor.Sink
	// HasTopic reports whether the topic exists.
	HasTopic(name string) bool
	// Partitions returns the topic's partition count, 0 when it does not
	// exist.
	Partitions(name string) int
	// CreateTopic creates a topic. replicas <= 0 means the store's default
	// (the broker's default.replication.factor on Kafka).
	CreateTopic(name string, partitions, replicas int) error
	// DeleteTopic deletes a topic.
	DeleteTopic(name string) error
}

// MemoryStore adapts executor.MemoryTopics to TopicStore (replicas mean
// nothing in memory and are ignored).
func MemoryStore(m *executor.MemoryTopics) TopicStore { return memStore{m} }

type memStore struct{ m *executor.MemoryTopics }

func (s memStore) Produce(ctx context.Context, r *executor.Record) error { return s.m.Produce(ctx, r) }
func (s memStore) HasTopic(name string) bool                             { return s.m.HasTopic(name) }
func (s memStore) Partitions(name string) int                            { return s.m.Partitions(name) }
func (s memStore) CreateTopic(name string, partitions, _ int) error {
	return s.m.CreateTopic(name, partitions)
}
func (s memStore) DeleteTopic(name string) error { return s.m.DeleteTopic(name) }

// WithTopicStore makes the engine use the given topic store, such as a
// Kafka cluster's. Pump and Topics need the in-memory store (WithTopics):
// with another store, Topics returns nil and Pump fails; the caller moves
// records itself with Query.Process.
func WithTopicStore(s TopicStore) Option {
	return func(c *config) {
		if m, ok := s.(memStore); ok {
			c.topics, c.store = m.m, nil
			return
		}
		c.topics, c.store = nil, s
	}
}
