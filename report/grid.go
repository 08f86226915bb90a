package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// Table is a grid of text cells under a header, for reports printed as
// text. Columns marked in Right are right-aligned (money); the others are
// left-aligned.
type Table struct {
	Header []string
	Right  []bool
	Rows   [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Write renders the table with two spaces between columns and a rule under
// the header. Trailing blanks are trimmed from every line.
func (t *Table) Write(w io.Writer) error {
	rows := append([][]string{t.Header}, t.Rows...)
	// Right-aligned columns are padded here to their widest cell, so that
	// tabwriter, which aligns every cell of a line the same way, can lay out
	// the rest left-aligned.
	width := make([]int, len(t.Header))
	for _, r := range rows {
		for i, c := range r {
			if i < len(width) {
				width[i] = max(width[i], utf8.RuneCountInString(c))
			}
		}
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	line := func(r []string) {
		cells := make([]string, len(t.Header))
		for i := range cells {
			if i < len(r) {
				cells[i] = r[i]
			}
			if i < len(t.Right) && t.Right[i] {
				cells[i] = strings.Repeat(" ", width[i]-utf8.RuneCountInString(cells[i])) + cells[i]
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	line(t.Header)
	rule := make([]string, len(t.Header))
	for i := range rule {
		rule[i] = strings.Repeat("-", width[i])
	}
	line(rule)
	for _, r := range t.Rows {
		line(r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if _, err := fmt.Fprintln(w, strings.TrimRight(l, " ")); err != nil {
			return err
		}
	}
	return nil
}

// HistoryRow is one history entry with the documents it names: the entry's
// own document first, then the documents on the other side of the
// applications its operation wrote or reversed on that document (the debit
// a credit memo refunded, the credits an adjustment gave back).
type HistoryRow struct {
	credit.Entry
	Documents []string `json:"documents,omitempty"`
}

// Rows wraps entries as rows that name only each entry's own document,
// without reading anything.
func Rows(entries []credit.Entry) []HistoryRow {
	out := make([]HistoryRow, len(entries))
	for i, e := range entries {
		out[i] = HistoryRow{Entry: e}
		if e.Document != "" {
			out[i].Documents = []string{e.Document}
		}
	}
	return out
}

// Trace returns the entries as rows with the documents each names: its own
// document and, read with Applications, the other documents of the
// applications its operation wrote or reversed on it. An entry that names
// no document (applied, unapplied, consolidated and expired entries that
// span several documents) gets none: the history does not say which
// documents those were. A counterpart the principal may not read is left
// out, not reported as an error.
func Trace(ctx context.Context, r Reader, p credit.Principal, entries []credit.Entry) ([]HistoryRow, error) {
	rows := Rows(entries)
	for i, e := range entries {
		if e.Document == "" {
			if err := traceOperation(ctx, r, p, e, &rows[i]); err != nil {
				return nil, err
			}
			continue
		}
		apps, err := r.Applications(ctx, p, e.Document)
		if errors.Is(err, credit.ErrNotFound) || errors.Is(err, credit.ErrNotAuthorized) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			if a.Operation != e.Operation {
				continue
			}
			other := a.Debit
			if other == e.Document {
				other = a.Credit
			}
			if !slices.Contains(rows[i].Documents, other) {
				rows[i].Documents = append(rows[i].Documents, other)
			}
		}
	}
	return rows, nil
}

// traceOperation names the documents of an entry that names none itself
// (applied, unapplied, consolidated): both sides of each application its
// operation wrote on the entry's account.
func traceOperation(ctx context.Context, r Reader, p credit.Principal, e credit.Entry, row *HistoryRow) error {
	if e.Operation == "" {
		return nil
	}
	apps, err := r.OperationApplications(ctx, p, e.Operation)
	if errors.Is(err, credit.ErrNotFound) || errors.Is(err, credit.ErrNotAuthorized) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, a := range apps {
		for _, side := range [][2]string{{a.Credit, a.CreditAccount}, {a.Debit, a.DebitAccount}} {
			if side[1] == e.Account && !slices.Contains(row.Documents, side[0]) {
				row.Documents = append(row.Documents, side[0])
			}
		}
	}
	return nil
}

// HistoryHeader is the header of the history grid: the columns of a credit
// history as Adobe Commerce's company credit page shows them, with the
// documents each entry names.
var HistoryHeader = []string{"Date", "Operation", "Documents", "Amount", "Outstanding Balance",
	"Available Credit", "Credit Limit", "Updated By", "Custom Reference Number", "Comment"}

// DateLayout is how the grid writes an entry's time (UTC).
const DateLayout = "2006-01-02 15:04"

// HistoryGrid renders rows as the company credit history grid (see
// HistoryHeader), the money columns right-aligned.
func HistoryGrid(w io.Writer, rows []HistoryRow) error {
	t := Table{Header: HistoryHeader, Right: []bool{false, false, false, true, true, true, true}}
	for _, r := range rows {
		e := r.Entry
		t.Add(e.At.UTC().Format(DateLayout), OperationName(e.Kind), strings.Join(r.Documents, ", "), AmountCell(e),
			e.After.Outstanding.String(), e.After.Available.String(), e.After.Limit.String(), e.By, e.Reference, e.Comment)
	}
	return t.Write(w)
}

// operations are the grid's names for the ledger's operations; Adobe
// Commerce's own names where it has one.
var operations = map[credit.EntryKind]string{
	credit.InvoiceIssued:        "Invoiced",
	credit.DebitMemoIssued:      "Debit memo",
	credit.PaymentReceived:      "Payment recorded",
	credit.BalancePaymentEdited: "Reimbursement edited",
	credit.CreditIssued:         "Credit issued",
	credit.CreditMemoIssued:     "Credit memo",
	credit.CreditApplied:        "Applied",
	credit.CreditUnapplied:      "Unapplied",
	credit.DocumentAdjusted:     "Adjusted",
	credit.CreditRefunded:       "Paid out",
	credit.PaymentChargedBack:   "Charged back",
	credit.PaymentCancelled:     "Payment cancelled",
	credit.CreditTransferredOut: "Transferred out",
	credit.CreditTransferredIn:  "Transferred in",
	credit.CreditsConsolidated:  "Consolidated",
	credit.CreditExpired:        "Expired",
	credit.CurrencyConverted:    "Currency converted",
	credit.CreditHeld:           "Credit held",
	credit.HoldReleased:         "Hold released",
	credit.AccountClosed:        "Account closed",

	// The realized exchange differences of foreign documents.
	credit.ExchangeDifferenceRealized:   "Exchange difference realized",
	credit.ExchangeDifferenceReversed:   "Exchange difference reversed",
	credit.ExchangeDifferenceUnrealized: "Exchange difference unrealized",
}

// OperationName returns the grid's name for op ("Purchased"); an operation
// it does not know keeps its own name.
func OperationName(op credit.EntryKind) string {
	if s, ok := op.Label(credit.AdobeCommerce); ok {
		return s
	}
	if s, ok := operations[op]; ok {
		return s
	}
	return string(op)
}

// AmountCell returns the Amount cell of an entry: empty for the operations
// that move no money (Allocated, Updated: the Credit Limit column shows the
// line), the amount in the account's currency otherwise, followed for a
// converted amount by the original amount with its currency symbol and the
// rate, as Adobe Commerce shows it: "USD 22,400.00 (€20,000.00) EUR/USD 1.12".
func AmountCell(e credit.Entry) string {
	if e.Kind == credit.AccountOpened || e.Kind == credit.AccountUpdated || !e.Amount.IsValid() {
		return ""
	}
	s := e.Amount.String()
	if e.Original.IsValid() && e.Rate.IsValid() {
		s += " (" + Symbol(e.Original) + ") " + e.Rate.String()
	}
	return s
}

// symbols are the currency symbols the grid knows.
var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}

// Symbol writes m with its currency's symbol instead of its code, grouped:
// "$22,400.00", "-€1,000.00". A currency without a known symbol keeps its
// code: "CHF 10.00".
func Symbol(m money.Money) string {
	if !m.IsValid() {
		return ""
	}
	sym, ok := symbols[m.Currency().Code()]
	if !ok {
		return m.String()
	}
	s := sym + money.Group(m.Abs().Amount())
	if m.IsNegative() {
		s = "-" + s
	}
	return s
}
