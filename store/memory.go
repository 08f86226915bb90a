package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Memory is a credit.Store that keeps everything in maps under one lock.
// Commit checks every version and key before it changes anything, so a
// failed commit leaves no trace. Records are values: what Load returns is a
// copy the caller may change freely. Commit also keeps the orders that pages
// are read in (account ids, each account's documents), so that a page of
// Documents or AccountIDs costs the same however many records there are.
type Memory struct {
	mu     sync.RWMutex
	spaces map[string]*space
}

// space is one namespace's records, with the orders its pages are read in:
// the account ids in byte order, and each account's documents by kind in
// (Issued, ID) order, all of them and the open ones, so that a page costs
// O(log n + page) whatever the size of the namespace or the account.
type space struct {
	accounts map[string]credit.Account
	ids      *sortedSet[string] // every account id
	docs     map[string]invoice.Document
	byAcct   map[string]*accountDocs
	amends   map[string]map[string]struct{} // document → ids of the documents that amend it
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
		s = &space{accounts: map[string]credit.Account{}, ids: newSortedSet(strings.Compare),
			docs: map[string]invoice.Document{}, byAcct: map[string]*accountDocs{},
			amends: map[string]map[string]struct{}{}, apps: map[string]credit.Application{}, appsOf: map[string][]string{},
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
			snap.Documents[id] = docCopy(d)
			if q.DocumentAccounts {
				snap.Accounts[d.Account] = s.accounts[d.Account]
			}
		}
	}
	for _, acct := range q.OpenOf {
		if ad := s.byAcct[acct]; ad != nil {
			for _, set := range ad.open {
				set.All(func(k docKey) bool {
					snap.Documents[k.id] = docCopy(s.docs[k.id])
					return true
				})
			}
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

// docCopy returns d with labels of its own: a document's labels are a map,
// and neither the caller who committed it nor one who read it may change
// what the store keeps.
func docCopy(d invoice.Document) invoice.Document {
	d.Labels = invoice.CloneLabels(d.Labels)
	return d
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
		if _, ok := s.accounts[a.ID]; !ok {
			s.ids.Insert(a.ID)
		}
		s.accounts[a.ID] = a
	}
	for _, d := range b.Documents {
		old, ok := s.docs[d.ID]
		d = docCopy(d)
		s.docs[d.ID] = d
		s.reindex(old, ok, d)
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

// Documents implements credit.Store. Without f.Original, it walks the
// account's ordered sets of the kinds asked for from the cursor, merging
// them, and stops at the limit; with it, it sorts the few documents that
// amend that one.
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
	var after *docKey
	if cur, ok := s.docs[f.After]; ok && f.After != "" {
		k := keyOf(cur)
		after = &k
	}
	if f.Original != "" {
		return s.amendments(f, after), nil
	}
	ad := s.byAcct[f.Account]
	if ad == nil {
		return nil, nil
	}
	sets := ad.all
	if f.OpenOnly {
		sets = ad.open
	}
	var cursors []cursor[docKey]
	// most is the page's length at most, to make room for it once: the
	// sets' lengths, bounded by the limit (without one, a cursor would
	// make it too large).
	var most int
	for kind, set := range sets {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, kind) {
			continue
		}
		most += set.Len()
		if after != nil {
			cursors = append(cursors, set.After(*after))
		} else {
			cursors = append(cursors, set.First())
		}
	}
	if f.Limit > 0 {
		most = min(most, f.Limit)
	}
	var out []invoice.Document
	if most > 0 && (f.Limit > 0 || after == nil) {
		out = make([]invoice.Document, 0, most)
	}
	for f.Limit <= 0 || len(out) < f.Limit {
		best := -1
		var bestKey docKey
		for i := range cursors {
			if k, ok := cursors[i].Peek(); ok && (best < 0 || compareKeys(k, bestKey) < 0) {
				best, bestKey = i, k
			}
		}
		if best < 0 {
			break
		}
		cursors[best].Next()
		out = append(out, docCopy(s.docs[bestKey.id]))
	}
	if len(out) == 0 {
		return nil, nil // an empty page is nil, room made or not
	}
	return out, nil
}

// amendments returns the page of f among the documents that amend
// f.Original.
func (s *space) amendments(f credit.DocumentFilter, after *docKey) []invoice.Document {
	var out []invoice.Document
	for id := range s.amends[f.Original] {
		d := s.docs[id]
		if d.Account == f.Account && (!f.OpenOnly || d.Status == invoice.Open) &&
			(len(f.Kinds) == 0 || slices.Contains(f.Kinds, d.Kind)) &&
			(after == nil || compareKeys(keyOf(d), *after) > 0) {
			out = append(out, docCopy(d))
		}
	}
	slices.SortFunc(out, func(x, y invoice.Document) int { return compareKeys(keyOf(x), keyOf(y)) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
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
	for cur := s.ids.After(after); limit <= 0 || len(ids) < limit; cur.Next() {
		id, ok := cur.Peek()
		if !ok {
			break
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// docKey is where a document sits in its account's order.
type docKey struct {
	issued time.Time
	id     string
}

func keyOf(d invoice.Document) docKey { return docKey{issued: d.Issued, id: d.ID} }

// compareKeys orders documents by (Issued, ID), ids byte by byte.
func compareKeys(x, y docKey) int {
	if c := x.issued.Compare(y.issued); c != 0 {
		return c
	}
	return strings.Compare(x.id, y.id)
}

// accountDocs are an account's documents in (Issued, ID) order, by kind:
// all of them, and the open ones.
type accountDocs struct {
	all, open map[invoice.Kind]*sortedSet[docKey]
}

// set returns the set of kind in sets, made when missing.
func set(sets map[invoice.Kind]*sortedSet[docKey], kind invoice.Kind) *sortedSet[docKey] {
	s := sets[kind]
	if s == nil {
		s = newSortedSet(compareKeys)
		sets[kind] = s
	}
	return s
}

// reindex moves document d, which replaces old (when existed), to its
// place in its account's sets and in the index of amendments.
func (s *space) reindex(old invoice.Document, existed bool, d invoice.Document) {
	moved := !existed || old.Account != d.Account || old.Kind != d.Kind || !old.Issued.Equal(d.Issued)
	wasOpen, isOpen := existed && old.Status == invoice.Open, d.Status == invoice.Open
	if existed && moved {
		ad := s.byAcct[old.Account]
		ad.all[old.Kind].Delete(keyOf(old))
		if wasOpen {
			ad.open[old.Kind].Delete(keyOf(old))
		}
	}
	ad := s.byAcct[d.Account]
	if ad == nil {
		ad = &accountDocs{all: map[invoice.Kind]*sortedSet[docKey]{}, open: map[invoice.Kind]*sortedSet[docKey]{}}
		s.byAcct[d.Account] = ad
	}
	switch {
	case moved:
		set(ad.all, d.Kind).Insert(keyOf(d))
		if isOpen {
			set(ad.open, d.Kind).Insert(keyOf(d))
		}
	case isOpen && !wasOpen:
		set(ad.open, d.Kind).Insert(keyOf(d))
	case wasOpen && !isOpen:
		ad.open[d.Kind].Delete(keyOf(d))
	}
	if existed && old.Original != d.Original && old.Original != "" {
		delete(s.amends[old.Original], d.ID)
		if len(s.amends[old.Original]) == 0 {
			delete(s.amends, old.Original)
		}
	}
	if d.Original != "" {
		ids := s.amends[d.Original]
		if ids == nil {
			ids = map[string]struct{}{}
			s.amends[d.Original] = ids
		}
		ids[d.ID] = struct{}{}
	}
}
