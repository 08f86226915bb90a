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

// EntryKind names what a history entry records, in plain receivables words.
// The method that wrote an entry is named in errors instead (Error.Op), and
// the id of the operation in Entry.Operation. What each seed system shows
// for an action is in Label.
type EntryKind string

// Actions. The value is the name stored in the journal.
const (
	AccountOpened        EntryKind = "account_opened"         // account opened with its credit line
	AccountUpdated       EntryKind = "account_updated"        // limit, currency or allow-exceed changed
	CurrencyConverted    EntryKind = "currency_converted"     // the account's currency changed at a rate
	InvoiceIssued        EntryKind = "invoice_issued"         // invoice issued
	DebitMemoIssued      EntryKind = "debit_memo_issued"      // debit memo issued
	ChargedToCreditLine  EntryKind = "charged_to_credit_line" // purchase on account: an invoice charged to the credit line
	PaymentReceived      EntryKind = "payment_received"       // payment or prepayment received
	BalancePaid          EntryKind = "balance_paid"           // offline payment toward the outstanding balance (±)
	BalancePaymentEdited EntryKind = "balance_payment_edited" // that payment corrected
	CreditIssued         EntryKind = "credit_issued"          // credit granted, with a reason
	CreditMemoIssued     EntryKind = "credit_memo_issued"     // credit memo issued
	PurchaseCredited     EntryKind = "purchase_credited"      // credit memo against part of a purchase on account
	CreditApplied        EntryKind = "credit_applied"         // credit applied to debits
	CreditUnapplied      EntryKind = "credit_unapplied"       // applications reversed
	DocumentAdjusted     EntryKind = "document_adjusted"      // a document's amount reduced
	DocumentVoided       EntryKind = "document_voided"        // a document voided, an order cancelled
	CreditRefunded       EntryKind = "credit_refunded"        // open credit paid back to the customer
	PaymentChargedBack   EntryKind = "payment_charged_back"   // card payment returned at the bank's request
	PaymentCancelled     EntryKind = "payment_cancelled"      // payment cancelled
	CreditTransferredOut EntryKind = "credit_transferred_out" // credit moved to another account
	CreditTransferredIn  EntryKind = "credit_transferred_in"  // credit received from another account
	CreditsConsolidated  EntryKind = "credits_consolidated"   // credits applied across many accounts at once
	CreditExpired        EntryKind = "credit_expired"         // what was left of expired credits removed
)

// firstNames are the names the journal stored for some actions before they
// were given plain words. An entry's hash covers the first name of its
// action (hashName), so that histories written before the rename verify as
// they did, and a migrated store only has to rename the stored value.
var firstNames = map[EntryKind]string{
	AccountOpened:        "allocated",
	AccountUpdated:       "updated",
	InvoiceIssued:        "invoiced",
	DebitMemoIssued:      "debit_memo",
	ChargedToCreditLine:  "purchased",
	PaymentReceived:      "payment_recorded",
	BalancePaid:          "reimbursed",
	BalancePaymentEdited: "reimburse_edited",
	CreditMemoIssued:     "credit_memo",
	PurchaseCredited:     "refunded",
	CreditApplied:        "applied",
	CreditUnapplied:      "unapplied",
	DocumentAdjusted:     "adjusted",
	DocumentVoided:       "reverted",
	CreditRefunded:       "paid_out",
	PaymentChargedBack:   "charged_back",
	CreditTransferredOut: "transferred_out",
	CreditTransferredIn:  "transferred_in",
	CreditsConsolidated:  "consolidated",
	CreditExpired:        "expired",
}

// FirstNames returns, for each action renamed since the journal began, the
// name it was stored under before (a store migrating old rows renames them
// with it). The map is a copy.
func FirstNames() map[EntryKind]string {
	out := make(map[EntryKind]string, len(firstNames))
	for a, n := range firstNames {
		out[a] = n
	}
	return out
}

// hashName is the name an entry's hash covers: the action's first name.
func hashName(a EntryKind) string {
	if n, ok := firstNames[a]; ok {
		return n
	}
	return string(a)
}

// Entry is one row of an account's history. Entries are appended, never
// changed; replaying them from the first reproduces every balance.
type Entry struct {
	Account string    `json:"account"`
	Seq     int64     `json:"seq"` // 1, 2, 3, … per account
	At      time.Time `json:"at"`
	Kind    EntryKind `json:"op"`
	// Document is the main document of the operation, if any.
	Document string `json:"document,omitempty"`
	// Documents are the ids of every document of this account whose open
	// balance or status the entry's operation changed, in the order first
	// changed; Applications the ids of the applications and reversals it
	// wrote that touch this account's documents. An applied entry names the
	// credits and debits it settled and the applications linking them, so a
	// history can say which payment paid which invoice without another
	// read. Entries written before these fields existed have neither.
	Documents    []string `json:"documents,omitempty"`
	Applications []string `json:"applications,omitempty"`
	// Amount is the operation's amount in the account's currency (zero Money
	// when the operation moves none).
	Amount money.Money `json:"amount"`
	// Original and Rate are set when the amount was converted: Original is
	// what the caller gave, Rate what converted it.
	Original money.Money `json:"original,omitzero"`
	Rate     money.Rate  `json:"rate,omitzero"`
	// Residual is what converting rounded away: the exact product minus the
	// rounded Amount, in the account's currency and with as many decimals as
	// it takes ("USD -0.001072"), so that no fraction of a cent is lost
	// unseen. The zero Residual when nothing was converted.
	Residual money.Residual `json:"residual,omitzero"`
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
// hash seals the whole history before it. The kind is hashed under the name
// it was first stored with (FirstNames), so renaming a kind never breaks a
// chain.
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
	field(hashName(e.Kind))
	field(e.Document)
	m(e.Amount)
	m(e.Original)
	field(e.Rate.String())
	field(e.Residual.Plain())
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
	// The lists came later: an entry without them hashes as before, so
	// histories written earlier still verify; one with them cannot encode
	// like one without, as the encoding then runs longer.
	if len(e.Documents)+len(e.Applications) > 0 {
		for _, list := range [][]string{e.Documents, e.Applications} {
			b = binary.BigEndian.AppendUint64(b, uint64(len(list)))
			for _, id := range list {
				field(id)
			}
		}
	}
	sum := sha256.Sum256(b)
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], sum[:])
	return string(text[:])
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
	// A writer may append while the walk runs; the account is read again
	// (a few times at most) when the history runs past it.
	const maxRereads = 4
	after, rereads := int64(0), 0
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
			if e.Kind == CurrencyConverted || !credit.IsValid() {
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
			// Entries past the account as it was read were written since:
			// read it again and check the history against it.
			if prev.Seq <= a.Seq || rereads == maxRereads {
				break
			}
			rereads++
			snap, err := l.store.Load(ctx, Query{Namespace: ns, Accounts: []string{a.ID}})
			if err != nil {
				return err
			}
			if fresh, ok := snap.Accounts[a.ID]; ok && fresh.Seq > a.Seq {
				a = fresh
			}
		}
		after = prev.Seq
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
