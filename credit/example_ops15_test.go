package credit_test

import (
	"context"
	"fmt"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// Writing off the few cents a payment left open (ERPNext and Odoo: the
// difference amount), once on its own and once as part of an Apply, then
// taking a write-off back.
func ExampleLedger_WriteOff() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "ann.finance", Namespace: "shop"}
	usd := money.MustCurrency("USD")
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: usd}))
	for i, id := range []string{"INV-1", "INV-2"} {
		ok(l.IssueDebit(ctx, by, fmt.Sprint("d", i), credit.DebitRequest{Account: "acme", ID: id, Amount: money.MustParse("USD 100.00")}))
	}
	ok(l.IssueCredit(ctx, by, "c1", credit.CreditRequest{Account: "acme", ID: "PAY-1", Amount: money.MustParse("USD 99.97")}))
	ok(l.IssueCredit(ctx, by, "c2", credit.CreditRequest{Account: "acme", ID: "PAY-2", Amount: money.MustParse("USD 99.98")}))

	ok(l.Apply(ctx, by, "a1", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1"}}, Partial: true}))
	w := ok(l.WriteOff(ctx, by, "w1", credit.WriteOffRequest{Debit: "INV-1", All: true, Reason: "bank fee"}))
	printDoc(w.Debit)
	fmt.Println("written off:", w.WriteOff.Amount, "for", w.WriteOff.Reason)

	a := ok(l.Apply(ctx, by, "a2", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-2", Debit: "INV-2"}}, Partial: true,
		WriteOffBelow: money.MustParse("USD 0.05")}))
	fmt.Println("written off by the apply:", a.WriteOffs[0].Amount)
	printDoc(ok(l.Document(ctx, by, "INV-2")))

	r := ok(l.ReverseWriteOff(ctx, by, "r1", credit.ReverseWriteOffRequest{WriteOff: w.WriteOff.ID, Comment: "fee refunded by the bank"}))
	printDoc(r.Debit)
	fmt.Println("outstanding:", r.Balances.Outstanding)
	// Output:
	// INV-1    invoice     open USD 0.00 of USD 100.00, paid
	// written off: USD 0.03 for bank fee
	// written off by the apply: USD 0.02
	// INV-2    invoice     open USD 0.00 of USD 100.00, paid
	// INV-1    invoice     open USD 0.03 of USD 100.00, open
	// outstanding: USD -0.03
}

// A card payment disputed in part: the charge back takes its open credit
// first, then its newest applications; the dispute is won and the payment
// pays the invoices again.
func ExampleLedger_ChargeBack() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "ann.finance", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("USD")}))
	ok(l.IssueDebit(ctx, by, "d1", credit.DebitRequest{Account: "acme", ID: "INV-1", Amount: money.MustParse("USD 60.00"), Issued: exampleDay(1)}))
	ok(l.IssueDebit(ctx, by, "d2", credit.DebitRequest{Account: "acme", ID: "INV-2", Amount: money.MustParse("USD 30.00"), Issued: exampleDay(2)}))
	ok(l.IssueCredit(ctx, by, "c1", credit.CreditRequest{Account: "acme", ID: "PAY-1", Amount: money.MustParse("USD 100.00"), Issued: exampleDay(3)}))
	ok(l.Apply(ctx, by, "a1", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1"}}}))
	ok(l.Apply(ctx, by, "a2", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-2"}}}))

	cb := ok(l.ChargeBack(ctx, by, "cb1", credit.ChargeBackRequest{Payment: "PAY-1", Amount: money.MustParse("USD 50.00"), Reference: "DSP-7"}))
	for _, r := range cb.Reversals {
		fmt.Println("taken back:", r.Debit, r.Amount)
	}
	for _, a := range cb.Applications {
		fmt.Println("still applied:", a.Debit, a.Amount)
	}
	printDoc(cb.Payment)
	fmt.Println("charged back:", cb.ChargeBack.Amount, "outstanding:", cb.Balances.Outstanding)

	u := ok(l.UndoChargeBack(ctx, by, "u1", credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID, Reapply: true, Comment: "dispute won"}))
	for _, a := range u.Applications {
		fmt.Println("applied again:", a.Debit, a.Amount)
	}
	printDoc(u.Payment)
	fmt.Println("outstanding:", u.Balances.Outstanding)
	// Output:
	// taken back: INV-2 USD 30.00
	// taken back: INV-1 USD 60.00
	// still applied: INV-1 USD 50.00
	// PAY-1    payment     open USD 0.00 of USD 100.00, closed
	// charged back: USD 50.00 outstanding: USD -40.00
	// applied again: INV-1 USD 10.00
	// applied again: INV-2 USD 30.00
	// PAY-1    payment     open USD 10.00 of USD 100.00, open
	// outstanding: USD 10.00
}

// Kill Bill's refund with adjustments: refunding 20 of a payment of 25 of
// which 10 is open takes 10 back from the invoices it paid, newest first,
// in one operation.
func ExampleLedger_Refund_takeBack() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "ann.finance", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("USD")}))
	ok(l.IssueDebit(ctx, by, "d1", credit.DebitRequest{Account: "acme", ID: "INV-1", Amount: money.MustParse("USD 10.00"), Issued: exampleDay(1)}))
	ok(l.IssueDebit(ctx, by, "d2", credit.DebitRequest{Account: "acme", ID: "INV-2", Amount: money.MustParse("USD 5.00"), Issued: exampleDay(2)}))
	ok(l.IssueCredit(ctx, by, "c1", credit.CreditRequest{Account: "acme", ID: "PAY-1", Amount: money.MustParse("USD 25.00"), Issued: exampleDay(3)}))
	ok(l.Apply(ctx, by, "a1", credit.ApplyRequest{Account: "acme"}))

	r := ok(l.Refund(ctx, by, "r1", credit.RefundRequest{Credit: "PAY-1", Amount: money.MustParse("USD 20.00"), TakeBack: true}))
	printDoc(r.Document)
	for _, id := range []string{"INV-1", "INV-2"} {
		printDoc(ok(l.Document(ctx, by, id)))
	}
	fmt.Println("outstanding:", r.Balances.Outstanding)
	// Output:
	// PAY-1    payment     open USD 0.00 of USD 25.00, refunded
	// INV-1    invoice     open USD 5.00 of USD 10.00, open
	// INV-2    invoice     open USD 5.00 of USD 5.00, open
	// outstanding: USD -10.00
}
