package main

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/arcredit/arcredit/examples/internal/golden"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/store/postgres"
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

// TestTourOnPostgres runs the same tour against PostgreSQL and checks it
// prints the same thing. It needs ARCREDIT_POSTGRES_URL (make test sets it)
// and skips without it, except under CI=true.
func TestTourOnPostgres(t *testing.T) {
	url := os.Getenv("ARCREDIT_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ARCREDIT_POSTGRES_URL is not set")
		}
		t.Skip("ARCREDIT_POSTGRES_URL is not set")
	}
	st, closeDB, err := openPostgres(context.Background(), url, postgres.Options{Schema: "examples_tour"})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	var out bytes.Buffer
	if err := run(&out, st, "tour-test-"+time.Now().UTC().Format("20060102T150405.000000")); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "tour", out.Bytes())
}
