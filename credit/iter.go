package credit

import (
	"context"
	"iter"

	"github.com/arcredit/arcredit/invoice"
)

// Iterators over the paged reads: each reads one page at a time (at most
// MaxPage records), so a long history or a large account costs the memory
// of a page, not of everything. An error ends the iteration and is yielded
// with a zero value; stopping early reads no further page.

// AllHistory yields the account's history, oldest first, from the entry
// after afterSeq (0 for the first).
func (l *Ledger) AllHistory(ctx context.Context, p Principal, account string, afterSeq int64) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for {
			page, err := l.History(ctx, p, HistoryRequest{Account: account, AfterSeq: afterSeq, Limit: MaxPage})
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < MaxPage {
				return
			}
			afterSeq = page[len(page)-1].Seq
		}
	}
}

// AllDocuments yields the documents f selects, in Documents' order, from
// the one after f.After; f.Limit is the size of each page read (MaxPage
// when 0), not a bound on what is yielded.
func (l *Ledger) AllDocuments(ctx context.Context, p Principal, f DocumentFilter) iter.Seq2[invoice.Document, error] {
	return func(yield func(invoice.Document, error) bool) {
		if f.Limit == 0 {
			f.Limit = MaxPage
		}
		for {
			page, err := l.Documents(ctx, p, f)
			if err != nil {
				yield(invoice.Document{}, err)
				return
			}
			for _, d := range page {
				if !yield(d, nil) {
					return
				}
			}
			if len(page) < f.Limit {
				return
			}
			f.After = page[len(page)-1].ID
		}
	}
}

// AllAccounts yields the accounts of the principal's namespace that it may
// read, in id order.
func (l *Ledger) AllAccounts(ctx context.Context, p Principal) iter.Seq2[Account, error] {
	return func(yield func(Account, error) bool) {
		after := ""
		for {
			page, err := l.Accounts(ctx, p, AccountsRequest{After: after, Limit: MaxPage})
			if err != nil {
				yield(Account{}, err)
				return
			}
			if len(page) == 0 {
				return
			}
			for _, a := range page {
				if !yield(a, nil) {
					return
				}
			}
			after = page[len(page)-1].ID
		}
	}
}
