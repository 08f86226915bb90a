package credit_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Write-offs, partial charge backs and their undoing, and refunds that take
// applications back.

// verifyAll fails the test when an account's history does not verify.
func (f *fixture) verifyAll(accts ...string) {
	f.tb.Helper()
	for _, a := range accts {
		if err := f.l.Verify(ctx, admin, a); err != nil {
			f.tb.Errorf("verify %s: %v", a, err)
		}
	}
}

func TestWriteOffAndReverse(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "INV", "USD 100.00")
	f.payment("A", "PAY", "USD 99.97")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV"}}, Partial: true})
	f.wantBalances("A", bal{"USD 0.00", "USD 0.03", "USD -0.03", "USD 0.00", "USD -0.03"})

	req := credit.WriteOffRequest{Debit: "INV", All: true, Reason: "rounding", Reference: "WO-1"}
	key := f.key()
	r, err := f.l.WriteOff(ctx, admin, key, req)
	if err != nil {
		t.Fatal(err)
	}
	if r.Debit.Status != invoice.Paid || !r.Debit.Open.IsZero() {
		t.Errorf("debit after the write-off: %+v", r.Debit)
	}
	if r.WriteOff.Kind != invoice.Credit || r.WriteOff.Status != invoice.Closed || r.WriteOff.Original != "INV" ||
		r.WriteOff.Reason != "rounding" || str(r.WriteOff.Amount) != "USD 0.03" {
		t.Errorf("write-off document: %+v", r.WriteOff)
	}
	wantStrings(t, "write-off applications", appLines(r.Applications), r.WriteOff.ID+"→INV USD 0.03")
	f.wantBalances("A", bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00"})
	f.wantRows("A", row{Op: credit.DebitWrittenOff, Amount: "USD 0.03", Outstanding: "USD 0.00", Available: "USD 0.00",
		Lim: "USD 0.00", By: "admin", Ref: "WO-1", Comment: "rounding"})

	// A replay returns the first result and writes nothing; the key with
	// another request is refused.
	before := f.snapshot("A")
	again, err := f.l.WriteOff(ctx, admin, key, req)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, again); d != "" {
		t.Errorf("replay differs (-first +replay):\n%s", d)
	}
	f.wantUnchanged("A", before)
	other := req
	other.Reason = "bad debt"
	_, err = f.l.WriteOff(ctx, admin, key, other)
	wantErr(t, err, credit.ErrIdempotencyConflict)

	// Nothing more to write off; Unapply does not reverse a write-off.
	_, err = f.l.WriteOff(ctx, admin, f.key(), credit.WriteOffRequest{Debit: "INV", All: true, Reason: "again"})
	wantErr(t, err, credit.ErrBadState)
	_, err = f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Application: r.Applications[0].ID})
	wantErr(t, err, credit.ErrBadState)
	// Nor can the write-off document be refunded, applied or charged back.
	_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: r.WriteOff.ID, All: true})
	wantErr(t, err, credit.ErrInsufficientCredit)

	rr, err := f.l.ReverseWriteOff(ctx, admin, f.key(), credit.ReverseWriteOffRequest{WriteOff: r.WriteOff.ID, Comment: "paid after all"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rr.Applications) != 1 || rr.Applications[0].Reverses != r.Applications[0].ID {
		t.Errorf("reversals: %+v", rr.Applications)
	}
	f.wantDoc("INV", "USD 0.03", invoice.Open)
	f.wantDoc(r.WriteOff.ID, "USD 0.00", invoice.Reversed)
	f.wantBalances("A", bal{"USD 0.00", "USD 0.03", "USD -0.03", "USD 0.00", "USD -0.03"})
	f.wantRows("A", row{Op: credit.WriteOffReversed, Amount: "USD 0.03", Outstanding: "USD -0.03", Available: "USD -0.03",
		Lim: "USD 0.00", By: "admin", Comment: "paid after all"})
	_, err = f.l.ReverseWriteOff(ctx, admin, f.key(), credit.ReverseWriteOffRequest{WriteOff: r.WriteOff.ID})
	wantErr(t, err, credit.ErrBadState)
	_, err = f.l.ReverseWriteOff(ctx, admin, f.key(), credit.ReverseWriteOffRequest{WriteOff: "PAY"})
	wantErr(t, err, credit.ErrWrongKind)

	// Part of a debit, then more than is left.
	r2, err := f.l.WriteOff(ctx, admin, f.key(), credit.WriteOffRequest{Debit: "INV", Amount: m("USD 0.01"), Reason: "part"})
	if err != nil {
		t.Fatal(err)
	}
	if str(r2.Debit.Open) != "USD 0.02" || r2.Debit.Status != invoice.Open {
		t.Errorf("after a partial write-off: %+v", r2.Debit)
	}
	_, err = f.l.WriteOff(ctx, admin, f.key(), credit.WriteOffRequest{Debit: "INV", Amount: m("USD 0.03"), Reason: "too much"})
	wantErr(t, err, credit.ErrOverpaid)
	f.verifyAll("A")
}

// TestWriteOffUnderAVoid: voiding or adjusting a debit reverses its
// applications newest first; a write-off among them goes away with it and
// never turns into open credit.
func TestWriteOffUnderAVoid(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "INV", "USD 100.00")
	f.payment("A", "PAY", "USD 90.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV"}}, Partial: true})
	wo, err := f.l.WriteOff(ctx, admin, f.key(), credit.WriteOffRequest{Debit: "INV", All: true, Reason: "bad debt"})
	if err != nil {
		t.Fatal(err)
	}
	// Lowering the invoice by 5 takes 5 back from the newest application,
	// the write-off, which keeps closing the other 5.
	if _, err := f.l.Adjust(ctx, admin, f.key(), credit.AdjustRequest{Debit: "INV", Amount: m("USD 95.00"), Reason: "discount"}); err != nil {
		t.Fatal(err)
	}
	f.wantDoc(wo.WriteOff.ID, "USD 0.00", invoice.Closed)
	f.wantDoc("INV", "USD 0.00", invoice.Paid)
	f.wantBalances("A", bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00"})
	// The void gives the payment its 90 back; the write-off's 5 leave.
	if _, err := f.l.Void(ctx, admin, f.key(), credit.VoidRequest{Debit: "INV", Reason: "cancelled"}); err != nil {
		t.Fatal(err)
	}
	f.wantDoc(wo.WriteOff.ID, "USD 0.00", invoice.Reversed)
	f.wantDoc("PAY", "USD 90.00", invoice.Open)
	f.wantBalances("A", bal{"USD 90.00", "USD 0.00", "USD 90.00", "USD 0.00", "USD 90.00"})
	_, err = f.l.ReverseWriteOff(ctx, admin, f.key(), credit.ReverseWriteOffRequest{WriteOff: wo.WriteOff.ID})
	wantErr(t, err, credit.ErrBadState)
	f.verifyAll("A")
}

func TestApplyWritesOffASmallDifference(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "INV1", "USD 100.00")
	f.invoice("A", "INV2", "USD 50.00")
	f.payment("A", "PAY1", "USD 99.98")
	f.payment("A", "PAY2", "USD 45.00")
	// 0.02 left is below the threshold: written off in the same operation.
	r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY1", Debit: "INV1"}}, Partial: true, WriteOffBelow: m("USD 0.05")})
	if len(r.WriteOffs) != 1 || r.WriteOffs[0].Debit != "INV1" || str(r.WriteOffs[0].Amount) != "USD 0.02" {
		t.Fatalf("write-offs: %+v", r.WriteOffs)
	}
	f.wantDoc("INV1", "USD 0.00", invoice.Paid)
	f.wantRows("A", row{Op: credit.OpApplied, Amount: "USD 99.98", Outstanding: "USD -5.02", Available: "USD -5.02", Lim: "USD 0.00", By: "admin"},
		row{Op: credit.DebitWrittenOff, Amount: "USD 0.02", Outstanding: "USD -5.00", Available: "USD -5.00", Lim: "USD 0.00", By: "admin",
			Comment: "difference below USD 0.05 written off"})
	// 5.00 left is not below it: nothing written off.
	r = f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY2", Debit: "INV2"}}, Partial: true, WriteOffBelow: m("USD 5.00")})
	if len(r.WriteOffs) != 0 {
		t.Fatalf("write-offs: %+v", r.WriteOffs)
	}
	f.wantDoc("INV2", "USD 5.00", invoice.Open)
	// Unapplying the first operation leaves its write-off: that is
	// ReverseWriteOff's to undo.
	if _, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "A", WriteOffBelow: m("USD 0.05")}); err != nil {
		t.Fatal(err)
	}
	f.verifyAll("A")
}

func TestWriteOffNeedsItsPermission(t *testing.T) {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "INV", "USD 10.00")
	f.payment("A", "PAY", "USD 9.99")
	provider := credit.Principal{ID: "p", Namespace: ns, Roles: []string{credit.RoleProvider}}
	// A provider may link, but not write off the difference.
	_, err := f.l.Apply(ctx, provider, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV"}}, Partial: true,
		WriteOffBelow: m("USD 0.05")})
	wantErr(t, err, credit.ErrNotAuthorized)
	finance := credit.Principal{ID: "f", Namespace: ns, Roles: []string{credit.RoleFinance}}
	r, err := f.l.Apply(ctx, finance, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV"}}, Partial: true,
		WriteOffBelow: m("USD 0.05")})
	if err != nil || len(r.WriteOffs) != 1 {
		t.Fatalf("finance: %+v, %v", r.WriteOffs, err)
	}
}

// chargeBackWorld: PAY 100 paid OLD 60 first, then NEW 30; 10 is open.
func chargeBackWorld(t *testing.T) *fixture {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "OLD", "USD 60.00")
	f.invoice("A", "NEW", "USD 30.00")
	f.payment("A", "PAY", "USD 100.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "OLD"}}})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "NEW"}}})
	f.wantBalances("A", bal{"USD 10.00", "USD 0.00", "USD 10.00", "USD 0.00", "USD 10.00"})
	return f
}

func TestPartialChargeBackTakesNewestFirst(t *testing.T) {
	f := chargeBackWorld(t)
	// 50: the 10 open, then 30 of NEW (newest), then 10 of OLD.
	r, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "PAY", Amount: m("USD 50.00"), Reference: "DSP-1"})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "reversals", appLines(r.Reversals), "reverse PAY→NEW USD 30.00", "reverse PAY→OLD USD 60.00")
	wantStrings(t, "kept", appLines(r.Applications), "PAY→OLD USD 50.00")
	if str(r.ChargeBack.Amount) != "USD 50.00" || r.ChargeBack.Status != invoice.Reversed || r.ChargeBack.Original != "PAY" {
		t.Errorf("charge back record: %+v", r.ChargeBack)
	}
	f.wantDoc("PAY", "USD 0.00", invoice.Closed)
	f.wantDoc("OLD", "USD 10.00", invoice.Open)
	f.wantDoc("NEW", "USD 30.00", invoice.Open)
	// The outstanding balance fell by the 50 charged back.
	f.wantBalances("A", bal{"USD 0.00", "USD 40.00", "USD -40.00", "USD 0.00", "USD -40.00"})
	f.wantRows("A", row{Op: credit.OpChargedBack, Amount: "USD 50.00", Outstanding: "USD -40.00", Available: "USD -40.00",
		Lim: "USD 0.00", By: "admin", Ref: "DSP-1"})
	// The rest of it, then nothing left.
	_, err = f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "PAY", Amount: m("USD 50.01")})
	wantErr(t, err, credit.ErrInsufficientCredit)
	r2, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "PAY", All: true})
	if err != nil {
		t.Fatal(err)
	}
	if str(r2.ChargeBack.Amount) != "USD 50.00" || r2.Payment.Status != invoice.Reversed {
		t.Errorf("the rest: %+v", r2)
	}
	_, err = f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "PAY", All: true})
	wantErr(t, err, credit.ErrBadState)
	f.verifyAll("A")
}

func TestUndoChargeBack(t *testing.T) {
	for _, reapply := range []bool{true, false} {
		f := chargeBackWorld(t)
		cb, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "PAY", Amount: m("USD 50.00")})
		if err != nil {
			t.Fatal(err)
		}
		u, err := f.l.UndoChargeBack(ctx, admin, f.key(), credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID, Reapply: reapply, Comment: "dispute won"})
		if err != nil {
			t.Fatal(err)
		}
		if u.ChargeBack.Status != invoice.Closed {
			t.Errorf("the record after the undo: %+v", u.ChargeBack)
		}
		if reapply {
			// As it was: OLD and NEW paid again, 10 open.
			wantStrings(t, "re-applied", appLines(u.Applications), "PAY→OLD USD 10.00", "PAY→NEW USD 30.00")
			f.wantDoc("PAY", "USD 10.00", invoice.Open)
			f.wantDoc("OLD", "USD 0.00", invoice.Paid)
			f.wantDoc("NEW", "USD 0.00", invoice.Paid)
		} else {
			if len(u.Applications) != 0 {
				t.Errorf("applications without Reapply: %+v", u.Applications)
			}
			f.wantDoc("PAY", "USD 50.00", invoice.Open)
			f.wantDoc("OLD", "USD 10.00", invoice.Open)
		}
		if reapply {
			f.wantBalances("A", bal{"USD 10.00", "USD 0.00", "USD 10.00", "USD 0.00", "USD 10.00"})
		} else {
			f.wantBalances("A", bal{"USD 50.00", "USD 40.00", "USD 10.00", "USD 0.00", "USD 10.00"})
		}
		_, err = f.l.UndoChargeBack(ctx, admin, f.key(), credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID})
		wantErr(t, err, credit.ErrBadState)
		_, err = f.l.UndoChargeBack(ctx, admin, f.key(), credit.UndoChargeBackRequest{ChargeBack: "PAY"})
		wantErr(t, err, credit.ErrWrongKind)
		f.verifyAll("A")
	}
}

// TestUndoChargeBackLeavesDebitsPaidSince: a debit paid by other credit
// after the charge back is not paid twice.
func TestUndoChargeBackLeavesDebitsPaidSince(t *testing.T) {
	f := chargeBackWorld(t)
	cb, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "PAY", All: true})
	if err != nil {
		t.Fatal(err)
	}
	f.payment("A", "PAY2", "USD 30.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY2", Debit: "NEW"}}})
	u, err := f.l.UndoChargeBack(ctx, admin, f.key(), credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID, Reapply: true})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "re-applied", appLines(u.Applications), "PAY→OLD USD 60.00")
	f.wantDoc("PAY", "USD 40.00", invoice.Open)
	f.verifyAll("A")
}

// TestRefundWithAdjustments is Kill Bill's refund with adjustments: a
// payment of 25 paid INV1 (10) and INV2 (5), 10 is open; refunding 20
// takes 10 back from its applications, newest first, and reopens 10 of
// the invoices it paid.
func TestRefundWithAdjustments(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "INV1", "USD 10.00")
	f.invoice("A", "INV2", "USD 5.00")
	f.payment("A", "PAY", "USD 25.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV1"}}})
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV2"}}})
	f.wantBalances("A", bal{"USD 10.00", "USD 0.00", "USD 10.00", "USD 0.00", "USD 10.00"})

	_, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "PAY", Amount: m("USD 20.00")})
	wantErr(t, err, credit.ErrInsufficientCredit)

	r, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "PAY", Amount: m("USD 20.00"), TakeBack: true})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "reversals", appLines(r.Reversals), "reverse PAY→INV2 USD 5.00", "reverse PAY→INV1 USD 10.00")
	wantStrings(t, "kept", appLines(r.Applications), "PAY→INV1 USD 5.00")
	f.wantDoc("PAY", "USD 0.00", invoice.Refunded)
	f.wantDoc("INV1", "USD 5.00", invoice.Open)
	f.wantDoc("INV2", "USD 5.00", invoice.Open)
	// 10 of the invoices reopened; the outstanding balance fell by 20.
	f.wantBalances("A", bal{"USD 0.00", "USD 10.00", "USD -10.00", "USD 0.00", "USD -10.00"})
	f.wantRows("A", row{Op: credit.OpPaidOut, Amount: "USD 20.00", Outstanding: "USD -10.00", Available: "USD -10.00", Lim: "USD 0.00", By: "admin"})
	// The 5 still applied, with All; then nothing.
	r2, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "PAY", All: true, TakeBack: true})
	if err != nil || str(r2.Document.Open) != "USD 0.00" || len(r2.Reversals) != 1 {
		t.Fatalf("refund of the rest: %+v %v", r2, err)
	}
	f.wantDoc("INV1", "USD 10.00", invoice.Open)
	_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "PAY", All: true, TakeBack: true})
	wantErr(t, err, credit.ErrInsufficientCredit)
	f.verifyAll("A")
}

// TestRefundTakeBackWithinTheOpenBalance: with TakeBack, a refund the open
// balance covers takes nothing back.
func TestRefundTakeBackWithinTheOpenBalance(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.invoice("A", "INV", "USD 10.00")
	f.payment("A", "PAY", "USD 25.00")
	f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PAY", Debit: "INV"}}})
	r, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "PAY", Amount: m("USD 15.00"), TakeBack: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Reversals) != 0 || len(r.Applications) != 0 || r.Document.Status != invoice.Refunded {
		t.Errorf("%+v", r)
	}
	f.wantDoc("INV", "USD 0.00", invoice.Paid)
}
