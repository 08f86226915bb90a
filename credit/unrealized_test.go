package credit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// TestRecordUnrealized: journalling the revaluation of TestRevalueAsOfADate
// writes one entry per document, its difference as the amount (USD 100.00
// for the invoice, USD −20.00 for the memo), moves no balance and no
// document, keeps the history verifiable, and replays by its key.
func TestRecordUnrealized(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "")
	eur110 := money.MustParseRate("EUR/USD 1.10")
	f.debit(credit.DebitRequest{Account: "acme", ID: "INV-EUR", Amount: m("EUR 1000.00"), Rate: eur110})
	f.credit(credit.CreditRequest{Account: "acme", ID: "CM-EUR", Amount: m("EUR 200.00"), Rate: eur110})
	f.invoice("acme", "INV-USD", "USD 10.00")
	asOf := f.clock()
	f.credit(credit.CreditRequest{Account: "acme", ID: "PAY-EUR", Amount: m("EUR 400.00"), Rate: money.MustParseRate("EUR/USD 1.05")})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-EUR", Debit: "INV-EUR", Amount: m("EUR 400.00")}}})
	rates := []money.Rate{money.MustParseRate("EUR/USD 1.20")}
	read, err := f.l.Revalue(ctx, admin, credit.RevalueRequest{Account: "acme", AsOf: asOf, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	before := f.snapshot("acme")
	req := credit.RecordUnrealizedRequest{Account: "acme", AsOf: asOf, Rates: rates, Comment: "month end"}
	got, err := f.l.RecordUnrealized(ctx, admin, "reval-1", req)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(read)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("journalled\n%s\nread\n%s", b, a)
	}
	h := f.history("acme")
	if len(h) != len(before.hist)+2 {
		t.Fatalf("%d entries written, want 2", len(h)-len(before.hist))
	}
	var rows []string
	for _, e := range h[len(before.hist):] {
		if e.Kind != credit.ExchangeDifferenceUnrealized || !e.CreditChange.IsZero() || !e.DebitChange.IsZero() || e.Comment != "month end" {
			t.Errorf("entry %+v", e)
		}
		rows = append(rows, fmt.Sprintf("%s %s", e.Document, str(e.Amount)))
	}
	if want := []string{"INV-EUR USD 100.00", "CM-EUR USD -20.00"}; !slices.Equal(rows, want) {
		t.Errorf("entries %q, want %q", rows, want)
	}
	after := f.snapshot("acme")
	if after.bal != before.bal || !slices.Equal(after.docs, before.docs) {
		t.Errorf("balances or documents changed:\n before %+v\n after  %+v", before, after)
	}
	if err := f.l.Verify(ctx, admin, "acme"); err != nil {
		t.Fatal(err)
	}
	// The key replays the first result and writes nothing; with other
	// rates it is another request.
	again, err := f.l.RecordUnrealized(ctx, admin, "reval-1", req)
	if c, _ := json.Marshal(again); err != nil || string(c) != string(b) || len(f.history("acme")) != len(h) {
		t.Errorf("replay: %s, %v, %d entries", c, err, len(f.history("acme")))
	}
	other := req
	other.Rates = []money.Rate{money.MustParseRate("EUR/USD 1.30")}
	if _, err := f.l.RecordUnrealized(ctx, admin, "reval-1", other); !errors.Is(err, credit.ErrIdempotencyConflict) {
		t.Errorf("the key with other rates: %v", err)
	}
	// As of now at the booked rate every difference is zero: nothing is
	// journalled.
	n := len(f.history("acme"))
	r, err := f.l.RecordUnrealized(ctx, admin, f.key(), credit.RecordUnrealizedRequest{Account: "acme", Rates: []money.Rate{eur110}})
	if err != nil || len(r.Documents) != 2 || len(f.history("acme")) != n {
		t.Errorf("at the booked rate: %+v, %v, %d entries written", r, err, len(f.history("acme"))-n)
	}
}
