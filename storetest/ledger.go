package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The ledger scenarios run operations through a Ledger over the store, as
// an application would: a store that loses, mixes up or half-writes the
// records the Ledger really writes shows as wrong balances, documents,
// histories or hash chains. What the Ledger checks before anything reaches
// a store (input validation, authorization, planning) is proven by
// credit's own tests on the memory store, not here.
func ledgerScenarios() []scenario {
	return []scenario{
		{"Ledger/Operations", "every kind of operation reads back through the Ledger with the balances it wrote", ledgerOperations},
		{"Ledger/Reads", "the Ledger's reads (balances as of a time, documents, applications) see what was written", ledgerReads},
		{"Ledger/Idempotency", "a replayed key returns the first result and writes nothing; keys are per namespace", ledgerIdempotency},
		{"Ledger/Tenancy", "another namespace's ids are not found through the Ledger and are left unchanged", ledgerTenancy},
		{"Ledger/HiddenIsMissing", "an id of an account the principal may not read answers exactly as an id that exists nowhere, for every operation that takes ids", ledgerHiddenIsMissing},
		{"Ledger/Verify", "the hash chain and balances of every history verify, account by account and for the namespace", ledgerVerify},
		{"Ledger/LongHistory", "a history of more than one page of credit.MaxPage entries pages whole and verifies", ledgerLongHistory},
		{"Ledger/HostileInputs", "requests refused by what the store kept (24-digit sums, ids and keys at their limits, used keys, documents' states, other namespaces' ids) are refused and write nothing", ledgerHostileInputs},
		{"Ledger/Regressions", "bugs other billing systems shipped stay fixed on this store", ledgerRegressions},
		{"Ledger/WriteOffsAndChargeBacks", "write-offs, partial charge backs and their undoing, and refunds that take applications back read back with the balances they wrote, and replay", ledgerWriteOffsAndChargeBacks},
		{"Ledger/FuzzSeeds", "random requests, hostile ones among them, leave every invariant true and a refused one writes nothing", ledgerFuzzSeeds},
	}
}

// balances fails the test unless the account's open credit and open debit
// are as given (in cents).
func (f *fixture) balances(account string, credit, debit int64) {
	f.t.Helper()
	b, err := f.l.Balances(f.ctx, f.p, account)
	f.must("Balances", err)
	if minor(b.Credit) != credit || minor(b.Debit) != debit {
		f.t.Fatalf("account %s: credit %s debit %s, want %d and %d cents", account, b.Credit, b.Debit, credit, debit)
	}
}

func (f *fixture) doc(id string) invoice.Document {
	f.t.Helper()
	d, err := f.l.Document(f.ctx, f.p, id)
	f.must("Document "+id, err)
	return d
}

// open fails the test unless the document's open balance and status are as given.
func (f *fixture) open(id string, open int64, status invoice.Status) {
	f.t.Helper()
	d := f.doc(id)
	if minor(d.Open) != open || d.Status != status {
		f.t.Fatalf("document %s: open %s, %s; want %d cents, %s", id, d.Open, d.Status, open, status)
	}
}

func ledgerOperations(t tb, e *env) {
	f := newFixture(t, e)
	accts := []string{"a", "b", "p"}
	f.openAccount("a", credit.Term, 100000, false)
	f.openAccount("b", credit.Term, 0, false)
	f.openAccount("p", credit.Prepaid, 0, false)

	// Purchase within the limit, then one beyond it.
	pr, err := f.l.Purchase(f.ctx, f.p, f.key(), credit.PurchaseRequest{Account: "a", Amount: cents(60000), Reference: "order-1"})
	f.must("Purchase", err)
	inv1 := pr.Document.ID
	if minor(pr.Balances.Available) != 40000 {
		t.Fatalf("available after a purchase of 600.00 on 1000.00: %s", pr.Balances.Available)
	}
	_, err = f.l.Purchase(f.ctx, f.p, f.key(), credit.PurchaseRequest{Account: "a", Amount: cents(40001)})
	wantErr(t, "purchase over the limit", err, credit.ErrCreditLimitExceeded)
	inv2 := f.invoice("a", 10000)
	pay := f.payment("a", 25000)
	f.balances("a", 25000, 70000)

	// Explicit pair, then a policy apply of the rest.
	ar, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv2}}})
	f.must("Apply pair", err)
	if len(ar.Applications) != 1 || minor(ar.Applications[0].Amount) != 10000 {
		t.Fatalf("explicit pair wrote %+v", ar.Applications)
	}
	f.open(inv2, 0, invoice.Paid)
	f.open(pay, 15000, invoice.Open)
	// Applying the same pair again changes nothing (iMIS).
	again, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv2}}})
	f.must("Apply the same pair", err)
	if len(again.Applications) != 0 || len(again.Unchanged) != 1 {
		t.Fatalf("applying an applied pair again: %+v", again)
	}
	pol, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Account: "a", Partial: true})
	f.must("Apply by policy", err)
	if total, _ := pol.Plan.Total(); minor(total) != 15000 {
		t.Fatalf("policy applied %s, want 150.00", total)
	}
	f.open(pay, 0, invoice.Closed)
	f.open(inv1, 45000, invoice.Open)
	f.balances("a", 0, 45000)
	f.check(accts)

	// Unapply the policy's operation: the invoice reopens, the payment too.
	ur, err := f.l.Unapply(f.ctx, f.p, f.key(), credit.UnapplyRequest{Operation: pol.Operation})
	f.must("Unapply operation", err)
	if len(ur.Reversals) != 1 {
		t.Fatalf("unapply wrote %d reversals", len(ur.Reversals))
	}
	f.open(pay, 15000, invoice.Open)
	_, err = f.l.Unapply(f.ctx, f.p, f.key(), credit.UnapplyRequest{Operation: pol.Operation})
	wantErr(t, "unapply twice", err, credit.ErrBadState)

	// Adjust the paid invoice below what was applied: the payment gets it back.
	adj, err := f.l.Adjust(f.ctx, f.p, f.key(), credit.AdjustRequest{Debit: inv2, Amount: cents(4000), Reason: "partial cancel"})
	f.must("Adjust", err)
	if minor(adj.Removed) != 6000 || len(adj.Reversals) != 1 || len(adj.Applications) != 1 || minor(adj.Applications[0].Amount) != 4000 {
		t.Fatalf("adjust 100.00 → 40.00 of a paid invoice: %+v", adj)
	}
	f.open(pay, 21000, invoice.Open)
	f.open(inv2, 0, invoice.Paid)
	// Void it: the rest comes back too.
	if _, err := f.l.Void(f.ctx, f.p, f.key(), credit.VoidRequest{Debit: inv2, Reason: "cancelled"}); err != nil {
		t.Fatalf("Void: %v", err)
	}
	f.open(pay, 25000, invoice.Open)
	f.open(inv2, 0, invoice.Void)
	_, err = f.l.Void(f.ctx, f.p, f.key(), credit.VoidRequest{Debit: inv2, Reason: "again"})
	wantErr(t, "void twice", err, credit.ErrBadState)
	f.balances("a", 25000, 60000)

	// Refund part, transfer part to b, reverse the payment.
	if _, err := f.l.Refund(f.ctx, f.p, f.key(), credit.RefundRequest{Credit: pay, Amount: cents(5000)}); err != nil {
		t.Fatalf("Refund: %v", err)
	}
	tr, err := f.l.Transfer(f.ctx, f.p, f.key(), credit.TransferRequest{Credit: pay, To: "b", Amount: cents(5000)})
	f.must("Transfer", err)
	if tr.To.Account != "b" || minor(tr.To.Open) != 5000 || tr.To.Original != pay || minor(tr.From.Open) != 15000 {
		t.Fatalf("transfer: %+v", tr)
	}
	f.balances("b", 5000, 0)
	if _, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv1, Amount: cents(10000)}}, Partial: true}); err != nil {
		t.Fatalf("Apply partial: %v", err)
	}
	rr, err := f.l.ReversePayment(f.ctx, f.p, f.key(), credit.ReverseRequest{Payment: pay, ChargeBack: true})
	f.must("ReversePayment", err)
	if minor(rr.Removed) != 15000 || len(rr.Reversals) != 1 || rr.Document.Status != invoice.Reversed {
		t.Fatalf("reverse payment: %+v", rr)
	}
	f.open(inv1, 60000, invoice.Open)
	f.balances("a", 0, 60000)
	// The transferred credit pays an invoice of a across accounts.
	if _, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: tr.To.ID, Debit: inv1}}, Partial: true}); err != nil {
		t.Fatalf("Apply across accounts: %v", err)
	}
	f.balances("b", 0, 0)
	f.balances("a", 0, 55000)
	f.check(accts)

	// Prepaid: credit is used at once, both ways.
	pp := f.payment("p", 3000)
	dr, err := f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: "p", Amount: cents(5000)})
	f.must("IssueDebit prepaid", err)
	if len(dr.Applications) != 1 || minor(dr.Applications[0].Amount) != 3000 {
		t.Fatalf("prepaid debit used %+v", dr.Applications)
	}
	f.open(pp, 0, invoice.Closed)
	cr, err := f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: "p", Kind: invoice.CreditGrant, Reason: "goodwill", Amount: cents(9000)})
	f.must("IssueCredit prepaid", err)
	if len(cr.Applications) != 1 || minor(cr.Applications[0].Amount) != 2000 || minor(cr.Document.Open) != 7000 {
		t.Fatalf("prepaid credit: %+v", cr)
	}
	// A recurring debit is never paid automatically.
	rec, err := f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: "p", Amount: cents(1000), Recurring: true})
	f.must("IssueDebit recurring", err)
	if len(rec.Applications) != 0 {
		t.Fatalf("credit applied to a recurring debit: %+v", rec.Applications)
	}
	// A credit memo against a debit (Adobe: Refunded) pays it at once.
	memoDebit := f.invoice("b", 3000)
	cm, err := f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: "b", Kind: invoice.CreditMemo, Amount: cents(5000), Against: memoDebit})
	f.must("IssueCredit against", err)
	if len(cm.Applications) != 1 || minor(cm.Document.Open) != 2000 {
		t.Fatalf("credit memo against a debit: %+v", cm)
	}
	f.open(memoDebit, 0, invoice.Paid)

	// Consolidate a and b.
	f.payment("a", 55000)
	f.invoice("b", 2000)
	con, err := f.l.Consolidate(f.ctx, f.p, f.key(), credit.ConsolidateRequest{Accounts: []string{"a", "b", "nope"}, Partial: true})
	f.must("Consolidate", err)
	if len(con.Accounts) != 3 || con.Accounts[2].Error == "" || minor(con.Accounts[0].Total) != 55000 || minor(con.Accounts[1].Total) != 2000 {
		t.Fatalf("consolidate: %+v", con)
	}
	f.balances("a", 0, 0)
	f.balances("b", 0, 0)
	f.check(accts)

	// Update the credit line and settings.
	limit, exceed := cents(1000), true
	ua, err := f.l.UpdateAccount(f.ctx, f.p, f.key(), credit.UpdateAccountRequest{Account: "b", Limit: &limit, AllowExceed: &exceed, Reason: "review"})
	f.must("UpdateAccount", err)
	if minor(ua.Limit) != 1000 || !ua.AllowExceed {
		t.Fatalf("update: %+v", ua)
	}
	if _, err := f.l.Purchase(f.ctx, f.p, f.key(), credit.PurchaseRequest{Account: "b", Amount: cents(5000)}); err != nil {
		t.Fatalf("purchase beyond the limit with AllowExceed: %v", err)
	}
	if b, _ := f.l.Balances(f.ctx, f.p, "b"); minor(b.Available) != -4000 {
		t.Fatalf("available after exceeding: %s", b.Available)
	}
	// A purchase in another currency records the rate.
	eur := money.MustCurrency("EUR")
	rate, err := money.NewRate(eur, usd, "1.1")
	f.must("NewRate", err)
	eurAmt, _ := money.New(eur, "10.00")
	pe, err := f.l.Purchase(f.ctx, f.p, f.key(), credit.PurchaseRequest{Account: "b", Amount: eurAmt, Rate: rate})
	f.must("Purchase in EUR", err)
	if minor(pe.Document.Amount) != 1100 {
		t.Fatalf("EUR 10.00 at 1.1 gave %s", pe.Document.Amount)
	}
	h, err := f.l.History(f.ctx, f.p, credit.HistoryRequest{Account: "b", AfterSeq: 0, Limit: credit.MaxPage})
	f.must("History", err)
	if last := h[len(h)-1]; last.Kind != credit.ChargedToCreditLine || !last.Original.Equal(eurAmt) || !last.Rate.IsValid() {
		t.Fatalf("last entry of a converted purchase: %+v", last)
	}
	f.check(accts)

	// A change of the account's currency converts its open documents.
	gbp := money.MustCurrency("GBP")
	toGBP, err := money.NewRate(usd, gbp, "0.5")
	f.must("NewRate", err)
	newLimit, _ := money.New(gbp, "10.00")
	ca, err := f.l.UpdateAccount(f.ctx, f.p, f.key(), credit.UpdateAccountRequest{Account: "b", Currency: &gbp, Rate: toGBP, Limit: &newLimit})
	f.must("UpdateAccount currency", err)
	if ca.Currency != gbp || minor(ca.Debit) != 3050 {
		t.Fatalf("converted account: %+v (debit of USD 61.00 at 0.5 should be GBP 30.50)", ca)
	}
	f.check(accts)
}

func ledgerReads(t tb, e *env) {
	f := newFixture(t, e)
	f.openAccount("a", credit.Term, 0, false)
	opened, _ := f.l.History(f.ctx, f.p, credit.HistoryRequest{Account: "a"})
	inv := f.invoice("a", 5000)
	pay := f.payment("a", 2000)
	h, err := f.l.History(f.ctx, f.p, credit.HistoryRequest{Account: "a"})
	f.must("History", err)
	if len(h) != 3 || len(opened) != 1 {
		t.Fatalf("history has %d entries, want 3", len(h))
	}
	// BalancesAt: before opening, at each entry, between, after.
	if _, err := f.l.BalancesAt(f.ctx, f.p, "a", h[0].At.Add(-time.Second)); !errors.Is(err, credit.ErrNotFound) {
		t.Errorf("BalancesAt before the account was opened: %v, want ErrNotFound", err)
	}
	for i, e := range h {
		b, err := f.l.BalancesAt(f.ctx, f.p, "a", e.At)
		f.must("BalancesAt", err)
		if !cmp.Equal(b, e.After) {
			t.Errorf("BalancesAt(entry %d) = %+v, want %+v", i+1, b, e.After)
		}
	}
	if b, _ := f.l.BalancesAt(f.ctx, f.p, "a", h[1].At.Add(time.Millisecond)); !cmp.Equal(b, h[1].After) {
		t.Errorf("BalancesAt between entries 2 and 3 = %+v", b)
	}
	now, _ := f.l.Balances(f.ctx, f.p, "a")
	if b, _ := f.l.BalancesAt(f.ctx, f.p, "a", h[2].At.Add(time.Hour)); !cmp.Equal(b, now) {
		t.Errorf("BalancesAt after the last entry = %+v, want %+v", b, now)
	}
	// EligibleCredits and Preview, which writes nothing.
	el, err := f.l.EligibleCredits(f.ctx, f.p, credit.EligibleRequest{Debit: inv})
	f.must("EligibleCredits", err)
	if len(el) != 1 || el[0].ID != pay {
		t.Errorf("EligibleCredits = %v", el)
	}
	before := f.read([]string{"a"})
	pv, err := f.l.Preview(f.ctx, f.p, credit.ApplyRequest{Account: "a", Partial: true})
	f.must("Preview", err)
	if total, _ := pv.Plan.Total(); minor(total) != 2000 || minor(pv.Available) != 2000 {
		t.Errorf("Preview: %+v", pv)
	}
	f.unchanged("Preview", []string{"a"}, before)
	// Documents through the Ledger: open debits only.
	ds, err := f.l.Documents(f.ctx, f.p, credit.DocumentFilter{Account: "a", OpenOnly: true, Kinds: []invoice.Kind{invoice.Invoice}})
	f.must("Documents", err)
	if len(ds) != 1 || ds[0].ID != inv {
		t.Errorf("open invoices: %v", ds)
	}
	// Applications of a document, oldest first, with reversals.
	ap, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv}}, Partial: true})
	f.must("Apply", err)
	if _, err := f.l.Unapply(f.ctx, f.p, f.key(), credit.UnapplyRequest{Application: ap.Applications[0].ID}); err != nil {
		t.Fatalf("Unapply: %v", err)
	}
	apps, err := f.l.Applications(f.ctx, f.p, inv)
	f.must("Applications", err)
	if len(apps) != 2 || apps[1].Reverses != apps[0].ID {
		t.Errorf("applications of the invoice: %+v", apps)
	}
	f.check([]string{"a"})
}

// wantErr fails the test unless err wraps want and is a *credit.Error.
func wantErr(t tb, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got %v, want an error wrapping %v", what, err, want)
		return
	}
	var ce *credit.Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: %v is not a *credit.Error", what, err)
	}
}

func ledgerIdempotency(t tb, e *env) {
	f := newFixture(t, e)
	f.openAccount("a", credit.Term, 100000, false)
	inv := f.invoice("a", 5000)
	pay := f.payment("a", 3000)
	accts := []string{"a"}
	// Every kind of operation, replayed: same result, nothing written.
	calls := []struct {
		name string
		call func(key string) (any, error)
	}{
		{"IssueDebit", func(k string) (any, error) {
			return f.l.IssueDebit(f.ctx, f.p, k, credit.DebitRequest{Account: "a", Amount: cents(700)})
		}},
		{"Purchase", func(k string) (any, error) {
			return f.l.Purchase(f.ctx, f.p, k, credit.PurchaseRequest{Account: "a", Amount: cents(800)})
		}},
		{"IssueCredit", func(k string) (any, error) {
			return f.l.IssueCredit(f.ctx, f.p, k, credit.CreditRequest{Account: "a", Amount: cents(900)})
		}},
		{"Apply", func(k string) (any, error) {
			return f.l.Apply(f.ctx, f.p, k, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv, Amount: cents(1000)}}, Partial: true})
		}},
		{"Refund", func(k string) (any, error) {
			return f.l.Refund(f.ctx, f.p, k, credit.RefundRequest{Credit: pay, Amount: cents(100)})
		}},
		{"Reimburse", func(k string) (any, error) {
			return f.l.Reimburse(f.ctx, f.p, k, credit.ReimburseRequest{Account: "a", Amount: cents(-100)})
		}},
		{"Adjust", func(k string) (any, error) {
			return f.l.Adjust(f.ctx, f.p, k, credit.AdjustRequest{Debit: inv, Amount: cents(4000)})
		}},
	}
	for _, c := range calls {
		k := f.key()
		first, err := c.call(k)
		f.must(c.name, err)
		before := f.read(accts)
		again, err := c.call(k)
		if err != nil {
			t.Fatalf("%s replayed: %v", c.name, err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("%s replayed returned another result (-first +replay):\n%s", c.name, diff)
		}
		f.unchanged(c.name+" replayed", accts, before)
	}
	// The same key with another request is refused.
	k := f.key()
	fFirst, err := f.l.IssueDebit(f.ctx, f.p, k, credit.DebitRequest{Account: "a", Amount: cents(100)})
	if err != nil {
		t.Fatalf("IssueDebit: %v", err)
	}
	before := f.read(accts)
	_, err = f.l.IssueDebit(f.ctx, f.p, k, credit.DebitRequest{Account: "a", Amount: cents(101)})
	wantErr(t, "same key, another amount", err, credit.ErrIdempotencyConflict)
	_, err = f.l.IssueCredit(f.ctx, f.p, k, credit.CreditRequest{Account: "a", Amount: cents(100)})
	wantErr(t, "same key, another operation", err, credit.ErrIdempotencyConflict)
	f.unchanged("refused reuse of a key", accts, before)
	// Keys are per namespace: the same key elsewhere is a new operation.
	g := newFixture(t, e)
	g.openAccount("a", credit.Term, 0, false)
	r, err := g.l.IssueDebit(g.ctx, g.p, k, credit.DebitRequest{Account: "a", Amount: cents(100)})
	if err != nil {
		t.Fatalf("the same key in another namespace: %v", err)
	}
	g.balances("a", 0, 100)
	if r.Document.Account != "a" {
		t.Errorf("the same key in another namespace returned %+v", r)
	}
	f.unchanged("a key used in another namespace", accts, before)
	// Each namespace's key still answers with its own first result.
	if again, err := f.l.IssueDebit(f.ctx, f.p, k, credit.DebitRequest{Account: "a", Amount: cents(100)}); err != nil ||
		again.Document.ID != fFirst.Document.ID {
		t.Errorf("the key replayed after another namespace used it: document %q, %v; want %q", again.Document.ID, err, fFirst.Document.ID)
	}
	if again, err := g.l.IssueDebit(g.ctx, g.p, k, credit.DebitRequest{Account: "a", Amount: cents(100)}); err != nil ||
		again.Document.ID != r.Document.ID {
		t.Errorf("the other namespace's key replayed: document %q, %v; want %q", again.Document.ID, err, r.Document.ID)
	}
	f.unchanged("replays of a key both namespaces use", accts, before)
	f.check(accts)
	g.check(accts)
}

func ledgerTenancy(t tb, e *env) {
	f, g := newFixture(t, e), newFixture(t, e)
	f.openAccount("a", credit.Term, 1000, false)
	inv := f.invoice("a", 500)
	pay := f.payment("a", 300)
	g.openAccount("b", credit.Term, 0, false)
	gInv := g.invoice("b", 100)
	before := f.read([]string{"a"})
	gBefore := g.read([]string{"b"})
	// g knows f's ids but cannot read or touch them.
	l, p, ctx := g.l, g.p, g.ctx
	attempts := map[string]func() error{
		"Account":      func() error { _, err := l.Account(ctx, p, "a"); return err },
		"Balances":     func() error { _, err := l.Balances(ctx, p, "a"); return err },
		"Document":     func() error { _, err := l.Document(ctx, p, inv); return err },
		"Applications": func() error { _, err := l.Applications(ctx, p, inv); return err },
		"EligibleCredits": func() error {
			_, err := l.EligibleCredits(ctx, p, credit.EligibleRequest{Debit: inv})
			return err
		},
		"IssueDebit": func() error {
			_, err := l.IssueDebit(ctx, p, g.key(), credit.DebitRequest{Account: "a", Amount: cents(1)})
			return err
		},
		"Apply": func() error {
			_, err := l.Apply(ctx, p, g.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv}}, Partial: true})
			return err
		},
		"Apply to own debit": func() error {
			_, err := l.Apply(ctx, p, g.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: gInv}}, Partial: true})
			return err
		},
		"Refund": func() error {
			_, err := l.Refund(ctx, p, g.key(), credit.RefundRequest{All: true, Credit: pay})
			return err
		},
		"Void": func() error {
			_, err := l.Void(ctx, p, g.key(), credit.VoidRequest{Debit: inv})
			return err
		},
		"Transfer": func() error {
			_, err := l.Transfer(ctx, p, g.key(), credit.TransferRequest{All: true, Credit: pay, To: "b"})
			return err
		},
		"Reverse": func() error {
			_, err := l.ReversePayment(ctx, p, g.key(), credit.ReverseRequest{Payment: pay})
			return err
		},
		"Purchase": func() error {
			_, err := l.Purchase(ctx, p, g.key(), credit.PurchaseRequest{Account: "a", Amount: cents(1)})
			return err
		},
	}
	for _, name := range sortedKeys(attempts) {
		wantErr(t, "another namespace: "+name, attempts[name](), credit.ErrNotFound)
	}
	if h, err := l.History(ctx, p, credit.HistoryRequest{Account: "a"}); !errors.Is(err, credit.ErrNotFound) || len(h) != 0 {
		t.Errorf("another namespace reads the history: %d entries, %v", len(h), err)
	}
	if ds, err := l.Documents(ctx, p, credit.DocumentFilter{Account: "a"}); !errors.Is(err, credit.ErrNotFound) || len(ds) != 0 {
		t.Errorf("another namespace lists the documents: %d, %v", len(ds), err)
	}
	// Consolidate reports the unknown account and writes nothing for it.
	if _, err := l.Consolidate(ctx, p, g.key(), credit.ConsolidateRequest{Accounts: []string{"a"}, Partial: true}); err != nil {
		t.Errorf("Consolidate: %v", err)
	}
	f.unchanged("operations from another namespace", []string{"a"}, before)
	g.unchanged("operations on another namespace's ids", []string{"b"}, gBefore)
}

// ledgerVerify writes histories of every kind of entry, long enough to
// page, and verifies them: the hash chain (Entry.Prev, Entry.Hash,
// Account.Head) and the balances replayed from the entries must read back
// from the store as the Ledger wrote them.
func ledgerVerify(t tb, e *env) {
	f := newFixture(t, e)
	f.openAccount("a", credit.Term, 100000, false)
	f.openAccount("b", credit.Prepaid, 0, false)
	inv := f.invoice("a", 10000)
	pay := f.payment("a", 7000)
	ar, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv, Amount: cents(6000)}}, Partial: true})
	f.must("Apply", err)
	_, err = f.l.Unapply(f.ctx, f.p, f.key(), credit.UnapplyRequest{Operation: ar.Operation})
	f.must("Unapply", err)
	eur := money.MustCurrency("EUR")
	rate, err := money.NewRate(eur, usd, "1.0837")
	f.must("NewRate", err)
	eurAmt, err := money.New(eur, "10.01")
	f.must("money.New", err)
	_, err = f.l.Purchase(f.ctx, f.p, f.key(), credit.PurchaseRequest{Account: "a", Amount: eurAmt, Rate: rate})
	f.must("Purchase in EUR", err)
	_, err = f.l.Adjust(f.ctx, f.p, f.key(), credit.AdjustRequest{Debit: inv, Amount: cents(9000)})
	f.must("Adjust", err)
	_, err = f.l.Refund(f.ctx, f.p, f.key(), credit.RefundRequest{Credit: pay, Amount: cents(500)})
	f.must("Refund", err)
	_, err = f.l.Transfer(f.ctx, f.p, f.key(), credit.TransferRequest{Credit: pay, To: "b", Amount: cents(1500)})
	f.must("Transfer", err)
	_, err = f.l.Reimburse(f.ctx, f.p, f.key(), credit.ReimburseRequest{Account: "a", Amount: cents(-300), Reference: "R-1"})
	f.must("Reimburse", err)
	for i := range e.opts.records() {
		acct := "b"
		if i%2 == 0 {
			acct = "a"
		}
		f.invoice(acct, int64(100+i))
	}
	for _, id := range []string{"a", "b"} {
		if err := f.l.Verify(f.ctx, f.p, id); err != nil {
			t.Errorf("Verify(%s): %v", id, err)
		}
	}
	if _, ok := e.s.(credit.AccountLister); ok {
		if err := f.l.VerifyNamespace(f.ctx, f.p); err != nil {
			t.Errorf("VerifyNamespace: %v", err)
		}
	}
	f.check([]string{"a", "b"})
}

// ledgerLongHistory writes a history of credit.MaxPage+10 entries, more
// than one page of the Ledger's reads, and reads it back whole: paged
// through the Ledger, verified (Verify reads it a page of MaxPage at a
// time, so a store that returns fewer entries than asked while more are
// left ends it early), and at its last entry. Skipped under -short.
func ledgerLongHistory(t tb, e *env) {
	if testing.Testing() && testing.Short() {
		t.Skip("writes a history of more than 1,000 entries")
	}
	f := newFixture(t, e)
	f.openAccount("long", credit.Term, 0, false)
	n := credit.MaxPage + 10
	for i := 1; i < n; i++ {
		f.invoice("long", int64(i))
	}
	var h []credit.Entry
	for {
		page, err := f.l.History(f.ctx, f.p, credit.HistoryRequest{Account: "long", AfterSeq: int64(len(h)), Limit: credit.MaxPage})
		f.must("History", err)
		h = append(h, page...)
		if len(page) < credit.MaxPage {
			break
		}
	}
	if len(h) != n {
		t.Fatalf("paging the history by %d gave %d entries, want %d", credit.MaxPage, len(h), n)
	}
	for i, x := range h {
		if x.Seq != int64(i+1) {
			t.Fatalf("entry %d of the paged history has Seq %d", i+1, x.Seq)
		}
	}
	if err := f.l.Verify(f.ctx, f.p, "long"); err != nil {
		t.Fatalf("Verify of %d entries: %v", n, err)
	}
	b, err := f.l.BalancesAt(f.ctx, f.p, "long", h[n-1].At)
	f.must("BalancesAt", err)
	// 1 + 2 + … + (n−1) cents.
	if want := int64(n-1) * int64(n) / 2; minor(b.Debit) != want {
		t.Fatalf("debit at the last entry %s, want %d cents", b.Debit, want)
	}
}
