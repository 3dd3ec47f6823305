package codegen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenQueries are representative plans, built by hand, whose dumps are
// kept in testdata/NAME.golden. Positions are set so that the positions
// section shows.
func goldenQueries() map[string]*plan.Query {
	qs := map[string]*plan.Query{}

	// SELECT ID, CITY, SCORE + 1 FROM S WHERE TYPE = 'Residential' AND SCORE > 750
	in := []sdk.Column{{Name: "ID", Type: tS, Key: true}, {Name: "TYPE", Type: tS}, {Name: "SCORE", Type: tI}, {Name: "CITY", Type: tS}}
	q := query(&plan.Stage{Inputs: in,
		Filter:  at(and(at(bin(plan.OpEq, at(col(1, tS), 70), at(cStr("Residential"), 77)), 75), at(bin(plan.OpGt, at(col(2, tI), 95), at(cInt(750), 103)), 101)), 91),
		Outputs: []plan.Output{{Name: "ID", Expr: at(col(0, tS), 7), Key: true}, {Name: "CITY", Expr: at(col(3, tS), 11)}, {Name: "S1", Expr: at(bin(plan.OpAdd, at(col(2, tI), 17), at(cInt(1), 25)), 23)}},
	})
	q.SQL = "CREATE STREAM OUT AS SELECT ID, CITY, SCORE + 1 AS S1 FROM S WHERE TYPE = 'Residential' AND SCORE > 750;"
	qs["filter_projection"] = q

	// A filter that is not branch-free (LIKE, OR of a function) and NULL
	// propagation into an output.
	q = query(&plan.Stage{Inputs: cols(tS, tI),
		Filter:  or(like(col(0, tS), cStr("a%"), -1, false), bin(plan.OpGt, call(plan.FnLen, tI, col(0, tS)), cInt(3))),
		Outputs: outs(bin(plan.OpDiv, col(1, tI), cInt(0)), bin(plan.OpMod, col(1, tI), col(1, tI))),
	})
	qs["filter_jumps"] = q

	// CASE WHEN A < 0 THEN 'neg' WHEN A = 0 THEN 'zero' ELSE 'pos' END,
	// COALESCE, NULLIF, IS NULL
	q = query(&plan.Stage{Inputs: cols(tI, tI),
		Outputs: outs(
			caseOf(tS, cStr("pos"), bin(plan.OpLt, col(0, tI), cInt(0)), cStr("neg"), bin(plan.OpEq, col(0, tI), cInt(0)), cStr("zero")),
			call(plan.FnCoalesce, tI, col(0, tI), col(1, tI), cInt(0)),
			call(plan.FnNullIf, tI, col(0, tI), col(1, tI)),
			isNull(col(1, tI)),
			and(bin(plan.OpGt, col(0, tI), cInt(1)), not(isNull(col(1, tI)))),
		),
	})
	qs["case_nulls"] = q

	// String functions.
	s := col(0, tS)
	q = query(&plan.Stage{Inputs: cols(tS, tS),
		Outputs: outs(
			call(plan.FnUpper, tS, s), call(plan.FnTrim, tS, s), call(plan.FnLen, tI, s),
			call(plan.FnSubstring, tS, s, cInt(2), cInt(3)), call(plan.FnReplace, tS, s, cStr("a"), cStr("b")),
			call(plan.FnConcat, tS, s, cStr("-"), col(1, tS)), call(plan.FnConcatWS, tS, cStr(", "), s, col(1, tS)),
			bin(plan.OpLt, s, col(1, tS)), bin(plan.OpEq, s, col(1, tS)),
		),
	})
	qs["string_functions"] = q

	// CAST in every direction, math functions.
	q = query(&plan.Stage{Inputs: cols(tS, tD, tL, tB),
		Outputs: outs(
			convN(col(0, tS), tI), conv(col(0, tS), tD), conv(col(0, tS), tB),
			conv(col(1, tD), tI), conv(col(1, tD), tL), conv(col(1, tD), tS),
			conv(col(2, tL), tI), conv(col(2, tL), tS), conv(col(2, tL), tD), conv(col(3, tB), tS),
			call(plan.FnRound, tL, col(1, tD)), call(plan.FnRoundTo, tD, col(1, tD), cInt(2)),
			call(plan.FnAbs, tL, col(2, tL)), bin(plan.OpMod, col(1, tD), cDbl(3)), bin(plan.OpDiv, col(2, tL), col(2, tL)),
		),
	})
	qs["casts_math"] = q

	// INSERT INTO OUT VALUES ('k', 1, 'x' || 'y'): a stage without inputs.
	q = query(&plan.Stage{Export: "values", Outputs: []plan.Output{
		{Name: "K", Expr: cStr("k"), Key: true}, {Name: "V", Expr: cInt(1)}, {Name: "S", Expr: call(plan.FnConcat, tS, cStr("x"), cStr("y"))},
	}})
	q.Kind, q.Sources, q.Pipeline = "VALUES", nil, sdk.Pipeline{Final: 0}
	q.SQL = "INSERT INTO OUT VALUES ('k', 1, CONCAT('x', 'y'));"
	qs["insert_values"] = q
	return qs
}

func TestGolden(t *testing.T) {
	for name, q := range goldenQueries() {
		t.Run(name, func(t *testing.T) {
			bin, m := generate(t, q)
			got, err := Dump(bin)
			if err != nil {
				t.Fatal(err)
			}
			// Every golden module also runs (an empty batch, and one
			// row of NULLs where it has inputs).
			for _, e := range engines(t) {
				in := instantiate(t, e, bin, m)
				row := make([]sdk.Value, len(m.Stages[0].Inputs))
				for i, c := range m.Stages[0].Inputs {
					row[i] = sdk.Null(c.Type)
				}
				if st, _, _ := in.run(t, 0, nil, batchOpts{}); st != sdk.StatusOK {
					t.Errorf("%s: empty batch: status %d", e.name, st)
				}
				if st, _, _ := in.run(t, 0, [][]sdk.Value{row}, batchOpts{}); st != sdk.StatusOK {
					t.Errorf("%s: NULL row: status %d", e.name, st)
				}
			}
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal([]byte(got), want) {
				t.Errorf("dump differs from %s (run go test -update after checking the change):\n%s", path, firstDiff(string(want), got))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestDeterministic: the same plan gives the same bytes, every time.
func TestDeterministic(t *testing.T) {
	for name, q := range goldenQueries() {
		a, _ := generate(t, q)
		for i := 0; i < 5; i++ {
			b, _ := generate(t, goldenQueries()[name])
			if !bytes.Equal(a, b) {
				t.Fatalf("%s: run %d gave different bytes", name, i)
			}
		}
	}
}
