// Package postgrestest gives tests a PostgreSQL store of their own: a pool
// on the database named by ARCREDIT_POSTGRES_URL and a fresh schema that is
// dropped when the test ends.
//
// Without the variable a test is skipped, with a message saying how to run
// it; under CI=true it fails instead, so that CI never passes by skipping.
// A test that crashes, stops or reconfigures its server starts one of its
// own with StartServer instead (fsync on; the same rules when the server
// binaries are missing).
//
//	func TestSomething(t *testing.T) {
//		s := postgrestest.New(t)
//		…
//	}
package postgrestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/store/postgres"
)

// EnvURL names the environment variable holding the test database's URL.
const EnvURL = "ARCREDIT_POSTGRES_URL"

// URL returns the test database's URL. Without one it skips t, or fails it
// when the environment variable CI is "true".
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		msg := EnvURL + " is not set; run the PostgreSQL tests with scripts/with-postgres.sh go test ./store/postgres/..."
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return url
}

// Pool returns a pool on the test database, closed when t ends. configure,
// when not nil, may change the pool's configuration first (tracers,
// connection limits, a dialer).
func Pool(t testing.TB, configure func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(URL(t))
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	if configure != nil {
		configure(cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Schema returns the name of a schema no other test uses, and drops it (with
// everything in it) when t ends. It does not create it: Migrate does.
func Schema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping test schema %s: %v", name, err)
		}
	})
	return name
}

// New returns a migrated store in a fresh schema of the test database, on a
// pool of its own.
func New(t testing.TB) *postgres.Store {
	t.Helper()
	return NewWith(t, Pool(t, nil), postgres.Options{})
}

// NewWith returns a migrated store on pool in a fresh schema; opts.Schema is
// replaced by that schema's name.
func NewWith(t testing.TB, pool *pgxpool.Pool, opts postgres.Options) *postgres.Store {
	t.Helper()
	opts.Schema = Schema(t, pool)
	s := postgres.New(pool, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrating test schema %s: %v", opts.Schema, err)
	}
	return s
}
