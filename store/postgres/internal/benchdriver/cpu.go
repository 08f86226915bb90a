package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// backends tracks the server processes behind the pool's connections, so
// that a measurement can report the server's CPU time per operation. The
// server must run on this machine (scripts/with-postgres.sh starts it
// here): the time is read from /proc/<pid>/schedstat (the nanoseconds
// the process ran on a CPU), or /proc/<pid>/stat (user and system time in
// clock ticks of 10 ms) where schedstat is missing. Only the backends of
// the pool are counted: pgbench's, the autovacuum workers' and the
// background writers' time is not, so the figure is the work of the
// statements the driver sent.
type backends struct {
	mu   sync.Mutex
	pids []int
}

// afterConnect records the backend process of a new connection.
func (b *backends) afterConnect(ctx context.Context, c *pgx.Conn) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pids = append(b.pids, int(c.PgConn().PID()))
	return nil
}

// cpu returns the CPU time each of the pool's backends has used so far,
// by process id; those that cannot be read (a server on another machine,
// a backend that has ended) are left out.
func (b *backends) cpu() map[int]time.Duration {
	b.mu.Lock()
	pids := append([]int(nil), b.pids...)
	b.mu.Unlock()
	m := make(map[int]time.Duration, len(pids))
	for _, pid := range pids {
		if d, ok := processCPU(pid); ok {
			m[pid] = d
		}
	}
	return m
}

// cpuSince returns the CPU time the backends used since before was taken,
// over the backends read both times, and false when there are none.
func (b *backends) cpuSince(before map[int]time.Duration) (time.Duration, bool) {
	var total time.Duration
	n := 0
	for pid, d := range b.cpu() {
		// A connection opened during the measurement (absent from
		// before) counts all its time.
		total += d - before[pid]
		n++
	}
	return total, n > 0
}

// processCPU returns the CPU time process pid has used.
func processCPU(pid int) (time.Duration, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	if b, err := os.ReadFile(dir + "/schedstat"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 0 {
			if ns, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				return time.Duration(ns), true
			}
		}
	}
	b, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return 0, false
	}
	// The fields after the command name, which is in parentheses and
	// may hold spaces: state is field 3, utime 14 and stime 15.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	// Linux reports these in USER_HZ, 100 per second on every
	// architecture it runs on.
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}

// selfCPU returns the CPU time this process (the client: the Ledger, pgx
// and the driver) has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
