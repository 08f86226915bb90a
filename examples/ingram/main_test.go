package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestIngram checks the example's output against testdata/ingram.golden.
func TestIngram(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "ingram", out.Bytes())
}
