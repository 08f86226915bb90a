package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
)

// Options configures a Store. Every field is optional.
type Options struct {
	// Schema is the PostgreSQL schema that holds the store's tables. When
	// empty, the tables are wherever the connection's search_path puts them
	// (usually public). Migrate creates the schema if it does not exist.
	Schema string
	// MaxAttempts bounds how often a read, or a step of Migrate, is tried
	// when the database reports a serialization failure or a deadlock; 5
	// when zero. Commit is tried once: it reports those as credit.ErrConflict
	// and the Ledger retries the whole operation.
	MaxAttempts int
}

// Store is a credit.Store on PostgreSQL (or a compatible engine such as
// CockroachDB or YugabyteDB). It is safe for concurrent use. The caller owns
// the pool: Store never closes it.
type Store struct {
	pool     *pgxpool.Pool
	schema   string
	attempts int
	sql      statements
	writes   *shapes // the write statement by shape (see shaped.go); nil: arrays only
	kept     *kept   // the texts Commit prepares itself (see sendBatch)
}

var (
	_ credit.Store         = (*Store)(nil)
	_ credit.AccountLister = (*Store)(nil)
)

// ErrCommitUnknown is credit.ErrCommitUnknown, kept under this name for
// callers written before the credit package had it. It is wrapped by the
// error of a Commit whose outcome could not be learned: the connection
// failed after the batch was sent, and the batch had no idempotency record
// to look for, the context ended before it could be looked up, or the
// lookup failed too. The batch may or may not have been written; it was
// not written twice. A Ledger operation that fails this way can be sent
// again with the same idempotency key, which returns the first result if
// the write did happen.
var ErrCommitUnknown = credit.ErrCommitUnknown

// New returns a Store that keeps its records in pool's database. Call
// Migrate once before the first use (it is safe to call on every start).
func New(pool *pgxpool.Pool, opts Options) *Store {
	s := &Store{pool: pool, schema: opts.Schema, attempts: opts.MaxAttempts, kept: &kept{texts: map[string]bool{}}}
	if s.attempts <= 0 {
		s.attempts = 5
	}
	s.sql = newStatements(s.table)
	s.writes = &shapes{sql: s.sql.write}
	return s
}

// table returns the name of one of the store's tables, qualified by the
// schema when there is one.
func (s *Store) table(name string) string {
	if s.schema == "" {
		return name
	}
	return pgx.Identifier{s.schema, name}.Sanitize()
}

// SQLSTATE codes the store reacts to.
const (
	codeSerialization  = "40001"
	codeDeadlock       = "40P01"
	codeUniqueViolated = "23505"
	codeDivisionByZero = "22012" // raised on purpose by a failed version check
	codeCheckViolated  = "23514"
	codeDuplicateTable = "42P07"
	codeDuplicateSch   = "42P06"
	codeDuplicateObj   = "42710"

	codeTooManyConnections = "53300"
	codeLockNotAvailable   = "55P03"
	codeQueryCanceled      = "57014" // a cancel request, or statement_timeout
	codeIdleInTransaction  = "25P03"
	codeCompletionUnknown  = "40003"
	codeNoStatement        = "26000" // a prepared statement the server does not have
)

// sqlState returns the SQLSTATE of a database error, or "" for any other
// error.
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// fatal reports whether err is a server error that ended the session
// (severity FATAL or PANIC): the backend is gone, whatever it was doing.
func fatal(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Severity == "FATAL" || pe.Severity == "PANIC")
}

// transient reports whether err is a serialization failure or a deadlock:
// the transaction was rolled back and may simply be run again.
func transient(err error) bool {
	c := sqlState(err)
	return c == codeSerialization || c == codeDeadlock
}

// retry runs fn until it succeeds, fails with an error for which again is
// false, the attempts run out or ctx ends, backing off with jitter between
// tries: up to 2 ms, 4 ms, 8 ms … capped at 100 ms. Its error wraps the
// credit sentinel of its class (see classify): fn must write nothing, or
// nothing that its failure leaves behind.
func (s *Store) retry(ctx context.Context, again func(error) bool, fn func() error) error {
	return classify(ctx, s.retryRaw(ctx, again, fn))
}

// retryRaw is retry without classifying the error.
func (s *Store) retryRaw(ctx context.Context, again func(error) bool, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !again(err) || attempt >= s.attempts {
			return err
		}
		d := min(2*time.Millisecond<<min(attempt-1, 6), 100*time.Millisecond)
		d = d/2 + rand.N(d/2+1)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

// sendBatch sends b on a connection of the pool and reads every result
// with read (or just their errors when read is nil). A batch that leaves
// the connection inside a transaction (one that began with BEGIN and
// failed before COMMIT) is rolled back so the connection can be reused.
// A failure to obtain a connection, or to prepare, is a *notSent.
//
// With prepare set, b's statements are first prepared on the connection
// under their own text (once per connection: pgx keeps them), which b
// then uses. pgx drops from its cache every statement of a batch that
// failed, and a statement it prepares again is parsed again and planned
// afresh for five calls before the server keeps a generic plan; for a
// Commit, which fails whenever it loses a race, that planning had
// doubled the server's CPU per Apply with several processes on a hot
// account. Statements prepared this way stay for the connection's life,
// so a Store prepares only the first maxKept texts it meets this way (the
// shapes its operations write most) and leaves any others to pgx's cache.
func (s *Store) sendBatch(ctx context.Context, b *pgx.Batch, prepare bool, read func(pgx.BatchResults) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return &notSent{err}
	}
	defer conn.Release()
	if prepare {
		for _, q := range b.QueuedQueries {
			if !s.kept.keep(q.SQL) {
				continue
			}
			if _, err := conn.Conn().Prepare(ctx, q.SQL, q.SQL); err != nil {
				return &notSent{err}
			}
		}
	}
	br := conn.SendBatch(ctx, b)
	if read != nil {
		err = read(br)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	rollback(ctx, conn)
	if prepare && sqlState(err) == codeNoStatement {
		// The server forgot a statement pgx holds as prepared (a
		// DISCARD ALL from outside): forget them all on this connection,
		// so that the next batch prepares them again, as pgx's cache
		// would have.
		for _, q := range b.QueuedQueries {
			if s.kept.keep(q.SQL) {
				forget(ctx, conn, q.SQL)
			}
		}
	}
	return err
}

// forget drops the statement prepared under the text sql from conn, on
// the server if it is there and from pgx's map of prepared statements.
func forget(ctx context.Context, conn *pgxpool.Conn, sql string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = conn.Conn().Deallocate(ctx, sql)
}

// maxKept bounds the statement texts a Store prepares itself, and so the
// statements each connection keeps for its life beside pgx's cache: an
// Apply's, a Transfer's and the other operations' shapes of write, with
// their BEGIN and COMMIT, are far fewer.
const maxKept = 64

// kept is the set of texts a Store prepares itself, the first maxKept it
// was asked about. Safe for concurrent use.
type kept struct {
	mu    sync.RWMutex
	texts map[string]bool
}

// keep reports whether sql is one of the kept texts, adding it while there
// is room.
func (k *kept) keep(sql string) bool {
	k.mu.RLock()
	in, full := k.texts[sql], len(k.texts) >= maxKept
	k.mu.RUnlock()
	if in || full {
		return in
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.texts) < maxKept {
		k.texts[sql] = true
	}
	return k.texts[sql]
}

// rollback ends a transaction a failed batch left open on conn. If that
// fails too, the pool discards the connection when it is released.
func rollback(ctx context.Context, conn *pgxpool.Conn) {
	pc := conn.Conn().PgConn()
	if pc.IsClosed() || pc.TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, "ROLLBACK")
}

// bindNames replaces {name} in sql with the name of the table.
func bindNames(sql string, table func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(sql, '{')
		if i < 0 {
			b.WriteString(sql)
			return b.String()
		}
		j := strings.IndexByte(sql[i:], '}')
		b.WriteString(sql[:i])
		b.WriteString(table(sql[i+1 : i+j]))
		sql = sql[i+j+1:]
	}
}
