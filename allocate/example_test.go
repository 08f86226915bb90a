package allocate_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

func doc(id string, kind invoice.Kind, amount string, issued string) invoice.Document {
	m := money.MustParse(amount)
	t, _ := time.Parse("2006-01-02", issued)
	return invoice.Document{ID: id, Account: "acct-1", Kind: kind, Amount: m, Open: m, Issued: t, Status: invoice.Open, Version: 1}
}

// A cart of USD 250.00 and three open credits: applied by date, oldest
// first, until the cart is paid (iMIS).
func ExampleOldestFirst() {
	req := allocate.Request{
		Debits: []invoice.Document{doc("CART-7", invoice.Invoice, "USD 250.00", "2024-06-01")},
		Credits: []invoice.Document{
			doc("OC-3", invoice.CreditMemo, "USD 120.00", "2024-05-20"),
			doc("OC-1", invoice.CreditMemo, "USD 100.00", "2024-02-11"),
			doc("OC-2", invoice.Prepayment, "USD 75.00", "2024-04-02"),
		},
		AsOf: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
	}
	p := allocate.OldestFirst()
	plan, err := p.Plan(req)
	if err != nil {
		panic(err)
	}
	for _, l := range plan.Lines {
		fmt.Printf("%s pays %s %s (%s)\n", l.Credit, l.Debit, l.Amount, l.Reason)
	}
	total, _ := plan.Total()
	fmt.Println("total", total, "by", allocate.NameOf(p))
	fmt.Println("valid:", allocate.Validate(req, plan) == nil)
	// Output:
	// OC-1 pays CART-7 USD 100.00 (oldest debit, oldest credit)
	// OC-2 pays CART-7 USD 75.00 (oldest debit, oldest credit)
	// OC-3 pays CART-7 USD 75.00 (oldest debit, oldest credit)
	// total USD 250.00 by oldest_first
	// valid: true
}

// Credit memos pay only orders of the same bill-to party: the company when
// the credit memo names one, else the person (Aptify).
func ExampleBillToMatch() {
	order := func(id, company, person string) invoice.Document {
		d := doc(id, invoice.Invoice, "USD 400.00", "2024-03-01")
		d.BillTo = invoice.Party{Company: company, Person: person}
		return d
	}
	memo := func(id, company, person string) invoice.Document {
		d := doc(id, invoice.CreditMemo, "USD 400.00", "2024-01-15")
		d.BillTo = invoice.Party{Company: company, Person: person}
		return d
	}
	req := allocate.Request{
		Debits: []invoice.Document{
			order("ORD-1", "Initech", "Peter"),
			order("ORD-2", "Initech", "Samir"),
			order("ORD-3", "", "Milton"),
		},
		Credits: []invoice.Document{
			memo("CM-A", "Initech", "Bill"), // the company's: pays an Initech order
			memo("CM-B", "", "Milton"),      // no company: pays Milton's order only
			memo("CM-C", "Chotchkie's", "Peter"),
		},
	}
	p := allocate.BillToMatch(allocate.OldestFirst())
	plan, _ := p.Plan(req)
	for _, l := range plan.Lines {
		fmt.Println(l.Credit, "→", l.Debit, l.Amount)
	}
	fmt.Println(allocate.NameOf(p))
	// Output:
	// CM-A → ORD-1 USD 400.00
	// CM-B → ORD-3 USD 400.00
	// bill_to_match(oldest_first)
}

// Validate reports every rule a plan breaks; errors.Is finds each one.
func ExampleValidate() {
	inv := doc("INV-9", invoice.Invoice, "USD 100.00", "2024-01-10")
	inv.Recurring = true
	cm := doc("CM-4", invoice.CreditMemo, "USD 60.00", "2024-01-02")
	cm.Expires = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	req := allocate.Request{
		Debits:  []invoice.Document{inv},
		Credits: []invoice.Document{cm},
		Cap:     money.MustParse("USD 50.00"),
		AsOf:    time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	plan := allocate.Plan{Lines: []allocate.Line{
		{Credit: "CM-4", Debit: "INV-9", Amount: money.MustParse("USD 70.00")},
	}}
	err := allocate.Validate(req, plan)
	var pe *allocate.PlanError
	if errors.As(err, &pe) {
		for _, v := range pe.Violations {
			fmt.Println(v)
		}
	}
	fmt.Println(errors.Is(err, allocate.ErrInvalidPlan), errors.Is(err, allocate.ErrRecurring), errors.Is(err, allocate.ErrBillToMismatch))
	// Output:
	// line 0: expired: credit "CM-4" expired 2024-02-01 00:00
	// line 0: recurring: debit "INV-9" is recurring
	// line 0: credit_overspent: credit "CM-4": lines use USD 70.00, open USD 60.00
	// cap: total USD 70.00 above cap USD 50.00
	// full_cover: debit "INV-9": lines pay USD 70.00 of open USD 100.00, and the request does not allow partial cover
	// true true false
}

// Under full cover (the default) a credit too small for a debit leaves it
// untouched; Partial lets it pay what it can.
func ExamplePartial() {
	req := allocate.Request{
		Debits:  []invoice.Document{doc("INV-1", invoice.Invoice, "JPY 5000", "2024-01-10")},
		Credits: []invoice.Document{doc("CM-1", invoice.CreditMemo, "JPY 3000", "2024-01-02")},
	}
	full, _ := allocate.OldestFirst().Plan(req)
	part, _ := allocate.Partial(allocate.OldestFirst()).Plan(req)
	fmt.Println(len(full.Lines), "lines under full cover")
	fmt.Println(part.Lines[0])
	// Output:
	// 0 lines under full cover
	// CM-1→INV-1 JPY 3,000
}

// Overdue debits first, smallest first; credits that expire soonest first.
func ExampleSystemDiscretion() {
	overdue := doc("INV-OLD", invoice.Invoice, "BHD 12.500", "2024-01-01")
	overdue.Due = time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	current := doc("INV-NEW", invoice.Invoice, "BHD 2.000", "2024-02-20")
	current.Due = time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	expiring := doc("CR-EXP", invoice.CreditGrant, "BHD 5.000", "2024-02-01")
	expiring.Expires = time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	payment := doc("PAY-1", invoice.Payment, "BHD 20.000", "2024-01-05")
	req := allocate.Request{
		Debits:  []invoice.Document{current, overdue},
		Credits: []invoice.Document{payment, expiring},
		AsOf:    time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	plan, _ := allocate.SystemDiscretion().Plan(req)
	for _, l := range plan.Lines {
		fmt.Printf("%s → %s %s: %s\n", l.Credit, l.Debit, l.Amount, l.Reason)
	}
	// Output:
	// CR-EXP → INV-OLD BHD 5.000: overdue debit, smallest first; credit expiring soonest
	// PAY-1 → INV-OLD BHD 7.500: overdue debit, smallest first; credit expiring soonest
	// PAY-1 → INV-NEW BHD 2.000: debit not yet due, smallest first; credit expiring soonest
}
