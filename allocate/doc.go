// Package allocate decides which credits pay which debits. A [Policy] turns
// a [Request] (open debits, open credits, an optional cap, the rules) into a
// [Plan] of [Line]s; [Validate] checks any plan, built-in or custom, against
// its request before a ledger writes it, and reports every rule it breaks
// in a [*PlanError] that matches [ErrInvalidPlan] and a sentinel per rule
// ([ErrOverspend], [ErrCapExceeded], [ErrRecurring], …).
//
// The built-in policies are pure and deterministic (ties go to the lower
// ID; the order of the request's documents never shows), run in
// O(n log n), and compose:
//
//	allocate.Partial(allocate.BillToMatch(allocate.OldestFirst()))
//
// [OldestFirst] pays the oldest debits first from the oldest credits (iMIS);
// [SystemDiscretion] is this library's own documented choice (Ingram's "at
// its own discretion"): overdue and small debits first, credits that expire
// soonest first. [BillToMatch] restricts any policy to pairs whose bill-to
// parties match (Aptify); [Partial] lets a policy pay part of a debit,
// which by default it may not (Aptify's full cover).
//
// Wrappers change the rules a policy plans under, so a ledger plans and
// validates with the request [Effective] returns:
//
//	req = allocate.Effective(p, req)
//	plan, err := p.Plan(req)
//	if err == nil {
//		err = allocate.Validate(req, plan)
//	}
//
// Documents held in a foreign currency (invoice.Document.IsForeign) are
// presented in their own currency: Amount and Open are the document's, and
// a plan moves amounts in it. Their functional figures (Rate, Functional,
// FunctionalOpen) are there to read, never to plan with: a credit and a
// debit may be paired only in one currency (PairEligible), and a plan is
// in one currency, so a request that mixes currencies is planned in one of
// them (see OldestFirst) and the caller asks again for the others. The
// ledger books the realized exchange difference of each line; a policy
// never sees it.
//
// A policy of your own implements Policy (or is a [PolicyFunc]), and is
// proven with allocate/allocatetest.Check, which generates requests and
// checks that its plans are valid, complete and independent of the order of
// the documents.
package allocate
