package credit_test

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
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
	if r.WriteOff.Kind != invoice.CreditGrant || r.WriteOff.Status != invoice.Closed || r.WriteOff.Original != "INV" ||
		r.WriteOff.Reason != "rounding" || str(r.WriteOff.Amount) != "USD 0.03" {
		t.Errorf("write-off document: %+v", r.WriteOff)
	}
	wantStrings(t, "write-off applications", appLines(r.Applications), r.WriteOff.ID+"→INV USD 0.03")
	f.wantBalances("A", bal{"USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00", "USD 0.00"})
	f.wantRows("A", row{Kind: credit.DebitWrittenOff, Amount: "USD 0.03", Outstanding: "USD 0.00", Available: "USD 0.00",
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
	_, err = f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: r.WriteOff.ID, All: true, TakeBack: true})
	wantErr(t, err, credit.ErrWrongKind)
	_, err = f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: r.WriteOff.ID, All: true})
	wantErr(t, err, credit.ErrWrongKind)

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
	f.wantRows("A", row{Kind: credit.WriteOffReversed, Amount: "USD 0.03", Outstanding: "USD -0.03", Available: "USD -0.03",
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
	f.wantRows("A", row{Kind: credit.CreditApplied, Amount: "USD 99.98", Outstanding: "USD -5.02", Available: "USD -5.02", Lim: "USD 0.00", By: "admin"},
		row{Kind: credit.DebitWrittenOff, Amount: "USD 0.02", Outstanding: "USD -5.00", Available: "USD -5.00", Lim: "USD 0.00", By: "admin",
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
	f.wantRows("A", row{Kind: credit.PaymentChargedBack, Amount: "USD 50.00", Outstanding: "USD -40.00", Available: "USD -40.00",
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
	f.wantRows("A", row{Kind: credit.CreditRefunded, Amount: "USD 20.00", Outstanding: "USD -10.00", Available: "USD -10.00", Lim: "USD 0.00", By: "admin"})
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

// ops15 is what the authorization matrix's rows of these operations act
// on, made in its fixture by newOps15: USD 1.00 of IA written off, and USD
// 10.00 of RA charged back.
type ops15 struct {
	writeOff, chargeBack string
}

func newOps15(f *fixture) ops15 {
	f.tb.Helper()
	wo, err := f.l.WriteOff(ctx, admin, f.key(), credit.WriteOffRequest{Debit: "IA", Amount: m("USD 1.00"), Reason: "rounding"})
	if err != nil {
		f.tb.Fatal(err)
	}
	cb, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "RA", Amount: m("USD 10.00")})
	if err != nil {
		f.tb.Fatal(err)
	}
	return ops15{writeOff: wo.WriteOff.ID, chargeBack: cb.ChargeBack.ID}
}

func init() {
	rows := []struct {
		name    string
		allowed []string
		run     func(f *authFixture, p credit.Principal) error
	}{
		{"WriteOff", []string{rAdmin, rFinance}, func(f *authFixture, p credit.Principal) error {
			_, err := f.l.WriteOff(ctx, p, f.key(), credit.WriteOffRequest{Debit: "IA", Amount: m("USD 1.00"), Reason: "bad debt"})
			return err
		}},
		{"ReverseWriteOff", []string{rAdmin, rFinance}, func(f *authFixture, p credit.Principal) error {
			_, err := f.l.ReverseWriteOff(ctx, p, f.key(), credit.ReverseWriteOffRequest{WriteOff: f.writeOff})
			return err
		}},
		{"ApplyWriteOffBelow", []string{rAdmin, rFinance}, func(f *authFixture, p credit.Principal) error {
			_, err := f.l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PA", Debit: "IA", Amount: m("USD 98.99")}},
				WriteOffBelow: m("USD 0.05")})
			return err
		}},
		{"ChargeBackPart", []string{rAdmin, rFinance}, func(f *authFixture, p credit.Principal) error {
			_, err := f.l.ChargeBack(ctx, p, f.key(), credit.ChargeBackRequest{Payment: "PA", Amount: m("USD 160.00")})
			return err
		}},
		{"UndoChargeBack", []string{rAdmin, rFinance}, func(f *authFixture, p credit.Principal) error {
			_, err := f.l.UndoChargeBack(ctx, p, f.key(), credit.UndoChargeBackRequest{ChargeBack: f.chargeBack, Reapply: true})
			return err
		}},
		{"RefundTakeBack", []string{rAdmin, rFinance}, func(f *authFixture, p credit.Principal) error {
			_, err := f.l.Refund(ctx, p, f.key(), credit.RefundRequest{Credit: "PA", Amount: m("USD 160.00"), TakeBack: true})
			return err
		}},
	}
	for _, r := range rows {
		authOps = append(authOps, struct {
			name string
			run  func(f *authFixture, p credit.Principal) error
		}{r.name, r.run})
		allowedRoles[r.name] = r.allowed
	}
}

// ops15HostileRows are the hostile inputs of write-offs, charge backs and
// their undoing, and refunds that take applications back, on the hostile
// world (hostile_test.go), acting as p and as member.
func ops15HostileRows(p, member credit.Principal) []hostileRow {
	var rows []hostileRow
	add := func(name string, want error, call func(w *hostileWorld, key string) error) {
		rows = append(rows, hostileRow{name: name, want: want, call: func(w *hostileWorld, key string, _ money.Money) error { return call(w, key) }})
	}
	writeOff := func(req credit.WriteOffRequest) func(w *hostileWorld, key string) error {
		return func(w *hostileWorld, key string) error { _, err := w.l.WriteOff(hBG, p, key, req); return err }
	}
	chargeBack := func(req credit.ChargeBackRequest) func(w *hostileWorld, key string) error {
		return func(w *hostileWorld, key string) error { _, err := w.l.ChargeBack(hBG, p, key, req); return err }
	}
	undo := func(req credit.UndoChargeBackRequest) func(w *hostileWorld, key string) error {
		return func(w *hostileWorld, key string) error { _, err := w.l.UndoChargeBack(hBG, p, key, req); return err }
	}
	refund := func(req credit.RefundRequest) func(w *hostileWorld, key string) error {
		req.TakeBack = true
		return func(w *hostileWorld, key string) error { _, err := w.l.Refund(hBG, p, key, req); return err }
	}
	reason := "bad debt"
	add("write off without a reason", credit.ErrInvalidRequest, writeOff(credit.WriteOffRequest{Debit: "inv1", All: true}))
	add("write off with a NUL in the reason", credit.ErrInvalidRequest, writeOff(credit.WriteOffRequest{Debit: "inv1", All: true, Reason: "a\x00b"}))
	add("write off without an amount", credit.ErrInvalidAmount, writeOff(credit.WriteOffRequest{Debit: "inv1", Reason: reason}))
	add("write off an amount and all", credit.ErrInvalidRequest, writeOff(credit.WriteOffRequest{Debit: "inv1", Amount: hm("USD 1"), All: true, Reason: reason}))
	add("write off a negative amount", credit.ErrInvalidAmount, writeOff(credit.WriteOffRequest{Debit: "inv1", Amount: hm("USD -1"), Reason: reason}))
	add("write off zero", credit.ErrInvalidAmount, writeOff(credit.WriteOffRequest{Debit: "inv1", Amount: hm("USD 0"), Reason: reason}))
	add("write off more than is open", credit.ErrOverpaid, writeOff(credit.WriteOffRequest{Debit: "inv1", Amount: hm("USD 100.01"), Reason: reason}))
	add("write off in another currency", credit.ErrCurrencyMismatch, writeOff(credit.WriteOffRequest{Debit: "inv1", Amount: hm("EUR 1"), Reason: reason}))
	add("write off a payment", credit.ErrWrongKind, writeOff(credit.WriteOffRequest{Debit: "pay1", All: true, Reason: reason}))
	add("write off a paid invoice", credit.ErrBadState, writeOff(credit.WriteOffRequest{Debit: "inv-paid", All: true, Reason: reason}))
	add("write off a void invoice", credit.ErrBadState, writeOff(credit.WriteOffRequest{Debit: "inv-void", All: true, Reason: reason}))
	add("write off an unknown debit", credit.ErrNotFound, writeOff(credit.WriteOffRequest{Debit: "nope", All: true, Reason: reason}))
	add("write off another namespace's debit", credit.ErrNotFound, writeOff(credit.WriteOffRequest{Debit: "f-inv", All: true, Reason: reason}))
	add("a member writes off", credit.ErrNotAuthorized, func(w *hostileWorld, key string) error {
		_, err := w.roles.WriteOff(hBG, member, key, credit.WriteOffRequest{Debit: "inv-b", All: true, Reason: reason})
		return err
	})
	add("reverse a write-off naming nothing", credit.ErrInvalidRequest, func(w *hostileWorld, key string) error {
		_, err := w.l.ReverseWriteOff(hBG, p, key, credit.ReverseWriteOffRequest{})
		return err
	})
	add("reverse a payment as a write-off", credit.ErrWrongKind, func(w *hostileWorld, key string) error {
		_, err := w.l.ReverseWriteOff(hBG, p, key, credit.ReverseWriteOffRequest{WriteOff: "pay1"})
		return err
	})
	add("reverse an unknown write-off", credit.ErrNotFound, func(w *hostileWorld, key string) error {
		_, err := w.l.ReverseWriteOff(hBG, p, key, credit.ReverseWriteOffRequest{WriteOff: "nope"})
		return err
	})
	add("apply with a negative write-off threshold", credit.ErrInvalidAmount, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1"}}, Partial: true, WriteOffBelow: hm("USD -0.05")})
		return err
	})
	add("apply with a write-off threshold in another currency", credit.ErrCurrencyMismatch, func(w *hostileWorld, key string) error {
		_, err := w.l.Apply(hBG, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv1"}}, Partial: true, WriteOffBelow: hm("EUR 0.05")})
		return err
	})
	add("a member applies with a write-off threshold", credit.ErrNotAuthorized, func(w *hostileWorld, key string) error {
		_, err := w.roles.Apply(hBG, member, key, credit.ApplyRequest{Account: "usd2", Partial: true, WriteOffBelow: hm("USD 0.05")})
		return err
	})
	add("charge back without an amount", credit.ErrInvalidAmount, chargeBack(credit.ChargeBackRequest{Payment: "pay1"}))
	add("charge back a negative amount", credit.ErrInvalidAmount, chargeBack(credit.ChargeBackRequest{Payment: "pay1", Amount: hm("USD -5")}))
	add("charge back an amount and all", credit.ErrInvalidRequest, chargeBack(credit.ChargeBackRequest{Payment: "pay1", Amount: hm("USD 5"), All: true}))
	add("charge back more than the payment counts for", credit.ErrInsufficientCredit, chargeBack(credit.ChargeBackRequest{Payment: "pay-full", Amount: hm("USD 40.01")}))
	add("charge back in another currency", credit.ErrCurrencyMismatch, chargeBack(credit.ChargeBackRequest{Payment: "pay1", Amount: hm("JPY 5")}))
	add("charge back an invoice", credit.ErrWrongKind, chargeBack(credit.ChargeBackRequest{Payment: "inv1", All: true}))
	add("charge back a credit memo", credit.ErrWrongKind, chargeBack(credit.ChargeBackRequest{Payment: "cm-exp", All: true}))
	add("charge back a reversed payment", credit.ErrBadState, chargeBack(credit.ChargeBackRequest{Payment: "pay-rev", All: true}))
	add("charge back an unknown payment", credit.ErrNotFound, chargeBack(credit.ChargeBackRequest{Payment: "nope", All: true}))
	add("charge back a payment of another namespace", credit.ErrNotFound, chargeBack(credit.ChargeBackRequest{Payment: "f-pay", All: true}))
	add("charge back with a reference too long", credit.ErrInvalidRequest, chargeBack(credit.ChargeBackRequest{Payment: "pay1", All: true, Reference: strings.Repeat("r", 1025)}))
	add("a member charges back", credit.ErrNotAuthorized, func(w *hostileWorld, key string) error {
		_, err := w.roles.ChargeBack(hBG, member, key, credit.ChargeBackRequest{Payment: "pay-b", All: true})
		return err
	})
	add("undo a charge back naming nothing", credit.ErrInvalidRequest, undo(credit.UndoChargeBackRequest{}))
	add("undo a payment as a charge back", credit.ErrWrongKind, undo(credit.UndoChargeBackRequest{ChargeBack: "pay1"}))
	add("undo an invoice as a charge back", credit.ErrWrongKind, undo(credit.UndoChargeBackRequest{ChargeBack: "inv1", Reapply: true}))
	add("undo an unknown charge back", credit.ErrNotFound, undo(credit.UndoChargeBackRequest{ChargeBack: "nope"}))
	add("refund taking back more than the credit counts for", credit.ErrInsufficientCredit, refund(credit.RefundRequest{Credit: "pay-full", Amount: hm("USD 40.01")}))
	add("refund taking back from an invoice", credit.ErrWrongKind, refund(credit.RefundRequest{Credit: "inv1", All: true}))
	add("refund taking back from a reversed payment", credit.ErrInsufficientCredit, refund(credit.RefundRequest{Credit: "pay-rev", All: true}))
	add("refund taking back from an expired credit", credit.ErrBadState, refund(credit.RefundRequest{Credit: "cm-exp", All: true}))
	add("refund taking back in another currency", credit.ErrCurrencyMismatch, refund(credit.RefundRequest{Credit: "pay-full", Amount: hm("EUR 1")}))
	add("refund taking back without an amount", credit.ErrInvalidAmount, refund(credit.RefundRequest{Credit: "pay-full"}))
	// Amounts that do not parse reach each operation as the zero Money.
	ops := []struct {
		name string
		call func(w *hostileWorld, key string, amt money.Money) error
	}{
		{"write off", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.WriteOff(hBG, p, key, credit.WriteOffRequest{Debit: "inv1", Amount: amt, Reason: reason})
			return err
		}},
		{"charge back", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.ChargeBack(hBG, p, key, credit.ChargeBackRequest{Payment: "pay1", Amount: amt})
			return err
		}},
		{"refund taking back", func(w *hostileWorld, key string, amt money.Money) error {
			_, err := w.l.Refund(hBG, p, key, credit.RefundRequest{Credit: "pay-full", Amount: amt, TakeBack: true})
			return err
		}},
	}
	for i, a := range hostileAmounts[:9] {
		op := ops[i%len(ops)]
		rows = append(rows, hostileRow{name: fmt.Sprintf("%s %s %q", op.name, a.cur, a.text), want: credit.ErrInvalidAmount,
			parse: func() (money.Money, error) { return money.New(a.cur, a.text) }, parseErr: a.want, call: op.call})
	}
	return rows
}

// TestTheREADMEListsEveryOperation: every Ledger method that writes (it
// takes an idempotency key) has a row in the README's Operations table.
func TestTheREADMEListsEveryOperation(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Operations\n")
	if !ok {
		t.Fatal("the README has no Operations section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	typ := reflect.TypeFor[*credit.Ledger]()
	n := 0
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if m.Type.NumIn() != 5 || m.Type.In(3).Kind() != reflect.String || !strings.HasSuffix(m.Type.In(4).Name(), "Request") {
			continue
		}
		n++
		if !strings.Contains(table, "`"+m.Name+"`") {
			t.Errorf("the README's Operations table has no row for %s", m.Name)
		}
	}
	if n < 20 {
		t.Errorf("found only %d writing methods", n)
	}
}

// BenchmarkOps15 times, on the memory store, one operation of each kind on a
// payment that paid two invoices: a plain refund of open credit (the
// reference), a refund that takes an application back, a partial charge
// back, a charge back undone with Reapply, and a write-off.
func BenchmarkOps15(b *testing.B) {
	setup := func(b *testing.B) *fixture {
		f := newFixture(b)
		f.open("A", "USD", credit.Term, "")
		f.invoice("A", "I1", "USD 10.00")
		f.invoice("A", "I2", "USD 5.00")
		f.payment("A", "P", "USD 25.00")
		f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "P", Debit: "I1"}, {Credit: "P", Debit: "I2"}}})
		return f
	}
	run := func(name string, op func(f *fixture) error) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				f := setup(b)
				b.StartTimer()
				if err := op(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("Refund", func(f *fixture) error {
		_, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "P", Amount: m("USD 5.00")})
		return err
	})
	run("RefundTakeBack", func(f *fixture) error {
		_, err := f.l.Refund(ctx, admin, f.key(), credit.RefundRequest{Credit: "P", Amount: m("USD 20.00"), TakeBack: true})
		return err
	})
	run("ChargeBackPart", func(f *fixture) error {
		_, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "P", Amount: m("USD 20.00")})
		return err
	})
	run("ChargeBackAndUndo", func(f *fixture) error {
		cb, err := f.l.ChargeBack(ctx, admin, f.key(), credit.ChargeBackRequest{Payment: "P", Amount: m("USD 20.00")})
		if err == nil {
			_, err = f.l.UndoChargeBack(ctx, admin, f.key(), credit.UndoChargeBackRequest{ChargeBack: cb.ChargeBack.ID, Reapply: true})
		}
		return err
	})
	run("WriteOff", func(f *fixture) error {
		f.invoice("A", "I3", "USD 1.00")
		_, err := f.l.WriteOff(ctx, admin, f.key(), credit.WriteOffRequest{Debit: "I3", All: true, Reason: "bad debt"})
		return err
	})
}
