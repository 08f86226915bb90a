// Command ingram shows Ingram Micro's reseller credit on arcredit. On a
// prepaid account the credit balance pays new invoices at once; on a term
// account it is used only when the reseller asks: the reseller sees the
// available credit before paying, uses less than its invoices (a cap), or
// lets the system apply it at its own discretion (allocate.SystemDiscretion).
// Linking and unlinking AR documents is for the provider only: a reseller's
// user is refused, the provider unlinks one application and support reverts
// the rest. It ends with the reseller's list of unpaid documents.
//
//	go run ./examples/ingram
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ingram:", err)
		os.Exit(1)
	}
}

const (
	prepaid = "reseller-prepaid"
	term    = "reseller-term"
)

// run plays the example on the in-memory store, writing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	// The ledger's policy plans what the reseller leaves to the system,
	// including the automatic use of credit on prepaid accounts.
	ledger, err := credit.New(store.NewMemory(), credit.DefaultRoles(),
		demo.Options(clock, demo.NewIDs("id"), credit.Options{Policy: allocate.SystemDiscretion()}))
	if err != nil {
		return err
	}
	const ns = "ingram-us"
	admin := credit.Principal{ID: "l1.admin", Namespace: ns, Roles: []string{credit.RoleAdmin}}
	provider := credit.Principal{ID: "classic.panel", Namespace: ns, Roles: []string{credit.RoleProvider}}
	reseller := credit.Principal{ID: "reseller.user", Namespace: ns, Roles: []string{credit.RoleMember}, Account: term}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }
	steps := demo.Steps{W: w, Clock: clock, Every: 2 * time.Hour}
	show := func(acct, title string, detail ...string) error {
		b, err := ledger.Balances(ctx, admin, acct)
		if err != nil {
			return err
		}
		steps.Print(b, title, detail...)
		return nil
	}
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

	fmt.Fprintf(w, "Ingram Micro reseller credit, %s\n", clock.Now().Format("2006-01-02"))

	// Prepaid: the credit balance is used automatically.
	demo.Heading(w, "Prepaid account %s: if there is an available credit balance, the system uses it", prepaid)
	for _, acct := range []struct {
		id   string
		kind credit.AccountKind
	}{{prepaid, credit.Prepaid}, {term, credit.Term}} {
		if _, err := ledger.OpenAccount(ctx, admin, "open-"+acct.id, credit.OpenAccountRequest{
			ID: acct.id, Currency: money.MustCurrency("USD"), Kind: acct.kind,
			Party: invoice.Party{Company: strings.ToUpper(acct.id[:1]) + acct.id[1:]},
		}); err != nil {
			return err
		}
	}
	if _, err := ledger.IssueCredit(ctx, provider, "cm-p1", credit.CreditRequest{
		Account: prepaid, ID: "CM-P1", Kind: invoice.CreditMemo, Amount: usd("300.00"), Reason: "vendor promotion",
	}); err != nil {
		return err
	}
	if err := show(prepaid, "The vendor provides a credit memo CM-P1 of USD 300.00"); err != nil {
		return err
	}
	for _, inv := range []struct{ id, amount string }{{"INV-P1", "200.00"}, {"INV-P2", "250.00"}} {
		r, err := ledger.IssueDebit(ctx, provider, "issue-"+inv.id, credit.DebitRequest{
			Account: prepaid, ID: inv.id, Amount: usd(inv.amount), Comment: "monthly subscription",
		})
		if err != nil {
			return err
		}
		detail := appsLines(r.Applications)
		detail = append(detail, fmt.Sprintf("%s: %s open of %s", inv.id, r.Document.Open, r.Document.Amount))
		if err := show(prepaid, fmt.Sprintf("Invoice %s of USD %s is issued", inv.id, inv.amount), detail...); err != nil {
			return err
		}
	}

	// Term: credit is used only when the reseller asks.
	demo.Heading(w, "Term account %s: credit is used only when the reseller asks", term)
	for _, d := range []credit.DebitRequest{
		{ID: "INV-T1", Amount: usd("400.00"), Issued: date(2025, 1, 10), Due: date(2025, 2, 9)},
		{ID: "INV-T2", Amount: usd("150.00"), Issued: date(2025, 2, 20), Due: date(2025, 3, 22)},
		{ID: "DM-T3", Kind: invoice.DebitMemo, Amount: usd("90.00"), Issued: date(2025, 3, 1), Due: date(2025, 3, 31),
			Reason: "late usage report"},
	} {
		d.Account = term
		if _, err := ledger.IssueDebit(ctx, provider, "issue-"+d.ID, d); err != nil {
			return err
		}
	}
	if _, err := ledger.IssueCredit(ctx, provider, "cm-t1", credit.CreditRequest{
		Account: term, ID: "CM-T1", Kind: invoice.CreditMemo, Amount: usd("500.00"),
		Expires: date(2025, 6, 30), Reason: "vendor rebate Q4",
	}); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, admin, "pay-t1", credit.CreditRequest{
		Account: term, ID: "PAY-T1", Kind: invoice.Payment, Amount: usd("200.00"), Reference: "ACH 55120",
	}); err != nil {
		return err
	}
	if err := show(term, "Invoices INV-T1 (overdue) and INV-T2, debit memo DM-T3; credit memo CM-T1 and payment PAY-T1",
		"nothing is applied: the credit waits until the reseller asks"); err != nil {
		return err
	}

	pre, err := ledger.Preview(ctx, reseller, credit.ApplyRequest{Account: term, Debits: []string{"INV-T1", "INV-T2"}})
	if err != nil {
		return err
	}
	if err := show(term, "The reseller selects INV-T1 and INV-T2 to pay",
		fmt.Sprintf("message: you have an available credit balance of %s", pre.Available)); err != nil {
		return err
	}

	capped, err := ledger.Apply(ctx, reseller, "use-300", credit.ApplyRequest{
		Account: term, Debits: []string{"INV-T1"}, Cap: usd("300.00"), Partial: true,
		Comment: "use USD 300.00 of my credit on INV-T1",
	})
	if err != nil {
		return err
	}
	if err := show(term, "The reseller applies a credit less than the invoice: USD 300.00 on INV-T1",
		appsLines(capped.Applications)...); err != nil {
		return err
	}

	sys, err := ledger.Apply(ctx, reseller, "use-all", credit.ApplyRequest{Account: term, Comment: "pay with my credit balance"})
	if err != nil {
		return err
	}
	detail := []string{"overdue first, then the smallest; the credit that expires soonest first:"}
	for _, l := range sys.Plan.Lines {
		detail = append(detail, fmt.Sprintf("  %s of %s on %s (%s)", l.Amount, l.Credit, l.Debit, l.Reason))
	}
	if err := show(term, "The reseller uses the credit balance; the system applies it at its own discretion", detail...); err != nil {
		return err
	}

	// Unlinking is the provider's.
	demo.Heading(w, "Link and unlink: the provider's Classic Panel only")
	var onT2 credit.Application
	for _, a := range sys.Applications {
		if a.Debit == "INV-T2" && a.Credit == "PAY-T1" {
			onT2 = a
		}
	}
	_, err = ledger.Unapply(ctx, reseller, "reseller-unlink", credit.UnapplyRequest{Application: onT2.ID})
	if !errors.Is(err, credit.ErrNotAuthorized) {
		return fmt.Errorf("reseller unlink: got %v, want ErrNotAuthorized", err)
	}
	if err := show(term, "The reseller tries to unlink PAY-T1 from INV-T2: refused", "error: "+err.Error()); err != nil {
		return err
	}
	if _, err := ledger.Unapply(ctx, provider, "provider-unlink", credit.UnapplyRequest{
		Application: onT2.ID, Comment: "reseller asked to keep the payment for INV-T2's renewal",
	}); err != nil {
		return err
	}
	if err := show(term, fmt.Sprintf("The provider unlinks PAY-T1 from INV-T2 (application %s, %s)", onT2.ID, onT2.Amount)); err != nil {
		return err
	}
	rev, err := ledger.Unapply(ctx, provider, "support-revert", credit.UnapplyRequest{
		Operation: sys.Operation, Comment: "support reverts the system's application at the reseller's request",
	})
	if err != nil {
		return err
	}
	if err := show(term, "Support reverts what the system applied",
		fmt.Sprintf("%d applications reversed; the one already unlinked is left as it is", len(rev.Reversals))); err != nil {
		return err
	}

	demo.Heading(w, "Unpaid documents of %s", term)
	docs, err := ledger.Documents(ctx, reseller, credit.DocumentFilter{
		Account: term, OpenOnly: true, Kinds: []invoice.Kind{invoice.Invoice, invoice.DebitMemo},
	})
	if err != nil {
		return err
	}
	t := report.Table{Header: []string{"Document", "Type", "Issued", "Due", "Amount", "Balance due", ""},
		Right: []bool{false, false, false, false, true, true}}
	for _, d := range docs {
		flag := ""
		if d.OverdueAt(clock.Now()) {
			flag = "overdue"
		}
		t.Add(d.ID, d.Kind.String(), d.Issued.Format("2006-01-02"), d.Due.Format("2006-01-02"),
			d.Amount.String(), d.Open.String(), flag)
	}
	if err := t.Write(w); err != nil {
		return err
	}
	b, err := ledger.Balances(ctx, reseller, term)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCredit balance (unapplied payments and credit memos): %s\n", b.Credit)
	return nil
}

// appsLines describes applications, one per line.
func appsLines(apps []credit.Application) []string {
	var out []string
	for _, a := range apps {
		out = append(out, fmt.Sprintf("applied %s of %s to %s", a.Amount, a.Credit, a.Debit))
	}
	return out
}
