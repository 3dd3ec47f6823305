package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
)

// exitDeadline is the exit code an instance is closed with when a stage
// ignored its cancel flag past the grace period.
const exitDeadline = 0xdead

// Instance is one instantiation of a module: its own linear memory and one
// Batch per stage. An Instance and its Batches must be used by one goroutine
// at a time; create one instance per goroutine from the shared Module.
//
// After a trap, a forced deadline or Close, the instance is broken: Err
// returns why, and every Run fails with an error wrapping ErrBroken. Create a
// new instance then; the broken one only needs Close.
type Instance struct {
	m       *Module
	mod     api.Module
	mem     []byte
	ctx     context.Context // carries the intrinsics' scratch space
	batches []*Batch
	broken  error

	deadline time.Duration
	watch    *watchdog // nil without deadlines

	// The state of the running call, shared with the watchdog.
	wd        sync.Mutex
	running   *Batch
	phase     int
	startTick int64 // when the call started, or its cancel flag was raised
}

// Phases of a stage call, for the watchdog.
const (
	phaseIdle = iota
	phaseRunning
	phaseCancelled // the cancel flag is raised
	phaseKilled    // the instance was closed
)

// Instantiate creates a new instance of the module: no WASI, no ambient
// capabilities, memory as the manifest declares it.
func (m *Module) Instantiate(ctx context.Context) (*Instance, error) {
	qid := m.manifest.QueryID
	// An empty name lets the same module be instantiated many times; no
	// start functions (Load refused a start section, and _start or
	// _initialize must not run either).
	cfg := wazero.NewModuleConfig().WithName("").WithStartFunctions()
	mod, err := m.rt.wz.InstantiateModule(ctx, m.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("query %s: instantiate: %w", qid, err)
	}
	in := &Instance{
		m:        m,
		mod:      mod,
		ctx:      context.WithValue(context.Background(), scratchKey{}, &hostScratch{}),
		deadline: m.rt.cfg.BatchDeadline(),
	}
	fail := func(err error) (*Instance, error) {
		_ = mod.Close(ctx)
		return nil, fmt.Errorf("query %s: instantiate: %w", qid, err)
	}
	mem := mod.ExportedMemory(sdk.MemoryExport)
	if mem == nil {
		return fail(fmt.Errorf("%w: no memory export", ErrInvalidModule))
	}
	size := uint64(m.manifest.MemoryPages) * sdk.PageSize
	if uint64(mem.Size()) != size {
		return fail(fmt.Errorf("%w: memory has %d bytes, manifest says %d", ErrInvalidModule, mem.Size(), size))
	}
	// The memory never grows (its maximum is its minimum), so this view
	// stays valid for the life of the instance.
	in.mem, _ = mem.Read(0, mem.Size())
	in.batches = make([]*Batch, len(m.manifest.Stages))
	for i := range m.manifest.Stages {
		st := &m.manifest.Stages[i]
		fn := mod.ExportedFunction(st.Export)
		if fn == nil {
			return fail(fmt.Errorf("%w: stage %q is not exported", ErrInvalidModule, st.Export))
		}
		in.batches[i] = newBatch(in, st, fn)
	}
	if w := m.rt.watch; w != nil {
		in.watch = w
		w.add(in)
	}
	return in, nil
}

// Module returns the module the instance was created from.
func (in *Instance) Module() *Module { return in.m }

// NumStages returns the number of stages, the length of the manifest's
// Stages.
func (in *Instance) NumStages() int { return len(in.batches) }

// Batch returns the batch of stage i (an index into the manifest's Stages).
// It is the same Batch on every call.
func (in *Instance) Batch(i int) *Batch { return in.batches[i] }

// BatchByExport returns the batch of the stage exported as name, or nil.
func (in *Instance) BatchByExport(name string) *Batch {
	for _, b := range in.batches {
		if b.stage.Export == name {
			return b
		}
	}
	return nil
}

// Err returns nil while the instance is usable, and why it is broken
// otherwise (an error wrapping ErrBroken).
func (in *Instance) Err() error { return in.broken }

// Close releases the instance. It is broken afterwards. Every instance
// must be closed: until then the runtime's watchdog keeps track of it.
func (in *Instance) Close(ctx context.Context) error {
	if in.watch != nil {
		in.watch.remove(in)
	}
	if in.broken == nil {
		in.broken = fmt.Errorf("query %s: %w: closed", in.m.manifest.QueryID, ErrBroken)
	}
	return in.mod.Close(ctx)
}

// call runs b's stage function under the watchdog and returns the phase
// the watchdog reached.
func (in *Instance) call(b *Batch) (int, error) {
	if in.watch == nil {
		return phaseRunning, b.fn.CallWithStack(in.ctx, b.stack[:])
	}
	in.wd.Lock()
	in.running = b
	in.phase = phaseRunning
	in.startTick = in.watch.tick.Load()
	in.wd.Unlock()

	err := b.fn.CallWithStack(in.ctx, b.stack[:])

	in.wd.Lock()
	phase := in.phase
	in.running = nil
	in.phase = phaseIdle
	in.wd.Unlock()
	return phase, err
}

// Status is what a stage call returned: sdk.StatusOK, sdk.StatusHeapFull or
// sdk.StatusCancelled.
type Status int32

// String names the status.
func (s Status) String() string {
	switch s {
	case sdk.StatusOK:
		return "ok"
	case sdk.StatusHeapFull:
		return "heap full"
	case sdk.StatusCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("status %d", int32(s))
}

// errClosedDuringCall is the cause of a broken instance whose module was
// closed while a stage ran (by Close from another goroutine, or by the
// runtime's Close).
var errClosedDuringCall = errors.New("module closed during the call")
