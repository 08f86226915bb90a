package money_test

import (
	"errors"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/arcredit/arcredit/money"
)

func TestResidualFromAConversion(t *testing.T) {
	c, err := money.MustParseRate("USD/EUR 0.8928").Convert(money.MustParse("USD 100.01"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := money.NewResidual(c.To.Currency(), &c.Residual)
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != "EUR -0.001072" || r.Plain() != "-0.001072" || r.IsZero() {
		t.Fatalf("residual %q (plain %q)", r, r.Plain())
	}
	back, err := money.ParseResidual(r.String())
	if err != nil || !back.Equal(r) {
		t.Fatalf("ParseResidual(%q) = %q, %v", r, back, err)
	}
	var u money.Residual
	if err := u.UnmarshalText([]byte("EUR -0.0010720")); err != nil || !u.Equal(r) {
		t.Fatalf("trailing zeros are dropped: %q, %v", u, err)
	}
	zero, _ := money.NewResidual(money.MustCurrency("USD"), apd.New(0, -6))
	if zero.String() != "USD 0" || !zero.IsZero() || zero.Plain() != "0" {
		t.Fatalf("zero residual %q", zero)
	}
	if (money.Residual{}).String() != "" || (money.Residual{}).Plain() != "" {
		t.Fatal("the zero Residual prints as empty")
	}
}

func TestResidualRefusesBadText(t *testing.T) {
	for _, s := range []string{"USD", "usd 0.1", "USD 1e-3", "USD NaN", "USD Infinity", "USD 0.1.2", "USD +0.1", "XXX 1",
		"USD 0." + string(make([]byte, 0)) + "1234567890123456789012345678901234567890123456789"} {
		if _, err := money.ParseResidual(s); err == nil {
			t.Errorf("ParseResidual(%q) = nil error", s)
		} else if !errors.Is(err, money.ErrInvalidAmount) && !errors.Is(err, money.ErrInvalidCurrency) {
			t.Errorf("ParseResidual(%q) = %v, not a money error", s, err)
		}
	}
	if _, err := money.NewResidual(money.Currency{}, apd.New(1, -3)); !errors.Is(err, money.ErrInvalidCurrency) {
		t.Errorf("no currency: %v", err)
	}
}
