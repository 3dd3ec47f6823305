package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/runtime"
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm"
)

// statelessScript is the stateless query: a two-predicate filter
// and a projection of three STRING columns over JSON records.
const statelessScript = `
	CREATE STREAM s (client_id STRING, city STRING, action STRING, type STRING, credit_score INT)
		WITH (kafka_topic='s', value_format='JSON');
	CREATE STREAM o AS SELECT client_id, city, action FROM s
		WHERE type = 'Residential' AND credit_score > 750;`

// statelessRecords is how many records one benchmark iteration processes.
const statelessRecords = 1_000_000

var (
	cities  = []string{"Berlin", "Lisbon", "Osaka", "Toronto", "Nairobi", "Lima", "Oslo", "Perth"}
	actions = []string{"login", "logout", "purchase", "view", "refund"}
	kinds   = []string{"Residential", "Commercial", "Industrial"}
)

// genRecords generates n JSON records of source s, deterministically. About
// a third are Residential and a fifth have credit_score > 750, so about 6%
// pass the filter. Field names are lower case, as producers usually write
// them: the serde matches them to the upper-case columns case-insensitively.
func genRecords(n int) []executor.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]executor.Record, n)
	for i := range recs {
		v := fmt.Sprintf(`{"client_id":"c-%07d","city":%q,"action":%q,"type":%q,"credit_score":%d}`,
			rng.IntN(1_000_000), cities[rng.IntN(len(cities))], actions[rng.IntN(len(actions))],
			kinds[rng.IntN(len(kinds))], 300+rng.IntN(551))
		recs[i] = executor.Record{Topic: "s", Offset: int64(i), Timestamp: int64(i), Value: []byte(v)}
	}
	return recs
}

// compile compiles script and returns the manifest and module of its last
// statement, loaded into a new runtime.
func compile(b *testing.B, script string, opts ...sql2wasm.Option) *runtime.Module {
	b.Helper()
	ctx := context.Background()
	results, err := sql2wasm.CompileScript("bench.sql", script, opts...)
	if err != nil {
		b.Fatal(err)
	}
	rt, err := runtime.New(ctx, runtime.NewConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rt.Close(ctx) })
	mod, err := rt.Load(ctx, results[len(results)-1].Module)
	if err != nil {
		b.Fatal(err)
	}
	return mod
}

// counter is a sink that counts records and bytes, so that the encoded
// output is used and both paths can be checked to agree.
type counter struct {
	records, bytes int
}

func (c *counter) Produce(_ context.Context, r *executor.Record) error {
	c.records++
	c.bytes += len(r.Key) + len(r.Value)
	return nil
}

// engineRun processes recs through the compiled query (executor.Query with
// the wasm module): JSON decode, batch writes, the stage, output reads, JSON
// encode, produce.
type engineRun struct {
	q    *executor.Query
	sink *counter
}

func newEngineRun(b *testing.B) *engineRun {
	mod := compile(b, statelessScript)
	e := &engineRun{sink: &counter{}}
	q, err := executor.NewQuery(executor.QueryConfig{
		Manifest: mod.Manifest(), Instances: executor.ModuleInstances{Module: mod}, Sink: e.sink, Filtered: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = q.Close(context.Background()) })
	e.q = q
	return e
}

// pollSize is how many records one Process call gets, about what a Kafka
// consumer's poll returns.
const pollSize = 10_000

// process runs one poll.
func (e *engineRun) process(ctx context.Context, poll []executor.Record) error {
	return e.q.Process(ctx, poll)
}

func (e *engineRun) run(ctx context.Context, recs []executor.Record) error {
	for i := 0; i < len(recs); i += pollSize {
		if err := e.q.Process(ctx, recs[i:min(i+pollSize, len(recs))]); err != nil {
			return err
		}
	}
	return nil
}

// nativeRun is the hand-written Go baseline of the same query with the same
// serdes: decode the value, test the predicate in Go, encode the projected
// columns, hand the record to the same sink.
type nativeRun struct {
	in, out        serde.Serde
	key            serde.Serde
	row, projected []sdk.Value
	keyBuf, valBuf []byte
	typ, score     int
	proj           []int
	sink           *counter
	out1           executor.Record
}

func newNativeRun(b *testing.B, man *sdk.Manifest) *nativeRun {
	src, dst := &man.Sources[0], &man.Sink
	in, err := serde.NewValue(src)
	if err != nil {
		b.Fatal(err)
	}
	// The same decoding as the executor's stateless path: strings share
	// the record's bytes.
	in = serde.StringViews(in)
	out, err := serde.NewValue(dst)
	if err != nil {
		b.Fatal(err)
	}
	key, err := serde.NewKey(dst)
	if err != nil {
		b.Fatal(err)
	}
	n := &nativeRun{in: in, out: out, key: key, sink: &counter{},
		row: make([]sdk.Value, len(in.Columns())), projected: make([]sdk.Value, len(out.Columns()))}
	col := func(name string) int {
		for i, c := range in.Columns() {
			if c.Name == name {
				return i
			}
		}
		b.Fatalf("no column %s", name)
		return -1
	}
	n.typ, n.score = col("TYPE"), col("CREDIT_SCORE")
	for _, c := range out.Columns() {
		n.proj = append(n.proj, col(c.Name))
	}
	return n
}

func (n *nativeRun) run(ctx context.Context, recs []executor.Record) error {
	for i := range recs {
		r := &recs[i]
		if n.in.IsNull(r.Value) {
			continue
		}
		if err := n.in.Decode(r.Value, n.row); err != nil {
			continue // the engine logs and drops it
		}
		t, s := n.row[n.typ], n.row[n.score]
		if t.Null || s.Null || t.S != "Residential" || s.I <= 750 {
			continue
		}
		for j, c := range n.proj {
			n.projected[j] = n.row[c]
		}
		key, err := n.key.Encode(n.keyBuf[:0], nil)
		if err != nil {
			return err
		}
		val, err := n.out.Encode(n.valBuf[:0], n.projected)
		if err != nil {
			return err
		}
		n.valBuf = val
		n.out1 = executor.Record{Topic: "O", Partition: -1, Key: key, Value: val, Timestamp: r.Timestamp, Headers: r.Headers}
		if err := n.sink.Produce(ctx, &n.out1); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkStateless runs the stateless query over 1M generated JSON
// records per iteration, through the compiled module and through the native
// Go baseline, alternating poll by poll so that both see the same machine
// state (caches, garbage collector, other load). It
// reports both rates and their ratio (engine/native; 1 means the engine
// costs nothing over the hand-written program).
func BenchmarkStateless(b *testing.B) {
	ctx := context.Background()
	recs := genRecords(statelessRecords)
	engRun := newEngineRun(b)
	natRun := newNativeRun(b, engRun.q.Manifest())
	// Warm up both (task creation, buffers) and check that they agree.
	if err := engRun.run(ctx, recs); err != nil {
		b.Fatal(err)
	}
	if err := natRun.run(ctx, recs); err != nil {
		b.Fatal(err)
	}
	if *engRun.sink != *natRun.sink || engRun.sink.records == 0 {
		b.Fatalf("engine produced %+v, native %+v", *engRun.sink, *natRun.sink)
	}
	// clock measures wall-clock and process CPU time; the CPU rates are
	// the ones to read on a machine with other load.
	type clock struct{ wall, cpu time.Duration }
	base := time.Now()
	now := func() clock {
		c, _ := processCPU()
		return clock{time.Since(base), c} // monotonic
	}
	var eng, nat clock
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate per poll, so that a garbage collection started by
		// one path's allocations does not land in bulk on the other, and
		// swap which path goes first, since the second finds the poll's
		// records in the CPU cache.
		for j := 0; j < len(recs); j += pollSize {
			poll := recs[j:min(j+pollSize, len(recs))]
			first, second := engRun.process, natRun.run
			t1, t2 := &eng, &nat
			if (j/pollSize)%2 == 1 {
				first, second, t1, t2 = second, first, t2, t1
			}
			start := now()
			if err := first(ctx, poll); err != nil {
				b.Fatal(err)
			}
			mid := now()
			if err := second(ctx, poll); err != nil {
				b.Fatal(err)
			}
			end := now()
			t1.wall += mid.wall - start.wall
			t1.cpu += mid.cpu - start.cpu
			t2.wall += end.wall - mid.wall
			t2.cpu += end.cpu - mid.cpu
		}
	}
	b.StopTimer()
	n := float64(b.N * len(recs))
	engRate, natRate := n/eng.wall.Seconds(), n/nat.wall.Seconds()
	b.ReportMetric(engRate, "engine-rec/s")
	b.ReportMetric(natRate, "native-rec/s")
	b.ReportMetric(engRate/natRate, "engine/native")
	if eng.cpu > 0 && nat.cpu > 0 {
		engRate, natRate = n/eng.cpu.Seconds(), n/nat.cpu.Seconds()
		b.ReportMetric(engRate, "engine-rec/cpu-s")
		b.ReportMetric(natRate, "native-rec/cpu-s")
		b.ReportMetric(engRate/natRate, "engine/native-cpu")
	}
	b.ReportMetric(0, "ns/op") // an op is both paths: its time means little
}

// BenchmarkStatelessEngine and BenchmarkStatelessNative measure one path
// each (for profiles: -cpuprofile, -memprofile), records/s per path.
func BenchmarkStatelessEngine(b *testing.B) {
	ctx := context.Background()
	recs := genRecords(statelessRecords)
	eng := newEngineRun(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := eng.run(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkStatelessNative(b *testing.B) {
	ctx := context.Background()
	recs := genRecords(statelessRecords)
	nat := newNativeRun(b, compile(b, statelessScript).Manifest())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := nat.run(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
}

// stageCase is a filter whose stage is measured alone on full batches.
type stageCase struct {
	name   string
	script string
	fill   func(b *runtime.Batch, col map[string]int, row int, rng *rand.Rand)
}

var stageCases = []stageCase{
	{
		// Two integer predicates: the filter loop alone.
		name: "int-filter",
		script: `CREATE STREAM s (a INT, b BIGINT) WITH (kafka_topic='s', value_format='JSON');
			CREATE STREAM o AS SELECT a FROM s WHERE a > 10 AND b < 100;`,
		fill: func(bt *runtime.Batch, col map[string]int, row int, rng *rand.Rand) {
			bt.SetInt64(col["A"], row, int64(rng.IntN(100)))
			bt.SetInt64(col["B"], row, int64(rng.IntN(200)))
		},
	},
	{
		// The query: a string equality and an integer comparison,
		// and three STRING outputs.
		name:   "issue-query",
		script: statelessScript,
		fill: func(bt *runtime.Batch, col map[string]int, row int, rng *rand.Rand) {
			bt.SetString(col["CLIENT_ID"], row, []byte(fmt.Sprintf("c-%07d", rng.IntN(1_000_000))))
			bt.SetString(col["CITY"], row, []byte(cities[rng.IntN(len(cities))]))
			bt.SetString(col["ACTION"], row, []byte(actions[rng.IntN(len(actions))]))
			bt.SetString(col["TYPE"], row, []byte(kinds[rng.IntN(len(kinds))]))
			bt.SetInt64(col["CREDIT_SCORE"], row, int64(300+rng.IntN(551)))
		},
	},
}

// stageRows is the batch size of the bare stage benchmark.
const stageRows = 4096

// stageBatches is how many batches one iteration runs: about 1M rows, so
// that -benchtime Nx gives the stage as much work as the record benchmarks.
const stageBatches = 256

// BenchmarkStage measures a stage alone through the runtime's Batch API:
// the inputs of a 4096-row batch are written once, then Run is called
// repeatedly (the header writes and the wasm call included), 256 times per
// iteration.
func BenchmarkStage(b *testing.B) {
	for _, c := range stageCases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			mod := compile(b, c.script, sql2wasm.WithBatchCapacity(stageRows))
			in, err := mod.Instantiate(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = in.Close(ctx) })
			bt := in.Batch(0)
			col := map[string]int{}
			for i, c := range bt.Stage().Inputs {
				col[c.Name] = i
			}
			rng := rand.New(rand.NewPCG(3, 4))
			bt.Reset()
			for row := 0; row < stageRows; row++ {
				c.fill(bt, col, row, rng)
			}
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := 0; j < stageBatches; j++ {
					if st, err := bt.Run(stageRows, 0); err != nil || st != sdk.StatusOK {
						b.Fatal(st, err)
					}
				}
			}
			b.StopTimer()
			cpu1, _ := processCPU()
			emitted := 0
			for row := 0; row < stageRows; row++ {
				if bt.Sel(row) == sdk.SelEmit {
					emitted++
				}
			}
			if emitted == 0 || emitted == stageRows {
				b.Fatalf("%d of %d rows emitted: the filter did not run", emitted, stageRows)
			}
			rows := float64(b.N * stageBatches * stageRows)
			b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
			if cpuOK && cpu1 > cpu0 {
				b.ReportMetric(rows/(cpu1-cpu0).Seconds(), "rows/cpu-s")
			}
			b.ReportMetric(float64(emitted)/stageRows, "selectivity")
		})
	}
}
