package grid

import (
	"strings"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

func TestAmountShowsTheOriginalAndTheRate(t *testing.T) {
	e := credit.Entry{Op: credit.OpPurchased, Amount: money.MustParse("USD 22400.00"),
		Original: money.MustParse("EUR 20000.00"), Rate: money.MustParseRate("EUR/USD 1.12")}
	if got, want := Amount(e), "USD 22,400.00 (€20,000.00) EUR/USD 1.12"; got != want {
		t.Errorf("Amount = %q, want %q", got, want)
	}
	e = credit.Entry{Op: credit.OpAllocated, Amount: money.MustParse("USD 100.00")}
	if got := Amount(e); got != "" {
		t.Errorf("Amount of an allocation = %q, want it empty", got)
	}
}

func TestSymbol(t *testing.T) {
	for in, want := range map[string]string{
		"USD -1234.50": "-$1,234.50",
		"JPY 1500":     "¥1,500",
		"CHF 10.00":    "CHF 10.00",
	} {
		if got := Symbol(money.MustParse(in)); got != want {
			t.Errorf("Symbol(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestTableAlignsMoneyRight(t *testing.T) {
	tb := Table{Header: []string{"Name", "Amount", "Note"}, Right: []bool{false, true}}
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
