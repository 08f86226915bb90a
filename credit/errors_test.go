package credit_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// TestEverySentinelHasItsOwnCode: codes are how APIs and stored results name
// errors, so each sentinel needs one, and no two may share it.
func TestEverySentinelHasItsOwnCode(t *testing.T) {
	seen := map[string]error{}
	for _, s := range credit.Sentinels {
		c := credit.Code(s)
		if c == "" {
			t.Errorf("%v has no code", s)
		}
		if prev, ok := seen[c]; ok {
			t.Errorf("%v and %v share the code %q", prev, s, c)
		}
		seen[c] = s
		if msg := s.Error(); msg == "" || msg[:min(len(msg), 8)] == "credit: " {
			t.Errorf("sentinel text %q: want a bare text (the *Error names the package)", msg)
		}
	}
	if len(seen) < 20 {
		t.Errorf("%d sentinels", len(seen))
	}
}

// TestLowerPackagesErrorsMatchBothSentinels: an error of money, allocate or
// invoice that reaches a caller matches the credit sentinel and the lower
// package's own.
func TestLowerPackagesErrorsMatchBothSentinels(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	_, err := f.l.IssueDebit(ctx, admin, f.key(), credit.DebitRequest{Account: "acct", Amount: m("EUR 1.00")})
	for _, target := range []error{credit.ErrCurrencyMismatch, money.ErrCurrencyMismatch} {
		if !errors.Is(err, target) {
			t.Errorf("%v does not match %v", err, target)
		}
	}
	_, err = f.l.IssueDebit(ctx, admin, f.key(), credit.DebitRequest{Account: "acct", Amount: m("USD 1.00"),
		Issued: t0, Due: t0.Add(-1)})
	for _, target := range []error{credit.ErrInvalidDocument, invoice.ErrInvalid} {
		if !errors.Is(err, target) {
			t.Errorf("%v does not match %v", err, target)
		}
	}
	f.invoice("acct", "inv", "USD 5.00")
	f.debit(credit.DebitRequest{Account: "acct", ID: "rec", Amount: m("USD 5.00"), Recurring: true})
	f.payment("acct", "pay", "USD 5.00")
	_, err = f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "rec"}}})
	for _, target := range []error{credit.ErrRecurring, allocate.ErrRecurring, allocate.ErrInvalidPlan} {
		if !errors.Is(err, target) {
			t.Errorf("%v does not match %v", err, target)
		}
	}
	if errors.Is(err, credit.ErrInvalidPlan) {
		t.Errorf("%v matches a second credit sentinel", err)
	}
}

// TestAnEndedContextIsErrCanceled: still context.Canceled to errors.Is, and
// with a code.
func TestAnEndedContextIsErrCanceled(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := f.l.Balances(c, admin, "acct")
	if !errors.Is(err, credit.ErrCanceled) || !errors.Is(err, context.Canceled) || credit.Code(err) != "canceled" {
		t.Errorf("read with a cancelled context: %v (code %q)", err, credit.Code(err))
	}
	_, err = f.l.IssueCredit(c, admin, f.key(), credit.CreditRequest{Account: "acct", Amount: m("USD 1.00")})
	if !errors.Is(err, credit.ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("write with a cancelled context: %v", err)
	}
	var e *credit.Error
	if !errors.As(err, &e) || e.Op != "IssueCredit" {
		t.Errorf("error %#v does not name the method", err)
	}
}

// TestZeroValuesDoNotPanic: the zero values of the types a caller may hold.
func TestZeroValuesDoNotPanic(t *testing.T) {
	if b := (credit.Account{}).Balances(); b != (credit.Balances{}) {
		t.Errorf("zero account balances %+v", b)
	}
	var e credit.Error
	e.Err = credit.ErrNotFound
	if e.Error() == "" {
		t.Error("an Error with only a cause has no message")
	}
}

// TestTheREADMEListsEverySentinel: the README's error table is where a
// caller looks up a code; a sentinel missing from it is undocumented.
func TestTheREADMEListsEverySentinel(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range credit.Sentinels {
		if row := "| `" + credit.Code(s) + "` |"; !strings.Contains(string(b), row) {
			t.Errorf("the README's error table has no row with code %q (%v)", credit.Code(s), s)
		}
	}
}
