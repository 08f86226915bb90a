package credit_test

import (
	"errors"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// eurInvoiceAndPayment sets up the issue's worked example: a USD account,
// an invoice of EUR 1,000.00 booked at 1.10 and a payment of EUR 1,000.00
// received at 1.05.
func eurInvoiceAndPayment(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "")
	inv := f.debit(credit.DebitRequest{Account: "acme", ID: "INV-EUR", Amount: m("EUR 1000.00"), Rate: money.MustParseRate("EUR/USD 1.10")})
	if d := inv.Document; !d.IsForeign() || str(d.Functional) != "USD 1100.00" || str(d.FunctionalOpen) != "USD 1100.00" || str(d.Open) != "EUR 1000.00" {
		t.Fatalf("invoice booked as %+v", d)
	}
	pay := f.credit(credit.CreditRequest{Account: "acme", ID: "PAY-EUR", Amount: m("EUR 1000.00"), Rate: money.MustParseRate("EUR/USD 1.05")})
	if d := pay.Document; str(d.Functional) != "USD 1050.00" || str(pay.Balances.Outstanding) != "USD -50.00" {
		t.Fatalf("payment booked as %+v, balances %+v", d, pay.Balances)
	}
	return f
}

func (f *fixture) wantFX(id, open, functionalOpen string, status invoice.Status) {
	f.tb.Helper()
	d := f.doc(id)
	if str(d.Open) != open || str(d.FunctionalOpen) != functionalOpen || d.Status != status {
		f.tb.Errorf("%s: open %s / %s %s, want %s / %s %s", id, str(d.Open), str(d.FunctionalOpen), d.Status, open, functionalOpen, status)
	}
}

// TestWorkedExampleOfTheIssue: apply EUR 400.00, a loss of USD 20.00; then
// the remaining EUR 600.00, a loss of USD 30.00; both documents closed in
// EUR and in USD, total loss USD 50.00, every difference journalled.
func TestWorkedExampleOfTheIssue(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 400.00")}}})
	if len(r.Applications) != 1 {
		t.Fatalf("applications %+v", r.Applications)
	}
	a := r.Applications[0]
	if str(a.Amount) != "EUR 400.00" || str(a.DebitValue) != "USD 440.00" || str(a.CreditValue()) != "USD 420.00" || str(a.Difference) != "USD -20.00" {
		t.Errorf("first application %+v", a)
	}
	f.wantFX("INV-EUR", "EUR 600.00", "USD 660.00", invoice.Open)
	f.wantFX("PAY-EUR", "EUR 600.00", "USD 630.00", invoice.Open)

	r = f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 600.00")}}})
	a = r.Applications[0]
	if str(a.Amount) != "EUR 600.00" || str(a.DebitValue) != "USD 660.00" || str(a.CreditValue()) != "USD 630.00" || str(a.Difference) != "USD -30.00" {
		t.Errorf("second application %+v", a)
	}
	f.wantFX("INV-EUR", "EUR 0.00", "USD 0.00", invoice.Paid)
	f.wantFX("PAY-EUR", "EUR 0.00", "USD 0.00", invoice.Closed)
	f.wantBalances("acme", bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00"})

	var total money.Money = money.Zero(money.MustCurrency("USD"))
	for _, e := range f.history("acme") {
		if e.Kind == credit.ExchangeDifferenceRealized {
			if e.Document != "INV-EUR" || !e.CreditChange.IsZero() || !e.DebitChange.IsZero() {
				t.Errorf("difference entry %+v", e)
			}
			total, _ = total.Add(e.Amount)
		}
	}
	if str(total) != "USD -50.00" {
		t.Errorf("journalled differences total %s, want USD -50.00", str(total))
	}
	if err := f.l.Verify(ctx, admin, "acme"); err != nil {
		t.Fatal(err)
	}
}

// TestUnapplyReversesExactlyThatDifference: reversing the second
// application gives both documents back exactly its shares, journals its
// difference negated, and leaves the first one's alone; applying again
// closes both documents at the same figures.
func TestUnapplyReversesExactlyThatDifference(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	first := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 400.00")}}})
	second := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 600.00")}}})
	u, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: second.Applications[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	rev := u.Reversals[0]
	if str(rev.Difference) != "USD -30.00" || str(rev.DebitValue) != "USD 660.00" {
		t.Errorf("reversal %+v", rev)
	}
	f.wantFX("INV-EUR", "EUR 600.00", "USD 660.00", invoice.Open)
	f.wantFX("PAY-EUR", "EUR 600.00", "USD 630.00", invoice.Open)
	f.wantBalances("acme", bal{"USD 630.00", "USD 660.00", "USD -30.00", "USD 0.00", "USD -30.00"})
	h := f.history("acme")
	last := h[len(h)-1]
	if last.Kind != credit.ExchangeDifferenceReversed || str(last.Amount) != "USD 30.00" {
		t.Errorf("last entry %+v", last)
	}
	active, err := f.l.ActiveApplications(ctx, admin, "INV-EUR")
	if err != nil || len(active) != 1 || active[0].ID != first.Applications[0].ID || str(active[0].Difference) != "USD -20.00" {
		t.Errorf("active applications %+v %v", active, err)
	}
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 600.00")}}})
	f.wantFX("INV-EUR", "EUR 0.00", "USD 0.00", invoice.Paid)
	f.wantFX("PAY-EUR", "EUR 0.00", "USD 0.00", invoice.Closed)
	if err := f.l.Verify(ctx, admin, "acme"); err != nil {
		t.Fatal(err)
	}
}

// TestDifferentDocumentCurrenciesAreRefused: a EUR credit and a GBP debit
// (or a USD one) are never matched, whether the pair is named or planned.
func TestDifferentDocumentCurrenciesAreRefused(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	f.debit(credit.DebitRequest{Account: "acme", ID: "INV-GBP", Amount: m("GBP 100.00"), Rate: money.MustParseRate("GBP/USD 1.25")})
	f.invoice("acme", "INV-USD", "USD 100.00")
	for _, debit := range []string{"INV-GBP", "INV-USD"} {
		_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: debit, Amount: m("EUR 10.00")}}})
		if !errors.Is(err, credit.ErrCurrencyMismatch) {
			t.Errorf("EUR payment on %s: got %v, want ErrCurrencyMismatch", debit, err)
		}
	}
	// Planned: only the EUR invoice is paid, in EUR.
	r := f.apply(credit.ApplyRequest{Account: "acme", Debits: []string{"INV-EUR", "INV-GBP", "INV-USD"}, Partial: true})
	for _, a := range r.Applications {
		if a.Debit != "INV-EUR" || a.Amount.Currency().Code() != "EUR" {
			t.Errorf("planned %+v", a)
		}
	}
}

// TestForeignIssueNeedsAFittingRate: an amount in another currency needs
// a rate from it to the account's; a rate for a document in the account's
// currency, or one that converts to nothing, is refused.
func TestForeignIssueNeedsAFittingRate(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "")
	f.open("yen", "JPY", credit.Term, "")
	cases := []struct {
		name string
		req  credit.DebitRequest
		want error
	}{
		{"no rate", credit.DebitRequest{Account: "acme", Amount: m("EUR 10.00")}, credit.ErrCurrencyMismatch},
		{"rate from another currency", credit.DebitRequest{Account: "acme", Amount: m("EUR 10.00"), Rate: money.MustParseRate("GBP/USD 1.2")}, credit.ErrCurrencyMismatch},
		{"rate to another currency", credit.DebitRequest{Account: "acme", Amount: m("EUR 10.00"), Rate: money.MustParseRate("EUR/GBP 0.8")}, credit.ErrCurrencyMismatch},
		{"rate on a domestic document", credit.DebitRequest{Account: "acme", Amount: m("USD 10.00"), Rate: money.MustParseRate("USD/EUR 0.9")}, credit.ErrCurrencyMismatch},
		{"converts to nothing", credit.DebitRequest{Account: "acme", Amount: m("EUR 0.01"), Rate: money.MustParseRate("EUR/USD 0.0001")}, credit.ErrInvalidAmount},
		{"converts to less than a yen", credit.DebitRequest{Account: "yen", Amount: m("USD 0.01"), Rate: money.MustParseRate("USD/JPY 0.4")}, credit.ErrInvalidAmount},
		{"absurd rate", credit.DebitRequest{Account: "acme", Amount: m("EUR 999999999999.99"), Rate: money.MustParseRate("EUR/USD 99999999999999999999")}, credit.ErrInvalidAmount},
	}
	for _, c := range cases {
		_, err := f.l.IssueDebit(ctx, admin, f.key(), c.req)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	for _, bad := range []string{"EUR/USD 0", "EUR/USD -1.1", "EUR/USD 1.123456789012345678901", "EUR/USD 1e5", "EUR/USD NaN"} {
		if _, err := money.ParseRate(bad); !errors.Is(err, money.ErrInvalidRate) {
			t.Errorf("ParseRate(%q): got %v, want ErrInvalidRate", bad, err)
		}
	}
	// JPY (no minor units) and KWD (three) both ways.
	r := f.debit(credit.DebitRequest{Account: "yen", ID: "INV-KWD", Amount: m("KWD 10.125"), Rate: money.MustParseRate("KWD/JPY 487.3")})
	if str(r.Document.Functional) != "JPY 4934" { // 4933.9125 rounds half-even
		t.Errorf("KWD 10.125 at 487.3: %s", str(r.Document.Functional))
	}
	r = f.debit(credit.DebitRequest{Account: "acme", ID: "INV-JPY", Amount: m("JPY 1001"), Rate: money.MustParseRate("JPY/USD 0.006725")})
	if str(r.Document.Functional) != "USD 6.73" { // 6.731725
		t.Errorf("JPY 1001 at 0.006725: %s", str(r.Document.Functional))
	}
}

// TestTheLastApplicationTakesTheRoundingRemainder: EUR 0.03 booked at 1.4
// is USD 0.04, but each EUR 0.01 is USD 0.014, rounded to 0.01: the last of
// three applications settles USD 0.02, so that the invoice ends with
// nothing in either currency, and the differences add up to the credit's
// functional value less the debit's.
func TestTheLastApplicationTakesTheRoundingRemainder(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "")
	f.debit(credit.DebitRequest{Account: "acme", ID: "INV", Amount: m("EUR 0.03"), Rate: money.MustParseRate("EUR/USD 1.4")})
	f.credit(credit.CreditRequest{Account: "acme", ID: "PAY", Amount: m("EUR 0.03"), Rate: money.MustParseRate("EUR/USD 1")})
	var values, diffs []string
	for range 3 {
		r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV", Amount: m("EUR 0.01")}}})
		values = append(values, str(r.Applications[0].DebitValue))
		diffs = append(diffs, str(r.Applications[0].Difference))
	}
	if want := []string{"USD 0.01", "USD 0.01", "USD 0.02"}; !equalStrings(values, want) {
		t.Errorf("debit values %v, want %v", values, want)
	}
	if want := []string{"USD 0.00", "USD 0.00", "USD -0.01"}; !equalStrings(diffs, want) {
		t.Errorf("differences %v, want %v", diffs, want)
	}
	f.wantFX("INV", "EUR 0.00", "USD 0.00", invoice.Paid)
	f.wantFX("PAY", "EUR 0.00", "USD 0.00", invoice.Closed)
	// A zero difference is recorded on the application, not journalled.
	n := 0
	for _, e := range f.history("acme") {
		if e.Kind == credit.ExchangeDifferenceRealized {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d difference entries, want 1", n)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOtherOperationsOnForeignDocuments: refunding part of a EUR payment,
// adjusting and voiding a EUR invoice that was paid in part, and reversing
// a EUR payment keep both currencies of every document and the account's
// balances in step, journal functional amounts, and keep the journal
// verifiable; a transfer or a change of the account's currency with a
// foreign document open is refused.
func TestOtherOperationsOnForeignDocuments(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 400.00")}}})
	r, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "PAY-EUR", Amount: m("EUR 100.00")})
	if err != nil {
		t.Fatal(err)
	}
	if str(r.Document.Open) != "EUR 500.00" || str(r.Document.FunctionalOpen) != "USD 525.00" {
		t.Errorf("after the refund: %+v", r.Document)
	}
	h := f.history("acme")
	if e := h[len(h)-1]; e.Kind != credit.CreditRefunded || str(e.Amount) != "USD 105.00" || str(e.Original) != "EUR 100.00" || e.Rate.String() != "EUR/USD 1.05" {
		t.Errorf("refund entry %+v", e)
	}
	// Cut the invoice to EUR 300.00: EUR 100.00 of the application comes
	// back to the payment, with its difference.
	a, err := f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: "INV-EUR", Amount: m("EUR 300.00")})
	if err != nil {
		t.Fatal(err)
	}
	f.wantFX("INV-EUR", "EUR 0.00", "USD 0.00", invoice.Paid)
	if str(a.Document.FunctionalOpen) != "USD 0.00" {
		t.Errorf("adjusted %+v", a.Document)
	}
	f.wantFX("PAY-EUR", "EUR 600.00", "USD 630.00", invoice.Open)
	if _, err := f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{Credit: "PAY-EUR", To: "acme", All: true}); !errors.Is(err, credit.ErrCurrencyMismatch) {
		t.Errorf("transfer of a foreign credit: got %v", err)
	}
	gbp := money.MustCurrency("GBP")
	if _, err := f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "acme", Currency: &gbp, Rate: money.MustParseRate("USD/GBP 0.8")}); !errors.Is(err, credit.ErrCurrencyMismatch) {
		t.Errorf("currency change with foreign documents open: got %v", err)
	}
	rev, err := f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: "PAY-EUR"})
	if err != nil {
		t.Fatal(err)
	}
	if str(rev.Document.Open) != "EUR 0.00" || str(rev.Document.FunctionalOpen) != "USD 0.00" {
		t.Errorf("reversed %+v", rev.Document)
	}
	f.wantFX("INV-EUR", "EUR 300.00", "USD 330.00", invoice.Open)
	if _, err := f.l.Void(ctx, admin, f.key(), credit.VoidRequest{Debit: "INV-EUR"}); err != nil {
		t.Fatal(err)
	}
	f.wantFX("INV-EUR", "EUR 0.00", "USD 0.00", invoice.Void)
	f.wantBalances("acme", bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00"})
	if err := f.l.Verify(ctx, admin, "acme"); err != nil {
		t.Fatal(err)
	}
}

// TestRevalue: the open foreign documents of an account, or of the
// namespace, revalued at the rates given: a debit gains when its currency
// does, a credit loses; documents issued after the date, or with no rate
// for their pair, are not counted; nothing is written.
func TestRevalue(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 400.00")}}})
	f.open("globex", "USD", credit.Term, "")
	f.debit(credit.DebitRequest{Account: "globex", ID: "INV-GBP", Amount: m("GBP 100.00"), Rate: money.MustParseRate("GBP/USD 1.25")})
	asOf := f.clock()
	f.debit(credit.DebitRequest{Account: "globex", ID: "INV-LATE", Amount: m("EUR 50.00"), Rate: money.MustParseRate("EUR/USD 1.10")})
	before := len(f.history("acme"))
	rates := []money.Rate{money.MustParseRate("EUR/USD 1.20")}
	r, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{Account: "acme", AsOf: asOf, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range r.Documents {
		got[d.Document] = str(d.Booked) + " → " + str(d.Revalued) + " = " + str(d.Difference)
	}
	want := map[string]string{"INV-EUR": "USD 660.00 → USD 720.00 = USD 60.00", "PAY-EUR": "USD 630.00 → USD 720.00 = USD -90.00"}
	if len(got) != 2 || got["INV-EUR"] != want["INV-EUR"] || got["PAY-EUR"] != want["PAY-EUR"] {
		t.Errorf("documents %v, want %v", got, want)
	}
	if len(r.Accounts) != 1 || str(r.Accounts[0].Difference) != "USD -30.00" {
		t.Errorf("accounts %+v", r.Accounts)
	}
	if len(f.history("acme")) != before {
		t.Errorf("a revaluation wrote history")
	}
	all, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{AsOf: asOf, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Documents) != 2 || len(all.Unrated) != 1 || all.Unrated[0] != "INV-GBP" {
		t.Errorf("namespace: %+v", all)
	}
	for _, bad := range []credit.RevalueRequest{{Account: "acme"}, {Account: "acme", Rates: []money.Rate{rates[0], rates[0]}}} {
		if _, err := f.l.Revalue(ctx, admin, bad); !errors.Is(err, credit.ErrInvalidRequest) {
			t.Errorf("%+v: got %v", bad, err)
		}
	}
	other := credit.Principal{ID: "x", Namespace: "elsewhere", Roles: []string{credit.RoleAdmin}}
	if _, err := f.l.Revalue(ctx, other, credit.RevalueRequest{Account: "acme", Rates: rates}); !errors.Is(err, credit.ErrNotFound) {
		t.Errorf("another namespace: got %v", err)
	}
}

// TestTheRateIsPartOfTheRequest: a key replayed with another rate is
// another request; with the same rate it replays the first result. A
// request without a rate keeps the fingerprint it had before rates were
// taken (a rate is written to it only when given).
func TestTheRateIsPartOfTheRequest(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "")
	req := credit.DebitRequest{Account: "acme", ID: "INV-EUR", Amount: m("EUR 10.00"), Rate: money.MustParseRate("EUR/USD 1.10")}
	first, err := f.l.IssueDebit(ctx, admin, "k", req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.l.IssueDebit(ctx, admin, "k", req)
	if err != nil || !again.Document.Functional.Equal(first.Document.Functional) || !again.Document.Rate.Equal(first.Document.Rate) {
		t.Fatalf("replay: %+v, %v", again.Document, err)
	}
	req.Rate = money.MustParseRate("EUR/USD 1.11")
	if _, err := f.l.IssueDebit(ctx, admin, "k", req); !errors.Is(err, credit.ErrIdempotencyConflict) {
		t.Fatalf("another rate under the same key: got %v", err)
	}
	cr := credit.CreditRequest{Account: "acme", ID: "PAY-EUR", Amount: m("EUR 10.00"), Rate: money.MustParseRate("EUR/USD 1.10")}
	if _, err := f.l.IssueCredit(ctx, admin, "c", cr); err != nil {
		t.Fatal(err)
	}
	cr.Rate = money.MustParseRate("EUR/USD 1.2")
	if _, err := f.l.IssueCredit(ctx, admin, "c", cr); !errors.Is(err, credit.ErrIdempotencyConflict) {
		t.Fatalf("another rate under the same key: got %v", err)
	}
}

// TestPurchaseKeepingItsCurrency: a purchase in EUR on a USD credit line
// is held in EUR when asked, booked at its rate, and checked against the
// limit in USD; without KeepCurrency it is converted as before.
func TestPurchaseKeepingItsCurrency(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	rate := money.MustParseRate("EUR/USD 1.10")
	r, err := f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "PO-1", Amount: m("EUR 500.00"), Rate: rate, KeepCurrency: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Document; !d.IsForeign() || str(d.Amount) != "EUR 500.00" || str(d.Functional) != "USD 550.00" || str(r.Balances.Available) != "USD 450.00" {
		t.Errorf("kept: %+v, %+v", d, r.Balances)
	}
	_, err = f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("EUR 410.00"), Rate: rate, KeepCurrency: true})
	if !errors.Is(err, credit.ErrCreditLimitExceeded) {
		t.Errorf("EUR 410.00 = USD 451.00 over USD 450.00 available: got %v", err)
	}
	r, err = f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "PO-2", Amount: m("EUR 100.00"), Rate: rate})
	if err != nil || r.Document.IsForeign() || str(r.Document.Amount) != "USD 110.00" {
		t.Errorf("converted: %+v, %v", r.Document, err)
	}
	if err := f.l.Verify(ctx, admin, "acme"); err != nil {
		t.Fatal(err)
	}
}

// TestAvailableCountsForeignCreditsAtTheirValue: the open credit an apply
// reports is in the account's currency, a EUR credit at its functional
// open balance; a cap with foreign debits is refused.
func TestAvailableCountsForeignCreditsAtTheirValue(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	f.payment("acme", "PAY-USD", "USD 5.00")
	r, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "acme", Debits: []string{"INV-EUR"}, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if str(r.Available) != "USD 1055.00" {
		t.Errorf("available %s, want USD 1055.00", str(r.Available))
	}
	_, err = f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "acme", Debits: []string{"INV-EUR"}, Partial: true, Cap: m("USD 10.00")})
	if !errors.Is(err, credit.ErrCurrencyMismatch) {
		t.Errorf("a USD cap on a EUR debit: got %v", err)
	}
}

// TestConsolidateForeignDocuments: a consolidation over accounts holding
// EUR documents applies them in EUR, reports each total in the account's
// currency and journals each difference.
func TestConsolidateForeignDocuments(t *testing.T) {
	f := eurInvoiceAndPayment(t)
	f.open("globex", "USD", credit.Term, "")
	f.invoice("globex", "INV-G", "USD 30.00")
	f.payment("globex", "PAY-G", "USD 20.00")
	r, err := f.l.Consolidate(ctx, admin, f.key(), credit.ConsolidateRequest{Accounts: []string{"acme", "globex"}, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range r.Accounts {
		got[a.Account] = str(a.Total) + " " + a.Code
	}
	if got["acme"] != "USD 1100.00 " || got["globex"] != "USD 20.00 " {
		t.Errorf("totals %v", got)
	}
	f.wantFX("INV-EUR", "EUR 0.00", "USD 0.00", invoice.Paid)
	h := f.history("acme")
	if e := h[len(h)-1]; e.Kind != credit.ExchangeDifferenceRealized || str(e.Amount) != "USD -50.00" {
		t.Errorf("last entry %+v", e)
	}
	if err := f.l.Verify(ctx, admin, "acme"); err != nil {
		t.Fatal(err)
	}
}
