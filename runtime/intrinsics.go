package runtime

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync/atomic"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/runtime/internal/jtext"
	"github.com/wasmstream/wasmstream/sdk"
)

// The intrinsics are api.GoModuleFunc values, not reflected Go functions:
// wazero calls them about 20x faster (see DESIGN.md, Measured facts). Each
// reads its arguments from the stack, bounds-checks every guest address
// against the caller's memory and writes results in place. A bad address is
// a trap: the function panics with an error wrapping ErrGuestPointer, which
// wazero recovers and returns from the stage call.

// hostScratch is per-instance state of the intrinsics, reached through the
// context of the stage call, so the intrinsics need not allocate.
type hostScratch struct {
	like jtext.Matcher
}

type scratchKey struct{}

func scratchOf(ctx context.Context) *hostScratch {
	if s, ok := ctx.Value(scratchKey{}).(*hostScratch); ok {
		return s
	}
	return &hostScratch{}
}

// intrinsicImpls maps each intrinsic of sdk.Intrinsics to its implementation.
var intrinsicImpls = map[string]api.GoModuleFunc{
	sdk.IntrUpper:        strUpper,
	sdk.IntrLower:        strLower,
	sdk.IntrTrim:         strTrim,
	sdk.IntrLTrim:        strLTrim,
	sdk.IntrRTrim:        strRTrim,
	sdk.IntrLen:          strLen,
	sdk.IntrSubstring:    strSubstring,
	sdk.IntrReplace:      strReplace,
	sdk.IntrCompare:      strCompare,
	sdk.IntrLike:         strLike,
	sdk.IntrFormatInt:    fmtInt,
	sdk.IntrFormatDouble: fmtDouble,
	sdk.IntrParseInt:     parseInt,
	sdk.IntrParseDouble:  parseDouble,
	sdk.IntrParseBool:    parseBool,
	sdk.IntrCheckCancel:  checkCancel,
	sdk.IntrCxField:      cxField,
	sdk.IntrCxIndex:      cxIndex,
	sdk.IntrCxLookup:     cxLookup,
	sdk.IntrCxBuild:      cxBuild,
	sdk.IntrCxCast:       cxCast,
	sdk.IntrCxJSON:       cxJSON,
	sdk.IntrCxArrayFn:    cxArrayFn,

	// DECIMAL and math.
	sdk.IntrDecParse:      decParse,
	sdk.IntrDecFromDouble: decFromDouble,
	sdk.IntrDecFormat:     decFormat,
	sdk.IntrMathExp:       mathExp,
	sdk.IntrMathLn:        mathLn,
	sdk.IntrBytesSubstr:   bytesSubstring,
	sdk.IntrBytesCompare:  bytesCompare,
}

func valueTypes(ts []sdk.ValType) []api.ValueType {
	out := make([]api.ValueType, len(ts))
	for i, t := range ts {
		out[i] = api.ValueType(t)
	}
	return out
}

// instantiateIntrinsics registers the intrinsics host module in r.
func instantiateIntrinsics(ctx context.Context, r wazero.Runtime) error {
	b := r.NewHostModuleBuilder(sdk.IntrinsicsModule)
	for _, in := range sdk.Intrinsics {
		fn, ok := intrinsicImpls[in.Name]
		if !ok {
			return fmt.Errorf("intrinsic %s of ABI %d is not implemented", in.Name, sdk.ABIVersion)
		}
		b.NewFunctionBuilder().
			WithName(in.Name).
			WithGoModuleFunction(fn, valueTypes(in.Params), valueTypes(in.Results)).
			Export(in.Name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("register intrinsics: %w", err)
	}
	return nil
}

// guestMemory returns the whole linear memory of the calling module.
func guestMemory(mod api.Module) []byte {
	mem := mod.Memory()
	if mem == nil {
		panic(fmt.Errorf("intrinsic called by a module without memory: %w", ErrGuestPointer))
	}
	b, _ := mem.Read(0, mem.Size())
	return b
}

// span returns mem[ptr:ptr+n], trapping if the range is outside memory.
func span(mem []byte, ptr, n uint32) []byte {
	end := uint64(ptr) + uint64(n)
	if end > uint64(len(mem)) {
		panic(fmt.Errorf("%w: %d bytes at address %d, memory has %d", ErrGuestPointer, n, ptr, len(mem)))
	}
	return mem[ptr:end:end]
}

// heapFull is the string result of an intrinsic whose output did not fit
// in the heap: -1 as i64.
const heapFull = ^uint64(0)

// heap returns the free part of the output heap of the stage region at
// base, as the header's HdrHeapPtr and HdrHeapEnd describe it.
func heap(mem []byte, base uint32) (free []byte, ptr uint32) {
	hdr := span(mem, base, sdk.HeaderSize)
	ptr = binary.LittleEndian.Uint32(hdr[sdk.HdrHeapPtr:])
	end := binary.LittleEndian.Uint32(hdr[sdk.HdrHeapEnd:])
	if ptr > end {
		panic(fmt.Errorf("%w: heap pointer %d beyond heap end %d", ErrGuestPointer, ptr, end))
	}
	return span(mem, ptr, end-ptr), ptr
}

// emit finishes an intrinsic that wrote w into the heap at ptr: it advances
// the heap pointer and returns the string result.
func emit(mem []byte, base, ptr uint32, w *jtext.Sink) uint64 {
	if w.Full {
		return heapFull
	}
	binary.LittleEndian.PutUint32(mem[base+sdk.HdrHeapPtr:], ptr+uint32(w.N))
	return strResult(ptr, uint32(w.N))
}

func strResult(ptr, n uint32) uint64 { return uint64(ptr) | uint64(n)<<32 }

// arg returns the string argument at stack[i], stack[i+1].
func arg(mem []byte, stack []uint64, i int) []byte {
	return span(mem, api.DecodeU32(stack[i]), api.DecodeU32(stack[i+1]))
}

// setIntrinsicError raises HdrIntrinsicError of the stage region at base.
func setIntrinsicError(mem []byte, base uint32) {
	hdr := span(mem, base, sdk.HeaderSize)
	binary.LittleEndian.PutUint32(hdr[sdk.HdrIntrinsicError:], 1)
}

// caseMap implements str_upper and str_lower: (base, ptr, len) -> str.
func caseMap(f func(*jtext.Sink, []byte)) api.GoModuleFunc {
	return func(_ context.Context, mod api.Module, stack []uint64) {
		mem := guestMemory(mod)
		base := api.DecodeU32(stack[0])
		s := arg(mem, stack, 1)
		free, ptr := heap(mem, base)
		var w jtext.Sink
		w.Reset(free)
		f(&w, s)
		stack[0] = emit(mem, base, ptr, &w)
	}
}

var (
	strUpper = caseMap(jtext.Upper)
	strLower = caseMap(jtext.Lower)
)

// trim implements the trims: (base, ptr, len) -> str, a slice of the
// argument.
func trim(f func([]byte) []byte) api.GoModuleFunc {
	return func(_ context.Context, mod api.Module, stack []uint64) {
		mem := guestMemory(mod)
		ptr := api.DecodeU32(stack[1])
		s := arg(mem, stack, 1)
		t := f(s)
		// t is a sub-slice of s, and span made cap(s) == len(s): the
		// difference of capacities is t's offset in s.
		off := cap(s) - cap(t)
		stack[0] = strResult(ptr+uint32(off), uint32(len(t)))
	}
}

var (
	strTrim  = trim(jtext.Trim)
	strLTrim = trim(jtext.LTrim)
	strRTrim = trim(jtext.RTrim)
)

// strLen: (ptr, len) -> i32.
func strLen(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	stack[0] = api.EncodeI32(int32(jtext.Len(arg(mem, stack, 0))))
}

// strSubstring: (base, ptr, len, pos, count) -> str.
func strSubstring(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	s := arg(mem, stack, 1)
	pos, count := api.DecodeI32(stack[3]), api.DecodeI32(stack[4])
	free, ptr := heap(mem, base)
	var w jtext.Sink
	w.Reset(free)
	jtext.Substring(&w, s, pos, count, count < 0)
	stack[0] = emit(mem, base, ptr, &w)
}

// strReplace: (base, ptr, len, oldPtr, oldLen, newPtr, newLen) -> str.
func strReplace(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	s, old, repl := arg(mem, stack, 1), arg(mem, stack, 3), arg(mem, stack, 5)
	free, ptr := heap(mem, base)
	var w jtext.Sink
	w.Reset(free)
	jtext.Replace(&w, s, old, repl)
	stack[0] = emit(mem, base, ptr, &w)
}

// strCompare: (aPtr, aLen, bPtr, bLen) -> i32.
func strCompare(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	stack[0] = api.EncodeI32(int32(jtext.Compare(arg(mem, stack, 0), arg(mem, stack, 2))))
}

// strLike: (ptr, len, patPtr, patLen, escape) -> i32: 1 match, 0 no match,
// -1 the pattern ends with the escape character.
func strLike(ctx context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	s, pat := arg(mem, stack, 0), arg(mem, stack, 2)
	esc := rune(api.DecodeI32(stack[4]))
	if esc < 0 {
		esc = -1
	}
	match, valid := scratchOf(ctx).like.Like(s, pat, esc)
	switch {
	case !valid:
		stack[0] = api.EncodeI32(-1)
	case match:
		stack[0] = 1
	default:
		stack[0] = 0
	}
}

// fmtInt: (base, v i64) -> str.
func fmtInt(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	free, ptr := heap(mem, base)
	var w jtext.Sink
	w.Reset(free)
	jtext.FormatInt(&w, int64(stack[1]))
	stack[0] = emit(mem, base, ptr, &w)
}

// fmtDouble: (base, v f64) -> str.
func fmtDouble(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	free, ptr := heap(mem, base)
	var w jtext.Sink
	w.Reset(free)
	jtext.FormatDouble(&w, api.DecodeF64(stack[1]))
	stack[0] = emit(mem, base, ptr, &w)
}

// parseInt: (base, ptr, len, bits) -> i64.
func parseInt(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	s := arg(mem, stack, 1)
	bits := api.DecodeI32(stack[3])
	if bits != 32 && bits != 64 {
		panic(fmt.Errorf("%w: %s called with bits = %d, want 32 or 64", ErrProtocol, sdk.IntrParseInt, bits))
	}
	v, ok := jtext.ParseInt(s, int(bits))
	if !ok {
		setIntrinsicError(mem, base)
		v = 0
	}
	stack[0] = uint64(v)
}

// parseDouble: (base, ptr, len) -> f64.
func parseDouble(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	v, ok := jtext.ParseDouble(arg(mem, stack, 1))
	if !ok {
		setIntrinsicError(mem, base)
		v = 0
	}
	stack[0] = math.Float64bits(v)
}

// parseBool: (ptr, len) -> i32.
func parseBool(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	if jtext.ParseBool(arg(mem, stack, 0)) {
		stack[0] = 1
	} else {
		stack[0] = 0
	}
}

// checkCancel: (base) -> i32, 1 when the cancel flag of the stage region at
// base is raised. Being a host call, it is also where a stage gives the Go
// runtime the chance to preempt it (compiled wasm cannot be preempted), so
// that the garbage collector, and the watchdog raising the flag, can run.
func checkCancel(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	hdr := span(mem, api.DecodeU32(stack[0]), sdk.HeaderSize)
	// The watchdog stores the flag atomically from another goroutine. The
	// header is 8-byte aligned when base is (as the manifest requires) and
	// a hostile base only makes the load unaligned, which amd64 and arm64
	// allow for plain loads; keep the atomic load for aligned bases.
	p := &hdr[sdk.HdrCancel]
	var v uint32
	if uintptr(unsafe.Pointer(p))%4 == 0 {
		v = atomic.LoadUint32((*uint32)(unsafe.Pointer(p)))
	} else {
		v = binary.LittleEndian.Uint32(hdr[sdk.HdrCancel:])
	}
	if v != 0 {
		stack[0] = 1
	} else {
		stack[0] = 0
	}
}
