package kafka_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// ioBroker starts an embedded broker (SASL_SSL, ACLs) whose service user
// owns the prefix "svc_" and the topic "events", with "secret" created by
// the admin (the service user has no ACL on it).
func ioBroker(t *testing.T) (admin, svc *config.Config) {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Start(ctx, broker.Options{StateDir: t.TempDir(), ServiceID: "svc_", Topics: []string{"events"}, InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.CreateTopics(ctx, 3, "events", "secret"); err != nil {
		t.Fatal(err)
	}
	load := func(user string) *config.Config {
		props, err := b.ClientConfig(user)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := config.Load(config.Options{Defaults: props, Environ: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	return load(broker.AdminUser), load(broker.ServiceUser)
}

func newStore(t *testing.T, cfg *config.Config) *kafka.Store {
	t.Helper()
	p, err := kafka.NewProducer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := kafka.NewStore(p)
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// TestProducerDelivers produces records through the Sink interface, reusing
// the caller's buffers as the executor does, and reads them back exactly.
func TestProducerDelivers(t *testing.T) {
	admin, svc := ioBroker(t)
	s := newStore(t, svc)
	ctx := context.Background()
	acks := kafka.NewAcks(svc)
	actx := kafka.WithAcks(ctx, acks)
	buf := []byte("key-1value-1")
	recs := []executor.Record{
		{Topic: "events", Partition: 2, Key: buf[:5], Value: buf[5:], Timestamp: 1700000000123,
			Headers: []executor.Header{{Key: "h", Value: []byte("v")}, {Key: "null"}, {Key: "empty", Value: []byte{}}}},
		{Topic: "events", Partition: 1, Key: nil, Value: []byte("no key")},
		{Topic: "events", Partition: 0, Key: []byte("tomb"), Value: nil},
	}
	for i := range recs {
		if err := s.Produce(actx, &recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	copy(buf, "XXXXXXXXXXXX") // the executor reuses its buffers after Produce
	if err := acks.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if acks.Acked() != 3 || acks.Pending() != 0 || acks.Errors() != 0 {
		t.Fatalf("acked %d pending %d errors %d, want 3 0 0", acks.Acked(), acks.Pending(), acks.Errors())
	}

	opts, _ := kafka.ClientOpts(admin)
	cl, err := kgo.NewClient(append(opts, kgo.ConsumeTopics("events"), kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := map[int32]*kgo.Record{}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for len(got) < 3 && pctx.Err() == nil {
		cl.PollFetches(pctx).EachRecord(func(r *kgo.Record) { got[r.Partition] = r })
	}
	r := got[2]
	if r == nil || string(r.Key) != "key-1" || string(r.Value) != "value-1" || r.Timestamp.UnixMilli() != 1700000000123 ||
		len(r.Headers) != 3 || r.Headers[0].Key != "h" || string(r.Headers[0].Value) != "v" || r.Headers[1].Value != nil ||
		r.Headers[2].Value == nil || len(r.Headers[2].Value) != 0 {
		t.Errorf("partition 2: %+v", r)
	}
	if r := got[1]; r == nil || r.Key != nil || string(r.Value) != "no key" {
		t.Errorf("partition 1 (null key): %+v", r)
	}
	if r := got[0]; r == nil || string(r.Key) != "tomb" || r.Value != nil {
		t.Errorf("partition 0 (tombstone): %+v", r)
	}
}

// TestProducerDeliveryError produces to a topic the service user may not
// write: the acknowledgement wait reports an explained ACL error, which
// stays, and later records are refused at once.
func TestProducerDeliveryError(t *testing.T) {
	_, svc := ioBroker(t)
	s := newStore(t, svc)
	ctx := context.Background()
	acks := kafka.NewAcks(svc)
	actx := kafka.WithAcks(ctx, acks)
	if err := s.Produce(actx, &executor.Record{Topic: "secret", Partition: -1, Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := acks.Wait(wctx)
	var acl *kafka.ACLError
	if !errors.As(err, &acl) || acl.Resource != "secret" || acl.Operation != kmsg.ACLOperationWrite || acl.Principal != "User:"+broker.ServiceUser {
		t.Fatalf("Wait: %v (%#v), want an ACL error for WRITE on topic secret", err, acl)
	}
	if err := acks.Wait(ctx); err == nil {
		t.Error("the delivery error did not stay")
	}
	if err := s.Produce(actx, &executor.Record{Topic: "events", Partition: -1, Value: []byte("y")}); err == nil {
		t.Error("Produce after a failed delivery succeeded; the batch would be committed past a lost record")
	}
	// Records produced without an Acks in the context are the producer's
	// own; they are unaffected.
	if err := s.Produce(ctx, &executor.Record{Topic: "events", Partition: -1, Value: []byte("z")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(wctx); err != nil {
		t.Errorf("Flush: %v", err)
	}
}

func TestStoreTopics(t *testing.T) {
	_, svc := ioBroker(t)
	s := newStore(t, svc)
	if s.HasTopic("svc_new") || s.Partitions("svc_new") != 0 {
		t.Fatal("svc_new exists before it was created")
	}
	if n := s.Partitions("events"); n != 3 {
		t.Errorf("events: %d partitions, want 3", n)
	}
	if err := s.CreateTopic("svc_new", 5, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTopic("svc_new", 5, 0); err != nil {
		t.Errorf("creating an existing topic: %v", err)
	}
	if n := s.Partitions("svc_new"); n != 5 {
		t.Errorf("svc_new: %d partitions, want 5", n)
	}
	// A fresh store (no cache) sees it on the cluster.
	if n := newStore(t, svc).Partitions("svc_new"); n != 5 {
		t.Errorf("svc_new seen by another client: %d partitions, want 5", n)
	}
	if err := s.DeleteTopic("svc_new"); err != nil {
		t.Fatal(err)
	}
	if s.HasTopic("svc_new") {
		t.Error("svc_new exists after its deletion")
	}
	err := s.CreateTopic("elsewhere", 1, 0)
	var acl *kafka.ACLError
	if !errors.As(err, &acl) || acl.Operation != kmsg.ACLOperationCreate {
		t.Errorf("creating a topic outside the service user's ACLs: %v, want an ACL error for CREATE", err)
	}
}

func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{kafka.ServiceGroup("default_", "CSAS_OUT_0"), "_confluent-ksql-default_query_CSAS_OUT_0"},
		{kafka.InternalTopic("svc_", "CTAS_T_1", "Aggregate-Aggregate-Materialize-changelog"),
			"_confluent-ksql-svc_query_CTAS_T_1-Aggregate-Aggregate-Materialize-changelog"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestProducerWithoutAnyWrite: an idempotent producer whose principal may
// write no topic is refused IDEMPOTENT_WRITE on the cluster, and the error
// says so.
func TestProducerWithoutAnyWrite(t *testing.T) {
	ctx := context.Background()
	b, err := broker.Start(ctx, broker.Options{StateDir: t.TempDir(), InMemory: true, Users: []broker.User{{Name: "reader",
		ACLs: broker.Allow("User:reader", kmsg.ACLResourceTypeTopic, "events", kmsg.ACLOperationRead)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.CreateTopics(ctx, 1, "events"); err != nil {
		t.Fatal(err)
	}
	props, err := b.ClientConfig("reader")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Load(config.Options{Defaults: props, Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t, cfg)
	if err := s.Produce(ctx, &executor.Record{Topic: "events", Partition: -1, Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = s.Flush(wctx)
	var acl *kafka.ACLError
	if !errors.As(err, &acl) || acl.ResourceType != kmsg.ACLResourceTypeCluster || acl.Operation != kmsg.ACLOperationIdempotentWrite {
		t.Fatalf("Flush: %v, want an ACL error for IDEMPOTENT_WRITE on the cluster", err)
	}
	t.Log(err)
}
