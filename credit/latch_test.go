package credit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// gateStore counts Loads and Commit conflicts and runs onCommit once, just
// before the first Commit after it is set.
type gateStore struct {
	credit.Store
	mu        sync.Mutex
	loads     int
	conflicts int
	loaded    chan struct{} // gets a value after each Load, when not nil
	onCommit  func()
}

func (g *gateStore) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	s, err := g.Store.Load(ctx, q)
	g.mu.Lock()
	g.loads++
	ch := g.loaded
	g.mu.Unlock()
	if ch != nil {
		ch <- struct{}{}
	}
	return s, err
}

func (g *gateStore) Commit(ctx context.Context, b *credit.Batch) error {
	g.mu.Lock()
	hook := g.onCommit
	g.onCommit = nil
	g.mu.Unlock()
	if hook != nil {
		hook()
	}
	err := g.Store.Commit(ctx, b)
	if errors.Is(err, credit.ErrConflict) {
		g.mu.Lock()
		g.conflicts++
		g.mu.Unlock()
	}
	return err
}

// Two Applies of one Ledger on one account: the second reads the account
// while the first is committing it. Without the latches the second would
// commit what it read, lose to the first in the store and retry; with
// them it sees the first still holding the account, waits for it and
// reads again, and the store never reports a conflict.
func TestOperationsOfOneLedgerTakeTurnsOnAnAccount(t *testing.T) {
	f := newFixture(t)
	f.open("a", "USD", credit.Term, "0.00")
	for _, id := range []string{"1", "2"} {
		f.invoice("a", "inv"+id, "USD 10.00")
		f.payment("a", "pay"+id, "USD 10.00")
	}
	g := &gateStore{Store: f.st}
	l, err := credit.New(g, credit.AllowAll, credit.Options{Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	apply := func(key, pay, inv string) error {
		_, err := l.Apply(ctx, f.p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv}}})
		return err
	}
	second := make(chan error, 1)
	g.onCommit = func() {
		// The first Apply has read and holds the account's latch: the
		// second reads now, before the first commits, and is let commit
		// once it waits for the latch (or, without latches, once it has
		// committed what it read: then it wins, and the first loses).
		loaded := make(chan struct{}, 8)
		g.mu.Lock()
		g.loaded = loaded
		g.mu.Unlock()
		go func() { second <- apply("second", "pay2", "inv2") }()
		<-loaded
		deadline := time.Now().Add(10 * time.Second)
		for credit.LatchRefs(l, f.p.Namespace, "a") < 2 && time.Now().Before(deadline) {
			select {
			case err := <-second:
				second <- err // done without waiting for the latch
				return
			case <-time.After(time.Millisecond):
			}
		}
	}
	if err := apply("first", "pay1", "inv1"); err != nil {
		t.Fatalf("first apply: %v", err)
	}
	if err := <-second; err != nil {
		t.Fatalf("second apply: %v", err)
	}
	if g.conflicts != 0 {
		t.Errorf("the store reported %d conflicts; want none: the second Apply should have waited for the first", g.conflicts)
	}
	if g.loads != 3 {
		t.Errorf("%d Loads; want 3 (the first Apply's, the second's stale one and its fresh one)", g.loads)
	}
	f.wantDoc("inv1", "USD 0.00", invoice.Paid)
	f.wantDoc("inv2", "USD 0.00", invoice.Paid)
	f.wantBalances("a", bal{Credit: "USD 0.00", Debit: "USD 0.00", Outstanding: "USD 0.00", Limit: "USD 0.00", Available: "USD 0.00"})
	if err := f.l.Verify(ctx, f.p, "a"); err != nil {
		t.Error(err)
	}
}
