// Package storetest is the conformance kit every credit.Store must pass:
// pass it and the Ledger's invariants hold on your database.
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
// subtests; it need not be empty. RunWith takes Options: whether the store
// implements credit.AccountLister (it is checked whenever it does; declared,
// it must), how many records the paging clauses write, and the size of the
// state machine. Check runs the same kit without a *testing.T and returns a
// *CheckError that names every broken clause, as testing/fstest.TestFS
// does for a file system.
//
// # The clauses of the Store contract
//
// Each clause is one subtest, called on the Store directly with hand-made
// records, and fails only for what it promises; a failure names the call and
// the record ("Load(OpenOf ["a"]) in namespace B returned document d1 of
// namespace A") and ends with the clause. They are the promises of
// credit.Store's documentation:
//
//   - Store/Load: Load reads the records a Query names, each field on its
//     own or together; ids that do not exist are absent, never an error;
//     OpenOf reads the documents with status Open only; an application is
//     returned once however many fields name it; what Load returns is the
//     caller's to change.
//   - Store/Namespaces: no read returns a record of another namespace, and
//     no write touches one. It is checked from a namespace that has records
//     of its own under the same ids and key, for every field of Query
//     (Accounts, Documents, DocumentAccounts, OpenOf, ApplicationsOf,
//     Applications, Operation, Idempotency), History, EntryAt, Documents and
//     AccountIDs, in both directions.
//   - Store/Versions: Commit refuses, with an error wrapping
//     credit.ErrConflict, an account or document whose version is not the
//     stored one plus one: stale, ahead, new (version 1) but existing, or an
//     update of a record that does not exist.
//   - Store/Uniqueness: Commit refuses, with ErrConflict, an application id,
//     an entry (account, Seq) or an idempotency key that exists, and an
//     entry whose Seq is not the account's next; the first record stays.
//   - Store/AllOrNothing: a refused Commit writes nothing of its batch,
//     wherever in the batch the refused record is.
//   - Store/History: History returns the account's entries with Seq >
//     afterSeq (from the first when afterSeq ≤ 0) in Seq order, at most
//     limit of them, all when limit ≤ 0; paging with the last Seq read gives
//     every entry once.
//   - Store/EntryAt: EntryAt returns the last entry with At ≤ t, at
//     microsecond precision: several entries inside one second, and several
//     at one instant (the one with the highest Seq wins); false when none.
//   - Store/Documents: Documents filters by account, Kinds, OpenOnly and
//     Original, orders by (Issued, ID) with ids in byte order, returns at
//     most Limit (all when Limit ≤ 0), and starts after the document named
//     by the cursor After; paging gives every document once.
//   - Store/RoundTrip: every field of every record reads back as written
//     through every read (Load, History, EntryAt, Documents): the hash chain
//     (Entry.Prev, Entry.Hash, Account.Head), times with microseconds, text
//     of invoice.MaxTextLen bytes in several scripts, amounts of
//     money.MaxDigits digits in currencies of 0, 2 and 3 decimals, a
//     converted entry's original amount, rate and residual, ids, keys and a
//     namespace of credit.MaxKeyLen bytes, and an update that sets fields
//     back to zero.
//   - Store/Labels: a document's labels (invoice.MaxLabels of them, keys
//     and values at their longest) read back as written through Load and
//     Documents, nil as nil, and are the store's own: changing the map a
//     caller committed, or one a read returned, changes nothing stored.
//   - Store/Context: every method returns an error that wraps
//     context.Canceled for a cancelled context (the Ledger tells the
//     caller's ended context from a fault of the store by it), and a
//     cancelled Commit writes nothing.
//   - Store/AccountLister (optional): AccountIDs lists the namespace's
//     account ids in byte order, after the cursor, at most limit (all when
//     limit ≤ 0). Skipped for a store that neither implements nor declares it.
//   - Store/RecordStore (optional): LoadRecords reads what Load reads,
//     appended after what the caller's slices held; CommitCopy writes what
//     Commit writes and refuses what it refuses; neither keeps anything it
//     was lent (the clause changes and reuses every record, list, map and
//     byte after each call, then reads again); Direct reports false for a
//     store that embeds it. Skipped for a store that does not implement
//     credit.RecordStore, or whose Direct reports false for itself (a
//     wrapper that inherits the methods, which a Ledger does not call).
//
// Times are compared to the microsecond: a store may keep no finer.
//
// # Through the Ledger
//
// After the clauses the kit runs a Ledger over the store, as an application
// would, for what depends on the store:
//
//   - Ledger/Operations, Ledger/Reads: every kind of operation, and the
//     reads (balances as of a time, documents, applications), read back with
//     the balances written.
//   - Ledger/Idempotency: a replay returns the first result and writes
//     nothing; keys are per namespace.
//   - Ledger/Tenancy: another namespace's ids are not found and stay as
//     they were.
//   - Ledger/HiddenIsMissing: for every operation that takes ids, an id of
//     an account the principal may not read gets exactly the answer of an
//     id that exists nowhere (ErrNotFound, naming only the id given).
//   - Ledger/Verify: Verify and VerifyNamespace (with an AccountLister)
//     accept the hash chain and balances the store kept.
//   - Ledger/LongHistory: a history of credit.MaxPage+10 entries pages
//     whole through the Ledger and verifies (the Ledger reads a page of
//     MaxPage at a time and takes a shorter page for the last); skipped
//     under -short.
//   - Ledger/HostileInputs: requests the Ledger can refuse only by what the
//     store kept are refused with their sentinel and write nothing in
//     either namespace: sums of 24-digit amounts that money cannot hold,
//     ids, keys and text at their length limits in several scripts (read
//     back exactly, with an amount of 24 digits no float64 holds), keys
//     already used, documents already paid, voided, reversed, expired or
//     recurring, and another namespace's ids and keys.
//   - Ledger/Regressions: bugs that other billing systems shipped (a credit
//     spent twice by concurrent requests, a top-up recorded twice, a void
//     that keeps the credit, a lost answer retried, residuals of partial
//     and converted payments, charge backs, unlinking one invoice, expired
//     credit), each in a namespace of its own, ending with every invariant
//     checked and every history verified.
//   - Ledger/WriteOffsAndChargeBacks: a refund that takes applications
//     back, a partial charge back and its undoing, write-offs and their
//     reversal read back with the balances they wrote; a replay writes
//     nothing.
//   - Ledger/FuzzSeeds: the seed inputs of a fuzz target (FuzzSeeds, run by
//     FuzzInput): random requests of every kind, garbage among them, by
//     principals of every role and of another namespace; a refusal writes
//     nothing in either namespace, a success keeps every invariant.
//     Options.FuzzSeeds runs only the first few on a slow store.
//   - Concurrent/DoubleSpend, Concurrent/PolicyApplies, Concurrent/SameKey,
//     Concurrent/RandomOperations: goroutines with a Ledger each, as separate
//     processes would, racing to spend one credit by pairs or by policy, to
//     use one key, or at random; the store's checks alone keep every
//     invariant.
//   - StateMachine: random sequences of every operation (pgregory.net/rapid)
//     against a model of plain maps in cents; after every step the
//     invariants of the design (1–6) hold and a refused operation changes
//     nothing.
//   - ForeignDocuments: a state machine of documents held in a foreign
//     currency on USD, JPY and KWD accounts, at random rates (absurd ones
//     included), with applications, unapplications, refunds, voids and
//     payment reversals of random amounts: after every step each
//     document's balances in both currencies are the model's, the realized
//     differences of each pair sum to the functional value settled from the
//     credit less the one settled from the debit, a settled document keeps
//     nothing in either currency, and checkState's invariants hold.
//
// The Ledger's own checks of its input, authorization and planning never
// reach a store; credit's tests prove them once, on the memory store.
//
// A store's own fuzz target can start from the kit's seeds:
//
//	func FuzzStore(f *testing.F) {
//		for _, seed := range storetest.FuzzSeeds() {
//			f.Add(seed)
//		}
//		f.Fuzz(func(t *testing.T, data []byte) { storetest.FuzzInput(t, newStore(t), data) })
//	}
//
// # Failing fast
//
// The kit's Ledgers try an operation at most a few times (a sound store
// never makes one Ledger conflict with itself), and racing goroutines stop
// at the first unexpected error, so a broken store fails its subtest in
// seconds, not after minutes of backing off. rapid shrinks a failing run of
// the state machine for 5 s (Options.ShrinkTime) and writes no failure
// files into the package under test unless Options.FailFiles says so
// (rapid v1.3 has no setting for their directory); a failure prints the
// -rapid.seed that replays it.
//
// # Time and knobs
//
// On the memory store the whole kit takes about 4 seconds, nearly all of it
// the state machine and the fuzz seeds. The state machine's size is
// rapid's: -rapid.checks (default 100 runs) and -rapid.steps (default 30
// steps a run), also read from RAPID_CHECKS and RAPID_STEPS, or
// Options.Checks and Options.Steps when those are not given; -short
// divides the runs by 5. Options.FuzzSeeds bounds the fuzz seeds (all 47
// by default). A networked store may want 20 runs and 20 seeds in CI and
// more in a nightly run.
package storetest
