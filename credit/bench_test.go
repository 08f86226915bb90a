package credit_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

var benchP = credit.Principal{ID: "bench", Namespace: "bench"}

// benchPair is one account's credit and invoice, and the key that applies
// one to the other.
type benchPair struct{ acct, credit, debit, key string }

// seedPairs commits n accounts straight to the store, each with a payment of
// USD 10.00 and an invoice of USD 10.00, so that applying one pair never
// touches the records of another.
func seedPairs(tb testing.TB, st *store.Memory, n int) []benchPair {
	tb.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	ten := money.MustParse("USD 10.00")
	pairs := make([]benchPair, n)
	const batch = 10000
	for lo := 0; lo < n; lo += batch {
		b := &credit.Batch{Namespace: benchP.Namespace}
		for i := lo; i < min(lo+batch, n); i++ {
			p := benchPair{acct: fmt.Sprintf("a%07d", i), credit: fmt.Sprintf("c%07d", i), debit: fmt.Sprintf("d%07d", i), key: fmt.Sprintf("k%07d", i)}
			pairs[i] = p
			b.Accounts = append(b.Accounts, credit.Account{ID: p.acct, Currency: usd, Kind: credit.Term, Limit: money.Zero(usd),
				Credit: ten, Debit: ten, Created: now, Updated: now, Version: 1})
			b.Documents = append(b.Documents,
				invoice.Document{ID: p.credit, Account: p.acct, Kind: invoice.Payment, Amount: ten, Open: ten, Issued: now, Status: invoice.Open, Version: 1},
				invoice.Document{ID: p.debit, Account: p.acct, Kind: invoice.Invoice, Amount: ten, Open: ten, Issued: now, Due: now, Status: invoice.Open, Version: 1})
		}
		if err := st.Commit(ctx, b); err != nil {
			tb.Fatal(err)
		}
	}
	return pairs
}

// runSplit calls op(i) for i in [0, n) from g goroutines and returns the
// elapsed time.
func runSplit(n, g int, op func(i int)) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				op(i)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkApply applies one credit to one invoice per operation, through
// the Ledger on the memory store, from 1, 2 and 8 goroutines. Each operation
// works on its own account, so none conflicts with another.
func BenchmarkApply(b *testing.B) {
	for _, g := range []int{1, 2, 8} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			st := store.NewMemory()
			pairs := seedPairs(b, st, b.N)
			l, err := credit.New(st, credit.AllowAll, credit.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			d := runSplit(b.N, g, func(i int) {
				p := pairs[i]
				if _, err := l.Apply(ctx, benchP, p.key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: p.credit, Debit: p.debit}}}); err != nil {
					b.Error(err)
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/d.Seconds(), "ops/s")
			// The last operation really applied.
			if a, _ := l.Balances(ctx, benchP, pairs[b.N-1].acct); !a.Credit.IsZero() {
				b.Errorf("credit left after apply: %s", a.Credit)
			}
		})
	}
}

// baseline is the least a store of applications must do per operation: the
// same records changed in maps under one mutex, with no ledger around it.
type baseline struct {
	mu      sync.Mutex
	accts   map[string]credit.Account
	docs    map[string]invoice.Document
	apps    map[string]credit.Application
	journal map[string][]credit.Entry
	idem    map[string]credit.Idempotency
}

var errBaselineReplay = errors.New("key recorded")

// apply moves what it can of credit c onto debit d: both open balances, the
// account's two balances, an application, a journal entry and the key.
func (s *baseline) apply(key, appID, c, d string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.idem[key]; ok {
		return errBaselineReplay
	}
	cd, dd := s.docs[c], s.docs[d]
	amt, err := cd.Open.Min(dd.Open)
	if err != nil {
		return err
	}
	if cd.Open, err = cd.Open.Sub(amt); err != nil {
		return err
	}
	if dd.Open, err = dd.Open.Sub(amt); err != nil {
		return err
	}
	cd.Version++
	dd.Version++
	s.docs[c], s.docs[d] = cd, dd
	a := s.accts[cd.Account]
	if a.Credit, err = a.Credit.Sub(amt); err != nil {
		return err
	}
	if a.Debit, err = a.Debit.Sub(amt); err != nil {
		return err
	}
	a.Seq++
	a.Version++
	s.accts[a.ID] = a
	s.apps[appID] = credit.Application{ID: appID, Credit: c, Debit: d, CreditAccount: a.ID, DebitAccount: a.ID,
		Amount: amt, Operation: appID, By: "bench", At: now}
	s.journal[a.ID] = append(s.journal[a.ID], credit.Entry{Account: a.ID, Seq: a.Seq, At: now, Kind: credit.CreditApplied,
		Amount: amt, After: a.Balances(), By: "bench", Operation: appID})
	s.idem[key] = credit.Idempotency{Key: key, Kind: credit.CreditApplied, At: now}
	return nil
}

// BenchmarkApplyBaseline is BenchmarkApply's work done bare, to measure
// what the Ledger adds.
func BenchmarkApplyBaseline(b *testing.B) {
	for _, g := range []int{1, 2, 8} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			st := store.NewMemory()
			pairs := seedPairs(b, st, b.N)
			s := &baseline{accts: map[string]credit.Account{}, docs: map[string]invoice.Document{},
				apps: map[string]credit.Application{}, journal: map[string][]credit.Entry{}, idem: map[string]credit.Idempotency{}}
			snap, err := st.Load(ctx, credit.Query{Namespace: benchP.Namespace, Accounts: accountsOf(pairs), OpenOf: accountsOf(pairs)})
			if err != nil {
				b.Fatal(err)
			}
			s.accts, s.docs = snap.Accounts, snap.Documents
			appIDs := make([]string, b.N)
			for i := range appIDs {
				appIDs[i] = fmt.Sprintf("app%07d", i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			d := runSplit(b.N, g, func(i int) {
				p := pairs[i]
				if err := s.apply(p.key, appIDs[i], p.credit, p.debit, time.Now()); err != nil {
					b.Error(err)
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/d.Seconds(), "ops/s")
		})
	}
}

// BenchmarkApplyStore is BenchmarkApply's reads and writes made straight
// on the memory store, with none of the Ledger's work: the read an Apply
// makes, then a Commit of the records it writes (the account's balances
// and sequence moved on, both documents settled, the application, the
// entry and the key), built by plain assignments from what was read, in
// memory reused from one operation to the next as the Ledger reuses its
// own. What it costs is the least an Apply on this store can cost; the
// distance from it to BenchmarkApply is the Ledger's own work, and from
// BenchmarkApplyBaseline what the store's checks and indexes (which keep
// its reads O(1) in history size) add.
func BenchmarkApplyStore(b *testing.B) {
	st := store.NewMemory()
	pairs := seedPairs(b, st, b.N)
	zero, result := money.Zero(usd), make([]byte, 100)
	var r credit.Records
	batch := &credit.Batch{Namespace: benchP.Namespace, Accounts: make([]credit.Account, 1), Documents: make([]invoice.Document, 2),
		Applications: make([]credit.Application, 1), Entries: make([]credit.Entry, 1), Idempotency: &credit.Idempotency{}}
	ids := make([]string, 3*b.N) // application, operation and hash of each operation, made before the clock starts
	for i := range b.N {
		ids[3*i], ids[3*i+1], ids[3*i+2] = fmt.Sprintf("app%07d", i), fmt.Sprintf("op%07d", i), fmt.Sprintf("%064x", i)
	}
	q := credit.Query{Namespace: benchP.Namespace, Documents: make([]string, 2), DocumentAccounts: true, ApplicationsOf: make([]string, 1)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p := pairs[i]
		q.Documents[0], q.Documents[1], q.ApplicationsOf[0], q.Idempotency = p.credit, p.debit, p.debit, p.key
		r.Accounts, r.Documents, r.Applications, r.Idempotency = r.Accounts[:0], r.Documents[:0], r.Applications[:0], nil
		if err := st.LoadRecords(ctx, q, &r); err != nil {
			b.Fatal(err)
		}
		if len(r.Documents) != 2 || len(r.Accounts) != 2 || r.Idempotency != nil {
			b.Fatalf("read %d documents, %d accounts, key %v", len(r.Documents), len(r.Accounts), r.Idempotency)
		}
		now := time.Now()
		c, d, a := r.Documents[0], r.Documents[1], r.Accounts[0]
		amt := c.Open
		c.Open, d.Open, c.Status, d.Status = zero, zero, invoice.Closed, invoice.Paid
		c.Version++
		d.Version++
		a.Credit, a.Debit = zero, zero
		a.Seq++
		a.Version++
		a.Updated = now
		app, op, hash := ids[3*i], ids[3*i+1], ids[3*i+2]
		batch.Accounts[0], batch.Documents[0], batch.Documents[1] = a, c, d
		batch.Applications[0] = credit.Application{ID: app, Credit: c.ID, Debit: d.ID, CreditAccount: a.ID, DebitAccount: a.ID,
			Amount: amt, Operation: op, By: benchP.ID, At: now}
		batch.Entries[0] = credit.Entry{Account: a.ID, Seq: a.Seq, At: now, Kind: credit.CreditApplied, Amount: amt,
			CreditChange: amt.Neg(), DebitChange: amt.Neg(), After: a.Balances(), By: benchP.ID, Operation: op, Prev: a.Head, Hash: hash}
		*batch.Idempotency = credit.Idempotency{Key: p.key, Kind: credit.CreditApplied, Fingerprint: hash, Result: result, At: now}
		if err := st.CommitCopy(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if a, _ := st.Load(ctx, credit.Query{Namespace: benchP.Namespace, Accounts: []string{pairs[b.N-1].acct}}); !a.Accounts[pairs[b.N-1].acct].Credit.IsZero() {
		b.Error("credit left after the last operation")
	}
}

func accountsOf(pairs []benchPair) []string {
	ids := make([]string, len(pairs))
	for i, p := range pairs {
		ids[i] = p.acct
	}
	return ids
}

// historyWorlds caches, per history length, a ledger whose account "big"
// has that many entries, built by committing batches straight to the store.
var historyWorlds sync.Map // int → *historyWorld

type historyWorld struct {
	once  sync.Once
	l     *credit.Ledger
	start time.Time // At of entry 1; entry i is at start + i−1 seconds
}

func historyLedger(b *testing.B, n int) (*credit.Ledger, time.Time) {
	v, _ := historyWorlds.LoadOrStore(n, &historyWorld{})
	w := v.(*historyWorld)
	w.once.Do(func() {
		st := store.NewMemory()
		w.start = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		zero, cent := money.Zero(usd), money.MustParse("USD 1.00")
		const batch = 20000
		for lo := 0; lo < n; lo += batch {
			bt := &credit.Batch{Namespace: benchP.Namespace}
			for i := lo; i < min(lo+batch, n); i++ {
				total, _ := money.FromMinor(usd, int64(i+1)*100)
				bt.Entries = append(bt.Entries, credit.Entry{Account: "big", Seq: int64(i + 1), At: w.start.Add(time.Duration(i) * time.Second),
					Kind: credit.PaymentReceived, Document: "pay", Amount: cent, CreditChange: cent, DebitChange: zero,
					After: credit.Balances{Credit: total, Debit: zero, Outstanding: total, Limit: zero, Available: total}, By: "bench"})
			}
			if hi := min(lo+batch, n); hi == n {
				total, _ := money.FromMinor(usd, int64(n)*100)
				bt.Accounts = []credit.Account{{ID: "big", Currency: usd, Kind: credit.Term, Limit: zero, Credit: total, Debit: zero,
					Seq: int64(n), Created: w.start, Updated: w.start.Add(time.Duration(n-1) * time.Second), Version: 1}}
			}
			if err := st.Commit(ctx, bt); err != nil {
				panic(err)
			}
		}
		l, err := credit.New(st, credit.AllowAll, credit.Options{})
		if err != nil {
			panic(err)
		}
		w.l = l
	})
	return w.l, w.start
}

var historySizes = []struct {
	name string
	n    int
}{{"entries=1k", 1000}, {"entries=1M", 1000000}}

// BenchmarkBalances reads the current balances of an account with a long
// history: they are kept up to date, so the length does not matter.
func BenchmarkBalances(b *testing.B) {
	for _, s := range historySizes {
		b.Run(s.name, func(b *testing.B) {
			l, _ := historyLedger(b, s.n)
			want, _ := money.FromMinor(usd, int64(s.n)*100)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				bal, err := l.Balances(ctx, benchP, "big")
				if err != nil || !bal.Credit.Equal(want) {
					b.Fatalf("balances %+v %v", bal, err)
				}
			}
		})
	}
}

// BenchmarkHistoryPage reads one page of 100 entries from the middle of the
// history.
func BenchmarkHistoryPage(b *testing.B) {
	for _, s := range historySizes {
		b.Run(s.name, func(b *testing.B) {
			l, _ := historyLedger(b, s.n)
			after := int64(s.n / 2)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				page, err := l.History(ctx, benchP, credit.HistoryRequest{Account: "big", AfterSeq: after, Limit: 100})
				if err != nil || len(page) != 100 || page[0].Seq != after+1 {
					b.Fatalf("page of %d from %d: %v", len(page), after, err)
				}
			}
		})
	}
}

// BenchmarkBalancesAt reads the balances as of a time in the middle of the
// history, which a search finds without a scan.
func BenchmarkBalancesAt(b *testing.B) {
	for _, s := range historySizes {
		b.Run(s.name, func(b *testing.B) {
			l, start := historyLedger(b, s.n)
			mid := s.n / 2
			at := start.Add(time.Duration(mid-1)*time.Second + time.Millisecond)
			want, _ := money.FromMinor(usd, int64(mid)*100)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				bal, err := l.BalancesAt(ctx, benchP, "big", at)
				if err != nil || !bal.Credit.Equal(want) {
					b.Fatalf("balances at %s: %+v %v", at, bal, err)
				}
			}
		})
	}
}
