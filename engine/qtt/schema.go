package qtt

import (
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
)

// schemaColumn is one column of a post-condition schema such as
// "ID INT KEY, `NAME` STRING", normalized for comparison: the name as
// ksqlDB resolves it (upper-cased unless back-quoted), the type in canonical
// spelling (INTEGER, STRING, ...; DECIMAL(4, 3) as DECIMAL(4,3)).
type schemaColumn struct {
	Name    string
	Type    string
	Key     bool
	Headers bool
}

func (c schemaColumn) String() string {
	s := c.Name + " " + c.Type
	switch {
	case c.Key:
		s += " KEY"
	case c.Headers:
		s += " HEADERS"
	}
	return s
}

// parseSchema parses a ksqlDB column list as post-conditions write it. KEY
// and PRIMARY KEY both mark a key column (LogicalSchema does not record the
// difference).
func parseSchema(s string) ([]schemaColumn, error) {
	var cols []schemaColumn
	for _, part := range splitTopLevel(s, ',') {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, rest, err := splitName(part)
		if err != nil {
			return nil, fmt.Errorf("schema %q: %w", s, err)
		}
		col := schemaColumn{Name: name}
		rest = strings.TrimSpace(rest)
		upper := strings.ToUpper(rest)
		switch {
		case strings.HasSuffix(upper, " PRIMARY KEY"):
			col.Key, rest = true, rest[:len(rest)-len(" PRIMARY KEY")]
		case strings.HasSuffix(upper, " KEY"):
			col.Key, rest = true, rest[:len(rest)-len(" KEY")]
		case strings.HasSuffix(upper, " HEADERS"):
			col.Headers, rest = true, rest[:len(rest)-len(" HEADERS")]
		}
		if col.Type, err = normalizeType(rest); err != nil {
			return nil, fmt.Errorf("schema %q: column %s: %w", s, name, err)
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// splitName splits "`Name` TYPE..." or "NAME TYPE..." into the resolved name
// and the rest.
func splitName(s string) (string, string, error) {
	if strings.HasPrefix(s, "`") {
		end := strings.Index(s[1:], "`")
		if end < 0 {
			return "", "", fmt.Errorf("unterminated quoted name in %q", s)
		}
		return s[1 : end+1], s[end+2:], nil
	}
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return "", "", fmt.Errorf("column %q has no type", s)
	}
	return strings.ToUpper(s[:i]), s[i:], nil
}

// normalizeType rewrites a type to a canonical form: upper case, no spaces
// except after the name of a STRUCT field, aliases resolved.
func normalizeType(t string) (string, error) {
	t = strings.TrimSpace(t)
	if t == "" {
		return "", fmt.Errorf("missing type")
	}
	upper := strings.ToUpper(t)
	open := strings.IndexAny(t, "<(")
	if open < 0 {
		return canonicalTypeName(upper), nil
	}
	base := canonicalTypeName(strings.TrimSpace(upper[:open]))
	if t[len(t)-1] != '>' && t[len(t)-1] != ')' {
		return "", fmt.Errorf("malformed type %q", t)
	}
	inner := t[open+1 : len(t)-1]
	closeCh := t[len(t)-1:]
	var parts []string
	for _, p := range splitTopLevel(inner, ',') {
		p = strings.TrimSpace(p)
		if base == "STRUCT" {
			name, rest, err := splitName(p)
			if err != nil {
				return "", err
			}
			nt, err := normalizeType(rest)
			if err != nil {
				return "", err
			}
			parts = append(parts, name+" "+nt)
			continue
		}
		if closeCh == ")" {
			parts = append(parts, strings.TrimSpace(p))
			continue
		}
		nt, err := normalizeType(p)
		if err != nil {
			return "", err
		}
		parts = append(parts, nt)
	}
	return base + t[open:open+1] + strings.Join(parts, ",") + closeCh, nil
}

func canonicalTypeName(n string) string {
	switch n {
	case "INT":
		return "INTEGER"
	case "VARCHAR":
		return "STRING"
	}
	return n
}

// splitTopLevel splits s at sep outside <>, () and back-quotes.
func splitTopLevel(s string, sep byte) []string {
	var out []string
	depth, start, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '`':
			quoted = !quoted
		case quoted:
		case c == '<' || c == '(':
			depth++
		case c == '>' || c == ')':
			depth--
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// sourceSchema converts a catalog entry's columns to the comparable form.
func sourceSchema(src *sdk.Source) []schemaColumn {
	cols := make([]schemaColumn, 0, len(src.Columns))
	for _, c := range src.Columns {
		t := c.Type.String()
		if c.Type.IsComplex() || c.Type.IsDecimal() {
			// The expected schema is normalized the same way.
			if nt, err := normalizeType(c.TypeString()); err == nil {
				t = nt
			}
		}
		cols = append(cols, schemaColumn{Name: c.Name, Type: t, Key: c.Key})
	}
	return cols
}

// schemasEqual compares schemas as LogicalSchema does: key columns in order,
// then the other columns in order.
func schemasEqual(a, b []schemaColumn) bool {
	split := func(cs []schemaColumn) (keys, vals []schemaColumn) {
		for _, c := range cs {
			if c.Key {
				keys = append(keys, c)
			} else {
				vals = append(vals, c)
			}
		}
		return
	}
	ak, av := split(a)
	bk, bv := split(b)
	eq := func(x, y []schemaColumn) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	return eq(ak, bk) && eq(av, bv)
}

func formatSchema(cols []schemaColumn) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.String()
	}
	return strings.Join(parts, ", ")
}
