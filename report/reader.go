package report

import (
	"context"
	"errors"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
)

// Reader is the part of *credit.Ledger the reports read through. Every
// method is called with the caller's Principal, so the reports inherit the
// Ledger's authorization. A wrapper (a cache, a tracer) can stand in for the
// Ledger.
type Reader interface {
	Account(ctx context.Context, p credit.Principal, id string) (credit.Account, error)
	Accounts(ctx context.Context, p credit.Principal, req credit.AccountsRequest) ([]credit.Account, error)
	BalancesAt(ctx context.Context, p credit.Principal, id string, at time.Time) (credit.Balances, error)
	History(ctx context.Context, p credit.Principal, req credit.HistoryRequest) ([]credit.Entry, error)
	Documents(ctx context.Context, p credit.Principal, f credit.DocumentFilter) ([]invoice.Document, error)
	Applications(ctx context.Context, p credit.Principal, document string) ([]credit.Application, error)
	OperationApplications(ctx context.Context, p credit.Principal, operation string) ([]credit.Application, error)
}

var _ Reader = (*credit.Ledger)(nil)

// ErrNotReconciled is returned when a report rebuilt as of a moment does not
// add up to the balances the Ledger gives for that moment (see the package
// documentation for the operations that can cause it). The report is not
// returned: a figure that is not the ledger's is worse than none.
var ErrNotReconciled = errors.New("report: rebuilt balances do not match the ledger's")

// ErrChanged is returned when an account kept changing while a report read
// it, more times than the report retries.
var ErrChanged = errors.New("report: the account changed during every attempt to read it")

// attempts bounds how often one account is read again because it changed
// while it was read.
const attempts = 8

// seqAt returns the Seq of the account's last entry with At ≤ at (0 when
// none), given the account's last Seq, by a binary search over one-entry
// pages of its history: O(log n) reads, never a scan.
func seqAt(ctx context.Context, r Reader, p credit.Principal, account string, last int64, at time.Time) (int64, error) {
	lo, hi := int64(0), last // the answer is in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		es, err := r.History(ctx, p, credit.HistoryRequest{Account: account, AfterSeq: mid - 1, Limit: 1})
		if err != nil {
			return 0, err
		}
		if len(es) == 0 || es[0].At.After(at) {
			hi = mid - 1
		} else {
			lo = mid
		}
	}
	return lo, nil
}

// entriesBetween calls f with the account's entries after seq from, up to
// and including seq to, in order, a page at a time.
func entriesBetween(ctx context.Context, r Reader, p credit.Principal, account string, from, to int64, f func(credit.Entry) error) error {
	for after := from; after < to; {
		es, err := r.History(ctx, p, credit.HistoryRequest{Account: account, AfterSeq: after, Limit: credit.MaxPage})
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return nil
		}
		for _, e := range es {
			if e.Seq > to {
				return nil
			}
			if err := f(e); err != nil {
				return err
			}
			after = e.Seq
		}
	}
	return nil
}
