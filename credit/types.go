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

// Balances returns the account's current balances.
func (a Account) Balances() Balances {
	return balancesOf(a.Credit, a.Debit, a.Limit)
}

func balancesOf(credit, debit, limit money.Money) Balances {
	out, err1 := credit.Sub(debit)
	avail, err2 := limit.Add(out)
	if err1 != nil || err2 != nil {
		// Unreachable for stored accounts: all figures share the account's
		// currency and stay far below the precision limit.
		panic("credit: inconsistent account balances")
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
}

// Operation names what a history entry or an error is about. The names of
// the Adobe Commerce grid (allocated, updated, purchased, reimbursed,
// refunded, reverted) are used where they apply.
type Operation string

// Operations.
const (
	OpAllocated         Operation = "allocated"  // account opened with its credit line
	OpUpdated           Operation = "updated"    // limit, currency or allow-exceed changed
	OpInvoiced          Operation = "invoiced"   // invoice issued
	OpDebitMemo         Operation = "debit_memo" // debit memo issued
	OpPurchased         Operation = "purchased"  // invoice charged to the credit line
	OpPaymentRecorded   Operation = "payment_recorded"
	OpReimbursed        Operation = "reimbursed" // offline payment toward the balance (±)
	OpReimburseEdited   Operation = "reimburse_edited"
	OpCreditIssued      Operation = "credit_issued" // credit with a reason
	OpCreditMemo        Operation = "credit_memo"
	OpRefunded          Operation = "refunded" // credit memo against part of a purchase (Adobe)
	OpApplied           Operation = "applied"
	OpPreviewed         Operation = "previewed" // never journalled; names errors of Preview
	OpUnapplied         Operation = "unapplied"
	OpAdjusted          Operation = "adjusted"
	OpReverted          Operation = "reverted" // invoice voided, order cancelled (Adobe)
	OpPaidOut           Operation = "paid_out" // open credit refunded to the customer (iMIS)
	OpChargedBack       Operation = "charged_back"
	OpPaymentCancelled  Operation = "payment_cancelled"
	OpTransferredOut    Operation = "transferred_out"
	OpTransferredIn     Operation = "transferred_in"
	OpConsolidated      Operation = "consolidated"
	OpExpired           Operation = "expired" // what was left of expired credits removed
	OpRead              Operation = "read"
	OpCurrencyConverted Operation = "currency_converted"
)

// Entry is one row of an account's history. Entries are appended, never
// changed; replaying them from the first reproduces every balance.
type Entry struct {
	Account string    `json:"account"`
	Seq     int64     `json:"seq"` // 1, 2, 3, … per account
	At      time.Time `json:"at"`
	Op      Operation `json:"op"`
	// Document is the main document of the operation, if any.
	Document string `json:"document,omitempty"`
	// Amount is the operation's amount in the account's currency (zero Money
	// when the operation moves none).
	Amount money.Money `json:"amount"`
	// Original and Rate are set when the amount was converted: Original is
	// what the caller gave, Rate what converted it.
	Original money.Money `json:"original,omitzero"`
	Rate     money.Rate  `json:"rate,omitzero"`
	// Residual is what converting rounded away: the exact product minus the
	// rounded Amount, a plain decimal in the account's currency ("-0.001072"),
	// so that no fraction of a cent is lost unseen. Empty when not converted.
	Residual string `json:"residual,omitempty"`
	// CreditChange and DebitChange are the signed changes of the account's
	// open credit and open debit made by this entry; After is the balances
	// once it is applied. Summing the changes from zero reproduces every
	// After; an entry of op currency_converted starts the sums afresh in the
	// new currency (its changes are measured from zero).
	CreditChange money.Money `json:"credit_change"`
	DebitChange  money.Money `json:"debit_change"`
	After        Balances    `json:"after"`
	By           string      `json:"by"`
	Reference    string      `json:"reference,omitempty"`
	Comment      string      `json:"comment,omitempty"`
	// Operation is the id of the operation that wrote the entry.
	Operation string `json:"operation"`
	// Prev is the Hash of the account's previous entry ("" for the first);
	// Hash is a SHA-256 over this entry's content and Prev. Changing any
	// stored entry breaks the chain from there on, which Verify reports.
	Prev string `json:"prev"`
	Hash string `json:"hash"`
}

// Idempotency is the stored record of a completed operation: its key, a
// fingerprint of the request, and the result returned, so that a replay
// returns the same result and writes nothing.
type Idempotency struct {
	Key         string    `json:"key"`
	Op          Operation `json:"op"`
	Fingerprint string    `json:"fingerprint"`
	Result      []byte    `json:"result"`
	At          time.Time `json:"at"`
}
