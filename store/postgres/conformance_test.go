package postgres_test

import (
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
	"github.com/arcredit/arcredit/storetest"
)

// TestConformance runs the store conformance kit, each of its checks on a
// fresh schema. The state machine makes 25 runs here, a quarter of what it
// makes on the memory store (each step is a few round trips), and
// Ledger/FuzzSeeds runs the first 20 seeds, the hand-made ones and enough
// random ones to reach every kind of step; -rapid.checks on the command
// line asks for more runs.
func TestConformance(t *testing.T) {
	postgrestest.URL(t)
	storetest.RunWith(t, func(t *testing.T) credit.Store { return postgrestest.New(t) }, storetest.Options{AccountLister: true, Checks: 25, FuzzSeeds: 20})
}
