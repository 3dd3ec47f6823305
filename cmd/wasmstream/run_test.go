package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/host/kafka"
	"github.com/wasmstream/wasmstream/sql2wasm"
)

// The seed-shaped stateless query over JSON mortgages.
const runQuery = `
CREATE STREAM qualified WITH (kafka_topic='qualified') AS
  SELECT k, client_id, city, action FROM mortgages WHERE type = 'Residential' AND credit_score > 750;
`

const runSource = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM mortgages (k VARCHAR KEY, client_id INT, city VARCHAR, action VARCHAR, type VARCHAR, credit_score INT)
  WITH (kafka_topic='mortgages', value_format='JSON'%s);
`

func writeScript(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "queries.sql")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readTopic reads n records of topic from the start with cfg's
// credentials, as key=value lines, sorted.
func readTopic(t *testing.T, cfg *config.Config, topic string, n int) []string {
	t.Helper()
	opts, err := kafka.ClientOpts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, kgo.ConsumeTopics(topic), kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []string
	for len(out) < n && ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) { out = append(out, string(r.Key)+"="+string(r.Value)) })
	}
	sort.Strings(out)
	return out
}

// TestRunEmbeddedBroker runs a script with no bootstrap.servers: run starts
// the embedded secured broker in the state directory, creates the source
// topic (PARTITIONS), produces its INSERT ... VALUES rows and runs the
// query, until it is stopped.
func TestRunEmbeddedBroker(t *testing.T) {
	state := t.TempDir()
	script := writeScript(t, fmt.Sprintf(runSource, ", partitions=2")+`
INSERT INTO mortgages (k, client_id, city, action, type, credit_score) VALUES ('a', 1, 'Paris', 'buy', 'Residential', 800);
INSERT INTO mortgages (k, client_id, city, action, type, credit_score) VALUES ('b', 2, 'Lyon', 'sell', 'Commercial', 800);
INSERT INTO mortgages (k, client_id, city, action, type, credit_score) VALUES ('c', 3, 'Nice', 'buy', 'Residential', 700);
INSERT INTO mortgages (k, client_id, city, action, type, credit_score) VALUES ('d', 4, 'Lille', 'rent', 'Residential', 751);
`+runQuery)
	stdout, stderr, done, stop := startCommand(t, "run", "--state-dir", state, "--broker-listen", "127.0.0.1:0",
		"--set", "wasmstream.status.interval=50ms", script)
	stdout.waitFor(t, "out 2,", done)

	// Read the output as the broker's admin, with the client file the
	// embedded broker wrote.
	cfg, _, err := config.Load(config.Options{File: filepath.Join(embeddedBrokerDir(state), "client-"+broker.AdminUser+".properties"), Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	got := readTopic(t, cfg, "qualified", 2)
	want := []string{
		`a={"CLIENT_ID":1,"CITY":"Paris","ACTION":"buy"}`,
		`d={"CLIENT_ID":4,"CITY":"Lille","ACTION":"rent"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("qualified:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, w := range []string{"Embedded Kafka broker at", "connecting as wasmstream", "consumer group _confluent-ksql-default_query_CSAS_QUALIFIED_0, at-least-once)", "wasmstream run: stopped"} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out)
		}
	}
}

// TestRunKcatInterop produces the input with kcat over SASL_SSL, runs the
// query with `wasmstream run --config` on the service user's client file,
// and consumes the output with kcat.
func TestRunKcatInterop(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat is not installed (Debian package kcat); CI installs it")
	}
	ctx := context.Background()
	b, err := broker.Start(ctx, broker.Options{
		StateDir: t.TempDir(),
		Prefixes: []string{"default_", "_confluent-ksql-default_"},
		Topics:   []string{"mortgages", "qualified"},
		InMemory: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.CreateTopics(ctx, 3, "mortgages"); err != nil {
		t.Fatal(err)
	}
	var input strings.Builder
	var want []string
	for i := range 60 {
		typ := "Residential"
		if i%4 == 0 {
			typ = "Commercial"
		}
		score := 700 + (i*7)%100
		fmt.Fprintf(&input, "k%d|{\"CLIENT_ID\":%d,\"CITY\":\"c%d\",\"ACTION\":\"a%d\",\"TYPE\":\"%s\",\"CREDIT_SCORE\":%d}\n", i, i, i%5, i, typ, score)
		if typ == "Residential" && score > 750 {
			want = append(want, fmt.Sprintf(`k%d={"CLIENT_ID":%d,"CITY":"c%d","ACTION":"a%d"}`, i, i, i%5, i))
		}
	}
	sort.Strings(want)
	kctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	prod := exec.CommandContext(kctx, kcat, "-F", b.KcatConfigFile(broker.AdminUser), "-P", "-t", "mortgages", "-K", "|")
	prod.Stdin = strings.NewReader(input.String())
	if out, err := prod.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}

	script := writeScript(t, fmt.Sprintf(runSource, "")+runQuery)
	stdout, stderr, done, stop := startCommand(t, "run", "--config", b.ClientPropertiesFile(broker.ServiceUser),
		"--set", "wasmstream.status.interval=50ms", script)
	stdout.waitFor(t, fmt.Sprintf("out %d,", len(want)), done)

	cons := exec.CommandContext(kctx, kcat, "-F", b.KcatConfigFile(broker.AdminUser), "-C", "-t", "qualified",
		"-o", "beginning", "-e", "-q", "-f", `%k=%s\n`)
	out, err := cons.Output()
	if err != nil {
		t.Fatalf("kcat -C: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("kcat read from qualified:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if !regexp.MustCompile(`CSAS_QUALIFIED_\d+ STOPPED: in 60, out ` + fmt.Sprint(len(want))).MatchString(stdout.String()) {
		t.Errorf("no final status line with in 60, out %d:\n%s", len(want), stdout.String())
	}
}

func TestRunUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.sql")
	noQuery := writeScript(t, fmt.Sprintf(runSource, ", partitions=1"))
	bad := writeScript(t, "CREATE STREAM oops AS SELEC x FROM y;")
	notModule := filepath.Join(t.TempDir(), "q.wasm")
	if err := os.WriteFile(notModule, []byte("not wasm"), 0o600); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	query := writeScript(t, fmt.Sprintf(runSource, ", partitions=1")+runQuery)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"broker port in use", []string{"run", "--state-dir", t.TempDir(), "--broker-listen", busy.Addr().String(), query}, 1, "connect to it instead: --config "},
		{"no script", []string{"run"}, 2, "no script given"},
		{"missing file", []string{"run", missing}, 1, "missing.sql"},
		{"missing module", []string{"run", filepath.Join(t.TempDir(), "q.wasm")}, 1, "q.wasm"},
		{"not a module", []string{"run", notModule}, 1, "q.wasm"},
		{"no persistent query", []string{"run", noQuery}, 1, "start no persistent query"},
		{"bad sql", []string{"run", bad}, 1, "queries.sql"},
		{"bad config value", []string{"run", "--set", "wasmstream.status.interval=soon", noQuery}, 1, "wasmstream.status.interval"},
		{"negative idle flag", []string{"run", "--emit-final-idle", "-1s", query}, 2, "--emit-final-idle -1s: must not be negative"},
		{"idle key not a number", []string{"run", "--set", emitFinalIdleKey + "=soon", query}, 1, emitFinalIdleKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("code %d, stderr %q; want code %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}

// TestRunModule runs a query compiled by sql2wasm (a .wasm file): its
// manifest carries the source and sink, no script is needed.
func TestRunModule(t *testing.T) {
	res, err := sql2wasm.CompileScript("q.sql", fmt.Sprintf(runSource, "")+runQuery)
	if err != nil {
		t.Fatal(err)
	}
	var module []byte
	for _, r := range res {
		if r.Kind == sql2wasm.Query {
			module = r.Module
		}
	}
	path := filepath.Join(t.TempDir(), "qualified.wasm")
	if err := os.WriteFile(path, module, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b, err := broker.Start(ctx, broker.Options{
		StateDir: t.TempDir(),
		Prefixes: []string{"default_", "_confluent-ksql-default_"},
		Topics:   []string{"mortgages", "qualified"},
		InMemory: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.CreateTopics(ctx, 2, "mortgages"); err != nil {
		t.Fatal(err)
	}
	props, err := b.ClientConfig(broker.AdminUser)
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := config.Load(config.Options{Defaults: props, Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	opts, err := kafka.ClientOpts(admin)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx,
		&kgo.Record{Topic: "mortgages", Key: []byte("x"), Value: []byte(`{"CLIENT_ID":7,"CITY":"Oslo","ACTION":"buy","TYPE":"Residential","CREDIT_SCORE":790}`)},
		&kgo.Record{Topic: "mortgages", Key: []byte("y"), Value: []byte(`{"CLIENT_ID":8,"CITY":"Bergen","ACTION":"buy","TYPE":"Residential","CREDIT_SCORE":600}`)},
	).FirstErr(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, done, stop := startCommand(t, "run", "--config", b.ClientPropertiesFile(broker.ServiceUser),
		"--set", "wasmstream.status.interval=50ms", "--set", "ksql.streams.auto.offset.reset=earliest", path)
	stdout.waitFor(t, "in 2, out 1,", done)
	got := readTopic(t, admin, "qualified", 1)
	if want := `x={"CLIENT_ID":7,"CITY":"Oslo","ACTION":"buy"}`; strings.Join(got, "\n") != want {
		t.Errorf("qualified: %q, want %q", got, want)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
}

// TestRunEmitFinalIdle checks where run's EMIT FINAL idle close comes from:
// wasmstream.emit.final.idle.ms in the configuration, overridden by
// --emit-final-idle, and that the value in effect is what SHOW PROPERTIES
// lists.
func TestRunEmitFinalIdle(t *testing.T) {
	props := func(content string) string {
		p := filepath.Join(t.TempDir(), "ksql.properties")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	withKey := props(emitFinalIdleKey + "=30000\n")
	tests := []struct {
		name      string
		args      []string
		want      time.Duration
		wantShown string // the entry's value
		wantErr   string // configure's or Load's error, if any
	}{
		{name: "default: off", want: 0, wantShown: "0"},
		{name: "the key", args: []string{"--config", withKey}, want: 30 * time.Second, wantShown: "30000"},
		{name: "the key through --set", args: []string{"--set", emitFinalIdleKey + "=1500"}, want: 1500 * time.Millisecond, wantShown: "1500"},
		{name: "flag over the key", args: []string{"--config", withKey, "--emit-final-idle", "2s"}, want: 2 * time.Second, wantShown: "2000"},
		{name: "flag 0 turns the key off", args: []string{"--config", withKey, "--emit-final-idle", "0"}, want: 0, wantShown: "0"},
		{name: "flag over --set, in either order", args: []string{"--emit-final-idle", "1m", "--set", emitFinalIdleKey + "=5"}, want: time.Minute, wantShown: "60000"},
		{name: "below a millisecond stays on", args: []string{"--emit-final-idle", "1500us"}, want: 2 * time.Millisecond, wantShown: "2"},
		{name: "negative flag", args: []string{"--emit-final-idle", "-1s"}, wantErr: "--emit-final-idle -1s: must not be negative"},
		{name: "negative key", args: []string{"--set", emitFinalIdleKey + "=-1"}, wantErr: emitFinalIdleKey},
		{name: "key not a number", args: []string{"--config", props(emitFinalIdleKey + "=30s\n")}, wantErr: emitFinalIdleKey + " (from file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("run", flag.ContinueOnError)
			var cf configFlags
			cf.register(fs)
			var rf runFlags
			rf.register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := rf.configure(fs, &cf)
			var cfg *config.Config
			if err == nil {
				cfg, err = cf.load("run", nil, io.Discard)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			opts := liveOptions(cfg, nil, io.Discard, nil, nil, false)
			if opts.EmitFinalIdle != tt.want {
				t.Errorf("live.Options.EmitFinalIdle = %v, want %v", opts.EmitFinalIdle, tt.want)
			}
			var shown string
			for _, e := range cfg.Entries() {
				if e.Key == emitFinalIdleKey {
					shown = e.Value
				}
			}
			if shown != tt.wantShown {
				t.Errorf("SHOW PROPERTIES lists %s = %q, want %q", emitFinalIdleKey, shown, tt.wantShown)
			}
		})
	}
}
