package credit_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// whole hides whether its policy walks in issue order, so that the Ledger
// plans it over every open debit at once.
type whole struct{ p allocate.Policy }

func (w whole) Plan(req allocate.Request) (allocate.Plan, error) { return w.p.Plan(req) }

// TestUseMyCreditInWindowsPlansAsTheWholeRequest: "use my credit" with an
// IssueOrdered policy, read a window of open debits at a time (16, 32, 64,
// … of them), plans what the same policy plans over every open debit at
// once, whatever the cap, under full and partial cover, with credits that
// run out after a few windows or never.
func TestUseMyCreditInWindowsPlansAsTheWholeRequest(t *testing.T) {
	f := newFixture(t)
	if _, err := f.l.OpenAccount(ctx, admin, f.key(), credit.OpenAccountRequest{ID: "a", Currency: usd,
		Party: invoice.Party{Company: "Acme"}}); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		f.invoice("a", fmt.Sprintf("inv-%03d", i), fmt.Sprintf("USD %d.%02d", 1+i%17, i%100))
	}
	f.payment("a", "pay-1", "USD 900.00")
	f.payment("a", "pay-2", "USD 333.33")
	most := 0
	for _, cp := range []string{"", "USD 50.00", "USD 700.00"} {
		for _, partial := range []bool{false, true} {
			for _, p := range []allocate.Policy{allocate.OldestFirst(), allocate.BillToMatch(allocate.OldestFirst())} {
				req := credit.ApplyRequest{Account: "a", Partial: partial, Policy: p}
				if cp != "" {
					req.Cap = m(cp)
				}
				windowed, err := f.l.Preview(ctx, admin, req)
				if err != nil {
					t.Fatalf("cap %q partial %v %s: %v", cp, partial, allocate.NameOf(p), err)
				}
				req.Policy = whole{p}
				all, err := f.l.Preview(ctx, admin, req)
				if err != nil {
					t.Fatal(err)
				}
				if len(all.Plan.Lines) == 0 {
					t.Fatalf("cap %q partial %v: no line: the comparison proves nothing", cp, partial)
				}
				most = max(most, len(all.Plan.Lines))
				if diff := cmp.Diff(all.Plan, windowed.Plan); diff != "" {
					t.Errorf("cap %q partial %v %s: in windows (+) differs from the whole request (-):\n%s",
						cp, partial, allocate.NameOf(p), diff)
				}
			}
		}
	}
	if most < 16+32+64 {
		t.Fatalf("the longest plan has %d lines: no plan reaches the fourth window", most)
	}
}
