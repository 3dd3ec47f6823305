package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigShow(t *testing.T) {
	dir := t.TempDir()
	props := filepath.Join(dir, "ksql.properties")
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("from-file-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := `bootstrap.servers=kafka1:9093,kafka2:9093
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \
    username="svc" password="jaas-pw-123";
ssl.truststore.password=${file:` + pwFile + `}
ksql.streams.producer.linger.ms=7
no.such.key=1
`
	if err := os.WriteFile(props, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("WASMSTREAM_SASL_PASSWORD", "env-pw-456")
	t.Setenv("KSQL_KSQL_SERVICE_ID", "orders_")

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"config", "show", "--config", props, "--set", "ssl.keystore.password=flag-pw-789", "--state-dir", dir}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, secret := range []string{"jaas-pw-123", "from-file-pw", "env-pw-456", "flag-pw-789"} {
		if strings.Contains(out, secret) || strings.Contains(stderr.String(), secret) {
			t.Errorf("a secret is shown: %s\n%s%s", secret, out, stderr.String())
		}
	}
	rows := []struct{ key, value, source string }{
		{"bootstrap.servers", "kafka1:9093,kafka2:9093", "file " + props},
		{"sasl.jaas.config", "[hidden]", "file " + props},
		{"ssl.truststore.password", "[hidden]", "file " + props + " (resolved reference)"},
		{"sasl.password", "[hidden]", "env WASMSTREAM_SASL_PASSWORD"},
		{"ssl.keystore.password", "[hidden]", "flag"},
		{"ksql.service.id", "orders_", "env KSQL_KSQL_SERVICE_ID"},
		{"ksql.streams.producer.linger.ms", "7", "file " + props},
		{"wasmstream.state.dir", dir, "flag"},
		{"no.such.key", "1", "file " + props + " (unknown)"},
	}
	for _, r := range rows {
		if !hasRow(out, r.key, r.value, r.source) {
			t.Errorf("no row %s | %s | %s in:\n%s", r.key, r.value, r.source, out)
		}
	}
	if !strings.Contains(stderr.String(), "warning: no.such.key") {
		t.Errorf("no warning for the unknown key; stderr:\n%s", stderr.String())
	}
}

func TestConfigShowErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{"invalid value names the key", []string{"config", "show", "--set", "ksql.streams.producer.linger.ms=soon"}, 1,
			[]string{"ksql.streams.producer.linger.ms", `"soon"`, "milliseconds"}},
		{"invalid secret value is not shown", []string{"config", "show", "--set", "security.protocol=SASL_SSL", "--set", "sasl.mechanism=PLAIN",
			"--set", "sasl.jaas.config=NotALoginModule hush-hush-pw"}, 1, []string{"sasl.jaas.config"}},
		{"missing file", []string{"config", "show", "--config", "/nonexistent/ksql.properties"}, 1, []string{"/nonexistent/ksql.properties"}},
		{"bad --set", []string{"config", "show", "--set", "novalue"}, 2, []string{"KEY=VALUE"}},
		{"unknown subcommand", []string{"config", "list"}, 2, []string{`unknown subcommand "list"`}},
		{"no subcommand", []string{"config"}, 2, []string{"Usage: wasmstream config show"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if strings.Contains(stderr.String()+stdout.String(), "hush-hush-pw") {
				t.Errorf("a secret is shown:\n%s", stderr.String())
			}
		})
	}
}

// hasRow reports whether the table text has a line with exactly these
// blank-separated fields.
func hasRow(text string, fields ...string) bool {
	want := strings.Join(strings.Fields(strings.Join(fields, " ")), " ")
	for _, line := range strings.Split(text, "\n") {
		if strings.Join(strings.Fields(line), " ") == want {
			return true
		}
	}
	return false
}
