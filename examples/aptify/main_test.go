package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestAptify checks the example's output against testdata/aptify.golden.
func TestAptify(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "aptify", out.Bytes())
}
