package credit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// seedForeignPairs is seedPairs with the documents held in EUR on the USD
// accounts: an invoice of EUR 10.00 booked at 1.10 and a payment of EUR
// 10.00 booked at 1.05, so that every apply realizes a difference.
func seedForeignPairs(tb testing.TB, st *store.Memory, n int) []benchPair {
	tb.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	ten := money.MustParse("EUR 10.00")
	inv, pay := money.MustParse("USD 11.00"), money.MustParse("USD 10.50")
	invRate, payRate := money.MustParseRate("EUR/USD 1.10"), money.MustParseRate("EUR/USD 1.05")
	pairs := make([]benchPair, n)
	const batch = 10000
	for lo := 0; lo < n; lo += batch {
		b := &credit.Batch{Namespace: benchP.Namespace}
		for i := lo; i < min(lo+batch, n); i++ {
			p := benchPair{acct: fmt.Sprintf("a%07d", i), credit: fmt.Sprintf("c%07d", i), debit: fmt.Sprintf("d%07d", i), key: fmt.Sprintf("k%07d", i)}
			pairs[i] = p
			b.Accounts = append(b.Accounts, credit.Account{ID: p.acct, Currency: usd, Kind: credit.Term, Limit: money.Zero(usd),
				Credit: pay, Debit: inv, Created: now, Updated: now, Version: 1})
			b.Documents = append(b.Documents,
				invoice.Document{ID: p.credit, Account: p.acct, Kind: invoice.Payment, Amount: ten, Open: ten, Issued: now, Status: invoice.Open,
					Rate: payRate, Functional: pay, FunctionalOpen: pay, Version: 1},
				invoice.Document{ID: p.debit, Account: p.acct, Kind: invoice.Invoice, Amount: ten, Open: ten, Issued: now, Due: now, Status: invoice.Open,
					Rate: invRate, Functional: inv, FunctionalOpen: inv, Version: 1})
		}
		if err := st.Commit(ctx, b); err != nil {
			tb.Fatal(err)
		}
	}
	return pairs
}

// BenchmarkApplyForeign is BenchmarkApply (one goroutine) with documents
// held in EUR: the shares, the difference and its journal entry are what
// it adds.
func BenchmarkApplyForeign(b *testing.B) {
	for _, foreign := range []bool{false, true} {
		b.Run(fmt.Sprintf("foreign=%v", foreign), func(b *testing.B) {
			st := store.NewMemory()
			seed := seedPairs
			if foreign {
				seed = seedForeignPairs
			}
			pairs := seed(b, st, b.N)
			l, err := credit.New(st, credit.AllowAll, credit.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				p := pairs[i]
				r, err := l.Apply(ctx, benchP, p.key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: p.credit, Debit: p.debit}}})
				if err != nil {
					b.Fatal(err)
				}
				if foreign && r.Applications[0].Difference.String() != "USD -0.50" {
					b.Fatalf("difference %s", r.Applications[0].Difference)
				}
			}
		})
	}
}
