package wasm

import (
	"bytes"
	"errors"
	"fmt"
)

// Module is a WebAssembly module under construction. The zero value is not
// usable; call NewModule. A Module is not safe for concurrent use.
//
// Index spaces follow the binary format: function indices count imported
// functions first, then functions in the order AddFunc was called, so all
// imports must be added before the first function.
type Module struct {
	types   []funcType
	typeIdx map[string]uint32
	imports []funcImport
	funcs   []*Func
	mem     *memory
	globals []global
	exports []export
	data    []dataSegment
	customs []customSection
	err     error // first construction error, returned by Encode
	typeKey []byte
}

type funcType struct {
	params, results []ValType
}

type funcImport struct {
	module, name string
	typeIdx      uint32
}

type memory struct {
	min, max uint32 // max == NoMax: unbounded
}

type global struct {
	typ     ValType
	mutable bool
	init    []byte // constant expression without the final end
}

type export struct {
	name string
	kind ExternKind
	idx  uint32
}

type dataSegment struct {
	offset uint32
	data   []byte
}

type customSection struct {
	name string
	data []byte
}

// Func is a function being defined. Its Code holds the body; the Code
// methods (f.I32Const, f.LocalGet, f.End, ...) are promoted to Func.
type Func struct {
	Code
	name    string
	typeIdx uint32
	index   uint32
	params  uint32
	locals  []ValType
}

// Index returns the function's index in the module's function index space,
// for Call and Export.
func (f *Func) Index() uint32 { return f.index }

// Name returns the debug name given to AddFunc.
func (f *Func) Name() string { return f.name }

// TypeIndex returns the index of the function's signature.
func (f *Func) TypeIndex() uint32 { return f.typeIdx }

// AddLocal declares a local of type t and returns its index for LocalGet and
// friends. Locals are numbered after the parameters, in declaration order.
func (f *Func) AddLocal(t ValType) uint32 {
	if !t.valid() {
		f.fail("local of invalid type 0x%02x", byte(t))
	}
	f.locals = append(f.locals, t)
	return f.params + uint32(len(f.locals)) - 1
}

// NumLocals returns the number of parameters plus declared locals.
func (f *Func) NumLocals() uint32 { return f.params + uint32(len(f.locals)) }

// NewModule returns an empty module.
func NewModule() *Module {
	return &Module{typeIdx: make(map[string]uint32)}
}

func (m *Module) fail(err error) {
	if m.err == nil {
		m.err = err
	}
}

// AddType returns the index of the function signature params -> results,
// adding it if no equal signature exists yet (types are deduplicated).
func (m *Module) AddType(params, results []ValType) uint32 {
	key := m.typeKey[:0]
	for _, t := range params {
		if !t.valid() {
			m.fail(fmt.Errorf("wasm: type: invalid parameter type 0x%02x", byte(t)))
		}
		key = append(key, byte(t))
	}
	key = append(key, 0)
	for _, t := range results {
		if !t.valid() {
			m.fail(fmt.Errorf("wasm: type: invalid result type 0x%02x", byte(t)))
		}
		key = append(key, byte(t))
	}
	m.typeKey = key
	if idx, ok := m.typeIdx[string(key)]; ok { // no allocation for the lookup
		return idx
	}
	idx := uint32(len(m.types))
	m.typeIdx[string(key)] = idx
	m.types = append(m.types, funcType{
		params:  append([]ValType(nil), params...),
		results: append([]ValType(nil), results...),
	})
	return idx
}

// NumTypes returns the number of distinct signatures added.
func (m *Module) NumTypes() int { return len(m.types) }

// ImportFunc imports function name from module module with signature
// typeIdx and returns its function index. The name is also its debug name
// in the name section. All imports must come before the first AddFunc.
func (m *Module) ImportFunc(module, name string, typeIdx uint32) uint32 {
	if len(m.funcs) > 0 {
		m.fail(fmt.Errorf("wasm: import %s.%s added after function %q: imports must come first", module, name, m.funcs[0].name))
	}
	if int(typeIdx) >= len(m.types) {
		m.fail(fmt.Errorf("wasm: import %s.%s: type index %d out of range (%d types)", module, name, typeIdx, len(m.types)))
	}
	m.imports = append(m.imports, funcImport{module: module, name: name, typeIdx: typeIdx})
	return uint32(len(m.imports) - 1)
}

// AddFunc adds a function with signature typeIdx and debug name name (shown
// in traps and dumps; may be empty) and returns it for its body to be
// built.
func (m *Module) AddFunc(name string, typeIdx uint32) *Func {
	f := &Func{
		Code:    newCode(),
		name:    name,
		typeIdx: typeIdx,
		index:   uint32(len(m.imports) + len(m.funcs)),
	}
	if int(typeIdx) < len(m.types) {
		f.params = uint32(len(m.types[typeIdx].params))
	} else {
		m.fail(fmt.Errorf("wasm: function %q: type index %d out of range (%d types)", name, typeIdx, len(m.types)))
	}
	m.funcs = append(m.funcs, f)
	return f
}

// NumFuncs returns the size of the function index space (imports plus
// defined functions).
func (m *Module) NumFuncs() int { return len(m.imports) + len(m.funcs) }

// SetMemory defines the module's single memory (index 0) with min initial
// pages and at most max pages (NoMax for no limit), and exports it as
// exportName unless that is empty.
func (m *Module) SetMemory(min, max uint32, exportName string) {
	switch {
	case m.mem != nil:
		m.fail(errors.New("wasm: memory already defined: a module has at most one"))
		return
	case min > MaxPages:
		m.fail(fmt.Errorf("wasm: memory minimum %d pages exceeds %d", min, MaxPages))
	case max != NoMax && max > MaxPages:
		m.fail(fmt.Errorf("wasm: memory maximum %d pages exceeds %d", max, MaxPages))
	case max != NoMax && min > max:
		m.fail(fmt.Errorf("wasm: memory minimum %d pages exceeds its maximum %d", min, max))
	}
	m.mem = &memory{min: min, max: max}
	if exportName != "" {
		m.Export(exportName, ExternMemory, 0)
	}
}

func (m *Module) addGlobal(t ValType, mutable bool, init []byte) uint32 {
	m.globals = append(m.globals, global{typ: t, mutable: mutable, init: init})
	return uint32(len(m.globals) - 1)
}

// AddGlobalI32 adds an i32 global initialised to v and returns its index.
func (m *Module) AddGlobalI32(mutable bool, v int32) uint32 {
	return m.addGlobal(I32, mutable, AppendSLEB128([]byte{opI32Const}, int64(v)))
}

// AddGlobalI64 adds an i64 global initialised to v and returns its index.
func (m *Module) AddGlobalI64(mutable bool, v int64) uint32 {
	return m.addGlobal(I64, mutable, AppendSLEB128([]byte{opI64Const}, v))
}

// AddGlobalF32 adds an f32 global initialised to v and returns its index.
func (m *Module) AddGlobalF32(mutable bool, v float32) uint32 {
	var c Code
	c.F32Const(v)
	return m.addGlobal(F32, mutable, c.buf)
}

// AddGlobalF64 adds an f64 global initialised to v and returns its index.
func (m *Module) AddGlobalF64(mutable bool, v float64) uint32 {
	var c Code
	c.F64Const(v)
	return m.addGlobal(F64, mutable, c.buf)
}

// Export exports the function, memory or global with index idx as name.
// Unknown indices and duplicate names are reported by Encode.
func (m *Module) Export(name string, kind ExternKind, idx uint32) {
	m.exports = append(m.exports, export{name: name, kind: kind, idx: idx})
}

// AddData adds an active data segment that copies data into memory 0 at
// offset when the module is instantiated. data is copied.
func (m *Module) AddData(offset uint32, data []byte) {
	m.data = append(m.data, dataSegment{offset: offset, data: bytes.Clone(data)})
}

// AddCustomSection adds a custom section with the given name and payload
// (copied). Custom sections are written after all other sections, in the
// order added, followed by the "name" section, which the module writes
// itself (so name must not be "name").
func (m *Module) AddCustomSection(name string, data []byte) {
	if name == "name" {
		m.fail(errors.New(`wasm: custom section "name" is written by the encoder from the function names`))
		return
	}
	m.customs = append(m.customs, customSection{name: name, data: bytes.Clone(data)})
}
