package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// state is everything the public reads show of a namespace's accounts: the
// accounts (balances and versions), all their documents, their whole
// histories, and the applications of every document. Two states are
// compared with go-cmp to prove that a failed operation changed nothing.
type state struct {
	Accounts     map[string]credit.Account
	Documents    map[string]invoice.Document
	History      map[string][]credit.Entry
	Applications map[string][]credit.Application
}

// read reads the state of the accounts through the Ledger and the Store.
func (f *fixture) read(accounts []string) state {
	f.t.Helper()
	st := state{Accounts: map[string]credit.Account{}, Documents: map[string]invoice.Document{},
		History: map[string][]credit.Entry{}, Applications: map[string][]credit.Application{}}
	for _, id := range accounts {
		a, err := f.l.Account(f.ctx, f.p, id)
		if err != nil {
			f.t.Fatalf("Account %s: %v", id, err)
		}
		st.Accounts[id] = a
		var after string
		for {
			docs, err := f.l.Documents(f.ctx, f.p, credit.DocumentFilter{Account: id, After: after, Limit: 100})
			if err != nil {
				f.t.Fatalf("Documents %s: %v", id, err)
			}
			for _, d := range docs {
				if _, dup := st.Documents[d.ID]; dup {
					f.t.Fatalf("Documents %s: %s listed twice", id, d.ID)
				}
				st.Documents[d.ID] = d
			}
			if len(docs) < 100 {
				break
			}
			after = docs[len(docs)-1].ID
		}
		var h []credit.Entry
		for {
			page, err := f.l.History(f.ctx, f.p, credit.HistoryRequest{Account: id, AfterSeq: int64(len(h)), Limit: 100})
			if err != nil {
				f.t.Fatalf("History %s: %v", id, err)
			}
			h = append(h, page...)
			if len(page) < 100 {
				break
			}
		}
		st.History[id] = h
	}
	// The applications of every document, in one read from the store
	// (Ledger.Applications is the same Load, one document at a time).
	ids := keys(st.Documents)
	snap, err := f.s.Load(f.ctx, credit.Query{Namespace: f.ns, ApplicationsOf: ids})
	if err != nil {
		f.t.Fatalf("Load applications: %v", err)
	}
	seen := map[string]bool{}
	for _, a := range snap.Applications {
		if seen[a.ID] {
			f.t.Fatalf("Load returned application %s twice", a.ID)
		}
		seen[a.ID] = true
		for _, doc := range []string{a.Credit, a.Debit} {
			if _, ok := st.Documents[doc]; ok {
				st.Applications[doc] = append(st.Applications[doc], a)
			}
		}
	}
	for id, list := range st.Applications {
		slices.SortFunc(list, func(x, y credit.Application) int {
			if c := x.At.Compare(y.At); c != 0 {
				return c
			}
			return strings.Compare(x.ID, y.ID)
		})
		st.Applications[id] = list
	}
	return st
}

// unchanged fails the test when the state of the accounts differs from
// before: invariant 6, a failed operation leaves the store as it was.
func (f *fixture) unchanged(what string, accounts []string, before state) {
	f.t.Helper()
	after := f.read(accounts)
	if sameJSON(before, after) {
		return // the fast path: go-cmp is slow on long histories
	}
	if diff := cmp.Diff(before, after); diff != "" {
		f.t.Fatalf("%s changed the store (-before +after):\n%s", what, diff)
	}
}

// problems collects invariant violations.
type problems []string

func (p *problems) add(format string, a ...any) { *p = append(*p, fmt.Sprintf(format, a...)) }

// checkState checks the invariants that hold whatever the operations were
// (1, 2 and 3 as far as the store shows them, 5, and the balances as sums of
// the documents), and returns what it found broken.
func checkState(st state) problems {
	var p problems
	apps := stateApplications(st, &p)
	applied := checkReversals(apps, &p)
	checkApplicationDocuments(apps, st.Documents, &p)
	credits, debits := checkDocuments(st, applied, &p)
	p = append(p, checkForeignApps(apps, st.Documents)...)
	for id, a := range st.Accounts {
		b := a.Balances()
		// Balances are the sums of the documents.
		if minor(a.Credit) != credits[id] || minor(a.Debit) != debits[id] {
			p.add("account %s: credit %s and debit %s, documents say %d and %d", id, a.Credit, a.Debit, credits[id], debits[id])
		}
		// 1: available = limit + outstanding.
		if minor(b.Outstanding) != minor(b.Credit)-minor(b.Debit) || minor(b.Available) != minor(b.Limit)+minor(b.Outstanding) {
			p.add("account %s: balances do not add up: %+v", id, b)
		}
		p = append(p, checkHistory(a, st.History[id])...)
	}
	return p
}

// stateApplications returns every application and reversal the documents
// list, once, by id, reporting one listed under a document it is not
// about or read differently through its two documents.
func stateApplications(st state, p *problems) map[string]credit.Application {
	apps := map[string]credit.Application{}
	for doc, list := range st.Applications {
		for _, a := range list {
			if a.Credit != doc && a.Debit != doc {
				p.add("Applications(%s) lists %s, which is about %s → %s", doc, a.ID, a.Credit, a.Debit)
			}
			if old, ok := apps[a.ID]; ok && !cmp.Equal(old, a) {
				p.add("application %s reads differently through its two documents", a.ID)
			}
			apps[a.ID] = a
		}
	}
	return apps
}

// checkReversals checks that every amount is positive and that each
// reversal mirrors one application, reversed once; it returns what is
// applied to each document net of reversals.
func checkReversals(apps map[string]credit.Application, p *problems) map[string]int64 {
	reversedBy := map[string]string{}
	applied := map[string]int64{} // document → net applied
	for _, a := range apps {
		if minor(a.Amount) <= 0 {
			p.add("application %s has amount %s", a.ID, a.Amount)
		}
		if a.Reverses == "" {
			applied[a.Credit] += minor(a.Amount)
			applied[a.Debit] += minor(a.Amount)
			continue
		}
		orig, ok := apps[a.Reverses]
		if !ok {
			p.add("reversal %s undoes %s, which is not an application of its documents", a.ID, a.Reverses)
			continue
		}
		if orig.Reverses != "" {
			p.add("reversal %s undoes the reversal %s", a.ID, orig.ID)
		}
		if other, dup := reversedBy[a.Reverses]; dup {
			p.add("application %s is reversed twice, by %s and %s", a.Reverses, other, a.ID)
		}
		reversedBy[a.Reverses] = a.ID
		if orig.Credit != a.Credit || orig.Debit != a.Debit || !orig.Amount.Equal(a.Amount) {
			p.add("reversal %s does not mirror %s", a.ID, orig.ID)
		}
		applied[a.Credit] -= minor(a.Amount)
		applied[a.Debit] -= minor(a.Amount)
	}
	return applied
}

// checkApplicationDocuments checks that each application links a credit
// and a debit of the accounts it names.
func checkApplicationDocuments(apps map[string]credit.Application, docs map[string]invoice.Document, p *problems) {
	for _, a := range apps {
		c, cok := docs[a.Credit]
		d, dok := docs[a.Debit]
		if cok && (!c.IsCredit() || c.Account != a.CreditAccount) {
			p.add("application %s: %s is not a credit of %s", a.ID, a.Credit, a.CreditAccount)
		}
		if dok && (!d.IsDebit() || d.Account != a.DebitAccount) {
			p.add("application %s: %s is not a debit of %s", a.ID, a.Debit, a.DebitAccount)
		}
	}
}

// checkDocuments checks each document's open balance against its amount,
// its status and what is applied to it, and returns the open credits and
// debits of each account in the account's currency.
func checkDocuments(st state, applied map[string]int64, p *problems) (credits, debits map[string]int64) {
	credits, debits = map[string]int64{}, map[string]int64{}
	for id, d := range st.Documents {
		amount, open := minor(d.Amount), minor(d.Open)
		if d.Amount.Currency() != d.Open.Currency() {
			continue // converted accounts keep old documents in their old currency
		}
		if open < 0 || open > amount || amount <= 0 {
			p.add("document %s: open %s of amount %s", id, d.Open, d.Amount)
		}
		if (d.Status == invoice.Open) != (open > 0) {
			p.add("document %s is %s with open %s", id, d.Status, d.Open)
		}
		// 2 and 3: what is applied (net of reversals) fits in the document
		// beside what is open; the rest left by refunds, transfers,
		// reversals, voids and adjustments (the model checks those).
		if net := applied[id]; net < 0 || open+net > amount {
			p.add("document %s: amount %d, open %d, applied net %d", id, amount, open, net)
		}
		cur := d.Amount.Currency()
		if d.IsForeign() {
			// Held in a foreign currency: the account counts its open
			// value, in the account's currency.
			*p = append(*p, checkForeignDoc(d)...)
			cur, open = d.Rate.To(), minor(d.FunctionalOpen)
		}
		if st.Accounts[d.Account].Currency != cur || d.Status != invoice.Open {
			continue
		}
		if d.IsCredit() {
			credits[d.Account] += open
		} else {
			debits[d.Account] += open
		}
	}
	return credits, debits
}

// checkHistory checks invariant 5 on one account: Seq runs 1..n, At never
// goes back, and summing the entries' changes from zero gives every entry's
// After and the account's current balances.
func checkHistory(a credit.Account, h []credit.Entry) problems {
	var p problems
	if len(h) == 0 {
		p.add("account %s has no history", a.ID)
		return p
	}
	if int64(len(h)) != a.Seq {
		p.add("account %s: Seq %d, %d entries", a.ID, a.Seq, len(h))
	}
	var credit, debit money.Money
	for i, e := range h {
		if e.Account != a.ID {
			p.add("account %s: entry %d is of account %q", a.ID, i+1, e.Account)
		}
		if e.Seq != int64(i+1) {
			p.add("account %s: entry %d has Seq %d", a.ID, i+1, e.Seq)
		}
		if i > 0 && e.At.Before(h[i-1].At) {
			p.add("account %s: entry %d goes back in time (%s before %s)", a.ID, e.Seq, e.At, h[i-1].At)
		}
		cur := e.After.Credit.Currency()
		if !credit.IsValid() || credit.Currency() != cur {
			// The start, or a change of currency: the entry's changes are
			// measured from zero in the new currency.
			credit, debit = money.Zero(cur), money.Zero(cur)
		}
		var err1, err2 error
		credit, err1 = credit.Add(e.CreditChange)
		debit, err2 = debit.Add(e.DebitChange)
		if err1 != nil || err2 != nil {
			p.add("account %s: entry %d cannot be replayed: %v %v", a.ID, e.Seq, err1, err2)
			return p
		}
		if !credit.Equal(e.After.Credit) || !debit.Equal(e.After.Debit) {
			p.add("account %s: replaying to entry %d gives credit %s debit %s, the entry says %s and %s",
				a.ID, e.Seq, credit, debit, e.After.Credit, e.After.Debit)
		}
		b := e.After
		if minor(b.Outstanding) != minor(b.Credit)-minor(b.Debit) || minor(b.Available) != minor(b.Limit)+minor(b.Outstanding) {
			p.add("account %s: entry %d balances do not add up: %+v", a.ID, e.Seq, b)
		}
	}
	last := h[len(h)-1]
	if !cmp.Equal(last.After, a.Balances()) {
		p.add("account %s: last entry says %+v, the account %+v", a.ID, last.After, a.Balances())
	}
	if !last.At.Equal(a.Updated) {
		p.add("account %s: updated %s, last entry at %s", a.ID, a.Updated, last.At)
	}
	return p
}

// check reads the accounts' state, checks every invariant, and fails the
// test with all that is broken. It returns the state read.
func (f *fixture) check(accounts []string) state {
	f.t.Helper()
	st := f.read(accounts)
	if p := checkState(st); len(p) > 0 {
		f.t.Fatalf("invariants broken:\n%s", join(p))
	}
	return st
}

func join(p problems) string {
	s := ""
	for _, x := range p {
		s += "  " + x + "\n"
	}
	return s
}

// sameJSON reports whether a and b have the same JSON encoding, which for
// the kit's records (exported fields, money in canonical text) means they
// are equal. Callers fall back to go-cmp to describe a difference.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
