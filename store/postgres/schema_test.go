package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// TestSchemaRefusesBadFigures: the database itself refuses every bad
// figure its CHECK constraints are there for (migration 0011), whoever
// writes it: each statement below changes one valid row by one bad figure
// and must fail with SQLSTATE 23514, while the valid rows, NULL figures
// included, are taken.
func TestSchemaRefusesBadFigures(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, nil)
	s, schema := migrated(t, pool)
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
		Documents: []invoice.Document{document("d", "a", invoice.Invoice, "USD 10.00", t0)},
		Entries:   []credit.Entry{entry("a", 1, t0)}}); err != nil {
		t.Fatal(err)
	}
	table := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	// Valid: functional figures, and a document without them (NULL).
	for _, ok := range []string{
		"UPDATE " + table("documents") + " SET functional = 10, functional_open = 5",
		"UPDATE " + table("documents") + " SET functional = NULL, functional_open = NULL",
		"UPDATE " + table("documents") + " SET functional = 10, functional_open = 5, open_amount = 0",
		"UPDATE " + table("accounts") + " SET limit_amount = NULL, credit = 0, seq = 0, version = 1",
	} {
		if _, err := pool.Exec(ctx, ok); err != nil {
			t.Fatalf("%s: %v", ok, err)
		}
	}
	for what, set := range map[string]string{
		"negative limit":                          "accounts SET limit_amount = -1",
		"negative credit balance":                 "accounts SET credit = -0.01",
		"negative debit balance":                  "accounts SET debit = -1",
		"negative account seq":                    "accounts SET seq = -1",
		"account version 0":                       "accounts SET version = 0",
		"negative amount":                         "documents SET amount = -1, open_amount = 0",
		"negative open balance":                   "documents SET open_amount = -0.01",
		"open balance above the amount":           "documents SET open_amount = 10.01",
		"negative functional amount":              "documents SET functional = -1, functional_open = NULL",
		"negative functional open balance":        "documents SET functional_open = -1",
		"functional open above functional amount": "documents SET functional_open = 10.01",
		"document version 0":                      "documents SET version = 0",
		"entry seq 0":                             "entries SET seq = 0",
	} {
		sql := "UPDATE " + pgx.Identifier{schema}.Sanitize() + "." + set
		var pgErr *pgconn.PgError
		if _, err := pool.Exec(ctx, sql); !errors.As(err, &pgErr) || pgErr.Code != "23514" {
			t.Errorf("%s (%s): %v, want a CHECK violation (23514)", what, sql, err)
		}
	}
}

// TestSchemaChecksOnePerTable counts the CHECK constraints of the written
// tables: one per table that has figures to check (migration 0011), since
// the server prepares each afresh for every statement that writes the
// table.
func TestSchemaChecksOnePerTable(t *testing.T) {
	ctx := testCtx(t)
	pool := postgrestest.Pool(t, nil)
	schema := postgrestest.Schema(t, pool)
	if err := postgres.New(pool, postgres.Options{Schema: schema}).Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"accounts": 1, "documents": 1, "applications": 0, "entries": 1, "idempotency": 0}
	for table, n := range want {
		var got int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass",
			pgx.Identifier{schema, table}.Sanitize()).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%s has %d CHECK constraints, want %d", table, got, n)
		}
	}
}

// TestMoneyRefusesNaN: migration 0011 left NaN to the money package, the
// only source of the amounts the store writes (records.go, amount): no way
// into a Money takes NaN or an infinity, and arithmetic cannot make one.
func TestMoneyRefusesNaN(t *testing.T) {
	for _, s := range []string{"NaN", "nan", "-NaN", "sNaN", "Infinity", "-Inf", "inf", "1e3", "0x10"} {
		if v, err := money.New(usd, s); err == nil {
			t.Errorf("money.New(USD, %q) = %v", s, v)
		}
		if v, err := money.Parse("USD " + s); err == nil {
			t.Errorf("money.Parse(USD %q) = %v", s, v)
		}
		var v money.Money
		if err := v.UnmarshalText([]byte("USD " + s)); err == nil {
			t.Errorf("UnmarshalText(USD %q) = %v", s, v)
		}
	}
	// Arithmetic past the largest amount is an error, not an infinity.
	big, err := money.New(usd, strings.Repeat("9", money.MaxDigits-2)+".00")
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := big.Add(big); err == nil {
		t.Errorf("%v + %v = %v", big, big, sum)
	}
}
