// Package analyzer checks statements of the ksqlDB dialect against a catalog
// of streams and tables and turns persistent queries into the typed plan of
// package plan.
//
// The analyzer is where ksqlDB's semantics live on the compiler side: name
// resolution (aliases, qualified names, pseudo-columns), type checking with
// ksqlDB's numeric widening and three-valued NULL logic, function
// resolution, the rules for key columns (a stream's key must be carried
// through its projection, PARTITION BY makes a new key), sink naming and
// formats, and the WITH properties of CREATE statements. Where ksqlDB's own
// conformance tests expect an error message, the analyzer's message contains
// it.
//
// An Analyzer holds the state a sequence of statements builds up: the
// Catalog, the session properties (SET/UNSET) and the registry of persistent
// queries. Analyze checks one statement and describes its effect in a Result
// without changing that state; Commit applies the Result. The split lets the
// caller generate code for a query first and register its sink only when
// that succeeded.
//
// The files follow the clauses of a query: scope.go resolves names, expr.go
// types expressions, funcs.go resolves functions, select.go, where.go and
// partition.go handle their clauses, sink.go derives the sink, query.go
// orchestrates them.
//
// Stateful queries have a host operator (sdk.Operator) between an input
// stage per source and a final stage. aggregate.go plans GROUP BY, the
// aggregate functions, WINDOW, HAVING and EMIT FINAL: the input stage
// filters and computes the group and argument columns, sdk.Aggregate
// groups and accumulates, the final stage applies HAVING and projects the
// sink's key (the GROUP BY expressions, as the projection names them) and
// values. join.go plans joins (stream-stream with WITHIN, stream-table,
// table-table on the primary key or, with the left's primary key as the
// result's key, on a foreign key), n-way joins as a chain of sdk.Join
// (Join.Next): each source's input stage outputs the columns the query
// reads as ALIAS_COLUMN and its join keys, the host joins, the final stage
// applies the WHERE (and PARTITION BY) and projects; the key is the last
// join's key, named after the first selected column equal to it or the
// synthetic ROWKEY. Aggregation over a join, joins of windowed sources and
// foreign-key joins inside an n-way join are "not supported yet".
package analyzer
