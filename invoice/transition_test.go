package invoice_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// unchanged fails the test when a transition changed the document it was
// called on (they return copies).
func unchanged(t *testing.T, name string, before, after invoice.Document) {
	t.Helper()
	if !cmp.Equal(before, after) || before.Open.Amount() != after.Open.Amount() {
		t.Errorf("%s changed the original: %s", name, cmp.Diff(before, after))
	}
}

func TestSettle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		doc    invoice.Document
		amount string
		open   string
		status invoice.Status
	}{
		{"debit, part", debit(), "30.00", "70.00", invoice.Open},
		{"debit, all", debit(), "100.00", "0.00", invoice.Paid},
		{"debit, a cent", debit(), "0.01", "99.99", invoice.Open},
		{"credit, part", credit(), "15.50", "24.50", invoice.Open},
		{"credit, all", credit(), "40", "0.00", invoice.Closed},
	} {
		orig := tc.doc
		keep := tc.doc
		got, err := tc.doc.Settle(usd(tc.amount))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.Open.Amount() != tc.open || got.Status != tc.status {
			t.Errorf("%s: open %s status %s; want %s %s", tc.name, got.Open.Amount(), got.Status, tc.open, tc.status)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: result does not validate: %v", tc.name, err)
		}
		if !got.Amount.Equal(orig.Amount) || got.ID != orig.ID || got.Version != orig.Version {
			t.Errorf("%s: Settle changed more than open and status", tc.name)
		}
		unchanged(t, tc.name, keep, orig)
	}
	// Settling in steps ends in the same place as settling at once.
	d := debit()
	for _, part := range []string{"33.33", "33.33", "33.34"} {
		var err error
		if d, err = d.Settle(usd(part)); err != nil {
			t.Fatal(err)
		}
	}
	if !d.Open.IsZero() || d.Status != invoice.Paid {
		t.Errorf("in steps: open %v status %s", d.Open, d.Status)
	}
}

func TestSettleRefused(t *testing.T) {
	for _, tc := range []struct {
		name     string
		doc      invoice.Document
		amount   money.Money
		mismatch bool
	}{
		{"overspend a debit", debit(), usd("100.01"), false},
		{"overspend a credit", credit(), usd("40.01"), false},
		{"settled debit", func() invoice.Document { d := debit(); d.Open, d.Status = usd("0"), invoice.Paid; return d }(), usd("0.01"), false},
		{"zero", debit(), usd("0"), false},
		{"negative", debit(), usd("-5.00"), false},
		{"no money", debit(), money.Money{}, false},
		{"another currency", debit(), money.MustParse("EUR 10.00"), true},
		{"another currency, more than open", debit(), money.MustParse("JPY 1000"), true},
	} {
		keep := tc.doc
		got, err := tc.doc.Settle(tc.amount)
		if !errors.Is(err, invoice.ErrInvalid) {
			t.Errorf("%s: Settle(%v) = %v; want ErrInvalid", tc.name, tc.amount, err)
		}
		if errors.Is(err, money.ErrCurrencyMismatch) != tc.mismatch {
			t.Errorf("%s: Settle(%v) = %v; currency mismatch should be %v", tc.name, tc.amount, err, tc.mismatch)
		}
		unchanged(t, tc.name, keep, tc.doc)
		unchanged(t, tc.name+" (result on error)", keep, got)
	}
}

func TestRemove(t *testing.T) {
	for _, tc := range []struct {
		name   string
		doc    invoice.Document
		amount string
		end    invoice.Status
		open   string
		status invoice.Status
	}{
		{"void a debit", debit(), "100.00", invoice.Void, "0.00", invoice.Void},
		{"adjust a debit down, part", debit(), "25.00", invoice.Void, "75.00", invoice.Open},
		{"adjust a debit to paid", debit(), "100.00", invoice.Paid, "0.00", invoice.Paid},
		{"refund a credit in part", credit(), "10.00", invoice.Refunded, "30.00", invoice.Open},
		{"refund a credit", credit(), "40.00", invoice.Refunded, "0.00", invoice.Refunded},
		{"reverse a payment", func() invoice.Document { d := credit(); d.Kind = invoice.Payment; return d }(), "40.00", invoice.Reversed, "0.00", invoice.Reversed},
		{"expire a credit", credit(), "40.00", invoice.Expired, "0.00", invoice.Expired},
		{"transfer a credit", credit(), "40.00", invoice.Closed, "0.00", invoice.Closed},
	} {
		keep := tc.doc
		got, err := tc.doc.Remove(usd(tc.amount), tc.end)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.Open.Amount() != tc.open || got.Status != tc.status {
			t.Errorf("%s: open %s status %s; want %s %s", tc.name, got.Open.Amount(), got.Status, tc.open, tc.status)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: result does not validate: %v", tc.name, err)
		}
		unchanged(t, tc.name, keep, tc.doc)
	}
}

// TestRemoveEndMustFitKind: Remove refuses an end status its kind cannot
// have, whether or not the open balance reaches zero, rather than return a
// document that Validate rejects (a "paid" credit, an "open" document with
// nothing open).
func TestRemoveEndMustFitKind(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  invoice.Document
		end  invoice.Status
	}{
		{"credit ends paid", credit(), invoice.Paid},
		{"credit ends void", credit(), invoice.Void},
		{"debit ends closed", debit(), invoice.Closed},
		{"debit ends refunded", debit(), invoice.Refunded},
		{"debit ends reversed", debit(), invoice.Reversed},
		{"debit ends expired", debit(), invoice.Expired},
		{"debit ends open", debit(), invoice.Open},
		{"credit ends open", credit(), invoice.Open},
		{"no end", credit(), 0},
		{"unknown end", credit(), 99},
	} {
		for _, amount := range []money.Money{tc.doc.Open, usd("1.00")} {
			keep := tc.doc
			got, err := tc.doc.Remove(amount, tc.end)
			if !errors.Is(err, invoice.ErrInvalid) {
				t.Errorf("%s: Remove(%v, %s) = %+v, %v; want ErrInvalid", tc.name, amount, tc.end, got.Status, err)
			}
			unchanged(t, tc.name, keep, tc.doc)
		}
	}
}

func TestRemoveRefused(t *testing.T) {
	c := credit()
	keep := c
	if _, err := c.Remove(usd("40.01"), invoice.Refunded); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("refund beyond open = %v", err)
	}
	if _, err := c.Remove(usd("0"), invoice.Refunded); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("remove zero = %v", err)
	}
	if _, err := c.Remove(usd("-1"), invoice.Refunded); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("remove negative = %v", err)
	}
	_, err := c.Remove(money.MustParse("EUR 1.00"), invoice.Refunded)
	if !errors.Is(err, invoice.ErrInvalid) || !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("remove in EUR = %v", err)
	}
	unchanged(t, "Remove", keep, c)
}

func TestRestore(t *testing.T) {
	paid, err := debit().Settle(usd("100.00"))
	if err != nil {
		t.Fatal(err)
	}
	keep := paid
	got, err := paid.Restore(usd("30.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Open.Amount() != "30.00" || got.Status != invoice.Open {
		t.Errorf("restore a paid debit: open %s status %s", got.Open.Amount(), got.Status)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
	unchanged(t, "Restore", keep, paid)

	closed, _ := credit().Settle(usd("40.00"))
	got, err = closed.Restore(usd("40.00"))
	if err != nil || got.Open.Amount() != "40.00" || got.Status != invoice.Open {
		t.Errorf("restore all of a closed credit: %v %s, %v", got.Open, got.Status, err)
	}
	part, _ := credit().Settle(usd("10.00"))
	got, err = part.Restore(usd("10.00"))
	if err != nil || !cmp.Equal(got, credit()) {
		t.Errorf("settle then restore is not the identity: %s, %v", cmp.Diff(credit(), got), err)
	}

	for _, tc := range []struct {
		name     string
		doc      invoice.Document
		amount   money.Money
		mismatch bool
	}{
		{"above the amount", part, usd("10.01"), false},
		{"open document to above amount", credit(), usd("0.01"), false},
		{"zero", part, usd("0"), false},
		{"negative", part, usd("-1.00"), false},
		{"no money", part, money.Money{}, false},
		{"another currency", part, money.MustParse("EUR 1.00"), true},
	} {
		keep := tc.doc
		_, err := tc.doc.Restore(tc.amount)
		if !errors.Is(err, invoice.ErrInvalid) || errors.Is(err, money.ErrCurrencyMismatch) != tc.mismatch {
			t.Errorf("%s: Restore(%v) = %v", tc.name, tc.amount, err)
		}
		unchanged(t, tc.name, keep, tc.doc)
	}
}
