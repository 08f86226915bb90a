package credit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Regression tests for bugs that other billing systems shipped, each named
// for the scenario it guards. Each describes the reported behaviour in a
// comment and asserts ours. They take a newStore so they can run on every
// Store.

func TestRegressions(t *testing.T) { runRegressions(t, memoryStore) }

func runRegressions(t *testing.T, newStore func(*testing.T) credit.Store) {
	for _, sc := range []struct {
		name string
		run  func(t *testing.T, r *rig)
	}{
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
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := newRig(t, newStore(t))
			sc.run(t, r)
			checkInvariants(t, r, hNS)
		})
	}
}

// regressOpen opens a term USD account.
func regressOpen(t *testing.T, r *rig, id string, kind credit.AccountKind) {
	t.Helper()
	res(r.l.OpenAccount(hBG, r.admin(hNS), r.key(), credit.OpenAccountRequest{ID: id, Currency: hUSD, Kind: kind})).must(t)
}

func regressDoc(t *testing.T, r *rig, id string) invoice.Document {
	t.Helper()
	return res(r.l.Document(hBG, r.admin(hNS), id)).must(t)
}

// wantOpen checks a document's open balance and status.
func wantOpen(t *testing.T, r *rig, id, open string, status invoice.Status) {
	t.Helper()
	d := regressDoc(t, r, id)
	if !d.Open.Equal(hm(open)) || d.Status != status {
		t.Errorf("document %s: open %v %s, want %s %s", id, d.Open, d.Status, open, status)
	}
}

func wantOutstanding(t *testing.T, r *rig, acct, want string) {
	t.Helper()
	b := res(r.l.Balances(hBG, r.admin(hNS), acct)).must(t)
	if !b.Outstanding.Equal(hm(want)) {
		t.Errorf("account %s: outstanding %v, want %s", acct, b.Outstanding, want)
	}
}

// applied sums the applications of a credit that are not reversed.
func applied(t *testing.T, r *rig, doc string) money.Money {
	t.Helper()
	apps := res(r.l.Applications(hBG, r.admin(hNS), doc)).must(t)
	total := money.Zero(hUSD)
	reversed := map[string]bool{}
	for _, a := range apps {
		if a.Reverses != "" {
			reversed[a.Reverses] = true
		}
	}
	for _, a := range apps {
		if a.Reverses == "" && !reversed[a.ID] {
			total = res(total.Add(a.Amount)).must(t)
		}
	}
	return total
}

// Reported against lago-api (#5015, #4945, #5020): requests arriving at the
// same time each read the same credit note balance and each consumed it,
// so one credit note paid more invoices than it was worth. Here many
// goroutines apply the same credit to different invoices with different
// keys: the total applied never exceeds the credit, its open balance never
// goes below zero, and open + applied is exactly its amount.
func regressConcurrentApplications(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "note", Kind: invoice.CreditMemo, Amount: hm("USD 100")})).must(t)
	const n = 16
	for i := 0; i < n; i++ {
		res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: fmt.Sprintf("inv%d", i), Amount: hm("USD 30")})).must(t)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// A client whose request ran out of retries on conflicts sends
			// it again with the same key, as a real one would.
			for attempt := 0; attempt < 50; attempt++ {
				_, errs[i] = r.l.Apply(hBG, p, fmt.Sprintf("apply-%d", i), credit.ApplyRequest{
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
		if msg := typedError(err); msg != "" {
			t.Errorf("apply %d: %s", i, msg)
		}
	}
	note := regressDoc(t, r, "note")
	used := applied(t, r, "note")
	if more(used, hm("USD 100")) || note.Open.IsNegative() {
		t.Fatalf("credit of USD 100 applied for %v, open %v", used, note.Open)
	}
	if sum := res(note.Open.Add(used)).must(t); !sum.Equal(hm("USD 100")) {
		t.Errorf("open %v + applied %v is not the amount", note.Open, used)
	}
	// The note pays 30 + 30 + 30 + 10: four applications, then nothing is left.
	if ok != 4 || !used.Equal(hm("USD 100")) || note.Status != invoice.Closed {
		t.Errorf("%d applications succeeded for %v, note %s; want 4 for USD 100, closed", ok, used, note.Status)
	}
	paid := money.Zero(hUSD)
	for i := 0; i < n; i++ {
		d := regressDoc(t, r, fmt.Sprintf("inv%d", i))
		paid = res(paid.Add(res(d.Amount.Sub(d.Open)).must(t))).must(t)
	}
	if !paid.Equal(used) {
		t.Errorf("the invoices were paid %v, the note gave %v", paid, used)
	}
}

// The same race through a policy: every goroutine asks to use the
// account's credit on its own invoice.
func regressConcurrentPolicyApplications(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "note", Kind: invoice.CreditMemo, Amount: hm("USD 50")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: hm("USD 25")})).must(t)
	const n = 12
	for i := 0; i < n; i++ {
		res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: fmt.Sprintf("inv%d", i), Amount: hm("USD 20")})).must(t)
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := r.l.Apply(hBG, p, fmt.Sprintf("apply-%d", i), credit.ApplyRequest{Account: "c",
				Debits: []string{fmt.Sprintf("inv%d", i)}, Partial: true})
			if err != nil {
				if msg := typedError(err); msg != "" {
					t.Errorf("apply %d: %s", i, msg)
				}
			}
		}(i)
	}
	wg.Wait()
	for _, c := range []struct{ id, amount string }{{"note", "USD 50"}, {"pay", "USD 25"}} {
		d := regressDoc(t, r, c.id)
		used := applied(t, r, c.id)
		if sum := res(d.Open.Add(used)).must(t); !sum.Equal(hm(c.amount)) || d.Open.IsNegative() {
			t.Errorf("%s: open %v + applied %v, amount %s", c.id, d.Open, used, c.amount)
		}
	}
	b := res(r.l.Balances(hBG, p, "c")).must(t)
	// Applying never changes the outstanding balance: 75 − 12 × 20.
	if !b.Outstanding.Equal(hm("USD -165")) {
		t.Errorf("outstanding %v, want USD -165.00", b.Outstanding)
	}
}

// Reported against killbill (#1464): voiding an invoice that had been paid
// with account credit left the credit consumed, so the customer lost it.
// Here a void reverses every application on the invoice: each credit gets
// its own balance back and the outstanding balance rises by what was owed.
func regressVoidReturnsCredit(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: hm("USD 100")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "cm", Kind: invoice.CreditMemo, Amount: hm("USD 60")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: hm("USD 50")})).must(t)
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Account: "c", Debits: []string{"inv"}, Partial: true})).must(t)
	wantOpen(t, r, "inv", "USD 0", invoice.Paid)
	wantOpen(t, r, "cm", "USD 0", invoice.Closed)
	wantOpen(t, r, "pay", "USD 10", invoice.Open)
	wantOutstanding(t, r, "c", "USD 10")

	v := res(r.l.Void(hBG, p, r.key(), "inv", "order cancelled")).must(t)
	if len(v.Reversals) != 2 || !v.Removed.Equal(hm("USD 100")) {
		t.Errorf("void reversed %d applications and removed %v, want 2 and USD 100", len(v.Reversals), v.Removed)
	}
	wantOpen(t, r, "inv", "USD 0", invoice.Void)
	wantOpen(t, r, "cm", "USD 60", invoice.Open)
	wantOpen(t, r, "pay", "USD 50", invoice.Open)
	wantOutstanding(t, r, "c", "USD 110")
	if a := applied(t, r, "cm"); !a.IsZero() {
		t.Errorf("the credit memo still pays %v", a)
	}
}

// Reported against lago-api (#5870): the same wallet top-up, sent twice,
// was recorded twice. Here the same idempotency key returns the first
// result and writes one document.
func regressTopUpTwice(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Prepaid)
	req := credit.CreditRequest{Account: "c", Kind: invoice.Prepayment, Amount: hm("USD 75"), Reference: "top-up 7"}
	first := res(r.l.IssueCredit(hBG, p, "top-up-7", req)).must(t)
	r.advance(time.Minute)
	second := res(r.l.IssueCredit(hBG, p, "top-up-7", req)).must(t)
	if first.Document.ID != second.Document.ID || !second.Balances.Credit.Equal(first.Balances.Credit) {
		t.Errorf("the replay returned %s %v, the first %s %v", second.Document.ID, second.Balances, first.Document.ID, first.Balances)
	}
	wantCredits(t, r, "c", 1, "USD 75")
	// A payment recorded twice through Reimburse is recorded once too.
	rr := credit.ReimburseRequest{Account: "c", Amount: hm("USD 5"), Reference: "wire 9"}
	res(r.l.Reimburse(hBG, p, "wire-9", rr)).must(t)
	res(r.l.Reimburse(hBG, p, "wire-9", rr)).must(t)
	wantCredits(t, r, "c", 2, "USD 80")
	// The same key with another amount is refused, not recorded.
	req.Amount = hm("USD 76")
	_, err := r.l.IssueCredit(hBG, p, "top-up-7", req)
	if !errors.Is(err, credit.ErrIdempotencyConflict) {
		t.Errorf("same key, other amount: %v, want ErrIdempotencyConflict", err)
	}
	wantCredits(t, r, "c", 2, "USD 80")
}

// wantCredits checks the number of credit documents of an account and
// its credit balance.
func wantCredits(t *testing.T, r *rig, acct string, n int, credit_ string) {
	t.Helper()
	docs := res(r.l.Documents(hBG, r.admin(hNS), credit.DocumentFilter{Account: acct,
		Kinds: []invoice.Kind{invoice.Payment, invoice.Prepayment, invoice.CreditMemo, invoice.Credit}})).must(t)
	b := res(r.l.Balances(hBG, r.admin(hNS), acct)).must(t)
	if len(docs) != n || !b.Credit.Equal(hm(credit_)) {
		t.Errorf("account %s: %d credit documents and credit %v, want %d and %s", acct, len(docs), b.Credit, n, credit_)
	}
}

// The same top-up sent by many clients at once is recorded once.
func regressTopUpConcurrent(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	req := credit.CreditRequest{Account: "c", Kind: invoice.Prepayment, Amount: hm("USD 40")}
	const n = 10
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cr, err := r.l.IssueCredit(hBG, p, "top-up", req)
			if err != nil {
				// A loser may run out of retries; it must say so, typed.
				if msg := typedError(err); msg != "" || !errors.Is(err, credit.ErrConflict) {
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
	wantCredits(t, r, "c", 1, "USD 40")
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

func (s *lostAnswerStore) AccountIDs(ctx context.Context, ns, after string, limit int) ([]string, error) {
	return s.Store.(credit.AccountLister).AccountIDs(ctx, ns, after, limit)
}

// The retry after a timeout: the client's first attempt is cancelled
// mid-way (before the commit: nothing written) or its answer is lost
// (after the commit); it retries with the same key until it gets an answer,
// and one payment is recorded either way.
func regressRetryAfterTimeout(t *testing.T, r *rig) {
	ls := &lostAnswerStore{Store: r.st}
	wrapped := newRig(t, ls)
	wrapped.ids.Store(1000)
	p := wrapped.admin(hNS)
	regressOpen(t, wrapped, "c", credit.Term)
	req := credit.CreditRequest{Account: "c", Amount: hm("USD 12.50"), Reference: "card 4242"}

	// Cancelled before anything is written.
	ctx, cancel := context.WithCancel(hBG)
	ls.mu.Lock()
	ls.cancelLoad = cancel
	ls.mu.Unlock()
	_, err := wrapped.l.IssueCredit(ctx, p, "pay-1", req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled attempt: %v", err)
	}
	wantCredits(t, wrapped, "c", 0, "USD 0")
	first := res(wrapped.l.IssueCredit(hBG, p, "pay-1", req)).must(t)
	again := res(wrapped.l.IssueCredit(hBG, p, "pay-1", req)).must(t)
	if first.Document.ID != again.Document.ID {
		t.Errorf("retries recorded %s and %s", first.Document.ID, again.Document.ID)
	}
	wantCredits(t, wrapped, "c", 1, "USD 12.50")

	// The commit lands but the answer is lost, twice.
	ls.mu.Lock()
	ls.loseCommit = 1
	ls.mu.Unlock()
	_, err = wrapped.l.IssueCredit(hBG, p, "pay-2", req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lost answer: %v", err)
	}
	got := res(wrapped.l.IssueCredit(hBG, p, "pay-2", req)).must(t)
	res(wrapped.l.IssueCredit(hBG, p, "pay-2", req)).must(t)
	if got.Document.ID == first.Document.ID {
		t.Errorf("a new key replayed another payment")
	}
	wantCredits(t, wrapped, "c", 2, "USD 25")
}

// Reported against odoo (#120513, #39205): paying in part across
// currencies left the wrong residual on the invoice, or lost the exchange
// difference. Here a purchase in another currency records the amount given,
// the rate and what rounding took off, and the invoice is the converted
// amount exactly.
func regressForeignPurchase(t *testing.T, r *rig) {
	p := r.admin(hNS)
	res(r.l.OpenAccount(hBG, p, r.key(), credit.OpenAccountRequest{ID: "c", Currency: hUSD, Limit: hm("USD 1000")})).must(t)
	rate := money.MustParseRate("EUR/USD 1.0837")
	dr := res(r.l.Purchase(hBG, p, r.key(), credit.PurchaseRequest{Account: "c", ID: "po", Amount: hm("EUR 10.00"), Rate: rate, Reference: "PO-1"})).must(t)
	if !dr.Document.Amount.Equal(hm("USD 10.84")) || !dr.Document.Open.Equal(hm("USD 10.84")) {
		t.Errorf("purchase of EUR 10.00 at 1.0837 issued for %v open %v, want USD 10.84", dr.Document.Amount, dr.Document.Open)
	}
	h := res(r.l.History(hBG, p, credit.HistoryRequest{Account: "c"})).must(t)
	e := h[len(h)-1]
	if e.Op != credit.OpPurchased || !e.Amount.Equal(hm("USD 10.84")) || !e.Original.Equal(hm("EUR 10.00")) ||
		!e.Rate.Equal(rate) || e.Residual != "-0.003" {
		t.Errorf("purchase entry: %s %v original %v rate %v residual %q; want purchased USD 10.84, EUR 10.00, %v, -0.003",
			e.Op, e.Amount, e.Original, e.Rate, e.Residual, rate)
	}
	// Paying it in two parts leaves exactly nothing.
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "p1", Amount: hm("USD 5.42")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "p2", Amount: hm("USD 6.00")})).must(t)
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p1", Debit: "po"}}, Partial: true})).must(t)
	wantOpen(t, r, "po", "USD 5.42", invoice.Open)
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p2", Debit: "po"}}, Partial: true})).must(t)
	wantOpen(t, r, "po", "USD 0", invoice.Paid)
	wantOpen(t, r, "p2", "USD 0.58", invoice.Open)
}

// Partial applications leave open = amount − applied, to the cent, however
// awkward the split. (Applying a credit already applied to the same debit
// changes nothing, so each part is its own payment.)
func regressPartialResiduals(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: hm("USD 100.00")})).must(t)
	open := hm("USD 100.00")
	for i, part := range []string{"USD 33.33", "USD 33.33", "USD 0.01", "USD 16.66", "USD 16.66"} {
		id := fmt.Sprintf("pay%d", i)
		res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: id, Amount: hm("USD 40.00")})).must(t)
		res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: id, Debit: "inv", Amount: hm(part)}}, Partial: true})).must(t)
		open = res(open.Sub(hm(part))).must(t)
		if d := regressDoc(t, r, "inv"); !d.Open.Equal(open) {
			t.Errorf("after part %d (%s): invoice open %v, want %v", i+1, part, d.Open, open)
		}
		left := res(hm("USD 40.00").Sub(hm(part))).must(t)
		if d := regressDoc(t, r, id); !d.Open.Equal(left) {
			t.Errorf("after part %d (%s): payment open %v, want %v", i+1, part, d.Open, left)
		}
	}
	wantOpen(t, r, "inv", "USD 0.01", invoice.Open)
	// The last cent cannot be overpaid, and is paid exactly.
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "last", Amount: hm("USD 1.00")})).must(t)
	_, err := r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "last", Debit: "inv", Amount: hm("USD 0.02")}}, Partial: true})
	if !errors.Is(err, credit.ErrOverpaid) {
		t.Errorf("overpaying the last cent: %v, want ErrOverpaid", err)
	}
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "last", Debit: "inv"}}, Partial: true})).must(t)
	wantOpen(t, r, "inv", "USD 0", invoice.Paid)
	wantOpen(t, r, "last", "USD 0.99", invoice.Open)
	wantOutstanding(t, r, "c", "USD 101")
}

// A change of an account's currency converts every open document and
// records the rounding: the entry's residual is exactly the converted old
// outstanding balance minus the new one, so no fraction is lost unseen.
func regressCurrencyChangeResidual(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: hm("USD 10.01")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: hm("USD 3.33")})).must(t)
	rate := money.MustParseRate("USD/JPY 150.123")
	jpy := hJPY
	res(r.l.UpdateAccount(hBG, p, r.key(), credit.UpdateAccountRequest{Account: "c", Currency: &jpy, Rate: rate})).must(t)
	h := res(r.l.History(hBG, p, credit.HistoryRequest{Account: "c"})).must(t)
	e := h[len(h)-1]
	// Outstanding USD -6.68 × 150.123 = JPY -1002.82164; the documents
	// convert to JPY 500 − JPY 1503 = JPY -1003, so 0.17836 was rounded away.
	if e.Op != credit.OpCurrencyConverted || !e.Original.Equal(hm("USD -6.68")) || !e.Amount.Equal(hm("JPY -1003")) {
		t.Fatalf("conversion entry: %s original %v amount %v", e.Op, e.Original, e.Amount)
	}
	if e.Residual != "0.17836" {
		t.Errorf("conversion residual %q, want 0.17836 (original × rate − amount)", e.Residual)
	}
	b := res(r.l.Balances(hBG, p, "c")).must(t)
	if !b.Credit.Equal(hm("JPY 500")) || !b.Debit.Equal(hm("JPY 1503")) {
		t.Errorf("balances after conversion: %+v", b)
	}
}

// An apply whose credit and debit are in different currencies is refused:
// nothing converts silently inside an application.
func regressCrossCurrencyApply(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "u", credit.Term)
	res(r.l.OpenAccount(hBG, p, r.key(), credit.OpenAccountRequest{ID: "e", Currency: hEUR})).must(t)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "e", ID: "inv", Amount: hm("EUR 10")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "u", ID: "pay", Amount: hm("USD 10")})).must(t)
	for _, req := range []credit.ApplyRequest{
		{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv"}}, Partial: true},
		{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: hm("USD 5")}}, Partial: true},
		{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: hm("EUR 5")}}, Partial: true},
		{Credits: []string{"pay"}, Debits: []string{"inv"}, Partial: true, Policy: pairAll{}},
	} {
		_, err := r.l.Apply(hBG, p, r.key(), req)
		if !errors.Is(err, credit.ErrCurrencyMismatch) {
			t.Errorf("apply %+v: %v, want ErrCurrencyMismatch", req.Pairs, err)
		}
		if msg := typedError(err); msg != "" {
			t.Error(msg)
		}
	}
	// A policy left to choose pays nothing across currencies.
	pr, err := r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Credits: []string{"pay"}, Debits: []string{"inv"}, Partial: true})
	if err == nil && len(pr.Applications) > 0 {
		t.Errorf("the policy applied across currencies: %v", pr.Applications)
	}
	wantOpen(t, r, "pay", "USD 10", invoice.Open)
	d := regressDoc(t, r, "inv")
	if !d.Open.Equal(hm("EUR 10")) {
		t.Errorf("invoice open %v", d.Open)
	}
}

// Reported against killbill-adyen-plugin (#77) and FOSSBilling (#32): a
// charge back left the invoices the payment had paid marked paid, or left
// the customer's balance untouched. Here a charge back reverses the
// payment's applications (the invoices reopen with their open balance
// back), removes what it still held, and the outstanding balance falls by
// the whole payment.
func regressChargeBack(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "a", Amount: hm("USD 60")})).must(t)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "b", Amount: hm("USD 30")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "card", Amount: hm("USD 100")})).must(t)
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Account: "c", Partial: true})).must(t)
	wantOpen(t, r, "a", "USD 0", invoice.Paid)
	wantOpen(t, r, "b", "USD 0", invoice.Paid)
	wantOpen(t, r, "card", "USD 10", invoice.Open)
	wantOutstanding(t, r, "c", "USD 10")

	rr := res(r.l.ReversePayment(hBG, p, r.key(), credit.ReverseRequest{Payment: "card", ChargeBack: true, Reference: "CB-1"})).must(t)
	if len(rr.Reversals) != 2 || !rr.Removed.Equal(hm("USD 100")) || rr.Document.Status != invoice.Reversed {
		t.Errorf("charge back: %d reversals, removed %v, status %s", len(rr.Reversals), rr.Removed, rr.Document.Status)
	}
	wantOpen(t, r, "a", "USD 60", invoice.Open)
	wantOpen(t, r, "b", "USD 30", invoice.Open)
	wantOpen(t, r, "card", "USD 0", invoice.Reversed)
	wantOutstanding(t, r, "c", "USD -90")
	h := res(r.l.History(hBG, p, credit.HistoryRequest{Account: "c"})).must(t)
	if e := h[len(h)-1]; e.Op != credit.OpChargedBack || e.Reference != "CB-1" || !e.After.Outstanding.Equal(hm("USD -90")) {
		t.Errorf("last entry %s ref %q outstanding %v", e.Op, e.Reference, e.After.Outstanding)
	}
	// A second charge back of the same payment is refused.
	_, err := r.l.ReversePayment(hBG, p, r.key(), credit.ReverseRequest{Payment: "card", ChargeBack: true})
	if !errors.Is(err, credit.ErrBadState) {
		t.Errorf("second charge back: %v, want ErrBadState", err)
	}
}

// Reported against erpnext (#36879, #37117): unlinking one invoice from a
// payment needed the payment cancelled, or dropped its other allocations.
// Here unapplying one application reverses only it: that invoice reopens,
// the payment gets that amount back and stays open, and its other
// applications stand.
func regressUnlinkOne(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	for _, d := range []struct{ id, amt string }{{"a", "USD 30"}, {"b", "USD 30"}, {"c", "USD 40"}} {
		res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: d.id, Amount: hm(d.amt)})).must(t)
	}
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "pay", Amount: hm("USD 100")})).must(t)
	ar := res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Account: "c", Partial: true})).must(t)
	var onB string
	for _, a := range ar.Applications {
		if a.Debit == "b" {
			onB = a.ID
		}
	}
	if len(ar.Applications) != 3 || onB == "" {
		t.Fatalf("applications %v", ar.Applications)
	}
	ur := res(r.l.Unapply(hBG, p, r.key(), credit.UnapplyRequest{Application: onB, Comment: "wrong invoice"})).must(t)
	if len(ur.Reversals) != 1 || ur.Reversals[0].Reverses != onB {
		t.Errorf("unapply wrote %v", ur.Reversals)
	}
	wantOpen(t, r, "a", "USD 0", invoice.Paid)
	wantOpen(t, r, "b", "USD 30", invoice.Open)
	wantOpen(t, r, "c", "USD 0", invoice.Paid)
	wantOpen(t, r, "pay", "USD 30", invoice.Open)
	if a := applied(t, r, "pay"); !a.Equal(hm("USD 70")) {
		t.Errorf("the payment still pays %v, want USD 70", a)
	}
	for _, id := range []string{"a", "c"} {
		if a := applied(t, r, id); !a.IsZero() && len(res(r.l.Applications(hBG, p, id)).must(t)) != 1 {
			t.Errorf("invoice %s: its application was touched", id)
		}
	}
	docs := res(r.l.Documents(hBG, p, credit.DocumentFilter{Account: "c"})).must(t)
	if len(docs) != 4 {
		t.Errorf("%d documents after unlinking, want the same 4", len(docs))
	}
	wantOutstanding(t, r, "c", "USD 0")
	// The freed amount can pay another invoice.
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "d", Amount: hm("USD 30")})).must(t)
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "d"}}})).must(t)
	wantOpen(t, r, "d", "USD 0", invoice.Paid)
}

// Reported elsewhere: credit applied to a draft or a voided invoice. We
// have no drafts (a document exists once issued); a void invoice, and one
// already paid, take no credit, by pair or by policy, and the credit keeps
// its balance.
func regressVoidOrPaidTarget(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Term)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "void", Amount: hm("USD 20")})).must(t)
	res(r.l.Void(hBG, p, r.key(), "void", "")).must(t)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "paid", Amount: hm("USD 20")})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "p0", Amount: hm("USD 20")})).must(t)
	res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p0", Debit: "paid"}}})).must(t)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "cm", Kind: invoice.CreditMemo, Amount: hm("USD 50")})).must(t)
	for _, target := range []string{"void", "paid"} {
		for _, req := range []credit.ApplyRequest{
			{Pairs: []credit.Pair{{Credit: "cm", Debit: target}}, Partial: true},
			{Pairs: []credit.Pair{{Credit: "cm", Debit: target, Amount: hm("USD 5")}}, Partial: true},
			{Credits: []string{"cm"}, Debits: []string{target}, Partial: true, Policy: pairAll{}},
		} {
			_, err := r.l.Apply(hBG, p, r.key(), req)
			if !errors.Is(err, credit.ErrInvalidPlan) {
				t.Errorf("credit on a %s invoice: %v, want ErrInvalidPlan", target, err)
			}
		}
		// Left to the policy, nothing is applied.
		ar, err := r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Credits: []string{"cm"}, Debits: []string{target}, Partial: true})
		if err == nil && len(ar.Applications) > 0 {
			t.Errorf("the policy applied credit to a %s invoice", target)
		}
	}
	wantOpen(t, r, "cm", "USD 50", invoice.Open)
	wantOpen(t, r, "void", "USD 0", invoice.Void)
	wantOpen(t, r, "paid", "USD 0", invoice.Paid)
}

// Reported elsewhere: credit used after its expiry date. An expired credit
// is not applied by a policy, on a prepaid account's new invoice, nor by
// an explicit pair, nor refunded or transferred; Expire removes its open
// balance and the outstanding balance falls by it.
func regressExpiredCredit(t *testing.T, r *rig) {
	p := r.admin(hNS)
	regressOpen(t, r, "c", credit.Prepaid)
	regressOpen(t, r, "d", credit.Term)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "c", ID: "promo", Kind: invoice.Credit, Reason: "promotion",
		Amount: hm("USD 50"), Expires: hT0.Add(24 * time.Hour)})).must(t)
	r.at(hT0.Add(24 * time.Hour)) // the expiry instant: expired from now on
	dr := res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "c", ID: "inv", Amount: hm("USD 80")})).must(t)
	if len(dr.Applications) != 0 {
		t.Errorf("a prepaid invoice took expired credit: %v", dr.Applications)
	}
	ar, err := r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Account: "c", Partial: true})
	if err == nil && len(ar.Applications) > 0 {
		t.Errorf("a policy applied expired credit: %v", ar.Applications)
	}
	_, err = r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "promo", Debit: "inv"}}, Partial: true})
	if !errors.Is(err, credit.ErrInvalidPlan) {
		t.Errorf("explicit pair with an expired credit: %v, want ErrInvalidPlan", err)
	}
	if _, err := r.l.Refund(hBG, p, r.key(), credit.RefundRequest{All: true, Credit: "promo"}); !errors.Is(err, credit.ErrBadState) {
		t.Errorf("refund of an expired credit: %v, want ErrBadState", err)
	}
	if _, err := r.l.Transfer(hBG, p, r.key(), credit.TransferRequest{All: true, Credit: "promo", To: "d"}); !errors.Is(err, credit.ErrBadState) {
		t.Errorf("transfer of an expired credit: %v, want ErrBadState", err)
	}
	if el := res(r.l.EligibleCredits(hBG, p, "inv", false)).must(t); len(el) != 0 {
		t.Errorf("eligible credits include an expired one: %v", el)
	}
	wantOpen(t, r, "promo", "USD 50", invoice.Open)
	wantOutstanding(t, r, "c", "USD -30")
	er := res(r.l.Expire(hBG, p, r.key(), credit.ExpireRequest{Account: "c"})).must(t)
	if !er.Removed.Equal(hm("USD 50")) || len(er.Documents) != 1 {
		t.Errorf("expire removed %v from %d documents", er.Removed, len(er.Documents))
	}
	wantOpen(t, r, "promo", "USD 0", invoice.Expired)
	wantOpen(t, r, "inv", "USD 80", invoice.Open)
	wantOutstanding(t, r, "c", "USD -80")
	// Expiring again finds nothing and changes nothing.
	er = res(r.l.Expire(hBG, p, r.key(), credit.ExpireRequest{Account: "c"})).must(t)
	if !er.Removed.IsZero() || len(er.Documents) != 0 {
		t.Errorf("second expire removed %v", er.Removed)
	}
	wantOutstanding(t, r, "c", "USD -80")
}
