package wasm

import "errors"

// AppendULEB128 appends the unsigned LEB128 encoding of v to b and returns
// the extended slice. It is the encoding of every index, count and size in a
// module; exported so that callers can build custom section payloads with
// the same encoding.
func AppendULEB128(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// AppendSLEB128 appends the signed LEB128 encoding of v to b and returns the
// extended slice. i32.const and i64.const immediates use it; an int32 value
// encodes identically whether passed as int32 or int64, so one function
// serves both widths.
func AppendSLEB128(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7F)
		v >>= 7 // arithmetic shift keeps the sign
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// ulebLen returns the number of bytes of the unsigned LEB128 encoding of v.
func ulebLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// Decoding errors. They are sentinels so that the disassembler's callers
// can tell a malformed integer from other malformations with errors.Is.
var (
	errLEBTruncated = errors.New("truncated LEB128 integer")
	errLEBOverflow  = errors.New("LEB128 integer too long or out of range")
)

// readULEB reads an unsigned LEB128 integer of at most bits bits (32 or 64)
// from b, returning the value and the number of bytes read. Following the
// spec it rejects encodings longer than ceil(bits/7) bytes and a final byte
// whose unused high bits are not zero.
func readULEB(b []byte, bits uint) (uint64, int, error) {
	maxLen := int((bits + 6) / 7)
	var v uint64
	var shift uint
	for i := 0; ; i++ {
		if i >= len(b) {
			return 0, 0, errLEBTruncated
		}
		if i >= maxLen {
			return 0, 0, errLEBOverflow
		}
		c := b[i]
		if i == maxLen-1 {
			// Last permitted byte: no continuation, and the bits above the
			// width must be zero.
			rem := bits - shift // value bits this byte may carry (1..7)
			if c&0x80 != 0 || (rem < 7 && c>>rem != 0) {
				return 0, 0, errLEBOverflow
			}
		}
		v |= uint64(c&0x7F) << shift
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
		shift += 7
	}
}

// readSLEB reads a signed LEB128 integer of at most bits bits (32 or 64).
// The unused bits of a maximal-length encoding must be the sign extension of
// the value's top bit.
func readSLEB(b []byte, bits uint) (int64, int, error) {
	maxLen := int((bits + 6) / 7)
	var v int64
	var shift uint
	for i := 0; ; i++ {
		if i >= len(b) {
			return 0, 0, errLEBTruncated
		}
		if i >= maxLen {
			return 0, 0, errLEBOverflow
		}
		c := b[i]
		if i == maxLen-1 {
			if c&0x80 != 0 {
				return 0, 0, errLEBOverflow
			}
			rem := bits - shift // value bits in this byte, including the sign bit
			if rem < 7 {
				// Bits rem-1 .. 6 must all equal the sign bit (bit rem-1).
				top := c >> (rem - 1) // bits from the sign bit up, 7-rem+1 bits
				all := byte(0x7F) >> (rem - 1)
				if top != 0 && top != all {
					return 0, 0, errLEBOverflow
				}
			}
		}
		v |= int64(c&0x7F) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			if bits == 32 {
				// Values of a 32-bit read fit in int32 by construction.
				v = int64(int32(v))
			}
			return v, i + 1, nil
		}
	}
}
