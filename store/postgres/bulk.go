package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// This file turns the records of a batch into columns: one array per
// column of a table, so that a statement of constant text writes (or
// checks) any number of rows through unnest, is prepared once per
// connection, and costs the server one statement however large the batch.

// accountRows are the columns of the accounts a batch writes, with the
// version each one will have: the one stored must be the version before
// (none for version 1).
type accountRows struct {
	id, currency, kind, company, person []string
	limit, credit, debit                []*string
	allowExceed                         []bool
	seq, version                        []int64
	updated, created                    []pgtype.Timestamptz
	head                                []string
	hold                                []string
	closed                              []pgtype.Timestamptz
}

func (r *accountRows) add(a credit.Account) error {
	kind, err := name("account kind", a.Kind, a.Kind.String(), accountKinds)
	if err != nil {
		return err
	}
	cur := a.Currency
	limit, err1 := amountText("limit", a.Limit, cur)
	cr, err2 := amountText("credit", a.Credit, cur)
	dr, err3 := amountText("debit", a.Debit, cur)
	if err := firstErr(err1, err2, err3); err != nil {
		return fmt.Errorf("account %q: %w", a.ID, err)
	}
	r.id = append(r.id, a.ID)
	r.currency = append(r.currency, cur.Code())
	r.kind = append(r.kind, kind)
	r.company = append(r.company, a.Party.Company)
	r.person = append(r.person, a.Party.Person)
	r.limit = append(r.limit, limit)
	r.allowExceed = append(r.allowExceed, a.AllowExceed)
	r.credit = append(r.credit, cr)
	r.debit = append(r.debit, dr)
	r.seq = append(r.seq, a.Seq)
	r.updated = append(r.updated, tstz(a.Updated))
	r.head = append(r.head, a.Head)
	r.created = append(r.created, tstz(a.Created))
	r.version = append(r.version, a.Version)
	r.hold = append(r.hold, a.Hold)
	r.closed = append(r.closed, optTstz(a.Closed))
	return nil
}

// appendArgs appends the columns written, each a pointer to its slice
// (see commitBatch).
func (r *accountRows) appendArgs(args []any) []any {
	return append(args, &r.id, &r.currency, &r.kind, &r.company, &r.person, &r.limit, &r.allowExceed,
		&r.credit, &r.debit, &r.seq, &r.updated, &r.head, &r.created, &r.version)
}

// documentRows are the columns of the documents a batch writes, with the
// version each one will have: the one stored must be the version before
// (none for version 1).
type documentRows struct {
	id, account, kind, currency                          []string
	amount, open                                         []*string
	issued, due, expires                                 []pgtype.Timestamptz
	recurring                                            []bool
	status, company, person, reason, reference, original []string
	version                                              []int64
	labels                                               []string // JSON objects
	rate, functionalCurrency                             []string
	functional, functionalOpen                           []*string
}

func (r *documentRows) add(d invoice.Document) error {
	kind, err := name("document kind", d.Kind, d.Kind.String(), docKinds)
	if err != nil {
		return fmt.Errorf("document %q: %w", d.ID, err)
	}
	status, err := name("document status", d.Status, d.Status.String(), statuses)
	if err != nil {
		return fmt.Errorf("document %q: %w", d.ID, err)
	}
	cur := currencyOf(d.Amount, d.Open)
	amt, err1 := amountText("amount", d.Amount, cur)
	open, err2 := amountText("open balance", d.Open, cur)
	labels, err3 := labelsText(d.Labels)
	if err := firstErr(err1, err2, err3); err != nil {
		return fmt.Errorf("document %q: %w", d.ID, err)
	}
	r.labels = append(r.labels, labels)
	r.id = append(r.id, d.ID)
	r.account = append(r.account, d.Account)
	r.kind = append(r.kind, kind)
	r.currency = append(r.currency, cur.Code())
	r.amount = append(r.amount, amt)
	r.open = append(r.open, open)
	r.issued = append(r.issued, tstz(d.Issued))
	r.due = append(r.due, optTstz(d.Due))
	r.expires = append(r.expires, optTstz(d.Expires))
	r.recurring = append(r.recurring, d.Recurring)
	r.status = append(r.status, status)
	r.company = append(r.company, d.BillTo.Company)
	r.person = append(r.person, d.BillTo.Person)
	r.reason = append(r.reason, d.Reason)
	r.reference = append(r.reference, d.Reference)
	r.original = append(r.original, d.Original)
	r.version = append(r.version, d.Version)
	fcur := currencyOf(d.Functional, d.FunctionalOpen)
	functional, err1 := amountText("functional amount", d.Functional, fcur)
	functionalOpen, err2 := amountText("functional open balance", d.FunctionalOpen, fcur)
	if err := firstErr(err1, err2); err != nil {
		return fmt.Errorf("document %q: %w", d.ID, err)
	}
	r.rate = append(r.rate, d.Rate.String())
	r.functionalCurrency = append(r.functionalCurrency, fcur.Code())
	r.functional = append(r.functional, functional)
	r.functionalOpen = append(r.functionalOpen, functionalOpen)
	return nil
}

// appendArgs appends the columns written, each a pointer to its slice
// (see commitBatch).
func (r *documentRows) appendArgs(args []any) []any {
	return append(args, &r.id, &r.account, &r.kind, &r.currency, &r.amount, &r.open, &r.issued, &r.due,
		&r.expires, &r.recurring, &r.status, &r.company, &r.person, &r.reason, &r.reference, &r.original,
		&r.version)
}

// appendForeign appends the columns of the foreign figures, written after every
// other argument of the statement (so that the arguments before keep their
// numbers).
func (r *documentRows) appendForeign(args []any) []any {
	return append(args, &r.rate, &r.functionalCurrency, &r.functional, &r.functionalOpen)
}

// applicationRows are the columns of the applications a batch inserts.
type applicationRows struct {
	id, credit, debit, creditAccount, debitAccount, currency []string
	amount                                                   []*string
	reverses, policy, operation, principal                   []string
	at                                                       []pgtype.Timestamptz
	valueCurrency                                            []string
	debitValue, difference                                   []*string
}

func (r *applicationRows) add(a credit.Application) {
	cur := a.Amount.Currency()
	amt, _ := amountText("amount", a.Amount, cur)
	r.id = append(r.id, a.ID)
	r.credit = append(r.credit, a.Credit)
	r.debit = append(r.debit, a.Debit)
	r.creditAccount = append(r.creditAccount, a.CreditAccount)
	r.debitAccount = append(r.debitAccount, a.DebitAccount)
	r.currency = append(r.currency, cur.Code())
	r.amount = append(r.amount, amt)
	r.reverses = append(r.reverses, a.Reverses)
	r.policy = append(r.policy, a.Policy)
	r.operation = append(r.operation, a.Operation)
	r.principal = append(r.principal, a.By)
	r.at = append(r.at, tstz(a.At))
	vcur := currencyOf(a.DebitValue, a.Difference)
	dv, _ := amountText("debit value", a.DebitValue, vcur)
	diff, _ := amountText("difference", a.Difference, vcur)
	r.valueCurrency = append(r.valueCurrency, vcur.Code())
	r.debitValue = append(r.debitValue, dv)
	r.difference = append(r.difference, diff)
}

func (r *applicationRows) appendArgs(args []any) []any {
	return append(args, &r.id, &r.credit, &r.debit, &r.creditAccount, &r.debitAccount, &r.currency,
		&r.amount, &r.reverses, &r.policy, &r.operation, &r.principal, &r.at)
}

// appendForeign appends the columns of the foreign figures (see
// documentRows.appendForeign).
func (r *applicationRows) appendForeign(args []any) []any {
	return append(args, &r.valueCurrency, &r.debitValue, &r.difference)
}

// entryRows are the columns of the history entries a batch appends.
type entryRows struct {
	account                                  []string
	seq                                      []int64
	at                                       []pgtype.Timestamptz
	op, document, currency                   []string
	amount                                   []*string
	originalCurrency                         []string
	original                                 []*string
	rate                                     []string
	vals                                     [7][]*string
	principal, reference, comment, operation []string
	residual, prev, hash                     []string
	documents, applications                  []string // JSON arrays of ids
}

func (r *entryRows) add(e credit.Entry) error {
	cur := currencyOf(e.Amount, e.CreditChange, e.DebitChange, e.After.Credit, e.After.Debit,
		e.After.Outstanding, e.After.Limit, e.After.Available)
	amt, err := amountText("amount", e.Amount, cur)
	if err != nil {
		return fmt.Errorf("entry %d of account %q: %w", e.Seq, e.Account, err)
	}
	var vals [7]*string
	var errs [7]error
	for i, m := range []struct {
		field string
		m     money.Money
	}{{"credit change", e.CreditChange}, {"debit change", e.DebitChange},
		{"credit after", e.After.Credit}, {"debit after", e.After.Debit},
		{"outstanding after", e.After.Outstanding}, {"limit after", e.After.Limit},
		{"available after", e.After.Available}} {
		vals[i], errs[i] = amountText(m.field, m.m, cur)
	}
	if err := firstErr(errs[:]...); err != nil {
		return fmt.Errorf("entry %d of account %q: %w", e.Seq, e.Account, err)
	}
	orig, _ := amountText("original", e.Original, e.Original.Currency())
	r.account = append(r.account, e.Account)
	r.seq = append(r.seq, e.Seq)
	r.at = append(r.at, tstz(e.At))
	r.op = append(r.op, string(e.Kind))
	r.document = append(r.document, e.Document)
	r.currency = append(r.currency, cur.Code())
	r.amount = append(r.amount, amt)
	r.originalCurrency = append(r.originalCurrency, e.Original.Currency().Code())
	r.original = append(r.original, orig)
	r.rate = append(r.rate, e.Rate.String())
	for i := range vals {
		r.vals[i] = append(r.vals[i], vals[i])
	}
	r.principal = append(r.principal, e.By)
	r.reference = append(r.reference, e.Reference)
	r.comment = append(r.comment, e.Comment)
	r.operation = append(r.operation, e.Operation)
	if !e.Residual.IsZero() && e.Residual.Currency() != cur {
		return fmt.Errorf("entry %d of account %q: residual %s is not in %s", e.Seq, e.Account, e.Residual, cur)
	}
	r.residual = append(r.residual, e.Residual.Plain())
	docs, err1 := idList(e.Documents)
	apps, err2 := idList(e.Applications)
	if err := firstErr(err1, err2); err != nil {
		return fmt.Errorf("entry %d of account %q: %w", e.Seq, e.Account, err)
	}
	r.documents = append(r.documents, docs)
	r.applications = append(r.applications, apps)
	r.prev = append(r.prev, e.Prev)
	r.hash = append(r.hash, e.Hash)
	return nil
}

// idList is a list of ids as the JSON array the entries' documents and
// applications columns hold.
func idList(ids []string) (string, error) {
	if len(ids) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

// appendLists appends the entries' documents and applications, the last parameters
// of the write.
func (r *entryRows) appendLists(args []any) []any {
	return append(args, &r.documents, &r.applications)
}

func (r *entryRows) appendArgs(args []any) []any {
	return append(args, &r.account, &r.seq, &r.at, &r.op, &r.document, &r.currency, &r.amount,
		&r.originalCurrency, &r.original, &r.rate, &r.vals[0], &r.vals[1], &r.vals[2], &r.vals[3],
		&r.vals[4], &r.vals[5], &r.vals[6], &r.principal, &r.reference, &r.comment, &r.operation,
		&r.residual, &r.prev, &r.hash)
}

// idempotencyRows are the columns of the idempotency record a batch
// inserts (none or one).
type idempotencyRows struct {
	key, op, fingerprint []string
	result               [][]byte
	at                   []pgtype.Timestamptz
}

func (r *idempotencyRows) add(rec *credit.Idempotency) {
	r.key = append(r.key, rec.Key)
	r.op = append(r.op, string(rec.Kind))
	r.fingerprint = append(r.fingerprint, rec.Fingerprint)
	r.result = append(r.result, rec.Result)
	r.at = append(r.at, tstz(rec.At))
}

func (r *idempotencyRows) appendArgs(args []any) []any {
	return append(args, &r.key, &r.op, &r.fingerprint, &r.result, &r.at)
}

// columns makes each of cols a column of capacity n, all of them cut from
// one allocation: a batch of a few records costs an allocation per type of
// column instead of one per column.
func columns[T any](n int, cols ...*[]T) {
	if n == 0 {
		return
	}
	all := make([]T, n*len(cols))
	for i, c := range cols {
		*c = all[i*n : i*n : (i+1)*n]
	}
}

// grow readies r for n accounts.
func (r *accountRows) grow(n int) {
	columns(n, &r.id, &r.currency, &r.kind, &r.company, &r.person, &r.head, &r.hold)
	columns(n, &r.limit, &r.credit, &r.debit)
	columns(n, &r.allowExceed)
	columns(n, &r.seq, &r.version)
	columns(n, &r.updated, &r.created, &r.closed)
}

// grow readies r for n documents.
func (r *documentRows) grow(n int) {
	columns(n, &r.id, &r.account, &r.kind, &r.currency, &r.status, &r.company, &r.person, &r.reason,
		&r.reference, &r.original, &r.labels, &r.rate, &r.functionalCurrency)
	columns(n, &r.amount, &r.open, &r.functional, &r.functionalOpen)
	columns(n, &r.issued, &r.due, &r.expires)
	columns(n, &r.recurring)
	columns(n, &r.version)
}

// grow readies r for n applications.
func (r *applicationRows) grow(n int) {
	columns(n, &r.id, &r.credit, &r.debit, &r.creditAccount, &r.debitAccount, &r.currency, &r.reverses,
		&r.policy, &r.operation, &r.principal, &r.valueCurrency)
	columns(n, &r.amount, &r.debitValue, &r.difference)
	columns(n, &r.at)
}

// grow readies r for n entries.
func (r *entryRows) grow(n int) {
	columns(n, &r.account, &r.op, &r.document, &r.currency, &r.originalCurrency, &r.rate, &r.principal,
		&r.reference, &r.comment, &r.operation, &r.residual, &r.prev, &r.hash, &r.documents, &r.applications)
	columns(n, &r.amount, &r.original, &r.vals[0], &r.vals[1], &r.vals[2], &r.vals[3], &r.vals[4],
		&r.vals[5], &r.vals[6])
	columns(n, &r.seq)
	columns(n, &r.at)
}

// amountText is amount as the text of the NUMERIC, nil for NULL.
func amountText(field string, m money.Money, cur money.Currency) (*string, error) {
	v, err := amount(field, m, cur)
	if v == nil || err != nil {
		return nil, err
	}
	s := v.(string)
	return &s, nil
}

// tstz is the value written for a time: ts(t).
func tstz(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: ts(t), Valid: true}
}

// optTstz is the value written for an optional time: NULL when zero.
func optTstz(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return tstz(t)
}
