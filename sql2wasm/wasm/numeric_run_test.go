package wasm

import (
	"fmt"
	"math"
	"math/bits"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// Argument and result encodings as wazero passes them.
func i32(v int32) uint64   { return uint64(uint32(v)) }
func u32(v uint32) uint64  { return uint64(v) }
func i64(v int64) uint64   { return uint64(v) }
func f32(v float32) uint64 { return uint64(math.Float32bits(v)) }
func f64(v float64) uint64 { return math.Float64bits(v) }
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
func mask(t ValType) uint64 {
	if t == I32 || t == F32 {
		return math.MaxUint32
	}
	return math.MaxUint64
}

// numCase is one instruction applied to its parameters: the function is
// local.get of each parameter followed by op. Expected values come from Go's
// arithmetic, which has the same semantics for these inputs; the inputs are
// chosen to tell signed from unsigned and neighbouring opcodes apart.
type numCase struct {
	name   string
	params []ValType
	result ValType
	op     func(*Code)
	args   []uint64
	want   uint64
}

func numCases() []numCase {
	ii := []ValType{I32, I32}
	ll := []ValType{I64, I64}
	ff := []ValType{F32, F32}
	dd := []ValType{F64, F64}
	a32, b32 := int32(-7), int32(2)
	a64, b64 := int64(-7_000_000_000), int64(3)
	x, y := float32(-2.5), float32(1.25)
	p, q := -2.5, 1.25
	return []numCase{
		// i32
		{"i32.add", ii, I32, (*Code).I32Add, []uint64{i32(a32), i32(b32)}, i32(a32 + b32)},
		{"i32.sub", ii, I32, (*Code).I32Sub, []uint64{i32(a32), i32(b32)}, i32(a32 - b32)},
		{"i32.mul", ii, I32, (*Code).I32Mul, []uint64{i32(a32), i32(b32)}, i32(a32 * b32)},
		{"i32.div_s", ii, I32, (*Code).I32DivS, []uint64{i32(a32), i32(b32)}, i32(a32 / b32)},
		{"i32.div_u", ii, I32, (*Code).I32DivU, []uint64{i32(a32), i32(b32)}, u32(uint32(a32) / uint32(b32))},
		{"i32.rem_s", ii, I32, (*Code).I32RemS, []uint64{i32(a32), i32(b32)}, i32(a32 % b32)},
		{"i32.rem_u", ii, I32, (*Code).I32RemU, []uint64{i32(a32), i32(5)}, u32(uint32(a32) % 5)},
		{"i32.and", ii, I32, (*Code).I32And, []uint64{i32(a32), i32(0xFF)}, i32(a32 & 0xFF)},
		{"i32.or", ii, I32, (*Code).I32Or, []uint64{i32(a32), i32(0x100)}, i32(a32 | 0x100)},
		{"i32.xor", ii, I32, (*Code).I32Xor, []uint64{i32(a32), i32(0x1234)}, i32(a32 ^ 0x1234)},
		{"i32.shl", ii, I32, (*Code).I32Shl, []uint64{i32(3), i32(33)}, i32(3 << 1)}, // count mod 32
		{"i32.shr_s", ii, I32, (*Code).I32ShrS, []uint64{i32(-8), i32(1)}, i32(-8 >> 1)},
		{"i32.shr_u", ii, I32, (*Code).I32ShrU, []uint64{i32(-8), i32(1)}, u32(uint32(0xFFFFFFF8) >> 1)},
		{"i32.rotl", ii, I32, (*Code).I32Rotl, []uint64{u32(0x80000001), i32(4)}, u32(bits.RotateLeft32(0x80000001, 4))},
		{"i32.rotr", ii, I32, (*Code).I32Rotr, []uint64{u32(0x80000001), i32(4)}, u32(bits.RotateLeft32(0x80000001, -4))},
		{"i32.clz", []ValType{I32}, I32, (*Code).I32Clz, []uint64{u32(0x00F0)}, u32(uint32(bits.LeadingZeros32(0xF0)))},
		{"i32.ctz", []ValType{I32}, I32, (*Code).I32Ctz, []uint64{u32(0x00F0)}, u32(uint32(bits.TrailingZeros32(0xF0)))},
		{"i32.popcnt", []ValType{I32}, I32, (*Code).I32Popcnt, []uint64{u32(0xF0F1)}, u32(uint32(bits.OnesCount32(0xF0F1)))},
		{"i32.eqz", []ValType{I32}, I32, (*Code).I32Eqz, []uint64{i32(0)}, 1},
		{"i32.eq", ii, I32, (*Code).I32Eq, []uint64{i32(a32), i32(a32)}, 1},
		{"i32.ne", ii, I32, (*Code).I32Ne, []uint64{i32(a32), i32(a32)}, 0},
		{"i32.lt_s", ii, I32, (*Code).I32LtS, []uint64{i32(-1), i32(1)}, b2u(-1 < 1)},
		{"i32.lt_u", ii, I32, (*Code).I32LtU, []uint64{i32(-1), i32(1)}, b2u(uint32(math.MaxUint32) < 1)},
		{"i32.gt_s", ii, I32, (*Code).I32GtS, []uint64{i32(-1), i32(1)}, b2u(-1 > 1)},
		{"i32.gt_u", ii, I32, (*Code).I32GtU, []uint64{i32(-1), i32(1)}, b2u(uint32(math.MaxUint32) > 1)},
		{"i32.le_s", ii, I32, (*Code).I32LeS, []uint64{i32(1), i32(-1)}, b2u(1 <= -1)},
		{"i32.le_u", ii, I32, (*Code).I32LeU, []uint64{i32(1), i32(-1)}, b2u(1 <= uint32(math.MaxUint32))},
		{"i32.ge_s", ii, I32, (*Code).I32GeS, []uint64{i32(1), i32(-1)}, b2u(1 >= -1)},
		{"i32.ge_u", ii, I32, (*Code).I32GeU, []uint64{i32(1), i32(-1)}, b2u(1 >= uint32(math.MaxUint32))},
		{"i32.extend8_s", []ValType{I32}, I32, (*Code).I32Extend8S, []uint64{u32(0x1280)}, i32(int32(int8(-128)))},
		{"i32.extend16_s", []ValType{I32}, I32, (*Code).I32Extend16S, []uint64{u32(0x18000)}, i32(int32(int16(-32768)))},

		// i64
		{"i64.add", ll, I64, (*Code).I64Add, []uint64{i64(a64), i64(b64)}, i64(a64 + b64)},
		{"i64.sub", ll, I64, (*Code).I64Sub, []uint64{i64(a64), i64(b64)}, i64(a64 - b64)},
		{"i64.mul", ll, I64, (*Code).I64Mul, []uint64{i64(a64), i64(b64)}, i64(a64 * b64)},
		{"i64.div_s", ll, I64, (*Code).I64DivS, []uint64{i64(a64), i64(b64)}, i64(a64 / b64)},
		{"i64.div_u", ll, I64, (*Code).I64DivU, []uint64{i64(a64), i64(b64)}, uint64(a64) / uint64(b64)},
		{"i64.rem_s", ll, I64, (*Code).I64RemS, []uint64{i64(a64), i64(b64)}, i64(a64 % b64)},
		{"i64.rem_u", ll, I64, (*Code).I64RemU, []uint64{i64(a64), i64(7)}, uint64(a64) % 7},
		{"i64.and", ll, I64, (*Code).I64And, []uint64{i64(a64), i64(0xFFFF)}, i64(a64 & 0xFFFF)},
		{"i64.or", ll, I64, (*Code).I64Or, []uint64{i64(a64), i64(1 << 40)}, i64(a64 | 1<<40)},
		{"i64.xor", ll, I64, (*Code).I64Xor, []uint64{i64(a64), i64(-1)}, i64(^a64)},
		{"i64.shl", ll, I64, (*Code).I64Shl, []uint64{i64(3), i64(65)}, i64(3 << 1)}, // count mod 64
		{"i64.shr_s", ll, I64, (*Code).I64ShrS, []uint64{i64(a64), i64(3)}, i64(a64 >> 3)},
		{"i64.shr_u", ll, I64, (*Code).I64ShrU, []uint64{i64(a64), i64(3)}, uint64(a64) >> 3},
		{"i64.rotl", ll, I64, (*Code).I64Rotl, []uint64{1<<63 | 1, i64(4)}, bits.RotateLeft64(1<<63|1, 4)},
		{"i64.rotr", ll, I64, (*Code).I64Rotr, []uint64{1<<63 | 1, i64(4)}, bits.RotateLeft64(1<<63|1, -4)},
		{"i64.clz", []ValType{I64}, I64, (*Code).I64Clz, []uint64{1 << 40}, uint64(bits.LeadingZeros64(1 << 40))},
		{"i64.ctz", []ValType{I64}, I64, (*Code).I64Ctz, []uint64{1 << 40}, uint64(bits.TrailingZeros64(1 << 40))},
		{"i64.popcnt", []ValType{I64}, I64, (*Code).I64Popcnt, []uint64{0xF0F0_0000_0001}, uint64(bits.OnesCount64(0xF0F0_0000_0001))},
		{"i64.eqz", []ValType{I64}, I32, (*Code).I64Eqz, []uint64{1 << 40}, 0},
		{"i64.eq", ll, I32, (*Code).I64Eq, []uint64{i64(a64), i64(a64)}, 1},
		{"i64.ne", ll, I32, (*Code).I64Ne, []uint64{i64(a64), i64(b64)}, 1},
		{"i64.lt_s", ll, I32, (*Code).I64LtS, []uint64{i64(a64), i64(b64)}, b2u(a64 < b64)},
		{"i64.lt_u", ll, I32, (*Code).I64LtU, []uint64{i64(a64), i64(b64)}, b2u(uint64(a64) < uint64(b64))},
		{"i64.gt_s", ll, I32, (*Code).I64GtS, []uint64{i64(a64), i64(b64)}, b2u(a64 > b64)},
		{"i64.gt_u", ll, I32, (*Code).I64GtU, []uint64{i64(a64), i64(b64)}, b2u(uint64(a64) > uint64(b64))},
		{"i64.le_s", ll, I32, (*Code).I64LeS, []uint64{i64(a64), i64(b64)}, b2u(a64 <= b64)},
		{"i64.le_u", ll, I32, (*Code).I64LeU, []uint64{i64(a64), i64(b64)}, b2u(uint64(a64) <= uint64(b64))},
		{"i64.ge_s", ll, I32, (*Code).I64GeS, []uint64{i64(a64), i64(b64)}, b2u(a64 >= b64)},
		{"i64.ge_u", ll, I32, (*Code).I64GeU, []uint64{i64(a64), i64(b64)}, b2u(uint64(a64) >= uint64(b64))},
		{"i64.extend8_s", []ValType{I64}, I64, (*Code).I64Extend8S, []uint64{0x1FF}, i64(-1)},
		{"i64.extend16_s", []ValType{I64}, I64, (*Code).I64Extend16S, []uint64{0x17FFF}, i64(0x7FFF)},
		{"i64.extend32_s", []ValType{I64}, I64, (*Code).I64Extend32S, []uint64{0x1_8000_0000}, i64(math.MinInt32)},

		// f32
		{"f32.add", ff, F32, (*Code).F32Add, []uint64{f32(x), f32(y)}, f32(x + y)},
		{"f32.sub", ff, F32, (*Code).F32Sub, []uint64{f32(x), f32(y)}, f32(x - y)},
		{"f32.mul", ff, F32, (*Code).F32Mul, []uint64{f32(x), f32(y)}, f32(x * y)},
		{"f32.div", ff, F32, (*Code).F32Div, []uint64{f32(x), f32(y)}, f32(x / y)},
		{"f32.min", ff, F32, (*Code).F32Min, []uint64{f32(x), f32(y)}, f32(min(x, y))},
		{"f32.max", ff, F32, (*Code).F32Max, []uint64{f32(x), f32(y)}, f32(max(x, y))},
		{"f32.copysign", ff, F32, (*Code).F32Copysign, []uint64{f32(y), f32(x)}, f32(-y)},
		{"f32.abs", []ValType{F32}, F32, (*Code).F32Abs, []uint64{f32(x)}, f32(-x)},
		{"f32.neg", []ValType{F32}, F32, (*Code).F32Neg, []uint64{f32(y)}, f32(-y)},
		{"f32.ceil", []ValType{F32}, F32, (*Code).F32Ceil, []uint64{f32(x)}, f32(float32(math.Ceil(float64(x))))},
		{"f32.floor", []ValType{F32}, F32, (*Code).F32Floor, []uint64{f32(x)}, f32(float32(math.Floor(float64(x))))},
		{"f32.trunc", []ValType{F32}, F32, (*Code).F32Trunc, []uint64{f32(x)}, f32(float32(math.Trunc(float64(x))))},
		{"f32.nearest", []ValType{F32}, F32, (*Code).F32Nearest, []uint64{f32(x)}, f32(float32(math.RoundToEven(float64(x))))},
		{"f32.sqrt", []ValType{F32}, F32, (*Code).F32Sqrt, []uint64{f32(6.25)}, f32(2.5)},
		{"f32.eq", ff, I32, (*Code).F32Eq, []uint64{f32(x), f32(x)}, 1},
		{"f32.ne", ff, I32, (*Code).F32Ne, []uint64{f32(x), f32(x)}, 0},
		{"f32.lt", ff, I32, (*Code).F32Lt, []uint64{f32(x), f32(y)}, b2u(x < y)},
		{"f32.gt", ff, I32, (*Code).F32Gt, []uint64{f32(x), f32(y)}, b2u(x > y)},
		{"f32.le", ff, I32, (*Code).F32Le, []uint64{f32(y), f32(y)}, 1},
		{"f32.ge", ff, I32, (*Code).F32Ge, []uint64{f32(x), f32(y)}, b2u(x >= y)},

		// f64
		{"f64.add", dd, F64, (*Code).F64Add, []uint64{f64(p), f64(q)}, f64(p + q)},
		{"f64.sub", dd, F64, (*Code).F64Sub, []uint64{f64(p), f64(q)}, f64(p - q)},
		{"f64.mul", dd, F64, (*Code).F64Mul, []uint64{f64(p), f64(q)}, f64(p * q)},
		{"f64.div", dd, F64, (*Code).F64Div, []uint64{f64(p), f64(q)}, f64(p / q)},
		{"f64.min", dd, F64, (*Code).F64Min, []uint64{f64(math.Copysign(0, -1)), f64(0)}, f64(math.Copysign(0, -1))},
		{"f64.max", dd, F64, (*Code).F64Max, []uint64{f64(p), f64(q)}, f64(q)},
		{"f64.copysign", dd, F64, (*Code).F64Copysign, []uint64{f64(q), f64(p)}, f64(-q)},
		{"f64.abs", []ValType{F64}, F64, (*Code).F64Abs, []uint64{f64(p)}, f64(-p)},
		{"f64.neg", []ValType{F64}, F64, (*Code).F64Neg, []uint64{f64(q)}, f64(-q)},
		{"f64.ceil", []ValType{F64}, F64, (*Code).F64Ceil, []uint64{f64(p)}, f64(math.Ceil(p))},
		{"f64.floor", []ValType{F64}, F64, (*Code).F64Floor, []uint64{f64(p)}, f64(math.Floor(p))},
		{"f64.trunc", []ValType{F64}, F64, (*Code).F64Trunc, []uint64{f64(p)}, f64(math.Trunc(p))},
		{"f64.nearest", []ValType{F64}, F64, (*Code).F64Nearest, []uint64{f64(p)}, f64(math.RoundToEven(p))},
		{"f64.sqrt", []ValType{F64}, F64, (*Code).F64Sqrt, []uint64{f64(2)}, f64(math.Sqrt(2))},
		{"f64.eq", dd, I32, (*Code).F64Eq, []uint64{f64(p), f64(q)}, 0},
		{"f64.ne", dd, I32, (*Code).F64Ne, []uint64{f64(p), f64(q)}, 1},
		{"f64.lt", dd, I32, (*Code).F64Lt, []uint64{f64(p), f64(q)}, b2u(p < q)},
		{"f64.gt", dd, I32, (*Code).F64Gt, []uint64{f64(p), f64(q)}, b2u(p > q)},
		{"f64.le", dd, I32, (*Code).F64Le, []uint64{f64(q), f64(p)}, b2u(q <= p)},
		{"f64.ge", dd, I32, (*Code).F64Ge, []uint64{f64(q), f64(q)}, 1},

		// conversions
		{"i32.wrap_i64", []ValType{I64}, I32, (*Code).I32WrapI64, []uint64{0x1_2345_6789}, 0x2345_6789},
		{"i64.extend_i32_s", []ValType{I32}, I64, (*Code).I64ExtendI32S, []uint64{i32(-5)}, i64(-5)},
		{"i64.extend_i32_u", []ValType{I32}, I64, (*Code).I64ExtendI32U, []uint64{i32(-5)}, uint64(uint32(0xFFFFFFFB))},
		{"i32.trunc_f32_s", []ValType{F32}, I32, (*Code).I32TruncF32S, []uint64{f32(-3.9)}, i32(-3)},
		{"i32.trunc_f32_u", []ValType{F32}, I32, (*Code).I32TruncF32U, []uint64{f32(3e9)}, u32(3e9)},
		{"i32.trunc_f64_s", []ValType{F64}, I32, (*Code).I32TruncF64S, []uint64{f64(-3.9)}, i32(-3)},
		{"i32.trunc_f64_u", []ValType{F64}, I32, (*Code).I32TruncF64U, []uint64{f64(4e9)}, u32(4e9)},
		{"i64.trunc_f32_s", []ValType{F32}, I64, (*Code).I64TruncF32S, []uint64{f32(-1e12)}, i64(int64(float32(-1e12)))},
		{"i64.trunc_f32_u", []ValType{F32}, I64, (*Code).I64TruncF32U, []uint64{f32(1e19)}, uint64(float32(1e19))},
		{"i64.trunc_f64_s", []ValType{F64}, I64, (*Code).I64TruncF64S, []uint64{f64(-1e15 - 0.5)}, i64(-1e15)},
		{"i64.trunc_f64_u", []ValType{F64}, I64, (*Code).I64TruncF64U, []uint64{f64(1.5e19)}, uint64(1.5e19)},
		{"f32.convert_i32_s", []ValType{I32}, F32, (*Code).F32ConvertI32S, []uint64{i32(-3)}, f32(-3)},
		{"f32.convert_i32_u", []ValType{I32}, F32, (*Code).F32ConvertI32U, []uint64{i32(-3)}, f32(float32(uint32(0xFFFFFFFD)))},
		{"f32.convert_i64_s", []ValType{I64}, F32, (*Code).F32ConvertI64S, []uint64{i64(-3)}, f32(-3)},
		{"f32.convert_i64_u", []ValType{I64}, F32, (*Code).F32ConvertI64U, []uint64{i64(-3)}, f32(float32(uint64(math.MaxUint64 - 2)))},
		{"f32.demote_f64", []ValType{F64}, F32, (*Code).F32DemoteF64, []uint64{f64(0.1)}, f32(float32(0.1))},
		{"f64.convert_i32_s", []ValType{I32}, F64, (*Code).F64ConvertI32S, []uint64{i32(-3)}, f64(-3)},
		{"f64.convert_i32_u", []ValType{I32}, F64, (*Code).F64ConvertI32U, []uint64{i32(-3)}, f64(float64(uint32(0xFFFFFFFD)))},
		{"f64.convert_i64_s", []ValType{I64}, F64, (*Code).F64ConvertI64S, []uint64{i64(-3)}, f64(-3)},
		{"f64.convert_i64_u", []ValType{I64}, F64, (*Code).F64ConvertI64U, []uint64{i64(-3)}, f64(float64(uint64(math.MaxUint64 - 2)))},
		{"f64.promote_f32", []ValType{F32}, F64, (*Code).F64PromoteF32, []uint64{f32(0.1)}, f64(float64(float32(0.1)))},
		{"i32.reinterpret_f32", []ValType{F32}, I32, (*Code).I32ReinterpretF32, []uint64{f32(-1.5)}, f32(-1.5)},
		{"i64.reinterpret_f64", []ValType{F64}, I64, (*Code).I64ReinterpretF64, []uint64{f64(-1.5)}, f64(-1.5)},
		{"f32.reinterpret_i32", []ValType{I32}, F32, (*Code).F32ReinterpretI32, []uint64{u32(0x3FC00000)}, f32(1.5)},
		{"f64.reinterpret_i64", []ValType{I64}, F64, (*Code).F64ReinterpretI64, []uint64{0x3FF8_0000_0000_0000}, f64(1.5)},

		// saturating truncation: NaN -> 0, out of range -> the nearest bound
		{"i32.trunc_sat_f32_s nan", []ValType{F32}, I32, (*Code).I32TruncSatF32S, []uint64{f32(float32(math.NaN()))}, 0},
		{"i32.trunc_sat_f32_s low", []ValType{F32}, I32, (*Code).I32TruncSatF32S, []uint64{f32(-1e20)}, i32(math.MinInt32)},
		{"i32.trunc_sat_f32_u neg", []ValType{F32}, I32, (*Code).I32TruncSatF32U, []uint64{f32(-5)}, 0},
		{"i32.trunc_sat_f64_s high", []ValType{F64}, I32, (*Code).I32TruncSatF64S, []uint64{f64(1e20)}, i32(math.MaxInt32)},
		{"i32.trunc_sat_f64_u high", []ValType{F64}, I32, (*Code).I32TruncSatF64U, []uint64{f64(1e20)}, u32(math.MaxUint32)},
		{"i32.trunc_sat_f64_u in range", []ValType{F64}, I32, (*Code).I32TruncSatF64U, []uint64{f64(4e9 + 0.7)}, u32(4e9)},
		{"i64.trunc_sat_f32_s inf", []ValType{F32}, I64, (*Code).I64TruncSatF32S, []uint64{f32(float32(math.Inf(1)))}, i64(math.MaxInt64)},
		{"i64.trunc_sat_f32_u", []ValType{F32}, I64, (*Code).I64TruncSatF32U, []uint64{f32(1e20)}, math.MaxUint64},
		{"i64.trunc_sat_f64_s nan", []ValType{F64}, I64, (*Code).I64TruncSatF64S, []uint64{f64(math.NaN())}, 0},
		{"i64.trunc_sat_f64_s low", []ValType{F64}, I64, (*Code).I64TruncSatF64S, []uint64{f64(-1e30)}, i64(math.MinInt64)},
		{"i64.trunc_sat_f64_s in range", []ValType{F64}, I64, (*Code).I64TruncSatF64S, []uint64{f64(-3.7)}, i64(-3)},
		{"i64.trunc_sat_f64_u neg", []ValType{F64}, I64, (*Code).I64TruncSatF64U, []uint64{f64(-1)}, 0},
	}
}

// TestRunNumeric builds one module with a function per case and runs every
// case on both wazero engines, so a wrong opcode byte (say lt_s for lt_u)
// shows up as a wrong result even where validation would accept it.
func TestRunNumeric(t *testing.T) {
	cases := numCases()
	m := NewModule()
	for i, c := range cases {
		f := m.AddFunc(c.name, m.AddType(c.params, []ValType{c.result}))
		for j := range c.params {
			f.LocalGet(uint32(j))
		}
		c.op(&f.Code)
		m.Export(fmt.Sprintf("c%d", i), ExternFunc, f.Index())
	}
	runOnBoth(t, m, nil, func(t *testing.T, mod api.Module) {
		for i, c := range cases {
			got := call(t, mod, fmt.Sprintf("c%d", i), c.args...)[0] & mask(c.result)
			if want := c.want & mask(c.result); got != want {
				t.Errorf("%s%x = %#x, want %#x", c.name, c.args, got, want)
			}
		}
	})
}
