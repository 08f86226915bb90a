package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestQuickstart checks the example's output against testdata/quickstart.golden.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "quickstart", out.Bytes())
}
