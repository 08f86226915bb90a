package credit

import (
	"context"

	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Moving credit to another account.

// TransferRequest moves open credit to another account of the same
// namespace and currency (iMIS: a staff user applies one contact's credit to
// another's registration). Give either Amount or All (the whole open balance).
type TransferRequest struct {
	Credit  string      `json:"credit"`
	To      string      `json:"to"`
	Amount  money.Money `json:"amount,omitzero"`
	All     bool        `json:"all,omitempty"`
	Comment string      `json:"comment,omitempty"`
}

// TransferResult is the source credit as it ends and the new credit on the
// receiving account.
type TransferResult struct {
	From invoice.Document `json:"from"`
	To   invoice.Document `json:"to"`
}

// Transfer moves open credit to another account: the source credit gives up
// the amount (closing when nothing is left) and a credit for it is issued on
// the receiving account, naming the source as Original; both histories
// record it.
func (l *Ledger) Transfer(ctx context.Context, p Principal, key string, req TransferRequest) (TransferResult, error) {
	return run(l, ctx, p, key, req, transfer)
}

var transfer = &spec[TransferRequest, TransferResult]{
	method: "Transfer",
	entry:  func(TransferRequest) EntryKind { return CreditTransferredOut },
	check: func(l *Ledger, req *TransferRequest) error {
		if err := checkID("credit", req.Credit, true); err != nil {
			return err
		}
		if err := checkID("account", req.To, true); err != nil {
			return err
		}
		if err := checkText(req.Comment); err != nil {
			return err
		}
		return wholeOrPart(req.Amount, req.All)
	},
	fingerprint: func(fp *encoder, req TransferRequest) {
		fp.str(req.Credit)
		fp.str(req.To)
		fp.str(req.Comment)
		fp.money(req.Amount)
		fp.bool(req.All)
	},
	load: func(t *txn, req TransferRequest) error {
		if err := t.loadDocs(Query{Accounts: []string{req.To}, Documents: []string{req.Credit}}); err != nil {
			return err
		}
		return t.loadForIssue(req.To)
	},
	authorize: func(t *txn, req TransferRequest) error {
		if _, err := t.seeDoc(ActTransfer, req.Credit); err != nil {
			return err
		}
		_, err := t.seeAccount(ActTransfer, req.To)
		return err
	},
	compute: func(t *txn, req TransferRequest) (TransferResult, error) {
		c, err := t.openCredit(req.Credit)
		if err != nil {
			return TransferResult{}, err
		}
		if err := refuseForeign(c, "a transfer"); err != nil {
			return TransferResult{}, err
		}
		to := t.accounts[req.To]
		if to.ID == c.Account {
			return TransferResult{}, fail(ErrInvalidRequest, "credit %q is already on account %q", c.ID, to.ID)
		}
		if to.Currency != c.Open.Currency() {
			return TransferResult{}, fail(ErrCurrencyMismatch, "%s credit to a %s account", c.Open.Currency(), to.Currency)
		}
		amt, err := upToOpen(c, req.Amount)
		if err != nil {
			return TransferResult{}, err
		}
		nd, err := t.transferOut(c, to, amt, req.Comment)
		if err != nil {
			return TransferResult{}, err
		}
		if _, err := t.autoApply(to, nil, []string{nd.ID}); err != nil {
			return TransferResult{}, err
		}
		return TransferResult{From: t.finalDoc(c.ID), To: t.finalDoc(nd.ID)}, nil
	},
}

// transferOut moves amt of the open credit c to the account to (another
// account, in c's currency): c gives it up, closing when nothing is left,
// and a credit for it is issued on to, naming c as Original and with c's
// labels; both histories record it. The receiving account's own use of it (autoApply)
// is the caller's.
func (t *txn) transferOut(c *invoice.Document, to *Account, amt money.Money, comment string) (*invoice.Document, error) {
	if err := t.usable(c.Account); err != nil {
		return nil, err
	}
	if err := t.take(c.ID, amt, invoice.Closed); err != nil {
		return nil, err
	}
	nd, err := t.issue(invoice.Document{ID: t.l.newID(), Account: to.ID, Kind: invoice.CreditGrant, Amount: amt, Open: amt,
		Issued: t.now, Expires: c.Expires, Status: invoice.Open, BillTo: to.Party,
		Reason: "transferred from " + c.ID, Original: c.ID, Labels: invoice.CloneLabels(c.Labels)})
	if err != nil {
		return nil, err
	}
	if err := t.record(c.Account, note{Kind: CreditTransferredOut, Document: c.ID, Amount: amt, Comment: comment}); err != nil {
		return nil, err
	}
	if err := t.record(to.ID, note{Kind: CreditTransferredIn, Document: nd.ID, Amount: amt, Comment: comment}); err != nil {
		return nil, err
	}
	return nd, nil
}
