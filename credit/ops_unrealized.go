package credit

import (
	"context"
	"time"

	"github.com/arcredit/arcredit/money"
)

// ExchangeDifferenceUnrealized journals the unrealized exchange gain
// (positive Amount) or loss (negative) of one open foreign document
// (Entry.Document) at a revaluation's date and rate, in the account's
// currency: the document's open balance then at the rate given, less the
// functional value it is booked at (negated for a credit), as
// RevaluedDocument.Difference. It changes no document and no balance: its
// CreditChange and DebitChange are zero and After repeats the balances
// before it. Documents stay booked at their own rates, so each
// revaluation states the whole difference from the booked value again,
// not the change since the last one (a general ledger posting it reverses
// the previous one first). The date and the rates are in the result of
// the operation that wrote it (RecordUnrealized, replayed by its key).
const ExchangeDifferenceUnrealized EntryKind = "exchange_difference_unrealized"

// RecordUnrealizedRequest asks to journal the unrealized exchange
// differences of one account's open foreign documents as of AsOf (zero:
// now; a date after now is refused) at Rates, as Revalue computes them.
type RecordUnrealizedRequest struct {
	Account string       `json:"account"`
	AsOf    time.Time    `json:"as_of,omitzero"`
	Rates   []money.Rate `json:"rates"`
	Comment string       `json:"comment,omitempty"`
}

// RecordUnrealized journals the revaluation of one account (Revalue, as of
// AsOf at Rates): one ExchangeDifferenceUnrealized entry per document
// revalued with a difference other than zero, in the order of
// Revaluation.Documents, and returns that revaluation. No document and no
// balance changes. It is a write like any other: idempotent by key, and
// authorized as ActAdjust on the account.
func (l *Ledger) RecordUnrealized(ctx context.Context, p Principal, key string, req RecordUnrealizedRequest) (Revaluation, error) {
	return run(l, ctx, p, key, req, recordUnrealized)
}

var recordUnrealized = &spec[RecordUnrealizedRequest, Revaluation]{
	method: "RecordUnrealized",
	entry:  func(RecordUnrealizedRequest) EntryKind { return ExchangeDifferenceUnrealized },
	check: func(_ *Ledger, req *RecordUnrealizedRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		if err := checkRevaluation(req.AsOf, req.Rates); err != nil {
			return err
		}
		return checkText(req.Comment)
	},
	fingerprint: func(fp *encoder, req RecordUnrealizedRequest) {
		fp.str(req.Account)
		fp.time(req.AsOf)
		fp.count(len(req.Rates))
		for _, r := range req.Rates {
			fp.rate(r)
		}
		fp.str(req.Comment)
	},
	load: func(t *txn, req RecordUnrealizedRequest) error {
		return t.load(Query{Accounts: []string{req.Account}})
	},
	authorize: func(t *txn, req RecordUnrealizedRequest) error {
		_, err := t.seeAccount(ActAdjust, req.Account)
		return err
	},
	compute: func(t *txn, req RecordUnrealizedRequest) (Revaluation, error) {
		res := Revaluation{AsOf: orNow(req.AsOf, t.now)}
		if res.AsOf.After(t.now) {
			return Revaluation{}, fail(ErrInvalidRequest, "the date %s is after now", res.AsOf.Format(time.RFC3339))
		}
		// The documents are read from the store after the account: any
		// change to them journals an entry on the account, so that the
		// commit conflicts, and the operation runs again, if one came in
		// between.
		each := t.revalueAccount
		if res.AsOf.Before(t.now) {
			each = t.revalueAccountAsOf
		}
		if err := each(req.Account, req.Rates, &res); err != nil {
			return Revaluation{}, err
		}
		for _, d := range res.Documents {
			if d.Difference.IsZero() {
				continue
			}
			if err := t.record(req.Account, note{Kind: ExchangeDifferenceUnrealized, Document: d.Document, Amount: d.Difference,
				Comment: req.Comment}); err != nil {
				return Revaluation{}, err
			}
		}
		return res, nil
	},
}
