package live_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wasmstream/wasmstream/engine/live"
)

const finalScript = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM s (k VARCHAR KEY, client_id INT, city VARCHAR, action VARCHAR, type VARCHAR, credit_score INT)
  WITH (kafka_topic='mortgages', value_format='JSON');
CREATE TABLE per_city WITH (kafka_topic='per_city') AS SELECT city, COUNT(*) AS n FROM s
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY city EMIT FINAL;
`

// TestEmitFinalIdle: the input goes quiet inside a window; with
// EmitFinalIdle set, stream time moves on with the wall clock and the
// window's final counts arrive with no later record (without it, ksqlDB's
// behaviour, they would wait for one).
func TestEmitFinalIdle(t *testing.T) {
	c := startCluster(t, "final_", "mortgages", "per_city")
	if err := c.b.CreateTopics(context.Background(), 1, "mortgages"); err != nil {
		t.Fatal(err)
	}
	// Every record 100 ms before the end of one window, an hour ago.
	start := time.Now().Add(-time.Hour).Truncate(10 * time.Second)
	ts := start.Add(9900 * time.Millisecond)
	cl := client(t, c.admin)
	var recs []*kgo.Record
	for i := range 21 {
		recs = append(recs, &kgo.Record{Topic: "mortgages", Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(value(i)), Timestamp: ts})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	r := startRunOpts(t, c, finalScript, func(o *live.Options) { o.EmitFinalIdle = 300 * time.Millisecond })
	got := lastPerKey(t, c.admin, "per_city")
	r.stop(t)
	if len(got) != 7 {
		t.Fatalf("%d windowed counts, want one per city (7): %v", len(got), got)
	}
	for k, v := range got {
		if v != `{"N":3}` {
			t.Errorf("window %q: %s, want {\"N\":3}", k, v)
		}
	}
}
