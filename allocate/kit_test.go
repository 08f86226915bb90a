package allocate_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Broken policies, each wrong in one way, to show that the kit catches
// them and says why.

// overspender pays every eligible debit whole from its first eligible
// credit, whatever is open on that credit.
var overspender = allocate.PolicyFunc(func(req allocate.Request) (allocate.Plan, error) {
	var p allocate.Plan
	for _, d := range req.Debits {
		for _, c := range req.Credits {
			if req.PairEligible(c, d) && d.Open.Currency() == req.Debits[0].Open.Currency() {
				p.Lines = append(p.Lines, allocate.Line{Credit: c.ID, Debit: d.ID, Amount: d.Open})
				break
			}
		}
	}
	return p, nil
})

// capIgnorer plans oldest first as though there were no cap.
var capIgnorer = allocate.PolicyFunc(func(req allocate.Request) (allocate.Plan, error) {
	req.Cap = money.Money{}
	return allocate.OldestFirst().Plan(req)
})

// inputOrder plans oldest first, except that it takes "oldest" to mean
// "first in the request": a valid, complete plan that depends on the order
// the documents came in.
var inputOrder = allocate.PolicyFunc(func(req allocate.Request) (allocate.Plan, error) {
	req.Debits = slices.Clone(req.Debits)
	req.Credits = slices.Clone(req.Credits)
	for i := range req.Debits {
		req.Debits[i].Issued = on(i)
	}
	for i := range req.Credits {
		req.Credits[i].Issued = on(i)
	}
	return allocate.OldestFirst().Plan(req)
})

// quitter pays only the first debit OldestFirst would pay.
var quitter = allocate.PolicyFunc(func(req allocate.Request) (allocate.Plan, error) {
	p, err := allocate.OldestFirst().Plan(req)
	if err != nil || len(p.Lines) == 0 {
		return p, err
	}
	first := p.Lines[0].Debit
	var out allocate.Plan
	for _, l := range p.Lines {
		if l.Debit == first {
			out.Lines = append(out.Lines, l)
		}
	}
	return out, nil
})

// sorter sorts the caller's debits in place (by ID, descending): order-independent in its
// result, but not pure.
var sorter = allocate.PolicyFunc(func(req allocate.Request) (allocate.Plan, error) {
	slices.SortFunc(req.Debits, func(a, b invoice.Document) int { return strings.Compare(b.ID, a.ID) })
	return allocate.OldestFirst().Plan(req)
})

func TestKitCatchesBrokenPolicies(t *testing.T) {
	for _, tc := range []struct {
		name     string
		p        allocate.Policy
		property string
		is       error
		says     []string
	}{
		{"overspends a credit", overspender, allocatetest.PropValid, allocate.ErrOverspend, []string{"credit_overspent", "lines use"}},
		{"ignores the cap", capIgnorer, allocatetest.PropValid, allocate.ErrCapExceeded, []string{"cap: total", "above cap"}},
		{"depends on input order", inputOrder, allocatetest.PropDeterministic, allocatetest.ErrOrderDependent, []string{"depends on the order", "with debits in the order"}},
		{"stops early", quitter, allocatetest.PropComplete, allocatetest.ErrIncomplete, []string{"stops while it could still pay"}},
		{"changes its request", sorter, allocatetest.PropPure, allocatetest.ErrImpure, []string{"changed its request"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := allocatetest.Find(tc.p, 500)
			if err == nil {
				t.Fatal("the kit passed a broken policy")
			}
			t.Logf("caught:\n%v", err)
			var f *allocatetest.Failure
			if !errors.As(err, &f) {
				t.Fatalf("error %T is not a *Failure: %v", err, err)
			}
			if f.Property != tc.property {
				t.Errorf("property %q, want %q; error:\n%v", f.Property, tc.property, err)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(err, %v) is false; error:\n%v", tc.is, err)
			}
			msg := err.Error()
			for _, s := range append(tc.says, "is not "+tc.property, "request: as of", "plan:") {
				if !strings.Contains(msg, s) {
					t.Errorf("message does not say %q:\n%s", s, msg)
				}
			}
		})
	}
}

func TestCheckPlanOnHandMadePlans(t *testing.T) {
	req := allocate.Request{
		Debits:  []invoice.Document{debit("D1", "USD 100.00", 0), debit("D2", "USD 40.00", 1)},
		Credits: []invoice.Document{credit("C1", "USD 120.00", 0)},
	}
	line := func(c, d, amt string) allocate.Line {
		return allocate.Line{Credit: c, Debit: d, Amount: money.MustParse(amt)}
	}
	// Full cover: after D1, C1 has 20 left, not enough for D2: complete.
	if err := allocatetest.CheckPlan(req, allocate.Plan{Lines: []allocate.Line{line("C1", "D1", "USD 100.00")}}); err != nil {
		t.Errorf("complete plan refused: %v", err)
	}
	// Paying D2 first leaves 80, not enough for D1: also complete.
	if err := allocatetest.CheckPlan(req, allocate.Plan{Lines: []allocate.Line{line("C1", "D2", "USD 40.00")}}); err != nil {
		t.Errorf("complete plan refused: %v", err)
	}
	// Nothing at all, though D2 could be paid: incomplete.
	if err := allocatetest.CheckPlan(req, allocate.Plan{}); !errors.Is(err, allocatetest.ErrIncomplete) {
		t.Errorf("empty plan: got %v, want ErrIncomplete", err)
	}
	// Partial cover: 20 left on C1 and on D2 after paying D1: incomplete.
	req.Partial = true
	err := allocatetest.CheckPlan(req, allocate.Plan{Lines: []allocate.Line{line("C1", "D1", "USD 100.00")}})
	if !errors.Is(err, allocatetest.ErrIncomplete) || !strings.Contains(err.Error(), "debit D2 has USD 40.00 left and credit C1") {
		t.Errorf("partial plan stopping early: got %v", err)
	}
}
