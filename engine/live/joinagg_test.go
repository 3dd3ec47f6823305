package live_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// joinAggScript counts mortgages per city of their client: the stream is
// keyed by mortgage, so its rows go through the repartition topic to meet
// the clients table, and the joined rows go through it again, keyed by
// city, to the aggregation.
const joinAggScript = `
SET 'auto.offset.reset'='earliest';
CREATE TABLE clients (id INT PRIMARY KEY, city VARCHAR) WITH (kafka_topic='clients', value_format='JSON');
CREATE STREAM mortgages (mid VARCHAR KEY, client_id INT) WITH (kafka_topic='mortgages', value_format='JSON');
CREATE TABLE per_city WITH (kafka_topic='per_city') AS
  SELECT c.city AS city, COUNT(*) AS n FROM mortgages m JOIN clients c ON m.client_id = c.id GROUP BY c.city;
`

// TestAggregationOverJoinOnKafka runs an aggregation over a stream-table
// join on 2-partition topics through the embedded broker, stops it, and
// restarts it from its checkpoint with more input: the final counts are
// those of every mortgage, each counted once.
func TestAggregationOverJoinOnKafka(t *testing.T) {
	c := startCluster(t, "joinagg_", "clients", "mortgages", "per_city")
	if err := c.b.CreateTopics(context.Background(), 2, "clients", "mortgages"); err != nil {
		t.Fatal(err)
	}
	const clients = 10
	cl := client(t, c.admin)
	send := func(recs ...*kgo.Record) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	for id := range clients {
		// KAFKA INT keys, as the table reads them.
		send(&kgo.Record{Topic: "clients", Key: []byte{0, 0, 0, byte(id)}, Value: []byte(fmt.Sprintf(`{"CITY":"c%d"}`, id%3))})
	}
	mortgages := func(from, to int) {
		for i := from; i < to; i++ {
			send(&kgo.Record{Topic: "mortgages", Key: []byte(fmt.Sprintf("m%d", i)), Value: []byte(fmt.Sprintf(`{"CLIENT_ID":%d}`, i%clients))})
		}
	}
	dir := t.TempDir()
	r := startRunWith(t, c, joinAggScript, dir)
	// The table first, so that every mortgage finds its client.
	r.waitIn(t, clients)
	mortgages(0, 60)
	r.waitIn(t, clients+60)
	r.waitOut(t, 60) // each mortgage updates its city's count
	r.stop(t)
	first := r

	mortgages(60, 150)
	r = startRunWith(t, c, joinAggScript, dir)
	r.waitIn(t, 90)
	r.waitOut(t, 90)
	r.stop(t)

	want := cityCounts(150, func(i int) int { return (i % clients) % 3 })
	got := lastPerKey(t, c.admin, "per_city")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("last count per city %v, want %v\nfirst run:\n%s\nsecond run:\n%s", got, want, first.status.String(), r.status.String())
	}
}
