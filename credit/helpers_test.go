package credit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// t0 is when every fixture's clock starts.
var t0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

const ns = "tenant"

var (
	usd   = money.MustCurrency("USD")
	eur   = money.MustCurrency("EUR")
	ctx   = context.Background()
	admin = credit.Principal{ID: "admin", Namespace: ns, Roles: []string{credit.RoleAdmin}}
)

// fixture is a Ledger on a fresh memory store with a clock that moves one
// minute per call and sequential ids, so every run is the same.
type fixture struct {
	tb   testing.TB
	st   *store.Memory
	l    *credit.Ledger
	p    credit.Principal // who the helpers act as
	mu   sync.Mutex
	now  time.Time
	ids  atomic.Int64
	keys atomic.Int64
}

func newFixture(tb testing.TB) *fixture {
	return newFixtureWith(tb, credit.AllowAll, credit.Options{})
}

func newFixtureWith(tb testing.TB, auth credit.Authorizer, opts credit.Options) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, st: store.NewMemory(), p: admin, now: t0}
	if opts.Clock == nil {
		opts.Clock = f.clock
	}
	if opts.NewID == nil {
		opts.NewID = func() string { return fmt.Sprintf("id%04d", f.ids.Add(1)) }
	}
	l, err := credit.New(f.st, auth, opts)
	if err != nil {
		tb.Fatal(err)
	}
	f.l = l
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.now
	f.now = f.now.Add(time.Minute)
	return t
}

// key returns a fresh idempotency key.
func (f *fixture) key() string { return fmt.Sprintf("key-%d", f.keys.Add(1)) }

func m(s string) money.Money { return money.MustParse(s) }

func mp(s string) *money.Money { v := m(s); return &v }

// str is the canonical text of an amount ("USD 12.30"), "" for the zero Money.
func str(x money.Money) string {
	b, err := x.MarshalText()
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (f *fixture) open(id, cur string, kind credit.AccountKind, limit string) credit.Account {
	f.tb.Helper()
	req := credit.OpenAccountRequest{ID: id, Currency: money.MustCurrency(cur), Kind: kind}
	if limit != "" {
		req.Limit = m(cur + " " + limit)
	}
	a, err := f.l.OpenAccount(ctx, f.p, f.key(), req)
	if err != nil {
		f.tb.Fatalf("open %s: %v", id, err)
	}
	return a
}

func (f *fixture) debit(req credit.DebitRequest) credit.DebitResult {
	f.tb.Helper()
	r, err := f.l.IssueDebit(ctx, f.p, f.key(), req)
	if err != nil {
		f.tb.Fatalf("issue debit %+v: %v", req, err)
	}
	return r
}

func (f *fixture) invoice(acct, id, amount string) credit.DebitResult {
	f.tb.Helper()
	return f.debit(credit.DebitRequest{Account: acct, ID: id, Amount: m(amount)})
}

func (f *fixture) credit(req credit.CreditRequest) credit.CreditResult {
	f.tb.Helper()
	r, err := f.l.IssueCredit(ctx, f.p, f.key(), req)
	if err != nil {
		f.tb.Fatalf("issue credit %+v: %v", req, err)
	}
	return r
}

func (f *fixture) payment(acct, id, amount string) credit.CreditResult {
	f.tb.Helper()
	return f.credit(credit.CreditRequest{Account: acct, ID: id, Amount: m(amount)})
}

func (f *fixture) apply(req credit.ApplyRequest) credit.ApplyResult {
	f.tb.Helper()
	r, err := f.l.Apply(ctx, f.p, f.key(), req)
	if err != nil {
		f.tb.Fatalf("apply %+v: %v", req, err)
	}
	return r
}

func (f *fixture) doc(id string) invoice.Document {
	f.tb.Helper()
	d, err := f.l.Document(ctx, admin, id)
	if err != nil {
		f.tb.Fatalf("document %s: %v", id, err)
	}
	return d
}

func (f *fixture) history(acct string) []credit.Entry {
	f.tb.Helper()
	var all []credit.Entry
	var after int64
	for {
		page, err := f.l.History(ctx, admin, credit.HistoryRequest{Account: acct, AfterSeq: after, Limit: credit.MaxPage})
		if err != nil {
			f.tb.Fatalf("history %s: %v", acct, err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

func (f *fixture) balances(acct string) credit.Balances {
	f.tb.Helper()
	b, err := f.l.Balances(ctx, admin, acct)
	if err != nil {
		f.tb.Fatalf("balances %s: %v", acct, err)
	}
	return b
}

// row is the part of an Entry a finance user reads in the history grid.
type row struct {
	Kind                                credit.EntryKind
	Amount, Outstanding, Available, Lim string
	By, Ref, Comment                    string
}

func rowOf(e credit.Entry) row {
	return row{Kind: e.Kind, Amount: str(e.Amount), Outstanding: str(e.After.Outstanding), Available: str(e.After.Available),
		Lim: str(e.After.Limit), By: e.By, Ref: e.Reference, Comment: e.Comment}
}

// wantRows checks the last len(want) entries of an account's history, and
// that the history is numbered 1, 2, 3 … with times that never go back.
func (f *fixture) wantRows(acct string, want ...row) []credit.Entry {
	f.tb.Helper()
	h := f.history(acct)
	for i, e := range h {
		if e.Seq != int64(i+1) || e.Account != acct {
			f.tb.Errorf("entry %d of %s: seq %d account %q", i, acct, e.Seq, e.Account)
		}
		if i > 0 && e.At.Before(h[i-1].At) {
			f.tb.Errorf("entry %d of %s goes back in time: %s < %s", i, acct, e.At, h[i-1].At)
		}
	}
	if len(h) < len(want) {
		f.tb.Fatalf("history of %s has %d entries, want at least %d", acct, len(h), len(want))
	}
	tail := h[len(h)-len(want):]
	for i, e := range tail {
		if got := rowOf(e); got != want[i] {
			f.tb.Errorf("history of %s, entry %d:\n got  %+v\n want %+v", acct, e.Seq, got, want[i])
		}
	}
	return tail
}

// bal is the expected balances: credit, debit, outstanding, limit, available.
type bal struct{ Credit, Debit, Outstanding, Limit, Available string }

func balOf(b credit.Balances) bal {
	return bal{str(b.Credit), str(b.Debit), str(b.Outstanding), str(b.Limit), str(b.Available)}
}

func (f *fixture) wantBalances(acct string, want bal) {
	f.tb.Helper()
	if got := balOf(f.balances(acct)); got != want {
		f.tb.Errorf("balances of %s:\n got  %+v\n want %+v", acct, got, want)
	}
}

// wantDoc checks a document's open balance and status.
func (f *fixture) wantDoc(id, open string, status invoice.Status) invoice.Document {
	f.tb.Helper()
	d := f.doc(id)
	if str(d.Open) != open || d.Status != status {
		f.tb.Errorf("document %s: open %s %s, want %s %s", id, str(d.Open), d.Status, open, status)
	}
	return d
}

// wantErr checks that err wraps every one of sentinels and is an *Error.
func wantErr(tb testing.TB, err error, sentinels ...error) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error, want %v", sentinels)
	}
	var e *credit.Error
	if !errors.As(err, &e) {
		tb.Errorf("error %v (%T) is not a *credit.Error", err, err)
	}
	for _, s := range sentinels {
		if !errors.Is(err, s) {
			tb.Errorf("error %v does not wrap %v", err, s)
		}
	}
}

// snapshot is everything an account shows; equal snapshots mean nothing
// was written.
type snapshot struct {
	hist  []row
	bal   bal
	docs  []string
	count int
}

func (f *fixture) snapshot(acct string) snapshot {
	f.tb.Helper()
	var s snapshot
	for _, e := range f.history(acct) {
		s.hist = append(s.hist, rowOf(e))
	}
	s.bal = balOf(f.balances(acct))
	docs, err := f.l.Documents(ctx, admin, credit.DocumentFilter{Account: acct})
	if err != nil {
		f.tb.Fatal(err)
	}
	for _, d := range docs {
		s.docs = append(s.docs, fmt.Sprintf("%s %s %s v%d", d.ID, str(d.Open), d.Status, d.Version))
	}
	s.count = len(docs)
	return s
}

func (f *fixture) wantUnchanged(acct string, before snapshot) {
	f.tb.Helper()
	after := f.snapshot(acct)
	if !slices.Equal(before.hist, after.hist) || before.bal != after.bal || !slices.Equal(before.docs, after.docs) {
		f.tb.Errorf("account %s changed:\n before %+v\n after  %+v", acct, before, after)
	}
}

// lines renders a plan's lines as "credit→debit amount".
func lines(r credit.ApplyResult) []string {
	var out []string
	for _, l := range r.Plan.Lines {
		out = append(out, l.Credit+"→"+l.Debit+" "+str(l.Amount))
	}
	return out
}

func appLines(apps []credit.Application) []string {
	var out []string
	for _, a := range apps {
		s := a.Credit + "→" + a.Debit + " " + str(a.Amount)
		if a.Reverses != "" {
			s = "reverse " + s
		}
		out = append(out, s)
	}
	return out
}

func wantStrings(tb testing.TB, what string, got []string, want ...string) {
	tb.Helper()
	if !slices.Equal(got, want) {
		tb.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}
