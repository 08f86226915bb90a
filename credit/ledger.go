package credit

import (
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/arcredit/arcredit/allocate"
)

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
	records  RecordStore // store, when it is one; else nil
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
	if rs, ok := store.(RecordStore); ok && rs.Direct(store) {
		l.records = rs
	}
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
