package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

var (
	usd = money.MustCurrency("USD")
	jpy = money.MustCurrency("JPY")
	bhd = money.MustCurrency("BHD")
	t0  = time.Date(2025, 3, 1, 9, 30, 0, 123456000, time.UTC)
)

func m(s string) money.Money { return money.MustParse(s) }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func account(id string, cur money.Currency, version int64) credit.Account {
	return credit.Account{ID: id, Currency: cur, Kind: credit.Term, Limit: money.Zero(cur),
		Credit: money.Zero(cur), Debit: money.Zero(cur), Created: t0, Updated: t0, Version: version}
}

func document(id, acct string, kind invoice.Kind, amount string, issued time.Time) invoice.Document {
	a := m(amount)
	return invoice.Document{ID: id, Account: acct, Kind: kind, Amount: a, Open: a, Issued: issued,
		Status: invoice.Open, Version: 1}
}

func entry(acct string, seq int64, at time.Time) credit.Entry {
	z := money.Zero(usd)
	return credit.Entry{Account: acct, Seq: seq, At: at, Kind: credit.AccountUpdated, Amount: z, CreditChange: z,
		DebitChange: z, After: credit.Balances{Credit: z, Debit: z, Outstanding: z, Limit: z, Available: z},
		By: "tester", Operation: "op"}
}

// TestRoundTrip writes every field of every record and reads the same
// values back: amounts with their scale in currencies of 0, 2 and 3
// decimals, the zero Money, rates, optional times, empty and nil results.
func TestRoundTrip(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	acct := credit.Account{ID: "acct-1", Currency: bhd, Kind: credit.Prepaid,
		Party: invoice.Party{Company: "Acme", Person: "Ann"}, Limit: m("BHD 1500.125"), AllowExceed: true,
		Credit: m("BHD 0.001"), Debit: m("BHD 12.300"), Seq: 2, Updated: t0.Add(time.Hour), Created: t0, Version: 1}
	yen := credit.Account{ID: "acct-2", Currency: jpy, Kind: credit.Term, Limit: money.Money{},
		Credit: money.Zero(jpy), Debit: m("JPY 1500"), Created: t0, Updated: t0, Version: 1}
	inv := invoice.Document{ID: "inv-1", Account: "acct-1", Kind: invoice.Invoice, Amount: m("BHD 12.300"),
		Open: m("BHD 12.300"), Issued: t0, Due: t0.AddDate(0, 1, 0), Recurring: true, Status: invoice.Open,
		BillTo: invoice.Party{Company: "Acme"}, Reason: "order 7", Reference: "PO-9", Version: 1}
	memo := invoice.Document{ID: "cm-1", Account: "acct-1", Kind: invoice.CreditMemo, Amount: m("BHD 5.000"),
		Open: m("BHD 0.000"), Issued: t0, Expires: t0.AddDate(1, 0, 0), Status: invoice.Closed,
		BillTo: invoice.Party{Person: "Ann"}, Original: "inv-1", Version: 1}
	app := credit.Application{ID: "app-1", Credit: "cm-1", Debit: "inv-1", CreditAccount: "acct-1",
		DebitAccount: "acct-1", Amount: m("BHD 5.000"), Policy: "explicit", Operation: "op-1", By: "ann", At: t0}
	rev := credit.Application{ID: "app-2", Credit: "cm-1", Debit: "inv-1", CreditAccount: "acct-1",
		DebitAccount: "acct-1", Amount: m("BHD 5.000"), Reverses: "app-1", Operation: "op-2", By: "bob", At: t0}
	e1 := credit.Entry{Account: "acct-1", Seq: 1, At: t0, Kind: credit.AccountOpened, Amount: money.Money{},
		CreditChange: m("BHD 0.001"), DebitChange: m("BHD -12.300"),
		After: credit.Balances{Credit: m("BHD 0.001"), Debit: m("BHD 12.300"), Outstanding: m("BHD -12.299"),
			Limit: m("BHD 1500.125"), Available: m("BHD 1487.826")},
		By: "ann", Reference: "ref", Comment: "first", Operation: "op-1"}
	e2 := e1
	e2.Seq, e2.Kind, e2.Document, e2.Amount = 2, credit.CurrencyConverted, "inv-1", m("BHD 3.760")
	e2.Original, e2.Rate = m("USD 10.00"), money.MustParseRate("USD/BHD 0.376")
	idem := &credit.Idempotency{Key: "k1", Kind: credit.CreditApplied, Fingerprint: "fp", Result: []byte(`{"a":1}`), At: t0}
	b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{acct, yen}, Documents: []invoice.Document{inv, memo},
		Applications: []credit.Application{app, rev}, Entries: []credit.Entry{e1, e2}, Idempotency: idem}
	if err := s.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
	empty := &credit.Batch{Namespace: "ns", Idempotency: &credit.Idempotency{Key: "k2", Kind: credit.CreditApplied, Result: []byte{}, At: t0}}
	none := &credit.Batch{Namespace: "ns", Idempotency: &credit.Idempotency{Key: "k3", Kind: credit.CreditApplied, At: t0}}
	for _, b := range []*credit.Batch{empty, none} {
		if err := s.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"acct-1", "acct-2"},
		Documents: []string{"inv-1", "cm-1"}, Applications: []string{"app-1", "app-2"}, Idempotency: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]credit.Account{"acct-1": acct, "acct-2": yen}
	if d := cmp.Diff(want, snap.Accounts); d != "" {
		t.Errorf("accounts (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]invoice.Document{"inv-1": inv, "cm-1": memo}, snap.Documents); d != "" {
		t.Errorf("documents (-want +got):\n%s", d)
	}
	apps := map[string]credit.Application{}
	for _, a := range snap.Applications {
		apps[a.ID] = a
	}
	if d := cmp.Diff(map[string]credit.Application{"app-1": app, "app-2": rev}, apps); d != "" {
		t.Errorf("applications (-want +got):\n%s", d)
	}
	if d := cmp.Diff(idem, snap.Idempotency); d != "" {
		t.Errorf("idempotency (-want +got):\n%s", d)
	}
	for _, rec := range []*credit.Idempotency{empty.Idempotency, none.Idempotency} {
		snap, err := s.Load(ctx, credit.Query{Namespace: "ns", Idempotency: rec.Key})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(rec, snap.Idempotency); d != "" || (rec.Result == nil) != (snap.Idempotency.Result == nil) {
			t.Errorf("idempotency %s (-want +got):\n%s (nil result: %v)", rec.Key, d, snap.Idempotency.Result == nil)
		}
	}
	h, err := s.History(ctx, "ns", "acct-1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]credit.Entry{e1, e2}, h); d != "" {
		t.Errorf("history (-want +got):\n%s", d)
	}
	// Scale survives: 12.300 is read back as written, not as 12.3.
	if got := snap.Documents["inv-1"].Amount.Amount(); got != "12.300" {
		t.Errorf("amount text %q, want 12.300", got)
	}
	if loc := snap.Accounts["acct-1"].Created.Location(); loc != time.UTC {
		t.Errorf("times come back in %v, want UTC", loc)
	}
}

// TestTimesToTheMicrosecond: a time with nanoseconds is kept to the
// microsecond, and EntryAt compares a query time with nanoseconds as
// comparing it whole would.
func TestTimesToTheMicrosecond(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	at := time.Date(2025, 1, 1, 0, 0, 0, 1000, time.UTC) // 1 µs
	e := entry("a", 1, at.Add(999*time.Nanosecond))
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Entries: []credit.Entry{e}}); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, "ns", "a", 0, 1)
	if err != nil || len(h) != 1 {
		t.Fatalf("History: %v, %v", h, err)
	}
	if !h[0].At.Equal(at) {
		t.Errorf("stored %v, want %v (truncated to the microsecond)", h[0].At, at)
	}
	for _, c := range []struct {
		t  time.Time
		ok bool
	}{{at.Add(-time.Nanosecond), false}, {at, true}, {at.Add(500 * time.Nanosecond), true}} {
		_, ok, err := s.EntryAt(ctx, "ns", "a", c.t)
		if err != nil || ok != c.ok {
			t.Errorf("EntryAt(%v) = %v, %v; want %v", c.t, ok, err, c.ok)
		}
	}
}

// TestConflictsWriteNothing: a stale version, an existing record or key,
// or an entry out of sequence, anywhere in a batch, refuses all of it.
// TestRefusedWriteWhoseVersionsCannotBeReread: a write the CHECK
// constraints refuse is told apart (stale or bad) by reading the versions
// again; when that read fails with the server going away, Commit reports
// the fault, to be retried (nothing was written), not a store failure.
func TestRefusedWriteWhoseVersionsCannotBeReread(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	setup := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)}}
	if err := s.Commit(ctx, setup); err != nil {
		t.Fatal(err)
	}
	s.BreakStaleCheck()
	bad := account("a", usd, 7) // stale, and with balances no CHECK allows
	bad.Credit = m("USD -1.00")
	err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{bad}})
	if !errors.Is(err, credit.ErrUnavailable) || errors.Is(err, credit.ErrStoreFailure) || errors.Is(err, credit.ErrConflict) {
		t.Fatalf("Commit: %v, want ErrUnavailable only", err)
	}
	got, err := s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := got.Accounts["a"]; a.Version != 1 || !a.Credit.IsZero() {
		t.Errorf("account after the refused write: version %d, credit %s", a.Version, a.Credit)
	}
}

func TestConflictsWriteNothing(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	setup := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
		Documents:   []invoice.Document{document("d", "a", invoice.Invoice, "USD 10.00", t0)},
		Entries:     []credit.Entry{entry("a", 1, t0)},
		Idempotency: &credit.Idempotency{Key: "used", Kind: credit.CreditApplied, At: t0}}
	if err := s.Commit(ctx, setup); err != nil {
		t.Fatal(err)
	}
	good := func() *credit.Batch {
		a := account("a", usd, 2)
		a.Credit = m("USD 5.00")
		d := document("d", "a", invoice.Invoice, "USD 10.00", t0)
		d.Open, d.Version = m("USD 4.00"), 2
		return &credit.Batch{Namespace: "ns", Accounts: []credit.Account{a}, Documents: []invoice.Document{d},
			Applications: []credit.Application{{ID: "app", Credit: "x", Debit: "d", Amount: m("USD 6.00"), At: t0}},
			Entries:      []credit.Entry{entry("a", 2, t0)},
			Idempotency:  &credit.Idempotency{Key: "new", Kind: credit.CreditApplied, At: t0}}
	}
	cases := map[string]func(b *credit.Batch){
		"stale account":          func(b *credit.Batch) { b.Accounts[0].Version = 3 },
		"existing account":       func(b *credit.Batch) { b.Accounts[0].Version = 1 },
		"stale document":         func(b *credit.Batch) { b.Documents[0].Version = 5 },
		"new document exists":    func(b *credit.Batch) { b.Documents[0].Version = 1 },
		"document twice":         func(b *credit.Batch) { b.Documents = append(b.Documents, b.Documents[0]) },
		"version zero":           func(b *credit.Batch) { b.Accounts[0].Version = 0 },
		"entry seq taken":        func(b *credit.Batch) { b.Entries[0].Seq = 1 },
		"entry seq gap":          func(b *credit.Batch) { b.Entries[0].Seq = 3 },
		"entries not in order":   func(b *credit.Batch) { b.Entries = append(b.Entries, entry("a", 4, t0)) },
		"used idempotency key":   func(b *credit.Batch) { b.Idempotency.Key = "used" },
		"application twice":      func(b *credit.Batch) { b.Applications = append(b.Applications, b.Applications[0]) },
		"stale and bad balances": func(b *credit.Batch) { b.Accounts[0].Credit = m("USD -1.00"); b.Accounts[0].Version = 7 },
		"bad balances from a stale document": func(b *credit.Batch) {
			b.Accounts[0].Credit = m("USD -1.00")
			b.Documents[0].Version = 5
		},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			b := good()
			change(b)
			if err := s.Commit(ctx, b); !errors.Is(err, credit.ErrConflict) {
				t.Fatalf("Commit: %v, want ErrConflict", err)
			}
			snap, err := s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"a"}, Documents: []string{"d"},
				Applications: []string{"app"}, Idempotency: "new"})
			if err != nil {
				t.Fatal(err)
			}
			h, err := s.History(ctx, "ns", "a", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Accounts["a"].Version != 1 || snap.Documents["d"].Version != 1 || len(snap.Applications) != 0 ||
				snap.Idempotency != nil || len(h) != 1 {
				t.Errorf("a refused batch wrote something: %+v, %d entries", snap, len(h))
			}
		})
	}
	if err := s.Commit(ctx, good()); err != nil {
		t.Fatalf("the good batch: %v", err)
	}
}

// TestBadDataIsNotAConflict: a write the schema refuses (a negative open
// balance at the expected version) is an error, but not ErrConflict, so
// the Ledger does not retry it.
func TestBadDataIsNotAConflict(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	d := document("d", "a", invoice.Invoice, "USD 10.00", t0)
	d.Open = m("USD -1.00")
	err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: []invoice.Document{d}})
	if err == nil || errors.Is(err, credit.ErrConflict) {
		t.Fatalf("Commit of a negative open balance: %v, want a non-conflict error", err)
	}
	wantClass(t, "Commit of a negative open balance", err, credit.ErrStoreFailure)
	mixed := entry("a", 1, t0)
	mixed.CreditChange = m("EUR 1.00")
	err = s.Commit(ctx, &credit.Batch{Namespace: "ns", Entries: []credit.Entry{mixed}})
	if err == nil || errors.Is(err, credit.ErrConflict) {
		t.Fatalf("Commit of an entry in two currencies: %v, want a non-conflict error", err)
	}
	wantClass(t, "Commit of an entry in two currencies", err, credit.ErrStoreFailure)
}

// TestDocumentsOrderAndCursor: documents come in (issued, id) order with ids
// compared byte by byte, filtered, and paged by cursor.
func TestDocumentsOrderAndCursor(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	// Byte order: "B" < "a" < "a-c" < "ab"; a linguistic collation differs.
	ids := []string{"ab", "B", "a-c", "a"}
	var docs []invoice.Document
	for _, id := range ids {
		docs = append(docs, document(id, "acct", invoice.Invoice, "USD 1.00", t0))
	}
	early := document("z-early", "acct", invoice.Payment, "USD 2.00", t0.Add(-time.Hour))
	paid := document("paid", "acct", invoice.Invoice, "USD 3.00", t0.Add(time.Hour))
	paid.Open, paid.Status = m("USD 0.00"), invoice.Paid
	amend := document("amend", "acct", invoice.DebitMemo, "USD 1.00", t0.Add(2*time.Hour))
	amend.Original = "a"
	other := document("other", "acct2", invoice.Invoice, "USD 1.00", t0)
	docs = append(docs, early, paid, amend, other)
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Documents: docs}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns2", Documents: []invoice.Document{document("ns2doc", "acct", invoice.Invoice, "USD 1.00", t0)}}); err != nil {
		t.Fatal(err)
	}
	list := func(f credit.DocumentFilter) []string {
		t.Helper()
		if f.Account == "" {
			f.Account = "acct"
		}
		got, err := s.Documents(ctx, "ns", f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range got {
			out = append(out, d.ID)
		}
		return out
	}
	for _, c := range []struct {
		f    credit.DocumentFilter
		want []string
	}{
		{credit.DocumentFilter{}, []string{"z-early", "B", "a", "a-c", "ab", "paid", "amend"}},
		{credit.DocumentFilter{OpenOnly: true}, []string{"z-early", "B", "a", "a-c", "ab", "amend"}},
		{credit.DocumentFilter{Kinds: []invoice.Kind{invoice.Payment, invoice.DebitMemo}}, []string{"z-early", "amend"}},
		{credit.DocumentFilter{Original: "a"}, []string{"amend"}},
		{credit.DocumentFilter{After: "a", Limit: 2}, []string{"a-c", "ab"}},
		{credit.DocumentFilter{After: "ab", OpenOnly: true}, []string{"amend"}},
		{credit.DocumentFilter{After: "no-such", Limit: 1}, []string{"z-early"}},
		{credit.DocumentFilter{After: "other", Limit: 3}, []string{"paid", "amend"}}, // a cursor from another account
		{credit.DocumentFilter{After: "B", Limit: 2}, []string{"a", "a-c"}},
		{credit.DocumentFilter{After: "ns2doc"}, []string{"z-early", "B", "a", "a-c", "ab", "paid", "amend"}},
		{credit.DocumentFilter{Account: "nobody"}, nil},
	} {
		if d := cmp.Diff(c.want, list(c.f)); d != "" {
			t.Errorf("Documents(%+v) (-want +got):\n%s", c.f, d)
		}
	}
}

// TestHistoryAndEntryAt pages through a history and finds entries by time.
func TestHistoryAndEntryAt(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	var es []credit.Entry
	for i := range 10 {
		es = append(es, entry("a", int64(i+1), t0.Add(time.Duration(i/2)*time.Minute))) // two entries per minute
	}
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Entries: es[:4]}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Entries: es[4:]}); err != nil {
		t.Fatal(err)
	}
	var got []credit.Entry
	for after := int64(0); ; {
		page, err := s.History(ctx, "ns", "a", after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		after = page[len(page)-1].Seq
	}
	if d := cmp.Diff(es, got); d != "" {
		t.Errorf("paged history (-want +got):\n%s", d)
	}
	if h, _ := s.History(ctx, "ns", "a", -5, 2); len(h) != 2 || h[0].Seq != 1 {
		t.Errorf("History after -5: %d entries", len(h))
	}
	if h, _ := s.History(ctx, "other-ns", "a", 0, 0); len(h) != 0 {
		t.Errorf("History in another namespace: %d entries", len(h))
	}
	for _, c := range []struct {
		at   time.Time
		seq  int64
		none bool
	}{{t0.Add(-time.Second), 0, true}, {t0, 2, false}, {t0.Add(90 * time.Second), 4, false}, {t0.Add(time.Hour), 10, false}} {
		e, ok, err := s.EntryAt(ctx, "ns", "a", c.at)
		if err != nil || ok == c.none || (ok && e.Seq != c.seq) {
			t.Errorf("EntryAt(%v) = seq %d, %v, %v; want seq %d (none: %v)", c.at, e.Seq, ok, err, c.seq, c.none)
		}
	}
}

// TestNamespaces: the same ids in two namespaces are different records.
func TestNamespaces(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	for i, ns := range []string{"one", "two"} {
		a := account("a", usd, 1)
		a.Limit = m(fmt.Sprintf("USD %d.00", i+1))
		b := &credit.Batch{Namespace: ns, Accounts: []credit.Account{a},
			Documents:    []invoice.Document{document("d", "a", invoice.Invoice, "USD 1.00", t0)},
			Applications: []credit.Application{{ID: "app", Credit: "c", Debit: "d", Amount: m("USD 1.00"), Operation: "op", At: t0}},
			Entries:      []credit.Entry{entry("a", 1, t0)},
			Idempotency:  &credit.Idempotency{Key: "k", Kind: credit.CreditApplied, Fingerprint: ns, At: t0}}
		if err := s.Commit(ctx, b); err != nil {
			t.Fatalf("%s: %v", ns, err)
		}
	}
	snap, err := s.Load(ctx, credit.Query{Namespace: "two", Accounts: []string{"a"}, Documents: []string{"d"},
		OpenOf: []string{"a"}, ApplicationsOf: []string{"d"}, Operation: "op", Idempotency: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Accounts["a"].Limit.Amount() != "2.00" || len(snap.Documents) != 1 || len(snap.Applications) != 1 ||
		snap.Idempotency.Fingerprint != "two" {
		t.Errorf("namespace two read %+v", snap)
	}
	snap, err = s.Load(ctx, credit.Query{Namespace: "three", Accounts: []string{"a"}, Documents: []string{"d"},
		OpenOf: []string{"a"}, ApplicationsOf: []string{"d"}, Operation: "op", Idempotency: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Accounts)+len(snap.Documents)+len(snap.Applications) != 0 || snap.Idempotency != nil {
		t.Errorf("an empty namespace read %+v", snap)
	}
}

// TestCancelled: a done context fails every call and writes nothing.
func TestCancelled(t *testing.T) {
	s := postgrestest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)}}
	if err := s.Commit(ctx, b); !errors.Is(err, context.Canceled) || !errors.Is(err, credit.ErrCanceled) {
		t.Errorf("Commit: %v", err)
	}
	storeCalls(t, ctx, s, credit.ErrCanceled)
	if _, err := s.Load(ctx, credit.Query{Namespace: "ns", Accounts: []string{"a"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load: %v", err)
	}
	if _, err := s.History(ctx, "ns", "a", 0, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("History: %v", err)
	}
	if _, _, err := s.EntryAt(ctx, "ns", "a", t0); !errors.Is(err, context.Canceled) {
		t.Errorf("EntryAt: %v", err)
	}
	if _, err := s.Documents(ctx, "ns", credit.DocumentFilter{Account: "a"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Documents: %v", err)
	}
	snap, err := s.Load(testCtx(t), credit.Query{Namespace: "ns", Accounts: []string{"a"}})
	if err != nil || len(snap.Accounts) != 0 {
		t.Errorf("a cancelled Commit wrote %+v (%v)", snap, err)
	}
}

// testQuery reads something of every kind.
func testQuery() credit.Query {
	return credit.Query{Namespace: "ns", Accounts: []string{"a"}, Documents: []string{"d"}, OpenOf: []string{"a"},
		ApplicationsOf: []string{"d"}, Applications: []string{"x"}, Operation: "op", Idempotency: "k"}
}

// TestLoadDocumentWithoutItsAccount: with DocumentAccounts, a document
// whose account is not there is still loaded (its account's columns come
// back NULL), and accounts that are there come once however many of the
// documents they hold.
func TestLoadDocumentWithoutItsAccount(t *testing.T) {
	s := postgrestest.New(t)
	ctx := testCtx(t)
	if err := s.Commit(ctx, &credit.Batch{Namespace: "ns", Accounts: []credit.Account{account("a", usd, 1)},
		Documents: []invoice.Document{document("d1", "a", invoice.Invoice, "USD 10.00", t0),
			document("d2", "a", invoice.Payment, "USD 5.00", t0),
			document("orphan", "gone", invoice.Invoice, "USD 1.00", t0)}}); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Load(ctx, credit.Query{Namespace: "ns", Documents: []string{"d1", "orphan", "d2", "missing"},
		DocumentAccounts: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Documents) != 3 || snap.Documents["orphan"].Account != "gone" || snap.Documents["d2"].Kind != invoice.Payment {
		t.Errorf("documents: %v", snap.Documents)
	}
	if len(snap.Accounts) != 1 || snap.Accounts["a"].Version != 1 || snap.Accounts["a"].Currency != usd {
		t.Errorf("accounts: %v", snap.Accounts)
	}
}

// migrated returns a migrated store on pool in a fresh schema, and the
// schema's name, for a test that reads the store's tables itself.
func migrated(t *testing.T, pool *pgxpool.Pool) (*postgres.Store, string) {
	t.Helper()
	schema := postgrestest.Schema(t, pool)
	s := postgres.New(pool, postgres.Options{Schema: schema})
	if err := s.Migrate(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return s, schema
}
