package kafka

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// tlsServer listens with srv; when clientCAs is set it requires a client
// certificate signed by them. Each connection gets one line: the client
// certificate's CN, or "-".
func tlsServer(t *testing.T, srv tls.Certificate, clientCAs *x509.CertPool) string {
	t.Helper()
	tc := &tls.Config{Certificates: []tls.Certificate{srv}}
	if clientCAs != nil {
		tc.ClientAuth = tls.RequireAndVerifyClientCert
		tc.ClientCAs = clientCAs
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", tc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				tc := c.(*tls.Conn)
				if err := tc.Handshake(); err != nil {
					return
				}
				cn := "-"
				if pc := tc.ConnectionState().PeerCertificates; len(pc) > 0 {
					cn = pc[0].Subject.CommonName
				}
				c.Write([]byte(cn + "\n"))
			}(c)
		}
	}()
	return ln.Addr().String()
}

// handshake connects to addr with tc and returns the line the server sent.
func handshake(tc *tls.Config, addr string) (string, error) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, tc)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

func jksTrustStore(t *testing.T, ca *testCA, password string) []byte {
	t.Helper()
	ks := keystore.New()
	err := ks.SetTrustedCertificateEntry("ca", keystore.TrustedCertificateEntry{
		CreationTime: time.Now(),
		Certificate:  keystore.Certificate{Type: "X509", Content: ca.cert.Raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ks.Store(&b, []byte(password)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jksKeyStore(t *testing.T, l leaf, ca *testCA, storePW, keyPW string) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(l.key)
	if err != nil {
		t.Fatal(err)
	}
	ks := keystore.New()
	err = ks.SetPrivateKeyEntry("client", keystore.PrivateKeyEntry{
		CreationTime: time.Now(),
		PrivateKey:   der,
		CertificateChain: []keystore.Certificate{
			{Type: "X509", Content: l.cert.Raw},
			{Type: "X509", Content: ca.cert.Raw},
		},
	}, []byte(keyPW))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ks.Store(&b, []byte(storePW)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTLSConfigStores(t *testing.T) {
	ca := newCA(t, "test-ca")
	srv := ca.issue(t, "broker", []string{"localhost", "127.0.0.1"}, false, false, time.Now().Add(time.Hour))
	client := ca.issue(t, "wasmstream-client", nil, true, true, time.Now().Add(time.Hour))
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	mtlsAddr := tlsServer(t, srv.tls(), pool)

	p12Key, err := pkcs12.Modern.Encode(client.key, client.cert, []*x509.Certificate{ca.cert}, "p12-store-pw")
	if err != nil {
		t.Fatal(err)
	}
	p12Trust, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ca.cert}, "p12-trust-pw")
	if err != nil {
		t.Fatal(err)
	}
	// An openssl-style PKCS12 (no Java trust attribute) used as a trust store.
	p12Plain, err := pkcs12.Modern.Encode(client.key, ca.cert, nil, "p12-plain-pw")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		flags map[string]string
	}{
		{"PEM files, librdkafka keys", map[string]string{
			"ssl.ca.location":          writeTemp(t, "ca.pem", ca.pem),
			"ssl.certificate.location": writeTemp(t, "client.pem", client.certPEM),
			"ssl.key.location":         writeTemp(t, "client.key", client.keyPEM),
		}},
		{"PEM truststore type detected, PEM keystore file", map[string]string{
			"ssl.truststore.location": writeTemp(t, "ca.crt", ca.pem),
			"ssl.keystore.location":   writeTemp(t, "client-all.pem", append(append([]byte{}, client.certPEM...), client.keyPEM...)),
			"ssl.keystore.type":       "PEM",
		}},
		{"inline PEM", map[string]string{
			"ssl.truststore.certificates":    string(ca.pem),
			"ssl.keystore.certificate.chain": string(client.certPEM),
			"ssl.keystore.key":               string(client.keyPEM),
		}},
		{"JKS trust and key stores with a key password", map[string]string{
			"ssl.truststore.location": writeTemp(t, "truststore.jks", jksTrustStore(t, ca, "trust-pw")),
			"ssl.truststore.password": "trust-pw",
			"ssl.keystore.location":   writeTemp(t, "keystore.jks", jksKeyStore(t, client, ca, "store-pw", "key-pw-2")),
			"ssl.keystore.password":   "store-pw",
			"ssl.key.password":        "key-pw-2",
			"ssl.keystore.type":       "JKS",
		}},
		{"JKS key password defaults to the store password", map[string]string{
			"ssl.truststore.location": writeTemp(t, "truststore.jks", jksTrustStore(t, ca, "trust-pw")),
			"ssl.truststore.password": "trust-pw",
			"ssl.keystore.location":   writeTemp(t, "keystore.jks", jksKeyStore(t, client, ca, "same-pw", "same-pw")),
			"ssl.keystore.password":   "same-pw",
		}},
		{"PKCS12 trust and key stores", map[string]string{
			"ssl.truststore.location": writeTemp(t, "truststore.p12", p12Trust),
			"ssl.truststore.type":     "PKCS12",
			"ssl.truststore.password": "p12-trust-pw",
			"ssl.keystore.location":   writeTemp(t, "keystore.p12", p12Key),
			"ssl.keystore.type":       "PKCS12",
			"ssl.keystore.password":   "p12-store-pw",
		}},
		{"PKCS12 types detected, openssl-style trust store", map[string]string{
			"ssl.truststore.location": writeTemp(t, "trust.pfx", p12Plain),
			"ssl.truststore.password": "p12-plain-pw",
			"ssl.keystore.location":   writeTemp(t, "key.pfx", p12Key),
			"ssl.keystore.password":   "p12-store-pw",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.flags["security.protocol"] = "SSL"
			tc, err := TLSConfig(loadConfig(t, tt.flags))
			if err != nil {
				t.Fatalf("TLSConfig: %v", err)
			}
			cn, err := handshake(tc, mtlsAddr)
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			if cn != "wasmstream-client" {
				t.Errorf("the server saw client certificate %q", cn)
			}
		})
	}
}

func TestTLSConfigErrors(t *testing.T) {
	ca := newCA(t, "test-ca")
	client := ca.issue(t, "c", nil, true, true, time.Now().Add(time.Hour))
	jksTrust := writeTemp(t, "t.jks", jksTrustStore(t, ca, "right-pw"))
	jksKey := writeTemp(t, "k.jks", jksKeyStore(t, client, ca, "store-pw", "key-pw"))
	p12, _ := pkcs12.Modern.Encode(client.key, client.cert, nil, "right-pw")
	p12Path := writeTemp(t, "k.p12", p12)
	tests := []struct {
		name  string
		flags map[string]string
		want  []string
	}{
		{"missing truststore", map[string]string{"ssl.truststore.location": "/nonexistent/t.jks"}, []string{"ssl.truststore.location", "/nonexistent/t.jks"}},
		{"JKS wrong password", map[string]string{"ssl.truststore.location": jksTrust, "ssl.truststore.password": "WRONG-SECRET"}, []string{"wrong password", "ssl.truststore.password"}},
		{"JKS without password", map[string]string{"ssl.truststore.location": jksTrust}, []string{"set ssl.truststore.password"}},
		{"PEM without certificates", map[string]string{"ssl.truststore.location": writeTemp(t, "empty.pem", []byte("-----BEGIN NOTHING-----\n-----END NOTHING-----\n")), "ssl.truststore.type": "PEM"}, []string{"no certificate"}},
		{"JKS key wrong key password", map[string]string{"ssl.keystore.location": jksKey, "ssl.keystore.password": "store-pw", "ssl.key.password": "WRONG-SECRET"}, []string{"ssl.key.password"}},
		{"JKS key wrong store password", map[string]string{"ssl.keystore.location": jksKey, "ssl.keystore.password": "WRONG-SECRET"}, []string{"ssl.keystore.password"}},
		{"PKCS12 wrong password", map[string]string{"ssl.keystore.location": p12Path, "ssl.keystore.type": "PKCS12", "ssl.keystore.password": "WRONG-SECRET"}, []string{"wrong password", "ssl.keystore.password"}},
		{"encrypted PEM key without password", map[string]string{"ssl.certificate.location": writeTemp(t, "c.pem", client.certPEM), "ssl.key.location": writeTemp(t, "k.pem", []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))}, []string{"ssl.key.location", "encrypted PKCS#8"}},
		{"not a key", map[string]string{"ssl.certificate.location": writeTemp(t, "c.pem", client.certPEM), "ssl.key.location": writeTemp(t, "k.pem", client.certPEM)}, []string{"ssl.key.location", "no PEM private key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.flags["security.protocol"] = "SSL"
			_, err := TLSConfig(loadConfig(t, tt.flags))
			if err == nil {
				t.Fatal("no error")
			}
			mustContainAll(t, err.Error(), tt.want...)
			if strings.Contains(err.Error(), "WRONG-SECRET") || strings.Contains(err.Error(), "right-pw") {
				t.Errorf("error shows a password: %v", err)
			}
		})
	}
}

func TestTLSVerification(t *testing.T) {
	ca := newCA(t, "test-ca")
	other := newCA(t, "other-ca")
	good := tlsServer(t, ca.issue(t, "b", []string{"localhost", "127.0.0.1"}, false, false, time.Now().Add(time.Hour)).tls(), nil)
	wrongName := tlsServer(t, ca.issue(t, "b", []string{"broker.example"}, false, false, time.Now().Add(time.Hour)).tls(), nil)
	expired := tlsServer(t, ca.issue(t, "b", []string{"127.0.0.1"}, false, false, time.Now().Add(-time.Hour)).tls(), nil)
	caFile := writeTemp(t, "ca.pem", ca.pem)
	otherFile := writeTemp(t, "other.pem", other.pem)

	tests := []struct {
		name       string
		addr       string
		ca         string
		noHostname bool
		wantErr    any // nil, or a pointer to the x509 error type expected
	}{
		{"trusted and matching", good, caFile, false, nil},
		{"untrusted CA", good, otherFile, false, &x509.UnknownAuthorityError{}},
		{"system roots do not trust a private CA", good, "", false, &x509.UnknownAuthorityError{}},
		{"host name mismatch", wrongName, caFile, false, &x509.HostnameError{}},
		{"host name check off", wrongName, caFile, true, nil},
		{"host name check off still verifies the chain", wrongName, otherFile, true, &x509.UnknownAuthorityError{}},
		{"expired", expired, caFile, false, &x509.CertificateInvalidError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags := map[string]string{"security.protocol": "SSL"}
			if tt.ca != "" {
				flags["ssl.ca.location"] = tt.ca
			}
			if tt.noHostname {
				flags["ssl.endpoint.identification.algorithm"] = ""
			}
			tc, err := TLSConfig(loadConfig(t, flags))
			if err != nil {
				t.Fatal(err)
			}
			_, err = handshake(tc, tt.addr)
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Errorf("handshake: %v", err)
				}
			case *x509.UnknownAuthorityError:
				if !errors.As(err, want) {
					t.Errorf("got %v, want an unknown authority error", err)
				}
			case *x509.HostnameError:
				if !errors.As(err, want) {
					t.Errorf("got %v, want a host name error", err)
				}
			case *x509.CertificateInvalidError:
				if !errors.As(err, want) || want.Reason != x509.Expired {
					t.Errorf("got %v, want an expired certificate error", err)
				}
			}
		})
	}
}

func TestTLSVersions(t *testing.T) {
	tc, err := TLSConfig(loadConfig(t, map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.username": "u", "sasl.password": "p", "ssl.protocol": "TLSv1.2"}))
	if err != nil {
		t.Fatal(err)
	}
	if tc.MinVersion != tls.VersionTLS12 || tc.MaxVersion != tls.VersionTLS12 || tc.InsecureSkipVerify {
		t.Errorf("versions %x-%x", tc.MinVersion, tc.MaxVersion)
	}
	tc, err = TLSConfig(loadConfig(t, map[string]string{"security.protocol": "SSL", "ssl.enabled.protocols": "TLSv1.3"}))
	if err != nil {
		t.Fatal(err)
	}
	if tc.MinVersion != tls.VersionTLS13 || tc.InsecureSkipVerify {
		t.Errorf("min %x, skip %v", tc.MinVersion, tc.InsecureSkipVerify)
	}
	tc, err = TLSConfig(loadConfig(t, map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN", "sasl.username": "u", "sasl.password": "p"}))
	if err != nil || tc != nil {
		t.Errorf("SASL_PLAINTEXT gave a TLS config %v, %v", tc, err)
	}
}
