package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// BenchmarkMoveBalance moves the balance of an account holding n credits
// to another account: in one MoveBalance (one transaction), and as n
// Transfers, one per credit, as it was done before. Each op is one whole
// move; every iteration starts from a fresh schema.
func BenchmarkMoveBalance(b *testing.B) {
	pool := postgrestest.Pool(b, nil)
	ctx := context.Background()
	usdc := money.MustCurrency("USD")
	p := credit.Principal{ID: "bench", Namespace: "bench"}
	setup := func(b *testing.B, n int) *credit.Ledger {
		s := postgres.New(pool, postgres.Options{Schema: postgrestest.Schema(b, pool)})
		if err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		l, err := credit.New(s, credit.AllowAll, credit.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range []string{"child", "parent"} {
			if _, err := l.OpenAccount(ctx, p, "open-"+id, credit.OpenAccountRequest{ID: id, Currency: usdc}); err != nil {
				b.Fatal(err)
			}
		}
		for i := range n {
			if _, err := l.IssueCredit(ctx, p, fmt.Sprint("c", i), credit.CreditRequest{Account: "child", ID: fmt.Sprintf("C%04d", i),
				Amount: money.MustParse("USD 1.00")}); err != nil {
				b.Fatal(err)
			}
		}
		return l
	}
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("MoveBalance/credits=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				l := setup(b, n)
				b.StartTimer()
				if _, err := l.MoveBalance(ctx, p, "move", credit.MoveBalanceRequest{From: "child", To: "parent", All: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Transfers/credits=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				l := setup(b, n)
				b.StartTimer()
				for i := range n {
					if _, err := l.Transfer(ctx, p, fmt.Sprint("t", i), credit.TransferRequest{Credit: fmt.Sprintf("C%04d", i), To: "parent", All: true}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
