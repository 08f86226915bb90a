-- Room on each page for the next version of its rows. An Apply updates an
-- account and two documents; PostgreSQL can keep such an update on the
-- row's own page, with no new index entry (a HOT update), only when that
-- page has room for the new version, and pages filled to the brim by
-- inserts have none: the update then goes to another page and writes an
-- entry in every index of the table. Accounts are updated by every
-- operation on them and keep a fifth of each page free; documents, updated
-- a few times in their life, a tenth.
--
-- A fillfactor applies to pages written from now on: the pages of a table
-- that already holds rows keep them as packed as they are until they are
-- rewritten (VACUUM FULL or CLUSTER, which lock the table and which this
-- migration does not run), or until their rows move elsewhere as they
-- are updated. Engines that keep no heap pages (CockroachDB, YugabyteDB)
-- have nothing for it to act on; whether they accept the statement was
-- not checked here (docs/scaling.md).
ALTER TABLE accounts SET (fillfactor = 80);
ALTER TABLE documents SET (fillfactor = 90);
