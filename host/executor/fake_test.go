package executor

import (
	"context"
	"errors"

	"github.com/wasmstream/wasmstream/sdk"
)

// goStage is a StageBatch implemented in Go, so that the executor's batching,
// logging and error handling can be tested without compiled modules. fn
// computes one row: its selection byte and its outputs; heap is how many
// output-heap bytes the row needs.
type goStage struct {
	capacity int
	inData   int // bytes of the input string area
	heap     int // bytes of the output heap
	nIn      int
	fn       func(in []sdk.Value) (sel byte, out []sdk.Value)
	heapUse  func(in []sdk.Value) int

	in      [][]sdk.Value
	used    int
	sel     []byte
	out     [][]sdk.Value
	runs    []int // rows of each Run call
	trapAt  int   // Run fails when this row is in the batch (-1: never)
	offsets []int64
}

func newGoStage(capacity, nIn int, fn func(in []sdk.Value) (byte, []sdk.Value)) *goStage {
	g := &goStage{capacity: capacity, inData: 1 << 20, heap: 1 << 20, nIn: nIn, fn: fn, trapAt: -1}
	g.in = make([][]sdk.Value, capacity)
	for i := range g.in {
		g.in[i] = make([]sdk.Value, nIn)
	}
	g.sel = make([]byte, capacity)
	g.out = make([][]sdk.Value, capacity)
	return g
}

func (g *goStage) Capacity() int        { return g.capacity }
func (g *goStage) Reset()               { g.used = 0 }
func (g *goStage) SetNull(col, row int) { g.in[row][col] = sdk.Value{Null: true} }
func (g *goStage) SetInt(col, row int, v int64) {
	g.in[row][col] = sdk.Value{Type: sdk.TypeBigInt, I: v}
}
func (g *goStage) SetDouble(col, row int, v float64) { g.in[row][col] = sdk.Double(v) }
func (g *goStage) SetString(col, row int, s string) bool {
	if g.used+len(s) > g.inData {
		return false
	}
	g.used += len(s)
	g.in[row][col] = sdk.Str(s)
	return true
}

func (g *goStage) Run(_ context.Context, rows int, offset int64) (int32, int, error) {
	g.runs = append(g.runs, rows)
	g.offsets = append(g.offsets, offset)
	used := 0
	for r := 0; r < rows; r++ {
		if r == g.trapAt {
			return 0, 0, errors.New("wasm error: unreachable")
		}
		if g.heapUse != nil {
			used += g.heapUse(g.in[r])
			if used > g.heap {
				return sdk.StatusHeapFull, r, nil
			}
		}
		g.sel[r], g.out[r] = g.fn(g.in[r])
	}
	return sdk.StatusOK, 0, nil
}

func (g *goStage) Sel(row int) byte                       { return g.sel[row] }
func (g *goStage) Output(col, row int) (sdk.Value, error) { return g.out[row][col], nil }

// goInstance hands out one goStage.
type goInstance struct {
	stage  *goStage
	closed bool
}

func (i *goInstance) Batch(int) (StageBatch, error)                      { return i.stage, nil }
func (i *goInstance) Close(context.Context) error                        { i.closed = true; return nil }
func (i *goInstance) NewInstance(context.Context) (StageInstance, error) { return i, nil }
