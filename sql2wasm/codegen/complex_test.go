package codegen

import (
	"context"

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
}
