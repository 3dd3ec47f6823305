package runtime

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidModule is wrapped by every error of Load about a module that
// cannot be run: malformed binary, bad manifest, forbidden import, missing
// export, memory over the limit.
var ErrInvalidModule = errors.New("invalid module")

// ErrBroken is wrapped by the errors of an instance that trapped, missed
// its deadline or was closed: its memory can no longer be trusted, and a
// new instance is needed.
var ErrBroken = errors.New("instance is broken")

// ErrDeadline is wrapped by DeadlineError.
var ErrDeadline = errors.New("batch deadline exceeded")

// ErrGuestPointer is the cause of a trap raised by an intrinsic given an
// address range outside the module's memory, and of the error of a Batch
// accessor reading such a range from an output column.
var ErrGuestPointer = errors.New("guest pointer outside linear memory")

// ErrProtocol is wrapped by errors about a module that broke the ABI in a
// way wasm itself does not catch, such as an unknown status code.
var ErrProtocol = errors.New("module broke the ABI")

// TrapError reports a trap in a stage: the wasm code hit unreachable,
// accessed memory out of bounds, divided by zero, overflowed its stack, or
// passed a bad pointer to an intrinsic. The instance is broken afterwards.
type TrapError struct {
	// QueryID is the query of the module (its manifest's QueryID).
	QueryID string
	// Stage is the export name of the stage.
	Stage string
	// Offset is the input offset of the batch, as passed to Batch.Run.
	Offset int64
	// Err is wazero's error, with the wasm stack trace.
	Err error
}

// Error implements error.
func (e *TrapError) Error() string {
	return fmt.Sprintf("query %s: stage %s trapped in the batch at input offset %d: %v", e.QueryID, e.Stage, e.Offset, e.Err)
}

// Unwrap returns the cause, so errors.Is(err, ErrBroken) holds as well.
func (e *TrapError) Unwrap() []error { return []error{e.Err, ErrBroken} }

// DeadlineError reports a stage call that ran past its deadline.
type DeadlineError struct {
	QueryID string
	Stage   string
	// Offset is the input offset of the batch, as passed to Batch.Run.
	Offset int64
	// Deadline is the configured batch deadline.
	Deadline time.Duration
	// Row is the row the stage had reached when it saw the cancel flag, or
	// -1 when it had to be stopped by closing the instance.
	Row int
	// Forced is true when the stage ignored the cancel flag and the
	// instance was closed: it is broken.
	Forced bool
}

// Error implements error.
func (e *DeadlineError) Error() string {
	if e.Forced {
		return fmt.Sprintf("query %s: stage %s ignored its deadline of %v in the batch at input offset %d and was stopped", e.QueryID, e.Stage, e.Deadline, e.Offset)
	}
	return fmt.Sprintf("query %s: stage %s exceeded its deadline of %v in the batch at input offset %d (stopped at row %d)", e.QueryID, e.Stage, e.Deadline, e.Offset, e.Row)
}

// Unwrap returns ErrDeadline, and ErrBroken too when the instance was closed.
func (e *DeadlineError) Unwrap() []error {
	if e.Forced {
		return []error{ErrDeadline, ErrBroken}
	}
	return []error{ErrDeadline}
}
