package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
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
			grant, err := l.IssueCredit(ctx, admin, "grant", credit.CreditRequest{Account: "acct", ID: "grant",
				Kind: invoice.CreditGrant, Reason: "goodwill", Amount: m("USD 1.00")})
			if err != nil {
				t.Fatal(err)
			}
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

			fresh := map[int64]string{}
			if from >= 2 {
				// What the code of version 2 wrote: more on top of the old
				// entries, and an account of its own whose entries name no
				// documents (the lists came at version 5).
				if _, err := l.IssueDebit(ctx, admin, "inv-late", credit.DebitRequest{Account: "acct", Amount: m("USD 5.00")}); err != nil {
					t.Fatal(err)
				}
				if _, err := l.Apply(ctx, admin, "apply-late", credit.ApplyRequest{Account: "acct", Partial: true}); err != nil {
					t.Fatal(err)
				}
				if _, err := l.OpenAccount(ctx, admin, "open-3", credit.OpenAccountRequest{ID: "acct-3", Currency: usd}); err != nil {
					t.Fatal(err)
				}
				limit := m("USD 900.00")
				if _, err := l.UpdateAccount(ctx, admin, "limit-3", credit.UpdateAccountRequest{Account: "acct-3", Limit: &limit}); err != nil {
					t.Fatal(err)
				}
				for _, e := range history(t, ctx, l, "acct-3") {
					fresh[e.Seq] = e.Hash
				}
			}

			old := postgrestest.Schema(t, pool)
			s := postgres.New(pool, postgres.Options{Schema: old})
			if err := s.MigrateTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			for _, table := range []string{"accounts", "documents", "applications", "entries", "idempotency"} {
				copyAtVersion(t, ctx, pool, scratch, old, table)
			}
			// Before version 5 a credit grant was of kind "credit", and the
			// kinds of entry had their first names.
			if _, err := pool.Exec(ctx, "UPDATE "+pgx.Identifier{old, "documents"}.Sanitize()+
				" SET kind = 'credit' WHERE kind = 'credit_grant'"); err != nil {
				t.Fatal(err)
			}
			for kind, first := range credit.FirstNames() {
				for _, table := range []string{"entries", "idempotency"} {
					if _, err := pool.Exec(ctx, "UPDATE "+pgx.Identifier{old, table}.Sanitize()+" SET op = $1 WHERE op = $2",
						first, string(kind)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if from >= 2 {
				if err := s.MigrateTo(ctx, 2); err != nil {
					t.Fatal(err)
				}
				// Version 2 sealed what it wrote: acct-3's chain, and the
				// late entries on acct (on top of unsealed ones).
				for _, q := range []string{
					`UPDATE {old}.entries o SET prev = n.prev, hash = n.hash FROM {new}.entries n
						WHERE o.ns = n.ns AND o.account = n.account AND o.seq = n.seq
						AND (n.account = 'acct-3' OR n.operation IN (SELECT operation FROM {new}.entries WHERE account = 'acct' ORDER BY seq DESC LIMIT 2))`,
					`UPDATE {old}.accounts o SET head = n.head FROM {new}.accounts n
						WHERE o.ns = n.ns AND o.id = n.id AND n.id IN ('acct', 'acct-3')`,
				} {
					q = strings.NewReplacer("{old}", pgx.Identifier{old}.Sanitize(), "{new}", pgx.Identifier{scratch}.Sanitize()).Replace(q)
					if _, err := pool.Exec(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
			}
			lv := otherLedger(t, s)
			// Before the upgrade some entries are not sealed (at version 1
			// none are; the code of today cannot read the old schema to say
			// so itself), or the test proves nothing.
			if from >= 2 {
				var unsealed int
				if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{old, "entries"}.Sanitize()+
					" WHERE hash = ''").Scan(&unsealed); err != nil || unsealed == 0 {
					t.Fatalf("before the upgrade: %d unsealed entries (%v): the test proves nothing", unsealed, err)
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
			if d, err := lv.Document(ctx, admin, grant.Document.ID); err != nil || d.Kind != invoice.CreditGrant {
				t.Errorf("a credit grant after Migrate: %v %v", d.Kind, err)
			}
			var firstNamed int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{old, "entries"}.Sanitize()+
				" WHERE op <> ALL($1)", allKinds()).Scan(&firstNamed); err != nil || firstNamed != 0 {
				t.Errorf("after Migrate %d entries keep a kind's first name (%v)", firstNamed, err)
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
	// The columns both tables have: those of dst when copying down to an
	// older version, those of src when copying up (the others take their
	// defaults).
	rows, err := pool.Query(ctx, `SELECT d.column_name FROM information_schema.columns d
		JOIN information_schema.columns s ON s.table_schema = $3 AND s.table_name = $2 AND s.column_name = d.column_name
		WHERE d.table_schema = $1 AND d.table_name = $2 ORDER BY d.ordinal_position`, dst, table, src)
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

// allKinds are the names of today's kinds of entry.
func allKinds() []string {
	var out []string
	for k := range credit.FirstNames() {
		out = append(out, string(k))
	}
	return append(out, string(credit.CreditIssued), string(credit.PaymentCancelled), string(credit.CurrencyConverted))
}

// TestTablesLeaveRoomForUpdates: after Migrate, the tables whose rows are
// updated in place (accounts, documents) keep room on their pages for the
// next version of a row (migration 0010), so that the update can stay on
// the page without new index entries.
func TestTablesLeaveRoomForUpdates(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, nil)
	schema := postgrestest.Schema(t, pool)
	if err := postgres.New(pool, postgres.Options{Schema: schema}).Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]string{"accounts": "fillfactor=80", "documents": "fillfactor=90"} {
		var opts []string
		if err := pool.QueryRow(ctx, "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = $1::regclass",
			pgx.Identifier{schema, table}.Sanitize()).Scan(&opts); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(opts, want) {
			t.Errorf("%s: options %v, want %s", table, opts, want)
		}
	}
}
