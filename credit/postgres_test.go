package credit_test

import (
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// The suites whose outcome depends on the store (Verify through the store,
// the hostile inputs that reach it, the regressions, the fuzz seeds) are
// clauses of storetest, which store/postgres runs. What is left here is
// the one helper TestHiddenAnswersAsMissingPostgres still uses.

// postgresStores returns a newStore that gives each caller a migrated store
// in a schema of its own, all on one pool: the database named by
// ARCREDIT_POSTGRES_URL (scripts/with-postgres.sh starts one). Without the
// variable the caller skips, except under CI=true where it fails.
func postgresStores(t *testing.T) func(*testing.T) credit.Store {
	t.Helper()
	pool := postgrestest.Pool(t, nil)
	return func(t *testing.T) credit.Store { return postgrestest.NewWith(t, pool, postgres.Options{}) }
}
