package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/allocate/allocatetest"
	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestLargestFirstPassesThePolicyKit proves the policy with the kit every
// policy must pass: valid, pure, deterministic and complete plans on
// requests drawn at random.
func TestLargestFirstPassesThePolicyKit(t *testing.T) {
	allocatetest.Check(t, LargestFirst{})
}

// TestCustomPolicy checks the example's output against
// testdata/custompolicy.golden.
func TestCustomPolicy(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "custompolicy", out.Bytes())
}
