package config

import (
	"maps"
	"testing"
)

// FuzzParseProperties checks that the parser never panics and that whatever
// it accepts survives FormatProperties and a second parse unchanged.
func FuzzParseProperties(f *testing.F) {
	for _, s := range []string{
		"a=b", "a b\nc:d", "a=b\\\n  c", "# c\n! c\n", `a=\u0041\uD83D\uDE00`, "a=\\", "\\u12",
		"sasl.jaas.config=x required \\\n username=\"u\";", "a=1\r\nb=2\rc=3", "\xe9=\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseProperties(data)
		if err != nil {
			return
		}
		text := FormatProperties(m)
		again, err := ParseProperties([]byte(text))
		if err != nil {
			t.Fatalf("reparse of formatted output failed: %v\n%q", err, text)
		}
		if !maps.Equal(m, again) {
			t.Fatalf("round trip changed the map:\n%q\n%q", m, again)
		}
	})
}

// FuzzParseJAAS checks that the JAAS parser never panics, that what it
// accepts survives formatting and a second parse, and that errors never
// quote the input (a sasl.jaas.config holds passwords).
func FuzzParseJAAS(f *testing.F) {
	for _, s := range []string{
		`org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
		`org.apache.kafka.common.security.scram.ScramLoginModule required username='u' password="a\"b\\c\101";`,
		`com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=/k principal="p@R"; // x`,
		`/* c */ org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule optional unsecuredLoginStringClaim_sub="s";`,
		`x required;`, `"`, `a b c=`, `a b;;`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := ParseJAAS(s)
		if err != nil {
			return
		}
		text := j.format(func(_, v string) string { return quoteJAAS(v) })
		again, err := ParseJAAS(text)
		if err != nil {
			t.Fatalf("reparse of formatted entry failed: %v\n%q", err, text)
		}
		if again.LoginModule != j.LoginModule || again.Flag != j.Flag || !maps.Equal(jaasOptions(j), jaasOptions(again)) {
			t.Fatalf("round trip changed the entry: %q", text)
		}
	})
}
