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
	case from.held:
		mc.fails(t, "MoveBalance from a held account", credit.ErrOnHold, call)
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
		mc.m.addDoc(&mDoc{id: r.To[i].ID, account: to.id, kind: invoice.CreditGrant, amount: amt, open: amt, status: invoice.Open, original: c.id,
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

// openAccounts lists the accounts that are not closed.
func (m *model) openAccounts() []string {
	var out []string
	for _, id := range m.acctIDs {
		if !m.accounts[id].closed {
			out = append(out, id)
		}
	}
	return out
}

// touchesClosed reports whether an application has a document of a
// closed account, which no operation may change.
func (m *model) touchesClosed(a *mApp) bool {
	return m.accounts[m.docs[a.credit].account].closed || m.accounts[m.docs[a.debit].account].closed
}

// holdAccount puts an account on hold, or a held one again with another
// reason.
func (mc *machine) holdAccount(t *rapid.T) {
	a := mc.account(t, "account")
	reason := rapid.SampledFrom([]string{"payment overdue", "fraud review"}).Draw(t, "reason")
	r := mc.succeeds(t, "HoldAccount", func(k string) (any, error) {
		return mc.f.l.HoldAccount(mc.f.ctx, mc.f.p, k, credit.HoldRequest{Account: a.id, Reason: reason})
	}).(credit.Account)
	if r.Hold != reason {
		t.Fatalf("HoldAccount returned hold %q, want %q", r.Hold, reason)
	}
	a.held = true
}

// releaseHold releases an account's hold; releasing one not held changes
// nothing.
func (mc *machine) releaseHold(t *rapid.T) {
	a := mc.account(t, "account")
	before := mc.f.read([]string{a.id})
	r := mc.succeeds(t, "ReleaseHold", func(k string) (any, error) {
		return mc.f.l.ReleaseHold(mc.f.ctx, mc.f.p, k, credit.ReleaseRequest{Account: a.id, Reason: "settled"})
	}).(credit.Account)
	if r.Hold != "" {
		t.Fatalf("ReleaseHold returned hold %q", r.Hold)
	}
	if !a.held {
		mc.f.unchanged("ReleaseHold of an account not held", []string{a.id}, before)
	}
	a.held = false
}

// closeAccount closes an account whose balances are zero; with anything
// open it is refused. The last open account is never closed, so that the
// machine has somewhere to go on.
func (mc *machine) closeAccount(t *rapid.T) {
	a := mc.account(t, "account")
	call := func(k string) (any, error) {
		return mc.f.l.CloseAccount(mc.f.ctx, mc.f.p, k, credit.CloseRequest{Account: a.id, Reason: "customer left"})
	}
	if c, d := mc.m.credits(a.id); c != 0 || d != 0 {
		mc.fails(t, "CloseAccount with open balances", credit.ErrBalanceNotZero, call)
		return
	}
	if len(mc.m.openAccounts()) < 2 {
		t.Skip("the last open account")
	}
	r := mc.succeeds(t, "CloseAccount", call).(credit.Account)
	if r.Closed.IsZero() {
		t.Fatalf("CloseAccount returned an open account")
	}
	a.closed = true
}

// writeClosed tries writes on a closed account, or a document of one:
// each is ErrAccountClosed and writes nothing.
func (mc *machine) writeClosed(t *rapid.T) {
	var closed []string
	for _, id := range mc.m.acctIDs {
		if mc.m.accounts[id].closed {
			closed = append(closed, id)
		}
	}
	if len(closed) == 0 {
		t.Skip("no closed account")
	}
	id := rapid.SampledFrom(closed).Draw(t, "closed account")
	var docs []string
	for _, d := range mc.m.docIDs {
		if mc.m.docs[d].account == id {
			docs = append(docs, d)
		}
	}
	l, ctx, p := mc.f.l, mc.f.ctx, mc.f.p
	calls := map[string]func(k string) (any, error){
		"IssueDebit": func(k string) (any, error) {
			return l.IssueDebit(ctx, p, k, credit.DebitRequest{Account: id, Amount: cents(100)})
		},
		"IssueCredit": func(k string) (any, error) {
			return l.IssueCredit(ctx, p, k, credit.CreditRequest{Account: id, Amount: cents(100)})
		},
		"HoldAccount": func(k string) (any, error) {
			return l.HoldAccount(ctx, p, k, credit.HoldRequest{Account: id, Reason: "late"})
		},
		"CloseAccount": func(k string) (any, error) {
			return l.CloseAccount(ctx, p, k, credit.CloseRequest{Account: id})
		},
		"MoveBalance to it": func(k string) (any, error) {
			return l.MoveBalance(ctx, p, k, credit.MoveBalanceRequest{From: mc.m.openAccounts()[0], To: id, Amount: cents(1)})
		},
	}
	if len(docs) > 0 {
		doc := rapid.SampledFrom(docs).Draw(t, "document")
		calls["Void"] = func(k string) (any, error) { return l.Void(ctx, p, k, credit.VoidRequest{Debit: doc}) }
		calls["Refund"] = func(k string) (any, error) { return l.Refund(ctx, p, k, credit.RefundRequest{Credit: doc, All: true}) }
	}
	name := rapid.SampledFrom(sortedKeys(calls)).Draw(t, "write")
	mc.fails(t, name+" on a closed account", credit.ErrAccountClosed, calls[name])
}

// unpaysClosed reports whether taking unpay back from a debit's active
// applications, newest first (as Adjust and Void do), reverses one that
// has a document of a closed account.
func (m *model) unpaysClosed(active []*mApp, unpay int64) bool {
	for i := len(active) - 1; i >= 0 && unpay > 0; i-- {
		if m.touchesClosed(active[i]) {
			return true
		}
		unpay -= active[i].amount
	}
	return false
}
