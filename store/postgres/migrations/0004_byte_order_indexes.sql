-- Pages in byte order, read as index ranges. The store orders ids byte by
-- byte (COLLATE "C"), as Go and the memory store order strings, whatever
-- the database's collation; an index keyed by the column's own collation
-- cannot serve that order, so a page of account ids sorted the whole
-- namespace, and a page of documents sorted the ids of each issue time.
-- These indexes key the ids by COLLATE "C" (written as an expression,
-- which PostgreSQL keeps as the column with that collation, and CockroachDB
-- 23.1 or later evaluates as the plain string its default order already
-- sorts bytewise), so that a page after a cursor is read as index ranges.

-- The account ids of a namespace, for AccountIDs.
CREATE INDEX accounts_by_id_c ON accounts (ns, (id COLLATE "C"));

-- Every document of an account by kind in (issued, id) order, and the open
-- ones alone: a page reads one range per kind and merges them, so that a
-- page of an account's few credits does not read its many invoices. They
-- replace the two indexes of 0001, whose ids are in the database's
-- collation and which have no kind.
CREATE INDEX documents_by_kind_c ON documents (ns, account, kind, issued, (id COLLATE "C"));
CREATE INDEX documents_open_by_kind_c ON documents (ns, account, kind, issued, (id COLLATE "C"))
	WHERE status = 'open';
DROP INDEX documents_by_account;
DROP INDEX documents_open_by_account;

-- The documents that amend one (Documents with an original), which are
-- few, however many documents their account holds.
CREATE INDEX documents_by_original ON documents (ns, original) WHERE original <> '';
