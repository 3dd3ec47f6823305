package analyzer

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// Partitioning: the host keeps a stateful query's state per task, one task
// per partition of the operator's input. A key's rows must therefore all
// reach one partition. They do when the operator's key is the source's
// Kafka key (the producer partitioned by it); otherwise the input is
// repartitioned through an internal topic keyed by the operator key, as
// ksqlDB does (its "-repartition" topics). markPartitioning decides which.

// markPartitioning sets InputStep.Repartition and Pipeline.SingleTask of a
// stateful plan.
func markPartitioning(pq *plan.Query) {
	op := pq.Pipeline.Operator
	if op == nil {
		return
	}
	in := pq.Pipeline.Inputs
	keyed := func(i int, names ...string) bool {
		if i < 0 || i >= len(in) {
			return true
		}
		st := in[i].Stage
		if st < 0 || st >= len(pq.Stages) {
			return false
		}
		return keyedBy(pq.Stages[st], &pq.Sources[in[i].Source], names)
	}
	switch {
	case op.Join == nil:
		if len(in) == 1 && !keyed(0, op.Aggregate.GroupBy...) {
			in[0].Repartition = true
		}
	default:
		j := op.Join
		if j.ForeignKey {
			// A right row joins left rows of every partition: Kafka
			// Streams routes them through subscription topics; here the
			// join is one task.
			pq.Pipeline.SingleTask = true
			return
		}
		// The chain's result is keyed by the first join's key; a later
		// join on another column re-keys it through the repartition topic
		// (RepartitionLeft). A table result re-keyed so would be a
		// foreign-key join, which runs as one task.
		isTable := func(i int) bool { return pq.Sources[in[i].Source].Kind == sdk.Table }
		same := map[string]bool{j.LeftKey: true, j.RightKey: true}
		tableResult := isTable(j.Left) && isTable(j.Right)
		for jj := j.Next; jj != nil; jj = jj.Next {
			if !same[jj.LeftKey] {
				if tableResult {
					pq.Pipeline.SingleTask = true
					break
				}
				jj.RepartitionLeft = true
				same = map[string]bool{jj.LeftKey: true}
			}
			same[jj.RightKey] = true
			tableResult = tableResult && isTable(jj.Right)
		}
		for jj := j; jj != nil; jj = jj.Next {
			if jj == j && !keyed(jj.Left, jj.LeftKey) {
				in[jj.Left].Repartition = true
			}
			if !keyed(jj.Right, jj.RightKey) {
				in[jj.Right].Repartition = true
			}
		}
		if pq.Pipeline.SingleTask {
			for i := range in {
				in[i].Repartition = false
			}
			for jj := j; jj != nil; jj = jj.Next {
				jj.RepartitionLeft = false
			}
			return
		}
		// An aggregation over the join: its rows are keyed by the last
		// key the chain was keyed by (either side's, which are equal where
		// both are there).
		if b := pq.Pipeline.Between; b != nil && op.Aggregate != nil {
			b.Repartition = !groupedByKey(pq.Stages[b.Stage], op.Aggregate.GroupBy, same)
		}
	}
}

// groupedByKey reports whether an aggregation over a join groups by the
// join result's key alone (one of the columns in keys), passed through the
// between stage unchanged.
func groupedByKey(st *plan.Stage, groupBy []string, keys map[string]bool) bool {
	if len(groupBy) != 1 {
		return false
	}
	for _, o := range st.Outputs {
		if o.Name != groupBy[0] {
			continue
		}
		c, ok := o.Expr.(*plan.Col)
		if !ok || c.Index < 0 || c.Index >= len(st.Inputs) {
			return false
		}
		return keys[st.Inputs[c.Index].Name]
	}
	return false
}

// keyedBy reports whether the stage outputs named names are, in order,
// exactly the source's key columns passed through unchanged.
func keyedBy(st *plan.Stage, src *sdk.Source, names []string) bool {
	keys := src.KeyColumns()
	if len(keys) == 0 || len(keys) != len(names) {
		return false
	}
	for i, name := range names {
		var e plan.Expr
		for _, o := range st.Outputs {
			if o.Name == name {
				e = o.Expr
				break
			}
		}
		c, ok := e.(*plan.Col)
		if !ok || c.Index < 0 || c.Index >= len(st.Inputs) || st.Inputs[c.Index].Name != keys[i].Name {
			return false
		}
	}
	return true
}
