package report

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// Statement is a statement of account for a period: the balances at its
// start, every history entry in it with the documents it names, and the
// balances at its end. The period runs from after From up to and including
// To, so that Opening is BalancesAt(From) and Closing is BalancesAt(To),
// and consecutive statements (To of one, From of the next) neither miss
// nor repeat an entry.
type Statement struct {
	Account  string         `json:"account"`
	Currency money.Currency `json:"currency"`
	From     time.Time      `json:"from"`
	To       time.Time      `json:"to"`
	// Opening is zero balances when the account was opened in the period.
	Opening credit.Balances `json:"opening"`
	Entries []HistoryRow    `json:"entries"`
	Closing credit.Balances `json:"closing"`
}

// StatementOf returns the statement of account for the period (from, to].
// Before the account was opened there is nothing to state: an account with
// no history at to is credit.ErrNotFound. The entries are found by a binary
// search over the history and read a page at a time; the documents of each
// are read with Trace.
func StatementOf(ctx context.Context, r Reader, p credit.Principal, account string, from, to time.Time) (Statement, error) {
	if to.Before(from) {
		return Statement{}, fmt.Errorf("%w: statement period ends (%s) before it starts (%s)", credit.ErrInvalidRequest,
			to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	for try := 0; try < attempts; try++ {
		a, err := r.Account(ctx, p, account)
		if err != nil {
			return Statement{}, err
		}
		first, err := seqAt(ctx, r, p, account, a.Seq, from)
		if err != nil {
			return Statement{}, err
		}
		last, err := seqAt(ctx, r, p, account, a.Seq, to)
		if err != nil {
			return Statement{}, err
		}
		closing, err := r.BalancesAt(ctx, p, account, to)
		if err != nil {
			return Statement{}, err
		}
		s := Statement{Account: account, Currency: closing.Debit.Currency(), From: from.UTC(), To: to.UTC(), Closing: closing}
		var entries []credit.Entry
		if err := entriesBetween(ctx, r, p, account, first, last, func(e credit.Entry) error {
			entries = append(entries, e)
			return nil
		}); err != nil {
			return Statement{}, err
		}
		if first > 0 {
			if s.Opening, err = r.BalancesAt(ctx, p, account, from); err != nil {
				return Statement{}, err
			}
		} else {
			cur := closing.Debit.Currency()
			if len(entries) > 0 {
				cur = entries[0].After.Debit.Currency()
			}
			z := money.Zero(cur)
			s.Opening = credit.Balances{Credit: z, Debit: z, Outstanding: z, Limit: z, Available: z}
		}
		end := s.Opening
		if len(entries) > 0 {
			end = entries[len(entries)-1].After
		}
		if !sameBalances(end, closing) {
			continue // an entry at or before to was written while we read
		}
		if s.Entries, err = Trace(ctx, r, p, entries); err != nil {
			return Statement{}, err
		}
		return s, nil
	}
	return Statement{}, fmt.Errorf("%w: %q", ErrChanged, account)
}

func sameBalances(x, y credit.Balances) bool {
	return x.Credit.Equal(y.Credit) && x.Debit.Equal(y.Debit) && x.Outstanding.Equal(y.Outstanding) &&
		x.Limit.Equal(y.Limit) && x.Available.Equal(y.Available)
}

// WriteStatement prints the statement as text: a title, the opening
// balances, the history grid of the period, and the closing balances.
func WriteStatement(w io.Writer, s Statement) error {
	if _, err := fmt.Fprintf(w, "Statement of account %s (%s), %s to %s\n\n", s.Account, s.Currency,
		s.From.Format(DateLayout), s.To.Format(DateLayout)); err != nil {
		return err
	}
	bal := func(what string, b credit.Balances) error {
		_, err := fmt.Fprintf(w, "%s: outstanding %s, credit %s, debit %s, limit %s, available %s\n", what,
			b.Outstanding, b.Credit, b.Debit, b.Limit, b.Available)
		return err
	}
	if err := bal("Opening balance", s.Opening); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	if err := HistoryGrid(w, s.Entries); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	return bal("Closing balance", s.Closing)
}
