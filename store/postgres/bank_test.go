package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// bankCall is one Ledger call of the bank test: enough to send it again
// with the same key, and what it returned.
type bankCall struct {
	kind string // issue-credit, issue-debit, apply, unapply, refund, reverse
	key  string
	acct string
	do   func(ctx context.Context) (any, error)
	res  any
	err  error
}

// bankState is what the workers know: the documents and apply operations
// acknowledged so far, by account.
type bankState struct {
	mu      sync.Mutex
	credits map[string][]string
	debits  map[string][]string
	applies map[string][]string // apply operations that wrote applications
}

func (s *bankState) pick(r *mrand.Rand, m map[string][]string, acct string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(m[acct]) == 0 {
		return ""
	}
	return m[acct][r.IntN(len(m[acct]))]
}

func (s *bankState) add(m map[string][]string, acct, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m[acct] = append(m[acct], id)
}

// refusal reports whether err is the Ledger refusing a request on the
// state it found (not enough credit, a document no longer open, a plan
// that breaks a rule): a correct answer, with nothing written.
func refusal(err error) bool {
	return errors.Is(err, credit.ErrInsufficientCredit) || errors.Is(err, credit.ErrInvalidPlan) ||
		errors.Is(err, credit.ErrBadState) || errors.Is(err, credit.ErrOverpaid)
}

// TestBankUnderFaults: 16 workers make random calls (issue, apply, unapply,
// refund, reverse) over 20 accounts, each through a Ledger of its own,
// while another connection terminates
// a random backend of the store's pool every 20–50 ms and some calls run
// with deadlines of a few milliseconds. Afterwards every invariant holds,
// every acknowledged call is in the journal exactly once, and every failed
// call, sent again with its key on a quiet connection, either completes
// (once) or is refused with nothing written.
func TestBankUnderFaults(t *testing.T) {
	const workers, accounts = 16, 20
	// Each worker makes up to this many calls, and stops early once the
	// load has lasted loadFor, so that a slow or busy machine still
	// finishes in under a minute. (Restarts of the whole server under load
	// are TestCrashRestart's, in make test-faults.)
	calls := 250
	if testing.Short() {
		calls = 100
	}
	const loadFor = 30 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	// The chaos connection terminates only the backends of this test's
	// pool, found by an application name of its own: other tests may use
	// the same database at the same time.
	var nb [6]byte
	_, _ = rand.Read(nb[:])
	appName := "arcredit-bank-" + hex.EncodeToString(nb[:])
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) {
		c.MaxConns = workers
		c.ConnConfig.RuntimeParams["application_name"] = appName
	})
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	cs := &conflictCounter{Store: s}
	bank := newBank(t, ctx, cs, workers, accounts)
	l, p, acctIDs, next, acknowledge := bank.ledgers[0], bank.p, bank.accts, bank.next, bank.acknowledge

	// Chaos: terminate a random backend of the pool every 20–50 ms.
	chaosCtx, stopChaos := context.WithCancel(ctx)
	var killed int
	chaosDone := make(chan error, 1)
	go func() {
		chaosDone <- func() error {
			conn, err := pgx.Connect(chaosCtx, postgrestest.URL(t))
			if err != nil {
				return err
			}
			defer conn.Close(context.Background())
			for {
				select {
				case <-chaosCtx.Done():
					return nil
				case <-time.After(time.Duration(20+mrand.IntN(31)) * time.Millisecond):
				}

				var n int
				err := conn.QueryRow(chaosCtx, `SELECT count(pg_terminate_backend(pid)) FROM (
					SELECT pid FROM pg_stat_activity
					WHERE datname = current_database() AND pid <> pg_backend_pid()
						AND backend_type = 'client backend' AND application_name = $1
					ORDER BY random() LIMIT 1) victim`, appName).Scan(&n)
				if err != nil {
					if chaosCtx.Err() != nil {
						return nil
					}
					return err
				}
				killed += n
			}
		}()
	}()

	start := time.Now()
	stopAt := start.Add(loadFor)
	results := make([][]*bankCall, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for i := range calls {
				if ctx.Err() != nil || time.Now().After(stopAt) {
					return
				}
				c := next(r, w, i)
				callCtx, done := ctx, func() {}
				if r.IntN(10) == 0 {
					// A deadline of 1–8 ms: most of these end mid-call.
					callCtx, done = context.WithTimeout(ctx, time.Duration(1+r.IntN(8))*time.Millisecond)
				}
				c.res, c.err = c.do(callCtx)
				done()
				if c.err == nil {
					acknowledge(c)
				}
				results[w] = append(results[w], c)
			}
		})
	}
	wg.Wait()
	stopChaos()
	if err := <-chaosDone; err != nil {
		t.Fatalf("chaos connection: %v", err)
	}
	if err := ctx.Err(); err != nil {
		t.Fatalf("the calls did not finish in time: %v", err)
	}
	load := time.Since(start)

	// Every failed call again, with its key, on a quiet connection.
	var all []*bankCall
	failed, refused, faulted, completed := 0, 0, 0, 0
	kinds := map[string]int{}
	for _, rs := range results {
		all = append(all, rs...)
	}
	for _, c := range all {
		kinds[c.kind]++
		if c.err == nil {
			continue
		}
		failed++
		if refusal(c.err) {
			refused++
		} else {
			faulted++
		}
		if !refusal(c.err) && !fault(c.err) {
			t.Errorf("%s %s: unexpected error: %v (code %q)", c.kind, c.key, c.err, credit.Code(c.err))
		}
		c.res, c.err = resend(ctx, c.do)
		switch {
		case c.err == nil:
			completed++
		case refusal(c.err):
		default:
			t.Errorf("%s %s sent again: %v", c.kind, c.key, c.err)
		}
	}
	t.Logf("%d commits refused as conflicts", cs.n.Load())
	if len(all) < workers*calls {
		t.Logf("stopped after %s: %d of %d calls made", loadFor, len(all), workers*calls)
	}
	t.Logf("%d calls (%v) in %s with %d backends terminated: %d failed (%d refused, %d by faults), %d of them completed when sent again",
		len(all), kinds, load.Round(time.Millisecond), killed, failed, refused, faulted, completed)
	if killed == 0 || faulted == 0 {
		t.Errorf("%d backends terminated, %d calls failed by faults: the chaos did nothing", killed, faulted)
	}

	checkBank(t, ctx, l, p, acctIDs, all)
}

// fault reports whether err is what a fault of the infrastructure may
// cause, each with its code: the store unavailable (nothing written), the
// outcome of a commit unknown, the context's deadline, or conflicts that
// outlasted the Ledger's attempts.
func fault(err error) bool {
	switch credit.Code(err) {
	case "unavailable", "commit_unknown", "conflict":
		return true
	case "canceled":
		return errors.Is(err, context.DeadlineExceeded)
	}
	return false
}

// resend sends a failed call again with its key, on a quiet connection,
// as a client told "unavailable" or "commit outcome unknown" does: again
// while the store answers one of those (a connection the pool kept may
// have been terminated meanwhile), up to five times.
func resend(ctx context.Context, do func(context.Context) (any, error)) (any, error) {
	for attempt := 1; ; attempt++ {
		retryCtx, done := context.WithTimeout(ctx, 30*time.Second)
		res, err := do(retryCtx)
		done()
		c := credit.Code(err)
		if (c != "unavailable" && c != "commit_unknown") || attempt == 5 {
			return res, err
		}
	}
}

// checkBank checks the invariants after the bank test, and that the
// journal holds each successful call exactly once and nothing else.
func checkBank(t *testing.T, ctx context.Context, l *credit.Ledger, p credit.Principal, accts []string, calls []*bankCall) {
	t.Helper()
	var entries []credit.Entry
	docs := map[string]invoice.Document{}
	apps := map[string]credit.Application{}
	for _, id := range accts {
		if err := l.Verify(ctx, p, id); err != nil {
			t.Errorf("Verify %s: %v", id, err)
		}
		for after := int64(0); ; {
			h, err := l.History(ctx, p, credit.HistoryRequest{Account: id, AfterSeq: after, Limit: credit.MaxPage})
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, h...)
			if len(h) < credit.MaxPage {
				break
			}
			after = h[len(h)-1].Seq
		}
		var ds []invoice.Document
		for after := ""; ; {
			page, err := l.Documents(ctx, p, credit.DocumentFilter{Account: id, After: after, Limit: credit.MaxPage})
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, page...)
			if len(page) < credit.MaxPage {
				break
			}
			after = page[len(page)-1].ID
		}
		a, err := l.Account(ctx, p, id)
		if err != nil {
			t.Fatal(err)
		}
		cr, dr := money.Zero(a.Currency), money.Zero(a.Currency)
		for _, d := range ds {
			docs[d.ID] = d
			if d.Status != invoice.Open {
				continue
			}
			if d.IsCredit() {
				cr, _ = cr.Add(d.Open)
			} else {
				dr, _ = dr.Add(d.Open)
			}
		}
		if !a.Credit.Equal(cr) || !a.Debit.Equal(dr) {
			t.Errorf("account %s: credit %s, debit %s; its open documents sum to %s and %s", id, a.Credit, a.Debit, cr, dr)
		}
		for _, d := range ds {
			if !d.IsCredit() {
				continue
			}
			as, err := l.Applications(ctx, p, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range as {
				apps[x.ID] = x
			}
		}
	}

	// Applications: none reversed twice; what each document has applied.
	reversedBy := map[string]int{}
	for _, a := range apps {
		if a.Reverses != "" {
			reversedBy[a.Reverses]++
		}
	}
	applied := map[string]money.Money{}
	for _, a := range apps {
		if n := reversedBy[a.ID]; n > 1 {
			t.Errorf("application %s is reversed %d times", a.ID, n)
		}
		if a.Reverses != "" || reversedBy[a.ID] > 0 {
			continue
		}
		for _, d := range []string{a.Credit, a.Debit} {
			if s, ok := applied[d]; ok {
				applied[d], _ = s.Add(a.Amount)
			} else {
				applied[d] = a.Amount
			}
		}
	}
	// Credits: amount = open + applied + refunded + removed by a reversal;
	// debits: amount = open + applied.
	removed := map[string]money.Money{}
	byOperation := map[string]int{}
	type docOp struct {
		doc string
		op  credit.EntryKind
	}
	byDocOp := map[docOp]int{}
	for _, e := range entries {
		byOperation[e.Operation]++
		byDocOp[docOp{e.Document, e.Kind}]++
		if e.Kind == credit.CreditRefunded || e.Kind == credit.PaymentCancelled {
			if s, ok := removed[e.Document]; ok {
				removed[e.Document], _ = s.Add(e.Amount)
			} else {
				removed[e.Document] = e.Amount
			}
		}
	}
	for id, d := range docs {
		sum := d.Open
		for _, m := range []money.Money{applied[id], removed[id]} {
			if m.IsValid() {
				sum, _ = sum.Add(m)
			}
		}
		if !sum.Equal(d.Amount) {
			t.Errorf("%s %s: amount %s, but open %s + applied %s + removed %s = %s", d.Kind, id, d.Amount, d.Open, applied[id], removed[id], sum)
		}
	}

	// The journal: each successful call's entries exactly once, and no
	// others (an account's opening is one entry).
	want := len(accts)
	accountsOf := func(as []credit.Application) int {
		seen := map[string]bool{}
		for _, a := range as {
			seen[a.CreditAccount], seen[a.DebitAccount] = true, true
		}
		return len(seen)
	}
	refunds := map[string]int{}
	for _, c := range calls {
		if c.err != nil {
			continue
		}
		switch r := c.res.(type) {
		case credit.CreditResult:
			want++
			if n := byDocOp[docOp{r.Document.ID, credit.PaymentReceived}]; n != 1 {
				t.Errorf("%s %s: %d entries recording payment %s, want 1", c.kind, c.key, n, r.Document.ID)
			}
		case credit.DebitResult:
			want++
			if n := byDocOp[docOp{r.Document.ID, credit.InvoiceIssued}]; n != 1 {
				t.Errorf("%s %s: %d entries recording invoice %s, want 1", c.kind, c.key, n, r.Document.ID)
			}
		case credit.ApplyResult:
			k := accountsOf(r.Applications)
			want += k
			if n := byOperation[r.Operation]; n != k {
				t.Errorf("%s %s: %d entries of operation %s, want %d", c.kind, c.key, n, r.Operation, k)
			}
			for _, a := range r.Applications {
				if got, ok := apps[a.ID]; !ok || got.Operation != r.Operation || !got.Amount.Equal(a.Amount) {
					t.Errorf("%s %s: application %s not in the store as returned", c.kind, c.key, a.ID)
				}
			}
		case credit.UnapplyResult:
			k := accountsOf(append(r.Reversals, r.Applications...))
			want += k
			if n := byOperation[r.Operation]; n != k {
				t.Errorf("%s %s: %d entries of operation %s, want %d", c.kind, c.key, n, r.Operation, k)
			}
			for _, a := range r.Reversals {
				if _, ok := apps[a.ID]; !ok {
					t.Errorf("%s %s: reversal %s not in the store", c.kind, c.key, a.ID)
				}
			}
		case credit.RefundResult:
			want++
			refunds[r.Document.ID]++
		case credit.ReverseResult:
			want++
			if n := byDocOp[docOp{r.Document.ID, credit.PaymentCancelled}]; n != 1 {
				t.Errorf("%s %s: %d entries cancelling payment %s, want 1", c.kind, c.key, n, r.Document.ID)
			}
		default:
			t.Fatalf("%s %s: result of type %T", c.kind, c.key, c.res)
		}
	}
	for id, n := range refunds {
		if got := byDocOp[docOp{id, credit.CreditRefunded}]; got != n {
			t.Errorf("credit %s: %d refund entries, %d refunds succeeded", id, got, n)
		}
	}
	if len(entries) != want {
		t.Errorf("the journal has %d entries; the successful calls account for %d", len(entries), want)
	}
	t.Logf("checked %d accounts, %d documents, %d applications, %d entries", len(accts), len(docs), len(apps), len(entries))
}

// conflictCounter counts the Commit calls that return ErrConflict, each
// one a retry of the Ledger.
type conflictCounter struct {
	*postgres.Store
	n atomic.Int64
}

func (c *conflictCounter) Commit(ctx context.Context, b *credit.Batch) error {
	err := c.Store.Commit(ctx, b)
	if errors.Is(err, credit.ErrConflict) {
		c.n.Add(1)
	}
	return err
}

// bank is the bank test's workload: a Ledger per worker, as separate
// processes would have (operations of one Ledger on one account take turns
// in memory, and the test is of what keeps them apart in the database),
// accounts opened in the namespace "bank", and what the workers know.
type bank struct {
	ledgers []*credit.Ledger
	p       credit.Principal
	accts   []string
	st      *bankState
}

// newBank opens the accounts through a Ledger on s for each worker.
func newBank(t *testing.T, ctx context.Context, s credit.Store, workers, accounts int) *bank {
	t.Helper()
	b := &bank{ledgers: make([]*credit.Ledger, workers), p: credit.Principal{ID: "teller", Namespace: "bank"},
		accts: make([]string, accounts),
		st:    &bankState{credits: map[string][]string{}, debits: map[string][]string{}, applies: map[string][]string{}}}
	for w := range b.ledgers {
		var err error
		if b.ledgers[w], err = credit.New(s, credit.AllowAll, credit.Options{MaxAttempts: 20}); err != nil {
			t.Fatal(err)
		}
	}
	usd := money.MustCurrency("USD")
	for i := range b.accts {
		b.accts[i] = fmt.Sprintf("acct-%02d", i)
		if _, err := b.ledgers[0].OpenAccount(ctx, b.p, "open-"+b.accts[i], credit.OpenAccountRequest{ID: b.accts[i], Currency: usd}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// cents returns a random amount of USD between lo and hi cents.
func cents(r *mrand.Rand, lo, hi int64) money.Money {
	m, err := money.FromMinor(money.MustCurrency("USD"), lo+r.Int64N(hi-lo+1))
	if err != nil {
		panic(err)
	}
	return m
}

// next makes worker w's i-th call: issue, apply, unapply, refund or
// reverse, on a random account.
func (b *bank) next(r *mrand.Rand, w, i int) *bankCall {
	l, p, st := b.ledgers[w], b.p, b.st
	acct := b.accts[r.IntN(len(b.accts))]
	c := &bankCall{key: fmt.Sprintf("w%02d-%04d", w, i), acct: acct}
	switch n := r.IntN(100); {
	case n < 15 || st.pick(r, st.credits, acct) == "":
		c.kind = "issue-credit"
		req := credit.CreditRequest{Account: acct, ID: "c-" + c.key, Amount: cents(r, 1000, 10000)}
		c.do = func(ctx context.Context) (any, error) { return l.IssueCredit(ctx, p, c.key, req) }
	case n < 30 || st.pick(r, st.debits, acct) == "":
		c.kind = "issue-debit"
		req := credit.DebitRequest{Account: acct, ID: "d-" + c.key, Amount: cents(r, 1000, 10000)}
		c.do = func(ctx context.Context) (any, error) { return l.IssueDebit(ctx, p, c.key, req) }
	case n < 65:
		c.kind = "apply"
		req := credit.ApplyRequest{Account: acct, Partial: true}
		if n < 55 {
			req = credit.ApplyRequest{Partial: true, Pairs: []credit.Pair{{Credit: st.pick(r, st.credits, acct),
				Debit: st.pick(r, st.debits, acct), Amount: cents(r, 100, 3000)}}}
		}
		c.do = func(ctx context.Context) (any, error) { return l.Apply(ctx, p, c.key, req) }
	case n < 80 && st.pick(r, st.applies, acct) != "":
		c.kind = "unapply"
		req := credit.UnapplyRequest{Operation: st.pick(r, st.applies, acct)}
		c.do = func(ctx context.Context) (any, error) { return l.Unapply(ctx, p, c.key, req) }
	case n < 95:
		c.kind = "refund"
		req := credit.RefundRequest{Credit: st.pick(r, st.credits, acct), Amount: cents(r, 100, 2000)}
		c.do = func(ctx context.Context) (any, error) { return l.Refund(ctx, p, c.key, req) }
	default:
		c.kind = "reverse"
		req := credit.ReverseRequest{Payment: st.pick(r, st.credits, acct)}
		c.do = func(ctx context.Context) (any, error) { return l.ReversePayment(ctx, p, c.key, req) }
	}
	return c
}

// acknowledge makes a successful call's documents and operations
// available to later calls.
func (b *bank) acknowledge(c *bankCall) {
	switch r := c.res.(type) {
	case credit.CreditResult:
		b.st.add(b.st.credits, c.acct, r.Document.ID)
	case credit.DebitResult:
		b.st.add(b.st.debits, c.acct, r.Document.ID)
	case credit.ApplyResult:
		if len(r.Applications) > 0 {
			b.st.add(b.st.applies, r.Applications[0].CreditAccount, r.Operation)
		}
	}
}
