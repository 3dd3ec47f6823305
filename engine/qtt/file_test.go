package qtt

import (
	"encoding/json"
	"strings"
	"testing"
)

const sampleFile = `{
  // a line comment
  "comments": ["ignored"],
  "tests": [
    {
      "name": "first", /* block
      comment */
      "format": ["JSON", "DELIMITED"],
      "config": ["true", "false"],
      "properties": {"ksql.new.query.planner.enabled": "{CONFIG}", "other": 1},
      "statements": ["CREATE STREAM S (ID INT KEY, URL STRING) WITH (kafka_topic='t', value_format='{FORMAT}');"],
      "topics": [{"name": "t", "valueFormat": "{FORMAT}"}],
      "inputs": [{"topic": "t", "key": 1, "value": {"url": "http://x//y", "n": 55555.555555555555555555}, "timestamp": 7, "comment": "stray"}],
      "outputs": [{"topic": "S2", "key": 1, "value": null, "window": {"start": 0, "end": 10, "type": "time"}, "headers": [{"KEY": "h", "VALUE": "IQ=="}, {"KEY": "n", "VALUE": null}]}],
      "unknown": {"deep": true}
    },
    {"name": "neg", "statements": ["X;"], "expectedException": {"type": "T", "message": "m"}, "enabled": false}
  ]
}`

func TestParse(t *testing.T) {
	f, err := Parse([]byte(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tests) != 2 {
		t.Fatalf("%d tests, want 2", len(f.Tests))
	}
	first := f.Tests[0]
	in := first.Inputs[0]
	v := in.Value.(map[string]any)
	if v["url"] != "http://x//y" {
		t.Errorf("comment stripping touched a string: %q", v["url"])
	}
	if n, ok := v["n"].(json.Number); !ok || n.String() != "55555.555555555555555555" {
		t.Errorf("number lost its text: %#v", v["n"])
	}
	if !strings.Contains(string(in.RawValue), "55555.555555555555555555") {
		t.Errorf("raw value lost the number's text: %s", in.RawValue)
	}
	if in.Timestamp == nil || *in.Timestamp != 7 {
		t.Errorf("timestamp %v, want 7", in.Timestamp)
	}
	if in.Headers != nil {
		t.Errorf("absent headers parsed as %v, want nil", in.Headers)
	}
	out := first.Outputs[0]
	if out.Window == nil || out.Window.Type != "TIME" || out.Window.End != 10 {
		t.Errorf("window %+v", out.Window)
	}
	if len(out.Headers) != 2 || string(out.Headers[0].Value) != "!" || out.Headers[1].Value != nil {
		t.Errorf("headers %+v", out.Headers)
	}
	if out.Value != nil || string(out.RawValue) != "null" {
		t.Errorf("null value: %v %s", out.Value, out.RawValue)
	}
	if first.Properties["other"] != "1" {
		t.Errorf("numeric property %q, want \"1\"", first.Properties["other"])
	}
	if !first.Enabled || f.Tests[1].Enabled {
		t.Error("enabled flags wrong")
	}
	if f.Tests[1].ExpectedException == nil || f.Tests[1].ExpectedException.Message != "m" {
		t.Error("expectedException not parsed")
	}
}

// TestParseSameNameOtherFormats: ksqlDB's joins.json names two tests alike
// that differ in their formats; only expanded names must be unique.
func TestParseSameNameOtherFormats(t *testing.T) {
	f, err := Parse([]byte(`{"tests": [{"name": "a", "format": ["AVRO", "JSON"], "statements": ["x"], "inputs": []}, {"name": "a", "format": ["PROTOBUF"], "statements": ["x"], "inputs": []}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(Expand(f)); n != 3 {
		t.Errorf("%d variants, want 3", n)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"not an object", `[]`, "JSON object"},
		{"no tests", `{"tests": []}`, "non-empty"},
		{"no statements", `{"tests": [{"name": "a", "inputs": []}]}`, "statements"},
		{"no name", `{"tests": [{"statements": ["x"], "inputs": []}]}`, "name"},
		{"no inputs nor exception", `{"tests": [{"name": "a", "statements": ["x"]}]}`, "expectedException"},
		{"duplicate names", `{"tests": [{"name": "a", "statements": ["x"], "inputs": []}, {"name": "a", "statements": ["x"], "inputs": []}]}`, "duplicate"},
		{"duplicate expanded names", `{"tests": [{"name": "a", "format": ["JSON", "AVRO"], "statements": ["x"], "inputs": []}, {"name": "a", "format": ["JSON"], "statements": ["x"], "inputs": []}]}`, "duplicate test name \"a - JSON\""},
		{"bad window type", `{"tests": [{"name": "a", "statements": ["x"], "outputs": [{"topic": "t", "value": 1, "window": {"start": 0, "end": 1, "type": "tumbling"}}]}]}`, "window.type"},
		{"bad json", `{"tests": [}`, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	f, err := Parse([]byte(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	f.Name = "sample"
	vs := Expand(f)
	want := []string{
		"sample - first - JSON - ksql.new.query.planner.enabled=true",
		"sample - first - JSON - ksql.new.query.planner.enabled=false",
		"sample - first - DELIMITED - ksql.new.query.planner.enabled=true",
		"sample - first - DELIMITED - ksql.new.query.planner.enabled=false",
		"sample - neg",
	}
	if len(vs) != len(want) {
		t.Fatalf("%d variants, want %d", len(vs), len(want))
	}
	for i, v := range vs {
		if v.Name != want[i] {
			t.Errorf("variant %d: %q, want %q", i, v.Name, want[i])
		}
		if v.Err != nil {
			t.Errorf("variant %d: %v", i, v.Err)
		}
	}
	if s := vs[2].Statements[0]; !strings.Contains(s, "value_format='DELIMITED'") {
		t.Errorf("{FORMAT} not substituted: %s", s)
	}
	if vs[2].Topics[0].ValueFormat != "DELIMITED" {
		t.Errorf("topic format not substituted: %s", vs[2].Topics[0].ValueFormat)
	}
	if vs[1].Properties["ksql.new.query.planner.enabled"] != "false" || vs[1].Properties["other"] != "1" {
		t.Errorf("properties %v", vs[1].Properties)
	}
	// The test itself is untouched by expansion.
	if f.Tests[0].Properties["ksql.new.query.planner.enabled"] != "{CONFIG}" {
		t.Error("expansion modified the test's properties")
	}
}

func TestExpandConfigWithoutPlaceholder(t *testing.T) {
	f, err := Parse([]byte(`{"tests": [{"name": "a", "config": ["x"], "statements": ["s"], "inputs": []}]}`))
	if err != nil {
		t.Fatal(err)
	}
	vs := Expand(f)
	if len(vs) != 1 || vs[0].Err == nil {
		t.Fatalf("want one variant with an error, got %d (%v)", len(vs), vs[0].Err)
	}
}

func TestStripComments(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": 1} // x`, `{"a": 1}     `},
		{`{"a": "//not"}`, `{"a": "//not"}`},
		{`{"a": "\"//"}`, `{"a": "\"//"}`},
		{"/* a\nb */1", "    \n    1"},
	}
	for _, tt := range tests {
		if got := string(StripComments([]byte(tt.in))); got != tt.want {
			t.Errorf("StripComments(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
