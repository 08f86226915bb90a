package storetest

import (
	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// The state machine's steps for write-offs, charge backs and their
// undoing, and refunds that take applications back, with the model's
// rules for them.
//
// A write-off is a document of its own (kind Credit, Original the debit)
// applied to the debit at once; a charge back is a document of its own
// (kind Credit, Original the payment) that receives the amount charged
// back and ends Reversed. The model keeps both as documents, so that the
// invariants of every document cover them.

// mChargeBack is what the model remembers of a charge back: its payment
// and, oldest application first, the debits it reopened with the amount
// it reopened on each (net of the part applied again).
type mChargeBack struct {
	payment  string
	reopened []mReopened
}

type mReopened struct {
	debit  string
	amount int64
}

// dropWriteOffs removes what reversing write-off applications gave back
// to their documents: a write-off reversed whole ends Reversed, one still
// closing part of its debit Closed.
func (m *model) dropWriteOffs() {
	for _, id := range m.writeOffs {
		wo := m.docs[id]
		if wo.open == 0 {
			continue
		}
		end := invoice.Reversed
		if len(m.active(id)) > 0 {
			end = invoice.Closed
		}
		amt := wo.open
		m.take(wo, amt, end)
		wo.status = end
		wo.removed += amt
		m.total -= amt
	}
}

// takeBack predicts the applications a credit gives back to free need
// beyond its open balance, newest first, the last one in part; it checks
// the Ledger's reversals and re-applications against it, applies them to
// the model, and returns what each debit got back, oldest application
// first.
func (mc *machine) takeBack(t *rapid.T, name string, c *mDoc, need int64, reversals, kept []credit.Application) []mReopened {
	t.Helper()
	active := mc.m.active(c.id)
	var reopened []mReopened
	nrev, nkept := 0, 0
	for i := len(active) - 1; i >= 0 && need > 0; i-- {
		a := active[i]
		if nrev >= len(reversals) || reversals[nrev].Reverses != a.id {
			t.Fatalf("%s: reversal %d is %+v, the model expects one of %s (newest first)", name, nrev, reversals, a.id)
		}
		nrev++
		mc.m.unlink(a)
		back := a.amount
		if keep := a.amount - need; keep > 0 {
			if nkept >= len(kept) || minor(kept[nkept].Amount) != keep || kept[nkept].Debit != a.debit || kept[nkept].Credit != c.id {
				t.Fatalf("%s: kept %+v, the model expects %d cents of %s on %s", name, kept, keep, c.id, a.debit)
			}
			mc.m.link(kept[nkept].ID, c.id, a.debit, keep)
			nkept++
			back = need
		}
		reopened = append([]mReopened{{debit: a.debit, amount: back}}, reopened...)
		need -= a.amount
	}
	if nrev != len(reversals) || nkept != len(kept) {
		t.Fatalf("%s: %d reversals and %d applications kept, the model expects %d and %d", name, len(reversals), len(kept), nrev, nkept)
	}
	return reopened
}

// takesBackFromClosed reports whether taking need cents back from credit
// c, its applications newest first, reopens a debit of a closed account.
func (m *model) takesBackFromClosed(c *mDoc, need int64) bool {
	active := m.active(c.id)
	for i := len(active) - 1; i >= 0 && need > 0; i-- {
		if m.touchesClosed(active[i]) {
			return true
		}
		need -= active[i].amount
	}
	return false
}

// countsFor is what a credit still counts for: open and applied.
func (m *model) countsFor(c *mDoc) int64 {
	n := c.open
	for _, a := range m.active(c.id) {
		n += a.amount
	}
	return n
}

func (mc *machine) writeOff(t *rapid.T) {
	d := mc.pick(t, "debit", anyDebit)
	all := rapid.Bool().Draw(t, "all")
	amt := d.open
	if !all {
		amt = mc.amount(t, "amount")
	}
	call := func(k string) (any, error) {
		req := credit.WriteOffRequest{Debit: d.id, All: all, Reason: "bad debt"}
		if !all {
			req.Amount = cents(amt)
		}
		return mc.f.l.WriteOff(mc.f.ctx, mc.f.p, k, req)
	}
	switch {
	case d.status != invoice.Open:
		mc.fails(t, "WriteOff a settled debit", credit.ErrBadState, call)
		return
	case amt > d.open:
		mc.fails(t, "WriteOff more than is owed", credit.ErrOverpaid, call)
		return
	}
	r := mc.succeeds(t, "WriteOff", call).(credit.WriteOffResult)
	if len(r.Applications) != 1 || r.WriteOff.Original != d.id || r.WriteOff.Kind != invoice.CreditGrant {
		t.Fatalf("WriteOff wrote %+v", r)
	}
	wo := &mDoc{id: r.WriteOff.ID, account: d.account, kind: invoice.CreditGrant, amount: amt, open: amt, status: invoice.Open, original: d.id, record: true}
	mc.m.addDoc(wo)
	mc.m.link(r.Applications[0].ID, wo.id, d.id, amt)
	mc.m.apps[r.Applications[0].ID].writeOff = true
	mc.m.writeOffs = append(mc.m.writeOffs, wo.id)
	mc.checkWriteOffs(t, d.id)
}

// checkWriteOffs fails the test when the write-offs of a debit add up to
// more than its amount.
func (mc *machine) checkWriteOffs(t *rapid.T, debit string) {
	if p := mc.m.writeOffProblems(); len(p) > 0 {
		t.Fatalf("after writing off %s:\n%s", debit, join(p))
	}
}

// writeOffProblems checks the invariant of write-offs: on every debit,
// those in force never add up to more than its amount.
func (m *model) writeOffProblems() problems {
	var p problems
	sums := map[string]int64{}
	for _, id := range m.appIDs {
		if a := m.apps[id]; a.writeOff && !a.reversed {
			sums[a.debit] += a.amount
		}
	}
	for debit, sum := range sums {
		if d := m.docs[debit]; sum > d.amount {
			p.add("the write-offs of %s add up to %d cents, more than its amount %d", debit, sum, d.amount)
		}
	}
	return p
}

func (mc *machine) reverseWriteOff(t *rapid.T) {
	if len(mc.m.writeOffs) == 0 {
		t.Skip("no write-off")
	}
	wo := mc.m.docs[rapid.SampledFrom(mc.m.writeOffs).Draw(t, "write-off")]
	if mc.m.accounts[wo.account].closed {
		t.Skip("the write-off's account is closed")
	}
	call := func(k string) (any, error) {
		return mc.f.l.ReverseWriteOff(mc.f.ctx, mc.f.p, k, credit.ReverseWriteOffRequest{WriteOff: wo.id})
	}
	active := mc.m.active(wo.id)
	if len(active) == 0 {
		mc.fails(t, "ReverseWriteOff of one reversed", credit.ErrBadState, call)
		return
	}
	r := mc.succeeds(t, "ReverseWriteOff", call).(credit.WriteOffResult)
	if len(r.Applications) != len(active) {
		t.Fatalf("ReverseWriteOff wrote %d reversals, the model expects %d", len(r.Applications), len(active))
	}
	var total int64
	for _, a := range active {
		mc.m.unlink(a)
		total += a.amount
	}
	mc.m.take(wo, total, invoice.Reversed)
	wo.removed += total
	mc.m.total -= total
}

// takeBackAmount draws what a charge back or a refund that takes back asks
// of credit c: all it counts for, or an amount (often within it); counts is
// what c counts for (its open balance and what its applications applied).
func (mc *machine) takeBackAmount(t *rapid.T, c *mDoc) (all bool, amt, counts int64) {
	all = rapid.Bool().Draw(t, "all")
	counts = mc.m.countsFor(c)
	amt = counts
	if !all {
		amt = mc.amount(t, "amount")
		if counts > 0 && rapid.Bool().Draw(t, "within") {
			amt = rapid.Int64Range(1, counts).Draw(t, "amount within")
		}
	}
	return all, amt, counts
}

func (mc *machine) chargeBack(t *rapid.T) {
	c := mc.pick(t, "payment", anyCredit)
	all, amt, counts := mc.takeBackAmount(t, c)
	call := func(k string) (any, error) {
		req := credit.ChargeBackRequest{Payment: c.id, All: all, Reference: "DSP"}
		if !all {
			req.Amount = cents(amt)
		}
		return mc.f.l.ChargeBack(mc.f.ctx, mc.f.p, k, req)
	}
	switch {
	case c.kind != invoice.Payment && c.kind != invoice.Prepayment:
		mc.fails(t, "ChargeBack of a "+c.kind.String(), credit.ErrWrongKind, call)
		return
	case counts == 0:
		mc.fails(t, "ChargeBack of a payment that counts for nothing", credit.ErrBadState, call)
		return
	case amt > counts:
		mc.fails(t, "ChargeBack of more than the payment counts for", credit.ErrInsufficientCredit, call)
		return
	}
	if mc.m.takesBackFromClosed(c, amt-c.open) {
		mc.fails(t, "ChargeBack reopening a debit of a closed account", credit.ErrAccountClosed, call)
		return
	}
	r := mc.succeeds(t, "ChargeBack", call).(credit.ChargeBackResult)
	reopened := mc.takeBack(t, "ChargeBack", c, amt-c.open, r.Reversals, r.Applications)
	end := invoice.Reversed
	if len(mc.m.active(c.id)) > 0 {
		end = invoice.Closed
	}
	mc.m.take(c, amt, end)
	c.removed += amt
	mc.m.total -= amt
	if minor(r.ChargeBack.Amount) != amt || r.ChargeBack.Original != c.id || r.ChargeBack.Status != invoice.Reversed {
		t.Fatalf("ChargeBack: the record is %+v, the model expects %d cents of %s, reversed", r.ChargeBack, amt, c.id)
	}
	cb := &mDoc{id: r.ChargeBack.ID, account: c.account, kind: invoice.CreditGrant, amount: amt, open: amt, status: invoice.Open, original: c.id, record: true}
	mc.m.addDoc(cb)
	mc.m.take(cb, amt, invoice.Reversed)
	cb.removed += amt
	mc.m.total -= amt
	mc.m.chargeBacks[cb.id] = &mChargeBack{payment: c.id, reopened: reopened}
}

func (mc *machine) undoChargeBack(t *rapid.T) {
	if len(mc.m.chargeBacks) == 0 {
		t.Skip("no charge back")
	}
	id := rapid.SampledFrom(sortedKeys(mc.m.chargeBacks)).Draw(t, "charge back")
	reapply := rapid.Bool().Draw(t, "reapply")
	cb, rec := mc.m.docs[id], mc.m.chargeBacks[id]
	if mc.m.accounts[cb.account].closed {
		t.Skip("the charge back's account is closed")
	}
	call := func(k string) (any, error) {
		return mc.f.l.UndoChargeBack(mc.f.ctx, mc.f.p, k, credit.UndoChargeBackRequest{ChargeBack: id, Reapply: reapply})
	}
	if cb.status != invoice.Reversed {
		mc.fails(t, "UndoChargeBack of one undone", credit.ErrBadState, call)
		return
	}
	if reapply && mc.m.accounts[cb.account].held {
		mc.fails(t, "UndoChargeBack applying again on a held account", credit.ErrOnHold, call)
		return
	}
	r := mc.succeeds(t, "UndoChargeBack", call).(credit.UndoChargeBackResult)
	pay := mc.m.docs[rec.payment]
	// The record takes the amount back and gives it up again, to the
	// payment.
	cb.status = invoice.Closed
	mc.m.restore(pay, cb.amount)
	pay.removed -= cb.amount
	mc.m.total += cb.amount
	var want []mReopened
	if reapply {
		for _, ro := range rec.reopened {
			d := mc.m.docs[ro.debit]
			if d.status != invoice.Open || pay.status != invoice.Open {
				continue
			}
			amt := min(ro.amount, d.open, pay.open)
			if amt <= 0 {
				continue
			}
			i := len(want)
			if i >= len(r.Applications) || r.Applications[i].Debit != d.id || minor(r.Applications[i].Amount) != amt {
				t.Fatalf("UndoChargeBack applied again %+v, the model expects %d cents on %s at %d", r.Applications, amt, d.id, i)
			}
			mc.m.link(r.Applications[i].ID, pay.id, d.id, amt)
			want = append(want, mReopened{debit: d.id, amount: amt})
		}
	}
	if len(want) != len(r.Applications) {
		t.Fatalf("UndoChargeBack applied again %+v, the model expects %v", r.Applications, want)
	}
}

func (mc *machine) refundTakeBack(t *rapid.T) {
	c := mc.pick(t, "credit", anyCredit)
	all, amt, counts := mc.takeBackAmount(t, c)
	call := func(k string) (any, error) {
		req := credit.RefundRequest{Credit: c.id, All: all, TakeBack: true}
		if !all {
			req.Amount = cents(amt)
		}
		return mc.f.l.Refund(mc.f.ctx, mc.f.p, k, req)
	}
	isWriteOff := false
	for _, id := range mc.m.writeOffs {
		isWriteOff = isWriteOff || id == c.id
	}
	switch {
	case isWriteOff:
		mc.fails(t, "Refund a write-off", credit.ErrWrongKind, call)
		return
	case mc.m.accounts[c.account].held:
		mc.fails(t, "Refund taking back on a held account", credit.ErrOnHold, call)
		return
	case amt == 0 || amt > counts:
		mc.fails(t, "Refund more than the credit counts for", credit.ErrInsufficientCredit, call)
		return
	}
	if mc.m.takesBackFromClosed(c, amt-c.open) {
		mc.fails(t, "Refund taking back from a debit of a closed account", credit.ErrAccountClosed, call)
		return
	}
	r := mc.succeeds(t, "Refund taking back", call).(credit.RefundResult)
	if amt > c.open {
		mc.takeBack(t, "Refund taking back", c, amt-c.open, r.Reversals, r.Applications)
	} else if len(r.Reversals)+len(r.Applications) > 0 {
		t.Fatalf("Refund within the open balance took back %+v", r.Reversals)
	}
	mc.m.take(c, amt, invoice.Refunded)
	c.removed += amt
	mc.m.total -= amt
}
