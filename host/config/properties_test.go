package config

import (
	"errors"
	"maps"
	"testing"
)

func TestParseProperties(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"equals", "a=b", map[string]string{"a": "b"}},
		{"blanks around equals", "a = b", map[string]string{"a": "b"}},
		{"colon", "a:b\nc : d", map[string]string{"a": "b", "c": "d"}},
		{"blank separator", "a b\nc    d\ne\tf", map[string]string{"a": "b", "c": "d", "e": "f"}},
		{"blank then equals", "a   =   b", map[string]string{"a": "b"}},
		{"second separator is value", "key = = value", map[string]string{"key": "= value"}},
		{"equals inside value", "a=b=c:d", map[string]string{"a": "b=c:d"}},
		{"key only", "a\nb=", map[string]string{"a": "", "b": ""}},
		{"empty key", "=v", map[string]string{"": "v"}},
		{"comments and blank lines", "# one\n   ! two\n\n   \na=1", map[string]string{"a": "1"}},
		{"hash inside value", "a=b#c", map[string]string{"a": "b#c"}},
		{"trailing blanks kept", "a=b  \t", map[string]string{"a": "b  \t"}},
		{"leading blanks of line skipped", "   \t a=1", map[string]string{"a": "1"}},
		{"continuation", "a=b\\\n    c\\\n\td", map[string]string{"a": "bcd"}},
		{"continuation in key", "ab\\\n  c=1", map[string]string{"abc": "1"}},
		{"escaped backslash is not continuation", "a=b\\\\\nc=d", map[string]string{"a": `b\`, "c": "d"}},
		{"three backslashes continue", "a=b\\\\\\\nc", map[string]string{"a": `b\c`}},
		{"comment never continues", "# x\\\na=1", map[string]string{"a": "1"}},
		{"continuation line starting with hash is value", "a=1\\\n#2", map[string]string{"a": "1#2"}},
		{"continuation onto blank line ends it", "a=x\\\n   \nb=y", map[string]string{"a": "x", "b": "y"}},
		{"trailing backslash at end of input", "a=b\\", map[string]string{"a": "b"}},
		{"escapes", `a=\t\n\r\f`, map[string]string{"a": "\t\n\r\f"}},
		{"unicode escapes", `a=\u0041\u00e9\u00E9`, map[string]string{"a": "Aéé"}},
		{"surrogate pair", `a=\uD83D\uDE00`, map[string]string{"a": "😀"}},
		{"lone surrogate", `a=\uD83Dx`, map[string]string{"a": "\uFFFDx"}},
		{"other escapes drop backslash", `a=\q\"\'\\`, map[string]string{"a": `q"'\`}},
		{"escaped separators in key", `a\=b=c` + "\n" + `d\:e:f` + "\n" + `g\ h=i`, map[string]string{"a=b": "c", "d:e": "f", "g h": "i"}},
		{"escaped hash key", `\#k=1`, map[string]string{"#k": "1"}},
		{"CRLF", "a=1\r\nb=2\r\n", map[string]string{"a": "1", "b": "2"}},
		{"CR", "a=1\rb=2", map[string]string{"a": "1", "b": "2"}},
		{"continuation across CRLF", "a=1\\\r\n  2", map[string]string{"a": "12"}},
		{"last value wins", "a=1\na=2", map[string]string{"a": "2"}},
		{"utf-8", "a=pässwörd", map[string]string{"a": "pässwörd"}},
		{"latin-1 fallback", "a=p\xe4ss", map[string]string{"a": "päss"}},
		{"form feed is blank", "\fa\fb", map[string]string{"a": "b"}},
		{"jaas config", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username=\"u\" \\\n    password=\"p\";",
			map[string]string{"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProperties([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseProperties: %v", err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsePropertiesErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
	}{
		{"short unicode escape", `a=\u12`, 1},
		{"bad hex", "x=1\n\n" + `a=\u12G4`, 3},
		{"bad escape in key", `\u=1`, 1},
		{"continued line reports its start", "a=1\nb=x\\\n  \\u00", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProperties([]byte(tt.in))
			var pe *PropertiesError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PropertiesError", err)
			}
			if pe.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, tt.line, err)
			}
		})
	}
}

func TestFormatPropertiesRoundTrip(t *testing.T) {
	in := map[string]string{
		"":                "empty key",
		"a b":             " leading blank",
		"k=:#!":           "v=:#!\\",
		"#comment-like":   "!also",
		"multi":           "line1\nline2\r\n\tx\f",
		"unicode":         "pässwörd 😀",
		"control":         "\x00\x01\x7f",
		"trailing":        "blank ",
		"ends-backslash":  `x\`,
		"ksql.service.id": "svc",
	}
	text := FormatProperties(in)
	got, err := ParseProperties([]byte(text))
	if err != nil {
		t.Fatalf("ParseProperties(FormatProperties(...)): %v\n%s", err, text)
	}
	if !maps.Equal(got, in) {
		t.Errorf("round trip:\ngot  %q\nwant %q\ntext:\n%s", got, in, text)
	}
}
