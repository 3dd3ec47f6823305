package executor

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// MemoryTopics is an in-memory set of Kafka-like topics: partitioned,
// append-only logs with offsets. It is the topic store of tests and of
// `wasmstream test`, and a Sink.
//
// It is safe for concurrent use. Records handed out by Fetch and Records
// share their byte slices with the store: callers must not modify them.
type MemoryTopics struct {
	mu     sync.Mutex
	topics map[string]*memTopic
}

type memTopic struct {
	partitions [][]Record
	// order lists (partition, offset) in production order, so Records can
	// return a topic's records as a consumer of every partition that read
	// them as they were written would see them.
	order []memPos
	// next is the round-robin partition for records without a key.
	next int32
}

type memPos struct {
	partition int32
	offset    int64
}

// NewMemoryTopics returns an empty topic store.
func NewMemoryTopics() *MemoryTopics {
	return &MemoryTopics{topics: map[string]*memTopic{}}
}

// CreateTopic creates a topic with the given number of partitions (at least
// 1). Creating a topic that exists is not an error and keeps the existing
// topic, as ksqlDB does when a statement names an existing topic.
func (m *MemoryTopics) CreateTopic(name string, partitions int) error {
	if name == "" {
		return fmt.Errorf("create topic: empty topic name")
	}
	if partitions < 1 {
		partitions = 1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.topics[name]; !ok {
		m.topics[name] = &memTopic{partitions: make([][]Record, partitions)}
	}
	return nil
}

// DeleteTopic removes a topic and its records.
func (m *MemoryTopics) DeleteTopic(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.topics[name]; !ok {
		return &TopicError{Topic: name, Partition: -1, Err: ErrUnknownTopic}
	}
	delete(m.topics, name)
	return nil
}

// HasTopic reports whether a topic exists.
func (m *MemoryTopics) HasTopic(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.topics[name]
	return ok
}

// Topics returns the names of all topics, sorted.
func (m *MemoryTopics) Topics() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.topics))
	for n := range m.topics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Partitions returns the number of partitions of a topic, or 0 if it does
// not exist.
func (m *MemoryTopics) Partitions(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.topics[name]; ok {
		return len(t.partitions)
	}
	return 0
}

// Produce appends a copy of r to its topic, creating the topic with one
// partition if it does not exist (as a broker with automatic topic creation
// does). A negative Partition picks one as Kafka's default partitioner does:
// murmur2 of the key, or round robin for a null key. It implements Sink.
func (m *MemoryTopics) Produce(_ context.Context, r *Record) error {
	_, err := m.Append(r)
	return err
}

// Append is Produce returning the partition and offset the record got.
func (m *MemoryTopics) Append(r *Record) (Position, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.topics[r.Topic]
	if !ok {
		if r.Topic == "" {
			return Position{}, fmt.Errorf("produce: empty topic name")
		}
		t = &memTopic{partitions: make([][]Record, 1)}
		m.topics[r.Topic] = t
	}
	p := r.Partition
	n := int32(len(t.partitions))
	switch {
	case p >= n:
		return Position{}, &TopicError{Topic: r.Topic, Partition: p, Err: fmt.Errorf("no such partition (the topic has %d)", n)}
	case p < 0 && r.Key != nil:
		p = int32(toPositive(murmur2(r.Key)) % uint32(n))
	case p < 0:
		p = t.next % n
		t.next = (t.next + 1) % n
	}
	c := r.Clone()
	c.Partition = p
	c.Offset = int64(len(t.partitions[p]))
	t.partitions[p] = append(t.partitions[p], c)
	t.order = append(t.order, memPos{partition: p, offset: c.Offset})
	return Position{Partition: p, Offset: c.Offset}, nil
}

// Position is where a record was written.
type Position struct {
	Partition int32
	Offset    int64
}

// Fetch returns up to max records of one partition starting at offset (all
// remaining ones when max <= 0). An offset at or past the end gives none.
func (m *MemoryTopics) Fetch(topic string, partition int32, offset int64, max int) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.topics[topic]
	if !ok {
		return nil, &TopicError{Topic: topic, Partition: partition, Err: ErrUnknownTopic}
	}
	if partition < 0 || int(partition) >= len(t.partitions) {
		return nil, &TopicError{Topic: topic, Partition: partition, Err: fmt.Errorf("no such partition (the topic has %d)", len(t.partitions))}
	}
	log := t.partitions[partition]
	if offset < 0 {
		offset = 0
	}
	if offset >= int64(len(log)) {
		return nil, nil
	}
	end := int64(len(log))
	if max > 0 && offset+int64(max) < end {
		end = offset + int64(max)
	}
	return log[offset:end:end], nil
}

// EndOffset returns the offset the next record of a partition will get.
func (m *MemoryTopics) EndOffset(topic string, partition int32) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.topics[topic]; ok && partition >= 0 && int(partition) < len(t.partitions) {
		return int64(len(t.partitions[partition]))
	}
	return 0
}

// Len returns the number of records in a topic (all partitions).
func (m *MemoryTopics) Len(topic string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.topics[topic]; ok {
		return len(t.order)
	}
	return 0
}

// Records returns every record of a topic, in the order they were produced.
func (m *MemoryTopics) Records(topic string) []Record {
	return m.RecordsFrom(topic, 0)
}

// RecordsFrom returns the records of a topic from the i-th produced one on,
// in production order.
func (m *MemoryTopics) RecordsFrom(topic string, i int) []Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.topics[topic]
	if !ok || i >= len(t.order) {
		return nil
	}
	if i < 0 {
		i = 0
	}
	out := make([]Record, 0, len(t.order)-i)
	for _, pos := range t.order[i:] {
		out = append(out, t.partitions[pos.partition][pos.offset])
	}
	return out
}

// murmur2 is Kafka's murmur2 hash (org.apache.kafka.common.utils.Utils), so
// that keys land in the partitions a Kafka producer would choose.
func murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	length := len(data)
	h := seed ^ uint32(length)
	n := length / 4
	for i := 0; i < n; i++ {
		k := uint32(data[i*4]) | uint32(data[i*4+1])<<8 | uint32(data[i*4+2])<<16 | uint32(data[i*4+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[n*4:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// toPositive is Kafka's Utils.toPositive.
func toPositive(n int32) uint32 { return uint32(n) & 0x7fffffff }
