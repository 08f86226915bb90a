package credit_test

import (
	"fmt"
	"testing"

	"github.com/arcredit/arcredit/credit"
)

// BenchmarkMoveBalance moves the whole balance of an account holding n
// credits to another account, in one MoveBalance, against the n Transfers
// (one per document) that were the way to do it before. Each op is one
// whole move of the n credits, on the memory store.
func BenchmarkMoveBalance(b *testing.B) {
	for _, n := range []int{10, 100} {
		setup := func(b *testing.B) *fixture {
			f := newFixture(b)
			f.open("child", "USD", credit.Term, "")
			f.open("parent", "USD", credit.Term, "")
			for i := range n {
				f.credit(credit.CreditRequest{Account: "child", ID: fmt.Sprintf("C%04d", i), Amount: m("USD 1.00")})
			}
			return f
		}
		b.Run(fmt.Sprintf("MoveBalance/credits=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				f := setup(b)
				b.StartTimer()
				if _, err := f.l.MoveBalance(ctx, admin, f.key(), credit.MoveBalanceRequest{From: "child", To: "parent", All: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Transfers/credits=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				f := setup(b)
				b.StartTimer()
				for i := range n {
					if _, err := f.l.Transfer(ctx, admin, f.key(), credit.TransferRequest{Credit: fmt.Sprintf("C%04d", i), To: "parent", All: true}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
