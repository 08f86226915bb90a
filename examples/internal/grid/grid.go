// Package grid renders tables for the example programs, above all an
// account's history as the grid a finance user knows from Adobe Commerce's
// company credit page: Date, Operation, Amount, Outstanding Balance,
// Available Credit, Credit Limit, Updated By, Custom Reference Number and
// Comment, with the money columns right-aligned.
package grid

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/arcredit/arcredit/credit"
	"github.com/arcredit/arcredit/money"
)

// Table is a grid of text cells under a header. Columns marked in Right are
// right-aligned (money); the others are left-aligned.
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

// DateLayout is how the grid writes an entry's time.
const DateLayout = "2006-01-02 15:04"

// History renders entries as the company credit history grid.
func History(w io.Writer, entries []credit.Entry) error {
	t := Table{
		Header: []string{"Date", "Operation", "Amount", "Outstanding Balance", "Available Credit",
			"Credit Limit", "Updated By", "Custom Reference Number", "Comment"},
		Right: []bool{false, false, true, true, true, true},
	}
	for _, e := range entries {
		t.Add(e.At.Format(DateLayout), Operation(e.Op), Amount(e), e.After.Outstanding.String(),
			e.After.Available.String(), e.After.Limit.String(), e.By, e.Reference, e.Comment)
	}
	return t.Write(w)
}

// operations are the grid's names for the ledger's operations; Adobe
// Commerce's own names where it has one.
var operations = map[credit.Operation]string{
	credit.OpAllocated:         "Allocated",
	credit.OpUpdated:           "Updated",
	credit.OpInvoiced:          "Invoiced",
	credit.OpDebitMemo:         "Debit memo",
	credit.OpPurchased:         "Purchased",
	credit.OpPaymentRecorded:   "Payment recorded",
	credit.OpReimbursed:        "Reimbursed",
	credit.OpReimburseEdited:   "Reimbursement edited",
	credit.OpCreditIssued:      "Credit issued",
	credit.OpCreditMemo:        "Credit memo",
	credit.OpRefunded:          "Refunded",
	credit.OpApplied:           "Applied",
	credit.OpUnapplied:         "Unapplied",
	credit.OpAdjusted:          "Adjusted",
	credit.OpReverted:          "Reverted",
	credit.OpPaidOut:           "Paid out",
	credit.OpChargedBack:       "Charged back",
	credit.OpPaymentCancelled:  "Payment cancelled",
	credit.OpTransferredOut:    "Transferred out",
	credit.OpTransferredIn:     "Transferred in",
	credit.OpConsolidated:      "Consolidated",
	credit.OpCurrencyConverted: "Currency converted",
}

// Operation returns the grid's name for op.
func Operation(op credit.Operation) string {
	if s, ok := operations[op]; ok {
		return s
	}
	return string(op)
}

// Amount returns the Amount cell of an entry: empty for the operations that
// move no money (Allocated, Updated: the Credit Limit column shows the
// line), the amount in the account's currency otherwise, followed for a
// converted amount by the original amount with its currency symbol and the
// rate, as Adobe Commerce shows it: "USD 22,400.00 (€20,000.00) EUR/USD 1.12".
func Amount(e credit.Entry) string {
	if e.Op == credit.OpAllocated || e.Op == credit.OpUpdated || !e.Amount.IsValid() {
		return ""
	}
	s := e.Amount.String()
	if e.Original.IsValid() && e.Rate.IsValid() {
		s += " (" + Symbol(e.Original) + ") " + e.Rate.String()
	}
	return s
}

// symbols are the currency symbols the examples use.
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
	amt := m.Abs().Amount()
	s := sym + money.Group(amt)
	if m.IsNegative() {
		s = "-" + s
	}
	return s
}
