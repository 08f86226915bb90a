package credit

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// Applying credit: Apply and Preview, and the planning and writing of plans
// that every operation applying credit shares.

// Pair names one credit to apply to one debit. Amount is optional: without
// it the credit pays as much of the debit as it can (the smaller of the two
// open balances), which under full cover must be all of the debit. An
// Amount is an explicit partial application: it need not cover the debit,
// and on a pair already applied it adds a further application.
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
	// Cap, when set, bounds the total applied: at most this much (Ingram:
	// "apply a credit less than my invoices"). It must be positive; a cap
	// above what the debits owe bounds nothing.
	Cap money.Money `json:"cap,omitzero"`
	// Partial lets a debit be paid in part; by default a debit is paid whole
	// or not at all (Aptify's CreditMemoValidation).
	Partial bool `json:"partial,omitempty"`
	// BillTo allows only credits whose bill-to party matches the debit's.
	BillTo bool `json:"bill_to,omitempty"`
	// Policy plans the request; the ledger's default (Options.Policy) when
	// nil. With an idempotency key (Apply) it must have a name
	// (allocate.Named), which is part of the request's fingerprint.
	Policy  allocate.Policy `json:"-"`
	Comment string          `json:"comment,omitempty"`
	// WriteOffBelow, when set, writes off in the same operation what is
	// left open on a debit this Apply paid when it is below this amount
	// (ERPNext and Odoo: the difference amount of a payment that leaves a
	// few cents open), as WriteOff does; it needs ActWriteOff. Preview
	// ignores it.
	WriteOffBelow money.Money `json:"write_off_below,omitzero"`
}

// ApplyResult is the plan and, for Apply, the applications written.
type ApplyResult struct {
	// Operation is the id of the operation; UnapplyRequest.Operation undoes it.
	Operation string        `json:"operation"`
	Plan      allocate.Plan `json:"plan"`
	// Available is the open credit the request could draw on (Ingram: "a
	// message with the amount of the available credit balance"), in the
	// account's currency: a credit held in a foreign currency counts at its
	// functional open balance.
	Available    money.Money   `json:"available"`
	Applications []Application `json:"applications,omitempty"`
	// Unchanged lists pairs already applied, which were left as they were
	// (iMIS: "the applied credit remains the same").
	Unchanged []Pair `json:"unchanged,omitempty"`
	// Reason says why a request that applies nothing does so: no open
	// credit, no open debit, or no credit that may pay the debits (an
	// expired credit, another currency, another bill-to party). Empty when
	// something was applied.
	Reason string `json:"reason,omitempty"`
	// WriteOffs are the applications of the write-offs WriteOffBelow made.
	WriteOffs []Application `json:"write_offs,omitempty"`
}

// Apply plans and writes applications of credit to debits. Every plan, from
// a built-in policy, a custom one or explicit pairs, is checked by
// allocate.Validate before anything is written.
func (l *Ledger) Apply(ctx context.Context, p Principal, key string, req ApplyRequest) (ApplyResult, error) {
	return run(l, ctx, p, key, req, apply)
}

// Preview returns the plan Apply would write for req, writing nothing (iMIS:
// View details; Ingram: the available credit shown before paying).
func (l *Ledger) Preview(ctx context.Context, p Principal, req ApplyRequest) (ApplyResult, error) {
	return run(l, ctx, p, "", req, preview)
}

var apply = &spec[ApplyRequest, ApplyResult]{
	method: "Apply",
	entry:  func(ApplyRequest) EntryKind { return CreditApplied },
	check: func(l *Ledger, req *ApplyRequest) error {
		if err := checkApply(l, req); err != nil {
			return err
		}
		return namedPolicy(req.Policy)
	},
	fingerprint: func(fp *encoder, req ApplyRequest) {
		fp.str(req.Account)
		fp.str(req.Comment)
		fp.int(int64(len(req.Pairs)))
		for _, pr := range req.Pairs {
			fp.str(pr.Credit)
			fp.str(pr.Debit)
			fp.money(pr.Amount)
		}
		fp.strs(req.Debits)
		fp.strs(req.Credits)
		fp.money(req.Cap)
		fp.bool(req.Partial)
		fp.bool(req.BillTo)
		fp.bool(req.Policy != nil)
		if req.Policy != nil {
			fp.str(allocate.NameOf(req.Policy))
		}
		if req.WriteOffBelow.IsValid() {
			// Last and only when set, so that earlier keys keep their
			// fingerprints.
			fp.money(req.WriteOffBelow)
		}
	},
	load: loadApply,
	authorize: func(t *txn, req ApplyRequest) error {
		if err := authorizeApply(t, req); err != nil {
			return err
		}
		return authorizeWriteOffBelow(t, req)
	},
	compute: func(t *txn, req ApplyRequest) (ApplyResult, error) {
		res, err := t.apply(req, true)
		if err != nil || !req.WriteOffBelow.IsValid() {
			return res, err
		}
		res.WriteOffs, err = t.writeOffResiduals(res.Applications, req.WriteOffBelow, req.Comment)
		return res, err
	},
}

var preview = &spec[ApplyRequest, ApplyResult]{
	method:    "Preview",
	check:     checkApply,
	load:      loadApply,
	authorize: authorizeApply,
	compute:   func(t *txn, req ApplyRequest) (ApplyResult, error) { return t.apply(req, false) },
}

// checkApply checks the shape of an apply request and gives a planned one
// the ledger's policy when it names none.
func checkApply(l *Ledger, req *ApplyRequest) error {
	// The size first, before any work proportional to it.
	if 2*len(req.Pairs)+len(req.Debits)+len(req.Credits) > maxDocs {
		return fail(ErrInvalidRequest, "more than %d documents in one request", maxDocs)
	}
	explicit := len(req.Pairs) > 0
	if explicit && (len(req.Debits) > 0 || len(req.Credits) > 0 || req.Policy != nil) {
		return fail(ErrInvalidRequest, "give either pairs or debits/credits with a policy, not both")
	}
	if !explicit && req.Account == "" && (len(req.Debits) == 0 || len(req.Credits) == 0) {
		return fail(ErrInvalidRequest, "name the account whose credit to use, or both debits and credits")
	}
	if err := checkID("account", req.Account, false); err != nil {
		return err
	}
	if err := checkText(req.Comment); err != nil {
		return err
	}
	for _, pr := range req.Pairs {
		if err := checkIDs("credit", []string{pr.Credit}); err != nil {
			return err
		}
		if err := checkIDs("debit", []string{pr.Debit}); err != nil {
			return err
		}
		if pr.Credit == pr.Debit {
			return fail(ErrInvalidRequest, "document %q cannot pay itself", pr.Credit)
		}
		if pr.Amount.IsValid() && !pr.Amount.IsPositive() {
			return fail(ErrInvalidAmount, "amount %s is not positive", pr.Amount)
		}
	}
	if err := checkIDs("document", req.Debits); err != nil {
		return err
	}
	if err := checkIDs("document", req.Credits); err != nil {
		return err
	}
	if req.Cap.IsValid() && !req.Cap.IsPositive() {
		return fail(ErrInvalidAmount, "cap %s is not positive", req.Cap)
	}
	if req.WriteOffBelow.IsValid() && !req.WriteOffBelow.IsPositive() {
		return fail(ErrInvalidAmount, "write-off threshold %s is not positive", req.WriteOffBelow)
	}
	if !explicit && req.Policy == nil {
		req.Policy = l.policy
	}
	return nil
}

// namedPolicy refuses a policy without a name for a keyed request: its
// identity could not be part of the fingerprint, and a key reused with
// another such policy would replay a result it did not plan.
func namedPolicy(p allocate.Policy) error {
	if p == nil {
		return nil
	}
	if name := allocate.NameOf(p); name == "custom" || strings.Contains(name, "(custom)") {
		return fail(ErrInvalidRequest, "a policy used with an idempotency key needs a name: implement allocate.Named")
	}
	return nil
}

// applyIDs lists the documents an apply request names.
func applyIDs(req ApplyRequest) []string {
	ids := make([]string, 0, 2*len(req.Pairs)+len(req.Debits)+len(req.Credits))
	for _, pr := range req.Pairs {
		ids = append(ids, pr.Credit, pr.Debit)
	}
	ids = append(ids, req.Debits...)
	return append(ids, req.Credits...)
}

func loadApply(t *txn, req ApplyRequest) error {
	q := Query{Accounts: nonEmpty(req.Account), Documents: applyIDs(req)}
	// Named debits paid from the account's credit need its open credits
	// only; with no debits named, every open document.
	creditsOnly := len(req.Pairs) == 0 && len(req.Debits) > 0 && len(req.Credits) == 0 && req.Account != ""
	if inWindows(req) {
		creditsOnly = true // the debits are read a window at a time
	} else if len(req.Pairs) == 0 && len(req.Debits) == 0 {
		q.OpenOf = nonEmpty(req.Account)
	}
	// The applications of the debits named show the pairs already applied
	// (a debit has few; a large payment may have thousands); with no debit
	// named, those of the credits named.
	q.ApplicationsOf = req.Debits
	if len(req.Debits) == 0 {
		q.ApplicationsOf = req.Credits
	}
	for _, pr := range req.Pairs {
		q.ApplicationsOf = append(q.ApplicationsOf, pr.Debit)
	}
	if err := t.loadDocs(q); err != nil {
		return err
	}
	if _, ok := t.accounts[req.Account]; creditsOnly && ok {
		return t.loadOpenCredits(req.Account)
	}
	return nil
}

// authorizeApply resolves every document named and asks for the base
// action (link for explicit pairs, apply for a planned request) on every
// account involved, and for ActApplyOtherCredit on each debit's account
// when a credit of another account may pay it (iMIS: Orders: 4).
func authorizeApply(t *txn, req ApplyRequest) error {
	base := ActApply
	if len(req.Pairs) > 0 {
		base = ActLink
	}
	var accts []string
	for _, id := range applyIDs(req) {
		d, err := t.seeDoc(base, id)
		if err != nil {
			return err
		}
		accts = append(accts, d.Account)
	}
	if req.Account != "" {
		if _, err := t.seeAccount(base, req.Account); err != nil {
			return err
		}
		accts = append(accts, req.Account)
	}
	slices.Sort(accts)
	accts = slices.Compact(accts)
	if len(accts) < 2 {
		return nil
	}
	// Credit of one account paying another's debit.
	debits, credits, err := t.applyDocs(req)
	if err != nil {
		return nil // compute reports it
	}
	for _, d := range debits {
		if slices.ContainsFunc(credits, func(c *invoice.Document) bool { return c.Account != d.Account }) {
			if err := t.allow(ActApplyOtherCredit, d.Account, func() error { return notFoundDoc(d.ID) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyDocs gathers the debits and credits of an apply request: the named
// ones, and the account's open ones where a side is not named.
func (t *txn) applyDocs(req ApplyRequest) (debits, credits []*invoice.Document, err error) {
	add := func(list []*invoice.Document, id string, debit bool) ([]*invoice.Document, error) {
		d := t.docs[id]
		if debit && !d.IsDebit() {
			return nil, docErr(id, fail(ErrWrongKind, "%q is a document of kind %s, not a debit", id, d.Kind))
		}
		if !debit && !d.IsCredit() {
			return nil, docErr(id, fail(ErrWrongKind, "%q is a document of kind %s, not a credit", id, d.Kind))
		}
		if slices.Contains(list, d) {
			return list, nil
		}
		return append(list, d), nil
	}
	// The documents named fit in one array, the debits then the credits;
	// the account's open ones, when added, grow a side of its own.
	nd, nc := len(req.Pairs)+len(req.Debits), len(req.Pairs)+len(req.Credits)
	if nd+nc > 0 {
		room := make([]*invoice.Document, 0, nd+nc)
		debits, credits = room[:0:nd], room[nd:nd]
	}
	for _, pr := range req.Pairs {
		if credits, err = add(credits, pr.Credit, false); err != nil {
			return nil, nil, err
		}
		if debits, err = add(debits, pr.Debit, true); err != nil {
			return nil, nil, err
		}
	}
	for _, id := range req.Debits {
		if debits, err = add(debits, id, true); err != nil {
			return nil, nil, err
		}
	}
	for _, id := range req.Credits {
		if credits, err = add(credits, id, false); err != nil {
			return nil, nil, err
		}
	}
	if len(req.Pairs) == 0 && (len(req.Debits) == 0 || len(req.Credits) == 0) {
		for _, d := range t.openDocs(req.Account) {
			if d.IsDebit() && len(req.Debits) == 0 {
				debits = append(debits, d)
			}
			if d.IsCredit() && len(req.Credits) == 0 {
				credits = append(credits, d)
			}
		}
	}
	return debits, credits, nil
}

// inWindows reports whether req is planned a window of debits at a time:
// "use my credit" on every open debit of the account, by a policy that
// walks in issue order (allocate.WalksInIssueOrder).
func inWindows(req ApplyRequest) bool {
	return len(req.Pairs) == 0 && len(req.Debits) == 0 && len(req.Credits) == 0 && req.Account != "" &&
		allocate.WalksInIssueOrder(req.Policy)
}

// debitKinds are the kinds of document a credit pays.
var debitKinds = []invoice.Kind{invoice.Invoice, invoice.DebitMemo}

// applyInWindows reads firstWindow open debits, then twice as many as the
// window before, up to maxWindow: a credit that pays a few invoices reads a
// few, and one that pays thousands reads them in few round trips.
const (
	firstWindow = 16
	maxWindow   = 1024
)

// applyInWindows plans req from the account's open credits and its open
// debits read a page at a time, oldest first (allocate.PlanWindows), so
// that the cost follows the debits the credit pays, not those the account
// has. It reports false when nothing was planned: the caller then plans the
// whole request, to say why.
func (t *txn) applyInWindows(req ApplyRequest, commit bool) (ApplyResult, bool, error) {
	a := t.accounts[req.Account]
	if req.Cap.IsValid() && req.Cap.Currency() != a.Currency {
		return ApplyResult{}, false, fail(ErrCurrencyMismatch, "cap %s for %s documents", req.Cap, a.Currency)
	}
	var credits []*invoice.Document
	ar := allocate.Request{Cap: req.Cap, Partial: req.Partial, BillTo: req.BillTo, AsOf: t.now}
	for _, d := range t.openDocs(req.Account) {
		if d.IsCredit() {
			credits = append(credits, d)
			ar.Credits = append(ar.Credits, *d)
		}
	}
	f := DocumentFilter{Account: req.Account, OpenOnly: true, Kinds: debitKinds, Limit: firstWindow}
	ar.Credits = ownLabels(ar.Credits)
	plan, err := allocate.PlanWindows(req.Policy, ar, func() ([]invoice.Document, error) {
		page, err := t.l.store.Documents(t.ctx, t.ns, f)
		if err != nil || len(page) == 0 {
			return nil, err
		}
		f.After, f.Limit = page[len(page)-1].ID, min(2*f.Limit, maxWindow)
		for i := range page {
			if _, ok := t.docs[page[i].ID]; !ok {
				t.addDoc(&page[i])
			}
		}
		return ownLabels(page), nil
	})
	if err != nil {
		return ApplyResult{}, false, planned(err, false)
	}
	if len(plan.Lines) == 0 {
		return ApplyResult{}, false, nil
	}
	res := ApplyResult{Operation: t.opID, Available: t.available(credits), Plan: plan}
	if commit {
		if res.Applications, err = t.writePlan(plan, policyName(req.Policy, req.Partial), CreditApplied, req.Comment); err != nil {
			return ApplyResult{}, false, err
		}
	}
	return res, true, nil
}

// apply plans req and, when commit is set, writes the plan.
func (t *txn) apply(req ApplyRequest, commit bool) (ApplyResult, error) {
	if err := t.usable(req.Account); err != nil {
		return ApplyResult{}, err
	}
	if inWindows(req) {
		res, planned, err := t.applyInWindows(req, commit)
		if planned || err != nil {
			return res, err
		}
		// Nothing could be applied: plan the whole request, to say why.
		if err := t.load(Query{OpenOf: []string{req.Account}}); err != nil {
			return ApplyResult{}, err
		}
	}
	explicit := len(req.Pairs) > 0
	debits, credits, err := t.applyDocs(req)
	if err != nil {
		return ApplyResult{}, err
	}
	if err := t.refuseRecurring(req.Debits); err != nil {
		return ApplyResult{}, err
	}
	applied := t.appliedPairs(req, credits, explicit)
	res := ApplyResult{Operation: t.opID, Available: t.available(credits)}
	ar := allocate.Request{Cap: req.Cap, Partial: req.Partial, BillTo: req.BillTo, AsOf: t.now}
	if explicit {
		// Only the Ledger's own checks read them: copies the txn reuses.
		ar.Debits, ar.Credits = t.docCopies(debits, credits)
	} else {
		ar.Debits, ar.Credits = policyCopies(debits, credits)
	}
	if !explicit {
		// A pair in force stays as it is; its credit may still pay the
		// request's other debits.
		for _, c := range credits {
			for _, d := range debits {
				if applied[[2]string{c.ID, d.ID}] {
					res.Unchanged = append(res.Unchanged, Pair{Credit: c.ID, Debit: d.ID})
					ar.Skip = append(ar.Skip, allocate.SkipPair{Credit: c.ID, Debit: d.ID})
				}
			}
		}
	}
	if err := checkCap(req.Cap, ar.Debits); err != nil {
		return ApplyResult{}, err
	}
	var plan allocate.Plan
	if explicit {
		plan, res.Unchanged, err = t.pairPlan(req.Pairs, ar, applied)
	} else {
		plan, err = t.planWith(req.Policy, ar)
	}
	if err != nil {
		return ApplyResult{}, err
	}
	res.Plan = plan
	if len(plan.Lines) == 0 && !explicit {
		if res.Reason, err = nothingApplied(ar, len(res.Unchanged) > 0); err != nil {
			return ApplyResult{}, err
		}
	}
	if !commit || len(plan.Lines) == 0 {
		return res, nil
	}
	name := "explicit"
	if !explicit {
		name = policyName(req.Policy, req.Partial)
	}
	if res.Applications, err = t.writePlan(plan, name, CreditApplied, req.Comment); err != nil {
		return ApplyResult{}, err
	}
	return res, nil
}

// refuseRecurring refuses a recurring document named in the request (in
// the cart): it stops the whole request, as a named pair does (iMIS: open
// credits cannot be applied if a recurring transaction is in the cart);
// only an unnamed one, found among the account's open debits, is skipped.
func (t *txn) refuseRecurring(debits []string) error {
	for _, id := range debits {
		if t.docs[id].Recurring {
			return docErr(id, fail(ErrRecurring, "%q is recurring", id))
		}
	}
	return nil
}

// policyCopies returns the copies of debits and credits a policy is given,
// in one array (nil for a side with none).
func policyCopies(debits, credits []*invoice.Document) (ds, cs []invoice.Document) {
	docs := make([]invoice.Document, 0, len(debits)+len(credits))
	for _, d := range debits {
		docs = append(docs, *d)
	}
	for _, c := range credits {
		docs = append(docs, *c)
	}
	if len(debits) > 0 {
		ds = docs[:len(debits):len(debits)]
	}
	if len(credits) > 0 {
		cs = docs[len(debits):]
	}
	return ds, cs
}

// docCopies is policyCopies into t.copies, for requests that no policy
// sees: nothing of them is handed out of the operation.
func (t *txn) docCopies(debits, credits []*invoice.Document) (ds, cs []invoice.Document) {
	t.copies = t.copies[:0]
	for _, d := range debits {
		t.copies = append(t.copies, *d)
	}
	for _, c := range credits {
		t.copies = append(t.copies, *c)
	}
	if len(debits) > 0 {
		ds = t.copies[:len(debits):len(debits)]
	}
	if len(credits) > 0 {
		cs = t.copies[len(debits):len(t.copies):len(t.copies)]
	}
	return ds, cs
}

// appliedPairs are the (credit, debit) pairs already in force for the
// credits the request names (all of them for explicit pairs): such a pair
// stays as it is (iMIS: selecting it again changes nothing).
func (t *txn) appliedPairs(req ApplyRequest, credits []*invoice.Document, explicit bool) map[[2]string]bool {
	var applied map[[2]string]bool // made at the first pair: most requests have none
	for _, c := range credits {
		if !explicit && !slices.Contains(req.Credits, c.ID) {
			continue
		}
		for _, a := range t.active(c.ID) {
			if applied == nil {
				applied = map[[2]string]bool{}
			}
			applied[[2]string{a.Credit, a.Debit}] = true
		}
	}
	return applied
}

// pairPlan makes the plan of explicit pairs and validates it against ar. A
// pair already applied is left unchanged unless it names an amount, which
// adds to it. A pair with an amount may pay part of its debit; one without
// must pay the debit whole unless the request is Partial.
func (t *txn) pairPlan(pairs []Pair, ar allocate.Request, applied map[[2]string]bool) (allocate.Plan, []Pair, error) {
	var plan allocate.Plan
	var unchanged []Pair
	amounted := map[string]bool{} // debits some pair names an amount for
	for _, pr := range pairs {
		if applied[[2]string{pr.Credit, pr.Debit}] && !pr.Amount.IsValid() {
			unchanged = append(unchanged, Pair{Credit: pr.Credit, Debit: pr.Debit})
			continue
		}
		c, d := t.docs[pr.Credit], t.docs[pr.Debit]
		if c.Status == invoice.Closed || (c.Status == invoice.Open && !c.Open.IsPositive()) {
			return allocate.Plan{}, nil, docErr(c.ID, fail(ErrInsufficientCredit, "%q has no open credit left", c.ID))
		}
		amt := pr.Amount
		if amt.IsValid() {
			amounted[pr.Debit] = true
		} else {
			if !d.Open.IsPositive() || !c.Open.IsPositive() {
				// Nothing to move: say so without an amount the caller did
				// not give.
				return allocate.Plan{}, nil, docErr(pr.Credit, fail(ErrInvalidPlan, "nothing is open between %q (%s) and %q (%s)", c.ID, c.Status, d.ID, d.Status))
			}
			m, err := c.Open.Min(d.Open)
			if err != nil {
				return allocate.Plan{}, nil, docErr(pr.Credit, err)
			}
			amt = m
		}
		plan.Lines = append(plan.Lines, allocate.Line{Credit: pr.Credit, Debit: pr.Debit, Amount: amt, Reason: "explicit pair"})
	}
	full := !ar.Partial && len(amounted) > 0
	if full {
		ar.Partial = true // the cover of amounted debits is the caller's choice
	}
	if err := allocate.Validate(ar, plan); err != nil {
		return allocate.Plan{}, nil, planned(err, true)
	}
	if full {
		if err := t.covered(plan, amounted); err != nil {
			return allocate.Plan{}, nil, err
		}
	}
	return plan, unchanged, nil
}

// covered checks full cover for the debits of plan that no pair names an
// amount for: their lines add up to their open balance.
func (t *txn) covered(plan allocate.Plan, amounted map[string]bool) error {
	paid := map[string]money.Money{}
	for _, ln := range plan.Lines {
		if !amounted[ln.Debit] {
			paid[ln.Debit] = sum(paid[ln.Debit], ln.Amount)
		}
	}
	for _, ln := range plan.Lines {
		m, ok := paid[ln.Debit]
		if d := t.docs[ln.Debit]; ok && !m.Equal(d.Open) {
			return docErr(d.ID, fail(ErrNotCovered, "the credit pays %s of the %s %q owes, and the request does not allow partial cover", m, d.Open, d.ID))
		}
	}
	return nil
}

// nothingApplied says why a policy planned nothing for ar (unchanged: some
// pairs were held back as applied already), or, when an
// eligible credit could have paid part of an eligible debit but full cover
// is required, refuses with ErrNotCovered, as explicit pairs would.
func nothingApplied(ar allocate.Request, unchanged bool) (string, error) {
	var credit, debit bool
	for i := range ar.Credits {
		credit = credit || ar.CreditEligible(ar.Credits[i])
	}
	for i := range ar.Debits {
		debit = debit || ar.DebitEligible(ar.Debits[i])
	}
	switch {
	case !credit:
		return "no open credit", nil
	case !debit:
		return "no open debit", nil
	}
	if !ar.Partial {
		for _, c := range ar.Credits {
			for _, d := range ar.Debits {
				if ar.PairEligible(c, d) {
					return "", fail(ErrNotCovered, "no debit can be paid whole from the open credit, and the request does not allow partial cover")
				}
			}
		}
	}
	if unchanged {
		return "the credits named are applied to these debits already", nil
	}
	return "no credit may pay these debits", nil
}

// policyName is the name recorded on the applications a policy plans: a
// request that allows partial cover records it, as allocate.Partial does,
// so that a recalculation keeps the rule the plan was made under.
func policyName(p allocate.Policy, partial bool) string {
	name := allocate.NameOf(p)
	if partial && !strings.HasPrefix(name, "partial(") {
		name = "partial(" + name + ")"
	}
	return name
}

// planWith plans ar with pol, under the policy's own rules (Partial,
// BillToMatch) as allocate.Effective says, and validates the plan. Every
// plan a policy makes goes through it.
func (t *txn) planWith(pol allocate.Policy, ar allocate.Request) (allocate.Plan, error) {
	ar.Debits, ar.Credits = ownLabels(ar.Debits), ownLabels(ar.Credits)
	ar = allocate.Effective(pol, ar)
	plan, err := pol.Plan(ar)
	if err != nil {
		return allocate.Plan{}, err
	}
	if err := allocate.Validate(ar, plan); err != nil {
		return allocate.Plan{}, planned(err, false)
	}
	return plan, nil
}

// ownLabels returns docs, or a copy of it whose labels are copies when any
// document has labels: a policy reads the labels of its request, and must
// not change them, but a policy that did would otherwise change the
// labels of the documents the operation writes.
func ownLabels(docs []invoice.Document) []invoice.Document {
	for i := range docs {
		if docs[i].Labels == nil {
			continue
		}
		out := slices.Clone(docs)
		for j := i; j < len(out); j++ {
			out[j].Labels = invoice.CloneLabels(out[j].Labels)
		}
		return out
	}
	return docs
}

// planned classifies a plan that Validate refused; see planSentinel.
func planned(err error, explicit bool) error {
	var pe *allocate.PlanError
	if !errors.As(err, &pe) {
		return err
	}
	return &wrapped{sentinel: planSentinel(pe, explicit), cause: err}
}

// available is the open credit of the credits an apply could draw on, in
// their account's currency (a foreign credit at its functional open
// balance).
func (t *txn) available(all []*invoice.Document) money.Money {
	var open money.Money
	for _, c := range all {
		if c.IsCredit() && c.Status == invoice.Open {
			open = sum(open, c.OpenValue())
		}
	}
	return open
}

// checkCap refuses a cap in another currency than the debits'.
func checkCap(cap money.Money, debits []invoice.Document) error {
	if !cap.IsValid() {
		return nil
	}
	for _, d := range debits {
		if d.Status == invoice.Open && d.Open.Currency() != cap.Currency() {
			return fail(ErrCurrencyMismatch, "cap %s for %s documents", cap, d.Open.Currency())
		}
	}
	return nil
}

// writePlan writes the plan's applications, recorded as op (one entry per
// account they touch).
func (t *txn) writePlan(plan allocate.Plan, policy string, op EntryKind, comment string) ([]Application, error) {
	for _, ln := range plan.Lines {
		// No credit of an account on hold is used.
		if c, ok := t.docs[ln.Credit]; ok {
			if err := t.usable(c.Account); err != nil {
				return nil, err
			}
		}
	}
	apps, err := t.linkPlan(plan, policy)
	if err != nil {
		return nil, err
	}
	return apps, t.recordPerAccount(apps, op, comment, "")
}

// linkPlan writes the plan's applications, made by policy.
func (t *txn) linkPlan(plan allocate.Plan, policy string) ([]Application, error) {
	apps := make([]Application, 0, len(plan.Lines))
	// Room for every line at once: a slice grown by append copies itself
	// again and again, and at 100,000 lines those copies are most of the
	// cost (they no longer fit in a cache).
	t.newApps = slices.Grow(t.newApps, len(plan.Lines))
	t.appOrder = slices.Grow(t.appOrder, len(plan.Lines))
	for _, ln := range plan.Lines {
		app, err := t.link(ln.Credit, ln.Debit, ln.Amount, policy)
		if err != nil {
			return nil, err
		}
		apps = append(apps, app)
	}
	return apps, nil
}

// recordPerAccount writes one entry of op per account that apps touch, for
// the total they moved on it.
func (t *txn) recordPerAccount(apps []Application, op EntryKind, comment, ref string) error {
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
	for _, a := range apps {
		// In each account's currency: what left the credit when the debit
		// is another account's, and what left the debit (Application.Value).
		if a.DebitAccount == a.CreditAccount {
			add(a.CreditAccount, a.Value())
			continue
		}
		add(a.CreditAccount, a.CreditValue())
		add(a.DebitAccount, a.Value())
	}
	for _, acct := range order {
		if err := t.record(acct, note{Kind: op, Amount: totals[acct], Comment: comment, Reference: ref}); err != nil {
			return err
		}
	}
	return nil
}
