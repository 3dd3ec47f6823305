package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the demo runs for several seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"demo", "--duration", "4s", "--rate", "50"}, &stdout, &stderr)
	out := stdout.String()
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, stderr.String(), out)
	}

	t.Run("security", func(t *testing.T) {
		// The three refusals, each with wasmstream's explanation, then the
		// service principal accepted.
		for _, want := range []string{
			"refused: Kafka broker 127.0.0.1:",
			"it requires SASL authentication but security.protocol=SSL sends no credentials",
			"refused: authentication failed for principal User:wasmstream with mechanism SCRAM-SHA-512",
			"wrong password?",
			`refused: principal User:analyst is not authorized to READ topic "clients"`,
			"accepted: authenticated as User:wasmstream over SASL_SSL",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		if n := strings.Count(out, "     refused: "); n != 3 {
			t.Errorf("%d refusals, want 3", n)
		}
		// The connection the queries use, from SHOW PROPERTIES, with the
		// password hidden.
		if !regexp.MustCompile(`(?m)^\s+sasl\.jaas\.config\s+\[hidden\]\s`).MatchString(out) {
			t.Errorf("no hidden sasl.jaas.config row")
		}
		for _, bad := range []string{"UNEXPECTEDLY ACCEPTED", "not for the expected reason", "not-the-password", "FAILED:", "password="} {
			if strings.Contains(out, bad) {
				t.Errorf("output contains %q", bad)
			}
		}
	})

	t.Run("queries", func(t *testing.T) {
		input := regexp.MustCompile(`input: (\d+) client changes, (\d+) mortgage events, (\d+) device saturation events`).FindStringSubmatch(out)
		if input == nil {
			t.Fatalf("no summary of the input:\n%s", out)
		}
		for _, n := range input[1:] {
			if v, _ := strconv.Atoi(n); v == 0 {
				t.Errorf("no input produced of some kind: %s", input[0])
			}
		}
		// Input events that change whether a client qualifies; a mortgage
		// fetched in the same batch as one of them may be joined before
		// or after it (Kafka orders records per partition only).
		crossings := strings.Count(out, "now qualifies") + strings.Count(out, "no longer qualifies") + strings.Count(out, "(tombstone)")
		for _, q := range demoQueries {
			m := regexp.MustCompile(`(?m)^  ` + q.name + `\s+(ran|not running): (\d+) results(?: \(the input calls for (\d+)\))?$`).FindStringSubmatch(out)
			if m == nil {
				t.Errorf("%s: no summary line", q.name)
				continue
			}
			// Every demo query runs now (the stateful ones since the
			// join and windowed aggregation landed) and gives results.
			n, _ := strconv.Atoi(m[2])
			if m[1] != "ran" || n == 0 {
				t.Errorf("%s: %s with %s results, want it to run and give results", q.name, m[1], m[2])
			}
			// The generator knows how many results its input calls for;
			// the query gives exactly those: the stateless query and the
			// windowed count always, the join up to the batches around a
			// change of the client table.
			if m[3] != "" {
				want, _ := strconv.Atoi(m[3])
				slack := 0
				if q.topic == topicQualified {
					slack = 2 * crossings
				}
				if n < want-slack || n > want+slack {
					t.Errorf("%s: %d results, the input calls for %d (±%d)", q.name, n, want, slack)
				}
				t.Logf("%s: %d results, the input calls for %d", q.name, n, want)
			}
			if !strings.Contains(out, "result ") || !regexp.MustCompile(`(?m)^result \S+ `+q.name+` `).MatchString(out) {
				t.Errorf("%s: no result line printed", q.name)
			}
		}
		// A stream's results are never deletions: a mortgage the WHERE
		// clause drops must not reach QUALIFIED_CLIENTS as a tombstone.
		if strings.Contains(out, "(deleted)") {
			t.Errorf("QUALIFIED_CLIENTS holds tombstones")
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "result ") && strings.Contains(line, "qualified_clients") && !strings.Contains(line, "credit score > 750") {
				t.Errorf("unreadable result line %q", line)
			}
		}
	})
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", out, stderr.String())
	}
}

func TestDemoInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the demo starts a broker and queries")
	}
	stdout, _, done, stop := startCommand(t, "demo", "--duration", "10m")
	stdout.waitFor(t, "== 4. Live", done)
	if code := stop(); code != 0 {
		t.Fatalf("exit %d after interruption", code)
	}
	if !strings.Contains(stdout.String(), "interrupted") {
		t.Errorf("the summary does not say it was interrupted:\n%s", stdout.String())
	}
}

func TestCommandHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"demo", "-h"}, "Usage: wasmstream demo"},
		{[]string{"broker", "-h"}, "Usage: wasmstream broker"},
		{[]string{"config", "show", "-h"}, "Usage: wasmstream config show"},
		{[]string{"config", "help"}, "Usage: wasmstream config show"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tt.args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String()+stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, output %q; want 0 and %q", tt.args, code, stdout.String()+stderr.String(), tt.want)
		}
	}
}

func TestDemoFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--duration", "0s"}, "must be positive"},
		{[]string{"demo", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tt.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
