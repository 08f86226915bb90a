package report_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

// exampleLedger returns a ledger whose clock the example sets, with ids
// id-1, id-2 …, and a customer account with three invoices due on 15 May,
// 15 April and 1 February, a payment of 120.00 applied to the middle one on
// 10 June, and an unapplied payment of 250.00 on 20 June.
func exampleLedger() (*credit.Ledger, credit.Principal, func(time.Time)) {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	l, err := credit.New(store.NewMemory(), credit.AllowAll, credit.Options{
		Clock: func() time.Time { return now },
		NewID: func() string { n++; return fmt.Sprintf("id-%d", n) },
	})
	if err != nil {
		panic(err)
	}
	set := func(t time.Time) { now = t }
	by := credit.Principal{ID: "ar.clerk", Namespace: "shop"}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(l.OpenAccount(ctx, by, "open", credit.OpenAccountRequest{ID: "acme", Currency: money.MustCurrency("USD"), Limit: usd("5000.00")}))
	must(l.IssueDebit(ctx, by, "inv-1", credit.DebitRequest{Account: "acme", ID: "INV-1", Amount: usd("200.00"), Issued: day(4, 15), Due: day(5, 15)}))
	must(l.IssueDebit(ctx, by, "inv-2", credit.DebitRequest{Account: "acme", ID: "INV-2", Amount: usd("300.00"), Issued: day(3, 15), Due: day(4, 15)}))
	must(l.IssueDebit(ctx, by, "inv-3", credit.DebitRequest{Account: "acme", ID: "INV-3", Amount: usd("500.00"), Issued: day(1, 2), Due: day(2, 1)}))
	set(time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC))
	must(l.IssueCredit(ctx, by, "pay-1", credit.CreditRequest{Account: "acme", ID: "PAY-1", Amount: usd("120.00"), Reference: "wire 881"}))
	must(l.Apply(ctx, by, "apply-1", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-1", Debit: "INV-2"}}, Partial: true}))
	set(time.Date(2025, 6, 20, 9, 0, 0, 0, time.UTC))
	must(l.IssueCredit(ctx, by, "pay-2", credit.CreditRequest{Account: "acme", ID: "PAY-2", Kind: invoice.Payment, Amount: usd("250.00")}))
	return l, by, set
}

// The aging of a namespace as of 30 June, in the default buckets: open
// debits by days past due, and the unapplied credit by its age. A payment
// recorded later does not change the aging as of 30 June.
func ExampleAging() {
	l, by, set := exampleLedger()
	ctx := context.Background()
	set(time.Date(2025, 7, 2, 9, 0, 0, 0, time.UTC))
	if _, err := l.Apply(ctx, by, "apply-2", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY-2", Debit: "INV-3"}}, Partial: true}); err != nil {
		panic(err)
	}
	rep, err := report.Aging(ctx, l, by, time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC), report.AgingOptions{})
	if err != nil {
		panic(err)
	}
	if err := report.WriteAging(os.Stdout, rep); err != nil {
		panic(err)
	}
	// Output:
	// Open debits as of 2025-06-30 23:59
	//
	// Account     current      1-30       31-60       61-90     over 90       Total
	// ---------  --------  --------  ----------  ----------  ----------  ----------
	// acme       USD 0.00  USD 0.00  USD 200.00  USD 180.00  USD 500.00  USD 880.00
	// Total USD  USD 0.00  USD 0.00  USD 200.00  USD 180.00  USD 500.00  USD 880.00
	//
	// Unapplied credits as of 2025-06-30 23:59
	//
	// Account     current        1-30     31-60     61-90   over 90       Total
	// ---------  --------  ----------  --------  --------  --------  ----------
	// acme       USD 0.00  USD 250.00  USD 0.00  USD 0.00  USD 0.00  USD 250.00
	// Total USD  USD 0.00  USD 250.00  USD 0.00  USD 0.00  USD 0.00  USD 250.00
}

// The aging's figures as CSV, for a spreadsheet.
func ExampleAgingCSV() {
	l, by, _ := exampleLedger()
	rep, err := report.Aging(context.Background(), l, by, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), report.AgingOptions{Bounds: []int{0, 60}})
	if err != nil {
		panic(err)
	}
	if err := report.AgingCSV(os.Stdout, rep); err != nil {
		panic(err)
	}
	// Output:
	// as_of,scope,account,currency,side,current,1-60,over 60,total
	// 2025-06-30T00:00:00Z,account,acme,USD,debit,0.00,200.00,680.00,880.00
	// 2025-06-30T00:00:00Z,account,acme,USD,credit,0.00,250.00,0.00,250.00
	// 2025-06-30T00:00:00Z,total,,USD,debit,0.00,200.00,680.00,880.00
	// 2025-06-30T00:00:00Z,total,,USD,credit,0.00,250.00,0.00,250.00
}

// The statement of account for June: the opening balances, the entries of
// the month with the documents they name, and the closing balances.
func ExampleStatementOf() {
	l, by, _ := exampleLedger()
	s, err := report.StatementOf(context.Background(), l, by, "acme",
		time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	if err := report.WriteStatement(os.Stdout, s); err != nil {
		panic(err)
	}
	// Output:
	// Statement of account acme (USD), 2025-06-05 00:00 to 2025-06-30 00:00
	//
	// Opening balance: outstanding USD -1,000.00, credit USD 0.00, debit USD 1,000.00, limit USD 5,000.00, available USD 4,000.00
	//
	// Date              Operation         Documents         Amount  Outstanding Balance  Available Credit  Credit Limit  Updated By  Custom Reference Number  Comment
	// ----------------  ----------------  ------------  ----------  -------------------  ----------------  ------------  ----------  -----------------------  -------
	// 2025-06-10 09:00  Payment recorded  PAY-1         USD 120.00          USD -880.00      USD 4,120.00  USD 5,000.00  ar.clerk    wire 881
	// 2025-06-10 09:00  Applied           PAY-1, INV-2  USD 120.00          USD -880.00      USD 4,120.00  USD 5,000.00  ar.clerk
	// 2025-06-20 09:00  Payment recorded  PAY-2         USD 250.00          USD -630.00      USD 4,370.00  USD 5,000.00  ar.clerk
	//
	// Closing balance: outstanding USD -630.00, credit USD 250.00, debit USD 880.00, limit USD 5,000.00, available USD 4,370.00
}

// An account's history as the credit history grid, with the documents each
// entry names, and as CSV.
func ExampleHistoryGrid() {
	l, by, _ := exampleLedger()
	ctx := context.Background()
	hist, err := l.History(ctx, by, credit.HistoryRequest{Account: "acme"})
	if err != nil {
		panic(err)
	}
	rows, err := report.Trace(ctx, l, by, hist)
	if err != nil {
		panic(err)
	}
	if err := report.HistoryGrid(os.Stdout, rows[3:]); err != nil {
		panic(err)
	}
	fmt.Println()
	if err := report.HistoryCSV(os.Stdout, rows[4:5]); err != nil {
		panic(err)
	}
	// Output:
	// Date              Operation         Documents         Amount  Outstanding Balance  Available Credit  Credit Limit  Updated By  Custom Reference Number  Comment
	// ----------------  ----------------  ------------  ----------  -------------------  ----------------  ------------  ----------  -----------------------  -------
	// 2025-06-01 09:00  Invoiced          INV-3         USD 500.00        USD -1,000.00      USD 4,000.00  USD 5,000.00  ar.clerk
	// 2025-06-10 09:00  Payment recorded  PAY-1         USD 120.00          USD -880.00      USD 4,120.00  USD 5,000.00  ar.clerk    wire 881
	// 2025-06-10 09:00  Applied           PAY-1, INV-2  USD 120.00          USD -880.00      USD 4,120.00  USD 5,000.00  ar.clerk
	// 2025-06-20 09:00  Payment recorded  PAY-2         USD 250.00          USD -630.00      USD 4,370.00  USD 5,000.00  ar.clerk
	//
	// account,seq,at,op,documents,currency,amount,original,original_currency,rate,residual,credit_change,debit_change,credit,debit,outstanding,limit,available,by,reference,comment,operation
	// acme,5,2025-06-10T09:00:00Z,payment_received,PAY-1,USD,120.00,,,,,120.00,0.00,120.00,1000.00,-880.00,5000.00,4120.00,ar.clerk,wire 881,,id-5
}

// The statement of account as CSV: an opening record, the entries, a
// closing record, in the columns of the history.
func ExampleStatementCSV() {
	l, by, _ := exampleLedger()
	s, err := report.StatementOf(context.Background(), l, by, "acme",
		time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	if err := report.StatementCSV(os.Stdout, s); err != nil {
		panic(err)
	}
	// Output:
	// account,seq,at,op,documents,currency,amount,original,original_currency,rate,residual,credit_change,debit_change,credit,debit,outstanding,limit,available,by,reference,comment,operation
	// acme,,2025-06-15T00:00:00Z,opening,,USD,,,,,,,,0.00,880.00,-880.00,5000.00,4120.00,,,,
	// acme,7,2025-06-20T09:00:00Z,payment_received,PAY-2,USD,250.00,,,,,250.00,0.00,250.00,880.00,-630.00,5000.00,4370.00,ar.clerk,,,id-8
	// acme,,2025-06-30T00:00:00Z,closing,,USD,,,,,,,,250.00,880.00,-630.00,5000.00,4370.00,,,,
}

// The documents of one account's aging, streamed as CSV while the aging
// is made.
func ExampleNewAgingLinesCSV() {
	l, by, _ := exampleLedger()
	w := report.NewAgingLinesCSV(os.Stdout)
	_, _, err := report.AccountAgingOf(context.Background(), l, by, "acme", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		report.AgingOptions{Lines: w.Line})
	if err != nil {
		panic(err)
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	// Output:
	// account,document,side,kind,issued,due,days,bucket,currency,amount,open
	// acme,INV-3,debit,invoice,2025-01-02T00:00:00Z,2025-02-01T00:00:00Z,149,over 90,USD,500.00,500.00
	// acme,INV-2,debit,invoice,2025-03-15T00:00:00Z,2025-04-15T00:00:00Z,76,61-90,USD,300.00,180.00
	// acme,INV-1,debit,invoice,2025-04-15T00:00:00Z,2025-05-15T00:00:00Z,46,31-60,USD,200.00,200.00
	// acme,PAY-2,credit,payment,2025-06-20T09:00:00Z,,10,1-30,USD,250.00,250.00
}
