package credit

import "context"

// Credit holds and closing an account.

// History entries of holds and of closing an account. (Their names are the
// plain receivables words the journal's vocabulary uses.)
const (
	// CreditHeld: the account was put on credit hold; the comment is the
	// reason.
	CreditHeld EntryKind = "credit_held"
	// HoldReleased: the account's credit hold was released.
	HoldReleased EntryKind = "hold_released"
	// AccountClosed: the account was closed, its balances zero.
	AccountClosed EntryKind = "account_closed"
)

// HoldRequest puts an account on credit hold, for a reason.
type HoldRequest struct {
	Account string `json:"account"`
	// Reason is required: it is kept on the account (Account.Hold) and
	// recorded as the comment of the "credit_held" entry.
	Reason string `json:"reason"`
}

// HoldAccount puts an account on credit hold (ERPNext and Odoo: a customer
// on credit hold or blocked): until ReleaseHold, a purchase on account is
// ErrOnHold, and so is any use of its credit: Apply and Consolidate of its
// credit, Transfer, MoveBalance and Refund of it; a prepaid account's
// credit is no longer used at once on new debits. Issuing documents,
// unapplying, adjusting, voiding, reversing a payment and expiring credits
// go on. Holding an account already on hold replaces the reason, and
// records it again. It needs the permission "hold".
func (l *Ledger) HoldAccount(ctx context.Context, p Principal, key string, req HoldRequest) (Account, error) {
	return run(l, ctx, p, key, req, holdAccount)
}

var holdAccount = &spec[HoldRequest, Account]{
	method: "HoldAccount",
	entry:  func(HoldRequest) EntryKind { return CreditHeld },
	check: func(l *Ledger, req *HoldRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		if req.Reason == "" {
			return fail(ErrInvalidRequest, "a credit hold needs a reason")
		}
		return checkText(req.Reason)
	},
	fingerprint: func(fp *encoder, req HoldRequest) {
		fp.str(req.Account)
		fp.str(req.Reason)
	},
	load: func(t *txn, req HoldRequest) error { return t.load(Query{Accounts: []string{req.Account}}) },
	authorize: func(t *txn, req HoldRequest) error {
		_, err := t.seeAccount(ActHold, req.Account)
		return err
	},
	compute: func(t *txn, req HoldRequest) (Account, error) {
		a := t.accounts[req.Account]
		a.Hold = req.Reason
		t.touchAccount(a.ID)
		if err := t.record(a.ID, note{Kind: CreditHeld, Comment: req.Reason}); err != nil {
			return Account{}, err
		}
		return t.final(a.ID), nil
	},
}

// ReleaseRequest releases an account's credit hold.
type ReleaseRequest struct {
	Account string `json:"account"`
	// Reason is recorded as the comment of the "hold_released" entry.
	Reason string `json:"reason,omitempty"`
}

// ReleaseHold releases an account's credit hold: purchases and the use of
// its credit are allowed again (a prepaid account's credit is used on the
// debits that came meanwhile at the next debit or credit, or by Apply).
// Releasing an account that is not on hold changes nothing and records
// nothing. It needs the permission "hold".
func (l *Ledger) ReleaseHold(ctx context.Context, p Principal, key string, req ReleaseRequest) (Account, error) {
	return run(l, ctx, p, key, req, releaseHold)
}

var releaseHold = &spec[ReleaseRequest, Account]{
	method: "ReleaseHold",
	entry:  func(ReleaseRequest) EntryKind { return HoldReleased },
	check: func(l *Ledger, req *ReleaseRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		return checkText(req.Reason)
	},
	fingerprint: func(fp *encoder, req ReleaseRequest) {
		fp.str(req.Account)
		fp.str(req.Reason)
	},
	load: func(t *txn, req ReleaseRequest) error { return t.load(Query{Accounts: []string{req.Account}}) },
	authorize: func(t *txn, req ReleaseRequest) error {
		_, err := t.seeAccount(ActHold, req.Account)
		return err
	},
	compute: func(t *txn, req ReleaseRequest) (Account, error) {
		a := t.accounts[req.Account]
		if a.Hold == "" {
			return *a, nil // nothing to release; nothing is written
		}
		a.Hold = ""
		t.touchAccount(a.ID)
		if err := t.record(a.ID, note{Kind: HoldReleased, Comment: req.Reason}); err != nil {
			return Account{}, err
		}
		return t.final(a.ID), nil
	},
}

// CloseRequest closes an account.
type CloseRequest struct {
	Account string `json:"account"`
	// Reason is recorded as the comment of the "account_closed" entry.
	Reason string `json:"reason,omitempty"`
}

// CloseAccount closes an account whose open credit and open debit are both
// zero (ErrBalanceNotZero otherwise: refund, transfer, pay or void what is
// open first). Every later write that would change the account, or a
// document of it, is ErrAccountClosed, whatever it is; reads (Account,
// Balances, History, Documents, Verify, …) keep working, and the id stays
// taken. It needs the permission "manage_account".
func (l *Ledger) CloseAccount(ctx context.Context, p Principal, key string, req CloseRequest) (Account, error) {
	return run(l, ctx, p, key, req, closeAccount)
}

var closeAccount = &spec[CloseRequest, Account]{
	method: "CloseAccount",
	entry:  func(CloseRequest) EntryKind { return AccountClosed },
	check: func(l *Ledger, req *CloseRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		return checkText(req.Reason)
	},
	fingerprint: func(fp *encoder, req CloseRequest) {
		fp.str(req.Account)
		fp.str(req.Reason)
	},
	load: func(t *txn, req CloseRequest) error { return t.load(Query{Accounts: []string{req.Account}}) },
	authorize: func(t *txn, req CloseRequest) error {
		_, err := t.seeAccount(ActManageAccount, req.Account)
		return err
	},
	compute: func(t *txn, req CloseRequest) (Account, error) {
		a := t.accounts[req.Account]
		if !a.Credit.IsZero() || !a.Debit.IsZero() {
			return Account{}, acctErr(a.ID, fail(ErrBalanceNotZero, "open credit %s and open debit %s must both be zero", a.Credit, a.Debit))
		}
		a.Closed = t.now
		t.touchAccount(a.ID)
		if err := t.record(a.ID, note{Kind: AccountClosed, Comment: req.Reason}); err != nil {
			return Account{}, err
		}
		return t.final(a.ID), nil
	},
}

// usable refuses the use of an account's credit while it is on hold.
func (t *txn) usable(account string) error {
	if a, ok := t.accounts[account]; ok && a.Hold != "" {
		return acctErr(account, fail(ErrOnHold, "account %q is on credit hold: %s", account, a.Hold))
	}
	return nil
}

// writable refuses, in a writing operation, an account that was closed
// when it was read.
func (t *txn) writable(account string) error {
	if t.key == "" {
		return nil
	}
	if a, ok := t.accounts[account]; ok && t.closed[account] {
		return acctErr(account, fail(ErrAccountClosed, "account %q was closed on %s", account, a.Closed.Format("2006-01-02")))
	}
	return nil
}

// refuseClosed is the last check of a writing operation: no account it
// changes may have been closed when it was read.
func (t *txn) refuseClosed() error {
	for _, id := range t.dirtyAccounts {
		if err := t.writable(id); err != nil {
			return err
		}
	}
	return nil
}
