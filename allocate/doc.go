// Package allocate decides which credits pay which debits. A [Policy] turns
// a [Request] (open debits, open credits, an optional cap, the rules) into a
// [Plan] of [Line]s; [Validate] checks any plan, built-in or custom, against
// its request before a ledger writes it.
//
// The built-in policies are pure and deterministic, and compose:
//
//	allocate.BillToMatch(allocate.OldestFirst())
//
// OldestFirst pays the oldest debits first from the oldest credits (iMIS);
// SystemDiscretion is this library's own documented choice (Ingram's "at its
// own discretion"); BillToMatch restricts any policy to pairs whose bill-to
// parties match (Aptify); Partial lets a policy pay part of a debit, which
// by default it may not (Aptify's full cover).
//
// A policy of your own implements Policy and is proven with
// allocate/allocatetest.Check.
package allocate
