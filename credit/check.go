package credit

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The checks of a request's shape, run before any I/O (see spec.check).

// MaxKeyLen bounds idempotency keys, ids and principal ids, in bytes.
const MaxKeyLen = 200

// maxDocs bounds the documents one request may name.
const maxDocs = 10000

// checkID validates an id, key or reference given by a caller. Text holds
// no NUL byte, which a SQL database cannot keep in a text column: refusing
// it here makes every store answer alike.
func checkID(what, s string, required bool) error {
	if s == "" {
		if required {
			return fail(ErrInvalidRequest, "%s is required", what)
		}
		return nil
	}
	if len(s) > MaxKeyLen || !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return fail(ErrInvalidRequest, "%s must be at most %d bytes of UTF-8 without NUL", what, MaxKeyLen)
	}
	return nil
}

// checkIDs validates several ids of one kind.
func checkIDs(what string, ids []string) error {
	for _, id := range ids {
		if err := checkID(what, id, true); err != nil {
			return err
		}
	}
	return nil
}

func checkPrincipal(p Principal) error {
	if err := checkID("principal namespace", p.Namespace, true); err != nil {
		return err
	}
	return checkID("principal id", p.ID, true)
}

// checkText bounds free text (references, comments, reasons, names): valid
// UTF-8 (it is recorded as JSON and in text columns), without NUL bytes.
func checkText(ss ...string) error {
	for _, s := range ss {
		if len(s) > invoice.MaxTextLen {
			return fail(ErrInvalidRequest, "text longer than %d bytes", invoice.MaxTextLen)
		}
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return fail(ErrInvalidRequest, "text must be UTF-8 without NUL")
		}
	}
	return nil
}

// checkTimes refuses times outside the years 1 to 9999, which neither
// RFC 3339 nor a SQL timestamp can hold.
func checkTimes(ts ...time.Time) error {
	for _, t := range ts {
		if t.IsZero() {
			continue
		}
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return fail(ErrInvalidRequest, "a time in the year %d is outside 1 to 9999", y)
		}
	}
	return nil
}

// positive checks that a required amount is given and above zero.
func positive(what string, m money.Money) error {
	if !m.IsValid() {
		return fail(ErrInvalidAmount, "%s is required", what)
	}
	if !m.IsPositive() {
		return fail(ErrInvalidAmount, "%s %s is not positive", what, m)
	}
	return nil
}

// sameCurrency checks that an amount is given and in the currency c.
func sameCurrency(m money.Money, c money.Currency) error {
	if !m.IsValid() {
		return fail(ErrInvalidAmount, "amount is required")
	}
	if m.Currency() != c {
		return fail(ErrCurrencyMismatch, "%s amount on a %s account", m.Currency(), c)
	}
	return nil
}

// wholeOrPart checks that a request names exactly one of a positive amount
// and "all of it", so that a forgotten amount is never read as everything.
func wholeOrPart(amt money.Money, all bool) error {
	switch {
	case all && amt.IsValid():
		return fail(ErrInvalidRequest, "give an amount or all, not both")
	case all:
		return nil
	case !amt.IsValid():
		return fail(ErrInvalidAmount, "amount is required (or all)")
	}
	return positive("amount", amt)
}
