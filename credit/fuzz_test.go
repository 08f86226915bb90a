package credit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/storetest"
)

// FuzzLedger runs random requests, built from the fuzzer's bytes, against a
// Ledger on a memory store, as storetest.FuzzInput does: nothing may
// panic, a refusal is a typed error that writes nothing, a success keeps
// every invariant. Its seeds are the conformance kit's, which
// Ledger/FuzzSeeds runs on every store.
func FuzzLedger(f *testing.F) {
	for _, b := range storetest.FuzzSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// An input that runs away crashes the worker, so that the fuzzer
		// keeps it as a failure instead of stalling.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				panic(fmt.Sprintf("FuzzLedger: input %q runs for more than 20s", data))
			}
		}()
		storetest.FuzzInput(t, store.NewMemory(), data)
	})
}
