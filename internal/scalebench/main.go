// Command scalebench measures how the cost of the stores' reads grows with
// the data: the store-level rows of "cost that does not grow with the
// data", on the memory store and on PostgreSQL, in one run.
//
// Two data sets are built for each size, each in a store of its own (a
// fresh Memory, or a fresh schema analyzed once seeded):
//
//   - documents: one account holding N open invoices and one open payment,
//     beside 2,000 other accounts of 5 documents each, for N = 100 and
//     N = 100,000 (-n);
//   - accounts: a namespace of A accounts, for A = 1,000 and 100,000
//     (-accounts), inserted in no particular order.
//
// Each read is called a few times to warm up (prepared statements, plan
// caches, and at least 50 ms), then -runs times; the table gives the median wall-clock time of
// a call at the smallest and at the largest size, and their ratio. A read
// whose cost does not grow with the data has a ratio near 1.
//
//	scripts/with-postgres.sh go run ./internal/scalebench     # make bench-scale
//	go run ./internal/scalebench -stores memory               # no database
package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/store/postgres"
)

var (
	flagStores   = flag.String("stores", "memory,postgres", "stores to measure: memory, postgres")
	flagN        = flag.String("n", "100,100000", "open invoices of the large account, comma-separated")
	flagAccounts = flag.String("accounts", "1000,100000", "accounts of the listed namespace, comma-separated")
	flagOthers   = flag.Int("others", 2000, "other accounts beside the large one")
	flagRuns     = flag.Int("runs", 15, "measured calls of each read (the median is reported)")
	flagWarm     = flag.Int("warm", 12, "calls of each read before it is measured")
	flagURL      = flag.String("url", os.Getenv("ARCREDIT_POSTGRES_URL"), "PostgreSQL URL (default $ARCREDIT_POSTGRES_URL)")
	flagPage     = flag.Int("page", 50, "page size of the listings")
	flagKeep     = flag.Bool("keep", false, "keep the PostgreSQL schemas, to look at them (their names go to stderr)")
)

var (
	usd = money.MustCurrency("USD")
	t0  = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

const ns = "scale"

func main() {
	flag.Parse()
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

// backend makes fresh stores of one kind.
type backend struct {
	name string
	// open returns an empty store, a function that makes it ready to be
	// measured once seeded (ANALYZE on PostgreSQL), and one that drops it.
	open func(ctx context.Context) (credit.Store, func(context.Context) error, func(), error)
}

func memoryBackend() backend {
	return backend{name: "memory", open: func(context.Context) (credit.Store, func(context.Context) error, func(), error) {
		return store.NewMemory(), func(context.Context) error { return nil }, func() {}, nil
	}}
}

func postgresBackend(pool *pgxpool.Pool) backend {
	return backend{name: "postgres", open: func(ctx context.Context) (credit.Store, func(context.Context) error, func(), error) {
		var b [6]byte
		_, _ = crand.Read(b[:])
		schema := "scalebench_" + hex.EncodeToString(b[:])
		drop := func() {
			if *flagKeep {
				fmt.Fprintln(os.Stderr, "scalebench: kept schema", schema)
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
				fmt.Fprintln(os.Stderr, "scalebench: dropping", schema+":", err)
			}
		}
		s := postgres.New(pool, postgres.Options{Schema: schema})
		if err := s.Migrate(ctx); err != nil {
			drop()
			return nil, nil, nil, err
		}
		analyze := func(ctx context.Context) error {
			var tables []string
			for _, t := range []string{"accounts", "documents", "applications", "entries", "idempotency"} {
				tables = append(tables, pgx.Identifier{schema, t}.Sanitize())
			}
			_, err := pool.Exec(ctx, "ANALYZE "+strings.Join(tables, ", "))
			return err
		}
		return s, analyze, drop, nil
	}}
}

// read is one measured call.
type read struct {
	name string
	call func(ctx context.Context) error
}

// row is one line of the table: a read's medians by size.
type row struct {
	store, name string
	medians     map[int]time.Duration
}

func run(ctx context.Context) error {
	ns, err := ints(*flagN)
	if err != nil {
		return fmt.Errorf("-n: %w", err)
	}
	as, err := ints(*flagAccounts)
	if err != nil {
		return fmt.Errorf("-accounts: %w", err)
	}
	var backends []backend
	for _, name := range strings.Split(*flagStores, ",") {
		switch strings.TrimSpace(name) {
		case "memory":
			backends = append(backends, memoryBackend())
		case "postgres":
			if *flagURL == "" {
				return errors.New("no database for -stores postgres: set ARCREDIT_POSTGRES_URL or -url (scripts/with-postgres.sh sets it)")
			}
			cfg, err := pgxpool.ParseConfig(*flagURL)
			if err != nil {
				return err
			}
			cfg.MaxConns = 2
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				return err
			}
			defer pool.Close()
			backends = append(backends, postgresBackend(pool))
		default:
			return fmt.Errorf("-stores: unknown store %q", name)
		}
	}
	var rows []*row
	record := func(store string, size int, r read, d time.Duration) {
		for _, x := range rows {
			if x.store == store && x.name == r.name {
				x.medians[size] = d
				return
			}
		}
		rows = append(rows, &row{store: store, name: r.name, medians: map[int]time.Duration{size: d}})
	}
	for _, b := range backends {
		for _, n := range ns {
			if err := measure(ctx, b, n, seedDocuments, documentReads, record); err != nil {
				return fmt.Errorf("%s, documents, N=%d: %w", b.name, n, err)
			}
		}
		for _, a := range as {
			if err := measure(ctx, b, a, seedAccounts, accountReads, record); err != nil {
				return fmt.Errorf("%s, accounts, A=%d: %w", b.name, a, err)
			}
		}
	}
	print(rows, ns, as)
	return nil
}

// measure seeds a fresh store of b at size n and records the median of
// every read of reads.
func measure(ctx context.Context, b backend, n int,
	seed func(context.Context, credit.Store, int) error,
	reads func(credit.Store, int) []read,
	record func(string, int, read, time.Duration)) error {
	s, ready, drop, err := b.open(ctx)
	if err != nil {
		return err
	}
	defer drop()
	start := time.Now()
	if err := seed(ctx, s, n); err != nil {
		return err
	}
	if err := ready(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scalebench: %s seeded (size %d) in %v\n", b.name, n, time.Since(start).Round(time.Millisecond))
	for _, r := range reads(s, n) {
		// Warm up for a number of calls and at least 50 ms: the first
		// reads of a process run slower, whatever the size.
		for i, warm := 0, time.Now(); i < *flagWarm || time.Since(warm) < 50*time.Millisecond; i++ {
			if err := r.call(ctx); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
		}
		runtime.GC() // a collection started by the warm-up would slow the measured calls
		times := make([]time.Duration, *flagRuns)
		for i := range times {
			start := time.Now()
			if err := r.call(ctx); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			times[i] = time.Since(start)
		}
		slices.Sort(times)
		record(b.name, n, r, times[len(times)/2])
	}
	return nil
}

// The large account of the documents data set, the ids of its invoices,
// and the ids of the other accounts.
const big = "big"

func invoiceID(i int) string { return fmt.Sprintf("inv-%07d", i) }
func otherID(i int) string   { return fmt.Sprintf("acct-%05d", i) }

func account(id string) credit.Account {
	z := money.Zero(usd)
	return credit.Account{ID: id, Currency: usd, Kind: credit.Term, Limit: z, Credit: z, Debit: z,
		Created: t0, Updated: t0, Version: 1}
}

func document(id, acct string, kind invoice.Kind, issued time.Time) invoice.Document {
	a := money.MustParse("USD 10.00")
	return invoice.Document{ID: id, Account: acct, Kind: kind, Amount: a, Open: a, Issued: issued,
		Due: issued.AddDate(0, 1, 0), Status: invoice.Open, Version: 1}
}

// committer gathers records and commits them in batches of a bounded size.
type committer struct {
	ctx context.Context
	s   credit.Store
	b   credit.Batch
	err error
}

const batchSize = 1000 // the write of a Commit grows faster than its batch

func (c *committer) account(a credit.Account) {
	c.b.Accounts = append(c.b.Accounts, a)
	c.maybeFlush()
}

func (c *committer) document(d invoice.Document) {
	c.b.Documents = append(c.b.Documents, d)
	c.maybeFlush()
}

func (c *committer) maybeFlush() {
	if len(c.b.Accounts)+len(c.b.Documents) >= batchSize {
		c.flush()
	}
}

func (c *committer) flush() {
	if c.err == nil && len(c.b.Accounts)+len(c.b.Documents) > 0 {
		c.b.Namespace = ns
		c.err = c.s.Commit(c.ctx, &c.b)
	}
	c.b = credit.Batch{}
}

// seedDocuments writes the large account with n open invoices (two at each
// issue time, so that ids break ties) and one open payment, and the other
// accounts with three invoices and two payments each.
func seedDocuments(ctx context.Context, s credit.Store, n int) error {
	c := &committer{ctx: ctx, s: s}
	c.account(account(big))
	c.flush()
	c.document(document("pay-big", big, invoice.Payment, t0))
	for i := range n {
		c.document(document(invoiceID(i), big, invoice.Invoice, t0.Add(time.Duration(i/2)*time.Minute)))
	}
	c.flush()
	for i := range *flagOthers {
		id := otherID(i)
		c.account(account(id))
		for j := range 5 {
			kind := invoice.Invoice
			if j >= 3 {
				kind = invoice.Payment
			}
			c.document(document(fmt.Sprintf("%s-d%d", id, j), id, kind, t0.Add(time.Duration(j)*time.Hour)))
		}
	}
	c.flush()
	return c.err
}

func documentReads(s credit.Store, n int) []read {
	page := *flagPage
	half := invoiceID(n / 2)
	rest := min(page, n-n/2-1) // invoices after the one half-way
	other := otherID(*flagOthers / 2)
	docs := func(f credit.DocumentFilter, want int) func(context.Context) error {
		return func(ctx context.Context) error {
			got, err := s.Documents(ctx, ns, f)
			if err == nil && len(got) != want {
				err = fmt.Errorf("%d documents, want %d", len(got), want)
			}
			return err
		}
	}
	load := func(q credit.Query, want int) func(context.Context) error {
		return func(ctx context.Context) error {
			q.Namespace = ns
			snap, err := s.Load(ctx, q)
			if err == nil && len(snap.Accounts)+len(snap.Documents) != want {
				err = fmt.Errorf("%d records, want %d", len(snap.Accounts)+len(snap.Documents), want)
			}
			return err
		}
	}
	credits := []invoice.Kind{invoice.CreditMemo, invoice.Payment, invoice.Prepayment, invoice.CreditGrant}
	return []read{
		{"Documents, first page of " + strconv.Itoa(page), docs(credit.DocumentFilter{Account: big, Limit: page}, page)},
		{"Documents, page after a cursor half-way", docs(credit.DocumentFilter{Account: big, After: half, Limit: page}, rest)},
		{"Documents, open invoices after a cursor half-way", docs(credit.DocumentFilter{Account: big, OpenOnly: true,
			Kinds: []invoice.Kind{invoice.Invoice}, After: half, Limit: page}, rest)},
		{"Documents, the open credits", docs(credit.DocumentFilter{Account: big, OpenOnly: true, Kinds: credits}, 1)},
		{"Load, one account", load(credit.Query{Accounts: []string{other}}, 1)},
		{"Load, one document", load(credit.Query{Documents: []string{other + "-d1"}}, 1)},
		{"Load, open documents of a small account", load(credit.Query{OpenOf: []string{other}}, 5)},
	}
}

// seedAccounts writes a accounts whose ids come in a shuffled order.
func seedAccounts(ctx context.Context, s credit.Store, a int) error {
	c := &committer{ctx: ctx, s: s}
	r := rand.New(rand.NewPCG(1, 2))
	for _, i := range r.Perm(a) {
		c.account(account(fmt.Sprintf("c%07d", i)))
	}
	c.flush()
	return c.err
}

func accountReads(s credit.Store, a int) []read {
	lister, ok := s.(credit.AccountLister)
	if !ok {
		return nil
	}
	page := *flagPage
	list := func(after string, want int) func(context.Context) error {
		return func(ctx context.Context) error {
			ids, err := lister.AccountIDs(ctx, ns, after, page)
			if err == nil && len(ids) != want {
				err = fmt.Errorf("%d ids, want %d", len(ids), want)
			}
			return err
		}
	}
	return []read{
		{"AccountIDs, first page of " + strconv.Itoa(page), list("", min(page, a))},
		{"AccountIDs, page after a cursor half-way", list(fmt.Sprintf("c%07d", a/2), min(page, a-a/2-1))},
	}
}

// print writes the table: each read's median at the smallest and the
// largest size of its data set, and their ratio.
func print(rows []*row, ns, as []int) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "store\tread\tsmall\tlarge\tratio\n")
	for _, r := range rows {
		sizes := ns
		unit := "N"
		if strings.HasPrefix(r.name, "AccountIDs") {
			sizes, unit = as, "A"
		}
		lo, hi := slices.Min(sizes), slices.Max(sizes)
		fmt.Fprintf(w, "%s\t%s\t%s=%d: %s\t%s=%d: %s\t%s\n", r.store, r.name,
			unit, lo, dur(r.medians[lo]), unit, hi, dur(r.medians[hi]), ratio(r.medians[hi], r.medians[lo]))
	}
	_ = w.Flush()
}

// dur prints a duration in µs or ms with one decimal (integers only, as
// the other figures of the repository).
func dur(d time.Duration) string {
	tenthsOfUs := d.Nanoseconds() / 100
	if tenthsOfUs < 10000 {
		return fmt.Sprintf("%d.%d µs", tenthsOfUs/10, tenthsOfUs%10)
	}
	return fmt.Sprintf("%d.%d ms", tenthsOfUs/10000, tenthsOfUs/1000%10)
}

// ratio prints hi/lo with two decimals.
func ratio(hi, lo time.Duration) string {
	if lo <= 0 {
		return "-"
	}
	r := (int64(hi)*100 + int64(lo)/2) / int64(lo)
	return fmt.Sprintf("%d.%02d×", r/100, r%100)
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}
