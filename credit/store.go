package credit

import (
	"context"
	"time"

	"github.com/arcredit/arcredit/invoice"
)

// Store keeps the Ledger's records. It holds no logic of its own: the Ledger
// reads what an operation needs with Load, computes in memory, and hands
// every write of the operation to Commit at once. A Store must be safe for
// concurrent use.
//
// Everything is scoped by a namespace (a tenant): a call never reads or
// writes records of another namespace, whatever ids it is given.
//
// A failure of the store itself wraps the sentinel of its class, so that
// callers can tell whether to retry, re-send or give up:
//
//   - ErrConflict: a version check or a uniqueness failed, or the database
//     refused a transaction it could not serialize; nothing was written.
//   - ErrUnavailable: nothing was sent, or the database refused the work
//     before writing anything (no connection, the server shutting down).
//   - ErrCanceled: the context ended before anything was written; the
//     error also wraps the context's error.
//   - ErrCommitUnknown (Commit only): the commit was sent and its outcome
//     could not be learned, even through b.Idempotency's key.
//   - ErrStoreFailure: anything else (permission denied, a read-only
//     database, a full disk, a record that cannot be read).
//
// The Ledger classifies an error that wraps none as ErrStoreFailure (or
// ErrCanceled when it wraps the context's error).
//
// Times are kept at least to the microsecond; every other field of every
// record reads back exactly. A document's Labels are nil or hold at least
// one label, and are the store's own: a map Commit was given, or one a read
// returned, may be changed by its caller without changing what is stored. The reads (History, EntryAt, Documents) return
// no error but the context's (wrapping ctx.Err()) and the store's own.
//
// Prove an implementation with storetest.Run (in a test) or storetest.Check
// (at run time); the kit checks each clause of this contract by name.
type Store interface {
	// Load reads the records q names, as one consistent snapshot of
	// committed state. Ids that do not exist are simply absent from the
	// snapshot (never an error). It returns only context and I/O errors.
	Load(ctx context.Context, q Query) (*Snapshot, error)

	// Commit writes b atomically: all of it or, on any error, none of it.
	// Each account and document in b carries the version it will have once
	// written; the stored version must be one less (a record with Version 1
	// must not exist yet). If any version does not match, an application or
	// entry id or (account, seq) already exists, or b.Idempotency's key is
	// already recorded, Commit writes nothing and returns an error wrapping
	// ErrConflict. The Ledger then reloads and retries.
	Commit(ctx context.Context, b *Batch) error

	// History returns the account's entries with Seq > afterSeq (from the
	// first when afterSeq ≤ 0), in Seq order, at most limit of them (all when
	// limit ≤ 0). A page shorter than limit is the end of the history. An
	// unknown account gives none and no error.
	History(ctx context.Context, namespace, account string, afterSeq int64, limit int) ([]Entry, error)

	// EntryAt returns the account's last entry with At ≤ t, compared to the
	// microsecond (of several at one instant, the one with the highest Seq),
	// and false with no error when there is none or the account is unknown.
	// It must not scan the whole history (entries are in time order per
	// account, so a search or an index finds it).
	EntryAt(ctx context.Context, namespace, account string, t time.Time) (Entry, bool, error)

	// Documents returns the documents that match f, ordered by (Issued, ID)
	// with ids compared byte by byte, after the document f.After, at most
	// f.Limit of them (all when ≤ 0). An unknown account gives none.
	Documents(ctx context.Context, namespace string, f DocumentFilter) ([]invoice.Document, error)
}

// Query names what one Load reads. Empty fields read nothing.
type Query struct {
	Namespace string
	// Accounts by id.
	Accounts []string
	// Documents by id.
	Documents []string
	// DocumentAccounts asks for the accounts of the documents named in
	// Documents too, saving a second Load when the caller knows only
	// document ids. It is a hint: a store that ignores it stays correct, as
	// the Ledger loads any account still missing.
	DocumentAccounts bool
	// OpenOf: every document with status Open of these accounts.
	OpenOf []string
	// ApplicationsOf: every application and reversal whose credit or debit
	// is one of these documents.
	ApplicationsOf []string
	// Applications by id.
	Applications []string
	// Operation: every application written by this operation id.
	Operation string
	// Idempotency: the record of this key, if any.
	Idempotency string
}

// Snapshot is what Load read. Maps are keyed by id; Applications holds each
// matching application once, in no particular order.
type Snapshot struct {
	Accounts     map[string]Account
	Documents    map[string]invoice.Document
	Applications []Application
	Idempotency  *Idempotency
}

// RecordStore is implemented by a Store that can read into, and write
// from, memory the Ledger reuses from one operation to the next, sparing
// an operation the maps of a Snapshot and a Batch of its own. The Ledger
// finds it by type assertion and then calls these methods instead of Load
// and Commit; a Store that does not implement it is used through Load and
// Commit, as before. storetest.Run checks both methods whenever a store
// implements them.
//
// A wrapper that embeds a store and changes its Load or Commit (to count
// calls, inject faults) inherits these methods unchanged. Direct keeps the
// Ledger from going around the change: the Ledger uses LoadRecords and
// CommitCopy only when Direct reports that the Store it was given is the
// RecordStore itself, and otherwise goes through the wrapper's Load and
// Commit.
type RecordStore interface {
	// Direct reports whether s, the Store a Ledger was given, is this
	// store itself rather than something that embeds it. An
	// implementation compares s with its receiver (for a pointer type:
	// s.(*T) == t).
	Direct(s Store) bool

	// LoadRecords reads what Load reads for q, as one consistent snapshot
	// of committed state, and appends it to r: the accounts, documents and
	// applications found to r.Accounts, r.Documents and r.Applications
	// (in any order; a record may come more than once, the same each
	// time), and the key's record, when found, to r.Idempotency (left
	// alone otherwise). It returns only context and I/O errors.
	//
	// r is lent for the call. LoadRecords must not change what r's slices
	// held before the call, and must keep nothing of r after it returns:
	// the caller changes the records, and reuses the arrays for later
	// calls. What it appends is the caller's: no part of it (a document's
	// Labels, a Result's bytes) may be memory the store keeps or reuses.
	LoadRecords(ctx context.Context, q Query, r *Records) error

	// CommitCopy writes b exactly as Commit does, with the same checks,
	// atomicity and errors, but b is lent for the call: as soon as it
	// returns, the caller changes and reuses b, its slices, and the slices,
	// maps and bytes they refer to (an entry's Documents and Applications,
	// a document's Labels, the Idempotency record and its Result). The
	// store copies whatever it keeps, and keeps no reference to any of it.
	CommitCopy(ctx context.Context, b *Batch) error
}

// Records is what RecordStore.LoadRecords reads into: the records of a
// Snapshot as slices, which the caller empties and reuses.
type Records struct {
	Accounts     []Account
	Documents    []invoice.Document
	Applications []Application
	// Idempotency is the record of the Query's key, nil when it has none.
	Idempotency *Idempotency
}

// Batch is every write of one operation.
type Batch struct {
	Namespace string
	// Accounts and Documents to insert (Version 1) or update (Version > 1),
	// each with the version it will have.
	Accounts  []Account
	Documents []invoice.Document
	// Applications and Entries to insert; they are never updated.
	Applications []Application
	Entries      []Entry
	// Idempotency, when set, records the operation's key and result.
	Idempotency *Idempotency
}

// DocumentFilter selects documents for Store.Documents.
type DocumentFilter struct {
	// Account restricts to one account (required).
	Account string
	// Kinds restricts to these kinds (all when empty).
	Kinds []invoice.Kind
	// OpenOnly restricts to status Open.
	OpenOnly bool
	// Original restricts to documents that amend this one.
	Original string
	// After is a cursor: only documents ordered after the one with this id.
	After string
	// Limit bounds the count (≤ 0: no bound).
	Limit int
}

// AccountLister is implemented by stores that can list the accounts of a
// namespace: their ids in byte order, after the cursor after, at most limit
// of them (all when limit ≤ 0). Ledger.Accounts and VerifyNamespace need it.
type AccountLister interface {
	AccountIDs(ctx context.Context, namespace, after string, limit int) ([]string, error)
}

// Idempotency is the stored record of a completed operation: its key, a
// fingerprint of the request, and the result returned, so that a replay
// returns the same result and writes nothing.
type Idempotency struct {
	Key         string    `json:"key"`
	Kind        EntryKind `json:"op"`
	Fingerprint string    `json:"fingerprint"`
	Result      []byte    `json:"result"`
	At          time.Time `json:"at"`
}
