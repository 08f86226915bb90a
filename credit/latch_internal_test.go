package credit

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// accountsOn returns n accounts whose latches differ, and those latches.
func accountsOn(ls *latches, n int) ([]map[string]*Account, []int) {
	var read []map[string]*Account
	var idx []int
	for i := 0; len(read) < n; i++ {
		id := string(rune('a'+i%26)) + string(rune('0'+i/26))
		m := map[string]*Account{id: nil}
		l := ls.of("ns", m)[0]
		if !slices.Contains(idx, l) {
			read, idx = append(read, m), append(idx, l)
		}
	}
	return read, idx
}

func TestLatchesHoldWithoutWaiting(t *testing.T) {
	ls := newLatches()
	read, idx := accountsOn(ls, 2)
	ctx := context.Background()
	var a, b []int
	if ok, err := ls.hold(ctx, &a, "ns", read[0]); !ok || err != nil {
		t.Fatalf("hold of a free latch: %v, %v", ok, err)
	}
	if !slices.Equal(a, idx[:1]) {
		t.Fatalf("held %v, want %v", a, idx[:1])
	}
	// Holding it again is a no-op.
	if ok, _ := ls.hold(ctx, &a, "ns", read[0]); !ok || len(a) != 1 {
		t.Fatalf("hold of a latch held: %v, held %v", ok, a)
	}
	// b wants both: one is free, one is a's. It must get neither.
	both := map[string]*Account{}
	for _, m := range read {
		for k := range m {
			both[k] = nil
		}
	}
	if ok, err := ls.hold(ctx, &b, "ns", both); ok || err != nil || len(b) != 0 {
		t.Fatalf("hold of a taken latch: %v, %v, held %v; want false, nil, nothing", ok, err, b)
	}
	if n := len(ls.ch[idx[1]]); n != 0 {
		t.Fatalf("the free latch was kept after a failed hold")
	}
	ls.release(a)
	if ok, _ := ls.hold(ctx, &b, "ns", both); !ok || len(b) != 2 || !slices.IsSorted(b) {
		t.Fatalf("hold after release: %v, held %v", ok, b)
	}
	ls.release(b)
	for i, c := range ls.ch {
		if len(c) != 0 {
			t.Errorf("latch %d still taken", i)
		}
	}
}

func TestLatchesWaitTakesTurnsAndHonoursTheContext(t *testing.T) {
	ls := newLatches()
	read, idx := accountsOn(ls, 2)
	var a []int
	if ok, _ := ls.hold(context.Background(), &a, "ns", read[1]); !ok {
		t.Fatal("hold failed")
	}
	// Waiting for a latch taken ends with the context, holding nothing,
	// not even the free latch taken on the way.
	b := []int{}
	both := map[string]*Account{}
	for _, m := range read {
		for k := range m {
			both[k] = nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := ls.wait(ctx, &b, "ns", both); !errors.Is(err, context.DeadlineExceeded) || b != nil {
		t.Fatalf("wait on a taken latch: %v, held %v; want DeadlineExceeded and nothing", err, b)
	}
	if len(ls.ch[idx[0]]) != 0 {
		t.Fatal("the free latch was kept after a failed wait")
	}
	// Released, the waiter gets both, in order.
	done := make(chan error, 1)
	go func() { done <- ls.wait(context.Background(), &b, "ns", both) }()
	time.Sleep(5 * time.Millisecond)
	ls.release(a)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(idx))
	if !slices.Equal(b, want) {
		t.Fatalf("held %v, want %v", b, want)
	}
	ls.release(b)
}
