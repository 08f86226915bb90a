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
// the moment that name it (adjusted, reverted, paid_out, charged_back,
// payment_cancelled, transferred_out: their amounts were removed from it).
// Each account's aging is then checked against BalancesAt: the open debits
// must add up to its Debit balance and the unapplied credits to its Credit
// balance, or the aging fails with ErrNotReconciled rather than print a
// figure that is not the ledger's.
//
// Two operations remove open balance without naming the documents in the
// history: Expire (one "expired" entry for all the credits it ends) and a
// currency change of the account (every open document closed and issued
// again in the new currency). After the as-of moment they are handled as
// follows: a credit whose expiry date is after the moment and that ended
// expired was open at the moment for its amount less its applications up to
// the moment and the removals named after it; a document in the account's
// currency at the moment that a later currency change closed is rebuilt the
// same way, and the copies issued in the new currency are left out. The
// rebuilt figure misses what a refund, transfer or reversal named before the
// moment removed from such a document (the public reads do not give the
// entries naming a document without reading the whole history); when that
// happened the reconciliation with BalancesAt fails with ErrNotReconciled.
// A second currency change after the moment back to the currency of the
// moment is not recognised either, and fails the same way.
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
