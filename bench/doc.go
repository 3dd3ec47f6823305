// Package bench holds wasmstream's benchmarks: compiled queries (serde
// decode, wasm stages, host operators, serde encode) measured against
// hand-written native Go baselines that use the same serdes, in the same run,
// and the bare rate of a stage on full batches. It has no non-test code; run
// the stateless ones with
//
//	go test ./bench -run '^$' -bench 'Stateless|Stage' -cpu 1 -benchtime 5x
//
// and everything with -bench . (longer). The figures, the machine they were
// measured on and how to read them are in docs/performance.md. No benchmark
// asserts a time: the numbers are reported with b.ReportMetric (records/s,
// rows/s, engine/native ratios, and the same over process CPU time, which a
// busy machine disturbs less).
package bench
