// Package bench holds wasmstream's benchmarks: the compiled-query path
// (serde decode, wasm stage, serde encode) measured against a hand-written
// native Go baseline that uses the same serdes, in the same run, and the bare
// rate of a stage on full batches. It has no non-test code; run it with
//
//	go test ./bench -run '^$' -bench . -cpu 1 -benchtime 5x
//
// The figures and the machine they were measured on are in
// docs/performance.md. No benchmark asserts a time: the numbers are reported
// with b.ReportMetric (records/s, rows/s, engine/native ratios).
package bench
