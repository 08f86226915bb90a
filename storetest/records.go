package storetest

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// contractRecordStore checks the promises of credit.RecordStore, for a
// store that implements it: CommitCopy writes what Commit writes and
// keeps nothing of the batch it was lent; LoadRecords reads what Load
// reads, appends after what the caller's slices held, hands out records
// of the caller's own and keeps nothing of them.
func contractRecordStore(t tb, e *env) {
	rs, ok := e.s.(credit.RecordStore)
	if !ok || !rs.Direct(e.s) {
		// Not one, or a wrapper that inherits the methods of a store it
		// embeds, which the Ledger does not call (see Direct).
		t.Skip("the store does not implement credit.RecordStore for itself")
	}
	if rs.Direct(wrapper{e.s}) {
		t.Fatalf("Direct reports true for a store that embeds this one, so a Ledger would go around the wrapper's Load and Commit")
	}
	r := newRaw(t, e)
	want := commitLent(t, r, rs)
	loadRecordsAsLoad(t, r, rs, want)
	commitCopyRefuses(t, r, rs, want)
}

// commitLent writes a batch with CommitCopy, changes and reuses all of it
// as a caller may, and checks that the store read back what it was lent.
// It returns a copy of the batch as written.
func commitLent(t tb, r *rawStore, rs credit.RecordStore) *credit.Batch {
	t.Helper()
	acct, docs, apps, entries, idem := roundTripRecords("lent-")
	docs[0].Labels = map[string]string{"region": "north", "tier": "gold"}
	b := &credit.Batch{Namespace: r.ns, Accounts: []credit.Account{acct}, Documents: docs, Applications: apps,
		Entries: entries, Idempotency: idem}
	want := ownBatch(b)
	if err := rs.CommitCopy(r.ctx, b); err != nil {
		t.Fatalf("CommitCopy: %v", err)
	}
	// The caller reuses all it lent, down to the maps and bytes.
	scribbleBatch(b)

	snap := r.load(credit.Query{Accounts: []string{acct.ID}, Documents: ids(want.Documents, docID),
		Applications: ids(want.Applications, appID), Idempotency: want.Idempotency.Key})
	same := func(what string, want, got any) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs from what CommitCopy was lent (-lent +read), after the caller reused the batch:\n%s", what, diff)
		}
	}
	same("Load's account", want.Accounts[0], snap.Accounts[acct.ID])
	for _, d := range want.Documents {
		same("Load's document "+d.ID, d, snap.Documents[d.ID])
	}
	same("Load's key", want.Idempotency, snap.Idempotency)
	same("History", want.Entries, r.history(acct.ID, 0, 0))
	return want
}

// loadRecordsAsLoad checks that LoadRecords reads what Load reads, after
// what the caller's slices held, and keeps nothing of what it appended.
func loadRecordsAsLoad(t tb, r *rawStore, rs credit.RecordStore, want *credit.Batch) {
	t.Helper()
	acct := want.Accounts[0].ID
	queries := []credit.Query{
		{Accounts: []string{acct}, Documents: ids(want.Documents, docID), Applications: ids(want.Applications, appID),
			Idempotency: want.Idempotency.Key},
		{Documents: ids(want.Documents, docID), DocumentAccounts: true},
		{OpenOf: []string{acct}, ApplicationsOf: ids(want.Documents, docID), Operation: want.Applications[0].Operation},
		{Accounts: []string{"nope"}, Documents: []string{"nope"}, Idempotency: "nope"},
	}
	byID := func(x, y credit.Application) int { return strings.Compare(x.ID, y.ID) }
	for _, q := range queries {
		q.Namespace = r.ns
		before := ownSnapshot(r.load(q))
		got := credit.Records{Accounts: append(make([]credit.Account, 0, 8), credit.Account{ID: "held"}),
			Documents:    append(make([]invoice.Document, 0, 8), invoice.Document{ID: "held"}),
			Applications: append(make([]credit.Application, 0, 8), credit.Application{ID: "held"})}
		if err := rs.LoadRecords(r.ctx, q, &got); err != nil {
			t.Fatalf("LoadRecords(%s): %v", describe(q), err)
		}
		if len(got.Accounts) == 0 || len(got.Documents) == 0 || len(got.Applications) == 0 ||
			got.Accounts[0].ID != "held" || got.Documents[0].ID != "held" || got.Applications[0].ID != "held" {
			t.Fatalf("LoadRecords(%s) changed the records its slices held before the call", describe(q))
		}
		read := recordsSnapshot(t, q, &got)
		slices.SortFunc(read.Applications, byID)
		slices.SortFunc(before.Applications, byID)
		if diff := cmp.Diff(before, read, cmpEmptyApps); diff != "" {
			t.Errorf("LoadRecords(%s) read other records than Load (-Load +LoadRecords):\n%s", describe(q), diff)
		}
		// What it appended is the caller's, and it keeps nothing of the
		// slices: the caller changes and reuses them all.
		scribbleRecords(&got)
		if diff := cmp.Diff(before, sortedApps(r.load(q), byID), cmpEmptyApps); diff != "" {
			t.Errorf("changing and reusing what LoadRecords(%s) returned changed the store (-before +after):\n%s", describe(q), diff)
		}
	}
}

// recordsSnapshot is what LoadRecords appended to got after its first
// (held) record of each kind, as a Snapshot; a record read twice must read
// the same.
func recordsSnapshot(t tb, q credit.Query, got *credit.Records) *credit.Snapshot {
	t.Helper()
	read := &credit.Snapshot{Accounts: map[string]credit.Account{}, Documents: map[string]invoice.Document{},
		Idempotency: got.Idempotency}
	for _, a := range got.Accounts[1:] {
		if prev, ok := read.Accounts[a.ID]; ok && !cmp.Equal(prev, a) {
			t.Errorf("LoadRecords(%s) returned account %s twice, differently", describe(q), a.ID)
		}
		read.Accounts[a.ID] = a
	}
	for _, d := range got.Documents[1:] {
		if prev, ok := read.Documents[d.ID]; ok && !cmp.Equal(prev, d) {
			t.Errorf("LoadRecords(%s) returned document %s twice, differently", describe(q), d.ID)
		}
		read.Documents[d.ID] = d
	}
	seen := map[string]bool{}
	for _, a := range got.Applications[1:] {
		if !seen[a.ID] {
			seen[a.ID] = true
			read.Applications = append(read.Applications, a)
		}
	}
	return read
}

// commitCopyRefuses checks that CommitCopy refuses a stale version, as
// Commit does, and then writes nothing.
func commitCopyRefuses(t tb, r *rawStore, rs credit.RecordStore, want *credit.Batch) {
	t.Helper()
	acct := want.Accounts[0].ID
	stale := want.Accounts[0]
	stale.Credit = cents(99)
	next := want.Entries[len(want.Entries)-1]
	next.Seq++
	err := rs.CommitCopy(r.ctx, &credit.Batch{Namespace: r.ns, Accounts: []credit.Account{stale}, Entries: []credit.Entry{next}})
	if !errors.Is(err, credit.ErrConflict) {
		t.Errorf("CommitCopy of account %s at a stale version returned %v, want an error wrapping credit.ErrConflict", acct, err)
	}
	if got := r.load(credit.Query{Accounts: []string{acct}}).Accounts[acct]; !cmp.Equal(got, want.Accounts[0]) {
		t.Errorf("a refused CommitCopy changed account %s", acct)
	}
	if h := r.history(acct, 0, 0); len(h) != len(want.Entries) {
		t.Errorf("a refused CommitCopy wrote an entry: the history has %d, want %d", len(h), len(want.Entries))
	}
}

// cmpEmptyApps makes a nil and an empty list of applications equal.
var cmpEmptyApps = cmp.Comparer(func(x, y []credit.Application) bool {
	return len(x) == 0 && len(y) == 0 || cmp.Equal(x, y)
})

func sortedApps(s *credit.Snapshot, cmp func(x, y credit.Application) int) *credit.Snapshot {
	slices.SortFunc(s.Applications, cmp)
	return s
}

// ownSnapshot returns s with labels and a Result of its own, so that it
// keeps what was read even if the store hands out what it keeps.
func ownSnapshot(s *credit.Snapshot) *credit.Snapshot {
	for id, d := range s.Documents {
		d.Labels = maps.Clone(d.Labels)
		s.Documents[id] = d
	}
	if s.Idempotency != nil {
		k := *s.Idempotency
		k.Result = slices.Clone(k.Result)
		s.Idempotency = &k
	}
	return s
}

// ownBatch returns a copy of b that shares nothing with it.
func ownBatch(b *credit.Batch) *credit.Batch {
	c := &credit.Batch{Namespace: b.Namespace, Accounts: slices.Clone(b.Accounts), Documents: slices.Clone(b.Documents),
		Applications: slices.Clone(b.Applications), Entries: slices.Clone(b.Entries)}
	for i := range c.Documents {
		c.Documents[i].Labels = maps.Clone(c.Documents[i].Labels)
	}
	for i := range c.Entries {
		c.Entries[i].Documents = slices.Clone(c.Entries[i].Documents)
		c.Entries[i].Applications = slices.Clone(c.Entries[i].Applications)
	}
	if b.Idempotency != nil {
		k := *b.Idempotency
		k.Result = slices.Clone(k.Result)
		c.Idempotency = &k
	}
	return c
}

// scribbleBatch changes everything b refers to, in place, as a caller
// that reuses a batch it lent does.
func scribbleBatch(b *credit.Batch) {
	for i := range b.Documents {
		for k := range b.Documents[i].Labels {
			b.Documents[i].Labels[k] = "scribbled"
		}
		b.Documents[i] = invoice.Document{ID: "scribbled"}
	}
	for i := range b.Entries {
		scribble(b.Entries[i].Documents)
		scribble(b.Entries[i].Applications)
		b.Entries[i] = credit.Entry{Account: "scribbled"}
	}
	for i := range b.Accounts {
		b.Accounts[i] = credit.Account{ID: "scribbled"}
	}
	for i := range b.Applications {
		b.Applications[i] = credit.Application{ID: "scribbled"}
	}
	if k := b.Idempotency; k != nil {
		for i := range k.Result {
			k.Result[i] = 'X'
		}
		*k = credit.Idempotency{Key: "scribbled"}
	}
}

// scribbleRecords changes everything r holds and refers to, in place, and
// the room beyond the slices' lengths, as a caller that reuses them does.
func scribbleRecords(r *credit.Records) {
	docs := r.Documents[:cap(r.Documents)]
	for i := range docs {
		for k := range docs[i].Labels {
			docs[i].Labels[k] = "scribbled"
		}
		docs[i] = invoice.Document{ID: "scribbled"}
	}
	accts := r.Accounts[:cap(r.Accounts)]
	for i := range accts {
		accts[i] = credit.Account{ID: "scribbled"}
	}
	apps := r.Applications[:cap(r.Applications)]
	for i := range apps {
		apps[i] = credit.Application{ID: "scribbled"}
	}
	if k := r.Idempotency; k != nil {
		for i := range k.Result {
			k.Result[i] = 'X'
		}
		*k = credit.Idempotency{Key: "scribbled"}
	}
}

func scribble(list []string) {
	for i := range list {
		list[i] = "scribbled"
	}
}

// wrapper embeds a store, as one that counts calls or injects faults does.
type wrapper struct{ credit.Store }
