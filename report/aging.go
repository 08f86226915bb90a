package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// DefaultBuckets are the upper bounds, in days past due, of the aging's
// buckets but the last: current (not past due), 1–30, 31–60, 61–90, and
// over 90 days past due.
var DefaultBuckets = []int{0, 30, 60, 90}

// Bucket is one column of the aging: documents From to To days past due
// (both included). The first bucket also holds every document not yet due
// (From is then the smallest int); the last has no upper bound (Last).
type Bucket struct {
	Label string `json:"label"`
	From  int    `json:"from"`
	To    int    `json:"to,omitempty"`
	Last  bool   `json:"last,omitempty"`
}

// Buckets returns the buckets for upper bounds (DefaultBuckets when
// empty): bucket i holds the days past due in (bounds[i-1], bounds[i]], the
// first everything up to bounds[0], the last everything above the last
// bound. The bounds must rise strictly.
func Buckets(bounds []int) ([]Bucket, error) {
	if len(bounds) == 0 {
		bounds = DefaultBuckets
	}
	out := make([]Bucket, 0, len(bounds)+1)
	for i, b := range bounds {
		if i > 0 && b <= bounds[i-1] {
			return nil, fmt.Errorf("%w: aging bounds must rise strictly, %d follows %d", credit.ErrInvalidRequest, b, bounds[i-1])
		}
		switch {
		case i == 0 && b == 0:
			out = append(out, Bucket{Label: "current", From: minInt, To: 0})
		case i == 0:
			out = append(out, Bucket{Label: "up to " + strconv.Itoa(b), From: minInt, To: b})
		default:
			out = append(out, Bucket{Label: strconv.Itoa(bounds[i-1]+1) + "-" + strconv.Itoa(b), From: bounds[i-1] + 1, To: b})
		}
	}
	last := bounds[len(bounds)-1]
	return append(out, Bucket{Label: "over " + strconv.Itoa(last), From: last + 1, Last: true}), nil
}

const minInt = -int(^uint(0)>>1) - 1

// bucketOf returns the index of the bucket holding days.
func bucketOf(bs []Bucket, days int) int {
	for i, b := range bs {
		if b.Last || days <= b.To {
			return i
		}
	}
	return len(bs) - 1
}

// Side says whether an aging line is an open debit or an unapplied credit.
type Side string

// Sides.
const (
	Debit  Side = "debit"
	Credit Side = "credit"
)

// AgingLine is one open document in the aging. For a debit, Days is the
// number of days past due: calendar days (UTC) from its due date (its issue
// date when it has none) to the as-of date, zero or less when not yet due.
// For a credit, which has no due date, Days is its age: calendar days from
// its issue date.
type AgingLine struct {
	Account  string      `json:"account"`
	Document string      `json:"document"`
	Side     Side        `json:"side"`
	Kind     string      `json:"kind"`
	Issued   time.Time   `json:"issued"`
	Due      time.Time   `json:"due,omitzero"`
	Amount   money.Money `json:"amount"`
	Open     money.Money `json:"open"`
	Days     int         `json:"days"`
	Bucket   string      `json:"bucket"`
}

// AccountAging is one account's aging: its open debits and, apart, its
// unapplied credits, per bucket and in total, in the account's currency
// as of the date.
type AccountAging struct {
	Account  string         `json:"account"`
	Currency money.Currency `json:"currency"`
	// Debits and Credits have one amount per bucket of the report.
	Debits  []money.Money `json:"debits"`
	Credits []money.Money `json:"credits"`
	Debit   money.Money   `json:"debit"`
	Credit  money.Money   `json:"credit"`
}

// CurrencyAging adds up the accounts of one currency.
type CurrencyAging struct {
	Currency money.Currency `json:"currency"`
	Accounts int            `json:"accounts"`
	Debits   []money.Money  `json:"debits"`
	Credits  []money.Money  `json:"credits"`
	Debit    money.Money    `json:"debit"`
	Credit   money.Money    `json:"credit"`
}

// AgingReport is the aging of a namespace (or of the accounts asked for)
// as of a moment: per account, and totals per currency in order of first
// appearance (accounts of different currencies are never added together).
type AgingReport struct {
	AsOf     time.Time       `json:"as_of"`
	Buckets  []Bucket        `json:"buckets"`
	Accounts []AccountAging  `json:"accounts,omitempty"`
	Totals   []CurrencyAging `json:"totals"`
}

// AgingOptions tune an aging. The zero value ages every account the
// principal may read in the default buckets.
type AgingOptions struct {
	// Bounds are the buckets' upper bounds in days past due (see Buckets);
	// DefaultBuckets when empty.
	Bounds []int
	// Accounts restricts the aging to these accounts, in this order; every
	// account of the namespace the principal may read when empty. A named
	// account the principal may not read fails the aging with the Ledger's
	// error.
	Accounts []string
	// Lines, when set, receives every open document of the aging, account by
	// account, in (issue date, id) order, debits and credits mixed. It is
	// called once an account has been read and reconciled, so the lines of
	// one account are held until then.
	Lines func(AgingLine) error
	// PageSize is how many documents or accounts one read returns;
	// credit.MaxPage when 0.
	PageSize int
}

// Aging returns the aging as of asOf: every account's open debits and
// unapplied credits in buckets of days past due, with totals per currency.
// It gives the answer the Ledger would have given at asOf (see the package
// documentation). Accounts that did not exist yet at asOf are left out.
func Aging(ctx context.Context, r Reader, p credit.Principal, asOf time.Time, opts AgingOptions) (AgingReport, error) {
	var accts []AccountAging
	rep, err := AgingFunc(ctx, r, p, asOf, opts, func(a AccountAging) error {
		accts = append(accts, a)
		return nil
	})
	rep.Accounts = accts
	return rep, err
}

// AgingFunc is Aging that hands each account's aging to f as soon as it is
// made instead of keeping it: the report it returns has the totals but no
// Accounts, and memory does not grow with the number of accounts beyond the
// totals per currency.
func AgingFunc(ctx context.Context, r Reader, p credit.Principal, asOf time.Time, opts AgingOptions, f func(AccountAging) error) (AgingReport, error) {
	bs, err := Buckets(opts.Bounds)
	if err != nil {
		return AgingReport{}, err
	}
	asOf = asOf.UTC()
	rep := AgingReport{AsOf: asOf, Buckets: bs}
	page := opts.PageSize
	if page <= 0 || page > credit.MaxPage {
		page = credit.MaxPage
	}
	one := func(a credit.Account) error {
		ag, ok, err := ageAccount(ctx, r, p, a, asOf, bs, opts, page)
		if err != nil || !ok {
			return err
		}
		if err := rep.add(ag); err != nil {
			return err
		}
		return f(ag)
	}
	if len(opts.Accounts) > 0 {
		for _, id := range opts.Accounts {
			a, err := r.Account(ctx, p, id)
			if err != nil {
				return AgingReport{}, err
			}
			if err := one(a); err != nil {
				return AgingReport{}, err
			}
		}
		return rep, nil
	}
	after := ""
	for {
		as, err := r.Accounts(ctx, p, credit.AccountsRequest{After: after, Limit: page})
		if err != nil {
			return AgingReport{}, err
		}
		if len(as) == 0 {
			return rep, nil
		}
		for _, a := range as {
			if err := one(a); err != nil {
				return AgingReport{}, err
			}
		}
		after = as[len(as)-1].ID
	}
}

// add counts one account in the totals of its currency.
func (rep *AgingReport) add(a AccountAging) error {
	i := 0
	for i < len(rep.Totals) && rep.Totals[i].Currency != a.Currency {
		i++
	}
	if i == len(rep.Totals) {
		rep.Totals = append(rep.Totals, CurrencyAging{Currency: a.Currency, Debits: zeros(a.Currency, len(rep.Buckets)),
			Credits: zeros(a.Currency, len(rep.Buckets)), Debit: money.Zero(a.Currency), Credit: money.Zero(a.Currency)})
	}
	t := &rep.Totals[i]
	t.Accounts++
	var err error
	for j := range t.Debits {
		if t.Debits[j], err = t.Debits[j].Add(a.Debits[j]); err != nil {
			return err
		}
		if t.Credits[j], err = t.Credits[j].Add(a.Credits[j]); err != nil {
			return err
		}
	}
	if t.Debit, err = t.Debit.Add(a.Debit); err != nil {
		return err
	}
	t.Credit, err = t.Credit.Add(a.Credit)
	return err
}

func zeros(c money.Currency, n int) []money.Money {
	out := make([]money.Money, n)
	for i := range out {
		out[i] = money.Zero(c)
	}
	return out
}

// AccountAgingOf returns one account's aging as of asOf, and its lines
// through opts.Lines (opts.Accounts is ignored). An account that did not
// exist yet at asOf is credit.ErrNotFound, as BalancesAt says.
func AccountAgingOf(ctx context.Context, r Reader, p credit.Principal, account string, asOf time.Time, opts AgingOptions) (AccountAging, []Bucket, error) {
	bs, err := Buckets(opts.Bounds)
	if err != nil {
		return AccountAging{}, nil, err
	}
	a, err := r.Account(ctx, p, account)
	if err != nil {
		return AccountAging{}, nil, err
	}
	page := opts.PageSize
	if page <= 0 || page > credit.MaxPage {
		page = credit.MaxPage
	}
	ag, ok, err := ageAccount(ctx, r, p, a, asOf.UTC(), bs, opts, page)
	if err != nil {
		return AccountAging{}, nil, err
	}
	if !ok {
		// BalancesAt words the answer for a moment before the account.
		_, err := r.BalancesAt(ctx, p, account, asOf)
		if err == nil {
			err = fmt.Errorf("%w: account %q had no history at %s", credit.ErrNotFound, account, asOf.Format(time.RFC3339))
		}
		return AccountAging{}, nil, err
	}
	return ag, bs, nil
}

// tail is what the entries after the as-of moment say about documents.
type tail struct {
	issued    map[string]bool        // documents issued after the moment
	removed   map[string]money.Money // amounts removed from them after the moment, by entries naming them
	expiries  []time.Time            // times of "credit_expired" entries
	converted bool                   // the account's currency changed after the moment
}

// issuing are the operations whose entry names the document they issue.
var issuing = map[credit.EntryKind]bool{
	credit.InvoiceIssued: true, credit.DebitMemoIssued: true, credit.ChargedToCreditLine: true, credit.PaymentReceived: true,
	credit.BalancePaid: true, credit.BalancePaymentEdited: true, credit.CreditIssued: true, credit.CreditMemoIssued: true,
	credit.PurchaseCredited: true, credit.CreditTransferredIn: true,
}

// removing are the operations whose entry names the document they take its
// Amount off (not by an application).
var removing = map[credit.EntryKind]bool{
	credit.DocumentAdjusted: true, credit.DocumentVoided: true, credit.CreditRefunded: true, credit.PaymentChargedBack: true,
	credit.PaymentCancelled: true, credit.CreditTransferredOut: true,
}

func (t *tail) note(e credit.Entry) error {
	switch {
	case issuing[e.Kind] && e.Document != "":
		t.issued[e.Document] = true
	case removing[e.Kind] && e.Document != "":
		if m, ok := t.removed[e.Document]; ok {
			s, err := m.Add(e.Amount)
			if err != nil {
				return err
			}
			t.removed[e.Document] = s
		} else {
			t.removed[e.Document] = e.Amount
		}
	case e.Kind == credit.CreditExpired:
		t.expiries = append(t.expiries, e.At)
	case e.Kind == credit.CurrencyConverted:
		t.converted = true
	}
	return nil
}

// ageAccount ages one account; ok is false when the account had no history
// yet at asOf. a is the account as last read; it is read again after its
// documents to make sure nothing changed in between.
func ageAccount(ctx context.Context, r Reader, p credit.Principal, a credit.Account, asOf time.Time, bs []Bucket, opts AgingOptions, page int) (AccountAging, bool, error) {
	for try := 0; ; try++ {
		ag, lines, ok, err := ageOnce(ctx, r, p, a, asOf, bs, opts.Lines != nil, page)
		if (err != nil && !errors.Is(err, ErrNotReconciled)) || (err == nil && !ok) {
			return ag, ok, err
		}
		// Reads made while the account changed may disagree: whether it
		// added up or not, the answer holds only if nothing changed.
		now, rerr := r.Account(ctx, p, a.ID)
		if rerr != nil {
			return AccountAging{}, false, rerr
		}
		if now.Seq == a.Seq && err != nil {
			return AccountAging{}, false, err
		}
		if now.Seq == a.Seq {
			for _, l := range lines {
				if err := opts.Lines(l); err != nil {
					return AccountAging{}, false, err
				}
			}
			return ag, true, nil
		}
		if try+1 >= attempts {
			return AccountAging{}, false, fmt.Errorf("%w: %q", ErrChanged, a.ID)
		}
		a = now
	}
}

// ageOnce ages an account as it stood at its read a.
func ageOnce(ctx context.Context, r Reader, p credit.Principal, a credit.Account, asOf time.Time, bs []Bucket, keepLines bool, page int) (AccountAging, []AgingLine, bool, error) {
	var (
		want   credit.Balances
		cut    int64
		past   = a.Updated.After(asOf)
		t      = tail{issued: map[string]bool{}, removed: map[string]money.Money{}}
		filter = credit.DocumentFilter{Account: a.ID, Limit: page, OpenOnly: !past}
	)
	if past {
		var err error
		if cut, err = seqAt(ctx, r, p, a.ID, a.Seq, asOf); err != nil {
			return AccountAging{}, nil, false, err
		}
		if cut == 0 {
			return AccountAging{}, nil, false, nil
		}
		if want, err = r.BalancesAt(ctx, p, a.ID, asOf); err != nil {
			return AccountAging{}, nil, false, err
		}
		if err := entriesBetween(ctx, r, p, a.ID, cut, a.Seq, t.note); err != nil {
			return AccountAging{}, nil, false, err
		}
	} else {
		if a.Seq == 0 {
			return AccountAging{}, nil, false, nil
		}
		want = a.Balances()
	}
	cur := want.Debit.Currency()
	tl := &tally{ag: AccountAging{Account: a.ID, Currency: cur, Debits: zeros(cur, len(bs)), Credits: zeros(cur, len(bs)),
		Debit: money.Zero(cur), Credit: money.Zero(cur)}, bs: bs, day: civilDay(asOf), keepLines: keepLines}
	// pending are the documents to rebuild forward (see openAt), from the
	// history up to asOf.
	var pending []*replay
	for {
		docs, err := r.Documents(ctx, p, filter)
		if err != nil {
			return AccountAging{}, nil, false, err
		}
		for _, d := range docs {
			open, apps, forward, err := openAt(ctx, r, p, d, asOf, cur, past, &t)
			if err != nil {
				return AccountAging{}, nil, false, err
			}
			if forward {
				zero := money.Zero(d.Value().Currency())
				pending = append(pending, &replay{d: d, apps: apps, open: zero},
					&replay{d: d, apps: apps, open: zero, copy: true})
				continue
			}
			if err := tl.count(d, open); err != nil {
				return AccountAging{}, nil, false, err
			}
		}
		if len(docs) < filter.Limit {
			break
		}
		filter.After = docs[len(docs)-1].ID
	}
	if len(pending) > 0 {
		if err := replayForward(ctx, r, p, a.ID, cut, asOf, pending, tl); err != nil {
			return AccountAging{}, nil, false, err
		}
	}
	if ag := tl.ag; !ag.Debit.Equal(want.Debit) || !ag.Credit.Equal(want.Credit) {
		return AccountAging{}, nil, false, fmt.Errorf("%w: account %q as of %s: debits %s and credits %s, the ledger has %s and %s",
			ErrNotReconciled, a.ID, asOf.Format(time.RFC3339), ag.Debit, ag.Credit, want.Debit, want.Credit)
	}
	return tl.ag, tl.lines, true, nil
}

// replayForward rebuilds the documents that later operations emptied
// (pending, each twice: see openAt) from the account's history up to cut,
// as of asOf, and counts them into tl.
func replayForward(ctx context.Context, r Reader, p credit.Principal, account string, cut int64, asOf time.Time, pending []*replay, tl *tally) error {
	// The only case that reads the history before asOf: once for the
	// account, whatever the number of such documents.
	if err := entriesBetween(ctx, r, p, account, 0, cut, func(e credit.Entry) error {
		for _, rp := range pending {
			if err := rp.entry(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// Each document was replayed twice, as born of the entry that names
	// it and as a copy born of a currency change; the first applies
	// when such an entry was seen.
	for i := 0; i < len(pending); i += 2 {
		rp := pending[i]
		if !rp.issued {
			rp = pending[i+1]
		}
		if err := rp.until(asOf, true); err != nil {
			return err
		}
		if err := tl.count(rp.d, rp.open); err != nil {
			return err
		}
	}
	slices.SortStableFunc(tl.lines, func(x, y AgingLine) int {
		if c := x.Issued.Compare(y.Issued); c != 0 {
			return c
		}
		return strings.Compare(x.Document, y.Document)
	})
	return nil
}

// tally adds an account's open documents into its aging, as of one day.
type tally struct {
	ag        AccountAging
	lines     []AgingLine
	bs        []Bucket
	day       int // civilDay of the as-of time
	keepLines bool
}

// count adds document d, open for open as of the tally's day, to its
// bucket and its side's total (and to the lines, when kept).
func (tl *tally) count(d invoice.Document, open money.Money) error {
	if !open.IsValid() || open.IsZero() {
		return nil
	}
	if open.IsNegative() {
		return fmt.Errorf("%w: document %q rebuilt with open balance %s", ErrNotReconciled, d.ID, open)
	}
	l := AgingLine{Account: tl.ag.Account, Document: d.ID, Side: Debit, Kind: d.Kind.String(), Issued: d.Issued,
		Due: d.Due, Amount: d.Value(), Open: open}
	from := d.Due
	if !d.IsDebit() {
		l.Side, from = Credit, d.Issued
	} else if from.IsZero() {
		from = d.Issued
	}
	l.Days = tl.day - civilDay(from)
	i := bucketOf(tl.bs, l.Days)
	l.Bucket = tl.bs[i].Label
	tot, sub := &tl.ag.Debit, &tl.ag.Debits[i]
	if l.Side == Credit {
		tot, sub = &tl.ag.Credit, &tl.ag.Credits[i]
	}
	var err error
	if *tot, err = tot.Add(open); err != nil {
		return err
	}
	if *sub, err = sub.Add(open); err != nil {
		return err
	}
	if tl.keepLines {
		tl.lines = append(tl.lines, l)
	}
	return nil
}

// civilDay numbers t's calendar day in UTC.
func civilDay(t time.Time) int {
	s := t.UTC().Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int(d)
}

// openAt returns document d's open balance at asOf; an invalid Money when
// the document was not part of the ledger then. cur is the account's
// currency at asOf. Most documents are rebuilt backward, from their current
// state and what happened after asOf. A document that an expiry or a
// currency change may have emptied after asOf, which the history does not
// name, is to be rebuilt forward instead: forward is then true and apps are
// its applications, for a replay.
func openAt(ctx context.Context, r Reader, p credit.Principal, d invoice.Document, asOf time.Time, cur money.Currency, past bool, t *tail) (open money.Money, apps []credit.Application, forward bool, err error) {
	if !past {
		if d.Status != invoice.Open {
			return money.Money{}, nil, false, nil
		}
		return d.OpenValue(), nil, false, nil
	}
	if t.issued[d.ID] || d.Value().Currency() != cur {
		return money.Money{}, nil, false, nil
	}
	removed, named := t.removed[d.ID]
	if d.Version == 1 && !named {
		// Unchanged since the transaction that issued it, before asOf.
		return d.OpenValue(), nil, false, nil
	}
	if d.IsCredit() && !d.Expires.IsZero() {
		for _, e := range t.expiries {
			if !e.Before(d.Expires) {
				forward = true
				break
			}
		}
	}
	if t.converted && !forward {
		copies, err := r.Documents(ctx, p, credit.DocumentFilter{Account: d.Account, Original: d.ID, Limit: 1})
		if err != nil {
			return money.Money{}, nil, false, err
		}
		forward = len(copies) > 0 && copies[0].Amount.Currency() != cur
	}
	if apps, err = r.Applications(ctx, p, d.ID); err != nil {
		return money.Money{}, nil, false, err
	}
	if forward {
		return money.Money{}, apps, true, nil
	}
	// Backward: an application after asOf had taken its amount off, so it is
	// added back; a reversal after asOf gave its amount back, so it is taken
	// off; what entries after asOf removed is added back.
	open = d.OpenValue()
	for _, a := range apps {
		if !a.At.After(asOf) {
			continue
		}
		m := valueFor(a, d.ID)
		if a.Reverses != "" {
			m = m.Neg()
		}
		if open, err = open.Add(m); err != nil {
			return money.Money{}, nil, false, err
		}
	}
	if named {
		if open, err = open.Add(removed); err != nil {
			return money.Money{}, nil, false, err
		}
	}
	return open, nil, false, nil
}

// replay rebuilds one document's open balance forward, from the history
// and its applications, in time order: issued for its amount (by the entry
// that names it, or by a currency change for a copy), less its
// applications, plus their reversals, less what entries naming it removed;
// emptied by an "credit_expired" entry at or after its expiry date, and by a
// currency change, if it was open then (Expire and a currency change take
// all of every open document they concern).
type replay struct {
	d      invoice.Document
	apps   []credit.Application // oldest first, as Applications returns them
	next   int
	issued bool
	open   money.Money
	// copy replays the document as a copy that a currency change issued
	// (no entry names it); otherwise only the entry naming it issues it.
	copy bool
}

// until applies the applications up to t (at t too when inclusive).
func (rp *replay) until(t time.Time, inclusive bool) error {
	for ; rp.next < len(rp.apps); rp.next++ {
		a := rp.apps[rp.next]
		if a.At.After(t) || (!inclusive && a.At.Equal(t)) {
			return nil
		}
		var err error
		if a.Reverses != "" {
			rp.open, err = rp.open.Add(valueFor(a, rp.d.ID))
		} else {
			rp.open, err = rp.open.Sub(valueFor(a, rp.d.ID))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// entry takes one history entry into account. Applications written by the
// same operation as the entry carry its time and are applied first.
func (rp *replay) entry(e credit.Entry) error {
	if err := rp.until(e.At, true); err != nil {
		return err
	}
	var err error
	switch {
	case issuing[e.Kind] && e.Document == rp.d.ID && !rp.copy:
		rp.issued = true
		rp.open, err = rp.open.Add(rp.d.Value())
	case removing[e.Kind] && e.Document == rp.d.ID:
		rp.open, err = rp.open.Sub(e.Amount)
	case e.Kind == credit.CreditExpired && rp.issued && rp.d.IsCredit() && !rp.d.Expires.IsZero() && !e.At.Before(rp.d.Expires):
		rp.open = money.Zero(rp.d.Value().Currency())
	case e.Kind == credit.CurrencyConverted && e.Original.IsValid():
		switch {
		case rp.issued && e.Original.Currency() == rp.d.Amount.Currency():
			rp.open = money.Zero(rp.d.Amount.Currency()) // closed and issued again in the new currency
		case rp.copy && !rp.issued && rp.d.Original != "" && e.Amount.Currency() == rp.d.Amount.Currency():
			rp.issued = true // a copy made by this change
			rp.open, err = rp.open.Add(rp.d.Amount)
		}
	}
	return err
}

// valueFor is what application a moved on document doc in its account's
// currency: the debit's or the credit's share for documents in a foreign
// currency, its Amount otherwise.
func valueFor(a credit.Application, doc string) money.Money {
	if doc == a.Debit {
		return a.Value()
	}
	return a.CreditValue()
}

// WriteAging prints the aging as text: one table of open debits and one of
// unapplied credits, an account per row and a total row per currency.
func WriteAging(w io.Writer, rep AgingReport) error {
	for _, side := range []Side{Debit, Credit} {
		title := "Open debits"
		if side == Credit {
			title = "Unapplied credits"
		}
		if _, err := fmt.Fprintf(w, "%s as of %s\n\n", title, rep.AsOf.Format(DateLayout)); err != nil {
			return err
		}
		t := Table{Header: []string{"Account"}, Right: []bool{false}}
		for _, b := range rep.Buckets {
			t.Header, t.Right = append(t.Header, b.Label), append(t.Right, true)
		}
		t.Header, t.Right = append(t.Header, "Total"), append(t.Right, true)
		row := func(name string, ms []money.Money, total money.Money) {
			cells := []string{name}
			for _, m := range ms {
				cells = append(cells, m.String())
			}
			t.Add(append(cells, total.String())...)
		}
		for _, a := range rep.Accounts {
			if side == Debit {
				row(a.Account, a.Debits, a.Debit)
			} else {
				row(a.Account, a.Credits, a.Credit)
			}
		}
		for _, c := range rep.Totals {
			if side == Debit {
				row("Total "+c.Currency.Code(), c.Debits, c.Debit)
			} else {
				row("Total "+c.Currency.Code(), c.Credits, c.Credit)
			}
		}
		if err := t.Write(w); err != nil {
			return err
		}
		if side == Debit {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
	}
	return nil
}
