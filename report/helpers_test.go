package report_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// clock stands still until set or advanced.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// tb is what the fixture needs of a *testing.T, *testing.B or *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// fixture is a ledger on the memory store with a clock the test moves and
// counted ids.
type fixture struct {
	t     tb
	ctx   context.Context
	l     *credit.Ledger
	clock *clock
	admin credit.Principal
	n     int
}

func newFixture(t tb, auth credit.Authorizer, start time.Time) *fixture {
	t.Helper()
	return newFixtureOn(t, store.NewMemory(), "ns", auth, start)
}

// newFixtureOn is newFixture on st, in namespace ns.
func newFixtureOn(t tb, st credit.Store, ns string, auth credit.Authorizer, start time.Time) *fixture {
	t.Helper()
	c := &clock{now: start}
	var n atomic.Int64
	l, err := credit.New(st, auth, credit.Options{Clock: c.Now,
		NewID: func() string { return fmt.Sprintf("id-%05d", n.Add(1)) }})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: context.Background(), l: l, clock: c,
		admin: credit.Principal{ID: "admin", Namespace: ns, Roles: []string{credit.RoleAdmin}}}
}

func (f *fixture) key() string { f.n++; return fmt.Sprintf("k%d", f.n) }

func (f *fixture) must(_ any, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) open(id, cur string) {
	f.t.Helper()
	f.must(f.l.OpenAccount(f.ctx, f.admin, f.key(), credit.OpenAccountRequest{ID: id, Currency: money.MustCurrency(cur),
		Limit: money.MustParse(cur + " 100000.00")}))
}

func (f *fixture) invoice(acct, id, amt string, issued, due time.Time) {
	f.t.Helper()
	f.must(f.l.IssueDebit(f.ctx, f.admin, f.key(), credit.DebitRequest{Account: acct, ID: id,
		Amount: money.MustParse(amt), Issued: issued, Due: due}))
}

func (f *fixture) payment(acct, id, amt string) {
	f.t.Helper()
	f.must(f.l.IssueCredit(f.ctx, f.admin, f.key(), credit.CreditRequest{Account: acct, ID: id, Kind: invoice.Payment,
		Amount: money.MustParse(amt)}))
}

func (f *fixture) pay(credit_, debit, amt string) {
	f.t.Helper()
	f.must(f.l.Apply(f.ctx, f.admin, f.key(), credit.ApplyRequest{Partial: true,
		Pairs: []credit.Pair{{Credit: credit_, Debit: debit, Amount: money.MustParse(amt)}}}))
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func amounts(ms []money.Money) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Amount()
	}
	return out
}

func mustMoney(s string) money.Money { return money.MustParse(s) }
