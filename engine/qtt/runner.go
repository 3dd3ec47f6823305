package qtt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/host/executor"
	"github.com/wasmstream/wasmstream/sdk"
)

// Status is the outcome of one variant.
type Status int

// The outcomes.
const (
	Pass Status = iota + 1
	Fail
	Skip
)

// String returns PASS, FAIL or SKIP.
func (s Status) String() string {
	switch s {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	case Skip:
		return "SKIP"
	}
	return "?"
}

// Result is the outcome of one variant.
type Result struct {
	Variant *Variant
	Status  Status
	// Reason says why a variant failed or was skipped, in one line.
	Reason string
	// Details are further lines for a failure: the records that differ.
	Details []string
	// Negative is set for a test that expects an exception.
	Negative bool
	// MessageMatched is set for a negative test whose error message
	// contains ksqlDB's expected message (a separate score: wasmstream does
	// not promise ksqlDB's wording).
	MessageMatched bool
	// RejectedNotSupported is set for a negative test that passed because a
	// feature is not supported yet, not because of the error ksqlDB names.
	RejectedNotSupported bool
	// Error is the error the engine gave (negative tests, skips).
	Error    string
	Duration time.Duration
}

// Runner runs variants. The zero value is usable.
type Runner struct {
	// EngineOptions are added to every engine the runner creates (e.g. a
	// shared runtime, a clock).
	EngineOptions []engine.Option
	// Timeout bounds one variant (default 60 s).
	Timeout time.Duration
}

// The test-only functions of ksqlDB's Java test code: tests that call them
// cannot run anywhere else.
// The list is ksqlDB's test UDFs and those of its udf-example.jar.
var testOnlyFunc = regexp.MustCompile(`(?i)\b(BAD_UDF|WHENCONDITION|WHENRESULT|TEST_UDF|TEST_UDTF|TEST_UDAF|TOSTRUCT|TOSTRING|TOLIST|TOMAP|MULTIPLY)\s*\(`)

// A WITH property naming a format that needs a schema registry.
var srFormatProp = regexp.MustCompile(`(?i)\b(?:VALUE_FORMAT|KEY_FORMAT|FORMAT)\s*=\s*'(AVRO|PROTOBUF|PROTOBUF_NOSR|JSON_SR)'`)

// skipReason returns why a variant cannot run at all, or "".
func skipReason(v *Variant) string {
	if !v.Test.Enabled {
		return "disabled in the test file (enabled: false)"
	}
	if schemaRegistryFormat(v.Format) {
		return "needs a schema registry: " + strings.ToUpper(v.Format) + " format"
	}
	for _, s := range v.Statements {
		if m := srFormatProp.FindStringSubmatch(s); m != nil {
			return "needs a schema registry: " + strings.ToUpper(m[1]) + " format"
		}
		if m := testOnlyFunc.FindStringSubmatch(s); m != nil {
			return "uses " + strings.ToUpper(m[1]) + ", a function that exists only in ksqlDB's Java test code"
		}
	}
	for _, k := range []string{"ksql.persistence.default.format.value", "ksql.persistence.default.format.key"} {
		if f, ok := v.Properties[k]; ok && schemaRegistryFormat(f) {
			return "needs a schema registry: " + strings.ToUpper(f) + " format (" + k + ")"
		}
	}
	for _, t := range v.Topics {
		if schemaRegistryFormat(t.KeyFormat) || schemaRegistryFormat(t.ValueFormat) || t.HasSchema {
			return "needs a schema registry: topic " + t.Name + " declares a registered schema"
		}
	}
	return ""
}

// Run runs one variant and returns its result. It never panics: a panic in
// the engine is a failure of the variant.
func (r *Runner) Run(ctx context.Context, v *Variant) (res Result) {
	start := time.Now()
	res = Result{Variant: v, Negative: v.Test.ExpectedException != nil}
	defer func() {
		if p := recover(); p != nil {
			res.Status = Fail
			res.Reason = fmt.Sprintf("panic: %v", p)
			res.Details = strings.Split(strings.TrimSpace(string(debug.Stack())), "\n")
			if len(res.Details) > 16 {
				res.Details = res.Details[:16]
			}
		}
		res.Duration = time.Since(start)
	}()
	if v.Err != nil {
		res.Status, res.Reason = Fail, v.Err.Error()
		return res
	}
	if reason := skipReason(v); reason != "" {
		res.Status, res.Reason = Skip, reason
		return res
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.run(ctx, v, &res)
	return res
}

func (r *Runner) run(ctx context.Context, v *Variant, res *Result) {
	t := v.Test
	topics := executor.NewMemoryTopics()
	plog := &executor.MemoryProcessingLog{}
	opts := []engine.Option{engine.WithProperties(v.Properties), engine.WithTopics(topics), engine.WithProcessingLog(plog), engine.WithAutoCreateTopics()}
	e, err := engine.New(ctx, append(opts, r.EngineOptions...)...)
	if err != nil {
		res.Status, res.Reason = Fail, "engine: "+err.Error()
		return
	}
	defer e.Close(context.WithoutCancel(ctx))

	// Topics are created up front from the test's declarations and from
	// every topic its records name, as ksqlDB's runner does.
	for _, d := range v.Topics {
		if d.Name != "" {
			_ = topics.CreateTopic(d.Name, d.Partitions)
		}
	}
	for _, rec := range append(append([]*Record(nil), t.Inputs...), t.Outputs...) {
		_ = topics.CreateTopic(rec.Topic, 1)
	}

	for i, stmt := range v.Statements {
		err := e.Execute(ctx, stmt)
		if err == nil {
			continue
		}
		last := i == len(v.Statements)-1
		res.Error = err.Error()
		switch {
		case res.Negative && last:
			res.Status = Pass
			res.Reason = "rejected: " + oneLine(err.Error())
			res.RejectedNotSupported = engine.IsNotSupported(err)
			res.MessageMatched = messageMatches(t.ExpectedException, err)
		case engine.IsNotSupported(err):
			res.Status, res.Reason = Skip, oneLine(notSupportedText(err))
		case res.Negative:
			res.Status = Fail
			res.Reason = fmt.Sprintf("statement %d of %d failed, but only the last one should: %s", i+1, len(v.Statements), oneLine(err.Error()))
		default:
			res.Status = Fail
			res.Reason = fmt.Sprintf("statement %d failed: %s", i+1, oneLine(err.Error()))
		}
		res.Details = append(res.Details, "statement: "+stmt)
		return
	}
	if !res.Negative && len(e.Queries()) == 0 {
		res.Status, res.Reason = Fail, "test did not generate any queries."
		return
	}

	procErr := r.feed(ctx, v, e, topics)
	if res.Negative {
		// Only a handful of ksqlDB's negative tests fail while processing.
		if procErr != nil {
			res.Status, res.Reason = Pass, "failed while processing: "+oneLine(procErr.Error())
			res.Error = procErr.Error()
			res.MessageMatched = messageMatches(t.ExpectedException, procErr)
			return
		}
		exp := t.ExpectedException
		res.Status = Fail
		res.Reason = fmt.Sprintf("expected the last statement to be rejected (ksqlDB: %s: %q), but it was accepted", shortType(exp.Type), exp.Message)
		return
	}
	if procErr != nil {
		if engine.IsNotSupported(procErr) {
			res.Status, res.Reason = Skip, oneLine(notSupportedText(procErr))
			return
		}
		res.Status, res.Reason = Fail, oneLine(procErr.Error())
		return
	}
	if diffs := compareOutputs(v, e, topics); len(diffs) > 0 {
		res.Status, res.Reason, res.Details = Fail, diffs[0], diffs[1:]
		addLogDetails(res, plog)
		return
	}
	if diffs := checkPost(v, e); len(diffs) > 0 {
		res.Status, res.Reason, res.Details = Fail, diffs[0], diffs[1:]
		return
	}
	res.Status = Pass
}

// feed produces the test's inputs and drives the queries as ksqlDB's runner
// does (SEMANTICS.md §2.2): every input record is serialized with the
// formats of the source declared on its topic and appended to that topic;
// then each query, in creation order, gets the input records of its source
// topics in file order, then the records of its other source topics (sinks
// of earlier queries, INSERT VALUES), topic by topic. A query's output goes
// straight to its sink topic, which is the same as draining the sink after
// every record.
func (r *Runner) feed(ctx context.Context, v *Variant, e *engine.Engine, topics *executor.MemoryTopics) error {
	inputs := make([]executor.Record, 0, len(v.Test.Inputs))
	inputTopics := map[string]bool{}
	exact := v.Properties["use.exact.numeric.comparison"] != "false"
	for i, in := range v.Test.Inputs {
		keySerde, valSerde := topicSerdes(v, e, in.Topic, exact)
		key, err := keySerde.serialize(in.Key, in.RawKey, in.Window)
		if err != nil {
			return fmt.Errorf("input %d (topic %s): key %s: %w", i+1, in.Topic, in.RawKey, err)
		}
		value, err := valSerde.serialize(in.Value, in.RawValue, nil)
		if err != nil {
			return fmt.Errorf("input %d (topic %s): value %s: %w", i+1, in.Topic, in.RawValue, err)
		}
		rec := executor.Record{Topic: in.Topic, Partition: 0, Key: key, Value: value}
		if in.Timestamp != nil {
			rec.Timestamp = *in.Timestamp
		}
		for _, h := range in.Headers {
			rec.Headers = append(rec.Headers, executor.Header{Key: h.Key, Value: h.Value})
		}
		pos, err := topics.Append(&rec)
		if err != nil {
			return fmt.Errorf("input %d: %w", i+1, err)
		}
		rec.Partition, rec.Offset = pos.Partition, pos.Offset
		inputs = append(inputs, rec)
		inputTopics[in.Topic] = true
	}
	for _, q := range e.Queries() {
		// Each query runs in its own TopologyTestDriver in ksqlDB's runner,
		// which numbers the records piped into each of its input topics
		// from 0: ROWOFFSET follows that numbering.
		next := map[string]int64{}
		pipe := func(rec executor.Record) error {
			rec.Offset = next[rec.Topic]
			next[rec.Topic]++
			return q.Process(ctx, []executor.Record{rec})
		}
		srcTopics := q.SourceTopics()
		isSource := map[string]bool{}
		fromInputs := false
		for _, t := range srcTopics {
			isSource[t] = true
			fromInputs = fromInputs || inputTopics[t]
		}
		if fromInputs {
			for _, rec := range inputs {
				if isSource[rec.Topic] {
					if err := pipe(rec); err != nil {
						return err
					}
				}
			}
		}
		for _, t := range srcTopics {
			if inputTopics[t] {
				continue
			}
			for _, rec := range topics.Records(t) {
				if err := pipe(rec); err != nil {
					return err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("query %s: %w", q.ID(), err)
		}
	}
	return nil
}

// topicSerdes returns the value-spec serdes of a topic: those of the first
// source declared on it, else of its declaration in "topics", else KAFKA
// keys and JSON values.
func topicSerdes(v *Variant, e *engine.Engine, topic string, exact bool) (key, value specSerde) {
	if srcs := e.SourcesOnTopic(topic); len(srcs) > 0 {
		s := srcs[0]
		return specSerde{format: s.KeyFormat, cols: s.KeyColumns(), window: s.Window, exact: exact},
			specSerde{format: s.ValueFormat, cols: s.ValueColumns(), exact: exact}
	}
	key = specSerde{format: sdk.FormatKafka, exact: exact}
	value = specSerde{format: sdk.FormatJSON, exact: exact}
	for _, d := range v.Topics {
		if d.Name == topic {
			if d.KeyFormat != "" {
				key.format = d.KeyFormat
			}
			if d.ValueFormat != "" {
				value.format = d.ValueFormat
			}
		}
	}
	return key, value
}

// actualRecord is an output record decoded for comparison.
type actualRecord struct {
	key, value any
	window     *Window
	keyErr     error
	valueErr   error
	rec        executor.Record
}

func (a actualRecord) String() string {
	k := formatActual(a.key)
	if a.keyErr != nil {
		k = "<" + a.keyErr.Error() + ">"
	}
	if a.window != nil {
		k += fmt.Sprintf(" window=[%d,%d %s]", a.window.Start, a.window.End, strings.ToLower(a.window.Type))
	}
	val := formatActual(a.value)
	if a.valueErr != nil {
		val = "<" + a.valueErr.Error() + ">"
	}
	s := fmt.Sprintf("<%s, %s> timestamp=%d", k, val, a.rec.Timestamp)
	if len(a.rec.Headers) > 0 {
		s += " headers=" + formatHeaders(toHeaders(a.rec.Headers))
	}
	return s
}

func expectedString(r *Record) string {
	k := formatExpected(r.Key)
	if r.Window != nil {
		k += fmt.Sprintf(" window=[%d,%d %s]", r.Window.Start, r.Window.End, strings.ToLower(r.Window.Type))
	}
	s := fmt.Sprintf("<%s, %s>", k, formatExpected(r.Value))
	if r.Timestamp != nil {
		s += fmt.Sprintf(" timestamp=%d", *r.Timestamp)
	}
	if r.Headers != nil {
		s += " headers=" + formatHeaders(r.Headers)
	}
	return s
}

func toHeaders(hs []executor.Header) []Header {
	out := make([]Header, len(hs))
	for i, h := range hs {
		out[i] = Header{Key: h.Key, Value: h.Value}
	}
	return out
}

func formatHeaders(hs []Header) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		v := "null"
		if h.Value != nil {
			v = fmt.Sprintf("%q", h.Value)
		}
		parts[i] = h.Key + "=" + v
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// compareOutputs checks every topic named in the expected outputs
// (SEMANTICS.md §2.3). It returns nothing when they match, else a summary
// line followed by detail lines.
func compareOutputs(v *Variant, e *engine.Engine, topics *executor.MemoryTopics) []string {
	byTopic := map[string][]*Record{}
	var order []string
	for _, r := range v.Test.Outputs {
		if _, ok := byTopic[r.Topic]; !ok {
			order = append(order, r.Topic)
		}
		byTopic[r.Topic] = append(byTopic[r.Topic], r)
	}
	exact := v.Properties["use.exact.numeric.comparison"] != "false"
	outputsOnly := !v.Test.HasInputs
	var diffs []string
	for _, topic := range order {
		expected := byTopic[topic]
		keySerde, valSerde := topicSerdes(v, e, topic, exact)
		var actual []actualRecord
		for _, rec := range topics.Records(topic) {
			a := actualRecord{rec: rec}
			a.key, a.window, a.keyErr = keySerde.deserialize(rec.Key)
			a.value, _, a.valueErr = valSerde.deserialize(rec.Value)
			actual = append(actual, a)
		}
		if len(actual) != len(expected) {
			diffs = append(diffs, fmt.Sprintf("topic %s: expected %d records but got %d", topic, len(expected), len(actual)))
			diffs = append(diffs, listRecords(expected, actual)...)
			continue
		}
		for i := range expected {
			if why := recordDiff(expected[i], actual[i], outputsOnly); why != "" {
				diffs = append(diffs,
					fmt.Sprintf("topic %s, record %d: %s", topic, i+1, why),
					"  expected "+expectedString(expected[i]),
					"  actual   "+actual[i].String())
			}
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	// The first line summarizes; the details follow.
	return append([]string{diffs[0]}, diffs[1:]...)
}

// listRecords renders expected and actual records side by side (capped).
func listRecords(expected []*Record, actual []actualRecord) []string {
	const limit = 20
	var out []string
	for i := 0; i < len(expected) || i < len(actual); i++ {
		if i == limit {
			out = append(out, fmt.Sprintf("  ... %d more", max(len(expected), len(actual))-limit))
			break
		}
		e, a := "-", "-"
		if i < len(expected) {
			e = expectedString(expected[i])
		}
		if i < len(actual) {
			a = actual[i].String()
		}
		out = append(out, fmt.Sprintf("  %2d expected %s", i+1, e), fmt.Sprintf("     actual   %s", a))
	}
	return out
}

// recordDiff compares one record as ksqlDB's TestExecutor does; it returns
// what differs, or "".
func recordDiff(exp *Record, act actualRecord, outputsOnly bool) string {
	if act.keyErr != nil {
		return "the key cannot be read: " + act.keyErr.Error()
	}
	if act.valueErr != nil {
		return "the value cannot be read: " + act.valueErr.Error()
	}
	switch {
	case exp.Window != nil && act.window == nil:
		return "expected a windowed key"
	case exp.Window == nil && act.window != nil:
		return "the key is windowed, the expected record has no window"
	case exp.Window != nil && *exp.Window != *act.window:
		return "window differs"
	}
	if !Matches(act.key, exp.Key) {
		return "key differs"
	}
	if !Matches(act.value, exp.Value) {
		return "value differs"
	}
	if !headersMatch(act.rec.Headers, exp.Headers) {
		return "headers differ"
	}
	if exp.Timestamp != nil && *exp.Timestamp != act.rec.Timestamp && !(outputsOnly && *exp.Timestamp == 0) {
		return "timestamp differs"
	}
	return ""
}

// headersMatch: no expected headers means none at all; otherwise keys and
// values in order, a null value only matching a null value.
func headersMatch(actual []executor.Header, expected []Header) bool {
	if len(actual) != len(expected) {
		return false
	}
	for i := range actual {
		if actual[i].Key != expected[i].Key || (actual[i].Value == nil) != (expected[i].Value == nil) ||
			string(actual[i].Value) != string(expected[i].Value) {
			return false
		}
	}
	return true
}

// checkPost checks the post-conditions on sources (name, type, schema, key
// format with window, value format) and the topic blacklist: a test that
// forbids "-repartition" topics checks that a query repartitions only
// where ksqlDB does.
func checkPost(v *Variant, e *engine.Engine) []string {
	if v.Test.Post == nil {
		return nil
	}
	var diffs []string
	if bl := v.Test.Post.TopicBlacklist; bl != "" {
		re, err := regexp.Compile("^(?:" + bl + ")$")
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("post-condition: topic blacklist %q: %v", bl, err))
		} else if mem := e.Topics(); mem != nil {
			for _, t := range mem.Topics() {
				if re.MatchString(t) {
					diffs = append(diffs, fmt.Sprintf("post-condition: topic %s was created; the test forbids topics matching %s", t, bl))
				}
			}
		}
	}
	for _, ps := range v.Test.Post.Sources {
		src, ok := e.Source(ps.Name)
		if !ok {
			src, ok = e.Source(strings.ToUpper(ps.Name))
		}
		if !ok {
			diffs = append(diffs, fmt.Sprintf("post-condition: source %s does not exist", ps.Name))
			continue
		}
		if ps.Type != "" && !strings.EqualFold(ps.Type, src.Kind.String()) {
			diffs = append(diffs, fmt.Sprintf("post-condition: %s is a %s, expected a %s", ps.Name, src.Kind, strings.ToUpper(ps.Type)))
		}
		if ps.Schema != nil {
			want, err := parseSchema(*ps.Schema)
			switch {
			case err != nil:
				diffs = append(diffs, "post-condition: "+err.Error())
			case !schemasEqual(want, sourceSchema(src)):
				diffs = append(diffs, fmt.Sprintf("post-condition: schema of %s differs", ps.Name),
					"  expected "+formatSchema(want),
					"  actual   "+formatSchema(sourceSchema(src)))
			}
		}
		if kf := ps.KeyFormat; kf != nil {
			if kf.Format != "" && !strings.EqualFold(kf.Format, src.KeyFormat) {
				diffs = append(diffs, fmt.Sprintf("post-condition: key format of %s is %s, expected %s", ps.Name, src.KeyFormat, kf.Format))
			}
			gotType, gotSize := "", int64(0)
			if src.Window != nil {
				gotType, gotSize = src.Window.Type.String(), src.Window.SizeMs
			}
			wantSize := int64(0)
			if kf.WindowSize != nil {
				wantSize = *kf.WindowSize
			}
			if !strings.EqualFold(kf.WindowType, gotType) || wantSize != gotSize {
				diffs = append(diffs, fmt.Sprintf("post-condition: key window of %s is %q size %d, expected %q size %d", ps.Name, gotType, gotSize, kf.WindowType, wantSize))
			}
		}
		if ps.ValueFormat != "" && !strings.EqualFold(ps.ValueFormat, src.ValueFormat) {
			diffs = append(diffs, fmt.Sprintf("post-condition: value format of %s is %s, expected %s", ps.Name, src.ValueFormat, ps.ValueFormat))
		}
	}
	return diffs
}

// addLogDetails appends the processing log to a failure's details: a record
// dropped by mistake is the usual cause of a missing output.
func addLogDetails(res *Result, plog *executor.MemoryProcessingLog) {
	for i, en := range plog.Entries() {
		if i == 5 {
			res.Details = append(res.Details, "  ... more processing-log entries")
			break
		}
		res.Details = append(res.Details, fmt.Sprintf("processing log: %s %s[%d]@%d: %s", en.Kind, en.Topic, en.Partition, en.Offset, en.Reason))
	}
}

func messageMatches(exp *ExpectedException, err error) bool {
	if exp == nil || err == nil {
		return false
	}
	if exp.Message == "" {
		return true
	}
	return strings.Contains(err.Error(), exp.Message)
}

// notSupportedText returns the "not supported yet: ..." part of an error.
func notSupportedText(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "not supported yet"); i >= 0 {
		return msg[i:]
	}
	if errors.Is(err, executor.ErrNotSupported) {
		return "not supported yet: " + msg
	}
	return msg
}

func shortType(t string) string {
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	return s
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
