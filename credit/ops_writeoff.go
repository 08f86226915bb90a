package credit

import (
	"context"
	"slices"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Writing off what a debit still owes, and reversing a write-off.
//
// A write-off is kept as a document of its own: a credit of kind Credit on
// the debit's account, naming the debit as Original and carrying the reason,
// applied at once to the debit by an application whose Policy is
// "write_off". It is never open, so nothing else can use it: it ends Closed
// while it stands and Reversed once taken back. The invariants of credits and
// debits therefore cover it as they cover any application; in particular the
// write-offs of a debit never add up to more than its amount.

// WriteOffPolicy is the Policy of the application that closes a debit's
// balance with a write-off: it tells write-offs apart from credit applied
// among a debit's applications.
const WriteOffPolicy = "write_off"

// WriteOffRequest closes what a debit still owes, or part of it, as not
// collectable. Give either Amount, at most the debit's open balance, or All
// for the whole open balance. Reason is required: it is kept on the
// write-off document and in the history.
type WriteOffRequest struct {
	Debit     string      `json:"debit"`
	Amount    money.Money `json:"amount,omitzero"`
	All       bool        `json:"all,omitempty"`
	Reason    string      `json:"reason"`
	Reference string      `json:"reference,omitempty"`
	Comment   string      `json:"comment,omitempty"`
}

// WriteOffResult is the debit and the write-off document as the operation
// left them, the applications it wrote (the write-off's application, or the
// reversals of a ReverseWriteOff) and the account's balances after.
type WriteOffResult struct {
	Debit        invoice.Document `json:"debit"`
	WriteOff     invoice.Document `json:"write_off"`
	Applications []Application    `json:"applications"`
	Balances     Balances         `json:"balances"`
}

// WriteOff closes part or all of a debit's open balance (ERPNext and Odoo:
// the difference amount posted to a write-off account; a bad debt). The
// outstanding balance rises by the amount, as if a credit paid it, and the
// history records a debit_written_off entry. It needs ActWriteOff.
func (l *Ledger) WriteOff(ctx context.Context, p Principal, key string, req WriteOffRequest) (WriteOffResult, error) {
	return run(l, ctx, p, key, req, writeOff)
}

var writeOff = &spec[WriteOffRequest, WriteOffResult]{
	method: "WriteOff",
	entry:  func(WriteOffRequest) EntryKind { return DebitWrittenOff },
	check: func(l *Ledger, req *WriteOffRequest) error {
		if err := checkID("debit", req.Debit, true); err != nil {
			return err
		}
		if req.Reason == "" {
			return fail(ErrInvalidRequest, "a write-off needs a reason")
		}
		if err := checkText(req.Reason, req.Reference, req.Comment); err != nil {
			return err
		}
		return wholeOrPart(req.Amount, req.All)
	},
	fingerprint: func(fp *encoder, req WriteOffRequest) {
		fp.str(req.Debit)
		fp.money(req.Amount)
		fp.bool(req.All)
		fp.str(req.Reason)
		fp.str(req.Reference)
		fp.str(req.Comment)
	},
	load: func(t *txn, req WriteOffRequest) error { return t.loadDocs(Query{Documents: []string{req.Debit}}) },
	authorize: func(t *txn, req WriteOffRequest) error {
		_, err := t.seeDoc(ActWriteOff, req.Debit)
		return err
	},
	compute: func(t *txn, req WriteOffRequest) (WriteOffResult, error) {
		d := t.docs[req.Debit]
		if err := t.writableDebit(d); err != nil {
			return WriteOffResult{}, err
		}
		amt := req.Amount
		if req.All {
			amt = d.Open
		}
		if amt.Currency() != d.Open.Currency() {
			return WriteOffResult{}, docErr(d.ID, fail(ErrCurrencyMismatch, "%s write-off of a %s debit", amt.Currency(), d.Open.Currency()))
		}
		if c, _ := amt.Cmp(d.Open); c > 0 {
			return WriteOffResult{}, docErr(d.ID, fail(ErrOverpaid, "%s is more than the open %s", amt, d.Open))
		}
		wo, app, err := t.writeOff(d, amt, req.Reason, req.Reference)
		if err != nil {
			return WriteOffResult{}, err
		}
		comment := req.Comment
		if comment == "" {
			comment = req.Reason
		}
		if err := t.record(d.Account, note{Kind: DebitWrittenOff, Document: d.ID, Amount: amt, Reference: req.Reference, Comment: comment}); err != nil {
			return WriteOffResult{}, err
		}
		return WriteOffResult{Debit: t.finalDoc(d.ID), WriteOff: t.finalDoc(wo), Applications: []Application{app},
			Balances: t.final(d.Account).Balances()}, nil
	},
}

// writableDebit checks that a resolved document is an open debit in its
// account's currency.
func (t *txn) writableDebit(d *invoice.Document) error {
	if !d.IsDebit() {
		return docErr(d.ID, fail(ErrWrongKind, "%q is a document of kind %s, not a debit", d.ID, d.Kind))
	}
	if d.Status != invoice.Open {
		return docErr(d.ID, fail(ErrBadState, "%q is %s with nothing owed", d.ID, d.Status))
	}
	return t.inAccountCurrency(d)
}

// writeOff closes amt of debit d with a new write-off document applied to
// it, and returns the document's id and the application. The caller
// records the history entry.
func (t *txn) writeOff(d *invoice.Document, amt money.Money, reason, reference string) (string, Application, error) {
	wo, err := t.issue(invoice.Document{ID: t.l.newID(), Account: d.Account, Kind: invoice.CreditGrant, Amount: amt, Open: amt,
		Issued: t.now, Status: invoice.Open, BillTo: d.BillTo, Reason: reason, Reference: reference, Original: d.ID})
	if err != nil {
		return "", Application{}, err
	}
	app, err := t.link(wo.ID, d.ID, amt, WriteOffPolicy)
	if err != nil {
		return "", Application{}, err
	}
	return wo.ID, app, nil
}

// ReverseWriteOffRequest takes back a write-off, named by the id of its
// document (WriteOffResult.WriteOff.ID).
type ReverseWriteOffRequest struct {
	WriteOff string `json:"write_off"`
	Comment  string `json:"comment,omitempty"`
}

// ReverseWriteOff takes back a write-off (the customer paid after all, or
// it was written off in error): its application is reversed, so that the
// debit owes the amount again, and the write-off document ends Reversed.
// The outstanding balance falls by the amount; the history records a
// write_off_reversed entry. It needs ActWriteOff. A write-off cannot be
// reversed by Unapply, which would leave its amount as open credit.
func (l *Ledger) ReverseWriteOff(ctx context.Context, p Principal, key string, req ReverseWriteOffRequest) (WriteOffResult, error) {
	return run(l, ctx, p, key, req, reverseWriteOff)
}

var reverseWriteOff = &spec[ReverseWriteOffRequest, WriteOffResult]{
	method: "ReverseWriteOff",
	entry:  func(ReverseWriteOffRequest) EntryKind { return WriteOffReversed },
	check: func(l *Ledger, req *ReverseWriteOffRequest) error {
		if err := checkID("write-off", req.WriteOff, true); err != nil {
			return err
		}
		return checkText(req.Comment)
	},
	fingerprint: func(fp *encoder, req ReverseWriteOffRequest) {
		fp.str(req.WriteOff)
		fp.str(req.Comment)
	},
	load: func(t *txn, req ReverseWriteOffRequest) error {
		if err := t.loadDocs(Query{Documents: []string{req.WriteOff}, ApplicationsOf: []string{req.WriteOff}}); err != nil {
			return err
		}
		var debits []string
		for _, a := range t.active(req.WriteOff) {
			debits = append(debits, a.Debit)
		}
		return t.loadDocs(Query{Documents: debits})
	},
	authorize: func(t *txn, req ReverseWriteOffRequest) error {
		_, err := t.seeDoc(ActWriteOff, req.WriteOff)
		return err
	},
	compute: func(t *txn, req ReverseWriteOffRequest) (WriteOffResult, error) {
		wo := t.docs[req.WriteOff]
		if !t.isWriteOff(wo) {
			return WriteOffResult{}, docErr(wo.ID, fail(ErrWrongKind, "%q is not a write-off", wo.ID))
		}
		active := t.active(wo.ID)
		if len(active) == 0 {
			return WriteOffResult{}, docErr(wo.ID, fail(ErrBadState, "the write-off %q is already reversed", wo.ID))
		}
		res := WriteOffResult{}
		total := money.Zero(wo.Amount.Currency())
		for i := len(active) - 1; i >= 0; i-- {
			if _, err := t.doc(active[i].Debit); err != nil {
				return WriteOffResult{}, err
			}
			rev, err := t.unlink(active[i])
			if err != nil {
				return WriteOffResult{}, err
			}
			res.Applications = append(res.Applications, rev)
			total, _ = total.Add(rev.Amount)
		}
		if err := t.take(wo.ID, total, invoice.Reversed); err != nil {
			return WriteOffResult{}, err
		}
		debit := active[0].Debit
		if err := t.record(wo.Account, note{Kind: WriteOffReversed, Document: debit, Amount: total, Comment: req.Comment}); err != nil {
			return WriteOffResult{}, err
		}
		res.Debit, res.WriteOff, res.Balances = t.finalDoc(debit), t.finalDoc(wo.ID), t.final(wo.Account).Balances()
		return res, nil
	},
}

// isWriteOff reports whether d is a write-off document: a credit of kind
// Credit with an application (or reversal) of the write-off policy. Its
// applications must have been loaded.
func (t *txn) isWriteOff(d *invoice.Document) bool {
	if d.Kind != invoice.CreditGrant || d.Original == "" {
		return false
	}
	return slices.ContainsFunc(t.appsOf[d.ID], func(id string) bool {
		a := t.app(id)
		return a.Credit == d.ID && a.Debit == d.Original && a.Policy == WriteOffPolicy
	})
}

// dropWriteOffs removes again what reversing write-off applications gave
// back to their write-off documents (an adjustment or a void reverses a
// debit's applications, newest first, write-offs among them): a write-off
// never becomes open credit. One reversed whole ends Reversed; one that
// still closes part of the debit stays Closed.
func (t *txn) dropWriteOffs(reversals []Application) error {
	for _, r := range reversals {
		wo := t.docs[r.Credit]
		if r.Policy != WriteOffPolicy || wo == nil || !wo.Open.IsPositive() {
			continue
		}
		end := invoice.Reversed
		if len(t.active(wo.ID)) > 0 {
			end = invoice.Closed
		}
		if err := t.take(wo.ID, wo.Open, end); err != nil {
			return err
		}
	}
	return nil
}

// writeOffResiduals writes off, for ApplyRequest.WriteOffBelow, what the
// applications apps left open on each debit they paid when it is below
// limit, and records one debit_written_off entry per debit.
func (t *txn) writeOffResiduals(apps []Application, limit money.Money, comment string) ([]Application, error) {
	var out []Application
	var seen []string
	for _, a := range apps {
		if slices.Contains(seen, a.Debit) {
			continue
		}
		seen = append(seen, a.Debit)
		d := t.docs[a.Debit]
		if d.Status != invoice.Open || t.accounts[d.Account].Currency != d.Open.Currency() {
			continue
		}
		if d.Open.Currency() != limit.Currency() {
			return nil, docErr(d.ID, fail(ErrCurrencyMismatch, "a write-off threshold in %s for a %s debit", limit.Currency(), d.Open.Currency()))
		}
		if c, _ := d.Open.Cmp(limit); c >= 0 {
			continue
		}
		amt := d.Open
		reason := "difference below " + limit.String() + " written off"
		_, app, err := t.writeOff(d, amt, reason, "")
		if err != nil {
			return nil, err
		}
		out = append(out, app)
		if comment == "" {
			comment = reason
		}
		if err := t.record(d.Account, note{Kind: DebitWrittenOff, Document: d.ID, Amount: amt, Comment: comment}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// authorizeWriteOffBelow asks for ActWriteOff on every account whose debits
// an Apply with WriteOffBelow may pay: the accounts of the documents named
// and the account named.
func authorizeWriteOffBelow(t *txn, req ApplyRequest) error {
	if !req.WriteOffBelow.IsValid() {
		return nil
	}
	accts := nonEmpty(req.Account)
	for _, id := range applyIDs(req) {
		accts = append(accts, t.docs[id].Account)
	}
	slices.Sort(accts)
	for _, a := range slices.Compact(accts) {
		if err := t.allow(ActWriteOff, a, func() error { return notFoundAccount(a) }); err != nil {
			return err
		}
	}
	return nil
}
