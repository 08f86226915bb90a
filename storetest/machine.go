package storetest

import (
	"errors"
	"flag"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// The state machine drives random sequences of operations through a Ledger
// over the store and keeps a reference model beside it: plain maps of
// amounts in cents, updated by rules simple enough to be obviously right.
// The model predicts whether each operation succeeds (and with which error
// when it fails) and every document's open balance. Where a policy decides
// the pairs (prepaid accounts, "use my credit", consolidation), the model
// takes the applications the Ledger reports, checks them against its own
// balances, and applies them. After every step all invariants are checked,
// against the model and on their own.

type mAccount struct {
	id          string
	kind        credit.AccountKind
	limit       int64
	allowExceed bool
	held        bool // on credit hold: no purchase, no use of its credit
	closed      bool // closed: no write at all
}

type mDoc struct {
	id, account string
	kind        invoice.Kind
	amount      int64
	open        int64
	status      invoice.Status
	recurring   bool
	original    string
	// removed is what left the document other than by applications:
	// refunds, transfers and reversals of a credit; adjustments and voids
	// of a debit.
	removed int64
	// labels are those it was issued with; a transferred credit's are
	// those of its source.
	labels map[string]string
	// record marks the documents the Ledger writes for a write-off or a
	// charge back (see machine_ops15.go).
	record bool
}

func (d *mDoc) isCredit() bool { return d.kind.IsCredit() }

type mApp struct {
	id, credit, debit string
	amount            int64
	reversed          bool
	writeOff          bool // the application of a write-off
}

type model struct {
	accounts map[string]*mAccount
	acctIDs  []string
	docs     map[string]*mDoc
	docIDs   []string
	apps     map[string]*mApp
	appIDs   []string // in the order written
	ops      map[string][]string
	opIDs    []string
	// total is Σ outstanding of all accounts, moved only by documents
	// issued, refunded, reversed, adjusted and voided (invariant 4).
	total int64
	// The write-offs and charge backs written, by the id of their
	// documents (see machine_ops15.go).
	writeOffs   []string
	chargeBacks map[string]*mChargeBack
}

func newModel() *model {
	return &model{accounts: map[string]*mAccount{}, docs: map[string]*mDoc{}, apps: map[string]*mApp{}, ops: map[string][]string{},
		chargeBacks: map[string]*mChargeBack{}}
}

func (m *model) addDoc(d *mDoc) {
	m.docs[d.id] = d
	m.docIDs = append(m.docIDs, d.id)
	if d.isCredit() {
		m.total += d.amount
	} else {
		m.total -= d.amount
	}
}

// take lowers a document's open balance; end is its status when nothing
// is left (0: Paid or Closed, as by an application).
func (m *model) take(d *mDoc, amount int64, end invoice.Status) {
	d.open -= amount
	if d.open == 0 {
		switch {
		case end != 0:
			d.status = end
		case d.isCredit():
			d.status = invoice.Closed
		default:
			d.status = invoice.Paid
		}
	}
}

func (m *model) restore(d *mDoc, amount int64) {
	d.open += amount
	d.status = invoice.Open
}

func (m *model) link(id, c, d string, amount int64) {
	m.take(m.docs[c], amount, 0)
	m.take(m.docs[d], amount, 0)
	m.apps[id] = &mApp{id: id, credit: c, debit: d, amount: amount}
	m.appIDs = append(m.appIDs, id)
}

func (m *model) unlink(a *mApp) {
	a.reversed = true
	m.restore(m.docs[a.credit], a.amount)
	m.restore(m.docs[a.debit], a.amount)
}

// active returns the applications of a document that are not reversed,
// oldest first.
func (m *model) active(doc string) []*mApp {
	var out []*mApp
	for _, id := range m.appIDs {
		a := m.apps[id]
		if !a.reversed && (a.credit == doc || a.debit == doc) {
			out = append(out, a)
		}
	}
	return out
}

func (m *model) credits(account string) (credit, debit int64) {
	for _, d := range m.docs {
		if d.account != account || d.status != invoice.Open {
			continue
		}
		if d.isCredit() {
			credit += d.open
		} else {
			debit += d.open
		}
	}
	return credit, debit
}

// machine is one run of the state machine.
type machine struct {
	f    *fixture
	m    *model
	prev state
	// replay repeats the last successful operation with its key; its
	// first result is lastResult.
	replay     func() (any, error)
	lastResult any
	lastName   string
}

// rapidMu serialises the runs of the state machine: rapid's settings are
// package flags, set for the length of one run.
var rapidMu sync.Mutex

// withRapid sets rapid's flags for one run of the state machine from opts
// and returns the function that restores them. A flag the author gave on
// the command line, or through rapid's environment variable, is left as
// it is.
func withRapid(opts Options) func() {
	rapidMu.Lock()
	given := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var restore []func()
	put := func(name, envName, value string) {
		if _, ok := os.LookupEnv(envName); ok || given[name] {
			return
		}
		f := flag.Lookup(name)
		if f == nil {
			return
		}
		old := f.Value.String()
		// Value.Set, not flag.Set: the flag must still read as not given.
		if err := f.Value.Set(value); err == nil {
			restore = append(restore, func() { f.Value.Set(old) })
		}
	}
	if opts.Checks > 0 {
		put("rapid.checks", "RAPID_CHECKS", strconv.Itoa(opts.Checks))
	}
	if opts.Steps > 0 {
		put("rapid.steps", "RAPID_STEPS", strconv.Itoa(opts.Steps))
	}
	shrink := opts.ShrinkTime
	if shrink <= 0 {
		shrink = 5 * time.Second
	}
	put("rapid.shrinktime", "RAPID_SHRINKTIME", shrink.String())
	if !opts.FailFiles {
		put("rapid.nofailfile", "RAPID_NOFAILFILE", "true")
	}
	return func() {
		for _, r := range restore {
			r()
		}
		rapidMu.Unlock()
	}
}

func runMachine(t tb, e *env) {
	defer withRapid(e.opts)()
	rapid.Check(t, func(rt *rapid.T) {
		mc := &machine{f: newFixture(rt, e), m: newModel()}
		mc.init(rt)
		rt.Repeat(map[string]func(*rapid.T){
			"":                  mc.check,
			"IssueDebit":        mc.issueDebit,
			"Purchase":          mc.purchase,
			"IssueCredit":       mc.issueCredit,
			"Reimburse":         mc.reimburse,
			"EditReimbursement": mc.editReimbursement,
			"ApplyPair":         mc.applyPair,
			"ApplyPolicy":       mc.applyPolicy,
			"Preview":           mc.preview,
			"Unapply":           mc.unapply,
			"UnapplyOperation":  mc.unapplyOperation,
			"Adjust":            mc.adjust,
			"Void":              mc.void,
			"Refund":            mc.refund,
			"ReversePayment":    mc.reversePayment,
			"Transfer":          mc.transfer,
			"MoveBalance":       mc.moveBalance,
			"Consolidate":       mc.consolidate,
			"UpdateAccount":     mc.updateAccount,
			"Replay":            mc.replayLast,
			"UnknownIDs":        mc.unknownIDs,
			"HoldAccount":       mc.holdAccount,
			"ReleaseHold":       mc.releaseHold,
			"CloseAccount":      mc.closeAccount,
			"WriteClosed":       mc.writeClosed,
			"WriteOff":          mc.writeOff,
			"ReverseWriteOff":   mc.reverseWriteOff,
			"ChargeBack":        mc.chargeBack,
			"UndoChargeBack":    mc.undoChargeBack,
			"RefundTakeBack":    mc.refundTakeBack,
		})
	})
}

func (mc *machine) init(t *rapid.T) {
	specs := []mAccount{
		{id: "a", kind: credit.Term, limit: rapid.Int64Range(0, 50000).Draw(t, "limit a")},
		{id: "b", kind: credit.Prepaid},
		{id: "c", kind: credit.Term, limit: rapid.Int64Range(0, 20000).Draw(t, "limit c"), allowExceed: rapid.Bool().Draw(t, "exceed c")},
	}
	for _, sp := range specs {
		mc.f.openAccount(sp.id, sp.kind, sp.limit, sp.allowExceed)
		a := sp
		mc.m.accounts[a.id] = &a
		mc.m.acctIDs = append(mc.m.acctIDs, a.id)
	}
}

func (mc *machine) amount(t *rapid.T, label string) int64 {
	return rapid.Int64Range(1, 20000).Draw(t, label)
}

// account draws an account that is not closed (a closed one takes no
// write; writeClosed tries them).
func (mc *machine) account(t *rapid.T, label string) *mAccount {
	open := mc.m.openAccounts()
	if len(open) == 0 {
		t.Skip("every account is closed")
	}
	return mc.m.accounts[rapid.SampledFrom(open).Draw(t, label)]
}

// pick draws a document that ok accepts, or skips the step.
func (mc *machine) pick(t *rapid.T, label string, ok func(*mDoc) bool) *mDoc {
	var ids []string
	for _, id := range mc.m.docIDs {
		if d := mc.m.docs[id]; ok(d) && !mc.m.accounts[d.account].closed {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Skip("no document for " + label)
	}
	return mc.m.docs[rapid.SampledFrom(ids).Draw(t, label)]
}

func anyCredit(d *mDoc) bool { return d.isCredit() }
func anyDebit(d *mDoc) bool  { return !d.isCredit() }

// fails runs an operation the model says must fail with want, and checks
// that it does and that nothing changed (invariant 6).
func (mc *machine) fails(t *rapid.T, name string, want error, call func(key string) (any, error)) {
	t.Helper()
	before := mc.f.read(mc.m.acctIDs)
	_, err := call(mc.f.key())
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, the model expects %v", name, err, want)
	}
	var ce *credit.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s: %v is not a *credit.Error", name, err)
	}
	mc.f.unchanged(name, mc.m.acctIDs, before)
}

// succeeds runs an operation the model says must succeed and remembers it
// for Replay.
func (mc *machine) succeeds(t *rapid.T, name string, call func(key string) (any, error)) any {
	t.Helper()
	key := mc.f.key()
	res, err := call(key)
	if err != nil {
		t.Fatalf("%s: %v (the model expects success)", name, err)
	}
	mc.replay = func() (any, error) { return call(key) }
	mc.lastResult, mc.lastName = res, name
	return res
}

// absorb applies applications a policy chose after checking them against
// the model: each pays an open, non-recurring debit from an open credit of
// the account (when account is set), within both open balances.
func (mc *machine) absorb(t *rapid.T, what, account string, apps []credit.Application) {
	t.Helper()
	for _, a := range apps {
		c, d := mc.m.docs[a.Credit], mc.m.docs[a.Debit]
		amt := minor(a.Amount)
		switch {
		case a.Reverses != "":
			t.Fatalf("%s: a policy wrote a reversal %+v", what, a)
		case c == nil || d == nil || !c.isCredit() || d.isCredit():
			t.Fatalf("%s: application %s pays %s from %s, not a debit from a credit", what, a.ID, a.Debit, a.Credit)
		case account != "" && (c.account != account || d.account != account):
			t.Fatalf("%s: application %s crosses accounts", what, a.ID)
		case d.recurring:
			t.Fatalf("%s: application %s pays the recurring %s", what, a.ID, d.id)
		case amt <= 0 || amt > c.open || amt > d.open || c.status != invoice.Open || d.status != invoice.Open:
			t.Fatalf("%s: application %s of %d cents, credit %s has %d open, debit %s %d", what, a.ID, amt, c.id, c.open, d.id, d.open)
		}
		mc.m.link(a.ID, a.Credit, a.Debit, amt)
	}
}

func (mc *machine) issueDebit(t *rapid.T) {
	a := mc.account(t, "account")
	amt := mc.amount(t, "amount")
	kind := rapid.SampledFrom([]invoice.Kind{invoice.Invoice, invoice.DebitMemo}).Draw(t, "kind")
	recurring := kind == invoice.Invoice && rapid.IntRange(0, 5).Draw(t, "recurring") == 0
	r := mc.succeeds(t, "IssueDebit", func(k string) (any, error) {
		return mc.f.l.IssueDebit(mc.f.ctx, mc.f.p, k, credit.DebitRequest{Account: a.id, Kind: kind, Amount: cents(amt), Recurring: recurring})
	}).(credit.DebitResult)
	mc.m.addDoc(&mDoc{id: r.Document.ID, account: a.id, kind: kind, amount: amt, open: amt, status: invoice.Open, recurring: recurring})
	mc.absorbPrepaid(t, "IssueDebit", a, r.Applications)
}

func (mc *machine) absorbPrepaid(t *rapid.T, what string, a *mAccount, apps []credit.Application) {
	t.Helper()
	if a.kind != credit.Prepaid && len(apps) > 0 {
		t.Fatalf("%s: credit used automatically on the term account %s: %+v", what, a.id, apps)
	}
	if a.held && len(apps) > 0 {
		t.Fatalf("%s: credit used automatically on the held account %s: %+v", what, a.id, apps)
	}
	mc.absorb(t, what, a.id, apps)
}

func (mc *machine) purchase(t *rapid.T) {
	a := mc.account(t, "account")
	amt := mc.amount(t, "amount")
	c, d := mc.m.credits(a.id)
	call := func(k string) (any, error) {
		return mc.f.l.Purchase(mc.f.ctx, mc.f.p, k, credit.PurchaseRequest{Account: a.id, Amount: cents(amt), Reference: "order"})
	}
	if a.held {
		mc.fails(t, "Purchase on a held account", credit.ErrOnHold, call)
		return
	}
	if !a.allowExceed && a.limit+c-d-amt < 0 {
		mc.fails(t, "Purchase over the limit", credit.ErrCreditLimitExceeded, call)
		return
	}
	r := mc.succeeds(t, "Purchase", call).(credit.DebitResult)
	mc.m.addDoc(&mDoc{id: r.Document.ID, account: a.id, kind: invoice.Invoice, amount: amt, open: amt, status: invoice.Open})
	mc.absorbPrepaid(t, "Purchase", a, r.Applications)
}

func (mc *machine) issueCredit(t *rapid.T) {
	a := mc.account(t, "account")
	amt := mc.amount(t, "amount")
	kind := rapid.SampledFrom([]invoice.Kind{invoice.Payment, invoice.Prepayment, invoice.CreditMemo, invoice.CreditGrant}).Draw(t, "kind")
	labels := drawLabels(t)
	r := mc.succeeds(t, "IssueCredit", func(k string) (any, error) {
		return mc.f.l.IssueCredit(mc.f.ctx, mc.f.p, k, credit.CreditRequest{Account: a.id, Kind: kind, Amount: cents(amt), Reason: "goodwill",
			Labels: labels})
	}).(credit.CreditResult)
	mc.m.addDoc(&mDoc{id: r.Document.ID, account: a.id, kind: kind, amount: amt, open: amt, status: invoice.Open, labels: labels})
	mc.absorbPrepaid(t, "IssueCredit", a, r.Applications)
}

func (mc *machine) reimburse(t *rapid.T) {
	a := mc.account(t, "account")
	amt := mc.amount(t, "amount")
	if rapid.Bool().Draw(t, "negative") {
		amt = -amt
	}
	r := mc.succeeds(t, "Reimburse", func(k string) (any, error) {
		return mc.f.l.Reimburse(mc.f.ctx, mc.f.p, k, credit.ReimburseRequest{Account: a.id, Amount: cents(amt), Reference: "R"})
	}).(credit.CreditResult)
	mc.addSigned(r.Document.ID, a.id, amt, "")
	mc.absorbPrepaid(t, "Reimburse", a, r.Applications)
}

// addSigned adds a reimbursement document: a payment for a positive amount,
// a debit memo for a negative one.
func (mc *machine) addSigned(id, account string, amt int64, original string) {
	d := &mDoc{id: id, account: account, kind: invoice.Payment, amount: amt, open: amt, status: invoice.Open, original: original}
	if amt < 0 {
		d.kind, d.amount, d.open = invoice.DebitMemo, -amt, -amt
	}
	mc.m.addDoc(d)
}

func signedOf(d *mDoc) int64 {
	if d.isCredit() {
		return d.amount
	}
	return -d.amount
}

func (mc *machine) editReimbursement(t *rapid.T) {
	orig := mc.pick(t, "reimbursement", func(d *mDoc) bool {
		return d.original == "" && (d.kind == invoice.Payment || d.kind == invoice.DebitMemo)
	})
	current := signedOf(orig)
	for _, id := range mc.m.docIDs {
		if e := mc.m.docs[id]; e.original == orig.id && e.account == orig.account && !e.record {
			current += signedOf(e)
		}
	}
	target := current
	if rapid.IntRange(0, 5).Draw(t, "same") != 0 {
		target = rapid.Int64Range(-20000, 20000).Draw(t, "new amount")
	}
	call := func(k string) (any, error) {
		return mc.f.l.EditReimbursement(mc.f.ctx, mc.f.p, k, credit.EditReimbursementRequest{Document: orig.id, Amount: cents(target)})
	}
	if target == current {
		mc.fails(t, "EditReimbursement to the same amount", credit.ErrInvalidAmount, call)
		return
	}
	r := mc.succeeds(t, "EditReimbursement", call).(credit.CreditResult)
	if r.Document.Original != orig.id {
		t.Fatalf("EditReimbursement: the new document names %q as original, want %q", r.Document.Original, orig.id)
	}
	mc.addSigned(r.Document.ID, orig.account, target-current, orig.id)
	mc.absorbPrepaid(t, "EditReimbursement", mc.m.accounts[orig.account], r.Applications)
}

func (mc *machine) applyPair(t *rapid.T) {
	c := mc.pick(t, "credit", anyCredit)
	d := mc.pick(t, "debit", anyDebit)
	var amt int64
	if rapid.Bool().Draw(t, "within") && min(c.open, d.open) > 0 {
		amt = rapid.Int64Range(1, min(c.open, d.open)).Draw(t, "amount")
	} else {
		amt = mc.amount(t, "amount")
	}
	// Without an amount the pair moves what it can; with one it is an
	// explicit partial application, which may add to a pair applied before.
	given := rapid.Bool().Draw(t, "with amount")
	pair := credit.Pair{Credit: c.id, Debit: d.id}
	if given {
		pair.Amount = cents(amt)
	} else {
		amt = min(c.open, d.open)
	}
	call := func(k string) (any, error) {
		return mc.f.l.Apply(mc.f.ctx, mc.f.p, k, credit.ApplyRequest{Pairs: []credit.Pair{pair}, Partial: true})
	}
	for _, a := range mc.m.active(c.id) {
		if a.debit == d.id && !given {
			r := mc.succeeds(t, "Apply an applied pair", call).(credit.ApplyResult)
			if len(r.Applications) != 0 || len(r.Unchanged) != 1 {
				t.Fatalf("applying an applied pair again wrote %+v", r)
			}
			return
		}
	}
	switch {
	case c.status == invoice.Closed || (c.status == invoice.Open && c.open == 0):
		mc.fails(t, "Apply a used-up credit", credit.ErrInsufficientCredit, call)
	case c.status != invoice.Open || d.status != invoice.Open || amt == 0:
		mc.fails(t, "Apply a closed document", credit.ErrInvalidPlan, call)
	case d.recurring:
		mc.fails(t, "Apply to a recurring debit", credit.ErrRecurring, call)
	case amt > c.open:
		mc.fails(t, "Apply more than the credit holds", credit.ErrInsufficientCredit, call)
	case amt > d.open:
		mc.fails(t, "Apply more than the debit owes", credit.ErrOverpaid, call)
	case mc.m.accounts[c.account].held:
		mc.fails(t, "Apply the credit of a held account", credit.ErrOnHold, call)
	default:
		r := mc.succeeds(t, "Apply", call).(credit.ApplyResult)
		if len(r.Applications) != 1 || r.Applications[0].Credit != c.id || r.Applications[0].Debit != d.id || minor(r.Applications[0].Amount) != amt {
			t.Fatalf("Apply of one pair wrote %+v", r.Applications)
		}
		mc.m.link(r.Applications[0].ID, c.id, d.id, amt)
		mc.m.ops[r.Operation] = []string{r.Applications[0].ID}
		mc.m.opIDs = append(mc.m.opIDs, r.Operation)
	}
}

func (mc *machine) applyPolicy(t *rapid.T) {
	a := mc.account(t, "account")
	req := credit.ApplyRequest{Account: a.id, Partial: true}
	if rapid.Bool().Draw(t, "by priority") {
		// The credits' labels reach the policy.
		req.Policy = allocate.ByPriority("priority", allocate.OldestFirst())
	}
	call := func(k string) (any, error) { return mc.f.l.Apply(mc.f.ctx, mc.f.p, k, req) }
	if a.held {
		mc.fails(t, "Apply by policy on a held account", credit.ErrOnHold, call)
		return
	}
	r := mc.succeeds(t, "Apply by policy", call).(credit.ApplyResult)
	mc.absorb(t, "Apply by policy", a.id, r.Applications)
	if len(r.Applications) > 0 {
		var ids []string
		for _, app := range r.Applications {
			ids = append(ids, app.ID)
		}
		mc.m.ops[r.Operation] = ids
		mc.m.opIDs = append(mc.m.opIDs, r.Operation)
	}
}

func (mc *machine) preview(t *rapid.T) {
	a := mc.account(t, "account")
	before := mc.f.read(mc.m.acctIDs)
	r, err := mc.f.l.Preview(mc.f.ctx, mc.f.p, credit.ApplyRequest{Account: a.id, Partial: true})
	if a.held {
		if !errors.Is(err, credit.ErrOnHold) {
			t.Fatalf("Preview of a held account: %v, the model expects ErrOnHold", err)
		}
		mc.f.unchanged("Preview", mc.m.acctIDs, before)
		return
	}
	if err != nil {
		t.Fatalf("Preview: %v", err)
	}
	if len(r.Applications) != 0 {
		t.Fatalf("Preview returned applications: %+v", r.Applications)
	}
	mc.f.unchanged("Preview", mc.m.acctIDs, before)
}

func (mc *machine) unapply(t *rapid.T) {
	var ids []string
	for _, id := range mc.m.appIDs {
		if !mc.m.touchesClosed(mc.m.apps[id]) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Skip("no application")
	}
	a := mc.m.apps[rapid.SampledFrom(ids).Draw(t, "application")]
	call := func(k string) (any, error) {
		return mc.f.l.Unapply(mc.f.ctx, mc.f.p, k, credit.UnapplyRequest{Application: a.id})
	}
	if a.reversed || a.writeOff {
		mc.fails(t, "Unapply a reversed application or a write-off", credit.ErrBadState, call)
		return
	}
	r := mc.succeeds(t, "Unapply", call).(credit.UnapplyResult)
	if len(r.Reversals) != 1 || r.Reversals[0].Reverses != a.id {
		t.Fatalf("Unapply wrote %+v", r.Reversals)
	}
	mc.m.unlink(a)
}

func (mc *machine) unapplyOperation(t *rapid.T) {
	var ops []string
	for _, op := range mc.m.opIDs {
		if !slices.ContainsFunc(mc.m.ops[op], func(id string) bool { return mc.m.touchesClosed(mc.m.apps[id]) }) {
			ops = append(ops, op)
		}
	}
	if len(ops) == 0 {
		t.Skip("no operation")
	}
	op := rapid.SampledFrom(ops).Draw(t, "operation")
	var live []*mApp
	for _, id := range mc.m.ops[op] {
		if a := mc.m.apps[id]; !a.reversed {
			live = append(live, a)
		}
	}
	call := func(k string) (any, error) {
		return mc.f.l.Unapply(mc.f.ctx, mc.f.p, k, credit.UnapplyRequest{Operation: op})
	}
	if len(live) == 0 {
		mc.fails(t, "Unapply a reversed operation", credit.ErrBadState, call)
		return
	}
	r := mc.succeeds(t, "Unapply operation", call).(credit.UnapplyResult)
	if len(r.Reversals) != len(live) {
		t.Fatalf("Unapply of an operation with %d live applications wrote %d reversals", len(live), len(r.Reversals))
	}
	for _, a := range live {
		mc.m.unlink(a)
	}
}

// adjustTo lowers debit d to amount, as the model predicts.
func (mc *machine) adjustTo(t *rapid.T, name string, d *mDoc, amount int64, call func(k string) (any, error)) {
	if d.status == invoice.Void {
		mc.fails(t, name+" a void debit", credit.ErrBadState, call)
		return
	}
	active := mc.m.active(d.id)
	current := d.open
	for _, a := range active {
		current += a.amount
	}
	cut := current - amount
	if cut <= 0 {
		mc.fails(t, name+" not below the current amount", credit.ErrInvalidAmount, call)
		return
	}
	if mc.m.unpaysClosed(active, cut-d.open) {
		mc.fails(t, name+" giving credit back to a closed account", credit.ErrAccountClosed, call)
		return
	}
	r := mc.succeeds(t, name, call).(credit.AdjustResult)
	if minor(r.Removed) != cut {
		t.Fatalf("%s: removed %s, the model expects %d cents", name, r.Removed, cut)
	}
	// What the open balance cannot absorb is un-paid, newest first, keeping
	// part of the last one reversed.
	unpay := cut - d.open
	var kept []credit.Application
	nrev := 0
	for i := len(active) - 1; i >= 0 && unpay > 0; i-- {
		a := active[i]
		mc.m.unlink(a)
		nrev++
		if keep := a.amount - unpay; keep > 0 {
			if len(r.Applications) != 1 {
				t.Fatalf("%s: expected one application keeping %d cents, got %+v", name, keep, r.Applications)
			}
			kept = r.Applications
			if minor(kept[0].Amount) != keep || kept[0].Credit != a.credit {
				t.Fatalf("%s: kept %+v, the model expects %d cents of %s", name, kept[0], keep, a.credit)
			}
			mc.m.link(kept[0].ID, a.credit, d.id, keep)
			mc.m.apps[kept[0].ID].writeOff = a.writeOff
		}
		unpay -= a.amount
	}
	if nrev != len(r.Reversals) || len(kept) != len(r.Applications) {
		t.Fatalf("%s: %d reversals and %d applications, the model expects %d and %d", name, len(r.Reversals), len(r.Applications), nrev, len(kept))
	}
	for i, rev := range r.Reversals {
		if want := active[len(active)-1-i].id; rev.Reverses != want {
			t.Fatalf("%s: reversal %d undoes %s, the model expects %s (newest first)", name, i, rev.Reverses, want)
		}
	}
	end := invoice.Paid
	if amount == 0 {
		end = invoice.Void
	}
	mc.m.take(d, cut, end)
	d.removed += cut
	mc.m.total += cut
	// A write-off taken back this way leaves; it never becomes open credit.
	mc.m.dropWriteOffs()
}

func (mc *machine) adjust(t *rapid.T) {
	d := mc.pick(t, "debit", anyDebit)
	amount := rapid.Int64Range(0, d.amount).Draw(t, "new amount")
	mc.adjustTo(t, "Adjust", d, amount, func(k string) (any, error) {
		return mc.f.l.Adjust(mc.f.ctx, mc.f.p, k, credit.AdjustRequest{Debit: d.id, Amount: cents(amount), Reason: "adjusted"})
	})
}

func (mc *machine) void(t *rapid.T) {
	d := mc.pick(t, "debit", anyDebit)
	mc.adjustTo(t, "Void", d, 0, func(k string) (any, error) {
		return mc.f.l.Void(mc.f.ctx, mc.f.p, k, credit.VoidRequest{Debit: d.id, Reason: "cancelled"})
	})
}

func (mc *machine) refund(t *rapid.T) {
	c := mc.pick(t, "credit", anyCredit)
	all := rapid.Bool().Draw(t, "all")
	amt := c.open
	if !all {
		amt = mc.amount(t, "amount")
	}
	call := func(k string) (any, error) {
		req := credit.RefundRequest{All: all, Credit: c.id, Reference: "refund"}
		if !all {
			req.Amount = cents(amt)
		}
		return mc.f.l.Refund(mc.f.ctx, mc.f.p, k, req)
	}
	if c.status == invoice.Open && mc.m.accounts[c.account].held {
		mc.fails(t, "Refund the credit of a held account", credit.ErrOnHold, call)
		return
	}
	if c.status != invoice.Open || amt > c.open {
		mc.fails(t, "Refund more than open", credit.ErrInsufficientCredit, call)
		return
	}
	mc.succeeds(t, "Refund", call)
	mc.m.take(c, amt, invoice.Refunded)
	c.removed += amt
	mc.m.total -= amt
}

func (mc *machine) reversePayment(t *rapid.T) {
	c := mc.pick(t, "credit", anyCredit)
	call := func(k string) (any, error) {
		return mc.f.l.ReversePayment(mc.f.ctx, mc.f.p, k, credit.ReverseRequest{Payment: c.id, ChargeBack: c.amount%2 == 0})
	}
	if c.kind != invoice.Payment && c.kind != invoice.Prepayment {
		mc.fails(t, "ReversePayment of a "+c.kind.String(), credit.ErrWrongKind, call)
		return
	}
	active := mc.m.active(c.id)
	if len(active) == 0 && c.status != invoice.Open {
		mc.fails(t, "ReversePayment with nothing to reverse", credit.ErrBadState, call)
		return
	}
	if slices.ContainsFunc(active, mc.m.touchesClosed) {
		mc.fails(t, "ReversePayment reopening a debit of a closed account", credit.ErrAccountClosed, call)
		return
	}
	r := mc.succeeds(t, "ReversePayment", call).(credit.ReverseResult)
	for _, a := range active {
		mc.m.unlink(a)
	}
	if len(r.Reversals) != len(active) || minor(r.Removed) != c.open {
		t.Fatalf("ReversePayment: %d reversals removing %s, the model expects %d removing %d cents", len(r.Reversals), r.Removed, len(active), c.open)
	}
	removed := c.open
	mc.m.take(c, removed, invoice.Reversed)
	c.status = invoice.Reversed
	c.removed += removed
	mc.m.total -= removed
}

func (mc *machine) transfer(t *rapid.T) {
	c := mc.pick(t, "credit", anyCredit)
	to := mc.account(t, "to")
	all := rapid.Bool().Draw(t, "all")
	amt := c.open
	if !all {
		amt = mc.amount(t, "amount")
	}
	call := func(k string) (any, error) {
		req := credit.TransferRequest{All: all, Credit: c.id, To: to.id}
		if !all {
			req.Amount = cents(amt)
		}
		return mc.f.l.Transfer(mc.f.ctx, mc.f.p, k, req)
	}
	switch {
	case c.status != invoice.Open:
		mc.fails(t, "Transfer a closed credit", credit.ErrInsufficientCredit, call)
		return
	case to.id == c.account:
		mc.fails(t, "Transfer to the same account", credit.ErrInvalidRequest, call)
		return
	case amt > c.open:
		mc.fails(t, "Transfer more than open", credit.ErrInsufficientCredit, call)
		return
	case mc.m.accounts[c.account].held:
		mc.fails(t, "Transfer the credit of a held account", credit.ErrOnHold, call)
		return
	}
	r := mc.succeeds(t, "Transfer", call).(credit.TransferResult)
	mc.m.take(c, amt, invoice.Closed)
	c.removed += amt
	mc.m.total -= amt
	mc.m.addDoc(&mDoc{id: r.To.ID, account: to.id, kind: invoice.CreditGrant, amount: amt, open: amt, status: invoice.Open, original: c.id,
		labels: c.labels})
	// The receiving account uses it at once when prepaid; the result does
	// not list those applications, the new credit's own record does.
	apps, err := mc.f.l.Applications(mc.f.ctx, mc.f.p, r.To.ID)
	if err != nil {
		t.Fatalf("Applications: %v", err)
	}
	mc.absorbPrepaid(t, "Transfer", to, apps)
}

func (mc *machine) consolidate(t *rapid.T) {
	open := mc.m.openAccounts()
	if len(open) == 0 {
		t.Skip("every account is closed")
	}
	ids := rapid.SliceOfNDistinct(rapid.SampledFrom(open), 1, len(open), rapid.ID[string]).Draw(t, "accounts")
	r := mc.succeeds(t, "Consolidate", func(k string) (any, error) {
		return mc.f.l.Consolidate(mc.f.ctx, mc.f.p, k, credit.ConsolidateRequest{Accounts: ids, Partial: true})
	}).(credit.ConsolidateResult)
	if len(r.Accounts) != len(ids) {
		t.Fatalf("Consolidate of %d accounts reported %d", len(ids), len(r.Accounts))
	}
	for _, ar := range r.Accounts {
		if mc.m.accounts[ar.Account].held {
			if ar.Code != credit.Code(credit.ErrOnHold) || len(ar.Applications) != 0 {
				t.Fatalf("Consolidate: the held account %s: %q, %d applications; the model expects on_hold", ar.Account, ar.Code, len(ar.Applications))
			}
			continue
		}
		if ar.Error != "" {
			t.Fatalf("Consolidate: account %s: %s", ar.Account, ar.Error)
		}
		mc.absorb(t, "Consolidate", ar.Account, ar.Applications)
	}
}

func (mc *machine) updateAccount(t *rapid.T) {
	a := mc.account(t, "account")
	limit := rapid.Int64Range(0, 50000).Draw(t, "limit")
	exceed := rapid.Bool().Draw(t, "allow exceed")
	kind := rapid.SampledFrom([]credit.AccountKind{credit.Term, credit.Prepaid}).Draw(t, "kind")
	lm := cents(limit)
	r := mc.succeeds(t, "UpdateAccount", func(k string) (any, error) {
		return mc.f.l.UpdateAccount(mc.f.ctx, mc.f.p, k, credit.UpdateAccountRequest{Account: a.id, Limit: &lm, AllowExceed: &exceed, Kind: &kind, Reason: "review"})
	}).(credit.Account)
	if minor(r.Limit) != limit || r.AllowExceed != exceed || r.Kind != kind {
		t.Fatalf("UpdateAccount returned %+v", r)
	}
	a.limit, a.allowExceed, a.kind = limit, exceed, kind
}

func (mc *machine) replayLast(t *rapid.T) {
	if mc.replay == nil {
		t.Skip("nothing to replay")
	}
	before := mc.f.read(mc.m.acctIDs)
	r, err := mc.replay()
	if err != nil {
		t.Fatalf("replaying %s: %v", mc.lastName, err)
	}
	if diff := cmp.Diff(mc.lastResult, r); diff != "" {
		t.Fatalf("replaying %s returned another result (-first +replay):\n%s", mc.lastName, diff)
	}
	mc.f.unchanged("replaying "+mc.lastName, mc.m.acctIDs, before)
}

func (mc *machine) unknownIDs(t *rapid.T) {
	l, ctx, p := mc.f.l, mc.f.ctx, mc.f.p
	calls := map[string]func(k string) (any, error){
		"IssueDebit": func(k string) (any, error) {
			return l.IssueDebit(ctx, p, k, credit.DebitRequest{Account: "nope", Amount: cents(1)})
		},
		"Apply": func(k string) (any, error) {
			return l.Apply(ctx, p, k, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "nope", Debit: "nope2"}}})
		},
		"Refund": func(k string) (any, error) {
			return l.Refund(ctx, p, k, credit.RefundRequest{All: true, Credit: "nope"})
		},
		"Void":    func(k string) (any, error) { return l.Void(ctx, p, k, credit.VoidRequest{Debit: "nope"}) },
		"Unapply": func(k string) (any, error) { return l.Unapply(ctx, p, k, credit.UnapplyRequest{Application: "nope"}) },
		"Transfer": func(k string) (any, error) {
			return l.Transfer(ctx, p, k, credit.TransferRequest{All: true, Credit: "nope", To: "a"})
		},
		"MoveBalance": func(k string) (any, error) {
			return l.MoveBalance(ctx, p, k, credit.MoveBalanceRequest{All: true, From: "nope", To: "a"})
		},
	}
	name := rapid.SampledFrom(sortedKeys(calls)).Draw(t, "operation")
	mc.fails(t, name+" of unknown ids", credit.ErrNotFound, calls[name])
}

// check compares the store with the model and checks every invariant.
func (mc *machine) check(t *rapid.T) {
	st := mc.f.read(mc.m.acctIDs)
	p := checkState(st)
	m := mc.m
	// Documents: the same set, with the balances the model expects.
	if len(st.Documents) != len(m.docs) {
		p.add("the store has %d documents, the model %d", len(st.Documents), len(m.docs))
	}
	applied := map[string]int64{} // document → applied net of reversals, by the store
	seen := map[string]bool{}
	for _, apps := range st.Applications {
		for _, a := range apps {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			sign := int64(1)
			if a.Reverses != "" {
				sign = -1
			}
			applied[a.Credit] += sign * minor(a.Amount)
			applied[a.Debit] += sign * minor(a.Amount)
		}
	}
	for _, id := range m.docIDs {
		md := m.docs[id]
		d, ok := st.Documents[id]
		if !ok {
			p.add("document %s is missing", id)
			continue
		}
		if d.Account != md.account || d.Kind != md.kind || minor(d.Amount) != md.amount || minor(d.Open) != md.open ||
			d.Status != md.status || d.Recurring != md.recurring || d.Original != md.original || !cmp.Equal(d.Labels, md.labels) {
			p.add("document %s is %s %s %s of %s open %s, the model expects %s %s of %d open %d", id, d.Account, d.Kind,
				d.Status, d.Amount, d.Open, md.kind, md.status, md.amount, md.open)
		}
		// Invariants 2 and 3, exactly: amount = open + applied − unapplied
		// + what left by refund, transfer, reversal, adjustment or void.
		if md.amount != minor(d.Open)+applied[id]+md.removed {
			p.add("document %s: amount %d ≠ open %s + applied %d + removed %d", id, md.amount, d.Open, applied[id], md.removed)
		}
	}
	// Applications: the model's live ones are the store's.
	for _, id := range m.appIDs {
		a := m.apps[id]
		reversed := false
		for _, x := range st.Applications[a.credit] {
			if x.Reverses == id {
				reversed = true
			}
		}
		if reversed != a.reversed {
			p.add("application %s reversed %v, the model says %v", id, reversed, a.reversed)
		}
	}
	// Accounts: balances are the model's, and money is conserved.
	var total int64
	for _, id := range m.acctIDs {
		a, ma := st.Accounts[id], m.accounts[id]
		c, d := m.credits(id)
		if (a.Hold != "") != ma.held || a.Closed.IsZero() == ma.closed {
			p.add("account %s: hold %q closed %v, the model expects held %v closed %v", id, a.Hold, a.Closed, ma.held, ma.closed)
		}
		if minor(a.Credit) != c || minor(a.Debit) != d || minor(a.Limit) != ma.limit || a.AllowExceed != ma.allowExceed || a.Kind != ma.kind {
			p.add("account %s: credit %s debit %s limit %s, the model expects %d %d %d", id, a.Credit, a.Debit, a.Limit, c, d, ma.limit)
		}
		total += minor(a.Credit) - minor(a.Debit)
		// History is append-only: what was there is still there.
		if prev := mc.prev.History[id]; len(prev) > 0 {
			if h := st.History[id]; len(h) < len(prev) || !sameJSON(prev, h[:len(prev)]) {
				p.add("account %s: history entries changed or went missing", id)
			}
		}
	}
	if total != m.total {
		p.add("money not conserved: Σ outstanding is %d cents, issued less removed is %d", total, m.total)
	}
	p = append(p, m.writeOffProblems()...)
	if len(p) > 0 {
		t.Fatalf("after the last step:\n%s", join(p))
	}
	mc.prev = st
}
