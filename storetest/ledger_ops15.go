package storetest

import (
	"context"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// The clause Ledger/WriteOffsAndChargeBacks: write-offs, charge backs and
// their undoing, and refunds that take applications back, through the
// Ledger over the store. They write only records of the kinds every store
// keeps (documents, applications, entries), but more of them in one
// operation than most: documents made and settled at once, applications
// reversed and made again in one batch.
func ledgerWriteOffsAndChargeBacks(t tb, e *env) {
	f := newFixture(t, e)
	accts := []string{"a"}
	f.openAccount("a", credit.Term, 0, false)
	apply := func(c, d string) {
		_, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: c, Debit: d}}})
		f.must("Apply", err)
	}

	// Kill Bill's refund with adjustments: a payment of 25.00 paid 10.00
	// and 5.00; refunding 20.00 reopens 10.00 of the invoices, newest
	// first. A replay returns the first result and writes nothing.
	i1, i2, pay := f.invoice("a", 1000), f.invoice("a", 500), f.payment("a", 2500)
	apply(pay, i1)
	apply(pay, i2)
	key := f.key()
	refund := func() (credit.RefundResult, error) {
		return f.l.Refund(f.ctx, f.p, key, credit.RefundRequest{Credit: pay, Amount: cents(2000), TakeBack: true})
	}
	r, err := refund()
	f.must("Refund taking back", err)
	if len(r.Reversals) != 2 || r.Reversals[0].Debit != i2 || len(r.Applications) != 1 || minor(r.Applications[0].Amount) != 500 {
		t.Fatalf("Refund taking back: reversals %+v, kept %+v", r.Reversals, r.Applications)
	}
	f.open(i1, 500, invoice.Open)
	f.open(i2, 500, invoice.Open)
	f.open(pay, 0, invoice.Refunded)
	f.balances("a", 0, 1000)
	before := f.read(accts)
	again, err := refund()
	f.must("Refund replayed", err)
	if d := cmp.Diff(r, again); d != "" {
		t.Fatalf("the replay of a refund taking back differs (-first +replay):\n%s", d)
	}
	f.unchanged("the replay of a refund taking back", accts, before)
	f.check(accts)

	// A partial charge back, then the dispute won: the payment pays the
	// same invoices again.
	p2 := f.payment("a", 1500)
	apply(p2, i1)
	apply(p2, i2)
	cb, err := f.l.ChargeBack(f.ctx, f.p, f.key(), credit.ChargeBackRequest{Payment: p2, Amount: cents(1000)})
	f.must("ChargeBack", err)
	if len(cb.Reversals) != 1 || cb.Reversals[0].Debit != i2 || cb.ChargeBack.Status != invoice.Reversed {
		t.Fatalf("ChargeBack: %+v", cb)
	}
	f.open(p2, 0, invoice.Closed)
	f.balances("a", 0, 500)
	f.check(accts)
	u, err := f.l.UndoChargeBack(f.ctx, f.p, f.key(), credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID, Reapply: true})
	f.must("UndoChargeBack", err)
	if len(u.Applications) != 1 || u.Applications[0].Debit != i2 {
		t.Fatalf("UndoChargeBack applied again %+v", u.Applications)
	}
	f.open(p2, 500, invoice.Open)
	f.open(cb.ChargeBack.ID, 0, invoice.Closed)
	f.balances("a", 500, 0)
	_, err = f.l.UndoChargeBack(f.ctx, f.p, f.key(), credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID})
	wantErr(t, "an undone charge back undone again", err, credit.ErrBadState)
	f.check(accts)

	// A write-off, through Apply's threshold and on its own, and its
	// reversal.
	i3, p3 := f.invoice("a", 10000), f.payment("a", 9997)
	ar, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: p3, Debit: i3}}, Partial: true, WriteOffBelow: cents(5)})
	f.must("Apply with a write-off threshold", err)
	if len(ar.WriteOffs) != 1 || minor(ar.WriteOffs[0].Amount) != 3 {
		t.Fatalf("Apply wrote off %+v", ar.WriteOffs)
	}
	f.open(i3, 0, invoice.Paid)
	rw, err := f.l.ReverseWriteOff(f.ctx, f.p, f.key(), credit.ReverseWriteOffRequest{WriteOff: ar.WriteOffs[0].Credit})
	f.must("ReverseWriteOff", err)
	f.open(i3, 3, invoice.Open)
	f.open(rw.WriteOff.ID, 0, invoice.Reversed)
	w, err := f.l.WriteOff(f.ctx, f.p, f.key(), credit.WriteOffRequest{Debit: i3, All: true, Reason: "bank fee"})
	f.must("WriteOff", err)
	f.open(i3, 0, invoice.Paid)
	f.open(w.WriteOff.ID, 0, invoice.Closed)
	f.balances("a", 500, 0)
	f.check(accts)
	f.verify()
}

func init() {
	namesAccount["ApplyWriteOffBelow"] = true
	hiddenOps = append(hiddenOps, []struct {
		name string
		run  func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, app string) error
	}{
		{"WriteOff", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
			_, err := l.WriteOff(ctx, p, key, credit.WriteOffRequest{Debit: orID(id, hidInv), All: true, Reason: "bad debt"})
			return err
		}},
		{"ReverseWriteOff", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
			_, err := l.ReverseWriteOff(ctx, p, key, credit.ReverseWriteOffRequest{WriteOff: orID(id, hidPay)})
			return err
		}},
		{"ApplyWriteOffBelow", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
			_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Account: orID(id, hidAcct), WriteOffBelow: dollars("0.05")})
			return err
		}},
		{"ChargeBack", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
			_, err := l.ChargeBack(ctx, p, key, credit.ChargeBackRequest{Payment: orID(id, hidPay), All: true})
			return err
		}},
		{"UndoChargeBack", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
			_, err := l.UndoChargeBack(ctx, p, key, credit.UndoChargeBackRequest{ChargeBack: orID(id, hidPay), Reapply: true})
			return err
		}},
		{"RefundTakeBack", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
			_, err := l.Refund(ctx, p, key, credit.RefundRequest{Credit: orID(id, hidPay), All: true, TakeBack: true})
			return err
		}},
	}...)
}
