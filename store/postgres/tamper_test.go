package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
	"github.com/arcredit/arcredit/store/postgres"
	"github.com/arcredit/arcredit/store/postgres/postgrestest"
)

// The store only ever inserts history entries; someone with access to the
// database can still edit them. These tests edit the rows with SQL, as such
// a person would, and check that Verify names the account and the first
// entry that no longer matches.

// tamperWorld is a store in a schema of its own, with a Ledger over it,
// and the means to run SQL on its tables.
type tamperWorld struct {
	pool   *pgxpool.Pool
	schema string
	l      *credit.Ledger
	s      *postgres.Store
}

// table returns the qualified name of one of the store's tables.
func (w *tamperWorld) table(name string) string { return pgx.Identifier{w.schema, name}.Sanitize() }

// exec runs a statement that must change exactly n rows.
func (w *tamperWorld) exec(t *testing.T, ctx context.Context, n int64, sql string, args ...any) {
	t.Helper()
	tag, err := w.pool.Exec(ctx, sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if tag.RowsAffected() != n {
		t.Fatalf("%s changed %d rows, want %d", sql, tag.RowsAffected(), n)
	}
}

// newTamperWorld builds, through the Ledger, the histories of accounts
// "acct" and "b" of namespace "ns", and of an account "acct" in namespace
// "other" that has the same entries as ns's. It returns the number of
// entries of "acct".
func newTamperWorld(t *testing.T, ctx context.Context, pool *pgxpool.Pool) (*tamperWorld, int64) {
	t.Helper()
	w := &tamperWorld{pool: pool, schema: postgrestest.Schema(t, pool)}
	w.s = postgres.New(pool, postgres.Options{Schema: w.schema})
	if err := w.s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w.l = newLedger(t, w.s)
	for _, ns := range []string{"ns", "other"} {
		p := credit.Principal{ID: "tester", Namespace: ns, Roles: []string{credit.RoleAdmin}}
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(w.l.OpenAccount(ctx, p, "k1", credit.OpenAccountRequest{ID: "acct", Currency: usd, Limit: m("USD 500.00")}))
		must(w.l.OpenAccount(ctx, p, "k2", credit.OpenAccountRequest{ID: "b", Currency: usd}))
		must(w.l.IssueDebit(ctx, p, "k3", credit.DebitRequest{Account: "acct", ID: "i1", Amount: m("USD 100.00")}))
		must(w.l.IssueCredit(ctx, p, "k4", credit.CreditRequest{Account: "acct", ID: "p1", Amount: m("USD 70.00")}))
		ar, err := w.l.Apply(ctx, p, "k5", credit.ApplyRequest{Pairs: []credit.Pair{{Credit: "p1", Debit: "i1", Amount: m("USD 60.00")}}, Partial: true})
		must(ar, err)
		must(w.l.Unapply(ctx, p, "k6", credit.UnapplyRequest{Operation: ar.Operation}))
		must(w.l.Refund(ctx, p, "k7", credit.RefundRequest{Credit: "p1", Amount: m("USD 5.00")}))
		must(w.l.Transfer(ctx, p, "k8", credit.TransferRequest{Credit: "p1", To: "b", Amount: m("USD 15.00")}))
		must(w.l.Purchase(ctx, p, "k9", credit.PurchaseRequest{Account: "acct", ID: "i2", Amount: m("EUR 10.00"),
			Rate: money.MustParseRate("EUR/USD 1.0837")}))
		must(w.l.IssueDebit(ctx, p, "k10", credit.DebitRequest{Account: "b", ID: "bi", Amount: m("USD 4.00")}))
	}
	h, err := w.s.History(ctx, "ns", "acct", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) < 7 {
		t.Fatalf("account acct has %d entries, want at least 7", len(h))
	}
	for _, ns := range []string{"ns", "other"} {
		if err := w.l.VerifyNamespace(ctx, credit.Principal{ID: "tester", Namespace: ns, Roles: []string{credit.RoleAdmin}}); err != nil {
			t.Fatalf("namespace %s before any edit: %v", ns, err)
		}
	}
	return w, int64(len(h))
}

// rehash sets the stored hash of entry seq of ns/acct to the one its
// present content gives, as someone who knows the hash function would to
// cover an edit.
func (w *tamperWorld) rehash(t *testing.T, ctx context.Context, seq int64) {
	t.Helper()
	h, err := w.s.History(ctx, "ns", "acct", seq-1, 1)
	if err != nil || len(h) != 1 || h[0].Seq != seq {
		t.Fatalf("reading entry %d: %v %+v", seq, err, h)
	}
	w.exec(t, ctx, 1, "UPDATE "+w.table("entries")+" SET hash = $1 WHERE ns = 'ns' AND account = 'acct' AND seq = $2",
		credit.EntryHash(h[0]), seq)
}

func TestVerifyFindsEditedRows(t *testing.T) {
	pool := postgrestest.Pool(t, nil)
	entries := func(w *tamperWorld) string { return w.table("entries") }
	const where = " WHERE ns = 'ns' AND account = 'acct' AND seq = "
	cases := []struct {
		name   string
		tamper func(t *testing.T, ctx context.Context, w *tamperWorld, last int64)
		// seq is the entry Verify must name; 0 means the last one.
		seq int64
	}{
		{"amount changed", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "UPDATE "+entries(w)+" SET amount = amount + 0.01"+where+"3")
		}, 3},
		{"balance after changed", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "UPDATE "+entries(w)+" SET after_credit = after_credit + 10"+where+"5")
		}, 5},
		{"who changed", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "UPDATE "+entries(w)+" SET principal = 'someone else'"+where+"2")
		}, 2},
		{"amount changed on the last entry", func(t *testing.T, ctx context.Context, w *tamperWorld, last int64) {
			w.exec(t, ctx, 1, "UPDATE "+entries(w)+" SET amount = amount + 1"+where+"$1", last)
		}, 0},
		// The edited entry's own hash fits again; the next link does not.
		{"amount changed and rehashed", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "UPDATE "+entries(w)+" SET amount = amount + 1"+where+"3")
			w.rehash(t, ctx, 3)
		}, 4},
		// The hash fits and the link holds, but replaying the changes does
		// not give the balances recorded.
		{"balances after changed and rehashed", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "UPDATE "+entries(w)+` SET after_credit = after_credit + 10,
				after_outstanding = after_outstanding + 10, after_available = after_available + 10`+where+"5")
			w.rehash(t, ctx, 5)
		}, 5},
		{"entry deleted", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "DELETE FROM "+entries(w)+where+"4")
		}, 5},
		{"first entry deleted", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "DELETE FROM "+entries(w)+where+"1")
		}, 2},
		// A history cut short is reported at the first entry missing.
		{"last entry deleted", func(t *testing.T, ctx context.Context, w *tamperWorld, last int64) {
			w.exec(t, ctx, 1, "DELETE FROM "+entries(w)+where+"$1", last)
		}, 0},
		// Entries 4 and 5 trade places: the primary key forbids a swap in
		// one statement, so 4 moves out of the way first.
		{"two seqs swapped", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			tx, err := w.pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(ctx) }()
			for _, step := range [][2]int64{{4, 1_000_000}, {5, 4}, {1_000_000, 5}} {
				tag, err := tx.Exec(ctx, "UPDATE "+entries(w)+" SET seq = $1"+where+"$2", step[1], step[0])
				if err != nil || tag.RowsAffected() != 1 {
					t.Fatalf("moving entry %d to %d: %v, %d rows", step[0], step[1], err, tag.RowsAffected())
				}
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}, 4},
		// The account row, not an entry: its balances no longer match its
		// last entry's.
		{"account balance changed", func(t *testing.T, ctx context.Context, w *tamperWorld, _ int64) {
			w.exec(t, ctx, 1, "UPDATE "+w.table("accounts")+" SET credit = credit + 1 WHERE ns = 'ns' AND id = 'acct'")
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			w, last := newTamperWorld(t, ctx, pool)
			c.tamper(t, ctx, w, last)
			seq := c.seq
			if seq == 0 {
				seq = last
			}
			p := credit.Principal{ID: "tester", Namespace: "ns", Roles: []string{credit.RoleAdmin}}
			wantVerifyError(t, w.l.Verify(ctx, p, "acct"), "acct", seq)
			wantVerifyError(t, w.l.VerifyNamespace(ctx, p), "acct", seq)
			// The edit touched nothing else: the other account of the
			// namespace, and the account of the same id in another.
			if err := w.l.Verify(ctx, p, "b"); err != nil {
				t.Errorf("untouched account b: %v", err)
			}
			other := credit.Principal{ID: "tester", Namespace: "other", Roles: []string{credit.RoleAdmin}}
			if err := w.l.VerifyNamespace(ctx, other); err != nil {
				t.Errorf("untouched namespace other: %v", err)
			}
		})
	}
}

func wantVerifyError(t *testing.T, err error, account string, seq int64) {
	t.Helper()
	var ve *credit.VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T), want a *credit.VerifyError", err, err)
	}
	if ve.Account != account || ve.Seq != seq {
		t.Errorf("VerifyError names account %q entry %d, want %q entry %d: %v", ve.Account, ve.Seq, account, seq, err)
	}
}
