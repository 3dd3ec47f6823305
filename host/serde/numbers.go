package serde

import (
	"math"
	"strconv"
)

// appendJavaDouble appends f as Java's Double.toString writes it, which is
// what ksqlDB's JSON (Jackson) and DELIMITED serializers emit: the shortest
// digits that read back as f; plain notation with at least one fractional
// digit for 1e-3 <= |f| < 1e7 ("100.0", "0.05"); otherwise computerized
// scientific notation ("1.0E7", "4.9E-324"); "NaN", "Infinity", "-Infinity".
//
// DELIMITED outputs are compared as text by ksqlDB's tests, so the exact
// spelling matters there.
func appendJavaDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	// Shortest round-trip digits in the form [-]d[.ddd]e±XX; the buffer
	// stays on the stack.
	var tmp [32]byte
	b := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	if m := b[0] == '-'; (!m && b[1] == 'e') || (m && b[2] == 'e') {
		// One significant digit. Java always prints at least two ("d.d")
		// and then picks the two-digit decimal closest to f, which is not
		// always the one-digit one padded: Double.MIN_VALUE is 4.9E-324,
		// not 5.0E-324.
		b = strconv.AppendFloat(tmp[:0], f, 'e', 1, 64)
	}
	if b[0] == '-' {
		dst = append(dst, '-')
		b = b[1:]
	}
	e := 0
	for e < len(b) && b[e] != 'e' {
		e++
	}
	exp := 0
	neg := b[e+1] == '-'
	for _, c := range b[e+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	// digits: the mantissa without its point.
	var dbuf [24]byte
	digits := append(dbuf[:0], b[0])
	if e > 1 {
		digits = append(digits, b[2:e]...)
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		point := exp + 1 // digits before the decimal point
		switch {
		case point <= 0:
			dst = append(dst, '0', '.')
			for ; point < 0; point++ {
				dst = append(dst, '0')
			}
			return append(dst, digits...)
		case point >= len(digits):
			dst = append(dst, digits...)
			for i := len(digits); i < point; i++ {
				dst = append(dst, '0')
			}
			return append(dst, '.', '0')
		default:
			dst = append(dst, digits[:point]...)
			dst = append(dst, '.')
			return append(dst, digits[point:]...)
		}
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

// parseJavaDouble parses text as Java's Double.parseDouble does, which is how
// ksqlDB reads a DOUBLE from a DELIMITED field or a JSON string: surrounding
// characters up to and including space are ignored; an optional sign; NaN or
// Infinity; a decimal number with optional point and exponent ("1.", ".5",
// "1e3"), or a hexadecimal one ("0x1.8p1"); an optional f/F/d/D suffix.
func parseJavaDouble(b []byte) (float64, bool) {
	for len(b) > 0 && b[0] <= ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] <= ' ' {
		b = b[:len(b)-1]
	}
	i := 0
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	rest := b[i:]
	switch string(rest) {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	// A trailing type suffix is allowed after a number.
	if n := len(rest); n > 1 {
		switch rest[n-1] {
		case 'f', 'F', 'd', 'D':
			rest = rest[:n-1]
			b = b[:len(b)-1]
		}
	}
	if len(rest) > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X') {
		if !validHexFloat(rest[2:]) {
			return 0, false
		}
	} else if !validDecimalFloat(rest) {
		return 0, false
	}
	// string(b) of a short slice does not escape ParseFloat and stays on the
	// stack.
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // ±Inf or 0, as Java rounds
		}
		return 0, false
	}
	return f, true
}

// validDecimalFloat checks digits [. digits] [e [sign] digits] with at least
// one mantissa digit.
func validDecimalFloat(b []byte) bool {
	i, n := 0, 0
	for i < len(b) && isDigit(b[i]) {
		i++
		n++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && isDigit(b[i]) {
			i++
			n++
		}
	}
	if n == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		m := 0
		for i < len(b) && isDigit(b[i]) {
			i++
			m++
		}
		if m == 0 {
			return false
		}
	}
	return i == len(b)
}

// validHexFloat checks the part after 0x of a Java hexadecimal float: hex
// digits [. hex digits] p [sign] digits, the binary exponent being required.
func validHexFloat(b []byte) bool {
	i, n := 0, 0
	for i < len(b) && isHex(b[i]) {
		i++
		n++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && isHex(b[i]) {
			i++
			n++
		}
	}
	if n == 0 || i >= len(b) || (b[i] != 'p' && b[i] != 'P') {
		return false
	}
	i++
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	m := 0
	for i < len(b) && isDigit(b[i]) {
		i++
		m++
	}
	return m > 0 && i == len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseJavaInt parses text as Java's Integer.parseInt / Long.parseLong do
// (bits 32 or 64): an optional sign and decimal digits, nothing else, within
// range. ksqlDB reads INT and BIGINT from DELIMITED fields and JSON strings
// this way.
func parseJavaInt(b []byte, bits int) (int64, bool) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i++
	}
	if i == len(b) {
		return 0, false
	}
	limit := uint64(1) << (bits - 1) // magnitude of the minimum value
	var u uint64
	for ; i < len(b); i++ {
		c := b[i]
		if !isDigit(c) {
			return 0, false
		}
		if u > (limit+9)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
		if u > limit {
			return 0, false
		}
	}
	if neg {
		return -int64(u), true
	}
	if u == limit {
		return 0, false
	}
	return int64(u), true
}

// numberParts splits a JSON number literal (already validated) into its
// sign, its significant digits (int and fraction parts, without the point)
// and the number of those digits that lie before the decimal point once the
// exponent is applied. The exponent is clamped so that absurd exponents
// neither overflow nor loop for long.
func numberParts(raw []byte) (neg bool, intDigits, fracDigits []byte, exp int) {
	i := 0
	if raw[0] == '-' {
		neg = true
		i++
	}
	s := i
	for i < len(raw) && isDigit(raw[i]) {
		i++
	}
	intDigits = raw[s:i]
	if i < len(raw) && raw[i] == '.' {
		i++
		s = i
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
		fracDigits = raw[s:i]
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		i++
		eneg := false
		if raw[i] == '+' || raw[i] == '-' {
			eneg = raw[i] == '-'
			i++
		}
		for ; i < len(raw); i++ {
			if exp < 100000 {
				exp = exp*10 + int(raw[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	return neg, intDigits, fracDigits, exp
}

// jsonInteger converts a validated JSON number literal to an integer of the
// given width (32 or 64 bits) exactly, without a float64 round trip. A
// fraction is truncated toward zero, as ksqlDB (Jackson's intValue/asLong on
// the exact decimal) does: 1.9 -> 1, -1.9 -> -1, 1e2 -> 100. A value outside
// the type's range is refused (ok false), where ksqlDB would silently wrap it.
func jsonInteger(raw []byte, bits int) (v int64, ok bool) {
	neg, ip, fp, exp := numberParts(raw)
	// The integer part is the first len(ip)+exp digits of ip‖fp, padded with
	// zeros when the exponent reaches past them.
	point := len(ip) + exp
	limit := uint64(1) << (bits - 1)
	var u uint64
	for k := 0; k < point; k++ {
		var d byte
		switch {
		case k < len(ip):
			d = ip[k] - '0'
		case k-len(ip) < len(fp):
			d = fp[k-len(ip)] - '0'
		default:
			if u == 0 {
				// Only zeros remain: 0 times any power of ten is 0.
				k = point
				continue
			}
		}
		if u > (limit+9)/10 {
			return 0, false
		}
		u = u*10 + uint64(d)
		if u > limit {
			return 0, false
		}
	}
	if neg {
		return -int64(u), true
	}
	if u == limit {
		return 0, false
	}
	return int64(u), true
}

// isIntegerLiteral reports whether a validated JSON number has neither a
// fraction nor an exponent (Jackson reads those as integers, others as
// exact decimals).
func isIntegerLiteral(raw []byte) bool {
	for _, c := range raw {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// appendJavaNumberText appends the text Jackson gives a JSON number read by
// ksqlDB (asText), which is what a STRING column receives from a number:
// integers as written (with -0 as 0); decimals as Java's BigDecimal.toString
// prints the exact value with its scale ("1.50" stays "1.50", "1e2" becomes
// "1E+2", "0.0000001" becomes "1E-7").
func appendJavaNumberText(dst []byte, raw []byte) []byte {
	if isIntegerLiteral(raw) {
		if string(raw) == "-0" {
			return append(dst, '0')
		}
		return append(dst, raw...)
	}
	neg, ip, fp, exp := numberParts(raw)
	// BigDecimal: unscaled coefficient = ip‖fp without leading zeros,
	// scale = len(fp) - exp.
	var cbuf [64]byte
	coef := cbuf[:0]
	for _, d := range ip {
		if len(coef) > 0 || d != '0' {
			coef = append(coef, d)
		}
	}
	for _, d := range fp {
		if len(coef) > 0 || d != '0' {
			coef = append(coef, d)
		}
	}
	zero := len(coef) == 0
	if zero {
		coef = append(coef, '0')
	}
	scale := len(fp) - exp
	adjusted := -scale + len(coef) - 1
	if neg && !zero {
		dst = append(dst, '-')
	}
	if scale >= 0 && adjusted >= -6 {
		if scale == 0 {
			return append(dst, coef...)
		}
		if len(coef) > scale {
			dst = append(dst, coef[:len(coef)-scale]...)
			dst = append(dst, '.')
			return append(dst, coef[len(coef)-scale:]...)
		}
		dst = append(dst, '0', '.')
		for i := len(coef); i < scale; i++ {
			dst = append(dst, '0')
		}
		return append(dst, coef...)
	}
	dst = append(dst, coef[0])
	if len(coef) > 1 {
		dst = append(dst, '.')
		dst = append(dst, coef[1:]...)
	}
	dst = append(dst, 'E')
	if adjusted >= 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(adjusted), 10)
}
