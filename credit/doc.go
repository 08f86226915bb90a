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
// outstanding balance, but for the realized exchange difference of foreign
// documents (see below); issuing, voiding, adjusting, writing off,
// refunding, reversing, charging back and transferring do.
//
// # Documents in a foreign currency
//
// An account keeps one functional currency (Account.Currency), and its
// balances are always in it. A debit or a credit may be held in another
// currency: DebitRequest.Rate and CreditRequest.Rate, from the amount's
// currency to the account's, book it (PurchaseRequest.KeepCurrency does so
// for a purchase, which is otherwise converted once into the account's
// currency). Its Amount and Open stay in its own
// currency, and it carries them in the account's too: Rate, Functional
// (Amount at Rate, rounded half-even, the residual journalled) and
// FunctionalOpen. The account's balances are sums of OpenValue (Open, or
// FunctionalOpen for a foreign document), so every invariant of the
// balances holds in the functional currency. A document in its account's
// currency has the zero Rate and the zero Money in both functional fields:
// every document stored before foreign ones existed keeps its meaning.
//
// Matching. A credit and a debit are matched in their own currency, which
// must be one: Application.Amount is in it. Each document gives up its
// booked value pro rata (invoice.Document.Share: the amount at the
// document's own rate), and the application that empties a document takes
// all of its FunctionalOpen, so that a fully settled document has nothing
// left in either currency. Application.DebitValue is what left the debit
// in the functional currency, and Application.Difference the realized
// exchange difference, the credit's share minus the debit's: positive a
// gain, negative a loss. It is journalled on the debit's account as an
// entry of its own (ExchangeDifferenceRealized), after the entry of the
// operation. For the documents of one credit and one debit, the
// differences of the active applications sum to the functional value the
// credit gave up minus the one the debit gave up. Unapplying gives each
// document back exactly the share it gave up and journals the difference
// negated (ExchangeDifferenceReversed); other applications keep theirs.
//
// Matching changes the outstanding balance by the negated difference (a
// loss of USD 20.00 raises it by USD 20.00): what the customer owed at the
// booked rate is settled by what the credit was worth at its own, and the
// difference is the seller's gain or loss, not the customer's debt. It is
// the only way an application moves the outstanding balance.
//
// A cap (ApplyRequest.Cap) is in the account's currency and bounds
// requests of documents in it: a capped request that names or finds
// foreign debits is refused with ErrCurrencyMismatch. Name the pairs with
// their amounts in the documents' currency instead.
//
// Different currencies. A credit and a debit in different currencies
// (EUR and GBP, or a EUR payment and a USD invoice) are never matched:
// naming the pair is ErrCurrencyMismatch, and a policy plans within one
// currency. A cross rate given with the request was considered and left
// out: the amount would have to be given in one currency and taken in
// another, rounded once more, and each document's shares and the realized
// difference would then depend on a rate booked on neither document, so
// that no application could be reversed from what it records alone. A
// payment received in one currency for an invoice in another is recorded
// in the invoice's currency, at the rate the bank converted it, which is
// the rate the difference is then realized at.
//
// Other operations. Refunds, reversals, adjustments, voids and expiries
// take amounts in the document's currency and journal the functional value
// they removed (with the amount given as Entry.Original and the booked
// rate). A transfer of a foreign credit, and a change of the account's
// currency while a foreign document is open, are refused with
// ErrCurrencyMismatch. Ledger.Revalue reports the unrealized difference
// of open foreign documents at the rates given, as of a date (the
// documents open then, for their balances then), without writing
// anything; Ledger.RecordUnrealized journals it for one account
// (ExchangeDifferenceUnrealized), changing no document and no balance.
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
