package credit

import (
	"context"
	"slices"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// UnapplyRequest reverses applications: one (Application), or all of one
// operation's (Operation). With Operation and Credit, only that credit is
// removed and the operation's other credits are planned again, with the
// same policy, up to the total the operation first applied (iMIS: removing
// one credit recalculates the others "in the order listed until the cart
// total is met").
type UnapplyRequest struct {
	Application string `json:"application,omitempty"`
	Operation   string `json:"operation,omitempty"`
	Credit      string `json:"credit,omitempty"`
	// Policy re-plans after removing Credit; by default the policy recorded
	// on the applications, if the ledger knows it by name, else the default.
	Policy  allocate.Policy `json:"-"`
	Comment string          `json:"comment,omitempty"`
}

// UnapplyResult lists the reversals written and, after a recalculation, the
// new applications.
type UnapplyResult struct {
	Operation    string        `json:"operation"`
	Reversals    []Application `json:"reversals"`
	Applications []Application `json:"applications,omitempty"`
}

// Unapply reverses applications. Reversals are new records that name the
// application they undo; nothing is deleted. Both documents get the amount
// back: the debit reopens and the credit is open again.
func (l *Ledger) Unapply(ctx context.Context, p Principal, key string, req UnapplyRequest) (UnapplyResult, error) {
	return write(l, ctx, p, OpUnapplied, key, req, func(t *txn) (UnapplyResult, error) {
		if (req.Application == "") == (req.Operation == "") {
			return UnapplyResult{}, fail(ErrInvalidRequest, "name either an application or an operation")
		}
		if req.Credit != "" && req.Operation == "" {
			return UnapplyResult{}, fail(ErrInvalidRequest, "removing one credit needs the operation it was applied by")
		}
		for _, id := range []string{req.Application, req.Operation, req.Credit} {
			if err := checkID("id", id, false); err != nil {
				return UnapplyResult{}, err
			}
		}
		if err := checkText(req.Comment); err != nil {
			return UnapplyResult{}, err
		}
		if err := t.load(Query{Applications: nonEmpty(req.Application), Operation: req.Operation}); err != nil {
			return UnapplyResult{}, err
		}
		var targets []Application
		for _, id := range t.appOrder {
			a := t.apps[id]
			if a.Reverses == "" && (a.ID == req.Application || (req.Operation != "" && a.Operation == req.Operation)) {
				targets = append(targets, a)
			}
		}
		if len(targets) == 0 {
			return UnapplyResult{}, fail(ErrNotFound, "no applications to reverse (application %q, operation %q)", req.Application, req.Operation)
		}
		// Load both documents of each application, all their applications
		// (to see which are already reversed) and their accounts.
		var docs []string
		for _, a := range targets {
			docs = append(docs, a.Credit, a.Debit)
		}
		if err := t.load(Query{Documents: docs, ApplicationsOf: docs, DocumentAccounts: true}); err != nil {
			return UnapplyResult{}, err
		}
		var ds []*invoice.Document
		for _, id := range docs {
			d, err := t.doc(id)
			if err != nil {
				return UnapplyResult{}, err
			}
			ds = append(ds, d)
		}
		if err := t.loadAccountsOf(ds); err != nil {
			return UnapplyResult{}, err
		}
		for _, d := range ds {
			if err := t.authorize(ActUnlink, d.Account); err != nil {
				return UnapplyResult{}, err
			}
		}
		isActive := func(a Application) bool {
			return slices.ContainsFunc(t.active(a.Credit), func(x Application) bool { return x.ID == a.ID })
		}
		res := UnapplyResult{Operation: t.opID}
		var remaining []Application // the operation's other applications, for a recalculation
		for _, a := range targets {
			if !isActive(a) {
				continue // already reversed: reversing again changes nothing
			}
			if req.Credit != "" && a.Credit != req.Credit {
				remaining = append(remaining, a)
			}
			rev, err := t.unlink(a)
			if err != nil {
				return UnapplyResult{}, err
			}
			res.Reversals = append(res.Reversals, rev)
		}
		if len(res.Reversals) == 0 {
			return UnapplyResult{}, fail(ErrBadState, "the applications are already reversed")
		}
		if req.Credit != "" {
			apps, err := t.recalculate(targets, remaining, req)
			if err != nil {
				return UnapplyResult{}, err
			}
			res.Applications = apps
		}
		if err := t.recordReversals(res.Reversals, OpUnapplied, req.Comment, ""); err != nil {
			return UnapplyResult{}, err
		}
		if len(res.Applications) > 0 {
			if err := t.recordApplied(res.Applications, req.Comment); err != nil {
				return UnapplyResult{}, err
			}
		}
		return res, nil
	})
}

// recalculate re-plans the operation's remaining credits on its debits, up
// to the total it first applied.
func (t *txn) recalculate(targets, remaining []Application, req UnapplyRequest) ([]Application, error) {
	var total money.Money
	var debitIDs, creditIDs []string
	for _, a := range targets {
		if !total.IsValid() {
			total = a.Amount
		} else if s, err := total.Add(a.Amount); err == nil {
			total = s
		}
		if !slices.Contains(debitIDs, a.Debit) {
			debitIDs = append(debitIDs, a.Debit)
		}
	}
	for _, a := range remaining {
		if !slices.Contains(creditIDs, a.Credit) {
			creditIDs = append(creditIDs, a.Credit)
		}
	}
	if len(creditIDs) == 0 {
		return nil, nil
	}
	pol := req.Policy
	if pol == nil {
		pol = t.l.policies[targets[0].Policy]
	}
	if pol == nil {
		pol = t.l.policy
	}
	ar := allocate.Request{Partial: true, AsOf: t.now}
	owed := money.Zero(total.Currency())
	for _, id := range debitIDs {
		ar.Debits = append(ar.Debits, *t.docs[id])
		owed, _ = owed.Add(t.docs[id].Open)
	}
	for _, id := range creditIDs {
		ar.Credits = append(ar.Credits, *t.docs[id])
	}
	if c, _ := total.Cmp(owed); c < 0 {
		ar.Cap = total
	}
	return t.plan(pol, ar)
}

// recordReversals writes one entry per account that reversals touched.
func (t *txn) recordReversals(revs []Application, op Operation, comment, ref string) error {
	return t.recordPerAccount(revs, op, comment, ref)
}

func (t *txn) recordApplied(apps []Application, comment string) error {
	return t.recordPerAccount(apps, OpApplied, comment, "")
}

func (t *txn) recordPerAccount(apps []Application, op Operation, comment, ref string) error {
	totals := map[string]money.Money{}
	var order []string
	add := func(acct string, m money.Money) {
		if s, ok := totals[acct]; ok {
			totals[acct], _ = s.Add(m)
			return
		}
		totals[acct] = m
		order = append(order, acct)
	}
	for _, a := range apps {
		add(a.CreditAccount, a.Amount)
		if a.DebitAccount != a.CreditAccount {
			add(a.DebitAccount, a.Amount)
		}
	}
	for _, acct := range order {
		if err := t.record(acct, note{Op: op, Amount: totals[acct], Comment: comment, Reference: ref}); err != nil {
			return err
		}
	}
	return nil
}

// AdjustRequest lowers the amount of a debit (iMIS: a paid invoice adjusted;
// Adobe: an order cancelled in part). Amount is the new amount, below the
// current one; zero voids the debit.
type AdjustRequest struct {
	Debit   string      `json:"debit"`
	Amount  money.Money `json:"amount"`
	Reason  string      `json:"reason,omitempty"`
	Comment string      `json:"comment,omitempty"`
}

// AdjustResult lists what an adjustment or void reversed and the debit as it
// now stands.
type AdjustResult struct {
	Document     invoice.Document `json:"document"`
	Reversals    []Application    `json:"reversals,omitempty"`
	Applications []Application    `json:"applications,omitempty"`
	Removed      money.Money      `json:"removed"`
}

// Adjust lowers a debit to a new amount. What was paid beyond the new amount
// returns as open credit by reversing the debit's applications newest first
// (keeping part of one if needed), so each credit gets its own balance back.
// The outstanding balance rises by the amount taken off.
func (l *Ledger) Adjust(ctx context.Context, p Principal, key string, req AdjustRequest) (AdjustResult, error) {
	return write(l, ctx, p, OpAdjusted, key, req, func(t *txn) (AdjustResult, error) {
		if !req.Amount.IsValid() {
			return AdjustResult{}, fail(ErrInvalidAmount, "the new amount is required (zero voids)")
		}
		return t.adjust(req)
	})
}

// Void voids a debit (Adobe: Reverted, the order cancelled): every
// application on it is reversed, its credits reopen, and its open balance is
// removed.
func (l *Ledger) Void(ctx context.Context, p Principal, key string, debit, reason string) (AdjustResult, error) {
	req := AdjustRequest{Debit: debit, Reason: reason}
	return write(l, ctx, p, OpReverted, key, req, func(t *txn) (AdjustResult, error) {
		return t.adjust(req)
	})
}

func (t *txn) adjust(req AdjustRequest) (AdjustResult, error) {
	if err := checkID("debit", req.Debit, true); err != nil {
		return AdjustResult{}, err
	}
	if err := checkText(req.Reason, req.Comment); err != nil {
		return AdjustResult{}, err
	}
	if err := t.load(Query{Documents: []string{req.Debit}, ApplicationsOf: []string{req.Debit}, DocumentAccounts: true}); err != nil {
		return AdjustResult{}, err
	}
	d, err := t.doc(req.Debit)
	if err != nil {
		return AdjustResult{}, err
	}
	if !d.IsDebit() {
		return AdjustResult{}, &Error{Op: t.method, Document: d.ID, Err: fail(ErrInvalidRequest, "%q is a %s, not a debit", d.ID, d.Kind)}
	}
	if d.Status == invoice.Void {
		return AdjustResult{}, &Error{Op: t.method, Document: d.ID, Err: fail(ErrBadState, "%q is void", d.ID)}
	}
	active := t.active(d.ID)
	docs := []*invoice.Document{d}
	var credits []string
	for _, a := range active {
		credits = append(credits, a.Credit)
	}
	if len(credits) > 0 {
		if err := t.load(Query{Documents: credits, DocumentAccounts: true}); err != nil {
			return AdjustResult{}, err
		}
		for _, id := range credits {
			c, err := t.doc(id)
			if err != nil {
				return AdjustResult{}, err
			}
			docs = append(docs, c)
		}
	}
	if err := t.loadAccountsOf(docs); err != nil {
		return AdjustResult{}, err
	}
	if err := t.authorize(ActAdjust, d.Account); err != nil {
		return AdjustResult{}, err
	}
	newAmount := req.Amount
	if !newAmount.IsValid() {
		newAmount = money.Zero(d.Amount.Currency())
	}
	if newAmount.Currency() != d.Amount.Currency() {
		return AdjustResult{}, fail(ErrCurrencyMismatch, "%s amount for a %s debit", newAmount.Currency(), d.Amount.Currency())
	}
	if newAmount.IsNegative() {
		return AdjustResult{}, fail(ErrInvalidAmount, "new amount %s is negative", newAmount)
	}
	current := d.Open
	for _, a := range active {
		current, _ = current.Add(a.Amount)
	}
	cut, err := current.Sub(newAmount)
	if err != nil {
		return AdjustResult{}, err
	}
	if !cut.IsPositive() {
		return AdjustResult{}, fail(ErrInvalidAmount, "new amount %s is not below the current amount %s", newAmount, current)
	}
	res := AdjustResult{Removed: cut}
	// What the open balance cannot absorb is un-paid, newest application first.
	unpay, _ := cut.Sub(d.Open)
	for i := len(active) - 1; i >= 0 && unpay.IsPositive(); i-- {
		a := active[i]
		rev, err := t.unlink(a)
		if err != nil {
			return AdjustResult{}, err
		}
		res.Reversals = append(res.Reversals, rev)
		if keep, _ := a.Amount.Sub(unpay); keep.IsPositive() {
			app, err := t.link(a.Credit, a.Debit, keep, a.Policy)
			if err != nil {
				return AdjustResult{}, err
			}
			res.Applications = append(res.Applications, app)
		}
		unpay, _ = unpay.Sub(a.Amount)
	}
	end := invoice.Paid
	if newAmount.IsZero() {
		end = invoice.Void
	}
	if err := t.take(d.ID, cut, end); err != nil {
		return AdjustResult{}, err
	}
	// Credit accounts other than the debit's get an "unapplied" entry; the
	// debit's account gets the adjustment (with any credit it got back).
	var others []Application
	for _, r := range res.Reversals {
		if r.CreditAccount != d.Account {
			others = append(others, r)
		}
	}
	for _, r := range others {
		if err := t.record(r.CreditAccount, note{Op: OpUnapplied, Document: r.Credit, Amount: r.Amount, Comment: req.Comment}); err != nil {
			return AdjustResult{}, err
		}
	}
	comment := req.Comment
	if comment == "" {
		comment = req.Reason
	}
	if err := t.record(d.Account, note{Op: t.op, Document: d.ID, Amount: cut, Comment: comment}); err != nil {
		return AdjustResult{}, err
	}
	res.Document = t.finalDoc(d.ID)
	return res, nil
}

// RefundRequest pays open credit back to the customer (iMIS: a refund
// removes the open credit). Give either Amount, at most the open balance (to
// give back money already applied, reverse the payment), or All for the
// whole open balance; a missing amount is an error, never "everything".
type RefundRequest struct {
	Credit    string      `json:"credit"`
	Amount    money.Money `json:"amount,omitzero"`
	All       bool        `json:"all,omitempty"`
	Reference string      `json:"reference,omitempty"`
	Comment   string      `json:"comment,omitempty"`
}

// Refund takes open credit out to the customer; the outstanding balance
// falls by the amount. A credit refunded in full ends Refunded.
func (l *Ledger) Refund(ctx context.Context, p Principal, key string, req RefundRequest) (invoice.Document, error) {
	return write(l, ctx, p, OpPaidOut, key, req, func(t *txn) (invoice.Document, error) {
		if err := checkID("credit", req.Credit, true); err != nil {
			return invoice.Document{}, err
		}
		if err := checkText(req.Reference, req.Comment); err != nil {
			return invoice.Document{}, err
		}
		if err := wholeOrPart(req.Amount, req.All); err != nil {
			return invoice.Document{}, err
		}
		c, err := t.openCredit(req.Credit)
		if err != nil {
			return invoice.Document{}, err
		}
		if err := t.authorize(ActRefund, c.Account); err != nil {
			return invoice.Document{}, err
		}
		amt, err := t.upToOpen(c, req.Amount)
		if err != nil {
			return invoice.Document{}, err
		}
		if err := t.take(c.ID, amt, invoice.Refunded); err != nil {
			return invoice.Document{}, err
		}
		if err := t.record(c.Account, note{Op: OpPaidOut, Document: c.ID, Amount: amt, Reference: req.Reference, Comment: req.Comment}); err != nil {
			return invoice.Document{}, err
		}
		return t.finalDoc(c.ID), nil
	})
}

// openCredit loads a credit document and its account, and checks it is open.
func (t *txn) openCredit(id string) (*invoice.Document, error) {
	if err := t.load(Query{Documents: []string{id}, DocumentAccounts: true}); err != nil {
		return nil, err
	}
	c, err := t.doc(id)
	if err != nil {
		return nil, err
	}
	if !c.IsCredit() {
		return nil, &Error{Op: t.method, Document: id, Err: fail(ErrInvalidRequest, "%q is a %s, not a credit", id, c.Kind)}
	}
	if err := t.loadAccountsOf([]*invoice.Document{c}); err != nil {
		return nil, err
	}
	if c.Status != invoice.Open {
		return nil, &Error{Op: t.method, Document: id, Err: fail(ErrInsufficientCredit, "%q is %s with no open credit", id, c.Status)}
	}
	if c.ExpiredAt(t.now) {
		return nil, &Error{Op: t.method, Document: id, Err: fail(ErrBadState, "%q expired on %s", id, c.Expires.Format("2006-01-02"))}
	}
	return c, nil
}

// wholeOrPart checks that a request names exactly one of a positive amount
// and "all of it", so that a forgotten amount is never read as everything.
func wholeOrPart(amt money.Money, all bool) error {
	switch {
	case all && amt.IsValid():
		return fail(ErrInvalidRequest, "give an amount or all, not both")
	case all:
		return nil
	case !amt.IsValid():
		return fail(ErrInvalidAmount, "amount is required (or all)")
	case !amt.IsPositive():
		return fail(ErrInvalidAmount, "amount %s is not positive", amt)
	}
	return nil
}

// upToOpen checks a requested amount against a credit's open balance; the
// zero Money means all of it.
func (t *txn) upToOpen(c *invoice.Document, amt money.Money) (money.Money, error) {
	if !amt.IsValid() {
		return c.Open, nil
	}
	cmp, err := amt.Cmp(c.Open)
	if err != nil {
		return money.Money{}, err
	}
	if cmp > 0 {
		return money.Money{}, &Error{Op: t.method, Document: c.ID, Err: fail(ErrInsufficientCredit, "%s is more than the open %s", amt, c.Open)}
	}
	return amt, nil
}

// ReverseRequest charges back (a retail card payment returned through the
// gateway) or cancels (a corporate payment) a payment.
type ReverseRequest struct {
	Payment    string `json:"payment"`
	ChargeBack bool   `json:"charge_back,omitempty"`
	Reference  string `json:"reference,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

// ReverseResult lists the reversed applications and the payment as it ends.
type ReverseResult struct {
	Document  invoice.Document `json:"document"`
	Reversals []Application    `json:"reversals,omitempty"`
	Removed   money.Money      `json:"removed"`
}

// ReversePayment reverses a payment (Citrix: charge back, cancel payment;
// iMIS: payment reversed): its applications are reversed so the debits it
// paid reopen, and its whole open balance is removed. The outstanding
// balance falls by what the payment still counted for.
func (l *Ledger) ReversePayment(ctx context.Context, p Principal, key string, req ReverseRequest) (ReverseResult, error) {
	op := OpPaymentCancelled
	if req.ChargeBack {
		op = OpChargedBack
	}
	return write(l, ctx, p, op, key, req, func(t *txn) (ReverseResult, error) {
		if err := checkID("payment", req.Payment, true); err != nil {
			return ReverseResult{}, err
		}
		if err := checkText(req.Reference, req.Comment); err != nil {
			return ReverseResult{}, err
		}
		if err := t.load(Query{Documents: []string{req.Payment}, ApplicationsOf: []string{req.Payment}, DocumentAccounts: true}); err != nil {
			return ReverseResult{}, err
		}
		pay, err := t.doc(req.Payment)
		if err != nil {
			return ReverseResult{}, err
		}
		if pay.Kind != invoice.Payment && pay.Kind != invoice.Prepayment {
			return ReverseResult{}, &Error{Op: t.method, Document: pay.ID, Err: fail(ErrInvalidRequest, "%q is a %s, not a payment", pay.ID, pay.Kind)}
		}
		active := t.active(pay.ID)
		docs := []*invoice.Document{pay}
		var debits []string
		for _, a := range active {
			debits = append(debits, a.Debit)
		}
		if len(debits) > 0 {
			if err := t.load(Query{Documents: debits, DocumentAccounts: true}); err != nil {
				return ReverseResult{}, err
			}
			for _, id := range debits {
				d, err := t.doc(id)
				if err != nil {
					return ReverseResult{}, err
				}
				docs = append(docs, d)
			}
		}
		if err := t.loadAccountsOf(docs); err != nil {
			return ReverseResult{}, err
		}
		if err := t.authorize(ActReverse, pay.Account); err != nil {
			return ReverseResult{}, err
		}
		if len(active) == 0 && pay.Status != invoice.Open {
			return ReverseResult{}, &Error{Op: t.method, Document: pay.ID, Err: fail(ErrBadState, "%q is %s with nothing to reverse", pay.ID, pay.Status)}
		}
		res := ReverseResult{}
		for i := len(active) - 1; i >= 0; i-- {
			rev, err := t.unlink(active[i])
			if err != nil {
				return ReverseResult{}, err
			}
			res.Reversals = append(res.Reversals, rev)
		}
		res.Removed = pay.Open
		if err := t.take(pay.ID, pay.Open, invoice.Reversed); err != nil {
			return ReverseResult{}, err
		}
		for _, r := range res.Reversals {
			if r.DebitAccount != pay.Account {
				if err := t.record(r.DebitAccount, note{Op: OpUnapplied, Document: r.Debit, Amount: r.Amount, Comment: req.Comment}); err != nil {
					return ReverseResult{}, err
				}
			}
		}
		if err := t.record(pay.Account, note{Op: op, Document: pay.ID, Amount: res.Removed, Reference: req.Reference, Comment: req.Comment}); err != nil {
			return ReverseResult{}, err
		}
		res.Document = t.finalDoc(pay.ID)
		return res, nil
	})
}

// TransferRequest moves open credit to another account of the same
// namespace and currency (iMIS: a staff user applies one contact's credit to
// another's registration). Give either Amount or All (the whole open balance).
type TransferRequest struct {
	Credit  string      `json:"credit"`
	To      string      `json:"to"`
	Amount  money.Money `json:"amount,omitzero"`
	All     bool        `json:"all,omitempty"`
	Comment string      `json:"comment,omitempty"`
}

// TransferResult is the source credit as it ends and the new credit on the
// receiving account.
type TransferResult struct {
	From invoice.Document `json:"from"`
	To   invoice.Document `json:"to"`
}

// Transfer moves open credit to another account: the source credit gives up
// the amount (closing when nothing is left) and a credit for it is issued on
// the receiving account, naming the source as Original; both histories
// record it.
func (l *Ledger) Transfer(ctx context.Context, p Principal, key string, req TransferRequest) (TransferResult, error) {
	return write(l, ctx, p, OpTransferredOut, key, req, func(t *txn) (TransferResult, error) {
		if err := checkID("credit", req.Credit, true); err != nil {
			return TransferResult{}, err
		}
		if err := checkID("account", req.To, true); err != nil {
			return TransferResult{}, err
		}
		if err := checkText(req.Comment); err != nil {
			return TransferResult{}, err
		}
		if err := wholeOrPart(req.Amount, req.All); err != nil {
			return TransferResult{}, err
		}
		if err := t.load(Query{Accounts: []string{req.To}}); err != nil {
			return TransferResult{}, err
		}
		c, err := t.openCredit(req.Credit)
		if err != nil {
			return TransferResult{}, err
		}
		to, err := t.account(req.To)
		if err != nil {
			return TransferResult{}, err
		}
		if to.ID == c.Account {
			return TransferResult{}, fail(ErrInvalidRequest, "credit %q is already on account %q", c.ID, to.ID)
		}
		if to.Currency != c.Open.Currency() {
			return TransferResult{}, fail(ErrCurrencyMismatch, "%s credit to a %s account", c.Open.Currency(), to.Currency)
		}
		for _, a := range []string{c.Account, to.ID} {
			if err := t.authorize(ActTransfer, a); err != nil {
				return TransferResult{}, err
			}
		}
		amt, err := t.upToOpen(c, req.Amount)
		if err != nil {
			return TransferResult{}, err
		}
		if err := t.take(c.ID, amt, invoice.Closed); err != nil {
			return TransferResult{}, err
		}
		nd, err := t.issue(invoice.Document{ID: t.l.newID(), Account: to.ID, Kind: invoice.Credit, Amount: amt, Open: amt,
			Issued: t.now, Expires: c.Expires, Status: invoice.Open, BillTo: to.Party,
			Reason: "transferred from " + c.ID, Original: c.ID})
		if err != nil {
			return TransferResult{}, err
		}
		if err := t.record(c.Account, note{Op: OpTransferredOut, Document: c.ID, Amount: amt, Comment: req.Comment}); err != nil {
			return TransferResult{}, err
		}
		if err := t.record(to.ID, note{Op: OpTransferredIn, Document: nd.ID, Amount: amt, Comment: req.Comment}); err != nil {
			return TransferResult{}, err
		}
		if _, err := t.autoApply(to, nil, []string{nd.ID}); err != nil {
			return TransferResult{}, err
		}
		return TransferResult{From: t.finalDoc(c.ID), To: t.finalDoc(nd.ID)}, nil
	})
}

// ConsolidateRequest applies each account's open credits to its open debits,
// for many accounts in one batch (Aptify: the Invoice Consolidation wizard).
type ConsolidateRequest struct {
	Accounts []string        `json:"accounts"`
	Partial  bool            `json:"partial,omitempty"`
	BillTo   bool            `json:"bill_to,omitempty"`
	Policy   allocate.Policy `json:"-"`
	// PolicyName is filled in by the ledger for the idempotency fingerprint.
	PolicyName string `json:"policy,omitempty"`
}

// AccountResult is what consolidation did for one account: its applications
// and their total, or why it did nothing: Code names the sentinel (see
// Code) and Error is the message.
type AccountResult struct {
	Account      string        `json:"account"`
	Applications []Application `json:"applications,omitempty"`
	Total        money.Money   `json:"total"`
	Code         string        `json:"code,omitempty"`
	Error        string        `json:"error,omitempty"`
}

// ConsolidateResult has one AccountResult per requested account, in order.
type ConsolidateResult struct {
	Operation string          `json:"operation"`
	Accounts  []AccountResult `json:"accounts"`
}

// Consolidate runs the policy on every listed account and writes all the
// applications in one transaction. An account that is unknown, not
// authorized, or whose plan is refused gets its error in its result and
// nothing written; the others go ahead.
func (l *Ledger) Consolidate(ctx context.Context, p Principal, key string, req ConsolidateRequest) (ConsolidateResult, error) {
	if req.Policy == nil {
		req.Policy = l.policy
	}
	req.PolicyName = allocate.NameOf(req.Policy)
	if len(req.Accounts) > maxDocs {
		// Refused before the request is fingerprinted, so that its size
		// costs nothing.
		return ConsolidateResult{}, &Error{Op: "Consolidate", Err: fail(ErrInvalidRequest, "name 1 to %d accounts", maxDocs)}
	}
	return write(l, ctx, p, OpConsolidated, key, req, func(t *txn) (ConsolidateResult, error) {
		if len(req.Accounts) == 0 || len(req.Accounts) > maxDocs {
			return ConsolidateResult{}, fail(ErrInvalidRequest, "name 1 to %d accounts", maxDocs)
		}
		for _, id := range req.Accounts {
			if err := checkID("account", id, true); err != nil {
				return ConsolidateResult{}, err
			}
		}
		if err := t.load(Query{Accounts: req.Accounts, OpenOf: req.Accounts}); err != nil {
			return ConsolidateResult{}, err
		}
		res := ConsolidateResult{Operation: t.opID}
		seen := map[string]bool{}
		for _, id := range req.Accounts {
			r := AccountResult{Account: id}
			if seen[id] {
				continue
			}
			seen[id] = true
			apps, total, err, fatal := t.consolidateOne(id, req)
			if fatal != nil {
				return ConsolidateResult{}, fatal
			}
			if err != nil {
				r.Code, r.Error = Code(err), err.Error()
			}
			r.Applications, r.Total = apps, total
			res.Accounts = append(res.Accounts, r)
		}
		return res, nil
	})
}

// consolidateOne plans and writes one account. err is the account's own
// failure, reported in its result with nothing written for it; fatal is a
// failure after writing began, which fails the whole operation.
func (t *txn) consolidateOne(id string, req ConsolidateRequest) (apps []Application, total money.Money, err, fatal error) {
	a, err := t.account(id)
	if err != nil {
		return nil, money.Money{}, err, nil
	}
	if err := t.authorize(ActConsolidate, id); err != nil {
		return nil, money.Money{}, err, nil
	}
	ar := allocate.Request{Partial: req.Partial, BillTo: req.BillTo, AsOf: t.now}
	for _, d := range t.openDocs(id) {
		if d.IsDebit() {
			ar.Debits = append(ar.Debits, *d)
		} else {
			ar.Credits = append(ar.Credits, *d)
		}
	}
	ar = allocate.Effective(req.Policy, ar)
	plan, err := req.Policy.Plan(ar)
	if err != nil {
		return nil, money.Money{}, err, nil
	}
	if err := allocate.Validate(ar, plan); err != nil {
		return nil, money.Money{}, err, nil
	}
	if len(plan.Lines) == 0 {
		return nil, money.Zero(a.Currency), nil, nil
	}
	if apps, err = t.writePlan(plan, req.PolicyName, OpConsolidated, ""); err != nil {
		return nil, money.Money{}, nil, err
	}
	total, _ = plan.Total()
	return apps, total, nil, nil
}
