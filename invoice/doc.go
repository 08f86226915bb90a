// Package invoice holds the accounts-receivable documents that credit moves
// between, as plain values: debits (invoices, debit memos) that a customer
// owes, and credits (credit memos, payments and prepayments, credits issued
// with a reason) that pay them. It also holds the bill-to [Party] and its
// matching rule. It does no I/O and keeps no state: a [Document] changes only
// by returning a changed copy.
//
// Start with [Document] and [Document.Validate].
package invoice
