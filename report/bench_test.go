package report_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
	"github.com/arcredit/arcredit/store"
)

// benchLedger fills a memory store with docs documents over accounts of
// perAccount documents each: nine invoices in ten, open, due on days spread
// over the last 150 days, and one payment in ten, open. The records are
// committed to the store directly, as the Ledger would write them (an
// account with its balances and history, its documents), because issuing a
// million documents through the Ledger would take most of the benchmark's
// time; the aging reads them only through the Ledger.
func benchLedger(b *testing.B, docs, perAccount int) (*credit.Ledger, credit.Principal, time.Time) {
	b.Helper()
	ctx := context.Background()
	st := store.NewMemory()
	usd := money.MustCurrency("USD")
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for a := 0; a < docs/perAccount; a++ {
		id := fmt.Sprintf("acct-%06d", a)
		batch := &credit.Batch{Namespace: "bench"}
		var debit, credit_ int64
		for i := 0; i < perAccount; i++ {
			cents := int64(100 + (a*perAccount+i)%99900)
			m, _ := money.FromMinor(usd, cents)
			issued := t0.Add(-time.Duration(i%180) * 24 * time.Hour)
			d := invoice.Document{ID: fmt.Sprintf("%s-%06d", id, i), Account: id, Kind: invoice.Invoice, Amount: m, Open: m,
				Issued: issued, Due: issued.Add(30 * 24 * time.Hour), Status: invoice.Open, Version: 1}
			if i%10 == 9 {
				d.Kind, d.Due = invoice.Payment, time.Time{}
				credit_ += cents
			} else {
				debit += cents
			}
			batch.Documents = append(batch.Documents, d)
		}
		dm, _ := money.FromMinor(usd, debit)
		cm, _ := money.FromMinor(usd, credit_)
		zero := money.Zero(usd)
		acct := credit.Account{ID: id, Currency: usd, Kind: credit.Term, Limit: zero, Credit: cm, Debit: dm,
			Seq: 1, Updated: t0, Created: t0, Version: 1}
		out, _ := cm.Sub(dm)
		batch.Accounts = []credit.Account{acct}
		batch.Entries = []credit.Entry{{Account: id, Seq: 1, At: t0, Kind: credit.AccountOpened, Amount: zero,
			CreditChange: cm, DebitChange: dm, After: credit.Balances{Credit: cm, Debit: dm, Outstanding: out, Limit: zero, Available: out},
			By: "bench", Operation: "load-" + id}}
		if err := st.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	l, err := credit.New(st, credit.AllowAll, credit.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return l, credit.Principal{ID: "finance", Namespace: "bench"}, t0.Add(time.Hour)
}

// BenchmarkAging ages a namespace of 100k and 1M documents (1,000 per
// account) on the memory store, through AgingFunc, which keeps no
// per-account results. Besides time and allocations it reports
// retained-B/op: the most heap still in use, after a collection, above what
// the store holds, sampled at ten points of each run. What it finds there is
// the page of accounts being aged (up to credit.MaxPage of them, about 270
// bytes each): it grows with the accounts up to a thousand and no further,
// and never with the documents, of which the aging holds one page at a time.
func BenchmarkAging(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			const per = 1000
			l, p, asOf := benchLedger(b, n, per)
			ctx := context.Background()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			var peak uint64
			every := n / per / 10
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := 0
				rep, err := report.AgingFunc(ctx, l, p, asOf, report.AgingOptions{}, func(report.AccountAging) error {
					if k++; k%every == 0 {
						b.StopTimer()
						runtime.GC()
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > base {
							peak = max(peak, ms.HeapAlloc-base)
						}
						b.StartTimer()
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Totals[0].Accounts != n/per {
					b.Fatalf("%d accounts aged, want %d", rep.Totals[0].Accounts, n/per)
				}
			}
			b.ReportMetric(float64(peak), "retained-B/op")
		})
	}
}
