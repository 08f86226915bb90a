package allocate_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// priorityPolicies are ByPriority over each built-in and inside the
// wrappers.
func priorityPolicies() []allocate.Policy {
	key := allocatetest.PriorityLabel
	return []allocate.Policy{
		allocate.ByPriority(key, allocate.OldestFirst()),
		allocate.ByPriority(key, allocate.SystemDiscretion()),
		allocate.ByPriority(key, allocate.Partial(allocate.OldestFirst())),
		allocate.ByPriority(key, allocate.BillToMatch(allocate.SystemDiscretion())),
		allocate.Partial(allocate.ByPriority(key, allocate.OldestFirst())),
		allocate.BillToMatch(allocate.ByPriority(key, allocate.Partial(allocate.SystemDiscretion()))),
	}
}

// TestByPriorityPassesTheKit: ByPriority is a policy like any other:
// pure, valid, deterministic and complete, over every inner policy.
func TestByPriorityPassesTheKit(t *testing.T) {
	for _, p := range priorityPolicies() {
		t.Run(allocate.NameOf(p), func(t *testing.T) { allocatetest.Check(t, p) })
	}
}

// rankOf is a credit's priority as ByPriority reads it: the label as an
// integer, or false for none.
func rankOf(c invoice.Document) (int64, bool) {
	n, err := strconv.ParseInt(c.Labels[allocatetest.PriorityLabel], 10, 64)
	_, has := c.Labels[allocatetest.PriorityLabel]
	return n, has && err == nil
}

func before(a, b invoice.Document) bool {
	ra, oka := rankOf(a)
	rb, okb := rankOf(b)
	switch {
	case oka && okb:
		return ra < rb
	case oka:
		return true
	}
	return false
}

// TestByPriorityUsesBetterPrioritiesFirst: under partial cover and without
// a cap, a credit is never used on a debit that a credit of a better
// priority could still pay after the plan; and each priority's lines are
// the inner policy's plan of that priority's credits alone, against what
// the better ones left. The kit runs beside it on the same requests.
func TestByPriorityUsesBetterPrioritiesFirst(t *testing.T) {
	p := allocate.ByPriority(allocatetest.PriorityLabel, allocate.Partial(allocate.OldestFirst()))
	rapid.Check(t, func(t *rapid.T) {
		allocatetest.Run(t, p)
		req := allocatetest.Requests().Draw(t, "request")
		req.Cap = money.Money{}
		req = allocate.Effective(p, req)
		plan, err := p.Plan(req)
		if err != nil {
			t.Fatal(err)
		}
		left := map[string]invoice.Document{}
		for _, d := range slices.Concat(req.Debits, req.Credits) {
			left[d.ID] = d
		}
		for _, l := range plan.Lines {
			for _, id := range []string{l.Credit, l.Debit} {
				d := left[id]
				d.Open, _ = d.Open.Sub(l.Amount)
				left[id] = d
			}
		}
		for _, l := range plan.Lines {
			used := left[l.Credit]
			for _, c := range req.Credits {
				rest := left[c.ID]
				if before(c, used) && rest.Open.IsPositive() && req.PairEligible(rest, left[l.Debit]) {
					t.Fatalf("%s (priority %q) pays %s while %s (priority %q) keeps %s that could pay it",
						l.Credit, used.Labels[allocatetest.PriorityLabel], l.Debit, c.ID, c.Labels[allocatetest.PriorityLabel], rest.Open)
				}
			}
		}
	})
}

// TestByPriorityIsNotPlannedInWindows: ByPriority never says it walks in
// issue order, as windows would plan it differently: under full cover with
// a cap, the whole request pays D2 from the first priority, while a window
// holding D1 alone spends the cap on D1 from the second.
func TestByPriorityIsNotPlannedInWindows(t *testing.T) {
	p := allocate.ByPriority("priority", allocate.OldestFirst())
	if allocate.WalksInIssueOrder(p) {
		t.Fatal("ByPriority says it walks in issue order")
	}
	c1 := labelled(doc("C1", invoice.CreditMemo, "USD 3.00", "2024-01-01"), "1")
	c2 := labelled(doc("C2", invoice.CreditMemo, "USD 10.00", "2024-01-01"), "2")
	d1 := doc("D1", invoice.Invoice, "USD 5.00", "2024-01-02")
	d2 := doc("D2", invoice.Invoice, "USD 3.00", "2024-01-03")
	req := allocate.Request{Debits: []invoice.Document{d1, d2}, Credits: []invoice.Document{c1, c2}, Cap: money.MustParse("USD 5.00")}
	whole, err := p.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	windows := [][]invoice.Document{{d1}, {d2}}
	windowed, err := allocate.PlanWindows(p, req, func() ([]invoice.Document, error) {
		if len(windows) == 0 {
			return nil, nil
		}
		w := windows[0]
		windows = windows[1:]
		return w, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lines(whole), "C1→D2 USD 3.00"; got != want {
		t.Errorf("whole request: %s, want %s", got, want)
	}
	if lines(windowed) == lines(whole) {
		t.Errorf("windows planned %s as the whole request did: the reason ByPriority is not IssueOrdered is gone", lines(windowed))
	}
}

func labelled(d invoice.Document, priority string) invoice.Document {
	d.Labels = map[string]string{"priority": priority}
	return d
}

func lines(p allocate.Plan) string {
	var s []string
	for _, l := range p.Lines {
		s = append(s, l.String())
	}
	return strings.Join(s, ", ")
}

// A wallet of three credits (Lago's wallet priorities, Stripe's credit
// grants with a priority): the promotional credit, priority 1, is used
// before the paid one, priority 2, whatever their dates; a credit without
// the label comes last.
func ExampleByPriority() {
	promo := doc("PROMO", invoice.CreditGrant, "USD 30.00", "2024-05-01")
	promo.Labels = map[string]string{"priority": "1", "product": "compute"}
	paid := doc("PAID", invoice.Prepayment, "USD 100.00", "2024-01-01")
	paid.Labels = map[string]string{"priority": "2"}
	memo := doc("MEMO", invoice.CreditMemo, "USD 50.00", "2023-12-01")
	req := allocate.Request{
		Debits:  []invoice.Document{doc("INV-1", invoice.Invoice, "USD 120.00", "2024-06-01")},
		Credits: []invoice.Document{memo, paid, promo},
		Partial: true,
	}
	p := allocate.ByPriority("priority", allocate.OldestFirst())
	plan, err := p.Plan(req)
	if err != nil {
		panic(err)
	}
	for _, l := range plan.Lines {
		fmt.Println(l)
	}
	fmt.Println(allocate.NameOf(p), "valid:", allocate.Validate(req, plan) == nil)
	// Output:
	// PROMO→INV-1 USD 30.00
	// PAID→INV-1 USD 90.00
	// by_priority(priority,oldest_first) valid: true
}
