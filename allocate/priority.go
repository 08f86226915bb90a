package allocate

import (
	"maps"
	"slices"
	"strconv"

	"github.com/arcredit/arcredit/invoice"
)

// ByPriority returns inner made to use credits by a numeric priority label
// first (Stripe's credit grants with a priority, Lago's wallet
// priorities): the credits whose label key holds the lowest integer are
// used first, then the next, and so on; credits without the label, or
// whose value is not an integer, come last, together. Within one priority
// the inner policy chooses, as it would for a request holding only those
// credits, with what the earlier priorities left of the debits and the
// cap. Under full cover, a debit that no priority could pay whole on its
// own is then paid, where it can, from what is left of all the credits
// together, in the inner policy's order, so that the plan stops only where
// inner would. With one priority or none the plan is inner's.
//
// Its name is "by_priority(" + key + "," + the name of inner + ")". It
// adjusts requests as inner does (see Adjuster).
//
// It does not implement IssueOrdered, whatever inner does, so a Ledger
// plans it over the whole request rather than a window of debits at a
// time: a window would give a later priority's credits to its debits
// before an earlier priority had seen the debits of later windows, and
// under full cover with a cap the plans differ (a test shows one).
func ByPriority(key string, inner Policy) Policy {
	if inner == nil {
		panic("allocate: ByPriority of a nil policy")
	}
	return byPriority{key: key, inner: inner}
}

type byPriority struct {
	key   string
	inner Policy
}

// Name returns "by_priority(key,inner)".
func (p byPriority) Name() string { return "by_priority(" + p.key + "," + NameOf(p.inner) + ")" }

// Adjust returns the inner policy's adjustments of req.
func (p byPriority) Adjust(req Request) Request { return Effective(p.inner, req) }

// rank is a credit's priority: its label parsed as an integer, or false.
func (p byPriority) rank(c *invoice.Document) (int64, bool) {
	v, ok := c.Labels[p.key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// Plan plans each priority in turn with the inner policy (see ByPriority).
func (p byPriority) Plan(req Request) (Plan, error) {
	req = p.Adjust(req)
	tiers := p.tiers(req.Credits)
	if len(tiers) <= 1 {
		return p.inner.Plan(req)
	}
	debits := slices.Clone(req.Debits)
	credits := slices.Clone(req.Credits)
	dAt := make(map[string]int, len(debits))
	for i := range debits {
		dAt[debits[i].ID] = i
	}
	cAt := make(map[string]int, len(credits))
	for i := range credits {
		cAt[credits[i].ID] = i
	}
	var out Plan
	// pass plans the credits at the indexes given against what is left.
	pass := func(idx []int) error {
		r := req
		r.Debits, r.Credits = nil, nil
		for i := range debits {
			if debits[i].Open.IsPositive() {
				r.Debits = append(r.Debits, debits[i])
			}
		}
		for _, i := range idx {
			if credits[i].Open.IsPositive() {
				r.Credits = append(r.Credits, credits[i])
			}
		}
		if len(r.Debits) == 0 || len(r.Credits) == 0 {
			return nil
		}
		plan, err := p.inner.Plan(r)
		if err != nil {
			return err
		}
		if err := Validate(r, plan); err != nil {
			return err
		}
		for _, l := range plan.Lines {
			d, c := &debits[dAt[l.Debit]], &credits[cAt[l.Credit]]
			if d.Open, err = d.Open.Sub(l.Amount); err != nil {
				return err
			}
			if c.Open, err = c.Open.Sub(l.Amount); err != nil {
				return err
			}
			if req.Cap.IsValid() {
				if req.Cap, err = req.Cap.Sub(l.Amount); err != nil {
					return err
				}
			}
		}
		out.Lines = append(out.Lines, plan.Lines...)
		return nil
	}
	capLeft := func() bool { return !req.Cap.IsValid() || req.Cap.IsPositive() }
	for _, tier := range tiers {
		if !capLeft() {
			return out, nil
		}
		if err := pass(tier); err != nil {
			return Plan{}, err
		}
	}
	if !req.Partial && capLeft() {
		// Debits no priority could pay whole alone, from all that is left.
		all := make([]int, len(credits))
		for i := range all {
			all[i] = i
		}
		if err := pass(all); err != nil {
			return Plan{}, err
		}
	}
	return out, nil
}

// tiers groups the indexes of credits by priority, the lowest first, those
// without one last.
func (p byPriority) tiers(credits []invoice.Document) [][]int {
	ranked := map[int64][]int{}
	var unranked []int
	for i := range credits {
		if n, ok := p.rank(&credits[i]); ok {
			ranked[n] = append(ranked[n], i)
		} else {
			unranked = append(unranked, i)
		}
	}
	var out [][]int
	for _, n := range slices.Sorted(maps.Keys(ranked)) {
		out = append(out, ranked[n])
	}
	if len(unranked) > 0 {
		out = append(out, unranked)
	}
	return out
}
