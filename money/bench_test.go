package money

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// The bare-apd baselines use a context like the package's own, so the
// comparison measures what Money adds: the currency, its checks, and the
// normalisation of results.
var apdCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(34)
	c.Traps |= apd.Inexact | apd.Overflow | apd.InvalidOperation
	return c
}()

var (
	sinkMoney Money
	sinkInt   int
	sinkErr   error
	sinkDec   apd.Decimal
)

func BenchmarkAdd(b *testing.B) {
	x, y := MustParse("USD 22400.00"), MustParse("USD 100.01")
	b.ReportAllocs()
	for b.Loop() {
		sinkMoney, sinkErr = x.Add(y)
	}
}

func BenchmarkApdAdd(b *testing.B) {
	x, y := MustParse("USD 22400.00").amt, MustParse("USD 100.01").amt
	b.ReportAllocs()
	for b.Loop() {
		var r apd.Decimal
		_, sinkErr = apdCtx.Add(&r, &x, &y)
		sinkDec = r
	}
}

func BenchmarkCmp(b *testing.B) {
	x, y := MustParse("USD 22400.00"), MustParse("USD 100.01")
	b.ReportAllocs()
	for b.Loop() {
		sinkInt, sinkErr = x.Cmp(y)
	}
}

func BenchmarkApdCmp(b *testing.B) {
	x, y := MustParse("USD 22400.00").amt, MustParse("USD 100.01").amt
	b.ReportAllocs()
	for b.Loop() {
		sinkInt = x.Cmp(&y)
	}
}

var (
	millionOnce    sync.Once
	millionAmounts []string
)

// amounts returns one million plain decimals with two decimals, of 1 to 8
// integer digits, as a payments file would hold them.
func amounts() []string {
	millionOnce.Do(func() {
		millionAmounts = make([]string, 1_000_000)
		x := uint64(88172645463325252)
		for i := range millionAmounts {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			cents := int64(x % 10_000_000_000)
			if x&(1<<40) != 0 {
				cents = -cents
			}
			millionAmounts[i] = strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(abs64(cents%100)+100, 10)[1:]
			if cents < 0 && cents > -100 {
				millionAmounts[i] = "-" + millionAmounts[i]
			}
		}
	})
	return millionAmounts
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func BenchmarkParseSum1M(b *testing.B) {
	in := amounts()
	b.ReportAllocs()
	for b.Loop() {
		sum := Zero(usd)
		for _, s := range in {
			m, err := New(usd, s)
			if err != nil {
				b.Fatal(err)
			}
			if sum, err = sum.Add(m); err != nil {
				b.Fatal(err)
			}
		}
		sinkMoney = sum
	}
}

func BenchmarkApdParseSum1M(b *testing.B) {
	in := amounts()
	b.ReportAllocs()
	for b.Loop() {
		var sum, d apd.Decimal
		for _, s := range in {
			if _, _, err := apdCtx.SetString(&d, s); err != nil {
				b.Fatal(err)
			}
			if _, err := apdCtx.Add(&sum, &sum, &d); err != nil {
				b.Fatal(err)
			}
		}
		sinkDec = sum
	}
}

// TestParseSumAgrees: both benchmark loops compute the same total.
func TestParseSumAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million amounts")
	}
	in := amounts()[:100_000]
	sum := Zero(usd)
	var want, d apd.Decimal
	for _, s := range in {
		m, err := New(usd, s)
		if err != nil {
			t.Fatal(err)
		}
		if sum, err = sum.Add(m); err != nil {
			t.Fatal(err)
		}
		apdCtx.SetString(&d, s)
		apdCtx.Add(&want, &want, &d)
	}
	if sum.amt.Cmp(&want) != 0 {
		t.Fatalf("sum %s, apd %s", sum.Amount(), &want)
	}
}

var usd = MustCurrency("USD")

// BenchmarkParseShort and BenchmarkParseHuge: a 100,000-digit amount is
// refused by the length bound and costs no more than parsing a short one.
func BenchmarkParseShort(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkMoney, sinkErr = New(usd, "22400.00")
	}
}

// BenchmarkParseShortInvalid is the cost of refusing a short bad amount,
// for comparison with BenchmarkParseHuge.
func BenchmarkParseShortInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkMoney, sinkErr = New(usd, "12.345")
	}
}

var hugeAmount = strings.Repeat("9", 100_000)

func BenchmarkParseHuge(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkMoney, sinkErr = New(usd, hugeAmount)
	}
	if sinkErr == nil {
		b.Fatal("accepted")
	}
}

func BenchmarkParseHugeText(b *testing.B) {
	s := "USD " + hugeAmount
	b.ReportAllocs()
	for b.Loop() {
		sinkMoney, sinkErr = Parse(s)
	}
	if sinkErr == nil {
		b.Fatal("accepted")
	}
}
