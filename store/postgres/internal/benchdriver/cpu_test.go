package main

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestProcessCPU reads the CPU time of another, single-threaded process
// from /proc, as the driver reads the server's backends: it is positive
// and grows while the process works. (A Go test's own pid would not do:
// /proc/pid/schedstat is the main thread's, and the test runs on others.)
func TestProcessCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	spin := exec.Command("sh", "-c", "while :; do :; done")
	if err := spin.Start(); err != nil {
		t.Skip("cannot start sh:", err)
	}
	defer func() {
		_ = spin.Process.Kill()
		_ = spin.Wait()
	}()
	pid := spin.Process.Pid
	time.Sleep(100 * time.Millisecond)
	before, ok := processCPU(pid)
	if !ok {
		t.Fatal("cannot read the CPU time of a running process")
	}
	// Wait for 50 ms of its CPU time, or give up after 10 s of a machine
	// too busy to run it.
	deadline := time.Now().Add(10 * time.Second)
	after := before
	for after-before < 50*time.Millisecond && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if after, ok = processCPU(pid); !ok {
			t.Fatal("lost the CPU time of a running process")
		}
	}
	if before <= 0 || after-before < 50*time.Millisecond {
		t.Fatalf("CPU time of a spinning process went from %s to %s in 10 s", before, after)
	}
	if _, ok := processCPU(-1); ok {
		t.Error("read the CPU time of a process that cannot exist")
	}
}
