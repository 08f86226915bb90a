package credit_test

import (
	"strings"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// The rules of Apply a caller relies on, each as it names it.

func TestAUsedUpCreditIsInsufficientWithOrWithoutAnAmount(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 10.00")
	f.invoice("acct", "inv-1", "USD 10.00")
	f.invoice("acct", "inv-2", "USD 10.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv-1"}}})
	before := f.snapshot("acct")
	for _, pr := range []credit.Pair{{Credit: "pay", Debit: "inv-2"}, {Credit: "pay", Debit: "inv-2", Amount: m("USD 5.00")}} {
		_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{pr}})
		wantErr(t, err, credit.ErrInsufficientCredit)
		if err != nil && strings.Contains(err.Error(), "0.00") {
			t.Errorf("the error names an amount the caller did not give: %v", err)
		}
	}
	f.wantUnchanged("acct", before)
}

func TestAPairPayingMoreThanTheDebitOwesIsOverpaid(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 100.00")
	f.invoice("acct", "inv", "USD 10.00")
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: m("USD 10.01")}}})
	wantErr(t, err, credit.ErrOverpaid)
}

func TestAnExplicitAmountIsAnExplicitPartialApplication(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 100.00")
	f.invoice("acct", "inv", "USD 50.00")
	f.invoice("acct", "inv-2", "USD 80.00")
	r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: m("USD 20.00")}}})
	wantStrings(t, "first", appLines(r.Applications), "pay→inv USD 20.00")
	// More of the same pair, with an amount, adds an application.
	r = f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: m("USD 5.00")}}})
	wantStrings(t, "second", appLines(r.Applications), "pay→inv USD 5.00")
	f.wantDoc("inv", "USD 25.00", invoice.Open)
	// The pair again without an amount changes nothing (iMIS).
	r = f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv"}}})
	if len(r.Applications) != 0 || len(r.Unchanged) != 1 {
		t.Errorf("selecting an applied pair again: %+v", r)
	}
	// A pair without an amount under full cover must still pay whole.
	before := f.snapshot("acct")
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv-2"}}})
	wantErr(t, err, credit.ErrNotCovered)
	f.wantUnchanged("acct", before)
}

func TestACapIsAtMostAndAnEmptyApplySaysWhy(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	r := f.apply(credit.ApplyRequest{Account: "acct"})
	if r.Reason != "no open credit" || len(r.Applications) != 0 {
		t.Errorf("nothing open: %+v", r)
	}
	f.payment("acct", "pay", "USD 100.00")
	if r = f.apply(credit.ApplyRequest{Account: "acct"}); r.Reason != "no open debit" {
		t.Errorf("no debit: reason %q", r.Reason)
	}
	f.invoice("acct", "inv", "USD 30.00")
	r = f.apply(credit.ApplyRequest{Account: "acct", Cap: m("USD 500.00")})
	wantStrings(t, "cap above", appLines(r.Applications), "pay→inv USD 30.00")
	if r.Reason != "" {
		t.Errorf("reason %q when something was applied", r.Reason)
	}
	// Full cover that nothing can meet is refused, as a pair would be.
	f.invoice("acct", "big", "USD 500.00")
	before := f.snapshot("acct")
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "acct"})
	wantErr(t, err, credit.ErrNotCovered)
	f.wantUnchanged("acct", before)
}

// TestRecalculationKeepsFullCover: removing one credit of a request made
// under full cover re-plans the others under full cover too, so no debit is
// left partly paid.
func TestRecalculationKeepsFullCover(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "c1", "USD 60.00")
	f.payment("acct", "c2", "USD 40.00")
	f.invoice("acct", "d1", "USD 50.00")
	f.invoice("acct", "d2", "USD 50.00")
	r := f.apply(credit.ApplyRequest{Credits: []string{"c1", "c2"}, Debits: []string{"d1", "d2"}})
	wantStrings(t, "first", appLines(r.Applications), "c1→d1 USD 50.00", "c1→d2 USD 10.00", "c2→d2 USD 40.00")
	u, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Operation: r.Operation, Credit: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Applications) != 0 {
		t.Errorf("c2 alone cannot pay a debit whole, yet: %q", appLines(u.Applications))
	}
	f.wantDoc("d1", "USD 50.00", invoice.Open)
	f.wantDoc("d2", "USD 50.00", invoice.Open)
	// Under partial cover the recalculation pays what it can.
	r = f.apply(credit.ApplyRequest{Credits: []string{"c1", "c2"}, Debits: []string{"d1", "d2"}, Partial: true})
	u, err = f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Operation: r.Operation, Credit: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "partial recalculation", appLines(u.Applications), "c2→d1 USD 40.00")
}

// TestOperationApplicationsTraceAnEntry: an "credit_applied" entry names its
// operation, whose applications say which credit paid which debit.
func TestOperationApplicationsTraceAnEntry(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	f.open("acct", "USD", credit.Term, "")
	f.open("other", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 50.00")
	f.invoice("acct", "inv-1", "USD 20.00")
	f.invoice("acct", "inv-2", "USD 30.00")
	r := f.apply(credit.ApplyRequest{Account: "acct"})
	h := f.history("acct")
	last := h[len(h)-1]
	if last.Kind != credit.CreditApplied || last.Operation != r.Operation {
		t.Fatalf("last entry %+v", last)
	}
	apps, err := f.l.OperationApplications(ctx, admin, last.Operation)
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "applications", appLines(apps), "pay→inv-1 USD 20.00", "pay→inv-2 USD 30.00")
	// A principal who may not read the account learns nothing of it.
	outsider := credit.Principal{ID: "m", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "other"}
	_, err = f.l.OperationApplications(ctx, outsider, last.Operation)
	wantErr(t, err, credit.ErrNotFound)
	_, err = f.l.OperationApplications(ctx, admin, "no-such-operation")
	wantErr(t, err, credit.ErrNotFound)
}

func TestActiveApplicationsAreNetOfReversals(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 100.00")
	f.invoice("acct", "inv", "USD 100.00")
	r1 := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: m("USD 30.00")}}})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv", Amount: m("USD 20.00")}}})
	if _, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: r1.Applications[0].ID}); err != nil {
		t.Fatal(err)
	}
	all, err := f.l.Applications(ctx, admin, "inv")
	if err != nil || len(all) != 3 {
		t.Fatalf("all applications: %d, %v", len(all), err)
	}
	active, err := f.l.ActiveApplications(ctx, admin, "inv")
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "in force", appLines(active), "pay→inv USD 20.00")
	_, err = f.l.ActiveApplications(ctx, admin, "nope")
	wantErr(t, err, credit.ErrNotFound)
}

// TestACreditAppliedToOneDebitStillPaysTheOthers: naming a credit again
// with the debit it paid and another leaves the first pair as it is and
// pays the other (iMIS: the applied credit remains the same).
func TestACreditAppliedToOneDebitStillPaysTheOthers(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 100.00")
	f.invoice("acct", "inv-a", "USD 30.00")
	f.invoice("acct", "inv-b", "USD 40.00")
	f.apply(credit.ApplyRequest{Credits: []string{"pay"}, Debits: []string{"inv-a"}})
	r := f.apply(credit.ApplyRequest{Credits: []string{"pay"}, Debits: []string{"inv-a", "inv-b"}})
	wantStrings(t, "applied", appLines(r.Applications), "pay→inv-b USD 40.00")
	if len(r.Unchanged) != 1 || r.Unchanged[0].Debit != "inv-a" {
		t.Errorf("unchanged %+v, want pay→inv-a", r.Unchanged)
	}
	// The same cart again: every pair is applied, nothing changes, and the
	// result says why.
	r = f.apply(credit.ApplyRequest{Credits: []string{"pay"}, Debits: []string{"inv-a", "inv-b"}})
	if len(r.Applications) != 0 || len(r.Unchanged) != 2 || r.Reason == "" {
		t.Errorf("the same cart again: %+v", r)
	}
	f.wantDoc("pay", "USD 30.00", invoice.Open)
}
