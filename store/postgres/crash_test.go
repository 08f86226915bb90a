package postgres_test

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// EnvFaults names the environment variable that turns on the tests which
// restart a server of their own (make test-faults sets it).
const envFaults = "ARCREDIT_FAULTS"

// TestCrashRestart: 8 workers make the bank test's calls on a private
// server with fsync on while it is crashed (pg_ctl stop -m immediate) and
// stopped (-m fast) in turn and started again, every 1.5–3 s. A client
// sends every call that fails with a fault (unavailable, outcome unknown,
// conflict) again with its key until it is acknowledged or refused; a
// document it issued must not date from an attempt that failed as
// unavailable or canceled (nothing written). Afterwards every
// acknowledged call is in the journal exactly once and
// nothing else is, every invariant of the bank test holds, and
// VerifyNamespace passes. It runs under make test-faults (ARCREDIT_FAULTS=1).
func TestCrashRestart(t *testing.T) {
	if os.Getenv(envFaults) == "" {
		t.Skip(envFaults + " is not set; run make test-faults")
	}
	const workers, accounts = 8, 12
	const loadFor, maxLoad = 20 * time.Second, 60 * time.Second
	srv := postgrestest.StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	pool := srv.Pool(t, func(c *pgxpool.Config) {
		postgres.Tune(c)
		c.MaxConns = workers
		c.ConnConfig.ConnectTimeout = 2 * time.Second
	})
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	b := newBank(t, ctx, s, workers, accounts)

	// The restarter: crash or stop the server every 1.5–3 s, alternately,
	// and start it again after up to half a second.
	stop := make(chan struct{})
	restarterDone := make(chan error, 1)
	var immediate, fast atomic.Int64
	go func() {
		restarterDone <- func() error {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return nil
				case <-time.After(time.Duration(1500+mrand.IntN(1500)) * time.Millisecond):
				}
				mode := "immediate"
				if i%2 == 1 {
					mode = "fast"
				}
				if err := srv.Stop(mode); err != nil {
					return err
				}
				if mode == "immediate" {
					immediate.Add(1)
				} else {
					fast.Add(1)
				}
				time.Sleep(time.Duration(mrand.IntN(500)) * time.Millisecond)
				if err := srv.Start(); err != nil {
					return err
				}
			}
		}()
	}()

	start := time.Now()
	results := make([][]*bankCall, workers)
	var sent, faults, checked atomic.Int64
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			// Load for loadFor, and on (up to maxLoad) until the server
			// has been crashed and stopped twice each.
			enough := func() bool {
				d := time.Since(start)
				return d >= maxLoad || d >= loadFor && immediate.Load() >= 2 && fast.Load() >= 2
			}
			for i := 0; !enough() && ctx.Err() == nil; i++ {
				c := b.next(r, w, i)
				// The attempts that said nothing was written.
				var nothing [][2]time.Time
				for attempt := 1; ; attempt++ {
					callCtx, done := context.WithTimeout(ctx, 10*time.Second)
					began := time.Now()
					c.res, c.err = c.do(callCtx)
					done()
					sent.Add(1)
					if c.err == nil || refusal(c.err) {
						break
					}
					faults.Add(1)
					code := credit.Code(c.err)
					if code == "unavailable" || code == "canceled" {
						nothing = append(nothing, [2]time.Time{began.Truncate(time.Microsecond), time.Now()})
					}
					mu.Lock()
					codes[code]++
					mu.Unlock()
					if !fault(c.err) {
						t.Errorf("%s %s: %v (code %q) is neither a refusal nor a fault to retry", c.kind, c.key, c.err, code)
						break
					}
					if ctx.Err() != nil || attempt == 200 {
						t.Errorf("%s %s: still failing after %d attempts: %v", c.kind, c.key, attempt, c.err)
						break
					}
					time.Sleep(time.Duration(20+r.IntN(80)) * time.Millisecond)
				}
				if c.err == nil {
					b.acknowledge(c)
					// A document is issued at the time of the attempt that
					// wrote it: never one that said nothing was written.
					var issued time.Time
					switch res := c.res.(type) {
					case credit.CreditResult:
						issued = res.Document.Issued
					case credit.DebitResult:
						issued = res.Document.Issued
					}
					for _, win := range nothing {
						if !issued.IsZero() {
							checked.Add(1)
						}
						if !issued.IsZero() && !issued.Before(win[0]) && !issued.After(win[1]) {
							t.Errorf("%s %s: written by an attempt that failed with a fault saying nothing was written", c.kind, c.key)
						}
					}
				}
				results[w] = append(results[w], c)
			}
		})
	}
	wg.Wait()
	close(stop)
	if err := <-restarterDone; err != nil {
		t.Fatalf("restarting the server: %v", err)
	}
	var all []*bankCall
	acked := 0
	for _, rs := range results {
		all = append(all, rs...)
		for _, c := range rs {
			if c.err == nil {
				acked++
			}
		}
	}
	t.Logf("%d calls (%d sent with retries) in %s across %d crashes and %d fast stops: %d acknowledged, %d faults by code %v; %d attempts said to write nothing were checked to have written nothing",
		len(all), sent.Load(), time.Since(start).Round(time.Millisecond), immediate.Load(), fast.Load(), acked, faults.Load(), codes, checked.Load())
	if immediate.Load() == 0 || fast.Load() == 0 || faults.Load() == 0 || checked.Load() == 0 {
		t.Errorf("%d crashes, %d fast stops, %d faults, %d attempts checked: the restarts did nothing",
			immediate.Load(), fast.Load(), faults.Load(), checked.Load())
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the test ran out of time")
	}
	checkBank(t, ctx, b.ledgers[0], b.p, b.accts, all)
	if err := b.ledgers[0].VerifyNamespace(ctx, b.p); err != nil {
		t.Errorf("VerifyNamespace: %v", err)
	}
}
