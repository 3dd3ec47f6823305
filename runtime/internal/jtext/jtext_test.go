package jtext

import (
	"math"
	"testing"
)

func sinkOf(n int) *Sink { s := &Sink{}; s.Reset(make([]byte, n)); return s }

var pointOne, pointTwo = 0.1, 0.2 // variables: constant arithmetic would be exact

func TestFormatDouble(t *testing.T) {
	// Expected strings are what Java's Double.toString prints (JDK 19+).
	cases := []struct {
		x    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{-1, "-1.0"},
		{0.1, "0.1"},
		{100, "100.0"},
		{3.14, "3.14"},
		{-2.5, "-2.5"},
		{pointOne + pointTwo, "0.30000000000000004"},
		{1e-3, "0.001"},
		{2e-3, "0.002"},
		{9.99e-4, "9.99E-4"},
		{1e-4, "1.0E-4"},
		{1e-5, "1.0E-5"},
		{123456.789, "123456.789"},
		{1234567, "1234567.0"},
		{9999999, "9999999.0"},
		{9999999.999, "9999999.999"},
		{1e7, "1.0E7"},
		{12345678, "1.2345678E7"},
		{1e10, "1.0E10"},
		{1e21, "1.0E21"},
		{1e23, "1.0E23"},
		{-1.5e300, "-1.5E300"},
		{math.MaxFloat64, "1.7976931348623157E308"},
		{math.SmallestNonzeroFloat64, "4.9E-324"},
		{2 * math.SmallestNonzeroFloat64, "9.9E-324"},
		{2.2250738585072014e-308, "2.2250738585072014E-308"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
		{float64(math.MaxInt64), "9.223372036854776E18"},
		{0.5, "0.5"},
		{10, "10.0"},
		{1.0e-323, "9.9E-324"},
	}
	for _, c := range cases {
		w := sinkOf(64)
		FormatDouble(w, c.x)
		if got := string(w.Bytes()); got != c.want {
			t.Errorf("FormatDouble(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestFormatDoubleFull(t *testing.T) {
	w := sinkOf(4)
	FormatDouble(w, 123.456)
	if !w.Full {
		t.Fatalf("4-byte sink did not report full")
	}
}

func TestSubstring(t *testing.T) {
	// ksqlDB's Substring UDF, including the cases of substring.json.
	cases := []struct {
		s      string
		pos    int32
		length int32
		toEnd  bool
		want   string
	}{
		{"some_string", 6, 0, true, "string"},
		{"another", 6, 0, true, "er"},
		{"short", 6, 0, true, ""},
		{"some_string", 6, 3, false, "str"},
		{"another", 6, 3, false, "er"},
		{"short", 6, 3, false, ""},
		{"some string", 0, 2, false, "so"},
		{"the final string", 0, 2, false, "th"},
		{"some string", 1, 2, false, "so"},
		{"some_string", -6, 0, true, "string"},
		{"some_string", -6, 3, false, "str"},
		{"abc", -10, 0, true, "abc"},
		{"abc", -10, 2, false, "ab"},
		{"abc", 2, -1, false, ""},
		{"abc", 2, 0, false, ""},
		{"abc", 4, 0, true, ""},
		{"abc", 2, math.MaxInt32, false, ""}, // Java's int overflow in start+length
		{"abc", 1, math.MaxInt32 - 1, false, "abc"},
		{"", 1, 0, true, ""},
		{"héllo", 2, 3, false, "éll"},
		{"a😀b", 2, 2, false, "😀"},
		{"a😀b", 3, 0, true, "?b"},
		{"a😀b", 2, 1, false, "?"},
		{"a😀b", 1, 2, false, "a?"},
	}
	for _, c := range cases {
		w := sinkOf(64)
		Substring(w, []byte(c.s), c.pos, c.length, c.toEnd)
		if got := string(w.Bytes()); got != c.want {
			t.Errorf("Substring(%q, %d, %d, toEnd=%v) = %q, want %q", c.s, c.pos, c.length, c.toEnd, got, c.want)
		}
	}
}

func TestCase(t *testing.T) {
	cases := []struct {
		s, upper, lower string
	}{
		{"Hello, World!", "HELLO, WORLD!", "hello, world!"},
		{"straße", "STRASSE", "straße"},
		{"ﬁx", "FIX", "ﬁx"},
		{"Ärger über Öl", "ÄRGER ÜBER ÖL", "ärger über öl"},
		{"ΟΔΟΣ", "ΟΔΟΣ", "οδος"},
		{"ΣΑ", "ΣΑ", "σα"},
		{"ΟΔΟΣ ΟΔΟΣ.", "ΟΔΟΣ ΟΔΟΣ.", "οδος οδος."},
		{"İstanbul", "İSTANBUL", "i̇stanbul"},
		{"ǅ", "Ǆ", "ǆ"},
		{"日本語", "日本語", "日本語"},
		{"a\xffb", "A\xffB", "a\xffb"},
		{"", "", ""},
	}
	for _, c := range cases {
		w := sinkOf(64)
		Upper(w, []byte(c.s))
		if got := string(w.Bytes()); got != c.upper {
			t.Errorf("Upper(%q) = %q, want %q", c.s, got, c.upper)
		}
		w.Reset(make([]byte, 64))
		Lower(w, []byte(c.s))
		if got := string(w.Bytes()); got != c.lower {
			t.Errorf("Lower(%q) = %q, want %q", c.s, got, c.lower)
		}
	}
	w := sinkOf(5)
	Upper(w, []byte("straße"))
	if !w.Full {
		t.Errorf("Upper into a 5-byte sink: not full")
	}
}

func TestTrimLen(t *testing.T) {
	cases := []struct {
		s, trim, ltrim, rtrim string
		len                   int
	}{
		{"  a b  ", "a b", "a b  ", "  a b", 7},
		{"\t\n\x00x\x1f", "x", "x\x1f", "\t\n\x00x", 5},
		{"\u00a0x\u00a0", "\u00a0x\u00a0", "\u00a0x\u00a0", "\u00a0x\u00a0", 3}, // Java's trim keeps NBSP
		{"", "", "", "", 0},
		{"   ", "", "", "", 3},
		{"😀", "😀", "😀", "😀", 2},
		{"é", "é", "é", "é", 1},
		{"\xff", "\xff", "\xff", "\xff", 1},
	}
	for _, c := range cases {
		if got := string(Trim([]byte(c.s))); got != c.trim {
			t.Errorf("Trim(%q) = %q, want %q", c.s, got, c.trim)
		}
		if got := string(LTrim([]byte(c.s))); got != c.ltrim {
			t.Errorf("LTrim(%q) = %q, want %q", c.s, got, c.ltrim)
		}
		if got := string(RTrim([]byte(c.s))); got != c.rtrim {
			t.Errorf("RTrim(%q) = %q, want %q", c.s, got, c.rtrim)
		}
		if got := Len([]byte(c.s)); got != c.len {
			t.Errorf("Len(%q) = %d, want %d", c.s, got, c.len)
		}
	}
}

func TestReplace(t *testing.T) {
	cases := []struct{ s, old, repl, want string }{
		{"hello world", "o", "0", "hell0 w0rld"},
		{"aaa", "aa", "b", "ba"},
		{"abc", "", "-", "-a-b-c-"},
		{"", "", "-", "-"},
		{"abc", "x", "y", "abc"},
		{"abcabc", "abc", "", ""},
		{"héé", "é", "e", "hee"},
	}
	for _, c := range cases {
		w := sinkOf(64)
		Replace(w, []byte(c.s), []byte(c.old), []byte(c.repl))
		if got := string(w.Bytes()); got != c.want {
			t.Errorf("Replace(%q, %q, %q) = %q, want %q", c.s, c.old, c.repl, got, c.want)
		}
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"a", "a", 0},
		{"a", "b", -1},
		{"b", "a", 1},
		{"a", "ab", -1},
		{"ab", "a", 1},
		{"A", "a", -1},
		{"é", "z", 1},
		// U+FF21 (one UTF-16 unit 0xFF21) sorts after U+1F600 (surrogates
		// 0xD83D...), unlike in UTF-8 byte order.
		{"\uff21", "😀", 1},
		{"x\uff21", "x😀", 1},
		{"😀", "😁", -1},
		{"é", "ê", -1},
	}
	for _, c := range cases {
		if got := Compare([]byte(c.a), []byte(c.b)); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestLike(t *testing.T) {
	cases := []struct {
		s, pat string
		esc    rune
		match  bool
		valid  bool
	}{
		{"hello", "hello", -1, true, true},
		{"hello", "h%", -1, true, true},
		{"hello", "%o", -1, true, true},
		{"hello", "%ell%", -1, true, true},
		{"hello", "h_llo", -1, true, true},
		{"hello", "h_lo", -1, false, true},
		{"hello", "%", -1, true, true},
		{"", "%", -1, true, true},
		{"", "_", -1, false, true},
		{"hello", "HELLO", -1, false, true},
		{"a%b", `a\%b`, '\\', true, true},
		{"axb", `a\%b`, '\\', false, true},
		{"a_b", `a\_b`, '\\', true, true},
		{`a\b`, `a\\b`, '\\', true, true},
		{"ab", `a\b`, '\\', true, true}, // escaping an ordinary character makes it literal
		{"ab", `ab\`, '\\', false, false},
		{"a%b", "a%%b", '%', true, true}, // the escape wins over %
		{"a\nb", "a%b", -1, false, true}, // no DOTALL in ksqlDB's regex
		{"a\nb", "a_b", -1, false, true},
		{"a\nb", "a\nb", -1, true, true},
		{"😀", "_", -1, true, true},
		{"x😀y", "x_y", -1, true, true},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%a%a%a%a%ac", -1, false, true},
		{"mississippi", "%iss%ppi", -1, true, true},
		{"a.b", "a.b", -1, true, true},
		{"axb", "a.b", -1, false, true},
		{"[x]", "[x]", -1, true, true},
	}
	var m Matcher
	for _, c := range cases {
		match, valid := m.Like([]byte(c.s), []byte(c.pat), c.esc)
		if match != c.match || valid != c.valid {
			t.Errorf("Like(%q, %q, %q) = %v, %v; want %v, %v", c.s, c.pat, c.esc, match, valid, c.match, c.valid)
		}
	}
	// Long patterns use more than one word of state.
	long := make([]byte, 200)
	for i := range long {
		long[i] = 'a'
	}
	pat := append([]byte("%"), long[:150]...)
	pat = append(pat, '%')
	if match, _ := m.Like(long, pat, -1); !match {
		t.Errorf("long pattern did not match")
	}
	pat[100] = 'b'
	if match, _ := m.Like(long, pat, -1); match {
		t.Errorf("long pattern with a b matched")
	}
}

func TestParseInt(t *testing.T) {
	cases := []struct {
		s    string
		bits int
		want int64
		ok   bool
	}{
		{"42", 32, 42, true},
		{" 42 ", 32, 42, true},
		{"+42", 32, 42, true},
		{"-42", 32, -42, true},
		{"2147483647", 32, math.MaxInt32, true},
		{"2147483648", 32, 0, false},
		{"-2147483648", 32, math.MinInt32, true},
		{"-2147483649", 32, 0, false},
		{"2147483648", 64, 2147483648, true},
		{"9223372036854775807", 64, math.MaxInt64, true},
		{"9223372036854775808", 64, 0, false},
		{"-9223372036854775808", 64, math.MinInt64, true},
		{"99999999999999999999", 64, 0, false},
		{"", 32, 0, false},
		{"-", 32, 0, false},
		{"+", 32, 0, false},
		{"1.0", 32, 0, false},
		{"1e3", 32, 0, false},
		{"0x10", 32, 0, false},
		{"1 2", 32, 0, false},
		{"٣", 32, 3, true},   // ARABIC-INDIC DIGIT THREE: Character.digit accepts it
		{"１２", 32, 12, true}, // fullwidth digits
		{"007", 32, 7, true},
	}
	for _, c := range cases {
		got, ok := ParseInt([]byte(c.s), c.bits)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseInt(%q, %d) = %d, %v; want %d, %v", c.s, c.bits, got, ok, c.want, c.ok)
		}
	}
}

func TestParseDouble(t *testing.T) {
	cases := []struct {
		s    string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true},
		{" 1.5 ", 1.5, true},
		{"-1.5", -1.5, true},
		{"+1.5", 1.5, true},
		{"1", 1, true},
		{"1.", 1, true},
		{".5", 0.5, true},
		{"1e3", 1000, true},
		{"1E-3", 0.001, true},
		{"1.5d", 1.5, true},
		{"1.5F", 1.5, true},
		{"0x1.8p1", 3, true},
		{"0x10p0", 16, true},
		{"1e400", math.Inf(1), true},
		{"-1e400", math.Inf(-1), true},
		{"1e-400", 0, true},
		{"Infinity", math.Inf(1), true},
		{"-Infinity", math.Inf(-1), true},
		{"", 0, false},
		{".", 0, false},
		{"e3", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"inf", 0, false},
		{"nan", 0, false},
		{"infinity", 0, false},
		{"0x10", 0, false},
		{"1_000", 0, false},
		{"1.5dd", 0, false},
		{"NaNd", 0, false},
		{"abc", 0, false},
		{"1,5", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseDouble([]byte(c.s))
		if got != c.want || ok != c.ok {
			t.Errorf("ParseDouble(%q) = %v, %v; want %v, %v", c.s, got, ok, c.want, c.ok)
		}
	}
	for _, s := range []string{"NaN", "-NaN", " NaN "} {
		if got, ok := ParseDouble([]byte(s)); !ok || !math.IsNaN(got) {
			t.Errorf("ParseDouble(%q) = %v, %v; want NaN", s, got, ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"true", true}, {"TRUE", true}, {"tRue", true}, {"trU", true}, {"tr", true}, {"t", true}, {"T", true},
		{"yes", true}, {"YeS", true}, {"yE", true}, {"y", true}, {" true ", true},
		{"", false}, {"false", false}, {"f", false}, {"no", false}, {"truex", false}, {"yess", false},
		{"what ever", false}, {"1", false},
	}
	for _, c := range cases {
		if got := ParseBool([]byte(c.s)); got != c.want {
			t.Errorf("ParseBool(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestFormatInt(t *testing.T) {
	cases := []struct {
		v    int64
		want string
	}{
		{0, "0"}, {-1, "-1"}, {42, "42"},
		{math.MaxInt64, "9223372036854775807"}, {math.MinInt64, "-9223372036854775808"},
	}
	for _, c := range cases {
		w := sinkOf(32)
		FormatInt(w, c.v)
		if got := string(w.Bytes()); got != c.want {
			t.Errorf("FormatInt(%d) = %q, want %q", c.v, got, c.want)
		}
	}
}
