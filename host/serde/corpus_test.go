package serde

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// This file checks the serdes against ksqlDB's own expectations: the QTT
// cases in ../shared/qtt/cases whose query is a pure pass-through
// (CREATE STREAM OUTPUT [WITH (...)] AS SELECT * FROM INPUT). For those, the
// expected output records are exactly what decoding each input with the
// source's serdes and encoding the row with the sink's serdes must give, so
// they test this package alone, without the compiler or the executor.
//
// Inputs are produced as ksqlDB's test runner produces them (the JSON text
// of a JSON record, the string of a DELIMITED one, the primitive of a KAFKA
// one); outputs are compared as its ExpectedRecordComparator compares them
// (JSON objects field by field with exact decimals, DELIMITED as text).

// corpusDir finds ../shared/qtt/cases relative to the repository root.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("skipping: repository root (go.mod) not found")
		}
		dir = parent
	}
	cases := filepath.Join(dir, "..", "shared", "qtt", "cases")
	if _, err := os.Stat(cases); err != nil {
		t.Skipf("skipping: ksqlDB QTT corpus not found at %s (it lives outside the repository)", cases)
	}
	return cases
}

type qttFile struct {
	Tests []qttTest `json:"tests"`
}

type qttTest struct {
	Name              string          `json:"name"`
	Statements        []string        `json:"statements"`
	Format            []string        `json:"format"`
	Properties        map[string]any  `json:"properties"`
	Inputs            []qttRecord     `json:"inputs"`
	Outputs           []qttRecord     `json:"outputs"`
	ExpectedException json.RawMessage `json:"expectedException"`
}

type qttRecord struct {
	Topic  string          `json:"topic"`
	Key    json.RawMessage `json:"key"`
	Value  json.RawMessage `json:"value"`
	Window json.RawMessage `json:"window"`
}

var (
	createSource = regexp.MustCompile(`(?is)^\s*CREATE\s+(STREAM|TABLE)\s+(\w+)\s*\((.*)\)\s*WITH\s*\((.*)\)\s*;?\s*$`)
	createSink   = regexp.MustCompile(`(?is)^\s*CREATE\s+(STREAM|TABLE)\s+(\w+)\s*(?:WITH\s*\((.*)\))?\s*AS\s+SELECT\s+\*\s+FROM\s+(\w+)\s*;?\s*$`)
	withProp     = regexp.MustCompile(`(?i)(\w+)\s*=\s*('(?:[^']|'')*'|[\w.]+)`)
)

// parseWith reads a WITH clause into upper-cased keys and unquoted values.
func parseWith(s string) map[string]string {
	props := map[string]string{}
	for _, m := range withProp.FindAllStringSubmatch(s, -1) {
		v := m[2]
		if strings.HasPrefix(v, "'") {
			v = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
		}
		props[strings.ToUpper(m[1])] = v
	}
	return props
}

// parseColumns reads a column list of primitive types; ok is false when a
// type is outside what this package handles.
func parseColumns(s string) ([]sdk.Column, bool) {
	var cols []sdk.Column
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) < 2 {
			return nil, false
		}
		name := f[0]
		if strings.HasPrefix(name, "`") {
			name = strings.Trim(name, "`")
		} else {
			name = strings.ToUpper(name)
		}
		var t sdk.Type
		switch strings.ToUpper(f[1]) {
		case "BOOLEAN":
			t = sdk.TypeBoolean
		case "INT", "INTEGER":
			t = sdk.TypeInt
		case "BIGINT":
			t = sdk.TypeBigInt
		case "DOUBLE":
			t = sdk.TypeDouble
		case "STRING", "VARCHAR":
			t = sdk.TypeString
		default:
			return nil, false
		}
		key := len(f) > 2 && strings.EqualFold(f[len(f)-1], "KEY")
		cols = append(cols, sdk.Column{Name: name, Type: t, Key: key})
	}
	return cols, true
}

// passThrough is a corpus test reduced to what the serdes see.
type passThrough struct {
	in, out    *sdk.Source
	inTopic    string
	outTopic   string
	skipReason string
}

// buildPassThrough recognises a pass-through test and builds its sources,
// with ksqlDB's defaults: key format KAFKA, WRAP_SINGLE_VALUE from config
// (true unless set), a sink inheriting the source's formats and delimiters
// but not its WRAP_SINGLE_VALUE.
func buildPassThrough(tc qttTest, stmts []string) passThrough {
	var p passThrough
	if len(stmts) != 2 {
		p.skipReason = "not a two-statement test"
		return p
	}
	m := createSource.FindStringSubmatch(stmts[0])
	n := createSink.FindStringSubmatch(stmts[1])
	if m == nil || n == nil || !strings.EqualFold(n[4], m[2]) {
		p.skipReason = "not a SELECT * pass-through"
		return p
	}
	cols, ok := parseColumns(m[3])
	if !ok {
		p.skipReason = "a column type outside this package"
		return p
	}
	wrapDefault := true
	defaultValueFormat := ""
	for k, pv := range tc.Properties {
		v := fmt.Sprint(pv)
		switch k {
		case "ksql.persistence.wrap.single.values":
			wrapDefault = v != "false"
		case "ksql.persistence.default.format.value":
			defaultValueFormat = v
		case "ksql.new.query.planner.enabled":
		default:
			p.skipReason = "property " + k
			return p
		}
	}
	props := parseWith(m[4])
	if _, ok := props["WINDOW_TYPE"]; ok {
		p.skipReason = "windowed source"
		return p
	}
	kind := sdk.Stream
	if strings.EqualFold(m[1], "TABLE") {
		kind = sdk.Table
	}
	in := &sdk.Source{Name: strings.ToUpper(m[2]), Kind: kind, Columns: cols, KeyFormat: "KAFKA", ValueFormat: defaultValueFormat, WrapSingleValue: wrapDefault}
	applyWith(in, props)
	p.in = in
	p.inTopic = props["KAFKA_TOPIC"]

	out := *in
	out.Name = strings.ToUpper(n[2])
	out.WrapSingleValue = wrapDefault
	sinkProps := parseWith(n[3])
	applyWith(&out, sinkProps)
	p.out = &out
	p.outTopic = out.Name
	if t, ok := sinkProps["KAFKA_TOPIC"]; ok {
		p.outTopic = t
	}
	return p
}

func applyWith(src *sdk.Source, props map[string]string) {
	for k, v := range props {
		switch k {
		case "FORMAT":
			src.KeyFormat, src.ValueFormat = v, v
		case "KEY_FORMAT":
			src.KeyFormat = v
		case "VALUE_FORMAT":
			src.ValueFormat = v
		case "WRAP_SINGLE_VALUE":
			src.WrapSingleValue = strings.EqualFold(v, "true")
		case "VALUE_DELIMITER":
			src.ValueDelimiter = v
		case "KEY_DELIMITER":
			src.KeyDelimiter = v
		}
	}
}

func TestCorpusPassThrough(t *testing.T) {
	dir := corpusDir(t)
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	ran, registry := 0, 0
	for _, path := range paths {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var f qttFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, tc := range f.Tests {
			formats := tc.Format
			if len(formats) == 0 {
				formats = []string{""}
			}
			for _, format := range formats {
				testName := strings.TrimSuffix(name, ".json") + " - " + tc.Name
				if format != "" {
					testName += " - " + format
				}
				if len(tc.ExpectedException) > 0 && string(tc.ExpectedException) != "null" {
					continue // statement errors are the analyzer's
				}
				stmts := make([]string, len(tc.Statements))
				for i, s := range tc.Statements {
					stmts[i] = strings.ReplaceAll(s, "{FORMAT}", format)
				}
				p := buildPassThrough(tc, stmts)
				if p.skipReason != "" {
					continue
				}
				if needsRegistry(p.in) || needsRegistry(p.out) {
					registry++
					continue
				}
				t.Run(testName, func(t *testing.T) {
					ran++
					runPassThrough(t, tc, p)
				})
			}
		}
	}
	t.Logf("%d pass-through corpus tests run, %d more skipped: their formats need a schema registry", ran, registry)
	if ran < 20 {
		t.Errorf("only %d pass-through corpus tests recognised; the corpus or the recogniser changed", ran)
	}
}

// needsRegistry reports whether a source uses a format this package does not
// support yet because it needs a schema registry.
func needsRegistry(src *sdk.Source) bool {
	for _, f := range []string{src.KeyFormat, src.ValueFormat} {
		switch strings.ToUpper(f) {
		case "AVRO", "PROTOBUF", "PROTOBUF_NOSR", "JSON_SR":
			return true
		}
	}
	return false
}

func runPassThrough(t *testing.T, tc qttTest, p passThrough) {
	inKey, err := NewKey(p.in)
	if err != nil {
		if strings.Contains(err.Error(), "not supported yet") {
			t.Skipf("skipping: %v", err)
		}
		t.Fatal(err)
	}
	inVal, err := NewValue(p.in)
	if err != nil {
		if strings.Contains(err.Error(), "not supported yet") {
			t.Skipf("skipping: %v", err)
		}
		t.Fatal(err)
	}
	outKey, err := NewKey(p.out)
	if err != nil {
		t.Fatal(err)
	}
	outVal, err := NewValue(p.out)
	if err != nil {
		if strings.Contains(err.Error(), "not supported yet") {
			t.Skipf("skipping: %v", err)
		}
		t.Fatal(err)
	}
	type rec struct{ key, value []byte }
	var got []rec
	keyRow := make([]sdk.Value, len(inKey.Columns()))
	valRow := make([]sdk.Value, len(inVal.Columns()))
	for _, r := range tc.Inputs {
		if len(r.Window) > 0 {
			t.Skip("skipping: windowed input records")
		}
		if !strings.EqualFold(r.Topic, p.inTopic) {
			continue
		}
		kb := produce(t, inKey, r.Key)
		vb := produce(t, inVal, r.Value)
		if p.in.Kind == sdk.Table && kb == nil && len(inKey.Columns()) > 0 {
			continue // a table drops records without a key (the executor's job)
		}
		if err := inKey.Decode(kb, keyRow); err != nil {
			continue // dropped, as ksqlDB drops undecodable records
		}
		if err := inVal.Decode(vb, valRow); err != nil {
			continue
		}
		k, err := outKey.Encode(nil, keyRow)
		if err != nil {
			t.Fatalf("encode key: %v", err)
		}
		if inKey.IsNull(kb) {
			k = nil // a null key passed through unchanged stays null (the executor's job)
		}
		var v []byte
		if !inVal.IsNull(vb) {
			if v, err = outVal.Encode(nil, valRow); err != nil {
				t.Fatalf("encode value: %v", err)
			}
		}
		got = append(got, rec{k, v})
	}
	var want []qttRecord
	for _, r := range tc.Outputs {
		if strings.EqualFold(r.Topic, p.outTopic) {
			want = append(want, r)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d output records, want %d", len(got), len(want))
	}
	for i := range want {
		if len(outKey.Columns()) > 0 {
			if msg := compareRecord(outKey, want[i].Key, got[i].key); msg != "" {
				t.Errorf("record %d key: %s", i, msg)
			}
		}
		if msg := compareRecord(outVal, want[i].Value, got[i].value); msg != "" {
			t.Errorf("record %d value: %s", i, msg)
		}
	}
}

// produce serializes a record spec as ksqlDB's test runner does.
func produce(t *testing.T, s Serde, spec json.RawMessage) []byte {
	if len(spec) == 0 || string(spec) == "null" {
		return nil
	}
	if len(s.Columns()) == 0 {
		return []byte(spec) // ignored by the NONE serde
	}
	switch s.Format() {
	case "JSON":
		return []byte(spec)
	case "DELIMITED":
		var str string
		if err := json.Unmarshal(spec, &str); err != nil {
			return []byte(spec) // a bare number
		}
		return []byte(str)
	case "KAFKA":
		c := s.Columns()[0]
		v, err := specValue(spec, c.Type)
		if err != nil {
			t.Fatalf("input spec %s: %v", spec, err)
		}
		b, err := s.Encode(nil, []sdk.Value{v})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return nil
}

// specValue reads a KAFKA record spec (a bare primitive) as a value of t.
func specValue(spec json.RawMessage, t sdk.Type) (sdk.Value, error) {
	d := json.NewDecoder(bytes.NewReader(spec))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return sdk.Value{}, err
	}
	switch v := x.(type) {
	case json.Number:
		switch t {
		case sdk.TypeInt, sdk.TypeBigInt:
			i, err := v.Int64()
			return sdk.Value{Type: t, I: i}, err
		case sdk.TypeDouble:
			f, err := v.Float64()
			return sdk.Double(f), err
		case sdk.TypeString:
			return sdk.Str(v.String()), nil
		}
	case string:
		if t == sdk.TypeString {
			return sdk.Str(v), nil
		}
	}
	return sdk.Value{}, fmt.Errorf("cannot make a %s from %s", t, spec)
}

// compareRecord compares actual record bytes with an expected spec as
// ksqlDB's ExpectedRecordComparator does; it returns "" when they match.
func compareRecord(s Serde, spec json.RawMessage, actual []byte) string {
	specNull := len(spec) == 0 || string(spec) == "null"
	if specNull || actual == nil {
		if specNull && actual == nil {
			return ""
		}
		return fmt.Sprintf("got %q, want %s", actual, spec)
	}
	switch s.Format() {
	case "DELIMITED":
		var want string
		if err := json.Unmarshal(spec, &want); err != nil {
			want = string(spec)
		}
		if string(actual) != want {
			return fmt.Sprintf("got %q, want %q", actual, want)
		}
	case "JSON":
		a, err := decodeAny(actual)
		if err != nil {
			return fmt.Sprintf("got invalid JSON %q: %v", actual, err)
		}
		e, _ := decodeAny(spec)
		if !matchJSON(e, a) {
			return fmt.Sprintf("got %s, want %s", actual, spec)
		}
	case "KAFKA":
		row := make([]sdk.Value, 1)
		if err := s.Decode(actual, row); err != nil {
			return err.Error()
		}
		want, err := specValue(spec, s.Columns()[0].Type)
		if err != nil {
			return err.Error()
		}
		if row[0].Type == sdk.TypeDouble {
			if math.Abs(row[0].F-want.F) > 1e-6 {
				return fmt.Sprintf("got %v, want %s", row[0].F, spec)
			}
		} else if !row[0].Equal(want) {
			return fmt.Sprintf("got %#v, want %s", row[0], spec)
		}
	}
	return ""
}

func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var x any
	err := d.Decode(&x)
	return x, err
}

// matchJSON is ExpectedRecordComparator for JSON trees read with exact
// decimals: objects have the same number of fields, each expected field
// found by exact then upper-cased name; an expected integer matches by
// integer value; an expected decimal must equal the actual one including its
// scale (BigDecimal.equals), which is why DOUBLE output must look like Java's.
func matchJSON(expected, actual any) bool {
	switch e := expected.(type) {
	case nil:
		return actual == nil
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok || len(a) != len(e) {
			return false
		}
		for k, ev := range e {
			av, ok := a[k]
			if !ok {
				av, ok = a[strings.ToUpper(k)]
			}
			if !ok || !matchJSON(ev, av) {
				return false
			}
		}
		return true
	case []any:
		a, ok := actual.([]any)
		if !ok || len(a) != len(e) {
			return false
		}
		for i := range e {
			if !matchJSON(e[i], a[i]) {
				return false
			}
		}
		return true
	case json.Number:
		a, ok := actual.(json.Number)
		if !ok {
			return false
		}
		if isIntegerLiteral([]byte(e)) {
			ei, err := e.Int64()
			if err != nil {
				return string(e) == string(a)
			}
			ai, ok := jsonInteger([]byte(a), 64) // intValue/longValue of the actual
			return ok && ai == ei
		}
		return string(appendJavaNumberText(nil, []byte(e))) == string(appendJavaNumberText(nil, []byte(a)))
	default:
		return expected == actual
	}
}
