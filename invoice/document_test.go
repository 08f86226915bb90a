package invoice_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

var day = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func usd(s string) money.Money { return money.MustParse("USD " + s) }

func debit() invoice.Document {
	return invoice.Document{
		ID: "INV-1", Account: "acme", Kind: invoice.Invoice,
		Amount: usd("100.00"), Open: usd("100.00"),
		Issued: day, Due: day.AddDate(0, 0, 30), Status: invoice.Open,
		BillTo: invoice.Party{Company: "Acme", Person: "Ann"},
	}
}

func credit() invoice.Document {
	return invoice.Document{
		ID: "CM-1", Account: "acme", Kind: invoice.CreditMemo,
		Amount: usd("40.00"), Open: usd("40.00"),
		Issued: day, Expires: day.AddDate(1, 0, 0), Status: invoice.Open,
		Reason: "cancelled order",
	}
}

func TestValidateAccepts(t *testing.T) {
	for name, d := range map[string]invoice.Document{
		"open invoice":    debit(),
		"open credit":     credit(),
		"recurring debit": func() invoice.Document { d := debit(); d.Recurring = true; return d }(),
		"debit memo":      func() invoice.Document { d := debit(); d.Kind = invoice.DebitMemo; return d }(),
		"partly paid":     func() invoice.Document { d := debit(); d.Open = usd("0.01"); return d }(),
		"paid":            func() invoice.Document { d := debit(); d.Open = usd("0"); d.Status = invoice.Paid; return d }(),
		"void":            func() invoice.Document { d := debit(); d.Open = usd("0"); d.Status = invoice.Void; return d }(),
		"due on issue":    func() invoice.Document { d := debit(); d.Due = d.Issued; return d }(),
		"no due date":     func() invoice.Document { d := debit(); d.Due = time.Time{}; return d }(),
		"never expires":   func() invoice.Document { d := credit(); d.Expires = time.Time{}; return d }(),
		"closed":          func() invoice.Document { d := credit(); d.Open = usd("0"); d.Status = invoice.Closed; return d }(),
		"reversed":        func() invoice.Document { d := credit(); d.Open = usd("0"); d.Status = invoice.Reversed; return d }(),
		"refunded":        func() invoice.Document { d := credit(); d.Open = usd("0"); d.Status = invoice.Refunded; return d }(),
		"expired":         func() invoice.Document { d := credit(); d.Open = usd("0"); d.Status = invoice.Expired; return d }(),
		"payment":         func() invoice.Document { d := credit(); d.Kind = invoice.Payment; return d }(),
		"prepayment":      func() invoice.Document { d := credit(); d.Kind = invoice.Prepayment; return d }(),
		"credit":          func() invoice.Document { d := credit(); d.Kind = invoice.CreditGrant; return d }(),
		"jpy": func() invoice.Document {
			d := debit()
			d.Amount, d.Open = money.MustParse("JPY 1500"), money.MustParse("JPY 1")
			return d
		}(),
		"longest text": func() invoice.Document {
			d := credit()
			d.ID, d.Account, d.Original = strings.Repeat("i", invoice.MaxIDLen), strings.Repeat("a", invoice.MaxIDLen), strings.Repeat("o", invoice.MaxIDLen)
			d.Reason, d.Reference = strings.Repeat("r", invoice.MaxTextLen), strings.Repeat("f", invoice.MaxTextLen)
			d.BillTo = invoice.Party{Company: strings.Repeat("c", invoice.MaxTextLen), Person: strings.Repeat("p", invoice.MaxTextLen)}
			return d
		}(),
	} {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestValidateRules breaks each rule once; every error wraps ErrInvalid.
func TestValidateRules(t *testing.T) {
	long := strings.Repeat("x", invoice.MaxTextLen+1)
	longID := strings.Repeat("x", invoice.MaxIDLen+1)
	for _, tc := range []struct {
		name     string
		base     func() invoice.Document
		change   func(*invoice.Document)
		mismatch bool // also wraps money.ErrCurrencyMismatch
	}{
		{"no id", debit, func(d *invoice.Document) { d.ID = "" }, false},
		{"long id", debit, func(d *invoice.Document) { d.ID = longID }, false},
		{"id not utf-8", debit, func(d *invoice.Document) { d.ID = "\xff" }, false},
		{"no account", debit, func(d *invoice.Document) { d.Account = "" }, false},
		{"long account", debit, func(d *invoice.Document) { d.Account = longID }, false},
		{"account not utf-8", debit, func(d *invoice.Document) { d.Account = "a\xc3" }, false},
		{"no kind", debit, func(d *invoice.Document) { d.Kind = 0 }, false},
		{"unknown kind", debit, func(d *invoice.Document) { d.Kind = 99 }, false},
		{"no amount", debit, func(d *invoice.Document) { d.Amount = money.Money{} }, false},
		{"zero amount", debit, func(d *invoice.Document) { d.Amount, d.Open, d.Status = usd("0"), usd("0"), invoice.Paid }, false},
		{"negative amount", debit, func(d *invoice.Document) { d.Amount = usd("-100.00") }, false},
		{"open in another currency", debit, func(d *invoice.Document) { d.Open = money.MustParse("EUR 100.00") }, true},
		{"no open", debit, func(d *invoice.Document) { d.Open = money.Money{} }, true},
		{"negative open", debit, func(d *invoice.Document) { d.Open = usd("-0.01") }, false},
		{"open above amount", debit, func(d *invoice.Document) { d.Open = usd("100.01") }, false},
		{"no issue date", debit, func(d *invoice.Document) { d.Issued = time.Time{} }, false},
		{"due before issue", debit, func(d *invoice.Document) { d.Due = day.Add(-time.Second) }, false},
		{"expiry on issue", credit, func(d *invoice.Document) { d.Expires = day }, false},
		{"expiry before issue", credit, func(d *invoice.Document) { d.Expires = day.AddDate(0, 0, -1) }, false},
		{"recurring credit", credit, func(d *invoice.Document) { d.Recurring = true }, false},
		{"no status", debit, func(d *invoice.Document) { d.Status = 0 }, false},
		{"unknown status", debit, func(d *invoice.Document) { d.Status = 42 }, false},
		{"open with nothing open", debit, func(d *invoice.Document) { d.Open = usd("0") }, false},
		{"paid with something open", debit, func(d *invoice.Document) { d.Status = invoice.Paid }, false},
		{"void with something open", debit, func(d *invoice.Document) { d.Status = invoice.Void }, false},
		{"closed with something open", credit, func(d *invoice.Document) { d.Status = invoice.Closed }, false},
		{"expired with something open", credit, func(d *invoice.Document) { d.Status = invoice.Expired }, false},
		{"paid credit", credit, func(d *invoice.Document) { d.Open, d.Status = usd("0"), invoice.Paid }, false},
		{"void credit", credit, func(d *invoice.Document) { d.Open, d.Status = usd("0"), invoice.Void }, false},
		{"closed debit", debit, func(d *invoice.Document) { d.Open, d.Status = usd("0"), invoice.Closed }, false},
		{"refunded debit", debit, func(d *invoice.Document) { d.Open, d.Status = usd("0"), invoice.Refunded }, false},
		{"reversed debit", debit, func(d *invoice.Document) { d.Open, d.Status = usd("0"), invoice.Reversed }, false},
		{"expired debit", debit, func(d *invoice.Document) { d.Open, d.Status = usd("0"), invoice.Expired }, false},
		{"long reason", credit, func(d *invoice.Document) { d.Reason = long }, false},
		{"long reference", credit, func(d *invoice.Document) { d.Reference = long }, false},
		{"long company", credit, func(d *invoice.Document) { d.BillTo.Company = long }, false},
		{"long person", credit, func(d *invoice.Document) { d.BillTo.Person = long }, false},
		{"long original", credit, func(d *invoice.Document) { d.Original = longID }, false},
	} {
		d := tc.base()
		tc.change(&d)
		err := d.Validate()
		if !errors.Is(err, invoice.ErrInvalid) {
			t.Errorf("%s: Validate() = %v; want ErrInvalid", tc.name, err)
			continue
		}
		if got := errors.Is(err, money.ErrCurrencyMismatch); got != tc.mismatch {
			t.Errorf("%s: Validate() = %v; wraps ErrCurrencyMismatch %v, want %v", tc.name, err, got, tc.mismatch)
		}
		if len(err.Error()) > 300 {
			t.Errorf("%s: error of %d bytes quotes hostile text unclipped", tc.name, len(err.Error()))
		}
	}
}

func TestKindsAndStatuses(t *testing.T) {
	for k, want := range map[invoice.Kind][3]any{
		invoice.Invoice:     {"invoice", true, false},
		invoice.DebitMemo:   {"debit_memo", true, false},
		invoice.CreditMemo:  {"credit_memo", false, true},
		invoice.Payment:     {"payment", false, true},
		invoice.Prepayment:  {"prepayment", false, true},
		invoice.CreditGrant: {"credit_grant", false, true},
		0:                   {"unknown", false, false},
		99:                  {"unknown", false, false},
	} {
		if k.String() != want[0] || k.IsDebit() != want[1] || k.IsCredit() != want[2] {
			t.Errorf("Kind %d: %q debit %v credit %v", k, k, k.IsDebit(), k.IsCredit())
		}
	}
	for s, want := range map[invoice.Status]string{
		invoice.Open: "open", invoice.Paid: "paid", invoice.Void: "void", invoice.Closed: "closed",
		invoice.Reversed: "reversed", invoice.Refunded: "refunded", invoice.Expired: "expired", 0: "unknown", 200: "unknown",
	} {
		if s.String() != want {
			t.Errorf("Status %d = %q, want %q", s, s, want)
		}
	}
}

func TestDates(t *testing.T) {
	c := credit()
	if c.ExpiredAt(c.Expires.Add(-time.Nanosecond)) || !c.ExpiredAt(c.Expires) || !c.ExpiredAt(c.Expires.AddDate(0, 0, 1)) {
		t.Error("ExpiredAt: a credit lapses at its expiry instant")
	}
	c.Expires = time.Time{}
	if c.ExpiredAt(day.AddDate(100, 0, 0)) {
		t.Error("a credit without expiry lapsed")
	}
	d := debit()
	if d.OverdueAt(d.Due) || !d.OverdueAt(d.Due.Add(time.Nanosecond)) {
		t.Error("OverdueAt: a debit is overdue after its due instant")
	}
	d.Due = time.Time{}
	if d.OverdueAt(d.Issued) || !d.OverdueAt(d.Issued.Add(time.Nanosecond)) {
		t.Error("a debit without due date is due on issue")
	}
	if credit().OverdueAt(day.AddDate(100, 0, 0)) {
		t.Error("a credit is never overdue")
	}
	if !debit().IsDebit() || debit().IsCredit() || !credit().IsCredit() || credit().IsDebit() {
		t.Error("IsDebit/IsCredit")
	}
}

// TestBillToMatches: the Aptify rule. When the credit names a company the
// debit's company must match and the person is irrelevant; when it does not,
// the persons must match; an empty person never matches.
func TestBillToMatches(t *testing.T) {
	P := func(company, person string) invoice.Party { return invoice.Party{Company: company, Person: person} }
	for _, tc := range []struct {
		name          string
		credit, debit invoice.Party
		want          bool
	}{
		{"same company, same person", P("Acme", "Ann"), P("Acme", "Ann"), true},
		{"same company, other person", P("Acme", "Ann"), P("Acme", "Bob"), true},
		{"same company, debit names no person", P("Acme", "Ann"), P("Acme", ""), true},
		{"same company, credit names no person", P("Acme", ""), P("Acme", "Bob"), true},
		{"other company, same person", P("Acme", "Ann"), P("Globex", "Ann"), false},
		{"credit company, debit none, same person", P("Acme", "Ann"), P("", "Ann"), false},
		{"company differs in case", P("Acme", ""), P("ACME", ""), false},
		{"no company, same person", P("", "Ann"), P("", "Ann"), true},
		{"no company on credit, debit has one, same person", P("", "Ann"), P("Acme", "Ann"), true},
		{"no company, other person", P("", "Ann"), P("", "Bob"), false},
		{"no company, debit names no person", P("", "Ann"), P("Acme", ""), false},
		{"empty persons", P("", ""), P("", ""), false},
		{"empty credit party, debit has a company", P("", ""), P("Acme", ""), false},
		{"empty credit party, debit has a person", P("", ""), P("", "Ann"), false},
	} {
		if got := invoice.BillToMatches(tc.credit, tc.debit); got != tc.want {
			t.Errorf("%s: BillToMatches(%+v, %+v) = %v, want %v", tc.name, tc.credit, tc.debit, got, tc.want)
		}
	}
	if !(invoice.Party{}).IsZero() || (invoice.Party{Person: "Ann"}).IsZero() || (invoice.Party{Company: "Acme"}).IsZero() {
		t.Error("Party.IsZero")
	}
}

// TestDocumentCmp: documents compare by value with go-cmp, money included.
func TestDocumentCmp(t *testing.T) {
	a, b := debit(), debit()
	b.Amount = usd("100") // same amount written differently
	if !cmp.Equal(a, b) {
		t.Errorf("equal documents differ: %s", cmp.Diff(a, b))
	}
	b.Open = usd("99.99")
	if cmp.Equal(a, b) {
		t.Error("different documents compare equal")
	}
}
