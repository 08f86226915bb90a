// Package storetest is the conformance kit every credit.Store must pass,
// and the property tests that prove the Ledger's invariants on it.
//
// # Using it
//
// A store author writes one short test file:
//
//	package mystore_test
//
//	import (
//		"testing"
//
//		"github.com/arcredit/arcredit/credit"
//		"github.com/arcredit/arcredit/storetest"
//		"example.com/mystore"
//	)
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) credit.Store {
//			s, err := mystore.Open(testDSN(t))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Run calls newStore once per subtest. The kit works in namespaces of its
// own, with random names, so a store may be shared or reused between
// subtests; it need not be empty.
//
// # What it covers
//
//   - The Store contract, called directly: records read back as written;
//     Load of unknown ids is empty, not an error; a stale version, a new
//     record (Version 1) that exists, a duplicate application id,
//     idempotency key or (account, Seq), and an entry Seq that is not the
//     next are ErrConflict; a batch is written all or nothing; History pages;
//     EntryAt at, before, between and after entries; Documents filters
//     (OpenOnly, Kinds, Original, After, Limit) and orders by (Issued, ID);
//     namespaces do not see each other; a cancelled context is an error.
//   - Every Ledger operation through the store, with expected balances,
//     and every error path: unknown ids, zero and negative amounts, wrong
//     currency, recurring debits, bill-to mismatch, expired credit, the
//     credit limit, insufficient credit, authorization (credit.DefaultRoles),
//     empty idempotency keys. Each refused operation must leave the store
//     exactly as it was (compared with go-cmp) and return a *credit.Error.
//   - Idempotency (a replay returns the first result and writes nothing; a
//     key reused for another request is ErrIdempotencyConflict; keys are per
//     namespace) and tenancy (another namespace's ids are ErrNotFound).
//   - Concurrency: 32 goroutines spending one credit of 100.00 on 50
//     invoices of 10.00 pay exactly 10; 64 calls with one key write once and
//     return equal results; random operations from 8 goroutines keep every
//     invariant and conserve money. Each goroutine has a Ledger of its own,
//     as separate processes would: one Ledger's operations on an account
//     take turns in memory, and these scenarios test the store's checks.
//   - A state machine (pgregory.net/rapid) that drives random sequences of
//     purchases, debits, credits, reimbursements and their edits, explicit
//     and policy applies, previews, unapplies, adjustments, voids, refunds,
//     payment reversals, transfers, consolidations, account updates, replays
//     and operations on unknown ids, against a reference model of plain
//     maps in cents. After every step it checks the invariants of the
//     design (1–6): available = limit + outstanding; for every document,
//     amount = open + applied − unapplied + what left it otherwise, with
//     0 ≤ open ≤ amount and no application reversed twice; balances are the
//     sums of the open documents; money is conserved; replaying each history
//     from zero gives every entry's balances and the account's, with Seq
//     1..n and time never going back; history is append-only; and a refused
//     operation changes nothing.
//
// # Time and knobs
//
// On the memory store the whole kit takes about 15 seconds with -race,
// nearly all of it the state machine. Its size is rapid's: -rapid.checks
// (default 100 runs) and -rapid.steps (default 30 steps a run), also read
// from RAPID_CHECKS and RAPID_STEPS; -short divides both. A failure prints
// the seed and the steps that led to it (-rapid.seed to replay, and
// -rapid.nofailfile to keep rapid from writing testdata/rapid files). A
// networked store may want -rapid.checks=20 in CI and more in a nightly run.
package storetest
