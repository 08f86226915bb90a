package postgres

import (
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// This file maps records to rows and back. Money is written as the plain
// decimal text of its amount (money.Money.Amount) with the currency code in
// a column of its own, and read back as NUMERIC cast to text, which keeps
// the scale it was written with; the zero Money is NULL. Times are written
// truncated to the microsecond (PostgreSQL's precision) and read back in
// UTC; an optional time (a document's due date and expiry) is NULL when
// zero. Kinds and statuses are kept by name.

// Columns read for each record, in the order the scan functions expect.
const (
	accountCols = `id, currency, kind, party_company, party_person, limit_amount::text, allow_exceed,
		credit::text, debit::text, seq, updated, head, created, version`
	documentCols = `id, account, kind, currency, amount::text, open_amount::text, issued, due, expires,
		recurring, status, bill_to_company, bill_to_person, reason, reference, original, version`
	applicationCols = `id, credit, debit, credit_account, debit_account, currency, amount::text,
		reverses, policy, operation, principal, at`
	entryCols = `account, seq, at, op, document, currency, amount::text, original_currency,
		original::text, rate, credit_change::text, debit_change::text, after_credit::text,
		after_debit::text, after_outstanding::text, after_limit::text, after_available::text,
		principal, reference, comment, operation, residual, prev, hash`
	idempotencyCols = `idem_key, op, fingerprint, result, at`
)

// statements is the SQL of the store with its table names resolved.
type statements struct {
	loadAccounts, loadDocuments, loadOpenDocuments, loadIdempotency   string
	loadDocumentAccounts                                              string
	loadApplicationsOf, loadApplications, loadApplicationsOfOperation string

	insertAccount, updateAccount     string
	insertDocument, updateDocument   string
	insertApplication, insertEntry   string
	entryExists, insertIdempotency   string
	accountAt, accountAbsent         string
	documentAt, documentAbsent       string
	findIdempotency, accountIDs      string
	history, historyAll, entryAt     string
	documentsSelect, documentsCursor string
}

func newStatements(table func(string) string) statements {
	q := func(sql string) string { return bindNames(sql, table) }
	return statements{
		loadAccounts: q(`SELECT ` + accountCols + ` FROM {accounts} WHERE ns = $1 AND id = ANY($2)`),
		// Each read of Load is a SELECT of its own on one index: a
		// condition that ORs several (id = ANY($2) OR account = ANY($3))
		// lets a generic plan of the prepared statement fall back to
		// scanning every row of the namespace.
		loadDocuments: q(`SELECT ` + documentCols + ` FROM {documents} WHERE ns = $1 AND id = ANY($2)`),
		loadDocumentAccounts: q(`SELECT ` + accountCols + ` FROM {accounts}
			WHERE ns = $1 AND id IN (SELECT account FROM {documents} WHERE ns = $1 AND id = ANY($2))`),
		loadOpenDocuments: q(`SELECT ` + documentCols + ` FROM {documents}
			WHERE ns = $1 AND status = 'open' AND account = ANY($2)`),
		// By credit, then by debit when the credit is not also named, so
		// that no row comes twice.
		loadApplicationsOf: q(`SELECT ` + applicationCols + ` FROM {applications} WHERE ns = $1 AND credit = ANY($2)
			UNION ALL
			SELECT ` + applicationCols + ` FROM {applications} WHERE ns = $1 AND debit = ANY($2) AND NOT credit = ANY($2)`),
		loadApplications:            q(`SELECT ` + applicationCols + ` FROM {applications} WHERE ns = $1 AND id = ANY($2)`),
		loadApplicationsOfOperation: q(`SELECT ` + applicationCols + ` FROM {applications} WHERE ns = $1 AND operation = $2`),
		loadIdempotency:             q(`SELECT ` + idempotencyCols + ` FROM {idempotency} WHERE ns = $1 AND idem_key = $2`),

		insertAccount: q(`INSERT INTO {accounts} (ns, id, currency, kind, party_company, party_person,
			limit_amount, allow_exceed, credit, debit, seq, updated, head, created, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`),
		// A version-checked update: when the stored version is not $16, no
		// row changes and the count is 0, so the division fails (SQLSTATE
		// 22012) and aborts the transaction before COMMIT. That keeps the
		// whole write set and its COMMIT in one round trip.
		updateAccount: q(`WITH u AS (UPDATE {accounts} SET currency = $3, kind = $4, party_company = $5,
			party_person = $6, limit_amount = $7, allow_exceed = $8, credit = $9, debit = $10, seq = $11,
			updated = $12, head = $13, created = $14, version = $15
			WHERE ns = $1 AND id = $2 AND version = $16 RETURNING 1)
			SELECT 1 / count(*) FROM u`),
		insertDocument: q(`INSERT INTO {documents} (ns, id, account, kind, currency, amount, open_amount,
			issued, due, expires, recurring, status, bill_to_company, bill_to_person, reason, reference,
			original, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`),
		updateDocument: q(`WITH u AS (UPDATE {documents} SET account = $3, kind = $4, currency = $5,
			amount = $6, open_amount = $7, issued = $8, due = $9, expires = $10, recurring = $11,
			status = $12, bill_to_company = $13, bill_to_person = $14, reason = $15, reference = $16,
			original = $17, version = $18
			WHERE ns = $1 AND id = $2 AND version = $19 RETURNING 1)
			SELECT 1 / count(*) FROM u`),
		insertApplication: q(`INSERT INTO {applications} (ns, id, credit, debit, credit_account,
			debit_account, currency, amount, reverses, policy, operation, principal, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`),
		insertEntry: q(`INSERT INTO {entries} (ns, account, seq, at, op, document, currency, amount,
			original_currency, original, rate, credit_change, debit_change, after_credit, after_debit,
			after_outstanding, after_limit, after_available, principal, reference, comment, operation,
			residual, prev, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
			$19, $20, $21, $22, $23, $24, $25)`),
		// The entry before the first one a batch appends must exist: fails
		// with SQLSTATE 22012 when it does not.
		entryExists: q(`SELECT 1 / count(*) FROM {entries} WHERE ns = $1 AND account = $2 AND seq = $3`),
		// Version checks run before any write: a write computed from a
		// stale read could break a CHECK constraint, which must be reported
		// as the conflict it is, not as bad data. Each fails with SQLSTATE
		// 22012 when the stored version is not the one expected.
		accountAt:      q(`SELECT 1 / count(*) FROM {accounts} WHERE ns = $1 AND id = $2 AND version = $3`),
		accountAbsent:  q(`SELECT 1 / (1 - count(*)) FROM {accounts} WHERE ns = $1 AND id = $2`),
		documentAt:     q(`SELECT 1 / count(*) FROM {documents} WHERE ns = $1 AND id = $2 AND version = $3`),
		documentAbsent: q(`SELECT 1 / (1 - count(*)) FROM {documents} WHERE ns = $1 AND id = $2`),
		insertIdempotency: q(`INSERT INTO {idempotency} (ns, idem_key, op, fingerprint, result, at)
			VALUES ($1, $2, $3, $4, $5, $6)`),
		accountIDs:      q(`SELECT id FROM {accounts} WHERE ns = $1 AND id COLLATE "C" > $2 ORDER BY id COLLATE "C"`),
		findIdempotency: q(`SELECT ` + idempotencyCols + ` FROM {idempotency} WHERE ns = $1 AND idem_key = $2`),

		history: q(`SELECT ` + entryCols + ` FROM {entries}
			WHERE ns = $1 AND account = $2 AND seq > $3 ORDER BY seq LIMIT $4`),
		historyAll: q(`SELECT ` + entryCols + ` FROM {entries}
			WHERE ns = $1 AND account = $2 AND seq > $3 ORDER BY seq`),
		entryAt: q(`SELECT ` + entryCols + ` FROM {entries}
			WHERE ns = $1 AND account = $2 AND at <= $3 ORDER BY at DESC, seq DESC LIMIT 1`),
		documentsSelect: q(`SELECT ` + prefixCols("d.", documentCols) + ` FROM {documents} d`),
		documentsCursor: q(` LEFT JOIN {documents} c ON c.ns = d.ns AND c.id = $%d`),
	}
}

// prefixCols qualifies each column of a column list with prefix.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Names of kinds and statuses, as stored.
var (
	accountKinds = names([]credit.AccountKind{credit.Term, credit.Prepaid})
	docKinds     = names([]invoice.Kind{invoice.Invoice, invoice.DebitMemo, invoice.CreditMemo,
		invoice.Payment, invoice.Prepayment, invoice.Credit})
	statuses = names([]invoice.Status{invoice.Open, invoice.Paid, invoice.Void, invoice.Closed,
		invoice.Reversed, invoice.Refunded, invoice.Expired})
)

// names maps the String of each value back to it.
func names[T fmt.Stringer](all []T) map[string]T {
	m := make(map[string]T, len(all))
	for _, v := range all {
		m[v.String()] = v
	}
	return m
}

// name returns the stored name of v, which must be one of known.
func name[T comparable](what string, v T, s string, known map[string]T) (string, error) {
	if k, ok := known[s]; !ok || k != v {
		return "", fmt.Errorf("postgres: unknown %s %v", what, v)
	}
	return s, nil
}

// parseName returns the value stored as s.
func parseName[T any](what, s string, known map[string]T) (T, error) {
	v, ok := known[s]
	if !ok {
		return v, fmt.Errorf("postgres: stored %s %q is unknown", what, s)
	}
	return v, nil
}

// amount returns the value written for m: its plain decimal text, or NULL
// for the zero Money. m must be in cur when it is valid.
func amount(field string, m money.Money, cur money.Currency) (any, error) {
	if !m.IsValid() {
		return nil, nil
	}
	if m.Currency() != cur {
		return nil, fmt.Errorf("postgres: %s is in %s, not in the record's currency %s", field, m.Currency(), cur)
	}
	return m.Amount(), nil
}

// currencyOf returns the currency of the first valid Money of ms (the zero
// Currency if none is valid).
func currencyOf(ms ...money.Money) money.Currency {
	for _, m := range ms {
		if m.IsValid() {
			return m.Currency()
		}
	}
	return money.Currency{}
}

// readMoney reads an amount written by amount; NULL is the zero Money.
func readMoney(field string, cur money.Currency, text *string) (money.Money, error) {
	if text == nil {
		return money.Money{}, nil
	}
	s := *text
	if strings.ContainsAny(s, "eE") {
		// Some engines print a decimal with an exponent: make it plain.
		var d apd.Decimal
		if _, _, err := d.SetString(s); err != nil {
			return money.Money{}, fmt.Errorf("postgres: stored %s %q: %w", field, s, err)
		}
		s = d.Text('f')
	}
	m, err := money.New(cur, s)
	if err != nil {
		return money.Money{}, fmt.Errorf("postgres: stored %s: %w", field, err)
	}
	return m, nil
}

// readCurrency reads a currency code; "" is the zero Currency.
func readCurrency(code string) (money.Currency, error) {
	if code == "" {
		return money.Currency{}, nil
	}
	c, err := money.ParseCurrency(code)
	if err != nil {
		return c, fmt.Errorf("postgres: stored currency: %w", err)
	}
	return c, nil
}

// ts returns the value written for a time: truncated to the microsecond.
func ts(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

// optTime returns the value written for an optional time: NULL when zero.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// readTime returns a stored time in UTC; NULL is the zero time.
func readTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func accountArgs(ns string, a credit.Account) ([]any, error) {
	kind, err := name("account kind", a.Kind, a.Kind.String(), accountKinds)
	if err != nil {
		return nil, err
	}
	cur := a.Currency
	limit, err1 := amount("limit", a.Limit, cur)
	cr, err2 := amount("credit", a.Credit, cur)
	dr, err3 := amount("debit", a.Debit, cur)
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("account %q: %w", a.ID, err)
	}
	return []any{ns, a.ID, cur.Code(), kind, a.Party.Company, a.Party.Person, limit, a.AllowExceed,
		cr, dr, a.Seq, ts(a.Updated), a.Head, ts(a.Created), a.Version}, nil
}

func scanAccount(row pgx.Row) (credit.Account, error) {
	var a credit.Account
	var code, kind string
	var limit, cr, dr *string
	var updated, created pgtype.Timestamptz
	if err := row.Scan(&a.ID, &code, &kind, &a.Party.Company, &a.Party.Person, &limit, &a.AllowExceed,
		&cr, &dr, &a.Seq, &updated, &a.Head, &created, &a.Version); err != nil {
		return a, err
	}
	var err1, err2, err3, err4, err5 error
	a.Currency, err1 = readCurrency(code)
	a.Kind, err2 = parseName("account kind", kind, accountKinds)
	a.Limit, err3 = readMoney("limit", a.Currency, limit)
	a.Credit, err4 = readMoney("credit", a.Currency, cr)
	a.Debit, err5 = readMoney("debit", a.Currency, dr)
	a.Updated, a.Created = readTime(updated), readTime(created)
	return a, firstErr(err1, err2, err3, err4, err5)
}

func documentArgs(ns string, d invoice.Document) ([]any, error) {
	kind, err := name("document kind", d.Kind, d.Kind.String(), docKinds)
	if err != nil {
		return nil, fmt.Errorf("document %q: %w", d.ID, err)
	}
	status, err := name("document status", d.Status, d.Status.String(), statuses)
	if err != nil {
		return nil, fmt.Errorf("document %q: %w", d.ID, err)
	}
	cur := currencyOf(d.Amount, d.Open)
	amt, err1 := amount("amount", d.Amount, cur)
	open, err2 := amount("open balance", d.Open, cur)
	if err := firstErr(err1, err2); err != nil {
		return nil, fmt.Errorf("document %q: %w", d.ID, err)
	}
	return []any{ns, d.ID, d.Account, kind, cur.Code(), amt, open, ts(d.Issued), optTime(d.Due),
		optTime(d.Expires), d.Recurring, status, d.BillTo.Company, d.BillTo.Person, d.Reason,
		d.Reference, d.Original, d.Version}, nil
}

func scanDocument(row pgx.Row) (invoice.Document, error) {
	var d invoice.Document
	var kind, code, status string
	var amt, open *string
	var issued, due, expires pgtype.Timestamptz
	if err := row.Scan(&d.ID, &d.Account, &kind, &code, &amt, &open, &issued, &due, &expires,
		&d.Recurring, &status, &d.BillTo.Company, &d.BillTo.Person, &d.Reason, &d.Reference,
		&d.Original, &d.Version); err != nil {
		return d, err
	}
	cur, err1 := readCurrency(code)
	var err2, err3, err4, err5 error
	d.Kind, err2 = parseName("document kind", kind, docKinds)
	d.Status, err3 = parseName("document status", status, statuses)
	d.Amount, err4 = readMoney("amount", cur, amt)
	d.Open, err5 = readMoney("open balance", cur, open)
	d.Issued, d.Due, d.Expires = readTime(issued), readTime(due), readTime(expires)
	return d, firstErr(err1, err2, err3, err4, err5)
}

func applicationArgs(ns string, a credit.Application) ([]any, error) {
	cur := a.Amount.Currency()
	amt, _ := amount("amount", a.Amount, cur)
	return []any{ns, a.ID, a.Credit, a.Debit, a.CreditAccount, a.DebitAccount, cur.Code(), amt,
		a.Reverses, a.Policy, a.Operation, a.By, ts(a.At)}, nil
}

func scanApplication(row pgx.Row) (credit.Application, error) {
	var a credit.Application
	var code string
	var amt *string
	var at pgtype.Timestamptz
	if err := row.Scan(&a.ID, &a.Credit, &a.Debit, &a.CreditAccount, &a.DebitAccount, &code, &amt,
		&a.Reverses, &a.Policy, &a.Operation, &a.By, &at); err != nil {
		return a, err
	}
	cur, err1 := readCurrency(code)
	var err2 error
	a.Amount, err2 = readMoney("amount", cur, amt)
	a.At = readTime(at)
	return a, firstErr(err1, err2)
}

func entryArgs(ns string, e credit.Entry) ([]any, error) {
	cur := currencyOf(e.Amount, e.CreditChange, e.DebitChange, e.After.Credit, e.After.Debit,
		e.After.Outstanding, e.After.Limit, e.After.Available)
	vals := make([]any, 8)
	var errs [8]error
	for i, m := range []struct {
		field string
		m     money.Money
	}{{"amount", e.Amount}, {"credit change", e.CreditChange}, {"debit change", e.DebitChange},
		{"credit after", e.After.Credit}, {"debit after", e.After.Debit},
		{"outstanding after", e.After.Outstanding}, {"limit after", e.After.Limit},
		{"available after", e.After.Available}} {
		vals[i], errs[i] = amount(m.field, m.m, cur)
	}
	if err := firstErr(errs[:]...); err != nil {
		return nil, fmt.Errorf("entry %d of account %q: %w", e.Seq, e.Account, err)
	}
	orig, _ := amount("original", e.Original, e.Original.Currency())
	return []any{ns, e.Account, e.Seq, ts(e.At), string(e.Op), e.Document, cur.Code(), vals[0],
		e.Original.Currency().Code(), orig, e.Rate.String(), vals[1], vals[2], vals[3], vals[4],
		vals[5], vals[6], vals[7], e.By, e.Reference, e.Comment, e.Operation, e.Residual, e.Prev, e.Hash}, nil
}

func scanEntry(row pgx.Row) (credit.Entry, error) {
	var e credit.Entry
	var op, code, origCode, rate string
	var amt, orig *string
	var vals [7]*string
	var at pgtype.Timestamptz
	if err := row.Scan(&e.Account, &e.Seq, &at, &op, &e.Document, &code, &amt, &origCode, &orig, &rate,
		&vals[0], &vals[1], &vals[2], &vals[3], &vals[4], &vals[5], &vals[6],
		&e.By, &e.Reference, &e.Comment, &e.Operation, &e.Residual, &e.Prev, &e.Hash); err != nil {
		return e, err
	}
	e.Op, e.At = credit.Operation(op), readTime(at)
	cur, err := readCurrency(code)
	if err != nil {
		return e, err
	}
	oc, err := readCurrency(origCode)
	if err != nil {
		return e, err
	}
	var errs [10]error
	e.Amount, errs[0] = readMoney("amount", cur, amt)
	e.Original, errs[1] = readMoney("original", oc, orig)
	if rate != "" {
		e.Rate, errs[2] = money.ParseRate(rate)
	}
	for i, dst := range []*money.Money{&e.CreditChange, &e.DebitChange, &e.After.Credit, &e.After.Debit,
		&e.After.Outstanding, &e.After.Limit, &e.After.Available} {
		*dst, errs[3+i] = readMoney("balance", cur, vals[i])
	}
	return e, firstErr(errs[:]...)
}

func idempotencyArgs(ns string, r *credit.Idempotency) []any {
	return []any{ns, r.Key, string(r.Op), r.Fingerprint, r.Result, ts(r.At)}
}

func scanIdempotency(row pgx.Row) (credit.Idempotency, error) {
	var r credit.Idempotency
	var op string
	var at pgtype.Timestamptz
	if err := row.Scan(&r.Key, &op, &r.Fingerprint, &r.Result, &at); err != nil {
		return r, err
	}
	r.Op, r.At = credit.Operation(op), readTime(at)
	return r, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
