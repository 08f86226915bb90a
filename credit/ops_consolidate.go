package credit

import (
	"context"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Consolidation: applying credit across many accounts in one operation.

// ConsolidateRequest applies each account's open credits to its open debits,
// for many accounts in one batch (Aptify: the Invoice Consolidation wizard).
type ConsolidateRequest struct {
	Accounts []string `json:"accounts"`
	Partial  bool     `json:"partial,omitempty"`
	BillTo   bool     `json:"bill_to,omitempty"`
	// Policy plans each account; the ledger's default when nil. It must
	// have a name (allocate.Named): see ApplyRequest.Policy.
	Policy allocate.Policy `json:"-"`
}

// AccountResult is what consolidation did for one account: its applications
// and their total, or why it did nothing: Code names the sentinel (see
// Code) and Error is the message.
type AccountResult struct {
	Account      string        `json:"account"`
	Applications []Application `json:"applications,omitempty"`
	Total        money.Money   `json:"total"` // in the account's currency: what left its debits
	Code         string        `json:"code,omitempty"`
	Error        string        `json:"error,omitempty"`
}

// ConsolidateResult has one AccountResult per requested account, in order.
type ConsolidateResult struct {
	Operation string          `json:"operation"`
	Accounts  []AccountResult `json:"accounts"`
}

// Consolidate runs the policy on every listed account and writes all the
// applications in one transaction. An account that is unknown, not
// authorized, or whose plan is refused gets its error in its result and
// nothing written; the others go ahead.
func (l *Ledger) Consolidate(ctx context.Context, p Principal, key string, req ConsolidateRequest) (ConsolidateResult, error) {
	return run(l, ctx, p, key, req, consolidate)
}

var consolidate = &spec[ConsolidateRequest, ConsolidateResult]{
	method: "Consolidate",
	entry:  func(ConsolidateRequest) EntryKind { return CreditsConsolidated },
	check: func(l *Ledger, req *ConsolidateRequest) error {
		if len(req.Accounts) == 0 || len(req.Accounts) > maxDocs {
			return fail(ErrInvalidRequest, "name 1 to %d accounts", maxDocs)
		}
		if err := checkIDs("account", req.Accounts); err != nil {
			return err
		}
		if req.Policy == nil {
			req.Policy = l.policy
		}
		return namedPolicy(req.Policy)
	},
	fingerprint: func(fp *encoder, req ConsolidateRequest) {
		fp.strs(req.Accounts)
		fp.bool(req.Partial)
		fp.bool(req.BillTo)
		fp.str(allocate.NameOf(req.Policy))
	},
	load: func(t *txn, req ConsolidateRequest) error {
		return t.load(Query{Accounts: req.Accounts, OpenOf: req.Accounts})
	},
	// Each account is authorized on its own, in compute: one the principal
	// may not act on gets its error in its result.
	compute: func(t *txn, req ConsolidateRequest) (ConsolidateResult, error) {
		res := ConsolidateResult{Operation: t.opID}
		seen := map[string]bool{}
		for _, id := range req.Accounts {
			if seen[id] {
				continue
			}
			seen[id] = true
			r := AccountResult{Account: id}
			apps, total, err, fatal := t.consolidateOne(id, req)
			if fatal != nil {
				return ConsolidateResult{}, fatal
			}
			if err != nil {
				err = finish("Consolidate", err)
				r.Code, r.Error = Code(err), err.Error()
			}
			r.Applications, r.Total = apps, total
			res.Accounts = append(res.Accounts, r)
		}
		return res, nil
	},
}

// consolidateOne plans and writes one account. err is the account's own
// failure, reported in its result with nothing written for it; fatal is a
// failure after writing began, which fails the whole operation.
func (t *txn) consolidateOne(id string, req ConsolidateRequest) (apps []Application, total money.Money, err, fatal error) {
	a, err := t.seeAccount(ActConsolidate, id)
	if err != nil {
		return nil, money.Money{}, err, nil
	}
	if err := t.usable(id); err != nil {
		return nil, money.Money{}, err, nil
	}
	ar := allocate.Request{Partial: req.Partial, BillTo: req.BillTo, AsOf: t.now}
	open := t.openDocs(id)
	nd := 0
	for _, d := range open {
		if d.IsDebit() {
			nd++
		}
	}
	// The policy's copies share one array, the debits then the credits.
	if len(open) > 0 {
		docs := make([]invoice.Document, len(open))
		if nd > 0 {
			ar.Debits = docs[:0:nd]
		}
		if len(open) > nd {
			ar.Credits = docs[nd:nd]
		}
	}
	for _, d := range open {
		if d.IsDebit() {
			ar.Debits = append(ar.Debits, *d)
		} else {
			ar.Credits = append(ar.Credits, *d)
		}
	}
	plan, err := t.planWith(req.Policy, ar)
	if err != nil {
		return nil, money.Money{}, err, nil
	}
	if len(plan.Lines) == 0 {
		return nil, money.Zero(a.Currency), nil, nil
	}
	if apps, err = t.writePlan(plan, allocate.NameOf(req.Policy), CreditsConsolidated, ""); err != nil {
		return nil, money.Money{}, nil, err
	}
	// In the account's currency: what left the debits (a foreign debit's
	// functional share).
	total = money.Zero(a.Currency)
	for _, app := range apps {
		total, _ = total.Add(app.Value())
	}
	return apps, total, nil, nil
}
