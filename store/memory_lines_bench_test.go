package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// BenchmarkMemoryCommitLines: one Commit of L documents, a new version of
// each on a store that holds them, or L new ones on a store that holds
// their account alone, reported per line (ns/line). Compare L = 1k, 10k and 100k: the per-line
// cost should stay flat.
func BenchmarkMemoryCommitLines(b *testing.B) {
	ctx := context.Background()
	ten := money.MustParse("USD 10.00")
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	doc := func(id string) invoice.Document {
		return invoice.Document{ID: id, Account: "upd", Kind: invoice.Invoice, Amount: ten, Open: ten,
			Issued: t0, Due: t0.AddDate(0, 1, 0), Status: invoice.Open, Version: 1}
	}
	for _, l := range []int{1_000, 10_000, 100_000} {
		m := NewMemory()
		docs := make([]invoice.Document, l)
		for i := range docs {
			docs[i] = doc(fmt.Sprintf("upd-%07d", i))
		}
		if err := m.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{testAccount("upd")}, Documents: docs}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("versions/L=%d", l), func(b *testing.B) {
			for b.Loop() {
				for i := range docs {
					docs[i].Version++
				}
				if err := m.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: docs}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*l), "ns/line")
		})
		b.Run(fmt.Sprintf("new/L=%d", l), func(b *testing.B) {
			fresh := make([]invoice.Document, l)
			for i := range fresh {
				fresh[i] = doc(fmt.Sprintf("new-%07d", i))
			}
			for b.Loop() {
				// A store of its own each time, holding the account alone,
				// so that the calls do not pile documents up.
				b.StopTimer()
				m := NewMemory()
				if err := m.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{testAccount("upd")}}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := m.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: fresh}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*l), "ns/line")
		})
	}
}
