package money

import (
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Bounds on input. No real amount needs more: the largest sums of money in
// any currency (including those with three decimals) have fewer than 24
// significant digits, and a plain decimal of that size is under 40 bytes.
const (
	// MaxDigits is the most significant digits an amount may have, counting
	// its minor-unit decimals.
	MaxDigits = 24
	// MaxTextLen is the longest amount text that is read at all; longer input
	// is refused before any parsing, so hostile input costs no more than a
	// short one.
	MaxTextLen = 64
)

// ctx is the one context every computation goes through. A result that would
// need rounding (Inexact), is too large (Overflow) or is undefined
// (InvalidOperation) is an error, never a quiet change. It is never mutated.
var ctx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(34)
	c.Traps |= apd.Inexact | apd.Overflow | apd.InvalidOperation
	return c
}()

// Money is an exact amount in a currency. The zero value has no currency and
// is not valid money; most methods report ErrInvalidCurrency for it.
// Every valid Money carries exactly its currency's minor-unit decimals.
type Money struct {
	amt apd.Decimal
	cur Currency
}

// New returns the amount written as a plain decimal ("-12.30", "1500") in cur.
// It accepts an optional leading minus, digits, and an optional fraction;
// no exponent, no grouping, no NaN or infinity. Trailing zeros beyond the
// currency's decimals are accepted ("12.340" USD is 12.34); any other digit
// there is ErrTooManyDecimals. "-0" is zero.
func New(cur Currency, amount string) (Money, error) {
	if cur.IsZero() {
		return Money{}, fmt.Errorf("%w: no currency", ErrInvalidCurrency)
	}
	minor := cur.MinorUnits()
	if err := checkPlain(amount, minor); err != nil {
		return Money{}, err
	}
	var m Money
	m.cur = cur
	if _, _, err := ctx.SetString(&m.amt, amount); err != nil {
		return Money{}, fmt.Errorf("%w: %q", ErrInvalidAmount, clip(amount))
	}
	if _, err := ctx.Quantize(&m.amt, &m.amt, int32(-minor)); err != nil {
		return Money{}, fmt.Errorf("%w: %q", ErrInvalidAmount, clip(amount))
	}
	m.amt.Negative = m.amt.Negative && !m.amt.IsZero()
	return m, nil
}

// checkPlain validates the grammar -?D+(.D+)? and the digit bounds without
// allocating, before apd sees the text.
func checkPlain(s string, minor int) error {
	if len(s) == 0 || len(s) > MaxTextLen {
		return fmt.Errorf("%w: %q", ErrInvalidAmount, clip(s))
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := s[intStart:i]
	if len(intDigits) == 0 {
		return fmt.Errorf("%w: %q", ErrInvalidAmount, clip(s))
	}
	frac := ""
	if i < len(s) {
		if s[i] != '.' {
			return fmt.Errorf("%w: %q", ErrInvalidAmount, clip(s))
		}
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		frac = s[fs:i]
		if len(frac) == 0 || i != len(s) {
			return fmt.Errorf("%w: %q", ErrInvalidAmount, clip(s))
		}
	}
	if len(frac) > minor && strings.TrimRight(frac[minor:], "0") != "" {
		return fmt.Errorf("%w: %q has more than %d decimals", ErrTooManyDecimals, clip(s), minor)
	}
	if significant := len(strings.TrimLeft(intDigits, "0")) + minor; significant > MaxDigits {
		return fmt.Errorf("%w: %q has more than %d digits", ErrInvalidAmount, clip(s), MaxDigits)
	}
	return nil
}

// Parse reads the canonical text form "USD 12.34" (a currency code, one
// space, a plain decimal as for [New]).
func Parse(s string) (Money, error) {
	if len(s) > MaxTextLen+4 {
		return Money{}, fmt.Errorf("%w: %q", ErrInvalidAmount, clip(s))
	}
	code, amount, ok := strings.Cut(s, " ")
	if !ok {
		return Money{}, fmt.Errorf("%w: %q is not \"CUR amount\"", ErrInvalidAmount, clip(s))
	}
	cur, err := ParseCurrency(code)
	if err != nil {
		return Money{}, err
	}
	return New(cur, amount)
}

// MustParse is like Parse but panics on error. Use it in tests and examples
// only; input from outside goes through Parse or New.
func MustParse(s string) Money {
	m, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return m
}

// FromMinor returns minor units of cur: FromMinor(USD, 1234) is USD 12.34,
// FromMinor(JPY, 1234) is JPY 1234.
func FromMinor(cur Currency, minor int64) (Money, error) {
	if cur.IsZero() {
		return Money{}, fmt.Errorf("%w: no currency", ErrInvalidCurrency)
	}
	var m Money
	m.cur = cur
	m.amt.SetFinite(minor, int32(-cur.MinorUnits()))
	return m, nil
}

// Zero returns zero in cur.
func Zero(cur Currency) Money {
	m, _ := FromMinor(cur, 0)
	return m
}

// Currency returns the currency of m.
func (m Money) Currency() Currency { return m.cur }

// IsValid reports whether m has a currency (the zero Money does not).
func (m Money) IsValid() bool { return !m.cur.IsZero() }

// Decimal returns a copy of the amount; changing it does not change m.
func (m Money) Decimal() *apd.Decimal { return new(apd.Decimal).Set(&m.amt) }

// Minor returns the amount in minor units (USD 12.34 is 1234). It fails with
// ErrInvalidAmount when the count does not fit an int64.
func (m Money) Minor() (int64, error) {
	var c apd.Decimal
	c.Coeff.Set(&m.amt.Coeff)
	c.Negative = m.amt.Negative
	v, err := c.Int64()
	if err != nil {
		return 0, fmt.Errorf("%w: %s does not fit in int64 minor units", ErrInvalidAmount, m)
	}
	return v, nil
}

func (m Money) same(o Money) error {
	if m.cur.IsZero() || o.cur.IsZero() {
		return fmt.Errorf("%w: no currency", ErrInvalidCurrency)
	}
	if m.cur != o.cur {
		return fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.cur, o.cur)
	}
	return nil
}

// Add returns m + o. Different currencies are ErrCurrencyMismatch; a sum too
// large to hold exactly is ErrInvalidAmount.
func (m Money) Add(o Money) (Money, error) {
	if err := m.same(o); err != nil {
		return Money{}, err
	}
	r := Money{cur: m.cur}
	if _, err := ctx.Add(&r.amt, &m.amt, &o.amt); err != nil {
		return Money{}, fmt.Errorf("%w: %s + %s: %v", ErrInvalidAmount, m, o, err)
	}
	r.amt.Negative = r.amt.Negative && !r.amt.IsZero()
	return r, nil
}

// Sub returns m − o, with the errors of Add.
func (m Money) Sub(o Money) (Money, error) {
	if err := m.same(o); err != nil {
		return Money{}, err
	}
	r := Money{cur: m.cur}
	if _, err := ctx.Sub(&r.amt, &m.amt, &o.amt); err != nil {
		return Money{}, fmt.Errorf("%w: %s - %s: %v", ErrInvalidAmount, m, o, err)
	}
	r.amt.Negative = r.amt.Negative && !r.amt.IsZero()
	return r, nil
}

// Neg returns −m (zero stays zero, never −0).
func (m Money) Neg() Money {
	r := Money{cur: m.cur}
	r.amt.Neg(&m.amt)
	r.amt.Negative = r.amt.Negative && !r.amt.IsZero()
	return r
}

// Abs returns |m|.
func (m Money) Abs() Money {
	r := Money{cur: m.cur}
	r.amt.Abs(&m.amt)
	return r
}

// Cmp compares m and o: -1 if m < o, 0 if equal, +1 if m > o. Different
// currencies are ErrCurrencyMismatch.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.same(o); err != nil {
		return 0, err
	}
	return m.amt.Cmp(&o.amt), nil
}

// Min returns the smaller of m and o (m when equal).
func (m Money) Min(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c <= 0 {
		return m, nil
	}
	return o, nil
}

// Max returns the larger of m and o (m when equal).
func (m Money) Max(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c >= 0 {
		return m, nil
	}
	return o, nil
}

// Sign returns -1, 0 or +1.
func (m Money) Sign() int { return m.amt.Sign() }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.amt.IsZero() }

// IsPositive reports whether the amount is above zero.
func (m Money) IsPositive() bool { return m.amt.Sign() > 0 }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.amt.Sign() < 0 }

// Equal reports whether m and o are the same amount in the same currency.
// go-cmp uses it, so tests compare values, not internals.
func (m Money) Equal(o Money) bool {
	return m.cur == o.cur && m.amt.Cmp(&o.amt) == 0
}

// Amount returns the plain decimal text of the amount ("-22400.00"), as
// New reads it.
func (m Money) Amount() string {
	if m.cur.IsZero() {
		return ""
	}
	return m.amt.Text('f')
}

// String returns the form for people: the code, a space, and the amount with
// its integer part grouped in threes by commas ("USD 22,400.00",
// "USD -1,234.50", "JPY 1,500"). The zero Money prints as "".
func (m Money) String() string {
	if m.cur.IsZero() {
		return ""
	}
	return m.cur.Code() + " " + Group(m.amt.Text('f'))
}

// Group inserts commas between groups of three digits of the integer part of
// a plain decimal ("-22400.00" → "-22,400.00").
func Group(plain string) string {
	sign := ""
	if strings.HasPrefix(plain, "-") {
		sign, plain = "-", plain[1:]
	}
	intPart, frac, hasFrac := strings.Cut(plain, ".")
	var b strings.Builder
	b.Grow(len(plain) + len(plain)/3 + 1)
	b.WriteString(sign)
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(intPart[i])
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// MarshalText returns the canonical form "USD 22400.00" (empty for the zero
// Money); Parse and UnmarshalText read it back to an equal value.
func (m Money) MarshalText() ([]byte, error) {
	if m.cur.IsZero() {
		return []byte{}, nil
	}
	return []byte(m.cur.Code() + " " + m.amt.Text('f')), nil
}

// UnmarshalText reads the canonical form; empty text gives the zero Money.
func (m *Money) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Money{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
