package credit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/arcredit/arcredit/allocate"
)

// MaxKeyLen bounds idempotency keys, ids and principal ids, in bytes.
const MaxKeyLen = 200

// Options configures a Ledger. Every field is optional.
type Options struct {
	// Clock gives the time of each operation; time.Now when nil.
	Clock func() time.Time
	// NewID makes ids of documents, applications and operations; time-ordered
	// UUIDs (version 7) when nil.
	NewID func() string
	// Policy plans "use my credit" requests that name none, and the
	// automatic use of credit on prepaid accounts; allocate.OldestFirst()
	// when nil.
	Policy allocate.Policy
	// Policies are further policies known by name (allocate.NameOf), so
	// that the recalculation after removing one credit (UnapplyRequest.Credit)
	// re-plans with the policy that made the original plan.
	Policies []allocate.Policy
	// Logger receives one debug line per retried conflict; discarded when nil.
	Logger *slog.Logger
	// MaxAttempts bounds how often an operation is tried: when the store
	// reports ErrConflict, and when it reads again after waiting for
	// another operation of this Ledger on one of its accounts; 16 when
	// zero.
	MaxAttempts int
}

// Ledger is the credit service: every operation of the library, each run as
// one Store transaction, checked by the Authorizer, recorded in the
// accounts' histories, and idempotent by key. It is safe for concurrent use;
// concurrent operations on one account take turns to commit (see the package
// documentation). Use one Ledger per store in a process, so that they do.
type Ledger struct {
	store    Store
	auth     Authorizer
	clock    func() time.Time
	newID    func() string
	policy   allocate.Policy
	policies map[string]allocate.Policy
	log      *slog.Logger
	attempts int
	latches  *latches
}

// New returns a Ledger over store, asking auth for every operation. A nil
// store or authorizer is an error: there is no default for either.
func New(store Store, auth Authorizer, opts Options) (*Ledger, error) {
	if store == nil {
		return nil, fail(ErrInvalidRequest, "nil Store")
	}
	if auth == nil {
		return nil, fail(ErrInvalidRequest, "nil Authorizer (use credit.AllowAll in tests)")
	}
	l := &Ledger{store: store, auth: auth, clock: opts.Clock, newID: opts.NewID,
		policy: opts.Policy, log: opts.Logger, attempts: opts.MaxAttempts,
		policies: map[string]allocate.Policy{}, latches: newLatches()}
	if l.clock == nil {
		l.clock = time.Now
	}
	if l.newID == nil {
		l.newID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if l.policy == nil {
		l.policy = allocate.OldestFirst()
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.attempts <= 0 {
		l.attempts = 16
	}
	for _, p := range append([]allocate.Policy{allocate.OldestFirst(), allocate.SystemDiscretion(), l.policy}, opts.Policies...) {
		l.policies[allocate.NameOf(p)] = p
	}
	return l, nil
}

// errBusy is why an operation reads again when another operation of its
// Ledger holds the latch of an account it read (see latches).
var errBusy = fmt.Errorf("%w: another operation is committing an account read", errStale)

// errReplay stops an operation whose idempotency key is already recorded.
var errReplay = errors.New("replay")

// checkID validates an id, key or reference given by a caller. Text holds
// no NUL byte, which a SQL database cannot keep in a text column: refusing
// it here makes every store answer alike.
func checkID(what, s string, required bool) error {
	if s == "" {
		if required {
			return fail(ErrInvalidRequest, "%s is required", what)
		}
		return nil
	}
	if len(s) > MaxKeyLen || !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return fail(ErrInvalidRequest, "%s must be at most %d bytes of UTF-8 without NUL", what, MaxKeyLen)
	}
	return nil
}

func checkPrincipal(p Principal) error {
	if err := checkID("principal namespace", p.Namespace, true); err != nil {
		return err
	}
	return checkID("principal id", p.ID, true)
}

func fingerprint(op Operation, req any) (string, error) {
	b, err := json.Marshal(struct {
		Op  Operation
		Req any
	}{op, req})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// write runs one mutating operation: it checks the principal and key, runs fn
// in a fresh txn, commits what fn wrote together with the idempotency record,
// and retries from scratch on ErrConflict. A replayed key returns the first
// result.
func write[R any](l *Ledger, ctx context.Context, p Principal, op Operation, key string, req any, fn func(t *txn) (R, error)) (R, error) {
	var zero R
	wrap := func(err error) (R, error) {
		return zero, finish(methodOf(op), err)
	}
	if err := checkPrincipal(p); err != nil {
		return wrap(err)
	}
	if err := checkID("idempotency key", key, true); err != nil {
		return wrap(err)
	}
	fp, err := fingerprint(op, req)
	if err != nil {
		return wrap(fail(ErrInvalidRequest, "request cannot be encoded: %v", err))
	}
	// The latches of the accounts read, held from before the Commit to
	// the end (see latches).
	var held []string
	defer func() { l.latches.release(held) }()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return wrap(err)
		}
		t := l.newTxn(ctx, p, op, key)
		r, err := fn(t)
		if err == nil && !t.loaded {
			err = t.load(Query{})
		}
		if errors.Is(err, errReplay) {
			return replay[R](t.idem, op, fp)
		}
		stale := errors.Is(err, errStale)
		if err != nil && !stale {
			return wrap(err)
		}
		if !stale {
			// Another operation of this Ledger holding one of the accounts
			// read is about to commit it: what t read is stale, so wait for
			// it and read again rather than lose in the store.
			ready, herr := l.latches.hold(ctx, &held, t.ns, t.accounts)
			if herr != nil {
				return wrap(herr)
			}
			if !ready {
				stale, err = true, errBusy
			}
		}
		if stale {
			if attempt >= l.attempts {
				return wrap(fmt.Errorf("%w: %w", ErrConflict, err))
			}
			l.log.DebugContext(ctx, "credit: reading again", "op", op, "attempt", attempt, "err", err)
			if err := l.latches.wait(ctx, &held, t.ns, t.accounts); err != nil {
				return wrap(err)
			}
			continue
		}
		result, err := json.Marshal(r)
		if err != nil {
			return wrap(err)
		}
		b := t.batch()
		b.Idempotency = &Idempotency{Key: key, Op: op, Fingerprint: fp, Result: result, At: t.now}
		err = l.store.Commit(ctx, b)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= l.attempts {
			return wrap(err)
		}
		// The winner was another process, or an operation on an account
		// this one had not read: back off.
		l.log.DebugContext(ctx, "credit: retrying after conflict", "op", op, "attempt", attempt, "err", err)
		if err := sleep(ctx, attempt); err != nil {
			return wrap(err)
		}
	}
}

func replay[R any](rec *Idempotency, op Operation, fp string) (R, error) {
	var r R
	if rec.Op != op || rec.Fingerprint != fp {
		return r, &Error{Op: methodOf(op), Err: fail(ErrIdempotencyConflict, "key %q was used for another %s request", rec.Key, rec.Op)}
	}
	if err := json.Unmarshal(rec.Result, &r); err != nil {
		return r, &Error{Op: methodOf(op), Err: err}
	}
	return r, nil
}

// sleep backs off with jitter: up to 1ms, 2ms, 4ms … capped at 50ms.
func sleep(ctx context.Context, attempt int) error {
	d := min(time.Millisecond<<min(attempt-1, 6), 50*time.Millisecond)
	d = d/2 + rand.N(d/2+1)
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// read runs a read-only operation after checking the principal.
func read[R any](l *Ledger, ctx context.Context, p Principal, op Operation, fn func(t *txn) (R, error)) (R, error) {
	var zero R
	if err := checkPrincipal(p); err != nil {
		return zero, finish(methodOf(op), err)
	}
	t := l.newTxn(ctx, p, op, "")
	r, err := fn(t)
	if err != nil {
		return zero, finish(methodOf(op), err)
	}
	return r, nil
}

// methodOf names the Ledger method that journals op, for errors.
func methodOf(op Operation) string {
	switch op {
	case OpAllocated:
		return "OpenAccount"
	case OpUpdated:
		return "UpdateAccount"
	case OpInvoiced, OpDebitMemo:
		return "IssueDebit"
	case OpPurchased:
		return "Purchase"
	case OpPaymentRecorded, OpCreditIssued, OpCreditMemo, OpRefunded:
		return "IssueCredit"
	case OpReimbursed:
		return "Reimburse"
	case OpReimburseEdited:
		return "EditReimbursement"
	case OpApplied:
		return "Apply"
	case OpPreviewed:
		return "Preview"
	case OpUnapplied:
		return "Unapply"
	case OpAdjusted:
		return "Adjust"
	case OpReverted:
		return "Void"
	case OpPaidOut:
		return "Refund"
	case OpChargedBack, OpPaymentCancelled:
		return "ReversePayment"
	case OpTransferredOut, OpTransferredIn:
		return "Transfer"
	case OpConsolidated:
		return "Consolidate"
	case OpExpired:
		return "Expire"
	}
	return string(op)
}

// finish makes err the *Error a Ledger method returns: named for method,
// with a cause that wraps exactly one sentinel.
func finish(method string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Op, c.Err = method, classify(e.Err)
		return &c
	}
	return &Error{Op: method, Err: classify(err)}
}
