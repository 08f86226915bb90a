// Command custompolicy shows how to write an allocation policy of your own,
// LargestFirst ("largest invoice first"), and use it with the Ledger: named
// on one request, and known to the ledger by name so that a recalculation
// after removing a credit re-plans with it. Its test proves it with
// allocatetest.Check, the kit every policy must pass.
//
//	go run ./examples/custompolicy
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "custompolicy:", err)
		os.Exit(1)
	}
}

// run plays the example on the in-memory store, writing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	ledger, err := credit.New(store.NewMemory(), credit.AllowAll, demo.Options(clock, demo.NewIDs("id"),
		credit.Options{Policies: []allocate.Policy{LargestFirst{}}}))
	if err != nil {
		return err
	}
	p := credit.Principal{ID: "ar.clerk", Namespace: "custom"}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }
	day := func(d int) time.Time { return demo.Start.AddDate(0, 0, d-30) }
	const acct = "northwind"
	if _, err := ledger.OpenAccount(ctx, p, "open", credit.OpenAccountRequest{ID: acct, Currency: money.MustCurrency("USD")}); err != nil {
		return err
	}
	for _, d := range []credit.DebitRequest{
		{ID: "INV-1", Amount: usd("120.00"), Issued: day(1)},
		{ID: "INV-2", Amount: usd("900.00"), Issued: day(5)},
		{ID: "INV-3", Amount: usd("300.00"), Issued: day(9)},
	} {
		d.Account = acct
		if _, err := ledger.IssueDebit(ctx, p, "issue-"+d.ID, d); err != nil {
			return err
		}
	}
	for _, c := range []credit.CreditRequest{
		{ID: "PAY-1", Amount: usd("700.00"), Issued: day(2)},
		{ID: "CM-1", Kind: invoice.CreditMemo, Amount: usd("400.00"), Issued: day(3), Reason: "volume rebate"},
	} {
		c.Account = acct
		if _, err := ledger.IssueCredit(ctx, p, "issue-"+c.ID, c); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "Northwind owes INV-1 USD 120.00, INV-2 USD 900.00, INV-3 USD 300.00; its credit is PAY-1 USD 700.00 and CM-1 USD 400.00.\n")

	req := credit.ApplyRequest{Account: acct}
	for _, pol := range []allocate.Policy{allocate.OldestFirst(), LargestFirst{}} {
		req.Policy = pol
		pre, err := ledger.Preview(ctx, p, req)
		if err != nil {
			return err
		}
		demo.Heading(w, "Preview with %s", allocate.NameOf(pol))
		printLines(w, pre.Plan.Lines)
	}

	req.Policy = LargestFirst{}
	res, err := ledger.Apply(ctx, p, "apply-largest", req)
	if err != nil {
		return err
	}
	demo.Heading(w, "Applied with %s", allocate.NameOf(req.Policy))
	for _, a := range res.Applications {
		fmt.Fprintf(w, "%s  %s of %s to %s, policy %s\n", a.ID, a.Amount, a.Credit, a.Debit, a.Policy)
	}

	// Removing CM-1 re-plans PAY-1 with the policy recorded on the
	// applications, found by name among Options.Policies.
	un, err := ledger.Unapply(ctx, p, "remove-cm-1", credit.UnapplyRequest{Operation: res.Operation, Credit: "CM-1"})
	if err != nil {
		return err
	}
	demo.Heading(w, "CM-1 removed; what is left is planned again with %s", LargestFirst{}.Name())
	for _, a := range un.Applications {
		fmt.Fprintf(w, "%s  %s of %s to %s, policy %s\n", a.ID, a.Amount, a.Credit, a.Debit, a.Policy)
	}
	b, err := ledger.Balances(ctx, p, acct)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s\n", demo.Balances(b))
	return nil
}

// printLines prints a plan's lines.
func printLines(w io.Writer, lines []allocate.Line) {
	if len(lines) == 0 {
		fmt.Fprintln(w, "(nothing to apply)")
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%s of %s to %s  (%s)\n", l.Amount, l.Credit, l.Debit, l.Reason)
	}
}
