package allocatetest

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Base is the earliest date of a generated document; every date of a
// generated request falls within a few weeks of it.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	currencies  = []string{"JPY", "USD", "BHD"} // 0, 2 and 3 minor units
	companies   = []string{"", "acme", "globex"}
	persons     = []string{"", "ann", "bob"}
	debitKinds  = []invoice.Kind{invoice.Invoice, invoice.DebitMemo}
	creditKinds = []invoice.Kind{invoice.CreditMemo, invoice.Payment, invoice.Prepayment, invoice.CreditGrant}
)

// Requests returns the generator of the requests Check plans: a handful of
// debits and credits, mostly in one currency (JPY, USD or BHD) with
// sometimes a stray document in another; dates from a few days, so that
// many are equal; open, partly open and settled documents; recurring
// debits; credits with an expiry, some expired at AsOf; a few companies and
// persons, on credits with a company and without; no cap, a cap below the
// open total or one at or above it; Partial and BillTo on and off; now and
// then a document of the wrong kind on a side, now and then a pair the
// request skips (Request.Skip), and documents held in a foreign currency
// (invoice.Document.IsForeign), whose functional figures, at rates that
// differ from one document to the next, a policy must not plan with: a
// plan moves amounts in the documents' own currency.
//
// Two documents in three carry labels: PriorityLabel, an integer of a few
// values or now and then text that is not one, and sometimes "product".
func Requests() *rapid.Generator[allocate.Request] {
	return rapid.Custom(drawRequest)
}

// PriorityLabel is the label key that Requests draws priorities in, for a
// policy such as allocate.ByPriority(allocatetest.PriorityLabel, …).
const PriorityLabel = "priority"

// priorities and products are the label values drawn.
var (
	priorities = []string{"0", "1", "1", "2", "10", "-3", "high", ""}
	products   = []string{"storage", "compute"}
)

func drawRequest(t *rapid.T) allocate.Request {
	code := rapid.SampledFrom(currencies).Draw(t, "currency")
	cur := money.MustCurrency(code)
	other := money.MustCurrency(currencies[(indexOf(currencies, code)+1+rapid.IntRange(0, 1).Draw(t, "other currency"))%len(currencies)])
	var req allocate.Request
	req.AsOf = Base.AddDate(0, 0, rapid.IntRange(0, 12).Draw(t, "as of (days)"))
	req.Partial = rapid.Bool().Draw(t, "partial")
	req.BillTo = rapid.Bool().Draw(t, "bill to")

	nd := rapid.IntRange(0, 6).Draw(t, "debits")
	nc := rapid.IntRange(0, 6).Draw(t, "credits")
	for i := range nd {
		req.Debits = append(req.Debits, drawDocument(t, fmt.Sprintf("D%d", i+1), true, cur))
	}
	for i := range nc {
		req.Credits = append(req.Credits, drawDocument(t, fmt.Sprintf("C%d", i+1), false, cur))
	}
	if nd+nc > 0 && rapid.IntRange(0, 5).Draw(t, "stray currency") == 5 {
		k := rapid.IntRange(0, nd+nc-1).Draw(t, "stray document")
		d := &req.Debits
		if k >= nd {
			d, k = &req.Credits, k-nd
		}
		doc := &(*d)[k]
		doc.Amount = convert(doc.Amount, other)
		doc.Open = convert(doc.Open, other)
	}
	for _, docs := range [][]invoice.Document{req.Debits, req.Credits} {
		for i := range docs {
			if rapid.IntRange(0, 2).Draw(t, docs[i].ID+" foreign") == 2 {
				book(t, &docs[i])
			}
		}
	}

	var total int64
	for _, d := range req.Debits {
		if d.Open.Currency() == cur {
			m, _ := d.Open.Minor()
			total += m
		}
	}
	switch rapid.IntRange(0, 3).Draw(t, "cap kind") {
	case 2: // below the total, sometimes zero
		req.Cap, _ = money.FromMinor(cur, rapid.Int64Range(0, total/2+1).Draw(t, "cap (minor units)"))
	case 3: // at or above it
		req.Cap, _ = money.FromMinor(cur, rapid.Int64Range(total, 2*total+1).Draw(t, "cap (minor units)"))
	}
	if nd > 0 && nc > 0 && rapid.IntRange(0, 4).Draw(t, "skip a pair") == 4 {
		c := req.Credits[rapid.IntRange(0, nc-1).Draw(t, "skipped credit")].ID
		d := req.Debits[rapid.IntRange(0, nd-1).Draw(t, "skipped debit")].ID
		req.Skip = []allocate.SkipPair{{Credit: c, Debit: d}}
	}
	// Labels are drawn last, so that the rest of a request is what it was
	// before labels existed.
	for _, docs := range [][]invoice.Document{req.Debits, req.Credits} {
		for i := range docs {
			drawLabels(t, &docs[i])
		}
	}
	return req
}

// drawLabels gives d, two times in three, a PriorityLabel and sometimes a
// "product".
func drawLabels(t *rapid.T, d *invoice.Document) {
	if rapid.IntRange(0, 2).Draw(t, d.ID+" labelled") == 0 {
		return
	}
	d.Labels = map[string]string{PriorityLabel: rapid.SampledFrom(priorities).Draw(t, d.ID+" priority")}
	if rapid.Bool().Draw(t, d.ID+" product") {
		d.Labels["product"] = rapid.SampledFrom(products).Draw(t, d.ID+" product")
	}
}

func drawDocument(t *rapid.T, id string, debit bool, cur money.Currency) invoice.Document {
	kinds := creditKinds
	if debit {
		kinds = debitKinds
	}
	if rapid.IntRange(0, 19).Draw(t, id+" misfiled") == 19 {
		if debit {
			kinds = creditKinds
		} else {
			kinds = debitKinds
		}
	}
	d := invoice.Document{
		ID:      id,
		Account: "acct",
		Kind:    rapid.SampledFrom(kinds).Draw(t, id+" kind"),
		Issued:  Base.AddDate(0, 0, rapid.IntRange(0, 4).Draw(t, id+" issued (days)")),
		Status:  invoice.Open,
		BillTo: invoice.Party{
			Company: rapid.SampledFrom(companies).Draw(t, id+" company"),
			Person:  rapid.SampledFrom(persons).Draw(t, id+" person"),
		},
		Version: 1,
	}
	amount := rapid.OneOf(rapid.Int64Range(1, 3000), rapid.SampledFrom([]int64{100, 250, 500})).Draw(t, id+" amount (minor units)")
	open := amount
	switch rapid.IntRange(0, 7).Draw(t, id+" state") {
	case 7: // settled
		open = 0
		d.Status = invoice.Closed
		if d.IsDebit() {
			d.Status = invoice.Paid
		}
	case 6: // partly settled
		open = rapid.Int64Range(1, amount).Draw(t, id+" open (minor units)")
	}
	d.Amount, _ = money.FromMinor(cur, amount)
	d.Open, _ = money.FromMinor(cur, open)
	if d.IsDebit() {
		if rapid.Bool().Draw(t, id+" has due date") {
			d.Due = d.Issued.AddDate(0, 0, rapid.IntRange(0, 10).Draw(t, id+" due (days after issue)"))
		}
		d.Recurring = rapid.IntRange(0, 5).Draw(t, id+" recurring") == 5
	} else if rapid.Bool().Draw(t, id+" expires") {
		d.Expires = d.Issued.AddDate(0, 0, rapid.IntRange(1, 10).Draw(t, id+" expires (days after issue)"))
	}
	return d
}

// functional is the currency foreign documents are booked in; rates are
// the rates they are booked at, far apart so that the order of documents
// by functional value is not their order by open balance.
var (
	functional = money.MustCurrency("EUR")
	rates      = []string{"0.01", "0.5", "1.37", "3", "250"}
)

// book makes d a document held in its currency on an account kept in
// functional, booked at a drawn rate.
func book(t *rapid.T, d *invoice.Document) {
	r, err := money.NewRate(d.Amount.Currency(), functional, rapid.SampledFrom(rates).Draw(t, d.ID+" rate"))
	if err != nil {
		t.Fatal(err)
	}
	amount, err1 := r.Convert(d.Amount)
	open, err2 := r.Convert(d.Open)
	if err1 != nil || err2 != nil || !amount.To.IsPositive() {
		return
	}
	d.Rate, d.Functional, d.FunctionalOpen = r, amount.To, open.To
}

// convert gives m's minor units in cur (a different currency, same count).
func convert(m money.Money, cur money.Currency) money.Money {
	n, _ := m.Minor()
	r, _ := money.FromMinor(cur, n)
	return r
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
