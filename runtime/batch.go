package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasmstream/wasmstream/sdk"
)

// Batch is the view of one stage's region of linear memory (see sdk.Layout):
// the host writes input columns and reads the selection and output columns
// directly in the module's memory, without copies or allocation, and Run
// calls the stage.
//
// Columns and rows are indexes into the stage's Inputs or Outputs and into
// 0..Capacity()-1; an index out of range panics as a slice index does (a
// bug of the host, not something a module can cause). Input cells are not
// cleared between batches: write every column of every row you pass to
// Run. Values read from outputs come from the module and are untrusted;
// the accessors that follow a pointer check it.
//
// A Batch belongs to its Instance and, like it, to one goroutine at a time.
type Batch struct {
	in       *Instance
	stage    *sdk.Stage
	layout   sdk.Layout
	fn       api.Function
	stack    [1]uint64 // reused by every call: (rows) -> (status)
	mem      []byte
	capacity int

	inValid, inValues   [][]byte // per input column: Capacity bytes, Capacity slots
	outValid, outValues [][]byte
	sel                 []byte
	hdr                 []byte

	inData, inDataEnd, inCursor uint32
	heap, heapEnd               uint32
	lastRows                    int
}

func newBatch(in *Instance, st *sdk.Stage, fn api.Function) *Batch {
	l := st.Layout
	c := int(l.Capacity)
	// Validate (sdk) has checked that the whole region fits in memory.
	b := &Batch{
		in: in, stage: st, layout: l, fn: fn, mem: in.mem, capacity: c,
		inValid:   make([][]byte, l.Inputs),
		inValues:  make([][]byte, l.Inputs),
		outValid:  make([][]byte, l.Outputs),
		outValues: make([][]byte, l.Outputs),
		inData:    l.InData(),
		inDataEnd: l.InData() + l.InDataSize,
		heap:      l.Heap(),
		heapEnd:   l.Heap() + l.HeapSize,
	}
	region := func(addr uint32, n int) []byte { return in.mem[addr : int(addr)+n : int(addr)+n] }
	for i := range b.inValid {
		b.inValid[i] = region(l.InValid(i), c)
		b.inValues[i] = region(l.InValues(i), c*sdk.SlotSize)
	}
	for j := range b.outValid {
		b.outValid[j] = region(l.OutValid(j), c)
		b.outValues[j] = region(l.OutValues(j), c*sdk.SlotSize)
	}
	b.sel = region(l.Sel(), c)
	b.hdr = region(l.Base, sdk.HeaderSize)
	b.inCursor = b.inData
	return b
}

// Stage returns the manifest's description of the stage.
func (b *Batch) Stage() *sdk.Stage { return b.stage }

// Capacity returns the largest number of rows of a batch.
func (b *Batch) Capacity() int { return b.capacity }

// Reset starts a new batch: the input string area is empty again. It does
// not clear the input columns.
func (b *Batch) Reset() { b.inCursor = b.inData }

// InDataFree returns how many bytes of input strings still fit.
func (b *Batch) InDataFree() int { return int(b.inDataEnd - b.inCursor) }

// SetNull makes input (col, row) NULL.
func (b *Batch) SetNull(col, row int) { b.inValid[col][row] = 0 }

// SetInt64 sets input (col, row) of type INT or BIGINT.
func (b *Batch) SetInt64(col, row int, v int64) {
	b.inValid[col][row] = 1
	binary.LittleEndian.PutUint64(b.inValues[col][row*sdk.SlotSize:], uint64(v))
}

// SetFloat64 sets input (col, row) of type DOUBLE.
func (b *Batch) SetFloat64(col, row int, v float64) {
	b.inValid[col][row] = 1
	binary.LittleEndian.PutUint64(b.inValues[col][row*sdk.SlotSize:], math.Float64bits(v))
}

// SetBool sets input (col, row) of type BOOLEAN.
func (b *Batch) SetBool(col, row int, v bool) {
	var x int64
	if v {
		x = 1
	}
	b.SetInt64(col, row, x)
}

// SetString sets input (col, row) of type STRING, copying s into the
// batch's input string area. It returns false, and changes nothing, when
// the area is full: end the batch before this row, Run it, Reset, and write
// the row again.
func (b *Batch) SetString(col, row int, s []byte) bool { return setString(b, col, row, s) }

func setString[T string | []byte](b *Batch, col, row int, s T) bool {
	if uint64(len(s)) > uint64(b.inDataEnd-b.inCursor) {
		return false
	}
	p := b.inCursor
	copy(b.mem[p:], s)
	b.inCursor += uint32(len(s))
	b.inValid[col][row] = 1
	binary.LittleEndian.PutUint64(b.inValues[col][row*sdk.SlotSize:], uint64(p)|uint64(len(s))<<32)
	return true
}

// SetValue sets input (col, row) from v, interpreted by the column's type
// (I for BOOLEAN, INT and BIGINT; F for DOUBLE; S for STRING). It returns
// false only when a string does not fit; see SetString.
func (b *Batch) SetValue(col, row int, v sdk.Value) bool {
	if v.Null {
		b.SetNull(col, row)
		return true
	}
	switch b.stage.Inputs[col].Type {
	case sdk.TypeDouble:
		b.SetFloat64(col, row, v.F)
	case sdk.TypeString, sdk.TypeBytes, sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
		return setString(b, col, row, v.S)
	default:
		b.SetInt64(col, row, v.I)
	}
	return true
}

// Run calls the stage on rows 0..rows-1. offset is the input offset of the
// batch's first row; it only goes into errors, so that a failure can be
// traced to its input.
//
// The status is sdk.StatusOK when every row was processed; Sel and the
// output columns are then valid until the next Run. It is
// sdk.StatusHeapFull when the output heap ran out at StatusRow(): run the
// rows from there again in a smaller batch. A trap returns a *TrapError, a
// missed deadline a *DeadlineError (with status sdk.StatusCancelled); after
// a trap or a forced deadline the instance is broken.
func (b *Batch) Run(rows int, offset int64) (Status, error) {
	in := b.in
	if in.broken != nil {
		return 0, in.broken
	}
	if rows < 0 || rows > b.capacity {
		return 0, fmt.Errorf("query %s: stage %s: %d rows, capacity is %d", in.m.manifest.QueryID, b.stage.Export, rows, b.capacity)
	}
	h := b.hdr
	binary.LittleEndian.PutUint32(h[sdk.HdrRows:], uint32(rows))
	binary.LittleEndian.PutUint32(h[sdk.HdrCancel:], 0)
	binary.LittleEndian.PutUint32(h[sdk.HdrHeapPtr:], b.heap)
	binary.LittleEndian.PutUint32(h[sdk.HdrHeapEnd:], b.heapEnd)
	binary.LittleEndian.PutUint32(h[sdk.HdrStatusRow:], 0)
	binary.LittleEndian.PutUint32(h[sdk.HdrIntrinsicError:], 0)
	b.lastRows = rows
	b.stack[0] = uint64(rows)

	phase, err := in.call(b)
	if err != nil {
		return 0, b.failed(phase, offset, err)
	}
	st := Status(int32(b.stack[0]))
	switch st {
	case sdk.StatusOK, sdk.StatusHeapFull:
		return st, nil
	case sdk.StatusCancelled:
		if phase == phaseCancelled {
			return st, &DeadlineError{QueryID: in.m.manifest.QueryID, Stage: b.stage.Export, Offset: offset, Deadline: in.deadline, Row: b.StatusRow()}
		}
		return st, fmt.Errorf("query %s: stage %s: %w: returned cancelled, but no deadline passed", in.m.manifest.QueryID, b.stage.Export, ErrProtocol)
	}
	return st, fmt.Errorf("query %s: stage %s: %w: unknown status %d", in.m.manifest.QueryID, b.stage.Export, ErrProtocol, int32(st))
}

// failed turns the error of a stage call into a TrapError or DeadlineError
// and breaks the instance.
func (b *Batch) failed(phase int, offset int64, err error) error {
	in := b.in
	qid := in.m.manifest.QueryID
	var out error
	var exit *sys.ExitError
	switch {
	case phase == phaseKilled:
		out = &DeadlineError{QueryID: qid, Stage: b.stage.Export, Offset: offset, Deadline: in.deadline, Row: -1, Forced: true}
	case errors.As(err, &exit):
		out = fmt.Errorf("query %s: stage %s: %w: %w (%w)", qid, b.stage.Export, ErrBroken, errClosedDuringCall, err)
	default:
		out = &TrapError{QueryID: qid, Stage: b.stage.Export, Offset: offset, Err: err}
	}
	in.broken = out
	return out
}

// StatusRow returns the row at which the last Run stopped with
// sdk.StatusHeapFull or sdk.StatusCancelled, as the stage reported it,
// limited to the rows of that call.
func (b *Batch) StatusRow() int {
	r := binary.LittleEndian.Uint32(b.hdr[sdk.HdrStatusRow:])
	return int(min(r, uint32(b.lastRows)))
}

// Sel returns the selection byte of row: sdk.SelDrop, sdk.SelEmit, or
// sdk.SelError plus a reason code.
func (b *Batch) Sel(row int) byte { return b.sel[row] }

// OutNull reports whether output (col, row) is NULL.
func (b *Batch) OutNull(col, row int) bool { return b.outValid[col][row] == 0 }

// OutInt64 returns output (col, row) of type INT or BIGINT.
func (b *Batch) OutInt64(col, row int) int64 {
	return int64(binary.LittleEndian.Uint64(b.outValues[col][row*sdk.SlotSize:]))
}

// OutFloat64 returns output (col, row) of type DOUBLE.
func (b *Batch) OutFloat64(col, row int) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(b.outValues[col][row*sdk.SlotSize:]))
}

// OutBool returns output (col, row) of type BOOLEAN.
func (b *Batch) OutBool(col, row int) bool { return b.OutInt64(col, row) != 0 }

// OutString returns output (col, row) of type STRING: a view into linear
// memory, valid until the next Run or write to the batch. An address range
// outside memory returns an error wrapping ErrGuestPointer.
func (b *Batch) OutString(col, row int) ([]byte, error) {
	slot := binary.LittleEndian.Uint64(b.outValues[col][row*sdk.SlotSize:])
	p, n := uint32(slot), uint32(slot>>32)
	end := uint64(p) + uint64(n)
	if end > uint64(len(b.mem)) {
		return nil, fmt.Errorf("query %s: stage %s: output %s row %d: %w: %d bytes at address %d, memory has %d",
			b.in.m.manifest.QueryID, b.stage.Export, b.stage.Outputs[col].Name, row, ErrGuestPointer, n, p, len(b.mem))
	}
	return b.mem[p:end:end], nil
}

// OutValue returns output (col, row) as an sdk.Value of the column's type.
// A string is copied (it allocates).
func (b *Batch) OutValue(col, row int) (sdk.Value, error) {
	t := b.stage.Outputs[col].Type
	if b.OutNull(col, row) {
		return sdk.Null(t), nil
	}
	switch t {
	case sdk.TypeBoolean:
		return sdk.Bool(b.OutBool(col, row)), nil
	case sdk.TypeInt:
		return sdk.Int(int32(b.OutInt64(col, row))), nil
	case sdk.TypeBigInt:
		return sdk.BigInt(b.OutInt64(col, row)), nil
	case sdk.TypeDouble:
		return sdk.Double(b.OutFloat64(col, row)), nil
	case sdk.TypeString, sdk.TypeBytes:
		s, err := b.OutString(col, row)
		if err != nil {
			return sdk.Value{}, err
		}
		return sdk.Value{Type: t, S: string(s)}, nil
	case sdk.TypeArray, sdk.TypeMap, sdk.TypeStruct:
		// A complex value is its encoding (see sdk.CxArray); a stage may
		// compute it, so it is checked against the column's type.
		s, err := b.OutString(col, row)
		if err != nil {
			return sdk.Value{}, err
		}
		if !sdk.CxValid(b.stage.Outputs[col].Desc, s) {
			return sdk.Value{}, fmt.Errorf("query %s: stage %s: output %s is not a valid %s value", b.in.m.manifest.QueryID, b.stage.Export, b.stage.Outputs[col].Name, b.stage.Outputs[col].TypeString())
		}
		return sdk.Value{Type: t, S: string(s)}, nil
	}
	if t.IsDecimal() {
		// Any i64 is read; the stage keeps it within the precision.
		return sdk.Decimal(t, b.OutInt64(col, row)), nil
	}
	return sdk.Value{}, fmt.Errorf("query %s: stage %s: output %s has unsupported type %v", b.in.m.manifest.QueryID, b.stage.Export, b.stage.Outputs[col].Name, t)
}
