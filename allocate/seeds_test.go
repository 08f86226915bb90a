package allocate_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// short renders a plan as "credit→debit amount" strings.
func short(p allocate.Plan) []string {
	var out []string
	for _, l := range p.Lines {
		out = append(out, l.Credit+"→"+l.Debit+" "+l.Amount.Amount())
	}
	return out
}

func mustPlan(t *testing.T, p allocate.Policy, req allocate.Request) allocate.Plan {
	t.Helper()
	req = allocate.Effective(p, req)
	plan, err := p.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := allocate.Validate(req, plan); err != nil {
		t.Fatalf("%s gave an invalid plan: %v", allocate.NameOf(p), err)
	}
	return plan
}

// iMIS: several open credits selected for one cart are "applied by invoice
// date, with oldest invoice credits applied first", "until the full amount
// in the cart is fulfilled"; removing one "recalculates" with the remaining
// credits in the same order until the cart total is met.
func TestOldestFirstIMISCart(t *testing.T) {
	cart := debit("CART", "USD 250.00", 10)
	credits := []invoice.Document{
		credit("OC-120", "USD 120.00", 5),
		credit("OC-100", "USD 100.00", 1), // oldest
		credit("OC-75", "USD 75.00", 3),
	}
	req := allocate.Request{Debits: []invoice.Document{cart}, Credits: credits, AsOf: on(10)}

	// Enough credit for the whole cart: full cover holds, oldest first.
	got := short(mustPlan(t, allocate.OldestFirst(), req))
	want := []string{"OC-100→CART 100.00", "OC-75→CART 75.00", "OC-120→CART 75.00"}
	if !slices.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}

	// The customer removes OC-75. What is left (220) no longer pays the
	// cart whole: under full cover nothing is applied ...
	req.Credits = []invoice.Document{credits[0], credits[1]}
	if got := short(mustPlan(t, allocate.OldestFirst(), req)); len(got) != 0 {
		t.Errorf("full cover with too little credit: %v, want no lines", got)
	}
	// ... and the cart takes all of it when it may be paid in part, as the
	// iMIS cart does, in the same order.
	got = short(mustPlan(t, allocate.Partial(allocate.OldestFirst()), req))
	want = []string{"OC-100→CART 100.00", "OC-120→CART 120.00"}
	if !slices.Equal(got, want) {
		t.Errorf("after removing OC-75: %v, want %v", got, want)
	}

	// A cap below the cart ("use my credit, up to USD 150.00"):
	req.Credits = credits
	req.Cap = money.MustParse("USD 150.00")
	got = short(mustPlan(t, allocate.Partial(allocate.OldestFirst()), req))
	want = []string{"OC-100→CART 100.00", "OC-75→CART 50.00"}
	if !slices.Equal(got, want) {
		t.Errorf("capped: %v, want %v", got, want)
	}
}

func TestOldestFirstOrdersDebitsAndBreaksTiesByID(t *testing.T) {
	req := allocate.Request{
		Debits: []invoice.Document{
			debit("INV-B", "USD 10.00", 2), debit("INV-A", "USD 10.00", 2), debit("INV-0", "USD 10.00", 0),
		},
		Credits: []invoice.Document{credit("CM-2", "USD 20.00", 1), credit("CM-1", "USD 20.00", 1)},
		AsOf:    on(3),
	}
	got := short(mustPlan(t, allocate.OldestFirst(), req))
	want := []string{"CM-1→INV-0 10.00", "CM-1→INV-A 10.00", "CM-2→INV-B 10.00"}
	if !slices.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
}

func TestOldestFirstSkipsWhatItCannotPayWhole(t *testing.T) {
	d2 := debit("INV-2", "USD 30.00", 1)
	d2.Recurring = true // never paid by credit
	req := allocate.Request{
		Debits:  []invoice.Document{debit("INV-1", "USD 90.00", 0), d2, debit("INV-3", "USD 40.00", 2)},
		Credits: []invoice.Document{credit("CM-1", "USD 50.00", 0)},
		AsOf:    on(3),
	}
	// INV-1 is oldest but 50 does not cover 90: skipped, untouched.
	got := short(mustPlan(t, allocate.OldestFirst(), req))
	if want := []string{"CM-1→INV-3 40.00"}; !slices.Equal(got, want) {
		t.Errorf("full cover: %v, want %v", got, want)
	}
	got = short(mustPlan(t, allocate.Partial(allocate.OldestFirst()), req))
	if want := []string{"CM-1→INV-1 50.00"}; !slices.Equal(got, want) {
		t.Errorf("partial: %v, want %v", got, want)
	}
}

// Aptify: "the Bill To Company must match if one is specified on the credit
// memo order. If one is not specified, then the Bill To person must match",
// and by default a credit memo "must be able to cover the full balance".
func TestBillToMatchAptify(t *testing.T) {
	for _, tc := range []struct {
		name          string
		credit, debit invoice.Party
		pays          bool
	}{
		{"same company", invoice.Party{Company: "Acme"}, invoice.Party{Company: "Acme", Person: "Ann"}, true},
		{"same company, other persons", invoice.Party{Company: "Acme", Person: "Bob"}, invoice.Party{Company: "Acme", Person: "Ann"}, true},
		{"other company, same person", invoice.Party{Company: "Acme", Person: "Ann"}, invoice.Party{Company: "Globex", Person: "Ann"}, false},
		{"company on credit, none on debit", invoice.Party{Company: "Acme"}, invoice.Party{Person: "Ann"}, false},
		{"no company, same person", invoice.Party{Person: "Ann"}, invoice.Party{Company: "Globex", Person: "Ann"}, true},
		{"no company, other person", invoice.Party{Person: "Bob"}, invoice.Party{Person: "Ann"}, false},
		{"nobody on the credit", invoice.Party{}, invoice.Party{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := credit("CM-1", "USD 100.00", 0)
			c.BillTo = tc.credit
			d := debit("ORD-1", "USD 100.00", 1)
			d.BillTo = tc.debit
			req := allocate.Request{Debits: []invoice.Document{d}, Credits: []invoice.Document{c}, AsOf: on(2)}
			got := mustPlan(t, allocate.BillToMatch(allocate.OldestFirst()), req)
			if pays := len(got.Lines) > 0; pays != tc.pays {
				t.Errorf("pays = %v, want %v", pays, tc.pays)
			}
			// Without the rule the pair is always paid.
			if len(mustPlan(t, allocate.OldestFirst(), req).Lines) != 1 {
				t.Error("OldestFirst alone does not pay")
			}
		})
	}
}

func TestBillToMatchDrawsFromCompanyAndPersonCredits(t *testing.T) {
	req := allocate.Request{
		Debits: []invoice.Document{
			billTo(debit("ORD-1", "USD 100.00", 1), "Acme", "Ann"),
			billTo(debit("ORD-2", "USD 60.00", 2), "Globex", "Bob"),
		},
		Credits: []invoice.Document{
			billTo(credit("CM-ACME", "USD 70.00", 0), "Acme", "Bob"), // Acme's, whoever ordered
			billTo(credit("CM-ANN", "USD 50.00", 1), "", "Ann"),      // Ann's, in any company
			billTo(credit("CM-BOB", "USD 40.00", 0), "", "Bob"),
			billTo(credit("CM-GLOBEX", "USD 30.00", 3), "Globex", ""),
		},
		AsOf: on(5),
	}
	got := short(mustPlan(t, allocate.BillToMatch(allocate.OldestFirst()), req))
	want := []string{
		"CM-ACME→ORD-1 70.00", "CM-ANN→ORD-1 30.00", // oldest of Acme's and Ann's credits
		"CM-BOB→ORD-2 40.00", "CM-GLOBEX→ORD-2 20.00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
	// Full cover: ORD-1 needs 100 from Acme's and Ann's 120; ORD-2 needs
	// 60 from Bob's and Globex's 70. Shrink Globex's credit and ORD-2 can
	// no longer be paid whole.
	req.Credits[3] = billTo(credit("CM-GLOBEX", "USD 10.00", 3), "Globex", "")
	got = short(mustPlan(t, allocate.BillToMatch(allocate.OldestFirst()), req))
	want = want[:2]
	if !slices.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
}

func TestSystemDiscretion(t *testing.T) {
	overdueBig := debit("INV-OLD-BIG", "USD 80.00", 0)
	overdueBig.Due = on(5)
	overdueSmall := debit("INV-OLD-SMALL", "USD 30.00", 2)
	overdueSmall.Due = on(6)
	notDue := debit("INV-NEW", "USD 10.00", 8)
	notDue.Due = on(40)
	soon := credit("CM-SOON", "USD 50.00", 4)
	soon.Expires = on(12)
	later := credit("CM-LATER", "USD 50.00", 1)
	later.Expires = on(30)
	never := credit("CM-NEVER", "USD 50.00", 0)
	req := allocate.Request{
		Debits:  []invoice.Document{notDue, overdueBig, overdueSmall},
		Credits: []invoice.Document{never, later, soon},
		AsOf:    on(10),
	}
	plan := mustPlan(t, allocate.SystemDiscretion(), req)
	want := []allocate.Line{
		{Credit: "CM-SOON", Debit: "INV-OLD-SMALL", Amount: money.MustParse("USD 30.00"), Reason: allocate.ReasonOverdue},
		{Credit: "CM-SOON", Debit: "INV-OLD-BIG", Amount: money.MustParse("USD 20.00"), Reason: allocate.ReasonOverdue},
		{Credit: "CM-LATER", Debit: "INV-OLD-BIG", Amount: money.MustParse("USD 50.00"), Reason: allocate.ReasonOverdue},
		{Credit: "CM-NEVER", Debit: "INV-OLD-BIG", Amount: money.MustParse("USD 10.00"), Reason: allocate.ReasonOverdue},
		{Credit: "CM-NEVER", Debit: "INV-NEW", Amount: money.MustParse("USD 10.00"), Reason: allocate.ReasonNotYetDue},
	}
	if diff := cmp.Diff(want, plan.Lines); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	// With a cap of 40, settling the small overdue debit whole and then the
	// next one that fits beats paying the oldest in part.
	req.Cap = money.MustParse("USD 40.00")
	got := short(mustPlan(t, allocate.SystemDiscretion(), req))
	if want := []string{"CM-SOON→INV-OLD-SMALL 30.00", "CM-SOON→INV-NEW 10.00"}; !slices.Equal(got, want) {
		t.Errorf("capped: %v, want %v", got, want)
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		p    allocate.Policy
		want string
	}{
		{allocate.OldestFirst(), "oldest_first"},
		{allocate.SystemDiscretion(), "system_discretion"},
		{allocate.BillToMatch(allocate.OldestFirst()), "bill_to_match(oldest_first)"},
		{allocate.Partial(allocate.BillToMatch(allocate.SystemDiscretion())), "partial(bill_to_match(system_discretion))"},
		{allocate.PolicyFunc(func(allocate.Request) (allocate.Plan, error) { return allocate.Plan{}, nil }), "custom"},
	} {
		if got := allocate.NameOf(tc.p); got != tc.want {
			t.Errorf("NameOf = %q, want %q", got, tc.want)
		}
	}
}

func TestMixedCurrenciesPlanInOne(t *testing.T) {
	req := allocate.Request{
		Debits:  []invoice.Document{debit("D-EUR", "EUR 10.00", 0), debit("D-USD", "USD 10.00", 1)},
		Credits: []invoice.Document{credit("C-USD", "USD 10.00", 0)},
		AsOf:    on(2),
	}
	// The oldest debit is in EUR, which no credit pays: the plan is in USD.
	got := short(mustPlan(t, allocate.OldestFirst(), req))
	if want := []string{"C-USD→D-USD 10.00"}; !slices.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
}
