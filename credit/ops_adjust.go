package credit

import (
	"context"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Adjusting and voiding debits.

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
// The outstanding balance rises by the amount taken off, less what of it had
// been written off: a write-off taken back this way leaves with the debit
// (its application's Policy is WriteOffPolicy) and never becomes open credit.
func (l *Ledger) Adjust(ctx context.Context, p Principal, key string, req AdjustRequest) (AdjustResult, error) {
	return run(l, ctx, p, key, req, adjust)
}

// VoidRequest voids a debit, with the reason recorded on its history entry.
type VoidRequest struct {
	Debit   string `json:"debit"`
	Reason  string `json:"reason,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Void voids a debit (Adobe: Reverted, the order cancelled): every
// application on it is reversed, its credits reopen, and its open balance is
// removed.
func (l *Ledger) Void(ctx context.Context, p Principal, key string, req VoidRequest) (AdjustResult, error) {
	return run(l, ctx, p, key, AdjustRequest{Debit: req.Debit, Reason: req.Reason, Comment: req.Comment}, void)
}

var adjust = &spec[AdjustRequest, AdjustResult]{
	method: "Adjust",
	entry:  func(AdjustRequest) EntryKind { return DocumentAdjusted },
	check: func(l *Ledger, req *AdjustRequest) error {
		if !req.Amount.IsValid() {
			return fail(ErrInvalidAmount, "the new amount is required (zero voids)")
		}
		return checkAdjust(req)
	},
	fingerprint: printAdjust,
	load:        loadAdjust,
	authorize:   authorizeAdjust,
	compute:     func(t *txn, req AdjustRequest) (AdjustResult, error) { return t.adjust(req) },
}

var void = &spec[AdjustRequest, AdjustResult]{
	method:      "Void",
	entry:       func(AdjustRequest) EntryKind { return DocumentVoided },
	check:       func(l *Ledger, req *AdjustRequest) error { return checkAdjust(req) },
	fingerprint: printAdjust,
	load:        loadAdjust,
	authorize:   authorizeAdjust,
	compute:     func(t *txn, req AdjustRequest) (AdjustResult, error) { return t.adjust(req) },
}

func checkAdjust(req *AdjustRequest) error {
	if err := checkID("debit", req.Debit, true); err != nil {
		return err
	}
	if err := checkText(req.Reason, req.Comment); err != nil {
		return err
	}
	if req.Amount.IsValid() && req.Amount.IsNegative() {
		return fail(ErrInvalidAmount, "new amount %s is negative", req.Amount)
	}
	return nil
}

func printAdjust(fp *encoder, req AdjustRequest) {
	fp.str(req.Debit)
	fp.str(req.Reason)
	fp.str(req.Comment)
	fp.money(req.Amount)
}

// loadAdjust reads the debit, its applications, and the credits that paid
// it, with their accounts.
func loadAdjust(t *txn, req AdjustRequest) error {
	if err := t.loadDocs(Query{Documents: []string{req.Debit}, ApplicationsOf: []string{req.Debit}}); err != nil {
		return err
	}
	var credits []string
	for _, a := range t.active(req.Debit) {
		credits = append(credits, a.Credit)
	}
	return t.loadDocs(Query{Documents: credits})
}

func authorizeAdjust(t *txn, req AdjustRequest) error {
	_, err := t.seeDoc(ActAdjust, req.Debit)
	return err
}

// adjust lowers the debit of req to its new amount (zero: void).
func (t *txn) adjust(req AdjustRequest) (AdjustResult, error) {
	d := t.docs[req.Debit]
	if !d.IsDebit() {
		return AdjustResult{}, docErr(d.ID, fail(ErrWrongKind, "%q is a document of kind %s, not a debit", d.ID, d.Kind))
	}
	if d.Status == invoice.Void {
		return AdjustResult{}, docErr(d.ID, fail(ErrBadState, "%q is void", d.ID))
	}
	active := t.active(d.ID)
	for _, a := range active {
		if _, err := t.doc(a.Credit); err != nil {
			return AdjustResult{}, err
		}
	}
	newAmount := req.Amount
	if !newAmount.IsValid() {
		newAmount = money.Zero(d.Amount.Currency())
	}
	if newAmount.Currency() != d.Amount.Currency() {
		return AdjustResult{}, fail(ErrCurrencyMismatch, "%s amount for a %s debit", newAmount.Currency(), d.Amount.Currency())
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
	// What the open balance cannot absorb is un-paid.
	unpay, _ := cut.Sub(d.Open)
	if res.Reversals, res.Applications, err = t.unpay(active, unpay); err != nil {
		return AdjustResult{}, err
	}
	if err := t.dropWriteOffs(res.Reversals); err != nil {
		return AdjustResult{}, err
	}
	end := invoice.Paid
	if newAmount.IsZero() {
		end = invoice.Void
	}
	before := d.OpenValue()
	if err := t.take(d.ID, cut, end); err != nil {
		return AdjustResult{}, err
	}
	// Credit accounts other than the debit's get a "credit_unapplied" entry; the
	// debit's account gets the adjustment (with any credit it got back).
	var others []Application
	for _, r := range res.Reversals {
		if r.CreditAccount != d.Account {
			others = append(others, r)
		}
	}
	for _, r := range others {
		if err := t.record(r.CreditAccount, note{Kind: CreditUnapplied, Document: r.Credit, Amount: r.Amount, Comment: req.Comment}); err != nil {
			return AdjustResult{}, err
		}
	}
	comment := req.Comment
	if comment == "" {
		comment = req.Reason
	}
	n := note{Kind: t.op, Document: d.ID, Comment: comment}
	inFunctional(&n, d, cut, before)
	if err := t.record(d.Account, n); err != nil {
		return AdjustResult{}, err
	}
	res.Document = t.finalDoc(d.ID)
	return res, nil
}

// unpay takes amount back from a debit's active applications, newest
// first, keeping the rest of the last one it reverses as a new
// application, so that each credit gets its own balance back.
func (t *txn) unpay(active []Application, amount money.Money) (reversals, kept []Application, err error) {
	for i := len(active) - 1; i >= 0 && amount.IsPositive(); i-- {
		a := active[i]
		rev, err := t.unlink(a)
		if err != nil {
			return nil, nil, err
		}
		reversals = append(reversals, rev)
		if keep, _ := a.Amount.Sub(amount); keep.IsPositive() {
			app, err := t.link(a.Credit, a.Debit, keep, a.Policy)
			if err != nil {
				return nil, nil, err
			}
			kept = append(kept, app)
		}
		amount, _ = amount.Sub(a.Amount)
	}
	return reversals, kept, nil
}
