package credit

import (
	"slices"
	"strings"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Revaluation as of a past moment: each foreign document's open balance as
// it stood then, in its own currency and in the functional one, rebuilt
// from its current state and what happened to it afterwards.
//
// The account's entries after the moment (found with Store.EntryAt, read
// with Store.History from there) name every document an operation changed
// since (Entry.Documents; an entry written before that field existed
// names none, so a document changed after the moment only by such entries
// would count as it stands now). A document no entry names is as it stood
// then; one whose issuing entry is after the
// moment is left out, whatever its issue date. A named one is rebuilt
// backward: its applications written after the moment
// had taken their amount off, so it is added back; reversals after it had
// given theirs back, so it is taken off; what adjustments, voids, refunds
// and reversals of a payment took off after it (the entry's Original, in
// the document's currency, and Amount, in the functional one) is added
// back. A credit that an expiry emptied after the moment cannot be rebuilt
// so (the expiry's entry holds only the total of every credit it emptied),
// and is rebuilt forward instead: its amount, less its applications up to
// the moment, plus their reversals, less what entries up to the moment
// took off. That case, and only it, reads the account's history before the
// moment, once for the account.
//
// Cost for one account: one EntryAt, the entries after the moment, the
// currently open documents, and for each document named after the moment
// its record and its applications (one Store.Load per MaxPage of them), so
// that a document costs its own applications, never the account's history,
// but for the expiry above.

// removingKinds are the kinds whose entry takes an amount off the document
// it names (Entry.Document) other than by an application; for a foreign
// document Original is that amount in its currency and Amount its
// functional value.
var removingKinds = map[EntryKind]bool{
	DocumentAdjusted: true, DocumentVoided: true, CreditRefunded: true, PaymentChargedBack: true,
	PaymentCancelled: true, CreditTransferredOut: true,
}

// issuingKinds are the kinds whose entry names the document it issues.
var issuingKinds = map[EntryKind]bool{
	InvoiceIssued: true, DebitMemoIssued: true, ChargedToCreditLine: true, PaymentReceived: true,
	BalancePaid: true, BalancePaymentEdited: true, CreditIssued: true, CreditMemoIssued: true,
	PurchaseCredited: true, CreditTransferredIn: true,
}

// pastOpen is a document's open balance at a moment, in its currency and
// in its account's.
type pastOpen struct {
	own, functional money.Money
}

// add adds (or, with neg, subtracts) own and functional to p.
func (p *pastOpen) add(own, functional money.Money, neg bool) error {
	if neg {
		own, functional = own.Neg(), functional.Neg()
	}
	var err error
	if p.own, err = p.own.Add(own); err != nil {
		return err
	}
	p.functional, err = p.functional.Add(functional)
	return err
}

// afterMoment is what an account's entries after a moment say about its
// documents.
type afterMoment struct {
	cut     int64               // Seq of the account's last entry at or before the moment
	named   map[string]bool     // documents an entry after the moment changed
	issued  map[string]bool     // documents issued after the moment
	removed map[string]pastOpen // what entries after it took off documents, not by an application
	expired map[string]bool     // documents an expiry after it emptied
}

// readAfter reads the account's entries after asOf; ok is false when the
// account had no history at asOf.
func (t *txn) readAfter(account string, asOf time.Time) (am afterMoment, ok bool, err error) {
	e, ok, err := t.l.store.EntryAt(t.ctx, t.ns, account, asOf)
	if err != nil || !ok {
		return am, false, err
	}
	am = afterMoment{cut: e.Seq, named: map[string]bool{}, issued: map[string]bool{}, removed: map[string]pastOpen{},
		expired: map[string]bool{}}
	after := e.Seq
	for {
		if err := t.ctx.Err(); err != nil {
			return am, false, err
		}
		page, err := t.l.store.History(t.ctx, t.ns, account, after, MaxPage)
		if err != nil {
			return am, false, err
		}
		for _, e := range page {
			if err := am.note(e); err != nil {
				return am, false, acctErr(account, err)
			}
		}
		if len(page) < MaxPage {
			return am, true, nil
		}
		after = page[len(page)-1].Seq
	}
}

// note takes one entry after the moment into account.
func (am *afterMoment) note(e Entry) error {
	for _, id := range e.Documents {
		am.named[id] = true
		if e.Kind == CreditExpired {
			am.expired[id] = true
		}
	}
	if e.Document == "" {
		return nil
	}
	am.named[e.Document] = true
	switch {
	case issuingKinds[e.Kind]:
		am.issued[e.Document] = true
	case removingKinds[e.Kind] && e.Original.IsValid():
		p, seen := am.removed[e.Document]
		if !seen {
			am.removed[e.Document] = pastOpen{own: e.Original, functional: e.Amount}
			return nil
		}
		if err := p.add(e.Original, e.Amount, false); err != nil {
			return err
		}
		am.removed[e.Document] = p
	}
	return nil
}

// revalueAccountAsOf adds the foreign documents of account that were open
// at res.AsOf, with their open balances then, to res (see the comment at
// the top of this file).
func (t *txn) revalueAccountAsOf(account string, rates []money.Rate, res *Revaluation) error {
	am, ok, err := t.readAfter(account, res.AsOf)
	if err != nil || !ok {
		return err
	}
	r := &pastAccount{account: account, asOf: res.AsOf, am: am, rebuilt: map[string]pastOpen{}, apps: map[string][]Application{}}
	if err := r.untouched(t); err != nil {
		return err
	}
	if err := r.rebuild(t); err != nil {
		return err
	}
	if len(r.forward) > 0 {
		if err := t.openForward(account, r.asOf, am.cut, r.forward, r.apps, r.rebuilt); err != nil {
			return err
		}
		r.asThen = append(r.asThen, r.forward...)
	}
	return r.revalue(rates, res)
}

// pastAccount gathers the foreign documents an account had open at a
// moment, as they stood then.
type pastAccount struct {
	account string
	asOf    time.Time
	am      afterMoment
	asThen  []*invoice.Document      // foreign documents as they stood at asOf
	rebuilt map[string]pastOpen      // their open balances then, when not their current ones
	apps    map[string][]Application // the applications of the documents rebuilt, by document
	forward []*invoice.Document      // documents an expiry after asOf emptied, rebuilt forwards
}

// counts reports whether d is a foreign document of the account issued by
// the moment.
func (r *pastAccount) counts(d *invoice.Document) bool {
	return d.Account == r.account && d.IsForeign() && !d.Issued.After(r.asOf) && !r.am.issued[d.ID]
}

// untouched adds the documents open now that no entry after the moment
// named: they stand as they stood then.
func (r *pastAccount) untouched(t *txn) error {
	f := DocumentFilter{Account: r.account, OpenOnly: true, Limit: MaxPage}
	for {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		page, err := t.l.store.Documents(t.ctx, t.ns, f)
		if err != nil {
			return err
		}
		for i := range page {
			if d := &page[i]; r.counts(d) && !r.am.named[d.ID] {
				r.asThen = append(r.asThen, d)
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.After = page[len(page)-1].ID
	}
}

// rebuild loads the documents an entry after the moment named, a page at a
// time, and works their open balances back to the moment; those an expiry
// emptied go to r.forward, to be rebuilt from their applications forwards.
func (r *pastAccount) rebuild(t *txn) error {
	named := make([]string, 0, len(r.am.named))
	for id := range r.am.named {
		named = append(named, id)
	}
	slices.SortFunc(named, strings.Compare)
	for len(named) > 0 {
		n := min(len(named), MaxPage)
		s, err := t.l.store.Load(t.ctx, Query{Namespace: t.ns, Documents: named[:n], ApplicationsOf: named[:n]})
		if err != nil {
			return err
		}
		for _, a := range s.Applications {
			r.apps[a.Credit] = append(r.apps[a.Credit], a)
			if a.Debit != a.Credit {
				r.apps[a.Debit] = append(r.apps[a.Debit], a)
			}
		}
		for _, id := range named[:n] {
			d, ok := s.Documents[id]
			if !ok || !r.counts(&d) {
				continue
			}
			if r.am.expired[id] {
				r.forward = append(r.forward, &d)
				continue
			}
			p, err := openBackward(&d, r.apps[id], r.asOf, r.am.removed[id])
			if err != nil {
				return docErr(id, err)
			}
			r.rebuilt[id] = p
			r.asThen = append(r.asThen, &d)
		}
		named = named[n:]
	}
	return nil
}

// revalue adds the documents as they stood, in order, to res, and the
// account's difference when it has one.
func (r *pastAccount) revalue(rates []money.Rate, res *Revaluation) error {
	sortDocs(r.asThen)
	var total money.Money
	for _, d := range r.asThen {
		if p, ok := r.rebuilt[d.ID]; ok {
			if p.own.IsNegative() || p.functional.IsNegative() {
				return docErr(d.ID, fail(ErrBrokenHistory, "%q rebuilt as of %s with open balance %s / %s",
					d.ID, r.asOf.Format(time.RFC3339), p.own, p.functional))
			}
			if p.own.IsZero() {
				continue
			}
			then := *d
			then.Open, then.FunctionalOpen = p.own, p.functional
			d = &then
		}
		if err := res.add(d, rates, r.account, &total); err != nil {
			return err
		}
	}
	if total.IsValid() {
		res.Accounts = append(res.Accounts, RevaluedAccount{Account: r.account, Difference: total})
	}
	return nil
}

// later reports whether an application or entry time t is after asOf,
// compared to the microsecond like Store.EntryAt.
func later(t, asOf time.Time) bool {
	return t.Truncate(time.Microsecond).After(asOf.Truncate(time.Microsecond))
}

// openBackward rebuilds d's open balance at asOf from its current one, its
// applications (and reversals) and what entries after asOf removed.
func openBackward(d *invoice.Document, apps []Application, asOf time.Time, removed pastOpen) (pastOpen, error) {
	p := pastOpen{own: d.Open, functional: d.FunctionalOpen}
	for _, a := range apps {
		if !later(a.At, asOf) {
			continue
		}
		// An application after asOf had taken its amount off; a reversal
		// had given it back.
		if err := p.add(a.Amount, shareOf(a, d.ID), a.Reverses != ""); err != nil {
			return pastOpen{}, err
		}
	}
	if removed.own.IsValid() {
		if err := p.add(removed.own, removed.functional, false); err != nil {
			return pastOpen{}, err
		}
	}
	return p, nil
}

// openForward rebuilds the open balances at asOf of docs, credits an
// expiry emptied after it, into rebuilt: in time order, each is issued for
// its amount, less its applications, plus their reversals, less what the
// account's entries up to cut took off it, and emptied by each expiry that
// named it (an unapplication may reopen an expired credit, which a later
// expiry empties again). Applications written by the operation of an entry
// carry its time and count first.
func (t *txn) openForward(account string, asOf time.Time, cut int64, docs []*invoice.Document, apps map[string][]Application, rebuilt map[string]pastOpen) error {
	type fwd struct {
		d    *invoice.Document
		p    pastOpen
		apps []Application // by time
		next int
	}
	// until counts f's applications up to at, at included.
	until := func(f *fwd, at time.Time) error {
		for ; f.next < len(f.apps) && !later(f.apps[f.next].At, at); f.next++ {
			a := f.apps[f.next]
			if err := f.p.add(a.Amount, shareOf(a, f.d.ID), a.Reverses == ""); err != nil {
				return docErr(f.d.ID, err)
			}
		}
		return nil
	}
	byID := make(map[string]*fwd, len(docs))
	for _, d := range docs {
		f := &fwd{d: d, p: pastOpen{own: d.Amount, functional: d.Functional}, apps: slices.Clone(apps[d.ID])}
		slices.SortStableFunc(f.apps, func(x, y Application) int { return x.At.Compare(y.At) })
		byID[d.ID] = f
	}
	var seq int64
	for seq < cut {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		page, err := t.l.store.History(t.ctx, t.ns, account, seq, min(MaxPage, int(cut-seq)))
		if err != nil {
			return err
		}
		for _, e := range page {
			if e.Seq > cut {
				break
			}
			if f, ok := byID[e.Document]; ok && removingKinds[e.Kind] && e.Original.IsValid() {
				if err := until(f, e.At); err != nil {
					return err
				}
				if err := f.p.add(e.Original, e.Amount, true); err != nil {
					return docErr(e.Document, err)
				}
			}
			if e.Kind != CreditExpired {
				continue
			}
			for _, id := range e.Documents {
				if f, ok := byID[id]; ok {
					if err := until(f, e.At); err != nil {
						return err
					}
					f.p = pastOpen{own: money.Zero(f.d.Amount.Currency()), functional: money.Zero(f.d.Functional.Currency())}
				}
			}
		}
		if len(page) == 0 {
			break
		}
		seq = page[len(page)-1].Seq
	}
	for id, f := range byID {
		if err := until(f, asOf); err != nil {
			return err
		}
		rebuilt[id] = f.p
	}
	return nil
}

// shareOf is what application a moved on document doc in its account's
// currency: the debit's share or the credit's.
func shareOf(a Application, doc string) money.Money {
	if doc == a.Debit {
		return a.Value()
	}
	return a.CreditValue()
}
