package credit

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The reads. They run through the same executor as the writes (check →
// load → authorize → compute), so that an id the principal may not see
// answers as one that does not exist.

// MaxPage bounds one page of history, documents or accounts.
const MaxPage = 1000

// accountRead is a read of one account's records by its id.
func accountRead[Res any](method string, compute func(t *txn, id string) (Res, error)) *spec[string, Res] {
	return &spec[string, Res]{
		method:    method,
		check:     func(_ *Ledger, id *string) error { return checkID("account", *id, true) },
		load:      func(t *txn, id string) error { return t.load(Query{Accounts: []string{id}}) },
		authorize: func(t *txn, id string) error { _, err := t.seeAccount(ActRead, id); return err },
		compute:   compute,
	}
}

// Account returns an account with its settings and balances.
func (l *Ledger) Account(ctx context.Context, p Principal, id string) (Account, error) {
	return run(l, ctx, p, "", id, readAccount)
}

var readAccount = accountRead("Account", func(t *txn, id string) (Account, error) {
	return *t.accounts[id], nil
})

// Balances returns an account's balances now: credit balance, open debits,
// outstanding, limit and available credit. They are kept up to date by every
// operation, so reading them costs the same whatever the history's length.
func (l *Ledger) Balances(ctx context.Context, p Principal, id string) (Balances, error) {
	return run(l, ctx, p, "", id, readBalances)
}

var readBalances = accountRead("Balances", func(t *txn, id string) (Balances, error) {
	return t.accounts[id].Balances(), nil
})

// BalancesAt returns an account's balances as they stood at time at: those
// after the last history entry at or before it (found by a search, not a
// scan). Before the account was opened it has none: ErrNotFound.
func (l *Ledger) BalancesAt(ctx context.Context, p Principal, id string, at time.Time) (Balances, error) {
	return run(l, ctx, p, "", id, accountRead("BalancesAt", func(t *txn, id string) (Balances, error) {
		e, ok, err := t.l.store.EntryAt(t.ctx, t.ns, id, at)
		if err != nil {
			return Balances{}, err
		}
		if !ok {
			return Balances{}, acctErr(id, fail(ErrNotFound, "account %q had no history at %s", id, at.Format(time.RFC3339)))
		}
		return e.After, nil
	}))
}

// HistoryRequest pages through an account's history: entries after AfterSeq
// (0 for the first page), at most Limit (100 when 0, at most MaxPage).
type HistoryRequest struct {
	Account  string
	AfterSeq int64
	Limit    int
}

// History returns a page of an account's history, oldest first. The next
// page starts after the last entry's Seq.
func (l *Ledger) History(ctx context.Context, p Principal, req HistoryRequest) ([]Entry, error) {
	return run(l, ctx, p, "", req, history)
}

var history = &spec[HistoryRequest, []Entry]{
	method: "History",
	check: func(_ *Ledger, req *HistoryRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		if req.Limit < 0 || req.Limit > MaxPage || req.AfterSeq < 0 {
			return fail(ErrInvalidRequest, "limit must be 0 to %d and after ≥ 0", MaxPage)
		}
		if req.Limit == 0 {
			req.Limit = 100
		}
		return nil
	},
	load: func(t *txn, req HistoryRequest) error { return t.load(Query{Accounts: []string{req.Account}}) },
	authorize: func(t *txn, req HistoryRequest) error {
		_, err := t.seeAccount(ActRead, req.Account)
		return err
	},
	compute: func(t *txn, req HistoryRequest) ([]Entry, error) {
		return t.l.store.History(t.ctx, t.ns, req.Account, req.AfterSeq, req.Limit)
	},
}

// Document returns one document.
func (l *Ledger) Document(ctx context.Context, p Principal, id string) (invoice.Document, error) {
	return run(l, ctx, p, "", id, document)
}

var document = &spec[string, invoice.Document]{
	method:    "Document",
	check:     func(_ *Ledger, id *string) error { return checkID("document", *id, true) },
	load:      func(t *txn, id string) error { return t.loadDocs(Query{Documents: []string{id}}) },
	authorize: func(t *txn, id string) error { _, err := t.seeDoc(ActRead, id); return err },
	compute:   func(t *txn, id string) (invoice.Document, error) { return *t.docs[id], nil },
}

// Documents lists an account's documents, filtered (open only, by kind) and
// paged, ordered by issue date then id. The unpaid documents of Ingram's
// list are DocumentFilter{Account: id, OpenOnly: true, Kinds: debits}.
func (l *Ledger) Documents(ctx context.Context, p Principal, f DocumentFilter) ([]invoice.Document, error) {
	return run(l, ctx, p, "", f, documents)
}

var documents = &spec[DocumentFilter, []invoice.Document]{
	method: "Documents",
	check: func(_ *Ledger, f *DocumentFilter) error {
		if err := checkID("account", f.Account, true); err != nil {
			return err
		}
		if err := checkID("after", f.After, false); err != nil {
			return err
		}
		if err := checkID("original", f.Original, false); err != nil {
			return err
		}
		if f.Limit < 0 || f.Limit > MaxPage {
			return fail(ErrInvalidRequest, "limit must be 0 to %d", MaxPage)
		}
		if f.Limit == 0 {
			f.Limit = MaxPage
		}
		return nil
	},
	load: func(t *txn, f DocumentFilter) error { return t.load(Query{Accounts: []string{f.Account}}) },
	authorize: func(t *txn, f DocumentFilter) error {
		_, err := t.seeAccount(ActRead, f.Account)
		return err
	},
	compute: func(t *txn, f DocumentFilter) ([]invoice.Document, error) {
		return t.l.store.Documents(t.ctx, t.ns, f)
	},
}

// Applications returns every application and reversal touching a document,
// oldest first: which credit paid what, for which account, by whom.
func (l *Ledger) Applications(ctx context.Context, p Principal, document string) ([]Application, error) {
	return run(l, ctx, p, "", document, applications)
}

var applications = &spec[string, []Application]{
	method: "Applications",
	check:  func(_ *Ledger, id *string) error { return checkID("document", *id, true) },
	load: func(t *txn, id string) error {
		return t.loadDocs(Query{Documents: []string{id}, ApplicationsOf: []string{id}})
	},
	authorize: func(t *txn, id string) error { _, err := t.seeDoc(ActRead, id); return err },
	compute: func(t *txn, id string) ([]Application, error) {
		out := make([]Application, 0, len(t.appOrder))
		for _, id := range t.appOrder {
			out = append(out, t.app(id))
		}
		slices.SortFunc(out, func(x, y Application) int {
			if c := x.At.Compare(y.At); c != 0 {
				return c
			}
			return strings.Compare(x.ID, y.ID)
		})
		return out, nil
	},
}

// ActiveApplications returns the applications touching a document that
// are still in force: not reversals, and not reversed. Their amounts add up
// to what the document has paid (a debit) or used (a credit).
func (l *Ledger) ActiveApplications(ctx context.Context, p Principal, document string) ([]Application, error) {
	return run(l, ctx, p, "", document, &spec[string, []Application]{
		method:    "ActiveApplications",
		check:     applications.check,
		load:      applications.load,
		authorize: applications.authorize,
		compute:   func(t *txn, id string) ([]Application, error) { return t.active(id), nil },
	})
}

// OperationApplications returns the applications and reversals one
// operation wrote (ApplyResult.Operation, Entry.Operation), oldest first:
// which credit paid which debit in a "credit_applied" or "credit_unapplied" entry of the
// history. Only those the principal may read both sides of are returned; an
// operation with none of them answers as one that does not exist.
func (l *Ledger) OperationApplications(ctx context.Context, p Principal, operation string) ([]Application, error) {
	return run(l, ctx, p, "", operation, operationApplications)
}

var operationApplications = &spec[string, []Application]{
	method: "OperationApplications",
	check:  func(_ *Ledger, id *string) error { return checkID("operation", *id, true) },
	load: func(t *txn, id string) error {
		if err := t.load(Query{Operation: id}); err != nil {
			return err
		}
		var accts []string
		for _, a := range t.apps {
			accts = append(accts, a.CreditAccount, a.DebitAccount)
		}
		return t.load(Query{Accounts: accts})
	},
	compute: func(t *txn, id string) ([]Application, error) {
		may := func(acct string) bool {
			_, ok := t.accounts[acct]
			return ok && t.l.auth.Authorize(t.ctx, t.p, ActRead, acct) == nil
		}
		var out []Application
		for _, aid := range t.appOrder {
			if a := t.app(aid); a.Operation == id && may(a.CreditAccount) && may(a.DebitAccount) {
				out = append(out, a)
			}
		}
		if len(out) == 0 {
			return nil, fail(ErrNotFound, "no applications of operation %q", id)
		}
		slices.SortFunc(out, func(x, y Application) int {
			if c := x.At.Compare(y.At); c != 0 {
				return c
			}
			return strings.Compare(x.ID, y.ID)
		})
		return out, nil
	},
}

// EligibleRequest names the debit whose eligible credits to list.
type EligibleRequest struct {
	Debit string
	// BillTo lists only credits whose bill-to party matches the debit's.
	BillTo bool
}

// EligibleCredits returns the open credits of the debit's account that may
// pay it, oldest first: same currency, not expired, and, with BillTo, whose
// bill-to party matches (Aptify: the Credit Order lookup returns only orders
// with a credit balance whose Bill To matches). A recurring debit has none.
func (l *Ledger) EligibleCredits(ctx context.Context, p Principal, req EligibleRequest) ([]invoice.Document, error) {
	debit, billTo := req.Debit, req.BillTo
	return run(l, ctx, p, "", debit, &spec[string, []invoice.Document]{
		method: "EligibleCredits",
		check:  func(_ *Ledger, id *string) error { return checkID("debit", *id, true) },
		load: func(t *txn, id string) error {
			if err := t.loadDocs(Query{Documents: []string{id}}); err != nil {
				return err
			}
			if d, ok := t.docs[id]; ok {
				return t.loadOpenCredits(d.Account)
			}
			return nil
		},
		authorize: func(t *txn, id string) error { _, err := t.seeDoc(ActRead, id); return err },
		compute: func(t *txn, id string) ([]invoice.Document, error) {
			d := t.docs[id]
			if !d.IsDebit() {
				return nil, docErr(id, fail(ErrWrongKind, "%q is a document of kind %s, not a debit", id, d.Kind))
			}
			req := allocate.Request{BillTo: billTo, AsOf: t.now}
			var out []invoice.Document
			for _, c := range t.openDocs(d.Account) {
				if c.IsCredit() && req.PairEligible(*c, *d) {
					out = append(out, *c)
				}
			}
			return out, nil
		},
	})
}

// AccountsRequest pages through the accounts of the principal's namespace
// in id order: those after the id After ("" for the first page), at most
// Limit (100 when 0, at most MaxPage).
type AccountsRequest struct {
	After string
	Limit int
}

// Accounts returns a page of the accounts of the principal's namespace that
// the principal may read, in id order; the next page starts after the last
// one's ID. A page may hold fewer than Limit accounts when some are not the
// principal's to read; an empty page is the end. The store must implement
// AccountLister (both stores of this module do).
func (l *Ledger) Accounts(ctx context.Context, p Principal, req AccountsRequest) ([]Account, error) {
	return run(l, ctx, p, "", req, listAccounts)
}

var listAccounts = &spec[AccountsRequest, []Account]{
	method: "Accounts",
	check: func(l *Ledger, req *AccountsRequest) error {
		if err := checkID("after", req.After, false); err != nil {
			return err
		}
		if req.Limit < 0 || req.Limit > MaxPage {
			return fail(ErrInvalidRequest, "limit must be 0 to %d", MaxPage)
		}
		if _, ok := l.store.(AccountLister); !ok {
			return fail(ErrInvalidRequest, "the store cannot list accounts")
		}
		if req.Limit == 0 {
			req.Limit = 100
		}
		return nil
	},
	compute: func(t *txn, req AccountsRequest) ([]Account, error) {
		lister := t.l.store.(AccountLister)
		for {
			ids, err := lister.AccountIDs(t.ctx, t.ns, req.After, req.Limit)
			if err != nil {
				return nil, err
			}
			var mine []string
			for _, id := range ids {
				if t.l.auth.Authorize(t.ctx, t.p, ActRead, id) == nil {
					mine = append(mine, id)
				}
			}
			if len(mine) > 0 || len(ids) < req.Limit {
				if err := t.load(Query{Accounts: mine}); err != nil {
					return nil, err
				}
				out := make([]Account, 0, len(mine))
				for _, id := range mine {
					if a, ok := t.accounts[id]; ok {
						out = append(out, *a)
					}
				}
				return out, nil
			}
			// A page of accounts the principal may not read: go on, so
			// that an empty page always means the end.
			req.After = ids[len(ids)-1]
		}
	},
}

// sum adds amounts of one currency; the zero Money for none.
func sum(ms ...money.Money) money.Money {
	var t money.Money
	for _, m := range ms {
		if !t.IsValid() {
			t = m
			continue
		}
		if s, err := t.Add(m); err == nil {
			t = s
		}
	}
	return t
}
