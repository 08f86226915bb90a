package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// tb is what the kit's checks need of a test: *testing.T, *rapid.T and the
// recorder of the kit's own tests all have it.
type tb = rapid.TB

// scenario is one named check of the kit, run on a fresh store.
type scenario struct {
	name string
	run  func(t tb, s credit.Store)
}

// scenarios lists every check of the kit, in the order Run runs them.
func scenarios() []scenario {
	var all []scenario
	all = append(all, contractScenarios()...)
	all = append(all, ledgerScenarios()...)
	all = append(all, concurrencyScenarios()...)
	all = append(all, scenario{"StateMachine", runMachine})
	return all
}

// Run runs the whole kit against the stores newStore makes: one fresh store
// per subtest. It fails t for every contract, operation, error path or
// invariant the store breaks. See the package documentation.
func Run(t *testing.T, newStore func(t *testing.T) credit.Store) {
	t.Helper()
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			sc.run(t, s)
		})
	}
}

var usd = money.MustCurrency("USD")

// cents returns USD minor units as Money.
func cents(n int64) money.Money {
	m, err := money.FromMinor(usd, n)
	if err != nil {
		panic(err)
	}
	return m
}

// minor returns a USD amount in cents; the zero Money counts as 0.
func minor(m money.Money) int64 {
	if !m.IsValid() {
		return 0
	}
	n, err := m.Minor()
	if err != nil {
		panic(err)
	}
	return n
}

// epoch is the kit's fixed start of time.
var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// clock is a fake clock that moves on by one second every time it is read,
// so that every operation has its own time and histories are in order.
type clock struct{ n atomic.Int64 }

func (c *clock) now() time.Time { return epoch.Add(time.Duration(c.n.Add(1)) * time.Second) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// idGen makes ids unique per store and ordered by creation: a random prefix
// and a counter.
type idGen struct {
	prefix string
	n      atomic.Int64
}

func newIDGen() *idGen { return &idGen{prefix: randomHex(4)} }

func (g *idGen) next() string { return fmt.Sprintf("%s-%08d", g.prefix, g.n.Add(1)) }

// fixture is a Ledger over the store under test, in a namespace of its own.
type fixture struct {
	t     tb
	s     credit.Store
	l     *credit.Ledger
	ctx   context.Context
	ns    string
	p     credit.Principal
	clock *clock
	ids   *idGen
	keys  atomic.Int64
}

func newFixture(t tb, s credit.Store) *fixture {
	t.Helper()
	f := &fixture{t: t, s: s, ctx: context.Background(), ns: "ns-" + randomHex(6), clock: &clock{}, ids: newIDGen()}
	f.p = credit.Principal{ID: "storetest", Namespace: f.ns, Roles: []string{credit.RoleAdmin}}
	f.l = f.ledger(credit.AllowAll)
	return f
}

// ledger returns another Ledger over the fixture's store, clock and ids.
func (f *fixture) ledger(auth credit.Authorizer) *credit.Ledger {
	l, err := credit.New(f.s, auth, credit.Options{Clock: f.clock.now, NewID: f.ids.next, MaxAttempts: 1000})
	if err != nil {
		f.t.Fatalf("credit.New: %v", err)
	}
	return l
}

// key returns a fresh idempotency key.
func (f *fixture) key() string { return fmt.Sprintf("key-%d", f.keys.Add(1)) }

// must fails the test when err is not nil.
func (f *fixture) must(what string, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
}

func (f *fixture) openAccount(id string, kind credit.AccountKind, limit int64, allowExceed bool) credit.Account {
	f.t.Helper()
	a, err := f.l.OpenAccount(f.ctx, f.p, f.key(), credit.OpenAccountRequest{ID: id, Currency: usd, Kind: kind,
		Limit: cents(limit), AllowExceed: allowExceed})
	f.must("OpenAccount "+id, err)
	return a
}

func (f *fixture) invoice(account string, amount int64) string {
	f.t.Helper()
	r, err := f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: account, Amount: cents(amount)})
	f.must("IssueDebit", err)
	return r.Document.ID
}

func (f *fixture) payment(account string, amount int64) string {
	f.t.Helper()
	r, err := f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: account, Amount: cents(amount)})
	f.must("IssueCredit", err)
	return r.Document.ID
}
