package credit

import (
	"context"
	"hash/maphash"
	"slices"
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
// Accounts share a fixed number of latches by hash; two accounts on one
// latch only make their operations take turns, and an operation over many
// accounts (a consolidation of hundreds) briefly holds up most others of
// its Ledger while it commits.
type latches struct {
	seed maphash.Seed
	ch   [latchCount]chan struct{}
}

const latchCount = 256

func newLatches() *latches {
	ls := &latches{seed: maphash.MakeSeed()}
	for i := range ls.ch {
		ls.ch[i] = make(chan struct{}, 1)
	}
	return ls
}

// of returns the sorted, distinct latches of the accounts read in
// namespace ns.
func (ls *latches) of(ns string, read map[string]*Account) []int {
	idx := make([]int, 0, len(read))
	for a := range read {
		var h maphash.Hash
		h.SetSeed(ls.seed)
		h.WriteString(ns)
		h.WriteByte(0)
		h.WriteString(a)
		idx = append(idx, int(h.Sum64()%latchCount))
	}
	slices.Sort(idx)
	return slices.Compact(idx)
}

// hold takes the latches of the accounts read that *held lacks, without
// waiting. It reports false, holding nothing it did not hold before, when
// one of them is taken.
func (ls *latches) hold(ctx context.Context, held *[]int, ns string, read map[string]*Account) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	want := ls.of(ns, read)
	got := want[:0] // reuses want: i is read before its slot is written
	for _, i := range want {
		if _, ok := slices.BinarySearch(*held, i); ok {
			continue
		}
		select {
		case ls.ch[i] <- struct{}{}:
			got = append(got, i)
		default:
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

// wait lets go of the latches held and takes them again in order, with
// those of the accounts read, waiting for each until ctx ends. It holds
// nothing when it fails.
func (ls *latches) wait(ctx context.Context, held *[]int, ns string, read map[string]*Account) error {
	want := slices.Compact(slices.Sorted(slices.Values(append(ls.of(ns, read), *held...))))
	ls.release(*held)
	*held = nil
	for n, i := range want {
		select {
		case ls.ch[i] <- struct{}{}:
		case <-ctx.Done():
			ls.release(want[:n])
			return ctx.Err()
		}
	}
	*held = want
	return nil
}

// release gives the latches idx back.
func (ls *latches) release(idx []int) {
	for _, i := range idx {
		<-ls.ch[i]
	}
}
