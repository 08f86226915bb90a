package store

import (
	"cmp"
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

// Memory is a credit.Store, and a credit.RecordStore, that keeps
// everything in memory under one lock: records in chunks of arrays, found
// through maps by id. Commit checks every version and key before it
// changes anything, so a failed commit leaves no trace. Records are
// values: what Load, LoadRecords, History, EntryAt and Documents return is
// a copy the caller may change freely, and Commit (as CommitCopy) copies
// what it keeps. Commit also keeps the orders that pages are read in
// (account ids, each account's documents), so that a page of Documents or
// AccountIDs costs the same however many records there are.
type Memory struct {
	mu     sync.RWMutex
	spaces map[string]*space
}

// space is one namespace's records, with the orders its pages are read in:
// the account ids in byte order, and each account's documents by kind in
// (Issued, ID) order, all of them and the open ones, so that a page costs
// O(log n + page) whatever the size of the namespace or the account.
//
// Documents, applications and entries are kept in records (chunks that do
// not move), and every index refers to them by place: a map from id to
// place, the lists of applications of a document or an operation as links
// between the applications, an account's history as places. A document's
// list is kept at the document's place, so that the lookup that finds a
// document finds its applications, and an Apply looks up no map of its own
// for them. A large store is then a few large objects and maps of small
// values rather than a separate object per record, which is what the
// collector's marking and the caches pay for.
type space struct {
	accounts map[string]credit.Account
	ids      *sortedSet[string] // every account id
	docAt    map[string]int32   // document id → place in docs (and in docApps)
	docs     records[invoice.Document]
	docApps  records[appList] // the applications touching each document, by its place
	byAcct   map[string]*accountDocs
	amends   map[string]map[string]struct{} // document → ids of the documents that amend it
	appAt    map[string]int32               // application id → place in apps
	apps     records[appRecord]
	orphans  map[string]*appList // the applications touching a document the store does not hold
	appsByOp map[string]appList  // operation → its applications
	entries  records[credit.Entry]
	history  map[string][]int32 // account → places of its entries, in Seq order
	idem     map[string]credit.Idempotency
	places   []int32 // Commit's: the place of each document of the batch, -1 when new
	ints     block[int32]
	bytes    block[byte]
	strs     block[string] // the lists of the entries kept
}

// appRecord is a stored application with its links: the next application
// on the list of its credit, of its debit (when another document) and of
// its operation, -1 at the end of a list.
type appRecord struct {
	credit.Application
	nextOfCredit, nextOfDebit, nextOfOp int32
}

// appList is a list of applications in the order they were committed: the
// places of the first and the last, -1 when the list is empty.
type appList struct{ first, last int32 }

// noApps is the empty list.
var noApps = appList{first: -1, last: -1}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	return &Memory{spaces: map[string]*space{}}
}

func (m *Memory) space(ns string, create bool) *space {
	s := m.spaces[ns]
	if s == nil && create {
		s = &space{accounts: map[string]credit.Account{}, ids: newSortedSet(strings.Compare),
			docAt: map[string]int32{}, byAcct: map[string]*accountDocs{},
			amends: map[string]map[string]struct{}{}, appAt: map[string]int32{}, orphans: map[string]*appList{},
			appsByOp: map[string]appList{}, history: map[string][]int32{},
			idem: map[string]credit.Idempotency{}}
		m.spaces[ns] = s
	}
	return s
}

// appsOfDoc calls yield with the place of each application touching
// document doc, in the order they were committed.
func (s *space) appsOfDoc(doc string, yield func(int32)) {
	l := s.docList(doc, false)
	if l == nil {
		return
	}
	for i := l.first; i >= 0; {
		yield(i)
		if r := s.apps.at(i); r.Credit == doc {
			i = r.nextOfCredit
		} else {
			i = r.nextOfDebit
		}
	}
}

// appsOfOp calls yield with the place of each application of operation op,
// in the order they were committed.
func (s *space) appsOfOp(op string, yield func(int32)) {
	l, ok := s.appsByOp[op]
	if !ok {
		return
	}
	for i := l.first; i >= 0; i = s.apps.at(i).nextOfOp {
		yield(i)
	}
}

// docList returns the list of the applications touching document doc:
// the one kept with the document, which is found through the map that
// finds the document itself, or, for a document the store does not hold
// (yet), one of the orphans, made when create is set (else nil when
// missing). A document committed later takes its orphan list over.
func (s *space) docList(doc string, create bool) *appList {
	if at, ok := s.docAt[doc]; ok {
		return s.docApps.at(at)
	}
	l := s.orphans[doc]
	if l == nil && create {
		empty := noApps
		l = &empty
		s.orphans[doc] = l
	}
	return l
}

// link appends the application at place i to list l; next says where an
// application keeps its link on that list.
func (s *space) link(l *appList, i int32, next func(*appRecord) *int32) {
	if l.first < 0 {
		l.first = i
	} else {
		*next(s.apps.at(l.last)) = i
	}
	l.last = i
}

func nextOfCredit(r *appRecord) *int32 { return &r.nextOfCredit }
func nextOfDebit(r *appRecord) *int32  { return &r.nextOfDebit }
func nextOfOp(r *appRecord) *int32     { return &r.nextOfOp }

// Load implements credit.Store: the records LoadRecords reads, as maps.
func (m *Memory) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	var r credit.Records
	if err := m.LoadRecords(ctx, q, &r); err != nil {
		return nil, err
	}
	snap := &credit.Snapshot{Accounts: make(map[string]credit.Account, len(r.Accounts)),
		Documents: make(map[string]invoice.Document, len(r.Documents)), Idempotency: r.Idempotency}
	for _, a := range r.Accounts {
		snap.Accounts[a.ID] = a
	}
	for _, d := range r.Documents {
		snap.Documents[d.ID] = d
	}
	// Each application once, however many of the query's fields name it.
	seen := make(map[string]bool, len(r.Applications))
	for _, a := range r.Applications {
		if !seen[a.ID] {
			seen[a.ID] = true
			snap.Applications = append(snap.Applications, a)
		}
	}
	return snap, nil
}

// LoadRecords implements credit.RecordStore. A record named by more than
// one of the query's fields comes once for each.
func (m *Memory) LoadRecords(ctx context.Context, q credit.Query, r *credit.Records) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.space(q.Namespace, false)
	if s == nil {
		return nil
	}
	for _, id := range q.Accounts {
		if a, ok := s.accounts[id]; ok {
			r.Accounts = append(r.Accounts, a)
		}
	}
	for _, id := range q.Documents {
		if i, ok := s.docAt[id]; ok {
			d := s.docs.at(i)
			r.Documents = append(r.Documents, docCopy(*d))
			if q.DocumentAccounts {
				r.Accounts = append(r.Accounts, s.accounts[d.Account])
			}
		}
	}
	for _, acct := range q.OpenOf {
		if ad := s.byAcct[acct]; ad != nil {
			for _, set := range ad.open {
				r.Documents = slices.Grow(r.Documents, set.Len())
				set.All(func(k docKey) bool {
					r.Documents = append(r.Documents, docCopy(*s.docs.at(k.at)))
					return true
				})
			}
		}
	}
	addApp := func(i int32) { r.Applications = append(r.Applications, s.apps.at(i).Application) }
	for _, doc := range q.ApplicationsOf {
		s.appsOfDoc(doc, addApp)
	}
	for _, id := range q.Applications {
		if i, ok := s.appAt[id]; ok {
			addApp(i)
		}
	}
	if q.Operation != "" {
		s.appsOfOp(q.Operation, addApp)
	}
	if q.Idempotency != "" {
		if stored, ok := s.idem[q.Idempotency]; ok {
			rec := stored // a variable of its own: only a record found is allocated
			rec.Result = slices.Clone(rec.Result)
			r.Idempotency = &rec
		}
	}
	return nil
}

// Commit implements credit.Store. It keeps nothing of b: it copies what
// it keeps, as CommitCopy promises.
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

// Direct implements credit.RecordStore: it reports whether s is m itself,
// so that a Ledger given a store that embeds m uses that store's Load and
// Commit.
func (m *Memory) Direct(s credit.Store) bool {
	d, ok := s.(*Memory)
	return ok && d == m
}

// CommitCopy implements credit.RecordStore: Commit copies what it keeps.
func (m *Memory) CommitCopy(ctx context.Context, b *credit.Batch) error {
	return m.Commit(ctx, b)
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

// check verifies every precondition of b without changing anything. It
// leaves the place of each of b's documents in s.places (-1 for a new one)
// for apply, which then need not look them up again.
func (s *space) check(b *credit.Batch) error {
	for _, a := range b.Accounts {
		if got := s.accounts[a.ID].Version; got != a.Version-1 {
			return conflict("account %q is at version %d, not %d", a.ID, got, a.Version-1)
		}
	}
	s.places = s.places[:0]
	for _, d := range b.Documents {
		i, ok := s.docAt[d.ID]
		var got int64
		if ok {
			got = s.docs.at(i).Version
		} else {
			i = -1
		}
		if got != d.Version-1 {
			return conflict("document %q is at version %d, not %d", d.ID, got, d.Version-1)
		}
		s.places = append(s.places, i)
	}
	for _, a := range b.Applications {
		if _, ok := s.appAt[a.ID]; ok {
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

// apply writes b, which check has passed.
func (s *space) apply(b *credit.Batch) {
	for _, a := range b.Accounts {
		if _, ok := s.accounts[a.ID]; !ok {
			s.ids.Insert(a.ID)
		}
		s.accounts[a.ID] = a
	}
	for n := range b.Documents {
		d := &b.Documents[n] // not copied: a document is 400 bytes
		i := s.places[n]
		if i < 0 {
			// New when checked; an earlier document of the batch may
			// have had the same id.
			var ok bool
			if i, ok = s.docAt[d.ID]; !ok {
				var rec *invoice.Document
				i, rec = s.docs.add()
				*rec = *d
				rec.Labels = invoice.CloneLabels(d.Labels)
				_, l := s.docApps.add()
				*l = noApps
				if o := s.orphans[d.ID]; o != nil {
					*l = *o
					delete(s.orphans, d.ID)
				}
				s.docAt[d.ID] = i
				s.reindex(nil, i, d)
				continue
			}
		}
		old := s.docs.at(i)
		s.reindex(old, i, d)
		*old = *d
		old.Labels = invoice.CloneLabels(d.Labels)
	}
	for n := range b.Applications {
		a := &b.Applications[n]
		i, rec := s.apps.add()
		*rec = appRecord{Application: *a, nextOfCredit: -1, nextOfDebit: -1, nextOfOp: -1}
		s.appAt[a.ID] = i
		s.link(s.docList(a.Credit, true), i, nextOfCredit)
		if a.Debit != a.Credit {
			s.link(s.docList(a.Debit, true), i, nextOfDebit)
		}
		op, ok := s.appsByOp[a.Operation]
		if !ok {
			op = noApps
		}
		s.link(&op, i, nextOfOp)
		s.appsByOp[a.Operation] = op
	}
	for _, e := range b.Entries {
		h := s.history[e.Account]
		if h == nil {
			h = s.ints.cut(4) // most accounts have a few entries: no allocation of their own
		}
		i, rec := s.entries.add()
		*rec = e
		// The entry's lists are the store's own: the caller may reuse
		// what it committed.
		rec.Documents, rec.Applications = s.strs.clone(e.Documents), s.strs.clone(e.Applications)
		s.history[e.Account] = append(h, i)
	}
	if b.Idempotency != nil {
		rec := *b.Idempotency
		rec.Result = s.bytes.clone(rec.Result)
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
	out := make([]credit.Entry, len(page))
	lists := 0
	for n, i := range page {
		out[n] = *s.entries.at(i)
		lists += len(out[n].Documents) + len(out[n].Applications)
	}
	ownLists(out, lists)
	return out, nil
}

// ownLists gives entries lists of their own in place of the store's, cut
// from one array of n strings (the lists' total length): what a read
// returns is the caller's to change.
func ownLists(entries []credit.Entry, n int) {
	if n == 0 {
		return
	}
	all := make([]string, 0, n)
	own := func(l []string) []string {
		if l == nil {
			return nil
		}
		all = append(all, l...)
		return all[len(all)-len(l) : len(all) : len(all)]
	}
	for i := range entries {
		entries[i].Documents = own(entries[i].Documents)
		entries[i].Applications = own(entries[i].Applications)
	}
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
	i := sort.Search(len(h), func(i int) bool { return s.entries.at(h[i]).At.After(t) })
	if i == 0 {
		return credit.Entry{}, false, nil
	}
	e := []credit.Entry{*s.entries.at(h[i-1])}
	ownLists(e, len(e[0].Documents)+len(e[0].Applications))
	return e[0], true, nil
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
	if i, ok := s.docAt[f.After]; ok && f.After != "" {
		k := keyOf(s.docs.at(i), i)
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
		out = append(out, docCopy(*s.docs.at(bestKey.at)))
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
		i := s.docAt[id]
		d := s.docs.at(i)
		if d.Account == f.Account && (!f.OpenOnly || d.Status == invoice.Open) &&
			(len(f.Kinds) == 0 || slices.Contains(f.Kinds, d.Kind)) &&
			(after == nil || compareKeys(keyOf(d, i), *after) > 0) {
			out = append(out, docCopy(*d))
		}
	}
	slices.SortFunc(out, func(x, y invoice.Document) int { return compareKeys(keyOf(&x, 0), keyOf(&y, 0)) })
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

// docKey is where a document sits in its account's order, (Issued, ID),
// and its place in the records. Issued is kept as seconds and nanoseconds
// (the instant, which is what time.Time.Compare compares), so that a key
// holds one pointer, its id.
type docKey struct {
	sec  int64
	nsec int32
	at   int32 // the document's place in space.docs; not part of the order
	id   string
}

func keyOf(d *invoice.Document, at int32) docKey {
	return docKey{sec: d.Issued.Unix(), nsec: int32(d.Issued.Nanosecond()), at: at, id: d.ID}
}

// compareKeys orders documents by (Issued, ID), ids byte by byte.
func compareKeys(x, y docKey) int {
	if c := cmp.Compare(x.sec, y.sec); c != 0 {
		return c
	}
	if c := cmp.Compare(x.nsec, y.nsec); c != 0 {
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

// reindex moves document d, at place at, which replaces old (nil when d
// is new), to its place in its account's sets and in the index of
// amendments.
func (s *space) reindex(old *invoice.Document, at int32, d *invoice.Document) {
	existed := old != nil
	moved := !existed || old.Account != d.Account || old.Kind != d.Kind || !old.Issued.Equal(d.Issued)
	wasOpen, isOpen := existed && old.Status == invoice.Open, d.Status == invoice.Open
	if existed && moved {
		ad := s.byAcct[old.Account]
		ad.all[old.Kind].Delete(keyOf(old, at))
		if wasOpen {
			ad.open[old.Kind].Delete(keyOf(old, at))
		}
	}
	if moved || isOpen != wasOpen { // else its place is where it was
		ad := s.byAcct[d.Account]
		if ad == nil {
			ad = &accountDocs{all: map[invoice.Kind]*sortedSet[docKey]{}, open: map[invoice.Kind]*sortedSet[docKey]{}}
			s.byAcct[d.Account] = ad
		}
		switch {
		case moved:
			set(ad.all, d.Kind).Insert(keyOf(d, at))
			if isOpen {
				set(ad.open, d.Kind).Insert(keyOf(d, at))
			}
		case isOpen:
			set(ad.open, d.Kind).Insert(keyOf(d, at))
		default:
			ad.open[d.Kind].Delete(keyOf(d, at))
		}
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
