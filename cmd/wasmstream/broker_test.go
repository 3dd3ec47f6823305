package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// syncBuffer is a bytes.Buffer a command writes to on one goroutine while
// the test reads it on another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the buffer contains sub; it fails the test if the
// command ended first (done closed) or a minute passed, which only a hung
// command takes.
func (s *syncBuffer) waitFor(t *testing.T, sub string, done <-chan struct{}) {
	t.Helper()
	deadline := time.After(time.Minute)
	for !strings.Contains(s.String(), sub) {
		select {
		case <-done:
			if strings.Contains(s.String(), sub) {
				return
			}
			t.Fatalf("command ended before printing %q; output:\n%s", sub, s.String())
		case <-deadline:
			t.Fatalf("no %q after a minute; output:\n%s", sub, s.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startCommand runs a wasmstream command in the background; done is closed
// when it ends; stop cancels it and returns its exit code.
func startCommand(t *testing.T, args ...string) (stdout, stderr *syncBuffer, done <-chan struct{}, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	ch := make(chan struct{})
	code := -1
	go func() {
		defer close(ch)
		code = run(ctx, args, stdout, stderr)
	}()
	stop = func() int {
		cancel()
		select {
		case <-ch:
			return code
		case <-time.After(time.Minute):
			t.Errorf("%v did not stop within a minute of its cancellation", args)
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return stdout, stderr, ch, stop
}

// readKcatFile reads a librdkafka configuration file.
func readKcatFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

func TestBrokerCommand(t *testing.T) {
	state := t.TempDir()
	stdout, stderr, done, stop := startCommand(t, "broker", "--state-dir", state, "--listen", "127.0.0.1:0", "--topic", "orders,PAYMENTS", "--in-memory")
	stdout.waitFor(t, "Running", done)
	out := stdout.String()

	addr := regexp.MustCompile(`bootstrap\.servers\s+(\S+)`).FindStringSubmatch(out)
	kcatFile := regexp.MustCompile(`kcat -F (\S+) -L`).FindStringSubmatch(out)
	svcProps := regexp.MustCompile(`wasmstream run --config (\S+)`).FindStringSubmatch(out)
	if addr == nil || kcatFile == nil || svcProps == nil {
		t.Fatalf("output lacks the address, the kcat file or the client properties:\n%s", out)
	}
	for _, want := range []string{"SASL_SSL", "CA certificate", filepath.Join(state, "broker"), "admin", "wasmstream", `"_confluent-ksql-default_", "default_"`, "orders, PAYMENTS"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	kc := readKcatFile(t, kcatFile[1])
	if kc["sasl.password"] == "" || kc["sasl.username"] != "admin" {
		t.Fatalf("kcat file %s lacks the admin credentials", kcatFile[1])
	}
	// Passwords live in files only.
	pwPath := regexp.MustCompile(`passwords\s+(\S+)`).FindStringSubmatch(out)
	if pwPath == nil {
		t.Fatalf("output does not say where the passwords are:\n%s", out)
	}
	pwFile, err := os.ReadFile(pwPath[1])
	if err != nil {
		t.Fatalf("passwords file: %v", err)
	}
	for _, line := range strings.Split(string(pwFile), "\n") {
		if _, pw, ok := strings.Cut(line, "="); ok && len(pw) > 4 && (strings.Contains(out, pw) || strings.Contains(stderr.String(), pw)) {
			t.Fatalf("the output shows a password")
		}
	}

	t.Run("franz-go with the kcat file's credentials", func(t *testing.T) {
		cl := adminClient(t, kc, kgo.ConsumeTopics("orders"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("hello")}).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
		fetches := cl.PollFetches(ctx)
		if err := fetches.Err(); err != nil {
			t.Fatalf("consume: %v", err)
		}
		if recs := fetches.Records(); len(recs) != 1 || string(recs[0].Value) != "hello" {
			t.Fatalf("consumed %d records, want the one produced", len(recs))
		}
	})

	t.Run("wasmstream user through the printed properties file", func(t *testing.T) {
		cfg, _, err := config.Load(config.Options{File: svcProps[1], Environ: []string{}, Flags: map[string]string{"wasmstream.startup.timeout": "10s"}})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Security.SASL.Username != "wasmstream" {
			t.Fatalf("user %q", cfg.Security.SASL.Username)
		}
		if err := kafka.Preflight(context.Background(), cfg, kafka.Needs{ReadTopics: []string{"orders", "PAYMENTS"}, Groups: []string{"default_q1"}}); err != nil {
			t.Fatalf("Preflight as wasmstream: %v", err)
		}
	})

	t.Run("kcat", func(t *testing.T) {
		path, err := exec.LookPath("kcat")
		if err != nil {
			t.Skip("kcat is not installed (Debian package kcat); CI installs it")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		got, err := exec.CommandContext(ctx, path, "-F", kcatFile[1], "-L").CombinedOutput()
		if err != nil {
			t.Fatalf("kcat -L: %v\n%s", err, got)
		}
		if !strings.Contains(string(got), `topic "orders"`) {
			t.Errorf("kcat -L does not list orders:\n%s", got)
		}
	})

	t.Run("the printed wasmstream run line works", func(t *testing.T) {
		// What the broker prints for wasmstream: run a query with the
		// service user's properties file on topics granted with --topic.
		script := filepath.Join(t.TempDir(), "q.sql")
		sql := `SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM payments AS SELECT id, amount * 2 AS doubled FROM orders WHERE amount > 10;`
		if err := os.WriteFile(script, []byte(sql), 0o600); err != nil {
			t.Fatal(err)
		}
		cl := adminClient(t, kc, kgo.ConsumeTopics("PAYMENTS"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for i, v := range []string{`{"AMOUNT":5}`, `{"AMOUNT":21}`} {
			key := []byte{0, 0, 0, byte(i)}
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "orders", Key: key, Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatalf("produce: %v", err)
			}
		}
		runOut, runErr, runDone, stopRun := startCommand(t, "run", "--config", svcProps[1], "--set", "wasmstream.status.interval=0", script)
		runOut.waitFor(t, "Query ", runDone)
		var got []string
		for len(got) == 0 && ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			fs.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
		}
		if code := stopRun(); code != 0 {
			t.Errorf("run: exit %d; stderr:\n%s", code, runErr.String())
		}
		if len(got) != 1 || got[0] != `{"DOUBLED":42}` {
			t.Fatalf("PAYMENTS holds %q, want one {\"DOUBLED\":42}; run's stderr:\n%s", got, runErr.String())
		}
	})

	if code := stop(); code != 0 {
		t.Errorf("exit code %d after interruption; stderr:\n%s", code, stderr.String())
	}
}

// adminClient connects with the credentials of a kcat file.
func adminClient(t *testing.T, kc map[string]string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	ca, err := os.ReadFile(kc["ssl.ca.location"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		t.Fatal("CA file holds no certificate")
	}
	cl, err := kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(strings.Split(kc["bootstrap.servers"], ",")...),
		kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
		kgo.SASL(scram.Auth{User: kc["sasl.username"], Pass: kc["sasl.password"]}.AsSha512Mechanism()),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func TestBrokerCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unspecified listen address", []string{"broker", "--state-dir", t.TempDir(), "--listen", "0.0.0.0:0"}, 1, "give a specific address"},
		{"stray argument", []string{"broker", "extra"}, 2, `unexpected argument "extra"`},
		{"bad flag", []string{"broker", "--nope"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}
