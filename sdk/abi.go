package sdk

// ABIVersion is the version of the contract in this package: batch layout,
// stage signature, status codes, intrinsics and manifest. A host refuses a
// module built for another version.
const ABIVersion = 1

// ManifestSection is the name of the custom section that holds a module's
// msgpack-encoded [Manifest].
const ManifestSection = "wasmstream.manifest"

// PositionsSection is the name of the optional custom section that maps code
// offsets to SQL source positions (pairs of uvarint code offset, uvarint SQL
// byte offset, per function), so a trap can be reported at a SQL line:column.
const PositionsSection = "wasmstream.positions"

// MemoryExport is the name under which a module exports its linear memory.
const MemoryExport = "memory"

// IntrinsicsModule is the import module name of the host's intrinsics.
const IntrinsicsModule = "wasmstream"

// Batch header: a small fixed area at the start of each stage's region that
// the host and the stage use to talk about the batch. All fields are
// little-endian i32.
const (
	// HdrRows holds the number of rows in the input batch (written by the host).
	HdrRows = 0
	// HdrCancel is the cooperative cancellation flag: the host (from another
	// goroutine, when a batch deadline passes) stores a non-zero value, and
	// the stage, which calls the IntrCheckCancel intrinsic every
	// CancelCheckRows rows, returns StatusCancelled. This replaces wazero's
	// WithCloseOnContextDone, which slows loops about 30x. The stage must not
	// poll the flag with plain loads in a loop: compiled wasm code cannot be
	// preempted by the Go scheduler, so a stage that never calls into the
	// host blocks the garbage collector's stop-the-world, and with it the
	// goroutine that would raise the flag: the whole process freezes.
	HdrCancel = 4
	// HdrHeapPtr is the next free byte of the output heap, where a stage (or
	// an intrinsic on its behalf) writes strings it computes. The host resets
	// it to the heap start before every call.
	HdrHeapPtr = 8
	// HdrHeapEnd is one past the last byte of the output heap.
	HdrHeapEnd = 12
	// HdrStatusRow is the row a stage was at when it returned a status other
	// than StatusOK.
	HdrStatusRow = 16
	// HdrIntrinsicError is set to 1 by a fallible intrinsic (see Intrinsic)
	// that failed; the stage reads and clears it.
	HdrIntrinsicError = 20
	// HeaderSize is the size of the header; columns start after it.
	HeaderSize = 64
)

// A stage is an exported function of type (rows i32) -> (status i32) that
// processes rows 0..rows-1 of its region's input columns. Its export name and
// Layout are in the manifest.

// Status codes returned by a stage function.
const (
	// StatusOK: every row was processed; Sel and the output columns are valid.
	StatusOK = 0
	// StatusHeapFull: the output heap ran out at row HdrStatusRow. The host
	// calls the stage again with fewer rows.
	StatusHeapFull = 1
	// StatusCancelled: IntrCheckCancel returned 1 at row HdrStatusRow.
	StatusCancelled = 2
)

// Values of the selection byte a stage writes per row.
const (
	// SelDrop: the row does not pass the stage's filter.
	SelDrop = 0
	// SelEmit: the row passes; its output columns are valid.
	SelEmit = 1
	// SelError and above: evaluating the row failed; the host drops it and
	// writes a processing-log entry with the reason code (Sel - SelError).
	SelError = 2
)

// Reason codes of a row error, as carried by the selection byte.
const (
	RowErrDivideByZero = iota
	RowErrCast
	RowErrFunction
)

// CancelCheckRows is how often (in rows) a stage calls IntrCheckCancel:
// at rows 0, CancelCheckRows, 2*CancelCheckRows, ... and in every loop that
// the batch does not bound. It bounds the time the stage keeps the Go
// runtime from stopping the world (see HdrCancel). A host call costs about
// 43 ns: about 0.04 ns per row at 1024 (at 64 it was 0.7 ns, a fifth of a
// two-predicate filter's cost), while 1024 rows of the slowest stage still
// take microseconds, far below a GC's tolerance.
const CancelCheckRows = 1024

// SlotSize is the size of one value in a column: every value takes 8 bytes,
// which keeps addressing a shift and lets the host write any column the same
// way. BOOLEAN, INT and BIGINT are stored as little-endian i64 (INT sign-
// extended, BOOLEAN 0 or 1); DOUBLE as f64; STRING as the i32 address of its
// bytes in linear memory in the low half and its i32 length in the high half.
const SlotSize = 8

// Default sizes of a stage's region.
const (
	DefaultBatchCapacity = 1024
	DefaultInDataSize    = 256 << 10
	DefaultHeapSize      = 256 << 10
)

// Layout is where a stage's batch lives in linear memory. It is fully
// determined by the fields below, which the manifest carries for each stage,
// so the host and the module compute the same addresses.
//
// A stage region is, from Base:
//
//	header      HeaderSize bytes
//	per input column i:  valid[Capacity] bytes (1 = not null), then values[Capacity] slots
//	sel         Capacity bytes (see SelDrop, SelEmit, SelError)
//	per output column j: valid[Capacity] bytes, then values[Capacity] slots
//	in-data     InDataSize bytes: the bytes of input strings, written by the host
//	heap        HeapSize bytes: strings computed by the stage
//
// Every part starts 8-byte aligned.
type Layout struct {
	Base       uint32 `msgpack:"base"`
	Capacity   uint32 `msgpack:"capacity"`
	Inputs     uint32 `msgpack:"inputs"`
	Outputs    uint32 `msgpack:"outputs"`
	InDataSize uint32 `msgpack:"in_data"`
	HeapSize   uint32 `msgpack:"heap"`
}

func align8(n uint32) uint32 { return (n + 7) &^ 7 }

func (l Layout) columnSize() uint32 { return align8(l.Capacity) + l.Capacity*SlotSize }

// InValid returns the address of input column i's validity bytes.
func (l Layout) InValid(i int) uint32 { return l.Base + HeaderSize + uint32(i)*l.columnSize() }

// InValues returns the address of input column i's value slots.
func (l Layout) InValues(i int) uint32 { return l.InValid(i) + align8(l.Capacity) }

// Sel returns the address of the selection bytes.
func (l Layout) Sel() uint32 { return l.InValid(int(l.Inputs)) }

// OutValid returns the address of output column j's validity bytes.
func (l Layout) OutValid(j int) uint32 {
	return l.Sel() + align8(l.Capacity) + uint32(j)*l.columnSize()
}

// OutValues returns the address of output column j's value slots.
func (l Layout) OutValues(j int) uint32 { return l.OutValid(j) + align8(l.Capacity) }

// InData returns the address of the input string area.
func (l Layout) InData() uint32 { return l.OutValid(int(l.Outputs)) }

// Heap returns the address of the output heap.
func (l Layout) Heap() uint32 { return l.InData() + align8(l.InDataSize) }

// End returns one past the last byte of the region.
func (l Layout) End() uint32 { return l.Heap() + align8(l.HeapSize) }

// End64 returns End computed in 64 bits. End wraps around for a layout that
// does not fit in a 32-bit address space; Validate uses End64 so that a
// hostile manifest cannot pass with a wrapped-around end.
func (l Layout) End64() uint64 {
	a8 := func(n uint64) uint64 { return (n + 7) &^ 7 }
	c := uint64(l.Capacity)
	col := a8(c) + c*SlotSize
	end := uint64(l.Base) + HeaderSize + uint64(l.Inputs)*col + a8(c) + uint64(l.Outputs)*col
	return end + a8(uint64(l.InDataSize)) + a8(uint64(l.HeapSize))
}

// PageSize is the WebAssembly page size.
const PageSize = 65536

// Pages returns how many 64 KiB pages memory must have to hold regions ending
// at end.
func Pages(end uint32) uint32 { return (end + PageSize - 1) / PageSize }
