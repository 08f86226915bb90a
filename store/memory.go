package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Memory is a credit.Store that keeps everything in maps under one lock.
// Commit checks every version and key before it changes anything, so a
// failed commit leaves no trace. Records are values: what Load returns is a
// copy the caller may change freely.
type Memory struct {
	mu     sync.RWMutex
	spaces map[string]*space
}

// space is one namespace's records.
type space struct {
	accounts map[string]credit.Account
	docs     map[string]invoice.Document
	byAcct   map[string][]string            // account → its document ids
	open     map[string]map[string]struct{} // account → ids of its open documents
	apps     map[string]credit.Application
	appsOf   map[string][]string // document → ids of applications touching it
	appsByOp map[string][]string // operation → ids of its applications
	history  map[string][]credit.Entry
	idem     map[string]credit.Idempotency
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	return &Memory{spaces: map[string]*space{}}
}

func (m *Memory) space(ns string, create bool) *space {
	s := m.spaces[ns]
	if s == nil && create {
		s = &space{accounts: map[string]credit.Account{}, docs: map[string]invoice.Document{},
			byAcct: map[string][]string{}, open: map[string]map[string]struct{}{},
			apps: map[string]credit.Application{}, appsOf: map[string][]string{},
			appsByOp: map[string][]string{}, history: map[string][]credit.Entry{},
			idem: map[string]credit.Idempotency{}}
		m.spaces[ns] = s
	}
	return s
}

// Load implements credit.Store.
func (m *Memory) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	snap := &credit.Snapshot{Accounts: map[string]credit.Account{}, Documents: map[string]invoice.Document{}}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.space(q.Namespace, false)
	if s == nil {
		return snap, nil
	}
	for _, id := range q.Accounts {
		if a, ok := s.accounts[id]; ok {
			snap.Accounts[id] = a
		}
	}
	for _, id := range q.Documents {
		if d, ok := s.docs[id]; ok {
			snap.Documents[id] = d
			if q.DocumentAccounts {
				snap.Accounts[d.Account] = s.accounts[d.Account]
			}
		}
	}
	for _, acct := range q.OpenOf {
		for id := range s.open[acct] {
			snap.Documents[id] = s.docs[id]
		}
	}
	seen := map[string]bool{}
	addApp := func(id string) {
		if !seen[id] {
			seen[id] = true
			snap.Applications = append(snap.Applications, s.apps[id])
		}
	}
	for _, doc := range q.ApplicationsOf {
		for _, id := range s.appsOf[doc] {
			addApp(id)
		}
	}
	for _, id := range q.Applications {
		if _, ok := s.apps[id]; ok {
			addApp(id)
		}
	}
	if q.Operation != "" {
		for _, id := range s.appsByOp[q.Operation] {
			addApp(id)
		}
	}
	if q.Idempotency != "" {
		if rec, ok := s.idem[q.Idempotency]; ok {
			rec.Result = slices.Clone(rec.Result)
			snap.Idempotency = &rec
		}
	}
	return snap, nil
}

// Commit implements credit.Store.
func (m *Memory) Commit(ctx context.Context, b *credit.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.space(b.Namespace, true)
	if err := s.check(b); err != nil {
		return err
	}
	s.apply(b)
	return nil
}

func conflict(format string, a ...any) error {
	return fmt.Errorf("%w: %s", credit.ErrConflict, fmt.Sprintf(format, a...))
}

// check verifies every precondition of b without changing anything.
func (s *space) check(b *credit.Batch) error {
	for _, a := range b.Accounts {
		if got := s.accounts[a.ID].Version; got != a.Version-1 {
			return conflict("account %q is at version %d, not %d", a.ID, got, a.Version-1)
		}
	}
	for _, d := range b.Documents {
		if got := s.docs[d.ID].Version; got != d.Version-1 {
			return conflict("document %q is at version %d, not %d", d.ID, got, d.Version-1)
		}
	}
	for _, a := range b.Applications {
		if _, ok := s.apps[a.ID]; ok {
			return conflict("application %q exists", a.ID)
		}
	}
	next := map[string]int64{}
	for _, e := range b.Entries {
		n, ok := next[e.Account]
		if !ok {
			n = int64(len(s.history[e.Account])) + 1
		}
		if e.Seq != n {
			return conflict("entry %d of account %q is not the next (%d)", e.Seq, e.Account, n)
		}
		next[e.Account] = n + 1
	}
	if b.Idempotency != nil {
		if _, ok := s.idem[b.Idempotency.Key]; ok {
			return conflict("idempotency key %q is recorded", b.Idempotency.Key)
		}
	}
	return nil
}

func (s *space) apply(b *credit.Batch) {
	for _, a := range b.Accounts {
		s.accounts[a.ID] = a
	}
	for _, d := range b.Documents {
		if _, ok := s.docs[d.ID]; !ok {
			s.byAcct[d.Account] = append(s.byAcct[d.Account], d.ID)
		}
		s.docs[d.ID] = d
		open := s.open[d.Account]
		if open == nil {
			open = map[string]struct{}{}
			s.open[d.Account] = open
		}
		if d.Status == invoice.Open {
			open[d.ID] = struct{}{}
		} else {
			delete(open, d.ID)
		}
	}
	for _, a := range b.Applications {
		s.apps[a.ID] = a
		s.appsOf[a.Credit] = append(s.appsOf[a.Credit], a.ID)
		if a.Debit != a.Credit {
			s.appsOf[a.Debit] = append(s.appsOf[a.Debit], a.ID)
		}
		s.appsByOp[a.Operation] = append(s.appsByOp[a.Operation], a.ID)
	}
	for _, e := range b.Entries {
		s.history[e.Account] = append(s.history[e.Account], e)
	}
	if b.Idempotency != nil {
		rec := *b.Idempotency
		rec.Result = slices.Clone(rec.Result)
		s.idem[rec.Key] = rec
	}
}

// History implements credit.Store.
func (m *Memory) History(ctx context.Context, ns, account string, afterSeq int64, limit int) ([]credit.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.space(ns, false)
	if s == nil {
		return nil, nil
	}
	h := s.history[account]
	if afterSeq < 0 {
		afterSeq = 0
	}
	if afterSeq >= int64(len(h)) {
		return nil, nil
	}
	page := h[afterSeq:]
	if limit > 0 && len(page) > limit {
		page = page[:limit]
	}
	return slices.Clone(page), nil
}

// EntryAt implements credit.Store by binary search: entries of an account are
// in time order.
func (m *Memory) EntryAt(ctx context.Context, ns, account string, t time.Time) (credit.Entry, bool, error) {
	if err := ctx.Err(); err != nil {
		return credit.Entry{}, false, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.space(ns, false)
	if s == nil {
		return credit.Entry{}, false, nil
	}
	h := s.history[account]
	i := sort.Search(len(h), func(i int) bool { return h[i].At.After(t) })
	if i == 0 {
		return credit.Entry{}, false, nil
	}
	return h[i-1], true, nil
}

// Documents implements credit.Store.
func (m *Memory) Documents(ctx context.Context, ns string, f credit.DocumentFilter) ([]invoice.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.space(ns, false)
	if s == nil {
		return nil, nil
	}
	var out []invoice.Document
	ids := s.byAcct[f.Account]
	if f.OpenOnly {
		ids = ids[:0:0]
		for id := range s.open[f.Account] {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		d := s.docs[id]
		if (len(f.Kinds) == 0 || slices.Contains(f.Kinds, d.Kind)) && (f.Original == "" || d.Original == f.Original) {
			out = append(out, d)
		}
	}
	order := func(x, y invoice.Document) int {
		if c := x.Issued.Compare(y.Issued); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	}
	slices.SortFunc(out, order)
	if f.After != "" {
		if cur, ok := s.docs[f.After]; ok {
			i := sort.Search(len(out), func(i int) bool { return order(out[i], cur) > 0 })
			out = out[i:]
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// AccountIDs implements credit.AccountLister: the namespace's account ids in
// order, after the cursor, at most limit (all when 0).
func (m *Memory) AccountIDs(ctx context.Context, ns, after string, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.space(ns, false)
	if s == nil {
		return nil, nil
	}
	var ids []string
	for id := range s.accounts {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, nil
}
