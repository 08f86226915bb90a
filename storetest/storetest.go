package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// Options declares what a store supports and how hard the kit works.
// The zero Options is what Run uses.
type Options struct {
	// AccountLister declares that the store implements
	// credit.AccountLister. A store that implements it is checked whether
	// or not it is declared; a store that declares it and does not
	// implement it fails the AccountLister clause.
	AccountLister bool
	// Records is how many records the clauses that page write: entries of
	// one history, documents of one account, accounts of one namespace
	// (default 40).
	Records int
	// Checks and Steps size the state machine: how many runs, and how
	// many steps a run takes on average. Zero takes rapid's -rapid.checks
	// and -rapid.steps (100 and 30 unless set). Flags given on the command
	// line win over these.
	Checks, Steps int
	// ShrinkTime bounds how long rapid shrinks a failing run of the state
	// machine (default 5 s; -rapid.shrinktime on the command line wins).
	ShrinkTime time.Duration
	// FailFiles lets rapid write its failure files under testdata/rapid of
	// the package under test, as rapid does by default. Without it the kit
	// writes none, and a failure prints the -rapid.seed that replays it;
	// -rapid.nofailfile or RAPID_NOFAILFILE set by the author also wins.
	FailFiles bool
	// FuzzSeeds is how many of FuzzSeeds' inputs Ledger/FuzzSeeds runs
	// (default all of them, 47); each is a few dozen operations.
	FuzzSeeds int
}

func (o Options) records() int {
	if o.Records <= 0 {
		return 40
	}
	return max(o.Records, 12)
}

// tb is what the kit's checks need of a test: *testing.T, *rapid.T and the
// recorder that Check uses all have it.
type tb = rapid.TB

// env is what a scenario runs with: the store under test, the context of
// the run, and the options.
type env struct {
	s    credit.Store
	ctx  context.Context
	opts Options
}

// scenario is one named check of the kit, run on a fresh store. promise is
// the clause of the contract it checks, said once when it fails.
type scenario struct {
	name    string
	promise string
	run     func(t tb, e *env)
}

// scenarios lists every check of the kit, in the order Run runs them: the
// clauses of the Store contract first, each fast, then the Ledger over the
// store, concurrency, and the state machine.
func scenarios() []scenario {
	var all []scenario
	all = append(all, contractScenarios()...)
	all = append(all, ledgerScenarios()...)
	all = append(all, concurrencyScenarios()...)
	all = append(all, scenario{"StateMachine", "random operations keep every invariant of the Ledger", runMachine})
	all = append(all, scenario{"ForeignDocuments", "foreign documents keep both currencies and their realized differences in step", runFXMachine})
	return all
}

// Run runs the whole kit against the stores newStore makes, one fresh
// store per subtest, each subtest named for the clause it checks. It fails
// t for every clause, operation or invariant the store breaks. See the
// package documentation.
func Run(t *testing.T, newStore func(t *testing.T) credit.Store) {
	t.Helper()
	RunWith(t, newStore, Options{})
}

// RunWith is Run with options: what the store declares it supports, and
// the scale of the run.
func RunWith(t *testing.T, newStore func(t *testing.T) credit.Store, opts Options) {
	t.Helper()
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("the store breaks the clause %s: %s", sc.name, sc.promise)
				}
			})
			sc.run(t, &env{s: s, ctx: t.Context(), opts: opts})
		})
	}
}

// Check runs the kit against the stores newStore makes, one fresh store per
// clause, and returns nil, or a *CheckError that lists every clause the
// store broke with what the kit saw. Unlike Run it needs no *testing.T, as
// testing/fstest.TestFS does not: a program can check a store it is
// given. The state machine needs the testing package's flags, so it runs
// only inside a test binary and is left out elsewhere. ctx bounds the
// whole run.
func Check(ctx context.Context, newStore func() (credit.Store, error), opts Options) error {
	all := scenarios()
	if !testing.Testing() {
		all = all[:len(all)-1]
	}
	return check(ctx, newStore, opts, all)
}

// check runs the scenarios with a recorder each and gathers the failures.
func check(ctx context.Context, newStore func() (credit.Store, error), opts Options, list []scenario) error {
	var ce CheckError
	for _, sc := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := newStore()
		if err != nil {
			return fmt.Errorf("storetest: newStore: %w", err)
		}
		if s == nil {
			return errors.New("storetest: newStore returned nil")
		}
		r := record(sc.name, func(t tb) { sc.run(t, &env{s: s, ctx: ctx, opts: opts}) })
		if r.Failed() {
			ce.Failures = append(ce.Failures, Failure{Clause: sc.name, Promise: sc.promise, Log: r.logs})
		}
	}
	if len(ce.Failures) == 0 {
		return nil
	}
	return &ce
}

// CheckError is what Check returns for a store that breaks the contract:
// every clause it broke, in the kit's order.
type CheckError struct {
	Failures []Failure
}

// Failure is one clause a store broke: its name (as Run names its
// subtest), the promise it makes, and what the kit logged while checking it.
type Failure struct {
	Clause  string
	Promise string
	Log     []string
}

// Error names every broken clause and the first thing the kit saw break.
func (e *CheckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "storetest: the store breaks %d clause(s):", len(e.Failures))
	for _, f := range e.Failures {
		fmt.Fprintf(&b, "\n%s (%s): %s", f.Clause, f.Promise, firstLine(f.Log))
	}
	return b.String()
}

// Clauses returns the names of the broken clauses.
func (e *CheckError) Clauses() []string {
	var out []string
	for _, f := range e.Failures {
		out = append(out, f.Clause)
	}
	return out
}

// firstLine returns the first line of the first message that is not
// rapid's record of a draw.
func firstLine(logs []string) string {
	for _, l := range logs {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "[rapid] draw") {
			l, _, _ = strings.Cut(strings.TrimSpace(l), "\n")
			return l
		}
	}
	return ""
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

// clock is a fake clock that moves on by 1.000137 seconds every time it is
// read, so that every operation has its own time, histories are in order,
// and times carry microseconds. advance moves it on further.
type clock struct{ n, skip atomic.Int64 }

func (c *clock) now() time.Time { return c.at(c.n.Add(1)) }

// last is the time now returned last, without moving the clock.
func (c *clock) last() time.Time { return c.at(c.n.Load()) }

// advance moves the clock on by d.
func (c *clock) advance(d time.Duration) { c.skip.Add(int64(d)) }

func (c *clock) at(n int64) time.Time {
	return epoch.Add(time.Duration(n)*(time.Second+137*time.Microsecond) + time.Duration(c.skip.Load()))
}

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

// Attempts of the kit's Ledgers. One Ledger never conflicts with itself on
// a sound store (its operations on an account take turns), so a few
// attempts are plenty, and a store that answers ErrConflict wrongly fails
// at once instead of after minutes of backing off. Ledgers racing each
// other in the concurrency scenarios lose at most once per commit another
// wins, so they get more.
const (
	soloAttempts       = 3
	concurrentAttempts = 32
)

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
	keys  *atomic.Int64
	// opened lists the accounts opened through openAccount and openIn,
	// for checkAll.
	opened []string
}

func newFixture(t tb, e *env) *fixture {
	t.Helper()
	f := &fixture{t: t, s: e.s, ctx: e.ctx, ns: "ns-" + randomHex(6), clock: &clock{}, ids: newIDGen(), keys: new(atomic.Int64)}
	f.p = credit.Principal{ID: "storetest", Namespace: f.ns, Roles: []string{credit.RoleAdmin}}
	f.l = f.ledger(credit.AllowAll, soloAttempts)
	return f
}

// ledger returns another Ledger over the fixture's store, clock and ids.
func (f *fixture) ledger(auth credit.Authorizer, attempts int) *credit.Ledger {
	l, err := credit.New(f.s, auth, credit.Options{Clock: f.clock.now, NewID: f.ids.next, MaxAttempts: attempts})
	if err != nil {
		f.t.Fatalf("credit.New: %v", err)
	}
	return l
}

// over returns a fixture in the same namespace, with the same clock, ids
// and keys, whose Ledger works over s (a wrapper of the store under test).
func (f *fixture) over(s credit.Store) *fixture {
	g := &fixture{t: f.t, s: s, ctx: f.ctx, ns: f.ns, p: f.p, clock: f.clock, ids: f.ids, keys: f.keys}
	g.l = g.ledger(credit.AllowAll, soloAttempts)
	return g
}

// elsewhere returns a fixture in a namespace of its own that shares f's
// store, Ledger, clock, ids and keys.
func (f *fixture) elsewhere() *fixture {
	g := &fixture{t: f.t, s: f.s, l: f.l, ctx: f.ctx, ns: "ns-" + randomHex(6), clock: f.clock, ids: f.ids, keys: f.keys}
	g.p = credit.Principal{ID: "storetest", Namespace: g.ns, Roles: []string{credit.RoleAdmin}}
	return g
}

// checkAll checks every invariant on the accounts the fixture opened, and
// verifies their histories (and the namespace's, with an AccountLister).
func (f *fixture) checkAll() {
	f.t.Helper()
	f.check(f.opened)
	f.verify()
}

// verify verifies the histories of the accounts the fixture opened (and
// the namespace's, with an AccountLister): the hash chain and the
// balances, replayed in exact money.
func (f *fixture) verify() {
	f.t.Helper()
	for _, id := range f.opened {
		if err := f.l.Verify(f.ctx, f.p, id); err != nil {
			f.t.Errorf("Verify(%s): %v", id, err)
		}
	}
	if _, ok := f.s.(credit.AccountLister); ok {
		if err := f.l.VerifyNamespace(f.ctx, f.p); err != nil {
			f.t.Errorf("VerifyNamespace: %v", err)
		}
	}
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
	f.opened = append(f.opened, id)
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
