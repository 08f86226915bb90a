package postgres

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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
		credit::text, debit::text, seq, updated, head, created, version, hold, closed`
	documentCols = `id, account, kind, currency, amount::text, open_amount::text, issued, due, expires,
		recurring, status, bill_to_company, bill_to_person, reason, reference, original, version,
		labels::text, rate, functional_currency, functional::text, functional_open::text`
	applicationCols = `id, credit, debit, credit_account, debit_account, currency, amount::text,
		reverses, policy, operation, principal, at, value_currency, debit_value::text, difference::text`
	entryCols = entryColsBeforeLists + `, documents::text, applications::text`
	// entryColsBeforeLists are the columns an entry had before migration
	// 0005 added its lists of documents and applications.
	entryColsBeforeLists = `account, seq, at, op, document, currency, amount::text, original_currency,
		original::text, rate, credit_change::text, debit_change::text, after_credit::text,
		after_debit::text, after_outstanding::text, after_limit::text, after_available::text,
		principal, reference, comment, operation, residual, prev, hash`
	idempotencyCols = `idem_key, op, fingerprint, result, at`
	// accountColsOrEmpty are the columns of accountCols of a row a that
	// may be missing, with the NOT NULL ones made empty.
	accountColsOrEmpty = `coalesce(a.id, ''), coalesce(a.currency, ''), coalesce(a.kind, ''),
		coalesce(a.party_company, ''), coalesce(a.party_person, ''), a.limit_amount,
		coalesce(a.allow_exceed, false), a.credit, a.debit, coalesce(a.seq, 0), a.updated,
		coalesce(a.head, ''), a.created, coalesce(a.version, 0), coalesce(a.hold, ''), a.closed`
)

// statements is the SQL of the store with its table names resolved.
type statements struct {
	loadAccounts, loadDocuments, loadOpenDocuments, loadIdempotency   string
	loadDocumentsAndAccounts                                          string
	loadApplicationsOf, loadApplications, loadApplicationsOfOperation string

	write                            string
	accountVersions                  string
	documentVersions                 string
	findIdempotency, accountIDs      string
	history, historyAll, entryAt     string
	documentsSelect, documentsCursor string
	documentsMerge                   string
}

func newStatements(table func(string) string) statements {
	q := func(sql string) string { return bindNames(sql, table) }
	return statements{
		// Each read of Load looks its rows up one key at a time: a
		// LATERAL subquery per element of the array of keys, fenced by
		// OFFSET 0 so that it stays a lookup on its index. The keys are
		// walked by unnest of a scalar subquery of the array (keys): the
		// planner sizes unnest of an array it cannot see at 10 elements,
		// in the plan of the prepared statement and in the plan of each
		// call alike, so the two cost the same and the server keeps the
		// one generic plan instead of planning every call (unnest of the
		// array itself is sized from each call's array). An estimate of
		// 10 keys keeps every plan cheap: sized at 1,000 keys (as
		// generate_subscripts is), 1,000 times the rows of an average
		// account pushed the estimate of a read of open documents past
		// jit_above_cost once one account held most of a large table, and
		// every call spent ~10 ms compiling. unnest walks the array once;
		// a subscript of a text[] walks it from its start, so looking
		// keys up as ($2::text[])[i] cost O(n²) for n keys.
		loadAccounts:  q(byKeys(accountCols, "{accounts}", "id", "")),
		loadDocuments: q(byKeys(documentCols, "{documents}", "id", "")),
		// The documents with their accounts, in one statement (a read of
		// the accounts apart looked each document up a second time): a
		// document's row carries its account's columns, NULL but for
		// has = false when the account is not there, which coalesce makes
		// scannable.
		loadDocumentsAndAccounts: q(`SELECT d.*, a.id IS NOT NULL AS has, ` + accountColsOrEmpty + ` FROM ` + keys + `,
			LATERAL (SELECT ` + documentCols + ` FROM {documents} WHERE ns = $1 AND id = k.key OFFSET 0) AS d
			LEFT JOIN LATERAL (SELECT ` + accountCols + ` FROM {accounts} WHERE ns = $1 AND id = d.account OFFSET 0) AS a
			ON true`),
		loadOpenDocuments: q(byKeys(documentCols, "{documents}", "account", "AND status = 'open'")),
		// By credit, then by debit. An application whose credit and
		// debit are both named comes twice, and Load keeps it once: a
		// condition leaving it out of the second branch (NOT credit =
		// ANY($2)) compared each row with every key, O(n²) for n keys.
		loadApplicationsOf: q(byKeys(applicationCols, "{applications}", "credit", "") + `
			UNION ALL ` + byKeys(applicationCols, "{applications}", "debit", "")),
		loadApplications: q(byKeys(applicationCols, "{applications}", "id", "")),
		// By operation: a one-element array, so that the estimate of the
		// rows of one operation is the same in every plan.
		loadApplicationsOfOperation: q(byKeys(applicationCols, "{applications}", "operation", "")),
		loadIdempotency:             q(`SELECT ` + idempotencyCols + ` FROM {idempotency} WHERE ns = $1 AND idem_key = $2`),

		// Every check and write of a Commit in one statement, from one
		// array per column.
		//
		// chk comes first, after we: the entry before the first one appended
		// to an account ($75, $76) exists. Each other write reads chk in its
		// WHERE, so chk runs before their first row is built, and a failed
		// check divides by zero before they write any. The entries are not
		// read: we proposes, beside the entries of the batch, a probe row
		// (at -infinity, empty but for its key) for each entry that must
		// exist, ON CONFLICT DO NOTHING, and an entry that is there is not
		// written, so the check is that we wrote no probe (a probe it did
		// write goes with the failed statement; a new entry whose key is
		// taken is not written either, and the count of rows written catches
		// it). A conflict is found through the primary key with no
		// SERIALIZABLE predicate lock, where a lookup of the entries by
		// SELECT locked the leaf pages of an index, which the appends of
		// neighbouring accounts in other transactions then hit: Consolidates
		// of accounts with a history were retried 0.8–1.0 times each. An
		// entry still being appended by another transaction is waited for,
		// and one it then commits, unseen by this transaction's snapshot,
		// fails it with SQLSTATE 40001, a conflict as well. The probes go in
		// the one INSERT into entries because an engine may refuse two
		// modifications of a table in one statement (docs/scaling.md). The
		// arrays are walked together by unnest of scalar subqueries, whose
		// row estimate does not depend on the arrays, so that the server
		// keeps one generic plan, and which reads each array once: with
		// generate_subscripts and ($16::text[])[i], each subscript walked
		// the text[] from its start, and a batch of 50,000 documents spent
		// 5 s of its 8 in the check.
		//
		// Accounts and documents are not read: they go through INSERT …
		// ON CONFLICT DO UPDATE, which finds each row through the primary
		// key however many there are (a join with the arrays may scan a
		// whole table) and updates an existing one only when it is at the
		// version before the one written, so the version check is the
		// write itself. That takes no SERIALIZABLE predicate lock: a
		// lookup of the same rows by SELECT locks the leaf pages of the
		// primary key and, past two rows of a heap page, the whole page,
		// which the writes of neighbouring accounts and documents in
		// other transactions then hit (a third of the Consolidates of ten
		// neighbouring accounts failed with 40001). A record of version 1
		// is proposed as it is and must be new: an existing row is not at
		// version 0, so it is not written. A record of a later version
		// must exist, so it is proposed at its version plus unseen (2⁶²,
		// a version no record reaches): updated, it gets its own version
		// back; inserted, because there was no row to update, it keeps
		// the marked one, which RETURNING shows. The count of rows
		// written at an unmarked version must be $74: a stale record, an
		// existing one written as new or a missing one written as
		// existing fails with SQLSTATE 22012 before COMMIT, and the
		// marked row goes with the rest of the transaction.
		write: q(`WITH
			we AS (INSERT INTO {entries} (ns, account, seq, at, op, document, currency,
				amount, original_currency, original, rate, credit_change, debit_change, after_credit,
				after_debit, after_outstanding, after_limit, after_available, principal, reference,
				comment, operation, residual, prev, hash, documents, applications)
				SELECT $1, account, seq, at, op, document, currency, amount::numeric,
				original_currency, original::numeric, rate, credit_change::numeric,
				debit_change::numeric, after_credit::numeric, after_debit::numeric,
				after_outstanding::numeric, after_limit::numeric, after_available::numeric, principal,
				reference, comment, operation, residual, prev, hash, documents::jsonb,
				applications::jsonb
				FROM unnest($45::text[], $46::int8[], $47::timestamptz[], $48::text[],
				$49::text[], $50::text[], $51::text[], $52::text[], $53::text[], $54::text[],
				$55::text[], $56::text[], $57::text[], $58::text[], $59::text[], $60::text[],
				$61::text[], $62::text[], $63::text[], $64::text[], $65::text[], $66::text[],
				$67::text[], $68::text[], $80::text[], $81::text[])
				AS v(account, seq, at, op, document, currency, amount, original_currency,
				original, rate, credit_change, debit_change, after_credit, after_debit,
				after_outstanding, after_limit, after_available, principal, reference, comment,
				operation, residual, prev, hash, documents, applications)
				UNION ALL SELECT $1, account, seq, '-infinity', '', '', '', NULL, '', NULL, '',
				NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', '', '', '', '', '', '', '[]', '[]'
				FROM unnest((SELECT $75::text[]), (SELECT $76::int8[])) AS p(account, seq)
				ON CONFLICT (ns, account, seq) DO NOTHING RETURNING at = '-infinity' AS probe),
			chk AS MATERIALIZED (SELECT 1 / CASE WHEN (SELECT count(*) FROM we WHERE probe) = 0 THEN 1 ELSE 0 END AS ok),
			wa AS (INSERT INTO {accounts} AS t (ns, id, currency, kind, party_company,
				party_person, limit_amount, allow_exceed, credit, debit, seq, updated, head, created,
				version, hold, closed)
				SELECT $1, id, currency, kind, party_company, party_person, limit_amount::numeric,
				allow_exceed, credit::numeric, debit::numeric, seq, updated, head, created,
				CASE WHEN version = 1 THEN 1 ELSE version + ` + unseen + ` END, hold, closed
				FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
				$7::text[], $8::bool[], $9::text[], $10::text[], $11::int8[], $12::timestamptz[],
				$13::text[], $14::timestamptz[], $15::int8[], $78::text[], $79::timestamptz[])
				AS v(id, currency, kind, party_company, party_person, limit_amount, allow_exceed,
				credit, debit, seq, updated, head, created, version, hold, closed)
				WHERE (SELECT ok FROM chk) = 1
				ON CONFLICT (ns, id) DO UPDATE SET currency = excluded.currency,
				kind = excluded.kind, party_company = excluded.party_company,
				party_person = excluded.party_person, limit_amount = excluded.limit_amount,
				allow_exceed = excluded.allow_exceed, credit = excluded.credit, debit = excluded.debit,
				seq = excluded.seq, updated = excluded.updated, head = excluded.head,
				created = excluded.created, version = excluded.version - ` + unseen + `,
				hold = excluded.hold, closed = excluded.closed
				WHERE t.version = excluded.version - ` + unseen + ` - 1 RETURNING t.version),
			wd AS (INSERT INTO {documents} AS t (ns, id, account, kind, currency, amount,
				open_amount, issued, due, expires, recurring, status, bill_to_company, bill_to_person,
				reason, reference, original, version, labels, rate, functional_currency, functional,
				functional_open)
				SELECT $1, id, account, kind, currency, amount::numeric, open_amount::numeric, issued,
				due, expires, recurring, status, bill_to_company, bill_to_person, reason, reference,
				original, CASE WHEN version = 1 THEN 1 ELSE version + ` + unseen + ` END, labels::jsonb,
				rate, functional_currency, functional::numeric, functional_open::numeric
				FROM unnest($16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
				$21::text[], $22::timestamptz[], $23::timestamptz[], $24::timestamptz[], $25::bool[],
				$26::text[], $27::text[], $28::text[], $29::text[], $30::text[], $31::text[],
				$32::int8[], $77::text[], $82::text[], $83::text[], $84::text[], $85::text[])
				AS v(id, account, kind, currency, amount, open_amount, issued, due, expires,
				recurring, status, bill_to_company, bill_to_person, reason, reference, original,
				version, labels, rate, functional_currency, functional, functional_open)
				WHERE (SELECT ok FROM chk) = 1
				ON CONFLICT (ns, id) DO UPDATE SET account = excluded.account,
				kind = excluded.kind, currency = excluded.currency, amount = excluded.amount,
				open_amount = excluded.open_amount, issued = excluded.issued, due = excluded.due,
				expires = excluded.expires, recurring = excluded.recurring, status = excluded.status,
				bill_to_company = excluded.bill_to_company, bill_to_person = excluded.bill_to_person,
				reason = excluded.reason, reference = excluded.reference, original = excluded.original,
				version = excluded.version - ` + unseen + `, labels = excluded.labels, rate = excluded.rate,
				functional_currency = excluded.functional_currency, functional = excluded.functional,
				functional_open = excluded.functional_open
				WHERE t.version = excluded.version - ` + unseen + ` - 1 RETURNING t.version),
			wp AS (INSERT INTO {applications} (ns, id, credit, debit, credit_account,
				debit_account, currency, amount, reverses, policy, operation, principal, at,
				value_currency, debit_value, difference)
				SELECT $1, id, credit, debit, credit_account, debit_account, currency,
				amount::numeric, reverses, policy, operation, principal, at, value_currency,
				debit_value::numeric, difference::numeric
				FROM unnest($33::text[], $34::text[], $35::text[], $36::text[], $37::text[],
				$38::text[], $39::text[], $40::text[], $41::text[], $42::text[], $43::text[],
				$44::timestamptz[], $86::text[], $87::text[], $88::text[])
				AS v(id, credit, debit, credit_account, debit_account, currency, amount, reverses,
				policy, operation, principal, at, value_currency, debit_value, difference)
				WHERE (SELECT ok FROM chk) = 1 RETURNING 1),
			wi AS (INSERT INTO {idempotency} (ns, idem_key, op, fingerprint, result, at)
				SELECT $1, idem_key, op, fingerprint, result, at
				FROM unnest($69::text[], $70::text[], $71::text[], $72::bytea[],
				$73::timestamptz[])
				AS v(idem_key, op, fingerprint, result, at)
				WHERE (SELECT ok FROM chk) = 1 RETURNING 1)
			SELECT (SELECT ok FROM chk) / CASE WHEN (SELECT count(*) FROM wa WHERE version < ` + unseen + `)
				+ (SELECT count(*) FROM wd WHERE version < ` + unseen + `)
				+ (SELECT count(*) FROM wp) + (SELECT count(*) FROM we WHERE NOT probe) + (SELECT count(*) FROM wi)
				= $74::int8 THEN 1 ELSE 0 END`),
		// The versions of the accounts and documents $2 of namespace $1,
		// read by Commit after a write failed a CHECK constraint, to tell
		// a write computed from a stale read from bad data. FOR UPDATE
		// waits for a transaction still writing one of them.
		accountVersions:  q(`SELECT id, version FROM {accounts} WHERE ns = $1 AND id = ANY($2) FOR UPDATE`),
		documentVersions: q(`SELECT id, version FROM {documents} WHERE ns = $1 AND id = ANY($2) FOR UPDATE`),
		// A range of the index accounts_by_id_c (ns, id COLLATE "C").
		accountIDs:      q(`SELECT id FROM {accounts} WHERE ns = $1 AND id COLLATE "C" > $2 ORDER BY id COLLATE "C"`),
		findIdempotency: q(`SELECT ` + idempotencyCols + ` FROM {idempotency} WHERE ns = $1 AND idem_key = $2`),

		history: q(`SELECT ` + entryCols + ` FROM {entries}
			WHERE ns = $1 AND account = $2 AND seq > $3 ORDER BY seq LIMIT $4`),
		historyAll: q(`SELECT ` + entryCols + ` FROM {entries}
			WHERE ns = $1 AND account = $2 AND seq > $3 ORDER BY seq`),
		entryAt: q(`SELECT ` + entryCols + ` FROM {entries}
			WHERE ns = $1 AND account = $2 AND at <= $3 ORDER BY at DESC, seq DESC LIMIT 1`),
		documentsSelect: q(`SELECT ` + prefixCols("d.", documentCols) + ` FROM {documents} d
			WHERE d.ns = $1 AND d.account = $2`),
		// The branches of one kind each of a page, merged.
		documentsMerge: `SELECT ` + documentCols + ` FROM (`,
		// After the cursor document's (issued, id): a row comparison,
		// which is a range of the index documents_by_kind_c (ns, account,
		// kind, issued, id COLLATE "C") or of its twin on open documents.
		// The cursor is looked up once, before the scans; a cursor that
		// does not exist gives (year 1, ''), before every document, so the
		// page starts at the first.
		documentsCursor: q(`WITH cur AS MATERIALIZED (SELECT coalesce(max(issued), '0001-01-01T00:00:00Z') AS issued,
			coalesce(max(id), '') AS id FROM {documents} WHERE ns = $1 AND id = %s) `),
	}
}

// unseen marks the version of a proposed row that must update an existing
// one (see newStatements, write): 2⁶², above any version a record
// reaches, so that version + unseen still fits in a bigint.
const unseen = "4611686018427387904"

// maxVersion is the highest version Commit writes: unseen − 1.
const maxVersion = 1<<62 - 1

// byKeys is a SELECT of cols from table, of the rows of namespace $1 whose
// key column equals an element of the array $2 and that meet the further
// condition and (may be empty). See newStatements.
func byKeys(cols, table, key, and string) string {
	return `SELECT r.* FROM ` + keys + `,
		LATERAL (SELECT ` + cols + ` FROM ` + table + `
			WHERE ns = $1 AND ` + key + ` = k.key ` + and + ` OFFSET 0) AS r`
}

// keys is the array of keys $2 as rows k(key), in its order, sized by the
// planner at 10 in every plan (see newStatements).
const keys = `unnest((SELECT $2::text[])) AS k(key)`

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
		invoice.Payment, invoice.Prepayment, invoice.CreditGrant})
	statuses = names([]invoice.Status{invoice.Open, invoice.Paid, invoice.Void, invoice.Closed,
		invoice.Reversed, invoice.Refunded, invoice.Expired})
)

// docKindNames are the stored names of the kinds of document, sorted.
var docKindNames = slices.Sorted(maps.Keys(docKinds))

// docKindName returns the stored name of k, and false for a kind the store
// does not know (which no stored document has).
func docKindName(k invoice.Kind) (string, bool) {
	s := k.String()
	v, ok := docKinds[s]
	return s, ok && v == k
}

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

// readTime returns a stored time in UTC; NULL is the zero time.
func readTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// The scan functions read into one struct of every destination, which
// escapes to the heap through Scan as one allocation rather than one per
// variable.

func scanAccount(row pgx.Row) (credit.Account, error) {
	v := &accountScan{}
	var dst [accountDests]any
	if err := row.Scan(v.dests(dst[:0])...); err != nil {
		return v.a, err
	}
	return v.account()
}

// accountScan holds the destinations of the columns accountCols.
type accountScan struct {
	a                        credit.Account
	code, kind               string
	limit, cr, dr            *string
	updated, created, closed pgtype.Timestamptz
}

// accountDests is the number of columns of accountCols.
const accountDests = 16

// dests appends the destinations of accountCols to dst.
func (v *accountScan) dests(dst []any) []any {
	a := &v.a
	return append(dst, &a.ID, &v.code, &v.kind, &a.Party.Company, &a.Party.Person, &v.limit, &a.AllowExceed,
		&v.cr, &v.dr, &a.Seq, &v.updated, &a.Head, &v.created, &a.Version, &a.Hold, &v.closed)
}

// account reads the account out of the scanned columns.
func (v *accountScan) account() (credit.Account, error) {
	a := &v.a
	a.Closed = readTime(v.closed)
	var err1, err2, err3, err4, err5 error
	a.Currency, err1 = readCurrency(v.code)
	a.Kind, err2 = parseName("account kind", v.kind, accountKinds)
	a.Limit, err3 = readMoney("limit", a.Currency, v.limit)
	a.Credit, err4 = readMoney("credit", a.Currency, v.cr)
	a.Debit, err5 = readMoney("debit", a.Currency, v.dr)
	a.Updated, a.Created = readTime(v.updated), readTime(v.created)
	return *a, firstErr(err1, err2, err3, err4, err5)
}

func scanDocument(row pgx.Row) (invoice.Document, error) {
	v := &documentScan{}
	var dst [documentDests]any
	if err := row.Scan(v.dests(dst[:0])...); err != nil {
		return v.d, err
	}
	return v.document()
}

// documentScan holds the destinations of the columns documentCols.
type documentScan struct {
	d                          invoice.Document
	kind, code, status         string
	amt, open                  *string
	issued, due, expires       pgtype.Timestamptz
	labels, rate, fcode        string
	functional, functionalOpen *string
}

// documentDests is the number of columns of documentCols.
const documentDests = 22

// dests appends the destinations of documentCols to dst.
func (v *documentScan) dests(dst []any) []any {
	d := &v.d
	return append(dst, &d.ID, &d.Account, &v.kind, &v.code, &v.amt, &v.open, &v.issued, &v.due, &v.expires,
		&d.Recurring, &v.status, &d.BillTo.Company, &d.BillTo.Person, &d.Reason, &d.Reference,
		&d.Original, &d.Version, &v.labels, &v.rate, &v.fcode, &v.functional, &v.functionalOpen)
}

// document reads the document out of the scanned columns.
func (v *documentScan) document() (invoice.Document, error) {
	d := &v.d
	var err0 error
	d.Labels, err0 = readLabels(v.labels)
	cur, err1 := readCurrency(v.code)
	var err2, err3, err4, err5, err6, err7, err8 error
	d.Kind, err2 = parseName("document kind", v.kind, docKinds)
	d.Status, err3 = parseName("document status", v.status, statuses)
	d.Amount, err4 = readMoney("amount", cur, v.amt)
	d.Open, err5 = readMoney("open balance", cur, v.open)
	d.Issued, d.Due, d.Expires = readTime(v.issued), readTime(v.due), readTime(v.expires)
	if v.rate != "" {
		if d.Rate, err6 = money.ParseRate(v.rate); err6 != nil {
			err6 = fmt.Errorf("postgres: stored rate: %w", err6)
		}
	}
	fcur, err7 := readCurrency(v.fcode)
	if err7 == nil {
		d.Functional, err7 = readMoney("functional amount", fcur, v.functional)
		d.FunctionalOpen, err8 = readMoney("functional open balance", fcur, v.functionalOpen)
	}
	return *d, firstErr(err0, err1, err2, err3, err4, err5, err6, err7, err8)
}

// scanDocumentAccount reads a row of loadDocumentsAndAccounts: a
// document's columns, then its account's, which are NULL when the account
// is not there (has is then false).
func scanDocumentAccount(row pgx.Row) (d invoice.Document, a credit.Account, has bool, err error) {
	v := &struct {
		d   documentScan
		a   accountScan
		has bool
	}{}
	var dst [documentDests + 1 + accountDests]any
	if err := row.Scan(v.a.dests(append(v.d.dests(dst[:0]), &v.has))...); err != nil {
		return d, a, false, err
	}
	if d, err = v.d.document(); err != nil || !v.has {
		return d, a, false, err
	}
	a, err = v.a.account()
	return d, a, true, err
}

// labelsText is the JSON object a document's labels are written as ("{}"
// for none).
func labelsText(labels map[string]string) (string, error) {
	if len(labels) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(labels)
	return string(b), err
}

// readLabels reads a stored JSON object of labels: nil for none, as the
// Ledger writes them.
func readLabels(text string) (map[string]string, error) {
	if text == "{}" {
		return nil, nil // most documents: no labels, no JSON decoder
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("postgres: stored labels: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

func scanApplication(row pgx.Row) (credit.Application, error) {
	v := &struct {
		a                      credit.Application
		code, vcode            string
		amt                    *string
		at                     pgtype.Timestamptz
		debitValue, difference *string
	}{}
	a := &v.a
	if err := row.Scan(&a.ID, &a.Credit, &a.Debit, &a.CreditAccount, &a.DebitAccount, &v.code, &v.amt,
		&a.Reverses, &a.Policy, &a.Operation, &a.By, &v.at, &v.vcode, &v.debitValue, &v.difference); err != nil {
		return *a, err
	}
	cur, err1 := readCurrency(v.code)
	var err2, err4, err5 error
	a.Amount, err2 = readMoney("amount", cur, v.amt)
	a.At = readTime(v.at)
	vcur, err3 := readCurrency(v.vcode)
	if err3 == nil {
		a.DebitValue, err4 = readMoney("debit value", vcur, v.debitValue)
		a.Difference, err5 = readMoney("difference", vcur, v.difference)
	}
	return *a, firstErr(err1, err2, err3, err4, err5)
}

func scanEntry(row pgx.Row) (credit.Entry, error) {
	var e credit.Entry
	var op, code, origCode, rate, residual, docs, apps string
	var amt, orig *string
	var vals [7]*string
	var at pgtype.Timestamptz
	if err := row.Scan(&e.Account, &e.Seq, &at, &op, &e.Document, &code, &amt, &origCode, &orig, &rate,
		&vals[0], &vals[1], &vals[2], &vals[3], &vals[4], &vals[5], &vals[6],
		&e.By, &e.Reference, &e.Comment, &e.Operation, &residual, &e.Prev, &e.Hash, &docs, &apps); err != nil {
		return e, err
	}
	e.Kind, e.At = credit.EntryKind(op), readTime(at)
	cur, err := readCurrency(code)
	if err != nil {
		return e, err
	}
	oc, err := readCurrency(origCode)
	if err != nil {
		return e, err
	}
	var errs [13]error
	if residual != "" {
		var d *apd.Decimal
		if d, _, errs[10] = apd.NewFromString(residual); errs[10] == nil {
			e.Residual, errs[10] = money.NewResidual(cur, d)
		}
	}
	if docs != "[]" {
		errs[11] = json.Unmarshal([]byte(docs), &e.Documents)
	}
	if apps != "[]" {
		errs[12] = json.Unmarshal([]byte(apps), &e.Applications)
	}
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

func scanIdempotency(row pgx.Row) (credit.Idempotency, error) {
	var r credit.Idempotency
	var op string
	var at pgtype.Timestamptz
	if err := row.Scan(&r.Key, &op, &r.Fingerprint, &r.Result, &at); err != nil {
		return r, err
	}
	r.Kind, r.At = credit.EntryKind(op), readTime(at)
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
