package credit_test

// Idempotency, reads, construction and the rules every operation keeps.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store"
)

func TestNewRefusesANilStoreOrAuthorizer(t *testing.T) {
	if l, err := credit.New(nil, credit.AllowAll, credit.Options{}); l != nil || !errors.Is(err, credit.ErrInvalidRequest) {
		t.Errorf("nil store: %v, %v", l, err)
	}
	if l, err := credit.New(store.NewMemory(), nil, credit.Options{}); l != nil || !errors.Is(err, credit.ErrInvalidRequest) {
		t.Errorf("nil authorizer: %v, %v", l, err)
	}
	l, err := credit.New(store.NewMemory(), credit.AllowAll, credit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The defaults work: real clock, UUIDs, oldest first.
	a, err := l.OpenAccount(ctx, admin, "k", credit.OpenAccountRequest{Currency: usd})
	if err != nil || len(a.ID) != 36 || time.Since(a.Created) > time.Minute {
		t.Errorf("defaults: %+v %v", a, err)
	}
}

func TestReplayReturnsTheFirstResultAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	req := credit.CreditRequest{Account: "acct", Amount: m("USD 10.00"), Reference: "r1"} // id chosen by the ledger
	first, err := f.l.IssueCredit(ctx, admin, "pay-key", req)
	if err != nil {
		t.Fatal(err)
	}
	before := f.snapshot("acct")
	again, err := f.l.IssueCredit(ctx, admin, "pay-key", req)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(first, again); d != "" {
		t.Errorf("replay differs (-first +again):\n%s", d)
	}
	f.wantUnchanged("acct", before)

	// A replayed Apply does not apply again, even after it was undone.
	f.invoice("acct", "inv-1", "USD 10.00")
	ar := credit.ApplyRequest{Account: "acct"}
	applied, err := f.l.Apply(ctx, admin, "apply-key", ar)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Operation: applied.Operation}); err != nil {
		t.Fatal(err)
	}
	before = f.snapshot("acct")
	replayed, err := f.l.Apply(ctx, admin, "apply-key", ar)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(applied, replayed); d != "" {
		t.Errorf("replayed apply differs (-first +again):\n%s", d)
	}
	f.wantUnchanged("acct", before)
	f.wantDoc("inv-1", "USD 10.00", invoice.Open)
}

func TestSameKeyWithAnotherRequestIsAConflict(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	if _, err := f.l.IssueCredit(ctx, admin, "k", credit.CreditRequest{Account: "acct", Amount: m("USD 10.00")}); err != nil {
		t.Fatal(err)
	}
	before := f.snapshot("acct")
	_, err := f.l.IssueCredit(ctx, admin, "k", credit.CreditRequest{Account: "acct", Amount: m("USD 10.01")})
	wantErr(t, err, credit.ErrIdempotencyConflict)
	_, err = f.l.Reimburse(ctx, admin, "k", credit.ReimburseRequest{Account: "acct", Amount: m("USD 10.00")})
	wantErr(t, err, credit.ErrIdempotencyConflict)
	f.wantUnchanged("acct", before)
	// The same key from another principal is another request.
	other := credit.Principal{ID: "someone-else", Namespace: ns, Roles: []string{credit.RoleAdmin}}
	_, err = f.l.IssueCredit(ctx, other, "k", credit.CreditRequest{Account: "acct", Amount: m("USD 10.00")})
	wantErr(t, err, credit.ErrIdempotencyConflict)
	f.wantUnchanged("acct", before)
	// Apply's policy is part of the request.
	f.invoice("acct", "inv-1", "USD 5.00")
	before = f.snapshot("acct")
	if _, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "acct"}); err != nil {
		t.Fatal(err)
	}
	f.wantUnchanged("acct", before)
	_, err = f.l.Apply(ctx, admin, "a", credit.ApplyRequest{Account: "acct", Policy: allocate.SystemDiscretion()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.l.Apply(ctx, admin, "a", credit.ApplyRequest{Account: "acct"})
	wantErr(t, err, credit.ErrIdempotencyConflict)
	// A key is required.
	_, err = f.l.IssueCredit(ctx, admin, "", credit.CreditRequest{Account: "acct", Amount: m("USD 1.00")})
	wantErr(t, err, credit.ErrInvalidRequest)
}

func TestBalancesAtAPastTime(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "500.00")
	f.payment("acct", "pay-1", "USD 100.00")
	f.invoice("acct", "inv-1", "USD 250.00")
	h := f.history("acct")
	if len(h) != 3 {
		t.Fatalf("%d entries", len(h))
	}
	for _, c := range []struct {
		at   time.Time
		want bal
	}{
		{h[0].At, bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 500.00", "USD 500.00"}},
		{h[1].At.Add(-time.Microsecond), bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 500.00", "USD 500.00"}},
		{h[1].At.Add(time.Second), bal{"USD 100.00", "USD 0.00", "USD 100.00", "USD 500.00", "USD 600.00"}},
		{h[2].At, bal{"USD 100.00", "USD 250.00", "USD -150.00", "USD 500.00", "USD 350.00"}},
		{h[2].At.Add(24 * time.Hour), bal{"USD 100.00", "USD 250.00", "USD -150.00", "USD 500.00", "USD 350.00"}},
	} {
		b, err := f.l.BalancesAt(ctx, admin, "acct", c.at)
		if err != nil {
			t.Errorf("at %s: %v", c.at, err)
			continue
		}
		if got := balOf(b); got != c.want {
			t.Errorf("at %s:\n got  %+v\n want %+v", c.at, got, c.want)
		}
	}
	_, err := f.l.BalancesAt(ctx, admin, "acct", t0.Add(-time.Second))
	wantErr(t, err, credit.ErrNotFound)
	_, err = f.l.BalancesAt(ctx, admin, "nobody", t0)
	wantErr(t, err, credit.ErrNotFound)
}

func TestHistoryPagesInOrder(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	for i := range 6 {
		f.payment("acct", "", "USD 1.00")
		_ = i
	}
	var seqs [][]int64
	for _, after := range []int64{0, 3, 6, 7} {
		page, err := f.l.History(ctx, admin, credit.HistoryRequest{Account: "acct", AfterSeq: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var s []int64
		for _, e := range page {
			s = append(s, e.Seq)
		}
		seqs = append(seqs, s)
	}
	want := [][]int64{{1, 2, 3}, {4, 5, 6}, {7}, nil}
	if d := cmp.Diff(want, seqs); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
	all, err := f.l.History(ctx, admin, credit.HistoryRequest{Account: "acct"})
	if err != nil || len(all) != 7 || str(all[6].After.Outstanding) != "USD 6.00" {
		t.Errorf("default page: %d entries, %v", len(all), err)
	}
	for _, bad := range []credit.HistoryRequest{{Account: "acct", Limit: credit.MaxPage + 1}, {Account: "acct", Limit: -1}, {Account: "acct", AfterSeq: -1}, {}} {
		_, err := f.l.History(ctx, admin, bad)
		wantErr(t, err, credit.ErrInvalidRequest)
	}
	if page, err := f.l.History(ctx, admin, credit.HistoryRequest{Account: "nobody"}); !errors.Is(err, credit.ErrNotFound) {
		t.Errorf("unknown account: %v %v, want ErrNotFound", page, err)
	}
}

func TestApplicationsOfADocumentIncludeReversals(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay-1", "USD 100.00")
	f.invoice("acct", "inv-1", "USD 30.00")
	f.invoice("acct", "inv-2", "USD 20.00")
	a := f.apply(credit.ApplyRequest{Account: "acct"})
	u, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: a.Applications[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	apps, err := f.l.Applications(ctx, admin, "pay-1")
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "applications of pay-1", appLines(apps),
		"pay-1→inv-1 USD 30.00", "pay-1→inv-2 USD 20.00", "reverse pay-1→inv-1 USD 30.00")
	if apps[2].ID != u.Reversals[0].ID || apps[2].Reverses != apps[0].ID || apps[2].Operation != u.Operation {
		t.Errorf("reversal %+v", apps[2])
	}
	apps, _ = f.l.Applications(ctx, admin, "inv-2")
	wantStrings(t, "applications of inv-2", appLines(apps), "pay-1→inv-2 USD 20.00")
	_, err = f.l.Applications(ctx, admin, "nothing")
	wantErr(t, err, credit.ErrNotFound)
	// Reversing it again changes nothing and says so.
	_, err = f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: a.Applications[0].ID})
	wantErr(t, err, credit.ErrBadState)
	_, err = f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: "nothing"})
	wantErr(t, err, credit.ErrNotFound)
}

func TestNamespacesDoNotSeeEachOther(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay-1", "USD 10.00")
	other := credit.Principal{ID: "admin", Namespace: "other-tenant", Roles: []string{credit.RoleAdmin}}
	_, err := f.l.Balances(ctx, other, "acct")
	wantErr(t, err, credit.ErrNotFound)
	_, err = f.l.Document(ctx, other, "pay-1")
	wantErr(t, err, credit.ErrNotFound)
	_, err = f.l.Refund(ctx, other, "k", credit.RefundRequest{All: true, Credit: "pay-1"})
	wantErr(t, err, credit.ErrNotFound)
	f.wantDoc("pay-1", "USD 10.00", invoice.Open)
	_, err = f.l.Balances(ctx, credit.Principal{ID: "x"}, "acct")
	wantErr(t, err, credit.ErrInvalidRequest)
}

func TestCancelledContextWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	before := f.snapshot("acct")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := f.l.IssueCredit(cctx, admin, "k", credit.CreditRequest{Account: "acct", Amount: m("USD 1.00")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
	f.wantUnchanged("acct", before)
}

func TestApplyWithACombinatorPolicyPlansUnderItsRules(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay-1", "USD 30.00")
	f.invoice("acct", "inv-1", "USD 100.00")
	// Partial(OldestFirst()) pays part of a debit even though the request
	// does not ask for partial cover: the plan is valid under its rules.
	r, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "acct", Policy: allocate.Partial(allocate.OldestFirst())})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "plan", lines(r), "pay-1→inv-1 USD 30.00")
	if r.Applications[0].Policy != "partial(oldest_first)" {
		t.Errorf("policy %q", r.Applications[0].Policy)
	}
}

func TestACustomPolicyPlanIsValidatedBeforeWriting(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay-1", "USD 30.00")
	f.invoice("acct", "inv-1", "USD 100.00")
	before := f.snapshot("acct")
	greedy := namedFunc{"greedy", func(req allocate.Request) (allocate.Plan, error) {
		return allocate.Plan{Lines: []allocate.Line{{Credit: "pay-1", Debit: "inv-1", Amount: m("USD 100.00")}}}, nil
	}}
	_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "acct", Policy: greedy, Partial: true})
	wantErr(t, err, credit.ErrInvalidPlan) // a policy that overspends is at fault, not the caller
	f.wantUnchanged("acct", before)
}

// namedFunc is a policy from a function, with the name a keyed Apply needs.
type namedFunc struct {
	name string
	fn   func(allocate.Request) (allocate.Plan, error)
}

func (p namedFunc) Name() string                                     { return p.name }
func (p namedFunc) Plan(req allocate.Request) (allocate.Plan, error) { return p.fn(req) }

func TestAKeyedApplyRefusesAPolicyWithoutAName(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay-1", "USD 30.00")
	f.invoice("acct", "inv-1", "USD 10.00")
	anon := allocate.PolicyFunc(allocate.OldestFirst().Plan)
	before := f.snapshot("acct")
	for _, pol := range []allocate.Policy{anon, allocate.Partial(anon)} {
		_, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "acct", Policy: pol})
		wantErr(t, err, credit.ErrInvalidRequest)
	}
	f.wantUnchanged("acct", before)
	// Preview takes no key: any policy will do.
	if _, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "acct", Policy: anon}); err != nil {
		t.Errorf("preview with an unnamed policy: %v", err)
	}
}
