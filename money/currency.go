package money

import (
	"fmt"

	"golang.org/x/text/currency"
)

// Currency is an ISO 4217 currency that money can be held in. The zero value
// is not a valid currency; obtain one with [ParseCurrency].
type Currency struct {
	unit currency.Unit // the zero Unit is XXX, so the zero Currency is invalid
}

// notTender lists ISO 4217 codes that name no spendable currency: the "no
// currency" and test codes, precious metals and bond-market units.
var notTender = map[string]bool{
	"XXX": true, "XTS": true, "XAU": true, "XAG": true, "XPD": true, "XPT": true,
	"XBA": true, "XBB": true, "XBC": true, "XBD": true, "XDR": true, "XSU": true, "XUA": true,
}

// ParseCurrency returns the currency with the given upper-case ISO 4217 code.
// Lower-case codes, unknown codes and codes of no spendable currency (XXX,
// XTS, metals) are ErrInvalidCurrency.
func ParseCurrency(code string) (Currency, error) {
	if len(code) != 3 || !isUpper(code) || notTender[code] {
		return Currency{}, fmt.Errorf("%w: %q", ErrInvalidCurrency, clip(code))
	}
	u, err := currency.ParseISO(code)
	if err != nil || u == (currency.Unit{}) {
		return Currency{}, fmt.Errorf("%w: %q", ErrInvalidCurrency, code)
	}
	return Currency{unit: u}, nil
}

// MustCurrency is like ParseCurrency but panics on error. It is meant for
// tests, examples and package-level constants only.
func MustCurrency(code string) Currency {
	c, err := ParseCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Code returns the three-letter ISO 4217 code, or "" for the zero Currency.
func (c Currency) Code() string {
	if c.IsZero() {
		return ""
	}
	return c.unit.String()
}

// String returns the ISO code, like Code.
func (c Currency) String() string { return c.Code() }

// Equal reports whether c and o are the same currency. go-cmp uses it, so
// structs holding a Currency compare without options.
func (c Currency) Equal(o Currency) bool { return c == o }

// IsZero reports whether c is the zero (invalid) Currency.
func (c Currency) IsZero() bool { return c.unit == currency.Unit{} }

// MinorUnits returns the number of decimals the currency's amounts carry
// (2 for USD, 0 for JPY, 3 for BHD), as golang.org/x/text/currency's
// standard rounding gives it.
func (c Currency) MinorUnits() int {
	scale, _ := currency.Standard.Rounding(c.unit)
	return scale
}

// MarshalText returns the ISO code.
func (c Currency) MarshalText() ([]byte, error) { return []byte(c.Code()), nil }

// UnmarshalText parses an ISO code; empty text gives the zero Currency.
func (c *Currency) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Currency{}
		return nil
	}
	v, err := ParseCurrency(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// clip shortens hostile input before it is quoted in an error message.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
