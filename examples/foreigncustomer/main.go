// Command foreigncustomer keeps the receivables of a customer billed in
// euros on a ledger kept in US dollars: invoices and payments in EUR, each
// booked at its day's rate; a partial match and the realized exchange
// difference it books; an unapply that takes exactly that difference back;
// and a revaluation of what is still open at the month-end rate.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	ledger, err := credit.New(store.NewMemory(), credit.AllowAll, demo.Options(clock, demo.NewIDs("op"), credit.Options{}))
	if err != nil {
		return err
	}
	me := credit.Principal{ID: "ar-clerk", Namespace: "shop"}
	steps := &demo.Steps{W: w, Clock: clock, Every: 24 * time.Hour}
	eur := func(s string) money.Money { return money.MustParse("EUR " + s) }
	at := func(s string) money.Rate { return money.MustParseRate("EUR/USD " + s) }

	a, err := ledger.OpenAccount(ctx, me, "open", credit.OpenAccountRequest{ID: "fromage-sa", Currency: money.MustCurrency("USD")})
	if err != nil {
		return err
	}
	steps.Print(a.Balances(), "Fromage SA, a customer in France, gets an account kept in USD")

	inv, err := ledger.IssueDebit(ctx, me, "inv-1", credit.DebitRequest{Account: "fromage-sa", ID: "INV-1", Amount: eur("1000.00"), Rate: at("1.10")})
	if err != nil {
		return err
	}
	steps.Print(inv.Balances, "Invoice INV-1 in EUR, booked at EUR/USD 1.10", doc(inv.Document))

	inv2, err := ledger.IssueDebit(ctx, me, "inv-2", credit.DebitRequest{Account: "fromage-sa", ID: "INV-2", Amount: eur("250.00"), Rate: at("1.12")})
	if err != nil {
		return err
	}
	steps.Print(inv2.Balances, "Invoice INV-2 in EUR, booked at EUR/USD 1.12", doc(inv2.Document))

	pay, err := ledger.IssueCredit(ctx, me, "pay-1", credit.CreditRequest{Account: "fromage-sa", ID: "PAY-1", Kind: invoice.Payment, Amount: eur("1000.00"), Rate: at("1.05")})
	if err != nil {
		return err
	}
	steps.Print(pay.Balances, "Payment PAY-1 of EUR 1,000.00 received at EUR/USD 1.05", doc(pay.Document))

	first, err := ledger.Apply(ctx, me, "apply-1", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1", Amount: eur("400.00")}}})
	if err != nil {
		return err
	}
	b, err := ledger.Balances(ctx, me, "fromage-sa")
	if err != nil {
		return err
	}
	steps.Print(b, "PAY-1 pays EUR 400.00 of INV-1 (a partial match)", app(first.Applications[0]))

	second, err := ledger.Apply(ctx, me, "apply-2", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-1", Amount: eur("600.00")}}})
	if err != nil {
		return err
	}
	if b, err = ledger.Balances(ctx, me, "fromage-sa"); err != nil {
		return err
	}
	steps.Print(b, "PAY-1 pays the remaining EUR 600.00: both documents closed in EUR and in USD", app(second.Applications[0]),
		docOf(ctx, ledger, me, "INV-1"), docOf(ctx, ledger, me, "PAY-1"))

	un, err := ledger.Unapply(ctx, me, "unapply-2", credit.UnapplyRequest{Application: second.Applications[0].ID, Comment: "matched to the wrong invoice"})
	if err != nil {
		return err
	}
	if b, err = ledger.Balances(ctx, me, "fromage-sa"); err != nil {
		return err
	}
	steps.Print(b, "The second match is undone: exactly its difference is taken back", app(un.Reversals[0]),
		docOf(ctx, ledger, me, "INV-1"), docOf(ctx, ledger, me, "PAY-1"))

	third, err := ledger.Apply(ctx, me, "apply-3", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-2"}}})
	if err != nil {
		return err
	}
	if b, err = ledger.Balances(ctx, me, "fromage-sa"); err != nil {
		return err
	}
	steps.Print(b, "PAY-1 pays INV-2 instead", app(third.Applications[0]))

	usd, err2 := ledger.IssueDebit(ctx, me, "inv-usd", credit.DebitRequest{Account: "fromage-sa", ID: "INV-USD", Amount: money.MustParse("USD 80.00")})
	if err2 != nil {
		return err2
	}
	_, err = ledger.Apply(ctx, me, "apply-usd", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-USD"}}})
	steps.Print(usd.Balances, "A USD invoice cannot be paid from the EUR payment", "apply PAY-1 to INV-USD: "+errText(err))

	rev, err := ledger.Revalue(ctx, me, credit.RevalueRequest{Account: "fromage-sa", AsOf: clock.Now(), Rates: []money.Rate{at("1.20")}})
	if err != nil {
		return err
	}
	demo.Heading(w, "Month-end revaluation at EUR/USD 1.20 (nothing is journalled)")
	for _, d := range rev.Documents {
		fmt.Fprintf(w, "  %-6s %-8s open %-14s booked %-13s now %-13s unrealized %s\n", d.Document, d.Kind, d.Open, d.Booked, d.Revalued, d.Difference)
	}
	for _, t := range rev.Accounts {
		fmt.Fprintf(w, "  %s: unrealized %s\n", t.Account, t.Difference)
	}

	demo.Heading(w, "History of fromage-sa")
	var after int64
	for {
		page, err := ledger.History(ctx, me, credit.HistoryRequest{Account: "fromage-sa", AfterSeq: after})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			orig := ""
			if e.Original.IsValid() {
				orig = fmt.Sprintf(" (%s at %s)", e.Original, e.Rate)
			}
			fmt.Fprintf(w, "  %2d %-29s %-8s %13s%s\n", e.Seq, e.Kind, e.Document, e.Amount, orig)
		}
		after = page[len(page)-1].Seq
	}
	return ledger.Verify(ctx, me, "fromage-sa")
}

func doc(d invoice.Document) string {
	return fmt.Sprintf("%s %s: %s (%s), open %s (%s)", d.Kind, d.ID, d.Amount, d.Functional, d.Open, d.FunctionalOpen)
}

func docOf(ctx context.Context, l *credit.Ledger, p credit.Principal, id string) string {
	d, err := l.Document(ctx, p, id)
	if err != nil {
		return err.Error()
	}
	return doc(d)
}

func app(a credit.Application) string {
	what := "applied"
	if a.Reverses != "" {
		what = "reversed"
	}
	return fmt.Sprintf("%s %s of %s to %s: debit gives up %s, credit %s, realized difference %s",
		what, a.Amount, a.Credit, a.Debit, a.DebitValue, a.CreditValue(), a.Difference)
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return credit.Code(err) + " (" + err.Error() + ")"
}
