package codegen

import (
	"context"
	"encoding/binary"
	"math"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
)

// Test implementations of the complex-value intrinsics, from their
// documentation in sdk.Intrinsics.
func init() {
	nth := func(b []byte, want byte, n int) (int, int) {
		tag, count, i, ok := sdk.CxCount(b)
		if !ok || tag != want || n < 0 || n >= count {
			return 0, 0
		}
		for ; n > 0; n-- {
			i = sdk.CxSkip(b, i)
		}
		return i, sdk.CxSkip(b, i)
	}
	testIntrinsics[sdk.IntrCxField] = func(_ context.Context, m api.Module, s []uint64) {
		b := []byte(readStr(m, s[0], s[1]))
		i, j := nth(b, sdk.CxStruct, int(int32(s[2])))
		s[0] = slice(s[0], i, j)
	}
	testIntrinsics[sdk.IntrCxIndex] = func(_ context.Context, m api.Module, s []uint64) {
		b := []byte(readStr(m, s[0], s[1]))
		idx := int(int32(s[2]))
		_, count, _, _ := sdk.CxCount(b)
		n := idx - 1
		if idx < 0 {
			n = count + idx
		}
		i, j := nth(b, sdk.CxArray, n)
		s[0] = slice(s[0], i, j)
	}
	testIntrinsics[sdk.IntrCxLookup] = func(_ context.Context, m api.Module, s []uint64) {
		b := []byte(readStr(m, s[0], s[1]))
		key := readStr(m, s[2], s[3])
		_, count, i, _ := sdk.CxCount(b)
		ptr := s[0]
		s[0] = 0
		for ; count > 0; count-- {
			k := sdk.CxSkip(b, i)
			v := sdk.CxSkip(b, k)
			if ks, ok := sdk.CxStr(b[i:k]); ok && string(ks) == key {
				s[0] = slice(ptr, k, v)
				return
			}
			i = v
		}
	}
	testIntrinsics[sdk.IntrCxBuild] = func(_ context.Context, m api.Module, s []uint64) {
		base, tag, n := uint32(s[0]), byte(s[1]), int(uint32(s[2]))
		recs := []byte(readStr(m, s[3], uint64(16*n)))
		count := n
		if tag == sdk.CxMap {
			count /= 2
		}
		out := sdk.CxAppendHeader(nil, tag, count)
		for k := 0; k < n; k++ {
			v := binary.LittleEndian.Uint64(recs[16*k:])
			switch kind := recs[16*k+8]; kind {
			case sdk.CxInt:
				out = sdk.CxAppendInt(out, int64(v))
			case sdk.CxDouble:
				out = sdk.CxAppendDouble(out, math.Float64frombits(v))
			case sdk.CxString:
				out = sdk.CxAppendString(out, readStr(m, v&0xffffffff, v>>32))
			case sdk.CxArray, sdk.CxMap, sdk.CxStruct:
				out = append(out, readStr(m, v&0xffffffff, v>>32)...)
			default:
				out = append(out, kind)
			}
		}
		s[0] = heapStr(m, base, string(out))
	}
	// CAST of complex values is tested with the runtime's implementation
	// (engine/qtt); here only the identity is needed.
	testIntrinsics[sdk.IntrCxCast] = func(_ context.Context, m api.Module, s []uint64) {
		if readStr(m, s[3], s[4]) != readStr(m, s[5], s[6]) {
			panic("test cx_cast: only casts to the same type are implemented")
		}
		s[0] = s[1] | s[2]<<32
	}
}
