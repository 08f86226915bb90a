package money

import (
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// MaxResidualDigits bounds the significant digits of a Residual: the
// product of an amount (MaxDigits) and a rate (MaxRateDigits).
const MaxResidualDigits = MaxDigits + MaxRateDigits

// Residual is an exact amount in a currency that may carry more decimals
// than the currency's minor units: what rounding a conversion took away
// (Conversion.Residual), which a ledger records so that no fraction of a
// cent is lost unseen. It is kept with its trailing zeros dropped, so
// equal values print alike ("USD -0.001072", "USD 0"). The zero Residual
// has no currency and prints as "".
type Residual struct {
	cur Currency
	amt apd.Decimal
}

// NewResidual returns d in cur as a Residual. d must be finite and have at
// most MaxResidualDigits significant digits.
func NewResidual(cur Currency, d *apd.Decimal) (Residual, error) {
	if cur.IsZero() {
		return Residual{}, errNoCurrency()
	}
	if d.Form != apd.Finite {
		return Residual{}, fmt.Errorf("%w: residual %s is not a finite number", ErrInvalidAmount, d)
	}
	r := Residual{cur: cur}
	r.amt.Reduce(d)
	if r.amt.NumDigits() > MaxResidualDigits {
		return Residual{}, fmt.Errorf("%w: residual %s has more than %d digits", ErrInvalidAmount, d, MaxResidualDigits)
	}
	r.amt.Negative = r.amt.Negative && !r.amt.IsZero()
	if r.amt.IsZero() {
		r.amt.Exponent = 0
	}
	return r, nil
}

// ParseResidual reads the form Residual.MarshalText writes ("USD
// -0.001072"); "" gives the zero Residual.
func ParseResidual(s string) (Residual, error) {
	if s == "" {
		return Residual{}, nil
	}
	code, plain, ok := strings.Cut(s, " ")
	if !ok {
		return Residual{}, fmt.Errorf("%w: residual %q is not \"CUR amount\"", ErrInvalidAmount, s)
	}
	cur, err := ParseCurrency(code)
	if err != nil {
		return Residual{}, err
	}
	if len(plain) > MaxTextLen || strings.ContainsAny(plain, "eE+_,") || strings.TrimLeft(plain, "-0123456789.") != "" {
		return Residual{}, fmt.Errorf("%w: residual %q is not a plain decimal", ErrInvalidAmount, s)
	}
	d, _, err := apd.NewFromString(plain)
	if err != nil {
		return Residual{}, fmt.Errorf("%w: residual %q: %v", ErrInvalidAmount, s, err)
	}
	return NewResidual(cur, d)
}

// Currency returns the residual's currency (zero for the zero Residual).
func (r Residual) Currency() Currency { return r.cur }

// IsZero reports whether the residual is zero, with or without a currency.
func (r Residual) IsZero() bool { return r.amt.IsZero() }

// Decimal returns a copy of the exact amount.
func (r Residual) Decimal() *apd.Decimal { return new(apd.Decimal).Set(&r.amt) }

// Plain returns the amount alone as a plain decimal ("-0.001072", "0"; ""
// for the zero Residual).
func (r Residual) Plain() string {
	if r.cur.IsZero() {
		return ""
	}
	return r.amt.Text('f')
}

// Equal reports whether r and o are the same amount in the same currency.
func (r Residual) Equal(o Residual) bool {
	return r.cur == o.cur && r.amt.Cmp(&o.amt) == 0
}

// String returns the canonical form of MarshalText.
func (r Residual) String() string {
	b, _ := r.AppendText(nil)
	return string(b)
}

// MarshalText returns "USD -0.001072" (empty for the zero Residual).
func (r Residual) MarshalText() ([]byte, error) { return r.AppendText(nil) }

// AppendText appends the form of MarshalText to b.
func (r Residual) AppendText(b []byte) ([]byte, error) {
	if r.cur.IsZero() {
		return b, nil
	}
	b = append(b, r.cur.Code()...)
	b = append(b, ' ')
	return r.amt.Append(b, 'f'), nil
}

// UnmarshalText reads the form of MarshalText.
func (r *Residual) UnmarshalText(b []byte) error {
	v, err := ParseResidual(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
