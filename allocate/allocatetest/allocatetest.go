// Package allocatetest is the kit that proves an allocation policy: any
// allocate.Policy, built-in or custom, must pass Check.
//
// Check draws requests with rapid (see Requests) and, for each, asks four
// things of the policy:
//
//   - it plans without error;
//   - pure: it leaves the request as it found it;
//   - valid: the plan passes allocate.Validate;
//   - deterministic: shuffled copies of req.Debits and req.Credits give an
//     equal plan (compared with go-cmp);
//   - complete: it does not stop while it could still pay (see CheckPlan).
//
// The same checks are available without rapid, for one request at a time
// (CheckPolicy, CheckPlan) and over a fixed, reproducible series of
// generated requests (Find), which returns the first failure as an error
// instead of failing a test. Find is how this package's own tests show that
// broken policies are caught; Check adds rapid's search and shrinking on
// top of the same CheckPolicy.
//
// A failure is a *Failure whose message names the property, the policy,
// the request (one line per document) and the plan.
package allocatetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The properties a policy must have, as Failure.Property names them.
const (
	PropNoError       = "plans without error"
	PropPure          = "pure"
	PropValid         = "valid"
	PropDeterministic = "deterministic"
	PropComplete      = "complete"
)

// Errors a Failure wraps besides those of the policy and of
// allocate.Validate (whose *allocate.PlanError it wraps as it is).
var (
	// ErrIncomplete: the plan stops while the request could still pay.
	ErrIncomplete = errors.New("allocatetest: plan stops while it could still pay")
	// ErrOrderDependent: shuffling the request's documents changed the plan.
	ErrOrderDependent = errors.New("allocatetest: plan depends on the order of the documents")
	// ErrImpure: the policy changed the request it was given.
	ErrImpure = errors.New("allocatetest: policy changed its request")
)

// Check fails t unless p passes every property on the requests rapid draws
// from Requests. It is rapid.Check over Run.
func Check(t *testing.T, p allocate.Policy) {
	t.Helper()
	rapid.Check(t, func(rt *rapid.T) { Run(rt, p) })
}

// Run checks p on one request drawn from t, and a seed for the shuffles; it
// fails t with the *Failure's message. Use it to combine the policy kit with
// properties of your own in one rapid.Check.
func Run(t *rapid.T, p allocate.Policy) {
	req := drawRequest(t)
	seed := rapid.Uint64().Draw(t, "shuffle seed")
	if err := CheckPolicy(p, req, seed); err != nil {
		t.Fatal(err)
	}
}

// Find checks p on n generated requests, the i-th being
// Requests().Example(i) shuffled with seed i, and returns the first
// failure (a *Failure), or nil. The series is the same on every run.
func Find(p allocate.Policy, n int) error {
	gen := Requests()
	for i := range n {
		if err := CheckPolicy(p, gen.Example(i), uint64(i)); err != nil {
			return err
		}
	}
	return nil
}

// CheckPolicy plans req with p (under the rules of allocate.Effective(p,
// req), which is also the request a Failure shows), checks the plan with CheckPlan, and plans
// shuffled copies of req (their order drawn from seed, and reversed)
// expecting an equal plan. It returns nil or a *Failure.
func CheckPolicy(p allocate.Policy, req allocate.Request, seed uint64) error {
	name := allocate.NameOf(p)
	req = allocate.Effective(p, req)
	before := clone(req)
	plan, err := p.Plan(req)
	if err != nil {
		return &Failure{Policy: name, Property: PropNoError, Request: before, Err: err}
	}
	if !cmp.Equal(req, before, cmpopts.EquateEmpty()) {
		return &Failure{Policy: name, Property: PropPure, Request: before, Plan: plan,
			Err: fmt.Errorf("%w:\n%s", ErrImpure, cmp.Diff(before, req, cmpopts.EquateEmpty()))}
	}
	if err := CheckPlan(before, plan); err != nil {
		f := err.(*Failure)
		f.Policy = name
		return f
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for k := range 3 {
		other := clone(before)
		if k == 0 {
			slices.Reverse(other.Debits)
			slices.Reverse(other.Credits)
		} else {
			rng.Shuffle(len(other.Debits), func(i, j int) { other.Debits[i], other.Debits[j] = other.Debits[j], other.Debits[i] })
			rng.Shuffle(len(other.Credits), func(i, j int) { other.Credits[i], other.Credits[j] = other.Credits[j], other.Credits[i] })
		}
		got, err := p.Plan(other)
		if err != nil {
			return &Failure{Policy: name, Property: PropNoError, Request: other, Err: err}
		}
		if !cmp.Equal(plan, got, cmpopts.EquateEmpty()) {
			return &Failure{Policy: name, Property: PropDeterministic, Request: before, Plan: plan, Other: &got,
				Err: fmt.Errorf("%w: with debits in the order %v and credits in the order %v the plan differs",
					ErrOrderDependent, ids(other.Debits), ids(other.Credits))}
		}
	}
	return nil
}

// CheckPlan checks that plan is valid for req (allocate.Validate) and
// complete: it does not stop while it could still pay. Complete means, in
// the plan's currency (the cap's when there is a cap, else that of the
// lines; any currency for an empty plan), and while the cap has something
// left:
//
//   - under partial cover: no eligible pair (req.PairEligible) of a credit
//     and a debit both with something left open after the plan;
//   - under full cover: no eligible debit the plan leaves untouched whose
//     open balance is reached both by what is left of the credits that may
//     pay it and by what is left of the cap.
//
// It returns nil or a *Failure (Property PropValid or PropComplete). It
// compares every credit with every debit, so it is meant for the small
// requests of tests.
func CheckPlan(req allocate.Request, plan allocate.Plan) error {
	if err := allocate.Validate(req, plan); err != nil {
		return &Failure{Property: PropValid, Request: req, Plan: plan, Err: err}
	}
	if msg := incomplete(req, plan); msg != "" {
		return &Failure{Property: PropComplete, Request: req, Plan: plan, Err: fmt.Errorf("%w: %s", ErrIncomplete, msg)}
	}
	return nil
}

// incomplete explains how a valid plan stops early, or returns "".
func incomplete(req allocate.Request, plan allocate.Plan) string {
	var cur money.Currency
	switch {
	case req.Cap.IsValid():
		cur = req.Cap.Currency()
	case len(plan.Lines) > 0:
		cur = plan.Lines[0].Amount.Currency()
	}
	left := map[string]money.Money{} // "c"+ID or "d"+ID → open left
	for _, c := range req.Credits {
		left["c"+c.ID] = c.Open
	}
	for _, d := range req.Debits {
		left["d"+d.ID] = d.Open
	}
	touched := map[string]bool{}
	capLeft := req.Cap
	for _, l := range plan.Lines {
		left["c"+l.Credit], _ = left["c"+l.Credit].Sub(l.Amount)
		left["d"+l.Debit], _ = left["d"+l.Debit].Sub(l.Amount)
		touched[l.Debit] = true
		if req.Cap.IsValid() {
			capLeft, _ = capLeft.Sub(l.Amount)
		}
	}
	if req.Cap.IsValid() && !capLeft.IsPositive() {
		return ""
	}
	capNote := ""
	if req.Cap.IsValid() {
		capNote = fmt.Sprintf(", and the cap has %s left", capLeft)
	}
	for _, d := range req.Debits {
		if !req.DebitEligible(d) || (!cur.IsZero() && d.Open.Currency() != cur) {
			continue
		}
		dl := left["d"+d.ID]
		if req.Partial {
			if !dl.IsPositive() {
				continue
			}
			for _, c := range req.Credits {
				if cl := left["c"+c.ID]; req.PairEligible(c, d) && cl.IsPositive() {
					return fmt.Sprintf("debit %s has %s left and credit %s, which may pay it, has %s left%s", d.ID, dl, c.ID, cl, capNote)
				}
			}
			continue
		}
		if touched[d.ID] {
			continue
		}
		avail := money.Zero(d.Open.Currency())
		var from []string
		for _, c := range req.Credits {
			if cl := left["c"+c.ID]; req.PairEligible(c, d) && cl.IsPositive() {
				avail, _ = avail.Add(cl)
				from = append(from, c.ID+" "+cl.String())
			}
		}
		if c, _ := avail.Cmp(d.Open); c < 0 || len(from) == 0 {
			continue
		}
		if req.Cap.IsValid() {
			if c, _ := capLeft.Cmp(d.Open); c < 0 {
				continue
			}
		}
		return fmt.Sprintf("debit %s (open %s) is left untouched, though the credits that may pay it have %s left (%v)%s",
			d.ID, d.Open, avail, from, capNote)
	}
	return ""
}

// Failure is a property a policy broke on a request.
type Failure struct {
	Policy   string           // allocate.NameOf the policy ("" from CheckPlan)
	Property string           // PropValid, PropComplete, …
	Request  allocate.Request // the request, in the order first planned
	Plan     allocate.Plan    // the plan it gave (empty for PropNoError)
	Err      error            // what is wrong; a *allocate.PlanError for PropValid
	Other    *allocate.Plan   // for PropDeterministic, the plan of the shuffled request
}

// Error names the property and the problem, then lists the request and the
// plan.
func (f *Failure) Error() string {
	who := "plan"
	if f.Policy != "" {
		who = "policy " + f.Policy
	}
	s := fmt.Sprintf("%s is not %s: %v\n%s%s", who, f.Property, f.Err, FormatRequest(f.Request), formatPlan(f.Plan))
	if f.Other != nil {
		s += "shuffled " + formatPlan(*f.Other)
	}
	return s
}

// Unwrap returns Err, so that errors.Is sees ErrIncomplete,
// allocate.ErrOverspend and the like.
func (f *Failure) Unwrap() error { return f.Err }

// FormatRequest describes a request for a failure message: its rules on one
// line, then one short line per document.
func FormatRequest(req allocate.Request) string {
	s := "request: as of " + day(req.AsOf)
	if req.Cap.IsValid() {
		s += ", cap " + req.Cap.String()
	} else {
		s += ", no cap"
	}
	if req.Partial {
		s += ", partial cover"
	} else {
		s += ", full cover"
	}
	if req.BillTo {
		s += ", bill-to must match"
	}
	for _, p := range req.Skip {
		s += ", skips " + p.Credit + "→" + p.Debit
	}
	s += "\n"
	for _, d := range req.Debits {
		s += "  debit  " + FormatDocument(d, req) + "\n"
	}
	for _, c := range req.Credits {
		s += "  credit " + FormatDocument(c, req) + "\n"
	}
	return s
}

// FormatDocument describes a document in one line: "D1 invoice open USD
// 5.00 of 9.00, issued 2024-01-02, due 2024-01-09, acme/ann, recurring".
func FormatDocument(d invoice.Document, req allocate.Request) string {
	s := fmt.Sprintf("%s %s", d.ID, d.Kind)
	if d.Status != invoice.Open {
		s += " " + d.Status.String()
	}
	s += fmt.Sprintf(" open %s of %s, issued %s", d.Open, d.Amount.Amount(), day(d.Issued))
	if !d.Due.IsZero() {
		s += ", due " + day(d.Due)
	}
	if !d.Expires.IsZero() {
		s += ", expires " + day(d.Expires)
		if d.ExpiredAt(req.AsOf) {
			s += " (expired)"
		}
	}
	c, p := d.BillTo.Company, d.BillTo.Person
	if c == "" {
		c = "-"
	}
	if p == "" {
		p = "-"
	}
	s += ", " + c + "/" + p
	if d.Recurring {
		s += ", recurring"
	}
	return s
}

func formatPlan(p allocate.Plan) string {
	if len(p.Lines) == 0 {
		return "plan: no lines\n"
	}
	s := fmt.Sprintf("plan: %d lines\n", len(p.Lines))
	for i, l := range p.Lines {
		s += fmt.Sprintf("  %d: %s -> %s %s (%s)\n", i, l.Credit, l.Debit, l.Amount, l.Reason)
	}
	return s
}

// day formats a date, with the time only when it is not midnight.
func day(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05.999999999")
}

func ids(docs []invoice.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// clone copies req's documents and their labels, so that a policy that
// changes a label of its request is caught too.
func clone(req allocate.Request) allocate.Request {
	req.Debits = slices.Clone(req.Debits)
	req.Credits = slices.Clone(req.Credits)
	for _, docs := range [][]invoice.Document{req.Debits, req.Credits} {
		for i := range docs {
			docs[i].Labels = invoice.CloneLabels(docs[i].Labels)
		}
	}
	return req
}
