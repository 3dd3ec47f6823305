package runtime

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"unsafe"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/runtime/internal/jtext"
	"github.com/wasmstream/wasmstream/sdk"
)

// decimalArgs reads and checks the precision and scale arguments of a
// DECIMAL intrinsic: a module that passes others breaks the ABI.
func decimalArgs(name string, p, s uint64) (int, int) {
	pi, si := int(api.DecodeI32(p)), int(api.DecodeI32(s))
	if _, ok := sdk.DecimalType(pi, si); !ok {
		panic(fmt.Errorf("%w: %s called with DECIMAL(%d, %d)", ErrProtocol, name, pi, si))
	}
	return pi, si
}

// decParse: (base, ptr, len, precision, scale) -> i64, the unscaled value
// of the text as DECIMAL(precision, scale); fallible.
func decParse(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	b := arg(mem, stack, 1)
	p, s := decimalArgs(sdk.IntrDecParse, stack[3], stack[4])
	// The view is read and dropped within the call: no copy needed.
	v, ok := sdk.ParseDecimal(unsafe.String(unsafe.SliceData(b), len(b)), p, s)
	if !ok {
		setIntrinsicError(mem, base)
		v = 0
	}
	stack[0] = uint64(v)
}

// decFromDouble: (base, v f64, precision, scale) -> i64; fallible.
func decFromDouble(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	p, s := decimalArgs(sdk.IntrDecFromDouble, stack[2], stack[3])
	v, ok := sdk.DecimalFromDouble(api.DecodeF64(stack[1]), p, s)
	if !ok {
		setIntrinsicError(mem, base)
		v = 0
	}
	stack[0] = uint64(v)
}

// decFormat: (base, v i64, scale) -> str, as BigDecimal.toPlainString.
func decFormat(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	base := api.DecodeU32(stack[0])
	s := int(api.DecodeI32(stack[2]))
	if s < 0 || s > sdk.MaxDecimalPrecision {
		panic(fmt.Errorf("%w: %s called with scale %d", ErrProtocol, sdk.IntrDecFormat, s))
	}
	var buf [24]byte
	free, ptr := heap(mem, base)
	var w jtext.Sink
	w.Reset(free)
	w.Add(sdk.AppendDecimal(buf[:0], int64(stack[1]), s))
	stack[0] = emit(mem, base, ptr, &w)
}

// mathExp: (v f64) -> f64, Java's Math.exp.
func mathExp(_ context.Context, _ api.Module, stack []uint64) {
	stack[0] = math.Float64bits(math.Exp(api.DecodeF64(stack[0])))
}

// mathLn: (v f64) -> f64, Java's Math.log.
func mathLn(_ context.Context, _ api.Module, stack []uint64) {
	stack[0] = math.Float64bits(correctLn(api.DecodeF64(stack[0])))
}

// correctLn is the natural logarithm rounded correctly, as Java's Math.log
// returns it (Go's math.Log is off by one ulp for some inputs, ln 3 among
// them). With x = m 2^k, m in [1, 2): ln x = k ln 2 + 2 atanh((m-1)/(m+1)),
// summed in 128-bit floats, then rounded once. It allocates: LN is rare.
func correctLn(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	case x == 1:
		return 0
	}
	frac, exp := math.Frexp(x) // x = frac 2^exp, frac in [0.5, 1)
	m, k := frac*2, exp-1
	const prec = 128
	r := atanhSeries(new(big.Float).SetPrec(prec).SetFloat64(m), prec)
	if k != 0 {
		ln2 := atanhSeries(new(big.Float).SetPrec(prec).SetInt64(2), prec)
		r.Add(r, ln2.Mul(ln2, new(big.Float).SetPrec(prec).SetInt64(int64(k))))
	}
	f, _ := r.Float64()
	return f
}

// atanhSeries returns ln m = 2 atanh(t), t = (m-1)/(m+1), for m in [1, 2]
// (t <= 1/3: each term adds more than 3 bits).
func atanhSeries(m *big.Float, prec uint) *big.Float {
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	t := new(big.Float).SetPrec(prec).Sub(m, one)
	t.Quo(t, new(big.Float).SetPrec(prec).Add(m, one))
	t2 := new(big.Float).SetPrec(prec).Mul(t, t)
	sum := new(big.Float).SetPrec(prec).Set(t)
	pow := new(big.Float).SetPrec(prec).Set(t)
	term := new(big.Float).SetPrec(prec)
	for n := int64(3); n < 200; n += 2 {
		pow.Mul(pow, t2)
		term.Quo(pow, new(big.Float).SetPrec(prec).SetInt64(n))
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -int(prec) {
			break
		}
		sum.Add(sum, term)
	}
	return sum.Mul(sum, new(big.Float).SetPrec(prec).SetInt64(2))
}

// bytesSubstring: (ptr, len, pos, hasLen, n) -> slice, ksqlDB's
// Substring.doSubstring on bytes: start = pos-1 (pos > 0) or len+pos
// (pos < 0), clamped to the value; end = start+n clamped, or the end.
func bytesSubstring(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	ptr := api.DecodeU32(stack[0])
	b := arg(mem, stack, 0)
	length := int64(len(b))
	pos := int64(api.DecodeI32(stack[2]))
	var start int64
	if pos < 0 {
		start = max(length+pos, 0)
	} else {
		start = max(min(pos-1, length), 0)
	}
	end := length
	if api.DecodeI32(stack[3]) != 0 {
		end = max(min(start+int64(api.DecodeI32(stack[4])), length), start)
	}
	stack[0] = strResult(ptr+uint32(start), uint32(end-start))
}

// bytesCompare: (ptr1, len1, ptr2, len2) -> i32, Java's
// ByteBuffer.compareTo: the first differing bytes compared as signed
// (Byte.compare), else the shorter first.
func bytesCompare(_ context.Context, mod api.Module, stack []uint64) {
	mem := guestMemory(mod)
	a, b := arg(mem, stack, 0), arg(mem, stack, 2)
	stack[0] = api.EncodeI32(compareSignedBytes(a, b))
}

func compareSignedBytes(a, b []byte) int32 {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return int32(int8(a[i])) - int32(int8(b[i]))
		}
	}
	return int32(len(a) - len(b))
}
