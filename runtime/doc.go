// Package runtime runs wasmstream query modules sandboxed in wazero.
//
// A module is one compiled persistent query (or a plugin) that follows the
// contract of package sdk: a manifest in a custom section, one exported
// linear memory of fixed size, stage functions of type (rows i32) -> (status
// i32) working on columnar batches in that memory, and imports from the
// intrinsics module only. The life of a module here is:
//
//	rt, _ := runtime.New(ctx, runtime.NewConfig().WithCompilationCacheDir(dir))
//	m, _ := rt.Load(ctx, wasmBytes)   // verify against the ABI, then compile
//	inst, _ := m.Instantiate(ctx)      // one instance per goroutine
//	b := inst.Batch(0)                 // the batch of stage 0
//	b.Reset()
//	b.SetInt64(0, row, v)              // write input columns in place
//	status, err := b.Run(rows, offset) // call the stage
//	b.Sel(row); b.OutInt64(0, row)     // read the results in place
//
// # Verification
//
// Load refuses, before compiling anything, a module that is not a well-formed
// binary, has no manifest or a manifest for another ABI version, imports
// anything other than the intrinsics of sdk.Intrinsics with their exact
// signatures (no WASI: no clock, randomness, files or network), has a start
// function, defines a memory whose minimum and maximum differ from the
// manifest's MemoryPages or exceed the configured limit, or lacks a stage
// export of the right type. Every error wraps ErrInvalidModule and names the
// query when the manifest has been read.
//
// # Sandbox
//
// Instances have no ambient capabilities: no WASI, no host functions beyond
// the pure intrinsics, a memory limit, and a deadline per batch. Intrinsics
// bounds-check every guest pointer; a bad one traps the call. A trap
// (unreachable, out-of-bounds access, division by zero, stack overflow, a bad
// pointer given to an intrinsic) is returned by Batch.Run as a *TrapError and
// never panics the host; the instance is then broken (Instance.Err) and must
// be replaced by a new one from Module.Instantiate, because the module's
// memory may be half-written.
//
// # Deadlines
//
// The deadline is cooperative, as the ABI defines it: when a batch runs
// longer than the configured deadline, a timer writes a non-zero value into
// the stage's cancel flag (sdk.HdrCancel), the stage sees it within
// sdk.CancelCheckRows rows and returns sdk.StatusCancelled, and Run returns
// a *DeadlineError. This costs nothing inside the loops, unlike wazero's
// WithCloseOnContextDone (about 30x slower loops).
//
// A module that ignores the flag (a hostile or broken one) is handled by a
// second, grace deadline: the timer closes the module instance. wazero only
// notices that inside a running function when the code was compiled with
// termination checks, so this fallback interrupts such a loop only with
// Config.WithForcedTermination(true), which compiles modules with those
// checks (and their cost: about 1 µs per call and much slower loops). Without
// it, a stage that never returns keeps its goroutine forever; use forced
// termination for modules you do not trust (hand-written plugins), or
// require signed modules from a trusted compiler.
//
// # Concurrency
//
// A Runtime and a Module are safe for concurrent use. An Instance, and the
// Batches it hands out, belong to one goroutine at a time: create one
// instance per goroutine (per task) from the shared Module.
package runtime
