package config

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func jaasOptions(j JAAS) map[string]string {
	m := map[string]string{}
	for _, n := range j.OptionNames() {
		m[n], _ = j.Option(n)
	}
	return m
}

func TestParseJAAS(t *testing.T) {
	const plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
	tests := []struct {
		name   string
		in     string
		module string
		flag   string
		opts   map[string]string
	}{
		{"plain", plain + ` required username="alice" password="alice-secret";`,
			PlainLoginModule, "required", map[string]string{"username": "alice", "password": "alice-secret"}},
		{"separators inside quotes", plain + ` required username="a" password="a;b=c d";`,
			PlainLoginModule, "required", map[string]string{"username": "a", "password": "a;b=c d"}},
		{"escaped quote and backslash", plain + ` required username="a" password="x\"y\\z";`,
			PlainLoginModule, "required", map[string]string{"username": "a", "password": `x"y\z`}},
		{"escapes", plain + ` required username="a" password="\t\n\101\7x\q";`,
			PlainLoginModule, "required", map[string]string{"username": "a", "password": "\t\nA\ax" + "q"}},
		{"single quotes", plain + ` required username='alice' password='it"s';`,
			PlainLoginModule, "required", map[string]string{"username": "alice", "password": `it"s`}},
		{"no blanks around equals and semicolon", plain + ` required username="a"password="b";`,
			PlainLoginModule, "required", map[string]string{"username": "a", "password": "b"}},
		{"blanks around equals", plain + " required\n\tusername = \"a\"\n\tpassword =\"b\" ;",
			PlainLoginModule, "required", map[string]string{"username": "a", "password": "b"}},
		{"comments", "// leading\n" + plain + ` /* flag next */ required username="a" // user` + "\n" + `password="b"; /* end */`,
			PlainLoginModule, "required", map[string]string{"username": "a", "password": "b"}},
		{"flag case", plain + ` REQUIRED username="a" password="b";`,
			PlainLoginModule, "required", map[string]string{"username": "a", "password": "b"}},
		{"last duplicate wins", plain + ` required username="a" username="b" password="c";`,
			PlainLoginModule, "required", map[string]string{"username": "b", "password": "c"}},
		{"scram", `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p" tokenauth=false;`,
			ScramLoginModule, "required", map[string]string{"username": "u", "password": "p", "tokenauth": "false"}},
		{"oauth unsecured", `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";`,
			OAuthBearerLoginModule, "required", map[string]string{"unsecuredLoginStringClaim_sub": "alice"}},
		{"kerberos unquoted words", `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="/etc/security/keytabs/kafka_client.keytab" principal="kafka-client-1@EXAMPLE.COM";`,
			Krb5LoginModule, "required", map[string]string{"useKeyTab": "true", "storeKey": "true", "keyTab": "/etc/security/keytabs/kafka_client.keytab", "principal": "kafka-client-1@EXAMPLE.COM"}},
		{"unquoted path is not a comment", `com.sun.security.auth.module.Krb5LoginModule optional keyTab=file:///k.keytab principal=p@R;`,
			Krb5LoginModule, "optional", map[string]string{"keyTab": "file:///k.keytab", "principal": "p@R"}},
		{"shaded class", `kafkashaded.org.apache.kafka.common.security.plain.PlainLoginModule sufficient username="u" password="p";`,
			PlainLoginModule, "sufficient", map[string]string{"username": "u", "password": "p"}},
		{"no options", `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule requisite;`,
			OAuthBearerLoginModule, "requisite", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := ParseJAAS(tt.in)
			if err != nil {
				t.Fatalf("ParseJAAS: %v", err)
			}
			if j.Module() != tt.module || j.Flag != tt.flag {
				t.Errorf("module %q flag %q, want %q %q", j.Module(), j.Flag, tt.module, tt.flag)
			}
			if got := jaasOptions(j); !maps.Equal(got, tt.opts) {
				t.Errorf("options %q, want %q", got, tt.opts)
			}
		})
	}
}

func TestParseJAASErrors(t *testing.T) {
	const plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
	const secret = "hunter2-SECRET"
	tests := []struct {
		name string
		in   string
		want string // substring of the message
	}{
		{"empty", "   ", "empty"},
		{"no flag", plain, "control flag"},
		{"bad flag", plain + " mandatory;", "invalid control flag"},
		{"no semicolon", plain + ` required username="u" password="` + secret + `"`, "not terminated by ';'"},
		{"unterminated quote", plain + ` required username="u" password="` + secret + `;`, "not closed"},
		{"quote across lines", plain + ` required username="u` + "\n" + `" password="` + secret + `";`, "not closed before the end of the line"},
		{"missing equals", plain + ` required username="u" password "` + secret + `";`, "expected '='"},
		{"stray word", plain + ` required username="u" ` + secret + `;`, "expected '='"},
		{"missing value", plain + ` required username="u" password=;`, "value not specified for option password"},
		{"two modules", plain + ` required username="u" password="` + secret + `"; ` + plain + ` required;`, "more than one login module"},
		{"unsupported module named", `io.confluent.kafka.clients.plugins.auth.token.TokenUserLoginModule required username="u" password="` + secret + `";`, "unsupported login module io.confluent.kafka.clients.plugins.auth.token.TokenUserLoginModule"},
		{"garbage module not echoed", secret + ` required;`, "unsupported login module:"},
		{"bare password", secret, "control flag"},
		{"unclosed comment", plain + ` required /* username="u" password="` + secret + `";`, "comment /* is not closed"},
		{"starts with quote", `"` + secret + `" required;`, "expected a login module class name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJAAS(tt.in)
			var je *JAASError
			if !errors.As(err, &je) {
				t.Fatalf("got %v, want a *JAASError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestJAASStringHidesSecrets(t *testing.T) {
	j, err := ParseJAAS(`org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="p4ss";`)
	if err != nil {
		t.Fatal(err)
	}
	s := j.String()
	if strings.Contains(s, "p4ss") {
		t.Errorf("String() shows the password: %s", s)
	}
	if !strings.Contains(s, `username="alice"`) || !strings.Contains(s, "password="+Hidden) {
		t.Errorf("String() = %s, want username shown and password hidden", s)
	}
}

func TestJAASFormatRoundTrip(t *testing.T) {
	in := `org.apache.kafka.common.security.plain.PlainLoginModule required username="a b" password="q\"\\;=\t\001é";`
	j, err := ParseJAAS(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseJAAS(j.format(func(_, v string) string { return quoteJAAS(v) }))
	if err != nil {
		t.Fatalf("reparse: %v", err)
	}
	if !maps.Equal(jaasOptions(j), jaasOptions(again)) || j.LoginModule != again.LoginModule || j.Flag != again.Flag {
		t.Errorf("round trip changed the entry")
	}
}
