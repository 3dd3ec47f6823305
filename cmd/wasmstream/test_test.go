package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunTestCommand(t *testing.T) {
	dir := t.TempDir()
	good := `{"tests": [{"name": "pass through",
		"statements": ["CREATE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');", "CREATE STREAM t AS SELECT * FROM s;"],
		"inputs": [{"topic": "s", "key": 1, "value": {"v": "a"}}],
		"outputs": [{"topic": "T", "key": 1, "value": {"V": "a"}}]}]}`
	bad := `{"tests": [{"name": "wrong expectation",
		"statements": ["CREATE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');", "CREATE STREAM t AS SELECT * FROM s;"],
		"inputs": [{"topic": "s", "key": 1, "value": {"v": "a"}}],
		"outputs": [{"topic": "T", "key": 1, "value": {"V": "b"}}]},
		{"name": "avro", "format": ["AVRO"], "statements": ["CREATE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='s', value_format='{FORMAT}');"], "inputs": []}]}`
	for name, text := range map[string]string{"good.json": good, "sub/bad.json": bad} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
		last     string
	}{
		{"directory with a failure", []string{dir}, 1,
			[]string{"--- FAIL: bad - wrong expectation", `expected <1, {"V":"b"}>`, `actual   <1, {"V":"a"}>`, "FAIL " + filepath.Join(dir, "sub", "bad.json")},
			"1 passed, 1 failed, 1 skipped"},
		{"file that passes", []string{filepath.Join(dir, "good.json")}, 0, []string{"ok   "}, "1 passed, 0 failed, 0 skipped"},
		{"-run selects", []string{"-run", "pass through", dir}, 0, nil, "1 passed, 0 failed, 0 skipped"},
		{"-v shows skip reasons", []string{"-v", filepath.Join(dir, "sub")}, 1, []string{"--- SKIP: bad - avro - AVRO: needs a schema registry"}, "0 passed, 1 failed, 1 skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runTest(context.Background(), tt.args, &stdout, &stderr)
			out := stdout.String()
			if code != tt.code {
				t.Errorf("exit code %d, want %d\n%s%s", code, tt.code, out, stderr.String())
			}
			for _, s := range tt.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if got := lines[len(lines)-1]; got != tt.last {
				t.Errorf("last line %q, want %q", got, tt.last)
			}
		})
	}
}

func TestRunTestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-run", "("}, {"/does/not/exist"}} {
		var stdout, stderr bytes.Buffer
		if code := runTest(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit code %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("%v: nothing on stderr", args)
		}
	}
}
