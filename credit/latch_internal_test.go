package credit

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// accounts is a set of accounts read, as a txn keeps it.
func accounts(ids ...string) map[string]*Account {
	m := map[string]*Account{}
	for _, id := range ids {
		m[id] = &Account{ID: id}
	}
	return m
}

// wantNoLatches fails unless every latch is free and forgotten.
func wantNoLatches(t *testing.T, ls *latches) {
	t.Helper()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if len(ls.m) != 0 {
		t.Errorf("%d latches left behind", len(ls.m))
	}
}

func TestLatchesHoldWithoutWaiting(t *testing.T) {
	ls := newLatches()
	ctx := context.Background()
	var a, b []string
	if ok, err := ls.hold(ctx, &a, "ns", accounts("x")); !ok || err != nil {
		t.Fatalf("hold of a free latch: %v, %v", ok, err)
	}
	// Holding it again is a no-op.
	if ok, _ := ls.hold(ctx, &a, "ns", accounts("x")); !ok || len(a) != 1 {
		t.Fatalf("hold of a latch held: %v, held %v", ok, a)
	}
	// b wants y (free) and x (a's): it must get neither.
	if ok, err := ls.hold(ctx, &b, "ns", accounts("x", "y")); ok || err != nil || len(b) != 0 {
		t.Fatalf("hold of a taken latch: %v, %v, held %v; want false, nil, nothing", ok, err, b)
	}
	// The same account in another namespace is another latch.
	var c []string
	if ok, _ := ls.hold(ctx, &c, "other", accounts("x")); !ok {
		t.Fatal("the latch of x in another namespace is taken")
	}
	ls.release(c)
	ls.release(a)
	if ok, _ := ls.hold(ctx, &b, "ns", accounts("y", "x")); !ok || len(b) != 2 || !slices.IsSorted(b) {
		t.Fatalf("hold after release: %v, held %v", ok, b)
	}
	ls.release(b)
	wantNoLatches(t, ls)
}

func TestLatchesWaitTakesTurnsAndHonoursTheContext(t *testing.T) {
	ls := newLatches()
	var a []string
	if ok, _ := ls.hold(context.Background(), &a, "ns", accounts("y")); !ok {
		t.Fatal("hold failed")
	}
	// Waiting for a latch taken ends with the context, holding nothing,
	// not even the free latch taken on the way.
	var b []string
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := ls.wait(ctx, &b, "ns", accounts("x", "y")); !errors.Is(err, context.DeadlineExceeded) || b != nil {
		t.Fatalf("wait on a taken latch: %v, held %v; want DeadlineExceeded and nothing", err, b)
	}
	var c []string
	if ok, _ := ls.hold(context.Background(), &c, "ns", accounts("x")); !ok {
		t.Fatal("the free latch was kept after a failed wait")
	}
	ls.release(c)
	// Released, the waiter gets both, in order.
	done := make(chan error, 1)
	go func() { done <- ls.wait(context.Background(), &b, "ns", accounts("x", "y")) }()
	time.Sleep(5 * time.Millisecond)
	ls.release(a)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := []string{"ns\x00x", "ns\x00y"}; !slices.Equal(b, want) {
		t.Fatalf("held %q, want %q", b, want)
	}
	ls.release(b)
	wantNoLatches(t, ls)
}

// TestLatchesKnowWhatWasCommitted: an account read below the version this
// Ledger last committed is stale even when its latch is free (the other
// operation committed and let go between the read and the hold); the
// second reading is trusted, whatever the store says.
func TestLatchesKnowWhatWasCommitted(t *testing.T) {
	ls := newLatches()
	ctx := context.Background()
	read := func(v int64) map[string]*Account {
		return map[string]*Account{"a": {ID: "a", Version: v}, "b": {ID: "b", Version: 1}}
	}
	var held []string
	if ok, err := ls.hold(ctx, &held, "ns", read(1)); !ok || err != nil {
		t.Fatalf("hold of a fresh read: %v, %v", ok, err)
	}
	ls.committed(held, "ns", []Account{{ID: "a", Version: 2}})
	ls.release(held)
	held = nil
	if ok, _ := ls.hold(ctx, &held, "ns", read(1)); ok || len(held) != 0 {
		t.Fatalf("hold of a read below the version committed: %v, holding %q", ok, held)
	}
	if ok, _ := ls.hold(ctx, &held, "ns", read(2)); !ok {
		t.Fatal("hold of a read at the version committed refused")
	}
	ls.release(held)
	held = nil
	ls.committed([]string{latchKey("ns", "a")}, "ns", []Account{{ID: "a", Version: 5}})
	if ok, _ := ls.hold(ctx, &held, "ns", read(3)); ok {
		t.Fatal("hold of a stale read allowed")
	}
	if ok, _ := ls.hold(ctx, &held, "ns", read(3)); !ok {
		t.Fatal("the second reading, after a restore to an earlier version, refused")
	}
	ls.release(held)
	wantNoLatches(t, ls)
}
