package credit

import (
	"context"

	"github.com/cockroachdb/apd/v3"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

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
	op := OpInvoiced
	if req.Kind == invoice.DebitMemo {
		op = OpDebitMemo
	}
	return write(l, ctx, p, op, key, req, func(t *txn) (DebitResult, error) {
		if req.Kind != 0 && !req.Kind.IsDebit() {
			return DebitResult{}, fail(ErrInvalidRequest, "kind %s is not a debit", req.Kind)
		}
		return t.issueDebit(req, note{Op: op, Reference: req.Reference, Comment: req.Comment}, money.Money{}, money.Rate{}, ActIssue)
	})
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
}

// Purchase issues an invoice charged to the credit line (Adobe Commerce:
// Purchased). It is refused with ErrCreditLimitExceeded when the available
// credit would fall below zero, unless the account allows exceeding.
func (l *Ledger) Purchase(ctx context.Context, p Principal, key string, req PurchaseRequest) (DebitResult, error) {
	return write(l, ctx, p, OpPurchased, key, req, func(t *txn) (DebitResult, error) {
		dr := DebitRequest{Account: req.Account, Kind: invoice.Invoice, ID: req.ID, Amount: req.Amount,
			Issued: req.Issued, Due: req.Due, BillTo: req.BillTo, Reference: req.Reference, Comment: req.Comment}
		return t.issueDebit(dr, note{Op: OpPurchased, Reference: req.Reference, Comment: req.Comment}, req.Amount, req.Rate, ActIssue)
	})
}

// issueDebit is the shared body of IssueDebit and Purchase. original and
// rate are set for a purchase, which may be converted and checks the limit.
func (t *txn) issueDebit(req DebitRequest, n note, original money.Money, rate money.Rate, act Action) (DebitResult, error) {
	purchase := n.Op == OpPurchased
	if err := checkID("account", req.Account, true); err != nil {
		return DebitResult{}, err
	}
	if err := checkID("document id", req.ID, false); err != nil {
		return DebitResult{}, err
	}
	if err := checkText(req.Reason, req.Reference, req.Comment, req.BillTo.Company, req.BillTo.Person); err != nil {
		return DebitResult{}, err
	}
	if !req.Amount.IsValid() {
		return DebitResult{}, fail(ErrInvalidAmount, "amount is required")
	}
	if !req.Amount.IsPositive() {
		return DebitResult{}, fail(ErrInvalidAmount, "amount %s is not positive", req.Amount)
	}
	if err := t.authorize(act, req.Account); err != nil {
		return DebitResult{}, err
	}
	q := Query{Accounts: []string{req.Account}, Documents: nonEmpty(req.ID)}
	if err := t.load(q); err != nil {
		return DebitResult{}, err
	}
	a, err := t.account(req.Account)
	if err != nil {
		return DebitResult{}, err
	}
	amount := req.Amount
	if purchase && amount.Currency() != a.Currency {
		if !rate.IsValid() {
			return DebitResult{}, fail(ErrCurrencyMismatch, "a %s purchase on a %s account needs a rate", amount.Currency(), a.Currency)
		}
		if rate.From() != amount.Currency() || rate.To() != a.Currency {
			return DebitResult{}, fail(ErrCurrencyMismatch, "rate %s does not convert %s to %s", rate, amount.Currency(), a.Currency)
		}
		c, err := rate.Convert(amount)
		if err != nil {
			return DebitResult{}, err
		}
		if !c.To.IsPositive() {
			return DebitResult{}, fail(ErrInvalidAmount, "%s converts to %s", amount, c.To)
		}
		amount, n.Original, n.Rate, n.Residual = c.To, original, rate, residual(c)
	} else if err := sameCurrency(amount, a.Currency); err != nil {
		return DebitResult{}, err
	}
	if purchase && !a.AllowExceed {
		avail, err := a.Balances().Available.Sub(amount)
		if err != nil {
			return DebitResult{}, err
		}
		if avail.IsNegative() {
			return DebitResult{}, &Error{Op: t.method, Account: a.ID, Err: fail(ErrCreditLimitExceeded,
				"purchase of %s exceeds the available credit %s", amount, a.Balances().Available)}
		}
	}
	kind := req.Kind
	if kind == 0 {
		kind = invoice.Invoice
	}
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
	d, err := t.issue(invoice.Document{ID: id, Account: a.ID, Kind: kind, Amount: amount, Open: amount,
		Issued: issued, Due: stamp(due), Recurring: req.Recurring, Status: invoice.Open, BillTo: billTo,
		Reason: req.Reason, Reference: req.Reference})
	if err != nil {
		return DebitResult{}, err
	}
	n.Document, n.Amount = id, amount
	if n.Op == OpReimbursed || n.Op == OpReimburseEdited {
		n.Amount = amount.Neg() // the history shows the signed amount the caller gave
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

// autoApply uses a prepaid account's open credit on its open debits with the
// ledger's policy, partial cover allowed. debits or credits, when given,
// restrict one side to the new document.
func (t *txn) autoApply(a *Account, debits, credits []string) ([]Application, error) {
	if a.Kind != Prepaid {
		return nil, nil
	}
	// Only a prepaid account needs its open documents: a term account's are
	// never read for an issue.
	if err := t.load(Query{OpenOf: []string{a.ID}}); err != nil {
		return nil, err
	}
	req := allocate.Request{Partial: true, AsOf: t.now}
	for _, d := range t.openDocs(a.ID) {
		switch {
		case d.IsDebit() && (debits == nil || containsStr(debits, d.ID)):
			req.Debits = append(req.Debits, *d)
		case d.IsCredit() && (credits == nil || containsStr(credits, d.ID)):
			req.Credits = append(req.Credits, *d)
		}
	}
	if len(req.Debits) == 0 || len(req.Credits) == 0 {
		return nil, nil
	}
	apps, err := t.plan(t.l.policy, req)
	if err != nil || len(apps) == 0 {
		return nil, err
	}
	total := money.Zero(a.Currency)
	for _, app := range apps {
		total, _ = total.Add(app.Amount)
	}
	return apps, t.record(a.ID, note{Op: OpApplied, Amount: total, Comment: "credit used automatically (prepaid account)"})
}

// openDocs returns the loaded open documents of an account, by (Issued, ID).
func (t *txn) openDocs(account string) []*invoice.Document {
	var out []*invoice.Document
	for _, d := range t.docs {
		if d.Account == account && d.Status == invoice.Open {
			out = append(out, d)
		}
	}
	sortDocs(out)
	return out
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// finalDoc returns the document as it will be stored.
func (t *txn) finalDoc(id string) invoice.Document {
	d := *t.docs[id]
	d.Version++
	return d
}

// CreditRequest issues a credit document: a payment, a prepayment or
// deposit, a credit memo, or a credit with a reason.
type CreditRequest struct {
	Account string `json:"account"`
	// Kind is one of invoice.Payment (the default), invoice.Prepayment,
	// invoice.CreditMemo, invoice.Credit. A Credit needs a Reason (Citrix:
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
	kind := req.Kind
	if kind == 0 {
		kind = invoice.Payment
	}
	op := map[invoice.Kind]Operation{invoice.Payment: OpPaymentRecorded, invoice.Prepayment: OpPaymentRecorded,
		invoice.CreditMemo: OpCreditMemo, invoice.Credit: OpCreditIssued}[kind]
	if kind == invoice.CreditMemo && req.Against != "" {
		op = OpRefunded
	}
	if op == "" {
		op = OpCreditIssued
	}
	return write(l, ctx, p, op, key, req, func(t *txn) (CreditResult, error) {
		if !kind.IsCredit() {
			return CreditResult{}, fail(ErrInvalidRequest, "kind %s is not a credit", kind)
		}
		if kind == invoice.Credit && req.Reason == "" {
			return CreditResult{}, fail(ErrInvalidRequest, "a credit needs a reason")
		}
		if req.Against != "" && kind != invoice.CreditMemo {
			return CreditResult{}, fail(ErrInvalidRequest, "only a credit memo can be issued against a debit")
		}
		act := ActIssueCredit
		if kind == invoice.Payment || kind == invoice.Prepayment {
			act = ActRecordPayment
		}
		req.Kind = kind
		return t.issueCredit(req, note{Op: op, Reference: req.Reference, Comment: req.Comment}, act)
	})
}

func (t *txn) issueCredit(req CreditRequest, n note, act Action) (CreditResult, error) {
	if err := checkID("account", req.Account, true); err != nil {
		return CreditResult{}, err
	}
	if err := checkID("document id", req.ID, false); err != nil {
		return CreditResult{}, err
	}
	if err := checkID("against", req.Against, false); err != nil {
		return CreditResult{}, err
	}
	if err := checkText(req.Reason, req.Reference, req.Comment, req.BillTo.Company, req.BillTo.Person); err != nil {
		return CreditResult{}, err
	}
	if !req.Amount.IsValid() {
		return CreditResult{}, fail(ErrInvalidAmount, "amount is required")
	}
	if !req.Amount.IsPositive() {
		return CreditResult{}, fail(ErrInvalidAmount, "amount %s is not positive", req.Amount)
	}
	if err := t.authorize(act, req.Account); err != nil {
		return CreditResult{}, err
	}
	q := Query{Accounts: []string{req.Account}, Documents: nonEmpty(req.ID, req.Against)}
	if err := t.load(q); err != nil {
		return CreditResult{}, err
	}
	a, err := t.account(req.Account)
	if err != nil {
		return CreditResult{}, err
	}
	if err := sameCurrency(req.Amount, a.Currency); err != nil {
		return CreditResult{}, err
	}
	var against *invoice.Document
	if req.Against != "" {
		if against, err = t.doc(req.Against); err != nil {
			return CreditResult{}, err
		}
		if !against.IsDebit() || against.Account != a.ID {
			return CreditResult{}, &Error{Op: t.method, Document: req.Against, Err: fail(ErrInvalidRequest, "%q is not a debit of account %q", req.Against, a.ID)}
		}
	}
	issued := orNow(req.Issued, t.now)
	billTo := req.BillTo
	if billTo.IsZero() {
		billTo = a.Party
	}
	id := req.ID
	if id == "" {
		id = t.l.newID()
	}
	if _, err := t.issue(invoice.Document{ID: id, Account: a.ID, Kind: req.Kind, Amount: req.Amount,
		Open: req.Amount, Issued: issued, Expires: stamp(req.Expires), Status: invoice.Open, BillTo: billTo,
		Reason: req.Reason, Reference: req.Reference}); err != nil {
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
	n.Document, n.Amount = id, req.Amount
	if err := t.record(a.ID, n); err != nil {
		return CreditResult{}, err
	}
	if against == nil {
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
// memo for a negative one, and a "reimbursed" history entry with the signed
// amount.
func (l *Ledger) Reimburse(ctx context.Context, p Principal, key string, req ReimburseRequest) (CreditResult, error) {
	return write(l, ctx, p, OpReimbursed, key, req, func(t *txn) (CreditResult, error) {
		return t.reimburse(req.Account, req.ID, req.Amount, "", note{Op: OpReimbursed, Reference: req.Reference, Comment: req.Comment})
	})
}

func (t *txn) reimburse(account, id string, amount money.Money, original string, n note) (CreditResult, error) {
	if !amount.IsValid() {
		return CreditResult{}, fail(ErrInvalidAmount, "amount is required")
	}
	if amount.IsZero() {
		return CreditResult{}, fail(ErrInvalidAmount, "a reimbursement of zero records nothing")
	}
	if amount.IsPositive() {
		r, err := t.issueCredit(CreditRequest{Account: account, Kind: invoice.Payment, ID: id, Amount: amount,
			Reference: n.Reference, Comment: n.Comment, Reason: reasonOf(original)}, n, ActRecordPayment)
		if err != nil || original == "" {
			return r, err
		}
		return r, t.setOriginal(r.Document.ID, original, &r.Document)
	}
	dr, err := t.issueDebit(DebitRequest{Account: account, Kind: invoice.DebitMemo, ID: id, Amount: amount.Neg(),
		Reference: n.Reference, Comment: n.Comment, Reason: reasonOf(original)}, n, money.Money{}, money.Rate{}, ActRecordPayment)
	if err != nil {
		return CreditResult{}, err
	}
	r := CreditResult{Document: dr.Document, Applications: dr.Applications, Balances: dr.Balances}
	if original != "" {
		return r, t.setOriginal(r.Document.ID, original, &r.Document)
	}
	return r, nil
}

func reasonOf(original string) string {
	if original == "" {
		return ""
	}
	return "edit of reimbursement " + original
}

func (t *txn) setOriginal(id, original string, out *invoice.Document) error {
	t.docs[id].Original = original
	*out = t.finalDoc(id)
	return nil
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
	return write(l, ctx, p, OpReimburseEdited, key, req, func(t *txn) (CreditResult, error) {
		if err := checkID("document", req.Document, true); err != nil {
			return CreditResult{}, err
		}
		if !req.Amount.IsValid() {
			return CreditResult{}, fail(ErrInvalidAmount, "amount is required")
		}
		if err := t.load(Query{Documents: []string{req.Document}, DocumentAccounts: true}); err != nil {
			return CreditResult{}, err
		}
		orig, err := t.doc(req.Document)
		if err != nil {
			return CreditResult{}, err
		}
		if orig.Original != "" || (orig.Kind != invoice.Payment && orig.Kind != invoice.DebitMemo) {
			return CreditResult{}, &Error{Op: t.method, Document: orig.ID, Err: fail(ErrInvalidRequest, "%q is not a reimbursement", orig.ID)}
		}
		if err := t.load(Query{Accounts: []string{orig.Account}}); err != nil {
			return CreditResult{}, err
		}
		if a, err := t.account(orig.Account); err != nil {
			return CreditResult{}, err
		} else if a.Currency != orig.Amount.Currency() {
			return CreditResult{}, &Error{Op: t.method, Document: orig.ID, Err: fail(ErrBadState,
				"the account changed its currency from %s to %s after %q was recorded", orig.Amount.Currency(), a.Currency, orig.ID)}
		}
		edits, err := t.l.store.Documents(t.ctx, t.ns, DocumentFilter{Account: orig.Account, Original: orig.ID})
		if err != nil {
			return CreditResult{}, err
		}
		current := signed(*orig)
		for _, e := range edits {
			if e.Reason != reasonOf(orig.ID) {
				continue // a copy made by a currency change, not an edit
			}
			if current, err = current.Add(signed(e)); err != nil {
				return CreditResult{}, err
			}
		}
		diff, err := req.Amount.Sub(current)
		if err != nil {
			return CreditResult{}, err
		}
		return t.reimburse(orig.Account, "", diff, orig.ID, note{Op: OpReimburseEdited, Reference: orig.Reference, Comment: req.Comment})
	})
}

// signed is a reimbursement document's amount with its direction: a payment
// counts up, a debit memo down.
func signed(d invoice.Document) money.Money {
	if d.IsDebit() {
		return d.Amount.Neg()
	}
	return d.Amount
}

// residual is a conversion's rounding difference as plain text, trailing
// zeros dropped ("-0.001072", "0").
func residual(c money.Conversion) string {
	var r apd.Decimal
	r.Reduce(&c.Residual)
	return r.Text('f')
}
