package wasm

import "fmt"

// ValType is a WebAssembly value type, encoded as its binary type byte.
type ValType byte

// Value types of the WebAssembly 2.0 core numeric subset used by the compiler.
const (
	I32 ValType = 0x7F
	I64 ValType = 0x7E
	F32 ValType = 0x7D
	F64 ValType = 0x7C
)

// String returns the WAT name of the type ("i32", ...), or "type(0xNN)" for
// a byte that is not a supported value type.
func (t ValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	}
	return fmt.Sprintf("type(0x%02x)", byte(t))
}

func (t ValType) valid() bool { return t == I32 || t == I64 || t == F32 || t == F64 }

// BlockType is the type of a block, loop or if: either empty (no result) or
// a single result value type. Multi-value block types (a type index) are not
// needed by the code generator and are not supported.
type BlockType byte

// Block types. BlockEmpty yields no value; the others yield one value.
const (
	BlockEmpty BlockType = 0x40
	BlockI32   BlockType = BlockType(I32)
	BlockI64   BlockType = BlockType(I64)
	BlockF32   BlockType = BlockType(F32)
	BlockF64   BlockType = BlockType(F64)
)

// BlockOf returns the block type that yields one value of type t.
func BlockOf(t ValType) BlockType { return BlockType(t) }

func (b BlockType) valid() bool { return b == BlockEmpty || ValType(b).valid() }

// ExternKind is the kind of an import or export.
type ExternKind byte

// Extern kinds, with their binary encodings.
const (
	ExternFunc   ExternKind = 0x00
	ExternTable  ExternKind = 0x01
	ExternMemory ExternKind = 0x02
	ExternGlobal ExternKind = 0x03
)

// String returns the WAT keyword of the kind ("func", "memory", ...).
func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	}
	return fmt.Sprintf("kind(0x%02x)", byte(k))
}

// PageSize is the size of one WebAssembly memory page in bytes.
const PageSize = 65536

// MaxPages is the largest number of pages a 32-bit memory can have.
const MaxPages = 65536

// NoMax, given as the maximum to SetMemory, leaves the memory without a
// maximum size.
const NoMax = ^uint32(0)
