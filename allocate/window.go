package allocate

import (
	"slices"

	"github.com/arcredit/arcredit/invoice"
)

// Planning a window at a time. A store lists an account's open debits in
// (Issued, ID) order, a page at a time; a policy that walks the debits in
// that very order, paying each from what the earlier ones left, can be fed
// one page after another instead of every open debit at once, and its plan
// is the same. Then the cost of "use my credit" follows the invoices the
// credit pays, not the invoices the account has.
//
// SystemDiscretion is not such a policy and stays planned over every open
// debit at once: it walks the overdue debits first (by a due date compared
// with the request's AsOf), each group by smallest open balance. That is no
// order a store can page by: which debits are overdue changes with AsOf, so
// no index holds them in that order, and an index by open balance must
// move a debit at every part payment and would still read, for the
// overdue ones, every debit not yet due that it passes. Fed in issue order
// it would pay the wrong debits (TestSystemDiscretionNeedsTheWholeRequest).
// Its cost is that of reading and sorting every open debit of the account:
// O(N log N) in the account's N open debits.

// IssueOrdered is implemented by policies that walk the debits oldest first
// by (Issued, ID), each paid from what the earlier ones left of the credits
// and the cap, whatever debits come after it: their plan of a request
// equals PlanWindows over its debits in that order. OldestFirst does, and
// Partial and BillToMatch of a policy that does.
type IssueOrdered interface {
	Policy
	// WalksInIssueOrder reports whether the policy walks as described.
	WalksInIssueOrder() bool
}

// WalksInIssueOrder reports whether p plans the same a window at a time
// (see IssueOrdered).
func WalksInIssueOrder(p Policy) bool {
	o, ok := p.(IssueOrdered)
	return ok && o.WalksInIssueOrder()
}

// WalksInIssueOrder reports true: OldestFirst walks debits by (Issued, ID).
func (oldestFirst) WalksInIssueOrder() bool { return true }

// WalksInIssueOrder reports whether the inner policy does.
func (p partial) WalksInIssueOrder() bool { return WalksInIssueOrder(p.inner) }

// WalksInIssueOrder reports whether the inner policy does.
func (p billToMatch) WalksInIssueOrder() bool { return WalksInIssueOrder(p.inner) }

// PlanWindows plans req's credits, under req's rules, against debits that
// next returns a window at a time, in (Issued, ID) order across windows; an
// empty window ends them. Each window is planned by p with what the earlier
// windows left of the credits and the cap, and its plan is validated
// against that window's request. For a policy that WalksInIssueOrder and a
// request in one currency, the plan equals p.Plan of the request holding
// every debit. It stops reading windows once the credits or the cap are
// used up. req.Debits is ignored.
func PlanWindows(p Policy, req Request, next func() ([]invoice.Document, error)) (Plan, error) {
	credits := append([]invoice.Document(nil), req.Credits...)
	at := make(map[string]int, len(credits))
	for i := range credits {
		at[credits[i].ID] = i
	}
	capped := req.Cap.IsValid()
	var out Plan
	for {
		if capped && !req.Cap.IsPositive() {
			return out, nil
		}
		if !anyOpen(credits) {
			return out, nil
		}
		win, err := next()
		if err != nil || len(win) == 0 {
			return out, err
		}
		r := req
		r.Debits, r.Credits = win, credits
		plan, err := p.Plan(r)
		if err != nil {
			return Plan{}, err
		}
		if err := Validate(Effective(p, r), plan); err != nil {
			return Plan{}, err
		}
		for _, l := range plan.Lines {
			c := &credits[at[l.Credit]]
			if c.Open, err = c.Open.Sub(l.Amount); err != nil {
				return Plan{}, err
			}
			if capped {
				if req.Cap, err = req.Cap.Sub(l.Amount); err != nil {
					return Plan{}, err
				}
			}
		}
		if n := len(out.Lines) + len(plan.Lines); n > cap(out.Lines) {
			// Double, rather than append's quarter for a long slice: a
			// plan of 100,000 lines is then copied twice, not five times.
			out.Lines = slices.Grow(out.Lines, max(n, 2*len(out.Lines))-len(out.Lines))
		}
		out.Lines = append(out.Lines, plan.Lines...)
	}
}

// anyOpen reports whether any credit has a positive open balance.
func anyOpen(credits []invoice.Document) bool {
	for i := range credits {
		if credits[i].Open.IsPositive() {
			return true
		}
	}
	return false
}
