package allocate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arcredit/arcredit/money"
)

// Errors of Validate. Every error it returns is a *PlanError, which matches
// ErrInvalidPlan and, through errors.Is, the sentinel of each rule it names
// (a plan that both overspends a credit and breaks the cap matches
// ErrInvalidPlan, ErrOverspend and ErrCapExceeded).
var (
	// ErrInvalidPlan: the plan breaks at least one rule of its request.
	ErrInvalidPlan = errors.New("allocate: invalid plan")
	// ErrRecurring: a line pays a recurring debit; credit is never applied to
	// a recurring document.
	ErrRecurring = errors.New("allocate: credit applied to a recurring document")
	// ErrBillToMismatch: the request asks for matching bill-to parties and a
	// line pairs a credit and a debit whose parties do not match.
	ErrBillToMismatch = errors.New("allocate: bill-to mismatch")
	// ErrExpired: a line uses a credit that has expired at the request's AsOf.
	ErrExpired = errors.New("allocate: credit expired")
	// ErrOverspend: the lines on a credit add up to more than its open
	// balance, or the lines on a debit to more than its open balance.
	ErrOverspend = errors.New("allocate: more than the open balance")
	// ErrCapExceeded: the plan's total is above the request's cap.
	ErrCapExceeded = errors.New("allocate: cap exceeded")
	// ErrNotInRequest: a line names a document that is not among the
	// request's credits (for its credit) or debits (for its debit).
	ErrNotInRequest = errors.New("allocate: document not in the request")
	// ErrNotCovered: full cover is required (the request is not Partial) and
	// the lines on a debit do not add up to its open balance.
	ErrNotCovered = errors.New("allocate: debit not paid whole")
	// ErrNotEligible: a line uses a credit that cannot pay (not a credit
	// document, not open, nothing open) or pays a debit that cannot be paid
	// (not a debit document, not open, nothing open).
	ErrNotEligible = errors.New("allocate: document not eligible")
)

// The rules a Violation names. They are stable identifiers: a ledger may
// store them or branch on them.
const (
	RuleAmount        = "amount"              // a line's amount is not positive money; ErrInvalidPlan only
	RuleNotInRequest  = "not_in_request"      // a line names a document the request lacks; ErrNotInRequest
	RuleCreditType    = "credit_not_eligible" // the credit cannot pay (kind, status, nothing open); ErrNotEligible
	RuleDebitType     = "debit_not_eligible"  // the debit cannot be paid (kind, status, nothing open); ErrNotEligible
	RuleExpired       = "expired"             // the credit expired at AsOf; ErrExpired
	RuleRecurring     = "recurring"           // the debit is recurring; ErrRecurring
	RuleBillTo        = "bill_to"             // bill-to parties do not match; ErrBillToMismatch
	RuleCurrency      = "currency"            // currencies differ (line, documents, plan, cap); money.ErrCurrencyMismatch
	RuleDuplicatePair = "duplicate_pair"      // two lines with the same credit and debit; ErrInvalidPlan only
	RuleDuplicateID   = "duplicate_id"        // two documents of one side of the request share an ID; ErrInvalidPlan only
	RuleCreditOver    = "credit_overspent"    // a credit used beyond its open balance; ErrOverspend
	RuleDebitOver     = "debit_overpaid"      // a debit paid beyond its open balance; ErrOverspend
	RuleCap           = "cap"                 // the total is above the cap; ErrCapExceeded
	RuleFullCover     = "full_cover"          // a debit paid in part without Partial; ErrNotCovered
	RuleSkipped       = "skipped_pair"        // a pair the request's Skip holds back; ErrInvalidPlan only
)

// ruleErr maps a rule to the sentinel it matches besides ErrInvalidPlan.
var ruleErr = map[string]error{
	RuleNotInRequest: ErrNotInRequest,
	RuleCreditType:   ErrNotEligible,
	RuleDebitType:    ErrNotEligible,
	RuleExpired:      ErrExpired,
	RuleRecurring:    ErrRecurring,
	RuleBillTo:       ErrBillToMismatch,
	RuleCurrency:     money.ErrCurrencyMismatch,
	RuleCreditOver:   ErrOverspend,
	RuleDebitOver:    ErrOverspend,
	RuleCap:          ErrCapExceeded,
	RuleFullCover:    ErrNotCovered,
}

// Violation is one broken rule of a plan. Line is the index of the line in
// Plan.Lines that breaks it, or -1 when the rule concerns the plan as a
// whole (the cap, full cover of a debit, the request's documents). For a
// balance overspent over several lines, Line is the line at which the sum
// first goes above the open balance.
type Violation struct {
	Line   int    `json:"line"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// Err returns the sentinel error of the violation's rule (ErrOverspend for
// RuleCreditOver), or ErrInvalidPlan for a rule without its own sentinel.
func (v Violation) Err() error {
	if err, ok := ruleErr[v.Rule]; ok {
		return err
	}
	return ErrInvalidPlan
}

// String describes the violation on one line: "line 3: expired: …".
func (v Violation) String() string {
	if v.Line < 0 {
		return v.Rule + ": " + v.Detail
	}
	return fmt.Sprintf("line %d: %s: %s", v.Line, v.Rule, v.Detail)
}

// PlanError is the error of Validate: every rule the plan breaks, in the
// order found (line by line, then the rules of the whole plan).
type PlanError struct {
	Violations []Violation
}

// maxListed bounds how many violations Error spells out.
const maxListed = 10

// Error lists the first violations and counts the rest.
func (e *PlanError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidPlan.Error())
	fmt.Fprintf(&b, " (%d violation", len(e.Violations))
	if len(e.Violations) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(")")
	for i, v := range e.Violations {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-maxListed)
			break
		}
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalidPlan or the sentinel of one of the
// violations (see Violation.Err).
func (e *PlanError) Is(target error) bool {
	if target == ErrInvalidPlan {
		return true
	}
	for _, v := range e.Violations {
		if v.Err() == target {
			return true
		}
	}
	return false
}

// Has reports whether the plan breaks the named rule.
func (e *PlanError) Has(rule string) bool {
	for _, v := range e.Violations {
		if v.Rule == rule {
			return true
		}
	}
	return false
}
