package credit

import (
	"context"
	"slices"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The operations that issue documents: debits (invoices, debit memos,
// purchases on account) and credits (payments, credit memos, credits,
// reimbursements and their edits).

// DebitRequest issues an invoice or a debit memo.
type DebitRequest struct {
	Account string `json:"account"`
	// Kind is invoice.Invoice (the default) or invoice.DebitMemo.
	Kind invoice.Kind `json:"kind,omitempty"`
	// ID of the document; a new time-ordered id when empty.
	ID     string      `json:"id,omitempty"`
	Amount money.Money `json:"amount"`
	// Issued defaults to now; Due defaults to Issued.
	Issued    time.Time `json:"issued,omitzero"`
	Due       time.Time `json:"due,omitzero"`
	Recurring bool      `json:"recurring,omitempty"`
	// BillTo defaults to the account's party.
	BillTo    invoice.Party `json:"bill_to,omitzero"`
	Reason    string        `json:"reason,omitempty"`
	Reference string        `json:"reference,omitempty"`
	Comment   string        `json:"comment,omitempty"`
	// Labels are kept on the document for policies to read (see
	// invoice.Document.Labels and invoice.ValidateLabels).
	Labels map[string]string `json:"labels,omitempty"`
	// Rate is given with an Amount in another currency than the account's:
	// the rate the document is booked at, from Amount's currency to the
	// account's. The document is then held in its own currency (see the
	// package doc, "Documents in a foreign currency").
	Rate money.Rate `json:"rate,omitzero"`
}

// DebitResult is the issued debit and, on a prepaid account, the
// applications that paid it from open credit at once.
type DebitResult struct {
	Document     invoice.Document `json:"document"`
	Applications []Application    `json:"applications,omitempty"`
	Balances     Balances         `json:"balances"`
}

// IssueDebit issues an invoice or debit memo. On a prepaid account the open
// credit is applied to it at once by the ledger's policy (Ingram prepaid;
// Citrix "future charges are paid first out of this credit balance"); on a
// term account credit is used only when asked.
func (l *Ledger) IssueDebit(ctx context.Context, p Principal, key string, req DebitRequest) (DebitResult, error) {
	return run(l, ctx, p, key, req, issueDebit)
}

var issueDebit = &spec[DebitRequest, DebitResult]{
	method: "IssueDebit",
	entry: func(req DebitRequest) EntryKind {
		if req.Kind == invoice.DebitMemo {
			return DebitMemoIssued
		}
		return InvoiceIssued
	},
	check: func(l *Ledger, req *DebitRequest) error {
		if req.Kind != 0 && !req.Kind.IsDebit() {
			return fail(ErrInvalidRequest, "kind %s is not a debit", req.Kind)
		}
		if req.Kind == 0 {
			req.Kind = invoice.Invoice
		}
		return checkDebit(*req)
	},
	fingerprint: func(fp *encoder, req DebitRequest) {
		printDebit(fp, req)
		printLabels(fp, req.Labels)
	},
	load: func(t *txn, req DebitRequest) error { return t.loadForIssue(req.Account, req.ID) },
	authorize: func(t *txn, req DebitRequest) error {
		return t.seeIssue(ActIssue, req.Account, req.ID)
	},
	compute: func(t *txn, req DebitRequest) (DebitResult, error) {
		return t.issueDebit(req, note{Kind: t.op, Reference: req.Reference, Comment: req.Comment})
	},
}

// checkDebit checks what every debit request must hold.
func checkDebit(req DebitRequest) error {
	if err := checkRate(req.Amount, req.Rate); err != nil {
		return err
	}
	return req.issued().check()
}

func printDebit(fp *encoder, req DebitRequest) {
	req.issued().print(fp)
	fp.bool(req.Recurring)
	printRate(fp, req.Rate)
}

func (req DebitRequest) issued() issued {
	return issued{account: req.Account, id: req.ID, kind: req.Kind, billTo: req.BillTo, reason: req.Reason,
		reference: req.Reference, comment: req.Comment, amount: req.Amount, times: [2]time.Time{req.Issued, req.Due},
		labels: req.Labels}
}

// issued is what every request that issues a document gives.
type issued struct {
	account, id                string
	kind                       invoice.Kind
	billTo                     invoice.Party
	reason, reference, comment string
	amount                     money.Money
	times                      [2]time.Time // issued, and due or expires
	labels                     map[string]string
}

func (r issued) check() error {
	if err := checkID("account", r.account, true); err != nil {
		return err
	}
	if err := checkID("document id", r.id, false); err != nil {
		return err
	}
	if err := checkText(r.reason, r.reference, r.comment, r.billTo.Company, r.billTo.Person); err != nil {
		return err
	}
	if err := checkTimes(r.times[:]...); err != nil {
		return err
	}
	if err := invoice.ValidateLabels(r.labels); err != nil {
		return err
	}
	return positive("amount", r.amount)
}

// printLabels ends a fingerprint with the labels of a request, in key
// order, and writes nothing when there are none, so that a request without
// labels has the fingerprint it had before labels existed.
func printLabels(fp *encoder, labels map[string]string) {
	if len(labels) > 0 {
		fp.labels(labels)
	}
}

func (r issued) print(fp *encoder) {
	for _, s := range []string{r.account, r.kind.String(), r.id, r.billTo.Company, r.billTo.Person, r.reason, r.reference, r.comment} {
		fp.str(s)
	}
	fp.money(r.amount)
	fp.time(r.times[0])
	fp.time(r.times[1])
}

// loadForIssue reads the account a document is issued on, the id asked
// for (which must be free), and, on a prepaid account, its open documents
// for the credit used at once.
func (t *txn) loadForIssue(account string, ids ...string) error {
	if err := t.loadDocs(Query{Accounts: []string{account}, Documents: nonEmpty(ids...)}); err != nil {
		return err
	}
	if a, ok := t.accounts[account]; ok && a.Kind == Prepaid {
		return t.load(Query{OpenOf: []string{account}})
	}
	return nil
}

// seeIssue checks that the principal may do act on account, and that the
// id asked for is free.
func (t *txn) seeIssue(act Action, account, id string) error {
	if _, err := t.seeAccount(act, account); err != nil {
		return err
	}
	if _, exists := t.docs[id]; id != "" && exists {
		return docErr(id, fail(ErrAlreadyExists, "document %q already exists", id))
	}
	return nil
}

// PurchaseRequest charges a purchase to the account's credit line.
type PurchaseRequest struct {
	Account string `json:"account"`
	ID      string `json:"id,omitempty"`
	// Amount may be in another currency than the account's; Rate (from that
	// currency to the account's) then converts it, and the history records
	// the amount given, the rate and the converted amount.
	Amount    money.Money   `json:"amount"`
	Rate      money.Rate    `json:"rate,omitzero"`
	Issued    time.Time     `json:"issued,omitzero"`
	Due       time.Time     `json:"due,omitzero"`
	BillTo    invoice.Party `json:"bill_to,omitzero"`
	Reference string        `json:"reference,omitempty"` // the order number
	Comment   string        `json:"comment,omitempty"`
	// Labels are kept on the invoice (see DebitRequest.Labels).
	Labels map[string]string `json:"labels,omitempty"`
	// KeepCurrency holds an invoice in another currency than the
	// account's in its own currency, booked at Rate (see DebitRequest.Rate
	// and the package doc), instead of converting it once into the
	// account's. The credit limit is checked against the converted amount
	// either way.
	KeepCurrency bool `json:"keep_currency,omitempty"`
}

// Purchase issues an invoice charged to the credit line (Adobe Commerce:
// Purchased). It is refused with ErrCreditLimitExceeded when the available
// credit would fall below zero, unless the account allows exceeding.
func (l *Ledger) Purchase(ctx context.Context, p Principal, key string, req PurchaseRequest) (DebitResult, error) {
	return run(l, ctx, p, key, req, purchase)
}

var purchase = &spec[PurchaseRequest, DebitResult]{
	method: "Purchase",
	entry:  func(PurchaseRequest) EntryKind { return ChargedToCreditLine },
	check: func(l *Ledger, req *PurchaseRequest) error {
		return checkDebit(req.debit())
	},
	fingerprint: func(fp *encoder, req PurchaseRequest) {
		printDebit(fp, req.debit())
		fp.rate(req.Rate)
		printLabels(fp, req.Labels)
		if req.KeepCurrency {
			fp.bool(true) // only when set: the fingerprints of other requests stay as they were
		}
	},
	load: func(t *txn, req PurchaseRequest) error { return t.loadForIssue(req.Account, req.ID) },
	authorize: func(t *txn, req PurchaseRequest) error {
		return t.seeIssue(ActIssue, req.Account, req.ID)
	},
	compute: func(t *txn, req PurchaseRequest) (DebitResult, error) {
		dr := req.debit()
		a := t.accounts[req.Account]
		if err := t.usable(a.ID); err != nil {
			return DebitResult{}, err
		}
		n := note{Kind: ChargedToCreditLine, Reference: req.Reference, Comment: req.Comment}
		value := dr.Amount
		if req.Amount.Currency() != a.Currency {
			c, err := t.convertPurchase(req, a.Currency)
			if err != nil {
				return DebitResult{}, err
			}
			value = c.To
			if req.KeepCurrency {
				dr.Rate = req.Rate // held in its own currency; issueDebit books it
			} else {
				dr.Amount, n.Original, n.Rate, n.Residual = c.To, req.Amount, req.Rate, residual(c)
			}
		}
		if !a.AllowExceed {
			avail, err := a.Balances().Available.Sub(value)
			if err != nil {
				return DebitResult{}, err
			}
			if avail.IsNegative() {
				return DebitResult{}, acctErr(a.ID, fail(ErrCreditLimitExceeded,
					"purchase of %s exceeds the available credit %s", value, a.Balances().Available))
			}
		}
		return t.issueDebit(dr, n)
	},
}

func (req PurchaseRequest) debit() DebitRequest {
	return DebitRequest{Account: req.Account, Kind: invoice.Invoice, ID: req.ID, Amount: req.Amount,
		Issued: req.Issued, Due: req.Due, BillTo: req.BillTo, Reference: req.Reference, Comment: req.Comment,
		Labels: req.Labels}
}

// convertPurchase converts a purchase in another currency than the
// account's at the rate it gives.
func (t *txn) convertPurchase(req PurchaseRequest, to money.Currency) (money.Conversion, error) {
	from, rate := req.Amount.Currency(), req.Rate
	if !rate.IsValid() {
		return money.Conversion{}, fail(ErrCurrencyMismatch, "a %s purchase on a %s account needs a rate", from, to)
	}
	if rate.From() != from || rate.To() != to {
		return money.Conversion{}, fail(ErrCurrencyMismatch, "rate %s does not convert %s to %s", rate, from, to)
	}
	c, err := rate.Convert(req.Amount)
	if err != nil {
		return money.Conversion{}, err
	}
	if !c.To.IsPositive() {
		return money.Conversion{}, fail(ErrInvalidAmount, "%s converts to %s", req.Amount, c.To)
	}
	return c, nil
}

// issueDebit issues the debit of req, in the account's currency, records n
// for it and uses a prepaid account's credit on it.
func (t *txn) issueDebit(req DebitRequest, n note) (DebitResult, error) {
	a := t.accounts[req.Account]
	issued := orNow(req.Issued, t.now)
	due := req.Due
	if due.IsZero() {
		due = issued
	}
	billTo := req.BillTo
	if billTo.IsZero() {
		billTo = a.Party
	}
	id := req.ID
	if id == "" {
		id = t.l.newID()
	}
	doc := invoice.Document{ID: id, Account: a.ID, Kind: req.Kind, Amount: req.Amount, Open: req.Amount,
		Issued: issued, Due: stamp(due), Recurring: req.Recurring, Status: invoice.Open, BillTo: billTo,
		Reason: req.Reason, Reference: req.Reference, Labels: invoice.CloneLabels(req.Labels)}
	if err := foreignDoc(&doc, a, req.Rate, &n); err != nil {
		return DebitResult{}, err
	}
	d, err := t.issue(doc)
	if err != nil {
		return DebitResult{}, err
	}
	n.Document, n.Amount = id, d.Value()
	if n.Kind == BalancePaid || n.Kind == BalancePaymentEdited {
		n.Amount = req.Amount.Neg() // the history shows the signed amount the caller gave
	}
	if err := t.record(a.ID, n); err != nil {
		return DebitResult{}, err
	}
	apps, err := t.autoApply(a, []string{d.ID}, nil)
	if err != nil {
		return DebitResult{}, err
	}
	return DebitResult{Document: t.finalDoc(id), Applications: apps, Balances: t.final(a.ID).Balances()}, nil
}

// CreditRequest issues a credit document: a payment, a prepayment or
// deposit, a credit memo, or a credit with a reason.
type CreditRequest struct {
	Account string `json:"account"`
	// Kind is one of invoice.Payment (the default), invoice.Prepayment,
	// invoice.CreditMemo, invoice.CreditGrant. A Credit needs a Reason (Citrix:
	// "enter the amount and the reason").
	Kind    invoice.Kind `json:"kind,omitempty"`
	ID      string       `json:"id,omitempty"`
	Amount  money.Money  `json:"amount"`
	Issued  time.Time    `json:"issued,omitzero"`
	Expires time.Time    `json:"expires,omitzero"`
	// BillTo defaults to the account's party.
	BillTo    invoice.Party `json:"bill_to,omitzero"`
	Reason    string        `json:"reason,omitempty"`
	Reference string        `json:"reference,omitempty"`
	Comment   string        `json:"comment,omitempty"`
	// Against, for a credit memo, names a debit of the account that the memo
	// refunds in part or whole (Adobe Commerce: Refunded): the memo is
	// applied to it at once, and any excess stays open credit.
	Against string `json:"against,omitempty"`
	// Labels are kept on the document for policies to read, to scope and
	// rank credits (see invoice.Document.Labels and allocate.Priority).
	Labels map[string]string `json:"labels,omitempty"`
	// Rate is given with an Amount in another currency than the account's:
	// the rate the document is booked at (see DebitRequest.Rate).
	Rate money.Rate `json:"rate,omitzero"`
}

// CreditResult is the issued credit and the applications written with it
// (against a debit, or automatically on a prepaid account).
type CreditResult struct {
	Document     invoice.Document `json:"document"`
	Applications []Application    `json:"applications,omitempty"`
	Balances     Balances         `json:"balances"`
}

// IssueCredit issues a credit document. Recording a payment (Citrix: Record
// Payment) is IssueCredit with Kind Payment; a prepaid deposit is
// Prepayment; a credit memo from a cancellation or adjustment is CreditMemo;
// a credit with a reason (Citrix: Issue Credit) is Credit. On a prepaid
// account the new credit pays open debits at once.
func (l *Ledger) IssueCredit(ctx context.Context, p Principal, key string, req CreditRequest) (CreditResult, error) {
	return run(l, ctx, p, key, req, issueCredit)
}

var issueCredit = &spec[CreditRequest, CreditResult]{
	method: "IssueCredit",
	entry: func(req CreditRequest) EntryKind {
		switch {
		case req.Kind == invoice.CreditMemo && req.Against != "":
			return PurchaseCredited
		case req.Kind == invoice.CreditMemo:
			return CreditMemoIssued
		case req.Kind == invoice.Payment, req.Kind == invoice.Prepayment, req.Kind == 0:
			return PaymentReceived
		}
		return CreditIssued
	},
	check: func(l *Ledger, req *CreditRequest) error {
		if req.Kind == 0 {
			req.Kind = invoice.Payment
		}
		if !req.Kind.IsCredit() {
			return fail(ErrInvalidRequest, "kind %s is not a credit", req.Kind)
		}
		if req.Kind == invoice.CreditGrant && req.Reason == "" {
			return fail(ErrInvalidRequest, "a credit needs a reason")
		}
		if req.Against != "" && req.Kind != invoice.CreditMemo {
			return fail(ErrInvalidRequest, "only a credit memo can be issued against a debit")
		}
		return checkCredit(*req)
	},
	fingerprint: func(fp *encoder, req CreditRequest) {
		printCredit(fp, req)
		printLabels(fp, req.Labels)
	},
	load: func(t *txn, req CreditRequest) error { return t.loadForIssue(req.Account, req.ID, req.Against) },
	authorize: func(t *txn, req CreditRequest) error {
		if err := t.seeIssue(creditAction(req.Kind), req.Account, req.ID); err != nil {
			return err
		}
		if req.Against == "" {
			return nil
		}
		d, err := t.seeDoc(ActRead, req.Against)
		if err != nil {
			return err
		}
		if d.Account != req.Account {
			return docErr(d.ID, fail(ErrInvalidRequest, "%q is not a debit of account %q", d.ID, req.Account))
		}
		return nil
	},
	compute: func(t *txn, req CreditRequest) (CreditResult, error) {
		return t.issueCredit(req, note{Kind: t.op, Reference: req.Reference, Comment: req.Comment})
	},
}

// creditAction is the permission to issue a credit of kind k.
func creditAction(k invoice.Kind) Action {
	if k == invoice.Payment || k == invoice.Prepayment {
		return ActRecordPayment
	}
	return ActIssueCredit
}

// checkCredit checks what every credit request must hold.
func checkCredit(req CreditRequest) error {
	if err := checkID("against", req.Against, false); err != nil {
		return err
	}
	if err := checkRate(req.Amount, req.Rate); err != nil {
		return err
	}
	return req.issued().check()
}

func printCredit(fp *encoder, req CreditRequest) {
	req.issued().print(fp)
	fp.str(req.Against)
	printRate(fp, req.Rate)
}

func (req CreditRequest) issued() issued {
	return issued{account: req.Account, id: req.ID, kind: req.Kind, billTo: req.BillTo, reason: req.Reason,
		reference: req.Reference, comment: req.Comment, amount: req.Amount, times: [2]time.Time{req.Issued, req.Expires},
		labels: req.Labels}
}

// issueCredit issues the credit of req on its account, records n for it,
// applies it to the debit it is against, or else uses it at once on a
// prepaid account.
func (t *txn) issueCredit(req CreditRequest, n note) (CreditResult, error) {
	a := t.accounts[req.Account]
	var against *invoice.Document
	if req.Against != "" {
		against = t.docs[req.Against]
		if !against.IsDebit() {
			return CreditResult{}, docErr(req.Against, fail(ErrWrongKind, "%q is a document of kind %s, not a debit", req.Against, against.Kind))
		}
	}
	billTo := req.BillTo
	if billTo.IsZero() {
		billTo = a.Party
	}
	id := req.ID
	if id == "" {
		id = t.l.newID()
	}
	doc := invoice.Document{ID: id, Account: a.ID, Kind: req.Kind, Amount: req.Amount,
		Open: req.Amount, Issued: orNow(req.Issued, t.now), Expires: stamp(req.Expires), Status: invoice.Open,
		BillTo: billTo, Reason: req.Reason, Reference: req.Reference, Labels: invoice.CloneLabels(req.Labels)}
	if err := foreignDoc(&doc, a, req.Rate, &n); err != nil {
		return CreditResult{}, err
	}
	d, err := t.issue(doc)
	if err != nil {
		return CreditResult{}, err
	}
	var apps []Application
	if against != nil && against.Status == invoice.Open {
		amt, _ := req.Amount.Min(against.Open)
		app, err := t.link(id, against.ID, amt, "explicit")
		if err != nil {
			return CreditResult{}, err
		}
		apps = append(apps, app)
	}
	n.Document, n.Amount = id, d.Value()
	if err := t.record(a.ID, n); err != nil {
		return CreditResult{}, err
	}
	if against == nil {
		var err error
		if apps, err = t.autoApply(a, nil, []string{id}); err != nil {
			return CreditResult{}, err
		}
	}
	return CreditResult{Document: t.finalDoc(id), Applications: apps, Balances: t.final(a.ID).Balances()}, nil
}

// ReimburseRequest records an offline payment toward the account's balance
// (Adobe Commerce: Reimburse Balance). Amount may be positive (a payment) or
// negative (a correction, recorded as a debit memo); one custom reference
// number per reimbursement.
type ReimburseRequest struct {
	Account   string      `json:"account"`
	ID        string      `json:"id,omitempty"`
	Amount    money.Money `json:"amount"`
	Reference string      `json:"reference,omitempty"`
	Comment   string      `json:"comment,omitempty"`
}

// Reimburse records a reimbursement: a payment for a positive amount, a debit
// memo for a negative one, and a "balance_paid" history entry with the signed
// amount.
func (l *Ledger) Reimburse(ctx context.Context, p Principal, key string, req ReimburseRequest) (CreditResult, error) {
	return run(l, ctx, p, key, req, reimburse)
}

var reimburse = &spec[ReimburseRequest, CreditResult]{
	method: "Reimburse",
	entry:  func(ReimburseRequest) EntryKind { return BalancePaid },
	check: func(l *Ledger, req *ReimburseRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		if err := checkID("document id", req.ID, false); err != nil {
			return err
		}
		if err := checkText(req.Reference, req.Comment); err != nil {
			return err
		}
		return checkReimbursement(req.Amount)
	},
	fingerprint: func(fp *encoder, req ReimburseRequest) {
		fp.str(req.Account)
		fp.str(req.ID)
		fp.str(req.Reference)
		fp.str(req.Comment)
		fp.money(req.Amount)
	},
	load: func(t *txn, req ReimburseRequest) error { return t.loadForIssue(req.Account, req.ID) },
	authorize: func(t *txn, req ReimburseRequest) error {
		return t.seeIssue(ActRecordPayment, req.Account, req.ID)
	},
	compute: func(t *txn, req ReimburseRequest) (CreditResult, error) {
		return t.reimburse(req.Account, req.ID, req.Amount, "", note{Kind: BalancePaid, Reference: req.Reference, Comment: req.Comment})
	},
}

func checkReimbursement(amount money.Money) error {
	if !amount.IsValid() {
		return fail(ErrInvalidAmount, "amount is required")
	}
	if amount.IsZero() {
		return fail(ErrInvalidAmount, "a reimbursement of zero records nothing")
	}
	return nil
}

// reimburse issues a payment for a positive amount and a debit memo for a
// negative one; original names the reimbursement an edit amends.
func (t *txn) reimburse(account, id string, amount money.Money, original string, n note) (CreditResult, error) {
	var r CreditResult
	if amount.IsPositive() {
		var err error
		r, err = t.issueCredit(CreditRequest{Account: account, Kind: invoice.Payment, ID: id, Amount: amount,
			Reference: n.Reference, Comment: n.Comment, Reason: reasonOf(original)}, n)
		if err != nil {
			return CreditResult{}, err
		}
	} else {
		dr, err := t.issueDebit(DebitRequest{Account: account, Kind: invoice.DebitMemo, ID: id, Amount: amount.Neg(),
			Reference: n.Reference, Comment: n.Comment, Reason: reasonOf(original)}, n)
		if err != nil {
			return CreditResult{}, err
		}
		r = CreditResult(dr)
	}
	if original != "" {
		t.docs[r.Document.ID].Original = original
		r.Document = t.finalDoc(r.Document.ID)
	}
	return r, nil
}

func reasonOf(original string) string {
	if original == "" {
		return ""
	}
	return "edit of reimbursement " + original
}

// EditReimbursementRequest changes the amount of a reimbursement (Adobe
// Commerce: the Edit action of a Reimbursed row).
type EditReimbursementRequest struct {
	// Document is the reimbursement as first recorded.
	Document string `json:"document"`
	// Amount is the corrected signed amount of the whole reimbursement.
	Amount  money.Money `json:"amount"`
	Comment string      `json:"comment,omitempty"`
}

// EditReimbursement records the difference between the reimbursement's
// current amount (the original plus earlier edits) and the corrected one as a
// document of its own linked to the original (a further payment when raised,
// a debit memo when lowered) with its own history entry; the original is
// kept as it was.
func (l *Ledger) EditReimbursement(ctx context.Context, p Principal, key string, req EditReimbursementRequest) (CreditResult, error) {
	return run(l, ctx, p, key, req, editReimbursement)
}

var editReimbursement = &spec[EditReimbursementRequest, CreditResult]{
	method: "EditReimbursement",
	entry:  func(EditReimbursementRequest) EntryKind { return BalancePaymentEdited },
	check: func(l *Ledger, req *EditReimbursementRequest) error {
		if err := checkID("document", req.Document, true); err != nil {
			return err
		}
		if err := checkText(req.Comment); err != nil {
			return err
		}
		if !req.Amount.IsValid() {
			return fail(ErrInvalidAmount, "amount is required")
		}
		return nil
	},
	fingerprint: func(fp *encoder, req EditReimbursementRequest) {
		fp.str(req.Document)
		fp.str(req.Comment)
		fp.money(req.Amount)
	},
	load: func(t *txn, req EditReimbursementRequest) error {
		if err := t.loadDocs(Query{Documents: []string{req.Document}}); err != nil {
			return err
		}
		if d, ok := t.docs[req.Document]; ok {
			return t.loadForIssue(d.Account)
		}
		return nil
	},
	authorize: func(t *txn, req EditReimbursementRequest) error {
		_, err := t.seeDoc(ActRecordPayment, req.Document)
		return err
	},
	compute: func(t *txn, req EditReimbursementRequest) (CreditResult, error) {
		orig := t.docs[req.Document]
		if orig.Original != "" || (orig.Kind != invoice.Payment && orig.Kind != invoice.DebitMemo) {
			return CreditResult{}, docErr(orig.ID, fail(ErrWrongKind, "%q is not a reimbursement", orig.ID))
		}
		if a := t.accounts[orig.Account]; a.Currency != orig.Amount.Currency() {
			return CreditResult{}, docErr(orig.ID, fail(ErrBadState,
				"the account changed its currency from %s to %s after %q was recorded", orig.Amount.Currency(), a.Currency, orig.ID))
		}
		current, err := t.reimbursed(orig)
		if err != nil {
			return CreditResult{}, err
		}
		diff, err := req.Amount.Sub(current)
		if err != nil {
			return CreditResult{}, err
		}
		if err := checkReimbursement(diff); err != nil {
			return CreditResult{}, err
		}
		// The original takes a new version with every edit, so that two
		// edits at once conflict instead of both counting from one amount.
		t.touchDoc(orig.ID)
		return t.reimburse(orig.Account, "", diff, orig.ID, note{Kind: BalancePaymentEdited, Reference: orig.Reference, Comment: req.Comment})
	},
}

// reimbursed is a reimbursement's current signed amount: the original's
// and its edits'. The edits are listed through Store.Documents; that read
// is not part of the operation's snapshot, but a stale one cannot commit,
// as every edit writes a new version of the original (see
// EditReimbursement).
func (t *txn) reimbursed(orig *invoice.Document) (money.Money, error) {
	edits, err := t.l.store.Documents(t.ctx, t.ns, DocumentFilter{Account: orig.Account, Original: orig.ID})
	if err != nil {
		return money.Money{}, err
	}
	current := signed(*orig)
	for _, e := range edits {
		if e.Reason != reasonOf(orig.ID) {
			continue // a copy made by a currency change, not an edit
		}
		if current, err = current.Add(signed(e)); err != nil {
			return money.Money{}, err
		}
	}
	return current, nil
}

// autoApply uses a prepaid account's open credit on its open debits with the
// ledger's policy, partial cover allowed. debits or credits, when given,
// restrict one side to the new document.
func (t *txn) autoApply(a *Account, debits, credits []string) ([]Application, error) {
	if a.Kind != Prepaid || a.Hold != "" {
		return nil, nil // a held account's credit waits for the release
	}
	req := allocate.Request{Partial: true, AsOf: t.now}
	for _, d := range t.openDocs(a.ID) {
		switch {
		case d.IsDebit() && (debits == nil || slices.Contains(debits, d.ID)):
			req.Debits = append(req.Debits, *d)
		case d.IsCredit() && (credits == nil || slices.Contains(credits, d.ID)):
			req.Credits = append(req.Credits, *d)
		}
	}
	if len(req.Debits) == 0 || len(req.Credits) == 0 {
		return nil, nil
	}
	plan, err := t.planWith(t.l.policy, req)
	if err != nil || len(plan.Lines) == 0 {
		return nil, err
	}
	return t.writePlan(plan, policyName(t.l.policy, true), CreditApplied, "credit used automatically (prepaid account)")
}

// signed is a reimbursement document's amount with its direction: a payment
// counts up, a debit memo down.
func signed(d invoice.Document) money.Money {
	if d.IsDebit() {
		return d.Amount.Neg()
	}
	return d.Amount
}
