package credit_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
)

// These tests check what the Ledger decides before anything reaches a
// store: input validation, the error each refusal wraps, authorization,
// and the computations of reimbursements and recalculation, each refusal
// leaving the records as they were. The store does not change the answer,
// so they run once, on the memory store; storetest checks what the stores
// are responsible for.

// vfix is a Ledger on a fresh memory store whose clock moves one second per
// read, in a namespace of its own.
type vfix struct {
	t     *testing.T
	s     *store.Memory
	l     *credit.Ledger
	ctx   context.Context
	ns    string
	p     credit.Principal
	clock *vclock
	ids   atomic.Int64
	keys  atomic.Int64
}

type vclock struct{ n atomic.Int64 }

func (c *vclock) now() time.Time { return t0.Add(time.Duration(c.n.Add(1)) * time.Second) }

func newVfix(t *testing.T) *vfix {
	f := &vfix{t: t, s: store.NewMemory(), ctx: context.Background(), ns: "validation", clock: &vclock{}}
	f.p = credit.Principal{ID: "validator", Namespace: f.ns, Roles: []string{credit.RoleAdmin}}
	f.l = f.ledger(credit.AllowAll)
	return f
}

func (f *vfix) ledger(auth credit.Authorizer) *credit.Ledger {
	l, err := credit.New(f.s, auth, credit.Options{Clock: f.clock.now, NewID: func() string { return fmt.Sprintf("v%05d", f.ids.Add(1)) }})
	if err != nil {
		f.t.Fatalf("credit.New: %v", err)
	}
	return l
}

func (f *vfix) key() string { return fmt.Sprintf("vkey-%d", f.keys.Add(1)) }

func (f *vfix) must(what string, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
}

// vc returns USD minor units as Money.
func vc(n int64) money.Money {
	m, err := money.FromMinor(usd, n)
	if err != nil {
		panic(err)
	}
	return m
}

func vminor(m money.Money) int64 {
	if !m.IsValid() {
		return 0
	}
	n, err := m.Minor()
	if err != nil {
		panic(err)
	}
	return n
}

func (f *vfix) openAccount(id string, kind credit.AccountKind, limit int64, allowExceed bool) {
	f.t.Helper()
	_, err := f.l.OpenAccount(f.ctx, f.p, f.key(), credit.OpenAccountRequest{ID: id, Currency: usd, Kind: kind, Limit: vc(limit), AllowExceed: allowExceed})
	f.must("OpenAccount "+id, err)
}

func (f *vfix) invoice(account string, amount int64) string {
	f.t.Helper()
	r, err := f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: account, Amount: vc(amount)})
	f.must("IssueDebit", err)
	return r.Document.ID
}

func (f *vfix) payment(account string, amount int64) string {
	f.t.Helper()
	r, err := f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: account, Amount: vc(amount)})
	f.must("IssueCredit", err)
	return r.Document.ID
}

func (f *vfix) balances(account string, wantCredit, wantDebit int64) {
	f.t.Helper()
	b, err := f.l.Balances(f.ctx, f.p, account)
	f.must("Balances", err)
	if vminor(b.Credit) != wantCredit || vminor(b.Debit) != wantDebit {
		f.t.Fatalf("account %s: credit %s debit %s, want %d and %d cents", account, b.Credit, b.Debit, wantCredit, wantDebit)
	}
}

func (f *vfix) open(id string, open int64, status invoice.Status) {
	f.t.Helper()
	d, err := f.l.Document(f.ctx, f.p, id)
	f.must("Document "+id, err)
	if vminor(d.Open) != open || d.Status != status {
		f.t.Fatalf("document %s: open %s, %s; want %d cents, %s", id, d.Open, d.Status, open, status)
	}
}

// vstate is what the public reads show of some accounts: the accounts,
// their documents, histories, and the applications of every document.
type vstate struct {
	Accounts     map[string]credit.Account
	Documents    map[string]invoice.Document
	History      map[string][]credit.Entry
	Applications map[string][]credit.Application
}

func (f *vfix) state(accounts []string) vstate {
	f.t.Helper()
	st := vstate{Accounts: map[string]credit.Account{}, Documents: map[string]invoice.Document{},
		History: map[string][]credit.Entry{}, Applications: map[string][]credit.Application{}}
	for _, id := range accounts {
		a, err := f.l.Account(f.ctx, f.p, id)
		f.must("Account "+id, err)
		st.Accounts[id] = a
		docs, err := f.l.Documents(f.ctx, f.p, credit.DocumentFilter{Account: id})
		f.must("Documents "+id, err)
		for _, d := range docs {
			st.Documents[d.ID] = d
			apps, err := f.l.Applications(f.ctx, f.p, d.ID)
			f.must("Applications "+d.ID, err)
			st.Applications[d.ID] = apps
		}
		h, err := f.l.History(f.ctx, f.p, credit.HistoryRequest{Account: id, Limit: credit.MaxPage})
		f.must("History "+id, err)
		st.History[id] = h
	}
	return st
}

// unchanged fails the test when the accounts' state differs from before.
func (f *vfix) unchanged(what string, accounts []string, before vstate) {
	f.t.Helper()
	if diff := cmp.Diff(before, f.state(accounts)); diff != "" {
		f.t.Fatalf("%s changed the store (-before +after):\n%s", what, diff)
	}
}

// verify checks every account's history with Ledger.Verify.
func (f *vfix) verify(accounts []string) {
	f.t.Helper()
	for _, id := range accounts {
		if err := f.l.Verify(f.ctx, f.p, id); err != nil {
			f.t.Errorf("Verify(%s): %v", id, err)
		}
	}
}

// vWantErr fails the test unless err wraps want and is a *credit.Error.
func vWantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got %v, want an error wrapping %v", what, err, want)
		return
	}
	var ce *credit.Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: %v is not a *credit.Error", what, err)
	}
}

func TestErrorPathsLeaveTheStoreAsItWas(t *testing.T) {
	f := newVfix(t)
	accts := []string{"a", "b", "c", "eur"}
	f.openAccount("a", credit.Term, 10000, false)
	f.openAccount("b", credit.Term, 0, false)
	f.openAccount("c", credit.Term, 0, false)
	f.l.OpenAccount(f.ctx, f.p, f.key(), credit.OpenAccountRequest{ID: "eur", Currency: money.MustCurrency("EUR")})
	inv := f.invoice("a", 5000)
	pay := f.payment("a", 3000)
	small := f.payment("a", 100)
	rec, err := f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: "a", Amount: vc(1000), Recurring: true})
	f.must("recurring debit", err)
	party1, party2 := invoice.Party{Company: "One"}, invoice.Party{Company: "Two"}
	bt, err := f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: "c", Amount: vc(1000), BillTo: party1})
	f.must("bill-to credit", err)
	btInv, err := f.l.IssueDebit(f.ctx, f.p, f.key(), credit.DebitRequest{Account: "c", Amount: vc(1000), BillTo: party2})
	f.must("bill-to debit", err)
	exp, err := f.l.IssueCredit(f.ctx, f.p, f.key(), credit.CreditRequest{Account: "b", Amount: vc(1000), Expires: f.clock.now().Add(2 * time.Second)})
	f.must("expiring credit", err)
	bInv := f.invoice("b", 500)
	f.clock.n.Add(10) // the credit has expired
	closed := f.payment("b", 100)
	if _, err := f.l.Refund(f.ctx, f.p, f.key(), credit.RefundRequest{All: true, Credit: closed}); err != nil {
		t.Fatalf("Refund: %v", err)
	}
	eurAmt, _ := money.New(money.MustCurrency("EUR"), "10.00")
	zero, neg := vc(0), vc(-100)
	p := f.p
	ctx := f.ctx
	l := f.l
	cases := []struct {
		name string
		want error
		call func() error
	}{
		{"open account without currency", credit.ErrInvalidRequest, func() error {
			_, err := l.OpenAccount(ctx, p, f.key(), credit.OpenAccountRequest{ID: "x"})
			return err
		}},
		{"open account that exists", credit.ErrAlreadyExists, func() error {
			_, err := l.OpenAccount(ctx, p, f.key(), credit.OpenAccountRequest{ID: "a", Currency: usd})
			return err
		}},
		{"open account with a negative limit", credit.ErrInvalidAmount, func() error {
			_, err := l.OpenAccount(ctx, p, f.key(), credit.OpenAccountRequest{ID: "x", Currency: usd, Limit: neg})
			return err
		}},
		{"open account with a limit in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.OpenAccount(ctx, p, f.key(), credit.OpenAccountRequest{ID: "x", Currency: usd, Limit: eurAmt})
			return err
		}},
		{"update unknown account", credit.ErrNotFound, func() error {
			_, err := l.UpdateAccount(ctx, p, f.key(), credit.UpdateAccountRequest{Account: "nope"})
			return err
		}},
		{"update with a negative limit", credit.ErrInvalidAmount, func() error {
			_, err := l.UpdateAccount(ctx, p, f.key(), credit.UpdateAccountRequest{Account: "a", Limit: &neg})
			return err
		}},
		{"update with a limit in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.UpdateAccount(ctx, p, f.key(), credit.UpdateAccountRequest{Account: "a", Limit: &eurAmt})
			return err
		}},
		{"debit on unknown account", credit.ErrNotFound, func() error {
			_, err := l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "nope", Amount: vc(100)})
			return err
		}},
		{"debit of zero", credit.ErrInvalidAmount, func() error {
			_, err := l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "a", Amount: zero})
			return err
		}},
		{"debit negative", credit.ErrInvalidAmount, func() error {
			_, err := l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "a", Amount: neg})
			return err
		}},
		{"debit without amount", credit.ErrInvalidAmount, func() error {
			_, err := l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "a"})
			return err
		}},
		{"debit in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "a", Amount: eurAmt})
			return err
		}},
		{"debit with an id that exists", credit.ErrAlreadyExists, func() error {
			_, err := l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "a", ID: inv, Amount: vc(100)})
			return err
		}},
		{"purchase over the limit", credit.ErrCreditLimitExceeded, func() error {
			_, err := l.Purchase(ctx, p, f.key(), credit.PurchaseRequest{Account: "a", Amount: vc(7901)})
			return err
		}},
		{"purchase on unknown account", credit.ErrNotFound, func() error {
			_, err := l.Purchase(ctx, p, f.key(), credit.PurchaseRequest{Account: "nope", Amount: vc(1)})
			return err
		}},
		{"purchase in another currency without a rate", credit.ErrCurrencyMismatch, func() error {
			_, err := l.Purchase(ctx, p, f.key(), credit.PurchaseRequest{Account: "a", Amount: eurAmt})
			return err
		}},
		{"credit on unknown account", credit.ErrNotFound, func() error {
			_, err := l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "nope", Amount: vc(100)})
			return err
		}},
		{"credit of zero", credit.ErrInvalidAmount, func() error {
			_, err := l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "a", Amount: zero})
			return err
		}},
		{"credit in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "a", Amount: eurAmt})
			return err
		}},
		{"credit without a reason", credit.ErrInvalidRequest, func() error {
			_, err := l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "a", Kind: invoice.CreditGrant, Amount: vc(1)})
			return err
		}},
		{"credit memo against an unknown debit", credit.ErrNotFound, func() error {
			_, err := l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "a", Kind: invoice.CreditMemo, Amount: vc(1), Against: "nope"})
			return err
		}},
		{"reimburse zero", credit.ErrInvalidAmount, func() error {
			_, err := l.Reimburse(ctx, p, f.key(), credit.ReimburseRequest{Account: "a", Amount: zero})
			return err
		}},
		{"reimburse unknown account", credit.ErrNotFound, func() error {
			_, err := l.Reimburse(ctx, p, f.key(), credit.ReimburseRequest{Account: "nope", Amount: vc(5)})
			return err
		}},
		{"edit unknown reimbursement", credit.ErrNotFound, func() error {
			_, err := l.EditReimbursement(ctx, p, f.key(), credit.EditReimbursementRequest{Document: "nope", Amount: vc(5)})
			return err
		}},
		{"edit a reimbursement to another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.EditReimbursement(ctx, p, f.key(), credit.EditReimbursementRequest{Document: pay, Amount: eurAmt})
			return err
		}},
		{"apply unknown credit", credit.ErrNotFound, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "nope", Debit: inv}}})
			return err
		}},
		{"apply to unknown debit", credit.ErrNotFound, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: "nope"}}})
			return err
		}},
		{"apply more than the credit holds", credit.ErrInsufficientCredit, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv, Amount: vc(3001)}}, Partial: true})
			return err
		}},
		{"apply a credit twice in one request", credit.ErrInsufficientCredit, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{
				{Credit: small, Debit: inv, Amount: vc(100)}, {Credit: small, Debit: bInv, Amount: vc(100)}}, Partial: true})
			return err
		}},
		{"apply without full cover", allocate.ErrNotCovered, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv}}})
			return err
		}},
		{"apply zero", credit.ErrInvalidAmount, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv, Amount: zero}}})
			return err
		}},
		{"apply to a recurring debit", credit.ErrRecurring, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: rec.Document.ID}}, Partial: true})
			return err
		}},
		{"apply across bill-to parties", credit.ErrBillToMismatch, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: bt.Document.ID, Debit: btInv.Document.ID}}, BillTo: true})
			return err
		}},
		{"apply an expired credit", allocate.ErrExpired, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: exp.Document.ID, Debit: bInv}}, Partial: true})
			return err
		}},
		{"apply with a cap in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Account: "a", Cap: eurAmt, Partial: true})
			return err
		}},
		{"apply a debit as a credit", credit.ErrWrongKind, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: inv, Debit: pay}}})
			return err
		}},
		{"apply by policy on unknown account", credit.ErrNotFound, func() error {
			_, err := l.Apply(ctx, p, f.key(), credit.ApplyRequest{Account: "nope"})
			return err
		}},
		{"apply across currencies", credit.ErrCurrencyMismatch, func() error {
			eurPay, err := l.IssueCredit(ctx, p, "eur-pay", credit.CreditRequest{Account: "eur", Amount: eurAmt})
			if err != nil {
				return err
			}
			_, err = l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: eurPay.Document.ID, Debit: inv}}, Partial: true})
			return err
		}},
		{"unapply unknown application", credit.ErrNotFound, func() error {
			_, err := l.Unapply(ctx, p, f.key(), credit.UnapplyRequest{Application: "nope"})
			return err
		}},
		{"unapply unknown operation", credit.ErrNotFound, func() error {
			_, err := l.Unapply(ctx, p, f.key(), credit.UnapplyRequest{Operation: "nope"})
			return err
		}},
		{"unapply naming nothing", credit.ErrInvalidRequest, func() error {
			_, err := l.Unapply(ctx, p, f.key(), credit.UnapplyRequest{})
			return err
		}},
		{"adjust unknown debit", credit.ErrNotFound, func() error {
			_, err := l.Adjust(ctx, p, f.key(), credit.AdjustRequest{Debit: "nope", Amount: zero})
			return err
		}},
		{"adjust upward", credit.ErrInvalidAmount, func() error {
			_, err := l.Adjust(ctx, p, f.key(), credit.AdjustRequest{Debit: inv, Amount: vc(5001)})
			return err
		}},
		{"adjust negative", credit.ErrInvalidAmount, func() error {
			_, err := l.Adjust(ctx, p, f.key(), credit.AdjustRequest{Debit: inv, Amount: neg})
			return err
		}},
		{"adjust in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.Adjust(ctx, p, f.key(), credit.AdjustRequest{Debit: inv, Amount: eurAmt})
			return err
		}},
		{"adjust a credit", credit.ErrWrongKind, func() error {
			_, err := l.Adjust(ctx, p, f.key(), credit.AdjustRequest{Debit: pay, Amount: zero})
			return err
		}},
		{"void unknown debit", credit.ErrNotFound, func() error {
			_, err := l.Void(ctx, p, f.key(), credit.VoidRequest{Debit: "nope"})
			return err
		}},
		{"refund more than open", credit.ErrInsufficientCredit, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{Credit: pay, Amount: vc(3001)})
			return err
		}},
		{"refund a refunded credit", credit.ErrInsufficientCredit, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{All: true, Credit: closed})
			return err
		}},
		{"refund an expired credit", credit.ErrBadState, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{All: true, Credit: exp.Document.ID})
			return err
		}},
		{"refund zero", credit.ErrInvalidAmount, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{Credit: pay, Amount: zero})
			return err
		}},
		{"refund in another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{Credit: pay, Amount: eurAmt})
			return err
		}},
		{"refund unknown credit", credit.ErrNotFound, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{All: true, Credit: "nope"})
			return err
		}},
		{"refund a debit", credit.ErrWrongKind, func() error {
			_, err := l.Refund(ctx, p, f.key(), credit.RefundRequest{All: true, Credit: inv})
			return err
		}},
		{"reverse unknown payment", credit.ErrNotFound, func() error {
			_, err := l.ReversePayment(ctx, p, f.key(), credit.ReverseRequest{Payment: "nope"})
			return err
		}},
		{"reverse a credit that is not a payment", credit.ErrWrongKind, func() error {
			_, err := l.ReversePayment(ctx, p, f.key(), credit.ReverseRequest{Payment: inv})
			return err
		}},
		{"reverse a refunded payment", credit.ErrBadState, func() error {
			_, err := l.ReversePayment(ctx, p, f.key(), credit.ReverseRequest{Payment: closed})
			return err
		}},
		{"transfer more than open", credit.ErrInsufficientCredit, func() error {
			_, err := l.Transfer(ctx, p, f.key(), credit.TransferRequest{Credit: pay, To: "b", Amount: vc(3001)})
			return err
		}},
		{"transfer to unknown account", credit.ErrNotFound, func() error {
			_, err := l.Transfer(ctx, p, f.key(), credit.TransferRequest{All: true, Credit: pay, To: "nope"})
			return err
		}},
		{"transfer unknown credit", credit.ErrNotFound, func() error {
			_, err := l.Transfer(ctx, p, f.key(), credit.TransferRequest{All: true, Credit: "nope", To: "b"})
			return err
		}},
		{"transfer to another currency", credit.ErrCurrencyMismatch, func() error {
			_, err := l.Transfer(ctx, p, f.key(), credit.TransferRequest{All: true, Credit: pay, To: "eur"})
			return err
		}},
		{"transfer to the same account", credit.ErrInvalidRequest, func() error {
			_, err := l.Transfer(ctx, p, f.key(), credit.TransferRequest{All: true, Credit: pay, To: "a"})
			return err
		}},
		{"transfer zero", credit.ErrInvalidAmount, func() error {
			_, err := l.Transfer(ctx, p, f.key(), credit.TransferRequest{Credit: pay, To: "b", Amount: zero})
			return err
		}},
		{"consolidate nothing", credit.ErrInvalidRequest, func() error {
			_, err := l.Consolidate(ctx, p, f.key(), credit.ConsolidateRequest{})
			return err
		}},
		{"empty idempotency key", credit.ErrInvalidRequest, func() error {
			_, err := l.IssueDebit(ctx, p, "", credit.DebitRequest{Account: "a", Amount: vc(100)})
			return err
		}},
		{"no principal", credit.ErrInvalidRequest, func() error {
			_, err := l.IssueDebit(ctx, credit.Principal{}, f.key(), credit.DebitRequest{Account: "a", Amount: vc(100)})
			return err
		}},
		{"read unknown account", credit.ErrNotFound, func() error {
			_, err := l.Account(ctx, p, "nope")
			return err
		}},
		{"read unknown document", credit.ErrNotFound, func() error {
			_, err := l.Document(ctx, p, "nope")
			return err
		}},
		{"balances of unknown account", credit.ErrNotFound, func() error {
			_, err := l.Balances(ctx, p, "nope")
			return err
		}},
		{"eligible credits of unknown debit", credit.ErrNotFound, func() error {
			_, err := l.EligibleCredits(ctx, p, credit.EligibleRequest{Debit: "nope"})
			return err
		}},
		{"preview more than the credit holds", credit.ErrInsufficientCredit, func() error {
			_, err := l.Preview(ctx, p, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv, Amount: vc(3001)}}, Partial: true})
			return err
		}},
	}
	for _, c := range cases {
		before := f.state(accts)
		if c.name == "apply across currencies" {
			// Its setup writes a credit; compare from after it.
			c.call()
			before = f.state(accts)
		}
		err := c.call()
		vWantErr(t, c.name, err, c.want)
		f.unchanged(c.name, accts, before)
	}
	// A cancelled context fails and writes nothing.
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := f.state(accts)
	if _, err := l.IssueDebit(cctx, p, f.key(), credit.DebitRequest{Account: "a", Amount: vc(100)}); !errors.Is(err, context.Canceled) {
		t.Errorf("IssueDebit with a cancelled context: %v", err)
	}
	f.unchanged("a cancelled operation", accts, before)
	f.verify(accts)
}

func TestDefaultRolesRefuseAndAllowThroughTheLedger(t *testing.T) {
	f := newVfix(t)
	f.openAccount("a", credit.Term, 1000, false)
	f.openAccount("b", credit.Term, 0, false)
	inv := f.invoice("a", 500)
	pay := f.payment("a", 300)
	bPay := f.payment("b", 300)
	accts := []string{"a", "b"}
	l := f.ledger(credit.DefaultRoles())
	member := credit.Principal{ID: "m", Namespace: f.ns, Roles: []string{credit.RoleMember}, Account: "a"}
	other := credit.Principal{ID: "o", Namespace: f.ns, Roles: []string{credit.RoleMember}, Account: "b"}
	ctx := f.ctx
	before := f.state(accts)
	denied := map[string]func() error{
		"member issues a debit": func() error {
			_, err := l.IssueDebit(ctx, member, f.key(), credit.DebitRequest{Account: "a", Amount: vc(1)})
			return err
		},
		"member refunds": func() error {
			_, err := l.Refund(ctx, member, f.key(), credit.RefundRequest{All: true, Credit: pay})
			return err
		},
		"member voids": func() error {
			_, err := l.Void(ctx, member, f.key(), credit.VoidRequest{Debit: inv})
			return err
		},
		"member links pairs": func() error {
			_, err := l.Apply(ctx, member, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: pay, Debit: inv}}, Partial: true})
			return err
		},
		"member applies another account's credit": func() error {
			_, err := l.Apply(ctx, member, f.key(), credit.ApplyRequest{Debits: []string{inv}, Credits: []string{bPay}, Partial: true})
			return err
		},
		"member of another account applies": func() error {
			_, err := l.Apply(ctx, other, f.key(), credit.ApplyRequest{Account: "a", Partial: true})
			return err
		},
		"member of another account reads": func() error { _, err := l.Balances(ctx, other, "a"); return err },
		"member transfers": func() error {
			_, err := l.Transfer(ctx, member, f.key(), credit.TransferRequest{All: true, Credit: pay, To: "b"})
			return err
		},
		"member opens an account": func() error {
			_, err := l.OpenAccount(ctx, member, f.key(), credit.OpenAccountRequest{ID: "x", Currency: usd})
			return err
		},
		"no roles": func() error {
			_, err := l.Balances(ctx, credit.Principal{ID: "n", Namespace: f.ns}, "a")
			return err
		},
	}
	// What a principal may not read does not exist for it (authorize
	// before revealing); what it may read but not do is refused.
	hidden := map[string]bool{"member applies another account's credit": true,
		"member of another account applies": true, "member of another account reads": true, "no roles": true}
	for _, name := range vSortedKeys(denied) {
		want := credit.ErrNotAuthorized
		if hidden[name] {
			want = credit.ErrNotFound
		}
		vWantErr(t, name, denied[name](), want)
	}
	f.unchanged("refused operations", accts, before)
	// What a member may do: read and use its own account's credit.
	if _, err := l.Balances(ctx, member, "a"); err != nil {
		t.Errorf("member reads its account: %v", err)
	}
	if _, err := l.Apply(ctx, member, f.key(), credit.ApplyRequest{Account: "a", Partial: true}); err != nil {
		t.Errorf("member applies its account's credit: %v", err)
	}
	f.balances("a", 0, 200)
	f.verify(accts)
}

func TestReimbursementsAndTheirEdits(t *testing.T) {
	f := newVfix(t)
	f.openAccount("a", credit.Term, 100000, false)
	r, err := f.l.Reimburse(f.ctx, f.p, f.key(), credit.ReimburseRequest{Account: "a", Amount: vc(10000), Reference: "R-1"})
	f.must("Reimburse", err)
	orig := r.Document.ID
	if r.Document.Kind != invoice.Payment {
		t.Fatalf("positive reimbursement is a %s", r.Document.Kind)
	}
	neg, err := f.l.Reimburse(f.ctx, f.p, f.key(), credit.ReimburseRequest{Account: "a", Amount: vc(-2500), Reference: "R-2"})
	f.must("Reimburse negative", err)
	if neg.Document.Kind != invoice.DebitMemo || vminor(neg.Document.Amount) != 2500 {
		t.Fatalf("negative reimbursement: %+v", neg.Document)
	}
	f.balances("a", 10000, 2500)
	// Raise to 120.00: a further payment of 20.00 linked to the original.
	up, err := f.l.EditReimbursement(f.ctx, f.p, f.key(), credit.EditReimbursementRequest{Document: orig, Amount: vc(12000)})
	f.must("EditReimbursement up", err)
	if up.Document.Original != orig || up.Document.Kind != invoice.Payment || vminor(up.Document.Amount) != 2000 {
		t.Fatalf("edit up: %+v", up.Document)
	}
	// Lower to 90.00: a debit memo of 30.00.
	down, err := f.l.EditReimbursement(f.ctx, f.p, f.key(), credit.EditReimbursementRequest{Document: orig, Amount: vc(9000)})
	f.must("EditReimbursement down", err)
	if down.Document.Original != orig || down.Document.Kind != invoice.DebitMemo || vminor(down.Document.Amount) != 3000 {
		t.Fatalf("edit down: %+v", down.Document)
	}
	f.open(orig, 10000, invoice.Open)
	_, err = f.l.EditReimbursement(f.ctx, f.p, f.key(), credit.EditReimbursementRequest{Document: orig, Amount: vc(9000)})
	vWantErr(t, "edit to the same amount", err, credit.ErrInvalidAmount)
	_, err = f.l.EditReimbursement(f.ctx, f.p, f.key(), credit.EditReimbursementRequest{Document: up.Document.ID, Amount: vc(1)})
	vWantErr(t, "edit of an edit", err, credit.ErrWrongKind)
	f.balances("a", 12000, 5500)
	f.verify([]string{"a"})
}

// TestUnapplyOneCreditReplansTheOthers: removing one credit of a multi-credit application
// re-plans the others up to the original total (iMIS).
func TestUnapplyOneCreditReplansTheOthers(t *testing.T) {
	f := newVfix(t)
	f.openAccount("a", credit.Term, 0, false)
	inv := f.invoice("a", 10000)
	c1, c2, c3 := f.payment("a", 4000), f.payment("a", 4000), f.payment("a", 4000)
	ar, err := f.l.Apply(f.ctx, f.p, f.key(), credit.ApplyRequest{Account: "a", Debits: []string{inv},
		Credits: []string{c1, c2, c3}, Policy: allocate.OldestFirst(), Partial: true})
	f.must("Apply", err)
	if len(ar.Applications) != 3 {
		t.Fatalf("three credits on one invoice wrote %+v", ar.Applications)
	}
	f.open(inv, 0, invoice.Paid)
	f.open(c3, 2000, invoice.Open)
	ur, err := f.l.Unapply(f.ctx, f.p, f.key(), credit.UnapplyRequest{Operation: ar.Operation, Credit: c1})
	f.must("Unapply one credit", err)
	if len(ur.Reversals) != 3 || len(ur.Applications) != 2 {
		t.Fatalf("removing one credit of three: %d reversals, %d new applications", len(ur.Reversals), len(ur.Applications))
	}
	f.open(c1, 4000, invoice.Open)
	f.open(c2, 0, invoice.Closed)
	f.open(c3, 0, invoice.Closed)
	f.open(inv, 2000, invoice.Open)
	f.balances("a", 4000, 2000)
	f.verify([]string{"a"})
}

func vSortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
