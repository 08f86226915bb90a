package credit_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// authFixture is the world every row of the authorization matrix acts on,
// built by an admin under DefaultRoles:
//
//	account A (USD, term, limit 1000)  IA  invoice 100, open
//	                                   IA2 invoice 50, paid by PA (application app)
//	                                   PA  payment 200, 150 open
//	                                   RA  reimbursement 30
//	account B (USD, term)              CB  payment 80
//	account E (USD, term)              nothing
type authFixture struct {
	*fixture
	app string
	ops15
}

func newAuthFixture(t *testing.T) *authFixture {
	f := newFixtureWith(t, credit.DefaultRoles(), credit.Options{})
	f.open("A", "USD", credit.Term, "1000.00")
	f.open("B", "USD", credit.Term, "")
	f.invoice("A", "IA", "USD 100.00")
	f.invoice("A", "IA2", "USD 50.00")
	f.payment("A", "PA", "USD 200.00")
	r := f.apply(credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "PA", Debit: "IA2"}}})
	if _, err := f.l.Reimburse(ctx, admin, f.key(), credit.ReimburseRequest{Account: "A", ID: "RA", Amount: m("USD 30.00")}); err != nil {
		t.Fatal(err)
	}
	f.payment("B", "CB", "USD 80.00")
	f.open("E", "USD", credit.Term, "") // nothing open: one that may be closed
	return &authFixture{fixture: f, app: r.Applications[0].ID, ops15: newOps15(f)}
}

// authOps runs each operation once as p; an error is what the ledger said.
var authOps = []struct {
	name string
	run  func(f *authFixture, p credit.Principal) error
}{
	{"OpenAccount", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.OpenAccount(ctx, p, f.key(), credit.OpenAccountRequest{ID: "N", Currency: usd})
		return err
	}},
	{"UpdateAccount", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.UpdateAccount(ctx, p, f.key(), credit.UpdateAccountRequest{Account: "A", Limit: mp("USD 2000.00")})
		return err
	}},
	{"IssueDebit", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.IssueDebit(ctx, p, f.key(), credit.DebitRequest{Account: "A", Amount: m("USD 10.00")})
		return err
	}},
	{"Purchase", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Purchase(ctx, p, f.key(), credit.PurchaseRequest{Account: "A", Amount: m("USD 10.00")})
		return err
	}},
	{"RecordPayment", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "A", Amount: m("USD 10.00")})
		return err
	}},
	{"IssueCredit", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "A", Kind: invoice.CreditGrant, Amount: m("USD 10.00"), Reason: "goodwill"})
		return err
	}},
	{"IssueCreditMemo", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.IssueCredit(ctx, p, f.key(), credit.CreditRequest{Account: "A", Kind: invoice.CreditMemo, Amount: m("USD 10.00")})
		return err
	}},
	{"Reimburse", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Reimburse(ctx, p, f.key(), credit.ReimburseRequest{Account: "A", Amount: m("USD 10.00")})
		return err
	}},
	{"EditReimbursement", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.EditReimbursement(ctx, p, f.key(), credit.EditReimbursementRequest{Document: "RA", Amount: m("USD 40.00")})
		return err
	}},
	{"Apply", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Apply(ctx, p, f.key(), credit.ApplyRequest{Account: "A"})
		return err
	}},
	{"ApplyPairs", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Apply(ctx, p, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "RA", Debit: "IA"}}, Partial: true})
		return err
	}},
	{"ApplyOtherCredit", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Apply(ctx, p, f.key(), credit.ApplyRequest{Debits: []string{"IA"}, Credits: []string{"CB"}, Partial: true})
		return err
	}},
	{"Preview", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Preview(ctx, p, credit.ApplyRequest{Account: "A"})
		return err
	}},
	{"Unapply", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Unapply(ctx, p, f.key(), credit.UnapplyRequest{Application: f.app})
		return err
	}},
	{"Adjust", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Adjust(ctx, p, f.key(), credit.AdjustRequest{Debit: "IA2", Amount: m("USD 20.00")})
		return err
	}},
	{"Void", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Void(ctx, p, f.key(), credit.VoidRequest{Debit: "IA", Reason: "cancelled"})
		return err
	}},
	{"RecordUnrealized", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.RecordUnrealized(ctx, p, f.key(), credit.RecordUnrealizedRequest{Account: "A", Rates: []money.Rate{money.MustParseRate("EUR/USD 1.20")}})
		return err
	}},
	{"Refund", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Refund(ctx, p, f.key(), credit.RefundRequest{Credit: "PA", Amount: m("USD 10.00")})
		return err
	}},
	{"ChargeBack", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.ReversePayment(ctx, p, f.key(), credit.ReverseRequest{Payment: "PA", ChargeBack: true})
		return err
	}},
	{"CancelPayment", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.ReversePayment(ctx, p, f.key(), credit.ReverseRequest{Payment: "RA"})
		return err
	}},
	{"Transfer", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Transfer(ctx, p, f.key(), credit.TransferRequest{Credit: "PA", To: "B", Amount: m("USD 10.00")})
		return err
	}},
	{"MoveBalance", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.MoveBalance(ctx, p, f.key(), credit.MoveBalanceRequest{From: "A", To: "B", Amount: m("USD 10.00")})
		return err
	}},
	{"HoldAccount", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.HoldAccount(ctx, p, f.key(), credit.HoldRequest{Account: "A", Reason: "overdue"})
		return err
	}},
	{"ReleaseHold", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.ReleaseHold(ctx, p, f.key(), credit.ReleaseRequest{Account: "A"})
		return err
	}},
	{"CloseAccount", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.CloseAccount(ctx, p, f.key(), credit.CloseRequest{Account: "E"})
		return err
	}},
	{"Consolidate", func(f *authFixture, p credit.Principal) error {
		r, err := f.l.Consolidate(ctx, p, f.key(), credit.ConsolidateRequest{Accounts: []string{"A"}, Partial: true})
		if err == nil && r.Accounts[0].Error != "" {
			// Consolidate reports an account it may not touch in its result.
			switch r.Accounts[0].Code {
			case credit.Code(credit.ErrNotAuthorized):
				return credit.ErrNotAuthorized
			case credit.Code(credit.ErrNotFound):
				return credit.ErrNotFound
			}
			return errors.New(r.Accounts[0].Error)
		}
		return err
	}},
	{"Account", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Account(ctx, p, "A")
		return err
	}},
	{"Balances", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Balances(ctx, p, "A")
		return err
	}},
	{"BalancesAt", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.BalancesAt(ctx, p, "A", t0.Add(24*time.Hour))
		return err
	}},
	{"History", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.History(ctx, p, credit.HistoryRequest{Account: "A"})
		return err
	}},
	{"Documents", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Documents(ctx, p, credit.DocumentFilter{Account: "A"})
		return err
	}},
	{"Document", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Document(ctx, p, "IA")
		return err
	}},
	{"Applications", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.Applications(ctx, p, "PA")
		return err
	}},
	{"EligibleCredits", func(f *authFixture, p credit.Principal) error {
		_, err := f.l.EligibleCredits(ctx, p, credit.EligibleRequest{Debit: "IA"})
		return err
	}},
}

// Role names of the matrix.
const (
	rAdmin, rFinance, rProvider, rStaff = "admin", "finance", "provider", "staff"
	rMemberOwn, rMemberOther, rNone     = "member-own", "member-other", "no-roles"
	rUnknown                            = "unknown-role"
)

var matrixPrincipals = map[string]credit.Principal{
	rAdmin:       {ID: "u-admin", Namespace: ns, Roles: []string{credit.RoleAdmin}},
	rFinance:     {ID: "u-finance", Namespace: ns, Roles: []string{credit.RoleFinance}},
	rProvider:    {ID: "u-provider", Namespace: ns, Roles: []string{credit.RoleProvider}},
	rStaff:       {ID: "u-staff", Namespace: ns, Roles: []string{credit.RoleStaff}},
	rMemberOwn:   {ID: "u-member-a", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "A"},
	rMemberOther: {ID: "u-member-b", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "B"},
	rNone:        {ID: "u-none", Namespace: ns},
	rUnknown:     {ID: "u-auditor", Namespace: ns, Roles: []string{"auditor"}},
}

// allowedRoles is the matrix, written from the doc comment of DefaultRoles;
// every role not listed for an operation must be refused.
var allowedRoles = func() map[string][]string {
	readers := []string{rAdmin, rFinance, rProvider, rStaff, rMemberOwn}
	return map[string][]string{
		"OpenAccount":       {rAdmin, rFinance},
		"UpdateAccount":     {rAdmin, rFinance},
		"IssueDebit":        {rAdmin, rFinance, rProvider, rStaff},
		"Purchase":          {rAdmin, rFinance, rProvider, rStaff},
		"RecordPayment":     {rAdmin, rFinance, rStaff},
		"IssueCredit":       {rAdmin, rFinance, rProvider},
		"IssueCreditMemo":   {rAdmin, rFinance, rProvider},
		"Reimburse":         {rAdmin, rFinance, rStaff},
		"EditReimbursement": {rAdmin, rFinance, rStaff},
		"Apply":             {rAdmin, rFinance, rProvider, rStaff, rMemberOwn},
		"ApplyPairs":        {rAdmin, rFinance, rProvider},
		"ApplyOtherCredit":  {rAdmin, rStaff},
		"Preview":           {rAdmin, rFinance, rProvider, rStaff, rMemberOwn},
		"Unapply":           {rAdmin, rFinance, rProvider},
		"Adjust":            {rAdmin, rFinance},
		"Void":              {rAdmin, rFinance},
		"Refund":            {rAdmin, rFinance},
		"RecordUnrealized":  {rAdmin, rFinance},
		"ChargeBack":        {rAdmin, rFinance},
		"CancelPayment":     {rAdmin, rFinance},
		"Transfer":          {rAdmin, rFinance},
		"MoveBalance":       {rAdmin, rFinance},
		"HoldAccount":       {rAdmin, rFinance},
		"ReleaseHold":       {rAdmin, rFinance},
		"CloseAccount":      {rAdmin, rFinance},
		"Consolidate":       {rAdmin, rFinance, rProvider},
		"Account":           readers,
		"Balances":          readers,
		"BalancesAt":        readers,
		"History":           readers,
		"Documents":         readers,
		"Document":          readers,
		"Applications":      readers,
		"EligibleCredits":   readers,
	}
}()

func TestAuthorizationMatrixOfDefaultRoles(t *testing.T) {
	roles := []string{rAdmin, rFinance, rProvider, rStaff, rMemberOwn, rMemberOther, rNone, rUnknown}
	for _, op := range authOps {
		allowed, ok := allowedRoles[op.name]
		if !ok {
			t.Fatalf("no row for %s", op.name)
		}
		for _, role := range roles {
			want := slices.Contains(allowed, role)
			t.Run(op.name+"/"+role, func(t *testing.T) {
				f := newAuthFixture(t)
				before := [2]snapshot{f.snapshot("A"), f.snapshot("B")}
				err := op.run(f, matrixPrincipals[role])
				switch {
				case want && err != nil:
					t.Errorf("%s as %s: %v, want allowed", op.name, role, err)
				case !want && !errors.Is(err, refusal(op.name, role)):
					t.Errorf("%s as %s: %v, want %v", op.name, role, err, refusal(op.name, role))
				case !want:
					f.wantUnchanged("A", before[0])
					f.wantUnchanged("B", before[1])
				}
			})
		}
	}
	if len(allowedRoles) != len(authOps) {
		t.Errorf("%d rows for %d operations", len(allowedRoles), len(authOps))
	}
}

// refusal is what a refused principal is told: ErrNotAuthorized when it may
// read the account, else ErrNotFound, as for an account that does not exist
// (authorize before revealing). Opening an account is asked about before the
// id is looked up.
func refusal(op, role string) error {
	if op == "ApplyOtherCredit" && role == rMemberOwn {
		return credit.ErrNotFound // the other account's credit is not its to see
	}
	if op == "CloseAccount" && role == rMemberOwn {
		return credit.ErrNotFound // E is not the member's account
	}
	if op == "OpenAccount" || slices.Contains(allowedRoles["Account"], role) {
		return credit.ErrNotAuthorized
	}
	return credit.ErrNotFound
}
