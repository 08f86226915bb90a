package allocate_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
	"github.com/arcredit/arcredit/invoice"
)

// TestWindowsPlanAsTheWholeRequest: for every built-in that walks in issue
// order, planning the debits a window at a time, in (Issued, ID) order as
// a store lists them, gives the plan of the whole request, whatever the
// windows' sizes.
func TestWindowsPlanAsTheWholeRequest(t *testing.T) {
	ordered := []allocate.Policy{
		allocate.OldestFirst(), allocate.Partial(allocate.OldestFirst()),
		allocate.BillToMatch(allocate.OldestFirst()), allocate.BillToMatch(allocate.Partial(allocate.OldestFirst())),
	}
	for _, p := range ordered {
		if !allocate.WalksInIssueOrder(p) {
			t.Fatalf("%s does not say it walks in issue order", allocate.NameOf(p))
		}
	}
	if allocate.WalksInIssueOrder(allocate.SystemDiscretion()) || allocate.WalksInIssueOrder(allocate.Partial(allocate.SystemDiscretion())) {
		t.Fatal("SystemDiscretion walks by urgency, not in issue order")
	}
	rapid.Check(t, func(t *rapid.T) {
		req := allocatetest.Requests().Draw(t, "request")
		if !oneCurrency(req) {
			return
		}
		debits := slices.Clone(req.Debits)
		slices.SortFunc(debits, func(a, b invoice.Document) int {
			if c := a.Issued.Compare(b.Issued); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		size := rapid.IntRange(1, max(1, len(debits))).Draw(t, "window")
		for _, p := range ordered {
			want, err := p.Plan(req)
			if err != nil {
				t.Fatal(err)
			}
			rest := debits
			got, err := allocate.PlanWindows(p, req, func() ([]invoice.Document, error) {
				n := min(size, len(rest))
				w := rest[:n]
				rest = rest[n:]
				return w, nil
			})
			if err != nil {
				t.Fatalf("%s: %v", allocate.NameOf(p), err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s in windows of %d differs from the whole request (-whole +windows):\n%s\n%s",
					allocate.NameOf(p), size, diff, allocatetest.FormatRequest(req))
			}
		}
	})
}

// oneCurrency reports whether every document, and the cap, share one currency.
func oneCurrency(req allocate.Request) bool {
	var docs []invoice.Document
	docs = append(append(docs, req.Debits...), req.Credits...)
	for _, d := range docs {
		if d.Open.Currency() != docs[0].Open.Currency() {
			return false
		}
	}
	return len(docs) == 0 || !req.Cap.IsValid() || req.Cap.Currency() == docs[0].Open.Currency()
}

// TestSystemDiscretionNeedsTheWholeRequest: SystemDiscretion pays the
// overdue debits first, the smallest first, which is no order a store
// lists debits in: fed a window at a time in (Issued, ID) order, it would
// spend the credit on the oldest debit before it sees the overdue one. So
// it is not IssueOrdered, and the Ledger plans it over every open debit at
// once (README: Cost at scale).
func TestSystemDiscretionNeedsTheWholeRequest(t *testing.T) {
	notDue := debit("OLD-NOT-DUE", "USD 10.00", 1)
	notDue.Due = on(40)
	overdue := debit("NEW-OVERDUE", "USD 10.00", 5)
	overdue.Due = on(6)
	req := allocate.Request{Debits: []invoice.Document{notDue, overdue},
		Credits: []invoice.Document{credit("CM", "USD 10.00", 0)}, AsOf: on(20)}
	p := allocate.SystemDiscretion()
	whole := short(mustPlan(t, p, req))
	if want := []string{"CM→NEW-OVERDUE 10.00"}; !slices.Equal(whole, want) {
		t.Fatalf("whole request: %v, want %v", whole, want)
	}
	rest := []invoice.Document{notDue, overdue} // (Issued, ID) order
	windowed, err := allocate.PlanWindows(p, req, func() ([]invoice.Document, error) {
		if len(rest) == 0 {
			return nil, nil
		}
		w := rest[:1]
		rest = rest[1:]
		return w, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := short(windowed); slices.Equal(got, whole) {
		t.Fatalf("in windows of issue order SystemDiscretion plans %v, as the whole request: the windows cannot tell", got)
	}
	if allocate.WalksInIssueOrder(p) {
		t.Fatal("SystemDiscretion says it walks in issue order")
	}
}
