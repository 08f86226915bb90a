package credit_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store"
)

// The ids of the hidden account's records: a principal who may not see the
// account must learn nothing of them.
const (
	hidAcct, hidInv, hidPay, hidReimb = "hid-acct", "hid-inv", "hid-pay", "hid-reimb"
	missing                           = "no-such-id"
)

// hiddenOps names, for each operation that takes ids, a call naming a record
// of the hidden account (id) or one that exists nowhere (missing).
var hiddenOps = []struct {
	name string
	run  func(l *credit.Ledger, p credit.Principal, key, id, app string) error
}{
	{"ApplyPair", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		c, d := hidPay, hidInv
		if id == missing {
			c, d = missing, "other-missing"
		}
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: c, Debit: d}}})
		return err
	}},
	{"ApplyAccount", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		acct := hidAcct
		if id == missing {
			acct = missing
		}
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Account: acct})
		return err
	}},
	{"Preview", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Preview(ctx, p, credit.ApplyRequest{Debits: []string{orID(id, hidInv)}, Credits: []string{orID(id, hidPay)}})
		return err
	}},
	{"Unapply", func(l *credit.Ledger, p credit.Principal, key, id, app string) error {
		if id != missing {
			id = app
		}
		_, err := l.Unapply(ctx, p, key, credit.UnapplyRequest{Application: id})
		return err
	}},
	{"Refund", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Refund(ctx, p, key, credit.RefundRequest{Credit: orID(id, hidPay), All: true})
		return err
	}},
	{"Void", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Void(ctx, p, key, orID(id, hidInv), "cancelled")
		return err
	}},
	{"Adjust", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Adjust(ctx, p, key, credit.AdjustRequest{Debit: orID(id, hidInv), Amount: m("USD 1.00")})
		return err
	}},
	{"ReversePayment", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.ReversePayment(ctx, p, key, credit.ReverseRequest{Payment: orID(id, hidPay), ChargeBack: true})
		return err
	}},
	{"Transfer", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Transfer(ctx, p, key, credit.TransferRequest{Credit: orID(id, hidPay), To: "mine", All: true})
		return err
	}},
	{"EditReimbursement", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.EditReimbursement(ctx, p, key, credit.EditReimbursementRequest{Document: orID(id, hidReimb), Amount: m("USD 5.00")})
		return err
	}},
	{"UpdateAccount", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.UpdateAccount(ctx, p, key, credit.UpdateAccountRequest{Account: orID(id, hidAcct), Limit: mp("USD 1.00")})
		return err
	}},
	{"IssueDebit", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.IssueDebit(ctx, p, key, credit.DebitRequest{Account: orID(id, hidAcct), Amount: m("USD 1.00")})
		return err
	}},
	{"Expire", func(l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Expire(ctx, p, key, credit.ExpireRequest{Account: orID(id, hidAcct)})
		return err
	}},
	{"Document", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Document(ctx, p, orID(id, hidInv))
		return err
	}},
	{"OperationApplications", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		op := missing
		if id != missing {
			apps, err := l.Applications(ctx, admin, hidPay)
			if err != nil || len(apps) == 0 {
				return fmt.Errorf("fixture: %v", err)
			}
			op = apps[0].Operation
		}
		_, err := l.OperationApplications(ctx, p, op)
		return err
	}},
	{"Applications", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Applications(ctx, p, orID(id, hidPay))
		return err
	}},
	{"EligibleCredits", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.EligibleCredits(ctx, p, orID(id, hidInv), false)
		return err
	}},
	{"History", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.History(ctx, p, credit.HistoryRequest{Account: orID(id, hidAcct)})
		return err
	}},
	{"Balances", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Balances(ctx, p, orID(id, hidAcct))
		return err
	}},
	{"BalancesAt", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.BalancesAt(ctx, p, orID(id, hidAcct), t0.Add(time.Hour))
		return err
	}},
	{"Account", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Account(ctx, p, orID(id, hidAcct))
		return err
	}},
	{"Documents", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Documents(ctx, p, credit.DocumentFilter{Account: orID(id, hidAcct)})
		return err
	}},
	{"Verify", func(l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		return l.Verify(ctx, p, orID(id, hidAcct))
	}},
}

// namesAccount are the operations given the account's id itself, which the
// answer may name.
var namesAccount = map[string]bool{"ApplyAccount": true, "UpdateAccount": true, "IssueDebit": true, "Expire": true,
	"History": true, "Balances": true, "BalancesAt": true, "Account": true, "Documents": true, "Verify": true}

// orID returns id when it is the missing one, else the hidden record's.
func orID(id, hidden string) string {
	if id == missing {
		return missing
	}
	return hidden
}

// TestHiddenAnswersAsMissing: for every operation that takes ids, a
// principal who may not see an account gets, for an id of that account,
// exactly the answer an id that exists nowhere gets (the same sentinel, and
// the same message but for the id it gave), naming nothing of the account.
func TestHiddenAnswersAsMissing(t *testing.T) { runHiddenAnswersAsMissing(t, store.NewMemory()) }

func TestHiddenAnswersAsMissingPostgres(t *testing.T) {
	runHiddenAnswersAsMissing(t, postgresStores(t)(t))
}

func runHiddenAnswersAsMissing(t *testing.T, st credit.Store) {
	now := t0
	var ids int
	l, err := credit.New(st, credit.DefaultRoles(), credit.Options{
		Clock: func() time.Time { now = now.Add(time.Minute); return now },
		NewID: func() string { ids++; return fmt.Sprintf("gen-%d", ids) },
	})
	if err != nil {
		t.Fatal(err)
	}
	key := 0
	next := func() string { key++; return fmt.Sprintf("k-%d", key) }
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.OpenAccount(ctx, admin, next(), credit.OpenAccountRequest{ID: hidAcct, Currency: usd}))
	must(l.OpenAccount(ctx, admin, next(), credit.OpenAccountRequest{ID: "mine", Currency: usd}))
	must(l.IssueDebit(ctx, admin, next(), credit.DebitRequest{Account: hidAcct, ID: hidInv, Amount: m("USD 100.00")}))
	must(l.IssueCredit(ctx, admin, next(), credit.CreditRequest{Account: hidAcct, ID: hidPay, Amount: m("USD 40.00")}))
	must(l.Reimburse(ctx, admin, next(), credit.ReimburseRequest{Account: hidAcct, ID: hidReimb, Amount: m("USD 10.00")}))
	r, err := l.Apply(ctx, admin, next(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: hidPay, Debit: hidInv, Amount: m("USD 5.00")}}, Partial: true})
	must(r, err)
	app := r.Applications[0].ID
	// A member of another account, and a principal with every role but on
	// no account it may read.
	outsiders := []credit.Principal{
		{ID: "member-of-mine", Namespace: ns, Roles: []string{credit.RoleMember}, Account: "mine"},
		{ID: "nobody", Namespace: ns},
	}
	for _, op := range hiddenOps {
		for _, p := range outsiders {
			t.Run(op.name+"/"+p.ID, func(t *testing.T) {
				hidden := op.run(l, p, next(), "hidden", app)
				absent := op.run(l, p, next(), missing, app)
				if !errors.Is(hidden, credit.ErrNotFound) || !errors.Is(absent, credit.ErrNotFound) {
					t.Fatalf("hidden: %v\nmissing: %v\nwant ErrNotFound for both", hidden, absent)
				}
				if h, a := blank(hidden.Error(), app, r.Operation), blank(absent.Error(), app, r.Operation); h != a {
					t.Errorf("the answers differ:\nhidden:  %s\nmissing: %s", h, a)
				}
				secrets := []string{"USD", "40.00", "100.00"}
				if !namesAccount[op.name] {
					secrets = append(secrets, hidAcct)
				}
				for _, secret := range secrets {
					if strings.Contains(hidden.Error(), secret) {
						t.Errorf("the answer names %q: %v", secret, hidden)
					}
				}
			})
		}
	}
	// The documents are as they were.
	d, err := l.Document(ctx, admin, hidPay)
	if err != nil || d.Status != invoice.Open || !d.Open.Equal(m("USD 35.00")) {
		t.Errorf("payment after the probes: %+v, %v", d, err)
	}
}

// blank replaces every id of the test by one placeholder, so that two
// answers can be compared but for the id each was given.
func blank(msg string, more ...string) string {
	for _, id := range append([]string{hidReimb, hidAcct, hidInv, hidPay, "other-missing", missing}, more...) {
		msg = strings.ReplaceAll(msg, id, "ID")
	}
	return msg
}
