-- Labels on documents: the caller's own key–values, kept as a JSON object
-- ('{}' when there are none, which is what every existing row gets).
ALTER TABLE documents ADD COLUMN labels jsonb NOT NULL DEFAULT '{}';
