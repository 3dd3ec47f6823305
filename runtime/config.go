package runtime

import "time"

// Defaults of a Config.
const (
	// DefaultMemoryLimitPages caps a module's memory at 128 MiB.
	DefaultMemoryLimitPages = 2048
	// DefaultBatchDeadline is the time a stage may take for one batch.
	DefaultBatchDeadline = 10 * time.Second
	// DefaultGracePeriod is how long after the cancel flag is raised the
	// instance is closed if the stage has not returned.
	DefaultGracePeriod = 5 * time.Second
)

// Config configures a Runtime. It is an immutable value in the style of
// wazero.RuntimeConfig: every With method returns a modified copy. The zero
// Config is the same as NewConfig().
type Config struct {
	set               uint8
	memoryLimitPages  uint32
	cacheDir          string
	batchDeadline     time.Duration
	gracePeriod       time.Duration
	interpreter       bool
	forcedTermination bool
}

const (
	setMemoryLimit = 1 << iota
	setDeadline
	setGrace
)

// NewConfig returns the default configuration: the compiler engine, no
// compilation cache, DefaultMemoryLimitPages, DefaultBatchDeadline and
// DefaultGracePeriod, no forced termination.
func NewConfig() Config { return Config{} }

// WithMemoryLimitPages sets the largest memory, in 64 KiB pages, a module may
// declare. Load refuses modules that declare more.
func (c Config) WithMemoryLimitPages(pages uint32) Config {
	c.memoryLimitPages = pages
	c.set |= setMemoryLimit
	return c
}

// WithCompilationCacheDir keeps compiled machine code in dir, so that loading
// the same module again (also in another process) skips compilation. An
// empty dir disables the cache.
func (c Config) WithCompilationCacheDir(dir string) Config {
	c.cacheDir = dir
	return c
}

// WithBatchDeadline sets how long one stage call may take before its cancel
// flag is raised. Zero or less disables deadlines.
func (c Config) WithBatchDeadline(d time.Duration) Config {
	c.batchDeadline = d
	c.set |= setDeadline
	return c
}

// WithGracePeriod sets how long, after the cancel flag was raised, a stage
// may still run before its instance is closed. Zero or less disables this
// fallback. See the package documentation for when closing interrupts a
// running stage.
func (c Config) WithGracePeriod(d time.Duration) Config {
	c.gracePeriod = d
	c.set |= setGrace
	return c
}

// WithInterpreter selects wazero's interpreter instead of its compiler: no
// machine code is generated, at a large cost in speed. For platforms the
// compiler does not support, and for tests.
func (c Config) WithInterpreter(on bool) Config {
	c.interpreter = on
	return c
}

// WithForcedTermination compiles modules with wazero's termination checks
// (wazero's WithCloseOnContextDone), so that the grace deadline can stop a
// stage that ignores its cancel flag. It makes every call about 1 µs more
// expensive and loops much slower; use it for untrusted modules only.
func (c Config) WithForcedTermination(on bool) Config {
	c.forcedTermination = on
	return c
}

// MemoryLimitPages returns the configured memory limit in pages.
func (c Config) MemoryLimitPages() uint32 {
	if c.set&setMemoryLimit == 0 {
		return DefaultMemoryLimitPages
	}
	return c.memoryLimitPages
}

// BatchDeadline returns the configured batch deadline (0: none).
func (c Config) BatchDeadline() time.Duration {
	if c.set&setDeadline == 0 {
		return DefaultBatchDeadline
	}
	return max(c.batchDeadline, 0)
}

// GracePeriod returns the configured grace period (0: none).
func (c Config) GracePeriod() time.Duration {
	if c.set&setGrace == 0 {
		return DefaultGracePeriod
	}
	return max(c.gracePeriod, 0)
}
