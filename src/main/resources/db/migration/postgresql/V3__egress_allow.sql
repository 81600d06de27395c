-- Same as the SQLite one. TEXT rather than JSONB: the server reads it whole and never queries
-- inside it, like usage_json.
ALTER TABLE tasks ADD COLUMN egress_allow TEXT NOT NULL DEFAULT '[]';
