package executor

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// testManifest is a query like
//
//	CREATE STREAM OUTPUT AS SELECT ID, NAME, AGE * 2 AS A2, ROWTIME AS T
//	FROM INPUT WHERE AGE > 18;
//
// over INPUT (ID INT KEY, NAME STRING, AGE INT) in JSON.
func testManifest(kind sdk.SourceKind) *sdk.Manifest {
	return &sdk.Manifest{
		ABIVersion: sdk.ABIVersion,
		QueryID:    "CSAS_OUTPUT_0",
		Sources: []sdk.Source{{
			Name: "INPUT", Kind: kind, Topic: "input", KeyFormat: "KAFKA", ValueFormat: "JSON", WrapSingleValue: true,
			Columns: []sdk.Column{{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "NAME", Type: sdk.TypeString}, {Name: "AGE", Type: sdk.TypeInt}},
		}},
		Sink: sdk.Source{
			Name: "OUTPUT", Kind: kind, Topic: "OUTPUT", KeyFormat: "KAFKA", ValueFormat: "JSON", WrapSingleValue: true,
			Columns: []sdk.Column{{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "NAME", Type: sdk.TypeString}, {Name: "A2", Type: sdk.TypeBigInt}, {Name: "T", Type: sdk.TypeBigInt}},
		},
		Stages: []sdk.Stage{{
			Export:  "stage_0",
			Inputs:  []sdk.Column{{Name: "ID", Type: sdk.TypeInt}, {Name: "NAME", Type: sdk.TypeString}, {Name: "AGE", Type: sdk.TypeInt}, {Name: "ROWTIME", Type: sdk.TypeBigInt}},
			Outputs: []sdk.Column{{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "NAME", Type: sdk.TypeString}, {Name: "A2", Type: sdk.TypeBigInt}, {Name: "T", Type: sdk.TypeBigInt}},
		}},
		Pipeline: sdk.Pipeline{Inputs: []sdk.InputStep{{Source: 0, Stage: 0}}, Final: -1},
	}
}

// testStage computes testManifest's stage in Go.
func testStage(capacity int) *goStage {
	return newGoStage(capacity, 4, func(in []sdk.Value) (byte, []sdk.Value) {
		if in[2].Null || in[2].I <= 18 {
			return sdk.SelDrop, nil
		}
		id := sdk.Null(sdk.TypeInt)
		if !in[0].Null {
			id = sdk.Int(int32(in[0].I))
		}
		name := sdk.Null(sdk.TypeString)
		if !in[1].Null {
			name = sdk.Str(in[1].S)
		}
		return sdk.SelEmit, []sdk.Value{id, name, sdk.BigInt(in[2].I * 2), sdk.BigInt(in[3].I)}
	})
}

func intKey(i int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(i)) }

func rec(offset int64, key []byte, value string, ts int64) Record {
	r := Record{Topic: "input", Offset: offset, Key: key, Timestamp: ts}
	if value != "<null>" {
		r.Value = []byte(value)
	}
	return r
}

type fixture struct {
	topics *MemoryTopics
	log    *MemoryProcessingLog
	stage  *goStage
	inst   *goInstance
	q      *Query
}

func newFixture(t *testing.T, kind sdk.SourceKind, capacity int) *fixture {
	t.Helper()
	f := &fixture{topics: NewMemoryTopics(), log: &MemoryProcessingLog{}, stage: testStage(capacity)}
	f.inst = &goInstance{stage: f.stage}
	if err := f.topics.CreateTopic("OUTPUT", 1); err != nil {
		t.Fatal(err)
	}
	q, err := NewQuery(QueryConfig{Manifest: testManifest(kind), Instances: f.inst, Sink: f.topics, Log: f.log})
	if err != nil {
		t.Fatal(err)
	}
	f.q = q
	return f
}

// outputs renders the OUTPUT topic as "key|value|timestamp" lines.
func (f *fixture) outputs() []string {
	var out []string
	for _, r := range f.topics.Records("OUTPUT") {
		k := "null"
		if r.Key != nil {
			k = string(rune('0' + int32(binary.BigEndian.Uint32(r.Key))))
		}
		v := "null"
		if r.Value != nil {
			v = string(r.Value)
		}
		out = append(out, k+"|"+v+"|"+itoa(r.Timestamp))
	}
	return out
}

func itoa(i int64) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestQueryFilterProjectAndLog(t *testing.T) {
	f := newFixture(t, sdk.Stream, 16)
	recs := []Record{
		rec(0, intKey(1), `{"name":"a","age":20}`, 100),
		rec(1, intKey(2), `{"name":"b","age":10}`, 101),
		rec(2, intKey(3), `{"name":"c","age":"old"}`, 102), // malformed
		rec(3, intKey(4), `<null>`, 103),                   // stream tombstone: ignored
		rec(4, []byte{1}, `{"name":"d","age":30}`, 104),    // bad KAFKA INT key
		rec(5, intKey(6), `{"NAME":"e","AGE":40}`, 105),
	}
	recs[5].Headers = []Header{{Key: "h", Value: []byte("v")}}
	if err := f.q.Process(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.outputs(), []string{
		`1|{"NAME":"a","A2":40,"T":100}|100`,
		`6|{"NAME":"e","A2":80,"T":105}|105`,
	})
	out := f.topics.Records("OUTPUT")
	if len(out[1].Headers) != 1 || out[1].Headers[0].Key != "h" || len(out[0].Headers) != 0 {
		t.Errorf("headers not passed through: %+v / %+v", out[0].Headers, out[1].Headers)
	}
	entries := f.log.Entries()
	if len(entries) != 2 {
		t.Fatalf("%d log entries, want 2: %+v", len(entries), entries)
	}
	for i, wantOffset := range []int64{2, 4} {
		e := entries[i]
		if e.Kind != LogDeserialization || e.Topic != "input" || e.Partition != 0 || e.Offset != wantOffset || e.Query != "CSAS_OUTPUT_0" || e.Reason == "" {
			t.Errorf("entry %d: %+v", i, e)
		}
	}
	if !strings.Contains(entries[0].Reason, "AGE") {
		t.Errorf("reason %q does not name the field", entries[0].Reason)
	}
}

func TestQueryStreamNullValues(t *testing.T) {
	tests := []struct {
		name     string
		filtered bool
		want     []string
	}{
		// A projection maps a record without a value to one with the
		// projected key and no value; a WHERE clause drops it.
		{"projection", false, []string{`1|null|3`}},
		{"filter", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sdk.Stream, 4)
			base := f.stage.fn
			f.stage.fn = func(in []sdk.Value) (byte, []sdk.Value) {
				if in[2].Null { // no filter in this stage: project NULLs
					return sdk.SelEmit, []sdk.Value{sdk.Int(int32(in[0].I)), sdk.Null(sdk.TypeString), sdk.Null(sdk.TypeBigInt), sdk.BigInt(in[3].I)}
				}
				return base(in)
			}
			f.q.filtered = tt.filtered
			if err := f.q.Process(context.Background(), []Record{rec(0, intKey(1), "<null>", 3)}); err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.outputs(), tt.want)
		})
	}
}

func TestQueryRowErrors(t *testing.T) {
	f := newFixture(t, sdk.Stream, 16)
	base := f.stage.fn
	f.stage.fn = func(in []sdk.Value) (byte, []sdk.Value) {
		if in[1].S == "bad" {
			return sdk.SelError + sdk.RowErrCast, nil
		}
		return base(in)
	}
	recs := []Record{
		rec(7, intKey(1), `{"name":"bad","age":20}`, 0),
		rec(8, intKey(2), `{"name":"ok","age":20}`, 0),
	}
	if err := f.q.Process(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.outputs(), []string{`2|{"NAME":"ok","A2":40,"T":0}|0`})
	entries := f.log.Entries()
	if len(entries) != 1 || entries[0].Kind != LogEvaluation || entries[0].Offset != 7 || entries[0].Reason != "invalid CAST" {
		t.Errorf("entries %+v", entries)
	}
}

func TestQueryBatchCuts(t *testing.T) {
	tests := []struct {
		name     string
		capacity int
		inData   int
		heap     int
		heapUse  func([]sdk.Value) int
		wantRuns []int
		wantOut  int
		wantLogs int
	}{
		{name: "capacity", capacity: 2, inData: 1 << 20, heap: 1 << 20, wantRuns: []int{2, 2, 1}, wantOut: 5},
		// Names are one byte: an in-data area of 3 bytes holds three rows.
		{name: "in-data full", capacity: 16, inData: 3, heap: 1 << 20, wantRuns: []int{3, 2}, wantOut: 5},
		// Each row needs 4 heap bytes, the heap has 9: the stage reports a
		// full heap at row 2 and is called again with 2 rows.
		{name: "heap full", capacity: 16, inData: 1 << 20, heap: 9, heapUse: func([]sdk.Value) int { return 4 },
			wantRuns: []int{5, 2, 3, 2, 1}, wantOut: 5},
		// The row named "c" alone needs more than the heap: it is logged and
		// dropped, the others go through.
		{name: "row larger than heap", capacity: 16, inData: 1 << 20, heap: 9,
			heapUse: func(in []sdk.Value) int {
				if in[1].S == "c" {
					return 100
				}
				return 1
			},
			wantRuns: []int{5, 2, 3, 2}, wantOut: 4, wantLogs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sdk.Stream, tt.capacity)
			f.stage.inData, f.stage.heap, f.stage.heapUse = tt.inData, tt.heap, tt.heapUse
			var recs []Record
			for i, name := range []string{"a", "b", "c", "d", "e"} {
				recs = append(recs, rec(int64(i), intKey(int32(i)), `{"name":"`+name+`","age":20}`, int64(i)))
			}
			if err := f.q.Process(context.Background(), recs); err != nil {
				t.Fatal(err)
			}
			if got := f.stage.runs; !equalInts(got, tt.wantRuns) {
				t.Errorf("runs %v, want %v", got, tt.wantRuns)
			}
			out := f.topics.Records("OUTPUT")
			if len(out) != tt.wantOut {
				t.Fatalf("%d outputs, want %d", len(out), tt.wantOut)
			}
			for i := 1; i < len(out); i++ {
				if out[i].Timestamp <= out[i-1].Timestamp {
					t.Errorf("outputs out of order: %d after %d", out[i].Timestamp, out[i-1].Timestamp)
				}
			}
			if got := len(f.log.Entries()); got != tt.wantLogs {
				t.Errorf("%d log entries, want %d: %+v", got, tt.wantLogs, f.log.Entries())
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestQueryTrapStopsTheQuery(t *testing.T) {
	f := newFixture(t, sdk.Stream, 2)
	f.stage.trapAt = 1
	recs := []Record{
		rec(40, intKey(1), `{"name":"a","age":20}`, 0),
		rec(41, intKey(2), `{"name":"b","age":20}`, 0),
	}
	err := f.q.Process(context.Background(), recs)
	var qe *QueryError
	if !errors.As(err, &qe) {
		t.Fatalf("error %v (%T), want a *QueryError", err, err)
	}
	if qe.Query != "CSAS_OUTPUT_0" || qe.Offset != 40 || !strings.Contains(err.Error(), "CSAS_OUTPUT_0") || !strings.Contains(err.Error(), "offset 40") {
		t.Errorf("error %q does not name the query and the batch offset", err)
	}
	if f.q.Err() != err {
		t.Error("Err() does not report the failure")
	}
	if err2 := f.q.Process(context.Background(), recs); err2 != err {
		t.Errorf("second Process: %v, want the first error", err2)
	}
	if n := len(f.topics.Records("OUTPUT")); n != 0 {
		t.Errorf("%d records produced by a batch that trapped", n)
	}
}

func TestQueryTableTombstones(t *testing.T) {
	f := newFixture(t, sdk.Table, 16)
	recs := []Record{
		rec(0, intKey(1), `{"name":"a","age":20}`, 5),
		rec(1, intKey(1), `<null>`, 6),                // tombstone: passes as a tombstone
		rec(2, intKey(2), `{"name":"b","age":10}`, 7), // filtered out: a tombstone
		rec(3, nil, `{"name":"c","age":20}`, 8),       // no key: ignored
	}
	if err := f.q.Process(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.outputs(), []string{
		`1|{"NAME":"a","A2":40,"T":5}|5`,
		`1|null|6`,
		`2|null|7`,
	})
}

func TestQueryWindowedKeys(t *testing.T) {
	man := testManifest(sdk.Stream)
	man.Sources[0].Window = &sdk.KeyWindow{Type: sdk.WindowTumbling, SizeMs: 1000}
	man.Sink.Window = &sdk.KeyWindow{Type: sdk.WindowTumbling, SizeMs: 1000}
	man.Stages[0].Inputs[3].Name = "WINDOWEND"
	topics := NewMemoryTopics()
	stage := testStage(4)
	q, err := NewQuery(QueryConfig{Manifest: man, Instances: &goInstance{stage: stage}, Sink: topics})
	if err != nil {
		t.Fatal(err)
	}
	key := binary.BigEndian.AppendUint64(intKey(3), 5000)
	if err := q.Process(context.Background(), []Record{rec(0, key, `{"name":"a","age":20}`, 1)}); err != nil {
		t.Fatal(err)
	}
	out := topics.Records("OUTPUT")
	if len(out) != 1 {
		t.Fatalf("%d outputs", len(out))
	}
	if string(out[0].Key) != string(key) {
		t.Errorf("windowed key %x, want %x", out[0].Key, key)
	}
	if !strings.Contains(string(out[0].Value), `"T":6000`) {
		t.Errorf("WINDOWEND not start+size: %s", out[0].Value)
	}
}

func TestNewQueryRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*sdk.Manifest)
		want   string
	}{
		{"join", func(m *sdk.Manifest) {
			m.Sources = append(m.Sources, m.Sources[0])
			m.Pipeline.Inputs = append(m.Pipeline.Inputs, sdk.InputStep{Source: 1, Stage: -1})
		}, "not supported yet"},
		{"host operator", func(m *sdk.Manifest) { m.Pipeline.Final = 0 }, "not supported yet"},
		{"unknown input column", func(m *sdk.Manifest) { m.Stages[0].Inputs[1].Name = "NOPE" }, "NOPE"},
		{"sink column not an output", func(m *sdk.Manifest) { m.Sink.Columns[2].Name = "NOPE" }, "NOPE"},
		{"schema registry format", func(m *sdk.Manifest) { m.Sources[0].ValueFormat = "AVRO" }, "AVRO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testManifest(sdk.Stream)
			tt.mutate(m)
			_, err := NewQuery(QueryConfig{Manifest: m, Instances: &goInstance{stage: testStage(4)}, Sink: NewMemoryTopics()})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestInsertValues(t *testing.T) {
	man := &sdk.Manifest{
		ABIVersion: sdk.ABIVersion, QueryID: "INSERT_VALUES",
		Sink: testManifest(sdk.Stream).Sources[0],
		Stages: []sdk.Stage{{Export: "stage_0", Outputs: []sdk.Column{
			{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "NAME", Type: sdk.TypeString}, {Name: "AGE", Type: sdk.TypeInt}, {Name: "ROWTIME", Type: sdk.TypeBigInt},
		}}},
		Pipeline: sdk.Pipeline{Inputs: []sdk.InputStep{}, Final: -1},
	}
	tests := []struct {
		name    string
		rowtime sdk.Value
		wantTS  int64
	}{
		{"ROWTIME given", sdk.BigInt(1234), 1234},
		{"clock", sdk.Null(sdk.TypeBigInt), 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stage := newGoStage(1, 0, func([]sdk.Value) (byte, []sdk.Value) {
				return sdk.SelEmit, []sdk.Value{sdk.Int(7), sdk.Str("x"), sdk.Null(sdk.TypeInt), tt.rowtime}
			})
			topics := NewMemoryTopics()
			r, err := InsertValues(context.Background(), man, &goInstance{stage: stage}, topics, 99)
			if err != nil {
				t.Fatal(err)
			}
			got := topics.Records("input")
			if len(got) != 1 || got[0].Timestamp != tt.wantTS || string(got[0].Key) != string(intKey(7)) || string(got[0].Value) != `{"NAME":"x","AGE":null}` {
				t.Errorf("produced %+v (returned %+v)", got, r)
			}
		})
	}
	failing := newGoStage(1, 0, func([]sdk.Value) (byte, []sdk.Value) { return sdk.SelError + sdk.RowErrDivideByZero, nil })
	if _, err := InsertValues(context.Background(), man, &goInstance{stage: failing}, NewMemoryTopics(), 0); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("row error: %v", err)
	}
}

func TestQueryWithoutStage(t *testing.T) {
	man := testManifest(sdk.Stream)
	man.Stages = nil
	man.Pipeline.Inputs[0].Stage = -1
	// The sink renames nothing and adds ROWTIME as a value column.
	man.Sink.Columns = []sdk.Column{{Name: "ID", Type: sdk.TypeInt, Key: true}, {Name: "NAME", Type: sdk.TypeString}, {Name: "ROWTIME", Type: sdk.TypeBigInt}}
	topics := NewMemoryTopics()
	q, err := NewQuery(QueryConfig{Manifest: man, Sink: topics})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{rec(0, intKey(1), `{"name":"a","age":1}`, 9), rec(1, intKey(2), `{"name":`, 10)}
	if err := q.Process(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	out := topics.Records("OUTPUT")
	if len(out) != 1 || string(out[0].Value) != `{"NAME":"a","ROWTIME":9}` || string(out[0].Key) != string(intKey(1)) {
		t.Errorf("outputs %+v", out)
	}
}
