package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// Opening the store on a pool the caller owns, applying the schema, and
// running a Ledger on it. The database is named by the environment variable
// DATABASE_URL here; a service takes it from its configuration.
//
// This example needs a database, so it has no checked output: go test
// compiles it but does not run it. TestExampleNew runs it against the
// throwaway server of scripts/with-postgres.sh and checks what it prints.
// Every operation has a fixed idempotency key, so running it again on the
// same database replays the first results and prints the same lines.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	s := postgres.New(pool, postgres.Options{Schema: "arcredit_example"})
	if err := s.Migrate(ctx); err != nil { // on every start: applies what is missing
		panic(err)
	}
	l, err := credit.New(s, credit.DefaultRoles(), credit.Options{})
	if err != nil {
		panic(err)
	}

	finance := credit.Principal{ID: "ana", Namespace: "shop", Roles: []string{credit.RoleFinance}}
	if _, err := l.OpenAccount(ctx, finance, "open-acme", credit.OpenAccountRequest{
		ID: "acme", Currency: money.MustCurrency("EUR"), Limit: money.MustParse("EUR 1000.00"),
	}); err != nil {
		panic(err)
	}
	r, err := l.Purchase(ctx, finance, "order-1", credit.PurchaseRequest{
		Account: "acme", ID: "ORDER-1", Amount: money.MustParse("EUR 250.00"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("available after the purchase:", r.Balances.Available)

	if _, err := l.Reimburse(ctx, finance, "cheque-1", credit.ReimburseRequest{
		Account: "acme", Amount: money.MustParse("EUR 250.00"), Reference: "CHK-1",
	}); err != nil {
		panic(err)
	}
	b, err := l.Balances(ctx, finance, "acme")
	if err != nil {
		panic(err)
	}
	fmt.Println("available after the cheque:", b.Available)
	// Prints:
	// available after the purchase: EUR 750.00
	// available after the cheque: EUR 1,000.00
}

// TestExampleNew runs ExampleNew on the test database and checks the lines
// its comment promises, twice: the second run replays every operation.
func TestExampleNew(t *testing.T) {
	t.Setenv("DATABASE_URL", postgrestest.URL(t))
	want := "available after the purchase: EUR 750.00\navailable after the cheque: EUR 1,000.00\n"
	for run := 1; run <= 2; run++ {
		if got := captureStdout(t, ExampleNew); got != want {
			t.Fatalf("run %d printed\n%s\nwant\n%s", run, got, want)
		}
	}
}

// captureStdout returns what f writes to os.Stdout. The test calling it must
// not be parallel, as os.Stdout is the process's.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	out := make(chan []byte)
	go func() {
		var buf bytes.Buffer
		_, _ = io.Copy(&buf, r)
		out <- buf.Bytes()
	}()
	defer func() {
		os.Stdout = saved
		w.Close()
		r.Close()
	}()
	f()
	os.Stdout = saved
	w.Close()
	return string(<-out)
}
