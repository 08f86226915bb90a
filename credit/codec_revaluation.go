package credit

import "github.com/arcredit/arcredit/invoice"

// The stored encoding of a Revaluation (tagRevaluation), the result of
// RecordUnrealized: its date, its documents, its accounts and its unrated
// documents, each field in declaration order.

// minRevaluedDocument and minRevaluedAccount are the fewest bytes an
// element takes (a length byte for each string and amount, the kind).
const (
	minRevaluedDocument = 8
	minRevaluedAccount  = 2
)

func (e *encoder) revaluation(r *Revaluation) {
	e.time(r.AsOf)
	e.list(len(r.Documents), r.Documents == nil)
	for i := range r.Documents {
		d := &r.Documents[i]
		e.str(d.Document)
		e.str(d.Account)
		e.byte(byte(d.Kind))
		e.money(d.Open)
		e.money(d.Booked)
		e.rate(d.Rate)
		e.money(d.Revalued)
		e.money(d.Difference)
	}
	e.list(len(r.Accounts), r.Accounts == nil)
	for i := range r.Accounts {
		e.str(r.Accounts[i].Account)
		e.money(r.Accounts[i].Difference)
	}
	e.strs(r.Unrated)
}

func (d *decoder) revaluation(r *Revaluation) {
	r.AsOf = d.time()
	if n, isNil := d.list(minRevaluedDocument); !isNil {
		r.Documents = make([]RevaluedDocument, n)
		for i := range r.Documents {
			v := &r.Documents[i]
			v.Document = d.str()
			v.Account = d.str()
			v.Kind = invoice.Kind(d.byte())
			v.Open = d.money()
			v.Booked = d.money()
			v.Rate = d.rate()
			v.Revalued = d.money()
			v.Difference = d.money()
		}
	}
	if n, isNil := d.list(minRevaluedAccount); !isNil {
		r.Accounts = make([]RevaluedAccount, n)
		for i := range r.Accounts {
			r.Accounts[i].Account = d.str()
			r.Accounts[i].Difference = d.money()
		}
	}
	r.Unrated = d.strs()
}
