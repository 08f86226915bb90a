package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/invoice"
	"github.com/arcredit/arcredit/store"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// TestDocumentsPagesMatchMemory: the same documents written to this store
// and to the memory store (ids that differ by case, accents and
// punctuation, several documents per issue time, every kind and status,
// amendments) give the same pages for every combination of filter, cursor
// and limit, and the same account ids after every cursor: the order is
// byte order on both, whatever the database's collation.
func TestDocumentsPagesMatchMemory(t *testing.T) {
	pool := postgrestest.Pool(t, nil)
	schema := postgrestest.Schema(t, pool)
	pg := postgres.New(pool, postgres.Options{Schema: schema})
	mem := store.NewMemory()
	ctx := testCtx(t)
	if err := pg.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Ids in a collation that is not byte order (ICU's root locale, when
	// the server has ICU), as a database created with a locale has them.
	var icu bool
	if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_collation WHERE collname = 'und-x-icu')").Scan(&icu); err != nil {
		t.Fatal(err)
	}
	if icu {
		for _, table := range []string{"accounts", "documents"} {
			if _, err := pool.Exec(ctx, "ALTER TABLE "+pgx.Identifier{schema, table}.Sanitize()+
				` ALTER COLUMN id TYPE text COLLATE "und-x-icu"`); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		t.Log("no ICU collation: the ids are in the database's collation")
	}
	r := rand.New(rand.NewPCG(7, 18))
	ids := []string{"a", "B", "b", "é", "e", "a-1", "a_1", "a1", "Z", "z", "ä", "a b"}
	kinds := []invoice.Kind{invoice.Invoice, invoice.DebitMemo, invoice.CreditMemo, invoice.Payment,
		invoice.Prepayment, invoice.CreditGrant}
	statuses := []invoice.Status{invoice.Open, invoice.Open, invoice.Paid, invoice.Closed}
	b := &credit.Batch{Namespace: "ns"}
	for _, a := range []string{"acct", "Acct", "ácct"} {
		b.Accounts = append(b.Accounts, account(a, usd, 1))
	}
	var docIDs []string
	for i := range 120 {
		id := fmt.Sprintf("%s%d", ids[i%len(ids)], i/len(ids))
		docIDs = append(docIDs, id)
		d := document(id, []string{"acct", "Acct"}[i%2], kinds[r.IntN(len(kinds))], "USD 10.00",
			t0.Add(time.Duration(r.IntN(4))*time.Hour))
		d.Status = statuses[r.IntN(len(statuses))]
		if i%7 == 3 {
			d.Original = docIDs[0]
		}
		b.Documents = append(b.Documents, d)
	}
	for _, s := range []credit.Store{pg, mem} {
		if err := s.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	kindSets := [][]invoice.Kind{nil, {invoice.Invoice}, {invoice.Payment, invoice.CreditMemo, invoice.Payment},
		{invoice.Invoice, invoice.DebitMemo}, {invoice.Kind(99)}}
	cursors := append([]string{"", "none"}, docIDs[:20]...)
	n := 0
	for _, acct := range []string{"acct", "Acct", "nobody"} {
		for _, open := range []bool{false, true} {
			for _, ks := range kindSets {
				for _, original := range []string{"", docIDs[0]} {
					for _, after := range cursors {
						for _, limit := range []int{0, 1, 7} {
							f := credit.DocumentFilter{Account: acct, OpenOnly: open, Kinds: ks, Original: original,
								After: after, Limit: limit}
							want, err := mem.Documents(ctx, "ns", f)
							if err != nil {
								t.Fatal(err)
							}
							got, err := pg.Documents(ctx, "ns", f)
							if err != nil {
								t.Fatal(err)
							}
							if !slices.EqualFunc(got, want, func(x, y invoice.Document) bool { return x.ID == y.ID }) {
								t.Fatalf("Documents(%+v) = %v, the memory store gives %v", f, names(got), names(want))
							}
							n += len(want)
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no filter matched a document: the comparison proves nothing")
	}
	for _, after := range []string{"", "Acct", "a", "acct", "zz"} {
		want, err := mem.AccountIDs(ctx, "ns", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pg.AccountIDs(ctx, "ns", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("AccountIDs after %q = %v, the memory store gives %v", after, got, want)
		}
	}
}

func names(ds []invoice.Document) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}
