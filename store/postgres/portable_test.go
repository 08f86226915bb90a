package postgres_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// forbidden are features that CockroachDB or YugabyteDB lack or implement
// differently; the store must not depend on them.
var forbidden = regexp.MustCompile(`(?i)pg_advisory|\bLISTEN\b|\bNOTIFY\b|\b(BIG|SMALL)?SERIAL\b|\bnextval\b|CREATE\s+SEQUENCE|GENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY`)

// TestPortableSQL scans the migrations and the package's Go source (not
// its tests, which name the features to forbid them) for those features.
func TestPortableSQL(t *testing.T) {
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	gofiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	helper, err := filepath.Glob("postgrestest/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, helper...)
	for _, f := range gofiles {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	if len(files) < 5 {
		t.Fatalf("found only %v: the scan would prove nothing", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if forbidden.MatchString(line) {
				t.Errorf("%s:%d uses a feature distributed engines lack: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	// The scan can fail.
	for _, bad := range []string{"SELECT pg_advisory_xact_lock(1)", "id bigserial PRIMARY KEY", "LISTEN ch",
		"NOTIFY ch", "SELECT nextval('s')", "create sequence s", "id int GENERATED ALWAYS AS IDENTITY"} {
		if !forbidden.MatchString(bad) {
			t.Errorf("the scan misses %q", bad)
		}
	}
}
