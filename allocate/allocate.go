package allocate

import (
	"fmt"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Request is what a Policy plans from: the open debits to pay, the open
// credits that may pay them, and the rules every plan must keep.
//
// Debits and Credits are in no particular order; a policy must give the same
// plan whatever their order.
type Request struct {
	Debits  []invoice.Document
	Credits []invoice.Document
	// Cap, when valid (non-zero Money), bounds the total of the plan: "use my
	// credit on these documents, up to this much".
	Cap money.Money
	// Partial allows a debit to be paid in part. Without it (the default,
	// Aptify's CreditMemoValidation) a debit the plan touches is paid whole:
	// the lines on it add up to its open balance.
	Partial bool
	// BillTo allows only pairs whose bill-to parties match
	// (invoice.BillToMatches(credit.BillTo, debit.BillTo)).
	BillTo bool
	// AsOf is the time the plan is made at: credits expired at AsOf are not
	// eligible, and debits due before it are overdue.
	AsOf time.Time
	// Skip lists credit→debit pairs the plan must not use (iMIS: a credit
	// selected again for a debit it already paid changes nothing); the
	// credit may still pay the request's other debits. PairEligible is
	// false for them, and Validate refuses a line on one.
	Skip []SkipPair
}

// SkipPair names a credit that may not pay a debit (see Request.Skip).
type SkipPair struct {
	Credit, Debit string
}

// skipped reports whether the request holds c back from d.
func (req *Request) skipped(c, d string) bool {
	for _, p := range req.Skip {
		if p.Credit == c && p.Debit == d {
			return true
		}
	}
	return false
}

// Line moves Amount of the credit document Credit onto the debit document
// Debit. Reason says, in a few words, why the policy chose this pair.
type Line struct {
	Credit string      `json:"credit"`
	Debit  string      `json:"debit"`
	Amount money.Money `json:"amount"`
	Reason string      `json:"reason,omitempty"`
}

// Plan is the ordered list of lines a Policy chose. The order is the order
// the lines are written in.
type Plan struct {
	Lines []Line `json:"lines"`
}

// Total returns the sum of the plan's lines (the zero Money for an empty plan).
func (p Plan) Total() (money.Money, error) {
	var t money.Money
	for i, l := range p.Lines {
		if i == 0 {
			t = l.Amount
			continue
		}
		s, err := t.Add(l.Amount)
		if err != nil {
			return money.Money{}, err
		}
		t = s
	}
	return t, nil
}

// Policy chooses which credits pay which debits.
//
// Plan must be a pure, deterministic function of the request: no clock (use
// req.AsOf), no randomness, no I/O, no dependence on the order of
// req.Debits and req.Credits or on map iteration order. Its plan must pass
// Validate; the ledger checks every plan before writing it and refuses one
// that does not. A policy returns an error only when it cannot plan at all;
// a request that nothing can pay gives an empty plan.
//
// Prove a policy with allocatetest.Check.
type Policy interface {
	Plan(req Request) (Plan, error)
}

// PolicyFunc adapts a function to a Policy.
type PolicyFunc func(req Request) (Plan, error)

// Plan calls f(req).
func (f PolicyFunc) Plan(req Request) (Plan, error) { return f(req) }

// Named is implemented by policies that have a name, which the ledger
// records with each application it writes. Built-ins are named.
type Named interface {
	Name() string
}

// Adjuster is implemented by policies that plan under rules of their own
// rather than the request's: BillToMatch sets req.BillTo, Partial sets
// req.Partial. See Effective.
type Adjuster interface {
	// Adjust returns the request the policy plans for req.
	Adjust(req Request) Request
}

// Effective returns the request p actually plans when given req: req as p's
// Adjust method changes it, or req itself when p is not an Adjuster. A plan
// of p is valid for this request, not necessarily for req (a plan of
// Partial(OldestFirst()) pays part of a debit even when req.Partial is
// false), so a ledger plans and validates with it:
//
//	req = allocate.Effective(p, req)
//	plan, err := p.Plan(req)
//	…
//	err = allocate.Validate(req, plan)
func Effective(p Policy, req Request) Request {
	if a, ok := p.(Adjuster); ok {
		return a.Adjust(req)
	}
	return req
}

// NameOf returns p's name if it has one, else "custom".
func NameOf(p Policy) string {
	if n, ok := p.(Named); ok {
		return n.Name()
	}
	return "custom"
}

// CreditEligible reports whether c can pay anything under req: a credit
// document, open, with a positive open balance, not expired at req.AsOf.
// Whether it can pay a given debit is PairEligible.
func (req Request) CreditEligible(c invoice.Document) bool { return creditOK(&c, &req) }

// DebitEligible reports whether d can be paid under req: a debit document,
// open, with a positive open balance, and not recurring (credit is never
// applied to a recurring document).
func (req Request) DebitEligible(d invoice.Document) bool { return debitOK(&d) }

// PairEligible reports whether credit c may pay debit d under req: both
// eligible, the same currency, and matching bill-to parties when req.BillTo.
func (req Request) PairEligible(c, d invoice.Document) bool {
	return creditOK(&c, &req) && debitOK(&d) &&
		c.Open.Currency() == d.Open.Currency() &&
		(!req.BillTo || invoice.BillToMatches(c.BillTo, d.BillTo)) && !req.skipped(c.ID, d.ID)
}

// creditOK and debitOK are the eligibility rules on pointers, for loops
// over large requests that should not copy documents.
func creditOK(c *invoice.Document, req *Request) bool {
	return c.IsCredit() && c.Status == invoice.Open && c.Open.IsPositive() && !c.ExpiredAt(req.AsOf)
}

func debitOK(d *invoice.Document) bool {
	return d.IsDebit() && d.Status == invoice.Open && d.Open.IsPositive() && !d.Recurring
}

// String describes a line for error messages and logs.
func (l Line) String() string {
	return fmt.Sprintf("%s→%s %s", l.Credit, l.Debit, l.Amount)
}
