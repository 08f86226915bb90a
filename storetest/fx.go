package storetest

import (
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Documents held in a foreign currency (credit package doc, "Documents in a
// foreign currency"): the clauses checkState adds for them.

// checkForeignDoc checks a foreign document's functional figures: in the
// rate's target currency, 0 ≤ FunctionalOpen ≤ Functional, and nothing
// left in the account's currency once nothing is left in the document's.
func checkForeignDoc(d invoice.Document) problems {
	var p problems
	to := d.Rate.To()
	switch {
	case d.Rate.From() != d.Amount.Currency():
		p.add("document %s: amount in %s booked at %s", d.ID, d.Amount.Currency(), d.Rate)
	case d.Functional.Currency() != to || d.FunctionalOpen.Currency() != to:
		p.add("document %s: functional %s / %s, rate to %s", d.ID, d.Functional, d.FunctionalOpen, to)
	case minor(d.FunctionalOpen) < 0 || minor(d.FunctionalOpen) > minor(d.Functional) || minor(d.Functional) <= 0:
		p.add("document %s: functional open %s of %s", d.ID, d.FunctionalOpen, d.Functional)
	case d.Open.IsZero() && !d.FunctionalOpen.IsZero():
		p.add("document %s: settled in %s with %s left", d.ID, d.Open.Currency(), d.FunctionalOpen)
	}
	return p
}

// checkForeignApps checks the applications of foreign documents: both
// documents in the application's currency and booked in one functional
// currency, a debit value and a difference in it (none for documents in
// their account's currency), a reversal with the figures of what it
// undoes, and, per document, that what left its functional balance is
// what its active applications say (its functional amount less its
// functional open balance, when applications are all that took from it;
// the state machine of foreign documents does only those).
func checkForeignApps(apps map[string]credit.Application, docs map[string]invoice.Document) problems {
	var p problems
	for _, a := range apps {
		c, cok := docs[a.Credit]
		d, dok := docs[a.Debit]
		if !cok || !dok {
			continue
		}
		foreign := c.IsForeign() || d.IsForeign()
		switch {
		case !foreign && (a.DebitValue.IsValid() || a.Difference.IsValid()):
			p.add("application %s of documents in their account's currency has a value %s and difference %s", a.ID, a.DebitValue, a.Difference)
		case !foreign:
		case c.Amount.Currency() != d.Amount.Currency() || a.Amount.Currency() != d.Amount.Currency():
			p.add("application %s matches %s and %s in %s", a.ID, c.Amount, d.Amount, a.Amount.Currency())
		case a.DebitValue.Currency() != d.OpenValue().Currency() || a.Difference.Currency() != d.OpenValue().Currency() ||
			c.OpenValue().Currency() != d.OpenValue().Currency():
			p.add("application %s: value %s, difference %s, documents booked in %s and %s", a.ID, a.DebitValue, a.Difference,
				c.OpenValue().Currency(), d.OpenValue().Currency())
		case minor(a.DebitValue) < 0 || minor(a.CreditValue()) < 0:
			p.add("application %s takes %s from the debit and %s from the credit", a.ID, a.DebitValue, a.CreditValue())
		}
		if a.Reverses != "" {
			if orig, ok := apps[a.Reverses]; ok && (!orig.DebitValue.Equal(a.DebitValue) || !orig.Difference.Equal(a.Difference)) {
				p.add("reversal %s does not mirror the figures of %s", a.ID, orig.ID)
			}
		}
	}
	return p
}
