package codegen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// benchRows is the batch size of the stage benchmarks.
const benchRows = 4096

// benchBatches is the number of different batches a benchmark cycles
// through.
const benchBatches = 8

// BenchmarkFilterStage measures the bare stage rate of the issue's
// benchmark query, `SELECT client_id, city, action FROM s WHERE type =
// 'Residential' AND credit_score > 750`, on 4096-row batches already in
// memory, called with CallWithStack as the runtime does. "filter" has no
// outputs (the two predicates alone), "filter+project" copies the three
// string columns of the passing rows, and "half+project" does the same
// behind a one-predicate filter that half the rows pass at random (the
// worst case for a branch per row).
func BenchmarkFilterStage(b *testing.B) {
	in := []sdk.Column{
		{Name: "CLIENT_ID", Type: tS}, {Name: "CITY", Type: tS}, {Name: "ACTION", Type: tS},
		{Name: "TYPE", Type: tS}, {Name: "CREDIT_SCORE", Type: tI},
	}
	filter := and(bin(plan.OpEq, col(3, tS), cStr("Residential")), bin(plan.OpGt, col(4, tI), cInt(750)))
	half := bin(plan.OpGt, col(4, tI), cInt(575)) // about half the rows pass
	project := []plan.Expr{col(0, tS), col(1, tS), col(2, tS)}
	for _, bc := range []struct {
		name   string
		filter plan.Expr
		outs   []plan.Expr
	}{
		{"filter", filter, nil},
		{"filter+project", filter, project},
		{"half+project", half, project},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := query(&plan.Stage{Inputs: in, Filter: bc.filter, Outputs: outs(bc.outs...)})
			bin, m, err := Generate(q, WithBatchCapacity(benchRows))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
			defer rt.Close(ctx)
			if err := instantiateIntrinsics(ctx, rt); err != nil {
				b.Fatal(err)
			}
			// Several instances with different data, called in turn, so
			// that the branch predictor cannot learn one batch's outcomes
			// (fresh records never repeat either).
			var fns []api.Function
			pass := 0
			for k := range benchBatches {
				inst := instantiate(b, engine{"compiler", rt}, bin, m)
				_, _, res := inst.run(b, 0, benchBatch(uint64(k)), batchOpts{})
				if len(res) != benchRows {
					b.Fatalf("%d results", len(res))
				}
				for _, r := range res {
					if r.sel == sdk.SelEmit {
						pass++
					}
				}
				fns = append(fns, inst.mod.ExportedFunction("stage_0"))
			}
			b.ReportMetric(float64(pass)/benchRows/benchBatches, "selectivity")
			stack := make([]uint64, 1)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0, cpuOK := threadCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stack[0] = benchRows
				if err := fns[i%benchBatches].CallWithStack(ctx, stack); err != nil || stack[0] != sdk.StatusOK {
					b.Fatalf("status %d, %v", stack[0], err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds()/1e6, "Mrows/s")
			// On a shared machine the wall-clock rate counts the time this
			// thread waited for a core; the CPU-time rate does not.
			if cpu1, ok := threadCPU(); ok && cpuOK && cpu1 > cpu0 {
				b.ReportMetric(float64(b.N)*benchRows/(cpu1-cpu0).Seconds()/1e6, "Mrows/cpu-s")
			}
		})
	}
}

// benchBatch generates rows of the benchmark's source: a third of them
// Residential (with look-alike types of the same length), credit scores
// uniform in 300..850.
func benchBatch(seed uint64) [][]sdk.Value {
	r := rand.New(rand.NewPCG(seed, 2))
	types := []string{"Residential", "Commercial", "Residentiam", "Industrial", "Residential", "Government"}
	cities := []string{"Paris", "Rome", "Oslo", "Bern", "Lisbon"}
	rows := make([][]sdk.Value, benchRows)
	for i := range rows {
		rows[i] = []sdk.Value{
			vS(fmt.Sprintf("c%05d", i)), vS(cities[r.IntN(len(cities))]), vS("buy"),
			vS(types[r.IntN(len(types))]), vI(int32(300 + r.IntN(551))),
		}
	}
	return rows
}
