package report_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
)

func TestAmountCellShowsTheOriginalAndTheRate(t *testing.T) {
	e := credit.Entry{Kind: credit.ChargedToCreditLine, Amount: money.MustParse("USD 22400.00"),
		Original: money.MustParse("EUR 20000.00"), Rate: money.MustParseRate("EUR/USD 1.12")}
	if got, want := report.AmountCell(e), "USD 22,400.00 (€20,000.00) EUR/USD 1.12"; got != want {
		t.Errorf("AmountCell = %q, want %q", got, want)
	}
	e = credit.Entry{Kind: credit.AccountOpened, Amount: money.MustParse("USD 100.00")}
	if got := report.AmountCell(e); got != "" {
		t.Errorf("AmountCell of an allocation = %q, want it empty", got)
	}
}

func TestSymbol(t *testing.T) {
	for in, want := range map[string]string{
		"USD -1234.50": "-$1,234.50",
		"JPY 1500":     "¥1,500",
		"CHF 10.00":    "CHF 10.00",
	} {
		if got := report.Symbol(money.MustParse(in)); got != want {
			t.Errorf("Symbol(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestTableAlignsMoneyRight(t *testing.T) {
	tb := report.Table{Header: []string{"Name", "Amount", "Note"}, Right: []bool{false, true}}
	tb.Add("a", "USD 1.00", "x")
	tb.Add("bb", "USD 1,000.00")
	var b strings.Builder
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"Name        Amount  Note\n" +
		"----  ------------  ----\n" +
		"a         USD 1.00  x\n" +
		"bb    USD 1,000.00\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// Trace names the documents on both sides of what an operation did: a
// credit memo issued against a debit names the memo and the debit.
func TestTraceNamesTheOtherSide(t *testing.T) {
	f := handAged(t)
	f.must(f.l.IssueCredit(f.ctx, f.admin, f.key(), credit.CreditRequest{Account: "acme", ID: "CM-1",
		Kind: invoice.CreditMemo, Amount: money.MustParse("USD 50.00"), Against: "INV-1"}))
	f.must(f.l.Adjust(f.ctx, f.admin, f.key(), credit.AdjustRequest{Debit: "INV-5", Amount: money.MustParse("USD 400.00")}))
	hist, err := f.l.History(f.ctx, f.admin, credit.HistoryRequest{Account: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := report.Trace(f.ctx, f.l, f.admin, hist)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[string(r.Kind)] = strings.Join(r.Documents, " ")
	}
	if got["purchase_credited"] != "CM-1 INV-1" || got["document_adjusted"] != "INV-5 PAY-3" {
		t.Errorf("documents: refunded %q, adjusted %q", got["purchase_credited"], got["document_adjusted"])
	}
	var b strings.Builder
	if err := report.HistoryCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(rows)+1 || strings.Join(recs[0], ",") != strings.Join(report.HistoryColumns, ",") {
		t.Fatalf("history CSV:\n%s", b.String())
	}
	last := recs[len(recs)-1]
	if last[3] != "document_adjusted" || last[4] != "INV-5 PAY-3" || last[6] != "100.00" || last[2] != "2025-07-05T12:00:00Z" {
		t.Errorf("last record %q", last)
	}
}

func TestAgingCSV(t *testing.T) {
	f := handAged(t)
	var lines strings.Builder
	lw := report.NewAgingLinesCSV(&lines)
	rep, err := report.Aging(f.ctx, f.l, f.admin, date(2025, 6, 30), report.AgingOptions{Lines: lw.Line})
	if err != nil {
		t.Fatal(err)
	}
	if err := lw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := report.AgingCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	want := `as_of,scope,account,currency,side,current,1-30,31-60,61-90,over 90,total
2025-06-30T12:00:00Z,account,acme,USD,debit,100.00,200.00,180.00,400.00,500.00,1380.00
2025-06-30T12:00:00Z,account,acme,USD,credit,0.00,250.00,0.00,0.00,0.00,250.00
2025-06-30T12:00:00Z,total,,USD,debit,100.00,200.00,180.00,400.00,500.00,1380.00
2025-06-30T12:00:00Z,total,,USD,credit,0.00,250.00,0.00,0.00,0.00,250.00
`
	if b.String() != want {
		t.Errorf("aging CSV\n%s\nwant\n%s", b.String(), want)
	}
	recs, err := csv.NewReader(strings.NewReader(lines.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 || strings.Join(recs[0], ",") != strings.Join(report.AgingLineColumns, ",") {
		t.Fatalf("lines CSV:\n%s", lines.String())
	}
	if got := strings.Join(recs[3], ","); got != "acme,INV-3,debit,invoice,2025-04-16T12:00:00Z,2025-05-16T12:00:00Z,45,31-60,USD,300.00,180.00" {
		t.Errorf("INV-3's line %q", got)
	}
	var empty strings.Builder
	if err := report.NewAgingLinesCSV(&empty).Flush(); err != nil || empty.String() != strings.Join(report.AgingLineColumns, ",")+"\n" {
		t.Errorf("lines CSV of no lines: %q, %v", empty.String(), err)
	}
}
