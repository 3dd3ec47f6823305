package wasm

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Code is an instruction sequence under construction: the body of a
// function. Each method appends one instruction in binary form, so building
// costs one append per instruction and encoding is a copy.
//
// Misuse (an else without an if, an end with no open block, a branch to a
// label that does not exist, an alignment larger than the access width, an
// instruction after the function's final end) does not panic: the first
// such error is kept, later instructions are still recorded, and
// Module.Encode returns the error naming the function and the byte offset
// of the offending instruction. Err reports it early.
//
// The function's final end is optional: Encode appends it when the body
// does not close itself with an End at nesting depth zero.
type Code struct {
	buf  []byte
	ctrl []ctrlFrame
	// closed is set once End is called at depth zero: the function's final
	// end has been emitted and nothing may follow it.
	closed bool
	err    error
	marks  []posMark

	// Largest indices referenced, checked at Encode against the module
	// (locals and globals may be added after the code that uses them).
	maxLocal   int64
	maxGlobal  int64
	maxFunc    int64
	usesMemory bool
}

// ctrlFrame is one open block, loop or if.
type ctrlFrame struct {
	op      byte   // opBlock, opLoop or opIf
	hasElse bool   // an if that has seen its else
	start   uint32 // offset of the opening instruction, for error messages
}

// posMark says that instructions from byte offset off of the body on come
// from source position tag.
type posMark struct {
	off uint32
	tag uint32
}

func newCode() Code { return Code{maxLocal: -1, maxGlobal: -1, maxFunc: -1} }

// Err returns the first misuse recorded while building, or nil.
func (c *Code) Err() error { return c.err }

// Len returns the number of bytes of instructions emitted so far.
func (c *Code) Len() int { return len(c.buf) }

// Depth returns the number of blocks, loops and ifs currently open.
func (c *Code) Depth() int { return len(c.ctrl) }

// SetPos tags the instructions emitted from now on with the source position
// tag, an opaque number for the caller (the code generator uses the SQL
// offset), until the next SetPos. Module.EncodeWithPositions reports, for
// each tag change, the code offset of the first instruction it covers, so
// an offset inside a function maps to the tag of the last entry at or
// before it.
func (c *Code) SetPos(tag uint32) {
	off := uint32(len(c.buf))
	if n := len(c.marks); n > 0 {
		last := &c.marks[n-1]
		if last.off == off {
			// No instruction since the previous tag: it covers nothing.
			last.tag = tag
			if n > 1 && c.marks[n-2].tag == tag {
				c.marks = c.marks[:n-1]
			}
			return
		}
		if last.tag == tag {
			return
		}
	}
	c.marks = append(c.marks, posMark{off: off, tag: tag})
}

func (c *Code) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("at code offset %d: "+format, append([]any{len(c.buf)}, args...)...)
	}
}

// op appends a one-byte opcode.
func (c *Code) op(b byte) {
	if c.closed {
		c.fail("%s after the function's final end", opTable[b].name)
	}
	c.buf = append(c.buf, b)
}

// opU32 appends an opcode with one unsigned immediate.
func (c *Code) opU32(b byte, v uint32) {
	c.op(b)
	c.buf = AppendULEB128(c.buf, uint64(v))
}

func (c *Code) fcOp(sub uint32) {
	if c.closed {
		c.fail("%s after the function's final end", fcTable[sub].name)
	}
	c.buf = append(c.buf, opPrefixFC)
	c.buf = AppendULEB128(c.buf, uint64(sub))
}

func (c *Code) memOp(b byte, align, offset uint32) {
	if natural := uint32(opTable[b].align); align > natural {
		c.fail("%s: alignment exponent %d exceeds the natural alignment %d", opTable[b].name, align, natural)
	}
	c.usesMemory = true
	c.op(b)
	c.buf = AppendULEB128(c.buf, uint64(align))
	c.buf = AppendULEB128(c.buf, uint64(offset))
}

func (c *Code) open(b byte, bt BlockType) {
	if !bt.valid() {
		c.fail("%s: invalid block type 0x%02x", opTable[b].name, byte(bt))
	}
	c.ctrl = append(c.ctrl, ctrlFrame{op: b, start: uint32(len(c.buf))})
	c.op(b)
	c.buf = append(c.buf, byte(bt))
}

// Block opens a block whose result is bt; a branch to it jumps to its end.
// Close it with End.
func (c *Code) Block(bt BlockType) { c.open(opBlock, bt) }

// Loop opens a loop whose result is bt; a branch to it jumps back to its
// start. Close it with End.
func (c *Code) Loop(bt BlockType) { c.open(opLoop, bt) }

// If pops an i32 and opens an if block whose result is bt, run when the
// value is not zero. Close it with End, optionally after Else.
func (c *Code) If(bt BlockType) { c.open(opIf, bt) }

// Else starts the else arm of the innermost open if.
func (c *Code) Else() {
	n := len(c.ctrl)
	switch {
	case n == 0 || c.ctrl[n-1].op != opIf:
		c.fail("else without an open if")
	case c.ctrl[n-1].hasElse:
		c.fail("second else for the if at code offset %d", c.ctrl[n-1].start)
	default:
		c.ctrl[n-1].hasElse = true
	}
	c.op(opElse)
}

// End closes the innermost open block, loop or if. Called with no block
// open, it emits the function's final end; no instruction may follow it.
func (c *Code) End() {
	if n := len(c.ctrl); n > 0 {
		c.ctrl = c.ctrl[:n-1]
		c.op(opEnd)
		return
	}
	if c.closed {
		c.fail("end without an open block")
	}
	c.op(opEnd)
	c.closed = true
}

func (c *Code) checkLabel(name string, depth uint32) {
	// Labels are the open blocks plus the function body itself.
	if uint64(depth) > uint64(len(c.ctrl)) {
		c.fail("%s %d: only %d enclosing labels", name, depth, len(c.ctrl)+1)
	}
}

// Br branches to the label depth levels out (0 is the innermost open block;
// Depth() is the function body, which acts as a return).
func (c *Code) Br(depth uint32) {
	c.checkLabel("br", depth)
	c.opU32(opBr, depth)
}

// BrIf pops an i32 and branches to the label depth levels out when it is
// not zero.
func (c *Code) BrIf(depth uint32) {
	c.checkLabel("br_if", depth)
	c.opU32(opBrIf, depth)
}

// BrTable pops an i32 index and branches to labels[index], or to def when
// the index is out of range.
func (c *Code) BrTable(labels []uint32, def uint32) {
	for _, l := range labels {
		c.checkLabel("br_table", l)
	}
	c.checkLabel("br_table", def)
	c.op(opBrTable)
	c.buf = AppendULEB128(c.buf, uint64(len(labels)))
	for _, l := range labels {
		c.buf = AppendULEB128(c.buf, uint64(l))
	}
	c.buf = AppendULEB128(c.buf, uint64(def))
}

// Call calls the function with index fn (imports first, then functions in
// the order added).
func (c *Code) Call(fn uint32) {
	c.maxFunc = max(c.maxFunc, int64(fn))
	c.opU32(opCall, fn)
}

// LocalGet pushes local idx (parameters first, then declared locals).
func (c *Code) LocalGet(idx uint32) { c.useLocal(idx); c.opU32(opLocalGet, idx) }

// LocalSet pops a value into local idx.
func (c *Code) LocalSet(idx uint32) { c.useLocal(idx); c.opU32(opLocalSet, idx) }

// LocalTee stores the top of the stack into local idx without popping it.
func (c *Code) LocalTee(idx uint32) { c.useLocal(idx); c.opU32(opLocalTee, idx) }

func (c *Code) useLocal(idx uint32) { c.maxLocal = max(c.maxLocal, int64(idx)) }

// GlobalGet pushes global idx.
func (c *Code) GlobalGet(idx uint32) { c.useGlobal(idx); c.opU32(opGlobalGet, idx) }

// GlobalSet pops a value into (mutable) global idx.
func (c *Code) GlobalSet(idx uint32) { c.useGlobal(idx); c.opU32(opGlobalSet, idx) }

func (c *Code) useGlobal(idx uint32) { c.maxGlobal = max(c.maxGlobal, int64(idx)) }

// I32Const pushes the i32 v. Pass an unsigned value as int32(u): the bits
// are what matter.
func (c *Code) I32Const(v int32) {
	c.op(opI32Const)
	c.buf = AppendSLEB128(c.buf, int64(v))
}

// I64Const pushes the i64 v.
func (c *Code) I64Const(v int64) {
	c.op(opI64Const)
	c.buf = AppendSLEB128(c.buf, v)
}

// F32Const pushes the f32 v (bit-exact, NaN payloads included).
func (c *Code) F32Const(v float32) {
	c.op(opF32Const)
	c.buf = binary.LittleEndian.AppendUint32(c.buf, math.Float32bits(v))
}

// F64Const pushes the f64 v (bit-exact, NaN payloads included).
func (c *Code) F64Const(v float64) {
	c.op(opF64Const)
	c.buf = binary.LittleEndian.AppendUint64(c.buf, math.Float64bits(v))
}

// MemorySize pushes the current memory size in pages (i32).
func (c *Code) MemorySize() {
	c.usesMemory = true
	c.op(0x3F)
	c.buf = append(c.buf, 0)
}

// MemoryGrow pops a page count, grows the memory by it and pushes the old
// size in pages, or -1 when the memory cannot grow.
func (c *Code) MemoryGrow() {
	c.usesMemory = true
	c.op(0x40)
	c.buf = append(c.buf, 0)
}

// MemoryCopy pops (dst, src, n) and copies n bytes from src to dst; the
// ranges may overlap (bulk memory, 0xFC 10).
func (c *Code) MemoryCopy() {
	c.usesMemory = true
	c.fcOp(fcMemoryCopy)
	c.buf = append(c.buf, 0, 0)
}

// MemoryFill pops (dst, value, n) and sets n bytes at dst to the low byte
// of value (bulk memory, 0xFC 11).
func (c *Code) MemoryFill() {
	c.usesMemory = true
	c.fcOp(fcMemoryFill)
	c.buf = append(c.buf, 0)
}
