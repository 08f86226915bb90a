package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// In these scenarios every goroutine has a Ledger of its own, as separate
// processes would: the operations of one Ledger on one account take turns
// in memory, which would keep a store's own concurrency control from being
// tested.
func concurrencyScenarios() []scenario {
	return []scenario{
		{"Concurrent/DoubleSpend", "Ledgers racing to spend one credit spend it once: the store's version checks hold under load", concurrentDoubleSpend},
		{"Concurrent/PolicyApplies", "Ledgers racing to use an account's credit by policy never spend a credit twice", concurrentPolicyApplies},
		{"Concurrent/SameKey", "Ledgers racing with one idempotency key write once and return one result", concurrentSameKey},
		{"Concurrent/RandomOperations", "Ledgers racing with random operations keep every invariant and conserve money", concurrentRandom},
	}
}

// newRace returns a fixture whose context the scenario cancels, with
// stop, at the first unexpected error of any goroutine: the others then
// stop at once instead of retrying against a broken store, and the
// scenario reports what went wrong without reading the state again.
func newRace(t tb, e *env) (*fixture, func()) {
	ctx, cancel := context.WithCancel(e.ctx)
	race := *e
	race.ctx = ctx
	return newFixture(t, &race), cancel
}

// concurrentDoubleSpend: 32 goroutines apply one credit of 100.00, each to
// its own invoices of 10.00 among 50, at once. Exactly 10 invoices are paid
// and nothing is spent twice.
func concurrentDoubleSpend(t tb, e *env) {
	f, stop := newRace(t, e)
	defer stop()
	f.openAccount("a", credit.Term, 0, false)
	pay := f.payment("a", 10000)
	var invs []string
	for range 50 {
		invs = append(invs, f.invoice("a", 1000))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	paid := 0
	for g := range 32 {
		wg.Add(1)
		l := f.ledger(credit.AllowAll, concurrentAttempts)
		go func() {
			defer wg.Done()
			// Each goroutine tries its invoices in an order of its own, one
			// pair per request, until the credit is spent.
			order := rand.New(rand.NewPCG(uint64(g), 1)).Perm(len(invs))
			for _, i := range order[:10] {
				r, err := l.Apply(f.ctx, f.p, fmt.Sprintf("ds-%d-%d", g, i), credit.ApplyRequest{
					Pairs: []credit.Pair{{Credit: pay, Debit: invs[i], Amount: cents(1000)}}})
				mu.Lock()
				switch {
				case err == nil:
					// An invoice another goroutine paid with this credit is
					// reported unchanged, with nothing written.
					paid += len(r.Applications)
				case errors.Is(err, credit.ErrInsufficientCredit), errors.Is(err, credit.ErrInvalidPlan):
					// The credit is spent, or another goroutine paid this invoice.
				default:
					errs = append(errs, err)
					stop()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent apply: %v", err)
	}
	if len(errs) > 0 {
		return
	}
	if paid != 10 {
		t.Errorf("%d applications of 10.00 succeeded from a credit of 100.00, want 10", paid)
	}
	st := f.check([]string{"a"})
	paidDocs := 0
	for _, id := range invs {
		d := st.Documents[id]
		if d.Status == invoice.Paid {
			paidDocs++
		}
		if minor(d.Open) != 0 && minor(d.Open) != 1000 {
			t.Errorf("invoice %s is paid in part: open %s", id, d.Open)
		}
	}
	if paidDocs != 10 {
		t.Errorf("%d invoices paid, want 10", paidDocs)
	}
	if d := st.Documents[pay]; minor(d.Open) != 0 || d.Status != invoice.Closed {
		t.Errorf("the credit ends %s with %s open, want closed and 0", d.Status, d.Open)
	}
	if a := st.Accounts["a"]; minor(a.Debit) != 40000 || minor(a.Credit) != 0 {
		t.Errorf("account ends with credit %s debit %s, want 0 and 400.00", a.Credit, a.Debit)
	}
	if n := len(st.Applications[pay]); n != 10 {
		t.Errorf("the credit has %d applications, want 10", n)
	}
}

// concurrentPolicyApplies: 12 goroutines ask at once to use the account's
// credit (two credits, 75.00 in all) on an invoice of 20.00 each, through
// the policy, which reads the open documents (OpenOf) and writes the
// versions it read. The credits are spent exactly once, whoever wins.
func concurrentPolicyApplies(t tb, e *env) {
	f, stop := newRace(t, e)
	defer stop()
	f.openAccount("c", credit.Term, 0, false)
	credits := []string{f.payment("c", 5000), f.payment("c", 2500)}
	const n = 12
	var invs []string
	for range n {
		invs = append(invs, f.invoice("c", 2000))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	gaveUp := 0
	for i := range n {
		wg.Add(1)
		l := f.ledger(credit.AllowAll, concurrentAttempts)
		go func() {
			defer wg.Done()
			_, err := l.Apply(f.ctx, f.p, fmt.Sprintf("policy-%d", i), credit.ApplyRequest{Account: "c", Debits: []string{invs[i]}, Partial: true})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil, errors.Is(err, credit.ErrInsufficientCredit), errors.Is(err, credit.ErrInvalidPlan):
			case errors.Is(err, credit.ErrConflict):
				gaveUp++
			default:
				errs = append(errs, err)
				stop()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent apply by policy: %v", err)
	}
	if len(errs) > 0 {
		return
	}
	st := f.check([]string{"c"})
	if a := st.Accounts["c"]; minor(a.Credit)-minor(a.Debit) != 7500-n*2000 {
		t.Errorf("outstanding %d cents after applying, want %d: applying never changes it", minor(a.Credit)-minor(a.Debit), 7500-n*2000)
	}
	if gaveUp == 0 {
		for _, id := range credits {
			if d := st.Documents[id]; minor(d.Open) != 0 {
				t.Errorf("credit %s has %s open after %d invoices of 20.00 asked for it", id, d.Open, n)
			}
		}
	}
}

// concurrentSameKey: 64 calls with one idempotency key write once and all
// return the same result.
func concurrentSameKey(t tb, e *env) {
	f, stop := newRace(t, e)
	defer stop()
	f.openAccount("a", credit.Term, 0, false)
	inv := f.invoice("a", 5000)
	pay := f.payment("a", 3000)
	hist := len(f.read([]string{"a"}).History["a"])
	const n = 64
	results := make([]credit.ApplyResult, n)
	debits := make([]credit.DebitResult, n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		l := f.ledger(credit.AllowAll, concurrentAttempts)
		go func() {
			defer wg.Done()
			results[i], errs[i] = l.Apply(f.ctx, f.p, "same-apply", credit.ApplyRequest{
				Pairs: []credit.Pair{{Credit: pay, Debit: inv, Amount: cents(1000)}}, Partial: true})
		}()
		go func() {
			defer wg.Done()
			debits[i], errs[n+i] = l.IssueDebit(f.ctx, f.p, "same-debit", credit.DebitRequest{Account: "a", Amount: cents(700)})
		}()
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err != nil {
			if failed++; failed <= 3 {
				t.Errorf("call %d with a shared key: %v", i, err)
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d calls with a shared key failed", failed, len(errs))
	}
	for i := 1; i < n; i++ {
		if diff := cmp.Diff(results[0], results[i]); diff != "" {
			t.Errorf("apply %d returned another result (-first +this):\n%s", i, diff)
			break
		}
	}
	for i := 1; i < n; i++ {
		if diff := cmp.Diff(debits[0], debits[i]); diff != "" {
			t.Errorf("debit %d returned another result (-first +this):\n%s", i, diff)
			break
		}
	}
	st := f.check([]string{"a"})
	if got := len(st.History["a"]); got != hist+2 {
		t.Errorf("history grew by %d entries, want 2 (one apply, one debit)", got-hist)
	}
	if d := st.Documents[pay]; minor(d.Open) != 2000 {
		t.Errorf("the credit has %s open after one apply of 10.00, want 20.00", d.Open)
	}
	if a := st.Accounts["a"]; minor(a.Debit) != 4700 {
		t.Errorf("open debit %s, want 47.00 (one debit of 7.00 issued)", a.Debit)
	}
}

// concurrentRandom: goroutines run random operations on a few accounts at
// once; afterwards every invariant holds, and the money that entered and
// left by the successful operations is what the balances show.
func concurrentRandom(t tb, e *env) {
	f, stop := newRace(t, e)
	defer stop()
	accts := []string{"a", "b", "c"}
	f.openAccount("a", credit.Term, 1000000, false)
	f.openAccount("b", credit.Prepaid, 0, false)
	f.openAccount("c", credit.Term, 50000, false)
	const workers, steps = 8, 25
	r := &randomRun{f: f, accts: accts, stop: stop}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		l := f.ledger(credit.AllowAll, concurrentAttempts)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range steps {
				acct := accts[rng.IntN(len(accts))]
				amt := int64(100 * (1 + rng.IntN(50)))
				r.judge(w, i, r.step(l, rng, fmt.Sprintf("w%d-%d", w, i), acct, amt))
			}
		}()
	}
	wg.Wait()
	for _, s := range r.failures {
		t.Errorf("%s", s)
	}
	if len(r.failures) > 0 {
		return
	}
	st := f.check(accts)
	var total int64
	for _, a := range st.Accounts {
		total += minor(a.Credit) - minor(a.Debit)
	}
	if total != r.net {
		t.Errorf("money not conserved: the accounts' outstanding balances add up to %d cents, the operations to %d", total, r.net)
	}
}

// randomRun is what the goroutines of concurrentRandom share: the documents
// made so far, the money the successful operations moved, and what failed.
type randomRun struct {
	f     *fixture
	accts []string
	stop  func()

	mu          sync.Mutex
	net         int64 // Σ outstanding, from what the successful operations report
	docs        []invoice.Document
	chargeBacks []string // the records of the charge backs made
	conflicts   int
	failures    []string
}

// A sound store lets an operation lose its retries only rarely; one that
// keeps answering ErrConflict is stopped after this many.
const maxRandomConflicts = 16

// pick returns one of the documents made so far.
func (r *randomRun) pick(rng *rand.Rand) (invoice.Document, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.docs) == 0 {
		return invoice.Document{}, false
	}
	return r.docs[rng.IntN(len(r.docs))], true
}

// add counts a document made and the outstanding balance it moved.
func (r *randomRun) add(d invoice.Document, delta int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs = append(r.docs, d)
	r.net += delta
}

// move counts the outstanding balance an operation moved.
func (r *randomRun) move(delta int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.net += delta
}

// step runs one random operation through l and counts what it moved.
func (r *randomRun) step(l *credit.Ledger, rng *rand.Rand, key, acct string, amt int64) error {
	f := r.f
	switch rng.IntN(12) {
	case 0:
		res, err := l.IssueDebit(f.ctx, f.p, key, credit.DebitRequest{Account: acct, Amount: cents(amt)})
		if err == nil {
			r.add(res.Document, -amt)
		}
		return err
	case 1:
		res, err := l.IssueCredit(f.ctx, f.p, key, credit.CreditRequest{Account: acct, Amount: cents(amt)})
		if err == nil {
			r.add(res.Document, amt)
		}
		return err
	case 2:
		res, err := l.Purchase(f.ctx, f.p, key, credit.PurchaseRequest{Account: acct, Amount: cents(amt)})
		if err == nil {
			r.add(res.Document, -amt)
		} else if errors.Is(err, credit.ErrCreditLimitExceeded) {
			err = nil
		}
		return err
	case 3:
		_, err := l.Apply(f.ctx, f.p, key, credit.ApplyRequest{Account: acct, Partial: true})
		return err
	case 4:
		if d, ok := r.pick(rng); ok && d.IsCredit() {
			_, err := l.Refund(f.ctx, f.p, key, credit.RefundRequest{Credit: d.ID, Amount: cents(100)})
			if err == nil {
				r.move(-100)
			}
			return err
		}
	case 5:
		if d, ok := r.pick(rng); ok && d.IsDebit() {
			res, err := l.Void(f.ctx, f.p, key, credit.VoidRequest{Debit: d.ID, Reason: "random"})
			if err == nil {
				// What was written off leaves with the debit: it returns to
				// no credit.
				r.move(minor(res.Removed) - writtenOff(res.Reversals) + writtenOff(res.Applications))
			}
			return err
		}
	case 6:
		if d, ok := r.pick(rng); ok && d.IsCredit() {
			to := r.accts[rng.IntN(len(r.accts))]
			_, err := l.Transfer(f.ctx, f.p, key, credit.TransferRequest{Credit: d.ID, To: to, Amount: cents(100)})
			return err
		}
	case 7:
		if d, ok := r.pick(rng); ok && d.Kind == invoice.Payment {
			res, err := l.ReversePayment(f.ctx, f.p, key, credit.ReverseRequest{Payment: d.ID})
			if err == nil {
				r.move(-minor(res.Removed))
			}
			return err
		}
	case 8:
		if d, ok := r.pick(rng); ok && d.Kind == invoice.Payment {
			res, err := l.ChargeBack(f.ctx, f.p, key, credit.ChargeBackRequest{Payment: d.ID, Amount: cents(amt)})
			if err == nil {
				r.mu.Lock()
				r.net -= amt
				r.chargeBacks = append(r.chargeBacks, res.ChargeBack.ID)
				r.mu.Unlock()
			}
			return err
		}
	case 9:
		r.mu.Lock()
		cb := ""
		if len(r.chargeBacks) > 0 {
			cb = r.chargeBacks[rng.IntN(len(r.chargeBacks))]
		}
		r.mu.Unlock()
		if cb != "" {
			res, err := l.UndoChargeBack(f.ctx, f.p, key, credit.UndoChargeBackRequest{ChargeBack: cb, Reapply: rng.IntN(2) == 0})
			if err == nil {
				r.move(minor(res.ChargeBack.Amount))
			}
			return err
		}
	case 10:
		if d, ok := r.pick(rng); ok && d.IsCredit() {
			_, err := l.Refund(f.ctx, f.p, key, credit.RefundRequest{Credit: d.ID, Amount: cents(amt), TakeBack: true})
			if err == nil {
				r.move(-amt)
			}
			return err
		}
	case 11:
		if d, ok := r.pick(rng); ok && d.IsDebit() {
			_, err := l.WriteOff(f.ctx, f.p, key, credit.WriteOffRequest{Debit: d.ID, Amount: cents(100), Reason: "random"})
			if err == nil {
				r.move(100)
			}
			return err
		}
	}
	return nil
}

// judge records what step i of worker w ended with. Refusals that depend on the order of the goroutines
// are fine, and so is, now and then, a conflict that outlived the retries
// (the operation wrote nothing, and the money it would have moved is not
// counted); many of them are not.
func (r *randomRun) judge(w, i int, err error) {
	if errors.Is(err, credit.ErrConflict) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.conflicts++; r.conflicts > maxRandomConflicts {
			r.failures = append(r.failures, fmt.Sprintf("worker %d step %d: more than %d operations gave up on ErrConflict: %v", w, i, maxRandomConflicts, err))
			r.stop()
		}
		return
	}
	if err != nil && !errors.Is(err, credit.ErrInsufficientCredit) && !errors.Is(err, credit.ErrBadState) &&
		!errors.Is(err, credit.ErrInvalidRequest) && !errors.Is(err, credit.ErrWrongKind) && !errors.Is(err, credit.ErrOverpaid) && !errors.Is(err, credit.ErrNotCovered) && !errors.Is(err, credit.ErrInvalidPlan) {
		r.mu.Lock()
		r.failures = append(r.failures, fmt.Sprintf("worker %d step %d: %v", w, i, err))
		r.mu.Unlock()
		r.stop()
	}
}

// writtenOff is what the write-offs among apps amount to, in cents.
func writtenOff(apps []credit.Application) int64 {
	var n int64
	for _, a := range apps {
		if a.Policy == credit.WriteOffPolicy {
			n += minor(a.Amount)
		}
	}
	return n
}
