-- Seal the histories written before the hash chain (0002 added prev, hash
-- and head empty): the hash of an entry is credit.EntryHash, which SQL
-- cannot compute, so Migrate does the work in Go, in this migration's
-- transaction (see backfillHashChain in migrate.go). For every account
-- with an entry whose hash is empty, it recomputes prev and hash of all
-- its entries in seq order, sets the account's head to the last hash and
-- raises its version, so that a writer that read the account before the
-- migration conflicts and reads it again.
SELECT 1;
