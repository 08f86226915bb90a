package credit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// tamperStore is a Store whose History shows one account's entries as a
// tamper function rewrites them, as if someone had edited the stored rows.
// Everything else, AccountIDs included, is the wrapped store's.
type tamperStore struct {
	credit.Store
	account string
	tamper  func([]credit.Entry) []credit.Entry
}

func (s *tamperStore) History(ctx context.Context, ns, account string, afterSeq int64, limit int) ([]credit.Entry, error) {
	if account != s.account || s.tamper == nil {
		return s.Store.History(ctx, ns, account, afterSeq, limit)
	}
	var all []credit.Entry
	var after int64
	for {
		page, err := s.Store.History(ctx, ns, account, after, credit.MaxPage)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < credit.MaxPage {
			break
		}
		after = page[len(page)-1].Seq
	}
	all = s.tamper(all)
	// Page by position after the entry with Seq afterSeq, as a store reading
	// rows in their stored order would.
	start := 0
	if afterSeq > 0 {
		start = len(all)
		for i, e := range all {
			if e.Seq == afterSeq {
				start = i + 1
				break
			}
		}
	}
	page := all[start:]
	if limit > 0 && len(page) > limit {
		page = page[:limit]
	}
	return page, nil
}

func (s *tamperStore) AccountIDs(ctx context.Context, ns, after string, limit int) ([]string, error) {
	return s.Store.(credit.AccountLister).AccountIDs(ctx, ns, after, limit)
}

// verifyHistory builds two accounts with histories of every kind of entry
// (allocated, invoiced, payment, applied, unapplied, adjusted, refunded,
// transferred, converted) on the rig's store; "a" ends with 11 entries.
func verifyHistory(tb testing.TB, r *rig) {
	tb.Helper()
	p := r.admin(hNS)
	res(r.l.OpenAccount(hBG, p, r.key(), credit.OpenAccountRequest{ID: "a", Currency: hUSD, Limit: hm("USD 500")})).must(tb)
	res(r.l.OpenAccount(hBG, p, r.key(), credit.OpenAccountRequest{ID: "b", Currency: hUSD})).must(tb)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "a", ID: "i1", Amount: hm("USD 100")})).must(tb)
	res(r.l.IssueCredit(hBG, p, r.key(), credit.CreditRequest{Account: "a", ID: "p1", Amount: hm("USD 70")})).must(tb)
	ar := res(r.l.Apply(hBG, p, r.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p1", Debit: "i1", Amount: hm("USD 60")}}, Partial: true})).must(tb)
	res(r.l.Unapply(hBG, p, r.key(), credit.UnapplyRequest{Operation: ar.Operation})).must(tb)
	res(r.l.Purchase(hBG, p, r.key(), credit.PurchaseRequest{Account: "a", ID: "i2", Amount: hm("EUR 10"), Rate: money.MustParseRate("EUR/USD 1.0837")})).must(tb)
	res(r.l.Adjust(hBG, p, r.key(), credit.AdjustRequest{Debit: "i1", Amount: hm("USD 90")})).must(tb)
	res(r.l.Refund(hBG, p, r.key(), credit.RefundRequest{Credit: "p1", Amount: hm("USD 5")})).must(tb)
	res(r.l.Transfer(hBG, p, r.key(), credit.TransferRequest{Credit: "p1", To: "b", Amount: hm("USD 15")})).must(tb)
	res(r.l.Reimburse(hBG, p, r.key(), credit.ReimburseRequest{Account: "a", Amount: hm("USD -3")})).must(tb)
	eur := hEUR
	res(r.l.UpdateAccount(hBG, p, r.key(), credit.UpdateAccountRequest{Account: "a", Currency: &eur, Rate: money.MustParseRate("USD/EUR 0.9231")})).must(tb)
	res(r.l.IssueDebit(hBG, p, r.key(), credit.DebitRequest{Account: "b", ID: "bi", Amount: hm("USD 4")})).must(tb)
}

// TestVerify: a clean history verifies; each way of tampering with the
// stored entries of one account is reported as a *credit.VerifyError naming
// that account and the entry where the history stops matching. The
// tampering is a wrapper's, so this is the Ledger's own check and runs on
// the memory store; storetest's Ledger/Verify proves that every store keeps
// a hash chain and balances that verify.
func TestVerify(t *testing.T) { runVerify(t, memoryStore) }

func runVerify(t *testing.T, newStore func(*testing.T) credit.Store) {
	base := newStore(t)
	build := newRig(t, base)
	verifyHistory(t, build)
	p := build.admin(hNS)
	hist := res(base.History(hBG, hNS, "a", 0, 0)).must(t)
	if len(hist) != 11 {
		t.Fatalf("account a has %d entries, want 11", len(hist))
	}
	last := hist[len(hist)-1].Seq

	t.Run("clean", func(t *testing.T) {
		for _, a := range []string{"a", "b"} {
			if err := build.l.Verify(hBG, p, a); err != nil {
				t.Errorf("Verify(%s): %v", a, err)
			}
		}
		if err := build.l.VerifyNamespace(hBG, p); err != nil {
			t.Errorf("VerifyNamespace: %v", err)
		}
		for i, e := range hist {
			if credit.EntryHash(e) != e.Hash {
				t.Errorf("entry %d: EntryHash differs from the stored hash", e.Seq)
			}
			if i > 0 && e.Prev != hist[i-1].Hash {
				t.Errorf("entry %d does not link to entry %d", e.Seq, hist[i-1].Seq)
			}
		}
		if hist[0].Prev != "" {
			t.Errorf("first entry links to %q", hist[0].Prev)
		}
	})

	// edit changes entry seq (1-based) of a copy of the history.
	edit := func(seq int64, f func(*credit.Entry)) func([]credit.Entry) []credit.Entry {
		return func(h []credit.Entry) []credit.Entry {
			for i := range h {
				if h[i].Seq == seq {
					f(&h[i])
				}
			}
			return h
		}
	}
	// rehash recomputes every hash and link from entry from on, as someone
	// who knows the hash function would to cover an edit.
	rehash := func(from int64, f func([]credit.Entry) []credit.Entry) func([]credit.Entry) []credit.Entry {
		return func(h []credit.Entry) []credit.Entry {
			h = f(h)
			for i := range h {
				if h[i].Seq < from {
					continue
				}
				if i > 0 {
					h[i].Prev = h[i-1].Hash
				}
				h[i].Hash = credit.EntryHash(h[i])
			}
			return h
		}
	}
	plus := func(m money.Money, s string) money.Money {
		d := res(money.New(m.Currency(), s)).must(t)
		return res(m.Add(d)).must(t)
	}
	cases := []struct {
		name    string
		account string
		tamper  func([]credit.Entry) []credit.Entry
		seq     int64
	}{
		{"amount changed", "a", edit(3, func(e *credit.Entry) { e.Amount = plus(e.Amount, "0.01") }), 3},
		{"amount changed on the first entry", "a", edit(1, func(e *credit.Entry) { e.Amount = plus(e.Amount, "1") }), 1},
		{"amount changed on the last entry", "a", edit(last, func(e *credit.Entry) { e.Amount = plus(e.Amount, "1") }), last},
		{"balance after changed", "a", edit(5, func(e *credit.Entry) { e.After.Credit = plus(e.After.Credit, "10") }), 5},
		{"available changed", "a", edit(4, func(e *credit.Entry) { e.After.Available = plus(e.After.Available, "0.01") }), 4},
		{"credit change changed", "a", edit(6, func(e *credit.Entry) { e.CreditChange = plus(e.CreditChange, "1") }), 6},
		{"who changed", "a", edit(7, func(e *credit.Entry) { e.By = "someone else" }), 7},
		{"comment changed", "a", edit(8, func(e *credit.Entry) { e.Comment = "nothing to see" }), 8},
		{"operation changed", "a", edit(9, func(e *credit.Entry) { e.Kind = credit.AccountOpened }), 9},
		{"rate changed", "a", edit(7, func(e *credit.Entry) { e.Rate = money.MustParseRate("EUR/USD 1") }), 7},
		{"link changed", "a", edit(2, func(e *credit.Entry) { e.Prev = "" }), 2},
		{"entry dropped", "a", func(h []credit.Entry) []credit.Entry { return append(h[:2:2], h[3:]...) }, 4},
		{"first entry dropped", "a", func(h []credit.Entry) []credit.Entry { return h[1:] }, 2},
		{"two entries swapped", "a", func(h []credit.Entry) []credit.Entry { h[3], h[4] = h[4], h[3]; return h }, 5},
		{"entry duplicated", "a", func(h []credit.Entry) []credit.Entry {
			return append(h[:5:5], append([]credit.Entry{h[4]}, h[5:]...)...)
		}, 5},
		// An edit whose own hash is recomputed breaks the next link.
		{"amount changed and rehashed", "a", func(h []credit.Entry) []credit.Entry {
			h[2].Amount = plus(h[2].Amount, "1")
			h[2].Hash = credit.EntryHash(h[2])
			return h
		}, 4},
		// Rehashing the whole chain after a balance edit still fails the replay.
		{"balance changed, chain rehashed", "a", rehash(5, edit(5, func(e *credit.Entry) {
			e.After.Credit = plus(e.After.Credit, "10")
			e.After.Outstanding = plus(e.After.Outstanding, "10")
			e.After.Available = plus(e.After.Available, "10")
		})), 5},
		{"credit change and balances changed, chain rehashed", "a", rehash(5, func(h []credit.Entry) []credit.Entry {
			for i := range h {
				if h[i].Seq < 5 {
					continue
				}
				cur := h[i].After.Credit.Currency()
				ten := res(money.New(cur, "10")).must(t)
				if h[i].Seq == 5 {
					h[i].CreditChange = res(h[i].CreditChange.Add(ten)).must(t)
				}
				if h[i].Kind == credit.CurrencyConverted {
					break // sums start afresh here
				}
				h[i].After.Credit = res(h[i].After.Credit.Add(ten)).must(t)
				h[i].After.Outstanding = res(h[i].After.Outstanding.Add(ten)).must(t)
				h[i].After.Available = res(h[i].After.Available.Add(ten)).must(t)
			}
			return h
		}), last},
		// A rewritten chain that replays consistently no longer ends at the
		// account's head.
		{"amount changed, chain rehashed", "a", rehash(3, edit(3, func(e *credit.Entry) { e.Amount = plus(e.Amount, "1") })), last},
		// A history cut short verifies up to its end; the account's head
		// shows the loss, reported at the first entry that is missing.
		{"last entry dropped", "a", func(h []credit.Entry) []credit.Entry { return h[:len(h)-1] }, last},
		{"other account tampered", "b", edit(2, func(e *credit.Entry) { e.Amount = plus(e.Amount, "1") }), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := &tamperStore{Store: base, account: c.account, tamper: func(h []credit.Entry) []credit.Entry {
				return c.tamper(h)
			}}
			l := res(credit.New(ts, credit.AllowAll, credit.Options{})).must(t)
			err := l.Verify(hBG, p, c.account)
			wantVerifyError(t, err, c.account, c.seq)
			err = l.VerifyNamespace(hBG, p)
			wantVerifyError(t, err, c.account, c.seq)
			for _, other := range []string{"a", "b"} {
				if other != c.account {
					if err := l.Verify(hBG, p, other); err != nil {
						t.Errorf("untouched account %s: %v", other, err)
					}
				}
			}
		})
	}
}

func wantVerifyError(tb testing.TB, err error, account string, seq int64) {
	tb.Helper()
	var ve *credit.VerifyError
	if !errors.As(err, &ve) {
		tb.Fatalf("error %v (%T), want a *credit.VerifyError", err, err)
	}
	if ve.Account != account || ve.Seq != seq {
		tb.Errorf("VerifyError names account %q entry %d, want %q entry %d: %v", ve.Account, ve.Seq, account, seq, err)
	}
}

// TestVerifyLongHistory checks that Verify follows a history across pages
// (more than MaxPage entries): a clean one verifies and an edit on the
// second page is found at its entry, on the memory store; that every store
// keeps and pages such a history is storetest's Ledger/LongHistory.
func TestVerifyLongHistory(t *testing.T) { runVerifyLongHistory(t, memoryStore) }

func runVerifyLongHistory(t *testing.T, newStore func(*testing.T) credit.Store) {
	if testing.Short() {
		t.Skip("builds a history of more than 1,000 entries")
	}
	base := newStore(t)
	r := newRig(t, base)
	p := r.admin(hNS)
	res(r.l.OpenAccount(hBG, p, r.key(), credit.OpenAccountRequest{ID: "long", Currency: hJPY})).must(t)
	n := credit.MaxPage + 10
	for i := 1; i < n; i++ {
		kind := invoice.Invoice
		req := credit.DebitRequest{Account: "long", Kind: kind, Amount: hm(fmt.Sprintf("JPY %d", i))}
		if _, err := r.l.IssueDebit(hBG, p, r.key(), req); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.l.Verify(hBG, p, "long"); err != nil {
		t.Fatalf("clean history of %d entries: %v", n, err)
	}
	seq := int64(credit.MaxPage + 5)
	ts := &tamperStore{Store: base, account: "long", tamper: func(h []credit.Entry) []credit.Entry {
		h[seq-1].DebitChange = res(h[seq-1].DebitChange.Add(hm("JPY 1"))).must(t)
		return h
	}}
	l := res(credit.New(ts, credit.AllowAll, credit.Options{})).must(t)
	wantVerifyError(t, l.Verify(hBG, p, "long"), "long", seq)
}

// appendingStore writes one more entry on an account the first time its
// history is read, as a concurrent writer would between Verify's read of
// the account and its walk of the history.
type appendingStore struct {
	credit.Store
	once  sync.Once
	write func()
}

func (s *appendingStore) History(ctx context.Context, ns, account string, after int64, limit int) ([]credit.Entry, error) {
	s.once.Do(s.write)
	return s.Store.History(ctx, ns, account, after, limit)
}

// TestVerifyWhileAnotherWrites: an entry committed after Verify read the
// account is not a broken history.
func TestVerifyWhileAnotherWrites(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 10.00")
	writer := f.l
	st := &appendingStore{Store: f.st}
	st.write = func() {
		if _, err := writer.IssueDebit(ctx, admin, "late", credit.DebitRequest{Account: "acct", ID: "late", Amount: m("USD 1.00")}); err != nil {
			t.Error(err)
		}
	}
	verifier, err := credit.New(st, credit.AllowAll, credit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := verifier.Verify(ctx, admin, "acct"); err != nil {
		t.Fatalf("Verify beside a writer: %v", err)
	}
	if len(f.history("acct")) != 3 {
		t.Fatal("the writer did not write: the test proves nothing")
	}
}
