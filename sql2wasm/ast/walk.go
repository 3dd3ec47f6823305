package ast

// Visitor's Visit method is called by Walk for each node. If it returns a
// non-nil Visitor w, Walk visits the children of the node with w, then calls
// w.Visit(nil).
type Visitor interface {
	Visit(node Node) (w Visitor)
}

// Walk traverses the tree rooted at node in source order, depth first. It
// skips absent children (nil pointers and nil interfaces). Nodes that are not
// part of this package's tree are visited but have no children.
func Walk(v Visitor, node Node) {
	if isNil(node) {
		return
	}
	if v = v.Visit(node); v == nil {
		return
	}
	for _, c := range children(node) {
		Walk(v, c)
	}
	v.Visit(nil)
}

type inspector func(Node) bool

func (f inspector) Visit(node Node) Visitor {
	if f(node) {
		return f
	}
	return nil
}

// Inspect traverses the tree rooted at node in source order and calls f for
// each node; if f returns true, Inspect visits the node's children, then
// calls f(nil).
func Inspect(node Node, f func(Node) bool) {
	Walk(inspector(f), node)
}

// isNil reports whether n is nil or a nil pointer of one of this package's
// node types.
func isNil(n Node) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *Ident:
		return n == nil
	case *Literal:
		return n == nil
	case *TypeExpr:
		return n == nil
	case *ColumnDef:
		return n == nil
	case *Property:
		return n == nil
	case *Select:
		return n == nil
	case *SelectItem:
		return n == nil
	case *SourceRef:
		return n == nil
	case *Join:
		return n == nil
	case *Duration:
		return n == nil
	case *Within:
		return n == nil
	case *Window:
		return n == nil
	case *When:
		return n == nil
	case *ColumnRef:
		return n == nil
	case *Binary:
		return n == nil
	case *Unary:
		return n == nil
	case *IsNull:
		return n == nil
	case *Like:
		return n == nil
	case *Between:
		return n == nil
	case *In:
		return n == nil
	case *Case:
		return n == nil
	case *Cast:
		return n == nil
	case *Call:
		return n == nil
	case *Paren:
		return n == nil
	case *CreateSource:
		return n == nil
	case *CreateAsSelect:
		return n == nil
	case *InsertInto:
		return n == nil
	case *InsertValues:
		return n == nil
	case *DropSource:
		return n == nil
	case *QueryStatement:
		return n == nil
	case *SetProperty:
		return n == nil
	case *UnsetProperty:
		return n == nil
	case *Show:
		return n == nil
	case *Describe:
		return n == nil
	case *TerminateQuery:
		return n == nil
	}
	return false
}

// nodes collects its arguments as a list, leaving out nil ones.
func nodes(list ...Node) []Node {
	out := list[:0]
	for _, n := range list {
		if !isNil(n) {
			out = append(out, n)
		}
	}
	return out
}

func exprNodes(head []Node, list []Expr, tail ...Node) []Node {
	for _, x := range list {
		head = append(head, x)
	}
	return nodes(append(head, tail...)...)
}

// children returns the direct children of n in source order.
func children(n Node) []Node {
	switch n := n.(type) {
	case *TypeExpr:
		var out []Node
		for _, a := range n.Args {
			out = append(out, a)
		}
		for _, f := range n.Fields {
			out = append(out, f)
		}
		return nodes(out...)
	case *ColumnDef:
		return nodes(n.Name, n.Type, n.HeaderKey)
	case *Property:
		return nodes(n.Value)
	case *CreateSource:
		out := []Node{n.Name}
		for _, c := range n.Columns {
			out = append(out, c)
		}
		for _, p := range n.Props {
			out = append(out, p)
		}
		return nodes(out...)
	case *CreateAsSelect:
		out := []Node{n.Name}
		for _, p := range n.Props {
			out = append(out, p)
		}
		return nodes(append(out, n.Query)...)
	case *InsertInto:
		out := []Node{n.Target}
		for _, p := range n.Props {
			out = append(out, p)
		}
		return nodes(append(out, n.Query)...)
	case *InsertValues:
		out := []Node{n.Target}
		for _, c := range n.Columns {
			out = append(out, c)
		}
		return exprNodes(out, n.Values)
	case *DropSource:
		return nodes(n.Name)
	case *QueryStatement:
		return nodes(n.Query)
	case *Describe:
		return nodes(n.Name)
	case *Select:
		var out []Node
		for _, item := range n.Items {
			out = append(out, item)
		}
		out = append(out, n.From, n.Window, n.Where)
		out = exprNodes(out, n.GroupBy)
		out = exprNodes(out, n.PartitionBy, n.Having, n.Limit)
		return out
	case *SelectItem:
		return nodes(n.Qualifier, n.Expr, n.Alias)
	case *SourceRef:
		return nodes(n.Name, n.Alias)
	case *Join:
		return nodes(n.Left, n.Right, n.Within, n.On)
	case *Within:
		if n.Before == n.After {
			return nodes(n.Before, n.Grace)
		}
		return nodes(n.Before, n.After, n.Grace)
	case *Window:
		return nodes(n.Name, n.Size, n.Advance, n.Retention, n.Grace)
	case *ColumnRef:
		return nodes(n.Qualifier, n.Name)
	case *Binary:
		return nodes(n.X, n.Y)
	case *Unary:
		return nodes(n.X)
	case *IsNull:
		return nodes(n.X)
	case *Like:
		return nodes(n.X, n.Pattern, n.Escape)
	case *Between:
		return nodes(n.X, n.Lo, n.Hi)
	case *In:
		return exprNodes([]Node{n.X}, n.List)
	case *When:
		return nodes(n.Cond, n.Result)
	case *Case:
		out := []Node{n.Operand}
		for _, w := range n.Whens {
			out = append(out, w)
		}
		return nodes(append(out, n.Else)...)
	case *Cast:
		return nodes(n.X, n.Type)
	case *Call:
		return exprNodes([]Node{n.Name}, n.Args)
	case *Paren:
		return nodes(n.X)
	}
	if out, ok := complexChildren(n); ok {
		return out
	}
	return nil
}
