package sql2wasm

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/analyzer"
)

const script = `-- a stream and two queries over it
CREATE STREAM orders (id INT KEY, item STRING, qty INT)
  WITH (kafka_topic='orders', value_format='JSON');

CREATE STREAM big AS SELECT id, UCASE(item) AS item, qty * 2 AS qty2
  FROM orders WHERE qty > 10;
INSERT INTO orders (id, item, qty) VALUES (1, 'a' /* ; not an end */, 3);
SET 'ksql.output.topic.name.prefix' = 'p-';
CREATE STREAM small AS SELECT * FROM orders WHERE qty <= 10;
DROP STREAM IF EXISTS nothing;
`

func TestCompileScript(t *testing.T) {
	results, err := CompileScript("orders.sql", script)
	if err != nil {
		t.Fatal(FormatError(err, script))
	}
	kinds := make([]string, len(results))
	for i, r := range results {
		kinds[i] = r.Kind.String()
	}
	if got := strings.Join(kinds, " "); got != "CreateSource Query InsertValues SetProperty Query DropSource" {
		t.Fatalf("kinds: %s", got)
	}

	create, big, values, small := results[0], results[1], results[2], results[4]
	if create.Source == nil || create.Source.Name != "ORDERS" || create.Module != nil {
		t.Errorf("CREATE: %+v", create)
	}
	if big.QueryID != "CSAS_BIG_0" || big.Source.Topic != "BIG" {
		t.Errorf("first query: id %s, topic %s", big.QueryID, big.Source.Topic)
	}
	if small.QueryID != "CSAS_SMALL_1" || small.Source.Topic != "p-SMALL" {
		t.Errorf("second query: id %s, topic %s (SET must apply to later statements)", small.QueryID, small.Source.Topic)
	}
	wantSQL := "CREATE STREAM big AS SELECT id, UCASE(item) AS item, qty * 2 AS qty2\n  FROM orders WHERE qty > 10;"
	if big.SQL != wantSQL {
		t.Errorf("statement text %q, want %q", big.SQL, wantSQL)
	}
	if values.SQL != "INSERT INTO orders (id, item, qty) VALUES (1, 'a' /* ; not an end */, 3);" {
		t.Errorf("INSERT text %q", values.SQL)
	}

	for _, r := range []*Result{big, small, values} {
		if len(r.Module) < 8 || string(r.Module[:4]) != "\x00asm" {
			t.Fatalf("%s: no module", r.SQL)
		}
		info, err := Inspect(r.Module)
		if err != nil {
			t.Fatalf("%s: %v", r.SQL, err)
		}
		m := info.Manifest
		if m.QueryID != r.Manifest.QueryID || m.SQL != r.SQL || m.Sink.Name != r.Source.Name {
			t.Errorf("embedded manifest %+v does not match the result's", m)
		}
		exported := map[string]bool{}
		for _, e := range info.Exports {
			exported[e.Name] = true
		}
		for _, st := range m.Stages {
			if !exported[st.Export] {
				t.Errorf("%s: stage %s not exported (exports %v)", r.SQL, st.Export, info.Exports)
			}
		}
	}
	if st := values.Manifest.Stages; len(st) != 1 || len(st[0].Inputs) != 0 || len(st[0].Outputs) != 3 {
		t.Errorf("INSERT VALUES stage: %+v", st)
	}
	if got := big.Manifest.Stages[0].Outputs; len(got) != 3 || !got[0].Key || got[1].Name != "ITEM" || got[2].Type != sdk.TypeInt {
		t.Errorf("query outputs %+v", got)
	}
}

func TestCompilerState(t *testing.T) {
	c := NewCompiler(WithProperties(map[string]string{analyzer.PropDefaultValueFormat: "DELIMITED"}))
	compile := func(src string) (*Result, error) {
		t.Helper()
		stmts, err := Parse("x.sql", src)
		if err != nil {
			t.Fatal(err)
		}
		return c.Compile(stmts[0])
	}
	if _, err := compile("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s');"); err != nil {
		t.Fatal(err)
	}
	src, ok := c.Catalog().Lookup("S")
	if !ok || src.ValueFormat != sdk.FormatDelimited {
		t.Fatalf("catalog after CREATE: %+v %v", src, ok)
	}
	// A failing statement changes nothing.
	if _, err := compile("CREATE STREAM T AS SELECT V FROM S;"); err == nil {
		t.Fatal("a projection without the key compiled")
	}
	if _, ok := c.Catalog().Lookup("T"); ok {
		t.Error("a failed CREATE AS SELECT registered its sink")
	}
	if _, err := compile("CREATE STREAM T AS SELECT * FROM S;"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Queries(), ","); got != "CSAS_T_0" {
		t.Errorf("queries %s", got)
	}
	res, err := compile("DROP STREAM T;")
	if err != nil || res.Dropped != "T" || len(res.Terminated) != 1 {
		t.Fatalf("DROP: %+v %v", res, err)
	}
	if len(c.Queries()) != 0 || c.Catalog().Len() != 1 {
		t.Errorf("after DROP: queries %v, catalog %v", c.Queries(), c.Catalog().Names())
	}
}

// TestPrepareCommit checks that a prepared statement changes nothing until
// it is committed, and that its module is there before.
func TestPrepareCommit(t *testing.T) {
	stmts, err := Parse("x.sql", `CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE C AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;
CREATE TABLE C2 AS SELECT K, N FROM C;`)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCompiler()
	if _, err := c.Compile(stmts[0]); err != nil {
		t.Fatal(err)
	}
	res, err := c.Prepare(stmts[1])
	if err != nil {
		t.Fatal(err)
	}
	if res.Module == nil || res.QueryID != "CTAS_C_0" {
		t.Errorf("prepared: query %q, module of %d bytes", res.QueryID, len(res.Module))
	}
	if _, ok := c.Catalog().Lookup("C"); ok || len(c.Queries()) != 0 {
		t.Fatalf("Prepare changed the state: catalog %v, queries %v", c.Catalog().Names(), c.Queries())
	}
	// Not committed, C does not exist for the next statement.
	if _, err := c.Prepare(stmts[2]); err == nil || !strings.Contains(err.Error(), "Source `C` does not exist.") {
		t.Fatalf("a statement over an uncommitted sink: %v", err)
	}
	c.Commit(res)
	c.Commit(nil)
	if _, ok := c.Catalog().Lookup("C"); !ok || strings.Join(c.Queries(), ",") != "CTAS_C_0" {
		t.Fatalf("after Commit: catalog %v, queries %v", c.Catalog().Names(), c.Queries())
	}
	if _, err := c.Compile(stmts[2]); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsArePositioned(t *testing.T) {
	src := "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');\n" +
		"CREATE STREAM T AS SELECT K, V FROM S WHERE BOB > 1;\n"
	_, err := CompileScript("q.sql", src)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	if got := e.Error(); got != "q.sql:2:45: WHERE column 'BOB' cannot be resolved." {
		t.Errorf("error %q", got)
	}
	want := "q.sql:2:45: WHERE column 'BOB' cannot be resolved.\n" +
		"    CREATE STREAM T AS SELECT K, V FROM S WHERE BOB > 1;\n" +
		"                                                ^"
	if got := FormatError(err, src); got != want {
		t.Errorf("formatted:\n%s\nwant:\n%s", got, want)
	}

	// Syntax errors come back as an ErrorList, positioned the same way.
	_, err = CompileScript("bad.sql", "CREATE STREAM;")
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 || !strings.HasPrefix(list[0].Error(), "bad.sql:1:14: ") {
		t.Errorf("syntax error %v", err)
	}
}

func TestInspectRefusesOtherInput(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("hello world"), []byte("\x00asm\x01\x00\x00\x00"), []byte("\x00asm\x01\x00\x00\x00\x00\x7f")} {
		if _, err := Inspect(b); !errors.Is(err, ErrNotModule) {
			t.Errorf("Inspect(%q) = %v, want ErrNotModule", b, err)
		}
	}
}

// TestCompilerDependencies keeps the compiler independent of the runtime
// and the host (DESIGN.md): nothing under sql2wasm may import them, or
// wazero, and the syntax passes know nothing of the later ones.
func TestCompilerDependencies(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is not on PATH: %v", err)
	}
	const mod = "github.com/wasmstream/wasmstream/"
	forbidden := map[string][]string{
		"./...": {mod + "runtime", mod + "host", mod + "engine", mod + "cmd", "github.com/tetratelabs/wazero"},
		"./parser": {mod + "sql2wasm/analyzer", mod + "sql2wasm/plan", mod + "sql2wasm/codegen",
			mod + "sql2wasm/wasm", mod + "sdk"},
		"./analyzer": {mod + "sql2wasm/codegen", mod + "sql2wasm/wasm"},
		"./plan":     {mod + "sql2wasm/parser", mod + "sql2wasm/analyzer", mod + "sql2wasm/codegen"},
		"./codegen":  {mod + "sql2wasm/parser", mod + "sql2wasm/analyzer"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command(goBin, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				if dep == b || strings.HasPrefix(dep, b+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
