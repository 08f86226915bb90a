package credit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// exampleOptions gives a ledger a clock that starts on 3 March 2025 and moves
// an hour per operation, and ids doc-1, doc-2 …, so that the output of the
// examples never changes. A real ledger leaves both unset.
func exampleOptions() credit.Options {
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	n := 0
	return credit.Options{
		Clock: func() time.Time { now = now.Add(time.Hour); return now },
		NewID: func() string { n++; return fmt.Sprintf("id-%d", n) },
	}
}

// Opening a company account with a credit line (Adobe Commerce: Allocated),
// then charging a purchase to it.
func ExampleLedger_OpenAccount() {
	ctx := context.Background()
	l, err := credit.New(store.NewMemory(), credit.AllowAll, exampleOptions())
	if err != nil {
		panic(err)
	}
	by := credit.Principal{ID: "jane.admin", Namespace: "shop"}
	acct, err := l.OpenAccount(ctx, by, "open-acme", credit.OpenAccountRequest{
		ID: "acme", Currency: money.MustCurrency("USD"), Limit: money.MustParse("USD 5000.00"),
		Party: invoice.Party{Company: "Acme Corp"}, Reason: "approved by credit committee",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("limit:", acct.Limit, "available:", acct.Balances().Available)

	r, err := l.Purchase(ctx, by, "order-100042", credit.PurchaseRequest{
		Account: "acme", ID: "100042", Amount: money.MustParse("USD 1200.00"), Reference: "PO-77",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("outstanding:", r.Balances.Outstanding, "available:", r.Balances.Available)

	// A purchase beyond the available credit is refused and writes nothing.
	_, err = l.Purchase(ctx, by, "order-100043", credit.PurchaseRequest{
		Account: "acme", Amount: money.MustParse("USD 3800.01"),
	})
	fmt.Println("refused:", errors.Is(err, credit.ErrCreditLimitExceeded))
	// Output:
	// limit: USD 5,000.00 available: USD 5,000.00
	// outstanding: USD -1,200.00 available: USD 3,800.00
	// refused: true
}

// Using a member's open credit on its open invoices, oldest first (iMIS):
// the oldest invoice is paid from the oldest credit, then the next.
func ExampleLedger_Apply() {
	ctx := context.Background()
	l, err := credit.New(store.NewMemory(), credit.AllowAll, exampleOptions())
	if err != nil {
		panic(err)
	}
	by := credit.Principal{ID: "staff", Namespace: "assoc"}
	usd := money.MustCurrency("USD")
	day := 24 * time.Hour
	march := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "ann", Currency: usd}))
	must(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "ann", ID: "cancelled-reg", Kind: invoice.CreditMemo,
		Amount: money.MustParse("USD 50.00"), Issued: march.Add(-20 * day)}))
	must(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "ann", ID: "prepayment", Kind: invoice.Prepayment,
		Amount: money.MustParse("USD 100.00"), Issued: march.Add(-10 * day)}))
	must(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "ann", ID: "dues-2025",
		Amount: money.MustParse("USD 120.00"), Issued: march.Add(-5 * day)}))
	must(l.IssueDebit(ctx, by, "k5", credit.DebitRequest{Account: "ann", ID: "gala-ticket",
		Amount: money.MustParse("USD 20.00"), Issued: march.Add(-15 * day)}))

	r, err := l.Apply(ctx, by, "k6", credit.ApplyRequest{Account: "ann"})
	if err != nil {
		panic(err)
	}
	for _, ln := range r.Plan.Lines {
		fmt.Printf("%-13s pays %-11s %s\n", ln.Credit, ln.Debit, ln.Amount)
	}
	b, err := l.Balances(ctx, by, "ann")
	if err != nil {
		panic(err)
	}
	fmt.Println("open credit left:", b.Credit)
	// Output:
	// cancelled-reg pays gala-ticket USD 20.00
	// cancelled-reg pays dues-2025   USD 30.00
	// prepayment    pays dues-2025   USD 90.00
	// open credit left: USD 10.00
}

// Reading an account's history as the company credit grid of Adobe
// Commerce: one row per operation with the balances after it.
func ExampleLedger_History() {
	ctx := context.Background()
	l, err := credit.New(store.NewMemory(), credit.AllowAll, exampleOptions())
	if err != nil {
		panic(err)
	}
	jane := credit.Principal{ID: "jane.admin", Namespace: "shop"}
	bob := credit.Principal{ID: "bob.buyer", Namespace: "shop"}
	eur := money.MustCurrency("EUR")
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(l.OpenAccount(ctx, jane, "k1", credit.OpenAccountRequest{ID: "acme", Currency: eur,
		Limit: money.MustParse("EUR 50000.00"), Reason: "new company"}))
	must(l.Purchase(ctx, bob, "k2", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("EUR 4000.00"),
		Reference: "100001", Comment: "order 100001"}))
	must(l.Purchase(ctx, bob, "k3", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("USD 22400.00"),
		Rate: money.MustParseRate("USD/EUR 0.8928"), Reference: "100002"}))
	must(l.Reimburse(ctx, jane, "k4", credit.ReimburseRequest{Account: "acme", Amount: money.MustParse("EUR 10000.00"),
		Reference: "CHK-5521", Comment: "cheque"}))
	limit := money.MustParse("EUR 60000.00")
	must(l.UpdateAccount(ctx, jane, "k5", credit.UpdateAccountRequest{Account: "acme", Limit: &limit, Reason: "annual review"}))

	page, err := l.History(ctx, jane, credit.HistoryRequest{Account: "acme"})
	if err != nil {
		panic(err)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Date\tOperation\tAmount\tOutstanding\tAvailable\tLimit\tBy\tReference\tComment")
	for _, e := range page {
		amount := e.Amount.String()
		if e.Original.IsValid() {
			amount += " (" + e.Original.String() + ", " + e.Rate.String() + ")"
		}
		// The grid speaks Adobe Commerce's words: Allocated, Purchased…
		label, ok := e.Kind.Label(credit.AdobeCommerce)
		if !ok {
			label = string(e.Kind)
		}
		cells := []string{e.At.Format("2006-01-02 15:04"), label, amount, e.After.Outstanding.String(),
			e.After.Available.String(), e.After.Limit.String(), e.By, dash(e.Reference), dash(e.Comment)}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	w.Flush()
	// Output:
	// Date              Operation   Amount                                         Outstanding     Available      Limit          By          Reference  Comment
	// 2025-03-03 10:00  Allocated   EUR 50,000.00                                  EUR 0.00        EUR 50,000.00  EUR 50,000.00  jane.admin  -          new company
	// 2025-03-03 11:00  Purchased   EUR 4,000.00                                   EUR -4,000.00   EUR 46,000.00  EUR 50,000.00  bob.buyer   100001     order 100001
	// 2025-03-03 12:00  Purchased   EUR 19,998.72 (USD 22,400.00, USD/EUR 0.8928)  EUR -23,998.72  EUR 26,001.28  EUR 50,000.00  bob.buyer   100002     -
	// 2025-03-03 13:00  Reimbursed  EUR 10,000.00                                  EUR -13,998.72  EUR 36,001.28  EUR 50,000.00  jane.admin  CHK-5521   cheque
	// 2025-03-03 14:00  Updated     EUR 60,000.00                                  EUR -13,998.72  EUR 46,001.28  EUR 60,000.00  jane.admin  -          annual review
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
