package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// TestSortedSet: a sortedSet holds what a sorted slice holds after the same
// inserts and removals, across enough keys that chunks split and merge
// (chunks of 2 to 16 keys here), and a cursor from any key walks the keys
// after it.
func TestSortedSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := newSortedSet(func(a, b int) int { return a - b })
		s.maxChunk = rapid.IntRange(2, 16).Draw(t, "chunk")
		maxChunk := s.maxChunk
		var model []int
		span := rapid.IntRange(1, 4*maxChunk).Draw(t, "span")
		// Inserts first, so that chunks split, then inserts and removals
		// in a proportion drawn for the run, so that chunks empty and merge.
		fill := rapid.IntRange(0, 4*maxChunk).Draw(t, "fill")
		inserts := rapid.IntRange(0, 10).Draw(t, "inserts in 10")
		for op := range fill + rapid.IntRange(0, 6*maxChunk).Draw(t, "ops") {
			k := rapid.IntRange(0, span).Draw(t, "key")
			i, found := slices.BinarySearch(model, k)
			if op < fill || rapid.IntRange(0, 9).Draw(t, "op") < inserts {
				if got := s.Insert(k); got == found {
					t.Fatalf("Insert(%d) = %v with the key present: %v", k, got, found)
				}
				if !found {
					model = slices.Insert(model, i, k)
				}
			} else {
				if got := s.Delete(k); got != found {
					t.Fatalf("Delete(%d) = %v with the key present: %v", k, got, found)
				}
				if found {
					model = slices.Delete(model, i, i+1)
				}
			}
		}
		if s.Len() != len(model) {
			t.Fatalf("Len() = %d, want %d", s.Len(), len(model))
		}
		for _, ch := range s.chunks {
			if len(ch) == 0 || len(ch) > maxChunk {
				t.Fatalf("a chunk of %d keys", len(ch))
			}
		}
		var all []int
		s.All(func(k int) bool { all = append(all, k); return true })
		if !slices.Equal(all, model) && len(all)+len(model) > 0 {
			t.Fatalf("All() = %v, want %v", all, model)
		}
		from := rapid.IntRange(-1, span+1).Draw(t, "from")
		var got []int
		for cur := s.After(from); ; cur.Next() {
			k, ok := cur.Peek()
			if !ok {
				break
			}
			got = append(got, k)
		}
		i, found := slices.BinarySearch(model, from)
		if found {
			i++
		}
		if want := model[i:]; !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("After(%d) walks %v, want %v", from, got, want)
		}
	})
}

var (
	usd = money.MustCurrency("USD")
	t0  = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
)

func testAccount(id string) credit.Account {
	z := money.Zero(usd)
	return credit.Account{ID: id, Currency: usd, Kind: credit.Term, Limit: z, Credit: z, Debit: z,
		Created: t0, Updated: t0, Version: 1}
}

// TestMemoryPagesMatchAModel: after random commits that add documents and
// change their account, kind, issue date, status and original, every page
// of Documents, AccountIDs and Load's OpenOf give what filtering and
// sorting every record gives, and walking the pages with their cursors
// lists every matching document once, in order.
func TestMemoryPagesMatchAModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		m := NewMemory()
		const ns = "ns"
		accounts := map[string]bool{}
		docs := map[string]invoice.Document{}
		acctGen := rapid.SampledFrom([]string{"a", "b", "c", "ab", "B", "é", ""})
		kinds := []invoice.Kind{invoice.Invoice, invoice.DebitMemo, invoice.CreditMemo, invoice.Payment,
			invoice.Prepayment, invoice.CreditGrant}
		for range rapid.IntRange(1, 40).Draw(t, "commits") {
			b := &credit.Batch{Namespace: ns}
			seen := map[string]bool{}
			for range rapid.IntRange(0, 3).Draw(t, "new accounts") {
				id := fmt.Sprintf("acct-%d", rapid.IntRange(0, 200).Draw(t, "account"))
				if !accounts[id] && !seen[id] {
					seen[id] = true
					b.Accounts = append(b.Accounts, testAccount(id))
				}
			}
			for range rapid.IntRange(0, 12).Draw(t, "documents") {
				id := fmt.Sprintf("d%d", rapid.IntRange(0, 60).Draw(t, "doc"))
				if seen[id] {
					continue
				}
				seen[id] = true
				a := money.MustParse("USD 10.00")
				d := invoice.Document{ID: id, Amount: a, Open: a, Version: docs[id].Version + 1}
				d.Account = acctGen.Draw(t, "doc account")
				d.Kind = rapid.SampledFrom(kinds).Draw(t, "kind")
				d.Issued = t0.Add(time.Duration(rapid.IntRange(0, 5).Draw(t, "day")) * 24 * time.Hour)
				d.Status = rapid.SampledFrom([]invoice.Status{invoice.Open, invoice.Open, invoice.Paid, invoice.Closed}).Draw(t, "status")
				d.Original = rapid.SampledFrom([]string{"", "", "d1", "d2"}).Draw(t, "original")
				b.Documents = append(b.Documents, d)
			}
			if err := m.Commit(ctx, b); err != nil {
				t.Fatal(err)
			}
			for _, a := range b.Accounts {
				accounts[a.ID] = true
			}
			for _, d := range b.Documents {
				docs[d.ID] = d
			}
		}
		// A commit that fails changes no order.
		if len(docs) > 0 {
			var stale invoice.Document
			for _, d := range docs {
				stale = d
				break
			}
			stale.Status, stale.Issued = invoice.Open, t0.Add(-time.Hour)
			if err := m.Commit(ctx, &credit.Batch{Namespace: ns, Documents: []invoice.Document{stale}}); err == nil {
				t.Fatal("a commit of a stale version succeeded")
			}
		}

		ids := slices.Sorted(func(yield func(string) bool) {
			for id := range accounts {
				if !yield(id) {
					return
				}
			}
		})
		for range 10 {
			after := rapid.SampledFrom(append([]string{"", "acct-5", "zzz"}, ids...)).Draw(t, "after")
			limit := rapid.IntRange(0, 5).Draw(t, "limit")
			got, err := m.AccountIDs(ctx, ns, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			i, found := slices.BinarySearch(ids, after)
			if found {
				i++
			}
			want := ids[i:]
			if limit > 0 && len(want) > limit {
				want = want[:limit]
			}
			if !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("AccountIDs(%q, %d) = %v, want %v", after, limit, got, want)
			}
		}

		order := func(x, y invoice.Document) int { // (Issued, ID), ids byte by byte
			switch {
			case x.Issued.Before(y.Issued) || x.Issued.Equal(y.Issued) && x.ID < y.ID:
				return -1
			case x.Issued.Equal(y.Issued) && x.ID == y.ID:
				return 0
			}
			return 1
		}
		for range 20 {
			f := credit.DocumentFilter{Account: acctGen.Draw(t, "filter account"),
				OpenOnly: rapid.Bool().Draw(t, "open only"),
				Original: rapid.SampledFrom([]string{"", "", "d1", "d2", "d3"}).Draw(t, "filter original"),
				Kinds:    rapid.SliceOfN(rapid.SampledFrom(kinds), 0, 4).Draw(t, "filter kinds"),
				Limit:    rapid.IntRange(0, 4).Draw(t, "filter limit")}
			var match []invoice.Document
			for _, d := range docs {
				if d.Account == f.Account && (!f.OpenOnly || d.Status == invoice.Open) &&
					(f.Original == "" || d.Original == f.Original) &&
					(len(f.Kinds) == 0 || slices.Contains(f.Kinds, d.Kind)) {
					match = append(match, d)
				}
			}
			slices.SortFunc(match, order)
			f.After = rapid.SampledFrom([]string{"", "", "d0", "d7", "d30", "none"}).Draw(t, "filter after")
			want := match
			if cur, ok := docs[f.After]; ok {
				want = slices.DeleteFunc(slices.Clone(match), func(d invoice.Document) bool { return order(d, cur) <= 0 })
			}
			if f.Limit > 0 && len(want) > f.Limit {
				want = want[:f.Limit]
			}
			got, err := m.Documents(ctx, ns, f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, func(x, y invoice.Document) bool { return x.ID == y.ID && x.Version == y.Version }) {
				t.Fatalf("Documents(%+v) = %v, want %v", f, docIDs(got), docIDs(want))
			}
			// Walking the pages lists every match once, in order.
			f.After, f.Limit = "", max(f.Limit, 1)
			var walked []invoice.Document
			for range len(docs) + 1 {
				page, err := m.Documents(ctx, ns, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				walked = append(walked, page...)
				f.After = page[len(page)-1].ID
			}
			if !slices.EqualFunc(walked, match, func(x, y invoice.Document) bool { return x.ID == y.ID }) {
				t.Fatalf("the pages of %+v walk %v, want %v", f, docIDs(walked), docIDs(match))
			}
		}

		acct := acctGen.Draw(t, "open of")
		snap, err := m.Load(ctx, credit.Query{Namespace: ns, OpenOf: []string{acct}})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, d := range docs {
			if d.Account == acct && d.Status == invoice.Open {
				want = append(want, d.ID)
			}
		}
		got := slices.Collect(func(yield func(string) bool) {
			for id := range snap.Documents {
				if !yield(id) {
					return
				}
			}
		})
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("OpenOf %q = %v, want %v", acct, got, want)
		}
	})
}

func docIDs(ds []invoice.Document) string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// BenchmarkMemoryPages reads a page after a cursor half-way through 100
// and 100,000 records: the two figures should be close, since a page costs
// O(log n + page) (compare the sub-benchmarks; copying and sorting
// everything, as the store did before it kept ordered sets, is hundreds of
// times slower at 100,000). A benchmark, not a test, so that a slow or busy
// machine fails nothing.
func BenchmarkMemoryPages(b *testing.B) {
	ctx := context.Background()
	a := money.MustParse("USD 10.00")
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("Documents/n=%d", n), func(b *testing.B) {
			m := NewMemory()
			batch := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{testAccount("big")}}
			for i := range n {
				batch.Documents = append(batch.Documents, invoice.Document{ID: fmt.Sprintf("inv-%07d", i), Account: "big",
					Kind: invoice.Invoice, Amount: a, Open: a, Issued: t0.Add(time.Duration(i/2) * time.Minute),
					Status: invoice.Open, Version: 1})
			}
			if err := m.Commit(ctx, batch); err != nil {
				b.Fatal(err)
			}
			f := credit.DocumentFilter{Account: "big", OpenOnly: true, Kinds: []invoice.Kind{invoice.Invoice},
				After: fmt.Sprintf("inv-%07d", n/2), Limit: 20}
			b.ResetTimer()
			for range b.N {
				if d, err := m.Documents(ctx, "ns", f); err != nil || len(d) != 20 {
					b.Fatal(len(d), err)
				}
			}
		})
		b.Run(fmt.Sprintf("AccountIDs/n=%d", n), func(b *testing.B) {
			m := NewMemory()
			batch := &credit.Batch{Namespace: "ns"}
			for i := range n {
				batch.Accounts = append(batch.Accounts, testAccount(fmt.Sprintf("c%07d", (i*7919)%n)))
			}
			if err := m.Commit(ctx, batch); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if ids, err := m.AccountIDs(ctx, "ns", fmt.Sprintf("c%07d", n/2), 20); err != nil || len(ids) != 20 {
					b.Fatal(len(ids), err)
				}
			}
		})
	}
}
