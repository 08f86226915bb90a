package allocate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/arcredit/arcredit/invoice"
)

// Reasons the built-in policies give on their lines.
const (
	// ReasonOldest is the reason on every line of OldestFirst.
	ReasonOldest = "oldest debit, oldest credit"
	// ReasonOverdue is the reason of SystemDiscretion on lines paying an overdue debit.
	ReasonOverdue = "overdue debit, smallest first; credit expiring soonest"
	// ReasonNotYetDue is the reason of SystemDiscretion on lines paying a debit not yet due.
	ReasonNotYetDue = "debit not yet due, smallest first; credit expiring soonest"
)

const (
	nameOldestFirst      = "oldest_first"
	nameSystemDiscretion = "system_discretion"
)

// OldestFirst returns the policy of iMIS: "credits are applied by invoice
// date, with oldest invoice credits applied first".
//
// Debits are taken by issue date, oldest first, then by ID; credits
// likewise. Each debit in turn is paid from the credits in that order:
//
//   - under full cover (req.Partial false), a debit is paid whole, from as
//     many credits as it takes, when what is left of the credits that may
//     pay it and of the cap both reach its open balance; otherwise it is
//     left untouched and the next debit is tried;
//   - under partial cover, each debit takes all it can, and planning stops
//     when the cap is used up.
//
// Only eligible documents and pairs are used (see Request.PairEligible), so
// with req.BillTo only matching parties are paired. When the request mixes
// currencies, the plan is in the currency of the oldest debit that can be
// paid at all (of the cap's currency, when there is a cap). It runs in
// O(n log n) for n documents.
func OldestFirst() Policy { return oldestFirst{} }

type oldestFirst struct{}

// Name returns "oldest_first".
func (oldestFirst) Name() string { return nameOldestFirst }

// Plan plans req oldest first.
func (oldestFirst) Plan(req Request) (Plan, error) {
	return plan(&req, byIssue, byIssue, func(*Request, *invoice.Document) string { return ReasonOldest })
}

func byIssue(_ *Request, docs []invoice.Document, es []entry) {
	slices.SortFunc(es, func(a, b entry) int {
		if a.sec != b.sec {
			return cmp.Compare(a.sec, b.sec)
		}
		if a.nsec != b.nsec {
			return cmp.Compare(a.nsec, b.nsec)
		}
		return byID(docs, a, b)
	})
}

// SystemDiscretion returns this library's own policy for a customer who
// lets the system choose (Ingram: "the system applies it at its own
// discretion"). Its choice, in full:
//
// Debits are taken overdue first: a debit is overdue when its due date (its
// issue date when it has none) is before req.AsOf. Within the overdue
// debits, and then within the others, the smallest open balance comes
// first, so that as many documents as possible are settled whole; ties go
// to the earlier due date, then the earlier issue date, then the lower ID.
// (When the request mixes currencies, debits are grouped by currency code
// inside each of the two groups, before the open balance.)
//
// Credits are used soonest-expiring first, so that credit is not lost to
// expiry while other credit is spent: credits with an expiry date by that
// date, then credits that never expire; ties go to the earlier issue date,
// then the lower ID. Credits expired at req.AsOf are never used.
//
// Each debit in turn is then paid as OldestFirst pays it: whole or not at
// all under full cover, as much as possible under partial cover, never
// beyond the cap, only eligible pairs. Lines give the reason ReasonOverdue
// or ReasonNotYetDue.
func SystemDiscretion() Policy { return systemDiscretion{} }

type systemDiscretion struct{}

// Name returns "system_discretion".
func (systemDiscretion) Name() string { return nameSystemDiscretion }

// Plan plans req by the system's discretion.
func (systemDiscretion) Plan(req Request) (Plan, error) {
	return plan(&req, byUrgency, byExpiry, func(req *Request, d *invoice.Document) string {
		if overdue(req, d) {
			return ReasonOverdue
		}
		return ReasonNotYetDue
	})
}

func due(d *invoice.Document) time.Time {
	if d.Due.IsZero() {
		return d.Issued
	}
	return d.Due
}

func overdue(req *Request, d *invoice.Document) bool { return due(d).Before(req.AsOf) }

func byUrgency(req *Request, docs []invoice.Document, es []entry) {
	od := make([]bool, len(docs))
	for _, e := range es {
		od[e.i] = overdue(req, &docs[e.i])
	}
	slices.SortFunc(es, func(a, b entry) int {
		x, y := &docs[a.i], &docs[b.i]
		if od[a.i] != od[b.i] {
			if od[a.i] {
				return -1
			}
			return 1
		}
		if cx, cy := x.Open.Currency().Code(), y.Open.Currency().Code(); cx != cy {
			return strings.Compare(cx, cy)
		}
		if c, _ := x.Open.Cmp(y.Open); c != 0 {
			return c
		}
		if c := due(x).Compare(due(y)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
			return c
		}
		return byID(docs, a, b)
	})
}

func byExpiry(_ *Request, docs []invoice.Document, es []entry) {
	slices.SortFunc(es, func(a, b entry) int {
		x, y := &docs[a.i], &docs[b.i]
		xe, ye := x.Expires.IsZero(), y.Expires.IsZero()
		switch {
		case xe != ye:
			if ye {
				return -1
			}
			return 1
		case !xe:
			if c := x.Expires.Compare(y.Expires); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
			return c
		}
		return byID(docs, a, b)
	})
}

// BillToMatch returns inner restricted to pairs whose bill-to parties match
// (Aptify): when the credit names a company, the debit's company must be the
// same; otherwise the persons must be the same. It runs inner with
// req.BillTo set; every built-in policy honours it. Its name is
// "bill_to_match(" + the name of inner + ")".
func BillToMatch(inner Policy) Policy {
	if inner == nil {
		panic("allocate: BillToMatch of a nil policy")
	}
	return billToMatch{inner}
}

type billToMatch struct{ inner Policy }

// Name returns "bill_to_match(inner)".
func (p billToMatch) Name() string { return "bill_to_match(" + NameOf(p.inner) + ")" }

// Plan runs the inner policy with req.BillTo set.
func (p billToMatch) Plan(req Request) (Plan, error) {
	return p.inner.Plan(p.Adjust(req))
}

// Adjust returns req with BillTo set, and the inner policy's adjustments.
func (p billToMatch) Adjust(req Request) Request {
	req.BillTo = true
	return Effective(p.inner, req)
}

// Partial returns inner allowed to pay part of a debit (Aptify with
// CreditMemoValidation off): it runs inner with req.Partial set. Its name is
// "partial(" + the name of inner + ")".
func Partial(inner Policy) Policy {
	if inner == nil {
		panic("allocate: Partial of a nil policy")
	}
	return partial{inner}
}

type partial struct{ inner Policy }

// Name returns "partial(inner)".
func (p partial) Name() string { return "partial(" + NameOf(p.inner) + ")" }

// Plan runs the inner policy with req.Partial set.
func (p partial) Plan(req Request) (Plan, error) {
	return p.inner.Plan(p.Adjust(req))
}

// Adjust returns req with Partial set, and the inner policy's adjustments.
func (p partial) Adjust(req Request) Request {
	req.Partial = true
	return Effective(p.inner, req)
}
