package credit_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// A child account's credit moves to its parent in one operation (Kill Bill:
// moving a child's credit balance to its parent account): the child's
// credits are drawn oldest first, each giving up what is drawn, and the
// parent receives a credit for each.
func ExampleLedger_MoveBalance() {
	ctx := context.Background()
	l := exampleLedger()
	by := credit.Principal{ID: "finance", Namespace: "shop"}
	usd := money.MustCurrency("USD")
	ok(l.OpenAccount(ctx, by, "k1", credit.OpenAccountRequest{ID: "parent", Currency: usd}))
	ok(l.OpenAccount(ctx, by, "k2", credit.OpenAccountRequest{ID: "child", Currency: usd}))
	ok(l.IssueCredit(ctx, by, "k3", credit.CreditRequest{Account: "child", ID: "CM-1", Amount: money.MustParse("USD 30.00"),
		Issued: exampleDay(1)}))
	ok(l.IssueCredit(ctx, by, "k4", credit.CreditRequest{Account: "child", ID: "PAY-1", Amount: money.MustParse("USD 50.00"),
		Issued: exampleDay(2)}))

	// More than the child holds moves nothing.
	_, err := l.MoveBalance(ctx, by, "k5", credit.MoveBalanceRequest{From: "child", To: "parent", Amount: money.MustParse("USD 80.01")})
	fmt.Println("more than the balance:", errors.Is(err, credit.ErrInsufficientCredit))

	// 40 of it: all of CM-1 (the oldest), then 10 of PAY-1.
	r := ok(l.MoveBalance(ctx, by, "k6", credit.MoveBalanceRequest{From: "child", To: "parent", Amount: money.MustParse("USD 40.00")}))
	for i := range r.From {
		fmt.Printf("%s gave %s, now %s open; the parent's credit from %s holds %s\n",
			r.From[i].ID, r.To[i].Amount, r.From[i].Open, r.To[i].Original, r.To[i].Open)
	}
	// Then the rest.
	r = ok(l.MoveBalance(ctx, by, "k7", credit.MoveBalanceRequest{From: "child", To: "parent", All: true}))
	fmt.Println("moved", r.Moved, "from", len(r.From), "credit")
	fmt.Println("child credit:", ok(l.Balances(ctx, by, "child")).Credit)
	fmt.Println("parent credit:", ok(l.Balances(ctx, by, "parent")).Credit)
	// Output:
	// more than the balance: true
	// CM-1 gave USD 30.00, now USD 0.00 open; the parent's credit from CM-1 holds USD 30.00
	// PAY-1 gave USD 10.00, now USD 40.00 open; the parent's credit from PAY-1 holds USD 10.00
	// moved USD 40.00 from 1 credit
	// child credit: USD 0.00
	// parent credit: USD 80.00
}
