package state

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
)

// AppendKey appends an unambiguous binary encoding of a key's values to
// dst: the stores use it as a map key (looked up as string(bytes), which
// does not allocate). Two keys encode alike exactly when their values are
// equal, type included.
func AppendKey(dst []byte, vals []sdk.Value) []byte {
	for _, v := range vals {
		if v.Null {
			dst = append(dst, 0, byte(v.Type))
			continue
		}
		dst = append(dst, 1, byte(v.Type))
		switch {
		case v.Type == sdk.TypeDouble:
			dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(v.F))
		case v.Type.IsVarLen():
			// STRING, and the complex types' encodings.
			dst = binary.AppendUvarint(dst, uint64(len(v.S)))
			dst = append(dst, v.S...)
		default:
			dst = binary.BigEndian.AppendUint64(dst, uint64(v.I))
		}
	}
	return dst
}

// appendWindow appends a window's bounds to an encoded key.
func appendWindow(dst []byte, w Window) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(w.Start))
	return binary.BigEndian.AppendUint64(dst, uint64(w.End))
}

// cloneRow copies a row into dst (reusing its storage). Strings (and
// complex encodings) are copied too: the values a store is given may be
// views of a record or of a module's memory, valid only during the call.
func cloneRow(dst, src []sdk.Value) []sdk.Value {
	dst = append(dst[:0], src...)
	for i := range dst {
		if dst[i].S != "" {
			dst[i].S = strings.Clone(dst[i].S)
		}
	}
	return dst
}
