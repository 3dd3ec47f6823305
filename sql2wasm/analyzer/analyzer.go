package analyzer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// Kind says what a statement does.
type Kind int

// The kinds of statement results.
const (
	// KindCreateSource declares a stream or table (CREATE STREAM/TABLE).
	KindCreateSource Kind = iota + 1
	// KindDropSource removes one (DROP STREAM/TABLE).
	KindDropSource
	// KindQuery is a persistent query: CREATE ... AS SELECT or INSERT INTO
	// ... SELECT.
	KindQuery
	// KindInsertValues is INSERT INTO ... VALUES: a one-row plan.
	KindInsertValues
	// KindSetProperty is SET 'name' = 'value'.
	KindSetProperty
	// KindUnsetProperty is UNSET 'name'.
	KindUnsetProperty
	// KindShow is SHOW/LIST/DESCRIBE: nothing to compile.
	KindShow
	// KindTerminate is TERMINATE: the named queries stop being registered.
	KindTerminate
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindCreateSource:
		return "CreateSource"
	case KindDropSource:
		return "DropSource"
	case KindQuery:
		return "Query"
	case KindInsertValues:
		return "InsertValues"
	case KindSetProperty:
		return "SetProperty"
	case KindUnsetProperty:
		return "UnsetProperty"
	case KindShow:
		return "Show"
	case KindTerminate:
		return "Terminate"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Result is the analysis of one statement: what it means and how it changes
// the analyzer's state once committed.
type Result struct {
	Kind Kind
	// Source is the declared source (KindCreateSource) or the sink of a
	// persistent query (KindQuery; for INSERT INTO, the existing target).
	Source *sdk.Source
	// Dropped names the source a DROP removes ("" for DROP IF EXISTS of a
	// missing source).
	Dropped string
	// Query is the plan of a persistent query or of an INSERT VALUES row.
	Query *plan.Query
	// Skipped is set when IF NOT EXISTS found the source already there: the
	// statement does nothing.
	Skipped bool
	// Property and Value are the SET/UNSET property.
	Property, Value string
	// Terminated lists the query ids a TERMINATE (or a DROP of a sink) stops.
	Terminated []string

	// readOnly marks a CREATE SOURCE STREAM/TABLE.
	readOnly bool
	// newQuery is set when the query takes a fresh id from the counter.
	newQuery bool
}

// queryInfo is what the registry remembers of a persistent query.
type queryInfo struct {
	id      string
	sources []string
	sink    string
}

// Analyzer checks statements in order against the state earlier statements
// built: the catalog, the session properties and the persistent queries.
// It is not safe for concurrent use.
type Analyzer struct {
	cat      *Catalog
	props    Properties
	readOnly map[string]bool
	queries  map[string]*queryInfo
	nextID   int
}

// New returns an analyzer with an empty catalog and the given session
// properties (which it copies).
func New(props map[string]string) *Analyzer {
	p := Properties(props).clone()
	if p == nil {
		p = Properties{}
	}
	return &Analyzer{
		cat:      NewCatalog(),
		props:    p,
		readOnly: make(map[string]bool),
		queries:  make(map[string]*queryInfo),
	}
}

// Catalog returns the analyzer's catalog. Its methods only read.
func (a *Analyzer) Catalog() *Catalog { return a.cat }

// Properties returns a copy of the current session properties.
func (a *Analyzer) Properties() map[string]string { return a.props.clone() }

// Queries returns the ids of the registered persistent queries, sorted.
func (a *Analyzer) Queries() []string {
	out := make([]string, 0, len(a.queries))
	for id := range a.queries {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Analyze checks stmt and returns its meaning without changing the
// analyzer's state; call Commit with the result to apply it. sql is the
// statement's text, recorded in query plans.
func (a *Analyzer) Analyze(stmt ast.Statement, sql string) (*Result, error) {
	res, err := a.analyze(stmt, sql)
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (a *Analyzer) analyze(stmt ast.Statement, sql string) (*Result, *Error) {
	switch s := stmt.(type) {
	case *ast.CreateSource:
		return a.createSource(s)
	case *ast.DropSource:
		return a.dropSource(s)
	case *ast.CreateAsSelect:
		return a.createAsSelect(s, sql)
	case *ast.InsertInto:
		return a.insertInto(s, sql)
	case *ast.InsertValues:
		return a.insertValues(s, sql)
	case *ast.SetProperty:
		return &Result{Kind: KindSetProperty, Property: s.Name, Value: s.Value}, nil
	case *ast.UnsetProperty:
		return &Result{Kind: KindUnsetProperty, Property: s.Name}, nil
	case *ast.Show, *ast.Describe:
		return &Result{Kind: KindShow}, nil
	case *ast.TerminateQuery:
		return a.terminate(s)
	case *ast.QueryStatement:
		return nil, notSupported(s.Pos(), "transient queries (a SELECT outside CREATE ... AS or INSERT INTO)")
	case nil:
		return nil, errorf(0, "no statement")
	}
	return nil, notSupported(stmt.Pos(), fmt.Sprintf("statement %T", stmt))
}

// Commit applies a result of Analyze to the analyzer's state: it registers
// or removes sources and queries and updates properties. Results must be
// committed in the order they were analyzed, each before the next statement
// is analyzed.
func (a *Analyzer) Commit(res *Result) {
	if res == nil || res.Skipped {
		return
	}
	for _, id := range res.Terminated {
		delete(a.queries, id)
	}
	switch res.Kind {
	case KindCreateSource:
		a.cat.put(*res.Source)
		if res.readOnly {
			a.readOnly[res.Source.Name] = true
		} else {
			delete(a.readOnly, res.Source.Name)
		}
	case KindDropSource:
		if res.Dropped != "" {
			a.cat.remove(res.Dropped)
			delete(a.readOnly, res.Dropped)
		}
	case KindQuery:
		q := res.Query
		if q.Kind != "INSERT" {
			a.cat.put(*res.Source)
			delete(a.readOnly, res.Source.Name)
		}
		info := &queryInfo{id: q.ID, sink: q.Sink.Name}
		for _, s := range q.Sources {
			info.sources = append(info.sources, s.Name)
		}
		a.queries[q.ID] = info
		if res.newQuery {
			a.nextID++
		}
	case KindSetProperty:
		a.props[res.Property] = res.Value
	case KindUnsetProperty:
		delete(a.props, res.Property)
	}
}

// AnalyzeAndCommit analyzes stmt and commits the result when it succeeds.
func (a *Analyzer) AnalyzeAndCommit(stmt ast.Statement, sql string) (*Result, error) {
	res, err := a.analyze(stmt, sql)
	if err != nil {
		return nil, err
	}
	a.Commit(res)
	return res, nil
}

// terminate handles TERMINATE id | ALL.
func (a *Analyzer) terminate(s *ast.TerminateQuery) (*Result, *Error) {
	if strings.EqualFold(s.ID, "ALL") {
		return &Result{Kind: KindTerminate, Terminated: a.Queries()}, nil
	}
	id := strings.ToUpper(s.ID)
	if _, ok := a.queries[id]; !ok {
		return nil, errorf(s.Pos(), "Unknown queryId: %s", id)
	}
	return &Result{Kind: KindTerminate, Terminated: []string{id}}, nil
}

// queryID returns the id of a new persistent query, ksqlDB style:
// CSAS_<SINK>_<n>, CTAS_<SINK>_<n> or INSERTQUERY_<n>, n counting the
// queries of this analyzer. Characters that cannot appear in a consumer
// group or file name are replaced by '_'.
func (a *Analyzer) queryID(kind, sink string) string {
	if kind == "INSERT" {
		return fmt.Sprintf("INSERTQUERY_%d", a.nextID)
	}
	return fmt.Sprintf("%s_%s_%d", kind, strings.ToUpper(sanitizeID(sink)), a.nextID)
}

// readersOf returns the ids of the queries that read name, and of those
// that write it, sorted.
func (a *Analyzer) readersOf(name string) (readers, writers []string) {
	for id, q := range a.queries {
		for _, s := range q.sources {
			if s == name {
				readers = append(readers, id)
				break
			}
		}
		if q.sink == name {
			writers = append(writers, id)
		}
	}
	sort.Strings(readers)
	sort.Strings(writers)
	return readers, writers
}
