package wasm

import (
	"errors"
	"fmt"
)

// Section ids of the binary format.
const (
	secCustom   = 0
	secType     = 1
	secImport   = 2
	secFunction = 3
	secTable    = 4
	secMemory   = 5
	secGlobal   = 6
	secExport   = 7
	secStart    = 8
	secElement  = 9
	secCode     = 10
	secData     = 11
	secDataCnt  = 12
)

// PosEntry maps a code offset to a source position tag set with
// Code.SetPos. Entries come sorted by CodeOffset; an instruction belongs to
// the last entry of its function at or before its offset.
type PosEntry struct {
	// FuncIndex is the function's index in the function index space.
	FuncIndex uint32
	// CodeOffset is the offset of the first instruction the tag covers,
	// counted from the first byte of the code section's contents (just
	// after the section id and size), the convention of DWARF for
	// WebAssembly.
	CodeOffset uint32
	// BodyOffset is the same instruction's offset from the function's first
	// instruction (after its local declarations).
	BodyOffset uint32
	// Tag is the value given to SetPos.
	Tag uint32
}

var magicVersion = []byte{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}

// Encode validates the module and returns its binary encoding. The same
// sequence of calls always yields the same bytes.
func (m *Module) Encode() ([]byte, error) {
	b, _, err := m.EncodeWithPositions()
	return b, err
}

// EncodeWithPositions is Encode that also returns the position table of the
// tags set with Code.SetPos, so that a caller can store it (for example in
// a custom section added with AppendCustomSection: custom sections placed
// after the code section do not move code offsets).
func (m *Module) EncodeWithPositions() ([]byte, []PosEntry, error) {
	if err := m.validate(); err != nil {
		return nil, nil, err
	}
	e := encoder{out: append(make([]byte, 0, m.sizeHint()), magicVersion...)}
	var pos []PosEntry

	if len(m.types) > 0 {
		e.begin(secType, len(m.types))
		for _, t := range m.types {
			e.out = append(e.out, 0x60)
			e.valTypes(t.params)
			e.valTypes(t.results)
		}
		e.end()
	}
	if len(m.imports) > 0 {
		e.begin(secImport, len(m.imports))
		for _, im := range m.imports {
			e.name(im.module)
			e.name(im.name)
			e.out = append(e.out, byte(ExternFunc))
			e.u32(im.typeIdx)
		}
		e.end()
	}
	if len(m.funcs) > 0 {
		e.begin(secFunction, len(m.funcs))
		for _, f := range m.funcs {
			e.u32(f.typeIdx)
		}
		e.end()
	}
	if m.mem != nil {
		e.begin(secMemory, 1)
		if m.mem.max == NoMax {
			e.out = append(e.out, 0x00)
			e.u32(m.mem.min)
		} else {
			e.out = append(e.out, 0x01)
			e.u32(m.mem.min)
			e.u32(m.mem.max)
		}
		e.end()
	}
	if len(m.globals) > 0 {
		e.begin(secGlobal, len(m.globals))
		for _, g := range m.globals {
			e.out = append(e.out, byte(g.typ))
			if g.mutable {
				e.out = append(e.out, 1)
			} else {
				e.out = append(e.out, 0)
			}
			e.out = append(e.out, g.init...)
			e.out = append(e.out, opEnd)
		}
		e.end()
	}
	if len(m.exports) > 0 {
		e.begin(secExport, len(m.exports))
		for _, x := range m.exports {
			e.name(x.name)
			e.out = append(e.out, byte(x.kind))
			e.u32(x.idx)
		}
		e.end()
	}
	if len(m.funcs) > 0 {
		e.begin(secCode, len(m.funcs))
		var locals []byte
		for _, f := range m.funcs {
			locals = encodeLocals(locals[:0], f.locals)
			size := len(locals) + len(f.buf)
			if !f.closed {
				size++
			}
			e.u32(uint32(size))
			bodyStart := uint32(len(e.out) - e.secStart + len(locals))
			for _, mk := range f.marks {
				pos = append(pos, PosEntry{
					FuncIndex:  f.index,
					CodeOffset: bodyStart + mk.off,
					BodyOffset: mk.off,
					Tag:        mk.tag,
				})
			}
			e.out = append(e.out, locals...)
			e.out = append(e.out, f.buf...)
			if !f.closed {
				e.out = append(e.out, opEnd)
			}
		}
		e.end()
	}
	if len(m.data) > 0 {
		e.begin(secData, len(m.data))
		for _, d := range m.data {
			e.out = append(e.out, 0x00, opI32Const) // active, memory 0, offset expr
			e.out = AppendSLEB128(e.out, int64(int32(d.offset)))
			e.out = append(e.out, opEnd)
			e.u32(uint32(len(d.data)))
			e.out = append(e.out, d.data...)
		}
		e.end()
	}
	for _, c := range m.customs {
		e.beginCustom(c.name)
		e.out = append(e.out, c.data...)
		e.end()
	}
	m.encodeNames(&e)
	return e.out, pos, nil
}

// encodeNames writes the "name" custom section with the function names
// subsection, which wazero shows in stack traces.
func (m *Module) encodeNames(e *encoder) {
	n := 0
	for _, im := range m.imports {
		if im.name != "" {
			n++
		}
	}
	for _, f := range m.funcs {
		if f.name != "" {
			n++
		}
	}
	if n == 0 {
		return
	}
	e.beginCustom("name")
	e.out = append(e.out, 1) // subsection: function names
	sub := e.open()
	e.u32(uint32(n))
	for i, im := range m.imports {
		if im.name != "" {
			e.u32(uint32(i))
			e.name(im.name)
		}
	}
	for _, f := range m.funcs {
		if f.name != "" {
			e.u32(f.index)
			e.name(f.name)
		}
	}
	e.close(sub)
	e.end()
}

// encodeLocals appends the local declarations: runs of equal types as
// (count, type) pairs, in declaration order.
func encodeLocals(b []byte, locals []ValType) []byte {
	runs := 0
	for i := range locals {
		if i == 0 || locals[i] != locals[i-1] {
			runs++
		}
	}
	b = AppendULEB128(b, uint64(runs))
	for i := 0; i < len(locals); {
		j := i
		for j < len(locals) && locals[j] == locals[i] {
			j++
		}
		b = AppendULEB128(b, uint64(j-i))
		b = append(b, byte(locals[i]))
		i = j
	}
	return b
}

func (m *Module) sizeHint() int {
	n := 64
	for _, f := range m.funcs {
		n += len(f.buf) + 16
	}
	for _, d := range m.data {
		n += len(d.data) + 8
	}
	for _, c := range m.customs {
		n += len(c.data) + len(c.name) + 8
	}
	return n
}

// encoder writes sections straight into out. A size precedes the contents
// it measures, so open reserves a 5-byte slot (enough for any u32) and
// close writes the minimal LEB128 size into it and shifts the contents down
// over the unused rest: one pass, no scratch buffers, minimal encodings.
type encoder struct {
	out      []byte
	sizeAt   int // size slot of the open section
	secStart int // first content byte of the open section, before close
}

const sizeSlot = 5

func (e *encoder) open() int {
	at := len(e.out)
	e.out = append(e.out, 0, 0, 0, 0, 0)
	return at
}

func (e *encoder) close(at int) {
	size := len(e.out) - at - sizeSlot
	var tmp [sizeSlot]byte
	enc := AppendULEB128(tmp[:0], uint64(size))
	n := copy(e.out[at:], enc)
	if n < sizeSlot {
		copy(e.out[at+n:], e.out[at+sizeSlot:])
		e.out = e.out[:len(e.out)-(sizeSlot-n)]
	}
}

func (e *encoder) begin(id byte, count int) {
	e.out = append(e.out, id)
	e.sizeAt = e.open()
	e.secStart = len(e.out)
	e.u32(uint32(count))
}

func (e *encoder) beginCustom(name string) {
	e.out = append(e.out, secCustom)
	e.sizeAt = e.open()
	e.secStart = len(e.out)
	e.name(name)
}

func (e *encoder) end() { e.close(e.sizeAt) }

func (e *encoder) u32(v uint32) { e.out = AppendULEB128(e.out, uint64(v)) }

func (e *encoder) name(s string) {
	e.u32(uint32(len(s)))
	e.out = append(e.out, s...)
}

func (e *encoder) valTypes(ts []ValType) {
	e.u32(uint32(len(ts)))
	for _, t := range ts {
		e.out = append(e.out, byte(t))
	}
}

// AppendCustomSection appends a custom section to an encoded module and
// returns the extended slice. Use it for payloads that depend on the
// encoding itself, such as the position table from EncodeWithPositions:
// appending at the end moves no code offset.
func AppendCustomSection(module []byte, name string, data []byte) []byte {
	e := encoder{out: module}
	e.beginCustom(name)
	e.out = append(e.out, data...)
	e.end()
	return e.out
}

// validate checks what is cheap to check before encoding: construction
// errors, every function body's nesting and references, export targets.
func (m *Module) validate() error {
	if m.err != nil {
		return m.err
	}
	nfuncs := int64(len(m.imports) + len(m.funcs))
	for _, f := range m.funcs {
		where := func(err error) error {
			return fmt.Errorf("wasm: function %d %q: %w", f.index, f.name, err)
		}
		if f.err != nil {
			return where(f.err)
		}
		if n := len(f.ctrl); n > 0 {
			fr := f.ctrl[n-1]
			return where(fmt.Errorf("%d unclosed block(s); innermost %s opened at code offset %d", n, opTable[fr.op].name, fr.start))
		}
		if f.maxLocal >= int64(f.NumLocals()) {
			return where(fmt.Errorf("local index %d out of range (%d params and locals)", f.maxLocal, f.NumLocals()))
		}
		if f.maxGlobal >= int64(len(m.globals)) {
			return where(fmt.Errorf("global index %d out of range (%d globals)", f.maxGlobal, len(m.globals)))
		}
		if f.maxFunc >= nfuncs {
			return where(fmt.Errorf("call of function index %d out of range (%d functions)", f.maxFunc, nfuncs))
		}
		if f.usesMemory && m.mem == nil {
			return where(errors.New("uses memory but the module defines none (call SetMemory)"))
		}
	}
	seen := make(map[string]struct{}, len(m.exports))
	for _, x := range m.exports {
		if _, dup := seen[x.name]; dup {
			return fmt.Errorf("wasm: export %q: duplicate export name", x.name)
		}
		seen[x.name] = struct{}{}
		var n int64
		switch x.kind {
		case ExternFunc:
			n = nfuncs
		case ExternMemory:
			if m.mem != nil {
				n = 1
			}
		case ExternGlobal:
			n = int64(len(m.globals))
		default:
			return fmt.Errorf("wasm: export %q: unsupported kind %s", x.name, x.kind)
		}
		if int64(x.idx) >= n {
			return fmt.Errorf("wasm: export %q: %s index %d out of range (%d defined)", x.name, x.kind, x.idx, n)
		}
	}
	for i, d := range m.data {
		if m.mem == nil {
			return fmt.Errorf("wasm: data segment %d: the module defines no memory (call SetMemory)", i)
		}
		if end := uint64(d.offset) + uint64(len(d.data)); end > uint64(m.mem.min)*PageSize {
			return fmt.Errorf("wasm: data segment %d: bytes [%d, %d) exceed the initial memory of %d pages", i, d.offset, end, m.mem.min)
		}
	}
	return nil
}
