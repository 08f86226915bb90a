package credit

import (
	"errors"
	"fmt"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Sentinel errors. Every error the Ledger returns wraps one of them (inside an
// *Error naming the operation and document); branch with errors.Is.
var (
	ErrNotFound            = errors.New("credit: not found")
	ErrConflict            = errors.New("credit: conflict with a concurrent change")
	ErrInsufficientCredit  = errors.New("credit: insufficient credit")
	ErrCreditLimitExceeded = errors.New("credit: credit limit exceeded")
	ErrIdempotencyConflict = errors.New("credit: idempotency key reused with a different request")
	ErrNotAuthorized       = errors.New("credit: not authorized")
	ErrInvalidRequest      = errors.New("credit: invalid request")
	ErrBadState            = errors.New("credit: document is not in a state that allows this")
	// The money and allocation rules, shared with the packages that own them
	// so that errors.Is works whichever layer refused.
	ErrInvalidAmount    = money.ErrInvalidAmount
	ErrCurrencyMismatch = money.ErrCurrencyMismatch
	ErrRecurring        = allocate.ErrRecurring
	ErrBillToMismatch   = allocate.ErrBillToMismatch
	ErrInvalidPlan      = allocate.ErrInvalidPlan
	ErrInvalidDocument  = invoice.ErrInvalid
)

// Error is the one error type the Ledger returns: the operation, the account
// and document it concerned (when known), and the cause, which wraps a
// sentinel.
type Error struct {
	Op       Operation
	Account  string
	Document string
	Err      error
}

// Error names the operation, account and document, then the cause.
func (e *Error) Error() string {
	s := "credit: " + string(e.Op)
	if e.Account != "" {
		s += " account " + e.Account
	}
	if e.Document != "" {
		s += " document " + e.Document
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// fail builds an error for op, wrapping sentinel with a formatted detail.
func fail(sentinel error, format string, a ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, a...))
}

// codes names each sentinel for Code, in the order they are tried.
var codes = []struct {
	err  error
	code string
}{
	{ErrNotAuthorized, "not_authorized"}, {ErrNotFound, "not_found"}, {ErrIdempotencyConflict, "idempotency_conflict"},
	{ErrConflict, "conflict"}, {ErrCreditLimitExceeded, "credit_limit_exceeded"},
	{ErrInsufficientCredit, "insufficient_credit"}, {ErrRecurring, "recurring"}, {ErrBillToMismatch, "bill_to_mismatch"},
	{ErrCurrencyMismatch, "currency_mismatch"}, {ErrInvalidAmount, "invalid_amount"}, {ErrInvalidPlan, "invalid_plan"},
	{ErrInvalidDocument, "invalid_document"}, {ErrBadState, "bad_state"}, {ErrInvalidRequest, "invalid_request"},
}

// Code returns a short stable name for the sentinel err wraps
// ("insufficient_credit", "not_found", …), or "" for none. It is for
// results that carry an error as data, such as a consolidation's
// per-account results, and for APIs that map errors to codes.
func Code(err error) string {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return ""
}
