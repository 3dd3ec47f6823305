package sql2wasm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// checkPipeline checks the names a stateful manifest's stages and host
// operator share (sdk/operator.go): the operator reads columns its input
// stages output, and the final stage reads columns the operator outputs.
func checkPipeline(m *sdk.Manifest) error {
	p := m.Pipeline
	op := p.Operator
	if op == nil {
		return nil
	}
	outputs := func(step sdk.InputStep) map[string]sdk.Type {
		out := map[string]sdk.Type{}
		if step.Stage >= 0 {
			for _, c := range m.Stages[step.Stage].Outputs {
				out[c.Name] = c.Type
			}
		}
		return out
	}
	produced := map[string]sdk.Type{}
	if op.Join != nil {
		// The left of the first join is an input; the left of a chained
		// join (Next) is everything joined before.
		add := func(side map[string]sdk.Type) error {
			for n, t := range side {
				if _, dup := produced[n]; dup {
					return fmt.Errorf("join output %q comes from two inputs", n)
				}
				produced[n] = t
			}
			return nil
		}
		for j := op.Join; j != nil; j = j.Next {
			if j.Left >= 0 {
				if err := add(outputs(p.Inputs[j.Left])); err != nil {
					return err
				}
			}
			lt, lok := produced[j.LeftKey]
			r := outputs(p.Inputs[j.Right])
			rt, rok := r[j.RightKey]
			if !lok || !rok || lt != rt {
				return fmt.Errorf("join keys %q (%v) and %q (%v) are not input stage outputs of one type", j.LeftKey, lok, j.RightKey, rok)
			}
			if err := add(r); err != nil {
				return err
			}
		}
		produced["ROWTIME"] = sdk.TypeBigInt
	}
	if op.Aggregate != nil {
		a := op.Aggregate
		in := outputs(p.Inputs[0])
		if bt := p.Between; bt != nil {
			// Over a join: the between stage reads the join's outputs
			// and gives the aggregation its input.
			for _, c := range m.Stages[bt.Stage].Inputs {
				if t, ok := produced[c.Name]; !ok || t != c.Type {
					return fmt.Errorf("between stage input %s %s is not a join output", c.Name, c.Type)
				}
			}
			in = outputs(sdk.InputStep{Stage: bt.Stage})
			produced = map[string]sdk.Type{}
		}
		for _, g := range a.GroupBy {
			t, ok := in[g]
			if !ok {
				return fmt.Errorf("group-by column %q is not an input stage output", g)
			}
			produced[g] = t
		}
		for _, c := range a.Calls {
			for _, arg := range c.Args {
				if _, ok := in[arg]; !ok {
					return fmt.Errorf("%s argument %q is not an input stage output", c.Func, arg)
				}
			}
			if _, dup := produced[c.Result.Name]; dup {
				return fmt.Errorf("aggregate result %q named twice", c.Result.Name)
			}
			produced[c.Result.Name] = c.Result.Type
		}
		if a.Window != nil {
			produced["WINDOWSTART"], produced["WINDOWEND"] = sdk.TypeBigInt, sdk.TypeBigInt
		}
	}
	if p.Final < 0 {
		return fmt.Errorf("a stateful pipeline without a final stage")
	}
	for _, c := range m.Stages[p.Final].Inputs {
		if t, ok := produced[c.Name]; !ok || t != c.Type {
			return fmt.Errorf("final stage input %s %s is not an operator output", c.Name, c.Type)
		}
	}
	var keys []string
	for _, c := range m.Stages[p.Final].Outputs {
		if c.Key {
			keys = append(keys, c.Name)
		}
	}
	var sinkKeys []string
	for _, c := range m.Sink.KeyColumns() {
		sinkKeys = append(sinkKeys, c.Name)
	}
	if strings.Join(keys, ",") != strings.Join(sinkKeys, ",") {
		return fmt.Errorf("final stage keys %v, sink keys %v", keys, sinkKeys)
	}
	return nil
}

// TestCompileStateful compiles an aggregation and a join and checks their
// manifests: the pipeline's shape and the names its parts share.
func TestCompileStateful(t *testing.T) {
	const src = `
CREATE STREAM clicks (user STRING KEY, page STRING, ms BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE users (user STRING PRIMARY KEY, region STRING) WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE per_page AS SELECT page, COUNT(*) AS n, AVG(ms) AS avg_ms, WINDOWSTART AS ws
  FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 5 SECONDS) GROUP BY page HAVING COUNT(*) > 1;
CREATE STREAM enriched AS SELECT c.user, page, region FROM clicks c LEFT JOIN users u ON c.user = u.user;
`
	results, err := CompileScript("stateful.sql", src)
	if err != nil {
		t.Fatal(FormatError(err, src))
	}
	agg, join := results[2].Manifest, results[3].Manifest
	for _, m := range []*sdk.Manifest{agg, join} {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.QueryID, err)
		}
		if err := checkPipeline(m); err != nil {
			t.Errorf("%s: %v", m.QueryID, err)
		}
	}

	a := agg.Pipeline.Operator.Aggregate
	if a == nil || len(agg.Stages) != 2 || agg.Pipeline.Final != 1 || len(agg.Pipeline.Inputs) != 1 {
		t.Fatalf("aggregation pipeline: %+v", agg.Pipeline)
	}
	if w := a.Window; w == nil || w.Type != sdk.WindowTumbling || w.SizeMs != 60000 || w.GraceMs != 5000 || w.RetentionMs != -1 {
		t.Errorf("window: %+v", a.Window)
	}
	var funcs []string
	for _, c := range a.Calls {
		funcs = append(funcs, c.Func+":"+c.Result.Type.String())
	}
	if got := strings.Join(funcs, " "); got != "COUNT_STAR:BIGINT AVG:DOUBLE" {
		t.Errorf("calls: %s", got)
	}
	if s := agg.Sink; s.Kind != sdk.Table || s.Window == nil || s.Window.Type != sdk.WindowTumbling || s.Window.SizeMs != 60000 ||
		s.SchemaString() != "PAGE STRING PRIMARY KEY, N BIGINT, AVG_MS DOUBLE, WS BIGINT" {
		t.Errorf("aggregation sink: %+v (%s)", s, s.SchemaString())
	}

	j := join.Pipeline.Operator.Join
	if j == nil || j.Type != sdk.JoinLeft || j.Within != nil || len(join.Stages) != 3 || join.Pipeline.Final != 2 {
		t.Fatalf("join pipeline: %+v", join.Pipeline)
	}
	if j.LeftKey != "C_USER" || j.RightKey != "U_USER" {
		t.Errorf("join keys %s, %s", j.LeftKey, j.RightKey)
	}
	if s := join.Sink; s.Kind != sdk.Stream || s.SchemaString() != "C_USER STRING KEY, PAGE STRING, REGION STRING" {
		t.Errorf("join sink: %s %s", s.Kind, s.SchemaString())
	}
}
