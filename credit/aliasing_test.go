package credit_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store"
)

// TestNothingHandedOutIsReused: on a credit.RecordStore, an operation reads
// into and commits from memory that later operations reuse. What an
// operation hands out (its result, a page of history) and what the store
// keeps must be of their own: the operations after it, and a caller that
// changes what it was given, change neither.
func TestNothingHandedOutIsReused(t *testing.T) {
	st := store.NewMemory()
	pairs := seedPairs(t, st, 8)
	l, err := credit.New(st, credit.AllowAll, credit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(p benchPair) credit.ApplyResult {
		t.Helper()
		req := credit.ApplyRequest{Pairs: []credit.Pair{{Credit: p.credit, Debit: p.debit}}, Comment: "first " + p.key}
		res, err := l.Apply(ctx, benchP, p.key, req)
		if err != nil {
			t.Fatal(err)
		}
		// The caller reuses its request.
		req.Pairs[0] = credit.Pair{Credit: "scribbled", Debit: "scribbled"}
		return res
	}
	history := func(acct string) []credit.Entry {
		t.Helper()
		h, err := l.History(ctx, benchP, credit.HistoryRequest{Account: acct})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	show := func(v any) string { return fmt.Sprintf("%+v", v) }

	first := apply(pairs[0])
	h := history(pairs[0].acct)
	if len(first.Applications) != 1 || first.Applications[0].Credit != pairs[0].credit || first.Applications[0].Debit != pairs[0].debit {
		t.Fatalf("the first Apply returned %+v, want one application of %s to %s", first, pairs[0].credit, pairs[0].debit)
	}
	if len(h) != 1 || !slices.Equal(h[0].Documents, []string{pairs[0].credit, pairs[0].debit}) ||
		!slices.Equal(h[0].Applications, []string{first.Applications[0].ID}) {
		t.Fatalf("history of the first Apply: %+v, want one entry listing %s, %s and application %s",
			h, pairs[0].credit, pairs[0].debit, first.Applications[0].ID)
	}
	gotFirst, gotHistory := show(first), show(h)
	gotStored := show(history(pairs[0].acct))

	// Operations after it, each reusing the memory of the one before.
	for _, p := range pairs[1:] {
		apply(p)
		history(p.acct)
	}
	if now := show(first); now != gotFirst {
		t.Errorf("the result of an Apply changed after later operations:\nwas %s\nnow %s", gotFirst, now)
	}
	if now := show(h); now != gotHistory {
		t.Errorf("a page of history changed after later operations:\nwas %s\nnow %s", gotHistory, now)
	}
	if now := show(history(pairs[0].acct)); now != gotStored {
		t.Errorf("the stored history changed after later operations:\nwas %s\nnow %s", gotStored, now)
	}

	// A caller changes what it was given; the store keeps what it had.
	for i := range h {
		for j := range h[i].Documents {
			h[i].Documents[j] = "scribbled"
		}
		for j := range h[i].Applications {
			h[i].Applications[j] = "scribbled"
		}
	}
	for i := range first.Applications {
		first.Applications[i].ID = "scribbled"
	}
	if now := show(history(pairs[0].acct)); now != gotStored {
		t.Errorf("changing a page of history changed the stored one:\nwas %s\nnow %s", gotStored, now)
	}
	e, ok, err := st.EntryAt(ctx, benchP.Namespace, pairs[0].acct, h[0].At)
	if err != nil || !ok {
		t.Fatalf("EntryAt: %v, %v", ok, err)
	}
	for j := range e.Documents {
		e.Documents[j] = "scribbled"
	}
	if now := show(history(pairs[0].acct)); now != gotStored {
		t.Errorf("changing the entry EntryAt returned changed the stored one:\nwas %s\nnow %s", gotStored, now)
	}
	if e, _, _ := st.EntryAt(ctx, benchP.Namespace, pairs[0].acct, h[0].At); show([]credit.Entry{e}) != gotStored {
		now := show([]credit.Entry{e})
		t.Errorf("EntryAt after the caller changed a page of history:\nwas %s\nnow %s", gotStored, now)
	}
	// A replay of the key returns the first result, as recorded.
	again, err := l.Apply(ctx, benchP, pairs[0].key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pairs[0].credit, Debit: pairs[0].debit}},
		Comment: "first " + pairs[0].key})
	if err != nil {
		t.Fatal(err)
	}
	if now := show(again); now != gotFirst {
		t.Errorf("the replayed result differs from the first:\nwas %s\nnow %s", gotFirst, now)
	}
}
