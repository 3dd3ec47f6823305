// Command sql2wasm compiles ksqlDB-dialect SQL to WebAssembly modules and
// inspects the modules it made.
//
//	sql2wasm compile [-o DIR] [-p name=value]... FILE.sql
//	sql2wasm inspect [--dump] FILE.wasm
//
// compile writes one .wasm file per persistent query of the script (CREATE
// STREAM/TABLE ... AS SELECT, INSERT INTO ... SELECT), named after the
// query id in lower case; statements that declare sources only update the
// catalog the later statements see. inspect prints a module's manifest and
// exports, and with --dump its code.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
