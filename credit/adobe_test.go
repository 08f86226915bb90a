package credit_test

// Adobe Commerce company credit: the credit line, purchases on account,
// reimbursements and their edits, reverts, refunds and currency changes.

import (
	"errors"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

func TestOpenAccountWithCreditLineRecordsAllocated(t *testing.T) {
	f := newFixture(t)
	a, err := f.l.OpenAccount(ctx, admin, f.key(), credit.OpenAccountRequest{ID: "acme", Currency: eur,
		Limit: m("EUR 20000.00"), Party: invoice.Party{Company: "Acme"}, Reason: "new company"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "acme" || a.Kind != credit.Term || a.Version != 1 || a.Party.Company != "Acme" || a.Created != t0 {
		t.Errorf("account %+v", a)
	}
	f.wantBalances("acme", bal{"EUR 0.00", "EUR 0.00", "EUR 0.00", "EUR 20000.00", "EUR 20000.00"})
	es := f.wantRows("acme", row{credit.AccountOpened, "EUR 20000.00", "EUR 0.00", "EUR 20000.00", "EUR 20000.00", "admin", "", "new company"})
	if !es[0].At.Equal(t0) {
		t.Errorf("allocated at %s, want %s", es[0].At, t0)
	}
	// Opening the same id twice is refused.
	_, err = f.l.OpenAccount(ctx, admin, f.key(), credit.OpenAccountRequest{ID: "acme", Currency: eur})
	wantErr(t, err, credit.ErrAlreadyExists)
}

func TestOpenAccountRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	for name, req := range map[string]credit.OpenAccountRequest{
		"no currency":        {ID: "x"},
		"negative limit":     {ID: "x", Currency: usd, Limit: m("USD -1.00")},
		"limit in EUR":       {ID: "x", Currency: usd, Limit: m("EUR 1.00")},
		"unknown kind":       {ID: "x", Currency: usd, Kind: 9},
		"id longer than 200": {ID: string(make([]byte, 201)), Currency: usd},
	} {
		if _, err := f.l.OpenAccount(ctx, admin, f.key(), req); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := f.l.Account(ctx, admin, "x"); !errors.Is(err, credit.ErrNotFound) {
		t.Errorf("a refused open left an account: %v", err)
	}
}

func TestUpdateLimitWithReasonRecordsUpdated(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "EUR", credit.Term, "20000.00")
	a, err := f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "acme",
		Limit: mp("EUR 25000.00"), Reason: "two years without a late payment"})
	if err != nil {
		t.Fatal(err)
	}
	if str(a.Limit) != "EUR 25000.00" || a.Version != 2 {
		t.Errorf("account %+v", a)
	}
	f.wantRows("acme",
		row{credit.AccountOpened, "EUR 20000.00", "EUR 0.00", "EUR 20000.00", "EUR 20000.00", "admin", "", ""},
		row{credit.AccountUpdated, "EUR 25000.00", "EUR 0.00", "EUR 25000.00", "EUR 25000.00", "admin", "", "two years without a late payment"})
	// Allow-exceed is a change of its own, recorded the same way.
	yes := true
	if _, err := f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "acme", AllowExceed: &yes, Reason: "trusted"}); err != nil {
		t.Fatal(err)
	}
	f.wantRows("acme", row{credit.AccountUpdated, "EUR 25000.00", "EUR 0.00", "EUR 25000.00", "EUR 25000.00", "admin", "", "trusted"})
	_, err = f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "acme", Limit: mp("USD 1.00")})
	wantErr(t, err, credit.ErrCurrencyMismatch)
	_, err = f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "nobody", Limit: mp("EUR 1.00")})
	wantErr(t, err, credit.ErrNotFound)
}

func TestPurchaseChargesTheCreditLine(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	r, err := f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "order-1",
		Amount: m("USD 250.00"), Reference: "PO-77", Comment: "order #1"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Document.ID != "order-1" || r.Document.Kind != invoice.Invoice || str(r.Document.Open) != "USD 250.00" ||
		r.Document.Status != invoice.Open || r.Document.Reference != "PO-77" || len(r.Applications) != 0 {
		t.Errorf("purchase %+v", r)
	}
	if got := balOf(r.Balances); got != (bal{"USD 0.00", "USD 250.00", "USD -250.00", "USD 1000.00", "USD 750.00"}) {
		t.Errorf("result balances %+v", got)
	}
	f.wantBalances("acme", balOf(r.Balances))
	es := f.wantRows("acme", row{credit.ChargedToCreditLine, "USD 250.00", "USD -250.00", "USD 750.00", "USD 1000.00", "admin", "PO-77", "order #1"})
	if es[0].Document != "order-1" || es[0].Original.IsValid() || es[0].Rate.IsValid() {
		t.Errorf("entry %+v", es[0])
	}
	// Up to exactly the available credit is allowed.
	if _, err := f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("USD 750.00")}); err != nil {
		t.Fatal(err)
	}
	f.wantRows("acme", row{credit.ChargedToCreditLine, "USD 750.00", "USD -1000.00", "USD 0.00", "USD 1000.00", "admin", "", ""})
}

func TestPurchaseInAnotherCurrencyRecordsOriginalAndRate(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "EUR", credit.Term, "50000.00")
	rate := money.MustParseRate("USD/EUR 0.8928")
	r, err := f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "order-9",
		Amount: m("USD 22400.00"), Rate: rate, Reference: "100000009"})
	if err != nil {
		t.Fatal(err)
	}
	if str(r.Document.Amount) != "EUR 19998.72" {
		t.Errorf("document amount %s, want EUR 19998.72", str(r.Document.Amount))
	}
	es := f.wantRows("acme", row{credit.ChargedToCreditLine, "EUR 19998.72", "EUR -19998.72", "EUR 30001.28", "EUR 50000.00", "admin", "100000009", ""})
	if str(es[0].Original) != "USD 22400.00" || !es[0].Rate.Equal(rate) {
		t.Errorf("entry original %s rate %s, want USD 22400.00 at %s", str(es[0].Original), es[0].Rate, rate)
	}
	// Without a rate, or with one for other currencies, it is refused.
	before := f.snapshot("acme")
	_, err = f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("USD 1.00")})
	wantErr(t, err, credit.ErrCurrencyMismatch)
	_, err = f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("USD 1.00"),
		Rate: money.MustParseRate("GBP/EUR 1.17")})
	wantErr(t, err, credit.ErrCurrencyMismatch)
	f.wantUnchanged("acme", before)
}

func TestPurchaseOverTheLimitIsRefusedAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("USD 600.00")})
	before := f.snapshot("acme")
	key := f.key()
	_, err := f.l.Purchase(ctx, admin, key, credit.PurchaseRequest{Account: "acme", ID: "too-much", Amount: m("USD 400.01")})
	wantErr(t, err, credit.ErrCreditLimitExceeded)
	if e, _ := err.(*credit.Error); e == nil || e.Op != "Purchase" || e.Account != "acme" {
		t.Errorf("error %#v does not name the purchase on acme", err)
	}
	f.wantUnchanged("acme", before)
	if _, err := f.l.Document(ctx, admin, "too-much"); err == nil {
		t.Error("the refused purchase left a document")
	}
	// The key was not used up: the same key with another request works.
	if _, err := f.l.Purchase(ctx, admin, key, credit.PurchaseRequest{Account: "acme", Amount: m("USD 400.00")}); err != nil {
		t.Errorf("key of a refused purchase: %v", err)
	}
}

func TestPurchaseWithAllowExceedMakesAvailableNegative(t *testing.T) {
	f := newFixture(t)
	_, err := f.l.OpenAccount(ctx, admin, f.key(), credit.OpenAccountRequest{ID: "acme", Currency: usd,
		Limit: m("USD 1000.00"), AllowExceed: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("USD 1500.00")}); err != nil {
		t.Fatal(err)
	}
	f.wantRows("acme", row{credit.ChargedToCreditLine, "USD 1500.00", "USD -1500.00", "USD -500.00", "USD 1000.00", "admin", "", ""})
	f.wantBalances("acme", bal{"USD 0.00", "USD 1500.00", "USD -1500.00", "USD 1000.00", "USD -500.00"})
}

func TestReimbursePositiveRecordsAPayment(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", Amount: m("USD 1000.00")})
	r, err := f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", ID: "reimb-1",
		Amount: m("USD 400.00"), Reference: "CHK-1001", Comment: "cheque received"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Document.Kind != invoice.Payment || str(r.Document.Open) != "USD 400.00" || r.Document.Reference != "CHK-1001" {
		t.Errorf("document %+v", r.Document)
	}
	es := f.wantRows("acme", row{credit.BalancePaid, "USD 400.00", "USD -600.00", "USD 400.00", "USD 1000.00", "admin", "CHK-1001", "cheque received"})
	if es[0].Document != "reimb-1" {
		t.Errorf("entry document %q", es[0].Document)
	}
	// A term account does not use the payment on its own.
	f.wantDoc("reimb-1", "USD 400.00", invoice.Open)
}

func TestReimburseNegativeRecordsADebitMemo(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", Amount: m("USD 300.00")})
	r, err := f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", ID: "fix-1",
		Amount: m("USD -50.00"), Reference: "ADJ-7", Comment: "bounced part of a cheque"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Document.Kind != invoice.DebitMemo || str(r.Document.Amount) != "USD 50.00" || r.Document.Reference != "ADJ-7" {
		t.Errorf("document %+v", r.Document)
	}
	f.wantRows("acme",
		row{credit.BalancePaid, "USD 300.00", "USD 300.00", "USD 1300.00", "USD 1000.00", "admin", "", ""},
		row{credit.BalancePaid, "USD -50.00", "USD 250.00", "USD 1250.00", "USD 1000.00", "admin", "ADJ-7", "bounced part of a cheque"})
	_, err = f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", Amount: m("USD 0.00")})
	wantErr(t, err, credit.ErrInvalidAmount)
}

func TestEditReimbursementRaisedRecordsALinkedPayment(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", ID: "reimb-1", Amount: m("USD 400.00"), Reference: "CHK-1"})
	r, err := f.l.EditReimbursement(ctx, admin, f.key(), credit.EditReimbursementRequest{Document: "reimb-1",
		Amount: m("USD 500.00"), Comment: "cheque was for 500"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Document.Kind != invoice.Payment || r.Document.Original != "reimb-1" || str(r.Document.Amount) != "USD 100.00" {
		t.Errorf("edit document %+v", r.Document)
	}
	// The original keeps its amount; it takes a new version, so that two
	// edits at once conflict rather than both count from one amount.
	if d := f.doc("reimb-1"); str(d.Amount) != "USD 400.00" || d.Version != 2 {
		t.Errorf("original changed: %+v", d)
	}
	es := f.wantRows("acme",
		row{credit.BalancePaid, "USD 400.00", "USD 400.00", "USD 1400.00", "USD 1000.00", "admin", "CHK-1", ""},
		row{credit.BalancePaymentEdited, "USD 100.00", "USD 500.00", "USD 1500.00", "USD 1000.00", "admin", "CHK-1", "cheque was for 500"})
	if es[1].Document != r.Document.ID {
		t.Errorf("edit entry names %q, want %q", es[1].Document, r.Document.ID)
	}
}

func TestEditReimbursementLoweredRecordsALinkedDebitMemo(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", ID: "reimb-1", Amount: m("USD 400.00"), Reference: "CHK-1"})
	if _, err := f.l.EditReimbursement(ctx, admin, f.key(), credit.EditReimbursementRequest{Document: "reimb-1", Amount: m("USD 500.00")}); err != nil {
		t.Fatal(err)
	}
	// The current amount is now 500 (400 + 100): lowering to 450 is a 50 debit memo.
	r, err := f.l.EditReimbursement(ctx, admin, f.key(), credit.EditReimbursementRequest{Document: "reimb-1",
		Amount: m("USD 450.00"), Comment: "typo"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Document.Kind != invoice.DebitMemo || r.Document.Original != "reimb-1" || str(r.Document.Amount) != "USD 50.00" {
		t.Errorf("edit document %+v", r.Document)
	}
	f.wantRows("acme", row{credit.BalancePaymentEdited, "USD -50.00", "USD 450.00", "USD 1450.00", "USD 1000.00", "admin", "CHK-1", "typo"})
	f.wantDoc("reimb-1", "USD 400.00", invoice.Open)
	edits, err := f.l.Documents(ctx, admin, credit.DocumentFilter{Account: "acme", Original: "reimb-1"})
	if err != nil || len(edits) != 2 {
		t.Fatalf("edits of reimb-1: %v %v", edits, err)
	}
	// An edit is not itself a reimbursement that can be edited.
	_, err = f.l.EditReimbursement(ctx, admin, f.key(), credit.EditReimbursementRequest{Document: r.Document.ID, Amount: m("USD 1.00")})
	wantErr(t, err, credit.ErrWrongKind)
}

func TestVoidOfAPurchaseRevertsAndReturnsAppliedCredit(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "order-1", Amount: m("USD 300.00")})
	f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", ID: "reimb-1", Amount: m("USD 300.00")})
	applied := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "reimb-1", Debit: "order-1"}}})
	r, err := f.l.Void(ctx, admin, f.key(), credit.VoidRequest{Debit: "order-1", Reason: "order cancelled"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Reversals) != 1 || r.Reversals[0].Reverses != applied.Applications[0].ID || str(r.Removed) != "USD 300.00" {
		t.Errorf("void result %+v", r)
	}
	if r.Document.Status != invoice.Void || str(r.Document.Open) != "USD 0.00" {
		t.Errorf("voided document %+v", r.Document)
	}
	f.wantDoc("reimb-1", "USD 300.00", invoice.Open)
	f.wantRows("acme",
		row{credit.CreditApplied, "USD 300.00", "USD 0.00", "USD 1000.00", "USD 1000.00", "admin", "", ""},
		row{credit.DocumentVoided, "USD 300.00", "USD 300.00", "USD 1300.00", "USD 1000.00", "admin", "", "order cancelled"})
	_, err = f.l.Void(ctx, admin, f.key(), credit.VoidRequest{Debit: "order-1", Reason: "again"})
	wantErr(t, err, credit.ErrBadState)
}

func TestCreditMemoAgainstAPurchaseIsRefunded(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "order-1", Amount: m("USD 500.00")})
	r := f.credit(credit.CreditRequest{Account: "acme", Kind: invoice.CreditMemo, ID: "memo-1", Amount: m("USD 200.00"),
		Against: "order-1", Reference: "RMA-5", Comment: "two items returned"})
	if len(r.Applications) != 1 || r.Applications[0].Credit != "memo-1" || r.Applications[0].Debit != "order-1" || str(r.Applications[0].Amount) != "USD 200.00" {
		t.Errorf("applications %+v", r.Applications)
	}
	f.wantDoc("memo-1", "USD 0.00", invoice.Closed)
	f.wantDoc("order-1", "USD 300.00", invoice.Open)
	f.wantRows("acme",
		row{credit.ChargedToCreditLine, "USD 500.00", "USD -500.00", "USD 500.00", "USD 1000.00", "admin", "", ""},
		row{credit.PurchaseCredited, "USD 200.00", "USD -300.00", "USD 700.00", "USD 1000.00", "admin", "RMA-5", "two items returned"})
	// A memo for more than is owed pays the rest and leaves the excess open.
	f.credit(credit.CreditRequest{Account: "acme", Kind: invoice.CreditMemo, ID: "memo-2", Amount: m("USD 350.00"), Against: "order-1"})
	f.wantDoc("order-1", "USD 0.00", invoice.Paid)
	f.wantDoc("memo-2", "USD 50.00", invoice.Open)
	f.wantBalances("acme", bal{"USD 50.00", "USD 0.00", "USD 50.00", "USD 1000.00", "USD 1050.00"})
	// Only a credit memo can be issued against a debit.
	_, err := f.l.IssueCredit(ctx, admin, f.key(), credit.CreditRequest{Account: "acme", Amount: m("USD 1.00"), Against: "order-1"})
	wantErr(t, err, credit.ErrInvalidRequest)
}

func TestCurrencyChangeConvertsTheCreditLineAndOpenDocuments(t *testing.T) {
	f := newFixture(t)
	f.open("acme", "USD", credit.Term, "1000.00")
	f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "order-1", Amount: m("USD 100.00")})
	f.l.Purchase(ctx, admin, f.key(), credit.PurchaseRequest{Account: "acme", ID: "order-2", Amount: m("USD 40.00")})
	f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "acme", ID: "reimb-1", Amount: m("USD 90.00")})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "reimb-1", Debit: "order-2"}}}) // order-2 paid, 50 of reimb-1 open
	rate := money.MustParseRate("USD/EUR 0.8928")
	cur := eur
	a, err := f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "acme", Currency: &cur, Rate: rate,
		Reason: "company moved to Dublin"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Currency != eur || str(a.Limit) != "EUR 892.80" {
		t.Errorf("account %+v", a)
	}
	es := f.wantRows("acme", row{credit.CurrencyConverted, "EUR -44.64", "EUR -44.64", "EUR 848.16", "EUR 892.80", "admin", "", "company moved to Dublin"})
	if str(es[0].Original) != "USD -50.00" || !es[0].Rate.Equal(rate) {
		t.Errorf("entry original %s rate %s", str(es[0].Original), es[0].Rate)
	}
	// The open documents were closed in USD and issued again in EUR; the
	// paid one stays as it was.
	f.wantDoc("order-1", "USD 0.00", invoice.Void)
	f.wantDoc("reimb-1", "USD 0.00", invoice.Closed)
	f.wantDoc("order-2", "USD 0.00", invoice.Paid)
	open, err := f.l.Documents(ctx, admin, credit.DocumentFilter{Account: "acme", OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range open {
		got = append(got, d.Original+" "+d.Kind.String()+" "+str(d.Open))
	}
	wantStrings(t, "re-issued documents", got, "order-1 invoice EUR 89.28", "reimb-1 payment EUR 44.64")
	f.wantBalances("acme", bal{"EUR 44.64", "EUR 89.28", "EUR -44.64", "EUR 892.80", "EUR 848.16"})
	// A currency change without a rate from the old currency is refused.
	back := usd
	_, err = f.l.UpdateAccount(ctx, admin, f.key(), credit.UpdateAccountRequest{Account: "acme", Currency: &back, Rate: rate})
	wantErr(t, err, credit.ErrInvalidRequest)
}
