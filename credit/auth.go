package credit

import (
	"context"
	"slices"
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
	ActAdjust           Action = "adjust"             // adjust or void a debit
	ActRefund           Action = "refund"             // pay open credit out to the customer
	ActReverse          Action = "reverse"            // charge back or cancel a payment
	ActTransfer         Action = "transfer"           // move credit to another account
	ActConsolidate      Action = "consolidate"        // batch apply across accounts
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
//	finance   read, manage accounts, issue, record payments, issue credit, apply, link, unlink,
//	          adjust, refund, reverse, transfer, consolidate (Citrix: refunds, charge backs
//	          and cancellations need the Finance permission)
//	provider  read, issue, issue credit, apply, link, unlink, consolidate (Ingram: only the
//	          provider links and unlinks AR documents)
//	staff     read, issue, record payments, apply, apply another account's credit (iMIS Orders: 4)
//	member    read and apply, on its own account only (iMIS: any company member applies the
//	          company's open credit; Ingram: the reseller chooses to use its credit balance)
func DefaultRoles() *RoleBased {
	return &RoleBased{
		Allow: map[string][]Action{
			RoleFinance: {ActRead, ActManageAccount, ActIssue, ActRecordPayment, ActIssueCredit, ActApply,
				ActLink, ActUnlink, ActAdjust, ActRefund, ActReverse, ActTransfer, ActConsolidate},
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
