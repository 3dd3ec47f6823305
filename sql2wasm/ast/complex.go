package ast

import "github.com/wasmstream/wasmstream/sql2wasm/token"

// Subscript is X[Index]: an ARRAY element (1-based, negative from the end)
// or a MAP value.
type Subscript struct {
	X      Expr
	Lbrack token.Pos
	Index  Expr
}

// Deref is X->Field, a STRUCT field.
type Deref struct {
	X     Expr
	Arrow token.Pos
	Field *Ident
}

// DerefAll is X->*, every field of a STRUCT as a column of its own (only
// as a select item).
type DerefAll struct {
	X     Expr
	Arrow token.Pos
}

// ArrayCons is ARRAY[e, ...].
type ArrayCons struct {
	ArrayPos token.Pos
	Elems    []Expr
}

// MapCons is MAP(k := v, ...).
type MapCons struct {
	MapPos token.Pos
	Keys   []Expr
	Values []Expr
}

// StructCons is STRUCT(name := v, ...).
type StructCons struct {
	StructPos token.Pos
	Names     []*Ident
	Values    []Expr
}

// Pos implements Node.
func (x *Subscript) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *Deref) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *DerefAll) Pos() token.Pos { return x.X.Pos() }

// Pos implements Node.
func (x *ArrayCons) Pos() token.Pos { return x.ArrayPos }

// Pos implements Node.
func (x *MapCons) Pos() token.Pos { return x.MapPos }

// Pos implements Node.
func (x *StructCons) Pos() token.Pos { return x.StructPos }

func (*Subscript) exprNode()  {}
func (*Deref) exprNode()      {}
func (*DerefAll) exprNode()   {}
func (*ArrayCons) exprNode()  {}
func (*MapCons) exprNode()    {}
func (*StructCons) exprNode() {}

// complexChildren returns the children of the complex-value nodes.
func complexChildren(n Node) ([]Node, bool) {
	switch n := n.(type) {
	case *Subscript:
		return nodes(n.X, n.Index), true
	case *Deref:
		return nodes(n.X, n.Field), true
	case *DerefAll:
		return nodes(n.X), true
	case *ArrayCons:
		return exprNodes(nil, n.Elems), true
	case *MapCons:
		var out []Node
		for i := range n.Keys {
			out = append(out, n.Keys[i], n.Values[i])
		}
		return nodes(out...), true
	case *StructCons:
		var out []Node
		for i := range n.Names {
			out = append(out, n.Names[i], n.Values[i])
		}
		return nodes(out...), true
	}
	return nil, false
}

// complexExpr prints the complex-value nodes; it reports false for others.
func (p *printer) complexExpr(x Expr) bool {
	switch x := x.(type) {
	case *Subscript:
		p.expr(x.X, precPrimary)
		p.str("[")
		p.expr(x.Index, 0)
		p.str("]")
	case *Deref:
		p.expr(x.X, precPrimary)
		p.str("->")
		p.ident(x.Field)
	case *DerefAll:
		p.expr(x.X, precPrimary)
		p.str("->*")
	case *ArrayCons:
		p.str("ARRAY[")
		p.exprs(x.Elems, 0)
		p.str("]")
	case *MapCons:
		p.str("MAP(")
		for i := range x.Keys {
			if i > 0 {
				p.str(", ")
			}
			p.expr(x.Keys[i], 0)
			p.str(" := ")
			p.expr(x.Values[i], 0)
		}
		p.str(")")
	case *StructCons:
		p.str("STRUCT(")
		for i := range x.Names {
			if i > 0 {
				p.str(", ")
			}
			p.ident(x.Names[i])
			p.str(" := ")
			p.expr(x.Values[i], 0)
		}
		p.str(")")
	default:
		return false
	}
	return true
}
