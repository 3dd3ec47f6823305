package runtime

import (
	"errors"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// spinStage loops until check_cancel says stop, calling it every
// CancelCheckRows iterations as generated code does, then reports the row
// count it reached.
func spinStage(export string) stageSpec {
	return stageSpec{export: export, body: func(f *wasm.Func, l sdk.Layout, imp map[string]uint32) {
		i := f.AddLocal(wasm.I32)
		f.Loop(wasm.BlockEmpty)
		f.LocalGet(i)
		f.I32Const(1)
		f.I32Add()
		f.LocalSet(i)
		cancelCheck(f, l, imp, i)
		f.Br(0)
		f.End()
		f.I32Const(sdk.StatusOK) // not reached
	}}
}

// hostileStage loops forever and never looks at the cancel flag.
func hostileStage(export string) stageSpec {
	return simpleStage(export, func(f *wasm.Func, _ sdk.Layout) {
		f.Loop(wasm.BlockEmpty)
		f.Br(0)
		f.End()
		f.I32Const(sdk.StatusOK)
	})
}

func TestDeadlineCooperative(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter).WithBatchDeadline(20*time.Millisecond))
			in := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{spinStage("stage_spin"), copyStage("stage_copy")}}))
			st, err := in.Batch(0).Run(64, 99)
			var de *DeadlineError
			if !errors.As(err, &de) || st != sdk.StatusCancelled {
				t.Fatalf("Run = %v, %v; want cancelled with a *DeadlineError", st, err)
			}
			if de.QueryID != testQueryID || de.Stage != "stage_spin" || de.Offset != 99 || de.Forced || de.Row < 0 || de.Row > 64 {
				t.Errorf("DeadlineError %+v", de)
			}
			if !errors.Is(err, ErrDeadline) || errors.Is(err, ErrBroken) || in.Err() != nil {
				t.Errorf("a cooperative cancel must not break the instance: %v / %v", err, in.Err())
			}
			// The instance goes on: the next batch of another stage runs
			// normally, and the flag was reset for it.
			b := in.Batch(1)
			b.Reset()
			for row := 0; row < 64; row++ {
				b.SetInt64(0, row, 1)
				b.SetString(1, row, nil)
			}
			if st, err := b.Run(64, 100); err != nil || st != sdk.StatusOK {
				t.Fatalf("next batch: %v, %v", st, err)
			}
			// And the same stage can be cancelled again.
			if _, err := in.Batch(0).Run(0, 101); !errors.As(err, &de) {
				t.Fatalf("second spin: %v", err)
			}
		})
	}
}

func TestDeadlineForced(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			cfg := NewConfig().WithInterpreter(e.interpreter).WithForcedTermination(true).
				WithBatchDeadline(10 * time.Millisecond).WithGracePeriod(10 * time.Millisecond)
			rt := newRuntime(t, cfg)
			in := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{hostileStage("stage_hostile")}}))
			done := make(chan error, 1)
			go func() {
				_, err := in.Batch(0).Run(0, 7)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("the hostile stage was not stopped") // a hang guard, not a timing assertion
			}
			var de *DeadlineError
			if !errors.As(err, &de) || !de.Forced || de.Row != -1 {
				t.Fatalf("Run: %v, want a forced *DeadlineError", err)
			}
			if !errors.Is(err, ErrBroken) || !errors.Is(in.Err(), ErrBroken) {
				t.Errorf("instance not broken after a forced stop: %v", in.Err())
			}
			// The module itself is fine: a new instance can be created.
			in2, err := in.Module().Instantiate(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			_ = in2.Close(t.Context())
		})
	}
}

// Without deadlines the watchdog is off and stages run as long as they
// need.
func TestNoDeadline(t *testing.T) {
	rt := newRuntime(t, NewConfig().WithBatchDeadline(0))
	in := mustInstance(t, rt, buildModule(t, modSpec{}))
	if in.watch != nil {
		t.Fatalf("deadline 0 started a watchdog")
	}
	b := in.Batch(0)
	b.Reset()
	b.SetInt64(0, 0, 1)
	b.SetString(1, 0, nil)
	if _, err := b.Run(1, 0); err != nil || b.OutInt64(0, 0) != 2 {
		t.Fatalf("Run: %v, %d", err, b.OutInt64(0, 0))
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}
	if c.MemoryLimitPages() != DefaultMemoryLimitPages || c.BatchDeadline() != DefaultBatchDeadline || c.GracePeriod() != DefaultGracePeriod {
		t.Errorf("zero Config: %d pages, %v, %v", c.MemoryLimitPages(), c.BatchDeadline(), c.GracePeriod())
	}
	c2 := c.WithMemoryLimitPages(10).WithBatchDeadline(-1).WithGracePeriod(time.Second)
	if c2.MemoryLimitPages() != 10 || c2.BatchDeadline() != 0 || c2.GracePeriod() != time.Second {
		t.Errorf("configured: %d pages, %v, %v", c2.MemoryLimitPages(), c2.BatchDeadline(), c2.GracePeriod())
	}
	if c.MemoryLimitPages() != DefaultMemoryLimitPages {
		t.Errorf("With modified the receiver")
	}
}

func TestRuntimeCloseTwice(t *testing.T) {
	rt, err := New(t.Context(), NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	_ = rt.Close(t.Context())
	_ = rt.Close(t.Context()) // must not panic
}

// Compiled wasm cannot be preempted: a stage that only polled the cancel
// flag in memory would block the garbage collector's stop-the-world, and
// with it the watchdog, freezing the process. Stages call check_cancel
// instead; this runs cancellations while another goroutine forces GCs.
func TestDeadlineUnderGC(t *testing.T) {
	rt := newRuntime(t, NewConfig().WithBatchDeadline(2*time.Millisecond))
	in := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{spinStage("stage_spin")}}))
	stop := make(chan struct{})
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		for {
			select {
			case <-stop:
				return
			default:
				goruntime.GC()
			}
		}
	}()
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 20; i++ {
			if _, err := in.Batch(0).Run(64, int64(i)); !errors.Is(err, ErrDeadline) {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v, want a deadline error", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("cancellation under GC did not finish") // a hang guard, not a timing assertion
	}
	close(stop)
	<-gcDone
}
