package money

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// grow mutates d in place until its coefficient has left apd's inline
// storage, so any value sharing its storage would change too.
func grow(d *apd.Decimal) {
	d.Coeff.Mul(&d.Coeff, apd.NewBigInt(1_000_000_000_000_000_007))
	d.Coeff.Mul(&d.Coeff, &d.Coeff)
	d.Coeff.Mul(&d.Coeff, &d.Coeff)
	d.Negative = !d.Negative
}

// TestResultsDoNotAlias writes into the storage of every result in place and
// checks that the operands did not change: no method hands back storage of
// another value.
func TestResultsDoNotAlias(t *testing.T) {
	a := MustParse("USD 1234567890123456789012.34")
	b := MustParse("USD -987654321098765432.10")
	wantA, wantB := a.Amount(), b.Amount()
	r := MustParseRate("USD/EUR 0.8928")
	results := map[string]func() Money{
		"Add": func() Money { m, _ := a.Add(b); return m },
		"Sub": func() Money { m, _ := a.Sub(b); return m },
		"Min": func() Money { m, _ := a.Min(b); return m },
		"Max": func() Money { m, _ := a.Max(b); return m },
		"Neg": func() Money { return a.Neg() },
		"Abs": func() Money { return b.Abs() },
		"From": func() Money {
			c, err := r.Convert(a)
			if err != nil {
				t.Fatal(err)
			}
			return c.From
		},
	}
	for name, f := range results {
		m := f()
		grow(&m.amt)
		if a.Amount() != wantA || b.Amount() != wantB {
			t.Fatalf("mutating the result of %s changed an operand: a=%s b=%s", name, a.Amount(), b.Amount())
		}
	}
	// Decimal copies even when the source itself is held outside the inline
	// array.
	var big Money
	big.cur = a.cur
	big.amt.Set(&a.amt)
	grow(&big.amt)
	want := big.amt.String()
	d := big.Decimal()
	grow(d)
	if big.amt.String() != want {
		t.Fatal("mutating Decimal() of a heap-stored amount changed it")
	}
	m := big.clone()
	grow(&m.amt)
	if big.amt.String() != want {
		t.Fatal("clone shares storage")
	}
}

// TestParsePlainMatchesApd: the hand-written parser gives exactly what apd's
// SetString followed by Quantize to the minor units gives.
func TestParsePlainMatchesApd(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "1", "-1", "12.3", "12.30", "12.300", "0.01", "-0.01", "007", "9223372036854775807",
		"92233720368547758.07", "92233720368547758.08", "184467440737095516.15", "184467440737095516.16",
		"9999999999999999999999.99", "-9999999999999999999999.99", "1.000000000000000000000000000000",
	} {
		for _, minor := range []int{0, 2, 3, 4} {
			var got apd.Decimal
			if err := parsePlain(&got, s, minor); err != nil {
				continue
			}
			if msg := matchApd(&got, s, minor); msg != "" {
				t.Errorf("parsePlain(%q, %d): %s", s, minor, msg)
			}
		}
	}
}

// matchApd returns "" when d is what apd reads from s quantized to minor
// decimals (with −0 as 0), else a description of the difference.
func matchApd(d *apd.Decimal, s string, minor int) string {
	var want apd.Decimal
	c := apd.BaseContext.WithPrecision(200)
	if _, _, err := c.SetString(&want, s); err != nil {
		return "apd refuses it: " + err.Error()
	}
	if _, err := c.Quantize(&want, &want, int32(-minor)); err != nil {
		return "apd cannot quantize it: " + err.Error()
	}
	if want.IsZero() {
		want.Negative = false
	}
	if d.Cmp(&want) != 0 || d.Exponent != want.Exponent || d.Negative != want.Negative || d.Form != apd.Finite {
		return "got " + d.String() + ", apd " + want.String()
	}
	return ""
}

// TestLongTextRefusedByLength: over-long text is refused by the length bound
// itself (the preformatted error), not by reading it.
func TestLongTextRefusedByLength(t *testing.T) {
	huge := strings.Repeat("1", 100_000)
	if _, err := New(MustCurrency("USD"), huge); err != errAmountTooLong {
		t.Errorf("New(huge) = %v", err)
	}
	if _, err := New(MustCurrency("USD"), huge[:MaxTextLen+1]); err != errAmountTooLong {
		t.Errorf("New(MaxTextLen+1) = %v", err)
	}
	if _, err := Parse("USD " + huge); err != errMoneyTooLong {
		t.Errorf("Parse(huge) = %v", err)
	}
	if _, err := NewRate(MustCurrency("USD"), MustCurrency("EUR"), huge); err != errRateTooLong {
		t.Errorf("NewRate(huge) = %v", err)
	}
	if _, err := ParseRate("USD/EUR " + huge); err != errRatePairLong {
		t.Errorf("ParseRate(huge) = %v", err)
	}
	// Exactly MaxTextLen is still read (and here refused for its digits).
	if _, err := New(MustCurrency("USD"), huge[:MaxTextLen]); err == errAmountTooLong || !errors.Is(err, ErrInvalidAmount) {
		t.Errorf("New(MaxTextLen) = %v", err)
	}
}

// TestAddInt64 covers the overflow check of the fast path.
func TestAddInt64(t *testing.T) {
	const max, min = math.MaxInt64, math.MinInt64
	for _, tc := range []struct {
		x, y int64
		ok   bool
	}{
		{1, 2, true}, {-1, 1, true}, {0, 0, true}, {max, 0, true}, {max, 1, false}, {max, -1, true},
		{min, -1, false}, {min, 1, true}, {min, 0, true}, {max, max, false}, {min, min, false}, {max, min, true},
	} {
		if s, ok := addInt64(tc.x, tc.y); ok != tc.ok || (ok && s != tc.x+tc.y) {
			t.Errorf("addInt64(%d, %d) = %d, %v", tc.x, tc.y, s, ok)
		}
	}
	// Sums crossing the int64 boundary leave the fast path and stay exact.
	a := MustParse("USD 92233720368547758.07")
	s, err := a.Add(MustParse("USD 0.01"))
	if err != nil || s.Amount() != "92233720368547758.08" {
		t.Errorf("max int64 cents + 1 = %v, %v", s, err)
	}
	d, err := a.Neg().Sub(MustParse("USD 0.02"))
	if err != nil || d.Amount() != "-92233720368547758.09" {
		t.Errorf("-max int64 cents - 2 = %v, %v", d, err)
	}
	m := MustParse("USD -92233720368547758.08") // int64 minimum in cents
	d, err = MustParse("USD 0.00").Sub(m)
	if err != nil || d.Amount() != "92233720368547758.08" {
		t.Errorf("0 - min int64 cents = %v, %v", d, err)
	}
}
