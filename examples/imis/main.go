// Command imis shows iMIS open credit on arcredit: open credit from an
// adjusted paid invoice, a prepayment and a cancelled order; company members
// sharing their company's credit; credits applied oldest first in a cart,
// with View details before and after; an already-applied credit selected
// again changing nothing; one credit removed and the rest recalculated up to
// the cart total; the refusal when a recurring item is in the cart; a staff
// user applying another contact's credit, which the contact may not do
// alone; and a refund removing open credit.
//
//	go run ./examples/imis
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "imis:", err)
		os.Exit(1)
	}
}

const (
	company = "acme-company"
	jane    = "contact-jane"
	raj     = "contact-raj"
	ns      = "imis"
)

// authorizer is DefaultRoles with one change for iMIS: members and staff
// may also remove credit applied in the cart (unlink), which Ingram keeps
// for its provider.
func authorizer() credit.Authorizer {
	r := credit.DefaultRoles()
	r.Allow[credit.RoleMember] = append(r.Allow[credit.RoleMember], credit.ActUnlink)
	r.Allow[credit.RoleStaff] = append(r.Allow[credit.RoleStaff], credit.ActUnlink)
	return r
}

// run plays the example on the in-memory store, writing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	ledger, err := credit.New(store.NewMemory(), authorizer(), demo.Options(clock, demo.NewIDs("id"), credit.Options{}))
	if err != nil {
		return err
	}
	finance := credit.Principal{ID: "finance.clerk", Namespace: ns, Roles: []string{credit.RoleFinance}}
	staff := credit.Principal{ID: "staff.events", Namespace: ns, Roles: []string{credit.RoleStaff}}
	alice := credit.Principal{ID: "alice", Namespace: ns, Roles: []string{credit.RoleMember}, Account: company}
	bob := credit.Principal{ID: "bob", Namespace: ns, Roles: []string{credit.RoleMember}, Account: company}
	rajUser := credit.Principal{ID: "raj", Namespace: ns, Roles: []string{credit.RoleMember}, Account: raj}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }
	date := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 10, 0, 0, 0, time.UTC) }
	steps := demo.Steps{W: w, Clock: clock, Every: 10 * time.Minute}
	show := func(acct, title string, detail ...string) error {
		b, err := ledger.Balances(ctx, finance, acct)
		if err != nil {
			return err
		}
		steps.Print(b, acct+": "+title, detail...)
		return nil
	}
	lines := func(r credit.ApplyResult) []string {
		var out []string
		for _, l := range r.Plan.Lines {
			out = append(out, fmt.Sprintf("%s from %s to %s", l.Amount, l.Credit, l.Debit))
		}
		return out
	}

	fmt.Fprintf(w, "iMIS open credit: Acme (company members Alice and Bob) and the contacts Jane and Raj\n")
	for _, a := range []struct {
		id    string
		party invoice.Party
	}{{company, invoice.Party{Company: "Acme"}}, {jane, invoice.Party{Person: "Jane Roe"}}, {raj, invoice.Party{Person: "Raj Patel"}}} {
		if _, err := ledger.OpenAccount(ctx, finance, "open-"+a.id, credit.OpenAccountRequest{
			ID: a.id, Currency: money.MustCurrency("USD"), Party: a.party,
		}); err != nil {
			return err
		}
	}

	demo.Heading(w, "How the company gets open credit")
	if _, err := ledger.IssueDebit(ctx, finance, "inv-100", credit.DebitRequest{
		Account: company, ID: "INV-100", Amount: usd("300.00"), Issued: date(1, 2), Comment: "membership and journal",
	}); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, finance, "pay-100", credit.CreditRequest{
		Account: company, ID: "PAY-100", Amount: usd("300.00"), Issued: date(1, 2), Reference: "cheque 1187",
	}); err != nil {
		return err
	}
	if _, err := ledger.Apply(ctx, finance, "pay-inv-100", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "PAY-100", Debit: "INV-100"}},
	}); err != nil {
		return err
	}
	adj, err := ledger.Adjust(ctx, finance, "adjust-inv-100", credit.AdjustRequest{
		Debit: "INV-100", Amount: usd("220.00"), Reason: "journal subscription removed",
	})
	if err != nil {
		return err
	}
	pay, err := ledger.Document(ctx, finance, "PAY-100")
	if err != nil {
		return err
	}
	if err := show(company, "paid invoice INV-100 adjusted from USD 300.00 to USD 220.00",
		fmt.Sprintf("%s comes back as open credit on PAY-100, which now has %s open", adj.Removed, pay.Open)); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, staff, "pre-200", credit.CreditRequest{
		Account: company, ID: "PRE-200", Kind: invoice.Prepayment, Amount: usd("100.00"), Issued: date(1, 15),
	}); err != nil {
		return err
	}
	if err := show(company, "prepayment PRE-200 of USD 100.00"); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, finance, "cm-300", credit.CreditRequest{
		Account: company, ID: "CM-300", Kind: invoice.CreditMemo, Amount: usd("120.00"), Issued: date(2, 1),
		Reason: "workshop order cancelled, balance left on account",
	}); err != nil {
		return err
	}
	if err := show(company, "credit memo CM-300 of USD 120.00 from a cancelled order"); err != nil {
		return err
	}

	demo.Heading(w, "The cart: any company member can apply the company's open credit")
	if _, err := ledger.IssueDebit(ctx, staff, "cart-1", credit.DebitRequest{
		Account: company, ID: "CART-1", Amount: usd("250.00"), Comment: "Annual Conference registration",
	}); err != nil {
		return err
	}
	cart := credit.ApplyRequest{Account: company, Debits: []string{"CART-1"},
		Credits: []string{"PAY-100", "PRE-200", "CM-300"}, Partial: true, Comment: "open credit in the cart"}
	pre, err := ledger.Preview(ctx, alice, cart)
	if err != nil {
		return err
	}
	if err := show(company, "Alice puts the USD 250.00 registration in the cart; View details, oldest credit first", lines(pre)...); err != nil {
		return err
	}
	applied, err := ledger.Apply(ctx, bob, "bob-apply", cart)
	if err != nil {
		return err
	}
	if err := show(company, "Bob, another member of Acme, clicks Apply", lines(applied)...); err != nil {
		return err
	}
	again, err := ledger.Apply(ctx, alice, "alice-reselect", credit.ApplyRequest{
		Account: company, Debits: []string{"CART-1"}, Credits: []string{"PRE-200"}, Partial: true,
	})
	if err != nil {
		return err
	}
	if err := show(company, "Alice selects PRE-200 again",
		fmt.Sprintf("%d pair already applied, left as it is; %d new lines", len(again.Unchanged), len(again.Plan.Lines))); err != nil {
		return err
	}
	rm, err := ledger.Unapply(ctx, alice, "alice-remove-pre-200", credit.UnapplyRequest{
		Operation: applied.Operation, Credit: "PRE-200", Comment: "keep the prepayment for the gala dinner",
	})
	if err != nil {
		return err
	}
	detail := []string{fmt.Sprintf("%d applications reversed, then the other credits recalculated in order:", len(rm.Reversals))}
	for _, a := range rm.Applications {
		detail = append(detail, fmt.Sprintf("  %s from %s to %s", a.Amount, a.Credit, a.Debit))
	}
	cart1, err := ledger.Document(ctx, alice, "CART-1")
	if err != nil {
		return err
	}
	detail = append(detail, fmt.Sprintf("CART-1 has %s left to pay by another payment method", cart1.Open))
	if err := show(company, "Alice removes PRE-200", detail...); err != nil {
		return err
	}

	if err := viewDetails(ctx, w, ledger, alice, "CART-1"); err != nil {
		return err
	}

	demo.Heading(w, "A recurring item in the cart")
	for _, d := range []credit.DebitRequest{
		{Account: company, ID: "SHOP-1", Amount: usd("40.00"), Comment: "conference proceedings"},
		{Account: company, ID: "DUES-AUTO", Amount: usd("75.00"), Recurring: true, Comment: "dues, renewed automatically"},
	} {
		if _, err := ledger.IssueDebit(ctx, staff, "issue-"+d.ID, d); err != nil {
			return err
		}
	}
	_, err = ledger.Apply(ctx, bob, "bob-recurring", credit.ApplyRequest{
		Account: company, Debits: []string{"SHOP-1", "DUES-AUTO"}, Partial: true,
	})
	if !errors.Is(err, credit.ErrRecurring) {
		return fmt.Errorf("recurring item: got %v, want ErrRecurring", err)
	}
	if err := show(company, "Bob's cart holds SHOP-1 and the recurring DUES-AUTO: open credit cannot be applied",
		"error: "+err.Error()); err != nil {
		return err
	}

	demo.Heading(w, "Apply other credit: a staff user moves Jane's credit to Raj's registration")
	if _, err := ledger.IssueDebit(ctx, staff, "reg-jane", credit.DebitRequest{
		Account: jane, ID: "REG-JANE", Amount: usd("400.00"), Issued: date(2, 10), Comment: "Annual Conference",
	}); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, finance, "pay-jane", credit.CreditRequest{
		Account: jane, ID: "PAY-JANE", Amount: usd("400.00"), Issued: date(2, 10), Reference: "card 4242",
	}); err != nil {
		return err
	}
	if _, err := ledger.Apply(ctx, finance, "pay-reg-jane", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "PAY-JANE", Debit: "REG-JANE"}},
	}); err != nil {
		return err
	}
	if _, err := ledger.Void(ctx, finance, "cancel-reg-jane", credit.VoidRequest{Debit: "REG-JANE", Reason: "Jane cannot attend; a coworker goes instead"}); err != nil {
		return err
	}
	if err := show(jane, "Jane's paid registration is cancelled: her payment is open credit again"); err != nil {
		return err
	}
	if _, err := ledger.IssueDebit(ctx, staff, "reg-raj", credit.DebitRequest{
		Account: raj, ID: "REG-RAJ", Amount: usd("400.00"), Comment: "Annual Conference, in Jane's place",
	}); err != nil {
		return err
	}
	other := credit.ApplyRequest{Debits: []string{"REG-RAJ"}, Credits: []string{"PAY-JANE"}, Comment: "Jane's credit for Raj's registration"}
	_, err = ledger.Apply(ctx, rajUser, "raj-apply-jane", other)
	// Jane's account is not Raj's to see: to him her credit does not exist.
	if !errors.Is(err, credit.ErrNotFound) {
		return fmt.Errorf("raj applying Jane's credit: got %v, want ErrNotFound", err)
	}
	if err := show(raj, "Raj registers and tries to use Jane's credit himself: refused", "error: "+err.Error()); err != nil {
		return err
	}
	if _, err := ledger.Apply(ctx, staff, "staff-apply-jane", other); err != nil {
		return err
	}
	if err := show(raj, "A staff user (Orders: 4, ActApplyOtherCredit) selects Apply other credit"); err != nil {
		return err
	}
	hist, err := ledger.History(ctx, finance, credit.HistoryRequest{Account: jane})
	if err != nil {
		return err
	}
	last := hist[len(hist)-1]
	if err := show(jane, "Jane's history records the credit used on Raj's registration",
		fmt.Sprintf("%s %s by %s: %s", report.OperationName(last.Kind), last.Amount, last.By, last.Comment)); err != nil {
		return err
	}

	demo.Heading(w, "A refund removes open credit")
	if _, err := ledger.Refund(ctx, finance, "refund-pre-200", credit.RefundRequest{
		All: true, Credit: "PRE-200", Reference: "refund via PayCentral", Comment: "amount of the original payment",
	}); err != nil {
		return err
	}
	if err := show(company, "The prepayment PRE-200 is refunded in full: the company no longer has that open credit"); err != nil {
		return err
	}
	return nil
}

// viewDetails prints which credits paid a debit, and in what amount, as the
// cart's View details shows them, reversals included.
func viewDetails(ctx context.Context, w io.Writer, l *credit.Ledger, p credit.Principal, debit string) error {
	apps, err := l.Applications(ctx, p, debit)
	if err != nil {
		return err
	}
	demo.Heading(w, "View details of %s", debit)
	t := report.Table{Header: []string{"Application", "Credit", "Contact", "Amount", "By", "Note"},
		Right: []bool{false, false, false, true}}
	for _, a := range apps {
		note := ""
		if a.Reverses != "" {
			note = "removes " + a.Reverses
		}
		t.Add(a.ID, a.Credit, a.CreditAccount, a.Amount.String(), a.By, note)
	}
	return t.Write(w)
}
