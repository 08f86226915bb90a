-- The hash chain of the histories: each entry carries the hash of the one
-- before it and its own; an account keeps the hash of its last entry.
-- Converted entries record what rounding took away, as a plain decimal.
ALTER TABLE accounts ADD COLUMN head text NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN residual text NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN prev text NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN hash text NOT NULL DEFAULT '';
