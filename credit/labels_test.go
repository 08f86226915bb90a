package credit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// TestLabelsAreKeptAndReachPolicies: labels given when issuing are on the
// document as returned and as read, are the document's own (changing the
// request's map afterwards changes nothing), follow a credit that is
// transferred, and reach a custom policy through allocate.Request.
func TestLabelsAreKeptAndReachPolicies(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	f.open("B", "USD", credit.Term, "")
	labels := map[string]string{"priority": "1", "product": "storage"}
	r := f.credit(credit.CreditRequest{Account: "A", ID: "PROMO", Kind: invoice.CreditGrant, Reason: "promotion", Amount: m("USD 30.00"), Labels: labels})
	want := map[string]string{"priority": "1", "product": "storage"}
	if !cmp.Equal(r.Document.Labels, want) {
		t.Errorf("IssueCredit returned labels %v, want %v", r.Document.Labels, want)
	}
	labels["priority"] = "9"
	if got := f.doc("PROMO").Labels; !cmp.Equal(got, want) {
		t.Errorf("after the request's map changed, the document has %v, want %v", got, want)
	}
	f.payment("A", "PAID", "USD 100.00")
	d := f.debit(credit.DebitRequest{Account: "A", ID: "INV-1", Amount: m("USD 50.00"), Labels: map[string]string{"product": "storage"}})
	if !cmp.Equal(d.Document.Labels, map[string]string{"product": "storage"}) {
		t.Errorf("IssueDebit returned labels %v", d.Document.Labels)
	}
	if got := f.doc("PAID").Labels; got != nil {
		t.Errorf("a document issued without labels has %v", got)
	}

	// A policy that sees the labels: only credits for the debit's product.
	var seen []string
	sameProduct := namedPolicy{"same_product", func(req allocate.Request) (allocate.Plan, error) {
		var p allocate.Plan
		for _, c := range req.Credits {
			seen = append(seen, c.ID+"="+c.Labels["product"])
			// A policy that changes a label changes only its own copy.
			if c.Labels != nil {
				c.Labels["product"] = "changed by the policy"
			}
		}
		for _, dd := range req.Debits {
			for _, c := range req.Credits {
				if c.Labels["product"] == dd.Labels["product"] || c.Labels["product"] == "changed by the policy" && c.ID == "PROMO" {
					amt, _ := c.Open.Min(dd.Open)
					p.Lines = append(p.Lines, allocate.Line{Credit: c.ID, Debit: dd.ID, Amount: amt})
					break
				}
			}
		}
		return p, nil
	}}
	res, err := f.l.Apply(ctx, admin, f.key(), credit.ApplyRequest{Account: "A", Debits: []string{"INV-1"}, Partial: true, Policy: sameProduct})
	if err != nil {
		t.Fatal(err)
	}
	wantStrings(t, "lines", lines(res), "PROMO→INV-1 USD 30.00")
	if !strings.Contains(strings.Join(seen, " "), "PROMO=storage") {
		t.Errorf("the policy saw %v, not PROMO's label", seen)
	}
	if got := f.doc("PROMO").Labels; !cmp.Equal(got, want) {
		t.Errorf("after a policy changed its request's labels, PROMO has %v, want %v", got, want)
	}

	// A transferred credit keeps its labels on the receiving account.
	f.credit(credit.CreditRequest{Account: "A", ID: "GIFT", Kind: invoice.CreditGrant, Reason: "gift", Amount: m("USD 5.00"),
		Labels: map[string]string{"priority": "0"}})
	tr, err := f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{Credit: "GIFT", To: "B", All: true})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(tr.To.Labels, map[string]string{"priority": "0"}) {
		t.Errorf("the transferred credit has labels %v", tr.To.Labels)
	}
}

// namedPolicy is a policy of a test, with a name so that a keyed Apply
// may use it.
type namedPolicy struct {
	name string
	plan allocate.PolicyFunc
}

func (p namedPolicy) Name() string                                     { return p.name }
func (p namedPolicy) Plan(req allocate.Request) (allocate.Plan, error) { return p.plan(req) }

// TestLabelsInTheFingerprint: the same key with other labels is another
// request; the same labels replay.
func TestLabelsInTheFingerprint(t *testing.T) {
	f := newFixture(t)
	f.open("A", "USD", credit.Term, "")
	req := credit.CreditRequest{Account: "A", Amount: m("USD 1.00"), Labels: map[string]string{"priority": "1", "a": "b"}}
	first, err := f.l.IssueCredit(ctx, admin, "k", req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.l.IssueCredit(ctx, admin, "k", credit.CreditRequest{Account: "A", Amount: m("USD 1.00"), Labels: map[string]string{"a": "b", "priority": "1"}})
	if err != nil || !cmp.Equal(first, again) {
		t.Errorf("replay with the same labels: %v, %v", again, err)
	}
	for _, other := range []map[string]string{nil, {"priority": "2", "a": "b"}, {"priority": "1"}, {"priority": "1", "a": "b", "c": ""}} {
		_, err := f.l.IssueCredit(ctx, admin, "k", credit.CreditRequest{Account: "A", Amount: m("USD 1.00"), Labels: other})
		wantErr(t, err, credit.ErrIdempotencyConflict)
	}
	_, err = f.l.Purchase(ctx, admin, "p", credit.PurchaseRequest{Account: "A", Amount: m("USD 1.00"), Labels: map[string]string{"x": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.l.Purchase(ctx, admin, "p", credit.PurchaseRequest{Account: "A", Amount: m("USD 1.00")})
	wantErr(t, err, credit.ErrIdempotencyConflict)
}

// ByPriority through the Ledger: a member's "use my credit" spends the
// promotional credit (priority 1) before the older payment (priority 2).
func ExampleLedger_IssueCredit_labels() {
	l := exampleLedger()
	by := credit.Principal{ID: "billing", Namespace: "shop"}
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "acme", Currency: usd}))
	ok(l.IssueCredit(ctx, by, "k2", credit.CreditRequest{Account: "acme", ID: "PAY-1", Amount: m("USD 100.00"),
		Issued: exampleDay(1), Labels: map[string]string{"priority": "2"}}))
	ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "acme", ID: "PROMO", Kind: invoice.CreditGrant, Reason: "spring promotion",
		Amount: m("USD 25.00"), Issued: exampleDay(2), Labels: map[string]string{"priority": "1", "campaign": "spring"}}))
	ok(l.IssueDebit(ctx, by, "k4", credit.DebitRequest{Account: "acme", ID: "INV-1", Amount: m("USD 40.00"), Issued: exampleDay(3)}))
	r := ok(l.Apply(ctx, by, "k5", credit.ApplyRequest{Account: "acme", Partial: true,
		Policy: allocate.ByPriority("priority", allocate.OldestFirst())}))
	for _, a := range r.Applications {
		fmt.Println(a.Credit, "pays", a.Debit, a.Amount, "by", a.Policy)
	}
	fmt.Println("PROMO labels:", ok(l.Document(ctx, by, "PROMO")).Labels)
	// Output:
	// PROMO pays INV-1 USD 25.00 by partial(by_priority(priority,oldest_first))
	// PAY-1 pays INV-1 USD 15.00 by partial(by_priority(priority,oldest_first))
	// PROMO labels: map[campaign:spring priority:1]
}
