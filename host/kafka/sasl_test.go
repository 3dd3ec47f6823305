package kafka

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/twmb/franz-go/pkg/sasl"
)

func TestMechanismNames(t *testing.T) {
	tests := []struct {
		flags map[string]string
		want  string
	}{
		{map[string]string{"sasl.mechanism": "PLAIN", "sasl.username": "u", "sasl.password": "p"}, "PLAIN"},
		{map[string]string{"sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "u", "sasl.password": "p"}, "SCRAM-SHA-256"},
		{map[string]string{"sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "u", "sasl.password": "p"}, "SCRAM-SHA-512"},
		{map[string]string{"sasl.mechanism": "OAUTHBEARER", "sasl.oauthbearer.token": "t"}, "OAUTHBEARER"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			tt.flags["security.protocol"] = "SASL_SSL"
			m, err := Mechanism(loadConfig(t, tt.flags))
			if err != nil {
				t.Fatal(err)
			}
			if m.Name() != tt.want {
				t.Errorf("mechanism %s, want %s", m.Name(), tt.want)
			}
		})
	}
	m, err := Mechanism(loadConfig(t, map[string]string{"security.protocol": "SSL"}))
	if m != nil || err != nil {
		t.Errorf("SSL gave mechanism %v, %v", m, err)
	}
}

// firstMessage starts an authentication and returns the client's first
// message.
func firstMessage(t *testing.T, m sasl.Mechanism) string {
	t.Helper()
	_, msg, err := m.Authenticate(context.Background(), "127.0.0.1:9092")
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return string(msg)
}

func TestPlainMessage(t *testing.T) {
	m, err := Mechanism(loadConfig(t, map[string]string{"security.protocol": "SASL_SSL",
		"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="pw";`}))
	if err != nil {
		t.Fatal(err)
	}
	if got := firstMessage(t, m); got != "\x00alice\x00pw" {
		t.Errorf("PLAIN message %q", got)
	}
}

func TestOAuthUnsecuredToken(t *testing.T) {
	m, err := Mechanism(loadConfig(t, map[string]string{"security.protocol": "SASL_SSL",
		"sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="svc-1" unsecuredLoginLifetimeSeconds="120" unsecuredLoginExtension_traceId="abc";`}))
	if err != nil {
		t.Fatal(err)
	}
	msg := firstMessage(t, m)
	// n,,\x01auth=Bearer <token>\x01traceId=abc\x01\x01
	i := strings.Index(msg, "auth=Bearer ")
	if i < 0 || !strings.Contains(msg, "\x01traceId=abc\x01") {
		t.Fatalf("OAUTHBEARER message %q", msg)
	}
	tok := msg[i+len("auth=Bearer "):]
	tok = tok[:strings.IndexByte(tok, '\x01')]
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[2] != "" {
		t.Fatalf("token %q is not an unsigned JWT", tok)
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if string(header) != `{"alg":"none"}` {
		t.Errorf("header %s", header)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["sub"] != "svc-1" {
		t.Errorf("claims %v", claims)
	}
	iat, _ := claims["iat"].(float64)
	exp, _ := claims["exp"].(float64)
	if d := exp - iat; d < 119.9 || d > 120.1 {
		t.Errorf("lifetime %v s, want 120", d)
	}
}

func TestOAuthTokenFileReread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("first-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Mechanism(loadConfig(t, map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER", "sasl.oauthbearer.token.file": path}))
	if err != nil {
		t.Fatal(err)
	}
	if msg := firstMessage(t, m); !strings.Contains(msg, "auth=Bearer first-token\x01") {
		t.Errorf("message %q", msg)
	}
	if err := os.WriteFile(path, []byte("rotated-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	if msg := firstMessage(t, m); !strings.Contains(msg, "auth=Bearer rotated-token\x01") {
		t.Errorf("after rotation, message %q", msg)
	}
	_, err = Mechanism(loadConfig(t, map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER", "sasl.oauthbearer.token.file": "/nonexistent/token"}))
	if err == nil || !strings.Contains(err.Error(), "sasl.oauthbearer.token.file") {
		t.Errorf("missing token file: %v", err)
	}
}

const testKrb5Conf = `[libdefaults]
  default_realm = EXAMPLE.COM
  dns_lookup_kdc = false
  default_tkt_enctypes = aes256-cts-hmac-sha1-96
  default_tgs_enctypes = aes256-cts-hmac-sha1-96
[realms]
  EXAMPLE.COM = {
    kdc = 127.0.0.1:1
  }
`

// writeKeytab writes a keytab with a key for principal@EXAMPLE.COM.
func writeKeytab(t *testing.T, principal string) string {
	t.Helper()
	kt := keytab.New()
	if err := kt.AddEntry(principal, "EXAMPLE.COM", "keytab-password", time.Now(), 1, etypeID.AES256_CTS_HMAC_SHA1_96); err != nil {
		t.Fatal(err)
	}
	data, err := kt.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "client.keytab", data)
}

// TestKerberosMechanism builds GSSAPI mechanisms from a keytab and a
// krb5.conf. There is no KDC here: it checks the configuration path, not an
// authentication.
func TestKerberosMechanism(t *testing.T) {
	keytabPath := writeKeytab(t, "wasmstream")
	krb5 := writeTemp(t, "krb5.conf", []byte(testKrb5Conf))
	noKDC := writeTemp(t, "nokdc.conf", []byte("[libdefaults]\n  default_realm = OTHER.ORG\n  dns_lookup_kdc = false\n[realms]\n  OTHER.ORG = {\n  }\n"))

	ok := []map[string]string{
		{"sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="` + keytabPath + `" principal="wasmstream@EXAMPLE.COM";`, "sasl.kerberos.krb5.conf": krb5},
		{"sasl.kerberos.keytab": keytabPath, "sasl.kerberos.principal": "wasmstream", "sasl.kerberos.krb5.conf": krb5}, // realm from default_realm
	}
	for i, flags := range ok {
		flags["security.protocol"] = "SASL_SSL"
		m, err := Mechanism(loadConfig(t, flags))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if m.Name() != "GSSAPI" {
			t.Errorf("case %d: mechanism %s", i, m.Name())
		}
		if c, ok := m.(sasl.ClosingMechanism); !ok {
			t.Errorf("case %d: the mechanism does not close its Kerberos client", i)
		} else {
			c.Close()
		}
	}

	bad := []struct {
		name  string
		flags map[string]string
		want  string
	}{
		{"missing krb5.conf", map[string]string{"sasl.kerberos.keytab": keytabPath, "sasl.kerberos.principal": "wasmstream@EXAMPLE.COM", "sasl.kerberos.krb5.conf": "/nonexistent/krb5.conf"}, "sasl.kerberos.krb5.conf"},
		{"missing keytab", map[string]string{"sasl.kerberos.keytab": "/nonexistent/k.keytab", "sasl.kerberos.principal": "wasmstream@EXAMPLE.COM", "sasl.kerberos.krb5.conf": krb5}, "/nonexistent/k.keytab"},
		{"principal not in keytab", map[string]string{"sasl.kerberos.keytab": keytabPath, "sasl.kerberos.principal": "someone-else@EXAMPLE.COM", "sasl.kerberos.krb5.conf": krb5}, "no key for the principal someone-else@EXAMPLE.COM"},
		{"realm without KDC", map[string]string{"sasl.kerberos.keytab": writeKeytabRealm(t, "wasmstream", "OTHER.ORG"), "sasl.kerberos.principal": "wasmstream@OTHER.ORG", "sasl.kerberos.krb5.conf": noKDC}, "KDC"},
		{"missing ticket cache", map[string]string{"sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useTicketCache=true ticketCache="/nonexistent/cc";`, "sasl.kerberos.krb5.conf": krb5}, "ticket cache /nonexistent/cc"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			tt.flags["security.protocol"] = "SASL_PLAINTEXT"
			_, err := Mechanism(loadConfig(t, tt.flags))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func writeKeytabRealm(t *testing.T, principal, realm string) string {
	t.Helper()
	kt := keytab.New()
	if err := kt.AddEntry(principal, realm, "pw", time.Now(), 1, etypeID.AES256_CTS_HMAC_SHA1_96); err != nil {
		t.Fatal(err)
	}
	data, _ := kt.Marshal()
	return writeTemp(t, "other.keytab", data)
}
