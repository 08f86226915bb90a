// Package demo holds what the example programs share so that their output
// is the same on every run: a clock that moves only when told, ids from a
// counter, and one-line renderings of balances.
package demo

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/arcredit/arcredit/credit"
)

// Start is the time every example begins at.
var Start = time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)

// Clock is a clock that stands still until advanced. It is safe for
// concurrent use; its Now method is a credit.Options Clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// IDs makes ids from a counter: "id-0001", "id-0002", … Its Next method is
// a credit.Options NewID.
type IDs struct {
	mu     sync.Mutex
	prefix string
	n      int
}

// NewIDs returns a counter whose ids start with prefix.
func NewIDs(prefix string) *IDs { return &IDs{prefix: prefix} }

// Next returns the next id.
func (i *IDs) Next() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.n++
	return fmt.Sprintf("%s-%04d", i.prefix, i.n)
}

// Options returns ledger options with a fixed clock and counted ids, the
// rest as given.
func Options(c *Clock, ids *IDs, o credit.Options) credit.Options {
	o.Clock, o.NewID = c.Now, ids.Next
	return o
}

// Balances renders an account's balances on one line.
func Balances(b credit.Balances) string {
	return fmt.Sprintf("credit balance %s | outstanding %s | available %s | limit %s",
		b.Credit, b.Outstanding, b.Available, b.Limit)
}

// Steps numbers and prints the steps of an example: a title, a few lines of
// detail, and the balances after the step. Each step moves Clock on by
// Every, so that the history shows them apart.
type Steps struct {
	W     io.Writer
	Clock *Clock
	Every time.Duration
	n     int
}

// Print prints one step.
func (s *Steps) Print(b credit.Balances, title string, detail ...string) {
	s.n++
	fmt.Fprintf(s.W, "%2d. %s\n", s.n, title)
	for _, d := range detail {
		fmt.Fprintf(s.W, "    %s\n", d)
	}
	fmt.Fprintf(s.W, "    %s\n", Balances(b))
	if s.Clock != nil {
		s.Clock.Advance(s.Every)
	}
}

// Heading prints a heading with a blank line before it.
func Heading(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "\n"+format+"\n\n", a...)
}
