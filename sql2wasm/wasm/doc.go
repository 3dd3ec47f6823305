// Package wasm encodes WebAssembly modules in the binary format, so that the
// code generator emits modules directly, without an external toolchain, and
// disassembles them into a stable text listing for golden tests.
//
// # API at a glance
//
//	m := wasm.NewModule()
//	t := m.AddType([]wasm.ValType{wasm.I32, wasm.I32}, []wasm.ValType{wasm.I64}) // deduplicated
//	log := m.ImportFunc("env", "log", m.AddType([]wasm.ValType{wasm.I32}, nil))  // imports before AddFunc
//	m.SetMemory(1, wasm.NoMax, "memory")        // min, max pages (or NoMax), export name ("" = none)
//	g := m.AddGlobalI64(true, 0)                // also AddGlobalI32/F32/F64; (mutable, init)
//	m.AddData(1024, []byte("hello"))            // active segment at an i32 offset in memory 0
//	m.AddCustomSection("wasmstream.manifest", payload)
//
//	f := m.AddFunc("stage_filter", t)           // *Func; f.Index() for Call/Export, f.Name()
//	i := f.AddLocal(wasm.I32)                   // returns the local index (after the params)
//	f.SetPos(sqlOffset)                         // tag the following instructions with a source position
//	f.Block(wasm.BlockEmpty)                    // Loop, If(bt), Else, End; BlockI32/I64/F32/F64, BlockOf(t)
//	f.LocalGet(0); f.I32Eqz(); f.BrIf(0)        // Br, BrIf, BrTable(labels, def), Return, Unreachable, Call(idx)
//	f.LocalGet(0); f.I64Load(3, 8)              // loads/stores take (align exponent, offset): I32Load8U(0, off)
//	f.LocalSet(i); f.GlobalGet(g); f.Drop()     // LocalTee, GlobalSet, Select, Nop
//	f.End()                                     // closes the block; the function's final end is optional
//	f.I64Const(1); f.I64Add()                   // I32Const, F32Const, F64Const; every numeric op
//	f.I64TruncSatF64S(); f.MemoryCopy(); f.MemoryFill(); f.MemorySize(); f.MemoryGrow()
//	m.Export("stage_filter", wasm.ExternFunc, f.Index()) // ExternFunc, ExternMemory, ExternGlobal
//
//	bin, err := m.Encode()                      // validates, then encodes
//	bin, pos, err := m.EncodeWithPositions()    // plus []PosEntry{FuncIndex, CodeOffset, BodyOffset, Tag}
//	bin = wasm.AppendCustomSection(bin, "wasmstream.pos", table) // after encoding; moves no code
//	text, err := wasm.Dump(bin)                 // WAT-like listing for golden tests
//
// f.Err() reports a builder misuse early (Encode reports it anyway);
// f.Depth() is the number of open blocks, f.Len() the body size so far.
// AppendULEB128 and AppendSLEB128 encode integers for custom payloads.
//
// Instruction methods are named after the WAT mnemonic in CamelCase:
// i32.trunc_sat_f64_u is I32TruncSatF64U, i64.load8_u is I64Load8U,
// f32.demote_f64 is F32DemoteF64. Call, LocalGet and friends take raw
// indices: imported functions come first in the function index space,
// parameters first in the local index space.
//
// # Design
//
// A Module collects declarations; a Func embeds a Code, the instruction
// sequence, which is kept in binary form from the start: each method is one
// append, and Encode copies bodies into the output. Sizes that precede
// their contents are written by reserving a 5-byte slot and moving the
// contents down over the unused part, so the output uses minimal LEB128
// everywhere and is built in one buffer. Nothing depends on map iteration
// order: the same calls yield the same bytes.
//
// Building never panics. A misuse (else without if, end without block, a
// branch to a missing label, an alignment above the natural one) is kept
// as the first error of the Code; Encode returns it with the function's
// name and the byte offset. Encode also checks what is cheap to check:
// unclosed blocks, local, global and function indices, memory use without a
// memory, data segments beyond the initial memory, exports of unknown
// indices, duplicate export names. It does not type-check the operand stack;
// wazero does that when it compiles the module, and every module the tests
// build is instantiated and run on both wazero engines.
//
// Source positions: Code.SetPos tags the instructions that follow with an
// opaque uint32 (the code generator uses the SQL offset). EncodeWithPositions
// returns one PosEntry per tag change, with the offset both from the start
// of the code section's contents (the DWARF convention) and from the start
// of the function's instructions; AppendCustomSection stores such a table
// after encoding without moving any code.
//
// The "name" custom section with function names is written last, so traps
// in wazero show readable function names.
//
// Dump decodes a module (the subset this package emits, plus imports of any
// kind) and prints a WAT-like listing with one instruction per line,
// indented two spaces per nesting level. Definitions carry their index as a
// (;N;) comment; calls and exports refer to a function by its $name when
// that name is unique, else by index; memory accesses print offset= and
// align= (in bytes) only when not zero or natural; floats print as the
// shortest decimal that round-trips, inf and nan[:0xpayload]. It returns an
// error, never panics, on malformed input and unknown opcodes; FuzzDump
// checks that. Golden files: testdata/*.golden, refreshed with
// go test -update.
//
// Supported: the WebAssembly 2.0 numeric instructions, sign extension,
// non-trapping float-to-int conversions and memory.copy/memory.fill (all on
// by default in wazero). Not supported, because the code generator does not
// need them: tables, call_indirect, reference types, SIMD, multi-value block
// types, passive data segments, start functions.
package wasm
