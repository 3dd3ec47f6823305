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

// keyValues returns a copy of vals whose strings (and complex encodings)
// are parts of enc, their AppendKey encoding: a store that keeps both holds
// the bytes once. The copy holds no view of the values given, which may be
// views of a record or of a module's memory.
func keyValues(enc string, vals []sdk.Value) []sdk.Value {
	out := make([]sdk.Value, len(vals))
	pos := 0
	for i, v := range vals {
		out[i] = v
		pos += 2 // null flag, type
		switch {
		case v.Null:
		case v.Type == sdk.TypeDouble:
			pos += 8
		case v.Type.IsVarLen():
			for n := uint64(len(v.S)); ; n >>= 7 { // the uvarint length
				pos++
				if n < 0x80 {
					break
				}
			}
			out[i].S = enc[pos : pos+len(v.S)]
			pos += len(v.S)
			continue
		default:
			pos += 8
		}
		if v.S != "" { // not encoded: a value of another type would not have one
			out[i].S = strings.Clone(v.S)
		}
	}
	return out
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
