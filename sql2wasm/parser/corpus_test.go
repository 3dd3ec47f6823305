package parser

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// qttCases is ksqlDB's query-validation test corpus, relative to this
// package; it lives outside the repository (see .notes/HELPERS.md).
const qttCases = "../../../shared/qtt/cases"

type qttFile struct {
	Tests []struct {
		Name              string   `json:"name"`
		Statements        []string `json:"statements"`
		ExpectedException *struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"expectedException"`
	} `json:"tests"`
}

// TestCorpus parses every statement of the QTT corpus. A statement of valid
// ksqlDB must parse, or fail with "not supported yet" when it uses syntax we
// have not built; a plain syntax error there is a parser bug. Statements
// that ksqlDB itself rejects while parsing (ParseFailedException as the
// expected outcome of the last statement) must be rejected here too. Every
// statement that parses must print back to SQL that parses to the same tree.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(qttCases, "*.json"))
	if len(files) == 0 {
		t.Skipf("QTT corpus not found at %s (it lives outside the repository); nothing to check", qttCases)
	}
	var (
		total, parsed, unsupported, syntaxErrors int
		expectFail, rejected                     int
		unsupportedWhat                          = map[string]int{}
		seen                                     = map[string]bool{}
	)
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f qttFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		base := filepath.Base(path)
		for _, tc := range f.Tests {
			for i, stmt := range tc.Statements {
				src := strings.ReplaceAll(stmt, "{FORMAT}", "JSON")
				shouldFail := i == len(tc.Statements)-1 && tc.ExpectedException != nil &&
					strings.HasSuffix(tc.ExpectedException.Type, "ParseFailedException")
				key := src
				if shouldFail {
					key = "fail:" + src
				}
				if seen[key] {
					continue
				}
				seen[key] = true
				total++
				stmts, err := ParseScript(base, src)
				if shouldFail {
					expectFail++
					if err != nil {
						rejected++
					} else {
						t.Logf("%s %q: accepted, but ksqlDB rejects it while parsing (%q): %s",
							base, tc.Name, tc.ExpectedException.Message, src)
					}
					continue
				}
				switch {
				case err == nil:
					parsed++
					checkRoundTrip(t, base, src, stmts)
				case isUnsupported(err):
					unsupported++
					unsupportedWhat[unsupportedMessage(err)]++
				default:
					syntaxErrors++
					t.Errorf("%s %q: %v\n%s", base, tc.Name, err, FormatError(err, src))
				}
			}
		}
	}
	var whats []string
	for w, n := range unsupportedWhat {
		whats = append(whats, w+": "+itoa(n))
	}
	sort.Strings(whats)
	t.Logf("QTT corpus: %d distinct statements in %d files: %d parsed (and round-tripped), %d not supported yet, %d syntax errors",
		total, len(files), parsed, unsupported, syntaxErrors)
	t.Logf("statements ksqlDB rejects while parsing: %d of %d rejected", rejected, expectFail)
	t.Logf("not supported yet:\n  %s", strings.Join(whats, "\n  "))
}

func itoa(n int) string {
	var b []byte
	for n >= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(append([]byte{byte('0' + n)}, b...))
}

func isUnsupported(err error) bool {
	var list ErrorList
	if !errors.As(err, &list) {
		return false
	}
	for _, e := range list {
		if !strings.HasPrefix(e.Msg, "not supported yet: ") {
			return false
		}
	}
	return true
}

func unsupportedMessage(err error) string {
	var list ErrorList
	errors.As(err, &list)
	return strings.TrimPrefix(list[0].Msg, "not supported yet: ")
}

// checkRoundTrip checks that printing stmts and parsing the result gives
// the same trees.
func checkRoundTrip(t *testing.T, name, src string, stmts []ast.Statement) {
	t.Helper()
	printed := ast.FormatScript(stmts)
	again, err := ParseScript(name, printed)
	if err != nil {
		t.Errorf("%s: printed form does not parse: %v\nsource:  %s\nprinted: %s", name, err, src, printed)
		return
	}
	if len(again) != len(stmts) {
		t.Errorf("%s: printed form has %d statements, want %d\nprinted: %s", name, len(again), len(stmts), printed)
		return
	}
	for i := range stmts {
		if a, b := ast.Debug(stmts[i]), ast.Debug(again[i]); a != b {
			t.Errorf("%s: round trip changed the tree\nsource:  %s\nprinted: %s\nbefore: %s\nafter:  %s", name, src, printed, a, b)
		}
	}
}
