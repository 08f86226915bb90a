package credit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// One example per family of operations; example_test.go has opening an
// account, "use my credit", and the history grid. Each starts from
// exampleLedger and names its documents, so that what it prints never
// depends on generated ids or on the time.

// exampleLedger returns a Ledger over a new memory store with the fixed clock
// and ids of exampleOptions, allowing everything.
func exampleLedger() *credit.Ledger {
	l, err := credit.New(store.NewMemory(), credit.AllowAll, exampleOptions())
	if err != nil {
		panic(err)
	}
	return l
}

// ok returns v and panics on an error: an example stops at the first
// surprise.
func ok[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// printDoc prints a document's id, kind, open balance out of its amount, and
// status.
func printDoc(d invoice.Document) {
	fmt.Printf("%-8s %-11s open %s of %s, %s\n", d.ID, d.Kind, d.Open, d.Amount, d.Status)
}

// exampleDay is the issue date of the examples' documents, day by day.
func exampleDay(n int) time.Time {
	return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
}

// Changing a credit line (Adobe Commerce: Updated, with a reason): letting an
// account exceed its limit, then raising the limit.
func ExampleLedger_UpdateAccount() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "jane.admin", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme",
		Currency: money.MustCurrency("USD"), Limit: money.MustParse("USD 1000.00")}))
	ok(l.Purchase(ctx, by, "k2", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("USD 900.00")}))

	_, err := l.Purchase(ctx, by, "k3", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("USD 200.00")})
	fmt.Println("beyond the limit:", errors.Is(err, credit.ErrCreditLimitExceeded))

	exceed := true
	ok(l.UpdateAccount(ctx, by, "k4", credit.UpdateAccountRequest{Account: "acme", AllowExceed: &exceed,
		Reason: "seasonal order"}))
	r := ok(l.Purchase(ctx, by, "k5", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("USD 200.00")}))
	fmt.Println("allowed to exceed, available:", r.Balances.Available)

	limit := money.MustParse("USD 1500.00")
	a := ok(l.UpdateAccount(ctx, by, "k6", credit.UpdateAccountRequest{Account: "acme", Limit: &limit,
		Reason: "annual review"}))
	fmt.Println("new limit:", a.Limit, "available:", a.Balances().Available)
	// Output:
	// beyond the limit: true
	// allowed to exceed, available: USD -100.00
	// new limit: USD 1,500.00 available: USD 400.00
}

// Issuing the documents of a term account: an invoice, a payment, a credit
// with a reason (Citrix: Issue Credit), and a credit memo against the invoice
// (Adobe Commerce: Refunded), which pays it at once. A term account uses its
// other credit only when asked.
func ExampleLedger_IssueCredit() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "finance", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("USD")}))
	inv := ok(l.IssueDebit(ctx, by, "k2", credit.DebitRequest{Account: "acme", ID: "INV-1",
		Amount: money.MustParse("USD 300.00"), Issued: exampleDay(0), Due: exampleDay(30)}))
	printDoc(inv.Document)

	pay := ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "acme", ID: "PAY-1", Kind: invoice.Payment,
		Amount: money.MustParse("USD 100.00"), Reference: "wire 5521"}))
	printDoc(pay.Document)

	_, err := l.IssueCredit(ctx, by, "k4", credit.CreditRequest{Account: "acme", Kind: invoice.CreditGrant,
		Amount: money.MustParse("USD 25.00")})
	fmt.Println("a credit needs a reason:", errors.Is(err, credit.ErrInvalidRequest))
	goodwill := ok(l.IssueCredit(ctx, by, "k5", credit.CreditRequest{Account: "acme", ID: "CR-1", Kind: invoice.CreditGrant,
		Amount: money.MustParse("USD 25.00"), Reason: "late delivery"}))
	printDoc(goodwill.Document)

	memo := ok(l.IssueCredit(ctx, by, "k6", credit.CreditRequest{Account: "acme", ID: "CM-1", Kind: invoice.CreditMemo,
		Amount: money.MustParse("USD 50.00"), Against: "INV-1", Reason: "two items returned"}))
	printDoc(memo.Document)
	printDoc(ok(l.Document(ctx, by, "INV-1")))
	fmt.Println("outstanding:", memo.Balances.Outstanding)
	// Output:
	// INV-1    invoice     open USD 300.00 of USD 300.00, open
	// PAY-1    payment     open USD 100.00 of USD 100.00, open
	// a credit needs a reason: true
	// CR-1     credit_grant open USD 25.00 of USD 25.00, open
	// CM-1     credit_memo open USD 0.00 of USD 50.00, closed
	// INV-1    invoice     open USD 250.00 of USD 300.00, open
	// outstanding: USD -125.00
}

// On a prepaid account a new debit is paid from open credit at once (Ingram
// prepaid; Citrix: future charges are paid first out of the credit balance).
func ExampleLedger_IssueDebit() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "provider", Namespace: "cloud"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "reseller", Currency: money.MustCurrency("USD"),
		Kind: credit.Prepaid}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "reseller", ID: "DEP-1", Kind: invoice.Prepayment,
		Amount: money.MustParse("USD 200.00")}))

	r := ok(l.IssueDebit(ctx, by, "k3", credit.DebitRequest{Account: "reseller", ID: "INV-7",
		Amount: money.MustParse("USD 120.00")}))
	for _, a := range r.Applications {
		fmt.Println(a.Credit, "paid", a.Debit, a.Amount)
	}
	printDoc(r.Document)
	fmt.Println("credit left:", r.Balances.Credit)
	// Output:
	// DEP-1 paid INV-7 USD 120.00
	// INV-7    invoice     open USD 0.00 of USD 120.00, paid
	// credit left: USD 80.00
}

// A reimbursement (Adobe Commerce: Reimburse Balance) and its correction:
// the edit records the difference as a document of its own, linked to the
// first, which stays as it was.
func ExampleLedger_EditReimbursement() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "jane.admin", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("USD"),
		Limit: money.MustParse("USD 5000.00")}))
	ok(l.Purchase(ctx, by, "k2", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("USD 1000.00")}))
	r := ok(l.Reimburse(ctx, by, "k3", credit.ReimburseRequest{Account: "acme", ID: "RB-1",
		Amount: money.MustParse("USD 500.00"), Reference: "CHK-77"}))
	fmt.Println("after the cheque:", r.Balances.Outstanding)

	// The cheque was for 450.00: the 50.00 too much comes back as a debit memo.
	e := ok(l.EditReimbursement(ctx, by, "k4", credit.EditReimbursementRequest{Document: "RB-1",
		Amount: money.MustParse("USD 450.00"), Comment: "cheque amount misread"}))
	fmt.Println(e.Document.Kind, e.Document.Amount, "amends", e.Document.Original)
	fmt.Println("after the edit:", e.Balances.Outstanding)
	// Output:
	// after the cheque: USD -500.00
	// debit_memo USD 50.00 amends RB-1
	// after the edit: USD -550.00
}

// Previewing what "use my credit" would do (iMIS: View details; Ingram: the
// available credit shown before paying) writes nothing.
func ExampleLedger_Preview() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "reseller.user", Namespace: "cloud"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "r1", Currency: money.MustCurrency("USD")}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "r1", ID: "CM-1", Kind: invoice.CreditMemo,
		Amount: money.MustParse("USD 70.00"), Issued: exampleDay(0)}))
	ok(l.IssueDebit(ctx, by, "k3", credit.DebitRequest{Account: "r1", ID: "INV-1",
		Amount: money.MustParse("USD 40.00"), Issued: exampleDay(1)}))
	ok(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "r1", ID: "INV-2",
		Amount: money.MustParse("USD 50.00"), Issued: exampleDay(2)}))

	p := ok(l.Preview(ctx, by, credit.ApplyRequest{Account: "r1", Partial: true}))
	fmt.Println("available credit:", p.Available)
	for _, ln := range p.Plan.Lines {
		fmt.Println(ln.Credit, "would pay", ln.Debit, ln.Amount)
	}
	fmt.Println("credit still open:", ok(l.Balances(ctx, by, "r1")).Credit)
	// Output:
	// available credit: USD 70.00
	// CM-1 would pay INV-1 USD 40.00
	// CM-1 would pay INV-2 USD 30.00
	// credit still open: USD 70.00
}

// Naming the pairs (Ingram: the provider links a credit memo to an invoice):
// this credit pays this debit, here an amount of it, in part.
func ExampleLedger_Apply_pairs() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "provider", Namespace: "cloud"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "r1", Currency: money.MustCurrency("USD")}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "r1", ID: "CM-1", Kind: invoice.CreditMemo,
		Amount: money.MustParse("USD 70.00")}))
	ok(l.IssueDebit(ctx, by, "k3", credit.DebitRequest{Account: "r1", ID: "INV-1", Amount: money.MustParse("USD 40.00")}))
	ok(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "r1", ID: "INV-2", Amount: money.MustParse("USD 50.00")}))

	r := ok(l.Apply(ctx, by, "k5", credit.ApplyRequest{Partial: true, Pairs: []credit.Pair{
		{Credit: "CM-1", Debit: "INV-2", Amount: money.MustParse("USD 20.00")},
		{Credit: "CM-1", Debit: "INV-1"}, // as much as it can: all of INV-1
	}}))
	for _, a := range r.Applications {
		fmt.Println(a.Credit, "paid", a.Debit, a.Amount, "by", a.Policy)
	}
	for _, id := range []string{"CM-1", "INV-1", "INV-2"} {
		printDoc(ok(l.Document(ctx, by, id)))
	}
	// Output:
	// CM-1 paid INV-2 USD 20.00 by explicit
	// CM-1 paid INV-1 USD 40.00 by explicit
	// CM-1     credit_memo open USD 10.00 of USD 70.00, open
	// INV-1    invoice     open USD 0.00 of USD 40.00, paid
	// INV-2    invoice     open USD 30.00 of USD 50.00, open
}

// Undoing an Apply (Ingram: unlink; iMIS: remove): reversals are written
// beside the applications they undo, nothing is deleted, and both documents
// get their amounts back.
func ExampleLedger_Unapply() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "provider", Namespace: "cloud"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "r1", Currency: money.MustCurrency("USD")}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "r1", ID: "CM-1", Kind: invoice.CreditMemo,
		Amount: money.MustParse("USD 60.00")}))
	ok(l.IssueDebit(ctx, by, "k3", credit.DebitRequest{Account: "r1", ID: "INV-1", Amount: money.MustParse("USD 60.00")}))
	applied := ok(l.Apply(ctx, by, "k4", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "CM-1", Debit: "INV-1"}}}))
	printDoc(ok(l.Document(ctx, by, "INV-1")))

	u := ok(l.Unapply(ctx, by, "k5", credit.UnapplyRequest{Operation: applied.Operation, Comment: "linked in error"}))
	for _, rev := range u.Reversals {
		fmt.Println("reversed", rev.Credit, "→", rev.Debit, rev.Amount, "undoes", rev.Reverses == applied.Applications[0].ID)
	}
	printDoc(ok(l.Document(ctx, by, "INV-1")))
	printDoc(ok(l.Document(ctx, by, "CM-1")))
	// Output:
	// INV-1    invoice     open USD 0.00 of USD 60.00, paid
	// reversed CM-1 → INV-1 USD 60.00 undoes true
	// INV-1    invoice     open USD 60.00 of USD 60.00, open
	// CM-1     credit_memo open USD 60.00 of USD 60.00, open
}

// Lowering a paid invoice (iMIS: a paid invoice adjusted; Adobe Commerce: an
// order cancelled in part): what was paid beyond the new amount goes back to
// the credits that paid it, newest application first. An amount of zero
// voids the invoice and gives every credit back. A document's Amount stays
// what it was issued for; its open balance is what is still owed.
func ExampleLedger_Adjust() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "staff", Namespace: "assoc"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "ann", Currency: money.MustCurrency("USD")}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "ann", ID: "PAY-1",
		Amount: money.MustParse("USD 70.00"), Issued: exampleDay(0)}))
	ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "ann", ID: "PAY-2",
		Amount: money.MustParse("USD 30.00"), Issued: exampleDay(1)}))
	ok(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "ann", ID: "DUES",
		Amount: money.MustParse("USD 100.00"), Issued: exampleDay(2)}))
	ok(l.Apply(ctx, by, "k5", credit.ApplyRequest{Account: "ann"}))

	r := ok(l.Adjust(ctx, by, "k6", credit.AdjustRequest{Debit: "DUES", Amount: money.MustParse("USD 60.00"),
		Reason: "member discount"}))
	fmt.Println("taken off:", r.Removed)
	for _, id := range []string{"DUES", "PAY-1", "PAY-2"} {
		printDoc(ok(l.Document(ctx, by, id)))
	}

	ok(l.Adjust(ctx, by, "k7", credit.AdjustRequest{Debit: "DUES", Amount: money.MustParse("USD 0.00"),
		Reason: "membership cancelled"}))
	for _, id := range []string{"DUES", "PAY-1", "PAY-2"} {
		printDoc(ok(l.Document(ctx, by, id)))
	}
	// Output:
	// taken off: USD 40.00
	// DUES     invoice     open USD 0.00 of USD 100.00, paid
	// PAY-1    payment     open USD 10.00 of USD 70.00, open
	// PAY-2    payment     open USD 30.00 of USD 30.00, open
	// DUES     invoice     open USD 0.00 of USD 100.00, void
	// PAY-1    payment     open USD 70.00 of USD 70.00, open
	// PAY-2    payment     open USD 30.00 of USD 30.00, open
}

// Money leaving the account: a refund of open credit to the customer (iMIS),
// a payment charged back (Citrix), and open credit transferred to another
// account of the namespace (iMIS: another contact's credit).
func ExampleLedger_Refund() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "finance", Namespace: "shop"}
	usd := money.MustCurrency("USD")
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "ann", Currency: usd}))
	ok(l.OpenAccount(ctx, by, "k2", credit.OpenAccountRequest{ID: "bob", Currency: usd}))
	ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "ann", ID: "PAY-1", Amount: money.MustParse("USD 100.00")}))
	ok(l.IssueCredit(ctx, by, "k4", credit.CreditRequest{Account: "ann", ID: "PAY-2", Amount: money.MustParse("USD 80.00")}))
	ok(l.IssueDebit(ctx, by, "k5", credit.DebitRequest{Account: "ann", ID: "INV-1", Amount: money.MustParse("USD 80.00")}))
	ok(l.Apply(ctx, by, "k6", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-2", Debit: "INV-1"}}}))

	// A refund takes open credit only: never more than the open balance.
	_, err := l.Refund(ctx, by, "k7", credit.RefundRequest{Credit: "PAY-1", Amount: money.MustParse("USD 100.01")})
	fmt.Println("more than is open:", errors.Is(err, credit.ErrInsufficientCredit))
	ok(l.Refund(ctx, by, "k8", credit.RefundRequest{Credit: "PAY-1", Amount: money.MustParse("USD 40.00"),
		Reference: "REF-1"}))
	printDoc(ok(l.Document(ctx, by, "PAY-1")))

	// The card payment that paid INV-1 is charged back: INV-1 is owed again.
	ok(l.ReversePayment(ctx, by, "k9", credit.ReverseRequest{Payment: "PAY-2", ChargeBack: true}))
	printDoc(ok(l.Document(ctx, by, "PAY-2")))
	printDoc(ok(l.Document(ctx, by, "INV-1")))

	// What is left of PAY-1 moves to bob as a credit of his own.
	t := ok(l.Transfer(ctx, by, "k10", credit.TransferRequest{Credit: "PAY-1", To: "bob", All: true}))
	printDoc(t.From)
	fmt.Println("bob received", t.To.Open, "from", t.To.Original)
	fmt.Println("ann outstanding:", ok(l.Balances(ctx, by, "ann")).Outstanding)
	// Output:
	// more than is open: true
	// PAY-1    payment     open USD 60.00 of USD 100.00, open
	// PAY-2    payment     open USD 0.00 of USD 80.00, reversed
	// INV-1    invoice     open USD 80.00 of USD 80.00, open
	// PAY-1    payment     open USD 0.00 of USD 100.00, closed
	// bob received USD 60.00 from PAY-1
	// ann outstanding: USD -80.00
}

// Consolidation (Aptify: the invoice consolidation wizard) applies each
// listed account's credit to its open debits in one batch. An account that
// cannot take part gets its reason in its result, and the others go ahead.
func ExampleLedger_Consolidate() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "ar.clerk", Namespace: "assoc"}
	usd := money.MustCurrency("USD")
	for i, acct := range []struct{ id, credit, debit string }{
		{"acme", "USD 50.00", "USD 50.00"},
		{"globex", "USD 20.00", "USD 30.00"},
	} {
		key := func(what string) string { return fmt.Sprintf("%s-%d", what, i) }
		ok(l.OpenAccount(ctx, by, key("open"), credit.OpenAccountRequest{ID: acct.id, Currency: usd}))
		ok(l.IssueCredit(ctx, by, key("credit"), credit.CreditRequest{Account: acct.id, ID: acct.id + "-CM",
			Kind: invoice.CreditMemo, Amount: money.MustParse(acct.credit)}))
		ok(l.IssueDebit(ctx, by, key("debit"), credit.DebitRequest{Account: acct.id, ID: acct.id + "-INV",
			Amount: money.MustParse(acct.debit)}))
	}

	r := ok(l.Consolidate(ctx, by, "batch-1", credit.ConsolidateRequest{
		Accounts: []string{"acme", "globex", "initech"}, Partial: true}))
	for _, a := range r.Accounts {
		if a.Code != "" {
			fmt.Printf("%-8s %s\n", a.Account, a.Code)
			continue
		}
		fmt.Printf("%-8s applied %s in %d application(s)\n", a.Account, a.Total, len(a.Applications))
	}
	// Output:
	// acme     applied USD 50.00 in 1 application(s)
	// globex   applied USD 20.00 in 1 application(s)
	// initech  not_found
}

// Reading balances as they stood at a past moment: those after the last
// history entry at or before it.
func ExampleLedger_BalancesAt() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "jane.admin", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("EUR"),
		Limit: money.MustParse("EUR 10000.00")}))
	ok(l.Purchase(ctx, by, "k2", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("EUR 4000.00")}))
	ok(l.Purchase(ctx, by, "k3", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("EUR 2500.00")}))

	history := ok(l.History(ctx, by, credit.HistoryRequest{Account: "acme"}))
	first := history[1].At // the first purchase
	fmt.Println("then:", ok(l.BalancesAt(ctx, by, "acme", first)).Available)
	fmt.Println("a second later:", ok(l.BalancesAt(ctx, by, "acme", first.Add(time.Second))).Available)
	fmt.Println("now:", ok(l.Balances(ctx, by, "acme")).Available)
	_, err := l.BalancesAt(ctx, by, "acme", history[0].At.Add(-time.Second))
	fmt.Println("before the account was opened:", errors.Is(err, credit.ErrNotFound))
	// Output:
	// then: EUR 6,000.00
	// a second later: EUR 6,000.00
	// now: EUR 3,500.00
	// before the account was opened: true
}

// Listing documents (Ingram: the unpaid documents of a reseller, oldest
// first) and which credits paid one of them (iMIS: View details).
func ExampleLedger_Documents() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "provider", Namespace: "cloud"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "r1", Currency: money.MustCurrency("USD")}))
	ok(l.IssueDebit(ctx, by, "k2", credit.DebitRequest{Account: "r1", ID: "INV-1",
		Amount: money.MustParse("USD 40.00"), Issued: exampleDay(0)}))
	ok(l.IssueDebit(ctx, by, "k3", credit.DebitRequest{Account: "r1", ID: "INV-2",
		Amount: money.MustParse("USD 90.00"), Issued: exampleDay(1)}))
	ok(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "r1", ID: "DM-1", Kind: invoice.DebitMemo,
		Amount: money.MustParse("USD 15.00"), Issued: exampleDay(2), Reason: "freight"}))
	ok(l.IssueCredit(ctx, by, "k5", credit.CreditRequest{Account: "r1", ID: "PAY-1",
		Amount: money.MustParse("USD 60.00"), Issued: exampleDay(3)}))
	ok(l.IssueCredit(ctx, by, "k6", credit.CreditRequest{Account: "r1", ID: "CM-1", Kind: invoice.CreditMemo,
		Amount: money.MustParse("USD 30.00"), Issued: exampleDay(4)}))
	ok(l.Apply(ctx, by, "k7", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1"}}}))
	ok(l.Apply(ctx, by, "k8", credit.ApplyRequest{Partial: true, Pairs: []credit.Pair{
		{Credit: "PAY-1", Debit: "INV-2"}, {Credit: "CM-1", Debit: "INV-2"}}}))

	unpaid := ok(l.Documents(ctx, by, credit.DocumentFilter{Account: "r1", OpenOnly: true,
		Kinds: []invoice.Kind{invoice.Invoice, invoice.DebitMemo}}))
	fmt.Println("unpaid:")
	for _, d := range unpaid {
		printDoc(d)
	}
	fmt.Println("INV-2 was paid by:")
	for _, a := range ok(l.Applications(ctx, by, "INV-2")) {
		fmt.Println(" ", a.Credit, a.Amount, "by", a.By)
	}
	// Output:
	// unpaid:
	// INV-2    invoice     open USD 40.00 of USD 90.00, open
	// DM-1     debit_memo  open USD 15.00 of USD 15.00, open
	// INV-2 was paid by:
	//   PAY-1 USD 20.00 by provider
	//   CM-1 USD 30.00 by provider
}

// Listing the accounts of the principal's namespace, a page at a time; the
// next page starts after the last id of this one.
func ExampleLedger_Accounts() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "jane.admin", Namespace: "shop"}
	for i, id := range []string{"initech", "acme", "globex"} {
		ok(l.OpenAccount(ctx, by, fmt.Sprint("k", i), credit.OpenAccountRequest{ID: id, Currency: money.MustCurrency("USD")}))
	}
	other := credit.Principal{ID: "someone", Namespace: "another-shop"}
	ok(l.OpenAccount(ctx, other, "k", credit.OpenAccountRequest{ID: "hooli", Currency: money.MustCurrency("USD")}))

	after := ""
	for page := 1; ; page++ {
		accts := ok(l.Accounts(ctx, by, credit.AccountsRequest{After: after, Limit: 2}))
		if len(accts) == 0 {
			break
		}
		for _, a := range accts {
			fmt.Println("page", page, a.ID)
		}
		after = accts[len(accts)-1].ID
	}
	// Output:
	// page 1 acme
	// page 1 globex
	// page 2 initech
}

// Credits granted until a date (promotional or service credits) end with
// Expire: what is left of each is removed, and one entry records the total.
func ExampleLedger_Expire() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "finance", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "ann", Currency: money.MustCurrency("USD")}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "ann", ID: "PROMO", Kind: invoice.CreditGrant,
		Reason: "spring promotion", Amount: money.MustParse("USD 25.00"),
		Expires: time.Date(2025, 3, 3, 14, 30, 0, 0, time.UTC)})) // the examples' clock strikes an hour per call
	ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "ann", ID: "PAY-1", Amount: money.MustParse("USD 10.00")}))
	ok(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "ann", ID: "INV-1", Amount: money.MustParse("USD 15.00")}))
	ok(l.Apply(ctx, by, "k5", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PROMO", Debit: "INV-1"}}}))

	r := ok(l.Expire(ctx, by, "k6", credit.ExpireRequest{Account: "ann", Comment: "end of promotion"}))
	for _, d := range r.Documents {
		printDoc(d)
	}
	fmt.Println("removed", r.Removed, "; credit left", ok(l.Balances(ctx, by, "ann")).Credit)
	h := ok(l.History(ctx, by, credit.HistoryRequest{Account: "ann"}))
	e := h[len(h)-1]
	fmt.Println(e.Kind, e.Amount, e.Documents)
	// Output:
	// PROMO    credit_grant open USD 0.00 of USD 25.00, expired
	// removed USD 10.00 ; credit left USD 10.00
	// credit_expired USD 10.00 [PROMO]
}

// Every entry names what it changed and is sealed by a hash chain; Verify
// replays an account's history and checks every link.
func ExampleLedger_Verify() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "clerk", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "ann", Currency: money.MustCurrency("USD")}))
	ok(l.IssueDebit(ctx, by, "k2", credit.DebitRequest{Account: "ann", ID: "INV-1", Amount: money.MustParse("USD 30.00")}))
	ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "ann", ID: "PAY-1", Amount: money.MustParse("USD 50.00")}))
	ok(l.Apply(ctx, by, "k4", credit.ApplyRequest{Account: "ann"}))

	for _, e := range ok(l.History(ctx, by, credit.HistoryRequest{Account: "ann"})) {
		label, _ := e.Kind.Label(credit.IMIS)
		fmt.Printf("%d %-16s %-8q documents %v, %d applications\n", e.Seq, e.Kind, label, e.Documents, len(e.Applications))
	}
	fmt.Println("verified:", l.Verify(ctx, by, "ann") == nil)
	// Output:
	// 1 account_opened   ""       documents [], 0 applications
	// 2 invoice_issued   "Invoice" documents [INV-1], 0 applications
	// 3 payment_received "Payment" documents [PAY-1], 0 applications
	// 4 credit_applied   "Apply"  documents [PAY-1 INV-1], 1 applications
	// verified: true
}
