package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
)

// Runtime loads, verifies and compiles modules, and holds what their
// instances share: the wazero runtime with the intrinsics host module and
// the compilation cache. It is safe for concurrent use.
type Runtime struct {
	cfg   Config
	wz    wazero.Runtime
	cache wazero.CompilationCache
	watch *watchdog // nil when deadlines are off
}

// New creates a Runtime with the given configuration.
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	var wc wazero.RuntimeConfig
	if cfg.interpreter {
		wc = wazero.NewRuntimeConfigInterpreter()
	} else {
		wc = wazero.NewRuntimeConfigCompiler()
	}
	wc = wc.WithMemoryLimitPages(cfg.MemoryLimitPages()).
		WithCloseOnContextDone(cfg.forcedTermination).
		WithCustomSections(false) // Load reads the manifest itself
	r := &Runtime{cfg: cfg}
	if cfg.cacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("compilation cache in %s: %w", cfg.cacheDir, err)
		}
		r.cache = c
		wc = wc.WithCompilationCache(c)
	}
	r.wz = wazero.NewRuntimeWithConfig(ctx, wc)
	if err := instantiateIntrinsics(ctx, r.wz); err != nil {
		return nil, errors.Join(err, r.Close(ctx))
	}
	if d := cfg.BatchDeadline(); d > 0 {
		r.watch = newWatchdog(d, cfg.GracePeriod())
	}
	return r, nil
}

// Config returns the configuration the runtime was created with.
func (r *Runtime) Config() Config { return r.cfg }

// Close releases the runtime, every module loaded with it and every
// instance of those; their later use returns errors.
func (r *Runtime) Close(ctx context.Context) error {
	if r.watch != nil {
		r.watch.close()
	}
	err := r.wz.Close(ctx)
	if r.cache != nil {
		err = errors.Join(err, r.cache.Close(ctx))
	}
	return err
}
