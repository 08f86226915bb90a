package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// partNames are the phases that measure parts of a uniform Apply apart,
// in the order they run.
var partNames = []string{"load", "floor", "checked", "store"}

// part is one of those phases.
type part struct {
	name string
	op   op
}

// parts returns the phases of partNames with their operations.
func (ds *dataset) parts(cs *countingStore, pool *pgxpool.Pool) []part {
	return []part{{"load", ds.loadOp(cs)}, {"floor", ds.floorOp(pool)}, {"checked", ds.checkedOp(pool)}, {"store", ds.storeOp(cs)}}
}

// Values of the widths an Apply writes: a fingerprint and hashes of 64 hex
// digits, an encoded result of about a hundred bytes.
var (
	aHash   = strings.Repeat("ab", 32)
	aResult = make([]byte, 100)
)

// inSchema puts the store's schema where sql has §.
func inSchema(sql string) string {
	return strings.ReplaceAll(sql, "§", pgx.Identifier{*flagSchema}.Sanitize()+".")
}

// anApply is a fresh uniform pair and the names of what an Apply of it
// writes: its account, a new key, operation and application, and the
// entry's lists of documents and applications as JSON.
type anApply struct {
	pair
	account, key, operation, app, docs, apps string
}

// fresh takes the next uniform pair, or reports that none is left.
func (ds *dataset) fresh() (anApply, bool) {
	i := ds.next.Add(1) - 1
	if i >= int64(len(ds.uniform)) {
		return anApply{}, false
	}
	p := ds.uniform[i]
	key := "p" + strconv.FormatInt(ds.keys.Add(1), 10)
	app := "app-" + key
	return anApply{pair: p, account: p.credit[:strings.LastIndex(p.credit, "-c")], key: key, operation: "op-" + key,
		app: app, docs: `["` + p.credit + `","` + p.debit + `"]`, apps: `["` + app + `"]`}, true
}

// floorOp writes the rows one Apply of a fresh pair writes, with none of
// the Ledger's work: no read before the write, no checks in Go, no
// encoding of records, plain statements of SQL that does the arithmetic
// itself. One SERIALIZABLE transaction sent as one pgx.Batch, like the
// transfer, into the store's own tables with their indexes and
// constraints: the idempotency record, the application, both documents
// (paid and closed, so they leave the index of open documents as an
// Apply's do), the account's balances, sequence and head, and the entry
// after them. What it costs is the least any Apply on this schema could
// cost from this client; the distance from it to the uniform phase is
// what the Ledger's reads, checks and encoding add.
func (ds *dataset) floorOp(pool *pgxpool.Pool) op {
	idem := inSchema(`INSERT INTO §idempotency (ns, idem_key, op, fingerprint, result, at) VALUES ($1, $2, 'credit_applied', $3, $4, now())`)
	app := inSchema(`INSERT INTO §applications (ns, id, credit, debit, credit_account, debit_account, currency, amount, operation, principal, at)
		VALUES ($1, $2, $3, $4, $5, $5, 'USD', 10.00, $6, 'bench', now())`)
	doc := inSchema(`UPDATE §documents SET open_amount = 0, status = $3, version = version + 1 WHERE ns = $1 AND id = $2`)
	acct := inSchema(`UPDATE §accounts SET credit = credit - 10.00, debit = debit - 10.00, seq = seq + 1, head = $3, updated = now(), version = version + 1
		WHERE ns = $1 AND id = $2`)
	entry := inSchema(`INSERT INTO §entries (ns, account, seq, at, op, currency, amount, credit_change, debit_change,
			after_credit, after_debit, after_outstanding, after_limit, after_available, principal, operation, prev, hash, documents, applications)
		SELECT ns, id, seq, now(), 'credit_applied', currency, 10.00, -10.00, -10.00,
			credit, debit, debit, limit_amount, limit_amount, 'bench', $3, $4, head, $5, $6
		FROM §accounts WHERE ns = $1 AND id = $2`)
	return func(ctx context.Context, _ *credit.Ledger, _ *rand.Rand) (int, error) {
		a, ok := ds.fresh()
		if !ok {
			return 0, errExhausted
		}
		return 1, serializable(ctx, pool, func(b *pgx.Batch) {
			b.Queue(idem, ns, a.key, aHash, aResult)
			b.Queue(app, ns, a.app, a.credit, a.debit, a.account, a.operation)
			b.Queue(doc, ns, a.credit, "closed")
			b.Queue(doc, ns, a.debit, "paid")
			b.Queue(acct, ns, a.account, aHash)
			b.Queue(entry, ns, a.account, a.operation, aHash, a.docs, a.apps)
		})
	}
}

// loadOp makes the one read an Apply of a fresh pair makes (its
// documents with their account, the debit's applications and the key),
// and writes nothing: with floorOp, it splits an Apply's cost into its
// read, its write and the rest.
func (ds *dataset) loadOp(cs *countingStore) op {
	return func(ctx context.Context, _ *credit.Ledger, _ *rand.Rand) (int, error) {
		f, ok := ds.fresh()
		if !ok {
			return 0, errExhausted
		}
		p, key := f.pair, f.key
		snap, err := cs.Store.Load(ctx, credit.Query{Namespace: ns, Documents: []string{p.credit, p.debit},
			DocumentAccounts: true, ApplicationsOf: []string{p.debit}, Idempotency: key})
		if err == nil && len(snap.Documents) != 2 {
			err = fmt.Errorf("load of %s and %s found %d documents", p.credit, p.debit, len(snap.Documents))
		}
		return 0, err
	}
}

// checkedOp is floorOp with the checks a Commit makes, written as plain
// statements, one per record: every column of a record set (a store
// writes whole records; those this driver cannot know without a read are
// set to themselves), each update refused unless its row passes a
// version predicate (version >= 1, which every row passes: with no read,
// the expected version is unknown, and the predicate costs what
// version = expected would), the entry before the new one probed, each
// check failing its statement (and so the transaction) by a division by
// zero. What it costs against floorOp is what the checks add; against
// loadOp and storeOp, what the store's one-statement write and its
// encoding add beyond it.
func (ds *dataset) checkedOp(pool *pgxpool.Pool) op {
	idem := inSchema(`INSERT INTO §idempotency (ns, idem_key, op, fingerprint, result, at) VALUES ($1, $2, 'credit_applied', $3, $4, $5)`)
	app := inSchema(`INSERT INTO §applications (ns, id, credit, debit, credit_account, debit_account, currency, amount, reverses, policy,
			operation, principal, at, value_currency, debit_value, difference)
		VALUES ($1, $2, $3, $4, $5, $5, 'USD', $6::numeric, '', '', $7, 'bench', $8, '', NULL, NULL)`)
	doc := inSchema(`WITH w AS (UPDATE §documents SET account = $3, kind = $4, currency = 'USD', amount = $5::numeric, open_amount = $6::numeric,
			issued = issued, due = due, expires = NULL, recurring = false, status = $7, bill_to_company = '', bill_to_person = '',
			reason = '', reference = '', original = '', version = version + 1, labels = '{}'::jsonb, rate = '',
			functional_currency = '', functional = NULL, functional_open = NULL
		WHERE ns = $1 AND id = $2 AND version >= $8 RETURNING 1) SELECT 1 / count(*) FROM w`)
	acct := inSchema(`WITH w AS (UPDATE §accounts SET currency = 'USD', kind = kind, party_company = '', party_person = '', limit_amount = limit_amount,
			allow_exceed = false, credit = credit - $3::numeric, debit = debit - $3::numeric, seq = seq + 1, updated = $4, head = $5,
			created = created, version = version + 1, hold = '', closed = NULL
		WHERE ns = $1 AND id = $2 AND version >= $6 RETURNING 1) SELECT 1 / count(*) FROM w`)
	entry := inSchema(`WITH we AS (INSERT INTO §entries (ns, account, seq, at, op, document, currency, amount, original_currency, original, rate,
			credit_change, debit_change, after_credit, after_debit, after_outstanding, after_limit, after_available, principal,
			reference, comment, operation, residual, prev, hash, documents, applications)
		SELECT ns, id, seq + 1, $3::timestamptz, 'credit_applied', '', currency, $4::numeric, '', NULL, '', $5::numeric, $5::numeric,
			credit, debit, debit, limit_amount, limit_amount, 'bench', '', '', $6, '', $7, head, $8::jsonb, $9::jsonb
		FROM §accounts WHERE ns = $1 AND id = $2
		UNION ALL SELECT ns, id, seq, '-infinity'::timestamptz, '', '', '', NULL::numeric, '', NULL::numeric, '', NULL::numeric, NULL::numeric,
			NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, '', '', '', '', '', '', '', '[]'::jsonb, '[]'::jsonb
		FROM §accounts WHERE ns = $1 AND id = $2
		ON CONFLICT (ns, account, seq) DO NOTHING RETURNING at = '-infinity' AS probe)
		SELECT 1 / CASE WHEN count(*) FILTER (WHERE probe) = 0 AND count(*) = 1 THEN 1 ELSE 0 END FROM we`)
	return func(ctx context.Context, _ *credit.Ledger, _ *rand.Rand) (int, error) {
		a, ok := ds.fresh()
		if !ok {
			return 0, errExhausted
		}
		now := time.Now()
		return 1, serializable(ctx, pool, func(b *pgx.Batch) {
			b.Queue(entry, ns, a.account, now, "10.00", "-10.00", a.operation, aHash, a.docs, a.apps)
			b.Queue(acct, ns, a.account, "10.00", now, aHash, int64(1))
			b.Queue(doc, ns, a.credit, a.account, "payment", "10.00", "0.00", "closed", int64(1))
			b.Queue(doc, ns, a.debit, a.account, "invoice", "10.00", "0.00", "paid", int64(1))
			b.Queue(app, ns, a.app, a.credit, a.debit, a.account, "10.00", a.operation, now)
			b.Queue(idem, ns, a.key, aHash, aResult, now)
		})
	}
}

// storeOp is an Apply of a fresh pair made straight on the store, with
// none of the Ledger's work: the read loadOp makes, then a Commit of the
// records an Apply writes, built here from what was read (the account's
// balances, sequence and head moved on, both documents settled, the
// application, the entry and the key). Against loadOp with checkedOp, it
// measures what the store's write costs beyond plain statements; against
// the uniform phase, what the Ledger adds around the store.
func (ds *dataset) storeOp(cs *countingStore) op {
	zero := money.Zero(usd)
	return func(ctx context.Context, _ *credit.Ledger, _ *rand.Rand) (int, error) {
		f, ok := ds.fresh()
		if !ok {
			return 0, errExhausted
		}
		p, key := f.pair, f.key
		for {
			snap, err := cs.Store.Load(ctx, credit.Query{Namespace: ns, Documents: []string{p.credit, p.debit},
				DocumentAccounts: true, ApplicationsOf: []string{p.debit}, Idempotency: key})
			if err != nil {
				return 0, err
			}
			c, d := snap.Documents[p.credit], snap.Documents[p.debit]
			a, ok := snap.Accounts[c.Account]
			if !ok {
				return 0, fmt.Errorf("no account %q", c.Account)
			}
			now := time.Now().UTC().Truncate(time.Microsecond)
			c.Open, d.Open = zero, zero
			c.Status, d.Status = invoice.Closed, invoice.Paid
			c.Version++
			d.Version++
			if a.Credit, err = a.Credit.Sub(ten); err != nil {
				return 0, err
			}
			if a.Debit, err = a.Debit.Sub(ten); err != nil {
				return 0, err
			}
			a.Seq++
			a.Version++
			a.Updated = now
			app := credit.Application{ID: f.app, Credit: c.ID, Debit: d.ID, CreditAccount: a.ID, DebitAccount: a.ID,
				Amount: ten, Operation: f.operation, By: user.ID, At: now}
			e := credit.Entry{Account: a.ID, Seq: a.Seq, At: now, Kind: credit.CreditApplied, Documents: []string{c.ID, d.ID},
				Applications: []string{app.ID}, Amount: ten, CreditChange: ten.Neg(), DebitChange: ten.Neg(),
				After: a.Balances(), By: user.ID, Operation: app.Operation, Prev: a.Head}
			e.Hash = credit.EntryHash(e)
			a.Head = e.Hash
			err = cs.Commit(ctx, &credit.Batch{Namespace: ns, Accounts: []credit.Account{a}, Documents: []invoice.Document{c, d},
				Applications: []credit.Application{app}, Entries: []credit.Entry{e},
				Idempotency: &credit.Idempotency{Key: key, Kind: credit.CreditApplied, Fingerprint: e.Hash, Result: aResult, At: now}})
			if !errors.Is(err, credit.ErrConflict) {
				return 1, err
			}
		}
	}
}

// consolidateFloorOp writes the rows one Consolidate of a fresh group
// writes, with none of the Ledger's or the store's work, as floorOp does
// for an Apply: each account's five credits applied to its five invoices
// of the same amount. One SERIALIZABLE transaction sent as one pgx.Batch
// of four set-based statements: the idempotency record, the 50
// applications, the 100 documents (all settled, so they leave the index of
// open documents), and the 10 accounts' balances, sequence and head with
// an entry for each account after them. What it costs per application is the
// least any Consolidate on this schema could cost from this client.
func (ds *dataset) consolidateFloorOp(pool *pgxpool.Pool) op {
	idem := inSchema(`INSERT INTO §idempotency (ns, idem_key, op, fingerprint, result, at) VALUES ($1, $2, 'credits_consolidated', $3, $4, now())`)
	apps := inSchema(`INSERT INTO §applications (ns, id, credit, debit, credit_account, debit_account, currency, amount, operation, principal, at)
		SELECT $1, u.id, u.c, u.d, u.a, u.a, 'USD', 10.00, $2, 'bench', now()
		FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, c, d, a)`)
	// Documents and accounts are found as the store finds them, through
	// INSERT … ON CONFLICT DO UPDATE on the primary key (the proposed row
	// is never inserted: every one exists), which takes no SERIALIZABLE
	// predicate lock; an UPDATE … WHERE id = ANY(…) locks leaf pages of
	// the primary key that neighbouring groups' writes then hit, and half
	// the calls failed with 40001. The entries take their accounts' new
	// figures from the upsert's RETURNING, for the same reason.
	docs := inSchema(`INSERT INTO §documents AS t (ns, id, account, kind, currency, amount, open_amount, issued, status, version)
		SELECT $1, u.id, '', '', 'USD', 10.00, 0, now(), u.status, 1 FROM unnest($2::text[], $3::text[]) AS u(id, status)
		ON CONFLICT (ns, id) DO UPDATE SET open_amount = 0, status = excluded.status, version = t.version + 1`)
	accountsAndEntries := inSchema(`WITH wa AS (INSERT INTO §accounts AS t (ns, id, currency, kind, seq, updated, created, version)
			SELECT $1, u.id, 'USD', 'term', 0, now(), now(), 1 FROM unnest($2::text[]) AS u(id)
			ON CONFLICT (ns, id) DO UPDATE SET credit = t.credit - 50.00, debit = t.debit - 50.00, seq = t.seq + 1, head = $3,
				updated = now(), version = t.version + 1
			RETURNING t.ns, t.id, t.seq, t.currency, t.credit, t.debit, t.limit_amount, t.head)
		INSERT INTO §entries (ns, account, seq, at, op, currency, amount, credit_change, debit_change,
			after_credit, after_debit, after_outstanding, after_limit, after_available, principal, operation, prev, hash, documents, applications)
		SELECT a.ns, a.id, a.seq, now(), 'credits_consolidated', a.currency, 50.00, -50.00, -50.00,
			a.credit, a.debit, a.debit, a.limit_amount, a.limit_amount, 'bench', $4, $3, a.head, u.docs, u.apps
		FROM unnest($2::text[], $5::jsonb[], $6::jsonb[]) AS u(id, docs, apps) JOIN wa a ON a.id = u.id`)
	return func(ctx context.Context, _ *credit.Ledger, _ *rand.Rand) (int, error) {
		g := ds.gNext.Add(1) - 1
		if g >= int64(len(ds.groups)) {
			return 0, errExhausted
		}
		accounts := ds.groups[g]
		key := "f" + strconv.FormatInt(ds.keys.Add(1), 10)
		operation := "op-" + key
		var appIDs, credits, debits, appAccounts, docIDs, statuses, docLists, appLists []string
		for _, a := range accounts {
			var docs, apps []string
			for j := range ds.groupPairs {
				c, d := fmt.Sprintf("%s-c%d", a, j), fmt.Sprintf("%s-d%d", a, j)
				app := fmt.Sprintf("app-%s-%d", key, len(appIDs))
				appIDs, credits, debits, appAccounts = append(appIDs, app), append(credits, c), append(debits, d), append(appAccounts, a)
				docIDs, statuses = append(docIDs, c, d), append(statuses, "closed", "paid")
				docs, apps = append(docs, `"`+c+`"`, `"`+d+`"`), append(apps, `"`+app+`"`)
			}
			docLists = append(docLists, "["+strings.Join(docs, ",")+"]")
			appLists = append(appLists, "["+strings.Join(apps, ",")+"]")
		}
		return len(appIDs), serializable(ctx, pool, func(b *pgx.Batch) {
			b.Queue(idem, ns, key, aHash, aResult)
			b.Queue(apps, ns, operation, appIDs, credits, debits, appAccounts)
			b.Queue(docs, ns, docIDs, statuses)
			b.Queue(accountsAndEntries, ns, accounts, aHash, operation, docLists, appLists)
		})
	}
}

// consolidateLoadOp makes the one read a Consolidate of a fresh group
// makes (its accounts and their open documents), and writes nothing: with
// consolidateFloorOp, what a Consolidate that read and then wrote plainly
// would cost. It reads no more than its share of the groups, from those
// no phase has taken, and so leaves the next phase its own: reads are
// quicker than Consolidates, and the phase may end before its time (the
// driver says so, and its rates are over the time it ran).
func (ds *dataset) consolidateLoadOp(cs *countingStore) op {
	end := min(ds.gNext.Load()+int64(ds.groupShare), int64(len(ds.groups)))
	return func(ctx context.Context, _ *credit.Ledger, _ *rand.Rand) (int, error) {
		g := ds.gNext.Add(1) - 1
		if g >= end {
			return 0, errExhausted
		}
		accounts := ds.groups[g]
		snap, err := cs.Store.Load(ctx, credit.Query{Namespace: ns, Accounts: accounts, OpenOf: accounts})
		if want := len(accounts) * 2 * ds.groupPairs; err == nil && len(snap.Documents) != want {
			err = fmt.Errorf("load of group %d found %d documents, not %d", g, len(snap.Documents), want)
		}
		return 0, err
	}
}
