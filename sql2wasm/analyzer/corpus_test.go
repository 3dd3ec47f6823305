package analyzer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sql2wasm/parser"
)

// corpusDir is ksqlDB's query-validation tests, next to the repository
// (see ../shared/qtt/README.md); tests that use it skip when it is absent.
const corpusDir = "../../../shared/qtt/cases"

// statelessCore are the files of the stateless core capability
// (../shared/qtt/README.md).
var statelessCore = []string{
	"where", "project-filter", "select", "operators", "binary-arithmetic", "binary-comparison",
	"comparison-expression", "between", "in", "like", "null", "case-expression", "cast", "concat",
	"substring", "len", "string", "literals", "identifiers", "quoted-identifiers", "floating-point",
	"json", "delimited", "kafka", "formats", "serdes", "key-schemas", "system-columns",
	"drop_source", "insert-into", "sink-topic-naming", "partition-by",
	// Read-only sources, which the same rules cover.
	"source-stream", "source-table",
}

// Floors for TestCorpusStatelessCore, measured when the analyzer was last
// improved: the test fails when the analyzer gets worse than this.
const (
	floorPositive     = 171 // variants whose statements all analyze
	floorRejectedLast = 119 // negative variants whose last statement is rejected
	floorMessage      = 72  // ... with ksqlDB's message contained in ours
)

type qttFile struct {
	Tests []qttTest `json:"tests"`
}

type qttTest struct {
	Name              string            `json:"name"`
	Statements        []string          `json:"statements"`
	Properties        map[string]any    `json:"properties"`
	Format            []string          `json:"format"`
	Config            []string          `json:"config"`
	ExpectedException *qttExpectedError `json:"expectedException"`
	Enabled           *bool             `json:"enabled"`
}

type qttExpectedError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// qttVariant is one test after format x config expansion.
type qttVariant struct {
	file, name string
	statements []string
	props      map[string]string
	expected   *qttExpectedError
}

var lineComment = regexp.MustCompile(`(?m)^\s*//.*$`)

func loadCorpus(t *testing.T, files []string) []qttVariant {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("ksqlDB's conformance tests are not at %s (they live outside the repository): %v", corpusDir, err)
	}
	var out []qttVariant
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(corpusDir, f+".json"))
		if errors.Is(err, os.ErrNotExist) {
			continue // not every file of the capability list is in the visible subset
		}
		if err != nil {
			t.Fatal(err)
		}
		var qf qttFile
		dec := json.NewDecoder(strings.NewReader(lineComment.ReplaceAllString(string(b), "")))
		dec.UseNumber()
		if err := dec.Decode(&qf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tc := range qf.Tests {
			if tc.Enabled != nil && !*tc.Enabled {
				continue
			}
			formats := tc.Format
			if len(formats) == 0 {
				formats = []string{""}
			}
			configs := tc.Config
			if len(configs) == 0 {
				configs = []string{""}
			}
			for _, format := range formats {
				for _, config := range configs {
					v := qttVariant{file: f, name: tc.Name, expected: tc.ExpectedException, props: map[string]string{}}
					if format != "" {
						v.name += " - " + format
					}
					for k, val := range tc.Properties {
						s := fmt.Sprint(val)
						if s == "{CONFIG}" {
							s = config
							v.name += " - " + k + "=" + config
						}
						v.props[k] = s
					}
					for _, s := range tc.Statements {
						v.statements = append(v.statements, strings.ReplaceAll(s, "{FORMAT}", format))
					}
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// testOnlyUDF matches functions that exist only in ksqlDB's Java test code.
var testOnlyUDF = regexp.MustCompile(`(?i)\b(BAD_UDF|WHENCONDITION|WHENRESULT|TEST_UDF)\s*\(`)

// registryFormat matches statements that need a schema registry.
var registryFormat = regexp.MustCompile(`(?i)'(AVRO|PROTOBUF|PROTOBUF_NOSR|JSON_SR)'`)

// runVariant analyzes a variant's statements in order and returns the
// index of the first statement that failed (-1 if none) and its error.
func runVariant(v qttVariant) (int, error) {
	a := New(v.props)
	for i, s := range v.statements {
		stmt, err := parser.ParseStatement("", s)
		if err != nil {
			return i, err
		}
		if _, err := a.AnalyzeAndCommit(stmt, s); err != nil {
			return i, err
		}
	}
	return -1, nil
}

// TestCorpusStatelessCore runs the analyzer (with the parser) over every
// statement of the stateless core files of ksqlDB's conformance tests. A
// positive test passes here when all its statements analyze; a negative
// one when its last statement is rejected. The numbers are logged, with the
// failures grouped by message, and must not fall below the floors.
func TestCorpusStatelessCore(t *testing.T) {
	variants := loadCorpus(t, statelessCore)
	var positive, posPass, negative, rejectedLast, rejectedEarly, msgMatch, skipped int
	failures := map[string][]string{}
	var missed []string
	for _, v := range variants {
		all := strings.Join(v.statements, "\n")
		if testOnlyUDF.MatchString(all) {
			skipped++
			continue
		}
		if registryFormat.MatchString(all) {
			skipped++
			continue
		}
		at, err := runVariant(v)
		id := v.file + " - " + v.name
		if v.expected == nil {
			positive++
			if err == nil {
				posPass++
				continue
			}
			msg := strings.SplitN(err.Error(), "\n", 2)[0]
			failures[msg] = append(failures[msg], fmt.Sprintf("%s [stmt %d]", id, at+1))
			continue
		}
		negative++
		switch {
		case err == nil:
			missed = append(missed, id+": accepted, want "+v.expected.Message)
		case at < len(v.statements)-1:
			rejectedEarly++
			missed = append(missed, fmt.Sprintf("%s: rejected statement %d of %d: %v", id, at+1, len(v.statements), err))
		default:
			rejectedLast++
			if strings.Contains(err.Error(), v.expected.Message) {
				msgMatch++
			} else {
				missed = append(missed, fmt.Sprintf("%s: message %q, ksqlDB says %q", id, err, v.expected.Message))
			}
		}
	}
	t.Logf("stateless core: %d variants, %d skipped (schema-registry formats or ksqlDB test-only UDFs)", len(variants), skipped)
	t.Logf("positive: %d of %d analyze completely", posPass, positive)
	t.Logf("negative: %d of %d rejected at the last statement (%d with ksqlDB's message), %d rejected earlier",
		rejectedLast, negative, msgMatch, rejectedEarly)

	type group struct {
		msg   string
		tests []string
	}
	var groups []group
	for m, ts := range failures {
		groups = append(groups, group{m, ts})
	}
	sort.Slice(groups, func(i, j int) bool {
		if len(groups[i].tests) != len(groups[j].tests) {
			return len(groups[i].tests) > len(groups[j].tests)
		}
		return groups[i].msg < groups[j].msg
	})
	for _, g := range groups {
		t.Logf("%3d x %s\n\t%s", len(g.tests), g.msg, strings.Join(g.tests, "\n\t"))
	}
	if testing.Verbose() {
		for _, m := range missed {
			t.Logf("negative: %s", m)
		}
	}

	if posPass < floorPositive {
		t.Errorf("positive variants analyzed: %d, floor %d", posPass, floorPositive)
	}
	if rejectedLast < floorRejectedLast {
		t.Errorf("negative variants rejected at the last statement: %d, floor %d", rejectedLast, floorRejectedLast)
	}
	if msgMatch < floorMessage {
		t.Errorf("negative variants with ksqlDB's message: %d, floor %d", msgMatch, floorMessage)
	}
}

// statefulFiles are the files of the stateful capability: aggregation,
// windows and joins.
var statefulFiles = []string{
	"group-by", "having", "count", "sum", "average", "average-udaf", "tumbling-windows",
	"hopping-windows", "session-windows", "window-bounds", "windowed-source", "table", "joins",
	"stream-table-join", "table-table-join",
}

// Floors for TestCorpusStateful, measured when the analyzer was last
// improved: stateful statements (GROUP BY, WINDOW, JOIN) of positive
// variants that analyze, and negative variants rejected at the last
// statement with ksqlDB's message.
const (
	floorStatefulAnalyzed = 138
	floorStatefulMessage  = 57
)

// statefulStmt matches a statement that needs a host operator.
var statefulStmt = regexp.MustCompile(`(?is)\bSELECT\b.*\b(GROUP\s+BY|JOIN|WINDOW)\b`)

// TestCorpusStateful runs the analyzer over the stateful files of ksqlDB's
// conformance tests and reports how many stateful statements analyze, how
// many are refused as "not supported yet" (grouped by feature) and how the
// negative tests fare.
func TestCorpusStateful(t *testing.T) {
	variants := loadCorpus(t, statefulFiles)
	var stateful, analyzed, positive, posPass, negative, rejectedLast, msgMatch, skipped int
	notYet := map[string]int{}
	other := map[string][]string{}
	var missed []string
	for _, v := range variants {
		all := strings.Join(v.statements, "\n")
		if testOnlyUDF.MatchString(all) || registryFormat.MatchString(all) {
			skipped++
			continue
		}
		a := New(v.props)
		id := v.file + " - " + v.name
		var failAt = -1
		var failErr error
		for i, s := range v.statements {
			isStateful := statefulStmt.MatchString(s)
			stmt, err := parser.ParseStatement("", s)
			if err == nil {
				_, err = a.AnalyzeAndCommit(stmt, s)
			}
			if isStateful && v.expected == nil {
				stateful++
				if err == nil {
					analyzed++
				} else if msg := err.Error(); strings.HasPrefix(msg, "not supported yet: ") {
					notYet[strings.SplitN(msg, "\n", 2)[0]]++
				} else {
					msg = strings.SplitN(msg, "\n", 2)[0]
					other[msg] = append(other[msg], id)
				}
			}
			if err != nil {
				failAt, failErr = i, err
				break
			}
		}
		if v.expected == nil {
			positive++
			if failErr == nil {
				posPass++
			}
			continue
		}
		negative++
		switch {
		case failErr == nil:
			missed = append(missed, id+": accepted, want "+v.expected.Message)
		case failAt < len(v.statements)-1:
			missed = append(missed, fmt.Sprintf("%s: rejected statement %d of %d: %v", id, failAt+1, len(v.statements), failErr))
		default:
			rejectedLast++
			if strings.Contains(failErr.Error(), v.expected.Message) {
				msgMatch++
			} else {
				missed = append(missed, fmt.Sprintf("%s: message %q, ksqlDB says %q", id, failErr, v.expected.Message))
			}
		}
	}
	t.Logf("stateful: %d variants, %d skipped (schema-registry formats or ksqlDB test-only UDFs)", len(variants), skipped)
	t.Logf("stateful statements of positive variants: %d of %d analyze", analyzed, stateful)
	t.Logf("positive variants: %d of %d analyze completely", posPass, positive)
	t.Logf("negative: %d of %d rejected at the last statement (%d with ksqlDB's message)", rejectedLast, negative, msgMatch)
	for _, m := range sortedKeys(notYet) {
		t.Logf("%3d x %s", notYet[m], m)
	}
	for _, m := range sortedKeys(other) {
		t.Logf("%3d x %s\n\t%s", len(other[m]), m, strings.Join(other[m], "\n\t"))
	}
	if testing.Verbose() {
		for _, m := range missed {
			t.Logf("negative: %s", m)
		}
	}
	if analyzed < floorStatefulAnalyzed {
		t.Errorf("stateful statements analyzed: %d, floor %d", analyzed, floorStatefulAnalyzed)
	}
	if msgMatch < floorStatefulMessage {
		t.Errorf("negative stateful variants with ksqlDB's message: %d, floor %d", msgMatch, floorStatefulMessage)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
