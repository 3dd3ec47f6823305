package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"

	hostconfig "github.com/wasmstream/wasmstream/host/config"
)

func TestShowProperties(t *testing.T) {
	ctx := context.Background()
	cfg, _, err := hostconfig.Load(hostconfig.Options{
		Environ: []string{},
		Flags: map[string]string{
			"bootstrap.servers": "broker:9093",
			"security.protocol": "SASL_SSL",
			"sasl.mechanism":    "PLAIN",
			"sasl.username":     "svc",
			"sasl.password":     "s3cret-pw",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e, _ := newTestEngine(t, WithConfig(cfg.Entries()), WithOutput(&out),
		WithProperties(map[string]string{"ksql.streams.auto.offset.reset": "earliest"}))
	if err := e.Execute(ctx, `SET 'ksql.service.id'='from_set_'; SHOW PROPERTIES;`); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if strings.Contains(text, "s3cret-pw") {
		t.Fatalf("SHOW PROPERTIES shows the password:\n%s", text)
	}
	rows := map[string]Property{}
	for _, p := range e.ShowProperties() {
		rows[p.Key] = p
	}
	tests := []struct {
		key, value, source string
	}{
		{"bootstrap.servers", "broker:9093", "flag"},
		{"sasl.password", hostconfig.Hidden, "flag"},
		{"sasl.username", "svc", "flag"},
		{"ksql.service.id", "from_set_", "session"},
		{"ksql.streams.auto.offset.reset", "earliest", "session"},
	}
	for _, tt := range tests {
		p, ok := rows[tt.key]
		if !ok {
			t.Errorf("no row for %s", tt.key)
			continue
		}
		if p.Value != tt.value || p.Source != tt.source {
			t.Errorf("%s = %q from %q, want %q from %q", tt.key, p.Value, p.Source, tt.value, tt.source)
		}
		// The printed table has the same row.
		if !lineWithFields(text, tt.key, tt.value, tt.source) {
			t.Errorf("printed table lacks %s %s %s:\n%s", tt.key, tt.value, tt.source, text)
		}
	}
	if !strings.HasPrefix(text, "KEY") {
		t.Errorf("no header:\n%s", text)
	}
}

func TestShowPropertiesHidesSessionSecrets(t *testing.T) {
	var out bytes.Buffer
	e, _ := newTestEngine(t, WithOutput(&out))
	if err := e.Execute(context.Background(), `SET 'ksql.schema.registry.basic.auth.user.info'='u:pw-123'; SHOW PROPERTIES;`); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "pw-123") || !strings.Contains(out.String(), hostconfig.Hidden) {
		t.Errorf("session secret not hidden:\n%s", out.String())
	}
}

func TestShowPropertiesWithoutOutput(t *testing.T) {
	// Without WithOutput the statement succeeds and prints nothing; the
	// rows stay available.
	e, _ := newTestEngine(t)
	if err := e.Execute(context.Background(), `SET 'ksql.service.id'='x_'; SHOW PROPERTIES;`); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range e.ShowProperties() {
		found = found || (p.Key == "ksql.service.id" && p.Value == "x_")
	}
	if !found {
		t.Errorf("rows %v lack ksql.service.id", e.ShowProperties())
	}
}

// lineWithFields reports whether some line of text consists of exactly the
// given blank-separated fields.
func lineWithFields(text string, fields ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.Join(strings.Fields(line), " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}
