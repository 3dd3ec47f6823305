package sdk

import (
	"math"
	"strconv"
	"strings"
)

// DECIMAL(p, s) is a fixed-point number: an unscaled integer u and a scale s
// (value = u x 10^-s) with at most p digits in u. The ABI keeps it fixed
// width: u is an i64 in a slot and in Value.I, and precision and scale are
// part of the Type itself, so that every layer that passes a Type around
// (columns, expressions, manifests) carries them without a descriptor.
//
// A DECIMAL type is TypeDecimalBase plus the index of (p, s) among the pairs
// 1 <= p <= MaxDecimalPrecision, 0 <= s <= p, ordered by p then s. An i64
// holds 18 decimal digits, hence the maximum precision; wider decimals are
// not supported yet.
const (
	TypeDecimalBase Type = 64
	// MaxDecimalPrecision is the widest DECIMAL this ABI has.
	MaxDecimalPrecision = 18
	// TypeBytes is ksqlDB's BYTES: variable length like STRING (a slot holds
	// address and length; Value.S holds the bytes), not text.
	TypeBytes Type = 6
)

// decimalStart returns the index of DECIMAL(p, 0).
func decimalStart(p int) int { return (p - 1) * (p + 2) / 2 }

// decimalTypes is one past the last DECIMAL type.
var decimalEnd = TypeDecimalBase + Type(decimalStart(MaxDecimalPrecision+1))

// DecimalType returns the type DECIMAL(precision, scale), or false when
// this ABI has no such type (precision outside 1..18, scale outside
// 0..precision).
func DecimalType(precision, scale int) (Type, bool) {
	if precision < 1 || precision > MaxDecimalPrecision || scale < 0 || scale > precision {
		return TypeUnknown, false
	}
	return TypeDecimalBase + Type(decimalStart(precision)+scale), true
}

// IsDecimal reports whether t is a DECIMAL(p, s).
func (t Type) IsDecimal() bool { return t >= TypeDecimalBase && t < decimalEnd }

// Precision returns p of DECIMAL(p, s) (0 for other types).
func (t Type) Precision() int {
	if !t.IsDecimal() {
		return 0
	}
	i := int(t - TypeDecimalBase)
	p := 1
	for decimalStart(p+1) <= i {
		p++
	}
	return p
}

// Scale returns s of DECIMAL(p, s) (0 for other types).
func (t Type) Scale() int {
	if !t.IsDecimal() {
		return 0
	}
	return int(t-TypeDecimalBase) - decimalStart(t.Precision())
}

// decimalString renders DECIMAL(p, s) as ksqlDB prints it.
func (t Type) decimalString() string {
	return "DECIMAL(" + strconv.Itoa(t.Precision()) + ", " + strconv.Itoa(t.Scale()) + ")"
}

// Pow10 returns 10^n for 0 <= n <= 18.
func Pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// Decimal returns a DECIMAL value of type t with the given unscaled value.
func Decimal(t Type, unscaled int64) Value { return Value{Type: t, I: unscaled} }

// FormatDecimal renders an unscaled value with scale digits after the point,
// as Java's BigDecimal.toPlainString does: 1.20, -0.05, 12.
func FormatDecimal(unscaled int64, scale int) string {
	var buf [24]byte
	return string(AppendDecimal(buf[:0], unscaled, scale))
}

// AppendDecimal appends FormatDecimal(unscaled, scale) to b.
func AppendDecimal(b []byte, unscaled int64, scale int) []byte {
	neg := unscaled < 0
	var digits [20]byte
	u := uint64(unscaled)
	if neg {
		u = -u
	}
	n := len(digits)
	for u > 0 || n == len(digits) {
		n--
		digits[n] = byte('0' + u%10)
		u /= 10
	}
	d := digits[n:]
	if neg {
		b = append(b, '-')
	}
	if scale <= 0 {
		return append(b, d...)
	}
	if len(d) <= scale {
		b = append(b, '0', '.')
		for i := len(d); i < scale; i++ {
			b = append(b, '0')
		}
		return append(b, d...)
	}
	b = append(b, d[:len(d)-scale]...)
	b = append(b, '.')
	return append(b, d[len(d)-scale:]...)
}

// ParseDecimal reads a decimal number (optional sign, digits with an
// optional point, an optional exponent, as Java's new BigDecimal(text)) and
// returns it as an unscaled value of DECIMAL(precision, scale), rounded
// HALF_UP to the scale as ksqlDB does. It fails on text that is not a
// number and on a value with more integer digits than precision - scale.
func ParseDecimal(s string, precision, scale int) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 1000 || e < -1000 {
			return 0, false
		}
		s, exp = s[:i], e
	}
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	if intPart == "" && frac == "" {
		return 0, false
	}
	all := intPart + frac
	for i := 0; i < len(all); i++ {
		if all[i] < '0' || all[i] > '9' {
			return 0, false
		}
	}
	// The value is all x 10^-(len(frac) - exp); bring it to the scale.
	all = strings.TrimLeft(all, "0")
	if all == "" {
		return 0, true
	}
	shift := scale - (len(frac) - exp) // digits to append (> 0) or drop (< 0)
	var roundUp bool
	if shift < 0 {
		drop := -shift
		if drop > len(all) {
			all = ""
		} else {
			roundUp = all[len(all)-drop] >= '5'
			all = all[:len(all)-drop]
		}
	} else {
		if len(all)+shift > MaxDecimalPrecision+1 && all != "" {
			return 0, false
		}
		all += strings.Repeat("0", shift)
	}
	if len(all) > precision {
		return 0, false
	}
	var u int64
	for i := 0; i < len(all); i++ {
		u = u*10 + int64(all[i]-'0')
	}
	if roundUp {
		u++
		if u >= Pow10(precision) {
			return 0, false
		}
	}
	if neg {
		u = -u
	}
	return u, true
}

// DecimalFromDouble converts a DOUBLE as ksqlDB's CAST does
// (BigDecimal.valueOf(d), the shortest decimal that reads back as d, rounded
// HALF_UP to the scale). NaN, the infinities and values too wide for the
// precision fail.
func DecimalFromDouble(f float64, precision, scale int) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return ParseDecimal(strconv.FormatFloat(f, 'g', -1, 64), precision, scale)
}

// DecimalToDouble returns the DOUBLE nearest to unscaled x 10^-scale.
func DecimalToDouble(unscaled int64, scale int) float64 {
	f, _ := strconv.ParseFloat(FormatDecimal(unscaled, scale), 64)
	return f
}
