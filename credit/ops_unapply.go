package credit

import (
	"context"
	"slices"
	"strings"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/money"
)

// Unapplying: reversing applications, and the recalculation after one
// credit of a multi-credit application is removed.

// UnapplyRequest reverses applications: one (Application), or all of one
// operation's (Operation). With Operation and Credit, only that credit is
// removed and the operation's other credits are planned again, with the
// same policy, up to the total the operation first applied (iMIS: removing
// one credit recalculates the others "in the order listed until the cart
// total is met").
type UnapplyRequest struct {
	Application string `json:"application,omitempty"`
	Operation   string `json:"operation,omitempty"`
	Credit      string `json:"credit,omitempty"`
	// Policy re-plans after removing Credit; by default the policy recorded
	// on the applications, if the ledger knows it by name, else the default.
	Policy  allocate.Policy `json:"-"`
	Comment string          `json:"comment,omitempty"`
}

// UnapplyResult lists the reversals written and, after a recalculation, the
// new applications.
type UnapplyResult struct {
	Operation    string        `json:"operation"`
	Reversals    []Application `json:"reversals"`
	Applications []Application `json:"applications,omitempty"`
}

// Unapply reverses applications. Reversals are new records that name the
// application they undo; nothing is deleted. Both documents get the amount
// back: the debit reopens and the credit is open again.
func (l *Ledger) Unapply(ctx context.Context, p Principal, key string, req UnapplyRequest) (UnapplyResult, error) {
	return run(l, ctx, p, key, req, unapply)
}

var unapply = &spec[UnapplyRequest, UnapplyResult]{
	method: "Unapply",
	entry:  func(UnapplyRequest) EntryKind { return CreditUnapplied },
	check: func(l *Ledger, req *UnapplyRequest) error {
		if (req.Application == "") == (req.Operation == "") {
			return fail(ErrInvalidRequest, "name either an application or an operation")
		}
		if req.Credit != "" && req.Operation == "" {
			return fail(ErrInvalidRequest, "removing one credit needs the operation it was applied by")
		}
		for _, id := range []string{req.Application, req.Operation, req.Credit} {
			if err := checkID("id", id, false); err != nil {
				return err
			}
		}
		if err := checkText(req.Comment); err != nil {
			return err
		}
		return namedPolicy(req.Policy)
	},
	fingerprint: func(fp *encoder, req UnapplyRequest) {
		fp.str(req.Application)
		fp.str(req.Operation)
		fp.str(req.Credit)
		fp.str(req.Comment)
		fp.bool(req.Policy != nil)
		if req.Policy != nil {
			fp.str(allocate.NameOf(req.Policy))
		}
	},
	load: func(t *txn, req UnapplyRequest) error {
		if err := t.load(Query{Applications: nonEmpty(req.Application), Operation: req.Operation}); err != nil {
			return err
		}
		// Both documents of each application, all their applications (to
		// see which are already reversed) and their accounts.
		docs := appDocs(t.unapplyTargets(req))
		return t.loadDocs(Query{Documents: docs, ApplicationsOf: docs})
	},
	authorize: func(t *txn, req UnapplyRequest) error {
		targets := t.unapplyTargets(req)
		missing := func() error {
			return fail(ErrNotFound, "no applications to reverse (application %q, operation %q)", req.Application, req.Operation)
		}
		if len(targets) == 0 {
			return missing()
		}
		for _, id := range appDocs(targets) {
			d, ok := t.docs[id]
			if !ok {
				return missing()
			}
			if err := t.allow(ActUnlink, d.Account, missing); err != nil {
				return err
			}
		}
		return nil
	},
	compute: func(t *txn, req UnapplyRequest) (UnapplyResult, error) {
		targets := t.unapplyTargets(req)
		res := UnapplyResult{Operation: t.opID}
		var remaining []Application // the operation's other applications, for a recalculation
		for _, a := range targets {
			if a.Policy == WriteOffPolicy {
				return UnapplyResult{}, fail(ErrBadState, "application %q is a write-off: reverse it with ReverseWriteOff", a.ID)
			}
			if cur := t.app(a.ID); cur.Reverses != "" || t.reversed[a.ID] {
				continue // already reversed: reversing again changes nothing
			}
			if req.Credit != "" && a.Credit != req.Credit {
				remaining = append(remaining, a)
			}
			rev, err := t.unlink(a)
			if err != nil {
				return UnapplyResult{}, err
			}
			res.Reversals = append(res.Reversals, rev)
		}
		if len(res.Reversals) == 0 {
			return UnapplyResult{}, fail(ErrBadState, "the applications are already reversed")
		}
		if req.Credit != "" {
			apps, err := t.recalculate(targets, remaining, req)
			if err != nil {
				return UnapplyResult{}, err
			}
			res.Applications = apps
		}
		if err := t.recordPerAccount(res.Reversals, CreditUnapplied, req.Comment, ""); err != nil {
			return UnapplyResult{}, err
		}
		if len(res.Applications) > 0 {
			if err := t.recordPerAccount(res.Applications, CreditApplied, req.Comment, ""); err != nil {
				return UnapplyResult{}, err
			}
		}
		return res, nil
	},
}

// unapplyTargets are the loaded applications the request names (not
// reversals), in the order loaded.
func (t *txn) unapplyTargets(req UnapplyRequest) []Application {
	var targets []Application
	for _, id := range t.appOrder {
		a := t.app(id)
		// The write-offs an operation wrote are not credit applied: they are
		// reversed by ReverseWriteOff, never by Unapply.
		if a.Reverses == "" && (a.ID == req.Application || (req.Operation != "" && a.Operation == req.Operation && a.Policy != WriteOffPolicy)) {
			targets = append(targets, a)
		}
	}
	return targets
}

// appDocs lists the credit and debit of each application.
func appDocs(apps []Application) []string {
	docs := make([]string, 0, 2*len(apps))
	for _, a := range apps {
		docs = append(docs, a.Credit, a.Debit)
	}
	return docs
}

// recalculate re-plans the operation's remaining credits on its debits, up
// to the total it first applied.
func (t *txn) recalculate(targets, remaining []Application, req UnapplyRequest) ([]Application, error) {
	var total money.Money
	var debitIDs, creditIDs []string
	for _, a := range targets {
		if !total.IsValid() {
			total = a.Amount
		} else if s, err := total.Add(a.Amount); err == nil {
			total = s
		}
		if !slices.Contains(debitIDs, a.Debit) {
			debitIDs = append(debitIDs, a.Debit)
		}
	}
	for _, a := range remaining {
		if !slices.Contains(creditIDs, a.Credit) {
			creditIDs = append(creditIDs, a.Credit)
		}
	}
	if len(creditIDs) == 0 {
		return nil, nil
	}
	// The rule the first plan was made under: its policy's name records
	// partial cover ("partial(oldest_first)"); explicit pairs may be partial.
	name := targets[0].Policy
	inner, partial := strings.CutPrefix(name, "partial(")
	if partial {
		inner = strings.TrimSuffix(inner, ")")
	}
	partial = partial || name == "explicit"
	pol := req.Policy
	if pol == nil {
		pol = t.l.policies[inner]
	}
	if pol == nil {
		pol = t.l.policy
	}
	ar := allocate.Request{Partial: partial, AsOf: t.now}
	owed := money.Zero(total.Currency())
	for _, id := range debitIDs {
		ar.Debits = append(ar.Debits, *t.docs[id])
		owed, _ = owed.Add(t.docs[id].Open)
	}
	for _, id := range creditIDs {
		ar.Credits = append(ar.Credits, *t.docs[id])
	}
	if c, _ := total.Cmp(owed); c < 0 {
		ar.Cap = total
	}
	plan, err := t.planWith(pol, ar)
	if err != nil {
		return nil, err
	}
	return t.linkPlan(plan, policyName(pol, partial))
}
