// Package postgres is a credit.Store on PostgreSQL through pgx v5, written to
// run unchanged on the engines that speak its protocol and distribute it
// (CockroachDB, YugabyteDB).
//
// # Using it
//
// Point it at an existing database with a pgx pool, apply the schema, and
// hand the store to the Ledger:
//
//	cfg, err := postgres.Config("postgres://app@db.example:5432/billing")
//	if err != nil { … }
//	pool, err := pgxpool.NewWithConfig(ctx, cfg)
//	if err != nil { … }
//	defer pool.Close()
//	store := postgres.New(pool, postgres.Options{Schema: "arcredit"})
//	if err := store.Migrate(ctx); err != nil { … }
//	ledger, err := credit.New(store, auth, credit.Options{})
//
// The pool belongs to the caller, who configures and closes it; Config
// (or Tune on a configuration of one's own) sets what the store
// recommends, see Deadlines. Migrate
// applies the versioned migrations embedded in the binary
// (migrations/NNNN_what.sql) that the database lacks, each in its own
// transaction with its row in schema_migrations; it is safe on every start
// and from several processes at once. Options.Schema keeps the tables in a
// schema of their own (created if missing); without it they go where the
// connection's search_path puts them.
//
// # Transactions and round trips
//
// A Ledger operation costs one round trip per Load (its SELECTs pipelined
// as one batch, read from one snapshot) and one for Commit (BEGIN
// ISOLATION LEVEL SERIALIZABLE, one statement of checks and writes, and
// COMMIT pipelined as one batch; the statement takes the records as arrays,
// one per column, so a batch of any size costs the same three prepared
// statements, and a batch of at most two records of each kind, as an
// Apply writes, goes as the same statement with a row of scalar
// parameters per record, one prepared text per shape). Commit prepares
// its statements on the connection itself, so that a Commit that fails
// (pgx then drops the statements of its batch from its cache) does not
// cost the next one a fresh parse and plan. Every statement is written so
// that the server keeps one generic plan of it per connection instead of
// planning each call: keys are walked with unnest of a scalar subquery
// (sized alike in every plan, and read once: subscripts of a text[] would
// walk it from its start) and looked up one by one. Commit reads nothing before it writes, since a read would
// take SERIALIZABLE predicate locks that neighbouring writes conflict with:
// the writes of accounts and documents check their versions themselves, and
// the insert into the entries checks that each history goes on from its
// last entry by proposing a row of that entry's key, which must not be
// written. It reports a stale record, an existing key, a serialization failure
// or a deadlock as credit.ErrConflict, on which the Ledger reloads and
// retries with backoff; reads retry serialization failures themselves.
// A commit whose outcome is unknown (the connection failed after the batch
// was sent) is resolved through the batch's idempotency key and is never
// written twice; see Store.Commit and ErrCommitUnknown.
//
// # Faults
//
// Every error the store returns wraps exactly one sentinel of package
// credit, so that credit.Code and errors.Is tell a caller what to do:
//
//   - credit.ErrUnavailable: nothing was written and retrying is safe.
//     No connection could be had (refused, no route, connect timeout),
//     the call never obtained one from the pool, the server is shutting
//     down, restarting or starting up (SQLSTATE 57P01, 57P02, 57P03),
//     the connection failed (class 08, EOF, reset) before the batch
//     reached the server or during a read, too many connections (53300),
//     a lock or statement timeout (55P03, 57014).
//   - credit.ErrCommitUnknown (also ErrCommitUnknown here): the
//     connection failed after a Commit's batch was sent and before
//     COMMIT's own result arrived, and the idempotency key could not be
//     looked up (no key, the context ended, the lookup failed too). Send
//     the operation again with the same key. When the key can be looked
//     up, the outcome is known: success, or credit.ErrConflict, on which
//     the Ledger writes the operation afresh.
//   - credit.ErrCanceled: the context ended before anything was sent,
//     or the server cancelled the statement before COMMIT; the error also
//     matches context.Canceled or context.DeadlineExceeded. Nothing was
//     written.
//   - credit.ErrStoreFailure: a permanent fault of the database, which
//     retrying will not cure: permission denied (42501), a read-only
//     transaction (25006), disk full (53100), a missing table (42P01:
//     Migrate was not run), a failed login (28P01), a check the schema
//     refuses, a stored value that does not decode. Nothing was written.
//   - credit.ErrConflict: a stale version, an existing key, a
//     serialization failure or a deadlock (40001, 40P01). Nothing was
//     written; the Ledger retries.
//
// A COMMIT whose completion arrived is a success, even when the server
// then ends the connection (a backend terminated during COMMIT sends
// COMMIT's completion and then FATAL 57P01). A server error of severity
// ERROR on any statement of the batch, COMMIT's included, means the
// transaction was rolled back; FATAL or PANIC on a statement before
// COMMIT means the server ended before running COMMIT; only FATAL, PANIC
// or a lost connection where COMMIT's result was due is ambiguous.
//
// # Deadlines
//
// By default pgx closes a connection whenever the context of a call ends
// while its query runs: under a storm of short deadlines the pool spends
// its time reconnecting and preparing statements again, and a Commit cut
// off mid-flight has an unknown outcome. Tune makes pgx let the query run
// on for CancelDelay, then ask the server to cancel it, and close the
// connection only if the server does not answer within CloseDelay. With
// a pool of 2 and 32 goroutines whose calls carry deadlines of 5–50 ms
// (TestDeadlineStorm with ARCREDIT_STORM=30s, on a 2-core machine), pgx's
// defaults opened 186 connections and acknowledged none of 33,197 calls;
// with Tune the pool opened 1 and acknowledged 12,836 of 37,525, 428 a
// second (without deadlines the same pool does about 480). The store sends no Commit on a context that has ended,
// and a call that never obtained a connection is credit.ErrCanceled.
//
// # What is stored
//
// Every key leads with the namespace. Money is a NUMERIC amount with its
// currency code; one CHECK constraint per table refuses negative balances
// and open balances above their amounts (NaN is refused earlier, by the
// money package, which no amount the store writes bypasses), and the
// figures come back
// equal to what was written, scale included. Times are timestamptz kept to
// the microsecond: the store truncates what it writes (the Ledger's clock is
// truncated already) and returns times in UTC. History entries are only
// ever inserted. Text must be valid UTF-8 without NUL bytes, as PostgreSQL
// requires.
//
// # Portability
//
// The store uses no advisory locks, no notification channels, and no
// sequences or auto-increment columns; ids are made by the application.
// Partial indexes, data-modifying WITH clauses (each modifying a different
// table), a MATERIALIZED one, INSERT … ON CONFLICT DO UPDATE … WHERE,
// unnest of several arrays and LATERAL subqueries in FROM are the most
// recent features it needs (CockroachDB 22.2 or later). Migration 0004
// indexes expressions with COLLATE "C", so that listings in byte order
// range over an index; CockroachDB's support for that collation in index
// expressions is unverified here (no such server was at hand), and its
// indexes are built inside the migration's transaction, not CONCURRENTLY,
// so writes to documents wait while a large table is indexed. Migration
// 0007 (documents held in a foreign currency) only adds columns with
// constant defaults, which rewrite no row on PostgreSQL 11 or later, and
// CHECK constraints, which read the documents and applications once.
// Migration 0010 sets a fillfactor on accounts and documents, which only
// PostgreSQL's heap pages have; migration 0011 drops CHECK constraints by
// the names PostgreSQL gave them, which other engines name otherwise. A
// test of the package scans its SQL and Go source for the forbidden
// features.
//
// # Tests
//
// The package's tests need a database: they read its URL from the
// environment variable ARCREDIT_POSTGRES_URL (scripts/with-postgres.sh
// starts a throwaway server and sets it), give every test a schema of its
// own, and skip without it, except under CI=true where they fail. The
// helpers are in package postgrestest.
package postgres
