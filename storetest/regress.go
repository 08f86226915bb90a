package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The regressions: bugs that other billing systems shipped, each named for
// the scenario it guards, with the reported behaviour in a comment. Each
// runs through a Ledger over the store under test, in a namespace of its
// own, and ends with every invariant checked and every history verified:
// most of them hold only if the store keeps what the Ledger wrote (a
// reversal, a residual, an idempotency key, a credit's expiry) and refuses
// what it must (a stale version, a repeated key).

// regression is one scenario of the clause Ledger/Regressions.
type regression struct {
	name string
	run  func(t tb, f *fixture)
}

func regressions() []regression {
	return []regression{
		{"ConcurrentApplicationsNeverSpendACreditTwice", regressConcurrentApplications},
		{"ConcurrentPolicyApplicationsNeverSpendACreditTwice", regressConcurrentPolicyApplications},
		{"VoidingAnInvoicePaidWithCreditReturnsTheCredit", regressVoidReturnsCredit},
		{"ATopUpSentTwiceIsRecordedOnce", regressTopUpTwice},
		{"ATopUpSentConcurrentlyIsRecordedOnce", regressTopUpConcurrent},
		{"ARetryAfterATimeoutIsRecordedOnce", regressRetryAfterTimeout},
		{"APurchaseInAnotherCurrencyRecordsRateAndResidual", regressForeignPurchase},
		{"PartialApplicationsLeaveExactResiduals", regressPartialResiduals},
		{"ACurrencyChangeRecordsTheExchangeDifference", regressCurrencyChangeResidual},
		{"CreditAndDebitInDifferentCurrenciesAreNotApplied", regressCrossCurrencyApply},
		{"AChargeBackReopensTheInvoicesItPaid", regressChargeBack},
		{"UnlinkingOneInvoiceKeepsThePaymentsOtherApplications", regressUnlinkOne},
		{"CreditIsNotAppliedToVoidOrPaidInvoices", regressVoidOrPaidTarget},
		{"AnExpiredCreditIsNeverApplied", regressExpiredCredit},
	}
}

// ledgerRegressions runs every regression on a fixture of its own; a
// failure names the regression.
func ledgerRegressions(t tb, e *env) {
	for _, r := range regressions() {
		nt := named{tb: t, name: r.name}
		f := newFixture(nt, e)
		r.run(nt, f)
		f.checkAll()
	}
}

// named is a tb whose messages start with the name of the scenario that
// wrote them, for clauses that run several scenarios in a row.
type named struct {
	tb
	name string
}

func (n named) Errorf(format string, args ...any) {
	n.tb.Helper()
	n.tb.Errorf("%s: %s", n.name, fmt.Sprintf(format, args...))
}
func (n named) Fatalf(format string, args ...any) {
	n.tb.Helper()
	n.tb.Fatalf("%s: %s", n.name, fmt.Sprintf(format, args...))
}
func (n named) Error(args ...any) { n.tb.Helper(); n.tb.Errorf("%s: %s", n.name, fmt.Sprint(args...)) }
func (n named) Fatal(args ...any) { n.tb.Helper(); n.tb.Fatalf("%s: %s", n.name, fmt.Sprint(args...)) }

// outcome is a call's result and error: res(f()).must(t) fails the test on
// the error and returns the result.
type outcome[T any] struct {
	v   T
	err error
}

func res[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

func (o outcome[T]) must(t tb) T {
	t.Helper()
	if o.err != nil {
		t.Fatalf("unexpected error: %v", o.err)
	}
	return o.v
}

// mon parses "USD 12.30"; for the kit's own amounts only.
func mon(s string) money.Money { return money.MustParse(s) }

var (
	eur = money.MustCurrency("EUR")
	jpy = money.MustCurrency("JPY")
	bhd = money.MustCurrency("BHD")
)

// typed reports why err is not a refusal the Ledger types ("" when it
// is): an *credit.Error with a code.
func typed(err error) string {
	var e *credit.Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("error %q (%T) is not a *credit.Error", err, err)
	}
	if credit.Code(err) == "" {
		return fmt.Sprintf("error %q has no code", err)
	}
	return ""
}

// openIn opens an account of the given kind in USD, with no limit.
func (f *fixture) openIn(id string, kind credit.AccountKind) {
	f.t.Helper()
	res(f.l.OpenAccount(f.ctx, f.p, f.key(), credit.OpenAccountRequest{ID: id, Currency: usd, Kind: kind})).must(f.t)
	f.opened = append(f.opened, id)
}

// wantOpen checks a document's open balance and status.
func (f *fixture) wantOpen(id, open string, status invoice.Status) {
	f.t.Helper()
	d := f.doc(id)
	if !d.Open.Equal(mon(open)) || d.Status != status {
		f.t.Errorf("document %s: open %v %s, want %s %s", id, d.Open, d.Status, open, status)
	}
}

func (f *fixture) wantOutstanding(acct, want string) {
	f.t.Helper()
	b := res(f.l.Balances(f.ctx, f.p, acct)).must(f.t)
	if !b.Outstanding.Equal(mon(want)) {
		f.t.Errorf("account %s: outstanding %v, want %s", acct, b.Outstanding, want)
	}
}

// applied sums the applications of a document that are not reversed.
func (f *fixture) applied(doc string) money.Money {
	f.t.Helper()
	apps := res(f.l.Applications(f.ctx, f.p, doc)).must(f.t)
	total := money.Zero(usd)
	reversed := map[string]bool{}
	for _, a := range apps {
		if a.Reverses != "" {
			reversed[a.Reverses] = true
		}
	}
	for _, a := range apps {
		if a.Reverses == "" && !reversed[a.ID] {
			total = res(total.Add(a.Amount)).must(f.t)
		}
	}
	return total
}

// wantCredits checks the number of credit documents of an account and
// its credit balance.
func (f *fixture) wantCredits(acct string, n int, credit_ string) {
	f.t.Helper()
	docs := res(f.l.Documents(f.ctx, f.p, credit.DocumentFilter{Account: acct,
		Kinds: []invoice.Kind{invoice.Payment, invoice.Prepayment, invoice.CreditMemo, invoice.CreditGrant}})).must(f.t)
	b := res(f.l.Balances(f.ctx, f.p, acct)).must(f.t)
	if len(docs) != n || !b.Credit.Equal(mon(credit_)) {
		f.t.Errorf("account %s: %d credit documents and credit %v, want %d and %s", acct, len(docs), b.Credit, n, credit_)
	}
}

func more(a, b money.Money) bool {
	c, err := a.Cmp(b)
	return err == nil && c > 0
}

// Reported against lago-api (#5015, #4945, #5020): requests arriving at the
// same time each read the same credit note balance and each consumed it,
// so one credit note paid more invoices than it was worth. Here many
// goroutines apply the same credit to different invoices with different
// keys: the total applied never exceeds the credit, its open balance never
// goes below zero, and open + applied is exactly its amount.
func regressConcurrentApplications(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "note", Kind: invoice.CreditMemo, Amount: mon("USD 100")})).must(t)
	const n = 16
	for i := 0; i < n; i++ {
		res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: fmt.Sprintf("inv%d", i), Amount: mon("USD 30")})).must(t)
	}
	// Ledgers racing each other lose a commit now and then: they try more.
	// Each client has a Ledger of its own, as separate processes would:
	// one Ledger's latches would keep them apart before the store could.
	races := make([]*credit.Ledger, n)
	for i := range races {
		races[i] = f.ledger(credit.AllowAll, concurrentAttempts)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// A client whose request ran out of retries on conflicts sends
			// it again with the same key, as a real one would.
			for attempt := 0; attempt < 10; attempt++ {
				_, errs[i] = races[i].Apply(f.ctx, p, fmt.Sprintf("apply-%d", i), credit.ApplyRequest{
					Pairs: []credit.Pair{{Credit: "note", Debit: fmt.Sprintf("inv%d", i)}}, Partial: true})
				if !errors.Is(errs[i], credit.ErrConflict) {
					return
				}
			}
		}(i)
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if msg := typed(err); msg != "" {
			t.Errorf("apply %d: %s", i, msg)
		}
	}
	note := f.doc("note")
	used := f.applied("note")
	if more(used, mon("USD 100")) || note.Open.IsNegative() {
		t.Fatalf("credit of USD 100 applied for %v, open %v", used, note.Open)
	}
	if sum := res(note.Open.Add(used)).must(t); !sum.Equal(mon("USD 100")) {
		t.Errorf("open %v + applied %v is not the amount", note.Open, used)
	}
	// The note pays 30 + 30 + 30 + 10: four applications, then nothing is left.
	if ok != 4 || !used.Equal(mon("USD 100")) || note.Status != invoice.Closed {
		t.Errorf("%d applications succeeded for %v, note %s; want 4 for USD 100, closed", ok, used, note.Status)
	}
	paid := money.Zero(usd)
	for i := 0; i < n; i++ {
		d := f.doc(fmt.Sprintf("inv%d", i))
		paid = res(paid.Add(res(d.Amount.Sub(d.Open)).must(t))).must(t)
	}
	if !paid.Equal(used) {
		t.Errorf("the invoices were paid %v, the note gave %v", paid, used)
	}
}

// The same race through a policy: every goroutine asks to use the
// account's credit on its own invoice.
func regressConcurrentPolicyApplications(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "note", Kind: invoice.CreditMemo, Amount: mon("USD 50")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: mon("USD 25")})).must(t)
	const n = 12
	for i := 0; i < n; i++ {
		res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: fmt.Sprintf("inv%d", i), Amount: mon("USD 20")})).must(t)
	}
	// Ledgers racing each other lose a commit now and then: they try more.
	// Each client has a Ledger of its own, as separate processes would:
	// one Ledger's latches would keep them apart before the store could.
	races := make([]*credit.Ledger, n)
	for i := range races {
		races[i] = f.ledger(credit.AllowAll, concurrentAttempts)
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := races[i].Apply(f.ctx, p, fmt.Sprintf("apply-%d", i), credit.ApplyRequest{Account: "c",
				Debits: []string{fmt.Sprintf("inv%d", i)}, Partial: true})
			if err != nil {
				if msg := typed(err); msg != "" {
					t.Errorf("apply %d: %s", i, msg)
				}
			}
		}(i)
	}
	wg.Wait()
	for _, c := range []struct{ id, amount string }{{"note", "USD 50"}, {"pay", "USD 25"}} {
		d := f.doc(c.id)
		used := f.applied(c.id)
		if sum := res(d.Open.Add(used)).must(t); !sum.Equal(mon(c.amount)) || d.Open.IsNegative() {
			t.Errorf("%s: open %v + applied %v, amount %s", c.id, d.Open, used, c.amount)
		}
	}
	b := res(f.l.Balances(f.ctx, p, "c")).must(t)
	// Applying never changes the outstanding balance: 75 − 12 × 20.
	if !b.Outstanding.Equal(mon("USD -165")) {
		t.Errorf("outstanding %v, want USD -165.00", b.Outstanding)
	}
}

// Reported against killbill (#1464): voiding an invoice that had been paid
// with account credit left the credit consumed, so the customer lost it.
// Here a void reverses every application on the invoice: each credit gets
// its own balance back and the outstanding balance rises by what was owed.
func regressVoidReturnsCredit(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: mon("USD 100")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "cm", Kind: invoice.CreditMemo, Amount: mon("USD 60")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: mon("USD 50")})).must(t)
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Account: "c", Debits: []string{"inv"}, Partial: true})).must(t)
	f.wantOpen("inv", "USD 0", invoice.Paid)
	f.wantOpen("cm", "USD 0", invoice.Closed)
	f.wantOpen("pay", "USD 10", invoice.Open)
	f.wantOutstanding("c", "USD 10")

	v := res(f.l.Void(f.ctx, p, f.key(), credit.VoidRequest{Debit: "inv", Reason: "order cancelled"})).must(t)
	if len(v.Reversals) != 2 || !v.Removed.Equal(mon("USD 100")) {
		t.Errorf("void reversed %d applications and removed %v, want 2 and USD 100", len(v.Reversals), v.Removed)
	}
	f.wantOpen("inv", "USD 0", invoice.Void)
	f.wantOpen("cm", "USD 60", invoice.Open)
	f.wantOpen("pay", "USD 50", invoice.Open)
	f.wantOutstanding("c", "USD 110")
	if a := f.applied("cm"); !a.IsZero() {
		t.Errorf("the credit memo still pays %v", a)
	}
}

// Reported against lago-api (#5870): the same wallet top-up, sent twice,
// was recorded twice. Here the same idempotency key returns the first
// result and writes one document.
func regressTopUpTwice(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Prepaid)
	req := credit.CreditRequest{Account: "c", Kind: invoice.Prepayment, Amount: mon("USD 75"), Reference: "top-up 7"}
	first := res(f.l.IssueCredit(f.ctx, p, "top-up-7", req)).must(t)
	f.clock.advance(time.Minute)
	second := res(f.l.IssueCredit(f.ctx, p, "top-up-7", req)).must(t)
	if first.Document.ID != second.Document.ID || !second.Balances.Credit.Equal(first.Balances.Credit) {
		t.Errorf("the replay returned %s %v, the first %s %v", second.Document.ID, second.Balances, first.Document.ID, first.Balances)
	}
	f.wantCredits("c", 1, "USD 75")
	// A payment recorded twice through Reimburse is recorded once too.
	rr := credit.ReimburseRequest{Account: "c", Amount: mon("USD 5"), Reference: "wire 9"}
	res(f.l.Reimburse(f.ctx, p, "wire-9", rr)).must(t)
	res(f.l.Reimburse(f.ctx, p, "wire-9", rr)).must(t)
	f.wantCredits("c", 2, "USD 80")
	// The same key with another amount is refused, not recorded.
	req.Amount = mon("USD 76")
	_, err := f.l.IssueCredit(f.ctx, p, "top-up-7", req)
	if !errors.Is(err, credit.ErrIdempotencyConflict) {
		t.Errorf("same key, other amount: %v, want ErrIdempotencyConflict", err)
	}
	f.wantCredits("c", 2, "USD 80")
}

// The same top-up sent by many clients at once is recorded once.
func regressTopUpConcurrent(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	req := credit.CreditRequest{Account: "c", Kind: invoice.Prepayment, Amount: mon("USD 40")}
	const n = 10
	ids := make([]string, n)
	// Ledgers racing each other lose a commit now and then: they try more.
	// Each client has a Ledger of its own, as separate processes would:
	// one Ledger's latches would keep them apart before the store could.
	races := make([]*credit.Ledger, n)
	for i := range races {
		races[i] = f.ledger(credit.AllowAll, concurrentAttempts)
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cr, err := races[i].IssueCredit(f.ctx, p, "top-up", req)
			if err != nil {
				// A loser may run out of retries; it must say so, typed.
				if msg := typed(err); msg != "" || !errors.Is(err, credit.ErrConflict) {
					t.Errorf("client %d: %v", i, err)
				}
				return
			}
			ids[i] = cr.Document.ID
		}(i)
	}
	wg.Wait()
	var first string
	for _, id := range ids {
		if id != "" && first == "" {
			first = id
		}
		if id != "" && id != first {
			t.Errorf("clients got documents %s and %s", first, id)
		}
	}
	f.wantCredits("c", 1, "USD 40")
}

// lostAnswerStore commits and then reports a timeout, as a caller sees it
// when its deadline passes while the commit lands; or, with cancelLoad,
// cancels the operation's context during its first read, before anything
// is written.
type lostAnswerStore struct {
	credit.Store
	mu         sync.Mutex
	loseCommit int // commits still to lose
	cancelLoad context.CancelFunc
}

func (s *lostAnswerStore) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	s.mu.Lock()
	cancel := s.cancelLoad
	s.cancelLoad = nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	return s.Store.Load(ctx, q)
}

func (s *lostAnswerStore) Commit(ctx context.Context, b *credit.Batch) error {
	if err := s.Store.Commit(ctx, b); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loseCommit > 0 {
		s.loseCommit--
		return context.DeadlineExceeded
	}
	return nil
}

// The retry after a timeout: the client's first attempt is cancelled
// mid-way (before the commit: nothing written) or its answer is lost
// (after the commit); it retries with the same key until it gets an answer,
// and one payment is recorded either way.
func regressRetryAfterTimeout(t tb, f *fixture) {
	ls := &lostAnswerStore{Store: f.s}
	wrapped := f.over(ls)
	p := f.p
	wrapped.openIn("c", credit.Term)
	req := credit.CreditRequest{Account: "c", Amount: mon("USD 12.50"), Reference: "card 4242"}

	// Cancelled before anything is written.
	ctx, cancel := context.WithCancel(f.ctx)
	ls.mu.Lock()
	ls.cancelLoad = cancel
	ls.mu.Unlock()
	_, err := wrapped.l.IssueCredit(ctx, p, "pay-1", req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled attempt: %v", err)
	}
	wrapped.wantCredits("c", 0, "USD 0")
	first := res(wrapped.l.IssueCredit(f.ctx, p, "pay-1", req)).must(t)
	again := res(wrapped.l.IssueCredit(f.ctx, p, "pay-1", req)).must(t)
	if first.Document.ID != again.Document.ID {
		t.Errorf("retries recorded %s and %s", first.Document.ID, again.Document.ID)
	}
	wrapped.wantCredits("c", 1, "USD 12.50")

	// The commit lands but the answer is lost, twice.
	ls.mu.Lock()
	ls.loseCommit = 1
	ls.mu.Unlock()
	_, err = wrapped.l.IssueCredit(f.ctx, p, "pay-2", req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lost answer: %v", err)
	}
	got := res(wrapped.l.IssueCredit(f.ctx, p, "pay-2", req)).must(t)
	res(wrapped.l.IssueCredit(f.ctx, p, "pay-2", req)).must(t)
	if got.Document.ID == first.Document.ID {
		t.Errorf("a new key replayed another payment")
	}
	wrapped.wantCredits("c", 2, "USD 25")
}

// Reported against odoo (#120513, #39205): paying in part across
// currencies left the wrong residual on the invoice, or lost the exchange
// difference. Here a purchase in another currency records the amount given,
// the rate and what rounding took off, and the invoice is the converted
// amount exactly.
func regressForeignPurchase(t tb, f *fixture) {
	p := f.p
	res(f.l.OpenAccount(f.ctx, p, f.key(), credit.OpenAccountRequest{ID: "c", Currency: usd, Limit: mon("USD 1000")})).must(t)
	rate := money.MustParseRate("EUR/USD 1.0837")
	dr := res(f.l.Purchase(f.ctx, p, f.key(), credit.PurchaseRequest{Account: "c", ID: "po", Amount: mon("EUR 10.00"), Rate: rate, Reference: "PO-1"})).must(t)
	if !dr.Document.Amount.Equal(mon("USD 10.84")) || !dr.Document.Open.Equal(mon("USD 10.84")) {
		t.Errorf("purchase of EUR 10.00 at 1.0837 issued for %v open %v, want USD 10.84", dr.Document.Amount, dr.Document.Open)
	}
	h := res(f.l.History(f.ctx, p, credit.HistoryRequest{Account: "c"})).must(t)
	e := h[len(h)-1]
	if e.Kind != credit.ChargedToCreditLine || !e.Amount.Equal(mon("USD 10.84")) || !e.Original.Equal(mon("EUR 10.00")) ||
		!e.Rate.Equal(rate) || e.Residual.String() != "USD -0.003" {
		t.Errorf("purchase entry: %s %v original %v rate %v residual %q; want purchased USD 10.84, EUR 10.00, %v, -0.003",
			e.Kind, e.Amount, e.Original, e.Rate, e.Residual, rate)
	}
	// Paying it in two parts leaves exactly nothing.
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "p1", Amount: mon("USD 5.42")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "p2", Amount: mon("USD 6.00")})).must(t)
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p1", Debit: "po"}}, Partial: true})).must(t)
	f.wantOpen("po", "USD 5.42", invoice.Open)
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p2", Debit: "po"}}, Partial: true})).must(t)
	f.wantOpen("po", "USD 0", invoice.Paid)
	f.wantOpen("p2", "USD 0.58", invoice.Open)
}

// Partial applications leave open = amount − applied, to the cent, however
// awkward the split. (Applying a credit already applied to the same debit
// changes nothing, so each part is its own payment.)
func regressPartialResiduals(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: mon("USD 100.00")})).must(t)
	open := mon("USD 100.00")
	for i, part := range []string{"USD 33.33", "USD 33.33", "USD 0.01", "USD 16.66", "USD 16.66"} {
		id := fmt.Sprintf("pay%d", i)
		res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: id, Amount: mon("USD 40.00")})).must(t)
		res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: id, Debit: "inv", Amount: mon(part)}}, Partial: true})).must(t)
		open = res(open.Sub(mon(part))).must(t)
		if d := f.doc("inv"); !d.Open.Equal(open) {
			t.Errorf("after part %d (%s): invoice open %v, want %v", i+1, part, d.Open, open)
		}
		left := res(mon("USD 40.00").Sub(mon(part))).must(t)
		if d := f.doc(id); !d.Open.Equal(left) {
			t.Errorf("after part %d (%s): payment open %v, want %v", i+1, part, d.Open, left)
		}
	}
	f.wantOpen("inv", "USD 0.01", invoice.Open)
	// The last cent cannot be overpaid, and is paid exactly.
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "last", Amount: mon("USD 1.00")})).must(t)
	_, err := f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "last", Debit: "inv", Amount: mon("USD 0.02")}}, Partial: true})
	if !errors.Is(err, credit.ErrOverpaid) {
		t.Errorf("overpaying the last cent: %v, want ErrOverpaid", err)
	}
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "last", Debit: "inv"}}, Partial: true})).must(t)
	f.wantOpen("inv", "USD 0", invoice.Paid)
	f.wantOpen("last", "USD 0.99", invoice.Open)
	f.wantOutstanding("c", "USD 101")
}

// A change of an account's currency converts every open document and
// records the rounding: the entry's residual is exactly the converted old
// outstanding balance minus the new one, so no fraction is lost unseen.
func regressCurrencyChangeResidual(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: mon("USD 10.01")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: mon("USD 3.33")})).must(t)
	rate := money.MustParseRate("USD/JPY 150.123")
	jpy := jpy
	res(f.l.UpdateAccount(f.ctx, p, f.key(), credit.UpdateAccountRequest{Account: "c", Currency: &jpy, Rate: rate})).must(t)
	h := res(f.l.History(f.ctx, p, credit.HistoryRequest{Account: "c"})).must(t)
	e := h[len(h)-1]
	// Outstanding USD -6.68 × 150.123 = JPY -1002.82164; the documents
	// convert to JPY 500 − JPY 1503 = JPY -1003, so 0.17836 was rounded away.
	if e.Kind != credit.CurrencyConverted || !e.Original.Equal(mon("USD -6.68")) || !e.Amount.Equal(mon("JPY -1003")) {
		t.Fatalf("conversion entry: %s original %v amount %v", e.Kind, e.Original, e.Amount)
	}
	if e.Residual.String() != "JPY 0.17836" {
		t.Errorf("conversion residual %q, want 0.17836 (original × rate − amount)", e.Residual)
	}
	b := res(f.l.Balances(f.ctx, p, "c")).must(t)
	if !b.Credit.Equal(mon("JPY 500")) || !b.Debit.Equal(mon("JPY 1503")) {
		t.Errorf("balances after conversion: %+v", b)
	}
}

// An apply whose credit and debit are in different currencies is refused:
// nothing converts silently inside an application.
func regressCrossCurrencyApply(t tb, f *fixture) {
	p := f.p
	f.openIn("u", credit.Term)
	res(f.l.OpenAccount(f.ctx, p, f.key(), credit.OpenAccountRequest{ID: "e", Currency: eur})).must(t)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "e", ID: "inv", Amount: mon("EUR 10")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "u", ID: "pay", Amount: mon("USD 10")})).must(t)
	for _, req := range []credit.ApplyRequest{
		{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv"}}, Partial: true},
		{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: mon("USD 5")}}, Partial: true},
		{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: mon("EUR 5")}}, Partial: true},
		{Credits: []string{"pay"}, Debits: []string{"inv"}, Partial: true, Policy: pairAll{}},
	} {
		_, err := f.l.Apply(f.ctx, p, f.key(), req)
		if !errors.Is(err, credit.ErrCurrencyMismatch) {
			t.Errorf("apply %+v: %v, want ErrCurrencyMismatch", req.Pairs, err)
		}
		if msg := typed(err); msg != "" {
			t.Error(msg)
		}
	}
	// A policy left to choose pays nothing across currencies.
	pr, err := f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Credits: []string{"pay"}, Debits: []string{"inv"}, Partial: true})
	if err == nil && len(pr.Applications) > 0 {
		t.Errorf("the policy applied across currencies: %v", pr.Applications)
	}
	f.wantOpen("pay", "USD 10", invoice.Open)
	d := f.doc("inv")
	if !d.Open.Equal(mon("EUR 10")) {
		t.Errorf("invoice open %v", d.Open)
	}
}

// Reported against killbill-adyen-plugin (#77) and FOSSBilling (#32): a
// charge back left the invoices the payment had paid marked paid, or left
// the customer's balance untouched. Here a charge back reverses the
// payment's applications (the invoices reopen with their open balance
// back), removes what it still held, and the outstanding balance falls by
// the whole payment.
func regressChargeBack(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "a", Amount: mon("USD 60")})).must(t)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "b", Amount: mon("USD 30")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "card", Amount: mon("USD 100")})).must(t)
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Account: "c", Partial: true})).must(t)
	f.wantOpen("a", "USD 0", invoice.Paid)
	f.wantOpen("b", "USD 0", invoice.Paid)
	f.wantOpen("card", "USD 10", invoice.Open)
	f.wantOutstanding("c", "USD 10")

	rr := res(f.l.ReversePayment(f.ctx, p, f.key(), credit.ReverseRequest{Payment: "card", ChargeBack: true, Reference: "CB-1"})).must(t)
	if len(rr.Reversals) != 2 || !rr.Removed.Equal(mon("USD 100")) || rr.Document.Status != invoice.Reversed {
		t.Errorf("charge back: %d reversals, removed %v, status %s", len(rr.Reversals), rr.Removed, rr.Document.Status)
	}
	f.wantOpen("a", "USD 60", invoice.Open)
	f.wantOpen("b", "USD 30", invoice.Open)
	f.wantOpen("card", "USD 0", invoice.Reversed)
	f.wantOutstanding("c", "USD -90")
	h := res(f.l.History(f.ctx, p, credit.HistoryRequest{Account: "c"})).must(t)
	if e := h[len(h)-1]; e.Kind != credit.PaymentChargedBack || e.Reference != "CB-1" || !e.After.Outstanding.Equal(mon("USD -90")) {
		t.Errorf("last entry %s ref %q outstanding %v", e.Kind, e.Reference, e.After.Outstanding)
	}
	// A second charge back of the same payment is refused.
	_, err := f.l.ReversePayment(f.ctx, p, f.key(), credit.ReverseRequest{Payment: "card", ChargeBack: true})
	if !errors.Is(err, credit.ErrBadState) {
		t.Errorf("second charge back: %v, want ErrBadState", err)
	}
}

// Reported against erpnext (#36879, #37117): unlinking one invoice from a
// payment needed the payment cancelled, or dropped its other allocations.
// Here unapplying one application reverses only it: that invoice reopens,
// the payment gets that amount back and stays open, and its other
// applications stand.
func regressUnlinkOne(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	for _, d := range []struct{ id, amt string }{{"a", "USD 30"}, {"b", "USD 30"}, {"c", "USD 40"}} {
		res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: d.id, Amount: mon(d.amt)})).must(t)
	}
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: mon("USD 100")})).must(t)
	ar := res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Account: "c", Partial: true})).must(t)
	var onB string
	for _, a := range ar.Applications {
		if a.Debit == "b" {
			onB = a.ID
		}
	}
	if len(ar.Applications) != 3 || onB == "" {
		t.Fatalf("applications %v", ar.Applications)
	}
	ur := res(f.l.Unapply(f.ctx, p, f.key(), credit.UnapplyRequest{Application: onB, Comment: "wrong invoice"})).must(t)
	if len(ur.Reversals) != 1 || ur.Reversals[0].Reverses != onB {
		t.Errorf("unapply wrote %v", ur.Reversals)
	}
	f.wantOpen("a", "USD 0", invoice.Paid)
	f.wantOpen("b", "USD 30", invoice.Open)
	f.wantOpen("c", "USD 0", invoice.Paid)
	f.wantOpen("pay", "USD 30", invoice.Open)
	if a := f.applied("pay"); !a.Equal(mon("USD 70")) {
		t.Errorf("the payment still pays %v, want USD 70", a)
	}
	for _, id := range []string{"a", "c"} {
		if a := f.applied(id); !a.IsZero() && len(res(f.l.Applications(f.ctx, p, id)).must(t)) != 1 {
			t.Errorf("invoice %s: its application was touched", id)
		}
	}
	docs := res(f.l.Documents(f.ctx, p, credit.DocumentFilter{Account: "c"})).must(t)
	if len(docs) != 4 {
		t.Errorf("%d documents after unlinking, want the same 4", len(docs))
	}
	f.wantOutstanding("c", "USD 0")
	// The freed amount can pay another invoice.
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "d", Amount: mon("USD 30")})).must(t)
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "d"}}})).must(t)
	f.wantOpen("d", "USD 0", invoice.Paid)
}

// Reported elsewhere: credit applied to a draft or a voided invoice. We
// have no drafts (a document exists once issued); a void invoice, and one
// already paid, take no credit, by pair or by policy, and the credit keeps
// its balance.
func regressVoidOrPaidTarget(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Term)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "void", Amount: mon("USD 20")})).must(t)
	res(f.l.Void(f.ctx, p, f.key(), credit.VoidRequest{Debit: "void"})).must(t)
	res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "paid", Amount: mon("USD 20")})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "p0", Amount: mon("USD 20")})).must(t)
	res(f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p0", Debit: "paid"}}})).must(t)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "cm", Kind: invoice.CreditMemo, Amount: mon("USD 50")})).must(t)
	for _, target := range []string{"void", "paid"} {
		for _, req := range []credit.ApplyRequest{
			{Pairs: []credit.Pair{{Credit: "cm", Debit: target}}, Partial: true},
			{Pairs: []credit.Pair{{Credit: "cm", Debit: target, Amount: mon("USD 5")}}, Partial: true},
			{Credits: []string{"cm"}, Debits: []string{target}, Partial: true, Policy: pairAll{}},
		} {
			_, err := f.l.Apply(f.ctx, p, f.key(), req)
			if !errors.Is(err, credit.ErrInvalidPlan) {
				t.Errorf("credit on a %s invoice: %v, want ErrInvalidPlan", target, err)
			}
		}
		// Left to the policy, nothing is applied.
		ar, err := f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Credits: []string{"cm"}, Debits: []string{target}, Partial: true})
		if err == nil && len(ar.Applications) > 0 {
			t.Errorf("the policy applied credit to a %s invoice", target)
		}
	}
	f.wantOpen("cm", "USD 50", invoice.Open)
	f.wantOpen("void", "USD 0", invoice.Void)
	f.wantOpen("paid", "USD 0", invoice.Paid)
}

// Reported elsewhere: credit used after its expiry date. An expired credit
// is not applied by a policy, on a prepaid account's new invoice, nor by
// an explicit pair, nor refunded or transferred; Expire removes its open
// balance and the outstanding balance falls by it.
func regressExpiredCredit(t tb, f *fixture) {
	p := f.p
	f.openIn("c", credit.Prepaid)
	f.openIn("d", credit.Term)
	res(f.l.IssueCredit(f.ctx, p, f.key(), credit.CreditRequest{Account: "c", ID: "promo", Kind: invoice.CreditGrant, Reason: "promotion",
		Amount: mon("USD 50"), Expires: f.clock.last().Add(24 * time.Hour)})).must(t)
	f.clock.advance(24 * time.Hour) // past the expiry: expired from now on
	dr := res(f.l.IssueDebit(f.ctx, p, f.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: mon("USD 80")})).must(t)
	if len(dr.Applications) != 0 {
		t.Errorf("a prepaid invoice took expired credit: %v", dr.Applications)
	}
	ar, err := f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Account: "c", Partial: true})
	if err == nil && len(ar.Applications) > 0 {
		t.Errorf("a policy applied expired credit: %v", ar.Applications)
	}
	_, err = f.l.Apply(f.ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "promo", Debit: "inv"}}, Partial: true})
	if !errors.Is(err, credit.ErrInvalidPlan) {
		t.Errorf("explicit pair with an expired credit: %v, want ErrInvalidPlan", err)
	}
	if _, err := f.l.Refund(f.ctx, p, f.key(), credit.RefundRequest{All: true, Credit: "promo"}); !errors.Is(err, credit.ErrBadState) {
		t.Errorf("refund of an expired credit: %v, want ErrBadState", err)
	}
	if _, err := f.l.Transfer(f.ctx, p, f.key(), credit.TransferRequest{All: true, Credit: "promo", To: "d"}); !errors.Is(err, credit.ErrBadState) {
		t.Errorf("transfer of an expired credit: %v, want ErrBadState", err)
	}
	if el := res(f.l.EligibleCredits(f.ctx, p, credit.EligibleRequest{Debit: "inv"})).must(t); len(el) != 0 {
		t.Errorf("eligible credits include an expired one: %v", el)
	}
	f.wantOpen("promo", "USD 50", invoice.Open)
	f.wantOutstanding("c", "USD -30")
	er := res(f.l.Expire(f.ctx, p, f.key(), credit.ExpireRequest{Account: "c"})).must(t)
	if !er.Removed.Equal(mon("USD 50")) || len(er.Documents) != 1 {
		t.Errorf("expire removed %v from %d documents", er.Removed, len(er.Documents))
	}
	f.wantOpen("promo", "USD 0", invoice.Expired)
	f.wantOpen("inv", "USD 80", invoice.Open)
	f.wantOutstanding("c", "USD -80")
	// Expiring again finds nothing and changes nothing.
	er = res(f.l.Expire(f.ctx, p, f.key(), credit.ExpireRequest{Account: "c"})).must(t)
	if !er.Removed.IsZero() || len(er.Documents) != 0 {
		t.Errorf("second expire removed %v", er.Removed)
	}
	f.wantOutstanding("c", "USD -80")
}

// pairAll is a custom policy that pairs every credit with every debit for
// one minor unit, whatever they are: the Ledger must refuse what is wrong
// with its plan.
type pairAll struct{}

// Name names the policy, as a keyed Apply needs.
func (pairAll) Name() string { return "pair_all" }

func (pairAll) Plan(req allocate.Request) (allocate.Plan, error) {
	var p allocate.Plan
	for _, c := range req.Credits {
		for _, d := range req.Debits {
			amt, err := money.FromMinor(c.Open.Currency(), 1)
			if err != nil {
				return p, err
			}
			p.Lines = append(p.Lines, allocate.Line{Credit: c.ID, Debit: d.ID, Amount: amt})
		}
	}
	return p, nil
}
