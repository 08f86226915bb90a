package credit_test

// iMIS open credit: company members, oldest-first, re-selecting an applied
// credit, removing one credit, recurring documents, another contact's
// credit, refunds, adjusted invoices, reversed payments and transfers.

import (
	"strings"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

func TestCompanyMembersShareTheCompanyCredit(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	_, err := f.l.OpenAccount(ctx, admin, f.key(), credit.OpenAccountRequest{ID: "acme", Currency: usd,
		Party: invoice.Party{Company: "Acme"}})
	if err != nil {
		t.Fatal(err)
	}
	f.open("other", "USD", credit.Term, "")
	f.payment("acme", "pay-1", "USD 100.00")
	f.invoice("acme", "reg-ann", "USD 30.00")
	f.invoice("acme", "reg-bob", "USD 50.00")
	ann := credit.Principal{ID: "ann", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "acme"}
	bob := credit.Principal{ID: "bob", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "acme"}
	eve := credit.Principal{ID: "eve", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "other"}

	if _, err := f.l.Apply(ctx, ann, f.key(), credit.ApplyRequest{Account: "acme", Debits: []string{"reg-ann"}}); err != nil {
		t.Fatalf("ann: %v", err)
	}
	r, err := f.l.Apply(ctx, bob, f.key(), credit.ApplyRequest{Account: "acme", Debits: []string{"reg-bob"}})
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	if r.Applications[0].By != "bob" {
		t.Errorf("applied by %q", r.Applications[0].By)
	}
	f.wantRows("acme",
		row{credit.CreditApplied, "USD 30.00", "USD 20.00", "USD 20.00", "USD 0.00", "ann", "", ""},
		row{credit.CreditApplied, "USD 50.00", "USD 20.00", "USD 20.00", "USD 0.00", "bob", "", ""})
	f.wantDoc("pay-1", "USD 20.00", invoice.Open)
	// A member of another company cannot use it, nor see it: to her the
	// account does not exist.
	f.invoice("acme", "reg-cy", "USD 10.00")
	_, err = f.l.Apply(ctx, eve, f.key(), credit.ApplyRequest{Account: "acme"})
	wantErr(t, err, credit.ErrNotFound)
	_, err = f.l.Balances(ctx, eve, "acme")
	wantErr(t, err, credit.ErrNotFound)
	if _, err := f.l.Balances(ctx, bob, "acme"); err != nil {
		t.Errorf("bob reading his company's balances: %v", err)
	}
}

func TestOldestFirstAcrossSeveralCredits(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	day := 24 * time.Hour
	for i, id := range []string{"c1", "c2", "c3"} {
		f.credit(credit.CreditRequest{Account: "ann", Kind: invoice.CreditMemo, ID: id, Amount: m("USD 50.00"),
			Issued: t0.Add(time.Duration(-30+10*i) * day)})
	}
	f.debit(credit.DebitRequest{Account: "ann", ID: "inv-new", Amount: m("USD 70.00"), Issued: t0.Add(-5 * day)})
	f.debit(credit.DebitRequest{Account: "ann", ID: "inv-old", Amount: m("USD 60.00"), Issued: t0.Add(-15 * day)})
	r := f.apply(credit.ApplyRequest{Account: "ann"})
	wantStrings(t, "plan", lines(r),
		"c1→inv-old USD 50.00", "c2→inv-old USD 10.00", "c2→inv-new USD 40.00", "c3→inv-new USD 30.00")
	for _, l := range r.Plan.Lines {
		if l.Reason != "oldest debit, oldest credit" {
			t.Errorf("line %s reason %q", l, l.Reason)
		}
	}
	f.wantDoc("c3", "USD 20.00", invoice.Open)
	f.wantBalances("ann", bal{"USD 20.00", "USD 0.00", "USD 20.00", "USD 0.00", "USD 20.00"})
	f.wantRows("ann", row{credit.CreditApplied, "USD 130.00", "USD 20.00", "USD 20.00", "USD 0.00", "admin", "", ""})
}

func TestSelectingACreditAlreadyAppliedLeavesItUnchanged(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	f.payment("ann", "credit-inv", "USD 40.00")
	f.invoice("ann", "cart", "USD 100.00")
	first := f.apply(credit.ApplyRequest{Debits: []string{"cart"}, Credits: []string{"credit-inv"}, Cap: m("USD 30.00"), Partial: true})
	wantStrings(t, "first", lines(first), "credit-inv→cart USD 30.00")
	before := f.snapshot("ann")

	again := f.apply(credit.ApplyRequest{Debits: []string{"cart"}, Credits: []string{"credit-inv"}, Partial: true})
	if len(again.Plan.Lines) != 0 || len(again.Applications) != 0 {
		t.Errorf("selecting it again applied more: %+v", again)
	}
	if len(again.Unchanged) != 1 || again.Unchanged[0].Credit != "credit-inv" || again.Unchanged[0].Debit != "cart" {
		t.Errorf("unchanged %+v", again.Unchanged)
	}
	pairs := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "credit-inv", Debit: "cart"}}, Partial: true})
	if len(pairs.Applications) != 0 || len(pairs.Unchanged) != 1 {
		t.Errorf("explicit pair again: %+v", pairs)
	}
	f.wantUnchanged("ann", before)
	f.wantDoc("credit-inv", "USD 10.00", invoice.Open)
	f.wantDoc("cart", "USD 70.00", invoice.Open)
}

func TestRemovingOneCreditRecalculatesUpToTheOriginalTarget(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	day := 24 * time.Hour
	f.credit(credit.CreditRequest{Account: "ann", Kind: invoice.CreditMemo, ID: "c1", Amount: m("USD 50.00"), Issued: t0.Add(-3 * day)})
	f.credit(credit.CreditRequest{Account: "ann", Kind: invoice.CreditMemo, ID: "c2", Amount: m("USD 40.00"), Issued: t0.Add(-2 * day)})
	f.credit(credit.CreditRequest{Account: "ann", Kind: invoice.CreditMemo, ID: "c3", Amount: m("USD 60.00"), Issued: t0.Add(-day)})
	f.invoice("ann", "cart", "USD 100.00")
	r := f.apply(credit.ApplyRequest{Debits: []string{"cart"}, Credits: []string{"c1", "c2", "c3"}})
	wantStrings(t, "plan", lines(r), "c1→cart USD 50.00", "c2→cart USD 40.00", "c3→cart USD 10.00")

	u, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Operation: r.Operation, Credit: "c2", Comment: "remove c2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Reversals) != 3 {
		t.Errorf("reversals %q", appLines(u.Reversals))
	}
	wantStrings(t, "recalculated", appLines(u.Applications), "c1→cart USD 50.00", "c3→cart USD 50.00")
	f.wantDoc("cart", "USD 0.00", invoice.Paid)
	f.wantDoc("c2", "USD 40.00", invoice.Open)
	f.wantDoc("c3", "USD 10.00", invoice.Open)
	f.wantRows("ann",
		row{credit.CreditUnapplied, "USD 100.00", "USD 50.00", "USD 50.00", "USD 0.00", "admin", "", "remove c2"},
		row{credit.CreditApplied, "USD 100.00", "USD 50.00", "USD 50.00", "USD 0.00", "admin", "", "remove c2"})

	// Removing a credit that is not enough to pay the target leaves the
	// remaining credits paying what they can.
	f.invoice("ann", "cart-2", "USD 60.00")
	r2 := f.apply(credit.ApplyRequest{Debits: []string{"cart-2"}, Credits: []string{"c2", "c3"}, Partial: true})
	wantStrings(t, "plan 2", lines(r2), "c2→cart-2 USD 40.00", "c3→cart-2 USD 10.00")
	u2, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Operation: r2.Operation, Credit: "c2"})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "recalculated 2", appLines(u2.Applications), "c3→cart-2 USD 10.00")
	f.wantDoc("cart-2", "USD 50.00", invoice.Open)
}

func TestCreditIsNeverAppliedToARecurringInvoice(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	f.payment("ann", "pay-1", "USD 100.00")
	f.debit(credit.DebitRequest{Account: "ann", ID: "dues", Amount: m("USD 20.00"), Recurring: true})
	before := f.snapshot("ann")
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-1", Debit: "dues"}}})
	wantErr(t, err, credit.ErrRecurring)
	// Planned, it is skipped.
	r := f.apply(credit.ApplyRequest{Account: "ann"})
	if len(r.Applications) != 0 {
		t.Errorf("applied to a recurring invoice: %q", appLines(r.Applications))
	}
	f.wantUnchanged("ann", before)
	el, err := f.l.EligibleCredits(ctx, admin, credit.EligibleRequest{Debit: "dues"})
	if err != nil || len(el) != 0 {
		t.Errorf("eligible credits for a recurring invoice: %v %v", el, err)
	}
	// A prepaid account does not pay a recurring invoice on its own either.
	f.open("pre", "USD", credit.Prepaid, "")
	f.payment("pre", "pay-2", "USD 100.00")
	d := f.debit(credit.DebitRequest{Account: "pre", ID: "dues-2", Amount: m("USD 20.00"), Recurring: true})
	if len(d.Applications) != 0 {
		t.Errorf("prepaid account paid a recurring invoice: %q", appLines(d.Applications))
	}
}

func TestStaffAppliesAnotherAccountsCreditWithApplyOtherCredit(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	f.open("ann", "USD", credit.Term, "")
	f.open("bob", "USD", credit.Term, "")
	f.payment("ann", "ann-credit", "USD 80.00")
	f.invoice("bob", "bob-reg", "USD 50.00")
	req := credit.ApplyRequest{Debits: []string{"bob-reg"}, Credits: []string{"ann-credit"}}
	// A member does not see the other account's document at all; the
	// provider sees both and may apply, but not another's credit.
	for _, c := range []struct {
		p    credit.Principal
		want error
	}{
		{credit.Principal{ID: "bob", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "bob"}, credit.ErrNotFound},
		{credit.Principal{ID: "ann", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "ann"}, credit.ErrNotFound},
		{credit.Principal{ID: "prov", Namespace: ns, Roles: []string{credit.RoleProvider}}, credit.ErrNotAuthorized},
	} {
		_, err := f.l.Apply(ctx, c.p, f.key(), req)
		wantErr(t, err, c.want)
	}
	staff := credit.Principal{ID: "staff-1", Namespace: ns, Roles: []string{credit.RoleStaff}}
	r, err := f.l.Apply(ctx, staff, f.key(), req)
	if err != nil {
		t.Fatalf("staff: %v", err)
	}
	a := r.Applications[0]
	if a.CreditAccount != "ann" || a.DebitAccount != "bob" || str(a.Amount) != "USD 50.00" || a.By != "staff-1" {
		t.Errorf("application %+v", a)
	}
	// Both histories record it; ann's outstanding falls, bob's rises.
	f.wantRows("ann", row{credit.CreditApplied, "USD 50.00", "USD 30.00", "USD 30.00", "USD 0.00", "staff-1", "", ""})
	f.wantRows("bob", row{credit.CreditApplied, "USD 50.00", "USD 0.00", "USD 0.00", "USD 0.00", "staff-1", "", ""})
}

func TestRefundOfOpenCreditRemovesIt(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	f.payment("ann", "pay-1", "USD 100.00")
	f.invoice("ann", "inv-1", "USD 30.00")
	f.apply(credit.ApplyRequest{Account: "ann"})
	before := f.snapshot("ann")
	_, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "pay-1", Amount: m("USD 70.01")})
	wantErr(t, err, credit.ErrInsufficientCredit)
	f.wantUnchanged("ann", before)
	rr, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "pay-1", Amount: m("USD 50.00"), Reference: "RF-1", Comment: "member left"})
	if err != nil {
		t.Fatal(err)
	}
	if d := rr.Document; str(d.Open) != "USD 20.00" || d.Status != invoice.Open || str(rr.Balances.Credit) != "USD 20.00" {
		t.Errorf("after a part refund %+v", rr)
	}
	f.wantRows("ann", row{credit.CreditRefunded, "USD 50.00", "USD 20.00", "USD 20.00", "USD 0.00", "admin", "RF-1", "member left"})
	rr, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{All: true, Credit: "pay-1"})
	if err != nil {
		t.Fatal(err)
	}
	if d := rr.Document; str(d.Open) != "USD 0.00" || d.Status != invoice.Refunded {
		t.Errorf("after the full refund %+v", rr)
	}
	f.wantRows("ann", row{credit.CreditRefunded, "USD 20.00", "USD 0.00", "USD 0.00", "USD 0.00", "admin", "", ""})
	_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{All: true, Credit: "pay-1"})
	wantErr(t, err, credit.ErrInsufficientCredit)
	_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{All: true, Credit: "inv-1"})
	wantErr(t, err, credit.ErrWrongKind)
}

func TestAdjustingAPaidInvoiceReturnsCreditNewestApplicationFirst(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	f.open("bob", "USD", credit.Term, "")
	f.payment("ann", "c-old", "USD 60.00")
	f.payment("bob", "c-new", "USD 40.00") // another contact's credit
	f.invoice("ann", "inv-1", "USD 100.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "c-old", Debit: "inv-1"}}, Partial: true})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "c-new", Debit: "inv-1"}}})
	r, err := f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: "inv-1", Amount: m("USD 50.00"),
		Reason: "session removed", Comment: "price reduced"})
	if err != nil {
		t.Fatal(err)
	}
	// c-new (applied last) is reversed first, whole; c-old keeps 50 of its 60.
	wantStrings(t, "reversals", appLines(r.Reversals), "reverse c-new→inv-1 USD 40.00", "reverse c-old→inv-1 USD 60.00")
	wantStrings(t, "kept", appLines(r.Applications), "c-old→inv-1 USD 50.00")
	if str(r.Removed) != "USD 50.00" || r.Document.Status != invoice.Paid || str(r.Document.Open) != "USD 0.00" {
		t.Errorf("result %+v", r)
	}
	f.wantDoc("c-new", "USD 40.00", invoice.Open)
	f.wantDoc("c-old", "USD 10.00", invoice.Open)
	f.wantRows("ann", row{credit.DocumentAdjusted, "USD 50.00", "USD 10.00", "USD 10.00", "USD 0.00", "admin", "", "price reduced"})
	f.wantRows("bob", row{credit.CreditUnapplied, "USD 40.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", "price reduced"})
	// Adjusting to the current amount or above is refused.
	_, err = f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: "inv-1", Amount: m("USD 50.00")})
	wantErr(t, err, credit.ErrInvalidAmount)
	// An open part is taken off before any application is touched.
	f.invoice("ann", "inv-2", "USD 30.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "c-old", Debit: "inv-2"}}, Partial: true})
	r, err = f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: "inv-2", Amount: m("USD 15.00")})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Reversals) != 0 {
		t.Errorf("reversed %q though the open part absorbed the cut", appLines(r.Reversals))
	}
	f.wantDoc("inv-2", "USD 5.00", invoice.Open)
}

func TestReversedPaymentReopensInvoicesAndRemovesItsCredit(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	f.payment("ann", "pay-1", "USD 150.00")
	f.invoice("ann", "inv-1", "USD 100.00")
	f.apply(credit.ApplyRequest{Account: "ann"})
	r, err := f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "pay-1", Reference: "NSF", Comment: "cheque bounced"})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "reversals", appLines(r.Reversals), "reverse pay-1→inv-1 USD 100.00")
	if str(r.Removed) != "USD 150.00" || r.Document.Status != invoice.Reversed || str(r.Document.Open) != "USD 0.00" {
		t.Errorf("result %+v", r)
	}
	f.wantDoc("inv-1", "USD 100.00", invoice.Open)
	f.wantRows("ann",
		row{credit.CreditApplied, "USD 100.00", "USD 50.00", "USD 50.00", "USD 0.00", "admin", "", ""},
		row{credit.PaymentCancelled, "USD 150.00", "USD -100.00", "USD -100.00", "USD 0.00", "admin", "NSF", "cheque bounced"})
	_, err = f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "pay-1"})
	wantErr(t, err, credit.ErrBadState)
	_, err = f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "inv-1"})
	wantErr(t, err, credit.ErrWrongKind)
}

func TestTransferOfCreditToAnotherAccountIsOnBothHistories(t *testing.T) {
	f := newFixture(t)
	f.open("ann", "USD", credit.Term, "")
	f.open("cy", "USD", credit.Term, "")
	f.open("euro", "EUR", credit.Term, "")
	f.payment("ann", "reg-refund", "USD 100.00")
	r, err := f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{Credit: "reg-refund", To: "cy", Amount: m("USD 60.00"), Comment: "coworker attends"})
	if err != nil {
		t.Fatal(err)
	}
	if str(r.From.Open) != "USD 40.00" || r.From.Status != invoice.Open {
		t.Errorf("from %+v", r.From)
	}
	if r.To.Account != "cy" || r.To.Original != "reg-refund" || str(r.To.Open) != "USD 60.00" || !r.To.IsCredit() ||
		!strings.Contains(r.To.Reason, "reg-refund") {
		t.Errorf("to %+v", r.To)
	}
	f.wantRows("ann", row{credit.CreditTransferredOut, "USD 60.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", "coworker attends"})
	f.wantRows("cy", row{credit.CreditTransferredIn, "USD 60.00", "USD 60.00", "USD 60.00", "USD 0.00", "admin", "", "coworker attends"})
	// All of what is left, by default.
	r, err = f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{All: true, Credit: "reg-refund", To: "cy"})
	if err != nil {
		t.Fatal(err)
	}
	if r.From.Status != invoice.Closed || str(r.To.Amount) != "USD 40.00" {
		t.Errorf("full transfer %+v", r)
	}
	before := f.snapshot("cy")
	_, err = f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{All: true, Credit: r.To.ID, To: "euro"})
	wantErr(t, err, credit.ErrCurrencyMismatch)
	_, err = f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{Credit: r.To.ID, To: "ann", Amount: m("USD 40.01")})
	wantErr(t, err, credit.ErrInsufficientCredit)
	_, err = f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{All: true, Credit: r.To.ID, To: "cy"})
	wantErr(t, err, credit.ErrInvalidRequest)
	f.wantUnchanged("cy", before)
}
