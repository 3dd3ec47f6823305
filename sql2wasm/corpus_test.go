package sql2wasm

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpusGenerates compiles every statement of ksqlDB's conformance
// tests (the stateless core and stateful files) that the analyzer accepts, through the
// code generator: the plans the analyzer makes must be plans the generator
// takes, with manifests that validate.
func TestCorpusGenerates(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "qtt", "cases")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("ksqlDB's conformance tests are not at %s (they live outside the repository): %v", dir, err)
	}
	files := []string{"where", "project-filter", "select", "operators", "binary-arithmetic", "binary-comparison",
		"comparison-expression", "between", "in", "like", "null", "case-expression", "cast", "concat",
		"substring", "len", "string", "literals", "identifiers", "quoted-identifiers", "json", "delimited",
		"kafka", "formats", "serdes", "key-schemas", "system-columns", "drop_source", "insert-into",
		"sink-topic-naming", "partition-by",
		// stateful: aggregations, windows, joins
		"group-by", "having", "count", "sum", "average", "average-udaf", "tumbling-windows",
		"hopping-windows", "session-windows", "window-bounds", "windowed-source", "table", "joins",
		"stream-table-join", "table-table-join"}
	modules, stateful := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f+".json"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var qf struct {
			Tests []struct {
				Name       string         `json:"name"`
				Statements []string       `json:"statements"`
				Properties map[string]any `json:"properties"`
				Format     []string       `json:"format"`
			} `json:"tests"`
		}
		if err := json.Unmarshal(b, &qf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tc := range qf.Tests {
			format := "JSON"
			if len(tc.Format) > 0 {
				format = tc.Format[0]
			}
			props := map[string]string{}
			for k, v := range tc.Properties {
				props[k] = strings.ReplaceAll(fmt.Sprint(v), "{CONFIG}", "false")
			}
			c := NewCompiler(WithProperties(props))
			for _, sql := range tc.Statements {
				sql = strings.ReplaceAll(sql, "{FORMAT}", format)
				stmts, err := Parse("", sql)
				if err != nil {
					break
				}
				res, err := c.Compile(stmts[0])
				if err != nil {
					var e *Error
					if !errors.As(err, &e) || strings.Contains(e.Msg, "invalid plan") || strings.HasPrefix(e.Msg, "codegen:") {
						t.Errorf("%s - %s: %s: %v", f, tc.Name, sql, err)
					}
					break
				}
				if res.Module != nil {
					modules++
					if err := res.Manifest.Validate(); err != nil {
						t.Errorf("%s - %s: manifest: %v", f, tc.Name, err)
					}
					if err := checkPipeline(res.Manifest); err != nil {
						t.Errorf("%s - %s: pipeline: %v", f, tc.Name, err)
					}
					if res.Manifest.Pipeline.Operator != nil {
						stateful++
					}
				}
			}
		}
	}
	t.Logf("%d modules generated, %d of them stateful", modules, stateful)
}
