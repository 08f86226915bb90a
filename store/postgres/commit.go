package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arcredit/arcredit/credit"
)

// Commit implements credit.Store in one round trip of three statements:
// BEGIN ISOLATION LEVEL SERIALIZABLE, one statement of every check, INSERT
// and UPDATE of the batch, and COMMIT go to the server as one pipeline. The
// middle statement takes the batch as one array per column, so its text is
// the same for every batch and it is prepared once per connection; a small
// batch (at most two records of each kind, as an Apply writes) goes as the
// same statement with a row of scalar parameters per record instead of
// arrays, whose text depends only on those counts (shaped.go). It checks
// that the entry before the first one appended to an account exists
// before any row is built (a check that fails divides by zero on purpose,
// so the transaction aborts before its COMMIT). Accounts and documents
// are written by INSERT … ON CONFLICT DO UPDATE, which finds every row
// through its primary key and updates it only at the version one less
// than the one it will have; a record of version 1 must be new and one of
// a later version must exist; and the statement divides by zero when
// it wrote fewer rows than the batch holds. The versions are
// checked by the writes themselves rather than read first, since a read
// under SERIALIZABLE locks index and heap pages that concurrent writes of
// neighbouring records then conflict with. A write the schema's CHECK
// constraints refuse is a conflict if any of its accounts and documents
// is not at the expected version (looked up after the failure, so that a
// write computed from a stale read is reported as the conflict it is, not
// as bad data); when that lookup fails as well (the server going away),
// Commit returns the lookup's fault (ErrUnavailable, ErrCanceled), since
// the refused write wrote nothing. The same record twice in a batch is a
// conflict.
// Applications, entries and the idempotency record are only ever
// inserted.
//
// Commit returns an error wrapping credit.ErrConflict, with nothing
// written, when a version does not match, a key already exists, or the
// database reports a serialization failure or deadlock (SQLSTATE 40001,
// 40P01): the Ledger then reloads and retries the operation with backoff.
//
// A COMMIT that completed is a success, whatever follows it on the
// connection: a backend terminated during COMMIT sends COMMIT's completion
// and then FATAL 57P01 where the batch's final ReadyForQuery was due.
// When the connection fails after the batch was sent and before COMMIT's
// result was read, or COMMIT's result is the server ending the session
// (FATAL, PANIC), the COMMIT may or may not have happened: Commit looks
// the batch's idempotency record up on another connection. If the record
// is there with the same operation, fingerprint and result, the batch was
// written and Commit returns nil. If it is absent or differs, Commit
// returns ErrConflict: the Ledger reloads and either finds the key (and
// replays the stored result) or writes the operation afresh, and the key's
// uniqueness ensures that at most one of the two attempts is ever written.
// A batch without an idempotency record, a context that ended (the error
// then matches ctx.Err() too), or a lookup that fails too gives an error
// wrapping credit.ErrCommitUnknown instead.
//
// Every other failure wrote nothing and wraps the sentinel of its class
// (see the package documentation, Faults): credit.ErrCanceled when ctx
// ended first, credit.ErrUnavailable when the batch never reached the
// server (no connection could be had) or a statement before COMMIT was
// refused for want of the server (shutting down, too many connections),
// credit.ErrStoreFailure for a permanent fault of the database.
func (s *Store) Commit(ctx context.Context, b *credit.Batch) error {
	if err := ctx.Err(); err != nil {
		return canceled(ctx, fmt.Errorf("postgres: commit: %w", err))
	}
	batch, what, err := s.commitBatch(b)
	if err != nil {
		if credit.Code(err) == "" {
			// A record the schema cannot hold.
			err = fmt.Errorf("%w: postgres: commit: %w", credit.ErrStoreFailure, err)
		}
		return err
	}
	failed, committed := -1, false
	err = s.sendBatch(ctx, batch, true, func(br pgx.BatchResults) error {
		for i := range what {
			tag, err := br.Exec()
			if err != nil {
				failed = i
				return err
			}
			if i == len(what)-1 {
				// COMMIT's own result: "COMMIT" once the transaction is
				// written, "ROLLBACK" for one that had failed.
				committed = tag.String() == "COMMIT"
				if !committed {
					failed = i
					return fmt.Errorf("%w: postgres: commit: rolled back (%s)", credit.ErrConflict, tag)
				}
			}
		}
		return nil
	})
	if err == nil || committed {
		// COMMIT completed: whatever came after it (the server
		// terminating the connection before the batch's final
		// ReadyForQuery) does not undo the write.
		return nil
	}
	if errors.Is(err, credit.ErrConflict) {
		return err
	}
	if ns := (*notSent)(nil); errors.As(err, &ns) {
		// No connection, so nothing was sent.
		return classify(ctx, fmt.Errorf("postgres: commit: %w", err))
	}
	stmt := "commit"
	if failed >= 0 {
		stmt = what[failed]
	}
	if stmt == writeStmt {
		stmt = describeWrite(b)
	}
	// A statement's own error result says that statement failed, and with
	// it the transaction, unless it is the COMMIT's and the server gave up
	// on the connection (FATAL, PANIC): the COMMIT may have been written
	// before the backend ended.
	definite := failed >= 0 && (failed < len(what)-1 || !fatal(err))
	switch code := sqlState(err); {
	case !definite || code == codeCompletionUnknown:
	case code == codeDivisionByZero:
		return fmt.Errorf("%w: postgres: %s: refused: a version, the last entry of a history or a key is not what the batch expects", credit.ErrConflict, stmt)
	case code == codeCheckViolated && failed == 1 && len(what) == 3:
		// The transaction failed, so nothing was written: the question is
		// only whether the write was stale or bad.
		stale, rerr := s.stale(ctx, b)
		switch {
		case rerr != nil:
			// The versions could not be read again (the server is going
			// away): a fault to retry, which the write's failure is too.
			return classify(ctx, fmt.Errorf("postgres: commit: %s: refused by a CHECK constraint (%v), and reading the versions again failed: %w", stmt, err, rerr))
		case stale:
			return fmt.Errorf("%w: postgres: %s: stale: %w", credit.ErrConflict, stmt, err)
		}
		return classify(ctx, fmt.Errorf("postgres: commit: %s: %w", stmt, err))
	case code == codeUniqueViolated:
		return fmt.Errorf("%w: postgres: %s: already exists: %w", credit.ErrConflict, stmt, err)
	case code == codeSerialization || code == codeDeadlock:
		return fmt.Errorf("%w: postgres: %s: %w", credit.ErrConflict, stmt, err)
	case code != "":
		return classify(ctx, fmt.Errorf("postgres: commit: %s: %w", stmt, err))
	}
	if pgconn.SafeToRetry(err) {
		// Nothing reached the server.
		return classify(ctx, fmt.Errorf("postgres: commit: %w", err))
	}
	return s.resolve(ctx, b, err)
}

// resolve learns whether a batch whose COMMIT may or may not have happened
// was written, through its idempotency record. See Commit.
func (s *Store) resolve(ctx context.Context, b *credit.Batch, cause error) error {
	if b.Idempotency == nil {
		return fmt.Errorf("%w: postgres: commit: %w", credit.ErrCommitUnknown, cause)
	}
	if err := ctx.Err(); err != nil {
		if !errors.Is(cause, err) {
			cause = fmt.Errorf("%w (%w)", cause, err)
		}
		return fmt.Errorf("%w: postgres: commit: %w", credit.ErrCommitUnknown, cause)
	}
	var rec *credit.Idempotency
	err := s.retryRaw(ctx, transient, func() error {
		rec = nil
		rows, err := s.pool.Query(ctx, s.sql.findIdempotency, b.Namespace, b.Idempotency.Key)
		if err != nil {
			return err
		}
		return each(rows, scanIdempotency, func(r credit.Idempotency) { rec = &r })
	})
	if err != nil {
		return fmt.Errorf("%w: postgres: commit: %w (looking up key %q: %v)", credit.ErrCommitUnknown, cause, b.Idempotency.Key, err)
	}
	want := b.Idempotency
	if rec != nil && rec.Kind == want.Kind && rec.Fingerprint == want.Fingerprint && bytes.Equal(rec.Result, want.Result) {
		return nil
	}
	return fmt.Errorf("%w: postgres: commit outcome unknown and key %q not recorded as sent: %w", credit.ErrConflict, want.Key, cause)
}

// stale reports whether an account or document of b is not at the version
// before the one b writes (or exists at version 1), read outside b's
// transaction once any transaction still writing one of them has ended. A
// version only grows, so a record that was stale when b was refused still
// is. The read is tried again on any failure; the error of one that fails
// every time is returned.
func (s *Store) stale(ctx context.Context, b *credit.Batch) (bool, error) {
	want := map[[2]string]int64{}
	var accounts, documents []string
	for _, a := range b.Accounts {
		accounts = append(accounts, a.ID)
		want[[2]string{"a", a.ID}] = a.Version
	}
	for _, d := range b.Documents {
		documents = append(documents, d.ID)
		want[[2]string{"d", d.ID}] = d.Version
	}
	var found map[[2]string]int64
	read := func(kind, sql string, ids []string) error {
		if len(ids) == 0 {
			return nil
		}
		rows, err := s.pool.Query(ctx, sql, b.Namespace, ids)
		if err != nil {
			return err
		}
		var id string
		var v int64
		_, err = pgx.ForEachRow(rows, []any{&id, &v}, func() error {
			found[[2]string{kind, id}] = v
			return nil
		})
		return err
	}
	// A read only: tried again whatever its failure (the connection
	// lost, a serialization failure), up to the store's attempts.
	err := s.retryRaw(ctx, func(error) bool { return ctx.Err() == nil }, func() error {
		found = map[[2]string]int64{}
		if err := read("a", s.sql.accountVersions, accounts); err != nil {
			return err
		}
		return read("d", s.sql.documentVersions, documents)
	})
	if err != nil {
		return false, err
	}
	for k, v := range want {
		if got, ok := found[k]; ok != (v > 1) || ok && got != v-1 {
			return true, nil
		}
	}
	return false, nil
}

// commitBatch builds the pipeline of b (BEGIN, the checks and writes,
// COMMIT) and names each of its statements for errors. Conflicts that need
// no database (an entry out of sequence within b, a version below 1) are
// reported at once.
func (s *Store) commitBatch(b *credit.Batch) (*pgx.Batch, []string, error) {
	r := &batchRows{}
	if err := r.fill(b); err != nil {
		return nil, nil, err
	}
	batch := &pgx.Batch{}
	var what []string
	batch.Queue("BEGIN ISOLATION LEVEL SERIALIZABLE")
	what = append(what, "begin")
	if rows := len(b.Accounts) + len(b.Documents) + len(b.Applications) + len(b.Entries) + len(r.idem.key); rows > 0 {
		args := r.args(b.Namespace, rows)
		sql, shaped := s.sql.write, false
		if s.writes != nil {
			var text string
			var elems []any
			if text, elems, shaped = s.writes.statement(args); shaped {
				sql, args = text, elems
			}
		}
		if !shaped {
			for i, a := range args {
				args[i] = column(a)
			}
		}
		batch.Queue(sql, args...)
		what = append(what, writeStmt) // described by describeWrite when it fails
	}
	batch.Queue("COMMIT")
	what = append(what, "commit")
	return batch, what, nil
}

// batchRows are the rows a batch writes, column by column, and the entry
// before the first one appended to each account, whose existence the
// write checks.
type batchRows struct {
	accounts     accountRows
	documents    documentRows
	applications applicationRows
	entries      entryRows
	idem         idempotencyRows
	prevAccount  []string
	prevSeq      []int64
}

// fill takes the rows of b. The same record twice in a batch is a
// conflict: the second write would be computed from a version that the
// first replaces.
func (r *batchRows) fill(b *credit.Batch) error {
	r.accounts.grow(len(b.Accounts))
	r.documents.grow(len(b.Documents))
	r.applications.grow(len(b.Applications))
	r.entries.grow(len(b.Entries))
	seen := map[string]bool{}
	for _, a := range b.Accounts {
		if err := versioned("account", a.ID, a.Version, seen); err != nil {
			return err
		}
		if err := r.accounts.add(a); err != nil {
			return err
		}
	}
	clear(seen)
	for _, d := range b.Documents {
		if err := versioned("document", d.ID, d.Version, seen); err != nil {
			return err
		}
		if err := r.documents.add(d); err != nil {
			return err
		}
	}
	for _, a := range b.Applications {
		r.applications.add(a)
	}
	if err := r.addEntries(b.Entries); err != nil {
		return err
	}
	if rec := b.Idempotency; rec != nil {
		r.idem.add(rec)
	}
	return nil
}

// versioned checks the record of kind and id at version for a write: once
// in the batch (seen holds the ids before it), at a version the store holds.
func versioned(kind, id string, version int64, seen map[string]bool) error {
	if seen[id] {
		return fmt.Errorf("%w: postgres: %s %q twice in a batch", credit.ErrConflict, kind, id)
	}
	seen[id] = true
	if version < 1 {
		return fmt.Errorf("%w: postgres: %s %q at version %d", credit.ErrConflict, kind, id, version)
	}
	if version > maxVersion {
		return fmt.Errorf("postgres: %s %q at version %d, beyond the store's %d", kind, id, version, int64(maxVersion))
	}
	return nil
}

// addEntries takes the entries, which must follow each other within an
// account, and notes the entry before each account's first.
func (r *batchRows) addEntries(entries []credit.Entry) error {
	next := map[string]int64{}
	for _, e := range entries {
		n, seen := next[e.Account]
		switch {
		case seen && e.Seq != n:
			return fmt.Errorf("%w: postgres: entry %d of account %q is not the next (%d)", credit.ErrConflict, e.Seq, e.Account, n)
		case e.Seq < 1:
			return fmt.Errorf("%w: postgres: entry %d of account %q", credit.ErrConflict, e.Seq, e.Account)
		case !seen && e.Seq > 1:
			r.prevAccount = append(r.prevAccount, e.Account)
			r.prevSeq = append(r.prevSeq, e.Seq-1)
		}
		next[e.Account] = e.Seq + 1
		if err := r.entries.add(e); err != nil {
			return err
		}
	}
	return nil
}

// args are the write statement's arguments, in the order of its
// parameters, for a batch of rows rows in namespace ns.
func (r *batchRows) args(ns string, rows int) []any {
	args := make([]any, 0, 89)
	args = append(args, ns)
	// Each column goes in as a pointer to its slice, which costs no
	// allocation (a slice in an interface costs one): the shaped
	// write takes the elements, the array write the slices.
	args = r.accounts.appendArgs(args)
	args = r.documents.appendArgs(args)
	args = r.applications.appendArgs(args)
	args = r.entries.appendArgs(args)
	args = r.idem.appendArgs(args)
	args = append(args, int64(rows), &r.prevAccount, &r.prevSeq)
	// Columns added after the first schema come last, numbered from $77.
	args = append(args, &r.documents.labels, &r.accounts.hold, &r.accounts.closed)
	args = r.entries.appendLists(args)
	// Then those of foreign documents and applications, from $82.
	args = r.documents.appendForeign(args)
	return r.applications.appendForeign(args)
}

// records names the accounts and documents of a batch for an error.
// writeStmt names the write in the statements of a Commit until it fails:
// describing it costs more than the rest of building the batch.
const writeStmt = "write"

// describeWrite names the write of b in an error: the rows, the accounts
// and documents it checks the versions of, and the accounts whose previous
// entry it checks.
func describeWrite(b *credit.Batch) string {
	var accounts, documents, prev []string
	for _, a := range b.Accounts {
		accounts = append(accounts, a.ID)
	}
	for _, d := range b.Documents {
		documents = append(documents, d.ID)
	}
	seen := map[string]bool{}
	for _, e := range b.Entries {
		if !seen[e.Account] && e.Seq > 1 {
			prev = append(prev, e.Account)
		}
		seen[e.Account] = true
	}
	rows := len(b.Accounts) + len(b.Documents) + len(b.Applications) + len(b.Entries)
	if b.Idempotency != nil {
		rows++
	}
	noun := "rows"
	if rows == 1 {
		noun = "row"
	}
	return fmt.Sprintf("write %d %s (%s at the versions before theirs, after entries %s)",
		rows, noun, records(accounts, documents), some(prev))
}

func records(accounts, documents []string) string {
	return fmt.Sprintf("accounts %s, documents %s", some(accounts), some(documents))
}

// some names ids, or the first few of them and how many there are.
func some(ids []string) string {
	if len(ids) <= 3 {
		return fmt.Sprintf("%q", ids)
	}
	return fmt.Sprintf("%q and %d more", ids[:3], len(ids)-3)
}
