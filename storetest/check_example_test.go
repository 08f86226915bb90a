package storetest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/storetest"
)

// lossyStore is the memory store with one bug: it does not keep the hash
// chain of the history.
type lossyStore struct{ *store.Memory }

func (s lossyStore) Commit(ctx context.Context, b *credit.Batch) error {
	c := *b
	c.Entries = nil
	for _, e := range b.Entries {
		e.Prev, e.Hash = "", ""
		c.Entries = append(c.Entries, e)
	}
	return s.Memory.Commit(ctx, &c)
}

// Check proves a store without a *testing.T and names every clause it
// breaks; here the memory store passes, and a store that drops the hash
// chain fails the round trip of its records and every clause through the
// Ledger that verifies a history.
func ExampleCheck() {
	ctx := context.Background()
	opts := storetest.Options{AccountLister: true, Checks: 5, Steps: 10}
	err := storetest.Check(ctx, func() (credit.Store, error) { return store.NewMemory(), nil }, opts)
	fmt.Println("memory store:", err)

	err = storetest.Check(ctx, func() (credit.Store, error) { return lossyStore{store.NewMemory()}, nil }, opts)
	var ce *storetest.CheckError
	if errors.As(err, &ce) {
		fmt.Println("lossy store breaks:", ce.Clauses())
	}
	// Output:
	// memory store: <nil>
	// lossy store breaks: [Store/RoundTrip Ledger/Verify Ledger/LongHistory Ledger/HostileInputs Ledger/Regressions Ledger/WriteOffsAndChargeBacks Ledger/FuzzSeeds ForeignDocuments]
}
