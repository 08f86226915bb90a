package money_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arcredit/arcredit/money"
)

// Parse reads the canonical form; String is for people and MarshalText for
// machines.
func Example_parseAndFormat() {
	m, err := money.Parse("USD 22400")
	if err != nil {
		panic(err)
	}
	text, _ := m.MarshalText()
	fmt.Println(m)
	fmt.Println(string(text))
	fmt.Println(m.Amount(), m.Currency(), m.Currency().MinorUnits())

	jpy, _ := money.New(money.MustCurrency("JPY"), "1500")
	bhd, _ := money.FromMinor(money.MustCurrency("BHD"), -1234)
	fmt.Println(jpy, bhd)

	_, err = money.Parse("USD 12.345")
	fmt.Println(errors.Is(err, money.ErrTooManyDecimals))
	_, err = money.Parse("USD NaN")
	fmt.Println(errors.Is(err, money.ErrInvalidAmount))
	_, err = money.Parse("XXX 1.00")
	fmt.Println(errors.Is(err, money.ErrInvalidCurrency))

	b, _ := json.Marshal(struct {
		Amount money.Money `json:"amount"`
	}{m})
	fmt.Println(string(b))
	// Output:
	// USD 22,400.00
	// USD 22400.00
	// 22400.00 USD 2
	// JPY 1,500 BHD -1.234
	// true
	// true
	// true
	// {"amount":"USD 22400.00"}
}

// Arithmetic is exact and refuses to mix currencies.
func Example_arithmetic() {
	invoice := money.MustParse("USD 1250.00")
	credit := money.MustParse("USD 400.10")

	open, _ := invoice.Sub(credit)
	fmt.Println(open)
	total, _ := open.Add(credit)
	fmt.Println(total, total.Equal(invoice))
	applied, _ := credit.Min(invoice)
	fmt.Println(applied)
	c, _ := credit.Cmp(invoice)
	fmt.Println(c, credit.Neg(), credit.Neg().Sign())

	// 0.10 + 0.20 is 0.30 exactly, as it is not in binary floating point.
	a, _ := money.MustParse("USD 0.10").Add(money.MustParse("USD 0.20"))
	fmt.Println(a.Equal(money.MustParse("USD 0.30")))

	_, err := invoice.Add(money.MustParse("EUR 1.00"))
	fmt.Println(errors.Is(err, money.ErrCurrencyMismatch))
	// Output:
	// USD 849.90
	// USD 1,250.00 true
	// USD 400.10
	// -1 USD -400.10 -1
	// true
	// true
}

// Convert rounds half-even to the target currency and reports what it
// rounded away.
func ExampleRate_Convert() {
	rate := money.MustParseRate("USD/EUR 0.8928")

	c, _ := rate.Convert(money.MustParse("USD 22400.00"))
	fmt.Println(c.From, "at", c.Rate, "is", c.To, "residual", c.Residual.String())

	c, _ = rate.Convert(money.MustParse("USD 100.01"))
	fmt.Println(c.From, "at", c.Rate, "is", c.To, "residual", c.Residual.String())

	_, err := rate.Convert(money.MustParse("GBP 1.00"))
	fmt.Println(errors.Is(err, money.ErrCurrencyMismatch))
	// Output:
	// USD 22,400.00 at USD/EUR 0.8928 is EUR 19,998.72 residual 0.000000
	// USD 100.01 at USD/EUR 0.8928 is EUR 89.29 residual -0.001072
	// true
}
