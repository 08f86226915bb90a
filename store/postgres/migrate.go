package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
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
// finds the migration applied. A migration that adds what a check
// depends on fills it for the rows already there: 0003 seals with the hash
// chain the histories written before 0002 added it, so that
// Ledger.Verify passes after an upgrade. Its errors wrap the credit
// sentinel of their class (see Faults in the package documentation).
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, math.MaxInt64)
}

// migrate applies the migrations up to version upTo (tests start from an
// earlier version).
func (s *Store) migrate(ctx context.Context, upTo int64) error {
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
		if applied[m.version] || m.version > upTo {
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
	if m.version == versionHashBackfill {
		if err := s.backfillHashChain(ctx, tx); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	return nil
}

// versionHashBackfill is the migration after which every history entry
// carries its hash: migrations/0003_backfill_hash_chain.sql, whose work
// backfillHashChain does.
const versionHashBackfill = 3

// backfillHashChain seals, within the migration's transaction tx, the
// histories of every account that has an entry without a hash (written
// before migration 0002, or after it on top of such entries): it locks the
// account, recomputes prev and hash of all its entries in seq order with
// credit.EntryHash, and sets the account's head to the last hash, raising
// its version so that a Commit computed from an earlier read of it is a
// conflict.
func (s *Store) backfillHashChain(ctx context.Context, tx pgx.Tx) error {
	type key struct{ ns, account string }
	rows, err := tx.Query(ctx, "SELECT DISTINCT ns, account FROM "+s.table("entries")+" WHERE hash = '' ORDER BY ns, account")
	if err != nil {
		return err
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (key, error) {
		var k key
		return k, r.Scan(&k.ns, &k.account)
	})
	if err != nil {
		return err
	}
	const page = 1000
	lock := "SELECT seq FROM " + s.table("accounts") + " WHERE ns = $1 AND id = $2 FOR UPDATE"
	update := "UPDATE " + s.table("entries") + " e SET prev = u.prev, hash = u.hash" +
		" FROM unnest($3::int8[], $4::text[], $5::text[]) AS u(seq, prev, hash)" +
		" WHERE e.ns = $1 AND e.account = $2 AND e.seq = u.seq"
	setHead := "UPDATE " + s.table("accounts") + " SET head = $3, version = version + 1 WHERE ns = $1 AND id = $2"
	// The entries as they were at version 3, without the lists 0005 added.
	history := "SELECT " + entryColsBeforeLists + ", '[]', '[]' FROM " + s.table("entries") +
		" WHERE ns = $1 AND account = $2 AND seq > $3 ORDER BY seq LIMIT $4"
	for _, k := range keys {
		var seq int64
		switch err := tx.QueryRow(ctx, lock, k.ns, k.account).Scan(&seq); {
		case errors.Is(err, pgx.ErrNoRows):
			// Entries of an account that is not there: nothing to seal.
		case err != nil:
			return err
		}
		prev := ""
		for after := int64(0); ; {
			rows, err := tx.Query(ctx, history, k.ns, k.account, after, page)
			if err != nil {
				return err
			}
			entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (credit.Entry, error) { return scanEntry(r) })
			if err != nil {
				return fmt.Errorf("account %q: %w", k.account, err)
			}
			seqs := make([]int64, len(entries))
			prevs := make([]string, len(entries))
			hashes := make([]string, len(entries))
			for i, e := range entries {
				e.Prev = prev
				e.Hash = credit.EntryHash(e)
				seqs[i], prevs[i], hashes[i] = e.Seq, e.Prev, e.Hash
				prev = e.Hash
			}
			if _, err := tx.Exec(ctx, update, k.ns, k.account, seqs, prevs, hashes); err != nil {
				return err
			}
			if len(entries) < page {
				break
			}
			after = entries[len(entries)-1].Seq
		}
		if _, err := tx.Exec(ctx, setHead, k.ns, k.account, prev); err != nil {
			return err
		}
	}
	return nil
}
