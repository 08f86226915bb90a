package money_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/money"
)

var (
	usd = money.MustCurrency("USD")
	eur = money.MustCurrency("EUR")
	jpy = money.MustCurrency("JPY")
	bhd = money.MustCurrency("BHD")
)

func TestMinorUnits(t *testing.T) {
	for code, want := range map[string]int{"USD": 2, "EUR": 2, "JPY": 0, "BHD": 3, "KWD": 3, "CHF": 2} {
		if got := money.MustCurrency(code).MinorUnits(); got != want {
			t.Errorf("%s.MinorUnits() = %d, want %d", code, got, want)
		}
	}
}

func TestParseValid(t *testing.T) {
	for _, tc := range []struct{ in, amount, str string }{
		{"USD 22400.00", "22400.00", "USD 22,400.00"},
		{"USD 22400", "22400.00", "USD 22,400.00"},
		{"USD 12.340", "12.34", "USD 12.34"},         // trailing zeros beyond the minor units are accepted
		{"USD 0.1", "0.10", "USD 0.10"},              // padded to the minor units
		{"USD -1234.5", "-1234.50", "USD -1,234.50"}, // negative, grouped
		{"USD -0", "0.00", "USD 0.00"},               // −0 is normalised to zero
		{"USD -0.00", "0.00", "USD 0.00"},
		{"USD 007.50", "7.50", "USD 7.50"}, // leading zeros
		{"USD 999", "999.00", "USD 999.00"},
		{"USD 1000", "1000.00", "USD 1,000.00"},
		{"USD 1234567", "1234567.00", "USD 1,234,567.00"},
		{"JPY 1500", "1500", "JPY 1,500"},
		{"JPY 1.0", "1", "JPY 1"},
		{"BHD 1.234", "1.234", "BHD 1.234"},
		{"BHD -0.5", "-0.500", "BHD -0.500"},
		// The largest amounts: MaxDigits significant digits, through the
		// 128-bit path of the parser.
		{"USD 9999999999999999999999.99", "9999999999999999999999.99", "USD 9,999,999,999,999,999,999,999.99"},
		{"USD -1234567890123456789012.34", "-1234567890123456789012.34", "USD -1,234,567,890,123,456,789,012.34"},
		{"JPY 999999999999999999999999", "999999999999999999999999", "JPY 999,999,999,999,999,999,999,999"},
		// Just around the int64 boundary of the fast path.
		{"USD 92233720368547758.07", "92233720368547758.07", "USD 92,233,720,368,547,758.07"},
		{"USD 92233720368547758.08", "92233720368547758.08", "USD 92,233,720,368,547,758.08"},
		{"USD -92233720368547758.08", "-92233720368547758.08", "USD -92,233,720,368,547,758.08"},
	} {
		m, err := money.Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := m.Amount(); got != tc.amount {
			t.Errorf("Parse(%q).Amount() = %q, want %q", tc.in, got, tc.amount)
		}
		if got := m.String(); got != tc.str {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.str)
		}
		// The amount agrees with apd reading the same text.
		want, _, err := apd.NewFromString(tc.amount)
		if err != nil {
			t.Fatal(err)
		}
		if m.Decimal().Cmp(want) != 0 || m.Decimal().Exponent != int32(-m.Currency().MinorUnits()) {
			t.Errorf("Parse(%q).Decimal() = %s, want %s", tc.in, m.Decimal(), want)
		}
	}
}

// TestHostileInput maps every kind of bad input to its sentinel: a typed
// error, never a panic.
func TestHostileInput(t *testing.T) {
	huge := strings.Repeat("9", 100_000)
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", money.ErrInvalidAmount},
		{"USD", money.ErrInvalidAmount},
		{"USD ", money.ErrInvalidAmount},
		{"USD  1.00", money.ErrInvalidAmount},
		{" USD 1.00", money.ErrInvalidCurrency},
		{"USD 1.00 ", money.ErrInvalidAmount},
		{"USD\t1.00", money.ErrInvalidAmount},
		{"USD NaN", money.ErrInvalidAmount},
		{"USD -NaN", money.ErrInvalidAmount},
		{"USD sNaN", money.ErrInvalidAmount},
		{"USD Inf", money.ErrInvalidAmount},
		{"USD Infinity", money.ErrInvalidAmount},
		{"USD -Infinity", money.ErrInvalidAmount},
		{"USD 1e3", money.ErrInvalidAmount},
		{"USD 1E+999999999", money.ErrInvalidAmount},
		{"USD 1E-2147483648", money.ErrInvalidAmount},
		{"USD 0e2147483647", money.ErrInvalidAmount},
		{"USD 1,000.00", money.ErrInvalidAmount},
		{"USD +1", money.ErrInvalidAmount},
		{"USD --1", money.ErrInvalidAmount},
		{"USD -", money.ErrInvalidAmount},
		{"USD 1-", money.ErrInvalidAmount},
		{"USD .5", money.ErrInvalidAmount},
		{"USD 5.", money.ErrInvalidAmount},
		{"USD 1..2", money.ErrInvalidAmount},
		{"USD 1.2.3", money.ErrInvalidAmount},
		{"USD 0x10", money.ErrInvalidAmount},
		{"USD 1 000", money.ErrInvalidAmount},
		{"USD ١٢", money.ErrInvalidAmount}, // Arabic-Indic digits
		{"USD １", money.ErrInvalidAmount},  // full-width digit
		{"USD 1\x00", money.ErrInvalidAmount},
		{"USD 12.345", money.ErrTooManyDecimals},
		{"USD 12.3450", money.ErrTooManyDecimals},
		{"USD 0.001", money.ErrTooManyDecimals},
		{"JPY 1.5", money.ErrTooManyDecimals},
		{"JPY 1.01", money.ErrTooManyDecimals},
		{"BHD 1.2345", money.ErrTooManyDecimals},
		{"USD 10000000000000000000000.00", money.ErrInvalidAmount}, // 25 digits
		{"JPY 1000000000000000000000000", money.ErrInvalidAmount},  // 25 digits
		{"USD " + strings.Repeat("1", 60), money.ErrInvalidAmount},
		{"USD " + strings.Repeat("1", 65), money.ErrInvalidAmount}, // over MaxTextLen
		{"USD " + huge, money.ErrInvalidAmount},
		{"USD " + huge + ".001", money.ErrInvalidAmount},
		{huge, money.ErrInvalidAmount},
		{"usd 1.00", money.ErrInvalidCurrency},
		{"Usd 1.00", money.ErrInvalidCurrency},
		{"XXX 1.00", money.ErrInvalidCurrency},
		{"XTS 1.00", money.ErrInvalidCurrency},
		{"XAU 1.00", money.ErrInvalidCurrency},
		{"ABC 1.00", money.ErrInvalidCurrency},
		{"US 1.00", money.ErrInvalidCurrency},
		{"USDD 1.00", money.ErrInvalidCurrency},
		{" 1.00", money.ErrInvalidCurrency},
		{"ÜSD 1.00", money.ErrInvalidCurrency},
	} {
		name := tc.in
		if len(name) > 40 {
			name = name[:40]
		}
		m, err := money.Parse(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", name, m, err, tc.want)
		}
		if err != nil && m.IsValid() {
			t.Errorf("Parse(%q) returned a valid Money with an error", name)
		}
		if len(err.Error()) > 200 {
			t.Errorf("Parse(%q): error of %d bytes quotes the input unclipped", name, len(err.Error()))
		}
		// New sees the same amount text with a good currency.
		if code, amount, ok := strings.Cut(tc.in, " "); ok && code == "USD" {
			if _, err := money.New(usd, amount); !errors.Is(err, tc.want) {
				t.Errorf("New(USD, %q) = %v; want %v", name, err, tc.want)
			}
		}
	}
}

func TestNewZeroCurrency(t *testing.T) {
	if _, err := money.New(money.Currency{}, "1.00"); !errors.Is(err, money.ErrInvalidCurrency) {
		t.Errorf("New(zero currency) = %v", err)
	}
	if _, err := money.FromMinor(money.Currency{}, 1); !errors.Is(err, money.ErrInvalidCurrency) {
		t.Errorf("FromMinor(zero currency) = %v", err)
	}
	if z := money.Zero(money.Currency{}); z.IsValid() {
		t.Errorf("Zero(zero currency) = %v is valid", z)
	}
}

// TestHugeInputRefusedByLength: a 100,000-digit amount is refused by the
// length bound before a digit is read (the error says so), which is why it
// costs no more than a short one; BenchmarkParseHuge measures that.
func TestHugeInputRefusedByLength(t *testing.T) {
	huge := strings.Repeat("7", 100_000)
	for _, f := range []func() error{
		func() error { _, err := money.New(usd, huge); return err },
		func() error { _, err := money.Parse("USD " + huge); return err },
		func() error { _, err := money.NewRate(usd, eur, huge); return err },
		func() error { _, err := money.ParseRate("USD/EUR " + huge); return err },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "longer than") {
			t.Errorf("got %v, want a refusal by the length bound", err)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	for _, code := range []string{"USD", "EUR", "JPY", "BHD", "GBP", "CHF"} {
		c, err := money.ParseCurrency(code)
		if err != nil || c.Code() != code || c.String() != code || c.IsZero() {
			t.Errorf("ParseCurrency(%q) = %v, %v", code, c, err)
		}
	}
	for _, code := range []string{
		"", "usd", "Usd", "uSD", "US", "U", "USDD", "XXX", "XTS", "XAU", "XAG", "XPT", "XPD",
		"XDR", "ABC", "QQQ", "US1", "U D", "ÜSD", "U\x00D", "\xff\xfe\xfd", strings.Repeat("A", 100_000),
	} {
		c, err := money.ParseCurrency(code)
		if !errors.Is(err, money.ErrInvalidCurrency) || !c.IsZero() {
			t.Errorf("ParseCurrency(%.20q) = %v, %v; want ErrInvalidCurrency", code, c, err)
		}
	}
	if (money.Currency{}).Code() != "" {
		t.Error("zero Currency has a code")
	}
}

func TestMustPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"MustParse":     func() { money.MustParse("USD 1.001") },
		"MustCurrency":  func() { money.MustCurrency("XXX") },
		"MustParseRate": func() { money.MustParseRate("USD/USD 1") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic on bad input", name)
				}
			}()
			f()
		}()
	}
}

func TestFromMinor(t *testing.T) {
	for _, tc := range []struct {
		cur   money.Currency
		minor int64
		want  string
	}{
		{usd, 1234, "USD 12.34"},
		{usd, -5, "USD -0.05"},
		{usd, 0, "USD 0.00"},
		{jpy, 1234, "JPY 1234"},
		{bhd, 1234, "BHD 1.234"},
		{usd, 9223372036854775807, "USD 92233720368547758.07"},
		{usd, -9223372036854775808, "USD -92233720368547758.08"},
	} {
		m, err := money.FromMinor(tc.cur, tc.minor)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Equal(money.MustParse(tc.want)) {
			t.Errorf("FromMinor(%s, %d) = %v, want %s", tc.cur, tc.minor, m, tc.want)
		}
		back, err := m.Minor()
		if err != nil || back != tc.minor {
			t.Errorf("%v.Minor() = %d, %v; want %d", m, back, err, tc.minor)
		}
	}
	if _, err := money.MustParse("USD 92233720368547758.08").Minor(); !errors.Is(err, money.ErrInvalidAmount) {
		t.Errorf("Minor beyond int64 = %v", err)
	}
	if _, err := (money.Money{}).Minor(); !errors.Is(err, money.ErrInvalidCurrency) {
		t.Errorf("zero Money Minor = %v", err)
	}
}

func TestArithmetic(t *testing.T) {
	a := money.MustParse("USD 100.25")
	b := money.MustParse("USD 0.75")
	mustEq := func(name string, got money.Money, err error, want string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if w := money.MustParse(want); !got.Equal(w) || got.Amount() != w.Amount() {
			t.Errorf("%s = %v, want %s", name, got, want)
		}
	}
	s, err := a.Add(b)
	mustEq("a+b", s, err, "USD 101.00")
	d, err := a.Sub(b)
	mustEq("a-b", d, err, "USD 99.50")
	d, err = b.Sub(a)
	mustEq("b-a", d, err, "USD -99.50")
	z, err := a.Sub(a)
	mustEq("a-a", z, err, "USD 0.00")
	if z.Decimal().Negative || z.Sign() != 0 || !z.IsZero() || z.IsPositive() || z.IsNegative() {
		t.Errorf("a-a = %v is not a plain zero", z)
	}
	// −x + x and −0 results are zero, never −0.
	z, err = a.Neg().Add(a)
	mustEq("-a+a", z, err, "USD 0.00")
	if z.Decimal().Negative || z.Amount() != "0.00" {
		t.Errorf("-a+a = %q", z.Amount())
	}
	if n := money.Zero(usd).Neg(); n.Decimal().Negative || n.Amount() != "0.00" {
		t.Errorf("-0 = %q", n.Amount())
	}
	mustEq("-a", a.Neg(), nil, "USD -100.25")
	mustEq("|-a|", a.Neg().Abs(), nil, "USD 100.25")
	mustEq("|a|", a.Abs(), nil, "USD 100.25")
	if a.Sign() != 1 || a.Neg().Sign() != -1 || !a.IsPositive() || !a.Neg().IsNegative() {
		t.Error("signs wrong")
	}
	mn, err := a.Min(b)
	mustEq("min", mn, err, "USD 0.75")
	mn, err = b.Min(a)
	mustEq("min", mn, err, "USD 0.75")
	mx, err := a.Max(b)
	mustEq("max", mx, err, "USD 100.25")
	mx, err = b.Max(a)
	mustEq("max", mx, err, "USD 100.25")
	for _, tc := range []struct {
		x, y string
		want int
	}{
		{"USD 1.00", "USD 2.00", -1},
		{"USD 2.00", "USD 1.00", 1},
		{"USD 2.00", "USD 2", 0},
		{"USD -0", "USD 0", 0},
		{"USD -3.00", "USD -2.99", -1},
	} {
		c, err := money.MustParse(tc.x).Cmp(money.MustParse(tc.y))
		if err != nil || c != tc.want {
			t.Errorf("Cmp(%s, %s) = %d, %v; want %d", tc.x, tc.y, c, err, tc.want)
		}
	}
}

func TestCurrencyMismatch(t *testing.T) {
	u, e := money.MustParse("USD 1.00"), money.MustParse("EUR 1.00")
	for name, f := range map[string]func() error{
		"Add": func() error { _, err := u.Add(e); return err },
		"Sub": func() error { _, err := u.Sub(e); return err },
		"Cmp": func() error { _, err := u.Cmp(e); return err },
		"Min": func() error { _, err := u.Min(e); return err },
		"Max": func() error { _, err := u.Max(e); return err },
	} {
		if err := f(); !errors.Is(err, money.ErrCurrencyMismatch) {
			t.Errorf("%s(USD, EUR) = %v; want ErrCurrencyMismatch", name, err)
		}
	}
	// The zero Money has no currency: it mixes with nothing.
	var zero money.Money
	for name, f := range map[string]func() error{
		"Add":         func() error { _, err := u.Add(zero); return err },
		"Sub":         func() error { _, err := zero.Sub(u); return err },
		"Cmp":         func() error { _, err := zero.Cmp(zero); return err },
		"Add(zero,0)": func() error { _, err := zero.Add(zero); return err },
	} {
		if err := f(); !errors.Is(err, money.ErrInvalidCurrency) {
			t.Errorf("%s with the zero Money = %v; want ErrInvalidCurrency", name, err)
		}
	}
}

// TestSumBounded: a sum that would have more than MaxDigits digits is an
// error, so every Money there is can be printed and parsed back.
func TestSumBounded(t *testing.T) {
	big := money.MustParse("USD 9999999999999999999999.99")
	if _, err := big.Add(money.MustParse("USD 0.01")); !errors.Is(err, money.ErrInvalidAmount) {
		t.Errorf("max + 0.01 = %v; want ErrInvalidAmount", err)
	}
	if _, err := big.Neg().Sub(money.MustParse("USD 0.01")); !errors.Is(err, money.ErrInvalidAmount) {
		t.Errorf("-max - 0.01 = %v; want ErrInvalidAmount", err)
	}
	s, err := big.Add(money.MustParse("USD -0.01"))
	if err != nil || s.Amount() != "9999999999999999999999.98" {
		t.Errorf("max - 0.01 = %v, %v", s, err)
	}
	// Repeated doubling reaches the bound and stops there, never rounding.
	m := money.MustParse("USD 1.00")
	for i := 0; i < 200; i++ {
		n, err := m.Add(m)
		if err != nil {
			if !errors.Is(err, money.ErrInvalidAmount) {
				t.Fatalf("doubling: %v", err)
			}
			break
		}
		m = n
		if back, err := money.Parse(m.Amount()); err == nil && !back.Equal(m) {
			t.Fatalf("round trip of %v", m)
		}
		if _, err := money.New(usd, m.Amount()); err != nil {
			t.Fatalf("sum %v does not parse back: %v", m, err)
		}
	}
}

// TestImmutable: Decimal returns a copy, even once the copy is grown past
// apd's inline storage, and operations do not change their operands.
func TestImmutable(t *testing.T) {
	a := money.MustParse("USD 1234567890123456789012.34") // 24 digits
	b := money.MustParse("USD 9876543210987654321.09")
	wantA, wantB := a.Amount(), b.Amount()

	d := a.Decimal()
	d.Coeff.Mul(&d.Coeff, apd.NewBigInt(1_000_000_000_000_000_000)) // 43 digits: heap storage
	d.Coeff.Mul(&d.Coeff, &d.Coeff)
	d.Negative = true
	d.Exponent = 7
	if a.Amount() != wantA {
		t.Fatalf("mutating Decimal() changed the Money: %s", a.Amount())
	}
	d2 := a.Decimal()
	d2.Coeff.SetInt64(0)
	if a.Amount() != wantA {
		t.Fatalf("mutating Decimal() changed the Money: %s", a.Amount())
	}

	s, err := a.Add(b)
	if err != nil {
		t.Fatal(err)
	}
	ds := s.Decimal()
	ds.Coeff.Mul(&ds.Coeff, &ds.Coeff)
	if a.Amount() != wantA || b.Amount() != wantB || s.Amount() != "1244444433334444443333.43" {
		t.Fatalf("a=%s b=%s s=%s", a.Amount(), b.Amount(), s.Amount())
	}

	r := money.MustParseRate("USD/EUR 0.8928")
	v := r.Value()
	v.Coeff.Mul(&v.Coeff, apd.NewBigInt(1_000_000_000_000_000_000))
	v.Coeff.Mul(&v.Coeff, &v.Coeff)
	if r.String() != "USD/EUR 0.8928" {
		t.Fatalf("mutating Value() changed the Rate: %s", r)
	}
}

func TestTextForms(t *testing.T) {
	for _, in := range []string{"USD 22400.00", "USD -1234.50", "JPY 1500", "BHD 0.001", "USD 0.00", "USD 9999999999999999999999.99"} {
		m := money.MustParse(in)
		b, err := m.MarshalText()
		if err != nil || string(b) != in {
			t.Errorf("MarshalText(%s) = %q, %v", in, b, err)
		}
		var back money.Money
		if err := back.UnmarshalText(b); err != nil || !back.Equal(m) {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	var zero money.Money
	if zero.String() != "" || zero.Amount() != "" {
		t.Errorf("zero Money prints %q/%q", zero.String(), zero.Amount())
	}
	if b, _ := zero.MarshalText(); len(b) != 0 {
		t.Errorf("zero Money marshals to %q", b)
	}
	var m money.Money = money.MustParse("USD 1.00")
	if err := m.UnmarshalText(nil); err != nil || m.IsValid() {
		t.Errorf("UnmarshalText(empty) = %v, %v", m, err)
	}
	if err := m.UnmarshalText([]byte("USD 1.001")); !errors.Is(err, money.ErrTooManyDecimals) {
		t.Errorf("UnmarshalText(bad) = %v", err)
	}
	for _, tc := range []struct{ in, want string }{
		{"0", "0"}, {"-1", "-1"}, {"123", "123"}, {"1234", "1,234"}, {"-123456.78", "-123,456.78"},
		{"1234567", "1,234,567"}, {"100000.000", "100,000.000"}, {"", ""},
	} {
		if got := money.Group(tc.in); got != tc.want {
			t.Errorf("Group(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

type record struct {
	Amount   money.Money    `json:"amount"`
	Open     money.Money    `json:"open"`
	Missing  money.Money    `json:"missing"`
	Rate     money.Rate     `json:"rate"`
	NoRate   money.Rate     `json:"no_rate"`
	Currency money.Currency `json:"currency"`
	Ptr      *money.Money   `json:"ptr"`
}

func TestJSONRoundTrip(t *testing.T) {
	p := money.MustParse("BHD -0.125")
	in := record{
		Amount:   money.MustParse("USD 22400.00"),
		Open:     money.MustParse("JPY 1500"),
		Rate:     money.MustParseRate("USD/EUR 0.8928"),
		Currency: bhd,
		Ptr:      &p,
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"amount":"USD 22400.00","open":"JPY 1500","missing":"","rate":"USD/EUR 0.8928","no_rate":"","currency":"BHD","ptr":"BHD -0.125"}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
	var out record
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(in, out) {
		t.Errorf("round trip differs: %s", cmp.Diff(in, out))
	}
	for _, bad := range []string{
		`{"amount":"USD 1.001"}`, `{"amount":"USD NaN"}`, `{"amount":12.5}`,
		`{"rate":"USD/USD 1"}`, `{"currency":"usd"}`, `{"amount":"XXX 1"}`,
	} {
		var r record
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("json.Unmarshal(%s) accepted", bad)
		}
	}
}

// TestCmpEqual: go-cmp compares Money by value through Equal, so equal
// amounts written differently are equal and different ones are not.
func TestCmpEqual(t *testing.T) {
	type doc struct {
		ID     string
		Amount money.Money
		Lines  []money.Money
	}
	a := doc{"a", money.MustParse("USD 12.3"), []money.Money{money.MustParse("USD 1"), money.MustParse("USD -0")}}
	b := doc{"a", money.MustParse("USD 12.30"), []money.Money{money.MustParse("USD 1.00"), money.MustParse("USD 0")}}
	if !cmp.Equal(a, b) {
		t.Errorf("equal values differ: %s", cmp.Diff(a, b))
	}
	b.Lines[1] = money.MustParse("USD 0.01")
	if cmp.Equal(a, b) {
		t.Error("different amounts compare equal")
	}
	if cmp.Equal(money.MustParse("USD 1.00"), money.MustParse("EUR 1.00")) {
		t.Error("different currencies compare equal")
	}
	if !cmp.Equal(money.Money{}, money.Money{}) {
		t.Error("zero Money is not equal to itself")
	}
}
