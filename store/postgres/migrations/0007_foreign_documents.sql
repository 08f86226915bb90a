-- Documents held in another currency than their account's, and the
-- realized exchange difference of each application (credit package doc,
-- "Documents in a foreign currency"). Every column added has a default
-- that keeps the meaning of the rows already stored: a document with no
-- rate ('') is in its account's currency and has no functional figures
-- (NULL), an application with no value currency ('') matched two such
-- documents. Adding a column with a constant default rewrites no row.

-- rate is the booking rate as text ("EUR/USD 1.10", money.Rate.String);
-- functional and functional_open are the amount and the open balance in
-- functional_currency, the account's.
ALTER TABLE documents ADD COLUMN rate text NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN functional_currency text NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN functional numeric
	CHECK (functional <> 'NaN' AND functional >= 0);
ALTER TABLE documents ADD COLUMN functional_open numeric
	CHECK (functional_open <> 'NaN' AND functional_open >= 0);
ALTER TABLE documents ADD CONSTRAINT documents_functional_open_le
	CHECK (functional_open <= functional);

-- debit_value is the part of the debit's functional balance an application
-- settled, difference the realized gain (positive) or loss, both in
-- value_currency.
ALTER TABLE applications ADD COLUMN value_currency text NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN debit_value numeric CHECK (debit_value <> 'NaN');
ALTER TABLE applications ADD COLUMN difference numeric CHECK (difference <> 'NaN');
