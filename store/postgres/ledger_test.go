package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

var admin = credit.Principal{ID: "tester", Namespace: "ns", Roles: []string{credit.RoleAdmin}}

// newLedger returns a Ledger over s with a clock that moves one second per
// reading and ids counted from 1, so that two runs write the same records.
func newLedger(t *testing.T, s credit.Store) *credit.Ledger {
	t.Helper()
	var tick, id atomic.Int64
	l, err := credit.New(s, credit.AllowAll, credit.Options{
		Clock: func() time.Time { return t0.Add(time.Duration(tick.Add(1)) * time.Second) },
		NewID: func() string { return fmt.Sprintf("id-%06d", id.Add(1)) }, MaxAttempts: 100})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// otherLedger returns another Ledger over s, with the default clock and
// ids, and many attempts.
func otherLedger(t *testing.T, s credit.Store) *credit.Ledger {
	t.Helper()
	l, err := credit.New(s, credit.AllowAll, credit.Options{MaxAttempts: 100})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// setup opens an account with a payment of 100.00 and n invoices of
// 30.00, and returns the ids of the payment and the invoices.
func setup(t *testing.T, ctx context.Context, l *credit.Ledger, n int) (string, []string) {
	t.Helper()
	if _, err := l.OpenAccount(ctx, admin, "open", credit.OpenAccountRequest{ID: "acct", Currency: usd,
		Limit: m("USD 500.00")}); err != nil {
		t.Fatal(err)
	}
	pay, err := l.IssueCredit(ctx, admin, "pay", credit.CreditRequest{Account: "acct", Amount: m("USD 100.00")})
	if err != nil {
		t.Fatal(err)
	}
	var invs []string
	for i := range n {
		r, err := l.IssueDebit(ctx, admin, fmt.Sprintf("inv-%d", i), credit.DebitRequest{Account: "acct", Amount: m("USD 30.00")})
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, r.Document.ID)
	}
	return pay.Document.ID, invs
}

// TestLedgerMatchesMemory runs the same operations through a Ledger on the
// in-memory store and on this one, and compares every result and record.
func TestLedgerMatchesMemory(t *testing.T) {
	ctx := testCtx(t)
	type run struct {
		results []any
		history []credit.Entry
		docs    []invoice.Document
		apps    []credit.Application
	}
	script := func(s credit.Store) run {
		l := newLedger(t, s)
		var r run
		add := func(v any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			r.results = append(r.results, v)
		}
		pay, invs := setup(t, ctx, l, 2)
		add(l.Apply(ctx, admin, "apply", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: invs[0]}}}))
		add(l.Apply(ctx, admin, "apply", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: invs[0]}}})) // replay
		add(l.Apply(ctx, admin, "use", credit.ApplyRequest{Account: "acct", Cap: m("USD 20.00"), Partial: true}))
		add(l.Unapply(ctx, admin, "unapply", credit.UnapplyRequest{Operation: r.results[0].(credit.ApplyResult).Operation}))
		add(l.Void(ctx, admin, "void", credit.VoidRequest{Debit: invs[1], Reason: "cancelled"}))
		add(l.Purchase(ctx, admin, "buy", credit.PurchaseRequest{Account: "acct", Amount: m("USD 250.00")}))
		add(l.Balances(ctx, admin, "acct"))
		add(l.BalancesAt(ctx, admin, "acct", t0.Add(3*time.Second)))
		h, err := l.History(ctx, admin, credit.HistoryRequest{Account: "acct"})
		add(h, err)
		r.history = h
		r.docs, err = l.Documents(ctx, admin, credit.DocumentFilter{Account: "acct"})
		add(r.docs, err)
		r.apps, err = l.Applications(ctx, admin, pay)
		add(r.apps, err)
		return r
	}
	want := script(store.NewMemory())
	got := script(postgrestest.New(t))
	if d := cmp.Diff(want, got, cmp.AllowUnexported(run{})); d != "" {
		t.Errorf("postgres differs from memory (-memory +postgres):\n%s", d)
	}
	if len(want.history) < 8 {
		t.Errorf("only %d history entries: the script did less than intended", len(want.history))
	}
}

// counter counts the calls that cost a round trip: queries (including
// BEGIN and COMMIT sent as queries), batches, prepares and connects.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *counter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}
func (c *counter) TracePrepareStart(ctx context.Context, _ *pgx.Conn, _ pgx.TracePrepareStartData) context.Context {
	return ctx
}

// TracePrepareEnd counts a Prepare that went to the server: one of a
// statement the connection already holds is a lookup in pgx's map.
func (c *counter) TracePrepareEnd(_ context.Context, _ *pgx.Conn, data pgx.TracePrepareEndData) {
	if !data.AlreadyPrepared {
		c.n.Add(1)
	}
}
func (c *counter) TraceConnectStart(ctx context.Context, _ pgx.TraceConnectStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *counter) TraceConnectEnd(context.Context, pgx.TraceConnectEndData) {}

// wire wraps the connections of a pool: it counts the writes that wait for
// a reply (round trips on the wire) and can fail one commit on purpose.
type wire struct {
	writes atomic.Int64
	// fault, when set, is applied to the next write of a commit batch:
	// "drop" loses it (the server never sees it), "cut" sends it and then
	// loses the connection before the reply.
	mu    sync.Mutex
	fault string
}

func (w *wire) setFault(f string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fault = f
}

func (w *wire) getFault() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fault
}

func (w *wire) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &wireConn{Conn: c, w: w}, nil
}

type wireConn struct {
	net.Conn
	w *wire
	// commit is set by the tracer when the next write is a commit batch;
	// cut, once the batch is sent, makes every read fail.
	commit, cut atomic.Bool
}

func (c *wireConn) Write(p []byte) (int, error) {
	c.w.writes.Add(1)
	if c.commit.Swap(false) {
		c.w.mu.Lock()
		f := c.w.fault
		c.w.fault = ""
		c.w.mu.Unlock()
		switch f {
		case "drop":
			c.Conn.Close()
			return len(p), nil
		case "cut":
			c.cut.Store(true)
		}
	}
	return c.Conn.Write(p)
}

func (c *wireConn) Read(p []byte) (int, error) {
	if c.cut.Load() {
		time.Sleep(300 * time.Millisecond) // the server has the batch: let it commit
		c.Conn.Close()
		return 0, errors.New("connection lost on purpose")
	}
	return c.Conn.Read(p)
}

// commitMarker counts round trips and Commit batches, and marks a
// connection whose next batch is a Commit's.
type commitMarker struct {
	counter
	commits atomic.Int64
}

func (t *commitMarker) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	if qs := data.Batch.QueuedQueries; len(qs) > 0 && strings.Contains(qs[0].SQL, "SERIALIZABLE") {
		t.commits.Add(1)
		if wc, ok := conn.PgConn().Conn().(*wireConn); ok {
			wc.commit.Store(true)
		}
	}
	return t.counter.TraceBatchStart(ctx, conn, data)
}

// tracedStore returns a store on a one-connection pool whose round trips
// are counted.
func tracedStore(t *testing.T) (*postgres.Store, *commitMarker, *wire) {
	tr, w := &commitMarker{}, &wire{}
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) {
		c.MaxConns, c.MinConns = 1, 0
		c.ConnConfig.Tracer = tr
		c.ConnConfig.DialFunc = w.dial
	})
	return postgrestest.NewWith(t, pool, postgres.Options{}), tr, w
}

// TestRoundTripsPerApply: an Apply of an explicit pair costs two round
// trips: one Load of the documents, their accounts and applications and
// the key, and the Commit.
func TestRoundTripsPerApply(t *testing.T) {
	ctx := testCtx(t)
	s, tr, w := tracedStore(t)
	l := newLedger(t, s)
	pay, invs := setup(t, ctx, l, 2)
	// The first Apply on the connection prepares its statements.
	if _, err := l.Apply(ctx, admin, "warm", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: invs[0]}}}); err != nil {
		t.Fatal(err)
	}
	tr.n.Store(0)
	w.writes.Store(0)
	if _, err := l.Apply(ctx, admin, "apply", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: invs[1]}}}); err != nil {
		t.Fatal(err)
	}
	calls, writes := tr.n.Load(), w.writes.Load()
	t.Logf("one Apply of an explicit pair: %d round trips traced, %d writes on the wire", calls, writes)
	if calls > 2 || writes > 2 {
		t.Errorf("one Apply took %d traced round trips and %d writes, want at most 2", calls, writes)
	}
	if calls == 0 {
		t.Error("the tracer saw nothing: the test measures nothing")
	}
}

// TestAmbiguousCommit loses the connection while a Commit is in flight:
// once before the server sees the batch ("drop": Commit finds no key and
// reports a conflict, the Ledger writes again), once after the server has
// committed ("cut": Commit finds its own key and reports success). Either
// way the operation succeeds and is written exactly once.
func TestAmbiguousCommit(t *testing.T) {
	ctx := testCtx(t)
	s, tr, w := tracedStore(t)
	l := newLedger(t, s)
	pay, invs := setup(t, ctx, l, 3)
	apply := func(key, debit string) (credit.ApplyResult, error) {
		return l.Apply(ctx, admin, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: debit, Amount: m("USD 10.00")}}, Partial: true})
	}
	// Prepare the statements of an Apply's Commit on the one connection, so
	// that the fault hits the commit batch itself.
	if _, err := apply("warm", invs[0]); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		fault   string
		commits int64
	}{{"drop", 2}, {"cut", 1}} {
		t.Run(c.fault, func(t *testing.T) {
			w.setFault(c.fault)
			tr.commits.Store(0)
			key := "apply-" + c.fault
			r, err := apply(key, invs[i+1])
			if err != nil {
				t.Fatalf("Apply across a lost connection: %v", err)
			}
			if w.getFault() != "" {
				t.Fatal("the fault was not injected")
			}
			if n := tr.commits.Load(); n != c.commits {
				t.Errorf("%d commit batches sent, want %d", n, c.commits)
			}
			again, err := apply(key, invs[i+1])
			if err != nil || !cmp.Equal(r, again) {
				t.Errorf("replay: %v; result differs: %v", err, cmp.Diff(r, again))
			}
			apps, err := l.Applications(ctx, admin, invs[i+1])
			if err != nil || len(apps) != 1 {
				t.Errorf("applications of the invoice: %d (%v), want 1", len(apps), err)
			}
		})
	}
	d, err := l.Document(ctx, admin, pay)
	if err != nil || d.Open.Amount() != "70.00" {
		t.Errorf("payment open %s (%v), want 70.00: each Apply written once", d.Open, err)
	}
}

// TestAmbiguousCommitWithoutKey: with no idempotency record to look for,
// a lost connection after the batch was sent is ErrCommitUnknown, not a
// conflict.
func TestAmbiguousCommitWithoutKey(t *testing.T) {
	ctx := testCtx(t)
	s, _, w := tracedStore(t)
	// The same kind of batch first, so that its statements are prepared.
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("warm", usd, 1)}}); err != nil {
		t.Fatal(err)
	}
	w.setFault("cut")
	err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)}})
	if !errors.Is(err, postgres.ErrCommitUnknown) || errors.Is(err, credit.ErrConflict) {
		t.Fatalf("Commit across a lost connection: %v, want ErrCommitUnknown", err)
	}
	wantClass(t, "Commit across a lost connection", err, credit.ErrCommitUnknown)
	if credit.Code(err) != "commit_unknown" {
		t.Errorf("Commit across a lost connection: code %q, want commit_unknown", credit.Code(err))
	}
}

// TestOneKeyManyCallers: 64 concurrent calls with one idempotency key write
// once and all return the same result.
func TestOneKeyManyCallers(t *testing.T) {
	ctx := testCtx(t)
	s := postgrestest.NewWith(t, postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 8 }), postgres.Options{})
	l := newLedger(t, s)
	if _, err := l.OpenAccount(ctx, admin, "open", credit.OpenAccountRequest{ID: "acct", Currency: usd}); err != nil {
		t.Fatal(err)
	}
	results := make([]credit.CreditResult, 64)
	errs := make([]error, 64)
	var wg sync.WaitGroup
	for i := range results {
		// A Ledger per caller, as separate processes would have: one
		// Ledger's calls on one account take turns in memory.
		li := otherLedger(t, s)
		wg.Go(func() {
			results[i], errs[i] = li.IssueCredit(ctx, admin, "one-key", credit.CreditRequest{Account: "acct", Amount: m("USD 7.00")})
		})
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if !cmp.Equal(results[0], results[i]) {
			t.Errorf("call %d returned another result: %s", i, cmp.Diff(results[0], results[i]))
		}
	}
	b, err := l.Balances(ctx, admin, "acct")
	if err != nil || b.Credit.Amount() != "7.00" {
		t.Errorf("credit balance %s (%v), want 7.00: written once", b.Credit, err)
	}
	h, err := l.History(ctx, admin, credit.HistoryRequest{Account: "acct"})
	if err != nil || len(h) != 2 {
		t.Errorf("history has %d entries (%v), want 2", len(h), err)
	}
}

// TestDoubleSpend: one credit of 100.00, fifty invoices of 10.00 and 32
// goroutines applying it to them: exactly ten invoices are paid.
func TestDoubleSpend(t *testing.T) {
	ctx := testCtx(t)
	s := postgrestest.NewWith(t, postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 8 }), postgres.Options{})
	l := newLedger(t, s)
	if _, err := l.OpenAccount(ctx, admin, "open", credit.OpenAccountRequest{ID: "acct", Currency: usd}); err != nil {
		t.Fatal(err)
	}
	pay, err := l.IssueCredit(ctx, admin, "pay", credit.CreditRequest{Account: "acct", Amount: m("USD 100.00")})
	if err != nil {
		t.Fatal(err)
	}
	invs := make([]string, 50)
	for i := range invs {
		r, err := l.IssueDebit(ctx, admin, fmt.Sprintf("inv-%d", i), credit.DebitRequest{Account: "acct", Amount: m("USD 10.00")})
		if err != nil {
			t.Fatal(err)
		}
		invs[i] = r.Document.ID
	}
	var next atomic.Int64
	var paid, refused atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		// A Ledger per goroutine, as separate processes would have: one
		// Ledger's operations on one account take turns in memory.
		lg := otherLedger(t, s)
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(invs) {
					return
				}
				_, err := lg.Apply(ctx, admin, "apply-"+invs[i], credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay.Document.ID, Debit: invs[i]}}})
				switch {
				case err == nil:
					paid.Add(1)
				case errors.Is(err, credit.ErrInsufficientCredit) || errors.Is(err, credit.ErrInvalidPlan):
					refused.Add(1)
				default:
					t.Errorf("apply to %s: %v", invs[i], err)
				}
			}
		})
	}
	wg.Wait()
	open := 0
	for _, id := range invs {
		d, err := l.Document(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == invoice.Paid {
			open++
		}
	}
	c, err := l.Document(ctx, admin, pay.Document.ID)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Load() != 10 || open != 10 || !c.Open.IsZero() {
		t.Errorf("%d applies succeeded, %d refused, %d invoices paid, credit open %s; want exactly 10 paid and none left",
			paid.Load(), refused.Load(), open, c.Open)
	}
	if err := l.Verify(ctx, admin, "acct"); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
