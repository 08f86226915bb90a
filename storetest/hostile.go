package storetest

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The hostile inputs that reach the store: requests the Ledger can refuse
// only by what the store kept. Amounts of 24 digits whose sums money cannot
// hold, ids, keys and text at their length limits in several scripts, keys
// already used, documents already paid, voided, reversed, expired or
// recurring, and ids of another namespace. Each is refused with its
// sentinel and writes nothing in either namespace. The hostile inputs that
// the Ledger refuses before any read (bad amounts, oversized or invalid
// text, bad dates, roles) are credit's own tests, on the memory store.

// hugeAmount is the largest USD amount money holds (24 digits).
const hugeAmount = "9999999999999999999999.99"

// manyDigits is an amount of 24 digits that no float64 holds.
const manyDigits = "USD 1234567890123456789012.34"

// hostileWorld is a fixture in namespace A and one in namespace B over the
// same store and Ledger, with documents in every state:
//
//	A/usd      term USD, limit 1000, bill-to Acme: inv1 100, inv2 50 (issued with usedKey),
//	           rec1 30 (recurring), pay1 80, cm-exp 20 (expired), inv-paid 40 paid by
//	           pay-full 40, inv-void 10 (void), inv-unap 5 / pay-unap 5 (applied then
//	           unapplied), pay-rev 7 (reversed), reimb 25 (a reimbursement)
//	A/usd2     term USD: inv-b 60 (bill-to Beta), pay-b 10
//	A/jpy      term JPY: inv-jpy 1000, pay-jpy 500
//	A/huge     limit of 24 digits; A/rich holds a payment of 24 digits;
//	A/rich2    limit 5·10²¹ and a payment of 4·10²¹; A/owes owes 24 digits
//	A/longAcct an id of invoice.MaxIDLen bytes, with longDoc (an id of as many
//	           bytes, an amount of 24 digits, text of invoice.MaxTextLen bytes)
//	           issued with longKey (credit.MaxKeyLen bytes)
//	B/usd      the same id as A's, B/foreign: f-inv 100, f-pay 100
type hostileWorld struct {
	a, b         *fixture
	unappliedApp string // an application already reversed
	applyOp      string // the operation that applied pay-full to inv-paid
	usedKey      string // the key that issued inv2
	longAcct     string
	longDoc      string
	longKey      string
	issued       invoice.Document // longDoc as IssueDebit returned it
}

func newHostileWorld(t tb, e *env) *hostileWorld {
	t.Helper()
	a := newFixture(t, e)
	w := &hostileWorld{a: a, b: a.elsewhere()}
	open := func(f *fixture, id string, cur money.Currency, limit string, party string) {
		req := credit.OpenAccountRequest{ID: id, Currency: cur, Party: invoice.Party{Company: party}}
		if limit != "" {
			req.Limit = mon(cur.Code() + " " + limit)
		}
		res(f.l.OpenAccount(f.ctx, f.p, f.key(), req)).must(t)
		f.opened = append(f.opened, id)
	}
	debit := func(f *fixture, acct, id, amt string, recurring bool) {
		res(f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: acct, ID: id, Amount: mon(amt), Recurring: recurring})).must(t)
	}
	pay := func(f *fixture, acct, id, amt string) {
		res(f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: acct, ID: id, Amount: mon(amt)})).must(t)
	}
	l, p, ctx := a.l, a.p, a.ctx
	open(a, "usd", usd, "1000", "Acme")
	open(a, "usd2", usd, "", "Beta")
	open(a, "jpy", jpy, "", "")
	open(w.b, "usd", usd, "", "")
	open(w.b, "foreign", usd, "", "")
	debit(a, "usd", "inv1", "USD 100", false)
	w.usedKey = a.key()
	res(l.IssueDebit(ctx, p, w.usedKey, credit.DebitRequest{Account: "usd", ID: "inv2", Amount: mon("USD 50")})).must(t)
	debit(a, "usd", "rec1", "USD 30", true)
	pay(a, "usd", "pay1", "USD 80")
	res(l.IssueCredit(ctx, p, a.key(), credit.CreditRequest{Account: "usd", ID: "cm-exp", Kind: invoice.CreditMemo,
		Amount: mon("USD 20"), Expires: a.clock.last().Add(24*time.Hour + 137*time.Microsecond)})).must(t)
	debit(a, "usd", "inv-paid", "USD 40", false)
	pay(a, "usd", "pay-full", "USD 40")
	ar := res(l.Apply(ctx, p, a.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-full", Debit: "inv-paid"}}})).must(t)
	w.applyOp = ar.Operation
	debit(a, "usd", "inv-void", "USD 10", false)
	res(l.Void(ctx, p, a.key(), credit.VoidRequest{Debit: "inv-void", Reason: "cancelled"})).must(t)
	debit(a, "usd", "inv-unap", "USD 5", false)
	pay(a, "usd", "pay-unap", "USD 5")
	ar = res(l.Apply(ctx, p, a.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-unap", Debit: "inv-unap"}}})).must(t)
	w.unappliedApp = ar.Applications[0].ID
	res(l.Unapply(ctx, p, a.key(), credit.UnapplyRequest{Application: w.unappliedApp})).must(t)
	pay(a, "usd", "pay-rev", "USD 7")
	res(l.ReversePayment(ctx, p, a.key(), credit.ReverseRequest{Payment: "pay-rev"})).must(t)
	res(l.Reimburse(ctx, p, a.key(), credit.ReimburseRequest{Account: "usd", ID: "reimb", Amount: mon("USD 25"), Reference: "R-1"})).must(t)
	res(l.IssueDebit(ctx, p, a.key(), credit.DebitRequest{Account: "usd2", ID: "inv-b", Amount: mon("USD 60"), BillTo: invoice.Party{Company: "Beta"}})).must(t)
	pay(a, "usd2", "pay-b", "USD 10")
	debit(a, "jpy", "inv-jpy", "JPY 1000", false)
	pay(a, "jpy", "pay-jpy", "JPY 500")
	debit(w.b, "foreign", "f-inv", "USD 100", false)
	pay(w.b, "foreign", "f-pay", "USD 100")
	// Amounts at the edge of what money holds.
	open(a, "huge", usd, hugeAmount, "")
	open(a, "rich", usd, "", "")
	pay(a, "rich", "pay-rich", "USD "+hugeAmount)
	open(a, "rich2", usd, "5000000000000000000000", "")
	pay(a, "rich2", "pay-rich2", "USD 4000000000000000000000")
	open(a, "owes", usd, "", "")
	debit(a, "owes", "inv-owes", "USD "+hugeAmount, false)
	// Ids, keys and text at their limits, in several scripts.
	w.longAcct = fill("compte-ü-", invoice.MaxIDLen)
	w.longDoc = fill("facture-é-", invoice.MaxIDLen)
	w.longKey = fill("clé-", credit.MaxKeyLen)
	open(a, w.longAcct, usd, "", fill("Société-", invoice.MaxTextLen))
	dr := res(l.IssueDebit(ctx, p, w.longKey, credit.DebitRequest{Account: w.longAcct, ID: w.longDoc, Amount: mon(manyDigits),
		Reference: fill("référence-参照-", invoice.MaxTextLen), BillTo: invoice.Party{Person: fill("Zoë-", invoice.MaxTextLen)}})).must(t)
	w.issued = dr.Document
	a.clock.advance(48 * time.Hour)
	return w
}

// hostileInput is one request the Ledger must refuse with want, by what
// the store kept.
type hostileInput struct {
	name string
	want error
	call func(key string) error
}

func hostileInputs(w *hostileWorld) []hostileInput {
	a := w.a
	l, p, q, ctx := a.l, a.p, w.b.p, a.ctx
	var rows []hostileInput
	add := func(name string, want error, call func(key string) error) {
		rows = append(rows, hostileInput{name, want, call})
	}
	// Sums that money cannot hold: the store must keep every digit.
	add("a payment whose available credit money cannot hold", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.IssueCredit(ctx, p, key, credit.CreditRequest{Account: "huge", Amount: mon("USD " + hugeAmount)})
		return err
	})
	add("a limit whose available credit money cannot hold", credit.ErrInvalidAmount, func(key string) error {
		lim := mon("USD " + hugeAmount)
		_, err := l.UpdateAccount(ctx, p, key, credit.UpdateAccountRequest{Account: "rich", Limit: &lim})
		return err
	})
	add("a transfer whose available credit money cannot hold", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.Transfer(ctx, p, key, credit.TransferRequest{All: true, Credit: "pay-rich", To: "huge"})
		return err
	})
	add("a currency change whose available credit money cannot hold", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.UpdateAccount(ctx, p, key, credit.UpdateAccountRequest{Account: "rich2", Currency: &eur, Rate: money.MustParseRate("USD/EUR 1.2")})
		return err
	})
	add("a currency change converting beyond what money holds", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.UpdateAccount(ctx, p, key, credit.UpdateAccountRequest{Account: "rich", Currency: &eur, Rate: money.MustParseRate("USD/EUR 2")})
		return err
	})
	add("an invoice that makes the open debit more than money holds", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.IssueDebit(ctx, p, key, credit.DebitRequest{Account: "owes", Amount: mon("USD 0.01")})
		return err
	})
	add("a payment that makes the open credit more than money holds", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.Reimburse(ctx, p, key, credit.ReimburseRequest{Account: "rich", Amount: mon("USD 0.01")})
		return err
	})
	add("a purchase over the limit", credit.ErrCreditLimitExceeded, func(key string) error {
		// usd owes 100+50+30 and holds 80+20+25 of credit: 1000 − 55 = 945 available.
		_, err := l.Purchase(ctx, p, key, credit.PurchaseRequest{Account: "usd", Amount: mon("USD 945.01")})
		return err
	})
	// Keys and ids the store keeps, at their length limits too.
	add("key reused for another request", credit.ErrIdempotencyConflict, func(string) error {
		_, err := l.IssueDebit(ctx, p, w.usedKey, credit.DebitRequest{Account: "usd", ID: "inv2", Amount: mon("USD 51")})
		return err
	})
	add("key reused for another operation", credit.ErrIdempotencyConflict, func(string) error {
		_, err := l.IssueCredit(ctx, p, w.usedKey, credit.CreditRequest{Account: "usd", Amount: mon("USD 1")})
		return err
	})
	add("key of the longest length reused for another request", credit.ErrIdempotencyConflict, func(string) error {
		_, err := l.IssueDebit(ctx, p, w.longKey, credit.DebitRequest{Account: w.longAcct, ID: w.longDoc, Amount: mon("USD 1")})
		return err
	})
	add("document id already taken", credit.ErrAlreadyExists, func(key string) error {
		_, err := l.IssueDebit(ctx, p, key, credit.DebitRequest{Account: "usd", ID: "pay1", Amount: mon("USD 1")})
		return err
	})
	add("document id of the longest length already taken", credit.ErrAlreadyExists, func(key string) error {
		_, err := l.IssueCredit(ctx, p, key, credit.CreditRequest{Account: "usd", ID: w.longDoc, Amount: mon("USD 1")})
		return err
	})
	add("account id already taken", credit.ErrAlreadyExists, func(key string) error {
		_, err := l.OpenAccount(ctx, p, key, credit.OpenAccountRequest{ID: "usd", Currency: usd})
		return err
	})
	add("account id of the longest length already taken", credit.ErrAlreadyExists, func(key string) error {
		_, err := l.OpenAccount(ctx, p, key, credit.OpenAccountRequest{ID: w.longAcct, Currency: jpy})
		return err
	})
	// Documents in a state only the store remembers.
	add("unapply twice", credit.ErrBadState, func(key string) error {
		_, err := l.Unapply(ctx, p, key, credit.UnapplyRequest{Application: w.unappliedApp})
		return err
	})
	add("void twice", credit.ErrBadState, func(key string) error {
		_, err := l.Void(ctx, p, key, credit.VoidRequest{Debit: "inv-void"})
		return err
	})
	add("reverse a payment twice", credit.ErrBadState, func(key string) error {
		_, err := l.ReversePayment(ctx, p, key, credit.ReverseRequest{Payment: "pay-rev", ChargeBack: true})
		return err
	})
	add("refund a closed credit", credit.ErrInsufficientCredit, func(key string) error {
		_, err := l.Refund(ctx, p, key, credit.RefundRequest{All: true, Credit: "pay-full"})
		return err
	})
	add("apply to a paid invoice", credit.ErrInvalidPlan, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv-paid", Amount: mon("USD 1")}}, Partial: true})
		return err
	})
	add("apply to a void invoice", credit.ErrInvalidPlan, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv-void", Amount: mon("USD 1")}}, Partial: true})
		return err
	})
	add("apply a closed credit", credit.ErrInsufficientCredit, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-full", Debit: "inv2", Amount: mon("USD 1")}}, Partial: true})
		return err
	})
	add("apply a reversed payment", credit.ErrInvalidPlan, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-rev", Debit: "inv2", Amount: mon("USD 1")}}, Partial: true})
		return err
	})
	add("apply an expired credit", credit.ErrInvalidPlan, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "cm-exp", Debit: "inv2"}}, Partial: true})
		return err
	})
	add("refund an expired credit", credit.ErrBadState, func(key string) error {
		_, err := l.Refund(ctx, p, key, credit.RefundRequest{All: true, Credit: "cm-exp"})
		return err
	})
	add("apply to a recurring debit", credit.ErrRecurring, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "rec1"}}, Partial: true})
		return err
	})
	add("adjust a paid invoice above its amount", credit.ErrInvalidAmount, func(key string) error {
		_, err := l.Adjust(ctx, p, key, credit.AdjustRequest{Debit: "inv-paid", Amount: mon("USD 41")})
		return err
	})
	add("edit an invoice as a reimbursement", credit.ErrWrongKind, func(key string) error {
		_, err := l.EditReimbursement(ctx, p, key, credit.EditReimbursementRequest{Document: "inv1", Amount: mon("USD 1")})
		return err
	})
	add("bill-to mismatch", credit.ErrBillToMismatch, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv-b", Amount: mon("USD 1")}}, Partial: true, BillTo: true})
		return err
	})
	add("USD credit on a JPY debit", credit.ErrCurrencyMismatch, func(key string) error {
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: "inv-jpy"}}, Partial: true})
		return err
	})
	add("balances before the account opened", credit.ErrNotFound, func(string) error {
		_, err := l.BalancesAt(ctx, p, "usd", epoch)
		return err
	})
	// Ids of another namespace.
	for _, id := range []string{"f-inv", "f-pay"} {
		add("void a foreign "+id, credit.ErrNotFound, func(key string) error {
			_, err := l.Void(ctx, p, key, credit.VoidRequest{Debit: id})
			return err
		})
		add("refund a foreign credit "+id, credit.ErrNotFound, func(key string) error {
			_, err := l.Refund(ctx, p, key, credit.RefundRequest{All: true, Credit: id})
			return err
		})
		add("apply a foreign credit "+id, credit.ErrNotFound, func(key string) error {
			_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: id, Debit: "inv1"}}, Partial: true})
			return err
		})
		add("apply to a foreign debit "+id, credit.ErrNotFound, func(key string) error {
			_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay1", Debit: id}}, Partial: true})
			return err
		})
	}
	add("invoice on a foreign account", credit.ErrNotFound, func(key string) error {
		_, err := l.IssueDebit(ctx, p, key, credit.DebitRequest{Account: "foreign", Amount: mon("USD 1")})
		return err
	})
	add("transfer to a foreign account", credit.ErrNotFound, func(key string) error {
		_, err := l.Transfer(ctx, p, key, credit.TransferRequest{All: true, Credit: "pay1", To: "foreign"})
		return err
	})
	add("reverse a foreign payment", credit.ErrNotFound, func(key string) error {
		_, err := l.ReversePayment(ctx, p, key, credit.ReverseRequest{Payment: "f-pay"})
		return err
	})
	add("credit memo against a foreign invoice", credit.ErrNotFound, func(key string) error {
		_, err := l.IssueCredit(ctx, p, key, credit.CreditRequest{Account: "usd", Kind: invoice.CreditMemo, Amount: mon("USD 5"), Against: "f-inv"})
		return err
	})
	add("read a foreign document", credit.ErrNotFound, func(string) error {
		_, err := l.Document(ctx, p, "f-inv")
		return err
	})
	add("unapply an operation of another namespace", credit.ErrNotFound, func(key string) error {
		_, err := l.Unapply(ctx, q, key, credit.UnapplyRequest{Operation: w.applyOp})
		return err
	})
	add("void from another namespace", credit.ErrNotFound, func(key string) error {
		_, err := l.Void(ctx, q, key, credit.VoidRequest{Debit: "inv1"})
		return err
	})
	add("a foreign key of the longest length replayed in another namespace", credit.ErrNotFound, func(string) error {
		_, err := l.IssueDebit(ctx, q, w.longKey, credit.DebitRequest{Account: w.longAcct, ID: w.longDoc, Amount: mon(manyDigits),
			Reference: w.issued.Reference, BillTo: w.issued.BillTo})
		return err
	})
	return rows
}

// ledgerHostileInputs: what was written at the limits reads back as
// written, then every hostile input is refused with its sentinel, twice
// (with two keys), writing nothing in either namespace.
func ledgerHostileInputs(t tb, e *env) {
	w := newHostileWorld(t, e)
	a, b := w.a, w.b
	if got := a.doc(w.longDoc); !sameJSON(got, w.issued) {
		t.Fatalf("document %q reads back differently (-written +read):\n%s", w.longDoc, jsonDiff(w.issued, got))
	}
	before := [2]state{a.read(a.opened), b.read(b.opened)}
	for _, row := range hostileInputs(w) {
		for range 2 {
			err := row.call(a.key())
			if !errors.Is(err, row.want) {
				t.Fatalf("%s: error %v, want one wrapping %v", row.name, err, row.want)
			}
			if msg := typed(err); msg != "" {
				t.Fatalf("%s: %s", row.name, msg)
			}
		}
		if after := [2]state{a.read(a.opened), b.read(b.opened)}; !sameJSON(before, after) {
			t.Fatalf("%s changed the store (-before +after):\n%s", row.name, cmp.Diff(before, after))
		}
	}
	a.verify() // the kit's other checks count in int64 cents; these sums do not fit
	b.checkAll()
}

// jsonDiff shows how the JSON encodings of a and b differ, field by field:
// go-cmp cannot look inside money.Money.
func jsonDiff(a, b any) string {
	var x, y any
	for _, v := range []struct {
		from any
		to   *any
	}{{a, &x}, {b, &y}} {
		data, err := json.Marshal(v.from)
		if err == nil {
			err = json.Unmarshal(data, v.to)
		}
		if err != nil {
			return err.Error()
		}
	}
	return cmp.Diff(x, y)
}
