// Command citrix shows Citrix CloudPortal Business Manager's payments and
// refunds on arcredit: a payment recorded for a corporate account, a credit
// issued with a reason, future charges paid first out of the credit balance
// (prepaid accounts), a corporate payment cancelled and a retail card
// payment charged back, and the Finance permission: a user without it is
// refused credits, refunds, cancellations and charge backs.
//
//	go run ./examples/citrix
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
		fmt.Fprintln(os.Stderr, "citrix:", err)
		os.Exit(1)
	}
}

const (
	corporate = "contoso-corporate"
	retail    = "jdoe-retail"
)

// run plays the example on the in-memory store, writing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	ledger, err := credit.New(store.NewMemory(), credit.DefaultRoles(), demo.Options(clock, demo.NewIDs("id"), credit.Options{}))
	if err != nil {
		return err
	}
	const ns = "cpbm"
	finance := credit.Principal{ID: "finance.manager", Namespace: ns, Roles: []string{credit.RoleFinance}}
	helpdesk := credit.Principal{ID: "helpdesk", Namespace: ns, Roles: []string{credit.RoleStaff}}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }
	steps := demo.Steps{W: w, Clock: clock, Every: 24 * time.Hour}
	show := func(acct, title string, detail ...string) error {
		b, err := ledger.Balances(ctx, finance, acct)
		if err != nil {
			return err
		}
		steps.Print(b, acct+": "+title, detail...)
		return nil
	}
	refused := func(err error, what string) (string, error) {
		if !errors.Is(err, credit.ErrNotAuthorized) {
			return "", fmt.Errorf("%s: got %v, want ErrNotAuthorized", what, err)
		}
		return "error: " + err.Error(), nil
	}
	charge := func(acct, id, amount string) (credit.DebitResult, error) {
		return ledger.IssueDebit(ctx, finance, "charge-"+id, credit.DebitRequest{
			Account: acct, ID: id, Amount: usd(amount), Comment: "monthly usage",
		})
	}
	paid := func(r credit.DebitResult) []string {
		out := []string{fmt.Sprintf("%s of %s", r.Document.ID, r.Document.Amount)}
		for _, a := range r.Applications {
			out = append(out, fmt.Sprintf("paid %s out of %s", a.Amount, a.Credit))
		}
		return append(out, fmt.Sprintf("%s left to pay", r.Document.Open))
	}

	fmt.Fprintf(w, "Citrix CloudPortal Business Manager: payments and refunds\n")
	// Prepaid accounts: future charges are paid first out of the credit balance.
	for _, id := range []string{corporate, retail} {
		if _, err := ledger.OpenAccount(ctx, finance, "open-"+id, credit.OpenAccountRequest{
			ID: id, Currency: money.MustCurrency("USD"), Kind: credit.Prepaid,
		}); err != nil {
			return err
		}
	}

	demo.Heading(w, "Corporate account: record payment, issue credit, cancel payment")
	if _, err := ledger.IssueCredit(ctx, finance, "pay-c1", credit.CreditRequest{
		Account: corporate, ID: "PAY-C1", Kind: invoice.Payment, Amount: usd("1000.00"), Reference: "wire 30-118",
	}); err != nil {
		return err
	}
	if err := show(corporate, "Record Payment: PAY-C1, USD 1,000.00"); err != nil {
		return err
	}
	r, err := charge(corporate, "USG-C1", "600.00")
	if err != nil {
		return err
	}
	if err := show(corporate, "A charge is paid first out of the credit balance", paid(r)...); err != nil {
		return err
	}

	_, err = ledger.IssueCredit(ctx, helpdesk, "helpdesk-credit", credit.CreditRequest{
		Account: corporate, Kind: invoice.CreditGrant, Amount: usd("150.00"), Reason: "SLA breach in March",
	})
	msg, err := refused(err, "helpdesk issuing a credit")
	if err != nil {
		return err
	}
	if err := show(corporate, "The helpdesk, without the Finance permission, tries Issue Credit: refused", msg); err != nil {
		return err
	}
	_, err = ledger.IssueCredit(ctx, finance, "credit-no-reason", credit.CreditRequest{
		Account: corporate, Kind: invoice.CreditGrant, Amount: usd("150.00"),
	})
	if !errors.Is(err, credit.ErrInvalidRequest) {
		return fmt.Errorf("credit without a reason: got %v, want ErrInvalidRequest", err)
	}
	if err := show(corporate, "Issue Credit without a reason: refused", "error: "+err.Error()); err != nil {
		return err
	}
	if _, err := ledger.IssueCredit(ctx, finance, "credit-c1", credit.CreditRequest{
		Account: corporate, ID: "CR-C1", Kind: invoice.CreditGrant, Amount: usd("150.00"), Reason: "SLA breach in March",
	}); err != nil {
		return err
	}
	if err := show(corporate, "Issue Credit: CR-C1, USD 150.00, reason \"SLA breach in March\""); err != nil {
		return err
	}
	r, err = charge(corporate, "USG-C2", "700.00")
	if err != nil {
		return err
	}
	if err := show(corporate, "The next charge is paid out of the payment left and the credit", paid(r)...); err != nil {
		return err
	}

	_, err = ledger.ReversePayment(ctx, helpdesk, "helpdesk-cancel", credit.ReverseRequest{Payment: "PAY-C1"})
	if msg, err = refused(err, "helpdesk cancelling a payment"); err != nil {
		return err
	}
	if err := show(corporate, "The helpdesk tries Cancel Payment: refused", msg); err != nil {
		return err
	}
	cancel, err := ledger.ReversePayment(ctx, finance, "cancel-pay-c1", credit.ReverseRequest{
		Payment: "PAY-C1", Reference: "bank recall 7731", Comment: "wire recalled by the customer's bank",
	})
	if err != nil {
		return err
	}
	if err := show(corporate, "Cancel Payment PAY-C1 (a corporate account)",
		fmt.Sprintf("%d applications reversed: the charges it paid are owed again; PAY-C1 is %s",
			len(cancel.Reversals), cancel.Document.Status)); err != nil {
		return err
	}

	demo.Heading(w, "Retail account: a card payment charged back")
	if _, err := ledger.IssueCredit(ctx, finance, "pay-r1", credit.CreditRequest{
		Account: retail, ID: "PAY-R1", Kind: invoice.Payment, Amount: usd("200.00"), Reference: "card ****4242",
	}); err != nil {
		return err
	}
	if err := show(retail, "Payment PAY-R1, USD 200.00 by card"); err != nil {
		return err
	}
	r, err = charge(retail, "USG-R1", "120.00")
	if err != nil {
		return err
	}
	if err := show(retail, "A charge is paid out of the credit balance", paid(r)...); err != nil {
		return err
	}
	_, err = ledger.Refund(ctx, helpdesk, "helpdesk-refund", credit.RefundRequest{All: true, Credit: "PAY-R1"})
	if msg, err = refused(err, "helpdesk refunding"); err != nil {
		return err
	}
	if err := show(retail, "The helpdesk tries to refund the USD 80.00 left: refused", msg); err != nil {
		return err
	}
	_, err = ledger.ReversePayment(ctx, helpdesk, "helpdesk-chargeback", credit.ReverseRequest{Payment: "PAY-R1", ChargeBack: true})
	if msg, err = refused(err, "helpdesk charging back"); err != nil {
		return err
	}
	if err := show(retail, "The helpdesk tries Issue Charge Back: refused", msg); err != nil {
		return err
	}
	cb, err := ledger.ReversePayment(ctx, finance, "chargeback-pay-r1", credit.ReverseRequest{
		Payment: "PAY-R1", ChargeBack: true, Reference: "gateway CB-99120", Comment: "requested by the card issuer",
	})
	if err != nil {
		return err
	}
	if err := show(retail, "Issue Charge Back on PAY-R1 (a retail account)",
		fmt.Sprintf("the payment's %s is taken back: %d application reversed, then its open credit removed; PAY-R1 is %s",
			cb.Removed, len(cb.Reversals), cb.Document.Status)); err != nil {
		return err
	}

	for _, acct := range []string{corporate, retail} {
		demo.Heading(w, "Payments and charges of %s", acct)
		docs, err := ledger.Documents(ctx, finance, credit.DocumentFilter{Account: acct})
		if err != nil {
			return err
		}
		t := report.Table{Header: []string{"Document", "Type", "Amount", "Open", "Status", "Reference / reason"},
			Right: []bool{false, false, true, true}}
		for _, d := range docs {
			note := d.Reference
			if note == "" {
				note = d.Reason
			}
			t.Add(d.ID, d.Kind.String(), d.Amount.String(), d.Open.String(), d.Status.String(), note)
		}
		if err := t.Write(w); err != nil {
			return err
		}
	}
	return nil
}
