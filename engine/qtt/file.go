// Package qtt loads, runs and checks test files in ksqlDB's query-validation
// test (QTT) format: the JSON files of ksqlDB's functional test suite, which
// wasmstream uses as its yardstick, and the files users write for their own
// queries (as ksqlDB's ksql-test-runner users do).
//
// The runner reproduces the feeding and comparison rules of ksqlDB's own
// runner (QueryTranslationTest / TestExecutor): statements in order as one
// script, inputs serialized with the declared source formats, queries driven
// one after another in creation order, outputs compared per topic, pairwise
// and in order, with the numeric rules of ExpectedRecordComparator.
package qtt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File is one loaded QTT file.
type File struct {
	// Path is the file's path as given to Load.
	Path string
	// Name is the base name without the .json extension; it prefixes the
	// full test names.
	Name string
	// Tests are the file's test cases in file order, before expansion.
	Tests []*Test
}

// Test is one test case as written in a file.
type Test struct {
	Name              string
	Statements        []string
	Inputs            []*Record
	Outputs           []*Record
	ExpectedException *ExpectedException
	// Format lists the values substituted for {FORMAT}; empty means one
	// variant without substitution.
	Format []string
	// Config lists the values substituted for the property whose value is
	// "{CONFIG}".
	Config []string
	// Properties are the test's config overrides, values as strings (a JSON
	// number or boolean keeps its text).
	Properties map[string]string
	// PropertyOrder is the order of Properties' keys in the file.
	PropertyOrder []string
	Topics        []*TopicDecl
	Post          *Post
	// Enabled is false when the file says "enabled": false.
	Enabled bool
	// HasInputs is true when the test has a non-empty "inputs" array; an
	// outputs-only test gets its inputs from INSERT VALUES.
	HasInputs bool
}

// ExpectedException is what a negative test expects. Type is a Java class
// name that wasmstream cannot reproduce; Message is compared as a substring
// for a separate score.
type ExpectedException struct {
	Type         string `json:"type"`
	Message      string `json:"message"`
	Cause        string `json:"cause"`
	CauseMessage string `json:"causeMessage"`
}

// Record is one input or expected output record.
type Record struct {
	Topic string
	// Key and Value are the "value spec" JSON forms, decoded with UseNumber
	// (numbers are json.Number, objects map[string]any, arrays []any). A
	// missing key is nil.
	Key, Value any
	// RawKey and RawValue are the exact JSON texts (compacted), "null" when
	// absent, so that JSON inputs are produced byte for byte as written.
	RawKey, RawValue json.RawMessage
	// Timestamp is set when the record names one.
	Timestamp *int64
	Window    *Window
	// Headers is nil when the record has no "headers" key.
	Headers []Header
}

// Window is a windowed key's bounds.
type Window struct {
	Start int64
	End   int64
	// Type is TIME or SESSION (upper-cased as ksqlDB's WindowData does).
	Type string
}

// Header is one record header; Value nil means a null header value.
type Header struct {
	Key   string
	Value []byte
}

// TopicDecl is an entry of a test's "topics" array.
type TopicDecl struct {
	Name        string
	KeyFormat   string
	ValueFormat string
	Partitions  int
	// HasSchema is set when the declaration registers a key or value schema
	// (a schema-registry format).
	HasSchema bool
}

// Post holds a test's post-conditions.
type Post struct {
	Sources []*PostSource
	// TopicBlacklist is a regular expression no created topic may match
	// (ksqlDB's tests use ".*-repartition": the query must not
	// repartition); "" for none.
	TopicBlacklist string
}

// PostSource is an expected catalog entry after the statements ran.
type PostSource struct {
	Name   string
	Type   string
	Schema *string
	// KeyFormat is nil when the post-condition does not give one.
	KeyFormat   *PostKeyFormat
	ValueFormat string
}

// PostKeyFormat is an expected key format; WindowType "" and WindowSize nil
// mean an unwindowed key.
type PostKeyFormat struct {
	Format     string
	WindowType string
	WindowSize *int64
}

// Load reads and parses a QTT file. Comments (// and /* */) are allowed and
// unknown keys are ignored, as ksqlDB's loader does.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.Path = path
	f.Name = strings.TrimSuffix(filepath.Base(path), ".json")
	return f, nil
}

// Parse parses the contents of a QTT file. The result has no Path or Name.
func Parse(data []byte) (*File, error) {
	root, err := decodeJSON(StripComments(data))
	if err != nil {
		return nil, err
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, errors.New("a QTT file must be a JSON object")
	}
	rawTests, ok := obj["tests"].([]any)
	if !ok || len(rawTests) == 0 {
		return nil, errors.New(`a QTT file needs a non-empty "tests" array`)
	}
	f := &File{}
	seen := map[string]bool{}
	for i, rt := range rawTests {
		t, err := parseTest(rt)
		if err != nil {
			return nil, fmt.Errorf("test %d: %w", i+1, err)
		}
		// Only expanded names must be unique (SEMANTICS.md 1.3): ksqlDB's
		// files reuse a name for tests that differ in their formats.
		for _, v := range ExpandTest(nil, t) {
			if seen[v.Name] {
				return nil, fmt.Errorf("test %d: duplicate test name %q", i+1, strings.TrimPrefix(v.Name, " - "))
			}
			seen[v.Name] = true
		}
		f.Tests = append(f.Tests, t)
	}
	return f, nil
}

// decodeJSON decodes one JSON document with numbers kept as json.Number.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: data after the top-level value")
	}
	return v, nil
}

func parseTest(raw any) (*Test, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("a test must be a JSON object")
	}
	t := &Test{Enabled: true}
	t.Name, _ = m["name"].(string)
	if t.Name == "" {
		return nil, errors.New(`a test needs a "name"`)
	}
	wrap := func(err error) error { return fmt.Errorf("%q: %w", t.Name, err) }
	var err error
	if t.Statements, err = stringList(m["statements"], "statements"); err != nil {
		return nil, wrap(err)
	}
	if len(t.Statements) == 0 {
		return nil, wrap(errors.New(`"statements" must not be empty`))
	}
	if t.Format, err = stringList(m["format"], "format"); err != nil {
		return nil, wrap(err)
	}
	if t.Config, err = stringList(m["config"], "config"); err != nil {
		return nil, wrap(err)
	}
	if t.Inputs, err = recordList(m["inputs"], "inputs"); err != nil {
		return nil, wrap(err)
	}
	t.HasInputs = len(t.Inputs) > 0
	if t.Outputs, err = recordList(m["outputs"], "outputs"); err != nil {
		return nil, wrap(err)
	}
	if e, ok := m["expectedException"].(map[string]any); ok {
		t.ExpectedException = &ExpectedException{}
		t.ExpectedException.Type, _ = e["type"].(string)
		t.ExpectedException.Message, _ = e["message"].(string)
		t.ExpectedException.Cause, _ = e["cause"].(string)
		t.ExpectedException.CauseMessage, _ = e["causeMessage"].(string)
	}
	if en, ok := m["enabled"].(bool); ok {
		t.Enabled = en
	}
	if props, ok := m["properties"].(map[string]any); ok {
		t.Properties = map[string]string{}
		for _, k := range orderedKeys(props) {
			t.Properties[k] = scalarText(props[k])
			t.PropertyOrder = append(t.PropertyOrder, k)
		}
	}
	if topics, ok := m["topics"].([]any); ok {
		for _, rt := range topics {
			tm, ok := rt.(map[string]any)
			if !ok {
				continue
			}
			d := &TopicDecl{Partitions: 1}
			d.Name, _ = tm["name"].(string)
			d.KeyFormat, _ = tm["keyFormat"].(string)
			d.ValueFormat, _ = tm["valueFormat"].(string)
			if n, ok := tm["partitions"].(json.Number); ok {
				if p, err := strconv.Atoi(n.String()); err == nil {
					d.Partitions = p
				}
			}
			_, ks := tm["keySchema"]
			_, vs := tm["valueSchema"]
			d.HasSchema = ks || vs
			t.Topics = append(t.Topics, d)
		}
	}
	if post, ok := m["post"].(map[string]any); ok {
		t.Post = parsePost(post)
	}
	if t.ExpectedException == nil && m["inputs"] == nil && m["outputs"] == nil {
		return nil, wrap(errors.New(`a test needs "expectedException" or "inputs"/"outputs"`))
	}
	return t, nil
}

func parsePost(m map[string]any) *Post {
	p := &Post{}
	if topics, ok := m["topics"].(map[string]any); ok {
		p.TopicBlacklist, _ = topics["blacklist"].(string)
	}
	srcs, _ := m["sources"].([]any)
	for _, rs := range srcs {
		sm, ok := rs.(map[string]any)
		if !ok {
			continue
		}
		s := &PostSource{}
		s.Name, _ = sm["name"].(string)
		s.Type, _ = sm["type"].(string)
		if schema, ok := sm["schema"].(string); ok {
			s.Schema = &schema
		}
		s.ValueFormat, _ = sm["valueFormat"].(string)
		if kf, ok := sm["keyFormat"].(map[string]any); ok {
			k := &PostKeyFormat{}
			k.Format, _ = kf["format"].(string)
			k.WindowType, _ = kf["windowType"].(string)
			if n, ok := kf["windowSize"].(json.Number); ok {
				if v, err := n.Int64(); err == nil {
					k.WindowSize = &v
				}
			}
			s.KeyFormat = k
		}
		p.Sources = append(p.Sources, s)
	}
	return p
}

func stringList(v any, what string) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%q must be an array of strings", what)
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%q must be an array of strings", what)
		}
		out = append(out, s)
	}
	return out, nil
}

func recordList(v any, what string) ([]*Record, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%q must be an array of records", what)
	}
	out := make([]*Record, 0, len(arr))
	for i, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[%d]: a record must be an object", what, i)
		}
		r, err := parseRecord(m)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", what, i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func parseRecord(m map[string]any) (*Record, error) {
	r := &Record{Key: m["key"], Value: m["value"]}
	r.Topic, _ = m["topic"].(string)
	if r.Topic == "" {
		return nil, errors.New(`a record needs a "topic"`)
	}
	var err error
	if r.RawKey, err = rawJSON(r.Key); err != nil {
		return nil, err
	}
	if r.RawValue, err = rawJSON(r.Value); err != nil {
		return nil, err
	}
	if ts, ok := m["timestamp"]; ok && ts != nil {
		n, ok := ts.(json.Number)
		if !ok {
			return nil, errors.New(`"timestamp" must be a number`)
		}
		v, err := n.Int64()
		if err != nil {
			return nil, fmt.Errorf(`"timestamp": %w`, err)
		}
		r.Timestamp = &v
	}
	if w, ok := m["window"].(map[string]any); ok {
		win := &Window{}
		for _, f := range []struct {
			name string
			dst  *int64
		}{{"start", &win.Start}, {"end", &win.End}} {
			n, ok := w[f.name].(json.Number)
			if !ok {
				return nil, fmt.Errorf(`"window" needs a numeric %q`, f.name)
			}
			if *f.dst, err = n.Int64(); err != nil {
				return nil, fmt.Errorf(`"window.%s": %w`, f.name, err)
			}
		}
		typ, _ := w["type"].(string)
		win.Type = strings.ToUpper(typ)
		if win.Type != "TIME" && win.Type != "SESSION" {
			return nil, fmt.Errorf(`"window.type" must be "time" or "session", not %q`, typ)
		}
		r.Window = win
	}
	if hs, ok := m["headers"]; ok {
		arr, ok := hs.([]any)
		if !ok && hs != nil {
			return nil, errors.New(`"headers" must be an array`)
		}
		r.Headers = []Header{}
		for _, h := range arr {
			hm, ok := h.(map[string]any)
			if !ok {
				return nil, errors.New("a header must be an object")
			}
			k, _ := hm["KEY"].(string)
			hdr := Header{Key: k}
			if v, ok := hm["VALUE"].(string); ok {
				if hdr.Value, err = decodeBase64(v); err != nil {
					return nil, fmt.Errorf("header %q: %w", k, err)
				}
			}
			r.Headers = append(r.Headers, hdr)
		}
	}
	return r, nil
}

// rawJSON re-encodes a decoded value compactly; json.Number keeps its text.
func rawJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("re-encode record: %w", err)
	}
	return b, nil
}

// scalarText renders a property value as text: strings as they are, numbers
// with their JSON text, booleans as true/false.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// orderedKeys returns a map's keys sorted, for a deterministic order (the
// decoded map has lost the file's order, which no rule depends on).
func orderedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// StripComments replaces // line comments and /* */ block comments outside
// JSON strings with spaces, keeping byte offsets (and so error positions)
// unchanged.
func StripComments(data []byte) []byte {
	out := make([]byte, len(data))
	copy(out, data)
	inString := false
	for i := 0; i < len(out); i++ {
		c := out[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			out[i], out[i+1] = ' ', ' '
			for i += 2; i < len(out); i++ {
				if out[i] == '*' && i+1 < len(out) && out[i+1] == '/' {
					out[i], out[i+1] = ' ', ' '
					i++
					break
				}
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
		}
	}
	return out
}
