package credit

import (
	"time"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// AccountKind says how an account's credit is used.
type AccountKind uint8

const (
	// Term accounts use credit only when asked (Ingram term accounts).
	Term AccountKind = iota + 1
	// Prepaid accounts use available credit at once on every new debit
	// (Ingram prepaid accounts; Citrix "future charges are paid first out of
	// this credit balance").
	Prepaid
)

// String returns "term" or "prepaid".
func (k AccountKind) String() string {
	switch k {
	case Term:
		return "term"
	case Prepaid:
		return "prepaid"
	}
	return "unknown"
}

// Account is a customer that owns documents, in one currency, with an
// optional credit line, and the balances the Ledger maintains for it.
type Account struct {
	ID       string         `json:"id"`
	Currency money.Currency `json:"currency"`
	Kind     AccountKind    `json:"kind"`
	// Party is the account's bill-to party, the default for its documents.
	Party invoice.Party `json:"party,omitzero"`
	// Limit is the credit line (Adobe Commerce company credit): how far the
	// outstanding balance may go below zero. Zero means no credit line.
	Limit money.Money `json:"limit"`
	// AllowExceed lets purchases on account go beyond the limit.
	AllowExceed bool `json:"allow_exceed,omitempty"`
	// Credit is the sum of the open balances of the account's credit documents.
	Credit money.Money `json:"credit"`
	// Debit is the sum of the open balances of the account's debit documents.
	Debit money.Money `json:"debit"`
	// Seq is the sequence number of the account's last history entry.
	Seq int64 `json:"seq"`
	// Updated is the time of the last history entry; entries never go back in time.
	Updated time.Time `json:"updated"`
	// Head is the Hash of the last history entry.
	Head    string    `json:"head"`
	Created time.Time `json:"created"`
	// Version counts stored changes, for optimistic concurrency: a write that
	// expects another version fails with ErrConflict.
	Version int64 `json:"version"`
	// Hold is the reason of a credit hold (HoldAccount), empty when there
	// is none: a held account takes no purchase on account and its credit
	// is not used, until ReleaseHold.
	Hold string `json:"hold,omitempty"`
	// Closed is when the account was closed (CloseAccount), zero while it
	// is open: a closed account refuses every write; reads keep working.
	Closed time.Time `json:"closed,omitzero"`
}

// Balances are an account's figures at one moment, all in its currency.
//
//	Credit      = Σ open balances of credit documents (unapplied payments, credit memos, credits)
//	Debit       = Σ open balances of debit documents (unpaid invoices and debit memos)
//	Outstanding = Credit − Debit: positive is an advance payment, negative an amount due
//	Available   = Limit + Outstanding (negative once the limit is exceeded)
type Balances struct {
	Credit      money.Money `json:"credit"`
	Debit       money.Money `json:"debit"`
	Outstanding money.Money `json:"outstanding"`
	Limit       money.Money `json:"limit"`
	Available   money.Money `json:"available"`
}

// Balances returns the account's current balances. The zero Account, which
// has no currency, has zero Balances (every figure the zero Money).
func (a Account) Balances() Balances {
	return balancesOf(a.Credit, a.Debit, a.Limit)
}

// balancesOf derives the balances from the open credit, the open debit and
// the limit. Figures that cannot be combined (the zero Money, or mixed
// currencies, which no stored account has) give zero Balances rather than
// a panic.
func balancesOf(credit, debit, limit money.Money) Balances {
	out, err1 := credit.Sub(debit)
	avail, err2 := limit.Add(out)
	if err1 != nil || err2 != nil {
		return Balances{}
	}
	return Balances{Credit: credit, Debit: debit, Outstanding: out, Limit: limit, Available: avail}
}

// Application links an amount of a credit document to a debit document it
// pays. Applications are never changed or deleted: unlinking one writes a
// reversal, an Application whose Reverses names it.
type Application struct {
	ID            string      `json:"id"`
	Credit        string      `json:"credit"`
	Debit         string      `json:"debit"`
	CreditAccount string      `json:"credit_account"`
	DebitAccount  string      `json:"debit_account"`
	Amount        money.Money `json:"amount"`
	// Reverses is set on a reversal: the application it undoes.
	Reverses string `json:"reverses,omitempty"`
	// Policy names the policy that planned the line ("explicit" for pairs the
	// caller named).
	Policy string `json:"policy,omitempty"`
	// Operation is the id of the operation that wrote it; UnapplyRequest can
	// reverse all applications of one operation.
	Operation string    `json:"operation"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	// DebitValue and Difference are set when the documents are foreign
	// (held in another currency than their account's; Amount is in theirs):
	// DebitValue is the part of the debit's functional balance the
	// application settled, and Difference the realized exchange gain
	// (positive) or loss (negative) in the account's currency: the
	// functional value the credit gave up minus the debit's. Both are the
	// zero Money for documents in their account's currency. A reversal
	// carries the figures of the application it undoes.
	DebitValue money.Money `json:"debit_value"`
	Difference money.Money `json:"difference"`
}

// CreditValue is the part of the credit's balance in its account's
// currency that the application used: DebitValue + Difference for foreign
// documents, else Amount.
func (a Application) CreditValue() money.Money {
	if !a.DebitValue.IsValid() {
		return a.Amount
	}
	v, err := a.DebitValue.Add(a.Difference)
	if err != nil {
		return money.Money{}
	}
	return v
}

// Value is the part of the debit's balance in its account's currency that
// the application settled: DebitValue for foreign documents, else Amount.
func (a Application) Value() money.Money {
	if a.DebitValue.IsValid() {
		return a.DebitValue
	}
	return a.Amount
}
