package allocate_test

// The benchmarks compare OldestFirst with the floor of any oldest-first
// policy, sorting the documents themselves. On a shared machine run the
// large sizes once per count and take medians, the small ones many times:
//
//	go test -run '^$' -bench '(OldestFirst|SortFloor)/n=(100k|1M)$' -benchtime=1x -count=7 ./allocate/
//	go test -run '^$' -bench '(OldestFirst|SortFloor)/n=(1k|10k)$' -benchtime=200x -count=5 ./allocate/
//
// cpu-ns/op (user and system time of the process) is steadier than ns/op
// when other work shares the cores.

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arcredit/arcredit/allocate"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// benchReq caches the request of one size only, so that the live heap,
// which GC scans, grows with n like the work does.
var benchReq = struct {
	n   int
	req allocate.Request
}{}

// benchRequest returns n open USD debits and n open USD credits with
// issue dates spread over ten years (many on the same day), amounts from
// USD 1.00 to USD 10,000.00, in a shuffled order, partial cover allowed so
// that every debit and credit ends up on some line.
func benchRequest(n int) allocate.Request {
	if benchReq.n == n {
		return benchReq.req
	}
	benchReq.req = allocate.Request{}
	runtime.GC()
	usd := money.MustCurrency("USD")
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	doc := func(id string, kind invoice.Kind) invoice.Document {
		amt, _ := money.FromMinor(usd, 100+rng.Int64N(999_901))
		return invoice.Document{
			ID: id, Account: "acct", Kind: kind, Amount: amt, Open: amt, Status: invoice.Open,
			Issued:  base.AddDate(0, 0, rng.IntN(3650)).Add(time.Duration(rng.IntN(4)) * time.Hour),
			Version: 1,
		}
	}
	req := allocate.Request{Partial: true, AsOf: base.AddDate(11, 0, 0)}
	req.Debits = make([]invoice.Document, n)
	req.Credits = make([]invoice.Document, n)
	for i := range n {
		req.Debits[i] = doc(fmt.Sprintf("D%08d", rng.IntN(1<<30)), invoice.Invoice)
		req.Credits[i] = doc(fmt.Sprintf("C%08d", rng.IntN(1<<30)), invoice.Payment)
		req.Debits[i].ID += fmt.Sprint(i) // distinct
		req.Credits[i].ID += fmt.Sprint(i)
	}
	benchReq.n, benchReq.req = n, req
	return req
}

// BenchmarkOldestFirst plans n debits against n credits. It reports the
// lines planned and the allocations per line, which must not grow with n.
func BenchmarkOldestFirst(b *testing.B) {
	p := allocate.OldestFirst()
	for _, s := range benchSizes {
		b.Run("n="+s.name, func(b *testing.B) {
			req := benchRequest(s.n)
			runtime.GC()
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			b.ResetTimer()
			cpu0 := cpuTime()
			lines := 0
			for range b.N {
				plan, err := p.Plan(req)
				if err != nil {
					b.Fatal(err)
				}
				lines = len(plan.Lines)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(lines), "lines/op")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(lines), "allocs/line")
		})
	}
}

// BenchmarkSortFloor sorts n documents by issue date, then ID: the least
// any oldest-first policy must do, and the yardstick of OldestFirst.
func BenchmarkSortFloor(b *testing.B) {
	for _, s := range benchSizes {
		b.Run("n="+s.name, func(b *testing.B) {
			src := benchRequest(s.n).Debits
			docs := make([]invoice.Document, len(src))
			runtime.GC()
			b.ResetTimer()
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				copy(docs, src)
				b.StartTimer()
				cpu0 := cpuTime()
				slices.SortFunc(docs, func(x, y invoice.Document) int {
					if c := x.Issued.Compare(y.Issued); c != 0 {
						return c
					}
					return strings.Compare(x.ID, y.ID)
				})
				cpu += cpuTime() - cpu0
			}
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkValidate validates the plan of BenchmarkOldestFirst.
func BenchmarkValidate(b *testing.B) {
	for _, s := range benchSizes {
		b.Run("n="+s.name, func(b *testing.B) {
			req := benchRequest(s.n)
			plan, err := allocate.OldestFirst().Plan(req)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := allocate.Validate(req, plan); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(plan.Lines)), "lines/op")
		})
	}
}

// cpuTime returns the CPU time (user and system) the process has used: on
// a shared, noisy machine it varies less than the wall-clock time, though
// it counts the work of all threads, the garbage collector's included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
