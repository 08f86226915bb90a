package storetest

import (
	"context"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store"
)

// The kit must catch broken stores, not pass anything. Each broken store
// below is the memory store with one promise of the Store contract taken
// away; the scenarios named for it must report failure.

// ignoresVersions commits whatever versions it is given: before delegating
// it rewrites each record's version to follow the stored one, as a store
// without optimistic concurrency would, and numbers the entries itself
// after the stored history (an auto-increment), so that no check is left to
// catch a lost update. A pause after each read widens the window in which
// two operations work on the same state, as a network round trip does.
type ignoresVersions struct{ *store.Memory }

func (s ignoresVersions) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	snap, err := s.Memory.Load(ctx, q)
	time.Sleep(2 * time.Millisecond)
	return snap, err
}

func (s ignoresVersions) Commit(ctx context.Context, b *credit.Batch) error {
	var accts, docs []string
	for _, a := range b.Accounts {
		accts = append(accts, a.ID)
	}
	for _, d := range b.Documents {
		docs = append(docs, d.ID)
	}
	snap, err := s.Memory.Load(ctx, credit.Query{Namespace: b.Namespace, Accounts: accts, Documents: docs})
	if err != nil {
		return err
	}
	c := *b
	c.Accounts = slices.Clone(b.Accounts)
	c.Documents = slices.Clone(b.Documents)
	for i := range c.Accounts {
		c.Accounts[i].Version = snap.Accounts[c.Accounts[i].ID].Version + 1
	}
	for i := range c.Documents {
		c.Documents[i].Version = snap.Documents[c.Documents[i].ID].Version + 1
	}
	c.Entries = slices.Clone(b.Entries)
	next := map[string]int64{}
	for i, e := range c.Entries {
		if _, ok := next[e.Account]; !ok {
			h, err := s.Memory.History(ctx, b.Namespace, e.Account, 0, 0)
			if err != nil {
				return err
			}
			next[e.Account] = int64(len(h)) + 1
		}
		c.Entries[i].Seq = next[e.Account]
		next[e.Account]++
	}
	return s.Memory.Commit(ctx, &c)
}

// forgetsKeys never records an idempotency key.
type forgetsKeys struct{ *store.Memory }

func (s forgetsKeys) Commit(ctx context.Context, b *credit.Batch) error {
	c := *b
	c.Idempotency = nil
	return s.Memory.Commit(ctx, &c)
}

// losesEntries drops the history entries of every batch.
type losesEntries struct{ *store.Memory }

func (s losesEntries) Commit(ctx context.Context, b *credit.Batch) error {
	c := *b
	c.Entries = nil
	return s.Memory.Commit(ctx, &c)
}

// notAtomic writes a batch one record at a time and stops at the first
// refusal, keeping what it wrote before it.
type notAtomic struct{ *store.Memory }

func (s notAtomic) Commit(ctx context.Context, b *credit.Batch) error {
	var parts []*credit.Batch
	for _, a := range b.Accounts {
		parts = append(parts, &credit.Batch{Namespace: b.Namespace, Accounts: []credit.Account{a}})
	}
	for _, d := range b.Documents {
		parts = append(parts, &credit.Batch{Namespace: b.Namespace, Documents: []invoice.Document{d}})
	}
	for _, a := range b.Applications {
		parts = append(parts, &credit.Batch{Namespace: b.Namespace, Applications: []credit.Application{a}})
	}
	for _, e := range b.Entries {
		parts = append(parts, &credit.Batch{Namespace: b.Namespace, Entries: []credit.Entry{e}})
	}
	if b.Idempotency != nil {
		parts = append(parts, &credit.Batch{Namespace: b.Namespace, Idempotency: b.Idempotency})
	}
	for _, p := range parts {
		if err := s.Memory.Commit(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func scenarioByName(t *testing.T, name string) scenario {
	t.Helper()
	for _, sc := range scenarios() {
		if sc.name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %q", name)
	return scenario{}
}

// quietRapid keeps a failing state machine from writing fail files and
// from shrinking for long while the kit's own tests run it on broken stores.
func quietRapid(t *testing.T) {
	t.Helper()
	for name, v := range map[string]string{"rapid.nofailfile": "true", "rapid.shrinktime": "2s"} {
		f := flag.Lookup(name)
		if f == nil {
			t.Fatalf("no flag %s", name)
		}
		old := f.Value.String()
		if err := flag.Set(name, v); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { flag.Set(name, old) })
	}
}

func TestKitCatchesBrokenStores(t *testing.T) {
	quietRapid(t)
	cases := []struct {
		name     string
		newStore func() credit.Store
		mustFail []string
	}{
		{"ignores versions", func() credit.Store { return ignoresVersions{store.NewMemory()} },
			[]string{"Store/StaleVersion", "Store/AllOrNothing", "Concurrent/DoubleSpend"}},
		{"forgets idempotency keys", func() credit.Store { return forgetsKeys{store.NewMemory()} },
			[]string{"Store/Duplicates", "Store/AllOrNothing", "Ledger/Idempotency", "Concurrent/SameKey", "StateMachine"}},
		{"loses entries", func() credit.Store { return losesEntries{store.NewMemory()} },
			[]string{"Store/CommitAndLoad", "Store/History", "Store/EntryAt", "Ledger/Operations", "Ledger/Reads",
				"Concurrent/DoubleSpend", "StateMachine"}},
		{"is not atomic", func() credit.Store { return notAtomic{store.NewMemory()} },
			[]string{"Store/AllOrNothing"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range c.mustFail {
				sc := scenarioByName(t, name)
				r := record(name, func(t tb) { sc.run(t, c.newStore()) })
				if !r.Failed() {
					t.Errorf("scenario %s passed a store that %s", name, c.name)
				} else {
					t.Logf("%s: caught: %s", name, firstLine(r.logs))
				}
			}
		})
	}
}

// TestRecorderPassesMemory shows that the recorder reports no failure when
// the store is sound, so that the failures above are the broken stores'.
func TestRecorderPassesMemory(t *testing.T) {
	for _, sc := range scenarios() {
		if sc.name == "StateMachine" {
			continue // run in full by the store package's tests
		}
		r := record(sc.name, func(t tb) { sc.run(t, store.NewMemory()) })
		if r.Failed() {
			t.Errorf("scenario %s fails the memory store: %s", sc.name, strings.Join(r.logs, "\n"))
		}
	}
}

func TestRecorderSeesFatal(t *testing.T) {
	r := record("fatal", func(t tb) {
		t.Fatalf("stop")
		panic("not reached")
	})
	if !r.Failed() || len(r.logs) != 1 {
		t.Errorf("recorder after Fatalf: failed %v, logs %q", r.Failed(), r.logs)
	}
	if r := record("pass", func(t tb) { t.Logf("fine") }); r.Failed() {
		t.Errorf("recorder failed without an error")
	}
}

func firstLine(logs []string) string {
	for _, l := range logs {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "[rapid] draw") {
			l, _, _ = strings.Cut(strings.TrimSpace(l), "\n")
			return l
		}
	}
	return ""
}
