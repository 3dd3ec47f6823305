package executor

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/wasmstream/wasmstream/runtime"
	"github.com/wasmstream/wasmstream/sdk"
)

// ModuleInstances adapts a loaded runtime.Module to InstanceFactory: each
// task gets its own runtime.Instance.
type ModuleInstances struct {
	Module *runtime.Module
}

// NewInstance implements InstanceFactory.
func (m ModuleInstances) NewInstance(ctx context.Context) (StageInstance, error) {
	in, err := m.Module.Instantiate(ctx)
	if err != nil {
		return nil, err
	}
	return runtimeInstance{in}, nil
}

type runtimeInstance struct{ in *runtime.Instance }

func (r runtimeInstance) Batch(stage int) (StageBatch, error) {
	if stage < 0 || stage >= r.in.NumStages() {
		return nil, fmt.Errorf("module has no stage %d", stage)
	}
	return runtimeBatch{r.in.Batch(stage)}, nil
}

func (r runtimeInstance) Close(ctx context.Context) error { return r.in.Close(ctx) }

// runtimeBatch adapts *runtime.Batch to StageBatch.
type runtimeBatch struct{ b *runtime.Batch }

func (r runtimeBatch) Capacity() int                     { return r.b.Capacity() }
func (r runtimeBatch) Reset()                            { r.b.Reset() }
func (r runtimeBatch) SetNull(col, row int)              { r.b.SetNull(col, row) }
func (r runtimeBatch) SetInt(col, row int, v int64)      { r.b.SetInt64(col, row, v) }
func (r runtimeBatch) SetDouble(col, row int, v float64) { r.b.SetFloat64(col, row, v) }
func (r runtimeBatch) Sel(row int) byte                  { return r.b.Sel(row) }

// SetString hands the string's bytes to the batch without copying them
// first: the batch only reads them, copying them into linear memory.
func (r runtimeBatch) SetString(col, row int, s string) bool {
	return r.b.SetString(col, row, unsafe.Slice(unsafe.StringData(s), len(s)))
}

func (r runtimeBatch) Run(_ context.Context, rows int, offset int64) (int32, int, error) {
	st, err := r.b.Run(rows, offset)
	if err != nil {
		return int32(st), 0, err
	}
	return int32(st), r.b.StatusRow(), nil
}

func (r runtimeBatch) Output(col, row int) (sdk.Value, error) { return r.b.OutValue(col, row) }

// OutputView implements outputViewer: a STRING output is a view of the
// module's memory instead of a copy.
func (r runtimeBatch) OutputView(col, row int) (sdk.Value, error) {
	if r.b.Stage().Outputs[col].Type != sdk.TypeString || r.b.OutNull(col, row) {
		return r.b.OutValue(col, row)
	}
	s, err := r.b.OutString(col, row)
	if err != nil {
		return sdk.Value{}, err
	}
	return sdk.Value{Type: sdk.TypeString, S: unsafe.String(unsafe.SliceData(s), len(s))}, nil
}
