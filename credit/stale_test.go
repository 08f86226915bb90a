package credit_test

import (
	"context"
	"sync"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// hookStore runs a function once, just before the Load number at, so a test
// can put a concurrent operation between two reads of one operation.
type hookStore struct {
	credit.Store
	mu    sync.Mutex
	loads int
	at    int
	hook  func()
}

func (h *hookStore) Load(ctx context.Context, q credit.Query) (*credit.Snapshot, error) {
	h.mu.Lock()
	h.loads++
	run := h.loads == h.at && h.hook != nil
	h.mu.Unlock()
	if run {
		h.hook()
	}
	return h.Store.Load(ctx, q)
}

// A payment is charged back while, between the operation's first read (the
// payment and its applications) and its second (the debits they paid), a
// concurrent unapply gives one debit its amount back. The reads disagree;
// the charge back must retry from fresh reads, not fail and not restore the
// debit twice.
func TestChargeBackRetriesWhenAConcurrentUnapplyFallsBetweenItsReads(t *testing.T) {
	f := newFixture(t)
	f.open("a", "USD", credit.Term, "0.00")
	f.invoice("a", "inv", "USD 40.00")
	f.payment("a", "pay", "USD 100.00")
	res := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv"}}})

	h := &hookStore{Store: f.st}
	l, err := credit.New(h, credit.AllowAll, credit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.at = h.loads + 2 // before the charge back's second Load
	h.hook = func() {
		if _, err := f.l.Unapply(context.Background(), f.p, "concurrent-unapply", credit.UnapplyRequest{Application: res.Applications[0].ID}); err != nil {
			t.Error(err)
		}
	}
	rev, err := l.ReversePayment(context.Background(), f.p, "charge-back", credit.ReverseRequest{Payment: "pay", ChargeBack: true})
	if err != nil {
		t.Fatalf("charge back: %v", err)
	}
	if len(rev.Reversals) != 0 || str(rev.Removed) != "USD 100.00" {
		t.Errorf("charge back reversed %d applications and removed %s; want none (already unapplied) and USD 100.00", len(rev.Reversals), str(rev.Removed))
	}
	f.wantDoc("inv", "USD 40.00", invoice.Open)
	f.wantDoc("pay", "USD 0.00", invoice.Reversed)
	f.wantBalances("a", bal{Credit: "USD 0.00", Debit: "USD 40.00", Outstanding: "USD -40.00", Limit: "USD 0.00", Available: "USD -40.00"})
	if err := f.l.Verify(context.Background(), f.p, "a"); err != nil {
		t.Error(err)
	}
}
