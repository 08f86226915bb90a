package credit

// System names a product whose receivables screens this package's seeds
// describe; Label translates the journal's kinds of entry into its words.
type System string

// The seed systems.
const (
	AdobeCommerce     System = "adobe_commerce"     // company credit: the history grid's Operation column
	IngramMicro       System = "ingram_micro"       // reseller credit memos and AR document links
	IMIS              System = "imis"               // open credit
	CitrixCloudPortal System = "citrix_cloudportal" // payments, credits, charge backs
	Aptify            System = "aptify"             // credit memo payments on orders
)

// labels is the table Label reads. A kind a system has no word for is
// absent: the system does not show that action.
//
//	kind                    Adobe Commerce  Ingram Micro  iMIS      Citrix CloudPortal  Aptify
//	account_opened          Allocated
//	account_updated         Updated
//	currency_converted
//	invoice_issued                          Invoice       Invoice                       Order
//	debit_memo_issued                       Debit memo
//	charged_to_credit_line  Purchased
//	payment_received                        Payment       Payment   Record Payment      Payment
//	balance_paid            Reimbursed
//	balance_payment_edited
//	credit_issued                                                   Issue Credit
//	credit_memo_issued                      Credit memo                                 Credit Memo
//	purchase_credited       Refunded
//	credit_applied                          Link          Apply                         Credit Memo payment
//	credit_unapplied                        Unlink        Unapply
//	document_voided         Reverted                      Cancel                        Cancelled
//	credit_refunded                                       Refund    Refund
//	payment_charged_back                                            Issue Charge Back
//	payment_cancelled                                               Cancel Payment
var labels = map[System]map[EntryKind]string{
	AdobeCommerce: {
		AccountOpened: "Allocated", AccountUpdated: "Updated", ChargedToCreditLine: "Purchased",
		BalancePaid: "Reimbursed", PurchaseCredited: "Refunded", DocumentVoided: "Reverted",
	},
	IngramMicro: {
		InvoiceIssued: "Invoice", DebitMemoIssued: "Debit memo", PaymentReceived: "Payment",
		CreditMemoIssued: "Credit memo", CreditApplied: "Link", CreditUnapplied: "Unlink",
	},
	IMIS: {
		InvoiceIssued: "Invoice", PaymentReceived: "Payment", CreditApplied: "Apply",
		CreditUnapplied: "Unapply", DocumentVoided: "Cancel", CreditRefunded: "Refund",
	},
	CitrixCloudPortal: {
		PaymentReceived: "Record Payment", CreditIssued: "Issue Credit", CreditRefunded: "Refund",
		PaymentChargedBack: "Issue Charge Back", PaymentCancelled: "Cancel Payment",
	},
	Aptify: {
		InvoiceIssued: "Order", PaymentReceived: "Payment", CreditMemoIssued: "Credit Memo",
		CreditApplied: "Credit Memo payment", DocumentVoided: "Cancelled",
	},
}

// Label returns the word system s shows for an entry of kind k, as the
// table above lists, and false when s has no such action (then show k
// itself, or a word of your own).
func (k EntryKind) Label(s System) (string, bool) {
	l, ok := labels[s][k]
	return l, ok
}
