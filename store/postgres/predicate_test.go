package postgres_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// TestCommitLocksNoNeighbours: a Commit checks the versions of the records
// it writes without a SERIALIZABLE read of them, so it holds no predicate
// lock on the index pages they share with their neighbours. Here a
// transaction reads document a, a Commit writes a new version of a, and
// the transaction then closes a's neighbour b (a new entry in the page of
// the primary key that holds a). Had the Commit read a's page, it would
// have a conflict in from the transaction and one out to it, and the
// transaction would fail with a serialization failure; without that read
// the two are in a plain order (the transaction before the Commit) and
// both commit.
func TestCommitLocksNoNeighbours(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, nil)
	s, schema := migrated(t, pool)
	a := document("a", "acct", invoice.Invoice, "USD 10.00", t0)
	b := document("b", "acct", invoice.Invoice, "USD 10.00", t0)
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{a, b}}); err != nil {
		t.Fatal(err)
	}
	docs := pgx.Identifier{schema, "documents"}.Sanitize()

	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var v int64
	if err := tx.QueryRow(ctx, "SELECT version FROM "+docs+" WHERE ns = 'ns' AND id = 'a'").Scan(&v); err != nil {
		t.Fatal(err)
	}

	a.Open, a.Version = m("USD 4.00"), 2
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{a}}); err != nil {
		t.Fatalf("Commit of a: %v", err)
	}

	if _, err := tx.Exec(ctx, "UPDATE "+docs+" SET status = 'paid', open_amount = 0 WHERE ns = 'ns' AND id = 'b'"); err != nil {
		t.Fatalf("closing b after the Commit of a: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("committing the transaction that closed b: %v", err)
	}
}

// TestCommitChecksEntriesWithoutLocks: a Commit that appends to a history
// checks that the entry before its first is there without reading the
// entries, so it leaves no SERIALIZABLE predicate lock on them for the
// appends of neighbouring accounts to hit (looked up by SELECT, they had
// Consolidates of accounts with a history retried 0.8–1.0 times each). A
// transaction that overlaps the Commits keeps their predicate locks, were
// there any, in pg_locks after they commit. A gap in a history and an
// entry already there are still refused. Each is tried with an Apply's few
// entries (a shaped statement) and with more (the array statement).
func TestCommitChecksEntriesWithoutLocks(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, nil)
	s, schema := migrated(t, pool)
	commit := func(es ...credit.Entry) error {
		return s.Commit(ctx, &credit.Batch{Namespace: "ns", Entries: es})
	}
	if err := commit(entry("x", 1, t0), entry("y", 1, t0), entry("z", 1, t0)); err != nil {
		t.Fatal(err)
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}

	for _, es := range [][]credit.Entry{
		{entry("x", 2, t0)},
		{entry("x", 3, t0), entry("y", 2, t0), entry("z", 2, t0)},
	} {
		if err := commit(es...); err != nil {
			t.Fatalf("Commit of %d entries: %v", len(es), err)
		}
		var locks []string
		rows, err := pool.Query(ctx, `SELECT l.locktype || ' on ' || c.relname FROM pg_locks l
			JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE l.mode = 'SIReadLock' AND n.nspname = $1 AND c.relname LIKE 'entries%'`, schema)
		if err == nil {
			locks, err = pgx.CollectRows(rows, pgx.RowTo[string])
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(locks) > 0 {
			t.Errorf("the Commit of %d entries left predicate locks on the entries: %q", len(es), locks)
		}
	}

	for _, c := range []struct {
		what string
		es   []credit.Entry
	}{
		{"after a gap", []credit.Entry{entry("x", 5, t0)}},
		{"after a gap", []credit.Entry{entry("y", 3, t0), entry("z", 3, t0), entry("x", 5, t0)}},
		{"already there", []credit.Entry{entry("x", 3, t0)}},
		{"already there", []credit.Entry{entry("y", 3, t0), entry("z", 3, t0), entry("x", 3, t0)}},
	} {
		if err := commit(c.es...); !errors.Is(err, credit.ErrConflict) {
			t.Errorf("Commit of %d entries, x's %s: %v, want ErrConflict", len(c.es), c.what, err)
		}
	}
	for acct, want := range map[string]int{"x": 3, "y": 2, "z": 2} {
		h, err := s.History(ctx, "ns", acct, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != want {
			t.Errorf("history of %s has %d entries after the refused commits, want %d", acct, len(h), want)
		}
	}
}
