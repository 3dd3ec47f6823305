package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const script = `CREATE STREAM orders (id INT KEY, item STRING, qty INT) WITH (kafka_topic='orders');
CREATE STREAM big AS SELECT id, UCASE(item) AS item FROM orders WHERE qty > 10;
INSERT INTO orders (id, item, qty) VALUES (1, 'a', 3);
CREATE STREAM small WITH (kafka_topic='small_orders') AS SELECT * FROM orders WHERE qty <= 10;
`

func TestCompileAndInspect(t *testing.T) {
	dir := t.TempDir()
	sql := writeFile(t, dir, "orders.sql", script)
	outDir := filepath.Join(dir, "out")

	// The file has no VALUE_FORMAT: -p supplies the default, and flags may
	// follow the file name.
	code, stdout, stderr := runCmd(t, "compile", sql, "-o", outDir, "-p", "ksql.persistence.default.format.value=JSON")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"declared stream ORDERS",
		"CSAS_BIG_0: stream BIG -> " + filepath.Join(outDir, "csas_big_0.wasm"),
		"INSERT VALUES into ORDERS: not a persistent query, no module written",
		"CSAS_SMALL_1: stream SMALL -> " + filepath.Join(outDir, "csas_small_1.wasm"),
		"2 module(s) written",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("compile output lacks %q:\n%s", want, stdout)
		}
	}
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("%d files written, want 2", len(entries))
	}

	code, stdout, stderr = runCmd(t, "inspect", filepath.Join(outDir, "csas_small_1.wasm"))
	if code != exitOK {
		t.Fatalf("inspect exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"query:     CSAS_SMALL_1 (CSAS)",
		"sql:       CREATE STREAM small WITH (kafka_topic='small_orders') AS SELECT * FROM orders WHERE qty <= 10;",
		"source 0:  ORDERS STREAM topic=orders key=KAFKA value=JSON [ID INTEGER KEY, ITEM STRING, QTY INTEGER]",
		"sink:      SMALL STREAM topic=small_orders key=KAFKA value=JSON [ID INTEGER KEY, ITEM STRING, QTY INTEGER]",
		"pipeline:  source ORDERS -> stage_0",
		"  inputs:  ID INTEGER KEY, ITEM STRING, QTY INTEGER",
		"  outputs: ID INTEGER KEY, ITEM STRING, QTY INTEGER",
		"  layout:  base ",
		"memory:    ",
		"stage_0 (func)",
		"memory (memory)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "(module") {
		t.Error("inspect without --dump printed code")
	}
	code, stdout, _ = runCmd(t, "inspect", "--dump", filepath.Join(outDir, "csas_big_0.wasm"))
	if code != exitOK || !strings.Contains(stdout, "(module") || !strings.Contains(stdout, "func $stage_0") {
		t.Errorf("inspect --dump: exit %d\n%s", code, stdout)
	}
}

func TestCompileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.sql",
		"CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON');\n"+
			"CREATE STREAM t AS SELECT v FROM s;\n")
	code, stdout, stderr := runCmd(t, "compile", "-o", filepath.Join(dir, "out"), bad)
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	want := bad + ":2:20: The query used to build `T` must include the key column ID in its projection (eg, SELECT ID...).\n" +
		"    CREATE STREAM t AS SELECT v FROM s;\n" +
		"                       ^\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if strings.Contains(stdout, "written") {
		t.Errorf("compile reported success: %s", stdout)
	}

	syntax := writeFile(t, dir, "syntax.sql", "CREATE STREAM s (id INT KEY) WITH (kafka_topic='s', value_format='JSON')\nSELEC;")
	code, _, stderr = runCmd(t, "compile", syntax)
	if code != exitError || !strings.HasPrefix(stderr, syntax+":2:1: ") || !strings.Contains(stderr, "\n    SELEC;\n    ^") {
		t.Errorf("syntax error: exit %d\n%s", code, stderr)
	}

	code, _, stderr = runCmd(t, "compile", filepath.Join(dir, "missing.sql"))
	if code != exitError || !strings.Contains(stderr, "missing.sql") {
		t.Errorf("missing file: exit %d, %s", code, stderr)
	}
	notWasm := writeFile(t, dir, "x.wasm", "not wasm")
	code, _, stderr = runCmd(t, "inspect", notWasm)
	if code != exitError || !strings.Contains(stderr, "not a wasmstream module") {
		t.Errorf("inspect of a non-module: exit %d, %s", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{nil, exitUsage, "usage:"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"compile"}, exitUsage, "want one .sql file, got 0"},
		{[]string{"compile", "a.sql", "b.sql"}, exitUsage, "want one .sql file, got 2"},
		{[]string{"compile", "-p", "novalue", "a.sql"}, exitUsage, "want name=value"},
		{[]string{"inspect"}, exitUsage, "want one .wasm file, got 0"},
		{[]string{"help"}, exitOK, "sql2wasm compile"},
		{[]string{"version"}, exitOK, "sql2wasm "},
	} {
		code, stdout, stderr := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.out) {
			t.Errorf("%v: exit %d, output %q; want exit %d with %q", tc.args, code, stdout+stderr, tc.code, tc.out)
		}
	}
}

// TestInspectStateful shows a stateful query's operators, the inputs that
// go through the repartition topic, and how its state is split into tasks.
func TestInspectStateful(t *testing.T) {
	dir := t.TempDir()
	sql := writeFile(t, dir, "q.sql", `
CREATE TABLE clients (user_id INT PRIMARY KEY, city STRING) WITH (kafka_topic='clients', value_format='JSON');
CREATE STREAM mortgages (mortgage_id BIGINT KEY, client_id INT, amount INT) WITH (kafka_topic='mortgages', value_format='JSON');
CREATE TABLE per_city AS SELECT c.city AS city, COUNT(*) AS n FROM mortgages m JOIN clients c ON m.client_id = c.user_id GROUP BY c.city;
`)
	outDir := filepath.Join(dir, "out")
	if code, _, stderr := runCmd(t, "compile", sql, "-o", outDir); code != exitOK {
		t.Fatalf("compile exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCmd(t, "inspect", filepath.Join(outDir, "ctas_per_city_0.wasm"))
	if code != exitOK {
		t.Fatalf("inspect exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"pipeline:  source MORTGAGES -> stage_0 -> repartition topic\n",
		"pipeline:  source CLIENTS -> stage_1\n",
		"operator:  join INNER input0.M_CLIENT_ID = input1.C_USER_ID\n",
		"operator:  aggregate by [KSQL_INTERNAL_COL_0] COUNT_STAR()->KSQL_AGG_VARIABLE_0 BIGINT\n",
		"between:   join -> stage_2 -> repartition topic -> aggregate\n",
		"tasks:     one per input partition\n",
		"final:     stage_3\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, stdout)
		}
	}
}
