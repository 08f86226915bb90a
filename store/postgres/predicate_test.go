package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store/postgres"
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
	schema := postgrestest.Schema(t, pool)
	s := postgres.New(pool, postgres.Options{Schema: schema})
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
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
