package postgres_test

import (
	"context"
	"errors"
	"fmt"
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

// stormResult is what one deadline storm measured.
type stormResult struct {
	calls, acked int64
	opened       int64 // connections the pool opened
	codes        map[string]int64
	took         time.Duration
}

func (r stormResult) String() string {
	return fmt.Sprintf("%d calls in %s, %d acknowledged (%.0f/s), %d connections opened, errors by code %v",
		r.calls, r.took.Round(time.Millisecond), r.acked, float64(r.acked)/r.took.Seconds(), r.opened, r.codes)
}

// storm runs 32 goroutines, each with a Ledger and an account of its own
// (so that they do not conflict), issuing credits through a pool of 2
// connections configured by configure, every call with a deadline of
// 5–50 ms, for d.
func storm(t *testing.T, d time.Duration, configure func(*pgxpool.Config)) stormResult {
	t.Helper()
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) {
		if configure != nil {
			configure(c)
		}
		c.MaxConns, c.MinConns = 2, 0
	})
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	l := otherLedger(t, s)
	accts := make([]string, 32)
	for i := range accts {
		accts[i] = fmt.Sprintf("acct-%d", i)
		if _, err := l.OpenAccount(ctx, admin, "open-"+accts[i], credit.OpenAccountRequest{ID: accts[i], Currency: usd}); err != nil {
			t.Fatal(err)
		}
	}
	opened0 := pool.Stat().NewConnsCount()
	var calls, acked atomic.Int64
	var mu sync.Mutex
	codes := map[string]int64{}
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for g := range 32 {
		lg := otherLedger(t, s)
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(g), 17))
			for i := 0; time.Now().Before(stop); i++ {
				callCtx, cancel := context.WithTimeout(ctx, time.Duration(5+r.IntN(46))*time.Millisecond)
				_, err := lg.IssueCredit(callCtx, admin, fmt.Sprintf("g%02d-%06d", g, i),
					credit.CreditRequest{Account: accts[g], Amount: m("USD 1.00")})
				cancel()
				calls.Add(1)
				if err == nil {
					acked.Add(1)
					continue
				}
				c := credit.Code(err)
				if c == "" || (c == "canceled" && !errors.Is(err, context.DeadlineExceeded)) {
					t.Errorf("call without a code or with the wrong cause: %v", err)
				}
				mu.Lock()
				codes[c]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return stormResult{calls: calls.Load(), acked: acked.Load(), opened: pool.Stat().NewConnsCount() - opened0,
		codes: codes, took: time.Since(start)}
}

// TestDeadlineStorm measures a storm of deadlines on a pool of 2 (see
// storm) with pgx's default configuration, which closes a connection
// whenever a deadline ends a call mid-query, and with postgres.Config's,
// which cancels the query instead. It runs for 2 s each, or for
// ARCREDIT_STORM (a duration) when set, and logs both:
//
//	ARCREDIT_STORM=30s scripts/with-postgres.sh go test ./store/postgres -run TestDeadlineStorm -v
func TestDeadlineStorm(t *testing.T) {
	d := 2 * time.Second
	if v := os.Getenv("ARCREDIT_STORM"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("ARCREDIT_STORM: %v", err)
		}
	}
	plain := storm(t, d, nil)
	t.Logf("pgx defaults: %s", plain)
	tuned := storm(t, d, postgres.Tune)
	t.Logf("postgres.Tune: %s", tuned)
	// The pool of 2 needs 2 connections, one of them opened during the
	// storm; a few more are allowed for a server that ends one.
	if tuned.opened > 4 {
		t.Errorf("with postgres.Tune the pool opened %d connections: deadlines still close them", tuned.opened)
	}
	if plain.opened <= tuned.opened {
		t.Errorf("pgx's defaults opened %d connections, postgres.Tune %d: the storm did not end calls mid-query", plain.opened, tuned.opened)
	}
}
