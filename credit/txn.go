package credit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// txn is the working state of one operation: the records it loaded, the
// changes it made to them in memory, and the applications and entries it
// will write. The primitives that change documents keep the owning
// account's Credit and Debit balances in step, so no operation can forget to.
type txn struct {
	l      *Ledger
	ctx    context.Context
	p      Principal
	ns     string
	op     EntryKind
	method string // the Ledger method, for errors
	opID   string
	key    string
	now    time.Time
	loaded bool
	loads  int // Loads so far: past one, reads may disagree (see errStale)
	idem   *Idempotency

	accounts map[string]*Account
	docs     map[string]*invoice.Document
	apps     map[string]*Application        // loaded and new, by id, in appVals
	appOrder []string                       // loaded then new, in the order seen
	appsOf   map[string][]string            // document → ids of its applications and reversals, in order seen
	reversed map[string]bool                // ids of applications a reversal undoes
	byAcct   map[string][]*invoice.Document // made by openDocs at its first call, then kept up to date
	indexed  bool                           // byAcct is made

	dirtyAccounts []string // in the order first changed
	dirtyDocs     []string
	dirty         map[recKey]bool // in dirtyAccounts or dirtyDocs
	newApps       []Application
	entries       []Entry
	recorded      map[string]recordedBalances // the account's balances as of its last entry in this txn
	pending       map[string]*refs            // per account: what changed since its last entry
	spare         []*refs                     // refs done with, for refer to reuse
	appIDs        []string                    // where the lists of appsOf start (see listApp)
	copies        []invoice.Document          // an explicit Apply's documents, as its checks read them (see docCopies)
	appVals       []Application               // where apps points: a map holds an Application out of place, an allocation each
	closed        map[string]bool             // accounts that were closed when read
	fx            []fxNote                    // exchange differences to record (see noteDifference)

	// recs holds what the loads read from a RecordStore: the working copies
	// of the accounts and documents, which accounts and docs point into,
	// kept (emptied) with the txn for the next operation's loads.
	recs Records
	// lent is what a RecordStore's CommitCopy is lent, kept (emptied) with
	// the txn for the next operation's commit, as are newApps, entries
	// and the arrays of their lists then. Unused for a Store that is not
	// a RecordStore: its Commit may keep what it is handed.
	lent lent
}

// lent is the memory of a Batch lent to RecordStore.CommitCopy, beyond the
// txn's newApps and entries.
type lent struct {
	batch  Batch
	key    Idempotency
	result []byte   // the key's Result
	names  []string // the arrays the entries' lists are cut from
}

// lending reports whether the txn's Batch is lent to a RecordStore, and so
// may be memory the txn reuses.
func (t *txn) lending() bool { return t.l != nil && t.l.records != nil }

// recordedBalances are an account's Credit and Debit balances, all that
// an entry measures its changes from: small enough for a map to hold in
// place, where an Account would be an allocation of its own.
type recordedBalances struct{ credit, debit money.Money }

// recordedOf returns a's recordedBalances.
func recordedOf(a *Account) recordedBalances { return recordedBalances{a.Credit, a.Debit} }

// refs are the documents and applications of one account that changed
// since its last entry in the txn; record names them in the next one.
type refs struct {
	docs, apps []string
	seen       map[recKey]bool // made once the lists grow long
	room       [4]string       // where short lists start
}

// lists returns copies of r's lists in one array of their own, for an
// entry to keep (r's may live in r itself).
func (r *refs) lists() (docs, apps []string) {
	if len(r.docs)+len(r.apps) == 0 {
		return nil, nil
	}
	all := make([]string, 0, len(r.docs)+len(r.apps))
	all = append(all, r.docs...)
	all = append(all, r.apps...)
	docs, apps = all[:len(r.docs):len(r.docs)], all[len(r.docs):]
	if len(docs) == 0 {
		docs = nil
	}
	if len(apps) == 0 {
		apps = nil
	}
	return docs, apps
}

// cutLists is lists for a Batch that is lent: the copies are cut from
// t.lent.names, which the txn reuses.
func (t *txn) cutLists(r *refs) (docs, apps []string) {
	cut := func(l []string) []string {
		if len(l) == 0 {
			return nil
		}
		n := len(t.lent.names)
		t.lent.names = append(t.lent.names, l...)
		return t.lent.names[n:len(t.lent.names):len(t.lent.names)]
	}
	return cut(r.docs), cut(r.apps)
}

// spareRefs keeps r, whose lists the entry has copied, for refer to reuse.
func (t *txn) spareRefs(r *refs) {
	if len(t.spare) < pooledMax {
		*r = refs{}
		t.spare = append(t.spare, r)
	}
}

// recKey names a record of one kind ('a' an account or an application, 'd'
// a document) in a set: a key of its own, where "d"+id would allocate a
// string for each of an Apply's many lines.
type recKey struct {
	kind byte
	id   string
}

// refer adds id to the account's list (docs or apps) once. Short lists are
// searched; long ones (an Apply of many lines) keep a set.
func (t *txn) refer(account, id string, app bool) {
	r := t.pending[account]
	if r == nil {
		if t.pending == nil {
			t.pending = make(map[string]*refs, 2)
		}
		if n := len(t.spare); n > 0 {
			r, t.spare = t.spare[n-1], t.spare[:n-1]
		} else {
			r = &refs{}
		}
		r.docs, r.apps = r.room[:0:2], r.room[2:2:4]
		t.pending[account] = r
	}
	list := &r.docs
	key := recKey{'d', id}
	if app {
		list, key = &r.apps, recKey{'a', id}
	}
	switch {
	case r.seen != nil:
		if r.seen[key] {
			return
		}
		r.seen[key] = true
	case len(*list) < 16:
		if slices.Contains(*list, id) {
			return
		}
	default:
		r.seen = make(map[recKey]bool, 2*len(r.docs)+2*len(r.apps))
		for _, d := range r.docs {
			r.seen[recKey{'d', d}] = true
		}
		for _, a := range r.apps {
			r.seen[recKey{'a', a}] = true
		}
		if r.seen[key] {
			return
		}
		r.seen[key] = true
	}
	*list = append(*list, id)
}

func (l *Ledger) newTxn(ctx context.Context, p Principal, method string, op EntryKind, key string) *txn {
	t, _ := txns.Get().(*txn)
	if t == nil {
		t = &txn{accounts: map[string]*Account{}, docs: map[string]*invoice.Document{}, apps: map[string]*Application{},
			recorded: map[string]recordedBalances{}, dirty: map[recKey]bool{}, appsOf: map[string][]string{},
			reversed: map[string]bool{}, byAcct: map[string][]*invoice.Document{}}
	}
	t.l, t.ctx, t.p, t.ns, t.op, t.method, t.key = l, ctx, p, p.Namespace, op, method, key
	t.now = l.clock().UTC().Truncate(time.Microsecond)
	t.opID = l.newID()
	return t
}

// txns keeps the txns of finished operations, so that an operation's
// working sets reuse the memory of an earlier one's (see free).
var txns sync.Pool

// pooledMax bounds the records a txn may have held to go back to the pool:
// a map keeps the room it grew to, and an operation that read many records
// would keep that room (and make its successors clear it) for nothing.
const pooledMax = 64

// free ends t: it keeps t's working sets, emptied, for a later operation
// when they stayed small. Nothing of t may be used after: every record,
// slice and map handed out of an operation (a result, an error, a Batch
// given to a Store's Commit) is its own, never one of these sets; only a
// RecordStore is lent t's memory (LoadRecords, CommitCopy), for the call.
func (t *txn) free() {
	if t == nil {
		return
	}
	if len(t.docs) > pooledMax || len(t.apps) > pooledMax || len(t.accounts) > pooledMax || len(t.appOrder) > pooledMax ||
		len(t.dirtyDocs) > pooledMax || len(t.dirtyAccounts) > pooledMax ||
		len(t.appIDs) > 4*pooledMax || len(t.copies) > pooledMax || len(t.appVals) > pooledMax || len(t.recs.Accounts) > pooledMax || len(t.recs.Documents) > pooledMax || len(t.recs.Applications) > pooledMax {
		return
	}
	clear(t.accounts)
	clear(t.docs)
	clear(t.apps)
	clear(t.recorded)
	clear(t.dirty)
	clear(t.appsOf)
	clear(t.reversed)
	clear(t.byAcct)
	for _, r := range t.pending {
		t.spareRefs(r)
	}
	clear(t.pending)
	var keep lent
	var newApps []Application
	var entries []Entry
	if t.lending() && len(t.newApps) <= pooledMax && len(t.entries) <= pooledMax && len(t.lent.names) <= 4*pooledMax &&
		cap(t.lent.result) <= 4096 {
		// What CommitCopy was lent (or would have been) is the txn's again.
		keep = lent{batch: Batch{Accounts: clearSlice(t.lent.batch.Accounts), Documents: clearSlice(t.lent.batch.Documents)},
			result: t.lent.result[:0], names: clearSlice(t.lent.names)}
		newApps, entries = clearSlice(t.newApps), clearSlice(t.entries)
	}
	*t = txn{lent: keep, newApps: newApps, entries: entries, pending: t.pending, spare: t.spare, accounts: t.accounts, docs: t.docs, apps: t.apps, recorded: t.recorded, dirty: t.dirty, appsOf: t.appsOf,
		reversed: t.reversed, byAcct: t.byAcct,
		appOrder: clearSlice(t.appOrder), appIDs: clearSlice(t.appIDs), copies: clearSlice(t.copies), appVals: clearSlice(t.appVals), dirtyAccounts: clearSlice(t.dirtyAccounts), dirtyDocs: clearSlice(t.dirtyDocs),
		recs: Records{Accounts: clearSlice(t.recs.Accounts), Documents: clearSlice(t.recs.Documents),
			Applications: clearSlice(t.recs.Applications)}}
	txns.Put(t)
}

// clearSlice empties s, keeping its room and dropping what it referred to.
func clearSlice[T any](s []T) []T {
	clear(s)
	return s[:0]
}

// load reads q (in the txn's namespace) and merges what it found. Records
// already in the txn keep their working copies. The first load of a
// writing operation also reads its idempotency key and stops with errReplay
// when the key is recorded.
func (t *txn) load(q Query) error {
	q.Namespace = t.ns
	first := !t.loaded
	if first && t.key != "" {
		q.Idempotency = t.key
	}
	t.loaded = true
	t.loads++
	if t.l.records != nil {
		return t.loadRecords(q, first)
	}
	s, err := t.l.store.Load(t.ctx, q)
	if err != nil {
		return err
	}
	if first && s.Idempotency != nil {
		t.idem = s.Idempotency
		return errReplay
	}
	// The working copies of one load share an array each: one allocation
	// for all the accounts, one for all the documents.
	accounts := make([]Account, 0, len(s.Accounts))
	for id, a := range s.Accounts {
		if _, ok := t.accounts[id]; !ok {
			accounts = append(accounts, a)
			t.accounts[id] = &accounts[len(accounts)-1]
			t.recorded[id] = recordedOf(&a)
			if !a.Closed.IsZero() {
				if t.closed == nil {
					t.closed = map[string]bool{}
				}
				t.closed[id] = true
			}
		}
	}
	docs := make([]invoice.Document, 0, len(s.Documents))
	for id, d := range s.Documents {
		if _, ok := t.docs[id]; !ok {
			docs = append(docs, d)
			t.addDoc(&docs[len(docs)-1])
		}
	}
	for _, a := range s.Applications {
		if _, ok := t.apps[a.ID]; !ok {
			t.addApp(a)
		}
	}
	return nil
}

// loadRecords is load from a RecordStore, into t.recs. The records of
// earlier loads stay where they are: the store appends after them (into a
// larger array when it must, leaving the earlier ones, which the txn
// points to, in theirs).
func (t *txn) loadRecords(q Query, first bool) error {
	r := &t.recs
	na, nd := len(r.Accounts), len(r.Documents)
	r.Applications = clearSlice(r.Applications) // copied into t.apps
	r.Idempotency = nil
	if err := t.l.records.LoadRecords(t.ctx, q, r); err != nil {
		return err
	}
	if first && r.Idempotency != nil {
		t.idem = r.Idempotency
		return errReplay
	}
	for i := na; i < len(r.Accounts); i++ {
		a := &r.Accounts[i]
		if _, ok := t.accounts[a.ID]; !ok {
			t.accounts[a.ID] = a
			t.recorded[a.ID] = recordedOf(a)
			if !a.Closed.IsZero() {
				if t.closed == nil {
					t.closed = map[string]bool{}
				}
				t.closed[a.ID] = true
			}
		}
	}
	for i := nd; i < len(r.Documents); i++ {
		if d := &r.Documents[i]; t.docs[d.ID] == nil {
			t.addDoc(d)
		}
	}
	for _, a := range r.Applications {
		if _, ok := t.apps[a.ID]; !ok {
			t.addApp(a)
		}
	}
	return nil
}

// addDoc puts a document in the txn and in its account's index.
func (t *txn) addDoc(d *invoice.Document) {
	t.docs[d.ID] = d
	if t.indexed {
		t.byAcct[d.Account] = append(t.byAcct[d.Account], d)
	}
}

// addApp puts an application or reversal in the txn and in the indexes
// that active reads, so that finding a document's applications costs what
// it has, not what the txn holds.
func (t *txn) addApp(a Application) {
	t.appVals = append(t.appVals, a)
	t.apps[a.ID] = &t.appVals[len(t.appVals)-1]
	t.appOrder = append(t.appOrder, a.ID)
	t.listApp(a.Credit, a.ID)
	if a.Debit != a.Credit {
		t.listApp(a.Debit, a.ID)
	}
	if a.Reverses != "" {
		t.reversed[a.Reverses] = true
	}
}

// app returns the application or reversal id of the txn, the zero
// Application when it has none.
func (t *txn) app(id string) Application {
	if a := t.apps[id]; a != nil {
		return *a
	}
	return Application{}
}

// listApp appends application id to document doc's list in appsOf. A
// list starts in t.appIDs, with room for two, so that most documents'
// lists (one application, and its reversal) are no allocation of their
// own; a longer one moves to an array of its own as it grows.
func (t *txn) listApp(doc, id string) {
	if l, ok := t.appsOf[doc]; ok {
		t.appsOf[doc] = append(l, id)
		return
	}
	n := len(t.appIDs)
	t.appIDs = append(t.appIDs, id, "")
	t.appsOf[doc] = t.appIDs[n : n+1 : n+2]
}

// account returns a loaded account the operation has already resolved.
func (t *txn) account(id string) (*Account, error) {
	if a, ok := t.accounts[id]; ok {
		return a, nil
	}
	return nil, notFoundAccount(id)
}

// doc returns a loaded document the operation has already resolved.
func (t *txn) doc(id string) (*invoice.Document, error) {
	if d, ok := t.docs[id]; ok {
		return d, nil
	}
	return nil, notFoundDoc(id)
}

func notFoundAccount(id string) error { return acctErr(id, fail(ErrNotFound, "no account %q", id)) }

func notFoundDoc(id string) error { return docErr(id, fail(ErrNotFound, "no document %q", id)) }

func (t *txn) touchAccount(id string) {
	if k := (recKey{'a', id}); !t.dirty[k] {
		t.dirty[k] = true
		t.dirtyAccounts = append(t.dirtyAccounts, id)
	}
}

func (t *txn) touchDoc(id string) {
	if d := t.docs[id]; d != nil {
		t.refer(d.Account, id, false)
	}
	if k := (recKey{'d', id}); !t.dirty[k] {
		t.dirty[k] = true
		t.dirtyDocs = append(t.dirtyDocs, id)
	}
}

// addAccount puts a new account in the txn.
func (t *txn) addAccount(a Account) {
	a.Version = 0
	t.accounts[a.ID] = &a
	t.recorded[a.ID] = recordedOf(&a)
	t.touchAccount(a.ID)
}

// shift moves the account's Credit (credit document) or Debit (debit
// document) balance by delta.
func (t *txn) shift(d *invoice.Document, delta money.Money) error {
	a, err := t.account(d.Account)
	if err != nil {
		return err
	}
	if d.IsCredit() {
		a.Credit, err = a.Credit.Add(delta)
	} else {
		a.Debit, err = a.Debit.Add(delta)
	}
	if err != nil {
		return docErr(d.ID, err)
	}
	t.touchAccount(a.ID)
	return nil
}

// issue adds a new document (Version 0 until written) and its open balance
// to its account.
func (t *txn) issue(d invoice.Document) (*invoice.Document, error) {
	d.Version = 0
	if err := d.Validate(); err != nil {
		return nil, docErr(d.ID, err)
	}
	if _, exists := t.docs[d.ID]; exists {
		return nil, docErr(d.ID, fail(ErrAlreadyExists, "document %q already exists", d.ID))
	}
	t.addDoc(&d)
	t.touchDoc(d.ID)
	return &d, t.shift(&d, d.OpenValue())
}

// take takes amount off a document's open balance: settled by an
// application when end is 0, else removed, ending in status end.
func (t *txn) take(id string, amount money.Money, end invoice.Status) error {
	d, err := t.doc(id)
	if err != nil {
		return err
	}
	var nd invoice.Document
	if end == 0 {
		nd, err = d.Settle(amount)
	} else {
		nd, err = d.Remove(amount, end)
	}
	if err != nil {
		return t.stale(id, err)
	}
	value, err := d.OpenValue().Sub(nd.OpenValue())
	if err != nil {
		return docErr(id, err)
	}
	*d = nd
	t.touchDoc(id)
	return t.shift(d, value.Neg())
}

// restore gives amount back to a document's open balance, and value (the
// share of a foreign document's functional balance it gave up) back to its
// functional open balance; value is ignored for a document in its
// account's currency.
func (t *txn) restore(id string, amount, value money.Money) error {
	d, err := t.doc(id)
	if err != nil {
		return err
	}
	nd, err := d.RestoreValue(amount, value)
	if err != nil {
		return t.stale(id, err)
	}
	delta, err := nd.OpenValue().Sub(d.OpenValue())
	if err != nil {
		return docErr(id, err)
	}
	*d = nd
	t.touchDoc(id)
	return t.shift(d, delta)
}

func (t *txn) stale(id string, err error) error {
	if t.loads > 1 {
		err = fmt.Errorf("%w: %w", errStale, err)
	}
	return docErr(id, err)
}

// link applies amount of credit c to debit d and records the application,
// with its realized exchange difference when the documents are foreign.
func (t *txn) link(c, d string, amount money.Money, policy string) (Application, error) {
	cd, err := t.doc(c)
	if err != nil {
		return Application{}, err
	}
	dd, err := t.doc(d)
	if err != nil {
		return Application{}, err
	}
	cv, dv, err := t.shares(cd, dd, amount)
	if err != nil {
		return Application{}, err
	}
	if err := t.take(c, amount, 0); err != nil {
		return Application{}, err
	}
	if err := t.take(d, amount, 0); err != nil {
		return Application{}, err
	}
	app := Application{ID: t.l.newID(), Credit: c, Debit: d, CreditAccount: t.docs[c].Account,
		DebitAccount: t.docs[d].Account, Amount: amount, Policy: policy, Operation: t.opID,
		By: t.p.ID, At: t.now}
	if cd.IsForeign() || dd.IsForeign() {
		app.DebitValue = dv
		if app.Difference, err = cv.Sub(dv); err != nil {
			return Application{}, docErr(d, err)
		}
	}
	t.addApp(app)
	t.newApps = append(t.newApps, app)
	t.referApp(app)
	t.noteDifference(app)
	return app, nil
}

// unlink reverses an application: both documents get its amount back.
func (t *txn) unlink(app Application) (Application, error) {
	if err := t.restore(app.Credit, app.Amount, app.CreditValue()); err != nil {
		return Application{}, err
	}
	if err := t.restore(app.Debit, app.Amount, app.DebitValue); err != nil {
		return Application{}, err
	}
	rev := app
	rev.ID, rev.Reverses, rev.Operation, rev.By, rev.At = t.l.newID(), app.ID, t.opID, t.p.ID, t.now
	t.addApp(rev)
	t.newApps = append(t.newApps, rev)
	t.referApp(rev)
	t.noteDifference(rev)
	return rev, nil
}

// referApp lists a new application on the accounts of both its documents.
func (t *txn) referApp(a Application) {
	t.refer(a.CreditAccount, a.ID, true)
	t.refer(a.DebitAccount, a.ID, true)
}

// active returns the applications touching document id that are not
// reversed, oldest first. The document's applications must have been loaded.
func (t *txn) active(id string) []Application {
	var out []Application
	for _, aid := range t.appsOf[id] {
		if a := t.app(aid); a.Reverses == "" && !t.reversed[a.ID] {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Application) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out
}

// note describes one history entry for record.
type note struct {
	Kind      EntryKind
	Document  string
	Amount    money.Money
	Original  money.Money
	Rate      money.Rate
	Residual  money.Residual
	Reference string
	Comment   string
}

// record appends a history entry for the account, with the changes of its
// balances since its previous entry in this txn.
func (t *txn) record(account string, n note) error {
	a, err := t.account(account)
	if err != nil {
		return err
	}
	prev := t.recorded[account]
	cc, err := a.Credit.Sub(prev.credit)
	if err != nil {
		return err
	}
	dc, err := a.Debit.Sub(prev.debit)
	if err != nil {
		return err
	}
	// Refuse balances whose outstanding or available figure money cannot
	// hold (a limit and a credit near the largest amount), rather than let
	// Balances panic on them.
	out, err := a.Credit.Sub(a.Debit)
	if err == nil {
		_, err = a.Limit.Add(out)
	}
	if err != nil {
		return acctErr(account, err)
	}
	at := t.now
	if at.Before(a.Updated) {
		at = a.Updated // history never goes back in time, even if the clock does
	}
	a.Seq++
	a.Updated = at
	e := Entry{Account: account, Seq: a.Seq, At: at, Kind: n.Kind, Document: n.Document, Amount: n.Amount,
		Original: n.Original, Rate: n.Rate, Residual: n.Residual, CreditChange: cc, DebitChange: dc, After: a.Balances(),
		By: t.p.ID, Reference: n.Reference, Comment: n.Comment, Operation: t.opID, Prev: a.Head}
	if r := t.pending[account]; r != nil {
		if t.lending() {
			e.Documents, e.Applications = t.cutLists(r)
		} else {
			e.Documents, e.Applications = r.lists()
		}
		delete(t.pending, account)
		t.spareRefs(r)
	}
	e.Hash = EntryHash(e)
	a.Head = e.Hash
	t.entries = append(t.entries, e)
	t.recorded[account] = recordedOf(a)
	t.touchAccount(account)
	if !isDifference(n.Kind) {
		return t.flushDifferences(account)
	}
	return nil
}

// keyRecord returns the idempotency record of the operation's key, with
// result r: in memory the txn reuses when the Batch is lent.
func (t *txn) keyRecord(key string, op EntryKind, fp string, r any) (*Idempotency, error) {
	if !t.lending() {
		result, err := encodeResult(r)
		if err != nil {
			return nil, err
		}
		return &Idempotency{Key: key, Kind: op, Fingerprint: fp, Result: result, At: t.now}, nil
	}
	result, err := appendResult(t.lent.result[:0], r)
	if err != nil {
		return nil, err
	}
	t.lent.result = result
	t.lent.key = Idempotency{Key: key, Kind: op, Fingerprint: fp, Result: result, At: t.now}
	return &t.lent.key, nil
}

// batch gathers the txn's writes, each record at its next version: in a
// Batch of its own, or in the txn's (t.lent) when it is lent.
func (t *txn) batch() *Batch {
	if t.lending() {
		b := &t.lent.batch
		*b = Batch{Namespace: t.ns, Applications: t.newApps, Entries: t.entries,
			Accounts: b.Accounts[:0], Documents: b.Documents[:0]}
		t.fill(b)
		return b
	}
	b := &Batch{Namespace: t.ns, Applications: t.newApps, Entries: t.entries}
	// Room for every record at once (see linkPlan).
	if len(t.dirtyAccounts) > 0 {
		b.Accounts = make([]Account, 0, len(t.dirtyAccounts))
	}
	if len(t.dirtyDocs) > 0 {
		b.Documents = make([]invoice.Document, 0, len(t.dirtyDocs))
	}
	t.fill(b)
	return b
}

// fill appends the changed accounts and documents to b's.
func (t *txn) fill(b *Batch) {
	// Sized once: a Consolidate of many accounts fills thousands of
	// documents, 400 bytes each, which growing by doubling copied over
	// and over.
	b.Accounts = slices.Grow(b.Accounts, len(t.dirtyAccounts))
	b.Documents = slices.Grow(b.Documents, len(t.dirtyDocs))
	for _, id := range t.dirtyAccounts {
		a := *t.accounts[id]
		a.Version++
		b.Accounts = append(b.Accounts, a)
	}
	for _, id := range t.dirtyDocs {
		d := *t.docs[id]
		d.Version++
		b.Documents = append(b.Documents, d)
	}
}

// nonEmpty returns the ids that are not empty.
func nonEmpty(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// loadDocs reads q and then the account of every loaded document that is
// not loaded yet (a store may ignore the DocumentAccounts hint).
func (t *txn) loadDocs(q Query) error {
	q.DocumentAccounts = q.DocumentAccounts || len(q.Documents) > 0
	if err := t.load(q); err != nil {
		return err
	}
	var missing []string
	for _, id := range q.Documents {
		if d, ok := t.docs[id]; ok {
			if _, ok := t.accounts[d.Account]; !ok && !slices.Contains(missing, d.Account) {
				missing = append(missing, d.Account)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return t.load(Query{Accounts: missing})
}

// openDocs returns the loaded open documents of an account, by (Issued, ID).
func (t *txn) openDocs(account string) []*invoice.Document {
	if !t.indexed {
		t.index()
	}
	docs := t.byAcct[account]
	n := 0
	for _, d := range docs {
		if d.Status == invoice.Open {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]*invoice.Document, 0, n)
	for _, d := range docs {
		if d.Status == invoice.Open {
			out = append(out, d)
		}
	}
	sortDocs(out)
	return out
}

// index makes byAcct, which most operations never need (they name their
// documents): the loaded documents ordered by account in one array, each
// account's a part of it.
func (t *txn) index() {
	all := make([]*invoice.Document, 0, len(t.docs))
	for _, d := range t.docs {
		all = append(all, d)
	}
	slices.SortFunc(all, func(a, b *invoice.Document) int { return strings.Compare(a.Account, b.Account) })
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].Account == all[i].Account {
			j++
		}
		t.byAcct[all[i].Account] = all[i:j:j]
		i = j
	}
	t.indexed = true
}

// finalDoc returns the document as it will be stored.
func (t *txn) finalDoc(id string) invoice.Document {
	d := *t.docs[id]
	d.Version++
	return d
}

// final returns the account as it will be stored.
func (t *txn) final(id string) Account {
	a := *t.accounts[id]
	a.Version++
	return a
}

func sortDocs(ds []*invoice.Document) {
	slices.SortFunc(ds, func(x, y *invoice.Document) int {
		if c := x.Issued.Compare(y.Issued); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
}

func orNow(t time.Time, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return stamp(t)
}

// stamp normalises a caller's time as every store keeps it: UTC, to the
// microsecond (PostgreSQL's precision), the zero time left zero.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// creditKinds are the kinds of document that can pay a debit.
var creditKinds = []invoice.Kind{invoice.CreditMemo, invoice.Payment, invoice.Prepayment, invoice.CreditGrant}

// loadOpenCredits reads the open credits of an account, a page at a time,
// through Store.Documents: what it costs depends on the account's open
// credits, not on its open debits, however many. It is not part of the
// first Load's snapshot, but nothing stale can be written: every document
// the operation changes, and the account of each, is checked at its version
// when it commits, and every change of a credit changes its account.
func (t *txn) loadOpenCredits(account string) error {
	f := DocumentFilter{Account: account, OpenOnly: true, Kinds: creditKinds, Limit: MaxPage}
	for {
		page, err := t.l.store.Documents(t.ctx, t.ns, f)
		if err != nil {
			return err
		}
		for i := range page {
			if _, ok := t.docs[page[i].ID]; !ok {
				t.addDoc(&page[i])
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.After = page[len(page)-1].ID
	}
}
