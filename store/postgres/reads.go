package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Each read below is one SELECT, which sees one snapshot at any isolation
// level, in one round trip; a serialization failure or deadlock is retried.

// History implements credit.Store with the entries' primary key
// (ns, account, seq).
func (s *Store) History(ctx context.Context, ns, account string, afterSeq int64, limit int) ([]credit.Entry, error) {
	sql, args := s.sql.history, []any{ns, account, max(afterSeq, 0), limit}
	if limit <= 0 {
		sql, args = s.sql.historyAll, args[:3]
	}
	out, err := query(ctx, s, sql, args, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("postgres: history: %w", err)
	}
	return out, nil
}

// EntryAt implements credit.Store with the index (ns, account, at, seq).
// Times are kept to the microsecond, so t is compared truncated to the
// microsecond, which gives the same answer as comparing it whole.
func (s *Store) EntryAt(ctx context.Context, ns, account string, t time.Time) (credit.Entry, bool, error) {
	out, err := query(ctx, s, s.sql.entryAt, []any{ns, account, ts(t)}, scanEntry)
	if err != nil {
		return credit.Entry{}, false, fmt.Errorf("postgres: entry at: %w", err)
	}
	if len(out) == 0 {
		return credit.Entry{}, false, nil
	}
	return out[0], true, nil
}

// Documents implements credit.Store with the index (ns, account, kind,
// issued, id COLLATE "C"), or its partial twin on open documents: one
// branch per kind asked for (every kind when none is), each a range of the
// index from the cursor on, limited to the page, and the branches merged
// in (issued, id) order, so that a page costs the same however many
// documents the account holds, and a page of its few credits does not read
// its many invoices. Ids are ordered byte by byte (COLLATE "C"), as Go
// orders strings, whatever the database's collation. Amendments of one
// document are read through the index of originals instead.
func (s *Store) Documents(ctx context.Context, ns string, f credit.DocumentFilter) ([]invoice.Document, error) {
	args := []any{ns, f.Account}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var cond strings.Builder
	if f.OpenOnly {
		cond.WriteString(" AND d.status = 'open'")
	}
	var sql strings.Builder
	if f.After != "" {
		fmt.Fprintf(&sql, s.sql.documentsCursor, arg(f.After))
		cond.WriteString(` AND (d.issued, d.id COLLATE "C") > ((SELECT issued FROM cur), (SELECT id FROM cur))`)
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + arg(f.Limit)
	}
	order := ` ORDER BY d.issued, d.id COLLATE "C"`
	if f.Original != "" {
		// The partial index on amendments has original <> ''.
		cond.WriteString(" AND d.original = " + arg(f.Original) + " AND d.original <> ''")
		if len(f.Kinds) > 0 {
			kinds := make([]string, 0, len(f.Kinds))
			for _, k := range f.Kinds {
				kinds = append(kinds, k.String())
			}
			cond.WriteString(" AND d.kind = ANY(" + arg(kinds) + ")")
		}
		sql.WriteString(s.sql.documentsSelect + cond.String() + order + limit)
	} else {
		// The kinds are the store's own names, written as literals so
		// that each branch is a range of the index.
		kinds := docKindNames
		if len(f.Kinds) > 0 {
			kinds = nil
			for _, k := range f.Kinds {
				if name, ok := docKindName(k); ok && !slices.Contains(kinds, name) {
					kinds = append(kinds, name)
				}
			}
			slices.Sort(kinds)
		}
		if len(kinds) == 0 {
			return nil, nil
		}
		sql.WriteString(s.sql.documentsMerge)
		for i, kind := range kinds {
			if i > 0 {
				sql.WriteString(" UNION ALL ")
			}
			sql.WriteString("(" + s.sql.documentsSelect + " AND d.kind = '" + kind + "'" + cond.String() + order + limit + ")")
		}
		sql.WriteString(") AS d" + order + limit)
	}
	out, err := query(ctx, s, sql.String(), args, scanDocument)
	if err != nil {
		return nil, fmt.Errorf("postgres: documents: %w", err)
	}
	return out, nil
}

// AccountIDs implements credit.AccountLister: the namespace's account ids
// in byte order after the cursor, at most limit of them (all when 0), as a
// range of the index (ns, id COLLATE "C").
func (s *Store) AccountIDs(ctx context.Context, ns, after string, limit int) ([]string, error) {
	sql, args := s.sql.accountIDs, []any{ns, after}
	if limit > 0 {
		sql, args = sql+" LIMIT $3", append(args, limit)
	}
	ids, err := query(ctx, s, sql, args, func(row pgx.Row) (string, error) {
		var id string
		return id, row.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: account ids: %w", err)
	}
	return ids, nil
}

// query runs one SELECT and scans its rows, retrying a transient failure.
func query[T any](ctx context.Context, s *Store, sql string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	var out []T
	err := s.retry(ctx, transient, func() error {
		out = nil
		rows, err := s.pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return each(rows, scan, func(v T) { out = append(out, v) })
	})
	return out, err
}
