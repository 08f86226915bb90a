package credit_test

import (
	"slices"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// TestEntryHashKeepsItsFirstEncoding: an entry without the later fields
// hashes exactly as it did when it was written, under its kind's first
// name ("applied"), so stored histories verify after the kinds were
// renamed; the lists, when present, change the hash.
func TestEntryHashKeepsItsFirstEncoding(t *testing.T) {
	r, err := money.ParseResidual("USD -0.003")
	if err != nil {
		t.Fatal(err)
	}
	e := credit.Entry{Account: "acme", Seq: 7, At: time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC), Kind: credit.CreditApplied,
		Amount: m("USD 120.00"), Original: m("EUR 110.00"), Rate: money.MustParseRate("EUR/USD 1.0837"), Residual: r,
		CreditChange: m("USD -120.00"), DebitChange: m("USD -120.00"),
		After: credit.Balances{Credit: m("USD 0.00"), Debit: m("USD 880.00"), Outstanding: m("USD -880.00"),
			Limit: m("USD 5000.00"), Available: m("USD 4120.00")},
		By: "ar.clerk", Reference: "wire 881", Comment: "c", Operation: "op-5", Prev: "abc"}
	// The hash the journal's first encoding gave this entry.
	const first = "fb41e95387f45d414d3dde6cc2ac8d9ccab43d65a88a026f02a5487eb3ede34e"
	if got := credit.EntryHash(e); got != first {
		t.Fatalf("EntryHash = %s, want %s: stored histories would no longer verify", got, first)
	}
	seen := map[string]bool{first: true}
	for _, lists := range [][2][]string{{{"pay"}, nil}, {nil, {"pay"}}, {{"pay", "inv"}, {"app"}}, {{"pay"}, {"inv", "app"}}} {
		e.Documents, e.Applications = lists[0], lists[1]
		h := credit.EntryHash(e)
		if seen[h] {
			t.Errorf("lists %q hash like another entry", lists)
		}
		seen[h] = true
	}
}

// TestEveryKindHasAFirstNameOrItsOwn: FirstNames maps renamed kinds to
// names no current kind uses, so a migrated store cannot confuse them.
func TestEveryKindHasAFirstNameOrItsOwn(t *testing.T) {
	kinds := allKinds()
	for k, old := range credit.FirstNames() {
		if !slices.Contains(kinds, k) {
			t.Errorf("FirstNames has %q, not a kind", k)
		}
		if slices.Contains(kinds, credit.EntryKind(old)) {
			t.Errorf("first name %q of %q is a current kind's name", old, k)
		}
	}
}

func allKinds() []credit.EntryKind {
	return []credit.EntryKind{credit.AccountOpened, credit.AccountUpdated, credit.CurrencyConverted,
		credit.InvoiceIssued, credit.DebitMemoIssued, credit.ChargedToCreditLine, credit.PaymentReceived,
		credit.BalancePaid, credit.BalancePaymentEdited, credit.CreditIssued, credit.CreditMemoIssued,
		credit.PurchaseCredited, credit.CreditApplied, credit.CreditUnapplied, credit.DocumentAdjusted,
		credit.DocumentVoided, credit.CreditRefunded, credit.PaymentChargedBack, credit.PaymentCancelled,
		credit.CreditTransferredOut, credit.CreditTransferredIn, credit.CreditsConsolidated, credit.CreditExpired}
}

// TestLabelsSpeakEachSystemsWords: Adobe Commerce's grid shows its six
// words through Label, and a kind a system has no word for says so.
func TestLabelsSpeakEachSystemsWords(t *testing.T) {
	for k, want := range map[credit.EntryKind]string{credit.AccountOpened: "Allocated", credit.AccountUpdated: "Updated",
		credit.ChargedToCreditLine: "Purchased", credit.BalancePaid: "Reimbursed", credit.PurchaseCredited: "Refunded",
		credit.DocumentVoided: "Reverted"} {
		if got, ok := k.Label(credit.AdobeCommerce); got != want || !ok {
			t.Errorf("%s in Adobe Commerce: %q %v, want %q", k, got, ok, want)
		}
	}
	if got, ok := credit.PaymentChargedBack.Label(credit.CitrixCloudPortal); got != "Issue Charge Back" || !ok {
		t.Errorf("a charge back in CloudPortal: %q", got)
	}
	if got, ok := credit.CreditExpired.Label(credit.AdobeCommerce); ok || got != "" {
		t.Errorf("Adobe Commerce has no word for expiry, Label says %q", got)
	}
	for _, s := range []credit.System{credit.AdobeCommerce, credit.IngramMicro, credit.IMIS, credit.CitrixCloudPortal, credit.Aptify} {
		n := 0
		for _, k := range allKinds() {
			if _, ok := k.Label(s); ok {
				n++
			}
		}
		if n == 0 {
			t.Errorf("system %s has no labels", s)
		}
	}
}

// TestEntriesNameWhatTheyChanged: an applied entry names the credit and
// the debits it settled and the applications linking them; an unapplied
// entry names the reversals; an issued document's entry names it.
func TestEntriesNameWhatTheyChanged(t *testing.T) {
	f := newFixture(t)
	f.open("acct", "USD", credit.Term, "")
	f.open("other", "USD", credit.Term, "")
	f.payment("acct", "pay", "USD 50.00")
	f.invoice("acct", "inv-1", "USD 20.00")
	f.invoice("other", "inv-2", "USD 30.00")
	r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "inv-1"}, {Credit: "pay", Debit: "inv-2"}}})
	ids := func(apps []credit.Application) []string {
		var out []string
		for _, a := range apps {
			out = append(out, a.ID)
		}
		return out
	}
	last := func(acct string) credit.Entry { h := f.history(acct); return h[len(h)-1] }
	e := last("acct")
	if e.Kind != credit.CreditApplied || !slices.Equal(e.Documents, []string{"pay", "inv-1"}) || !slices.Equal(e.Applications, ids(r.Applications)) {
		t.Errorf("applied entry of acct names %q and %q, want pay, inv-1 and %q", e.Documents, e.Applications, ids(r.Applications))
	}
	e = last("other")
	if !slices.Equal(e.Documents, []string{"inv-2"}) || !slices.Equal(e.Applications, ids(r.Applications[1:])) {
		t.Errorf("applied entry of other names %q and %q", e.Documents, e.Applications)
	}
	u, err := f.l.Unapply(ctx, admin, f.key(), credit.UnapplyRequest{Operation: r.Operation})
	if err != nil {
		t.Fatal(err)
	}
	e = last("acct")
	if e.Kind != credit.CreditUnapplied || !slices.Equal(e.Applications, ids(u.Reversals)) || len(e.Documents) != 2 {
		t.Errorf("unapplied entry names %q and %q, want the reversals %q", e.Documents, e.Applications, ids(u.Reversals))
	}
	h := f.history("other")
	if first := h[len(h)-3]; first.Kind != credit.InvoiceIssued || !slices.Equal(first.Documents, []string{"inv-2"}) || len(first.Applications) != 0 {
		t.Errorf("issue entry %s names %q and %q", first.Kind, first.Documents, first.Applications)
	}
}
