package credit

import (
	"context"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// MaxRevalueRates bounds the rates of one RevalueRequest.
const MaxRevalueRates = 200

// RevalueRequest asks for the unrealized exchange difference of the open
// foreign documents of one account, or of every account of the
// principal's namespace that the principal may read (Account empty).
type RevalueRequest struct {
	Account string `json:"account,omitempty"`
	// AsOf is the date of the rates and of the balances: each foreign
	// document is revalued for its open balance as it stood at AsOf, in its
	// currency and at the functional value booked then; documents issued
	// after it are left out, and documents closed since but open then are
	// counted. Zero means now.
	AsOf time.Time `json:"as_of,omitzero"`
	// Rates convert each document currency to a functional currency, at
	// most one rate per pair. A foreign document whose pair has no rate is
	// listed in Revaluation.Unrated and counted nowhere.
	Rates []money.Rate `json:"rates"`
}

// Revaluation is the unrealized exchange difference of open foreign
// documents at the rates of a RevalueRequest. Nothing is journalled.
type Revaluation struct {
	AsOf      time.Time          `json:"as_of"`
	Documents []RevaluedDocument `json:"documents,omitempty"`
	// Accounts sums the differences per account that has any document
	// revalued, in account id order.
	Accounts []RevaluedAccount `json:"accounts,omitempty"`
	// Unrated lists the ids of the open foreign documents for whose
	// currency pair no rate was given.
	Unrated []string `json:"unrated,omitempty"`
}

// RevaluedDocument is one open foreign document revalued: its open
// balance in its currency, the functional value it is booked at, the same
// balance at the new rate, and the difference.
type RevaluedDocument struct {
	Document string       `json:"document"`
	Account  string       `json:"account"`
	Kind     invoice.Kind `json:"kind"`
	Open     money.Money  `json:"open"`
	Booked   money.Money  `json:"booked"` // FunctionalOpen
	Rate     money.Rate   `json:"rate"`   // the rate of the request
	Revalued money.Money  `json:"revalued"`
	// Difference is the unrealized gain (positive) or loss (negative), in
	// the functional currency: Revalued − Booked for a debit (the customer
	// owes more when its currency gains), Booked − Revalued for a credit
	// (the seller owes more).
	Difference money.Money `json:"difference"`
}

// RevaluedAccount is the sum of the differences of one account's documents.
type RevaluedAccount struct {
	Account    string      `json:"account"`
	Difference money.Money `json:"difference"`
}

// Revalue reports the unrealized exchange gain or loss of the open foreign
// documents of an account, or of a namespace, at the rates given, as of a
// date: the documents open then, for their balances then. It is a read: no
// history entry is written, no document changes. As of a past date each
// document's balances then are rebuilt from its current ones and what
// happened after the date: for each account, Revalue reads its entries
// after the date and the applications of each document they name, so that
// a document costs its own applications, never the account's whole
// history; only a credit that an expiry emptied after the date is rebuilt
// from the account's history up to the date (read once for the account).
// Documents are revalued in their own currency's minor units rounded
// half-even, like every conversion.
func (l *Ledger) Revalue(ctx context.Context, p Principal, req RevalueRequest) (Revaluation, error) {
	return run(l, ctx, p, "", req, revalue)
}

var revalue = &spec[RevalueRequest, Revaluation]{
	method: "Revalue",
	check: func(l *Ledger, req *RevalueRequest) error {
		if err := checkID("account", req.Account, false); err != nil {
			return err
		}
		if err := checkRevaluation(req.AsOf, req.Rates); err != nil {
			return err
		}
		if req.Account == "" {
			if _, ok := l.store.(AccountLister); !ok {
				return fail(ErrInvalidRequest, "the store cannot list accounts")
			}
		}
		return nil
	},
	load: func(t *txn, req RevalueRequest) error {
		if req.Account == "" {
			return nil
		}
		return t.load(Query{Accounts: []string{req.Account}})
	},
	authorize: func(t *txn, req RevalueRequest) error {
		if req.Account == "" {
			return nil
		}
		_, err := t.seeAccount(ActRead, req.Account)
		return err
	},
	compute: func(t *txn, req RevalueRequest) (Revaluation, error) {
		res := Revaluation{AsOf: orNow(req.AsOf, t.now)}
		each := t.revalueAccount
		if res.AsOf.Before(t.now) {
			each = t.revalueAccountAsOf
		}
		if req.Account != "" {
			return res, each(req.Account, req.Rates, &res)
		}
		lister := t.l.store.(AccountLister)
		after := ""
		for {
			ids, err := lister.AccountIDs(t.ctx, t.ns, after, MaxPage)
			if err != nil {
				return Revaluation{}, err
			}
			for _, id := range ids {
				if t.l.auth.Authorize(t.ctx, t.p, ActRead, id) != nil {
					continue
				}
				if err := each(id, req.Rates, &res); err != nil {
					return Revaluation{}, err
				}
			}
			if len(ids) < MaxPage {
				return res, nil
			}
			after = ids[len(ids)-1]
		}
	},
}

// checkRevaluation checks the date and the rates of a revaluation: 1 to
// MaxRevalueRates rates, at most one per pair.
func checkRevaluation(asOf time.Time, rates []money.Rate) error {
	if err := checkTimes(asOf); err != nil {
		return err
	}
	if len(rates) == 0 || len(rates) > MaxRevalueRates {
		return fail(ErrInvalidRequest, "give 1 to %d rates", MaxRevalueRates)
	}
	seen := map[[2]money.Currency]bool{}
	for _, r := range rates {
		if !r.IsValid() {
			return fail(ErrInvalidRequest, "a rate is missing")
		}
		pair := [2]money.Currency{r.From(), r.To()}
		if seen[pair] {
			return fail(ErrInvalidRequest, "two rates for %s/%s", r.From(), r.To())
		}
		seen[pair] = true
	}
	return nil
}

// revalueAccount adds the open foreign documents of account, issued at or
// before res.AsOf, to res.
func (t *txn) revalueAccount(account string, rates []money.Rate, res *Revaluation) error {
	f := DocumentFilter{Account: account, OpenOnly: true, Limit: MaxPage}
	var total money.Money
	for {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		page, err := t.l.store.Documents(t.ctx, t.ns, f)
		if err != nil {
			return err
		}
		for i := range page {
			d := &page[i]
			if !d.IsForeign() || d.Issued.After(res.AsOf) {
				continue
			}
			if err := res.add(d, rates, account, &total); err != nil {
				return err
			}
		}
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	if total.IsValid() {
		res.Accounts = append(res.Accounts, RevaluedAccount{Account: account, Difference: total})
	}
	return nil
}

// add revalues d at rates into res: among the documents, or among the
// unrated ones when no rate is given for its currency; total sums the
// account's differences.
func (res *Revaluation) add(d *invoice.Document, rates []money.Rate, account string, total *money.Money) error {
	rd, ok, err := revalueDoc(d, rates)
	if err != nil {
		return docErr(d.ID, err)
	}
	if !ok {
		res.Unrated = append(res.Unrated, d.ID)
		return nil
	}
	res.Documents = append(res.Documents, rd)
	if !total.IsValid() {
		*total = rd.Difference
	} else if *total, err = total.Add(rd.Difference); err != nil {
		return acctErr(account, err)
	}
	return nil
}

// revalueDoc revalues one open foreign document at the rate for its pair;
// false when rates has none.
func revalueDoc(d *invoice.Document, rates []money.Rate) (RevaluedDocument, bool, error) {
	for _, r := range rates {
		if r.From() != d.Amount.Currency() || r.To() != d.Rate.To() {
			continue
		}
		c, err := r.Convert(d.Open)
		if err != nil {
			return RevaluedDocument{}, false, err
		}
		diff, err := c.To.Sub(d.FunctionalOpen)
		if err != nil {
			return RevaluedDocument{}, false, err
		}
		if d.IsCredit() {
			diff = diff.Neg()
		}
		return RevaluedDocument{Document: d.ID, Account: d.Account, Kind: d.Kind, Open: d.Open, Booked: d.FunctionalOpen,
			Rate: r, Revalued: c.To, Difference: diff}, true, nil
	}
	return RevaluedDocument{}, false, nil
}
