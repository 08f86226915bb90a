package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// TestMigrateConcurrently runs Migrate from four goroutines at once on an
// empty schema, then again on the up-to-date one: no error, and one row per
// version.
func TestMigrateConcurrently(t *testing.T) {
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 8 })
	schema := postgrestest.Schema(t, pool)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = postgres.New(pool, postgres.Options{Schema: schema}).Migrate(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("runner %d: %v", i, err)
		}
	}
	s := postgres.New(pool, postgres.Options{Schema: schema})
	if err := s.Migrate(ctx); err != nil {
		t.Errorf("Migrate on an up-to-date schema: %v", err)
	}
	rows, err := pool.Query(ctx, "SELECT version, count(*) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" GROUP BY version ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]int64, error) {
		var v [2]int64
		return v, r.Scan(&v[0], &v[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) == 0 || counts[0][0] != 1 {
		t.Fatalf("versions recorded: %v, want 1 first", counts)
	}
	for _, c := range counts {
		if c[1] != 1 {
			t.Errorf("version %d recorded %d times", c[0], c[1])
		}
	}
	// The schema works.
	if _, err := s.Load(ctx, testQuery()); err != nil {
		t.Errorf("Load after Migrate: %v", err)
	}
}

// TestUpgradeKeepsHistoriesVerifiable: a database that held data at each
// earlier version (1: no hash chain; 2: the chain's columns added empty,
// then more written on top of the old entries, and an account written
// only at 2) verifies after Migrate, keeps every entry, leaves hashes that
// were right alone, and takes new writes that verify too.
func TestUpgradeKeepsHistoriesVerifiable(t *testing.T) {
	for _, from := range []int64{1, 2} {
		t.Run(fmt.Sprintf("from version %d", from), func(t *testing.T) {
			ctx := testCtx(t)
			pool := postgrestest.Pool(t, nil)
			// The records a Ledger writes, made on an up-to-date schema
			// and copied without the columns later versions added.
			scratch := postgrestest.Schema(t, pool)
			if err := postgres.New(pool, postgres.Options{Schema: scratch}).Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			l := newLedger(t, postgres.New(pool, postgres.Options{Schema: scratch}))
			pay, invs := setup(t, ctx, l, 3)
			r, err := l.Apply(ctx, admin, "apply", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: invs[0]}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Unapply(ctx, admin, "unapply", credit.UnapplyRequest{Operation: r.Operation}); err != nil {
				t.Fatal(err)
			}
			if _, err := l.OpenAccount(ctx, admin, "open-2", credit.OpenAccountRequest{ID: "acct-2", Currency: usd}); err != nil {
				t.Fatal(err)
			}

			old := postgrestest.Schema(t, pool)
			s := postgres.New(pool, postgres.Options{Schema: old})
			if err := s.MigrateTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			for _, table := range []string{"accounts", "documents", "applications", "entries", "idempotency"} {
				copyAtVersion(t, ctx, pool, scratch, old, table)
			}
			fresh := map[int64]string{}
			if from >= 2 {
				if err := s.MigrateTo(ctx, 2); err != nil {
					t.Fatal(err)
				}
				// This code writes the columns of migration 7 (foreign
				// documents), which touches nothing of 1 to 6: add them now.
				if err := s.ApplyMigration(ctx, 7); err != nil {
					t.Fatal(err)
				}
				// Written by the code of version 2: on top of the old
				// entries, and on an account of its own.
				l2 := otherLedger(t, s)
				if _, err := l2.IssueDebit(ctx, admin, "inv-late", credit.DebitRequest{Account: "acct", Amount: m("USD 5.00")}); err != nil {
					t.Fatal(err)
				}
				if _, err := l2.Apply(ctx, admin, "apply-late", credit.ApplyRequest{Account: "acct", Partial: true}); err != nil {
					t.Fatal(err)
				}
				if _, err := l2.OpenAccount(ctx, admin, "open-3", credit.OpenAccountRequest{ID: "acct-3", Currency: usd}); err != nil {
					t.Fatal(err)
				}
				if _, err := l2.IssueCredit(ctx, admin, "pay-3", credit.CreditRequest{Account: "acct-3", Amount: m("USD 9.00")}); err != nil {
					t.Fatal(err)
				}
				for _, e := range history(t, ctx, l2, "acct-3") {
					fresh[e.Seq] = e.Hash
				}
			}
			lv := otherLedger(t, s)
			if from >= 2 {
				// (At version 1 the store cannot even read the accounts.)
				if err := lv.VerifyNamespace(ctx, admin); !errors.Is(err, credit.ErrBrokenHistory) {
					t.Fatalf("before the upgrade: %v, want a broken history: the test proves nothing", err)
				}
			}
			entries := func() (n int) {
				if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{old, "entries"}.Sanitize()).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := entries()

			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := lv.VerifyNamespace(ctx, admin); err != nil {
				t.Fatalf("after Migrate: %v", err)
			}
			if after := entries(); after != before || before < 8 {
				t.Errorf("%d entries before Migrate, %d after", before, after)
			}
			for seq, hash := range fresh {
				if got := history(t, ctx, lv, "acct-3")[seq-1]; got.Seq != seq || got.Hash != hash {
					t.Errorf("entry %d of an account written at version 2 changed its hash", seq)
				}
			}
			if _, err := lv.Apply(ctx, admin, "apply-new", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: invs[1]}}}); err != nil {
				t.Fatal(err)
			}
			if err := lv.VerifyNamespace(ctx, admin); err != nil {
				t.Errorf("after a write on the upgraded schema: %v", err)
			}
		})
	}
}

// copyAtVersion copies the rows of table from schema src to schema dst,
// in the columns dst's table has.
func copyAtVersion(t *testing.T, ctx context.Context, pool *pgxpool.Pool, src, dst, table string) {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, dst, table)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(cols) == 0 {
		t.Fatalf("columns of %s.%s: %v %v", dst, table, cols, err)
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pgx.Identifier{c}.Sanitize()
	}
	cl := strings.Join(quoted, ", ")
	if _, err := pool.Exec(ctx, "INSERT INTO "+pgx.Identifier{dst, table}.Sanitize()+" ("+cl+") SELECT "+cl+
		" FROM "+pgx.Identifier{src, table}.Sanitize()); err != nil {
		t.Fatalf("copying %s: %v", table, err)
	}
}

// history returns an account's whole history.
func history(t *testing.T, ctx context.Context, l *credit.Ledger, account string) []credit.Entry {
	t.Helper()
	h, err := l.History(ctx, admin, credit.HistoryRequest{Account: account, Limit: credit.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
