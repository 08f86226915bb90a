package storetest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// The contract scenarios call the Store directly, without the Ledger, with
// hand-made records: a Store keeps what it is given and checks only
// versions, ids, sequence numbers and keys.
func contractScenarios() []scenario {
	return []scenario{
		{"Store/LoadUnknown", contractLoadUnknown},
		{"Store/CommitAndLoad", contractCommitAndLoad},
		{"Store/StaleVersion", contractStaleVersion},
		{"Store/Duplicates", contractDuplicates},
		{"Store/AllOrNothing", contractAllOrNothing},
		{"Store/History", contractHistory},
		{"Store/EntryAt", contractEntryAt},
		{"Store/Documents", contractDocuments},
		{"Store/Namespaces", contractNamespaces},
		{"Store/Cancelled", contractCancelled},
	}
}

// rawStore wraps a Store with records made for the contract scenarios.
type rawStore struct {
	t   tb
	s   credit.Store
	ctx context.Context
	ns  string
	ids *idGen
}

func newRaw(t tb, s credit.Store) *rawStore {
	return &rawStore{t: t, s: s, ctx: context.Background(), ns: "ns-" + randomHex(6), ids: newIDGen()}
}

func (r *rawStore) account(id string, version int64) credit.Account {
	return credit.Account{ID: id, Currency: usd, Kind: credit.Term, Limit: cents(0), Credit: cents(0),
		Debit: cents(0), Created: epoch, Updated: epoch, Version: version}
}

func (r *rawStore) doc(id, account string, kind invoice.Kind, amount int64, issued time.Time) invoice.Document {
	return invoice.Document{ID: id, Account: account, Kind: kind, Amount: cents(amount), Open: cents(amount),
		Issued: issued, Status: invoice.Open, Version: 1}
}

func (r *rawStore) entry(account string, seq int64, at time.Time) credit.Entry {
	b := credit.Balances{Credit: cents(0), Debit: cents(0), Outstanding: cents(0), Limit: cents(0), Available: cents(0)}
	return credit.Entry{Account: account, Seq: seq, At: at, Op: credit.OpUpdated, Amount: cents(0),
		CreditChange: cents(0), DebitChange: cents(0), After: b, By: "storetest", Operation: "op"}
}

func (r *rawStore) commit(b *credit.Batch) error {
	b.Namespace = r.ns
	return r.s.Commit(r.ctx, b)
}

func (r *rawStore) mustCommit(what string, b *credit.Batch) {
	r.t.Helper()
	if err := r.commit(b); err != nil {
		r.t.Fatalf("%s: Commit: %v", what, err)
	}
}

func (r *rawStore) conflict(what string, b *credit.Batch) {
	r.t.Helper()
	err := r.commit(b)
	if !errors.Is(err, credit.ErrConflict) {
		r.t.Errorf("%s: Commit returned %v, want an error wrapping credit.ErrConflict", what, err)
	}
}

func (r *rawStore) load(q credit.Query) *credit.Snapshot {
	r.t.Helper()
	q.Namespace = r.ns
	s, err := r.s.Load(r.ctx, q)
	if err != nil {
		r.t.Fatalf("Load(%+v): %v", q, err)
	}
	if s == nil {
		r.t.Fatalf("Load(%+v) returned a nil snapshot", q)
	}
	return s
}

func (r *rawStore) history(account string, after int64, limit int) []credit.Entry {
	r.t.Helper()
	h, err := r.s.History(r.ctx, r.ns, account, after, limit)
	if err != nil {
		r.t.Fatalf("History: %v", err)
	}
	return h
}

func contractLoadUnknown(t tb, s credit.Store) {
	r := newRaw(t, s)
	snap := r.load(credit.Query{Accounts: []string{"nope"}, Documents: []string{"nope"}, OpenOf: []string{"nope"},
		ApplicationsOf: []string{"nope"}, Applications: []string{"nope"}, Operation: "nope", Idempotency: "nope"})
	if len(snap.Accounts) != 0 || len(snap.Documents) != 0 || len(snap.Applications) != 0 || snap.Idempotency != nil {
		t.Errorf("Load of unknown ids in an empty namespace: %+v, want nothing", snap)
	}
	if h := r.history("nope", 0, 10); len(h) != 0 {
		t.Errorf("History of an unknown account: %d entries", len(h))
	}
	if _, ok, err := s.EntryAt(r.ctx, r.ns, "nope", epoch); ok || err != nil {
		t.Errorf("EntryAt of an unknown account: %v, %v", ok, err)
	}
	if docs, err := s.Documents(r.ctx, r.ns, credit.DocumentFilter{Account: "nope"}); len(docs) != 0 || err != nil {
		t.Errorf("Documents of an unknown account: %v, %v", docs, err)
	}
	// Known and unknown ids in one query: only the known come back.
	r.mustCommit("account", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}})
	snap = r.load(credit.Query{Accounts: []string{"a", "nope"}, Documents: []string{"nope"}})
	if len(snap.Accounts) != 1 || len(snap.Documents) != 0 {
		t.Errorf("Load of a known and an unknown account: %+v", snap)
	}
}

func contractCommitAndLoad(t tb, s credit.Store) {
	r := newRaw(t, s)
	acct := r.account("a", 1)
	acct.Party = invoice.Party{Company: "Acme", Person: "Ann"}
	acct.Limit = cents(50000)
	due := epoch.Add(30 * 24 * time.Hour)
	inv := r.doc("inv", "a", invoice.Invoice, 1000, epoch)
	inv.Due, inv.Reference, inv.BillTo, inv.Reason = due, "PO-1", acct.Party, "reason"
	pay := r.doc("pay", "a", invoice.Payment, 400, epoch.Add(time.Second))
	pay.Expires = epoch.Add(time.Hour)
	app := credit.Application{ID: "app1", Credit: "pay", Debit: "inv", CreditAccount: "a", DebitAccount: "a",
		Amount: cents(400), Policy: "explicit", Operation: "op1", By: "storetest", At: epoch}
	e := r.entry("a", 1, epoch)
	e.Reference, e.Comment, e.Document = "ref", "comment", "inv"
	idem := &credit.Idempotency{Key: "k1", Op: credit.OpApplied, Fingerprint: "fp", Result: []byte(`{"x":1}`), At: epoch}
	r.mustCommit("first batch", &credit.Batch{Accounts: []credit.Account{acct}, Documents: []invoice.Document{inv, pay},
		Applications: []credit.Application{app}, Entries: []credit.Entry{e}, Idempotency: idem})

	snap := r.load(credit.Query{Accounts: []string{"a"}, Documents: []string{"inv", "pay"}, Idempotency: "k1"})
	if diff := cmp.Diff(acct, snap.Accounts["a"]); diff != "" {
		t.Errorf("account read back (-written +read):\n%s", diff)
	}
	for _, d := range []invoice.Document{inv, pay} {
		if diff := cmp.Diff(d, snap.Documents[d.ID]); diff != "" {
			t.Errorf("document %s read back (-written +read):\n%s", d.ID, diff)
		}
	}
	if diff := cmp.Diff(idem, snap.Idempotency); diff != "" {
		t.Errorf("idempotency record read back (-written +read):\n%s", diff)
	}
	// What Load returns is the caller's to change.
	if snap.Idempotency != nil && len(snap.Idempotency.Result) > 0 {
		snap.Idempotency.Result[0] = 'X'
		if again := r.load(credit.Query{Idempotency: "k1"}); again.Idempotency == nil || string(again.Idempotency.Result) != `{"x":1}` {
			t.Errorf("changing a loaded idempotency result changed the stored one")
		}
	}
	if h := r.history("a", 0, 10); len(h) != 1 || !cmp.Equal(h[0], e) {
		t.Errorf("history read back: %+v, want [%+v]", h, e)
	}
	// Applications are found by either document, by id and by operation, once each.
	for _, q := range []credit.Query{{ApplicationsOf: []string{"pay"}}, {ApplicationsOf: []string{"inv"}},
		{ApplicationsOf: []string{"inv", "pay"}}, {Applications: []string{"app1"}}, {Operation: "op1"},
		{ApplicationsOf: []string{"inv"}, Applications: []string{"app1"}, Operation: "op1"}} {
		got := r.load(q).Applications
		if len(got) != 1 || !cmp.Equal(got[0], app) {
			t.Errorf("Load(%+v).Applications = %+v, want [%+v]", q, got, app)
		}
	}
	// OpenOf reads the open documents only.
	if got := r.load(credit.Query{OpenOf: []string{"a"}}).Documents; len(got) != 2 {
		t.Errorf("OpenOf: %d documents, want 2", len(got))
	}
	paid := inv
	paid.Open, paid.Status, paid.Version = cents(0), invoice.Paid, 2
	acct.Version = 2
	acct.Debit = cents(0)
	rev := app
	rev.ID, rev.Reverses, rev.Operation = "app2", "app1", "op2"
	r.mustCommit("second batch", &credit.Batch{Accounts: []credit.Account{acct}, Documents: []invoice.Document{paid},
		Applications: []credit.Application{rev}, Entries: []credit.Entry{r.entry("a", 2, epoch.Add(time.Second))}})
	snap = r.load(credit.Query{OpenOf: []string{"a"}, Accounts: []string{"a"}})
	if _, ok := snap.Documents["inv"]; ok || len(snap.Documents) != 1 {
		t.Errorf("OpenOf after the invoice is paid: %v, want only pay", keys(snap.Documents))
	}
	if snap.Accounts["a"].Version != 2 {
		t.Errorf("account version %d after the update, want 2", snap.Accounts["a"].Version)
	}
	if got := r.load(credit.Query{ApplicationsOf: []string{"inv"}}).Applications; len(got) != 2 {
		t.Errorf("ApplicationsOf after a reversal: %d, want 2 (the application and its reversal)", len(got))
	}
	if got := r.load(credit.Query{Documents: []string{"inv"}}).Documents["inv"]; !cmp.Equal(got, paid) {
		t.Errorf("updated document read back: %+v, want %+v", got, paid)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func contractStaleVersion(t tb, s credit.Store) {
	r := newRaw(t, s)
	r.mustCommit("setup", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)},
		Documents: []invoice.Document{r.doc("d", "a", invoice.Invoice, 100, epoch)}})
	r.mustCommit("update to 2", &credit.Batch{Accounts: []credit.Account{r.account("a", 2)}})
	stale := r.account("a", 2) // stored is 2: writing 2 again is stale
	stale.Limit = cents(999)
	r.conflict("account with a stale version", &credit.Batch{Accounts: []credit.Account{stale}})
	ahead := r.account("a", 4)
	ahead.Limit = cents(999)
	r.conflict("account with a version ahead", &credit.Batch{Accounts: []credit.Account{ahead}})
	again := r.account("a", 1)
	again.Limit = cents(999)
	r.conflict("new account (version 1) that exists", &credit.Batch{Accounts: []credit.Account{again}})
	nd := r.doc("d", "a", invoice.Invoice, 999, epoch)
	r.conflict("new document (version 1) that exists", &credit.Batch{Documents: []invoice.Document{nd}})
	nd.Version = 3
	r.conflict("document with a version ahead", &credit.Batch{Documents: []invoice.Document{nd}})
	missing := r.doc("nope", "a", invoice.Invoice, 100, epoch)
	missing.Version = 2
	r.conflict("update of a document that does not exist", &credit.Batch{Documents: []invoice.Document{missing}})
	snap := r.load(credit.Query{Accounts: []string{"a"}, Documents: []string{"d", "nope"}})
	if a := snap.Accounts["a"]; a.Version != 2 || minor(a.Limit) != 0 {
		t.Errorf("after refused commits the account is %+v, want version 2 and limit 0", a)
	}
	if d := snap.Documents["d"]; d.Version != 1 || minor(d.Amount) != 100 {
		t.Errorf("after refused commits the document is %+v", d)
	}
	if _, ok := snap.Documents["nope"]; ok {
		t.Errorf("a refused update created a document")
	}
}

func contractDuplicates(t tb, s credit.Store) {
	r := newRaw(t, s)
	app := credit.Application{ID: "app", Credit: "c", Debit: "d", CreditAccount: "a", DebitAccount: "a",
		Amount: cents(1), Operation: "op", By: "x", At: epoch}
	r.mustCommit("setup", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}, Applications: []credit.Application{app},
		Entries: []credit.Entry{r.entry("a", 1, epoch)}, Idempotency: &credit.Idempotency{Key: "k", Op: credit.OpApplied, Fingerprint: "f", At: epoch}})
	dup := app
	dup.Amount = cents(2)
	r.conflict("duplicate application id", &credit.Batch{Applications: []credit.Application{dup}})
	r.conflict("duplicate idempotency key", &credit.Batch{Idempotency: &credit.Idempotency{Key: "k", Op: credit.OpUpdated, Fingerprint: "g", At: epoch}})
	r.conflict("entry Seq that exists", &credit.Batch{Entries: []credit.Entry{r.entry("a", 1, epoch)}})
	r.conflict("entry Seq that skips one", &credit.Batch{Entries: []credit.Entry{r.entry("a", 3, epoch)}})
	r.conflict("entries out of order", &credit.Batch{Entries: []credit.Entry{r.entry("a", 3, epoch), r.entry("a", 2, epoch)}})
	r.conflict("first entry of a new account with Seq 2", &credit.Batch{Entries: []credit.Entry{r.entry("b", 2, epoch)}})
	r.mustCommit("next entries in one batch", &credit.Batch{Entries: []credit.Entry{r.entry("a", 2, epoch), r.entry("a", 3, epoch)}})
	if got := r.load(credit.Query{Applications: []string{"app"}}).Applications; len(got) != 1 || !got[0].Amount.Equal(cents(1)) {
		t.Errorf("after a refused duplicate the application is %+v", got)
	}
	if rec := r.load(credit.Query{Idempotency: "k"}).Idempotency; rec == nil || rec.Fingerprint != "f" {
		t.Errorf("after a refused duplicate the idempotency record is %+v", rec)
	}
	if h := r.history("a", 0, 10); len(h) != 3 {
		t.Errorf("history has %d entries, want 3", len(h))
	}
	if h := r.history("b", 0, 10); len(h) != 0 {
		t.Errorf("a refused entry was written: %+v", h)
	}
}

func contractAllOrNothing(t tb, s credit.Store) {
	r := newRaw(t, s)
	r.mustCommit("setup", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}, Entries: []credit.Entry{r.entry("a", 1, epoch)},
		Documents:    []invoice.Document{r.doc("old", "a", invoice.Invoice, 100, epoch)},
		Applications: []credit.Application{{ID: "old", Credit: "c", Debit: "d", Amount: cents(1), At: epoch}},
		Idempotency:  &credit.Idempotency{Key: "old", Op: credit.OpApplied, At: epoch}})
	good := func() *credit.Batch {
		up := r.account("a", 2)
		up.Limit = cents(777)
		return &credit.Batch{
			Accounts:     []credit.Account{up, r.account("new", 1)},
			Documents:    []invoice.Document{r.doc("d1", "a", invoice.Invoice, 100, epoch), r.doc("d2", "new", invoice.Payment, 100, epoch)},
			Applications: []credit.Application{{ID: "app", Credit: "d2", Debit: "d1", Amount: cents(1), Operation: "op", At: epoch}},
			Entries:      []credit.Entry{r.entry("a", 2, epoch), r.entry("new", 1, epoch)},
			Idempotency:  &credit.Idempotency{Key: "new", Op: credit.OpApplied, At: epoch},
		}
	}
	bad := map[string]func(b *credit.Batch){
		"a stale account last": func(b *credit.Batch) { b.Accounts = append(b.Accounts, r.account("b", 2)) },
		"an existing document": func(b *credit.Batch) {
			b.Documents = append(b.Documents, r.doc("old", "a", invoice.Invoice, 5, epoch))
		},
		"a stale document update": func(b *credit.Batch) {
			d := r.doc("zz", "a", invoice.Invoice, 5, epoch)
			d.Version = 2
			b.Documents = append(b.Documents, d)
		},
		"a duplicate application": func(b *credit.Batch) {
			b.Applications = append(b.Applications, credit.Application{ID: "old", Amount: cents(1), At: epoch})
		},
		"a bad entry last":          func(b *credit.Batch) { b.Entries = append(b.Entries, r.entry("a", 9, epoch)) },
		"a recorded key":            func(b *credit.Batch) { b.Idempotency.Key = "old" },
		"a stale account first":     func(b *credit.Batch) { b.Accounts = append([]credit.Account{r.account("b", 3)}, b.Accounts...) },
		"an entry twice in a batch": func(b *credit.Batch) { b.Entries = append(b.Entries, r.entry("new", 1, epoch)) },
	}
	for _, name := range sortedKeys(bad) {
		b := good()
		bad[name](b)
		r.conflict("a batch with "+name, b)
		snap := r.load(credit.Query{Accounts: []string{"a", "new", "b"}, Documents: []string{"d1", "d2", "zz"},
			Applications: []string{"app"}, Operation: "op", Idempotency: "new"})
		if a := snap.Accounts["a"]; a.Version != 1 || minor(a.Limit) != 0 || len(snap.Accounts) != 1 ||
			len(snap.Documents) != 0 || len(snap.Applications) != 0 || snap.Idempotency != nil {
			t.Errorf("a refused batch with %s wrote part of itself: %+v", name, snap)
		}
		if h := r.history("a", 0, 10); len(h) != 1 {
			t.Errorf("a refused batch with %s wrote entries of a: %d", name, len(h))
		}
		if h := r.history("new", 0, 10); len(h) != 0 {
			t.Errorf("a refused batch with %s wrote entries of new: %d", name, len(h))
		}
	}
	r.mustCommit("the good batch", good())
}

func sortedKeys[V any](m map[string]V) []string {
	out := keys(m)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func contractHistory(t tb, s credit.Store) {
	r := newRaw(t, s)
	r.mustCommit("account", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}})
	seq := int64(0)
	for b := 0; b < 5; b++ {
		var es []credit.Entry
		for i := 0; i < 5; i++ {
			seq++
			es = append(es, r.entry("a", seq, epoch.Add(time.Duration(seq)*time.Minute)))
		}
		r.mustCommit(fmt.Sprintf("entries batch %d", b), &credit.Batch{Entries: es})
	}
	r.mustCommit("another account", &credit.Batch{Entries: []credit.Entry{r.entry("b", 1, epoch)}})
	cases := []struct {
		after      int64
		limit      int
		first, n   int64
		descriptor string
	}{
		{0, 10, 1, 10, "first page"}, {10, 10, 11, 10, "second page"}, {20, 10, 21, 5, "last page, short"},
		{25, 10, 0, 0, "after the last"}, {100, 10, 0, 0, "far after the last"}, {3, 1, 4, 1, "one entry"},
		{0, 100, 1, 25, "all"}, {24, 10, 25, 1, "the last one"},
	}
	for _, c := range cases {
		h := r.history("a", c.after, c.limit)
		if int64(len(h)) != c.n {
			t.Errorf("History(after %d, limit %d), %s: %d entries, want %d", c.after, c.limit, c.descriptor, len(h), c.n)
			continue
		}
		for i, e := range h {
			if e.Seq != c.first+int64(i) || e.Account != "a" {
				t.Errorf("History(after %d, limit %d): entry %d is %s/%d, want a/%d", c.after, c.limit, i, e.Account, e.Seq, c.first+int64(i))
			}
		}
	}
	// Paging through the whole history gives every entry once, in order.
	var all []credit.Entry
	for {
		page := r.history("a", int64(len(all)), 7)
		all = append(all, page...)
		if len(page) < 7 {
			break
		}
	}
	if len(all) != 25 || all[24].Seq != 25 {
		t.Errorf("paging by 7 gave %d entries", len(all))
	}
}

func contractEntryAt(t tb, s credit.Store) {
	r := newRaw(t, s)
	at := func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Hour) }
	// Entries at hours 1, 2, 2, 4 (two in the same instant).
	es := []credit.Entry{r.entry("a", 1, at(1)), r.entry("a", 2, at(2)), r.entry("a", 3, at(2)), r.entry("a", 4, at(4))}
	r.mustCommit("entries", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}, Entries: es})
	cases := []struct {
		t    time.Time
		want int64 // Seq, 0 for none
	}{
		{epoch, 0}, {at(1).Add(-time.Nanosecond), 0}, {at(1), 1}, {at(1).Add(time.Minute), 1},
		{at(2), 3}, {at(3), 3}, {at(4).Add(-time.Nanosecond), 3}, {at(4), 4}, {at(100), 4},
	}
	for _, c := range cases {
		e, ok, err := s.EntryAt(r.ctx, r.ns, "a", c.t)
		if err != nil {
			t.Fatalf("EntryAt(%s): %v", c.t, err)
		}
		switch {
		case c.want == 0 && ok:
			t.Errorf("EntryAt(%s) = entry %d, want none", c.t, e.Seq)
		case c.want != 0 && (!ok || e.Seq != c.want):
			t.Errorf("EntryAt(%s) = entry %d (%v), want %d", c.t, e.Seq, ok, c.want)
		}
	}
	if _, ok, _ := s.EntryAt(r.ctx, r.ns, "b", at(100)); ok {
		t.Errorf("EntryAt of an account without entries found one")
	}
}

func contractDocuments(t tb, s credit.Store) {
	r := newRaw(t, s)
	// Issued out of id order, two at the same instant, kinds mixed.
	docs := []invoice.Document{
		r.doc("d5", "a", invoice.Invoice, 100, epoch.Add(1*time.Hour)),
		r.doc("d1", "a", invoice.Payment, 100, epoch.Add(3*time.Hour)),
		r.doc("d3", "a", invoice.Invoice, 100, epoch.Add(2*time.Hour)),
		r.doc("d2", "a", invoice.CreditMemo, 100, epoch.Add(2*time.Hour)),
		r.doc("d4", "a", invoice.DebitMemo, 100, epoch.Add(4*time.Hour)),
		r.doc("e1", "a", invoice.Payment, 100, epoch.Add(5*time.Hour)),
		r.doc("x1", "b", invoice.Invoice, 100, epoch),
	}
	docs[5].Original = "d1"
	r.mustCommit("documents", &credit.Batch{Accounts: []credit.Account{r.account("a", 1), r.account("b", 1)}, Documents: docs})
	closed := docs[2]
	closed.Open, closed.Status, closed.Version = cents(0), invoice.Paid, 2
	r.mustCommit("d3 paid", &credit.Batch{Documents: []invoice.Document{closed}})
	list := func(f credit.DocumentFilter) []string {
		t.Helper()
		ds, err := s.Documents(r.ctx, r.ns, f)
		if err != nil {
			t.Fatalf("Documents(%+v): %v", f, err)
		}
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		return ids
	}
	cases := []struct {
		f    credit.DocumentFilter
		want []string
	}{
		{credit.DocumentFilter{Account: "a"}, []string{"d5", "d2", "d3", "d1", "d4", "e1"}},
		{credit.DocumentFilter{Account: "a", OpenOnly: true}, []string{"d5", "d2", "d1", "d4", "e1"}},
		{credit.DocumentFilter{Account: "a", Kinds: []invoice.Kind{invoice.Invoice, invoice.DebitMemo}}, []string{"d5", "d3", "d4"}},
		{credit.DocumentFilter{Account: "a", Kinds: []invoice.Kind{invoice.Invoice}, OpenOnly: true}, []string{"d5"}},
		{credit.DocumentFilter{Account: "a", Original: "d1"}, []string{"e1"}},
		{credit.DocumentFilter{Account: "a", Original: "d5"}, nil},
		{credit.DocumentFilter{Account: "a", Limit: 2}, []string{"d5", "d2"}},
		{credit.DocumentFilter{Account: "a", After: "d2", Limit: 2}, []string{"d3", "d1"}},
		{credit.DocumentFilter{Account: "a", After: "d3"}, []string{"d1", "d4", "e1"}},
		{credit.DocumentFilter{Account: "a", After: "e1"}, nil},
		{credit.DocumentFilter{Account: "a", After: "d2", OpenOnly: true}, []string{"d1", "d4", "e1"}},
		{credit.DocumentFilter{Account: "b"}, []string{"x1"}},
		{credit.DocumentFilter{Account: "c"}, nil},
	}
	for _, c := range cases {
		if got := list(c.f); !cmp.Equal(got, c.want) {
			t.Errorf("Documents(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
}

func contractNamespaces(t tb, s credit.Store) {
	r1, r2 := newRaw(t, s), newRaw(t, s)
	app := credit.Application{ID: "app", Credit: "d", Debit: "d2", Amount: cents(1), Operation: "op", At: epoch}
	r1.mustCommit("ns1", &credit.Batch{Accounts: []credit.Account{r1.account("a", 1)},
		Documents: []invoice.Document{r1.doc("d", "a", invoice.Payment, 100, epoch)}, Applications: []credit.Application{app},
		Entries: []credit.Entry{r1.entry("a", 1, epoch)}, Idempotency: &credit.Idempotency{Key: "k", Op: credit.OpApplied, At: epoch}})
	snap := r2.load(credit.Query{Accounts: []string{"a"}, Documents: []string{"d"}, OpenOf: []string{"a"},
		ApplicationsOf: []string{"d"}, Applications: []string{"app"}, Operation: "op", Idempotency: "k"})
	if len(snap.Accounts)+len(snap.Documents)+len(snap.Applications) != 0 || snap.Idempotency != nil {
		t.Errorf("another namespace reads %+v", snap)
	}
	if h := r2.history("a", 0, 10); len(h) != 0 {
		t.Errorf("another namespace reads the history")
	}
	if _, ok, _ := s.EntryAt(r2.ctx, r2.ns, "a", epoch.Add(time.Hour)); ok {
		t.Errorf("another namespace reads an entry")
	}
	if ds, _ := s.Documents(r2.ctx, r2.ns, credit.DocumentFilter{Account: "a"}); len(ds) != 0 {
		t.Errorf("another namespace lists the documents")
	}
	// The same ids and key are free in the other namespace.
	r2.mustCommit("ns2 same ids", &credit.Batch{Accounts: []credit.Account{r2.account("a", 1)},
		Documents: []invoice.Document{r2.doc("d", "a", invoice.Invoice, 5, epoch)}, Applications: []credit.Application{app},
		Entries: []credit.Entry{r2.entry("a", 1, epoch)}, Idempotency: &credit.Idempotency{Key: "k", Op: credit.OpUpdated, At: epoch}})
	if d := r1.load(credit.Query{Documents: []string{"d"}}).Documents["d"]; d.Kind != invoice.Payment {
		t.Errorf("a write in another namespace changed document d: %+v", d)
	}
	if rec := r1.load(credit.Query{Idempotency: "k"}).Idempotency; rec == nil || rec.Op != credit.OpApplied {
		t.Errorf("a write in another namespace changed idempotency key k: %+v", rec)
	}
	if rec := r2.load(credit.Query{Idempotency: "k"}).Idempotency; rec == nil || rec.Op != credit.OpUpdated {
		t.Errorf("the other namespace's idempotency key k reads %+v", rec)
	}
}

func contractCancelled(t tb, s credit.Store) {
	r := newRaw(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Load(ctx, credit.Query{Namespace: r.ns, Accounts: []string{"a"}}); err == nil {
		t.Errorf("Load with a cancelled context succeeded")
	}
	if err := s.Commit(ctx, &credit.Batch{Namespace: r.ns, Accounts: []credit.Account{r.account("a", 1)}}); err == nil {
		t.Errorf("Commit with a cancelled context succeeded")
	}
	if _, err := s.History(ctx, r.ns, "a", 0, 10); err == nil {
		t.Errorf("History with a cancelled context succeeded")
	}
	if _, _, err := s.EntryAt(ctx, r.ns, "a", epoch); err == nil {
		t.Errorf("EntryAt with a cancelled context succeeded")
	}
	if _, err := s.Documents(ctx, r.ns, credit.DocumentFilter{Account: "a"}); err == nil {
		t.Errorf("Documents with a cancelled context succeeded")
	}
	if len(r.load(credit.Query{Accounts: []string{"a"}}).Accounts) != 0 {
		t.Errorf("Commit with a cancelled context wrote the account")
	}
}
