package report_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// The aging's tests again on PostgreSQL: the database named by
// ARCREDIT_POSTGRES_URL (scripts/with-postgres.sh starts one), one schema
// for the test and a namespace for every history. Without the variable they
// skip, except under CI=true where they fail.
func TestAgingOnPostgres(t *testing.T) {
	st := postgrestest.NewWith(t, postgrestest.Pool(t, nil), postgres.Options{})
	var n atomic.Int64
	fresh := func(t tb) *fixture {
		return newFixtureOn(t, st, fmt.Sprintf("ns-%d", n.Add(1)), credit.AllowAll, date(2025, 6, 1))
	}
	t.Run("hand computed", func(t *testing.T) { runAgingHandComputed(t, handAgedOn(t, fresh(t))) })
	t.Run("later changes undone", func(t *testing.T) { runAgingUndoesLaterChanges(t, handAgedOn(t, fresh(t))) })
	t.Run("replay", func(t *testing.T) {
		runAgingReplay(t, func(rt *rapid.T) *fixture { return fresh(rt) })
	})
}
