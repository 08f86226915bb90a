-- Labels on documents: the caller's own key–values, kept as a JSON object
-- ('{}' when there are none, which is what every existing row gets).
ALTER TABLE documents ADD COLUMN labels jsonb NOT NULL DEFAULT '{}';

-- A credit hold on an account (its reason, '' when there is none) and when
-- the account was closed (NULL while it is open): existing accounts are
-- neither held nor closed.
ALTER TABLE accounts ADD COLUMN hold text NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN closed timestamptz;
