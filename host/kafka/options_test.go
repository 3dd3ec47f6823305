package kafka

import (
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestClientOptsNeedBootstrap(t *testing.T) {
	if _, err := ClientOpts(loadConfig(t, nil)); !errors.Is(err, ErrNoBootstrap) {
		t.Errorf("got %v, want ErrNoBootstrap", err)
	}
}

func TestOptionValues(t *testing.T) {
	cfg := loadConfig(t, map[string]string{
		"bootstrap.servers":                               "b1:9092,SASL_SSL://b2:9093",
		"client.id":                                       "ws-1",
		"request.timeout.ms":                              "15000",
		"socket.connection.setup.timeout.ms":              "2500",
		"ksql.streams.producer.linger.ms":                 "7",
		"ksql.streams.producer.batch.size":                "65536",
		"ksql.streams.producer.compression.type":          "zstd",
		"ksql.streams.producer.delivery.timeout.ms":       "60000",
		"ksql.streams.producer.max.request.size":          "2097152",
		"ksql.streams.consumer.fetch.max.bytes":           "1048576",
		"ksql.streams.consumer.fetch.min.bytes":           "10",
		"ksql.streams.consumer.fetch.max.wait.ms":         "250",
		"ksql.streams.consumer.max.partition.fetch.bytes": "524288",
		"ksql.streams.consumer.isolation.level":           "read_committed",
		"ksql.streams.consumer.session.timeout.ms":        "30000",
		"ksql.streams.consumer.heartbeat.interval.ms":     "2000",
		"ksql.streams.consumer.max.poll.interval.ms":      "90000",
		"auto.offset.reset":                               "earliest",
	})
	opts := mustClientOpts(t, cfg)
	opts = append(opts, ProducerOpts(cfg)...)
	opts = append(opts, ConsumerOpts(cfg)...)
	opts = append(opts, GroupOpts(cfg)...)
	opts = append(opts, kgo.ConsumerGroup("g"), kgo.ConsumeTopics("t"))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	tests := []struct {
		opt  any
		want any
	}{
		{kgo.ClientID, "ws-1"},
		{kgo.RequestTimeoutOverhead, 15 * time.Second},
		{kgo.DialTimeout, 2500 * time.Millisecond},
		{kgo.ProducerLinger, 7 * time.Millisecond},
		{kgo.ProducerBatchMaxBytes, int32(65536)},
		{kgo.RecordDeliveryTimeout, time.Minute},
		{kgo.BrokerMaxWriteBytes, int32(2097152)},
		{kgo.FetchMaxBytes, int32(1048576)},
		{kgo.FetchMinBytes, int32(10)},
		{kgo.FetchMaxWait, 250 * time.Millisecond},
		{kgo.FetchMaxPartitionBytes, int32(524288)},
		{kgo.SessionTimeout, 30 * time.Second},
		{kgo.HeartbeatInterval, 2 * time.Second},
		{kgo.RebalanceTimeout, 90 * time.Second},
		{kgo.DisableIdempotentWrite, false},
	}
	for _, tt := range tests {
		if got := cl.OptValue(tt.opt); got != tt.want {
			t.Errorf("%T option: got %v (%T), want %v", tt.opt, got, got, tt.want)
		}
	}
	if got := cl.OptValue(kgo.SeedBrokers).([]string); len(got) != 2 || got[1] != "b2:9093" {
		t.Errorf("seed brokers %v", got)
	}
	if got := cl.OptValue(kgo.ConsumeResetOffset).(kgo.Offset); got.String() != kgo.NewOffset().AtStart().String() {
		t.Errorf("reset offset %v", got)
	}
	if got := cl.OptValue(kgo.ConsumeStartOffset).(kgo.Offset); got.String() != kgo.NewOffset().AtStart().String() {
		t.Errorf("start offset %v (auto.offset.reset=earliest)", got)
	}
	if got := cl.OptValue(kgo.FetchIsolationLevel); got != int8(1) { // 1: read committed
		t.Errorf("isolation %v", got)
	}
}

func TestAcksDisableIdempotence(t *testing.T) {
	for _, tt := range []struct {
		flags   map[string]string
		disable bool
	}{
		{map[string]string{"acks": "all"}, false},
		{map[string]string{"acks": "1"}, true},
		{map[string]string{"acks": "0"}, true},
		{map[string]string{"enable.idempotence": "false"}, true},
		{map[string]string{}, false},
	} {
		tt.flags["bootstrap.servers"] = "b:9092"
		cfg := loadConfig(t, tt.flags)
		cl, err := kgo.NewClient(append(mustClientOpts(t, cfg), ProducerOpts(cfg)...)...)
		if err != nil {
			t.Fatalf("%v: %v", tt.flags, err)
		}
		if got := cl.OptValue(kgo.DisableIdempotentWrite); got != tt.disable {
			t.Errorf("%v: idempotence disabled = %v, want %v", tt.flags, got, tt.disable)
		}
		cl.Close()
	}
}

// TestFetchMaxWaitDefault: without fetch.max.wait.ms, consumers wait as
// Kafka's do (500 ms), not franz-go's 5 s.
func TestFetchMaxWaitDefault(t *testing.T) {
	cfg := loadConfig(t, map[string]string{"bootstrap.servers": "b:9092"})
	cl, err := kgo.NewClient(append(mustClientOpts(t, cfg), ConsumerOpts(cfg)...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if got := cl.OptValue(kgo.FetchMaxWait); got != DefaultFetchMaxWait {
		t.Errorf("fetch max wait %v, want %v", got, DefaultFetchMaxWait)
	}
}
