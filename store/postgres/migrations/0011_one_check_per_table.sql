-- One CHECK constraint per written table instead of one per column. The
-- server prepares every CHECK of a table afresh for each statement that
-- writes it (it reads the stored expression, simplifies and compiles it),
-- so an Apply, which writes an account, two documents, an application and
-- an entry, prepared 25 constraints at every Commit and evaluated 43
-- comparisons on its rows; now 3 and 18.
-- What remains refuses the same figures as before, but for NaN:
--
--   accounts: a negative limit, credit or debit balance, a negative seq, a
--     version below 1;
--   documents: a negative amount, open balance, functional amount or
--     functional open balance, an open balance above the amount, a
--     functional open balance above the functional amount, a version below
--     1 (amount >= 0 follows from 0 <= open_amount <= amount, both NOT
--     NULL, and is not written out);
--   entries: a seq below 1.
--
-- A condition on a NULL column is unknown, which a CHECK lets pass, and an
-- AND of conditions is false when any one is false: each row is refused
-- exactly when one of the former constraints refused it.
--
-- NaN is no longer refused here (the 19 "<> 'NaN'" conditions were most of
-- the work, and the only ones on applications and on the figures of
-- entries). The store writes no other amount than the text of a valid
-- money.Money (records.go, amount), and a Money cannot hold NaN: money.New,
-- Parse and UnmarshalText read only plain decimals, and the arithmetic
-- traps InvalidOperation, so an undefined result is an error, never a
-- value (money/money.go; TestMoneyRefusesNaN in store/postgres shows it).
-- A negative figure or an open balance above its amount can come from a
-- mistake in the Ledger's arithmetic, which the remaining checks catch.
-- Too many decimals are refused by money.New as well (ErrTooManyDecimals);
-- the schema never refused them.
--
-- The names dropped are PostgreSQL's (table_column_check); an engine that
-- names constraints otherwise (CockroachDB: check_column) needs this
-- migration adapted.
ALTER TABLE accounts
	DROP CONSTRAINT accounts_limit_amount_check,
	DROP CONSTRAINT accounts_credit_check,
	DROP CONSTRAINT accounts_debit_check,
	DROP CONSTRAINT accounts_seq_check,
	DROP CONSTRAINT accounts_version_check,
	ADD CONSTRAINT accounts_figures CHECK (limit_amount >= 0 AND credit >= 0 AND debit >= 0
		AND seq >= 0 AND version >= 1);

ALTER TABLE documents
	DROP CONSTRAINT documents_amount_check,
	DROP CONSTRAINT documents_open_amount_check,
	DROP CONSTRAINT documents_version_check,
	DROP CONSTRAINT documents_check,
	DROP CONSTRAINT documents_functional_check,
	DROP CONSTRAINT documents_functional_open_check,
	DROP CONSTRAINT documents_functional_open_le,
	ADD CONSTRAINT documents_figures CHECK (open_amount >= 0 AND open_amount <= amount
		AND functional >= 0 AND functional_open >= 0 AND functional_open <= functional
		AND version >= 1);

ALTER TABLE applications
	DROP CONSTRAINT applications_amount_check,
	DROP CONSTRAINT applications_debit_value_check,
	DROP CONSTRAINT applications_difference_check;

ALTER TABLE entries
	DROP CONSTRAINT entries_amount_check,
	DROP CONSTRAINT entries_original_check,
	DROP CONSTRAINT entries_credit_change_check,
	DROP CONSTRAINT entries_debit_change_check,
	DROP CONSTRAINT entries_after_credit_check,
	DROP CONSTRAINT entries_after_debit_check,
	DROP CONSTRAINT entries_after_outstanding_check,
	DROP CONSTRAINT entries_after_limit_check,
	DROP CONSTRAINT entries_after_available_check;
