package report_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/report"
)

func TestStatementHandComputed(t *testing.T) {
	f := handAged(t)
	s, err := report.StatementOf(f.ctx, f.l, f.admin, "acme", date(2025, 6, 5), date(2025, 6, 30))
	if err != nil {
		t.Fatal(err)
	}
	if s.Opening.Debit.Amount() != "1500.00" || s.Opening.Credit.Amount() != "0.00" {
		t.Errorf("opening %+v, want debit 1500.00 and no credit", s.Opening)
	}
	var ops []string
	for _, r := range s.Entries {
		ops = append(ops, string(r.Kind)+" "+strings.Join(r.Documents, "+"))
	}
	if got, want := strings.Join(ops, ", "), "payment_received PAY-1, credit_applied PAY-1+INV-3, payment_received PAY-2"; got != want {
		t.Errorf("entries %q, want %q", got, want)
	}
	if s.Closing.Debit.Amount() != "1380.00" || s.Closing.Credit.Amount() != "250.00" || s.Closing.Outstanding.Amount() != "-1130.00" {
		t.Errorf("closing %+v", s.Closing)
	}
	// Opened within the period: opening balances are zero.
	s, err = report.StatementOf(f.ctx, f.l, f.admin, "acme", date(2025, 1, 1), date(2025, 6, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Opening.Debit.IsZero() || s.Closing.Debit.Amount() != "1500.00" || s.Entries[0].Kind != credit.AccountOpened {
		t.Errorf("statement from before the opening: %+v", s)
	}
	if _, err := report.StatementOf(f.ctx, f.l, f.admin, "acme", date(2025, 6, 2), date(2025, 6, 1)); err == nil {
		t.Error("a period that ends before it starts was accepted")
	}
}

// The closing balances are the account's BalancesAt the period's end, the
// opening ones those at its start, and the entries lead from one to the
// other, for any period of a generated history.
func TestStatementClosingIsBalancesAt(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(rt, credit.AllowAll, date(2025, 1, 1))
		f.open("a", "USD")
		start := f.clock.Now()
		n := rapid.IntRange(0, 30).Draw(rt, "ops")
		for i := 0; i < n; i++ {
			f.clock.advance(time.Duration(rapid.IntRange(1, 48).Draw(rt, "hours")) * time.Hour)
			switch rapid.IntRange(0, 2).Draw(rt, "op") {
			case 0:
				f.invoice("a", "", "USD "+rapid.SampledFrom([]string{"10.00", "25.50", "99.99"}).Draw(rt, "amount"), time.Time{}, time.Time{})
			case 1:
				f.payment("a", "", "USD "+rapid.SampledFrom([]string{"5.00", "30.00"}).Draw(rt, "amount"))
			case 2:
				_, _ = f.l.Apply(f.ctx, f.admin, f.key(), credit.ApplyRequest{Account: "a", Partial: true})
			}
		}
		end := f.clock.Now()
		from := start.Add(time.Duration(rapid.IntRange(-10, int(end.Sub(start)/time.Hour)+10).Draw(rt, "from")) * time.Hour)
		to := from.Add(time.Duration(rapid.IntRange(0, 200).Draw(rt, "length")) * time.Hour)
		s, err := report.StatementOf(f.ctx, f.l, f.admin, "a", from, to)
		if to.Before(start) {
			if !errors.Is(err, credit.ErrNotFound) {
				rt.Fatalf("statement of a period before the account: %v, want ErrNotFound", err)
			}
			return
		}
		if err != nil {
			rt.Fatal(err)
		}
		closing, err := f.l.BalancesAt(f.ctx, f.admin, "a", to)
		if err != nil {
			rt.Fatal(err)
		}
		if !s.Closing.Outstanding.Equal(closing.Outstanding) || !s.Closing.Credit.Equal(closing.Credit) || !s.Closing.Debit.Equal(closing.Debit) {
			rt.Fatalf("closing %+v, BalancesAt %+v", s.Closing, closing)
		}
		if opening, err := f.l.BalancesAt(f.ctx, f.admin, "a", from); err == nil && !opening.Outstanding.Equal(s.Opening.Outstanding) {
			rt.Fatalf("opening %+v, BalancesAt %+v", s.Opening, opening)
		}
		credit_, debit := s.Opening.Credit, s.Opening.Debit
		for _, r := range s.Entries {
			if !r.At.After(from) || r.At.After(to) {
				rt.Fatalf("entry %d at %s outside (%s, %s]", r.Seq, r.At, from, to)
			}
			credit_, _ = credit_.Add(r.CreditChange)
			debit, _ = debit.Add(r.DebitChange)
		}
		if !credit_.Equal(s.Closing.Credit) || !debit.Equal(s.Closing.Debit) {
			rt.Fatalf("opening plus the entries' changes is %s/%s, closing %s/%s", credit_, debit, s.Closing.Credit, s.Closing.Debit)
		}
	})
}

func TestStatementCSVAndJSON(t *testing.T) {
	f := handAged(t)
	s, err := report.StatementOf(f.ctx, f.l, f.admin, "acme", date(2025, 6, 5), date(2025, 6, 30))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := report.StatementCSV(&b, s); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+1+3+1 {
		t.Fatalf("%d records, want header, opening, 3 entries, closing:\n%s", len(recs), b.String())
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if got := recs[1][col["op"]] + " " + recs[1][col["at"]] + " " + recs[1][col["debit"]]; got != "opening 2025-06-05T12:00:00Z 1500.00" {
		t.Errorf("opening record %q", got)
	}
	if got := recs[5][col["op"]] + " " + recs[5][col["outstanding"]] + " " + recs[5][col["currency"]]; got != "closing -1130.00 USD" {
		t.Errorf("closing record %q", got)
	}
	if got := recs[2][col["documents"]] + " " + recs[2][col["amount"]]; got != "PAY-1 120.00" {
		t.Errorf("entry record %q", got)
	}
	for _, r := range recs {
		if len(r) != len(report.HistoryColumns) {
			t.Errorf("record of %d columns, want %d: %q", len(r), len(report.HistoryColumns), r)
		}
	}
	j, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back report.Statement
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Closing.Outstanding.Equal(s.Closing.Outstanding) || len(back.Entries) != 3 || back.Entries[0].Documents[0] != "PAY-1" {
		t.Errorf("JSON round trip: %s", j)
	}
}
