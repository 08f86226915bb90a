package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcredit/arcredit/credit"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one versioned schema change: migrations/NNNN_what.sql.
type migration struct {
	version int64
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("postgres: migration %s is not named NNNN_what.sql", base)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return int(a.version - b.version) })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("postgres: migrations %s and %s share a version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// Migrate brings the database's schema up to date by applying, in order,
// the embedded migrations it has not applied yet. Each runs in its own
// transaction together with the insert of its row in schema_migrations, so
// a migration is applied entirely or not at all. It is safe to run on every
// start, from several processes at once, with no lock: a runner that
// collides with another (its version row already inserted, a catalog entry
// created at the same moment, a serialization failure) waits, retries, and
// finds the migration applied.
func (s *Store) Migrate(ctx context.Context) error {
	migs, err := migrations()
	if err != nil {
		return fmt.Errorf("%w: %w", credit.ErrStoreFailure, err)
	}
	collided := func(err error) bool {
		switch sqlState(err) {
		case codeSerialization, codeDeadlock, codeUniqueViolated, codeDuplicateTable, codeDuplicateSch, codeDuplicateObj:
			return true
		}
		return false
	}
	if s.schema != "" {
		err := s.retry(ctx, collided, func() error {
			_, err := s.pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{s.schema}.Sanitize())
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migrate: creating schema %q: %w", s.schema, err)
		}
	}
	versions := s.table("schema_migrations")
	err = s.retry(ctx, collided, func() error {
		_, err := s.pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+versions+
			" (version bigint PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())")
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: creating %s: %w", versions, err)
	}
	applied := map[int64]bool{}
	err = s.retry(ctx, collided, func() error {
		rows, err := s.pool.Query(ctx, "SELECT version FROM "+versions)
		if err != nil {
			return err
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		for _, v := range vs {
			applied[v] = true
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: reading %s: %w", versions, err)
	}
	for _, m := range migs {
		if applied[m.version] {
			continue
		}
		if err := s.retry(ctx, collided, func() error { return s.apply(ctx, versions, m) }); err != nil {
			return fmt.Errorf("postgres: migrate: %s: %w", m.name, err)
		}
	}
	return nil
}

// apply runs one migration in a transaction that first claims its version:
// a concurrent runner that claimed it already makes the insert wait, then
// insert nothing, and the migration is skipped.
func (s *Store) apply(ctx context.Context, versions string, m migration) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if s.schema != "" {
		if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+pgx.Identifier{s.schema}.Sanitize()); err != nil {
			return err
		}
	}
	tag, err := tx.Exec(ctx, "INSERT INTO "+versions+" (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING", m.version, m.name)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return nil // applied by another runner
	}
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	return nil
}
