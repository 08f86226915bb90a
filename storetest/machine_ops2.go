package storetest

import (
	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Steps of the state machine for moving balances, holds and closing
// accounts, and the model's rules for them.

// moveBalance moves an account's credit, or an amount of it, to another
// account. The model draws the open credits of the source in the order
// they were issued (the machine's clock moves on with every call, so that
// is (Issued, ID) order), each up to what is left to move.
func (mc *machine) moveBalance(t *rapid.T) {
	from := mc.account(t, "from")
	to := mc.account(t, "to")
	all := rapid.Bool().Draw(t, "all")
	var drawn []*mDoc
	var usable int64
	for _, id := range mc.m.docIDs {
		if d := mc.m.docs[id]; d.account == from.id && d.isCredit() && d.status == invoice.Open && d.open > 0 {
			drawn = append(drawn, d)
			usable += d.open
		}
	}
	want := usable
	if !all {
		want = mc.amount(t, "amount")
	}
	call := func(k string) (any, error) {
		req := credit.MoveBalanceRequest{All: all, From: from.id, To: to.id, Comment: "to the parent"}
		if !all {
			req.Amount = cents(want)
		}
		return mc.f.l.MoveBalance(mc.f.ctx, mc.f.p, k, req)
	}
	switch {
	case from.id == to.id:
		mc.fails(t, "MoveBalance to the same account", credit.ErrInvalidRequest, call)
		return
	case want == 0 || want > usable:
		mc.fails(t, "MoveBalance of more than the credit", credit.ErrInsufficientCredit, call)
		return
	}
	r := mc.succeeds(t, "MoveBalance", call).(credit.MoveBalanceResult)
	if minor(r.Moved) != want || len(r.From) != len(r.To) {
		t.Fatalf("MoveBalance moved %s in %d/%d documents, the model expects %d cents", r.Moved, len(r.From), len(r.To), want)
	}
	left := want
	var news []string
	for _, c := range drawn {
		if left == 0 {
			break
		}
		amt := min(c.open, left)
		i := len(news)
		if i >= len(r.From) || r.From[i].ID != c.id || minor(r.To[i].Amount) != amt || r.To[i].Original != c.id {
			t.Fatalf("MoveBalance drew %+v, the model expects %d cents of %s next", r.From, amt, c.id)
		}
		mc.m.take(c, amt, invoice.Closed)
		c.removed += amt
		mc.m.total -= amt
		mc.m.addDoc(&mDoc{id: r.To[i].ID, account: to.id, kind: invoice.Credit, amount: amt, open: amt, status: invoice.Open, original: c.id,
			labels: c.labels})
		news = append(news, r.To[i].ID)
		left -= amt
	}
	if len(news) != len(r.From) {
		t.Fatalf("MoveBalance drew %d documents, the model expects %d", len(r.From), len(news))
	}
	for _, id := range news {
		apps, err := mc.f.l.Applications(mc.f.ctx, mc.f.p, id)
		if err != nil {
			t.Fatalf("Applications: %v", err)
		}
		mc.absorbPrepaid(t, "MoveBalance", to, apps)
	}
}

// drawLabels draws the labels of a credit: none half the time, else a
// priority and sometimes a product.
func drawLabels(t *rapid.T) map[string]string {
	if rapid.Bool().Draw(t, "no labels") {
		return nil
	}
	m := map[string]string{"priority": rapid.SampledFrom([]string{"0", "1", "2"}).Draw(t, "priority")}
	if rapid.Bool().Draw(t, "product") {
		m["product"] = rapid.SampledFrom([]string{"storage", "compute"}).Draw(t, "product")
	}
	return m
}
