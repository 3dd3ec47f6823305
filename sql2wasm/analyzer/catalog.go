package analyzer

import (
	"sort"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
)

// Catalog holds the streams and tables a script has declared, by name. A
// name is stored as the statement wrote it after ksqlDB's case rule: upper-
// cased unless it was quoted, so `foo` and FOO are different sources.
//
// The exported methods only read; the Analyzer that owns the catalog
// changes it when a statement is committed. Lookup returns copies, so a
// caller cannot change the catalog behind the analyzer's back.
type Catalog struct {
	sources map[string]*sdk.Source
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{sources: make(map[string]*sdk.Source)}
}

// Lookup returns a copy of the source with the exact (already case-folded)
// name.
func (c *Catalog) Lookup(name string) (sdk.Source, bool) {
	s, ok := c.sources[name]
	if !ok {
		return sdk.Source{}, false
	}
	return copySource(s), true
}

// Names returns the names of all sources, sorted.
func (c *Catalog) Names() []string {
	out := make([]string, 0, len(c.sources))
	for n := range c.sources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Len returns the number of sources.
func (c *Catalog) Len() int { return len(c.sources) }

// get returns the stored source itself, for the analyzer's own reading.
func (c *Catalog) get(name string) *sdk.Source { return c.sources[name] }

// foldMatch returns the name of a source that matches name ignoring case,
// for "did you mean" hints; "" if there is none.
func (c *Catalog) foldMatch(name string) string {
	for _, n := range c.Names() {
		if n != name && strings.EqualFold(n, name) {
			return n
		}
	}
	return ""
}

func (c *Catalog) put(s sdk.Source) {
	cp := copySource(&s)
	c.sources[s.Name] = &cp
}

func (c *Catalog) remove(name string) { delete(c.sources, name) }

// copySource copies s deeply enough that the copy shares no mutable state.
func copySource(s *sdk.Source) sdk.Source {
	out := *s
	out.Columns = append([]sdk.Column(nil), s.Columns...)
	if s.Window != nil {
		w := *s.Window
		out.Window = &w
	}
	return out
}
