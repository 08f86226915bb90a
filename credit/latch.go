package credit

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// latches make the operations of one Ledger take turns on an account.
//
// The store's version check is what keeps concurrent operations correct:
// of two writers of an account, the first to commit wins and the other
// reads again. On a hot account (a company whose buyers all spend one
// credit line) that race is lost often, and an unlucky operation can lose
// it many times in a row. So before it commits, an operation holds the
// latches of the accounts it read, until it returns. If one is held by
// another operation of this Ledger, which is about to commit that account,
// what this one read is stale: it waits for the latch and reads again,
// instead of failing in the store. Operations on different accounts never
// wait for one another. A latch is waited for only in order, after letting
// all go (otherwise it is taken without waiting), and never during a
// Commit, so two operations cannot wait for each other. Operations of
// other processes are held off by the store alone, as before.
//
// A latch exists while an operation holds or waits for it. An operation
// over many accounts (a consolidation) holds all their latches while it
// commits.
type latches struct {
	mu sync.Mutex
	m  map[string]*latch // by namespace and account
	// recent is the version of each account this Ledger committed last,
	// by latch key (at most maxRecent; then it starts again). An operation
	// that read an account just before another one committed it, and took
	// its latch just after, holds a stale read that the latch alone does
	// not reveal: hold compares the read with this.
	recent map[string]int64
}

// latch is one account's: a channel of one slot, full while held.
type latch struct {
	ch   chan struct{}
	refs int // operations holding it or trying to take it
}

func newLatches() *latches {
	return &latches{m: map[string]*latch{}, recent: map[string]int64{}}
}

// maxRecent bounds latches.recent: forgetting an account only costs an
// operation that read it stale a failed Commit, as without it.
const maxRecent = 4096

// latchKey is the key of the latch of account in namespace ns.
func latchKey(ns, account string) string { return ns + "\x00" + account }

// of returns the sorted keys of the latches of the accounts read in
// namespace ns.
func of(ns string, read map[string]*Account) []string {
	keys := make([]string, 0, len(read))
	for a := range read {
		keys = append(keys, latchKey(ns, a))
	}
	slices.Sort(keys)
	return keys
}

// take takes the latch of key, waiting for it until ctx ends if wait is
// set, else only if it is free. It reports whether it took it.
func (ls *latches) take(ctx context.Context, key string, wait bool) bool {
	ls.mu.Lock()
	l := ls.m[key]
	if l == nil {
		l, _ = freeLatches.Get().(*latch)
		if l == nil {
			l = &latch{ch: make(chan struct{}, 1)}
		}
		ls.m[key] = l
	}
	l.refs++
	ls.mu.Unlock()
	if wait {
		select {
		case l.ch <- struct{}{}:
			return true
		case <-ctx.Done():
		}
	} else {
		select {
		case l.ch <- struct{}{}:
			return true
		default:
		}
	}
	ls.drop(key, l)
	return false
}

// freeLatches keeps latches no account has any more, so that taking a
// latch does not make a channel each time.
var freeLatches sync.Pool

// drop forgets one holder or taker of the latch l of key.
func (ls *latches) drop(key string, l *latch) {
	ls.mu.Lock()
	if l.refs--; l.refs == 0 {
		// Nobody holds l or waits for it, so its slot is empty and no
		// one else has it: the next account's latch may be this one.
		delete(ls.m, key)
		freeLatches.Put(l)
	}
	ls.mu.Unlock()
}

// hold takes the latches of the accounts read that *held lacks, without
// waiting. It reports false, holding nothing it did not hold before, when
// one of them is taken.
func (ls *latches) hold(ctx context.Context, held *[]string, ns string, read map[string]*Account) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	want := of(ns, read)
	got := want[:0] // reuses want: a key is read before its slot is written
	for _, k := range want {
		if _, ok := slices.BinarySearch(*held, k); !ok {
			if !ls.take(ctx, k, false) {
				ls.release(got)
				return false, nil
			}
			got = append(got, k)
		}
		// Held now: no operation of this Ledger commits it meanwhile.
		if ls.newer(k, read[k[len(ns)+1:]].Version) {
			ls.release(got)
			return false, nil
		}
	}
	if len(*held) == 0 {
		*held = got // sorted, as want is
	} else {
		*held = slices.Sorted(slices.Values(append(*held, got...)))
	}
	return true, nil
}

// newer reports whether this Ledger committed the account of key at a
// version above v, and forgets it if so: the operation reads again, and
// should the store ever go back to an earlier version (a restore), it
// trusts the store's at the second reading.
func (ls *latches) newer(key string, v int64) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if r, ok := ls.recent[key]; ok && r > v {
		delete(ls.recent, key)
		return true
	}
	return false
}

// committed notes the versions of the accounts an operation committed,
// while it still holds their latches, held (the keys of namespace ns).
func (ls *latches) committed(held []string, ns string, accounts []Account) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if len(ls.recent)+len(accounts) > maxRecent {
		clear(ls.recent)
	}
	for _, a := range accounts {
		i, ok := slices.BinarySearchFunc(held, a.ID, func(k, id string) int { return strings.Compare(k[len(ns)+1:], id) })
		if ok {
			ls.recent[held[i]] = a.Version
		}
	}
}

// wait lets go of the latches held and takes them again in order, with
// those of the accounts read, waiting for each until ctx ends. It holds
// nothing when it fails.
func (ls *latches) wait(ctx context.Context, held *[]string, ns string, read map[string]*Account) error {
	want := slices.Compact(slices.Sorted(slices.Values(append(of(ns, read), *held...))))
	ls.release(*held)
	*held = nil
	for n, k := range want {
		if !ls.take(ctx, k, true) {
			ls.release(want[:n])
			return ctx.Err()
		}
	}
	*held = want
	return nil
}

// release gives the latches of keys back.
func (ls *latches) release(keys []string) {
	for _, k := range keys {
		ls.mu.Lock()
		l := ls.m[k]
		ls.mu.Unlock()
		<-l.ch
		ls.drop(k, l)
	}
}
