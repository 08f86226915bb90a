package credit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// This file holds the hostile-input table of the Ledger's own checks, run
// on the memory store, and the helpers verify_test.go shares: a rig (a
// Ledger on any Store with a settable clock), a snapshot of a store
// gathered through the Store's own reads, the invariants every success must
// keep, and the check that an error is typed. The hostile inputs the
// Ledger can refuse only by what the store kept (sums money cannot hold,
// keys and ids already used, documents' states, another namespace's ids)
// are storetest's clause Ledger/HostileInputs, as are the regressions and
// the fuzz seeds (Ledger/Regressions, Ledger/FuzzSeeds): every store runs
// them.

// memoryStore is the newStore of the in-memory store.
func memoryStore(*testing.T) credit.Store { return store.NewMemory() }

// hT0 is the start of every rig's clock.
var hT0 = time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)

var (
	hBG  = context.Background()
	hUSD = money.MustCurrency("USD")
	hJPY = money.MustCurrency("JPY")
	hBHD = money.MustCurrency("BHD")
	hEUR = money.MustCurrency("EUR")
)

// rig is a Ledger over a Store with a clock that stands still until moved
// and sequential document ids, so every run of a scenario is the same. roles
// is a second Ledger over the same store that checks DefaultRoles.
type rig struct {
	tb    testing.TB
	st    credit.Store
	l     *credit.Ledger
	roles *credit.Ledger
	now   atomic.Int64 // unix microseconds
	ids   atomic.Int64
	keys  atomic.Int64
}

func newRig(tb testing.TB, st credit.Store) *rig {
	tb.Helper()
	r := &rig{tb: tb, st: st}
	r.now.Store(hT0.UnixMicro())
	opts := credit.Options{
		Clock: func() time.Time { return time.UnixMicro(r.now.Load()).UTC() },
		NewID: func() string { return fmt.Sprintf("g%05d", r.ids.Add(1)) },
	}
	var err error
	if r.l, err = credit.New(st, credit.AllowAll, opts); err != nil {
		tb.Fatal(err)
	}
	if r.roles, err = credit.New(st, credit.DefaultRoles(), opts); err != nil {
		tb.Fatal(err)
	}
	return r
}

func (r *rig) at(t time.Time) { r.now.Store(t.UnixMicro()) }
func (r *rig) key() string    { return fmt.Sprintf("k%06d", r.keys.Add(1)) }
func (r *rig) admin(ns string) credit.Principal {
	return credit.Principal{ID: "admin@" + ns, Namespace: ns, Roles: []string{credit.RoleAdmin}}
}

// outcome is a call's result and error: res(f()).must(tb) fails the test on
// the error and returns the result.
type outcome[T any] struct {
	v   T
	err error
}

func res[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

func (o outcome[T]) must(tb testing.TB) T {
	tb.Helper()
	if o.err != nil {
		tb.Fatalf("unexpected error: %v", o.err)
	}
	return o.v
}

// hm parses "USD 12.30"; for fixtures only.
func hm(s string) money.Money { return money.MustParse(s) }

// typedError reports why err is not a typed refusal ("" when it is): an
// *credit.Error that wraps exactly one of the package's sentinels, has its
// code, and whose message names the package once, then the method.
func typedError(err error) string {
	var e *credit.Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("error %q (%T) is not a *credit.Error", err, err)
	}
	var matched []error
	for _, s := range credit.Sentinels {
		if errors.Is(err, s) {
			matched = append(matched, s)
		}
	}
	if len(matched) != 1 {
		return fmt.Sprintf("error %q wraps %d sentinels %v, want exactly one", err, len(matched), matched)
	}
	if credit.Code(err) == "" {
		return fmt.Sprintf("error %q has no code", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "credit: ") || strings.Contains(msg[len("credit: "):], ": credit: ") {
		return fmt.Sprintf("error %q does not name the package exactly once, first", err)
	}
	for _, pkg := range []string{"money: ", "allocate: ", "invoice: "} {
		if strings.Contains(msg, pkg) {
			return fmt.Sprintf("error %q names package %q", err, pkg)
		}
	}
	if e.Op == "" || !strings.HasPrefix(msg, "credit: "+credit.Words(e.Op)) {
		return fmt.Sprintf("error %q does not name the method %q after the package", err, e.Op)
	}
	if (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && !errors.Is(err, credit.ErrCanceled) {
		return fmt.Sprintf("error %q of an ended context is not ErrCanceled", err)
	}
	return ""
}

// nsState is everything a namespace holds, as the Store's reads show it.
type nsState struct {
	AccountIDs   []string
	Accounts     map[string]credit.Account
	Documents    map[string]invoice.Document
	Listed       map[string][]invoice.Document // Store.Documents per account
	Open         []string                      // ids Load(OpenOf) returns
	Applications []credit.Application          // by id
	History      map[string][]credit.Entry
	Keys         map[string]credit.Idempotency // the probed keys that are recorded
}

// captureState reads a namespace through the Store: every account it lists
// (when it is an AccountLister) and the accounts given, their documents and
// history, the documents given (present or not), every application of
// those documents, and the idempotency keys given.
func captureState(tb testing.TB, st credit.Store, ns string, accounts, docs, keys []string) nsState {
	tb.Helper()
	s := nsState{Accounts: map[string]credit.Account{}, Documents: map[string]invoice.Document{},
		Listed: map[string][]invoice.Document{}, History: map[string][]credit.Entry{}, Keys: map[string]credit.Idempotency{}}
	ids := slices.Clone(accounts)
	if lister, ok := st.(credit.AccountLister); ok {
		after := ""
		for {
			page := res(lister.AccountIDs(hBG, ns, after, 100)).must(tb)
			s.AccountIDs = append(s.AccountIDs, page...)
			if len(page) < 100 {
				break
			}
			after = page[len(page)-1]
		}
		ids = append(ids, s.AccountIDs...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	docIDs := slices.Clone(docs)
	for _, a := range ids {
		var all []invoice.Document
		after := ""
		for {
			page := res(st.Documents(hBG, ns, credit.DocumentFilter{Account: a, After: after, Limit: 100})).must(tb)
			all = append(all, page...)
			if len(page) < 100 {
				break
			}
			after = page[len(page)-1].ID
		}
		if len(all) > 0 {
			s.Listed[a] = all
		}
		for _, d := range all {
			docIDs = append(docIDs, d.ID)
		}
		var hist []credit.Entry
		var seq int64
		for {
			page := res(st.History(hBG, ns, a, seq, 100)).must(tb)
			hist = append(hist, page...)
			if len(page) < 100 {
				break
			}
			seq = page[len(page)-1].Seq
		}
		if len(hist) > 0 {
			s.History[a] = hist
		}
	}
	slices.Sort(docIDs)
	docIDs = slices.Compact(docIDs)
	snap := res(st.Load(hBG, credit.Query{Namespace: ns, Accounts: ids, Documents: docIDs, OpenOf: ids, ApplicationsOf: docIDs})).must(tb)
	s.Accounts = snap.Accounts
	for id, d := range snap.Documents {
		if d.Status == invoice.Open {
			s.Open = append(s.Open, id)
		}
		s.Documents[id] = d
	}
	slices.Sort(s.Open)
	s.Applications = slices.Clone(snap.Applications)
	sort.Slice(s.Applications, func(i, j int) bool { return s.Applications[i].ID < s.Applications[j].ID })
	for _, k := range keys {
		if k == "" {
			continue
		}
		snap := res(st.Load(hBG, credit.Query{Namespace: ns, Idempotency: k})).must(tb)
		if snap.Idempotency != nil {
			s.Keys[k] = *snap.Idempotency
		}
	}
	return s
}

// checkInvariants checks what every success must leave true in a namespace:
// each account's Credit and Debit are the sums of its open documents (all
// in its currency), available = limit + outstanding, every document is
// valid with 0 ≤ open ≤ amount and open + what its applications still hold
// ≤ amount, no application is reversed twice or for another amount, and
// the history of every account verifies.
func checkInvariants(tb testing.TB, r *rig, ns string) {
	tb.Helper()
	s := captureState(tb, r.st, ns, nil, nil, nil)
	p := r.admin(ns)
	for id, a := range s.Accounts {
		credit, debit := money.Zero(a.Currency), money.Zero(a.Currency)
		for _, d := range s.Listed[id] {
			if err := d.Validate(); err != nil {
				tb.Errorf("document %s: %v", d.ID, err)
				continue
			}
			if d.Status != invoice.Open {
				continue
			}
			var err error
			if d.IsCredit() {
				credit, err = credit.Add(d.Open)
			} else {
				debit, err = debit.Add(d.Open)
			}
			if err != nil {
				tb.Errorf("account %s: open document %s: %v", id, d.ID, err)
			}
		}
		if !credit.Equal(a.Credit) || !debit.Equal(a.Debit) {
			tb.Errorf("account %s: credit %v debit %v, its open documents sum to %v and %v", id, a.Credit, a.Debit, credit, debit)
		}
		b := res(r.l.Balances(hBG, p, id)).must(tb)
		out, err := b.Credit.Sub(b.Debit)
		if err != nil || !out.Equal(b.Outstanding) {
			tb.Errorf("account %s: outstanding %v, credit − debit = %v (%v)", id, b.Outstanding, out, err)
		}
		avail, err := b.Limit.Add(b.Outstanding)
		if err != nil || !avail.Equal(b.Available) {
			tb.Errorf("account %s: available %v, limit + outstanding = %v (%v)", id, b.Available, avail, err)
		}
		if err := r.l.Verify(hBG, p, id); err != nil {
			tb.Errorf("account %s does not verify: %v", id, err)
		}
	}
	// What each document's applications still hold.
	byID := map[string]credit.Application{}
	reversed := map[string]int{}
	for _, a := range s.Applications {
		byID[a.ID] = a
	}
	held := map[string]money.Money{}
	hold := func(doc string, m money.Money) {
		if h, ok := held[doc]; ok {
			var err error
			if held[doc], err = h.Add(m); err != nil {
				tb.Errorf("document %s: %v", doc, err)
			}
			return
		}
		held[doc] = m
	}
	for _, a := range s.Applications {
		if !a.Amount.IsPositive() {
			tb.Errorf("application %s: amount %v", a.ID, a.Amount)
		}
		if a.Reverses == "" {
			hold(a.Credit, a.Amount)
			hold(a.Debit, a.Amount)
			continue
		}
		reversed[a.Reverses]++
		orig, ok := byID[a.Reverses]
		if !ok {
			tb.Errorf("reversal %s names unknown application %s", a.ID, a.Reverses)
			continue
		}
		if !orig.Amount.Equal(a.Amount) || orig.Credit != a.Credit || orig.Debit != a.Debit {
			tb.Errorf("reversal %s does not match application %s", a.ID, orig.ID)
		}
		hold(a.Credit, a.Amount.Neg())
		hold(a.Debit, a.Amount.Neg())
	}
	for id, n := range reversed {
		if n > 1 {
			tb.Errorf("application %s reversed %d times", id, n)
		}
	}
	for id, h := range held {
		d, ok := s.Documents[id]
		if !ok {
			tb.Errorf("application names unknown document %s", id)
			continue
		}
		if h.IsNegative() {
			tb.Errorf("document %s: applications hold %v", id, h)
		}
		if sum, err := d.Open.Add(h); err != nil || more(sum, d.Amount) {
			tb.Errorf("document %s: open %v + applied %v is more than its amount %v", id, d.Open, h, d.Amount)
		}
	}
	if err := r.l.VerifyNamespace(hBG, p); err != nil {
		tb.Errorf("namespace %s does not verify: %v", ns, err)
	}
}

func more(a, b money.Money) bool {
	c, err := a.Cmp(b)
	return err == nil && c > 0
}

// ---------------------------------------------------------------------------
// The hostile world: two namespaces with documents in every state.

const (
	hNS      = "acme"
	hForeign = "other"
)

// hostileWorld fills a store with the documents the hostile table aims at,
// then moves the clock two days on so that "cm-exp" has expired.
//
//	acme/usd   term USD, limit 1000, bill-to Acme: inv1 100, inv2 50, rec1 30 (recurring),
//	           pay1 80, cm-exp 20 (expires after a day), inv-paid 40 paid by pay-full 40,
//	           inv-void 10 (void), inv-unap 5 / pay-unap 5 (applied then unapplied),
//	           pay-rev 7 (cancelled), reimb 25 (a reimbursement)
//	acme/usd2  term USD, bill-to Beta: inv-b 60, pay-b 10
//	acme/jpy   term JPY: inv-jpy 1000, pay-jpy 500
//	acme/bhd   term BHD: inv-bhd 1.500
//	acme/pre   prepaid USD
//	other/usd  term USD (the same id in another namespace), other/foreign: f-inv 100, f-pay 100
//

type hostileWorld struct {
	*rig
	unappliedApp string // an application already reversed
	usedKey      string // a key recorded for issuing inv2
	docs         []string
	accounts     []string
}

func newHostileWorld(tb testing.TB, st credit.Store) *hostileWorld {
	tb.Helper()
	w := &hostileWorld{rig: newRig(tb, st)}
	p, q := w.admin(hNS), w.admin(hForeign)
	open := func(p credit.Principal, id string, cur money.Currency, kind credit.AccountKind, limit string, party string) {
		req := credit.OpenAccountRequest{ID: id, Currency: cur, Kind: kind, Party: invoice.Party{Company: party}}
		if limit != "" {
			req.Limit = hm(cur.Code() + " " + limit)
		}
		res(w.l.OpenAccount(hBG, p, w.key(), req)).must(tb)
	}
	open(p, "usd", hUSD, credit.Term, "1000", "Acme")
	open(p, "usd2", hUSD, credit.Term, "", "Beta")
	open(p, "jpy", hJPY, credit.Term, "", "")
	open(p, "bhd", hBHD, credit.Term, "", "")
	open(p, "pre", hUSD, credit.Prepaid, "", "")
	open(q, "usd", hUSD, credit.Term, "", "")
	open(q, "foreign", hUSD, credit.Term, "", "")
	debit := func(p credit.Principal, acct, id, amt string, recurring bool) {
		res(w.l.IssueDebit(hBG, p, w.key(), credit.DebitRequest{Account: acct, ID: id, Amount: hm(amt), Recurring: recurring})).must(tb)
	}
	pay := func(p credit.Principal, acct, id, amt string) {
		res(w.l.IssueCredit(hBG, p, w.key(), credit.CreditRequest{Account: acct, ID: id, Amount: hm(amt)})).must(tb)
	}
	debit(p, "usd", "inv1", "USD 100", false)
	w.usedKey = w.key()
	res(w.l.IssueDebit(hBG, p, w.usedKey, credit.DebitRequest{Account: "usd", ID: "inv2", Amount: hm("USD 50")})).must(tb)
	debit(p, "usd", "rec1", "USD 30", true)
	pay(p, "usd", "pay1", "USD 80")
	res(w.l.IssueCredit(hBG, p, w.key(), credit.CreditRequest{Account: "usd", ID: "cm-exp", Kind: invoice.CreditMemo,
		Amount: hm("USD 20"), Expires: hT0.Add(24 * time.Hour)})).must(tb)
	debit(p, "usd", "inv-paid", "USD 40", false)
	pay(p, "usd", "pay-full", "USD 40")
	ar := res(w.l.Apply(hBG, p, w.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-full", Debit: "inv-paid"}}})).must(tb)
	debit(p, "usd", "inv-void", "USD 10", false)
	res(w.l.Void(hBG, p, w.key(), credit.VoidRequest{Debit: "inv-void", Reason: "cancelled"})).must(tb)
	debit(p, "usd", "inv-unap", "USD 5", false)
	pay(p, "usd", "pay-unap", "USD 5")
	ar = res(w.l.Apply(hBG, p, w.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-unap", Debit: "inv-unap"}}})).must(tb)
	w.unappliedApp = ar.Applications[0].ID
	res(w.l.Unapply(hBG, p, w.key(), credit.UnapplyRequest{Application: w.unappliedApp})).must(tb)
	pay(p, "usd", "pay-rev", "USD 7")
	res(w.l.ReversePayment(hBG, p, w.key(), credit.ReverseRequest{Payment: "pay-rev"})).must(tb)
	res(w.l.Reimburse(hBG, p, w.key(), credit.ReimburseRequest{Account: "usd", ID: "reimb", Amount: hm("USD 25"), Reference: "R-1"})).must(tb)
	res(w.l.IssueDebit(hBG, p, w.key(), credit.DebitRequest{Account: "usd2", ID: "inv-b", Amount: hm("USD 60"), BillTo: invoice.Party{Company: "Beta"}})).must(tb)
	pay(p, "usd2", "pay-b", "USD 10")
	debit(p, "jpy", "inv-jpy", "JPY 1000", false)
	pay(p, "jpy", "pay-jpy", "JPY 500")
	debit(p, "bhd", "inv-bhd", "BHD 1.500", false)
	debit(q, "foreign", "f-inv", "USD 100", false)
	pay(q, "foreign", "f-pay", "USD 100")
	w.at(hT0.Add(48 * time.Hour))
	w.docs = []string{"inv1", "inv2", "rec1", "pay1", "cm-exp", "inv-paid", "pay-full", "inv-void", "inv-unap", "pay-unap",
		"pay-rev", "reimb", "inv-b", "pay-b", "inv-jpy", "pay-jpy", "inv-bhd", "f-inv", "f-pay", "nope", ""}
	w.accounts = []string{"usd", "usd2", "jpy", "bhd", "pre", "foreign", "nope"}
	return w
}

// state captures both namespaces, probing keys.
func (w *hostileWorld) state(keys ...string) [2]nsState {
	w.tb.Helper()
	return [2]nsState{captureState(w.tb, w.st, hNS, w.accounts, w.docs, append(keys, w.usedKey)),
		captureState(w.tb, w.st, hForeign, w.accounts, w.docs, keys)}
}

// ---------------------------------------------------------------------------
// The table.

// hostileRow is one hostile input. When parse is set, the row first goes
// through the parse step a caller would use: parse must fail with parseErr
// (or succeed when parseErr is nil), and what it returned (the zero Money on
// failure, as a caller that ignores the error would pass on) goes to call.
// call must then fail with want, writing nothing.
type hostileRow struct {
	name     string
	parse    func() (money.Money, error)
	parseErr error
	call     func(w *hostileWorld, key string, amt money.Money) error
	want     error
}

// errAnyDecode marks a decoding error of encoding/json's own.
var errAnyDecode = errors.New("json decoding error")

// Hostile amount texts and what parsing them reports.
var hostileAmounts = []struct {
	text string
	cur  money.Currency
	want error
}{
	{"NaN", hUSD, money.ErrInvalidAmount},
	{"-NaN", hUSD, money.ErrInvalidAmount},
	{"sNaN", hUSD, money.ErrInvalidAmount},
	{"Inf", hUSD, money.ErrInvalidAmount},
	{"-Infinity", hUSD, money.ErrInvalidAmount},
	{"+Inf", hUSD, money.ErrInvalidAmount},
	{"1e400", hUSD, money.ErrInvalidAmount},
	{"1E+2147483647", hUSD, money.ErrInvalidAmount},
	{"1e-400", hUSD, money.ErrInvalidAmount},
	{"0x10", hUSD, money.ErrInvalidAmount},
	{"1_000", hUSD, money.ErrInvalidAmount},
	{"1,000.00", hUSD, money.ErrInvalidAmount},
	{"+5", hUSD, money.ErrInvalidAmount},
	{" 5", hUSD, money.ErrInvalidAmount},
	{"5 ", hUSD, money.ErrInvalidAmount},
	{".5", hUSD, money.ErrInvalidAmount},
	{"5.", hUSD, money.ErrInvalidAmount},
	{"--5", hUSD, money.ErrInvalidAmount},
	{"", hUSD, money.ErrInvalidAmount},
	{"１２", hUSD, money.ErrInvalidAmount},
	{"٣", hUSD, money.ErrInvalidAmount},
	{"5\x00", hUSD, money.ErrInvalidAmount},
	{"\xff\xfe", hUSD, money.ErrInvalidAmount},
	{strings.Repeat("9", 100_000), hUSD, money.ErrInvalidAmount},
	{"0." + strings.Repeat("0", 100_000) + "1", hUSD, money.ErrInvalidAmount},
	{strings.Repeat("9", 25), hUSD, money.ErrInvalidAmount},
	{"12.345", hUSD, money.ErrTooManyDecimals},
	{"0.001", hUSD, money.ErrTooManyDecimals},
	{"1.5", hJPY, money.ErrTooManyDecimals},
	{"1.0001", hBHD, money.ErrTooManyDecimals},
	{"0.0000000000000000000000000001", hUSD, money.ErrTooManyDecimals},
}

// hostileMoneyTexts are full "CUR amount" texts refused by money.Parse.
var hostileMoneyTexts = []struct {
	text string
	want error
}{
	{"usd 10", money.ErrInvalidCurrency},
	{"XXX 10", money.ErrInvalidCurrency},
	{"XAU 10", money.ErrInvalidCurrency},
	{"ZZZ 10", money.ErrInvalidCurrency},
	{"US 10", money.ErrInvalidCurrency},
	{"USDD 10", money.ErrInvalidCurrency},
	{"10 USD", money.ErrInvalidCurrency},
	{"USD", money.ErrInvalidAmount},
	{"USD  10", money.ErrInvalidAmount},
	{"USD NaN", money.ErrInvalidAmount},
	{"USD " + strings.Repeat("1", 100_000), money.ErrInvalidAmount},
	{"JPY 0.5", money.ErrTooManyDecimals},
}

func hostileRows(w *hostileWorld) []hostileRow {
	p := w.admin(hNS)
	var rows []hostileRow
	add := func(name string, want error, call func(w *hostileWorld, key string) error) {
		rows = append(rows, hostileRow{name: name, want: want, call: func(w *hostileWorld, key string, _ money.Money) error { return call(w, key) }})
	}
	// Operations that need an amount, fed with what the parse step returned.
	needAmount := []struct {
		name string
		call func(w *hostileWorld, key string, amt money.Money) error
	}{
		{"issue debit", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: amt})
			return err
		}},
		{"record payment", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: amt})
			return err
		}},
		{"purchase", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: amt})
			return err
		}},
		{"reimburse", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.Reimburse(hBG, p, key, credit.ReimburseRequest{Account: "usd", Amount: amt})
			return err
		}},
		{"adjust", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv1", Amount: amt})
			return err
		}},
		{"edit reimbursement", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.EditReimbursement(hBG, p, key, credit.EditReimbursementRequest{Document: "reimb", Amount: amt})
			return err
		}},
	}
	for i, a := range hostileAmounts {
		op := needAmount[i%len(needAmount)]
		a := a
		label := a.text
		if len(label) > 24 {
			label = fmt.Sprintf("%.12s…(%d bytes)", label, len(label))
		}
		rows = append(rows, hostileRow{name: fmt.Sprintf("%s %s %q", op.name, a.cur, label), want: credit.ErrInvalidAmount,
			parse: func() (money.Money, error) { return money.New(a.cur, a.text) }, parseErr: a.want, call: op.call})
	}
	for i, a := range hostileMoneyTexts {
		op := needAmount[(i+3)%len(needAmount)]
		a := a
		label := a.text
		if len(label) > 24 {
			label = fmt.Sprintf("%.12s…(%d bytes)", label, len(label))
		}
		rows = append(rows, hostileRow{name: fmt.Sprintf("%s parse %q", op.name, label), want: credit.ErrInvalidAmount,
			parse: func() (money.Money, error) { return money.Parse(a.text) }, parseErr: a.want, call: op.call})
	}
	// A request decoded from JSON: the bad amount stops the decoding.
	for _, c := range []struct {
		body string
		want error
	}{
		{`{"account":"usd","amount":"USD NaN"}`, money.ErrInvalidAmount},
		{`{"account":"usd","amount":"USD 1e9"}`, money.ErrInvalidAmount},
		{`{"account":"usd","amount":"USD 0.001"}`, money.ErrTooManyDecimals},
		{`{"account":"usd","amount":"usd 1"}`, money.ErrInvalidCurrency},
		{`{"account":"usd","amount":12.5}`, errAnyDecode},
		{`{"account":"usd","amount":"USD ` + strings.Repeat("9", 100_000) + `"}`, money.ErrInvalidAmount},
	} {
		c := c
		label := c.body
		if len(label) > 50 {
			label = label[:50] + "…"
		}
		rows = append(rows, hostileRow{name: "decode credit request " + label, want: credit.ErrInvalidAmount,
			parse: func() (money.Money, error) {
				var req credit.CreditRequest
				err := json.Unmarshal([]byte(c.body), &req)
				if c.want == errAnyDecode && err != nil {
					err = fmt.Errorf("%w: %w", errAnyDecode, err)
				}
				return req.Amount, err
			}, parseErr: c.want,
			call: func(w *hostileWorld, key string, amt money.Money) error {
				_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: amt})
				return err
			}})
	}
	// Amounts that parse but make no sense where they are given.
	for _, amt := range []string{"USD 0", "USD -0", "USD -0.00", "USD -5.00"} {
		amt := amt
		rows = append(rows, hostileRow{name: "invoice of " + amt, want: credit.ErrInvalidAmount,
			parse: func() (money.Money, error) { return money.Parse(amt) },
			call: func(w *hostileWorld, key string, m money.Money) error {
				_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: m})
				return err
			}})
		rows = append(rows, hostileRow{name: "payment of " + amt, want: credit.ErrInvalidAmount,
			parse: func() (money.Money, error) { return money.Parse(amt) },
			call: func(w *hostileWorld, key string, m money.Money) error {
				_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: m})
				return err
			}})
	}
	add("refund of zero", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{Credit: "pay1", Amount: hm("USD 0")})
		return err
	})
	add("refund negative", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{Credit: "pay1", Amount: hm("USD -1")})
		return err
	})
	add("transfer negative", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Transfer(hBG, p, key, credit.TransferRequest{Credit: "pay1", To: "usd2", Amount: hm("USD -1")})
		return err
	})
	add("pair amount zero", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1", Amount: hm("USD 0")}}, Partial: true})
		return err
	})
	add("pair amount negative", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1", Amount: hm("USD -10")}}, Partial: true})
		return err
	})
	add("cap zero", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Account: "usd", Cap: hm("USD 0"), Partial: true})
		return err
	})
	add("cap negative", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Account: "usd", Cap: hm("USD -1"), Partial: true})
		return err
	})
	add("cap in another currency", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Account: "usd", Cap: hm("JPY 10"), Partial: true})
		return err
	})
	add("open account with a negative limit", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "new", Currency: hUSD, Limit: hm("USD -1")})
		return err
	})
	add("set a negative limit", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		lim := hm("USD -0.01")
		_, err := w.l.UpdateAccount(hBG, p, key, credit.UpdateAccountRequest{Account: "usd", Limit: &lim})
		return err
	})
	add("adjust to a negative amount", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv1", Amount: hm("USD -1")})
		return err
	})
	add("reimburse zero", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Reimburse(hBG, p, key, credit.ReimburseRequest{Account: "usd", Amount: hm("USD 0")})
		return err
	})
	add("edit a reimbursement to its own amount", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.EditReimbursement(hBG, p, key, credit.EditReimbursementRequest{Document: "reimb", Amount: hm("USD 25")})
		return err
	})
	add("purchase converting to nothing", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("EUR 0.01"), Rate: money.MustParseRate("EUR/USD 0.0001")})
		return err
	})
	add("purchase converting beyond what money holds", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("EUR 9999999999999999999999.99"),
			Rate: money.MustParseRate("EUR/USD 99999999999999999999")})
		return err
	})
	// Wrong or unknown currencies.
	add("invoice in JPY on a USD account", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("JPY 100")})
		return err
	})
	add("payment in BHD on a JPY account", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "jpy", Amount: hm("BHD 1.000")})
		return err
	})
	add("reimburse in EUR on a USD account", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Reimburse(hBG, p, key, credit.ReimburseRequest{Account: "usd", Amount: hm("EUR 5")})
		return err
	})
	add("purchase in EUR without a rate", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("EUR 5")})
		return err
	})
	add("purchase in EUR with a JPY/USD rate", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("EUR 5"), Rate: money.MustParseRate("JPY/USD 0.0067")})
		return err
	})
	add("open account with a limit in another currency", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "new", Currency: hUSD, Limit: hm("EUR 10")})
		return err
	})
	add("open account without a currency", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "new"})
		return err
	})
	add("adjust in another currency", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv1", Amount: hm("JPY 10")})
		return err
	})
	add("pair amount in another currency", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1", Amount: hm("JPY 10")}}, Partial: true})
		return err
	})
	add("JPY credit on a USD debit with an amount", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-jpy", Debit: "inv1", Amount: hm("JPY 100")}}, Partial: true})
		return err
	})
	add("transfer USD credit to a JPY account", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Transfer(hBG, p, key, credit.TransferRequest{All: true, Credit: "pay1", To: "jpy"})
		return err
	})
	add("currency change without a rate", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.UpdateAccount(hBG, p, key, credit.UpdateAccountRequest{Account: "usd", Currency: &hEUR})
		return err
	})
	add("currency change with the reverse rate", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.UpdateAccount(hBG, p, key, credit.UpdateAccountRequest{Account: "usd", Currency: &hEUR, Rate: money.MustParseRate("EUR/USD 1.1")})
		return err
	})
	// Unknown and foreign ids.
	// Another namespace's ids: storetest's Ledger/HostileInputs, on every store.
	for _, id := range []string{"nope"} {
		id := id
		add("void unknown or foreign "+id, credit.ErrNotFound, func(w *hostileWorld, key string) error {
			_, err := w.l.Void(hBG, p, key, credit.VoidRequest{Debit: id})
			return err
		})
		add("refund unknown or foreign "+id, credit.ErrNotFound, func(w *hostileWorld, key string) error {
			_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{All: true, Credit: id})
			return err
		})
		add("apply unknown or foreign credit "+id, credit.ErrNotFound, func(w *hostileWorld, key string) error {
			_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: id, Debit: "inv1"}}, Partial: true})
			return err
		})
		add("apply to unknown or foreign debit "+id, credit.ErrNotFound, func(w *hostileWorld, key string) error {
			_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: id}}, Partial: true})
			return err
		})
	}
	add("invoice on an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "nope", Amount: hm("USD 1")})
		return err
	})
	add("unapply an unknown application", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.Unapply(hBG, p, key, credit.UnapplyRequest{Application: "nope"})
		return err
	})
	add("expire an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.Expire(hBG, p, key, credit.ExpireRequest{Account: "nope"})
		return err
	})
	add("update an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.UpdateAccount(hBG, p, key, credit.UpdateAccountRequest{Account: "nope"})
		return err
	})
	add("verify an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		return w.l.Verify(hBG, p, "nope")
	})
	// Keys, ids and text.
	longKey := strings.Repeat("k", credit.MaxKeyLen+1)
	add("empty idempotency key", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.IssueDebit(hBG, p, "", credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("oversized idempotency key", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.IssueDebit(hBG, p, longKey, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("idempotency key of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.IssueDebit(hBG, p, "k\xff", credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	longText := strings.Repeat("x", invoice.MaxTextLen+1)
	add("oversized reference", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Reference: longText})
		return err
	})
	add("oversized comment", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), Comment: longText})
		return err
	})
	add("oversized reimbursement reference", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Reimburse(hBG, p, key, credit.ReimburseRequest{Account: "usd", Amount: hm("USD 1"), Reference: longText})
		return err
	})
	add("oversized apply comment", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Account: "usd", Partial: true, Comment: longText})
		return err
	})
	add("oversized account reason", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "new", Currency: hUSD, Reason: longText})
		return err
	})
	add("oversized bill-to company", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), BillTo: invoice.Party{Company: longText}})
		return err
	})
	add("oversized refund comment", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{All: true, Credit: "pay1", Comment: longText})
		return err
	})
	add("oversized void reason", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Void(hBG, p, key, credit.VoidRequest{Debit: "inv1", Reason: longText})
		return err
	})
	add("account id of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd\xc3", Amount: hm("USD 1")})
		return err
	})
	add("document id of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", ID: "\xed\xa0\x80", Amount: hm("USD 1")})
		return err
	})
	add("new account id of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "a\xff", Currency: hUSD})
		return err
	})
	// A NUL byte is valid UTF-8 but no SQL text column keeps it: refused
	// alike on every store, before any read.
	add("idempotency key with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.IssueDebit(hBG, p, "k\x00", credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("account id with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd\x00", Amount: hm("USD 1")})
		return err
	})
	add("new account id with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "a\x00", Currency: hUSD})
		return err
	})
	add("document read with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.Document(hBG, p, "inv1\x00")
		return err
	})
	add("documents cursor with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.Documents(hBG, p, credit.DocumentFilter{Account: "usd", After: "inv1\x00"})
		return err
	})
	add("documents cursor of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.Documents(hBG, p, credit.DocumentFilter{Account: "usd", After: "inv\xff"})
		return err
	})
	add("documents of an original with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, _ string) error {
		_, err := w.l.Documents(hBG, p, credit.DocumentFilter{Account: "usd", Original: "reimb\x00"})
		return err
	})
	add("principal id with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		q := p
		q.ID = "admin\x00"
		_, err := w.l.IssueDebit(hBG, q, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("comment with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Reimburse(hBG, p, key, credit.ReimburseRequest{Account: "usd", Amount: hm("USD 1"), Comment: "c\x00"})
		return err
	})
	add("comment of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), Comment: "c\xff"})
		return err
	})
	add("reason of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Reason: "\xc3"})
		return err
	})
	add("bill-to person with a NUL byte", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), BillTo: invoice.Party{Person: "\x00"}})
		return err
	})
	add("oversized new account id", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: longKey, Currency: hUSD})
		return err
	})
	add("a new account id longer than a document's account may be", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: strings.Repeat("a", invoice.MaxIDLen+1), Currency: hUSD})
		return err
	})
	add("pair credit id of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "\x80", Debit: "inv1"}}})
		return err
	})
	add("principal namespace of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, credit.Principal{ID: "x", Namespace: "acme\xff"}, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("principal without a namespace", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, credit.Principal{ID: "x"}, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("principal without an id", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, credit.Principal{Namespace: hNS}, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	add("unknown account kind", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.OpenAccount(hBG, p, key, credit.OpenAccountRequest{ID: "new", Currency: hUSD, Kind: 9})
		return err
	})
	add("change to an unknown account kind", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		k := credit.AccountKind(0)
		_, err := w.l.UpdateAccount(hBG, p, key, credit.UpdateAccountRequest{Account: "usd", Kind: &k})
		return err
	})
	add("a credit kind issued as a debit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Kind: invoice.Payment, Amount: hm("USD 1")})
		return err
	})
	add("a debit kind issued as a credit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Kind: invoice.Invoice, Amount: hm("USD 1")})
		return err
	})
	add("an unknown document kind", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Kind: 200, Amount: hm("USD 1")})
		return err
	})
	add("a credit without a reason", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Kind: invoice.CreditGrant, Amount: hm("USD 1")})
		return err
	})
	add("a payment against a debit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Against: "inv1"})
		return err
	})
	add("a credit memo against another account's debit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Kind: invoice.CreditMemo, Amount: hm("USD 1"), Against: "inv-b"})
		return err
	})
	add("a credit memo against a credit", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Kind: invoice.CreditMemo, Amount: hm("USD 1"), Against: "pay1"})
		return err
	})
	// Dates out of order.
	add("due before issue", credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), Issued: hT0, Due: hT0.Add(-time.Hour)})
		return err
	})
	add("due before an issue date of now", credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), Due: hT0})
		return err
	})
	add("purchase due before issue", credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("USD 1"), Issued: hT0, Due: hT0.AddDate(-1, 0, 0)})
		return err
	})
	add("expiry before issue", credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Issued: hT0, Expires: hT0.Add(-time.Second)})
		return err
	})
	add("expiry at issue", credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Issued: hT0, Expires: hT0})
		return err
	})
	add("issue date in year 10000", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), Issued: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		return err
	})
	add("issue date before year 0", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Issued: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)})
		return err
	})
	// Journalling a revaluation.
	eurUSD := []money.Rate{money.MustParseRate("EUR/USD 1.2")}
	for _, c := range []struct {
		name string
		want error
		req  credit.RecordUnrealizedRequest
	}{
		{"journal a revaluation without rates", credit.ErrInvalidRequest, credit.RecordUnrealizedRequest{Account: "usd"}},
		{"journal a revaluation with two rates for a pair", credit.ErrInvalidRequest,
			credit.RecordUnrealizedRequest{Account: "usd", Rates: append(eurUSD, eurUSD...)}},
		{"journal a revaluation with a zero rate", credit.ErrInvalidRequest,
			credit.RecordUnrealizedRequest{Account: "usd", Rates: []money.Rate{{}}}},
		{"journal a revaluation of no account", credit.ErrInvalidRequest, credit.RecordUnrealizedRequest{Rates: eurUSD}},
		{"journal a revaluation of an unknown account", credit.ErrNotFound, credit.RecordUnrealizedRequest{Account: "nope", Rates: eurUSD}},
		{"journal a revaluation as of a later date", credit.ErrInvalidRequest,
			credit.RecordUnrealizedRequest{Account: "usd", Rates: eurUSD, AsOf: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"journal a revaluation in year 10000", credit.ErrInvalidRequest,
			credit.RecordUnrealizedRequest{Account: "usd", Rates: eurUSD, AsOf: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"journal a revaluation with a comment of invalid UTF-8", credit.ErrInvalidRequest,
			credit.RecordUnrealizedRequest{Account: "usd", Rates: eurUSD, Comment: "\xff"}},
	} {
		add(c.name, c.want, func(w *hostileWorld, key string) error {
			_, err := w.l.RecordUnrealized(hBG, p, key, c.req)
			return err
		})
	}
	// Documents in the wrong state or role.
	add("apply an expired credit by policy", credit.ErrInvalidPlan, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Credits: []string{"cm-exp"}, Debits: []string{"inv2"}, Partial: true,
			Policy: pairAll{}})
		return err
	})
	add("transfer an expired credit", credit.ErrBadState, func(w *hostileWorld, key string) error {
		_, err := w.l.Transfer(hBG, p, key, credit.TransferRequest{All: true, Credit: "cm-exp", To: "usd2"})
		return err
	})
	add("apply to a recurring debit by policy", credit.ErrRecurring, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Credits: []string{"pay1"}, Debits: []string{"rec1"}, Partial: true, Policy: pairAll{}})
		return err
	})
	add("a credit applied to itself", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "pay1"}}})
		return err
	})
	add("a debit used as a credit", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "inv2", Debit: "inv1"}}, Partial: true})
		return err
	})
	add("a credit used as a debit", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "pay-b"}}, Partial: true})
		return err
	})
	add("a debit listed among the credits", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Credits: []string{"inv1"}, Debits: []string{"inv2"}, Partial: true})
		return err
	})
	add("pair paying part without partial cover", credit.ErrNotCovered, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1"}}})
		return err
	})
	add("pair using more than the credit holds", credit.ErrInsufficientCredit, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1", Amount: hm("USD 80.01")}}, Partial: true})
		return err
	})
	add("pairs using one credit twice over", credit.ErrInsufficientCredit, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{
			{Credit: "pay1", Debit: "inv1", Amount: hm("USD 50")}, {Credit: "pay1", Debit: "inv2", Amount: hm("USD 50")}}, Partial: true})
		return err
	})
	add("pair paying more than the debit owes", credit.ErrOverpaid, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv2", Amount: hm("USD 50.01")}}, Partial: true})
		return err
	})
	add("the same pair twice", credit.ErrInvalidPlan, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{
			{Credit: "pay1", Debit: "inv1", Amount: hm("USD 1")}, {Credit: "pay1", Debit: "inv1", Amount: hm("USD 1")}}, Partial: true})
		return err
	})
	add("pairs and a policy together", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv2"}}, Debits: []string{"inv1"}})
		return err
	})
	add("apply naming nothing", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{})
		return err
	})
	tooMany := make([]string, 10_001)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("d%d", i)
	}
	add("apply naming more than 10,000 documents", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Account: "usd", Debits: tooMany, Partial: true})
		return err
	})
	add("consolidate more than 10,000 accounts", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Consolidate(hBG, p, key, credit.ConsolidateRequest{Accounts: tooMany})
		return err
	})
	add("consolidate nothing", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Consolidate(hBG, p, key, credit.ConsolidateRequest{})
		return err
	})
	add("consolidate an account id of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Consolidate(hBG, p, key, credit.ConsolidateRequest{Accounts: []string{"usd", "\xff"}})
		return err
	})
	add("a transfer to the same account", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Transfer(hBG, p, key, credit.TransferRequest{All: true, Credit: "pay1", To: "usd"})
		return err
	})
	add("a transfer of more than is open", credit.ErrInsufficientCredit, func(w *hostileWorld, key string) error {
		_, err := w.l.Transfer(hBG, p, key, credit.TransferRequest{Credit: "pay1", To: "usd2", Amount: hm("USD 80.01")})
		return err
	})
	add("a transfer of an invoice", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.Transfer(hBG, p, key, credit.TransferRequest{All: true, Credit: "inv1", To: "usd2"})
		return err
	})
	tooManyLabels := map[string]string{}
	for i := range invoice.MaxLabels + 1 {
		tooManyLabels[fmt.Sprint("k", i)] = "v"
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
	}{
		{"more than MaxLabels labels", tooManyLabels},
		{"an empty label key", map[string]string{"": "v"}},
		{"a label key too long", map[string]string{strings.Repeat("k", invoice.MaxLabelKeyLen+1): "v"}},
		{"a label value too long", map[string]string{"k": strings.Repeat("v", invoice.MaxLabelValueLen+1)}},
		{"a label key with NUL", map[string]string{"k\x00": "v"}},
		{"a label value of invalid UTF-8", map[string]string{"k": "\xff"}},
	} {
		labels := c.labels
		add("a credit with "+c.name, credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
			_, err := w.l.IssueCredit(hBG, p, key, credit.CreditRequest{Account: "usd", Amount: hm("USD 1"), Labels: labels})
			return err
		})
		add("an invoice with "+c.name, credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
			_, err := w.l.IssueDebit(hBG, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1"), Labels: labels})
			return err
		})
		add("a purchase with "+c.name, credit.ErrInvalidDocument, func(w *hostileWorld, key string) error {
			_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("USD 1"), Labels: labels})
			return err
		})
	}
	add("hold without a reason", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.HoldAccount(hBG, p, key, credit.HoldRequest{Account: "usd"})
		return err
	})
	add("hold with a reason holding NUL", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.HoldAccount(hBG, p, key, credit.HoldRequest{Account: "usd", Reason: "a\x00b"})
		return err
	})
	add("hold with a reason too long", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.HoldAccount(hBG, p, key, credit.HoldRequest{Account: "usd", Reason: strings.Repeat("r", invoice.MaxTextLen+1)})
		return err
	})
	add("hold without an account", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.HoldAccount(hBG, p, key, credit.HoldRequest{Reason: "r"})
		return err
	})
	add("hold an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.HoldAccount(hBG, p, key, credit.HoldRequest{Account: "nope", Reason: "r"})
		return err
	})
	add("hold another namespace's account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.HoldAccount(hBG, p, key, credit.HoldRequest{Account: "foreign", Reason: "r"})
		return err
	})
	add("release an account id of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.ReleaseHold(hBG, p, key, credit.ReleaseRequest{Account: "\xff"})
		return err
	})
	add("release an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.ReleaseHold(hBG, p, key, credit.ReleaseRequest{Account: "nope"})
		return err
	})
	add("close without an account", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.CloseAccount(hBG, p, key, credit.CloseRequest{})
		return err
	})
	add("close an unknown account", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.CloseAccount(hBG, p, key, credit.CloseRequest{Account: "nope"})
		return err
	})
	add("close an account with open credit and debit", credit.ErrBalanceNotZero, func(w *hostileWorld, key string) error {
		_, err := w.l.CloseAccount(hBG, p, key, credit.CloseRequest{Account: "usd"})
		return err
	})
	add("close an account with open debit", credit.ErrBalanceNotZero, func(w *hostileWorld, key string) error {
		_, err := w.l.CloseAccount(hBG, p, key, credit.CloseRequest{Account: "bhd"})
		return err
	})
	add("close with a reason of invalid UTF-8", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.CloseAccount(hBG, p, key, credit.CloseRequest{Account: "pre", Reason: "\xff"})
		return err
	})
	moveBalance := func(req credit.MoveBalanceRequest) func(w *hostileWorld, key string) error {
		return func(w *hostileWorld, key string) error {
			_, err := w.l.MoveBalance(hBG, p, key, req)
			return err
		}
	}
	add("move a balance to the same account", credit.ErrInvalidRequest, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "usd", All: true}))
	add("move a balance with no amount", credit.ErrInvalidAmount, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "usd2"}))
	add("move a negative balance", credit.ErrInvalidAmount, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "usd2", Amount: hm("USD -1")}))
	add("move a balance of an amount and all", credit.ErrInvalidRequest, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "usd2", All: true, Amount: hm("USD 1")}))
	add("move a balance with no source", credit.ErrInvalidRequest, moveBalance(credit.MoveBalanceRequest{To: "usd2", All: true}))
	add("move a balance with no target", credit.ErrInvalidRequest, moveBalance(credit.MoveBalanceRequest{From: "usd", All: true}))
	add("move a balance from an unknown account", credit.ErrNotFound, moveBalance(credit.MoveBalanceRequest{From: "nope", To: "usd2", All: true}))
	add("move a balance to an unknown account", credit.ErrNotFound, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "nope", All: true}))
	add("move a balance to another namespace's account", credit.ErrNotFound, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "foreign", All: true}))
	add("move a balance to a JPY account", credit.ErrCurrencyMismatch, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "jpy", All: true}))
	add("move a balance of an amount in EUR", credit.ErrCurrencyMismatch, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "usd2", Amount: hm("EUR 1")}))
	add("move more than the balance", credit.ErrInsufficientCredit, moveBalance(credit.MoveBalanceRequest{From: "usd", To: "usd2", Amount: hm("USD 10000")}))
	add("move the balance of an account with no credit", credit.ErrInsufficientCredit, moveBalance(credit.MoveBalanceRequest{From: "pre", To: "usd2", All: true}))
	add("refund more than open", credit.ErrInsufficientCredit, func(w *hostileWorld, key string) error {
		_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{Credit: "pay1", Amount: hm("USD 80.01")})
		return err
	})
	add("refund an invoice", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{All: true, Credit: "inv1"})
		return err
	})
	add("refund in another currency", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{Credit: "pay1", Amount: hm("EUR 1")})
		return err
	})
	add("unapply naming nothing", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Unapply(hBG, p, key, credit.UnapplyRequest{})
		return err
	})
	add("unapply naming both", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Unapply(hBG, p, key, credit.UnapplyRequest{Application: "a", Operation: "b"})
		return err
	})
	add("unapply one credit without its operation", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Unapply(hBG, p, key, credit.UnapplyRequest{Application: w.unappliedApp, Credit: "pay-unap"})
		return err
	})
	add("void a payment", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.Void(hBG, p, key, credit.VoidRequest{Debit: "pay1"})
		return err
	})
	add("adjust to more than the current amount", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv1", Amount: hm("USD 100.01")})
		return err
	})
	add("adjust to the current amount", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv1", Amount: hm("USD 100")})
		return err
	})
	add("adjust a void invoice", credit.ErrBadState, func(w *hostileWorld, key string) error {
		_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv-void", Amount: hm("USD 1")})
		return err
	})
	add("adjust without an amount", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Adjust(hBG, p, key, credit.AdjustRequest{Debit: "inv1"})
		return err
	})
	add("reverse an invoice", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.ReversePayment(hBG, p, key, credit.ReverseRequest{Payment: "inv1"})
		return err
	})
	add("reverse an expired credit memo", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.ReversePayment(hBG, p, key, credit.ReverseRequest{Payment: "cm-exp"})
		return err
	})
	add("a converted purchase over the limit", credit.ErrCreditLimitExceeded, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "usd", Amount: hm("EUR 900"), Rate: money.MustParseRate("EUR/USD 1.1")})
		return err
	})
	add("a purchase on an account without a line", credit.ErrCreditLimitExceeded, func(w *hostileWorld, key string) error {
		_, err := w.l.Purchase(hBG, p, key, credit.PurchaseRequest{Account: "jpy", Amount: hm("JPY 1")})
		return err
	})
	// Authorization: a member acts only on its own account.
	member := credit.Principal{ID: "m1", Namespace: hNS, Roles: []string{credit.RoleMember}, Account: "usd2"}
	add("a member applies another account's credit", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.roles.Apply(hBG, member, key, credit.ApplyRequest{Credits: []string{"pay1"}, Debits: []string{"inv-b"}, Partial: true})
		return err
	})
	add("a member refunds", credit.ErrNotAuthorized, func(w *hostileWorld, key string) error {
		_, err := w.roles.Refund(hBG, member, key, credit.RefundRequest{All: true, Credit: "pay-b"})
		return err
	})
	add("a principal without roles issues", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.roles.IssueDebit(hBG, credit.Principal{ID: "x", Namespace: hNS}, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	// Reads with bad bounds.
	add("history with a negative limit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.History(hBG, p, credit.HistoryRequest{Account: "usd", Limit: -1})
		return err
	})
	add("history with a huge limit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.History(hBG, p, credit.HistoryRequest{Account: "usd", Limit: 1 << 30})
		return err
	})
	add("documents with a negative limit", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.Documents(hBG, p, credit.DocumentFilter{Account: "usd", Limit: -5})
		return err
	})
	add("eligible credits of a credit", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.EligibleCredits(hBG, p, credit.EligibleRequest{Debit: "pay1"})
		return err
	})
	rows = append(rows, ops15HostileRows(p, member)...)
	cancelled, cancel := context.WithCancel(hBG)
	cancel()
	add("a cancelled context", context.Canceled, func(w *hostileWorld, key string) error {
		_, err := w.l.IssueDebit(cancelled, p, key, credit.DebitRequest{Account: "usd", Amount: hm("USD 1")})
		return err
	})
	return rows
}

// pairAll is a custom policy that pairs every credit with every debit for
// one minor unit, whatever they are: the Ledger must refuse what is wrong
// with its plan.
type pairAll struct{}

// Name names the policy, as a keyed Apply needs.
func (pairAll) Name() string { return "pair_all" }

func (pairAll) Plan(req allocate.Request) (allocate.Plan, error) {
	var p allocate.Plan
	for _, c := range req.Credits {
		for _, d := range req.Debits {
			amt, err := money.FromMinor(c.Open.Currency(), 1)
			if err != nil {
				return p, err
			}
			p.Lines = append(p.Lines, allocate.Line{Credit: c.ID, Debit: d.ID, Amount: amt})
		}
	}
	return p, nil
}

func TestHostileInputs(t *testing.T) {
	runHostileInputs(t, memoryStore, hostileTiming{reps: 20, floor: time.Millisecond})
}

// hostileTiming says how often each hostile row runs and how slow its
// median may be: no more than 20 times an ordinary preview's median on the
// same store, or floor when that is more. A networked store adds round
// trips whose time varies with the machine's load, so it uses a floor
// well above one round trip.
type hostileTiming struct {
	reps  int
	floor time.Duration
}

// runHostileInputs feeds every hostile row to a Ledger over newStore's
// store: each is refused with its sentinel, as an *credit.Error, writing
// nothing in either namespace, tm.reps times over; the median time of each
// row is logged, and it must stay within a loose bound.
func runHostileInputs(t *testing.T, newStore func(*testing.T) credit.Store, tm hostileTiming) {
	w := newHostileWorld(t, newStore(t))
	rows := hostileRows(w)
	if len(rows) < 100 {
		t.Fatalf("only %d hostile rows", len(rows))
	}
	t.Logf("%d hostile inputs", len(rows))
	reps := tm.reps
	// A reference: the median of an ordinary request that succeeds in
	// planning (a preview reads the account and its open documents).
	base := medianOf(max(reps, 5), func() {
		res(w.l.Preview(hBG, w.admin(hNS), credit.ApplyRequest{Account: "usd", Partial: true})).must(t)
	})
	bound := max(tm.floor, 20*base)
	t.Logf("an ordinary preview takes %v; a row may take up to %v", base, bound)
	names := map[string]bool{}
	for _, row := range rows {
		if names[row.name] {
			t.Errorf("two rows named %q", row.name)
		}
		names[row.name] = true
		t.Run(row.name, func(t *testing.T) {
			amt := money.Money{}
			if row.parse != nil {
				var err error
				amt, err = row.parse()
				switch {
				case row.parseErr == nil && err != nil:
					t.Fatalf("parse: %v", err)
				case row.parseErr != nil && !errors.Is(err, row.parseErr):
					t.Fatalf("parse: error %v, want %v", err, row.parseErr)
				case row.parseErr != nil && amt.IsValid():
					t.Fatalf("parse failed but returned valid money %v", amt)
				}
			}
			keys := []string{w.key(), w.key()}
			before := w.state(keys...)
			var errs []error
			d := medianOf(reps, func() {
				errs = append(errs, row.call(w, keys[len(errs)%2], amt))
			})
			for _, err := range errs {
				if !errors.Is(err, row.want) {
					t.Fatalf("error %v, want %v", err, row.want)
				}
				if msg := typedError(err); msg != "" {
					t.Fatal(msg)
				}
			}
			if diff := cmp.Diff(before, w.state(keys...)); diff != "" {
				t.Fatalf("the store changed (-before +after):\n%s", diff)
			}
			t.Logf("median %v: %v", d, errs[0])
			if d > bound {
				t.Errorf("median time %v is above %v (an ordinary preview takes %v)", d, bound, base)
			}
		})
	}
	checkInvariants(t, w.rig, hNS)
	checkInvariants(t, w.rig, hForeign)
}

// medianOf runs f n times and returns the median duration.
func medianOf(n int, f func()) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		f()
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return ds[n/2]
}

// BenchmarkHostileInputs times every hostile row once per iteration, to
// show that refusing bad input costs no more than an ordinary request.
func BenchmarkHostileInputs(b *testing.B) {
	w := newHostileWorld(b, store.NewMemory())
	rows := hostileRows(w)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, row := range rows {
			amt := money.Money{}
			if row.parse != nil {
				amt, _ = row.parse()
			}
			if err := row.call(w, "bench", amt); err == nil {
				b.Fatalf("%s: accepted", row.name)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
}
