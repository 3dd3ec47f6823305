package live

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestMergeByTime(t *testing.T) {
	at := func(topic string, off int64, ms int64) *kgo.Record {
		return &kgo.Record{Topic: topic, Offset: off, Timestamp: time.UnixMilli(ms)}
	}
	// The stream partition has an out-of-order timestamp (5 after 7): a
	// partition's own order is kept, only the heads are compared.
	clients := []*kgo.Record{at("clients", 0, 1), at("clients", 1, 6)}
	mortgages := []*kgo.Record{at("mortgages", 0, 2), at("mortgages", 1, 7), at("mortgages", 2, 5)}
	got := mergeByTime(nil, [][]*kgo.Record{mortgages, clients})
	want := []struct {
		topic string
		off   int64
	}{{"clients", 0}, {"mortgages", 0}, {"clients", 1}, {"mortgages", 1}, {"mortgages", 2}}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Topic != w.topic || got[i].Offset != w.off {
			t.Errorf("record %d: %s@%d, want %s@%d", i, got[i].Topic, got[i].Offset, w.topic, w.off)
		}
	}
}
