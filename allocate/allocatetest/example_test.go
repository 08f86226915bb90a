package allocatetest_test

import (
	"errors"
	"fmt"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
)

// Find runs the kit's checks on a fixed series of generated requests and
// returns the first failure, here of a policy that never pays anything.
func ExampleFind() {
	lazy := allocate.PolicyFunc(func(allocate.Request) (allocate.Plan, error) { return allocate.Plan{}, nil })
	err := allocatetest.Find(lazy, 100)
	fmt.Println(errors.Is(err, allocatetest.ErrIncomplete))
	fmt.Println(allocatetest.Find(allocate.OldestFirst(), 100))
	// Output:
	// true
	// <nil>
}
