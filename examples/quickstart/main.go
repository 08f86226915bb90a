// Command quickstart is the README's quick start: a company account with a
// credit line, a purchase on account, a credit memo applied to it, and the
// balances after. It is kept here so that the README's code compiles and
// its output is checked.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	ledger, err := credit.New(store.NewMemory(), credit.AllowAll, credit.Options{})
	if err != nil {
		return err
	}
	me := credit.Principal{ID: "billing", Namespace: "shop"} // who acts, in which tenant

	// Every write takes an idempotency key: replaying it changes nothing.
	if _, err := ledger.OpenAccount(ctx, me, "open-acme", credit.OpenAccountRequest{
		ID: "acme", Currency: money.MustCurrency("USD"), Limit: money.MustParse("USD 5000.00"),
	}); err != nil {
		return err
	}
	if _, err := ledger.Purchase(ctx, me, "order-1", credit.PurchaseRequest{
		Account: "acme", ID: "INV-1", Amount: money.MustParse("USD 1200.00"),
	}); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, me, "memo-1", credit.CreditRequest{
		Account: "acme", ID: "CM-1", Kind: invoice.CreditMemo, Amount: money.MustParse("USD 300.00"), Reason: "returned goods",
	}); err != nil {
		return err
	}
	// Use the account's credit on its open invoices, oldest first; part of an invoice may be paid.
	res, err := ledger.Apply(ctx, me, "apply-1", credit.ApplyRequest{Account: "acme", Partial: true})
	if err != nil {
		return err
	}
	b, err := ledger.Balances(ctx, me, "acme")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "applied %s of %s to %s\n", res.Applications[0].Amount, res.Applications[0].Credit, res.Applications[0].Debit)
	fmt.Fprintf(w, "credit %s, outstanding %s, available %s\n", b.Credit, b.Outstanding, b.Available)
	return nil
}
