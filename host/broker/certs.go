package broker

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Certificate lifetimes. The CA lives long so clients that saved its file
// keep working; the server certificate is renewed from it when it nears its
// end or no longer names the listen address.
const (
	caLifetime     = 10 * 365 * 24 * time.Hour
	serverLifetime = 365 * 24 * time.Hour
	renewBefore    = 30 * 24 * time.Hour
)

// File names inside the TLS directory.
const (
	caCertFile     = "ca.pem"
	caKeyFile      = "ca-key.pem"
	serverCertFile = "server.pem"
	serverKeyFile  = "server-key.pem"
)

// tlsFiles is the broker's CA and server certificate.
type tlsFiles struct {
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	server tls.Certificate
	// generated says what this start created (for the log).
	generated []string
}

// ensureTLS loads the CA and server certificate from dir, creating or
// renewing what is missing, expiring, or (for the server) not valid for the
// listen host; everything kept on disk is reused as is.
func ensureTLS(dir, listenHost string, now time.Time) (*tlsFiles, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	f := &tlsFiles{dir: dir}
	ca, caKey, err := loadPair(filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile))
	if err != nil || !ca.IsCA || now.Add(renewBefore).After(ca.NotAfter) {
		if ca, caKey, err = newCA(now); err != nil {
			return nil, err
		}
		if err := writePair(dir, caCertFile, caKeyFile, ca, caKey); err != nil {
			return nil, err
		}
		f.generated = append(f.generated, "CA")
	}
	f.ca, f.caKey = ca, caKey

	sans := serverSANs(listenHost)
	cert, key, err := loadPair(filepath.Join(dir, serverCertFile), filepath.Join(dir, serverKeyFile))
	if err != nil || now.Add(renewBefore).After(cert.NotAfter) || cert.CheckSignatureFrom(ca) != nil || !coversSANs(cert, sans) {
		if cert, key, err = newServerCert(ca, caKey, sans, now); err != nil {
			return nil, err
		}
		if err := writePair(dir, serverCertFile, serverKeyFile, cert, key); err != nil {
			return nil, err
		}
		f.generated = append(f.generated, "server certificate")
	}
	f.server = tls.Certificate{Certificate: [][]byte{cert.Raw, ca.Raw}, PrivateKey: key, Leaf: cert}
	return f, nil
}

// serverSANs are the names the server certificate is valid for: localhost
// and the loopback addresses, and the listen host.
func serverSANs(listenHost string) []string {
	sans := []string{"localhost", "127.0.0.1", "::1"}
	if listenHost != "" && !slices.Contains(sans, listenHost) {
		sans = append(sans, listenHost)
	}
	return sans
}

func coversSANs(c *x509.Certificate, sans []string) bool {
	for _, s := range sans {
		if c.VerifyHostname(s) != nil {
			return false
		}
	}
	return true
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func newCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: "wasmstream embedded broker CA", Organization: []string{"wasmstream"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caLifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the CA certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	return c, key, err
}

func newServerCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, sans []string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: "wasmstream embedded broker", Organization: []string{"wasmstream"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(serverLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, s := range sans {
		if ip := net.ParseIP(s); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, s)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the server certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	return c, key, err
}

// loadPair reads a PEM certificate and its PEM EC key.
func loadPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, errors.New("not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, errors.New("the key does not match the certificate")
	}
	return cert, key, nil
}

// writePair writes a certificate (0644: it is public) and its key (0600).
func writePair(dir, certName, keyName string, cert *x509.Certificate, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, keyName), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, certName), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so a crash never leaves half a key or password file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op after the rename
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
