package credit

import (
	"context"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Moving an account's credit balance to another account.

// MoveBalanceRequest moves an account's credit balance, or an amount of it,
// to another account of the same namespace and currency (Kill Bill: a child
// account's credit moved to its parent). Give either Amount or All.
type MoveBalanceRequest struct {
	// From is the account that gives its credit up.
	From string `json:"from"`
	// To is the account that receives it.
	To string `json:"to"`
	// Amount is how much to move, in the accounts' currency; All moves all
	// of the credit that can be used.
	Amount  money.Money `json:"amount,omitzero"`
	All     bool        `json:"all,omitempty"`
	Comment string      `json:"comment,omitempty"`
}

// MoveBalanceResult lists, in the order they were drawn (oldest first),
// the source credits as they end and, at the same index, the credit issued
// for each on the receiving account, with the total moved.
type MoveBalanceResult struct {
	From  []invoice.Document `json:"from"`
	To    []invoice.Document `json:"to"`
	Moved money.Money        `json:"moved"`
}

// MoveBalance moves credit from one account to another in one operation:
// the open credit documents of From are drawn oldest first, by (Issued,
// ID), each as Transfer moves one document (it gives up what is drawn and
// a credit naming it as Original is issued on To; both histories record
// it), until Amount is moved, or, with All, every one of them. Credits
// whose expiry has passed are not drawn: they can no longer be used, and
// Expire removes them. Asking for more than the credits hold is
// ErrInsufficientCredit, and nothing moves; so is All on an account with
// no credit to move. A prepaid receiving account uses the credit at once.
func (l *Ledger) MoveBalance(ctx context.Context, p Principal, key string, req MoveBalanceRequest) (MoveBalanceResult, error) {
	return run(l, ctx, p, key, req, moveBalance)
}

var moveBalance = &spec[MoveBalanceRequest, MoveBalanceResult]{
	method: "MoveBalance",
	entry:  func(MoveBalanceRequest) EntryKind { return CreditTransferredOut },
	check: func(l *Ledger, req *MoveBalanceRequest) error {
		if err := checkID("account", req.From, true); err != nil {
			return err
		}
		if err := checkID("account", req.To, true); err != nil {
			return err
		}
		if req.From == req.To {
			return fail(ErrInvalidRequest, "the credit of %q would move to itself", req.From)
		}
		if err := checkText(req.Comment); err != nil {
			return err
		}
		return wholeOrPart(req.Amount, req.All)
	},
	fingerprint: func(fp *encoder, req MoveBalanceRequest) {
		fp.str(req.From)
		fp.str(req.To)
		fp.str(req.Comment)
		fp.money(req.Amount)
		fp.bool(req.All)
	},
	load: func(t *txn, req MoveBalanceRequest) error {
		if err := t.load(Query{Accounts: []string{req.From}}); err != nil {
			return err
		}
		if err := t.loadForIssue(req.To); err != nil {
			return err
		}
		if _, ok := t.accounts[req.From]; !ok {
			return nil // not found, which authorize says
		}
		return t.loadOpenCredits(req.From)
	},
	authorize: func(t *txn, req MoveBalanceRequest) error {
		if _, err := t.seeAccount(ActTransfer, req.From); err != nil {
			return err
		}
		_, err := t.seeAccount(ActTransfer, req.To)
		return err
	},
	compute: func(t *txn, req MoveBalanceRequest) (MoveBalanceResult, error) {
		from, to := t.accounts[req.From], t.accounts[req.To]
		if err := t.usable(from.ID); err != nil {
			return MoveBalanceResult{}, err
		}
		if from.Currency != to.Currency {
			return MoveBalanceResult{}, acctErr(to.ID, fail(ErrCurrencyMismatch, "%s credit to a %s account", from.Currency, to.Currency))
		}
		if req.Amount.IsValid() && req.Amount.Currency() != from.Currency {
			return MoveBalanceResult{}, fail(ErrCurrencyMismatch, "%s amount on a %s account", req.Amount.Currency(), from.Currency)
		}
		// What can be drawn, oldest first.
		var drawn []*invoice.Document
		usable := money.Zero(from.Currency)
		for _, d := range t.openDocs(from.ID) {
			if !d.IsCredit() || d.ExpiredAt(t.now) || !d.Open.IsPositive() || d.Open.Currency() != from.Currency {
				continue
			}
			drawn = append(drawn, d)
			var err error
			if usable, err = usable.Add(d.Open); err != nil {
				return MoveBalanceResult{}, acctErr(from.ID, err)
			}
		}
		want := usable
		if !req.All {
			want = req.Amount
		}
		if c, err := want.Cmp(usable); err != nil {
			return MoveBalanceResult{}, err
		} else if c > 0 || !want.IsPositive() {
			return MoveBalanceResult{}, acctErr(from.ID, fail(ErrInsufficientCredit, "%q holds %s of credit that can be moved", from.ID, usable))
		}
		res := MoveBalanceResult{Moved: want}
		left := want
		var news []string
		for _, c := range drawn {
			if !left.IsPositive() {
				break
			}
			amt := c.Open
			if cmp, err := left.Cmp(amt); err != nil {
				return MoveBalanceResult{}, err
			} else if cmp < 0 {
				amt = left
			}
			nd, err := t.transferOut(c, to, amt, req.Comment)
			if err != nil {
				return MoveBalanceResult{}, err
			}
			if left, err = left.Sub(amt); err != nil {
				return MoveBalanceResult{}, err
			}
			news = append(news, nd.ID)
			res.From = append(res.From, *c)
		}
		if _, err := t.autoApply(to, nil, news); err != nil {
			return MoveBalanceResult{}, err
		}
		for i := range res.From {
			res.From[i] = t.finalDoc(res.From[i].ID)
		}
		for _, id := range news {
			res.To = append(res.To, t.finalDoc(id))
		}
		return res, nil
	},
}
