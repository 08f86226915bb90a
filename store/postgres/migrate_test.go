package postgres_test

import (
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

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
