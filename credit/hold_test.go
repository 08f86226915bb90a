package credit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// TestCreditHold: a held account refuses purchases and every use of its
// credit, with nothing written; other writes go on; a prepaid account's
// credit waits; the hold and its release are journalled with their
// reasons, and the history still verifies.
func TestCreditHold(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "1000.00")
	f.open("B", "USD", credit.Term, "")
	f.open("P", "USD", credit.Prepaid, "")
	f.invoice("A", "INV-1", "USD 100.00")
	f.payment("A", "PAY-1", "USD 60.00")
	f.payment("P", "PAY-P", "USD 20.00")
	f.payment("B", "PAY-B", "USD 10.00")

	a, err := f.l.HoldAccount(ctx, admin, f.key(), credit.HoldRequest{Account: "A", Reason: "payment overdue"})
	if err != nil || a.Hold != "payment overdue" {
		t.Fatalf("HoldAccount: %+v, %v", a, err)
	}
	if _, err := f.l.HoldAccount(ctx, admin, f.key(), credit.HoldRequest{Account: "P", Reason: "fraud review"}); err != nil {
		t.Fatal(err)
	}
	before := f.snapshot("A")
	refused := map[string]func(key string) error{
		"Purchase": func(k string) error {
			_, err := f.l.Purchase(ctx, admin, k, credit.PurchaseRequest{Account: "A", Amount: m("USD 1.00")})
			return err
		},
		"Apply": func(k string) error {
			_, err := f.l.Apply(ctx, admin, k, credit.ApplyRequest{Account: "A", Partial: true})
			return err
		},
		"Apply pairs": func(k string) error {
			_, err := f.l.Apply(ctx, admin, k, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1"}}, Partial: true})
			return err
		},
		"Preview": func(string) error {
			_, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "A", Partial: true})
			return err
		},
		"Transfer": func(k string) error {
			_, err := f.l.Transfer(ctx, admin, k, credit.TransferRequest{Credit: "PAY-1", To: "B", All: true})
			return err
		},
		"MoveBalance": func(k string) error {
			_, err := f.l.MoveBalance(ctx, admin, k, credit.MoveBalanceRequest{From: "A", To: "B", All: true})
			return err
		},
		"Refund": func(k string) error {
			_, err := f.l.Refund(ctx, admin, k, credit.RefundRequest{Credit: "PAY-1", All: true})
			return err
		},
		"Consolidate": func(k string) error {
			r, err := f.l.Consolidate(ctx, admin, k, credit.ConsolidateRequest{Accounts: []string{"A"}, Partial: true})
			if err == nil && r.Accounts[0].Code != "" {
				return fmt.Errorf("%s: %w", r.Accounts[0].Error, credit.ErrOnHold)
			}
			return err
		},
	}
	for name, call := range refused {
		err := call(f.key())
		if !errors.Is(err, credit.ErrOnHold) {
			t.Errorf("%s on a held account: %v, want ErrOnHold", name, err)
		}
	}
	f.wantUnchanged("A", before)
	// Credit of another account may still pay the held account's debits,
	// and the held account's documents may still be issued and changed.
	if _, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-B", Debit: "INV-1"}}, Partial: true}); err != nil {
		t.Errorf("another account's credit on a held account's invoice: %v", err)
	}
	f.invoice("A", "INV-2", "USD 5.00")
	f.payment("A", "PAY-2", "USD 5.00")
	if _, err := f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: "INV-2", Amount: m("USD 4.00")}); err != nil {
		t.Errorf("Adjust on a held account: %v", err)
	}
	// A held prepaid account's credit is not used at once.
	d := f.invoice("P", "INV-P", "USD 15.00")
	if len(d.Applications) != 0 {
		t.Errorf("a held prepaid account used its credit: %+v", d.Applications)
	}

	// Released, the credit is used again.
	r, err := f.l.ReleaseHold(ctx, admin, f.key(), credit.ReleaseRequest{Account: "A", Reason: "paid"})
	if err != nil || r.Hold != "" {
		t.Fatalf("ReleaseHold: %+v, %v", r, err)
	}
	if _, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1"}}, Partial: true}); err != nil {
		t.Errorf("Apply after the release: %v", err)
	}
	// Releasing again changes nothing and records nothing.
	seq := f.history("A")
	again, err := f.l.ReleaseHold(ctx, admin, f.key(), credit.ReleaseRequest{Account: "A"})
	if err != nil || len(f.history("A")) != len(seq) || again.Version != ok(f.l.Account(ctx, admin, "A")).Version {
		t.Errorf("a second release: %+v, %v; history %d entries, was %d", again, err, len(f.history("A")), len(seq))
	}
	var held, released int
	for _, e := range f.history("A") {
		switch e.Kind {
		case credit.CreditHeld:
			held++
			if e.Comment != "payment overdue" || e.Amount.IsValid() {
				t.Errorf("hold entry %+v", e)
			}
		case credit.HoldReleased:
			released++
			if e.Comment != "paid" {
				t.Errorf("release entry %+v", e)
			}
		}
	}
	if held != 1 || released != 1 {
		t.Errorf("history has %d holds and %d releases, want 1 and 1", held, released)
	}
	for _, id := range []string{"A", "P"} {
		if err := f.l.Verify(ctx, admin, id); err != nil {
			t.Errorf("Verify %s: %v", id, err)
		}
	}
}

// TestCloseAccount: closing needs zero balances; a closed account refuses
// every write, with nothing written, and reads keep working.
func TestCloseAccount(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "1000.00")
	f.open("B", "USD", credit.Prepaid, "")
	f.invoice("A", "INV-1", "USD 100.00")
	f.payment("A", "PAY-1", "USD 100.00")
	f.payment("B", "PAY-B", "USD 10.00")
	_, err := f.l.CloseAccount(ctx, admin, f.key(), credit.CloseRequest{Account: "A"})
	wantErr(t, err, credit.ErrBalanceNotZero)
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1"}}, Partial: true})
	c, err := f.l.CloseAccount(ctx, admin, f.key(), credit.CloseRequest{Account: "A", Reason: "customer left"})
	if err != nil || c.Closed.IsZero() {
		t.Fatalf("CloseAccount: %+v, %v", c, err)
	}
	before := f.snapshot("A")
	writes := map[string]func(k string) error{
		"IssueDebit": func(k string) error {
			_, err := f.l.IssueDebit(ctx, admin, k, credit.DebitRequest{Account: "A", Amount: m("USD 1.00")})
			return err
		},
		"IssueCredit": func(k string) error {
			_, err := f.l.IssueCredit(ctx, admin, k, credit.CreditRequest{Account: "A", Amount: m("USD 1.00")})
			return err
		},
		"Purchase": func(k string) error {
			_, err := f.l.Purchase(ctx, admin, k, credit.PurchaseRequest{Account: "A", Amount: m("USD 1.00")})
			return err
		},
		"Reimburse": func(k string) error {
			_, err := f.l.Reimburse(ctx, admin, k, credit.ReimburseRequest{Account: "A", Amount: m("USD 1.00")})
			return err
		},
		"UpdateAccount": func(k string) error {
			_, err := f.l.UpdateAccount(ctx, admin, k, credit.UpdateAccountRequest{Account: "A", Limit: mp("USD 5.00")})
			return err
		},
		"HoldAccount": func(k string) error {
			_, err := f.l.HoldAccount(ctx, admin, k, credit.HoldRequest{Account: "A", Reason: "x"})
			return err
		},
		"ReleaseHold": func(k string) error {
			_, err := f.l.ReleaseHold(ctx, admin, k, credit.ReleaseRequest{Account: "A"})
			return err
		},
		"CloseAccount": func(k string) error {
			_, err := f.l.CloseAccount(ctx, admin, k, credit.CloseRequest{Account: "A"})
			return err
		},
		"Expire": func(k string) error {
			_, err := f.l.Expire(ctx, admin, k, credit.ExpireRequest{Account: "A"})
			return err
		},
		"Unapply": func(k string) error {
			_, err := f.l.Unapply(ctx, admin, k, credit.UnapplyRequest{Application: ok(f.l.Applications(ctx, admin, "PAY-1"))[0].ID})
			return err
		},
		"Void": func(k string) error {
			_, err := f.l.Void(ctx, admin, k, credit.VoidRequest{Debit: "INV-1"})
			return err
		},
		"ReversePayment": func(k string) error {
			_, err := f.l.ReversePayment(ctx, admin, k, credit.ReverseRequest{Payment: "PAY-1"})
			return err
		},
		"Transfer to it": func(k string) error {
			_, err := f.l.Transfer(ctx, admin, k, credit.TransferRequest{Credit: "PAY-B", To: "A", All: true})
			return err
		},
		"MoveBalance to it": func(k string) error {
			_, err := f.l.MoveBalance(ctx, admin, k, credit.MoveBalanceRequest{From: "B", To: "A", All: true})
			return err
		},
		"Consolidate": func(k string) error {
			r, err := f.l.Consolidate(ctx, admin, k, credit.ConsolidateRequest{Accounts: []string{"A"}, Partial: true})
			if err == nil && r.Accounts[0].Code == credit.Code(credit.ErrAccountClosed) {
				return credit.ErrAccountClosed
			}
			return err
		},
	}
	for name, call := range writes {
		err := call(f.key())
		if !errors.Is(err, credit.ErrAccountClosed) {
			t.Errorf("%s on a closed account: %v, want ErrAccountClosed", name, err)
		}
	}
	f.wantUnchanged("A", before)
	_, err = f.l.OpenAccount(ctx, admin, f.key(), credit.OpenAccountRequest{ID: "A", Currency: usd})
	wantErr(t, err, credit.ErrAlreadyExists)
	// Reads keep working.
	if b := f.balances("A"); !b.Credit.IsZero() || !b.Debit.IsZero() {
		t.Errorf("balances of the closed account: %+v", b)
	}
	if d := f.doc("INV-1"); d.Status != invoice.Paid {
		t.Errorf("INV-1 reads as %s", d.Status)
	}
	if a := ok(f.l.Account(ctx, admin, "A")); a.Closed.IsZero() {
		t.Errorf("Account reads as open: %+v", a)
	}
	h := f.history("A")
	if last := h[len(h)-1]; last.Kind != credit.AccountClosed || last.Comment != "customer left" {
		t.Errorf("last entry %+v", last)
	}
	if err := f.l.Verify(ctx, admin, "A"); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if _, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "A", Partial: true}); err != nil {
		t.Errorf("Preview (a read) of a closed account: %v", err)
	}
}

// An account put on credit hold, released, and closed once nothing is
// open (ERPNext, Odoo: a customer on credit hold; Kill Bill: closing an
// account).
func ExampleLedger_HoldAccount() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "finance", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("USD"),
		Limit: money.MustParse("USD 500.00")}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "acme", ID: "PAY-1", Amount: money.MustParse("USD 50.00")}))
	ok(l.HoldAccount(ctx, by, "k3", credit.HoldRequest{Account: "acme", Reason: "cheque bounced"}))

	_, err := l.Purchase(ctx, by, "k4", credit.PurchaseRequest{Account: "acme", Amount: money.MustParse("USD 20.00")})
	fmt.Println("purchase while held:", credit.Code(err))
	_, err = l.Refund(ctx, by, "k5", credit.RefundRequest{Credit: "PAY-1", All: true})
	fmt.Println("refund while held:", credit.Code(err))
	_, err = l.CloseAccount(ctx, by, "k6", credit.CloseRequest{Account: "acme"})
	fmt.Println("close with credit open:", credit.Code(err))

	ok(l.ReleaseHold(ctx, by, "k7", credit.ReleaseRequest{Account: "acme", Reason: "cheque cleared"}))
	ok(l.Refund(ctx, by, "k8", credit.RefundRequest{Credit: "PAY-1", All: true}))
	a := ok(l.CloseAccount(ctx, by, "k9", credit.CloseRequest{Account: "acme", Reason: "customer left"}))
	fmt.Println("closed:", !a.Closed.IsZero())
	_, err = l.IssueDebit(ctx, by, "k10", credit.DebitRequest{Account: "acme", Amount: money.MustParse("USD 1.00")})
	fmt.Println("invoice after closing:", credit.Code(err))
	for _, e := range ok(l.History(ctx, by, credit.HistoryRequest{Account: "acme"})) {
		fmt.Println(strings.TrimSpace(fmt.Sprint(e.Seq, " ", e.Kind, " ", e.Comment)))
	}
	// Output:
	// purchase while held: on_hold
	// refund while held: on_hold
	// close with credit open: balance_not_zero
	// closed: true
	// invoice after closing: account_closed
	// 1 account_opened
	// 2 payment_received
	// 3 credit_held cheque bounced
	// 4 hold_released cheque cleared
	// 5 credit_refunded
	// 6 account_closed customer left
}
