package storetest_test

import (
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/storetest"
)

// A store author proves a store with one test function in the store's own
// package. Run calls newStore once per subtest, so every check starts from a
// store of its own; a store that holds a connection closes it with
// t.Cleanup. Here the store is the memory store (store/memory_test.go has
// this very test); yours returns your credit.Store.
//
// The kit needs the *testing.T of a real test, which an example does not
// have: this example has no output to check, so go test compiles it but does
// not run it. In your package, the function below is
//
//	func TestConformance(t *testing.T) { … }
func ExampleRun() {
	testConformance := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) credit.Store {
			s := store.NewMemory()
			// A networked store: open it on a database of the test's own,
			// and t.Cleanup(func() { s.Close() }).
			return s
		})
	}
	_ = testConformance
}
