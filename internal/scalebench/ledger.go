package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The Ledger's operations on the same data sets, and the writes of one
// large request:
//
//   - ledger: the documents data set (one account "big" with N open
//     invoices and one payment that covers three of them, 2,000 other
//     accounts), and an account "busy" whose one credit already has N
//     applications;
//   - lines: one account with L open invoices and one payment that pays
//     them all, for the Apply that pays them all and the Commit of L
//     documents, timed per line;
//   - consolidate: 2,000 accounts of three invoices and two payments, C of
//     them consolidated in one request, timed per account.
//
// A call that writes is undone after it, untimed (Unapply of its
// operation), so that every call meets the same data.

var admin = credit.Principal{ID: "scalebench", Namespace: ns, Roles: []string{credit.RoleAdmin}}

var keys atomic.Int64

// key returns a fresh idempotency key.
func key() string { return fmt.Sprintf("key-%d", keys.Add(1)) }

func ledgerOf(s credit.Store) *credit.Ledger {
	l, err := credit.New(s, credit.AllowAll, credit.Options{})
	if err != nil {
		panic(err) // only for a nil store
	}
	return l
}

func usdAmount(s string) money.Money { return money.MustParse("USD " + s) }

// cents returns n cents as money.
func cents(n int) money.Money {
	return usdAmount(fmt.Sprintf("%d.%02d", n/100, n%100))
}

// withBalances returns an account with the given open credit and debit.
func withBalances(id string, credits, debits money.Money) credit.Account {
	a := account(id)
	a.Credit, a.Debit = credits, debits
	return a
}

// credit returns an open payment of amount, issued before every invoice.
func payment(id, acct string, amount money.Money) invoice.Document {
	d := document(id, acct, invoice.Payment, t0.Add(-time.Hour))
	d.Amount, d.Open, d.Due = amount, amount, time.Time{}
	return d
}

const busyTargets = 4

// seedLedger writes the documents data set of size n with balances that
// match its documents, and the account "busy" with a credit applied n
// times.
func seedLedger(ctx context.Context, s credit.Store, n int) error {
	c := &committer{ctx: ctx, s: s}
	c.account(withBalances(big, usdAmount("30.00"), cents(1000*n)))
	c.document(payment("pay-big", big, usdAmount("30.00")))
	for i := range n {
		c.document(document(invoiceID(i), big, invoice.Invoice, t0.Add(time.Duration(i/2)*time.Minute)))
	}
	busyOpen := cents(100_000_000 - n)
	c.account(withBalances("busy", busyOpen, cents(1000*busyTargets)))
	busy := payment("busy-pay", "busy", usdAmount("1000000.00"))
	busy.Open = busyOpen
	c.document(busy)
	for j := range busyTargets {
		c.document(document(fmt.Sprintf("busy-t-%d", j), "busy", invoice.Invoice, t0))
	}
	for i := range n {
		c.application(credit.Application{ID: fmt.Sprintf("busy-app-%07d", i), Credit: "busy-pay",
			Debit: fmt.Sprintf("busy-old-%07d", i), CreditAccount: "busy", DebitAccount: "busy",
			Amount: cents(1), Policy: "explicit", Operation: "seed", By: "seed", At: t0})
	}
	seedOthers(c)
	c.flush()
	return c.err
}

// seedOthers writes the 2,000 other accounts: three open invoices and two
// open payments each, and a history of a payment that paid an invoice
// (closed and paid, with their application), so that the applications
// spread over many credits, as in a namespace of real customers. (With
// the busy credit's alone, the planner would expect any credit to have
// all of them: see README, Cost at scale.)
func seedOthers(c *committer) {
	for i := range *flagOthers {
		id := otherID(i)
		c.account(withBalances(id, usdAmount("20.00"), usdAmount("30.00")))
		for j := range 5 {
			kind := invoice.Invoice
			if j >= 3 {
				kind = invoice.Payment
			}
			c.document(document(fmt.Sprintf("%s-d%d", id, j), id, kind, t0.Add(time.Duration(j)*time.Hour)))
		}
		paid := document(id+"-paid", id, invoice.Invoice, t0.Add(-48*time.Hour))
		paid.Open, paid.Status = money.Zero(usd), invoice.Paid
		used := document(id+"-used", id, invoice.Payment, t0.Add(-48*time.Hour))
		used.Open, used.Status = money.Zero(usd), invoice.Closed
		c.document(paid)
		c.document(used)
		c.application(credit.Application{ID: id + "-app", Credit: used.ID, Debit: paid.ID, CreditAccount: id,
			DebitAccount: id, Amount: paid.Amount, Policy: "explicit", Operation: id + "-op", By: "seed", At: t0})
	}
}

// undoing returns an undo that reverses the operation of the last Apply
// that set *op.
func undoing(l *credit.Ledger, op *string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := l.Unapply(ctx, admin, key(), credit.UnapplyRequest{Operation: *op})
		return err
	}
}

// applying returns a call of Apply with req, which must write want
// applications, and the undo of that call.
func applying(l *credit.Ledger, req func() credit.ApplyRequest, want int) (call, undo func(context.Context) error) {
	var op string
	call = func(ctx context.Context) error {
		r, err := l.Apply(ctx, admin, key(), req())
		if err == nil && len(r.Applications) != want {
			err = fmt.Errorf("%d applications, want %d", len(r.Applications), want)
		}
		op = r.Operation
		return err
	}
	return call, undoing(l, &op)
}

func ledgerReads(s credit.Store, n int) []read {
	l := ledgerOf(s)
	one := invoiceID(n / 2)
	fixed := func(r credit.ApplyRequest) func() credit.ApplyRequest {
		return func() credit.ApplyRequest { return r }
	}
	pair, pairUndo := applying(l, fixed(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "pay-big", Debit: one}}}), 1)
	named, namedUndo := applying(l, fixed(credit.ApplyRequest{Account: big, Debits: []string{one}}), 1)
	mine, mineUndo := applying(l, fixed(credit.ApplyRequest{Account: big}), 3)
	busy, busyUndo := applying(l, fixed(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "busy-pay", Debit: "busy-t-0"}}}), 1)
	return []read{
		{name: "Apply, explicit pair", call: pair, undo: pairUndo},
		{name: "Apply naming one debit", call: named, undo: namedUndo},
		{name: "EligibleCredits for one debit", call: func(ctx context.Context) error {
			cs, err := l.EligibleCredits(ctx, admin, credit.EligibleRequest{Debit: one})
			if err == nil && len(cs) != 1 {
				err = fmt.Errorf("%d credits, want 1", len(cs))
			}
			return err
		}},
		{name: `"use my credit" Apply, default policy`, call: mine, undo: mineUndo},
		{name: `"use my credit" Preview, default policy`, call: func(ctx context.Context) error {
			r, err := l.Preview(ctx, admin, credit.ApplyRequest{Account: big})
			if err == nil && len(r.Plan.Lines) != 3 {
				err = fmt.Errorf("%d lines, want 3", len(r.Plan.Lines))
			}
			return err
		}},
		{name: "Apply, explicit pair on a credit with K = N applications", call: busy, undo: busyUndo},
		// SystemDiscretion has no order a store can page by: it plans
		// every open debit at once (README: Cost at scale).
		{name: `"use my credit" Preview, SystemDiscretion`, call: func(ctx context.Context) error {
			r, err := l.Preview(ctx, admin, credit.ApplyRequest{Account: big, Policy: allocate.SystemDiscretion()})
			if err == nil && len(r.Plan.Lines) != 3 {
				err = fmt.Errorf("%d lines, want 3", len(r.Plan.Lines))
			}
			return err
		}},
	}
}

// seedLines writes accounts "all-0", "all-1", … (one for each call of the
// Apply that pays them all: an Unapply of L applications of one credit
// costs O(L²) today, too much to undo it) with l open invoices and one
// payment that pays them all, and account "upd" with l invoices for the
// Commit that updates them.
func seedLines(ctx context.Context, s credit.Store, l int) error {
	c := &committer{ctx: ctx, s: s}
	for r := range 1 + *flagLineRuns {
		id := fmt.Sprintf("all-%d", r)
		c.account(withBalances(id, cents(1000*l), cents(1000*l)))
		c.document(payment(id+"-pay", id, cents(1000*l)))
		for i := range l {
			c.document(document(fmt.Sprintf("%s-%07d", id, i), id, invoice.Invoice, t0.Add(time.Duration(i)*time.Minute)))
		}
	}
	c.account(account("upd"))
	for i := range l {
		c.document(document(fmt.Sprintf("upd-%07d", i), "upd", invoice.Invoice, t0))
	}
	seedOthers(c)
	c.flush()
	return c.err
}

func lineReads(s credit.Store, l int) []read {
	ld := ledgerOf(s)
	var next int
	all, _ := applying(ld, func() credit.ApplyRequest {
		next++
		return credit.ApplyRequest{Account: fmt.Sprintf("all-%d", next-1)}
	}, l)
	var batch int
	updates := make([]invoice.Document, l)
	for i := range updates {
		updates[i] = document(fmt.Sprintf("upd-%07d", i), "upd", invoice.Invoice, t0)
	}
	return []read{
		{name: "One Apply paying all L invoices, per line", call: all, per: l},
		{name: "Commit of L new documents, per line", per: l, call: func(ctx context.Context) error {
			batch++
			docs := make([]invoice.Document, l)
			for i := range docs {
				docs[i] = document(fmt.Sprintf("new-%03d-%07d", batch, i), "upd", invoice.Invoice, t0)
			}
			return s.Commit(ctx, &credit.Batch{Namespace: ns, Documents: docs})
		}},
		{name: "Commit of L documents, each a new version, per line", per: l, call: func(ctx context.Context) error {
			for i := range updates {
				updates[i].Version++
			}
			return s.Commit(ctx, &credit.Batch{Namespace: ns, Documents: updates})
		}},
	}
}

// seedConsolidate writes the 2,000 other accounts (c is how many one
// Consolidate names).
func seedConsolidate(ctx context.Context, s credit.Store, _ int) error {
	c := &committer{ctx: ctx, s: s}
	seedOthers(c)
	c.flush()
	return c.err
}

func consolidateReads(s credit.Store, c int) []read {
	l := ledgerOf(s)
	ids := make([]string, c)
	for i := range ids {
		ids[i] = otherID(i)
	}
	var op string
	return []read{{name: "Consolidate, per account", per: c, undo: undoing(l, &op), call: func(ctx context.Context) error {
		r, err := l.Consolidate(ctx, admin, key(), credit.ConsolidateRequest{Accounts: ids})
		op = r.Operation
		for _, a := range r.Accounts {
			if err == nil && len(a.Applications) != 2 {
				err = fmt.Errorf("account %s: %d applications, want 2 (%s)", a.Account, len(a.Applications), a.Error)
			}
		}
		return err
	}}}
}
