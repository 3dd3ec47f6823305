package engine

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/host/executor"
)

// TestEngineJoinPumpByTime checks that Pump feeds a stream-table join in
// timestamp order across its topics (as a Kafka Streams task chooses its
// next record), whatever order the topics were written in.
func TestEngineJoinPumpByTime(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t, WithAutoCreateTopics())
	err := e.Execute(ctx, `
		CREATE STREAM S (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='s', value_format='JSON');
		CREATE TABLE T (ID BIGINT PRIMARY KEY, NAME STRING) WITH (kafka_topic='t', value_format='JSON');
		CREATE STREAM J AS SELECT S.ID, V, NAME FROM S LEFT JOIN T ON S.ID = T.ID;`)
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }
	// The stream is written first, but the table row at 5 comes before
	// the stream row at 10 in event time.
	recs := []executor.Record{
		{Topic: "s", Key: key(1), Value: []byte(`{"V":1}`), Timestamp: 1},
		{Topic: "s", Key: key(1), Value: []byte(`{"V":2}`), Timestamp: 10},
		{Topic: "t", Key: key(1), Value: []byte(`{"NAME":"one"}`), Timestamp: 5},
	}
	for i := range recs {
		if err := e.Topics().Produce(ctx, &recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.Topics().Records("J") {
		got = append(got, string(r.Value))
	}
	want := []string{`{"V":1,"NAME":null}`, `{"V":2,"NAME":"one"}`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("outputs %v, want %v", got, want)
	}
}

func TestEngineCopartitioning(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM S1 (ID INT KEY, FK INT) WITH (kafka_topic='s1', partitions=6, value_format='JSON');
		CREATE TABLE T2 (K1 INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='t2', partitions=1, value_format='JSON');`)
	if err != nil {
		t.Fatal(err)
	}
	err = e.Execute(ctx, `CREATE STREAM J AS SELECT S1.ID, NAME FROM S1 JOIN T2 ON S1.ID = T2.K1;`)
	want := "Can't join `S1` with `T2` since the number of partitions don't match. `S1` partitions = 6; `T2` partitions = 1. Please repartition either one so that the number of partitions match."
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, ok := e.Source("J"); ok {
		t.Error("the refused statement created J")
	}
}

// TestEngineAggregation runs a windowed aggregation with HAVING end to end
// through compiled modules.
func TestEngineAggregation(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t, WithAutoCreateTopics())
	err := e.Execute(ctx, `
		CREATE STREAM TEST (ID BIGINT KEY, NAME STRING, VALUE BIGINT) WITH (kafka_topic='test_topic', value_format='DELIMITED');
		CREATE TABLE T1 AS SELECT ID, SUM(VALUE) AS SUM FROM TEST WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY ID HAVING SUM(VALUE) > 100;`)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		k int64
		v string
	}{{0, "zero,0"}, {1, "one,101"}, {1, "one,-5"}} {
		r := executor.Record{Topic: "test_topic", Key: binary.BigEndian.AppendUint64(nil, uint64(v.k)), Value: []byte(v.v)}
		if err := e.Topics().Produce(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.Topics().Records("T1") {
		v := "<null>"
		if r.Value != nil {
			v = string(r.Value)
		}
		got = append(got, v)
		if len(r.Key) != 16 || binary.BigEndian.Uint64(r.Key[8:]) != 0 {
			t.Errorf("key %x is not key 1 in the window starting at 0", r.Key)
		}
	}
	if want := "101 <null>"; strings.Join(got, " ") != want {
		t.Errorf("outputs %v, want %s", got, want)
	}
}

const aggAllocScript = `
	CREATE STREAM s (id INT KEY, a INT, b BIGINT, c DOUBLE) WITH (kafka_topic='s', value_format='JSON');
	CREATE TABLE o AS SELECT a, COUNT(*) AS n, SUM(b) AS sb, MAX(c) AS mc FROM s WHERE a > 0 GROUP BY a;`

// TestAggregationDoesNotAllocate checks the stateful hot path on a
// compiled aggregation once its groups exist: input stage, accumulators,
// final stage and sink reuse their rows and buffers (the GROUP BY is on a
// value column: the repartition round trip included).
func TestAggregationDoesNotAllocate(t *testing.T) {
	assertNoAllocs(t, aggAllocScript, nil, allocRecords(3000))
}

func BenchmarkAggregationJSON(b *testing.B) { benchProcess(b, aggAllocScript) }

// TestStreamTableJoinDoesNotAllocate checks the join's hot path once the
// table is loaded: lookups, joined rows and the final stage reuse their
// storage.
func TestStreamTableJoinDoesNotAllocate(t *testing.T) {
	table := make([]executor.Record, 100)
	for i := range table {
		table[i] = executor.Record{Topic: "t", Offset: int64(i), Key: binary.BigEndian.AppendUint32(nil, uint32(i*2)), Value: []byte(`{"name":"n"}`)}
	}
	recs := allocRecords(3000)
	for i := range recs {
		recs[i].Key = binary.BigEndian.AppendUint32(nil, uint32(i%150))
	}
	assertNoAllocs(t, `
		CREATE STREAM s (id INT KEY, a INT, b BIGINT, c DOUBLE) WITH (kafka_topic='s', value_format='JSON');
		CREATE TABLE t (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='t', value_format='JSON');
		CREATE STREAM o AS SELECT s.id, a, b, name FROM s JOIN t ON s.id = t.id WHERE a > 0;`, table, recs)
}

// TestEnginePumpPartitionsByTime checks that Pump interleaves the
// partitions of a windowed aggregation's source by timestamp: read one
// partition after the other, the second one's records would all be late.
func TestEnginePumpPartitionsByTime(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	if err := e.Topics().CreateTopic("p", 2); err != nil {
		t.Fatal(err)
	}
	err := e.Execute(ctx, `
		CREATE STREAM S (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='p', value_format='JSON');
		CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY ID;`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		r := executor.Record{Topic: "p", Partition: int32(i % 2), Key: binary.BigEndian.AppendUint64(nil, uint64(i%2)), Value: []byte(`{"V":1}`), Timestamp: int64(i * 300)}
		if _, err := e.Topics().Append(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.Topics().Len("C"); n != 20 {
		t.Errorf("%d results, want one per record (20)", n)
	}
	if n := len(plog.Entries()); n != 0 {
		t.Errorf("%d records logged (late?): %+v", n, plog.Entries())
	}
}

// TestStateOwnsItsStrings checks that state keeps copies of the strings it
// is given: the stateful path reads decoded values and stage outputs as
// views of the record and of the module's memory, which change once
// Process returns (here the caller also reuses its record buffer). EMIT
// FINAL emits groups while other records are current.
func TestStateOwnsItsStrings(t *testing.T) {
	var got []string
	q := compiledQuery(t, `
		CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='s', value_format='JSON');
		CREATE TABLE o AS SELECT name, COUNT(*) AS n, LATEST_BY_OFFSET(name) AS last FROM s
			WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY name EMIT FINAL;`,
		executor.SinkFunc(func(_ context.Context, r *executor.Record) error {
			got = append(got, string(r.Key[:len(r.Key)-8])+"="+string(r.Value))
			return nil
		}))
	ctx := context.Background()
	buf := make([]byte, 0, 64)
	for i, name := range []string{"alpha", "bravo", "alpha", "charlie", "delta"} {
		buf = append(buf[:0], `{"name":"`+name+`"}`...) // the same bytes, rewritten
		if err := q.Process(ctx, []executor.Record{{Topic: "s", Key: []byte{0, 0, 0, 1}, Value: buf, Timestamp: int64(i/3) * 1000}}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{`alpha={"N":2,"LAST":"alpha"}`, `bravo={"N":1,"LAST":"bravo"}`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}
