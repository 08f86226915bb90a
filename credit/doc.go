// Package credit is the credit service: accounts with their credit lines and
// balances, the history of every change, and the [Ledger] that runs every
// operation on them.
//
// A Ledger is made from a [Store] (store.NewMemory, or store/postgres), an
// [Authorizer] (deny by default; [AllowAll] for tests) and [Options]. Every
// operation that writes takes a context, the acting [Principal] and an
// idempotency key; it runs as one Store transaction and appends [Entry]
// rows to the history of each account it touched. Replaying a key returns
// the first result and writes nothing; the same key with another request,
// or from another principal, is [ErrIdempotencyConflict].
//
// Balances, per account, in its currency:
//
//	credit balance = Σ open balances of credit documents
//	outstanding    = credit balance − Σ open balances of debit documents
//	available      = credit limit + outstanding
//
// Applying credit moves money between documents and never changes the
// outstanding balance; issuing, voiding, adjusting, writing off, refunding,
// reversing, charging back and transferring do.
//
// # The life of an operation
//
// Every method, read or write, is one declared operation run by one
// executor, in this order:
//
//  1. check the request's shape, sizes and amounts, with no I/O: bad input
//     costs nothing and never reaches the store;
//  2. fingerprint it (writes): the fields that change the outcome, the
//     method and the principal, so that a reused key is told apart;
//  3. load what it reads, in one or a few batched Store.Load calls, with
//     the idempotency record of its key;
//  4. authorize: resolve every id the caller named and ask the Authorizer
//     about every account involved;
//  5. compute in memory: the documents, applications and entries to write;
//  6. commit the whole write set at once with the versions read (writes).
//     A stale version is ErrConflict: the executor reads again and
//     computes again, up to Options.MaxAttempts times.
//
// Authorization comes after the load, since whom to ask depends on what
// an id names (the account of a document), but before anything that
// depends on what was loaded reaches the caller. A principal who may not
// read an account learns nothing about it: an id of that account gets
// exactly the answer an id that exists nowhere gets, [ErrNotFound] naming
// only the id given. A principal who may read the account but not do the
// action gets [ErrNotAuthorized].
//
// Operations of one Ledger on one account take turns to commit (a latch per
// account, held in memory): one that read an account another is committing
// waits for it and reads again, instead of losing to it in the store, so a
// hot account costs its callers a wait, not a chain of retries. Ledgers in
// other processes are kept apart by the store's version checks alone.
//
// # Errors
//
// Every error a Ledger method returns is an [*Error] wrapping exactly one
// sentinel of this package ([ErrNotFound], [ErrInsufficientCredit], …,
// including [ErrCanceled] for an ended context and [ErrUnavailable],
// [ErrCommitUnknown] and [ErrStoreFailure] for the store's faults), so
// errors.Is tells the cases apart and [Code] maps each to a stable code.
// The message names the package once, the method, and the document or
// account concerned:
//
//	credit: apply INV-1: insufficient credit: …
//
// A failed operation writes nothing.
//
// # The types a Store sees
//
// [Store], [Query], [Snapshot], [Batch], [DocumentFilter], [Idempotency]
// and [AccountLister] are what a store author implements against. They stay
// in this package, unlike database/sql/driver's split: the records a store
// keeps (Account, Entry, Application, invoice.Document) are the very values
// the Ledger returns to its users, so a separate package would only alias
// them. The contract is in the doc comment of each method, and storetest
// checks it.
//
// Start with [New], [Ledger.OpenAccount], [Ledger.IssueDebit],
// [Ledger.IssueCredit] and [Ledger.Apply].
package credit
