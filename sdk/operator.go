package sdk

// Host operators: the stateful steps of a pipeline that run in the host, not
// in wasm (DESIGN.md, "One record's way"). A stateful query is
//
//	per source: input stage (WHERE, key and argument expressions)
//	  -> one host operator (Aggregate or Join)
//	  -> final stage (HAVING or post-join WHERE, final projection)
//
// or, for an aggregation over a join,
//
//	per source: input stage -> Join
//	  -> the between stage (WHERE, GROUP BY expressions and aggregate
//	     arguments over the joined row; Pipeline.Between)
//	  -> Aggregate -> final stage
//
// The operator reads the columns its input stages output, by name, and
// produces rows whose columns the final stage reads, by name, as its Inputs.
// Column names are chosen by the compiler and are unique within a query.

// Operator is the host operator of a pipeline. One field is set, or both
// for an aggregation over a join (with Pipeline.Between).
type Operator struct {
	Aggregate *Aggregate `msgpack:"aggregate,omitempty"`
	Join      *Join      `msgpack:"join,omitempty"`
}

// Aggregate functions the host implements as accumulators.
const (
	AggCount     = "COUNT"      // COUNT(col): non-NULL values; BIGINT
	AggCountStar = "COUNT_STAR" // COUNT(*): rows; BIGINT
	AggSum       = "SUM"        // INT->INT, BIGINT->BIGINT, DOUBLE->DOUBLE, DECIMAL->DECIMAL; NULLs ignored
	AggAvg       = "AVG"        // -> DOUBLE
	AggMin       = "MIN"        // same type as the argument; NULLs ignored
	AggMax       = "MAX"        // same type as the argument; NULLs ignored
	// AggLatestByOffset and AggEarliestByOffset are LATEST_BY_OFFSET(x)
	// and EARLIEST_BY_OFFSET(x): the last (first) non-NULL value, in the
	// argument's type. With a parameter, Params[0] = N, they are
	// LATEST_BY_OFFSET(x, N) and EARLIEST_BY_OFFSET(x, N): an ARRAY of the
	// last (first) N non-NULL values, in arrival order.
	AggLatestByOffset   = "LATEST_BY_OFFSET"
	AggEarliestByOffset = "EARLIEST_BY_OFFSET"
	// AggLatestByOffsetKeepNulls and AggEarliestByOffsetKeepNulls are
	// LATEST_BY_OFFSET(x, FALSE) and EARLIEST_BY_OFFSET(x, FALSE): NULL
	// values count (the plain functions skip them). With Params[0] = N they
	// are LATEST_BY_OFFSET(x, N, FALSE) and EARLIEST_BY_OFFSET(x, N, FALSE).
	AggLatestByOffsetKeepNulls   = "LATEST_BY_OFFSET_KEEP_NULLS"
	AggEarliestByOffsetKeepNulls = "EARLIEST_BY_OFFSET_KEEP_NULLS"
	// AggAttr is ATTR(x): the value when every value of the group is the
	// same (NULL counting as a value), else NULL; in the argument's type.
	AggAttr = "ATTR"
	// AggTopK is TOPK(x, k): an ARRAY of the k largest non-NULL values,
	// largest first; Params[0] is k. For TOPK(x, y, ..., k) the argument
	// is a STRUCT whose first field is x (ksqlDB's sort_col), ordered by
	// that field, earlier arrivals first among equals.
	AggTopK = "TOPK"
	// AggTopKDistinct is TOPKDISTINCT(x, k): as AggTopK without
	// duplicates; Params[0] is k.
	AggTopKDistinct = "TOPKDISTINCT"
	// AggCollectList is COLLECT_LIST(x): an ARRAY of every value, NULLs
	// included, in arrival order; Params[0] is the most it keeps.
	AggCollectList = "COLLECT_LIST"
	// AggCollectSet is COLLECT_SET(x): an ARRAY of the distinct values
	// (NULL included once) in order of first arrival; Params[0] is the most
	// it keeps.
	AggCollectSet = "COLLECT_SET"
	// AggSumList is SUM_LIST(a): the sum of the non-NULL elements of every
	// ARRAY<INT>, ARRAY<BIGINT> or ARRAY<DOUBLE> value, in the element
	// type (Result's type), 0 before any.
	AggSumList = "SUM_LIST"
)

// Aggregate is GROUP BY with aggregate functions, optionally windowed.
//
// The input stage (one source) outputs the group-by columns and the
// aggregate arguments; rows it filters out (WHERE) never reach the operator.
// The operator's output row has, by name: the GroupBy columns (their values
// for the group), one column per Call (Call.Result), and, when Window is
// set, WINDOWSTART and WINDOWEND (BIGINT, milliseconds).
type Aggregate struct {
	// GroupBy names the input stage output columns that form the group key,
	// in GROUP BY order.
	GroupBy []string `msgpack:"group_by"`
	// Calls are the aggregate function calls, in the order the query
	// mentions them.
	Calls []AggregateCall `msgpack:"calls"`
	// Window is nil for a non-windowed aggregation.
	Window *Window `msgpack:"window,omitempty"`
	// EmitFinal is EMIT FINAL: a window's result is emitted once, when it
	// closes, instead of on every update.
	EmitFinal bool `msgpack:"emit_final,omitempty"`
}

// AggregateCall is one aggregate function call.
type AggregateCall struct {
	// Func is one of the Agg* constants.
	Func string `msgpack:"func"`
	// Args name input stage output columns (none for COUNT_STAR).
	Args []string `msgpack:"args,omitempty"`
	// Result is the operator output column holding the aggregate's value.
	Result Column `msgpack:"result"`
	// Params are the function's literal parameters, which the compiler
	// resolved (TOPK's k, COLLECT_LIST's limit); see the Agg* constants.
	Params []int64 `msgpack:"params,omitempty"`
}

// Window is a window clause: WINDOW TUMBLING|HOPPING|SESSION (...).
type Window struct {
	Type WindowType `msgpack:"type"`
	// SizeMs is the window size (TUMBLING, HOPPING) or the inactivity gap
	// (SESSION).
	SizeMs int64 `msgpack:"size_ms"`
	// AdvanceMs is the HOPPING advance (ADVANCE BY).
	AdvanceMs int64 `msgpack:"advance_ms,omitempty"`
	// GraceMs is the GRACE PERIOD, or -1 when the query gives none
	// (ksqlDB's default then applies: 24 hours).
	GraceMs int64 `msgpack:"grace_ms"`
	// RetentionMs is RETENTION, or -1 when the query gives none (the host
	// then keeps a window for its size plus the grace period, and at least
	// one day, as Kafka Streams' window stores do).
	RetentionMs int64 `msgpack:"retention_ms"`
}

// Join kinds.
const (
	JoinInner = "INNER"
	JoinLeft  = "LEFT"
	JoinRight = "RIGHT"
	JoinFull  = "FULL"
)

// Join joins two sources: stream-table, table-table (on the primary key)
// or stream-stream (with Within).
//
// Each side's input stage outputs the side's columns under query-unique
// names (and its WHERE, if the compiler pushed one down); the join key of a
// side is one of those outputs. The operator's output row has every output
// column of both input stages, by name, with NULLs for the missing side of
// an outer join, plus ROWTIME (the joined record's timestamp, as Kafka
// Streams sets it).
type Join struct {
	// Type is one of the Join* constants.
	Type string `msgpack:"type"`
	// Left and Right index Pipeline.Inputs.
	Left  int `msgpack:"left"`
	Right int `msgpack:"right"`
	// LeftKey and RightKey name the input stage output column holding each
	// side's join key.
	LeftKey  string `msgpack:"left_key"`
	RightKey string `msgpack:"right_key"`
	// Within is set for a stream-stream join.
	Within *JoinWindow `msgpack:"within,omitempty"`
	// ForeignKey marks a table-table join on a column of the left table
	// that is not its primary key (a foreign-key join, INNER or LEFT): a
	// right row joins every left row whose LeftKey equals the right's
	// primary key, and the result is keyed by the left's primary key.
	ForeignKey bool `msgpack:"foreign_key,omitempty"`
	// Next chains a further join onto this one's result, for an n-way
	// join (FROM a JOIN b ON ... JOIN c ON ...). Its Left is -1: the left
	// side is this join's result, whose columns (those of every input
	// joined so far) its LeftKey may name; its Right indexes
	// Pipeline.Inputs. The operator's output row then has the columns of
	// every input of the chain, plus ROWTIME.
	Next *Join `msgpack:"next,omitempty"`
	// RepartitionLeft (on a chained join) says the result joined so far
	// is keyed by another column than LeftKey: its rows go through the
	// repartition topic, keyed by LeftKey as Right's key is, before this
	// join.
	RepartitionLeft bool `msgpack:"repartition_left,omitempty"`
}

// JoinWindow is a stream-stream join's WITHIN clause: a left record joins
// right records whose timestamps are in [left-BeforeMs, left+AfterMs].
type JoinWindow struct {
	BeforeMs int64 `msgpack:"before_ms"`
	AfterMs  int64 `msgpack:"after_ms"`
	// GraceMs is the GRACE PERIOD, or -1 when none is given.
	GraceMs int64 `msgpack:"grace_ms"`
}
