package allocate_test

import (
	"errors"
	"testing"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/allocate/allocatetest"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// foreign books d, held in its own currency, on a USD account at rate.
func foreign(d invoice.Document, rate string) invoice.Document {
	r := money.MustParseRate(d.Amount.Currency().Code() + "/USD " + rate)
	a, _ := r.Convert(d.Amount)
	o, _ := r.Convert(d.Open)
	d.Rate, d.Functional, d.FunctionalOpen = r, a.To, o.To
	return d
}

// TestForeignDocumentsPlanInTheirOwnCurrency: a request of a USD account
// holding EUR documents beside USD ones is planned in one currency, in the
// documents' own amounts; the booked rates (which would rank the EUR
// credits the other way by functional value) change nothing.
func TestForeignDocumentsPlanInTheirOwnCurrency(t *testing.T) {
	req := allocate.Request{
		Debits: []invoice.Document{
			foreign(debit("INV-EUR", "EUR 100.00", 1), "1.10"),
			debit("INV-USD", "USD 50.00", 0),
		},
		Credits: []invoice.Document{
			foreign(credit("PAY-EUR-1", "EUR 60.00", 1), "0.90"),
			foreign(credit("PAY-EUR-2", "EUR 60.00", 2), "1.30"),
		},
		Partial: true,
		AsOf:    on(5),
	}
	plan, err := allocate.OldestFirst().Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := allocate.Validate(req, plan); err != nil {
		t.Fatal(err)
	}
	// The USD invoice is older but has no USD credit: the plan is in EUR.
	want := []allocate.Line{{Credit: "PAY-EUR-1", Debit: "INV-EUR", Amount: money.MustParse("EUR 60.00")},
		{Credit: "PAY-EUR-2", Debit: "INV-EUR", Amount: money.MustParse("EUR 40.00")}}
	if len(plan.Lines) != len(want) {
		t.Fatalf("plan %v, want %v", plan.Lines, want)
	}
	for i, l := range plan.Lines {
		if l.Credit != want[i].Credit || l.Debit != want[i].Debit || !l.Amount.Equal(want[i].Amount) {
			t.Errorf("line %d: %v, want %v", i, l, want[i])
		}
	}
	if err := allocatetest.CheckPolicy(allocate.SystemDiscretion(), req, 1); err != nil {
		t.Error(err)
	}
}

// functionalPlanner is broken: it plans with the documents' functional
// figures instead of their own amounts.
var functionalPlanner = allocate.PolicyFunc(func(req allocate.Request) (allocate.Plan, error) {
	inFunctional := func(ds []invoice.Document) []invoice.Document {
		out := make([]invoice.Document, len(ds))
		for i, d := range ds {
			d.Amount, d.Open = d.Value(), d.OpenValue()
			out[i] = d
		}
		return out
	}
	req.Debits, req.Credits = inFunctional(req.Debits), inFunctional(req.Credits)
	return allocate.OldestFirst().Plan(req)
})

// TestKitCatchesPlansInFunctionalValues: the kit's requests hold foreign
// documents, so a policy that plans with their functional figures is
// caught (as invalid or incomplete, whichever request shows it first).
func TestKitCatchesPlansInFunctionalValues(t *testing.T) {
	err := allocatetest.Find(functionalPlanner, 500)
	var f *allocatetest.Failure
	if !errors.As(err, &f) {
		t.Fatalf("the kit did not catch a policy planning in functional values: %v", err)
	}
	t.Logf("caught:\n%v", err)
}
