package credit_test

// Ingram Micro: prepaid and term accounts, paying with the credit balance,
// caps, the system's discretion, previews, provider-only link and unlink,
// and the unpaid documents list.

import (
	"testing"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

func TestPrepaidAccountUsesCreditOnNewInvoices(t *testing.T) {
	f := newFixture(t)
	f.open("res", "USD", credit.Prepaid, "")
	f.payment("res", "pay-1", "USD 100.00")
	r := f.invoice("res", "inv-1", "USD 60.00")
	wantStrings(t, "applications", appLines(r.Applications), "pay-1→inv-1 USD 60.00")
	// Prepaid credit may pay part of a debit, and the policy's name says so.
	if r.Applications[0].Policy != "partial(oldest_first)" || r.Document.Status != invoice.Paid {
		t.Errorf("result %+v", r)
	}
	f.wantDoc("pay-1", "USD 40.00", invoice.Open)
	f.wantRows("res",
		row{credit.PaymentReceived, "USD 100.00", "USD 100.00", "USD 100.00", "USD 0.00", "admin", "", ""},
		row{credit.InvoiceIssued, "USD 60.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", ""},
		row{credit.CreditApplied, "USD 60.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", "credit used automatically (prepaid account)"})
	// More than the credit: what is left stays open.
	r = f.invoice("res", "inv-2", "USD 70.00")
	wantStrings(t, "applications", appLines(r.Applications), "pay-1→inv-2 USD 40.00")
	f.wantDoc("inv-2", "USD 30.00", invoice.Open)
	// A new credit on a prepaid account pays what is open at once.
	c := f.payment("res", "pay-2", "USD 50.00")
	wantStrings(t, "applications", appLines(c.Applications), "pay-2→inv-2 USD 30.00")
	f.wantBalances("res", bal{"USD 20.00", "USD 0.00", "USD 20.00", "USD 0.00", "USD 20.00"})
}

func TestTermAccountUsesCreditOnlyWhenAsked(t *testing.T) {
	f := newFixture(t)
	f.open("res", "USD", credit.Term, "")
	f.payment("res", "pay-1", "USD 100.00")
	r := f.invoice("res", "inv-1", "USD 60.00")
	if len(r.Applications) != 0 {
		t.Fatalf("term account applied credit on its own: %+v", r.Applications)
	}
	f.wantDoc("inv-1", "USD 60.00", invoice.Open)
	f.wantDoc("pay-1", "USD 100.00", invoice.Open)
	f.wantRows("res", row{credit.InvoiceIssued, "USD 60.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", ""})
	a := f.apply(credit.ApplyRequest{Account: "res", Comment: "pay with credit balance"})
	wantStrings(t, "applications", appLines(a.Applications), "pay-1→inv-1 USD 60.00")
	f.wantDoc("inv-1", "USD 0.00", invoice.Paid)
	f.wantRows("res", row{credit.CreditApplied, "USD 60.00", "USD 40.00", "USD 40.00", "USD 0.00", "admin", "", "pay with credit balance"})
}

func TestApplyWithCapBelowTheInvoicesTotal(t *testing.T) {
	f := newFixture(t)
	f.open("res", "USD", credit.Term, "")
	f.payment("res", "pay-1", "USD 500.00")
	f.invoice("res", "inv-1", "USD 100.00")
	f.invoice("res", "inv-2", "USD 50.00")
	r := f.apply(credit.ApplyRequest{Account: "res", Cap: m("USD 120.00"), Partial: true})
	wantStrings(t, "plan", lines(r), "pay-1→inv-1 USD 100.00", "pay-1→inv-2 USD 20.00")
	f.wantDoc("inv-2", "USD 30.00", invoice.Open)
	f.wantDoc("pay-1", "USD 380.00", invoice.Open)
	f.wantRows("res", row{credit.CreditApplied, "USD 120.00", "USD 350.00", "USD 350.00", "USD 0.00", "admin", "", ""})
	// Under full cover a debit the cap cannot pay whole is left alone.
	f.invoice("res", "inv-3", "USD 40.00")
	r = f.apply(credit.ApplyRequest{Account: "res", Debits: []string{"inv-2", "inv-3"}, Cap: m("USD 50.00")})
	wantStrings(t, "plan", lines(r), "pay-1→inv-2 USD 30.00")
	// A cap that is not positive is refused.
	before := f.snapshot("res")
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "res", Cap: m("USD 0.00")})
	wantErr(t, err, credit.ErrInvalidAmount)
	f.wantUnchanged("res", before)
	// A cap is "at most": one above what the debits owe bounds nothing.
	r = f.apply(credit.ApplyRequest{Account: "res", Cap: m("USD 40.01")})
	wantStrings(t, "plan under a cap above the debits", lines(r), "pay-1→inv-3 USD 40.00")
}

func TestApplyWithSystemDiscretionPaysOverdueFromCreditExpiringSoonest(t *testing.T) {
	f := newFixture(t)
	f.open("res", "USD", credit.Term, "")
	day := 24 * time.Hour
	f.debit(credit.DebitRequest{Account: "res", ID: "inv-old", Amount: m("USD 50.00"), Issued: t0.Add(-60 * day), Due: t0.Add(30 * day)})
	f.debit(credit.DebitRequest{Account: "res", ID: "inv-late", Amount: m("USD 80.00"), Issued: t0.Add(-10 * day), Due: t0.Add(-day)})
	f.payment("res", "pay-1", "USD 100.00")
	f.credit(credit.CreditRequest{Account: "res", Kind: invoice.CreditGrant, ID: "promo", Amount: m("USD 80.00"),
		Reason: "promotion", Expires: t0.Add(10 * day)})
	// Oldest first would pay the oldest invoice from the oldest credit.
	p, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "res"})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "oldest-first plan", lines(p), "pay-1→inv-old USD 50.00", "pay-1→inv-late USD 50.00", "promo→inv-late USD 30.00")
	r := f.apply(credit.ApplyRequest{Account: "res", Policy: allocate.SystemDiscretion()})
	wantStrings(t, "system discretion plan", lines(r), "promo→inv-late USD 80.00", "pay-1→inv-old USD 50.00")
	if r.Plan.Lines[0].Reason != allocate.ReasonOverdue || r.Plan.Lines[1].Reason != allocate.ReasonNotYetDue {
		t.Errorf("reasons %q, %q", r.Plan.Lines[0].Reason, r.Plan.Lines[1].Reason)
	}
	for _, a := range r.Applications {
		if a.Policy != "system_discretion" {
			t.Errorf("application %s records policy %q", a.ID, a.Policy)
		}
	}
	f.wantDoc("promo", "USD 0.00", invoice.Closed)
	f.wantDoc("pay-1", "USD 50.00", invoice.Open)
}

func TestPreviewWritesNothingAndReportsAvailable(t *testing.T) {
	f := newFixture(t)
	f.open("res", "USD", credit.Term, "")
	f.payment("res", "pay-1", "USD 70.00")
	f.credit(credit.CreditRequest{Account: "res", Kind: invoice.CreditMemo, ID: "memo-1", Amount: m("USD 30.00")})
	f.invoice("res", "inv-1", "USD 90.00")
	before := f.snapshot("res")
	r, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "res"})
	if err != nil {
		t.Fatal(err)
	}
	if str(r.Available) != "USD 100.00" {
		t.Errorf("available %s, want USD 100.00", str(r.Available))
	}
	wantStrings(t, "plan", lines(r), "pay-1→inv-1 USD 70.00", "memo-1→inv-1 USD 20.00")
	if len(r.Applications) != 0 {
		t.Errorf("preview returned applications %+v", r.Applications)
	}
	f.wantUnchanged("res", before)
	// The plan it showed is the one Apply writes.
	a := f.apply(credit.ApplyRequest{Account: "res"})
	wantStrings(t, "applied", lines(a), lines(r)...)
}

func TestOnlyTheProviderLinksAndUnlinks(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	f.open("res", "USD", credit.Term, "")
	f.payment("res", "pay-1", "USD 100.00")
	f.invoice("res", "inv-1", "USD 40.00")
	f.invoice("res", "inv-2", "USD 60.00")
	member := credit.Principal{ID: "reseller-user", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "res"}
	provider := credit.Principal{ID: "provider-l1", Namespace: ns, Roles: []string{credit.RoleProvider}}

	// The reseller may choose to use its credit balance; the system applies it.
	used, err := f.l.Apply(ctx, member, f.key(), credit.ApplyRequest{Account: "res", Debits: []string{"inv-1"}})
	if err != nil {
		t.Fatalf("member using its own credit: %v", err)
	}
	if used.Applications[0].By != "reseller-user" {
		t.Errorf("application by %q", used.Applications[0].By)
	}
	// It may not link documents itself, nor unlink what the system did.
	before := f.snapshot("res")
	_, err = f.l.Apply(ctx, member, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-1", Debit: "inv-2"}}})
	wantErr(t, err, credit.ErrNotAuthorized)
	_, err = f.l.Unapply(ctx, member, f.key(), credit.UnapplyRequest{Operation: used.Operation})
	wantErr(t, err, credit.ErrNotAuthorized)
	f.wantUnchanged("res", before)

	// The provider can do both.
	un, err := f.l.Unapply(ctx, provider, f.key(), credit.UnapplyRequest{Operation: used.Operation, Comment: "reseller asked"})
	if err != nil {
		t.Fatalf("provider unlink: %v", err)
	}
	wantStrings(t, "reversals", appLines(un.Reversals), "reverse pay-1→inv-1 USD 40.00")
	f.wantRows("res", row{credit.CreditUnapplied, "USD 40.00", "USD 0.00", "USD 0.00", "USD 0.00", "provider-l1", "", "reseller asked"})
	linked, err := f.l.Apply(ctx, provider, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-1", Debit: "inv-2"}}})
	if err != nil {
		t.Fatalf("provider link: %v", err)
	}
	wantStrings(t, "linked", appLines(linked.Applications), "pay-1→inv-2 USD 60.00")
	if linked.Applications[0].Policy != "explicit" {
		t.Errorf("policy %q", linked.Applications[0].Policy)
	}
	f.wantDoc("inv-1", "USD 40.00", invoice.Open)
	f.wantDoc("inv-2", "USD 0.00", invoice.Paid)
}

func TestUnpaidDocumentsListsOpenDebits(t *testing.T) {
	f := newFixture(t)
	f.open("res", "USD", credit.Term, "")
	f.debit(credit.DebitRequest{Account: "res", ID: "inv-2", Amount: m("USD 20.00"), Issued: t0.Add(-time.Hour)})
	f.debit(credit.DebitRequest{Account: "res", ID: "inv-1", Amount: m("USD 10.00"), Issued: t0.Add(-2 * time.Hour)})
	f.debit(credit.DebitRequest{Account: "res", ID: "dm-1", Kind: invoice.DebitMemo, Amount: m("USD 5.00")})
	f.invoice("res", "inv-paid", "USD 30.00")
	f.payment("res", "pay-1", "USD 30.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-1", Debit: "inv-paid"}}})
	f.payment("res", "pay-2", "USD 1.00")
	docs, err := f.l.Documents(ctx, admin, credit.DocumentFilter{Account: "res", OpenOnly: true,
		Kinds: []invoice.Kind{invoice.Invoice, invoice.DebitMemo}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.ID+" "+str(d.Open))
	}
	wantStrings(t, "unpaid documents", got, "inv-1 USD 10.00", "inv-2 USD 20.00", "dm-1 USD 5.00")
	// Paged with a cursor.
	page, err := f.l.Documents(ctx, admin, credit.DocumentFilter{Account: "res", OpenOnly: true,
		Kinds: []invoice.Kind{invoice.Invoice, invoice.DebitMemo}, After: "inv-1", Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != "inv-2" {
		t.Errorf("second page %v %v", page, err)
	}
}
