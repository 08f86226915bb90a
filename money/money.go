package money

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
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
// there is ErrTooManyDecimals. "-0" is zero. Text longer than MaxTextLen is
// refused before it is read.
func New(cur Currency, amount string) (Money, error) {
	if cur.IsZero() {
		return Money{}, errNoCurrency()
	}
	m := Money{cur: cur}
	if err := parsePlain(&m.amt, amount, cur.MinorUnits()); err != nil {
		return Money{}, err
	}
	return m, nil
}

// parsePlain reads the grammar -?D+(.D+)? into d at exponent -minor in one
// pass, building the coefficient from the digits directly (it never exceeds
// MaxDigits digits, so 128 bits hold it). It neither allocates nor formats on
// success. The errors it reports, in order of precedence: too long, not a
// plain decimal, too many decimals, too many digits.
func parsePlain(d *apd.Decimal, s string, minor int) error {
	if len(s) > MaxTextLen {
		return errAmountTooLong
	}
	i := 0
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		i++
	}
	var hi, lo uint64 // the coefficient, hi·2⁶⁴ + lo
	sig := 0          // significant digits read into the coefficient
	push := func(c byte) {
		if sig == 0 && c == 0 {
			return
		}
		sig++
		if sig > MaxDigits {
			return // an error below; stop before 128 bits could overflow
		}
		h, l := bits.Mul64(lo, 10)
		l, carry := bits.Add64(l, uint64(c), 0)
		hi, lo = hi*10+h+carry, l
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		push(s[i] - '0')
		i++
	}
	if i == intStart {
		return errPlain(s)
	}
	frac, extra := 0, false // decimals read; a non-zero digit beyond minor
	if i < len(s) {
		if s[i] != '.' {
			return errPlain(s)
		}
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if frac < minor {
				push(s[i] - '0')
				frac++
			} else if s[i] != '0' {
				extra = true
			}
			i++
		}
		if i == fs || i != len(s) {
			return errPlain(s)
		}
	}
	if extra {
		return fmt.Errorf("%w: %q has more than %d decimals", ErrTooManyDecimals, clip(s), minor)
	}
	for ; frac < minor; frac++ {
		push(0)
	}
	if sig > MaxDigits {
		return fmt.Errorf("%w: %q has more than %d digits", ErrInvalidAmount, clip(s), MaxDigits)
	}
	if hi == 0 && lo <= math.MaxInt64 {
		d.SetFinite(int64(lo), int32(-minor))
	} else {
		var low apd.BigInt
		d.Coeff.SetUint64(hi)
		d.Coeff.Lsh(&d.Coeff, 64)
		d.Coeff.Add(&d.Coeff, low.SetUint64(lo))
		d.Form = apd.Finite
		d.Exponent = int32(-minor)
	}
	d.Negative = neg && sig > 0 // "-0" is zero
	return nil
}

// Refusals of over-long text are made once: refusing a hostile input then
// costs a comparison of its length and nothing else, not even formatting.
var (
	errAmountTooLong = fmt.Errorf("%w: text is longer than the %d bytes allowed", ErrInvalidAmount, MaxTextLen)
	errMoneyTooLong  = fmt.Errorf("%w: text is longer than the %d bytes allowed", ErrInvalidAmount, MaxTextLen+4)
	errRateTooLong   = fmt.Errorf("%w: text is longer than the %d bytes allowed", ErrInvalidRate, MaxTextLen)
	errRatePairLong  = fmt.Errorf("%w: text is longer than the %d bytes allowed", ErrInvalidRate, MaxTextLen+8)
)

func errPlain(s string) error {
	return fmt.Errorf("%w: %q is not a plain decimal", ErrInvalidAmount, clip(s))
}

func errNoCurrency() error { return fmt.Errorf("%w: no currency", ErrInvalidCurrency) }

// Parse reads the canonical text form "USD 12.34" (a currency code, one
// space, a plain decimal as for [New]).
func Parse(s string) (Money, error) {
	if len(s) > MaxTextLen+4 {
		return Money{}, errMoneyTooLong
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
// FromMinor(JPY, 1234) is JPY 1234. The zero Currency is ErrInvalidCurrency.
func FromMinor(cur Currency, minor int64) (Money, error) {
	if cur.IsZero() {
		return Money{}, errNoCurrency()
	}
	m := Money{cur: cur}
	m.amt.SetFinite(minor, int32(-cur.MinorUnits()))
	return m, nil
}

// Zero returns zero in cur (the zero Money when cur is the zero Currency).
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
// ErrInvalidAmount when the count does not fit an int64, and with
// ErrInvalidCurrency for the zero Money.
func (m Money) Minor() (int64, error) {
	if m.cur.IsZero() {
		return 0, errNoCurrency()
	}
	var c apd.Decimal
	c.Coeff.Set(&m.amt.Coeff)
	c.Negative = m.amt.Negative
	v, err := c.Int64()
	if err != nil {
		return 0, fmt.Errorf("%w: %s does not fit in int64 minor units", ErrInvalidAmount, m)
	}
	return v, nil
}

// mismatch is the error for an operation on m and o when they are not both
// valid and in one currency. It is only called on that failure path, so the
// arithmetic itself neither formats nor allocates.
func (m Money) mismatch(o Money) error {
	if m.cur.IsZero() || o.cur.IsZero() {
		return errNoCurrency()
	}
	return fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.cur, o.cur)
}

// maxBits is the bit length below which a coefficient surely has at most
// MaxDigits digits (10^MaxDigits needs one bit more), so the exact digit
// count is only taken for the rare amount close to the bound.
var maxBits = new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxDigits), nil).BitLen() - 1

// finish normalises a computed amount: −0 becomes 0, and an amount with more
// than MaxDigits digits (one Parse could not read back) is an error.
func finish(d *apd.Decimal) bool {
	if d.Negative && d.IsZero() {
		d.Negative = false
	}
	return d.Coeff.BitLen() <= maxBits || d.NumDigits() <= MaxDigits
}

// Add returns m + o. Different currencies are ErrCurrencyMismatch; a sum of
// more than MaxDigits digits is ErrInvalidAmount.
func (m Money) Add(o Money) (Money, error) {
	if m.cur != o.cur || m.cur.IsZero() {
		return Money{}, m.mismatch(o)
	}
	r := Money{cur: m.cur}
	if x, ok := small(&m.amt); ok {
		if y, ok := small(&o.amt); ok && m.amt.Exponent == o.amt.Exponent {
			if s, ok := addInt64(x, y); ok {
				setSmall(&r.amt, s, m.amt.Exponent)
				return r, nil
			}
		}
	}
	if _, err := ctx.Add(&r.amt, &m.amt, &o.amt); err != nil || !finish(&r.amt) {
		return Money{}, errTooLarge(m, "+", o)
	}
	return r, nil
}

// Sub returns m − o, with the errors of Add.
func (m Money) Sub(o Money) (Money, error) {
	if m.cur != o.cur || m.cur.IsZero() {
		return Money{}, m.mismatch(o)
	}
	r := Money{cur: m.cur}
	if x, ok := small(&m.amt); ok {
		if y, ok := small(&o.amt); ok && m.amt.Exponent == o.amt.Exponent && y != math.MinInt64 {
			if s, ok := addInt64(x, -y); ok {
				setSmall(&r.amt, s, m.amt.Exponent)
				return r, nil
			}
		}
	}
	if _, err := ctx.Sub(&r.amt, &m.amt, &o.amt); err != nil || !finish(&r.amt) {
		return Money{}, errTooLarge(m, "-", o)
	}
	return r, nil
}

// small returns the signed coefficient of d when it fits an int64 (every
// amount below about 92 quadrillion units does): the fast path of Add and
// Sub, which then need neither apd's rounding machinery nor a digit check,
// as 19 digits are within MaxDigits.
func small(d *apd.Decimal) (int64, bool) {
	if d.Form != apd.Finite || !d.Coeff.IsUint64() {
		return 0, false
	}
	u := d.Coeff.Uint64()
	if u > math.MaxInt64 {
		return 0, false
	}
	if d.Negative {
		return -int64(u), true
	}
	return int64(u), true
}

// addInt64 returns x + y and whether it did not overflow.
func addInt64(x, y int64) (int64, bool) {
	s := x + y
	return s, (s > x) == (y > 0)
}

// setSmall sets d to v·10^exp (never −0).
func setSmall(d *apd.Decimal, v int64, exp int32) {
	d.Form = apd.Finite
	d.Exponent = exp
	d.Negative = v < 0
	if v < 0 {
		d.Coeff.SetUint64(uint64(-v))
	} else {
		d.Coeff.SetUint64(uint64(v))
	}
}

func errTooLarge(m Money, op string, o Money) error {
	return fmt.Errorf("%w: %s %s %s has more than %d digits", ErrInvalidAmount, m.Amount(), op, o.Amount(), MaxDigits)
}

// Neg returns −m (zero stays zero, never −0).
func (m Money) Neg() Money {
	r := Money{cur: m.cur}
	r.amt.Neg(&m.amt)
	finish(&r.amt)
	return r
}

// Abs returns |m|.
func (m Money) Abs() Money {
	r := Money{cur: m.cur}
	r.amt.Abs(&m.amt)
	return r
}

// clone returns m with storage of its own.
func (m Money) clone() Money {
	r := Money{cur: m.cur}
	r.amt.Set(&m.amt)
	return r
}

// Cmp compares m and o: -1 if m < o, 0 if equal, +1 if m > o. Different
// currencies are ErrCurrencyMismatch.
func (m Money) Cmp(o Money) (int, error) {
	if m.cur != o.cur || m.cur.IsZero() {
		return 0, m.mismatch(o)
	}
	return m.amt.Cmp(&o.amt), nil
}

// Min returns the smaller of m and o (m when equal), with the errors of Cmp.
func (m Money) Min(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c <= 0 {
		return m.clone(), nil
	}
	return o.clone(), nil
}

// Max returns the larger of m and o (m when equal), with the errors of Cmp.
func (m Money) Max(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c >= 0 {
		return m.clone(), nil
	}
	return o.clone(), nil
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
	return m.AppendText(make([]byte, 0, 24))
}

// AppendText appends the canonical form of MarshalText to b (nothing for
// the zero Money), allocating only if b lacks room (encoding.TextAppender).
func (m Money) AppendText(b []byte) ([]byte, error) {
	if m.cur.IsZero() {
		return b, nil
	}
	b = append(b, m.cur.Code()...)
	b = append(b, ' ')
	return m.amt.Append(b, 'f'), nil
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
