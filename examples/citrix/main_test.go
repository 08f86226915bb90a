package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
)

// TestCitrix checks the example's output against testdata/citrix.golden.
func TestCitrix(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "citrix", out.Bytes())
}
