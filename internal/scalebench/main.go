// Command scalebench measures how the cost of the stores' reads and of the
// Ledger's operations grows with the data: the rows of "cost that does not
// grow with the data", on the memory store and on PostgreSQL, in one run.
//
// Each data set is built for each size in a store of its own (a fresh
// Memory, or a fresh schema analyzed after its first batch and once
// seeded):
//
//   - documents: one account holding N open invoices and one open payment,
//     beside 2,000 other accounts of 5 documents each, for N = 100 and
//     N = 100,000 (-n);
//   - accounts: a namespace of A accounts, for A = 1,000 and 100,000
//     (-accounts), inserted in no particular order;
//   - ledger, lines, consolidate: the Ledger's operations (see ledger.go).
//
// Each read is called a few times to warm up (prepared statements, plan
// caches, and at least 50 ms), then -runs times (the lines data set: once,
// then -lineruns times); a call that writes is undone after it, untimed.
// The table gives the median wall-clock time of a call (per line or per
// account where the name says so) at each size, and the ratio of the
// largest size over the smallest. A read whose cost does not grow with the
// data has a ratio near 1.
//
//	scripts/with-postgres.sh go run ./internal/scalebench     # make bench-scale
//	go run ./internal/scalebench -stores memory               # no database
//	go run ./internal/scalebench -stores memory -sets ledger  # some data sets
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
	"runtime/pprof"
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
	flagStores      = flag.String("stores", "memory,postgres", "stores to measure: memory, postgres")
	flagN           = flag.String("n", "100,100000", "open invoices of the large account, comma-separated")
	flagAccounts    = flag.String("accounts", "1000,100000", "accounts of the listed namespace, comma-separated")
	flagOthers      = flag.Int("others", 2000, "other accounts beside the large one")
	flagRuns        = flag.Int("runs", 15, "measured calls of each read (the median is reported)")
	flagWarm        = flag.Int("warm", 12, "calls of each read before it is measured")
	flagURL         = flag.String("url", os.Getenv("ARCREDIT_POSTGRES_URL"), "PostgreSQL URL (default $ARCREDIT_POSTGRES_URL)")
	flagPage        = flag.Int("page", 50, "page size of the listings")
	flagKeep        = flag.Bool("keep", false, "keep the PostgreSQL schemas, to look at them (their names go to stderr)")
	flagProfile     = flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flagSets        = flag.String("sets", "documents,accounts,ledger,lines,consolidate", "data sets to measure, comma-separated")
	flagLines       = flag.String("lines", "1000,10000,100000", "lines of the one Apply and the one Commit, comma-separated")
	flagLineRuns    = flag.Int("lineruns", 3, "measured calls of each read of the lines data set")
	flagConsolidate = flag.String("consolidate", "10,1000", "accounts of one Consolidate, comma-separated")
)

var (
	usd = money.MustCurrency("USD")
	t0  = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

const ns = "scale"

func main() {
	flag.Parse()
	if *flagProfile != "" {
		f, err := os.Create(*flagProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "scalebench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(context.Background()); err != nil {
		pprof.StopCPUProfile()
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
			// VACUUM too, so that autovacuum does not run on the tables
			// just filled while they are measured.
			_, err := pool.Exec(ctx, "VACUUM ANALYZE "+strings.Join(tables, ", "))
			return err
		}
		return s, analyze, drop, nil
	}}
}

// read is one measured call.
type read struct {
	name string
	call func(ctx context.Context) error
	// undo, when set, runs after each call, untimed: it puts back what
	// the call wrote, so that every call meets the same data.
	undo func(ctx context.Context) error
	// per, when above 1, divides the time: the cost per line or account.
	per int
}

// set is a data set measured at several sizes.
type set struct {
	unit  string // the letter the table names the size by
	sizes []int
	seed  func(context.Context, credit.Store, int) error
	reads func(credit.Store, int) []read
	// warm and runs, when set, replace -warm and -runs (the sets whose
	// every call writes thousands of records).
	warm, runs int
}

// row is one line of the table: a read's medians by size.
type row struct {
	store, name string
	set         *set
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
	ls, err := ints(*flagLines)
	if err != nil {
		return fmt.Errorf("-lines: %w", err)
	}
	cs, err := ints(*flagConsolidate)
	if err != nil {
		return fmt.Errorf("-consolidate: %w", err)
	}
	sets := map[string]*set{
		"documents":   {unit: "N", sizes: ns, seed: seedDocuments, reads: documentReads},
		"accounts":    {unit: "A", sizes: as, seed: seedAccounts, reads: accountReads},
		"ledger":      {unit: "N", sizes: ns, seed: seedLedger, reads: ledgerReads},
		"lines":       {unit: "L", sizes: ls, seed: seedLines, reads: lineReads, warm: 1, runs: *flagLineRuns},
		"consolidate": {unit: "C", sizes: cs, seed: seedConsolidate, reads: consolidateReads},
	}
	var rows []*row
	record := func(store string, st *set, size int, r read, d time.Duration) {
		for _, x := range rows {
			if x.store == store && x.name == r.name {
				x.medians[size] = d
				return
			}
		}
		rows = append(rows, &row{store: store, name: r.name, set: st, medians: map[int]time.Duration{size: d}})
	}
	for _, b := range backends {
		for _, name := range strings.Split(*flagSets, ",") {
			st, ok := sets[strings.TrimSpace(name)]
			if !ok {
				return fmt.Errorf("-sets: unknown data set %q", name)
			}
			for _, n := range st.sizes {
				if err := measure(ctx, b, st, n, record); err != nil {
					return fmt.Errorf("%s, %s, %s=%d: %w", b.name, name, st.unit, n, err)
				}
			}
		}
	}
	print(rows)
	return nil
}

// measure seeds a fresh store of b with the data set st at size n and
// records the median of every read of st.
func measure(ctx context.Context, b backend, st *set, n int,
	record func(string, *set, int, read, time.Duration)) error {
	s, ready, drop, err := b.open(ctx)
	if err != nil {
		return err
	}
	defer drop()
	start := time.Now()
	analyze = ready
	if err := st.seed(ctx, s, n); err != nil {
		return err
	}
	if err := ready(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scalebench: %s seeded (%s=%d) in %v\n", b.name, st.unit, n, time.Since(start).Round(time.Millisecond))
	warm, runs := *flagWarm, *flagRuns
	if st.runs > 0 {
		warm, runs = st.warm, st.runs
	}
	for _, r := range st.reads(s, n) {
		call := func() (time.Duration, error) {
			start := time.Now()
			err := r.call(ctx)
			d := time.Since(start)
			if err == nil && r.undo != nil {
				err = r.undo(ctx)
			}
			if err != nil {
				err = fmt.Errorf("%s: %w", r.name, err)
			}
			return d, err
		}
		// Warm up for a number of calls and at least 50 ms: the first
		// reads of a process run slower, whatever the size.
		for i, start := 0, time.Now(); i < warm || st.runs == 0 && time.Since(start) < 50*time.Millisecond; i++ {
			if _, err := call(); err != nil {
				return err
			}
		}
		runtime.GC() // a collection started by the warm-up would slow the measured calls
		times := make([]time.Duration, runs)
		for i := range times {
			if times[i], err = call(); err != nil {
				return err
			}
		}
		slices.Sort(times)
		med := times[len(times)/2]
		if r.per > 1 {
			med /= time.Duration(r.per)
		}
		record(b.name, st, n, r, med)
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
	ctx      context.Context
	s        credit.Store
	b        credit.Batch
	err      error
	analyzed bool
}

const batchSize = 10000

func (c *committer) account(a credit.Account) {
	c.b.Accounts = append(c.b.Accounts, a)
	c.maybeFlush()
}

func (c *committer) document(d invoice.Document) {
	c.b.Documents = append(c.b.Documents, d)
	c.maybeFlush()
}

func (c *committer) application(a credit.Application) {
	c.b.Applications = append(c.b.Applications, a)
	c.maybeFlush()
}

func (c *committer) maybeFlush() {
	if len(c.b.Accounts)+len(c.b.Documents)+len(c.b.Applications) >= batchSize {
		c.flush()
	}
}

func (c *committer) flush() {
	if c.err == nil && len(c.b.Accounts)+len(c.b.Documents)+len(c.b.Applications) > 0 {
		c.b.Namespace = ns
		c.err = c.s.Commit(c.ctx, &c.b)
		if c.err == nil && !c.analyzed && analyze != nil {
			// Statistics from the first batch on: the plans of a table
			// never analyzed cannot tell a lookup by key from a scan
			// of the namespace (README: Cost at scale).
			c.analyzed = true
			c.err = analyze(c.ctx)
		}
	}
	c.b = credit.Batch{}
}

// analyze, when set, makes the statistics of the store being seeded.
var analyze func(context.Context) error

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
		{name: "Documents, first page of " + strconv.Itoa(page), call: docs(credit.DocumentFilter{Account: big, Limit: page}, page)},
		{name: "Documents, page after a cursor half-way", call: docs(credit.DocumentFilter{Account: big, After: half, Limit: page}, rest)},
		{name: "Documents, open invoices after a cursor half-way", call: docs(credit.DocumentFilter{Account: big, OpenOnly: true,
			Kinds: []invoice.Kind{invoice.Invoice}, After: half, Limit: page}, rest)},
		{name: "Documents, the open credits", call: docs(credit.DocumentFilter{Account: big, OpenOnly: true, Kinds: credits}, 1)},
		{name: "Load, one account", call: load(credit.Query{Accounts: []string{other}}, 1)},
		{name: "Load, one document", call: load(credit.Query{Documents: []string{other + "-d1"}}, 1)},
		{name: "Load, open documents of a small account", call: load(credit.Query{OpenOf: []string{other}}, 5)},
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
		{name: "AccountIDs, first page of " + strconv.Itoa(page), call: list("", min(page, a))},
		{name: "AccountIDs, page after a cursor half-way", call: list(fmt.Sprintf("c%07d", a/2), min(page, a-a/2-1))},
	}
}

// print writes the table: each read's median at every size of its data
// set, and the ratio of the largest over the smallest.
func print(rows []*row) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "store\tread\tmedians\tratio\n")
	for _, r := range rows {
		sizes := r.set.sizes
		var ms []string
		for _, n := range sizes {
			ms = append(ms, fmt.Sprintf("%s=%d: %s", r.set.unit, n, dur(r.medians[n])))
		}
		lo, hi := slices.Min(sizes), slices.Max(sizes)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.store, r.name, strings.Join(ms, "; "), ratio(r.medians[hi], r.medians[lo]))
	}
	_ = w.Flush()
}

// dur prints a duration under 1 µs in ns, else in µs or ms with one
// decimal (integers only, as the other figures of the repository).
func dur(d time.Duration) string {
	if d < time.Microsecond {
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	}
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
