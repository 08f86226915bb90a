package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// fuzzBytes hands out the fuzzer's bytes as choices; once they run out
// every choice is the first.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) byte() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *fuzzBytes) n(k int) int       { return int(f.byte()) % k }
func (f *fuzzBytes) bool() bool        { return f.byte()&1 == 1 }
func (f *fuzzBytes) done() bool        { return len(f.b) == 0 }
func (f *fuzzBytes) chance(k int) bool { return f.n(k) == 0 }

// raw returns up to max of the fuzzer's bytes as a string, any bytes at all.
func (f *fuzzBytes) raw(max int) string {
	l := min(f.n(max+1), len(f.b))
	s := string(f.b[:l])
	f.b = f.b[l:]
	return s
}

// fuzzAmounts are amount texts the fuzzer picks from, besides its own bytes.
var fuzzAmounts = []string{"0", "1", "0.5", "0.01", "10", "12.345", "30", "50", "-1", "-0", "100", "1000.00",
	"0.001", "1.0001", "9999999999999999999999.99", "5000000000000000000000", "1e3", "NaN", "Inf", ""}

var fuzzCurrencies = []money.Currency{usd, jpy, bhd, eur}

// fuzzWorld is a small world for FuzzInput, and the pools of ids it picks
// from: the fixture's, and those of documents, applications and operations
// that earlier steps created.
type fuzzWorld struct {
	t        tb
	f, g     *fixture       // the namespace under attack, and another
	roles    *credit.Ledger // checks credit.DefaultRoles
	in       *fuzzBytes
	accounts []string
	docs     []string
	apps     []string
	ops      []string
}

func newFuzzWorld(t tb, e *env, data []byte) *fuzzWorld {
	t.Helper()
	f := newFixture(t, e)
	w := &fuzzWorld{t: t, f: f, g: f.elsewhere(), roles: f.ledger(credit.DefaultRoles(), soloAttempts), in: &fuzzBytes{data}}
	p, q := w.f.p, w.g.p
	res(w.f.l.OpenAccount(w.f.ctx, p, w.f.key(), credit.OpenAccountRequest{ID: "usd", Currency: usd, Limit: mon("USD 100"), Party: invoice.Party{Company: "A"}})).must(w.t)
	res(w.f.l.OpenAccount(w.f.ctx, p, w.f.key(), credit.OpenAccountRequest{ID: "pre", Currency: usd, Kind: credit.Prepaid, Party: invoice.Party{Person: "P"}})).must(w.t)
	res(w.f.l.OpenAccount(w.f.ctx, p, w.f.key(), credit.OpenAccountRequest{ID: "jpy", Currency: jpy})).must(w.t)
	res(w.f.l.OpenAccount(w.f.ctx, p, w.f.key(), credit.OpenAccountRequest{ID: "bhd", Currency: bhd, Limit: mon("BHD 10.000"), AllowExceed: true})).must(w.t)
	res(w.f.l.OpenAccount(w.f.ctx, q, w.f.key(), credit.OpenAccountRequest{ID: "usd", Currency: usd})).must(w.t)
	res(w.f.l.IssueDebit(w.f.ctx, p, w.f.key(), credit.DebitRequest{Account: "usd", ID: "i1", Amount: mon("USD 50")})).must(w.t)
	res(w.f.l.IssueDebit(w.f.ctx, p, w.f.key(), credit.DebitRequest{Account: "usd", ID: "r1", Amount: mon("USD 20"), Recurring: true})).must(w.t)
	res(w.f.l.IssueCredit(w.f.ctx, p, w.f.key(), credit.CreditRequest{Account: "usd", ID: "p1", Amount: mon("USD 30")})).must(w.t)
	res(w.f.l.IssueCredit(w.f.ctx, p, w.f.key(), credit.CreditRequest{Account: "usd", ID: "c1", Kind: invoice.CreditMemo, Amount: mon("USD 15"),
		Expires: epoch.Add(36 * time.Hour)})).must(w.t)
	res(w.f.l.IssueDebit(w.f.ctx, p, w.f.key(), credit.DebitRequest{Account: "jpy", ID: "ij", Amount: mon("JPY 1200")})).must(w.t)
	res(w.f.l.IssueCredit(w.f.ctx, p, w.f.key(), credit.CreditRequest{Account: "bhd", ID: "pb", Amount: mon("BHD 2.500")})).must(w.t)
	res(w.f.l.IssueCredit(w.f.ctx, q, w.f.key(), credit.CreditRequest{Account: "usd", ID: "fp", Amount: mon("USD 40")})).must(w.t)
	w.accounts = []string{"usd", "pre", "jpy", "bhd", "new", "nope"}
	w.docs = []string{"i1", "r1", "p1", "c1", "ij", "pb", "fp", "x1", "nope"}
	return w
}

func (w *fuzzWorld) pick(pool []string) string {
	if w.in.chance(8) {
		return w.in.raw(12)
	}
	if len(pool) == 0 {
		return ""
	}
	return pool[w.in.n(len(pool))]
}

func (w *fuzzWorld) account() string { return w.pick(w.accounts) }
func (w *fuzzWorld) doc() string     { return w.pick(w.docs) }

// amount is money.New of a picked currency and text, or the zero Money
// when that does not parse (as a caller that ignored the error would send).
func (w *fuzzWorld) amount() money.Money {
	cur := fuzzCurrencies[w.in.n(len(fuzzCurrencies))]
	text := ""
	if w.in.chance(4) {
		text = w.in.raw(30)
	} else {
		text = fuzzAmounts[w.in.n(len(fuzzAmounts))]
	}
	m, err := money.New(cur, text)
	if err != nil {
		return money.Money{}
	}
	return m
}

// maybeAmount is the zero Money half the time.
func (w *fuzzWorld) maybeAmount() money.Money {
	if w.in.bool() {
		return money.Money{}
	}
	return w.amount()
}

func (w *fuzzWorld) date() time.Time {
	switch w.in.n(4) {
	case 0:
		return time.Time{}
	case 1:
		return epoch.Add(time.Duration(w.in.n(96)-48) * time.Hour)
	case 2:
		return epoch.AddDate(w.in.n(20000)-10000, 0, 0)
	}
	return time.UnixMicro(int64(w.in.byte()) << 40)
}

func (w *fuzzWorld) rate() money.Rate {
	if w.in.bool() {
		return money.Rate{}
	}
	from, to := fuzzCurrencies[w.in.n(4)], fuzzCurrencies[w.in.n(4)]
	vals := []string{"1", "0.5", "1.0837", "150.25", "0.0001", "99999999999999999999", "0"}
	r, err := money.NewRate(from, to, vals[w.in.n(len(vals))])
	if err != nil {
		return money.Rate{}
	}
	return r
}

func (w *fuzzWorld) principal() (credit.Principal, *credit.Ledger) {
	switch w.in.n(10) {
	case 0:
		return w.g.p, w.f.l
	case 1:
		return credit.Principal{ID: "m", Namespace: w.f.ns, Roles: []string{credit.RoleMember}, Account: w.account()}, w.roles
	case 2:
		return credit.Principal{ID: "f", Namespace: w.f.ns, Roles: []string{credit.RoleFinance}}, w.roles
	}
	return w.f.p, w.f.l
}

// remember adds what a success created to the pools.
func (w *fuzzWorld) remember(docs []string, apps []credit.Application, ops ...string) {
	w.docs = append(w.docs, docs...)
	for _, a := range apps {
		w.apps = append(w.apps, a.ID)
	}
	for _, op := range ops {
		if op != "" {
			w.ops = append(w.ops, op)
		}
	}
}

// fuzzStep is one operation a fuzz input picked: its name, whether it is a
// read (which must write nothing even when it succeeds), and how to run it
// with a key.
type fuzzStep struct {
	name string
	read bool
	run  func(key string) error
}

// fuzzSteps make the operations an input picks from, by the byte that picks
// them; each draws its request from the input and runs it as p through l.
var fuzzSteps = [...]func(w *fuzzWorld, p credit.Principal, l *credit.Ledger) fuzzStep{
	0:  (*fuzzWorld).stepOpenAccount,
	1:  (*fuzzWorld).stepUpdateAccount,
	2:  (*fuzzWorld).stepIssueDebit,
	3:  (*fuzzWorld).stepPurchase,
	4:  (*fuzzWorld).stepIssueCredit,
	5:  (*fuzzWorld).stepReimburse,
	6:  (*fuzzWorld).stepEditReimbursement,
	7:  (*fuzzWorld).stepApply,
	8:  (*fuzzWorld).stepApply,
	9:  (*fuzzWorld).stepUnapply,
	10: (*fuzzWorld).stepAdjust,
	11: (*fuzzWorld).stepVoid,
	12: (*fuzzWorld).stepRefund,
	13: (*fuzzWorld).stepReversePayment,
	14: (*fuzzWorld).stepTransfer,
	15: (*fuzzWorld).stepConsolidate,
	16: (*fuzzWorld).stepExpire,
	17: (*fuzzWorld).stepAdvanceTheClock,
	18: (*fuzzWorld).stepMoveBalance,
	19: (*fuzzWorld).stepHoldAccount,
	20: (*fuzzWorld).stepReleaseHold,
	21: (*fuzzWorld).stepCloseAccount,
	22: (*fuzzWorld).stepWriteOff,
	23: (*fuzzWorld).stepReverseWriteOff,
	24: (*fuzzWorld).stepChargeBack,
	25: (*fuzzWorld).stepUndoChargeBack,
	26: (*fuzzWorld).stepRefundTakingBack,
	27: (*fuzzWorld).stepRead,
}

// step picks one operation, as one of the principals, and draws its request.
func (w *fuzzWorld) step() fuzzStep {
	p, l := w.principal()
	return fuzzSteps[w.in.n(len(fuzzSteps))](w, p, l)
}

func (w *fuzzWorld) stepOpenAccount(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.OpenAccountRequest{ID: w.account(), Currency: fuzzCurrencies[w.in.n(4)], Kind: credit.AccountKind(w.in.n(4)),
		Limit: w.maybeAmount(), AllowExceed: w.in.bool()}
	// The pool is read through the Store directly, which only ever
	// sees ids the Ledger accepts; PostgreSQL refuses any other text.
	if utf8.ValidString(req.ID) && !strings.ContainsRune(req.ID, 0) {
		w.accounts = append(w.accounts, req.ID)
	}
	return fuzzStep{"open account", false, func(key string) error { _, err := l.OpenAccount(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepUpdateAccount(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.UpdateAccountRequest{Account: w.account()}
	if w.in.bool() {
		m := w.amount()
		req.Limit = &m
	}
	if w.in.bool() {
		b := w.in.bool()
		req.AllowExceed = &b
	}
	if w.in.bool() {
		k := credit.AccountKind(w.in.n(4))
		req.Kind = &k
	}
	if w.in.bool() {
		c := fuzzCurrencies[w.in.n(4)]
		req.Currency, req.Rate = &c, w.rate()
	}
	return fuzzStep{"update account", false, func(key string) error { _, err := l.UpdateAccount(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepIssueDebit(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.DebitRequest{Account: w.account(), Kind: invoice.Kind(w.in.n(8)), ID: w.pick([]string{"", "", "x1", "i1"}),
		Amount: w.amount(), Issued: w.date(), Due: w.date(), Recurring: w.in.chance(4)}
	if w.in.chance(3) {
		req.Rate = w.rate() // a document held in a foreign currency, or a rate that does not fit
	}
	return fuzzStep{"issue debit", false, func(key string) error {
		r, err := l.IssueDebit(w.f.ctx, p, key, req)
		w.remember([]string{r.Document.ID}, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepPurchase(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.PurchaseRequest{Account: w.account(), Amount: w.amount(), Rate: w.rate(), Issued: w.date(), Due: w.date()}
	return fuzzStep{"purchase", false, func(key string) error {
		r, err := l.Purchase(w.f.ctx, p, key, req)
		w.remember([]string{r.Document.ID}, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepIssueCredit(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.CreditRequest{Account: w.account(), Kind: invoice.Kind(w.in.n(8)), ID: w.pick([]string{"", "", "x1", "p1"}),
		Amount: w.amount(), Issued: w.date(), Expires: w.date(), Reason: w.pick([]string{"", "goodwill"})}
	if w.in.chance(3) {
		req.Against = w.doc()
	}
	if w.in.chance(3) {
		req.Labels = map[string]string{w.in.raw(8): w.in.raw(8)}
	}
	if w.in.chance(4) {
		req.Rate = w.rate()
	}
	return fuzzStep{"issue credit", false, func(key string) error {
		r, err := l.IssueCredit(w.f.ctx, p, key, req)
		w.remember([]string{r.Document.ID}, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepReimburse(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ReimburseRequest{Account: w.account(), Amount: w.amount()}
	if w.in.bool() {
		req.Amount = req.Amount.Neg()
	}
	return fuzzStep{"reimburse", false, func(key string) error {
		r, err := l.Reimburse(w.f.ctx, p, key, req)
		w.remember([]string{r.Document.ID}, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepEditReimbursement(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.EditReimbursementRequest{Document: w.doc(), Amount: w.amount()}
	if w.in.bool() {
		req.Amount = req.Amount.Neg()
	}
	return fuzzStep{"edit reimbursement", false, func(key string) error {
		r, err := l.EditReimbursement(w.f.ctx, p, key, req)
		w.remember([]string{r.Document.ID}, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepApply(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ApplyRequest{Partial: w.in.bool(), BillTo: w.in.chance(4), Cap: w.maybeAmount()}
	if w.in.bool() {
		for i := 0; i <= w.in.n(3); i++ {
			req.Pairs = append(req.Pairs, credit.Pair{Credit: w.doc(), Debit: w.doc(), Amount: w.maybeAmount()})
		}
	} else {
		req.Account = w.account()
		for i := 0; i < w.in.n(3); i++ {
			req.Debits = append(req.Debits, w.doc())
		}
		for i := 0; i < w.in.n(3); i++ {
			req.Credits = append(req.Credits, w.doc())
		}
		if w.in.chance(4) {
			req.Policy = pairAll{}
		}
	}
	if w.in.chance(6) {
		req.WriteOffBelow = w.maybeAmount()
	}
	if w.in.chance(5) {
		return fuzzStep{"preview", true, func(string) error { _, err := l.Preview(w.f.ctx, p, req); return err }}
	}
	return fuzzStep{"apply", false, func(key string) error {
		r, err := l.Apply(w.f.ctx, p, key, req)
		w.remember(nil, append(r.Applications, r.WriteOffs...), r.Operation)
		return err
	}}
}

func (w *fuzzWorld) stepUnapply(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.UnapplyRequest{}
	if w.in.bool() {
		req.Application = w.pick(w.apps)
	} else {
		req.Operation = w.pick(w.ops)
		if w.in.bool() {
			req.Credit = w.doc()
		}
	}
	return fuzzStep{"unapply", false, func(key string) error {
		r, err := l.Unapply(w.f.ctx, p, key, req)
		w.remember(nil, append(r.Reversals, r.Applications...), r.Operation)
		return err
	}}
}

func (w *fuzzWorld) stepAdjust(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.AdjustRequest{Debit: w.doc(), Amount: w.amount()}
	return fuzzStep{"adjust", false, func(key string) error {
		r, err := l.Adjust(w.f.ctx, p, key, req)
		w.remember(nil, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepVoid(p credit.Principal, l *credit.Ledger) fuzzStep {
	id := w.doc()
	return fuzzStep{"void", false, func(key string) error {
		_, err := l.Void(w.f.ctx, p, key, credit.VoidRequest{Debit: id, Reason: "fuzz"})
		return err
	}}
}

func (w *fuzzWorld) stepRefund(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.RefundRequest{Credit: w.doc(), Amount: w.maybeAmount()}
	return fuzzStep{"refund", false, func(key string) error { _, err := l.Refund(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepReversePayment(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ReverseRequest{Payment: w.doc(), ChargeBack: w.in.bool()}
	return fuzzStep{"reverse payment", false, func(key string) error { _, err := l.ReversePayment(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepTransfer(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.TransferRequest{Credit: w.doc(), To: w.account(), Amount: w.maybeAmount()}
	return fuzzStep{"transfer", false, func(key string) error {
		r, err := l.Transfer(w.f.ctx, p, key, req)
		w.remember([]string{r.To.ID}, nil)
		return err
	}}
}

func (w *fuzzWorld) stepConsolidate(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ConsolidateRequest{Partial: w.in.bool(), BillTo: w.in.chance(4)}
	for i := 0; i <= w.in.n(4); i++ {
		req.Accounts = append(req.Accounts, w.account())
	}
	return fuzzStep{"consolidate", false, func(key string) error {
		r, err := l.Consolidate(w.f.ctx, p, key, req)
		for _, a := range r.Accounts {
			w.remember(nil, a.Applications)
		}
		w.remember(nil, nil, r.Operation)
		return err
	}}
}

func (w *fuzzWorld) stepExpire(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ExpireRequest{Account: w.account()}
	return fuzzStep{"expire", false, func(key string) error { _, err := l.Expire(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepAdvanceTheClock(p credit.Principal, l *credit.Ledger) fuzzStep {
	d := time.Duration(w.in.n(72)) * time.Hour
	return fuzzStep{"advance the clock", false, func(string) error { w.f.clock.advance(d); return nil }}
}

func (w *fuzzWorld) stepMoveBalance(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.MoveBalanceRequest{From: w.account(), To: w.account(), Amount: w.maybeAmount(), All: w.in.bool()}
	return fuzzStep{"move balance", false, func(key string) error {
		r, err := l.MoveBalance(w.f.ctx, p, key, req)
		for _, d := range r.To {
			w.remember([]string{d.ID}, nil)
		}
		return err
	}}
}

func (w *fuzzWorld) stepHoldAccount(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.HoldRequest{Account: w.account(), Reason: w.pick([]string{"", "overdue"})}
	return fuzzStep{"hold account", false, func(key string) error { _, err := l.HoldAccount(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepReleaseHold(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ReleaseRequest{Account: w.account(), Reason: w.pick([]string{"", "paid"})}
	return fuzzStep{"release hold", false, func(key string) error { _, err := l.ReleaseHold(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepCloseAccount(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.CloseRequest{Account: w.account(), Reason: w.pick([]string{"", "left"})}
	return fuzzStep{"close account", false, func(key string) error { _, err := l.CloseAccount(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepWriteOff(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.WriteOffRequest{Debit: w.doc(), Amount: w.maybeAmount(), All: w.in.chance(3), Reason: w.pick([]string{"", "bad debt"})}
	return fuzzStep{"write off", false, func(key string) error {
		r, err := l.WriteOff(w.f.ctx, p, key, req)
		w.remember([]string{r.WriteOff.ID}, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepReverseWriteOff(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ReverseWriteOffRequest{WriteOff: w.doc()}
	return fuzzStep{"reverse write-off", false, func(key string) error { _, err := l.ReverseWriteOff(w.f.ctx, p, key, req); return err }}
}

func (w *fuzzWorld) stepChargeBack(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.ChargeBackRequest{Payment: w.doc(), Amount: w.maybeAmount(), All: w.in.chance(3)}
	return fuzzStep{"charge back", false, func(key string) error {
		r, err := l.ChargeBack(w.f.ctx, p, key, req)
		w.remember([]string{r.ChargeBack.ID}, append(r.Reversals, r.Applications...))
		return err
	}}
}

func (w *fuzzWorld) stepUndoChargeBack(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.UndoChargeBackRequest{ChargeBack: w.doc(), Reapply: w.in.bool()}
	return fuzzStep{"undo charge back", false, func(key string) error {
		r, err := l.UndoChargeBack(w.f.ctx, p, key, req)
		w.remember(nil, r.Applications)
		return err
	}}
}

func (w *fuzzWorld) stepRefundTakingBack(p credit.Principal, l *credit.Ledger) fuzzStep {
	req := credit.RefundRequest{Credit: w.doc(), Amount: w.maybeAmount(), All: w.in.chance(3), TakeBack: true}
	return fuzzStep{"refund taking back", false, func(key string) error {
		r, err := l.Refund(w.f.ctx, p, key, req)
		w.remember(nil, append(r.Reversals, r.Applications...))
		return err
	}}
}

func (w *fuzzWorld) stepRead(p credit.Principal, l *credit.Ledger) fuzzStep {
	acct := w.account()
	return fuzzStep{"read", true, func(string) error {
		_, err := l.Balances(w.f.ctx, p, acct)
		if err == nil {
			_, err = l.History(w.f.ctx, p, credit.HistoryRequest{Account: acct})
		}
		if err == nil {
			err = l.Verify(w.f.ctx, p, acct)
		}
		return err
	}}
}

// FuzzInput runs the requests that data makes, as a fuzz target's input,
// through a Ledger over s, in two namespaces of its own, and fails t for
// anything the Ledger promises that does not hold. It is what the clause
// Ledger/FuzzSeeds runs on each of its seed inputs, for a fuzz target
// (go test -fuzz) that explores further; see the package documentation.
//
// The bytes pick up to 16 operations of every kind: ids from a small set
// plus garbage, amounts from picked or fuzzed text through money.New,
// currencies among USD, JPY, BHD and EUR, caps, dates, rates, principals of
// the other namespace and of every role, and replays of the previous key.
// Nothing may panic. A refusal must be an *credit.Error with a code that
// left both namespaces exactly as they were (and never ErrConflict, as
// nothing else writes); a success must leave every invariant true and
// every history verified; a replay or a read writes nothing.
func FuzzInput(t *testing.T, s credit.Store, data []byte) {
	t.Helper()
	runFuzzInput(t, &env{s: s, ctx: t.Context()}, data)
}

// FuzzSeeds returns the seed inputs of Ledger/FuzzSeeds, for a fuzz target
// to start from: a few made by hand, the rest random but always the same.
func FuzzSeeds() [][]byte {
	var seeds [][]byte
	for _, s := range []string{"", "\x07\x00\x00", "\x02\x00\x00\x00\x02\x03\x05", "\x08\x00\x01\x00\x00\x03\x06",
		"\x0b\x00\x00", "\x0d\x00\x01\x01", "\x11\x00\x30\x10\x00\x00"} {
		seeds = append(seeds, []byte(s))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 64; i++ {
		b := make([]byte, 64+rng.IntN(192))
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// ledgerFuzzSeeds runs the first Options.FuzzSeeds seed inputs (all by
// default), each in namespaces of its own; a failure names the seed.
func ledgerFuzzSeeds(t tb, e *env) {
	seeds := FuzzSeeds()
	if n := e.opts.FuzzSeeds; n > 0 && n < len(seeds) {
		seeds = seeds[:n]
	}
	for i, data := range seeds {
		runFuzzInput(named{tb: t, name: fmt.Sprintf("seed %d (%q)", i, data)}, e, data)
	}
}

// runFuzzInput runs the requests data makes on a fuzz world over the
// store and checks what FuzzInput promises.
func runFuzzInput(t tb, e *env, data []byte) {
	t.Helper()
	w := newFuzzWorld(t, e, data)
	w.checkAll()
	var lastKey string
	var last func(string) error
	for step := 0; step < 16 && !w.in.done(); step++ {
		key := w.f.key()
		var name string
		var read bool
		var run func(string) error
		if last != nil && w.in.chance(8) {
			name, read, run, key = "replay", true, last, lastKey
		} else {
			s := w.step()
			name, read, run = s.name, s.read, s.run
		}
		before := w.state(key)
		err := run(key)
		lastKey, last = key, run
		if err != nil {
			if msg := typed(err); msg != "" {
				t.Fatalf("step %d %s: %s", step, name, msg)
			}
			if errors.Is(err, credit.ErrConflict) {
				t.Fatalf("step %d %s: conflict with no concurrent writer: %v", step, name, err)
			}
		}
		if err != nil || read {
			if diff := cmp.Diff(before, w.state(key)); diff != "" {
				t.Fatalf("step %d %s (%v) changed the store (-before +after):\n%s", step, name, err, diff)
			}
			continue
		}
		w.checkAll()
		if t.Failed() {
			t.Fatalf("after step %d %s", step, name)
		}
	}
}

// checkAll checks every invariant of both namespaces and verifies their
// histories.
func (w *fuzzWorld) checkAll() {
	w.t.Helper()
	for _, x := range []*fixture{w.f, w.g} {
		x.opened = w.existing(x)
		if st := x.read(x.opened); fits(st) {
			if p := checkState(st); len(p) > 0 {
				w.t.Fatalf("invariants broken:\n%s", join(p))
			}
		}
		x.verify()
	}
}

// fuzzNS is what the fuzz world compares before and after a step that
// must write nothing, in one namespace: the state of its accounts through
// the Ledger, the pool's documents as Load finds them (in this namespace
// or not), the step's idempotency record, and the listed account ids.
type fuzzNS struct {
	State     state
	Documents map[string]invoice.Document
	Key       *credit.Idempotency
	IDs       []string
}

// existing returns the pool's accounts that exist in x's namespace.
func (w *fuzzWorld) existing(x *fixture) []string {
	w.t.Helper()
	snap := res(x.s.Load(x.ctx, credit.Query{Namespace: x.ns, Accounts: w.accounts})).must(w.t)
	return sortedKeys(snap.Accounts)
}

func (w *fuzzWorld) state(key string) [2]fuzzNS {
	w.t.Helper()
	var out [2]fuzzNS
	for i, x := range []*fixture{w.f, w.g} {
		out[i].State = x.read(w.existing(x))
		snap := res(x.s.Load(x.ctx, credit.Query{Namespace: x.ns, Documents: w.docs})).must(w.t)
		out[i].Documents = snap.Documents
		snap = res(x.s.Load(x.ctx, credit.Query{Namespace: x.ns, Idempotency: key})).must(w.t)
		out[i].Key = snap.Idempotency
		if lister, ok := x.s.(credit.AccountLister); ok {
			out[i].IDs = res(lister.AccountIDs(x.ctx, x.ns, "", 0)).must(w.t)
		}
	}
	return out
}

// fits reports whether every amount of the state fits in int64 minor
// units, as the kit's checkState counts them. The fuzzer may issue
// documents of 24 digits; for those the exact replay of Verify stands
// alone.
func fits(st state) bool {
	ok := func(ms ...money.Money) bool {
		for _, m := range ms {
			if m.IsValid() {
				if _, err := m.Minor(); err != nil {
					return false
				}
			}
		}
		return true
	}
	for _, a := range st.Accounts {
		if !ok(a.Limit, a.Credit, a.Debit) {
			return false
		}
	}
	for _, d := range st.Documents {
		if !ok(d.Amount, d.Open, d.Functional, d.FunctionalOpen) {
			return false
		}
	}
	for _, h := range st.History {
		for _, e := range h {
			b := e.After
			if !ok(e.Amount, e.CreditChange, e.DebitChange, b.Credit, b.Debit, b.Outstanding, b.Limit, b.Available) {
				return false
			}
		}
	}
	return true
}
