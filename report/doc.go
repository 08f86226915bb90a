// Package report builds the read-only reports a finance team reads over a
// credit.Ledger: the accounts-receivable aging as of a date, the statement
// of account for a period, the history grid, and CSV and JSON of each.
//
// Every report is built only from the Ledger's reads (Accounts, Account,
// BalancesAt, History, Documents, Applications), called with the caller's
// Principal, so a report is authorized exactly like the reads it is made of:
// a principal who may not read an account gets credit.ErrNotFound or
// credit.ErrNotAuthorized from a report on it, and a namespace report only
// covers the accounts the principal may read. Nothing in package credit
// imports this package.
//
// # As of a date
//
// The aging and the statement take a time and answer as the Ledger stood
// then: as recorded at that moment (transaction time), so that a report as
// of a past moment gives what it would have given at that moment, whatever
// happened since. A document belongs to the report once the entry that
// issued it is recorded, whatever its issue date; its open balance at the
// moment is rebuilt from its current state, the applications and reversals
// written after the moment (Application.At), and the history entries after
// the moment that name it (document_adjusted, document_voided, credit_refunded,
// payment_charged_back, payment_cancelled, credit_transferred_out: their
// amounts were removed from it).
// Each account's aging is then checked against BalancesAt: the open debits
// must add up to its Debit balance and the unapplied credits to its Credit
// balance, or the aging fails with ErrNotReconciled rather than print a
// figure that is not the ledger's.
//
// Two operations remove open balance without naming the documents in the
// history: Expire (one "credit_expired" entry for all the credits it ends) and a
// currency change of the account (every open document closed and issued
// again in the new currency). A document they emptied after the moment is
// rebuilt forward instead: its amount, less its applications up to the
// moment (net of reversals), less what the entries up to the moment that
// name it removed; only then is the history before the moment read, once
// for the account. A credit is taken as expired after the moment when its
// expiry date is after the moment and an "credit_expired" entry after the moment
// is at or after its expiry date (Expire only ends credits whose date has
// passed, so it cannot have ended it before). A document is taken as
// closed by a later currency change when a copy of it (Original naming it)
// is in another currency; the copies, in the new currency, are left out. A
// second currency change after the moment back to the currency of the
// moment is not recognised, nor a document whose conversion rounded its
// copy to nothing: the reconciliation with BalancesAt then fails with
// ErrNotReconciled.
//
// # Memory
//
// The aging pages through the Ledger: accounts a page at a time, and each
// account's documents a page at a time (DocumentFilter.After and Limit), so
// that a namespace of a million documents is aged while holding one page of
// documents, the history entries after the as-of moment of one account, and
// the totals per account. AgingFunc hands each account's totals to a
// function instead of keeping them, and AgingOptions.Lines streams the
// documents.
package report
