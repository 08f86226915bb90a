package report_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
)

// handAged builds the hand-computed case: five invoices of acme with due
// dates across the buckets as of 30 June, one partly paid before then, one
// paid after it, and an unapplied payment.
func handAged(t *testing.T) *fixture {
	return handAgedOn(t, newFixture(t, credit.AllowAll, date(2025, 6, 1)))
}

// handAgedOn writes the hand-computed case with f, whose clock stands at
// 1 June 2025.
func handAgedOn(t *testing.T, f *fixture) *fixture {
	f.open("acme", "USD")
	day := 24 * time.Hour
	f.clock.advance(day)
	f.invoice("acme", "INV-1", "USD 100.00", date(2025, 6, 15), date(2025, 7, 15)) // current
	f.invoice("acme", "INV-2", "USD 200.00", date(2025, 5, 16), date(2025, 6, 15)) // 15 days: 1-30
	f.invoice("acme", "INV-3", "USD 300.00", date(2025, 4, 16), date(2025, 5, 16)) // 45 days: 31-60
	f.invoice("acme", "INV-4", "USD 400.00", date(2025, 3, 17), date(2025, 4, 16)) // 75 days: 61-90
	f.invoice("acme", "INV-5", "USD 500.00", date(2025, 2, 1), date(2025, 3, 1))   // 121 days: over 90
	f.clock.set(date(2025, 6, 10))
	f.payment("acme", "PAY-1", "USD 120.00")
	f.pay("PAY-1", "INV-3", "USD 120.00") // INV-3 partly paid: 180 open
	f.clock.set(date(2025, 6, 20))
	f.payment("acme", "PAY-2", "USD 250.00") // unapplied, 10 days old on 30 June
	f.clock.set(date(2025, 7, 5))
	f.payment("acme", "PAY-3", "USD 500.00")
	f.pay("PAY-3", "INV-5", "USD 500.00") // INV-5 paid after 30 June
	return f
}

func TestAgingHandComputed(t *testing.T) { runAgingHandComputed(t, handAged(t)) }

func runAgingHandComputed(t *testing.T, f *fixture) {
	var lines []report.AgingLine
	rep, err := report.Aging(f.ctx, f.l, f.admin, date(2025, 6, 30), report.AgingOptions{
		Lines: func(l report.AgingLine) error { lines = append(lines, l); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	labels := []string{}
	for _, b := range rep.Buckets {
		labels = append(labels, b.Label)
	}
	if want := []string{"current", "1-30", "31-60", "61-90", "over 90"}; !slices.Equal(labels, want) {
		t.Errorf("buckets %v, want %v", labels, want)
	}
	if len(rep.Accounts) != 1 {
		t.Fatalf("%d accounts, want 1", len(rep.Accounts))
	}
	a := rep.Accounts[0]
	if got, want := amounts(a.Debits), []string{"100.00", "200.00", "180.00", "400.00", "500.00"}; !slices.Equal(got, want) {
		t.Errorf("debits as of 30 June %v, want %v", got, want)
	}
	if got, want := amounts(a.Credits), []string{"0.00", "250.00", "0.00", "0.00", "0.00"}; !slices.Equal(got, want) {
		t.Errorf("credits as of 30 June %v, want %v", got, want)
	}
	if a.Debit.Amount() != "1380.00" || a.Credit.Amount() != "250.00" {
		t.Errorf("totals %s and %s, want 1380.00 and 250.00", a.Debit, a.Credit)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Document+" "+l.Open.Amount()+" "+l.Bucket)
	}
	want := []string{"INV-5 500.00 over 90", "INV-4 400.00 61-90", "INV-3 180.00 31-60", "INV-2 200.00 1-30",
		"INV-1 100.00 current", "PAY-2 250.00 1-30"}
	if !slices.Equal(got, want) {
		t.Errorf("lines\n%v\nwant\n%v", got, want)
	}
	if len(rep.Totals) != 1 || !rep.Totals[0].Debit.Equal(a.Debit) || rep.Totals[0].Accounts != 1 {
		t.Errorf("totals %+v", rep.Totals)
	}

	// Today (6 July): INV-5 is paid, the others a few days older.
	rep, err = report.Aging(f.ctx, f.l, f.admin, date(2025, 7, 6), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a = rep.Accounts[0]
	if got, want := amounts(a.Debits), []string{"100.00", "200.00", "180.00", "400.00", "0.00"}; !slices.Equal(got, want) {
		t.Errorf("debits as of 6 July %v, want %v", got, want)
	}
	// Before the account was opened it is not in the aging.
	rep, err = report.Aging(f.ctx, f.l, f.admin, date(2025, 5, 1), report.AgingOptions{})
	if err != nil || len(rep.Accounts) != 0 || len(rep.Totals) != 0 {
		t.Errorf("aging before the account: %+v, %v", rep, err)
	}
}

func TestAgingCustomBuckets(t *testing.T) {
	f := handAged(t)
	a, bs, err := report.AccountAgingOf(f.ctx, f.l, f.admin, "acme", date(2025, 6, 30), report.AgingOptions{Bounds: []int{0, 60}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 || bs[1].Label != "1-60" || bs[2].Label != "over 60" {
		t.Errorf("buckets %+v", bs)
	}
	if got, want := amounts(a.Debits), []string{"100.00", "380.00", "900.00"}; !slices.Equal(got, want) {
		t.Errorf("debits %v, want %v", got, want)
	}
	if _, err := report.Buckets([]int{30, 30}); !errors.Is(err, credit.ErrInvalidRequest) {
		t.Errorf("bounds that do not rise: %v", err)
	}
	if _, _, err := report.AccountAgingOf(f.ctx, f.l, f.admin, "acme", date(2025, 5, 1), report.AgingOptions{}); !errors.Is(err, credit.ErrNotFound) {
		t.Errorf("aging before the account opened: %v, want ErrNotFound", err)
	}
}

// Adjustments, voids, refunds, reversals and unapplications after the
// as-of moment are undone exactly; the aging of a past moment stays what it
// was at that moment.
func TestAgingUndoesLaterChanges(t *testing.T) { runAgingUndoesLaterChanges(t, handAged(t)) }

func runAgingUndoesLaterChanges(t *testing.T, f *fixture) {
	before, err := report.Aging(f.ctx, f.l, f.admin, date(2025, 7, 6), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.set(date(2025, 7, 10))
	f.must(f.l.Adjust(f.ctx, f.admin, f.key(), credit.AdjustRequest{Debit: "INV-3", Amount: mustMoney("USD 200.00")}))
	f.must(f.l.Void(f.ctx, f.admin, f.key(), credit.VoidRequest{Debit: "INV-4", Reason: "cancelled"}))
	f.must(f.l.Refund(f.ctx, f.admin, f.key(), credit.RefundRequest{Credit: "PAY-2", Amount: mustMoney("USD 50.00")}))
	f.must(f.l.ReversePayment(f.ctx, f.admin, f.key(), credit.ReverseRequest{Payment: "PAY-3", ChargeBack: true}))
	f.open("other", "USD")
	f.must(f.l.Transfer(f.ctx, f.admin, f.key(), credit.TransferRequest{Credit: "PAY-2", To: "other", Amount: mustMoney("USD 25.00")}))
	after, err := report.Aging(f.ctx, f.l, f.admin, date(2025, 7, 6), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Accounts) != 1 {
		t.Fatalf("the account opened later is in the past aging: %+v", after.Accounts)
	}
	var b, a strings.Builder
	if err := report.AgingCSV(&b, before); err != nil {
		t.Fatal(err)
	}
	if err := report.AgingCSV(&a, after); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("aging of 6 July changed after later operations:\nbefore\n%s\nafter\n%s", b.String(), a.String())
	}
	now, err := report.Aging(f.ctx, f.l, f.admin, date(2025, 7, 11), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := amounts(now.Accounts[0].Debits), []string{"100.00", "200.00", "80.00", "0.00", "500.00"}; !slices.Equal(got, want) {
		t.Errorf("debits now %v, want %v", got, want)
	}
}

// Two currency changes after the as-of moment, the second back to the
// currency of the moment, are beyond what the reads can rebuild; the aging
// then either still gives the figures of the moment or says it cannot,
// never other figures.
func TestAgingNeverLiesAfterTwoCurrencyChanges(t *testing.T) {
	f := handAged(t)
	asOf := date(2025, 7, 6)
	then, err := report.Aging(f.ctx, f.l, f.admin, asOf, report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.set(date(2025, 7, 8))
	eur, usd := money.MustCurrency("EUR"), money.MustCurrency("USD")
	f.must(f.l.UpdateAccount(f.ctx, f.admin, f.key(), credit.UpdateAccountRequest{Account: "acme", Currency: &eur, Rate: money.MustParseRate("USD/EUR 0.9137")}))
	f.clock.set(date(2025, 7, 9))
	f.must(f.l.UpdateAccount(f.ctx, f.admin, f.key(), credit.UpdateAccountRequest{Account: "acme", Currency: &usd, Rate: money.MustParseRate("EUR/USD 1.0945")}))
	now, err := report.Aging(f.ctx, f.l, f.admin, asOf, report.AgingOptions{})
	if err != nil {
		if !errors.Is(err, report.ErrNotReconciled) {
			t.Fatalf("aging after two currency changes: %v, want ErrNotReconciled or the figures of the moment", err)
		}
		t.Log(err)
		return
	}
	if !slices.Equal(amounts(now.Accounts[0].Debits), amounts(then.Accounts[0].Debits)) ||
		!slices.Equal(amounts(now.Accounts[0].Credits), amounts(then.Accounts[0].Credits)) {
		t.Errorf("aging after two currency changes %+v, then %+v", now.Accounts[0], then.Accounts[0])
	}
}
