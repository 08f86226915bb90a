package credit

import (
	"context"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Credit leaving the account: refunds to the customer and payment
// reversals (charge backs and cancellations).

// RefundRequest pays open credit back to the customer (iMIS: a refund
// removes the open credit). Give either Amount, at most the open balance, or
// All for the whole open balance; a missing amount is an error, never
// "everything". With TakeBack the amount may be more than the open balance,
// up to what the credit counts for (open and applied), and All means all
// of that.
type RefundRequest struct {
	Credit    string      `json:"credit"`
	Amount    money.Money `json:"amount,omitzero"`
	All       bool        `json:"all,omitempty"`
	Reference string      `json:"reference,omitempty"`
	Comment   string      `json:"comment,omitempty"`
	// TakeBack allows refunding more than the open balance by taking back
	// the credit's applications, newest first, the last one only in part,
	// in the same operation (Kill Bill: a refund with adjustments): the
	// debits paid last reopen first.
	TakeBack bool `json:"take_back,omitempty"`
}

// RefundResult is the credit as the refund left it and its account's
// balances after; with TakeBack, the applications taken back (newest
// first) and the part of the last one that stays applied.
type RefundResult struct {
	Document     invoice.Document `json:"document"`
	Balances     Balances         `json:"balances"`
	Reversals    []Application    `json:"reversals,omitempty"`
	Applications []Application    `json:"applications,omitempty"`
}

// Refund takes open credit out to the customer; the outstanding balance
// falls by the amount. A credit refunded in full ends Refunded.
func (l *Ledger) Refund(ctx context.Context, p Principal, key string, req RefundRequest) (RefundResult, error) {
	return run(l, ctx, p, key, req, refund)
}

var refund = &spec[RefundRequest, RefundResult]{
	method: "Refund",
	entry:  func(RefundRequest) EntryKind { return CreditRefunded },
	check: func(l *Ledger, req *RefundRequest) error {
		if err := checkID("credit", req.Credit, true); err != nil {
			return err
		}
		if err := checkText(req.Reference, req.Comment); err != nil {
			return err
		}
		return wholeOrPart(req.Amount, req.All)
	},
	fingerprint: func(fp *encoder, req RefundRequest) {
		fp.str(req.Credit)
		fp.str(req.Reference)
		fp.str(req.Comment)
		fp.money(req.Amount)
		fp.bool(req.All)
		if req.TakeBack {
			// Last and only when set, so that earlier keys keep their
			// fingerprints.
			fp.bool(true)
		}
	},
	load: func(t *txn, req RefundRequest) error {
		if req.TakeBack {
			return t.loadApplied(req.Credit)
		}
		return t.loadDocs(Query{Documents: []string{req.Credit}})
	},
	authorize: func(t *txn, req RefundRequest) error {
		_, err := t.seeDoc(ActRefund, req.Credit)
		return err
	},
	compute: func(t *txn, req RefundRequest) (RefundResult, error) {
		if req.TakeBack {
			return t.refundTakingBack(req)
		}
		c, err := t.openCredit(req.Credit)
		if err != nil {
			return RefundResult{}, err
		}
		if err := t.usable(c.Account); err != nil {
			return RefundResult{}, err
		}
		amt, err := upToOpen(c, req.Amount)
		if err != nil {
			return RefundResult{}, err
		}
		before := c.OpenValue()
		if err := t.take(c.ID, amt, invoice.Refunded); err != nil {
			return RefundResult{}, err
		}
		n := note{Kind: CreditRefunded, Document: c.ID, Reference: req.Reference, Comment: req.Comment}
		inFunctional(&n, c, amt, before)
		if err := t.record(c.Account, n); err != nil {
			return RefundResult{}, err
		}
		return RefundResult{Document: t.finalDoc(c.ID), Balances: t.final(c.Account).Balances()}, nil
	},
}

// openCredit checks that a resolved document is a credit with open credit.
func (t *txn) openCredit(id string) (*invoice.Document, error) {
	c := t.docs[id]
	if !c.IsCredit() {
		return nil, docErr(id, fail(ErrWrongKind, "%q is a document of kind %s, not a credit", id, c.Kind))
	}
	if c.Status != invoice.Open {
		return nil, docErr(id, fail(ErrInsufficientCredit, "%q is %s with no open credit", id, c.Status))
	}
	if c.ExpiredAt(t.now) {
		return nil, docErr(id, fail(ErrBadState, "%q expired on %s", id, c.Expires.Format("2006-01-02")))
	}
	return c, nil
}

// upToOpen checks a requested amount against a credit's open balance; the
// zero Money means all of it.
func upToOpen(c *invoice.Document, amt money.Money) (money.Money, error) {
	if !amt.IsValid() {
		return c.Open, nil
	}
	cmp, err := amt.Cmp(c.Open)
	if err != nil {
		return money.Money{}, err
	}
	if cmp > 0 {
		return money.Money{}, docErr(c.ID, fail(ErrInsufficientCredit, "%s is more than the open %s", amt, c.Open))
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
	return run(l, ctx, p, key, req, reversePayment)
}

var reversePayment = &spec[ReverseRequest, ReverseResult]{
	method: "ReversePayment",
	entry: func(req ReverseRequest) EntryKind {
		if req.ChargeBack {
			return PaymentChargedBack
		}
		return PaymentCancelled
	},
	check: func(l *Ledger, req *ReverseRequest) error {
		if err := checkID("payment", req.Payment, true); err != nil {
			return err
		}
		return checkText(req.Reference, req.Comment)
	},
	fingerprint: func(fp *encoder, req ReverseRequest) {
		fp.str(req.Payment)
		fp.str(req.Reference)
		fp.str(req.Comment)
		fp.bool(req.ChargeBack)
	},
	load: func(t *txn, req ReverseRequest) error {
		if err := t.loadDocs(Query{Documents: []string{req.Payment}, ApplicationsOf: []string{req.Payment}}); err != nil {
			return err
		}
		var debits []string
		for _, a := range t.active(req.Payment) {
			debits = append(debits, a.Debit)
		}
		return t.loadDocs(Query{Documents: debits})
	},
	authorize: func(t *txn, req ReverseRequest) error {
		_, err := t.seeDoc(ActReverse, req.Payment)
		return err
	},
	compute: func(t *txn, req ReverseRequest) (ReverseResult, error) {
		pay := t.docs[req.Payment]
		if pay.Kind != invoice.Payment && pay.Kind != invoice.Prepayment {
			return ReverseResult{}, docErr(pay.ID, fail(ErrWrongKind, "%q is a document of kind %s, not a payment", pay.ID, pay.Kind))
		}
		active := t.active(pay.ID)
		for _, a := range active {
			if _, err := t.doc(a.Debit); err != nil {
				return ReverseResult{}, err
			}
		}
		if len(active) == 0 && pay.Status != invoice.Open {
			return ReverseResult{}, docErr(pay.ID, fail(ErrBadState, "%q is %s with nothing to reverse", pay.ID, pay.Status))
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
		before := pay.OpenValue()
		if err := t.take(pay.ID, pay.Open, invoice.Reversed); err != nil {
			return ReverseResult{}, err
		}
		for _, r := range res.Reversals {
			if r.DebitAccount != pay.Account {
				if err := t.record(r.DebitAccount, note{Kind: CreditUnapplied, Document: r.Debit, Amount: r.Amount, Comment: req.Comment}); err != nil {
					return ReverseResult{}, err
				}
			}
		}
		n := note{Kind: t.op, Document: pay.ID, Reference: req.Reference, Comment: req.Comment}
		inFunctional(&n, pay, res.Removed, before)
		if err := t.record(pay.Account, n); err != nil {
			return ReverseResult{}, err
		}
		res.Document = t.finalDoc(pay.ID)
		return res, nil
	},
}
