package credit

import (
	"context"
	"errors"
	"slices"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Pair names one credit to apply to one debit. Amount is optional: without
// it the credit pays as much of the debit as it can (min of the two open
// balances), which under full cover must be all of the debit.
type Pair struct {
	Credit string      `json:"credit"`
	Debit  string      `json:"debit"`
	Amount money.Money `json:"amount,omitzero"`
}

// ApplyRequest asks for credit to be applied, in one of two ways:
//
//   - explicit pairs (Pairs): this credit pays this debit (Ingram's provider
//     link, Aptify's credit-memo payment);
//   - "use my credit on these documents": the credits of Account (or the
//     Credits named) pay the Debits named (or every open debit of Account),
//     planned by Policy (the ledger's default when nil), up to Cap.
type ApplyRequest struct {
	Account string   `json:"account,omitempty"`
	Pairs   []Pair   `json:"pairs,omitempty"`
	Debits  []string `json:"debits,omitempty"`
	Credits []string `json:"credits,omitempty"`
	// Cap, when set, bounds the total applied; it must be positive and not
	// above the open balance of the debits (Ingram: "apply a credit less
	// than my invoices").
	Cap money.Money `json:"cap,omitzero"`
	// Partial lets a debit be paid in part; by default a debit is paid whole
	// or not at all (Aptify's CreditMemoValidation).
	Partial bool `json:"partial,omitempty"`
	// BillTo allows only credits whose bill-to party matches the debit's.
	BillTo bool            `json:"bill_to,omitempty"`
	Policy allocate.Policy `json:"-"`
	// PolicyName is filled in by the ledger for the idempotency fingerprint.
	PolicyName string `json:"policy,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

// ApplyResult is the plan and, for Apply, the applications written.
type ApplyResult struct {
	// Operation is the id of the operation; UnapplyRequest.Operation undoes it.
	Operation string        `json:"operation"`
	Plan      allocate.Plan `json:"plan"`
	// Available is the open credit the request could draw on (Ingram: "a
	// message with the amount of the available credit balance").
	Available    money.Money   `json:"available"`
	Applications []Application `json:"applications,omitempty"`
	// Unchanged lists pairs already applied, which were left as they were
	// (iMIS: "the applied credit remains the same").
	Unchanged []Pair `json:"unchanged,omitempty"`
}

// Apply plans and writes applications of credit to debits. Every plan, from
// a built-in policy, a custom one or explicit pairs, is checked by
// allocate.Validate before anything is written.
func (l *Ledger) Apply(ctx context.Context, p Principal, key string, req ApplyRequest) (ApplyResult, error) {
	req.PolicyName = l.policyName(req)
	if err := req.checkSize(); err != nil {
		return ApplyResult{}, &Error{Op: "Apply", Err: err}
	}
	return write(l, ctx, p, OpApplied, key, req, func(t *txn) (ApplyResult, error) {
		return t.apply(req, true)
	})
}

// Preview returns the plan Apply would write for req, writing nothing (iMIS:
// View details; Ingram: the available credit shown before paying).
func (l *Ledger) Preview(ctx context.Context, p Principal, req ApplyRequest) (ApplyResult, error) {
	req.PolicyName = l.policyName(req)
	if err := req.checkSize(); err != nil {
		return ApplyResult{}, &Error{Op: "Preview", Err: err}
	}
	return read(l, ctx, p, OpPreviewed, func(t *txn) (ApplyResult, error) {
		return t.apply(req, false)
	})
}

// checkSize refuses a request naming more than maxDocs documents before
// any work proportional to its size (fingerprinting, copying, checking
// each id), so an oversized request costs no more than a small one.
func (req ApplyRequest) checkSize() error {
	if 2*len(req.Pairs)+len(req.Debits)+len(req.Credits) > maxDocs {
		return fail(ErrInvalidRequest, "more than %d documents in one request", maxDocs)
	}
	return nil
}

func (l *Ledger) policyName(req ApplyRequest) string {
	if len(req.Pairs) > 0 {
		return "explicit"
	}
	if req.Policy != nil {
		return allocate.NameOf(req.Policy)
	}
	return allocate.NameOf(l.policy)
}

func (t *txn) apply(req ApplyRequest, commit bool) (ApplyResult, error) {
	explicit := len(req.Pairs) > 0
	if explicit && (len(req.Debits) > 0 || len(req.Credits) > 0 || req.Policy != nil) {
		return ApplyResult{}, fail(ErrInvalidRequest, "give either pairs or debits/credits with a policy, not both")
	}
	if !explicit && req.Account == "" && (len(req.Debits) == 0 || len(req.Credits) == 0) {
		return ApplyResult{}, fail(ErrInvalidRequest, "name the account whose credit to use, or both debits and credits")
	}
	if err := checkID("account", req.Account, false); err != nil {
		return ApplyResult{}, err
	}
	if err := checkText(req.Comment); err != nil {
		return ApplyResult{}, err
	}
	var ids []string
	for _, pr := range req.Pairs {
		if err := checkID("credit", pr.Credit, true); err != nil {
			return ApplyResult{}, err
		}
		if err := checkID("debit", pr.Debit, true); err != nil {
			return ApplyResult{}, err
		}
		if pr.Credit == pr.Debit {
			return ApplyResult{}, fail(ErrInvalidRequest, "document %q cannot pay itself", pr.Credit)
		}
		if pr.Amount.IsValid() && !pr.Amount.IsPositive() {
			return ApplyResult{}, fail(ErrInvalidAmount, "amount %s is not positive", pr.Amount)
		}
		ids = append(ids, pr.Credit, pr.Debit)
	}
	for _, id := range append(append([]string{}, req.Debits...), req.Credits...) {
		if err := checkID("document", id, true); err != nil {
			return ApplyResult{}, err
		}
		ids = append(ids, id)
	}
	if req.Cap.IsValid() && !req.Cap.IsPositive() {
		return ApplyResult{}, fail(ErrInvalidAmount, "cap %s is not positive", req.Cap)
	}
	if len(ids) > maxDocs {
		return ApplyResult{}, fail(ErrInvalidRequest, "more than %d documents in one request", maxDocs)
	}
	q := Query{Accounts: nonEmpty(req.Account), Documents: ids, DocumentAccounts: true}
	if !explicit && (len(req.Debits) == 0 || len(req.Credits) == 0) {
		q.OpenOf = nonEmpty(req.Account)
	}
	// Applications of the credits show pairs already applied.
	if explicit {
		for _, pr := range req.Pairs {
			q.ApplicationsOf = append(q.ApplicationsOf, pr.Credit)
		}
	} else {
		q.ApplicationsOf = req.Credits
	}
	if err := t.load(q); err != nil {
		return ApplyResult{}, err
	}
	// Gather the request's documents.
	var debits, credits []*invoice.Document
	get := func(id string, debit bool) (*invoice.Document, error) {
		d, err := t.doc(id)
		if err != nil {
			return nil, err
		}
		if debit && !d.IsDebit() {
			return nil, &Error{Op: t.method, Document: id, Err: fail(ErrInvalidRequest, "%q is a %s, not a debit", id, d.Kind)}
		}
		if !debit && !d.IsCredit() {
			return nil, &Error{Op: t.method, Document: id, Err: fail(ErrInvalidRequest, "%q is a %s, not a credit", id, d.Kind)}
		}
		return d, nil
	}
	addUnique := func(list []*invoice.Document, d *invoice.Document) []*invoice.Document {
		if slices.Contains(list, d) {
			return list
		}
		return append(list, d)
	}
	for _, pr := range req.Pairs {
		c, err := get(pr.Credit, false)
		if err != nil {
			return ApplyResult{}, err
		}
		d, err := get(pr.Debit, true)
		if err != nil {
			return ApplyResult{}, err
		}
		credits, debits = addUnique(credits, c), addUnique(debits, d)
	}
	if !explicit {
		for _, id := range req.Debits {
			d, err := get(id, true)
			if err != nil {
				return ApplyResult{}, err
			}
			// A recurring document named in the request (in the cart) stops
			// the whole request, as a named pair does (iMIS: open credits
			// cannot be applied if a recurring transaction is in the cart);
			// only an unnamed one, found among the account's open debits,
			// is skipped.
			if d.Recurring {
				return ApplyResult{}, &Error{Op: t.method, Document: id, Err: fail(ErrRecurring, "%q is recurring", id)}
			}
			debits = addUnique(debits, d)
		}
		for _, id := range req.Credits {
			c, err := get(id, false)
			if err != nil {
				return ApplyResult{}, err
			}
			credits = addUnique(credits, c)
		}
		if len(req.Debits) == 0 || len(req.Credits) == 0 {
			if _, err := t.account(req.Account); err != nil {
				return ApplyResult{}, err
			}
			for _, d := range t.openDocs(req.Account) {
				if d.IsDebit() && len(req.Debits) == 0 {
					debits = append(debits, d)
				}
				if d.IsCredit() && len(req.Credits) == 0 {
					credits = append(credits, d)
				}
			}
		}
	}
	// Every account involved must be loaded (their balances change) and
	// the principal allowed to act on it.
	if err := t.loadAccountsOf(append(append([]*invoice.Document{}, debits...), credits...)); err != nil {
		return ApplyResult{}, err
	}
	if err := t.authorizeApply(explicit, debits, credits); err != nil {
		return ApplyResult{}, err
	}
	// A credit already applied to a debit of the request stays as it is.
	applied := map[[2]string]bool{}
	for _, c := range credits {
		for _, a := range t.active(c.ID) {
			applied[[2]string{a.Credit, a.Debit}] = true
		}
	}
	ar := allocate.Request{Cap: req.Cap, Partial: req.Partial, BillTo: req.BillTo, AsOf: t.now}
	res := ApplyResult{Operation: t.opID}
	for _, d := range debits {
		ar.Debits = append(ar.Debits, *d)
	}
	for _, c := range credits {
		skip := false
		if !explicit {
			for _, d := range debits {
				if applied[[2]string{c.ID, d.ID}] {
					res.Unchanged = append(res.Unchanged, Pair{Credit: c.ID, Debit: d.ID})
					skip = true
				}
			}
		}
		if !skip {
			ar.Credits = append(ar.Credits, *c)
		}
	}
	if err := t.checkCap(req.Cap, ar.Debits); err != nil {
		return ApplyResult{}, err
	}
	var plan allocate.Plan
	if explicit {
		for _, pr := range req.Pairs {
			if applied[[2]string{pr.Credit, pr.Debit}] {
				res.Unchanged = append(res.Unchanged, Pair{Credit: pr.Credit, Debit: pr.Debit})
				continue
			}
			c, d := t.docs[pr.Credit], t.docs[pr.Debit]
			amt := pr.Amount
			if !amt.IsValid() {
				m, err := c.Open.Min(d.Open)
				if err != nil {
					return ApplyResult{}, &Error{Op: t.method, Document: pr.Credit, Err: err}
				}
				amt = m
			}
			plan.Lines = append(plan.Lines, allocate.Line{Credit: pr.Credit, Debit: pr.Debit, Amount: amt, Reason: "explicit pair"})
		}
	} else {
		pol := req.Policy
		if pol == nil {
			pol = t.l.policy
		}
		// Plan and validate under the policy's own rules (Partial,
		// BillToMatch), as allocate.Effective says.
		ar = allocate.Effective(pol, ar)
		var err error
		if plan, err = pol.Plan(ar); err != nil {
			return ApplyResult{}, err
		}
	}
	if err := allocate.Validate(ar, plan); err != nil {
		return ApplyResult{}, planned(err, explicit)
	}
	res.Plan = plan
	res.Available = t.available(credits)
	if !commit || len(plan.Lines) == 0 {
		return res, nil
	}
	apps, err := t.writePlan(plan, req.PolicyName, OpApplied, req.Comment)
	if err != nil {
		return ApplyResult{}, err
	}
	res.Applications = apps
	return res, nil
}

// maxDocs bounds the documents one request may name.
const maxDocs = 10000

// planned classifies a plan that Validate refused; see planSentinel.
func planned(err error, explicit bool) error {
	var pe *allocate.PlanError
	if !errors.As(err, &pe) {
		return err
	}
	return &wrapped{sentinel: planSentinel(pe, explicit), cause: err}
}

func (t *txn) available(all []*invoice.Document) money.Money {
	var total money.Money
	for _, c := range all {
		if !c.IsCredit() || c.Status != invoice.Open {
			continue
		}
		if !total.IsValid() {
			total = c.Open
			continue
		}
		if s, err := total.Add(c.Open); err == nil {
			total = s
		}
	}
	return total
}

// checkCap refuses a cap in another currency or above what the debits owe.
func (t *txn) checkCap(cap money.Money, debits []invoice.Document) error {
	if !cap.IsValid() {
		return nil
	}
	var owed money.Money
	for _, d := range debits {
		if d.Status != invoice.Open {
			continue
		}
		if d.Open.Currency() != cap.Currency() {
			return fail(ErrCurrencyMismatch, "cap %s for %s documents", cap, d.Open.Currency())
		}
		if !owed.IsValid() {
			owed = d.Open
		} else if s, err := owed.Add(d.Open); err == nil {
			owed = s
		}
	}
	if owed.IsValid() {
		if c, _ := cap.Cmp(owed); c > 0 {
			return fail(ErrInvalidAmount, "cap %s is above the %s the documents owe", cap, owed)
		}
	}
	return nil
}

// loadAccountsOf loads the accounts of docs that are not loaded yet.
func (t *txn) loadAccountsOf(docs []*invoice.Document) error {
	var missing []string
	for _, d := range docs {
		if _, ok := t.accounts[d.Account]; !ok && !slices.Contains(missing, d.Account) {
			missing = append(missing, d.Account)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := t.load(Query{Accounts: missing}); err != nil {
		return err
	}
	for _, id := range missing {
		if _, err := t.account(id); err != nil {
			return err
		}
	}
	return nil
}

// authorizeApply asks for the base action (link for explicit pairs, apply
// for a planned request) on every account involved, and for
// ActApplyOtherCredit on each debit's account when a credit of another
// account may pay it (iMIS: Orders: 4).
func (t *txn) authorizeApply(explicit bool, debits, credits []*invoice.Document) error {
	base := ActApply
	if explicit {
		base = ActLink
	}
	var accts []string
	for _, d := range append(append([]*invoice.Document{}, debits...), credits...) {
		if !slices.Contains(accts, d.Account) {
			accts = append(accts, d.Account)
		}
	}
	slices.Sort(accts)
	for _, a := range accts {
		if err := t.authorize(base, a); err != nil {
			return err
		}
	}
	for _, d := range debits {
		for _, c := range credits {
			if c.Account != d.Account {
				if err := t.authorize(ActApplyOtherCredit, d.Account); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// writePlan writes the plan's applications and one "applied" entry for each
// account they touch.
func (t *txn) writePlan(plan allocate.Plan, policy string, op Operation, comment string) ([]Application, error) {
	var apps []Application
	totals := map[string]money.Money{}
	var order []string
	add := func(acct string, m money.Money) {
		if s, ok := totals[acct]; ok {
			totals[acct], _ = s.Add(m)
			return
		}
		totals[acct] = m
		order = append(order, acct)
	}
	for _, ln := range plan.Lines {
		app, err := t.link(ln.Credit, ln.Debit, ln.Amount, policy)
		if err != nil {
			return nil, err
		}
		apps = append(apps, app)
		add(app.CreditAccount, app.Amount)
		if app.DebitAccount != app.CreditAccount {
			add(app.DebitAccount, app.Amount)
		}
	}
	for _, acct := range order {
		if err := t.record(acct, note{Op: op, Amount: totals[acct], Comment: comment}); err != nil {
			return nil, err
		}
	}
	return apps, nil
}

// plan runs a policy over req, validates the plan and writes it, without
// entries (the caller records them).
func (t *txn) plan(pol allocate.Policy, req allocate.Request) ([]Application, error) {
	req = allocate.Effective(pol, req)
	plan, err := pol.Plan(req)
	if err != nil {
		return nil, err
	}
	if err := allocate.Validate(req, plan); err != nil {
		return nil, err
	}
	var apps []Application
	for _, ln := range plan.Lines {
		app, err := t.link(ln.Credit, ln.Debit, ln.Amount, allocate.NameOf(pol))
		if err != nil {
			return nil, err
		}
		apps = append(apps, app)
	}
	return apps, nil
}
