package analyzer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// FormatPlan renders a plan as compact, stable text: its sources and sink,
// then each stage's inputs ($i), filter and outputs. Constants carry their
// type where the text alone would not tell it (10L is a BIGINT, 10.0 a
// DOUBLE, NULL:STRING a typed NULL). Tests compare plans in this form; the
// CLI can print it to show what a statement compiles to.
func FormatPlan(q *plan.Query) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query %s (%s)\n", q.ID, q.Kind)
	for _, s := range q.Sources {
		fmt.Fprintf(&b, "source %s\n", FormatSource(&s))
	}
	fmt.Fprintf(&b, "sink %s\n", FormatSource(&q.Sink))
	op := q.Pipeline.Operator
	for i, st := range q.Stages {
		switch {
		case op != nil && q.Pipeline.Between != nil && i == q.Pipeline.Between.Stage:
			b.WriteString(formatPartitioning(&q.Pipeline))
			b.WriteString(FormatOperator(&sdk.Operator{Join: op.Join}))
		case op != nil && q.Pipeline.Between != nil && i == q.Pipeline.Final:
			if q.Pipeline.Between.Repartition {
				b.WriteString("repartition between\n")
			}
			b.WriteString(FormatOperator(&sdk.Operator{Aggregate: op.Aggregate}))
		case op != nil && i == q.Pipeline.Final:
			b.WriteString(formatPartitioning(&q.Pipeline))
			b.WriteString(FormatOperator(op))
		}
		fmt.Fprintf(&b, "%s(", st.Export)
		for i, c := range st.Inputs {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d %s %s", i, c.Name, c.Type)
			if c.Key {
				b.WriteString(" KEY")
			}
		}
		b.WriteString(")\n")
		if st.Filter != nil {
			fmt.Fprintf(&b, "  filter %s\n", FormatExpr(st.Filter))
		}
		for _, o := range st.Outputs {
			key := ""
			if o.Key {
				key = " KEY"
			}
			fmt.Fprintf(&b, "  %s %s%s = %s\n", o.Name, o.Expr.Type(), key, FormatExpr(o.Expr))
		}
	}
	return b.String()
}

// formatPartitioning renders how a stateful plan's state is split into
// tasks: which inputs go through the repartition topic, or that the query
// is one task. It is empty when every input is partitioned by the
// operator's key already.
func formatPartitioning(p *sdk.Pipeline) string {
	if p.SingleTask {
		return "single task\n"
	}
	var names []string
	for i, in := range p.Inputs {
		if in.Repartition {
			names = append(names, fmt.Sprintf("input%d", i))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "repartition " + strings.Join(names, ", ") + "\n"
}

// FormatOperator renders a host operator, a line per join of the chain
// and one for the aggregation (after the joins when it runs over them), as
// FormatPlan shows it between the input and final stages.
func FormatOperator(op *sdk.Operator) string {
	var b strings.Builder
	for j := op.Join; j != nil; j = j.Next {
		left := "result"
		if j.Left >= 0 {
			left = fmt.Sprintf("input%d", j.Left)
		}
		fmt.Fprintf(&b, "join %s %s.%s = input%d.%s", j.Type, left, j.LeftKey, j.Right, j.RightKey)
		if j.ForeignKey {
			b.WriteString(" foreign-key")
		}
		if j.RepartitionLeft {
			b.WriteString(" (result repartitioned)")
		}
		if w := j.Within; w != nil {
			fmt.Fprintf(&b, " within before=%d after=%d grace=%d", w.BeforeMs, w.AfterMs, w.GraceMs)
		}
		b.WriteString("\n")
	}
	if a := op.Aggregate; a != nil {
		fmt.Fprintf(&b, "aggregate by [%s]", strings.Join(a.GroupBy, ", "))
		for _, c := range a.Calls {
			fmt.Fprintf(&b, " %s(%s)->%s %s", c.Func, strings.Join(c.Args, ", "), c.Result.Name, c.Result.Type)
		}
		if w := a.Window; w != nil {
			fmt.Fprintf(&b, " window %s size=%d", w.Type, w.SizeMs)
			if w.AdvanceMs != 0 {
				fmt.Fprintf(&b, " advance=%d", w.AdvanceMs)
			}
			fmt.Fprintf(&b, " grace=%d retention=%d", w.GraceMs, w.RetentionMs)
		}
		if a.EmitFinal {
			b.WriteString(" emit=final")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// FormatSource renders a catalog entry on one line: name, kind, topic,
// formats and schema.
func FormatSource(s *sdk.Source) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s topic=%s key=%s value=%s", s.Name, s.Kind, s.Topic, s.KeyFormat, s.ValueFormat)
	if s.ValueFormat == sdk.FormatJSON && len(s.ValueColumns()) == 1 && !s.WrapSingleValue {
		b.WriteString(" unwrapped")
	}
	if s.KeyDelimiter != "" {
		fmt.Fprintf(&b, " key_delimiter=%q", s.KeyDelimiter)
	}
	if s.ValueDelimiter != "" {
		fmt.Fprintf(&b, " value_delimiter=%q", s.ValueDelimiter)
	}
	if s.Window != nil {
		fmt.Fprintf(&b, " window=%s", s.Window.Type)
		if s.Window.SizeMs > 0 {
			fmt.Fprintf(&b, "/%dms", s.Window.SizeMs)
		}
	}
	if s.TimestampColumn != "" {
		fmt.Fprintf(&b, " timestamp=%s", s.TimestampColumn)
	}
	if s.Partitions > 0 {
		fmt.Fprintf(&b, " partitions=%d", s.Partitions)
	}
	fmt.Fprintf(&b, " [%s]", s.SchemaString())
	return b.String()
}

var funcNames = map[plan.Func]string{
	plan.FnAbs: "ABS", plan.FnCeil: "CEIL", plan.FnFloor: "FLOOR", plan.FnRound: "ROUND",
	plan.FnRoundTo: "ROUND", plan.FnUpper: "UCASE", plan.FnLower: "LCASE", plan.FnTrim: "TRIM",
	plan.FnLTrim: "LTRIM", plan.FnRTrim: "RTRIM", plan.FnLen: "LEN", plan.FnConcat: "CONCAT",
	plan.FnConcatWS: "CONCAT_WS", plan.FnSubstring: "SUBSTRING", plan.FnReplace: "REPLACE",
	plan.FnCoalesce: "COALESCE", plan.FnIfNull: "IFNULL", plan.FnNullIf: "NULLIF",
	plan.FnExp: "EXP", plan.FnLn: "LN", plan.FnSqrt: "SQRT", plan.FnBytesLen: "LEN", plan.FnBytesSubstring: "SUBSTRING",
}

var opNames = map[plan.Op]string{
	plan.OpAdd: "+", plan.OpSub: "-", plan.OpMul: "*", plan.OpDiv: "/", plan.OpMod: "%",
	plan.OpEq: "=", plan.OpNe: "<>", plan.OpLt: "<", plan.OpLe: "<=", plan.OpGt: ">", plan.OpGe: ">=",
	plan.OpAnd: "AND", plan.OpOr: "OR",
}

// FormatExpr renders a plan expression (see FormatPlan).
func FormatExpr(e plan.Expr) string {
	switch x := e.(type) {
	case *plan.Const:
		return formatValue(x.V)
	case *plan.Col:
		return "$" + strconv.Itoa(x.Index)
	case *plan.Unary:
		if x.Op == plan.OpNot {
			return "NOT " + FormatExpr(x.X)
		}
		return "-" + FormatExpr(x.X)
	case *plan.Binary:
		return "(" + FormatExpr(x.X) + " " + opNames[x.Op] + " " + FormatExpr(x.Y) + ")"
	case *plan.IsNull:
		if x.Not {
			return "(" + FormatExpr(x.X) + " IS NOT NULL)"
		}
		return "(" + FormatExpr(x.X) + " IS NULL)"
	case *plan.Convert:
		s := x.To.String() + "(" + FormatExpr(x.X) + ")"
		if x.NullOnError {
			s += "?"
		}
		return s
	case *plan.Case:
		var b strings.Builder
		b.WriteString("CASE")
		for _, w := range x.Whens {
			b.WriteString(" WHEN " + FormatExpr(w.Cond) + " THEN " + FormatExpr(w.Then))
		}
		b.WriteString(" ELSE " + FormatExpr(x.Else) + " END")
		return b.String()
	case *plan.Like:
		s := "(" + FormatExpr(x.X)
		if x.Not {
			s += " NOT"
		}
		s += " LIKE " + FormatExpr(x.Pattern)
		if x.Escape >= 0 {
			s += " ESCAPE " + strconv.QuoteRune(x.Escape)
		}
		return s + ")"
	case *plan.Call:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = FormatExpr(a)
		}
		return funcNames[x.Fn] + "(" + strings.Join(args, ", ") + ")"
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("<%T>", e)
}

func formatValue(v sdk.Value) string {
	if v.Null {
		return "NULL:" + typeName(v.Type)
	}
	switch v.Type {
	case sdk.TypeBoolean:
		if v.Bool() {
			return "TRUE"
		}
		return "FALSE"
	case sdk.TypeInt:
		return strconv.FormatInt(v.I, 10)
	case sdk.TypeBigInt:
		return strconv.FormatInt(v.I, 10) + "L"
	case sdk.TypeDouble:
		s := strconv.FormatFloat(v.F, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case sdk.TypeString:
		return "'" + strings.ReplaceAll(v.S, "'", "''") + "'"
	}
	if v.Type.IsDecimal() {
		return sdk.FormatDecimal(v.I, v.Type.Scale()) + "BD"
	}
	return "?"
}
