package wasm

// immKind says which immediates follow an opcode. The builder and the
// disassembler share the opcode table below, so a name or an immediate can
// never differ between what is emitted and what is printed.
type immKind uint8

const (
	immNone    immKind = iota
	immBlock           // block type byte
	immLabel           // label index (u32)
	immBrTable         // vec(label) + default label
	immFunc            // function index (u32)
	immLocal           // local index (u32)
	immGlobal          // global index (u32)
	immMemArg          // align exponent (u32) + offset (u32)
	immMemIdx          // one reserved memory index byte (0x00)
	immMemIdx2         // two memory index bytes (memory.copy)
	immI32             // signed LEB128, 32 bits
	immI64             // signed LEB128, 64 bits
	immF32             // 4 little-endian bytes
	immF64             // 8 little-endian bytes
)

// opInfo describes one opcode: its WAT name, its immediates and, for memory
// accesses, the natural alignment exponent (log2 of the access width).
type opInfo struct {
	name  string
	imm   immKind
	align uint8
}

// Single-byte opcodes used in this package.
const (
	opUnreachable = 0x00
	opNop         = 0x01
	opBlock       = 0x02
	opLoop        = 0x03
	opIf          = 0x04
	opElse        = 0x05
	opEnd         = 0x0B
	opBr          = 0x0C
	opBrIf        = 0x0D
	opBrTable     = 0x0E
	opReturn      = 0x0F
	opCall        = 0x10
	opLocalGet    = 0x20
	opLocalSet    = 0x21
	opLocalTee    = 0x22
	opGlobalGet   = 0x23
	opGlobalSet   = 0x24
	opI32Const    = 0x41
	opI64Const    = 0x42
	opF32Const    = 0x43
	opF64Const    = 0x44
	opPrefixFC    = 0xFC
)

// 0xFC-prefixed sub-opcodes used in this package.
const (
	fcMemoryCopy = 10
	fcMemoryFill = 11
)

// opTable holds every single-byte opcode the builder can emit. Entries with
// an empty name are opcodes the disassembler rejects. It is read-only.
var opTable = [256]opInfo{
	0x00: {"unreachable", immNone, 0},
	0x01: {"nop", immNone, 0},
	0x02: {"block", immBlock, 0},
	0x03: {"loop", immBlock, 0},
	0x04: {"if", immBlock, 0},
	0x05: {"else", immNone, 0},
	0x0B: {"end", immNone, 0},
	0x0C: {"br", immLabel, 0},
	0x0D: {"br_if", immLabel, 0},
	0x0E: {"br_table", immBrTable, 0},
	0x0F: {"return", immNone, 0},
	0x10: {"call", immFunc, 0},
	0x1A: {"drop", immNone, 0},
	0x1B: {"select", immNone, 0},
	0x20: {"local.get", immLocal, 0},
	0x21: {"local.set", immLocal, 0},
	0x22: {"local.tee", immLocal, 0},
	0x23: {"global.get", immGlobal, 0},
	0x24: {"global.set", immGlobal, 0},

	0x28: {"i32.load", immMemArg, 2},
	0x29: {"i64.load", immMemArg, 3},
	0x2A: {"f32.load", immMemArg, 2},
	0x2B: {"f64.load", immMemArg, 3},
	0x2C: {"i32.load8_s", immMemArg, 0},
	0x2D: {"i32.load8_u", immMemArg, 0},
	0x2E: {"i32.load16_s", immMemArg, 1},
	0x2F: {"i32.load16_u", immMemArg, 1},
	0x30: {"i64.load8_s", immMemArg, 0},
	0x31: {"i64.load8_u", immMemArg, 0},
	0x32: {"i64.load16_s", immMemArg, 1},
	0x33: {"i64.load16_u", immMemArg, 1},
	0x34: {"i64.load32_s", immMemArg, 2},
	0x35: {"i64.load32_u", immMemArg, 2},
	0x36: {"i32.store", immMemArg, 2},
	0x37: {"i64.store", immMemArg, 3},
	0x38: {"f32.store", immMemArg, 2},
	0x39: {"f64.store", immMemArg, 3},
	0x3A: {"i32.store8", immMemArg, 0},
	0x3B: {"i32.store16", immMemArg, 1},
	0x3C: {"i64.store8", immMemArg, 0},
	0x3D: {"i64.store16", immMemArg, 1},
	0x3E: {"i64.store32", immMemArg, 2},
	0x3F: {"memory.size", immMemIdx, 0},
	0x40: {"memory.grow", immMemIdx, 0},

	0x41: {"i32.const", immI32, 0},
	0x42: {"i64.const", immI64, 0},
	0x43: {"f32.const", immF32, 0},
	0x44: {"f64.const", immF64, 0},

	0x45: {"i32.eqz", immNone, 0},
	0x46: {"i32.eq", immNone, 0},
	0x47: {"i32.ne", immNone, 0},
	0x48: {"i32.lt_s", immNone, 0},
	0x49: {"i32.lt_u", immNone, 0},
	0x4A: {"i32.gt_s", immNone, 0},
	0x4B: {"i32.gt_u", immNone, 0},
	0x4C: {"i32.le_s", immNone, 0},
	0x4D: {"i32.le_u", immNone, 0},
	0x4E: {"i32.ge_s", immNone, 0},
	0x4F: {"i32.ge_u", immNone, 0},

	0x50: {"i64.eqz", immNone, 0},
	0x51: {"i64.eq", immNone, 0},
	0x52: {"i64.ne", immNone, 0},
	0x53: {"i64.lt_s", immNone, 0},
	0x54: {"i64.lt_u", immNone, 0},
	0x55: {"i64.gt_s", immNone, 0},
	0x56: {"i64.gt_u", immNone, 0},
	0x57: {"i64.le_s", immNone, 0},
	0x58: {"i64.le_u", immNone, 0},
	0x59: {"i64.ge_s", immNone, 0},
	0x5A: {"i64.ge_u", immNone, 0},

	0x5B: {"f32.eq", immNone, 0},
	0x5C: {"f32.ne", immNone, 0},
	0x5D: {"f32.lt", immNone, 0},
	0x5E: {"f32.gt", immNone, 0},
	0x5F: {"f32.le", immNone, 0},
	0x60: {"f32.ge", immNone, 0},

	0x61: {"f64.eq", immNone, 0},
	0x62: {"f64.ne", immNone, 0},
	0x63: {"f64.lt", immNone, 0},
	0x64: {"f64.gt", immNone, 0},
	0x65: {"f64.le", immNone, 0},
	0x66: {"f64.ge", immNone, 0},

	0x67: {"i32.clz", immNone, 0},
	0x68: {"i32.ctz", immNone, 0},
	0x69: {"i32.popcnt", immNone, 0},
	0x6A: {"i32.add", immNone, 0},
	0x6B: {"i32.sub", immNone, 0},
	0x6C: {"i32.mul", immNone, 0},
	0x6D: {"i32.div_s", immNone, 0},
	0x6E: {"i32.div_u", immNone, 0},
	0x6F: {"i32.rem_s", immNone, 0},
	0x70: {"i32.rem_u", immNone, 0},
	0x71: {"i32.and", immNone, 0},
	0x72: {"i32.or", immNone, 0},
	0x73: {"i32.xor", immNone, 0},
	0x74: {"i32.shl", immNone, 0},
	0x75: {"i32.shr_s", immNone, 0},
	0x76: {"i32.shr_u", immNone, 0},
	0x77: {"i32.rotl", immNone, 0},
	0x78: {"i32.rotr", immNone, 0},

	0x79: {"i64.clz", immNone, 0},
	0x7A: {"i64.ctz", immNone, 0},
	0x7B: {"i64.popcnt", immNone, 0},
	0x7C: {"i64.add", immNone, 0},
	0x7D: {"i64.sub", immNone, 0},
	0x7E: {"i64.mul", immNone, 0},
	0x7F: {"i64.div_s", immNone, 0},
	0x80: {"i64.div_u", immNone, 0},
	0x81: {"i64.rem_s", immNone, 0},
	0x82: {"i64.rem_u", immNone, 0},
	0x83: {"i64.and", immNone, 0},
	0x84: {"i64.or", immNone, 0},
	0x85: {"i64.xor", immNone, 0},
	0x86: {"i64.shl", immNone, 0},
	0x87: {"i64.shr_s", immNone, 0},
	0x88: {"i64.shr_u", immNone, 0},
	0x89: {"i64.rotl", immNone, 0},
	0x8A: {"i64.rotr", immNone, 0},

	0x8B: {"f32.abs", immNone, 0},
	0x8C: {"f32.neg", immNone, 0},
	0x8D: {"f32.ceil", immNone, 0},
	0x8E: {"f32.floor", immNone, 0},
	0x8F: {"f32.trunc", immNone, 0},
	0x90: {"f32.nearest", immNone, 0},
	0x91: {"f32.sqrt", immNone, 0},
	0x92: {"f32.add", immNone, 0},
	0x93: {"f32.sub", immNone, 0},
	0x94: {"f32.mul", immNone, 0},
	0x95: {"f32.div", immNone, 0},
	0x96: {"f32.min", immNone, 0},
	0x97: {"f32.max", immNone, 0},
	0x98: {"f32.copysign", immNone, 0},

	0x99: {"f64.abs", immNone, 0},
	0x9A: {"f64.neg", immNone, 0},
	0x9B: {"f64.ceil", immNone, 0},
	0x9C: {"f64.floor", immNone, 0},
	0x9D: {"f64.trunc", immNone, 0},
	0x9E: {"f64.nearest", immNone, 0},
	0x9F: {"f64.sqrt", immNone, 0},
	0xA0: {"f64.add", immNone, 0},
	0xA1: {"f64.sub", immNone, 0},
	0xA2: {"f64.mul", immNone, 0},
	0xA3: {"f64.div", immNone, 0},
	0xA4: {"f64.min", immNone, 0},
	0xA5: {"f64.max", immNone, 0},
	0xA6: {"f64.copysign", immNone, 0},

	0xA7: {"i32.wrap_i64", immNone, 0},
	0xA8: {"i32.trunc_f32_s", immNone, 0},
	0xA9: {"i32.trunc_f32_u", immNone, 0},
	0xAA: {"i32.trunc_f64_s", immNone, 0},
	0xAB: {"i32.trunc_f64_u", immNone, 0},
	0xAC: {"i64.extend_i32_s", immNone, 0},
	0xAD: {"i64.extend_i32_u", immNone, 0},
	0xAE: {"i64.trunc_f32_s", immNone, 0},
	0xAF: {"i64.trunc_f32_u", immNone, 0},
	0xB0: {"i64.trunc_f64_s", immNone, 0},
	0xB1: {"i64.trunc_f64_u", immNone, 0},
	0xB2: {"f32.convert_i32_s", immNone, 0},
	0xB3: {"f32.convert_i32_u", immNone, 0},
	0xB4: {"f32.convert_i64_s", immNone, 0},
	0xB5: {"f32.convert_i64_u", immNone, 0},
	0xB6: {"f32.demote_f64", immNone, 0},
	0xB7: {"f64.convert_i32_s", immNone, 0},
	0xB8: {"f64.convert_i32_u", immNone, 0},
	0xB9: {"f64.convert_i64_s", immNone, 0},
	0xBA: {"f64.convert_i64_u", immNone, 0},
	0xBB: {"f64.promote_f32", immNone, 0},
	0xBC: {"i32.reinterpret_f32", immNone, 0},
	0xBD: {"i64.reinterpret_f64", immNone, 0},
	0xBE: {"f32.reinterpret_i32", immNone, 0},
	0xBF: {"f64.reinterpret_i64", immNone, 0},

	0xC0: {"i32.extend8_s", immNone, 0},
	0xC1: {"i32.extend16_s", immNone, 0},
	0xC2: {"i64.extend8_s", immNone, 0},
	0xC3: {"i64.extend16_s", immNone, 0},
	0xC4: {"i64.extend32_s", immNone, 0},
}

// fcTable holds the 0xFC-prefixed opcodes (saturating truncation and bulk
// memory), indexed by sub-opcode. It is read-only.
var fcTable = [...]opInfo{
	0:  {"i32.trunc_sat_f32_s", immNone, 0},
	1:  {"i32.trunc_sat_f32_u", immNone, 0},
	2:  {"i32.trunc_sat_f64_s", immNone, 0},
	3:  {"i32.trunc_sat_f64_u", immNone, 0},
	4:  {"i64.trunc_sat_f32_s", immNone, 0},
	5:  {"i64.trunc_sat_f32_u", immNone, 0},
	6:  {"i64.trunc_sat_f64_s", immNone, 0},
	7:  {"i64.trunc_sat_f64_u", immNone, 0},
	10: {"memory.copy", immMemIdx2, 0},
	11: {"memory.fill", immMemIdx, 0},
}
