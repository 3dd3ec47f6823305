package qtt

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
)

// Variant is one runnable test after format x config expansion: the unit
// that is counted as passed, failed or skipped.
type Variant struct {
	File *File
	Test *Test
	// Name is the full name, as ksqlDB's runner builds it:
	// "<file> - <name>[ - <FORMAT>][ - <prop>=<config>]".
	Name string
	// Format is the value substituted for {FORMAT}, or "".
	Format string
	// Statements have {FORMAT} substituted.
	Statements []string
	// Properties have {CONFIG} substituted.
	Properties map[string]string
	// Topics have {FORMAT} substituted in their formats.
	Topics []*TopicDecl
	// Err is set when the test cannot be expanded (e.g. "config" without a
	// "{CONFIG}" property); such a variant fails with this error.
	Err error
}

// Expand returns the variants of every test of f, in file order.
func Expand(f *File) []*Variant {
	var out []*Variant
	for _, t := range f.Tests {
		out = append(out, ExpandTest(f, t)...)
	}
	return out
}

// ExpandTest returns the variants of one test: one per format x config
// combination (formats outer, as ksqlDB's TestCaseBuilder does).
func ExpandTest(f *File, t *Test) []*Variant {
	formats := t.Format
	if len(formats) == 0 {
		formats = []string{""}
	}
	configs := t.Config
	configProp := ""
	var configErr error
	if len(configs) > 0 {
		n := 0
		for _, k := range t.PropertyOrder {
			if t.Properties[k] == "{CONFIG}" {
				configProp = k
				n++
			}
		}
		if n != 1 {
			configErr = fmt.Errorf(`a test with "config" needs exactly one property whose value is "{CONFIG}", found %d`, n)
		}
	} else {
		configs = []string{""}
	}
	fileName := ""
	if f != nil {
		fileName = f.Name
	}
	var out []*Variant
	for _, format := range formats {
		for _, config := range configs {
			v := &Variant{File: f, Test: t, Format: format, Err: configErr}
			v.Name = fileName + " - " + t.Name
			if format != "" {
				v.Name += " - " + format
			}
			if configProp != "" {
				v.Name += " - " + configProp + "=" + config
			}
			for _, s := range t.Statements {
				v.Statements = append(v.Statements, substFormat(s, format))
			}
			v.Properties = make(map[string]string, len(t.Properties))
			for k, val := range t.Properties {
				if k == configProp {
					val = config
				}
				v.Properties[k] = val
			}
			for _, d := range t.Topics {
				c := *d
				c.KeyFormat = substFormat(c.KeyFormat, format)
				c.ValueFormat = substFormat(c.ValueFormat, format)
				v.Topics = append(v.Topics, &c)
			}
			out = append(out, v)
		}
	}
	return out
}

func substFormat(s, format string) string {
	if format == "" {
		return s
	}
	return strings.ReplaceAll(s, "{FORMAT}", format)
}

func sortStrings(s []string) { sort.Strings(s) }

// decodeBase64 decodes standard base64 as Java's Base64.getDecoder does.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("invalid base64 %q: %w", s, err)
	}
	return b, nil
}
