package allocate_test

import (
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

var day0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// on returns the date n days after day0.
func on(n int) time.Time { return day0.AddDate(0, 0, n) }

// debit returns an open invoice of amount ("USD 250.00") issued on day n.
func debit(id, amount string, n int) invoice.Document {
	m := money.MustParse(amount)
	return invoice.Document{ID: id, Account: "acct", Kind: invoice.Invoice, Amount: m, Open: m, Issued: on(n), Status: invoice.Open, Version: 1}
}

// credit returns an open credit memo of amount issued on day n.
func credit(id, amount string, n int) invoice.Document {
	m := money.MustParse(amount)
	return invoice.Document{ID: id, Account: "acct", Kind: invoice.CreditMemo, Amount: m, Open: m, Issued: on(n), Status: invoice.Open, Version: 1}
}

func billTo(d invoice.Document, company, person string) invoice.Document {
	d.BillTo = invoice.Party{Company: company, Person: person}
	return d
}
