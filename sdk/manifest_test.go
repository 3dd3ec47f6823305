package sdk

import (
	"strings"
	"testing"
)

// statefulManifest is a valid manifest of an aggregation (one input) or a
// join (two inputs): an input stage per source and a final stage.
func statefulManifest(inputs int) *Manifest {
	m := &Manifest{ABIVersion: ABIVersion, QueryID: "Q", MemoryPages: 64}
	base := uint32(64)
	stage := func(name string) Stage {
		l := Layout{Base: base, Capacity: 16, Inputs: 1, Outputs: 1, InDataSize: 64, HeapSize: 64}
		base = (l.End() + 7) &^ 7
		return Stage{Export: name, Inputs: []Column{{Name: "A", Type: TypeInt}}, Outputs: []Column{{Name: name + "_OUT", Type: TypeInt}}, Layout: l}
	}
	for i := range inputs {
		m.Sources = append(m.Sources, Source{Name: "S" + string(rune('0'+i))})
		m.Stages = append(m.Stages, stage("stage_"+string(rune('0'+i))))
		m.Pipeline.Inputs = append(m.Pipeline.Inputs, InputStep{Source: i, Stage: i})
	}
	m.Stages = append(m.Stages, stage("final"))
	m.Pipeline.Final = inputs
	if inputs == 1 {
		m.Pipeline.Operator = &Operator{Aggregate: &Aggregate{
			GroupBy: []string{"stage_0_OUT"},
			Calls:   []AggregateCall{{Func: AggCountStar, Result: Column{Name: "N", Type: TypeBigInt}}},
			Window:  &Window{Type: WindowHopping, SizeMs: 1000, AdvanceMs: 500, GraceMs: -1, RetentionMs: -1},
		}}
	} else {
		m.Pipeline.Operator = &Operator{Join: &Join{Type: JoinLeft, Left: 0, Right: 1, LeftKey: "stage_0_OUT", RightKey: "stage_1_OUT",
			Within: &JoinWindow{BeforeMs: 10, AfterMs: 10, GraceMs: -1}}}
	}
	return m
}

// TestValidateOperator checks the Validate rules for host operators: one
// kind per operator, join sides and types, one input for an aggregation,
// window sizes.
func TestValidateOperator(t *testing.T) {
	tests := []struct {
		name   string
		inputs int
		change func(m *Manifest)
		want   string // "" for a valid manifest
	}{
		{"valid aggregation", 1, func(*Manifest) {}, ""},
		{"valid join", 2, func(*Manifest) {}, ""},
		{"valid tumbling window", 1, func(m *Manifest) {
			m.Pipeline.Operator.Aggregate.Window = &Window{Type: WindowTumbling, SizeMs: 5, GraceMs: 0, RetentionMs: 10}
		}, ""},
		{"valid session window", 1, func(m *Manifest) {
			m.Pipeline.Operator.Aggregate.Window = &Window{Type: WindowSession, SizeMs: 5, GraceMs: -1, RetentionMs: -1}
		}, ""},
		{"valid unwindowed aggregation", 1, func(m *Manifest) { m.Pipeline.Operator.Aggregate.Window = nil }, ""},
		{"empty operator", 1, func(m *Manifest) { m.Pipeline.Operator = &Operator{} }, "must be an aggregate, a join, or both"},
		{"both kinds without a between stage", 2, func(m *Manifest) {
			m.Pipeline.Operator.Aggregate = &Aggregate{GroupBy: []string{"stage_0_OUT"}}
		}, "has a between stage"},
		{"aggregation over a join", 2, func(m *Manifest) {
			m.Pipeline.Operator.Aggregate = &Aggregate{GroupBy: []string{"stage_0_OUT"}}
			m.Pipeline.Between = &BetweenStep{Stage: 0}
		}, ""},
		{"between stage out of range", 2, func(m *Manifest) {
			m.Pipeline.Operator.Aggregate = &Aggregate{GroupBy: []string{"stage_0_OUT"}}
			m.Pipeline.Between = &BetweenStep{Stage: 9}
		}, "between stage 9"},
		{"between stage without a join", 1, func(m *Manifest) { m.Pipeline.Between = &BetweenStep{Stage: 0} }, "has a between stage"},
		{"join side out of range", 2, func(m *Manifest) { m.Pipeline.Operator.Join.Right = 2 }, "join sides 0 and 2 of 2 inputs"},
		{"negative join side", 2, func(m *Manifest) { m.Pipeline.Operator.Join.Left = -1 }, "join sides -1 and 1"},
		{"join of a side with itself", 2, func(m *Manifest) { m.Pipeline.Operator.Join.Right = 0 }, "join sides 0 and 0"},
		{"unknown join type", 2, func(m *Manifest) { m.Pipeline.Operator.Join.Type = "CROSS" }, `unknown join type "CROSS"`},
		{"aggregation of two inputs", 2, func(m *Manifest) {
			m.Pipeline.Operator = &Operator{Aggregate: &Aggregate{GroupBy: []string{"stage_0_OUT"}}}
		}, "an aggregation reads one input, not 2"},
		{"zero window size", 1, func(m *Manifest) { m.Pipeline.Operator.Aggregate.Window.SizeMs = 0 }, "invalid HOPPING window"},
		{"hopping without advance", 1, func(m *Manifest) { m.Pipeline.Operator.Aggregate.Window.AdvanceMs = 0 }, "invalid HOPPING window"},
		{"advance beyond size", 1, func(m *Manifest) { m.Pipeline.Operator.Aggregate.Window.AdvanceMs = 1001 }, "invalid HOPPING window"},
		{"negative advance", 1, func(m *Manifest) {
			m.Pipeline.Operator.Aggregate.Window = &Window{Type: WindowTumbling, SizeMs: 5, AdvanceMs: -1}
		}, "invalid TUMBLING window"},
		{"final stage out of range", 1, func(m *Manifest) { m.Pipeline.Final = 2 }, "pipeline final stage 2 of 2"},
		{"input stage out of range", 2, func(m *Manifest) { m.Pipeline.Inputs[1].Stage = 3 }, "pipeline refers to stage 3 of 3"},
		{"input source out of range", 2, func(m *Manifest) { m.Pipeline.Inputs[1].Source = 2 }, "pipeline refers to source 2 of 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := statefulManifest(tc.inputs)
			tc.change(m)
			err := m.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid manifest refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestOperatorRoundTrip checks that the operator survives the manifest's
// encoding, so that what the compiler plans is what the host runs.
func TestOperatorRoundTrip(t *testing.T) {
	for _, inputs := range []int{1, 2} {
		m := statefulManifest(inputs)
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := UnmarshalManifest(b)
		if err != nil {
			t.Fatal(err)
		}
		op, want := got.Pipeline.Operator, m.Pipeline.Operator
		switch {
		case op == nil:
			t.Fatalf("%d inputs: operator lost", inputs)
		case want.Aggregate != nil:
			a, w := op.Aggregate, want.Aggregate
			if a == nil || op.Join != nil || strings.Join(a.GroupBy, ",") != strings.Join(w.GroupBy, ",") ||
				len(a.Calls) != 1 || a.Calls[0].Result != w.Calls[0].Result || a.Calls[0].Func != w.Calls[0].Func ||
				a.Window == nil || *a.Window != *w.Window || a.EmitFinal != w.EmitFinal {
				t.Errorf("aggregate: got %+v, want %+v", a, w)
			}
		default:
			j, w := op.Join, want.Join
			if j == nil || op.Aggregate != nil || j.Type != w.Type || j.Left != w.Left || j.Right != w.Right ||
				j.LeftKey != w.LeftKey || j.RightKey != w.RightKey || j.Within == nil || *j.Within != *w.Within {
				t.Errorf("join: got %+v, want %+v", j, w)
			}
		}
	}
}
