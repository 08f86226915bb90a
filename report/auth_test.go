package report_test

import (
	"errors"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/report"
)

// A member of another account learns nothing about acme from any report:
// the reports read with the caller's principal and get the Ledger's answer.
func TestReportsAreAuthorizedLikeTheirReads(t *testing.T) {
	f := newFixture(t, credit.DefaultRoles(), date(2025, 6, 1))
	f.open("acme", "USD")
	f.open("zeta", "USD")
	f.invoice("acme", "INV-1", "USD 100.00", date(2025, 6, 1), date(2025, 6, 1))
	f.invoice("zeta", "Z-1", "USD 7.00", date(2025, 6, 1), date(2025, 6, 1))
	f.clock.advance(48 * time.Hour)
	stranger := credit.Principal{ID: "z-user", Namespace: "ns", Roles: []string{credit.RoleMember}, Account: "zeta"}
	denied := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, credit.ErrNotFound) && !errors.Is(err, credit.ErrNotAuthorized) {
			t.Errorf("%s: %v, want ErrNotFound or ErrNotAuthorized", what, err)
		}
	}
	asOf := date(2025, 6, 30)
	a, _, err := report.AccountAgingOf(f.ctx, f.l, stranger, "acme", asOf, report.AgingOptions{})
	denied("AccountAgingOf", err)
	if a.Account != "" || a.Debit.IsValid() {
		t.Errorf("a refused aging returned data: %+v", a)
	}
	rep, err := report.Aging(f.ctx, f.l, stranger, asOf, report.AgingOptions{Accounts: []string{"acme"}})
	denied("Aging of acme", err)
	if len(rep.Accounts) != 0 || len(rep.Totals) != 0 {
		t.Errorf("a refused aging returned data: %+v", rep)
	}
	s, err := report.StatementOf(f.ctx, f.l, stranger, "acme", date(2025, 1, 1), asOf)
	denied("StatementOf", err)
	if len(s.Entries) != 0 || s.Closing.Debit.IsValid() {
		t.Errorf("a refused statement returned data: %+v", s)
	}
	// The namespace's aging covers only what the member may read: its own account.
	rep, err = report.Aging(f.ctx, f.l, stranger, asOf, report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Accounts) != 1 || rep.Accounts[0].Account != "zeta" || rep.Totals[0].Debit.Amount() != "7.00" {
		t.Errorf("the member's namespace aging: %+v", rep)
	}
	// Its own account's statement is the member's to read.
	if _, err := report.StatementOf(f.ctx, f.l, stranger, "zeta", date(2025, 1, 1), asOf); err != nil {
		t.Errorf("the member's own statement: %v", err)
	}
	// The history grid's documents column reads as the caller: a counterpart
	// in an account the caller may not read is left out.
	hist, err := f.l.History(f.ctx, stranger, credit.HistoryRequest{Account: "zeta"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.Trace(f.ctx, f.l, stranger, hist); err != nil {
		t.Errorf("Trace of the member's own history: %v", err)
	}
}
