-- The tables of the credit store. Every key leads with the namespace (ns).
-- Ids are text made by the application. Money is a NUMERIC amount with its
-- currency code; every amount of one row shares the row's currency (an
-- entry's original amount has its own). Times are timestamptz, kept to the
-- microsecond. Nothing here needs a sequence, an advisory lock or any other
-- feature that distributed PostgreSQL-compatible engines lack.

CREATE TABLE accounts (
	ns           text        NOT NULL,
	id           text        NOT NULL,
	currency     text        NOT NULL,
	kind         text        NOT NULL,
	party_company text       NOT NULL DEFAULT '',
	party_person text        NOT NULL DEFAULT '',
	limit_amount numeric     CHECK (limit_amount <> 'NaN' AND limit_amount >= 0),
	allow_exceed boolean     NOT NULL DEFAULT false,
	credit       numeric     CHECK (credit <> 'NaN' AND credit >= 0),
	debit        numeric     CHECK (debit <> 'NaN' AND debit >= 0),
	seq          bigint      NOT NULL CHECK (seq >= 0),
	updated      timestamptz NOT NULL,
	created      timestamptz NOT NULL,
	version      bigint      NOT NULL CHECK (version >= 1),
	PRIMARY KEY (ns, id)
);

CREATE TABLE documents (
	ns             text        NOT NULL,
	id             text        NOT NULL,
	account        text        NOT NULL,
	kind           text        NOT NULL,
	currency       text        NOT NULL,
	amount         numeric     NOT NULL CHECK (amount <> 'NaN' AND amount >= 0),
	open_amount    numeric     NOT NULL CHECK (open_amount <> 'NaN' AND open_amount >= 0),
	issued         timestamptz NOT NULL,
	due            timestamptz,
	expires        timestamptz,
	recurring      boolean     NOT NULL DEFAULT false,
	status         text        NOT NULL,
	bill_to_company text       NOT NULL DEFAULT '',
	bill_to_person text        NOT NULL DEFAULT '',
	reason         text        NOT NULL DEFAULT '',
	reference      text        NOT NULL DEFAULT '',
	original       text        NOT NULL DEFAULT '',
	version        bigint      NOT NULL CHECK (version >= 1),
	PRIMARY KEY (ns, id),
	CHECK (open_amount <= amount)
);

-- Every document of an account in (issued, id) order, and the open ones alone.
CREATE INDEX documents_by_account ON documents (ns, account, issued, id);
CREATE INDEX documents_open_by_account ON documents (ns, account, issued, id) WHERE status = 'open';

-- Applications and their reversals: inserted once, never changed.
CREATE TABLE applications (
	ns             text        NOT NULL,
	id             text        NOT NULL,
	credit         text        NOT NULL,
	debit          text        NOT NULL,
	credit_account text        NOT NULL,
	debit_account  text        NOT NULL,
	currency       text        NOT NULL,
	amount         numeric     CHECK (amount <> 'NaN'),
	reverses       text        NOT NULL DEFAULT '',
	policy         text        NOT NULL DEFAULT '',
	operation      text        NOT NULL,
	principal      text        NOT NULL,
	at             timestamptz NOT NULL,
	PRIMARY KEY (ns, id)
);

CREATE INDEX applications_by_credit ON applications (ns, credit);
CREATE INDEX applications_by_debit ON applications (ns, debit);
CREATE INDEX applications_by_operation ON applications (ns, operation);

-- The accounts' histories: append-only, the store only ever inserts here.
CREATE TABLE entries (
	ns                text        NOT NULL,
	account           text        NOT NULL,
	seq               bigint      NOT NULL CHECK (seq >= 1),
	at                timestamptz NOT NULL,
	op                text        NOT NULL,
	document          text        NOT NULL DEFAULT '',
	currency          text        NOT NULL,
	amount            numeric     CHECK (amount <> 'NaN'),
	original_currency text        NOT NULL DEFAULT '',
	original          numeric     CHECK (original <> 'NaN'),
	rate              text        NOT NULL DEFAULT '',
	credit_change     numeric     CHECK (credit_change <> 'NaN'),
	debit_change      numeric     CHECK (debit_change <> 'NaN'),
	after_credit      numeric     CHECK (after_credit <> 'NaN'),
	after_debit       numeric     CHECK (after_debit <> 'NaN'),
	after_outstanding numeric     CHECK (after_outstanding <> 'NaN'),
	after_limit       numeric     CHECK (after_limit <> 'NaN'),
	after_available   numeric     CHECK (after_available <> 'NaN'),
	principal         text        NOT NULL,
	reference         text        NOT NULL DEFAULT '',
	comment           text        NOT NULL DEFAULT '',
	operation         text        NOT NULL,
	PRIMARY KEY (ns, account, seq)
);

-- The balances as of a time: the last entry at or before it.
CREATE INDEX entries_by_time ON entries (ns, account, at, seq);

-- Completed operations by idempotency key.
CREATE TABLE idempotency (
	ns          text        NOT NULL,
	idem_key    text        NOT NULL,
	op          text        NOT NULL,
	fingerprint text        NOT NULL,
	result      bytea,
	at          timestamptz NOT NULL,
	PRIMARY KEY (ns, idem_key)
);
