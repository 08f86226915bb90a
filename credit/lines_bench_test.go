package credit_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// lineCounts are the sizes of one large request: its per-line cost should
// not grow with them.
var lineCounts = []int{1_000, 10_000, 100_000}

// BenchmarkApplyAllLines: one Apply ("use my credit", the default policy)
// of a payment that pays all L open invoices of its account, on the memory
// store, reported per line (ns/line). Each call meets a store of its own
// holding that account alone, seeded untimed. Compare L = 1k, 10k and
// 100k: the per-line cost should stay flat.
func BenchmarkApplyAllLines(b *testing.B) {
	for _, l := range lineCounts {
		b.Run(fmt.Sprintf("L=%d", l), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				f := newFixture(b)
				seedLines(b, f, "all", l)
				runtime.GC()
				b.StartTimer()
				r, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "all"})
				if err != nil || len(r.Applications) != l {
					b.Fatal(len(r.Applications), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*l), "ns/line")
		})
	}
}

// seedLines commits straight to the fixture's store an account acct with l
// open invoices of USD 10.00 and one payment that pays them all.
func seedLines(tb testing.TB, f *fixture, acct string, l int) {
	tb.Helper()
	ten := money.MustParse("USD 10.00")
	total, err := money.FromMinor(usd, 1000*int64(l))
	if err != nil {
		tb.Fatal(err)
	}
	a := credit.Account{ID: acct, Currency: usd, Kind: credit.Term, Limit: money.Zero(usd), Credit: total, Debit: total,
		Created: t0, Updated: t0, Version: 1}
	docs := make([]invoice.Document, 0, l+1)
	docs = append(docs, invoice.Document{ID: acct + "-pay", Account: acct, Kind: invoice.Payment,
		Amount: total, Open: total, Issued: t0.Add(-time.Hour), Status: invoice.Open, Version: 1})
	for i := range l {
		at := t0.Add(time.Duration(i) * time.Minute)
		docs = append(docs, invoice.Document{ID: fmt.Sprintf("%s-%07d", acct, i), Account: acct, Kind: invoice.Invoice,
			Amount: ten, Open: ten, Issued: at, Due: at.AddDate(0, 1, 0), Status: invoice.Open, Version: 1})
	}
	if err := f.st.Commit(ctx, &credit.Batch{Namespace: ns, Accounts: []credit.Account{a}, Documents: docs}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkConsolidateAccounts: one Consolidate of C accounts, each with
// three open invoices and two payments that pay them, on the memory store,
// reported per account (ns/account). Each call meets a store of its own,
// seeded untimed. Compare C = 10, 100 and 1,000: the per-account cost
// should stay flat.
func BenchmarkConsolidateAccounts(b *testing.B) {
	for _, c := range []int{10, 100, 1_000} {
		b.Run(fmt.Sprintf("C=%d", c), func(b *testing.B) {
			ids := make([]string, c)
			for i := range ids {
				ids[i] = fmt.Sprintf("acct-%05d", i)
			}
			for b.Loop() {
				b.StopTimer()
				f := newFixture(b)
				seedConsolidate(b, f, ids)
				runtime.GC()
				b.StartTimer()
				r, err := f.l.Consolidate(ctx, admin, f.key(), credit.ConsolidateRequest{Accounts: ids})
				if err != nil || len(r.Accounts) != c || len(r.Accounts[c-1].Applications) != 3 {
					b.Fatal(r.Accounts[c-1], err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c), "ns/account")
		})
	}
}

// seedConsolidate commits straight to the fixture's store the accounts ids,
// each with three open invoices of USD 10.00 and two payments of USD 20.00
// and USD 10.00.
func seedConsolidate(tb testing.TB, f *fixture, ids []string) {
	tb.Helper()
	ten, twenty, thirty := money.MustParse("USD 10.00"), money.MustParse("USD 20.00"), money.MustParse("USD 30.00")
	var b credit.Batch
	b.Namespace = ns
	for _, id := range ids {
		b.Accounts = append(b.Accounts, credit.Account{ID: id, Currency: usd, Kind: credit.Term, Limit: money.Zero(usd),
			Credit: thirty, Debit: thirty, Created: t0, Updated: t0, Version: 1})
		for i, amt := range []money.Money{twenty, ten} {
			b.Documents = append(b.Documents, invoice.Document{ID: fmt.Sprintf("%s-pay-%d", id, i), Account: id,
				Kind: invoice.Payment, Amount: amt, Open: amt, Issued: t0.Add(-time.Hour), Status: invoice.Open, Version: 1})
		}
		for i := range 3 {
			at := t0.Add(time.Duration(i) * time.Minute)
			b.Documents = append(b.Documents, invoice.Document{ID: fmt.Sprintf("%s-inv-%d", id, i), Account: id,
				Kind: invoice.Invoice, Amount: ten, Open: ten, Issued: at, Due: at.AddDate(0, 1, 0), Status: invoice.Open, Version: 1})
		}
	}
	if err := f.st.Commit(ctx, &b); err != nil {
		tb.Fatal(err)
	}
}
