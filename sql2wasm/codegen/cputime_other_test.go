//go:build !linux

package codegen

import "time"

// threadCPU is not available here: benchmarks report wall-clock rates only.
func threadCPU() (time.Duration, bool) { return 0, false }
