package runtime

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
)

// The intrinsics over complex values (sdk.CxArray...) return a slice of
// their argument: the encoding of one element, address in the low 32 bits
// and length in the high 32 bits; length 0 means NULL (absent). They never
// write to memory and never trust the encoding: a malformed value gives
// length 0.

// cxSlice packs the element b[i:j] of the value at guest address ptr.
func cxSlice(ptr uint32, i, j int) uint64 {
	if i < 0 || j <= i {
		return 0
	}
	return uint64(ptr+uint32(i)) | uint64(j-i)<<32
}

// cxNth returns the bounds of element n (0-based) of the array or struct
// value b, or -1, -1.
func cxNth(b []byte, want byte, n int) (int, int) {
	tag, count, i, ok := sdk.CxCount(b)
	if !ok || tag != want || n < 0 || n >= count {
		return -1, -1
	}
	for ; n > 0; n-- {
		if i = sdk.CxSkip(b, i); i < 0 {
			return -1, -1
		}
	}
	return i, sdk.CxSkip(b, i)
}

// cxField: (ptr, len, i) -> slice of STRUCT field i.
func cxField(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	b := arg(mem, stack, 0)
	i, j := cxNth(b, sdk.CxStruct, int(api.DecodeI32(stack[2])))
	stack[0] = cxSlice(api.DecodeU32(stack[0]), i, j)
}

// cxIndex: (ptr, len, i) -> slice of ARRAY element i (1-based, negative
// from the end).
func cxIndex(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	b := arg(mem, stack, 0)
	idx := int(api.DecodeI32(stack[2]))
	_, count, _, ok := sdk.CxCount(b)
	if !ok || idx == 0 {
		stack[0] = 0
		return
	}
	n := idx - 1
	if idx < 0 {
		n = count + idx
	}
	i, j := cxNth(b, sdk.CxArray, n)
	stack[0] = cxSlice(api.DecodeU32(stack[0]), i, j)
}

// cxLookup: (ptr, len, keyPtr, keyLen) -> slice of the MAP value for the
// STRING key.
func cxLookup(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	b := arg(mem, stack, 0)
	key := arg(mem, stack, 2)
	ptr := api.DecodeU32(stack[0])
	stack[0] = 0
	tag, count, i, ok := sdk.CxCount(b)
	if !ok || tag != sdk.CxMap {
		return
	}
	for ; count > 0; count-- {
		k := sdk.CxSkip(b, i)
		if k < 0 {
			return
		}
		v := sdk.CxSkip(b, k)
		if v < 0 {
			return
		}
		if s, ok := sdk.CxStr(b[i:k]); ok && string(s) == string(key) {
			stack[0] = cxSlice(ptr, k, v)
			return
		}
		i = v
	}
}
