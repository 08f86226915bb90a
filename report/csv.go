package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// The CSV files of this package have one header row, then one record per
// row; their columns are stable (new columns are only ever added at the
// end). Amounts are exact plain decimals with all of their currency's
// digits ("-22400.00", never grouped or rounded), each with its currency
// code in a column of its own; times are RFC 3339 in UTC with the
// fraction when there is one (time.RFC3339Nano); an empty cell is an absent
// value.

// HistoryColumns are the columns of HistoryCSV and StatementCSV:
//
//	account        the account
//	seq            the entry's number in the account's history (1, 2, …)
//	at             when it was recorded
//	op             the operation (credit.EntryKind: "charged_to_credit_line")
//	documents      the documents it names, separated by spaces
//	currency       the account's currency
//	amount         the amount in the account's currency (empty when none)
//	original       the amount as given, before conversion (empty unless converted)
//	original_currency  its currency
//	rate           the conversion rate ("EUR/USD 1.12")
//	residual       what conversion rounded away
//	credit_change  the signed change of the open credit
//	debit_change   the signed change of the open debits
//	credit         open credit after the entry
//	debit          open debits after the entry
//	outstanding    outstanding balance after the entry (credit − debit)
//	limit          credit limit after the entry
//	available      available credit after the entry (limit + outstanding)
//	by             who acted
//	reference      the custom reference number
//	comment        the comment
//	operation      the id of the operation that wrote the entry
var HistoryColumns = []string{"account", "seq", "at", "op", "documents", "currency", "amount", "original",
	"original_currency", "rate", "residual", "credit_change", "debit_change", "credit", "debit", "outstanding",
	"limit", "available", "by", "reference", "comment", "operation"}

// HistoryCSV writes rows as CSV in HistoryColumns.
func HistoryCSV(w io.Writer, rows []HistoryRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(HistoryColumns); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(historyRecord(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func historyRecord(r HistoryRow) []string {
	e := r.Entry
	return append([]string{e.Account, strconv.FormatInt(e.Seq, 10), stamp(e.At), string(e.Kind),
		strings.Join(r.Documents, " "), code(e.After.Debit), amount(e.Amount), amount(e.Original), code(e.Original),
		e.Rate.String(), e.Residual.Plain(), amount(e.CreditChange), amount(e.DebitChange)},
		append(balances(e.After), e.By, e.Reference, e.Comment, e.Operation)...)
}

func balances(b credit.Balances) []string {
	return []string{amount(b.Credit), amount(b.Debit), amount(b.Outstanding), amount(b.Limit), amount(b.Available)}
}

// StatementCSV writes a statement as CSV in HistoryColumns: a first record
// of op "opening" at From with the opening balances, one per entry, and a
// last of op "closing" at To with the closing balances.
func StatementCSV(w io.Writer, s Statement) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(HistoryColumns); err != nil {
		return err
	}
	edge := func(op string, at time.Time, b credit.Balances) []string {
		rec := []string{s.Account, "", stamp(at), op, "", s.Currency.Code(), "", "", "", "", "", "", ""}
		return append(rec, append(balances(b), "", "", "", "")...)
	}
	if err := cw.Write(edge("opening", s.From, s.Opening)); err != nil {
		return err
	}
	for _, r := range s.Entries {
		if err := cw.Write(historyRecord(r)); err != nil {
			return err
		}
	}
	if err := cw.Write(edge("closing", s.To, s.Closing)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// AgingCSV writes an aging report as CSV, one record per account and side
// and then one per currency and side for the totals, in the columns
//
//	as_of     the moment of the aging
//	scope     "account" for an account's record, "total" for a currency's
//	account   the account (empty for a total)
//	currency  the currency of the amounts
//	side      "debit" (open debits) or "credit" (unapplied credits)
//	…         one column per bucket, headed by its label ("current", "1-30", …)
//	total     the side's total
//
// The bucket columns are those of the report's buckets, so they are the
// same for every report made with the same bounds.
func AgingCSV(w io.Writer, rep AgingReport) error {
	cw := csv.NewWriter(w)
	head := []string{"as_of", "scope", "account", "currency", "side"}
	for _, b := range rep.Buckets {
		head = append(head, b.Label)
	}
	if err := cw.Write(append(head, "total")); err != nil {
		return err
	}
	rec := func(scope, account string, cur money.Currency, side Side, ms []money.Money, total money.Money) error {
		r := []string{stamp(rep.AsOf), scope, account, cur.Code(), string(side)}
		for _, m := range ms {
			r = append(r, amount(m))
		}
		return cw.Write(append(r, amount(total)))
	}
	for _, a := range rep.Accounts {
		if err := rec("account", a.Account, a.Currency, Debit, a.Debits, a.Debit); err != nil {
			return err
		}
		if err := rec("account", a.Account, a.Currency, Credit, a.Credits, a.Credit); err != nil {
			return err
		}
	}
	for _, t := range rep.Totals {
		if err := rec("total", "", t.Currency, Debit, t.Debits, t.Debit); err != nil {
			return err
		}
		if err := rec("total", "", t.Currency, Credit, t.Credits, t.Credit); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// AgingLineColumns are the columns of AgingLinesCSV:
//
//	account   the account
//	document  the document
//	side      "debit" or "credit"
//	kind      the document's kind ("invoice", "payment", …)
//	issued    its issue date
//	due       its due date (empty when it has none)
//	days      days past due (debits) or days since issue (credits)
//	bucket    the label of its bucket
//	currency  the currency of the amounts
//	amount    the document's amount
//	open      its open balance as of the aging
var AgingLineColumns = []string{"account", "document", "side", "kind", "issued", "due", "days", "bucket",
	"currency", "amount", "open"}

// AgingLinesCSV writes aging lines as CSV, one at a time: give its Line
// method as AgingOptions.Lines, and call Flush at the end.
type AgingLinesCSV struct {
	cw     *csv.Writer
	header bool
}

// NewAgingLinesCSV returns a writer of aging lines to w in
// AgingLineColumns.
func NewAgingLinesCSV(w io.Writer) *AgingLinesCSV { return &AgingLinesCSV{cw: csv.NewWriter(w)} }

// Line writes one line, after the header row if it is the first.
func (a *AgingLinesCSV) Line(l AgingLine) error {
	if !a.header {
		a.header = true
		if err := a.cw.Write(AgingLineColumns); err != nil {
			return err
		}
	}
	return a.cw.Write([]string{l.Account, l.Document, string(l.Side), l.Kind, stamp(l.Issued), stamp(l.Due),
		strconv.Itoa(l.Days), l.Bucket, code(l.Open), amount(l.Amount), amount(l.Open)})
}

// Flush writes the header if no line was written, flushes the records and
// returns the first error of any write.
func (a *AgingLinesCSV) Flush() error {
	if !a.header {
		a.header = true
		if err := a.cw.Write(AgingLineColumns); err != nil {
			return err
		}
	}
	a.cw.Flush()
	return a.cw.Error()
}

func amount(m money.Money) string {
	if !m.IsValid() {
		return ""
	}
	return m.Amount()
}

func code(m money.Money) string {
	if !m.IsValid() {
		return ""
	}
	return m.Currency().Code()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
