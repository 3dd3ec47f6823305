package executor

import (
	"context"

	"github.com/wasmstream/wasmstream/sdk"
)

// StageBatch is what a task needs of one stage's batch in a module instance:
// write input columns in place, run the stage, read the selection and the
// output columns in place. The runtime's batches implement it through an
// adapter (see runtimeStage); tests can use a Go implementation.
//
// Column indexes are the stage's input or output slots as the manifest lists
// them; rows are 0..Capacity()-1.
type StageBatch interface {
	// Capacity is the number of rows a batch holds.
	Capacity() int
	// Reset starts a new batch: the input string area is empty again.
	Reset()
	// SetNull marks an input value NULL.
	SetNull(col, row int)
	// SetInt writes a BOOLEAN (0/1), INT or BIGINT input value.
	SetInt(col, row int, v int64)
	// SetDouble writes a DOUBLE input value.
	SetDouble(col, row int, v float64)
	// SetString writes a STRING input value into the batch's input string
	// area; it returns false, writing nothing, when the area is full.
	SetString(col, row int, s string) bool
	// Run calls the stage on rows 0..rows-1. offset is the input offset of
	// the batch's first record, for error messages. status is one of
	// sdk.StatusOK, sdk.StatusHeapFull (statusRow is then where the heap ran
	// out) or sdk.StatusCancelled. An error (a trap, a deadline) means the
	// instance is no longer usable.
	Run(ctx context.Context, rows int, offset int64) (status int32, statusRow int, err error)
	// Sel returns the selection byte of a row after Run.
	Sel(row int) byte
	// Output returns output column col of row after Run. A STRING's bytes
	// are copied into the value (no reference to guest memory is kept). An
	// error (an output pointing outside the module's memory) is a broken
	// module: the query fails.
	Output(col, row int) (sdk.Value, error)
}

// StageInstance is one instance of a query module: the batches of its stages.
type StageInstance interface {
	// Batch returns the batch of stage i (an index into Manifest.Stages).
	Batch(stage int) (StageBatch, error)
	// Close releases the instance.
	Close(ctx context.Context) error
}

// InstanceFactory creates a fresh instance of a query module for a task (one
// per task, since an instance belongs to one goroutine at a time), or to
// replace an instance broken by a trap.
type InstanceFactory interface {
	NewInstance(ctx context.Context) (StageInstance, error)
}

// outputViewer is implemented by batches that can return a STRING output
// without copying it: a view of the module's memory, valid until the batch
// runs again or is written to. The stateful path reads input stage outputs
// this way; the stores copy what they keep.
type outputViewer interface {
	OutputView(col, row int) (sdk.Value, error)
}
