// Package sdk is the contract between the wasmstream host and the WebAssembly
// modules it runs: the SQL value types, the catalog entries that describe
// sources and sinks, the manifest that makes a module self-describing, the
// columnar batch layout in linear memory, and the intrinsic host functions a
// module may import.
//
// Both sides depend on this package and on nothing of each other: the compiler
// (sql2wasm) writes modules against it, the runtime and the host read them with
// it. Everything here is versioned by [ABIVersion]; a change to the bytes a
// module and the host exchange is a new ABI version.
//
// See ABI.md in this directory for the byte-level specification.
package sdk
