//go:build !race

package credit

import "testing"

// TestNewV7Allocations: an id costs one allocation, its text (counted
// without the race detector, which adds its own; see alloc_test.go).
func TestNewV7Allocations(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { newV7() }); n > 1 {
		t.Errorf("newV7 allocates %.0f times, want 1 (its text)", n)
	}
}
