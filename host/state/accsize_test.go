package state

import (
	"testing"
	"unsafe"
)

// TestAccSize guards the memory per live window: every window holds an
// Acc per aggregate call, and a field added between the others' 8-byte
// words costs 8 bytes per window and call. Keep flags together at the end.
func TestAccSize(t *testing.T) {
	if n := unsafe.Sizeof(Acc{}); n > 80 {
		t.Errorf("Acc is %d bytes, want at most 80 (keep the bool fields together at the end)", n)
	}
}
