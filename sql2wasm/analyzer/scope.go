package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// pseudoColumns are the columns every source has without declaring them,
// with their types (ksqlDB's SystemColumns).
var pseudoColumns = []sdk.Column{
	{Name: "ROWTIME", Type: sdk.TypeBigInt},
	{Name: "ROWPARTITION", Type: sdk.TypeInt},
	{Name: "ROWOFFSET", Type: sdk.TypeBigInt},
}

// windowColumns are the extra pseudo-columns of a windowed source.
var windowColumns = []sdk.Column{
	{Name: "WINDOWSTART", Type: sdk.TypeBigInt},
	{Name: "WINDOWEND", Type: sdk.TypeBigInt},
}

// scopeSource is one relation of a FROM clause.
type scopeSource struct {
	src   *sdk.Source
	alias string // the alias, or the source's name when it has none
}

// scopeColumn is one column visible in a scope.
type scopeColumn struct {
	source int // index into Scope.sources
	col    sdk.Column
	pseudo bool
	// qualifiedOnly columns are found only by a qualified name: a join
	// side's pseudo-columns (S1.ROWTIME) and join keys.
	qualifiedOnly bool
	// input, when set, names the column in the stage's inputs; a join's
	// final stage reads a side's column C of source alias A as A_C.
	input string
}

// Scope is the set of columns expressions of a query can name, and the
// record of which ones they did. Columns are resolved by name, optionally
// qualified by a source's alias; an unqualified name that more than one
// source has is ambiguous. A single-source query has one source; joins will
// add more.
//
// Every resolved column becomes a plan.Col whose Index is first the
// column's position in the scope; finish renumbers them to positions in the
// stage's inputs, which hold only the columns the query uses.
type Scope struct {
	sources []scopeSource
	cols    []scopeColumn
	used    []bool
	refs    []*plan.Col
}

// newScope returns the scope of a query over one source: its columns (keys
// first), then the pseudo-columns, then the window bounds if it is
// windowed.
func newScope(src *sdk.Source, alias string) *Scope {
	if alias == "" {
		alias = src.Name
	}
	s := &Scope{sources: []scopeSource{{src: src, alias: alias}}}
	for _, c := range src.Columns {
		s.cols = append(s.cols, scopeColumn{source: 0, col: c})
	}
	for _, c := range pseudoColumns {
		s.cols = append(s.cols, scopeColumn{source: 0, col: c, pseudo: true})
	}
	if src.Window != nil {
		for _, c := range windowColumns {
			s.cols = append(s.cols, scopeColumn{source: 0, col: c, pseudo: true})
		}
	}
	s.used = make([]bool, len(s.cols))
	return s
}

// emptyScope has no columns: the scope of INSERT VALUES expressions.
func emptyScope() *Scope { return &Scope{} }

// resolveResult is the outcome of a name lookup.
type resolveResult int

const (
	resolved resolveResult = iota
	unknownColumn
	unknownSource
	ambiguousColumn
)

// lookup finds the scope column a reference names. On ambiguity it also
// returns the candidates' qualified names.
func (s *Scope) lookup(ref *ast.ColumnRef) (int, resolveResult, []string) {
	name := ref.Name.Name
	if ref.Qualifier != nil {
		q := ref.Qualifier.Name
		srcIdx := -1
		for i, ss := range s.sources {
			if ss.alias == q {
				srcIdx = i
			}
		}
		if srcIdx < 0 {
			return -1, unknownSource, nil
		}
		for i, c := range s.cols {
			if c.source == srcIdx && c.col.Name == name {
				return i, resolved, nil
			}
		}
		return -1, unknownColumn, nil
	}
	found := -1
	var cands []string
	for i, c := range s.cols {
		if c.col.Name == name && !c.qualifiedOnly {
			if found < 0 {
				found = i
			}
			cands = append(cands, s.sources[c.source].alias+"."+name)
		}
	}
	switch {
	case found < 0:
		return -1, unknownColumn, nil
	case len(cands) > 1:
		return -1, ambiguousColumn, cands
	}
	return found, resolved, nil
}

// column resolves a reference for the given clause ("SELECT", "WHERE", ...)
// into a plan.Col, with ksqlDB's messages for unknown and ambiguous names.
func (s *Scope) column(ref *ast.ColumnRef, clause string) (*plan.Col, int, *Error) {
	i, r, cands := s.lookup(ref)
	switch r {
	case unknownColumn, unknownSource:
		return nil, -1, errorf(ref.Pos(), "%s column '%s' cannot be resolved.", clause, refText(ref))
	case ambiguousColumn:
		return nil, -1, errorf(ref.Pos(), "Column '%s' is ambiguous. Could be any of: %s",
			ref.Name.Name, strings.Join(cands, ", "))
	}
	return s.use(i, ref), i, nil
}

// use marks scope column i as used and returns a reference to it.
func (s *Scope) use(i int, at ast.Node) *plan.Col {
	s.used[i] = true
	c := &plan.Col{Index: i, T: s.cols[i].col.Type, D: s.cols[i].col.Desc}
	if at != nil {
		c.At = at.Pos()
	}
	s.refs = append(s.refs, c)
	return c
}

// qualifiedName returns alias.NAME of scope column i.
func (s *Scope) qualifiedName(i int) string {
	c := s.cols[i]
	return s.sources[c.source].alias + "." + c.col.Name
}

// finish renumbers every plan.Col handed out to its position among the
// used columns and returns those columns: the stage's inputs, in scope
// order (source columns, keys first, then pseudo-columns).
func (s *Scope) finish() []sdk.Column {
	pos := make([]int, len(s.cols))
	var inputs []sdk.Column
	for i, c := range s.cols {
		if s.used[i] {
			pos[i] = len(inputs)
			col := c.col
			if c.input != "" {
				col = sdk.Column{Name: c.input, Type: c.col.Type, Desc: c.col.Desc}
			}
			inputs = append(inputs, col)
		}
	}
	for _, r := range s.refs {
		r.Index = pos[r.Index]
	}
	return inputs
}

// refText is a column reference as ksqlDB prints it in "cannot be resolved"
// errors: [qualifier.]name.
func refText(ref *ast.ColumnRef) string {
	if ref.Qualifier != nil {
		return ref.Qualifier.Name + "." + ref.Name.Name
	}
	return ref.Name.Name
}
