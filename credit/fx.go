package credit

import (
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Documents in a foreign currency: booking them, the shares two documents
// give up when matched, and the realized exchange difference (see the
// package doc, "Documents in a foreign currency").

// The history entries of exchange differences.
const (
	// ExchangeDifferenceRealized journals the realized exchange gain
	// (positive Amount) or loss (negative) of one application of foreign
	// documents, in the debit's account's currency; Document is the debit.
	ExchangeDifferenceRealized EntryKind = "exchange_difference_realized"
	// ExchangeDifferenceReversed journals the reversal of one: Amount is
	// the reversed application's difference, negated.
	ExchangeDifferenceReversed EntryKind = "exchange_difference_reversed"
)

// book converts amount, in a foreign currency, to the account currency
// functional at rate, for a document to be issued: the rate must convert
// amount's currency to functional, and the converted amount must be
// positive. A missing rate is ErrCurrencyMismatch: the caller gave an
// amount in another currency than the account's and no way to convert it.
func book(amount money.Money, rate money.Rate, functional money.Currency) (money.Conversion, error) {
	from := amount.Currency()
	if !rate.IsValid() {
		return money.Conversion{}, fail(ErrCurrencyMismatch, "a %s document on a %s account needs a rate", from, functional)
	}
	if rate.From() != from || rate.To() != functional {
		return money.Conversion{}, fail(ErrCurrencyMismatch, "rate %s does not convert %s to %s", rate, from, functional)
	}
	c, err := rate.Convert(amount)
	if err != nil {
		return money.Conversion{}, err
	}
	if !c.To.IsPositive() {
		return money.Conversion{}, fail(ErrInvalidAmount, "%s converts to %s", amount, c.To)
	}
	return c, nil
}

// checkRate checks, before any I/O, the rate a request gives for its
// amount: none, or one from the amount's currency.
func checkRate(amount money.Money, rate money.Rate) error {
	if rate.IsValid() && amount.IsValid() && rate.From() != amount.Currency() {
		return fail(ErrCurrencyMismatch, "rate %s for a %s amount", rate, amount.Currency())
	}
	return nil
}

// foreignDoc fills in the foreign figures of d, a document about to be
// issued on account a with n as its history entry: nothing when d is in the
// account's currency; else d is booked at rate, and n records the
// functional amount, the amount given, the rate and the residual.
func foreignDoc(d *invoice.Document, a *Account, rate money.Rate, n *note) error {
	if d.Amount.Currency() == a.Currency {
		if rate.IsValid() {
			return fail(ErrCurrencyMismatch, "rate %s for a %s document on a %s account", rate, d.Amount.Currency(), a.Currency)
		}
		return nil
	}
	c, err := book(d.Amount, rate, a.Currency)
	if err != nil {
		return err
	}
	d.Rate, d.Functional, d.FunctionalOpen = rate, c.To, c.To
	n.Original, n.Rate, n.Residual = d.Amount, rate, residual(c)
	return nil
}

// shares returns the functional values that applying amount of credit c to
// debit d takes from each (see invoice.Document.Share). The two documents
// must be in one currency, amount's, and their accounts in one functional
// currency; a credit and a debit in different currencies are refused with
// ErrCurrencyMismatch (the package doc says why).
func (t *txn) shares(c, d *invoice.Document, amount money.Money) (cv, dv money.Money, err error) {
	if c.Amount.Currency() != d.Amount.Currency() {
		return cv, dv, docErr(d.ID, fail(ErrCurrencyMismatch, "credit %q is in %s, debit %q in %s",
			c.ID, c.Amount.Currency(), d.ID, d.Amount.Currency()))
	}
	if c.OpenValue().Currency() != d.OpenValue().Currency() {
		return cv, dv, docErr(d.ID, fail(ErrCurrencyMismatch, "credit %q is booked in %s, debit %q in %s",
			c.ID, c.OpenValue().Currency(), d.ID, d.OpenValue().Currency()))
	}
	if cv, err = c.Share(amount); err != nil {
		return cv, dv, t.stale(c.ID, err)
	}
	if dv, err = d.Share(amount); err != nil {
		return cv, dv, t.stale(d.ID, err)
	}
	return cv, dv, nil
}

// fxNote is a history entry of an exchange difference waiting to be
// recorded after the entry of the operation that made it.
type fxNote struct {
	account string
	note    note
}

// noteDifference queues the history entry of app's exchange difference, if
// it has one: realized for an application, reversed for a reversal.
func (t *txn) noteDifference(app Application) {
	if !app.Difference.IsValid() || app.Difference.IsZero() {
		return
	}
	n := note{Kind: ExchangeDifferenceRealized, Document: app.Debit, Amount: app.Difference}
	if app.Reverses != "" {
		n.Kind, n.Amount = ExchangeDifferenceReversed, app.Difference.Neg()
	}
	t.fx = append(t.fx, fxNote{account: app.DebitAccount, note: n})
}

// flushDifferences records the queued exchange differences of account
// (every account when account is ""), in the order they were made.
func (t *txn) flushDifferences(account string) error {
	var keep []fxNote
	queued := t.fx
	t.fx = nil
	for _, f := range queued {
		if account != "" && f.account != account {
			keep = append(keep, f)
			continue
		}
		if err := t.record(f.account, f.note); err != nil {
			return err
		}
	}
	t.fx = append(keep, t.fx...)
	return nil
}

// isDifference reports whether op journals an exchange difference.
func isDifference(op EntryKind) bool {
	return op == ExchangeDifferenceRealized || op == ExchangeDifferenceReversed
}

// printRate writes a request's booking rate to its fingerprint, only when
// one is given, so that the fingerprints of requests without one stay as
// they were before rates were taken.
func printRate(fp *encoder, r money.Rate) {
	if r.IsValid() {
		fp.rate(r)
	}
}

// inFunctional makes n, the entry of an operation that took amount off
// document d's open balance (in d's currency) when d's open value was
// before, speak in the account's currency: for a foreign document, Amount
// becomes the functional value taken, with the amount given as Original
// and the booked rate; a document in its account's currency keeps amount.
func inFunctional(n *note, d *invoice.Document, amount, before money.Money) {
	n.Amount = amount
	if !d.IsForeign() {
		return
	}
	if v, err := before.Sub(d.OpenValue()); err == nil {
		n.Amount, n.Original, n.Rate = v, amount, d.Rate
	}
}

// refuseForeign refuses an operation that does not take documents held in
// a foreign currency.
func refuseForeign(d *invoice.Document, what string) error {
	if d.IsForeign() {
		return docErr(d.ID, fail(ErrCurrencyMismatch, "%q is held in %s on a %s account: %s takes documents in the account's currency only",
			d.ID, d.Amount.Currency(), d.Rate.To(), what))
	}
	return nil
}

// residual is what converting rounded away, in the currency converted to. A
// conversion's residual always fits a Residual (its digits are bounded by
// those of an amount and a rate), so the error cannot happen.
func residual(c money.Conversion) money.Residual {
	r, _ := money.NewResidual(c.To.Currency(), &c.Residual)
	return r
}
