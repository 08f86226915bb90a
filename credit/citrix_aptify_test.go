package credit_test

// Citrix CloudPortal payments and credits, and Aptify credit memos.

import (
	"errors"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

func TestRecordPayment(t *testing.T) {
	f := newFixture(t)
	f.open("corp", "USD", credit.Term, "")
	f.invoice("corp", "inv-1", "USD 75.00")
	r := f.credit(credit.CreditRequest{Account: "corp", ID: "pay-1", Amount: m("USD 75.00"), Reference: "wire 123"})
	if r.Document.Kind != invoice.Payment || r.Document.Status != invoice.Open || len(r.Applications) != 0 {
		t.Errorf("payment %+v", r)
	}
	f.wantRows("corp", row{credit.PaymentReceived, "USD 75.00", "USD 0.00", "USD 0.00", "USD 0.00", "admin", "wire 123", ""})
	_, err := f.l.IssueCredit(ctx, admin, f.key(), credit.CreditRequest{Account: "corp", Amount: m("USD -1.00")})
	wantErr(t, err, credit.ErrInvalidAmount)
	_, err = f.l.IssueCredit(ctx, admin, f.key(), credit.CreditRequest{Account: "corp", Amount: m("EUR 1.00")})
	wantErr(t, err, credit.ErrCurrencyMismatch)
	_, err = f.l.IssueCredit(ctx, admin, f.key(), credit.CreditRequest{Account: "nobody", Amount: m("USD 1.00")})
	wantErr(t, err, credit.ErrNotFound)
}

func TestIssueCreditNeedsAReason(t *testing.T) {
	f := newFixture(t)
	f.open("corp", "USD", credit.Term, "")
	before := f.snapshot("corp")
	_, err := f.l.IssueCredit(ctx, admin, f.key(), credit.CreditRequest{Account: "corp", Kind: invoice.CreditGrant, Amount: m("USD 25.00")})
	wantErr(t, err, credit.ErrInvalidRequest)
	f.wantUnchanged("corp", before)
	r := f.credit(credit.CreditRequest{Account: "corp", Kind: invoice.CreditGrant, ID: "goodwill", Amount: m("USD 25.00"), Reason: "service outage 12 May"})
	if r.Document.Reason != "service outage 12 May" || r.Document.Kind != invoice.CreditGrant {
		t.Errorf("credit %+v", r.Document)
	}
	f.wantRows("corp", row{credit.CreditIssued, "USD 25.00", "USD 25.00", "USD 25.00", "USD 0.00", "admin", "", ""})
}

func TestChargeBackAndCancelPaymentAreRecordedApart(t *testing.T) {
	f := newFixture(t)
	f.open("retail", "USD", credit.Term, "")
	f.open("corp", "USD", credit.Term, "")
	f.payment("retail", "card-1", "USD 30.00")
	f.payment("corp", "wire-1", "USD 30.00")
	if _, err := f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "card-1", ChargeBack: true, Reference: "CB-9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "wire-1"}); err != nil {
		t.Fatal(err)
	}
	f.wantRows("retail", row{credit.PaymentChargedBack, "USD 30.00", "USD 0.00", "USD 0.00", "USD 0.00", "admin", "CB-9", ""})
	f.wantRows("corp", row{credit.PaymentCancelled, "USD 30.00", "USD 0.00", "USD 0.00", "USD 0.00", "admin", "", ""})
	f.wantDoc("card-1", "USD 0.00", invoice.Reversed)
	f.wantDoc("wire-1", "USD 0.00", invoice.Reversed)
	// Only payments can be charged back or cancelled.
	f.credit(credit.CreditRequest{Account: "corp", Kind: invoice.CreditGrant, ID: "goodwill", Amount: m("USD 5.00"), Reason: "r"})
	_, err := f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "goodwill"})
	wantErr(t, err, credit.ErrWrongKind)
}

func TestFutureChargesArePaidFirstFromCredit(t *testing.T) {
	f := newFixture(t)
	f.open("cust", "USD", credit.Prepaid, "")
	f.credit(credit.CreditRequest{Account: "cust", Kind: invoice.CreditGrant, ID: "credit-1", Amount: m("USD 50.00"), Reason: "SLA breach"})
	r := f.invoice("cust", "usage-1", "USD 80.00")
	wantStrings(t, "applications", appLines(r.Applications), "credit-1→usage-1 USD 50.00")
	if str(r.Document.Open) != "USD 30.00" || r.Document.Status != invoice.Open {
		t.Errorf("charge %+v", r.Document)
	}
	if got := balOf(r.Balances); got != (bal{"USD 0.00", "USD 30.00", "USD -30.00", "USD 0.00", "USD -30.00"}) {
		t.Errorf("balances %+v", got)
	}
	f.wantDoc("credit-1", "USD 0.00", invoice.Closed)
}

func TestRefundsChargeBacksAndCancellationsNeedFinance(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	f.open("cust", "USD", credit.Term, "")
	f.payment("cust", "pay-1", "USD 40.00")
	f.payment("cust", "pay-2", "USD 40.00")
	f.payment("cust", "pay-3", "USD 40.00")
	staff := credit.Principal{ID: "staff-1", Namespace: ns, Roles: []string{credit.RoleStaff}}
	fin := credit.Principal{ID: "fin-1", Namespace: ns, Roles: []string{credit.RoleFinance}}
	before := f.snapshot("cust")
	_, err := f.l.Refund(ctx, staff, f.key(), credit.RefundRequest{All: true, Credit: "pay-1"})
	wantErr(t, err, credit.ErrNotAuthorized)
	_, err = f.l.ReversePayment(ctx, staff, f.key(), credit.ReverseRequest{Payment: "pay-2", ChargeBack: true})
	wantErr(t, err, credit.ErrNotAuthorized)
	_, err = f.l.ReversePayment(ctx, staff, f.key(), credit.ReverseRequest{Payment: "pay-3"})
	wantErr(t, err, credit.ErrNotAuthorized)
	f.wantUnchanged("cust", before)
	if _, err := f.l.Refund(ctx, fin, f.key(), credit.RefundRequest{All: true, Credit: "pay-1"}); err != nil {
		t.Errorf("finance refund: %v", err)
	}
	if _, err := f.l.ReversePayment(ctx, fin, f.key(), credit.ReverseRequest{Payment: "pay-2", ChargeBack: true}); err != nil {
		t.Errorf("finance charge back: %v", err)
	}
	if _, err := f.l.ReversePayment(ctx, fin, f.key(), credit.ReverseRequest{Payment: "pay-3"}); err != nil {
		t.Errorf("finance cancellation: %v", err)
	}
	f.wantRows("cust",
		row{credit.CreditRefunded, "USD 40.00", "USD 80.00", "USD 80.00", "USD 0.00", "fin-1", "", ""},
		row{credit.PaymentChargedBack, "USD 40.00", "USD 40.00", "USD 40.00", "USD 0.00", "fin-1", "", ""},
		row{credit.PaymentCancelled, "USD 40.00", "USD 0.00", "USD 0.00", "USD 0.00", "fin-1", "", ""})
}

// aptify opens an account with documents of several bill-to parties:
//
//	cm-acme   credit memo, company Acme          inv-acme  invoice, Acme / Bob
//	cm-ann    credit memo, person Ann (no company) inv-ann   invoice, person Ann
//	cm-globex credit memo, company Globex
func aptify(t *testing.T) *fixture {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	for _, c := range []struct {
		id    string
		party invoice.Party
	}{{"cm-acme", invoice.Party{Company: "Acme"}}, {"cm-ann", invoice.Party{Person: "Ann"}}, {"cm-globex", invoice.Party{Company: "Globex", Person: "Bob"}}} {
		f.credit(credit.CreditRequest{Account: "acct", Kind: invoice.CreditMemo, ID: c.id, Amount: m("USD 100.00"), BillTo: c.party})
	}
	f.debit(credit.DebitRequest{Account: "acct", ID: "inv-acme", Amount: m("USD 60.00"), BillTo: invoice.Party{Company: "Acme", Person: "Bob"}})
	f.debit(credit.DebitRequest{Account: "acct", ID: "inv-ann", Amount: m("USD 60.00"), BillTo: invoice.Party{Person: "Ann"}})
	return f
}

func TestBillToMatchesCompanyElsePerson(t *testing.T) {
	f := aptify(t)
	before := f.snapshot("acct")
	// The company is named on the credit, so the companies must match,
	// whoever the persons are.
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-globex", Debit: "inv-acme"}}, BillTo: true})
	wantErr(t, err, credit.ErrBillToMismatch)
	// No company on the credit: the persons must match.
	_, err = f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-ann", Debit: "inv-acme"}}, BillTo: true})
	wantErr(t, err, credit.ErrBillToMismatch)
	f.wantUnchanged("acct", before)

	var ids []string
	el, err := f.l.EligibleCredits(ctx, admin, credit.EligibleRequest{Debit: "inv-acme", BillTo: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range el {
		ids = append(ids, d.ID)
	}
	wantStrings(t, "eligible for inv-acme", ids, "cm-acme")
	ids = nil
	el, _ = f.l.EligibleCredits(ctx, admin, credit.EligibleRequest{Debit: "inv-ann", BillTo: true})
	for _, d := range el {
		ids = append(ids, d.ID)
	}
	wantStrings(t, "eligible for inv-ann", ids, "cm-ann")
	el, _ = f.l.EligibleCredits(ctx, admin, credit.EligibleRequest{Debit: "inv-ann"})
	if len(el) != 3 {
		t.Errorf("without bill-to matching, %d credits are eligible, want 3", len(el))
	}
	// Matching pairs go through; a planned request pairs only matching parties.
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-acme", Debit: "inv-acme"}}, BillTo: true})
	r := f.apply(credit.ApplyRequest{Account: "acct", BillTo: true})
	wantStrings(t, "planned", lines(r), "cm-ann→inv-ann USD 60.00")
	// The same through the policy.
	g := aptify(t)
	r = g.apply(credit.ApplyRequest{Account: "acct", Policy: allocate.BillToMatch(allocate.OldestFirst())})
	wantStrings(t, "bill_to_match policy", lines(r), "cm-acme→inv-acme USD 60.00", "cm-ann→inv-ann USD 60.00")
}

func TestFullCoverUnlessPartial(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.credit(credit.CreditRequest{Account: "acct", Kind: invoice.CreditMemo, ID: "cm-1", Amount: m("USD 30.00")})
	f.invoice("acct", "order-1", "USD 100.00")
	before := f.snapshot("acct")
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-1", Debit: "order-1"}}})
	wantErr(t, err, credit.ErrNotCovered, allocate.ErrNotCovered)
	// A planned request that can pay no debit whole says so, as the pair
	// does, and pays nothing.
	_, err = f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "acct"})
	wantErr(t, err, credit.ErrNotCovered)
	f.wantUnchanged("acct", before)
	// With Partial the memo pays what it can.
	r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-1", Debit: "order-1"}}, Partial: true})
	wantStrings(t, "partial", appLines(r.Applications), "cm-1→order-1 USD 30.00")
	f.wantDoc("order-1", "USD 70.00", invoice.Open)
	// An explicit amount above what the credit holds is insufficient credit.
	f.credit(credit.CreditRequest{Account: "acct", Kind: invoice.CreditMemo, ID: "cm-2", Amount: m("USD 10.00")})
	_, err = f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-2", Debit: "order-1", Amount: m("USD 10.01")}}, Partial: true})
	wantErr(t, err, credit.ErrInsufficientCredit)
}

func TestConsolidateAcrossAccountsReportsEachAccount(t *testing.T) {
	f := newFixture(t)
	f.open("a", "USD", credit.Term, "")
	f.open("b", "USD", credit.Term, "")
	f.open("c", "USD", credit.Term, "")
	f.payment("a", "a-pay", "USD 100.00")
	f.invoice("a", "a-inv", "USD 60.00")
	f.payment("b", "b-pay", "USD 20.00")
	f.invoice("b", "b-inv", "USD 50.00")
	f.invoice("c", "c-inv", "USD 10.00")
	r, err := f.l.Consolidate(ctx, admin, f.key(), credit.ConsolidateRequest{Accounts: []string{"a", "nope", "b", "c"}, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ar := range r.Accounts {
		s := ar.Account + " " + str(ar.Total) + " " + strings.Join(appLines(ar.Applications), ",")
		if ar.Error != "" {
			s = ar.Account + " error"
			if !strings.Contains(ar.Error, credit.ErrNotFound.Error()) {
				t.Errorf("%s: error %q", ar.Account, ar.Error)
			}
		}
		got = append(got, s)
	}
	wantStrings(t, "results", got, "a USD 60.00 a-pay→a-inv USD 60.00", "nope error", "b USD 20.00 b-pay→b-inv USD 20.00", "c USD 0.00 ")
	f.wantRows("a", row{credit.CreditsConsolidated, "USD 60.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", ""})
	f.wantRows("b", row{credit.CreditsConsolidated, "USD 20.00", "USD -30.00", "USD -30.00", "USD 0.00", "admin", "", ""})
	f.wantDoc("b-inv", "USD 30.00", invoice.Open)
	if len(f.history("c")) != 2 {
		t.Errorf("c has %d entries, want 2 (nothing to consolidate)", len(f.history("c")))
	}
	_, err = f.l.Consolidate(ctx, admin, f.key(), credit.ConsolidateRequest{})
	if !errors.Is(err, credit.ErrInvalidRequest) {
		t.Errorf("no accounts: %v", err)
	}
}
