// Command tour walks through the life of a B2B customer's credit on the
// in-memory store: a company account with a credit line, purchases on
// account (one in another currency), a payment, a reimbursement with a
// reference number, a credit memo, a preview and an oldest-first
// application, an unapply, a refund, a charge back and a purchase refused
// over the limit. After each step it prints what changed; it ends with the
// account's history as Adobe Commerce's company credit grid shows it.
//
//	go run ./examples/tour
//	go run ./examples/tour -postgres postgres://user:pass@localhost:5432/db
//
// With -postgres the same tour runs against PostgreSQL (store/postgres):
// the store's tables are created by Migrate if they are missing, and the
// tour writes in a namespace of its own, so that it can run again and
// again on one database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/examples/internal/demo"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/store/postgres"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: tour [-postgres URL]\n\nA tour of arcredit, on the in-memory store unless -postgres is given.\n\n")
		flag.PrintDefaults()
	}
	pg := flag.String("postgres", "", "run the tour against the PostgreSQL database at this `URL` instead of in memory")
	flag.Parse()
	if err := main1(*pg); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

func main1(pgURL string) error {
	if pgURL == "" {
		return run(os.Stdout, store.NewMemory(), "tour")
	}
	ctx := context.Background()
	st, closeDB, err := openPostgres(ctx, pgURL, postgres.Options{})
	if err != nil {
		return err
	}
	defer closeDB()
	// A namespace per run: the tour's ids are fixed, and a namespace never
	// sees another's records.
	return run(os.Stdout, st, "tour-"+time.Now().UTC().Format("20060102T150405.000000"))
}

// openPostgres connects to url, creates the store's tables if needed and
// returns the store and a function that closes the connections.
func openPostgres(ctx context.Context, url string, opts postgres.Options) (credit.Store, func(), error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	st := postgres.New(pool, opts)
	if err := st.Migrate(ctx); err != nil {
		pool.Close()
		return nil, nil, err
	}
	return st, pool.Close, nil
}

// run plays the tour on st, in namespace ns, writing to w.
func run(w io.Writer, st credit.Store, ns string) error {
	ctx := context.Background()
	clock := demo.NewClock(demo.Start)
	ledger, err := credit.New(st, credit.AllowAll, demo.Options(clock, demo.NewIDs("id"), credit.Options{}))
	if err != nil {
		return err
	}
	admin := credit.Principal{ID: "dana.admin", Namespace: ns}
	const acct = "acme"
	usd := money.MustCurrency("USD")

	n := 0
	// step prints the step's title and the account's balances after it,
	// and moves the clock on for the next one.
	step := func(title string, detail ...string) error {
		n++
		b, err := ledger.Balances(ctx, admin, acct)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%2d. %s\n", n, title)
		for _, d := range detail {
			fmt.Fprintf(w, "    %s\n", d)
		}
		fmt.Fprintf(w, "    %s\n", demo.Balances(b))
		clock.Advance(26 * time.Hour)
		return nil
	}

	fmt.Fprintf(w, "arcredit tour: the credit of one B2B customer, Acme Corp\n\n")

	// 1. A company account in USD with a credit line.
	if _, err := ledger.OpenAccount(ctx, admin, "open-acme", credit.OpenAccountRequest{
		ID: acct, Currency: usd, Party: invoice.Party{Company: "Acme Corp"},
		Limit: money.MustParse("USD 50000.00"), Reason: "new customer, credit approved",
	}); err != nil {
		return err
	}
	if err := step("Open Acme Corp's account with a USD 50,000.00 credit line (Allocated)"); err != nil {
		return err
	}

	// 2. A purchase on account.
	if _, err := ledger.Purchase(ctx, admin, "order-1001", credit.PurchaseRequest{
		Account: acct, ID: "INV-1001", Amount: money.MustParse("USD 12000.00"),
		Due: clock.Now().AddDate(0, 0, 30), Reference: "SO-1001", Comment: "order 1001: 40 workstations",
	}); err != nil {
		return err
	}
	if err := step("Purchase on account: invoice INV-1001 for USD 12,000.00 (Purchased)"); err != nil {
		return err
	}

	// 3. A purchase in another currency, converted at a rate the caller gives.
	eur, err := ledger.Purchase(ctx, admin, "order-1002", credit.PurchaseRequest{
		Account: acct, ID: "INV-1002", Amount: money.MustParse("EUR 20000.00"), Rate: money.MustParseRate("EUR/USD 1.12"),
		Due: clock.Now().AddDate(0, 0, 30), Reference: "SO-1002", Comment: "order 1002 from the Berlin office",
	})
	if err != nil {
		return err
	}
	if err := step("Purchase in euros: EUR 20,000.00 at EUR/USD 1.12 (Purchased)",
		"invoice INV-1002 is for "+eur.Document.Amount.String()); err != nil {
		return err
	}

	// 4. A payment received.
	if _, err := ledger.IssueCredit(ctx, admin, "payment-7001", credit.CreditRequest{
		Account: acct, ID: "PAY-7001", Kind: invoice.Payment, Amount: money.MustParse("USD 5000.00"),
		Reference: "wire 7001",
	}); err != nil {
		return err
	}
	if err := step("Record a payment: PAY-7001, USD 5,000.00 by wire; it stays open credit until applied"); err != nil {
		return err
	}

	// 5. A reimbursement with a custom reference number.
	if _, err := ledger.Reimburse(ctx, admin, "reimburse-po-4471", credit.ReimburseRequest{
		Account: acct, ID: "RMB-4471", Amount: money.MustParse("USD 10000.00"),
		Reference: "PO-4471", Comment: "cheque received",
	}); err != nil {
		return err
	}
	if err := step("Reimburse the balance: USD 10,000.00, reference PO-4471 (Reimbursed)"); err != nil {
		return err
	}

	// 6. A credit memo for returned goods.
	if _, err := ledger.IssueCredit(ctx, admin, "memo-returns", credit.CreditRequest{
		Account: acct, ID: "CM-3001", Kind: invoice.CreditMemo, Amount: money.MustParse("USD 1500.00"),
		Reason: "3 workstations returned", Comment: "RMA 3001",
	}); err != nil {
		return err
	}
	if err := step("Issue a credit memo: CM-3001, USD 1,500.00 for returned goods"); err != nil {
		return err
	}

	// 7. Preview: what oldest-first would do, nothing written.
	use := credit.ApplyRequest{Account: acct, Comment: "use the credit balance"}
	pre, err := ledger.Preview(ctx, admin, use)
	if err != nil {
		return err
	}
	detail := []string{"available to apply: " + pre.Available.String()}
	for _, l := range pre.Plan.Lines {
		detail = append(detail, fmt.Sprintf("would apply %s of %s to %s", l.Amount, l.Credit, l.Debit))
	}
	detail = append(detail, "INV-1002 is left alone: the credit left cannot pay it whole (full cover is the default)")
	if err := step("Preview oldest-first: nothing is written", detail...); err != nil {
		return err
	}

	// 8. Apply the same request.
	res, err := ledger.Apply(ctx, admin, "apply-1", use)
	if err != nil {
		return err
	}
	detail = nil
	for _, a := range res.Applications {
		detail = append(detail, fmt.Sprintf("applied %s of %s to %s (%s)", a.Amount, a.Credit, a.Debit, a.ID))
	}
	detail = append(detail, "the outstanding balance does not move: applying only moves money between documents")
	if err := step("Apply oldest-first", detail...); err != nil {
		return err
	}

	// 9. Unapply one application: both documents get the amount back.
	var undo credit.Application
	for _, a := range res.Applications {
		if a.Credit == "RMB-4471" {
			undo = a
		}
	}
	if _, err := ledger.Unapply(ctx, admin, "unapply-1", credit.UnapplyRequest{
		Application: undo.ID, Comment: "applied to the wrong invoice",
	}); err != nil {
		return err
	}
	inv, err := ledger.Document(ctx, admin, "INV-1001")
	if err != nil {
		return err
	}
	if err := step(fmt.Sprintf("Unapply %s (%s of RMB-4471 on INV-1001)", undo.ID, undo.Amount),
		fmt.Sprintf("INV-1001 is %s again with %s to pay", inv.Status, inv.Open)); err != nil {
		return err
	}

	// 10. Refund open credit to the customer.
	if _, err := ledger.Refund(ctx, admin, "refund-cm-3001", credit.RefundRequest{
		All: true, Credit: "CM-3001", Reference: "ACH 88120", Comment: "customer asked for the money back",
	}); err != nil {
		return err
	}
	if err := step("Refund CM-3001's USD 1,500.00 to the customer (Paid out)"); err != nil {
		return err
	}

	// 11. The bank charges the payment back.
	cb, err := ledger.ReversePayment(ctx, admin, "chargeback-7001", credit.ReverseRequest{
		Payment: "PAY-7001", ChargeBack: true, Reference: "CB-5512", Comment: "disputed by the customer's bank",
	})
	if err != nil {
		return err
	}
	if err := step("Charge back PAY-7001",
		fmt.Sprintf("%d application reversed: the USD 5,000.00 it paid on INV-1001 is owed again", len(cb.Reversals)),
		"the payment's open credit is removed: status "+cb.Document.Status.String()); err != nil {
		return err
	}

	// 12. A purchase beyond the available credit is refused.
	_, err = ledger.Purchase(ctx, admin, "order-1003", credit.PurchaseRequest{
		Account: acct, ID: "INV-1003", Amount: money.MustParse("USD 30000.00"), Reference: "SO-1003",
	})
	if !errors.Is(err, credit.ErrCreditLimitExceeded) {
		return fmt.Errorf("purchase over the limit: got %v, want ErrCreditLimitExceeded", err)
	}
	if err := step("Purchase of USD 30,000.00 refused", "error: "+err.Error()); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nCompany credit history of %s\n\n", acct)
	hist, err := ledger.History(ctx, admin, credit.HistoryRequest{Account: acct})
	if err != nil {
		return err
	}
	rows, err := report.Trace(ctx, ledger, admin, hist)
	if err != nil {
		return err
	}
	return report.HistoryGrid(w, rows)
}
