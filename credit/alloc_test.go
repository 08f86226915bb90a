//go:build !race

// The race detector adds allocations of its own and makes sync.Pool drop
// what it is given at random, so these counts hold only without it: make
// test runs this file in a pass of its own (Makefile, test-allocs).

package credit_test

import (
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store"
)

// maxApplyAllocs bounds the allocations of one Apply of one explicit pair
// on the memory store, the Ledger's and the store's together (issue goal:
// 25). Allocation counts do not depend on the machine's speed, so unlike
// a time this bound can be a test: raising it is a decision, made here.
const maxApplyAllocs = 17

func TestApplyAllocations(t *testing.T) {
	const runs = 200
	st := store.NewMemory()
	pairs := seedPairs(t, st, runs+1)
	l, err := credit.New(st, credit.AllowAll, credit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	got := testing.AllocsPerRun(runs, func() {
		p := pairs[i]
		i++
		if _, err := l.Apply(ctx, benchP, p.key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: p.credit, Debit: p.debit}}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.1f allocations per Apply", got)
	if got > maxApplyAllocs {
		t.Errorf("an Apply of one pair allocates %.1f times, more than %d", got, maxApplyAllocs)
	}
}
