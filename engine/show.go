package engine

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	hostconfig "github.com/wasmstream/wasmstream/host/config"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// This file carries out the statements that print rather than change
// anything: SHOW PROPERTIES. The other SHOW and DESCRIBE statements are
// accepted and do nothing yet.

// showConfig is what the printing statements need: the effective
// configuration and where to print.
type showConfig struct {
	entries []hostconfig.Entry
	out     io.Writer
}

// WithConfig gives the engine the effective configuration that SHOW
// PROPERTIES prints: cfg.Entries() of the configuration the program was
// started with (their values are already [hidden] where secret). Without
// it, SHOW PROPERTIES prints the session properties only.
func WithConfig(entries []hostconfig.Entry) Option {
	return func(c *config) {
		if c.show == nil {
			c.show = &showConfig{}
		}
		c.show.entries = append([]hostconfig.Entry(nil), entries...)
	}
}

// WithOutput sets where SHOW PROPERTIES writes its table (default: nowhere;
// the caller can read the same rows with ShowProperties).
func WithOutput(w io.Writer) Option {
	return func(c *config) {
		if c.show == nil {
			c.show = &showConfig{}
		}
		c.show.out = w
	}
}

// Property is one row of SHOW PROPERTIES.
type Property struct {
	Key string
	// Value is the effective value; a secret's is [hidden].
	Value string
	// Source says where the value came from: "default", "file PATH",
	// "env NAME", "flag" (see host/config.Source), or "session" for a value
	// set by SET in this session. Unknown and ignored keys are marked.
	Source string
}

// ShowProperties returns what SHOW PROPERTIES prints: the configuration
// given with WithConfig overlaid with the session properties (initial ones
// from WithProperties and those changed by SET), sorted by key, every secret
// [hidden].
func (e *Engine) ShowProperties() []Property {
	byKey := map[string]Property{}
	if e.cfg.show != nil {
		for _, en := range e.cfg.show.entries {
			src := en.Source.String()
			if en.Status != "" {
				src += " (" + en.Status + ")"
			}
			// Redact again: an Entry from somewhere else than Config.Entries
			// must not leak a secret either.
			byKey[en.Key] = Property{Key: en.Key, Value: hostconfig.Redact(en.Key, en.Value), Source: src}
		}
	}
	for k, v := range e.Properties() {
		if p, ok := byKey[k]; ok && p.Value == hostconfig.Redact(k, v) {
			continue // the session only repeats the configuration
		}
		byKey[k] = Property{Key: k, Value: hostconfig.Redact(k, v), Source: "session"}
	}
	out := make([]Property, 0, len(byKey))
	for _, p := range byKey {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// WriteProperties writes rows as SHOW PROPERTIES prints them: a KEY, VALUE,
// SOURCE table, one line per key (the layout of `wasmstream config show`).
func WriteProperties(w io.Writer, rows []Property) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, p := range rows {
		v := p.Value
		switch {
		case v == "":
			v = `""`
		case strings.ContainsAny(v, "\t\r\n"):
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Key, v, p.Source)
	}
	return tw.Flush()
}

// show carries out SHOW PROPERTIES; it reports whether p was that
// statement.
func (e *Engine) show(p parsedStmt) (bool, error) {
	s, ok := p.stmt.(*ast.Show)
	if !ok || s.What != "PROPERTIES" {
		return false, nil
	}
	if e.cfg.show == nil || e.cfg.show.out == nil {
		return true, nil
	}
	if err := WriteProperties(e.cfg.show.out, e.ShowProperties()); err != nil {
		return true, fmt.Errorf("SHOW PROPERTIES: %w", err)
	}
	return true, nil
}
