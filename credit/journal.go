package credit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/arcredit/arcredit/money"
)

// The journal: the history entries of every account, their hash chain,
// and Verify, which checks it.

// Operation names what a history entry records. The names of the Adobe
// Commerce grid (allocated, updated, purchased, reimbursed, refunded,
// reverted) are used where they apply. Errors name the method called
// instead (Error.Op).
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

// EntryHash returns the hash an entry must carry: SHA-256, in hex, over
// every field of the entry but Hash, each written as its text form with a
// length prefix (so no two entries encode alike), Prev included, so that each
// hash seals the whole history before it.
func EntryHash(e Entry) string {
	var arr [1024]byte
	b := arr[:0]
	field := func(s string) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	m := func(x money.Money) {
		at := len(b)
		b = binary.BigEndian.AppendUint64(b, 0)
		b, _ = x.AppendText(b)
		binary.BigEndian.PutUint64(b[at:], uint64(len(b)-at-8))
	}
	field(e.Account)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	at := len(b)
	b = binary.BigEndian.AppendUint64(b, 0)
	b = e.At.UTC().AppendFormat(b, time.RFC3339Nano)
	binary.BigEndian.PutUint64(b[at:], uint64(len(b)-at-8))
	field(string(e.Op))
	field(e.Document)
	m(e.Amount)
	m(e.Original)
	field(e.Rate.String())
	field(e.Residual)
	m(e.CreditChange)
	m(e.DebitChange)
	m(e.After.Credit)
	m(e.After.Debit)
	m(e.After.Outstanding)
	m(e.After.Limit)
	m(e.After.Available)
	field(e.By)
	field(e.Reference)
	field(e.Comment)
	field(e.Operation)
	field(e.Prev)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// VerifyError names the first entry of an account's history that does not
// match: its hash, its link to the previous entry, its sequence, or the
// balances that replaying the history up to it gives.
type VerifyError struct {
	Account string
	Seq     int64
	Problem string
}

// Error names the account, the entry and the problem.
func (e *VerifyError) Error() string {
	return fmt.Sprintf("broken history: account %q does not verify at entry %d: %s", e.Account, e.Seq, e.Problem)
}

// Unwrap returns ErrBrokenHistory.
func (e *VerifyError) Unwrap() error { return ErrBrokenHistory }

// Verify walks the history of one account from its first entry: it
// recomputes every hash and checks each link, replays the balance changes
// and checks every entry's balances after, and checks that the account's
// stored balances and head match the last entry. For the first entry that
// does not match it returns an *Error wrapping a *VerifyError (and
// ErrBrokenHistory); nil when all match.
func (l *Ledger) Verify(ctx context.Context, p Principal, account string) error {
	_, err := run(l, ctx, p, "", account, accountRead("Verify", func(t *txn, id string) (struct{}, error) {
		return struct{}{}, l.verifyAccount(ctx, p.Namespace, *t.accounts[id])
	}))
	return err
}

// VerifyNamespace verifies every account of the principal's namespace that
// the principal may read. The store must implement AccountLister.
func (l *Ledger) VerifyNamespace(ctx context.Context, p Principal) error {
	after := ""
	for {
		page, err := l.Accounts(ctx, p, AccountsRequest{After: after, Limit: MaxPage})
		if err != nil {
			return finish("VerifyNamespace", err)
		}
		if len(page) == 0 {
			return nil
		}
		for _, a := range page {
			if err := l.verifyAccount(ctx, p.Namespace, a); err != nil {
				return finish("VerifyNamespace", acctErr(a.ID, err))
			}
		}
		after = page[len(page)-1].ID
	}
}

func (l *Ledger) verifyAccount(ctx context.Context, ns string, a Account) error {
	var prev Entry
	var credit, debit money.Money
	bad := func(seq int64, format string, args ...any) error {
		return &VerifyError{Account: a.ID, Seq: seq, Problem: fmt.Sprintf(format, args...)}
	}
	after := int64(0)
	for {
		page, err := l.store.History(ctx, ns, a.ID, after, MaxPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if e.Seq != prev.Seq+1 {
				return bad(e.Seq, "sequence follows %d", prev.Seq)
			}
			if e.Prev != prev.Hash {
				return bad(e.Seq, "does not link to the previous entry")
			}
			if EntryHash(e) != e.Hash {
				return bad(e.Seq, "content does not match its hash")
			}
			if e.Op == OpCurrencyConverted || !credit.IsValid() {
				credit, debit = money.Zero(e.After.Credit.Currency()), money.Zero(e.After.Credit.Currency())
			}
			if credit, err = credit.Add(e.CreditChange); err != nil {
				return bad(e.Seq, "credit change: %v", err)
			}
			if debit, err = debit.Add(e.DebitChange); err != nil {
				return bad(e.Seq, "debit change: %v", err)
			}
			out, err1 := credit.Sub(debit)
			avail, err2 := e.After.Limit.Add(out)
			if err1 != nil || err2 != nil || !credit.Equal(e.After.Credit) || !debit.Equal(e.After.Debit) ||
				!out.Equal(e.After.Outstanding) || !avail.Equal(e.After.Available) {
				return bad(e.Seq, "replayed balances (credit %s, debit %s) differ from recorded %v", credit, debit, e.After)
			}
			prev = e
		}
		if len(page) < MaxPage {
			break
		}
		after = page[len(page)-1].Seq
	}
	if prev.Seq < a.Seq {
		return bad(prev.Seq+1, "missing: the account is at entry %d, the history ends at %d", a.Seq, prev.Seq)
	}
	if prev.Seq != a.Seq || prev.Hash != a.Head {
		return bad(prev.Seq, "account is at entry %d with head %.8s…, history ends at %d with %.8s…", a.Seq, a.Head, prev.Seq, prev.Hash)
	}
	if got := a.Balances(); prev.Seq > 0 && (!got.Credit.Equal(prev.After.Credit) || !got.Debit.Equal(prev.After.Debit) || !got.Limit.Equal(prev.After.Limit)) {
		return bad(prev.Seq, "account balances %v differ from the last entry's %v", got, prev.After)
	}
	return nil
}
