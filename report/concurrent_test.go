package report_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/report"
)

// While another goroutine keeps writing to the account, an aging as of a
// past moment stays what it was, and an aging as of now adds up: reads that
// straddle a write are made again, never reported.
func TestAgingWhileTheAccountChanges(t *testing.T) {
	f := handAged(t)
	past := date(2025, 7, 6)
	want := agingText(t, f, past)
	f.clock.set(date(2025, 7, 10))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := 0; i < 150; i++ {
			f.clock.advance(time.Minute)
			var err error
			switch i % 3 {
			case 0:
				_, err = f.l.IssueDebit(f.ctx, f.admin, "w-inv-"+itoa(i), credit.DebitRequest{Account: "acme", Amount: mustMoney("USD 3.00")})
			case 1:
				_, err = f.l.IssueCredit(f.ctx, f.admin, "w-pay-"+itoa(i), credit.CreditRequest{Account: "acme", Amount: mustMoney("USD 2.00")})
			case 2:
				// Refused when there is nothing to apply: that writes nothing.
				_, _ = f.l.Apply(f.ctx, f.admin, "w-apply-"+itoa(i), credit.ApplyRequest{Account: "acme", Partial: true})
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	ok, changed := 0, 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		for _, at := range []time.Time{past, f.clock.Now()} {
			var b strings.Builder
			rep, err := report.Aging(f.ctx, f.l, f.admin, at, report.AgingOptions{PageSize: 2})
			if errors.Is(err, report.ErrChanged) {
				changed++
				continue
			}
			if err != nil {
				wg.Wait()
				t.Fatalf("aging as of %s while the account changes: %v", at, err)
			}
			ok++
			if at.Equal(past) {
				if err := report.AgingCSV(&b, rep); err != nil {
					t.Fatal(err)
				}
				if b.String() != want {
					t.Errorf("aging as of %s while the account changes:\n%s\nwant\n%s", at, b.String(), want)
				}
			}
		}
	}
	wg.Wait()
	t.Logf("%d agings, %d gave up after the account changed at every attempt", ok, changed)
	if ok == 0 {
		t.Error("no aging succeeded while the account changed")
	}
}

func agingText(t *testing.T, f *fixture, at time.Time) string {
	t.Helper()
	rep, err := report.Aging(f.ctx, f.l, f.admin, at, report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := report.AgingCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
