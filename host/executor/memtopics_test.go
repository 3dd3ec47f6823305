package executor

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestMemoryTopicsPartitionerMatchesKafka(t *testing.T) {
	m := NewMemoryTopics()
	if err := m.CreateTopic("t", 7); err != nil {
		t.Fatal(err)
	}
	// franz-go's sticky key partitioner with its default hasher is Kafka's
	// murmur2 partitioner: keyed records must land where it puts them.
	tp := kgo.StickyKeyPartitioner(nil).ForTopic("t")
	for i := 0; i < 200; i++ {
		key := []byte(fmt.Sprintf("key-%d-%s", i, string(make([]byte, i%5))))
		pos, err := m.Append(&Record{Topic: "t", Partition: -1, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if want := tp.Partition(&kgo.Record{Key: key}, 7); int(pos.Partition) != want {
			t.Fatalf("key %q: partition %d, Kafka's partitioner says %d", key, pos.Partition, want)
		}
	}
}

func TestMemoryTopicsLogs(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryTopics()
	if err := m.CreateTopic("t", 2); err != nil {
		t.Fatal(err)
	}
	key := []byte("k")
	r := Record{Topic: "t", Partition: 1, Key: key, Value: []byte("v0"), Timestamp: 5, Headers: []Header{{Key: "h", Value: []byte("x")}}}
	if err := m.Produce(ctx, &r); err != nil {
		t.Fatal(err)
	}
	key[0] = 'X' // the store keeps a copy
	r.Headers[0].Value[0] = 'Y'
	for i := 1; i < 4; i++ {
		if err := m.Produce(ctx, &Record{Topic: "t", Partition: int32(i % 2), Value: []byte(fmt.Sprintf("v%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := m.Fetch("t", 1, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got[0].Key) != "k" || string(got[0].Headers[0].Value) != "x" || got[2].Offset != 2 || got[0].Timestamp != 5 {
		t.Errorf("partition 1: %+v", got)
	}
	if got, _ := m.Fetch("t", 1, 1, 1); len(got) != 1 || string(got[0].Value) != "v1" {
		t.Errorf("fetch from offset 1, max 1: %+v", got)
	}
	if got, _ := m.Fetch("t", 1, 9, 0); len(got) != 0 {
		t.Errorf("fetch past the end: %+v", got)
	}
	var order []string
	for _, r := range m.Records("t") {
		order = append(order, string(r.Value))
	}
	if fmt.Sprint(order) != "[v0 v1 v2 v3]" {
		t.Errorf("production order %v", order)
	}
	if m.EndOffset("t", 0) != 1 || m.EndOffset("t", 1) != 3 || m.Len("t") != 4 {
		t.Errorf("end offsets %d %d, len %d", m.EndOffset("t", 0), m.EndOffset("t", 1), m.Len("t"))
	}
	if _, err := m.Fetch("nope", 0, 0, 0); err == nil {
		t.Error("fetch from an unknown topic: no error")
	}
	if err := m.Produce(ctx, &Record{Topic: "t", Partition: 5}); err == nil {
		t.Error("produce to a missing partition: no error")
	}
	if err := m.Produce(ctx, &Record{Topic: "auto", Partition: -1}); err != nil || m.Partitions("auto") != 1 {
		t.Errorf("automatic topic creation: %v, %d partitions", err, m.Partitions("auto"))
	}
	if err := m.DeleteTopic("t"); err != nil || m.HasTopic("t") {
		t.Errorf("delete: %v", err)
	}
}
