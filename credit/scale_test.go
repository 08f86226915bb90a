package credit_test

import (
	"fmt"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// BenchmarkOneDebitBesideMany: the reads an Apply naming one debit makes,
// on an account with n open invoices and one open credit (memory store).
// Compare n=100 with n=100000: they follow the open credits, not the
// invoices.
func BenchmarkOneDebitBesideMany(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		f := bigAccount(b, n, "USD 1000000.00")
		req := credit.ApplyRequest{Account: "big", Debits: []string{"inv-0000042"}}
		b.Run(fmt.Sprintf("Preview/n=%d", n), func(b *testing.B) {
			for range b.N {
				if r, err := f.l.Preview(ctx, admin, req); err != nil || len(r.Plan.Lines) != 1 {
					b.Fatal(r, err)
				}
			}
		})
		b.Run(fmt.Sprintf("EligibleCredits/n=%d", n), func(b *testing.B) {
			for range b.N {
				if cs, err := f.l.EligibleCredits(ctx, admin, credit.EligibleRequest{Debit: "inv-0000042"}); err != nil || len(cs) != 1 {
					b.Fatal(cs, err)
				}
			}
		})
	}
}

// bigAccount is a fixture with account "big": one payment "pay" of
// payment, and n open invoices of USD 10.00 committed straight to the store.
func bigAccount(tb testing.TB, n int, payment string) *fixture {
	f := newFixture(tb)
	f.open("big", "USD", credit.Term, "")
	f.payment("big", "pay", payment)
	docs := make([]invoice.Document, n)
	ten := money.MustParse("USD 10.00")
	for i := range docs {
		docs[i] = invoice.Document{ID: fmt.Sprintf("inv-%07d", i), Account: "big", Kind: invoice.Invoice,
			Amount: ten, Open: ten, Issued: t0, Due: t0, Status: invoice.Open, Version: 1}
	}
	seed(tb, f, docs)
	return f
}

// seed commits documents straight to the fixture's store, with the
// account's open debit raised to match.
func seed(tb testing.TB, f *fixture, docs []invoice.Document) {
	tb.Helper()
	snap, err := f.st.Load(ctx, credit.Query{Namespace: ns, Accounts: []string{"big"}})
	if err != nil {
		tb.Fatal(err)
	}
	a := snap.Accounts["big"]
	for _, d := range docs {
		if a.Debit, err = a.Debit.Add(d.Open); err != nil {
			tb.Fatal(err)
		}
	}
	a.Version++
	if err := f.st.Commit(ctx, &credit.Batch{Namespace: ns, Accounts: []credit.Account{a}, Documents: docs}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkPairOnABusyCredit: an explicit pair on a credit that already
// has k applications (memory store). Compare k=100 with k=100000: the
// Ledger reads the named debit's applications, not the credit's.
func BenchmarkPairOnABusyCredit(b *testing.B) {
	for _, k := range []int{100, 100_000} {
		f := newFixture(b)
		f.open("big", "USD", credit.Term, "")
		f.payment("big", "pay", "USD 1000000.00")
		f.invoice("big", "target", "USD 10.00")
		apps := make([]credit.Application, k)
		one := money.MustParse("USD 0.01")
		for i := range apps {
			apps[i] = credit.Application{ID: fmt.Sprintf("app-%07d", i), Credit: "pay", Debit: fmt.Sprintf("old-%07d", i),
				CreditAccount: "big", DebitAccount: "big", Amount: one, Operation: "seed", At: t0}
		}
		if err := f.st.Commit(ctx, &credit.Batch{Namespace: ns, Applications: apps}); err != nil {
			b.Fatal(err)
		}
		req := credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay", Debit: "target"}}}
		b.Run(fmt.Sprintf("Preview/k=%d", k), func(b *testing.B) {
			for range b.N {
				if r, err := f.l.Preview(ctx, admin, req); err != nil || len(r.Plan.Lines) != 1 {
					b.Fatal(r, err)
				}
			}
		})
	}
}

// BenchmarkUseMyCreditBesideMany: "use my credit" (Account only, the
// default oldest-first policy) on an account with n open invoices and one
// credit that covers three of them (memory store). Compare n=100 with
// n=100000: the debits are read a window at a time.
func BenchmarkUseMyCreditBesideMany(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		f := bigAccount(b, n, "USD 30.00")
		b.Run(fmt.Sprintf("Preview/n=%d", n), func(b *testing.B) {
			for range b.N {
				if r, err := f.l.Preview(ctx, admin, credit.ApplyRequest{Account: "big"}); err != nil || len(r.Plan.Lines) != 3 {
					b.Fatal(r, err)
				}
			}
		})
	}
}
