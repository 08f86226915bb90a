package main

import (
	"os"
	"testing"
	"time"
)

// TestProcessCPU reads the CPU time of this process from /proc, as the
// driver reads the server's backends: it is positive and grows with work.
func TestProcessCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	before, ok := processCPU(os.Getpid())
	if !ok {
		t.Fatal("cannot read the CPU time of this process")
	}
	// Spin for 50 ms of CPU time (more than a clock tick of /proc/pid/stat).
	start := selfCPU()
	x := 0
	for selfCPU()-start < 50*time.Millisecond {
		for i := range 100000 {
			x += i
		}
	}
	_ = x
	after, ok := processCPU(os.Getpid())
	if !ok || after-before < 20*time.Millisecond {
		t.Fatalf("CPU time went from %s to %s (ok %v) over 50 ms of work", before, after, ok)
	}
	if _, ok := processCPU(-1); ok {
		t.Error("read the CPU time of a process that cannot exist")
	}
}
