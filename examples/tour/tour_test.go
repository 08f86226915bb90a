package main

import (
	"bytes"
	"testing"

	"github.com/arcredit/arcredit/examples/internal/golden"
	"github.com/arcredit/arcredit/store"
)

// TestTour checks the tour's output on the in-memory store against
// testdata/tour.golden (go test -update rewrites it).
func TestTour(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, store.NewMemory(), "tour"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "tour", out.Bytes())
}
