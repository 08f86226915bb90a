package credit_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// TestRevalueAsOfADate: a EUR invoice booked at 1.10 and a EUR credit memo
// at 1.10, both before the date; after it, a payment of EUR 400.00 at 1.05
// applied to the invoice, and EUR 50.00 of the memo refunded. Revalued as
// of the date at 1.20, the invoice counts for all of its EUR 1,000.00
// (booked USD 1,100.00, revalued USD 1,200.00: a gain of USD 100.00), the
// memo for its EUR 200.00 (USD 220.00 → USD 240.00: a loss of USD 20.00),
// and the payment, received after the date, not at all. Revalued now, the
// open balances of now count.
func TestRevalueAsOfADate(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "")
	eur110 := money.MustParseRate("EUR/USD 1.10")
	f.debit(credit.DebitRequest{Account: "acme", ID: "INV-EUR", Amount: m("EUR 1000.00"), Rate: eur110})
	f.credit(credit.CreditRequest{Account: "acme", ID: "CM-EUR", Amount: m("EUR 200.00"), Rate: eur110})
	asOf := f.clock()
	f.credit(credit.CreditRequest{Account: "acme", ID: "PAY-EUR", Amount: m("EUR 400.00"), Rate: money.MustParseRate("EUR/USD 1.05")})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 400.00")}}})
	if _, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "CM-EUR", Amount: m("EUR 50.00")}); err != nil {
		t.Fatal(err)
	}
	rates := []money.Rate{money.MustParseRate("EUR/USD 1.20")}
	r, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{Account: "acme", AsOf: asOf, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"INV-EUR EUR 1000.00 USD 1100.00 → USD 1200.00 = USD 100.00",
		"CM-EUR EUR 200.00 USD 220.00 → USD 240.00 = USD -20.00",
	}
	wantRevalued(t, r, want, "USD 80.00")
	now, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{Account: "acme", Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	wantRevalued(t, now, []string{
		"INV-EUR EUR 600.00 USD 660.00 → USD 720.00 = USD 60.00",
		"CM-EUR EUR 150.00 USD 165.00 → USD 180.00 = USD -15.00",
	}, "USD 45.00")
	// Paid in full after the date: no longer open, still revalued as of it.
	f.credit(credit.CreditRequest{Account: "acme", ID: "PAY-2", Amount: m("EUR 600.00"), Rate: eur110})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-2", Debit: "INV-EUR", Amount: m("EUR 600.00")}}})
	r, err = f.l.Revalue(ctx, admin, credit.RevalueRequest{Account: "acme", AsOf: asOf, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	wantRevalued(t, r, want, "USD 80.00")
	// Before the account had any history: nothing.
	r, err = f.l.Revalue(ctx, admin, credit.RevalueRequest{Account: "acme", AsOf: t0.Add(-time.Hour), Rates: rates})
	if err != nil || len(r.Documents) != 0 || len(r.Accounts) != 0 {
		t.Errorf("before the account: %+v, %v", r, err)
	}
}

func wantRevalued(t *testing.T, r credit.Revaluation, want []string, total string) {
	t.Helper()
	var got []string
	for _, d := range r.Documents {
		got = append(got, fmt.Sprintf("%s %s %s → %s = %s", d.Document, str(d.Open), str(d.Booked), str(d.Revalued), str(d.Difference)))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("documents\n%q\nwant\n%q", got, want)
	}
	if len(r.Accounts) != 1 || str(r.Accounts[0].Difference) != total {
		t.Errorf("accounts %+v, want a total of %s", r.Accounts, total)
	}
}

// TestRevalueAsOfEqualsRevalueThen: for any sequence of foreign documents,
// applications, reversals, refunds, adjustments, voids, payment reversals
// and expiries, a revaluation as of a moment T, asked after more of them,
// equals the one computed at T with the same rates.
func TestRevalueAsOfEqualsRevalueThen(t *testing.T) {
	rates := []money.Rate{money.MustParseRate("EUR/USD 1.2345"), money.MustParseRate("GBP/USD 1.31")}
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(t)
		f.open("acme", "USD", credit.Term, "")
		f.open("globex", "USD", credit.Term, "")
		var credits, debits, apps []string
		n := 0
		step := func(rt *rapid.T) {
			n++
			acct := rapid.SampledFrom([]string{"acme", "globex"}).Draw(rt, "account")
			cur := rapid.SampledFrom([]string{"EUR", "GBP"}).Draw(rt, "currency")
			rate := money.MustParseRate(fmt.Sprintf("%s/USD 1.%02d", cur, rapid.IntRange(0, 99).Draw(rt, "rate")))
			amt := m(fmt.Sprintf("%s %d.%02d", cur, rapid.IntRange(1, 500).Draw(rt, "units"), rapid.IntRange(0, 99).Draw(rt, "cents")))
			// Issued dates up to ten minutes back: a document may be dated
			// before a moment it was not yet recorded at.
			issued := f.now.Add(-time.Duration(rapid.IntRange(0, 10).Draw(rt, "back")) * time.Minute)
			var err error
			switch rapid.IntRange(0, 9).Draw(rt, "op") {
			case 0, 1:
				id := fmt.Sprintf("D%d", n)
				_, err = f.l.IssueDebit(ctx, admin, f.key(), credit.DebitRequest{Account: acct, ID: id, Amount: amt, Rate: rate, Issued: issued})
				debits = append(debits, id)
			case 2, 3:
				id := fmt.Sprintf("C%d", n)
				req := credit.CreditRequest{Account: acct, ID: id, Amount: amt, Rate: rate, Issued: issued}
				if rapid.Bool().Draw(rt, "expires") {
					req.Expires = f.now.Add(time.Duration(rapid.IntRange(1, 20).Draw(rt, "life")) * time.Minute)
				}
				_, err = f.l.IssueCredit(ctx, admin, f.key(), req)
				credits = append(credits, id)
			case 4, 5:
				if len(credits) == 0 || len(debits) == 0 {
					return
				}
				var r credit.ApplyResult
				r, err = f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{
					Credit: rapid.SampledFrom(credits).Draw(rt, "credit"), Debit: rapid.SampledFrom(debits).Draw(rt, "debit"), Amount: amt}}})
				for _, a := range r.Applications {
					apps = append(apps, a.ID)
				}
			case 6:
				if len(apps) == 0 {
					return
				}
				_, err = f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: rapid.SampledFrom(apps).Draw(rt, "application")})
			case 7:
				if len(credits) == 0 {
					return
				}
				c := rapid.SampledFrom(credits).Draw(rt, "credit")
				switch rapid.IntRange(0, 2).Draw(rt, "how") {
				case 0:
					_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: c, Amount: amt})
				case 1:
					_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: c, Amount: amt, TakeBack: true})
				default:
					_, err = f.l.ReversePayment(ctx, admin, f.key(), credit.ReverseRequest{Payment: c})
				}
			case 8:
				if len(debits) == 0 {
					return
				}
				d := rapid.SampledFrom(debits).Draw(rt, "debit")
				if rapid.Bool().Draw(rt, "void") {
					_, err = f.l.Void(ctx, admin, f.key(), credit.VoidRequest{Debit: d})
				} else {
					_, err = f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: d, Amount: amt})
				}
			default:
				_, err = f.l.Expire(ctx, admin, f.key(), credit.ExpireRequest{Account: acct})
			}
			_ = err // refused operations (too much, wrong currency, closed) change nothing
		}
		for range rapid.IntRange(0, 25).Draw(rt, "before") {
			step(rt)
		}
		then, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{Rates: rates})
		if err != nil {
			rt.Fatal(err)
		}
		for range rapid.IntRange(0, 25).Draw(rt, "after") {
			step(rt)
		}
		later, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{AsOf: then.AsOf, Rates: rates})
		if err != nil {
			rt.Fatal(err)
		}
		a, _ := json.Marshal(then)
		b, _ := json.Marshal(later)
		if string(a) != string(b) {
			rt.Fatalf("revalued at T:\n%s\nas of T, later:\n%s", a, b)
		}
		for _, acct := range []string{"acme", "globex"} {
			if err := f.l.Verify(ctx, admin, acct); err != nil {
				rt.Fatal(err)
			}
		}
	})
}
