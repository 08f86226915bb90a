package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The clause Ledger/HiddenIsMissing: through the Ledger over the store, a
// principal who may not read an account learns nothing of it. For every
// operation that takes ids, an id of that account and an id that exists
// nowhere get the same answer (ErrNotFound, and the same message but for
// the id given). A store whose reads leak records, or that tells absent
// from present ids apart, shows here.

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
	run  func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, app string) error
}{
	{"ApplyPair", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		c, d := hidPay, hidInv
		if id == missing {
			c, d = missing, "other-missing"
		}
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: c, Debit: d}}})
		return err
	}},
	{"ApplyAccount", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		acct := hidAcct
		if id == missing {
			acct = missing
		}
		_, err := l.Apply(ctx, p, key, credit.ApplyRequest{Account: acct})
		return err
	}},
	{"Preview", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Preview(ctx, p, credit.ApplyRequest{Debits: []string{orID(id, hidInv)}, Credits: []string{orID(id, hidPay)}})
		return err
	}},
	{"Unapply", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, app string) error {
		if id != missing {
			id = app
		}
		_, err := l.Unapply(ctx, p, key, credit.UnapplyRequest{Application: id})
		return err
	}},
	{"Refund", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Refund(ctx, p, key, credit.RefundRequest{Credit: orID(id, hidPay), All: true})
		return err
	}},
	{"Void", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Void(ctx, p, key, credit.VoidRequest{Debit: orID(id, hidInv), Reason: "cancelled"})
		return err
	}},
	{"Adjust", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Adjust(ctx, p, key, credit.AdjustRequest{Debit: orID(id, hidInv), Amount: dollars("1.00")})
		return err
	}},
	{"ReversePayment", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.ReversePayment(ctx, p, key, credit.ReverseRequest{Payment: orID(id, hidPay), ChargeBack: true})
		return err
	}},
	{"Transfer", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Transfer(ctx, p, key, credit.TransferRequest{Credit: orID(id, hidPay), To: "mine", All: true})
		return err
	}},
	{"EditReimbursement", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.EditReimbursement(ctx, p, key, credit.EditReimbursementRequest{Document: orID(id, hidReimb), Amount: dollars("5.00")})
		return err
	}},
	{"UpdateAccount", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.UpdateAccount(ctx, p, key, credit.UpdateAccountRequest{Account: orID(id, hidAcct), Limit: ptr(dollars("1.00"))})
		return err
	}},
	{"IssueDebit", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.IssueDebit(ctx, p, key, credit.DebitRequest{Account: orID(id, hidAcct), Amount: dollars("1.00")})
		return err
	}},
	{"Expire", func(ctx context.Context, l *credit.Ledger, p credit.Principal, key, id, _ string) error {
		_, err := l.Expire(ctx, p, key, credit.ExpireRequest{Account: orID(id, hidAcct)})
		return err
	}},
	{"Document", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Document(ctx, p, orID(id, hidInv))
		return err
	}},
	{"OperationApplications", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		op := missing
		if id != missing {
			apps, err := l.Applications(ctx, hiddenAdmin(p), hidPay)
			if err != nil || len(apps) == 0 {
				return fmt.Errorf("fixture: %v", err)
			}
			op = apps[0].Operation
		}
		_, err := l.OperationApplications(ctx, p, op)
		return err
	}},
	{"ActiveApplications", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.ActiveApplications(ctx, p, orID(id, hidPay))
		return err
	}},
	{"Applications", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Applications(ctx, p, orID(id, hidPay))
		return err
	}},
	{"EligibleCredits", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.EligibleCredits(ctx, p, credit.EligibleRequest{Debit: orID(id, hidInv)})
		return err
	}},
	{"History", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.History(ctx, p, credit.HistoryRequest{Account: orID(id, hidAcct)})
		return err
	}},
	{"Balances", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Balances(ctx, p, orID(id, hidAcct))
		return err
	}},
	{"BalancesAt", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.BalancesAt(ctx, p, orID(id, hidAcct), time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC))
		return err
	}},
	{"Account", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Account(ctx, p, orID(id, hidAcct))
		return err
	}},
	{"Documents", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
		_, err := l.Documents(ctx, p, credit.DocumentFilter{Account: orID(id, hidAcct)})
		return err
	}},
	{"Verify", func(ctx context.Context, l *credit.Ledger, p credit.Principal, _, id, _ string) error {
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

func ledgerHiddenIsMissing(t tb, e *env) {
	f := newFixture(t, e)
	l := f.ledger(credit.DefaultRoles(), soloAttempts)
	admin := f.p
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
	}
	must(l.OpenAccount(f.ctx, admin, f.key(), credit.OpenAccountRequest{ID: hidAcct, Currency: usd}))
	must(l.OpenAccount(f.ctx, admin, f.key(), credit.OpenAccountRequest{ID: "mine", Currency: usd}))
	must(l.IssueDebit(f.ctx, admin, f.key(), credit.DebitRequest{Account: hidAcct, ID: hidInv, Amount: dollars("100.00")}))
	must(l.IssueCredit(f.ctx, admin, f.key(), credit.CreditRequest{Account: hidAcct, ID: hidPay, Amount: dollars("40.00")}))
	must(l.Reimburse(f.ctx, admin, f.key(), credit.ReimburseRequest{Account: hidAcct, ID: hidReimb, Amount: dollars("10.00")}))
	r, err := l.Apply(f.ctx, admin, f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: hidPay, Debit: hidInv, Amount: dollars("5.00")}}, Partial: true})
	must(r, err)
	app := r.Applications[0].ID
	outsiders := []credit.Principal{
		{ID: "member-of-mine", Namespace: f.ns, Roles: []string{credit.RoleMember}, Account: "mine"},
		{ID: "nobody", Namespace: f.ns},
	}
	for _, op := range hiddenOps {
		for _, p := range outsiders {
			hidden := op.run(f.ctx, l, p, f.key(), "hidden", app)
			absent := op.run(f.ctx, l, p, f.key(), missing, app)
			if !errors.Is(hidden, credit.ErrNotFound) || !errors.Is(absent, credit.ErrNotFound) {
				t.Fatalf("%s as %s: an id of an account it may not read gave %v, an id that exists nowhere %v; want ErrNotFound for both",
					op.name, p.ID, hidden, absent)
			}
			if h, a := blank(hidden.Error(), app, r.Operation), blank(absent.Error(), app, r.Operation); h != a {
				t.Fatalf("%s as %s: the answers differ:\nhidden:  %s\nmissing: %s", op.name, p.ID, h, a)
			}
			secrets := []string{"USD", "40.00", "100.00"}
			if !namesAccount[op.name] {
				secrets = append(secrets, hidAcct)
			}
			for _, secret := range secrets {
				if strings.Contains(hidden.Error(), secret) {
					t.Fatalf("%s as %s: the answer names %q: %v", op.name, p.ID, secret, hidden)
				}
			}
		}
	}
	d, err := l.Document(f.ctx, admin, hidPay)
	if err != nil || d.Status != invoice.Open || !d.Open.Equal(dollars("35.00")) {
		t.Fatalf("the payment after the probes: %+v, %v", d, err)
	}
}

// hiddenAdmin is an admin in p's namespace, for reading the fixture's own ids.
func hiddenAdmin(p credit.Principal) credit.Principal {
	return credit.Principal{ID: "storetest", Namespace: p.Namespace, Roles: []string{credit.RoleAdmin}}
}

func dollars(s string) money.Money { return money.MustParse("USD " + s) }

func ptr[T any](v T) *T { return &v }

// blank replaces every id of the test by one placeholder, so that two
// answers can be compared but for the id each was given.
func blank(msg string, more ...string) string {
	for _, id := range append([]string{hidReimb, hidAcct, hidInv, hidPay, "other-missing", missing}, more...) {
		msg = strings.ReplaceAll(msg, id, "ID")
	}
	return msg
}
