package credit

import (
	"context"
	"slices"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// MaxPage bounds one page of history or documents.
const MaxPage = 1000

func (t *txn) readAccount(id string) (*Account, error) {
	if err := checkID("account", id, true); err != nil {
		return nil, err
	}
	if err := t.authorize(ActRead, id); err != nil {
		return nil, err
	}
	if err := t.load(Query{Accounts: []string{id}}); err != nil {
		return nil, err
	}
	return t.account(id)
}

// Account returns an account with its settings and balances.
func (l *Ledger) Account(ctx context.Context, p Principal, id string) (Account, error) {
	return read(l, ctx, p, OpRead, func(t *txn) (Account, error) {
		a, err := t.readAccount(id)
		if err != nil {
			return Account{}, err
		}
		return *a, nil
	})
}

// Balances returns an account's balances now: credit balance, open debits,
// outstanding, limit and available credit. They are kept up to date by every
// operation, so reading them costs the same whatever the history's length.
func (l *Ledger) Balances(ctx context.Context, p Principal, id string) (Balances, error) {
	return read(l, ctx, p, OpRead, func(t *txn) (Balances, error) {
		a, err := t.readAccount(id)
		if err != nil {
			return Balances{}, err
		}
		return a.Balances(), nil
	})
}

// BalancesAt returns an account's balances as they stood at time at: those
// after the last history entry at or before it (found by a search, not a
// scan). Before the account was opened it has none: ErrNotFound.
func (l *Ledger) BalancesAt(ctx context.Context, p Principal, id string, at time.Time) (Balances, error) {
	return read(l, ctx, p, OpRead, func(t *txn) (Balances, error) {
		if _, err := t.readAccount(id); err != nil {
			return Balances{}, err
		}
		e, ok, err := l.store.EntryAt(ctx, p.Namespace, id, at)
		if err != nil {
			return Balances{}, err
		}
		if !ok {
			return Balances{}, &Error{Op: "Read", Account: id, Err: fail(ErrNotFound, "account %q had no history at %s", id, at.Format(time.RFC3339))}
		}
		return e.After, nil
	})
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
	return read(l, ctx, p, OpRead, func(t *txn) ([]Entry, error) {
		if err := checkID("account", req.Account, true); err != nil {
			return nil, err
		}
		if req.Limit < 0 || req.Limit > MaxPage || req.AfterSeq < 0 {
			return nil, fail(ErrInvalidRequest, "limit must be 0 to %d and after ≥ 0", MaxPage)
		}
		if err := t.authorize(ActRead, req.Account); err != nil {
			return nil, err
		}
		limit := req.Limit
		if limit == 0 {
			limit = 100
		}
		return l.store.History(ctx, p.Namespace, req.Account, req.AfterSeq, limit)
	})
}

// Document returns one document.
func (l *Ledger) Document(ctx context.Context, p Principal, id string) (invoice.Document, error) {
	return read(l, ctx, p, OpRead, func(t *txn) (invoice.Document, error) {
		if err := checkID("document", id, true); err != nil {
			return invoice.Document{}, err
		}
		if err := t.load(Query{Documents: []string{id}}); err != nil {
			return invoice.Document{}, err
		}
		d, err := t.doc(id)
		if err != nil {
			return invoice.Document{}, err
		}
		if err := t.authorize(ActRead, d.Account); err != nil {
			return invoice.Document{}, err
		}
		return *d, nil
	})
}

// Documents lists an account's documents, filtered (open only, by kind) and
// paged, ordered by issue date then id. The unpaid documents of Ingram's
// list are DocumentFilter{Account: id, OpenOnly: true, Kinds: debits}.
func (l *Ledger) Documents(ctx context.Context, p Principal, f DocumentFilter) ([]invoice.Document, error) {
	return read(l, ctx, p, OpRead, func(t *txn) ([]invoice.Document, error) {
		if err := checkID("account", f.Account, true); err != nil {
			return nil, err
		}
		if err := checkID("after", f.After, false); err != nil {
			return nil, err
		}
		if err := checkID("original", f.Original, false); err != nil {
			return nil, err
		}
		if f.Limit < 0 || f.Limit > MaxPage {
			return nil, fail(ErrInvalidRequest, "limit must be 0 to %d", MaxPage)
		}
		if err := t.authorize(ActRead, f.Account); err != nil {
			return nil, err
		}
		if f.Limit == 0 {
			f.Limit = MaxPage
		}
		return l.store.Documents(ctx, p.Namespace, f)
	})
}

// Applications returns every application and reversal touching a document,
// oldest first: which credit paid what, for which account, by whom.
func (l *Ledger) Applications(ctx context.Context, p Principal, document string) ([]Application, error) {
	return read(l, ctx, p, OpRead, func(t *txn) ([]Application, error) {
		if err := checkID("document", document, true); err != nil {
			return nil, err
		}
		if err := t.load(Query{Documents: []string{document}, ApplicationsOf: []string{document}}); err != nil {
			return nil, err
		}
		d, err := t.doc(document)
		if err != nil {
			return nil, err
		}
		if err := t.authorize(ActRead, d.Account); err != nil {
			return nil, err
		}
		var out []Application
		for _, id := range t.appOrder {
			out = append(out, t.apps[id])
		}
		slices.SortFunc(out, func(x, y Application) int {
			if c := x.At.Compare(y.At); c != 0 {
				return c
			}
			return cmpStr(x.ID, y.ID)
		})
		return out, nil
	})
}

// EligibleCredits returns the open credits of the debit's account that may
// pay it, oldest first: same currency, not expired, and, with billTo, whose
// bill-to party matches (Aptify: the Credit Order lookup returns only orders
// with a credit balance whose Bill To matches). A recurring debit has none.
func (l *Ledger) EligibleCredits(ctx context.Context, p Principal, debit string, billTo bool) ([]invoice.Document, error) {
	return read(l, ctx, p, OpRead, func(t *txn) ([]invoice.Document, error) {
		if err := checkID("debit", debit, true); err != nil {
			return nil, err
		}
		if err := t.load(Query{Documents: []string{debit}}); err != nil {
			return nil, err
		}
		d, err := t.doc(debit)
		if err != nil {
			return nil, err
		}
		if !d.IsDebit() {
			return nil, fail(ErrInvalidRequest, "%q is a %s, not a debit", debit, d.Kind)
		}
		if err := t.authorize(ActRead, d.Account); err != nil {
			return nil, err
		}
		if err := t.load(Query{OpenOf: []string{d.Account}}); err != nil {
			return nil, err
		}
		req := allocate.Request{BillTo: billTo, AsOf: t.now}
		var out []invoice.Document
		for _, c := range t.openDocs(d.Account) {
			if c.IsCredit() && req.PairEligible(*c, *d) {
				out = append(out, *c)
			}
		}
		return out, nil
	})
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
	return read(l, ctx, p, OpRead, func(t *txn) ([]Account, error) {
		if err := checkID("after", req.After, false); err != nil {
			return nil, err
		}
		if req.Limit < 0 || req.Limit > MaxPage {
			return nil, fail(ErrInvalidRequest, "limit must be 0 to %d", MaxPage)
		}
		lister, ok := l.store.(AccountLister)
		if !ok {
			return nil, fail(ErrInvalidRequest, "the store cannot list accounts")
		}
		limit := req.Limit
		if limit == 0 {
			limit = 100
		}
		for {
			ids, err := lister.AccountIDs(ctx, p.Namespace, req.After, limit)
			if err != nil {
				return nil, err
			}
			var mine []string
			for _, id := range ids {
				if l.auth.Authorize(ctx, p, ActRead, id) == nil {
					mine = append(mine, id)
				}
			}
			if len(mine) > 0 || len(ids) < limit {
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
	})
}
