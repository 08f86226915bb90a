package postgres_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// TestLoadKeepsOneIndexedPlan: every read of Load is planned once per
// connection, not at every call, and its plan looks rows up by index. Each
// statement is run ten times on one connection, and then the server must
// have chosen its generic plan (pg_prepared_statements counts at most the
// five custom plans it always tries first), and that plan must look its
// rows up by key, not scan a table or the namespace. (The plans of tables
// analyzed while empty and filled since may scan until autovacuum analyzes
// them again; the test analyzes them filled, as autovacuum soon does.)
func TestLoadKeepsOneIndexedPlan(t *testing.T) {
	pool := postgrestest.Pool(t, nil)
	schema := postgrestest.Schema(t, pool)
	s := postgres.New(pool, postgres.Options{Schema: schema})
	ctx := testCtx(t)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// 400 accounts × 3 pairs, every pair applied, and a key per account.
	for a := range 400 {
		acct := fmt.Sprintf("a%03d", a)
		b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account(acct, usd, 1)},
			Idempotency: &credit.Idempotency{Key: "key-" + acct, Op: credit.OpApplied, At: t0}}
		for p := range 3 {
			c, d := fmt.Sprintf("%s-c%d", acct, p), fmt.Sprintf("%s-d%d", acct, p)
			b.Documents = append(b.Documents, document(c, acct, invoice.Payment, "USD 10.00", t0),
				document(d, acct, invoice.Invoice, "USD 10.00", t0))
			b.Applications = append(b.Applications, credit.Application{ID: c + d, Credit: c, Debit: d,
				CreditAccount: acct, DebitAccount: acct, Amount: m("USD 10.00"), Operation: "op-" + acct, By: "t", At: t0})
		}
		if err := s.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "ANALYZE "+pgx.Identifier{schema, "accounts"}.Sanitize()+", "+
		pgx.Identifier{schema, "documents"}.Sanitize()+", "+pgx.Identifier{schema, "applications"}.Sanitize()+", "+
		pgx.Identifier{schema, "idempotency"}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	for sql, args := range s.LoadStatements("ns") {
		name := fmt.Sprintf("plan_test_%d", len(sql))
		if _, err := conn.Conn().Prepare(ctx, name, sql); err != nil {
			t.Fatalf("prepare: %v\n%s", err, sql)
		}
		for range 10 {
			rows, err := conn.Query(ctx, name, args...)
			if err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}
		var generic, custom int64
		if err := conn.QueryRow(ctx, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1",
			name).Scan(&generic, &custom); err != nil {
			t.Fatal(err)
		}
		if custom > 5 || generic < 5 {
			t.Errorf("planned %d times for 10 calls (%d generic plans): the server plans every call of\n%s", custom, generic, sql)
		}
		var plan []string
		if err := func() error {
			tx, err := conn.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_generic_plan"); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, "EXPLAIN EXECUTE "+name+"('ns', "+literal(args[1])+")")
			if err != nil {
				return err
			}
			plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		}(); err != nil {
			t.Fatal(err)
		}
		// A lookup has a condition on its key, not on the namespace alone.
		for _, line := range plan {
			if strings.Contains(line, "Seq Scan") || strings.Contains(line, "Index Cond:") && !strings.Contains(line, " AND ") {
				t.Errorf("the generic plan scans the namespace:\n%s\nof\n%s", strings.Join(plan, "\n"), sql)
				break
			}
		}
		if _, err := conn.Exec(ctx, "DEALLOCATE "+name); err != nil {
			t.Fatal(err)
		}
	}
}

// literal is a key or an array of keys as an SQL literal (the keys of the
// test hold no quote).
func literal(v any) string {
	if keys, ok := v.([]string); ok {
		return "'{" + strings.Join(keys, ",") + "}'"
	}
	return "'" + v.(string) + "'"
}

// TestCommitKeepsOnePlan: the statement of a Commit is planned at most the
// five times the server always tries before it settles on a generic plan,
// however many Commits of one shape follow.
func TestCommitKeepsOnePlan(t *testing.T) {
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 1 })
	s := postgrestest.NewWith(t, pool, postgres.Options{})
	ctx := testCtx(t)
	for a := range 20 {
		acct := fmt.Sprintf("a%03d", a)
		c, d := acct+"-c", acct+"-d"
		b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account(acct, usd, 1)},
			Documents: []invoice.Document{document(c, acct, invoice.Payment, "USD 10.00", t0),
				document(d, acct, invoice.Invoice, "USD 10.00", t0)},
			Applications: []credit.Application{{ID: c + d, Credit: c, Debit: d, CreditAccount: acct,
				DebitAccount: acct, Amount: m("USD 10.00"), Operation: "op-" + acct, By: "t", At: t0}},
			Entries:     []credit.Entry{entry(acct, 1, t0)},
			Idempotency: &credit.Idempotency{Key: "key-" + acct, Op: credit.OpApplied, At: t0}}
		if err := s.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	var generic, custom int64
	if err := pool.QueryRow(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements
		WHERE statement LIKE '%INSERT INTO%'`).Scan(&generic, &custom); err != nil {
		t.Fatal(err)
	}
	if custom > 5 {
		t.Errorf("the write of a Commit was planned %d times for 20 Commits (%d generic plans)", custom, generic)
	}
}
