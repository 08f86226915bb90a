// Command adobe shows Adobe Commerce's company credit ("Payment on Account")
// on arcredit: a credit line allocated and updated with a reason for the
// change, purchases on account (one converted from another currency),
// reimbursements positive and negative with a custom reference number, the
// Edit of a reimbursed amount, an order reverted, a credit memo refunded
// against an order, a purchase refused over the limit and then allowed once
// exceeding is allowed; and the company credit history grid.
//
//	go run ./examples/adobe
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "adobe:", err)
		os.Exit(1)
	}
}

// run plays the example on the in-memory store, writing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	ledger, err := credit.New(store.NewMemory(), credit.AllowAll, demo.Options(clock, demo.NewIDs("id"), credit.Options{}))
	if err != nil {
		return err
	}
	admin := credit.Principal{ID: "store.admin", Namespace: "adobe"}
	const company = "summit-supply"
	steps := demo.Steps{W: w, Clock: clock, Every: 3 * time.Hour}
	show := func(title string, detail ...string) error {
		b, err := ledger.Balances(ctx, admin, company)
		if err != nil {
			return err
		}
		steps.Print(b, title, detail...)
		return nil
	}
	usd := func(s string) money.Money { return money.MustParse("USD " + s) }

	fmt.Fprintf(w, "Adobe Commerce company credit for Summit Supply, credit currency USD\n\n")

	if _, err := ledger.OpenAccount(ctx, admin, "allocate", credit.OpenAccountRequest{
		ID: company, Currency: money.MustCurrency("USD"), Party: invoice.Party{Company: "Summit Supply"},
		Limit: usd("20000.00"), Reason: "Payment on Account enabled",
	}); err != nil {
		return err
	}
	if err := show("Allocated: credit limit USD 20,000.00"); err != nil {
		return err
	}

	limit := usd("25000.00")
	if _, err := ledger.UpdateAccount(ctx, admin, "update-limit", credit.UpdateAccountRequest{
		Account: company, Limit: &limit, Reason: "annual credit review",
	}); err != nil {
		return err
	}
	if err := show("Updated: credit limit raised to USD 25,000.00, Reason for Change recorded"); err != nil {
		return err
	}

	if _, err := ledger.Purchase(ctx, admin, "order-101", credit.PurchaseRequest{
		Account: company, ID: "000000101", Amount: usd("8000.00"),
		Reference: "PO-88-101", Comment: "order #000000101",
	}); err != nil {
		return err
	}
	if err := show("Purchased: order #000000101, USD 8,000.00"); err != nil {
		return err
	}

	if _, err := ledger.Purchase(ctx, admin, "order-102", credit.PurchaseRequest{
		Account: company, ID: "000000102", Amount: money.MustParse("EUR 5000.00"),
		Rate: money.MustParseRate("EUR/USD 1.085"), Reference: "PO-88-102", Comment: "order #000000102 (EUR store view)",
	}); err != nil {
		return err
	}
	if err := show("Purchased: order #000000102 placed in EUR 5,000.00, converted at EUR/USD 1.085"); err != nil {
		return err
	}

	rmb, err := ledger.Reimburse(ctx, admin, "reimburse-1", credit.ReimburseRequest{
		Account: company, ID: "RMB-1", Amount: usd("6000.00"), Reference: "CHK-2231", Comment: "cheque received",
	})
	if err != nil {
		return err
	}
	if err := show("Reimbursed: USD 6,000.00, custom reference number CHK-2231"); err != nil {
		return err
	}

	if _, err := ledger.Reimburse(ctx, admin, "reimburse-2", credit.ReimburseRequest{
		Account: company, ID: "RMB-2", Amount: usd("-250.00"), Reference: "ADJ-17", Comment: "bank fee on the cheque",
	}); err != nil {
		return err
	}
	if err := show("Reimbursed: USD -250.00, a negative correction (recorded as a debit memo)"); err != nil {
		return err
	}

	edit, err := ledger.EditReimbursement(ctx, admin, "edit-rmb-1", credit.EditReimbursementRequest{
		Document: rmb.Document.ID, Amount: usd("6500.00"), Comment: "cheque was for USD 6,500.00",
	})
	if err != nil {
		return err
	}
	if err := show("Edit of the USD 6,000.00 reimbursement to USD 6,500.00",
		fmt.Sprintf("the difference is its own %s %s of %s, linked to %s; the original is kept",
			edit.Document.Kind, edit.Document.ID, edit.Document.Amount, edit.Document.Original)); err != nil {
		return err
	}

	if _, err := ledger.Void(ctx, admin, "cancel-102", credit.VoidRequest{Debit: "000000102", Reason: "order #000000102 cancelled"}); err != nil {
		return err
	}
	if err := show("Reverted: order #000000102 cancelled, its amount returns to the available credit"); err != nil {
		return err
	}

	if _, err := ledger.IssueCredit(ctx, admin, "creditmemo-101", credit.CreditRequest{
		Account: company, ID: "CM-101-1", Kind: invoice.CreditMemo, Amount: usd("1200.00"),
		Against: "000000101", Reason: "2 items returned", Comment: "credit memo for order #000000101",
	}); err != nil {
		return err
	}
	if err := show("Refunded: a credit memo of USD 1,200.00 against order #000000101"); err != nil {
		return err
	}

	_, err = ledger.Purchase(ctx, admin, "order-103", credit.PurchaseRequest{
		Account: company, ID: "000000103", Amount: usd("30000.00"), Comment: "order #000000103",
	})
	if !errors.Is(err, credit.ErrCreditLimitExceeded) {
		return fmt.Errorf("purchase over the limit: got %v, want ErrCreditLimitExceeded", err)
	}
	if err := show("Purchase of USD 30,000.00 refused: Allow to Exceed Credit Limit is off", "error: "+err.Error()); err != nil {
		return err
	}

	allow := true
	if _, err := ledger.UpdateAccount(ctx, admin, "allow-exceed", credit.UpdateAccountRequest{
		Account: company, AllowExceed: &allow, Reason: "seasonal order approved by the sales manager",
	}); err != nil {
		return err
	}
	if err := show("Updated: Allow to Exceed Credit Limit switched on"); err != nil {
		return err
	}

	if _, err := ledger.Purchase(ctx, admin, "order-103-again", credit.PurchaseRequest{
		Account: company, ID: "000000103", Amount: usd("30000.00"), Comment: "order #000000103",
	}); err != nil {
		return err
	}
	if err := show("Purchased: order #000000103, USD 30,000.00; the available credit is now negative"); err != nil {
		return err
	}

	demo.Heading(w, "Company Credit history")
	hist, err := ledger.History(ctx, admin, credit.HistoryRequest{Account: company})
	if err != nil {
		return err
	}
	rows, err := report.Trace(ctx, ledger, admin, hist)
	if err != nil {
		return err
	}
	return report.HistoryGrid(w, rows)
}
