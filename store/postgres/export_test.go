package postgres

import (
	"context"
	"errors"
)

// MigrateTo applies the migrations up to version v only.
func (s *Store) MigrateTo(ctx context.Context, v int64) error { return s.migrate(ctx, v) }

// LoadStatements are the SQL of Load's reads by name, with example
// arguments for the namespace ns: each takes ns and an array of keys,
// or ns and one key.
func (s *Store) LoadStatements(ns string) map[string][]any {
	keys := []string{"k1", "k2"}
	return map[string][]any{
		s.sql.loadAccounts:                {ns, keys},
		s.sql.loadDocuments:               {ns, keys},
		s.sql.loadDocumentsAndAccounts:    {ns, keys},
		s.sql.loadOpenDocuments:           {ns, keys},
		s.sql.loadApplicationsOf:          {ns, keys},
		s.sql.loadApplications:            {ns, keys},
		s.sql.loadApplicationsOfOperation: {ns, []string{"op"}},
		s.sql.loadIdempotency:             {ns, "key"},
	}
}

// ApplyMigration applies the one migration of version v, whatever the
// versions before it: for a test that writes with this code at an earlier
// schema, which needs the columns the code writes.
func (s *Store) ApplyMigration(ctx context.Context, v int64) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.version == v {
			return s.apply(ctx, s.table("schema_migrations"), m)
		}
	}
	return errors.New("postgres: no migration of that version")
}

// BreakStaleCheck makes the read of an account's version after a refused
// write end its own connection, as a server going away would.
func (s *Store) BreakStaleCheck() {
	s.sql.accountVersions = `SELECT id, version FROM (SELECT pg_terminate_backend(pg_backend_pid())) t, ` +
		`unnest($2::text[]) AS id, LATERAL (SELECT 0::int8 AS version WHERE $1::text IS NOT NULL) v`
}
