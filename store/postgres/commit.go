package postgres

import (
	"bytes"
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arcredit/arcredit/credit"
)

// Commit implements credit.Store in one round trip: BEGIN ISOLATION LEVEL
// SERIALIZABLE, the checks, every INSERT and UPDATE of the batch, and COMMIT
// go to the server as one pipeline. The checks come first: every account
// and document is at the version one less than the one it will have (or
// absent for Version 1), and the entry before the first one appended to an
// account exists. A check that fails divides by zero on purpose, so the
// transaction aborts before its COMMIT; running them before the writes means
// that a write computed from a stale read is refused as a conflict and never
// reaches a CHECK constraint. An update also changes its row only at the
// expected version (the same record twice in a batch is a conflict).
// Applications, entries and the idempotency record are only ever inserted.
//
// Commit returns an error wrapping credit.ErrConflict, with nothing
// written, when a version does not match, a key already exists, or the
// database reports a serialization failure or deadlock (SQLSTATE 40001,
// 40P01): the Ledger then reloads and retries the operation with backoff.
//
// When the connection fails after the batch was sent (the COMMIT may or
// may not have happened), Commit looks the batch's idempotency record up
// on another connection. If the record is there with the same operation,
// fingerprint and result, the batch was written and Commit returns nil. If
// it is absent or differs, Commit returns ErrConflict: the Ledger reloads
// and either finds the key (and replays the stored result) or writes the
// operation afresh, and the key's uniqueness ensures that at most one of
// the two attempts is ever written. A batch without an idempotency record,
// or a context that ended, gives an error wrapping ErrCommitUnknown instead.
func (s *Store) Commit(ctx context.Context, b *credit.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	batch, what, err := s.commitBatch(b)
	if err != nil {
		return err
	}
	failed := -1
	err = s.sendBatch(ctx, batch, func(br pgx.BatchResults) error {
		for i := range what {
			if _, err := br.Exec(); err != nil {
				failed = i
				return err
			}
		}
		return nil
	})
	if err == nil {
		return nil
	}
	stmt := "commit"
	if failed >= 0 {
		stmt = what[failed]
	}
	switch code := sqlState(err); {
	case code == codeDivisionByZero:
		return fmt.Errorf("%w: postgres: %s: failed", credit.ErrConflict, stmt)
	case code == codeUniqueViolated:
		return fmt.Errorf("%w: postgres: %s: already exists: %w", credit.ErrConflict, stmt, err)
	case code == codeSerialization || code == codeDeadlock:
		return fmt.Errorf("%w: postgres: %s: %w", credit.ErrConflict, stmt, err)
	case code != "":
		return fmt.Errorf("postgres: commit: %s: %w", stmt, err)
	}
	if pgconn.SafeToRetry(err) {
		// Nothing reached the server.
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return s.resolve(ctx, b, err)
}

// resolve learns whether a batch whose COMMIT may or may not have happened
// was written, through its idempotency record. See Commit.
func (s *Store) resolve(ctx context.Context, b *credit.Batch, cause error) error {
	if b.Idempotency == nil || ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrCommitUnknown, cause)
	}
	var rec *credit.Idempotency
	err := s.retry(ctx, transient, func() error {
		rec = nil
		rows, err := s.pool.Query(ctx, s.sql.findIdempotency, b.Namespace, b.Idempotency.Key)
		if err != nil {
			return err
		}
		return each(rows, scanIdempotency, func(r credit.Idempotency) { rec = &r })
	})
	if err != nil {
		return fmt.Errorf("%w: %w (looking up key %q: %w)", ErrCommitUnknown, cause, b.Idempotency.Key, err)
	}
	want := b.Idempotency
	if rec != nil && rec.Op == want.Op && rec.Fingerprint == want.Fingerprint && bytes.Equal(rec.Result, want.Result) {
		return nil
	}
	return fmt.Errorf("%w: postgres: commit outcome unknown and key %q not recorded as sent: %w", credit.ErrConflict, want.Key, cause)
}

// commitBatch builds the pipeline of b and names each of its statements for
// errors. Conflicts that need no database (an entry out of sequence within
// b, a version below 1) are reported at once.
func (s *Store) commitBatch(b *credit.Batch) (*pgx.Batch, []string, error) {
	ns := b.Namespace
	batch := &pgx.Batch{}
	var what []string
	queue := func(desc, sql string, args ...any) {
		batch.Queue(sql, args...)
		what = append(what, desc)
	}
	queue("begin", "BEGIN ISOLATION LEVEL SERIALIZABLE")
	for _, a := range b.Accounts {
		if a.Version == 1 {
			queue(fmt.Sprintf("check account %q does not exist", a.ID), s.sql.accountAbsent, ns, a.ID)
		} else {
			queue(fmt.Sprintf("check account %q is at version %d", a.ID, a.Version-1), s.sql.accountAt, ns, a.ID, a.Version-1)
		}
	}
	for _, d := range b.Documents {
		if d.Version == 1 {
			queue(fmt.Sprintf("check document %q does not exist", d.ID), s.sql.documentAbsent, ns, d.ID)
		} else {
			queue(fmt.Sprintf("check document %q is at version %d", d.ID, d.Version-1), s.sql.documentAt, ns, d.ID, d.Version-1)
		}
	}
	for _, a := range b.Accounts {
		args, err := accountArgs(ns, a)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case a.Version < 1:
			return nil, nil, fmt.Errorf("%w: postgres: account %q at version %d", credit.ErrConflict, a.ID, a.Version)
		case a.Version == 1:
			queue(fmt.Sprintf("insert account %q", a.ID), s.sql.insertAccount, args...)
		default:
			queue(fmt.Sprintf("update account %q to version %d", a.ID, a.Version), s.sql.updateAccount, append(args, a.Version-1)...)
		}
	}
	for _, d := range b.Documents {
		args, err := documentArgs(ns, d)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case d.Version < 1:
			return nil, nil, fmt.Errorf("%w: postgres: document %q at version %d", credit.ErrConflict, d.ID, d.Version)
		case d.Version == 1:
			queue(fmt.Sprintf("insert document %q", d.ID), s.sql.insertDocument, args...)
		default:
			queue(fmt.Sprintf("update document %q to version %d", d.ID, d.Version), s.sql.updateDocument, append(args, d.Version-1)...)
		}
	}
	for _, a := range b.Applications {
		args, err := applicationArgs(ns, a)
		if err != nil {
			return nil, nil, err
		}
		queue(fmt.Sprintf("insert application %q", a.ID), s.sql.insertApplication, args...)
	}
	next := map[string]int64{}
	for _, e := range b.Entries {
		args, err := entryArgs(ns, e)
		if err != nil {
			return nil, nil, err
		}
		n, seen := next[e.Account]
		switch {
		case seen && e.Seq != n:
			return nil, nil, fmt.Errorf("%w: postgres: entry %d of account %q is not the next (%d)", credit.ErrConflict, e.Seq, e.Account, n)
		case e.Seq < 1:
			return nil, nil, fmt.Errorf("%w: postgres: entry %d of account %q", credit.ErrConflict, e.Seq, e.Account)
		case !seen && e.Seq > 1:
			queue(fmt.Sprintf("check entry %d of account %q exists", e.Seq-1, e.Account), s.sql.entryExists, ns, e.Account, e.Seq-1)
		}
		next[e.Account] = e.Seq + 1
		queue(fmt.Sprintf("insert entry %d of account %q", e.Seq, e.Account), s.sql.insertEntry, args...)
	}
	if r := b.Idempotency; r != nil {
		queue(fmt.Sprintf("insert idempotency key %q", r.Key), s.sql.insertIdempotency, idempotencyArgs(ns, r)...)
	}
	queue("commit", "COMMIT")
	return batch, what, nil
}
