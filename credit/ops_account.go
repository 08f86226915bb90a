package credit

import (
	"context"

	"github.com/cockroachdb/apd/v3"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// OpenAccountRequest opens a customer account.
type OpenAccountRequest struct {
	// ID of the account; a new time-ordered id when empty.
	ID       string         `json:"id,omitempty"`
	Currency money.Currency `json:"currency"`
	// Kind is Term (the default) or Prepaid.
	Kind  AccountKind   `json:"kind,omitempty"`
	Party invoice.Party `json:"party,omitzero"`
	// Limit is the credit line in Currency; none when zero or unset.
	Limit       money.Money `json:"limit,omitzero"`
	AllowExceed bool        `json:"allow_exceed,omitempty"`
	// Reason is recorded as the comment of the "account_opened" history entry.
	Reason string `json:"reason,omitempty"`
}

// OpenAccount opens an account and records an "account_opened" entry with its
// credit line (Adobe Commerce: Allocated).
func (l *Ledger) OpenAccount(ctx context.Context, p Principal, key string, req OpenAccountRequest) (Account, error) {
	return run(l, ctx, p, key, req, openAccount)
}

var openAccount = &spec[OpenAccountRequest, Account]{
	method: "OpenAccount",
	entry:  func(OpenAccountRequest) EntryKind { return AccountOpened },
	check: func(l *Ledger, req *OpenAccountRequest) error {
		if err := checkID("account id", req.ID, false); err != nil {
			return err
		}
		if len(req.ID) > invoice.MaxIDLen {
			// Every document names its account, in at most MaxIDLen bytes.
			return fail(ErrInvalidRequest, "account id must be at most %d bytes", invoice.MaxIDLen)
		}
		if req.Currency.IsZero() {
			return fail(ErrInvalidRequest, "account currency is required")
		}
		if err := checkText(req.Reason, req.Party.Company, req.Party.Person); err != nil {
			return err
		}
		if req.Kind == 0 {
			req.Kind = Term
		}
		if req.Kind != Term && req.Kind != Prepaid {
			return fail(ErrInvalidRequest, "unknown account kind %d", req.Kind)
		}
		if req.Limit.IsValid() {
			if err := sameCurrency(req.Limit, req.Currency); err != nil {
				return err
			}
			if req.Limit.IsNegative() {
				return fail(ErrInvalidAmount, "credit limit %s is negative", req.Limit)
			}
		}
		return nil
	},
	fingerprint: func(fp *encoder, req OpenAccountRequest) {
		fp.str(req.ID)
		fp.str(req.Currency.Code())
		fp.str(req.Party.Company)
		fp.str(req.Party.Person)
		fp.str(req.Reason)
		fp.int(int64(req.Kind))
		fp.money(req.Limit)
		fp.bool(req.AllowExceed)
	},
	load: func(t *txn, req OpenAccountRequest) error {
		return t.load(Query{Accounts: nonEmpty(req.ID)})
	},
	authorize: func(t *txn, req OpenAccountRequest) error {
		if req.ID == "" {
			return nil // asked in compute, on the new id
		}
		// Asked before the id is looked up, so that a principal who may
		// not open it learns nothing of whether it exists.
		if err := t.l.auth.Authorize(t.ctx, t.p, ActManageAccount, req.ID); err != nil {
			return acctErr(req.ID, err)
		}
		if _, exists := t.accounts[req.ID]; exists {
			return acctErr(req.ID, fail(ErrAlreadyExists, "account %q already exists", req.ID))
		}
		return nil
	},
	compute: func(t *txn, req OpenAccountRequest) (Account, error) {
		id := req.ID
		if id == "" {
			id = t.l.newID()
			if err := t.l.auth.Authorize(t.ctx, t.p, ActManageAccount, id); err != nil {
				return Account{}, err
			}
		}
		limit := money.Zero(req.Currency)
		if req.Limit.IsValid() {
			limit = req.Limit
		}
		zero := money.Zero(req.Currency)
		t.addAccount(Account{ID: id, Currency: req.Currency, Kind: req.Kind, Party: req.Party, Limit: limit,
			AllowExceed: req.AllowExceed, Credit: zero, Debit: zero, Created: t.now})
		if err := t.record(id, note{Kind: AccountOpened, Amount: limit, Comment: req.Reason}); err != nil {
			return Account{}, err
		}
		return t.final(id), nil
	},
}

// UpdateAccountRequest changes an account's credit line or settings. Nil
// fields are left as they are.
type UpdateAccountRequest struct {
	Account     string         `json:"account"`
	Limit       *money.Money   `json:"limit,omitempty"`
	AllowExceed *bool          `json:"allow_exceed,omitempty"`
	Kind        *AccountKind   `json:"kind,omitempty"`
	Party       *invoice.Party `json:"party,omitempty"`
	// Currency changes the credit currency. Rate (from the old currency to
	// the new) is then required: the limit and every open document are
	// converted at it, and the conversion is recorded (Adobe Commerce:
	// Updated, credit currency). A new Limit, if given, is in the new currency.
	Currency *money.Currency `json:"currency,omitempty"`
	Rate     money.Rate      `json:"rate,omitzero"`
	// Reason is recorded as the comment of the "updated" entry (Adobe's
	// Reason for Change).
	Reason string `json:"reason,omitempty"`
}

// UpdateAccount changes an account's credit line, kind, party or currency
// and records an "updated" entry.
func (l *Ledger) UpdateAccount(ctx context.Context, p Principal, key string, req UpdateAccountRequest) (Account, error) {
	return run(l, ctx, p, key, req, updateAccount)
}

var updateAccount = &spec[UpdateAccountRequest, Account]{
	method: "UpdateAccount",
	entry:  func(UpdateAccountRequest) EntryKind { return AccountUpdated },
	check: func(l *Ledger, req *UpdateAccountRequest) error {
		if err := checkID("account", req.Account, true); err != nil {
			return err
		}
		if err := checkText(req.Reason); err != nil {
			return err
		}
		if req.Party != nil {
			if err := checkText(req.Party.Company, req.Party.Person); err != nil {
				return err
			}
		}
		if req.Limit != nil {
			if !req.Limit.IsValid() {
				return fail(ErrInvalidAmount, "amount is required")
			}
			if req.Limit.IsNegative() {
				return fail(ErrInvalidAmount, "credit limit %s is negative", *req.Limit)
			}
		}
		if req.Kind != nil && *req.Kind != Term && *req.Kind != Prepaid {
			return fail(ErrInvalidRequest, "unknown account kind %d", *req.Kind)
		}
		return nil
	},
	fingerprint: func(fp *encoder, req UpdateAccountRequest) {
		fp.str(req.Account)
		fp.str(req.Reason)
		fp.bool(req.Limit != nil)
		if req.Limit != nil {
			fp.money(*req.Limit)
		}
		fp.bool(req.AllowExceed != nil)
		fp.bool(req.AllowExceed != nil && *req.AllowExceed)
		fp.bool(req.Kind != nil)
		if req.Kind != nil {
			fp.int(int64(*req.Kind))
		}
		fp.bool(req.Party != nil)
		if req.Party != nil {
			fp.str(req.Party.Company)
			fp.str(req.Party.Person)
		}
		fp.bool(req.Currency != nil)
		if req.Currency != nil {
			fp.str(req.Currency.Code())
		}
		fp.rate(req.Rate)
	},
	load: func(t *txn, req UpdateAccountRequest) error {
		q := Query{Accounts: []string{req.Account}}
		if req.Currency != nil {
			q.OpenOf = []string{req.Account}
		}
		return t.load(q)
	},
	authorize: func(t *txn, req UpdateAccountRequest) error {
		_, err := t.seeAccount(ActManageAccount, req.Account)
		return err
	},
	compute: func(t *txn, req UpdateAccountRequest) (Account, error) {
		a := t.accounts[req.Account]
		n := note{Kind: AccountUpdated, Comment: req.Reason}
		if req.Currency != nil && *req.Currency != a.Currency {
			if err := t.convertAccount(a, *req.Currency, req.Rate, &n); err != nil {
				return Account{}, err
			}
		}
		if req.Limit != nil {
			if err := sameCurrency(*req.Limit, a.Currency); err != nil {
				return Account{}, err
			}
			a.Limit = *req.Limit
		}
		if req.AllowExceed != nil {
			a.AllowExceed = *req.AllowExceed
		}
		if req.Kind != nil {
			a.Kind = *req.Kind
		}
		if req.Party != nil {
			a.Party = *req.Party
		}
		if n.Kind == AccountUpdated {
			// A currency change keeps the converted outstanding balance as
			// its amount, so that Amount and Original describe one figure.
			n.Amount = a.Limit
		}
		t.touchAccount(a.ID)
		if err := t.record(a.ID, n); err != nil {
			return Account{}, err
		}
		return t.final(a.ID), nil
	},
}

// convertAccount re-denominates an account: the limit is converted, and
// every open document is closed in the old currency and issued again, for
// its converted open balance, in the new one (Original naming the old).
// Closed documents stay as they were, in the currency they were issued in.
func (t *txn) convertAccount(a *Account, to money.Currency, r money.Rate, n *note) error {
	if !r.IsValid() || r.From() != a.Currency || r.To() != to {
		return fail(ErrInvalidRequest, "changing the currency from %s to %s needs a %s/%s rate", a.Currency, to, a.Currency, to)
	}
	limit, err := r.Convert(a.Limit)
	if err != nil {
		return err
	}
	before := a.Balances().Outstanding
	var open []*invoice.Document
	for _, d := range t.docs {
		if d.Account == a.ID && d.Status == invoice.Open {
			open = append(open, d)
		}
	}
	sortDocs(open)
	var news []invoice.Document
	// rounded sums what rounding took off the outstanding balance: a
	// credit's residual counts as it is, a debit's with its sign turned
	// (outstanding = credit − debit), so that Original × rate − Amount =
	// Residual holds for the entry.
	var rounded money.Conversion
	for _, d := range open {
		if err := refuseForeign(d, "a change of the account's currency"); err != nil {
			return err
		}
		c, err := r.Convert(d.Open)
		if err != nil {
			return err
		}
		sum := apd.BaseContext.WithPrecision(60).Add
		if d.IsDebit() {
			sum = apd.BaseContext.WithPrecision(60).Sub
		}
		if _, err := sum(&rounded.Residual, &rounded.Residual, &c.Residual); err != nil {
			return err
		}
		old := *d
		end := invoice.Void
		if d.IsCredit() {
			end = invoice.Closed
		}
		if err := t.take(d.ID, d.Open, end); err != nil {
			return err
		}
		if c.To.IsPositive() {
			nd := old
			nd.ID, nd.Original, nd.Amount, nd.Open, nd.Status = t.l.newID(), old.ID, c.To, c.To, invoice.Open
			news = append(news, nd)
		}
	}
	a.Currency, a.Limit = to, limit.To
	a.Credit, a.Debit = money.Zero(to), money.Zero(to)
	// The entry's changes are measured in the new currency from zero.
	t.recorded[a.ID] = recordedOf(a)
	for _, nd := range news {
		if _, err := t.issue(nd); err != nil {
			return err
		}
	}
	n.Kind, n.Original, n.Rate = CurrencyConverted, before, r
	if n.Residual, err = money.NewResidual(to, &rounded.Residual); err != nil {
		return err
	}
	// Outstanding only: the available credit may be more than money holds,
	// which record refuses.
	n.Amount, err = a.Credit.Sub(a.Debit)
	return err
}
