package credit_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// TestMoveBalance: expired credits are not drawn; the rest go oldest first,
// the last one in part; a prepaid receiving account uses what it receives
// at once; both histories record each document moved and verify; a replay
// of the key returns the first result and writes nothing.
func TestMoveBalance(t *testing.T) {
	f := newFixture(t)
	f.open("child", "USD", credit.Term, "")
	f.open("parent", "USD", credit.Prepaid, "")
	f.invoice("parent", "INV-P", "USD 25.00")
	f.credit(credit.CreditRequest{Account: "child", ID: "OLD", Kind: invoice.CreditMemo, Amount: m("USD 7.00"),
		Issued: t0.Add(-72 * time.Hour), Expires: t0.Add(-time.Hour)})
	f.credit(credit.CreditRequest{Account: "child", ID: "B", Amount: m("USD 20.00"), Issued: t0.Add(2 * time.Hour)})
	f.credit(credit.CreditRequest{Account: "child", ID: "A", Amount: m("USD 10.00"), Issued: t0.Add(time.Hour)})
	f.credit(credit.CreditRequest{Account: "child", ID: "C", Amount: m("USD 5.00"), Issued: t0.Add(3 * time.Hour)})
	_, err := f.l.MoveBalance(ctx, admin, f.key(), credit.MoveBalanceRequest{From: "child", To: "parent", Amount: m("USD 35.01")})
	wantErr(t, err, credit.ErrInsufficientCredit)

	req := credit.MoveBalanceRequest{From: "child", To: "parent", Amount: m("USD 28.00"), Comment: "to the parent"}
	r, err := f.l.MoveBalance(ctx, admin, "move", req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range r.From {
		got = append(got, r.From[i].ID+" "+str(r.To[i].Amount)+" left "+str(r.From[i].Open))
	}
	wantStrings(t, "drawn", got, "A USD 10.00 left USD 0.00", "B USD 18.00 left USD 2.00")
	if str(r.Moved) != "USD 28.00" {
		t.Errorf("moved %s", r.Moved)
	}
	f.wantDoc("OLD", "USD 7.00", invoice.Open)
	f.wantDoc("INV-P", "USD 0.00", invoice.Paid)
	if b := f.balances("parent"); str(b.Credit) != "USD 3.00" || str(b.Debit) != "USD 0.00" {
		t.Errorf("parent balances %+v", b)
	}
	var out, in int
	for _, e := range f.history("child") {
		if e.Kind == credit.CreditTransferredOut && e.Comment == "to the parent" {
			out++
		}
	}
	for _, e := range f.history("parent") {
		if e.Kind == credit.CreditTransferredIn {
			in++
		}
	}
	if out != 2 || in != 2 {
		t.Errorf("%d entries out and %d in, want 2 and 2", out, in)
	}
	before := f.snapshot("child")
	again, err := f.l.MoveBalance(ctx, admin, "move", req)
	if err != nil || !cmp.Equal(r, again) {
		t.Errorf("replay: %v\n%s", err, cmp.Diff(r, again))
	}
	f.wantUnchanged("child", before)
	req.Amount = m("USD 28.01")
	_, err = f.l.MoveBalance(ctx, admin, "move", req)
	wantErr(t, err, credit.ErrIdempotencyConflict)
	for _, id := range []string{"child", "parent"} {
		if err := f.l.Verify(ctx, admin, id); err != nil {
			t.Errorf("Verify %s: %v", id, err)
		}
	}
}
