package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// The memory store needs no setup: hand it to credit.New and use the Ledger.
// Everything lives in the process and is gone when it ends, which suits
// tests, examples and short-lived tools; a service keeps its records in
// store/postgres. The fixed clock and ids only make the output repeatable.
func ExampleNewMemory() {
	ctx := context.Background()
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	n := 0
	l, err := credit.New(store.NewMemory(), credit.AllowAll, credit.Options{
		Clock: func() time.Time { now = now.Add(time.Minute); return now },
		NewID: func() string { n++; return fmt.Sprintf("id-%d", n) },
	})
	if err != nil {
		panic(err)
	}
	by := credit.Principal{ID: "clerk", Namespace: "shop"}
	if _, err := l.OpenAccount(ctx, by, "open-acme", credit.OpenAccountRequest{
		ID: "acme", Currency: money.MustCurrency("USD"),
	}); err != nil {
		panic(err)
	}
	if _, err := l.IssueDebit(ctx, by, "inv-1", credit.DebitRequest{
		Account: "acme", ID: "INV-1", Amount: money.MustParse("USD 80.00"),
	}); err != nil {
		panic(err)
	}
	if _, err := l.IssueCredit(ctx, by, "pay-1", credit.CreditRequest{
		Account: "acme", ID: "PAY-1", Amount: money.MustParse("USD 100.00"),
	}); err != nil {
		panic(err)
	}
	if _, err := l.Apply(ctx, by, "apply-1", credit.ApplyRequest{Account: "acme"}); err != nil {
		panic(err)
	}

	// Reads come from the same store.
	b, err := l.Balances(ctx, by, "acme")
	if err != nil {
		panic(err)
	}
	fmt.Println("open credit:", b.Credit, "open debits:", b.Debit, "outstanding:", b.Outstanding)
	if err := l.Verify(ctx, by, "acme"); err != nil {
		panic(err)
	}
	fmt.Println("history verified")
	// Output:
	// open credit: USD 20.00 open debits: USD 0.00 outstanding: USD 20.00
	// history verified
}
