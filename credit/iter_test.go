package credit_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/arcredit/arcredit/credit"
)

// TestIteratorsWalkEveryPage: more records than a page holds, all yielded
// once and in order, and stopping early stops.
func TestIteratorsWalkEveryPage(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	n := credit.MaxPage + 7
	for i := range n {
		f.invoice("acct", fmt.Sprintf("inv-%05d", i), "USD 1.00")
	}
	var seqs []int64
	for e, err := range f.l.AllHistory(ctx, admin, "acct", 0) {
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.Seq)
	}
	if len(seqs) != n+1 || !slices.IsSorted(seqs) || seqs[0] != 1 {
		t.Errorf("history: %d entries (want %d), sorted %v", len(seqs), n+1, slices.IsSorted(seqs))
	}
	count := 0
	for d, err := range f.l.AllDocuments(ctx, admin, credit.DocumentFilter{Account: "acct", Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("inv-%05d", count); d.ID != want {
			t.Fatalf("document %d is %s, want %s", count, d.ID, want)
		}
		count++
	}
	if count != n {
		t.Errorf("documents: %d, want %d", count, n)
	}
	for i := range 3 {
		f.open(fmt.Sprintf("other-%d", i), "USD", credit.Term, "")
	}
	var ids []string
	for a, err := range f.l.AllAccounts(ctx, admin) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		if len(ids) == 2 {
			break // stopping early must not panic or read on
		}
	}
	if !slices.Equal(ids, []string{"acct", "other-0"}) {
		t.Errorf("accounts: %v", ids)
	}
	// An error is yielded once, and ends the iteration.
	errs := 0
	for _, err := range f.l.AllHistory(ctx, admin, "nobody", 0) {
		if err == nil {
			t.Fatal("a record of an unknown account")
		}
		wantErr(t, err, credit.ErrNotFound)
		errs++
	}
	if errs != 1 {
		t.Errorf("%d errors yielded", errs)
	}
}
