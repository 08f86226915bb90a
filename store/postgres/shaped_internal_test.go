package postgres

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/money"
)

// applyBatch is the batch of an Apply of one credit to one invoice, with
// docs documents in all.
func applyBatch(docs int) *credit.Batch {
	usd := money.MustCurrency("USD")
	ten := money.MustParse("USD 10.00")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := &credit.Batch{Namespace: "ns",
		Accounts: []credit.Account{{ID: "a", Currency: usd, Kind: credit.Term, Limit: money.Zero(usd),
			Credit: ten, Debit: ten, Seq: 1, Created: at, Updated: at, Version: 3}},
		Applications: []credit.Application{{ID: "p", Credit: "d0", Debit: "d1", CreditAccount: "a",
			DebitAccount: "a", Amount: ten, Operation: "op", By: "u", At: at}},
		Entries:     []credit.Entry{{Account: "a", Seq: 1, At: at, Kind: credit.CreditApplied, Amount: ten, By: "u", Operation: "op"}},
		Idempotency: &credit.Idempotency{Key: "k", Kind: credit.CreditApplied, Fingerprint: "f", Result: []byte("{}"), At: at},
	}
	for i := range docs {
		b.Documents = append(b.Documents, invoice.Document{ID: fmt.Sprint("d", i), Account: "a", Kind: invoice.Payment,
			Amount: ten, Open: ten, Issued: at, Status: invoice.Open, Version: 2})
	}
	return b
}

// TestShapedWrite: the write of a small batch is the write statement with
// a VALUES row of scalar parameters per record, every parameter used and
// taken from the element of the array argument it replaces; a batch with
// more records of a kind than maxShaped is written by the array statement.
func TestShapedWrite(t *testing.T) {
	s := New(nil, Options{Schema: "s"})
	arrayArgs := func(b *credit.Batch) []any {
		s.writes = nil // the array statement's arguments
		batch, _, err := s.commitBatch(b)
		s.writes = &shapes{sql: s.sql.write}
		if err != nil {
			t.Fatal(err)
		}
		return batch.QueuedQueries[1].Arguments
	}
	param := regexp.MustCompile(`\$(\d+)`)
	b := applyBatch(2)
	batch, _, err := s.commitBatch(b)
	if err != nil {
		t.Fatal(err)
	}
	q := batch.QueuedQueries[1]
	if strings.Contains(q.SQL, "unnest(") || !strings.Contains(q.SQL, "VALUES") {
		t.Fatalf("the write of an Apply is not shaped:\n%s", q.SQL)
	}
	used := map[int]bool{}
	for _, m := range param.FindAllStringSubmatch(q.SQL, -1) {
		n, _ := strconv.Atoi(m[1])
		used[n] = true
	}
	if len(used) != len(q.Arguments) {
		t.Errorf("the shaped write uses %d parameters and has %d arguments", len(used), len(q.Arguments))
	}
	for n := 1; n <= len(q.Arguments); n++ {
		if !used[n] {
			t.Errorf("parameter $%d is not used", n)
		}
	}
	// Every argument is one of the array statement's, or an element of one.
	arrays := arrayArgs(b)
	for i, a := range q.Arguments {
		found := false
		for _, src := range arrays {
			if n, ok := arrayLen(src); ok {
				for e := range n {
					found = found || show(arrayElem(src, e)) == show(a)
				}
			} else {
				found = found || show(src) == show(a)
			}
		}
		if !found {
			t.Errorf("argument $%d (%v) is not in the array statement's", i+1, a)
		}
	}
	// Each parameter is the element of its array that its row stands
	// for, and every element of every array has its parameter.
	sh := shape(s.sql.write, arrays)
	covered := map[[2]int]bool{}
	for i, a := range sh.args {
		want := arrays[a.src]
		if a.elem >= 0 {
			want = arrayElem(want, a.elem)
			covered[[2]int{a.src, a.elem}] = true
		}
		if show(want) != show(q.Arguments[i]) {
			t.Errorf("argument $%d is %v, not %v", i+1, show(q.Arguments[i]), show(want))
		}
	}
	for src, a := range arrays {
		n, _ := arrayLen(a)
		for e := range n {
			if !covered[[2]int{src, e}] {
				t.Errorf("element %d of argument $%d of the array statement has no parameter", e, src+1)
			}
		}
	}
	if len(q.Arguments) < len(arrays) {
		t.Errorf("the shaped write has %d arguments, fewer than the %d arrays and scalars it replaces", len(q.Arguments), len(arrays))
	}
	// No previous entry to check: an empty relation of that kind.
	if !strings.Contains(q.SQL, "WHERE false)") {
		t.Errorf("the empty check of previous entries is not an empty relation:\n%s", q.SQL)
	}
	// The same shape again is the same text.
	again, _, _ := s.commitBatch(applyBatch(2))
	if again.QueuedQueries[1].SQL != q.SQL {
		t.Error("two batches of one shape have two texts")
	}
	// More documents than maxShaped: the array statement.
	big, _, err := s.commitBatch(applyBatch(maxShaped + 1))
	if err != nil {
		t.Fatal(err)
	}
	if big.QueuedQueries[1].SQL != s.sql.write {
		t.Errorf("a batch of %d documents is shaped", maxShaped+1)
	}
}

// show prints an argument, a *string by its text.
func show(v any) string {
	if p, ok := v.(*string); ok {
		if p == nil {
			return "NULL"
		}
		return *p
	}
	return fmt.Sprint(v)
}

// BenchmarkCommitBatch is the client's cost of turning an Apply's batch
// into the statements of its Commit (the shaped write).
func BenchmarkCommitBatch(b *testing.B) {
	s := New(nil, Options{Schema: "s"})
	batch := applyBatch(2)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.commitBatch(batch); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKeptStopsAtItsBound: the store prepares itself the first maxKept
// texts it meets, and leaves the rest to pgx's cache, so that a connection
// keeps a bounded set of statements for its life.
func TestKeptStopsAtItsBound(t *testing.T) {
	k := &kept{texts: map[string]bool{}}
	for i := range maxKept + 10 {
		if got, want := k.keep(fmt.Sprint("text ", i)), i < maxKept; got != want {
			t.Fatalf("keep(text %d) = %v, want %v", i, got, want)
		}
	}
	if !k.keep("text 0") || k.keep(fmt.Sprint("text ", maxKept)) {
		t.Error("a kept text was forgotten, or one met when the set was full was kept")
	}
	if len(k.texts) != maxKept {
		t.Errorf("%d texts kept, want %d", len(k.texts), maxKept)
	}
}
