package invoice

import (
	"fmt"

	"github.com/arcredit/arcredit/money"
)

// Settle returns d with amount taken off its open balance: a debit paid by
// an application, or a credit used by one. When nothing stays open the
// status becomes Paid (debit) or Closed (credit). The amount must be
// positive, in d's currency, and no more than the open balance.
func (d Document) Settle(amount money.Money) (Document, error) {
	return d.takeOff(amount, 0)
}

// Remove returns d with amount taken off its open balance for a reason other
// than an application: a refund, a reversal, a void, an expiry, a transfer
// or an adjustment. When nothing stays open the status becomes end. The rules
// on amount are those of Settle; end must be a status a settled document of
// d's kind can have (Paid or Void for a debit; Closed, Reversed, Refunded or
// Expired for a credit), else the error wraps ErrInvalid.
func (d Document) Remove(amount money.Money, end Status) (Document, error) {
	if !endFits(d.Kind, end) {
		return d, fmt.Errorf("%w %q: a %s cannot end %s", ErrInvalid, clip(d.ID), d.Kind, end)
	}
	return d.takeOff(amount, end)
}

// endFits reports whether a document of kind k may end in status end.
func endFits(k Kind, end Status) bool {
	switch end {
	case Paid, Void:
		return k.IsDebit()
	case Closed, Reversed, Refunded, Expired:
		return k.IsCredit()
	}
	return false
}

func (d Document) takeOff(amount money.Money, end Status) (Document, error) {
	if err := d.checkChange(amount); err != nil {
		return d, err
	}
	open, err := d.Open.Sub(amount)
	if err != nil {
		return d, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
	}
	if open.IsNegative() {
		return d, fmt.Errorf("%w %q: %s is more than the open balance %s", ErrInvalid, clip(d.ID), amount, d.Open)
	}
	if d.IsForeign() {
		share, err := d.Share(amount)
		if err != nil {
			return d, err
		}
		if d.FunctionalOpen, err = d.FunctionalOpen.Sub(share); err != nil {
			return d, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
		}
	}
	d.Open = open
	if open.IsZero() {
		switch {
		case end != 0:
			d.Status = end
		case d.IsDebit():
			d.Status = Paid
		default:
			d.Status = Closed
		}
	}
	return d, nil
}

// Share is the part of a document's open balance in its account's currency
// that leaves it with amount of its open balance in its own currency: amount
// itself for a document in its account's currency; for a foreign document,
// all of FunctionalOpen when amount is all of Open (the last share takes
// the rounding remainder, so that a settled document keeps nothing in
// either currency), else amount converted at the booked Rate, rounded
// half-even and never more than FunctionalOpen. The rules on amount are
// those of Settle.
func (d Document) Share(amount money.Money) (money.Money, error) {
	if err := d.checkChange(amount); err != nil {
		return money.Money{}, err
	}
	if !d.IsForeign() {
		return amount, nil
	}
	c, err := amount.Cmp(d.Open)
	if err != nil {
		return money.Money{}, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
	}
	if c == 0 {
		return d.FunctionalOpen, nil
	}
	conv, err := d.Rate.Convert(amount)
	if err != nil {
		return money.Money{}, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
	}
	share, _ := conv.To.Min(d.FunctionalOpen)
	return share, nil
}

// Restore returns d with amount given back to its open balance, as when an
// application is reversed; the status becomes Open. The open balance may
// not rise above the amount. A foreign document gets back amount converted
// at its booked rate, all that it gave up once whole again; RestoreValue
// gives back an exact share instead.
func (d Document) Restore(amount money.Money) (Document, error) {
	if !d.IsForeign() {
		return d.RestoreValue(amount, money.Money{})
	}
	if err := d.checkChange(amount); err != nil {
		return d, err
	}
	value := d.Functional
	if open, err := d.Open.Add(amount); err == nil && !open.Equal(d.Amount) {
		conv, err := d.Rate.Convert(amount)
		if err != nil {
			return d, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
		}
		value = conv.To
	} else if value, err = value.Sub(d.FunctionalOpen); err != nil {
		return d, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
	}
	return d.RestoreValue(amount, value)
}

// RestoreValue is Restore giving back value, in the account's currency, to
// a foreign document's FunctionalOpen: the exact share an application took,
// when it is reversed. value must be zero or positive, and may not lift
// FunctionalOpen above Functional; for a document in its account's
// currency it is ignored.
func (d Document) RestoreValue(amount, value money.Money) (Document, error) {
	if err := d.checkChange(amount); err != nil {
		return d, err
	}
	if d.IsForeign() {
		fo, err := d.FunctionalOpen.Add(value)
		if err != nil || value.IsNegative() {
			return d, fmt.Errorf("%w %q: value %s for a document booked in %s", ErrInvalid, clip(d.ID), value, d.Functional.Currency())
		}
		if c, _ := fo.Cmp(d.Functional); c > 0 {
			return d, fmt.Errorf("%w %q: restoring %s would lift the functional open balance above %s", ErrInvalid, clip(d.ID), value, d.Functional)
		}
		d.FunctionalOpen = fo
	}
	open, err := d.Open.Add(amount)
	if err != nil {
		return d, fmt.Errorf("%w %q: %w", ErrInvalid, clip(d.ID), err)
	}
	if c, _ := open.Cmp(d.Amount); c > 0 {
		return d, fmt.Errorf("%w %q: restoring %s would lift the open balance above the amount %s", ErrInvalid, clip(d.ID), amount, d.Amount)
	}
	d.Open = open
	d.Status = Open
	return d, nil
}

func (d Document) checkChange(amount money.Money) error {
	if !amount.IsPositive() {
		return fmt.Errorf("%w %q: amount %s is not positive", ErrInvalid, clip(d.ID), amount)
	}
	if amount.Currency() != d.Amount.Currency() {
		return fmt.Errorf("%w %q: %w: %s on a %s document", ErrInvalid, clip(d.ID), money.ErrCurrencyMismatch, amount.Currency(), d.Amount.Currency())
	}
	return nil
}
