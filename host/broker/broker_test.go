package broker

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/kafka"
)

func start(t *testing.T, opts Options) *Broker {
	t.Helper()
	if opts.StateDir == "" {
		opts.StateDir = filepath.Join(t.TempDir(), "broker")
	}
	b, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// userConfig loads the configuration with which user connects, plus
// overrides.
func userConfig(t *testing.T, b *Broker, user string, overrides map[string]string) *config.Config {
	t.Helper()
	props, err := b.ClientConfig(user)
	if err != nil {
		t.Fatal(err)
	}
	if overrides == nil {
		overrides = map[string]string{}
	}
	if _, ok := overrides["wasmstream.startup.timeout"]; !ok {
		overrides["wasmstream.startup.timeout"] = "5s"
	}
	cfg, warns, err := config.Load(config.Options{Environ: []string{}, Defaults: props, Flags: overrides})
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	return cfg
}

func client(t *testing.T, cfg *config.Config, extra ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, kafka.ProducerOpts(cfg)...)
	opts = append(opts, kafka.ConsumerOpts(cfg)...)
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestStartSecuredByDefault(t *testing.T) {
	b := start(t, Options{ServiceID: "svc_"})
	if b.Protocol() != config.SASLSSL {
		t.Errorf("protocol %s", b.Protocol())
	}
	dir := b.opts.StateDir
	for path, want := range map[string]os.FileMode{
		dir:                                   0o700,
		filepath.Join(dir, passwordsFile):     0o600,
		filepath.Join(dir, tlsDir, caKeyFile): 0o600,
		filepath.Join(dir, tlsDir, serverKeyFile): 0o600,
		b.ClientPropertiesFile(ServiceUser):       0o600,
		b.KcatConfigFile(ServiceUser):             0o600,
		b.KcatConfigFile(AdminUser):               0o600,
	} {
		st, err := os.Stat(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, tlsDir, serverCertFile))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(data)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Errorf("server key is %T, want ECDSA P-256", cert.PublicKey)
	}
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := cert.VerifyHostname(name); err != nil {
			t.Errorf("server certificate: %v", err)
		}
	}
	// The passwords are long random strings, different per user, and appear
	// in no client properties file.
	pw, err := config.ParseProperties(mustRead(t, b.PasswordsFile()))
	if err != nil {
		t.Fatal(err)
	}
	if len(pw[ServiceUser]) < 30 || pw[ServiceUser] == pw[AdminUser] {
		t.Errorf("passwords %d and %d long", len(pw[ServiceUser]), len(pw[AdminUser]))
	}
	for _, user := range b.Users() {
		if bytes.Contains(mustRead(t, b.ClientPropertiesFile(user)), []byte(pw[user])) {
			t.Errorf("the client properties of %s hold the password", user)
		}
	}
	props, _ := b.ClientConfig(ServiceUser)
	for k, v := range props {
		if strings.Contains(v, pw[ServiceUser]) {
			t.Errorf("ClientConfig %s holds the password", k)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestProduceConsumeAsService produces and consumes as the least-privilege
// principal over SASL_SSL, with each SASL mechanism, on a user topic and on
// an internal topic it creates under its prefix.
func TestProduceConsumeAsService(t *testing.T) {
	b := start(t, Options{ServiceID: "svc_", Topics: []string{"orders"}, InMemory: true})
	ctx := ctxT(t)
	if err := b.CreateTopics(ctx, 2, "orders"); err != nil {
		t.Fatal(err)
	}
	for _, mech := range []string{"SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"} {
		t.Run(mech, func(t *testing.T) {
			overrides := map[string]string{"sasl.mechanism": mech}
			if mech == "PLAIN" {
				props, _ := b.ClientConfig(ServiceUser)
				overrides["sasl.jaas.config"] = strings.Replace(props["sasl.jaas.config"], "scram.ScramLoginModule", "plain.PlainLoginModule", 1)
			}
			cfg := userConfig(t, b, ServiceUser, overrides)
			if err := kafka.Preflight(ctx, cfg, kafka.Needs{
				ReadTopics: []string{"orders"}, WriteTopics: []string{"orders", "svc_q1_changelog"},
				CreateTopics: []string{"svc_q1_changelog"}, Groups: []string{"svc_q1"}, TransactionalIDs: []string{"svc_q1-0"},
			}); err != nil {
				t.Fatalf("Preflight: %v", err)
			}
			// Create an internal topic as the service principal.
			adm := kadm.NewClient(client(t, cfg))
			if _, err := adm.CreateTopic(ctx, 1, -1, nil, "svc_q1_changelog_"+mech); err != nil {
				t.Fatalf("create internal topic: %v", err)
			}
			value := []byte("order-1 via " + mech)
			pr := client(t, cfg)
			if err := pr.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: value}).FirstErr(); err != nil {
				t.Fatalf("produce: %v", kafka.Explain(err, cfg, kafka.Topic("orders", kmsg.ACLOperationWrite)))
			}
			co := client(t, cfg, kgo.ConsumeTopics("orders"), kgo.ConsumerGroup("svc_q1_"+mech), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
			found := false
			for !found {
				fs := co.PollFetches(ctx)
				if err := fs.Err0(); err != nil {
					t.Fatalf("consume: %v", kafka.Explain(err, cfg))
				}
				fs.EachRecord(func(r *kgo.Record) { found = found || bytes.Equal(r.Value, value) })
			}
			if err := co.CommitUncommittedOffsets(ctx); err != nil {
				t.Fatalf("commit: %v", err)
			}
		})
	}
}

// TestRefusals checks each refused or broken connection and its message.
func TestRefusals(t *testing.T) {
	b := start(t, Options{
		ServiceID: "svc_", Topics: []string{"orders"}, InMemory: true,
		Users: []User{{Name: "reader", ACLs: Allow("", kmsg.ACLResourceTypeTopic, "public", kmsg.ACLOperationRead)}},
	})
	other := start(t, Options{InMemory: true})
	ctx := ctxT(t)
	if err := b.CreateTopics(ctx, 1, "orders", "public"); err != nil {
		t.Fatal(err)
	}
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}()
	addr := b.Addrs()[0]
	needs := kafka.Needs{ReadTopics: []string{"orders"}}

	tests := []struct {
		name  string
		user  string
		flags map[string]string
		needs *kafka.Needs
		check func(t *testing.T, err error)
	}{
		{"no credentials", ServiceUser, map[string]string{"security.protocol": "SSL"}, nil, func(t *testing.T, err error) {
			var ae *kafka.AuthError
			if !errors.As(err, &ae) || ae.Problem != kafka.NoCredentials {
				t.Fatalf("got %v", err)
			}
			assertContains(t, err.Error(), addr, "requires SASL authentication")
		}},
		{"wrong password", ServiceUser, map[string]string{"sasl.password": "not-the-password"}, nil, func(t *testing.T, err error) {
			var ae *kafka.AuthError
			if !errors.As(err, &ae) || ae.Problem != kafka.WrongCredentials {
				t.Fatalf("got %v", err)
			}
			assertContains(t, err.Error(), "authentication failed for principal User:wasmstream with mechanism SCRAM-SHA-512", addr,
				"(the broker closed the connection during SASL; wrong password?)")
		}},
		{"principal without the topic ACL", "reader", nil, &kafka.Needs{ReadTopics: []string{"public", "orders"}}, func(t *testing.T, err error) {
			var ae *kafka.ACLError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v", err)
			}
			if ae.Principal != "User:reader" || ae.ResourceType != kmsg.ACLResourceTypeTopic || ae.Resource != "orders" || ae.Operation != kmsg.ACLOperationRead {
				t.Errorf("ACLError %+v", ae)
			}
			assertContains(t, err.Error(), `principal User:reader is not authorized to READ topic "orders"`)
		}},
		{"plaintext client on the TLS listener", ServiceUser, map[string]string{"security.protocol": "SASL_PLAINTEXT"}, nil, func(t *testing.T, err error) {
			var te *kafka.TLSError
			if !errors.As(err, &te) || te.Problem != kafka.PlaintextToTLS {
				t.Fatalf("got %v", err)
			}
			assertContains(t, err.Error(), addr, "expects TLS")
		}},
		{"untrusted CA", ServiceUser, map[string]string{"ssl.truststore.location": other.CAFile()}, nil, func(t *testing.T, err error) {
			var te *kafka.TLSError
			if !errors.As(err, &te) || te.Problem != kafka.UntrustedCertificate {
				t.Fatalf("got %v", err)
			}
			assertContains(t, err.Error(), addr, "not signed by a trusted CA")
		}},
		{"unreachable broker", ServiceUser, map[string]string{"bootstrap.servers": closed, "wasmstream.startup.timeout": "500ms"}, nil, func(t *testing.T, err error) {
			var ce *kafka.ConnectError
			if !errors.As(err, &ce) || ce.Timeout != 500*time.Millisecond {
				t.Fatalf("got %v", err)
			}
			assertContains(t, err.Error(), "no Kafka broker reachable within 500ms", closed, "connection refused")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := userConfig(t, b, tt.user, tt.flags)
			n := needs
			if tt.needs != nil {
				n = *tt.needs
			}
			err := kafka.Preflight(ctx, cfg, n)
			if err == nil {
				t.Fatal("Preflight succeeded")
			}
			pw, _ := config.ParseProperties(mustRead(t, b.PasswordsFile()))
			for _, p := range pw {
				if strings.Contains(err.Error(), p) {
					t.Errorf("error shows a password: %v", err)
				}
			}
			tt.check(t, err)
		})
	}

	// The same denial at produce time, explained with the resource.
	cfg := userConfig(t, b, "reader", nil)
	err := client(t, cfg).ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("x")}).FirstErr()
	err = kafka.Explain(err, cfg, kafka.Topic("orders", kmsg.ACLOperationWrite))
	var ae *kafka.ACLError
	if !errors.As(err, &ae) || ae.Resource != "orders" || ae.Operation != kmsg.ACLOperationWrite {
		t.Errorf("produce without ACL: %v", err)
	}
}

func assertContains(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}

func TestAddACL(t *testing.T) {
	b := start(t, Options{InMemory: true, Users: []User{{Name: "late"}}})
	ctx := ctxT(t)
	if err := b.CreateTopics(ctx, 1, "reports"); err != nil {
		t.Fatal(err)
	}
	cfg := userConfig(t, b, "late", nil)
	needs := kafka.Needs{ReadTopics: []string{"reports"}, Groups: []string{"late-group"}}
	var ae *kafka.ACLError
	if err := kafka.Preflight(ctx, cfg, needs); !errors.As(err, &ae) {
		t.Fatalf("before AddACL: %v", err)
	}
	acls := append(Allow("User:late", kmsg.ACLResourceTypeTopic, "reports", kmsg.ACLOperationRead),
		Allow("User:late", kmsg.ACLResourceTypeGroup, "late-group", kmsg.ACLOperationRead)...)
	if err := b.AddACL(ctx, acls...); err != nil {
		t.Fatal(err)
	}
	if err := kafka.Preflight(ctx, cfg, needs); err != nil {
		t.Fatalf("after AddACL: %v", err)
	}
}

// TestRestart checks that a second start reuses the CA, the server
// certificate and the passwords, and keeps topics, records, committed
// offsets and ACLs.
func TestRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "broker")
	ctx := ctxT(t)
	opts := Options{StateDir: dir, ServiceID: "svc_", Topics: []string{"events"}, Users: []User{{Name: "analyst"}}}
	b1, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ca1 := mustRead(t, b1.CAFile())
	server1 := mustRead(t, filepath.Join(dir, tlsDir, serverCertFile))
	pw1 := mustRead(t, b1.PasswordsFile())
	if err := b1.CreateTopics(ctx, 1, "events"); err != nil {
		t.Fatal(err)
	}
	// An ACL granted at runtime, which only persistence can bring back.
	if err := b1.AddACL(ctx, Allow("User:analyst", kmsg.ACLResourceTypeTopic, "events", kmsg.ACLOperationRead)...); err != nil {
		t.Fatal(err)
	}
	cfg1 := userConfig(t, b1, ServiceUser, nil)
	cl := client(t, cfg1, kgo.ConsumeTopics("events"), kgo.ConsumerGroup("svc_restart"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	for _, v := range []string{"a", "b"} {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "events", Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	// Consume the first record only and commit it.
	got := ""
	for got == "" {
		fs := cl.PollRecords(ctx, 1)
		if err := fs.Err0(); err != nil {
			t.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) { got = string(r.Value) })
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	b1.Close()

	b2, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if !bytes.Equal(ca1, mustRead(t, b2.CAFile())) || !bytes.Equal(server1, mustRead(t, filepath.Join(dir, tlsDir, serverCertFile))) {
		t.Errorf("the restart regenerated the certificates")
	}
	if !bytes.Equal(pw1, mustRead(t, b2.PasswordsFile())) {
		t.Errorf("the restart changed the passwords")
	}
	cfg2 := userConfig(t, b2, ServiceUser, nil)
	if err := kafka.Preflight(ctx, cfg2, kafka.Needs{ReadTopics: []string{"events"}, Groups: []string{"svc_restart"}}); err != nil {
		t.Fatalf("Preflight after restart: %v", err)
	}
	if err := kafka.Preflight(ctx, userConfig(t, b2, "analyst", nil), kafka.Needs{ReadTopics: []string{"events"}}); err != nil {
		t.Fatalf("the runtime ACL did not survive the restart: %v", err)
	}
	cl2 := client(t, cfg2, kgo.ConsumeTopics("events"), kgo.ConsumerGroup("svc_restart"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	next := ""
	for next == "" {
		fs := cl2.PollRecords(ctx, 1)
		if err := fs.Err0(); err != nil {
			t.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) { next = string(r.Value) })
	}
	if got != "a" || next != "b" {
		t.Errorf("consumed %q then, after the restart, %q; want a then b", got, next)
	}
}

func TestRenewsServerCertificateForNewHost(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	f1, err := ensureTLS(dir, "127.0.0.1", now)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := ensureTLS(dir, "127.0.0.1", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(f2.generated) != 0 || !f1.server.Leaf.Equal(f2.server.Leaf) {
		t.Errorf("second load generated %v", f2.generated)
	}
	f3, err := ensureTLS(dir, "broker.internal", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(f3.generated) != 1 || f3.generated[0] != "server certificate" || !f3.ca.Equal(f1.ca) || f3.server.Leaf.VerifyHostname("broker.internal") != nil {
		t.Errorf("new host: generated %v", f3.generated)
	}
	f4, err := ensureTLS(dir, "broker.internal", now.Add(serverLifetime))
	if err != nil {
		t.Fatal(err)
	}
	if len(f4.generated) != 1 || f4.server.Leaf.Equal(f3.server.Leaf) {
		t.Errorf("expiring server certificate: generated %v", f4.generated)
	}
}

func TestSASLPlaintextListener(t *testing.T) {
	b := start(t, Options{DisableTLS: true, InMemory: true, Topics: []string{"t"}})
	if b.Protocol() != config.SASLPlaintext || b.CAFile() != "" {
		t.Fatalf("protocol %s, CA %q", b.Protocol(), b.CAFile())
	}
	ctx := ctxT(t)
	if err := b.CreateTopics(ctx, 1, "t"); err != nil {
		t.Fatal(err)
	}
	cfg := userConfig(t, b, ServiceUser, nil)
	if err := client(t, cfg).ProduceSync(ctx, &kgo.Record{Topic: "t", Value: []byte("v")}).FirstErr(); err != nil {
		t.Fatal(kafka.Explain(err, cfg))
	}
}

func TestStartErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"no state dir", Options{}, "no state directory"},
		{"wildcard listen", Options{StateDir: t.TempDir(), Listen: "0.0.0.0:0"}, "specific address"},
		{"bad listen", Options{StateDir: t.TempDir(), Listen: "nope"}, "listen address"},
		{"reserved user", Options{StateDir: t.TempDir(), Users: []User{{Name: AdminUser}}}, "invalid user name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Start(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := start(t, Options{InMemory: true}).ClientConfig("nobody"); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("ClientConfig(nobody): %v", err)
	}
}

// TestKcatInterop produces with kcat (librdkafka, a client nobody here
// wrote) over SASL_SSL with the kcat configuration file the broker writes,
// and reads the record back with franz-go; then the reverse.
func TestKcatInterop(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat is not installed (Debian package kcat); CI installs it")
	}
	b := start(t, Options{InMemory: true, Topics: []string{"interop"}})
	ctx := ctxT(t)
	if err := b.CreateTopics(ctx, 1, "interop"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, kcat, "-F", b.KcatConfigFile(ServiceUser), "-P", "-t", "interop", "-k", "k1")
	cmd.Stdin = strings.NewReader("from-kcat\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}
	cfg := userConfig(t, b, ServiceUser, nil)
	cl := client(t, cfg, kgo.ConsumeTopics("interop"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	var got *kgo.Record
	for got == nil {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatal(kafka.Explain(err, cfg))
		}
		fs.EachRecord(func(r *kgo.Record) { got = r })
	}
	if string(got.Key) != "k1" || string(got.Value) != "from-kcat" {
		t.Errorf("franz-go read %q=%q", got.Key, got.Value)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "interop", Value: []byte("from-franz-go")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd = exec.CommandContext(ctx, kcat, "-F", b.KcatConfigFile(ServiceUser), "-C", "-t", "interop", "-o", "beginning", "-c", "2", "-e", "-q")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kcat -C: %v\n%s", err, stderr.String())
	}
	if string(out) != "from-kcat\nfrom-franz-go\n" {
		t.Errorf("kcat read %q", out)
	}
	// A wrong password is refused for kcat too.
	bad := strings.Replace(string(mustRead(t, b.KcatConfigFile(ServiceUser))), "sasl.password=", "sasl.password=x", 1)
	badFile := filepath.Join(t.TempDir(), "bad.conf")
	if err := os.WriteFile(badFile, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(ctx, kcat, "-F", badFile, "-L", "-m", "1").CombinedOutput(); err == nil {
		t.Errorf("kcat with a wrong password listed metadata:\n%s", out)
	}
}

// TestAdvertisesSaslHandshakeV0 checks the compatibility shim on the wire:
// the ApiVersions answer lists SaslHandshake from version 0 (what
// librdkafka looks for), and franz-go still authenticates (it uses v1).
func TestAdvertisesSaslHandshakeV0(t *testing.T) {
	b := start(t, Options{InMemory: true})
	cfg := userConfig(t, b, ServiceUser, nil)
	resp, err := kmsg.NewPtrApiVersionsRequest().RequestWith(ctxT(t), client(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range resp.ApiKeys {
		if k.ApiKey == int16(kmsg.SASLHandshake) {
			found = true
			if k.MinVersion != 0 || k.MaxVersion < 1 {
				t.Errorf("SaslHandshake %d-%d", k.MinVersion, k.MaxVersion)
			}
		}
	}
	if !found {
		t.Errorf("no SaslHandshake in ApiVersions")
	}
}
