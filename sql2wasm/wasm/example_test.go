package wasm_test

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"

	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// Build a module with one exported function, encode it, print its listing
// and run it with wazero.
func Example() {
	m := wasm.NewModule()
	m.SetMemory(1, wasm.NoMax, "memory")

	// add_clamped(a, b i64) i64 = min(a + b, 100)
	t := m.AddType([]wasm.ValType{wasm.I64, wasm.I64}, []wasm.ValType{wasm.I64})
	f := m.AddFunc("add_clamped", t)
	sum := f.AddLocal(wasm.I64)
	f.SetPos(12) // say, the SQL offset of the expression
	f.LocalGet(0)
	f.LocalGet(1)
	f.I64Add()
	f.LocalTee(sum)
	f.I64Const(100)
	f.I64GtS()
	f.If(wasm.BlockI64)
	f.I64Const(100)
	f.Else()
	f.LocalGet(sum)
	f.End()
	m.Export("add_clamped", wasm.ExternFunc, f.Index())

	bin, pos, err := m.EncodeWithPositions()
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := wasm.Dump(bin)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(text)
	fmt.Printf("positions: %+v\n", pos)

	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, args := range [][2]uint64{{40, 2}, {90, 30}} {
		res, err := mod.ExportedFunction("add_clamped").Call(ctx, args[0], args[1])
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("add_clamped(%d, %d) = %d\n", args[0], args[1], res[0])
	}
	// Output:
	// (module
	//   (type (;0;) (func (param i64 i64) (result i64)))
	//   (memory (;0;) 1)
	//   (export "memory" (memory 0))
	//   (export "add_clamped" (func $add_clamped))
	//   (func $add_clamped (;0;) (param i64 i64) (result i64) (local i64)
	//     local.get 0
	//     local.get 1
	//     i64.add
	//     local.tee 2
	//     i64.const 100
	//     i64.gt_s
	//     if (result i64)
	//       i64.const 100
	//     else
	//       local.get 2
	//     end
	//   )
	//   ;; custom section "name" (16 bytes)
	// )
	// positions: [{FuncIndex:0 CodeOffset:5 BodyOffset:0 Tag:12}]
	// add_clamped(40, 2) = 42
	// add_clamped(90, 30) = 100
}
