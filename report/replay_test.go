package report_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/report"
)

// TestAgingReplay runs a generated history of issues, payments,
// applications, unapplications, adjustments, voids, refunds, charge backs,
// transfers, expiries and currency changes over three accounts, takes the
// aging (accounts, totals and every line) at random moments while it runs,
// and at the end asks for the aging as of each of those moments again: it
// must be the same, byte for byte.
func TestAgingReplay(t *testing.T) {
	runAgingReplay(t, func(rt *rapid.T) *fixture { return newFixture(rt, credit.AllowAll, date(2025, 1, 1)) })
}

func runAgingReplay(t *testing.T, newF func(*rapid.T) *fixture) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newF(rt)
		accts := []string{"a", "b", "c"}
		cur := map[string]string{"a": "USD", "b": "USD", "c": "USD"}
		converted := map[string]bool{}
		for _, a := range accts {
			f.open(a, "USD")
		}
		f.must(f.l.UpdateAccount(f.ctx, f.admin, f.key(), credit.UpdateAccountRequest{Account: "c", Kind: ptr(credit.Prepaid)}))
		var debits, credits, payments, apps []string
		docAcct := map[string]string{}
		amt := func(acct string, label string) money.Money {
			c := money.MustCurrency(cur[acct])
			m, err := money.FromMinor(c, int64(rapid.IntRange(1, 50000).Draw(rt, label)))
			if err != nil {
				rt.Fatal(err)
			}
			return m
		}
		noteApps := func(as []credit.Application) {
			for _, a := range as {
				apps = append(apps, a.ID)
			}
		}
		pick := func(ids []string, label string) string {
			if len(ids) == 0 {
				return ""
			}
			return rapid.SampledFrom(ids).Draw(rt, label)
		}
		type shot struct {
			at   time.Time
			text string
		}
		var shots []shot
		take := func(at time.Time) string {
			var b strings.Builder
			lines := report.NewAgingLinesCSV(&b)
			rep, err := report.Aging(f.ctx, f.l, f.admin, at, report.AgingOptions{Lines: lines.Line, PageSize: 3})
			if err != nil {
				for _, a := range accts {
					ds, _ := f.l.Documents(f.ctx, f.admin, credit.DocumentFilter{Account: a})
					for _, d := range ds {
						rt.Logf("%s %s %s %s open %s %s exp %s v%d", a, d.ID, d.Kind, d.Amount, d.Open, d.Status, d.Expires, d.Version)
					}
					es, _ := f.l.History(f.ctx, f.admin, credit.HistoryRequest{Account: a})
					for _, e := range es {
						rt.Logf("%s %d %s %s %s %s cc %s dc %s", a, e.Seq, e.At, e.Kind, e.Document, e.Amount, e.CreditChange, e.DebitChange)
					}
				}
				rt.Fatalf("aging as of %s: %v", at, err)
			}
			if err := lines.Flush(); err != nil {
				rt.Fatal(err)
			}
			if err := report.AgingCSV(&b, rep); err != nil {
				rt.Fatal(err)
			}
			return b.String()
		}
		steps := rapid.IntRange(1, 60).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			f.clock.advance(time.Duration(rapid.IntRange(1, 96).Draw(rt, "hours")) * time.Hour)
			now := f.clock.Now()
			acct := rapid.SampledFrom(accts).Draw(rt, "account")
			switch rapid.IntRange(0, 12).Draw(rt, "op") {
			case 0, 1:
				issued := now.Add(time.Duration(rapid.IntRange(-120, 10).Draw(rt, "issued")) * 24 * time.Hour)
				due := issued.Add(time.Duration(rapid.IntRange(0, 60).Draw(rt, "due")) * 24 * time.Hour)
				id := fmt.Sprintf("D%d", i)
				r, err := f.l.IssueDebit(f.ctx, f.admin, f.key(), credit.DebitRequest{Account: acct, ID: id, Amount: amt(acct, "amount"), Issued: issued, Due: due})
				if err == nil {
					debits, docAcct[id] = append(debits, id), acct
					noteApps(r.Applications)
				}
			case 2, 3:
				id := fmt.Sprintf("C%d", i)
				req := credit.CreditRequest{Account: acct, ID: id, Kind: invoice.Payment, Amount: amt(acct, "amount")}
				if rapid.Bool().Draw(rt, "expiring") {
					req.Kind, req.Reason = invoice.CreditGrant, "goodwill"
					req.Expires = now.Add(time.Duration(rapid.IntRange(1, 240).Draw(rt, "expires")) * time.Hour)
				}
				r, err := f.l.IssueCredit(f.ctx, f.admin, f.key(), req)
				if err == nil {
					credits, docAcct[id] = append(credits, id), acct
					if req.Kind == invoice.Payment {
						payments = append(payments, id)
					}
					noteApps(r.Applications)
				}
			case 4:
				r, err := f.l.Apply(f.ctx, f.admin, f.key(), credit.ApplyRequest{Account: acct, Partial: true})
				if err == nil {
					noteApps(r.Applications)
				}
			case 5:
				if id := pick(apps, "application"); id != "" {
					r, err := f.l.Unapply(f.ctx, f.admin, f.key(), credit.UnapplyRequest{Application: id})
					if err == nil {
						noteApps(r.Applications)
					}
				}
			case 6:
				if id := pick(debits, "debit"); id != "" {
					d, err := f.l.Document(f.ctx, f.admin, id)
					if err == nil {
						half, _ := money.FromMinor(d.Amount.Currency(), 1)
						r, err := f.l.Adjust(f.ctx, f.admin, f.key(), credit.AdjustRequest{Debit: id, Amount: half})
						if err == nil {
							noteApps(r.Applications)
						}
					}
				}
			case 7:
				if id := pick(debits, "debit"); id != "" {
					_, _ = f.l.Void(f.ctx, f.admin, f.key(), credit.VoidRequest{Debit: id, Reason: "cancelled"})
				}
			case 8:
				if id := pick(credits, "credit"); id != "" {
					_, _ = f.l.Refund(f.ctx, f.admin, f.key(), credit.RefundRequest{Credit: id, All: true})
				}
			case 9:
				if id := pick(payments, "payment"); id != "" {
					_, _ = f.l.ReversePayment(f.ctx, f.admin, f.key(), credit.ReverseRequest{Payment: id})
				}
			case 10:
				if id := pick(credits, "credit"); id != "" {
					to := rapid.SampledFrom(accts).Draw(rt, "to")
					r, err := f.l.Transfer(f.ctx, f.admin, f.key(), credit.TransferRequest{Credit: id, To: to, All: true})
					if err == nil {
						credits, docAcct[r.To.ID] = append(credits, r.To.ID), to
					}
				}
			case 11:
				_, _ = f.l.Expire(f.ctx, f.admin, f.key(), credit.ExpireRequest{Account: acct})
			case 12:
				if converted[acct] || !rapid.Bool().Draw(rt, "convert") {
					break
				}
				eur := money.MustCurrency("EUR")
				_, err := f.l.UpdateAccount(f.ctx, f.admin, f.key(), credit.UpdateAccountRequest{Account: acct, Currency: &eur,
					Rate: money.MustParseRate("USD/EUR 0.9137")})
				if err != nil {
					rt.Fatal(err)
				}
				converted[acct], cur[acct] = true, "EUR"
			}
			if rapid.IntRange(0, 3).Draw(rt, "shoot") == 0 {
				f.clock.advance(time.Minute)
				at := f.clock.Now()
				shots = append(shots, shot{at: at, text: take(at)})
				f.clock.advance(time.Minute)
			}
		}
		for _, s := range shots {
			if got := take(s.at); got != s.text {
				rt.Fatalf("aging as of %s rebuilt at the end differs:\nthen\n%s\nnow\n%s", s.at, s.text, got)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
