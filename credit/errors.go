package credit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// sentinel is a kind of failure: the text of its message and the stable
// code Code returns for it. A sentinel shared with a lower package (money,
// allocate, invoice) also matches that package's error in errors.Is, so a
// caller may branch on either.
type sentinel struct {
	code, text string
	same       error
}

func (s *sentinel) Error() string { return s.text }

// Is reports whether target is the lower package's error this sentinel
// stands for.
func (s *sentinel) Is(target error) bool { return s.same != nil && target == s.same }

func newSentinel(code, text string, same error) error {
	return &sentinel{code: code, text: text, same: same}
}

// Sentinel errors. Every error a Ledger method returns is an [*Error] that
// wraps exactly one of them; branch with errors.Is, or map to a code with
// [Code].
var (
	// ErrNotFound: an account, document or application that does not
	// exist, or that the principal may not see (the two are not told
	// apart, so that nothing is learned about other accounts).
	ErrNotFound = newSentinel("not_found", "not found", nil)
	// ErrAlreadyExists: an account or document id that is already taken.
	ErrAlreadyExists = newSentinel("already_exists", "already exists", nil)
	// ErrConflict: concurrent changes kept the operation from committing
	// within Options.MaxAttempts tries. Nothing was written.
	ErrConflict = newSentinel("conflict", "conflict with a concurrent change", nil)
	// ErrInsufficientCredit: a credit holds less open credit than asked for.
	ErrInsufficientCredit = newSentinel("insufficient_credit", "insufficient credit", nil)
	// ErrOverpaid: an application of more than the debit's open balance.
	ErrOverpaid = newSentinel("overpaid", "debit overpaid", nil)
	// ErrNotCovered: full cover is required (the request is not Partial)
	// and the credit cannot pay a debit whole.
	ErrNotCovered = newSentinel("not_covered", "debit not covered", allocate.ErrNotCovered)
	// ErrCreditLimitExceeded: a purchase on account beyond the available
	// credit of an account that may not exceed its limit.
	ErrCreditLimitExceeded = newSentinel("credit_limit_exceeded", "credit limit exceeded", nil)
	// ErrIdempotencyConflict: a key already used for another request.
	ErrIdempotencyConflict = newSentinel("idempotency_conflict", "idempotency key reused with a different request", nil)
	// ErrNotAuthorized: the Authorizer refused the principal an action on
	// an account it may see.
	ErrNotAuthorized = newSentinel("not_authorized", "not authorized", nil)
	// ErrInvalidRequest: a malformed request (a missing or too long id,
	// fields that exclude each other, text with a NUL byte, …).
	ErrInvalidRequest = newSentinel("invalid_request", "invalid request", nil)
	// ErrWrongKind: a document named where another kind is needed (an
	// invoice to refund, a payment to void, a credit as the debit of a pair).
	ErrWrongKind = newSentinel("wrong_kind", "wrong kind of document", nil)
	// ErrBadState: a document whose status does not allow the operation
	// (voiding a paid-out credit, refunding a reversed payment, …).
	ErrBadState = newSentinel("bad_state", "document is not in a state that allows this", nil)
	// ErrInvalidAmount: an amount that is zero or negative where it must be
	// positive, has more decimals than its currency, or is too large.
	ErrInvalidAmount = newSentinel("invalid_amount", "invalid amount", money.ErrInvalidAmount)
	// ErrCurrencyMismatch: an amount in another currency than the account
	// or document it concerns.
	ErrCurrencyMismatch = newSentinel("currency_mismatch", "currency mismatch", money.ErrCurrencyMismatch)
	// ErrRecurring: credit named for a recurring document (iMIS).
	ErrRecurring = newSentinel("recurring", "recurring document", allocate.ErrRecurring)
	// ErrBillToMismatch: a credit whose bill-to party does not match the
	// debit's, where the request asks for a match (Aptify).
	ErrBillToMismatch = newSentinel("bill_to_mismatch", "bill-to mismatch", allocate.ErrBillToMismatch)
	// ErrInvalidPlan: a policy's plan that breaks a rule of
	// allocate.Validate; the cause names the rule.
	ErrInvalidPlan = newSentinel("invalid_plan", "invalid plan", allocate.ErrInvalidPlan)
	// ErrInvalidDocument: a document that breaks a rule of invoice.Validate.
	ErrInvalidDocument = newSentinel("invalid_document", "invalid document", invoice.ErrInvalid)
	// ErrBrokenHistory: Verify found an entry whose hash, link, sequence
	// or balances do not match (see VerifyError).
	ErrBrokenHistory = newSentinel("broken_history", "broken history", nil)
	// ErrCanceled: the caller's context was cancelled or its deadline
	// passed before the operation committed; nothing was written. The
	// error also matches context.Canceled or context.DeadlineExceeded.
	ErrCanceled = newSentinel("canceled", "canceled", nil)
	// ErrUnavailable: the store could not be reached or refused the work
	// before anything was written (no connection, the server restarting).
	// Retrying is safe.
	ErrUnavailable = newSentinel("unavailable", "store unavailable", nil)
	// ErrCommitUnknown: the store lost contact after the commit was sent
	// and could not learn whether it was written. Send the request again
	// with the same idempotency key: a write that happened is returned as
	// it was, one that did not happens then.
	ErrCommitUnknown = newSentinel("commit_unknown", "commit outcome unknown", nil)
	// ErrStoreFailure: a fault of the store that retrying will not cure
	// (permission denied, read-only database, disk full, a corrupt
	// record). Nothing was written.
	ErrStoreFailure = newSentinel("store_failure", "store failure", nil)
)

// Sentinels of credit holds and closed accounts.
var (
	// ErrOnHold: a purchase on account, or a use of an account's credit
	// (apply, transfer, move, refund), while the account is on credit hold.
	ErrOnHold = newSentinel("on_hold", "account on credit hold", nil)
	// ErrAccountClosed: a write to an account that is closed.
	ErrAccountClosed = newSentinel("account_closed", "account closed", nil)
	// ErrBalanceNotZero: closing an account whose open credit or open
	// debit is not zero.
	ErrBalanceNotZero = newSentinel("balance_not_zero", "balances not zero", nil)
)

// sentinels lists every sentinel, for Code and for classifying the errors
// of lower packages.
var sentinels = []error{
	ErrNotFound, ErrAlreadyExists, ErrConflict, ErrInsufficientCredit, ErrOverpaid, ErrNotCovered, ErrCreditLimitExceeded,
	ErrIdempotencyConflict, ErrNotAuthorized, ErrInvalidRequest, ErrWrongKind, ErrBadState, ErrInvalidAmount,
	ErrCurrencyMismatch, ErrRecurring, ErrBillToMismatch, ErrInvalidPlan, ErrInvalidDocument,
	ErrBrokenHistory, ErrCanceled, ErrUnavailable, ErrCommitUnknown, ErrStoreFailure,
	ErrOnHold, ErrAccountClosed, ErrBalanceNotZero,
}

// Code returns the stable code of the sentinel err wraps
// ("insufficient_credit", "not_found", …), or "" for an error that wraps
// none (never one a Ledger method returned). It is for results that carry
// an error as data, such as a consolidation's per-account results, and for
// APIs that map errors to codes.
func Code(err error) string {
	if s := sentinelOf(err); s != nil {
		return s.code
	}
	return ""
}

// sentinelOf returns the first sentinel of this package in err's chain,
// or nil.
func sentinelOf(err error) *sentinel {
	var s *sentinel
	if errors.As(err, &s) {
		return s
	}
	return nil
}

// classify returns err wrapped in the one sentinel that says what kind of
// failure it is: its own when it has one; the sentinel standing for a lower
// package's error; ErrCanceled for a context that ended; ErrStoreFailure
// for anything else (an error of a Store that wrapped no sentinel).
func classify(err error) error {
	if sentinelOf(err) != nil {
		return err
	}
	var pe *allocate.PlanError
	if errors.As(err, &pe) {
		return &wrapped{sentinel: planSentinel(pe, false), cause: err}
	}
	for _, s := range sentinels {
		if sn := s.(*sentinel); sn.same != nil && errors.Is(err, sn.same) {
			return &wrapped{sentinel: sn, cause: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &wrapped{sentinel: ErrCanceled.(*sentinel), cause: err}
	}
	return &wrapped{sentinel: ErrStoreFailure.(*sentinel), cause: err}
}

// planSentinel is the one sentinel of a refused plan, by the first of
// these that any violation breaks: a document that cannot take part
// (ErrInvalidPlan), a recurring debit, a bill-to mismatch, a currency
// mismatch, then, for pairs the caller named (explicit), more than a
// credit holds (ErrInsufficientCredit) or a debit owes (ErrOverpaid), or a
// debit not paid whole (ErrNotCovered); anything else is ErrInvalidPlan.
func planSentinel(pe *allocate.PlanError, explicit bool) *sentinel {
	rank := map[string]int{allocate.RuleRecurring: 1, allocate.RuleBillTo: 2, allocate.RuleCurrency: 3,
		allocate.RuleCreditOver: 4, allocate.RuleDebitOver: 5, allocate.RuleCap: 6, allocate.RuleFullCover: 6}
	best := 6
	for _, v := range pe.Violations {
		r, ok := rank[v.Rule]
		if !ok {
			r = 0
		}
		best = min(best, r)
	}
	switch {
	case best == 1:
		return ErrRecurring.(*sentinel)
	case best == 2:
		return ErrBillToMismatch.(*sentinel)
	case best == 3:
		return ErrCurrencyMismatch.(*sentinel)
	case best == 4 && explicit:
		return ErrInsufficientCredit.(*sentinel)
	case best == 5 && explicit:
		return ErrOverpaid.(*sentinel)
	case best == 6 && explicit && onlyCover(pe):
		return ErrNotCovered.(*sentinel)
	}
	return ErrInvalidPlan.(*sentinel)
}

// onlyCover reports whether every violation is of the full-cover rule.
func onlyCover(pe *allocate.PlanError) bool {
	for _, v := range pe.Violations {
		if v.Rule != allocate.RuleFullCover {
			return false
		}
	}
	return true
}

// wrapped joins a sentinel to a cause that does not carry it. Its message
// is the sentinel's text, then the cause's without a repeated prefix.
type wrapped struct {
	sentinel *sentinel
	cause    error
}

func (w *wrapped) Error() string {
	msg := w.cause.Error()
	for _, pkg := range []string{"money: ", "allocate: ", "invoice: "} {
		msg = strings.TrimPrefix(msg, pkg)
	}
	if strings.HasPrefix(msg, "invalid plan (") {
		// A refused plan: its violations say what is wrong; the count
		// before them says nothing the list does not.
		if i := strings.Index(msg, "); "); i >= 0 {
			msg = msg[i+3:]
		}
	}
	if same := w.sentinel.same; same != nil {
		// The lower package's sentinel says what ours does.
		_, text, _ := strings.Cut(same.Error(), ": ")
		msg = strings.TrimPrefix(msg, text)
		msg = strings.TrimLeft(msg, ": ")
	}
	if msg == "" {
		return w.sentinel.text
	}
	return w.sentinel.text + ": " + msg
}

func (w *wrapped) Unwrap() []error { return []error{w.sentinel, w.cause} }

// Error is the one error type the Ledger returns: the method that was
// called, the account and document it concerned (when the caller named
// them), and the cause, which wraps exactly one sentinel. Its message is
//
//	credit: <method in words> [<document or account>]: <sentinel text>[: <detail>]
//
// for example "credit: apply INV-1: insufficient credit: CM-1 holds USD
// 10.00". The package prefix appears once, and the detail names only what
// the caller gave or may see.
type Error struct {
	Op       string // the Ledger method, such as "Apply" or "History"
	Account  string
	Document string
	Err      error
}

// Error formats the message described on the type.
func (e *Error) Error() string {
	s := "credit: " + words(e.Op)
	switch {
	case e.Document != "":
		s += " " + e.Document
	case e.Account != "":
		s += " " + e.Account
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// words spells a method name as the verb phrase it is ("ReversePayment"
// becomes "reverse payment").
func words(method string) string {
	var b strings.Builder
	for i, r := range method {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte(' ')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fail builds a cause wrapping sentinel with a formatted detail.
func fail(sentinel error, format string, a ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, a...))
}
