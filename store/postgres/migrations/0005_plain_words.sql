-- Plain receivables words for the journal's kinds of entry (credit.EntryKind):
-- the names stored before are renamed (credit.FirstNames lists them). An
-- entry's hash covers its kind's first name, so no hash changes and every
-- history verifies as before. The idempotency records name the kind of the
-- operation they completed, and are renamed alike.
UPDATE entries SET op = CASE op
	WHEN 'allocated' THEN 'account_opened'
	WHEN 'updated' THEN 'account_updated'
	WHEN 'invoiced' THEN 'invoice_issued'
	WHEN 'debit_memo' THEN 'debit_memo_issued'
	WHEN 'purchased' THEN 'charged_to_credit_line'
	WHEN 'payment_recorded' THEN 'payment_received'
	WHEN 'reimbursed' THEN 'balance_paid'
	WHEN 'reimburse_edited' THEN 'balance_payment_edited'
	WHEN 'credit_memo' THEN 'credit_memo_issued'
	WHEN 'refunded' THEN 'purchase_credited'
	WHEN 'applied' THEN 'credit_applied'
	WHEN 'unapplied' THEN 'credit_unapplied'
	WHEN 'adjusted' THEN 'document_adjusted'
	WHEN 'reverted' THEN 'document_voided'
	WHEN 'paid_out' THEN 'credit_refunded'
	WHEN 'charged_back' THEN 'payment_charged_back'
	WHEN 'transferred_out' THEN 'credit_transferred_out'
	WHEN 'transferred_in' THEN 'credit_transferred_in'
	WHEN 'consolidated' THEN 'credits_consolidated'
	WHEN 'expired' THEN 'credit_expired'
	ELSE op END
WHERE op IN ('allocated', 'updated', 'invoiced', 'debit_memo', 'purchased', 'payment_recorded', 'reimbursed', 'reimburse_edited', 'credit_memo', 'refunded', 'applied', 'unapplied', 'adjusted', 'reverted', 'paid_out', 'charged_back', 'transferred_out', 'transferred_in', 'consolidated', 'expired');

UPDATE idempotency SET op = CASE op
	WHEN 'allocated' THEN 'account_opened'
	WHEN 'updated' THEN 'account_updated'
	WHEN 'invoiced' THEN 'invoice_issued'
	WHEN 'debit_memo' THEN 'debit_memo_issued'
	WHEN 'purchased' THEN 'charged_to_credit_line'
	WHEN 'payment_recorded' THEN 'payment_received'
	WHEN 'reimbursed' THEN 'balance_paid'
	WHEN 'reimburse_edited' THEN 'balance_payment_edited'
	WHEN 'credit_memo' THEN 'credit_memo_issued'
	WHEN 'refunded' THEN 'purchase_credited'
	WHEN 'applied' THEN 'credit_applied'
	WHEN 'unapplied' THEN 'credit_unapplied'
	WHEN 'adjusted' THEN 'document_adjusted'
	WHEN 'reverted' THEN 'document_voided'
	WHEN 'paid_out' THEN 'credit_refunded'
	WHEN 'charged_back' THEN 'payment_charged_back'
	WHEN 'transferred_out' THEN 'credit_transferred_out'
	WHEN 'transferred_in' THEN 'credit_transferred_in'
	WHEN 'consolidated' THEN 'credits_consolidated'
	WHEN 'expired' THEN 'credit_expired'
	ELSE op END
WHERE op IN ('allocated', 'updated', 'invoiced', 'debit_memo', 'purchased', 'payment_recorded', 'reimbursed', 'reimburse_edited', 'credit_memo', 'refunded', 'applied', 'unapplied', 'adjusted', 'reverted', 'paid_out', 'charged_back', 'transferred_out', 'transferred_in', 'consolidated', 'expired');

-- Each entry names the documents and applications it changed (credit.Entry
-- Documents and Applications), as JSON arrays of ids; entries written before
-- have none.
ALTER TABLE entries ADD COLUMN documents jsonb NOT NULL DEFAULT '[]';
ALTER TABLE entries ADD COLUMN applications jsonb NOT NULL DEFAULT '[]';

-- The document kind invoice.Credit is invoice.CreditGrant, named "credit_grant".
UPDATE documents SET kind = 'credit_grant' WHERE kind = 'credit';
