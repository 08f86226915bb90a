package money_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/arcredit/arcredit/money"
)

func convert(t *testing.T, rate, amount string) money.Conversion {
	t.Helper()
	c, err := money.MustParseRate(rate).Convert(money.MustParse(amount))
	if err != nil {
		t.Fatalf("%s × %s: %v", amount, rate, err)
	}
	return c
}

// checkResidual: To + Residual is the exact product of From and the rate.
func checkResidual(t *testing.T, c money.Conversion) {
	t.Helper()
	var exact, sum apd.Decimal
	if _, err := apd.BaseContext.WithPrecision(100).Mul(&exact, c.From.Decimal(), c.Rate.Value()); err != nil {
		t.Fatal(err)
	}
	if _, err := apd.BaseContext.WithPrecision(100).Add(&sum, c.To.Decimal(), &c.Residual); err != nil {
		t.Fatal(err)
	}
	if sum.Cmp(&exact) != 0 {
		t.Errorf("%v + residual %s = %s, want the exact product %s", c.To, &c.Residual, &sum, &exact)
	}
}

func TestConvertSpecCases(t *testing.T) {
	c := convert(t, "USD/EUR 0.8928", "USD 22400.00")
	if c.To.String() != "EUR 19,998.72" || !c.To.Equal(money.MustParse("EUR 19998.72")) {
		t.Errorf("USD 22,400.00 → %v, want EUR 19,998.72", c.To)
	}
	if !c.Residual.IsZero() {
		t.Errorf("residual %s, want 0 (exact)", &c.Residual)
	}
	if !c.From.Equal(money.MustParse("USD 22400.00")) || c.Rate.String() != "USD/EUR 0.8928" {
		t.Errorf("conversion records %v at %v", c.From, c.Rate)
	}
	checkResidual(t, c)

	c = convert(t, "USD/EUR 0.8928", "USD 100.01")
	if c.To.String() != "EUR 89.29" {
		t.Errorf("USD 100.01 → %v, want EUR 89.29", c.To)
	}
	if c.Residual.String() != "-0.001072" {
		t.Errorf("residual %s, want -0.001072 (89.288928 − 89.29)", &c.Residual)
	}
	checkResidual(t, c)
}

// TestConvertHalfEven: products exactly on half a minor unit round to the
// even neighbour, both up and down, on either sign, into 2, 0 and 3 decimals.
func TestConvertHalfEven(t *testing.T) {
	for _, tc := range []struct{ rate, amount, want, residual string }{
		{"USD/EUR 0.5", "USD 0.01", "EUR 0.00", "0.005"},    // 0.005 → 0.00 (down to even)
		{"USD/EUR 0.5", "USD 0.03", "EUR 0.02", "-0.005"},   // 0.015 → 0.02 (up to even)
		{"USD/EUR 0.5", "USD 0.05", "EUR 0.02", "0.005"},    // 0.025 → 0.02
		{"USD/EUR 0.5", "USD 0.07", "EUR 0.04", "-0.005"},   // 0.035 → 0.04
		{"USD/EUR 0.5", "USD -0.03", "EUR -0.02", "0.005"},  // symmetric below zero
		{"USD/EUR 0.5", "USD -0.05", "EUR -0.02", "-0.005"}, //
		{"USD/EUR 0.5", "USD -0.01", "EUR 0.00", "-0.005"},  // rounds to 0, never −0
		{"USD/EUR 0.8928", "USD 0.00", "EUR 0.00", "0"},
		{"USD/EUR 1.23456", "USD 1.00", "EUR 1.23", "0.00456"},            // below half: down
		{"USD/EUR 1.23556", "USD 1.00", "EUR 1.24", "-0.00444"},           // above half: up
		{"USD/EUR 1.2350000001", "USD 1.00", "EUR 1.24", "-0.0049999999"}, // just above half
		// JPY, no decimals.
		{"USD/JPY 150.5", "USD 1.00", "JPY 150", "0.50"},
		{"USD/JPY 151.5", "USD 1.00", "JPY 152", "-0.50"},
		{"USD/JPY 149.87", "USD 22400.00", "JPY 3357088", "0.0000"},
		{"JPY/USD 0.00665", "JPY 100", "USD 0.66", "0.00500"},  // 0.665 → 0.66
		{"JPY/USD 0.00665", "JPY 300", "USD 2.00", "-0.00500"}, // 1.995 → 2.00
		{"JPY/USD 0.00665", "JPY 1", "USD 0.01", "-0.00335"},
		// BHD, three decimals.
		{"USD/BHD 0.3765", "USD 1.00", "BHD 0.376", "0.000500"},  // 0.3765 → 0.376
		{"USD/BHD 0.3775", "USD 1.00", "BHD 0.378", "-0.000500"}, // 0.3775 → 0.378
		{"USD/BHD 0.376", "USD 22400.00", "BHD 8422.400", "0.00000"},
		{"BHD/USD 2.65", "BHD 0.001", "USD 0.00", "0.00265"},
		{"BHD/USD 2.65", "BHD 0.003", "USD 0.01", "-0.00205"},
	} {
		c := convert(t, tc.rate, tc.amount)
		if !c.To.Equal(money.MustParse(tc.want)) || c.To.Amount() != strings.Fields(tc.want)[1] {
			t.Errorf("%s at %s = %v, want %s", tc.amount, tc.rate, c.To, tc.want)
		}
		if want, _, _ := apd.NewFromString(tc.residual); c.Residual.Cmp(want) != 0 {
			t.Errorf("%s at %s: residual %s, want %s", tc.amount, tc.rate, &c.Residual, tc.residual)
		}
		if c.To.Decimal().Negative && c.To.IsZero() {
			t.Errorf("%s at %s gave -0", tc.amount, tc.rate)
		}
		checkResidual(t, c)
	}
}

func TestConvertErrors(t *testing.T) {
	r := money.MustParseRate("USD/EUR 0.8928")
	if _, err := r.Convert(money.MustParse("EUR 1.00")); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("EUR amount at USD/EUR = %v", err)
	}
	if _, err := r.Convert(money.Money{}); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Errorf("zero Money = %v", err)
	}
	if _, err := (money.Rate{}).Convert(money.MustParse("USD 1.00")); !errors.Is(err, money.ErrInvalidRate) {
		t.Errorf("zero Rate = %v", err)
	}
	// A product too large for MaxDigits is refused, never rounded.
	big := money.MustParseRate("USD/EUR 1000")
	if _, err := big.Convert(money.MustParse("USD 9999999999999999999999.99")); !errors.Is(err, money.ErrInvalidAmount) {
		t.Errorf("overflowing conversion = %v", err)
	}
	huge := money.MustParseRate("JPY/BHD 99999999999999999999")
	if _, err := huge.Convert(money.MustParse("JPY 999999999999999999999999")); !errors.Is(err, money.ErrInvalidAmount) {
		t.Errorf("overflowing conversion = %v", err)
	}
	// The smallest rate still converts exactly (the residual is all of it).
	tiny := money.MustParseRate("USD/EUR 0." + strings.Repeat("0", 60) + "1")
	c, err := tiny.Convert(money.MustParse("USD 9999999999999999999999.99"))
	if err != nil || !c.To.IsZero() {
		t.Errorf("tiny rate = %v, %v", c.To, err)
	}
	checkResidual(t, c)
}

func TestRateText(t *testing.T) {
	r, err := money.NewRate(usd, eur, "0.8928")
	if err != nil {
		t.Fatal(err)
	}
	if r.From() != usd || r.To() != eur || r.String() != "USD/EUR 0.8928" || !r.IsValid() {
		t.Errorf("rate = %v", r)
	}
	b, _ := r.MarshalText()
	var back money.Rate
	if err := back.UnmarshalText(b); err != nil || !back.Equal(r) {
		t.Errorf("round trip %q = %v, %v", b, back, err)
	}
	if !money.MustParseRate("USD/EUR 0.89280").Equal(r) {
		t.Error("0.89280 and 0.8928 differ")
	}
	if money.MustParseRate("USD/GBP 0.8928").Equal(r) || money.MustParseRate("USD/EUR 0.8929").Equal(r) {
		t.Error("different rates are equal")
	}
	if err := back.UnmarshalText(nil); err != nil || back.IsValid() || back.String() != "" {
		t.Errorf("UnmarshalText(empty) = %v, %v", back, err)
	}
}

func TestHostileRates(t *testing.T) {
	huge := strings.Repeat("9", 100_000)
	for _, tc := range []struct {
		from, to money.Currency
		value    string
	}{
		{usd, usd, "1"},
		{money.Currency{}, eur, "1"},
		{usd, money.Currency{}, "1"},
		{usd, eur, ""},
		{usd, eur, "0"},
		{usd, eur, "0.000"},
		{usd, eur, "-1"},
		{usd, eur, "-0.5"},
		{usd, eur, "+1"},
		{usd, eur, "NaN"},
		{usd, eur, "sNaN"},
		{usd, eur, "Inf"},
		{usd, eur, "-Infinity"},
		{usd, eur, "1e2"},
		{usd, eur, "1E+999999999"},
		{usd, eur, ".5"},
		{usd, eur, "5."},
		{usd, eur, "."},
		{usd, eur, "1.2.3"},
		{usd, eur, "1,5"},
		{usd, eur, " 1"},
		{usd, eur, "123456789012345678901"}, // 21 significant digits
		{usd, eur, "1." + strings.Repeat("0", 20)},
		{usd, eur, strings.Repeat("1", 65)},
		{usd, eur, huge},
	} {
		r, err := money.NewRate(tc.from, tc.to, tc.value)
		if !errors.Is(err, money.ErrInvalidRate) || r.IsValid() {
			t.Errorf("NewRate(%s, %s, %.30q) = %v, %v; want ErrInvalidRate", tc.from, tc.to, tc.value, r, err)
		}
	}
	for _, tc := range []struct {
		in   string
		want []error
	}{
		{"", []error{money.ErrInvalidRate}},
		{"USD/EUR", []error{money.ErrInvalidRate}},
		{"USD EUR 0.9", []error{money.ErrInvalidRate}},
		{"USDEUR 0.9", []error{money.ErrInvalidRate}},
		{"USD/EUR  0.9", []error{money.ErrInvalidRate}},
		{"USD/EUR 0.9 ", []error{money.ErrInvalidRate}},
		{"USD/USD 1", []error{money.ErrInvalidRate}},
		{"USD/EUR NaN", []error{money.ErrInvalidRate}},
		{"USD/EUR 0", []error{money.ErrInvalidRate}},
		{"USD/EUR -0.9", []error{money.ErrInvalidRate}},
		{"USD/EUR 9e9", []error{money.ErrInvalidRate}},
		{"USD/usd 1", []error{money.ErrInvalidRate, money.ErrInvalidCurrency}},
		{"usd/EUR 1", []error{money.ErrInvalidRate, money.ErrInvalidCurrency}},
		{"USD/XXX 1", []error{money.ErrInvalidRate, money.ErrInvalidCurrency}},
		{"/EUR 1", []error{money.ErrInvalidRate, money.ErrInvalidCurrency}},
		{"USD/ 1", []error{money.ErrInvalidRate, money.ErrInvalidCurrency}},
		{"USD/EUR/GBP 1", []error{money.ErrInvalidRate, money.ErrInvalidCurrency}},
		{"USD/EUR " + huge, []error{money.ErrInvalidRate}},
		{huge, []error{money.ErrInvalidRate}},
	} {
		r, err := money.ParseRate(tc.in)
		for _, want := range tc.want {
			if !errors.Is(err, want) || r.IsValid() {
				t.Errorf("ParseRate(%.30q) = %v, %v; want %v", tc.in, r, err, want)
			}
		}
	}
}
