package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
			Idempotency: &credit.Idempotency{Key: "key-" + acct, Kind: credit.CreditApplied, At: t0}}
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
			Idempotency: &credit.Idempotency{Key: "key-" + acct, Kind: credit.CreditApplied, At: t0}}
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

// recorder is a pgx tracer that keeps every statement sent, with its
// arguments: lone queries and the queries of batches.
type recorder struct {
	mu    sync.Mutex
	stmts []recorded
}

type recorded struct {
	sql  string
	args []any
}

func (r *recorder) add(sql string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, recorded{sql, args})
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL, d.Args)
	return ctx
}
func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (r *recorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.add(d.SQL, d.Args)
}
func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// take returns the statements recorded since the last call.
func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.stmts
	r.stmts = nil
	return out
}

// TestReadsStayCheapBesideALargeAccount: with one account holding most of
// the documents (20,000 open invoices, and a payment applied 2,000 times)
// beside 300 small ones, every bounded read the store sends (Load of a
// small account's records, pages of Documents and AccountIDs, History,
// EntryAt) is planned, generic and custom alike, without a sequential
// scan and at a cost below jit_above_cost: a plan above it would spend
// milliseconds compiling at every call (a read of open documents planned
// for 1,000 keys of 70 rows each did), and a sequential scan would read
// the large account's rows to find a few.
func TestReadsStayCheapBesideALargeAccount(t *testing.T) {
	rec := &recorder{}
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = rec })
	schema := postgrestest.Schema(t, pool)
	s := postgres.New(pool, postgres.Options{Schema: schema})
	ctx := testCtx(t)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	commit := func(b *credit.Batch) {
		b.Namespace = "ns"
		if err := s.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	b := &credit.Batch{Accounts: []credit.Account{account("big", usd, 1)},
		Documents: []invoice.Document{document("big-pay", "big", invoice.Payment, "USD 100000.00", t0)}}
	for e := range 2000 {
		b.Entries = append(b.Entries, entry("big", int64(e+1), t0.Add(time.Duration(e)*time.Second)))
	}
	commit(b)
	for i := 0; i < 20000; i += 1000 {
		b := &credit.Batch{}
		for j := i; j < i+1000; j++ {
			inv := fmt.Sprintf("big-inv-%05d", j)
			b.Documents = append(b.Documents, document(inv, "big", invoice.Invoice, "USD 10.00", t0.Add(time.Duration(j/2)*time.Minute)))
			if j < 2000 {
				b.Applications = append(b.Applications, credit.Application{ID: "big-app-" + inv, Credit: "big-pay",
					Debit: inv, CreditAccount: "big", DebitAccount: "big", Amount: m("USD 1.00"), Operation: "op-big", By: "t", At: t0})
			}
		}
		commit(b)
	}
	b = &credit.Batch{}
	for a := range 300 {
		acct := fmt.Sprintf("a%03d", a)
		c, d := acct+"-c", acct+"-d"
		b.Accounts = append(b.Accounts, account(acct, usd, 1))
		b.Documents = append(b.Documents, document(c, acct, invoice.Payment, "USD 10.00", t0),
			document(d, acct, invoice.Invoice, "USD 10.00", t0))
		if a%10 == 0 {
			edit := document(acct+"-e", acct, invoice.Payment, "USD 1.00", t0)
			edit.Original = c
			b.Documents = append(b.Documents, edit)
		}
		b.Applications = append(b.Applications, credit.Application{ID: "app-" + acct, Credit: c, Debit: d,
			CreditAccount: acct, DebitAccount: acct, Amount: m("USD 1.00"), Operation: "op-" + acct, By: "t", At: t0})
		b.Entries = append(b.Entries, entry(acct, 1, t0))
	}
	commit(b)
	for a := range 300 {
		commit(&credit.Batch{Idempotency: &credit.Idempotency{Key: fmt.Sprintf("key-a%03d", a), Kind: credit.CreditApplied, At: t0}})
	}
	var tables []string
	for _, table := range []string{"accounts", "documents", "applications", "entries", "idempotency"} {
		tables = append(tables, pgx.Identifier{schema, table}.Sanitize())
	}
	if _, err := pool.Exec(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		t.Fatal(err)
	}

	rec.take()
	load := func(q credit.Query) {
		q.Namespace = "ns"
		if _, err := s.Load(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	load(credit.Query{Accounts: []string{"a001"}})
	load(credit.Query{Documents: []string{"a001-d"}, DocumentAccounts: true})
	load(credit.Query{OpenOf: []string{"a001"}})
	load(credit.Query{ApplicationsOf: []string{"a001-c"}})
	load(credit.Query{Applications: []string{"app-a001"}})
	load(credit.Query{Operation: "op-a001"})
	load(credit.Query{Idempotency: "key-a001"})
	for _, f := range []credit.DocumentFilter{
		{Account: "big", Limit: 50},
		{Account: "big", After: "big-inv-10000", Limit: 50},
		{Account: "big", OpenOnly: true, After: "big-inv-10000", Limit: 50},
		{Account: "big", OpenOnly: true, Kinds: []invoice.Kind{invoice.Invoice}, After: "big-inv-10000", Limit: 50},
		{Account: "big", OpenOnly: true, Kinds: []invoice.Kind{invoice.CreditMemo, invoice.Payment, invoice.Prepayment, invoice.CreditGrant}},
		{Account: "big", Original: "big-pay"},
		{Account: "a001"},
	} {
		if _, err := s.Documents(ctx, "ns", f); err != nil {
			t.Fatal(err)
		}
	}
	for _, after := range []string{"", "a150"} {
		if _, err := s.AccountIDs(ctx, "ns", after, 50); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.History(ctx, "ns", "big", 1000, 50); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.EntryAt(ctx, "ns", "big", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var stmts []recorded
	for _, st := range rec.take() {
		if sql := strings.TrimSpace(st.sql); strings.HasPrefix(sql, "SELECT") || strings.HasPrefix(sql, "WITH") {
			stmts = append(stmts, st)
		}
	}
	if len(stmts) < 18 {
		t.Fatalf("recorded %d statements, want at least 18", len(stmts))
	}

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var jitAbove string
	if err := conn.QueryRow(ctx, "SELECT current_setting('jit_above_cost')").Scan(&jitAbove); err != nil {
		t.Fatal(err)
	}
	limit, err := strconv.ParseFloat(jitAbove, 64)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SET search_path TO "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	for i, st := range stmts {
		name := fmt.Sprintf("cheap_%d", i)
		if _, err := conn.Exec(ctx, "PREPARE "+name+" AS "+st.sql); err != nil {
			t.Fatalf("prepare: %v\n%s", err, st.sql)
		}
		lits := make([]string, len(st.args))
		for j, a := range st.args {
			lits[j] = sqlLiteral(t, a)
		}
		for _, mode := range []string{"force_generic_plan", "force_custom_plan"} {
			plan := explain(t, conn, mode, "EXPLAIN EXECUTE "+name+"("+strings.Join(lits, ", ")+")")
			cost := topCost(t, plan[0])
			if cost >= limit {
				t.Errorf("the %s of a read costs %.0f, above jit_above_cost (%s):\n%s\nof\n%s", mode, cost, jitAbove,
					strings.Join(plan, "\n"), st.sql)
			}
			for _, line := range plan {
				// A table of a few pages (the idempotency records
				// here) is read whole more cheaply than through an
				// index: only a scan of a large one is wrong.
				if m := seqScanRe.FindStringSubmatch(line); m != nil && rowsOf(t, conn, schema, m[1]) > 1000 ||
					strings.HasPrefix(strings.TrimSpace(line), "JIT:") {
					t.Errorf("the %s of a read scans a table or compiles:\n%s\nof\n%s", mode, strings.Join(plan, "\n"), st.sql)
					break
				}
			}
		}
		if _, err := conn.Exec(ctx, "DEALLOCATE "+name); err != nil {
			t.Fatal(err)
		}
	}
}

// explain returns the lines of an EXPLAIN run with plan_cache_mode set to
// mode.
func explain(t *testing.T, conn *pgxpool.Conn, mode, sql string) []string {
	t.Helper()
	ctx := testCtx(t)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = "+mode); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

var seqScanRe = regexp.MustCompile(`Seq Scan on (\w+)`)

// rowsOf returns the row count the server estimates for a table of schema.
func rowsOf(t *testing.T, conn *pgxpool.Conn, schema, table string) float64 {
	t.Helper()
	var n float64
	if err := conn.QueryRow(testCtx(t), "SELECT reltuples::float8 FROM pg_class WHERE oid = to_regclass($1)",
		pgx.Identifier{schema, table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var costRe = regexp.MustCompile(`cost=[0-9.]+\.\.([0-9.]+)`)

// topCost returns the total cost of the top line of a plan.
func topCost(t *testing.T, line string) float64 {
	t.Helper()
	m := costRe.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no cost in %q", line)
	}
	c, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sqlLiteral writes an argument the store sends as an SQL literal.
func sqlLiteral(t *testing.T, v any) string {
	t.Helper()
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch v := v.(type) {
	case string:
		return quote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = quote(s)
		}
		return "ARRAY[" + strings.Join(q, ", ") + "]::text[]"
	case int, int64:
		return fmt.Sprint(v)
	case time.Time:
		return quote(v.Format(time.RFC3339Nano)) + "::timestamptz"
	}
	t.Fatalf("no literal for %T", v)
	return ""
}

// TestCommitKeepsItsPlanAfterAConflict: a Commit that loses a race fails
// in the server, and pgx drops from its cache every statement of a batch
// that failed; the next Commit on the connection then parsed the write
// statement again and planned it afresh for five calls before the server
// kept a generic plan: with several processes on a hot account, where
// losing is routine, that planning doubled the server's CPU per Apply.
// The store prepares a Commit's statements itself, so that one statement
// serves every Commit of its shape on a connection, failed or not.
func TestCommitKeepsItsPlanAfterAConflict(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 1 })
	s, _ := migrated(t, pool)
	d := document("d", "acct", invoice.Invoice, "USD 10.00", t0)
	writes, conflicts := 0, 0
	for v := int64(1); v <= 30; v++ {
		d.Version = v
		if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{d}}); err != nil {
			t.Fatalf("Commit of version %d: %v", v, err)
		}
		writes++
		if v%6 == 3 {
			// A version already written: the write is stale, as a loser's.
			err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{d}})
			if !errors.Is(err, credit.ErrConflict) {
				t.Fatalf("stale Commit of version %d: %v, want ErrConflict", v, err)
			}
			writes++
			conflicts++
		}
	}
	var n, custom, generic int64
	if err := pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0)
		FROM pg_prepared_statements WHERE statement LIKE 'WITH%INSERT INTO%documents%'`).Scan(&n, &custom, &generic); err != nil {
		t.Fatal(err)
	}
	if n != 1 || custom > 5 || custom+generic < int64(writes) {
		t.Errorf("after %d writes of one shape, %d of them conflicts, the connection holds %d write statements planned %d times "+
			"for their own call and %d times from a kept plan; want one statement, planned at most 5 times, serving every write",
			writes, conflicts, n, custom, generic)
	}
}

// TestCommitPreparesAgainWhatTheServerForgot: a statement the store
// prepared itself and the server then dropped (a DISCARD ALL from outside)
// fails one Commit on the connection, and the next prepares it again, as
// pgx's own cache does for the statements it prepares.
func TestCommitPreparesAgainWhatTheServerForgot(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, func(c *pgxpool.Config) { c.MaxConns = 1 })
	s, _ := migrated(t, pool)
	d := document("d", "acct", invoice.Invoice, "USD 10.00", t0)
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{d}}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "DISCARD ALL"); err != nil {
		t.Fatal(err)
	}
	// Three more versions written, with at most one Commit failing on the way.
	failed := 0
	for v := int64(2); v <= 4; {
		d.Version = v
		err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{d}})
		if err == nil {
			v++
			continue
		}
		if failed++; failed > 1 {
			t.Fatalf("a second Commit failed after the server forgot the statements: %v", err)
		}
		if credit.Code(err) == "" {
			t.Errorf("the failed Commit's error %v wraps no credit sentinel", err)
		}
	}
}
