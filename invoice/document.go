package invoice

import (
	"time"

	"github.com/arcredit/arcredit/money"
)

// Kind is the kind of an AR document.
type Kind uint8

// The kinds of document. Invoice and DebitMemo are debits; the others are
// credits.
const (
	Invoice     Kind = iota + 1 // a debit the customer owes for goods or services
	DebitMemo                   // a debit raised as a correction (e.g. a negative reimbursement)
	CreditMemo                  // a credit from a cancellation, an adjustment or a prepaid deposit
	Payment                     // money received; its unapplied part is open credit
	Prepayment                  // a payment or deposit received before anything is owed
	CreditGrant                 // a credit granted to the customer with a reason (CloudPortal's "Issue Credit", a goodwill or service credit)
)

var kindNames = [...]string{"", "invoice", "debit_memo", "credit_memo", "payment", "prepayment", "credit_grant"}

// String returns the kind's snake_case name ("credit_memo").
func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return "unknown"
}

// IsDebit reports whether documents of this kind are owed by the customer.
func (k Kind) IsDebit() bool { return k == Invoice || k == DebitMemo }

// IsCredit reports whether documents of this kind can pay debits.
func (k Kind) IsCredit() bool { return k >= CreditMemo && k <= CreditGrant }

// Status is where a document is in its life.
type Status uint8

// Statuses. A debit is Open until paid in full (Paid) or voided (Void). A
// credit is Open while it has an unapplied balance and Closed when all of it
// is applied, unless it left in another way: Refunded (paid back to the
// customer), Reversed (a payment charged back or cancelled), Expired.
const (
	Open Status = iota + 1
	Paid
	Void
	Closed
	Reversed
	Refunded
	Expired
)

var statusNames = [...]string{"", "open", "paid", "void", "closed", "reversed", "refunded", "expired"}

// String returns the status's name ("open").
func (s Status) String() string {
	if int(s) < len(statusNames) && s != 0 {
		return statusNames[s]
	}
	return "unknown"
}

// Party is a bill-to party: a company, a person, or both.
type Party struct {
	Company string `json:"company,omitempty"`
	Person  string `json:"person,omitempty"`
}

// IsZero reports whether the party names neither a company nor a person.
func (p Party) IsZero() bool { return p.Company == "" && p.Person == "" }

// BillToMatches applies the bill-to rule to a credit's party and a debit's:
// when the credit names a company, the debit's company must be the same;
// otherwise the persons must be the same (and named).
func BillToMatches(credit, debit Party) bool {
	if credit.Company != "" {
		return credit.Company == debit.Company
	}
	return credit.Person != "" && credit.Person == debit.Person
}

// Document is one AR document. Amount is what it was issued for; Open is what
// is still unapplied (a credit) or unpaid (a debit). Version counts the
// stored changes of the document, for optimistic concurrency.
type Document struct {
	ID        string      `json:"id"`
	Account   string      `json:"account"`
	Kind      Kind        `json:"kind"`
	Amount    money.Money `json:"amount"`
	Open      money.Money `json:"open"`
	Issued    time.Time   `json:"issued"`
	Due       time.Time   `json:"due,omitzero"`     // debits: when payment is due; zero = on issue
	Expires   time.Time   `json:"expires,omitzero"` // credits: when the open balance lapses; zero = never
	Recurring bool        `json:"recurring,omitempty"`
	Status    Status      `json:"status"`
	BillTo    Party       `json:"bill_to,omitzero"`
	Reason    string      `json:"reason,omitempty"`    // why a credit was issued or a debit raised
	Reference string      `json:"reference,omitempty"` // the customer's or caller's reference number
	Original  string      `json:"original,omitempty"`  // the document this one amends (an edit of a reimbursement)
	Version   int64       `json:"version"`
	// Rate is set on a foreign document, one held in another currency than
	// its account's functional currency: the rate it was booked at, from the
	// document's currency (Amount's) to the account's. Functional and
	// FunctionalOpen are then Amount and Open in the account's currency:
	// Functional is Amount converted at Rate when issued, and FunctionalOpen
	// the part of it still open. A document in its account's currency has
	// the zero Rate and the zero Money in both (see Value and OpenValue).
	Rate           money.Rate  `json:"rate,omitzero"`
	Functional     money.Money `json:"functional"`
	FunctionalOpen money.Money `json:"functional_open"`
	// Labels are the caller's own key–values (a priority, a product, a
	// fee type), set when the document is issued and kept as they are:
	// policies read them to scope and rank credits. At most MaxLabels of
	// them (see ValidateLabels); nil when there are none.
	Labels map[string]string `json:"labels,omitempty"`
}

// IsForeign reports whether d is held in another currency than its
// account's (Rate is set).
func (d Document) IsForeign() bool { return d.Rate.IsValid() }

// Value is d's amount in its account's currency: Functional for a foreign
// document, else Amount.
func (d Document) Value() money.Money {
	if d.IsForeign() {
		return d.Functional
	}
	return d.Amount
}

// OpenValue is d's open balance in its account's currency: FunctionalOpen
// for a foreign document, else Open. An account's balances are sums of
// OpenValue.
func (d Document) OpenValue() money.Money {
	if d.IsForeign() {
		return d.FunctionalOpen
	}
	return d.Open
}

// IsDebit reports whether d is owed by the customer.
func (d Document) IsDebit() bool { return d.Kind.IsDebit() }

// IsCredit reports whether d can pay debits.
func (d Document) IsCredit() bool { return d.Kind.IsCredit() }

// ExpiredAt reports whether a credit has lapsed at t (Expires set and not after t).
func (d Document) ExpiredAt(t time.Time) bool {
	return !d.Expires.IsZero() && !t.Before(d.Expires)
}

// OverdueAt reports whether a debit is past its due date at t; a debit
// with no due date is due on issue.
func (d Document) OverdueAt(t time.Time) bool {
	due := d.Due
	if due.IsZero() {
		due = d.Issued
	}
	return d.IsDebit() && t.After(due)
}
