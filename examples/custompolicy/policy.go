package main

import (
	"slices"
	"strings"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// LargestFirst is a policy of this program's own: it pays the largest open
// debit first, from the oldest credits, so that the biggest exposure is
// closed before the small ones. Under full cover (the default) a debit is
// paid whole or not at all, and a debit too large for what is left is passed
// over for the next; under partial cover each debit takes what it can. It
// never goes beyond the cap and pairs only what the request allows
// (Request.PairEligible).
//
// Like every policy it is pure and deterministic: no clock but req.AsOf, no
// map order, ties broken by ID, so that the order of req.Debits and
// req.Credits never shows through.
type LargestFirst struct{}

// Name implements allocate.Named; the ledger records it on every application
// the policy plans.
func (LargestFirst) Name() string { return "largest_invoice_first" }

// Plan implements allocate.Policy.
func (LargestFirst) Plan(req allocate.Request) (allocate.Plan, error) {
	// One currency per plan: the cap's, or else each currency of the
	// debits in turn (by code) until one pays something.
	var currencies []money.Currency
	if req.Cap.IsValid() {
		if !req.Cap.IsPositive() {
			return allocate.Plan{}, nil
		}
		currencies = []money.Currency{req.Cap.Currency()}
	} else {
		for _, d := range req.Debits {
			if c := d.Open.Currency(); req.DebitEligible(d) && !slices.Contains(currencies, c) {
				currencies = append(currencies, c)
			}
		}
		slices.SortFunc(currencies, func(a, b money.Currency) int { return strings.Compare(a.Code(), b.Code()) })
	}
	for _, cur := range currencies {
		p, err := planIn(req, cur)
		if err != nil || len(p.Lines) > 0 {
			return p, err
		}
	}
	return allocate.Plan{}, nil
}

// planIn plans the documents of one currency.
func planIn(req allocate.Request, cur money.Currency) (allocate.Plan, error) {
	var debits, credits []invoice.Document
	for _, d := range req.Debits {
		if req.DebitEligible(d) && d.Open.Currency() == cur {
			debits = append(debits, d)
		}
	}
	for _, c := range req.Credits {
		if req.CreditEligible(c) && c.Open.Currency() == cur {
			credits = append(credits, c)
		}
	}
	// Largest open balance first; then the older, then the lower ID.
	var cmpErr error
	slices.SortFunc(debits, func(a, b invoice.Document) int {
		c, err := b.Open.Cmp(a.Open)
		if err != nil {
			cmpErr = err
		}
		if c != 0 {
			return c
		}
		if c := a.Issued.Compare(b.Issued); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if cmpErr != nil {
		return allocate.Plan{}, cmpErr
	}
	slices.SortFunc(credits, func(a, b invoice.Document) int {
		if c := a.Issued.Compare(b.Issued); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})

	left := make([]money.Money, len(credits)) // what each credit has left
	for i, c := range credits {
		left[i] = c.Open
	}
	capLeft := req.Cap // the zero Money when there is no cap
	var plan allocate.Plan
	for _, d := range debits {
		if capLeft.IsValid() && !capLeft.IsPositive() {
			break
		}
		want := d.Open
		if capLeft.IsValid() {
			want, _ = want.Min(capLeft)
		}
		if !req.Partial {
			// Whole or not at all: the cap and the credits that may pay
			// this debit must both reach its open balance.
			if c, _ := want.Cmp(d.Open); c < 0 {
				continue
			}
			avail := money.Zero(cur)
			for i, c := range credits {
				if req.PairEligible(c, d) {
					var err error
					if avail, err = avail.Add(left[i]); err != nil {
						return allocate.Plan{}, err
					}
				}
			}
			if c, _ := avail.Cmp(d.Open); c < 0 {
				continue
			}
		}
		for i, c := range credits {
			if !want.IsPositive() {
				break
			}
			if !left[i].IsPositive() || !req.PairEligible(c, d) {
				continue
			}
			amt, _ := want.Min(left[i])
			plan.Lines = append(plan.Lines, allocate.Line{Credit: c.ID, Debit: d.ID, Amount: amt, Reason: "largest debit first, oldest credit"})
			left[i], _ = left[i].Sub(amt)
			want, _ = want.Sub(amt)
			if capLeft.IsValid() {
				capLeft, _ = capLeft.Sub(amt)
			}
		}
	}
	return plan, nil
}
