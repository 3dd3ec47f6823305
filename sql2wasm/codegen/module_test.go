package codegen

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// TestModuleShape checks the module-level contract: memory min == max and
// exactly the regions, contiguous stage layouts, the manifest embedded and
// equal to the one returned, and only the used intrinsics imported, in
// sdk.Intrinsics order.
func TestModuleShape(t *testing.T) {
	st0 := &plan.Stage{Export: "pre", Inputs: cols(tS, tI),
		Filter:  like(col(0, tS), cStr("a_%"), -1, false), // _ needs the intrinsic
		Outputs: outs(call(plan.FnUpper, tS, col(0, tS)), conv(col(1, tI), tS))}
	st1 := &plan.Stage{Export: "final", Inputs: cols(tS, tS), Outputs: outs(call(plan.FnLower, tS, col(1, tS)))}
	q := query(st0, st1)
	q.Pipeline = sdk.Pipeline{Inputs: []sdk.InputStep{{Source: 0, Stage: 0}}, Final: 1}
	bin, m := generate(t, q)

	l0, l1 := m.Stages[0].Layout, m.Stages[1].Layout
	if l0.Base%8 != 0 || l1.Base != l0.End() {
		t.Errorf("layouts: stage 0 at %d..%d, stage 1 at %d", l0.Base, l0.End(), l1.Base)
	}
	if l0.Capacity != sdk.DefaultBatchCapacity || l0.InDataSize != sdk.DefaultInDataSize || l0.HeapSize != sdk.DefaultHeapSize {
		t.Errorf("layout sizes: %+v", l0)
	}
	if m.MemoryPages != sdk.Pages(l1.End()) {
		t.Errorf("memory %d pages, regions end at %d", m.MemoryPages, l1.End())
	}
	if m.ABIVersion != sdk.ABIVersion || m.Compiler != Compiler || m.QueryID != q.ID || m.Kind != q.Kind || m.SQL != q.SQL ||
		m.Pipeline.Final != 1 || len(m.Sources) != 1 || m.Sink.Name != "OUT" {
		t.Errorf("manifest: %+v", m)
	}
	if got := m.Stages[0].Outputs; len(got) != 2 || got[0].Type != tS || got[1].Type != tS {
		t.Errorf("stage 0 outputs: %+v", got)
	}
	customs, err := customSections(bin)
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := sdk.UnmarshalManifest(customs[sdk.ManifestSection])
	if err != nil {
		t.Fatal(err)
	}
	if embedded.MemoryPages != m.MemoryPages || len(embedded.Stages) != 2 || embedded.Stages[1].Layout != l1 {
		t.Errorf("embedded manifest differs: %+v", embedded)
	}
	dump, err := Dump(bin)
	if err != nil {
		t.Fatal(err)
	}
	// Imports: str_upper, str_lower, str_like, fmt_int, check_cancel in sdk.Intrinsics
	// order, nothing else.
	var imports []string
	for _, line := range strings.Split(dump, "\n") {
		if strings.Contains(line, "(import ") {
			imports = append(imports, strings.Fields(line)[2])
		}
	}
	want := []string{`"str_upper"`, `"str_lower"`, `"str_like"`, `"fmt_int"`, `"check_cancel"`}
	if strings.Join(imports, " ") != strings.Join(want, " ") {
		t.Errorf("imports %v, want %v", imports, want)
	}
	if !strings.Contains(dump, "(memory (;0;) "+itoa(int(m.MemoryPages))+" "+itoa(int(m.MemoryPages))+")") {
		t.Errorf("memory is not min == max == %d pages", m.MemoryPages)
	}
	// Both stages run, in the real runtime too.
	for _, e := range engines(t) {
		in := instantiate(t, e, bin, m)
		if st, _, rr := in.run(t, 1, [][]sdk.Value{{vS("x"), vS("AbC")}}, batchOpts{}); st != sdk.StatusOK || rr[0].out[0].S != "abc" {
			t.Errorf("%s: final stage: %d %+v", e.name, st, rr)
		}
	}
	if st, _, rr := runRuntime(t, bin, [][]sdk.Value{{vS("ab"), vI(7)}, {vS("b"), vI(8)}}); st != sdk.StatusOK ||
		rr[0].sel != sdk.SelEmit || rr[0].out[0].S != "AB" || rr[0].out[1].S != "7" || rr[1].sel != sdk.SelDrop {
		t.Errorf("runtime: %d %+v", st, rr)
	}
}

// TestNoIntrinsics: a module whose code needs no intrinsic imports none.
func TestNoIntrinsics(t *testing.T) {
	bin, _ := generate(t, query(&plan.Stage{Inputs: cols(tI), Outputs: outs(bin(plan.OpAdd, col(0, tI), cInt(1)))}))
	dump, err := Dump(bin)
	if err != nil {
		t.Fatal(err)
	}
	// check_cancel is the one import every stage has (the cooperative
	// deadline); arithmetic needs nothing else from the host.
	if n := strings.Count(dump, "(import"); n != 1 || !strings.Contains(dump, `"check_cancel"`) {
		t.Errorf("want check_cancel as the only import, got %d imports:\n%s", n, dump)
	}
}

// TestPositions checks the positions section: entries per function in
// offset order, and every tagged SQL offset one of the plan's positions.
func TestPositions(t *testing.T) {
	q := goldenQueries()["filter_projection"]
	bin, _ := generate(t, q)
	customs, err := customSections(bin)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := customs[sdk.PositionsSection]
	if !ok {
		t.Fatal("no positions section")
	}
	valid := map[uint64]bool{}
	var walk func(e plan.Expr)
	walk = func(e plan.Expr) {
		if e.Pos().IsValid() {
			valid[uint64(e.Pos().Offset())] = true
		}
		switch x := e.(type) {
		case *plan.Binary:
			walk(x.X)
			walk(x.Y)
		}
	}
	walk(q.Stages[0].Filter)
	for _, o := range q.Stages[0].Outputs {
		walk(o.Expr)
	}
	seen := map[uint64]bool{}
	dump, err := Dump(bin)
	if err != nil {
		t.Fatal(err)
	}
	imports := uint64(strings.Count(dump, "(import"))
	fnIdx, n, err := uleb(raw)
	if err != nil || fnIdx != imports { // the stage follows the imported functions
		t.Fatalf("function %d, %v", fnIdx, err)
	}
	raw = raw[n:]
	count, n, _ := uleb(raw)
	raw = raw[n:]
	last := uint64(0)
	for i := uint64(0); i < count; i++ {
		off, n, err := uleb(raw)
		if err != nil {
			t.Fatal(err)
		}
		raw = raw[n:]
		sql, n, err := uleb(raw)
		if err != nil {
			t.Fatal(err)
		}
		raw = raw[n:]
		if off <= last && i > 0 {
			t.Errorf("entry %d: offset %d not after %d", i, off, last)
		}
		last = off
		if !valid[sql] {
			t.Errorf("entry %d: SQL offset %d is no expression's position", i, sql)
		}
		seen[sql] = true
	}
	if len(raw) != 0 {
		t.Errorf("%d bytes left after the entries", len(raw))
	}
	// The comparison SCORE > 750 (at offset 101) has code of its own.
	if !seen[101] || !seen[75] {
		t.Errorf("positions %v lack the comparisons", seen)
	}
}

func TestGenerateErrors(t *testing.T) {
	ok := &plan.Stage{Export: "s", Inputs: cols(tI), Outputs: outs(col(0, tI))}
	for _, tc := range []struct {
		name string
		q    *plan.Query
		want string
	}{
		{"nil query", nil, "no query"},
		{"nil stage", query(nil), "stage 0 is nil"},
		{"duplicate export", query(ok, &plan.Stage{Export: "s"}), "used twice"},
		{"export named memory", query(&plan.Stage{Export: "memory"}), "used twice"},
		{"column out of range", query(&plan.Stage{Inputs: cols(tI), Outputs: outs(col(3, tI))}), "column 3 of 1"},
		{"column type", query(&plan.Stage{Inputs: cols(tI), Outputs: outs(col(0, tS))}), "used as STRING but is INTEGER"},
		{"filter type", query(&plan.Stage{Inputs: cols(tI), Filter: col(0, tI)}), "filter of type INTEGER"},
		{"arithmetic types", query(&plan.Stage{Inputs: cols(tI, tS), Outputs: outs(&plan.Binary{Op: plan.OpAdd, X: col(0, tI), Y: col(1, tS), T: tI})}), "arithmetic"},
		{"comparison types", query(&plan.Stage{Inputs: cols(tI, tS), Outputs: outs(bin(plan.OpLt, col(0, tI), col(1, tS)))}), "comparison of INTEGER and STRING"},
		{"unknown op", query(&plan.Stage{Inputs: cols(tI), Outputs: outs(&plan.Binary{Op: 99, X: col(0, tI), Y: col(0, tI), T: tI})}), "binary operator 99"},
		{"missing operand", query(&plan.Stage{Outputs: outs(&plan.Unary{Op: plan.OpNot, T: tB})}), "missing operand"},
		{"no output expression", query(&plan.Stage{Outputs: []plan.Output{{Name: "X"}}}), "has no expression"},
		{"null output", query(&plan.Stage{Outputs: outs(cNull(sdk.TypeUnknown))}), "has type UNKNOWN"},
		{"unsupported conversion", query(&plan.Stage{Inputs: cols(tB), Outputs: outs(conv(col(0, tB), tI))}), "not supported yet: conversion from BOOLEAN to INTEGER"},
		{"function arity", query(&plan.Stage{Inputs: cols(tS), Outputs: outs(call(plan.FnUpper, tS))}), "UCASE with 0 arguments"},
		{"function types", query(&plan.Stage{Inputs: cols(tS), Outputs: outs(call(plan.FnLen, tI, cInt(1)))}), "LEN with 1 arguments"},
		{"unknown function", query(&plan.Stage{Outputs: outs(call(99, tI))}), "unknown function 99"},
		{"case without else", query(&plan.Stage{Outputs: outs(&plan.Case{T: tI, Whens: []plan.When{{Cond: cBool(true), Then: cInt(1)}}})}), "CASE without WHEN or ELSE"},
		{"too deep", query(&plan.Stage{Outputs: outs(deep(maxDepth + 5))}), "nested more than"},
		{"capacity", nil, "capacity 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.name == "capacity" {
				_, _, err = Generate(query(ok), WithBatchCapacity(0))
			} else {
				_, _, err = Generate(tc.q)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if tc.name != "unsupported conversion" && tc.name != "too deep" && tc.name != "capacity" && !errors.Is(err, ErrInvalidPlan) {
				t.Errorf("error %v does not wrap ErrInvalidPlan", err)
			}
		})
	}
}

func deep(n int) plan.Expr {
	var e plan.Expr = cInt(1)
	for i := 0; i < n; i++ {
		e = neg(e)
	}
	return e
}

// TestGenerateMalformedNeverPanics corrupts random valid plans (dropped
// arguments, wrong types, out-of-range columns, nil operands) and checks
// that Generate returns an error or a module wazero accepts, never a
// panic.
func TestGenerateMalformedNeverPanics(t *testing.T) {
	inputs := cols(tB, tI, tI, tL, tD, tD, tS, tS)
	accepted := 0
	for seed := uint64(0); seed < 400; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		g := &exprGen{r: r, inputs: inputs}
		e := g.expr(g.anyType(), 4)
		corrupt(r, e)
		q := query(&plan.Stage{Inputs: inputs, Outputs: outs(e)})
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("seed %d: Generate panicked on %s: %v", seed, fmtExpr(e), p)
				}
			}()
			bin, m, err := Generate(q)
			if err != nil {
				return
			}
			accepted++
			for _, eng := range engines(t)[:1] {
				instantiate(t, eng, bin, m)
			}
		}()
	}
	t.Logf("%d of 400 corrupted plans still valid", accepted)
}

// corrupt changes one random node of e in place.
func corrupt(r *rand.Rand, e plan.Expr) {
	var nodes []plan.Expr
	var walk func(plan.Expr)
	walk = func(e plan.Expr) {
		if e == nil {
			return
		}
		nodes = append(nodes, e)
		switch x := e.(type) {
		case *plan.Unary:
			walk(x.X)
		case *plan.Binary:
			walk(x.X)
			walk(x.Y)
		case *plan.IsNull:
			walk(x.X)
		case *plan.Convert:
			walk(x.X)
		case *plan.Case:
			for _, w := range x.Whens {
				walk(w.Cond)
				walk(w.Then)
			}
			walk(x.Else)
		case *plan.Like:
			walk(x.X)
			walk(x.Pattern)
		case *plan.Call:
			for _, a := range x.Args {
				walk(a)
			}
		}
	}
	walk(e)
	types := []sdk.Type{0, tB, tI, tL, tD, tS, 9}
	switch x := nodes[r.IntN(len(nodes))].(type) {
	case *plan.Col:
		if r.IntN(2) == 0 {
			x.Index = r.IntN(20) - 5
		} else {
			x.T = types[r.IntN(len(types))]
		}
	case *plan.Const:
		x.V.Type = types[r.IntN(len(types))]
	case *plan.Unary:
		x.Op = plan.Op(r.IntN(20))
	case *plan.Binary:
		if r.IntN(2) == 0 {
			x.Y = nil
		} else {
			x.T = types[r.IntN(len(types))]
		}
	case *plan.Convert:
		x.To = types[r.IntN(len(types))]
	case *plan.Case:
		x.Else = nil
	case *plan.Like:
		x.Pattern = cInt(1)
	case *plan.Call:
		if len(x.Args) > 0 && r.IntN(2) == 0 {
			x.Args = x.Args[:len(x.Args)-1]
		} else {
			x.Fn = plan.Func(r.IntN(25))
		}
	case *plan.IsNull:
		x.X = nil
	}
	_ = token.NoPos
}
