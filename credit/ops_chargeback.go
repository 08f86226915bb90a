package credit

import (
	"context"
	"slices"
	"strings"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Charge backs of part or all of a payment, their undoing when the dispute
// is won, and the taking back of a credit's applications that they share
// with Refund.
//
// A charge back is kept as a document of its own: a credit of kind Credit
// on the payment's account, naming the payment as Original, with the id of
// the operation that wrote it, that receives the amount charged back from
// the payment and ends Reversed at once. It is never open, so nothing can
// use it; it is what UndoChargeBack names, and it ends Closed once undone.

// ChargeBackRequest charges back part or all of a payment (a card payment
// disputed through the gateway). Give either Amount, at most what the payment
// still counts for (its open balance and what it has applied), or All.
type ChargeBackRequest struct {
	Payment   string      `json:"payment"`
	Amount    money.Money `json:"amount,omitzero"`
	All       bool        `json:"all,omitempty"`
	Reference string      `json:"reference,omitempty"`
	Comment   string      `json:"comment,omitempty"`
}

// ChargeBackResult is the payment as the charge back left it, the record of
// the charge back (UndoChargeBackRequest names its id; its Amount is what
// was charged back), the applications taken back, newest first, the part
// of the last one taken back that stays applied, and the account's
// balances after.
type ChargeBackResult struct {
	Payment      invoice.Document `json:"payment"`
	ChargeBack   invoice.Document `json:"charge_back"`
	Reversals    []Application    `json:"reversals,omitempty"`
	Applications []Application    `json:"applications,omitempty"`
	Balances     Balances         `json:"balances"`
}

// ChargeBack charges back an amount of a payment, up to all it still
// counts for. The open balance goes first; what it cannot cover is taken
// back from the payment's applications, newest first (the debits paid last
// reopen first), the last one only in part: it is reversed and what is not
// needed is applied again. The outstanding balance falls by the amount. A
// payment charged back whole ends Reversed; one that keeps applications
// ends Closed or stays Open. Unlike ReversePayment, which also cancels
// payments, a charge back can be undone (UndoChargeBack). It needs
// ActReverse.
func (l *Ledger) ChargeBack(ctx context.Context, p Principal, key string, req ChargeBackRequest) (ChargeBackResult, error) {
	return run(l, ctx, p, key, req, chargeBack)
}

var chargeBack = &spec[ChargeBackRequest, ChargeBackResult]{
	method: "ChargeBack",
	entry:  func(ChargeBackRequest) EntryKind { return PaymentChargedBack },
	check: func(l *Ledger, req *ChargeBackRequest) error {
		if err := checkID("payment", req.Payment, true); err != nil {
			return err
		}
		if err := checkText(req.Reference, req.Comment); err != nil {
			return err
		}
		return wholeOrPart(req.Amount, req.All)
	},
	fingerprint: func(fp *encoder, req ChargeBackRequest) {
		fp.str(req.Payment)
		fp.money(req.Amount)
		fp.bool(req.All)
		fp.str(req.Reference)
		fp.str(req.Comment)
	},
	load: func(t *txn, req ChargeBackRequest) error { return t.loadApplied(req.Payment) },
	authorize: func(t *txn, req ChargeBackRequest) error {
		_, err := t.seeDoc(ActReverse, req.Payment)
		return err
	},
	compute: func(t *txn, req ChargeBackRequest) (ChargeBackResult, error) {
		pay := t.docs[req.Payment]
		if pay.Kind != invoice.Payment && pay.Kind != invoice.Prepayment {
			return ChargeBackResult{}, docErr(pay.ID, fail(ErrWrongKind, "%q is a document of kind %s, not a payment", pay.ID, pay.Kind))
		}
		if err := t.inAccountCurrency(pay); err != nil {
			return ChargeBackResult{}, err
		}
		counts, err := t.countsFor(pay)
		if err != nil {
			return ChargeBackResult{}, err
		}
		if counts.IsZero() {
			return ChargeBackResult{}, docErr(pay.ID, fail(ErrBadState, "%q is %s with nothing to charge back", pay.ID, pay.Status))
		}
		amt, err := upToCounts(pay, req.Amount, req.All, counts)
		if err != nil {
			return ChargeBackResult{}, err
		}
		res := ChargeBackResult{}
		if res.Reversals, res.Applications, err = t.takeBack(pay, amt); err != nil {
			return ChargeBackResult{}, err
		}
		end := invoice.Reversed
		if len(t.active(pay.ID)) > 0 {
			end = invoice.Closed
		}
		if err := t.take(pay.ID, amt, end); err != nil {
			return ChargeBackResult{}, err
		}
		cb, err := t.issue(invoice.Document{ID: t.opID, Account: pay.Account, Kind: invoice.CreditGrant, Amount: amt, Open: amt,
			Issued: t.now, Status: invoice.Open, BillTo: pay.BillTo, Reason: chargeBackReason(pay.ID),
			Reference: req.Reference, Original: pay.ID})
		if err != nil {
			return ChargeBackResult{}, err
		}
		if err := t.take(cb.ID, amt, invoice.Reversed); err != nil {
			return ChargeBackResult{}, err
		}
		if err := t.recordTakenBack(pay.Account, res.Reversals, res.Applications, req.Comment); err != nil {
			return ChargeBackResult{}, err
		}
		if err := t.record(pay.Account, note{Kind: PaymentChargedBack, Document: pay.ID, Amount: amt, Reference: req.Reference, Comment: req.Comment}); err != nil {
			return ChargeBackResult{}, err
		}
		res.Payment, res.ChargeBack, res.Balances = t.finalDoc(pay.ID), t.finalDoc(cb.ID), t.final(pay.Account).Balances()
		return res, nil
	},
}

// chargeBackReason is the Reason of the record of a charge back of payment.
func chargeBackReason(payment string) string { return "charge back of " + payment }

// UndoChargeBackRequest undoes a charge back, named by the id of its record
// (ChargeBackResult.ChargeBack.ID). With Reapply, the payment is applied
// again to the debits the charge back reopened, as far as they are still
// open.
type UndoChargeBackRequest struct {
	ChargeBack string `json:"charge_back"`
	Reapply    bool   `json:"reapply,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

// UndoChargeBackResult is the payment restored, the record of the charge
// back (now Closed), the applications Reapply wrote, and the account's
// balances after.
type UndoChargeBackResult struct {
	Payment      invoice.Document `json:"payment"`
	ChargeBack   invoice.Document `json:"charge_back"`
	Applications []Application    `json:"applications,omitempty"`
	Balances     Balances         `json:"balances"`
}

// UndoChargeBack undoes a charge back when the dispute is won: the amount
// charged back is open credit of the payment again, so the outstanding
// balance rises by it, and the history records a charge_back_undone entry.
// With Reapply the payment pays again, in the order they were first paid,
// the debits whose applications the charge back took back, each up to
// what it took back and what the debit still owes (a debit paid since by
// other credit is left as it is); without, the amount stays open credit. A
// charge back is undone once. It needs ActReverse.
func (l *Ledger) UndoChargeBack(ctx context.Context, p Principal, key string, req UndoChargeBackRequest) (UndoChargeBackResult, error) {
	return run(l, ctx, p, key, req, undoChargeBack)
}

var undoChargeBack = &spec[UndoChargeBackRequest, UndoChargeBackResult]{
	method: "UndoChargeBack",
	entry:  func(UndoChargeBackRequest) EntryKind { return ChargeBackUndone },
	check: func(l *Ledger, req *UndoChargeBackRequest) error {
		if err := checkID("charge back", req.ChargeBack, true); err != nil {
			return err
		}
		return checkText(req.Comment)
	},
	fingerprint: func(fp *encoder, req UndoChargeBackRequest) {
		fp.str(req.ChargeBack)
		fp.bool(req.Reapply)
		fp.str(req.Comment)
	},
	load: func(t *txn, req UndoChargeBackRequest) error {
		if err := t.loadDocs(Query{Documents: []string{req.ChargeBack}}); err != nil {
			return err
		}
		cb, ok := t.docs[req.ChargeBack]
		if !ok || cb.Original == "" {
			return nil
		}
		if err := t.loadDocs(Query{Documents: []string{cb.Original}, ApplicationsOf: []string{cb.Original}}); err != nil {
			return err
		}
		var debits []string
		for _, a := range t.undoneBy(cb) {
			debits = append(debits, a.Debit)
		}
		return t.loadDocs(Query{Documents: debits})
	},
	authorize: func(t *txn, req UndoChargeBackRequest) error {
		_, err := t.seeDoc(ActReverse, req.ChargeBack)
		return err
	},
	compute: func(t *txn, req UndoChargeBackRequest) (UndoChargeBackResult, error) {
		cb := t.docs[req.ChargeBack]
		pay, ok := t.docs[cb.Original]
		if cb.Kind != invoice.CreditGrant || !ok || pay.Account != cb.Account || cb.Reason != chargeBackReason(pay.ID) ||
			(pay.Kind != invoice.Payment && pay.Kind != invoice.Prepayment) {
			return UndoChargeBackResult{}, docErr(cb.ID, fail(ErrWrongKind, "%q is not the record of a charge back", cb.ID))
		}
		if cb.Status != invoice.Reversed {
			return UndoChargeBackResult{}, docErr(cb.ID, fail(ErrBadState, "the charge back %q is already undone", cb.ID))
		}
		if err := t.inAccountCurrency(pay); err != nil {
			return UndoChargeBackResult{}, err
		}
		if req.Reapply {
			// Applying it again is a use of the account's credit.
			if err := t.usable(pay.Account); err != nil {
				return UndoChargeBackResult{}, err
			}
		}
		amt := cb.Amount
		if err := t.restore(cb.ID, amt, amt); err != nil {
			return UndoChargeBackResult{}, err
		}
		if err := t.take(cb.ID, amt, invoice.Closed); err != nil {
			return UndoChargeBackResult{}, err
		}
		if err := t.restore(pay.ID, amt, amt); err != nil {
			return UndoChargeBackResult{}, err
		}
		if err := t.record(pay.Account, note{Kind: ChargeBackUndone, Document: pay.ID, Amount: amt, Reference: cb.Reference, Comment: req.Comment}); err != nil {
			return UndoChargeBackResult{}, err
		}
		res := UndoChargeBackResult{}
		if req.Reapply {
			apps, err := t.reapply(cb, pay)
			if err != nil {
				return UndoChargeBackResult{}, err
			}
			res.Applications = apps
			if len(apps) > 0 {
				if err := t.recordPerAccount(apps, CreditApplied, req.Comment, ""); err != nil {
					return UndoChargeBackResult{}, err
				}
			}
		}
		res.Payment, res.ChargeBack, res.Balances = t.finalDoc(pay.ID), t.finalDoc(cb.ID), t.final(pay.Account).Balances()
		return res, nil
	},
}

// undoneBy lists the reversals that the charge back cb wrote on its
// payment, oldest application first (they were written newest first).
func (t *txn) undoneBy(cb *invoice.Document) []Application {
	var out []Application
	for _, id := range t.appsOf[cb.Original] {
		if a := t.app(id); a.Operation == cb.ID && a.Reverses != "" && a.Credit == cb.Original {
			out = append(out, a)
		}
	}
	// In the order of the applications they reverse (a Load returns
	// applications in no particular order).
	slices.SortStableFunc(out, func(x, y Application) int {
		ox, oy := t.app(x.Reverses), t.app(y.Reverses)
		if c := ox.At.Compare(oy.At); c != 0 {
			return c
		}
		return strings.Compare(ox.ID, oy.ID)
	})
	return out
}

// reapply applies payment pay again to the debits the charge back cb took
// its applications back from: to each, what the charge back took from it
// (net of the part it applied again), up to what the debit owes and the
// payment holds.
func (t *txn) reapply(cb, pay *invoice.Document) ([]Application, error) {
	kept := map[string]money.Money{} // debit → applied again by the charge back itself
	for _, id := range t.appsOf[pay.ID] {
		if a := t.app(id); a.Operation == cb.ID && a.Reverses == "" && a.Credit == pay.ID {
			if k, ok := kept[a.Debit]; ok {
				kept[a.Debit], _ = k.Add(a.Amount)
			} else {
				kept[a.Debit] = a.Amount
			}
		}
	}
	var apps []Application
	for _, r := range t.undoneBy(cb) {
		d, err := t.doc(r.Debit)
		if err != nil {
			return nil, err
		}
		amt := r.Amount
		if k, ok := kept[d.ID]; ok {
			amt, _ = amt.Sub(k)
			delete(kept, d.ID)
		}
		if d.Status != invoice.Open || pay.Status != invoice.Open || d.Open.Currency() != pay.Open.Currency() {
			continue
		}
		amt = minMoney(minMoney(amt, d.Open), pay.Open)
		if !amt.IsPositive() {
			continue
		}
		app, err := t.link(pay.ID, d.ID, amt, r.Policy)
		if err != nil {
			return nil, err
		}
		apps = append(apps, app)
	}
	return apps, nil
}

func minMoney(a, b money.Money) money.Money {
	if c, _ := a.Cmp(b); c > 0 {
		return b
	}
	return a
}

// loadApplied reads a credit, its applications, and the debits of those
// still active, with their accounts.
func (t *txn) loadApplied(credit string) error {
	if err := t.loadDocs(Query{Documents: []string{credit}, ApplicationsOf: []string{credit}}); err != nil {
		return err
	}
	var debits []string
	for _, a := range t.active(credit) {
		debits = append(debits, a.Debit)
	}
	return t.loadDocs(Query{Documents: debits})
}

// inAccountCurrency refuses a document of an account that has since changed
// its currency.
func (t *txn) inAccountCurrency(d *invoice.Document) error {
	if d.IsForeign() {
		return docErr(d.ID, fail(ErrCurrencyMismatch, "%q is held in %s, not in its account's currency: write-offs, charge backs and refunds that take back are made in the account's currency only",
			d.ID, d.Open.Currency()))
	}
	if a := t.accounts[d.Account]; a.Currency != d.Open.Currency() {
		return docErr(d.ID, fail(ErrBadState, "the account changed its currency from %s to %s after %q was issued",
			d.Open.Currency(), a.Currency, d.ID))
	}
	return nil
}

// countsFor is what credit c still counts for: its open balance and what
// its active applications have applied.
func (t *txn) countsFor(c *invoice.Document) (money.Money, error) {
	total := c.Open
	for _, a := range t.active(c.ID) {
		if _, err := t.doc(a.Debit); err != nil {
			return money.Money{}, err
		}
		var err error
		if total, err = total.Add(a.Amount); err != nil {
			return money.Money{}, docErr(c.ID, err)
		}
	}
	return total, nil
}

// upToCounts checks a requested amount against what credit c counts for;
// all means all of it.
func upToCounts(c *invoice.Document, amt money.Money, all bool, counts money.Money) (money.Money, error) {
	if all {
		return counts, nil
	}
	if amt.Currency() != c.Open.Currency() {
		return money.Money{}, docErr(c.ID, fail(ErrCurrencyMismatch, "%s amount for a %s document", amt.Currency(), c.Open.Currency()))
	}
	if cmp, _ := amt.Cmp(counts); cmp > 0 {
		return money.Money{}, docErr(c.ID, fail(ErrInsufficientCredit, "%s is more than the %s that %q counts for (open and applied)", amt, counts, c.ID))
	}
	return amt, nil
}

// takeBack frees what credit c needs beyond its open balance to give up
// amount: it takes back c's applications, newest first, the last one only
// in part (reversed whole, the rest applied again), so that the debits
// paid last reopen first. It returns the reversals and the applications
// made again.
func (t *txn) takeBack(c *invoice.Document, amount money.Money) (reversals, kept []Application, err error) {
	need, err := amount.Sub(c.Open)
	if err != nil || !need.IsPositive() {
		return nil, nil, err
	}
	return t.unpay(t.active(c.ID), need)
}

// recordTakenBack writes an unapplied entry, for the net amount taken back,
// on each account other than own whose debits reopened.
func (t *txn) recordTakenBack(own string, reversals, kept []Application, comment string) error {
	net := map[string]money.Money{}
	var order []string
	add := func(acct string, m money.Money) {
		if acct == own {
			return
		}
		if s, ok := net[acct]; ok {
			net[acct], _ = s.Add(m)
			return
		}
		net[acct] = m
		order = append(order, acct)
	}
	for _, r := range reversals {
		add(r.DebitAccount, r.Amount)
	}
	for _, k := range kept {
		add(k.DebitAccount, k.Amount.Neg())
	}
	for _, acct := range order {
		if !net[acct].IsPositive() {
			continue
		}
		if err := t.record(acct, note{Kind: CreditUnapplied, Amount: net[acct], Comment: comment}); err != nil {
			return err
		}
	}
	return nil
}

// refundTakingBack is Refund with TakeBack: what the open balance cannot
// cover is taken back from the credit's applications, newest first.
func (t *txn) refundTakingBack(req RefundRequest) (RefundResult, error) {
	c := t.docs[req.Credit]
	if !c.IsCredit() {
		return RefundResult{}, docErr(c.ID, fail(ErrWrongKind, "%q is a document of kind %s, not a credit", c.ID, c.Kind))
	}
	if t.isWriteOff(c) {
		return RefundResult{}, docErr(c.ID, fail(ErrWrongKind, "%q is a write-off, not credit of the customer's", c.ID))
	}
	if c.ExpiredAt(t.now) {
		return RefundResult{}, docErr(c.ID, fail(ErrBadState, "%q expired on %s", c.ID, c.Expires.Format("2006-01-02")))
	}
	if err := t.inAccountCurrency(c); err != nil {
		return RefundResult{}, err
	}
	if err := t.usable(c.Account); err != nil {
		return RefundResult{}, err
	}
	counts, err := t.countsFor(c)
	if err != nil {
		return RefundResult{}, err
	}
	amt, err := upToCounts(c, req.Amount, req.All, counts)
	if err != nil {
		return RefundResult{}, err
	}
	if !amt.IsPositive() {
		return RefundResult{}, docErr(c.ID, fail(ErrInsufficientCredit, "%q is %s with no credit to refund", c.ID, c.Status))
	}
	res := RefundResult{}
	if res.Reversals, res.Applications, err = t.takeBack(c, amt); err != nil {
		return RefundResult{}, err
	}
	if err := t.take(c.ID, amt, invoice.Refunded); err != nil {
		return RefundResult{}, err
	}
	if err := t.recordTakenBack(c.Account, res.Reversals, res.Applications, req.Comment); err != nil {
		return RefundResult{}, err
	}
	if err := t.record(c.Account, note{Kind: CreditRefunded, Document: c.ID, Amount: amt, Reference: req.Reference, Comment: req.Comment}); err != nil {
		return RefundResult{}, err
	}
	res.Document, res.Balances = t.finalDoc(c.ID), t.final(c.Account).Balances()
	return res, nil
}
