package credit

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestNewV7: the default ids are version 7 UUIDs of the RFC's variant, as
// uuid.NewV7 makes them, each greater than the one before, and of this
// millisecond. TestNewV7Allocations counts its allocations.
func TestNewV7(t *testing.T) {
	prev := ""
	for range 10000 {
		before := time.Now().UnixMilli()
		id := newV7()
		u, err := uuid.Parse(id)
		if err != nil {
			t.Fatalf("newV7 gave %q: %v", id, err)
		}
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 || u.String() != id {
			t.Fatalf("newV7 gave %q: version %d, variant %s", id, u.Version(), u.Variant())
		}
		if id <= prev {
			t.Fatalf("newV7 gave %q after %q", id, prev)
		}
		sec, nsec := u.Time().UnixTime()
		if ms := sec*1000 + nsec/1e6; ms < before-1 || ms > time.Now().UnixMilli()+1 {
			t.Fatalf("newV7 gave %q of %d ms, made between %d and now", id, ms, before)
		}
		prev = id
	}
}
