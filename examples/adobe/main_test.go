package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestAdobe checks the example's output against testdata/adobe.golden.
func TestAdobe(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "adobe", out.Bytes())
}
