// Package wasmbin is a minimal, bounds-checked reader of the WebAssembly
// binary format: just enough of the module structure (types, imports,
// functions, memories, exports, start, custom sections) for the runtime to
// verify a module against the wasmstream ABI before handing it to wazero.
//
// It never panics and never allocates more than a small multiple of the input
// size, whatever the input: every count is checked against the bytes that
// remain before anything is allocated for it. It does not validate code
// bodies; wazero does that when it compiles the module.
package wasmbin

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Section IDs of the WebAssembly binary format.
const (
	SectionCustom    = 0
	SectionType      = 1
	SectionImport    = 2
	SectionFunction  = 3
	SectionTable     = 4
	SectionMemory    = 5
	SectionGlobal    = 6
	SectionExport    = 7
	SectionStart     = 8
	SectionElement   = 9
	SectionCode      = 10
	SectionData      = 11
	SectionDataCount = 12
	SectionTag       = 13 // exception handling proposal
)

// Extern kinds of imports and exports.
const (
	KindFunc   = 0x00
	KindTable  = 0x01
	KindMemory = 0x02
	KindGlobal = 0x03
	KindTag    = 0x04
)

// KindName returns a readable name of an extern kind.
func KindName(k byte) string {
	switch k {
	case KindFunc:
		return "function"
	case KindTable:
		return "table"
	case KindMemory:
		return "memory"
	case KindGlobal:
		return "global"
	case KindTag:
		return "tag"
	}
	return fmt.Sprintf("kind 0x%02x", k)
}

// ErrMalformed is wrapped by every error about the structure of the binary.
var ErrMalformed = errors.New("malformed wasm binary")

// FuncType is a function signature: value type bytes of parameters and
// results.
type FuncType struct {
	Params  []byte
	Results []byte
}

// Import is one entry of the import section. Type is the type index for a
// function import and unset for other kinds.
type Import struct {
	Module string
	Name   string
	Kind   byte
	Type   uint32
}

// Limits are the page limits of a memory.
type Limits struct {
	Min    uint32
	Max    uint32
	HasMax bool
}

// Export is one entry of the export section.
type Export struct {
	Name  string
	Kind  byte
	Index uint32
}

// Custom is a custom section: its name and payload (a sub-slice of the
// input).
type Custom struct {
	Name string
	Data []byte
}

// Module is the structure Parse extracts.
type Module struct {
	Types    []FuncType
	Imports  []Import
	Funcs    []uint32 // type index of each function defined by the module
	Memories []Limits // memories defined by the module
	Exports  []Export
	HasStart bool
	Customs  []Custom
}

// ImportedFuncs returns how many functions the module imports; defined
// functions are numbered after them.
func (m *Module) ImportedFuncs() int {
	n := 0
	for _, im := range m.Imports {
		if im.Kind == KindFunc {
			n++
		}
	}
	return n
}

// FuncType returns the signature of the function with index idx in the
// function index space (imports first), or false if idx is out of range.
func (m *Module) FuncType(idx uint32) (FuncType, bool) {
	var ti uint32
	n := uint32(0)
	found := false
	for _, im := range m.Imports {
		if im.Kind != KindFunc {
			continue
		}
		if n == idx {
			ti, found = im.Type, true
			break
		}
		n++
	}
	if !found {
		d := uint64(idx) - uint64(n)
		if uint64(idx) < uint64(n) || d >= uint64(len(m.Funcs)) {
			return FuncType{}, false
		}
		ti = m.Funcs[d]
	}
	if uint64(ti) >= uint64(len(m.Types)) {
		return FuncType{}, false
	}
	return m.Types[ti], true
}

// Magic and Version are the first eight bytes of every binary module.
var (
	Magic   = []byte{0x00, 0x61, 0x73, 0x6d}
	Version = []byte{0x01, 0x00, 0x00, 0x00}
)

// Parse reads the module structure of a WebAssembly binary. The returned
// Module refers to sub-slices of b (custom section payloads).
func Parse(b []byte) (*Module, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, too short for the header", ErrMalformed, len(b))
	}
	if string(b[:4]) != string(Magic) {
		return nil, fmt.Errorf("%w: bad magic number % x (not a WebAssembly binary)", ErrMalformed, b[:4])
	}
	if string(b[4:8]) != string(Version) {
		return nil, fmt.Errorf("%w: unsupported binary version % x", ErrMalformed, b[4:8])
	}
	m := &Module{}
	r := reader{b: b, off: 8}
	var seen [SectionTag + 1]bool
	for !r.done() {
		start := r.off
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("section %d at offset %d: size: %w", id, start, err)
		}
		if uint64(size) > uint64(len(r.b)-r.off) {
			return nil, fmt.Errorf("%w: section %d at offset %d claims %d bytes, only %d remain", ErrMalformed, id, start, size, len(r.b)-r.off)
		}
		body := reader{b: r.b[:r.off+int(size)], off: r.off}
		r.off += int(size)
		if id > SectionTag {
			return nil, fmt.Errorf("%w: unknown section id %d at offset %d", ErrMalformed, id, start)
		}
		if id != SectionCustom {
			if seen[id] {
				return nil, fmt.Errorf("%w: duplicate section %d at offset %d", ErrMalformed, id, start)
			}
			seen[id] = true
		}
		if err := m.section(id, &body); err != nil {
			return nil, fmt.Errorf("section %d at offset %d: %w", id, start, err)
		}
		if id != SectionCustom && !body.done() {
			return nil, fmt.Errorf("%w: section %d at offset %d has %d trailing bytes", ErrMalformed, id, start, len(body.b)-body.off)
		}
	}
	return m, nil
}

func (m *Module) section(id byte, r *reader) error {
	switch id {
	case SectionCustom:
		name, err := r.name()
		if err != nil {
			return fmt.Errorf("custom section name: %w", err)
		}
		m.Customs = append(m.Customs, Custom{Name: name, Data: r.b[r.off:]})
		r.off = len(r.b)
	case SectionType:
		n, err := r.count(3)
		if err != nil {
			return err
		}
		m.Types = make([]FuncType, 0, n)
		for i := 0; i < n; i++ {
			form, err := r.byte()
			if err != nil {
				return err
			}
			if form != 0x60 {
				return fmt.Errorf("%w: type %d: unsupported type form 0x%02x", ErrMalformed, i, form)
			}
			p, err := r.vecBytes()
			if err != nil {
				return fmt.Errorf("type %d params: %w", i, err)
			}
			res, err := r.vecBytes()
			if err != nil {
				return fmt.Errorf("type %d results: %w", i, err)
			}
			m.Types = append(m.Types, FuncType{Params: p, Results: res})
		}
	case SectionImport:
		n, err := r.count(4)
		if err != nil {
			return err
		}
		m.Imports = make([]Import, 0, n)
		for i := 0; i < n; i++ {
			mod, err := r.name()
			if err != nil {
				return fmt.Errorf("import %d module: %w", i, err)
			}
			name, err := r.name()
			if err != nil {
				return fmt.Errorf("import %d name: %w", i, err)
			}
			kind, err := r.byte()
			if err != nil {
				return err
			}
			im := Import{Module: mod, Name: name, Kind: kind}
			if kind != KindFunc {
				// The runtime refuses every non-function import; the rest
				// of the section need not be understood to say so.
				m.Imports = append(m.Imports, im)
				r.off = len(r.b)
				return nil
			}
			if im.Type, err = r.u32(); err != nil {
				return err
			}
			m.Imports = append(m.Imports, im)
		}
	case SectionFunction:
		n, err := r.count(1)
		if err != nil {
			return err
		}
		m.Funcs = make([]uint32, 0, n)
		for i := 0; i < n; i++ {
			t, err := r.u32()
			if err != nil {
				return err
			}
			m.Funcs = append(m.Funcs, t)
		}
	case SectionMemory:
		n, err := r.count(2)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			flag, err := r.byte()
			if err != nil {
				return err
			}
			var l Limits
			switch flag {
			case 0x00:
			case 0x01:
				l.HasMax = true
			default:
				return fmt.Errorf("%w: memory %d: unsupported limits flag 0x%02x (shared or 64-bit memory)", ErrMalformed, i, flag)
			}
			if l.Min, err = r.u32(); err != nil {
				return err
			}
			if l.HasMax {
				if l.Max, err = r.u32(); err != nil {
					return err
				}
			}
			m.Memories = append(m.Memories, l)
		}
	case SectionExport:
		n, err := r.count(3)
		if err != nil {
			return err
		}
		m.Exports = make([]Export, 0, n)
		for i := 0; i < n; i++ {
			name, err := r.name()
			if err != nil {
				return fmt.Errorf("export %d name: %w", i, err)
			}
			kind, err := r.byte()
			if err != nil {
				return err
			}
			idx, err := r.u32()
			if err != nil {
				return err
			}
			m.Exports = append(m.Exports, Export{Name: name, Kind: kind, Index: idx})
		}
	case SectionStart:
		if _, err := r.u32(); err != nil {
			return err
		}
		m.HasStart = true
	default:
		// Tables, globals, elements, code, data: wazero validates them.
		r.off = len(r.b)
	}
	return nil
}

// reader reads from b[off:]; b is already cut at the end of the enclosing
// section, so no read can cross into the next one.
type reader struct {
	b   []byte
	off int
}

var errEOF = fmt.Errorf("%w: unexpected end of section", ErrMalformed)

func (r *reader) done() bool { return r.off >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errEOF
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

// u32 reads an unsigned LEB128 value of at most 32 bits, rejecting overlong
// encodings as the specification does.
func (r *reader) u32() (uint32, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 4 && c&0xf0 != 0 {
			return 0, fmt.Errorf("%w: LEB128 integer exceeds 32 bits", ErrMalformed)
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: LEB128 integer too long", ErrMalformed)
}

// count reads a vector length and checks that the remaining bytes can hold
// that many entries of at least minSize bytes, so that a hostile count
// cannot make the reader allocate.
func (r *reader) count(minSize int) (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(len(r.b)-r.off) {
		return 0, fmt.Errorf("%w: vector of %d entries does not fit in the %d bytes left", ErrMalformed, n, len(r.b)-r.off)
	}
	return int(n), nil
}

func (r *reader) vecBytes() ([]byte, error) {
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v, nil
}

func (r *reader) name() (string, error) {
	v, err := r.vecBytes()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(v) {
		return "", fmt.Errorf("%w: name is not valid UTF-8", ErrMalformed)
	}
	return string(v), nil
}
