package config

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// PropertiesError is a syntax error in a Java-style properties file. It names
// the line and never quotes the line's text, because that text may hold a
// password.
type PropertiesError struct {
	// Line is the 1-based natural line on which the logical line that failed
	// to parse starts.
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *PropertiesError) Error() string {
	return fmt.Sprintf("properties line %d: %s", e.Line, e.Msg)
}

// ParseProperties reads data the way java.util.Properties.load does, so a
// ksql.properties file that a JVM reads the same way reads the same here:
//
//   - a natural line ends at "\n", "\r" or "\r\n";
//   - blank lines and lines whose first non-blank character is '#' or '!' are
//     skipped (a comment never continues onto the next line);
//   - a line ending in an odd number of backslashes continues on the next
//     line, whose leading blanks are dropped;
//   - the key ends at the first unescaped '=', ':' or blank; blanks around the
//     separator are skipped, and "key value" (no '=' or ':') is allowed;
//   - blanks are space, tab and form feed; trailing blanks belong to the value;
//   - escapes \t \n \r \f and \uXXXX are decoded (UTF-16 surrogate pairs are
//     joined), and a backslash before any other character yields that
//     character;
//   - a key given twice keeps its last value.
//
// One deliberate difference from Properties.load(InputStream): the input is
// read as UTF-8 when it is valid UTF-8 (the JVM would read it as ISO-8859-1
// and turn a UTF-8 password into mojibake); only invalid UTF-8 falls back to
// ISO-8859-1.
func ParseProperties(data []byte) (map[string]string, error) {
	text := decodeText(data)
	out := make(map[string]string)
	lines := splitNaturalLines(text)
	for i := 0; i < len(lines); {
		start := i + 1
		line := trimLeftBlank(lines[i])
		i++
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		logical := line
		for endsInContinuation(logical) {
			logical = logical[:len(logical)-1]
			if i >= len(lines) {
				break
			}
			logical += trimLeftBlank(lines[i])
			i++
		}
		rawKey, rawValue := splitKeyValue(logical)
		key, err := unescapeProperty(rawKey)
		if err != nil {
			return nil, &PropertiesError{Line: start, Msg: "key: " + err.Error()}
		}
		value, err := unescapeProperty(rawValue)
		if err != nil {
			return nil, &PropertiesError{Line: start, Msg: fmt.Sprintf("value of %q: %v", key, err)}
		}
		out[key] = value
	}
	return out, nil
}

// decodeText returns data as a string: as is when it is valid UTF-8,
// otherwise decoded as ISO-8859-1 (every byte one rune), which is what a JVM
// reads.
func decodeText(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	var b strings.Builder
	b.Grow(len(data) * 2)
	for _, c := range data {
		b.WriteRune(rune(c))
	}
	return b.String()
}

// splitNaturalLines splits at "\r\n", "\n" or "\r".
func splitNaturalLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			lines = append(lines, s[start:i])
			start = i + 1
		case '\r':
			lines = append(lines, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

func trimLeftBlank(s string) string {
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return s[i:]
}

// endsInContinuation reports whether s ends in an odd number of backslashes.
func endsInContinuation(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitKeyValue splits a logical line (leading blanks removed) into its raw,
// still escaped, key and value, as Properties.load does.
func splitKeyValue(line string) (key, value string) {
	keyEnd, valueStart := len(line), len(line)
	hasSep := false
	backslash := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if !backslash && (c == '=' || c == ':') {
			keyEnd, valueStart, hasSep = i, i+1, true
			break
		}
		if !backslash && isBlank(c) {
			keyEnd, valueStart = i, i+1
			break
		}
		if c == '\\' {
			backslash = !backslash
		} else {
			backslash = false
		}
	}
	for valueStart < len(line) {
		c := line[valueStart]
		if !isBlank(c) {
			if !hasSep && (c == '=' || c == ':') {
				hasSep = true
			} else {
				break
			}
		}
		valueStart++
	}
	return line[:keyEnd], line[valueStart:]
}

// unescapeProperty decodes the escapes of a properties key or value.
func unescapeProperty(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	var pendingHigh rune = -1 // a high surrogate waiting for its low half
	flushHigh := func() {
		if pendingHigh >= 0 {
			b.WriteRune(utf8.RuneError)
			pendingHigh = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			flushHigh()
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			// A lone trailing backslash (only possible at the end of the
			// input): Properties.load drops it.
			break
		}
		c = s[i]
		switch c {
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf(`malformed \uXXXX escape: needs four hex digits`)
			}
			r, ok := parseHex4(s[i+1 : i+5])
			if !ok {
				return "", fmt.Errorf(`malformed \uXXXX escape: needs four hex digits`)
			}
			i += 4
			switch {
			case utf16.IsSurrogate(r) && r < 0xDC00:
				flushHigh()
				pendingHigh = r
			case utf16.IsSurrogate(r) && pendingHigh >= 0:
				b.WriteRune(utf16.DecodeRune(pendingHigh, r))
				pendingHigh = -1
			default:
				flushHigh()
				b.WriteRune(r)
			}
			continue
		case 't':
			c = '\t'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 'f':
			c = '\f'
		}
		flushHigh()
		b.WriteByte(c)
	}
	flushHigh()
	return b.String(), nil
}

func parseHex4(s string) (rune, bool) {
	if len(s) != 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// FormatProperties writes props as a properties file, sorted by key, that
// ParseProperties (and java.util.Properties.load) read back to the same map.
// It escapes what Properties.store escapes: separators and comment characters,
// leading blanks of values, control characters and invalid UTF-8.
func FormatProperties(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(EscapeProperty(k, true))
		b.WriteByte('=')
		b.WriteString(EscapeProperty(props[k], false))
		b.WriteByte('\n')
	}
	return b.String()
}

// EscapeProperty escapes s for a properties file, as a key when key is true
// (every blank escaped) or as a value (only leading blanks escaped).
func EscapeProperty(s string, key bool) string {
	var b strings.Builder
	leading := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Invalid UTF-8 cannot round-trip through text; escape the byte
			// as its Latin-1 code point, which is what a JVM would read.
			fmt.Fprintf(&b, `\u%04X`, s[i])
			i++
			leading = false
			continue
		}
		i += size
		switch r {
		case ' ':
			if key || leading {
				b.WriteString(`\ `)
			} else {
				b.WriteByte(' ')
			}
			continue
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '=', ':', '#', '!', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
		leading = false
	}
	return b.String()
}
