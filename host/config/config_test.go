package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// load loads with a controlled environment (never the test process's).
func load(t *testing.T, opts Options) (*Config, []Warning) {
	t.Helper()
	if opts.Environ == nil {
		opts.Environ = []string{"HOME=/home/test"}
	}
	cfg, warns, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg, warns
}

func entry(t *testing.T, cfg *Config, key string) Entry {
	t.Helper()
	for _, e := range cfg.Entries() {
		if e.Key == key {
			return e
		}
	}
	t.Fatalf("no entry %s", key)
	return Entry{}
}

func TestEnvKey(t *testing.T) {
	tests := []struct {
		name, prefix string
		want         string
		ok           bool
	}{
		{"KSQL_BOOTSTRAP_SERVERS", EnvPrefixKSQL, "bootstrap.servers", true},
		{"KSQL_KSQL_SERVICE_ID", EnvPrefixKSQL, "ksql.service.id", true},
		{"KSQL_KSQL_STREAMS_PRODUCER_LINGER_MS", EnvPrefixKSQL, "ksql.streams.producer.linger.ms", true},
		{"KSQL_SASL_JAAS_CONFIG", EnvPrefixKSQL, "sasl.jaas.config", true},
		{"KSQL_A__B", EnvPrefixKSQL, "a_b", true},
		{"KSQL_A___B", EnvPrefixKSQL, "a-b", true},
		{"KSQL_A____B", EnvPrefixKSQL, "a-_b", true},
		{"KSQL_A______B", EnvPrefixKSQL, "a--b", true},
		{"KSQL_CONFLUENT_SUPPORT_METRICS_ENABLE", EnvPrefixKSQL, "confluent.support.metrics.enable", true},
		{"KSQL_OPTS", EnvPrefixKSQL, "", false},
		{"KSQL_HEAP_OPTS", EnvPrefixKSQL, "", false},
		{"KSQL_LOG4J_ROOT_LOGLEVEL", EnvPrefixKSQL, "", false},
		{"KSQL_", EnvPrefixKSQL, "", false},
		{"ksql_bootstrap_servers", EnvPrefixKSQL, "", false},
		{"KAFKA_BOOTSTRAP_SERVERS", EnvPrefixKSQL, "", false},
		{"WASMSTREAM_BOOTSTRAP_SERVERS", EnvPrefixWasmstream, "bootstrap.servers", true},
		{"WASMSTREAM_OPTS", EnvPrefixWasmstream, "opts", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := EnvKey(tt.name, tt.prefix)
			if got != tt.want || ok != tt.ok {
				t.Errorf("EnvKey(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	const key = "ksql.service.id"
	tests := []struct {
		name      string
		defaults  bool
		file      bool
		ksqlEnv   bool
		ownEnv    bool
		flag      bool
		want      string
		wantLayer Layer
	}{
		{name: "built-in default", want: "default_", wantLayer: LayerDefault},
		{name: "options defaults", defaults: true, want: "from_defaults", wantLayer: LayerDefault},
		{name: "file over defaults", defaults: true, file: true, want: "from_file", wantLayer: LayerFile},
		{name: "KSQL env over file", file: true, ksqlEnv: true, want: "from_ksql_env", wantLayer: LayerKSQLEnv},
		{name: "WASMSTREAM env over KSQL env", file: true, ksqlEnv: true, ownEnv: true, want: "from_own_env", wantLayer: LayerWasmstreamEnv},
		{name: "flag over everything", defaults: true, file: true, ksqlEnv: true, ownEnv: true, flag: true, want: "from_flag", wantLayer: LayerFlag},
		{name: "flag over file alone", file: true, flag: true, want: "from_flag", wantLayer: LayerFlag},
		{name: "own env without KSQL env", file: true, ownEnv: true, want: "from_own_env", wantLayer: LayerWasmstreamEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Environ: []string{"HOME=/h"}}
			if tt.defaults {
				opts.Defaults = map[string]string{key: "from_defaults"}
			}
			if tt.file {
				opts.File = writeFile(t, "ksql.properties", key+"=from_file\n")
			}
			if tt.ksqlEnv {
				opts.Environ = append(opts.Environ, "KSQL_KSQL_SERVICE_ID=from_ksql_env")
			}
			if tt.ownEnv {
				opts.Environ = append(opts.Environ, "WASMSTREAM_KSQL_SERVICE_ID=from_own_env")
			}
			if tt.flag {
				opts.Flags = map[string]string{key: "from_flag"}
			}
			cfg, _ := load(t, opts)
			if cfg.ServiceID != tt.want {
				t.Errorf("ServiceID = %q, want %q", cfg.ServiceID, tt.want)
			}
			if e := entry(t, cfg, key); e.Source.Layer != tt.wantLayer {
				t.Errorf("source %v, want layer %d", e.Source, tt.wantLayer)
			}
		})
	}
}

func TestEnvSourceNamesVariable(t *testing.T) {
	cfg, _ := load(t, Options{Environ: []string{"HOME=/h", "KSQL_BOOTSTRAP_SERVERS=k:9092", "WASMSTREAM_STATE_DIR=/var/ws"}})
	if got := entry(t, cfg, "bootstrap.servers").Source.String(); got != "env KSQL_BOOTSTRAP_SERVERS" {
		t.Errorf("source %q", got)
	}
	if cfg.StateDir != "/var/ws" {
		t.Errorf("WASMSTREAM_STATE_DIR gave StateDir %q, want /var/ws", cfg.StateDir)
	}
	if got := entry(t, cfg, "wasmstream.state.dir").Source.String(); got != "env WASMSTREAM_STATE_DIR" {
		t.Errorf("source %q", got)
	}
}

func TestClientKeySpecificity(t *testing.T) {
	file := writeFile(t, "ksql.properties", `
linger.ms=1
ksql.streams.linger.ms=2
ksql.streams.producer.linger.ms=3
fetch.max.bytes=100
ksql.streams.fetch.max.bytes=200
max.partition.fetch.bytes=7
ksql.streams.auto.offset.reset=earliest
ksql.streams.consumer.auto.offset.reset=latest
`)
	cfg, _ := load(t, Options{File: file})
	if got := cfg.Producer.Linger; !got.Set || got.Value != 3*time.Millisecond {
		t.Errorf("Linger %+v, want 3ms from ksql.streams.producer.linger.ms", got)
	}
	if got := cfg.Consumer.FetchMaxBytes; !got.Set || got.Value != 200 {
		t.Errorf("FetchMaxBytes %+v, want 200 from ksql.streams.fetch.max.bytes", got)
	}
	if got := cfg.Consumer.MaxPartitionFetchBytes; !got.Set || got.Value != 7 {
		t.Errorf("MaxPartitionFetchBytes %+v, want 7", got)
	}
	if got := cfg.Consumer.AutoOffsetReset; got.Value != "latest" {
		t.Errorf("AutoOffsetReset %+v, want latest", got)
	}
	if cfg.Producer.BatchSize.Set {
		t.Errorf("BatchSize set without any key")
	}
}

func TestKnownKeysDefaults(t *testing.T) {
	cfg, warns := load(t, Options{Environ: []string{"XDG_STATE_HOME=/xdg"}})
	if len(warns) != 0 {
		t.Errorf("warnings on an empty configuration: %v", warns)
	}
	if cfg.StartupTimeout != 10*time.Second || cfg.StatusInterval != 10*time.Second ||
		cfg.BatchDeadline != 5*time.Second || cfg.ModuleMemoryLimit != 64<<20 {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.StateDir != "/xdg/wasmstream" || cfg.ServiceID != "default_" || cfg.Security.Protocol != Plaintext {
		t.Errorf("defaults: state dir %q service id %q protocol %q", cfg.StateDir, cfg.ServiceID, cfg.Security.Protocol)
	}
	if len(cfg.BootstrapServers) != 0 {
		t.Errorf("bootstrap servers %v without configuration", cfg.BootstrapServers)
	}
}

func TestOwnKeys(t *testing.T) {
	cfg, _ := load(t, Options{Flags: map[string]string{
		"wasmstream.startup.timeout":     "2500",
		"wasmstream.status.interval":     "0",
		"wasmstream.module.memory.limit": "512KiB",
		"wasmstream.batch.deadline":      "1m30s",
		"wasmstream.state.dir":           "/s",
	}})
	if cfg.StartupTimeout != 2500*time.Millisecond || cfg.StatusInterval != 0 || cfg.ModuleMemoryLimit != 512<<10 ||
		cfg.BatchDeadline != 90*time.Second || cfg.StateDir != "/s" {
		t.Errorf("got %v %v %v %v %q", cfg.StartupTimeout, cfg.StatusInterval, cfg.ModuleMemoryLimit, cfg.BatchDeadline, cfg.StateDir)
	}
}

func TestEmitFinalIdleKey(t *testing.T) {
	const key = "wasmstream.emit.final.idle.ms"
	tests := []struct {
		name    string
		file    string // properties file content, if any
		environ []string
		flags   map[string]string
		want    time.Duration
		layer   Layer // the entry's source
	}{
		{name: "default: off, as ksqlDB", want: 0, layer: LayerDefault},
		{name: "file", file: key + "=30000\n", want: 30 * time.Second, layer: LayerFile},
		{name: "zero in the file", file: key + " = 0\n", want: 0, layer: LayerFile},
		{name: "WASMSTREAM_ env without the repeated prefix", environ: []string{"WASMSTREAM_EMIT_FINAL_IDLE_MS=1500"},
			want: 1500 * time.Millisecond, layer: LayerWasmstreamEnv},
		{name: "flag over file", file: key + "=30000\n", flags: map[string]string{key: "250"}, want: 250 * time.Millisecond, layer: LayerFlag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Environ: append([]string{"HOME=/h"}, tt.environ...), Flags: tt.flags}
			if tt.file != "" {
				opts.File = writeFile(t, "ksql.properties", tt.file)
			}
			cfg, warns := load(t, opts)
			if len(warns) != 0 {
				t.Errorf("warnings: %v", warns)
			}
			if cfg.EmitFinalIdle != tt.want {
				t.Errorf("EmitFinalIdle = %v, want %v", cfg.EmitFinalIdle, tt.want)
			}
			// SHOW PROPERTIES and `wasmstream config show` list it.
			e := entry(t, cfg, key)
			if e.Source.Layer != tt.layer {
				t.Errorf("source %v, want layer %d", e.Source, tt.layer)
			}
			if !strings.Contains(cfg.Redacted(), key) {
				t.Errorf("Show does not list %s:\n%s", key, cfg.Redacted())
			}
		})
	}
}

func TestEmitFinalIdleKeyErrorNamesFile(t *testing.T) {
	file := writeFile(t, "ksql.properties", "wasmstream.emit.final.idle.ms=ten seconds\n")
	_, _, err := Load(Options{Environ: []string{}, File: file})
	if err == nil {
		t.Fatal("Load accepted wasmstream.emit.final.idle.ms=ten seconds")
	}
	for _, want := range []string{"wasmstream.emit.final.idle.ms", `"ten seconds"`, file, "integer number of milliseconds"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestStreamsStateDirFallback(t *testing.T) {
	cfg, _ := load(t, Options{Flags: map[string]string{"ksql.streams.state.dir": "/ksql/state"}})
	if cfg.StateDir != "/ksql/state" {
		t.Errorf("StateDir %q, want ksql.streams.state.dir", cfg.StateDir)
	}
	cfg, _ = load(t, Options{Flags: map[string]string{"ksql.streams.state.dir": "/ksql/state", "wasmstream.state.dir": "/own"}})
	if cfg.StateDir != "/own" {
		t.Errorf("StateDir %q, want wasmstream.state.dir to win", cfg.StateDir)
	}
}

func TestWarnings(t *testing.T) {
	file := writeFile(t, "ksql.properties", `
bootstrap.servers=b:9092
foo.bar=1
listeners=http://0.0.0.0:8088
ksql.logging.processing.topic.auto.create=true
ksql.streams.num.stream.threads=4
ksql.streams.producer.security.protocol=SSL
commit.interval.ms=100
ssl.truststore.location=/ca.jks
enable.auto.commit=true
`)
	_, warns := load(t, Options{File: file})
	got := map[string]string{}
	for _, w := range warns {
		got[w.Key] = w.Message
		if w.Source.Layer != LayerFile {
			t.Errorf("warning %v has source %v", w, w.Source)
		}
	}
	want := map[string]string{
		"foo.bar":   "unknown key",
		"listeners": "no effect",
		"ksql.logging.processing.topic.auto.create": "ksqlDB setting wasmstream does not use",
		"ksql.streams.num.stream.threads":           "no effect",
		"ksql.streams.producer.security.protocol":   "apply to every client",
		"commit.interval.ms":                        "ksql.streams.commit.interval.ms",
		"ssl.truststore.location":                   "does not use TLS",
		"enable.auto.commit":                        "commits offsets itself",
	}
	for k, sub := range want {
		if !strings.Contains(got[k], sub) {
			t.Errorf("warning for %s = %q, want it to contain %q", k, got[k], sub)
		}
	}
	if len(got) != len(want) {
		t.Errorf("warnings for %v, want exactly %v", slices.Sorted(mapsKeys(got)), slices.Sorted(mapsKeys(want)))
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestInvalidValues(t *testing.T) {
	tests := []struct {
		key, value string
		reason     string
	}{
		{"bootstrap.servers", "localhost", "host:port"},
		{"bootstrap.servers", "h:99999", "ports 1-65535"},
		{"security.protocol", "TLS", "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"},
		{"linger.ms", "-1", "at least 0"},
		{"linger.ms", "5ms", "integer number of milliseconds"},
		{"ksql.streams.producer.batch.size", "big", "integer"},
		{"acks", "2", "all, -1, 0, 1"},
		{"compression.type", "brotli", "none, gzip"},
		{"enable.idempotence", "yes", "true or false"},
		{"auto.offset.reset", "smallest", "earliest, latest, none"},
		{"ksql.streams.consumer.fetch.max.bytes", "0", "between 1 and"},
		{"ksql.service.id", "my service", "letters, digits"},
		{"ksql.streams.processing.guarantee", "twice", "at_least_once"},
		{"ssl.truststore.type", "BKS", "JKS, PKCS12, PEM"},
		{"ssl.enabled.protocols", "TLSv1.1", "TLSv1.2, TLSv1.3"},
		{"sasl.mechanism", "CRAM-MD5", "PLAIN, SCRAM-SHA-256"},
		{"wasmstream.startup.timeout", "soon", "duration"},
		{"wasmstream.startup.timeout", "0s", "positive"},
		{"wasmstream.status.interval", "-1s", "not be negative"},
		{"wasmstream.module.memory.limit", "1KiB", "between 64KiB and 4GiB"},
		{"wasmstream.module.memory.limit", "lots", "size"},
		{"wasmstream.state.dir", " ", "file path"},
		{"wasmstream.emit.final.idle.ms", "-1", "at least 0 milliseconds"},
		{"wasmstream.emit.final.idle.ms", "30s", "integer number of milliseconds"},
		{"wasmstream.emit.final.idle.ms", "soon", "integer number of milliseconds"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			_, _, err := Load(Options{Environ: []string{}, Flags: map[string]string{tt.key: tt.value}})
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ValueError", err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid")
			}
			if ve.Key != tt.key || !strings.Contains(err.Error(), tt.key) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.value)) {
				t.Errorf("error %q does not name key %s and value %q", err, tt.key, tt.value)
			}
			if !strings.Contains(ve.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", ve.Reason, tt.reason)
			}
		})
	}
}

func TestInvalidValuesAllReported(t *testing.T) {
	_, _, err := Load(Options{Environ: []string{}, Flags: map[string]string{"linger.ms": "x", "acks": "x", "batch.size": "x"}})
	for _, k := range []string{"linger.ms", "acks", "batch.size"} {
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("error %v does not name %s", err, k)
		}
	}
}

func TestSecretReferences(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	propsFile := filepath.Join(dir, "secrets.properties")
	if err := os.WriteFile(propsFile, []byte("kafka.password=from-props\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=/h", "PW=from-env", "BROKERS=b1:9092,b2:9092"}
	tests := []struct {
		name, value, want string
	}{
		{"env", "${env:PW}", "from-env"},
		{"file trims newline", "${file:" + pwFile + "}", "from-file"},
		{"file properties key", "${file:" + propsFile + ":kafka.password}", "from-props"},
		{"embedded", "x-${env:PW}-${file:" + pwFile + "}-y", "x-from-env-from-file-y"},
		{"unknown provider kept", "${vault:secret/x}", "${vault:secret/x}"},
		{"unterminated kept", "${env:PW", "${env:PW"},
		{"no reference", "plain", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := load(t, Options{Environ: env, Flags: map[string]string{
				"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
				"sasl.username": "u", "sasl.password": tt.value,
			}})
			if got := cfg.Security.SASL.Password.Reveal(); got != tt.want {
				t.Errorf("password %q, want %q", got, tt.want)
			}
			wantRef := strings.Contains(tt.value, "${env:") && tt.name != "unterminated kept" || strings.Contains(tt.value, "${file:")
			if e := entry(t, cfg, "sasl.password"); e.Source.Ref != wantRef || e.Value != Hidden {
				t.Errorf("entry %+v, want Ref %v and the value hidden", e, wantRef)
			}
		})
	}
	cfg, _ := load(t, Options{Environ: env, Flags: map[string]string{"bootstrap.servers": "${env:BROKERS}"}})
	if !slices.Equal(cfg.BootstrapServers, []string{"b1:9092", "b2:9092"}) {
		t.Errorf("bootstrap servers %v", cfg.BootstrapServers)
	}
	if e := entry(t, cfg, "bootstrap.servers"); !e.Source.Ref || e.Value != "b1:9092,b2:9092" {
		t.Errorf("entry %+v: want the resolved value and Ref", e)
	}
}

func TestSecretReferenceErrors(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"missing env", "${env:NOPE}", "environment variable NOPE is not set"},
		{"missing file", "${file:/nonexistent/pw}", "/nonexistent/pw"},
		{"missing key", "${file:%s:nokey}", `has no key "nokey"`},
	}
	props := writeFile(t, "s.properties", "other=1\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.value
			if strings.Contains(v, "%s") {
				v = fmt.Sprintf(v, props)
			}
			_, _, err := Load(Options{Environ: []string{}, Flags: map[string]string{"sasl.password": v}})
			if !errors.Is(err, ErrReference) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrReference inside ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), "sasl.password") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q should name sasl.password and say %q", err, tt.want)
			}
		})
	}
}

func TestYAML(t *testing.T) {
	file := writeFile(t, "wasmstream.yaml", `
bootstrap.servers: [b1:9092, "b2:9092"]
ksql:
  service.id: svc_
  streams:
    producer:
      linger.ms: 7
security.protocol: SASL_SSL
sasl:
  mechanism: PLAIN
  username: alice
  password: ${env:PW}
ssl.endpoint.identification.algorithm: ""
wasmstream.startup.timeout: 3s
`)
	cfg, warns := load(t, Options{File: file, Environ: []string{"PW=pw", "HOME=/h"}})
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if !slices.Equal(cfg.BootstrapServers, []string{"b1:9092", "b2:9092"}) || cfg.ServiceID != "svc_" ||
		cfg.Producer.Linger.Value != 7*time.Millisecond || cfg.Security.SASL.Username != "alice" ||
		cfg.Security.SASL.Password.Reveal() != "pw" || cfg.Security.TLS.VerifyHostname || cfg.StartupTimeout != 3*time.Second {
		t.Errorf("YAML gave %+v", cfg)
	}
}

func TestFileErrors(t *testing.T) {
	if _, _, err := Load(Options{File: "/nonexistent/ksql.properties", Environ: []string{}}); err == nil || !strings.Contains(err.Error(), "/nonexistent/ksql.properties") {
		t.Errorf("missing file: %v", err)
	}
	bad := writeFile(t, "bad.properties", "a=1\nb=\\uZZZZ\n")
	if _, _, err := Load(Options{File: bad, Environ: []string{}}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad file: %v", err)
	}
}

func TestSecurity(t *testing.T) {
	const plainJAAS = `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-pw";`
	const scramJAAS = `org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="bob-pw";`
	tests := []struct {
		name  string
		flags map[string]string
		check func(t *testing.T, s Security)
	}{
		{"plain from jaas, mechanism inferred", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": plainJAAS},
			func(t *testing.T, s Security) {
				if s.SASL.Mechanism != MechanismPlain || s.SASL.Username != "alice" || s.SASL.Password.Reveal() != "alice-pw" || !s.TLS.VerifyHostname {
					t.Errorf("%+v", s)
				}
			}},
		{"scram", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "scram-sha-256", "sasl.jaas.config": scramJAAS},
			func(t *testing.T, s Security) {
				if s.SASL.Mechanism != MechanismScramSHA256 || s.SASL.Username != "bob" || s.TLS != (TLS{}) {
					t.Errorf("%+v", s)
				}
			}},
		{"shortcut overrides jaas password", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": scramJAAS, "sasl.password": "override"},
			func(t *testing.T, s Security) {
				if s.SASL.Username != "bob" || s.SASL.Password.Reveal() != "override" {
					t.Errorf("%+v", s)
				}
			}},
		{"shortcut alone", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.username": "u", "sasl.password": "p"},
			func(t *testing.T, s Security) {
				if s.SASL.Username != "u" || s.SASL.Password.Reveal() != "p" {
					t.Errorf("%+v", s)
				}
			}},
		{"oauth unsecured", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="svc" unsecuredLoginNumberClaim_n="2" unsecuredLoginListClaim_scope=",a,b" unsecuredLoginLifetimeSeconds="60" unsecuredLoginExtension_traceId="t1";`},
			func(t *testing.T, s Security) {
				u := s.SASL.OAuth.Unsecured
				if s.SASL.Mechanism != MechanismOAuthBearer || u == nil || u.Principal() != "svc" || u.Lifetime != time.Minute ||
					u.Claims["n"] != 2.0 || !slices.Equal(u.Claims["scope"].([]string), []string{"a", "b"}) || s.SASL.OAuth.Extensions["traceId"] != "t1" {
					t.Errorf("%+v %+v", s.SASL, u)
				}
			}},
		{"oauth token file", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER", "sasl.oauthbearer.token.file": "/run/token"},
			func(t *testing.T, s Security) {
				if s.SASL.OAuth.TokenFile != "/run/token" || s.SASL.OAuth.Unsecured != nil {
					t.Errorf("%+v", s.SASL.OAuth)
				}
			}},
		{"oauth token in jaas", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required token="ey.x.y";`},
			func(t *testing.T, s Security) {
				if s.SASL.OAuth.Token.Reveal() != "ey.x.y" {
					t.Errorf("%+v", s.SASL.OAuth)
				}
			}},
		{"kerberos jaas", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="/k/client.keytab" principal="client@EXAMPLE.COM" serviceName="kafka-svc";`},
			func(t *testing.T, s Security) {
				k := s.SASL.Kerberos
				if s.SASL.Mechanism != MechanismGSSAPI || k.Keytab != "/k/client.keytab" || k.Principal != "client@EXAMPLE.COM" || k.ServiceName != "kafka-svc" || k.Krb5Conf != "/etc/krb5.conf" {
					t.Errorf("%+v", k)
				}
			}},
		{"kerberos librdkafka keys", map[string]string{"security.protocol": "SASL_SSL", "sasl.kerberos.keytab": "/k.keytab", "sasl.kerberos.principal": "c@R", "sasl.kerberos.krb5.conf": "/k5.conf"},
			func(t *testing.T, s Security) {
				k := s.SASL.Kerberos
				if s.SASL.Mechanism != MechanismGSSAPI || k.Keytab != "/k.keytab" || k.ServiceName != "kafka" || k.Krb5Conf != "/k5.conf" {
					t.Errorf("%+v", k)
				}
			}},
		{"kerberos ticket cache", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useTicketCache=true ticketCache="/tmp/cc";`},
			func(t *testing.T, s Security) {
				if k := s.SASL.Kerberos; !k.UseTicketCache || k.TicketCache != "/tmp/cc" {
					t.Errorf("%+v", k)
				}
			}},
		{"ssl truststore jks", map[string]string{"security.protocol": "SSL", "ssl.truststore.location": "/t.jks", "ssl.truststore.password": "tp", "ssl.endpoint.identification.algorithm": ""},
			func(t *testing.T, s Security) {
				if s.TLS.TruststoreLocation != "/t.jks" || s.TLS.TruststorePassword.Reveal() != "tp" || s.TLS.VerifyHostname || s.SASL.Mechanism != "" {
					t.Errorf("%+v", s)
				}
			}},
		{"librdkafka pem", map[string]string{"security.protocol": "SSL", "ssl.ca.location": "/ca.pem", "ssl.certificate.location": "/c.pem", "ssl.key.location": "/k.pem"},
			func(t *testing.T, s Security) {
				if s.TLS.TruststoreLocation != "/ca.pem" || s.TLS.TruststoreType != StorePEM || s.TLS.CertificateLocation != "/c.pem" || s.TLS.KeyLocation != "/k.pem" {
					t.Errorf("%+v", s.TLS)
				}
			}},
		{"inline pem", map[string]string{"security.protocol": "SSL", "ssl.truststore.certificates": "-----BEGIN CERTIFICATE-----", "ssl.keystore.certificate.chain": "c", "ssl.keystore.key": "k"},
			func(t *testing.T, s Security) {
				if s.TLS.TruststoreType != StorePEM || s.TLS.KeystoreType != StorePEM || s.TLS.KeystoreKey.Reveal() != "k" {
					t.Errorf("%+v", s.TLS)
				}
			}},
		{"tls versions", map[string]string{"security.protocol": "SSL", "ssl.enabled.protocols": "TLSv1.3,TLSv1.2"},
			func(t *testing.T, s Security) {
				if s.TLS.MinVersion != "TLSv1.2" || s.TLS.MaxVersion != "TLSv1.3" {
					t.Errorf("%+v", s.TLS)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := load(t, Options{Flags: tt.flags})
			tt.check(t, cfg.Security)
		})
	}
}

func TestSecurityErrors(t *testing.T) {
	const plainJAAS = `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="SECRET-PW";`
	tests := []struct {
		name  string
		flags map[string]string
		want  []string
	}{
		{"sasl without mechanism", map[string]string{"security.protocol": "SASL_SSL"}, []string{"sasl.mechanism", "SASL_SSL"}},
		{"scram needs mechanism", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="SECRET-PW";`}, []string{"SCRAM-SHA-256 or SCRAM-SHA-512"}},
		{"mechanism mismatch", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": plainJAAS}, []string{"sasl.mechanism=SCRAM-SHA-512", "PlainLoginModule", "sasl.jaas.config"}},
		{"plain without password", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.username": "u"}, []string{"needs a username and a password"}},
		{"malformed jaas names key", map[string]string{"security.protocol": "SASL_SSL", "ksql.streams.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="SECRET-PW"`}, []string{"invalid ksql.streams.sasl.jaas.config", "not terminated"}},
		{"oauth without token", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER"}, []string{"needs a token"}},
		{"oauth client credentials", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="c" clientSecret="SECRET-PW";`}, []string{"client-credentials"}},
		{"oauth without sub", map[string]string{"security.protocol": "SASL_SSL", "sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_aud="x";`}, []string{"unsecuredLoginStringClaim_sub"}},
		{"kerberos without keytab", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI"}, []string{"GSSAPI needs a keytab"}},
		{"kerberos keytab without principal", map[string]string{"security.protocol": "SASL_SSL", "sasl.kerberos.keytab": "/k"}, []string{"needs the principal"}},
		{"two trust sources", map[string]string{"security.protocol": "SSL", "ssl.ca.location": "/a.pem", "ssl.truststore.location": "/b.jks"}, []string{"ssl.ca.location", "ssl.truststore.location"}},
		{"inline certificates need PEM", map[string]string{"security.protocol": "SSL", "ssl.truststore.certificates": "x", "ssl.truststore.type": "JKS"}, []string{"ssl.truststore.type=PEM"}},
		{"cert without key", map[string]string{"security.protocol": "SSL", "ssl.certificate.location": "/c.pem"}, []string{"ssl.key.location"}},
		{"jks keystore needs password", map[string]string{"security.protocol": "SSL", "ssl.keystore.location": "/k.jks", "ssl.keystore.type": "JKS"}, []string{"ssl.keystore.password"}},
		{"idempotence needs acks all", map[string]string{"enable.idempotence": "true", "acks": "1"}, []string{"enable.idempotence", "acks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Load(Options{Environ: []string{}, Flags: tt.flags})
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRET-PW") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

// TestRedaction loads a configuration with a distinct marker in every kind of
// secret, from every layer, and checks that no way of printing the Config,
// its warnings or its entries shows any marker.
func TestRedaction(t *testing.T) {
	markers := map[string]string{
		"sasl.jaas.config":                          `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="MARK-jaas";`,
		"ksql.streams.producer.ssl.key.password":    "MARK-misplaced",
		"ssl.truststore.password":                   "MARK-truststore",
		"ssl.keystore.password":                     "MARK-keystore",
		"ssl.key.password":                          "MARK-keypw",
		"ssl.keystore.key":                          "MARK-inline-key",
		"ssl.keystore.certificate.chain":            "chain",
		"sasl.password":                             "MARK-saslpw",
		"ksql.schema.registry.basic.auth.user.info": "user:MARK-sr",
		"some.unknown.secret":                       "MARK-unknown",
		"sasl.oauthbearer.token":                    "MARK-token",
	}
	var file strings.Builder
	for k, v := range markers {
		if k == "sasl.password" {
			continue
		}
		file.WriteString(EscapeProperty(k, true) + "=" + EscapeProperty(v, false) + "\n")
	}
	file.WriteString("security.protocol=SASL_SSL\n")
	path := writeFile(t, "ksql.properties", file.String())
	cfg, warns := load(t, Options{
		File:    path,
		Environ: []string{"HOME=/h", "KSQL_SASL_PASSWORD=${env:PW}", "PW=MARK-saslpw", "WASMSTREAM_SSL_TRUSTSTORE_PASSWORD=MARK-truststore"},
		Flags:   map[string]string{"ssl.keystore.password": "MARK-keystore"},
	})
	if cfg.Security.SASL.Password.Reveal() != "MARK-saslpw" {
		t.Fatalf("the env reference did not resolve")
	}
	if cfg.Security.SASL.Username != "alice" {
		t.Fatalf("username %q", cfg.Security.SASL.Username)
	}

	var out bytes.Buffer
	if err := cfg.Show(&out); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "%v\n%+v\n%#v\n%v\n%q\n%x\n", cfg, *cfg, *cfg, cfg.Security, cfg.Security.SASL.Password, cfg.Security.SASL.Password)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out.Write(js)
	js, _ = json.Marshal(cfg.Security)
	out.Write(js)
	for _, w := range warns {
		out.WriteString(w.String() + "\n")
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("cfg", "security", cfg.Security, "pw", cfg.Security.SASL.Password, "sr", cfg.SchemaRegistry)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("cfg", "pw", cfg.Security.SASL.Password, "tls", cfg.Security.TLS)

	if strings.Contains(out.String(), "MARK-") {
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, "MARK-") {
				t.Errorf("secret shown: %.200s", line)
			}
		}
	}
	for _, key := range []string{"sasl.jaas.config", "ssl.truststore.password", "ssl.keystore.key", "ksql.schema.registry.basic.auth.user.info", "some.unknown.secret"} {
		if e := entry(t, cfg, key); e.Value != Hidden {
			t.Errorf("%s shown as %q", key, e.Value)
		}
	}
	if e := entry(t, cfg, "ssl.keystore.certificate.chain"); e.Value != "chain" {
		t.Errorf("non-secret hidden: %+v", e)
	}
	if !strings.Contains(out.String(), "sasl.password") || !strings.Contains(out.String(), "env KSQL_SASL_PASSWORD (resolved reference)") {
		t.Errorf("Show does not list sasl.password with its source:\n%s", out.String())
	}
}

func TestIsSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"sasl.password": true, "ssl.key.password": true, "SSL.TRUSTSTORE.PASSWORD": true,
		"sasl.jaas.config": true, "ksql.streams.sasl.jaas.config": true, "sasl.oauthbearer.token": true,
		"sasl.oauthbearer.client.secret": true, "aws.credentials": true, "ssl.keystore.key": true,
		"ksql.schema.registry.basic.auth.user.info": true,
		"sasl.username": false, "bootstrap.servers": false, "ssl.keystore.location": false,
		"ssl.keystore.certificate.chain": false, "ssl.key.location": false,
	} {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestInvalidSecretValueHidden(t *testing.T) {
	// ssl.key.password is a secret; give it under a spelling whose spec
	// validates nothing, and a secret-looking key with a validated kind.
	_, _, err := Load(Options{Environ: []string{}, Flags: map[string]string{
		"sasl.jaas.config":  "MARK-garbage",
		"security.protocol": "SASL_SSL",
	}})
	if err == nil || strings.Contains(err.Error(), "MARK-garbage") {
		t.Errorf("error %v shows the secret", err)
	}
	ve := &ValueError{Key: "sasl.password", Value: Redact("sasl.password", "MARK"), Reason: "r"}
	if strings.Contains(ve.Error(), "MARK") {
		t.Errorf("ValueError shows a secret: %v", ve)
	}
}

func TestDocsListEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatalf("docs/configuration.md: %v", err)
	}
	for _, s := range keySpecs {
		if !strings.Contains(string(doc), "`"+s.name+"`") {
			t.Errorf("docs/configuration.md does not document %s", s.name)
		}
	}
}

// TestConfigProvidersQuiet: a Java client file declares the file config
// provider for its ${file:...} references; wasmstream resolves them itself,
// so the keys load without a warning (the broker writes such files).
func TestConfigProvidersQuiet(t *testing.T) {
	_, warns := load(t, Options{Defaults: map[string]string{
		"config.providers":            "file",
		"config.providers.file.class": "org.apache.kafka.common.config.provider.FileConfigProvider",
		"buffer.memory":               "1000",
	}})
	if len(warns) != 1 || !strings.Contains(fmt.Sprint(warns), "buffer.memory") {
		t.Errorf("warnings %v, want only buffer.memory's", warns)
	}
}
