package kafka

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/config"
)

// securedCluster is a kfake cluster over TLS with SCRAM and ACLs: admin is a
// superuser; bob may read and write topic "allowed", read group "g-ok" and
// use transactional id "tx-ok".
type securedCluster struct {
	addr      string
	caFile    string
	otherCA   string
	plainAddr string // a second cluster without TLS (SASL only)
}

func newSecuredCluster(t *testing.T) *securedCluster {
	t.Helper()
	ca := newCA(t, "kfake-ca")
	srv := ca.issue(t, "kfake", []string{"localhost", "127.0.0.1"}, false, false, time.Now().Add(time.Hour))
	allow := func(rt kmsg.ACLResourceType, name string, op kmsg.ACLOperation) kfake.ACL {
		return kfake.ACL{Resource: rt, Name: name, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true}
	}
	bobACLs := []kfake.ACL{
		allow(kmsg.ACLResourceTypeTopic, "allowed", kmsg.ACLOperationRead),
		allow(kmsg.ACLResourceTypeTopic, "allowed", kmsg.ACLOperationWrite),
		allow(kmsg.ACLResourceTypeGroup, "g-ok", kmsg.ACLOperationRead),
		allow(kmsg.ACLResourceTypeTransactionalId, "tx-ok", kmsg.ACLOperationWrite),
		allow(kmsg.ACLResourceTypeTopic, "described-only", kmsg.ACLOperationDescribe),
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{srv.tls()}}),
		kfake.EnableSASL(),
		kfake.Superuser("SCRAM-SHA-512", "admin", "admin-pw"),
		kfake.User("SCRAM-SHA-512", "bob", "bob-pw", bobACLs...),
		kfake.EnableACLs(),
		kfake.SeedTopics(1, "allowed", "secret", "described-only"),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	plain, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "admin", "admin-pw"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)
	return &securedCluster{
		addr:      c.ListenAddrs()[0],
		caFile:    writeTemp(t, "ca.pem", ca.pem),
		otherCA:   writeTemp(t, "other.pem", newCA(t, "other").pem),
		plainAddr: plain.ListenAddrs()[0],
	}
}

// flags returns a SASL_SSL configuration for user/password.
func (s *securedCluster) flags(user, password string) map[string]string {
	return map[string]string{
		"bootstrap.servers":          s.addr,
		"security.protocol":          "SASL_SSL",
		"ssl.truststore.location":    s.caFile,
		"sasl.mechanism":             "SCRAM-SHA-512",
		"sasl.username":              user,
		"sasl.password":              password,
		"wasmstream.startup.timeout": "5s",
	}
}

// flatten lists the errors inside err, unpacking errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func TestPreflight(t *testing.T) {
	s := newSecuredCluster(t)
	ctx := context.Background()

	t.Run("everything granted", func(t *testing.T) {
		err := Preflight(ctx, loadConfig(t, s.flags("bob", "bob-pw")), Needs{
			ReadTopics: []string{"allowed"}, WriteTopics: []string{"allowed"},
			Groups: []string{"g-ok"}, TransactionalIDs: []string{"tx-ok"},
		})
		if err != nil {
			t.Fatalf("Preflight: %v", err)
		}
	})

	t.Run("missing ACLs and topics", func(t *testing.T) {
		err := Preflight(ctx, loadConfig(t, s.flags("bob", "bob-pw")), Needs{
			ReadTopics:       []string{"allowed", "secret", "described-only", "nope"},
			WriteTopics:      []string{"secret", "new-sink"},
			CreateTopics:     []string{"new-sink"},
			Groups:           []string{"g-ok", "g-no"},
			TransactionalIDs: []string{"tx-ok", "tx-no"},
		})
		type key struct {
			rt   kmsg.ACLResourceType
			name string
			op   kmsg.ACLOperation
		}
		// Without DESCRIBE a broker does not tell a missing topic from a
		// forbidden one: "nope" is reported as a missing READ.
		want := map[key]bool{
			{kmsg.ACLResourceTypeTopic, "nope", kmsg.ACLOperationRead}:             true,
			{kmsg.ACLResourceTypeTopic, "new-sink", kmsg.ACLOperationWrite}:        true,
			{kmsg.ACLResourceTypeTopic, "secret", kmsg.ACLOperationRead}:           true,
			{kmsg.ACLResourceTypeTopic, "described-only", kmsg.ACLOperationRead}:   true,
			{kmsg.ACLResourceTypeTopic, "new-sink", kmsg.ACLOperationCreate}:       true,
			{kmsg.ACLResourceTypeGroup, "g-no", kmsg.ACLOperationRead}:             true,
			{kmsg.ACLResourceTypeTransactionalId, "tx-no", kmsg.ACLOperationWrite}: true,
		}
		got := map[key]bool{}
		for _, e := range flatten(err) {
			var ae *ACLError
			if !errors.As(e, &ae) {
				t.Errorf("unexpected error %v", e)
				continue
			}
			got[key{ae.ResourceType, ae.Resource, ae.Operation}] = true
			if ae.Principal != "User:bob" {
				t.Errorf("principal %q", ae.Principal)
			}
			mustContainAll(t, ae.Error(), "User:bob", ae.Resource, ae.Operation.String(), "kafka-acls --add --allow-principal User:bob")
		}
		for k := range want {
			if !got[k] {
				t.Errorf("no ACLError for %v %s %v; errors: %v", k.rt, k.name, k.op, err)
			}
		}
		for k := range got {
			if !want[k] {
				t.Errorf("unexpected ACLError for %v %s %v", k.rt, k.name, k.op)
			}
		}
		if !strings.Contains(err.Error(), `principal User:bob is not authorized to READ topic "secret"`) {
			t.Errorf("message: %v", err)
		}
	})

	t.Run("superuser needs nothing", func(t *testing.T) {
		err := Preflight(ctx, loadConfig(t, s.flags("admin", "admin-pw")), Needs{
			ReadTopics: []string{"secret"}, WriteTopics: []string{"x"}, CreateTopics: []string{"x"}, Groups: []string{"any"},
		})
		if err != nil {
			t.Fatalf("Preflight: %v", err)
		}
	})

	t.Run("missing source topic", func(t *testing.T) {
		err := Preflight(ctx, loadConfig(t, s.flags("admin", "admin-pw")), Needs{ReadTopics: []string{"allowed", "nope"}})
		var me *MissingTopicError
		if !errors.As(err, &me) || me.Topic != "nope" || len(flatten(err)) != 1 {
			t.Fatalf("got %v, want one MissingTopicError for nope", err)
		}
		mustContainAll(t, err.Error(), `topic "nope" does not exist`)
	})
}

func TestPreflightExplainsConnectionFailures(t *testing.T) {
	s := newSecuredCluster(t)
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}()
	tests := []struct {
		name  string
		flags func() map[string]string
		check func(t *testing.T, err error)
	}{
		{"wrong password", func() map[string]string { return s.flags("bob", "WRONG-PW") }, func(t *testing.T, err error) {
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Problem != WrongCredentials || !ae.ClosedDuringSASL {
				t.Fatalf("got %v, want a wrong-credentials AuthError", err)
			}
			mustContainAll(t, err.Error(), "authentication failed for principal User:bob with mechanism SCRAM-SHA-512", s.addr,
				"the broker closed the connection during SASL; wrong password?")
		}},
		{"unknown user", func() map[string]string { return s.flags("mallory", "x") }, func(t *testing.T, err error) {
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Problem != WrongCredentials {
				t.Fatalf("got %v, want an AuthError", err)
			}
			mustContainAll(t, err.Error(), "User:mallory")
		}},
		{"no credentials", func() map[string]string {
			f := s.flags("", "")
			f["security.protocol"] = "SSL"
			delete(f, "sasl.mechanism")
			delete(f, "sasl.username")
			delete(f, "sasl.password")
			return f
		}, func(t *testing.T, err error) {
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Problem != NoCredentials {
				t.Fatalf("got %v, want a no-credentials AuthError", err)
			}
			mustContainAll(t, err.Error(), "requires SASL authentication", "security.protocol=SSL")
		}},
		{"plaintext client on a TLS listener", func() map[string]string {
			f := s.flags("bob", "bob-pw")
			f["security.protocol"] = "SASL_PLAINTEXT"
			delete(f, "ssl.truststore.location")
			return f
		}, func(t *testing.T, err error) {
			var te *TLSError
			if !errors.As(err, &te) || te.Problem != PlaintextToTLS {
				t.Fatalf("got %v, want a plaintext-to-TLS TLSError", err)
			}
			mustContainAll(t, err.Error(), "expects TLS", "security.protocol=SASL_PLAINTEXT", s.addr)
		}},
		{"TLS client on a plaintext listener", func() map[string]string {
			f := s.flags("admin", "admin-pw")
			f["bootstrap.servers"] = s.plainAddr
			f["wasmstream.startup.timeout"] = "2s" // the handshake waits half of it
			return f
		}, func(t *testing.T, err error) {
			var te *TLSError
			if !errors.As(err, &te) || te.Problem != TLSToPlaintext {
				t.Fatalf("got %v, want a TLS-to-plaintext TLSError", err)
			}
			mustContainAll(t, err.Error(), "does not speak TLS")
		}},
		{"untrusted CA", func() map[string]string {
			f := s.flags("bob", "bob-pw")
			f["ssl.truststore.location"] = s.otherCA
			return f
		}, func(t *testing.T, err error) {
			var te *TLSError
			if !errors.As(err, &te) || te.Problem != UntrustedCertificate {
				t.Fatalf("got %v, want an untrusted-certificate TLSError", err)
			}
			mustContainAll(t, err.Error(), "not signed by a trusted CA", "ssl.truststore.location", "User:bob", "SCRAM-SHA-512")
		}},
		{"unreachable broker", func() map[string]string {
			f := s.flags("bob", "bob-pw")
			f["bootstrap.servers"] = closed
			f["wasmstream.startup.timeout"] = "400ms"
			return f
		}, func(t *testing.T, err error) {
			var ce *ConnectError
			if !errors.As(err, &ce) || ce.Timeout != 400*time.Millisecond {
				t.Fatalf("got %v, want a ConnectError after the timeout", err)
			}
			mustContainAll(t, err.Error(), "no Kafka broker reachable within 400ms", closed, "connection refused", "SASL_SSL")
		}},
		{"mechanism not enabled", func() map[string]string {
			f := s.flags("bob", "")
			delete(f, "sasl.username")
			delete(f, "sasl.password")
			f["sasl.mechanism"] = "OAUTHBEARER"
			f["sasl.oauthbearer.token"] = "a.b.c"
			return f
		}, func(t *testing.T, err error) {
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Problem != MechanismNotEnabled {
				t.Fatalf("got %v, want a mechanism-not-enabled AuthError", err)
			}
			mustContainAll(t, err.Error(), "does not enable SASL mechanism OAUTHBEARER")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Preflight(context.Background(), loadConfig(t, tt.flags()), Needs{ReadTopics: []string{"allowed"}})
			if err == nil {
				t.Fatal("Preflight succeeded")
			}
			if strings.Contains(err.Error(), "WRONG-PW") || strings.Contains(err.Error(), "bob-pw") {
				t.Errorf("error shows a password: %v", err)
			}
			tt.check(t, err)
		})
	}
}

func TestExplainWithoutObserver(t *testing.T) {
	sasl := loadConfig(t, map[string]string{"bootstrap.servers": "b:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.username": "carol", "sasl.password": "pw"})
	plain := loadConfig(t, map[string]string{"bootstrap.servers": "b:9092"})
	tests := []struct {
		name  string
		err   error
		cfg   *config.Config
		res   []Resource
		check func(t *testing.T, err error)
	}{
		{"topic ACL with resource", fmt.Errorf("produce: %w", kerr.TopicAuthorizationFailed), sasl, []Resource{Topic("orders", kmsg.ACLOperationWrite)}, func(t *testing.T, err error) {
			var ae *ACLError
			if !errors.As(err, &ae) || ae.Resource != "orders" || ae.Operation != kmsg.ACLOperationWrite || ae.Principal != "User:carol" {
				t.Fatalf("got %#v", err)
			}
			mustContainAll(t, err.Error(), `principal User:carol is not authorized to WRITE topic "orders"`, "--operation Write --topic orders")
			if !errors.Is(err, kerr.TopicAuthorizationFailed) {
				t.Errorf("does not wrap the broker error")
			}
		}},
		{"group ACL without resource", kerr.GroupAuthorizationFailed, sasl, []Resource{Topic("orders", kmsg.ACLOperationRead)}, func(t *testing.T, err error) {
			var ae *ACLError
			if !errors.As(err, &ae) || ae.ResourceType != kmsg.ACLResourceTypeGroup || ae.Resource != "" {
				t.Fatalf("got %#v", err)
			}
			mustContainAll(t, err.Error(), "User:carol is not authorized on a consumer group")
		}},
		{"transactional id", kerr.TransactionalIDAuthorizationFailed, sasl, []Resource{TransactionalID("q1", kmsg.ACLOperationWrite)}, func(t *testing.T, err error) {
			mustContainAll(t, err.Error(), `WRITE transactional id "q1"`, "--transactional-id q1")
		}},
		{"broker refused credentials", fmt.Errorf("%w: Authentication failed", kerr.SaslAuthenticationFailed), sasl, nil, func(t *testing.T, err error) {
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Problem != WrongCredentials || ae.ClosedDuringSASL {
				t.Fatalf("got %#v", err)
			}
			mustContainAll(t, err.Error(), "authentication failed for principal User:carol with mechanism PLAIN at Kafka broker b:9092")
		}},
		{"EOF with SASL", io.EOF, sasl, nil, func(t *testing.T, err error) {
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Problem != WrongCredentials || ae.ClosedDuringSASL {
				t.Fatalf("got %#v", err)
			}
			mustContainAll(t, err.Error(), "closed the connection (EOF)", "principal User:carol with mechanism PLAIN: wrong password?")
		}},
		{"EOF without SASL is left alone", io.EOF, plain, nil, func(t *testing.T, err error) {
			if err != io.EOF {
				t.Fatalf("got %#v", err)
			}
		}},
		{"refused dial", fmt.Errorf("unable to dial: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}), plain, nil, func(t *testing.T, err error) {
			var ce *ConnectError
			if !errors.As(err, &ce) || ce.Timeout != 0 {
				t.Fatalf("got %#v", err)
			}
			mustContainAll(t, err.Error(), "cannot connect to Kafka broker b:9092", "connection refused", "bootstrap.servers")
		}},
		{"unknown host", &net.DNSError{Err: "no such host", Name: "nohost"}, plain, nil, func(t *testing.T, err error) {
			var ce *ConnectError
			if !errors.As(err, &ce) {
				t.Fatalf("got %#v", err)
			}
		}},
		{"deadline", context.DeadlineExceeded, plain, nil, func(t *testing.T, err error) {
			var ce *ConnectError
			if !errors.As(err, &ce) || ce.Timeout != 10*time.Second {
				t.Fatalf("got %#v", err)
			}
		}},
		{"other errors unchanged", kerr.NotLeaderForPartition, plain, nil, func(t *testing.T, err error) {
			if err != kerr.NotLeaderForPartition {
				t.Fatalf("got %#v", err)
			}
		}},
		{"nil", nil, plain, nil, func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("got %#v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Explain(tt.err, tt.cfg, tt.res...)
			tt.check(t, got)
			if again := Explain(got, tt.cfg); again != got {
				t.Errorf("explaining twice changed the error")
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	ca := newCA(t, "ca")
	client := ca.issue(t, "wasmstream-client", nil, true, false, time.Now().Add(time.Hour))
	tests := []struct {
		flags map[string]string
		want  Identity
	}{
		{map[string]string{}, Identity{Protocol: "PLAINTEXT", Principal: "User:ANONYMOUS"}},
		{map[string]string{"security.protocol": "SSL", "ssl.certificate.location": writeTemp(t, "c.pem", client.certPEM), "ssl.key.location": writeTemp(t, "k.pem", client.keyPEM)},
			Identity{Protocol: "SSL", Principal: "User:CN=wasmstream-client"}},
		{map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "dave", "sasl.password": "x"},
			Identity{Protocol: "SASL_SSL", Mechanism: "SCRAM-SHA-256", Principal: "User:dave"}},
		{map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="svc";`},
			Identity{Protocol: "SASL_SSL", Mechanism: "OAUTHBEARER", Principal: "User:svc"}},
		{map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER", "sasl.oauthbearer.token": "eyJhbGciOiJub25lIn0." + base64URL(`{"sub":"from-token"}`) + "."},
			Identity{Protocol: "SASL_SSL", Mechanism: "OAUTHBEARER", Principal: "User:from-token"}},
		{map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.kerberos.keytab": "/k", "sasl.kerberos.principal": "svc/host@EXAMPLE.COM"},
			Identity{Protocol: "SASL_PLAINTEXT", Mechanism: "GSSAPI", Principal: "User:svc/host@EXAMPLE.COM"}},
	}
	for _, tt := range tests {
		got := IdentityOf(loadConfig(t, tt.flags))
		got.Brokers = nil
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("IdentityOf(%v) = %+v, want %+v", tt.flags["security.protocol"], got, tt.want)
		}
	}
}

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestObserver(t *testing.T) {
	cfg := loadConfig(t, map[string]string{"bootstrap.servers": "b:9092", "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "erin", "sasl.password": "pw"})
	meta := kgo.BrokerMetadata{Host: "b", Port: 9092}
	obs := NewObserver()
	select {
	case <-obs.Fatal():
		t.Fatal("fatal before any failure")
	default:
	}
	obs.OnBrokerE2E(meta, int16(kmsg.SASLAuthenticate), kgo.BrokerE2E{ReadErr: io.EOF})
	obs.OnBrokerConnect(meta, 0, nil, io.EOF)
	select {
	case <-obs.Fatal():
	default:
		t.Fatal("an EOF during SASL is not fatal")
	}
	var ae *AuthError
	if err := obs.Explain(context.Canceled, cfg); !errors.As(err, &ae) || !ae.ClosedDuringSASL || ae.Broker != "b:9092" {
		t.Fatalf("got %v", err)
	}
	// A later successful connection to the broker retires the failure.
	obs.OnBrokerConnect(meta, 0, nil, nil)
	if err := obs.Explain(io.EOF, cfg); !errors.As(err, &ae) || ae.ClosedDuringSASL {
		t.Fatalf("after a good connection: %v", err)
	}
}
