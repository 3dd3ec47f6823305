package qtt

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// decimal is Java's BigDecimal: an unscaled integer and a scale, value =
// unscaled x 10^-scale. Two decimals are equal (BigDecimal.equals) only when
// both parts are: 1.50 is not 1.5. ksqlDB's comparator depends on that.
type decimal struct {
	unscaled *big.Int
	scale    int32
}

// parseDecimal parses a decimal number as new BigDecimal(text) does:
// optional sign, digits with an optional point, optional exponent. The scale
// is the number of digits after the point minus the exponent.
func parseDecimal(s string) (decimal, bool) {
	if s == "" {
		return decimal{}, false
	}
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(strings.TrimPrefix(s[i+1:], "+"), 10, 32)
		if err != nil {
			return decimal{}, false
		}
		mant, exp = s[:i], e
	}
	neg := false
	switch {
	case strings.HasPrefix(mant, "-"):
		neg, mant = true, mant[1:]
	case strings.HasPrefix(mant, "+"):
		mant = mant[1:]
	}
	digits, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		digits, frac = mant[:i], mant[i+1:]
	}
	all := digits + frac
	if all == "" {
		return decimal{}, false
	}
	for i := 0; i < len(all); i++ {
		if all[i] < '0' || all[i] > '9' {
			return decimal{}, false
		}
	}
	u, ok := new(big.Int).SetString(all, 10)
	if !ok {
		return decimal{}, false
	}
	if neg {
		u.Neg(u)
	}
	scale := int64(len(frac)) - exp
	if scale > math.MaxInt32 || scale < math.MinInt32 {
		return decimal{}, false
	}
	return decimal{unscaled: u, scale: int32(scale)}, true
}

// equal is BigDecimal.equals: same value and same scale.
func (d decimal) equal(o decimal) bool {
	return d.scale == o.scale && d.unscaled.Cmp(o.unscaled) == 0
}

// truncated returns the integer part (BigDecimal.toBigInteger: towards zero).
func (d decimal) truncated() *big.Int {
	if d.scale <= 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.scale)), nil)
		return p.Mul(p, d.unscaled)
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.scale)), nil)
	return new(big.Int).Quo(d.unscaled, p)
}

// longValue is BigDecimal.longValue: the integer part's low 64 bits.
func (d decimal) longValue() int64 { return low64(d.truncated()) }

// exactLong is BigDecimal.longValueExact: ok is false when the value has a
// fractional part or does not fit.
func (d decimal) exactLong() (int64, bool) {
	t := d.truncated()
	if !t.IsInt64() {
		return 0, false
	}
	if d.scale > 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.scale)), nil)
		if new(big.Int).Rem(d.unscaled, p).Sign() != 0 {
			return 0, false
		}
	}
	return t.Int64(), true
}

// float64 is BigDecimal.doubleValue (correctly rounded).
func (d decimal) float64() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// String renders the decimal in plain or E notation like BigDecimal.toString.
func (d decimal) String() string {
	s := d.unscaled.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out string
	adjusted := int64(len(s)) - 1 - int64(d.scale)
	switch {
	case d.scale == 0:
		out = s
	case d.scale > 0 && adjusted >= -6:
		if int(d.scale) >= len(s) {
			out = "0." + strings.Repeat("0", int(d.scale)-len(s)) + s
		} else {
			out = s[:len(s)-int(d.scale)] + "." + s[len(s)-int(d.scale):]
		}
	default:
		out = s[:1]
		if len(s) > 1 {
			out += "." + s[1:]
		}
		out += "E"
		if adjusted >= 0 {
			out += "+"
		}
		out += strconv.FormatInt(adjusted, 10)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// low64 returns the low 64 bits of x in two's complement, as Java's
// BigInteger.longValue does.
func low64(x *big.Int) int64 {
	m := new(big.Int).And(x, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

// javaDoubleString renders a double as Java's Double.toString (shortest
// digits that round-trip): plain notation with at least one fraction digit
// for 1e-3 <= |v| < 1e7, computerized scientific notation otherwise.
func javaDoubleString(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(v, 'e', -1, 64) // d.ddddde±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	i := strings.IndexByte(e, 'e')
	mant, exp := e[:i], e[i+1:]
	x, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	abs := math.Abs(v)
	if abs >= 1e-3 && abs < 1e7 {
		if x >= 0 {
			if len(digits) <= x+1 {
				out = digits + strings.Repeat("0", x+1-len(digits)) + ".0"
			} else {
				out = digits[:x+1] + "." + digits[x+1:]
			}
		} else {
			out = "0." + strings.Repeat("0", -x-1) + digits
		}
	} else {
		out = digits[:1] + "."
		if len(digits) > 1 {
			out += digits[1:]
		} else {
			out += "0"
		}
		out += "E" + strconv.Itoa(x)
	}
	if neg {
		out = "-" + out
	}
	return out
}
