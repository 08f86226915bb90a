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
	v := newValidation(&req, len(plan.Lines))
	for i := range plan.Lines {
		v.line(i, &plan.Lines[i])
	}
	v.finish()
	if len(v.vs) == 0 {
		return nil
	}
	return &PlanError{Violations: v.vs}
}

// validation is Validate's state as it walks a plan's lines once: the
// violations found, where each document sits in the request, and what the
// lines so far use of each credit and pay of each debit.
type validation struct {
	req             *Request
	vs              []Violation
	credits, debits map[string]int // ID → index in req.Credits, req.Debits
	used, paid      []money.Money  // per credit, per debit; zero Money: nothing yet
	overC, overD    []bool         // already reported as overspent
	touched         []int          // debits in the order the plan first pays them
	pairs           map[uint64]int // (credit, debit) indexes → first line pairing them
	planCur         money.Currency // the cap's, else the first line's
	total           money.Money
	totalOK         bool // the total so far is exact; false once an overflow is reported
}

func newValidation(req *Request, lines int) *validation {
	v := &validation{req: req, pairs: make(map[uint64]int, lines), totalOK: true}
	v.credits = v.index(req.Credits, "credits")
	v.debits = v.index(req.Debits, "debits")
	sums := make([]money.Money, len(req.Credits)+len(req.Debits))
	v.used, v.paid = sums[:len(req.Credits):len(req.Credits)], sums[len(req.Credits):]
	v.overC = make([]bool, len(req.Credits))
	v.overD = make([]bool, len(req.Debits))
	if req.Cap.IsValid() {
		v.planCur = req.Cap.Currency()
	}
	return v
}

func (v *validation) add(line int, rule, detail string) {
	v.vs = append(v.vs, Violation{Line: line, Rule: rule, Detail: detail})
}

// index maps each ID of docs to its place, reporting the second of two
// documents with one ID (which a line could not name apart).
func (v *validation) index(docs []invoice.Document, what string) map[string]int {
	m := make(map[string]int, len(docs))
	for i := range docs {
		id := docs[i].ID
		if _, dup := m[id]; dup {
			v.add(-1, RuleDuplicateID, fmt.Sprintf("two %s of the request have ID %q", what, id))
			continue
		}
		m[id] = i
	}
	return m
}

// line checks line i and adds it to the sums it can be counted in.
func (v *validation) line(i int, l *Line) {
	amountOK := v.amount(i, l)
	ci, di, c, d := v.documents(i, l)
	if !amountOK {
		return
	}
	cur := l.Amount.Currency()
	if c != nil && c.Open.Currency() == cur {
		v.use(i, l, ci, c)
	}
	if d != nil && d.Open.Currency() == cur {
		v.pay(i, l, di, d)
	}
	if v.totalOK {
		v.total, v.totalOK = sum(v.total, l.Amount)
		if !v.totalOK {
			v.add(i, RuleAmount, "the plan's total is more than money can hold")
		}
	}
}

// amount checks the line's amount and its currency against the plan's, and
// reports whether the line may be counted in the sums.
func (v *validation) amount(i int, l *Line) bool {
	if !l.Amount.IsValid() {
		v.add(i, RuleAmount, "no amount")
		return false
	}
	ok := l.Amount.IsPositive()
	if !ok {
		v.add(i, RuleAmount, fmt.Sprintf("amount %s is not positive", l.Amount))
	}
	switch cur := l.Amount.Currency(); {
	case v.planCur.IsZero():
		v.planCur = cur
	case cur != v.planCur:
		if v.req.Cap.IsValid() {
			v.add(i, RuleCurrency, fmt.Sprintf("line in %s, cap in %s", cur, v.planCur))
		} else {
			v.add(i, RuleCurrency, fmt.Sprintf("line in %s, earlier lines in %s", cur, v.planCur))
		}
		return false // counted nowhere: its sums would mix currencies
	}
	return ok
}

// documents checks the line's credit and debit, each alone and as a pair,
// and returns them (nil when not in the request) with their places.
func (v *validation) documents(i int, l *Line) (ci, di int, c, d *invoice.Document) {
	req := v.req
	ci, cok := v.credits[l.Credit]
	di, dok := v.debits[l.Debit]
	if cok {
		c = &req.Credits[ci]
		if !c.IsCredit() || c.Status != invoice.Open || !c.Open.IsPositive() {
			v.add(i, RuleCreditType, fmt.Sprintf("credit %q is a %s, %s, open %s", c.ID, c.Kind, c.Status, c.Open))
		}
		if c.ExpiredAt(req.AsOf) {
			v.add(i, RuleExpired, fmt.Sprintf("credit %q expired %s", c.ID, c.Expires.Format("2006-01-02 15:04")))
		}
	} else {
		v.add(i, RuleNotInRequest, fmt.Sprintf("credit %q is not a credit of the request", l.Credit))
	}
	if dok {
		d = &req.Debits[di]
		if !d.IsDebit() || d.Status != invoice.Open || !d.Open.IsPositive() {
			v.add(i, RuleDebitType, fmt.Sprintf("debit %q is a %s, %s, open %s", d.ID, d.Kind, d.Status, d.Open))
		}
		if d.Recurring {
			v.add(i, RuleRecurring, fmt.Sprintf("debit %q is recurring", d.ID))
		}
	} else {
		v.add(i, RuleNotInRequest, fmt.Sprintf("debit %q is not a debit of the request", l.Debit))
	}

	if req.skipped(l.Credit, l.Debit) {
		v.add(i, RuleSkipped, fmt.Sprintf("credit %q may not pay debit %q again (Request.Skip)", l.Credit, l.Debit))
	}
	if c != nil && d != nil && c.Open.Currency() != d.Open.Currency() {
		v.add(i, RuleCurrency, fmt.Sprintf("credit %q in %s, debit %q in %s", c.ID, c.Open.Currency(), d.ID, d.Open.Currency()))
	} else if l.Amount.IsValid() {
		cur := l.Amount.Currency()
		if c != nil && c.Open.Currency() != cur {
			v.add(i, RuleCurrency, fmt.Sprintf("line in %s, credit %q in %s", cur, c.ID, c.Open.Currency()))
		} else if d != nil && d.Open.Currency() != cur {
			v.add(i, RuleCurrency, fmt.Sprintf("line in %s, debit %q in %s", cur, d.ID, d.Open.Currency()))
		}
	}
	if req.BillTo && c != nil && d != nil && !invoice.BillToMatches(c.BillTo, d.BillTo) {
		v.add(i, RuleBillTo, fmt.Sprintf("credit %q bills %s, debit %q bills %s", c.ID, party(c.BillTo), d.ID, party(d.BillTo)))
	}
	if c != nil && d != nil {
		key := uint64(ci)<<32 | uint64(uint32(di))
		if first, dup := v.pairs[key]; dup {
			v.add(i, RuleDuplicatePair, fmt.Sprintf("credit %q and debit %q are paired on line %d already", c.ID, d.ID, first))
		} else {
			v.pairs[key] = i
		}
	}
	return ci, di, c, d
}

// use adds line i to what the lines use of credit c, reporting the first
// line that takes the credit past its open balance.
func (v *validation) use(i int, l *Line, ci int, c *invoice.Document) {
	s, ok := sum(v.used[ci], l.Amount)
	if !ok {
		v.add(i, RuleAmount, fmt.Sprintf("the lines on credit %q add up to more than money can hold", c.ID))
	}
	v.used[ci] = s
	if ok && !v.overC[ci] && more(s, c.Open) {
		v.overC[ci] = true
		v.add(i, RuleCreditOver, fmt.Sprintf("credit %q: lines use %s, open %s", c.ID, s, c.Open))
	}
}

// pay adds line i to what the lines pay of debit d, reporting the first
// line that takes the debit past its open balance.
func (v *validation) pay(i int, l *Line, di int, d *invoice.Document) {
	if !v.paid[di].IsValid() {
		v.touched = append(v.touched, di)
	}
	s, ok := sum(v.paid[di], l.Amount)
	if !ok {
		v.add(i, RuleAmount, fmt.Sprintf("the lines on debit %q add up to more than money can hold", d.ID))
	}
	v.paid[di] = s
	if ok && !v.overD[di] && more(s, d.Open) {
		v.overD[di] = true
		v.add(i, RuleDebitOver, fmt.Sprintf("debit %q: lines pay %s, open %s", d.ID, s, d.Open))
	}
}

// finish checks what only the whole plan shows: the cap and full cover.
func (v *validation) finish() {
	req := v.req
	if req.Cap.IsValid() && v.totalOK && v.total.IsValid() && more(v.total, req.Cap) {
		v.add(-1, RuleCap, fmt.Sprintf("total %s above cap %s", v.total, req.Cap))
	}
	if req.Partial {
		return
	}
	for _, di := range v.touched {
		d := &req.Debits[di]
		if c, err := v.paid[di].Cmp(d.Open); err == nil && c < 0 {
			v.add(-1, RuleFullCover, fmt.Sprintf("debit %q: lines pay %s of open %s, and the request does not allow partial cover", d.ID, v.paid[di], d.Open))
		}
	}
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
