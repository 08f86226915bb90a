// Command aptify shows Aptify's Credit Memo payment type on arcredit: the
// Credit Order lookup that returns only the credit memos whose Bill To
// matches the order (the company when the credit memo names one, else the
// person); the rule that a credit memo must cover the whole order balance
// unless the payment amount is lowered to what it can pay; the validation
// errors of refused payments; and the Invoice Consolidation wizard matching
// the outstanding balances of many customers with their credit memos in one
// batch.
//
//	go run ./examples/aptify
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "aptify:", err)
		os.Exit(1)
	}
}

// run plays the example on the in-memory store, writing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	// Bill-to matching for everything the ledger plans on its own.
	ledger, err := credit.New(store.NewMemory(), credit.AllowAll, demo.Options(clock, demo.NewIDs("id"),
		credit.Options{Policy: allocate.BillToMatch(allocate.OldestFirst())}))
	if err != nil {
		return err
	}
	clerk := credit.Principal{ID: "ar.clerk", Namespace: "aptify"}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }
	date := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 9, 0, 0, 0, time.UTC) }
	steps := demo.Steps{W: w, Clock: clock, Every: time.Hour}
	show := func(acct, title string, detail ...string) error {
		b, err := ledger.Balances(ctx, clerk, acct)
		if err != nil {
			return err
		}
		steps.Print(b, title, detail...)
		return nil
	}
	open := func(id string, party invoice.Party) error {
		_, err := ledger.OpenAccount(ctx, clerk, "open-"+id, credit.OpenAccountRequest{
			ID: id, Currency: money.MustCurrency("USD"), Party: party,
		})
		return err
	}
	memo := func(acct, id, amount string, issued time.Time, billTo invoice.Party, reason string) error {
		_, err := ledger.IssueCredit(ctx, clerk, "memo-"+id, credit.CreditRequest{
			Account: acct, ID: id, Kind: invoice.CreditMemo, Amount: usd(amount), Issued: issued, BillTo: billTo, Reason: reason,
		})
		return err
	}
	order := func(acct, id, amount string, issued time.Time, billTo invoice.Party) error {
		_, err := ledger.IssueDebit(ctx, clerk, "order-"+id, credit.DebitRequest{
			Account: acct, ID: id, Amount: usd(amount), Issued: issued, BillTo: billTo,
		})
		return err
	}

	fmt.Fprintf(w, "Aptify credit memos (CreditMemoValidation = 1)\n\n")
	const contoso = "contoso"
	contosoAnn := invoice.Party{Company: "Contoso Ltd", Person: "Ann Lee"}
	if err := open(contoso, contosoAnn); err != nil {
		return err
	}
	for _, err := range []error{
		memo(contoso, "CM-1", "500.00", date(2, 1), invoice.Party{Company: "Contoso Ltd"}, "paid order 7 cancelled, balance left on account"),
		memo(contoso, "CM-2", "200.00", date(2, 10), invoice.Party{Person: "Ann Lee"}, "prepaid deposit"),
		order(contoso, "ORD-10", "450.00", date(3, 1), contosoAnn),
		order(contoso, "ORD-11", "180.00", date(3, 2), invoice.Party{Company: "Fabrikam Inc", Person: "Ann Lee"}),
	} {
		if err != nil {
			return err
		}
	}
	if err := show(contoso, "Contoso: credit memos CM-1 (Bill To company Contoso Ltd) and CM-2 (Bill To person Ann Lee)",
		"orders ORD-10 (Contoso Ltd, Ann Lee) and ORD-11 (Fabrikam Inc, Ann Lee)"); err != nil {
		return err
	}

	demo.Heading(w, "The Credit Order lookup")
	for _, o := range []string{"ORD-10", "ORD-11"} {
		cs, err := ledger.EligibleCredits(ctx, clerk, credit.EligibleRequest{Debit: o, BillTo: true})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s can be paid with:", o)
		for _, c := range cs {
			fmt.Fprintf(w, " %s (%s, Bill To %s)", c.ID, c.Open, party(c.BillTo))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "CM-1 names a company, Contoso Ltd, which ORD-11's Bill To company is not; CM-2 names no company, and its person matches both.\n\n")

	// A credit memo must cover the whole order balance.
	_, err = ledger.Apply(ctx, clerk, "pay-10-cm-2", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "CM-2", Debit: "ORD-10"}}, BillTo: true,
	})
	if !errors.Is(err, allocate.ErrNotCovered) {
		return fmt.Errorf("partial credit memo payment: got %v, want ErrNotCovered", err)
	}
	if err := show(contoso, "Pay ORD-10 (USD 450.00) with CM-2 (USD 200.00): refused, the credit memo does not cover the order",
		violations(err)...); err != nil {
		return err
	}
	if _, err := ledger.Apply(ctx, clerk, "pay-10-cm-2-partial", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "CM-2", Debit: "ORD-10", Amount: usd("200.00")}}, BillTo: true, Partial: true,
	}); err != nil {
		return err
	}
	ord, err := ledger.Document(ctx, clerk, "ORD-10")
	if err != nil {
		return err
	}
	if err := show(contoso, "The payment amount is lowered to the USD 200.00 CM-2 can pay",
		fmt.Sprintf("ORD-10 has %s left for another form of payment", ord.Open)); err != nil {
		return err
	}

	_, err = ledger.Apply(ctx, clerk, "pay-11-cm-1", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "CM-1", Debit: "ORD-11"}}, BillTo: true,
	})
	if !errors.Is(err, credit.ErrBillToMismatch) {
		return fmt.Errorf("bill-to mismatch: got %v, want ErrBillToMismatch", err)
	}
	if err := show(contoso, "Pay ORD-11 with CM-1: refused, the Bill To company does not match", violations(err)...); err != nil {
		return err
	}

	_, err = ledger.Apply(ctx, clerk, "pay-11-cm-1-600", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "CM-1", Debit: "ORD-11", Amount: usd("600.00")}}, BillTo: true, Partial: true,
	})
	if !errors.Is(err, allocate.ErrInvalidPlan) {
		return fmt.Errorf("bad payment: got %v, want a refused plan", err)
	}
	if err := show(contoso, "Pay USD 600.00 of CM-1 on ORD-11: every rule it breaks is reported", violations(err)...); err != nil {
		return err
	}

	if _, err := ledger.Apply(ctx, clerk, "pay-10-cm-1", credit.ApplyRequest{
		Pairs: []credit.Pair{{Credit: "CM-1", Debit: "ORD-10"}}, BillTo: true,
	}); err != nil {
		return err
	}
	if err := show(contoso, "The rest of ORD-10 (USD 250.00) is paid with CM-1, which covers it"); err != nil {
		return err
	}

	// The consolidation wizard.
	demo.Heading(w, "Invoice Consolidation: credit memos matched with outstanding balances across customers")
	type doc struct {
		credit     bool
		id, amount string
		day        int
		billTo     invoice.Party
	}
	customers := []struct {
		id    string
		party invoice.Party
		docs  []doc
	}{
		{"adatum", invoice.Party{Company: "Adatum Corp"}, []doc{
			{true, "AD-CM1", "300.00", 3, invoice.Party{}},
			{false, "AD-O1", "120.00", 5, invoice.Party{}},
			{false, "AD-O2", "150.00", 7, invoice.Party{}}}},
		{"bellows", invoice.Party{Company: "Bellows College"}, []doc{
			{true, "BE-CM1", "100.00", 2, invoice.Party{}},
			{false, "BE-O1", "250.00", 4, invoice.Party{}}}},
		{"coho", invoice.Party{Company: "Coho Winery"}, []doc{
			{true, "CO-CM1", "400.00", 1, invoice.Party{Company: "Coho Winery East"}},
			{false, "CO-O1", "200.00", 6, invoice.Party{Company: "Coho Winery West"}}}},
		{"dan-ng", invoice.Party{Person: "Dan Ng"}, []doc{
			{true, "DN-DEP", "1000.00", 1, invoice.Party{}},
			{false, "DN-O1", "300.00", 2, invoice.Party{}},
			{false, "DN-O2", "450.00", 3, invoice.Party{}},
			{false, "DN-O3", "125.00", 8, invoice.Party{}}}},
	}
	for _, c := range customers {
		if err := open(c.id, c.party); err != nil {
			return err
		}
		for _, d := range c.docs {
			var err error
			if d.credit {
				err = memo(c.id, d.id, d.amount, date(2, d.day), d.billTo, "credit balance")
			} else {
				err = order(c.id, d.id, d.amount, date(2, d.day), d.billTo)
			}
			if err != nil {
				return err
			}
		}
	}
	// Why the wizard left a customer's balance as it was.
	why := map[string]string{
		"bellows": "BE-CM1 cannot cover BE-O1 whole",
		"coho":    "Bill To companies differ (Coho Winery East, West)",
	}
	batch := []string{"adatum", "bellows", "coho", "dan-ng", "eastwind"}
	res, err := ledger.Consolidate(ctx, clerk, "consolidate-2025-03", credit.ConsolidateRequest{Accounts: batch, BillTo: true})
	if err != nil {
		return err
	}
	t := report.Table{Header: []string{"Customer", "Orders paid", "Applied", "Credit left", "Still owed", "Note"},
		Right: []bool{false, false, true, true, true}}
	for _, r := range res.Accounts {
		if r.Error != "" {
			t.Add(r.Account, "", "", "", "", r.Error)
			continue
		}
		b, err := ledger.Balances(ctx, clerk, r.Account)
		if err != nil {
			return err
		}
		var paid string
		for i, a := range r.Applications {
			if i > 0 {
				paid += " "
			}
			paid += a.Debit
		}
		note := why[r.Account]
		t.Add(r.Account, paid, r.Total.String(), b.Credit.String(), b.Debit.String(), note)
	}
	if err := t.Write(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nOne batch, one operation (%s); an unknown customer is reported and the others go ahead.\n", res.Operation)
	return nil
}

// party writes a bill-to party for people.
func party(p invoice.Party) string {
	switch {
	case p.Company != "" && p.Person != "":
		return p.Company + " / " + p.Person
	case p.Company != "":
		return "company " + p.Company
	}
	return "person " + p.Person
}

// violations lists the rules a refused plan broke, one per line, or the
// error itself when it is not a plan's.
func violations(err error) []string {
	var pe *allocate.PlanError
	if !errors.As(err, &pe) {
		return []string{"error: " + err.Error()}
	}
	var out []string
	for _, v := range pe.Violations {
		out = append(out, fmt.Sprintf("violation %s: %s", v.Rule, v.Detail))
	}
	return out
}
