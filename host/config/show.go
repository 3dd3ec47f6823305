package config

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Show writes the effective configuration to w: one line per key, sorted,
// with its value and where it came from. Every secret is shown as [hidden];
// unknown and ignored keys are marked.
func (c *Config) Show(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, e := range c.entries {
		src := e.Source.String()
		if e.Status != "" {
			src += " (" + e.Status + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Key, showValue(e.Value), src)
	}
	return tw.Flush()
}

// showValue keeps one entry on one line and makes an empty value visible.
func showValue(v string) string {
	if v == "" {
		return `""`
	}
	if strings.ContainsAny(v, "\t\r\n") {
		return fmt.Sprintf("%q", v)
	}
	return v
}

// Redacted returns what Show writes.
func (c *Config) Redacted() string {
	var b strings.Builder
	_ = c.Show(&b) // a strings.Builder does not fail
	return b.String()
}

// String implements fmt.Stringer with Redacted, so printing a *Config shows
// the effective configuration without secrets.
func (c *Config) String() string { return c.Redacted() }
