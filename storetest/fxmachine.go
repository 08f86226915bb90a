package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"pgregory.net/rapid"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// The state machine of foreign documents: accounts in USD, JPY (no minor
// units) and KWD (three) hold debits and credits in the other currencies at
// random rates, zero, negative, absurd and over-long ones included; random
// applications and unapplications of random amounts run against a model,
// and after every step: each document's balances in both currencies are
// the model's, what left each one's functional balance is what its active
// applications say, the realized differences of each pair sum to the
// functional value settled from the credit less the one settled from the
// debit, a settled document keeps nothing in either currency, and every
// invariant of checkState and Verify holds.

// fxCurrencies are the document currencies, EUR the most often, so that
// credits and debits meet.
var fxCurrencies = []string{"USD", "EUR", "EUR", "EUR", "JPY", "KWD"}

// fxDoc is the model of one foreign document.
type fxDoc struct {
	id, account             string
	credit                  bool
	rate                    money.Rate
	amount, open            money.Money // in the document's currency
	functional, functional_ money.Money // amount and open in the account's
	removed                 money.Money // functional value taken by refunds, voids, reversals
	status                  invoice.Status
}

// fxApp is the model of one application: the shares it took.
type fxApp struct {
	id, credit, debit string
	amount, cv, dv    money.Money
	active            bool
}

type fxMachine struct {
	f        *fixture
	accounts map[string]money.Currency
	acctIDs  []string
	docs     map[string]*fxDoc
	docIDs   []string
	apps     map[string]*fxApp
	appIDs   []string
	issued   int // documents asked for, for their ids
	// revalued are revaluations of the namespace made at the moment of
	// the read, asked again as of that moment later (fxrevalue.go).
	revalued []credit.Revaluation
}

func runFXMachine(t tb, e *env) {
	opts := e.opts
	if opts.Steps == 0 {
		// Longer runs than the main machine's: a rounding remainder shows
		// only after a few partial applications of one pair.
		opts.Steps = 80
	}
	defer withRapid(opts)()
	rapid.Check(t, func(rt *rapid.T) {
		mc := &fxMachine{f: newFixture(rt, e), accounts: map[string]money.Currency{}, docs: map[string]*fxDoc{}, apps: map[string]*fxApp{}}
		for _, code := range []string{"USD", "JPY", "KWD"} {
			id := "fx-" + strings.ToLower(code)
			cur := money.MustCurrency(code)
			_, err := mc.f.l.OpenAccount(mc.f.ctx, mc.f.p, mc.f.key(), credit.OpenAccountRequest{ID: id, Currency: cur, Kind: credit.Term})
			mc.f.must("OpenAccount "+id, err)
			mc.f.opened = append(mc.f.opened, id)
			mc.accounts[id] = cur
			mc.acctIDs = append(mc.acctIDs, id)
			// Its twin takes the documents of absurd rates, whose
			// functional amounts the kit's int64 sums cannot hold.
			_, err = mc.f.l.OpenAccount(mc.f.ctx, mc.f.p, mc.f.key(), credit.OpenAccountRequest{ID: id + "-big", Currency: cur, Kind: credit.Term})
			mc.f.must("OpenAccount "+id+"-big", err)
		}
		rt.Repeat(map[string]func(*rapid.T){
			"":          mc.check,
			"Issue":     mc.issue,
			"BadRate":   mc.badRate,
			"Apply3":    mc.apply,
			"Apply":     mc.apply,
			"Mismatch":  mc.mismatch,
			"Unapply":   mc.unapply,
			"Unapply2":  mc.unapply,
			"ApplyMore": mc.apply,
			"Issue2":    mc.issue,
			"Refund":    mc.refund,
			"Void":      mc.void,
			"Reverse":   mc.reverse,
			"Revalue":   mc.revalue,
		})
	})
}

// drawRate draws a rate value: 1 to 12 significant digits with the point
// anywhere, now and then an absurd 20-digit one.
func drawRate(t *rapid.T) string {
	n := rapid.IntRange(1, 12).Draw(t, "rate digits")
	if rapid.IntRange(0, 15).Draw(t, "absurd") == 0 {
		n = money.MaxRateDigits
	}
	digits := "123456789"[rapid.IntRange(0, 8).Draw(t, "lead"):][:1] +
		rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), n-1, n-1, -1).Draw(t, "rate")
	dot := rapid.IntRange(0, len(digits)-1).Draw(t, "dot")
	if dot == 0 {
		return digits
	}
	if rapid.Bool().Draw(t, "below one") {
		return "0." + strings.Repeat("0", dot-1) + digits
	}
	return digits[:dot] + "." + digits[dot:]
}

func fxMoney(t *rapid.T, cur money.Currency, max int64, label string) money.Money {
	m, err := money.FromMinor(cur, rapid.Int64Range(1, max).Draw(t, label))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (mc *fxMachine) issue(t *rapid.T) {
	acct := rapid.SampledFrom(mc.acctIDs).Draw(t, "account")
	fn := mc.accounts[acct]
	code := rapid.SampledFrom(fxCurrencies).Filter(func(c string) bool { return c != fn.Code() }).Draw(t, "currency")
	cur := money.MustCurrency(code)
	amount := fxMoney(t, cur, 100_000, "amount")
	rate, err := money.NewRate(cur, fn, drawRate(t))
	if err != nil {
		t.Skip("a rate money refuses: " + err.Error())
	}
	isCredit := rapid.Bool().Draw(t, "credit")
	mc.issued++
	id := fmt.Sprintf("fx%d", mc.issued)
	conv, cerr := rate.Convert(amount)
	call := func(key string) (invoice.Document, error) {
		if isCredit {
			r, err := mc.f.l.IssueCredit(mc.f.ctx, mc.f.p, key, credit.CreditRequest{Account: acct, ID: id, Amount: amount, Rate: rate})
			return r.Document, err
		}
		r, err := mc.f.l.IssueDebit(mc.f.ctx, mc.f.p, key, credit.DebitRequest{Account: acct, ID: id, Amount: amount, Rate: rate})
		return r.Document, err
	}
	if cerr != nil || !conv.To.IsPositive() {
		before := mc.f.read(mc.acctIDs)
		if _, err := call(mc.f.key()); !errors.Is(err, credit.ErrInvalidAmount) {
			t.Fatalf("issue %s at %s: got %v, want ErrInvalidAmount (converts to %s, %v)", amount, rate, err, conv.To, cerr)
		}
		mc.f.unchanged("a refused issue", mc.acctIDs, before)
		return
	}
	if huge, _ := conv.To.Cmp(hugeFunctional(fn)); huge > 0 {
		acct += "-big"
		before := mc.f.read([]string{acct})
		d, err := call(mc.f.key())
		if err != nil {
			// Absurd amounts add up: once the account's sum would pass
			// money.MaxDigits, the issue is refused whole.
			a := before.Accounts[acct]
			sum := a.Debit
			if isCredit {
				sum = a.Credit
			}
			if _, over := sum.Add(conv.To); over == nil || !errors.Is(err, credit.ErrInvalidAmount) {
				t.Fatalf("issue %s at the absurd %s on %s: %v", amount, rate, acct, err)
			}
			mc.f.unchanged("an issue past the account's digits", []string{acct}, before)
			return
		}
		if !d.Functional.Equal(conv.To) {
			t.Fatalf("issue %s at the absurd %s: %+v", amount, rate, d)
		}
		if err := mc.f.l.Verify(mc.f.ctx, mc.f.p, acct); err != nil {
			t.Fatalf("Verify(%s): %v", acct, err)
		}
		return
	}
	d, err := call(mc.f.key())
	if err != nil {
		t.Fatalf("issue %s at %s: %v", amount, rate, err)
	}
	if !d.Functional.Equal(conv.To) || !d.FunctionalOpen.Equal(conv.To) || !d.Rate.Equal(rate) || !d.Open.Equal(amount) {
		t.Fatalf("issued %+v, want %s at %s = %s", d, amount, rate, conv.To)
	}
	mc.docs[id] = &fxDoc{id: id, account: acct, credit: isCredit, rate: rate, amount: amount, open: amount, functional: conv.To,
		functional_: conv.To, removed: money.Zero(fn), status: invoice.Open}
	mc.docIDs = append(mc.docIDs, id)
}

// badRate: a zero, negative, over-long or malformed rate never becomes a
// money.Rate, and a rate between the wrong currencies is refused by the
// Ledger with ErrCurrencyMismatch, writing nothing.
func (mc *fxMachine) badRate(t *rapid.T) {
	bad := rapid.SampledFrom([]string{"0", "0.000", "-1.10", "1.123456789012345678901", "1e3", "NaN", "Inf", "1,10", ""}).Draw(t, "bad rate")
	if _, err := money.NewRate(money.MustCurrency("EUR"), usd, bad); !errors.Is(err, money.ErrInvalidRate) {
		t.Fatalf("rate %q: got %v, want ErrInvalidRate", bad, err)
	}
	before := mc.f.read(mc.acctIDs)
	wrong := money.MustParseRate("EUR/GBP 0.85")
	_, err := mc.f.l.IssueDebit(mc.f.ctx, mc.f.p, mc.f.key(), credit.DebitRequest{Account: "fx-usd", Amount: money.MustParse("EUR 10.00"), Rate: wrong})
	if !errors.Is(err, credit.ErrCurrencyMismatch) {
		t.Fatalf("EUR on a USD account at %s: got %v", wrong, err)
	}
	mc.f.unchanged("a refused rate", mc.acctIDs, before)
}

// hugeFunctional is the largest functional amount a document of the
// checked accounts may have: 10¹² major units.
func hugeFunctional(cur money.Currency) money.Money {
	return money.MustParse(cur.Code() + " 1000000000000")
}

// share is the model's rule for what leaves a document with amount.
func (d *fxDoc) share(t *rapid.T, amount money.Money) money.Money {
	if amount.Equal(d.open) {
		return d.functional_
	}
	c, err := d.rate.Convert(amount)
	if err != nil {
		t.Fatalf("converting %s at %s: %v", amount, d.rate, err)
	}
	s, _ := c.To.Min(d.functional_)
	return s
}

func (mc *fxMachine) openDocs(ok func(*fxDoc) bool) []string {
	var ids []string
	for _, id := range mc.docIDs {
		if d := mc.docs[id]; d.open.IsPositive() && ok(d) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (mc *fxMachine) apply(t *rapid.T) {
	credits := mc.openDocs(func(d *fxDoc) bool { return d.credit })
	if len(credits) == 0 {
		t.Skip("no open credit")
	}
	c := mc.docs[rapid.SampledFrom(credits).Draw(t, "credit")]
	debits := mc.openDocs(func(d *fxDoc) bool {
		return !d.credit && d.account == c.account && d.amount.Currency() == c.amount.Currency()
	})
	if len(debits) == 0 {
		t.Skip("no debit for the credit")
	}
	d := mc.docs[rapid.SampledFrom(debits).Draw(t, "debit")]
	most, _ := c.open.Min(d.open)
	amount := most
	if n, _ := most.Minor(); n > 1 && rapid.Bool().Draw(t, "partial") {
		amount, _ = money.FromMinor(most.Currency(), rapid.Int64Range(1, n).Draw(t, "amount"))
	}
	cv, dv := c.share(t, amount), d.share(t, amount)
	r, err := mc.f.l.Apply(mc.f.ctx, mc.f.p, mc.f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: c.id, Debit: d.id, Amount: amount}}})
	if err != nil {
		t.Fatalf("apply %s of %s to %s: %v", amount, c.id, d.id, err)
	}
	if len(r.Applications) != 1 {
		t.Fatalf("apply %s of %s to %s wrote %+v", amount, c.id, d.id, r.Applications)
	}
	a := r.Applications[0]
	diff, _ := cv.Sub(dv)
	if !a.Amount.Equal(amount) || !a.DebitValue.Equal(dv) || !a.Difference.Equal(diff) || !a.CreditValue().Equal(cv) {
		t.Fatalf("application %+v, the model says %s, debit %s, credit %s", a, amount, dv, cv)
	}
	c.open, _ = c.open.Sub(amount)
	d.open, _ = d.open.Sub(amount)
	c.functional_, _ = c.functional_.Sub(cv)
	d.functional_, _ = d.functional_.Sub(dv)
	if c.open.IsZero() {
		c.status = invoice.Closed
	}
	if d.open.IsZero() {
		d.status = invoice.Paid
	}
	mc.apps[a.ID] = &fxApp{id: a.ID, credit: c.id, debit: d.id, amount: amount, cv: cv, dv: dv, active: true}
	mc.appIDs = append(mc.appIDs, a.ID)
}

// mismatch: a credit and a debit of one account in different currencies
// are refused with ErrCurrencyMismatch, and nothing changes.
func (mc *fxMachine) mismatch(t *rapid.T) {
	credits := mc.openDocs(func(d *fxDoc) bool { return d.credit })
	if len(credits) == 0 {
		t.Skip("no open credit")
	}
	c := mc.docs[rapid.SampledFrom(credits).Draw(t, "credit")]
	debits := mc.openDocs(func(d *fxDoc) bool {
		return !d.credit && d.account == c.account && d.amount.Currency() != c.amount.Currency()
	})
	if len(debits) == 0 {
		t.Skip("no debit in another currency")
	}
	d := mc.docs[rapid.SampledFrom(debits).Draw(t, "debit")]
	before := mc.f.read(mc.acctIDs)
	_, err := mc.f.l.Apply(mc.f.ctx, mc.f.p, mc.f.key(), credit.ApplyRequest{Pairs: []credit.Pair{{Credit: c.id, Debit: d.id}}})
	if !errors.Is(err, credit.ErrCurrencyMismatch) {
		t.Fatalf("apply %s (%s) to %s (%s): got %v, want ErrCurrencyMismatch", c.id, c.amount.Currency(), d.id, d.amount.Currency(), err)
	}
	mc.f.unchanged("a refused match", mc.acctIDs, before)
}

func (mc *fxMachine) unapply(t *rapid.T) {
	var active []string
	for _, id := range mc.appIDs {
		if mc.apps[id].active {
			active = append(active, id)
		}
	}
	if len(active) == 0 {
		t.Skip("no active application")
	}
	a := mc.apps[rapid.SampledFrom(active).Draw(t, "application")]
	r, err := mc.f.l.Unapply(mc.f.ctx, mc.f.p, mc.f.key(), credit.UnapplyRequest{Application: a.id})
	if err != nil {
		t.Fatalf("unapply %s: %v", a.id, err)
	}
	if len(r.Reversals) != 1 || !r.Reversals[0].DebitValue.Equal(a.dv) || !r.Reversals[0].CreditValue().Equal(a.cv) {
		t.Fatalf("unapply %s: %+v, the model says debit %s, credit %s", a.id, r.Reversals, a.dv, a.cv)
	}
	mc.unlink(a)
}

// unlink gives an application's shares back to its documents in the model.
func (mc *fxMachine) unlink(a *fxApp) {
	c, d := mc.docs[a.credit], mc.docs[a.debit]
	c.open, _ = c.open.Add(a.amount)
	d.open, _ = d.open.Add(a.amount)
	c.functional_, _ = c.functional_.Add(a.cv)
	d.functional_, _ = d.functional_.Add(a.dv)
	c.status, d.status = invoice.Open, invoice.Open
	a.active = false
}

// remove takes amount of d's open balance away in the model, for a reason
// other than an application, ending in end when nothing is left.
func (mc *fxMachine) remove(t *rapid.T, d *fxDoc, amount money.Money, end invoice.Status) {
	if !amount.IsPositive() {
		d.status = end
		return
	}
	share := d.share(t, amount)
	d.open, _ = d.open.Sub(amount)
	d.functional_, _ = d.functional_.Sub(share)
	d.removed, _ = d.removed.Add(share)
	if d.open.IsZero() {
		d.status = end
	}
}

// reverseActive reverses the active applications of doc in the model, and
// checks them against the reversals the Ledger wrote.
func (mc *fxMachine) reverseActive(t *rapid.T, doc string, reversals []credit.Application) {
	n := 0
	for _, id := range mc.appIDs {
		if a := mc.apps[id]; a.active && (a.credit == doc || a.debit == doc) {
			n++
		}
	}
	if len(reversals) != n {
		t.Fatalf("%s: %d reversals, the model has %d active applications", doc, len(reversals), n)
	}
	for _, r := range reversals {
		a := mc.apps[r.Reverses]
		if a == nil || !a.active || !r.DebitValue.Equal(a.dv) || !r.CreditValue().Equal(a.cv) {
			t.Fatalf("%s: reversal %+v, the model has %+v", doc, r, a)
		}
		mc.unlink(a)
	}
}

// refund pays part or all of an open foreign credit back: its share at the
// booked rate leaves it, the last part all that is left.
func (mc *fxMachine) refund(t *rapid.T) {
	ids := mc.openDocs(func(d *fxDoc) bool { return d.credit })
	if len(ids) == 0 {
		t.Skip("no open credit")
	}
	c := mc.docs[rapid.SampledFrom(ids).Draw(t, "credit")]
	amount := c.open
	if n, _ := c.open.Minor(); n > 1 && rapid.Bool().Draw(t, "partial") {
		amount, _ = money.FromMinor(c.open.Currency(), rapid.Int64Range(1, n).Draw(t, "amount"))
	}
	r, err := mc.f.l.Refund(mc.f.ctx, mc.f.p, mc.f.key(), credit.RefundRequest{Credit: c.id, Amount: amount})
	if err != nil {
		t.Fatalf("refund %s of %s: %v", amount, c.id, err)
	}
	mc.remove(t, c, amount, invoice.Refunded)
	if !r.Document.FunctionalOpen.Equal(c.functional_) || r.Document.Status != c.status {
		t.Fatalf("refund %s of %s: %+v, the model says %s %s", amount, c.id, r.Document, c.functional_, c.status)
	}
}

// void voids a foreign debit: its applications are reversed, then all of
// it is removed.
func (mc *fxMachine) void(t *rapid.T) {
	var ids []string
	for _, id := range mc.docIDs {
		if d := mc.docs[id]; !d.credit && d.status != invoice.Void {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Skip("no debit to void")
	}
	d := mc.docs[rapid.SampledFrom(ids).Draw(t, "debit")]
	r, err := mc.f.l.Void(mc.f.ctx, mc.f.p, mc.f.key(), credit.VoidRequest{Debit: d.id})
	if err != nil {
		t.Fatalf("void %s: %v", d.id, err)
	}
	mc.reverseActive(t, d.id, r.Reversals)
	mc.remove(t, d, d.open, invoice.Void)
}

// reverse charges a foreign payment back: its applications are reversed,
// then its open balance is removed.
func (mc *fxMachine) reverse(t *rapid.T) {
	var ids []string
	for _, id := range mc.docIDs {
		if d := mc.docs[id]; d.credit && d.status != invoice.Reversed && d.status != invoice.Refunded {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Skip("no payment to reverse")
	}
	c := mc.docs[rapid.SampledFrom(ids).Draw(t, "payment")]
	active := false
	for _, a := range mc.apps {
		active = active || (a.active && a.credit == c.id)
	}
	if !active && c.open.IsZero() {
		t.Skip("nothing to reverse")
	}
	r, err := mc.f.l.ReversePayment(mc.f.ctx, mc.f.p, mc.f.key(), credit.ReverseRequest{Payment: c.id, ChargeBack: true})
	if err != nil {
		t.Fatalf("reverse %s: %v", c.id, err)
	}
	mc.reverseActive(t, c.id, r.Reversals)
	mc.remove(t, c, c.open, invoice.Reversed)
}

func (mc *fxMachine) check(t *rapid.T) {
	st := mc.f.read(mc.acctIDs)
	if p := checkState(st); len(p) > 0 {
		t.Fatalf("invariants broken:\n%s", join(p))
	}
	// What left each document, by its active applications in the model.
	settled := map[string]money.Money{}
	type pair struct{ credit, debit string }
	differences, fromCredit, fromDebit := map[pair]money.Money{}, map[pair]money.Money{}, map[pair]money.Money{}
	add := func(m map[string]money.Money, k string, v money.Money) {
		if s, ok := m[k]; ok {
			m[k], _ = s.Add(v)
			return
		}
		m[k] = v
	}
	addP := func(m map[pair]money.Money, k pair, v money.Money) {
		if s, ok := m[k]; ok {
			m[k], _ = s.Add(v)
			return
		}
		m[k] = v
	}
	for _, id := range mc.appIDs {
		a := mc.apps[id]
		if !a.active {
			continue
		}
		add(settled, a.credit, a.cv)
		add(settled, a.debit, a.dv)
		k := pair{a.credit, a.debit}
		addP(fromCredit, k, a.cv)
		addP(fromDebit, k, a.dv)
	}
	// The realized differences the store holds, per pair, net of reversals.
	for _, list := range st.Applications {
		for _, a := range list {
			if _, ours := mc.apps[a.ID]; !ours && a.Reverses == "" {
				t.Fatalf("application %s is not in the model", a.ID)
			}
		}
	}
	seen := map[string]bool{}
	for _, list := range st.Applications {
		for _, a := range list {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			diff := a.Difference
			if a.Reverses != "" {
				diff = diff.Neg()
			}
			addP(differences, pair{a.Credit, a.Debit}, diff)
		}
	}
	for k, diff := range differences {
		want := money.Zero(diff.Currency())
		if cv, ok := fromCredit[k]; ok {
			want, _ = cv.Sub(fromDebit[k])
		}
		if !diff.Equal(want) {
			t.Fatalf("pair %s → %s: realized differences sum to %s, the functional values settled say %s", k.credit, k.debit, diff, want)
		}
	}
	for _, id := range mc.docIDs {
		m := mc.docs[id]
		d, ok := st.Documents[id]
		if !ok {
			t.Fatalf("document %s is missing", id)
		}
		if !d.Open.Equal(m.open) || !d.FunctionalOpen.Equal(m.functional_) {
			t.Fatalf("document %s: open %s / %s, the model says %s / %s", id, d.Open, d.FunctionalOpen, m.open, m.functional_)
		}
		left, _ := d.Functional.Sub(d.FunctionalOpen)
		want := m.removed
		if s, ok := settled[id]; ok {
			want, _ = s.Add(m.removed)
		}
		if d.Status != m.status {
			t.Fatalf("document %s is %s, the model says %s", id, d.Status, m.status)
		}
		if !left.Equal(want) {
			t.Fatalf("document %s: %s left its functional balance, its active applications say %s", id, left, want)
		}
		if d.Open.IsZero() && (!d.FunctionalOpen.IsZero() || d.Status == invoice.Open) {
			t.Fatalf("document %s settled with %s left, status %s", id, d.FunctionalOpen, d.Status)
		}
	}
	if slices.ContainsFunc(mc.acctIDs, func(id string) bool {
		return mc.f.l.Verify(mc.f.ctx, mc.f.p, id) != nil
	}) {
		mc.f.verify()
		t.Fatalf("a history does not verify")
	}
}
