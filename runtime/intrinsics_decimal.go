package runtime

import (
	"context"
	"fmt"
	"math"
	"unsafe"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/runtime/internal/jtext"
	"github.com/wasmstream/wasmstream/sdk"
)

// decimalArgs reads and checks the precision and scale arguments of a
// DECIMAL intrinsic: a module that passes others breaks the ABI.
func decimalArgs(name string, p, s uint64) (int, int) {
	pi, si := int(api.DecodeI32(p)), int(api.DecodeI32(s))
	if _, ok := sdk.DecimalType(pi, si); !ok {
		panic(fmt.Errorf("%w: %s called with DECIMAL(%d, %d)", ErrProtocol, name, pi, si))
	}
	return pi, si
}

// decParse: (base, ptr, len, precision, scale) -> i64, the unscaled value
// of the text as DECIMAL(precision, scale); fallible.
func decParse(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	b := arg(mem, stack, 1)
	p, s := decimalArgs(sdk.IntrDecParse, stack[3], stack[4])
	// The view is read and dropped within the call: no copy needed.
	v, ok := sdk.ParseDecimal(unsafe.String(unsafe.SliceData(b), len(b)), p, s)
	if !ok {
		setIntrinsicError(mem, base)
		v = 0
	}
	stack[0] = uint64(v)
}

// decFromDouble: (base, v f64, precision, scale) -> i64; fallible.
func decFromDouble(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	p, s := decimalArgs(sdk.IntrDecFromDouble, stack[2], stack[3])
	v, ok := sdk.DecimalFromDouble(api.DecodeF64(stack[1]), p, s)
	if !ok {
		setIntrinsicError(mem, base)
		v = 0
	}
	stack[0] = uint64(v)
}

// decFormat: (base, v i64, scale) -> str, as BigDecimal.toPlainString.
func decFormat(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	s := int(api.DecodeI32(stack[2]))
	if s < 0 || s > sdk.MaxDecimalPrecision {
		panic(fmt.Errorf("%w: %s called with scale %d", ErrProtocol, sdk.IntrDecFormat, s))
	}
	var buf [24]byte
	free, ptr := heap(mem, base)
	var w jtext.Sink
	w.Reset(free)
	w.Add(sdk.AppendDecimal(buf[:0], int64(stack[1]), s))
	stack[0] = emit(mem, base, ptr, &w)
}

// mathExp: (v f64) -> f64, Java's Math.exp.
func mathExp(_ context.Context, _ api.Module, stack []uint64) {
	stack[0] = math.Float64bits(math.Exp(api.DecodeF64(stack[0])))
}

// mathLn: (v f64) -> f64, Java's Math.log.
func mathLn(_ context.Context, _ api.Module, stack []uint64) {
	stack[0] = math.Float64bits(math.Log(api.DecodeF64(stack[0])))
}

// bytesSubstring: (ptr, len, pos, hasLen, n) -> slice, ksqlDB's
// Substring.doSubstring on bytes: start = pos-1 (pos > 0) or len+pos
// (pos < 0), clamped to the value; end = start+n clamped, or the end.
func bytesSubstring(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	ptr := api.DecodeU32(stack[0])
	b := arg(mem, stack, 0)
	length := int64(len(b))
	pos := int64(api.DecodeI32(stack[2]))
	var start int64
	if pos < 0 {
		start = max(length+pos, 0)
	} else {
		start = max(min(pos-1, length), 0)
	}
	end := length
	if api.DecodeI32(stack[3]) != 0 {
		end = max(min(start+int64(api.DecodeI32(stack[4])), length), start)
	}
	stack[0] = strResult(ptr+uint32(start), uint32(end-start))
}
