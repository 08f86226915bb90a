// Package credit is the credit service: accounts with their credit lines and
// balances, the history of every change, and the [Ledger] that runs every
// operation on them.
//
// A Ledger is made from a [Store] (store.NewMemory, or store/postgres), an
// [Authorizer] (deny by default; [AllowAll] for tests) and [Options]. Every
// operation that writes takes a context, the acting [Principal] and an
// idempotency key; it runs as one Store transaction (read what it needs,
// compute in memory, commit every write at once with optimistic versions,
// retry on [ErrConflict]), and appends [Entry] rows to the history of each
// account it touched. Operations of one Ledger on one account take turns
// to commit (a latch per account, held in memory): one that read an
// account another is committing waits for it and reads again, instead of
// losing to it in the store, so a hot account costs its callers a wait,
// not a chain of retries. Replaying a key returns the first result and
// writes nothing; the same key with another request is [ErrIdempotencyConflict].
//
// Balances, per account, in its currency:
//
//	credit balance = Σ open balances of credit documents
//	outstanding    = credit balance − Σ open balances of debit documents
//	available      = credit limit + outstanding
//
// Applying credit moves money between documents and never changes the
// outstanding balance; issuing, voiding, adjusting, refunding, reversing and
// transferring do.
//
// Errors wrap the sentinels of this package (ErrNotFound,
// ErrInsufficientCredit, ErrCreditLimitExceeded, …) inside an [*Error] that
// names the operation and document; branch with errors.Is. Bad input is
// refused before the store is touched, and a failed operation writes nothing.
//
// Start with [New], [Ledger.OpenAccount], [Ledger.IssueDebit],
// [Ledger.IssueCredit] and [Ledger.Apply].
package credit
