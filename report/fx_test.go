package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

// TestAgingOfForeignDocuments: documents held in EUR on a USD account age
// at their functional open balances, now and as of a moment before an
// application (rebuilt from the shares the applications took), and the
// account's statement reads.
func TestAgingOfForeignDocuments(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	l, err := credit.New(store.NewMemory(), credit.AllowAll, credit.Options{Clock: func() time.Time { now = now.Add(time.Hour); return now }})
	if err != nil {
		t.Fatal(err)
	}
	p := credit.Principal{ID: "x", Namespace: "n"}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.OpenAccount(ctx, p, "o", credit.OpenAccountRequest{ID: "a", Currency: money.MustCurrency("USD")}))
	must(l.IssueDebit(ctx, p, "i", credit.DebitRequest{Account: "a", ID: "INV", Amount: money.MustParse("EUR 1000.00"), Rate: money.MustParseRate("EUR/USD 1.10")}))
	must(l.IssueDebit(ctx, p, "i2", credit.DebitRequest{Account: "a", ID: "INV2", Amount: money.MustParse("USD 10.00")}))
	must(l.IssueCredit(ctx, p, "c", credit.CreditRequest{Account: "a", ID: "PAY", Amount: money.MustParse("EUR 1000.00"), Rate: money.MustParseRate("EUR/USD 1.05")}))
	before := now.Add(time.Minute)
	must(l.Apply(ctx, p, "ap", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV", Amount: money.MustParse("EUR 400.00")}}}))
	for _, tc := range []struct {
		asOf          time.Time
		debit, credit string
	}{
		{now.Add(48 * time.Hour), "USD 670.00", "USD 630.00"},
		{before, "USD 1,110.00", "USD 1,050.00"},
	} {
		rep, err := report.Aging(ctx, l, p, tc.asOf, report.AgingOptions{})
		if err != nil {
			t.Fatalf("aging as of %s: %v", tc.asOf, err)
		}
		if len(rep.Accounts) != 1 || rep.Accounts[0].Debit.String() != tc.debit || rep.Accounts[0].Credit.String() != tc.credit {
			t.Errorf("aging as of %s: %+v, want debit %s credit %s", tc.asOf, rep.Accounts, tc.debit, tc.credit)
		}
	}
	s, err := report.StatementOf(ctx, l, p, "a", time.Time{}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s.Closing.Outstanding.String() != "USD -40.00" {
		t.Errorf("statement closing %+v", s.Closing)
	}
}
