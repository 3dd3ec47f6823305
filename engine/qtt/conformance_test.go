package qtt

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/runtime"
)

// The ksqlDB corpus lives next to the repository (../shared/qtt from the
// repository root); it is read at test time and never copied in.
var corpusDir = filepath.Join("..", "..", "..", "shared", "qtt", "cases")

// floorFile records, per group of corpus files, the number of variants that
// must pass. Raise it when conformance improves (go test -run Conformance
// ./engine/qtt -update-floor).
var floorFile = filepath.Join("..", "..", "testdata", "conformance", "floor.json")

var updateFloor = flag.Bool("update-floor", false, "raise the conformance floors in testdata/conformance/floor.json to the current pass counts")

// conformanceGroups are the capability groups of ../shared/qtt/README.md.
var conformanceGroups = []struct {
	name  string
	files []string
}{
	{"stateless", []string{"where", "project-filter", "select", "operators", "binary-arithmetic", "binary-comparison",
		"comparison-expression", "between", "in", "like", "null", "case-expression", "cast", "concat", "substring",
		"len", "string", "literals", "identifiers", "quoted-identifiers", "floating-point", "json", "delimited", "kafka",
		"formats", "serdes", "key-schemas", "system-columns", "drop_source", "insert-into", "sink-topic-naming",
		"partition-by"}},
	{"stateful", []string{"group-by", "having", "count", "sum", "average", "average-udaf", "tumbling-windows",
		"hopping-windows", "session-windows", "window-bounds", "windowed-source", "table", "joins",
		"stream-table-join", "table-table-join"}},
}

// floors is the content of floorFile.
type floors map[string]struct {
	Passed int `json:"passed"`
}

func TestConformance(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("ksqlDB corpus not found at %s (it lives outside the repository, in ../shared/qtt): %v", corpusDir, err)
	}
	data, err := os.ReadFile(floorFile)
	if err != nil {
		t.Fatalf("read floors: %v", err)
	}
	var fl floors
	if err := json.Unmarshal(data, &fl); err != nil {
		t.Fatalf("%s: %v", floorFile, err)
	}
	// One runtime for all variants, as `wasmstream test` does: creating one
	// per engine would dominate the run time.
	rt, err := runtime.New(context.Background(), runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	runner := &Runner{EngineOptions: []engine.Option{engine.WithRuntime(rt)}}
	updated := floors{}
	for _, g := range conformanceGroups {
		var paths, missing []string
		for _, f := range g.files {
			p := filepath.Join(corpusDir, f+".json")
			if _, err := os.Stat(p); err != nil {
				missing = append(missing, f)
				continue
			}
			paths = append(paths, p)
		}
		var report strings.Builder
		sum, err := RunPaths(context.Background(), paths, Options{Out: &report, Runner: runner})
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		registry := 0
		for reason, n := range sum.SkipReasons {
			if strings.HasPrefix(reason, "needs a schema registry") {
				registry += n
			}
		}
		inScope := sum.Passed + sum.Failed + sum.Skipped - registry
		fmt.Printf("conformance %s: %s (%d files", g.name, sum.Line(), len(paths))
		if len(missing) > 0 {
			fmt.Printf("; not in the corpus: %s", strings.Join(missing, ", "))
		}
		fmt.Printf(")\n")
		if inScope > 0 {
			fmt.Printf("  %.1f%% of the %d variants without a schema registry passed; negative tests: %d of %d rejected, %d of them as not supported yet, ksqlDB's message in %d\n",
				100*float64(sum.Passed)/float64(inScope), inScope, sum.NegativePassed, sum.Negative, sum.NegativeNotSupported, sum.NegativeMessage)
		}
		floor, ok := fl[g.name]
		if !ok {
			t.Errorf("%s: no floor for group %q", floorFile, g.name)
		}
		if sum.Passed < floor.Passed {
			t.Errorf("conformance %s: %d passed, below the floor of %d; the report:\n%s", g.name, sum.Passed, floor.Passed, report.String())
		}
		updated[g.name] = struct {
			Passed int `json:"passed"`
		}{max(floor.Passed, sum.Passed)}
	}
	if *updateFloor {
		b, _ := json.MarshalIndent(updated, "", "  ")
		if err := os.WriteFile(floorFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOwnQTT runs wasmstream's own QTT-format tests in testdata/qtt: every
// variant must pass (none may be skipped).
func TestOwnQTT(t *testing.T) {
	var report strings.Builder
	sum, err := RunPaths(context.Background(), []string{filepath.Join("..", "..", "testdata", "qtt")}, Options{Out: &report, Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed > 0 || sum.Skipped > 0 || sum.Passed == 0 {
		t.Errorf("%s\n%s", sum.Line(), report.String())
	}
}
