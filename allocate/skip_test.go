package allocate_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// builtins are the built-in policies and their wrappers.
var builtins = []allocate.Policy{
	allocate.OldestFirst(), allocate.SystemDiscretion(),
	allocate.Partial(allocate.OldestFirst()), allocate.BillToMatch(allocate.OldestFirst()),
	allocate.BillToMatch(allocate.Partial(allocate.SystemDiscretion())),
}

// TestSkippingWalkEqualsTheEngine: a request with a Skip that names no pair
// of the request takes the walk that honours skipped pairs; its plan must
// be the engine's, for every built-in policy, so that the two walks are one
// rule.
func TestSkippingWalkEqualsTheEngine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		req := allocatetest.Requests().Draw(t, "request")
		req.Skip = nil // the engine's own walk
		for _, p := range builtins {
			want, err := p.Plan(req)
			if err != nil {
				t.Fatal(err)
			}
			slow := req
			slow.Skip = []allocate.SkipPair{{Credit: "no such credit", Debit: "no such debit"}}
			got, err := p.Plan(slow)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: the skipping walk differs from the engine (-engine +skipping):\n%s\nrequest:\n%s",
					allocate.NameOf(p), diff, allocatetest.FormatRequest(req))
			}
		}
	})
}

// TestASkippedPairIsNeverPlanned: every built-in plans around the pairs a
// request skips, and still pays what the other pairs can; Validate refuses
// a line on a skipped pair.
func TestASkippedPairIsNeverPlanned(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		req := allocatetest.Requests().Draw(t, "request")
		if len(req.Credits) == 0 || len(req.Debits) == 0 {
			return
		}
		c := rapid.SampledFrom(req.Credits).Draw(t, "credit")
		d := rapid.SampledFrom(req.Debits).Draw(t, "debit")
		req.Skip = []allocate.SkipPair{{Credit: c.ID, Debit: d.ID}}
		for _, p := range builtins {
			plan, err := p.Plan(req)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range plan.Lines {
				if l.Credit == c.ID && l.Debit == d.ID {
					t.Fatalf("%s planned the skipped pair %s→%s", allocate.NameOf(p), c.ID, d.ID)
				}
			}
			if err := allocatetest.CheckPlan(allocate.Effective(p, req), plan); err != nil {
				t.Fatalf("%s: %v", allocate.NameOf(p), err)
			}
		}
	})
}

func TestValidateRefusesASkippedPair(t *testing.T) {
	usd := money.MustCurrency("USD")
	ten, _ := money.New(usd, "10.00")
	req := allocate.Request{
		Credits: []invoice.Document{{ID: "c", Kind: invoice.Payment, Amount: ten, Open: ten, Status: invoice.Open}},
		Debits:  []invoice.Document{{ID: "d", Kind: invoice.Invoice, Amount: ten, Open: ten, Status: invoice.Open}},
		Skip:    []allocate.SkipPair{{Credit: "c", Debit: "d"}},
	}
	err := allocate.Validate(req, allocate.Plan{Lines: []allocate.Line{{Credit: "c", Debit: "d", Amount: ten}}})
	var pe *allocate.PlanError
	if !errors.As(err, &pe) || pe.Violations[0].Rule != allocate.RuleSkipped {
		t.Fatalf("Validate of a skipped pair: %v", err)
	}
}
