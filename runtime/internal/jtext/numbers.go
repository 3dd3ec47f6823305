package jtext

import (
	"errors"
	"math"
	"strconv"
	"unicode"
	"unsafe"
)

// FormatDouble writes x as Java's Double.toString does (JDK 19 and later,
// which prints the shortest decimal that reads back as x): NaN, Infinity,
// -Infinity, 0.0 and -0.0 by name; for 1e-3 <= |x| < 1e7 plain notation
// with at least one digit after the point (100.0, 0.001); otherwise
// computerized scientific notation with one digit before the point and at
// least one after it (1.0E10, 1.0E-5, 4.9E-324).
func FormatDouble(w *Sink, x float64) {
	switch {
	case math.IsNaN(x):
		w.AddString("NaN")
		return
	case math.IsInf(x, 1):
		w.AddString("Infinity")
		return
	case math.IsInf(x, -1):
		w.AddString("-Infinity")
		return
	case x == 0:
		if math.Signbit(x) {
			w.AddString("-0.0")
		} else {
			w.AddString("0.0")
		}
		return
	}
	var buf [32]byte
	digits, exp := shortest(buf[:0], math.Abs(x))
	if x < 0 {
		w.AddByte('-')
	}
	// digits d1 d2 ... dn means 0.d1d2...dn * 10^exp, i.e. d1.d2...dn * 10^(exp-1).
	abs := math.Abs(x)
	if abs >= 1e-3 && abs < 1e7 {
		if exp <= 0 {
			w.AddString("0.")
			for i := 0; i < -exp; i++ {
				w.AddByte('0')
			}
			w.Add(digits)
			return
		}
		if exp >= len(digits) {
			w.Add(digits)
			for i := len(digits); i < exp; i++ {
				w.AddByte('0')
			}
			w.AddString(".0")
			return
		}
		w.Add(digits[:exp])
		w.AddByte('.')
		w.Add(digits[exp:])
		return
	}
	w.AddByte(digits[0])
	w.AddByte('.')
	if len(digits) > 1 {
		w.Add(digits[1:])
	} else {
		w.AddByte('0')
	}
	w.AddByte('E')
	var eb [8]byte
	w.Add(strconv.AppendInt(eb[:0], int64(exp-1), 10))
}

// shortest returns the decimal digits (without trailing zeros) and the
// exponent e of the decimal 0.digits * 10^e that Java's Double.toString
// chooses for x > 0: the shortest that rounds to x, except that when one
// digit suffices Java considers two-digit decimals too and takes the one
// closest to x (so Double.MIN_VALUE is 4.9E-324, not 5.0E-324).
func shortest(buf []byte, x float64) ([]byte, int) {
	b := strconv.AppendFloat(buf, x, 'e', -1, 64) // d[.ddd]e±XX
	digits, exp := splitE(b)
	if len(digits) == 1 {
		var tb [32]byte
		t := strconv.AppendFloat(tb[:0], x, 'e', 1, 64) // the closest two-digit decimal
		if y, err := strconv.ParseFloat(unsafe.String(&t[0], len(t)), 64); err == nil && y == x {
			d2, e2 := splitE(t)
			n := copy(b, d2)
			return b[:n], e2
		}
	}
	return digits, exp
}

// splitE turns strconv's "d.ddde±XX" in b into its digits without trailing
// zeros (reusing b) and the exponent of 0.digits form.
func splitE(b []byte) ([]byte, int) {
	e := 0
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == 'e' {
			v, _ := strconv.Atoi(unsafe.String(&b[i+1], len(b)-i-1))
			e = v
			b = b[:i]
			break
		}
	}
	n := 0
	for _, c := range b {
		if c != '.' {
			b[n] = c
			n++
		}
	}
	b = b[:n]
	for len(b) > 1 && b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return b, e + 1
}

// FormatInt writes the decimal text of v.
func FormatInt(w *Sink, v int64) {
	var buf [24]byte
	w.Add(strconv.AppendInt(buf[:0], v, 10))
}

// digitValue returns the value of a decimal digit as Java's
// Character.digit(c, 10) sees it: ASCII digits and the other Unicode decimal
// digits (category Nd, whose ranges run in blocks of ten from a zero).
func digitValue(r rune) int {
	if '0' <= r && r <= '9' {
		return int(r - '0')
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return -1
}

// ParseInt parses Trim(s) as Java's Integer.parseInt (bits 32) or
// Long.parseLong (bits 64): an optional sign and one or more decimal digits
// (any Unicode decimal digit, as Java accepts), within range.
func ParseInt(s []byte, bits int) (int64, bool) {
	s = Trim(s)
	if len(s) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	switch s[0] {
	case '-':
		neg = true
		i++
	case '+':
		i++
	}
	if i == len(s) {
		return 0, false
	}
	limit := uint64(1) << (bits - 1) // magnitude of the minimum value
	if !neg {
		limit--
	}
	var v uint64
	for i < len(s) {
		r, n := decodeRune(s[i:])
		i += n
		d := digitValue(r)
		if d < 0 {
			return 0, false
		}
		if v > (limit-uint64(d))/10 {
			return 0, false
		}
		v = v*10 + uint64(d)
	}
	if neg {
		return -int64(v), true // v == 1<<63 negates to itself: MinInt64
	}
	return int64(v), true
}

// ParseDouble parses Trim(s) as Java's Double.parseDouble: optional sign,
// then NaN, Infinity, a decimal (digits with an optional point and
// exponent) or a hexadecimal float with a binary exponent, then an optional
// f, F, d or D suffix. Values beyond the range become infinities or zero, as
// in Java.
func ParseDouble(s []byte) (float64, bool) {
	s = Trim(s)
	body := s
	if len(body) > 0 && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	neg := len(s) > 0 && s[0] == '-'
	switch string(body) {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if !javaFloatSyntax(body) {
		return 0, false
	}
	if c := s[len(s)-1]; c == 'f' || c == 'F' || c == 'd' || c == 'D' {
		s = s[:len(s)-1]
	}
	v, err := strconv.ParseFloat(unsafe.String(&s[0], len(s)), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return v, true // ±Inf or 0, as Java rounds
		}
		return 0, false
	}
	return v, true
}

// javaFloatSyntax checks an unsigned Java floating-point literal as
// Double.parseDouble accepts it (the part after an optional sign).
func javaFloatSyntax(b []byte) bool {
	i := 0
	digits := func(hex bool) int {
		n := 0
		for i < len(b) {
			c := b[i]
			if '0' <= c && c <= '9' || hex && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				i++
				n++
				continue
			}
			break
		}
		return n
	}
	hex := len(b) >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')
	if hex {
		i = 2
	}
	n := digits(hex)
	if i < len(b) && b[i] == '.' {
		i++
		n += digits(hex)
	}
	if n == 0 {
		return false
	}
	if hex {
		if i >= len(b) || (b[i] != 'p' && b[i] != 'P') {
			return false // Java requires the binary exponent
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E' || hex && (b[i] == 'p' || b[i] == 'P')) {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits(false) == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'f' || b[i] == 'F' || b[i] == 'd' || b[i] == 'D') {
		i++
	}
	return i == len(b)
}

// ParseBool parses Trim(s) as ksqlDB's CAST(x AS BOOLEAN)
// (SqlBooleans.parseBoolean): true when the text is a non-empty prefix of
// "true" or "yes", ignoring case (t, tr, y, YeS); false for anything else.
func ParseBool(s []byte) bool {
	s = Trim(s)
	return len(s) > 0 && (prefixFold(s, "true") || prefixFold(s, "yes"))
}

func prefixFold(s []byte, word string) bool {
	if len(s) > len(word) {
		return false
	}
	for i, c := range s {
		if c|0x20 != word[i] {
			return false
		}
	}
	return true
}
