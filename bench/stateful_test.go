package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm"
)

// The two stateful seed queries, measured like the stateless one:
// the compiled query through executor.Query (serde decode, input stage, host
// operator and its state, final stage, serde encode, produce) against a
// hand-written Go program of the same computation with the same serdes, in
// the same run.

// windowedScript is seed query 2: a tumbling-window count per device with
// HAVING, over the default grace period (24 hours), so that no window of a
// run expires and every window a run creates is live at its end.
const windowedScript = `
	CREATE STREAM saturation_events (device_id STRING KEY, saturation DOUBLE)
		WITH (kafka_topic='saturation_events', value_format='JSON');
	CREATE TABLE possible_malfunction AS SELECT device_id, count(*) FROM saturation_events
		WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY device_id HAVING count(*) > 3;`

// joinScript is seed query 1: a stream-table LEFT JOIN filtered on the
// table's columns. The stream is keyed by client_id, as a producer that
// wants the join without a repartition would key it.
const joinScript = `
	CREATE TABLE clients (user_id INT PRIMARY KEY, type STRING, credit_score INT, city STRING)
		WITH (kafka_topic='clients', value_format='JSON');
	CREATE STREAM mortgages (client_id INT KEY, action STRING)
		WITH (kafka_topic='mortgages', value_format='JSON');
	CREATE STREAM qualified_clients AS SELECT client_id, city, action FROM mortgages m
		LEFT JOIN clients c ON m.client_id = c.user_id
		WHERE c.type = 'Residential' AND c.credit_score > 750;`

const (
	// windowedEvents is how many events one windowed iteration processes.
	windowedEvents = 1_000_000
	// windowedDevices is how many devices send them.
	windowedDevices = 10_000
	// eventsPerMs is how fast event time advances: 10 events per
	// millisecond, so a 5-second window holds 50,000 events, 5 per device on
	// average, and most device windows pass HAVING count(*) > 3. A run spans
	// 100 s of event time: 20 windows per device.
	eventsPerMs = 10
	// joinClients is the size of the clients table.
	joinClients = 100_000
	// joinMortgages is how many stream records one join iteration processes.
	joinMortgages = 1_000_000
)

// genSaturation generates the windowed count's events, deterministically:
// a random device each, timestamps advancing by one millisecond per
// eventsPerMs events.
func genSaturation() []executor.Record {
	rng := rand.New(rand.NewPCG(5, 6))
	keys := make([][]byte, windowedDevices)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("dev-%05d", i))
	}
	recs := make([]executor.Record, windowedEvents)
	for i := range recs {
		v := fmt.Sprintf(`{"saturation":%.3f}`, rng.Float64())
		recs[i] = executor.Record{Topic: "saturation_events", Offset: int64(i), Timestamp: int64(i / eventsPerMs),
			Key: keys[rng.IntN(windowedDevices)], Value: []byte(v)}
	}
	return recs
}

// kafkaInt encodes an INT key as the KAFKA format does (4 bytes big-endian).
func kafkaInt(i int) []byte {
	return []byte{byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}
}

// genJoin generates the clients table (one row per client; about a third
// Residential, about 30% above 750) and the mortgages, whose client_id is
// drawn from 10% more ids than there are clients, so that some find no
// client (the LEFT JOIN pads NULLs, and the WHERE drops them).
func genJoin() (clients, mortgages []executor.Record) {
	rng := rand.New(rand.NewPCG(7, 8))
	clients = make([]executor.Record, joinClients)
	for i := range clients {
		v := fmt.Sprintf(`{"type":%q,"credit_score":%d,"city":%q}`,
			kinds[rng.IntN(len(kinds))], 500+rng.IntN(351), cities[rng.IntN(len(cities))])
		clients[i] = executor.Record{Topic: "clients", Offset: int64(i), Key: kafkaInt(i), Value: []byte(v)}
	}
	mortgages = make([]executor.Record, joinMortgages)
	for i := range mortgages {
		v := fmt.Sprintf(`{"action":%q}`, actions[rng.IntN(len(actions))])
		mortgages[i] = executor.Record{Topic: "mortgages", Offset: int64(i), Timestamp: int64(1 + i),
			Key: kafkaInt(rng.IntN(joinClients * 11 / 10)), Value: []byte(v)}
	}
	return clients, mortgages
}

// statefulQuery compiles script and returns a function that creates a new
// query of its last statement (fresh state) with its own counting sink. It
// skips the benchmark with the compiler's or executor's error when the
// query is not supported yet, and fails it on any other error.
func statefulQuery(b *testing.B, script string) (newQuery func() (*executor.Query, *counter)) {
	b.Helper()
	if _, err := sql2wasm.CompileScript("bench.sql", script); err != nil {
		skipIfNotSupported(b, "the compiler", err)
	}
	mod := compile(b, script)
	newQuery = func() (*executor.Query, *counter) {
		sink := &counter{}
		q, err := executor.NewQuery(executor.QueryConfig{
			Manifest: mod.Manifest(), Instances: executor.ModuleInstances{Module: mod}, Sink: sink, Filtered: true,
		})
		if err != nil {
			skipIfNotSupported(b, "the executor", err)
		}
		b.Cleanup(func() { _ = q.Close(context.Background()) })
		return q, sink
	}
	return newQuery
}

// skipIfNotSupported skips the benchmark when err is about a feature that
// is not supported yet (the stateful work lands in steps), and fails it on
// any other error, so that a regression does not pass as a skip.
func skipIfNotSupported(b *testing.B, who string, err error) {
	b.Helper()
	if engine.IsNotSupported(err) {
		b.Skipf("%s does not support this query yet: %v", who, err)
	}
	b.Fatalf("%s: %v", who, err)
}

// processAll runs recs through q, one poll at a time.
func processAll(ctx context.Context, q *executor.Query, recs []executor.Record) error {
	for i := 0; i < len(recs); i += pollSize {
		if err := q.Process(ctx, recs[i:min(i+pollSize, len(recs))]); err != nil {
			return err
		}
	}
	return nil
}

// nativeWindowed is the hand-written Go program of seed query 2 with the
// same serdes: decode key and value, assign the tumbling window, drop a
// record beyond the grace period, count per device and window, and on every
// update whose count passes HAVING encode the windowed key and the value and
// produce it. State is a map from (device, window start) to the count and
// the window's latest timestamp, as the engine keeps it.
type nativeWindowed struct {
	keyIn, valIn, keyOut, valOut serde.Serde
	keyRow, valRow, outRow       []sdk.Value
	keyBuf, valBuf               []byte
	devices                      map[string]string // interns device ids
	windows                      map[devWindow]*devCount
	streamTime, sizeMs, graceMs  int64
	sink                         *counter
	out                          executor.Record
}

type devWindow struct {
	device string
	start  int64
}

type devCount struct {
	n, ts int64
}

func newNativeWindowed(b *testing.B, man *sdk.Manifest) *nativeWindowed {
	src, dst := &man.Sources[0], &man.Sink
	n := &nativeWindowed{sink: &counter{}, devices: map[string]string{}, windows: map[devWindow]*devCount{},
		streamTime: -1, sizeMs: 5000, graceMs: 24*3600*1000 - 5000}
	var err error
	for _, s := range []struct {
		dst *serde.Serde
		new func(*sdk.Source) (serde.Serde, error)
		src *sdk.Source
	}{{&n.keyIn, serde.NewKey, src}, {&n.valIn, serde.NewValue, src}, {&n.keyOut, serde.NewKey, dst}, {&n.valOut, serde.NewValue, dst}} {
		if *s.dst, err = s.new(s.src); err != nil {
			b.Fatal(err)
		}
	}
	n.keyRow = make([]sdk.Value, len(n.keyIn.Columns()))
	n.valRow = make([]sdk.Value, len(n.valIn.Columns()))
	n.outRow = make([]sdk.Value, len(n.valOut.Columns()))
	return n
}

func (n *nativeWindowed) run(ctx context.Context, recs []executor.Record) error {
	for i := range recs {
		r := &recs[i]
		if n.valIn.IsNull(r.Value) {
			continue
		}
		// The engine decodes both (the key is the group, the value could
		// hold the arguments), so the baseline does too.
		if n.keyIn.Decode(r.Key, n.keyRow) != nil || n.valIn.Decode(r.Value, n.valRow) != nil || n.keyRow[0].Null {
			continue
		}
		dev, ok := n.devices[n.keyRow[0].S]
		if !ok {
			dev = n.keyRow[0].S
			n.devices[dev] = dev
		}
		n.streamTime = max(n.streamTime, r.Timestamp)
		start := r.Timestamp - r.Timestamp%n.sizeMs
		if start+n.sizeMs <= n.streamTime-n.graceMs {
			continue // late
		}
		w := n.windows[devWindow{dev, start}]
		if w == nil {
			w = &devCount{}
			n.windows[devWindow{dev, start}] = w
		}
		w.n++
		w.ts = max(w.ts, r.Timestamp)
		if w.n <= 3 {
			continue
		}
		key, err := n.keyOut.Encode(n.keyBuf[:0], n.keyRow)
		if err != nil {
			return err
		}
		key = serde.AppendTimeWindow(key, start)
		n.keyBuf = key
		n.outRow[0] = sdk.BigInt(w.n)
		val, err := n.valOut.Encode(n.valBuf[:0], n.outRow)
		if err != nil {
			return err
		}
		n.valBuf = val
		n.out = executor.Record{Topic: "POSSIBLE_MALFUNCTION", Partition: -1, Key: key, Value: val, Timestamp: w.ts}
		if err := n.sink.Produce(ctx, &n.out); err != nil {
			return err
		}
	}
	return nil
}

// heapAlloc returns the live heap after a full collection.
func heapAlloc() uint64 {
	goruntime.GC()
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkWindowedCount runs seed query 2 over 1M generated events (10,000
// devices, event time advancing) per iteration, through the compiled query
// and through the native Go program, each with fresh state per iteration
// (the events are not late only the first time), alternating poll by poll
// as BenchmarkStateless does. It reports both rates, their ratio, and the
// memory per live window of each (the live heap the state grew by over a
// run, after a collection, divided by the windows created in it, counted by
// the native program: the engine holds the same ones, since with the default
// grace of 24 hours none expires in the run's 100 s of event time; the first
// poll is left out, so that the module instance and buffers are not counted).
func BenchmarkWindowedCount(b *testing.B) {
	ctx := context.Background()
	recs := genSaturation()
	newQuery := statefulQuery(b, windowedScript)

	// Check that both agree, and measure memory, on a first run.
	q, sink := newQuery()
	nat := newNativeWindowed(b, q.Manifest())
	first := recs[:pollSize]
	if err := q.Process(ctx, first); err != nil {
		skipIfNotSupported(b, "the engine, running the windowed count", err)
	}
	if err := nat.run(ctx, first); err != nil {
		b.Fatal(err)
	}
	firstWindows := len(nat.windows)
	before := heapAlloc()
	if err := processAll(ctx, q, recs[pollSize:]); err != nil {
		skipIfNotSupported(b, "the engine, running the windowed count", err)
	}
	engGrowth := int64(heapAlloc()) - int64(before)
	before = heapAlloc()
	if err := nat.run(ctx, recs[pollSize:]); err != nil {
		b.Fatal(err)
	}
	natGrowth := int64(heapAlloc()) - int64(before)
	if *sink != *nat.sink || sink.records == 0 {
		b.Fatalf("engine produced %+v, native %+v", *sink, *nat.sink)
	}
	windows := len(nat.windows) - firstWindows
	goruntime.KeepAlive(q)
	_ = q.Close(ctx)

	tm := newTiming()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		q, _ := newQuery()
		nat := newNativeWindowed(b, q.Manifest())
		b.StartTimer()
		if err := tm.runAlternating(ctx, recs, q.Process, nat.run); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = q.Close(ctx)
		b.StartTimer()
	}
	b.StopTimer()
	tm.report(b, float64(b.N*len(recs)))
	b.ReportMetric(float64(len(nat.windows)), "live-windows")
	b.ReportMetric(float64(engGrowth)/float64(windows), "engine-B/window")
	b.ReportMetric(float64(natGrowth)/float64(windows), "native-B/window")
	b.ReportMetric(float64(sink.records), "outputs")
	b.ReportMetric(0, "ns/op") // an op is both paths over 1M events
}

// clock is a moment in wall-clock and process CPU time; rates over CPU
// time are the ones to read on a machine with other load (they do not
// count the time the process waited for a core).
type clock struct{ wall, cpu time.Duration }

// timing adds up each path's time.
type timing struct {
	base     time.Time
	eng, nat clock
}

func newTiming() *timing { return &timing{base: time.Now()} }

func (t *timing) now() clock {
	c, _ := processCPU()
	return clock{time.Since(t.base), c} // monotonic
}

// report reports both paths' rates over n records and their ratios, over
// wall-clock and (where available) CPU time.
func (t *timing) report(b *testing.B, n float64) {
	engRate, natRate := n/t.eng.wall.Seconds(), n/t.nat.wall.Seconds()
	b.ReportMetric(engRate, "engine-rec/s")
	b.ReportMetric(natRate, "native-rec/s")
	b.ReportMetric(engRate/natRate, "engine/native")
	if t.eng.cpu > 0 && t.nat.cpu > 0 {
		engRate, natRate = n/t.eng.cpu.Seconds(), n/t.nat.cpu.Seconds()
		b.ReportMetric(engRate, "engine-rec/cpu-s")
		b.ReportMetric(natRate, "native-rec/cpu-s")
		b.ReportMetric(engRate/natRate, "engine/native-cpu")
	}
}

// runAlternating runs recs through two paths, alternating poll by poll and
// swapping which goes first (the second finds the poll in the CPU cache),
// and adds each path's time to its total.
func (t *timing) runAlternating(ctx context.Context, recs []executor.Record, eng, nat func(context.Context, []executor.Record) error) error {
	return t.runAlternatingPair(ctx, recs, recs, eng, nat)
}

// runAlternatingPair is runAlternating with each path's own records (of
// the same length).
func (t *timing) runAlternatingPair(ctx context.Context, recs, natRecs []executor.Record, eng, nat func(context.Context, []executor.Record) error) error {
	for j := 0; j < len(recs); j += pollSize {
		ep, np := recs[j:min(j+pollSize, len(recs))], natRecs[j:min(j+pollSize, len(natRecs))]
		eng, nat := func(ctx context.Context, _ []executor.Record) error { return eng(ctx, ep) },
			func(ctx context.Context, _ []executor.Record) error { return nat(ctx, np) }
		poll := ep
		first, second := eng, nat
		t1, t2 := &t.eng, &t.nat
		if (j/pollSize)%2 == 1 {
			first, second, t1, t2 = second, first, t2, t1
		}
		start := t.now()
		if err := first(ctx, poll); err != nil {
			return err
		}
		mid := t.now()
		if err := second(ctx, poll); err != nil {
			return err
		}
		end := t.now()
		t1.wall += mid.wall - start.wall
		t1.cpu += mid.cpu - start.cpu
		t2.wall += end.wall - mid.wall
		t2.cpu += end.cpu - mid.cpu
	}
	return nil
}

// nativeJoin is the hand-written Go program of seed query 1 with the same
// serdes: table records are decoded into a map from user_id to the columns
// the query reads (a tombstone deletes); a stream record is decoded, its
// client looked up, the WHERE tested, and the key and the projected value
// encoded and produced.
type nativeJoin struct {
	tKey, tVal, sKey, sVal, oKey, oVal serde.Serde
	tKeyRow, tValRow, sKeyRow, sValRow []sdk.Value
	outKey, outVal                     []sdk.Value
	keyBuf, valBuf                     []byte
	clients                            map[int64]client
	typ, score, city, action           int
	sink                               *counter
	out                                executor.Record
}

type client struct {
	typ, city string
	score     int64
	nullScore bool
}

func newNativeJoin(b *testing.B, man *sdk.Manifest) *nativeJoin {
	var tbl, str *sdk.Source
	for i := range man.Sources {
		switch man.Sources[i].Topic {
		case "clients":
			tbl = &man.Sources[i]
		case "mortgages":
			str = &man.Sources[i]
		}
	}
	if tbl == nil || str == nil {
		b.Fatalf("the manifest's sources are not clients and mortgages: %+v", man.Sources)
	}
	n := &nativeJoin{sink: &counter{}, clients: map[int64]client{}}
	var err error
	for _, s := range []struct {
		dst *serde.Serde
		new func(*sdk.Source) (serde.Serde, error)
		src *sdk.Source
	}{{&n.tKey, serde.NewKey, tbl}, {&n.tVal, serde.NewValue, tbl}, {&n.sKey, serde.NewKey, str}, {&n.sVal, serde.NewValue, str},
		{&n.oKey, serde.NewKey, &man.Sink}, {&n.oVal, serde.NewValue, &man.Sink}} {
		if *s.dst, err = s.new(s.src); err != nil {
			b.Fatal(err)
		}
	}
	n.tKeyRow = make([]sdk.Value, len(n.tKey.Columns()))
	n.tValRow = make([]sdk.Value, len(n.tVal.Columns()))
	n.sKeyRow = make([]sdk.Value, len(n.sKey.Columns()))
	n.sValRow = make([]sdk.Value, len(n.sVal.Columns()))
	n.outKey = make([]sdk.Value, len(n.oKey.Columns()))
	n.outVal = make([]sdk.Value, len(n.oVal.Columns()))
	col := func(cols []sdk.Column, name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		b.Fatalf("no column %s in %+v", name, cols)
		return -1
	}
	n.typ, n.score, n.city = col(n.tVal.Columns(), "TYPE"), col(n.tVal.Columns(), "CREDIT_SCORE"), col(n.tVal.Columns(), "CITY")
	n.action = col(n.sVal.Columns(), "ACTION")
	if col(n.oVal.Columns(), "CITY") != 0 || col(n.oVal.Columns(), "ACTION") != 1 {
		b.Fatalf("unexpected sink value columns %+v", n.oVal.Columns())
	}
	return n
}

func (n *nativeJoin) load(recs []executor.Record) {
	for i := range recs {
		r := &recs[i]
		if n.tKey.Decode(r.Key, n.tKeyRow) != nil || n.tKeyRow[0].Null {
			continue
		}
		if n.tVal.IsNull(r.Value) {
			delete(n.clients, n.tKeyRow[0].I)
			continue
		}
		if n.tVal.Decode(r.Value, n.tValRow) != nil {
			continue
		}
		v := n.tValRow
		n.clients[n.tKeyRow[0].I] = client{typ: v[n.typ].S, city: v[n.city].S, score: v[n.score].I, nullScore: v[n.score].Null || v[n.typ].Null}
	}
}

func (n *nativeJoin) run(ctx context.Context, recs []executor.Record) error {
	for i := range recs {
		r := &recs[i]
		if n.sVal.IsNull(r.Value) || n.sKey.Decode(r.Key, n.sKeyRow) != nil || n.sVal.Decode(r.Value, n.sValRow) != nil {
			continue
		}
		c, ok := n.clients[n.sKeyRow[0].I]
		if !ok || c.nullScore || c.typ != "Residential" || c.score <= 750 {
			continue // a missing client pads NULLs, which the WHERE drops
		}
		n.outKey[0] = n.sKeyRow[0]
		n.outVal[0] = sdk.Str(c.city)
		n.outVal[1] = n.sValRow[n.action]
		key, err := n.oKey.Encode(n.keyBuf[:0], n.outKey)
		if err != nil {
			return err
		}
		n.keyBuf = key
		val, err := n.oVal.Encode(n.valBuf[:0], n.outVal)
		if err != nil {
			return err
		}
		n.valBuf = val
		n.out = executor.Record{Topic: "QUALIFIED_CLIENTS", Partition: -1, Key: key, Value: val, Timestamp: r.Timestamp}
		if err := n.sink.Produce(ctx, &n.out); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkStreamTableJoin runs seed query 1: the clients table (100,000
// rows) is loaded once, then 1M mortgages per iteration stream through the
// compiled query and through the native Go program, alternating poll by
// poll. It reports both stream rates, their ratio, and the table load rate
// of each.
func BenchmarkStreamTableJoin(b *testing.B) {
	ctx := context.Background()
	clients, mortgages := genJoin()
	newQuery := statefulQuery(b, joinScript)
	q, sink := newQuery()
	nat := newNativeJoin(b, q.Manifest())

	lt := newTiming()
	start := lt.now()
	if err := processAll(ctx, q, clients); err != nil {
		skipIfNotSupported(b, "the engine, loading the clients table", err)
	}
	mid := lt.now()
	nat.load(clients)
	end := lt.now()
	engLoad, natLoad := mid.cpu-start.cpu, end.cpu-mid.cpu
	if engLoad <= 0 || natLoad <= 0 {
		engLoad, natLoad = mid.wall-start.wall, end.wall-mid.wall
	}
	if sink.records != 0 {
		b.Fatalf("loading the table produced %d records", sink.records)
	}
	// Check that both agree on a first pass.
	if err := processAll(ctx, q, mortgages); err != nil {
		skipIfNotSupported(b, "the engine, running the join", err)
	}
	if err := nat.run(ctx, mortgages); err != nil {
		b.Fatal(err)
	}
	if *sink != *nat.sink || sink.records == 0 {
		b.Fatalf("engine produced %+v, native %+v", *sink, *nat.sink)
	}
	outputs := sink.records

	tm := newTiming()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tm.runAlternating(ctx, mortgages, q.Process, nat.run); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	tm.report(b, float64(b.N*len(mortgages)))
	// One load, so its rates are rough: over CPU time where available.
	b.ReportMetric(float64(len(clients))/engLoad.Seconds(), "engine-load-rows/s")
	b.ReportMetric(float64(len(clients))/natLoad.Seconds(), "native-load-rows/s")
	b.ReportMetric(float64(outputs), "outputs")
	b.ReportMetric(0, "ns/op") // an op is both paths over 1M records
}

// BenchmarkWindowedCountEngine and BenchmarkStreamTableJoinEngine measure
// the engine's path alone (for profiles: -cpuprofile, -memprofile),
// records/s.
func BenchmarkWindowedCountEngine(b *testing.B) {
	ctx := context.Background()
	recs := genSaturation()
	newQuery := statefulQuery(b, windowedScript)
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		q, _ := newQuery() // fresh state: the same events are late the second time
		c0, _ := processCPU()
		b.StartTimer()
		if err := processAll(ctx, q, recs); err != nil {
			skipIfNotSupported(b, "the engine, running the windowed count", err)
		}
		b.StopTimer()
		c1, _ := processCPU()
		cpu += c1 - c0
		_ = q.Close(ctx)
		b.StartTimer()
	}
	reportRate(b, float64(b.N*len(recs)), cpu)
}

func BenchmarkStreamTableJoinEngine(b *testing.B) {
	ctx := context.Background()
	clients, mortgages := genJoin()
	q, _ := statefulQuery(b, joinScript)()
	if err := processAll(ctx, q, clients); err != nil {
		skipIfNotSupported(b, "the engine, loading the clients table", err)
	}
	b.ReportAllocs()
	c0, _ := processCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := processAll(ctx, q, mortgages); err != nil {
			skipIfNotSupported(b, "the engine, running the join", err)
		}
	}
	b.StopTimer()
	c1, _ := processCPU()
	reportRate(b, float64(b.N*len(mortgages)), c1-c0)
}

// reportRate reports n records over the benchmark's time, and over cpu
// (process CPU time) when it was measured.
func reportRate(b *testing.B, n float64, cpu time.Duration) {
	b.ReportMetric(n/b.Elapsed().Seconds(), "rec/s")
	if cpu > 0 {
		b.ReportMetric(n/cpu.Seconds(), "rec/cpu-s")
	}
}
