package qtt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// The types below model the Java objects ksqlDB's test deserializers return
// for actual records, so that the comparison follows ExpectedRecordComparator
// rule for rule: an actual value is nil, bool, string, jInt (Integer), jLong
// (Long), jBigInt (BigInteger), jDouble (Double), decimal (BigDecimal),
// jBytes (ByteBuffer), map[string]any (Map) or []any (List).
type (
	jInt    int32
	jLong   int64
	jDouble float64
	jBigInt struct{ v *big.Int }
	jBytes  []byte
)

// expected numbers are json.Number; numberNode classifies one as Jackson
// does with USE_BIG_DECIMAL_FOR_FLOATS and exact decimals: an integer token
// is an IntNode, LongNode or BigIntegerNode by size, any other number a
// DecimalNode with the exact text.
type numberNode struct {
	isInt, isLong, isBigInt, isDecimal bool
	i                                  *big.Int // integer nodes
	d                                  decimal  // decimal nodes
}

func classifyNumber(n json.Number) (numberNode, bool) {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		i, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return numberNode{}, false
		}
		nn := numberNode{i: i}
		switch {
		case i.IsInt64() && i.Int64() >= math.MinInt32 && i.Int64() <= math.MaxInt32:
			nn.isInt = true
		case i.IsInt64():
			nn.isLong = true
		default:
			nn.isBigInt = true
		}
		return nn, true
	}
	d, ok := parseDecimal(s)
	if !ok {
		return numberNode{}, false
	}
	return numberNode{isDecimal: true, d: d}, true
}

// longValue is NumericNode.longValue (truncating, low bits).
func (n numberNode) longValue() int64 {
	if n.isDecimal {
		return n.d.longValue()
	}
	return low64(n.i)
}

// intValue is NumericNode.intValue.
func (n numberNode) intValue() int32 { return int32(n.longValue()) }

// doubleValue is NumericNode.doubleValue.
func (n numberNode) doubleValue() float64 {
	if n.isDecimal {
		return n.d.float64()
	}
	f, _ := new(big.Float).SetInt(n.i).Float64()
	return f
}

// Matches reports whether an actual value (as decoded from an output record,
// see the types above) matches an expected "value spec" (decoded from the
// test file with UseNumber), by ksqlDB's ExpectedRecordComparator rules.
func Matches(actual, expected any) bool {
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
			if !ok || av == nil {
				av = a[strings.ToUpper(k)]
			}
			if !Matches(av, ev) {
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
			if !Matches(a[i], e[i]) {
				return false
			}
		}
		return true
	case json.Number:
		n, ok := classifyNumber(e)
		if !ok {
			return false
		}
		return matchNumber(actual, n)
	case string:
		switch a := actual.(type) {
		case string:
			return a == e
		case decimal:
			d, ok := parseDecimal(e)
			return ok && d.equal(a)
		case jBytes:
			return e == base64.StdEncoding.EncodeToString(a)
		}
		return false
	case bool:
		a, ok := actual.(bool)
		return ok && a == e
	}
	return false
}

func matchNumber(actual any, n numberNode) bool {
	switch a := actual.(type) {
	case jInt:
		return n.intValue() == int32(a)
	case jLong:
		return n.longValue() == int64(a)
	case jDouble:
		return math.Abs(n.doubleValue()-float64(a)) < 0.000_001
	case decimal:
		if n.isInt || n.isLong {
			if a.scale > 0 {
				return false
			}
			l, ok := a.exactLong()
			return ok && l == n.longValue()
		}
		if !n.isDecimal {
			return false
		}
		return n.d.equal(a)
	}
	return false
}

// parseActualJSON decodes JSON bytes as ksqlDB's test JSON deserializer does
// (Jackson's untyped Object mapping): integers as Integer, Long or
// BigInteger by size; other numbers as BigDecimal with their exact text, or
// as Double when exact comparison is off.
func parseActualJSON(data []byte, exact bool) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON %q: %w", truncate(string(data), 80), err)
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid JSON %q: data after the value", truncate(string(data), 80))
	}
	return javaize(v, exact)
}

func javaize(v any, exact bool) (any, error) {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			i, ok := new(big.Int).SetString(s, 10)
			if !ok {
				return nil, fmt.Errorf("invalid number %q", s)
			}
			switch {
			case i.IsInt64() && i.Int64() >= math.MinInt32 && i.Int64() <= math.MaxInt32:
				return jInt(i.Int64()), nil
			case i.IsInt64():
				return jLong(i.Int64()), nil
			}
			return jBigInt{i}, nil
		}
		if !exact {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("invalid number %q", s)
			}
			return jDouble(f), nil
		}
		d, ok := parseDecimal(s)
		if !ok {
			return nil, fmt.Errorf("invalid number %q", s)
		}
		return d, nil
	case map[string]any:
		for k, e := range x {
			j, err := javaize(e, exact)
			if err != nil {
				return nil, err
			}
			x[k] = j
		}
		return x, nil
	case []any:
		for i, e := range x {
			j, err := javaize(e, exact)
			if err != nil {
				return nil, err
			}
			x[i] = j
		}
		return x, nil
	}
	return v, nil
}

// formatActual renders an actual value for a difference report, in the JSON
// notation of the test files.
func formatActual(v any) string {
	var b strings.Builder
	writeActual(&b, v)
	return b.String()
}

func writeActual(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		q, _ := json.Marshal(x)
		b.Write(q)
	case jInt:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case jLong:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case jBigInt:
		b.WriteString(x.v.String())
	case jDouble:
		b.WriteString(javaDoubleString(float64(x)))
	case decimal:
		b.WriteString(x.String())
	case jBytes:
		q, _ := json.Marshal(base64.StdEncoding.EncodeToString(x))
		b.Write(q)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			writeActual(b, x[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeActual(b, e)
		}
		b.WriteByte(']')
	default:
		fmt.Fprintf(b, "%v", x)
	}
}

// formatExpected renders an expected value spec compactly.
func formatExpected(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
