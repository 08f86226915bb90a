// Command benchdriver measures the Ledger on the PostgreSQL store against
// pgbench's tpcb-like transaction on the same server, and prints one table.
//
// Each measurement runs a fixed number of clients (goroutines, on a pool of
// as many connections) for a fixed duration, like pgbench -T:
//
//   - uniform: Apply of one credit to one invoice (explicit pair), each
//     operation on a fresh pair of an account drawn uniformly from many;
//   - hot: the same, with 90% of the operations on 10 accounts;
//   - consolidate: Consolidate of a group of 10 accounts, each with 5
//     credits and 5 invoices: 50 applications in one operation, measured
//     at the largest client count only;
//   - transfer (with -pgbench): a transfer between two of pgbench's
//     accounts drawn uniformly (two balances updated, a history row
//     inserted, one balance read back), SERIALIZABLE, sent as one
//     pgx.Batch and retried on serialization failure: what this client and
//     isolation level cost on their own, apart from the Ledger's work;
//   - load, floor, checked, store (asked for by -scenarios only): the
//     parts of a uniform Apply measured apart, each on fresh pairs of the
//     uniform set; consolidate-load and consolidate-floor, the read of a
//     Consolidate and its rows written in plain SQL, at the largest client
//     count (see floor.go).
//
// With -pgbench, it first initializes pgbench's tables (pgbench -i -s
// -scale) and then runs pgbench -M prepared -c N -j N -T duration just
// before each uniform measurement at N clients, so that both see the same
// server in the same state of noise.
//
//	go run ./store/postgres/internal/benchdriver -pgbench /usr/lib/postgresql/15/bin/pgbench
//
// It also reports the Ledger's retries (Commit calls that returned
// ErrConflict) per committed operation, latency percentiles (the Apply's
// p50 at each client count beside the transfer's), the CPU time per
// committed operation of the server's backends that serve the driver's
// pool (read from /proc, so only for a server on this machine; see
// backends) and of the driver's own process, and every error that reached
// the caller. scripts/bench.sh runs it against a
// throwaway server (make bench-pg).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
)

var (
	flagURL       = flag.String("url", os.Getenv("ARCREDIT_POSTGRES_URL"), "database URL (default $ARCREDIT_POSTGRES_URL)")
	flagClients   = flag.String("clients", "1,4,8", "client counts, comma-separated")
	flagDuration  = flag.Duration("duration", 10*time.Second, "length of each measurement")
	flagScenarios = flag.String("scenarios", "uniform,hot,hot-procs,consolidate,transfer", "what to measure: uniform, hot, hot-procs (the hot set with a Ledger per client, as that many processes would run it; at the largest client count), consolidate, transfer; and the parts of a uniform Apply, apart: load, floor, checked, store; and consolidate-load and consolidate-floor, a Consolidate's read and its rows in plain SQL (floor.go)")
	flagPgbench   = flag.String("pgbench", "", "path of pgbench; when set, tpcb-like is measured too")
	flagScale     = flag.Int("scale", 10, "pgbench scale factor (-s)")
	flagAccounts  = flag.Int("accounts", 10000, "accounts of the uniform set")
	flagRate      = flag.Int("max-rate", 3000, "operations per second to provision fresh pairs for")
	flagSchema    = flag.String("schema", "arcredit_bench", "schema of the store's tables (dropped first and at the end)")
	flagKeep      = flag.Bool("keep", false, "keep the schema at the end, to look at it")
	flagProfile   = flag.String("cpuprofile", "", "write a CPU profile of the measurements to this file")
	flagLedgers   = flag.Int("ledgers", 1, "Ledgers the clients of a phase share, client i using Ledger i mod n: as many application processes on one database, each with latches of its own (hot-procs: one per client)")
	flagWarmup    = flag.Duration("warmup", 3*time.Second, "uniform Apply run before the measurements, so that the tables have a history when analyzed")
)

// servers are the backends of the driver's pool.
var servers backends

var (
	usd  = money.MustCurrency("USD")
	ten  = money.MustParse("USD 10.00")
	ns   = "bench"
	user = credit.Principal{ID: "bench", Namespace: ns}
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchdriver:", err)
		os.Exit(1)
	}
}

// result is one measurement.
type result struct {
	scenario string
	clients  int
	ops      int64 // committed operations
	apps     int64 // applications written
	elapsed  time.Duration
	retries  int64 // Commit calls that returned ErrConflict
	p50, p99 time.Duration
	errs     map[string]int64 // errors returned to the caller, by sentinel
	// server is the CPU time of the pool's backends during the
	// measurement (serverOK false when it could not be read), client
	// that of this process.
	server, client time.Duration
	serverOK       bool
	// short is set when the phase ran out of seeded records before its
	// time was up: it ends there, and its rates are over the time it ran.
	short bool
	// rereads counts the operations' reads again after waiting for
	// another operation of the Ledger on an account they read.
	rereads int64
}

// The figures are integers: rates per second, ratios in percent or tenths,
// retries in thousandths per operation, so nothing here is a float.
func (r result) opsPerSec() int64  { return perSec(r.ops, r.elapsed) }
func (r result) appsPerSec() int64 { return perSec(r.apps, r.elapsed) }

// retriesPerOp returns retries per committed operation in thousandths.
func (r result) retriesPerOp() int64 { return perOp(r.retries, r.ops) }

// perOp is n per operation of ops, in thousandths.
func perOp(n, ops int64) int64 {
	if ops == 0 {
		return 0
	}
	return 1000 * n / ops
}

// serverPerOp and clientPerOp return the CPU time per committed
// operation.
func (r result) serverPerOp() time.Duration { return r.server / time.Duration(max(r.ops, 1)) }
func (r result) clientPerOp() time.Duration { return r.client / time.Duration(max(r.ops, 1)) }

func perSec(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return n * int64(time.Second) / int64(d)
}

// tenths prints n/10 with one decimal ("7.2").
func tenths(n int64) string { return fmt.Sprintf("%d.%d", n/10, n%10) }

// thousandths prints n/1000 with three decimals ("0.341").
func thousandths(n int64) string { return fmt.Sprintf("%d.%03d", n/1000, n%1000) }

// ms prints a duration in milliseconds with one decimal ("7.1ms").
func ms(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%dms", us/1000, us%1000/100)
}

func run() error {
	if *flagURL == "" {
		return errors.New("no database: set ARCREDIT_POSTGRES_URL or -url (scripts/with-postgres.sh sets it)")
	}
	clients, err := parseClients(*flagClients)
	if err != nil {
		return err
	}
	scenarios := strings.Split(*flagScenarios, ",")
	want := func(s string) bool { return slices.Contains(scenarios, s) }
	ctx := context.Background()

	admin, err := pgx.Connect(ctx, *flagURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	schema := pgx.Identifier{*flagSchema}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		return err
	}
	if !*flagKeep {
		defer admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	}

	maxClients := slices.Max(clients)
	cfg, err := pgxpool.ParseConfig(*flagURL)
	if err != nil {
		return err
	}
	cfg.MaxConns = int32(maxClients) + 1
	cfg.AfterConnect = servers.afterConnect
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := postgres.New(pool, postgres.Options{Schema: *flagSchema})
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	cs := &countingStore{Store: st}

	ds, err := prepare(ctx, admin, cs, want, clients)
	if err != nil {
		return err
	}
	if *flagPgbench != "" {
		if err := pgbenchInit(ctx); err != nil {
			return err
		}
	}
	if *flagProfile != "" {
		f, err := os.Create(*flagProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	results, pgbenchTPS, err := measureAll(ctx, pool, cs, ds, clients, want)
	if err != nil {
		return err
	}
	printTable(os.Stdout, clients, pgbenchTPS, results)
	return nil
}

// parseClients reads the -clients list.
func parseClients(list string) ([]int, error) {
	var clients []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-clients: bad count %q", s)
		}
		clients = append(clients, n)
	}
	return clients, nil
}

// prepare seeds the records the phases wanted use, writes a history and
// analyzes the tables, so that what is measured is a ledger in use.
func prepare(ctx context.Context, admin *pgx.Conn, cs *countingStore, want func(string) bool, clients []int) (*dataset, error) {
	maxClients := slices.Max(clients)
	start := time.Now()
	ds, err := seedFor(ctx, cs.Store, want, len(clients))
	if err != nil {
		return nil, err
	}
	// A ledger in use has applications, entries and idempotency records;
	// freshly seeded tables have none, and statistics taken then would
	// plan the reads of those tables for empty ones. So a warm-up of
	// uniform Applies writes a history before ANALYZE, as autovacuum
	// would in a running system.
	if *flagWarmup > 0 && len(ds.uniform) > 0 {
		if _, err := measureFor(ctx, cs, "warm-up", maxClients, *flagLedgers, *flagWarmup, ds.uniformOp(cs)); err != nil {
			return nil, err
		}
	}
	if _, err := admin.Exec(ctx, "ANALYZE"); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "benchdriver: seeded and warmed up in %s: %s\n", time.Since(start).Round(time.Millisecond), ds.sizes)

	// Seeding built large batches that are garbage now: return their
	// memory to the system before measuring, or the runtime's scavenger
	// does it during the first measurements and its CPU time counts as
	// the client's (8% of it at 1 client).
	debug.FreeOSMemory()
	return ds, nil
}

// measureAll runs each phase wanted at each client count, reports each
// as it ends, and returns them all with pgbench's rates.
func measureAll(ctx context.Context, pool *pgxpool.Pool, cs *countingStore, ds *dataset, clients []int, want func(string) bool) ([]result, map[int]int64, error) {
	maxClients := slices.Max(clients)
	pgbenchTPS := map[int]int64{}
	var results []result
	report := func(r result) {
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "benchdriver: %-11s clients=%d ops=%d %d ops/s %d apps/s retries/op=%s rereads/op=%s p50=%s p99=%s server CPU/op=%s client CPU/op=%s errors=%v\n",
			r.scenario, r.clients, r.ops, r.opsPerSec(), r.appsPerSec(), thousandths(r.retriesPerOp()),
			thousandths(perOp(r.rereads, r.ops)), r.p50, r.p99,
			cpuCell(r.serverOK, r.serverPerOp()), r.clientPerOp().Round(time.Microsecond), r.errs)
	}
	for _, n := range clients {
		if *flagPgbench != "" {
			tps, err := pgbench(ctx, n)
			if err != nil {
				return nil, nil, err
			}
			pgbenchTPS[n] = tps
			fmt.Fprintf(os.Stderr, "benchdriver: pgbench     clients=%d %d tps\n", n, tps)
			if want("transfer") {
				r, err := measure(ctx, cs, "transfer", n, transfer(pool, *flagScale))
				if err != nil {
					return nil, nil, err
				}
				report(r)
			}
		}
		if want("uniform") {
			r, err := measure(ctx, cs, "uniform", n, ds.uniformOp(cs))
			if err != nil {
				return nil, nil, err
			}
			report(r)
		}
		for _, p := range ds.parts(cs, pool) {
			if want(p.name) {
				r, err := measure(ctx, cs, p.name, n, p.op)
				if err != nil {
					return nil, nil, err
				}
				report(r)
			}
		}
		if want("hot") {
			r, err := measure(ctx, cs, "hot", n, ds.hotOp(cs))
			if err != nil {
				return nil, nil, err
			}
			report(r)
		}
		if want("hot-procs") && n == maxClients {
			r, err := measureFor(ctx, cs, "hot-procs", n, n, *flagDuration, ds.hotOp(cs))
			if err != nil {
				return nil, nil, err
			}
			report(r)
		}
		if want("consolidate") && n == maxClients {
			r, err := measure(ctx, cs, "consolidate", n, ds.consolidateOp(cs))
			if err != nil {
				return nil, nil, err
			}
			report(r)
		}
		for _, p := range []part{{"consolidate-load", ds.consolidateLoadOp(cs)}, {"consolidate-floor", ds.consolidateFloorOp(pool)}} {
			if want(p.name) && n == maxClients {
				r, err := measure(ctx, cs, p.name, n, p.op)
				if err != nil {
					return nil, nil, err
				}
				report(r)
			}
		}
	}
	return results, pgbenchTPS, nil
}

// seedFor seeds fresh records for every operation the phases wanted may
// make: runs phases of each of the uniform and hot sets (one per client
// count, and hot-procs), and as many more of the uniform set as parts of
// an Apply are wanted (each takes fresh uniform pairs), at up to -max-rate
// operations a second.
func seedFor(ctx context.Context, st credit.Store, want func(string) bool, runs int) (*dataset, error) {
	uses := 1 // phases at each client count that take fresh uniform pairs
	for _, p := range partNames {
		if want(p) {
			uses++
		}
	}
	runs *= uses
	if want("hot-procs") {
		runs++
	}
	need := *flagRate * (int(flagDuration.Seconds()+1)*runs + int(flagWarmup.Seconds()+1))
	perAccount := max(1, (need+*flagAccounts-1) / *flagAccounts)
	hotPer := need * 9 / 10 / 10
	ds := &dataset{}
	if uses > 1 || want("uniform") || want("hot") || want("hot-procs") {
		if err := ds.seedPairs(ctx, st, "u", *flagAccounts, perAccount); err != nil {
			return nil, err
		}
	}
	if want("hot") || want("hot-procs") {
		if err := ds.seedPairs(ctx, st, "h", 10, hotPer); err != nil {
			return nil, err
		}
	}
	const groupSize, groupPairs = 10, 5
	if phases := btoi(want("consolidate")) + btoi(want("consolidate-load")) + btoi(want("consolidate-floor")); phases > 0 {
		// Measured at the largest client count only, at up to 12×
		// max-rate applications per second, each phase on fresh groups.
		ds.groupShare = max(1, 12**flagRate*int(flagDuration.Seconds()+1)/(groupSize*groupPairs))
		groups := phases * ds.groupShare
		if err := ds.seedGroups(ctx, st, groups, groupSize, groupPairs); err != nil {
			return nil, err
		}
	}
	ds.sizes = fmt.Sprintf("%d uniform accounts × %d pairs, 10 hot accounts × %d pairs, %d consolidation groups of %d accounts × %d pairs",
		*flagAccounts, perAccount, hotPer, len(ds.groups), groupSize, groupPairs)
	return ds, nil
}

// countingStore counts the Commit calls that return ErrConflict: each is
// one retry of the Ledger.
type countingStore struct {
	*postgres.Store
	conflicts atomic.Int64
}

func (c *countingStore) Commit(ctx context.Context, b *credit.Batch) error {
	err := c.Store.Commit(ctx, b)
	if errors.Is(err, credit.ErrConflict) {
		c.conflicts.Add(1)
	}
	return err
}

// pair is a credit and an invoice of one account, both of USD 10.00.
type pair struct{ credit, debit string }

// dataset holds the seeded records and hands out fresh ones.
type dataset struct {
	uniform    []pair // shuffled, across all uniform accounts
	next       atomic.Int64
	hot        [10][]pair
	hotNext    [10]atomic.Int64
	groups     [][]string // accounts consolidated together
	groupPairs int        // pairs of each account of a group
	groupShare int        // groups seeded for each phase that takes them
	gNext      atomic.Int64
	keys       atomic.Int64
	sizes      string // what was seeded, for the log
}

// commitAll commits the records in batches of about 1,000 rows, from four
// goroutines. docs must be grouped by account, in the order of accounts.
func commitAll(ctx context.Context, st credit.Store, accounts []credit.Account, entries []credit.Entry, docs []invoice.Document) error {
	var batches []*credit.Batch
	b := &credit.Batch{Namespace: ns}
	d := 0
	for i, a := range accounts {
		b.Accounts = append(b.Accounts, a)
		b.Entries = append(b.Entries, entries[i])
		for d < len(docs) && docs[d].Account == a.ID {
			b.Documents = append(b.Documents, docs[d])
			d++
		}
		if len(b.Accounts)+len(b.Documents) >= 1000 {
			batches = append(batches, b)
			b = &credit.Batch{Namespace: ns}
		}
	}
	if len(b.Accounts) > 0 {
		batches = append(batches, b)
	}
	var next atomic.Int64
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(batches)) {
					errs <- nil
					return
				}
				// Batches committed side by side may conflict (serialization
				// failures): commit again.
				var err error
				for range 20 {
					if err = st.Commit(ctx, batches[i]); !errors.Is(err, credit.ErrConflict) {
						break
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
	for range 4 {
		err = errors.Join(err, <-errs)
	}
	return err
}

// seed writes n accounts named prefix…, each with k pairs, straight to
// the store, and returns their pairs grouped by account. Each account has
// the entry that opened it, as every account the Ledger opens does, so that
// an operation's entries follow one already there, as they do in use.
func seed(ctx context.Context, st credit.Store, prefix string, n, k int) ([][]pair, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	total, err := money.FromMinor(usd, 1000*int64(k))
	if err != nil {
		return nil, err
	}
	var accounts []credit.Account
	var entries []credit.Entry
	var docs []invoice.Document
	out := make([][]pair, n)
	for i := range n {
		id := fmt.Sprintf("%s%06d", prefix, i)
		a := credit.Account{ID: id, Currency: usd, Kind: credit.Term, Limit: money.Zero(usd),
			Credit: total, Debit: total, Created: now, Updated: now, Version: 1, Seq: 1}
		e := credit.Entry{Account: id, Seq: 1, At: now, Kind: credit.AccountOpened, Amount: money.Zero(usd),
			CreditChange: total, DebitChange: total, After: a.Balances(), By: user.ID, Operation: "seed-" + id}
		e.Hash = credit.EntryHash(e)
		a.Head = e.Hash
		accounts = append(accounts, a)
		entries = append(entries, e)
		for j := range k {
			p := pair{credit: fmt.Sprintf("%s-c%d", id, j), debit: fmt.Sprintf("%s-d%d", id, j)}
			out[i] = append(out[i], p)
			docs = append(docs,
				invoice.Document{ID: p.credit, Account: id, Kind: invoice.Payment, Amount: ten, Open: ten, Issued: now, Status: invoice.Open, Version: 1},
				invoice.Document{ID: p.debit, Account: id, Kind: invoice.Invoice, Amount: ten, Open: ten, Issued: now, Due: now, Status: invoice.Open, Version: 1})
		}
	}
	return out, commitAll(ctx, st, accounts, entries, docs)
}

func (ds *dataset) seedPairs(ctx context.Context, st credit.Store, prefix string, n, k int) error {
	byAccount, err := seed(ctx, st, prefix, n, k)
	if err != nil {
		return err
	}
	if prefix == "h" {
		for i := range ds.hot {
			ds.hot[i] = byAccount[i]
		}
		return nil
	}
	for _, ps := range byAccount {
		ds.uniform = append(ds.uniform, ps...)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(ds.uniform), func(i, j int) { ds.uniform[i], ds.uniform[j] = ds.uniform[j], ds.uniform[i] })
	return nil
}

func (ds *dataset) seedGroups(ctx context.Context, st credit.Store, groups, size, k int) error {
	byAccount, err := seed(ctx, st, "g", groups*size, k)
	if err != nil {
		return err
	}
	for g := range groups {
		var ids []string
		for i := range size {
			ids = append(ids, fmt.Sprintf("g%06d", g*size+i))
		}
		ds.groups = append(ds.groups, ids)
	}
	ds.groupPairs = k
	_ = byAccount
	return nil
}

var errExhausted = errors.New("out of seeded records: raise -max-rate")

// op runs one operation and returns the applications it wrote.
type op func(ctx context.Context, l *credit.Ledger, r *rand.Rand) (int, error)

func (ds *dataset) apply(ctx context.Context, l *credit.Ledger, p pair) (int, error) {
	key := "k" + strconv.FormatInt(ds.keys.Add(1), 10)
	res, err := l.Apply(ctx, user, key, credit.ApplyRequest{Pairs: []credit.Pair{{Credit: p.credit, Debit: p.debit}}})
	return len(res.Applications), err
}

func (ds *dataset) uniformOp(*countingStore) op {
	return func(ctx context.Context, l *credit.Ledger, _ *rand.Rand) (int, error) {
		i := ds.next.Add(1) - 1
		if i >= int64(len(ds.uniform)) {
			return 0, errExhausted
		}
		return ds.apply(ctx, l, ds.uniform[i])
	}
}

func (ds *dataset) hotOp(cs *countingStore) op {
	uniform := ds.uniformOp(cs)
	return func(ctx context.Context, l *credit.Ledger, r *rand.Rand) (int, error) {
		if r.IntN(10) == 0 {
			return uniform(ctx, l, r)
		}
		h := r.IntN(len(ds.hot))
		i := ds.hotNext[h].Add(1) - 1
		if i >= int64(len(ds.hot[h])) {
			return 0, errExhausted
		}
		return ds.apply(ctx, l, ds.hot[h][i])
	}
}

func (ds *dataset) consolidateOp(*countingStore) op {
	return func(ctx context.Context, l *credit.Ledger, _ *rand.Rand) (int, error) {
		g := ds.gNext.Add(1) - 1
		if g >= int64(len(ds.groups)) {
			return 0, errExhausted
		}
		key := "k" + strconv.FormatInt(ds.keys.Add(1), 10)
		res, err := l.Consolidate(ctx, user, key, credit.ConsolidateRequest{Accounts: ds.groups[g]})
		n := 0
		for _, a := range res.Accounts {
			if a.Error != "" {
				return n, fmt.Errorf("consolidating %s: %s", a.Account, a.Error)
			}
			n += len(a.Applications)
		}
		return n, err
	}
}

// transfer moves a random amount between two random accounts of pgbench's
// tables at the scale factor, SERIALIZABLE, in one pgx.Batch, tried again
// on a serialization failure or deadlock (counted in retries).
func transfer(pool *pgxpool.Pool, scale int) op {
	return func(ctx context.Context, _ *credit.Ledger, r *rand.Rand) (int, error) {
		from, to := 1+r.IntN(100000*scale), 1+r.IntN(100000*scale)
		delta := 1 + r.IntN(5000)
		return 0, serializable(ctx, pool, func(b *pgx.Batch) {
			b.Queue("UPDATE pgbench_accounts SET abalance = abalance - $1 WHERE aid = $2", delta, from)
			b.Queue("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", delta, to)
			b.Queue("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (0, 0, $1, $2, CURRENT_TIMESTAMP)",
				from, -delta)
			b.Queue("SELECT abalance FROM pgbench_accounts WHERE aid = $1", from)
		})
	}
}

// serializable sends the statements queue adds as one SERIALIZABLE
// transaction in one pgx.Batch, again on a serialization failure or
// deadlock (counted in transferRetries) until it commits or fails
// otherwise. A failed batch leaves its transaction open (the server skips
// the rest of the pipeline, COMMIT too), so it is rolled back before the
// connection goes back to the pool, which would otherwise close it: a new
// connection per failure, whose set-up the phase would pay, and whose
// predecessor's CPU time the measurement would lose.
func serializable(ctx context.Context, pool *pgxpool.Pool, queue func(*pgx.Batch)) error {
	for {
		b := &pgx.Batch{}
		b.Queue("BEGIN ISOLATION LEVEL SERIALIZABLE")
		queue(b)
		b.Queue("COMMIT")
		c, err := pool.Acquire(ctx)
		if err != nil {
			return err
		}
		err = c.SendBatch(ctx, b).Close()
		if err != nil && c.Conn().PgConn().TxStatus() != 'I' {
			_, _ = c.Exec(ctx, "ROLLBACK")
		}
		c.Release()
		if err == nil {
			return nil
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "40001" && pgErr.Code != "40P01" {
			return err
		}
		transferRetries.Add(1)
	}
}

// transferRetries counts the serialization failures of the transactions
// serializable sends (transfer and the parts of an Apply).
var transferRetries atomic.Int64

// measure runs op from n clients for the duration, on -ledgers Ledgers.
func measure(ctx context.Context, cs *countingStore, scenario string, n int, do op) (result, error) {
	return measureFor(ctx, cs, scenario, n, *flagLedgers, *flagDuration, do)
}

// measureFor runs op from n clients for d, client i on Ledger i mod
// ledgerCount.
func measureFor(ctx context.Context, cs *countingStore, scenario string, n, ledgerCount int, d time.Duration, do op) (result, error) {
	reads := &rereads{}
	// Several Ledgers stand for several processes: their operations on one
	// account do not wait on each other's latches but race, and the loser
	// of a race reads again (a conflict, counted in retries).
	ledgers := make([]*credit.Ledger, max(1, min(ledgerCount, n)))
	for i := range ledgers {
		l, err := credit.New(cs, credit.AllowAll, credit.Options{Logger: slog.New(reads)})
		if err != nil {
			return result{}, err
		}
		ledgers[i] = l
	}
	before := cs.conflicts.Load() + transferRetries.Load()
	var ops, apps atomic.Int64
	var mu sync.Mutex
	errs := map[string]int64{}
	// A fast machine may use up the seeded records before the time is up:
	// the phase then ends for every client, and is measured up to there, so
	// that the run goes on with the next phase.
	var exhausted atomic.Bool
	var ranOut time.Time
	lat := make([][]time.Duration, n)
	serverBefore, clientBefore := servers.cpu(), selfCPU()
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range n {
		wg.Go(func() {
			l := ledgers[c%len(ledgers)]
			r := rand.New(rand.NewPCG(uint64(c), uint64(time.Now().UnixNano())))
			for time.Now().Before(deadline) && !exhausted.Load() {
				t := time.Now()
				k, err := do(ctx, l, r)
				if errors.Is(err, errExhausted) {
					mu.Lock()
					if !exhausted.Load() {
						ranOut = time.Now()
						exhausted.Store(true)
					}
					mu.Unlock()
					return
				}
				if err != nil {
					mu.Lock()
					errs[errName(err)]++
					mu.Unlock()
					continue
				}
				lat[c] = append(lat[c], time.Since(t))
				ops.Add(1)
				apps.Add(int64(k))
			}
		})
	}
	wg.Wait()
	end := time.Now()
	server, serverOK := servers.cpuSince(serverBefore)
	client := selfCPU() - clientBefore
	if exhausted.Load() {
		end = ranOut
		fmt.Fprintf(os.Stderr, "benchdriver: %s at %d clients ran out of seeded records after %s; its rates are over that time (raise -max-rate for a full phase)\n",
			scenario, n, end.Sub(start).Round(time.Millisecond))
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(permille int) time.Duration { // the latency below which permille/1000 of calls fall
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, permille*len(all)/1000)]
	}
	return result{scenario: scenario, clients: n, ops: ops.Load(), apps: apps.Load(), elapsed: end.Sub(start), short: exhausted.Load(),
		retries: cs.conflicts.Load() + transferRetries.Load() - before, p50: pct(500), p99: pct(990), errs: errs,
		server: server, serverOK: serverOK, client: client, rereads: reads.n.Load()}, nil
}

// rereads is a log handler that counts the Ledger's "reading again": an
// operation that found an account it read latched by another operation of
// the Ledger (or its reads disagreeing), waited, and read again.
type rereads struct{ n atomic.Int64 }

func (h *rereads) Enabled(context.Context, slog.Level) bool { return true }
func (h *rereads) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "credit: reading again" {
		h.n.Add(1)
	}
	return nil
}
func (h *rereads) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *rereads) WithGroup(string) slog.Handler      { return h }

// errName names an error by the sentinel it wraps.
func errName(err error) string {
	for _, s := range []error{credit.ErrConflict, credit.ErrNotFound, credit.ErrInsufficientCredit, credit.ErrInvalidPlan,
		credit.ErrBadState, context.DeadlineExceeded, postgres.ErrCommitUnknown, errExhausted} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return err.Error()
}

// pgbenchInit creates pgbench's tables at the scale factor.
func pgbenchInit(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, *flagPgbench, "-i", "-q", "-s", strconv.Itoa(*flagScale), *flagURL).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgbench -i: %w\n%s", err, out)
	}
	return nil
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9]+)`)

// pgbench runs tpcb-like at n clients and returns its TPS, whole
// transactions per second.
func pgbench(ctx context.Context, n int) (int64, error) {
	args := []string{"-M", "prepared", "-c", strconv.Itoa(n), "-j", strconv.Itoa(n),
		"-T", strconv.Itoa(int(flagDuration.Seconds())), *flagURL}
	out, err := exec.CommandContext(ctx, *flagPgbench, args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench %s: %w\n%s", strings.Join(args[:len(args)-1], " "), err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench: no tps in its output:\n%s", out)
	}
	return strconv.ParseInt(string(m[1]), 10, 64)
}

// ms2 prints a duration in milliseconds with two decimals ("0.29ms").
func ms2(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%02dms", us/1000, us%1000/10)
}

// cpuCell prints a CPU time per operation, or "-" when it could not be
// read.
func cpuCell(ok bool, d time.Duration) string {
	if !ok {
		return "-"
	}
	return ms2(d)
}

func printTable(w *os.File, clients []int, tps map[int]int64, results []result) {
	byKey := map[string]result{}
	for _, r := range results {
		byKey[fmt.Sprintf("%s/%d", r.scenario, r.clients)] = r
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tpgbench TPS\tpgx transfer TPS\tarcredit apply ops/s\tratio\tapply/transfer\ttransfer p50\tapply p50\tp50 apply/transfer\ttransfer server CPU/op\tapply server CPU/op\tapply client CPU/op\thot ops/s\thot/uniform\thot retries/op\thot p50\thot p99\thot-procs/uniform\thot-procs retries/op\thot-procs p50\thot-procs p99\tconsolidate apps/s\tconsolidate/apply\tconsolidate server CPU/app\t")
	cell := func(ok bool, format string, v ...any) string {
		if !ok {
			return "-"
		}
		return fmt.Sprintf(format, v...)
	}
	for _, n := range clients {
		u, uok := byKey[fmt.Sprintf("uniform/%d", n)]
		h, hok := byKey[fmt.Sprintf("hot/%d", n)]
		c, cok := byKey[fmt.Sprintf("consolidate/%d", n)]
		hp, hpok := byKey[fmt.Sprintf("hot-procs/%d", n)]
		p, pok := tps[n]
		g, gok := byKey[fmt.Sprintf("transfer/%d", n)]
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", n,
			cell(pok, "%d", p),
			cell(gok, "%d", g.opsPerSec()),
			cell(uok, "%d", u.opsPerSec()),
			cell(uok && pok && p > 0, "%d%%", 100*u.opsPerSec()/max(p, 1)),
			cell(uok && gok && g.opsPerSec() > 0, "%d%%", 100*u.opsPerSec()/max(g.opsPerSec(), 1)),
			cell(gok, "%s", ms2(g.p50)),
			cell(uok, "%s", ms2(u.p50)),
			cell(uok && gok && g.p50 > 0, "%s×", tenths(10*int64(u.p50)/max(int64(g.p50), 1))),
			cell(gok, "%s", cpuCell(g.serverOK, g.serverPerOp())),
			cell(uok, "%s", cpuCell(u.serverOK, u.serverPerOp())),
			cell(uok, "%s", ms2(u.clientPerOp())),
			cell(hok, "%d", h.opsPerSec()),
			cell(hok && uok && u.opsPerSec() > 0, "%d%%", 100*h.opsPerSec()/max(u.opsPerSec(), 1)),
			cell(hok, "%s", thousandths(h.retriesPerOp())),
			cell(hok, "%s", ms(h.p50)),
			cell(hok, "%s", ms(h.p99)),
			cell(hpok && uok && u.opsPerSec() > 0, "%d%%", 100*hp.opsPerSec()/max(u.opsPerSec(), 1)),
			cell(hpok, "%s", thousandths(hp.retriesPerOp())),
			cell(hpok, "%s", ms(hp.p50)),
			cell(hpok, "%s", ms(hp.p99)),
			cell(cok, "%d", c.appsPerSec()),
			cell(cok && uok && u.opsPerSec() > 0, "%s×", tenths(10*c.appsPerSec()/max(u.opsPerSec(), 1))),
			cell(cok, "%s", cpuCell(c.serverOK, c.server/time.Duration(max(c.apps, 1)))))
	}
	tw.Flush()
	var errLines []string
	for _, r := range results {
		for name, k := range r.errs {
			errLines = append(errLines, fmt.Sprintf("%s at %d clients: %d × %s", r.scenario, r.clients, k, name))
		}
	}
	slices.Sort(errLines)
	if len(errLines) == 0 {
		fmt.Fprintln(w, "errors returned to callers: none")
	} else {
		fmt.Fprintln(w, "errors returned to callers:\n  "+strings.Join(errLines, "\n  "))
	}
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
