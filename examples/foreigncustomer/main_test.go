package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestForeignCustomer checks the example's output against
// testdata/foreigncustomer.golden.
func TestForeignCustomer(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "foreigncustomer", out.Bytes())
}
