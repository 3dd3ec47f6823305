package sql2wasm

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/sdk"
)

// ModuleInfo is what Inspect reads from a module binary.
type ModuleInfo struct {
	// Manifest is the decoded manifest section.
	Manifest *sdk.Manifest
	// Exports are the module's exports in order.
	Exports []Export
	// CustomSections are the names of the custom sections in order.
	CustomSections []string
}

// Export is one export of a module.
type Export struct {
	Name string
	// Kind is "func", "table", "memory" or "global".
	Kind string
}

// ErrNotModule is wrapped by Inspect's errors for input that is not a
// WebAssembly module with a wasmstream manifest.
var ErrNotModule = errors.New("not a wasmstream module")

// Inspect reads a module's manifest, exports and custom section names
// without compiling it, for tools such as `sql2wasm inspect`. It walks only
// the section headers, the export section and the custom sections; it never
// panics on malformed input.
func Inspect(module []byte) (*ModuleInfo, error) {
	r := &byteReader{b: module}
	if len(module) < 8 || !bytes.Equal(module[:4], []byte("\x00asm")) {
		return nil, fmt.Errorf("%w: no WebAssembly magic number", ErrNotModule)
	}
	if !bytes.Equal(module[4:8], []byte{1, 0, 0, 0}) {
		return nil, fmt.Errorf("%w: unsupported WebAssembly version % x", ErrNotModule, module[4:8])
	}
	r.off = 8
	info := &ModuleInfo{}
	var manifest []byte
	manifests := 0
	for !r.eof() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.uleb()
		if err != nil {
			return nil, err
		}
		if size > uint64(len(module)-r.off) {
			return nil, fmt.Errorf("%w: section %d of %d bytes runs past the end", ErrNotModule, id, size)
		}
		sec := &byteReader{b: module[r.off : r.off+int(size)]}
		r.off += int(size)
		switch id {
		case 0:
			name, err := sec.name()
			if err != nil {
				return nil, err
			}
			info.CustomSections = append(info.CustomSections, name)
			if name == sdk.ManifestSection {
				manifest = sec.b[sec.off:]
				manifests++
			}
		case 7:
			if info.Exports, err = sec.exports(); err != nil {
				return nil, err
			}
		}
	}
	if manifests != 1 {
		return nil, fmt.Errorf("%w: %d %q custom sections, want one", ErrNotModule, manifests, sdk.ManifestSection)
	}
	m, err := sdk.UnmarshalManifest(manifest)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotModule, err)
	}
	info.Manifest = m
	return info, nil
}

// byteReader reads the primitive encodings of the binary format.
type byteReader struct {
	b   []byte
	off int
}

var errTruncated = fmt.Errorf("%w: truncated", ErrNotModule)

func (r *byteReader) eof() bool { return r.off >= len(r.b) }

func (r *byteReader) byte() (byte, error) {
	if r.eof() {
		return 0, errTruncated
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *byteReader) uleb() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: LEB128 number too long", ErrNotModule)
}

func (r *byteReader) name() (string, error) {
	n, err := r.uleb()
	if err != nil {
		return "", err
	}
	if n > uint64(len(r.b)-r.off) {
		return "", errTruncated
	}
	s := string(r.b[r.off : r.off+int(n)])
	r.off += int(n)
	return s, nil
}

var exportKinds = [...]string{"func", "table", "memory", "global"}

func (r *byteReader) exports() ([]Export, error) {
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)) {
		return nil, errTruncated
	}
	out := make([]Export, 0, n)
	for i := uint64(0); i < n; i++ {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		kind, err := r.byte()
		if err != nil {
			return nil, err
		}
		if _, err := r.uleb(); err != nil {
			return nil, err
		}
		k := fmt.Sprintf("kind %d", kind)
		if int(kind) < len(exportKinds) {
			k = exportKinds[kind]
		}
		out = append(out, Export{Name: name, Kind: k})
	}
	return out, nil
}
