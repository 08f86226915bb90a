package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// TestWrittenCommitThenTerminated terminates the store's backend while its
// COMMIT runs (made to take 100 ms with commit_delay, which needs fsync,
// hence a private server): PostgreSQL completes the COMMIT and then sends
// FATAL 57P01 instead of the batch's final ReadyForQuery. The write
// happened, so the call must succeed, five times out of five, and each
// payment be stored once.
func TestWrittenCommitThenTerminated(t *testing.T) {
	srv := postgrestest.StartServer(t)
	ctx := testCtx(t)
	var pid atomic.Uint32
	pool := srv.Pool(t, func(c *pgxpool.Config) {
		c.MaxConns = 1
		c.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
			pid.Store(conn.PgConn().PID())
			_, err := conn.Exec(ctx, "SET commit_delay = 100000; SET commit_siblings = 0")
			return err
		}
	})
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	l := newLedger(t, s)
	if _, err := l.OpenAccount(ctx, admin, "open", credit.OpenAccountRequest{ID: "acct", Currency: usd}); err != nil {
		t.Fatal(err)
	}
	killer, err := pgx.Connect(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close(context.Background())

	for i := range 5 {
		// Terminate the backend once it runs the COMMIT of a writing
		// transaction (one with an xid: not a read's COMMIT).
		killed := make(chan error, 1)
		go func() {
			killed <- func() error {
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
					var n int
					err := killer.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
						WHERE pid = $1 AND state = 'active' AND query = 'COMMIT' AND backend_xid IS NOT NULL`,
						int32(pid.Load())).Scan(&n)
					if err != nil || n > 0 {
						return err
					}
				}
				return fmt.Errorf("the COMMIT was never seen running")
			}()
		}()
		key := fmt.Sprintf("pay-%d", i)
		req := credit.CreditRequest{Account: "acct", ID: key, Amount: m("USD 10.00")}
		r, err := l.IssueCredit(ctx, admin, key, req)
		if kerr := <-killed; kerr != nil {
			t.Fatalf("round %d: terminating the backend: %v", i, kerr)
		}
		if err != nil {
			t.Errorf("round %d: a COMMIT that completed was reported as %v (code %q)", i, err, credit.Code(err))
			continue
		}
		again, err := l.IssueCredit(ctx, admin, key, req)
		if err != nil || again.Document.ID != r.Document.ID {
			t.Errorf("round %d: replay: %v, document %q, want %q", i, err, again.Document.ID, r.Document.ID)
		}
	}
	h, err := l.History(ctx, admin, credit.HistoryRequest{Account: "acct"})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range h {
		counts[e.Document]++
	}
	for i := range 5 {
		if n := counts[fmt.Sprintf("pay-%d", i)]; n != 1 {
			t.Errorf("payment pay-%d is in the history %d times, want 1", i, n)
		}
	}
}
