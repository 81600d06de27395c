-- Hosts a person added to the egress allowlist for one task: a JSON array of entries in their
-- normal form ("registry.example.com", "*.example.org", "host:8443"). Existing tasks added none.
ALTER TABLE tasks ADD COLUMN egress_allow TEXT NOT NULL DEFAULT '[]';
