package kafka

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/wasmstream/wasmstream/host/config"
)

// TLSConfig builds the client's tls.Config from cfg.Security.TLS: the trust
// store (PEM, JKS, PKCS12 or inline PEM; the system roots when none is
// given), the client certificate for mutual TLS (PEM, JKS, PKCS12, inline
// PEM, or librdkafka's certificate and key files), the TLS versions, and host
// name verification (on unless ssl.endpoint.identification.algorithm is
// empty; the certificate chain is verified either way). It returns nil, nil
// when the protocol does not use TLS. Errors name the key whose file or
// password is wrong and never show a password.
func TLSConfig(cfg *config.Config) (*tls.Config, error) {
	if !cfg.Security.Protocol.UsesTLS() {
		return nil, nil
	}
	t := cfg.Security.TLS
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	switch t.MinVersion {
	case "TLSv1.3":
		tc.MinVersion = tls.VersionTLS13
	}
	switch t.MaxVersion {
	case "TLSv1.2":
		tc.MaxVersion = tls.VersionTLS12
	}

	roots, err := loadTrust(t)
	if err != nil {
		return nil, err
	}
	tc.RootCAs = roots // nil: the system roots

	cert, err := loadClientCert(t)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		tc.Certificates = []tls.Certificate{*cert}
	}

	if !t.VerifyHostname {
		// Go verifies the chain and the host name together; to keep the
		// first without the second we verify the chain ourselves.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyChainOnly(cs, roots)
		}
	}
	return tc, nil
}

// tlsDialer dials TCP, then runs the TLS handshake, each within timeout. It
// exists to tell a handshake that gets no answer (a TLS client on a
// plaintext listener often just waits) from an unreachable broker.
type tlsDialer struct {
	cfg     *tls.Config
	timeout time.Duration
}

// errHandshakeTimeout is a TLS handshake the broker never answered.
type errHandshakeTimeout struct {
	after time.Duration
}

// Error implements error.
func (e *errHandshakeTimeout) Error() string {
	return fmt.Sprintf("the TLS handshake got no answer within %s", e.after)
}

// Unwrap makes the timeout errors.Is context.DeadlineExceeded.
func (e *errHandshakeTimeout) Unwrap() error { return context.DeadlineExceeded }

// DialContext has the signature kgo.Dialer wants.
func (d tlsDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	raw, err := (&net.Dialer{Timeout: d.timeout}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := d.cfg.Clone()
	if c.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			c.ServerName = host
		}
	}
	tc := tls.Client(raw, c)
	hctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		raw.Close()
		if ctx.Err() == nil && hctx.Err() != nil {
			return nil, &errHandshakeTimeout{after: d.timeout}
		}
		return nil, err
	}
	return tc, nil
}

// verifyChainOnly verifies the peer's certificate chain against roots (the
// system roots when nil) without checking the host name.
func verifyChainOnly(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("tls: the broker sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
	}
	return nil
}

// isPEM reports whether data looks like PEM.
func isPEM(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN "))
}

// storeType is the store type given, or detected from the content: PEM when
// the file is PEM, PKCS12 when it is DER that is not JKS, else JKS.
func storeType(given string, data []byte) string {
	if given != "" {
		return given
	}
	switch {
	case isPEM(data):
		return config.StorePEM
	case len(data) >= 4 && bytes.Equal(data[:4], []byte{0xfe, 0xed, 0xfe, 0xed}):
		return config.StoreJKS
	case len(data) > 0 && data[0] == 0x30: // an ASN.1 SEQUENCE: PKCS12
		return config.StorePKCS12
	}
	return config.StoreJKS
}

func loadTrust(t config.TLS) (*x509.CertPool, error) {
	var (
		data []byte
		key  = "ssl.truststore.location"
	)
	switch {
	case t.TruststoreCertificates != "":
		data, key = []byte(t.TruststoreCertificates), "ssl.truststore.certificates"
	case t.TruststoreLocation != "":
		var err error
		if data, err = os.ReadFile(t.TruststoreLocation); err != nil {
			return nil, fmt.Errorf("reading the trust store (ssl.truststore.location): %w", err)
		}
	default:
		return nil, nil
	}
	var certs []*x509.Certificate
	var err error
	switch typ := storeType(t.TruststoreType, data); typ {
	case config.StorePEM:
		certs, err = parsePEMCerts(data)
	case config.StoreJKS:
		certs, err = jksTrust(data, t.TruststorePassword)
	case config.StorePKCS12:
		certs, err = pkcs12Trust(data, t.TruststorePassword)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the trust store (%s): %w", key, err)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("reading the trust store (%s): it holds no certificate", key)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

func parsePEMCerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing a PEM certificate: %w", err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

func jksTrust(data []byte, password config.Secret) ([]*x509.Certificate, error) {
	ks := keystore.New()
	if err := ks.Load(bytes.NewReader(data), []byte(password.Reveal())); err != nil {
		return nil, jksLoadError(err, password, "ssl.truststore.password")
	}
	var certs []*x509.Certificate
	for _, alias := range ks.Aliases() {
		var raw [][]byte
		switch {
		case ks.IsTrustedCertificateEntry(alias):
			e, err := ks.GetTrustedCertificateEntry(alias)
			if err != nil {
				return nil, err
			}
			raw = append(raw, e.Certificate.Content)
		case ks.IsPrivateKeyEntry(alias):
			// Java trusts the chain of a key entry in a trust store too.
			chain, err := ks.GetPrivateKeyEntryCertificateChain(alias)
			if err != nil {
				return nil, err
			}
			for _, c := range chain {
				raw = append(raw, c.Content)
			}
		}
		for _, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return nil, fmt.Errorf("parsing certificate %q: %w", alias, err)
			}
			certs = append(certs, c)
		}
	}
	return certs, nil
}

func jksLoadError(err error, password config.Secret, passwordKey string) error {
	if strings.Contains(err.Error(), "invalid digest") {
		if !password.IsSet() {
			return fmt.Errorf("a JKS store cannot be read without its password: set %s", passwordKey)
		}
		return fmt.Errorf("wrong password (%s) or a damaged JKS file", passwordKey)
	}
	if strings.Contains(err.Error(), "invalid magic") {
		return fmt.Errorf("not a JKS file (set ssl.truststore.type / ssl.keystore.type to PKCS12 or PEM if it is one of those): %w", err)
	}
	return err
}

func pkcs12Trust(data []byte, password config.Secret) ([]*x509.Certificate, error) {
	certs, err := pkcs12.DecodeTrustStore(data, password.Reveal())
	if err == nil {
		return certs, nil
	}
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, errors.New("wrong password (ssl.truststore.password)")
	}
	// Not a Java trust store (its certificates lack Java's trust
	// attribute, as openssl writes them): take every certificate.
	blocks, err2 := pkcs12.ToPEM(data, password.Reveal())
	if err2 != nil {
		if errors.Is(err2, pkcs12.ErrIncorrectPassword) {
			return nil, errors.New("wrong password (ssl.truststore.password)")
		}
		return nil, fmt.Errorf("not a readable PKCS12 file: %w", err)
	}
	for _, b := range blocks {
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// loadClientCert returns the client certificate for mutual TLS, or nil.
func loadClientCert(t config.TLS) (*tls.Certificate, error) {
	switch {
	case t.KeystoreCertificateChain != "":
		return pemKeyPair([]byte(t.KeystoreCertificateChain), []byte(t.KeystoreKey.Reveal()), t.KeyPassword, "ssl.keystore.certificate.chain", "ssl.keystore.key")
	case t.CertificateLocation != "":
		certPEM, err := os.ReadFile(t.CertificateLocation)
		if err != nil {
			return nil, fmt.Errorf("reading the client certificate (ssl.certificate.location): %w", err)
		}
		keyPEM, err := os.ReadFile(t.KeyLocation)
		if err != nil {
			return nil, fmt.Errorf("reading the client key (ssl.key.location): %w", err)
		}
		return pemKeyPair(certPEM, keyPEM, t.KeyPassword, "ssl.certificate.location", "ssl.key.location")
	case t.KeystoreLocation != "":
	default:
		return nil, nil
	}
	data, err := os.ReadFile(t.KeystoreLocation)
	if err != nil {
		return nil, fmt.Errorf("reading the key store (ssl.keystore.location): %w", err)
	}
	// Java's default: the key's password is the store's.
	keyPW := t.KeyPassword
	if !keyPW.IsSet() {
		keyPW = t.KeystorePassword
	}
	switch storeType(t.KeystoreType, data) {
	case config.StorePEM:
		// One PEM file with the chain and the key, as Kafka's PEM key store.
		return pemKeyPair(data, data, t.KeyPassword, "ssl.keystore.location", "ssl.keystore.location")
	case config.StorePKCS12:
		key, leaf, chain, err := pkcs12.DecodeChain(data, t.KeystorePassword.Reveal())
		if err != nil {
			if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
				return nil, errors.New("reading the key store (ssl.keystore.location): wrong password (ssl.keystore.password)")
			}
			return nil, fmt.Errorf("reading the key store (ssl.keystore.location): %w", err)
		}
		c := &tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
		for _, ca := range chain {
			c.Certificate = append(c.Certificate, ca.Raw)
		}
		return c, nil
	default:
		return jksKeyPair(data, t.KeystorePassword, keyPW)
	}
}

func jksKeyPair(data []byte, storePW, keyPW config.Secret) (*tls.Certificate, error) {
	ks := keystore.New()
	if err := ks.Load(bytes.NewReader(data), []byte(storePW.Reveal())); err != nil {
		return nil, fmt.Errorf("reading the key store (ssl.keystore.location): %w", jksLoadError(err, storePW, "ssl.keystore.password"))
	}
	for _, alias := range ks.Aliases() {
		if !ks.IsPrivateKeyEntry(alias) {
			continue
		}
		e, err := ks.GetPrivateKeyEntry(alias, []byte(keyPW.Reveal()))
		if err != nil {
			return nil, fmt.Errorf("reading the key store (ssl.keystore.location): cannot decrypt the key %q: wrong ssl.key.password?", alias)
		}
		key, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("reading the key store (ssl.keystore.location): key %q: %w", alias, err)
		}
		c := &tls.Certificate{PrivateKey: key}
		for _, cc := range e.CertificateChain {
			c.Certificate = append(c.Certificate, cc.Content)
		}
		if len(c.Certificate) == 0 {
			return nil, fmt.Errorf("reading the key store (ssl.keystore.location): key %q has no certificate", alias)
		}
		if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return nil, fmt.Errorf("reading the key store (ssl.keystore.location): %w", err)
		}
		return c, nil
	}
	return nil, errors.New("reading the key store (ssl.keystore.location): it holds no private key entry")
}

// pemKeyPair reads a certificate chain and a private key from PEM, the key
// possibly encrypted (PKCS#8 "ENCRYPTED PRIVATE KEY" is not supported by Go's
// standard library; legacy "Proc-Type: 4,ENCRYPTED" keys are, with
// ssl.key.password).
func pemKeyPair(certPEM, keyPEM []byte, keyPW config.Secret, certKey, keyKey string) (*tls.Certificate, error) {
	certs, err := parsePEMCerts(certPEM)
	if err != nil {
		return nil, fmt.Errorf("reading the client certificate (%s): %w", certKey, err)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("reading the client certificate (%s): no PEM certificate found", certKey)
	}
	key, err := parsePEMKey(keyPEM, keyPW)
	if err != nil {
		return nil, fmt.Errorf("reading the client key (%s): %w", keyKey, err)
	}
	c := &tls.Certificate{PrivateKey: key, Leaf: certs[0]}
	for _, x := range certs {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	return c, nil
}

func parsePEMKey(data []byte, password config.Secret) (crypto.PrivateKey, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM private key found")
		}
		der := b.Bytes
		switch b.Type {
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted PKCS#8 keys are not supported: decrypt it (openssl pkcs8 -in key.pem -out plain.pem) and protect the file instead")
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		default:
			continue
		}
		if x509.IsEncryptedPEMBlock(b) { //nolint:staticcheck // legacy PEM encryption is what older tools write
			if !password.IsSet() {
				return nil, errors.New("the key is encrypted: set ssl.key.password")
			}
			var err error
			der, err = x509.DecryptPEMBlock(b, []byte(password.Reveal())) //nolint:staticcheck // see above
			if err != nil {
				return nil, errors.New("cannot decrypt the key: wrong ssl.key.password?")
			}
		}
		if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
			return k, nil
		}
		if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
			return k, nil
		}
		if k, err := x509.ParseECPrivateKey(der); err == nil {
			return k, nil
		}
		return nil, fmt.Errorf("cannot parse the %s block", b.Type)
	}
}
