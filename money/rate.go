package money

import (
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// MaxRateDigits bounds the significant digits of an exchange rate.
const MaxRateDigits = 20

// convertCtx multiplies exactly (MaxDigits+MaxRateDigits fit its precision)
// and rounds half-even when quantizing: conversion is the one place that
// rounds, and it reports what it rounded away.
var convertCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(MaxDigits + MaxRateDigits + 2)
	c.Rounding = apd.RoundHalfEven
	c.Traps |= apd.Overflow | apd.InvalidOperation
	return c
}()

// Rate is an exchange rate: one unit of From is worth Value units of To.
// "USD/EUR 0.8928" means USD 1.00 = EUR 0.8928.
type Rate struct {
	from, to Currency
	value    apd.Decimal
}

// NewRate returns the rate from → to of the given plain positive decimal.
// The currencies must differ; the value has at most MaxRateDigits
// significant digits.
func NewRate(from, to Currency, value string) (Rate, error) {
	if from.IsZero() || to.IsZero() || from == to {
		return Rate{}, fmt.Errorf("%w: %s/%s", ErrInvalidRate, from, to)
	}
	if err := checkRate(value); err != nil {
		return Rate{}, err
	}
	r := Rate{from: from, to: to}
	if _, _, err := ctx.SetString(&r.value, value); err != nil || r.value.Sign() <= 0 {
		return Rate{}, fmt.Errorf("%w: %q", ErrInvalidRate, clip(value))
	}
	return r, nil
}

func checkRate(s string) error {
	if len(s) > MaxTextLen {
		return errRateTooLong
	}
	if len(s) == 0 {
		return fmt.Errorf("%w: empty value", ErrInvalidRate)
	}
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
		case c == '.' && i > 0 && i < len(s)-1:
			dots++
		default:
			return fmt.Errorf("%w: %q", ErrInvalidRate, clip(s))
		}
	}
	if dots > 1 || digits == 0 || digits > MaxRateDigits {
		return fmt.Errorf("%w: %q", ErrInvalidRate, clip(s))
	}
	return nil
}

// ParseRate reads "USD/EUR 0.8928", the form String and MarshalText write.
// Every error wraps ErrInvalidRate; a bad code also wraps ErrInvalidCurrency.
func ParseRate(s string) (Rate, error) {
	if len(s) > MaxTextLen+8 {
		return Rate{}, errRatePairLong
	}
	pair, value, ok := strings.Cut(s, " ")
	f, t, ok2 := strings.Cut(pair, "/")
	if !ok || !ok2 {
		return Rate{}, fmt.Errorf("%w: %q is not \"FROM/TO value\"", ErrInvalidRate, clip(s))
	}
	from, err := ParseCurrency(f)
	if err != nil {
		return Rate{}, fmt.Errorf("%w: %w", ErrInvalidRate, err)
	}
	to, err := ParseCurrency(t)
	if err != nil {
		return Rate{}, fmt.Errorf("%w: %w", ErrInvalidRate, err)
	}
	return NewRate(from, to, value)
}

// MustParseRate is like ParseRate but panics on error; tests and examples only.
func MustParseRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

// From returns the currency converted from.
func (r Rate) From() Currency { return r.from }

// To returns the currency converted to.
func (r Rate) To() Currency { return r.to }

// IsValid reports whether r is a rate (the zero Rate is not).
func (r Rate) IsValid() bool { return !r.from.IsZero() }

// Value returns a copy of the rate's value.
func (r Rate) Value() *apd.Decimal { return new(apd.Decimal).Set(&r.value) }

// Equal reports whether two rates are the same pair and value.
func (r Rate) Equal(o Rate) bool {
	return r.from == o.from && r.to == o.to && r.value.Cmp(&o.value) == 0
}

// String returns "USD/EUR 0.8928" ("" for the zero Rate).
func (r Rate) String() string {
	if !r.IsValid() {
		return ""
	}
	return r.from.Code() + "/" + r.to.Code() + " " + r.value.Text('f')
}

// MarshalText returns the String form.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads the String form; empty text gives the zero Rate.
func (r *Rate) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = Rate{}
		return nil
	}
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Conversion is the result of converting an amount: the amount converted
// from, the rate, the amount converted to (rounded half-even to the target
// currency's minor units), and Residual, the exact product minus the rounded
// amount, which a ledger records so that no fraction of a cent is lost
// unseen.
type Conversion struct {
	From     Money
	Rate     Rate
	To       Money
	Residual apd.Decimal
}

// Convert converts m, which must be in r.From(), to r.To(), rounding half-even.
// USD 22,400.00 at USD/EUR 0.8928 is EUR 19,998.72 exactly; USD 100.01 is
// EUR 89.29 with a residual of -0.001072.
func (r Rate) Convert(m Money) (Conversion, error) {
	if !r.IsValid() {
		return Conversion{}, fmt.Errorf("%w: zero rate", ErrInvalidRate)
	}
	if m.cur != r.from {
		return Conversion{}, fmt.Errorf("%w: %s amount with rate %s", ErrCurrencyMismatch, m.cur, r)
	}
	var exact apd.Decimal
	if _, err := convertCtx.Mul(&exact, &m.amt, &r.value); err != nil {
		return Conversion{}, fmt.Errorf("%w: %s × %s: %v", ErrInvalidAmount, m, r, err)
	}
	c := Conversion{From: m.clone(), Rate: r, To: Money{cur: r.to}}
	if _, err := convertCtx.Quantize(&c.To.amt, &exact, int32(-r.to.MinorUnits())); err != nil {
		return Conversion{}, fmt.Errorf("%w: %s × %s: %v", ErrInvalidAmount, m, r, err)
	}
	c.To.amt.Negative = c.To.amt.Negative && !c.To.amt.IsZero()
	if _, err := convertCtx.Sub(&c.Residual, &exact, &c.To.amt); err != nil {
		return Conversion{}, fmt.Errorf("%w: %v", ErrInvalidAmount, err)
	}
	if c.To.amt.NumDigits() > MaxDigits {
		return Conversion{}, fmt.Errorf("%w: %s × %s is too large", ErrInvalidAmount, m, r)
	}
	return c, nil
}
