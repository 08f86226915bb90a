package allocate

import (
	"fmt"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Validate checks plan against req and reports every rule it breaks, not
// only the first. The rules, each named by a Rule constant:
//
//   - every line's amount is positive money (RuleAmount);
//   - every line's credit is one of req.Credits and its debit one of
//     req.Debits (RuleNotInRequest);
//   - the credit can pay: a credit document, open, with an open balance
//     (RuleCreditType), not expired at req.AsOf (RuleExpired);
//   - the debit can be paid: a debit document, open, with an open balance
//     (RuleDebitType), not recurring (RuleRecurring);
//   - credit, debit and line share one currency, and all lines share one
//     currency, that of the cap when there is one (RuleCurrency);
//   - with req.BillTo, the bill-to parties match (RuleBillTo);
//   - no two lines pair the same credit and debit (RuleDuplicatePair);
//   - the lines on a credit add up to no more than its open balance
//     (RuleCreditOver), and those on a debit to no more than its open
//     balance (RuleDebitOver);
//   - the total is no more than req.Cap when the cap is valid (RuleCap);
//   - unless req.Partial, every debit the plan touches is paid whole: its
//     lines add up to its open balance (RuleFullCover);
//   - the IDs of req.Credits are distinct, and those of req.Debits too
//     (RuleDuplicateID), so that a line names one document.
//
// It returns nil or a *PlanError, which matches ErrInvalidPlan and the
// sentinel of every rule broken (errors.Is(err, ErrOverspend)). It runs in
// time linear in the lines and documents, so a ledger can run it on every
// plan, however large.
func Validate(req Request, plan Plan) error {
	// One function on purpose: its maps and slices stay on the stack, which
	// a struct with methods holding them did not allow (an Apply validates
	// its plan; TestApplyAllocations counts what that costs).
	var vs []Violation
	add := func(line int, rule, detail string) {
		vs = append(vs, Violation{Line: line, Rule: rule, Detail: detail})
	}

	credits := make(map[string]int, len(req.Credits))
	for i := range req.Credits {
		id := req.Credits[i].ID
		if _, dup := credits[id]; dup {
			add(-1, RuleDuplicateID, fmt.Sprintf("two credits of the request have ID %q", id))
			continue
		}
		credits[id] = i
	}
	debits := make(map[string]int, len(req.Debits))
	for i := range req.Debits {
		id := req.Debits[i].ID
		if _, dup := debits[id]; dup {
			add(-1, RuleDuplicateID, fmt.Sprintf("two debits of the request have ID %q", id))
			continue
		}
		debits[id] = i
	}

	sums := make([]money.Money, len(req.Credits)+len(req.Debits)) // zero Money: nothing yet
	used, paid := sums[:len(req.Credits):len(req.Credits)], sums[len(req.Credits):]
	overC := make([]bool, len(req.Credits)) // already reported as overspent
	overD := make([]bool, len(req.Debits))
	var touched []int // debits in the order the plan first pays them
	pairs := make(map[uint64]int, len(plan.Lines))
	var planCur money.Currency
	if req.Cap.IsValid() {
		planCur = req.Cap.Currency()
	}
	var total money.Money
	totalOK := true

	for i := range plan.Lines {
		l := &plan.Lines[i]
		amountOK := l.Amount.IsValid() && l.Amount.IsPositive()
		cur := l.Amount.Currency()
		if !l.Amount.IsValid() {
			add(i, RuleAmount, "no amount")
		} else if !amountOK {
			add(i, RuleAmount, fmt.Sprintf("amount %s is not positive", l.Amount))
		}
		if l.Amount.IsValid() {
			switch {
			case planCur.IsZero():
				planCur = cur
			case cur != planCur:
				if req.Cap.IsValid() {
					add(i, RuleCurrency, fmt.Sprintf("line in %s, cap in %s", cur, planCur))
				} else {
					add(i, RuleCurrency, fmt.Sprintf("line in %s, earlier lines in %s", cur, planCur))
				}
				amountOK = false // counted nowhere: its sums would mix currencies
			}
		}

		ci, cok := credits[l.Credit]
		di, dok := debits[l.Debit]
		var c, d *invoice.Document
		if cok {
			c = &req.Credits[ci]
			if !c.IsCredit() || c.Status != invoice.Open || !c.Open.IsPositive() {
				add(i, RuleCreditType, fmt.Sprintf("credit %q is a %s, %s, open %s", c.ID, c.Kind, c.Status, c.Open))
			}
			if c.ExpiredAt(req.AsOf) {
				add(i, RuleExpired, fmt.Sprintf("credit %q expired %s", c.ID, c.Expires.Format("2006-01-02 15:04")))
			}
		} else {
			add(i, RuleNotInRequest, fmt.Sprintf("credit %q is not a credit of the request", l.Credit))
		}
		if dok {
			d = &req.Debits[di]
			if !d.IsDebit() || d.Status != invoice.Open || !d.Open.IsPositive() {
				add(i, RuleDebitType, fmt.Sprintf("debit %q is a %s, %s, open %s", d.ID, d.Kind, d.Status, d.Open))
			}
			if d.Recurring {
				add(i, RuleRecurring, fmt.Sprintf("debit %q is recurring", d.ID))
			}
		} else {
			add(i, RuleNotInRequest, fmt.Sprintf("debit %q is not a debit of the request", l.Debit))
		}

		if req.skipped(l.Credit, l.Debit) {
			add(i, RuleSkipped, fmt.Sprintf("credit %q may not pay debit %q again (Request.Skip)", l.Credit, l.Debit))
		}
		if c != nil && d != nil && c.Open.Currency() != d.Open.Currency() {
			add(i, RuleCurrency, fmt.Sprintf("credit %q in %s, debit %q in %s", c.ID, c.Open.Currency(), d.ID, d.Open.Currency()))
		} else if l.Amount.IsValid() {
			if c != nil && c.Open.Currency() != cur {
				add(i, RuleCurrency, fmt.Sprintf("line in %s, credit %q in %s", cur, c.ID, c.Open.Currency()))
			} else if d != nil && d.Open.Currency() != cur {
				add(i, RuleCurrency, fmt.Sprintf("line in %s, debit %q in %s", cur, d.ID, d.Open.Currency()))
			}
		}
		if req.BillTo && c != nil && d != nil && !invoice.BillToMatches(c.BillTo, d.BillTo) {
			add(i, RuleBillTo, fmt.Sprintf("credit %q bills %s, debit %q bills %s", c.ID, party(c.BillTo), d.ID, party(d.BillTo)))
		}
		if c != nil && d != nil {
			key := uint64(ci)<<32 | uint64(uint32(di))
			if first, dup := pairs[key]; dup {
				add(i, RuleDuplicatePair, fmt.Sprintf("credit %q and debit %q are paired on line %d already", c.ID, d.ID, first))
			} else {
				pairs[key] = i
			}
		}

		if !amountOK {
			continue
		}
		if c != nil && c.Open.Currency() == cur {
			s, ok := sum(used[ci], l.Amount)
			if !ok {
				add(i, RuleAmount, fmt.Sprintf("the lines on credit %q add up to more than money can hold", c.ID))
			}
			used[ci] = s
			if ok && !overC[ci] && more(s, c.Open) {
				overC[ci] = true
				add(i, RuleCreditOver, fmt.Sprintf("credit %q: lines use %s, open %s", c.ID, s, c.Open))
			}
		}
		if d != nil && d.Open.Currency() == cur {
			if !paid[di].IsValid() {
				touched = append(touched, di)
			}
			s, ok := sum(paid[di], l.Amount)
			if !ok {
				add(i, RuleAmount, fmt.Sprintf("the lines on debit %q add up to more than money can hold", d.ID))
			}
			paid[di] = s
			if ok && !overD[di] && more(s, d.Open) {
				overD[di] = true
				add(i, RuleDebitOver, fmt.Sprintf("debit %q: lines pay %s, open %s", d.ID, s, d.Open))
			}
		}
		if totalOK {
			total, totalOK = sum(total, l.Amount)
			if !totalOK {
				add(i, RuleAmount, "the plan's total is more than money can hold")
			}
		}
	}

	if req.Cap.IsValid() && totalOK && total.IsValid() && more(total, req.Cap) {
		add(-1, RuleCap, fmt.Sprintf("total %s above cap %s", total, req.Cap))
	}
	if !req.Partial {
		for _, di := range touched {
			d := &req.Debits[di]
			if c, err := paid[di].Cmp(d.Open); err == nil && c < 0 {
				add(-1, RuleFullCover, fmt.Sprintf("debit %q: lines pay %s of open %s, and the request does not allow partial cover", d.ID, paid[di], d.Open))
			}
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return &PlanError{Violations: vs}
}

// sum returns a+b, or b when a is the zero Money; ok is false when the sum
// cannot be held exactly.
func sum(a, b money.Money) (money.Money, bool) {
	if !a.IsValid() {
		return b, true
	}
	s, err := a.Add(b)
	if err != nil {
		return a, false
	}
	return s, true
}

// more reports a > b for two amounts of one currency.
func more(a, b money.Money) bool {
	c, err := a.Cmp(b)
	return err == nil && c > 0
}

// party describes a bill-to party for messages.
func party(p invoice.Party) string {
	switch {
	case p.Company != "" && p.Person != "":
		return "company " + p.Company + " / person " + p.Person
	case p.Company != "":
		return "company " + p.Company
	case p.Person != "":
		return "person " + p.Person
	}
	return "nobody"
}
