package invoice

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/arcredit/arcredit/money"
)

// ErrInvalid is wrapped by every error of Validate and of the transitions:
// a document that breaks a rule of its kind, or a change it cannot take.
var ErrInvalid = errors.New("invoice: invalid document")

// Limits on the text of a document.
const (
	MaxIDLen   = 128  // bytes in an ID, account or original reference
	MaxTextLen = 1024 // bytes in a reason, reference, company or person
)

// Validate checks that d is a well-formed document of its kind: an ID and
// account, a known kind and status that fits it, a positive amount in a
// valid currency, an open balance in the same currency with
// 0 ≤ open ≤ amount, an issue date, a due date not before it, an expiry
// after it, no recurring credit, and text and labels within bounds
// (ValidateLabels). Errors wrap ErrInvalid (and money.ErrCurrencyMismatch
// for a mixed currency).
func (d Document) Validate() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalid, clip(d.ID), fmt.Sprintf(format, a...))
	}
	switch {
	case d.ID == "" || len(d.ID) > MaxIDLen || !utf8.ValidString(d.ID):
		return fail("id must be 1 to %d bytes of UTF-8", MaxIDLen)
	case d.Account == "" || len(d.Account) > MaxIDLen || !utf8.ValidString(d.Account):
		return fail("account must be 1 to %d bytes of UTF-8", MaxIDLen)
	case !d.Kind.IsDebit() && !d.Kind.IsCredit():
		return fail("unknown kind %d", d.Kind)
	case !d.Amount.IsValid():
		return fail("no amount")
	case !d.Amount.IsPositive():
		return fail("amount %s is not positive", d.Amount)
	case d.Open.Currency() != d.Amount.Currency():
		return fmt.Errorf("%w: %w: open %s, amount %s", fail("currency"), money.ErrCurrencyMismatch, d.Open.Currency(), d.Amount.Currency())
	case d.Open.IsNegative():
		return fail("open balance %s is negative", d.Open)
	case d.Issued.IsZero():
		return fail("no issue date")
	case !d.Due.IsZero() && d.Due.Before(d.Issued):
		return fail("due %s before issue %s", d.Due.Format("2006-01-02"), d.Issued.Format("2006-01-02"))
	case !d.Expires.IsZero() && !d.Expires.After(d.Issued):
		return fail("expiry %s not after issue %s", d.Expires.Format("2006-01-02"), d.Issued.Format("2006-01-02"))
	case d.Recurring && d.IsCredit():
		return fail("a credit cannot be recurring")
	case !d.statusFits():
		return fail("status %s does not fit a %s with open %s", d.Status, d.Kind, d.Open)
	case len(d.Reason) > MaxTextLen || len(d.Reference) > MaxTextLen ||
		len(d.BillTo.Company) > MaxTextLen || len(d.BillTo.Person) > MaxTextLen:
		return fail("text longer than %d bytes", MaxTextLen)
	case len(d.Original) > MaxIDLen:
		return fail("original longer than %d bytes", MaxIDLen)
	}
	if c, _ := d.Open.Cmp(d.Amount); c > 0 {
		return fail("open balance %s above amount %s", d.Open, d.Amount)
	}
	if err := ValidateLabels(d.Labels); err != nil {
		return fmt.Errorf("%w %q: %s", ErrInvalid, clip(d.ID), strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	}
	return d.validateForeign(fail)
}

// validateForeign checks the functional figures: none on a document in its
// account's currency; on a foreign one, a rate from the document's currency,
// a positive Functional in the rate's target currency, and
// 0 ≤ FunctionalOpen ≤ Functional, with nothing left in the account's
// currency once nothing is left in the document's.
func (d Document) validateForeign(fail func(string, ...any) error) error {
	if !d.IsForeign() {
		if d.Functional.IsValid() || d.FunctionalOpen.IsValid() {
			return fail("functional figures without a rate")
		}
		return nil
	}
	to := d.Rate.To()
	switch {
	case d.Rate.From() != d.Amount.Currency():
		return fmt.Errorf("%w: %w: rate %s for a %s document", fail("rate"), money.ErrCurrencyMismatch, d.Rate, d.Amount.Currency())
	case d.Functional.Currency() != to || d.FunctionalOpen.Currency() != to:
		return fmt.Errorf("%w: %w: functional figures not in %s", fail("currency"), money.ErrCurrencyMismatch, to)
	case !d.Functional.IsPositive():
		return fail("functional amount %s is not positive", d.Functional)
	case d.FunctionalOpen.IsNegative():
		return fail("functional open balance %s is negative", d.FunctionalOpen)
	case d.Open.IsZero() && !d.FunctionalOpen.IsZero():
		return fail("functional open balance %s left on a settled document", d.FunctionalOpen)
	}
	if c, _ := d.FunctionalOpen.Cmp(d.Functional); c > 0 {
		return fail("functional open balance %s above functional amount %s", d.FunctionalOpen, d.Functional)
	}
	return nil
}

// statusFits: an open document has a positive open balance; a settled one
// (paid, closed) has none; the others may end with none only.
func (d Document) statusFits() bool {
	switch d.Status {
	case Open:
		return d.Open.IsPositive()
	case Paid:
		return d.IsDebit() && d.Open.IsZero()
	case Void:
		return d.IsDebit() && d.Open.IsZero()
	case Closed, Reversed, Refunded, Expired:
		return d.IsCredit() && d.Open.IsZero()
	}
	return false
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
