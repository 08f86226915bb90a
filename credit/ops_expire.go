package credit

import (
	"context"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// ExpireRequest removes what is left of an account's credits whose expiry
// has passed.
type ExpireRequest struct {
	Account string `json:"account"`
	Comment string `json:"comment,omitempty"`
}

// ExpireResult lists the credits that expired and the total removed (zero
// when none had).
type ExpireResult struct {
	Documents []invoice.Document `json:"documents,omitempty"`
	Removed   money.Money        `json:"removed"`
}

// Expire ends every open credit of the account whose expiry is at or before
// now: its open balance is removed, its status becomes Expired, and one
// "credit_expired" entry records the total; the outstanding balance falls by it. An
// expired credit is never applied even before Expire runs (policies and
// Validate refuse it); Expire makes the balances say so too.
func (l *Ledger) Expire(ctx context.Context, p Principal, key string, req ExpireRequest) (ExpireResult, error) {
	return run(l, ctx, p, key, req, expire)
}

var expire = &spec[ExpireRequest, ExpireResult]{
	method: "Expire",
	entry:  func(ExpireRequest) EntryKind { return CreditExpired },
	check: func(l *Ledger, req *ExpireRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		return checkText(req.Comment)
	},
	fingerprint: func(fp *encoder, req ExpireRequest) {
		fp.str(req.Account)
		fp.str(req.Comment)
	},
	load: func(t *txn, req ExpireRequest) error {
		return t.load(Query{Accounts: []string{req.Account}, OpenOf: []string{req.Account}})
	},
	authorize: func(t *txn, req ExpireRequest) error {
		_, err := t.seeAccount(ActAdjust, req.Account)
		return err
	},
	compute: func(t *txn, req ExpireRequest) (ExpireResult, error) {
		a := t.accounts[req.Account]
		res := ExpireResult{Removed: money.Zero(a.Currency)}
		for _, d := range t.openDocs(a.ID) {
			if !d.IsCredit() || !d.ExpiredAt(t.now) {
				continue
			}
			amt, value := d.Open, d.OpenValue()
			if err := t.take(d.ID, amt, invoice.Expired); err != nil {
				return ExpireResult{}, err
			}
			res.Removed, _ = res.Removed.Add(value)
			res.Documents = append(res.Documents, t.finalDoc(d.ID))
		}
		if len(res.Documents) == 0 {
			return res, nil
		}
		if err := t.record(a.ID, note{Kind: CreditExpired, Amount: res.Removed, Comment: req.Comment}); err != nil {
			return ExpireResult{}, err
		}
		return res, nil
	},
}
