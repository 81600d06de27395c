-- One-time sign-in links (a phone scans one instead of copying a token). Only the SHA-256 hash of
-- the link's secret is stored; used_at is set by the one use that succeeds.
CREATE TABLE login_links (
  id_hash    TEXT    PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX login_links_expiry ON login_links(expires_at);
