package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Load implements credit.Store in one round trip: the SELECTs the query
// needs go in one pipelined batch. When there is more than one, the batch
// runs them inside BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY … COMMIT
// so that they all read one snapshot (a lone SELECT is a snapshot by
// itself). Snapshot isolation is all Load promises: the Ledger's
// correctness rests on Commit, which checks the version of every record it
// writes, not on the isolation of the read. A serialization failure or
// deadlock (possible on engines that run every transaction serializably) is
// retried. With Query.DocumentAccounts, the accounts of the named
// documents are read with them, by the same statement, so an operation
// that knows only document ids (an Apply of explicit pairs) needs one
// Load, not two.
func (s *Store) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	var snap *credit.Snapshot
	err := s.retry(ctx, transient, func() error {
		snap = &credit.Snapshot{Accounts: map[string]credit.Account{}, Documents: map[string]invoice.Document{}}
		b := s.loadBatch(q, snap)
		if b.Len() == 0 {
			return ctx.Err()
		}
		return s.sendBatch(ctx, b, false, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: load: %w", err)
	}
	return snap, nil
}

// loadBatch queues the SELECTs of q, each reading its rows into snap.
func (s *Store) loadBatch(q credit.Query, snap *credit.Snapshot) *pgx.Batch {
	var selects []func(b *pgx.Batch)
	ns := q.Namespace
	if len(q.Accounts) > 0 {
		selects = append(selects, func(b *pgx.Batch) {
			b.Queue(s.sql.loadAccounts, ns, q.Accounts).Query(func(rows pgx.Rows) error {
				return each(rows, scanAccount, func(a credit.Account) { snap.Accounts[a.ID] = a })
			})
		})
	}
	addDoc := func(d invoice.Document) { snap.Documents[d.ID] = d }
	switch {
	case len(q.Documents) > 0 && q.DocumentAccounts:
		selects = append(selects, func(b *pgx.Batch) {
			b.Queue(s.sql.loadDocumentsAndAccounts, ns, q.Documents).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					d, a, has, err := scanDocumentAccount(rows)
					if err != nil {
						return err
					}
					addDoc(d)
					if has {
						snap.Accounts[a.ID] = a
					}
				}
				return rows.Err()
			})
		})
	case len(q.Documents) > 0:
		selects = append(selects, func(b *pgx.Batch) {
			b.Queue(s.sql.loadDocuments, ns, q.Documents).Query(func(rows pgx.Rows) error {
				return each(rows, scanDocument, addDoc)
			})
		})
	}
	if len(q.OpenOf) > 0 {
		selects = append(selects, func(b *pgx.Batch) {
			b.Queue(s.sql.loadOpenDocuments, ns, q.OpenOf).Query(func(rows pgx.Rows) error {
				return each(rows, scanDocument, addDoc)
			})
		})
	}
	// An application may match more than one of the reads: keep it once.
	seen := map[string]bool{}
	addApp := func(a credit.Application) {
		if !seen[a.ID] {
			seen[a.ID] = true
			snap.Applications = append(snap.Applications, a)
		}
	}
	readApps := func(sql string, args ...any) func(b *pgx.Batch) {
		return func(b *pgx.Batch) {
			b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
				return each(rows, scanApplication, addApp)
			})
		}
	}
	if len(q.ApplicationsOf) > 0 {
		selects = append(selects, readApps(s.sql.loadApplicationsOf, ns, q.ApplicationsOf))
	}
	if len(q.Applications) > 0 {
		selects = append(selects, readApps(s.sql.loadApplications, ns, q.Applications))
	}
	if q.Operation != "" {
		selects = append(selects, readApps(s.sql.loadApplicationsOfOperation, ns, []string{q.Operation}))
	}
	if q.Idempotency != "" {
		selects = append(selects, func(b *pgx.Batch) {
			b.Queue(s.sql.loadIdempotency, ns, q.Idempotency).Query(func(rows pgx.Rows) error {
				return each(rows, scanIdempotency, func(r credit.Idempotency) { snap.Idempotency = &r })
			})
		})
	}
	b := &pgx.Batch{}
	if len(selects) > 1 {
		b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	}
	for _, sel := range selects {
		sel(b)
	}
	if len(selects) > 1 {
		b.Queue("COMMIT")
	}
	return b
}

// each scans every row with scan and hands the record to add.
func each[T any](rows pgx.Rows, scan func(pgx.Row) (T, error), add func(T)) error {
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		add(v)
	}
	return rows.Err()
}
