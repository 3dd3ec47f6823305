package executor

import (
	"context"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// stagesInstance hands out one goStage per stage index.
type stagesInstance struct{ stages map[int]*goStage }

func (s *stagesInstance) Batch(i int) (StageBatch, error) {
	if g, ok := s.stages[i]; ok {
		return g, nil
	}
	return nil, fmt.Errorf("no stage %d", i)
}
func (s *stagesInstance) Close(context.Context) error                        { return nil }
func (s *stagesInstance) NewInstance(context.Context) (StageInstance, error) { return s, nil }

// passStage copies its inputs to outputs of the same position (converted
// to the outputs' types); keep, if set, decides the selection.
func passStage(st sdk.Stage, keep func(in []sdk.Value) bool) *goStage {
	return newGoStage(4, len(st.Inputs), func(in []sdk.Value) (byte, []sdk.Value) {
		if keep != nil && !keep(in) {
			return sdk.SelDrop, nil
		}
		out := make([]sdk.Value, len(st.Outputs))
		for i, c := range st.Outputs {
			v := in[i]
			if v.Null {
				out[i] = sdk.Null(c.Type)
			} else {
				out[i] = convert(v, c.Type)
			}
		}
		return sdk.SelEmit, out
	})
}

func col(name string, t sdk.Type) sdk.Column { return sdk.Column{Name: name, Type: t} }
func keyCol(name string, t sdk.Type) sdk.Column {
	return sdk.Column{Name: name, Type: t, Key: true}
}

func source(name string, kind sdk.SourceKind, cols ...sdk.Column) sdk.Source {
	return sdk.Source{Name: name, Kind: kind, Topic: strings.ToLower(name), KeyFormat: "KAFKA", ValueFormat: "DELIMITED", Columns: cols}
}

func bigKey(i int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }

// in is an input record: topic, key, value ("<null>" for none), time.
type in struct {
	topic string
	key   []byte
	value string
	ts    int64
}

// runPipeline runs records one at a time (as ksqlDB's test runner feeds
// them) and renders the sink's records as key[window]=value@ts.
func runPipeline(t *testing.T, man *sdk.Manifest, stages map[int]*goStage, inputs []in, render func([]byte) string) ([]string, *MemoryProcessingLog) {
	return runPipelineSplit(t, man, stages, inputs, render, -1)
}

// runPipelineSplit is runPipeline, stopping the query after split inputs
// (none: -1) and going on with a new query restored from its checkpoint.
func runPipelineSplit(t *testing.T, man *sdk.Manifest, stages map[int]*goStage, inputs []in, render func([]byte) string, split int) ([]string, *MemoryProcessingLog) {
	t.Helper()
	topics := NewMemoryTopics()
	if err := topics.CreateTopic(man.Sink.Topic, 1); err != nil {
		t.Fatal(err)
	}
	log := &MemoryProcessingLog{}
	q, err := NewQuery(QueryConfig{Manifest: man, Instances: &stagesInstance{stages}, Sink: topics, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { q.Close(context.Background()) }()
	offsets := map[string]int64{}
	for i, r := range inputs {
		if i == split {
			snap, err := q.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			q.Close(context.Background())
			if q, err = NewQuery(QueryConfig{Manifest: man, Instances: &stagesInstance{stages}, Sink: topics, Log: log}); err != nil {
				t.Fatal(err)
			}
			if err := q.Restore(snap); err != nil {
				t.Fatal(err)
			}
			for _, o := range q.Offsets() {
				if o.Next != offsets[o.Topic] {
					t.Errorf("restored offset of %s: %d, want %d", o.Topic, o.Next, offsets[o.Topic])
				}
			}
		}
		rec := Record{Topic: r.topic, Offset: offsets[r.topic], Key: r.key, Timestamp: r.ts}
		offsets[r.topic]++
		if r.value != "<null>" {
			rec.Value = []byte(r.value)
		}
		if err := q.Process(context.Background(), []Record{rec}); err != nil {
			t.Fatal(err)
		}
	}
	var out []string
	for _, r := range topics.Records(man.Sink.Topic) {
		v := "<null>"
		if r.Value != nil {
			v = string(r.Value)
		}
		out = append(out, fmt.Sprintf("%s=%s@%d", render(r.Key), v, r.Timestamp))
	}
	return out, log
}

func renderBig(k []byte) string {
	if len(k) != 8 {
		return fmt.Sprintf("%x", k)
	}
	return fmt.Sprint(int64(binary.BigEndian.Uint64(k)))
}
func renderStr(k []byte) string { return string(k) }

// renderTimeWindowed renders a BIGINT key with a time window.
func renderTimeWindowed(k []byte) string {
	n := len(k) - 8
	return fmt.Sprintf("%s[%d]", renderBig(k[:n]), int64(binary.BigEndian.Uint64(k[n:])))
}

// renderSession renders a BIGINT key with a session window (end, start).
func renderSession(k []byte) string {
	n := len(k) - 16
	return fmt.Sprintf("%s[%d,%d]", renderBig(k[:n]), int64(binary.BigEndian.Uint64(k[n+8:])), int64(binary.BigEndian.Uint64(k[n:])))
}

// aggManifest is
//
//	CREATE TABLE T1 AS SELECT ID, SUM(VALUE) AS SUM FROM TEST
//	[WINDOW ...] GROUP BY ID [HAVING SUM(VALUE) > 100];
func aggManifest(src sdk.Source, win *sdk.Window, final bool) *sdk.Manifest {
	sink := source("T1", sdk.Table, keyCol("ID", sdk.TypeBigInt), col("SUM", sdk.TypeBigInt))
	if win != nil {
		sink.Window = &sdk.KeyWindow{Type: win.Type}
		if win.Type != sdk.WindowSession {
			sink.Window.SizeMs = win.SizeMs
		}
	}
	return &sdk.Manifest{
		ABIVersion: sdk.ABIVersion, QueryID: "CTAS_T1_0",
		Sources: []sdk.Source{src},
		Sink:    sink,
		Stages: []sdk.Stage{
			{Export: "in", Inputs: []sdk.Column{col("ID", sdk.TypeBigInt), col("VALUE", sdk.TypeBigInt)},
				Outputs: []sdk.Column{col("G0", sdk.TypeBigInt), col("A0", sdk.TypeBigInt)}},
			{Export: "final", Inputs: []sdk.Column{col("G0", sdk.TypeBigInt), col("SUM0", sdk.TypeBigInt)},
				Outputs: []sdk.Column{keyCol("ID", sdk.TypeBigInt), col("SUM", sdk.TypeBigInt)}},
		},
		Pipeline: sdk.Pipeline{
			Inputs: []sdk.InputStep{{Source: 0, Stage: 0}},
			Operator: &sdk.Operator{Aggregate: &sdk.Aggregate{
				GroupBy: []string{"G0"},
				Calls:   []sdk.AggregateCall{{Func: sdk.AggSum, Args: []string{"A0"}, Result: col("SUM0", sdk.TypeBigInt)}},
				Window:  win, EmitFinal: final,
			}},
			Final: 1,
		},
	}
}

func TestAggregationPipeline(t *testing.T) {
	test := source("TEST", sdk.Stream, keyCol("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt))
	having := func(in []sdk.Value) bool { return in[1].I > 100 }
	tumbling := &sdk.Window{Type: sdk.WindowTumbling, SizeMs: 30000, GraceMs: 0, RetentionMs: -1}
	session := &sdk.Window{Type: sdk.WindowSession, SizeMs: 10000, GraceMs: -1, RetentionMs: -1}
	tests := []struct {
		name   string
		win    *sdk.Window
		final  bool
		having func([]sdk.Value) bool
		inputs []in
		render func([]byte) string
		want   []string
		logs   int
	}{
		{"having.json table having", &sdk.Window{Type: sdk.WindowTumbling, SizeMs: 30000, GraceMs: -1, RetentionMs: -1}, false, having,
			[]in{{"test", bigKey(0), "zero,0", 0}, {"test", bigKey(1), "one,101", 0}, {"test", bigKey(1), "one,-5", 0}},
			renderTimeWindowed, []string{"1[0]=101@0", "1[0]=<null>@0"}, 0},
		{"unwindowed, stream tombstones ignored", nil, false, nil,
			[]in{{"test", bigKey(0), "a,1", 5}, {"test", bigKey(0), "<null>", 6}, {"test", bigKey(2), "b,7", 3}, {"test", bigKey(0), "a,2", 4}},
			renderBig, []string{"0=1@5", "2=7@3", "0=3@5"}, 0},
		{"late record dropped and logged", tumbling, false, nil,
			[]in{{"test", bigKey(0), "a,1", 1000}, {"test", bigKey(0), "a,2", 31000}, {"test", bigKey(0), "a,4", 2000}},
			renderTimeWindowed, []string{"0[0]=1@1000", "0[30000]=2@31000"}, 1},
		{"emit final", tumbling, true, nil,
			[]in{{"test", bigKey(0), "a,1", 1000}, {"test", bigKey(1), "b,5", 2000}, {"test", bigKey(0), "a,2", 20000}, {"test", bigKey(0), "a,4", 30000}, {"test", bigKey(0), "a,8", 60000}},
			renderTimeWindowed, []string{"0[0]=3@20000", "1[0]=5@2000", "0[30000]=4@30000"}, 0},
		{"session merge tombstones", session, false, nil,
			[]in{{"test", bigKey(0), "a,1", 0}, {"test", bigKey(0), "a,2", 15000}, {"test", bigKey(0), "a,4", 8000}},
			renderSession, []string{"0[0,0]=1@0", "0[15000,15000]=2@15000", "0[0,0]=<null>@0", "0[15000,15000]=<null>@15000", "0[0,15000]=7@15000"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			man := aggManifest(test, tt.win, tt.final)
			stages := map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], tt.having)}
			got, log := runPipeline(t, man, stages, tt.inputs, tt.render)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if n := len(log.Entries()); n != tt.logs {
				t.Errorf("%d processing-log entries, want %d: %+v", n, tt.logs, log.Entries())
			}
		})
	}
}

// TestTableAggregation is count.json "count table": a table's update
// subtracts its old row, then adds the new one, emitting both.
func TestTableAggregation(t *testing.T) {
	man := &sdk.Manifest{
		ABIVersion: sdk.ABIVersion, QueryID: "CTAS_OUTPUT_0",
		Sources: []sdk.Source{source("INPUT", sdk.Table, keyCol("ID", sdk.TypeString), col("NAME", sdk.TypeString))},
		Sink:    source("OUTPUT", sdk.Table, keyCol("NAME", sdk.TypeString), col("KSQL_COL_0", sdk.TypeBigInt)),
		Pipeline: sdk.Pipeline{
			Inputs: []sdk.InputStep{{Source: 0, Stage: -1}},
			Operator: &sdk.Operator{Aggregate: &sdk.Aggregate{
				GroupBy: []string{"NAME"},
				Calls:   []sdk.AggregateCall{{Func: sdk.AggCountStar, Result: col("KSQL_COL_0", sdk.TypeBigInt)}},
			}},
			Final: -1,
		},
	}
	got, _ := runPipeline(t, man, nil, []in{
		{"input", []byte("0"), "bob", 0}, {"input", []byte("0"), "john", 0},
		{"input", []byte("100"), "john", 0}, {"input", []byte("100"), "<null>", 0},
	}, renderStr)
	want := []string{"bob=1@0", "bob=0@0", "john=1@0", "john=2@0", "john=1@0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// joinManifest is
//
//	CREATE ... AS SELECT T.ID, NAME, VALUE, F1, F2 FROM TEST T <typ> JOIN
//	TEST_TABLE TT ON T.ID = TT.ID;
//
// with TEST a stream or a table.
func joinManifest(leftKind sdk.SourceKind, typ string) *sdk.Manifest {
	left := source("TEST", leftKind, keyCol("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt))
	right := source("TEST_TABLE", sdk.Table, keyCol("ID", sdk.TypeBigInt), col("F1", sdk.TypeString), col("F2", sdk.TypeBigInt))
	sink := source("OUT", leftKind, keyCol("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt), col("F1", sdk.TypeString), col("F2", sdk.TypeBigInt))
	return &sdk.Manifest{
		ABIVersion: sdk.ABIVersion, QueryID: "CSAS_OUT_0",
		Sources: []sdk.Source{left, right},
		Sink:    sink,
		Stages: []sdk.Stage{
			{Export: "left", Inputs: []sdk.Column{col("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt)},
				Outputs: []sdk.Column{col("T_ID", sdk.TypeBigInt), col("T_NAME", sdk.TypeString), col("T_VALUE", sdk.TypeBigInt)}},
			{Export: "right", Inputs: []sdk.Column{col("ID", sdk.TypeBigInt), col("F1", sdk.TypeString), col("F2", sdk.TypeBigInt)},
				Outputs: []sdk.Column{col("TT_ID", sdk.TypeBigInt), col("TT_F1", sdk.TypeString), col("TT_F2", sdk.TypeBigInt)}},
			{Export: "final", Inputs: []sdk.Column{col("T_ID", sdk.TypeBigInt), col("TT_ID", sdk.TypeBigInt), col("T_NAME", sdk.TypeString), col("T_VALUE", sdk.TypeBigInt), col("TT_F1", sdk.TypeString), col("TT_F2", sdk.TypeBigInt)},
				Outputs: []sdk.Column{keyCol("ID", sdk.TypeBigInt), col("X", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt), col("F1", sdk.TypeString), col("F2", sdk.TypeBigInt)}},
		},
		Pipeline: sdk.Pipeline{
			Inputs:   []sdk.InputStep{{Source: 0, Stage: 0}, {Source: 1, Stage: 1}},
			Operator: &sdk.Operator{Join: &sdk.Join{Type: typ, Left: 0, Right: 1, LeftKey: "T_ID", RightKey: "TT_ID"}},
			Final:    2,
		},
	}
}

// coalesce is joinManifest's final stage: its key is COALESCE(T_ID,
// TT_ID), as ksqlDB's ROWKEY of an outer join.
func coalesce(st sdk.Stage) *goStage {
	return newGoStage(4, len(st.Inputs), func(in []sdk.Value) (byte, []sdk.Value) {
		k := in[0]
		if k.Null {
			k = in[1]
		}
		out := []sdk.Value{k, sdk.Null(sdk.TypeBigInt)}
		for i, c := range st.Outputs[2:] {
			v := in[i+2]
			if v.Null {
				v = sdk.Null(c.Type)
			}
			out = append(out, v)
		}
		return sdk.SelEmit, out
	})
}

func TestJoinPipeline(t *testing.T) {
	tests := []struct {
		name   string
		left   sdk.SourceKind
		typ    string
		inputs []in
		want   []string
	}{
		{"joins.json stream table left join", sdk.Stream, sdk.JoinLeft, []in{
			{"test_table", bigKey(0), "zero,0", 0},
			{"test_table", bigKey(10), "100,5", 10000},
			{"test", bigKey(0), "blah,50", 10000},
			{"test", bigKey(0), "foo,100", 10000},
			{"test_table", bigKey(0), "a,10", 15000},
			{"test", bigKey(0), "bar,99", 15000},
			{"test", bigKey(90), "ninety,90", 15000},
		}, []string{"0=blah,50,zero,0@10000", "0=foo,100,zero,0@10000", "0=bar,99,a,10@15000", "90=ninety,90,,@15000"}},
		{"stream table inner join", sdk.Stream, sdk.JoinInner, []in{
			{"test", bigKey(0), "early,1", 0},
			{"test_table", bigKey(0), "zero,0", 0},
			{"test", bigKey(0), "blah,50", 10000},
			{"test_table", bigKey(0), "<null>", 11000},
			{"test", bigKey(0), "gone,50", 12000},
		}, []string{"0=blah,50,zero,0@10000"}},
		{"joins.json table table outer join", sdk.Table, sdk.JoinFull, []in{
			{"test", bigKey(0), "zero,0", 0},
			{"test_table", bigKey(0), "blah,50", 10000},
			{"test", bigKey(10), "100,5", 11000},
			{"test", bigKey(0), "foo,100", 13000},
			{"test_table", bigKey(0), "a,10", 15000},
			{"test_table", bigKey(15), "c,20", 15500},
			{"test", bigKey(0), "bar,99", 16000},
			{"test_table", bigKey(15), "<null>", 17000},
			{"test_table", bigKey(15), "<null>", 18000},
		}, []string{"0=zero,0,,@0", "0=zero,0,blah,50@10000", "10=100,5,,@11000", "0=foo,100,blah,50@13000",
			"0=foo,100,a,10@15000", "15=,,c,20@15500", "0=bar,99,a,10@16000", "15=<null>@17000"}},
		{"table table inner join deletes", sdk.Table, sdk.JoinInner, []in{
			{"test", bigKey(0), "zero,0", 0},
			{"test", bigKey(0), "<null>", 1},
			{"test_table", bigKey(0), "blah,50", 2},
			{"test", bigKey(0), "one,1", 3},
			{"test_table", bigKey(0), "<null>", 4},
		}, []string{"0=one,1,blah,50@3", "0=<null>@4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			man := joinManifest(tt.left, tt.typ)
			stages := map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil), 2: coalesce(man.Stages[2])}
			got, _ := runPipeline(t, man, stages, tt.inputs, renderBig)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestCheckpointRestore stops each query at every point of its input,
// restores a new query from the checkpoint and checks that the outputs
// are those of an uninterrupted run.
func TestCheckpointRestore(t *testing.T) {
	test := source("TEST", sdk.Stream, keyCol("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt))
	var aggInputs []in
	for i := range 40 {
		aggInputs = append(aggInputs, in{"test", bigKey(int64(i % 3)), fmt.Sprintf("x,%d", i*7%11), int64(i*400) + int64(i*997%1500)})
	}
	type scenario struct {
		name   string
		man    *sdk.Manifest
		stages func(man *sdk.Manifest) map[int]*goStage
		inputs []in
		render func([]byte) string
	}
	aggStages := func(man *sdk.Manifest) map[int]*goStage {
		return map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], func(in []sdk.Value) bool { return in[1].I%3 != 0 })}
	}
	joinStages := func(man *sdk.Manifest) map[int]*goStage {
		return map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil), 2: coalesce(man.Stages[2])}
	}
	var joinInputs []in
	for i := range 30 {
		topic := "test"
		if i%3 == 1 {
			topic = "test_table"
		}
		v := fmt.Sprintf("n%d,%d", i, i)
		if i%7 == 6 {
			v = "<null>"
		}
		joinInputs = append(joinInputs, in{topic, bigKey(int64(i % 4)), v, int64(i*1500%9000) + int64(i*500)})
	}
	scenarios := []scenario{
		{"tumbling having", aggManifest(test, &sdk.Window{Type: sdk.WindowTumbling, SizeMs: 5000, GraceMs: 3000, RetentionMs: -1}, false), aggStages, aggInputs, renderTimeWindowed},
		{"hopping emit final", aggManifest(test, &sdk.Window{Type: sdk.WindowHopping, SizeMs: 6000, AdvanceMs: 2000, GraceMs: 1000, RetentionMs: 60000}, true), aggStages, aggInputs, renderTimeWindowed},
		{"session", aggManifest(test, &sdk.Window{Type: sdk.WindowSession, SizeMs: 1500, GraceMs: 2000, RetentionMs: -1}, false), aggStages, aggInputs, renderSession},
		{"table table full", joinManifest(sdk.Table, sdk.JoinFull), joinStages, joinInputs, renderBig},
		{"stream table left", joinManifest(sdk.Stream, sdk.JoinLeft), joinStages, joinInputs, renderBig},
	}
	ss := joinManifest(sdk.Stream, sdk.JoinFull)
	ss.Sources[1].Kind = sdk.Stream
	ss.Pipeline.Operator.Join.Within = &sdk.JoinWindow{BeforeMs: 2000, AfterMs: 1000, GraceMs: 500}
	scenarios = append(scenarios, scenario{"stream stream full with grace", ss, joinStages, joinInputs, renderBig})
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			whole, _ := runPipeline(t, sc.man, sc.stages(sc.man), sc.inputs, sc.render)
			if len(whole) < 5 {
				t.Fatalf("only %d outputs: the scenario tests little", len(whole))
			}
			for split := 1; split < len(sc.inputs); split += 3 {
				got, _ := runPipelineSplit(t, sc.man, sc.stages(sc.man), sc.inputs, sc.render, split)
				if !reflect.DeepEqual(got, whole) {
					t.Fatalf("restored after %d inputs:\n%s\nuninterrupted:\n%s", split, strings.Join(got, "\n"), strings.Join(whole, "\n"))
				}
			}
		})
	}
}

// TestSinkTimestampColumn checks that a sink's TIMESTAMP column sets the
// timestamp of a stateful query's records, and that an invalid one drops
// the row with a processing-log entry.
func TestSinkTimestampColumn(t *testing.T) {
	test := source("TEST", sdk.Stream, keyCol("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt))
	man := aggManifest(test, nil, false)
	man.Sink.TimestampColumn = "SUM"
	stages := map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil)}
	got, log := runPipeline(t, man, stages, []in{{"test", bigKey(0), "a,7", 1}, {"test", bigKey(0), "a,-9", 2}, {"test", bigKey(0), "a,5", 3}}, renderBig)
	want := []string{"0=7@7", "0=3@3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := len(log.Entries()); n != 1 {
		t.Errorf("%d processing-log entries, want 1 (the negative timestamp)", n)
	}
}

// fkManifest is fk-join.json's
//
//	CREATE TABLE OUTPUT AS SELECT L_ID, R_ID, NAME, F1 FROM LEFT_TABLE
//	<typ> JOIN RIGHT_TABLE ON FOREIGN_KEY = R_ID;
func fkManifest(typ string) *sdk.Manifest {
	return &sdk.Manifest{
		ABIVersion: sdk.ABIVersion, QueryID: "CTAS_OUTPUT_0",
		Sources: []sdk.Source{
			source("LEFT_TABLE", sdk.Table, keyCol("L_ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("FOREIGN_KEY", sdk.TypeBigInt)),
			source("RIGHT_TABLE", sdk.Table, keyCol("R_ID", sdk.TypeBigInt), col("F1", sdk.TypeString), col("F2", sdk.TypeBigInt)),
		},
		Sink: source("OUTPUT", sdk.Table, keyCol("L_ID", sdk.TypeBigInt), col("R_ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("F1", sdk.TypeString)),
		Stages: []sdk.Stage{
			{Export: "left", Inputs: []sdk.Column{col("L_ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("FOREIGN_KEY", sdk.TypeBigInt)},
				Outputs: []sdk.Column{col("L_L_ID", sdk.TypeBigInt), col("L_NAME", sdk.TypeString), col("L_FK", sdk.TypeBigInt)}},
			{Export: "right", Inputs: []sdk.Column{col("R_ID", sdk.TypeBigInt), col("F1", sdk.TypeString), col("F2", sdk.TypeBigInt)},
				Outputs: []sdk.Column{col("R_R_ID", sdk.TypeBigInt), col("R_F1", sdk.TypeString), col("R_F2", sdk.TypeBigInt)}},
			{Export: "final", Inputs: []sdk.Column{col("L_L_ID", sdk.TypeBigInt), col("R_R_ID", sdk.TypeBigInt), col("L_NAME", sdk.TypeString), col("R_F1", sdk.TypeString)},
				Outputs: []sdk.Column{keyCol("L_ID", sdk.TypeBigInt), col("R_ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("F1", sdk.TypeString)}},
		},
		Pipeline: sdk.Pipeline{
			Inputs:   []sdk.InputStep{{Source: 0, Stage: 0}, {Source: 1, Stage: 1}},
			Operator: &sdk.Operator{Join: &sdk.Join{Type: typ, Left: 0, Right: 1, LeftKey: "L_FK", RightKey: "R_R_ID", ForeignKey: true}},
			Final:    2,
		},
	}
}

func TestForeignKeyJoin(t *testing.T) {
	tests := []struct {
		name   string
		typ    string
		inputs []in
		want   []string
	}{
		{"fk-join.json inner", sdk.JoinInner, []in{
			{"right_table", bigKey(0), "blah,4", 0},
			{"left_table", bigKey(1), "zero,0", 10000},
			{"left_table", bigKey(0), "foo,100", 13000},
			{"right_table", bigKey(0), "a,10", 15000},
			{"left_table", bigKey(10), "bar,0", 16000},
			{"right_table", bigKey(0), "<null>", 17000},
			{"left_table", bigKey(1), "<null>", 18000},
		}, []string{"1=0,zero,blah@10000", "1=0,zero,a@15000", "10=0,bar,a@16000", "1=<null>@17000", "10=<null>@17000", "1=<null>@18000"}},
		{"fk-join.json left", sdk.JoinLeft, []in{
			{"left_table", bigKey(1), "zero,0", 0},
			{"right_table", bigKey(0), "blah,4", 10000},
			{"left_table", bigKey(1), "zero,0", 11000},
			{"left_table", bigKey(0), "foo,100", 13000},
			{"right_table", bigKey(0), "a,10", 15000},
			{"left_table", bigKey(10), "bar,0", 16000},
			{"right_table", bigKey(0), "<null>", 17000},
			{"left_table", bigKey(1), "<null>", 18000},
			{"left_table", bigKey(0), "<null>", 19000},
		}, []string{"1=,zero,@0", "1=0,zero,blah@10000", "1=0,zero,blah@11000", "0=,foo,@13000", "1=0,zero,a@15000",
			"10=0,bar,a@16000", "1=,zero,@17000", "10=,bar,@17000", "1=<null>@18000", "0=<null>@19000"}},
		{"foreign key changes", sdk.JoinInner, []in{
			{"right_table", bigKey(0), "r0,0", 0},
			{"right_table", bigKey(1), "r1,1", 1},
			{"left_table", bigKey(5), "x,0", 2},
			{"left_table", bigKey(5), "x,1", 3},
			{"right_table", bigKey(0), "r0b,0", 4},
			{"right_table", bigKey(1), "r1b,1", 5},
			{"left_table", bigKey(5), "x,7", 6},
		}, []string{"5=0,x,r0@2", "5=1,x,r1@3", "5=1,x,r1b@5", "5=<null>@6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			man := fkManifest(tt.typ)
			stages := map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil), 2: passStage(man.Stages[2], nil)}
			got, _ := runPipeline(t, man, stages, tt.inputs, renderBig)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for split := 1; split < len(tt.inputs); split++ {
				again, _ := runPipelineSplit(t, man, map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil), 2: passStage(man.Stages[2], nil)}, tt.inputs, renderBig, split)
				if !reflect.DeepEqual(again, got) {
					t.Fatalf("restored after %d inputs: %v, uninterrupted %v", split, again, got)
				}
			}
		})
	}
}

// TestJoinBuffersStayBounded runs a long stream-stream join and checks that
// the buffers keep only the records of the last window plus grace.
func TestJoinBuffersStayBounded(t *testing.T) {
	man := joinManifest(sdk.Stream, sdk.JoinLeft)
	man.Sources[1].Kind = sdk.Stream
	man.Pipeline.Operator.Join.Within = &sdk.JoinWindow{BeforeMs: 100, AfterMs: 100, GraceMs: 50}
	stages := map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil), 2: coalesce(man.Stages[2])}
	var produced int
	q, err := NewQuery(QueryConfig{Manifest: man, Instances: &stagesInstance{stages}, Sink: SinkFunc(func(context.Context, *Record) error { produced++; return nil })})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close(context.Background())
	for i := range 20000 {
		topic := "test"
		if i%2 == 1 {
			topic = "test_table"
		}
		r := Record{Topic: topic, Offset: int64(i / 2), Key: bigKey(int64(i % 10)), Value: []byte("a,1"), Timestamp: int64(i * 10)}
		if err := q.Process(context.Background(), []Record{r}); err != nil {
			t.Fatal(err)
		}
	}
	op := q.pipe.join
	// 250 ms of retention at one record per 10 ms per side is about 25
	// records a side, plus up to one sweep interval.
	if n := op.bufs[0].Len() + op.bufs[1].Len(); n > 200 {
		t.Errorf("%d records buffered after 200 s of a join within 100 ms", n)
	}
	if produced == 0 {
		t.Error("no join results")
	}
}

// chainManifest is multi-joins.json's
//
//	SELECT <first non-NULL ID> AS ID, A.V0, B.V0, C.V0 FROM A <t1> JOIN B
//	ON A.ID = B.ID <t2> JOIN C ON A.ID = C.ID
//
// over sources a, b, c of the given kinds, each (ID BIGINT KEY, V0
// BIGINT).
func chainManifest(kinds [3]sdk.SourceKind, t1, t2 string, within *sdk.JoinWindow) *sdk.Manifest {
	man := &sdk.Manifest{ABIVersion: sdk.ABIVersion, QueryID: "CSAS_OUTPUT_0",
		Sink: source("OUTPUT", sdk.Stream, keyCol("ID", sdk.TypeBigInt), col("A_V0", sdk.TypeBigInt), col("B_V0", sdk.TypeBigInt), col("C_V0", sdk.TypeBigInt))}
	final := sdk.Stage{Export: "final", Outputs: man.Sink.Columns}
	for i, n := range []string{"A", "B", "C"} {
		man.Sources = append(man.Sources, source(n, kinds[i], keyCol("ID", sdk.TypeBigInt), col("V0", sdk.TypeBigInt)))
		man.Stages = append(man.Stages, sdk.Stage{Export: n, Inputs: []sdk.Column{col("ID", sdk.TypeBigInt), col("V0", sdk.TypeBigInt)},
			Outputs: []sdk.Column{col(n+"_ID", sdk.TypeBigInt), col(n+"_V0", sdk.TypeBigInt)}})
		man.Pipeline.Inputs = append(man.Pipeline.Inputs, sdk.InputStep{Source: i, Stage: i})
		final.Inputs = append(final.Inputs, col(n+"_ID", sdk.TypeBigInt))
	}
	for _, n := range []string{"A", "B", "C"} {
		final.Inputs = append(final.Inputs, col(n+"_V0", sdk.TypeBigInt))
	}
	man.Stages = append(man.Stages, final)
	man.Pipeline.Final = 3
	man.Pipeline.Operator = &sdk.Operator{Join: &sdk.Join{Type: t1, Left: 0, Right: 1, LeftKey: "A_ID", RightKey: "B_ID", Within: within,
		Next: &sdk.Join{Type: t2, Left: -1, Right: 2, LeftKey: "A_ID", RightKey: "C_ID"}}}
	return man
}

// chainStages computes chainManifest's stages: the final one keys the row
// by the first non-NULL ID.
func chainStages(man *sdk.Manifest) map[int]*goStage {
	stages := map[int]*goStage{}
	for i := range 3 {
		stages[i] = passStage(man.Stages[i], nil)
	}
	stages[3] = newGoStage(4, 6, func(in []sdk.Value) (byte, []sdk.Value) {
		id := sdk.Null(sdk.TypeBigInt)
		for _, v := range in[:3] {
			if !v.Null {
				id = v
				break
			}
		}
		out := []sdk.Value{id}
		for _, v := range in[3:] {
			if v.Null {
				v = sdk.Null(sdk.TypeBigInt)
			}
			out = append(out, v)
		}
		return sdk.SelEmit, out
	})
	return stages
}

func TestJoinChain(t *testing.T) {
	S, T := sdk.Stream, sdk.Table
	tests := []struct {
		name   string
		kinds  [3]sdk.SourceKind
		t1, t2 string
		within *sdk.JoinWindow
		inputs []in
		want   []string
	}{
		{"stream-table-table left-inner", [3]sdk.SourceKind{S, T, T}, sdk.JoinLeft, sdk.JoinInner, nil, []in{
			{"a", bigKey(0), "1", 9}, {"b", bigKey(0), "2", 10}, {"a", bigKey(0), "1", 11}, {"c", bigKey(0), "3", 12}, {"a", bigKey(0), "1", 13},
		}, []string{"0=1,2,3@13"}},
		{"stream-stream-table inner-inner", [3]sdk.SourceKind{S, S, T}, sdk.JoinInner, sdk.JoinInner, &sdk.JoinWindow{BeforeMs: 10000, AfterMs: 10000, GraceMs: -1}, []in{
			{"c", bigKey(0), "3", 10}, {"b", bigKey(0), "2", 11}, {"a", bigKey(0), "1", 12}, {"b", bigKey(0), "4", 13},
			{"a", bigKey(0), "5", 100000}, {"b", bigKey(0), "6", 100001},
		}, []string{"0=1,2,3@12", "0=1,4,3@13", "0=5,6,3@100001"}},
		{"table-table-table inner-full", [3]sdk.SourceKind{T, T, T}, sdk.JoinInner, sdk.JoinFull, nil, []in{
			{"a", bigKey(0), "1", 0}, {"c", bigKey(0), "3", 2}, {"b", bigKey(0), "2", 3}, {"a", bigKey(0), "4", 1000},
			{"b", bigKey(0), "<null>", 1001}, {"c", bigKey(0), "<null>", 1002},
		}, []string{"0=,,3@2", "0=1,2,3@3", "0=4,2,3@1000", "0=,,3@1001", "0=<null>@1002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			man := chainManifest(tt.kinds, tt.t1, tt.t2, tt.within)
			if tt.kinds[2] == T && tt.kinds[0] == T {
				man.Sink.Kind = sdk.Table
			}
			got, _ := runPipeline(t, man, chainStages(man), tt.inputs, renderBig)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for split := 1; split < len(tt.inputs); split++ {
				again, _ := runPipelineSplit(t, man, chainStages(man), tt.inputs, renderBig, split)
				if !reflect.DeepEqual(again, got) {
					t.Fatalf("restored after %d inputs: %v, uninterrupted %v", split, again, got)
				}
			}
		})
	}
}
