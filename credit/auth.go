package credit

import (
	"context"
	"fmt"
	"slices"

	"github.com/arcredit/arcredit/invoice"
)

// Principal is who acts: an id recorded as "updated by", the namespace
// (tenant) it acts in, its roles, and, for a customer's own users, the
// account it belongs to.
type Principal struct {
	ID        string   `json:"id"`
	Namespace string   `json:"namespace"`
	Roles     []string `json:"roles,omitempty"`
	// Account is the customer account a member principal belongs to; members
	// of a company share its account and so its credit (iMIS).
	Account string `json:"account,omitempty"`
}

// Action is what an Authorizer is asked to allow.
type Action string

// Actions.
const (
	ActRead             Action = "read"
	ActManageAccount    Action = "manage_account"     // open, update, set the credit line
	ActIssue            Action = "issue"              // invoices, debit memos, purchases
	ActRecordPayment    Action = "record_payment"     // payments, reimbursements and their edits
	ActIssueCredit      Action = "issue_credit"       // credits with a reason, credit memos
	ActApply            Action = "apply"              // apply the account's own credit
	ActApplyOtherCredit Action = "apply_other_credit" // apply another account's credit (iMIS Orders: 4)
	ActLink             Action = "link"               // name explicit credit→debit pairs (Ingram provider link)
	ActUnlink           Action = "unlink"             // unapply (Ingram provider unlink, support revert)
	ActAdjust           Action = "adjust"             // adjust or void a debit; journal a revaluation
	ActRefund           Action = "refund"             // pay open credit out to the customer
	ActReverse          Action = "reverse"            // charge back or cancel a payment
	ActTransfer         Action = "transfer"           // move credit to another account
	ActConsolidate      Action = "consolidate"        // batch apply across accounts
	ActHold             Action = "hold"               // put an account on credit hold, release it
)

// Authorizer decides whether p may do a on account. It returns nil to allow
// and an error wrapping ErrNotAuthorized to refuse. It must deny what it does
// not know (deny by default).
type Authorizer interface {
	Authorize(ctx context.Context, p Principal, a Action, account string) error
}

// AuthorizerFunc adapts a function to an Authorizer.
type AuthorizerFunc func(ctx context.Context, p Principal, a Action, account string) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, p Principal, a Action, account string) error {
	return f(ctx, p, a, account)
}

// AllowAll allows everything. For tests and examples only.
var AllowAll Authorizer = AuthorizerFunc(func(context.Context, Principal, Action, string) error { return nil })

// Roles used by the role-based authorizer of DefaultRoles.
const (
	RoleAdmin    = "admin"    // everything
	RoleFinance  = "finance"  // Citrix Finance Create/Manage: payments, credits, refunds, charge backs, cancellations
	RoleProvider = "provider" // Ingram provider: link/unlink AR documents, issue documents
	RoleStaff    = "staff"    // iMIS staff: apply credit, including another member's (Orders: 4)
	RoleMember   = "member"   // a customer's user: read and apply the credit of its own account
)

// RoleBased allows an action when one of the principal's roles lists it.
// Roles in Own allow their actions only on the principal's own account.
// Anything not listed is refused.
type RoleBased struct {
	Allow map[string][]Action
	// Own marks roles whose actions hold only on Principal.Account.
	Own map[string]bool
}

// DefaultRoles returns the role-based authorizer that covers the seeds:
//
//	admin     everything
//	finance   read, manage accounts (and close them), issue, record payments, issue credit, apply,
//	          link, unlink, adjust (and journal revaluations), refund, reverse, transfer, consolidate, hold,
//	          write off (Citrix: refunds, charge backs and cancellations need the Finance permission)
//	provider  read, issue, issue credit, apply, link, unlink, consolidate (Ingram: only the
//	          provider links and unlinks AR documents)
//	staff     read, issue, record payments, apply, apply another account's credit (iMIS Orders: 4)
//	member    read and apply, on its own account only (iMIS: any company member applies the
//	          company's open credit; Ingram: the reseller chooses to use its credit balance)
func DefaultRoles() *RoleBased {
	return &RoleBased{
		Allow: map[string][]Action{
			RoleFinance: {ActRead, ActManageAccount, ActIssue, ActRecordPayment, ActIssueCredit, ActApply,
				ActLink, ActUnlink, ActAdjust, ActRefund, ActReverse, ActTransfer, ActConsolidate, ActHold, ActWriteOff},
			RoleProvider: {ActRead, ActIssue, ActIssueCredit, ActApply, ActLink, ActUnlink, ActConsolidate},
			RoleStaff:    {ActRead, ActIssue, ActRecordPayment, ActApply, ActApplyOtherCredit},
			RoleMember:   {ActRead, ActApply},
		},
		Own: map[string]bool{RoleMember: true},
	}
}

// Authorize implements Authorizer.
func (r *RoleBased) Authorize(_ context.Context, p Principal, a Action, account string) error {
	for _, role := range p.Roles {
		if role == RoleAdmin {
			return nil
		}
		if !slices.Contains(r.Allow[role], a) {
			continue
		}
		if r.Own[role] && (p.Account == "" || p.Account != account) {
			continue
		}
		return nil
	}
	return fail(ErrNotAuthorized, "%q may not %s on account %q", p.ID, a, account)
}

// allow asks the Authorizer whether the principal may do a on account,
// whose existence the operation has established. A principal who may not
// even read the account learns nothing about it: it is told what it would
// be told of an account that does not exist (hidden, made only then: the
// path of an allowed operation builds no error).
func (t *txn) allow(a Action, account string, hidden func() error) error {
	err := t.l.auth.Authorize(t.ctx, t.p, a, account)
	if err == nil {
		return nil
	}
	if a != ActRead && t.l.auth.Authorize(t.ctx, t.p, ActRead, account) == nil {
		if sentinelOf(err) == nil {
			err = fmt.Errorf("%w: %w", ErrNotAuthorized, err)
		}
		return acctErr(account, err)
	}
	return hidden()
}

// seeAccount resolves an account id the caller named, for action a: the
// account must exist and the principal be allowed a on it. An account the
// principal may not read answers as one that does not exist. A writing
// operation may not name a closed account (ErrAccountClosed).
func (t *txn) seeAccount(a Action, id string) (*Account, error) {
	acct, ok := t.accounts[id]
	if !ok {
		return nil, notFoundAccount(id)
	}
	if err := t.allow(a, id, func() error { return notFoundAccount(id) }); err != nil {
		return acct, err
	}
	return acct, t.writable(id)
}

// seeDoc resolves a document id the caller named, for action a on its
// account: the document must exist and the principal be allowed a on its
// account. A document of an account the principal may not read answers as
// one that does not exist, and the error names only the id given. A
// writing operation may not name a document of a closed account
// (ErrAccountClosed).
func (t *txn) seeDoc(a Action, id string) (*invoice.Document, error) {
	d, ok := t.docs[id]
	if !ok {
		return nil, notFoundDoc(id)
	}
	if err := t.allow(a, d.Account, func() error { return notFoundDoc(id) }); err != nil {
		return nil, err
	}
	if _, ok := t.accounts[d.Account]; !ok {
		// A document is never stored without its account.
		return nil, docErr(id, fail(ErrStoreFailure, "the account of document %q is missing", id))
	}
	if err := t.writable(d.Account); err != nil {
		return nil, docErr(id, err)
	}
	return d, nil
}
