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
// The deadline is cooperative, as the ABI defines it: one watchdog goroutine
// per Runtime raises the cancel flag (sdk.HdrCancel) of a stage that runs
// past the configured batch deadline; the stage calls the check_cancel
// intrinsic every sdk.CancelCheckRows rows, sees the flag, and returns
// sdk.StatusCancelled; Run returns a *DeadlineError and the instance stays
// usable. This costs about 0.7 ns per row (43 ns per 64 rows), unlike wazero's
// WithCloseOnContextDone (about 30x slower loops).
//
// The check must be a host call, not a load of the flag from wasm: wazero's
// compiled code cannot be preempted by the Go scheduler, so a stage that
// never calls into the host keeps the garbage collector from stopping the
// world, and every other goroutine (the watchdog included) stops with it:
// the whole process freezes until the stage returns. Each host call is a
// point where the Go runtime can preempt the stage.
//
// A module that ignores the protocol (a hostile or broken one) is handled by
// a second, grace deadline: the watchdog closes the module instance. wazero
// notices that inside running code only when the code was compiled with
// termination checks, so this interrupts such a stage only with
// Config.WithForcedTermination(true) (its checks are Go calls too, so they
// also let the collector run), at a cost of about 1.3 µs per call and much
// slower loops. Without it, a stage that loops without calling check_cancel
// never returns and, at the next garbage collection, freezes the process.
// Use forced termination for every module that does not come from a trusted
// compiler (hand-written plugins), or require signed modules.
//
// Another limit of wazero's compiler: it lets a module's call stack grow to
// 400 MB before reporting a stack overflow (taking about a second), so a
// module with unbounded recursion costs that much memory before it traps.
// The interpreter's limit is much lower.
//
// # Concurrency
//
// A Runtime and a Module are safe for concurrent use. An Instance, and the
// Batches it hands out, belong to one goroutine at a time: create one
// instance per goroutine (per task) from the shared Module.
package runtime
