package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
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

// sentinels are the credit sentinels an error may wrap.
var sentinels = []error{
	credit.ErrNotFound, credit.ErrAlreadyExists, credit.ErrConflict, credit.ErrInsufficientCredit, credit.ErrOverpaid,
	credit.ErrCreditLimitExceeded, credit.ErrIdempotencyConflict, credit.ErrNotAuthorized, credit.ErrInvalidRequest,
	credit.ErrBadState, credit.ErrInvalidAmount, credit.ErrCurrencyMismatch, credit.ErrRecurring,
	credit.ErrBillToMismatch, credit.ErrInvalidPlan, credit.ErrInvalidDocument, credit.ErrBrokenHistory, credit.ErrCanceled,
	credit.ErrUnavailable, credit.ErrCommitUnknown, credit.ErrStoreFailure,
}

// wantClass fails t unless err wraps want and no other sentinel.
func wantClass(t *testing.T, what string, err, want error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %v", what, want)
		return
	}
	var got []string
	for _, s := range sentinels {
		if errors.Is(err, s) {
			got = append(got, credit.Code(s))
		}
	}
	if len(got) != 1 || !errors.Is(err, want) {
		t.Errorf("%s: %v wraps %q, want only %q", what, err, got, credit.Code(want))
	} else {
		t.Logf("%s: %v", what, err)
	}
}

// storeCalls makes one call of each method of s, each wanting an error of
// class want.
func storeCalls(t *testing.T, ctx context.Context, s *postgres.Store, want error) {
	t.Helper()
	b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
		Idempotency: &credit.Idempotency{Key: "k", Kind: credit.AccountOpened, Fingerprint: "f", At: t0}}
	wantClass(t, "Commit", s.Commit(ctx, b), want)
	_, err := s.Load(ctx, testQuery())
	wantClass(t, "Load", err, want)
	_, err = s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"a"}})
	wantClass(t, "Load of one account", err, want)
	_, err = s.History(ctx, "ns", "a", 0, 10)
	wantClass(t, "History", err, want)
	_, _, err = s.EntryAt(ctx, "ns", "a", t0)
	wantClass(t, "EntryAt", err, want)
	_, err = s.Documents(ctx, "ns", credit.DocumentFilter{Account: "a"})
	wantClass(t, "Documents", err, want)
	_, err = s.AccountIDs(ctx, "ns", "", 10)
	wantClass(t, "AccountIDs", err, want)
}

// TestFaultUnavailable: a pool pointed at a port where nothing listens
// makes every call fail with ErrUnavailable, the Commit included: it
// never obtained a connection, so nothing was sent and the outcome is
// not unknown. Through a Ledger the code is "unavailable".
func TestFaultUnavailable(t *testing.T) {
	ctx := testCtx(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg, err := pgxpool.ParseConfig(fmt.Sprintf("postgres://nobody@127.0.0.1:%d/none?sslmode=disable&connect_timeout=5", port))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := postgres.New(pool, postgres.Options{})
	storeCalls(t, ctx, s, credit.ErrUnavailable)
	wantClass(t, "Migrate", s.Migrate(ctx), credit.ErrUnavailable)
	_, err = otherLedger(t, s).IssueCredit(ctx, admin, "k", credit.CreditRequest{Account: "a", Amount: m("USD 1.00")})
	if credit.Code(err) != "unavailable" {
		t.Errorf("Ledger call: %v, code %q, want unavailable", err, credit.Code(err))
	}
}

// TestFaultReadOnly: a database in read-only mode (25006) refuses the
// Commit with ErrStoreFailure, and writes nothing; reads still work.
func TestFaultReadOnly(t *testing.T) {
	ctx := testCtx(t)
	schema := postgrestest.Schema(t, postgrestest.Pool(t, nil))
	rw := postgres.New(postgrestest.Pool(t, nil), postgres.Options{Schema: schema})
	if err := rw.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) {
		c.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
			_, err := conn.Exec(ctx, "SET default_transaction_read_only = on")
			return err
		}
	})
	s := postgres.New(pool, postgres.Options{Schema: schema})
	b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
		Idempotency: &credit.Idempotency{Key: "k", Kind: credit.AccountOpened, Fingerprint: "f", At: t0}}
	err := s.Commit(ctx, b)
	wantClass(t, "Commit", err, credit.ErrStoreFailure)
	if !strings.Contains(err.Error(), "25006") {
		t.Errorf("Commit: %v, want SQLSTATE 25006 in the message", err)
	}
	snap, err := s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"a"}, Idempotency: "k"})
	if err != nil || len(snap.Accounts) != 0 || snap.Idempotency != nil {
		t.Errorf("a refused Commit wrote %+v (%v)", snap, err)
	}
	_, err = otherLedger(t, s).OpenAccount(ctx, admin, "open", credit.OpenAccountRequest{ID: "a", Currency: usd})
	if credit.Code(err) != "store_failure" {
		t.Errorf("Ledger call: %v, code %q, want store_failure", err, credit.Code(err))
	}
}

// TestFaultPermissionDenied: a role without privileges on the store's
// schema (42501) gets ErrStoreFailure from every call.
func TestFaultPermissionDenied(t *testing.T) {
	ctx := testCtx(t)
	su := postgrestest.Pool(t, nil)
	schema := postgrestest.Schema(t, su)
	if err := postgres.New(su, postgres.Options{Schema: schema}).Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var nb [6]byte
	_, _ = rand.Read(nb[:])
	role := "arcredit_noperm_" + hex.EncodeToString(nb[:])
	if _, err := su.Exec(ctx, "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := su.Exec(context.Background(), "DROP ROLE IF EXISTS "+role); err != nil {
			t.Errorf("dropping role %s: %v", role, err)
		}
	})
	cfg, err := pgxpool.ParseConfig(postgrestest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.User = role
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close) // before the role is dropped
	s := postgres.New(pool, postgres.Options{Schema: schema})
	storeCalls(t, ctx, s, credit.ErrStoreFailure)
}

// TestFaultDeadlines: a Commit that waits for a connection past its
// deadline sent nothing: ErrCanceled, matching context.DeadlineExceeded,
// never ErrCommitUnknown. Ledger calls with deadlines of 1–8 ms fail only
// with ErrCanceled, or ErrCommitUnknown when the deadline fell after the
// batch was sent, both matching context.DeadlineExceeded.
func TestFaultDeadlines(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 1 })
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	held, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
		Idempotency: &credit.Idempotency{Key: "k", Kind: credit.AccountOpened, Fingerprint: "f", At: t0}}
	err = s.Commit(short, b)
	cancel()
	held.Release()
	wantClass(t, "Commit without a connection", err, credit.ErrCanceled)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Commit without a connection: %v does not match context.DeadlineExceeded", err)
	}

	l := otherLedger(t, s)
	if _, err := l.OpenAccount(ctx, admin, "open", credit.OpenAccountRequest{ID: "acct", Currency: usd}); err != nil {
		t.Fatal(err)
	}
	classes := map[string]int{}
	for i := range 200 {
		short, cancel := context.WithTimeout(ctx, time.Duration(1+i%8)*time.Millisecond)
		_, err := l.IssueCredit(short, admin, fmt.Sprintf("k-%d", i), credit.CreditRequest{Account: "acct", Amount: m("USD 1.00")})
		cancel()
		classes[credit.Code(err)]++
		if err == nil {
			continue
		}
		if c := credit.Code(err); (c != "canceled" && c != "commit_unknown") || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("call %d: %v (code %q), want canceled or commit_unknown matching context.DeadlineExceeded", i, err, c)
		}
	}
	t.Logf("200 calls with deadlines of 1-8 ms, by code: %v", classes)
	if classes["canceled"] == 0 {
		t.Error("no call was cancelled: the deadlines did nothing")
	}
}

// TestFaultTerminatedWhileIdle: a backend terminated while its connection
// sat idle in the pool sends FATAL 57P01 and closes; the next call on that
// connection sent nothing that ran, so it fails with ErrUnavailable (or
// succeeds, if the pool noticed first) and never with an unknown outcome.
func TestFaultTerminatedWhileIdle(t *testing.T) {
	ctx := testCtx(t)
	var pid atomic.Uint32
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) {
		c.MaxConns = 1
		c.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
			pid.Store(conn.PgConn().PID())
			return nil
		}
	})
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	other := postgrestest.Pool(t, nil)
	for i, call := range []func() error{
		func() error {
			return s.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
				Idempotency: &credit.Idempotency{Key: "k", Kind: credit.AccountOpened, Fingerprint: "f", At: t0}})
		},
		func() error { _, err := s.Load(ctx, testQuery()); return err },
		func() error { _, err := s.History(ctx, "ns", "a", 0, 0); return err },
	} {
		if _, err := s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"x"}}); err != nil {
			t.Fatal(err) // a connection in the pool, idle
		}
		// pg_terminate_backend waits (up to 5 s) for the backend to end,
		// so its FATAL is on the socket before the next call.
		var gone bool
		if err := other.QueryRow(ctx, "SELECT pg_terminate_backend($1, 5000)", int32(pid.Load())).Scan(&gone); err != nil || !gone {
			t.Fatalf("terminating the backend: %v (ended: %v)", err, gone)
		}
		if err := call(); err != nil {
			wantClass(t, fmt.Sprintf("call %d", i), err, credit.ErrUnavailable)
		}
	}
}
