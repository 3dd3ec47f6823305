package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/config"
)

// Store is a Kafka cluster as the engine's topic store (engine.TopicStore):
// it looks topics up and creates and deletes them with the admin API
// (sink topics with the statement's PARTITIONS and REPLICAS when missing),
// and it is the Producer the queries' outputs go to.
//
// Topic metadata is cached after the first look-up (CREATE and DROP go
// through the Store, which keeps the cache true); topics other clients
// create later are seen at the next look-up of an unknown name.
type Store struct {
	*Producer
	adm *kadm.Client
	cfg *config.Config

	mu         sync.Mutex
	partitions map[string]int
}

// NewStore wraps a producer; the admin requests go through its client (one
// connection set for both).
func NewStore(p *Producer) *Store {
	return &Store{Producer: p, adm: kadm.NewClient(p.cl), cfg: p.cfg, partitions: map[string]int{}}
}

// Admin returns the admin client.
func (s *Store) Admin() *kadm.Client { return s.adm }

// lookup returns the partition count of a topic, 0 when it does not exist.
func (s *Store) lookup(ctx context.Context, name string) (int, error) {
	s.mu.Lock()
	n, ok := s.partitions[name]
	s.mu.Unlock()
	if ok {
		return n, nil
	}
	ctx, cancel := context.WithTimeout(ctx, startupTimeout(s.cfg))
	defer cancel()
	td, err := s.adm.ListTopics(ctx, name)
	if err != nil {
		return 0, Explain(err, s.cfg, Topic(name, kmsg.ACLOperationDescribe))
	}
	d, ok := td[name]
	if !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
		return 0, nil
	}
	if d.Err != nil {
		return 0, Explain(d.Err, s.cfg, Topic(name, kmsg.ACLOperationDescribe))
	}
	n = len(d.Partitions)
	s.mu.Lock()
	s.partitions[name] = n
	s.mu.Unlock()
	return n, nil
}

// HasTopic reports whether the topic exists (false also when it cannot be
// described: the CREATE that follows reports why).
func (s *Store) HasTopic(name string) bool {
	n, _ := s.lookup(context.Background(), name)
	return n > 0
}

// Partitions returns the topic's partition count, 0 when it does not exist.
func (s *Store) Partitions(name string) int {
	n, _ := s.lookup(context.Background(), name)
	return n
}

// CreateTopic creates a topic; replicas <= 0 uses the broker's default.
// A topic that exists already is not an error.
func (s *Store) CreateTopic(name string, partitions, replicas int) error {
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout(s.cfg))
	defer cancel()
	rf := int16(-1)
	if replicas > 0 {
		rf = int16(replicas)
	}
	_, err := s.adm.CreateTopic(ctx, int32(partitions), rf, nil, name)
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating topic %s: %w", name, Explain(err, s.cfg, Topic(name, kmsg.ACLOperationCreate)))
	}
	s.mu.Lock()
	delete(s.partitions, name)
	s.mu.Unlock()
	if n, lerr := s.lookup(ctx, name); lerr == nil && n == 0 {
		// Metadata may lag the creation; remember what was asked for.
		s.mu.Lock()
		s.partitions[name] = partitions
		s.mu.Unlock()
	}
	return nil
}

// DeleteTopic deletes a topic.
func (s *Store) DeleteTopic(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout(s.cfg))
	defer cancel()
	s.mu.Lock()
	delete(s.partitions, name)
	s.mu.Unlock()
	if _, err := s.adm.DeleteTopic(ctx, name); err != nil && !errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("deleting topic %s: %w", name, Explain(err, s.cfg, Topic(name, kmsg.ACLOperationDelete)))
	}
	return nil
}

// ServiceGroup returns the consumer group of a persistent query, named as
// ksqlDB names it: _confluent-ksql-<service id>query_<query id>.
func ServiceGroup(serviceID, queryID string) string {
	return "_confluent-ksql-" + serviceID + "query_" + queryID
}

// InternalTopic returns the name of a query's internal topic (a
// repartition or changelog topic), named as Kafka Streams names them under
// ksqlDB's application id, so that one prefixed ACL on
// _confluent-ksql-<service id> covers the groups and internal topics of
// every query: _confluent-ksql-<service id>query_<query id>-<name>, where
// name is e.g. "Aggregate-Aggregate-Materialize-changelog".
func InternalTopic(serviceID, queryID, name string) string {
	return ServiceGroup(serviceID, queryID) + "-" + name
}
