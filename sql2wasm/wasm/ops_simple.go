// Instructions without control-flow immediates: one method per opcode table
// entry, named after the WAT mnemonic. TestGeneratedMethods checks every
// method against opTable, so the two cannot drift apart.

package wasm

// Unreachable emits unreachable.
func (c *Code) Unreachable() { c.op(0x00) }

// Nop emits nop.
func (c *Code) Nop() { c.op(0x01) }

// Return emits return.
func (c *Code) Return() { c.op(0x0F) }

// Drop emits drop.
func (c *Code) Drop() { c.op(0x1A) }

// Select emits select.
func (c *Code) Select() { c.op(0x1B) }

// I32Load emits i32.load. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Load(align, offset uint32) { c.memOp(0x28, align, offset) }

// I64Load emits i64.load. align is the log2 of the byte alignment (at most 3, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load(align, offset uint32) { c.memOp(0x29, align, offset) }

// F32Load emits f32.load. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) F32Load(align, offset uint32) { c.memOp(0x2A, align, offset) }

// F64Load emits f64.load. align is the log2 of the byte alignment (at most 3, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) F64Load(align, offset uint32) { c.memOp(0x2B, align, offset) }

// I32Load8S emits i32.load8_s. align is the log2 of the byte alignment (at most 0, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Load8S(align, offset uint32) { c.memOp(0x2C, align, offset) }

// I32Load8U emits i32.load8_u. align is the log2 of the byte alignment (at most 0, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Load8U(align, offset uint32) { c.memOp(0x2D, align, offset) }

// I32Load16S emits i32.load16_s. align is the log2 of the byte alignment (at most 1, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Load16S(align, offset uint32) { c.memOp(0x2E, align, offset) }

// I32Load16U emits i32.load16_u. align is the log2 of the byte alignment (at most 1, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Load16U(align, offset uint32) { c.memOp(0x2F, align, offset) }

// I64Load8S emits i64.load8_s. align is the log2 of the byte alignment (at most 0, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load8S(align, offset uint32) { c.memOp(0x30, align, offset) }

// I64Load8U emits i64.load8_u. align is the log2 of the byte alignment (at most 0, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load8U(align, offset uint32) { c.memOp(0x31, align, offset) }

// I64Load16S emits i64.load16_s. align is the log2 of the byte alignment (at most 1, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load16S(align, offset uint32) { c.memOp(0x32, align, offset) }

// I64Load16U emits i64.load16_u. align is the log2 of the byte alignment (at most 1, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load16U(align, offset uint32) { c.memOp(0x33, align, offset) }

// I64Load32S emits i64.load32_s. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load32S(align, offset uint32) { c.memOp(0x34, align, offset) }

// I64Load32U emits i64.load32_u. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Load32U(align, offset uint32) { c.memOp(0x35, align, offset) }

// I32Store emits i32.store. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Store(align, offset uint32) { c.memOp(0x36, align, offset) }

// I64Store emits i64.store. align is the log2 of the byte alignment (at most 3, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Store(align, offset uint32) { c.memOp(0x37, align, offset) }

// F32Store emits f32.store. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) F32Store(align, offset uint32) { c.memOp(0x38, align, offset) }

// F64Store emits f64.store. align is the log2 of the byte alignment (at most 3, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) F64Store(align, offset uint32) { c.memOp(0x39, align, offset) }

// I32Store8 emits i32.store8. align is the log2 of the byte alignment (at most 0, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Store8(align, offset uint32) { c.memOp(0x3A, align, offset) }

// I32Store16 emits i32.store16. align is the log2 of the byte alignment (at most 1, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I32Store16(align, offset uint32) { c.memOp(0x3B, align, offset) }

// I64Store8 emits i64.store8. align is the log2 of the byte alignment (at most 0, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Store8(align, offset uint32) { c.memOp(0x3C, align, offset) }

// I64Store16 emits i64.store16. align is the log2 of the byte alignment (at most 1, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Store16(align, offset uint32) { c.memOp(0x3D, align, offset) }

// I64Store32 emits i64.store32. align is the log2 of the byte alignment (at most 2, the natural
// alignment of the access); offset is added to the address operand.
func (c *Code) I64Store32(align, offset uint32) { c.memOp(0x3E, align, offset) }

// I32Eqz emits i32.eqz.
func (c *Code) I32Eqz() { c.op(0x45) }

// I32Eq emits i32.eq.
func (c *Code) I32Eq() { c.op(0x46) }

// I32Ne emits i32.ne.
func (c *Code) I32Ne() { c.op(0x47) }

// I32LtS emits i32.lt_s.
func (c *Code) I32LtS() { c.op(0x48) }

// I32LtU emits i32.lt_u.
func (c *Code) I32LtU() { c.op(0x49) }

// I32GtS emits i32.gt_s.
func (c *Code) I32GtS() { c.op(0x4A) }

// I32GtU emits i32.gt_u.
func (c *Code) I32GtU() { c.op(0x4B) }

// I32LeS emits i32.le_s.
func (c *Code) I32LeS() { c.op(0x4C) }

// I32LeU emits i32.le_u.
func (c *Code) I32LeU() { c.op(0x4D) }

// I32GeS emits i32.ge_s.
func (c *Code) I32GeS() { c.op(0x4E) }

// I32GeU emits i32.ge_u.
func (c *Code) I32GeU() { c.op(0x4F) }

// I64Eqz emits i64.eqz.
func (c *Code) I64Eqz() { c.op(0x50) }

// I64Eq emits i64.eq.
func (c *Code) I64Eq() { c.op(0x51) }

// I64Ne emits i64.ne.
func (c *Code) I64Ne() { c.op(0x52) }

// I64LtS emits i64.lt_s.
func (c *Code) I64LtS() { c.op(0x53) }

// I64LtU emits i64.lt_u.
func (c *Code) I64LtU() { c.op(0x54) }

// I64GtS emits i64.gt_s.
func (c *Code) I64GtS() { c.op(0x55) }

// I64GtU emits i64.gt_u.
func (c *Code) I64GtU() { c.op(0x56) }

// I64LeS emits i64.le_s.
func (c *Code) I64LeS() { c.op(0x57) }

// I64LeU emits i64.le_u.
func (c *Code) I64LeU() { c.op(0x58) }

// I64GeS emits i64.ge_s.
func (c *Code) I64GeS() { c.op(0x59) }

// I64GeU emits i64.ge_u.
func (c *Code) I64GeU() { c.op(0x5A) }

// F32Eq emits f32.eq.
func (c *Code) F32Eq() { c.op(0x5B) }

// F32Ne emits f32.ne.
func (c *Code) F32Ne() { c.op(0x5C) }

// F32Lt emits f32.lt.
func (c *Code) F32Lt() { c.op(0x5D) }

// F32Gt emits f32.gt.
func (c *Code) F32Gt() { c.op(0x5E) }

// F32Le emits f32.le.
func (c *Code) F32Le() { c.op(0x5F) }

// F32Ge emits f32.ge.
func (c *Code) F32Ge() { c.op(0x60) }

// F64Eq emits f64.eq.
func (c *Code) F64Eq() { c.op(0x61) }

// F64Ne emits f64.ne.
func (c *Code) F64Ne() { c.op(0x62) }

// F64Lt emits f64.lt.
func (c *Code) F64Lt() { c.op(0x63) }

// F64Gt emits f64.gt.
func (c *Code) F64Gt() { c.op(0x64) }

// F64Le emits f64.le.
func (c *Code) F64Le() { c.op(0x65) }

// F64Ge emits f64.ge.
func (c *Code) F64Ge() { c.op(0x66) }

// I32Clz emits i32.clz.
func (c *Code) I32Clz() { c.op(0x67) }

// I32Ctz emits i32.ctz.
func (c *Code) I32Ctz() { c.op(0x68) }

// I32Popcnt emits i32.popcnt.
func (c *Code) I32Popcnt() { c.op(0x69) }

// I32Add emits i32.add.
func (c *Code) I32Add() { c.op(0x6A) }

// I32Sub emits i32.sub.
func (c *Code) I32Sub() { c.op(0x6B) }

// I32Mul emits i32.mul.
func (c *Code) I32Mul() { c.op(0x6C) }

// I32DivS emits i32.div_s.
func (c *Code) I32DivS() { c.op(0x6D) }

// I32DivU emits i32.div_u.
func (c *Code) I32DivU() { c.op(0x6E) }

// I32RemS emits i32.rem_s.
func (c *Code) I32RemS() { c.op(0x6F) }

// I32RemU emits i32.rem_u.
func (c *Code) I32RemU() { c.op(0x70) }

// I32And emits i32.and.
func (c *Code) I32And() { c.op(0x71) }

// I32Or emits i32.or.
func (c *Code) I32Or() { c.op(0x72) }

// I32Xor emits i32.xor.
func (c *Code) I32Xor() { c.op(0x73) }

// I32Shl emits i32.shl.
func (c *Code) I32Shl() { c.op(0x74) }

// I32ShrS emits i32.shr_s.
func (c *Code) I32ShrS() { c.op(0x75) }

// I32ShrU emits i32.shr_u.
func (c *Code) I32ShrU() { c.op(0x76) }

// I32Rotl emits i32.rotl.
func (c *Code) I32Rotl() { c.op(0x77) }

// I32Rotr emits i32.rotr.
func (c *Code) I32Rotr() { c.op(0x78) }

// I64Clz emits i64.clz.
func (c *Code) I64Clz() { c.op(0x79) }

// I64Ctz emits i64.ctz.
func (c *Code) I64Ctz() { c.op(0x7A) }

// I64Popcnt emits i64.popcnt.
func (c *Code) I64Popcnt() { c.op(0x7B) }

// I64Add emits i64.add.
func (c *Code) I64Add() { c.op(0x7C) }

// I64Sub emits i64.sub.
func (c *Code) I64Sub() { c.op(0x7D) }

// I64Mul emits i64.mul.
func (c *Code) I64Mul() { c.op(0x7E) }

// I64DivS emits i64.div_s.
func (c *Code) I64DivS() { c.op(0x7F) }

// I64DivU emits i64.div_u.
func (c *Code) I64DivU() { c.op(0x80) }

// I64RemS emits i64.rem_s.
func (c *Code) I64RemS() { c.op(0x81) }

// I64RemU emits i64.rem_u.
func (c *Code) I64RemU() { c.op(0x82) }

// I64And emits i64.and.
func (c *Code) I64And() { c.op(0x83) }

// I64Or emits i64.or.
func (c *Code) I64Or() { c.op(0x84) }

// I64Xor emits i64.xor.
func (c *Code) I64Xor() { c.op(0x85) }

// I64Shl emits i64.shl.
func (c *Code) I64Shl() { c.op(0x86) }

// I64ShrS emits i64.shr_s.
func (c *Code) I64ShrS() { c.op(0x87) }

// I64ShrU emits i64.shr_u.
func (c *Code) I64ShrU() { c.op(0x88) }

// I64Rotl emits i64.rotl.
func (c *Code) I64Rotl() { c.op(0x89) }

// I64Rotr emits i64.rotr.
func (c *Code) I64Rotr() { c.op(0x8A) }

// F32Abs emits f32.abs.
func (c *Code) F32Abs() { c.op(0x8B) }

// F32Neg emits f32.neg.
func (c *Code) F32Neg() { c.op(0x8C) }

// F32Ceil emits f32.ceil.
func (c *Code) F32Ceil() { c.op(0x8D) }

// F32Floor emits f32.floor.
func (c *Code) F32Floor() { c.op(0x8E) }

// F32Trunc emits f32.trunc.
func (c *Code) F32Trunc() { c.op(0x8F) }

// F32Nearest emits f32.nearest.
func (c *Code) F32Nearest() { c.op(0x90) }

// F32Sqrt emits f32.sqrt.
func (c *Code) F32Sqrt() { c.op(0x91) }

// F32Add emits f32.add.
func (c *Code) F32Add() { c.op(0x92) }

// F32Sub emits f32.sub.
func (c *Code) F32Sub() { c.op(0x93) }

// F32Mul emits f32.mul.
func (c *Code) F32Mul() { c.op(0x94) }

// F32Div emits f32.div.
func (c *Code) F32Div() { c.op(0x95) }

// F32Min emits f32.min.
func (c *Code) F32Min() { c.op(0x96) }

// F32Max emits f32.max.
func (c *Code) F32Max() { c.op(0x97) }

// F32Copysign emits f32.copysign.
func (c *Code) F32Copysign() { c.op(0x98) }

// F64Abs emits f64.abs.
func (c *Code) F64Abs() { c.op(0x99) }

// F64Neg emits f64.neg.
func (c *Code) F64Neg() { c.op(0x9A) }

// F64Ceil emits f64.ceil.
func (c *Code) F64Ceil() { c.op(0x9B) }

// F64Floor emits f64.floor.
func (c *Code) F64Floor() { c.op(0x9C) }

// F64Trunc emits f64.trunc.
func (c *Code) F64Trunc() { c.op(0x9D) }

// F64Nearest emits f64.nearest.
func (c *Code) F64Nearest() { c.op(0x9E) }

// F64Sqrt emits f64.sqrt.
func (c *Code) F64Sqrt() { c.op(0x9F) }

// F64Add emits f64.add.
func (c *Code) F64Add() { c.op(0xA0) }

// F64Sub emits f64.sub.
func (c *Code) F64Sub() { c.op(0xA1) }

// F64Mul emits f64.mul.
func (c *Code) F64Mul() { c.op(0xA2) }

// F64Div emits f64.div.
func (c *Code) F64Div() { c.op(0xA3) }

// F64Min emits f64.min.
func (c *Code) F64Min() { c.op(0xA4) }

// F64Max emits f64.max.
func (c *Code) F64Max() { c.op(0xA5) }

// F64Copysign emits f64.copysign.
func (c *Code) F64Copysign() { c.op(0xA6) }

// I32WrapI64 emits i32.wrap_i64.
func (c *Code) I32WrapI64() { c.op(0xA7) }

// I32TruncF32S emits i32.trunc_f32_s.
func (c *Code) I32TruncF32S() { c.op(0xA8) }

// I32TruncF32U emits i32.trunc_f32_u.
func (c *Code) I32TruncF32U() { c.op(0xA9) }

// I32TruncF64S emits i32.trunc_f64_s.
func (c *Code) I32TruncF64S() { c.op(0xAA) }

// I32TruncF64U emits i32.trunc_f64_u.
func (c *Code) I32TruncF64U() { c.op(0xAB) }

// I64ExtendI32S emits i64.extend_i32_s.
func (c *Code) I64ExtendI32S() { c.op(0xAC) }

// I64ExtendI32U emits i64.extend_i32_u.
func (c *Code) I64ExtendI32U() { c.op(0xAD) }

// I64TruncF32S emits i64.trunc_f32_s.
func (c *Code) I64TruncF32S() { c.op(0xAE) }

// I64TruncF32U emits i64.trunc_f32_u.
func (c *Code) I64TruncF32U() { c.op(0xAF) }

// I64TruncF64S emits i64.trunc_f64_s.
func (c *Code) I64TruncF64S() { c.op(0xB0) }

// I64TruncF64U emits i64.trunc_f64_u.
func (c *Code) I64TruncF64U() { c.op(0xB1) }

// F32ConvertI32S emits f32.convert_i32_s.
func (c *Code) F32ConvertI32S() { c.op(0xB2) }

// F32ConvertI32U emits f32.convert_i32_u.
func (c *Code) F32ConvertI32U() { c.op(0xB3) }

// F32ConvertI64S emits f32.convert_i64_s.
func (c *Code) F32ConvertI64S() { c.op(0xB4) }

// F32ConvertI64U emits f32.convert_i64_u.
func (c *Code) F32ConvertI64U() { c.op(0xB5) }

// F32DemoteF64 emits f32.demote_f64.
func (c *Code) F32DemoteF64() { c.op(0xB6) }

// F64ConvertI32S emits f64.convert_i32_s.
func (c *Code) F64ConvertI32S() { c.op(0xB7) }

// F64ConvertI32U emits f64.convert_i32_u.
func (c *Code) F64ConvertI32U() { c.op(0xB8) }

// F64ConvertI64S emits f64.convert_i64_s.
func (c *Code) F64ConvertI64S() { c.op(0xB9) }

// F64ConvertI64U emits f64.convert_i64_u.
func (c *Code) F64ConvertI64U() { c.op(0xBA) }

// F64PromoteF32 emits f64.promote_f32.
func (c *Code) F64PromoteF32() { c.op(0xBB) }

// I32ReinterpretF32 emits i32.reinterpret_f32.
func (c *Code) I32ReinterpretF32() { c.op(0xBC) }

// I64ReinterpretF64 emits i64.reinterpret_f64.
func (c *Code) I64ReinterpretF64() { c.op(0xBD) }

// F32ReinterpretI32 emits f32.reinterpret_i32.
func (c *Code) F32ReinterpretI32() { c.op(0xBE) }

// F64ReinterpretI64 emits f64.reinterpret_i64.
func (c *Code) F64ReinterpretI64() { c.op(0xBF) }

// I32Extend8S emits i32.extend8_s.
func (c *Code) I32Extend8S() { c.op(0xC0) }

// I32Extend16S emits i32.extend16_s.
func (c *Code) I32Extend16S() { c.op(0xC1) }

// I64Extend8S emits i64.extend8_s.
func (c *Code) I64Extend8S() { c.op(0xC2) }

// I64Extend16S emits i64.extend16_s.
func (c *Code) I64Extend16S() { c.op(0xC3) }

// I64Extend32S emits i64.extend32_s.
func (c *Code) I64Extend32S() { c.op(0xC4) }

// I32TruncSatF32S emits i32.trunc_sat_f32_s (0xFC 0): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I32TruncSatF32S() { c.fcOp(0) }

// I32TruncSatF32U emits i32.trunc_sat_f32_u (0xFC 1): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I32TruncSatF32U() { c.fcOp(1) }

// I32TruncSatF64S emits i32.trunc_sat_f64_s (0xFC 2): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I32TruncSatF64S() { c.fcOp(2) }

// I32TruncSatF64U emits i32.trunc_sat_f64_u (0xFC 3): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I32TruncSatF64U() { c.fcOp(3) }

// I64TruncSatF32S emits i64.trunc_sat_f32_s (0xFC 4): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I64TruncSatF32S() { c.fcOp(4) }

// I64TruncSatF32U emits i64.trunc_sat_f32_u (0xFC 5): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I64TruncSatF32U() { c.fcOp(5) }

// I64TruncSatF64S emits i64.trunc_sat_f64_s (0xFC 6): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I64TruncSatF64S() { c.fcOp(6) }

// I64TruncSatF64U emits i64.trunc_sat_f64_u (0xFC 7): a truncation that saturates instead of trapping
// on NaN or overflow (NaN gives 0).
func (c *Code) I64TruncSatF64U() { c.fcOp(7) }
