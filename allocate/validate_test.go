package allocate_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// validateRequest: D1–D6 and C1–C5, each with one trait a rule is about.
func validateRequest() allocate.Request {
	d2 := debit("D2", "USD 50.00", 1)
	d2.Recurring = true
	d3 := debit("D3", "USD 20.00", 2)
	d3.Open, d3.Status = money.MustParse("USD 0.00"), invoice.Paid
	c2 := credit("C2", "USD 60.00", 1)
	c2.Expires = on(5)
	c5 := credit("C5", "USD 10.00", 2)
	c5.Open, c5.Status = money.MustParse("USD 0.00"), invoice.Closed
	return allocate.Request{
		AsOf: on(10),
		Debits: []invoice.Document{
			billTo(debit("D1", "USD 100.00", 0), "acme", "ann"),
			d2, d3,
			debit("D4", "EUR 30.00", 3),
			billTo(debit("D5", "USD 40.00", 4), "globex", ""),
		},
		Credits: []invoice.Document{
			billTo(credit("C1", "USD 80.00", 0), "acme", "ann"),
			c2,
			billTo(credit("C3", "USD 70.00", 2), "globex", ""),
			credit("C4", "EUR 30.00", 3),
			c5,
		},
	}
}

func ln(c, d, amount string) allocate.Line {
	l := allocate.Line{Credit: c, Debit: d}
	if amount != "" {
		l.Amount = money.MustParse(amount)
	}
	return l
}

func TestValidateRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*allocate.Request)
		lines  []allocate.Line
		rules  []string // every rule reported, in order; nil: valid
		is     error
		line   int // the Line of the first violation
	}{
		{name: "valid", lines: []allocate.Line{ln("C1", "D5", "USD 40.00")}},
		{name: "empty plan", lines: nil},
		{name: "zero amount", lines: []allocate.Line{ln("C1", "D5", "USD 0.00")}, rules: []string{allocate.RuleAmount}},
		{name: "negative amount", lines: []allocate.Line{ln("C1", "D5", "USD 40.00"), ln("C3", "D1", "USD -5.00")}, rules: []string{allocate.RuleAmount}, line: 1},
		{name: "no amount", lines: []allocate.Line{ln("C1", "D5", "")}, rules: []string{allocate.RuleAmount}},
		{name: "credit not in request", lines: []allocate.Line{ln("CX", "D5", "USD 40.00")}, rules: []string{allocate.RuleNotInRequest}, is: allocate.ErrNotInRequest},
		{name: "debit not in request", lines: []allocate.Line{ln("C1", "DX", "USD 40.00")}, rules: []string{allocate.RuleNotInRequest}, is: allocate.ErrNotInRequest},
		{name: "a debit used as a credit", lines: []allocate.Line{ln("D1", "D5", "USD 40.00")}, rules: []string{allocate.RuleNotInRequest}, is: allocate.ErrNotInRequest},
		{name: "expired credit", lines: []allocate.Line{ln("C2", "D5", "USD 40.00")}, rules: []string{allocate.RuleExpired}, is: allocate.ErrExpired},
		{name: "closed credit", lines: []allocate.Line{ln("C5", "D5", "USD 40.00")}, rules: []string{allocate.RuleCreditType, allocate.RuleCreditOver}, is: allocate.ErrNotEligible},
		{name: "recurring debit", lines: []allocate.Line{ln("C1", "D2", "USD 50.00")}, rules: []string{allocate.RuleRecurring}, is: allocate.ErrRecurring},
		{name: "paid debit", lines: []allocate.Line{ln("C1", "D3", "USD 20.00")}, rules: []string{allocate.RuleDebitType, allocate.RuleDebitOver}, is: allocate.ErrNotEligible},
		{name: "credit and debit in two currencies", lines: []allocate.Line{ln("C4", "D5", "EUR 30.00")}, rules: []string{allocate.RuleCurrency}, is: money.ErrCurrencyMismatch},
		{name: "line in another currency than its documents", lines: []allocate.Line{ln("C1", "D5", "EUR 40.00")}, rules: []string{allocate.RuleCurrency}, is: money.ErrCurrencyMismatch},
		{name: "two currencies in one plan", lines: []allocate.Line{ln("C1", "D5", "USD 40.00"), ln("C4", "D4", "EUR 30.00")}, rules: []string{allocate.RuleCurrency}, is: money.ErrCurrencyMismatch, line: 1},
		{name: "cap in another currency", change: func(r *allocate.Request) { r.Cap = money.MustParse("EUR 100.00") },
			lines: []allocate.Line{ln("C1", "D5", "USD 40.00")}, rules: []string{allocate.RuleCurrency}, is: money.ErrCurrencyMismatch},
		{name: "bill-to mismatch", change: func(r *allocate.Request) { r.BillTo, r.Partial = true, true },
			lines: []allocate.Line{ln("C3", "D1", "USD 70.00")}, rules: []string{allocate.RuleBillTo}, is: allocate.ErrBillToMismatch},
		{name: "bill-to not asked", change: func(r *allocate.Request) { r.Partial = true },
			lines: []allocate.Line{ln("C3", "D1", "USD 70.00")}},
		{name: "duplicate pair", change: func(r *allocate.Request) { r.Partial = true },
			lines: []allocate.Line{ln("C1", "D1", "USD 30.00"), ln("C1", "D1", "USD 20.00")}, rules: []string{allocate.RuleDuplicatePair}, line: 1},
		{name: "credit overspent over two lines", change: func(r *allocate.Request) { r.Partial = true },
			lines: []allocate.Line{ln("C1", "D1", "USD 70.00"), ln("C1", "D5", "USD 20.00")}, rules: []string{allocate.RuleCreditOver}, is: allocate.ErrOverspend, line: 1},
		{name: "debit overpaid", lines: []allocate.Line{ln("C1", "D5", "USD 40.00"), ln("C3", "D5", "USD 10.00")}, rules: []string{allocate.RuleDebitOver}, is: allocate.ErrOverspend, line: 1},
		{name: "cap exceeded", change: func(r *allocate.Request) { r.Cap = money.MustParse("USD 30.00") },
			lines: []allocate.Line{ln("C1", "D5", "USD 40.00")}, rules: []string{allocate.RuleCap}, is: allocate.ErrCapExceeded, line: -1},
		{name: "cap met exactly", change: func(r *allocate.Request) { r.Cap = money.MustParse("USD 40.00") },
			lines: []allocate.Line{ln("C1", "D5", "USD 40.00")}},
		{name: "debit paid in part under full cover", lines: []allocate.Line{ln("C1", "D1", "USD 80.00")}, rules: []string{allocate.RuleFullCover}, is: allocate.ErrNotCovered, line: -1},
		{name: "debit paid in part under partial cover", change: func(r *allocate.Request) { r.Partial = true },
			lines: []allocate.Line{ln("C1", "D1", "USD 80.00")}},
		{name: "debit paid whole from two credits", lines: []allocate.Line{ln("C1", "D1", "USD 80.00"), ln("C3", "D1", "USD 20.00")}},
		{name: "duplicate IDs in the request", change: func(r *allocate.Request) { r.Credits = append(r.Credits, r.Credits[0]) },
			lines: []allocate.Line{ln("C1", "D5", "USD 40.00")}, rules: []string{allocate.RuleDuplicateID}, line: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := validateRequest()
			if tc.change != nil {
				tc.change(&req)
			}
			err := allocate.Validate(req, allocate.Plan{Lines: tc.lines})
			if tc.rules == nil {
				if err != nil {
					t.Fatalf("valid plan refused: %v", err)
				}
				return
			}
			var pe *allocate.PlanError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PlanError", err)
			}
			var rules []string
			for _, v := range pe.Violations {
				rules = append(rules, v.Rule)
			}
			if !slices.Equal(rules, tc.rules) {
				t.Errorf("rules %v, want %v (%v)", rules, tc.rules, err)
			}
			if pe.Violations[0].Line != tc.line {
				t.Errorf("first violation on line %d, want %d", pe.Violations[0].Line, tc.line)
			}
			if !errors.Is(err, allocate.ErrInvalidPlan) {
				t.Error("not ErrInvalidPlan")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(err, %v) is false: %v", tc.is, err)
			}
		})
	}
}

func TestValidateReportsEveryViolation(t *testing.T) {
	req := validateRequest()
	req.BillTo = true
	req.Cap = money.MustParse("USD 100.00")
	plan := allocate.Plan{Lines: []allocate.Line{
		ln("C1", "D1", "USD 80.00"), // fine, but D1 is left 20 short (full cover)
		ln("C2", "D5", "USD 40.00"), // expired; C2 names no party: bill-to
		ln("C3", "D2", "USD 50.00"), // recurring; globex's credit, D2 names no party: bill-to
		ln("C1", "D5", "USD 10.00"), // C1 now 90 of 80; D5 50 of 40; bill-to (acme credit, globex debit)
		ln("CX", "D1", "USD 1.00"),  // not in the request
	}}
	err := allocate.Validate(req, plan)
	var pe *allocate.PlanError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v", err)
	}
	want := []allocate.Violation{
		{Line: 1, Rule: allocate.RuleExpired},
		{Line: 1, Rule: allocate.RuleBillTo},
		{Line: 2, Rule: allocate.RuleRecurring},
		{Line: 2, Rule: allocate.RuleBillTo},
		{Line: 3, Rule: allocate.RuleBillTo},
		{Line: 3, Rule: allocate.RuleCreditOver},
		{Line: 3, Rule: allocate.RuleDebitOver},
		{Line: 4, Rule: allocate.RuleNotInRequest},
		{Line: -1, Rule: allocate.RuleCap},
		{Line: -1, Rule: allocate.RuleFullCover},
	}
	if len(pe.Violations) != len(want) {
		t.Fatalf("%d violations, want %d:\n%v", len(pe.Violations), len(want), err)
	}
	for i, w := range want {
		if g := pe.Violations[i]; g.Line != w.Line || g.Rule != w.Rule || g.Detail == "" {
			t.Errorf("violation %d = %+v, want line %d rule %s", i, g, w.Line, w.Rule)
		}
	}
	for _, s := range []error{allocate.ErrInvalidPlan, allocate.ErrExpired, allocate.ErrRecurring, allocate.ErrBillToMismatch,
		allocate.ErrOverspend, allocate.ErrNotInRequest, allocate.ErrCapExceeded, allocate.ErrNotCovered} {
		if !errors.Is(err, s) {
			t.Errorf("errors.Is(err, %v) is false", s)
		}
	}
	if errors.Is(err, money.ErrCurrencyMismatch) {
		t.Error("matches a rule it does not break")
	}
	if msg := err.Error(); !strings.Contains(msg, "10 violations") || !strings.Contains(msg, `credit "C2" expired`) {
		t.Errorf("message: %s", msg)
	}
}

// raceEnabled is set under the race detector, which makes the large test
// too slow at full size.
var raceEnabled bool

func TestValidateLargePlan(t *testing.T) {
	n := 1_000_000 // two million lines
	if testing.Short() || raceEnabled {
		n = 20_000
	}
	req := benchRequest(n)
	plan, err := allocate.OldestFirst().Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := allocate.Validate(req, plan); err != nil {
		t.Fatal(err)
	}
	// Overspend one credit at the end: found, and only that.
	last := plan.Lines[len(plan.Lines)-1]
	plan.Lines = append(plan.Lines, allocate.Line{Credit: last.Credit, Debit: plan.Lines[0].Debit, Amount: money.MustParse("USD 1000000.00")})
	err = allocate.Validate(req, plan)
	var pe *allocate.PlanError
	if !errors.As(err, &pe) || !errors.Is(err, allocate.ErrOverspend) {
		t.Fatalf("got %v", err)
	}
}
