package credit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// The hardening tests again, on PostgreSQL: the database named by
// ARCREDIT_POSTGRES_URL (scripts/with-postgres.sh starts one), a fresh
// schema for every store. Without the variable they skip, except under
// CI=true where they fail.

// postgresStores returns a newStore that gives each caller a migrated store
// in a schema of its own, all on one pool.
func postgresStores(t *testing.T) func(*testing.T) credit.Store {
	t.Helper()
	pool := postgrestest.Pool(t, nil)
	return func(t *testing.T) credit.Store { return postgrestest.NewWith(t, pool, postgres.Options{}) }
}

// TestHostileInputsPostgres runs each row half as often as on the memory
// store (every call is a few round trips), and bounds its median at 20
// times an ordinary preview's, but never below 100 ms, so that a busy
// machine does not make it fail.
func TestHostileInputsPostgres(t *testing.T) {
	runHostileInputs(t, postgresStores(t), hostileTiming{reps: 10, floor: 100 * time.Millisecond})
}

func TestRegressionsPostgres(t *testing.T) { runRegressions(t, postgresStores(t)) }

func TestVerifyPostgres(t *testing.T) { runVerify(t, postgresStores(t)) }

func TestVerifyLongHistoryPostgres(t *testing.T) { runVerifyLongHistory(t, postgresStores(t)) }

// TestFuzzSeedsPostgres runs the first 20 of FuzzLedger's seed inputs on
// PostgreSQL, each on a store of its own: the hand-made ones and enough
// random ones to reach every kind of step, in about a second each under
// the race detector.
func TestFuzzSeedsPostgres(t *testing.T) {
	newStore := postgresStores(t)
	for i, data := range fuzzSeeds()[:20] {
		t.Run(fmt.Sprint(i), func(t *testing.T) { runFuzzInput(t, newStore(t), data) })
	}
}
