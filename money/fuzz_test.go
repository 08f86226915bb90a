package money

import (
	"errors"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

var parseSeeds = []string{
	"USD 22400.00", "USD 22400", "USD 12.340", "USD -0", "USD -0.00", "USD 007.50", "JPY 1500",
	"JPY 1.0", "JPY 1.5", "BHD 1.234", "BHD 1.2345", "USD 12.345", "USD 9999999999999999999999.99",
	"USD 10000000000000000000000.00", "USD 92233720368547758.08", "USD NaN", "USD sNaN", "USD -Inf",
	"USD 1e3", "USD 1E+999999999", "USD .5", "USD 5.", "USD +1", "USD 1,000.00", "usd 1", "XXX 1",
	"", "USD", "USD ", "USD  1", "USD 1 ", "USD ١", "EUR 0.01", "KWD -100.000", "CLF 1.0001",
	"USD " + strings.Repeat("9", 70),
}

// FuzzParse: Parse never panics; what it accepts prints (MarshalText) and
// parses back equal, agrees with apd reading the same digits, and String
// is Amount grouped; what it refuses wraps a sentinel.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidAmount) && !errors.Is(err, ErrInvalidCurrency) && !errors.Is(err, ErrTooManyDecimals) {
				t.Fatalf("Parse(%q): error %v wraps no sentinel", s, err)
			}
			if m.IsValid() {
				t.Fatalf("Parse(%q): valid Money with error", s)
			}
			return
		}
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(string(b))
		if err != nil || !back.Equal(m) {
			t.Fatalf("Parse(%q) = %v; MarshalText %q parses back as %v, %v", s, m, b, back, err)
		}
		if b2, _ := back.MarshalText(); string(b2) != string(b) {
			t.Fatalf("MarshalText not canonical: %q then %q", b, b2)
		}
		amount := m.Amount()
		if string(b) != m.Currency().Code()+" "+amount {
			t.Fatalf("MarshalText %q, Amount %q", b, amount)
		}
		if str := m.String(); str != m.Currency().Code()+" "+Group(amount) || strings.ReplaceAll(str, ",", "") != string(b) {
			t.Fatalf("String %q inconsistent with Amount %q", str, amount)
		}
		if m.Decimal().Negative && m.IsZero() {
			t.Fatalf("Parse(%q) gave -0", s)
		}
		_, text, _ := strings.Cut(s, " ")
		if msg := matchApd(&m.amt, text, m.Currency().MinorUnits()); msg != "" {
			t.Fatalf("Parse(%q): %s", s, msg)
		}
		// Arithmetic with itself stays exact and within bounds, or says why.
		if sum, err := m.Add(m); err == nil {
			if _, err := Parse(sum.cur.Code() + " " + sum.Amount()); err != nil {
				t.Fatalf("sum %v does not parse back: %v", sum, err)
			}
		} else if !errors.Is(err, ErrInvalidAmount) {
			t.Fatalf("%v + itself: %v", m, err)
		}
		if z, err := m.Sub(m); err != nil || !z.IsZero() || z.Decimal().Negative {
			t.Fatalf("%v − itself = %v, %v", m, z, err)
		}
	})
}

// FuzzParseRate: ParseRate never panics; what it accepts round-trips through
// its text, and converting with it keeps To + Residual equal to the exact
// product (or refuses with a sentinel).
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{
		"USD/EUR 0.8928", "USD/EUR 0.89280", "USD/JPY 149.87", "JPY/USD 0.00665", "USD/BHD 0.376",
		"USD/USD 1", "USD/EUR 0", "USD/EUR -1", "USD/EUR NaN", "USD/EUR 1e9", "USD/EUR .5", "USD/usd 1",
		"USD/XXX 1", "USD EUR 1", "/EUR 1", "USD/EUR 123456789012345678901", "USD/EUR 99999999999999999999",
		"USD/EUR 0." + strings.Repeat("0", 55) + "1", "",
	} {
		f.Add(s, "22400.00")
	}
	f.Add("USD/EUR 0.8928", "100.01")
	f.Add("USD/EUR 0.5", "-0.05")
	f.Fuzz(func(t *testing.T, s, amount string) {
		r, err := ParseRate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidRate) {
				t.Fatalf("ParseRate(%q): %v does not wrap ErrInvalidRate", s, err)
			}
			return
		}
		b, _ := r.MarshalText()
		back, err := ParseRate(string(b))
		if err != nil || !back.Equal(r) || back.String() != r.String() {
			t.Fatalf("ParseRate(%q) = %v; text %q parses back as %v, %v", s, r, b, back, err)
		}
		m, err := New(r.From(), amount)
		if err != nil {
			return
		}
		c, err := r.Convert(m)
		if err != nil {
			if !errors.Is(err, ErrInvalidAmount) {
				t.Fatalf("%v at %v: %v", m, r, err)
			}
			return
		}
		var exact, sum apd.Decimal
		wide := apd.BaseContext.WithPrecision(200)
		wide.Mul(&exact, &m.amt, &r.value)
		wide.Add(&sum, &c.To.amt, &c.Residual)
		if sum.Cmp(&exact) != 0 {
			t.Fatalf("%v at %v: %v + %s ≠ %s", m, r, c.To, &c.Residual, &exact)
		}
		// Half-even: the residual is at most half a minor unit.
		var half, abs apd.Decimal
		half.SetFinite(5, int32(-c.To.cur.MinorUnits()-1))
		abs.Abs(&c.Residual)
		if abs.Cmp(&half) > 0 {
			t.Fatalf("%v at %v: residual %s above half a unit", m, r, &c.Residual)
		}
		if back, err := Parse(string(must(c.To.MarshalText()))); err != nil || !back.Equal(c.To) {
			t.Fatalf("converted %v does not parse back: %v", c.To, err)
		}
	})
}

func must(b []byte, _ error) []byte { return b }
