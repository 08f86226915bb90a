package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The contract clauses call the Store directly, without the Ledger, with
// hand-made records: a Store keeps what it is given and checks only
// versions, ids, sequence numbers and keys. Each clause is one subtest,
// named as in the package documentation, and fails only for what its
// promise says.
func contractScenarios() []scenario {
	return []scenario{
		{"Store/Load", "Load reads the records a Query names, unknown ids are absent, and what it returns is the caller's", contractLoad},
		{"Store/Namespaces", "no read returns, and no write touches, a record of another namespace", contractNamespaces},
		{"Store/Versions", "Commit refuses a stale, skipped or missing version with ErrConflict", contractVersions},
		{"Store/Uniqueness", "Commit refuses an existing application id, (account, Seq) or idempotency key, and an entry that is not the next, with ErrConflict", contractUniqueness},
		{"Store/AllOrNothing", "a refused Commit writes nothing of its batch", contractAllOrNothing},
		{"Store/History", "History returns an account's entries in Seq order, after the cursor, at most limit (all when limit ≤ 0)", contractHistory},
		{"Store/EntryAt", "EntryAt returns the last entry at or before a time, to the microsecond", contractEntryAt},
		{"Store/Documents", "Documents filters, orders by (Issued, ID), and pages after a cursor", contractDocuments},
		{"Store/RoundTrip", "every field of every record reads back as written", contractRoundTrip},
		{"Store/Labels", "a document's labels read back as written, and are the store's own", contractLabels},
		{"Store/Context", "a cancelled context is an error wrapping context.Canceled, and a cancelled Commit writes nothing", contractContext},
		{"Store/AccountLister", "AccountIDs lists a namespace's accounts in byte order, after the cursor, at most limit", contractAccountLister},
		{"Store/RecordStore", "LoadRecords reads what Load reads into the caller's slices, CommitCopy writes what Commit writes, and neither keeps what it was lent", contractRecordStore},
	}
}

// rawStore wraps a Store with records made for the contract clauses, in a
// namespace of its own.
type rawStore struct {
	t   tb
	s   credit.Store
	ctx context.Context
	ns  string
}

func newRaw(t tb, e *env) *rawStore {
	return &rawStore{t: t, s: e.s, ctx: e.ctx, ns: "ns-" + randomHex(6)}
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
	return credit.Entry{Account: account, Seq: seq, At: at, Kind: credit.AccountUpdated, Amount: cents(0),
		CreditChange: cents(0), DebitChange: cents(0), After: b, By: "storetest", Operation: "op"}
}

func (r *rawStore) app(id, cr, debit, op string) credit.Application {
	return credit.Application{ID: id, Credit: cr, Debit: debit, CreditAccount: "a", DebitAccount: "a",
		Amount: cents(1), Operation: op, By: "storetest", At: epoch}
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

// conflict commits a batch the store must refuse with ErrConflict, and
// reports whether it refused it at all.
func (r *rawStore) conflict(what string, b *credit.Batch) bool {
	r.t.Helper()
	err := r.commit(b)
	if !errors.Is(err, credit.ErrConflict) {
		r.t.Errorf("%s: Commit returned %v, want an error wrapping credit.ErrConflict", what, err)
	}
	return err != nil
}

func (r *rawStore) load(q credit.Query) *credit.Snapshot {
	r.t.Helper()
	q.Namespace = r.ns
	s, err := r.s.Load(r.ctx, q)
	if err != nil {
		r.t.Fatalf("Load(%s): %v", describe(q), err)
	}
	if s == nil {
		r.t.Fatalf("Load(%s) returned a nil snapshot", describe(q))
	}
	return s
}

func (r *rawStore) history(account string, after int64, limit int) []credit.Entry {
	r.t.Helper()
	h, err := r.s.History(r.ctx, r.ns, account, after, limit)
	if err != nil {
		r.t.Fatalf("History(%q, after %d, limit %d): %v", account, after, limit, err)
	}
	return h
}

func (r *rawStore) entryAt(account string, at time.Time) (credit.Entry, bool) {
	r.t.Helper()
	e, ok, err := r.s.EntryAt(r.ctx, r.ns, account, at)
	if err != nil {
		r.t.Fatalf("EntryAt(%q, %s): %v", account, at.Format(time.RFC3339Nano), err)
	}
	return e, ok
}

func (r *rawStore) documents(f credit.DocumentFilter) []invoice.Document {
	r.t.Helper()
	ds, err := r.s.Documents(r.ctx, r.ns, f)
	if err != nil {
		r.t.Fatalf("Documents(%+v): %v", f, err)
	}
	return ds
}

// describe shows the fields of a Query that are set.
func describe(q credit.Query) string {
	var parts []string
	add := func(name string, v []string) {
		if len(v) > 0 {
			parts = append(parts, fmt.Sprintf("%s %q", name, v))
		}
	}
	add("Accounts", q.Accounts)
	add("Documents", q.Documents)
	if q.DocumentAccounts {
		parts = append(parts, "DocumentAccounts")
	}
	add("OpenOf", q.OpenOf)
	add("ApplicationsOf", q.ApplicationsOf)
	add("Applications", q.Applications)
	if q.Operation != "" {
		parts = append(parts, fmt.Sprintf("Operation %q", q.Operation))
	}
	if q.Idempotency != "" {
		parts = append(parts, fmt.Sprintf("Idempotency %q", q.Idempotency))
	}
	return strings.Join(parts, ", ")
}

func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, id(x))
	}
	return out
}

func docID(d invoice.Document) string          { return d.ID }
func appID(a credit.Application) string        { return a.ID }
func entrySeq(e credit.Entry) string           { return fmt.Sprint(e.Seq) }
func sortedIDs[V any](m map[string]V) []string { return sortedKeys(m) }

func contractLoad(t tb, e *env) {
	r := newRaw(t, e)
	all := credit.Query{Accounts: []string{"nope"}, Documents: []string{"nope"}, OpenOf: []string{"nope"},
		ApplicationsOf: []string{"nope"}, Applications: []string{"nope"}, Operation: "nope", Idempotency: "nope"}
	snap := r.load(all)
	if len(snap.Accounts) != 0 || len(snap.Documents) != 0 || len(snap.Applications) != 0 || snap.Idempotency != nil {
		t.Errorf("Load(%s) of unknown ids in a namespace without records returned %+v, want nothing", describe(all), snap)
	}
	r.mustCommit("records", &credit.Batch{
		Accounts: []credit.Account{r.account("a", 1), r.account("b", 1)},
		Documents: []invoice.Document{r.doc("pay", "a", invoice.Payment, 400, epoch), r.doc("inv", "a", invoice.Invoice, 1000, epoch),
			r.doc("other", "b", invoice.Invoice, 1000, epoch)},
		Applications: []credit.Application{r.app("app1", "pay", "inv", "op1"), r.app("app2", "pay", "inv", "op2")},
		Entries:      []credit.Entry{r.entry("a", 1, epoch)},
		Idempotency:  &credit.Idempotency{Key: "k1", Kind: credit.CreditApplied, Fingerprint: "fp", Result: []byte(`{"x":1}`), At: epoch},
	})
	// Unknown ids again, now that the namespace has records.
	if snap := r.load(all); len(snap.Accounts) != 0 || len(snap.Documents) != 0 || len(snap.Applications) != 0 || snap.Idempotency != nil {
		t.Errorf("Load(%s) of unknown ids returned %+v, want nothing", describe(all), snap)
	}
	// Known and unknown ids in one query: only the known come back.
	q := credit.Query{Accounts: []string{"a", "nope"}, Documents: []string{"inv", "nope"}}
	if snap := r.load(q); !cmp.Equal(sortedIDs(snap.Accounts), []string{"a"}) || !cmp.Equal(sortedIDs(snap.Documents), []string{"inv"}) {
		t.Errorf("Load(%s) returned accounts %q and documents %q, want [a] and [inv]", describe(q), sortedIDs(snap.Accounts), sortedIDs(snap.Documents))
	}
	// Applications by either document, by id and by operation, once each
	// however many fields name them.
	for _, c := range []struct {
		q    credit.Query
		want []string
	}{
		{credit.Query{ApplicationsOf: []string{"pay"}}, []string{"app1", "app2"}},
		{credit.Query{ApplicationsOf: []string{"inv"}}, []string{"app1", "app2"}},
		{credit.Query{ApplicationsOf: []string{"inv", "pay"}}, []string{"app1", "app2"}},
		{credit.Query{ApplicationsOf: []string{"other"}}, nil},
		{credit.Query{Applications: []string{"app2"}}, []string{"app2"}},
		{credit.Query{Operation: "op1"}, []string{"app1"}},
		{credit.Query{ApplicationsOf: []string{"inv"}, Applications: []string{"app1"}, Operation: "op1"}, []string{"app1", "app2"}},
	} {
		got := ids(r.load(c.q).Applications, appID)
		slices.Sort(got)
		if !cmp.Equal(got, c.want, cmpEmpty) {
			t.Errorf("Load(%s) returned applications %q, want %q", describe(c.q), got, c.want)
		}
	}
	// A Query of several fields reads what its fields read apart, however
	// a store reads them (one read each, or all in one statement).
	for _, q := range []credit.Query{
		{Documents: []string{"inv", "pay", "nope"}, DocumentAccounts: true, ApplicationsOf: []string{"inv"}, Idempotency: "k1"},
		{Documents: []string{"other"}, DocumentAccounts: true, ApplicationsOf: []string{"inv", "pay"}},
		{Documents: []string{"inv", "other"}, DocumentAccounts: true, ApplicationsOf: []string{"other"}, Idempotency: "nope"},
		{Documents: []string{"nope"}, DocumentAccounts: true, Idempotency: "k1"},
	} {
		want := r.load(credit.Query{Documents: q.Documents, DocumentAccounts: true})
		if len(q.ApplicationsOf) > 0 {
			want.Applications = r.load(credit.Query{ApplicationsOf: q.ApplicationsOf}).Applications
		}
		if q.Idempotency != "" {
			want.Idempotency = r.load(credit.Query{Idempotency: q.Idempotency}).Idempotency
		}
		got := r.load(q)
		for _, s := range []*credit.Snapshot{want, got} {
			slices.SortFunc(s.Applications, func(x, y credit.Application) int { return strings.Compare(x.ID, y.ID) })
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Load(%s) differs from its fields read apart (-apart +together):\n%s", describe(q), diff)
		}
	}
	contractLoadAnyOrder(t, r)
	// OpenOf reads the open documents only, of the accounts named.
	q = credit.Query{OpenOf: []string{"a"}}
	if got := sortedIDs(r.load(q).Documents); !cmp.Equal(got, []string{"inv", "pay"}) {
		t.Errorf("Load(%s) returned documents %q, want [inv pay]", describe(q), got)
	}
	paid := r.doc("inv", "a", invoice.Invoice, 1000, epoch)
	paid.Open, paid.Status, paid.Version = cents(0), invoice.Paid, 2
	r.mustCommit("invoice paid", &credit.Batch{Documents: []invoice.Document{paid}})
	if got := sortedIDs(r.load(q).Documents); !cmp.Equal(got, []string{"pay"}) {
		t.Errorf("Load(%s) after inv was paid returned documents %q, want [pay]", describe(q), got)
	}
	// What Load returns is the caller's to change.
	q = credit.Query{Idempotency: "k1"}
	if rec := r.load(q).Idempotency; rec != nil && len(rec.Result) > 0 {
		rec.Result[0] = 'X'
		if again := r.load(q).Idempotency; again == nil || string(again.Result) != `{"x":1}` {
			t.Errorf("changing the Result that Load(%s) returned changed the stored one", describe(q))
		}
	} else {
		t.Errorf("Load(%s) returned %+v, want the record of k1", describe(q), rec)
	}
}

// contractLoadAnyOrder: an application is found by its documents whichever
// was committed first. A store may keep the list of a document's
// applications with the document, but the Store contract does not order
// the records.
func contractLoadAnyOrder(t tb, r *rawStore) {
	r.mustCommit("applications before their documents", &credit.Batch{
		Applications: []credit.Application{r.app("early1", "late-pay", "late-inv", "op3")}})
	r.mustCommit("the documents", &credit.Batch{Documents: []invoice.Document{
		r.doc("late-pay", "b", invoice.Payment, 400, epoch), r.doc("late-inv", "b", invoice.Invoice, 1000, epoch)}})
	r.mustCommit("an application after them", &credit.Batch{
		Applications: []credit.Application{r.app("early2", "late-pay", "late-inv", "op4")}})
	for _, doc := range []string{"late-pay", "late-inv"} {
		q := credit.Query{ApplicationsOf: []string{doc}}
		got := ids(r.load(q).Applications, appID)
		slices.Sort(got)
		if want := []string{"early1", "early2"}; !cmp.Equal(got, want) {
			t.Errorf("Load(%s), %s's applications committed before and after it, returned %q, want %q", describe(q), doc, got, want)
		}
	}
}

// cmpEmpty makes nil and empty slices equal.
var cmpEmpty = cmp.Comparer(func(x, y []string) bool { return slices.Equal(x, y) })

// nsRecords writes the records of one side of the namespace clause. Both
// sides use the same ids and key; each also has ids of its own
// ("only-A-…"). Every record carries its side's label (in the Party,
// Reference, By or Fingerprint), so that a read shows where a record came
// from.
func nsRecords(r *rawStore, label string, first int) {
	acct := func(id string) credit.Account {
		a := r.account(id, 1)
		a.Party.Company = label
		return a
	}
	doc := func(id, account string, kind invoice.Kind) invoice.Document {
		d := r.doc(id, account, kind, 100, epoch)
		d.Reference = label
		return d
	}
	app := func(id string) credit.Application {
		a := r.app(id, "d1", "d2", "op1")
		a.By = label
		return a
	}
	only := "only-" + label
	closed := doc("d3", "a", invoice.Invoice)
	closed.Open, closed.Status = cents(0), invoice.Paid
	b := &credit.Batch{
		Accounts: []credit.Account{acct("a"), acct(only)},
		Documents: []invoice.Document{doc("d1", "a", invoice.Payment), doc("d2", "a", invoice.Invoice), closed,
			doc(only+"-doc", "a", invoice.Payment), doc(only+"-doc2", only, invoice.Invoice)},
		Applications: []credit.Application{app("app1"), app(only + "-app")},
		Idempotency:  &credit.Idempotency{Key: "k", Kind: credit.CreditApplied, Fingerprint: label, Result: []byte(`{}`), At: epoch},
	}
	// The two sides' entries of account a interleave in time.
	for i := range 3 {
		en := r.entry("a", int64(i+1), epoch.Add(time.Duration(first+2*i)*time.Second))
		en.By = label
		b.Entries = append(b.Entries, en)
	}
	en := r.entry(only, 1, epoch)
	en.By = label
	b.Entries = append(b.Entries, en)
	r.mustCommit("namespace "+label, b)
	r.mustCommit("namespace "+label+" key", &credit.Batch{
		Idempotency: &credit.Idempotency{Key: only + "-key", Kind: credit.CreditApplied, Fingerprint: label, Result: []byte(`{}`), At: epoch}})
}

func contractNamespaces(t tb, e *env) {
	sides := map[string]*rawStore{"A": newRaw(t, e), "B": newRaw(t, e)}
	nsRecords(sides["A"], "A", 1)
	nsRecords(sides["B"], "B", 2)
	lister, _ := e.s.(credit.AccountLister)
	for _, pair := range [][2]string{{"B", "A"}, {"A", "B"}} {
		me, other := pair[0], pair[1]
		r := sides[me]
		only := "only-" + other
		foreign := func(what, kind, id, label string) {
			t.Helper()
			if label != me {
				t.Errorf("%s in namespace %s returned %s %s of namespace %s", what, me, kind, id, other)
			}
		}
		snapshot := func(q credit.Query) {
			t.Helper()
			snap := r.load(q)
			what := "Load(" + describe(q) + ")"
			for _, id := range sortedIDs(snap.Accounts) {
				foreign(what, "account", id, snap.Accounts[id].Party.Company)
			}
			for _, id := range sortedIDs(snap.Documents) {
				foreign(what, "document", id, snap.Documents[id].Reference)
			}
			for _, a := range snap.Applications {
				foreign(what, "application", a.ID, a.By)
			}
			if rec := snap.Idempotency; rec != nil {
				foreign(what, "the idempotency record of key", rec.Key, rec.Fingerprint)
			}
		}
		// Each field of a Query on its own, naming the shared ids and the
		// other side's own.
		snapshot(credit.Query{Accounts: []string{"a", only}})
		snapshot(credit.Query{Documents: []string{"d1", "d2", "d3", only + "-doc", only + "-doc2"}})
		snapshot(credit.Query{Documents: []string{"d1", only + "-doc2"}, DocumentAccounts: true})
		snapshot(credit.Query{OpenOf: []string{"a", only}})
		snapshot(credit.Query{ApplicationsOf: []string{"d1", "d2", only + "-doc"}})
		snapshot(credit.Query{Applications: []string{"app1", only + "-app"}})
		snapshot(credit.Query{Operation: "op1"})
		snapshot(credit.Query{Idempotency: "k"})
		snapshot(credit.Query{Idempotency: only + "-key"})
		for _, acct := range []string{"a", only} {
			for _, en := range r.history(acct, 0, 0) {
				foreign(fmt.Sprintf("History(%q)", acct), "entry", fmt.Sprint(en.Seq), en.By)
			}
			for s := range 8 {
				at := epoch.Add(time.Duration(s) * time.Second)
				if en, ok := r.entryAt(acct, at); ok {
					foreign(fmt.Sprintf("EntryAt(%q, epoch+%ds)", acct, s), "entry", fmt.Sprint(en.Seq), en.By)
				}
			}
			for _, d := range r.documents(credit.DocumentFilter{Account: acct}) {
				foreign(fmt.Sprintf("Documents(account %q)", acct), "document", d.ID, d.Reference)
			}
		}
		if lister != nil {
			list, err := lister.AccountIDs(r.ctx, r.ns, "", 0)
			if err != nil {
				t.Fatalf("AccountIDs: %v", err)
			}
			if slices.Contains(list, only) {
				t.Errorf("AccountIDs in namespace %s returned account %s of namespace %s", me, only, other)
			}
		}
	}
	// A write in one namespace leaves the other's records of the same ids.
	b := sides["B"]
	up := b.account("a", 2)
	up.Party.Company = "B"
	b.mustCommit("namespace B updates a", &credit.Batch{Accounts: []credit.Account{up}})
	if a := sides["A"].load(credit.Query{Accounts: []string{"a"}}).Accounts["a"]; a.Version != 1 || a.Party.Company != "A" {
		t.Errorf("Commit in namespace B of account a at version 2 changed account a of namespace A: %+v", a)
	}
}

func contractVersions(t tb, e *env) {
	r := newRaw(t, e)
	r.mustCommit("setup", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)},
		Documents: []invoice.Document{r.doc("d", "a", invoice.Invoice, 100, epoch)}})
	r.mustCommit("update to 2", &credit.Batch{Accounts: []credit.Account{r.account("a", 2)}})
	stale := r.account("a", 2) // stored is 2: writing 2 again is stale
	stale.Limit = cents(999)
	r.conflict("account a at version 2 written as version 2 again (stale)", &credit.Batch{Accounts: []credit.Account{stale}})
	ahead := r.account("a", 4)
	ahead.Limit = cents(999)
	r.conflict("account a at version 2 written as version 4 (ahead)", &credit.Batch{Accounts: []credit.Account{ahead}})
	again := r.account("a", 1)
	again.Limit = cents(999)
	r.conflict("account a written as new (version 1) though it exists", &credit.Batch{Accounts: []credit.Account{again}})
	nd := r.doc("d", "a", invoice.Invoice, 999, epoch)
	r.conflict("document d written as new (version 1) though it exists", &credit.Batch{Documents: []invoice.Document{nd}})
	nd.Version = 3
	r.conflict("document d at version 1 written as version 3", &credit.Batch{Documents: []invoice.Document{nd}})
	missing := r.doc("nope", "a", invoice.Invoice, 100, epoch)
	missing.Version = 2
	r.conflict("document nope, which does not exist, written as version 2", &credit.Batch{Documents: []invoice.Document{missing}})
	snap := r.load(credit.Query{Accounts: []string{"a"}, Documents: []string{"d", "nope"}})
	if a := snap.Accounts["a"]; a.Version != 2 || minor(a.Limit) != 0 {
		t.Errorf("after refused commits account a is at version %d with limit %s, want version 2 and limit 0", a.Version, a.Limit)
	}
	if d := snap.Documents["d"]; d.Version != 1 || minor(d.Amount) != 100 {
		t.Errorf("after refused commits document d is at version %d with amount %s, want 1 and 1.00", d.Version, d.Amount)
	}
	if _, ok := snap.Documents["nope"]; ok {
		t.Errorf("a refused update created document nope")
	}
	// The next version is accepted.
	next := r.account("a", 3)
	next.Limit = cents(5)
	r.mustCommit("account a at version 2 written as version 3", &credit.Batch{Accounts: []credit.Account{next}})
}

func contractUniqueness(t tb, e *env) {
	r := newRaw(t, e)
	app := r.app("app", "c", "d", "op")
	r.mustCommit("setup", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}, Applications: []credit.Application{app},
		Entries: []credit.Entry{r.entry("a", 1, epoch)}, Idempotency: &credit.Idempotency{Key: "k", Kind: credit.CreditApplied, Fingerprint: "f", At: epoch}})
	dup := app
	dup.Amount = cents(2)
	r.conflict("application id app that exists", &credit.Batch{Applications: []credit.Application{dup}})
	r.conflict("idempotency key k that is recorded", &credit.Batch{Idempotency: &credit.Idempotency{Key: "k", Kind: credit.AccountUpdated, Fingerprint: "g", At: epoch}})
	r.conflict("entry a/1 that exists", &credit.Batch{Entries: []credit.Entry{r.entry("a", 1, epoch)}})
	r.conflict("entry a/3 that skips a/2", &credit.Batch{Entries: []credit.Entry{r.entry("a", 3, epoch)}})
	r.conflict("entries a/3 then a/2, out of order", &credit.Batch{Entries: []credit.Entry{r.entry("a", 3, epoch), r.entry("a", 2, epoch)}})
	r.conflict("first entry of account b with Seq 2", &credit.Batch{Entries: []credit.Entry{r.entry("b", 2, epoch)}})
	r.mustCommit("entries a/2 and a/3 in one batch", &credit.Batch{Entries: []credit.Entry{r.entry("a", 2, epoch), r.entry("a", 3, epoch)}})
	if got := r.load(credit.Query{Applications: []string{"app"}}).Applications; len(got) != 1 || !got[0].Amount.Equal(cents(1)) {
		t.Errorf("after a refused duplicate, application app reads %+v, want the first one (amount 0.01)", got)
	}
	if rec := r.load(credit.Query{Idempotency: "k"}).Idempotency; rec == nil || rec.Fingerprint != "f" {
		t.Errorf("after a refused duplicate, key k reads %+v, want the first record (fingerprint f)", rec)
	}
	if got := ids(r.history("a", 0, 0), entrySeq); !cmp.Equal(slices.Sorted(slices.Values(got)), []string{"1", "2", "3"}) {
		t.Errorf("history of a has entries %q, want 1, 2 and 3", got)
	}
	if h := r.history("b", 0, 0); len(h) != 0 {
		t.Errorf("a refused entry of account b was written: %q", ids(h, entrySeq))
	}
}

func contractAllOrNothing(t tb, e *env) {
	r := newRaw(t, e)
	// Each bad batch works on ids of its own (prefix p): a store that
	// accepts one breaks another clause (Versions or Uniqueness), not this
	// one, and the next case starts afresh.
	setup := func(p string) {
		r.mustCommit("setup", &credit.Batch{Accounts: []credit.Account{r.account(p+"a", 1)}, Entries: []credit.Entry{r.entry(p+"a", 1, epoch)},
			Documents:    []invoice.Document{r.doc(p+"old", p+"a", invoice.Invoice, 100, epoch)},
			Applications: []credit.Application{r.app(p+"old", "c", "d", p+"old-op")},
			Idempotency:  &credit.Idempotency{Key: p + "old", Kind: credit.CreditApplied, At: epoch}})
	}
	good := func(p string) *credit.Batch {
		up := r.account(p+"a", 2)
		up.Limit = cents(777)
		return &credit.Batch{
			Accounts:     []credit.Account{up, r.account(p+"new", 1)},
			Documents:    []invoice.Document{r.doc(p+"d1", p+"a", invoice.Invoice, 100, epoch), r.doc(p+"d2", p+"new", invoice.Payment, 100, epoch)},
			Applications: []credit.Application{r.app(p+"app", p+"d2", p+"d1", p+"op")},
			Entries:      []credit.Entry{r.entry(p+"a", 2, epoch), r.entry(p+"new", 1, epoch)},
			Idempotency:  &credit.Idempotency{Key: p + "new", Kind: credit.CreditApplied, At: epoch},
		}
	}
	bad := map[string]func(p string, b *credit.Batch){
		"a stale account last": func(p string, b *credit.Batch) { b.Accounts = append(b.Accounts, r.account(p+"b", 2)) },
		"an existing document last": func(p string, b *credit.Batch) {
			b.Documents = append(b.Documents, r.doc(p+"old", p+"a", invoice.Invoice, 5, epoch))
		},
		"a stale document update last": func(p string, b *credit.Batch) {
			d := r.doc(p+"zz", p+"a", invoice.Invoice, 5, epoch)
			d.Version = 2
			b.Documents = append(b.Documents, d)
		},
		"a duplicate application last": func(p string, b *credit.Batch) {
			b.Applications = append(b.Applications, r.app(p+"old", "c", "d", p+"op"))
		},
		"a bad entry last": func(p string, b *credit.Batch) { b.Entries = append(b.Entries, r.entry(p+"a", 9, epoch)) },
		"a recorded key":   func(p string, b *credit.Batch) { b.Idempotency.Key = p + "old" },
		"a stale account first": func(p string, b *credit.Batch) {
			b.Accounts = append([]credit.Account{r.account(p+"b", 3)}, b.Accounts...)
		},
		"an entry twice in a batch": func(p string, b *credit.Batch) { b.Entries = append(b.Entries, r.entry(p+"new", 1, epoch)) },
	}
	for i, name := range sortedKeys(bad) {
		p := fmt.Sprintf("c%d-", i)
		setup(p)
		b := good(p)
		bad[name](p, b)
		if err := r.commit(b); err == nil {
			t.Logf("a batch with %s was accepted (the clauses Versions and Uniqueness say more)", name)
			continue
		}
		snap := r.load(credit.Query{Accounts: []string{p + "a", p + "new", p + "b"}, Documents: []string{p + "d1", p + "d2", p + "zz"},
			Applications: []string{p + "app"}, Operation: p + "op", Idempotency: p + "new"})
		var wrote []string
		if a := snap.Accounts[p+"a"]; a.Version != 1 || minor(a.Limit) != 0 {
			wrote = append(wrote, fmt.Sprintf("account %sa at version %d", p, a.Version))
		}
		for _, id := range sortedIDs(snap.Accounts) {
			if id != p+"a" {
				wrote = append(wrote, "account "+id)
			}
		}
		for _, id := range sortedIDs(snap.Documents) {
			wrote = append(wrote, "document "+id)
		}
		for _, a := range snap.Applications {
			wrote = append(wrote, "application "+a.ID)
		}
		if snap.Idempotency != nil {
			wrote = append(wrote, "idempotency key "+p+"new")
		}
		if h := r.history(p+"a", 0, 0); len(h) != 1 {
			wrote = append(wrote, fmt.Sprintf("%d entries of %sa", len(h)-1, p))
		}
		if h := r.history(p+"new", 0, 0); len(h) != 0 {
			wrote = append(wrote, fmt.Sprintf("%d entries of %snew", len(h), p))
		}
		if len(wrote) > 0 {
			t.Errorf("a refused batch with %s wrote part of itself: %s", name, strings.Join(wrote, ", "))
		}
		r.mustCommit("the good batch after a refused one", good(p))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := keys(m)
	slices.Sort(out)
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func contractHistory(t tb, e *env) {
	r := newRaw(t, e)
	n := e.opts.records()
	r.mustCommit("account", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}})
	// Entries of a in batches of 1, 2, 3 … interleaved with entries of b,
	// several at one instant.
	seq, bseq := int64(0), int64(0)
	for size := 1; seq < int64(n); size++ {
		var es []credit.Entry
		for range min(size, n-int(seq)) {
			seq++
			es = append(es, r.entry("a", seq, epoch.Add(time.Duration(seq/3)*time.Second)))
		}
		bseq++
		es = append(es, r.entry("b", bseq, epoch))
		r.mustCommit(fmt.Sprintf("entries a/%d…%d", es[0].Seq, seq), &credit.Batch{Entries: es})
	}
	seqs := func(h []credit.Entry) []int64 {
		out := []int64{}
		for _, e := range h {
			out = append(out, e.Seq)
			if e.Account != "a" {
				t.Errorf("History of a returned an entry of account %q", e.Account)
			}
		}
		return out
	}
	span := func(from, to int64) []int64 {
		out := []int64{}
		for s := from; s <= to; s++ {
			out = append(out, s)
		}
		return out
	}
	last := int64(n)
	cases := []struct {
		after int64
		limit int
		want  []int64
	}{
		{0, 10, span(1, 10)}, {10, 10, span(11, 20)}, {last - 5, 10, span(last-4, last)}, {last, 10, nil}, {last + 50, 10, nil},
		{3, 1, span(4, 4)}, {0, 0, span(1, last)}, {0, -1, span(1, last)}, {5, 0, span(6, last)}, {0, n + 10, span(1, last)},
		{last - 1, 10, span(last, last)}, {-3, 2, span(1, 2)},
	}
	for _, c := range cases {
		if got := seqs(r.history("a", c.after, c.limit)); !cmp.Equal(got, c.want, cmp.Comparer(slices.Equal[[]int64])) {
			t.Errorf("History(a, after %d, limit %d) returned entries %v, want %v", c.after, c.limit, got, c.want)
		}
	}
	// Paging through the whole history gives every entry once, in order.
	for _, size := range []int{1, 7, n} {
		var all []credit.Entry
		for range n + 1 {
			page := r.history("a", int64(len(all)), size)
			all = append(all, page...)
			if len(page) < size {
				break
			}
		}
		if got := seqs(all); !cmp.Equal(got, span(1, last), cmp.Comparer(slices.Equal[[]int64])) {
			t.Errorf("paging History(a) by %d gave entries %v, want 1…%d in order", size, got, last)
		}
	}
	if got := seqs(r.history("nope", 0, 0)); len(got) != 0 {
		t.Errorf("History of an account without entries returned %v", got)
	}
}

func contractEntryAt(t tb, e *env) {
	r := newRaw(t, e)
	n := e.opts.records()
	// n entries inside a few seconds, microseconds apart, and some at one
	// instant; a second account at the same times.
	base := epoch.Add(time.Hour + time.Microsecond)
	ats := make([]time.Time, n)
	var es []credit.Entry
	for i := range n {
		ats[i] = base.Add(time.Duration((i/2)*(i/2+1)*331) * time.Microsecond)
		es = append(es, r.entry("a", int64(i+1), ats[i]))
	}
	r.mustCommit("entries", &credit.Batch{Accounts: []credit.Account{r.account("a", 1)}, Entries: es})
	other := r.entry("b", 1, base.Add(-time.Hour))
	r.mustCommit("an entry of b", &credit.Batch{Entries: []credit.Entry{other}})
	// lastAt is the seq EntryAt must return for t: the last entry with
	// At ≤ t, 0 for none.
	lastAt := func(at time.Time) int64 {
		var seq int64
		for i, x := range ats {
			if !x.After(at) {
				seq = int64(i + 1)
			}
		}
		return seq
	}
	probe := func(at time.Time, how string) {
		t.Helper()
		want := lastAt(at)
		got, ok := r.entryAt("a", at)
		switch {
		case want == 0 && ok:
			t.Errorf("EntryAt(a, %s) (%s) returned entry %d at %s, want none", at.Format(time.RFC3339Nano), how, got.Seq, got.At.Format(time.RFC3339Nano))
		case want != 0 && !ok:
			t.Errorf("EntryAt(a, %s) (%s) returned none, want entry %d at %s", at.Format(time.RFC3339Nano), how, want, ats[want-1].Format(time.RFC3339Nano))
		case want != 0 && got.Seq != want:
			t.Errorf("EntryAt(a, %s) (%s) returned entry %d at %s, want entry %d at %s", at.Format(time.RFC3339Nano), how,
				got.Seq, got.At.Format(time.RFC3339Nano), want, ats[want-1].Format(time.RFC3339Nano))
		}
	}
	probe(base.Add(-time.Hour), "long before the first")
	probe(base.Add(-time.Microsecond), "1µs before the first")
	for i, at := range ats {
		probe(at, fmt.Sprintf("at entry %d", i+1))
		probe(at.Add(-time.Microsecond), fmt.Sprintf("1µs before entry %d", i+1))
		probe(at.Add(time.Microsecond), fmt.Sprintf("1µs after entry %d", i+1))
	}
	probe(ats[n-1].Add(time.Hour), "after the last")
	if got, ok := r.entryAt("nope", ats[n-1]); ok {
		t.Errorf("EntryAt of an account without entries returned entry %d", got.Seq)
	}
}

func contractDocuments(t tb, e *env) {
	r := newRaw(t, e)
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
	list := func(f credit.DocumentFilter) []string { return ids(r.documents(f), docID) }
	cases := []struct {
		f    credit.DocumentFilter
		want []string
	}{
		{credit.DocumentFilter{Account: "a"}, []string{"d5", "d2", "d3", "d1", "d4", "e1"}},
		{credit.DocumentFilter{Account: "a", Limit: -1}, []string{"d5", "d2", "d3", "d1", "d4", "e1"}},
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
		{credit.DocumentFilter{Account: "a", After: "d3", OpenOnly: true, Kinds: []invoice.Kind{invoice.Payment}}, []string{"d1", "e1"}},
		{credit.DocumentFilter{Account: "b"}, []string{"x1"}},
		{credit.DocumentFilter{Account: "c"}, nil},
	}
	for _, c := range cases {
		if got := list(c.f); !cmp.Equal(got, c.want, cmpEmpty) {
			t.Errorf("Documents(%+v) returned %q, want %q", c.f, got, c.want)
		}
	}
	// Many documents a microsecond or a tie apart, paged with a cursor.
	n := e.opts.records()
	var many []invoice.Document
	for i := range n {
		issued := epoch.Add(time.Duration((i*7)%(n/3+1)) * time.Microsecond)
		many = append(many, r.doc(fmt.Sprintf("p%03d", i), "p", invoice.Invoice, 100, issued))
	}
	r.mustCommit("many documents", &credit.Batch{Accounts: []credit.Account{r.account("p", 1)}, Documents: many})
	want := slices.Clone(many)
	slices.SortFunc(want, func(x, y invoice.Document) int {
		if c := x.Issued.Compare(y.Issued); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	wantIDs := ids(want, docID)
	if got := list(credit.DocumentFilter{Account: "p"}); !cmp.Equal(got, wantIDs, cmpEmpty) {
		t.Errorf("Documents(p) returned %q, want %q, in (Issued, ID) order", got, wantIDs)
	}
	for _, size := range []int{1, 5} {
		var got []string
		after := ""
		for range n + 1 {
			page := list(credit.DocumentFilter{Account: "p", After: after, Limit: size})
			got = append(got, page...)
			if len(page) < size {
				break
			}
			after = page[len(page)-1]
		}
		if !cmp.Equal(got, wantIDs, cmpEmpty) {
			t.Errorf("paging Documents(p) by %d with the cursor gave %q, want %q", size, got, wantIDs)
		}
	}
}

// roundTripRecords are records with every field set, at the edges of what
// the Ledger writes: times with microseconds, text of the longest length
// in several scripts, the most digits an amount may have, currencies with
// 0, 2 and 3 decimals, conversions with their rate and residual, and the
// hash chain.
func roundTripRecords(tag string) (credit.Account, []invoice.Document, []credit.Application, []credit.Entry, *credit.Idempotency) {
	bhd := money.MustCurrency("BHD")
	jpy := money.MustCurrency("JPY")
	mustNew := func(c money.Currency, s string) money.Money {
		m, err := money.New(c, s)
		if err != nil {
			panic(err)
		}
		return m
	}
	long := func(unit string) string {
		s := strings.Repeat(unit, invoice.MaxTextLen/len(unit))
		return s + strings.Repeat("x", invoice.MaxTextLen-len(s))
	}
	at := epoch.Add(36*time.Hour + 123456*time.Microsecond)
	huge := mustNew(bhd, "999999999999999999999.999") // 24 digits
	acct := credit.Account{ID: tag + "compte-ünïcode-€-" + strings.Repeat("9", 100), Currency: bhd, Kind: credit.Prepaid,
		Party: invoice.Party{Company: long("Société "), Person: long("日本語")}, Limit: huge, AllowExceed: true,
		Credit: mustNew(bhd, "123456789012345678901.234"), Debit: mustNew(bhd, "0.001"), Seq: 2, Updated: at.Add(time.Microsecond),
		Head: strings.Repeat("ab", 32), Created: at, Version: 1, Hold: long("crédit gelé "), Closed: at.Add(5 * time.Microsecond)}
	inv := invoice.Document{ID: fill(tag+"facture-é-", credit.MaxKeyLen), Account: acct.ID, Kind: invoice.Invoice, Amount: huge, Open: mustNew(bhd, "0.001"),
		Issued: at, Due: at.Add(30*24*time.Hour + 999999*time.Microsecond), Recurring: true, Status: invoice.Open,
		BillTo: invoice.Party{Company: long("Ωμέγα "), Person: "Zoë"}, Reason: long("理由"), Reference: long("ref-🧾"), Version: 1}
	pay := invoice.Document{ID: tag + "paiement", Account: acct.ID, Kind: invoice.Prepayment, Amount: mustNew(bhd, "10.500"),
		Open: mustNew(bhd, "0.000"), Issued: at.Add(time.Microsecond), Expires: at.Add(time.Hour + 7*time.Microsecond),
		Status: invoice.Closed, Reason: "deposit", Original: inv.ID, Version: 1}
	app := credit.Application{ID: fill(tag+"application-ü-", credit.MaxKeyLen), Credit: pay.ID, Debit: inv.ID, CreditAccount: acct.ID, DebitAccount: "autre-compte",
		Amount: mustNew(bhd, "10.500"), Reverses: "application-0", Policy: "oldest-first", Operation: "opération-1",
		By: long("ü"), At: at.Add(3 * time.Microsecond)}
	rate, err := money.NewRate(jpy, bhd, "0.0025123456789012345")
	if err != nil {
		panic(err)
	}
	first := credit.Entry{Account: acct.ID, Seq: 1, At: at, Kind: credit.ChargedToCreditLine, Document: inv.ID,
		Amount: mustNew(bhd, "-25.123"), Original: mustNew(jpy, "-10000"), Rate: rate, Residual: mustResidual("BHD -0.000456789012345"),
		Documents: []string{inv.ID, "ﬁ-" + long("d")}, Applications: []string{app.ID},
		CreditChange: mustNew(bhd, "0.000"), DebitChange: mustNew(bhd, "999999999999999999999.999"),
		After: credit.Balances{Credit: mustNew(bhd, "0.000"), Debit: huge, Outstanding: huge.Neg(), Limit: huge, Available: mustNew(bhd, "0.000")},
		By:    long("ß"), Reference: long("№"), Comment: long("💬 "), Operation: "opération-1", Prev: "",
		Hash: strings.Repeat("0123456789abcdef", 4)}
	second := first
	second.Seq, second.At, second.Kind, second.Original, second.Rate, second.Residual = 2, at.Add(time.Microsecond), credit.PurchaseCredited, money.Money{}, money.Rate{}, money.Residual{}
	second.Amount, second.CreditChange = mustNew(bhd, "10.500"), mustNew(bhd, "-10.500")
	second.Prev, second.Hash = first.Hash, strings.Repeat("ab", 32)
	second.Documents, second.Applications = nil, nil
	// A document held in a foreign currency, and an application of one:
	// their rate and functional figures read back whole.
	fxd := invoice.Document{ID: tag + "facture-jpy", Account: acct.ID, Kind: invoice.Invoice, Amount: mustNew(jpy, "1000000"),
		Open: mustNew(jpy, "1"), Issued: at, Status: invoice.Open, Rate: rate, Functional: mustNew(bhd, "2512.346"),
		FunctionalOpen: mustNew(bhd, "0.003"), Version: 1}
	fxa := app
	fxa.ID, fxa.Debit, fxa.Amount, fxa.Reverses = tag+"application-jpy", fxd.ID, mustNew(jpy, "999999"), ""
	fxa.DebitValue, fxa.Difference = mustNew(bhd, "2512.343"), mustNew(bhd, "-0.001")
	idem := &credit.Idempotency{Key: fill(tag+"clé-", credit.MaxKeyLen), Kind: credit.ChargedToCreditLine, Fingerprint: strings.Repeat("f", 64),
		Result: []byte(`{"document":{"id":"facture-é","amount":"BHD 999999999999999999999.999"},"note":"` + long("ä") + `"}`), At: at.Add(2 * time.Microsecond)}
	return acct, []invoice.Document{inv, pay, fxd}, []credit.Application{app, fxa}, []credit.Entry{first, second}, idem
}

func contractRoundTrip(t tb, e *env) {
	roundTrip(t, newRaw(t, e), "")
	// The longest namespace and ids the Ledger accepts, in UTF-8 of several
	// bytes a character.
	r := newRaw(t, e)
	r.ns = fill(r.ns+"-espace-名前-", credit.MaxKeyLen)
	roundTrip(t, r, "long-")
}

// fill pads s with "名" and then "x" to n bytes.
func fill(s string, n int) string {
	for len(s)+len("名") <= n {
		s += "名"
	}
	return s + strings.Repeat("x", n-len(s))
}

func roundTrip(t tb, r *rawStore, tag string) {
	acct, docs, apps, entries, idem := roundTripRecords(tag)
	r.mustCommit("records with every field", &credit.Batch{Accounts: []credit.Account{acct}, Documents: docs,
		Applications: apps, Entries: entries, Idempotency: idem})
	same := func(what string, written, read any) {
		t.Helper()
		if diff := cmp.Diff(written, read); diff != "" {
			t.Errorf("%s read back differs (-written +read):\n%s", what, diff)
		}
	}
	snap := r.load(credit.Query{Accounts: []string{acct.ID}, Documents: ids(docs, docID), Applications: ids(apps, appID), Idempotency: idem.Key})
	same("account "+acct.ID+" (Load)", acct, snap.Accounts[acct.ID])
	for _, d := range docs {
		same("document "+d.ID+" (Load)", d, snap.Documents[d.ID])
	}
	got := map[string]credit.Application{}
	for _, a := range snap.Applications {
		got[a.ID] = a
	}
	for _, a := range apps {
		same("application "+a.ID+" (Load)", a, got[a.ID])
	}
	same("idempotency record "+idem.Key+" (Load)", idem, snap.Idempotency)
	h := r.history(acct.ID, 0, 0)
	slices.SortFunc(h, func(x, y credit.Entry) int { return int(x.Seq - y.Seq) })
	if len(h) != len(entries) {
		t.Errorf("History(%s) returned %d entries, want %d", acct.ID, len(h), len(entries))
	}
	for i := range min(len(h), len(entries)) {
		same(fmt.Sprintf("entry %d (History)", entries[i].Seq), entries[i], h[i])
	}
	for _, want := range entries {
		en, ok := r.entryAt(acct.ID, want.At)
		if !ok {
			t.Errorf("EntryAt(%s) found no entry, want entry %d", want.At.Format(time.RFC3339Nano), want.Seq)
			continue
		}
		same(fmt.Sprintf("entry %d (EntryAt)", want.Seq), want, en)
	}
	listed := r.documents(credit.DocumentFilter{Account: acct.ID})
	slices.SortFunc(listed, func(x, y invoice.Document) int { return strings.Compare(x.ID, y.ID) })
	sortedDocs := slices.Clone(docs)
	slices.SortFunc(sortedDocs, func(x, y invoice.Document) int { return strings.Compare(x.ID, y.ID) })
	same("documents (Documents)", sortedDocs, listed)
	// An update reads back whole too, and a field set to its zero value
	// reads back as zero.
	upd := docs[0]
	upd.Open, upd.Status, upd.Recurring, upd.Due, upd.BillTo, upd.Version = money.MustParse("BHD 0.000"), invoice.Paid, false, time.Time{}, invoice.Party{}, 2
	upAcct := acct
	upAcct.Party, upAcct.AllowExceed, upAcct.Head, upAcct.Version = invoice.Party{}, false, "", 2
	upAcct.Hold, upAcct.Closed = "", time.Time{}
	// A foreign document's functional open balance changes with its open one.
	updFX := docs[2]
	updFX.Open, updFX.FunctionalOpen, updFX.Status, updFX.Version = money.MustParse("JPY 0"), money.MustParse("BHD 0.000"), invoice.Paid, 2
	r.mustCommit("update", &credit.Batch{Accounts: []credit.Account{upAcct}, Documents: []invoice.Document{upd, updFX}})
	snap = r.load(credit.Query{Accounts: []string{acct.ID}, Documents: []string{upd.ID, updFX.ID}})
	same("updated account "+acct.ID, upAcct, snap.Accounts[acct.ID])
	same("updated document "+upd.ID, upd, snap.Documents[upd.ID])
	same("updated document "+updFX.ID, updFX, snap.Documents[updFX.ID])
}

func contractContext(t tb, e *env) {
	r := newRaw(t, e)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	// The Ledger tells a caller's ended context from a fault of the store
	// by the context's error in the chain.
	cancelled := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context returned %v, want an error wrapping context.Canceled", what, err)
		}
	}
	_, err := r.s.Load(ctx, credit.Query{Namespace: r.ns, Accounts: []string{"a"}})
	cancelled("Load", err)
	cancelled("Commit", r.s.Commit(ctx, &credit.Batch{Namespace: r.ns, Accounts: []credit.Account{r.account("a", 1)}}))
	_, err = r.s.History(ctx, r.ns, "a", 0, 10)
	cancelled("History", err)
	_, _, err = r.s.EntryAt(ctx, r.ns, "a", epoch)
	cancelled("EntryAt", err)
	_, err = r.s.Documents(ctx, r.ns, credit.DocumentFilter{Account: "a"})
	cancelled("Documents", err)
	if l, ok := r.s.(credit.AccountLister); ok {
		_, err = l.AccountIDs(ctx, r.ns, "", 0)
		cancelled("AccountIDs", err)
	}
	if len(r.load(credit.Query{Accounts: []string{"a"}}).Accounts) != 0 {
		t.Errorf("Commit with a cancelled context wrote account a")
	}
}

func contractAccountLister(t tb, e *env) {
	lister, ok := e.s.(credit.AccountLister)
	if !ok {
		if e.opts.AccountLister {
			t.Fatalf("the store is declared an AccountLister (Options.AccountLister) but does not implement credit.AccountLister")
		}
		t.Skip("the store does not implement credit.AccountLister")
	}
	r := newRaw(t, e)
	n := e.opts.records()
	var accts []credit.Account
	var want []string
	for i := range n {
		id := fmt.Sprintf("acct-%03d", n-i)
		switch i {
		case 0:
			id = "Zebra" // upper case sorts before lower case, byte by byte
		case 1:
			id = "ärger" // and UTF-8 after ASCII
		}
		accts = append(accts, r.account(id, 1))
		want = append(want, id)
	}
	slices.Sort(want)
	r.mustCommit("accounts", &credit.Batch{Accounts: accts})
	list := func(after string, limit int) []string {
		t.Helper()
		got, err := lister.AccountIDs(r.ctx, r.ns, after, limit)
		if err != nil {
			t.Fatalf("AccountIDs(after %q, limit %d): %v", after, limit, err)
		}
		return got
	}
	for _, limit := range []int{0, -1, n + 5} {
		if got := list("", limit); !cmp.Equal(got, want, cmpEmpty) {
			t.Errorf("AccountIDs(limit %d) returned %q, want %q", limit, got, want)
		}
	}
	if got := list(want[n-1], 0); len(got) != 0 {
		t.Errorf("AccountIDs after the last id returned %q", got)
	}
	if got := list(want[2], 3); !cmp.Equal(got, want[3:6], cmpEmpty) {
		t.Errorf("AccountIDs(after %q, limit 3) returned %q, want %q", want[2], got, want[3:6])
	}
	if got := list("acct-0055x", 0); !cmp.Equal(got, want[slices.IndexFunc(want, func(s string) bool { return s > "acct-0055x" }):], cmpEmpty) {
		t.Errorf("AccountIDs after an id that does not exist returned %q", got)
	}
	var paged []string
	after := ""
	for range n + 1 {
		page := list(after, 7)
		paged = append(paged, page...)
		if len(page) < 7 {
			break
		}
		after = page[len(page)-1]
	}
	if !cmp.Equal(paged, want, cmpEmpty) {
		t.Errorf("paging AccountIDs by 7 gave %q, want %q", paged, want)
	}
	if got := list("", 0); slices.Contains(got, "nope") {
		t.Errorf("AccountIDs listed an account that was never written")
	}
}

// mustResidual parses a residual the kit's fixtures name.
func mustResidual(s string) money.Residual {
	r, err := money.ParseResidual(s)
	if err != nil {
		panic(err)
	}
	return r
}
