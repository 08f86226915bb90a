package invoice_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The bill-to rule: a credit that names a company pays only that company's
// debits, whoever the person; a credit without a company pays only the same
// person's.
func ExampleBillToMatches() {
	acmeAnn := invoice.Party{Company: "Acme", Person: "Ann"}
	acmeBob := invoice.Party{Company: "Acme", Person: "Bob"}
	globexAnn := invoice.Party{Company: "Globex", Person: "Ann"}
	ann := invoice.Party{Person: "Ann"}
	nobody := invoice.Party{}

	fmt.Println(invoice.BillToMatches(acmeAnn, acmeBob))   // same company
	fmt.Println(invoice.BillToMatches(acmeAnn, globexAnn)) // other company, same person
	fmt.Println(invoice.BillToMatches(ann, globexAnn))     // no company on the credit: persons match
	fmt.Println(invoice.BillToMatches(ann, acmeBob))       // persons differ
	fmt.Println(invoice.BillToMatches(nobody, nobody))     // empty persons never match
	// Output:
	// true
	// false
	// true
	// false
	// false
}

// Settle returns a changed copy; the original is kept, and a debit whose open
// balance reaches zero is paid.
func ExampleDocument_Settle() {
	inv := invoice.Document{
		ID: "INV-1001", Account: "acme", Kind: invoice.Invoice,
		Amount: money.MustParse("USD 1250.00"), Open: money.MustParse("USD 1250.00"),
		Issued: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Status: invoice.Open,
	}

	part, err := inv.Settle(money.MustParse("USD 400.00"))
	if err != nil {
		panic(err)
	}
	fmt.Println(part.Open, part.Status, "| original:", inv.Open, inv.Status)

	paid, _ := part.Settle(money.MustParse("USD 850.00"))
	fmt.Println(paid.Open, paid.Status)

	_, err = part.Settle(money.MustParse("USD 900.00"))
	fmt.Println(errors.Is(err, invoice.ErrInvalid))
	_, err = part.Settle(money.MustParse("EUR 10.00"))
	fmt.Println(errors.Is(err, money.ErrCurrencyMismatch))
	// Output:
	// USD 850.00 open | original: USD 1,250.00 open
	// USD 0.00 paid
	// true
	// true
}
