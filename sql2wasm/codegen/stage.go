package codegen

import (
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// label is a branch target: the index of its block in the stack of open
// blocks (0 is the outermost), so it stays valid while more blocks open.
type label int

// noLabel is passed where a branch is impossible (an expression that cannot
// be NULL never uses its NULL label).
const noLabel label = -2

// fn is the state of one stage function being emitted.
type fn struct {
	g   *gen
	f   *wasm.Func
	st  *plan.Stage
	lay sdk.Layout

	rows uint32 // parameter: number of rows
	row  uint32 // current row
	row8 uint32 // row * SlotSize
	end  uint32 // end of the current chunk of rows
	next label  // end of the current row's processing
	pos  uint32 // current position tag (a token.Pos), 0 for none
	free map[wasm.ValType][]uint32
}

// twoPass reports whether a stage is emitted in two passes: a branch-free
// pass that computes every row's selection byte and the list of passing
// rows, then a pass over that list that computes the outputs. With a
// single pass, the branch on each row's filter result mispredicts about as
// often as rows pass or fail unpredictably; the list makes the second pass
// branch-free as to which rows it visits.
func twoPass(st *plan.Stage) bool {
	return st.Filter != nil && len(st.Outputs) > 0 && isFlat(st.Filter)
}

// emitStage emits the body of one stage function.
func (g *gen) emitStage(f *wasm.Func, st *plan.Stage, lay sdk.Layout, scratch uint32) error {
	c := &fn{g: g, f: f, st: st, lay: lay, rows: 0, free: map[wasm.ValType][]uint32{}}
	c.row = f.AddLocal(wasm.I32)
	c.row8 = f.AddLocal(wasm.I32)
	c.end = f.AddLocal(wasm.I32)

	// rows = min(rows, Capacity): a host that passes more cannot make the
	// stage read or write past its own region.
	f.LocalGet(c.rows)
	f.I32Const(int32(lay.Capacity))
	f.LocalGet(c.rows)
	f.I32Const(int32(lay.Capacity))
	f.I32LtU()
	f.Select()
	f.LocalSet(c.rows)

	switch {
	case st.Filter != nil && len(st.Outputs) == 0 && isFlat(st.Filter):
		// Nothing to compute for passing rows: the selection byte is the
		// filter's flat value (SelEmit is 1).
		c.rowLoop(func() {
			f.LocalGet(c.row)
			c.flat(st.Filter, true)
			f.I32Store8(0, lay.Sel())
		})
	case twoPass(st):
		// Pass 1: sel[row] = filter; passing[count] = row; count += sel.
		count := f.AddLocal(wasm.I32)
		pass := f.AddLocal(wasm.I32)
		c.rowLoop(func() {
			f.LocalGet(c.row)
			c.flat(st.Filter, true)
			f.LocalTee(pass)
			f.I32Store8(0, lay.Sel())
			f.LocalGet(count)
			f.I32Const(2)
			f.I32Shl()
			f.LocalGet(c.row)
			f.I32Store(2, scratch)
			f.LocalGet(count)
			f.LocalGet(pass)
			f.I32Add()
			f.LocalSet(count)
		})
		// Pass 2, over the passing rows (i counts in pass).
		i := pass
		f.I32Const(0)
		f.LocalSet(i)
		done := c.block(wasm.BlockEmpty)
		loop := c.loop()
		f.LocalGet(i)
		f.LocalGet(count)
		f.I32GeU()
		c.brIf(done)
		f.LocalGet(i)
		f.I32Const(2)
		f.I32Shl()
		f.I32Load(2, scratch)
		f.LocalTee(c.row)
		f.I32Const(3)
		f.I32Shl()
		f.LocalSet(c.row8)
		// Cancellation every CancelCheckRows passing rows.
		f.LocalGet(i)
		f.I32Const(sdk.CancelCheckRows - 1)
		f.I32And()
		f.I32Eqz()
		f.If(wasm.BlockEmpty)
		c.checkCancel()
		f.End()
		c.next = c.block(wasm.BlockEmpty)
		for j, o := range st.Outputs {
			c.emitOutput(j, o.Expr)
		}
		c.endBlock() // next
		f.LocalGet(i)
		f.I32Const(1)
		f.I32Add()
		f.LocalSet(i)
		c.br(loop)
		c.endBlock() // loop
		c.endBlock() // done
	default:
		c.rowLoop(func() {
			c.next = c.block(wasm.BlockEmpty)
			drop := c.block(wasm.BlockEmpty)
			if st.Filter != nil {
				c.jump(st.Filter, setNotTrue, drop)
			}
			for j, o := range st.Outputs {
				c.emitOutput(j, o.Expr)
			}
			c.storeSel(sdk.SelEmit)
			c.br(c.next)
			c.endBlock() // drop
			c.storeSel(sdk.SelDrop)
			c.endBlock() // next
		})
	}
	f.I32Const(sdk.StatusOK)
	f.End()
	return f.Err()
}

// rowLoop emits the loop over rows 0..rows-1 around body, in chunks of
// CancelCheckRows rows with a check of the cancel flag before each chunk,
// so that the inner loop has a single bound test. body sees row and row8
// set.
func (c *fn) rowLoop(body func()) {
	f := c.f
	done := c.block(wasm.BlockEmpty)
	chunk := c.loop()
	f.LocalGet(c.row)
	f.LocalGet(c.rows)
	f.I32GeU()
	c.brIf(done)
	c.checkCancel()
	// end = min(row + CancelCheckRows, rows)
	f.LocalGet(c.row)
	f.I32Const(sdk.CancelCheckRows)
	f.I32Add()
	f.LocalTee(c.end)
	f.LocalGet(c.rows)
	f.LocalGet(c.end)
	f.LocalGet(c.rows)
	f.I32LtU()
	f.Select()
	f.LocalSet(c.end)
	rows := c.loop()
	f.LocalGet(c.row)
	f.I32Const(3)
	f.I32Shl()
	f.LocalSet(c.row8)
	body()
	f.LocalGet(c.row)
	f.I32Const(1)
	f.I32Add()
	f.LocalTee(c.row)
	f.LocalGet(c.end)
	f.I32LtU()
	c.brIf(rows)
	c.endBlock() // rows
	c.br(chunk)
	c.endBlock() // chunk
	c.endBlock() // done
}

// checkCancel returns StatusCancelled at the current row if the host's
// check_cancel intrinsic says so. It is a host call rather than a load of
// the header's cancel flag because compiled wasm has no preemption point:
// a stage polling memory keeps its goroutine from reaching a GC safe point,
// which froze the whole process at the next collection.
func (c *fn) checkCancel() {
	f := c.f
	f.I32Const(int32(c.lay.Base))
	f.Call(c.g.intrinsic(sdk.IntrCheckCancel))
	f.If(wasm.BlockEmpty)
	c.returnStatus(sdk.StatusCancelled)
	f.End()
}

// storeSel writes the selection byte of the current row.
func (c *fn) storeSel(v int32) {
	c.f.LocalGet(c.row)
	c.f.I32Const(v)
	c.f.I32Store8(0, c.lay.Sel())
}

// returnStatus stores the current row in the header's status row and returns
// status.
func (c *fn) returnStatus(status int32) {
	c.f.I32Const(0)
	c.f.LocalGet(c.row)
	c.f.I32Store(2, c.lay.Base+sdk.HdrStatusRow)
	c.f.I32Const(status)
	c.f.Return()
}

// rowError marks the current row as failed with reason and goes on with the
// next row.
func (c *fn) rowError(reason int32) {
	c.storeSel(sdk.SelError + reason)
	c.br(c.next)
}

// emitOutput computes output column j for the current row.
func (c *fn) emitOutput(j int, e plan.Expr) {
	f := c.f
	defer c.leave(c.enter(e))
	if col, ok := e.(*plan.Col); ok {
		// A column passes through: copy its validity byte and slot as they
		// are, without a branch.
		f.LocalGet(c.row)
		f.LocalGet(c.row)
		f.I32Load8U(0, c.lay.InValid(col.Index))
		f.I32Store8(0, c.lay.OutValid(j))
		f.LocalGet(c.row8)
		f.LocalGet(c.row8)
		f.I64Load(3, c.lay.InValues(col.Index))
		f.I64Store(3, c.lay.OutValues(j))
		return
	}
	t := e.Type()
	if !canNull(e) {
		f.LocalGet(c.row8)
		c.value(e, noLabel)
		c.storeSlot(t, c.lay.OutValues(j))
		c.storeValid(j, 1)
		return
	}
	done := c.block(wasm.BlockEmpty)
	isNull := c.block(wasm.BlockEmpty)
	f.LocalGet(c.row8)
	c.value(e, isNull)
	c.storeSlot(t, c.lay.OutValues(j))
	c.storeValid(j, 1)
	c.br(done)
	c.endBlock()
	c.storeValid(j, 0)
	c.endBlock()
}

func (c *fn) storeValid(j int, v int32) {
	c.f.LocalGet(c.row)
	c.f.I32Const(v)
	c.f.I32Store8(0, c.lay.OutValid(j))
}

// storeSlot stores the value of type t on the stack (above an address) into
// a slot at offset off.
func (c *fn) storeSlot(t sdk.Type, off uint32) {
	switch t {
	case sdk.TypeBoolean:
		c.f.I64ExtendI32U()
		c.f.I64Store(3, off)
	case sdk.TypeDouble:
		c.f.F64Store(3, off)
	default:
		c.f.I64Store(3, off)
	}
}

// Blocks and labels.

func (c *fn) block(bt wasm.BlockType) label {
	c.f.Block(bt)
	return label(c.f.Depth() - 1)
}

func (c *fn) loop() label {
	c.f.Loop(wasm.BlockEmpty)
	return label(c.f.Depth() - 1)
}

func (c *fn) endBlock() { c.f.End() }

func (c *fn) rel(l label) uint32 { return uint32(c.f.Depth() - 1 - int(l)) }

func (c *fn) br(l label)   { c.f.Br(c.rel(l)) }
func (c *fn) brIf(l label) { c.f.BrIf(c.rel(l)) }

// Locals.

// tmp returns a free local of type t; release it with put when its value is
// dead. Reuse keeps the number of locals (and the compiler's work) small.
func (c *fn) tmp(t wasm.ValType) uint32 {
	if l := c.free[t]; len(l) > 0 {
		x := l[len(l)-1]
		c.free[t] = l[:len(l)-1]
		return x
	}
	return c.f.AddLocal(t)
}

func (c *fn) put(t wasm.ValType, idx uint32) { c.free[t] = append(c.free[t], idx) }

// valType is the wasm type that holds a value of SQL type t on the stack.
func valType(t sdk.Type) wasm.ValType {
	switch t {
	case sdk.TypeBoolean:
		return wasm.I32
	case sdk.TypeDouble:
		return wasm.F64
	}
	return wasm.I64
}
