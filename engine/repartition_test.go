package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/host/executor"
)

func intKey(i int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(i)) }

// TestRepartitionedAggregation groups a 4-partition stream by a value
// column: the rows go through the query's repartition topic, keyed by the
// group, so that every row of a group reaches one task, and the counts are
// those of a single-partition run.
func TestRepartitionedAggregation(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM S (ID INT KEY, CITY STRING) WITH (kafka_topic='s', partitions=4, value_format='JSON');
		CREATE TABLE O AS SELECT CITY, COUNT(*) AS N FROM S GROUP BY CITY;`)
	if err != nil {
		t.Fatal(err)
	}
	q := e.Queries()[0]
	const topic = "_confluent-ksql-default_query_CTAS_O_0-Aggregate-GroupBy-repartition"
	if got := q.InternalTopics(); len(got) != 1 || got[0] != topic {
		t.Fatalf("internal topics %v, want [%s]", got, topic)
	}
	const n = 200
	want := map[string]int{}
	for i := range n {
		city := fmt.Sprintf("c%d", i%7)
		want[city]++
		// Keyed by ID: the producer spreads a city over every partition.
		r := executor.Record{Topic: "s", Partition: -1, Key: intKey(i), Value: []byte(`{"CITY":"` + city + `"}`), Timestamp: int64(i)}
		if err := e.Topics().Produce(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	if p := e.Topics().Partitions(topic); p != 4 {
		t.Errorf("repartition topic has %d partitions, want the source's 4", p)
	}
	// Every row went through the topic, each city to one partition.
	rows, cityPart := 0, map[string]int32{}
	for p := range int32(4) {
		recs, _ := e.Topics().Fetch(topic, p, 0, 1<<20)
		for _, r := range recs {
			rows++
			if old, ok := cityPart[string(r.Key)]; ok && old != p {
				t.Errorf("key %q in partitions %d and %d", r.Key, old, p)
			}
			cityPart[string(r.Key)] = p
		}
	}
	if rows != n || len(cityPart) != 7 {
		t.Errorf("%d rows of %d keys through the repartition topic, want %d of 7", rows, len(cityPart), n)
	}
	last := map[string]string{}
	seen := map[string]int{}
	for _, r := range e.Topics().Records("O") {
		city := strings.Trim(string(r.Key), `"`)
		seen[city]++
		if want := fmt.Sprintf(`{"N":%d}`, seen[city]); string(r.Value) != want {
			t.Errorf("update %d of %s: %s, want %s (counts must grow by one)", seen[city], city, r.Value, want)
		}
		last[city] = string(r.Value)
	}
	for city, c := range want {
		if w := fmt.Sprintf(`{"N":%d}`, c); last[city] != w {
			t.Errorf("%s: last count %s, want %s", city, last[city], w)
		}
	}
	if len(plog.Entries()) != 0 {
		t.Errorf("processing log: %+v", plog.Entries())
	}
}

// TestGroupByKeyNeedsNoRepartition: grouped by its key, a stream is already
// partitioned by the group, and ksqlDB creates no repartition topic.
func TestGroupByKeyNeedsNoRepartition(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM S (ID INT KEY, CITY STRING) WITH (kafka_topic='s', partitions=4, value_format='JSON');
		CREATE TABLE O AS SELECT ID, COUNT(*) AS N FROM S GROUP BY ID;
		CREATE STREAM J AS SELECT S.ID, CITY, N FROM S JOIN O ON S.ID = O.ID;`)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range e.Queries() {
		if got := q.InternalTopics(); len(got) != 0 {
			t.Errorf("%s: internal topics %v, want none", q.ID(), got)
		}
	}
	for _, topic := range e.Topics().Topics() {
		if strings.HasSuffix(topic, "-repartition") {
			t.Errorf("topic %s created", topic)
		}
	}
}

// TestStreamTimePerTask: each input partition is a task with its own
// stream time, as in Kafka Streams, so a record far ahead on one partition
// does not make another partition's records late.
func TestStreamTimePerTask(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', partitions=2, value_format='JSON');
		CREATE TABLE O AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY ID;`)
	if err != nil {
		t.Fatal(err)
	}
	q := e.Queries()[0]
	rec := func(p int32, id int, ts int64) []executor.Record {
		return []executor.Record{{Topic: "s", Partition: p, Key: intKey(id), Value: []byte(`{"V":1}`), Timestamp: ts}}
	}
	steps := []struct {
		recs []executor.Record
		late bool
	}{
		{rec(0, 1, 100_000), false},
		{rec(1, 2, 1_000), false}, // partition 1's stream time is its own
		{rec(1, 2, 2_000), false},
		{rec(0, 1, 1_000), true}, // partition 0 is at 100 s: late
	}
	for i, s := range steps {
		before := len(plog.Entries())
		if err := q.Process(ctx, s.recs); err != nil {
			t.Fatal(err)
		}
		late := len(plog.Entries()) > before
		if late != s.late {
			t.Errorf("step %d: late %v, want %v (log %+v)", i, late, s.late, plog.Entries())
		}
	}
	if st, ok := q.StreamTime(); !ok || st != 100_000 {
		t.Errorf("StreamTime %d %v, want the largest task's 100000", st, ok)
	}
	var got []string
	for _, r := range e.Topics().Records("O") {
		got = append(got, fmt.Sprintf("%d@%d=%s", binary.BigEndian.Uint32(r.Key[:4]), binary.BigEndian.Uint64(r.Key[4:]), r.Value))
	}
	want := `1@100000={"N":1} 2@0={"N":1} 2@0={"N":2}`
	if strings.Join(got, " ") != want {
		t.Errorf("outputs %v, want %s", got, want)
	}
}

// TestRepartitionedStreamTableJoin joins a stream on a value column with a
// 3-partition table: the stream's rows are repartitioned with the join key
// encoded as the table's key, so they reach the task that holds the table
// partition of that key.
func TestRepartitionedStreamTableJoin(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='t', partitions=3, value_format='JSON');
		CREATE STREAM S (K INT KEY, TID INT) WITH (kafka_topic='s', partitions=3, value_format='JSON');
		CREATE STREAM J AS SELECT S.K, TID, NAME FROM S JOIN T ON S.TID = T.ID;`)
	if err != nil {
		t.Fatal(err)
	}
	q := e.Queries()[0]
	if len(q.InternalTopics()) != 1 {
		t.Fatalf("internal topics %v, want the join's repartition topic", q.InternalTopics())
	}
	const ids, rows = 20, 100
	for id := range ids {
		r := executor.Record{Topic: "t", Partition: -1, Key: intKey(id), Value: []byte(fmt.Sprintf(`{"NAME":"n%d"}`, id)), Timestamp: 1}
		if err := e.Topics().Produce(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	for k := range rows {
		r := executor.Record{Topic: "s", Partition: -1, Key: intKey(1000 + k), Value: []byte(fmt.Sprintf(`{"TID":%d}`, k%ids)), Timestamp: 10}
		if err := e.Topics().Produce(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	out := e.Topics().Records("J")
	if len(out) != rows {
		t.Fatalf("%d joined rows, want %d (log %+v)", len(out), rows, plog.Entries())
	}
	// The result is keyed by the join key, TID.
	seen := map[int]bool{}
	for _, r := range out {
		tid := int(binary.BigEndian.Uint32(r.Key))
		var k int
		if _, err := fmt.Sscanf(string(r.Value), `{"K":%d,`, &k); err != nil {
			t.Fatalf("value %s: %v", r.Value, err)
		}
		want := fmt.Sprintf(`{"K":%d,"NAME":"n%d"}`, k, (k-1000)%ids)
		if tid != (k-1000)%ids || string(r.Value) != want || seen[k] {
			t.Errorf("key %d: %s, want key %d and %s once", tid, r.Value, (k-1000)%ids, want)
		}
		seen[k] = true
	}
}

// TestRepartitionCheckpointRestore stops a repartitioning query after
// every record, restores its checkpoint into a new query on the same
// topics, and goes on: the outputs are those of an uninterrupted run. The
// queries: a table aggregation by a value column (subtractions through the
// topic) and an aggregation over a stream-table join (the stream and the
// join's rows both through the topic), on 2 partitions.
func TestRepartitionCheckpointRestore(t *testing.T) {
	ctx := context.Background()
	var tableInputs []executor.Record
	for i := range 12 {
		// Table updates move ids between cities, and delete some.
		v := []byte(fmt.Sprintf(`{"CITY":"c%d","V":%d}`, (i*5)%3, i))
		if i%5 == 4 {
			v = nil
		}
		tableInputs = append(tableInputs, executor.Record{Topic: "t", Partition: int32(i % 2), Offset: int64(i / 2), Key: intKey(i % 4), Value: v, Timestamp: int64(i)})
	}
	var joinInputs []executor.Record
	offsets := map[string]int64{}
	add := func(topic string, p int32, key []byte, v string, ts int64) {
		joinInputs = append(joinInputs, executor.Record{Topic: topic, Partition: p, Offset: offsets[fmt.Sprint(topic, p)], Key: key, Value: []byte(v), Timestamp: ts})
		offsets[fmt.Sprint(topic, p)]++
	}
	for id := range 4 {
		// The table keyed by id, partitioned as a producer would.
		key := intKey(id)
		add("c", int32(toPartition(key, 2)), key, fmt.Sprintf(`{"CITY":"c%d"}`, id%2), 0)
	}
	for i := range 14 {
		add("m", int32(i%2), intKey(100+i), fmt.Sprintf(`{"CID":%d,"AMOUNT":%d}`, i%5, i), int64(1+i))
		if i == 7 {
			add("c", int32(toPartition(intKey(1), 2)), intKey(1), `{"CITY":"c0"}`, 8)
		}
	}
	tests := []struct {
		name, script string
		inputs       []executor.Record
		sanity       string
	}{
		{"table aggregation", `
			CREATE TABLE T (ID INT PRIMARY KEY, CITY STRING, V INT) WITH (kafka_topic='t', partitions=2, value_format='JSON');
			CREATE TABLE O AS SELECT CITY, COUNT(*) AS N, SUM(V) AS S FROM T GROUP BY CITY;`, tableInputs, `"N":0`},
		{"aggregation over a join", `
			CREATE TABLE C (ID INT PRIMARY KEY, CITY STRING) WITH (kafka_topic='c', partitions=2, value_format='JSON');
			CREATE STREAM M (MID INT KEY, CID INT, AMOUNT INT) WITH (kafka_topic='m', partitions=2, value_format='JSON');
			CREATE TABLE O AS SELECT C.CITY AS CITY, COUNT(*) AS N, SUM(AMOUNT) AS S FROM M JOIN C ON M.CID = C.ID GROUP BY C.CITY;`, joinInputs, `c1={"N":5,"S":31}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := func(topics *executor.MemoryTopics, checkpoint []byte, recs []executor.Record) []byte {
				e, err := New(ctx, WithTopics(topics), WithProcessingLog(&executor.MemoryProcessingLog{}))
				if err != nil {
					t.Fatal(err)
				}
				defer e.Close(ctx)
				if err := e.Execute(ctx, tc.script); err != nil {
					t.Fatal(err)
				}
				q := e.Queries()[0]
				if len(q.InternalTopics()) != 1 {
					t.Fatalf("internal topics %v, want a repartition topic", q.InternalTopics())
				}
				if checkpoint != nil {
					if err := q.RestoreCheckpoint(checkpoint); err != nil {
						t.Fatal(err)
					}
				}
				for i := range recs {
					if err := q.Process(ctx, recs[i:i+1]); err != nil {
						t.Fatal(err)
					}
				}
				cp, err := q.Checkpoint()
				if err != nil {
					t.Fatal(err)
				}
				return cp
			}
			render := func(topics *executor.MemoryTopics) string {
				var b bytes.Buffer
				for _, r := range topics.Records("O") {
					fmt.Fprintf(&b, "%s=%s ", r.Key, r.Value)
				}
				return b.String()
			}
			whole := executor.NewMemoryTopics()
			run(whole, nil, tc.inputs)
			want := render(whole)
			if !strings.Contains(want, tc.sanity) {
				t.Fatalf("the outputs lack %s: %s", tc.sanity, want)
			}
			for cut := 0; cut <= len(tc.inputs); cut++ {
				topics := executor.NewMemoryTopics()
				cp := run(topics, nil, tc.inputs[:cut])
				run(topics, cp, tc.inputs[cut:])
				if got := render(topics); got != want {
					t.Errorf("stopped after %d records:\n got %s\nwant %s", cut, got, want)
				}
			}
		})
	}
}

// toPartition is the partition Kafka's default partitioner gives key.
func toPartition(key []byte, n int) int32 {
	topics := executor.NewMemoryTopics()
	_ = topics.CreateTopic("x", n)
	pos, _ := topics.Append(&executor.Record{Topic: "x", Partition: -1, Key: key})
	return pos.Partition
}

// TestJoinOfUnequalPartitionsRunsAsOneTask: a join of a query's 4-partition
// sink with a 1-partition table (which CREATE allows, as ksqlDB's tests do)
// cannot pair partition p with partition p; it runs as one task and joins
// rows of every partition.
func TestJoinOfUnequalPartitionsRunsAsOneTask(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE TABLE A (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='a', partitions=4, value_format='JSON');
		CREATE TABLE A2 WITH (PARTITIONS=4) AS SELECT * FROM A;
		CREATE TABLE B (ID INT PRIMARY KEY, Y STRING) WITH (kafka_topic='b', partitions=1, value_format='JSON');
		CREATE TABLE J AS SELECT A2.ID, X, Y FROM A2 JOIN B ON A2.ID = B.ID;`)
	if err != nil {
		t.Fatal(err)
	}
	for id := range 8 {
		for _, r := range []executor.Record{
			{Topic: "b", Partition: 0, Key: intKey(id), Value: []byte(fmt.Sprintf(`{"Y":"y%d"}`, id)), Timestamp: 1},
			{Topic: "a", Partition: -1, Key: intKey(id), Value: []byte(fmt.Sprintf(`{"X":"x%d"}`, id)), Timestamp: 2},
		} {
			if err := e.Topics().Produce(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	parts := map[int32]bool{}
	for _, r := range e.Topics().Records("A2") {
		parts[r.Partition] = true
	}
	if len(parts) < 2 {
		t.Fatalf("A2's rows are in partitions %v: the test needs several", parts)
	}
	if n := e.Topics().Len("J"); n != 8 {
		t.Errorf("%d joined rows, want 8", n)
	}
}

// TestDecimalSumOverflowStopsTheQuery: a DECIMAL SUM beyond its precision
// fails the query, as in ksqlDB ("Numeric field overflow"), with the
// record that overflowed; the sum is never written wrong.
func TestDecimalSumOverflowStopsTheQuery(t *testing.T) {
	ctx := context.Background()
	e, _ := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM S (ID INT KEY, D DECIMAL(4, 2)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
		CREATE TABLE O AS SELECT ID, SUM(D) AS T FROM S GROUP BY ID;`)
	if err != nil {
		t.Fatal(err)
	}
	q := e.Queries()[0]
	for i, v := range []string{"60.00", "30.50", "10.00", "1.00"} {
		r := executor.Record{Topic: "s", Partition: 0, Offset: int64(i), Key: intKey(1), Value: []byte(`{"D":` + v + `}`), Timestamp: int64(i)}
		err = q.Process(ctx, []executor.Record{r})
		if err != nil {
			break
		}
	}
	var qe *executor.QueryError
	if !errors.As(err, &qe) || qe.Offset != 2 || !strings.Contains(err.Error(), "Numeric field overflow") {
		t.Fatalf("error %v, want a QueryError at offset 2 about a numeric overflow", err)
	}
	var got []string
	for _, r := range e.Topics().Records("O") {
		got = append(got, string(r.Value))
	}
	if want := `{"T":60.00} {"T":90.50}`; strings.Join(got, " ") != want {
		t.Errorf("outputs %v, want %s", got, want)
	}
}

// TestBadRepartitionRecordIsLogged: the repartition topic is read back from
// Kafka, where anything may be written. A record that is not one the query
// wrote (garbage, or values of other types) is logged with its position
// and skipped; the query goes on.
func TestBadRepartitionRecordIsLogged(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE STREAM S (ID INT KEY, CITY STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
		CREATE TABLE O AS SELECT CITY, COUNT(*) AS N FROM S GROUP BY CITY;`)
	if err != nil {
		t.Fatal(err)
	}
	q := e.Queries()[0]
	topic := q.InternalTopics()[0]
	bad := []executor.Record{
		{Topic: topic, Partition: 0, Offset: 0, Value: []byte("garbage")},
		// Version 1, an addition of input 0, one BIGINT where a STRING
		// key and no argument (COUNT(*)) are expected.
		{Topic: topic, Partition: 0, Offset: 1, Value: []byte{1, 1, 0, 1, 3, 2}},
	}
	if err := q.Process(ctx, bad); err != nil {
		t.Fatal(err)
	}
	good := executor.Record{Topic: "s", Partition: 0, Key: intKey(1), Value: []byte(`{"CITY":"Oslo"}`), Timestamp: 1}
	if err := q.Process(ctx, []executor.Record{good}); err != nil {
		t.Fatal(err)
	}
	entries := plog.Entries()
	if len(entries) != 2 {
		t.Fatalf("log %+v, want two entries", entries)
	}
	for i, e := range entries {
		if e.Topic != topic || e.Offset != int64(i) || !strings.HasPrefix(e.Reason, "bad repartition record: ") {
			t.Errorf("entry %d: %+v, want the record at offset %d of %s", i, e, i, topic)
		}
	}
	if got := e.Topics().Records("O"); len(got) != 1 || string(got[0].Value) != `{"N":1}` {
		t.Errorf("outputs %v, want one count of 1", got)
	}
}

// TestRekeyedChainedJoin joins orders (keyed by order) with customers on
// cust, then with products on prod, on 2-partition topics: the stream is
// repartitioned by cust to meet customers, the joined rows by prod to meet
// products; every order with both finds them.
func TestRekeyedChainedJoin(t *testing.T) {
	ctx := context.Background()
	e, plog := newTestEngine(t)
	err := e.Execute(ctx, `
		CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON', partitions=2);
		CREATE TABLE products (id INT PRIMARY KEY, title STRING) WITH (kafka_topic='products', value_format='JSON', partitions=2);
		CREATE STREAM orders (oid INT KEY, cust INT, prod INT) WITH (kafka_topic='orders', value_format='JSON', partitions=2);
		CREATE STREAM enriched AS SELECT o.prod AS prod, o.oid AS oid, c.name AS name, p.title AS title
			FROM orders o JOIN customers c ON o.cust = c.id JOIN products p ON o.prod = p.id;`)
	if err != nil {
		t.Fatal(err)
	}
	if j := e.Queries()[0].Manifest().Pipeline.Operator.Join; j.Next == nil || !j.Next.RepartitionLeft {
		t.Fatal("the second join does not re-key the first's results")
	}
	produce := func(topic string, key int, v string, ts int64) {
		r := executor.Record{Topic: topic, Partition: -1, Key: intKey(key), Value: []byte(v), Timestamp: ts}
		if err := e.Topics().Produce(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	for id := range 6 {
		produce("customers", id, fmt.Sprintf(`{"NAME":"c%d"}`, id), 0)
		produce("products", 10+id, fmt.Sprintf(`{"TITLE":"p%d"}`, 10+id), 0)
	}
	const orders = 40
	for i := range orders {
		produce("orders", 100+i, fmt.Sprintf(`{"CUST":%d,"PROD":%d}`, i%6, 10+(i*5)%6), 1+int64(i))
	}
	if err := e.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, r := range e.Topics().Records("ENRICHED") {
		var oid int
		if _, err := fmt.Sscanf(string(r.Value), `{"OID":%d,`, &oid); err != nil {
			t.Fatalf("value %s: %v", r.Value, err)
		}
		got[oid] = fmt.Sprintf("%d %s", binary.BigEndian.Uint32(r.Key), r.Value)
	}
	if len(got) != orders {
		t.Fatalf("%d orders enriched, want %d (log %+v)", len(got), orders, plog.Entries())
	}
	for i := range orders {
		prod := 10 + (i*5)%6
		want := fmt.Sprintf(`%d {"OID":%d,"NAME":"c%d","TITLE":"p%d"}`, prod, 100+i, i%6, prod)
		if got[100+i] != want {
			t.Errorf("order %d: %s, want %s", 100+i, got[100+i], want)
		}
	}
}
