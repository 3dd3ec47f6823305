package sdk

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Bounds on a manifest, checked before it is decoded.
const (
	// MaxManifestSize is the largest manifest payload accepted.
	MaxManifestSize = 4 << 20
	// maxMsgpackEntries bounds every array and map of a manifest.
	maxMsgpackEntries = 1 << 16
	// maxMsgpackDepth bounds the nesting of arrays and maps.
	maxMsgpackDepth = 32
)

var errMsgpackTruncated = errors.New("truncated msgpack")

// checkMsgpack walks the msgpack value in b and checks that every declared
// length fits in the bytes that remain, every array and map has at most
// maxMsgpackEntries entries and nesting stays within maxMsgpackDepth.
//
// It exists because msgpack v5.4.1 preallocates a slice of whatever length
// the input declares (its allocation limit is disabled by a bug in
// decodeSliceValue: flags&disableAllocLimitFlag != 1 is always true), so 13
// hostile bytes can make the host allocate hundreds of gigabytes and die.
// The walk is linear in len(b) and does not allocate.
func checkMsgpack(b []byte) error {
	if len(b) > MaxManifestSize {
		return fmt.Errorf("manifest of %d bytes exceeds %d", len(b), MaxManifestSize)
	}
	r := mpChecker{b: b}
	return r.value(0)
}

type mpChecker struct {
	b   []byte
	off int
}

func (r *mpChecker) need(n uint64) error {
	if n > uint64(len(r.b)-r.off) {
		return errMsgpackTruncated
	}
	return nil
}

// skip consumes n bytes.
func (r *mpChecker) skip(n uint64) error {
	if err := r.need(n); err != nil {
		return err
	}
	r.off += int(n)
	return nil
}

// length reads a big-endian length of size bytes (1, 2 or 4).
func (r *mpChecker) length(size int) (uint64, error) {
	if err := r.need(uint64(size)); err != nil {
		return 0, err
	}
	p := r.b[r.off : r.off+size]
	r.off += size
	switch size {
	case 1:
		return uint64(p[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(p)), nil
	}
	return uint64(binary.BigEndian.Uint32(p)), nil
}

// entries checks n values (n array elements or n/2 map pairs).
func (r *mpChecker) entries(n uint64, depth int) error {
	if depth >= maxMsgpackDepth {
		return fmt.Errorf("msgpack nested deeper than %d", maxMsgpackDepth)
	}
	if n > 2*maxMsgpackEntries {
		return fmt.Errorf("msgpack array or map of %d entries exceeds %d", n, maxMsgpackEntries)
	}
	if err := r.need(n); err != nil { // every value takes at least a byte
		return err
	}
	for i := uint64(0); i < n; i++ {
		if err := r.value(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

func (r *mpChecker) value(depth int) error {
	if err := r.need(1); err != nil {
		return err
	}
	c := r.b[r.off]
	r.off++
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		return nil
	case c <= 0x8f:
		return r.entries(2*uint64(c&0x0f), depth)
	case c <= 0x9f:
		return r.entries(uint64(c&0x0f), depth)
	case c <= 0xbf:
		return r.skip(uint64(c & 0x1f))
	}
	switch c {
	case 0xc4, 0xd9: // bin8, str8
		n, err := r.length(1)
		if err != nil {
			return err
		}
		return r.skip(n)
	case 0xc5, 0xda:
		n, err := r.length(2)
		if err != nil {
			return err
		}
		return r.skip(n)
	case 0xc6, 0xdb:
		n, err := r.length(4)
		if err != nil {
			return err
		}
		return r.skip(n)
	case 0xc7, 0xc8, 0xc9: // ext8/16/32: length, type, data
		n, err := r.length(1 << (c - 0xc7))
		if err != nil {
			return err
		}
		return r.skip(n + 1)
	case 0xca, 0xce, 0xd2:
		return r.skip(4)
	case 0xcb, 0xcf, 0xd3:
		return r.skip(8)
	case 0xcc, 0xd0:
		return r.skip(1)
	case 0xcd, 0xd1:
		return r.skip(2)
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16 plus a type byte
		return r.skip(1 + 1<<(c-0xd4))
	case 0xdc, 0xde:
		n, err := r.length(2)
		if err != nil {
			return err
		}
		if c == 0xde {
			n *= 2
		}
		return r.entries(n, depth)
	case 0xdd, 0xdf:
		n, err := r.length(4)
		if err != nil {
			return err
		}
		if c == 0xdf {
			n *= 2
		}
		return r.entries(n, depth)
	}
	return fmt.Errorf("invalid msgpack code 0x%02x", c) // 0xc1
}
