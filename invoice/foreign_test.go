package invoice_test

import (
	"errors"
	"testing"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// eurInvoice is an invoice of EUR 100.00 booked at EUR/USD 1.4 (USD 140.00)
// with open EUR open and functional open fopen.
func eurInvoice(open, fopen string) invoice.Document {
	return invoice.Document{ID: "INV-EUR", Account: "acct", Kind: invoice.Invoice, Amount: money.MustParse("EUR 100.00"),
		Open: money.MustParse(open), Issued: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Status: invoice.Open,
		Rate: money.MustParseRate("EUR/USD 1.4"), Functional: money.MustParse("USD 140.00"), FunctionalOpen: money.MustParse(fopen)}
}

// TestForeignShares: a share is the amount at the booked rate, rounded
// half-even and never above what is left; the share of the whole open
// balance is the whole functional balance, remainder included; Settle and
// RestoreValue move both balances, and a settled document keeps nothing.
func TestForeignShares(t *testing.T) {
	d := eurInvoice("EUR 0.03", "USD 0.04")
	for _, tc := range []struct{ amount, want string }{
		{"EUR 0.01", "USD 0.01"}, // 0.014
		{"EUR 0.02", "USD 0.03"}, // 0.028
		{"EUR 0.03", "USD 0.04"}, // all of it, not 0.042
	} {
		got, err := d.Share(money.MustParse(tc.amount))
		if err != nil || !got.Equal(money.MustParse(tc.want)) {
			t.Errorf("Share(%s) = %s, %v; want %s", tc.amount, got, err, tc.want)
		}
	}
	clamped := eurInvoice("EUR 0.03", "USD 0.01")
	if got, _ := clamped.Share(money.MustParse("EUR 0.02")); !got.Equal(money.MustParse("USD 0.01")) {
		t.Errorf("a share above what is left: %s", got)
	}
	s1, err := d.Settle(money.MustParse("EUR 0.01"))
	if err != nil || !s1.FunctionalOpen.Equal(money.MustParse("USD 0.03")) || !s1.Open.Equal(money.MustParse("EUR 0.02")) {
		t.Fatalf("settle a cent: %+v, %v", s1, err)
	}
	s2, err := s1.Settle(money.MustParse("EUR 0.02"))
	if err != nil || !s2.FunctionalOpen.IsZero() || s2.Status != invoice.Paid || s2.Validate() != nil {
		t.Fatalf("settle the rest: %+v, %v", s2, err)
	}
	back, err := s2.RestoreValue(money.MustParse("EUR 0.02"), money.MustParse("USD 0.03"))
	if err != nil || !back.FunctionalOpen.Equal(money.MustParse("USD 0.03")) || back.Status != invoice.Open {
		t.Fatalf("restore: %+v, %v", back, err)
	}
	if _, err := back.RestoreValue(money.MustParse("EUR 0.01"), money.MustParse("USD 139.98")); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("restoring above the functional amount: %v", err)
	}
	if _, err := back.RestoreValue(money.MustParse("EUR 0.01"), money.MustParse("EUR 0.01")); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("restoring a value in the document's currency: %v", err)
	}
	if _, err := d.Share(money.MustParse("USD 0.01")); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("a share in the functional currency: %v", err)
	}
}

// TestValidateForeign: the functional figures of a foreign document must
// fit its rate and amounts; a document in its account's currency has none.
func TestValidateForeign(t *testing.T) {
	ok := eurInvoice("EUR 30.00", "USD 42.00")
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(d *invoice.Document){
		"rate from another currency": func(d *invoice.Document) { d.Rate = money.MustParseRate("GBP/USD 1.2") },
		"functional in another currency": func(d *invoice.Document) {
			d.Functional, d.FunctionalOpen = money.MustParse("GBP 140.00"), money.MustParse("GBP 42.00")
		},
		"no functional amount":           func(d *invoice.Document) { d.Functional = money.Money{} },
		"zero functional amount":         func(d *invoice.Document) { d.Functional = money.MustParse("USD 0.00") },
		"negative functional open":       func(d *invoice.Document) { d.FunctionalOpen = money.MustParse("USD -1.00") },
		"functional open above amount":   func(d *invoice.Document) { d.FunctionalOpen = money.MustParse("USD 140.01") },
		"settled with functional left":   func(d *invoice.Document) { d.Open, d.Status = money.MustParse("EUR 0.00"), invoice.Paid },
		"functional figures and no rate": func(d *invoice.Document) { d.Rate = money.Rate{} },
	} {
		d := ok
		change(&d)
		if err := d.Validate(); !errors.Is(err, invoice.ErrInvalid) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if v, o := ok.Value(), ok.OpenValue(); !v.Equal(money.MustParse("USD 140.00")) || !o.Equal(money.MustParse("USD 42.00")) {
		t.Errorf("Value %s, OpenValue %s", v, o)
	}
}
